"""R2, step 1: CNF-SAT -> NAE-SAT with one fresh variable z.

Each clause (l_1 v ... v l_w) becomes the not-all-equal constraint
NAE(l_1, ..., l_w, z) on one fresh variable z = x_{n+1}; a 3-CNF becomes a
NAE-4-SAT formula ([GKMR21]_, Theorem 2, first step; the classical
reduction of [Sch78]_).

Claim (proved in ``docs/reductions/sat-krelu.md``, §1)
    phi is satisfiable  <=>  NAE(phi) is NAE-satisfiable.

Maps
----
forward : phi -> NAEFormula, clause C -> C + [z] (literals de-duplicated).
lift    : (completeness) a satisfying assignment alpha -> (alpha, z = false);
          every clause has a true literal and the false z, so it is not all equal.
decode  : (soundness) any NAE assignment beta -> beta restricted to x_1..x_n,
          complemented first if beta(z) is true. NAE constraints are closed
          under complement, so a NAE-satisfying beta decodes to an assignment
          with z false in which every clause has a literal unequal to z, i.e. true.
certify : {"min_unsat": u} -> adds {"nae_satisfiable": u == 0}.

References
----------
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight Hardness
   Results for Training Depth-2 ReLU Networks. ITCS 2021.
.. [Sch78] T. J. Schaefer. The complexity of satisfiability problems. STOC 1978.

Examples
--------
>>> from pysat.formula import CNF
>>> img = REDUCTION.apply(CNF(from_clauses=[[1, 2, -3]]))
>>> img.target.clauses
((1, 2, -3, 4),)
>>> img.decode(img.lift([1, -2, -3]))
[1, -2, -3]
"""

from dataclasses import dataclass, field

import numpy as np

from reluhard.errors import InvalidParameterError

from reluhard.structures.cnf import as_bool_assignment, clause_arrays_or_none, instance_meta, to_dimacs_assignment
from reluhard.structures.hypergraph import ragged_arrays, ragged_tuples, row_repeats, row_sort_order, uniform_rows
from .base import Reduction
from .sources import MAXSAT

__all__ = ["NAEFormula", "REDUCTION", "forward", "lift", "decode", "nae_violated", "falsified", "flat_clauses"]


@dataclass(frozen=True, eq=False)
class NAEFormula:
    """A not-all-equal SAT formula: every clause asks its literals not to be all equal.

    Parameters
    ----------
    clauses : tuple of tuple of int
        Signed DIMACS literals, each clause non-empty with distinct literals.
    n_vars : int
        Variables are 1..n_vars.
    meta : dict
        Provenance (source reduction, fresh variable, certificates).

    Notes
    -----
    Validation is one vectorised pass over the flat literal array when the
    clauses are lists/tuples of Python ints; other types are checked clause by clause.
    """

    clauses: tuple
    n_vars: int
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        lits = ragged_arrays(self.clauses) if isinstance(self.n_vars, (int, np.integer)) and abs(self.n_vars) < 2**63 else None
        if lits is None:  # other types: clause by clause
            for i, c in enumerate(self.clauses):
                _check_nae_clause(i, c, self.n_vars)
            return
        flat, lens = lits
        ids = np.repeat(np.arange(len(lens)), lens)
        bad = lens == 0
        n = int(self.n_vars)
        bad[ids[(flat == 0) | (flat > n) | (flat < -n)]] = True  # |lit| > n without overflow at -2^63
        if bad.any():  # the first bad clause raises, with the clause-by-clause message
            i = int(np.argmax(bad))
            _check_nae_clause(i, self.clauses[i], self.n_vars)
        if type(self.clauses) is tuple and set(map(type, self.clauses)) <= {tuple}:  # immutable: keep the flat view
            flat.flags.writeable = lens.flags.writeable = False
            object.__setattr__(self, "_flat_clauses", (flat, lens))

    @classmethod
    def from_arrays(cls, flat, lens, n_vars, meta=None, *, copy=True):
        """The formula whose clause i is the next ``lens[i]`` literals of ``flat`` (int64 arrays).

        Same checks and messages as the constructor, on the arrays; the tuple
        ``clauses`` is built on first access (the chain's next step reads the
        flat arrays), so no 10^6 clause tuples are made on the way. The
        formula keeps read-only arrays: copies of the arguments, or (with
        ``copy=False``, for a caller that hands over arrays it made and keeps
        no other reference to) the int64 arguments themselves.
        """
        flat = np.array(flat, dtype=np.int64, copy=copy or None).reshape(-1)
        lens = np.array(lens, dtype=np.int64, copy=copy or None).reshape(-1)
        nae = _FlatNAE.__new__(_FlatNAE)
        object.__setattr__(nae, "n_vars", n_vars)
        object.__setattr__(nae, "meta", {} if meta is None else meta)
        n = int(n_vars)
        bad = lens == 0
        out_of_range = (flat == 0) | (flat > n) | (flat < -n)
        if out_of_range.any():  # a clause id per literal only then
            bad[np.repeat(np.arange(len(lens)), lens)[out_of_range]] = True
        if bad.any():
            i = int(np.argmax(bad))
            start = int(lens[:i].sum())
            _check_nae_clause(i, tuple(flat[start:start + lens[i]].tolist()), n_vars)
        flat.flags.writeable = lens.flags.writeable = False
        object.__setattr__(nae, "_flat_clauses", (flat, lens))
        return nae

    def __repr__(self):
        lits = getattr(self, "_flat_clauses", None)
        return f"NAEFormula(n_vars={self.n_vars}, n_clauses={len(self.clauses) if lits is None else len(lits[1])})"


class _FlatNAE(NAEFormula):
    """An :class:`NAEFormula` made by :meth:`NAEFormula.from_arrays`: ``clauses`` (tuple of
    tuples) is built from the validated flat arrays on first access."""

    @property
    def clauses(self):
        clauses = self.__dict__.get("_clauses")
        if clauses is None:
            clauses = tuple(ragged_tuples(*self._flat_clauses))
            self.__dict__["_clauses"] = clauses
        return clauses

    @clauses.setter
    def clauses(self, value):  # the dataclass __init__ (dataclasses.replace) sets the field
        self.__dict__["_clauses"] = value


def flat_clauses(nae):
    """(flat literals, clause lengths) int64 arrays of an NAE formula's clauses, or None
    when they are not lists/tuples of Python ints (see :func:`ragged_arrays`)."""
    cached = getattr(nae, "_flat_clauses", None)
    return cached if cached is not None else ragged_arrays(nae.clauses)


def _check_nae_clause(i, c, n_vars):
    if not c:
        raise InvalidParameterError(f"NAE clause {i + 1} is empty")
    if any(lit == 0 or abs(lit) > n_vars for lit in c):
        raise InvalidParameterError(f"NAE clause {i + 1} {list(c)} has a literal outside 1..{n_vars}")


def _true_counts(clauses, values):
    """(number of true literals, clause length) per clause, vectorised over all literals."""
    lens = np.fromiter((len(c) for c in clauses), dtype=np.int64, count=len(clauses))
    lits = np.fromiter((lit for c in clauses for lit in c), dtype=np.int64, count=int(lens.sum()))
    ids = np.repeat(np.arange(len(clauses)), lens)
    true = values[np.abs(lits) - 1] == (lits > 0)
    return np.bincount(ids, weights=true, minlength=len(clauses)).astype(np.int64), lens


def nae_violated(nae, assignment):
    """Number of NAE clauses whose literals are all equal under ``assignment`` (minimised)."""
    t, lens = _true_counts(nae.clauses, as_bool_assignment(assignment, nae.n_vars))
    return int(((t == 0) | (t == lens)).sum())


def falsified(cnf, assignment):
    """Number of clauses of the CNF falsified by ``assignment`` (minimised; any clause width)."""
    t, _ = _true_counts(cnf.clauses, as_bool_assignment(assignment, _n_vars(cnf)))
    return int((t == 0).sum())


def _n_vars(cnf, flat=None):
    """max(nv, largest variable); ``flat`` is the literal array when the caller has it."""
    if flat is None:
        used = max((abs(lit) for c in cnf.clauses for lit in c), default=0)
    else:
        used = max(int(flat.max()), -int(flat.min())) if flat.size else 0
    return max(int(getattr(cnf, "nv", 0) or 0), used)


# ---------------------------------------------------------------- the maps

def _check_cnf_clause(i, c):
    if len(c) == 0:
        raise InvalidParameterError(f"clause {i + 1} is empty; NAE-SAT needs non-empty clauses")
    if any(lit == 0 for lit in c):
        raise InvalidParameterError(f"clause {i + 1} contains the literal 0")


def params(cnf, raw):
    """Validate the CNF (no empty clause, no literal 0); n = max(nv, largest variable).

    Vectorised over the flat literal array (clause by clause only for clauses
    that are not lists/tuples of Python ints).
    """
    lits = clause_arrays_or_none(cnf)
    if lits is None:
        for i, c in enumerate(cnf.clauses):
            _check_cnf_clause(i, c)
        n = _n_vars(cnf)
    else:
        flat, lens = lits
        bad = lens == 0
        if not flat.all():  # the clauses holding a literal 0 (a clause id per literal only then)
            bad[np.repeat(np.arange(len(lens)), lens)[flat == 0]] = True
        if bad.any():
            i = int(np.argmax(bad))
            _check_cnf_clause(i, cnf.clauses[i])
        n = _n_vars(cnf, flat)
    return {"n": n, "z": n + 1, "m": len(cnf.clauses) if lits is None else len(lits[1])}


def forward(cnf, p):
    """phi -> NAE(phi): clause C -> C + [z], z = n + 1 (O(total literals)).

    Vectorised: repeated literals are dropped (first occurrence kept) by one
    stable sort of (clause, literal) pairs, and z is placed by index arithmetic.
    """
    z = p["z"]
    lits = clause_arrays_or_none(cnf) if type(z) is int and z < 2**63 else None
    if lits is None:  # other literal types: clause by clause
        clauses = tuple(tuple(dict.fromkeys(int(lit) for lit in c)) + (z,) for c in cnf.clauses)
    elif (uniform := _distinct_rows(*lits)) is not None:  # one width k, no literal repeated in a clause
        out = np.empty((uniform.shape[0], uniform.shape[1] + 1), dtype=np.int64)
        out[:, :-1] = uniform
        out[:, -1] = z
        lens = np.full(uniform.shape[0], uniform.shape[1] + 1, dtype=np.int64)
        out = out.reshape(-1)
    else:
        flat, lens = lits
        ids = np.repeat(np.arange(len(lens)), lens)
        order = row_sort_order(flat, ids)  # stable: equal literals keep their clause order
        keep = np.ones(flat.size, dtype=bool)
        keep[order[1:][(flat[order[1:]] == flat[order[:-1]]) & (ids[order[1:]] == ids[order[:-1]])]] = False
        lens = np.bincount(ids[keep], minlength=len(lens)) + 1
        out = np.full(int(lens.sum()), z, dtype=np.int64)
        is_lit = np.ones(out.size, dtype=bool)
        is_lit[np.cumsum(lens) - 1] = False  # the last slot of every clause is z
        out[is_lit] = flat[keep]
    meta = {"reduction": "sat-nae", "fresh_variable": z, "n_source_vars": p["n"], "source_meta": instance_meta(cnf)}
    if lits is not None:
        return NAEFormula.from_arrays(out, lens, z, meta, copy=False)
    return NAEFormula(clauses, z, meta)


def _distinct_rows(flat, lens, max_width=8):
    """The clauses as an (m, k) view when all have one width k <= max_width and none repeats a literal, else None.

    The general path below drops repeated literals by a sort of (clause, literal) pairs; when
    there is nothing to drop its result is the clauses as written, so both paths give the same formula.
    """
    F = uniform_rows(flat, lens, max_width)
    return None if F is None or row_repeats(F).any() else F


def lift(cnf, p, assignment):
    """Completeness: alpha -> (alpha, z = false), as DIMACS signed ints over 1..n+1."""
    alpha = as_bool_assignment(assignment, p["n"])
    return to_dimacs_assignment(np.concatenate([alpha, [False]]))


def decode(cnf, p, nae_assignment):
    """Soundness: beta -> beta|_{1..n}, complemented first when beta(z) is true."""
    beta = as_bool_assignment(nae_assignment, p["z"])
    if beta[-1]:
        beta = ~beta
    return to_dimacs_assignment(beta[:-1])


def value(cnf, assignment):
    """#clauses falsified by the assignment (the source objective, minimised)."""
    return falsified(cnf, assignment)


def certify(cnf, p, cert):
    """A certified u = min #falsified transfers as "NAE-satisfiable iff u = 0"."""
    out = dict(cert)
    if cert.get("min_unsat") is not None:
        out["nae_satisfiable"] = cert["min_unsat"] == 0
    return out


REDUCTION = Reduction(
    name="sat-nae",
    source=MAXSAT,
    source_kind="cnf",
    target_kind="nae",
    forward=forward,
    lift=lift,
    decode=decode,
    params=params,
    certify=certify,
    value=value,
    summary="CNF-SAT -> NAE-SAT: NAE(C, z) per clause, one fresh variable z; satisfiable iff NAE-satisfiable",
)
