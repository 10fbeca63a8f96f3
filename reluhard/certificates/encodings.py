"""The CNF encodings whose UNSAT proofs certify combinatorial values (part of the trusted base).

Every function here is a pure function of the instance (clause lists, vertex
count, edge array) and the claimed value, with a fixed variable numbering, so
the checker re-derives the formula a proof must refute instead of reading it
from the certificate. Cardinality constraints use PySAT's ``CardEnc`` with the
sequential counter of Sinz (2005) (``EncType.seqcounter``), whose auxiliary
variables are numbered from ``top_id + 1`` upwards in a deterministic order.

Correctness (the direction a proof of UNSAT relies on; docs/certificates.md):
each encoding is *satisfiable whenever the combinatorial statement it negates
holds*, because the sequential counter is satisfiable by every assignment of
its inputs that meets the bound (set ``s_{i,j}`` = "at least j of the first i
inputs are true"). Hence UNSAT of the encoding proves the statement.

``ENCODINGS`` names each encoding; a certificate records the name, and the
checker refuses a name it does not know.
"""

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = [
    "ENCODINGS",
    "min_unsat_relaxed",
    "dks_at_least",
    "colouring_cnf",
    "falsified_count",
    "max_occurrence",
    "clause_blocks",
    "edges_induced",
]

#: encoding id -> one-line description (the ids are written into certificates)
ENCODINGS = {
    "cnf/v1": "the instance's clauses as read, variables 1..n",
    "min-unsat-relaxed/seqcounter/v1": (
        "clause i (1-based, in order) becomes C_i or r_i with r_i = n + i; then CardEnc.atmost(r, t-1, "
        "top_id = n + m, seqcounter): UNSAT <=> every assignment falsifies >= t clauses"
    ),
    "dks-at-least/seqcounter/v1": (
        "x_v = v + 1 (vertex v, 0-based); y_j = n + j + 1 (j-th edge of the sorted edge array, u < v); "
        "y_j -> x_u, y_j -> x_v; CardEnc.atmost(x, kappa, top_id = n + |E|); CardEnc.atleast(y, e + 1, "
        "top_id = previous top): UNSAT <=> every vertex set of size <= kappa induces <= e edges"
    ),
    "colouring/v1": (
        "x_v = v + 1; for every hyperedge (in file order) the clause OR x_v, then for every hyperedge "
        "OR -x_v: UNSAT <=> not 2-colourable"
    ),
}


def _card():
    from pysat.card import CardEnc, EncType

    return CardEnc, EncType.seqcounter


def _top(clauses, floor):
    top = floor
    for c in clauses:
        if c:
            top = max(top, max(abs(lit) for lit in c))
    return top


def min_unsat_relaxed(clauses, n_vars, t):
    """The relaxed formula whose UNSAT proves min #falsified >= ``t`` (t >= 1).

    Parameters
    ----------
    clauses : list of lists of DIMACS literals (the block's clauses, in order)
    n_vars : int
        Variables 1..n_vars belong to the instance.
    t : int
        Claimed lower bound, 1 <= t <= len(clauses).

    Returns
    -------
    (clauses, n_vars) : the encoded CNF and its largest variable.
    """
    m = len(clauses)
    t = int(t)
    if not 1 <= t <= m:
        raise InvalidParameterError(f"a min-unsat lower bound t must satisfy 1 <= t <= {m} (the clause count), got {t}")
    n = int(n_vars)
    out = [list(c) + [n + i + 1] for i, c in enumerate(clauses)]
    CardEnc, seq = _card()
    relax = list(range(n + 1, n + m + 1))
    card = CardEnc.atmost(relax, bound=t - 1, top_id=n + m, encoding=seq).clauses
    out.extend(list(c) for c in card)
    return out, _top(card, n + m)


def dks_at_least(n, edges, kappa, e):
    """The formula "some vertex set of size <= kappa induces >= e + 1 edges".

    Its UNSAT proves max edges of a kappa-set <= ``e``. ``edges`` is the
    canonical sorted (E, 2) array of 0-based endpoints (u < v).

    Returns (clauses, n_vars), or None when e + 1 > |E| (the bound is then
    trivially true and needs no proof).
    """
    E = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    n, kappa, e = int(n), int(kappa), int(e)
    if e < 0:
        raise InvalidParameterError(f"an edge bound must be >= 0, got {e}")
    if e + 1 > len(E):
        return None
    CardEnc, seq = _card()
    y = n + 1 + np.arange(len(E), dtype=np.int64)
    out = np.empty((2 * len(E), 2), dtype=np.int64)
    out[0::2, 0] = -y
    out[0::2, 1] = E[:, 0] + 1
    out[1::2, 0] = -y
    out[1::2, 1] = E[:, 1] + 1
    clauses = out.tolist()
    top = n + len(E)
    amo = CardEnc.atmost(list(range(1, n + 1)), bound=kappa, top_id=top, encoding=seq).clauses
    top = _top(amo, top)
    alo = CardEnc.atleast(y.tolist(), bound=e + 1, top_id=top, encoding=seq).clauses
    clauses.extend(list(c) for c in amo)
    clauses.extend(list(c) for c in alo)
    return clauses, _top(alo, top)


def colouring_cnf(n, hyperedges):
    """The set-splitting CNF of a hypergraph (0-based vertex tuples): (clauses, n_vars)."""
    pos = [[int(v) + 1 for v in edge] for edge in hyperedges]
    return pos + [[-lit for lit in c] for c in pos], int(n)


def _flat(clauses):
    lengths = np.fromiter((len(c) for c in clauses), dtype=np.int64, count=len(clauses))
    flat = np.fromiter((lit for c in clauses for lit in c), dtype=np.int64, count=int(lengths.sum()))
    return flat, lengths


def falsified_count(clauses, n_vars, assignment):
    """#clauses falsified by a DIMACS assignment (unlisted variables are false).

    Raises InvalidParameterError for a literal outside 1..n_vars or a variable
    assigned both ways.
    """
    n = int(n_vars)
    a = np.asarray(list(assignment), dtype=np.int64)
    if a.size and (np.abs(a).min() < 1 or np.abs(a).max() > n):
        raise InvalidParameterError(f"assignment literal out of range 1..{n}")
    values = np.zeros(n + 1, dtype=bool)
    values[a[a > 0]] = True
    if a.size and values[-a[a < 0]].any():
        raise InvalidParameterError("assignment sets a variable both true and false")
    flat, lengths = _flat(clauses)
    if flat.size and (np.abs(flat).max() > n):
        raise InvalidParameterError(f"formula uses a variable above {n}")
    true_lit = values[np.abs(flat)] == (flat > 0)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else np.zeros(0, dtype=np.int64)
    sat = np.zeros(len(lengths), dtype=bool)
    nonempty = lengths > 0
    if flat.size:
        sat[nonempty] = np.logical_or.reduceat(true_lit, starts[nonempty])
    return int((~sat).sum())


def max_occurrence(clauses, n_vars):
    """B = the largest number of literal slots holding one variable (sat-relu's B)."""
    flat, _ = _flat(clauses)
    if flat.size == 0:
        return 0
    return int(np.bincount(np.abs(flat), minlength=int(n_vars) + 1).max())


def clause_blocks(clauses, n_vars):
    """Partition clause indices into variable-disjoint blocks (connected components).

    Returns a list of sorted index arrays, ordered by their first clause; a
    clause without literals is a block of its own.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m, n = len(clauses), int(n_vars)
    flat, lengths = _flat(clauses)
    rows = np.repeat(np.arange(m), lengths)
    # bipartite clause/variable graph: nodes 0..m-1 clauses, m..m+n variables
    g = coo_matrix((np.ones(flat.size), (rows, m + np.abs(flat) - 1)), shape=(m + n, m + n))
    _, labels = connected_components(g, directed=False)
    lab = labels[:m]
    order = np.argsort(lab, kind="stable")
    cuts = np.flatnonzero(np.diff(lab[order])) + 1
    blocks = np.split(order, cuts) if m else []
    return sorted((np.sort(b) for b in blocks), key=lambda b: int(b[0]))


def edges_induced(edges, vertex_set):
    """#edges of the (E, 2) array with both endpoints in ``vertex_set`` (0-based ids)."""
    E = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    S = np.zeros(int(E.max()) + 2 if E.size else 1, dtype=bool)
    idx = np.asarray(list(vertex_set), dtype=np.int64)
    idx = idx[idx < S.size]
    S[idx] = True
    return int((S[E[:, 0]] & S[E[:, 1]]).sum()) if E.size else 0


def multipartite_max_edges(n, edges, parts, kappa):
    """``complete-multipartite/v1``: the max edges of a kappa-set when G is complete multipartite with ``parts``.

    Checks that ``parts`` (lists of 0-based ids) partition 0..n-1 and that the
    edge set is exactly the pairs of vertices in different parts: no edge lies
    inside a part, and |E| equals the number of cross pairs (edges are
    distinct, u < v, so then E is all of them). Returns the bound, or raises
    ValueError naming what fails.

    Bound: a kappa-set with k_i vertices in part i spans C(kappa,2) - sum_i
    C(k_i,2) edges, and C(k,2) = 0 + 1 + ... + (k-1), so sum_i C(k_i,2) is a
    sum of kappa marginal costs, taking in each part i a prefix of 0, 1, ...,
    |P_i| - 1. Hence it is at least the sum of the kappa smallest of all these
    marginals (and equals it for some choice, since a sorted selection is a
    union of prefixes): max edges = C(kappa,2) - that sum.
    """
    label = np.full(n, -1, dtype=np.int64)
    for i, P in enumerate(parts):
        P = np.asarray(P, dtype=np.int64)
        if P.size == 0 or P.min() < 0 or P.max() >= n or (label[P] != -1).any() or len(np.unique(P)) != P.size:
            raise ValueError(f"part {i} is empty, out of range or overlaps another part")
        label[P] = i
    if (label == -1).any():
        raise ValueError(f"the parts do not cover vertex {int(np.flatnonzero(label == -1)[0]) + 1}")
    E = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if E.size and (label[E[:, 0]] == label[E[:, 1]]).any():
        raise ValueError("an edge lies inside a part: the graph is not complete multipartite with these parts")
    sizes = np.array([len(P) for P in parts], dtype=object)
    cross = (int(sum(sizes)) ** 2 - int(sum(s * s for s in sizes))) // 2
    if len(E) != cross:
        raise ValueError(f"{len(E)} edges, but complete multipartite with these parts has {cross}: some cross pair is missing")
    if not 1 <= kappa <= n:
        raise ValueError(f"kappa {kappa} outside 1..{n}")
    marginals = np.sort(np.concatenate([np.arange(len(P), dtype=np.int64) for P in parts]))
    return kappa * (kappa - 1) // 2 - int(marginals[:kappa].sum())
