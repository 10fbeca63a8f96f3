"""Property-based fuzzing of every reader: only typed errors, and round trips are the identity.

Budget: a few hundred examples per reader by default, a few thousand with
RELUHARD_FULL=1 (tests/conftest.py ``n_cases``).
"""

import bz2
import gzip
import io
import lzma
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InstanceFormatError, ReluhardError
from reluhard.generators.hypergraphs import Hypergraph
from reluhard.io import dimacs
from reluhard.io.dimacs import FlatCNF, format_cnf, read_cnf, write_cnf_array
from reluhard.io.graphs import read_graph, write_graph
from reluhard.io.hgr import read_hgr, write_hgr
from reluhard.io.limits import limits, read_input_bytes
from reluhard.io.npz import load_training_set, save_training_set
from reluhard.io.schema import validate_meta

from conftest import n_cases
from test_io_formats import _reference_parse

TMP = Path(tempfile.mkdtemp(prefix="reluhard-fuzz-"))
FAST = settings(max_examples=n_cases(200, 3000), deadline=None)
SLOW = settings(max_examples=n_cases(60, 600), deadline=None)

_CNF_PIECES = [b"p cnf 3 2", b"p cnf 2 1", b"p", b"cnf", b"1", b"-1", b"2", b"-3", b"0", b"-", b"+", b"c", b"c x", b"%",
               b"\n", b" ", b"\t", b"\r", b"99999999999999999999", b"-9223372036854775808", b"x", "\u00e9".encode(),
               "\u00a0".encode(), b"\x00", b"c reluhard {", b"c reluhard {}", b'c reluhard {"a":[1]}', b"00", b"-0"]


@st.composite
def _near_valid_cnf(draw):
    """A valid formula in a random layout, then (usually) one hostile piece spliced in at a random byte."""
    clauses = draw(st.lists(st.lists(st.integers(-4, 4).filter(bool), max_size=4), max_size=6))
    seps = draw(st.lists(st.sampled_from([b" ", b"\n", b"\t", b"  ", b"\r\n", b"\nc note\n"]), min_size=1, max_size=5))
    toks = [str(v).encode() for c in clauses for v in c + [0]]
    body = b"".join(t + seps[i % len(seps)] for i, t in enumerate(toks))
    text = draw(st.sampled_from([b"", b"c hi\n", b'c reluhard {"seed": 1}\n'])) + f"p cnf 4 {len(clauses)}\n".encode() + body
    text += draw(st.sampled_from([b"", b"\n", b"%\n0\n", b"%\n"]))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_CNF_PIECES)) + text[at:]
    return text


cnf_bytes = st.one_of(_near_valid_cnf(), st.lists(st.sampled_from(_CNF_PIECES), max_size=40).map(b"".join), st.binary(max_size=200))


def _typed(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except ReluhardError:
        return None


@FAST
@given(data=cnf_bytes)
def test_cnf_parser_only_typed_errors_and_reparses(data):
    try:
        parsed = dimacs.parse_cnf_bytes(data, "fuzz", limits())
    except InstanceFormatError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400
        return
    flat, lengths = parsed["flat"], parsed["lengths"]
    assert flat.dtype == np.int64 and lengths.dtype == np.int64
    assert int(lengths.sum()) == len(flat) and len(lengths) == parsed["n_clauses"]
    assert (flat != 0).all() and (np.abs(flat) <= parsed["n_vars"]).all()
    clauses = dimacs._materialise(flat, lengths)
    header, ref, _comments = _reference_parse(data.decode("utf-8", errors="replace"))  # differential: the line-by-line reading
    assert header == (parsed["n_vars"], parsed["n_clauses"]) and ref == clauses
    again = dimacs.parse_cnf_bytes(format_cnf(clauses, parsed["n_vars"]), "again", limits())
    assert np.array_equal(again["flat"], flat) and np.array_equal(again["lengths"], lengths)


_COMPRESS = {".gz": lambda b: gzip.compress(b, mtime=0), ".xz": lzma.compress, ".bz2": bz2.compress}


@SLOW
@given(data=st.binary(min_size=1, max_size=300), suffix=st.sampled_from(sorted(_COMPRESS)),
       cut=st.integers(0, 400), flip=st.integers(0, 400))
def test_decompression_only_typed_errors(data, suffix, cut, flip):
    blob = bytearray(_COMPRESS[suffix](data))
    if flip < len(blob):
        blob[flip] ^= 0x5A
    blob = bytes(blob[: max(cut, 1)]) if cut < len(blob) else bytes(blob)
    path = TMP / ("z.cnf" + suffix)
    path.write_bytes(blob)
    out = _typed(read_input_bytes, path, max_input_bytes=1 << 16)
    if out is not None and bytes(blob) == _COMPRESS[suffix](data):
        assert out == data


_GRAPH_PIECES = [b"p edge 3 2", b"p col 4 1", b"e 1 2", b"e 2 3", b"e 1 1", b"e 0 9", b"c", b"c reluhard {}", b"\n", b" ",
                 b"0 1", b"1 2", b"# p edge 3 1", b"# reluhard {\"n_vertices\": 5}", b"{}", b"x", b"99999999999999999999",
                 "\u00a0".encode(), b"-1", b"\t"]
graph_bytes = st.one_of(st.lists(st.sampled_from(_GRAPH_PIECES), max_size=30).map(b"".join), st.binary(max_size=120))


@FAST
@given(data=graph_bytes, suffix=st.sampled_from([".clq", ".edgelist"]), dup=st.sampled_from(["error", "merge"]))
def test_graph_readers_only_typed_errors(data, suffix, dup):
    path = TMP / ("g" + suffix)
    path.write_bytes(data)
    G = _typed(read_graph, path, duplicates=dup)
    if G is not None:
        assert sorted(G.nodes()) == list(range(G.number_of_nodes()))


_HGR_PIECES = [b"p hypergraph 4 2", b"1 2 3", b"2 3 4", b"1 1", b"0", b"c", b"c reluhard {}", b"\n", b" ", b"2 3",
               b"99999999999999999999", b"%", b"1 4 0", b"1 4", b"x", "\u00a0".encode()]
hgr_bytes = st.one_of(st.lists(st.sampled_from(_HGR_PIECES), max_size=30).map(b"".join), st.binary(max_size=120))


@FAST
@given(data=hgr_bytes, fmt=st.sampled_from(["hgr", "hmetis"]))
def test_hgr_readers_only_typed_errors(data, fmt):
    path = TMP / "h.hgr"
    path.write_bytes(data)
    H = _typed(read_hgr, path, format=fmt)
    if H is not None:
        assert all(0 <= v < H.n_vertices for e in H.edges for v in e)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["1/0", "abc", "3/4", "-1", "0", "1" + "0" * 400, "1/3"]),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
        st.sampled_from(["x_sq", "y_sq", "k", "scale", "bounds", "box", "soundness_bound", "format_version", "a"]), kids, max_size=4),
    max_leaves=20,
)


@FAST
@given(meta=st.dictionaries(st.sampled_from(["format_version", "scale", "bounds", "k", "kappa", "box", "source", "options",
                                             "reduction", "min_unsat", "other"]), json_values, max_size=6))
def test_meta_schema_only_typed_errors(meta):
    _typed(validate_meta, meta, path="fuzz")


def _valid_npz_bytes():
    buf = io.BytesIO()
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    path = TMP / "base.npz"
    save_training_set(path, X, [0.0, 1.0], [1.0, 1.0], {"reduction": "sat-relu", "scale": {"x_sq": "1/4", "y_sq": "1"}})
    buf.write(path.read_bytes())
    return buf.getvalue()


BASE_NPZ = _valid_npz_bytes()


@SLOW
@given(pos=st.integers(0, len(BASE_NPZ) - 1), byte=st.integers(0, 255), cut=st.integers(1, len(BASE_NPZ)))
def test_npz_mutations_only_typed_errors(pos, byte, cut):
    blob = bytearray(BASE_NPZ)
    blob[pos] = byte
    path = TMP / "m.npz"
    path.write_bytes(bytes(blob[:cut]))
    _typed(load_training_set, path)


# ---------------------------------------------------------------- round trips

@FAST
@given(clauses=st.lists(st.lists(st.integers(-9, 9).filter(bool), max_size=5), max_size=12),
       suffix=st.sampled_from([".cnf", ".cnf.gz", ".cnf.xz", ".cnf.bz2"]))
def test_cnf_round_trip_identity(clauses, suffix):
    path = TMP / ("r" + suffix)
    write_cnf_array(path, clauses, 9)
    cnf, info = read_cnf(path)
    assert isinstance(cnf, FlatCNF) and cnf.nv == 9 and info["n_clauses"] == len(clauses)
    flat, lengths = cnf._reluhard_flat
    assert flat.tolist() == [l for c in clauses for l in c] and lengths.tolist() == [len(c) for c in clauses]
    assert cnf.clauses == clauses and cnf._reluhard_flat is None  # materialised once, then the list is the truth


@SLOW
@given(edges=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 11)).filter(lambda e: e[0] != e[1]), max_size=20),
       suffix=st.sampled_from([".clq", ".col", ".edgelist", ".clq.gz"]))
def test_graph_round_trip_identity(edges, suffix):
    G = nx.Graph()
    G.add_nodes_from(range(12))
    G.add_edges_from(edges)
    G.graph["reluhard"] = {"n_vertices": 12}
    path = TMP / ("g" + suffix)
    if suffix == ".clq.gz":
        from reluhard.io.graphs import format_graph

        path.write_bytes(gzip.compress(format_graph(G, "dimacs"), mtime=0))
        H = read_graph(path, fmt="dimacs")
    else:
        write_graph(path, G)
        H = read_graph(path)
    assert sorted(H.nodes()) == list(range(12))
    assert {frozenset(e) for e in H.edges()} == {frozenset(e) for e in G.edges()}


@SLOW
@given(edges=st.lists(st.sets(st.integers(0, 7), min_size=1, max_size=4), max_size=10))
def test_hgr_round_trip_identity(edges):
    H = Hypergraph(8, [sorted(e) for e in edges], {"generator": "fuzz"})
    path = TMP / "r.hgr"
    write_hgr(path, H)
    back = read_hgr(path)
    assert back.n_vertices == 8 and [list(e) for e in back.edges] == [list(e) for e in H.edges] and back.meta == H.meta


@SLOW
@given(rows=st.integers(0, 6), cols=st.integers(1, 5), seed=st.integers(0, 10**6))
def test_npz_round_trip_identity(rows, cols, seed):
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, (rows, cols)).astype(float)
    y, w = rng.random(rows), rng.random(rows) + 0.5
    path = TMP / "r.npz"
    save_training_set(path, X, y, w, {"reduction": "fuzz", "k": 2})
    X2, y2, w2, meta = load_training_set(path)
    assert np.array_equal(X2.toarray(), X) and np.array_equal(y2, y) and np.array_equal(w2, w) and meta["k"] == 2


def test_npz_member_sizes_checked_before_reading(tmp_path):
    """A member declared larger than the limit is refused from the zip directory alone (nothing decompressed)."""
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.npy", b"\0" * (4 << 20))
    try:
        load_training_set(path, max_input_bytes=1 << 20)
    except InstanceFormatError as exc:
        assert "above the limit" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("zip bomb accepted")


@FAST
@given(clauses=st.lists(st.lists(st.integers(-(10**18) + 1, 10**18 - 1).filter(bool), max_size=4), max_size=6))
def test_cnf_literals_of_every_digit_count(clauses):
    """Literals of 1..18 digits parse exactly (the digit-by-digit vectorised conversion)."""
    text = f"p cnf {10**18 - 1} {len(clauses)}\n" + "".join(" ".join(map(str, c + [0])) + "\n" for c in clauses)
    parsed = dimacs.parse_cnf_bytes(text.encode(), "big", limits(max_vars=10**18))
    assert dimacs._materialise(parsed["flat"], parsed["lengths"]) == clauses
