"""Exact single-ReLU minimum over a Euclidean ball, as a mixed-integer QCQP in SCIP.

The bounded-weight learning problem min_{||w||^2 <= rho2} sum_i c_i (relu(x_i . w) - y_i)^2
(the class the proper learner competes with, ``docs/reductions/dks-relu-normalized.md``).
Same formulation as :mod:`~reluhard.solvers.miqp` (design note §2) with the box
|w_j| <= sqrt(rho2) implied by the ball, plus the convex quadratic constraint
sum_j w_j^2 <= rho2; optionally some coordinates are fixed (``fixed={0: 1}`` is the
hard-anchored problem w_0 = 1). SCIP's objective can sit slightly below the true
minimum (tolerances): the returned w is re-evaluated with the true loss and the
dual bound is reported as SCIP gives it.
"""

import math
import time

import numpy as np

from reluhard.data import Network
from reluhard.errors import InvalidParameterError

from ._loss import loss_only
from .base import FitResult, as_problem, box_arrays, require

__all__ = ["fit_relu_ball", "fit_krelu_box"]


def _solve(X, y, c, signs, bound, *, rho2=None, fixed=None, box=None, time_limit=60.0, absgap=1e-6, seed=0, verbose=False):
    """SCIP model of min sum_i c_i (sum_j a_j r_ij - y_i)^2 with r_ij = relu(w_j . x_i),
    |w_jl| <= bound, optionally sum_l w_1l^2 <= rho2 (k = 1), a box (lo, hi) for w_1 and
    fixed coordinates of w_1."""
    scip = require("pyscipopt")
    X = X.tocsr()
    N, d = X.shape
    k = len(signs)
    fixed = dict(fixed or {})
    model = scip.Model("relu-miqcp")
    if not verbose:
        model.hideOutput()
    model.setParam("limits/time", float(time_limit))
    model.setParam("limits/absgap", float(absgap))
    model.setParam("randomization/randomseedshift", int(seed or 0))
    lo = np.full((k, d), -float(bound))
    hi = np.full((k, d), float(bound))
    if box is not None:
        lo[0], hi[0] = np.maximum(lo[0], box[0]), np.minimum(hi[0], box[1])
    for l, v in fixed.items():
        lo[0, l] = hi[0, l] = float(v)
    W = [[model.addVar(name=f"w{j}_{l}", lb=float(lo[j, l]), ub=float(hi[j, l])) for l in range(d)] for j in range(k)]
    if rho2 is not None:
        model.addCons(scip.quicksum(v * v for v in W[0]) <= float(rho2))
    M = abs(X) @ np.maximum(np.abs(lo), np.abs(hi)).max(axis=0) + 1.0
    res = []
    for i in range(N):
        s, e = X.indptr[i], X.indptr[i + 1]
        out = 0
        for j in range(k):
            z = scip.quicksum(float(X.data[t]) * W[j][X.indices[t]] for t in range(s, e))
            r = model.addVar(name=f"r{i}_{j}", lb=0.0, ub=float(M[i]))
            model.addCons(r >= z)
            if k > 1 or y[i] > 0:  # one ReLU with label <= 0 needs no binary (r = max(0, z) at the optimum)
                b = model.addVar(name=f"b{i}_{j}", vtype="B")
                model.addCons(r <= z + float(M[i]) * (1 - b))
                model.addCons(r <= float(M[i]) * b)
            out = out + float(signs[j]) * r
        res.append(out - float(y[i]))
    t = model.addVar(name="t", lb=0.0, ub=None)
    model.addCons(scip.quicksum(float(c[i]) * res[i] * res[i] for i in range(N)) <= t)
    model.setObjective(t, "minimize")
    model.optimize()
    Wv = np.array([[model.getSolVal(model.getBestSol(), v) for v in row] for row in W]) if model.getNSols() else np.zeros((k, d))
    dual = float(model.getDualbound())
    return model.getStatus(), Wv, (dual if np.isfinite(dual) else None)


def fit_relu_ball(data, *, rho2, fixed=None, box=None, time_limit=60.0, absgap=1e-5, seed=0, meta=None, verbose=False):
    """Globally minimise the single-ReLU loss over {w : ||w||^2 <= rho2} with SCIP.

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
    rho2 : float
        Squared radius of the ball (> 0).
    fixed : dict or None
        Coordinates held at given values (e.g. {0: 1.0}).
    box : run-length box, {"lo", "hi"} dict, or None
        A box known to contain a minimiser over the ball (e.g. meta ``box`` of
        ``dks-relu --variant normalized``); intersected with the ball's bounding box.
    time_limit, absgap : float
        SCIP's ``limits/time`` and ``limits/absgap``.

    Returns
    -------
    FitResult(method="miqp-ball"); ``loss`` is the true loss of SCIP's w,
    ``dual_bound`` SCIP's proven lower bound.
    """
    if not (rho2 > 0 and math.isfinite(rho2)):
        raise InvalidParameterError(f"the ball radius^2 must be positive and finite, got {rho2}")
    X, y, c, meta = as_problem(data, meta)
    t0 = time.perf_counter()
    B = box_arrays(box, X.shape[1])
    status, Wv, dual = _solve(X, y, c, [1.0], math.sqrt(float(rho2)), rho2=rho2, fixed=fixed, box=B,
                              time_limit=time_limit, absgap=absgap, seed=seed, verbose=verbose)
    L = loss_only(X, y, c, Wv, np.ones(1))
    return FitResult(
        method="miqp-ball", network=Network(Wv, np.ones(1)), loss=L, mean_loss=L / float(c.sum()),
        proven_optimal=status in ("optimal", "gaplimit"), dual_bound=dual,
        complete=status in ("optimal", "gaplimit"), seconds=time.perf_counter() - t0, seed=seed, status=status,
        extra={"engine": "scip", "absgap": absgap, "rho2": float(rho2), "fixed": {str(k): v for k, v in dict(fixed or {}).items()}},
    )


def fit_krelu_box(data, *, signs, bound, time_limit=60.0, absgap=1e-5, seed=0, meta=None, verbose=False):
    """Globally minimise sum_i c_i (sum_j a_j relu(w_j . x_i) - y_i)^2 over the box |w_jl| <= bound,
    output weights a = ``signs`` fixed (by homogeneity +-1 covers every a once the box scales).

    Returns FitResult(method="miqp-krelu"); SCIP's dual bound is a proven lower bound on the box minimum.
    """
    if not (bound > 0 and math.isfinite(bound)):
        raise InvalidParameterError(f"the weight bound must be positive and finite, got {bound}")
    X, y, c, meta = as_problem(data, meta)
    a = np.asarray([float(v) for v in signs])
    t0 = time.perf_counter()
    status, Wv, dual = _solve(X, y, c, a, bound, time_limit=time_limit, absgap=absgap, seed=seed, verbose=verbose)
    L = loss_only(X, y, c, Wv, a)
    return FitResult(
        method="miqp-krelu", network=Network(Wv, a), loss=L, mean_loss=L / float(c.sum()),
        proven_optimal=status in ("optimal", "gaplimit"), dual_bound=dual,
        complete=status in ("optimal", "gaplimit"), seconds=time.perf_counter() - t0, seed=seed, status=status,
        extra={"engine": "scip", "bound": float(bound), "signs": a.tolist()},
    )
