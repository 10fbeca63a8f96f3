"""Hypergraph 2-colouring (set splitting) through PySAT.

One Boolean per vertex (true = colour 1); every edge c gets the two clauses
OR_{v in c} x_v and OR_{v in c} ~x_v (some vertex of each colour). The
answer is three-way: True (a proper colouring is returned), False (proved
not 2-colourable), None (the budget ran out).

Objective sense: the oracle's ``value`` is 0 if H is 2-colourable and 1 if
it is not (conventions §8), i.e. the minimum over colourings of
[some edge is monochromatic].
"""

import time

import numpy as np

from reluhard.errors import BudgetExhausted
from reluhard.structures.hypergraph import check_hypergraph, monochromatic

from ._timeout import Budget

from .base import CombinatorialResult, require

__all__ = ["two_colour", "colourability_oracle", "colouring_cnf"]

#: Glucose 4 supports ``solve_limited`` with interrupts (CaDiCaL does not)
SOLVER = "g4"


def colouring_cnf(h):
    """The set-splitting CNF of ``h`` as a list of clauses (variables 1..n_vertices)."""
    csr = check_hypergraph(h)
    lits = csr.indices + 1
    pos = np.split(lits, csr.indptr[1:-1]) if csr.n_edges else []
    return [c.tolist() for c in pos] + [(-c).tolist() for c in pos], csr


def _sat_call(clauses, conflict_budget):
    solvers = require("pysat.solvers", "python-sat")
    with solvers.Solver(name=SOLVER, bootstrap_with=clauses) as s:
        if conflict_budget is not None:
            s.conf_budget(int(conflict_budget))
            status = s.solve_limited()
        else:
            status = s.solve()
        return status, (s.get_model() if status else None)


def two_colour(h, *, time_limit=None, conflict_budget=None):
    """Decide 2-colourability of a hypergraph.

    Parameters
    ----------
    h : Hypergraph
        ``n_vertices`` and ``edges`` (tuples of 0-based vertex ids, non-empty).
    time_limit : float, optional
        Seconds; the SAT call runs in a subprocess killed when they pass (:class:`Budget`).
    conflict_budget : int, optional
        Deterministic budget (conflicts), as PySAT's ``conf_budget``.

    Returns
    -------
    (status, colouring) : status True / False / None; colouring a list of
        0/1 per vertex (proper) when status is True, else None.

    Raises
    ------
    InvalidParameterError
        ``h`` has an empty edge or a vertex id out of range.

    Examples
    --------
    >>> from reluhard.structures.hypergraph import make_hypergraph
    >>> two_colour(make_hypergraph(3, [(0, 1), (1, 2), (0, 2)]))
    (False, None)
    """
    clauses, csr = colouring_cnf(h)
    try:
        status, model = Budget(time_limit).run(_sat_call, clauses, conflict_budget, what="2-colouring SAT call")
    except BudgetExhausted:
        return None, None
    if not status:
        return status, None
    chi = np.zeros(csr.n_vertices, dtype=np.int64)
    lits = np.asarray([lit for lit in model if 0 < abs(lit) <= csr.n_vertices], dtype=np.int64)
    chi[np.abs(lits[lits > 0]) - 1] = 1
    if monochromatic(csr, chi).any():  # pragma: no cover - would be a solver bug
        raise AssertionError("SAT model is not a proper colouring")
    return True, chi.tolist()


def colourability_oracle(h, *, time_limit=None):
    """Combinatorial oracle for hypergraph sources (``ORACLES["hypergraph"]``).

    value 0 if 2-colourable (witness: a proper colouring), 1 if not, None on timeout;
    cert ``{"colourable": bool}``.
    """
    t0 = time.perf_counter()
    status, chi = two_colour(h, time_limit=time_limit)
    dt = time.perf_counter() - t0
    if status is None:
        return CombinatorialResult("2-colouring", None, None, False, {}, dt, status="timeout")
    return CombinatorialResult("2-colouring", 0 if status else 1, chi, True, {"colourable": bool(status)}, dt)
