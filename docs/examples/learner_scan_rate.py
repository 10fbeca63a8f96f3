"""Scoring rate of the learner's net (docs/learner.md §2): candidates per second at N = 1000, m = 4, one core.

    OPENBLAS_NUM_THREADS=1 python docs/examples/learner_scan_rate.py
"""
import time

import numpy as np

from reluhard.solvers.learner._problem import prepare
from reluhard.solvers.learner.lattice import adaptive_params
from reluhard.solvers.learner.single import scan_lattice

rng = np.random.default_rng(0)
X = rng.standard_normal((1000, 4))
X /= np.linalg.norm(X, axis=1, keepdims=True)
y = np.maximum(X @ np.array([0.5, -0.3, 0.2, 0.1]), 0) + 0.2 * rng.standard_normal(1000)
prob = prepare(X, y, None)
m, h, _ = adaptive_params(0.03, prob.s, prob.rank)
t = time.perf_counter()
out = scan_lattice(prob, m, h)
dt = time.perf_counter() - t
print(f"N = 1000, m = {m}: {out['n']} candidates in {dt:.2f} s = {out['n'] / dt:.3g} candidates/s")
