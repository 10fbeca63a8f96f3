"""Graphs as read (FlatEdgesGraph: edge arrays, dicts built on first use) behave as the eager networkx.Graph."""

import copy
import pickle

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.io.graphs import edge_array as io_edge_array
from reluhard.io.graphs import format_graph, graph_sha256, read_graph
from reluhard.structures.flatgraph import FlatEdgesGraph
from reluhard.structures.graph import edge_array, flat_edges


def eager(n, pairs, meta=None):
    """The graph read_graph built before: add_nodes_from(range(n)), add_edges_from(pairs in file order)."""
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((min(u, v), max(u, v)) for u, v in pairs)
    if meta is not None:
        G.graph["reluhard"] = meta
    return G


def same_graph(G, H):
    """Same nodes, same node order, same neighbour order, same edge list and graph dict."""
    assert list(G.nodes) == list(H.nodes)
    assert [(u, list(nb)) for u, nb in G.adj.items()] == [(u, list(nb)) for u, nb in H.adj.items()]
    assert list(G.edges) == list(H.edges) and G.graph == H.graph
    for u, v in H.edges:  # one attribute dict per edge, shared by both directions (as networkx keeps it)
        assert G._adj[u][v] is G._adj[v][u]


def write(tmp_path, name, n, pairs, meta_line=True):
    path = tmp_path / name
    if name.endswith(".clq"):
        head = ['c reluhard {"seed":1}'] if meta_line else []
        lines = head + [f"p edge {n} {len(pairs)}"] + [f"e {u + 1} {v + 1}" for u, v in pairs]
    else:
        lines = ['# reluhard {"seed":1}', f"# p edge {n} {len(pairs)}"] + [f"{u} {v}" for u, v in pairs]
    path.write_text("\n".join(lines) + "\n")
    return path


def random_pairs(rng, n, p):
    iu, iv = np.triu_indices(n, 1)
    keep = rng.random(len(iu)) < p
    pairs = [(int(a), int(b)) for a, b in zip(iu[keep], iv[keep])]
    rng.shuffle(pairs)
    return [(v, u) if rng.random() < 0.5 else (u, v) for u, v in pairs]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10), st.data(), st.sampled_from(["g.clq", "g.edgelist", "slow.clq"]))
def test_read_graph_equals_the_eager_graph(tmp_path_factory, n, data, name):
    tmp_path = tmp_path_factory.mktemp("g")
    pairs_all = [(u, v) for u in range(n) for v in range(u + 1, n)]
    chosen = data.draw(st.lists(st.sampled_from(pairs_all), unique=True, max_size=len(pairs_all))) if pairs_all else []
    flip = data.draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
    pairs = [(v, u) if f else (u, v) for (u, v), f in zip(chosen, flip)]
    path = write(tmp_path, name, n, pairs)
    if name == "slow.clq":  # a layout the vectorised reader leaves to the line parser
        path.write_text(path.read_text().replace("\n", "\r\n"))
    G = read_graph(path)
    ref = eager(n, pairs, {"seed": 1})
    assert isinstance(G, FlatEdgesGraph) and isinstance(G, nx.Graph)
    assert G.number_of_nodes() == n and len(G) == n and G.number_of_edges() == len(pairs)
    assert "_adj" not in G.__dict__  # the counts above built no dicts
    assert graph_sha256(G) == graph_sha256(ref) and format_graph(G, "edgelist") == format_graph(ref, "edgelist")
    assert io_edge_array(G).tolist() == io_edge_array(ref).tolist()
    m, E = edge_array(G)
    assert m == n and E.dtype == np.int64 and E.tolist() == edge_array(ref)[1].tolist()
    assert "_adj" not in G.__dict__ and flat_edges(G) is not None
    same_graph(G, ref)  # reading the dicts builds them ...
    assert flat_edges(G) is None  # ... and the arrays are dropped
    assert edge_array(G)[1].tolist() == E.tolist()


def test_mutation_is_seen_by_the_edge_arrays(tmp_path):
    rng = np.random.default_rng(1)
    pairs = random_pairs(rng, 30, 0.3)
    G = read_graph(write(tmp_path, "g.clq", 30, pairs))
    before = graph_sha256(G)
    missing = next((u, v) for u in range(30) for v in range(u + 1, 30) if not G.has_edge(u, v))
    G.add_edge(*missing)
    ref = eager(30, pairs + [missing])
    assert graph_sha256(G) == graph_sha256(ref) != before
    assert edge_array(G)[1].tolist() == edge_array(ref)[1].tolist()
    H = read_graph(write(tmp_path, "h.clq", 30, pairs))
    H.remove_node(0)  # a mutation straight away (no read first)
    assert list(H.nodes) == list(range(1, 30)) and H.number_of_edges() == sum(0 not in e for e in pairs)


def test_copies_and_pickles(tmp_path):
    rng = np.random.default_rng(2)
    pairs = random_pairs(rng, 25, 0.4)
    ref = eager(25, pairs, {"seed": 1})
    for make in (lambda G: G.copy(), copy.copy, copy.deepcopy, lambda G: pickle.loads(pickle.dumps(G)),
                 lambda G: nx.relabel_nodes(G, {v: v for v in G}), nx.Graph):
        G = read_graph(write(tmp_path, "g.clq", 25, pairs))
        H = make(G)
        assert sorted(map(sorted, H.edges)) == sorted(map(sorted, ref.edges)) and sorted(H.nodes) == list(range(25))
        assert graph_sha256(H) == graph_sha256(ref)
    G = read_graph(write(tmp_path, "g.clq", 25, pairs))
    same_graph(pickle.loads(pickle.dumps(G)), ref)
    assert nx.is_isomorphic(G, ref) and nx.density(G) == nx.density(ref)


@pytest.mark.parametrize("options", [{}, {"kappa": 4, "delta": "1/2", "params": "exact"}])
def test_reduce_from_the_arrays_is_byte_identical_and_builds_no_dicts(tmp_path, options):
    from fractions import Fraction

    from reluhard.pipeline import reduce_to_file
    from reluhard.reductions import get_reduction

    rng = np.random.default_rng(3)
    n = 40
    pairs = random_pairs(rng, n, 0.5)
    clique = [0, 5, 9, 17, 23, 31]
    pairs += [(u, v) for i, u in enumerate(clique) for v in clique[i + 1:] if (u, v) not in pairs and (v, u) not in pairs]
    meta = {"seed": 1, "certificate": {"kappa": 6, "set": clique}}
    path = tmp_path / "g.clq"
    ref = eager(n, pairs, meta)
    from reluhard.io.graphs import write_graph

    write_graph(path, ref)
    G = read_graph(path)
    red = get_reduction("dks-relu")
    opts = {k: (Fraction(v) if k == "delta" else v) for k, v in options.items()}
    outs = []
    for name, inst in (("eager", ref), ("flat", G)):
        (tmp_path / name).mkdir()
        reduce_to_file(red, inst, tmp_path / name / "t.npz", dict(opts))
        outs.append(sorted((p.name, p.read_bytes()) for p in (tmp_path / name).iterdir()))
    assert outs[0] == outs[1] and len(outs[0]) == 2  # the .npz and its answer key
    assert "_adj" not in G.__dict__  # the reduction ran on the edge arrays


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120000), st.integers(0, 120000)), max_size=60), st.sampled_from([b"e ", b""]),
       st.integers(1, 9))
def test_edge_lines_text_equals_percent_formatting(pairs, prefix, chunk):
    from reluhard.io.graphs import edge_lines_text

    e = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    ref = ((prefix.decode() + "%d %d\n") * len(e)) % tuple(e.ravel().tolist())
    assert edge_lines_text(e, prefix, chunk=chunk) == ref.encode()
