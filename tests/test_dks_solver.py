"""Exact densest kappa-subgraph: brute force, SCIP MIP, max clique and the
multipartite closed form agree; certificates and the solve JSON."""

import itertools
from fractions import Fraction
from math import comb

import networkx as nx
import pytest
from hypothesis import given, strategies as st

from reluhard.errors import InvalidParameterError
from reluhard.generators.graphs import complete_multipartite, gnp, planted_clique
from reluhard.structures.graph import turan_edges
from reluhard.solvers.base import get_oracle
from reluhard.commands.solve import solve_dks_json
from reluhard.solvers.dks import brute_force_dks, densest_k_subgraph

from conftest import n_cases

import pyscipopt  # noqa: E402,F401  (a test dependency: an import error fails, never skips)


def _naive(G, kappa):
    return max(G.subgraph(S).number_of_edges() for S in itertools.combinations(G.nodes(), kappa))


@pytest.mark.parametrize("seed", range(n_cases(12, 60)))
def test_methods_agree_on_random_graphs(seed):
    n = 5 + seed % 5
    kappa = 2 + seed % 4
    G = gnp(n, [0.3, 0.5, 0.7][seed % 3], seed=seed)
    want = _naive(G, kappa)
    b, wit = brute_force_dks(G, kappa)
    assert b == want and G.subgraph(wit).number_of_edges() == want and len(wit) == kappa
    for method in ("auto", "mip"):
        r = densest_k_subgraph(G, kappa, method=method, seed=seed)
        assert r.proven and r.value == want, method
        assert G.subgraph(r.witness).number_of_edges() == want and len(set(r.witness)) == kappa
        C = comb(kappa, 2)
        assert r.cert["max_edges"] == want
        # NO: the certified density gap; YES: the weakest NO promise 1/C(kappa,2)
        assert r.cert.get("delta") == (Fraction(C - want, C) if want < C else Fraction(1, C))
    omega = max(len(c) for c in nx.find_cliques(G))
    if omega < kappa:
        assert want <= turan_edges(kappa, omega)
        with pytest.raises(InvalidParameterError):
            densest_k_subgraph(G, kappa, method="clique")
    else:
        assert want == comb(kappa, 2)


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_multipartite_closed_form_matches_brute_force(sizes, data):
    G = complete_multipartite(sizes)
    n = G.number_of_nodes()
    if n < 2:
        return
    kappa = data.draw(st.integers(2, n))
    r = densest_k_subgraph(G, kappa, method="multipartite")
    assert r.proven and r.value == brute_force_dks(G, kappa)[0]
    assert G.subgraph(r.witness).number_of_edges() == r.value


def test_drift_instance_and_planted_clique():
    r = densest_k_subgraph(complete_multipartite([10, 10, 10]), 6)
    assert (r.value, r.cert["delta"], r.extra["method"]) == (12, Fraction(1, 5), "multipartite")
    G = planted_clique(20, 0.2, 6, seed=3)
    r = densest_k_subgraph(G, 6)
    assert r.proven and r.value == 15 and r.cert["delta"] == Fraction(1, 15)  # YES: weakest NO promise
    js = solve_dks_json(G, 6)
    assert js["max_edges"] == 15 and js["proven_optimal"] and min(js["set"]) >= 1
    assert G.subgraph([v - 1 for v in js["set"]]).number_of_edges() == 15
    assert set(js) >= {"kappa", "max_edges", "set", "proven_optimal", "seconds"}


def test_oracle_registry_and_time_limited_mip_is_certified():
    oracle = get_oracle("graph")
    G = gnp(40, 0.5, seed=7)
    r = oracle(G, kappa=8, time_limit=0.5)
    C = comb(8, 2)
    if r.proven:
        assert r.cert["max_edges"] == r.value
    else:  # the upper bound is certified: never below the set found
        assert r.value <= r.cert["max_edges_upper"] <= C
        assert r.cert["best_edges"] == r.value
    assert G.subgraph(r.witness).number_of_edges() == r.value


@pytest.mark.parametrize("kappa", [1, 0, 8])
def test_bad_kappa(kappa):
    with pytest.raises(InvalidParameterError):
        densest_k_subgraph(nx.path_graph(7), kappa)
