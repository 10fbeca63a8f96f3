"""Any CNF -> exact 3-CNF (3 distinct variables per clause), preserving u exactly.

``sat-relu`` needs exactly three distinct variables per clause. This module
turns any CNF into such a formula with the same minimum number u of falsified
clauses (so the same satisfiability), with fresh variables numbered after the
original ones. It is the standard padding / clause-splitting construction,
applied clause by clause with fresh variables per clause; the proof is in
``docs/reductions/cnf-3cnf.md``.

Per clause, after removing repeated literals:

=================  ===========================================================  =========
clause             image (fresh a, b, z, y_j)                                   fresh vars
=================  ===========================================================  =========
tautology          (dropped: satisfied by every assignment)                     0
()  (empty)        the 8 clauses on (a, b, c) with all sign patterns            3
(x)                (x|a|b) (x|a|~b) (x|~a|b) (x|~a|~b)                          2
(x|y)              (x|y|z) (x|y|~z)                                             1
(x|y|w)            itself                                                       0
(l1|...|lw), w>=4  (l1|l2|y1) (~y1|l3|y2) ... (~y_{w-3}|l_{w-1}|l_w)            w - 3
=================  ===========================================================  =========

Claim (per clause C with image I(C), for every assignment alpha of the original
variables): min over the fresh variables of #falsified(I(C)) = [alpha falsifies C],
and every extension falsifies >= [alpha falsifies C] clauses of I(C). Fresh
variables are private to their clause, so the minima add up:

    u(phi') = min_alpha sum_C min_ext #falsified(I(C)) = min_alpha #falsified_phi(alpha) = u(phi),

and for any assignment beta of phi', #falsified_phi(beta restricted) <= #falsified_phi'(beta)
(a decoded witness of phi' is at least as good on phi). :func:`extend_assignment`
gives the minimising extension.
"""

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = ["to_exact_3cnf", "extend_assignment", "clause_image"]


def _normalise(clause):
    """Remove repeated literals (order kept); None for a tautology."""
    seen, lits = set(), []
    for lit in clause:
        if -lit in seen:
            return None
        if lit not in seen:
            seen.add(lit)
            lits.append(lit)
    return lits


def clause_image(lits, fresh):
    """The exact-3-CNF image of one normalised clause; ``fresh`` is the first unused variable.

    Returns (clauses, fresh variables used)."""
    w = len(lits)
    if w == 0:
        a, b, c = fresh, fresh + 1, fresh + 2
        return [[sa * a, sb * b, sc * c] for sa in (1, -1) for sb in (1, -1) for sc in (1, -1)], 3
    if w == 1:
        x, a, b = lits[0], fresh, fresh + 1
        return [[x, a, b], [x, a, -b], [x, -a, b], [x, -a, -b]], 2
    if w == 2:
        return [[lits[0], lits[1], fresh], [lits[0], lits[1], -fresh]], 1
    if w == 3:
        return [list(lits)], 0
    ys = list(range(fresh, fresh + w - 3))
    out = [[lits[0], lits[1], ys[0]]]
    for j in range(1, w - 3):
        out.append([-ys[j - 1], lits[j + 1], ys[j]])
    out.append([-ys[-1], lits[-2], lits[-1]])
    return out, w - 3


def to_exact_3cnf(cnf):
    """Convert a CNF (pysat ``CNF`` or list of clauses) to exact 3-CNF with the same u.

    Returns
    -------
    out : pysat.formula.CNF
        Variables 1..n keep their meaning; fresh ones follow (``out.nv`` in total).
    info : dict
        ``n_original``, ``m_original``, ``fresh_variables``, ``dropped_tautologies``,
        ``widths`` (original width histogram), ``clause_origin`` (the original clause
        index of every output clause), ``min_unsat_preserved`` (True).

    Notes
    -----
    O(total literals); the output has at most 8 m + sum(max(w - 2, 0)) clauses.
    """
    from pysat.formula import CNF

    from reluhard.structures.sources import as_source

    cnf = as_source(cnf, "cnf")
    n = int(cnf.nv)
    fresh = n + 1
    clauses, origin, widths = [], [], {}
    dropped = 0
    for i, clause in enumerate(cnf.clauses):
        widths[len(clause)] = widths.get(len(clause), 0) + 1
        lits = _normalise(clause)
        if lits is None:
            dropped += 1
            continue
        image, used = clause_image(lits, fresh)
        fresh += used
        clauses.extend(image)
        origin.extend([i] * len(image))
    out = CNF(from_clauses=clauses)
    out.nv = fresh - 1
    info = {
        "n_original": n, "m_original": len(cnf.clauses), "fresh_variables": fresh - 1 - n,
        "dropped_tautologies": dropped, "widths": dict(sorted(widths.items())),
        "clause_origin": origin, "min_unsat_preserved": True,
    }
    return out, info


def extend_assignment(cnf, assignment):
    """The extension of ``assignment`` (DIMACS signed ints or booleans over the original
    variables) to the fresh variables of :func:`to_exact_3cnf` that falsifies exactly
    as many clauses of the output as ``assignment`` falsifies in ``cnf``.

    Returns a list of DIMACS signed ints over all output variables."""
    from reluhard.structures.sources import as_source

    cnf = as_source(cnf, "cnf")
    n = int(cnf.nv)
    a = list(assignment)
    if len(a) != n:
        raise InvalidParameterError(f"assignment has {len(a)} entries, the formula {n} variables")
    val = np.array([bool(v > 0) if not isinstance(v, (bool, np.bool_)) else bool(v) for v in a], dtype=bool)
    out = [(i + 1) if val[i] else -(i + 1) for i in range(n)]

    def true(lit):
        return val[abs(lit) - 1] == (lit > 0)

    for clause in cnf.clauses:
        lits = _normalise(clause)
        if lits is None:
            continue
        w = len(lits)
        used = {0: 3, 1: 2, 2: 1, 3: 0}.get(w, w - 3)
        base = len(out) + 1
        if w >= 4:
            first = next((t for t, lit in enumerate(lits) if true(lit)), None)  # 0-based position
            # the chain clause holding l_t: clause 0 for t <= 1, clause t - 1 for 2 <= t <= w - 3, else the last
            c = None if first is None else (0 if first <= 1 else min(first - 1, w - 3))
            for j in range(w - 3):  # y_j true exactly before the clause satisfied by l_t
                out.append((base + j) if (c is not None and j < c) else -(base + j))
        else:
            out.extend(-(base + j) for j in range(used))
    return out
