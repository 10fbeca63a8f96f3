"""reluhard.bench: algorithms see public data only, losses are recomputed, bounds are never beaten."""

import json
import os
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from reluhard.bench import ALGORITHMS, BoundViolation, NotApplicable, get_algorithm, load_problem, run_bench, suite_specs
from reluhard.bench import instances as bench_instances
from reluhard.bench.algorithms import as_network
from reluhard.bench.cell import make_cells, run_bench_cell
from reluhard.errors import InvalidParameterError, UnknownNameError
from reluhard.sweep.table import read_records

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "instances"


def _spec(row):
    return next(s for s in suite_specs(SUITE) if s["row"] == row)


def _cell(row, alg, budget=0.5, seed=0):
    return make_cells([_spec(row)], [alg], 1, budget)[0] | {"seed": seed}


def _true_loss(prob, W, a):
    r = np.maximum(prob.X @ np.asarray(W, float).T, 0.0) @ np.asarray(a, float) - prob.y
    return float(prob.sample_weight @ (r * r))


# ---------------------------------------------------------------- recomputed losses, bounds

@pytest.mark.parametrize("alg", ["lbfgs", "sgd", "adam", "sgd-mb", "adam-mb", "learner", "miqp", "orthant"])
def test_every_algorithm_loss_is_recomputed_and_matches_its_claim(alg):
    pytest.importorskip("torch") if alg in ("sgd", "adam", "sgd-mb", "adam-mb") else None
    rec = run_bench_cell(_cell("sat-relu/tiny/yes", alg, budget=0.6))
    assert rec["status"] == "ok", rec["error"] or rec["skip_reason"]
    assert rec["claimed_loss"] is not None
    assert rec["loss"] == pytest.approx(rec["claimed_loss"], rel=1e-7, abs=1e-9)
    # never below the certified optimum min L = n = 6 (a violation would be status "violated")
    assert rec["certified_lower_bound"] == 6.0 and rec["optimum_known"] is True and rec["gap_kind"] == "to_optimum"
    assert rec["loss"] >= 6.0 - 1e-9
    assert rec["gap"] == pytest.approx(rec["loss"] - 6.0)
    assert rec["success"] == (rec["loss"] <= 6.0 * (1 + 1e-4))
    assert rec["decodes_to_witness"] == (rec["decoded_value"] == 0)
    assert 0 <= rec["time_to_best"] <= rec["seconds"] + 1e-6


def test_krelu_rows_train_k_relus_with_output_weights():
    rec = run_bench_cell(_cell("sat-krelu/tiny/yes", "lbfgs", budget=0.5))
    assert rec["status"] == "ok" and rec["k"] == 2
    assert rec["loss"] == pytest.approx(rec["claimed_loss"], rel=1e-7, abs=1e-9)
    assert rec["certified_lower_bound"] == 0.0 and rec["loss"] >= 0.0


def test_harness_recomputes_instead_of_trusting_a_claim(tmp_path, monkeypatch):
    (tmp_path / "liar_opt.py").write_text(textwrap.dedent("""
        import numpy as np
        from reluhard.bench import BenchFit
        from reluhard.data import Network

        def fit(X, y, sample_weight, *, seed, budget, k):
            return BenchFit(Network(np.zeros((k, X.shape[1])), np.ones(k)), [(0.0, -1.0)])
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    rec = run_bench_cell(_cell("sat-relu/tiny/yes", "liar_opt:fit"))
    prob = load_problem(_spec("sat-relu/tiny/yes"))
    assert rec["status"] == "ok" and rec["claimed_loss"] == -1.0
    assert rec["loss"] == pytest.approx(float(prob.sample_weight @ prob.y ** 2))  # w = 0: L(0) = sum c y^2


def test_a_loss_below_a_certified_lower_bound_is_an_error_not_a_record(tmp_path, monkeypatch):
    real = bench_instances.load_problem

    def wrong_bound(spec):
        prob = real(spec)
        prob.lower_bound = prob.completeness = Fraction(10**6)  # a (deliberately false) certified bound
        return prob

    monkeypatch.setattr(bench_instances, "load_problem", wrong_bound)
    out = tmp_path / "b.jsonl"
    with pytest.raises(BoundViolation, match="< certified lower bound"):
        run_bench([_spec("sat-relu/tiny/yes")], ["lbfgs"], out, seeds=1, budget=0.2, isolate=False, progress=False)
    assert read_records(out)[0] == []  # nothing recorded


@pytest.mark.parametrize("bump,violated", [(Fraction(0), False), (Fraction(6, 10**6), True)])
def test_lower_bound_slack_is_tight(monkeypatch, bump, violated):
    # the exact orthant enumeration reaches min L = 6 up to float rounding: at the bound it is a record,
    # 1e-6 (relative) above the bound's true value it is a violation
    real = bench_instances.load_problem

    def bumped(spec):
        prob = real(spec)
        prob.lower_bound = prob.completeness = prob.lower_bound + bump
        return prob

    monkeypatch.setattr(bench_instances, "load_problem", bumped)
    rec = run_bench_cell(_cell("sat-relu/tiny/yes", "orthant", budget=5.0))
    assert (rec["status"] == "violated") == violated, rec
    assert rec["loss"] == pytest.approx(6.0, rel=1e-12)


# ---------------------------------------------------------------- public data only

def test_algorithms_see_only_public_arrays(tmp_path, monkeypatch):
    (tmp_path / "spy_opt.py").write_text(textwrap.dedent("""
        import numpy as np
        SEEN = []

        def fit(*args, **kwargs):
            SEEN.append((args, kwargs))
            X = args[0]
            return np.ones((kwargs["k"], X.shape[1])) * 0.01
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    import spy_opt

    rec = run_bench_cell(_cell("sat-relu/tiny/no", "spy_opt:fit", seed=3))
    assert rec["status"] == "ok", rec["error"]
    (args, kwargs), = spy_opt.SEEN
    assert len(args) == 3 and set(kwargs) == {"seed", "budget", "k"}
    assert kwargs["seed"] == 3 and kwargs["k"] == 1 and kwargs["budget"] == 0.5
    for a in args:
        assert type(a) is np.ndarray and a.dtype == np.float64 and not a.flags.writeable
    from reluhard.io.npz import load_training_set

    X, y, c, meta = load_training_set(SUITE / "sat-relu/tiny/no.npz")
    np.testing.assert_array_equal(args[0], X.toarray())
    np.testing.assert_array_equal(args[1], y)
    np.testing.assert_array_equal(args[2], c)
    assert "certificate" in meta  # the meta exists (and may hold a witness) but was not passed


def test_plugin_optimizer_runs_from_a_module_path_through_the_cli(tmp_path):
    (tmp_path / "my_optimizer.py").write_text(textwrap.dedent("""
        import numpy as np

        def random_search(X, y, sample_weight, *, seed, budget, k):
            rng = np.random.default_rng(seed)
            best, bw = np.inf, None
            for _ in range(200):
                W = rng.standard_normal((k, X.shape[1]))
                r = np.maximum(X @ W.T, 0).sum(axis=1) - y
                L = float(sample_weight @ (r * r))
                if L < best:
                    best, bw = L, W
            return bw
    """))
    env = dict(os.environ, PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = tmp_path / "bench.jsonl"
    cli = [sys.executable, "-m", "reluhard.cli"]
    r = subprocess.run(cli + ["bench", "--suite", str(SUITE), "--tiers", "tiny", "--reductions", "sat-relu",
                              "--algorithms", "my_optimizer:random_search,lbfgs", "--seeds", "1", "--budget", "0.5",
                              "-o", str(out), "--parquet", str(tmp_path / "b.parquet")],
                       env=env, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    recs = read_records(out)[0]
    assert len(recs) == 2 * 2 and {x["status"] for x in recs} == {"ok"}
    mine = [x for x in recs if x["algorithm"] == "my_optimizer:random_search"]
    assert len(mine) == 2 and all(x["loss"] >= x["certified_lower_bound"] for x in mine)
    assert (tmp_path / "b.parquet").stat().st_size > 0
    # resumable: a second run skips every cell
    r2 = subprocess.run(cli + ["bench", "--suite", str(SUITE), "--tiers", "tiny", "--reductions", "sat-relu",
                               "--algorithms", "my_optimizer:random_search,lbfgs", "--seeds", "1", "--budget", "0.5",
                               "-o", str(out), "--resume", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert r2.returncode == 0 and json.loads(r2.stdout)["skipped"] == 4
    rep = subprocess.run(cli + ["report", str(out)], capture_output=True, text=True, timeout=120)
    assert rep.returncode == 0 and "| my_optimizer:random_search |" in rep.stdout and "| lbfgs |" in rep.stdout
    figs = subprocess.run(cli + ["plot", str(out), "-o", str(tmp_path / "figs")], capture_output=True, text=True, timeout=120)
    assert figs.returncode == 0, figs.stderr
    assert (tmp_path / "figs" / "bench_success_vs_size.png").exists()
    assert (tmp_path / "figs" / "bench_time_to_target.png").exists()


def test_unknown_algorithm_and_bad_plugin_are_clear_errors():
    with pytest.raises(UnknownNameError, match="known: lbfgs"):
        get_algorithm("nope")
    with pytest.raises(UnknownNameError, match="cannot import"):
        get_algorithm("no_such_module_xyz:fit")
    with pytest.raises(UnknownNameError, match="no callable"):
        get_algorithm("math:no_such_function")
    r = subprocess.run([sys.executable, "-m", "reluhard.cli", "bench", "-o", "/tmp/never-written.jsonl"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--suite" in r.stderr and "Traceback" not in r.stderr


def test_wrong_weight_shapes_are_error_records():
    with pytest.raises(InvalidParameterError, match="shape"):
        as_network(np.zeros((2, 3)), 1, 3)
    with pytest.raises(InvalidParameterError, match="non-positive"):
        as_network((np.ones((1, 3)), np.array([-1.0])), 1, 3)
    net = as_network((np.ones((1, 3)), np.array([2.0])), 1, 3)  # a relu(w.x) = relu(a w.x), a > 0
    np.testing.assert_array_equal(net.weights, 2 * np.ones((1, 3)))


# ---------------------------------------------------------------- torch optional

def test_torch_algorithms_skip_cleanly_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError
    for alg in ("sgd", "adam", "sgd-mb", "adam-mb"):
        with pytest.raises(NotApplicable, match=r"pip install 'reluhard\[torch\]'"):
            ALGORITHMS[alg](np.ones((3, 2)), np.ones(3), np.ones(3), seed=0, budget=1.0, k=1)
    rec = run_bench_cell(_cell("sat-relu/tiny/yes", "adam"))
    assert rec["status"] == "skipped" and "torch is not installed" in rec["skip_reason"] and rec["loss"] is None


# ---------------------------------------------------------------- exact arrangement enumeration

@pytest.mark.parametrize("seed,d", [(0, 2), (1, 3), (2, 2)])
def test_arora_enumeration_matches_the_scip_miqp_optimum(seed, d):
    import scipy.sparse as sp

    from reluhard.solvers.miqp import fit_miqp

    rng = np.random.default_rng(seed)
    N = 10
    X = rng.standard_normal((N, d))
    y = np.maximum(X @ rng.standard_normal(d), 0) + 0.5 * rng.standard_normal(N)
    c = rng.uniform(0.5, 2.0, N)
    fit = ALGORITHMS["arora"](X, y, c, seed=0, budget=30.0, k=1)
    assert fit.info["complete"]
    L = float(c @ (np.maximum(X @ fit.network.weights[0], 0) - y) ** 2)
    m = fit_miqp((sp.csr_matrix(X), y, c, {}), box=50.0, time_limit=60.0)
    assert m.proven_optimal
    assert L <= m.loss + 1e-6 * max(1.0, m.loss)  # exact: as good as the proven MIQP optimum
    assert L >= m.dual_bound - 1e-6 * max(1.0, m.loss)  # and never below a proven lower bound
    g = ALGORITHMS["lbfgs"](X, y, c, seed=0, budget=0.2, k=1)
    assert L <= float(c @ (np.maximum(X @ g.network.weights[0], 0) - y) ** 2) + 1e-9


def test_arora_refuses_large_rank():
    with pytest.raises(NotApplicable, match="rank"):
        ALGORITHMS["arora"](np.eye(6), np.ones(6), np.ones(6), seed=0, budget=1.0, k=1)


# ---------------------------------------------------------------- hard family

def test_hard_family_is_reproducible_and_certified():
    spec = bench_instances.hard_specs([12], [4])[0]
    a, b = load_problem(spec), load_problem(spec)
    np.testing.assert_array_equal(a.X, b.X)
    assert a.lower_bound == a.completeness == 12 and a.optimum_known and a.tier == "hard"
    assert a.X.shape[1] == 13 and a.combinatorial_optimum == 0
    other = load_problem(bench_instances.hard_specs([12], [5])[0])
    assert other.X.shape != a.X.shape or not np.array_equal(other.X, a.X)  # the instance seed matters
    # the decoder values a network on the public source: w = 0 decodes to all-false
    assert a.decoder(as_network(np.zeros((1, 13)), 1, 13)) >= 0


def test_bounds_follow_the_normalised_arrays_the_algorithms_see():
    # dks-relu stores integer data with scale factors; the arrays are normalised and the bounds scale by y_sq
    from reluhard.io.npz import load_training_set

    prob = load_problem(_spec("dks-relu/tiny/no"))
    meta = load_training_set(SUITE / "dks-relu/tiny/no.npz")[3]
    y_sq = Fraction(meta["scale"]["y_sq"])
    assert y_sq != 1 and prob.lower_bound == Fraction(2162) * y_sq
    rec = run_bench_cell(_cell("dks-relu/tiny/no", "lbfgs", budget=0.5))
    assert rec["status"] == "ok" and rec["loss"] >= rec["certified_lower_bound"]


# ---------------------------------------------------------------- time to target, seed independence

def test_early_stop_at_the_certified_optimum_and_time_to_target():
    # L-BFGS reaches min L = 6 on sat-relu/tiny/yes within a restart or two: the harness stops it there
    rec = run_bench_cell(_cell("sat-relu/tiny/yes", "lbfgs", budget=20.0))
    assert rec["status"] == "ok" and rec["success"] is True and rec["stopped_at_target"] is True
    assert rec["seconds"] < 10.0  # far below the 20 s budget
    assert 0 <= rec["time_to_target"] <= rec["seconds"] + 1e-6
    # without early stop the whole budget is spent, and time to target is still recorded
    off = make_cells([_spec("sat-relu/tiny/yes")], ["lbfgs"], 1, 1.5, early_stop=False)[0]
    assert off["cell_id"] != _cell("sat-relu/tiny/yes", "lbfgs", budget=1.5)["cell_id"]
    rec2 = run_bench_cell(off)
    assert rec2["stopped_at_target"] is False and rec2["seconds"] >= 1.5 and rec2["success"] is True
    assert rec2["time_to_target"] is not None and rec2["time_to_target"] <= 1.5


def test_early_stop_uses_the_recomputed_loss_not_the_claim(tmp_path, monkeypatch):
    # an algorithm that offers its Trace a false (low) claim is not stopped: the monitor recomputes the loss
    (tmp_path / "claims_opt.py").write_text(textwrap.dedent("""
        import numpy as np
        from reluhard.bench.algorithms import Trace

        def fit(X, y, sample_weight, *, seed, budget, k):
            tr = Trace(budget)
            tr.offer(-1.0, np.zeros((k, X.shape[1])), np.ones(k))
            while not tr.out_of_time():
                pass
            return tr.fit()
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    rec = run_bench_cell(_cell("sat-relu/tiny/yes", "claims_opt:fit", budget=0.8))
    assert rec["status"] == "ok" and rec["stopped_at_target"] is False and rec["seconds"] >= 0.8
    assert rec["success"] is False and rec["time_to_target"] is None


def test_seed_independent_algorithms_run_once_in_seed_major_order(tmp_path, monkeypatch):
    from reluhard.bench.algorithms import SEED_INDEPENDENT, is_seed_independent

    assert SEED_INDEPENDENT == {"miqp", "orthant", "arora"}
    assert not any(is_seed_independent(a) for a in ("lbfgs", "sgd", "adam", "learner"))
    (tmp_path / "det_opt.py").write_text("def fit(X, y, sample_weight, *, seed, budget, k):\n    return X[:k] * 0\n"
                                         "fit.seed_independent = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    specs = [_spec("sat-relu/tiny/yes"), _spec("sat-relu/tiny/no")]
    cells = make_cells(specs, ["lbfgs", "orthant", "det_opt:fit"], 3, 1.0)
    assert [(c["seed"], c["instance"], c["algorithm"]) for c in cells] == (
        [(0, s["row"], a) for s in specs for a in ("lbfgs", "orthant", "det_opt:fit")]
        + [(s, sp["row"], "lbfgs") for s in (1, 2) for sp in specs])
    assert all(c["seed_independent"] == (c["algorithm"] != "lbfgs") for c in cells)
    rec = run_bench_cell(cells[1])
    assert rec["seed_independent"] is True and rec["seed"] == 0 and rec["status"] == "ok"
    # a miqp record does not depend on the seed it is called with (SCIP's default seed)
    a = ALGORITHMS["miqp"](*_public("sat-relu/tiny/yes"), seed=0, budget=10.0, k=1)
    b = ALGORITHMS["miqp"](*_public("sat-relu/tiny/yes"), seed=7, budget=10.0, k=1)
    np.testing.assert_array_equal(a.network.weights, b.network.weights)


def _public(row):
    prob = load_problem(_spec(row))
    return prob.X, prob.y, prob.sample_weight


# ---------------------------------------------------------------- the lowdim and hard tiers

def test_arora_on_the_lowdim_tier_reaches_the_certified_optimum():
    yes = run_bench_cell(_cell("sat-relu/lowdim/yes", "arora", budget=60.0))
    assert yes["status"] == "ok" and yes["n_features"] == 4 and yes["optimum_known"]
    assert yes["success"] is True and yes["loss"] == pytest.approx(3.0, rel=1e-9)
    no = run_bench_cell(_cell("sat-relu/lowdim/no", "arora", budget=60.0) | {"early_stop": False})
    assert no["status"] == "ok" and no["info"]["complete"] is True and no["info"]["hyperplanes"] < no["n_samples"]
    # the exact minimum of the NO row is its certified soundness bound 29/9 (reached, never beaten)
    assert no["certified_lower_bound_exact"] == "29/9" and no["loss"] == pytest.approx(29 / 9, rel=1e-9)


def test_arora_handles_parallel_and_zero_rows():
    import scipy.sparse as sp

    from reluhard.solvers.miqp import fit_miqp

    rng = np.random.default_rng(5)
    B = rng.standard_normal((7, 4))
    X = np.vstack([B, 2.0 * B[:3], -0.5 * B[3:5], np.zeros((2, 4))])  # parallel (both signs) and zero rows
    y = np.abs(rng.standard_normal(X.shape[0])) + 0.1
    c = rng.uniform(0.5, 2.0, X.shape[0])
    fit = ALGORITHMS["arora"](X, y, c, seed=0, budget=60.0, k=1)
    assert fit.info["complete"] and fit.info["hyperplanes"] == 7
    L = float(c @ (np.maximum(X @ fit.network.weights[0], 0) - y) ** 2)
    m = fit_miqp((sp.csr_matrix(X), y, c, {}), box=50.0, time_limit=60.0)
    assert m.proven_optimal and m.dual_bound - 1e-6 * max(1.0, m.loss) <= L <= m.loss + 1e-6 * max(1.0, m.loss)


def test_hard_tier_rows_have_a_certified_optimum():
    specs = suite_specs(SUITE, tiers=["hard"])
    assert [s["row"] for s in specs] == ["sat-relu/hard/n20", "sat-relu/hard/n40", "sat-relu/hard/n60"]
    prob = load_problem(specs[0])
    assert prob.tier == "hard" and prob.optimum_known and prob.lower_bound == 20 and prob.X.shape[1] == 21
    rec = run_bench_cell(_cell("sat-relu/hard/n20", "lbfgs", budget=0.3))
    assert rec["status"] == "ok" and rec["gap_kind"] == "to_optimum" and rec["loss"] >= 20.0 - 1e-9
