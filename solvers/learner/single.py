"""Algorithm A: the proper learner for one ReLU, with its practical modes.

Modes (all start from the incumbent of multi-restart projected L-BFGS):

``net``      the full truncated lattice at the radius that gives eps
             (Algorithm A); complete => L(w^) <= OPT + eps and
             OPT >= (sqrt(L_min) - delta)_+^2.
``anytime``  coarse-to-fine lattice levels (planned size x4 per level); every
             completed level certifies a lower bound, the last one gives eps.
``bnb``      certified best-first branch-and-bound (recommended).
"""

import math
import time

import numpy as np

from reluhard import progress
from reluhard.errors import InvalidParameterError
from reluhard.seeding import check_seed
from reluhard.threads import limit_blas_threads

from ._problem import Scorer, U32, incumbent_relu, polish_relu, prepare, project_ball
from .bnb import branch_and_bound
from .lattice import adaptive_params, covering_radius, iter_lattice, worst_case_params
from .result import LearnResult

__all__ = ["learn_relu", "MODES", "radius_for"]

MODES = ("bnb", "net", "anytime")
#: per-block working set of the float32 scorer (entries of the N x B matrix)
_BLOCK_ENTRIES = 1 << 22


def radius_for(U, eps):
    """delta(U) = sqrt(U + eps) - sqrt(U) (lemma L1): a root-loss radius worth eps above OPT <= U."""
    return math.sqrt(U + eps) - math.sqrt(U)


def _check_eps(eps):
    try:
        eps = float(eps)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"eps must be a positive number, got {eps!r}") from None
    if not (eps > 0 and math.isfinite(eps)):
        raise InvalidParameterError(f"eps must be a positive finite number, got {eps!r}")
    return eps


def _check_time(time_limit):
    if time_limit is None:
        return None
    t = float(time_limit)
    if not t > 0:
        raise InvalidParameterError(f"time limit must be positive, got {time_limit!r}")
    return t


def _float_safe_radius(prob, U, eps, eta_max):
    """Radius for the lattice such that the float32 argmin still has L <= OPT + eps.

    With the scorer's slack (eta, gamma) the winner w satisfies
    sqrt L(w) <= (sqrt OPT + delta_cov + eta)(1 + gamma) + eta, so
    delta_cov <= (delta - gamma sqrt U - (2 + gamma) eta) / (1 + gamma) suffices.
    """
    N = prob.n_samples
    nu = (N + 3) * (2.0**-53 if N * U32 > 1e-2 else U32) + 3 * U32
    gamma = nu / (1.0 - nu)
    delta = radius_for(U, eps)
    d_used = (delta - gamma * math.sqrt(U) - (2.0 + gamma) * eta_max) / (1.0 + gamma)
    if d_used <= 0.5 * delta:
        raise InvalidParameterError(f"eps = {eps:g} is below the float32 scoring precision on this instance")
    return delta, d_used


def scan_lattice(prob, m, h, *, deadline=None, clock=time.perf_counter, block=None, planned=None,
                 desc="learner net: points scored"):
    """Score every point of the lattice N(h) in the first m PCA coordinates.

    ``planned`` (the lemma's bound on |N(h)|, e.g. ``ceil(2 ** log2_planned_size(h))``) is the measure of the
    progress line ``desc``: points scored out of the planned bound (a complete scan ends at |N(h)| <= planned).

    Returns
    -------
    dict: complete (bool), c (best point, (m,)), L (its float32 score),
    root_lb (certified min over the scanned points of sqrt L), n (points scored).
    """
    scorer = Scorer(prob, m)
    if block is None:
        block = max(256, _BLOCK_ENTRIES // max(1, prob.n_samples))
    best_L, best_c, root_lb, n = np.inf, np.zeros(m), np.inf, 0
    complete = True
    bar = progress.start(desc, total=planned, unit="point")
    for Cb in iter_lattice(h, block=block):
        L = scorer.losses(Cb)
        i = int(np.argmin(L))
        if L[i] < best_L:
            best_L, best_c = float(L[i]), Cb[i].copy()
        root_lb = min(root_lb, float(scorer.root_lower(L[i])))
        n += Cb.shape[0]
        bar.advance(Cb.shape[0], postfix=f"best score {best_L:.6g}")
        if deadline is not None and clock() > deadline:
            complete = False
            break
    bar.close()
    return {"complete": complete, "c": best_c, "L": best_L, "root_lb": root_lb, "n": n}


def _planned(lg):
    """The planned net size as a whole number of points (the progress total), from its log2."""
    return max(1, math.ceil(2.0 ** min(lg, 1023.0)))


@limit_blas_threads(1)
def learn_relu(X, y, sample_weight=None, *, eps, mode="bnb", time_limit=None, seed=None,
               params="adaptive", m=None, n_restarts=20, max_open=2_000_000, incumbent=True):
    """Properly learn one ReLU x -> relu(w . x), ||w|| <= 1, to additive mean-loss error eps.

    Parameters
    ----------
    X : array-like or sparse (N, d)
    y : array-like (N,)
    sample_weight : array-like (N,), positive, optional
        The loss is the mean with probabilities p_i = c_i / sum c.
    eps : float
        Additive error on the mean loss, in the units of the data as given.
    mode : {"bnb", "net", "anytime"}
    time_limit : float or None
        Seconds for the whole run (incumbent included). A run cut short has
        ``complete = False``.
    seed : int or None
        Seeds the L-BFGS restarts; the rest is deterministic.
    params : {"adaptive", "worst-case"}
        Lattice parameters of the net modes (section 3 of the design note).
    m : int or None
        Force the PCA subspace dimension (default: smallest planned net).
    n_restarts : int
        Random restarts of the incumbent search.
    max_open : int
        Branch-and-bound stops (incomplete) above this many open boxes.
    incumbent : bool
        Run the L-BFGS incumbent and polish winners (default). False starts
        from w = 0 (U = mean y^2) and never polishes: the bare algorithm.

    Returns
    -------
    LearnResult
        ``complete`` is True iff L(w) <= OPT + eps is certified, with
        ``certified_lower_bound`` <= OPT.

    Raises
    ------
    InvalidParameterError
        Bad eps, mode, params, time limit or data.

    Notes
    -----
    Time: SVD O(N d min(N, d)) plus, for ``net``, |N| O(N m) with
    |N| <= 2^(4.22 / delta^2) (worst-case parameters) and
    delta = sqrt(U + eps) - sqrt(U) >= eps / (1 + sqrt 2) when U, eps <= 1.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    >>> r = learn_relu(X, np.array([0.5, 0.0, 0.3]), eps=1e-3, seed=0)
    >>> r.complete and r.mean_loss <= r.certified_lower_bound + 1e-3
    True
    """
    clock = time.perf_counter
    t0 = clock()
    eps = _check_eps(eps)
    time_limit = _check_time(time_limit)
    seed = check_seed(seed)
    if mode not in MODES:
        raise InvalidParameterError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if params not in ("adaptive", "worst-case"):
        raise InvalidParameterError(f"params must be 'adaptive' or 'worst-case', got {params!r}")
    deadline = None if time_limit is None else t0 + time_limit
    prob = prepare(X, y, sample_weight)
    if m is not None and not 0 <= int(m) <= prob.rank:
        raise InvalidParameterError(f"m must be in [0, rank = {prob.rank}], got {m}")
    R2 = prob.scale**2
    eps_s = eps / R2
    if incumbent:
        w, U, runs = incumbent_relu(prob, n_restarts=n_restarts, seed=seed, deadline=deadline, clock=clock)
    else:
        w, U, runs = np.zeros(prob.n_features), prob.ysq, 0
    extra = {"incumbent_mean_loss": U * R2, "incumbent_restarts": runs, "mean_y2": prob.ysq * R2}
    common = dict(total_weight=prob.total_weight, mode=mode, eps=eps, seed=seed, scale=prob.scale,
                  k=1, W=None, extra=extra)

    def finish(w, L, *, method, complete, lb, statement, delta=None, m_=None, n=0, lg=None, nodes=0):
        w = project_ball(w)
        L = prob.mean_loss(w)
        return LearnResult(weights=w[None, :] if w.ndim == 1 else w, output_weights=np.ones(1),
                           mean_loss=L * R2, method=method, complete=complete,
                           certified_lower_bound=None if lb is None else max(0.0, lb) * R2,
                           delta=delta, m=m_, lattice_size=n, planned_size_log2=lg, nodes=nodes,
                           seconds=clock() - t0, statement=statement, **common)

    method = "bnb" if mode == "bnb" else "net"
    if U <= eps_s:
        return finish(w, U, method=method, complete=True, lb=0.0,
                      statement="incumbent loss <= eps, certified since OPT >= 0")
    if deadline is not None and clock() > deadline:
        return finish(w, U, method=method, complete=False, lb=None,
                      statement="time limit reached during the incumbent search: no certificate")
    def polish(v):
        return polish_relu(prob, v) if incumbent else (v, prob.mean_loss(v))

    if mode == "bnb":
        delta = radius_for(U, eps_s)
        mm = adaptive_params(delta, prob.s, prob.rank)[0] if m is None else int(m)
        out = branch_and_bound(prob, eps_s, w, U, mm, deadline=deadline, clock=clock,
                               polish=polish if incumbent else None,
                               max_open=max_open)
        done = out["complete"]
        extra.update({"open_boxes": out["open"], "stopped_by": out["reason"], "tail": prob.tail(mm)})
        st = (f"certified: OPT >= LB and loss <= LB + eps (branch-and-bound closed, {out['nodes']} boxes)"
              if done else f"incomplete ({out['reason']}): OPT >= LB is still proven, gap = UB - LB")
        return finish(out["w"], out["ub"], method="bnb", complete=done, lb=out["lb"], statement=st,
                      delta=delta, m_=mm, nodes=out["nodes"])

    eta_max = 1.01 * ((prob.rank + 4) * U32 + U32 * float(np.abs(prob.y).max()))

    def plan(U_):
        delta, d_used = _float_safe_radius(prob, U_, eps_s, eta_max)
        if params == "worst-case":
            mm, h = worst_case_params(d_used, prob.s, prob.rank)
            from .lattice import log2_planned_size
            return delta, d_used, mm, h, log2_planned_size(h)
        return (delta, d_used) + tuple(adaptive_params(d_used, prob.s, prob.rank, m=m))

    if mode == "net":
        delta, d_used, mm, h, lg = plan(U)
        out = scan_lattice(prob, mm, h, deadline=deadline, clock=clock, planned=_planned(lg),
                           desc="learner net: points scored of the planned bound")
        extra["covering_radius"] = covering_radius(prob.s, h, mm)
        wl = project_ball(prob.V[:, :mm] @ out["c"])
        w2, L2 = polish(wl)
        cands = [(U, w), (prob.mean_loss(wl), wl), (L2, w2)]
        Lb, wb = min(cands, key=lambda t: t[0])
        if not out["complete"]:
            return finish(wb, Lb, method="net", complete=False, lb=None, delta=delta, m_=mm, n=out["n"], lg=lg,
                          statement="incomplete: time limit before the whole net was scored; no certificate")
        lb = max(0.0, out["root_lb"] - extra["covering_radius"]) ** 2
        return finish(wb, Lb, method="net", complete=True, lb=lb, delta=delta, m_=mm, n=out["n"], lg=lg,
                      statement="certified: loss <= OPT + eps (complete net) and OPT >= (sqrt(L_min) - delta)_+^2")

    # anytime: coarse-to-fine levels, planned size x4 per level
    lb, n_total, level, levels = 0.0, 0, 0, []
    log2_target = 12.0
    while True:
        delta, d_used, mm, h, lg = plan(U)
        final = lg <= log2_target
        if not final:
            lo, hi = d_used, 2.0
            for _ in range(50):  # smallest radius whose planned size fits the level
                mid = math.sqrt(lo * hi)
                if adaptive_params(mid, prob.s, prob.rank, m=m)[2] <= log2_target:
                    hi = mid
                else:
                    lo = mid
            mm, h, lg = adaptive_params(hi, prob.s, prob.rank, m=m)
        out = scan_lattice(prob, mm, h, deadline=deadline, clock=clock, planned=_planned(lg),
                           desc=f"learner anytime level {level + 1}{' (final)' if final else ''}: points scored")
        n_total += out["n"]
        wl = project_ball(prob.V[:, :mm] @ out["c"])
        for wc in (wl, polish(wl)[0]):
            Lc = prob.mean_loss(wc)
            if Lc < U:
                U, w = Lc, wc
        if not out["complete"]:
            break
        r_cov = covering_radius(prob.s, h, mm)
        lb = max(lb, max(0.0, out["root_lb"] - r_cov) ** 2)
        levels.append({"log2_planned": lg, "points": out["n"], "radius": r_cov, "lower_bound": lb * R2,
                       "upper_bound": U * R2, "seconds": clock() - t0})
        level += 1
        if final or U - lb <= eps_s:
            extra["levels"] = levels
            return finish(w, U, method="net", complete=True, lb=lb, delta=delta, m_=mm, n=n_total, lg=lg,
                          statement=f"certified after {level} level(s): loss <= OPT + eps, OPT >= LB")
        log2_target += 2.0
    extra["levels"] = levels
    return finish(w, U, method="net", complete=False, lb=lb if levels else None, delta=delta, m_=mm,
                  n=n_total, lg=lg,
                  statement=(f"incomplete: time limit in level {level + 1}; " +
                             ("OPT >= LB from the completed levels" if levels else "no level completed, no certificate")))
