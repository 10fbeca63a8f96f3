"""Vectorised helpers on simple graphs shared by the DkS reductions and solvers.

Vertices are the 0-based positions 0..n-1 of ``graph_order(G)`` (the sorted
node labels when they are integers, else insertion order), which is the
identity for the integer-labelled graphs written by ``reluhard.io``.
Self-loops are ignored: DkS counts edges between distinct vertices.
"""

from itertools import chain
from math import comb

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = [
    "graph_order",
    "edge_array",
    "flat_edges",
    "adjacency",
    "pair_index",
    "edges_in",
    "check_vertex_set",
    "peel_to",
    "turan_edges",
]


def graph_order(G):
    """The node labels in vertex order (vertex v = position v)."""
    nodes = list(G.nodes())
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in nodes):
        return sorted(nodes)
    return nodes


def edge_array(G):
    """(n, E) with E an (|E|, 2) int64 array of edges u < v, sorted, self-loops dropped."""
    flat = flat_edges(G)
    if flat is not None:
        return flat
    order = graph_order(G)
    n = len(order)
    m = G.number_of_edges()
    if not m:
        E = np.zeros((0, 2), dtype=np.int64)
    elif order == list(range(n)):
        # vertices 0..n-1 (sorted distinct integers): the labels are the positions
        E = identity_edges(G, n)
    else:
        pos = {v: i for i, v in enumerate(order)}
        E = np.array([(pos[a], pos[b]) for a, b in G.edges()], dtype=np.int64).reshape(-1, 2)
    E = E[E[:, 0] != E[:, 1]]
    E.sort(axis=1)
    if len(E):  # sorted distinct rows (as np.unique(E, axis=0)), by one sort of u * n + v
        key = np.sort(E[:, 0] * np.int64(n) + E[:, 1])
        key = key[np.concatenate([[True], key[1:] != key[:-1]])]
        E = np.stack([key // n, key % n], axis=1)
    return n, E


def flat_edges(G):
    """(n, E) as :func:`edge_array` straight from the edge arrays of a graph read by
    :func:`reluhard.io.graphs.read_graph` (:class:`reluhard.structures.flatgraph.FlatEdgesGraph`)
    while its adjacency dicts are not built; None for any other graph."""
    get = getattr(G, "flat_edges", None)
    return get() if callable(get) else None


def identity_edges(G, n):
    """(|E|, 2) int64 array of the edges (u, v), u <= v, of a graph on the vertices 0..n-1.

    Read from the adjacency dicts with C-level iteration (``G.edges()`` yields
    every edge through a Python generator); each edge once, self-loops as (v, v).
    """
    adj = G.adj
    deg = np.fromiter(map(len, map(adj.__getitem__, range(n))), dtype=np.int64, count=n)
    nb = np.fromiter(chain.from_iterable(map(adj.__getitem__, range(n))), dtype=np.int64, count=int(deg.sum()))
    src = np.repeat(np.arange(n, dtype=np.int64), deg)
    keep = src <= nb
    return np.stack([src[keep], nb[keep]], axis=1)


def adjacency(n, E):
    """Dense boolean adjacency matrix (n x n, symmetric, zero diagonal)."""
    Adj = np.zeros((n, n), dtype=bool)
    if len(E):
        Adj[E[:, 0], E[:, 1]] = True
        Adj[E[:, 1], E[:, 0]] = True
    return Adj


def pair_index(n, u, v):
    """Row of the pair (u, v), u < v, in ``np.triu_indices(n, 1)`` order (vectorised)."""
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    return u * n - u * (u + 1) // 2 + (v - u - 1)


def check_vertex_set(S, n, name="vertex set"):
    """Validate a 0-based vertex list: integers in 0..n-1, no repeats. Returns a sorted int64 array."""
    try:
        a = np.asarray(list(S), dtype=np.int64).ravel()
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a list of 0-based vertex ids") from None
    if a.size and (a.min() < 0 or a.max() >= n):
        raise InvalidParameterError(f"{name} has a vertex outside 0..{n - 1}")
    a = np.sort(a)
    if a.size > 1 and (a[1:] == a[:-1]).any():
        raise InvalidParameterError(f"{name} repeats a vertex")
    return a


def edges_in(Adj, S):
    """Number of edges of the graph inside the vertex set S (array of ids)."""
    S = np.asarray(S, dtype=np.int64)
    return int(Adj[np.ix_(S, S)].sum()) // 2


def peel_to(Adj, S, size, key=None):
    """Delete minimum-degree vertices of G[S] until ``size`` remain.

    Removing a minimum-degree vertex from s vertices spanning e edges leaves
    at least e (s - 2) / s edges, so the result spans >= E(S) C(size,2)/C(|S|,2).
    Ties go to the smallest ``key`` (then the smallest id). O(|S|^2).
    """
    S = [int(v) for v in S]
    keys = {v: (0 if key is None else key[v]) for v in S}
    sub = Adj[np.ix_(S, S)]
    deg = sub.sum(axis=1).astype(np.int64)
    alive = np.ones(len(S), dtype=bool)
    for _ in range(len(S) - size):
        idx = np.flatnonzero(alive)
        d = deg[idx]
        cand = idx[d == d.min()]
        j = min(cand, key=lambda i: (keys[S[i]], S[i]))
        alive[j] = False
        deg -= sub[:, j]
    return sorted(S[i] for i in np.flatnonzero(alive))


def turan_edges(k, r):
    """Turán number t(k, r): the most edges of a K_{r+1}-free graph on k vertices
    (complete r-partite with parts as equal as possible). ``r >= 1``."""
    q, rem = divmod(k, r)
    return comb(k, 2) - rem * comb(q + 1, 2) - (r - rem) * comb(q, 2)
