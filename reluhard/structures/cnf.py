"""Vectorised helpers on CNF formulas shared by the SAT-side reductions."""

import json
from itertools import chain

import numpy as np

from reluhard.errors import InvalidParameterError


__all__ = ["clause_arrays", "clause_arrays_or_none", "clause_stats", "clause_matrix", "as_bool_assignment", "to_dimacs_assignment", "falsified_mask", "n_vars", "instance_meta"]


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


def clause_arrays_or_none(cnf):
    """``(flat, lengths)`` for a CNF whose clauses are lists/tuples of Python ints, else None.

    The reader's flat arrays (``cnf._reluhard_flat``) are used when present
    (no clause lists are materialised); otherwise
    :func:`reluhard.structures.hypergraph.ragged_arrays` decides, so callers can
    fall back to a clause-by-clause path for other item types.
    """
    if getattr(cnf, "_reluhard_flat", None) is not None:
        return clause_arrays(cnf)
    from .hypergraph import ragged_arrays

    return ragged_arrays(cnf.clauses)


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
    from .hypergraph import row_repeats

    dup = np.flatnonzero(row_repeats(np.abs(C)))
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


def clause_stats(flat, lengths):
    """Counts describing a clause list given as flat literals + clause lengths.

    Returns
    -------
    dict
        ``empty_clauses``, ``tautologies`` (clauses containing x and -x),
        ``repeated_literals`` (clauses containing a literal twice),
        ``width_histogram`` ({width: count}), ``duplicate_clauses`` (clauses
        equal as literal sets to an earlier one), ``unused_vars`` is left to
        the caller (it needs N).

    Notes
    -----
    Vectorised: one sort of the literals, O(L log L) for L literals; when
    every clause has the same width k <= 8, the rows are sorted by a
    compare-exchange network over k columns instead (O(L k), no global sort),
    with identical counts.
    """
    flat = np.asarray(flat, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    m = len(lengths)
    if m and len(flat) == m * int(lengths[0]) and 1 <= int(lengths[0]) <= 8 and (lengths == lengths[0]).all():
        return _uniform_clause_stats(flat.reshape(m, int(lengths[0])))
    cid = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    # one sort of a combined key: clause, then variable, then sign
    span = 2 * (int(np.abs(flat).max()) + 1) if len(flat) else 2
    key = np.sort(cid * span + 2 * np.abs(flat) + (flat > 0))
    c = key // span
    f = np.where(key % 2 == 1, 1, -1) * ((key % span) // 2)
    same_clause = c[1:] == c[:-1]
    rep = same_clause & (f[1:] == f[:-1])
    taut = same_clause & (f[1:] == -f[:-1])
    hist = np.bincount(lengths) if len(lengths) else np.zeros(0, dtype=np.int64)
    # duplicate clauses: equal literal sets have equal 64-bit set hashes
    # (wrapping sums of a 64-bit mix of each distinct literal)
    first = np.ones(len(f), dtype=bool)
    first[1:] = ~rep
    keys = np.zeros(len(lengths), dtype=np.uint64)
    if len(f):
        c1, f1 = c[first], f[first]
        starts = np.flatnonzero(np.r_[True, c1[1:] != c1[:-1]])
        with np.errstate(over="ignore"):
            keys[c1[starts]] = np.add.reduceat(_set_hash_terms(f1), starts)
    keys.sort()
    n_distinct = int(len(keys) > 0) + int(np.count_nonzero(keys[1:] != keys[:-1]))
    return {
        "empty_clauses": int((lengths == 0).sum()),
        "tautologies": int(len(np.unique(c[1:][taut]))),
        "repeated_literals": int(len(np.unique(c[1:][rep]))),
        "width_histogram": {int(w): int(hist[w]) for w in np.flatnonzero(hist)},
        "duplicate_clauses": int(len(lengths) - n_distinct),
    }


def _mix64(x):
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _set_hash_terms(f):
    """Per-literal terms of the 64-bit clause-set hash (wrapping sums of these are equal for equal sets)."""
    with np.errstate(over="ignore"):
        return _mix64(f.astype(np.uint64) + _GOLDEN)


def _uniform_clause_stats(C):
    """:func:`clause_stats` for an (m, k) clause array, without a global sort."""
    m, k = C.shape
    K = (2 * np.abs(C) + (C > 0)).T.copy()  # (k, m): key 2|l| + [l > 0], one contiguous row per column
    for p in range(k):  # odd-even transposition sort of each clause's keys
        for i in range(p % 2, k - 1, 2):
            lo = np.minimum(K[i], K[i + 1])
            np.maximum(K[i], K[i + 1], out=K[i + 1])
            K[i] = lo
    rep = np.zeros(m, dtype=bool)
    taut = np.zeros(m, dtype=bool)
    keys = np.zeros(m, dtype=np.uint64)
    for i in range(k):
        f = np.where(K[i] & 1 == 1, K[i] >> 1, -(K[i] >> 1))
        term = _set_hash_terms(f)
        if i:
            same = K[i] == K[i - 1]
            rep |= same
            taut |= (K[i] >> 1 == K[i - 1] >> 1) & ~same
            term[same] = 0
        with np.errstate(over="ignore"):
            keys += term
    keys.sort()
    n_distinct = int(m > 0) + int(np.count_nonzero(keys[1:] != keys[:-1]))
    return {
        "empty_clauses": 0,
        "tautologies": int(taut.sum()),
        "repeated_literals": int(rep.sum()),
        "width_histogram": {int(k): int(m)},
        "duplicate_clauses": int(m - n_distinct),
    }
