"""An out-of-tree reduction registered by entry point works with reduce, verify, sweep, explain and check.

The fixture package ``tests/plugins/reluhard_toy_plugin.py`` is put on
``sys.path`` and announced by a dist-info folder (METADATA + entry_points.txt)
written into a temporary directory, exactly what ``pip install`` of a package
declaring ``[options.entry_points] reluhard.reductions = ...`` leaves behind.
"""

import json
import sys
from pathlib import Path

import pytest

from reluhard.cli import main
from reluhard.generators.ksat import planted_ksat, random_ksat
from reluhard.io.dimacs import write_cnf

PLUGINS = Path(__file__).resolve().parent / "plugins"
NAME = "toy-double-sat-relu"


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    site = tmp_path / "site"
    dist = site / "reluhard_toy_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: reluhard-toy-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[reluhard.reductions]\n{NAME} = reluhard_toy_plugin:REDUCTION\n")
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.syspath_prepend(str(site))
    yield tmp_path
    sys.modules.pop("reluhard_toy_plugin", None)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_registered_by_entry_point(plugin):
    from reluhard.reductions import get_reduction, reduction_names

    assert NAME in reduction_names()
    assert get_reduction(NAME).name == NAME


def test_not_registered_without_the_dist_info():
    from reluhard.errors import UnknownNameError
    from reluhard.reductions import get_reduction

    with pytest.raises(UnknownNameError):
        get_reduction(NAME)


def test_reduce_verify_explain(plugin, capsys):
    f = plugin / "f.cnf"
    write_cnf(f, random_ksat(5, 30, seed=3))
    code, _, err = run(capsys, "reduce", NAME, f, "-o", plugin / "t.npz")
    assert code == 0, err
    code, out, err = run(capsys, "verify", f, "--reduction", NAME, "--methods", "exact,gd", "--json")
    rep = json.loads(out)
    assert code == 0 and rep["status"] == "ok", err
    assert rep["reduction"] == NAME and rep["checks"]["lift_matches_completeness"]
    u = rep["combinatorial_optimum"]
    assert rep["completeness_loss_float"] == 2 * (5 + u)
    code, out, err = run(capsys, "verify", f, "--reduction", NAME, "--methods", "exact", "--prune", "--json")
    assert code == 0 and json.loads(out)["fits"]["exact"]["pruned_by"] == "twice claim (★)"
    code, out, err = run(capsys, "explain", NAME, f)
    assert code == 0 and "The training set" in out and "twice sat-relu's" in out  # the generic walk-through
    code, out, err = run(capsys, "fit", plugin / "t.npz", "--method", "exact", "--prune", "--json")
    assert code == 0 and json.loads(out)["pruned_by"] == "twice claim (★)"


def test_sweep(plugin, capsys):
    out = plugin / "sweep.jsonl"
    code, _, err = run(capsys, "sweep", "--reduction", NAME, "--n", "4", "--ratio", "5", "--seeds", "1", "--methods", "exact,gd",
                       "--restarts", "2", "--time-limit", "60", "-o", out, "--no-progress")
    assert code == 0, err
    (rec,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert rec["status"] == "ok", rec["error"]
    assert rec["reduction"] == NAME and rec["yes_loss"] == 8.0 and rec["combinatorial_gap"] == rec["combinatorial_optimum"]


def test_check_command(plugin, capsys):
    code, out, err = run(capsys, "check", NAME, "--instances", "4", "--max-n", "4")
    assert code == 0, out + err
    assert "no counterexample found" in out and "cell_bound_below_minimum x4" in out
    code, out, err = run(capsys, "check", "reluhard_toy_plugin:REDUCTION", "--instances", "2", "--max-n", "4", "--json")
    assert code == 0 and json.loads(out)["ok"]


def test_planted_certificate_lifted_into_the_answer_key(plugin):
    from reluhard.answer_key import find_witnesses, read_key
    from reluhard.io.npz import load_training_set

    f = plugin / "p.cnf"
    write_cnf(f, planted_ksat(4, 10, seed=1))
    assert main(["reduce", NAME, str(f), "-o", str(plugin / "p.npz")]) == 0
    meta = load_training_set(plugin / "p.npz")[3]
    assert meta["reduction"] == NAME and find_witnesses(meta) == []  # the public file holds no witness
    key = read_key(plugin / "p.key.json", training_set=plugin / "p.npz")
    assert key["witness"] and key["network"]
