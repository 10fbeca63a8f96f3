"""hypergraph-krelu / sat-krelu --variant normalized: the certified loss gap of
non-2-colourable hypergraphs, checked against exact SCIP minima, z3 and fits.

Default run: C3 and C5 exactly at k = 2, C3 at k = 3; RELUHARD_FULL=1 adds Fano,
K4, the all-8 chain and k = 3 on C5.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from pysat.formula import CNF
from scipy.optimize import minimize

from reluhard.cli import main
from reluhard.data import Network, exact_loss, float_loss
from reluhard.io.dimacs import write_cnf
from reluhard.io.npz import load_training_set
from reluhard.reductions import krelu_soundness as KS
from reluhard.reductions.hypergraph_to_krelu import REDUCTION, SAT_KRELU
from reluhard.solvers.smt import check_pattern, exact_rows
from reluhard.structures.hypergraph import make_hypergraph

from conftest import n_cases

pytest.importorskip("pyscipopt")
from reluhard.solvers.relu_ball import fit_krelu_box  # noqa: E402

C3 = make_hypergraph(3, [(0, 1), (1, 2), (0, 2)])
C5 = make_hypergraph(5, [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)])
K4 = make_hypergraph(4, [(i, j) for i in range(4) for j in range(i + 1, 4)])
FANO = make_hypergraph(7, [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5)])
C4 = make_hypergraph(4, [(0, 1), (1, 2), (2, 3), (0, 3)])
ALL8 = CNF(from_clauses=[[s1, 2 * s2, 3 * s3] for s1, s2, s3 in itertools.product([1, -1], repeat=3)])


def _img(H, k, **kw):
    return REDUCTION.apply(H, k=k, variant="normalized", **kw)


# ---------------------------------------------------------------- the constants

def test_eps_raw_values():
    assert KS.eps_raw(_img(C3, 2).params) == 1
    assert KS.eps_raw(_img(FANO, 2).params) == 1
    singleton = make_hypergraph(2, [(0,), (0, 1)])
    assert KS.eps_raw(REDUCTION.apply(singleton, k=2, variant="normalized").params) == Fraction(1, 2)
    assert KS.eps_raw(_img(C3, 3).params) == Fraction(1, 6)
    assert KS.eps_raw(_img(C3, 4).params) == Fraction(1, 6)
    assert KS.eps_raw(_img(C3, 5).params) == Fraction(4, 27)
    assert KS.eps_raw(_img(C3, 7).params) == Fraction(4, 51)
    assert KS.eps_raw(_img(C3, 3, no_gadget=True).params) is None


def test_meta_eps_and_bounds_on_no_instances(tmp_path, capsys):
    img = _img(C3, 2)
    m = img.target.meta
    assert m["eps_raw"] == "1" and m["eps"] == "1/144"  # N = 6 rows, R^2 = 2, Lambda^2 = 2 * 2 * 6
    assert img.bounds(colourable=False).soundness == 1
    assert img.bounds(colourable=True).soundness == 0
    # the plain variant is unchanged (no eps)
    assert "eps" not in REDUCTION.apply(C3, k=2).target.meta
    f = tmp_path / "all8.cnf"
    write_cnf(f, ALL8)
    out = tmp_path / "t.npz"
    assert main(["reduce", "sat-krelu", str(f), "--k", "2", "--variant", "normalized", "-o", str(out)]) == 0
    meta = load_training_set(out)[3]
    assert meta["eps"] == "1/12800" and Fraction(meta["eps"]) > 0
    assert meta["eps_condition"].startswith("H not 2-colourable")
    # with the certificate u >= 1 the chain's soundness is the certified gap
    assert SAT_KRELU.apply(ALL8, k=2, variant="normalized").bounds(min_unsat=1).soundness == 1
    capsys.readouterr()


def test_normalised_mean_loss_is_loss_over_N_Lambda2():
    img = _img(C3, 3)
    T, m = img.target, img.target.meta
    R2, lam2, N = m["normalisation"]["R2"], m["normalisation"]["Lambda2"], T.n_samples
    rng = np.random.default_rng(0)
    X, y, c = T.float_arrays()
    for _ in range(20):
        net = Network(rng.normal(size=(3, T.n_features)), rng.normal(size=3))
        L = float_loss(T, net)
        # f'(x') = f(R x')/Lambda on x' = x/R, y' = y/Lambda
        net2 = Network(net.weights * np.sqrt(R2), net.output_weights / np.sqrt(lam2))
        mean2 = float_loss((X / np.sqrt(R2), y / np.sqrt(lam2), c), net2) / N
        assert abs(mean2 - L / (N * lam2)) <= 1e-12 * max(1.0, L)
    # the lifted network, rebalanced, lies in the learner's class ||w'_j|| = 1, sum |a'_j| <= 1
    W = np.asarray(img.lift([0, 0, 0]).weights, dtype=float)
    assert int((W ** 2).sum()) == m["normalisation"]["lift_sum_sq_norms"]
    assert np.sqrt(R2) * np.linalg.norm(W, axis=1).sum() / np.sqrt(lam2) <= 1 + 1e-12


# ---------------------------------------------------------------- tightness and exact minima

@pytest.mark.parametrize("H,v", [(C3, 0), (C5, 0), (FANO, 0)])
def test_k2_bound_is_attained_by_dropping_one_vertex(H, v):
    """H - v is 2-colourable: colour it, put -M on v in both ReLUs: loss exactly 1 = eps_raw."""
    img = _img(H, 2)
    n = img.params["n"]
    best = None  # over all colourings chi of H (restricted to H - v by the -M column)
    for chi in itertools.product((0, 1), repeat=n):
        net = img.lift(list(chi))
        W = np.array(net.weights, dtype=object)
        W[:, v] = -img.params["M"]
        net = Network(W, net.output_weights)
        L = exact_loss(img.target, net)
        if best is None or L < best:
            best = L
    assert best == KS.eps_raw(img.params) == 1


@pytest.mark.parametrize("H", [C3, C5] + ([K4] if n_cases(0, 1) else []))
def test_k2_exact_box_minimum_is_at_least_eps(H):
    """SCIP over |w| <= 4 for each sign pattern (a in {+1,-1}^2 covers every real a by homogeneity)."""
    img = _img(H, 2)
    e = float(KS.eps_raw(img.params))
    for signs in ([1, 1], [1, -1], [-1, -1]):
        r = fit_krelu_box(img.target, signs=signs, bound=4, time_limit=120)
        assert r.proven_optimal and r.dual_bound >= e - 1e-5
        if signs == [1, 1] and H is not K4:  # H - v is 2-colourable: the bound is the minimum
            assert abs(r.loss - e) <= 1e-6


@pytest.mark.parametrize("H,k", [(C3, 3), (C5, 2)] + ([(C5, 3), (FANO, 3), (K4, 4)] if n_cases(0, 1) else []))
def test_z3_no_network_has_all_residuals_below_sqrt_eps(H, k):
    """unsat for 'every residual in (-rho, rho)' proves loss >= rho^2; rho^2 <= eps_raw must be unsat."""
    img = _img(H, k)
    e = KS.eps_raw(img.params)
    rho = Fraction(2, 5) if k >= 3 else Fraction(1, 2)  # rho^2 = 4/25 < 1/6, 1/4 < 1
    assert rho * rho <= e
    rows, labels, _, _ = exact_rows(img.target)
    for n_pos in range(k + 1):
        status, _ = check_pattern(rows, labels, img.target.n_features, n_pos, k - n_pos, band=rho, timeout_ms=60000)
        assert status == "unsat"


def _fits(T, k, restarts, seed=0):
    X, y, c = T.float_arrays()
    X = X.toarray()
    d = X.shape[1]
    rng = np.random.default_rng(seed)
    best = np.inf
    for n_pos in range(1, k + 1):
        a = np.array([1.0] * n_pos + [-1.0] * (k - n_pos))

        def f(th):
            Wm = th.reshape(k, d)
            Z = X @ Wm.T
            out = np.maximum(Z, 0) @ a - y
            g = 2 * ((c * out)[:, None] * a[None, :] * (Z > 0)).T @ X
            return float(c @ (out * out)), g.ravel()

        for _ in range(restarts):
            th = rng.normal(size=k * d) * rng.choice([0.5, 1.0, 3.0])
            best = min(best, minimize(f, th, jac=True, method="L-BFGS-B", options={"maxiter": 2000}).fun)
    return best


@pytest.mark.parametrize("H,k", [(C3, 2), (FANO, 3)] + ([(C5, 2), (K4, 2), (C5, 4), (FANO, 5)] if n_cases(0, 1) else []))
def test_fits_never_beat_eps_and_decoder_is_proper_below_eps(H, k):
    img = _img(H, k)
    e = float(KS.eps_raw(img.params))
    best = _fits(img.target, k, n_cases(15, 80))
    assert best >= e - 1e-9
    assert best < img.params["n"] + img.params["n_clique"]  # better than the zero network


def test_decoder_guarantee_below_eps_on_colourable_instances():
    rng = np.random.default_rng(1)
    for k in (2, 3, 4):
        img = _img(C4, k)
        e = KS.eps_raw(img.params)
        net = img.lift([0, 1, 0, 1])
        below = 0
        for _ in range(30):
            W = np.asarray(net.weights, dtype=float) + rng.normal(scale=0.004, size=np.shape(net.weights))
            a = np.asarray(net.output_weights, dtype=float) * rng.uniform(0.99, 1.01, size=k)
            noisy = Network(W, a)
            L = float_loss(img.target, noisy)
            g = img.reduction.steps[-1].guarantee(C4, img.params, noisy, L)
            if L < float(e):
                below += 1
                assert g is not None and g.holds
            else:
                assert g is None
        assert below >= 10
    # a chain network decodes through the chain
    chain = SAT_KRELU.apply(CNF(from_clauses=[[1, 2, -3], [-1, -2, 3]]), k=3, variant="normalized")
    assert chain.decode(chain.lift([1, -2, -3])) == [1, -2, -3]
