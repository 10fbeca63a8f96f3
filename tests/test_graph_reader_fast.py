"""The vectorised DIMACS graph reader gives the line parser's result (or its error) on every input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InstanceFormatError, InvalidParameterError
from reluhard.io.graphs import _fast_dimacs, _parse_dimacs, _parse_dimacs_lines
from reluhard.io.limits import limits

LIM = limits()


def pairs_of(result):
    """(n, [(u, v), ...], meta) of a parser result (the vectorised reader gives (lo, hi) arrays)."""
    n, edges, meta = result
    if isinstance(edges, tuple):
        edges = list(zip(edges[0].tolist(), edges[1].tolist()))
    return n, edges, meta


def outcome(parse, text, duplicates):
    try:
        return pairs_of(parse(text, "g.clq", duplicates, LIM))
    except InstanceFormatError as exc:
        return ("error", str(exc))


def dimacs(n, edges, meta_line=True):
    head = ['c reluhard {"seed":1}'] if meta_line else []
    return "\n".join(head + ["c a comment", f"p edge {n} {len(edges)}"] + [f"e {u} {v}" for u, v in edges]) + "\n"


EDITS = [
    lambda lines, r: lines.insert(r % (len(lines) + 1), ""),                      # blank line
    lambda lines, r: lines.insert(r % (len(lines) + 1), "  e 1 2"),               # indented edge
    lambda lines, r: lines.append("e 1 1"),                                       # self-loop
    lambda lines, r: lines.append("e 1 99"),                                      # out of range
    lambda lines, r: lines.append("e 0 1"),                                       # vertex 0
    lambda lines, r: lines.append(lines[-1]),                                     # repeated edge
    lambda lines, r: lines.append("e 2 1"),                                       # maybe repeated, reversed
    lambda lines, r: lines.__setitem__(-1, lines[-1] + "\r"),                      # CRLF
    lambda lines, r: lines.__setitem__(-1, lines[-1].replace(" ", "  ")),          # double space
    lambda lines, r: lines.__setitem__(-1, lines[-1] + " 7"),                      # extra token
    lambda lines, r: lines.__setitem__(-1, "e 0" + "0" * 20 + "1 2"),              # long id
    lambda lines, r: lines.insert(0, "e 1 2"),                                    # edge before header
    lambda lines, r: lines.insert(r % (len(lines) + 1), "c ünïcode"),             # non-ASCII comment
    lambda lines, r: lines.insert(r % (len(lines) + 1), "x 1 2"),                 # unknown line type
    lambda lines, r: lines.insert(r % (len(lines) + 1), "p edge 3 3"),            # second header
    lambda lines, r: lines.pop(),                                                 # count mismatch
    lambda lines, r: lines.__setitem__(-1, "e 01 002"),                           # leading zeros
    lambda lines, r: lines.__setitem__(-1, "e 1 -2"),                             # sign
]


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 9), st.data(), st.lists(st.tuples(st.integers(0, len(EDITS) - 1), st.integers(0, 50)), max_size=3),
       st.sampled_from(["error", "merge"]), st.booleans())
def test_fast_reader_agrees_with_the_line_parser(n, data, edits, duplicates, meta_line):
    pairs = [(u, v) for u in range(1, n + 1) for v in range(u + 1, n + 1)]
    chosen = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    flip = data.draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
    edges = [(v, u) if f else (u, v) for (u, v), f in zip(chosen, flip)]
    text = dimacs(n, edges, meta_line)
    if not edits:
        assert _fast_dimacs(text, "g.clq", LIM) is not None  # the usual layout takes the fast path
    lines = text.rstrip("\n").split("\n")
    for which, r in edits:
        EDITS[which](lines, r)
    if data.draw(st.booleans()):  # recount, so an edit is caught by its own check, not the edge count
        count = sum(line.startswith("e") for line in lines)
        lines = [f"p edge {n} {count}" if line == f"p edge {n} {len(edges)}" else line for line in lines]
    text = "\n".join(lines) + ("\n" if data.draw(st.booleans()) else "")
    assert outcome(_parse_dimacs, text, duplicates) == outcome(_parse_dimacs_lines, text, duplicates)


def random_edges(seed, n, p):
    """The edges (1-based) of a G(n, p) sample, shuffled."""
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    keep = rng.random(len(iu[0])) < p
    edges = [(int(a) + 1, int(b) + 1) for a, b in zip(iu[0][keep], iu[1][keep])]
    rng.shuffle(edges)
    return edges


def test_fast_reader_on_a_large_graph():
    n = 300
    edges = random_edges(0, n, 0.3)
    text = dimacs(n, edges)
    fast = _fast_dimacs(text, "g.clq", LIM)
    assert fast is not None and isinstance(fast[1], tuple)
    fast = pairs_of(fast)
    assert fast == _parse_dimacs_lines(text, "g.clq", "error", LIM)
    assert fast[1][:3] == [(min(u, v) - 1, max(u, v) - 1) for u, v in edges[:3]]


def test_every_edit_alone_agrees():
    edges = [(1, 2), (3, 2), (4, 5), (1, 5)]
    for which in range(len(EDITS)):
        for r in range(3):
            for recount in (False, True):
                lines = dimacs(5, edges).rstrip("\n").split("\n")
                EDITS[which](lines, r)
                if recount:
                    count = sum(line.startswith("e") for line in lines)
                    lines = [f"p edge 5 {count}" if line == "p edge 5 4" else line for line in lines]
                text = "\n".join(lines) + "\n"
                for duplicates in ("error", "merge"):
                    assert outcome(_parse_dimacs, text, duplicates) == outcome(_parse_dimacs_lines, text, duplicates), (which, r)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40), st.booleans())
def test_edge_arrays_equal_the_per_edge_reference(n, pairs, relabel):
    import networkx as nx

    from reluhard.io.graphs import edge_array as io_edge_array
    from reluhard.structures.graph import edge_array

    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v) for u, v in pairs if u < n and v < n)
    if relabel and n:
        G = nx.relabel_nodes(G, {v: (v * 7) % (n + 3) for v in range(n)})  # other labels: the dict path
    nodes = sorted(G.nodes())
    pos = {v: i for i, v in enumerate(nodes)}
    ref = sorted({(min(pos[a], pos[b]), max(pos[a], pos[b])) for a, b in G.edges() if a != b})
    m, E = edge_array(G)
    assert m == G.number_of_nodes() and E.dtype == np.int64 and [tuple(e) for e in E.tolist()] == ref
    if not relabel and not any(u == v for u, v in G.edges()):
        assert [tuple(e) for e in io_edge_array(G).tolist()] == ref
    elif not relabel:
        with pytest.raises(InvalidParameterError, match="self-loop"):
            io_edge_array(G)


def test_self_loops_are_seen_by_the_edge_arrays():
    import networkx as nx

    from reluhard.io.graphs import edge_array as io_edge_array
    from reluhard.structures.graph import edge_array, identity_edges

    G = nx.Graph([(0, 0), (0, 1), (2, 1)])
    assert sorted(map(tuple, identity_edges(G, 3).tolist())) == [(0, 0), (0, 1), (1, 2)]
    assert edge_array(G)[1].tolist() == [[0, 1], [1, 2]]  # dropped here (DkS counts distinct pairs)
    with pytest.raises(InvalidParameterError, match="self-loop"):
        io_edge_array(G)  # refused by the writers' canonical form


@pytest.mark.parametrize("where", ["run", "split"])
def test_both_vectorised_edge_paths_agree_with_the_line_parser(where, monkeypatch):
    import reluhard.io.graphs as graphs

    n = 120
    edges = random_edges(4, n, 0.4)
    lines = dimacs(n, edges).rstrip("\n").split("\n")
    lines[-1] = "e " + "0" * (18 - len(str(edges[-1][0]))) + f"{edges[-1][0]} {edges[-1][1]}"  # 18 digits, leading zeros
    if where == "split":
        lines.insert(len(lines) // 2, "c a comment between edge lines")  # not one run: the byte-wise path
    text = "\n".join(lines) + "\n"
    used = []
    for name in ("_edge_run", "_edge_lines"):
        real = getattr(graphs, name)
        monkeypatch.setattr(graphs, name, lambda *a, _real=real, _name=name: used.append(_name) or _real(*a))
    fast = _fast_dimacs(text, "g.clq", LIM)
    assert used == (["_edge_run"] if where == "run" else ["_edge_lines"])
    assert fast is not None and pairs_of(fast) == _parse_dimacs_lines(text, "g.clq", "error", LIM)
    bad = text.replace(f"e {edges[3][0]} {edges[3][1]}\n", f"e {edges[3][0]}  {edges[3][1]}\n", 1)
    assert _fast_dimacs(bad, "g.clq", LIM) is None  # a double space: left to the line parser


@pytest.mark.parametrize("bad", [["e5 1 2", "e  3"], ["e 1 2 3", "e 4"], ["e 1", "e 2 3 4"], ["e 1  2"], ["e 1 2 "], ["e 1 " + "0" * 18 + "7"], ["e " + "0" * 18 + "8 9"],
                                 ["e  1 2"], ["e 1 2e"], ["e -1 2"], ["e 1 2", "e 3 4 ", ""]])
def test_the_edge_run_check_refuses_every_other_line(bad):
    lines = ["p edge 9 4", "e 1 2", "e 3 4"] + bad + ["e 5 6"]
    lines[0] = f"p edge 9 {sum(line.startswith('e') for line in lines)}"
    text = "\n".join(lines) + "\n"
    assert _fast_dimacs(text, "g.clq", LIM) is None
    assert outcome(_parse_dimacs, text, "error") == outcome(_parse_dimacs_lines, text, "error")
    good = "p edge 9 4\ne 1 2\ne 3 4\ne 7 8\ne 5 6\n"
    assert pairs_of(_fast_dimacs(good, "g.clq", LIM))[1] == [(0, 1), (2, 3), (6, 7), (4, 5)]
