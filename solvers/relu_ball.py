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
from .base import FitResult, as_problem, require

__all__ = ["fit_relu_ball"]


def fit_relu_ball(data, *, rho2, fixed=None, time_limit=60.0, absgap=1e-6, seed=0, meta=None, verbose=False):
    """Globally minimise the single-ReLU loss over {w : ||w||^2 <= rho2} with SCIP.

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
    rho2 : float
        Squared radius of the ball (> 0).
    fixed : dict or None
        Coordinates held at given values (e.g. {0: 1.0}).
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
    X = X.tocsr()
    N, d = X.shape
    rho = math.sqrt(float(rho2))
    fixed = dict(fixed or {})
    scip = require("pyscipopt")
    t0 = time.perf_counter()
    model = scip.Model("relu-ball")
    if not verbose:
        model.hideOutput()
    model.setParam("limits/time", float(time_limit))
    model.setParam("limits/absgap", float(absgap))
    model.setParam("randomization/randomseedshift", int(seed or 0))
    w = []
    for j in range(d):
        if j in fixed:
            v = float(fixed[j])
            w.append(model.addVar(name=f"w{j}", lb=v, ub=v))
        else:
            w.append(model.addVar(name=f"w{j}", lb=-rho, ub=rho))
    model.addCons(scip.quicksum(wj * wj for wj in w) <= float(rho2))
    M = abs(X) @ np.full(d, rho) + 1.0
    r = []
    for i in range(N):
        s, e = X.indptr[i], X.indptr[i + 1]
        z = scip.quicksum(float(X.data[t]) * w[X.indices[t]] for t in range(s, e))
        ri = model.addVar(name=f"r{i}", lb=0.0, ub=float(M[i]))
        model.addCons(ri >= z)
        if y[i] > 0:
            b = model.addVar(name=f"b{i}", vtype="B")
            model.addCons(ri <= z + float(M[i]) * (1 - b))
            model.addCons(ri <= float(M[i]) * b)
        r.append(ri)
    t = model.addVar(name="t", lb=0.0, ub=None)
    model.addCons(scip.quicksum(float(c[i]) * (r[i] - float(y[i])) * (r[i] - float(y[i])) for i in range(N)) <= t)
    model.setObjective(t, "minimize")
    model.optimize()
    status = model.getStatus()
    dual = float(model.getDualbound())
    wv = np.array([model.getSolVal(model.getBestSol(), v) for v in w]) if model.getNSols() > 0 else np.zeros(d)
    L = loss_only(X, y, c, wv[None, :], np.ones(1))
    return FitResult(
        method="miqp-ball",
        network=Network(wv[None, :], np.ones(1)),
        loss=L,
        mean_loss=L / float(c.sum()),
        proven_optimal=status in ("optimal", "gaplimit"),
        dual_bound=dual if np.isfinite(dual) else None,
        complete=status in ("optimal", "gaplimit"),
        seconds=time.perf_counter() - t0,
        seed=seed,
        status=status,
        extra={"engine": "scip", "rho2": float(rho2), "fixed": {str(k): v for k, v in fixed.items()}},
    )
