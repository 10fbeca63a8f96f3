"""SAT side through PySAT: satisfiability (CDCL) and minimum #falsified clauses (RC2 MaxSAT).

Objective sense (as RC2 states for ``cost``): ``min_unsat`` is the minimum
number of clauses an assignment falsifies (each clause of the multiset counts
once per occurrence), 0 iff the formula is satisfiable.
"""

import time

from reluhard import progress
from reluhard.errors import BudgetExhausted, InvalidParameterError

from ._timeout import Budget
from .base import CombinatorialResult, require

__all__ = ["solve_sat", "min_unsat", "min_unsat_oracle", "DEFAULT_SOLVER"]

DEFAULT_SOLVER = "cadical195"


def _model_to_dimacs(model, n):
    vals = [False] * n
    for lit in model or ():
        if 0 < abs(lit) <= n:
            vals[abs(lit) - 1] = lit > 0
    return [i + 1 if v else -(i + 1) for i, v in enumerate(vals)]


def solve_sat(cnf, *, solver=DEFAULT_SOLVER, conflict_budget=None):
    """Decide satisfiability with a CDCL solver.

    Returns
    -------
    (status, assignment) : status True (SAT), False (UNSAT) or None (budget hit);
        assignment as DIMACS signed ints over variables 1..cnf.nv when SAT.
    """
    pysat_solvers = require("pysat.solvers", "python-sat")
    n = int(cnf.nv)
    with pysat_solvers.Solver(name=solver, bootstrap_with=cnf.clauses) as s:
        if conflict_budget is not None:
            s.conf_budget(int(conflict_budget))
            status = s.solve_limited()
        else:
            status = s.solve()
        model = s.get_model() if status else None
    return status, (_model_to_dimacs(model, n) if status else None)


def _rc2(clauses, n):
    formula = require("pysat.formula", "python-sat")
    rc2mod = require("pysat.examples.rc2", "python-sat")
    wcnf = formula.WCNF()
    for c in clauses:
        wcnf.append(list(c), weight=1)
    # RC2 with core exhaustion, core minimisation and AtMost1 detection (the
    # configuration of its MaxSAT-Evaluation entry): on random 3-SAT at ratio 7
    # with n = 50 it halves the time of the plain setting.
    with rc2mod.RC2(wcnf, solver="g3", adapt=True, exhaust=True, minz=True) as rc2:
        model = rc2.compute()
        cost = rc2.cost
    return int(cost), _model_to_dimacs(model, n)


def min_unsat(cnf, *, time_limit=None):
    """Minimum number of falsified clauses and an optimal assignment (RC2).

    Raises
    ------
    BudgetExhausted
        ``time_limit`` seconds (one budget for the CDCL call and RC2, each run in
        a subprocess killed at the deadline) passed first.
    """
    if any(len(c) == 0 for c in cnf.clauses):
        raise InvalidParameterError("formula has an empty clause; min #falsified is not defined for this reduction input")
    n = int(cnf.nv)
    budget = Budget(time_limit)
    progress.note("CDCL: is the formula satisfiable?")
    status, model = budget.run(solve_sat, cnf, what="CDCL")
    if status:
        return 0, model
    progress.note("unsatisfiable; RC2 minimises the falsified clauses")
    return budget.run(_rc2, [list(c) for c in cnf.clauses], n, what="RC2")


def min_unsat_oracle(cnf, *, time_limit=None):
    """Combinatorial oracle for CNF sources: certified u = min #falsified."""
    t0 = time.perf_counter()
    try:
        u, model = min_unsat(cnf, time_limit=time_limit)
    except BudgetExhausted:
        return CombinatorialResult("maxsat", None, None, False, {}, time.perf_counter() - t0, status="timeout")
    return CombinatorialResult("maxsat", u, model, True, {"min_unsat": u}, time.perf_counter() - t0)
