"""The committed figures match the code (their data, not their pixels)."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "docs" / "figures" / "make_figures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_figure_data_is_current():
    mod = _script()
    committed = json.loads((ROOT / "docs" / "figures" / "figures.json").read_text())
    assert committed == mod.all_data()
    for name in mod.LANDSCAPES:
        assert (ROOT / "docs" / "figures" / name).is_file()


def test_landscape_corners_are_n_plus_falsified_and_title_names_fixed_weights():
    from reluhard.explain import parse_formula

    mod = _script()
    for name, (formula, cols) in mod.LANDSCAPES.items():
        d = mod.landscape_data(formula, cols)
        cnf = parse_formula(formula)
        for key, loss in d["corner_losses"].items():
            sa, sb = (int(s) for s in key.split(","))
            vals = {1: None, 2: None, 3: None}
            vals[cols[0]], vals[cols[1]] = sa > 0, sb > 0
            for w, v in d["fixed"].items():
                if w != "w0":
                    vals[int(w[1:])] = int(v) > 0
            falsified = sum(not any(vals[abs(l)] == (l > 0) for l in c) for c in cnf.clauses)
            assert int(loss) == cnf.nv + falsified  # claim (a): L(lift) = n + #falsified
        for w, v in d["fixed"].items():
            assert f"{w} = {int(v)}" in d["title"]


def test_time_vs_size_marks_skipped_exact_sizes(tmp_path):
    pytest.importorskip("matplotlib")
    from reluhard.sweep.plots import make_plots, skipped_sizes

    recs = [
        {"reduction": "sat-relu", "n_samples": 30, "seconds": 0.5, "fits": {"gd": {"seconds": 0.1}, "exact": {"seconds": 0.3}},
         "methods_skipped": {}, "params": {"n": 8}},
        {"reduction": "sat-relu", "n_samples": 90, "seconds": 0.7, "fits": {"gd": {"seconds": 0.2}},
         "methods_skipped": {"exact": "n = 20 > 13"}, "params": {"n": 20}},
    ]
    assert skipped_sizes(recs) == {"exact": [90]}
    paths = make_plots(recs, tmp_path, figures=("time_vs_size",))
    assert any(p.endswith(".png") for p in paths)
