"""What a new user reading the README, the tutorial and every --help trips over (issue #18), one test each:
help texts explain each reduction's own values, every command validates its numbers, reduce says what it
wrote, sweep shows no progress off a terminal, and the test suite keeps one full-mode switch."""

import importlib
import re
from pathlib import Path

import pytest

from reluhard.cli import COMMANDS, build_parser, main
from reluhard.generators.ksat import planted_3sat
from reluhard.io.dimacs import write_cnf

ROOT = Path(__file__).resolve().parents[1]
#: KNOWN offenders of test_no_option_shows_its_variable_name_as_metavar in commands other helpers are
#: editing right now (bench: #14, certify: #12). The lead empties this list after merging their branches:
#: an entry that no longer offends fails the test too, so it cannot outlive its fix.
KNOWN_METAVAR_OFFENDERS: set = set()


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _walk(parser):
    from test_cli_conventions import _parsers

    return _parsers(parser)


def test_a_shared_choice_is_explained_per_reduction_not_with_another_reductions_meaning():
    p = dict((tuple(path), sp) for path, sp in _walk(build_parser("reduce")))[("reduce",)]
    text = p.format_help()
    sections = {name: " ".join(body.split())
                for name, body in re.findall(r"^options of (\S+):\n(.*?)(?=^options of |\Z)", text, flags=re.S | re.M)}
    assert "--variant plain|gap|normalized" in sections["sat-relu"] and "gap: needs a certified u" in sections["sat-relu"]
    for name in ("dks-relu", "sat-clique-relu", "hypergraph-krelu", "sat-krelu"):
        assert "--variant plain|normalized" in sections[name], name
        assert "gap:" not in sections[name] and "anchor weight T^2" not in sections[name], name
    assert "c + delta C(kappa,2)" in sections["dks-relu"] and "realizability" in sections["sat-krelu"]


def _metavar_offenders(command):
    """(subcommand path, option) of every option whose help shows a variable name instead of what it takes:
    argparse's default metavar (the destination in capitals: MAX_N, TIME_LIMIT) or one spelled like it
    (--pigeons PIGEONS)."""
    out = set()
    for path, p in _walk(build_parser(command)):
        if not path or path[0] != command:
            continue
        for a in p._actions:
            if not a.option_strings or a.nargs == 0 or a.choices is not None:
                continue
            shown = a.metavar if isinstance(a.metavar, str) else a.dest.upper()
            names = {a.dest.upper(), *(o.lstrip("-").replace("-", "_").upper() for o in a.option_strings)}
            if len(shown) > 1 and shown in names:
                out.add((" ".join(path), a.option_strings[-1]))
    return out


@pytest.mark.parametrize("command", [importlib.import_module(f"reluhard.commands.{m}").NAME for m in COMMANDS])
def test_no_option_shows_its_variable_name_as_metavar(command):
    """Every subcommand, every option: say what it takes (N, SEC, FILE.json), not the variable's name."""
    found = _metavar_offenders(command)
    known = {k for k in KNOWN_METAVAR_OFFENDERS if k[0].split()[0] == command}
    assert found <= known, f"shows its variable name as metavar: {sorted(found - known)}"
    assert known <= found, f"fixed, remove from KNOWN_METAVAR_OFFENDERS: {sorted(known - found)}"


def test_the_metavar_check_catches_both_kinds(monkeypatch):
    from reluhard.commands import _cnfgen

    monkeypatch.setitem(_cnfgen._PARAMS, "--pigeons", ("pigeons", "PIGEONS", "pigeonhole: number of pigeons p"))
    assert ("generate cnfgen", "--pigeons") in _metavar_offenders("generate")
    monkeypatch.setitem(_cnfgen._PARAMS, "--pigeons", ("pigeons", None, "pigeonhole: number of pigeons p"))
    assert ("generate cnfgen", "--pigeons") in _metavar_offenders("generate")
    monkeypatch.undo()
    assert _metavar_offenders("generate") == set()


@pytest.mark.parametrize("argv, message", [
    (["check", "sat-relu", "--instances", "0"], "--instances"),
    (["check", "sat-relu", "--seed", "-1"], "seed"),
    (["check", "sat-relu", "--time-limit", "nan"], "seconds"),
    (["generate", "blocks", "no", "-n", "0"], "-n"),
    (["generate", "blocks", "no", "-n", "20", "--ratio", "-1"], "--ratio"),
    (["generate", "blocks", "no", "-n", "20", "--gamma", "2"], "probability"),
    (["generate", "family", "ksat", "--param", "n=5", "--seed", "-1", "-o", "x.cnf"], "seed"),
])
def test_numbers_are_checked_at_parse_time(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
    assert list(tmp_path.iterdir()) == []


def test_reduce_says_what_it_wrote_and_where_the_witnesses_went(tmp_path, capsys):
    cnf = tmp_path / "f.cnf"
    write_cnf(cnf, planted_3sat(6, 20, seed=1))
    code, out, err = _run(capsys, "reduce", "sat-relu", cnf, "-o", tmp_path / "t.npz")
    assert code == 0 and out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"{tmp_path / 't.npz'}: sat-relu training set, 33 samples x 7 features")
    assert "min L = n" in line and "t.key.json" in line and "--key" in line
    code, out, err = _run(capsys, "reduce", "sat-relu", cnf, "-o", tmp_path / "u.npz", "--key-out", tmp_path / "k.json")
    assert code == 0 and f"answer key {tmp_path / 'k.json'}" in err


def test_sweep_shows_no_progress_off_a_terminal(tmp_path, capsys):
    code, out, err = _run(capsys, "sweep", "--reduction", "sat-relu", "--n", "4", "--m", "6", "--seeds", "1",
                          "--methods", "gd", "--restarts", "1", "-o", tmp_path / "r.jsonl")
    assert code == 0, err
    assert "cell/s" not in err and "%|" not in err


def test_check_summary_says_the_counts_include_failures():
    """'lift_matches_completeness x20' above 'REFUTED lift_matches_completeness' read as a contradiction."""
    from reluhard.testing import CheckReport, Failure

    rep = CheckReport("r", instances=3, checked={"lift_matches_completeness": 3},
                      failures=[Failure("lift_matches_completeness", "inst", "lift loss 8 != 5")])
    text = rep.format()
    assert "failed or not" in text.splitlines()[0]
    assert "1 property refuted" in text.splitlines()[1]


def test_one_full_mode_switch_and_no_skip_hiding_our_import_errors():
    """RELUHARD_FULL is read in conftest only; no test skips when a reluhard module fails to import."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "conftest.py":
            assert not re.search(r"environ(\.get)?\(?\[?[\"']RELUHARD_FULL", text), path
        assert not re.search(r"importorskip\([\"']reluhard", text), path
    for gone in ("from_rational", "root_upper", "def full_mode"):
        hits = [p for p in ROOT.glob("**/*.py") if "egg-info" not in str(p) and p.name != Path(__file__).name
                and gone in p.read_text(encoding="utf-8")]
        assert hits == [], (gone, hits)


def test_formats_doc_has_the_npz_section_the_readme_points_to():
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text[text.index("## Training sets (`.npz`"):]
    for word in ("load_training_set", "scipy.sparse.load_npz", "meta", "sample_weight"):
        assert word in section, word
    assert "docs/formats.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_solve_sat_output_says_how_to_use_the_u_it_recorded(tmp_path, capsys):
    """'certificate written' followed by reduce's 'use an instance with a certificate' read as a contradiction:
    the recorded u is an assumption for bounds, and solve says what to pass instead."""
    from conftest import unsat_formula

    cnf, out_cnf = tmp_path / "u.cnf", tmp_path / "u2.cnf"
    write_cnf(cnf, unsat_formula(5, 40))
    code, out, err = _run(capsys, "solve", "sat", cnf, "-o", out_cnf)
    assert code == 0
    hint = re.search(r"pass (--min-unsat \d+) to 'reluhard reduce'", out)
    assert hint, out
    code, _, err = _run(capsys, "reduce", "sat-relu", out_cnf, "--variant", "gap", "-o", tmp_path / "t.npz")
    assert code == 2 and "--min-unsat" in err
    code, _, err = _run(capsys, "reduce", "sat-relu", out_cnf, "--variant", "gap", *hint.group(1).split(),
                        "-o", tmp_path / "t.npz")
    assert code == 0, err


def test_help_defaults_say_what_the_command_does(monkeypatch):
    """Defaults that read as a question before: explain's row cap, sweep's family, learn's --json, and the shared
    --variant listed with the general options (not inside the first reduction's group)."""
    monkeypatch.setenv("COLUMNS", "1000")  # no line breaks inside words
    helps = {c: dict((tuple(path), sp) for path, sp in _walk(build_parser(c)))[(c,)].format_help()
             for c in ("explain", "sweep", "learn", "reduce")}
    flat = {c: " ".join(t.split()) for c, t in helps.items()}
    assert "(default: 60 for sat-relu's walk-through, 40 for the others)" in flat["explain"]
    from reluhard.sweep.grid import DEFAULT_FAMILY

    assert all(f"{fam} for a {kind if kind != 'cnf' else 'CNF'}" in flat["sweep"] for kind, fam in DEFAULT_FAMILY.items())
    assert "conventions §" not in flat["learn"] and "one strict JSON document" in flat["learn"]
    for c in ("explain", "sweep", "reduce"):
        general = helps[c].split("\noptions of ")[0]
        assert "--variant {plain,normalized,gap}" in general, c
        assert "said in its group below" in " ".join(general.split()), c
