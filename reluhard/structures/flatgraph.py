"""A ``networkx.Graph`` read from flat edge arrays, its dict-of-dicts built on first use.

:func:`reluhard.io.graphs.read_graph` returns a :class:`FlatEdgesGraph`: the
reader's validated edge arrays (vertices ``0..n-1``, ``u < v``, no self-loop,
no repeat, in file order) are kept, and the adjacency dicts networkx keeps
per edge (``add_edges_from``: Python code per edge, most of the time of a
10^6-row ``reduce dks-relu``) are built only when something reads them
(``G.adj``, ``G.edges``, ``G.nodes``, ``G[u]``, any networkx algorithm or
mutation: all go through ``G._adj`` / ``G._node``). The vectorised helpers of
:mod:`reluhard.structures.graph` and the graph writer/hash take the edge
arrays through :func:`reluhard.structures.graph.flat_edges` instead, while they are still valid.

The built dicts are those of ``nx.Graph(); add_nodes_from(range(n));
add_edges_from(edges in file order)``: same node order, same neighbour order.
Once built, the flat arrays are dropped (a mutation cannot leave them stale).
"""

import networkx as nx
import numpy as np

__all__ = ["FlatEdgesGraph"]


class _Lazy:
    """Data descriptor for ``_adj`` / ``_node``: builds the dicts on first read; a write drops the flat arrays."""

    def __init__(self, name, resets):
        self.name, self.resets = name, resets

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        od = obj.__dict__
        if self.name not in od:
            obj._materialise()
        return od[self.name]

    def __set__(self, obj, value):
        od = obj.__dict__
        od[self.name] = value
        od.pop("_flat", None)
        for prop in self.resets:  # networkx's cached views of the old dict (as its own descriptors do)
            od.pop(prop, None)


class FlatEdgesGraph(nx.Graph):
    """An undirected simple graph on ``0..n-1`` given by edge arrays ``lo < hi`` (file order).

    Behaves as the ``networkx.Graph`` with the same nodes and edges in every
    respect; the adjacency dicts are built lazily (module docstring).
    """

    _adj = _Lazy("_adj", ("adj", "edges", "degree"))
    _node = _Lazy("_node", ("nodes",))

    @classmethod
    def from_arrays(cls, n, lo, hi, meta=None):
        """The graph on ``0..n-1`` with edges ``(lo[i], hi[i])``, ``lo < hi``, no repeats (validated by the caller).

        ``meta`` (if not None) goes to ``G.graph["reluhard"]``. A plain
        ``FlatEdgesGraph(...)`` (as networkx's ``copy`` makes) is an ordinary graph.
        """
        G = cls()
        od = G.__dict__
        del od["_adj"], od["_node"]
        od["_flat"] = (int(n), np.ascontiguousarray(lo, dtype=np.int64), np.ascontiguousarray(hi, dtype=np.int64))
        if meta is not None:
            G.graph["reluhard"] = meta
        return G

    def _materialise(self):
        od = self.__dict__
        n, lo, hi = od["_flat"]
        node = {v: {} for v in range(n)}
        adj = {v: {} for v in range(n)}
        for u, v in zip(lo.tolist(), hi.tolist()):
            d = {}
            adj[u][v] = d
            adj[v][u] = d
        od["_node"], od["_adj"] = node, adj
        od.pop("_flat", None)
        od.pop("_sorted", None)

    def flat_edges(self):
        """(n, E): E the (|E|, 2) int64 edges u < v sorted by (u, v) (a new array), or None once the dicts exist."""
        od = self.__dict__
        flat = od.get("_flat")
        if flat is None:
            return None
        n, lo, hi = flat
        key = od.get("_sorted")
        if key is None:
            key = od["_sorted"] = np.sort(lo * np.int64(max(n, 1)) + hi)
        return n, np.stack([key // max(n, 1), key % max(n, 1)], axis=1)

    def number_of_nodes(self):
        flat = self.__dict__.get("_flat")
        return flat[0] if flat is not None else super().number_of_nodes()

    order = number_of_nodes

    def __len__(self):
        return self.number_of_nodes()

    def number_of_edges(self, u=None, v=None):
        flat = self.__dict__.get("_flat")
        if flat is not None and u is None and v is None:
            return len(flat[1])
        return super().number_of_edges(u, v)
