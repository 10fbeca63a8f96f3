"""Theorem-free branch-and-bound (solvers/relu_bnb) vs the full orthant enumeration."""

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import n_cases
from reluhard.generators.ksat import planted_3sat, random_ksat
from reluhard.reductions import get_reduction
from reluhard.solvers.relu_bnb import column_envelopes, fit_bnb
from reluhard.solvers.relu_exact import fit_exact, fit_orthant
from reluhard.reductions.sat_to_relu import cell_lower_bounds

R1 = get_reduction("sat-relu")


def _cases():
    out = []
    for n in (3, 4, 5, 6, 7, 8, 9, 10):
        for seed in range(n_cases(1 if n <= 7 else 0, 3)):
            out.append((n, seed))
    return out


@pytest.mark.parametrize("n,seed", _cases())
def test_bnb_matches_full_enumeration(n, seed):
    ts = R1.apply(random_ksat(n, 6 * n, seed=seed)).target
    full = fit_orthant(ts)
    bnb = fit_bnb(ts)
    assert full.proven_optimal and bnb.proven_optimal
    assert bnb.extra["pruned_by"] is None
    assert bnb.loss == pytest.approx(full.loss, abs=1e-7)
    # rigorous bounds: each dual bound is below the other's (true) minimum
    assert bnb.dual_bound <= full.loss + 1e-9 and full.dual_bound <= bnb.loss + 1e-9
    assert bnb.dual_bound >= bnb.loss - 1e-3
    assert bnb.extra["leaves"] < 2 ** (n + 1)  # it prunes


def test_bnb_on_satisfiable_data_finds_n():
    ts = R1.apply(planted_3sat(7, 28, seed=2)).target
    res = fit_bnb(ts)
    assert res.proven_optimal and res.loss == pytest.approx(7.0, abs=1e-8)


def test_envelope_is_the_convex_envelope():
    # one column with points v = 2, 1, -1, -3 (labels 1, 2, 1, 0.5; weights 1, 2, 1, 3): h(w) = sum c (relu(v w) - y)^2
    v = np.array([2.0, 1.0, -1.0, -3.0])
    yy = np.array([1.0, 2.0, 1.0, 0.5])
    cc = np.array([1.0, 2.0, 1.0, 3.0])
    X = sp.csr_matrix(v[:, None])
    cols, Ap, Bp, An, Bn, C, s, kappa, a, b = (np.asarray(t)[0] if np.ndim(t) else t for t in column_envelopes(X, yy, cc))
    assert a <= 0 <= b
    w = np.linspace(-3, 3, 2001)
    h = (cc[None, :] * (np.maximum(np.outer(w, v), 0) - yy[None, :]) ** 2).sum(axis=1)
    env = np.where(w <= a, (An * w + Bn) * w + C, np.where(w >= b, (Ap * w + Bp) * w + C, kappa + s * w))
    assert (env <= h + 1e-12).all()  # a minorant
    # touching at a and b with matching slopes (so no larger convex minorant exists)
    assert (An * a + Bn) * a + C == pytest.approx(kappa + s * a)
    assert (Ap * b + Bp) * b + C == pytest.approx(kappa + s * b)
    assert 2 * An * a + Bn == pytest.approx(s) and 2 * Ap * b + Bp == pytest.approx(s)
    assert np.all(np.diff(env, 2) >= -1e-9)  # convex on the grid


def test_fit_exact_is_theorem_free_by_default():
    ts = R1.apply(random_ksat(5, 30, seed=1)).target
    plain = fit_exact(ts)
    pruned = fit_exact(ts, prune=True, starts=(), cell_bound=cell_lower_bounds, pruned_by="claim (★)")
    assert plain.extra["engine"] == "bnb" and plain.extra["pruned_by"] is None
    assert pruned.extra["pruned_by"] == "claim (★)"


def test_bnb_budget_is_reported():
    ts = R1.apply(random_ksat(8, 48, seed=0)).target
    res = fit_bnb(ts, max_nodes=5)
    assert res.complete is False and res.proven_optimal is False and res.dual_bound is None
    assert res.extra["budget_hit"] is True and res.extra["nodes"] == 5


def test_streamed_cell_signs_follow_product_order():
    import itertools

    from reluhard.solvers.relu_exact import _cell_signs

    p = np.array([0, 2, 3])
    want = np.ones((8, 5))
    want[:, p] = np.array(list(itertools.product((1.0, -1.0), repeat=3)))
    assert (_cell_signs(np.arange(8), p, 5) == want).all()


def test_pruned_path_agrees_with_bnb():
    for seed in range(2):
        ts = R1.apply(random_ksat(7, 42, seed=seed)).target
        a, b = fit_orthant(ts, prune=True, starts=(), cell_bound=cell_lower_bounds), fit_bnb(ts)
        assert a.proven_optimal and b.proven_optimal
        assert a.loss == pytest.approx(b.loss, abs=1e-7)
