"""The truncated lattice of lemma L3 and its parameters (Algorithm A).

The net is N(h) = {c : c_j in h_j Z} intersected with the unit ball B^m.
Rounding any c* in B^m coordinatewise *toward zero* lands in N(h) with
|c_j - c*_j| < h_j (lemma L3), so w = V_m c is exactly proper.
"""

import math

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = [
    "round_toward_zero",
    "iter_lattice",
    "lattice_count",
    "log2_planned_size",
    "covering_radius",
    "worst_case_params",
    "adaptive_params",
]

_TOL = 1e-12


def round_toward_zero(c, h):
    """Round each coordinate of c toward zero onto h_j Z (lemma L3).

    Examples
    --------
    >>> round_toward_zero(np.array([0.55, -0.55]), np.array([0.25, 0.25])).tolist()
    [0.5, -0.5]
    """
    h = np.asarray(h, dtype=np.float64)
    return np.sign(c) * np.floor(np.abs(c) / h) * h


def iter_lattice(h, *, block=1 << 16):
    """Stream the points of N(h) in blocks.

    Parameters
    ----------
    h : array-like, shape (m,), positive step per coordinate
    block : int
        Target number of points per yielded array (a block is never larger
        than ``block`` + 2 floor(1 / min h) + 1).

    Yields
    ------
    ndarray (B, m) float64
        Every point of N(h) exactly once over the whole stream (points within
        1e-12 of the sphere are included; a superset only makes the
        certificate safer, and the learner projects its output to the ball).

    Notes
    -----
    Depth-first over coordinates with vectorised expansion; memory
    O(block * m * m). Time O(|N(h)| m).
    """
    h = np.asarray(h, dtype=np.float64).ravel()
    if (h <= 0).any() or not np.isfinite(h).all():
        raise InvalidParameterError("lattice steps must be positive and finite")
    m = h.size
    if m == 0:
        yield np.zeros((1, 0))
        return
    stack = [(np.zeros((1, 0), dtype=np.int64), np.ones(1), 0)]
    while stack:
        K, rem, j = stack.pop()
        if j == m:
            yield K * h
            continue
        kmax = np.floor(np.sqrt(np.maximum(rem, 0.0)) * (1.0 + _TOL) / h[j] + _TOL).astype(np.int64)
        counts = 2 * kmax + 1
        total = int(counts.sum())
        if total > block and K.shape[0] > 1:
            # split the rows into chunks whose expansion fits into a block
            cuts = np.searchsorted(np.cumsum(counts), np.arange(block, total, block), side="right")
            cuts = np.unique(np.clip(cuts, 1, K.shape[0] - 1))
            for rows in reversed(np.split(np.arange(K.shape[0]), cuts)):
                stack.append((K[rows], rem[rows], j))
            continue
        rows = np.repeat(np.arange(K.shape[0]), counts)
        start = np.repeat(np.cumsum(counts) - counts, counts)
        k = np.arange(total) - start - np.repeat(kmax, counts)
        K2 = np.empty((total, j + 1), dtype=np.int64)
        K2[:, :j] = K[rows]
        K2[:, j] = k
        stack.append((K2, rem[rows] - (k * h[j]) ** 2, j + 1))


def lattice_count(h, *, block=1 << 16):
    """|N(h)| by streaming enumeration."""
    return sum(C.shape[0] for C in iter_lattice(h, block=block))


def log2_planned_size(h):
    """log2 of the planned bound on |N(h)| (lemma L3).

    min( vol(B^m') (1 + ||h'||/2)^m' / prod h', prod (2 floor(1/h_j) + 1) )
    over the m' coordinates with h_j <= 1 (the others are pinned to 0).
    """
    h = np.asarray(h, dtype=np.float64).ravel()
    h = h[h <= 1.0]
    m = h.size
    if m == 0:
        return 0.0
    log_vol = 0.5 * m * math.log(math.pi) - math.lgamma(0.5 * m + 1.0)
    packing = (log_vol + m * math.log1p(0.5 * float(np.linalg.norm(h))) - float(np.log(h).sum())) / math.log(2.0)
    box = float(np.log2(2.0 * np.floor(1.0 / h) + 1.0).sum())
    return min(packing, box)


def covering_radius(s, h, m):
    """sqrt(sum_{j<=m} s_j^2 h_j^2 + s_{m+1}^2): lemmas L1-L3 give |sqrt L(V_m c^) - sqrt L(w)| <= this."""
    s = np.asarray(s, dtype=np.float64)
    tail = float(s[m]) if m < s.size else 0.0
    return float(np.sqrt(np.sum((s[:m] * np.asarray(h, dtype=np.float64)[:m]) ** 2) + tail * tail))


def worst_case_params(delta, s, rank):
    """Uniform h = delta / sqrt(5), m = min(rank, ceil(5 / (4 delta^2)) - 1).

    Valid whenever mean ||x||^2 = sum s_j^2 <= 1: then s_{m+1}^2 <= 1/(m+1)
    <= 4 delta^2 / 5 and sum_{j<=m} s_j^2 h^2 <= delta^2 / 5.
    Gives |N| <= 2^(4.22 / delta^2).
    """
    if delta <= 0:
        raise InvalidParameterError("delta must be positive")
    m = min(int(rank), max(0, math.ceil(5.0 / (4.0 * delta * delta)) - 1))
    return m, np.full(m, delta / math.sqrt(5.0))


def adaptive_params(delta, s, rank, *, m=None):
    """Data-adaptive (m, h): for each m, gamma^2 = delta^2 - s_{m+1}^2, h_j = gamma / (sqrt(m) s_j).

    Returns the m (<= rank) with the smallest planned size, so that
    sum_{j<=m} s_j^2 h_j^2 + s_{m+1}^2 <= delta^2. ``m`` forces the subspace
    dimension (raises if its tail s_{m+1} >= delta).

    Returns
    -------
    m : int
    h : ndarray (m,)
    log2_size : float
    """
    if delta <= 0:
        raise InvalidParameterError("delta must be positive")
    s = np.asarray(s, dtype=np.float64)
    candidates = range(int(rank) + 1) if m is None else [int(m)]
    best = None
    for mm in candidates:
        tail = float(s[mm]) if mm < s.size else 0.0
        g2 = delta * delta - tail * tail
        if g2 <= 0:
            continue
        h = np.sqrt(g2 / mm) / s[:mm] if mm else np.zeros(0)
        lg = log2_planned_size(h)
        if best is None or lg < best[2]:
            best = (mm, h, lg)
    if best is None:
        raise InvalidParameterError(f"subspace dimension m = {m} has PCA tail s_(m+1) >= delta = {delta:g}")
    return best
