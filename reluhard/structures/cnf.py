"""Vectorised helpers on CNF formulas shared by the SAT-side reductions."""

import json
from itertools import chain

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = ["clause_arrays", "clause_matrix", "as_bool_assignment", "to_dimacs_assignment", "falsified_mask", "n_vars", "instance_meta"]


def n_vars(cnf):
    return int(getattr(cnf, "nv", 0) or 0)


def instance_meta(obj):
    """The ``reluhard`` metadata attached to a CNF (comment line) or graph (attribute)."""
    graph = getattr(obj, "graph", None)
    if isinstance(graph, dict):
        return dict(graph.get("reluhard") or {})
    for line in getattr(obj, "comments", None) or ():
        s = line.lstrip("c").strip()
        if s.startswith("reluhard "):
            try:
                meta = json.loads(s[len("reluhard "):])
            except ValueError:
                continue
            if isinstance(meta, dict):
                return meta
    return {}


def clause_arrays(cnf):
    """The clauses as ``(flat, lengths)``: int64 literals in order and int64 clause lengths.

    Parameters
    ----------
    cnf : pysat.formula.CNF, ndarray (m, k) or list of clauses
        A CNF read by :func:`reluhard.io.dimacs.read_cnf` carries its flat
        arrays as ``cnf._reluhard_flat = (flat, lengths)``; they are used as
        they are (no copy, no clause lists materialised). Otherwise the clause
        lists are converted in O(total literals) without a per-clause Python loop.

    Raises
    ------
    InvalidParameterError
        A clause array that is not 2-D.
    """
    cached = getattr(cnf, "_reluhard_flat", None)
    if cached is not None:
        flat, lengths = cached
        return np.asarray(flat, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    clauses = cnf.clauses if hasattr(cnf, "clauses") else cnf
    if isinstance(clauses, np.ndarray):
        if clauses.ndim != 2:
            raise InvalidParameterError(f"clause array must be 2-D, got shape {clauses.shape}")
        arr = clauses.astype(np.int64, copy=False)
        return arr.ravel(), np.full(arr.shape[0], arr.shape[1], dtype=np.int64)
    lengths = np.fromiter(map(len, clauses), dtype=np.int64, count=len(clauses))
    flat = np.fromiter(chain.from_iterable(clauses), dtype=np.int64, count=int(lengths.sum()))
    return flat, lengths


def clause_matrix(cnf, width=3):
    """The clauses as an (m, width) int64 array of signed DIMACS literals.

    Raises InvalidParameterError naming the first clause (1-based) that does not
    have exactly ``width`` distinct variables.
    """
    flat, lens = clause_arrays(cnf)
    m = len(lens)
    starts = np.cumsum(lens) - lens

    def show(i):
        return flat[starts[i]: starts[i] + lens[i]].tolist()

    bad = np.flatnonzero(lens != width)
    if bad.size:
        i = int(bad[0])
        raise InvalidParameterError(
            f"clause {i + 1} {show(i)} has {lens[i]} literals; this reduction needs exactly {width} distinct variables per clause"
        )
    C = flat.reshape(m, width)
    if getattr(cnf, "_reluhard_flat", None) is not None:
        C = C.copy()  # never hand out a view of the formula's own arrays
    V = np.sort(np.abs(C), axis=1)
    dup = np.flatnonzero((V[:, 1:] == V[:, :-1]).any(axis=1)) if m else np.array([], dtype=np.int64)
    if dup.size:
        i = int(dup[0])
        raise InvalidParameterError(
            f"clause {i + 1} {show(i)} repeats a variable; this reduction needs exactly {width} distinct variables per clause"
        )
    if m and (C == 0).any():
        raise InvalidParameterError("literal 0 inside a clause")
    return C


def as_bool_assignment(assignment, n):
    """Accept DIMACS signed ints (variables not listed are false) or a length-n bool array."""
    a = np.asarray(list(assignment) if not isinstance(assignment, np.ndarray) else assignment)
    if a.dtype == bool:
        if a.shape != (n,):
            raise InvalidParameterError(f"boolean assignment must have length {n}, got {a.shape}")
        return a.copy()
    a = a.astype(np.int64)
    out = np.zeros(n, dtype=bool)
    if a.size:
        v = np.abs(a)
        if v.min() < 1 or v.max() > n:
            raise InvalidParameterError(f"assignment literal out of range 1..{n}")
        out[v[a > 0] - 1] = True
        out[v[a < 0] - 1] = False
    return out


def to_dimacs_assignment(values):
    """Bool array -> DIMACS signed int list [±1, ±2, ...]."""
    idx = np.arange(1, len(values) + 1)
    return [int(v) for v in np.where(values, idx, -idx)]


def falsified_mask(C, values):
    """Boolean mask of clauses (rows of C) falsified by the bool assignment ``values``."""
    if C.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    lit_true = values[np.abs(C) - 1] == (C > 0)
    return ~lit_true.any(axis=1)
