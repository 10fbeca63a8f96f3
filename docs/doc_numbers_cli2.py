"""Numbers quoted in docs/learner.md, docs/reductions/*.md and docs/datasets.md (a plug-in of
docs/doc_numbers.py, which injects ``number``; run ``python docs/doc_numbers.py --check``).

Each function recomputes its value from the code (the reduction, the learner's parameters, the
generators) or reads it from the test that checks it, so a changed constant makes the docs stale.
"""

import math
import re
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

number = globals().get("number")  # injected by docs/doc_numbers.py before this file runs


def _frac(v):
    v = Fraction(v)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _sci(x, digits=2):
    """1.2e−9 (the docs' spelling: two significant digits, a Unicode minus)."""
    mant, exp = f"{float(x):.{digits - 1}e}".split("e")
    return f"{mant}e{int(exp)}".replace("-", "−")


# ----------------------------------------------------------------------------- tests as the source


def _test_count(path, func, pattern):
    """The first integer ``pattern`` captures inside test function ``func`` of ``tests/path``."""
    text = (ROOT / "tests" / path).read_text(encoding="utf-8")
    m = re.search(rf"^def {re.escape(func)}\(.*?(?=^def |\Z)", text, re.S | re.M)
    if m is None:
        raise KeyError(f"no test {func} in tests/{path}")
    hit = re.search(pattern, m.group(0))
    if hit is None:
        raise KeyError(f"{pattern!r} not in tests/{path}::{func}")
    return hit.group(1)


_FULL = r"n_cases\(\d+, (\d+)\)"  # the full-mode count of n_cases(default, full)


@number("tests.sat_relu.full_formulas")
def sat_relu_full_formulas():
    return _test_count("test_sat_relu.py", "test_exact_minimum_sat_is_n_and_unsat_respects_soundness", _FULL)


@number("tests.sat_relu.miqp_formulas")
def sat_relu_miqp_formulas():
    return _test_count("test_sat_relu.py", "test_orthant_enumeration_agrees_with_scip", _FULL)


@number("tests.sat_relu.pruned_formulas")
def sat_relu_pruned_formulas():
    return _test_count("test_sat_relu.py", "test_pruned_enumeration_matches_full", _FULL)


@number("tests.learner.full_oracle_instances")
def learner_full_oracle_instances():
    return _test_count("test_learner.py", "test_oracle_many_instances_full", r"instances_2d\((\d+),")


# ----------------------------------------------------------------------------- docs/datasets.md


@lru_cache(maxsize=None)
def _blocks2000(kind):
    from reluhard.generators.blocks import planted_blocks, random_unsat_blocks

    if kind == "no":
        out = random_unsat_blocks(2000, 4.26, seed=1)
    else:
        out = planted_blocks(2000, 4.26, quiet=(kind == "quiet"), seed=1)
    meta = out[1] if isinstance(out, tuple) else out.meta
    return meta["statistics"]


@number("blocks2000.*")
def blocks2000(rest):
    """``blocks2000.KIND.FIELD``: statistics (``formula_statistics``) of the n = 2000, ratio 4.26, seed 1 block
    unions; KIND no (random_unsat_blocks), quiet / planted (planted_blocks); FIELD occurrence_mean,
    occurrence_std (2 decimals), positive_literal_fraction, literal_imbalance_mean (3 decimals)."""
    kind, field = rest.split(".")
    v = _blocks2000(kind)[field]
    return f"{v:.2f}" if field.startswith("occurrence") else f"{v:.3f}"


# ----------------------------------------------------------------------------- docs/reductions/sat-relu.md


@number("sat_relu.gap_u1.*")
def sat_relu_gap_u1(rest):
    """``sat_relu.gap_u1.T``: s(1) − n at T² = T·T (one falsified clause, B ≥ 1): exact, or 4 decimals + '…'."""
    from reluhard.reductions.sat_to_relu import soundness_bound

    T = int(rest)
    g = Fraction(soundness_bound(3, 1, 3, Fraction(T * T))) - 3
    if g.denominator <= 100:
        return _frac(g)
    return f"{math.floor(float(g) * 10**4) / 10**4:.4f}…"


_EXAMPLE = [[1, 2, 3], [-1, 2, -3]]  # the worked example of sat-relu.md, T² = 2


@number("sat_relu.example.*")
def sat_relu_example(rest):
    """``sat_relu.example.lift.BITS`` (BITS like TFT: x1..x3): the exact loss of that assignment's lift;
    ``sat_relu.example.min``: the exact minimum verify proves (orthant enumeration, T² = 2)."""
    from pysat.formula import CNF

    from reluhard.data import exact_loss
    from reluhard.reductions import get_reduction

    cnf = CNF(from_clauses=_EXAMPLE)
    img = get_reduction("sat-relu").apply(cnf, T2="2")
    if rest.startswith("lift."):
        bits = rest.split(".", 1)[1]
        assignment = [i + 1 if b == "T" else -(i + 1) for i, b in enumerate(bits)]
        return _frac(exact_loss(img.target, img.lift(assignment)))
    if rest == "min":
        from reluhard.verify import verify

        rep = verify(cnf, "sat-relu", methods=["orthant"], options={"T2": "2"})
        fit = rep["fits"]["orthant"]
        assert fit["proven_optimal"], fit
        return _frac(Fraction(fit["loss"]).limit_denominator(1000))
    raise KeyError(rest)


@lru_cache(maxsize=None)
def _all8_report():
    from itertools import product

    from pysat.formula import CNF

    from reluhard.verify import verify

    cnf = CNF(from_clauses=[[s1 * 1, s2 * 2, s3 * 3] for s1, s2, s3 in product((1, -1), repeat=3)])
    return verify(cnf, "sat-relu", methods=["exact"])


@number("all8.completeness")
def all8_completeness():
    return _frac(_all8_report()["completeness_loss"])


@number("all8.min.decimal")
def all8_min_decimal():
    """The exact fit's minimum as verify prints it (7 decimals)."""
    fit = _all8_report()["fits"]["exact"]
    assert fit["proven_optimal"], fit
    return f"{float(fit['loss']):.7f}"


@number("sat_relu.R2")
def sat_relu_r2():
    """R² = max ||x_i||² of the sat-relu data (a clause point: 4 + 1 + 1 + 1)."""
    from pysat.formula import CNF

    from reluhard.reductions import get_reduction

    img = get_reduction("sat-relu").apply(CNF(from_clauses=_EXAMPLE), variant="normalized")
    return _frac(1 / Fraction(img.target.meta["scale"]["x_sq"]))


# ----------------------------------------------------------------------------- docs/reductions/dks-relu.md


@lru_cache(maxsize=None)
def _drift(params):
    from reluhard.generators.dks_families import drift_instance
    from reluhard.reductions import get_reduction

    G = drift_instance()
    opts = {"kappa": 6, "delta": "1/5", "params": params}
    if params == "custom1":
        opts = {"kappa": 6, "delta": "1/5", "params": "custom", "mu": "1", "lam": "1", "anchor": "1000"}
    return G, get_reduction("dks-relu").apply(G, **opts)


@number("dks.drift.*")
def dks_drift(rest):
    """``dks.drift.FIELD`` on K_{10,10,10}, κ = 6, δ = 1/5 (``drift_instance``), μ = 1 where the docs say so:
    max_edges; c (YES value, μ = 1); claim (c + δC); no_min (c + 2 · the fewest missing edges);
    drift_loss (the drift point with 4 vertices per part); rel_gap.PARAMS, eps.PARAMS (proven / exact)."""
    from reluhard.data import exact_loss
    from reluhard.reductions.dks_to_relu import drift_point, normalisation

    field, _, params = rest.partition(".")
    if field in ("rel_gap", "eps"):
        _, img = _drift(params)
        (_, _, p), = img.stages
        out = normalisation(p)
        return _sci(Fraction(out["relative_gap" if field == "rel_gap" else "eps"]))
    G, img = _drift("custom1")
    (_, _, p), = img.stages
    C, kappa = p["C"], p["kappa"]
    max_edges = G.graph["reluhard"]["certificate"]["max_edges"]
    c = Fraction(p["n"]) * Fraction(p["mu"]) + G.number_of_edges() - C
    if field == "max_edges":
        return str(max_edges)
    if field == "c":
        return _frac(c)
    if field == "claim":
        return _frac(c + Fraction(p["delta"]) * C)
    if field == "no_min":
        return _frac(c + 2 * (C - max_edges))
    if field == "drift_loss":
        S = [part * 10 + j for part in range(3) for j in range(4)]
        return _frac(exact_loss(img.target, drift_point(G, p, S)))
    raise KeyError(rest)


@number("dks.k10_10.eps")
def dks_k10_10_eps():
    """ε of K_{10,10}, κ = 10 (proven parameters, δ the true one: a 10-set spans at most 5·5 of C(10,2) pairs)."""
    import networkx as nx

    from reluhard.reductions import get_reduction
    from reluhard.reductions.dks_to_relu import normalisation

    G = nx.complete_bipartite_graph(10, 10)
    G.graph["reluhard"] = {}
    C = math.comb(10, 2)
    img = get_reduction("dks-relu").apply(G, kappa=10, delta=_frac(Fraction(C - 25, C)))
    (_, _, p), = img.stages
    return _sci(Fraction(normalisation(p)["eps"]))


# ----------------------------------------------------------------------------- docs/reductions/sat-krelu.md


@number("krelu.eps.*")
def krelu_eps(rest):
    """``krelu.eps.C3`` (hypergraph-krelu on the triangle C3, k = 2) and ``krelu.eps.all8`` (the all-8 formula
    through the sat-krelu chain, k = 2): the normalised ε of ``--variant normalized``."""
    from reluhard.reductions import get_reduction

    if rest == "C3":
        from reluhard.generators.hypergraphs import named_hypergraph

        img = get_reduction("hypergraph-krelu").apply(named_hypergraph("cycle", size=3), k=2, variant="normalized")
    elif rest == "all8":
        from itertools import product

        from pysat.formula import CNF

        cnf = CNF(from_clauses=[[s1 * 1, s2 * 2, s3 * 3] for s1, s2, s3 in product((1, -1), repeat=3)])
        img = get_reduction("sat-krelu").apply(cnf, k=2, variant="normalized")
    else:
        raise KeyError(rest)
    return img.target.meta["eps"]


# ----------------------------------------------------------------------------- docs/learner.md


def _worst_case_exponent_exact():
    """The limit of δ² log2 |N| for the worst-case net: m = 5/(4δ²) coordinates of step δ/√5, and
    vol(B^m) (1 + ||h||/2)^m / h^m → (8πe)^(m/2) (5/4)^m, i.e. (5/4)(log2(8πe)/2 + log2(5/4))."""
    return 1.25 * (0.5 * math.log2(8 * math.pi * math.e) + math.log2(1.25))


@number("learner.worst_case_exponent")
def learner_worst_case_exponent():
    """The c of |N| <= 2^(c/δ²), rounded up to 2 decimals; checked against the code's plan on a δ grid."""
    import numpy as np

    from reluhard.solvers.learner.lattice import log2_planned_size, worst_case_params

    c = math.ceil(100 * _worst_case_exponent_exact()) / 100
    for d in np.geomspace(0.05, 1.0, 60):
        _, h = worst_case_params(float(d), np.ones(10**4), 10**4)
        assert log2_planned_size(h) <= c / d**2, (d, c)
    return f"{c:.2f}"


@number("learner.delta_factor")
def learner_delta_factor():
    """1/δ² <= (1 + √2)²/eps² when U <= 1 (δ(U) = √(U + eps) − √U >= eps/(1 + √2)): (1 + √2)², 2 decimals."""
    return f"{math.ceil(100 * (1 + math.sqrt(2)) ** 2) / 100:.2f}"


@number("learner.agnostic_exponent")
def learner_agnostic_exponent():
    """The product of the two constants above, rounded up to 1 decimal."""
    return f"{math.ceil(10 * _worst_case_exponent_exact() * (1 + math.sqrt(2)) ** 2) / 10:.1f}"


@number("learner.max_activations")
def learner_max_activations():
    from reluhard.solvers.learner.krelu import _MAX_F

    mant, exp = f"{_MAX_F:.0e}".split("e+")
    return f"{mant}e{int(exp)}"


def _single_source():
    import inspect

    from reluhard.solvers.learner import single

    return inspect.getsource(single.learn_relu)


@number("learner.anytime_first_log2")
def learner_anytime_first_log2():
    """The anytime mode's first level: planned size 2^this."""
    return str(int(float(re.search(r"log2_target = ([\d.]+)", _single_source()).group(1))))


@number("learner.anytime_factor")
def learner_anytime_factor():
    """Planned size growth per anytime level: 2^(log2_target step)."""
    return str(int(2 ** float(re.search(r"log2_target \+= ([\d.]+)", _single_source()).group(1))))


# ----------------------------------------------------------------------------- docs/reductions/dks-relu-normalized.md


def _e3(x):
    """5.32e−7 (3 significant digits, Unicode minus)."""
    return _sci(x, 3)


@lru_cache(maxsize=None)
def _dksn_row(b, r=3, kappa=6):
    from reluhard.generators.dks_families import multipartite_no
    from reluhard.reductions import get_reduction

    G = multipartite_no(b, r, kappa)
    red = get_reduction("dks-relu")
    return red.apply(G, kappa=kappa, variant="normalized").target.meta, red.apply(G, kappa=kappa).target.meta


@number("dksn.table.*")
def dksn_table(rest):
    """``dksn.table.N.COL`` of the K_{b,b,b} table (κ = 6, n = 3b): COL eps_exact, eps, eps_n2, locality, plain."""
    n, col = rest.split(".")
    norm, plain = _dksn_row(int(n) // 3)
    eps = Fraction(norm["eps"])
    if col == "eps_exact":
        return _frac(eps)
    value = {"eps": eps, "eps_n2": eps * int(n) ** 2, "locality": Fraction(norm["locality_bound"]),
             "plain": Fraction(plain["eps"])}[col]
    return _e3(value)


@number("dksn.mu3")
def dksn_mu3():
    """μ₃ at κ = 6, δ = 1/5 (n large enough)."""
    from reluhard.reductions.dks_to_relu_normalized import mu3

    return _frac(mu3(6, Fraction(1, 5), 100))


@number("dksn.k40.*")
def dksn_k40(rest):
    """``dksn.k40.normalized`` / ``dksn.k40.plain``: ε on K_{40,40,40}, κ = 6 (2 significant digits, ·10⁻ⁿ)."""
    from reluhard.generators.dks_families import multipartite_no
    from reluhard.reductions import get_reduction

    G = multipartite_no(40, 3, 6)
    opts = {"variant": "normalized"} if rest == "normalized" else {}
    eps = Fraction(get_reduction("dks-relu").apply(G, kappa=6, **opts).target.meta["eps"])
    mant, exp = f"{float(eps):.1e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mant}·10{str(int(exp)).translate(sup)}"


# ----------------------------------------------------------------------------- docs/reductions/sat-krelu.md (more)


@lru_cache(maxsize=None)
def _krelu_example():
    """The worked example of sat-krelu.md §7 through the chain at k = 3."""
    from pysat.formula import CNF

    from reluhard.reductions import get_reduction

    return get_reduction("sat-krelu").apply(CNF(from_clauses=[[1, 2, -3], [-1, -2, 3]]), k=3)


@number("krelu.example.*")
def krelu_example(rest):
    """``krelu.example.FIELD`` of the §7 example (k = 3): rows, M, rows.KIND (vertex, edge, join, gadget counts),
    gadget_labels (the gadget points' labels)."""
    import numpy as np

    img = _krelu_example()
    meta = img.target.meta
    if rest == "rows":
        return str(img.target.n_samples)
    if rest == "M":
        return str(meta["M"])
    if rest.startswith("rows."):
        lo, hi = meta["rows"][rest.split(".", 1)[1]]
        return str(hi - lo)
    if rest == "gadget_labels":
        lo, hi = meta["rows"]["gadget"]
        return ", ".join(str(int(v)) for v in np.asarray(img.target.y)[lo:hi])
    raise KeyError(rest)


@number("krelu.c5k2.points")
def krelu_c5k2_points():
    """Points of C5 ⋈ K2 (hypergraph-krelu on C5, k = 4, no gadget)."""
    from reluhard.reductions.hypergraph_to_krelu import REDUCTION, c5_k2_counterexample

    H, _ = c5_k2_counterexample()
    return str(REDUCTION.apply(H, k=4, no_gadget=True).target.n_samples)


@number("tests.dks_exact.*")
def dks_exact_counts(rest):
    """``tests.dks_exact.{no,yes}.{default,full}``: the NO graphs / planted cliques of tests/test_dks_exact.py."""
    kind, mode = rest.split(".")
    text = (ROOT / "tests" / "test_dks_exact.py").read_text(encoding="utf-8")
    name = {"no": "NO", "yes": "YES"}[kind]
    m = re.search(rf"^{name} = \w+\(n_cases\((\d+), (\d+)\)\)", text, re.M)
    return m.group(1 if mode == "default" else 2)
