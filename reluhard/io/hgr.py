"""Hypergraph files: our ``.hgr`` format (read/write) and hMETIS/KaHyPar files (read).

Our ``.hgr`` (see ``docs/formats.md``)::

    c any comment
    c reluhard {"generator": "named-hypergraph", ...}
    p hypergraph 7 7
    1 2 3
    1 4 5

* ``c`` lines are comments anywhere; one may carry the ``reluhard`` metadata.
* An optional ``p hypergraph N M`` header before the first hyperedge; the
  writer always writes it. Without it N is the largest vertex id.
* Every other non-blank line is one hyperedge: whitespace-separated,
  1-based, distinct vertex ids.

hMETIS / KaHyPar files (``format="hmetis"``): ``%`` comment lines, a first
line ``<#edges> <#vertices>`` (an optional third field 0, i.e. unweighted),
then one hyperedge per line, 1-based. Weighted files are rejected.

Errors raise :class:`~reluhard.errors.InstanceFormatError` naming file and line.
"""

import hashlib
import re

from ..errors import InstanceFormatError, InvalidParameterError
from ._meta import meta_line, parse_meta_comment
from .atomic import atomic_write
from .dimacs import open_text
from .graphs import bounded_uint, check_ascii, split_lines
from .limits import clip, display_name, limits

__all__ = ["read_hgr", "write_hgr", "format_hgr", "hypergraph_sha256"]

_UINT = re.compile(r"[0-9]+")


def read_hgr(path, *, format="hgr", max_input_bytes=None, max_vertices=None, max_items=None, max_width=None):  # noqa: A002
    """Read a hypergraph file strictly.

    Parameters
    ----------
    path : str or Path
    format : {"hgr", "hmetis"}
        Our format (default) or hMETIS/KaHyPar.
    max_input_bytes, max_vertices, max_items, max_width : int, optional
        Limits of the input policy (decompressed bytes, N, M, vertices per
        hyperedge); defaults from the ``RELUHARD_MAX_*`` environment variables
        or :mod:`reluhard.io.limits`. ``path`` may be ``"-"`` (standard input).

    Returns
    -------
    reluhard.generators.hypergraphs.Hypergraph
        With the file's metadata (``{}`` if none).

    Raises
    ------
    InstanceFormatError
        Malformed or duplicate header, non-integer or non-positive id, id
        above N, repeated vertex inside a hyperedge, empty hyperedge (hMETIS),
        hyperedge count different from the header, broken metadata.
    """
    from reluhard.structures.hypergraph import Hypergraph

    if format not in ("hgr", "hmetis"):
        raise InvalidParameterError("format must be 'hgr' or 'hmetis'")
    lim = limits(max_input_bytes=max_input_bytes, max_vertices=max_vertices, max_items=max_items, max_width=max_width)
    text = open_text(path, max_input_bytes=lim.max_input_bytes)
    n, edges, meta = (_parse_ours if format == "hgr" else _parse_hmetis)(text, display_name(path), lim)
    return Hypergraph(n, edges, meta or {})


def _edge(parts, n, path, lineno, lim):
    if len(parts) > lim.max_width:
        raise InstanceFormatError(f"hyperedge of {len(parts)} vertices, above the limit of {lim.max_width}; {lim.hint('max_width')}", path=path, line=lineno)
    bad = [t for t in parts if not _UINT.fullmatch(t) or not t.strip("0")]
    if bad:
        raise InstanceFormatError(f"vertex id {clip(bad[0], 24)!r} is not a positive integer", path=path, line=lineno)
    cap = lim.max_vertices if n is None else n
    big = [t for t in parts if len(t.lstrip("0")) > 18 or int(t) > cap]
    if big:
        if n is None:
            raise InstanceFormatError(
                f"vertex {clip(big[0], 24)} above the limit of {cap} vertices; {lim.hint('max_vertices')}", path=path, line=lineno
            )
        raise InstanceFormatError(f"vertex {clip(big[0], 24)} out of range 1..{n}", path=path, line=lineno)
    e = [int(t) for t in parts]
    if len(set(e)) != len(e):
        raise InstanceFormatError("hyperedge repeats a vertex", path=path, line=lineno)
    return [v - 1 for v in e]


def _parse_ours(text, path, lim):
    header, header_line, meta, edges = None, None, None, []
    for lineno, raw in enumerate(split_lines(text), 1):
        s = raw.strip()
        if not s:
            continue
        if s[0] != "c":
            check_ascii(s, path, lineno)
        parts = s.split()
        if s[0] == "c":
            found = parse_meta_comment(s[1:], path=path, line=lineno)
            if found is not None:
                if meta is not None:
                    raise InstanceFormatError("second 'c reluhard' metadata line", path=path, line=lineno)
                meta = found
        elif s[0] == "p":
            if header is not None:
                raise InstanceFormatError(f"duplicate 'p hypergraph' header (first on line {header_line})", path=path, line=lineno)
            if edges:
                raise InstanceFormatError("'p hypergraph' header after the first hyperedge", path=path, line=lineno)
            if len(parts) != 4 or parts[1] != "hypergraph" or not all(_UINT.fullmatch(t) for t in parts[2:]):
                raise InstanceFormatError(f"malformed header {clip(s)!r}; expected 'p hypergraph <vertices> <edges>'", path=path, line=lineno)
            header = (
                bounded_uint(parts[2], lim.max_vertices, "vertices", "max_vertices", lim, path, lineno),
                bounded_uint(parts[3], lim.max_items, "hyperedges", "max_items", lim, path, lineno),
            )
            header_line = lineno
        else:
            edges.append(_edge(parts, header[0] if header else None, path, lineno, lim))
    if header is None:
        return max((max(e) + 1 for e in edges), default=0), edges, meta
    if len(edges) != header[1]:
        raise InstanceFormatError(f"header declares {header[1]} hyperedges but the file has {len(edges)}", path=path, line=header_line)
    return header[0], edges, meta


def _parse_hmetis(text, path, lim):
    header, header_line, edges = None, None, []
    for lineno, raw in enumerate(split_lines(text), 1):
        s = raw.strip()
        if not s or s[0] == "%":
            continue
        check_ascii(s, path, lineno)
        parts = s.split()
        if header is None:
            if len(parts) not in (2, 3) or not all(_UINT.fullmatch(t) for t in parts):
                raise InstanceFormatError(f"malformed hMETIS header {clip(s)!r}; expected '<#edges> <#vertices> [fmt]'", path=path, line=lineno)
            if len(parts) == 3 and parts[2].strip("0"):
                raise InstanceFormatError(f"weighted hMETIS files (fmt {clip(parts[2], 24)}) are not supported", path=path, line=lineno)
            header = (
                bounded_uint(parts[1], lim.max_vertices, "vertices", "max_vertices", lim, path, lineno),
                bounded_uint(parts[0], lim.max_items, "hyperedges", "max_items", lim, path, lineno),
            )
            header_line = lineno
            continue
        edges.append(_edge(parts, header[0], path, lineno, lim))
    if header is None:
        raise InstanceFormatError("missing hMETIS header '<#edges> <#vertices>'", path=path)
    if len(edges) != header[1]:
        raise InstanceFormatError(f"header declares {header[1]} hyperedges but the file has {len(edges)}", path=path, line=header_line)
    return header[0], edges, None


def format_hgr(H, *, comments=True):
    """Text (bytes) of a Hypergraph in our ``.hgr`` format (metadata line, header, 1-based edges)."""
    head = [meta_line(H.meta)] if comments and H.meta else []
    head.append(f"p hypergraph {H.n_vertices} {len(H.edges)}")
    lines = head + [" ".join(str(v + 1) for v in e) for e in H.edges]
    return ("\n".join(lines) + "\n").encode()


def write_hgr(path, H):
    """Write a Hypergraph atomically in our ``.hgr`` format."""
    data = format_hgr(H)
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def hypergraph_sha256(H):
    """SHA-256 (hex) of the comment-free ``.hgr`` text (header + hyperedges in order)."""
    return hashlib.sha256(format_hgr(H, comments=False)).hexdigest()
