"""Invariants of the instance generators (k-SAT, graphs, hypergraphs)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InvalidParameterError
from reluhard.generators import (
    bounded_occurrence_ksat,
    bounded_occurrence_ksat_array,
    ksat_array,
    planted_3sat,
    planted_ksat_array,
    random_ksat,
    random_ksat_array,
)
from reluhard.io.dimacs import format_cnf


def _satisfies(clauses, assignment):
    sigma = np.asarray(assignment)
    return (sigma[np.abs(clauses) - 1] == np.sign(clauses)).any(axis=1)


# ---------------------------------------------------------------- k-SAT


@settings(max_examples=60, deadline=None)
@given(n=st.integers(3, 40), m=st.integers(0, 120), k=st.integers(1, 3), seed=st.integers(0, 2**31))
def test_random_ksat_shape_and_distinct_variables(n, m, k, seed):
    clauses, meta = random_ksat_array(n, m, k=k, seed=seed)
    assert clauses.shape == (m, k)
    v = np.abs(clauses)
    assert ((v >= 1) & (v <= n)).all()
    assert (np.diff(v, axis=1) > 0).all()  # k distinct variables, sorted
    assert meta["sampling"] == "independent" and meta["seed"] == seed and meta["certificate"] is None


def test_random_ksat_signs_and_variables_are_uniform():
    clauses, _ = random_ksat_array(50, 20000, seed=3)
    assert abs((clauses > 0).mean() - 0.5) < 0.01
    counts = np.bincount(np.abs(clauses).ravel(), minlength=51)[1:]
    assert counts.min() > 0.8 * 1200 and counts.max() < 1.2 * 1200


def test_independent_sampling_can_repeat_and_distinct_does_not():
    clauses, _ = random_ksat_array(4, 300, seed=1)  # only 32 possible clauses
    assert len(np.unique(clauses, axis=0)) < 300
    clauses, meta = random_ksat_array(4, 32, distinct=True, seed=1)  # every clause exactly once
    assert len(np.unique(clauses, axis=0)) == 32 and meta["sampling"] == "distinct"
    clauses, _ = random_ksat_array(30, 500, distinct=True, seed=1)  # rejection top-up path
    assert len(np.unique(clauses, axis=0)) == 500
    with pytest.raises(InvalidParameterError, match="distinct clauses"):
        random_ksat_array(4, 33, distinct=True, seed=1)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 30), m=st.integers(0, 150), quiet=st.booleans(), distinct=st.booleans(), seed=st.integers(0, 2**31))
def test_planted_assignment_satisfies_every_clause(n, m, quiet, distinct, seed):
    if distinct and m > n * (n - 1) * (n - 2) // 6 * 6:
        m = 5
    clauses, meta = planted_ksat_array(n, m, quiet=quiet, distinct=distinct, seed=seed)
    sigma = np.sign(meta["certificate"]["assignment"])
    assert np.array_equal(np.abs(meta["certificate"]["assignment"]), np.arange(1, n + 1))
    assert _satisfies(clauses, sigma).all()
    if quiet:  # the negated assignment satisfies too (NAE)
        assert _satisfies(clauses, -sigma).all()


def test_planted_3sat_is_satisfiable_for_pysat():
    from pysat.solvers import Solver

    cnf = planted_3sat(60, 400, seed=5)
    with Solver(name="minisat22", bootstrap_with=cnf.clauses) as s:
        assert s.solve(assumptions=[])
    assignment = json_meta(cnf)["certificate"]["assignment"]
    with Solver(name="minisat22", bootstrap_with=cnf.clauses) as s:
        assert s.solve(assumptions=assignment)


def json_meta(cnf):
    import json

    (line,) = [c for c in cnf.comments if c.startswith("c reluhard ")]
    return json.loads(line[len("c reluhard "):])


def _majority_agreement(clauses, sigma):
    n = len(sigma)
    score = np.bincount(np.abs(clauses).ravel() - 1, weights=np.sign(clauses).ravel(), minlength=n)
    decided = score != 0
    return float((np.sign(score[decided]) == sigma[decided]).mean())


def test_quiet_planting_hides_assignment_from_majority_vote():
    n, m = 3000, int(4.2 * 3000)
    plain, meta = planted_ksat_array(n, m, seed=11)
    quiet, qmeta = planted_ksat_array(n, m, quiet=True, seed=11)
    agree_plain = _majority_agreement(plain, np.sign(meta["certificate"]["assignment"]))
    agree_quiet = _majority_agreement(quiet, np.sign(qmeta["certificate"]["assignment"]))
    assert agree_plain > 0.65  # plain planting leaks: literals true under sigma are 4/7 of occurrences
    assert abs(agree_quiet - 0.5) < 0.03  # ~3 standard deviations over ~2700 decided variables
    # literal balance itself: true-under-sigma occurrences are half of all
    sigma = np.sign(qmeta["certificate"]["assignment"])
    true_frac = (sigma[np.abs(quiet) - 1] == np.sign(quiet)).mean()
    assert abs(true_frac - 0.5) < 0.01


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 40), bound=st.integers(1, 6), fill=st.floats(0, 1), planted=st.booleans(), seed=st.integers(0, 2**31))
def test_bounded_occurrence(n, bound, fill, planted, seed):
    m = int(fill * bound * n // 3)
    clauses, meta = bounded_occurrence_ksat_array(n, m, max_occurrence=bound, planted=planted, seed=seed)
    assert clauses.shape == (m, 3)
    v = np.abs(clauses)
    assert (np.diff(v, axis=1) > 0).all()
    assert np.bincount(v.ravel(), minlength=n + 1).max(initial=0) <= bound
    assert meta["generator"] == "bounded-occurrence-ksat" and meta["params"]["max_occurrence"] == bound
    if planted:
        assert _satisfies(clauses, np.sign(meta["certificate"]["assignment"])).all()


def test_bounded_occurrence_tight_bound_is_met_exactly():
    clauses, _ = bounded_occurrence_ksat_array(300, 400, max_occurrence=4, seed=2)  # 3m = B n
    assert (np.bincount(np.abs(clauses).ravel())[1:] == 4).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: random_ksat_array(-1, 3), "n_vars"),
        (lambda: random_ksat_array(5, -3), "n_clauses"),
        (lambda: random_ksat_array(2, 3, k=3), "n_vars >= k"),
        (lambda: random_ksat_array(5, 3, k=0), "k must be >= 1"),
        (lambda: random_ksat_array(5.5, 3), "integer"),
        (lambda: random_ksat_array(True, 3), "integer"),
        (lambda: random_ksat_array(5, 3, seed=-1), "seed"),
        (lambda: ksat_array(5, 3, quiet=True), "planted"),
        (lambda: bounded_occurrence_ksat_array(10, 11, max_occurrence=3), "infeasible"),
        (lambda: bounded_occurrence_ksat_array(10, 1, max_occurrence=0), "max_occurrence"),
        (lambda: ksat_array(10, 1, max_occurrence=3, distinct=True), "not supported"),
    ],
)
def test_invalid_parameters(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()


def test_ksat_determinism_and_seed_recording():
    a1, m1 = random_ksat_array(100, 400, seed=7)
    a2, m2 = random_ksat_array(100, 400, seed=7)
    a3, _ = random_ksat_array(100, 400, seed=8)
    assert np.array_equal(a1, a2) and m1 == m2 and not np.array_equal(a1, a3)
    c1 = bounded_occurrence_ksat(50, 60, max_occurrence=5, planted=True, quiet=True, seed=4)
    c2 = bounded_occurrence_ksat(50, 60, max_occurrence=5, planted=True, quiet=True, seed=4)
    assert format_cnf(c1, c1.nv, comments=c1.comments) == format_cnf(c2, c2.nv, comments=c2.comments)
    _, drawn = random_ksat_array(10, 4)  # no seed: one is drawn and recorded
    again, _ = random_ksat_array(10, 4, seed=drawn["seed"])
    assert isinstance(drawn["seed"], int)
    assert np.array_equal(random_ksat_array(10, 4, seed=drawn["seed"])[0], again)
    _, from_gen = random_ksat_array(10, 4, seed=np.random.default_rng(1))
    assert from_gen["seed"] is None


def test_cnf_wrapper_carries_meta():
    cnf = random_ksat(20, 30, seed=1)
    assert cnf.nv == 20 and len(cnf.clauses) == 30
    meta = json_meta(cnf)
    assert meta["generator"] == "random-ksat" and meta["seed"] == 1 and meta["params"]["n_vars"] == 20
