"""Graphs: DIMACS ``.clq``/``.col`` and plain edge lists, strict readers, atomic writers.

* DIMACS (``.clq``, ``.col``, ``.dimacs``): ``c`` comments (one
  ``c reluhard {json}`` metadata line), one ``p edge N M`` header (``p col``
  accepted), then ``e u v`` lines with 1-based vertices.
* Edge lists (``.edgelist``, ``.edges``, ``.txt``): one edge ``u v`` per line
  with 0-based integer ids, as ``networkx.write_edgelist`` writes
  integer-labelled graphs (a trailing ``{...}`` attribute dict is ignored);
  ``#`` comments, the metadata as ``# reluhard {json}``. Our writer adds a
  ``# p edge N M`` comment so isolated vertices survive; the reader checks it
  when present and otherwise takes N = largest id + 1.

Readers return a ``networkx.Graph`` on ``0..N-1`` with the metadata (if any)
in ``G.graph["reluhard"]``. Self-loops, duplicate edges (either orientation;
``duplicates="merge"`` tolerates them), vertices out of range, malformed
headers and edge counts disagreeing with the header raise
:class:`~reluhard.errors.InstanceFormatError` naming file and line.
"""

import hashlib
import re
from pathlib import Path

import numpy as np

from ..errors import InstanceFormatError, InvalidParameterError
from ..structures.graph import flat_edges, identity_edges
from ._meta import meta_line, parse_meta_comment
from .atomic import atomic_write
from .dimacs import open_text
from .limits import clip, display_name, limits

__all__ = ["read_graph", "write_graph", "format_graph", "graph_sha256", "graph_format_of", "edge_array"]

_FORMATS = {".clq": "dimacs", ".col": "dimacs", ".dimacs": "dimacs", ".edgelist": "edgelist", ".edges": "edgelist", ".txt": "edgelist"}
_UINT = re.compile(r"[0-9]+")


def graph_format_of(path):
    """``"dimacs"`` or ``"edgelist"`` from the file suffix, or None."""
    return _FORMATS.get(Path(path).suffix.lower())


def _resolve_format(path, fmt):
    fmt = fmt or graph_format_of(path)
    if fmt not in ("dimacs", "edgelist"):
        raise InvalidParameterError(
            f"cannot tell the graph format of {str(path)!r}: use a .clq/.col (DIMACS) or .edgelist/.txt suffix, or fmt="
        )
    return fmt


def read_graph(path, *, fmt=None, duplicates="error", max_input_bytes=None, max_vertices=None, max_items=None):
    """Read a DIMACS or edge-list graph strictly.

    Parameters
    ----------
    path : str or Path
    fmt : {"dimacs", "edgelist"}, optional
        Default: from the suffix.
    duplicates : {"error", "merge"}
        A repeated edge (in either orientation) is an error, or is merged.
    max_input_bytes, max_vertices, max_items : int, optional
        Limits of the input policy (decompressed bytes, N, M); defaults from
        ``RELUHARD_MAX_INPUT_BYTES`` / ``RELUHARD_MAX_VERTICES`` /
        ``RELUHARD_MAX_ITEMS`` or :mod:`reluhard.io.limits`. ``path`` may be
        ``"-"`` (standard input; then ``fmt`` is required).

    Returns
    -------
    networkx.Graph
        Vertices ``0..N-1``; ``G.graph["reluhard"]`` holds the metadata line.
        A :class:`~reluhard.structures.flatgraph.FlatEdgesGraph`: the edge
        arrays are kept and the adjacency dicts built on first use.

    Raises
    ------
    InstanceFormatError
        See the module docstring.

    Notes
    -----
    O(file size) time.
    """
    from ..structures.flatgraph import FlatEdgesGraph

    if duplicates not in ("error", "merge"):
        raise InvalidParameterError("duplicates must be 'error' or 'merge'")
    fmt = _resolve_format(path, fmt)
    lim = limits(max_input_bytes=max_input_bytes, max_vertices=max_vertices, max_items=max_items)
    text = open_text(path, max_input_bytes=lim.max_input_bytes)
    n, edges, meta = (_parse_dimacs if fmt == "dimacs" else _parse_edgelist)(text, display_name(path), duplicates, lim)
    if isinstance(edges, tuple):  # the vectorised reader's (lo, hi) arrays
        lo, hi = edges
    else:  # [(u, v), ...] with u < v in file order
        e = np.array(edges, dtype=np.int64).reshape(-1, 2)
        lo, hi = e[:, 0], e[:, 1]
    return FlatEdgesGraph.from_arrays(n, lo, hi, meta)


class _EdgeChecker:
    """Collects edges, raising on self-loops, out-of-range ids and duplicates."""

    def __init__(self, path, duplicates):
        self.path, self.duplicates = path, duplicates
        self.seen = {}
        self.lines = 0

    def add(self, u, v, n, lineno, base):
        self.lines += 1
        for x in (u, v):
            if n is not None and not 0 <= x < n:
                raise InstanceFormatError(f"vertex {x + base} out of range 1..{n}" if base else f"vertex {x} out of range 0..{n - 1}", path=self.path, line=lineno)
        if u == v:
            raise InstanceFormatError(f"self-loop on vertex {u + base}", path=self.path, line=lineno)
        key = (min(u, v), max(u, v))
        if key in self.seen:
            if self.duplicates == "error":
                raise InstanceFormatError(
                    f"duplicate edge {u + base}-{v + base} (first on line {self.seen[key]})", path=self.path, line=lineno
                )
            return
        self.seen[key] = lineno


def _meta_from(comment, meta, path, lineno):
    found = parse_meta_comment(comment, path=path, line=lineno)
    if found is None:
        return meta
    if meta is not None:
        raise InstanceFormatError("second 'reluhard' metadata line", path=path, line=lineno)
    return found


def _parse_header(parts, s, path, lineno, lim):
    if len(parts) != 4 or parts[1] not in ("edge", "edges", "col") or not all(_UINT.fullmatch(t) for t in parts[2:]):
        raise InstanceFormatError(f"malformed header {clip(s)!r}; expected 'p edge <vertices> <edges>'", path=path, line=lineno)
    n = bounded_uint(parts[2], lim.max_vertices, "vertices", "max_vertices", lim, path, lineno)
    m = bounded_uint(parts[3], lim.max_items, "edges", "max_items", lim, path, lineno)
    return n, m


def bounded_uint(tok, cap, what, name, lim, path, lineno):
    """int of a header field, refused above ``cap`` (checked on the digits, before int())."""
    if len(tok.lstrip("0")) > 18 or int(tok) > cap:
        raise InstanceFormatError(f"header declares {clip(tok, 24)} {what}, above the limit of {cap}; {lim.hint(name)}", path=path, line=lineno)
    return int(tok)


def split_lines(text):
    """Lines split on newline only (no Unicode line separators); non-ASCII lines are reported by the caller."""
    return text.split("\n")


def check_ascii(s, path, lineno):
    """A data line (not a comment) must be ASCII: Unicode spaces are not separators."""
    if not s.isascii():
        raise InstanceFormatError(f"non-ASCII character in {clip(s, 40)!r}", path=path, line=lineno)


def _vertex(tok, path, lineno):
    if len(tok) > 18:
        raise InstanceFormatError(f"vertex id {clip(tok, 24)} out of range", path=path, line=lineno)
    return int(tok)


def _digits_value(raw, start, end):
    """Integer value of the decimal digit runs raw[start:end] (all digits, 1..18 long), vectorised."""
    val = np.zeros(len(start), dtype=np.int64)
    width = end - start
    for k in range(int(width.max()) if len(width) else 0):  # k-th digit from the right of every run
        d = raw[np.maximum(end - 1 - k, 0)].astype(np.int64) - 48
        val += np.where(width > k, d, 0) * np.int64(10**k)
    return val


def _fast_dimacs(text, path, lim):
    """``_parse_dimacs`` for the usual layout, vectorised; None when the file is anything else.

    Accepted: ASCII, '\n' line ends, lines that are empty, comments starting with
    'c' in column 1, one 'p' header line, and after it 'e U V' lines (single spaces,
    decimal ids of at most 18 digits) with ids in 1..N, no self-loop, no repeated
    edge and exactly M edges. Any other file (including every malformed one) goes
    to the line-by-line parser, which gives the same result and the error messages.
    """
    if not text.isascii() or "\r" in text:
        return None
    data = text.encode("ascii")
    raw = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(raw == 10)
    starts = np.concatenate([[0], nl + 1])
    ends = np.concatenate([nl, [len(raw)]])
    length = ends - starts
    nonempty = length > 0
    lead = np.zeros(len(starts), dtype=np.uint8)
    lead[nonempty] = raw[starts[nonempty]]
    is_c, is_p, is_e = lead == 99, lead == 112, lead == 101
    if not (is_c | is_p | is_e | ~nonempty).all() or is_p.sum() != 1:
        return None
    meta = None
    for i in np.flatnonzero(is_c).tolist():  # comment lines (few): as the line parser reads them
        line = text[starts[i]:ends[i]]
        if line.strip() != line:
            return None
        meta = _meta_from(line[1:], meta, path, i + 1)
    hp = int(np.flatnonzero(is_p)[0])
    hline = text[starts[hp]:ends[hp]]
    if hline.strip() != hline:
        return None
    n, m = _parse_header(hline.split(), hline, path, hp + 1, lim)
    e = np.flatnonzero(is_e)
    if len(e) != m or (len(e) and e[0] < hp):
        return None
    if not len(e):
        return n, [], meta
    if e[-1] - e[0] + 1 == len(e):  # one run of edge lines (the usual layout): checked and parsed in one piece
        uv = _edge_run(data, int(starts[e[0]]), int(ends[e[-1]]), len(e))
        if uv is None:
            return None
        u, v = uv
    else:
        u, v = _edge_lines(raw, starts[e], ends[e])
        if u is None:
            return None
    if (u < 0).any() or (v < 0).any() or (u >= n).any() or (v >= n).any() or (u == v).any():
        return None
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    key = np.sort(lo * np.int64(n) + hi)
    if (key[1:] == key[:-1]).any():
        return None  # a repeated edge: the line parser reports or merges it
    return n, (lo, hi), meta


#: the non-digit bytes of a run of edge lines, cyclically: 'e', ' ', ' ', '\n'
_EDGE_LINE_SEPARATORS = np.frombuffer(b"e  \n", dtype=np.uint8)


def _edge_run(data, start, end, m):
    """0-based (u, v) of the m consecutive edge lines data[start:end], or None if one is not 'e U V'.

    'e U V': 'e', one space, 1-18 digits, one space, 1-18 digits (as the
    byte-wise :func:`_edge_lines` accepts). Checked on the non-digit bytes:
    they must be 'e', ' ', ' ', '\n' cyclically with no digit right after 'e' or
    '\n' and 1-18 after each space.
    """
    b = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    nd = np.flatnonzero((b < 48) | (b > 57))
    if len(nd) != 4 * m - 1 or nd[0] != 0:
        return None
    sep = b[nd]
    if not all((sep[k::4] == _EDGE_LINE_SEPARATORS[k]).all() for k in range(4)):
        return None
    run = np.diff(np.append(nd, len(b))) - 1  # digits after each separator
    if run[0::4].any() or run[3::4].any() or not ((run[1::4] >= 1) & (run[1::4] <= 18) & (run[2::4] >= 1) & (run[2::4] <= 18)).all():
        return None
    uv = np.fromstring(data[start:end].replace(b"e", b" "), dtype=np.int64, sep=" ")
    if len(uv) != 2 * m:
        return None
    return uv[0::2] - 1, uv[1::2] - 1


def _edge_lines(raw, s, t):
    """0-based (u, v) of the edge lines raw[s[i]:t[i]] (anywhere in the file), or (None, None)."""
    # every byte of an edge line after "e " is a digit except exactly one space, not at either end
    line_of = np.repeat(np.arange(len(s)), t - s)
    pos = np.arange(len(line_of)) - np.repeat(np.cumsum(t - s) - (t - s), t - s) + np.repeat(s, t - s)
    b = raw[pos]
    rel = pos - s[line_of]
    space = b == 32
    digit = (b >= 48) & (b <= 57)
    ok_byte = np.where(rel == 0, True, np.where(rel == 1, space, digit | space))
    if not ok_byte.all() or (t - s < 5).any():
        return None, None
    spaces = np.bincount(line_of[space], minlength=len(s))
    if not (spaces == 2).all():
        return None, None
    sp2 = pos[space & (rel > 1)]  # the second space of each line, in line order
    lu, lv = sp2 - (s + 2), t - sp2 - 1
    if (lu < 1).any() or (lv < 1).any() or (lu > 18).any() or (lv > 18).any():
        return None, None
    return _digits_value(raw, s + 2, sp2) - 1, _digits_value(raw, sp2 + 1, t) - 1


def _parse_dimacs(text, path, duplicates, lim):
    fast = _fast_dimacs(text, path, lim)
    if fast is not None:
        return fast
    return _parse_dimacs_lines(text, path, duplicates, lim)


def _parse_dimacs_lines(text, path, duplicates, lim):
    header, header_line, meta = None, None, None
    edges = _EdgeChecker(path, duplicates)
    for lineno, raw in enumerate(split_lines(text), 1):
        s = raw.strip()
        if not s:
            continue
        if s[0] == "c":
            meta = _meta_from(s[1:], meta, path, lineno)
            continue
        check_ascii(s, path, lineno)
        parts = s.split()
        if parts[0] == "p":
            if header is not None:
                raise InstanceFormatError(f"duplicate 'p edge' header (first on line {header_line})", path=path, line=lineno)
            header, header_line = _parse_header(parts, s, path, lineno, lim), lineno
        elif parts[0] == "e":
            if header is None:
                raise InstanceFormatError("edge before the 'p edge' header (missing header?)", path=path, line=lineno)
            if len(parts) != 3 or not all(_UINT.fullmatch(t) for t in parts[1:]):
                raise InstanceFormatError(f"malformed edge line {clip(s)!r}; expected 'e <u> <v>' with positive integers", path=path, line=lineno)
            edges.add(_vertex(parts[1], path, lineno) - 1, _vertex(parts[2], path, lineno) - 1, header[0], lineno, 1)
        else:
            raise InstanceFormatError(f"unknown line type {clip(parts[0], 24)!r} (expected c, p or e)", path=path, line=lineno)
    if header is None:
        raise InstanceFormatError("missing 'p edge <vertices> <edges>' header", path=path)
    if edges.lines != header[1]:
        raise InstanceFormatError(f"header declares {header[1]} edges but the file has {edges.lines}", path=path, line=header_line)
    return header[0], list(edges.seen), meta


def _parse_edgelist(text, path, duplicates, lim):
    header, header_line, meta = None, None, None
    edges = _EdgeChecker(path, duplicates)
    pending = []
    for lineno, raw in enumerate(split_lines(text), 1):
        s = raw.strip()
        if not s:
            continue
        if s[0] == "#":
            body = s[1:].strip()
            if body.startswith("p ") or body == "p":
                if header is not None:
                    raise InstanceFormatError(f"duplicate '# p edge' header (first on line {header_line})", path=path, line=lineno)
                check_ascii(body, path, lineno)
                header, header_line = _parse_header(body.split(), body, path, lineno, lim), lineno
            else:
                meta = _meta_from(s[1:], meta, path, lineno)
            continue
        parts = s.split(None, 2)
        check_ascii(s.split("{", 1)[0], path, lineno)
        if len(parts) < 2 or (len(parts) == 3 and not parts[2].startswith("{")):
            raise InstanceFormatError(f"malformed edge line {clip(s)!r}; expected 'u v' with 0-based integer ids", path=path, line=lineno)
        bad = [t for t in parts[:2] if not _UINT.fullmatch(t)]
        if bad:
            raise InstanceFormatError(f"vertex id {clip(bad[0], 24)!r} is not a non-negative integer", path=path, line=lineno)
        pending.append((_vertex(parts[0], path, lineno), _vertex(parts[1], path, lineno), lineno))
    if header is not None:
        n = header[0]
    elif meta is not None and isinstance(meta.get("n_vertices"), int) and not isinstance(meta["n_vertices"], bool):
        n = meta["n_vertices"]
        if not 0 <= n <= lim.max_vertices:
            raise InstanceFormatError(f"metadata n_vertices = {clip(n, 24)} outside 0..{lim.max_vertices}; {lim.hint('max_vertices')}", path=path)
    else:
        n = 1 + max((max(u, v) for u, v, _ in pending), default=-1)
        if n > lim.max_vertices:
            u, v, lineno = max(pending, key=lambda e: max(e[0], e[1]))
            raise InstanceFormatError(
                f"vertex id {max(u, v)} implies {n} vertices, above the limit of {lim.max_vertices}; {lim.hint('max_vertices')}",
                path=path, line=lineno,
            )
    for u, v, lineno in pending:
        edges.add(u, v, n, lineno, 0)
    if header is not None and edges.lines != header[1]:
        raise InstanceFormatError(f"header declares {header[1]} edges but the file has {edges.lines}", path=path, line=header_line)
    return n, list(edges.seen), meta


def edge_array(G):
    """Canonical edges of an integer-labelled graph on 0..n-1: sorted (E, 2) int64, u < v.

    Raises InvalidParameterError for other labels or self-loops.
    """
    flat = flat_edges(G)  # a graph as read (vertices 0..n-1, u < v, no repeats: checked by the reader)
    if flat is not None:
        return flat[1]
    n = G.number_of_nodes()
    nodes = list(G.nodes())
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in nodes) or (n and (min(nodes) != 0 or max(nodes) != n - 1)):
        raise InvalidParameterError("graph vertices must be the integers 0..n-1 (use networkx.convert_node_labels_to_integers)")
    e = identity_edges(G, n)  # the vertices are 0..n-1 (checked above)
    if (e[:, 0] == e[:, 1]).any():
        raise InvalidParameterError("graph has a self-loop; the formats do not allow them")
    e.sort(axis=1)
    return e[np.argsort(e[:, 0] * np.int64(max(n, 1)) + e[:, 1], kind="stable")]  # (u, v) order, as lexsort


def format_graph(G, fmt="dimacs", *, comments=True):
    """Text (bytes) of ``G`` in ``fmt``; edges sorted, metadata line first when ``comments``.

    Notes
    -----
    O(E log E); the edge lines are formatted by :func:`edge_lines_text` (vectorised).
    """
    e = edge_array(G)
    n = G.number_of_nodes()
    meta = G.graph.get("reluhard") if comments else None
    if fmt == "dimacs":
        head = ([meta_line(meta, "c")] if meta is not None else []) + [f"p edge {n} {len(e)}"]
        body = edge_lines_text(e + 1, b"e ")
    elif fmt == "edgelist":
        head = ([meta_line(meta, "#")] if meta is not None else []) + [f"# p edge {n} {len(e)}"]
        body = edge_lines_text(e, b"")
    else:
        raise InvalidParameterError(f"unknown graph format {fmt!r}")
    return ("\n".join(head) + "\n").encode() + body


def edge_lines_text(e, prefix, chunk=1 << 20):
    """The bytes of ``prefix + b"%d %d\\n"`` for every row of the non-negative (m, 2) int array ``e``.

    Vectorised as the CNF writer (:mod:`reluhard.io._dimacs_text`): a table of
    fixed-width digit rows for 0..max(e) (zero padded), gathered per edge and
    the padding dropped by ``bytes.translate``; chunks of ``chunk`` edges.
    """
    from ._dimacs_text import _range_rows

    if not len(e):
        return b""
    sp = _range_rows(int(e.max()))  # digits, a space, zero padding
    nl = sp.copy()
    nl[nl == 32] = 10
    W, k = sp.shape[1], len(prefix)
    pieces = []
    for s in range(0, len(e), chunk):
        part = e[s: s + chunk]
        out = np.zeros((len(part), k + 2 * W), dtype=np.uint8)
        out[:, :k] = np.frombuffer(prefix, dtype=np.uint8)
        out[:, k: k + W] = sp[part[:, 0]]
        out[:, k + W:] = nl[part[:, 1]]
        pieces.append(out.tobytes().translate(None, b"\0"))
    return b"".join(pieces)


def write_graph(path, G, *, fmt=None):
    """Write ``G`` atomically as DIMACS or edge list (format from the suffix unless ``fmt``)."""
    data = format_graph(G, _resolve_format(path, fmt))
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def graph_sha256(G):
    """SHA-256 (hex) of the comment-free canonical DIMACS text (``p edge N M``, sorted ``e u v``)."""
    return hashlib.sha256(format_graph(G, "dimacs", comments=False)).hexdigest()
