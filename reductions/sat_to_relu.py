"""R1: 3-SAT -> training one ReLU (square loss).

Training a single ReLU f(x) = relu(w . x) to minimise the weighted square
loss is NP-hard: a 3-CNF phi on n variables and m clauses becomes a training
set whose minimum loss is exactly n when phi is satisfiable and at least
n + 1/(4 + 4/T^2) otherwise; with a certified number u of falsified clauses
the gap grows linearly in u ([GKMR21]_, Theorem 1; constants as proved in
``docs/reductions/sat-relu.md``).

Column layout: column 0 is the anchor e_0 (its weight acts as the bias), column
i is variable i (1..n).

Gadgets (the rows of the training set, in this order)

=======================  =====  ======  =================================
point                    label  weight  name
=======================  =====  ======  =================================
e_0                      1      T^2     anchor gadget
e_i and -e_i, i = 1..n   1      1 each  variable gadget of x_i
z_C = -sum s_l e_i - 2e_0 0     1       clause gadget of C (literals s_l x_i)
=======================  =====  ======  =================================

Maps
----
forward : phi -> (X, y, c) above.
lift    : assignment alpha -> w_0 = 1, w_i = +1 if alpha_i else -1.
          Claim (a): L(lift alpha) = n + #falsified(alpha).
decode  : any w -> alpha_i = [w_i > 0] (ties false).
bounds  : completeness c(u) = n + u (lift of an optimal assignment);
          soundness s(u) = n                                   if u = 0,
                           n + u / (1 + 3 min(B, u) + 4u/T^2)  if u >= 1,
          where u = min #falsified clauses and B = max occurrences of a variable.
guarantee (decoder, claim (f)): with F = clauses falsified by decode(w) and B_F the
          largest number of F-clauses sharing a variable,
          |F| / (1 + 3 B_F + 4|F|/T^2) <= L(w) - n.

Variants: ``plain`` (soundness at the certified u, else at the always-true
promise u >= 1), ``gap`` (requires a certified u; states the gap bound and the
decoder guarantee), ``normalized`` (same integer data; meta carries the exact
unit-ball scale x' = x/sqrt(7), y' = y/(sqrt(7) sqrt(n+1)) and the normalised
additive gap eps = (s(u_NO) - n)/Z, Z = 7 (n+1)(T^2 + 2n + m), u_NO = max(u, 1)).

References
----------
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight Hardness
   Results for Training Depth-2 ReLU Networks. ITCS 2021.

Examples
--------
>>> from pysat.formula import CNF
>>> from reluhard.data import exact_loss
>>> phi = CNF(from_clauses=[[1, 2, 3], [-1, 2, -3]])
>>> img = REDUCTION.apply(phi)
>>> exact_loss(img.target, img.lift([1, -2, 3]))   # n + #falsified = 3 + 0
Fraction(3, 1)
"""

from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from reluhard.data import Network, TrainingSet, frac, frac_str
from reluhard.errors import InvalidParameterError

from reluhard.structures.cnf import as_bool_assignment, clause_matrix, falsified_mask, instance_meta, n_vars, to_dimacs_assignment
from .base import Bounds, ExactPolicy, Guarantee, Option, Reduction
from .sources import MAXSAT

__all__ = [
    "REDUCTION",
    "forward",
    "lift",
    "decode",
    "bounds",
    "soundness_bound",
    "decoder_guarantee",
    "tight_witness",
    "normalisation",
    "provable_box",
    "cell_lower_bounds",
    "EXACT",
]

OPTIONS = (
    Option("variant", "choice", "plain", "plain | gap | normalized", choices=("plain", "gap", "normalized")),
    Option("T2", "rational", None, "anchor weight T^2 (default m; rational, > 0)", minimum=Fraction(0)),
    Option("min-unsat", "int", None, "certified min #falsified clauses u (default: from the instance's certificate)", minimum=0),
)


# ---------------------------------------------------------------- parameters

def params(cnf, raw):
    """Validate options and derive instance-dependent values (T^2 = m by default)."""
    C = clause_matrix(cnf, 3)
    n, m = n_vars(cnf), C.shape[0]
    A = np.abs(C)
    if C.size and A.max() > n:
        raise InvalidParameterError(f"formula declares {n} variables but uses variable {int(A.max())}")
    T2 = raw["T2"] if raw["T2"] is not None else Fraction(max(m, 1))
    if T2 <= 0:
        raise InvalidParameterError(f"--T2 must be > 0, got {frac_str(T2)}")
    u, u_source = raw["min_unsat"], "flag"
    if u is None:
        u, u_source = _certified_u(cnf, C, n)
    if raw["variant"] == "gap" and u is None:
        raise InvalidParameterError(
            "variant gap needs a certified number of falsified clauses: min_unsat=U (on the command line --min-unsat U) "
            "(e.g. from 'reluhard solve sat') or use an instance with a certificate"
        )
    occ = np.bincount(A.ravel(), minlength=n + 1) if C.size else np.zeros(n + 1, dtype=np.int64)
    return {
        "variant": raw["variant"],
        "T2": T2,
        "min_unsat": u,
        "min_unsat_source": u_source if u is not None else None,
        "n": n,
        "m": m,
        "B": int(occ.max()) if occ.size else 0,
        "_C": C,
    }


def _certified_u(cnf, C, n):
    """u from the instance metadata: a planted satisfying assignment certifies u = 0."""
    meta = instance_meta(cnf)
    cert = MAXSAT.planted_witness(meta)
    if cert:
        alpha = as_bool_assignment(cert, n)
        if not falsified_mask(C, alpha).any():
            return 0, "planted assignment"
    # A bare metadata value is an assumption, not a certificate (it may be forged): no bound,
    # box or claim rests on it; forward() records it under meta["assumptions"] (reluhard.verdicts).
    return None, None


def assumed_min_unsat(cnf):
    """The uncertified ``min_unsat`` of the instance metadata (an assumption), or None."""
    u = instance_meta(cnf).get("min_unsat")
    return u if isinstance(u, int) and not isinstance(u, bool) and u >= 0 else None


# ---------------------------------------------------------------- gadgets

def anchor_gadget(n, T2):
    """e_0 with label 1 and weight T^2."""
    return np.array([0]), np.array([1]), [T2]


def variable_gadgets(n):
    """Rows e_i, -e_i (i = 1..n), label 1, weight 1: together 1 + (|w_i| - 1)^2 >= 1."""
    cols = np.repeat(np.arange(1, n + 1), 2)
    vals = np.tile(np.array([1, -1]), n)
    return cols, vals


def clause_gadgets(C, cols=None, vals=None):
    """Rows z_C = -sum_{l in C} s_l e_{i(l)} - 2 e_0, label 0: relu(z_C . w)^2 is 1 at a lift iff C is falsified.

    Returns their (m, 4) column and value blocks (column 0 first), written into ``cols`` and
    ``vals`` when given (views into the training set's CSR arrays: no intermediate copies).
    """
    m = C.shape[0]
    cols = np.empty((m, 4), dtype=np.int64) if cols is None else cols
    vals = np.empty((m, 4), dtype=np.int64) if vals is None else vals
    cols[:, 0] = 0
    np.abs(C, out=cols[:, 1:])
    vals[:, 0] = -2
    np.sign(C, out=vals[:, 1:])
    np.negative(vals[:, 1:], out=vals[:, 1:])
    return cols, vals


# ---------------------------------------------------------------- the four maps

def forward(cnf, p):
    """phi -> exact training set (1 + 2n + m rows, n + 1 columns, 1 + 2n + 4m non-zeros)."""
    n, m, T2, C = p["n"], p["m"], p["T2"], p["_C"]
    # CSR rows in order: the anchor e_0, the 2n variable rows, the m clause rows (4 entries each)
    indptr = np.concatenate([np.arange(2 * n + 2, dtype=np.int64), 1 + 2 * n + 4 * np.arange(1, m + 1, dtype=np.int64)])
    indices = np.empty(1 + 2 * n + 4 * m, dtype=np.int64)
    data = np.empty(1 + 2 * n + 4 * m, dtype=np.int64)
    indices[0], data[0] = 0, 1
    indices[1:1 + 2 * n], data[1:1 + 2 * n] = variable_gadgets(n)
    clause_gadgets(C, indices[1 + 2 * n:].reshape(m, 4), data[1 + 2 * n:].reshape(m, 4))
    X = sp.csr_matrix((data, indices, indptr), shape=(1 + 2 * n + m, n + 1))
    y = np.concatenate([np.ones(1 + 2 * n, dtype=np.int64), np.zeros(m, dtype=np.int64)])
    den = T2.denominator
    sw = np.concatenate([[T2.numerator], np.full(2 * n + m, den, dtype=np.int64)]).astype(np.int64, copy=False)
    meta = {
        "reduction": "sat-relu",
        "variant": p["variant"],
        "data_type": "r1",
        "layout": "column 0 = anchor, column i = variable i",
        "options": {"variant": p["variant"], "T2": frac_str(T2), "min_unsat": p["min_unsat"]},
        "n_vars": n,
        "n_clauses": m,
        "max_occurrence": p["B"],
    }
    b = bounds(cnf, p, {} if p["min_unsat"] is None else {"min_unsat": p["min_unsat"]})
    meta["bounds"] = b.to_json()
    if p["min_unsat"] is None and assumed_min_unsat(cnf) is not None:
        meta["bounds"]["assumptions"]["metadata_min_unsat"] = {
            "value": assumed_min_unsat(cnf), "status": "assumption: uncertified instance metadata, not used by any bound or box"}
    meta["box"] = provable_box(p, b.completeness if p["min_unsat"] is not None else n + m)
    if p["variant"] == "normalized":
        meta.update(normalisation(p))
    return TrainingSet(X, y, sw, den, meta)


def lift(cnf, p, assignment):
    """assignment -> intended network w_0 = 1, w_i = +-1 (exact integers)."""
    alpha = as_bool_assignment(assignment, p["n"])
    w = np.concatenate([[1], np.where(alpha, 1, -1)]).astype(object)
    return Network(w[None, :], np.array([1], dtype=object))


def decode(cnf, p, network):
    """Any single-ReLU network -> assignment alpha_i = [w_i > 0] (ties go to false)."""
    W = np.asarray(network.weights)
    if W.shape != (1, p["n"] + 1):
        raise InvalidParameterError(f"sat-relu decodes a single ReLU on {p['n'] + 1} inputs, got weights of shape {W.shape}")
    return to_dimacs_assignment(np.array([v > 0 for v in W[0, 1:]], dtype=bool))


def value(cnf, assignment):
    """#clauses the assignment falsifies (the combinatorial objective, minimised)."""
    C = clause_matrix(cnf, 3)
    return int(falsified_mask(C, as_bool_assignment(assignment, n_vars(cnf))).sum())


# ---------------------------------------------------------------- certified bounds

def soundness_bound(n, u, B, T2):
    """Certified lower bound on min L when every assignment falsifies >= u clauses.

    s(0) = n; for u >= 1, s(u) = n + u / (1 + 3 min(B, u) + 4u/T^2).
    From (★) with F' = any u of the falsified clauses, whose B_F' <= min(B, u).
    """
    n, T2 = Fraction(n), frac(T2)
    if u == 0:
        return n
    return n + Fraction(u) / (1 + 3 * min(B, u) + Fraction(4 * u) / T2)


def bounds(cnf, p, cert):
    """Completeness and soundness at the certified u (or at the promise u >= 1)."""
    n, B, T2 = p["n"], p["B"], p["T2"]
    u = cert.get("min_unsat", p["min_unsat"])
    if u is None:
        return Bounds(
            completeness=Fraction(n),
            soundness=soundness_bound(n, 1, B, T2),
            assumptions={"min_unsat": None, "promise": "completeness if satisfiable; soundness if unsatisfiable (u >= 1)", "B": B, "T2": frac_str(T2)},
            statement="satisfiable => min L = n; unsatisfiable => min L >= n + 1/(4 + 4/T^2)",
        )
    return Bounds(
        completeness=Fraction(n + u),
        soundness=soundness_bound(n, u, B, T2),
        assumptions={"min_unsat": u, "B": B, "T2": frac_str(T2), "source": p.get("min_unsat_source") or "certificate"},
        statement=(
            "min L = n (satisfiable)" if u == 0 else
            f"min #falsified = {u} => n + u/(1 + 3 min(B,u) + 4u/T^2) <= min L <= n + u"
        ),
    )


def decoder_guarantee(cnf, p, network, loss, cert=None, *, tol=1e-9):
    """Claim (f): |F| / (1 + 3 B_F + 4|F|/T^2) <= L(w) - n for F = falsified(decode w)."""
    C, n, T2 = p["_C"], p["n"], p["T2"]
    alpha = as_bool_assignment(decode(cnf, p, network), n)
    F = falsified_mask(C, alpha)
    k = int(F.sum())
    if k == 0:
        return Guarantee(0, 0, True, "decoded assignment satisfies every clause")
    BF = int(np.bincount(np.abs(C[F]).ravel()).max())
    need = Fraction(k) / (1 + 3 * BF + Fraction(4 * k) / T2)
    slack = (float(loss) if not isinstance(loss, Fraction) else loss) - n
    holds = (slack >= need) if isinstance(slack, Fraction) else (slack >= float(need) - tol * max(1.0, abs(float(loss))))
    # the bound on |F| implied by the loss (when 4(L-n) < T^2)
    Lm = float(slack)
    impl = (1 + 3 * BF) * Lm / (1 - 4 * Lm / float(T2)) if 4 * Lm < float(T2) else float("inf")
    return Guarantee(k, impl, bool(holds), f"|F| = {k}, B_F = {BF}: needs L - n >= {float(need):.6g}, has {Lm:.6g}")


def cell_lower_bounds(X, y, c, signs):
    """Claim (★) on closed sign orthants: a lower bound on L over each cell (for pruning).

    For the orthant with column signs ``sigma`` (a row of ``signs``, shape
    (S, n + 1), entries +-1), F = the clauses falsified by sigma's assignment
    and B_F = the largest number of F-clauses sharing a variable:

        L(w) >= n + |F| / (1 + 3 B_F + 4|F|/T^2)   for every w in the cell,
        L(w) >= n + T^2                             when sigma_0 < 0 (w_0 <= 0).

    The proof of (★) (module docstring, ``docs/reductions/sat-relu.md``) holds
    on the closed orthant because it uses only the signs of the w_i. Read from
    this module's own column layout (column 0 = anchor, column i = variable i;
    rows: anchor, 2n variable gadgets, m clause gadgets).

    Returns
    -------
    numpy array of shape (S,), or None when the data are not sat-relu-shaped.
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
    return np.where(signs[:, 0] < 0, n + T2, b)


def _n_vars_of(ts):
    return ts.n_features - 1


#: ``--method exact`` on sat-relu data: a search over the 2^(n+1) convex sign cells (§2 of the
#: design note) - by default the theorem-free branch-and-bound (solvers/relu_bnb.py), with
#: ``--prune`` orthant enumeration pruned by :func:`cell_lower_bounds`; the sweep policy runs it
#: to n = 8 unpruned and to n = 13 pruned (conventions §11)
EXACT = ExactPolicy(method="exact", size_name="n", size=_n_vars_of, limit=8, pruned_limit=13, cell_bound_claim="claim (★)",
                    fitter_options={"orthant": True})


def tight_witness(cnf, p, assignment):
    """Claim (d) tightness: for an assignment falsifying exactly one clause, a network
    with L = n + 1/(4 + 4/T^2) exactly (the u = 1 soundness value)."""
    C, n, T2 = p["_C"], p["n"], p["T2"]
    alpha = as_bool_assignment(assignment, n)
    F = np.flatnonzero(falsified_mask(C, alpha))
    if F.size != 1:
        raise InvalidParameterError(f"tight_witness needs an assignment falsifying exactly one clause, this one falsifies {F.size}")
    r = 1 / (4 + 4 / T2)
    w = np.array([Fraction(1)] + [Fraction(1) if a else Fraction(-1) for a in alpha], dtype=object)
    for v in np.abs(C[F[0]]):
        w[v] *= 1 - r
    w[0] = 1 + 2 * r / T2
    return Network(w[None, :], np.array([Fraction(1)], dtype=object))


def provable_box(p, U):
    """A box that contains a global minimiser, from an upper bound U >= min L.

    L >= n + (|w_i| - 1)^2 gives |w_i| <= 1 + sqrt(U - n); T^2 (w_0 - 1)^2 <= U - n
    gives w_0 <= 1 + sqrt((U - n)/T^2); and setting a negative w_0 to 0 never
    increases L, so some minimiser has w_0 >= 0. Padded by 1e-3. Stored
    run-length encoded: [[lo, hi, count], ...] over the columns.
    """
    n, T2 = p["n"], p["T2"]
    r = float(np.sqrt(max(float(frac(U)) - n, 0.0)))
    pad = 1e-3
    return [[-pad, 1 + r / float(np.sqrt(float(T2))) + pad, 1], [-(1 + r) - pad, 1 + r + pad, n]]


def normalisation(p):
    """Exact unit-ball scale and the normalised additive gap eps (§1.3).

    eps separates the YES value n from the certified NO bound at
    u_NO = u when the instance certifies u >= 1, else at the always-true
    promise u_NO = 1: eps = (s(u_NO) - n) / Z.
    """
    n, m, T2 = p["n"], p["m"], p["T2"]
    R2 = 7 if m else 1
    Z = R2 * (n + 1) * (T2 + 2 * n + m)
    u_no = p["min_unsat"] if p["min_unsat"] else 1
    eps = (soundness_bound(n, u_no, p["B"], T2) - n) / Z
    return {
        "scale": {"x_sq": frac_str(Fraction(1, R2)), "y_sq": frac_str(Fraction(1, R2 * (n + 1)))},
        "normalisation": {
            "R2": R2,
            "w_star_norm_sq": n + 1,
            "Z": frac_str(Z),
            "statement": "mean_loss(normalised w/||w*||) = L(w)/Z; every x' in the unit ball; ||lift/||w*|| || = 1",
        },
        "eps": frac_str(eps),
        "eps_u": u_no,
        "eps_float": float(eps),
    }


REDUCTION = Reduction(
    name="sat-relu",
    source=MAXSAT,
    source_kind="cnf",
    target_kind="relu",
    forward=forward,
    lift=lift,
    decode=decode,
    params=params,
    bounds=bounds,
    value=value,
    guarantee=decoder_guarantee,
    options=OPTIONS,
    exact=EXACT,
    cell_bound=cell_lower_bounds,
    explain="reluhard.explain:explain_sat_relu",
    summary="3-SAT -> one ReLU: min loss n iff satisfiable, >= n + u/(1 + 3 min(B,u) + 4u/T^2) with u falsified",
)
