"""Hypergraph helpers shared by the set-splitting reductions and the colouring oracle.

The hypergraph type itself is :class:`reluhard.generators.hypergraphs.Hypergraph`
(``n_vertices``, ``edges`` as tuples of 0-based vertex ids, ``meta``); these
helpers accept any object of that shape and work on a CSR view of the edges
(``indptr``, ``indices``) so that every per-edge quantity is one vectorised
reduction.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = ["EdgeCSR", "check_hypergraph", "make_hypergraph", "monochromatic"]


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


def check_hypergraph(h):
    """Validate a hypergraph-shaped object and return its :class:`EdgeCSR`.

    Raises
    ------
    InvalidParameterError
        ``n_vertices`` is not a non-negative integer, an edge is empty, repeats a
        vertex, or names a vertex outside 0..n_vertices-1.
    """
    n = getattr(h, "n_vertices", None)
    edges = getattr(h, "edges", None)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 0 or edges is None:
        raise InvalidParameterError("expected a hypergraph with a non-negative integer n_vertices and a list of edges")
    n = int(n)
    edges = [tuple(int(v) for v in e) for e in edges]
    sizes = np.fromiter((len(e) for e in edges), dtype=np.int64, count=len(edges))
    if (sizes == 0).any():
        raise InvalidParameterError(f"hyperedge {int(np.flatnonzero(sizes == 0)[0])} is empty")
    flat = np.fromiter((v for e in edges for v in e), dtype=np.int64, count=int(sizes.sum()))
    if flat.size and (flat.min() < 0 or flat.max() >= n):
        bad = int(np.repeat(np.arange(len(edges)), sizes)[(flat < 0) | (flat >= n)][0])
        raise InvalidParameterError(f"hyperedge {bad} {list(edges[bad])} has a vertex outside 0..{n - 1}")
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    ids = np.repeat(np.arange(len(edges)), sizes)
    order = np.lexsort((flat, ids))
    flat = flat[order]
    rep = (flat[1:] == flat[:-1]) & (ids[1:] == ids[:-1])
    if rep.any():
        bad = int(ids[1:][rep][0])
        raise InvalidParameterError(f"hyperedge {bad} {list(edges[bad])} repeats a vertex")
    return EdgeCSR(n, indptr, flat)


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
    """Build the project's :class:`~reluhard.generators.hypergraphs.Hypergraph`."""
    from reluhard.generators.hypergraphs import Hypergraph

    return Hypergraph(int(n_vertices), [tuple(e) for e in edges], dict(meta or {}))
