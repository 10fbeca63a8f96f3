"""Exact single-ReLU minimum by branch-and-bound over activation signs, for any data.

Uses no reduction theorem and no shape assumption (unlike
:mod:`reluhard.solvers.relu_bnb`, which needs one non-zero per positive-label
point). Loss: L(w) = sum_i c_i (relu(x_i.w) - y_i)^2 over a box lo <= w <= hi
that contains a global minimiser (the training set's ``meta['box']``).

Terms
-----
With t = x_i.w, the term g_i(t) = (max(0, t) - y_i)^2 is convex when
y_i <= 0 and is never branched on. A point with y_i > 0 is *branchable*; a
node of the search fixes some of them **active** (x_i.w >= 0: term
(t - y_i)^2) or **inactive** (x_i.w <= 0: term y_i^2). A fix on a point with
one non-zero coordinate tightens the box; any other fix is a linear
constraint. On the node's box every t lies in [l_i, u_i] (interval
arithmetic); a point with l_i >= 0 or u_i <= 0 is decided by the box alone.
An undecided point (l_i < 0 < u_i) gets the convex envelope env_i of g_i on
[l_i, u_i]:

* with u = (l - y) + sqrt(l (l - 2y)) and b = y + u (0 <= b <= y), the line
  through (l, y^2) tangent to (t - y)^2 at b has slope 2u <= 0; when b <= u_i,
  env(t) = y^2 + 2u (t - l) for t <= b and (t - y)^2 for t >= b;
* when b > u_i, env is the secant through (l, y^2) and (u_i, (u_i - y)^2).

**Validity** (env <= g on [l, u_i]). On [l, 0] g = y^2 and env is
non-increasing from env(l) = y^2. On [0, u_i] g = (t - y)^2 is convex, so it
lies above each of its tangents: in the first case env is that tangent up to
b and g itself after it. In the secant case, the tangent of (t - y)^2 at
u_i meets t = l at h(u_i) > h(b) = y^2 (h(p) = (p-y)^2 + 2(p-y)(l-p) has
h'(p) = 2(l - p) < 0), so the secant is flatter than that tangent and lies
below it, hence below g, on [l, u_i]. With l = -inf, env = max(0, t - y)^2.
Each env is convex on the whole line (a line continued by a tangent parabola,
or a line), so the node objective F(w) = sum of fixed, undecided and
y <= 0 terms is convex on R^d and F <= L on the node's region R.

Node bound
----------
Terms with y_i < 0 have a kink at t = 0; for them we use, for every t and
any theta in [0, 1], c (max(0, t) - y)^2 >= c y^2 + theta s t with
s = -2 c y > 0 (t > 0: -2cyt >= theta s t; t <= 0: theta s t <= 0), on the
points whose t is within 1e-7 of 0 at ŵ. For *any* point ŵ (whatever the
optimiser returned), the gradient g of the remaining terms at ŵ, the node's
general constraints A w >= 0 and any multipliers lam >= 0,

    F(w) >= F'(ŵ) + g'.(w - ŵ) - lam.(A w) >= F'(ŵ) - g'.ŵ + sum_k min(h_k lo_k, h_k hi_k),
    h = g' - A^T lam

(F', g': F and g with the kinks linearised at 0) for every w in R: a
rigorous lower bound. Second-order bound: F - (1/2) w'Hw is convex for
H = 2 sum_{active} c_i x_i x_i' (the active terms are quadratics), so with
box multipliers nu >= 0 on the bounds ŵ sits at and
b = h - nu_lo + nu_hi, min over R^d of the Lagrangian gives
F'(ŵ) - lam.(A ŵ) - nu_lo.(ŵ - lo) - nu_hi.(hi - ŵ) - b'H^{-1}b / 2 when H is
positive definite (tight to the square of the optimiser's residual, which is
what closes a cell at its minimum). The node bound is the larger of the two;
lam and theta come from the dual of the LP min g'.w + s.r over the box,
A w >= 0, r >= k.w, r >= 0 (HiGHS; the bounds are valid for any multipliers,
so the LP's accuracy only affects tightness; an LP reported infeasible
closes the node as empty). ŵ minimises F over R (L-BFGS-B with box bounds
only, SLSQP with general constraints); its true loss is an upper bound.
A node whose bound reaches the incumbent (relative 1e-9) is pruned; a node
with no undecided point is a convex cell (F = L on R) and closes, after a
polishing solve if its bound is below the incumbent. Branching: the
undecided point with the largest weighted gap c_i (g_i - env_i) at ŵ, the
side ŵ suggests first, depth first. ``proven_optimal`` when the search closed
with loss - dual_bound <= 1e-5 + 1e-7 |loss| (the tolerance of the SCIP path).
"""

import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import linprog, minimize

from reluhard import progress
from reluhard.errors import InvalidParameterError
from reluhard.threads import limit_blas_threads

from ._loss import best_single_start, loss_only
from ._timeout import Budget
from .base import FitResult, as_problem, box_arrays

__all__ = ["fit_generic_bnb", "envelope"]

_LBFGS = {"gtol": 1e-10, "ftol": 1e-14, "maxiter": 3000, "maxcor": 30}
_SLSQP = {"ftol": 1e-13, "maxiter": 500}
#: polishing of near-optimal leaves, so that their bound meets the incumbent as closely as double precision allows
_FINE = {"ftol": 1e-16, "maxiter": 3000}
_TOL = 1e-9


def _hull(y, l, u):
    """(brk, s, e) of the convex envelope of (max(0, t) - y)^2 on [l, u] (y > 0, l < 0 < u, l may be -inf):
    (t - y)^2 for t >= brk, the line s t + e below (brk = inf: the secant)."""
    fin = np.isfinite(l)
    lf = np.where(fin, l, -1.0)
    uu = np.where(fin, (lf - y) + np.sqrt(lf * (lf - 2 * y)), 0.0)  # b - y, in [-y, 0]
    b = y + uu
    tangent = (b <= u) | ~fin
    uf = np.where(np.isfinite(u), u, 1.0)
    s_sec = ((uf - y) ** 2 - y * y) / np.where(uf - lf > 0, uf - lf, 1.0)
    s = np.where(tangent, 2 * uu, s_sec)
    e = np.where(fin, y * y - s * lf, 0.0)
    return np.where(tangent, b, np.inf), s, e


def envelope(t, y, l, u):
    """Convex envelope of (max(0, t) - y)^2 on [l, u] (y > 0, l < 0 < u), evaluated at t, and its slope.

    Vectorised over equal-shaped arrays; l may be -inf. See the module docstring.
    """
    t, y, l, u = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (t, y, l, u)))
    brk, s, e = _hull(y, l, u)
    q = t >= brk
    return np.where(q, (t - y) ** 2, s * t + e), np.where(q, 2 * (t - y), s)


class _Node:
    __slots__ = ("lo", "hi", "cons", "w0", "depth")

    def __init__(self, lo, hi, cons, w0, depth):
        self.lo, self.hi, self.cons, self.w0, self.depth = lo, hi, cons, w0, depth


class _Problem:
    def __init__(self, X, y, c):
        self.X = X.toarray()
        self.Xp, self.Xm = np.maximum(self.X, 0.0), np.minimum(self.X, 0.0)
        self.y, self.c = y, c
        self.pos = y > 0
        nnz = (self.X != 0).sum(axis=1)
        self.single = nnz == 1
        self.single_col = np.argmax(self.X != 0, axis=1)

    def intervals(self, lo, hi):
        with np.errstate(invalid="ignore"):
            tl = np.nan_to_num(self.Xp @ np.where(np.isfinite(lo), lo, -1e300), nan=-np.inf) + self.Xm @ np.where(np.isfinite(hi), hi, 1e300)
            tu = self.Xp @ np.where(np.isfinite(hi), hi, 1e300) + self.Xm @ np.where(np.isfinite(lo), lo, -1e300)
        return tl, tu

    def classify(self, lo, hi, fixed):
        """Per point: +1 active (term (t-y)^2), -1 inactive (y^2), 0 undecided (envelope), 2 convex (y <= 0)."""
        tl, tu = self.intervals(lo, hi)
        st = np.where(self.pos, 0, 2).astype(np.int8)
        st[self.pos & (tl >= 0)] = 1
        st[self.pos & (tu <= 0)] = -1
        for i, s in fixed:
            if st[i] == 0:
                st[i] = s
        return st, tl, tu

    def pieces(self, st, tl, tu):
        """Per point (brk, s, e): the node's term is (t - y)^2 for t >= brk, s t + e below (module docstring)."""
        y = self.y
        brk = np.where(st == 2, 0.0, np.where(st == 1, -np.inf, np.inf))
        s = np.zeros_like(y)
        e = y * y
        u = np.flatnonzero(st == 0)
        if u.size:
            brk[u], s[u], e[u] = _hull(y[u], tl[u], tu[u])
        return brk, s, e

    def fun(self, w, pc):
        """F(w), its gradient and t = X w for the node pieces ``pc``; also the per-point derivative."""
        brk, s, e = pc
        t = self.X @ w
        q = t >= brk
        r = t - self.y
        val = np.where(q, r * r, s * t + e)
        der = np.where(q, 2 * r, s)
        cd = self.c * der
        return float(self.c @ val), self.X.T @ cd, t, val, der


@limit_blas_threads(1)
def fit_generic_bnb(data, *, time_limit=None, starts=(), meta=None, box=None, max_nodes=None):
    """Exact single-ReLU minimum by branch-and-bound over activation signs (see the module docstring).

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
        Any one-ReLU data (no bias column is added; a bias is an all-ones column).
    time_limit : float or None
        Wall-clock budget, checked at every node; when hit the result has
        complete=False and no dual bound.
    starts : iterable of Network
        Incumbents (any real networks; a good one prunes more).
    box : run-length box, {"lo", "hi"} dict, a float B, or None for ``meta['box']``
        Must contain a global minimiser (required).
    max_nodes : int or None
        Node budget (for tests), reported like the time limit.

    Returns
    -------
    FitResult(method="exact", extra engine "generic-bnb", nodes, leaves, root_bound (the root node's
    rigorous lower bound), pruned_by None).
    """
    X, y, c, meta = as_problem(data, meta)
    N, d = X.shape
    B = box_arrays(box if box is not None else meta.get("box"), d)
    if B is None:
        raise InvalidParameterError("the sign branch-and-bound needs a box containing a minimiser: the training set's meta has none; give box=B")
    budget = Budget(time_limit)
    t0 = time.perf_counter()
    prob = _Problem(X, y, c)
    best_L, best_w = best_single_start(X, y, c, starts, d)
    lo0, hi0 = B

    def solve(node, st, tl, tu, polish=False):
        lo, hi = node.lo, node.hi
        w0 = np.clip(node.w0, lo, hi)
        bounds = list(zip(lo, hi))
        pc = prob.pieces(st, tl, tu)
        f = lambda w: prob.fun(w, pc)[:2]  # noqa: E731
        A = np.array([s * prob.X[i] for i, s in node.cons]) if node.cons else np.zeros((0, d))
        if node.cons or polish:
            res = minimize(f, w0, jac=True, method="SLSQP", bounds=bounds, options=_FINE if polish else _SLSQP,
                           constraints=[{"type": "ineq", "fun": lambda w: A @ w, "jac": lambda w: A}] if node.cons else ())
        else:
            res = minimize(f, w0, jac=True, method="L-BFGS-B", bounds=bounds, options=_LBFGS)
        w = np.clip(res.x, lo, hi)
        F, g, t, val, der = prob.fun(w, pc)
        # kinks of y < 0 terms at t = 0: use c y^2 + theta s t (s = -2 c y, theta in [0, 1]) instead of the
        # gradient there, valid for every t (module docstring); theta and lam from the dual of the LP
        #   min g_rest.w + s.r  over the box, A w >= 0, r >= k.w, r >= 0
        kink = np.flatnonzero((st == 2) & (y < 0) & (np.abs(t) <= (1e-5 if polish else 1e-7) * max(1.0, float(np.abs(w).max()))))
        F_rest = F - float(c[kink] @ val[kink]) + float(c[kink] @ (y[kink] ** 2))
        K = prob.X[kink]
        g_rest = g - K.T @ (c[kink] * der[kink])
        sk = -2 * c[kink] * y[kink]
        lam, tsk = np.zeros(A.shape[0]), 0.5 * sk
        if A.shape[0] or kink.size:
            m, q = A.shape[0], kink.size
            A_ub = np.block([[-A, np.zeros((m, q))], [K, -np.eye(q)]])
            lp = linprog(np.concatenate([g_rest, sk]), A_ub=A_ub, b_ub=np.zeros(m + q),
                         bounds=bounds + [(0, None)] * q, method="highs")
            if lp.status == 2:
                return None  # the node's region is empty
            if lp.status == 0:
                mult = np.maximum(-lp.ineqlin.marginals, 0.0)
                lam, tsk = mult[:m], np.clip(mult[m:], 0.0, sk)
        gt = g_rest + K.T @ tsk  # a subgradient of the kink-linearised F at ŵ
        const = F_rest + float(tsk @ (K @ w))
        h = gt - A.T @ lam
        lb = const - float(gt @ w) + float(np.minimum(h * lo, h * hi).sum())
        # second-order bound: F - (1/2) w'Hw is convex for H = 2 sum_{active} c x x' (the active terms are
        # quadratics); with box multipliers nu on the bounds ŵ sits at, minimise the Lagrangian over R^d
        act = st == 1
        Xa = prob.X[act]
        H = 2.0 * (Xa.T * c[act]) @ Xa
        try:
            cf = cho_factor(H)
        except np.linalg.LinAlgError:
            return w, F, lb, t
        eps = 1e-9 * max(1.0, float(np.abs(w).max()))
        nu_lo = np.where(w - lo <= eps, np.maximum(h, 0.0), 0.0)
        nu_hi = np.where(hi - w <= eps, np.maximum(-h, 0.0), 0.0)
        bvec = h - nu_lo + nu_hi
        lb2 = (const - float(lam @ (A @ w)) - float(nu_lo @ np.where(nu_lo > 0, w - lo, 0.0))
               - float(nu_hi @ np.where(nu_hi > 0, hi - w, 0.0)) - 0.5 * float(bvec @ cho_solve(cf, bvec)))
        if np.isfinite(lb2):
            lb = max(lb, lb2)
        return w, F, lb, t

    root = _Node(lo0.copy(), hi0.copy(), (), best_w.copy() if best_w is not None else np.zeros(d), 0)
    stack = [(root, ())]
    nodes = leaves = pruned = 0
    dual = root_bound = np.inf
    complete = True
    bar = progress.start("exact (sign branch-and-bound)", total=None, unit="node")
    while stack:
        if budget.remaining() == 0 or (max_nodes is not None and nodes >= max_nodes):
            complete = False
            break
        node, fixed = stack.pop()
        nodes += 1
        if (node.lo > node.hi).any():
            continue  # empty box
        st, tl, tu = prob.classify(node.lo, node.hi, fixed)
        out = solve(node, st, tl, tu)
        if out is None:
            pruned += 1
            continue
        w, F, lb, t = out
        if node.depth == 0:
            root_bound = lb
        L = loss_only(X, y, c, w[None, :], np.ones(1))
        if L < best_L:
            best_L, best_w = L, w
        und = np.flatnonzero(st == 0)
        tol = _TOL * max(1.0, abs(best_L))
        if und.size == 0:
            leaves += 1
            if lb < best_L - tol:
                out = solve(_Node(node.lo, node.hi, node.cons, w, node.depth), st, tl, tu, polish=True)
                if out is not None:
                    L2 = loss_only(X, y, c, out[0][None, :], np.ones(1))
                    if L2 < best_L:
                        best_L, best_w = L2, out[0]
                lb = max(lb, out[2]) if out is not None else np.inf
            dual = min(dual, lb)
            bar.advance(1, postfix=f"best loss {best_L:.6g}")
            continue
        if lb >= best_L - tol:
            pruned += 1
            dual = min(dual, lb)
            bar.advance(1, postfix=f"best loss {best_L:.6g}")
            continue
        gv = (np.maximum(t[und], 0.0) - y[und]) ** 2
        ev, _ = envelope(t[und], y[und], tl[und], tu[und])
        gap = c[und] * (gv - ev)
        i = int(und[np.lexsort((-c[und], -gap))[0]])
        first = 1 if t[i] >= 0 else -1
        for s in (-first, first):  # pushed last = explored first
            lo, hi, cons = node.lo, node.hi, node.cons
            if prob.single[i]:
                j = prob.single_col[i]
                lo, hi = lo.copy(), hi.copy()
                if s * prob.X[i, j] > 0:
                    lo[j] = max(lo[j], 0.0)
                else:
                    hi[j] = min(hi[j], 0.0)
            else:
                cons = cons + ((i, s),)
            stack.append((_Node(lo, hi, cons, w, node.depth + 1), fixed + ((i, s),)))
        bar.advance(1, postfix=f"best loss {best_L:.6g}")
    bar.close()
    dual_out = min(dual, best_L) if complete and np.isfinite(best_L) else None
    proven = dual_out is not None and best_L - dual_out <= 1e-5 + 1e-7 * abs(best_L)
    w = best_w if best_w is not None else np.zeros(d)
    L = float(loss_only(X, y, c, w[None, :], np.ones(1)))
    return FitResult.exact_one_relu(
        w, loss=L, mean_loss=L / float(c.sum()), dual_bound=dual_out, proven=proven, complete=complete,
        seconds=time.perf_counter() - t0, open_status="gap",
        extra={"engine": "generic-bnb", "nodes": int(nodes), "leaves": int(leaves), "nodes_pruned": int(pruned),
               "pruned_by": None, "budget_hit": not complete,
               "root_bound": float(root_bound) if np.isfinite(root_bound) else None},
    )
