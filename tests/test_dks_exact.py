"""R4 against exact single-ReLU minima (SCIP MIQP of solvers/miqp.py) and fits.

Default run: a bounded subset; RELUHARD_FULL=1 runs the "Done when" counts
(36 NO graphs and 12 YES graphs, n <= 7, kappa in {3, 4}, both parameter sets).
"""

from fractions import Fraction
from math import comb

import networkx as nx
import pyscipopt  # noqa: F401  (a test dependency: never skipped)
import pytest

from reluhard.generators.dks_families import multipartite_no, negative_anchor_graph
from reluhard.generators.graphs import gnp, planted_clique, planted_dense_subgraph
from reluhard.reductions.dks_to_relu import REDUCTION
from reluhard.solvers.dks import densest_k_subgraph
from reluhard.solvers.fit import fit_gd
from reluhard.solvers.miqp import fit_miqp

from conftest import dks_no_instances, n_cases


def _tol(v):
    return 1e-4 + 1e-7 * abs(float(v))


def _yes_instances(count):
    """Planted kappa-cliques with no (kappa+1)-clique, n <= 7."""
    out, seed = [], 0
    while len(out) < count:
        n, kappa = 6 + seed % 2, 3 + (seed // 2) % 2
        G = planted_clique(n, 0.35, kappa, seed=2000 + seed)
        omega = max(len(c) for c in nx.find_cliques(G))
        if omega == kappa:
            out.append((G, kappa))
        seed += 1
    return out


NO = dks_no_instances(n_cases(3, 36))
YES = _yes_instances(n_cases(2, 12))


@pytest.mark.parametrize("i", range(len(NO)))
def test_exact_minimum_respects_soundness_on_no_graphs(i):
    G, kappa, r = NO[i]
    mode = "exact" if i % 2 == 0 else "proven"
    img = REDUCTION.apply(G, kappa=kappa, delta=r.cert["delta"], params=mode)
    b = img.bounds(**r.cert)
    assert b.assumptions["certified"]
    res = fit_miqp(img.target, time_limit=120, seed=0, starts=img.starts(r.witness, seed=0))
    assert res.loss >= float(b.soundness) - _tol(b.soundness)
    assert res.loss <= float(b.completeness) + _tol(b.completeness)
    assert res.proven_optimal, res.status
    assert res.dual_bound >= float(b.soundness) - _tol(b.soundness)
    # decoder guarantee at the (numerically) exact minimiser
    g = img.guarantee(res.network, res.loss, **r.cert)
    assert g.holds, g.statement


@pytest.mark.parametrize("i", range(len(YES)))
def test_exact_minimum_equals_yes_value_on_planted_cliques(i):
    G, kappa = YES[i]
    img = REDUCTION.apply(G, kappa=kappa, params="exact" if i % 2 == 0 else "proven")
    r = densest_k_subgraph(G, kappa)
    b = img.bounds(**r.cert)
    c = b.completeness
    assert b.soundness is None and r.value == comb(kappa, 2)
    res = fit_miqp(img.target, time_limit=120, seed=0, starts=img.starts(r.witness, seed=0))
    assert res.proven_optimal
    assert abs(res.loss - float(c)) <= _tol(c)
    assert res.dual_bound >= float(c) - _tol(c)
    assert img.decode(res.network) in [sorted(q) for q in nx.find_cliques(G) if len(q) == kappa] or \
        G.subgraph(img.decode(res.network)).number_of_edges() == comb(kappa, 2)


def test_negative_anchor_exact_minimum_below_claim():
    G = negative_anchor_graph()
    r = densest_k_subgraph(G, 4)
    img = REDUCTION.apply(G, kappa=4, params="custom", mu=64, lam=1, anchor=1)
    b = img.bounds(**r.cert)
    c = b.soundness - 1  # delta C = 1
    res = fit_miqp(img.target, time_limit=120, seed=0, starts=img.starts(r.witness, seed=0))
    assert res.proven_optimal
    assert res.loss < float(b.soundness) and abs(res.loss - float(c) - 0.632) < 0.01
    assert res.network.weights[0, 0] < -2
    img2 = REDUCTION.apply(G, kappa=4, params="custom", mu=64, lam=1, anchor=100)
    res2 = fit_miqp(img2.target, time_limit=120, seed=0, starts=img2.starts(r.witness, seed=0))
    assert res2.loss >= float(img2.bounds(**r.cert).soundness) - 1e-4


def _medium_no(i):
    if i % 3 == 0:
        return multipartite_no(5 + i % 4, 3, 6)
    if i % 3 == 1:
        return planted_dense_subgraph(15 + i, 0.3, 6, 0.6, seed=i)
    return gnp(15 + i, 0.35, seed=i)


@pytest.mark.slow
@pytest.mark.parametrize("i", range(n_cases(3, 11)))
def test_fits_respect_bound_n15_25(i):
    G = _medium_no(i)
    kappa = 6
    r = densest_k_subgraph(G, kappa, time_limit=60)
    if "delta" not in r.cert:  # a YES graph: only min <= c is claimed
        img = REDUCTION.apply(G, kappa=kappa, delta=Fraction(1, comb(kappa, 2)))
        res = fit_gd(img.target, restarts=5, seed=i, starts=img.starts(r.witness, seed=i), time_limit=60)
        assert res.loss <= float(img.bounds(**r.cert).completeness) + 1e-6
        return
    img = REDUCTION.apply(G, kappa=kappa, delta=r.cert["delta"])
    b = img.bounds(**r.cert)
    res = fit_gd(img.target, restarts=5, seed=i, starts=img.starts(r.witness, seed=i), time_limit=60)
    assert res.loss >= float(b.soundness) - _tol(b.soundness)
    assert img.guarantee(res.network, res.loss, **r.cert).holds


@pytest.mark.slow
def test_o1_mu_refuted_by_fits_on_multipartite():
    """With mu = 1 the registered starts + gd fall below the (uncertified) claim c + delta C."""
    G = multipartite_no(5, 3, 6)
    r = densest_k_subgraph(G, 6)
    img = REDUCTION.apply(G, kappa=6, params="custom", mu=1)
    b = img.bounds(**r.cert)
    assert not b.assumptions["certified"]
    res = fit_gd(img.target, restarts=3, seed=0, starts=img.starts(r.witness, seed=0), time_limit=60)
    assert res.loss < float(b.soundness)
