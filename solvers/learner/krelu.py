"""Algorithm B: sums of k ReLUs, ||w_j|| <= 1, ||a||_1 <= W.

Every k-multiset of lattice points (lemma L3 net with radius delta / W) is
scored with its optimal output weights, an exact convex k x k QP over the
l1 ball:

    min_a  a^T G a - 2 b^T a,   ||a||_1 <= W,    G = F^T diag(p) F, b = F^T (p y)

(loss = that value + mean y^2). By L1-L3 the rounded true units are within
W delta of the optimum in root loss, and the QP can only do better.
"""

import itertools
import math
import time

import numpy as np
from scipy.optimize import minimize

from reluhard import progress
from reluhard.errors import InvalidParameterError
from reluhard.seeding import as_generator, check_seed
from reluhard.threads import limit_blas_threads

from ._problem import _ball_points, prepare, project_ball
from .lattice import adaptive_params, covering_radius, iter_lattice
from .result import LearnResult
from .single import _check_eps, _check_time, radius_for

__all__ = ["l1_qp2", "l1_qp", "learn_krelu"]

#: largest N x |net| activation matrix held in memory
_MAX_F = 5 * 10**7


def _q2(G11, G12, G22, b1, b2, a1, a2):
    return G11 * a1 * a1 + 2 * G12 * a1 * a2 + G22 * a2 * a2 - 2 * b1 * a1 - 2 * b2 * a2


def l1_qp2(G11, G12, G22, b1, b2, W, *, values_only=False):
    """Exact min of a^T G a - 2 b^T a over ||a||_1 <= W for 2 x 2 PSD G (vectorised).

    The unconstrained minimiser if it is unique and feasible; otherwise the
    minimum lies on the boundary, i.e. on one of the 4 edges
    a = (s1 t, s2 (W - t)), t in [0, W]: a 1-D quadratic with leading
    coefficient A = (e1 - s1 s2 e2)^T G (...) >= 0, minimised at the clipped
    stationary point (A > 0) or at a vertex (A = 0). If G is singular and its
    minimiser line meets the ball, it also meets the boundary, so the edges
    still attain the minimum.

    Returns
    -------
    a1, a2, q : arrays broadcast from the inputs (only q if ``values_only``)
    """
    G11, G12, G22, b1, b2 = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (G11, G12, G22, b1, b2)))
    det = G11 * G22 - G12 * G12
    ok = det > 1e-12 * np.maximum(G11 * G22, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        u1 = np.where(ok, (G22 * b1 - G12 * b2) / det, 0.0)
        u2 = np.where(ok, (G11 * b2 - G12 * b1) / det, 0.0)
    ok &= np.abs(u1) + np.abs(u2) <= W
    cands = [(u1, u2, np.where(ok, _q2(G11, G12, G22, b1, b2, u1, u2), np.inf))]
    # the four vertices (+-W, 0), (0, +-W)
    for s in (1.0, -1.0):
        cands.append((s * W, 0.0, G11 * W * W - 2 * s * b1 * W))
        cands.append((0.0, s * W, G22 * W * W - 2 * s * b2 * W))
    for s1 in (1.0, -1.0):
        for s2 in (1.0, -1.0):
            A = G11 - 2 * s1 * s2 * G12 + G22
            B = 2 * s1 * s2 * G12 * W - 2 * G22 * W - 2 * s1 * b1 + 2 * s2 * b2
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.where(A > 0, np.clip(-B / (2 * A), 0.0, W), 0.0)
            cands.append((s1 * t, s2 * (W - t), (A * t + B) * t + G22 * W * W - 2 * s2 * b2 * W))
    if values_only:
        q = cands[0][2]
        for c in cands[1:]:
            q = np.minimum(q, c[2])
        return q
    q = np.full(G11.shape, np.inf)
    a1 = np.zeros(G11.shape)
    a2 = np.zeros(G11.shape)
    for c1, c2, qc in cands:
        better = qc < q
        q = np.where(better, qc, q)
        a1 = np.where(better, c1, a1)
        a2 = np.where(better, c2, a2)
    return a1, a2, q


def l1_qp(G, b, W):
    """Exact min of a^T G a - 2 b^T a over ||a||_1 <= W for a stack of small PSD G.

    Parameters
    ----------
    G : ndarray (B, k, k), b : ndarray (B, k), W : float

    Returns
    -------
    a : ndarray (B, k), q : ndarray (B,)

    Notes
    -----
    Face enumeration: for every support S and (on the boundary) sign vector
    sigma, the minimiser over the affine hull of the face is a linear
    system; the feasible candidates are compared. The global minimiser in the
    lowest-dimensional cell that holds one is the unique minimiser of its
    affine hull, so the minimum is exact. sum_S (1 + 2^|S|) = 3^k + 2^k - 2
    systems of size <= k + 1 per QP (pinv, so singular faces are safe).
    """
    G = np.asarray(G, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    B, k = b.shape
    best_q = np.zeros(B)  # a = 0
    best_a = np.zeros((B, k))

    def offer(S, aS):
        nonlocal best_q, best_a
        a = np.zeros((B, k))
        a[:, S] = aS
        feas = np.abs(a).sum(axis=1) <= W * (1 + 1e-12)
        q = np.einsum("bi,bij,bj->b", a, G, a) - 2 * np.einsum("bi,bi->b", b, a)
        better = feas & (q < best_q)
        best_q = np.where(better, q, best_q)
        best_a[better] = a[better]

    for size in range(1, k + 1):
        for S in itertools.combinations(range(k), size):
            S = list(S)
            GS = G[:, S][:, :, S]
            bS = b[:, S]
            offer(S, np.einsum("bij,bj->bi", np.linalg.pinv(GS), bS))
            for sig in itertools.product((1.0, -1.0), repeat=size):
                sig = np.array(sig)
                M = np.zeros((B, size + 1, size + 1))
                M[:, :size, :size] = GS
                M[:, :size, size] = sig
                M[:, size, :size] = sig
                rhs = np.concatenate([bS, np.full((B, 1), W)], axis=1)
                sol = np.einsum("bij,bj->bi", np.linalg.pinv(M), rhs)
                offer(S, sol[:, :size])
    return best_a, best_q


# ------------------------------------------------------------ k-unit incumbent

def _k_obj(theta, X, y, p, k, W):
    d = X.shape[1]
    Uu = theta[: k * d].reshape(k, d)
    bb = theta[k * d:]
    n = np.linalg.norm(Uu, axis=1)
    sc = np.maximum(n, 1.0)
    Wm = Uu / sc[:, None]
    l1 = np.abs(bb).sum()
    f_a = W / l1 if l1 > W else 1.0
    a = bb * f_a
    T = X @ Wm.T
    H = np.maximum(T, 0.0)
    r = H @ a - y
    L = p @ (r * r)
    g_r = 2.0 * p * r
    g_a = H.T @ g_r
    g_W = ((g_r[:, None] * (T > 0)) * a).T @ X  # (k, d)
    over = n > 1.0
    g_W[over] = (g_W[over] - Wm[over] * (g_W[over] * Wm[over]).sum(axis=1, keepdims=True)) / n[over, None]
    if l1 > W:
        g_a = f_a * (g_a - (g_a @ a) / W * np.sign(bb))
    return L, np.concatenate([g_W.ravel(), g_a])


def _k_unpack(theta, d, k, W):
    Wm = project_ball(theta[: k * d].reshape(k, d))
    bb = theta[k * d:]
    l1 = np.abs(bb).sum()
    return Wm, bb * (W / l1 if l1 > W else 1.0)


def polish_krelu(prob, Wm, a, W, maxiter=300):
    """L-BFGS on (units, output weights) with w_j = u_j / max(1, ||u_j||), a = b min(1, W/||b||_1)."""
    k, d = Wm.shape
    res = minimize(_k_obj, np.concatenate([np.ravel(Wm), np.ravel(a)]), args=(prob.X, prob.y, prob.p, k, W),
                   jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
    W2, a2 = _k_unpack(res.x, d, k, W)
    return W2, a2, prob.mean_loss_k(W2, a2)


def _incumbent_k(prob, k, W, n_restarts, rng, deadline, clock):
    d = prob.n_features
    best = (np.zeros((k, d)), np.zeros(k), prob.ysq)
    with progress.task("learner incumbent: L-BFGS starts", total=max(1, n_restarts), unit="start") as bar:
        for r in range(max(1, n_restarts)):
            if r and deadline is not None and clock() > deadline:
                break
            W0 = _ball_points(rng, k, d)
            a0 = rng.uniform(-1.0, 1.0, k)
            a0 *= W / max(np.abs(a0).sum(), 1e-300)
            cand = polish_krelu(prob, W0, a0, W)
            if cand[2] < best[2]:
                best = cand
            bar.advance(1, postfix=f"best mean loss {best[2]:.6g}")
    return best


@limit_blas_threads(1)
def learn_krelu(X, y, sample_weight=None, *, eps, k=2, W=1.0, time_limit=None, seed=None, n_restarts=20, m=None,
                incumbent=True, assume_realizable=False):
    """Properly learn f(x) = sum_j a_j relu(w_j . x), ||w_j|| <= 1, ||a||_1 <= W (Algorithm B).

    Parameters
    ----------
    X, y, sample_weight : training data (mean loss with p_i = c_i / sum c)
    eps : float
        Additive error on the mean loss.
    k : int >= 2
    W : float > 0
    time_limit : float or None
    seed : int or None
    n_restarts : int
        Random restarts of the L-BFGS incumbent.
    m : int or None
        Force the PCA subspace dimension.
    incumbent : bool
        Run the L-BFGS incumbent (default). False starts from the zero
        network (U = mean y^2): slower, used to exercise the net alone.
    assume_realizable : bool
        Promise OPT = 0 and use the radius sqrt(eps) / W (design note §4,
        "U = 0 if realizable"): a far smaller net. The loss bound
        L <= OPT + eps then rests on the promise; the certified lower bound
        does not (it only uses the covering radius).

    Returns
    -------
    LearnResult (method "net")

    Notes
    -----
    With delta' = sqrt(U + eps) - sqrt(U) the net has radius delta' / W, so
    |N| <= 2^(4.22 W^2 / delta'^2) and the search scores |N|^k / k! tuples
    (k = 2: closed-form QP; k >= 3: face enumeration, 3^k + 2^k - 2 small
    systems per tuple), plus O(|N|^2 N) for the Gram blocks.
    Realizable: 2^(4.22 k W^2 / eps) poly(N, d); agnostic with labels in
    [0, 1]: 2^(24.6 k W^2 / eps^2) poly(N, d).
    """
    clock = time.perf_counter
    t0 = clock()
    eps = _check_eps(eps)
    time_limit = _check_time(time_limit)
    seed = check_seed(seed)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise InvalidParameterError(f"learn_krelu needs an integer k >= 2, got {k!r}")
    k = int(k)
    W = float(W)
    if not (W > 0 and math.isfinite(W)):
        raise InvalidParameterError(f"W must be a positive finite number, got {W!r}")
    deadline = None if time_limit is None else t0 + time_limit
    prob = prepare(X, y, sample_weight)
    R2 = prob.scale**2
    eps_s = eps / R2
    rng = as_generator(seed)
    if incumbent:
        Wm, a, U = _incumbent_k(prob, k, W, n_restarts, rng, deadline, clock)
    else:
        Wm, a, U = np.zeros((k, prob.n_features)), np.zeros(k), prob.ysq
    extra = {"incumbent_mean_loss": U * R2, "mean_y2": prob.ysq * R2}

    def finish(Wm, a, *, complete, lb, statement, delta=None, m_=None, n=0, lg=None, tuples=0):
        Wm = project_ball(Wm)
        l1 = np.abs(a).sum()
        a = a * (W / l1 if l1 > W else 1.0)
        extra["tuples"] = tuples
        return LearnResult(weights=Wm, output_weights=np.asarray(a, dtype=np.float64),
                           mean_loss=prob.mean_loss_k(Wm, a) * R2, total_weight=prob.total_weight, method="net",
                           mode="net", eps=eps, complete=complete,
                           certified_lower_bound=None if lb is None else max(0.0, lb) * R2, delta=delta, m=m_,
                           lattice_size=n, planned_size_log2=lg, nodes=0, seconds=clock() - t0, seed=seed,
                           scale=prob.scale, k=k, W=W, statement=statement, extra=extra)

    if U <= eps_s:
        return finish(Wm, a, complete=True, lb=0.0, statement="incumbent loss <= eps, certified since OPT >= 0")
    delta = radius_for(0.0 if assume_realizable else U, eps_s)
    extra["assume_realizable"] = bool(assume_realizable)
    du = delta / W * (1.0 - 1e-9)
    mm, h, lg = adaptive_params(du, prob.s, prob.rank, m=m)
    if 2.0**lg * prob.n_samples > 4 * _MAX_F:
        return finish(Wm, a, complete=False, lb=None, delta=delta, m_=mm, lg=lg,
                      statement=f"incomplete: planned net of 2^{lg:.1f} points is too large to hold its activations")
    C = np.concatenate(list(iter_lattice(h)))
    n_net = C.shape[0]
    if n_net * prob.n_samples > _MAX_F:
        return finish(Wm, a, complete=False, lb=None, delta=delta, m_=mm, n=n_net, lg=lg,
                      statement="incomplete: the net's activation matrix exceeds the memory cap")
    F = np.maximum(prob.Z[:, :mm] @ C.T, 0.0)
    nz = np.abs(F).max(axis=0) > 0
    F, C = F[:, nz], C[nz]
    if F.shape[1]:
        _, first = np.unique(F.T, axis=0, return_index=True)
        first.sort()
        F, C = F[:, first], C[first]
    n = F.shape[1]
    extra["distinct_units"] = n
    Fp = F * prob.p[:, None]
    bvec = Fp.T @ prob.y
    best = (0.0, None, None)  # (q, indices, a); q = 0 is the zero network
    tuples, complete = 0, True
    # progress: the k-multisets of the n distinct net units, C(n + k - 1, k) of them, each scored once
    bar = progress.start(f"learner {k}-ReLU net: unit tuples scored", total=math.comb(n + k - 1, k) if n else None,
                         unit="tuple")
    if n and k == 2:
        bi = max(1, (1 << 22) // max(n, 1))
        diag = (F * Fp).sum(axis=0)
        for i0 in range(0, n, bi):
            I = np.arange(i0, min(n, i0 + bi))
            G = Fp[:, I].T @ F[:, i0:]
            J = np.arange(i0, n)
            q = l1_qp2(diag[I][:, None], G, diag[None, i0:], bvec[I][:, None], bvec[None, i0:], W, values_only=True)
            q[J[None, :] < I[:, None]] = np.inf
            tuples += int(I.size * (2 * (n - i0) - I.size + 1) // 2)
            bar.advance(int(I.size * (2 * (n - i0) - I.size + 1) // 2))
            r, c = np.unravel_index(int(np.argmin(q)), q.shape)
            if q[r, c] < best[0]:
                i, j = int(I[r]), int(J[c])
                a1, a2, qv = l1_qp2(diag[i], G[r, c], diag[j], bvec[i], bvec[j], W)
                best = (float(qv), (i, j), np.array([float(a1), float(a2)]))
            if deadline is not None and clock() > deadline:
                complete = False
                break
    elif n:
        G = Fp.T @ F
        for head in itertools.combinations_with_replacement(range(n), k - 1):
            J = np.arange(head[-1], n)
            idx = np.concatenate([np.tile(np.array(head), (J.size, 1)), J[:, None]], axis=1)
            Gs = G[idx[:, :, None], idx[:, None, :]]
            av, q = l1_qp(Gs, bvec[idx], W)
            tuples += J.size
            bar.advance(int(J.size))
            i = int(np.argmin(q))
            if q[i] < best[0]:
                best = (float(q[i]), tuple(int(v) for v in idx[i]), av[i])
            if deadline is not None and clock() > deadline:
                complete = False
                break
    bar.close()
    if best[1] is not None:
        idx = list(best[1])
        Wn = project_ball(C[idx] @ prob.V[:, :mm].T)
        an = best[2]
        if k > len(idx):
            Wn = np.vstack([Wn, np.zeros((k - len(idx), prob.n_features))])
            an = np.concatenate([an, np.zeros(k - len(idx))])
        cands = [(U, Wm, a), (prob.mean_loss_k(Wn, an), Wn, an)]
        W2, a2, L2 = polish_krelu(prob, Wn, an, W)
        cands.append((L2, W2, a2))
        _, Wb, ab = min(cands, key=lambda t: t[0])
    else:
        Wb, ab = Wm, a
    if not complete:
        return finish(Wb, ab, complete=False, lb=None, delta=delta, m_=mm, n=n_net, lg=lg, tuples=tuples,
                      statement="incomplete: time limit before all tuples were scored; no certificate")
    r_cov = covering_radius(prob.s, h, mm)
    Lmin = best[0] + prob.ysq
    slack = 1e-12 * (prob.ysq + W * W * (float(F.max()) ** 2 if n else 0.0) + abs(best[0]))
    lb = max(0.0, math.sqrt(max(Lmin - slack, 0.0)) - W * r_cov) ** 2
    extra["covering_radius"] = r_cov
    return finish(Wb, ab, complete=True, lb=lb, delta=delta, m_=mm, n=n_net, lg=lg, tuples=tuples,
                  statement="certified: loss <= OPT + eps over ||w_j|| <= 1, ||a||_1 <= W, and OPT >= LB")
