"""Honest verdicts: exact comparisons, assumptions never taken for proofs, untested claims inconclusive."""

import json
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from reluhard.cli import main
from reluhard.data import Network, exact_loss, float_loss
from reluhard.io.dimacs import write_cnf
from reluhard.verdicts import float_verdict, rationalise, soundness_verdict
from conftest import unsat_formula
from reluhard.verify import verify


def test_rationalise_is_exact():
    net = Network(np.array([[0.1, -2.5, 1e-300]]), np.array([1.0]))
    r = rationalise(net)
    assert r.is_exact and r.weights[0, 0] == Fraction(0.1) and float(r.weights[0, 2]) == 1e-300


def test_float_verdict_band():
    assert float_verdict(10.0, 9, 0.5) is True
    assert float_verdict(8.0, 9, 0.5) is False
    assert float_verdict(8.9, 9, 0.5) is None and float_verdict(9.4, 9, 0.5) is None


def test_large_weight_custom_dks_false_claim_is_refuted():
    """mu = 10^6, lambda = 10^-6: the bound 30000288 is false (a point lies ~152 below), yet the
    old relative tolerance (30) accepted a gd fit 0.14 below it. Exact comparison refutes it."""
    G = nx.complete_multipartite_graph(10, 10, 10)
    opts = dict(kappa=6, delta=Fraction(1, 5), params="custom", mu=10**6, lam=Fraction(1, 10**6), anchor=1)
    rep = verify(G, "dks-relu", options=opts, methods=["gd"], restarts=3, time_limit=20)
    assert rep["soundness_bound"] == "30000288"
    assert rep["checks"]["fits_respect_soundness"] is False
    assert rep["status"] == "violated" and rep["exit_code"] == 1
    # the same instance under the proven parameters is not refuted
    rep2 = verify(G, "dks-relu", options=dict(kappa=6, delta=Fraction(1, 5)), methods=["gd"], restarts=3, time_limit=20)
    assert rep2["checks"]["fits_respect_soundness"] is True


def test_large_weight_refutation_from_the_cli(tmp_path, capsys):
    from reluhard.io.graphs import write_graph

    p = tmp_path / "k10.clq"
    write_graph(p, nx.complete_multipartite_graph(10, 10, 10))
    code = main(["verify", str(p), "--reduction", "dks-relu", "--kappa", "6", "--delta", "1/5", "--params", "custom",
                 "--mu", "1000000", "--lam", "1/1000000", "--anchor", "1", "--methods", "gd", "--restarts", "3", "--json"])
    rep = json.loads(capsys.readouterr().out)
    assert code == 1 and rep["checks"]["fits_respect_soundness"] is False


def test_soundness_verdict_exact_beats_tolerance():
    """A point 1e-3 below a bound of 1e9 passes any 1e-6 relative tolerance; the exact verdict is False."""
    from reluhard.data import TrainingSet
    import scipy.sparse as sp

    ts = TrainingSet(sp.csr_matrix(np.array([[1]]), dtype=np.int64), np.array([0], dtype=np.int64), np.array([1], dtype=np.int64), 1, {})
    bound = Fraction(10**9)
    w = float(np.sqrt(1e9)) - 1e-3 / (2 * float(np.sqrt(1e9)))  # loss w^2 just below 1e9
    net = Network(np.array([[w]]), np.array([1.0]))
    assert abs(float_loss(ts, net) - 1e9) < 1e-6 * 1e9
    v, detail = soundness_verdict(ts, net, bound, tol=1e-6 * 1e9)
    assert v is False and detail["decided_by"] == "exact"
    assert exact_loss(ts, rationalise(net)) < bound
    v2, _ = soundness_verdict(ts, Network(np.array([[w + 1e-3]]), np.array([1.0])), bound, tol=1e-6 * 1e9)
    assert v2 is True


def test_forged_min_unsat_metadata_is_an_assumption(tmp_path, capsys):
    """A forged 'min_unsat' in the metadata line must not shrink the box: fit --method exact
    reports no proven optimum (dual bound) above the true optimum."""
    f = unsat_formula(6, 45)
    from reluhard.solvers.sat import min_unsat

    u = min_unsat(f)[0]
    assert u >= 1
    honest, forged = tmp_path / "honest.cnf", tmp_path / "forged.cnf"
    write_cnf(honest, f)
    write_cnf(forged, f, meta={"min_unsat": 0})
    res = {}
    for name, src in (("honest", honest), ("forged", forged)):
        npz = tmp_path / f"{name}.npz"
        assert main(["reduce", "sat-relu", str(src), "-o", str(npz)]) == 0
        capsys.readouterr()
        assert main(["fit", str(npz), "--method", "exact", "--json"]) == 0
        res[name] = json.loads(capsys.readouterr().out)
        assert main(["info", str(npz)]) == 0
        res[name + "_info"] = capsys.readouterr().out
    true_opt = float(Fraction(res["honest"]["loss"]))
    assert res["honest"]["proven_optimal"]
    f_ = res["forged"]
    if f_["proven_optimal"]:
        assert f_["dual_bound"] <= true_opt + 1e-6
        assert float(Fraction(f_["loss"])) <= true_opt + 1e-6
    # the forged value is labelled an assumption where the user looks
    assert "assumption: uncertified" in res["forged_info"] and "uncertified" not in res["honest_info"]
    from reluhard.io.npz import load_training_set

    meta = load_training_set(tmp_path / "forged.npz", raw=True)[3]
    assert meta["options"]["min_unsat"] is None and meta["bounds"]["assumptions"]["min_unsat"] is None


def test_untested_realizability_claim_is_inconclusive(tmp_path, capsys):
    """sat-krelu on an unsatisfiable formula above the SMT cutoff: only gd runs, so the claim
    'min loss > 0' is never tested and the verdict must not be ok."""
    f = unsat_formula(8, 70)
    p = tmp_path / "f.cnf"
    write_cnf(p, f)
    code = main(["verify", str(p), "--reduction", "sat-krelu", "--k", "2", "--restarts", "2", "--time-limit", "10", "--json"])
    rep = json.loads(capsys.readouterr().out)
    assert rep["realizable_claim"] is False
    assert "smt" not in rep["fits"]
    assert rep["status"] == "inconclusive" and code == 3
    assert any("realizability" in r for r in rep["inconclusive_because"])


def test_dual_verdict_band():
    from reluhard.verdicts import dual_verdict

    assert dual_verdict(10.0, Fraction(10), 5.5) is True
    assert dual_verdict(9.0, Fraction(10), 5.5) is None  # a gap of 1 inside a tolerance of 5.5: unresolved
    assert dual_verdict(4.0, Fraction(10), 5.5) is False
    # double-precision noise below a tight bound is consistent; 1e-6 below with no slack is not
    assert dual_verdict(0.3, Fraction(3, 10), 0) is True
    assert dual_verdict(10 - 1e-6, Fraction(10), 0) is False
    assert dual_verdict(5.5e6 - 1, Fraction(int(5.5e6)), 5.5) is None


def test_dual_verdict_gap_resolution():
    from reluhard.verdicts import GAP_RESOLUTION, dual_verdict

    # a dual bound within its slack below a tight claim confirms it only when the slack is negligible next to the gap
    assert dual_verdict(10 - 1e-7, Fraction(10), 1e-6, gap=Fraction(1, 4)) is True
    assert dual_verdict(10 - 1e-7, Fraction(10), 1e-6) is None
    # literal numbers (not derived from the constant), so changing GAP_RESOLUTION either way fails here
    assert GAP_RESOLUTION == Fraction(1, 1000)
    assert dual_verdict(10 - 1e-7, Fraction(10), 2.6e-4, gap=Fraction(1, 4)) is None  # just over 1/1000 of the gap
    assert dual_verdict(10 - 1e-7, Fraction(10), 2.4e-4, gap=Fraction(1, 4)) is True
    assert dual_verdict(9.0, Fraction(10), 5.5, gap=Fraction(1)) is None  # the case: tolerance exceeds the gap


def _dense_graph_with_max_edges(n, kappa, target, seed=0):
    """A G(n, 0.6) graph whose densest kappa-set spans exactly ``target`` edges (brute force)."""
    import itertools

    for s in range(seed, seed + 200):
        G = nx.gnp_random_graph(n, 0.6, seed=s)
        best = max(G.subgraph(S).number_of_edges() for S in itertools.combinations(range(n), kappa))
        if best == target:
            return nx.convert_node_labels_to_integers(G)
    raise AssertionError("no graph found")


@pytest.mark.parametrize("forged", [3, 6])
def test_forged_max_edges_metadata_is_an_assumption(tmp_path, capsys, forged):
    """A forged DkS 'max_edges' in a graph's metadata (3: a NO bound above a real lift; 6: a fake
    kappa-clique) certifies nothing: no certified soundness, no box or YES value resting on it, and
    it is labelled an assumption in meta and 'info' (as a forged min_unsat is for sat-relu)."""
    from reluhard.io.graphs import write_graph
    from reluhard.io.npz import load_training_set
    from reluhard.reductions import get_reduction

    kappa, C, true_e = 4, 6, 5
    G = _dense_graph_with_max_edges(7, kappa, true_e)
    G.graph["reluhard"] = {"certificate": {"kappa": kappa, "max_edges": forged}}
    red = get_reduction("dks-relu")
    img = red.apply(G, kappa=kappa)
    b = img.bounds()
    c = Fraction(b.assumptions["yes_value_c"])
    import itertools

    S_best = next(S for S in itertools.combinations(range(7), kappa) if G.subgraph(S).number_of_edges() == true_e)
    lifted = exact_loss(img.target, img.lift(list(S_best)))
    assert lifted == c + 2 * (C - true_e)
    assert b.assumptions["source"] == "promise" and b.assumptions["max_edges"] is None
    if b.soundness is not None and b.soundness > lifted:
        assert b.assumptions["promise"] is True  # only a conditional (promise) bound may lie above a real point
    # the box rests on a real set: its upper bound U is the loss of a recounted kappa-set, so >= min L
    assert b.completeness is None or b.completeness <= lifted or b.assumptions["promise"]
    assert "max_edges" not in img.target.meta["certificate"]
    lab = img.target.meta["bounds"]["assumptions"]["metadata_certificate"]
    assert lab["value"]["max_edges"] == forged and lab["status"].startswith("assumption: uncertified")
    assert img.target.meta["delta_source"].startswith("instance metadata (assumption")
    # through the CLI: reduce, then info labels it; the public claim is a promise, never 'certificate'
    src, npz = tmp_path / "g.clq", tmp_path / "g.npz"
    write_graph(src, G)
    assert main(["reduce", "dks-relu", str(src), "--kappa", str(kappa), "-o", str(npz)]) == 0
    capsys.readouterr()
    meta = load_training_set(npz, raw=True)[3]
    assert meta["claim"]["bounds_source"] == "promise"
    assert meta["bounds"]["assumptions"]["metadata_certificate"]["value"]["max_edges"] == forged
    assert main(["info", str(npz)]) == 0
    assert "assumption: uncertified" in capsys.readouterr().out
    # the same graph without metadata and a flag promise: no assumption label
    G.graph.pop("reluhard")
    assert "metadata_certificate" not in red.apply(G, kappa=kappa, delta=Fraction(1, 6)).target.meta["bounds"]["assumptions"]
