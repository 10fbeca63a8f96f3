"""Random k-SAT: uniform F_k(n, m), planted (and quietly planted), bounded occurrence.

Every function has two forms: ``*_array`` returns the clause matrix (an
``(m, k)`` int64 array of signed DIMACS literals, variables sorted inside
each clause) together with its metadata dict, and is what the CLI writes
directly; the plain form wraps the same data in a ``pysat.formula.CNF`` whose
``comments`` hold the one ``c reluhard {json}`` metadata line.

The metadata dict has the keys ``generator``, ``params``, ``sampling``
(``"independent"``: clauses drawn independently, duplicates possible, as in
the standard model F_k(n, m); ``"distinct"``: drawn without repetition),
``seed`` and ``certificate`` (``{"assignment": [signed DIMACS ints]}`` for
planted instances, else None).

References
----------
.. [AJM05] D. Achlioptas, H. Jia, C. Moore. Hiding satisfying assignments:
   two are better than one. J. Artif. Intell. Res. 24 (2005) 623-639.
.. [BHL02] W. Barthel, A. K. Hartmann, M. Leone, F. Ricci-Tersenghi,
   M. Weigt, R. Zecchina. Hiding solutions in random satisfiability problems:
   a statistical mechanics approach. Phys. Rev. Lett. 88 (2002) 188701.
"""

import itertools
import math

import numpy as np

from reluhard.errors import InvalidParameterError
from reluhard.io._meta import meta_line

from ._common import check_allocation, check_count, resolve_seed, sample_k_subsets, unique_rows

__all__ = [
    "ksat_array",
    "random_ksat_array",
    "random_ksat",
    "planted_ksat_array",
    "planted_ksat",
    "planted_3sat",
    "bounded_occurrence_ksat_array",
    "bounded_occurrence_ksat",
    "clauses_to_cnf",
]

_MAX_REPAIR_ROUNDS = 200


def ksat_array(n_vars, n_clauses, *, k=3, planted=False, quiet=False, max_occurrence=None, distinct=False, seed=None,
               dtype=np.int64):
    """Sample a k-CNF as a clause array; the one entry point behind every k-SAT generator.

    Parameters
    ----------
    n_vars : int
        Number of variables n >= k.
    n_clauses : int
        Number of clauses m >= 0.
    k : int, default 3
        Clause width; every clause has k distinct variables.
    planted : bool, default False
        Hide a uniform random assignment sigma and draw each clause uniformly
        among the clauses (on its k variables) that sigma satisfies.
    quiet : bool, default False
        Quiet planting (requires ``planted``, k >= 2): draw each clause
        uniformly among those satisfied by both sigma and its negation, i.e.
        with 1..k-1 true literals under sigma ("2-hidden" [AJM05]). Every
        literal of sigma is then true in a clause as often as it is false in
        expectation, so majority vote agrees with sigma on about half of the
        variables, whereas for plain planting it agrees on clearly more.
    max_occurrence : int or None
        If given (B), every variable occurs in at most B clauses; needs
        k m <= B n. See :func:`bounded_occurrence_ksat_array`.
    distinct : bool, default False
        Draw clauses without repetition (a clause is its set of literals).
        Not combinable with ``max_occurrence``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Randomness; None draws a fresh seed and records it in the metadata.
    dtype : numpy.int64 (default) or numpy.int32
        Integer type of the clause array (int32 needs n_vars < 2^31; it halves
        the memory and the arithmetic, as the CLI's writer uses). The values,
        and so the written file, do not depend on it.

    Returns
    -------
    clauses : ndarray of ``dtype``, shape (n_clauses, k)
        Signed 1-based DIMACS literals, variables increasing along each row.
    meta : dict
        Generator name, parameters, sampling mode, seed and certificate.

    Raises
    ------
    InvalidParameterError
        Negative counts, k > n, k < 1, quiet without planted, an infeasible
        occurrence bound, or more distinct clauses than exist.

    Notes
    -----
    O(m k^2) vectorised work and O(m k) memory (plus O(n) for the planted
    assignment); n = 10^5, m = 4.26 n takes well under 0.1 s.
    """
    n_vars = check_count(n_vars, "n_vars")
    n_clauses = check_count(n_clauses, "n_clauses")
    k = check_count(k, "k", min_val=1)
    check_allocation(n_clauses * k + n_vars, f"{n_clauses} clauses of width {k} over {n_vars} variables")
    if k > n_vars:
        raise InvalidParameterError(f"k = {k} distinct variables per clause needs n_vars >= k, got n_vars = {n_vars}")
    planted, quiet, distinct = bool(planted), bool(quiet), bool(distinct)
    if quiet and not planted:
        raise InvalidParameterError("quiet planting needs planted=True")
    if quiet and k < 2:
        raise InvalidParameterError("quiet planting needs k >= 2 (a 1-clause cannot be satisfied by sigma and its negation)")
    if max_occurrence is not None:
        max_occurrence = check_count(max_occurrence, "max_occurrence", min_val=1)
        if k * n_clauses > max_occurrence * n_vars:
            raise InvalidParameterError(
                f"occurrence bound infeasible: {n_clauses} clauses of width {k} need {k * n_clauses} variable "
                f"slots but {n_vars} variables x max_occurrence {max_occurrence} = {max_occurrence * n_vars}"
            )
        if distinct:
            raise InvalidParameterError("distinct=True is not supported together with max_occurrence")

    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.int64), np.dtype(np.int32)):
        raise InvalidParameterError(f"dtype must be int64 or int32, got {dtype}")
    if dtype == np.int32 and n_vars >= 2**31:
        raise InvalidParameterError(f"dtype int32 needs n_vars < 2^31, got n_vars = {n_vars}")
    rng, recorded = resolve_seed(seed)
    sigma = None
    if planted:
        sigma = np.where(rng.integers(0, 2, size=n_vars, dtype=np.int8) == 1, 1, -1).astype(np.int64)
    n_patterns = (2**k - 2) if quiet else (2**k - 1) if planted else 2**k

    def draw(size):
        if max_occurrence is not None:
            var = np.sort(_bounded_variables(rng, n_vars, size, k, max_occurrence), axis=1)
        else:
            var = sample_k_subsets(rng, n_vars, size, k, dtype=dtype)
        return _literals(rng, var, sigma, quiet, k)

    if distinct:
        clauses = _draw_distinct(rng, draw, n_vars, n_clauses, k, n_patterns, sigma, quiet)
    else:
        clauses = draw(n_clauses)
    clauses = clauses.astype(dtype, copy=False)

    if max_occurrence is not None:
        name = "bounded-occurrence-ksat"
    else:
        name = "planted-ksat" if planted else "random-ksat"
    meta = {
        "generator": name,
        "params": {
            "n_vars": n_vars,
            "n_clauses": n_clauses,
            "k": k,
            "planted": planted,
            "quiet": quiet,
            "max_occurrence": max_occurrence,
            "distinct": distinct,
        },
        "sampling": "distinct" if distinct else "independent",
        "seed": recorded,
        "certificate": None if sigma is None else {"assignment": (np.arange(1, n_vars + 1) * sigma).tolist()},
    }
    return clauses, meta


def _literals(rng, var, sigma, quiet, k):
    """Attach signs to 0-based variable rows: uniform, or per the planted pattern."""
    m = len(var)
    if sigma is None:
        negative = rng.integers(0, 2, size=(m, k), dtype=np.int8)
        lit = var + 1
        lit *= np.subtract(1, 2 * negative, dtype=lit.dtype)  # -1 where negative (faster than where=)
        return lit
    # a pattern is a k-bit mask of the literals that sigma makes true;
    # 0 (all false) is excluded, and for quiet planting also 2^k - 1 (all true)
    high = 2**k - 1 if quiet else 2**k
    pattern = rng.integers(1, high, size=m, dtype=np.int64)
    true_lit = ((pattern[:, None] >> np.arange(k, dtype=np.int64)) & 1).astype(bool)
    sign = np.where(true_lit, sigma[var], -sigma[var])
    return sign * (var + 1)


def _bounded_variables(rng, n, m, k, bound):
    """Variable rows with every variable used at most ``bound`` times.

    Configuration model: a random permutation of the B n variable slots (each
    variable repeated B times); the first k m slots, k per clause. Clauses that
    got a variable twice are repaired by swapping the repeated slot with a
    uniformly random slot (used or spare) whenever the swap leaves both sides
    with distinct variables. Expected number of repaired clauses is O(k^2 m / n).
    """
    slots = rng.permutation(np.repeat(np.arange(n, dtype=np.int64), bound))
    used = slots[: k * m].reshape(m, k)
    spare = slots[k * m:]
    for _ in range(_MAX_REPAIR_ROUNDS):
        srt = np.sort(used, axis=1)
        bad = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))
        if len(bad) == 0:
            return used
        _repair(rng, used, spare, bad, k)
    raise InvalidParameterError(
        f"could not place {m} clauses with max_occurrence {bound} on {n} variables; the bound is too tight"
    )


def _repair(rng, used, spare, bad, k):
    """One round of random swaps for the clauses in ``bad`` (few; in place)."""
    total = used.size + spare.size
    partners = rng.integers(0, total, size=(len(bad), 8))
    for row, tries in zip(bad.tolist(), partners.tolist()):
        clause = used[row]
        vals, counts = np.unique(clause, return_counts=True)
        if (counts == 1).all():
            continue  # fixed meanwhile as another clause's swap partner
        col = int(np.flatnonzero(clause == vals[counts > 1][0])[1])
        x = int(clause[col])
        for t in tries:
            if t < used.size:
                prow, pcol = divmod(t, k)
                if prow == row:
                    continue
                y = int(used[prow, pcol])
                other = used[prow]
                ok = y not in clause and (x == y or x not in np.delete(other, pcol))
                if ok:
                    used[row, col], used[prow, pcol] = y, x
                    break
            else:
                y = int(spare[t - used.size])
                if y not in clause:
                    used[row, col], spare[t - used.size] = y, x
                    break


def _draw_distinct(rng, draw, n, m, k, n_patterns, sigma, quiet):
    """Clauses without repetition: enumerate when the space is small, else top up draws."""
    space = math.comb(n, k) * n_patterns
    if m > space:
        raise InvalidParameterError(f"only {space} distinct clauses exist for n_vars={n}, k={k}; asked for {m}")
    if 2 * m >= space:
        every = _all_clauses(n, k, sigma, quiet)
        return every[rng.choice(len(every), size=m, replace=False)]
    have = np.zeros((0, k), dtype=np.int64)
    while len(have) < m:
        batch = draw(2 * (m - len(have)) + 16)
        pool = np.concatenate([have, batch])
        have = pool[unique_rows(pool)]
    return have[:m]


def _all_clauses(n, k, sigma, quiet):
    """Every admissible clause (small spaces only), in a fixed order."""
    var = np.array(list(itertools.combinations(range(n), k)), dtype=np.int64).reshape(-1, k)
    bits = np.array(list(itertools.product((0, 1), repeat=k)), dtype=bool)  # True = literal negative / false
    var_rep = np.repeat(var, len(bits), axis=0)
    bits_rep = np.tile(bits, (len(var), 1))
    if sigma is None:
        return np.where(bits_rep, -(var_rep + 1), var_rep + 1)
    true_lit = ~bits_rep
    n_true = true_lit.sum(axis=1)
    keep = n_true >= 1
    if quiet:
        keep &= n_true <= k - 1
    sign = np.where(true_lit, sigma[var_rep], -sigma[var_rep])
    return (sign * (var_rep + 1))[keep]


def clauses_to_cnf(clauses, n_vars, meta=None):
    """Wrap a clause array in a ``pysat.formula.CNF`` (``nv = n_vars``, meta in ``comments``).

    Parameters
    ----------
    clauses : array_like of int, shape (m, k)
        Signed DIMACS literals.
    n_vars : int
        Number of variables (written in the ``p cnf`` header even when the
        largest variable does not occur).
    meta : dict or None
        Stored as the single comment ``c reluhard {json}``.

    Notes
    -----
    Builds the clause lists with one ``ndarray.tolist`` call: O(m k).
    """
    from pysat.formula import CNF

    cnf = CNF()
    cnf.clauses = np.asarray(clauses, dtype=np.int64).tolist()
    cnf.nv = int(n_vars)
    cnf.comments = [] if meta is None else [meta_line(meta)]
    return cnf


def random_ksat_array(n_vars, n_clauses, *, k=3, distinct=False, seed=None):
    """Uniform random k-SAT F_k(n, m) as ``(clauses, meta)``; see :func:`ksat_array`.

    Each clause picks k distinct variables uniformly and k independent
    uniform signs; clauses are independent (``distinct=True``: no repeats).

    Examples
    --------
    >>> clauses, meta = random_ksat_array(10, 4, seed=0)
    >>> clauses.shape, meta["sampling"]
    ((4, 3), 'independent')
    """
    return ksat_array(n_vars, n_clauses, k=k, distinct=distinct, seed=seed)


def random_ksat(n_vars, n_clauses, *, k=3, distinct=False, seed=None):
    """Uniform random k-SAT F_k(n, m) as a ``pysat.formula.CNF``; see :func:`ksat_array`."""
    clauses, meta = random_ksat_array(n_vars, n_clauses, k=k, distinct=distinct, seed=seed)
    return clauses_to_cnf(clauses, n_vars, meta)


def planted_ksat_array(n_vars, n_clauses, *, k=3, quiet=False, distinct=False, seed=None):
    """Planted k-SAT as ``(clauses, meta)``; the hidden assignment is ``meta["certificate"]``.

    Clauses are uniform among those the hidden assignment satisfies (each of
    the 2^k - 1 satisfied sign patterns equally likely), or with
    ``quiet=True`` among those it NAE-satisfies; see :func:`ksat_array`.
    """
    return ksat_array(n_vars, n_clauses, k=k, planted=True, quiet=quiet, distinct=distinct, seed=seed)


def planted_ksat(n_vars, n_clauses, *, k=3, quiet=False, distinct=False, seed=None):
    """Planted k-SAT as a ``pysat.formula.CNF``; see :func:`planted_ksat_array`."""
    clauses, meta = planted_ksat_array(n_vars, n_clauses, k=k, quiet=quiet, distinct=distinct, seed=seed)
    return clauses_to_cnf(clauses, n_vars, meta)


def planted_3sat(n_vars, n_clauses, *, quiet=False, distinct=False, seed=None):
    """Planted 3-SAT as a ``pysat.formula.CNF`` (``planted_ksat`` with k = 3).

    Examples
    --------
    >>> cnf = planted_3sat(20, 80, seed=1)
    >>> len(cnf.clauses), cnf.nv
    (80, 20)
    """
    return planted_ksat(n_vars, n_clauses, k=3, quiet=quiet, distinct=distinct, seed=seed)


def bounded_occurrence_ksat_array(n_vars, n_clauses, *, max_occurrence, k=3, planted=False, quiet=False, seed=None):
    """k-SAT in which every variable occurs in at most ``max_occurrence`` clauses.

    Variables are placed by a configuration model (random matching of clause
    positions to B copies of each variable, with local swaps repairing
    clauses that received a variable twice), so the occurrence bound holds
    exactly while the distribution is close to, not exactly, uniform among
    formulas with the bound. Signs are uniform (unconstrained variant) or
    follow a hidden assignment as in :func:`planted_ksat_array` (``planted``,
    optionally ``quiet``).

    Raises
    ------
    InvalidParameterError
        If ``k * n_clauses > max_occurrence * n_vars`` (infeasible), or the
        usual count checks.

    Notes
    -----
    O(B n + m k) time and memory.
    """
    return ksat_array(
        n_vars, n_clauses, k=k, planted=planted, quiet=quiet, max_occurrence=max_occurrence, seed=seed
    )


def bounded_occurrence_ksat(n_vars, n_clauses, *, max_occurrence, k=3, planted=False, quiet=False, seed=None):
    """Bounded-occurrence k-SAT as a ``pysat.formula.CNF``; see :func:`bounded_occurrence_ksat_array`."""
    clauses, meta = bounded_occurrence_ksat_array(
        n_vars, n_clauses, max_occurrence=max_occurrence, k=k, planted=planted, quiet=quiet, seed=seed
    )
    return clauses_to_cnf(clauses, n_vars, meta)
