"""Exact single-ReLU minimum as a mixed-integer quadratic program in SCIP.

Formulation (design note §2), for a box lo <= w <= hi that contains a global
minimiser:

    min t  s.t.  sum_i c_i (r_i - y_i)^2 <= t,
                 z_i = x_i . w,   r_i >= z_i,   0 <= r_i <= M_i,
                 for y_i > 0 (binary b_i):  r_i <= z_i + M_i (1 - b_i),  r_i <= M_i b_i,
    M_i = sum_k |x_ik| max(|lo_k|, |hi_k|) + 1.

Points with y_i <= 0 need no binary: (r - y)^2 with y <= 0 is increasing in
r >= 0, so r = max(0, z) at the optimum.

Pitfalls handled: SCIP's objective may sit slightly *below* the true minimum
(tolerances), so the returned w is re-evaluated with the true loss; the proven
dual bound is reported as SCIP gives it and compared with a tolerance by
``verify``; ``limits/absgap`` defaults to 1e-5 so runs stop once the bounds
meet to that precision.
"""

import time

import numpy as np

from reluhard.data import Network
from reluhard.errors import InvalidParameterError
from reluhard.threads import limit_blas_threads

from ._loss import best_single_start, loss_only
from .base import FitResult, as_problem, box_arrays, require

__all__ = ["fit_miqp"]


def _unsolved(X, y, c, starts, d, t0, seed, status, extra):
    """The result when the budget ran out before SCIP could start: the best start, no bound."""
    best_w = best_single_start(X, y, c, starts, d)[1]
    best_w = np.zeros(d) if best_w is None else best_w
    L = loss_only(X, y, c, best_w[None, :], np.ones(1))
    return FitResult(
        method="miqp",
        network=Network(best_w[None, :], np.ones(1)),
        loss=L,
        mean_loss=L / float(c.sum()),
        proven_optimal=False,
        dual_bound=None,
        complete=False,
        seconds=time.perf_counter() - t0,
        seed=seed,
        status=status,
        extra=extra,
    )


@limit_blas_threads(1)
def fit_miqp(data, *, box=None, time_limit=60.0, absgap=1e-5, seed=0, starts=(), meta=None, k=1, verbose=False, **_):
    """Globally minimise the single-ReLU loss with SCIP (pyscipopt).

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
    box : run-length box, {"lo", "hi"} dict, a float B (|w_j| <= B), or None for meta['box']
    time_limit : float
        Wall-clock budget for the whole call: model building checks it every
        1024 rows (a budget spent while building returns the best start with
        complete=False, status "timeout" and ``extra["budget_hit"]``), and
        SCIP gets what is left, less half the model-building time (its own set-up does not check the clock), as ``limits/time``; a run that hits it returns
        complete=False with SCIP's dual bound at that point.
    absgap : float
        ``limits/absgap``.
    starts : iterable of Network
        Tried as SCIP primal solutions (when inside the box).

    Returns
    -------
    FitResult(method="miqp", loss = true loss of SCIP's w, dual_bound = SCIP's
    proven bound, proven_optimal = SCIP status optimal).
    """
    if int(k) != 1:
        raise InvalidParameterError("the MIQP solver handles one ReLU (k = 1)")
    X, y, c, meta = as_problem(data, meta)
    N, d = X.shape
    B = box_arrays(box if box is not None else meta.get("box"), d)
    if B is None:
        raise InvalidParameterError("the MIQP needs a box containing a minimiser: the training set's meta has none; give box=B (on the command line --box B)")
    lo, hi = B
    scip = require("pyscipopt")
    t0 = time.perf_counter()
    model = scip.Model("relu-miqp")
    if not verbose:
        model.hideOutput()
    deadline = np.inf if time_limit is None else t0 + float(time_limit)
    model.setParam("limits/absgap", float(absgap))
    model.setParam("randomization/randomseedshift", int(seed or 0))
    w = [model.addVar(name=f"w{j}", lb=float(lo[j]), ub=float(hi[j])) for j in range(d)]
    amax = np.maximum(np.abs(lo), np.abs(hi))
    absX = abs(X)
    M = absX @ amax + 1.0
    r = []
    for i in range(N):
        if not i & 1023 and time.perf_counter() > deadline:
            return _unsolved(X, y, c, starts, d, t0, seed, "timeout",
                             {"engine": "scip", "budget_hit": True, "rows_built": i, "rows": N})
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
    for net in starts:
        net = net.as_float()
        if net.weights.shape != (1, d) or net.output_weights[0] <= 0:
            continue
        w0 = net.weights[0] * net.output_weights[0]
        if (w0 < lo).any() or (w0 > hi).any():
            continue
        sol = model.createSol()
        z0 = X @ w0
        for j in range(d):
            model.setSolVal(sol, w[j], float(w0[j]))
        for i in range(N):
            model.setSolVal(sol, r[i], float(max(z0[i], 0.0)))
        for v in model.getVars():
            if v.name.startswith("b"):
                i = int(v.name[1:])
                model.setSolVal(sol, v, 1.0 if z0[i] > 0 else 0.0)
        model.setSolVal(sol, t, float(loss_only(X, y, c, w0[None, :], np.ones(1))) + 1e-9)
        model.addSol(sol, free=True)
    # SCIP's set-up of the model (the transformed quadratic constraint) does not look at the clock and
    # grows with the model as our building of it does: measured 1.0 s past its limit after a 3.4 s build
    # of 1.25 * 10^5 rows. So SCIP gets what is left minus half the build time, and the fit ends in time.
    built = time.perf_counter() - t0
    left = deadline - time.perf_counter() - 0.5 * built
    if left <= 0:
        return _unsolved(X, y, c, starts, d, t0, seed, "timeout", {"engine": "scip", "budget_hit": True, "rows_built": N, "rows": N})
    if np.isfinite(left):
        model.setParam("limits/time", float(left))
    model.optimize()
    status = model.getStatus()
    dual = float(model.getDualbound())
    if model.getNSols() > 0:
        best = model.getBestSol()
        wv = np.array([model.getSolVal(best, v) for v in w])
    else:
        wv = np.zeros(d)
    L = loss_only(X, y, c, wv[None, :], np.ones(1))
    proven = status in ("optimal", "gaplimit")  # gaplimit: bounds met to absgap
    return FitResult(
        method="miqp",
        network=Network(wv[None, :], np.ones(1)),
        loss=L,
        mean_loss=L / float(c.sum()),
        proven_optimal=proven,
        dual_bound=dual if np.isfinite(dual) else None,
        complete=status in ("optimal", "gaplimit"),
        seconds=time.perf_counter() - t0,
        seed=seed,
        status=status,
        extra={"engine": "scip", "scip_objective": float(model.getObjVal()) if model.getNSols() else None, "absgap": absgap,
               "budget_hit": status == "timelimit"},
    )
