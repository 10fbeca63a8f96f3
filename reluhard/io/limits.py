"""The input policy shared by every reader: size limits, bounded reading and decompression.

Every reader reads its input through :func:`read_input_bytes`, which

* accepts a path or ``"-"`` (standard input);
* refuses device nodes and other non-regular files (``/dev/zero`` would never
  end); FIFOs and standard input are read as streams;
* decompresses ``.gz``/``.xz``/``.bz2`` (by suffix, or by magic bytes on
  standard input) as a stream and stops at ``max_input_bytes`` decompressed
  bytes, so a small bomb cannot expand in memory;
* maps every corrupt-stream error (``zlib.error``, ``EOFError``,
  ``lzma.LZMAError``, ...) to :class:`~reluhard.errors.InstanceFormatError`.

Limits (see ``docs/reliability.md``) have defaults that a caller raises with
keyword arguments (``read_cnf(path, max_input_bytes=...)``) or environment
variables; a keyword wins over the variable, the variable over the default:

=====================  ===============================  ===========
limit                  environment variable             default
=====================  ===============================  ===========
``max_input_bytes``    ``RELUHARD_MAX_INPUT_BYTES``     1 GiB
``max_vars``           ``RELUHARD_MAX_VARS``            10^8 (CNF variables)
``max_vertices``       ``RELUHARD_MAX_VERTICES``        10^6 (graph/hypergraph vertices)
``max_items``          ``RELUHARD_MAX_ITEMS``           10^9 (clauses, edges, hyperedges)
``max_width``          ``RELUHARD_MAX_WIDTH``           10^7 (literals per clause, vertices per hyperedge)
=====================  ===============================  ===========
"""

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import InstanceFormatError, InvalidParameterError
from .atomic import note_input

__all__ = ["Limits", "limits", "read_input_bytes", "display_name", "clip", "DEFAULTS", "ENV_VARS"]

DEFAULTS = {
    "max_input_bytes": 1 << 30,
    "max_vars": 10**8,
    "max_vertices": 10**6,
    "max_items": 10**9,
    "max_width": 10**7,
}
ENV_VARS = {
    "max_input_bytes": "RELUHARD_MAX_INPUT_BYTES",
    "max_vars": "RELUHARD_MAX_VARS",
    "max_vertices": "RELUHARD_MAX_VERTICES",
    "max_items": "RELUHARD_MAX_ITEMS",
    "max_width": "RELUHARD_MAX_WIDTH",
}
#: hard ceiling of every limit: an 18-digit integer, exact in int64 arithmetic
CEILING = 10**18

_MAGIC = ((b"\x1f\x8b", ".gz"), (b"\xfd7zXZ\x00", ".xz"), (b"BZh", ".bz2"))
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Resolved limits of one read (see the module docstring)."""

    max_input_bytes: int
    max_vars: int
    max_vertices: int
    max_items: int
    max_width: int

    def hint(self, name):
        """How a user raises limit ``name`` (for error messages)."""
        return f"raise it with {name}= or {ENV_VARS[name]}"


def _check_limit(name, value, source):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            text = str(value).strip()
            if not text.isascii() or not text.isdigit() or len(text) > 19:
                raise ValueError
            value = int(text)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"{source}: limit {name} must be a positive integer, got {clip(repr(value))}") from None
    if not 1 <= value <= CEILING:
        raise InvalidParameterError(f"{source}: limit {name} must be in 1..10^18, got {value}")
    return value


def limits(**overrides):
    """Resolve the limits: keyword (not None) > environment variable > default."""
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        raise InvalidParameterError(f"unknown limit(s) {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}")
    out = {}
    for name, default in DEFAULTS.items():
        value = overrides.get(name)
        if value is not None:
            out[name] = _check_limit(name, value, name)
            continue
        env = os.environ.get(ENV_VARS[name])
        out[name] = default if env in (None, "") else _check_limit(name, env, ENV_VARS[name])
    return Limits(**out)


def clip(text, width=60):
    """``text`` shortened to ``width`` characters for one-line messages."""
    text = str(text)
    return text if len(text) <= width else text[: width - 3] + "..."


def display_name(path):
    """The name used in messages: ``<stdin>`` for ``-``."""
    return "<stdin>" if str(path) == "-" else str(path)


def _read_capped(fh, cap, name):
    chunks, total = [], 0
    while True:
        chunk = fh.read(min(_CHUNK, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise InstanceFormatError(
                f"input is larger than the limit of {cap} bytes (decompressed); raise it with max_input_bytes= or RELUHARD_MAX_INPUT_BYTES",
                path=name,
            )
    return b"".join(chunks)


def _compression(path, head):
    if str(path) != "-":
        suffix = Path(path).suffix.lower()
        return suffix if suffix in (".gz", ".xz", ".bz2") else None
    for magic, suffix in _MAGIC:
        if head.startswith(magic):
            return suffix
    return None


def read_input_bytes(path, *, max_input_bytes=None, as_input=True):
    """The (decompressed) bytes of ``path`` or of standard input for ``"-"``, bounded.

    ``as_input=False`` for files the caller rewrites itself (a results table
    on ``--resume``): they are not recorded for the CLI's input guard.

    Raises
    ------
    InstanceFormatError
        Not a regular file / FIFO, larger than the limit, corrupt compressed stream.
    FileNotFoundError, PermissionError, IsADirectoryError
        As ``open`` raises them (the CLI maps them to one line, exit 2).
    """
    cap = limits(max_input_bytes=max_input_bytes).max_input_bytes
    name = display_name(path)
    if str(path) == "-":
        raw = sys.stdin.buffer
        head = raw.peek(8)[:8] if hasattr(raw, "peek") else b""
        if not head and not hasattr(raw, "peek"):
            data = _read_capped(raw, cap, name)
            return _decompress_bytes(data, _compression(path, data[:8]), cap, name)
        return _read_stream(raw, _compression(path, head), cap, name)
    path = Path(path)
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "is a directory", str(path))
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise InstanceFormatError("not a regular file (device, socket, ...); refused", path=name)
    with open(path, "rb") as fh:
        if as_input:
            note_input(path)
        return _read_stream(fh, _compression(path, b""), cap, name)


def _decompress_bytes(data, kind, cap, name):
    if kind is None:
        return data
    import io

    return _read_stream(io.BytesIO(data), kind, cap, name)


def _read_stream(fh, kind, cap, name):
    if kind is None:
        return _read_capped(fh, cap, name)
    import bz2  # the compression modules only when a compressed input is read
    import gzip
    import lzma
    import zlib

    corrupt = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)
    opener = {".gz": gzip.GzipFile, ".xz": lzma.LZMAFile, ".bz2": bz2.BZ2File}[kind]
    try:
        with opener(fileobj=fh, mode="rb") if kind == ".gz" else opener(fh, mode="rb") as stream:
            return _read_capped(stream, cap, name)
    except InstanceFormatError:
        raise
    except corrupt as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InstanceFormatError(f"cannot decompress ({clip(detail, 120)})", path=name) from None
