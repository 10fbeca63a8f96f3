"""R1 (sat-relu): every claim of docs/reductions/sat-relu.md checked by exact methods.

Exact minima come from orthant enumeration *without* pruning (pruning uses
claim (★), the theorem under test) and, on a subset, from SCIP.
"""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from conftest import n_cases
from hypothesis import given
from hypothesis import strategies as st
from pysat.formula import CNF

from reluhard.data import Network, exact_loss, float_loss
from reluhard.errors import InvalidParameterError
from reluhard.generators.ksat import random_ksat
from reluhard.reductions import get_reduction
from reluhard.reductions.sat_to_relu import soundness_bound, tight_witness
from reluhard.solvers.relu_exact import fit_orthant
from reluhard.solvers.sat import min_unsat

R1 = get_reduction("sat-relu")


def all8(vars_):
    a, b, c = vars_
    return [[s1 * a, s2 * b, s3 * c] for s1, s2, s3 in itertools.product((1, -1), repeat=3)]


def cnf(clauses, n=None):
    f = CNF(from_clauses=clauses)
    if n is not None:
        f.nv = n
    return f


def assignments(n):
    for signs in itertools.product((1, -1), repeat=n):
        yield [s * (i + 1) for i, s in enumerate(signs)]


def exact_min(img):
    """Global minimum by full orthant enumeration (no pruning) with its rigorous dual bound."""
    res = fit_orthant(img.target, prune=False)
    assert res.proven_optimal and res.complete
    return res


def tiny_formulas(count, seed=0):
    """Random 3-CNFs with n <= 6 over a range of clause ratios (sat and unsat), plus hand-made UNSAT ones."""
    rng = np.random.default_rng(seed)
    out = [cnf(all8((1, 2, 3))), cnf(all8((1, 2, 3)) + all8((2, 3, 4))), cnf(all8((1, 2, 3))[:7] + all8((1, 2, 4))[:1] + [[-1, -2, -3]])]
    while len(out) < count:
        n = int(rng.integers(3, 7))
        m = int(rng.integers(1, 9 * n))
        out.append(random_ksat(n, m, k=3, seed=int(rng.integers(2**31))))
    return out[:count]


# ------------------------------------------------------------- forward map

@given(n=st.integers(3, 7), m=st.integers(0, 30), seed=st.integers(0, 2**31 - 1))
def test_forward_is_well_formed(n, m, seed):
    f = random_ksat(n, m, k=3, seed=seed)
    ts = R1.apply(f).target
    assert ts.X.shape == (1 + 2 * n + m, n + 1)
    assert ts.X.nnz == 1 + 2 * n + 4 * m
    assert ts.y.tolist() == [1] * (1 + 2 * n) + [0] * m
    assert (ts.sample_weight > 0).all()
    assert ts.weight(0) == max(m, 1) and all(ts.weight(i) == 1 for i in range(1, ts.n_samples))
    # clause rows: anchor -2 and -s_l on the literal columns
    for j, clause in enumerate(f.clauses):
        row = ts.X.getrow(1 + 2 * n + j).toarray().ravel()
        expect = np.zeros(n + 1, dtype=int)
        expect[0] = -2
        for lit in clause:
            expect[abs(lit)] = -np.sign(lit)
        assert row.tolist() == expect.tolist()


def test_rational_T2_gives_exact_common_denominator():
    img = R1.apply(cnf(all8((1, 2, 3))), T2="5/2")
    ts = img.target
    assert ts.weight_denominator == 2 and ts.weight(0) == Fraction(5, 2) and ts.weight(3) == 1
    assert exact_loss(ts, img.lift([1, 2, 3])) == 4


# ------------------------------------------------------------- (a) lift, decode

@pytest.mark.parametrize("seed", range(6))
def test_lift_loss_is_n_plus_falsified_for_every_assignment(seed):
    f = random_ksat(5, 25, k=3, seed=seed)
    img = R1.apply(f)
    for a in assignments(5):
        net = img.lift(a)
        assert exact_loss(img.target, net) == 5 + img.value(a)
        assert img.decode(net) == a


def test_decode_ties_go_to_false():
    img = R1.apply(cnf([[1, 2, 3]]))
    net = Network(np.array([[1.0, 0.0, 2.0, -0.5]]), np.array([1.0]))
    assert img.decode(net) == [-1, 2, -3]


# ------------------------------------------------------------- (c) (d) (★): exact minima

def test_exact_minimum_sat_is_n_and_unsat_respects_soundness():
    """The "Done when" check: several hundred tiny formulas in full mode (RELUHARD_FULL=1)."""
    formulas = tiny_formulas(n_cases(24, 320), seed=11)
    seen = {"sat": 0, "unsat": 0}
    for f in formulas:
        u, model = min_unsat(f)
        img = R1.apply(f, min_unsat=u)
        b = img.bounds(min_unsat=u)
        res = exact_min(img)
        n = f.nv
        if u == 0:
            seen["sat"] += 1
            assert abs(res.loss - n) <= 1e-9 and res.dual_bound >= n - 1e-6
        else:
            seen["unsat"] += 1
            assert res.loss >= float(b.soundness) - 1e-9, (f.clauses, res.loss, b.soundness)
            assert res.dual_bound >= float(b.soundness) - 1e-6
            assert res.loss <= n + u + 1e-9  # completeness: the lift of a MaxSAT optimum
        # (f) at the exact minimiser
        assert img.guarantee(res.network, res.loss, min_unsat=u).holds
    assert seen["sat"] > 0 and seen["unsat"] > 0


@pytest.mark.parametrize("T2", [Fraction(1), Fraction(4), Fraction(8), Fraction(100)])
def test_u1_bound_is_attained_on_all8(T2):
    """(d) is tight: all 8 sign patterns on one triple (u = 1)."""
    f = cnf(all8((1, 2, 3)))
    img = R1.apply(f, T2=T2)
    s = soundness_bound(3, 1, 8, T2)
    assert s == 3 + 1 / (4 + 4 / T2)
    # the explicit witness has loss exactly s (Fractions) ...
    for a in assignments(3):
        w = tight_witness(f, img.stages[0][2], a)
        assert exact_loss(img.target, w) == s
    # ... and no network does better (exact enumeration)
    res = exact_min(img)
    assert abs(res.loss - float(s)) <= 1e-9


@pytest.mark.parametrize("v", [3, 4, 5])
def test_tightness_family_all8_on_every_triple(v):
    """Exact minimum n + u/(1 + 3B_F + 4u/T^2) with u = C(v,3), B_F = C(v-1,2): (★) cannot be improved in B_F."""
    clauses = [c for t in itertools.combinations(range(1, v + 1), 3) for c in all8(t)]
    f = cnf(clauses)
    u, BF, m = math.comb(v, 3), math.comb(v - 1, 2), len(clauses)
    assert min_unsat(f)[0] == u
    for T2 in (Fraction(m), Fraction(100 * m)):
        img = R1.apply(f, T2=T2, min_unsat=u)
        res = exact_min(img)
        star = v + Fraction(u) / (1 + 3 * BF + 4 * Fraction(u) / T2)
        assert abs(res.loss - float(star)) <= 1e-9
        assert float(img.bounds(min_unsat=u).soundness) <= res.loss + 1e-12


@pytest.mark.parametrize("k", [1, 2])
def test_disjoint_blocks(k):
    clauses = [c for b in range(k) for c in all8((3 * b + 1, 3 * b + 2, 3 * b + 3))]
    f = cnf(clauses)
    n, m = 3 * k, 8 * k
    img = R1.apply(f, min_unsat=k)
    res = exact_min(img)
    expect = n + Fraction(k) / (4 + Fraction(4 * k, m))
    assert abs(res.loss - float(expect)) <= 1e-9
    assert img.bounds(min_unsat=k).soundness <= expect


def test_occurrences_matter_for_the_decoder():
    """(x | y_i | z_i), i = 1..d: a network with L - n = 1 decodes to an assignment falsifying all d clauses."""
    d = 5
    clauses = [[1, 2 * i, 2 * i + 1] for i in range(1, d + 1)]
    f = cnf(clauses)
    img = R1.apply(f)
    n = f.nv
    w = np.array([1] + [0] + [-1] * (2 * d), dtype=object)
    net = Network(w[None, :], np.array([1], dtype=object))
    L = exact_loss(img.target, net)
    assert L == n + 1
    decoded = img.decode(net)
    assert img.value(decoded) == d
    g = img.guarantee(net, L)
    assert g.holds and g.decoded_value == d


# ------------------------------------------------------------- (a) vs (b): orthant vs SCIP

def test_orthant_enumeration_agrees_with_scip():
    import pyscipopt  # noqa: F401  (a test dependency: never skipped)

    from reluhard.solvers.miqp import fit_miqp

    for f in tiny_formulas(n_cases(5, 40), seed=5):
        if f.nv > 6:
            continue
        u, _ = min_unsat(f)
        img = R1.apply(f, min_unsat=u)
        a = exact_min(img)
        b = fit_miqp(img.target, time_limit=60)
        assert b.proven_optimal
        # SCIP's re-evaluated loss is a true loss (>= min); its dual bound is <= min up to its tolerances
        assert b.loss >= a.dual_bound - 1e-6
        assert abs(b.loss - a.loss) <= 1e-4
        assert b.dual_bound <= a.loss + 1e-4
        assert b.dual_bound >= float(img.bounds(min_unsat=u).soundness) - 1e-4


def test_pruned_enumeration_matches_full():
    for f in tiny_formulas(n_cases(8, 40), seed=3):
        u, model = min_unsat(f)
        img = R1.apply(f, min_unsat=u)
        full = exact_min(img)
        pruned = fit_orthant(img.target, prune=True, cell_bound=R1.cell_bound, starts=[img.lift(model)])
        assert abs(pruned.loss - full.loss) <= 1e-9
        assert pruned.dual_bound <= full.loss + 1e-9


# ------------------------------------------------------------- decoder guarantee (f) at fitted w

def test_decoder_guarantee_at_fits_and_gap_vs_restarts():
    from reluhard.solvers.fit import fit_gd

    for f in tiny_formulas(n_cases(6, 40), seed=21):
        u, model = min_unsat(f)
        img = R1.apply(f, min_unsat=u)
        res = fit_gd(img.target, restarts=10, seed=0)
        assert res.loss >= float(img.bounds(min_unsat=u).soundness) - 1e-9
        assert img.guarantee(res.network, res.loss, min_unsat=u).holds


@pytest.mark.slow
def test_gap_bound_holds_against_many_restart_fits_near_threshold():
    """Random 3-SAT at ratio ~4.26, n ~ 30: no fit goes below the certified bound (u from RC2)."""
    from reluhard.solvers.fit import fit_gd

    for seed in range(n_cases(3, 10)):
        f = random_ksat(30, 128, k=3, seed=100 + seed)
        u, model = min_unsat(f, time_limit=60)
        img = R1.apply(f, min_unsat=u, variant="gap" if u else "plain")
        s = img.bounds(min_unsat=u).soundness
        res = fit_gd(img.target, restarts=n_cases(100, 400), seed=seed, starts=img.starts(model))
        assert res.loss >= float(s) - 1e-9
        assert res.loss <= 30 + u + 1e-9
        assert img.guarantee(res.network, res.loss, min_unsat=u).holds


# ------------------------------------------------------------- bounds arithmetic

def test_soundness_formula_matches_design_note_forms():
    T2 = Fraction(8)
    assert soundness_bound(5, 0, 7, T2) == 5
    assert soundness_bound(5, 1, 7, T2) == 5 + 1 / (4 + 4 / T2)  # (d)
    # (e) with T^2 >= u: u/(1 + 3B + 4u/T^2) >= u/(3B + 5) ... and ours (min(B,u)) is never weaker
    for u in range(1, 9):
        for B in range(1, 9):
            e = Fraction(u) / (1 + 3 * B + Fraction(4 * u) / T2)
            assert soundness_bound(0, u, B, T2) >= e
            assert e >= Fraction(u, 3 * B + 5)


# ------------------------------------------------------------- variants and errors

def test_normalized_variant_scale_and_eps():
    from reluhard.io.npz import normalise

    f = cnf(all8((1, 2, 3)) + all8((4, 5, 6)))
    img = R1.apply(f, variant="normalized", min_unsat=2)
    ts = img.target
    meta = ts.meta
    n, m, T2 = 6, 16, 16
    Z = 7 * (n + 1) * (T2 + 2 * n + m)
    assert Fraction(meta["normalisation"]["Z"]) == Z
    s = img.bounds(min_unsat=2).soundness
    assert Fraction(meta["eps"]) == (s - n) / Z
    X, y, c = ts.float_arrays()
    Xn, yn = normalise(X, y, meta)
    assert np.sqrt(np.asarray(Xn.multiply(Xn).sum(axis=1)).ravel()).max() <= 1 + 1e-12
    w = np.array([1, 1, 1, 1, -1, 1, 1], dtype=float)
    wn = w / np.linalg.norm(w)
    assert abs(np.linalg.norm(wn) - 1) < 1e-12
    L = float_loss(ts, Network(w[None, :], np.ones(1)))
    Ln = float_loss((Xn, yn, c), Network(wn[None, :], np.ones(1))) / c.sum()
    assert abs(Ln - L / Z) <= 1e-12


def test_bad_inputs_raise_typed_errors():
    with pytest.raises(InvalidParameterError, match="clause 2"):
        R1.apply(cnf([[1, 2, 3], [1, 2]]))
    with pytest.raises(InvalidParameterError, match="clause 1 .*repeats"):
        R1.apply(cnf([[1, 1, 2]]))
    with pytest.raises(InvalidParameterError, match="gap needs"):
        R1.apply(cnf(all8((1, 2, 3))), variant="gap")
    with pytest.raises(InvalidParameterError, match="T2"):
        R1.apply(cnf(all8((1, 2, 3))), T2="-1")
    with pytest.raises(InvalidParameterError, match="no option"):
        R1.apply(cnf(all8((1, 2, 3))), kappa=3)
    with pytest.raises(InvalidParameterError):
        R1.apply(cnf(all8((1, 2, 3))), variant="fancy")


def test_planted_certificate_gives_u_zero():
    from reluhard.generators.ksat import planted_3sat

    f = planted_3sat(10, 40, seed=4)
    img = R1.apply(f)
    assert img.params["min_unsat"] == 0 and img.params["min_unsat_source"] == "planted assignment"
    assert img.target.meta["bounds"]["soundness_bound"] == "10"
