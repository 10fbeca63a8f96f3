"""Every fitter honours its time limit inside restarts / model building (10^5-row data).

Only the budget flags are asserted (no timings in unit tests); the 10 %
wall-clock accuracy is measured in benchmarks/run.py.
"""

import pytest

from reluhard.generators.ksat import random_ksat
from reluhard.reductions import get_reduction


@pytest.fixture(scope="module")
def big_r1():
    # 1 + 2n + m = 125001 rows, 25001 columns
    return get_reduction("sat-relu").apply(random_ksat(25000, 75000, seed=3)).target


def test_gd_stops_inside_a_restart(big_r1):
    from reluhard.solvers.fit import fit_gd

    res = fit_gd(big_r1, restarts=20, time_limit=0.2, seed=0)
    assert res.complete is False
    assert res.extra["budget_hit"] is True
    # the first restart was cut short (not only the loop between restarts)
    assert res.extra["interrupted_restart"] is True
    assert res.extra["restarts_run"] == 1 < res.extra["restarts_planned"]
    assert res.loss < float("inf")  # an evaluated network, not a placeholder


def test_gd_without_budget_pressure_is_complete():
    from reluhard.solvers.fit import fit_gd

    ts = get_reduction("sat-relu").apply(random_ksat(5, 15, seed=1)).target
    res = fit_gd(ts, restarts=3, time_limit=600.0, seed=0)
    assert res.complete is True and res.extra["budget_hit"] is False
    assert res.extra["interrupted_restart"] is False
    assert res.extra["restarts_run"] == res.extra["restarts_planned"]


def test_miqp_model_building_is_bounded(big_r1):
    from reluhard.solvers.miqp import fit_miqp

    res = fit_miqp(big_r1, time_limit=0.2)
    assert res.complete is False and res.proven_optimal is False
    assert res.status == "timeout" and res.extra["budget_hit"] is True
    assert res.extra["rows_built"] < res.extra["rows"]
    assert res.dual_bound is None
