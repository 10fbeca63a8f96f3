"""R4 (dks-relu): exact forward map, lift formula, bounds, decoder, and the
refuted naive parameter families (all checked in exact Fractions)."""

import itertools
from fractions import Fraction
from math import comb

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy.optimize import minimize

from reluhard.data import Network, exact_loss, float_loss
from reluhard.errors import InvalidParameterError
from reluhard.reductions import get_reduction
from reluhard.reductions.dks_to_relu import (
    REDUCTION,
    decode,
    drift_point,
    exact_params,
    lift_loss,
    proven_params,
    soft_conditions,
)

from conftest import n_cases


@st.composite
def graphs(draw, n_min=2, n_max=6):
    n = draw(st.integers(n_min, n_max))
    pairs = list(itertools.combinations(range(n), 2))
    mask = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    G = nx.empty_graph(n)
    G.add_edges_from(e for e, b in zip(pairs, mask) if b)
    return G


def _edges_in(G, S):
    return G.subgraph(S).number_of_edges()


def test_registered():
    assert get_reduction("dks-relu") is REDUCTION


@given(graphs(), st.data())
def test_forward_well_formed(G, data):
    n = G.number_of_nodes()
    kappa = data.draw(st.integers(2, n))
    img = REDUCTION.apply(G, kappa=kappa, delta=Fraction(1, 3))
    ts = img.target
    assert ts.X.shape == (3 + 2 * n + comb(n, 2), n + 1)
    assert ts.sample_weight.min() > 0
    # pair rows: e_u + e_v - e_0 with label [uv in E], in triu order
    P = ts.X[3 + 2 * n:].toarray()
    u, v = np.triu_indices(n, 1)
    expect = np.zeros((comb(n, 2), n + 1), dtype=np.int64)
    expect[:, 0] = -1
    expect[np.arange(len(u)), u + 1] = 1
    expect[np.arange(len(u)), v + 1] = 1
    assert (P == expect).all()
    assert [bool(b) for b in ts.y[3 + 2 * n:]] == [G.has_edge(a, b) for a, b in zip(u, v)]
    z = ts.X[1 + 2 * n].toarray().ravel()
    assert z[0] == n - 2 * kappa and (z[1:] == 1).all()
    assert (ts.X[2 + 2 * n].toarray().ravel() == -z).all()
    # weights: A, mu x 2n, lam x 2, 1 x pairs over one denominator
    p = img.params
    w = [ts.weight(i) for i in range(ts.n_samples)]
    assert w[0] == p["A"] and set(w[1:1 + 2 * n]) == {p["mu"]} and w[1 + 2 * n] == w[2 + 2 * n] == p["lam"]
    assert set(w[3 + 2 * n:]) <= {Fraction(1)}


@given(graphs(n_max=5), st.data(), st.sampled_from(["proven", "exact"]))
def test_lift_loss_equals_integral_formula_for_every_subset(G, data, mode):
    n = G.number_of_nodes()
    kappa = data.draw(st.integers(2, n))
    delta = data.draw(st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(1, 6), Fraction(2, 7)]))
    img = REDUCTION.apply(G, kappa=kappa, delta=delta, params=mode)
    p = img.params
    mu, lam = p["mu"], p["lam"]
    for r in range(n + 1):
        for S in itertools.combinations(range(n), r):
            want = n * mu + G.number_of_edges() + comb(r, 2) - 2 * _edges_in(G, S) + 4 * lam * (r - kappa) ** 2
            assert exact_loss(img.target, img.lift(list(S))) == want == lift_loss(p, S)


@given(graphs(n_min=3), st.data())
def test_yes_value_and_no_integral_gap(G, data):
    n = G.number_of_nodes()
    kappa = data.draw(st.integers(2, n))
    C = comb(kappa, 2)
    best = max(_edges_in(G, S) for S in itertools.combinations(range(n), kappa))
    img = REDUCTION.apply(G, kappa=kappa, delta=Fraction(1, C))
    b = img.bounds(max_edges=best)
    c = n * img.params["mu"] + G.number_of_edges() - C
    if best == C:
        assert b.soundness is None and b.completeness == c
    else:
        delta = Fraction(C - best, C)
        assert b.soundness == c + delta * C == n * img.params["mu"] + G.number_of_edges() - best
        # every integral kappa-set costs >= c + 2 delta C, and the best one is the completeness value
        assert b.completeness == c + 2 * delta * C
        assert b.assumptions["certified"]


@given(st.integers(2, 60), st.data())
def test_proven_params_dominate_soft_conditions(n, data):
    kappa = data.draw(st.integers(2, n))
    delta = Fraction(data.draw(st.integers(1, 50)), 50)
    max_degree = data.draw(st.integers(0, n - 1))
    n_edges = data.draw(st.integers(0, comb(n, 2)))
    pp = proven_params(n, delta)
    conds = soft_conditions(n, kappa, delta, max_degree, n_edges, pp["mu"], pp["lam"], pp["A"])
    assert all(c["holds"] for c in conds.values()), conds
    ep = exact_params(n, kappa, delta, max_degree, n_edges)
    conds = soft_conditions(n, kappa, delta, max_degree, n_edges, ep["mu"], ep["lam"], ep["A"])
    assert all(c["holds"] for c in conds.values())
    # with equality, any decrease breaks the mu condition; monotone in delta
    assert not soft_conditions(n, kappa, delta, max_degree, n_edges, ep["mu"] - Fraction(1, 10**6), ep["lam"], ep["A"])["mu"]["holds"]
    if delta < 1:
        conds = soft_conditions(n, kappa, min(Fraction(1), 2 * delta), max_degree, n_edges, ep["mu"], ep["lam"], ep["A"])
        assert all(c["holds"] for c in conds.values())


# ---------------------------------------------------------------- refuted naive parameters

def _k10():
    return nx.complete_multipartite_graph(10, 10, 10)


def test_drift_counterexample_k10_10_10_exact():
    G = _k10()
    img = REDUCTION.apply(G, kappa=6, delta=Fraction(1, 5), params="custom", mu=1, lam=1, anchor=1)
    p = img.params
    assert not p["certified"] and not img.target.meta["soundness_certified"]
    b = img.bounds(max_edges=12)
    assert (b.completeness, b.soundness) == (321, 318)
    c = b.assumptions["yes_value_c"]
    assert c == "315"
    S = [v for part in range(3) for v in range(10 * part, 10 * part + 4)]
    cheat = drift_point(G, p, S)
    assert exact_loss(img.target, cheat) == 308  # below c, for any lam and A
    img2 = REDUCTION.apply(G, kappa=6, delta=Fraction(1, 5), params="custom", mu=1, lam=10**4, anchor=10**4)
    assert exact_loss(img2.target, drift_point(G, img2.params, S)) == 308
    # the closed form of the drift loss
    n, j = 30, 6
    assert 30 + Fraction(4 * j * j, n - 12) + 300 + comb(12, 2) - 2 * 48 == 308
    # structured starts contain a drift point at least as good
    best = min(exact_loss(img.target, w) for w in img.starts([0, 1, 10, 11, 20, 21], seed=0))
    assert best <= 308 < b.soundness


def test_drift_family_respects_proven_bound():
    G = _k10()
    img = REDUCTION.apply(G, kappa=6, delta=Fraction(1, 5))
    b = img.bounds(max_edges=12)
    assert img.params["certified"]
    for w in img.starts([0, 1, 10, 11, 20, 21], seed=1):
        assert exact_loss(img.target, w) >= b.soundness


def _negative_anchor_graph():
    G = nx.empty_graph(6)
    G.add_edges_from([(0, 3), (0, 4), (0, 5), (1, 3), (1, 4), (1, 5), (2, 4), (2, 5), (3, 4), (3, 5)])
    return G


def test_negative_anchor_counterexample():
    G = _negative_anchor_graph()
    best = max(_edges_in(G, S) for S in itertools.combinations(range(6), 4))
    assert best == 5  # delta = 1/6
    img = REDUCTION.apply(G, kappa=4, delta=Fraction(1, 6), params="custom", mu=64, lam=1, anchor=1)
    b = img.bounds(max_edges=best)
    assert b.soundness == 6 * 64 + 10 - best and not b.assumptions["certified"]
    X, y, c = img.target.float_arrays()
    f = lambda w: float_loss((X, y, c), Network.single(w))  # noqa: E731
    w0 = np.array([-2.73] + [-1.0] * 6)
    res = minimize(f, w0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    assert res.x[0] < -2
    w = [Fraction(float(x)).limit_denominator(10**6) for x in res.x]
    L = exact_loss(img.target, Network.single(w))
    c_yes = 6 * 64 + 10 - 6
    assert L < b.soundness and abs(float(L - c_yes) - 0.632) < 0.01
    # A = 100 restores the bound at that point (the anchor now costs 100)
    img2 = REDUCTION.apply(G, kappa=4, delta=Fraction(1, 6), params="custom", mu=64, lam=1, anchor=100)
    assert exact_loss(img2.target, Network.single(w)) >= img2.bounds(max_edges=best).soundness


# ---------------------------------------------------------------- decoder and errors

@given(graphs(n_min=3), st.data())
def test_decode_lift_roundtrip_and_guarantee(G, data):
    n = G.number_of_nodes()
    kappa = data.draw(st.integers(2, n))
    S = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=kappa, max_size=kappa)))
    img = REDUCTION.apply(G, kappa=kappa, delta=Fraction(1, comb(kappa, 2)))
    net = img.lift(S)
    assert img.decode(net) == S
    g = img.guarantee(net, exact_loss(img.target, net))
    assert g.holds and g.decoded_value == comb(kappa, 2) - _edges_in(G, S)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    W = rng.normal(size=(1, n + 1))
    D = decode(G, img.params, Network(W, np.array([1.0])))
    assert len(D) == kappa == len(set(D)) and all(0 <= v < n for v in D)


def test_decode_peels_large_sets_keeping_density():
    G = nx.complete_multipartite_graph(3, 3, 3)
    img = REDUCTION.apply(G, kappa=3, delta=Fraction(1, 3))
    w = [1] + [1] * 9  # every vertex selected: S = V, peel to a triangle (one per part)
    S = img.decode(Network.single(w))
    assert _edges_in(G, S) == 3


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"kappa": 9, "delta": 1}, "exceeds"),
        ({"kappa": 1, "delta": 1}, ">= 2"),
        ({"kappa": 3, "delta": 0}, "(0, 1]"),
        ({"kappa": 3, "delta": Fraction(3, 2)}, "(0, 1]"),
        ({"kappa": 3}, "--delta"),
        ({"kappa": 3, "delta": 1, "mu": 1}, "--params custom"),
        ({"kappa": 3, "delta": 1, "params": "custom", "mu": -1}, "> 0"),
    ],
)
def test_bad_input_is_typed(kw, msg):
    G = nx.cycle_graph(5)
    with pytest.raises(InvalidParameterError, match=msg.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        REDUCTION.apply(G, **kw)


def test_delta_from_certificates():
    G = nx.cycle_graph(6)
    G.graph["reluhard"] = {"certificate": {"kappa": 3, "max_edges": 2}}
    assert REDUCTION.apply(G, kappa=3).params["delta"] == Fraction(1, 3)
    H = nx.complete_graph(5)
    H.graph["reluhard"] = {"planted": [0, 1, 2, 3]}
    p = REDUCTION.apply(H, kappa=4).params
    assert p["delta"] == Fraction(1, 6) and p["cert"]["max_edges"] == 6
    H.graph["reluhard"] = {"planted": [0, 1, 2]}  # too small: certifies nothing at kappa = 4
    with pytest.raises(InvalidParameterError):
        REDUCTION.apply(H, kappa=4)


def test_meta_reports_gap_and_normalisation():
    G = nx.cycle_graph(8)
    ts = REDUCTION.apply(G, kappa=3, delta=Fraction(1, 3)).target
    m = ts.meta
    assert m["data_type"] == "dks" and m["soundness_certified"]
    assert Fraction(m["gap"]) == 1 and 0 < m["eps_float"] < m["relative_gap_float"] < 1
    lo0, hi0, c0 = m["box"][0]
    assert c0 == 1 and m["box"][1][2] == 8 and lo0 <= 1 <= hi0


@pytest.mark.parametrize("seed", range(n_cases(2, 10)))
def test_forward_deterministic(seed):
    G = nx.gnp_random_graph(9, 0.5, seed=seed)
    a = REDUCTION.apply(G, kappa=4, delta=Fraction(1, 2)).target
    b = REDUCTION.apply(G, kappa=4, delta=Fraction(1, 2)).target
    assert (a.X != b.X).nnz == 0 and (a.y == b.y).all() and (a.sample_weight == b.sample_weight).all()
