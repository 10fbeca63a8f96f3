"""Heuristic fitting: multi-restart L-BFGS on the weighted square loss.

Fits give **upper bounds only**: the best loss found is the loss of an actual
network, never evidence of a lower bound (``proven_optimal`` is always False
and ``dual_bound`` None).
"""

import time

import numpy as np
from scipy.optimize import minimize

from reluhard.data import Network
from reluhard.errors import InvalidParameterError
from reluhard import progress
from reluhard.seeding import as_generator, check_seed
from reluhard.threads import limit_blas_threads

from ._loss import loss_grad, loss_only
from .base import FitResult, as_problem

__all__ = ["fit_gd"]

_LBFGS = {"maxiter": 1500, "maxcor": 20, "gtol": 1e-10, "ftol": 1e-13}


class _Deadline(Exception):
    """Raised inside an L-BFGS-B objective once the fit's wall-clock budget is spent."""


def _polish(X, XT, y, c, W0, a0, fit_a, deadline=None):
    """One L-BFGS-B run from (W0, a0); returns (W, a, hit) with hit True when the deadline stopped it.

    The deadline is checked at every loss evaluation (one evaluation costs
    O(k nnz(X))), so a budget is honoured to within one evaluation; the
    best point evaluated so far is returned.
    """
    k, d = W0.shape
    best = [np.inf, None]

    def fun(theta):
        if deadline is not None and best[1] is not None and time.perf_counter() > deadline:
            raise _Deadline
        W = theta[: k * d].reshape(k, d)
        a = theta[k * d:] if fit_a else a0
        L, dW, da = loss_grad(X, XT, y, c, W, a, fit_a)
        if L < best[0]:
            best[0], best[1] = L, theta.copy()
        g = dW.ravel() if not fit_a else np.concatenate([dW.ravel(), da])
        return L, g

    theta0 = W0.ravel() if not fit_a else np.concatenate([W0.ravel(), a0])
    try:
        x = minimize(fun, theta0, jac=True, method="L-BFGS-B", options=_LBFGS).x
        hit = False
    except _Deadline:
        x, hit = best[1], True
    W = x[: k * d].reshape(k, d)
    a = x[k * d:] if fit_a else a0
    return W, a, hit


@limit_blas_threads(1)
def fit_gd(data, *, k=1, restarts=20, time_limit=None, seed=0, starts=(), meta=None, init_scale=1.0, jitter=0.1, target=None, **_):
    """Multi-restart L-BFGS fit of f(x) = sum_j a_j relu(w_j . x).

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
    k : int
        Number of ReLUs. For k = 1 the output weight is fixed to 1 (a positive
        output weight is absorbed into w; a non-positive one only gives f <= 0).
        For k >= 2 output weights are fitted jointly.
    restarts : int
        Random restarts (in addition to each structured start and one jittered
        copy of it).
    time_limit : float or None
        Wall-clock budget in seconds, checked at every loss evaluation (also
        inside a restart): the fit stops when it is reached and returns the
        best network evaluated so far.
    seed : int
        Seeds the random starts (same seed -> same result when no time limit cuts in).
    starts : iterable of Network
        Structured start points (lifted witnesses, known counterexample families).
    target : float or None
        A *certified lower bound* on the minimum (e.g. a reduction's soundness
        bound, or 0): restarts stop once a fit reaches it (+1e-12 relative),
        since no network can do better.

    Returns
    -------
    FitResult with the best network found; ``complete`` is False (and
    ``extra["budget_hit"]`` True) when the time limit stopped the restarts early.

    Notes
    -----
    Each loss/gradient evaluation costs O(k nnz(X)) (two sparse products).
    """
    if int(k) < 1:
        raise InvalidParameterError(f"k must be >= 1, got {k}")
    k = int(k)
    seed = check_seed(seed)
    rng = as_generator(seed)
    X, y, c, meta = as_problem(data, meta)
    if X.shape[0] * X.shape[1] <= 2_000_000:
        X = X.toarray()  # small problems: dense products avoid sparse call overhead
    XT = X.T.copy() if isinstance(X, np.ndarray) else X.T.tocsr()
    d = X.shape[1]
    fit_a = k > 1
    t0 = time.perf_counter()
    deadline = None if time_limit is None else t0 + float(time_limit)

    inits = []
    for net in starts:
        net = net.as_float()
        if net.weights.shape != (k, d):
            continue
        inits.append((net.weights.copy(), net.output_weights.copy()))
        inits.append((net.weights + jitter * rng.standard_normal(net.weights.shape), net.output_weights.copy()))
    n_struct = len(inits)
    for _ in range(int(restarts)):
        W = init_scale * rng.standard_normal((k, d))
        a = np.ones(k) if k == 1 else rng.choice([-1.0, 1.0], size=k)
        if k > 1 and not (a > 0).any():
            a[0] = 1.0
        inits.append((W, a))

    best = (np.inf, None, None)
    done = 0
    complete = True
    interrupted = False
    # a claim over a weight ball (meta "ball", e.g. dks-relu --variant normalized): fits are projected into it
    ball = meta.get("ball") if k == 1 and isinstance(meta.get("ball"), dict) else None
    bar = progress.start("gd restarts", total=len(inits), unit="start")
    for W0, a0 in inits:
        if deadline is not None and time.perf_counter() > deadline and done > 0:
            complete = False
            break
        W, a, hit = _polish(X, XT, y, c, W0, a0, fit_a, deadline)
        if ball is not None:
            W = W * min(1.0, float(np.sqrt(float(ball["rho2"]))) / max(float(np.linalg.norm(W)), 1e-300))
        L = loss_only(X, y, c, W, a)
        done += 1
        if L < best[0]:
            best = (L, W, a)
        bar.advance(1, postfix=f"best loss {best[0]:.6g}")
        if hit:
            complete, interrupted = False, True
            break
        if target is not None and best[0] <= float(target) + 1e-12 * max(1.0, abs(float(target))):
            break
    bar.close()
    L, W, a = best
    net = Network(W, a)
    return FitResult(
        method="gd",
        network=net,
        loss=L,
        mean_loss=L / float(c.sum()) if c.size else 0.0,
        proven_optimal=False,
        dual_bound=None,
        complete=complete,
        seconds=time.perf_counter() - t0,
        seed=seed,
        status="feasible",
        extra={"restarts_run": done, "restarts_planned": len(inits), "structured_starts": n_struct, "budget_hit": not complete,
               "interrupted_restart": interrupted},
    )
