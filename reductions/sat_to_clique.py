"""3-SAT -> Clique (kappa = m), a DkS source with a certified density gap.

One vertex per (clause, literal occurrence); two vertices are adjacent iff
they lie in different clauses and their literals are not complementary;
kappa = m. Then phi is satisfiable iff the graph has an m-clique ([Karp72]_),
and quantitatively (design note §6, proved in ``docs/reductions/dks-relu.md``):
if every assignment falsifies >= u clauses, every m-set misses >= u edges,
so the NO promise holds with **delta >= u / C(m,2)**; moreover
#falsified(decode S) <= missing(S) for every m-set S.

Vertex v is occurrence v in clause order (clause j's literals in file
order); ``G.graph["reluhard"]`` records ``groups`` (clause of each vertex),
``literals``, ``kappa = m`` and the certificate.

Maps
----
forward : phi -> clause-literal graph (sum |C_j| vertices, kappa = m).
lift    : assignment -> one vertex per clause: its first true literal (else its first literal).
          A satisfying assignment lifts to an m-clique.
decode  : any vertex set S -> assignment: one representative per clause meeting S
          (its smallest vertex); per variable the smaller of the two sides of
          complementary representatives goes to X; the other representatives
          are made true, remaining variables false.
certify : min #falsified u -> {max_edges = C} if u = 0, else
          {max_edges_upper = C - u, delta = u/C(m,2)} at kappa = m.

The chain ``sat-clique-relu`` composes this with dks-relu; its soundness is
c + u (delta C = u) at the certified u.

References
----------
.. [Karp72] R. M. Karp. Reducibility among combinatorial problems. 1972.
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. ITCS 2021.

Examples
--------
>>> from pysat.formula import CNF
>>> phi = CNF(from_clauses=[[1, 2, 3], [-1, -2, 3]])
>>> img = REDUCTION.apply(phi)
>>> G = img.target
>>> G.number_of_nodes(), G.number_of_edges(), G.graph["reluhard"]["kappa"]
(6, 7, 2)
>>> img.lift([1, -2, 3])   # first true literal per clause
[0, 4]
"""

from fractions import Fraction
from math import comb

import numpy as np

from reluhard.errors import InvalidParameterError

from . import dks_to_relu
from reluhard.structures.cnf import as_bool_assignment, instance_meta, n_vars, to_dimacs_assignment
from reluhard.structures.graph import check_vertex_set
from .base import Chain, Option, Reduction
from .sources import MAXSAT

__all__ = ["REDUCTION", "CHAIN", "forward", "lift", "decode", "value", "certify", "occurrences"]

OPTIONS = (
    Option("min-unsat", "int", None, "certified min #falsified clauses u (default: the formula's certificate, else the promise u >= 1)", minimum=0),
)


def occurrences(cnf):
    """(literals, groups): int64 arrays over the literal occurrences in clause order."""
    clauses = cnf.clauses
    lens = np.fromiter((len(c) for c in clauses), dtype=np.int64, count=len(clauses))
    if lens.size and lens.min() == 0:
        raise InvalidParameterError(f"clause {int(np.flatnonzero(lens == 0)[0]) + 1} is empty")
    lits = np.fromiter((l for c in clauses for l in c), dtype=np.int64, count=int(lens.sum()))
    groups = np.repeat(np.arange(len(clauses), dtype=np.int64), lens)
    return lits, groups


def _falsified(lits, groups, m, alpha):
    true_occ = alpha[np.abs(lits) - 1] == (lits > 0)
    sat = np.zeros(m, dtype=bool)
    sat[groups[true_occ]] = True
    return ~sat


def params(cnf, raw):
    """Validate the formula and read u (flag, else certificate, else the promise u >= 1)."""
    lits, groups = occurrences(cnf)
    n, m = n_vars(cnf), len(cnf.clauses)
    if m < 2:
        raise InvalidParameterError(f"sat-clique needs >= 2 clauses (kappa = m >= 2), got {m}")
    if lits.size and np.abs(lits).max() > n:
        raise InvalidParameterError(f"formula declares {n} variables but uses variable {int(np.abs(lits).max())}")
    u, source, assignment = raw["min_unsat"], "flag --min-unsat", None
    meta = instance_meta(cnf)
    cert = MAXSAT.planted_witness(meta)
    if cert:
        alpha = as_bool_assignment(cert, n)
        if not _falsified(lits, groups, m, alpha).any():
            assignment, u, source = to_dimacs_assignment(alpha), 0, "planted assignment"
    # a bare metadata min_unsat is an uncertified assumption: nothing rests on it (reluhard.verdicts)
    return {"n": n, "m": m, "kappa": m, "C": comb(m, 2), "min_unsat": u, "min_unsat_source": source if u is not None else None,
            "assignment": assignment, "_lits": lits, "_groups": groups}


def forward(cnf, p):
    """phi -> the clause-literal graph with its kappa and certificate in ``graph['reluhard']``.

    Notes
    -----
    N = sum |C_j| vertices; O(N^2) time (numpy over the C(N,2) pairs).
    """
    lits, groups = p["_lits"], p["_groups"]
    N = len(lits)
    a, b = np.triu_indices(N, 1)
    keep = (groups[a] != groups[b]) & (lits[a] != -lits[b])
    import networkx as nx  # here, not at import: every CLI command that lists the reductions loads this module

    G = nx.Graph()
    G.add_nodes_from(range(N))
    G.add_edges_from(zip(a[keep].tolist(), b[keep].tolist()))
    m, C, u = p["m"], p["C"], p["min_unsat"]
    if u == 0:
        cert = {"kappa": m, "max_edges": C, "source": p["min_unsat_source"]}
        if p["assignment"] is not None:
            cert["set"] = lift(cnf, p, p["assignment"])
    elif u is not None:
        cert = {"kappa": m, "max_edges_upper": C - u, "delta": str(Fraction(u, C)), "min_unsat": u, "source": p["min_unsat_source"]}
    else:
        cert = {"kappa": m, "delta": str(Fraction(1, C)), "source": "promise: u >= 1 if unsatisfiable (delta >= 1/C(m,2))"}
    G.graph["reluhard"] = {
        "generator": "sat-clique",
        "kappa": m,
        "groups": groups.tolist(),
        "literals": lits.tolist(),
        "certificate": cert,
    }
    return G


def lift(cnf, p, assignment):
    """assignment -> m vertices: the first true literal occurrence of each clause (else its first)."""
    lits, groups, m = p["_lits"], p["_groups"], p["m"]
    alpha = as_bool_assignment(assignment, p["n"])
    true_occ = alpha[np.abs(lits) - 1] == (lits > 0)
    first = np.full(m, -1, dtype=np.int64)
    idx = np.arange(len(lits))[::-1]  # reversed so the smallest index is written last
    first[groups[idx]] = idx
    first_true = np.full(m, -1, dtype=np.int64)
    t = idx[true_occ[idx]]
    first_true[groups[t]] = t
    return [int(v) for v in np.where(first_true >= 0, first_true, first)]


def decode(cnf, p, S):
    """Any vertex set -> DIMACS assignment with #falsified <= missing(S) when |S| = m."""
    lits, groups, n = p["_lits"], p["_groups"], p["n"]
    S = check_vertex_set(S, len(lits), "vertex set")
    _, first = np.unique(groups[S], return_index=True)
    reps = lits[S[first]]  # one literal per clause meeting S
    var, pos = np.abs(reps) - 1, reps > 0
    n_pos = np.bincount(var[pos], minlength=n)
    n_neg = np.bincount(var[~pos], minlength=n)
    # keep the larger side per variable (X = the smaller side covers every conflict)
    alpha = np.zeros(n, dtype=bool)
    keep_pos = n_pos >= n_neg
    alpha[keep_pos & (n_pos > 0)] = True
    return to_dimacs_assignment(alpha)


def value(cnf, assignment):
    """#clauses falsified by the assignment (minimised)."""
    lits, groups = occurrences(cnf)
    return int(_falsified(lits, groups, len(cnf.clauses), as_bool_assignment(assignment, n_vars(cnf))).sum())


def certify(cnf, p, cert):
    """{"min_unsat": u} -> the DkS certificate at kappa = m: delta >= u / C(m,2)."""
    u = cert.get("min_unsat", p["min_unsat"])
    m, C = p["m"], p["C"]
    if u is None:
        return {"kappa": m, "delta": Fraction(1, C)}
    if u == 0:
        return {"kappa": m, "max_edges": C}
    return {"kappa": m, "max_edges_upper": max(C - int(u), 0), "delta": Fraction(min(int(u), C), C), "min_unsat": int(u)}


REDUCTION = Reduction(
    name="sat-clique",
    source=MAXSAT,
    source_kind="cnf",
    target_kind="graph",
    forward=forward,
    lift=lift,
    decode=decode,
    params=params,
    certify=certify,
    value=value,
    options=OPTIONS,
    summary="3-SAT -> Clique (kappa = m): u falsified clauses => every m-set misses >= u edges (delta >= u/C(m,2))",
)

CHAIN = Chain(
    "sat-clique-relu",
    [REDUCTION, dks_to_relu.REDUCTION],
    summary="3-SAT -> Clique -> DkS -> one ReLU: min <= c if satisfiable, >= c + u with u falsified",
)
