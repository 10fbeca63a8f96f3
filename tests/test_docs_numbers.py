"""Every number the docs quote is produced by the code (docs/doc_numbers.py): the docs pass the check,
and the check fails on a stale value, a stale transcript, and a timing quoted without its provenance."""

import importlib.util
from pathlib import Path

import pytest

from conftest import full

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dn():
    spec = importlib.util.spec_from_file_location("doc_numbers", ROOT / "docs" / "doc_numbers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_docs_quote_what_the_code_gives(dn):
    problems = []
    for path in dn.default_files():
        problems += dn.check_file(path, full=full())
    assert not problems, "\n".join(map(str, problems)) + "\n(python docs/doc_numbers.py --write updates them)"


def test_the_checked_files_use_the_markers(dn):
    text = {p.name: p.read_text(encoding="utf-8") for p in dn.default_files()}
    assert "<!-- n:all8.soundness -->" in text["tutorial.md"] and "<!-- session -->" in text["tutorial.md"]
    assert "<!-- n:sweep_3sat.cells -->" in text["README.md"]


def _doc(tmp_path, body):
    p = tmp_path / "doc.md"
    p.write_text(body, encoding="utf-8")
    return p


def test_a_stale_value_fails_and_write_repairs_it(dn, tmp_path):
    good = dn.NUMBERS["all8.soundness"][0]()
    p = _doc(tmp_path, "# t\n\nThe bound is <!-- n:all8.soundness -->29/8<!-- /n -->.\n")
    (problem,) = dn.check_file(p, root=tmp_path)
    assert "29/8" in problem.text and good in problem.text
    dn.check_file(p, write=True, root=tmp_path)
    assert f"<!-- n:all8.soundness -->{good}<!-- /n -->" in p.read_text()
    assert dn.check_file(p, root=tmp_path) == []
    p = _doc(tmp_path, "# t\n\n<!-- n:no.such.number -->1<!-- /n -->\n")
    assert "unknown number" in dn.check_file(p, root=tmp_path)[0].text


def test_a_stale_transcript_fails_timings_are_masked(dn, tmp_path):
    good = ("# t\n\n<!-- session -->\n```\n$ cat f.cnf\np cnf 3 1\n1 2 3 0\n$ reluhard info f.cnf --json\n...\n"
            '  "variables": 3\n...\n$ echo took 3.5 s\ntook 9 s\n```\n')
    assert dn.check_file(_doc(tmp_path, good), root=tmp_path) == []
    bad = good.replace('"variables": 3', '"variables": 4')
    (problem,) = dn.check_file(_doc(tmp_path, bad), root=tmp_path)
    assert "reluhard info f.cnf --json" in problem.text and '"variables": 3' in problem.text


def test_a_file_block_feeds_a_later_output_block(dn, tmp_path):
    body = ("# t\n\n  <!-- file: m.py -->\n  ```python\n  print(6 * 7)\n  ```\n\n"
            "  <!-- output: python m.py -->\n  ```\n  42\n  ```\n")
    assert dn.check_file(_doc(tmp_path, body), root=tmp_path) == []
    (problem,) = dn.check_file(_doc(tmp_path, body.replace("  42", "  41")), root=tmp_path)
    assert "python m.py" in problem.text


def test_timings_need_command_date_machine(dn, tmp_path):
    path = tmp_path / "tutorial.md"  # a linted name
    path.write_text("# t\n\nThe sweep took 10.8 s on two cores.\n", encoding="utf-8")
    (problem,) = dn.check_file(path, root=tmp_path)
    assert "10.8 s" in problem.text
    path.write_text("# t\n\nThe sweep took 10.8 s.<!-- measured: reluhard sweep ... | 2026-12-01 | 2-core VM -->\n"
                    "\nThe default time limit is 20 s; `--time-limit 5` and 3 min(B, u) are not quotes.\n", encoding="utf-8")
    assert dn.check_file(path, root=tmp_path) == []
    path.write_text("# t\n\nIt took 3 s.<!-- measured: reluhard sweep | 2026-12-01 -->\n", encoding="utf-8")
    assert "COMMAND | DATE | MACHINE" in dn.check_file(path, root=tmp_path)[0].text


def test_learner_reductions_and_datasets_docs_are_checked_and_linted(dn):
    names = {p.name for p in dn.default_files()}
    for name in ("learner.md", "datasets.md", "sat-relu.md", "sat-krelu.md", "dks-relu.md", "dks-relu-normalized.md",
                 "cnf-3cnf.md", "api.md"):
        assert name in names and name in dn.TIMING_LINT, name
    text = {p.name: p.read_text(encoding="utf-8") for p in dn.default_files()}
    assert "<!-- n:learner.worst_case_exponent -->" in text["learner.md"]
    assert "<!-- n:blocks2000.quiet.occurrence_std -->" in text["datasets.md"]
    assert "<!-- n:sat_relu.gap_u1.1 -->" in text["sat-relu.md"] and "<!-- n:dks.drift.c -->" in text["dks-relu.md"]
    assert "<!-- n:krelu.eps.C3 -->" in text["sat-krelu.md"]


def test_a_number_followed_by_a_comma_is_not_a_duration(dn, tmp_path):
    path = tmp_path / "sat-relu.md"  # a linted name
    path.write_text("# t\n\nAt n = 16, min(B, u) = 9, h is small and the fit took 9 s.\n", encoding="utf-8")
    (problem,) = dn.check_file(path, root=tmp_path)
    assert "'9 s'" in problem.text


def test_a_changed_code_constant_makes_the_doc_number_stale(dn, monkeypatch):
    from reluhard.solvers.learner import krelu

    fn = dn.lookup("learner.max_activations")[0]
    assert fn() == "5e7"
    monkeypatch.setattr(krelu, "_MAX_F", 6 * 10**7)
    assert fn() == "6e7"
