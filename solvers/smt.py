"""Exact realizability of a sum of k ReLUs by SMT (z3, QF_LRA).

Question: is there a network f(x) = sum_{j=1..k} a_j relu(w_j . x) with
f(x_i) = y_i on every training point (total loss exactly 0)? By homogeneity
(a relu(w.x) = (a/t) relu(t w.x) for t > 0) every output weight can be taken
in {-1, +1} (a_j = 0 is w_j = 0 with either sign), and ReLUs of equal sign are
interchangeable, so only the number p of positive output weights matters:
k + 1 sign patterns, each one linear-real-arithmetic problem

    for every point i and ReLU j:  r_ij >= 0,  r_ij >= w_j . x_i,
                                   (r_ij = 0  or  r_ij = w_j . x_i),
                                   sum_j a_j r_ij = y_i,

with same-sign ReLUs ordered by their first weight (symmetry breaking; some
permutation of any solution satisfies it).

Patterns skipped with a proof (each skip is recorded in the result):

* p = 0 when some label is > 0 (then f <= 0), p = k when some label is < 0;
* p = 1 when the data contain a *defect witness*: a 0/1 point 1_S, |S| >= 2,
  whose unit vectors e_v (v in S) are all points with labels y_v > 0 and
  sum_v y_v > y_S. With exactly one positive a_p, f(e_v) > 0 forces
  w_pv > 0 on S, so the defect D_p(S) is 0 and the identity
  sum_v f(e_v) - f(1_S) = sum_j a_j D_j(S) makes the left side <= 0
  (``docs/reductions/sat-krelu.md`` §3, the design note's "exactly one
  positive output weight is never consistent"). Every ``hypergraph-krelu``
  training set with an edge has one.

Every ``sat`` model is re-checked in exact rational arithmetic (a failure
raises :class:`~reluhard.errors.ReductionCheckFailed`); ``unsat`` in every
remaining pattern is a proof that no network attains loss 0 (it says nothing
about the infimum, which need not be attained). A time limit is passed to
z3's own ``timeout``; when it runs out the answer is ``realizable=None``,
``complete=False``.
"""

import time
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from reluhard.data import Network, TrainingSet
from reluhard import progress
from reluhard.errors import InvalidParameterError, ReductionCheckFailed

from .base import FitResult, as_problem, require

__all__ = ["fit_smt", "check_pattern", "exact_rows", "defect_witness", "skipped_patterns"]


# ---------------------------------------------------------------- exact data

def exact_rows(data):
    """The training points as exact rationals: (list of (cols, values), labels, weights).

    A :class:`TrainingSet` is used as is; float arrays (e.g. from an ``.npz``) are
    converted value by value with ``Fraction(float)``, which is exact.
    Duplicate points are merged; two equal points with different labels make the
    data unrealizable, reported as ``conflict=True``.
    """
    if isinstance(data, TrainingSet):
        X, y = data.X.tocsr(), [Fraction(int(v)) for v in data.y]
        c = [data.weight(i) for i in range(data.n_samples)]
        conv = int
    else:
        X, yf, cf, _ = as_problem(data)
        y, c, conv = [Fraction(float(v)) for v in yf], [Fraction(float(v)) for v in cf], float
    X = sp.csr_matrix(X)
    X.sum_duplicates()
    X.eliminate_zeros()
    seen, rows, labels, weights, conflict = {}, [], [], [], False
    for i in range(X.shape[0]):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        key = (tuple(X.indices[lo:hi].tolist()), tuple(Fraction(conv(v)) for v in X.data[lo:hi]))
        if key in seen:
            j = seen[key]
            conflict |= labels[j] != y[i]
            weights[j] += c[i]
            continue
        seen[key] = len(rows)
        rows.append(key)
        labels.append(y[i])
        weights.append(c[i])
    return rows, labels, weights, conflict


def defect_witness(rows, labels):
    """Index of a point 1_S (|S| >= 2) with every e_v, v in S, a point of label y_v > 0 and
    sum_v y_v > y_S; None if there is none (then p = 1 is not skipped)."""
    unit = {}
    for (cols, vals), y in zip(rows, labels):
        if len(cols) == 1 and vals[0] == 1 and y > 0:
            unit[cols[0]] = y
    for i, ((cols, vals), y) in enumerate(zip(rows, labels)):
        if len(cols) >= 2 and all(v == 1 for v in vals) and all(c in unit for c in cols):
            if sum(unit[c] for c in cols) > y:
                return i
    return None


def skipped_patterns(k, rows, labels):
    """{p: reason} for the numbers of positive output weights excluded by a proof."""
    out = {}
    if any(y > 0 for y in labels):
        out[0] = "some label > 0 but f <= 0 without a positive output weight"
    if any(y < 0 for y in labels):
        out[k] = "some label < 0 but f >= 0 without a negative output weight"
    w = defect_witness(rows, labels)
    if w is not None and 1 not in out:
        out[1] = (f"point {w} is a defect witness 1_S: exactly one positive output weight is never "
                  "consistent (docs/reductions/sat-krelu.md §3)")
    return out


# ---------------------------------------------------------------- one pattern

def _rat(z3, v):
    v = z3.simplify(v)
    if not z3.is_rational_value(v):  # pragma: no cover - QF_LRA models are rational
        raise ReductionCheckFailed(f"z3 returned a non-rational value {v}")
    return Fraction(v.numerator_as_long(), v.denominator_as_long())


def check_pattern(rows, labels, n_features, n_pos, n_neg, *, timeout_ms=None, symmetry=True, seed=0, band=None):
    """Decide realizability with ``n_pos`` output weights +1 and ``n_neg`` output weights -1.

    With ``band`` = rho (a positive rational) the question is instead whether
    some network has every residual strictly inside (-rho, rho); ``unsat`` then
    proves that every network has a residual of size >= rho, so loss >= rho^2
    (the quantitative soundness checks of ``hypergraph-krelu --variant normalized``).

    Returns
    -------
    (status, network) : status "sat" (network exact, checked by the caller),
        "unsat" or "unknown" (timeout); network None unless "sat".
    """
    z3 = require("z3", "z3-solver")
    k = n_pos + n_neg
    a = [1] * n_pos + [-1] * n_neg
    used = sorted({c for cols, _ in rows for c in cols})
    W = [{c: z3.Real(f"w_{j}_{c}") for c in used} for j in range(k)]
    s = z3.SolverFor("QF_LRA")
    s.set("random_seed", int(seed))
    if timeout_ms is not None:
        s.set("timeout", max(1, int(timeout_ms)))
    for i, ((cols, vals), y) in enumerate(zip(rows, labels)):
        terms = []
        for j in range(k):
            z = z3.Sum([W[j][c] * z3.RealVal(v) for c, v in zip(cols, vals)]) if cols else z3.RealVal(0)
            r = z3.Real(f"r_{i}_{j}")
            s.add(r >= 0, r >= z, z3.Or(r == 0, r == z))
            terms.append(a[j] * r)
        if band is None:
            s.add(z3.Sum(terms) == z3.RealVal(y) if terms else z3.RealVal(y) == 0)
        else:
            out = z3.Sum(terms) if terms else z3.RealVal(0)
            s.add(out - z3.RealVal(y) < z3.RealVal(band), z3.RealVal(y) - out < z3.RealVal(band))
    if symmetry and used:
        c0 = used[0]
        for lo, hi in ((0, n_pos), (n_pos, k)):
            for j in range(lo, hi - 1):
                s.add(W[j][c0] <= W[j + 1][c0])
    res = s.check()
    if res == z3.sat:
        m = s.model()
        Wx = np.zeros((k, n_features), dtype=object)
        Wx[:] = Fraction(0)
        for j in range(k):
            for c in used:
                Wx[j, c] = _rat(z3, m.eval(W[j][c], model_completion=True))
        return "sat", Network(Wx, np.array([Fraction(v) for v in a], dtype=object))
    return ("unsat" if res == z3.unsat else "unknown"), None


def _residuals(rows, labels, net):
    """f(x_i) - y_i for every point, in exact rationals."""
    W, a = net.weights, net.output_weights
    out = []
    for (cols, vals), y in zip(rows, labels):
        pre = [sum((W[j, c] * v for c, v in zip(cols, vals)), Fraction(0)) for j in range(W.shape[0])]
        out.append(sum((a[j] * max(z, 0) for j, z in enumerate(pre)), Fraction(0)) - y)
    return out


# ---------------------------------------------------------------- the fitter

def fit_smt(data, *, k=None, time_limit=None, seed=0, symmetry=True, skip_proved=True, meta=None):
    """Decide exactly whether a k-ReLU network fits the data with loss 0.

    Parameters
    ----------
    data : TrainingSet or (X, y, sample_weight[, meta])
        Float arrays are read as exact binary rationals.
    k : int, optional
        Number of ReLUs (default: ``meta["k"]``).
    time_limit : float, optional
        Seconds for the whole run, passed to z3 as each check's timeout
        (the time still left).
    seed : int
        z3's random seed (results are deterministic for a fixed seed).
    symmetry : bool
        Order same-sign ReLUs by their first weight.
    skip_proved : bool
        Skip the sign patterns excluded by a proof (:func:`skipped_patterns`).

    Returns
    -------
    FitResult
        ``realizable`` True with an exact network of loss 0 (re-checked in
        Fractions, ``proven_optimal``), False when every pattern is ``unsat``
        (no network attains loss 0), None when the time limit cut in
        (``complete`` False). In the last two cases ``network`` is the zero
        network with its exact loss sum_i c_i y_i^2 (an upper bound only).
        ``extra["patterns"]`` lists each pattern's status and seconds.

    Notes
    -----
    Each pattern has k (d + N) real variables and N k disjunctions for N
    distinct points and d used columns; z3's worst case is exponential in N k.
    Tiny ``hypergraph-krelu`` instances (<= 14 vertices, k <= 5) take
    milliseconds to seconds per pattern.

    Examples
    --------
    >>> from reluhard.reductions.hypergraph_to_krelu import REDUCTION
    >>> from reluhard.generators.hypergraphs import Hypergraph
    >>> ts = REDUCTION.apply(Hypergraph(3, [(0, 1), (1, 2), (0, 2)]), k=2).target
    >>> fit_smt(ts).realizable
    False
    """
    t0 = time.perf_counter()
    if isinstance(data, TrainingSet):
        meta = dict(data.meta if meta is None else meta)
        n_features = data.n_features
    else:
        X, _, _, meta = as_problem(data, meta)
        n_features = X.shape[1]
    if k is None:
        k = meta.get("k")
    if k is None or isinstance(k, bool) or int(k) < 1:
        raise InvalidParameterError(f"smt needs the number of ReLUs k >= 1 (keyword k; on the command line --k), got {k!r}")
    k = int(k)
    rows, labels, weights, conflict = exact_rows(data)
    patterns, statuses = [], []
    skip = skipped_patterns(k, rows, labels) if skip_proved else {}
    net = None
    if conflict:
        patterns.append({"positives": None, "status": "unsat", "reason": "two equal points with different labels"})
        statuses.append("unsat")
    else:
        bar = progress.start("z3 sign patterns", total=k + 1, unit="pattern")
        for n_pos in range(k, -1, -1):
            bar.advance(0 if n_pos == k else 1, postfix=f"checking {n_pos} positive output weight(s)")
            if n_pos in skip:
                patterns.append({"positives": n_pos, "status": "skipped", "reason": skip[n_pos]})
                continue
            left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
            if left is not None and left <= 0:
                patterns.append({"positives": n_pos, "status": "unknown", "reason": "time limit"})
                statuses.append("unknown")
                continue
            t1 = time.perf_counter()
            status, cand = check_pattern(rows, labels, n_features, n_pos, k - n_pos,
                                         timeout_ms=None if left is None else 1000 * left,
                                         symmetry=symmetry, seed=seed)
            patterns.append({"positives": n_pos, "status": status, "seconds": round(time.perf_counter() - t1, 6)})
            statuses.append(status)
            if status == "sat":
                res = _residuals(rows, labels, cand)
                if any(r != 0 for r in res):
                    raise ReductionCheckFailed("z3 model fails the exact re-check", counterexample=cand)
                net = cand
                break
        bar.close()
    extra = {"patterns": patterns, "symmetry_breaking": bool(symmetry)}
    dt = time.perf_counter() - t0
    if net is not None:
        return FitResult("smt", net, Fraction(0), 0.0, proven_optimal=True, dual_bound=0.0, realizable=True,
                         complete=True, seconds=dt, seed=seed, status="realizable", extra=extra)
    # No network attains loss 0 (or the budget ran out): report the zero network, an honest upper
    # bound with its exact loss, so the JSON keeps k rows of weights (conventions §7).
    zero = Network(np.full((k, n_features), Fraction(0), dtype=object), np.full(k, Fraction(1), dtype=object))
    zloss = sum((w * y * y for w, y in zip(weights, labels)), Fraction(0))
    mean = float(zloss / sum(weights, Fraction(0))) if weights else 0.0
    extra["network_note"] = "zero network: an upper bound only, not a minimiser"
    if "unknown" in statuses:
        return FitResult("smt", zero, zloss, mean, realizable=None, complete=False, seconds=dt, seed=seed,
                         status="timeout", extra=extra)
    return FitResult("smt", zero, zloss, mean, realizable=False, complete=True, seconds=dt, seed=seed,
                     status="unrealizable", extra=extra)
