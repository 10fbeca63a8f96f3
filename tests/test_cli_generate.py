"""``reluhard generate`` and ``reluhard info`` in-process: outputs, determinism, errors."""

import json

import numpy as np
import pytest

from reluhard.cli import main
from reluhard.io.dimacs import read_cnf
from reluhard.io.graphs import read_graph
from reluhard.io.hgr import read_hgr


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "extra",
    [[], ["--planted"], ["--planting", "quiet"], ["--max-occurrence", "9"], ["--max-occurrence", "9", "--planted"], ["--distinct"]],
)
def test_generate_ksat_is_deterministic_and_readable(tmp_path, capsys, extra):
    a, b = tmp_path / "a.cnf", tmp_path / "b.cnf"
    for path in (a, b):
        code, _, err = _run(capsys, "generate", "ksat", "-k", 3, "-n", 40, "-m", 100, "--seed", 5, *extra, "-o", path)
        assert code == 0 and "seed 5" in err
    assert a.read_bytes() == b.read_bytes()
    cnf, info = read_cnf(a)
    meta = info["meta"]
    assert cnf.nv == 40 and len(cnf.clauses) == 100 and meta["seed"] == 5
    clauses = np.array(cnf.clauses)
    if "--planted" in extra or "--planting" in extra:
        sigma = np.sign(meta["certificate"]["assignment"])
        assert (sigma[np.abs(clauses) - 1] == np.sign(clauses)).any(axis=1).all()
    if "--max-occurrence" in extra:
        assert np.bincount(np.abs(clauses).ravel()).max() <= 9
    if "--distinct" in extra:
        assert len(np.unique(clauses, axis=0)) == 100 and meta["sampling"] == "distinct"


def test_generate_ksat_same_bytes_as_library(tmp_path, capsys):
    from reluhard.generators import random_ksat
    from reluhard.io.dimacs import write_cnf

    _run(capsys, "generate", "ksat", "-n", 30, "-m", 60, "--seed", 2, "-o", tmp_path / "cli.cnf")
    write_cnf(tmp_path / "lib.cnf", random_ksat(30, 60, seed=2))
    assert (tmp_path / "cli.cnf").read_bytes() == (tmp_path / "lib.cnf").read_bytes()


def test_generate_without_seed_records_a_drawn_seed(tmp_path, capsys):
    _run(capsys, "generate", "ksat", "-n", 20, "-m", 30, "-o", tmp_path / "a.cnf")
    seed = read_cnf(tmp_path / "a.cnf")[1]["meta"]["seed"]
    assert isinstance(seed, int)
    _run(capsys, "generate", "ksat", "-n", 20, "-m", 30, "--seed", seed, "-o", tmp_path / "b.cnf")
    assert (tmp_path / "a.cnf").read_bytes() == (tmp_path / "b.cnf").read_bytes()


def test_generate_to_stdout(capsys):
    code, out, _ = _run(capsys, "generate", "ksat", "-n", 5, "-m", 2, "--seed", 1)
    assert code == 0 and out.startswith("c reluhard {") and "\np cnf 5 2\n" in out


@pytest.mark.parametrize(
    "args, name",
    [
        (["-n", 40, "-p", 0.1, "--plant-clique", 6], "g.clq"),
        (["-n", 40, "-p", 0.1, "--plant-dense", 8, "--density", 0.5], "g.col"),
        (["-n", 40, "-p", 0.3, "--partite", 4, "--plant-clique", 4], "g.edgelist"),
        (["-n", 40, "-p", 0.05], "g.txt"),
    ],
)
def test_generate_graph(tmp_path, capsys, args, name):
    paths = [tmp_path / ("1" + name), tmp_path / ("2" + name)]
    for path in paths:
        code, _, err = _run(capsys, "generate", "graph", *args, "--seed", 3, "-o", path)
        assert code == 0, err
    assert paths[0].read_bytes() == paths[1].read_bytes()
    G = read_graph(paths[0])
    meta = G.graph["reluhard"]
    assert G.number_of_nodes() == 40 and meta["seed"] == 3
    if meta["certificate"]:
        S = meta["certificate"]["set"]
        assert G.subgraph(S).number_of_edges() == meta["certificate"]["edges"]


def test_generate_multipartite(tmp_path, capsys):
    code, _, _ = _run(capsys, "generate", "graph", "--multipartite", "10,10,10", "-o", tmp_path / "k.clq")
    G = read_graph(tmp_path / "k.clq")
    assert code == 0 and G.number_of_nodes() == 30 and G.number_of_edges() == 300


@pytest.mark.parametrize(
    "args, n, m",
    [
        (["named", "fano"], 7, 7),
        (["named", "k5-3"], 5, 10),
        (["named", "k6-3"], 6, 20),
        (["named", "k4"], 4, 6),
        (["named", "cycle", "--size", 5], 5, 5),
        (["random", "-n", 12, "-m", 20, "-r", 3, "--seed", 1], 12, 20),
        (["planted", "-n", 12, "-m", 20, "-r", 4, "--seed", 1], 12, 20),
    ],
)
def test_generate_hypergraph(tmp_path, capsys, args, n, m):
    for name in ("a.hgr", "b.hgr"):
        code, _, err = _run(capsys, "generate", "hypergraph", *args, "-o", tmp_path / name)
        assert code == 0, err
    assert (tmp_path / "a.hgr").read_bytes() == (tmp_path / "b.hgr").read_bytes()
    H = read_hgr(tmp_path / "a.hgr")
    assert (H.n_vertices, H.n_edges) == (n, m)
    if args[0] == "planted":
        assert H.is_2_colourable_by(H.meta["certificate"]["colouring"])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generate", "ksat", "-n", 2, "-m", 3], "n_vars >= k"),
        (["generate", "ksat", "-n", 10, "-m", 40, "--max-occurrence", 3], "infeasible"),
        (["generate", "ksat", "-n", 10, "-m", 4, "--quiet"], "--planting quiet"),
        (["generate", "ksat", "-n", 10, "-m", 4, "--planted", "--planting", "none"], "contradicts"),
        (["generate", "ksat", "-n", 10, "-m", 4, "--planting", "planted", "--quiet"], "contradicts"),
        (["generate", "ksat", "-n", 10, "-m", 4, "--seed", -3], "seed"),
        (["generate", "graph", "-n", 10, "-p", 1.5], "[0, 1]"),
        (["generate", "graph", "-n", 5, "-p", 0.5, "--plant-clique", 6], "kappa"),
        (["generate", "graph", "-n", 5, "-p", 0.5, "--plant-dense", 3], "--density"),
        (["generate", "graph", "-n", 5, "-p", 0.5, "-o", "x.gml"], "graph format"),
        (["generate", "graph", "--multipartite", "3,x"], "part sizes"),
        (["generate", "hypergraph", "named", "petersen"], "unknown named"),
        (["generate", "hypergraph", "named", "cycle"], "size"),
        (["generate", "hypergraph", "random", "-n", 3, "-m", 2, "-r", 4], "exceeds"),
        (["info", "nope.cnf"], "nope.cnf"),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_info_on_generated_and_foreign_files(tmp_path, capsys):
    _run(capsys, "generate", "ksat", "-n", 20, "-m", 50, "--planted", "--seed", 4, "-o", tmp_path / "p.cnf.xz")
    code, out, _ = _run(capsys, "info", tmp_path / "p.cnf.xz")
    assert code == 0 and "variables: 20" in out and "clauses: 50" in out and '"generator": "planted-ksat"' in out
    code, out, _ = _run(capsys, "info", "--json", tmp_path / "p.cnf.xz")
    data = json.loads(out)
    assert data["meta"]["seed"] == 4 and len(data["meta"]["certificate"]["assignment"]) == 20

    foreign = tmp_path / "uf3.cnf"
    foreign.write_text("c foreign\np cnf 3 3\n1 -1 0\n2 2 3 0\n3 2 0\n%\n0\n")
    code, out, _ = _run(capsys, "info", "--json", foreign)
    data = json.loads(out)
    assert code == 0 and data["meta"] is None and data["tautologies"] == 1
    assert data["clauses_with_repeated_literals"] == 1 and data["duplicate_clauses"] == 1
    assert data["clause_widths"] == {"2": 2, "3": 1} and data["unused_variables"] == 0

    sniffed = tmp_path / "graph.data"
    sniffed.write_text("p edge 4 2\ne 1 2\ne 3 4\n")
    code, out, _ = _run(capsys, "info", sniffed)
    assert code == 0 and "edges: 2" in out and "density: 0.333333" in out

    (tmp_path / "h.hgr").write_text("% hmetis\n1 3\n1 2 3\n")
    code, out, _ = _run(capsys, "info", "--format", "hmetis", tmp_path / "h.hgr")
    assert code == 0 and "hyperedges: 1" in out


def test_info_reports_malformed_file(tmp_path, capsys):
    bad = tmp_path / "bad.cnf"
    bad.write_text("p cnf 2 1\n1 3 0\n")
    code, _, err = _run(capsys, "info", bad)
    assert code == 2 and f"{bad}:2: literal 3 out of range" in err


@pytest.mark.slow
def test_big_generate_reads_back(tmp_path, capsys):
    code, _, _ = _run(capsys, "generate", "ksat", "-k", 3, "-n", 100000, "-m", 426000, "--seed", 1, "-o", tmp_path / "big.cnf")
    cnf, info = read_cnf(tmp_path / "big.cnf")
    assert code == 0 and info["n_clauses"] == 426000


def test_quiet_planting_is_spelled_planting_quiet_and_the_old_spelling_warns(tmp_path, capsys):
    """-q/--quiet means "no progress output" everywhere; quiet planting is --planting quiet. The old
    --planted --quiet still gives the same bytes for one release, with a deprecation warning on stderr."""
    new, old, plain = tmp_path / "new.cnf", tmp_path / "old.cnf", tmp_path / "plain.cnf"
    base = ["generate", "ksat", "-n", 30, "-m", 90, "--seed", 2]
    code, _, err = _run(capsys, *base, "--planting", "quiet", "-o", new)
    assert code == 0 and "deprecated" not in err
    code, _, err = _run(capsys, *base, "--planted", "--quiet", "-o", old)
    assert code == 0 and "deprecated" in err and "--planting quiet" in err
    assert new.read_bytes() == old.read_bytes()
    assert read_cnf(new)[1]["meta"]["params"]["quiet"] is True
    code, _, _ = _run(capsys, *base, "--planting", "planted", "-o", plain)
    assert code == 0 and read_cnf(plain)[1]["meta"]["params"]["quiet"] is False
    code, out, err = _run(capsys, *base, "--planting", "none")
    assert code == 0 and "\"planted\":false" in out.splitlines()[0]
    with pytest.raises(SystemExit):
        main(["generate", "ksat", "--help"])
    help_text = capsys.readouterr().out
    assert "--planting {none,planted,quiet}" in help_text and "--quiet" not in help_text
