"""Exact global minimum of the single-ReLU weighted square loss by cell enumeration.

When every positive-label point has exactly one non-zero coordinate (R1-type
data: e_0 and +-e_i), fixing the sign of each such coordinate fixes every
positive point's activation, and on each closed sign orthant the loss is
convex: an active positive point contributes (x.w - y)^2, an inactive one the
constant y^2, and points with label <= 0 contribute (relu(x.w) - y)^2, which is
convex everywhere. So the global minimum is the least of 2^p convex minima.

Each cell is solved with L-BFGS-B on its sign bounds (∩ the provable box of
the training set's meta). Every cell minimum comes with a **rigorous lower
bound** from convexity: L(w) >= L(ŵ) + g.(w - ŵ) >= L(ŵ) + min over the
cell∩box of g.(w - ŵ), a separable linear minimisation. The least of these is
the reported ``dual_bound``; a box is required for it (the box must contain a
global minimiser, as the reductions' provable boxes do).

Optional pruning (``prune=True`` with ``cell_bound``): a callable
``cell_bound(X, y, c, signs) -> lower bounds per sign cell`` supplied by the
caller (a reduction's theorem, e.g. claim (★) of sat-relu, which owns it; a
solver never imports a reduction). Cells are visited in order of that bound
and enumeration stops once the bound reaches the incumbent. This uses the
theorem, so tests that *check* the theorem run with ``prune=False``.
"""

import time

import numpy as np
from scipy.optimize import minimize

from reluhard.errors import InvalidParameterError
from reluhard import progress
from reluhard.threads import limit_blas_threads

from ._loss import best_single_start, loss_only
from .base import FitResult, as_problem, box_arrays

__all__ = ["fit_orthant", "fit_exact", "is_orthant_decomposable", "cell_minima"]

_OPTS = {"gtol": 1e-9, "ftol": 1e-13, "maxiter": 3000, "maxcor": 30}


def is_orthant_decomposable(X, y):
    """True when every row with y > 0 has exactly one non-zero entry."""
    pos = np.flatnonzero(y > 0)
    return bool(pos.size == 0 or (np.diff(X.indptr)[pos] == 1).all())


class _Cells:
    """Loss pieces of the orthant decomposition."""

    def __init__(self, X, y, c):
        self.X, self.y, self.c = X, y, c
        self.XT = X.T.tocsr()
        pos = np.flatnonzero(y > 0)
        Xp = X[pos]
        self.pos = pos
        self.pos_col = Xp.indices[Xp.indptr[:-1]]
        self.pos_val = Xp.data
        self.split_cols = np.unique(self.pos_col)

    def active(self, sign):
        """Positive rows active on the closed orthant with column signs ``sign`` (+-1, length d)."""
        return self.pos_val * sign[self.pos_col] > 0

    def fun(self, w, act_rows, inactive_pos, const):
        z = self.X @ w
        r = np.maximum(z, 0.0) - self.y
        g_mask = z > 0
        # active positive rows use the linear piece (x.w - y), also at the boundary
        r[act_rows] = z[act_rows] - self.y[act_rows]
        g_mask[act_rows] = True
        r[inactive_pos] = 0.0
        g_mask[inactive_pos] = False
        cr = self.c * r
        L = float(np.dot(cr, r)) + const
        g = 2.0 * (self.XT @ (cr * g_mask))
        return L, g


def cell_minima(data, signs, *, radius=None):
    """Minimum of the loss over each closed sign cell (rows of ``signs``, entries +-1, shape (S, d)).

    One L-BFGS-B solve per cell on its sign bounds (intersected with
    ``[-radius, radius]`` when given): the values are attained losses, so
    each is >= the true minimum over its cell and equal to it up to the
    solver's accuracy (≈ 1e-12). Used to check cell lower bounds.

    Returns
    -------
    (minima, weights) : arrays of shape (S,) and (S, d)
    """
    X, y, c, _ = as_problem(data)
    N, d = X.shape
    if not is_orthant_decomposable(X, y):
        raise InvalidParameterError("cell minima need every positive-label point to have one non-zero coordinate")
    cells = _Cells(X, y, c)
    signs = np.asarray(signs, dtype=float)
    r = np.inf if radius is None else float(radius)
    out, W = np.empty(signs.shape[0]), np.empty(signs.shape)
    for i, s in enumerate(signs):
        lo, hi = np.where(s > 0, 0.0, -r), np.where(s > 0, r, 0.0)
        act = cells.active(s)
        act_rows, inactive = cells.pos[act], cells.pos[~act]
        const = float(np.dot(c[inactive], y[inactive] ** 2))
        w0 = np.clip(s, lo, hi)
        res = minimize(cells.fun, w0, args=(act_rows, inactive, const), jac=True, method="L-BFGS-B",
                       bounds=list(zip(np.where(np.isfinite(lo), lo, None), np.where(np.isfinite(hi), hi, None))), options=_OPTS)
        W[i] = res.x
        out[i] = loss_only(X, y, c, res.x[None, :], np.ones(1))
    return out, W


def _cell_signs(idx, p, d):
    """Column signs (rows, length d) of the cells ``idx``: cell i has sign -1 on p[j] iff bit p.size-1-j of i is set
    (the order of ``itertools.product((1, -1), repeat=p.size)``)."""
    bits = (np.asarray(idx, dtype=np.int64)[:, None] >> np.arange(p.size - 1, -1, -1, dtype=np.int64)[None, :]) & 1
    signs = np.ones((len(idx), d))
    signs[:, p] = 1.0 - 2.0 * bits
    return signs


@limit_blas_threads(1)
def fit_orthant(data, *, time_limit=None, starts=(), meta=None, prune=False, cell_bound=None, pruned_by=None, box=None, seed=None):
    """Exact single-ReLU minimum by orthant enumeration (see module docstring).

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
    time_limit : float or None
        Budget; when hit the result has complete=False and the dual bound covers
        only what was enumerated (None if unvisited cells have no bound).
    starts : iterable of Network
        Incumbents (e.g. the lift of a MaxSAT optimum); needed for pruning.
    prune : bool
        Skip cells whose ``cell_bound`` reaches the incumbent.
    cell_bound : callable ``(X, y, c, signs) -> array or None``
        Lower bounds on the loss over each sign cell (rows of ``signs``), from
        the reduction that built the data; required for ``prune``.
    pruned_by : str or None
        Name of the theorem behind ``cell_bound`` (recorded in the result).
    box : run-length box or None
        Defaults to ``meta['box']``.

    Returns
    -------
    FitResult(method="exact", proven_optimal=True when every cell was solved or
    pruned and a box gave rigorous cell bounds).

    Notes
    -----
    2^p cells for p split coordinates (p = n + 1 for R1): practical to n ~ 13
    with pruning, n ~ 8 without.
    """
    X, y, c, meta = as_problem(data, meta)
    N, d = X.shape
    if not is_orthant_decomposable(X, y):
        raise InvalidParameterError("orthant enumeration needs every positive-label point to have one non-zero coordinate (R1-type data); use --method miqp")
    cells = _Cells(X, y, c)
    p = cells.split_cols
    if p.size > 22:
        raise InvalidParameterError(f"orthant enumeration over 2^{p.size} cells is out of reach; use --method gd or miqp")
    B = box_arrays(box if box is not None else meta.get("box"), d)
    lo, hi = (np.full(d, -np.inf), np.full(d, np.inf)) if B is None else B
    t0 = time.perf_counter()

    best_L, best_w = best_single_start(X, y, c, starts, d)  # incumbent from the starts

    n_cells = 2 ** p.size
    cell_lb = None
    if prune:  # the caller's cell bounds, streamed over blocks of cells (one float per cell is kept)
        if cell_bound is None:
            raise InvalidParameterError("pruning needs a cell lower bound that applies to these data (the reduction that built them declares none)")
        cell_lb = np.empty(n_cells)
        for start in range(0, n_cells, 1 << 14):
            block = _cell_signs(np.arange(start, min(start + (1 << 14), n_cells)), p, d)
            b = cell_bound(X, y, c, block)
            if b is None:
                raise InvalidParameterError("pruning needs a cell lower bound that applies to these data (the reduction that built them declares none)")
            cell_lb[start: start + len(block)] = b
        order = np.argsort(cell_lb, kind="stable")
    else:
        order = range(n_cells)

    dual = np.inf
    solved = pruned = 0
    complete = True
    rigorous = B is not None
    bar = progress.start("orthant cells", total=n_cells, unit="cell")
    for idx in order:
        if cell_lb is not None and cell_lb[idx] >= best_L - 1e-12:
            # every remaining cell has bound >= incumbent
            dual = min(dual, float(cell_lb[idx]))
            pruned = len(order) - solved
            break
        if time_limit is not None and time.perf_counter() - t0 > time_limit:
            complete = False
            if cell_lb is not None:
                dual = min(dual, float(cell_lb[idx]))
            else:
                rigorous = False
            break
        s = _cell_signs(np.array([idx]), p, d)[0]
        clo, chi = lo.copy(), hi.copy()
        splus, sminus = s > 0, s < 0
        sp_ = np.zeros(d, dtype=bool)
        sp_[p] = True
        clo[sp_ & splus] = np.maximum(clo[sp_ & splus], 0.0)
        chi[sp_ & sminus] = np.minimum(chi[sp_ & sminus], 0.0)
        bar.advance(1, postfix=f"best loss {best_L:.6g}")
        if (clo > chi).any():
            solved += 1
            continue  # empty cell ∩ box
        act = cells.active(s)
        act_rows = cells.pos[act]
        inactive = cells.pos[~act]
        const = float(np.dot(c[inactive], y[inactive] ** 2))
        w0 = np.clip(np.where(sp_, s, 0.0), clo, chi)
        res = minimize(cells.fun, w0, args=(act_rows, inactive, const), jac=True, method="L-BFGS-B",
                       bounds=list(zip(np.where(np.isfinite(clo), clo, None), np.where(np.isfinite(chi), chi, None))), options=_OPTS)
        w = res.x
        L_true = loss_only(X, y, c, w[None, :], np.ones(1))
        Lc, g = cells.fun(w, act_rows, inactive, const)
        if B is not None:
            lb = Lc + float(np.sum(np.minimum(g * (clo - w), g * (chi - w))))
            dual = min(dual, lb)
        solved += 1
        if L_true < best_L:
            best_L, best_w = L_true, w
    bar.close()
    if not np.isfinite(dual) or not rigorous:
        dual_out = None
    else:
        dual_out = min(dual, best_L)
    proven = complete and dual_out is not None
    w = best_w if best_w is not None else np.zeros(d)
    return FitResult.exact_one_relu(
        w, loss=best_L, mean_loss=float(best_L) / float(c.sum()), dual_bound=dual_out, proven=proven,
        complete=complete, seconds=time.perf_counter() - t0, open_status="no-box",
        extra={"engine": "orthant", "cells": int(n_cells), "cells_solved": int(solved), "cells_pruned": int(pruned), "pruned_by": (pruned_by or "cell bound") if prune else None},
    )


@limit_blas_threads(1)
def fit_exact(data, *, meta=None, orthant=False, k=1, time_limit=None, starts=(), prune=False, cell_bound=None, pruned_by=None,
              box=None, seed=0, absgap=1e-5, generic=False):
    """``--method exact``: the SCIP ball MIQCP when the reduction's claim is over a weight ball
    (meta ``ball``), a sign-cell search where it applies, the theorem-free sign branch-and-bound
    (:func:`reluhard.solvers.relu_generic_bnb.fit_generic_bnb`) when ``generic=True`` (a
    reduction's :class:`~reluhard.reductions.base.ExactPolicy` asks for it), else the SCIP MIQP.

    Sign-cell data (every positive-label point has one non-zero coordinate;
    ``orthant=True`` when the reduction's :class:`~reluhard.reductions.base.ExactPolicy`
    says so, otherwise d <= 16): by default the theorem-free branch-and-bound
    (:func:`reluhard.solvers.relu_bnb.fit_bnb`); ``prune=True`` enumerates orthants
    pruned by the caller's ``cell_bound`` (a reduction theorem, named in ``pruned_by``).
    """
    from .base import offered

    X, y, c, meta = as_problem(data, meta)
    kw = dict(k=k, time_limit=time_limit, starts=starts, prune=prune, cell_bound=cell_bound, pruned_by=pruned_by, box=box,
              seed=seed, absgap=absgap)
    if isinstance(meta.get("ball"), dict) and k == 1:  # the claim is over a weight ball (meta "ball")
        from .relu_ball import fit_relu_ball

        return fit_relu_ball((X, y, c, meta), rho2=float(meta["ball"]["rho2"]), box=meta.get("box"),
                             time_limit=float(time_limit or 60.0), seed=int(seed or 0))
    if orthant or (k == 1 and is_orthant_decomposable(X, y) and X.shape[1] <= 16):
        if prune:
            return fit_orthant((X, y, c, meta), **offered(fit_orthant, kw))
        from .relu_bnb import fit_bnb

        return fit_bnb((X, y, c, meta), **offered(fit_bnb, kw))
    if prune:
        raise InvalidParameterError("pruning applies to orthant enumeration only; these data go to the SCIP MIQP")
    if generic and k == 1:
        from .relu_generic_bnb import fit_generic_bnb

        return fit_generic_bnb((X, y, c, meta), **offered(fit_generic_bnb, kw))
    from .miqp import fit_miqp

    return fit_miqp((X, y, c, meta), **offered(fit_miqp, kw))
