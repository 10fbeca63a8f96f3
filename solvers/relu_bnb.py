"""Exact single-ReLU minimum by branch-and-bound over sign cells, with convex-envelope bounds.

Uses no reduction theorem: only the shape of the data. When every
positive-label point has one non-zero coordinate (the hypothesis of
:func:`reluhard.solvers.relu_exact.fit_orthant`), the positive points on a
*split column* j contribute a one-dimensional function of w_j alone,

    h_j(w) = sum_{t on j} c_t (relu(v_t w) - y_t)^2,

which is a convex quadratic q_j^+ on w >= 0 and another, q_j^-, on w <= 0
(both equal sum c_t y_t^2 at 0). Points with label <= 0 contribute
(relu(x.w) - y)^2, convex everywhere. A node of the search fixes the sign of
some split columns; on the node's region the loss is at least

    F(w) = sum_{label <= 0} c (relu(x.w) - y)^2 + sum_{fixed j} q_j^{sign}(w_j)
           + sum_{free j} env_j(w_j),

where env_j is the convex envelope of h_j: q_j^- left of a, the common
tangent of the two parabolas on [a, b], q_j^+ right of b (closed form
below). F is convex and C^1 except at kinks where we use a subgradient, so
minimising it over the node's box with L-BFGS-B and adding the separable
linear certificate

    F(w) >= F(ŵ) + min_{w in node ∩ box} g.(w - ŵ)

gives a **rigorous** lower bound for the whole node (a box containing a
global minimiser is needed, as for the orthant enumeration). Leaves (every
split column fixed) are the convex cell problems themselves; their minimisers
are real networks and give the incumbent. Nodes whose bound reaches the
incumbent are pruned; the search is depth first, children in the order the
parent's relaxed minimiser suggests (warm-started from it).

Common tangent of q^-(w) = A_- w^2 + B_- w + C and q^+(w) = A_+ w^2 + B_+ w + C
(B_+ <= 0 <= B_- because the labels are positive): slope
s = (B_+ sqrt(A_-) + B_- sqrt(A_+)) / (sqrt(A_+) + sqrt(A_-)), intercept
C - (s - B_+)^2 / (4 A_+), touching at a = (s - B_-) / (2 A_-) <= 0 and
b = (s - B_+) / (2 A_+) >= 0 (a = -inf when A_- = 0, symmetrically for A_+).
"""

import time

import numpy as np
from scipy.optimize import minimize

from reluhard.errors import InvalidParameterError
from reluhard import progress
from reluhard.threads import limit_blas_threads

from ._loss import best_single_start, loss_only
from .base import FitResult, as_problem, box_arrays

__all__ = ["fit_bnb", "column_envelopes"]

_OPTS = {"gtol": 1e-9, "ftol": 1e-13, "maxiter": 3000, "maxcor": 30}
#: polishing of near-optimal leaves (their first-order dual bound then sits within ~1e-12 of the minimum)
_FINE = {"gtol": 1e-14, "ftol": 1e-16, "maxiter": 20000, "maxcor": 50}
_NOISE = 1e-11


def column_envelopes(X, y, c):
    """Per split column: (cols, A+, B+, A-, B-, C, s, kappa, a, b) of its positive points' 1-D loss.

    Raises InvalidParameterError unless every positive-label row has exactly one non-zero.
    """
    pos = np.flatnonzero(y > 0)
    Xp = X[pos]
    if pos.size and not (np.diff(Xp.indptr) == 1).all():
        raise InvalidParameterError("branch-and-bound over sign cells needs every positive-label point to have one non-zero coordinate")
    col = Xp.indices[Xp.indptr[:-1]] if pos.size else np.zeros(0, dtype=np.int64)
    v, yy, cc = Xp.data, y[pos], c[pos]
    cols, inv = np.unique(col, return_inverse=True)
    k = cols.size
    vp, vn = v > 0, v < 0
    Ap = np.bincount(inv, weights=cc * v * v * vp, minlength=k)
    Bp = np.bincount(inv, weights=-2 * cc * v * yy * vp, minlength=k)
    An = np.bincount(inv, weights=cc * v * v * vn, minlength=k)
    Bn = np.bincount(inv, weights=-2 * cc * v * yy * vn, minlength=k)
    C = np.bincount(inv, weights=cc * yy * yy, minlength=k)
    rp, rn = np.sqrt(Ap), np.sqrt(An)
    s = (Bp * rn + Bn * rp) / (rp + rn)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(Ap > 0, C - (s - Bp) ** 2 / (4 * np.where(Ap > 0, Ap, 1)), C - (s - Bn) ** 2 / (4 * np.where(An > 0, An, 1)))
        a = np.where(An > 0, (s - Bn) / (2 * np.where(An > 0, An, 1)), -np.inf)
        b = np.where(Ap > 0, (s - Bp) / (2 * np.where(Ap > 0, Ap, 1)), np.inf)
    return cols, Ap, Bp, An, Bn, C, s, kappa, a, b


class _Relaxation:
    """F and its (sub)gradient at a node given by the signs of the split columns (0 = free)."""

    def __init__(self, X, y, c):
        neg = np.flatnonzero(y <= 0)
        Xn = X[neg]
        self.dense = Xn.shape[0] * Xn.shape[1] <= 2_000_000
        self.Xn = Xn.toarray() if self.dense else Xn
        self.XnT = self.Xn.T.copy() if self.dense else Xn.T.tocsr()
        self.yn, self.cn = y[neg], c[neg]
        (self.cols, self.Ap, self.Bp, self.An, self.Bn, self.C, self.s, self.kappa, self.a, self.b) = column_envelopes(X, y, c)

    def fun(self, w, sign):
        z = self.Xn @ w
        act = z > 0
        r = np.where(act, z, 0.0) - self.yn
        cr = self.cn * r
        F = float(np.dot(cr, r))
        g = 2.0 * (self.XnT @ (cr * act))
        u = w[self.cols]
        qp = (self.Ap * u + self.Bp) * u + self.C
        qn = (self.An * u + self.Bn) * u + self.C
        gp = 2 * self.Ap * u + self.Bp
        gn = 2 * self.An * u + self.Bn
        env = np.where(u <= self.a, qn, np.where(u >= self.b, qp, self.kappa + self.s * u))
        genv = np.where(u <= self.a, gn, np.where(u >= self.b, gp, self.s))
        val = np.where(sign > 0, qp, np.where(sign < 0, qn, env))
        gv = np.where(sign > 0, gp, np.where(sign < 0, gn, genv))
        F += float(val.sum())
        g[self.cols] += gv
        return F, g


@limit_blas_threads(1)
def fit_bnb(data, *, time_limit=None, starts=(), meta=None, box=None, seed=None, max_nodes=None):
    """Exact single-ReLU minimum by branch-and-bound over sign cells (see the module docstring).

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
        Every positive-label point must have one non-zero coordinate.
    time_limit : float or None
        Budget, checked at every node; when hit the result has complete=False
        and no dual bound.
    starts : iterable of Network
        Incumbents (any real networks; a good one prunes more).
    box : run-length box or None
        Defaults to ``meta['box']``; without a box the node bounds are not
        rigorous and the result is never marked proven.
    max_nodes : int or None
        Node budget (for tests); hitting it is reported like the time limit.

    Returns
    -------
    FitResult(method="exact", extra engine "bnb", nodes, leaves, pruned_by None).
    """
    X, y, c, meta = as_problem(data, meta)
    N, d = X.shape
    rel = _Relaxation(X, y, c)
    cols = rel.cols
    p = cols.size
    B = box_arrays(box if box is not None else meta.get("box"), d)
    lo, hi = (np.full(d, -np.inf), np.full(d, np.inf)) if B is None else B
    t0 = time.perf_counter()
    best_L, best_w = best_single_start(X, y, c, starts, d)
    tol = 1e-9

    # branching order: columns that appear in the most label <= 0 rows first
    weight = np.asarray(abs(rel.Xn).sum(axis=0)).ravel()[cols] if p else np.zeros(0)
    order = np.argsort(-weight, kind="stable")

    def solve(sign, w0, opts=_OPTS):
        clo, chi = lo.copy(), hi.copy()
        clo[cols[sign > 0]] = np.maximum(clo[cols[sign > 0]], 0.0)
        chi[cols[sign < 0]] = np.minimum(chi[cols[sign < 0]], 0.0)
        if (clo > chi).any():
            return None
        w0 = np.clip(w0, clo, chi)
        bounds = list(zip(np.where(np.isfinite(clo), clo, None), np.where(np.isfinite(chi), chi, None)))
        res = minimize(rel.fun, w0, args=(sign,), jac=True, method="L-BFGS-B", bounds=bounds, options=opts)
        w = res.x
        F, g = rel.fun(w, sign)
        lb = F + float(np.sum(np.minimum(g * (clo - w), g * (chi - w)))) if B is not None else F
        return w, F, lb

    root_w = best_w.copy() if best_w is not None else np.zeros(d)
    stack = [(np.zeros(p, dtype=np.int8), 0, root_w)]
    nodes = leaves = pruned = 0
    dual = np.inf  # least bound over pruned nodes and solved leaves
    complete = True
    # progress: a node closed at depth t (leaf, pruned or empty) settles 2^(p - t) of the 2^p sign cells
    bar = progress.start("exact: sign cells settled", total=1 << p, unit="cell")
    while stack:
        if (time_limit is not None and time.perf_counter() - t0 > time_limit) or (max_nodes is not None and nodes >= max_nodes):
            complete = False
            break
        sign, depth, w0 = stack.pop()
        out = solve(sign, w0)
        nodes += 1
        if out is None:
            bar.advance(1 << (p - depth))
            continue  # empty region
        w, F, lb = out
        if depth == p:  # a leaf: the convex cell problem itself
            leaves += 1
            if B is not None and F - lb > _NOISE * max(1.0, abs(F)) and lb < best_L + tol * max(1.0, abs(best_L)):
                # a near-optimal leaf: polish it so its dual bound is as tight as double precision allows
                # (a tight claim, e.g. sat-relu's u = 1 bound, is met with equality by the minimum)
                out = solve(sign, w, _FINE) or out
                w, F, lb = out
            L = loss_only(X, y, c, w[None, :], np.ones(1))
            if L < best_L:
                best_L, best_w = L, w
            dual = min(dual, lb)
            bar.advance(1, postfix=f"{nodes} nodes, best loss {best_L:.6g}")
            continue
        if lb >= best_L - tol * max(1.0, abs(best_L)):
            pruned += 1
            dual = min(dual, lb)
            bar.advance(1 << (p - depth), postfix=f"{nodes} nodes, best loss {best_L:.6g}")
            continue
        j = order[depth]
        first = 1 if w[cols[j]] >= 0 else -1
        for sgn in (-first, first):  # pushed last = explored first
            child = sign.copy()
            child[j] = sgn
            stack.append((child, depth + 1, w))
    bar.close()
    rigorous = B is not None and complete
    dual_out = min(dual, best_L) if rigorous and np.isfinite(best_L) else None
    proven = rigorous and dual_out is not None
    w = best_w if best_w is not None else np.zeros(d)
    L_w = float(loss_only(X, y, c, w[None, :], np.ones(1)))
    return FitResult.exact_one_relu(
        w, loss=best_L if np.isfinite(best_L) else L_w, mean_loss=L_w / float(c.sum()), dual_bound=dual_out,
        proven=proven, complete=complete, seconds=time.perf_counter() - t0, open_status="no-box",
        extra={"engine": "bnb", "split_columns": int(p), "nodes": int(nodes), "leaves": int(leaves),
               "nodes_pruned": int(pruned), "pruned_by": None, "budget_hit": not complete},
    )
