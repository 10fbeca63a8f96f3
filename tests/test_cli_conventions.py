"""The command line as its users expect it (issue #18): help texts, parse-time
validation, JSON output, stdin, keyword/kappa consistency, determinism."""

import argparse
import importlib
import io
import json
import sys

import pytest

from reluhard.cli import COMMANDS, build_parser, main
from reluhard.generators.graphs import gnp, planted_clique
from reluhard.generators.ksat import planted_3sat, random_ksat
from reluhard.io.dimacs import read_cnf, write_cnf
from reluhard.io.graphs import read_graph, write_graph


#: command names as typed (a module check_certificate.py serves 'check-certificate')
NAMES = [importlib.import_module(f"reluhard.commands.{m}").NAME for m in COMMANDS]


def run(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _parsers(parser, prefix=()):
    """(path, parser) for the parser and every nested subcommand parser.

    A parser that adds its arguments on first use (``generate``'s families) is built
    first, so a walk over ``_actions`` sees every option."""
    getattr(parser, "_build_arguments", lambda: None)()
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, prefix + (name,))


@pytest.mark.parametrize("command", NAMES)
def test_every_help_explains_every_option_without_internal_metavars(command, capsys):
    parser = build_parser(command)
    cmd_parser = dict(_parsers(parser))[(command,)]
    for path, p in _parsers(cmd_parser, (command,)):
        text = p.format_help()
        assert "ROPT" not in text and "GRID_" not in text, path
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{' '.join(path)}: {action.option_strings or action.dest} has no help text"
            for m in (action.metavar,) if isinstance(action.metavar, str) else ():
                assert not m.startswith("ROPT"), path
    # reduction options are grouped per reduction
    if command in ("reduce", "verify", "explain", "sweep"):
        text = cmd_parser.format_help()
        assert "options of sat-relu" in text and "options of dks-relu" in text
        assert "plain:" in text and "proven:" in text  # each choice explained


def test_top_level_help_lists_every_command_with_help():
    parser = build_parser()
    for action in parser._actions:
        assert action.help, action.dest
    text = parser.format_help()
    for name in NAMES:
        assert name in text


def test_defaults_shown():
    text = dict(_parsers(build_parser("fit")))[("fit",)].format_help()
    assert "(default: 20)" in text  # --restarts
    assert "exact:" in text and "orthant:" in text  # exact vs orthant explained
    text = dict(_parsers(build_parser("verify")))[("verify",)].format_help()
    assert "(default: 60)" in text and "(default: 0)" in text


@pytest.fixture
def files(tmp_path):
    cnf = tmp_path / "f.cnf"
    write_cnf(cnf, random_ksat(6, 40, k=3, seed=2))
    sat = tmp_path / "sat.cnf"
    write_cnf(sat, planted_3sat(6, 20, seed=1))
    col = tmp_path / "g.col"
    write_graph(col, planted_clique(9, 0.3, 4, seed=1))
    npz = tmp_path / "t.npz"
    assert main(["reduce", "sat-relu", str(cnf), "-o", str(npz)]) == 0
    hgr = tmp_path / "h.hgr"
    assert main(["generate", "hypergraph", "random", "-n", "6", "-m", "5", "--seed", "1", "-o", str(hgr)]) == 0
    return {"cnf": cnf, "sat": sat, "col": col, "npz": npz, "hgr": hgr, "dir": tmp_path}


@pytest.mark.parametrize(
    "argv",
    [
        ["fit", "{npz}", "--time-limit", "0"],
        ["fit", "{npz}", "--time-limit", "-1"],
        ["fit", "{npz}", "--time-limit", "inf"],
        ["fit", "{npz}", "--time-limit", "nan"],
        ["fit", "{npz}", "--time-limit", "1e300"],
        ["fit", "{npz}", "--restarts", "0"],
        ["fit", "{npz}", "--k", "0"],
        ["verify", "{cnf}", "--reduction", "sat-relu", "--time-limit", "0"],
        ["verify", "{cnf}", "--reduction", "sat-relu", "--restarts", "-3"],
        ["verify", "{cnf}", "--reduction", "sat-relu", "--seed", "-1"],
        ["verify", "{cnf}", "--reduction", "sat-relu", "--T2", "abc"],
        ["solve", "sat", "{cnf}", "--time-limit", "Infinity"],
        ["learn", "{npz}", "--eps", "0"],
        ["generate", "ksat", "-n", "0", "-m", "3"],
        ["generate", "ksat", "-n", "5", "--ratio", "-1"],
        ["generate", "graph", "-n", "5", "-p", "1.5"],
        ["sweep", "--reduction", "sat-relu", "--n", "5", "--m", "20", "--time-limit", "0", "--dry-run"],
        ["suite", "build", "{dir}", "--time-limit", "0"],
        ["verify", "{cnf}", "--reduction", "sat-relu", "--methods", "gd,foo"],
        ["sweep", "--reduction", "sat-relu", "--n", "5", "--m", "20", "--seeds", "0", "--dry-run"],
        ["sweep", "--reduction", "sat-relu", "--n", "5", "--m", "20", "--seeds", "1,x", "--dry-run"],
        ["explain", "sat-relu", "--formula", "(x1 | x2 | x3)", "--plot-vars", "1,1"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, files, capsys):
    code, out, err = run(capsys, *[a.format(**files) for a in argv])
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    if "--restarts" in argv:
        assert "--restarts" in err and ">= 1" in err


def test_init_network_of_the_wrong_size_refused(files, capsys):
    init = files["dir"] / "init.json"
    init.write_text(json.dumps({"weights": [[1.0, 2.0]], "output_weights": [1.0]}))
    code, out, err = run(capsys, "fit", files["npz"], "--init", init)
    assert code == 2 and "start network 0" in err and len(err.strip().splitlines()) == 1


def _json_commands(f):
    return [
        ["info", f["cnf"], "--json"],
        ["info", f["col"], "--json"],
        ["info", f["hgr"], "--json"],
        ["info", f["npz"], "--json"],
        ["solve", "sat", f["cnf"], "--json"],
        ["solve", "dks", f["col"], "--json"],
        ["fit", f["npz"], "--json", "--restarts", "2", "--time-limit", "10"],
        ["verify", f["sat"], "--reduction", "sat-relu", "--methods", "gd", "--restarts", "2", "--json"],
        ["learn", f["npz"], "--eps", "0.2", "--time-limit", "10", "--json"],
    ]


def test_json_output_parses_for_every_command_and_file_type(files, capsys):
    for argv in _json_commands(files):
        code, out, err = run(capsys, *argv)
        assert code in (0, 1, 3), (argv, err)
        doc = json.loads(out)  # strict JSON: no NaN / Infinity (json.loads accepts them; check below)
        assert "Infinity" not in out and "NaN" not in out, argv
        assert isinstance(doc, (dict, list))


def test_learn_is_deterministic_without_seed(files, capsys):
    outs = []
    for _ in range(2):
        code, out, _ = run(capsys, "learn", files["npz"], "--eps", "0.2", "--json")
        assert code == 0
        doc = json.loads(out)
        doc.pop("seconds", None)
        outs.append(doc)
    assert outs[0] == outs[1] and outs[0]["seed"] == 0


def test_stdin_dash_for_every_reader(files, capsys, monkeypatch):
    for argv, src in [
        (["solve", "sat", "-", "--json"], "cnf"),
        (["solve", "dks", "-", "--json"], "col"),
        (["info", "-", "--json"], "hgr"),
        (["info", "-", "--json"], "npz"),
        (["fit", "-", "--json", "--restarts", "1"], "npz"),
    ]:
        data = files[src].read_bytes()
        code, out, err = run(capsys, *argv, stdin=data, monkeypatch=monkeypatch)
        assert code == 0, (argv, err)
        from_file = run(capsys, *[files[src] if a == "-" else a for a in argv])[1]
        a, b = json.loads(out), json.loads(from_file)
        for d in (a, b):
            if isinstance(d, dict):
                d.pop("seconds", None)
                d.pop("file", None)
        assert a == b, argv
    out = files["dir"] / "stdin.npz"
    code, _, err = run(capsys, "reduce", "sat-relu", "-", "-o", out, stdin=files["cnf"].read_bytes(), monkeypatch=monkeypatch)
    assert code == 0 and out.exists(), err


def test_solve_dks_takes_kappa_from_metadata_and_names_its_id_base(files, capsys):
    code, out, err = run(capsys, "solve", "dks", files["col"], "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["kappa"] == 4 and doc["id_base"] == 1 and min(doc["set"]) >= 1
    G = read_graph(files["col"])
    assert G.subgraph([v - 1 for v in doc["set"]]).number_of_edges() == doc["max_edges"] == 6
    code, out, _ = run(capsys, "solve", "dks", files["col"])
    assert "vertex ids from 1" in out


def test_verify_and_explain_take_kappa_from_metadata(files, capsys):
    code, out, err = run(capsys, "verify", files["col"], "--reduction", "dks-relu", "--methods", "gd", "--restarts", "1", "--json")
    assert code in (0, 3), err
    assert json.loads(out)["options"]["kappa"] == 4
    code, out, err = run(capsys, "explain", "dks-relu", files["col"], "--max-rows", "3")
    assert code == 0, err


def test_solve_writes_certificate_that_reduce_reads(tmp_path, capsys):
    G = gnp(10, 0.4, seed=5)
    src = tmp_path / "g.col"
    write_graph(src, G)
    code, _, err = run(capsys, "reduce", "dks-relu", src, "--kappa", "4", "-o", tmp_path / "x.npz")
    assert code == 2 and "delta" in err  # no certificate yet
    out = tmp_path / "g4.col"
    code, _, err = run(capsys, "solve", "dks", src, "--kappa", "4", "-o", out)
    assert code == 0, err
    code, _, err = run(capsys, "reduce", "dks-relu", out, "-o", tmp_path / "x.npz")
    assert code == 0, err  # kappa and delta come from the written certificate
    cert = read_graph(out).graph["reluhard"]["certificate"]
    assert cert["kappa"] == 4 and min(cert["set"]) >= 0  # 0-based, as the generators write it
    assert read_graph(out).subgraph(cert["set"]).number_of_edges() == cert["max_edges"]

    cnf = tmp_path / "f.cnf"
    write_cnf(cnf, random_ksat(6, 45, k=3, seed=4))
    code, _, err = run(capsys, "reduce", "sat-relu", cnf, "--variant", "gap", "-o", tmp_path / "y.npz")
    assert code == 2
    code, _, err = run(capsys, "solve", "sat", cnf, "-o", tmp_path / "f2.cnf")
    assert code == 0, err
    # the written min #falsified is an assumption (an assignment proves only u <= t): gap still needs a
    # certified value ('reluhard certify' or --min-unsat), and the message says so
    code, _, err = run(capsys, "reduce", "sat-relu", tmp_path / "f2.cnf", "--variant", "gap", "-o", tmp_path / "y.npz")
    assert code == 2 and "--min-unsat" in err
    u = read_cnf(tmp_path / "f2.cnf")[1]["meta"]["min_unsat"]
    code, _, err = run(capsys, "reduce", "sat-relu", tmp_path / "f2.cnf", "--variant", "gap", "--min-unsat", u, "-o", tmp_path / "y.npz")
    assert code == 0, err
    assert read_cnf(tmp_path / "f2.cnf")[0].clauses == read_cnf(cnf)[0].clauses


def test_smt_text_says_unrealizable_proved_by_z3():
    from reluhard.commands.fit import fit_summary

    base = {"method": "smt", "seconds": 0.5, "complete": True, "proven_optimal": False, "loss": 8, "mean_loss": 1.0,
            "dual_bound": None}
    assert "unrealizable" in fit_summary({**base, "realizable": False}) and "z3" in fit_summary({**base, "realizable": False})
    assert "proven_optimal" not in fit_summary({**base, "realizable": False})
    assert "realizable (loss 0)" in fit_summary({**base, "realizable": True})
    assert "unknown" in fit_summary({**base, "realizable": None, "complete": False})


def test_generate_ratio(capsys):
    code, out, _ = run(capsys, "generate", "ksat", "-n", "10", "--ratio", "4.26", "--seed", "1")
    assert code == 0 and "p cnf 10 43" in out
    code, out2, _ = run(capsys, "generate", "ksat", "-n", "10", "-m", "43", "--seed", "1")
    body = [l for l in out.splitlines() if not l.startswith("c")]
    assert body == [l for l in out2.splitlines() if not l.startswith("c")]
    code, out, _ = run(capsys, "generate", "ksat", "-n", "10", "--ratio", "0.25", "--seed", "1")
    assert "p cnf 10 3" in out  # 2.5 rounds up


def test_demo_ends_with_its_conclusion(capsys):
    code, out, err = run(capsys, "demo", "--n", "5", "--quiet")
    assert code == 0, err
    tail = out[out.index("what this shows"):]
    assert "exactly n = 5" in tail and "certified bound" in tail and "the gap" in tail
    assert "reluhard explain" in tail and "docs/tutorial.md" in tail
    assert "dual bound" in out[out.index("columns of the tables"):]


def test_progress_is_silent_off_a_terminal(capsys):
    from reluhard.commands._common import progress

    with progress("x", total=3) as step:
        step()
    assert capsys.readouterr().err == ""


# ----------------------------------------------------------------- Python side


def test_verify_takes_reduction_options_as_keywords_like_apply():
    from reluhard.errors import InvalidParameterError
    from reluhard.verify import verify

    G = planted_clique(8, 0.3, 4, seed=1)
    rep = verify(G, "dks-relu", kappa=4, methods=["gd"], restarts=1)
    assert rep["options"]["kappa"] == 4
    with pytest.raises(InvalidParameterError, match="no option"):
        verify(G, "dks-relu", kapa=4, methods=["gd"])


def test_clause_lists_accepted_wcnf_refused_with_typed_errors():
    from pysat.formula import CNF, WCNF

    from reluhard.errors import InvalidParameterError
    from reluhard.reductions import get_reduction
    from reluhard.verify import verify

    red = get_reduction("sat-relu")
    clauses = [[1, 2, 3], [-1, 2, -3]]
    a, b = red.apply(clauses), red.apply(CNF(from_clauses=clauses))
    assert (a.target.X != b.target.X).nnz == 0
    assert verify(clauses, "sat-relu", methods=["gd"], restarts=1)["status"] == "ok"
    w = WCNF()
    w.append([1, 2, 3], weight=1)
    for bad in (w, [[1, 0, 2]], [[1, True, 2]], "p cnf 3 1", [1, 2, 3]):
        with pytest.raises(InvalidParameterError):
            red.apply(bad)
    with pytest.raises(InvalidParameterError, match="WCNF"):
        verify(w, "sat-relu", methods=["gd"])
    import networkx as nx

    with pytest.raises(InvalidParameterError, match="networkx.Graph"):
        get_reduction("dks-relu").apply(nx.DiGraph([(0, 1)]), kappa=2, delta=1)


def test_python_errors_name_the_keyword_not_the_flag():
    from reluhard.errors import InvalidParameterError
    from reluhard.reductions import get_reduction

    G = gnp(8, 0.3, seed=1)
    with pytest.raises(InvalidParameterError, match=r"delta=D") as e:
        get_reduction("dks-relu").apply(G, kappa=3)
    assert "pass --delta" not in str(e.value)
    with pytest.raises(InvalidParameterError, match=r"min_unsat=U"):
        get_reduction("sat-relu").apply(random_ksat(5, 30, k=3, seed=1), variant="gap")


def test_install_hints_name_the_right_extra(monkeypatch):
    import importlib

    from reluhard.errors import SolverUnavailableError
    from reluhard.solvers import base

    real = importlib.import_module

    def fake(name, *a, **k):
        if name.split(".")[0] in ("tqdm", "matplotlib", "joblib", "torch", "pyscipopt", "z3", "cnfgen"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(base.importlib, "import_module", fake)
    for mod, extra in [("tqdm", "sweep"), ("matplotlib", "sweep"), ("joblib", "sweep"), ("torch", "torch"),
                       ("pyscipopt", "exact"), ("z3", "exact"), ("cnfgen", "cnfgen")]:
        with pytest.raises(SolverUnavailableError, match=rf"reluhard\[{extra}\]"):
            base.require(mod)


def test_command_module_names_follow_the_command_names():
    """build_parser(selected) finds a command's module from its name ('check-certificate' -> check_certificate)."""
    import importlib

    for module in COMMANDS:
        assert importlib.import_module(f"reluhard.commands.{module}").NAME == module.replace("_", "-")


def test_a_selected_command_builds_only_its_own_parser(capsys):
    parser = build_parser("check-certificate")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == ["check-certificate"]
    assert main(["no-such-command"]) == 2  # an unknown name still gets the full list in its usage error
    assert "check-certificate" in capsys.readouterr().err
