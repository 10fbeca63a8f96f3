"""Certified 3-CNF families at scale: variable-disjoint unions of small certified blocks.

A *block* is a small 3-CNF whose minimum number of falsified clauses u_b is
known exactly: a random 3-CNF on 20..60 variables certified by RC2 (MaxSAT), the
all-8-clause block on 3 variables (u_b = 1), or the tightness block of
``reductions.md`` §1.2 (all 8 sign patterns on each of the C(v,3) triples of v
variables, u_b = C(v,3)). A union of blocks on pairwise disjoint variables has

    min #falsified(union) = sum_b u_b                       (composition lemma)

because an assignment of the union is a tuple of independent assignments of
the blocks and #falsified adds up over blocks (proof: ``docs/datasets.md`` §1).
The union is then disguised by the seed: variables permuted, literals of each
variable flipped (x -> not x maps the block to an isomorphic one with the same
u_b), clauses shuffled. So u is certified *by construction* at any size, and
the clause count of each block bounds the occurrence B of its variables.

Families
--------
``random_unsat_blocks``  NO: random blocks conditioned on u_b >= max(1, ceil(gamma m_b)),
                          so u >= gamma m exactly certified (Gap form with B = O(1));
``planted_blocks``       YES twin: the same block sizes, each block planted
                          (or quiet-planted) satisfiable, u = 0;
``tightness_blocks``     u = n_blocks C(v,3) exactly, m = 8 n_blocks C(v,3).

A block union is visibly decomposable (the variable interaction graph has
components of block size): the certificate comes from that structure, and a
solver that splits components solves it block by block. The families certify
the *loss gap* of a training set; they are not hard 3-SAT instances in the
Gap-ETH sense, and the dataset cards say so.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from reluhard.errors import InvalidParameterError

from ._common import check_count, resolve_seed

__all__ = [
    "Block",
    "block_min_unsat",
    "block_union",
    "random_unsat_blocks",
    "planted_blocks",
    "tightness_block",
    "tightness_blocks",
    "block_sizes",
    "formula_statistics",
    "random_unsat_blocks_cnf",
    "planted_blocks_cnf",
    "tightness_blocks_cnf",
    "MAX_BLOCK_DRAWS",
]

#: draws per block before a NO block meeting the gap target is declared out of reach
MAX_BLOCK_DRAWS = 2000


@dataclass
class Block:
    """A small 3-CNF on variables 1..n_vars with its certified min #falsified.

    clauses : (m, 3) int64 DIMACS literals; witness : an assignment (DIMACS signed
    ints) falsifying exactly ``min_unsat`` clauses; source : how u was certified.
    """

    clauses: np.ndarray
    n_vars: int
    min_unsat: int
    witness: list
    source: str = "RC2"
    extra: dict = field(default_factory=dict)


def _falsified(clauses, assignment):
    """#clauses of ``clauses`` falsified by a DIMACS assignment (vectorised)."""
    val = np.zeros(int(np.abs(clauses).max(initial=0)) + 1, dtype=bool)
    a = np.asarray(assignment, dtype=np.int64)
    val[np.abs(a)] = a > 0
    lit_true = np.where(clauses > 0, val[np.abs(clauses)], ~val[np.abs(clauses)])
    return int((~lit_true.any(axis=1)).sum())


def block_min_unsat(clauses, n_vars):
    """Exact min #falsified of a small CNF and an optimal assignment (CDCL, then RC2).

    Uses PySAT directly (a library, not a reluhard solver), so the generator
    layer stays below the solvers.
    """
    from pysat.examples.rc2 import RC2
    from pysat.formula import WCNF
    from pysat.solvers import Solver

    cl = np.asarray(clauses, dtype=np.int64).tolist()
    with Solver(name="cadical195", bootstrap_with=cl) as s:
        if s.solve():
            model = s.get_model() or []
            return 0, _complete(model, n_vars)
    w = WCNF()
    for c in cl:
        w.append(c, weight=1)
    with RC2(w, solver="g3", adapt=True, exhaust=True, minz=True) as rc2:
        model = rc2.compute()
        cost = int(rc2.cost)
    return cost, _complete(model, n_vars)


def _complete(model, n):
    vals = np.zeros(n + 1, dtype=bool)
    for lit in model:
        if 0 < abs(lit) <= n:
            vals[abs(lit)] = lit > 0
    return [i if vals[i] else -i for i in range(1, n + 1)]


def block_sizes(n_vars, block_n):
    """Sizes of ceil-balanced blocks covering n_vars: n_vars // block_n blocks of block_n or block_n + 1."""
    nb = n_vars // block_n
    if nb == 0:
        raise InvalidParameterError(f"n_vars = {n_vars} is smaller than one block of {block_n} variables")
    sizes = np.full(nb, block_n, dtype=np.int64)
    sizes[: n_vars - nb * block_n] += 1
    if sizes.max() > 2 * block_n:
        raise InvalidParameterError(f"block sizes must stay near block_n = {block_n}")
    return sizes


def tightness_block(v):
    """All 8 sign patterns on each of the C(v,3) triples of v variables: u = C(v,3) (v = 3: the all-8 block)."""
    v = check_count(v, "v", min_val=3, max_val=12)
    triples = np.array([t for t in _triples(v)], dtype=np.int64) + 1
    signs = np.array([[1 if (p >> j) & 1 else -1 for j in range(3)] for p in range(8)], dtype=np.int64)
    clauses = (triples[:, None, :] * signs[None, :, :]).reshape(-1, 3)
    u = math.comb(v, 3)
    return Block(clauses, v, u, list(range(1, v + 1)), source="closed form: every assignment falsifies one clause per triple")


def _triples(v):
    for a in range(v):
        for b in range(a + 1, v):
            for c in range(b + 1, v):
                yield (a, b, c)


def block_union(blocks, *, seed=None, generator="block-union", params=None):
    """The variable-disjoint union of ``blocks``, disguised by the seed.

    Variables are permuted, each variable's literals flipped with probability
    1/2, literals sorted by variable within a clause, and clauses shuffled;
    every step maps an optimal assignment to an optimal one, so u = sum of the
    blocks' u exactly (composition lemma, ``docs/datasets.md`` §1).

    Returns
    -------
    clauses : ndarray (m, 3) of int64
    meta : dict
        ``min_unsat`` (the certified sum), ``certificate`` (a satisfying assignment
        when u = 0, else None), ``optimum`` {assignment} (an assignment falsifying
        exactly u clauses: the answer key of a NO instance), ``blocks`` summary,
        ``max_occurrence_observed`` and ``statistics``.
    """
    rng, recorded = resolve_seed(seed)
    if not blocks:
        raise InvalidParameterError("a block union needs at least one block")
    sizes = np.array([b.n_vars for b in blocks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    n = int(sizes.sum())
    local = np.concatenate([np.asarray(b.clauses, dtype=np.int64) for b in blocks])
    block_of = np.repeat(np.arange(len(blocks)), [len(b.clauses) for b in blocks])
    glob = np.sign(local) * (np.abs(local) + offsets[block_of][:, None])  # 1-based, disjoint ranges
    wit = np.concatenate([np.sign(w) * (np.abs(w) + o) for w, o in ((np.asarray(b.witness, dtype=np.int64), o) for b, o in zip(blocks, offsets))])
    perm = rng.permutation(n)  # old variable j+1 -> new variable perm[j]+1
    flip = np.where(rng.integers(0, 2, size=n) == 1, -1, 1)
    var = perm[np.abs(glob) - 1] + 1
    sgn = np.sign(glob) * flip[np.abs(glob) - 1]
    order = np.argsort(var, axis=1, kind="stable")
    clauses = (np.take_along_axis(var, order, 1) * np.take_along_axis(sgn, order, 1)).astype(np.int64)
    clauses = clauses[rng.permutation(len(clauses))]
    new_wit = np.zeros(n, dtype=np.int64)
    wv = np.abs(wit) - 1
    new_wit[perm[wv]] = np.sign(wit) * flip[wv] * (perm[wv] + 1)
    u = int(sum(b.min_unsat for b in blocks))
    assignment = new_wit.tolist()
    got = _falsified(clauses, assignment)
    if got != u:  # the transported witness must falsify exactly sum u_b clauses
        raise AssertionError(f"block union witness falsifies {got} clauses, expected {u}")
    hist = {}
    for b in blocks:
        hist[str(b.min_unsat)] = hist.get(str(b.min_unsat), 0) + 1
    m = len(clauses)
    occ = np.bincount(np.abs(clauses).ravel(), minlength=n + 1)
    meta = {
        "generator": generator,
        "params": dict(params or {}),
        "seed": recorded,
        "min_unsat": u,
        "min_unsat_source": "construction: variable-disjoint union of blocks with certified u_b (docs/datasets.md §1)",
        "gap_fraction": str(Fraction(u, m)) if m else "0",
        "blocks": {"count": len(blocks), "sizes": sorted({int(s) for s in sizes}), "u_histogram": dict(sorted(hist.items(), key=lambda kv: int(kv[0]))),
                   "sources": sorted({b.source for b in blocks})},
        "max_occurrence_observed": int(occ.max()),
        "max_occurrence_bound": int(max(len(b.clauses) for b in blocks)),
        "statistics": formula_statistics(clauses, n),
        "certificate": {"assignment": assignment} if u == 0 else None,
        "optimum": None if u == 0 else {"assignment": assignment, "falsified": u},
    }
    return clauses, meta


def _block_clause_counts(sizes, ratio):
    return np.maximum(1, np.rint(sizes * float(ratio)).astype(np.int64))


def _check_common(n_vars, ratio, block_n):
    n_vars = check_count(n_vars, "n_vars", min_val=3)
    block_n = check_count(block_n, "block_n", min_val=3, max_val=200)
    ratio = float(ratio)
    if not (ratio > 0 and math.isfinite(ratio)):
        raise InvalidParameterError(f"ratio must be a positive number, got {ratio}")
    return n_vars, ratio, block_n


def random_unsat_blocks(n_vars, ratio, *, block_n=20, gamma=None, max_occurrence=None, seed=None, progress=None):
    """NO family: random 3-CNF blocks, each certified by RC2 with u_b >= max(1, ceil(gamma m_b)).

    Parameters
    ----------
    n_vars : int
        Total variables (split into n_vars // block_n blocks of block_n or block_n + 1).
    ratio : float
        Clauses per variable inside each block (m_b = round(ratio n_b)).
    block_n : int, default 20
    gamma : float or None
        Target gap: every block has u_b >= gamma m_b, hence u >= gamma m. Default: u_b >= 1.
    max_occurrence : int or None
        Occurrence bound inside each block (bounded-occurrence generator); B is
        at most m_b in any case.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    (clauses, meta) : see :func:`block_union`; meta["min_unsat"] >= gamma m.

    Raises
    ------
    InvalidParameterError
        Bad counts, or no block reaching the target within MAX_BLOCK_DRAWS draws
        (make blocks denser or gamma smaller).
    """
    from .ksat import ksat_array

    n_vars, ratio, block_n = _check_common(n_vars, ratio, block_n)
    g = 0.0 if gamma is None else float(gamma)
    if not (0 <= g < 1):
        raise InvalidParameterError(f"gamma must be in [0, 1), got {gamma}")
    rng, recorded = resolve_seed(seed)
    sizes = block_sizes(n_vars, block_n)
    counts = _block_clause_counts(sizes, ratio)
    cache = {}
    blocks = []
    for i, (nb, mb) in enumerate(zip(sizes.tolist(), counts.tolist())):
        need = max(1, math.ceil(g * mb - 1e-12))
        for _ in range(MAX_BLOCK_DRAWS):
            cl, _meta = ksat_array(nb, mb, k=3, max_occurrence=max_occurrence, seed=rng)
            key = (nb, cl.tobytes())
            if key not in cache:
                cache[key] = block_min_unsat(cl, nb)
            u, wit = cache[key]
            if u >= need:
                blocks.append(Block(cl, nb, u, wit, source="RC2"))
                break
        else:
            raise InvalidParameterError(
                f"no random block on {nb} variables with {mb} clauses reached u_b >= {need} in {MAX_BLOCK_DRAWS} draws: "
                f"raise ratio, lower gamma or use smaller blocks")
        if progress is not None:
            progress(i + 1, len(sizes))
    params = {"family": "random-unsat-blocks", "n_vars": n_vars, "ratio": ratio, "block_n": block_n, "gamma": gamma,
              "max_occurrence": max_occurrence}
    clauses, meta = block_union(blocks, seed=rng, generator="block-union", params=params)
    meta["seed"] = recorded
    return clauses, meta


def planted_blocks(n_vars, ratio, *, block_n=20, quiet=False, max_occurrence=None, seed=None):
    """YES twin of :func:`random_unsat_blocks`: same block sizes and clause counts, each block
    planted (``quiet=True``: quiet-planted) satisfiable; u = 0, the union of the planted
    assignments is the certificate."""
    from .ksat import ksat_array

    n_vars, ratio, block_n = _check_common(n_vars, ratio, block_n)
    rng, recorded = resolve_seed(seed)
    sizes = block_sizes(n_vars, block_n)
    counts = _block_clause_counts(sizes, ratio)
    blocks = []
    for nb, mb in zip(sizes.tolist(), counts.tolist()):
        cl, bm = ksat_array(nb, mb, k=3, planted=True, quiet=bool(quiet), max_occurrence=max_occurrence, seed=rng)
        blocks.append(Block(cl, nb, 0, bm["certificate"]["assignment"], source="planted"))
    params = {"family": "planted-blocks", "n_vars": n_vars, "ratio": ratio, "block_n": block_n, "quiet": bool(quiet),
              "max_occurrence": max_occurrence}
    clauses, meta = block_union(blocks, seed=rng, generator="block-union", params=params)
    meta["seed"] = recorded
    return clauses, meta


def tightness_blocks(n_blocks, *, v=3, seed=None):
    """n_blocks disjoint tightness blocks on v variables each: u = n_blocks C(v,3), m = 8u (v = 3: all-8 blocks)."""
    n_blocks = check_count(n_blocks, "n_blocks", min_val=1)
    b = tightness_block(v)
    params = {"family": "tightness-blocks", "n_blocks": n_blocks, "v": v}
    rng, recorded = resolve_seed(seed)
    clauses, meta = block_union([b] * n_blocks, seed=rng, generator="block-union", params=params)
    meta["seed"] = recorded
    return clauses, meta


def formula_statistics(clauses, n_vars):
    """Statistics a solver could use to tell YES and NO rows apart.

    Returns a dict: occurrence (degree) mean / std / max and histogram quantiles,
    the fraction of positive literals, the mean literal imbalance
    |#pos - #neg| / deg over occurring variables, and the sizes of the
    connected components of the variable interaction graph (block unions
    show their block size here).
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    C = np.asarray(clauses, dtype=np.int64)
    if C.size == 0:
        return {"n_vars": int(n_vars), "n_clauses": 0}
    v = np.abs(C).ravel()
    occ = np.bincount(v, minlength=n_vars + 1)[1:]
    pos = np.bincount(v[C.ravel() > 0], minlength=n_vars + 1)[1:]
    neg = occ - pos
    used = occ > 0
    imb = np.abs(pos - neg)[used] / occ[used]
    rows = np.repeat(np.abs(C[:, 0]) - 1, C.shape[1] - 1)
    cols = (np.abs(C[:, 1:]) - 1).ravel()
    A = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_vars, n_vars))
    ncomp, labels = connected_components(A, directed=False)
    comp = np.bincount(labels)
    return {
        "n_vars": int(n_vars),
        "n_clauses": int(len(C)),
        "occurrence_mean": round(float(occ.mean()), 6),
        "occurrence_std": round(float(occ.std()), 6),
        "occurrence_max": int(occ.max()),
        "occurrence_quantiles": [int(q) for q in np.quantile(occ, [0.05, 0.25, 0.5, 0.75, 0.95])],
        "positive_literal_fraction": round(float(pos.sum() / max(occ.sum(), 1)), 6),
        "literal_imbalance_mean": round(float(imb.mean()) if imb.size else 0.0, 6),
        "components": int(ncomp),
        "largest_component": int(comp.max()),
        "component_size_median": int(np.median(comp)),
    }


def _as_cnf(clauses, meta):
    from .ksat import clauses_to_cnf

    return clauses_to_cnf(clauses, meta["statistics"]["n_vars"], meta)


def random_unsat_blocks_cnf(n_vars, ratio, **kw):
    """:func:`random_unsat_blocks` as a ``pysat.formula.CNF`` (meta in its comment line)."""
    return _as_cnf(*random_unsat_blocks(n_vars, ratio, **kw))


def planted_blocks_cnf(n_vars, ratio, **kw):
    """:func:`planted_blocks` as a ``pysat.formula.CNF``."""
    return _as_cnf(*planted_blocks(n_vars, ratio, **kw))


def tightness_blocks_cnf(n_blocks, **kw):
    """:func:`tightness_blocks` as a ``pysat.formula.CNF``."""
    return _as_cnf(*tightness_blocks(n_blocks, **kw))


def hypergraph_block_union(name, copies, *, seed=None):
    """``copies`` disjoint copies of a named hypergraph, vertices permuted by the seed.

    A disjoint union is 2-colourable iff every copy is (colourings factor over
    components, as assignments do in the composition lemma): ``fano`` copies give a
    certified NO (the Fano plane is not 2-colourable), ``fano-minus-line`` copies the
    YES twin (same vertex count, one hyperedge fewer per copy) with the union of the
    copies' colourings as certificate.
    """
    from .hypergraphs import Hypergraph, named_hypergraph

    copies = check_count(copies, "copies", min_val=1)
    base = named_hypergraph(name)
    nb = base.n_vertices
    rng, recorded = resolve_seed(seed)
    n = nb * copies
    E = np.array(base.edges, dtype=np.int64)
    edges = np.concatenate([E + c * nb for c in range(copies)])
    perm = rng.permutation(n)
    edges = np.sort(perm[edges], axis=1)
    edges = edges[rng.permutation(len(edges))]
    colourable = bool(base.meta.get("two_colourable"))
    cert = None
    if colourable:
        col = np.zeros(n, dtype=np.int64)
        col[perm] = np.tile(np.asarray(base.meta["certificate"]["colouring"], dtype=np.int64), copies)
        cert = {"colouring": col.tolist()}
    meta = {"generator": "hypergraph-block-union", "params": {"name": name, "copies": copies}, "seed": recorded,
            "two_colourable": colourable, "certificate": cert,
            "source": "disjoint union: 2-colourable iff every copy is (docs/datasets.md §1)"}
    return Hypergraph(n, edges.tolist(), meta)
