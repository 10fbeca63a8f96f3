"""Shared preparation for the proper learners: weights, rescaling, PCA, losses.

Everything the learners certify is stated for the *mean* loss with sample
probabilities p_i = c_i / sum(c) (conventions §2)::

    L(w) = sum_i p_i (relu(w . x_i) - y_i)^2 .

If max ||x_i|| = R > 1 the data are rescaled to X / R, y / R (pitfall 5).
This leaves the hypothesis class unchanged (relu(w . x) / R = relu(w . x / R))
and divides every loss by R^2, so eps is divided by R^2 too; results are
reported back in the original units.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from reluhard import progress
from reluhard.errors import InvalidParameterError
from reluhard.seeding import as_generator

__all__ = ["Problem", "prepare", "Scorer", "incumbent_relu", "polish_relu", "project_ball", "U32"]

#: unit roundoff of float32 / float64
U32 = 2.0**-24
U64 = 2.0**-53
#: largest dense copy of X the learner makes (entries)
MAX_DENSE = 10**8


def project_ball(w):
    """w / max(1, ||w||), row-wise for 2-D input (the exact-properness projection)."""
    w = np.asarray(w, dtype=np.float64)
    n = np.linalg.norm(w, axis=-1, keepdims=True)
    return w / np.maximum(1.0, n)


@dataclass
class Problem:
    """A weighted training set prepared for the learners (rescaled, with its PCA).

    Attributes
    ----------
    X : ndarray (N, d)          rescaled inputs, max ||x_i|| <= 1
    y : ndarray (N,)            rescaled labels
    p : ndarray (N,)            sample probabilities c_i / sum c
    total_weight : float        sum c
    scale : float               R = max(1, max ||x_i||); original loss = R^2 * loss here
    s : ndarray                 all singular values of diag(sqrt p) X, decreasing
    V : ndarray (d, rank)       right singular vectors with s_j > tolerance
    Z : ndarray (N, rank)       X @ V, the PCA coordinates of the samples
    ysq : float                 mean y^2 = L(0)
    """

    X: np.ndarray
    y: np.ndarray
    p: np.ndarray
    total_weight: float
    scale: float
    s: np.ndarray
    V: np.ndarray
    Z: np.ndarray
    ysq: float

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def n_features(self):
        return self.X.shape[1]

    @property
    def rank(self):
        return self.V.shape[1]

    def tail(self, m):
        """s_{m+1} (1-based), the PCA tail bound of lemma L2; 0 past the last value."""
        return float(self.s[m]) if m < self.s.size else 0.0

    def mean_loss(self, w):
        """Mean loss of one ReLU (float64); ``w`` of shape (d,) or (B, d) -> (B,)."""
        w = np.asarray(w, dtype=np.float64)
        if w.ndim == 1:
            r = np.maximum(self.X @ w, 0.0) - self.y
            return float(self.p @ (r * r))
        R = np.maximum(self.X @ w.T, 0.0) - self.y[:, None]
        return self.p @ (R * R)

    def mean_loss_k(self, W, a):
        """Mean loss of f = sum_j a_j relu(w_j . x) (float64)."""
        f = np.maximum(self.X @ np.asarray(W, dtype=np.float64).T, 0.0) @ np.asarray(a, dtype=np.float64)
        r = f - self.y
        return float(self.p @ (r * r))


def prepare(X, y, sample_weight=None):
    """Validate a training set and compute its rescaling and weighted PCA.

    Parameters
    ----------
    X : array-like or sparse matrix, shape (N, d)
    y : array-like, shape (N,)
    sample_weight : array-like, shape (N,), positive, optional (default all 1)

    Returns
    -------
    Problem

    Raises
    ------
    InvalidParameterError
        Empty data, inconsistent lengths, non-finite values, non-positive
        weights, or a dense copy of X above 1e8 entries.

    Notes
    -----
    Time O(N d min(N, d)) for the SVD of diag(sqrt p) X.
    """
    if sp.issparse(X):
        if X.shape[0] * X.shape[1] > MAX_DENSE:
            raise InvalidParameterError(f"X of shape {X.shape} is too large for the dense learner (limit {MAX_DENSE:.0e} entries)")
        X = X.toarray()
    X = np.array(X, dtype=np.float64, ndmin=2)
    y = np.asarray(y, dtype=np.float64).ravel()
    N, d = X.shape
    if N == 0 or d == 0:
        raise InvalidParameterError(f"the learner needs a non-empty training set, got X of shape {X.shape}")
    if y.shape != (N,):
        raise InvalidParameterError(f"X has {N} rows but y has {y.size} entries")
    c = np.ones(N) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).ravel()
    if c.shape != (N,):
        raise InvalidParameterError(f"X has {N} rows but sample_weight has {c.size} entries")
    if not (np.isfinite(X).all() and np.isfinite(y).all() and np.isfinite(c).all()):
        raise InvalidParameterError("non-finite values in X, y or sample_weight")
    if c.min() <= 0:
        raise InvalidParameterError("sample weights must be positive")
    total = float(c.sum())
    p = c / total
    R = float(np.sqrt((X * X).sum(axis=1).max()))
    scale = R if R > 1.0 else 1.0
    if scale > 1.0:
        X = X / scale
        y = y / scale
    _, s, Vt = np.linalg.svd(np.sqrt(p)[:, None] * X, full_matrices=False)
    tol = max(N, d) * U64 * (s[0] if s.size else 0.0)
    rank = int(np.count_nonzero(s > tol)) if s.size and s[0] > 0 else 0
    V = np.ascontiguousarray(Vt[:rank].T)  # all of s is kept: the tail bound uses it
    return Problem(X=X, y=y, p=p, total_weight=total, scale=scale, s=s, V=V, Z=X @ V, ysq=float(p @ (y * y)))


class Scorer:
    """Batched float32 scoring of PCA-coordinate candidates with rigorous slack.

    ``root_bounds(C)`` returns, for each row c of C (||c|| <= 1), an interval
    [lo, hi] that contains sqrt(L(V_m c)) computed in exact arithmetic.

    Notes
    -----
    Error model (pitfall 6): the float32 loss is the exact loss of predictions
    perturbed by at most eta = (m + 4) u max_i ||z_i|| + u max_i |y_i| per
    sample (rounding of z, c, y and the m-term dot product, u = 2^-24), so by
    lemma L1 the root loss moves by at most eta; squaring and the N-term
    weighted sum add a relative error of at most gamma = (N + 3) u / (1 - (N + 3) u)
    (the sum is accumulated in float64 when N u > 1e-2).
    Throughput ~4e5 candidates/s at N = 1000, m = 4 on one core.
    """

    def __init__(self, prob, m):
        Zm = prob.Z[:, :m]
        self.m = m
        self.Z32 = np.ascontiguousarray(Zm, dtype=np.float32)
        self.y32 = prob.y.astype(np.float32)
        N = prob.n_samples
        self.acc64 = N * U32 > 1e-2
        self.p = prob.p if self.acc64 else prob.p.astype(np.float32)
        zmax = float(np.sqrt((Zm * Zm).sum(axis=1).max())) if m else 0.0
        self.eta = 1.01 * ((m + 4) * U32 * zmax + U32 * float(np.abs(prob.y).max()))
        nu = (N + 3) * (U64 if self.acc64 else U32) + 3 * U32
        self.gamma = nu / (1.0 - nu)

    def losses(self, C):
        """Approximate mean losses (float64 array) of the rows of C (B, m)."""
        if self.m == 0:
            return np.full(C.shape[0], float(self.p @ (self.y32.astype(np.float64) ** 2)))
        P = self.Z32 @ C.astype(np.float32).T
        np.maximum(P, 0.0, out=P)
        P -= self.y32[:, None]
        np.square(P, out=P)
        return np.asarray(self.p @ P, dtype=np.float64)

    def root_lower(self, L):
        """Certified lower bound on sqrt(true loss) from a float32 score."""
        return np.sqrt(np.maximum(L, 0.0) / (1.0 + self.gamma)) - self.eta


# ---------------------------------------------------------------- incumbent

def _relu_obj(u, X, y, p):
    n = np.sqrt(u @ u)
    w = u / n if n > 1.0 else u
    t = X @ w
    r = np.maximum(t, 0.0) - y
    L = p @ (r * r)
    g = X.T @ (2.0 * p * r * (t > 0))
    if n > 1.0:
        g = (g - w * (w @ g)) / n
    return L, g


def polish_relu(prob, w0, maxiter=200):
    """L-BFGS from ``w0`` on u with w = u / max(1, ||u||); returns (w, loss)."""
    res = minimize(_relu_obj, np.asarray(w0, dtype=np.float64), args=(prob.X, prob.y, prob.p),
                   jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
    w = project_ball(res.x)
    return w, prob.mean_loss(w)


def _ball_points(rng, n, d):
    g = rng.standard_normal((n, d))
    g /= np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-300)
    return g * rng.random((n, 1)) ** (1.0 / d)


def realizable_start(prob):
    """Min-norm least squares on the samples with y_i > 0 (exact when the data are realizable).

    The realizable single-ReLU problem min ||w|| s.t. w.x_i = y_i (y_i > 0),
    w.x_i <= 0 (y_i <= 0) is a convex QP; its least-squares relaxation on the
    positive samples is returned, projected to the ball. When the data are
    realizable by a w in range(X_+^T) its loss is 0 up to rounding.
    """
    pos = prob.y > 0
    if not pos.any():
        return np.zeros(prob.n_features)
    w, *_ = np.linalg.lstsq(prob.X[pos], prob.y[pos], rcond=None)
    return project_ball(w)


def incumbent_relu(prob, *, n_restarts=20, seed=None, deadline=None, clock=None):
    """Best feasible single ReLU found by multi-restart projected L-BFGS.

    Starts: the least-squares start of :func:`realizable_start`, the top
    principal direction (both signs), then ``n_restarts`` uniform ball points
    drawn from ``seed``. Always runs at least the first start.

    Returns
    -------
    w : ndarray (d,), ||w|| <= 1
    loss : float, its mean loss (rescaled units)
    n_runs : int
    """
    rng = as_generator(seed)
    d = prob.n_features
    starts = [realizable_start(prob)]
    if prob.rank:
        starts += [prob.V[:, 0], -prob.V[:, 0]]
    starts += list(_ball_points(rng, n_restarts, d))
    best_w, best_L = np.zeros(d), prob.ysq
    runs = 0
    with progress.task("learner incumbent: L-BFGS starts", total=len(starts), unit="start") as bar:
        for w0 in starts:
            if runs and deadline is not None and clock() > deadline:
                break
            w, L = polish_relu(prob, w0)
            runs += 1
            if L < best_L:
                best_w, best_L = w, L
            bar.advance(1, postfix=f"best mean loss {best_L:.6g}")
    return best_w, best_L, runs
