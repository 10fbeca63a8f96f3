"""3-SAT -> Clique -> DkS -> one ReLU: the certified density gap delta >= u/C(m,2)
and #falsified(decode S) <= missing(S), against brute force and exact DkS."""

import itertools
from fractions import Fraction
from math import comb

import numpy as np
import pytest
from pysat.formula import CNF

from reluhard.data import exact_loss
from reluhard.errors import InvalidParameterError
from reluhard.generators.ksat import planted_3sat, random_ksat
from reluhard.reductions import get_reduction
from reluhard.structures.cnf import instance_meta
from reluhard.reductions.sat_to_clique import REDUCTION, value
from reluhard.solvers.dks import densest_k_subgraph

from conftest import n_cases

ALL8 = [[s1 * 1, s2 * 2, s3 * 3] for s1 in (1, -1) for s2 in (1, -1) for s3 in (1, -1)]


def _min_unsat(cnf):
    n = cnf.nv
    return min(value(cnf, [v if b else -v for v, b in zip(range(1, n + 1), bits)])
               for bits in itertools.product([0, 1], repeat=n))


def _missing(G, S):
    return comb(len(S), 2) - G.subgraph(S).number_of_edges()


def _formulas(count, mixed=False):
    rng = np.random.default_rng(7 if mixed else 3)
    out = [CNF(from_clauses=ALL8)]
    while len(out) < count:
        n, m = int(rng.integers(3, 6)), int(rng.integers(4, 9))
        if mixed:
            cl = []
            for _ in range(m):
                w = int(rng.integers(1, 4))
                vs = rng.choice(n, size=min(w, n), replace=False) + 1
                cl.append([int(v) * int(rng.choice([-1, 1])) for v in vs])
            out.append(CNF(from_clauses=cl))
        else:
            out.append(random_ksat(n, m, seed=int(rng.integers(2**31))))
    return out


FORMULAS = _formulas(n_cases(8, 60)) + _formulas(n_cases(6, 40), mixed=True)


@pytest.mark.parametrize("i", range(len(FORMULAS)))
def test_density_gap_and_decoder_against_exact_dks(i):
    phi = FORMULAS[i]
    u = _min_unsat(phi)
    img = REDUCTION.apply(phi)
    G = img.target
    m = len(phi.clauses)
    C = comb(m, 2)
    r = densest_k_subgraph(G, m, time_limit=120)
    assert r.proven
    # the claim: every m-set misses >= u edges (delta >= u/C); (u = 0 iff m-clique)
    assert C - r.value >= u
    assert (r.value == C) == (u == 0)
    # certify transfers exactly that promise
    cert = REDUCTION.certify(phi, img.params, {"min_unsat": u})
    if u:
        assert cert["delta"] == Fraction(u, C) and cert["max_edges_upper"] >= r.value
    # decoder: #falsified(decode S) <= missing(S), at the optimum and on random m-sets
    rng = np.random.default_rng(i)
    sets = [r.witness] + [sorted(rng.choice(G.number_of_nodes(), size=m, replace=False).tolist()) for _ in range(50)]
    for S in sets:
        assert value(phi, img.decode(S)) <= _missing(G, S)


def test_decoder_on_all_m_sets_tiny():
    phi = CNF(from_clauses=[[1, 2, 3], [-1, 2, -3], [-2, 3, 1], [-1, -2, -3]])
    img = REDUCTION.apply(phi)
    G = img.target
    for S in itertools.combinations(range(G.number_of_nodes()), 4):
        assert value(phi, img.decode(list(S))) <= _missing(G, S)


def test_two_disjoint_all8_blocks_tight_gap():
    if n_cases(0, 1) == 0:
        pytest.skip("m = 16, 48 vertices: full mode only (RELUHARD_FULL=1)")
    phi = CNF(from_clauses=ALL8 + [[c[0] // abs(c[0]) * 4, c[1] // abs(c[1]) * 5, c[2] // abs(c[2]) * 6] for c in ALL8])
    img = REDUCTION.apply(phi, min_unsat=2)
    r = densest_k_subgraph(img.target, 16, time_limit=300)
    assert r.proven and comb(16, 2) - r.value == 2  # tight: min missing = u


@pytest.mark.parametrize("seed", range(n_cases(3, 15)))
def test_satisfiable_lift_is_clique_and_chain_value(seed):
    phi = planted_3sat(5, 6, seed=seed)
    alpha = instance_meta(phi)["certificate"]["assignment"]
    img = REDUCTION.apply(phi)
    S = img.lift(alpha)
    G = img.target
    assert _missing(G, S) == 0 and len(S) == len(phi.clauses)
    assert value(phi, img.decode(S)) == 0
    chain = get_reduction("sat-clique-relu")
    cimg = chain.apply(phi)
    b = cimg.bounds(min_unsat=0)
    assert b.soundness is None
    assert exact_loss(cimg.target, cimg.lift(alpha)) == b.completeness
    assert value(phi, cimg.decode(cimg.lift(alpha))) == 0


def test_chain_soundness_is_c_plus_u():
    phi = CNF(from_clauses=ALL8)
    chain = get_reduction("sat-clique-relu")
    img = chain.apply(phi, min_unsat=1)
    p = img.params
    assert p["delta"] == Fraction(1, 28) and p["kappa"] == 8
    b = img.bounds(min_unsat=1)
    c = Fraction(b.assumptions["yes_value_c"])
    assert b.soundness == c + 1 and b.assumptions["certified"]
    # without a certificate the chain uses the promise u >= 1 and says so
    img0 = chain.apply(phi)
    assert img0.target.meta["delta_source"].startswith("instance metadata (assumption")  # a promise, not a proof
    assert "promise" in img0.stages[1][1].graph["reluhard"]["certificate"]["source"]


def test_bad_formulas():
    with pytest.raises(InvalidParameterError, match=">= 2 clauses"):
        REDUCTION.apply(CNF(from_clauses=[[1, 2]]))
    with pytest.raises(InvalidParameterError, match="empty"):
        REDUCTION.apply(CNF(from_clauses=[[1, 2], []]))
