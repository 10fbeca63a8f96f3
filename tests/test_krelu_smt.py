"""Exact realizability (z3) agrees with the R2/R3 claims.

Fast mode runs a bounded subset; RELUHARD_FULL=1 runs the "Done when" counts
(>= 100 random formulas with n <= 6 per k = 2, 3, 4 through the whole chain).
"""

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from conftest import full, n_cases
from pysat.formula import CNF
from pysat.solvers import Solver

from reluhard.data import Network, exact_loss
from reluhard.errors import InvalidParameterError, ReductionCheckFailed
from reluhard.generators.hypergraphs import (
    Hypergraph,
    named_hypergraph,
    planted_2colourable_hypergraph,
    random_uniform_hypergraph,
)
from reluhard.reductions import get_reduction
from reluhard.structures.hypergraph import check_hypergraph, monochromatic
from reluhard.reductions.hypergraph_to_krelu import REDUCTION as HK
from reluhard.reductions.hypergraph_to_krelu import c5_k2_counterexample
from reluhard.solvers import smt
from reluhard.solvers.base import get_fitter, get_oracle
from reluhard.solvers.colouring import two_colour
from reluhard.solvers.smt import check_pattern, exact_rows, fit_smt

import z3  # noqa: E402,F401  (a test dependency: an import error fails, never skips)

CHAIN = get_reduction("sat-krelu")


def random_3cnf(rng, n, m):
    """m clauses over n variables, 3 distinct variables each, uniform signs (vectorised)."""
    V = np.argsort(rng.random((m, n)), axis=1)[:, :3] + 1
    S = np.where(rng.random((m, 3)) < 0.5, -1, 1)
    return CNF(from_clauses=(V * S).tolist())


def formulas(count, seed):
    """``count`` random 3-CNFs with 3 <= n <= 6 and m spread over [n, 9n] (both SAT and UNSAT)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(3, 7))
        m = int(rng.integers(n, 9 * n + 1))
        cnf = random_3cnf(rng, n, m)
        with Solver(name="g4", bootstrap_with=cnf.clauses) as s:
            out.append((cnf, s.solve()))
    return out


def assert_agrees(img, claim, res):
    """z3's verdict equals the claim; a realizing network has exact loss 0 and decodes to a YES witness."""
    assert res.complete and res.realizable is claim, res.extra["patterns"]
    if claim:
        net = res.network
        assert exact_loss(img.target, net) == 0
        g = img.guarantee(net, Fraction(0))
        assert g is not None and g.holds, g
        assert img.value(img.decode(net)) == 0


# ---------------------------------------------------------------- the whole chain

@pytest.mark.parametrize("k", [2, 3, 4])
def test_chain_random_formulas(k):
    cases = formulas(n_cases(8, 110), seed=100 + k)
    n_sat = sum(s for _, s in cases)
    if full():
        assert 25 <= n_sat <= len(cases) - 25  # both kinds well represented
    for cnf, sat in cases:
        img = CHAIN.apply(cnf, k=k)
        assert_agrees(img, sat, fit_smt(img.target))


@pytest.mark.slow
def test_chain_random_formulas_k5():
    for cnf, sat in formulas(n_cases(3, 12), seed=105):
        img = CHAIN.apply(cnf, k=5)
        assert_agrees(img, sat, fit_smt(img.target))


def test_chain_counts_satisfiable_and_unsatisfiable_fast():
    """The fast subset itself contains both kinds (so CI exercises both directions)."""
    kinds = {s for k in (2, 3, 4) for _, s in formulas(n_cases(8, 110), seed=100 + k)}
    assert kinds == {True, False}


# ---------------------------------------------------------------- direct hypergraph cases

NAMED = [("fano", None), ("fano-minus-line", None), ("k5-3", None), ("k4", None)] + [("cycle", q) for q in (3, 4, 5, 6, 7)]


@pytest.mark.parametrize("name,size", NAMED)
@pytest.mark.parametrize("k", [2, 3, 4])
def test_named_hypergraphs(name, size, k):
    h = named_hypergraph(name, size=size)
    col = two_colour(h)[0]
    assert col is h.meta["two_colourable"]
    assert_agrees(HK.apply(h, k=k), col, fit_smt(HK.apply(h, k=k).target))


@pytest.mark.slow
@pytest.mark.parametrize("name,size", [("fano", None), ("k6-3", None), ("cycle", 8), ("cycle", 9), ("cycle", 5)])
def test_named_hypergraphs_k5(name, size):
    h = named_hypergraph(name, size=size)
    img = HK.apply(h, k=5)
    assert_agrees(img, two_colour(h)[0], fit_smt(img.target))


@pytest.mark.parametrize("k", [2, 3, 4])
def test_random_hypergraphs(k):
    """Random 3-uniform hypergraphs on 5-7 vertices, dense enough that many are not 2-colourable,
    plus planted 2-colourable ones."""
    rng = np.random.default_rng(7 + k)
    cases = []
    for i in range(n_cases(6, 40)):
        n = int(rng.integers(5, 8))
        top = comb(n, 3)
        m = int(rng.integers(top // 2, top + 1))
        cases.append(random_uniform_hypergraph(n, m, r=3, seed=int(rng.integers(2**31))))
    cases += [planted_2colourable_hypergraph(7, 10, r=3, seed=s) for s in range(n_cases(2, 10))]
    verdicts = []
    for h in cases:
        col = two_colour(h)[0]
        verdicts.append(col)
        img = HK.apply(h, k=k)
        assert_agrees(img, col, fit_smt(img.target))
    if full():
        assert verdicts.count(False) >= 5 and verdicts.count(True) >= 5


# ---------------------------------------------------------------- the named counterexample and the gadget

def test_c5_k2_realizable_without_gadget_not_with_it():
    """Design note §4: C5 ⋈ K2 at k = 4 is realizable without the gadget (the note's explicit weights
    in Fractions, and z3 finds a (+,+,+,-) network) and unrealizable in *every* sign pattern with it."""
    h, net = c5_k2_counterexample()
    bare = HK.apply(h, k=4, no_gadget=True)
    assert exact_loss(bare.target, net) == 0
    res = fit_smt(bare.target)
    assert res.realizable is True and exact_loss(bare.target, res.network) == 0
    assert sorted(res.network.output_weights.tolist()) == [-1, 1, 1, 1]
    assert monochromatic(check_hypergraph(h), bare.decode(res.network)).any()  # decode cannot be proper: C5 is odd

    gad = HK.apply(h, k=4)
    res = fit_smt(gad.target, skip_proved=False)  # no pattern skipped: z3 refutes all five
    assert res.realizable is False
    assert [p["status"] for p in res.extra["patterns"]] == ["unsat"] * 5


@pytest.mark.parametrize("name,size,realizable", [("k5-3", None, True), ("fano", None, True), ("cycle", 3, False), ("k4", None, False)])
def test_named_no_gadget_k4(name, size, realizable):
    """Design note §7: without the gadget, K5^(3) and Fano are realizable at k = 4 with (+,+,+,-); C3 and K4 are not."""
    h = named_hypergraph(name, size=size)
    img = HK.apply(h, k=4, no_gadget=True)
    res = fit_smt(img.target)
    assert res.realizable is realizable
    if realizable:
        assert exact_loss(img.target, res.network) == 0
        assert sorted(res.network.output_weights.tolist()) == [-1, 1, 1, 1]
        assert img.guarantee(res.network, Fraction(0)) is None  # no claim without the gadget
        assert img.bounds(colourable=False).realizable is None


@pytest.mark.parametrize("name,size", [("fano-minus-line", None), ("cycle", 4), ("cycle", 6)])
def test_mixed_sign_zero_loss_networks_decode_properly(name, size):
    """k = 3, no gadget: zero-loss networks with signs (+,+,-) exist on YES instances and every one z3
    finds decodes to a proper colouring (Claim B); likewise (+,+) at k = 2."""
    h = named_hypergraph(name, size=size)
    csr = check_hypergraph(h)
    for k, n_pos, n_neg in ((3, 2, 1), (2, 2, 0), (3, 3, 0)):
        img = HK.apply(h, k=k, no_gadget=True)
        rows, labels, _, _ = exact_rows(img.target)
        status, net = check_pattern(rows, labels, img.target.n_features, n_pos, n_neg)
        assert status == "sat"
        assert exact_loss(img.target, net) == 0
        assert not monochromatic(csr, img.decode(net)).any()


def test_gadget_forbids_every_mixed_pattern_on_yes_instances():
    """With the gadget only the all-positive pattern can be realizable, even on a YES instance."""
    h = named_hypergraph("cycle", size=4)
    img = HK.apply(h, k=3)
    res = fit_smt(img.target, skip_proved=False)
    assert [p["status"] for p in res.extra["patterns"]] == ["sat"]
    rows, labels, _, _ = exact_rows(img.target)
    for n_pos in (2, 1, 0):
        assert check_pattern(rows, labels, img.target.n_features, n_pos, 3 - n_pos)[0] == "unsat"


def test_one_positive_skip_is_sound():
    """The §3 lemma behind skipping p = 1, cross-checked by z3 with the skip disabled."""
    for name, size in (("fano-minus-line", None), ("cycle", 4)):
        h = named_hypergraph(name, size=size)
        for k in (2, 3):
            img = HK.apply(h, k=k, no_gadget=True)
            rows, labels, _, _ = exact_rows(img.target)
            assert check_pattern(rows, labels, img.target.n_features, 1, k - 1)[0] == "unsat"


# ---------------------------------------------------------------- solver plumbing

def test_registries_and_json():
    h = named_hypergraph("cycle", size=4)
    img = HK.apply(h, k=2)
    res = get_fitter("smt")(img.target, k=2)
    js = res.to_json()
    for key in ("method", "k", "loss", "mean_loss", "weights", "output_weights", "proven_optimal",
                "dual_bound", "realizable", "complete", "seconds", "seed"):
        assert key in js
    assert js["method"] == "smt" and js["loss"] == "0" and js["realizable"] is True and js["proven_optimal"]
    assert len(js["weights"]) == 2 and len(js["weights"][0]) == img.target.n_features
    orc = get_oracle("hypergraph")(h)
    assert orc.cert == {"colourable": True} and orc.value == 0


def test_float_arrays_give_the_same_verdict():
    """An .npz round trip hands fitters float arrays; they are read as exact rationals."""
    for name, size in (("cycle", 5), ("cycle", 6)):
        img = HK.apply(named_hypergraph(name, size=size), k=3)
        X, y, c = img.target.float_arrays()
        assert fit_smt((X, y, c, img.target.meta)).realizable is fit_smt(img.target).realizable


def test_model_recheck_catches_a_wrong_model(monkeypatch):
    img = HK.apply(named_hypergraph("cycle", size=4), k=2)

    def bogus(rows, labels, d, n_pos, n_neg, **kw):
        return "sat", Network(np.full((n_pos + n_neg, d), Fraction(1), dtype=object),
                              np.array([Fraction(1)] * n_pos + [Fraction(-1)] * n_neg, dtype=object))

    monkeypatch.setattr(smt, "check_pattern", bogus)
    with pytest.raises(ReductionCheckFailed):
        fit_smt(img.target)


def test_time_limit_gives_unknown_never_a_wrong_verdict():
    img = HK.apply(named_hypergraph("k6-3"), k=4, no_gadget=True)
    res = fit_smt(img.target, time_limit=0)
    assert res.realizable is None and not res.complete and res.status == "timeout"
    res = fit_smt(img.target, time_limit=0.05)  # z3's own timeout: either an answer or unknown
    assert res.realizable in (None, True)
    assert res.complete is (res.realizable is not None)


def test_conflicting_duplicate_points_are_unrealizable():
    h = Hypergraph(1, [(0,)])  # the edge point 1_{0} equals the vertex point e_0 with label 0 != 1
    res = fit_smt(HK.apply(h, k=2).target)
    assert res.realizable is False and res.extra["patterns"][0]["reason"].startswith("two equal points")


def test_smt_needs_k():
    img = HK.apply(named_hypergraph("cycle", size=4), k=2)
    X, y, c = img.target.float_arrays()
    with pytest.raises(InvalidParameterError):
        fit_smt((X, y, c, {}))


def test_gradient_fitter_on_yes_and_no_instances():
    """fit_gd (the shared k-ReLU fitter) from the lifted start reaches ~0 on a YES instance and the
    decoded colouring is proper; on a NO instance no fit reaches exact 0 (z3 proves it impossible)."""
    fit_gd = get_fitter("gd")
    h = named_hypergraph("cycle", size=6)
    img = HK.apply(h, k=3)
    start = img.lift(h.meta["certificate"]["colouring"]).as_float()
    res = fit_gd(img.target, k=3, restarts=2, seed=0, starts=[start])
    assert res.loss < 1e-9
    assert not monochromatic(check_hypergraph(h), img.decode(res.network)).any()
    no = HK.apply(named_hypergraph("cycle", size=5), k=3)
    res = fit_gd(no.target, k=3, restarts=3, seed=0)
    assert res.loss > 0


def test_mixed_sign_case_ii_needs_sign_cut_decode():
    """Claim B case (ii) on C4 ⋈ K1 (k = 3, no gadget): Q is active on every vertex of H, so
    "colour by an active positive ReLU" can be monochromatic; the sign cut of P is proper."""
    F = Fraction
    W = np.array([[2, 1, 2, 1, -2], [2, -2, 2, -2, 1], [3, 0, 3, 0, 0]], dtype=object) * F(1)
    net = Network(W, np.array([F(1), F(1), F(-1)], dtype=object))
    h = named_hypergraph("cycle", size=4)
    img = HK.apply(h, k=3, no_gadget=True)
    assert exact_loss(img.target, net) == 0
    csr = check_hypergraph(h)
    naive = [0 if w > 0 else 1 for w in W[0, :4]]  # first active positive ReLU: always ReLU 0
    assert monochromatic(csr, naive).all()
    assert not monochromatic(csr, img.decode(net)).any()
    assert img.guarantee(net, Fraction(0)).holds


def test_all_eight_clauses_unsat_at_k3():
    """The worked example's NO instance: every sign pattern on x1, x2, x3."""
    cnf = CNF(from_clauses=[[s1 * 1, s2 * 2, s3 * 3] for s1 in (1, -1) for s2 in (1, -1) for s3 in (1, -1)])
    res = fit_smt(CHAIN.apply(cnf, k=3).target)
    assert res.realizable is False
    assert [p["status"] for p in res.extra["patterns"]] == ["unsat", "unsat", "skipped", "skipped"]


def test_unrealizable_result_keeps_k_rows():
    img = HK.apply(named_hypergraph("cycle", size=5), k=3)
    js = fit_smt(img.target).to_json()
    assert js["realizable"] is False and js["k"] == 3 and len(js["weights"]) == 3
    assert not js["proven_optimal"]
    ts = img.target
    assert Fraction(js["loss"]) == exact_loss(ts, Network(np.zeros((3, ts.n_features), dtype=object) * Fraction(1),
                                                          np.ones(3, dtype=object) * Fraction(1)))
