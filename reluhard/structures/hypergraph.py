"""Hypergraph helpers shared by the set-splitting reductions and the colouring oracle.

The hypergraph type :class:`Hypergraph` (``n_vertices``, ``edges`` as tuples
of 0-based vertex ids, ``meta``) lives here, below the generators and readers
that build it (``reluhard.generators.hypergraphs`` re-exports it); the
helpers accept any object of that shape and work on a CSR view of the edges
(``indptr``, ``indices``) so that every per-edge quantity is one vectorised
reduction.

:func:`ragged_arrays` and :func:`ragged_tuples` convert between the public
tuple-of-tuples form (hyperedges, NAE clauses) and flat arrays plus lengths;
they are how the set-splitting chain stays free of per-edge Python loops.
"""

import numbers
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = [
    "uniform_rows",
    "row_repeats",
    "Hypergraph",
    "EdgeCSR",
    "edge_csr",
    "check_hypergraph",
    "make_hypergraph",
    "make_hypergraph_from_arrays",
    "monochromatic",
    "ragged_arrays",
    "ragged_tuples",
    "row_sort_order",
]


@dataclass(frozen=True, eq=False)
class EdgeCSR:
    """Validated edges: edge e is ``indices[indptr[e]:indptr[e+1]]`` (sorted, distinct)."""

    n_vertices: int
    indptr: np.ndarray
    indices: np.ndarray

    @property
    def n_edges(self):
        return len(self.indptr) - 1

    @property
    def sizes(self):
        return np.diff(self.indptr)

    @property
    def edge_ids(self):
        return np.repeat(np.arange(self.n_edges), self.sizes)


def ragged_arrays(rows, convert=None):
    """Flatten rows of integers to ``(flat, sizes)`` int64 arrays, or None.

    Parameters
    ----------
    rows : list or tuple of lists or tuples
        Anything else (generators, arrays, sets) gives None, so the caller can
        fall back to its element-wise reference path.
    convert : callable, optional
        Applied to every item (``int`` for vertex ids; skipped when every item
        is already a Python ``int``, on which ``int`` is the identity). Without it every
        item must be exactly a Python ``int`` that fits in int64 (else None):
        then numpy compares the items exactly as Python would.

    Raises
    ------
    OverflowError
        With ``convert``: a converted item does not fit in int64.

    Notes
    -----
    O(total items), with no Python-level loop over rows.
    """
    if type(rows) not in (list, tuple) or not set(map(type, rows)) <= {list, tuple}:
        return None
    sizes = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    items = list(chain.from_iterable(rows))
    if not set(map(type, items)) <= {int}:
        if convert is None:
            return None
        items = list(map(convert, items))
    try:
        return np.fromiter(items, dtype=np.int64, count=len(items)), sizes
    except OverflowError:
        if convert is None:
            return None
        raise


def uniform_rows(flat, sizes, max_width):
    """``flat`` as an (m, k) view when all m >= 1 rows have one size k, 1 <= k <= ``max_width``; else None."""
    m = len(sizes)
    if not m or not 1 <= int(sizes[0]) <= max_width or len(flat) != m * int(sizes[0]) or not (sizes == sizes[0]).all():
        return None
    return flat.reshape(m, int(sizes[0]))


def row_repeats(A):
    """Boolean per row of the 2-D array ``A``: does the row hold some value twice?

    Width <= 8: the width(width - 1)/2 column pairs (no sort, no sorted copy); wider: a sorted copy.
    """
    m, width = A.shape
    if width > 8:
        S = np.sort(A, axis=1)
        return (S[:, 1:] == S[:, :-1]).any(axis=1)
    repeats = np.zeros(m, dtype=bool)
    for i in range(width):
        for j in range(i + 1, width):
            repeats |= A[:, i] == A[:, j]
    return repeats


def row_sort_order(values, ids):
    """Stable order sorting (ids, values) pairs: ``values`` sorted within each row id.

    One stable radix/merge ``argsort`` of the combined key ``ids * span + values``
    when it fits in int64 (several times faster than :func:`numpy.lexsort`),
    else ``lexsort``; ties keep their input order either way.
    """
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = int(values.min()), int(values.max())
    span = hi - lo + 1
    if (int(ids[-1]) + 1) * span < 2**62:  # ids is non-decreasing
        return np.argsort(ids * span + (values - lo), kind="stable")
    return np.lexsort((values, ids))


def ragged_tuples(flat, sizes):
    """Rows of a ragged int array as a list of tuples of Python ints (inverse of :func:`ragged_arrays`).

    Row i is ``flat[s_i : s_i + sizes[i]]`` with ``s_i = sizes[:i].sum()``. The
    rows of each distinct size are gathered as one 2-D block whose columns are
    zipped into tuples; a permutation puts the blocks back in row order.
    """
    flat = np.asarray(flat, dtype=np.int64)
    sizes = np.asarray(sizes, dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    order = np.argsort(sizes, kind="stable")
    out = []
    for block in np.split(order, np.flatnonzero(np.diff(sizes[order])) + 1):  # one block per distinct size
        width = int(sizes[block[0]]) if block.size else 0
        if width == 0:
            out.extend([()] * block.size)
        else:
            out.extend(zip(*flat[starts[block, None] + np.arange(width)].T.tolist()))
    if not (order[1:] < order[:-1]).any():  # already in row order
        return out
    where = np.empty_like(order)
    where[order] = np.arange(len(order))
    return list(map(out.__getitem__, where.tolist()))


def edge_csr(n_vertices, sizes, indices):
    """A read-only :class:`EdgeCSR` (for a view cached and shared by a hypergraph) from
    edge sizes and the flat vertex array, already sorted within edges and validated."""
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    indices = np.asarray(indices, dtype=np.int64)
    indptr.flags.writeable = False
    indices.flags.writeable = False
    return EdgeCSR(n_vertices, indptr, indices)


def check_hypergraph(h):
    """Validate a hypergraph-shaped object and return its :class:`EdgeCSR`.

    Raises
    ------
    InvalidParameterError
        ``n_vertices`` is not a non-negative integer, an edge is empty, repeats a
        vertex, or names a vertex outside 0..n_vertices-1.
    """
    n = getattr(h, "n_vertices", None)
    cached = getattr(h, "_edge_csr", None)  # set by Hypergraph, which validated the same edges
    if isinstance(cached, EdgeCSR) and isinstance(h, Hypergraph):  # (reading h.edges could build 10^6 tuples)
        return EdgeCSR(cached.n_vertices, cached.indptr.copy(), cached.indices.copy())
    edges = getattr(h, "edges", None)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 0 or edges is None:
        raise InvalidParameterError("expected a hypergraph with a non-negative integer n_vertices and a list of edges")
    n = int(n)
    try:
        rag = ragged_arrays(edges, int)
    except OverflowError:  # raised below, after the empty-edge check
        rag = None
    if rag is None:  # other containers, or ids beyond int64: convert edge by edge first
        edges = [tuple(int(v) for v in e) for e in edges]
        sizes = np.fromiter(map(len, edges), dtype=np.int64, count=len(edges))
    else:
        flat, sizes = rag
    if (sizes == 0).any():
        raise InvalidParameterError(f"hyperedge {int(np.flatnonzero(sizes == 0)[0])} is empty")
    if rag is None:
        flat = np.fromiter(chain.from_iterable(edges), dtype=np.int64, count=int(sizes.sum()))
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def edge(i):  # as given (converted to int), for the messages
        return flat[indptr[i]:indptr[i + 1]].tolist()

    ids = np.repeat(np.arange(len(sizes)), sizes)
    if flat.size and (flat.min() < 0 or flat.max() >= n):
        bad = int(ids[(flat < 0) | (flat >= n)][0])
        raise InvalidParameterError(f"hyperedge {bad} {edge(bad)} has a vertex outside 0..{n - 1}")
    indices = flat[row_sort_order(flat, ids)]  # sorted within each edge; ids is sorted, so it stays aligned
    rep = (indices[1:] == indices[:-1]) & (ids[1:] == ids[:-1])
    if rep.any():
        bad = int(ids[1:][rep][0])
        raise InvalidParameterError(f"hyperedge {bad} {edge(bad)} repeats a vertex")
    return EdgeCSR(n, indptr, indices)


def monochromatic(csr, colouring):
    """Boolean mask of the edges whose vertices all have the same colour."""
    chi = np.asarray(colouring, dtype=np.int64)
    if chi.shape != (csr.n_vertices,):
        raise InvalidParameterError(f"colouring must have {csr.n_vertices} entries, got shape {chi.shape}")
    if csr.n_edges == 0:
        return np.zeros(0, dtype=bool)
    c = chi[csr.indices]
    lo = np.minimum.reduceat(c, csr.indptr[:-1])
    hi = np.maximum.reduceat(c, csr.indptr[:-1])
    return lo == hi


def make_hypergraph(n_vertices, edges, meta=None):
    """Build the project's :class:`Hypergraph`."""
    return Hypergraph(int(n_vertices), list(map(tuple, edges)), dict(meta or {}))


def make_hypergraph_from_arrays(n_vertices, sizes, vertices, meta=None):
    """:func:`make_hypergraph` with the edges given flat: edge i is the next ``sizes[i]``
    entries of ``vertices`` (no per-edge Python loop; same checks and result)."""
    return Hypergraph.from_arrays(int(n_vertices), sizes, vertices, dict(meta or {}))


def _check_count(value, name):
    """``value`` as an int >= 0, or InvalidParameterError (bools are rejected)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    if int(value) < 0:
        raise InvalidParameterError(f"{name} must be >= 0, got {value}")
    return int(value)


@dataclass(frozen=True)
class Hypergraph:
    """A finite hypergraph on vertices ``0..n_vertices-1``.

    Parameters
    ----------
    n_vertices : int
    edges : sequence of sequences of int
        Normalised to a tuple of sorted tuples; each hyperedge must be
        non-empty with distinct vertices in range. Repeated hyperedges are kept.
    meta : dict
        Generator metadata (not part of equality).

    Raises
    ------
    InvalidParameterError
        Empty hyperedge, repeated vertex inside a hyperedge, vertex out of range.

    Notes
    -----
    Validation sorts and checks all hyperedges at once on a flat vertex array
    (O(total size log) vectorised work, no per-edge Python loop) when ``edges``
    is a list or tuple of lists or tuples; other containers are checked edge by edge.
    """

    n_vertices: int
    edges: tuple
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        n = _check_count(self.n_vertices, "n_vertices")
        try:
            rag = ragged_arrays(self.edges, int)
        except OverflowError:  # a vertex id beyond int64: the element-wise path reports it
            rag = None
        if rag is not None:  # lists/tuples: sort and check all edges at once on the flat array
            self._set_flat_edges(n, *rag)
            return
        edges = tuple(tuple(sorted(int(v) for v in e)) for e in self.edges)  # other containers: edge by edge
        for e in edges:
            _check_edge(e, n)
        object.__setattr__(self, "n_vertices", n)
        object.__setattr__(self, "edges", edges)

    @classmethod
    def from_arrays(cls, n_vertices, sizes, vertices, meta=None):
        """The hypergraph whose edge i is the next ``sizes[i]`` entries of ``vertices``.

        Equal to ``Hypergraph(n_vertices, edges, meta)`` for the same edges, with
        the same checks and messages, but built from the flat arrays without
        a per-edge Python loop (used by the reductions that produce hypergraphs).

        Raises
        ------
        InvalidParameterError
            As the constructor; also negative sizes or ``sum(sizes) != len(vertices)``.
        """
        n = _check_count(n_vertices, "n_vertices")
        sizes = np.asarray(sizes, dtype=np.int64).reshape(-1)
        vertices = np.asarray(vertices, dtype=np.int64).reshape(-1)
        if (sizes < 0).any() or int(sizes.sum()) != vertices.size:
            raise InvalidParameterError(f"edge sizes must be >= 0 and sum to the {vertices.size} vertices given")
        lazy = cls is Hypergraph  # the tuple edges are built on first access (_FlatEdgesHypergraph)
        h = (_FlatEdgesHypergraph if lazy else cls).__new__(_FlatEdgesHypergraph if lazy else cls)
        object.__setattr__(h, "meta", {} if meta is None else meta)
        h._set_flat_edges(n, vertices, sizes, materialise=not lazy)
        return h

    def _set_flat_edges(self, n, flat, sizes, materialise=True):
        """Sort each edge, check all edges and store them (vectorised over the flat vertex array)."""
        bad = sizes == 0
        ends = np.cumsum(sizes)  # edge i is flat[ends[i] - sizes[i]: ends[i]]; the edge of position j: searchsorted(ends, j, "right")
        if flat.size > 1:
            # new_edge[j]: flat[j + 1] starts an edge (no edge id per vertex: these arrays are 10^6s long)
            new_edge = np.zeros(flat.size - 1, dtype=bool)
            inner = ends[(ends > 0) & (ends < flat.size)]
            new_edge[inner - 1] = True
            if not ((flat[1:] > flat[:-1]) | new_edge).all():
                flat = flat[row_sort_order(flat, np.repeat(np.arange(len(sizes)), sizes))]  # (edges already increasing need no sort)
            repeat = np.flatnonzero((flat[1:] == flat[:-1]) & ~new_edge)
            bad[np.searchsorted(ends, repeat + 1, side="right")] = True
        outside = np.flatnonzero((flat < 0) | (flat >= n))
        bad[np.searchsorted(ends, outside, side="right")] = True
        for i in np.flatnonzero(bad).tolist():  # the first bad edge raises, with the edge-by-edge message
            _check_edge(tuple(flat[int(ends[i] - sizes[i]):int(ends[i])].tolist()), n)
        object.__setattr__(self, "n_vertices", n)
        if materialise:
            object.__setattr__(self, "edges", tuple(ragged_tuples(flat, sizes)))
        # the validated CSR view, so check_hypergraph need not flatten the edges again
        object.__setattr__(self, "_edge_csr", edge_csr(n, sizes, flat))

    @property
    def n_edges(self):
        return len(self.edges)

    @property
    def uniformity(self):
        """The common edge size r, or None if sizes differ (or there are no edges)."""
        sizes = {len(e) for e in self.edges}
        return sizes.pop() if len(sizes) == 1 else None

    def is_2_colourable_by(self, colouring):
        """True if ``colouring`` (length n_vertices, values 0/1) leaves no hyperedge monochromatic."""
        c = np.asarray(colouring)
        if c.shape != (self.n_vertices,) or not np.isin(c, (0, 1)).all():
            raise InvalidParameterError(f"a colouring is a 0/1 sequence of length {self.n_vertices}")
        return all(len({int(c[v]) for v in e}) == 2 for e in self.edges)


class _FlatEdgesHypergraph(Hypergraph):
    """A :class:`Hypergraph` made by :meth:`Hypergraph.from_arrays`: ``edges`` (the tuple of
    sorted tuples) is built from the validated CSR view on first access.

    The reductions that produce hypergraphs work on the CSR view only, so a chain
    such as sat-krelu never creates the 10^6 edge tuples unless someone reads them.
    Equal to (and hashes as) the eager Hypergraph with the same edges.
    """

    @property
    def edges(self):
        edges = self.__dict__.get("_edges")
        if edges is None:
            csr = self._edge_csr
            edges = tuple(ragged_tuples(csr.indices, csr.sizes))
            self.__dict__["_edges"] = edges
        return edges

    @edges.setter
    def edges(self, value):  # the dataclass __init__ (dataclasses.replace) sets the field
        self.__dict__["_edges"] = value

    def __eq__(self, other):
        if isinstance(other, Hypergraph):
            return (self.n_vertices, self.edges) == (other.n_vertices, other.edges)
        return NotImplemented

    __hash__ = Hypergraph.__hash__

    @property
    def n_edges(self):
        return self._edge_csr.n_edges

    def __repr__(self):
        return f"Hypergraph(n_vertices={self.n_vertices!r}, edges={self.edges!r}, meta={self.meta!r})"


def _check_edge(e, n):
    """Raise for a sorted hyperedge that is empty, repeats a vertex or leaves 0..n-1."""
    if not e:
        raise InvalidParameterError("a hyperedge is empty")
    if len(set(e)) != len(e):
        raise InvalidParameterError(f"hyperedge {e} repeats a vertex")
    if e[0] < 0 or e[-1] >= n:
        raise InvalidParameterError(f"hyperedge {e} has a vertex outside 0..{n - 1}")
