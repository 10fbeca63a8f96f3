"""The reader's CNF type: a :class:`pysat.formula.CNF` whose clause lists are built on first access."""

import numpy as np
from pysat.formula import CNF

__all__ = ["FlatCNF"]


class FlatCNF(CNF):
    """A :class:`pysat.formula.CNF` whose ``clauses`` list is built on first access.

    The reader stores the clauses as two numpy arrays, available as
    ``cnf._reluhard_flat = (flat, lengths)``: ``flat`` is int64, every literal
    of every clause in file order (DIMACS signed ints, no terminating zeros);
    ``lengths`` is int64, the number of literals of each clause
    (``lengths.sum() == len(flat)``; 0 for an empty clause). Reading
    ``cnf.clauses`` materialises the list of lists once; from then on the list
    is the truth (callers may mutate it as with any CNF) and
    ``_reluhard_flat`` is None. Assigning ``cnf.clauses`` also drops the arrays.
    """

    def __init__(self, flat=None, lengths=None, *, n_vars=0, comments=(), canonical_body=None):
        super().__init__()
        self.nv = int(n_vars)
        self.comments = list(comments)
        if flat is not None:
            flat.flags.writeable = lengths.flags.writeable = False  # the arrays are the formula: read-only
            self.__dict__["_clauses"] = None
            self.__dict__["_flat"] = (flat, lengths)
            # the file's clause text when it is exactly the canonical text of these clauses (see
            # reluhard.io.dimacs.cnf_sha256): hashed as it is, with no re-formatting
            self.__dict__["_canonical"] = canonical_body

    @property
    def clauses(self):
        c = self.__dict__.get("_clauses")
        if c is None:
            flat = self.__dict__.get("_flat")
            c = [] if flat is None else _materialise(*flat)
            self.__dict__["_clauses"] = c
            self.__dict__["_flat"] = self.__dict__["_canonical"] = None  # from now on the (mutable) list is the truth
        return c

    @clauses.setter
    def clauses(self, value):
        self.__dict__["_clauses"] = value
        self.__dict__["_flat"] = self.__dict__["_canonical"] = None

    @property
    def _reluhard_canonical(self):
        """The canonical clause text (bytes, from ``"1 -2 3 0\\n"`` on) of the file read, or None."""
        return self.__dict__.get("_canonical") if self.__dict__.get("_flat") is not None else None

    @property
    def _reluhard_flat(self):
        """``(flat, lengths)`` int64 arrays while ``clauses`` is not materialised, else None."""
        return self.__dict__.get("_flat")


def _materialise(flat, lengths):
    m = len(lengths)
    if m and len(flat) == m * int(lengths[0]) and (lengths == lengths[0]).all():
        if lengths[0] == 0:
            return [[] for _ in range(m)]
        return flat.reshape(m, -1).tolist()
    fl = flat.tolist()
    ends = np.cumsum(lengths).tolist()
    return [fl[b - k:b] for b, k in zip(ends, lengths.tolist())]
