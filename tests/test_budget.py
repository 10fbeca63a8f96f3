"""One budget helper: every long solver call honours its time limit; unknown solver keywords are typed errors."""

import time

import pytest

from reluhard.errors import BudgetExhausted, InvalidParameterError
from reluhard.generators.ksat import planted_ksat
from reluhard.solvers._timeout import Budget
from reluhard.solvers.base import get_fitter, get_oracle
from reluhard.solvers.sat import min_unsat, min_unsat_oracle


def test_first_cdcl_call_of_min_unsat_has_a_budget():
    # a planted 10^4-variable formula near the threshold: CDCL alone takes minutes here
    f = planted_ksat(10_000, 42_600, seed=1)
    t0 = time.perf_counter()
    res = min_unsat_oracle(f, time_limit=1.0)
    took = time.perf_counter() - t0
    assert res.status == "timeout" and res.value is None and not res.proven
    assert took < 10.0  # generous on a loaded machine; unbudgeted, CDCL runs for minutes here
    with pytest.raises(BudgetExhausted):
        min_unsat(f, time_limit=0.5)


def test_budget_is_shared_by_consecutive_calls():
    b = Budget(0.3)
    assert b.run(sum, [1, 2]) == 3
    with pytest.raises(BudgetExhausted):
        b.run(time.sleep, 5, what="sleeper")
    with pytest.raises(BudgetExhausted):  # nothing left for a second call
        b.run(sum, [1])
    assert Budget(None).remaining() is None


def test_unknown_keyword_to_a_fitter_or_oracle_is_a_typed_error():
    from pysat.formula import CNF

    from reluhard.reductions import get_reduction

    ts = get_reduction("sat-relu").apply(CNF(from_clauses=[[1, 2, 3]])).target
    with pytest.raises(InvalidParameterError, match="restart"):
        get_fitter("exact")(ts, restart=3)
    with pytest.raises(InvalidParameterError, match="time_limt"):
        get_oracle("cnf")(CNF(from_clauses=[[1, 2, 3]]), time_limt=3)
    assert get_fitter("exact")(ts).proven_optimal
