"""Exact training of one ReLU (no bias) by hyperplane-arrangement enumeration.

The algorithm of Arora, Basu, Mianjy & Mukherjee, "Understanding deep neural
networks with rectified linear units" (ICLR 2018, Thm 4.1), specialised to one
ReLU without bias: the N hyperplanes {w : x_i . w = 0} cut R^d into O(N^(d-1))
cells; on the closure of a cell with activation pattern A (x_i . w >= 0 for
i in A, <= 0 otherwise) the loss is the convex quadratic

    sum_{i in A} c_i (x_i . w - y_i)^2 + sum_{i not in A} c_i y_i^2,

which *equals* the true loss at every feasible point (on x_i . w = 0 both
branches agree). The closures of the full-dimensional cells cover R^d, so the
least of the per-pattern QP minima is the global minimum, and any pattern
(even one that is not a cell) only yields valid upper bounds.

Cell enumeration. Work in the row space of X (rank r; the orthogonal part of w
does not change the loss). If r >= 2, every full-dimensional cell is a pointed
cone, hence has an extreme ray v = the intersection of r - 1 independent
hyperplanes; near v inside the cell, rows with x_i . v != 0 keep the sign of
x_i . v and rows with x_i . v = 0 take some sign combination. Enumerating, for
every independent (r-1)-subset and both directions +-v, every sign combination
of the rows through v covers every cell (a superset; infeasible patterns are
discarded). Time O(C(N, r-1) 2^z QP(N, r)) for z rows through a ray, so this is
for small r (``MAX_RANK``) and few degenerate rays (``MAX_FREE``).

Each QP is solved with SLSQP (scipy) and the harness recomputes the true loss
of the returned w, so the result is exact up to the QP solver's tolerance and
never below the true minimum.
"""

import itertools
import math

import numpy as np

from .algorithms import BenchFit, NotApplicable, Trace

__all__ = ["arora_exact", "MAX_RANK", "MAX_FREE", "MAX_PATTERNS"]

MAX_RANK = 4
MAX_FREE = 10
MAX_PATTERNS = 200_000


def _qp(Z, y, c, active, z0):
    """min over the closed cell of ``active`` of the pattern loss (SLSQP); returns z."""
    from scipy.optimize import minimize

    s = np.where(active, 1.0, -1.0)
    Za, ya, ca = Z[active], y[active], c[active]
    G = s[:, None] * Z

    def fun(z):
        r = Za @ z - ya
        return float(np.dot(ca, r * r)), 2.0 * (Za.T @ (ca * r))

    res = minimize(fun, z0, jac=True, method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda z: G @ z, "jac": lambda z: G}],
                   options={"ftol": 1e-15, "maxiter": 300})
    return res.x


def _patterns(Z, tol):
    """Yield (pattern, ray) candidates covering every full-dimensional cell (module docstring)."""
    N, r = Z.shape
    norms = np.linalg.norm(Z, axis=1)
    if r == 1:
        for v in (np.ones(1), -np.ones(1)):
            yield (Z @ v) > tol * norms, v
        return
    seen = set()
    for S in itertools.combinations(range(N), r - 1):
        A = Z[list(S)]
        _, sv, Vt = np.linalg.svd(A)
        if sv.size < r - 1 or sv[-1] <= 1e-9 * max(sv[0], 1e-300):
            continue  # dependent rows: no ray
        v = Vt[-1]
        for sign in (1.0, -1.0):
            t = sign * (Z @ v)
            free = np.flatnonzero(np.abs(t) <= tol * norms * max(1.0, np.abs(v).max()))
            if free.size > MAX_FREE:
                raise NotApplicable(f"arora: {free.size} rows pass through one ray (> {MAX_FREE}): too degenerate to enumerate")
            base = t > 0
            for combo in itertools.product((False, True), repeat=free.size):
                pat = base.copy()
                pat[free] = combo
                key = pat.tobytes()
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > MAX_PATTERNS:
                    raise NotApplicable(f"arora: more than {MAX_PATTERNS} activation patterns")
                yield pat, sign * v


def arora_exact(X, y, sample_weight, *, budget):
    """Global minimum of sum_i c_i (relu(w . x_i) - y_i)^2 by cell enumeration (module docstring).

    Returns
    -------
    BenchFit with ``info = {"rank", "patterns", "complete"}``; ``complete`` is
    False when the budget stopped the enumeration (the result is then the best
    pattern solved so far, an upper bound).

    Raises
    ------
    NotApplicable
        rank(X) > MAX_RANK, or the arrangement is too degenerate / too large.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    c = np.asarray(sample_weight, dtype=float)
    N, d = X.shape
    tr = Trace(budget)
    tr.offer(float(np.dot(c, y * y)), np.zeros((1, d)), np.ones(1))  # w = 0
    _, sv, Vt = np.linalg.svd(X, full_matrices=False) if N else (None, np.zeros(0), np.zeros((0, d)))
    r = int((sv > 1e-10 * (sv[0] if sv.size else 1.0)).sum())
    if r > MAX_RANK:
        raise NotApplicable(f"arora: rank {r} > {MAX_RANK} (O(N^(d-1)) cells; this exact enumeration is for small d)")
    n_est = 2 * math.comb(N, max(r - 1, 0))
    if n_est > MAX_PATTERNS:
        raise NotApplicable(f"arora: about {n_est} rays to enumerate (> {MAX_PATTERNS})")
    if r == 0:
        return tr.fit(rank=0, patterns=0, complete=True)
    V = Vt[:r].T  # (d, r)
    Z = X @ V
    count, complete = 0, True
    for pat, v in _patterns(Z, 1e-9):
        if tr.out_of_time():
            complete = False
            break
        if pat.any():
            za = Z[pat]
            t = float(np.dot(c[pat] * (za @ v), y[pat])) / max(float(np.dot(c[pat], (za @ v) ** 2)), 1e-300)
            z0 = v * max(t, 0.0)
        else:
            z0 = np.zeros(r)
        z = _qp(Z, y, c, pat, z0)
        w = V @ z
        rr = np.maximum(X @ w, 0.0) - y
        tr.offer(float(np.dot(c, rr * rr)), w[None, :], np.ones(1))
        count += 1
    return tr.fit(rank=r, patterns=count, complete=complete)
