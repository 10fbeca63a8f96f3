"""The theorem-free sign branch-and-bound (solvers/relu_generic_bnb.py) against the SCIP MIQP.

Checked: the envelope is a valid convex under-estimator (and touches the loss
where it must), the root bound never exceeds the optimum, and the proven
optimum equals SCIP's on random data and on small dks-relu NO instances.
"""

from math import comb

import numpy as np
import pyscipopt  # noqa: F401  (a test dependency: never skipped)
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InvalidParameterError
from reluhard.generators.graphs import gnp
from reluhard.reductions.dks_to_relu import REDUCTION
from reluhard.solvers.dks import densest_k_subgraph
from reluhard.solvers.miqp import fit_miqp
from reluhard.solvers.relu_generic_bnb import envelope, fit_generic_bnb

from conftest import n_cases


def _g(t, y):
    return (np.maximum(t, 0.0) - y) ** 2


@given(st.floats(0.01, 10), st.floats(-50, -1e-3), st.floats(1e-3, 50), st.integers(0, 2**31 - 1))
def test_envelope_is_a_convex_underestimator(y, l, u, seed):
    t = np.sort(np.random.default_rng(seed).uniform(l, u, 64))
    t = np.concatenate([[l], t, [u]])
    v, s = envelope(t, np.full_like(t, y), np.full_like(t, l), np.full_like(t, u))
    assert (v <= _g(t, y) + 1e-9 * (1 + y * y)).all()
    # touches the loss at the left end (no slack there: a higher line would be invalid)
    assert abs(v[0] - y * y) <= 1e-9 * (1 + y * y)
    # convex: slopes non-decreasing, and the slope is a derivative (value differences match)
    assert (np.diff(s) >= -1e-9 * (1 + abs(s).max())).all()
    mid = 0.5 * (t[1:] + t[:-1])
    vm, _ = envelope(mid, np.full_like(mid, y), np.full_like(mid, l), np.full_like(mid, u))
    assert (vm <= 0.5 * (v[1:] + v[:-1]) + 1e-9 * (1 + y * y)).all()


def test_envelope_is_the_hull():
    # right of the tangent point it is the loss itself; the tangent point b solves the tangency equation
    y, l, u = 1.0, -4.0, 5.0
    v, _ = envelope(np.array([2.0, 4.0]), np.full(2, y), np.full(2, l), np.full(2, u))
    assert np.allclose(v, _g(np.array([2.0, 4.0]), y))
    b = y + (l - y) + np.sqrt(l * (l - 2 * y))
    assert abs((b - y) ** 2 + 2 * (b - y) * (l - b) - y * y) < 1e-12
    vb, _ = envelope(np.array([b]), np.array([y]), np.array([l]), np.array([u]))
    assert abs(vb[0] - (b - y) ** 2) < 1e-12
    # secant case: the right end is touched too
    vs, _ = envelope(np.array([0.05]), np.array([1.0]), np.array([-4.0]), np.array([0.05]))
    assert abs(vs[0] - 0.95 ** 2) < 1e-12
    # l = -inf: max(0, t - y)^2
    vi, _ = envelope(np.array([-3.0, 0.5, 2.0]), np.ones(3), np.full(3, -np.inf), np.full(3, np.inf))
    assert np.allclose(vi, [0.0, 0.0, 1.0])


def _random(seed, N=7, d=3):
    rng = np.random.default_rng(seed)
    X = rng.integers(-2, 3, size=(N, d)).astype(float)
    y = rng.choice([-1.0, 0.0, 0.5, 1.0, 2.0], size=N)
    c = rng.integers(1, 4, size=N).astype(float)
    return sp.csr_matrix(X), y, c


@settings(max_examples=n_cases(12, 60))
@given(st.integers(0, 10**6))
def test_root_bound_below_optimum_and_optimum_equals_miqp(seed):
    X, y, c = _random(seed)
    ref = fit_miqp((X, y, c), box=2.0, time_limit=60, absgap=1e-9)
    assert ref.proven_optimal
    res = fit_generic_bnb((X, y, c), box=2.0, time_limit=60)
    tol = 1e-5 * max(1.0, ref.loss)
    assert res.extra["root_bound"] <= ref.loss + tol
    assert res.proven_optimal and res.complete and res.extra["pruned_by"] is None
    assert abs(res.loss - ref.loss) <= tol
    assert res.dual_bound <= res.loss + 1e-9 and res.dual_bound >= ref.loss - tol


def _no_instance(n, kappa, seed):
    s = seed
    while True:
        G = gnp(n, 0.5, seed=7000 + s)
        r = densest_k_subgraph(G, kappa)
        if r.value < comb(kappa, 2):
            return G, r
        s += 1


@pytest.mark.parametrize("n,kappa,seed", [(5, 3, 0), (6, 3, 1), (6, 4, 2), (7, 4, 3)][: n_cases(3, 4)])
def test_dks_no_instances_match_miqp(n, kappa, seed):
    G, r = _no_instance(n, kappa, seed)
    img = REDUCTION.apply(G, kappa=kappa, delta=r.cert["delta"])
    ref = fit_miqp(img.target, time_limit=120, seed=0, starts=img.starts(r.witness, seed=0))
    res = fit_generic_bnb(img.target, time_limit=120)  # no starts: the search finds the optimum alone
    assert ref.proven_optimal and res.proven_optimal
    tol = 1e-4 + 1e-7 * ref.loss
    assert abs(res.loss - ref.loss) <= tol
    assert res.dual_bound >= ref.loss - tol
    assert res.loss >= float(img.bounds(**r.cert).soundness) - tol


def test_time_limit_and_node_budget_reported():
    G, r = _no_instance(7, 4, 3)
    img = REDUCTION.apply(G, kappa=4, delta=r.cert["delta"])
    res = fit_generic_bnb(img.target, time_limit=0.0)
    assert not res.complete and not res.proven_optimal and res.dual_bound is None and res.status == "timeout"
    res = fit_generic_bnb(img.target, max_nodes=3)
    assert not res.complete and res.extra["nodes"] == 3 and res.extra["budget_hit"]


def test_needs_a_box():
    X, y, c = _random(0)
    with pytest.raises(InvalidParameterError, match="box"):
        fit_generic_bnb((X, y, c))


def test_envelope_without_a_left_end_is_zero_below_the_label():
    v, s = envelope(np.array([-5.0, 0.3]), np.ones(2), np.full(2, -np.inf), np.full(2, 0.5))
    assert np.allclose(v, 0.0) and np.allclose(s, 0.0)
