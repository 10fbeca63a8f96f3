"""Hypergraphs for the set-splitting reductions: random r-uniform, planted 2-colourable, named cases.

A hypergraph is a frozen :class:`Hypergraph` ``(n_vertices, edges, meta)``:
vertices ``0..n_vertices-1``, ``edges`` a tuple of hyperedges, each a sorted
tuple of distinct 0-based vertices. It is 2-colourable (set splitting) when
some colouring in {0, 1} leaves no hyperedge monochromatic.

Named cases (0-based, as in the design note):

========================  ========================================  ==============
name                      hyperedges                                2-colourable
========================  ========================================  ==============
``fano``                  012 034 056 135 146 236 245               no
``fano-minus-line``       the Fano plane without 245                yes
``k5-3``, ``k6-3``        all 3-subsets of 5 / 6 vertices           no
``k4``                    all 2-subsets of 4 vertices (graph K4)    no
``cycle`` (size L)        {i, i+1 mod L} as 2-uniform edges         iff L even
========================  ========================================  ==============
"""

import itertools
import math

import numpy as np

from reluhard.errors import InvalidParameterError
from reluhard.structures.hypergraph import Hypergraph

from ._common import check_allocation, check_count, resolve_seed, sample_k_subsets, unique_rows

__all__ = [
    "Hypergraph",
    "random_uniform_hypergraph",
    "planted_2colourable_hypergraph",
    "named_hypergraph",
    "NAMED",
]

FANO_LINES = ((0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5))


def _check_rm(n, m, r):
    n = check_count(n, "n")
    m = check_count(m, "m")
    r = check_count(r, "r", min_val=1)
    check_allocation(m * r + n, f"{m} hyperedges of size {r} on {n} vertices")
    if r > n:
        raise InvalidParameterError(f"edge size r = {r} exceeds n = {n}")
    return n, m, r


def _distinct_edges(rng, n, m, r, keep, space, what):
    """m distinct uniform r-subsets satisfying ``keep`` (vectorised rejection + top-up)."""
    if m > space:
        raise InvalidParameterError(f"only {space} distinct {what} hyperedges exist; asked for {m}")
    have = np.zeros((0, r), dtype=np.int64)
    if 2 * m >= space:  # dense: enumerate and choose
        every = np.array(list(itertools.combinations(range(n), r)), dtype=np.int64).reshape(-1, r)
        every = every[keep(every)]
        return every[np.sort(rng.choice(len(every), size=m, replace=False))]
    while len(have) < m:
        batch = sample_k_subsets(rng, n, 2 * (m - len(have)) + 16, r)
        pool = np.concatenate([have, batch[keep(batch)]])
        have = pool[unique_rows(pool)]
    return have[:m]


def random_uniform_hypergraph(n, m, *, r=3, seed=None):
    """m distinct hyperedges drawn uniformly from the r-subsets of n vertices.

    Raises
    ------
    InvalidParameterError
        r > n, negative counts, or m > C(n, r).

    Notes
    -----
    O(m r^2) vectorised work (rejection of repeats); enumerates the C(n, r)
    subsets when m is more than half of them.

    Examples
    --------
    >>> H = random_uniform_hypergraph(10, 5, r=3, seed=1)
    >>> H.n_edges, H.uniformity
    (5, 3)
    """
    n, m, r = _check_rm(n, m, r)
    rng, recorded = resolve_seed(seed)
    edges = _distinct_edges(rng, n, m, r, lambda e: np.ones(len(e), dtype=bool), math.comb(n, r), "r-uniform")
    meta = {"generator": "random-uniform-hypergraph", "params": {"n": n, "m": m, "r": r}, "seed": recorded, "certificate": None}
    return Hypergraph(n, edges.tolist(), meta)


def planted_2colourable_hypergraph(n, m, *, r=3, seed=None):
    """m distinct r-uniform hyperedges, all bichromatic under a hidden balanced colouring.

    The hidden colouring gives colour 1 to a uniform random set of
    floor(n/2) vertices; hyperedges are uniform among the r-subsets that it
    splits. The colouring is ``meta["certificate"]["colouring"]`` (0/1 per vertex).

    Raises
    ------
    InvalidParameterError
        r < 2, r > n, negative counts, or more hyperedges than split r-sets.

    Notes
    -----
    O(m r^2) expected work; a random r-set is split with probability at
    least 1 - 2^(1-r) for large n.
    """
    n, m, r = _check_rm(n, m, r)
    if r < 2:
        raise InvalidParameterError("a 2-colourable hypergraph needs edge size r >= 2")
    rng, recorded = resolve_seed(seed)
    colour = np.zeros(n, dtype=np.int64)
    colour[rng.choice(n, size=n // 2, replace=False)] = 1
    a = n // 2
    space = math.comb(n, r) - math.comb(a, r) - math.comb(n - a, r)

    def split(e):
        s = colour[e].sum(axis=1)
        return (s > 0) & (s < r)

    edges = _distinct_edges(rng, n, m, r, split, space, "bichromatic")
    meta = {
        "generator": "planted-2colourable-hypergraph",
        "params": {"n": n, "m": m, "r": r},
        "seed": recorded,
        "certificate": {"colouring": colour.tolist()},
    }
    return Hypergraph(n, edges.tolist(), meta)


def _brute_force_colouring(H):
    """A proper 2-colouring by exhaustive search (n <= 20), or None."""
    if H.n_vertices > 20:
        raise InvalidParameterError("brute-force colouring is for n <= 20")
    for bits in range(2 ** max(H.n_vertices - 1, 0)):  # vertex n-1 fixed to colour 0 by symmetry
        c = [(bits >> v) & 1 for v in range(H.n_vertices)]
        if H.is_2_colourable_by(c):
            return c
    return None


def _named_edges(name, size):
    if name == "fano":
        return 7, FANO_LINES
    if name == "fano-minus-line":
        return 7, FANO_LINES[:-1]
    if name in ("k5-3", "k6-3"):
        n = int(name[1])
        return n, tuple(itertools.combinations(range(n), 3))
    if name == "k4":
        return 4, tuple(itertools.combinations(range(4), 2))
    if name == "cycle":
        if size is None:
            raise InvalidParameterError("the named 'cycle' needs a size L >= 3")
        size = check_count(size, "cycle size", min_val=3)
        return size, tuple((i, (i + 1) % size) for i in range(size))
    raise InvalidParameterError(f"unknown named hypergraph {name!r}; choose from {', '.join(NAMED)}")


NAMED = ("fano", "fano-minus-line", "k5-3", "k6-3", "k4", "cycle")


def named_hypergraph(name, *, size=None):
    """One of the named small cases (see the module table).

    ``meta`` records ``two_colourable`` and, when true, a proper colouring as
    ``certificate`` (alternating for even cycles, exhaustive search otherwise).

    Raises
    ------
    InvalidParameterError
        Unknown name, or ``cycle`` without a size >= 3; ``size`` is only for ``cycle``.

    Examples
    --------
    >>> named_hypergraph("fano").meta["two_colourable"]
    False
    """
    if size is not None and name != "cycle":
        raise InvalidParameterError("size applies only to the named 'cycle'")
    n, edges = _named_edges(name, size)
    H = Hypergraph(n, edges)
    if name == "cycle":
        colouring = [i % 2 for i in range(n)] if n % 2 == 0 else None
    else:
        colouring = _brute_force_colouring(H)
    params = {"name": name} if size is None else {"name": name, "size": n}
    meta = {
        "generator": "named-hypergraph",
        "params": params,
        "seed": None,
        "two_colourable": colouring is not None,
        "certificate": None if colouring is None else {"colouring": colouring},
    }
    return Hypergraph(n, H.edges, meta)
