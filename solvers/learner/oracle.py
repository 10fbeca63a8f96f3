"""Exact single-ReLU optimum in dimension 2 by sector enumeration (test oracle).

In R^2 the activation pattern {i : w . x_i > 0} is constant on the open
sectors between the angles theta_i +- pi/2 (theta_i = angle of x_i). On the
closed sector the loss equals the convex quadratic
q_S(w) = sum_{i in S} p_i (w . x_i - y_i)^2 + sum_{i not in S} p_i y_i^2, so the
minimum over sector ∩ unit disc is attained at one of: the unconstrained
minimiser of q_S (if inside), the minimiser on each boundary ray segment, or
a stationary point of q_S on the arc (roots of a degree-4 polynomial in
e^{i theta}). All candidates are feasible points, re-scored with the true
loss; the minimum over them is OPT.
"""

import numpy as np

from reluhard.errors import InvalidParameterError

from ._problem import prepare

__all__ = ["exact_relu_2d"]


def _arc_stationary(G, b):
    """Angles where d/dtheta q(cos t, sin t) = 0 for q(w) = w^T G w - 2 b^T w."""
    beta = 0.5 * (G[0, 0] - G[1, 1])
    gam = G[0, 1]
    # q'(t) = -2 beta sin 2t + 2 gam cos 2t + 2 b1 sin t - 2 b2 cos t; times z^2 (z = e^{it}):
    # sin2t = (z^2 - z^-2)/(2i), cos2t = (z^2 + z^-2)/2, sin t = (z - z^-1)/(2i), cos t = (z + z^-1)/2
    c4 = -2 * beta / (2j) + 2 * gam / 2
    c0 = 2 * beta / (2j) + 2 * gam / 2
    c3 = 2 * b[0] / (2j) - 2 * b[1] / 2
    c1 = -2 * b[0] / (2j) - 2 * b[1] / 2
    coeffs = np.array([c4, c3, 0.0, c1, c0])
    nz = np.flatnonzero(np.abs(coeffs) > 1e-300)
    if nz.size == 0 or nz[0] == 4:
        return np.zeros(0)
    return np.angle(np.roots(coeffs[nz[0]:]))


def exact_relu_2d(X, y, sample_weight=None):
    """min over ||w|| <= 1 of the mean loss of relu(w . x) for d = 2 data.

    Parameters
    ----------
    X : array (N, 2), y : array (N,), sample_weight : optional positive (N,)

    Returns
    -------
    w : ndarray (2,), opt : float (mean loss, original units)

    Notes
    -----
    O(N) sectors, O(N) work each: O(N^2). Candidates are actual feasible
    points, so opt >= the true minimum always; it is equal up to root-finding
    accuracy (cross-checked against a dense polar grid in the tests).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise InvalidParameterError("exact_relu_2d needs X of shape (N, 2)")
    prob = prepare(X, y, sample_weight)  # validation only; work in original units
    p = prob.p
    y = np.asarray(y, dtype=np.float64)
    nz = np.linalg.norm(X, axis=1) > 0
    th = np.arctan2(X[nz, 1], X[nz, 0])
    cuts = np.sort(np.mod(np.concatenate([th + np.pi / 2, th - np.pi / 2]), 2 * np.pi))
    cuts = np.unique(cuts)
    if cuts.size == 0:
        cuts = np.array([0.0])
    ends = np.append(cuts[1:], cuts[0] + 2 * np.pi)
    cand = [np.zeros(2)]
    for a, b_ in zip(cuts, ends):
        mid = 0.5 * (a + b_)
        S = (X @ np.array([np.cos(mid), np.sin(mid)])) > 0
        XS, pS, yS = X[S], p[S], y[S]
        G = (XS * pS[:, None]).T @ XS
        bb = XS.T @ (pS * yS)
        for t in (a, b_):  # boundary rays: w = r u, r in [0, 1]
            u = np.array([np.cos(t), np.sin(t)])
            A = u @ G @ u
            r = np.clip((u @ bb) / A, 0.0, 1.0) if A > 0 else 1.0
            cand += [r * u, u]
        w_un, *_ = np.linalg.lstsq(G, bb, rcond=None)
        cand.append(w_un)
        for t in _arc_stationary(G, bb):
            cand.append(np.array([np.cos(t), np.sin(t)]))
    W = np.array(cand)
    ok = (W * W).sum(axis=1) <= 1.0
    # candidates outside their sector are still feasible points (true loss is re-scored)
    W = W[ok]
    R = np.maximum(X @ W.T, 0.0) - y[:, None]
    L = p @ (R * R)
    i = int(np.argmin(L))
    return W[i], float(L[i])
