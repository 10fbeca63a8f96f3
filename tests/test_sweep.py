"""Sweeps: grid validation, the record schema, durability (kill + resume), timeouts, dask, Parquet.

Every test runs tiny cells (n <= 8, few restarts); the whole file takes well
under a minute on a loaded 2-core machine.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reluhard.cli import main
from reluhard.errors import InstanceFormatError, InvalidParameterError, UnknownNameError
from reluhard.sweep.cell import SCHEMA_KEYS, run_cell, run_cell_isolated
from reluhard.sweep.grid import cell_id, expand_cells, load_spec, make_spec, parse_axis
from reluhard.sweep.runner import run_sweep
from reluhard.sweep.table import export_parquet, prepare_output, read_records


def _spec(**kw):
    base = dict(reductions="sat-relu", grid={"n": 6, "ratio": "3.0,5.0"}, seeds=2, methods=["exact", "gd"], restarts=2, time_limit=30)
    base.update(kw)
    return make_spec(**base)


# ---------------------------------------------------------------- grid

def test_axes_ranges_and_lists():
    assert parse_axis("ratio", "3.0:6.0:0.5") == [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0]
    assert parse_axis("ratio", {"start": 1, "stop": 2, "step": 0.5}) == [1.0, 1.5, 2.0]
    assert parse_axis("n", "12,30") == ["12", "30"]
    spec = make_spec(reductions="sat-relu", grid={"n": "12,30", "ratio": "3.0:6.0:0.5"}, seeds=10, methods="exact,gd")
    cells = expand_cells(spec)
    assert len(cells) == 2 * 7 * 10
    assert len({c["cell_id"] for c in cells}) == len(cells)
    # the id is a function of the parameters only (not of limits or order)
    c = dict(cells[5])
    c["time_limit"] = 999
    assert cell_id(c) == cells[5]["cell_id"]
    c["seed"] = 12345
    assert cell_id(c) != cells[5]["cell_id"]


@pytest.mark.parametrize(
    "kw, err",
    [
        ({"grid": {"n": 6, "ratio": 3, "colour": 2}}, InvalidParameterError),  # unknown family parameter
        ({"grid": {"ratio": 3}}, InvalidParameterError),  # n missing
        ({"grid": {"n": 6}}, InvalidParameterError),  # neither m nor ratio
        ({"grid": {"n": "six", "ratio": 3}}, InvalidParameterError),
        ({"methods": ["gradient"]}, InvalidParameterError),
        ({"options": {"kappa": 3}}, InvalidParameterError),  # not an option of sat-relu
        ({"options": {"variant": "huge"}}, InvalidParameterError),
        ({"reductions": "sat-to-everything"}, UnknownNameError),
        ({"family": "gnp"}, InvalidParameterError),  # graph family for a CNF reduction
        ({"seeds": 0}, InvalidParameterError),
        ({"time_limit": -1}, InvalidParameterError),
        ({"grid": {"n": 6, "ratio": "3:1:0.5"}}, InvalidParameterError),  # empty range
    ],
)
def test_bad_specs_are_typed_errors(kw, err):
    with pytest.raises(err):
        _spec(**kw)


def test_every_registered_reduction_gets_a_family():
    from reluhard.reductions import get_reduction, reduction_names
    from reluhard.sweep.grid import DEFAULT_FAMILY

    swept = []
    for name in reduction_names():
        red = get_reduction(name)
        kind = red.source_kind
        if red.target_kind != "relu":
            with pytest.raises(InvalidParameterError):
                make_spec(reductions=name, grid={"n": 6, "ratio": 3})
        elif kind in DEFAULT_FAMILY:
            swept.append(name)
            grid = {"n": 6, "ratio": 3} if kind in ("cnf", "hypergraph") else {"n": 6, "p": 0.5}
            assert expand_cells(make_spec(reductions=name, grid=grid))
    assert "sat-relu" in swept


def test_toml_spec(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(
        'reduction = "sat-relu"\nmethods = ["gd"]\nseeds = 3\n[grid]\nn = [6, 7]\nratio = {start = 3.0, stop = 4.0, step = 0.5}\n'
        '[options]\nvariant = ["plain", "normalized"]\n'
    )
    spec = load_spec(f)
    cells = expand_cells(spec)
    assert len(cells) == 2 * 3 * 2 * 3
    assert {c["options"]["variant"] for c in cells} == {"plain", "normalized"}
    # overrides win
    assert len(expand_cells(load_spec(f, seeds=1))) == 12
    # the same grid from flags gives the same cell ids (values are canonicalised)
    flags = make_spec(reductions="sat-relu", grid={"n": "6,7", "ratio": "3.0:4.0:0.5"}, options={"variant": "plain,normalized"},
                      seeds=3, methods="gd")
    assert [c["cell_id"] for c in expand_cells(flags)] == [c["cell_id"] for c in cells]
    t2 = make_spec(reductions="sat-relu", grid={"n": 6, "ratio": 3}, options={"T2": "4/2"})
    assert expand_cells(t2)[0]["options"] == {"T2": "2"}
    f.write_text('reduction = "sat-relu"\nbogus = 1\n[grid]\nn = 6\nratio = 3\n')
    with pytest.raises(InstanceFormatError):
        load_spec(f)


# ---------------------------------------------------------------- one cell

def test_record_schema_and_values():
    cell = expand_cells(_spec(grid={"n": 6, "ratio": 6.0}, seeds=[3]))[0]
    rec = run_cell(cell)
    assert tuple(rec) == SCHEMA_KEYS
    assert rec["status"] == "ok", rec
    assert json.loads(json.dumps(rec, allow_nan=False)) == rec
    assert rec["methods_run"] == ["exact", "gd"] and rec["methods_skipped"] == {}
    assert set(rec["fits"]) == {"exact", "gd"}
    for f in rec["fits"].values():
        assert {"loss", "seconds", "decoded_value", "proven_optimal", "dual_bound", "complete", "status"} <= set(f)
    # sat-relu: YES value n, combinatorial gap = u, certified band around the best loss
    n, u = 6, rec["combinatorial_optimum"]
    assert rec["yes_loss"] == n and rec["combinatorial_gap"] == u
    assert rec["completeness_loss_float"] == n + u
    tol = 1e-6 * (n + u)
    assert rec["soundness_bound_float"] - tol <= rec["best_loss"] <= rec["completeness_loss_float"] + tol
    assert rec["loss_gap"] == pytest.approx(rec["best_loss"] - n)
    assert rec["fits"]["exact"]["proven_optimal"] is True
    assert set(rec["checks"]) >= {"combinatorial_certified", "lift_matches_completeness", "fits_respect_soundness"}
    assert all(rec["checks"].values())
    assert rec["error"] is None and len(rec["instance_sha256"]) == 64


def test_exact_policy_skips_large_r1_cells_and_records_why():
    cell = expand_cells(_spec(grid={"n": 14, "ratio": 4.0}, seeds=1, methods=["exact", "gd"]))[0]
    rec = run_cell(cell)
    assert rec["methods_run"] == ["gd"]
    assert "n = 14 > 13" in rec["methods_skipped"]["exact"]
    cell = expand_cells(_spec(grid={"n": 9, "ratio": 4.0}, seeds=1, prune=False))[0]
    assert "n = 9 > 8" in run_cell(cell)["methods_skipped"]["exact"]


def test_failing_cell_is_an_error_record():
    # n = 2 cannot hold a clause of 3 distinct variables: the generator refuses
    cell = expand_cells(_spec(grid={"n": 2, "ratio": 3.0}, seeds=1))[0]
    rec = run_cell(cell)
    assert rec["status"] == "error" and rec["error"].startswith("InvalidParameterError")
    assert tuple(rec) == SCHEMA_KEYS


def test_timeout_kills_the_worker_and_records_the_cell():
    cell = expand_cells(make_spec(reductions="sat-relu", grid={"n": 30, "ratio": 6.0}, methods=["gd"], restarts=100000,
                                  time_limit=1.0, solver_time_limit=1000))[0]
    t0 = time.perf_counter()
    rec = run_cell_isolated(cell)
    assert time.perf_counter() - t0 < 15
    assert rec["status"] == "timeout" and "killed" in rec["error"]
    assert tuple(rec) == SCHEMA_KEYS and rec["cell_id"] == cell["cell_id"]


# ---------------------------------------------------------------- durability

def _sweep_argv(out, jobs=1):
    return ["sweep", "--reduction", "sat-relu", "--n", "6", "--ratio", "3.0:6.0:1.0", "--seeds", "3", "--methods", "gd",
            "--restarts", "3", "--jobs", str(jobs), "--no-progress", "-o", str(out)]


def test_resume_after_kill_loses_nothing_and_duplicates_nothing(tmp_path):
    out = tmp_path / "r.jsonl"
    argv = _sweep_argv(out, jobs=2)
    code = f"import sys; from reluhard.cli import main; sys.exit(main({argv!r}))"
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    try:
        while time.time() < deadline:
            if out.exists() and out.read_text().count("\n") >= 3:
                break
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep, its loky workers and their cells: a hard crash
        proc.wait()
    before = out.read_text()
    kept = [json.loads(line) for line in before.splitlines() if line.strip()]
    assert 3 <= len(kept) < 12, "the kill must interrupt the sweep"
    # a write interrupted mid-line is repaired on resume
    with open(out, "a") as fh:
        fh.write('{"schema": "reluhard.sweep/1", "cell_id": "abc')
    assert main(_sweep_argv(out)) == 2  # refuses to touch an existing table without --resume
    assert main(_sweep_argv(out) + ["--resume"]) == 0
    records, partial = read_records(out)
    assert partial is None
    ids = [r["cell_id"] for r in records]
    expected = {c["cell_id"] for c in expand_cells(make_spec(reductions="sat-relu", grid={"n": 6, "ratio": "3.0:6.0:1.0"},
                                                             seeds=3, methods="gd", restarts=3))}
    assert len(ids) == len(set(ids)) == 12 and set(ids) == expected
    assert records[: len(kept)] == kept  # finished records survive untouched, in order
    assert all(r["status"] == "ok" for r in records)
    # a second resume has nothing left to do and writes nothing
    size = out.stat().st_size
    assert main(_sweep_argv(out) + ["--resume"]) == 0
    assert out.stat().st_size == size


def test_corrupt_line_in_the_middle_is_an_error(tmp_path):
    out = tmp_path / "bad.jsonl"
    out.write_text('{"cell_id": "a"}\nnot json\n{"cell_id": "b"}\n')
    with pytest.raises(InstanceFormatError, match=":2"):
        prepare_output(out, resume=True)


# ---------------------------------------------------------------- dask, parquet

def test_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    cells = expand_cells(make_spec(reductions="sat-relu", grid={"n": 5, "ratio": "4.0,6.0"}, seeds=1, methods="gd", restarts=2))
    out = tmp_path / "d.jsonl"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            summary = run_sweep(cells, out, scheduler=client, progress=False)
    assert summary["run"] == 2 and summary["status_counts"] == {"ok": 2}
    records, _ = read_records(out)
    assert {r["cell_id"] for r in records} == {c["cell_id"] for c in cells}
    assert all(tuple(r) == SCHEMA_KEYS for r in records)


def test_parquet_export(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    recs = [run_cell(c) for c in expand_cells(_spec(grid={"n": 5, "ratio": "3.0,6.0"}, seeds=1, methods=["gd"]))]
    recs.append(run_cell(expand_cells(_spec(grid={"n": 2, "ratio": 3.0}, seeds=1))[0]))  # an error row
    path = tmp_path / "t.parquet"
    assert export_parquet(recs, path) == 3
    t = pq.read_table(path)
    assert {"cell_id", "param_n", "param_ratio", "fit_gd_loss", "check_fits_respect_soundness", "status"} <= set(t.column_names)
    assert t.column("status").to_pylist() == ["ok", "ok", "error"]
    assert t.column("fit_gd_loss").to_pylist()[:2] == [r["fits"]["gd"]["loss"] for r in recs[:2]]


# ---------------------------------------------------------------- report and plots

def _toy_records():
    cells = expand_cells(_spec(grid={"n": 5, "ratio": "3.0,7.0"}, seeds=[0, 1, 2], methods=["exact", "gd"]))
    return [run_cell(c) for c in cells]


def test_report_counts_violations_and_correlation(tmp_path):
    from reluhard.sweep.report import certified_minimum, correlations, make_report

    recs = _toy_records()
    assert all(r["status"] == "ok" for r in recs)
    text = make_report(recs, source="toy.jsonl")
    assert "| sat-relu | 6 | 0 | 0 | 0 | 0 | 6 |" in text
    assert "None: on every cell" in text
    for r in recs:  # exact proves the optimum on every tiny cell
        assert certified_minimum(r) == pytest.approx(r["fits"]["exact"]["loss"])
    # a forged violation must be reported with its failing check, and flips the exit code
    bad = json.loads(json.dumps(recs[0]))
    bad["cell_id"], bad["status"] = "forged", "violated"
    bad["checks"]["fits_respect_soundness"] = False
    text = make_report(recs + [bad])
    assert "**1 cell(s) violate" in text and "| forged | sat-relu |" in text and "fits_respect_soundness" in text
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs + [bad]))
    assert main(["report", str(path), "-o", str(tmp_path / "r.md")]) == 1
    assert "forged" in (tmp_path / "r.md").read_text()
    # correlation: defined only when both gaps vary
    c = correlations(recs)["sat-relu"]
    gaps = {r["combinatorial_gap"] for r in recs}
    assert (c["spearman"] is None) == (len(gaps) < 2)
    if c["spearman"] is not None:
        assert c["spearman"] > 0.5


def test_plots_written(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _toy_records()))
    assert main(["plot", str(path), "-o", str(tmp_path / "figs")]) == 0
    names = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert names == sorted(f"{f}.{e}" for f in ("loss_vs_optimum", "gap_vs_gap", "success_vs_ratio", "time_vs_size") for e in ("png", "pdf"))
    assert all((tmp_path / "figs" / n).stat().st_size > 5000 for n in names)
    assert main(["plot", str(path), "-o", str(tmp_path / "f2"), "--figures", "nonsense"]) == 2


def test_subprocess_isolation_for_daemonic_workers():
    # dask workers under a nanny are daemonic: cells then run through ``python -m reluhard.sweep.cell``
    from reluhard.sweep.cell import _run_in_subprocess

    cell = expand_cells(_spec(grid={"n": 5, "ratio": 6.0}, seeds=[2], methods=["gd"]))[0]
    rec = _run_in_subprocess(cell, 60.0, time.perf_counter())
    assert rec["status"] == "ok" and tuple(rec) == SCHEMA_KEYS and rec == {**run_cell(cell), "seconds": rec["seconds"],
                                                                           "finished_at": rec["finished_at"], "fits": rec["fits"]}
    slow = expand_cells(make_spec(reductions="sat-relu", grid={"n": 30, "ratio": 6.0}, methods=["gd"], restarts=100000,
                                  time_limit=1.0, solver_time_limit=1000))[0]
    assert _run_in_subprocess(slow, 1.0, time.perf_counter())["status"] == "timeout"


@pytest.mark.slow
def test_readme_sweep_full(tmp_path):
    """The "Done when" sweep: 140 cells, killed midway, resumed, zero violations, figures and report."""
    spec = Path(__file__).resolve().parents[1] / "docs" / "examples" / "sweep_3sat.toml"
    out = tmp_path / "results.jsonl"
    argv = ["sweep", "--spec", str(spec), "--jobs", "2", "--no-progress", "-o", str(out)]
    code = f"import sys; from reluhard.cli import main; sys.exit(main({argv!r}))"
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None and (not out.exists() or out.read_text().count("\n") < 40):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert main(argv + ["--resume"]) == 0
    records, partial = read_records(out)
    assert partial is None and len(records) == len({r["cell_id"] for r in records}) == 140
    assert not [r for r in records if r["status"] == "violated"]
    assert sum(r["status"] == "ok" for r in records) == 140
    assert main(["report", str(out), "-o", str(tmp_path / "report.md")]) == 0
    assert main(["plot", str(out), "-o", str(tmp_path / "figs")]) == 0
