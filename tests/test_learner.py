"""Tests of the proper learner (design note learner.md §10).

Default run: a bounded subset of each randomized check; RELUHARD_FULL=1 runs
the full counts (and the ``slow`` tests).
"""

import itertools
import json
import math

import numpy as np
import pytest
from conftest import n_cases

from reluhard.cli import main
from reluhard.errors import InvalidParameterError
from reluhard.io.npz import save_training_set
from reluhard.solvers.learner import (
    adaptive_params,
    covering_radius,
    exact_relu_2d,
    iter_lattice,
    l1_qp,
    l1_qp2,
    lattice_count,
    learn,
    learn_krelu,
    learn_relu,
    log2_planned_size,
    prepare,
    radius_for,
    round_toward_zero,
    worst_case_params,
)
from reluhard.solvers.learner.single import scan_lattice



def ball_data(rng, N, d, radius=1.0):
    X = rng.standard_normal((N, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X * radius * rng.random((N, 1)) ** (1.0 / d)


def labels(rng, X, model):
    w = rng.standard_normal(X.shape[1])
    w /= np.linalg.norm(w)
    if model == "uniform":
        return rng.random(X.shape[0])
    if model == "teacher":
        return np.clip(np.maximum(X @ (0.8 * w), 0) + 0.2 * rng.standard_normal(X.shape[0]), 0, 1)
    return np.maximum(X @ (0.9 * w), 0)  # realizable


def instances_2d(count, seed):
    rng = np.random.default_rng(seed)
    for i in range(count):
        N = int(rng.integers(10, 61))
        X = ball_data(rng, N, 2)
        model = ("uniform", "teacher", "realizable")[i % 3]
        c = rng.integers(1, 4, N).astype(float) if i % 2 else None
        yield X, labels(rng, X, model), c, model


def polar_grid_min(X, y, c, n_theta=1200, n_r=300):
    p = np.ones(len(y)) if c is None else c
    p = p / p.sum()
    th = np.linspace(0, 2 * np.pi, n_theta, endpoint=False)
    r = np.linspace(0, 1, n_r)
    Wg = (r[:, None, None] * np.stack([np.cos(th), np.sin(th)], 1)[None]).reshape(-1, 2)
    R = np.maximum(X @ Wg.T, 0) - y[:, None]
    return float((p @ (R * R)).min())


# ------------------------------------------------------------------ exact oracle

def test_oracle_matches_polar_grid():
    for X, y, c, _ in instances_2d(n_cases(6, 30), seed=1):
        w, opt = exact_relu_2d(X, y, c)
        assert np.linalg.norm(w) <= 1 + 1e-12
        grid = polar_grid_min(X, y, c)
        assert opt <= grid + 1e-12
        assert grid - opt <= 5e-5  # the grid is a close upper bound


@pytest.mark.parametrize("mode", ["bnb", "net", "anytime"])
def test_learner_within_eps_of_exact_optimum(mode):
    """L(w) <= OPT + eps, certificate <= OPT, ||w|| <= 1; bare algorithm (no L-BFGS) and full."""
    epss = (0.05, 0.01, 0.002)
    for i, (X, y, c, model) in enumerate(instances_2d(n_cases(6, 60), seed=2)):
        _, opt = exact_relu_2d(X, y, c)
        for eps in epss:
            for inc in (False, True):
                r = learn_relu(X, y, c, eps=eps, mode=mode, seed=i, incumbent=inc)
                assert r.complete, (model, eps, mode)
                assert np.linalg.norm(r.weights[0]) <= 1 + 1e-12
                assert r.mean_loss <= opt + eps + 1e-12, (model, eps, mode, inc)
                assert r.certified_lower_bound <= opt + 1e-12
                assert r.certified_lower_bound <= r.mean_loss


def test_bare_lattice_winner_within_eps():
    """Algorithm A alone: the best net point from U = mean y^2 satisfies L <= OPT + eps (lemmas L1-L3)."""
    for X, y, c, _ in instances_2d(n_cases(6, 40), seed=3):
        _, opt = exact_relu_2d(X, y, c)
        prob = prepare(X, y, c)
        for eps in (0.02, 0.005):
            delta = radius_for(prob.ysq, eps)
            m, h, _ = adaptive_params(delta * 0.999, prob.s, prob.rank)
            out = scan_lattice(prob, m, h)
            w = prob.V[:, :m] @ out["c"]
            assert np.linalg.norm(w) <= 1 + 1e-9
            assert prob.mean_loss(w) <= opt + eps + 1e-9
            assert max(0.0, out["root_lb"] - covering_radius(prob.s, h, m)) ** 2 <= opt + 1e-12


def test_bnb_tail_path_m_below_rank():
    """B&B in a 1-dim subspace of 2-dim data: LB <= OPT <= UB, certified => UB <= OPT + eps."""
    closed = 0
    for X, y, c, _ in instances_2d(n_cases(6, 40), seed=4):
        _, opt = exact_relu_2d(X, y, c)
        for eps in (0.05, 0.01):
            r = learn_relu(X, y, c, eps=eps, mode="bnb", m=1, seed=0, incumbent=False, max_open=20000)
            if r.extra["mean_y2"] <= eps:  # trivial path: w = 0 is certified by OPT >= 0
                assert r.complete and r.certified_lower_bound == 0.0
                continue
            assert r.m == 1
            assert r.certified_lower_bound <= opt + 1e-12
            assert opt <= r.mean_loss + 1e-12
            if r.complete:
                closed += 1
                assert r.mean_loss <= opt + eps + 1e-12
    assert closed > 0


def test_bnb_higher_dimension_gap_consistent():
    rng = np.random.default_rng(5)
    X = ball_data(rng, 200, 4)
    y = labels(rng, X, "teacher")
    r = learn_relu(X, y, eps=2e-3, mode="bnb", seed=0)
    assert r.complete and r.gap <= 2e-3 + 1e-12
    r2 = learn_relu(X, y, eps=1e-2, mode="net", seed=0, n_restarts=2)
    assert r2.complete and r2.gap <= 1e-2 + 1e-12 and r2.lattice_size > 0
    # each certificate is a lower bound on the other's (feasible) loss
    assert r.certified_lower_bound <= r2.mean_loss + 1e-12
    assert r2.certified_lower_bound <= r.mean_loss + 1e-12


# ------------------------------------------------------------------ lemmas

def test_pca_tail_lemma():
    rng = np.random.default_rng(6)
    for _ in range(n_cases(5, 30)):
        N, d = int(rng.integers(5, 80)), int(rng.integers(2, 9))
        X = ball_data(rng, N, d) * (rng.random(d) ** 2)  # uneven spectrum
        c = rng.integers(1, 5, N).astype(float)
        prob = prepare(X, np.zeros(N), c)
        msq = float(prob.p @ (X * X).sum(axis=1))
        assert abs((prob.s**2).sum() - msq) <= 1e-12
        for m in range(prob.s.size):
            assert prob.tail(m) ** 2 <= msq / (m + 1) + 1e-15
            Vm = prob.V[:, :m]
            Wr = ball_data(rng, 50, d)
            resid = X @ (Wr - (Wr @ Vm) @ Vm.T).T
            norms = np.sqrt(prob.p @ (resid * resid))
            assert norms.max() <= prob.tail(m) + 1e-12


def test_toward_zero_rounding_lands_in_net():
    rng = np.random.default_rng(7)
    for _ in range(n_cases(10, 60)):
        m = int(rng.integers(1, 4))
        h = rng.uniform(0.15, 1.3, m)
        net = {tuple(np.round(p / h).astype(int)) for p in np.concatenate(list(iter_lattice(h)))}
        C = ball_data(rng, 40, m)
        C[:5] /= np.linalg.norm(C[:5], axis=1, keepdims=True)  # on the sphere
        Ch = round_toward_zero(C, h)
        assert (np.abs(Ch - C) < h).all()
        assert ((Ch * Ch).sum(axis=1) <= 1 + 1e-12).all()
        for p in Ch:
            assert tuple(np.round(p / h).astype(int)) in net


def test_lattice_count_matches_brute_force_and_plan():
    rng = np.random.default_rng(8)
    for _ in range(n_cases(12, 80)):
        m = int(rng.integers(1, 5))
        h = rng.uniform(0.12, 1.2, m)
        ranges = [np.arange(-math.floor(1 / x), math.floor(1 / x) + 1) * x for x in h]
        brute = {tuple(np.round(np.array(p) / h).astype(int)) for p in itertools.product(*ranges)
                 if np.dot(p, p) <= 1 + 1e-12}
        pts = np.concatenate(list(iter_lattice(h, block=int(rng.integers(1, 50)))))
        got = [tuple(np.round(p / h).astype(int)) for p in pts]
        assert len(got) == len(set(got)) == len(brute) == lattice_count(h)
        assert set(got) == brute
        assert ((pts * pts).sum(axis=1) <= 1 + 1e-12).all()
        assert 2.0 ** log2_planned_size(h) >= len(brute) * (1 - 1e-12)


def test_parameter_choices_cover_delta():
    rng = np.random.default_rng(9)
    for _ in range(n_cases(10, 50)):
        d = int(rng.integers(2, 12))
        X = ball_data(rng, 100, d) * rng.random(d)
        prob = prepare(X, np.zeros(100))
        delta = float(rng.uniform(0.05, 0.6))
        m, h = worst_case_params(delta, prob.s, prob.rank)
        assert covering_radius(prob.s, h, m) <= delta * (1 + 1e-12)
        assert log2_planned_size(h) <= 4.22 / delta**2
        m2, h2, lg = adaptive_params(delta, prob.s, prob.rank)
        assert covering_radius(prob.s, h2, m2) <= delta * (1 + 1e-12)
        if delta >= prob.s[0]:
            assert m2 == 0


# ------------------------------------------------------------------ invariance, trivial paths

def test_rotation_and_permutation_invariance():
    rng = np.random.default_rng(10)
    X = ball_data(rng, 120, 3)
    y = labels(rng, X, "teacher")
    eps = 5e-3
    base = learn_relu(X, y, eps=eps, mode="bnb", seed=1)
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    rot = learn_relu(X @ Q.T, y, eps=eps, mode="bnb", seed=1)
    perm = rng.permutation(120)
    per = learn_relu(X[perm], y[perm], eps=eps, mode="bnb", seed=1)
    prob = prepare(X, y)
    # the rotated solution maps back to a solution of the original with the same loss
    assert abs(prob.mean_loss(Q.T @ rot.weights[0]) - rot.mean_loss) <= 1e-12
    for r in (rot, per):
        assert r.complete
        assert abs(r.mean_loss - base.mean_loss) <= eps
        assert r.certified_lower_bound <= base.mean_loss + 1e-12
        assert base.certified_lower_bound <= r.mean_loss + 1e-12


def test_eps_above_incumbent_returns_incumbent():
    rng = np.random.default_rng(11)
    X = ball_data(rng, 50, 3)
    y = labels(rng, X, "teacher")
    r = learn_relu(X, y, eps=10.0, mode="net", seed=0)
    assert r.complete and r.lattice_size == 0 and r.certified_lower_bound == 0.0
    assert r.mean_loss == pytest.approx(r.extra["incumbent_mean_loss"])


def test_small_data_gives_m_zero_and_w_zero():
    rng = np.random.default_rng(12)
    X = 0.01 * ball_data(rng, 40, 3)
    y = rng.random(40)
    r = learn_relu(X, y, eps=0.01, mode="net", seed=0, incumbent=False)
    assert r.m == 0 and np.all(r.weights == 0)
    assert r.complete and r.mean_loss == pytest.approx(float(np.mean(y * y)))


def test_realizable_single_relu_least_squares_start():
    rng = np.random.default_rng(13)
    X = ball_data(rng, 300, 10)
    w = rng.standard_normal(10)
    w *= 0.9 / np.linalg.norm(w)
    y = np.maximum(X @ w, 0)
    r = learn_relu(X, y, eps=1e-6, seed=0, n_restarts=0)
    assert r.mean_loss <= 1e-20 and r.complete


def test_rescaling_when_inputs_leave_the_ball():
    rng = np.random.default_rng(14)
    X = ball_data(rng, 60, 2)
    y = labels(rng, X, "teacher")
    _, opt = exact_relu_2d(X, y)
    r = learn_relu(3.0 * X, 3.0 * y, eps=9 * 0.005, mode="bnb", seed=0)  # same problem, loss x 9
    assert r.scale > 1 and "rescaled" in r.to_json()["guarantee"]
    assert np.linalg.norm(r.weights[0]) <= 1 + 1e-12
    assert r.mean_loss <= 9 * opt + 9 * 0.005 + 1e-10
    assert r.certified_lower_bound <= 9 * opt + 1e-10
    direct = float(np.mean((np.maximum(3.0 * X @ r.weights[0], 0) - 3.0 * y) ** 2))
    assert r.mean_loss == pytest.approx(direct, rel=1e-12)


# ------------------------------------------------------------------ k ReLUs

def test_l1_qp2_matches_fine_grid_and_face_enumeration():
    rng = np.random.default_rng(15)
    B = 200
    A = rng.standard_normal((B, 2, 3))
    G = A @ A.transpose(0, 2, 1)
    G[:10, 1], G[:10, :, 1] = G[:10, 0], G[:10, :, 0]  # singular (duplicate units)
    G[10:15] = 0.0
    b = rng.standard_normal((B, 2))
    b[10:15] = 0.0
    W = 0.7
    a1, a2, q = l1_qp2(G[:, 0, 0], G[:, 0, 1], G[:, 1, 1], b[:, 0], b[:, 1], W)
    assert (np.abs(a1) + np.abs(a2) <= W * (1 + 1e-12)).all()
    a = np.stack([a1, a2], 1)
    assert np.allclose(np.einsum("bi,bij,bj->b", a, G, a) - 2 * (b * a).sum(1), q, atol=1e-12)
    t = np.linspace(-W, W, 601)
    T1, T2 = np.meshgrid(t, t)
    ok = np.abs(T1) + np.abs(T2) <= W + 1e-12
    P = np.stack([T1[ok], T2[ok]], 1)
    grid = (np.einsum("pi,bij,pj->bp", P, G, P) - 2 * b @ P.T).min(axis=1)
    assert (q <= grid + 1e-12).all()
    assert (grid - q).max() <= 1e-4
    _, qg = l1_qp(G, b, W)
    assert np.allclose(qg, q, atol=1e-10)


def test_l1_qp_k3_against_random_feasible_points():
    rng = np.random.default_rng(16)
    B = 50
    A = rng.standard_normal((B, 3, 2))  # rank-deficient PSD
    G = A @ A.transpose(0, 2, 1)
    b = rng.standard_normal((B, 3))
    W = 1.3
    a, q = l1_qp(G, b, W)
    assert (np.abs(a).sum(1) <= W * (1 + 1e-12)).all()
    P = rng.standard_normal((20000, 3))
    P *= (W * rng.random((20000, 1)) ** (1 / 3)) / np.abs(P).sum(1, keepdims=True)
    vals = np.einsum("pi,bij,pj->bp", P, G, P) - 2 * b @ P.T
    assert (q <= vals.min(axis=1) + 1e-12).all()


def krelu_grid_opt_1d(x, y, W, n=161):
    """Upper bound on OPT for k = 2 in d = 1 by a grid over (w1, w2) with the exact QP over a."""
    ws = np.linspace(-1, 1, n)
    F = np.maximum(np.outer(x, ws), 0)
    p = np.full(len(x), 1 / len(x))
    Fp = F * p[:, None]
    G = Fp.T @ F
    bb = Fp.T @ y
    dg = np.diag(G)
    q = l1_qp2(dg[:, None], G, dg[None, :], bb[:, None], bb[None, :], W, values_only=True)
    return float(q.min() + p @ (y * y))


def test_krelu_within_eps_of_grid_optimum_and_proper():
    rng = np.random.default_rng(17)
    for i in range(n_cases(3, 15)):
        x = rng.uniform(-1, 1, 40)
        X = x[:, None]
        a = np.array([1.0, -0.5])
        w = np.array([rng.uniform(0.3, 1), -rng.uniform(0.3, 1)])
        y = np.maximum(np.outer(x, w), 0) @ a + (0.05 * rng.standard_normal(40) if i % 2 else 0)
        opt_ub = krelu_grid_opt_1d(x, y, 1.5)
        for eps in (0.02, 0.005):
            r = learn_krelu(X, y, eps=eps, k=2, W=1.5, seed=0, incumbent=False)
            assert r.complete
            assert (np.linalg.norm(r.weights, axis=1) <= 1 + 1e-12).all()
            assert np.abs(r.output_weights).sum() <= 1.5 * (1 + 1e-12)
            assert r.weights.shape == (2, 1) and r.output_weights.shape == (2,)
            assert r.mean_loss <= opt_ub + eps + 1e-12
            assert r.certified_lower_bound <= opt_ub + 1e-12


def test_krelu_realizable_planted_d3():
    rng = np.random.default_rng(18)
    X = ball_data(rng, 200, 3)
    W0 = rng.standard_normal((2, 3))
    W0 /= np.linalg.norm(W0, axis=1, keepdims=True)
    y = np.maximum(X @ W0.T, 0) @ np.array([1.0, -0.5])
    r = learn_krelu(X, y, eps=0.02, k=2, W=1.5, seed=0, incumbent=False, assume_realizable=True)
    assert r.complete and r.mean_loss <= 0.02
    assert (np.linalg.norm(r.weights, axis=1) <= 1 + 1e-12).all() and np.abs(r.output_weights).sum() <= 1.5 + 1e-12


# ------------------------------------------------------------------ budget, determinism, errors

def test_time_limit_gives_incomplete_without_certificate():
    rng = np.random.default_rng(19)
    X = ball_data(rng, 400, 8)
    y = rng.random(400)
    r = learn_relu(X, y, eps=1e-4, mode="net", time_limit=0.5, seed=0, n_restarts=1)
    assert not r.complete and r.certified_lower_bound is None
    assert r.to_json()["complete"] is False and r.to_json()["dual_bound"] is None
    rb = learn_relu(X, y, eps=1e-4, mode="bnb", time_limit=0.5, seed=0, n_restarts=1)
    assert not rb.complete  # its lower bound is still valid but not eps-tight
    assert rb.certified_lower_bound is None or rb.certified_lower_bound < rb.mean_loss - 1e-4
    ra = learn_relu(X, y, eps=1e-4, mode="anytime", time_limit=0.5, seed=0, n_restarts=1)
    assert not ra.complete


def _no_times(obj):
    if isinstance(obj, dict):
        return {k: _no_times(v) for k, v in obj.items() if k != "seconds"}
    if isinstance(obj, list):
        return [_no_times(v) for v in obj]
    return obj


def test_deterministic_by_seed():
    rng = np.random.default_rng(20)
    X = ball_data(rng, 80, 3)
    y = labels(rng, X, "teacher")
    for mode in ("bnb", "net", "anytime"):
        a = learn_relu(X, y, eps=5e-3, mode=mode, seed=3).to_json()
        b = learn_relu(X, y, eps=5e-3, mode=mode, seed=3).to_json()
        assert _no_times(a) == _no_times(b)
    a = learn_krelu(X[:40, :1], y[:40], eps=0.02, k=2, seed=5).to_json()
    b = learn_krelu(X[:40, :1], y[:40], eps=0.02, k=2, seed=5).to_json()
    assert _no_times(a) == _no_times(b)


@pytest.mark.parametrize("kw", [
    {"eps": 0}, {"eps": -1}, {"eps": float("nan")}, {"eps": 0.1, "mode": "dfs"},
    {"eps": 0.1, "W": 2.0}, {"eps": 0.1, "k": 2, "mode": "bnb"}, {"eps": 0.1, "k": 0},
    {"eps": 0.1, "time_limit": 0}, {"eps": 0.1, "seed": -1},
])
def test_invalid_parameters(kw):
    X = np.eye(3)
    with pytest.raises(InvalidParameterError):
        learn(X, np.ones(3), **kw)


# ------------------------------------------------------------------ CLI

def _write(tmp_path, X, y, c=None):
    path = tmp_path / "t.npz"
    save_training_set(path, X, y, np.ones(len(y)) if c is None else c, {"reduction": None})
    return path


def test_cli_json_schema(tmp_path, capsys):
    rng = np.random.default_rng(21)
    X = ball_data(rng, 60, 2)
    y = labels(rng, X, "teacher")
    c = rng.integers(1, 4, 60).astype(float)
    path = _write(tmp_path, X, y, c)
    assert main(["learn", str(path), "--eps", "0.005", "--seed", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("method", "k", "loss", "mean_loss", "weights", "output_weights", "proven_optimal", "dual_bound",
                "complete", "seconds", "seed", "guarantee"):
        assert key in out
    assert out["method"] == "bnb" and out["k"] == 1 and out["seed"] == 4
    assert len(out["weights"]) == 1 and len(out["weights"][0]) == 2 and out["output_weights"] == [1.0]
    assert out["loss"] == pytest.approx(out["mean_loss"] * c.sum())
    g = out["guarantee"]
    for key in ("eps", "delta", "m", "nodes", "certified_lower_bound", "statement"):
        assert key in g
    _, opt = exact_relu_2d(X, y, c)
    assert out["complete"] and out["mean_loss"] <= opt + 0.005 + 1e-12 and g["certified_lower_bound"] <= opt + 1e-12
    assert main(["learn", str(path), "--eps", "0.02", "--k", "2", "--W", "1.5", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "net" and len(out["weights"]) == 2 and len(out["output_weights"]) == 2


def test_cli_errors_exit_2(tmp_path, capsys):
    path = _write(tmp_path, np.eye(2), np.ones(2))
    assert main(["learn", str(path), "--eps", "-1"]) == 2
    assert main(["learn", str(path), "--eps", "0.1", "--W", "2"]) == 2
    assert main(["learn", str(tmp_path / "missing.npz"), "--eps", "0.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") >= 3 and "Traceback" not in err


@pytest.mark.slow
def test_oracle_many_instances_full():
    """The 'done when' count: 150 instances x 3 eps, bare net and B&B against sector enumeration."""
    bad = 0
    for i, (X, y, c, _) in enumerate(instances_2d(150, seed=99)):
        _, opt = exact_relu_2d(X, y, c)
        for eps in (0.1, 0.01, 0.001):
            for mode in ("net", "bnb"):
                r = learn_relu(X, y, c, eps=eps, mode=mode, seed=i, incumbent=False, max_open=200000)
                if r.complete:
                    bad += r.mean_loss > opt + eps + 1e-12
                bad += r.certified_lower_bound is not None and r.certified_lower_bound > opt + 1e-12
    assert bad == 0
