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

Optional pruning (R1 data only, ``prune=True``): claim (★) of the sat-relu
reduction bounds every orthant σ from below by n + |F|/(1 + 3B_F + 4|F|/T^2),
F = clauses falsified by σ (n + T^2 when w_0 <= 0). Cells are visited in
order of that bound and enumeration stops once the bound reaches the
incumbent. This uses the theorem, so tests that *check* the theorem run with
``prune=False``.
"""

import itertools
import time

import numpy as np
from scipy.optimize import minimize

from reluhard.data import Network
from reluhard.errors import InvalidParameterError

from ._loss import loss_only
from .base import FitResult, as_problem, box_arrays

__all__ = ["fit_orthant", "fit_exact", "is_orthant_decomposable", "r1_cell_bounds"]

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


def r1_cell_bounds(X, y, c, signs):
    """Claim (★) lower bounds for R1 data at each sign pattern (rows of ``signs``, shape (S, d)).

    Returns None when the data are not R1-shaped (anchor column 0 with one
    positive point; variable gadgets e_i, -e_i of weight 1; label-0 clause
    rows with anchor coefficient -2 and three +-1 entries).
    """
    N, d = X.shape
    n = d - 1
    rows0 = np.flatnonzero(y == 0)
    if n < 1 or rows0.size + 1 + 2 * n != N:
        return None
    A = X[rows0].toarray()
    if rows0.size and not ((A[:, 0] == -2).all() and (np.abs(A[:, 1:]).sum(axis=1) == 3).all() and (np.abs(A[:, 1:]) <= 1).all()):
        return None
    anchor = np.flatnonzero((y > 0) & (np.diff(X.indptr) == 1) & (np.asarray(X[:, 0].todense()).ravel() == 1))
    if anchor.size != 1 or not np.allclose(c[y > 0][1:] if anchor[0] == 0 else 1.0, 1.0):
        return None
    T2 = float(c[anchor[0]])
    S = signs.shape[0]
    lit = A[:, 1:]  # -s_l on each literal column
    # literal (sign s) is false in orthant sigma iff s * sigma <= 0 iff (-s) * sigma >= 0
    fals = np.ones((S, rows0.size), dtype=bool)
    for j in range(n):
        col = lit[:, j]
        nz = col != 0
        if nz.any():
            fals[:, nz] &= (col[nz][None, :] * signs[:, j + 1][:, None]) >= 0
    Fsize = fals.sum(axis=1)
    inc = (lit != 0).astype(np.int64)
    BF = (fals.astype(np.int64) @ inc).max(axis=1) if rows0.size else np.zeros(S)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = n + np.where(Fsize > 0, Fsize / (1 + 3 * BF + 4 * Fsize / T2), 0.0)
    b = np.where(signs[:, 0] < 0, n + T2, b)
    return b


def fit_orthant(data, *, time_limit=None, starts=(), meta=None, prune=False, box=None, seed=None, **_):
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
        Use claim (★) to skip cells (R1 data only).
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

    # incumbent from the starts
    best_L, best_w = np.inf, None
    for net in starts:
        net = net.as_float()
        if net.weights.shape == (1, d) and net.output_weights[0] > 0:
            w = net.weights[0] * net.output_weights[0]
            L = loss_only(X, y, c, w[None, :], np.ones(1))
            if L < best_L:
                best_L, best_w = L, w

    patterns = np.array(list(itertools.product((1.0, -1.0), repeat=p.size)), dtype=float) if p.size else np.ones((1, 0))
    signs = np.ones((patterns.shape[0], d))
    signs[:, p] = patterns
    cell_lb = None
    if prune:
        cell_lb = r1_cell_bounds(X, y, c, signs)
        if cell_lb is None:
            raise InvalidParameterError("pruning by claim (★) needs R1-shaped data (sat-relu)")
        order = np.argsort(cell_lb, kind="stable")
    else:
        order = np.arange(signs.shape[0])

    dual = np.inf
    solved = pruned = 0
    complete = True
    rigorous = B is not None
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
        s = signs[idx]
        clo, chi = lo.copy(), hi.copy()
        splus, sminus = s > 0, s < 0
        sp_ = np.zeros(d, dtype=bool)
        sp_[p] = True
        clo[sp_ & splus] = np.maximum(clo[sp_ & splus], 0.0)
        chi[sp_ & sminus] = np.minimum(chi[sp_ & sminus], 0.0)
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
    if not np.isfinite(dual) or not rigorous:
        dual_out = None
    else:
        dual_out = min(dual, best_L)
    proven = complete and dual_out is not None
    w = best_w if best_w is not None else np.zeros(d)
    net = Network(w[None, :], np.ones(1))
    return FitResult(
        method="exact",
        network=net,
        loss=float(best_L),
        mean_loss=float(best_L) / float(c.sum()),
        proven_optimal=bool(proven),
        dual_bound=dual_out,
        complete=complete,
        seconds=time.perf_counter() - t0,
        seed=None,
        status="optimal" if proven else ("timeout" if not complete else "no-box"),
        extra={"engine": "orthant", "cells": int(signs.shape[0]), "cells_solved": int(solved), "cells_pruned": int(pruned), "pruned_by": "claim (★)" if prune else None},
    )


def fit_exact(data, *, meta=None, **kw):
    """``--method exact``: orthant enumeration for R1-type data, the SCIP ball MIQCP when the
    reduction's claim is over a weight ball (meta ``ball``), else the SCIP MIQP."""
    X, y, c, meta = as_problem(data, meta)
    if isinstance(meta.get("ball"), dict) and kw.get("k", 1) == 1:
        from .relu_ball import fit_relu_ball

        return fit_relu_ball((X, y, c, meta), rho2=float(meta["ball"]["rho2"]), box=meta.get("box"),
                             time_limit=float(kw.get("time_limit") or 60.0), seed=int(kw.get("seed") or 0))
    if meta.get("data_type") == "r1" or (kw.get("k", 1) == 1 and is_orthant_decomposable(X, y) and X.shape[1] <= 16):
        kw.pop("k", None)
        return fit_orthant((X, y, c, meta), **kw)
    from .miqp import fit_miqp

    return fit_miqp((X, y, c, meta), **kw)
