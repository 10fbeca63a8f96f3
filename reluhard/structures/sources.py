"""Source instances at the public boundary: accept what a user of PySAT or
networkx would pass, refuse the rest with a typed error (never an
``AttributeError`` from deep inside a reduction).

``as_source(obj, kind)`` returns the instance normalised (like scikit-learn's
``check_*`` functions):

* ``"cnf"``: a ``pysat.formula.CNF`` as is; a plain list (or tuple / 2-D
  integer array) of clauses, each a sequence of non-zero integers, becomes a
  ``CNF``; a ``WCNF`` (weighted MaxSAT) is refused: its soft clauses carry
  weights the reductions do not read, and its hard clauses no meaning they give;
* ``"graph"``: an undirected simple ``networkx.Graph``;
* ``"hypergraph"``: anything with ``n_vertices`` and ``edges`` (checked by the
  reduction's own validation).
"""

import numbers

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = ["as_source"]


def _as_cnf(obj):
    from pysat.formula import CNF

    try:
        from pysat.formula import WCNF, WCNFPlus
    except ImportError:  # pragma: no cover - old python-sat
        from pysat.formula import WCNF

        WCNFPlus = WCNF
    if isinstance(obj, (WCNF, WCNFPlus)):
        raise InvalidParameterError(
            "a WCNF (weighted MaxSAT formula) is not a CNF source: the reductions count every clause once; "
            "pass CNF(from_clauses=wcnf.hard + wcnf.soft) if that is what you mean"
        )
    if isinstance(obj, CNF):
        return obj
    if isinstance(obj, np.ndarray):
        if obj.ndim != 2 or not np.issubdtype(obj.dtype, np.integer):
            raise InvalidParameterError(f"a clause array must be 2-D and integer, got shape {obj.shape} dtype {obj.dtype}")
        obj = obj.tolist()
    if not isinstance(obj, (list, tuple)):
        raise InvalidParameterError(
            f"expected a pysat.formula.CNF or a list of clauses (lists of non-zero ints), got {type(obj).__name__}"
        )
    clauses = []
    for i, clause in enumerate(obj):
        if not isinstance(clause, (list, tuple, np.ndarray)):
            raise InvalidParameterError(f"clause {i} is a {type(clause).__name__}, not a list of literals")
        lits = []
        for lit in clause:
            if isinstance(lit, (bool, np.bool_)) or not isinstance(lit, numbers.Integral) or lit == 0:
                raise InvalidParameterError(f"clause {i} {list(clause)!r}: literals are non-zero integers, got {lit!r}")
            lits.append(int(lit))
        clauses.append(lits)
    return CNF(from_clauses=clauses)


def _as_graph(obj):
    import networkx as nx

    if not isinstance(obj, nx.Graph) or obj.is_directed() or obj.is_multigraph():
        raise InvalidParameterError(f"expected an undirected simple networkx.Graph, got {type(obj).__name__}")
    return obj


def _as_hypergraph(obj):
    if not (hasattr(obj, "n_vertices") and hasattr(obj, "edges")):
        raise InvalidParameterError(
            f"expected a hypergraph (reluhard.generators.hypergraphs.Hypergraph), got {type(obj).__name__}"
        )
    return obj


_CHECKS = {"cnf": _as_cnf, "graph": _as_graph, "hypergraph": _as_hypergraph}


def as_source(obj, kind):
    """``obj`` as a source instance of ``kind`` ("cnf", "graph", "hypergraph"), or InvalidParameterError."""
    try:
        check = _CHECKS[kind]
    except KeyError:
        return obj  # kinds without a boundary check (intermediate chain stages) pass unchanged
    return check(obj)
