"""Shared test configuration.

* ``RELUHARD_FULL=1`` is the one switch of full mode: it runs the full counts
  of every exhaustive check (the "Done when" numbers) and the tests marked
  ``slow``, which the default run skips; by default each check runs a bounded
  subset so CI stays within its time budget. Use :func:`full` or ``n_cases``.
* Hypothesis runs derandomized (profile "ci") unless HYPOTHESIS_PROFILE says otherwise.
"""

import os

# Tests solve many tiny problems; multi-threaded BLAS only adds contention on them.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

FULL = os.environ.get("RELUHARD_FULL") == "1"

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=50, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("full", deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "full" if FULL else "ci"))


def full():
    """True when the full exhaustive counts are requested (RELUHARD_FULL=1)."""
    return FULL


def n_cases(fast, complete):
    """How many cases a randomized exhaustive check runs: ``complete`` in full mode, else ``fast``."""
    return complete if FULL else fast


def pytest_collection_modifyitems(config, items):
    """The one switch: tests marked ``slow`` run only with RELUHARD_FULL=1 (skipped, and counted, otherwise)."""
    if FULL:
        return
    skip = pytest.mark.skip(reason="slow: runs with RELUHARD_FULL=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def unsat_formula(n, m, seed0=0):
    """The first unsatisfiable uniform random 3-CNF F(n, m) among seeds seed0, seed0 + 1, ... (CDCL decides)."""
    from reluhard.generators.ksat import random_ksat
    from reluhard.solvers.sat import solve_sat

    for s in range(seed0, seed0 + 200):
        f = random_ksat(n, m, k=3, seed=s)
        if solve_sat(f)[0] is False:
            return f
    raise AssertionError("no unsatisfiable formula")


def dks_no_instances(count):
    """The first ``count`` NO graphs of DkS (max edges of a kappa-set < C(kappa, 2)) among seeds 0, 1, ...:
    n in {6, 7}, kappa in {3, 4}, edge probability 0.4 / 0.6 / 0.75, deterministic; (G, kappa, DkS result)."""
    from math import comb

    from reluhard.generators.graphs import gnp
    from reluhard.solvers.dks import densest_k_subgraph

    out, seed = [], 0
    while len(out) < count:
        n, kappa = 6 + seed % 2, 3 + (seed // 2) % 2
        G = gnp(n, [0.4, 0.6, 0.75][seed % 3], seed=1000 + seed)
        r = densest_k_subgraph(G, kappa)
        if r.value < comb(kappa, 2):
            out.append((G, kappa, r))
        seed += 1
    return out
