"""DIMACS CNF, DIMACS graph / edge list and .hgr: round trips, strictness, atomic writes."""

import gzip
import os

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InstanceFormatError
from reluhard.generators import named_hypergraph, planted_clique, planted_ksat, random_ksat_array
from reluhard.generators.hypergraphs import Hypergraph
from reluhard.io import dimacs
from reluhard.io.dimacs import cnf_sha256, format_cnf, read_cnf, write_cnf, write_cnf_array
from reluhard.io.graphs import graph_sha256, read_graph, write_graph
from reluhard.io.hgr import hypergraph_sha256, read_hgr, write_hgr
from reluhard.io.limits import limits


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------- DIMACS CNF


@pytest.mark.parametrize("suffix", [".cnf", ".cnf.gz", ".cnf.xz", ".cnf.bz2"])
def test_cnf_round_trip_with_meta(tmp_path, suffix):
    clauses, meta = random_ksat_array(30, 100, seed=3)
    path = tmp_path / ("f" + suffix)
    write_cnf_array(path, clauses, 30, meta=meta)
    cnf, info = read_cnf(path)
    assert cnf.nv == 30 and np.array_equal(np.array(cnf.clauses), clauses)
    assert info["meta"] == meta and info["n_clauses"] == 100 and info["width_histogram"] == {3: 100}
    assert cnf_sha256(cnf) == cnf_sha256(clauses, 30)


def test_cnf_writer_from_pysat_cnf_and_determinism(tmp_path):
    cnf = planted_ksat(20, 50, seed=1)
    write_cnf(tmp_path / "a.cnf", cnf)
    write_cnf(tmp_path / "b.cnf", planted_ksat(20, 50, seed=1))
    assert (tmp_path / "a.cnf").read_bytes() == (tmp_path / "b.cnf").read_bytes()
    back, info = read_cnf(tmp_path / "a.cnf")
    assert back.clauses == cnf.clauses and info["meta"]["certificate"]
    # the writer's text is what PySAT writes for the same formula (modulo comments)
    assert format_cnf(cnf, cnf.nv).decode() == cnf.to_dimacs().split("\n", 1)[1] + "\n"


def test_unused_high_variable_kept_in_header(tmp_path):
    write_cnf_array(tmp_path / "f.cnf", np.array([[1, -2]]), 10)
    cnf, info = read_cnf(tmp_path / "f.cnf")
    assert cnf.nv == 10 and info["n_vars"] == 10


def test_ragged_clauses_multi_line_and_satlib_trailer(tmp_path):
    text = "c SATLIB style\np cnf 4 3\n 1 -2\n 3 0 4 0\n-1 -4 2 0\n%\n0\n\n"
    cnf, info = read_cnf(_write(tmp_path, "uf.cnf", text))
    assert cnf.clauses == [[1, -2, 3], [4], [-1, -4, 2]]
    assert info["trailer_line"] == 6 and info["empty_clauses"] == 0


def test_empty_clause_tautology_and_repeats_are_kept_and_counted(tmp_path):
    text = "p cnf 3 5\n1 -1 2 0\n0\n3 3 0\n1 2 0\n2 1 0\n"
    cnf, info = read_cnf(_write(tmp_path, "e.cnf", text))
    assert cnf.clauses == [[1, -1, 2], [], [3, 3], [1, 2], [2, 1]]
    assert info["empty_clauses"] == 1 and info["tautologies"] == 1 and info["repeated_literals"] == 1
    assert info["duplicate_clauses"] == 1 and info["width_histogram"] == {0: 1, 2: 3, 3: 1}


BAD_CNF = [
    ("1 2 0\n", "clause before the 'p cnf' header", 1),
    ("c only\n", "missing 'p cnf", None),
    ("p cnf 3 1\np cnf 3 1\n1 0\n", "duplicate 'p cnf'", 2),
    ("p cnf 3\n1 0\n", "malformed header", 1),
    ("p dnf 3 1\n1 0\n", "malformed header", 1),
    ("p cnf 3 -1\n", "malformed header", 1),
    ("p cnf 3 2\n1 2 0\n", "declares 2 clauses but the file has 1", 1),
    ("p cnf 3 1\n1 2 0\n3 0\n", "declares 1 clauses but the file has 2", 1),
    ("p cnf 3 1\n1 4 0\n", "literal 4 out of range", 2),
    ("p cnf 3 2\n1 2 0\n\n-1 -5 0\n", "literal -5 out of range", 4),
    ("p cnf 3 1\n1 x 0\n", "non-integer token 'x'", 2),
    ("p cnf 3 1\n1 2.0 0\n", "non-integer token '2.0'", 2),
    ("p cnf 3 1\n1 +2 0\n", "non-integer token '+2'", 2),
    ("p cnf 3 1\n1 2 -\n", "non-integer token '-'", 2),
    ("p cnf 3 1\n1 2", "not terminated by 0", 2),
    ("p cnf 3 2\n1 2 0\n3\n", "not terminated by 0", 3),
    ("p cnf 3 1\n1 0\n%\n0\n1 0\n", "after the '%' end marker", 5),
    ("p cnf 3 1\n1 2\n%\n0\n", "not terminated by 0", 3),
    ("p cnf 3 1\n1 0\np cnf 3 1\n", "duplicate 'p cnf' header (first on line 1)", 3),
    ('c reluhard {"a": \np cnf 3 1\n1 0\n', "malformed 'reluhard' metadata", 1),
    ('c reluhard {}\nc reluhard {}\np cnf 1 0\n', "second", 2),
]


@pytest.mark.parametrize("text, message, line", BAD_CNF)
def test_malformed_cnf_names_file_line_and_problem(tmp_path, text, message, line):
    path = _write(tmp_path, "bad.cnf", text)
    with pytest.raises(InstanceFormatError) as err:
        read_cnf(path)
    msg = str(err.value)
    assert message in msg and str(path) in msg
    assert err.value.line == line
    if line is not None:
        assert f"{path}:{line}: " in msg


def test_corrupt_compressed_file(tmp_path):
    path = tmp_path / "x.cnf.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(InstanceFormatError, match="decompress"):
        read_cnf(path)


_lit = st.integers(-6, 6).filter(bool)


def _reference_parse(text):
    """A plain line-by-line reading of valid DIMACS (the specification the vectorised reader must match)."""
    clauses, cur, comments, header = [], [], [], None
    for raw in text.split("\n"):
        s = raw.strip()
        if not s:
            continue
        if s[0] == "%":
            break
        if s[0] == "c":
            comments.append(raw.rstrip())
        elif s[0] == "p":
            header = tuple(int(t) for t in s.split()[2:])
        else:
            for v in map(int, s.split()):
                if v == 0:
                    clauses.append(cur)
                    cur = []
                else:
                    cur.append(v)
    return header, clauses, comments


@settings(max_examples=150, deadline=None)
@given(
    clauses=st.lists(st.lists(_lit, max_size=4), max_size=8),
    layout=st.sampled_from(["lines", "one-line", "split"]),
    trailer=st.booleans(),
    comment=st.booleans(),
)
def test_vectorised_reader_matches_reference_parser(clauses, layout, trailer, comment):
    """The one vectorised parser returns exactly what a line-by-line reading of the text gives."""
    text = f"c x\np cnf 6 {len(clauses)}\n"
    toks = [" ".join(map(str, c + [0])) for c in clauses]
    if layout == "lines":
        text += "\n".join(toks) + "\n"
    elif layout == "one-line":
        text += " ".join(toks) + "\n"
    else:
        text += "\n".join(" \n".join(t.split(" ")) for t in toks) + "\n"
    if comment:
        text += "c late comment\n"
    if trailer:
        text += "%\n0\n"
    parsed = dimacs.parse_cnf_bytes(text.encode(), "t", limits())
    header, ref, comments = _reference_parse(text)
    assert (parsed["n_vars"], parsed["n_clauses"]) == header
    assert dimacs._materialise(parsed["flat"], parsed["lengths"]) == ref == clauses
    assert parsed["comments"] == comments
    assert parsed["trailer_line"] == (text.count("\n") - 1 if trailer else None)


def test_cnf_sha256_ignores_comments_and_layout(tmp_path):
    a = _write(tmp_path, "a.cnf", "c one\np cnf 3 2\n1 -2 0\n3 0\n")
    b = _write(tmp_path, "b.cnf", "p cnf 3 2\n1\n-2 0 3 0\nc two\n")
    c = _write(tmp_path, "c.cnf", "p cnf 3 2\n-2 1 0\n3 0\n")
    ha, hb, hc = (cnf_sha256(read_cnf(p)[0]) for p in (a, b, c))
    assert ha == hb != hc
    assert ha != cnf_sha256(read_cnf(a)[0], 4)


# ---------------------------------------------------------------- atomic writes


def test_failed_write_leaves_no_file_and_no_temp(tmp_path, monkeypatch):
    clauses, meta = random_ksat_array(10, 20, seed=1)
    target = tmp_path / "f.cnf"

    def boom(fd):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="injected"):
        write_cnf_array(target, clauses, 10, meta=meta)
    with pytest.raises(OSError, match="injected"):
        write_graph(tmp_path / "g.clq", planted_clique(10, 0.3, 3, seed=1))
    with pytest.raises(OSError, match="injected"):
        write_hgr(tmp_path / "h.hgr", named_hypergraph("fano"))
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "f.cnf"
    write_cnf_array(target, np.array([[1, 2]]), 2)
    before = target.read_bytes()
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("rename failed (injected)")))
    with pytest.raises(OSError, match="injected"):
        write_cnf_array(target, np.array([[1, -2], [2, 1]]), 2)
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["f.cnf"]


# ---------------------------------------------------------------- graphs


@pytest.mark.parametrize("name", ["g.clq", "g.col", "g.edgelist", "g.txt"])
def test_graph_round_trip(tmp_path, name):
    G = planted_clique(30, 0.2, 5, seed=2)
    G.add_node(30)  # an isolated vertex must survive
    G.graph["reluhard"]["n_vertices"] = 31
    write_graph(tmp_path / name, G)
    H = read_graph(tmp_path / name)
    assert sorted(H.nodes()) == list(range(31))
    assert {tuple(sorted(e)) for e in H.edges()} == {tuple(sorted(e)) for e in G.edges()}
    assert H.graph["reluhard"] == G.graph["reluhard"]
    assert graph_sha256(H) == graph_sha256(G)


def test_networkx_edgelist_is_readable(tmp_path):
    G = nx.cycle_graph(5)
    nx.write_edgelist(G, tmp_path / "nx.edgelist")  # writes "u v {}"
    H = read_graph(tmp_path / "nx.edgelist")
    assert nx.is_isomorphic(G, H) and sorted(H.nodes()) == list(range(5))


def test_graph_duplicate_merge_option(tmp_path):
    path = _write(tmp_path, "d.col", "p edge 3 3\ne 1 2\ne 2 1\ne 2 3\n")
    assert read_graph(path, duplicates="merge").number_of_edges() == 2


BAD_GRAPH = [
    ("g.clq", "e 1 2\n", "edge before the 'p edge' header", 1),
    ("g.clq", "c x\n", "missing 'p edge", None),
    ("g.clq", "p edge 3\n", "malformed header", 1),
    ("g.clq", "p edge 3 1\np edge 3 1\ne 1 2\n", "duplicate 'p edge'", 2),
    ("g.clq", "p edge 3 1\ne 1 1\n", "self-loop on vertex 1", 2),
    ("g.clq", "p edge 3 2\ne 1 2\ne 2 1\n", "duplicate edge 2-1 (first on line 2)", 3),
    ("g.clq", "p edge 3 1\ne 1 4\n", "vertex 4 out of range 1..3", 2),
    ("g.clq", "p edge 3 1\ne 0 2\n", "vertex 0 out of range", 2),
    ("g.clq", "p edge 3 2\ne 1 2\n", "declares 2 edges but the file has 1", 1),
    ("g.clq", "p edge 3 1\ne 1 x\n", "malformed edge line", 2),
    ("g.clq", "p edge 3 1\nx 1 2\n", "unknown line type", 2),
    ("g.edgelist", "0 1\n1 1\n", "self-loop", 2),
    ("g.edgelist", "0 1\n1 0\n", "duplicate edge", 2),
    ("g.edgelist", "0 -1\n", "not a non-negative integer", 1),
    ("g.edgelist", "0\n", "malformed edge line", 1),
    ("g.edgelist", "# p edge 2 1\n0 2\n", "vertex 2 out of range 0..1", 2),
    ("g.edgelist", "# p edge 3 2\n0 2\n", "declares 2 edges", 1),
]


@pytest.mark.parametrize("name, text, message, line", BAD_GRAPH)
def test_malformed_graph_names_file_line_and_problem(tmp_path, name, text, message, line):
    path = _write(tmp_path, name, text)
    with pytest.raises(InstanceFormatError) as err:
        read_graph(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert err.value.line == line


# ---------------------------------------------------------------- hypergraphs


def test_hgr_round_trip_and_hash(tmp_path):
    H = named_hypergraph("fano")
    write_hgr(tmp_path / "f.hgr", H)
    text = (tmp_path / "f.hgr").read_text()
    assert "p hypergraph 7 7\n1 2 3\n" in text and text.startswith("c reluhard ")
    back = read_hgr(tmp_path / "f.hgr")
    assert back == H and back.meta == H.meta and hypergraph_sha256(back) == hypergraph_sha256(H)


def test_hgr_headerless_takes_largest_id(tmp_path):
    H = read_hgr(_write(tmp_path, "h.hgr", "c plain\n1 2\n2 5\n"))
    assert H == Hypergraph(5, [(0, 1), (1, 4)]) and H.meta == {}


def test_hmetis_read(tmp_path):
    path = _write(tmp_path, "k.hgr", "% KaHyPar\n2 4\n1 2 3\n% mid\n3 4\n")
    H = read_hgr(path, format="hmetis")
    assert H == Hypergraph(4, [(0, 1, 2), (2, 3)])
    with pytest.raises(InstanceFormatError):  # not ours: "2 4" would be read as an edge, '%' rejected
        read_hgr(path)


BAD_HGR = [
    ("p hypergraph 3\n1 2\n", "malformed header", 1, "hgr"),
    ("p hypergraph 3 1\np hypergraph 3 1\n1 2\n", "duplicate 'p hypergraph'", 2, "hgr"),
    ("1 2\np hypergraph 3 1\n", "header after the first hyperedge", 2, "hgr"),
    ("p hypergraph 3 1\n1 4\n", "vertex 4 out of range 1..3", 2, "hgr"),
    ("p hypergraph 3 1\n1 0\n", "'0' is not a positive integer", 2, "hgr"),
    ("p hypergraph 3 1\n1 a\n", "'a' is not a positive integer", 2, "hgr"),
    ("p hypergraph 3 1\n1 2 1\n", "repeats a vertex", 2, "hgr"),
    ("p hypergraph 3 2\n1 2\n", "declares 2 hyperedges but the file has 1", 1, "hgr"),
    ("2 3 1\n1 2\n2 3\n", "weighted hMETIS", 1, "hmetis"),
    ("2\n1 2\n", "malformed hMETIS header", 1, "hmetis"),
    ("2 3\n1 2\n", "declares 2 hyperedges", 1, "hmetis"),
    ("% only\n", "missing hMETIS header", None, "hmetis"),
]


@pytest.mark.parametrize("text, message, line, fmt", BAD_HGR)
def test_malformed_hgr_names_file_line_and_problem(tmp_path, text, message, line, fmt):
    path = _write(tmp_path, "bad.hgr", text)
    with pytest.raises(InstanceFormatError) as err:
        read_hgr(path, format=fmt)
    assert message in str(err.value) and str(path) in str(err.value)
    assert err.value.line == line


def test_gz_written_bytes_are_deterministic(tmp_path):
    clauses, meta = random_ksat_array(10, 10, seed=1)
    write_cnf_array(tmp_path / "a.cnf.gz", clauses, 10, meta=meta)
    write_cnf_array(tmp_path / "b.cnf.gz", clauses, 10, meta=meta)
    assert (tmp_path / "a.cnf.gz").read_bytes() == (tmp_path / "b.cnf.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.cnf.gz").read_bytes()) == format_cnf(clauses, 10, meta=meta)
