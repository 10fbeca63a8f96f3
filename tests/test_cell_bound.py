"""Claim (★) as a pruning bound: every cell's bound is <= the exact minimum over that cell.

The bound lives in ``reductions/sat_to_relu.py`` (``cell_lower_bounds``) and is
handed to the orthant solver as a callable. A bound that is too strong (e.g.
3 B_F weakened to 1 B_F) would prune cells holding the true minimum and give a
false certified optimum; on the tightness family (all 8 sign patterns on every
triple) (★) holds with equality, so any strengthening is caught here.
"""

import itertools

import numpy as np
import pytest
from pysat.formula import CNF

from reluhard.reductions import get_reduction
from reluhard.reductions.sat_to_relu import cell_lower_bounds
from reluhard.solvers.relu_exact import cell_minima, fit_orthant
from reluhard.solvers.sat import min_unsat

R1 = get_reduction("sat-relu")


def all8(v):
    """All 8 sign patterns on every triple of v variables (u = C(v,3), B_F-regular)."""
    out = []
    for tri in itertools.combinations(range(1, v + 1), 3):
        for s in itertools.product((1, -1), repeat=3):
            out.append([a * b for a, b in zip(s, tri)])
    return CNF(from_clauses=out)


def cell_minimum(ts, sigma, radius=6.0):
    """Minimum of L over the closed orthant sigma intersected with a box (>= the cell's true minimum),
    by full enumeration restricted to the box (independent of ``cell_minima``)."""
    lo = np.where(sigma > 0, 0.0, -radius)
    hi = np.where(sigma > 0, radius, 0.0)
    return fit_orthant(ts, box={"lo": lo, "hi": hi}).loss


def test_cell_minima_agree_with_boxed_enumeration():
    ts = R1.apply(all8(3)).target
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=ts.n_features)))
    minima, _ = cell_minima(ts, signs)
    for sigma, m in zip(signs[::3], minima[::3]):
        assert abs(m - cell_minimum(ts, sigma)) <= 1e-7


def _formulas():
    rng = np.random.default_rng(7)
    yield all8(3)
    yield all8(4)
    for _ in range(3):  # random unsatisfiable-ish 3-CNFs on 4 variables
        cls = []
        for _ in range(14):
            vs = rng.choice(np.arange(1, 5), 3, replace=False)
            cls.append([int(v) * int(s) for v, s in zip(vs, rng.choice([-1, 1], 3))])
        yield CNF(from_clauses=cls)


@pytest.mark.parametrize("f", list(_formulas()), ids=lambda f: f"n{f.nv}m{len(f.clauses)}")
def test_cell_bound_below_every_cell_minimum(f):
    ts = R1.apply(f).target
    X, y, c = ts.float_arrays()
    d = ts.n_features
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=d)))
    bounds = cell_lower_bounds(X, y, c, signs)
    assert bounds is not None
    tight = 0
    for sigma, b in zip(signs, bounds):
        if sigma[0] < 0:
            continue  # n + T^2: far above every cell minimum with w_0 >= 0 here; checked below once
        m = cell_minimum(ts, sigma)
        assert b <= m + 1e-9, f"cell {sigma}: claim (★) bound {b} exceeds the cell minimum {m}"
        tight += abs(b - m) <= 1e-7
    if f.nv == 3:
        assert tight >= 1  # the tightness family meets (★) with equality on its optimal cells
    neg = signs[signs[:, 0] < 0][0]
    assert bounds[np.flatnonzero((signs == neg).all(axis=1))[0]] <= cell_minimum(ts, neg) + 1e-9


def test_pruned_optimum_is_the_true_optimum_on_the_tightness_family():
    for v in (3, 4):
        f = all8(v)
        u, model = min_unsat(f)
        img = R1.apply(f, min_unsat=u)
        full = fit_orthant(img.target)
        pruned = fit_orthant(img.target, prune=True, cell_bound=R1.cell_bound, starts=[img.lift(model)])
        assert abs(pruned.loss - full.loss) <= 1e-9
        assert pruned.dual_bound <= full.loss + 1e-9


def test_the_solver_does_not_prune_without_a_bound():
    from reluhard.errors import InvalidParameterError

    img = R1.apply(all8(3))
    with pytest.raises(InvalidParameterError):
        fit_orthant(img.target, prune=True)
