"""Certified best-first branch-and-bound over PCA coordinates (one ReLU).

Boxes c0 +- r in the coordinates c = V_m^T w, intersected with the unit
ball. For every w with ||w|| <= 1 and V_m^T w in the box,

    sqrt L(w) >= sqrt L(V_m V_m^T w) - s_{m+1}                     (L1 + L2)
    sqrt L(V_m c) >= max( sqrt(interval bound), sqrt L(V_m c0) - ||S r|| )

where the interval bound is sum_i p_i dist(y_i, [relu(lo_i), relu(hi_i)])^2
with [lo_i, hi_i] = z_i . c0 -+ |z_i| . r, and the Lipschitz bound is L1 with
||X V_m (c - c0)||_N = ||S (c - c0)|| <= ||S r||.
"""

import numpy as np

from reluhard import progress

from ._problem import project_ball

#: the search box's volume is shown in this many units (a complete search settles all of them)
VOLUME_UNITS = 1000

__all__ = ["branch_and_bound"]

_SAFE = 1.0 - 1e-12  # relative safety factor on float64 root bounds


def _bounds(Zm, absZ, y, p, S, tail, C0, R):
    """(lower bound on L over each box, L at each centre) for boxes (C0, R)."""
    P = Zm @ C0.T
    Rho = absZ @ R.T
    Yc = y[:, None]
    dist = np.maximum(np.maximum(P - Rho, 0.0) - Yc, 0.0) + np.maximum(Yc - np.maximum(P + Rho, 0.0), 0.0)
    lb_int = p @ (dist * dist)
    np.maximum(P, 0.0, out=P)
    P -= Yc
    Lc = p @ (P * P)
    lip = np.sqrt(Lc) - np.sqrt(((R * S) ** 2).sum(axis=1))
    root = np.maximum(np.sqrt(lb_int), lip) * _SAFE - tail
    return np.maximum(root, 0.0) ** 2, Lc


def branch_and_bound(prob, eps, w_inc, L_inc, m, *, deadline=None, clock=None, polish=None,
                     max_open=2_000_000, batch=256, max_polish=50):
    """Best-first branch-and-bound to a certified eps-gap.

    Parameters
    ----------
    prob : Problem
    eps : float
        Target gap on the mean loss (rescaled units).
    w_inc, L_inc : incumbent (feasible, ||w_inc|| <= 1) and its mean loss
    m : int
        Subspace dimension (<= prob.rank); if m < rank the tail correction
        (sqrt LB - s_{m+1})_+^2 is applied.
    deadline, clock : optional time limit (clock() compared with deadline)
    polish : callable w -> (w, L) or None
        Local improvement of new best centres (upper bounds only).
    max_open : int
        Stop (incomplete) when more boxes are open.

    Returns
    -------
    dict with keys w (best feasible), ub, lb (certified lower bound on OPT),
    complete (lb >= ub - eps), nodes, open, reason.

    Notes
    -----
    Each batch costs O(N m B) for B boxes; the worst case is like the lattice:
    with m = rank a box closes once ||S r|| <= sqrt(UB) - sqrt(UB - eps).
    """
    Zm = np.ascontiguousarray(prob.Z[:, :m])
    absZ = np.abs(Zm)
    S = prob.s[:m]
    tail = prob.tail(m)
    y, p, V = prob.y, prob.p, prob.V[:, :m]
    ub, best_w = float(L_inc), np.asarray(w_inc, dtype=np.float64)
    pruned_lb = np.inf
    n_polish = 0
    C = np.zeros((1, m))
    R = np.ones((1, m))
    lb, Lc = _bounds(Zm, absZ, y, p, S, tail, C, R)
    nodes = 1
    reason = "closed"

    def consider(Cn, Lcn):
        nonlocal ub, best_w, n_polish
        inside = (Cn * Cn).sum(axis=1) <= 1.0
        if not inside.any():
            return
        i = np.flatnonzero(inside)[np.argmin(Lcn[inside])]
        if Lcn[i] < ub:
            w = project_ball(V @ Cn[i])
            L = prob.mean_loss(w)
            if L < ub:
                ub, best_w = L, w
            if polish is not None and n_polish < max_polish:
                n_polish += 1
                w2, L2 = polish(w)
                if L2 < ub:
                    ub, best_w = L2, w2

    consider(C, Lc)
    # progress: the fraction of the search box [-1, 1]^m settled (pruned, or outside the unit ball); the
    # open boxes' volume is sum prod R (the root box has prod R = 1), so a closed search settles all of it
    bar = progress.start("learner bnb: search box settled", total=VOLUME_UNITS, unit="‰")
    show = progress.active()
    while True:
        if show:
            settled = int(VOLUME_UNITS * max(0.0, 1.0 - float(np.prod(R, axis=1).sum()))) if lb.size else VOLUME_UNITS
            bar.advance(settled - bar.done, postfix=f"{nodes} boxes, {lb.size} open, UB - LB "
                        f"{ub - min(pruned_lb, float(lb.min()) if lb.size else np.inf):.3g} (eps {eps:.3g})")
        keep = lb < ub - eps
        if not keep.all():
            pruned_lb = min(pruned_lb, float(lb[~keep].min()))
            C, R, lb = C[keep], R[keep], lb[keep]
        if lb.size == 0:
            break
        if deadline is not None and clock() > deadline:
            reason = "time limit"
            break
        if lb.size > max_open:
            reason = "open-box limit"
            break
        nb = min(lb.size, max(batch, lb.size // 64))
        sel = np.argpartition(lb, nb - 1)[:nb] if nb < lb.size else np.arange(lb.size)
        rest = np.ones(lb.size, dtype=bool)
        rest[sel] = False
        Cs, Rs = C[sel], R[sel]
        j = np.argmax(Rs * S, axis=1)
        rows = np.arange(nb)
        half = Rs[rows, j] / 2.0
        Rn = np.repeat(Rs, 2, axis=0)
        Rn[np.arange(2 * nb), np.repeat(j, 2)] = np.repeat(half, 2)
        Cn = np.repeat(Cs, 2, axis=0)
        Cn[np.arange(2 * nb), np.repeat(j, 2)] += np.tile([-1.0, 1.0], nb) * np.repeat(half, 2)
        # drop boxes that miss the unit ball
        q = np.clip(0.0, Cn - Rn, Cn + Rn)
        feas = (q * q).sum(axis=1) <= 1.0 + 1e-12
        Cn, Rn = Cn[feas], Rn[feas]
        lbn, Lcn = _bounds(Zm, absZ, y, p, S, tail, Cn, Rn)
        nodes += Cn.shape[0]
        consider(Cn, Lcn)
        C = np.concatenate([C[rest], Cn])
        R = np.concatenate([R[rest], Rn])
        lb = np.concatenate([lb[rest], lbn])
    if show and lb.size == 0:
        bar.advance(VOLUME_UNITS - bar.done)
    bar.close()
    lb_all = min(pruned_lb, float(lb.min()) if lb.size else np.inf)
    lb_all = min(lb_all, ub)
    return {
        "w": best_w,
        "ub": ub,
        "lb": lb_all,
        "complete": lb.size == 0,
        "nodes": nodes,
        "open": int(lb.size),
        "reason": reason,
    }

