"""R2, step 2: NAE-SAT -> set splitting (hypergraph 2-colouring).

A NAE formula on variables x_1..x_N becomes a hypergraph on the 2N literal
vertices x_1, ~x_1, ..., x_N, ~x_N (vertex ids 2(i-1) and 2(i-1)+1,
0-based; conventions §4) with one hyperedge {x_i, ~x_i} per variable and one
hyperedge per NAE clause (the set of its literal vertices) ([GKMR21]_,
Theorem 2; set splitting is [GJ79]_ problem SP4).

Claim (proved in ``docs/reductions/sat-krelu.md``, §2)
    the formula is NAE-satisfiable  <=>  the hypergraph is 2-colourable.

Maps
----
forward : NAE formula -> Hypergraph(2N, clause edges then variable edges).
lift    : (completeness) beta -> colouring chi(x_i) = beta_i, chi(~x_i) = 1 - beta_i
          (colour 1 = true). Variable edges get both colours; a clause edge is
          monochromatic iff its literals are all equal under beta.
decode  : (soundness) any colouring chi -> beta_i = [chi(x_i) = 1]. For a proper
          chi, chi(~x_i) = 1 - chi(x_i), so chi is the lift of beta and every
          clause edge has both colours, i.e. beta NAE-satisfies every clause.
certify : {"nae_satisfiable": b} -> adds {"colourable": b}.

Composed with :mod:`~reluhard.reductions.sat_to_nae`, a literal is true iff its
colour differs from the colour of z (decode complements when chi(z) = 1).

References
----------
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight Hardness
   Results for Training Depth-2 ReLU Networks. ITCS 2021.
.. [GJ79] M. R. Garey, D. S. Johnson. Computers and Intractability. 1979.

Examples
--------
>>> from reluhard.reductions.sat_to_nae import NAEFormula
>>> nae = NAEFormula(((1, -2),), 2)
>>> img = REDUCTION.apply(nae)
>>> img.target.n_vertices, [tuple(e) for e in img.target.edges]
(4, [(0, 3), (0, 1), (2, 3)])
>>> img.lift([1, 2])
[1, 0, 1, 0]
"""

import numpy as np

from reluhard.errors import InvalidParameterError

from reluhard.structures.cnf import as_bool_assignment, to_dimacs_assignment
from reluhard.structures.hypergraph import make_hypergraph_from_arrays, ragged_arrays, row_sort_order, uniform_rows
from .base import Reduction
from .sat_to_nae import NAEFormula, flat_clauses, nae_violated

__all__ = ["REDUCTION", "forward", "lift", "decode", "literal_vertex"]


def literal_vertex(lit):
    """0-based vertex of a signed DIMACS literal: x_i -> 2(i-1), ~x_i -> 2(i-1)+1 (vectorised)."""
    lit = np.asarray(lit, dtype=np.int64)
    return 2 * (np.abs(lit) - 1) + (lit < 0)


def params(nae, raw):
    if not isinstance(nae, NAEFormula) and (not hasattr(nae, "clauses") or not hasattr(nae, "n_vars")):
        raise InvalidParameterError(f"nae-setsplit takes an NAEFormula, got {type(nae).__name__}")
    lits = getattr(nae, "_flat_clauses", None)  # a formula made from arrays: no clause tuples needed
    return {"n": nae.n_vars, "m": len(nae.clauses) if lits is None else len(lits[1])}


def forward(nae, p):
    """NAE formula -> hypergraph on 2N literal vertices: clause edges, then {x_i, ~x_i} (O(total literals)).

    Vectorised: the literal vertices of all clauses are sorted per clause by one
    stable sort of (clause, vertex) pairs and repeats dropped, on the flat literal
    array; the hypergraph is built from the flat vertex array and edge sizes.
    """
    n = p["n"]
    lits = flat_clauses(nae)
    if lits is None:  # other literal types: clause by clause
        clause_edges = [tuple(sorted(set(literal_vertex(c).tolist()))) for c in nae.clauses]
        v, sizes = ragged_arrays(clause_edges)
    elif (rows := _sorted_distinct_vertex_rows(*lits)) is not None:  # one width, no vertex repeated in a clause
        v, sizes = rows.reshape(-1), np.full(rows.shape[0], rows.shape[1], dtype=np.int64)
    else:
        flat, lens = lits
        v = literal_vertex(flat)
        ids = np.repeat(np.arange(len(lens)), lens)
        order = row_sort_order(v, ids)
        v, ids = v[order], ids[order]
        keep = np.ones(v.size, dtype=bool)
        keep[1:] = (v[1:] != v[:-1]) | (ids[1:] != ids[:-1])
        v, sizes = v[keep], np.bincount(ids[keep], minlength=len(lens))
    pairs = np.arange(2 * n, dtype=np.int64).reshape(n, 2)  # variable edges {x_i, ~x_i}
    meta = {
        "reduction": "nae-setsplit",
        "layout": "vertex 2(i-1) = x_i, 2(i-1)+1 = ~x_i (i = 1..N)",
        "n_clause_edges": len(sizes),
        "source_meta": dict(nae.meta),
    }
    sizes = np.concatenate([sizes, np.full(len(pairs), 2, dtype=np.int64)])  # clause edges, then variable edges
    return make_hypergraph_from_arrays(2 * n, sizes, np.concatenate([v, pairs.ravel()]), meta)


def _sorted_distinct_vertex_rows(flat, lens, max_width=8):
    """The clauses' literal vertices as an (m, k) array sorted within rows, when every clause has one width
    k <= max_width and no clause repeats a vertex; else None (the general path then sorts and drops repeats:
    with none to drop, it gives these rows)."""
    F = uniform_rows(flat, lens, max_width)
    if F is None:
        return None
    V = literal_vertex(F)
    V.sort(axis=1)
    if V.shape[1] > 1 and (V[:, 1:] == V[:, :-1]).any():
        return None
    return V


def lift(nae, p, assignment):
    """Completeness: beta -> colouring [beta_1, 1 - beta_1, ..., beta_N, 1 - beta_N]."""
    beta = as_bool_assignment(assignment, p["n"]).astype(np.int64)
    return np.stack([beta, 1 - beta], axis=1).ravel().tolist()


def decode(nae, p, colouring):
    """Soundness: any colouring -> beta_i = [chi(x_i) = 1], as DIMACS signed ints."""
    chi = np.asarray(colouring, dtype=np.int64)
    if chi.shape != (2 * p["n"],):
        raise InvalidParameterError(f"colouring must have {2 * p['n']} entries, got shape {chi.shape}")
    return to_dimacs_assignment(chi[0::2] == 1)


def value(nae, assignment):
    """#NAE clauses with all literals equal (minimised)."""
    return nae_violated(nae, assignment)


def certify(nae, p, cert):
    out = dict(cert)
    if cert.get("nae_satisfiable") is not None:
        out["colourable"] = bool(cert["nae_satisfiable"])
    return out


REDUCTION = Reduction(
    name="nae-setsplit",
    source_kind="nae",
    target_kind="hypergraph",
    forward=forward,
    lift=lift,
    decode=decode,
    params=params,
    certify=certify,
    value=value,
    summary="NAE-SAT -> set splitting: literal vertices, {x, ~x} edges and one edge per clause; NAE-satisfiable iff 2-colourable",
)
