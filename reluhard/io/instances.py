"""Read a source instance of a given kind from a file (the CLI's one entry point)."""

from ..errors import InvalidParameterError

__all__ = ["read_instance", "instance_sha256"]


def read_instance(path, kind, **kw):
    """Read ``path`` as a ``kind`` instance ("cnf", "graph", "hypergraph")."""
    if kind == "cnf":
        from .dimacs import read_cnf

        cnf, _info = read_cnf(path, stats=False)
        return cnf
    if kind == "graph":
        from . import graphs

        return graphs.read_graph(path, **kw)
    if kind == "hypergraph":
        from . import hgr

        return hgr.read_hgr(path, **kw)
    raise InvalidParameterError(f"no reader for instance kind {kind!r}")


def instance_sha256(instance, kind):
    """sha256 of the canonical instance (independent of comments and file layout)."""
    if kind == "cnf":
        from .dimacs import cnf_sha256

        return cnf_sha256(instance)
    if kind == "graph":
        from .graphs import graph_sha256

        return graph_sha256(instance)
    if kind == "hypergraph":
        from .hgr import hypergraph_sha256

        return hypergraph_sha256(instance)
    return None

