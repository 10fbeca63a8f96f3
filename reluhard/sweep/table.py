"""The results table: JSON Lines, one record per cell, appended and flushed per record.

Durability rules

* a record is written as one line, then flushed and fsynced before the next
  cell's result is consumed: a Ctrl-C, a crash or ``kill -9`` of the sweep
  loses at most the cells still running, never a finished record;
* a killed writer can leave a partial last line; :func:`read_records` reports
  it and :func:`prepare_output` (``--resume``) removes it with an atomic
  rewrite before appending, so the file stays valid JSON Lines;
* any other malformed line is an :class:`~reluhard.errors.InstanceFormatError`
  (file and line named): results are never silently dropped; so is a binary
  file or one larger than ``RELUHARD_MAX_INPUT_BYTES``;
* one writer per results file: :func:`results_lock` takes an advisory
  ``flock`` on the sidecar ``.NAME.lock``; a second sweep on the same file
  refuses with :class:`~reluhard.errors.ResultsLockedError` before touching it.

Parquet (:func:`export_parquet`) is a flattened copy for analysis:
``param_<name>``, ``option_<name>``, ``fit_<method>_<field>``,
``check_<name>``, other lists/dicts as JSON strings.
"""

import contextlib
import errno
import json
import os
from pathlib import Path

from reluhard.errors import InstanceFormatError, InvalidParameterError, ResultsLockedError
from reluhard.io import atomic_write

__all__ = ["read_records", "latest_by_cell", "prepare_output", "RecordWriter", "flatten_record", "export_parquet", "results_lock"]


def _lock_path(path):
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def results_lock(path):
    """Hold the advisory lock of results file ``path`` for the duration of the block.

    The lock is an exclusive, non-blocking ``flock`` on ``.NAME.lock`` next to
    the results (the results file itself is replaced atomically by ``--resume``,
    so it cannot carry the lock). The lock file holds the owner's pid and is
    removed on exit; a lock file whose inode changed while we waited is retried.

    Raises
    ------
    ResultsLockedError
        Another process holds the lock.
    """
    import fcntl

    lock = _lock_path(path)
    for _ in range(10):
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            try:
                owner = lock.read_text(encoding="ascii", errors="replace").strip()[:20]
            except OSError:
                owner = "?"
            raise ResultsLockedError(
                f"{path}: another sweep (pid {owner or '?'}) is writing these results; wait for it to finish or write to another file"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed it between our open and our lock: try again
    else:  # pragma: no cover - ten races in a row
        raise ResultsLockedError(f"{path}: could not take the results lock")
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


#: types of the record fields when present (a record is a dict; see reluhard.sweep.cell.SCHEMA_KEYS)
_FIELD_TYPES = {
    "cell_id": str, "schema": str, "reduction": str, "family": str, "status": str,
    "params": dict, "options": dict, "methods_skipped": dict, "fits": dict, "checks": dict,
    "methods": list, "methods_run": list, "inconclusive_because": list,
}


def read_records(path, *, complete=False):
    """Records of a results file, in file order.

    ``complete=True`` (what ``report`` and ``plot`` use) also requires every
    key of :data:`reluhard.sweep.cell.SCHEMA_KEYS` in every record.

    Returns
    -------
    records : list of dict
    partial : str or None
        A trailing partial line (an interrupted write), excluded from ``records``.

    Raises
    ------
    InstanceFormatError
        A complete line is not a JSON object with a ``cell_id``.
    """
    from reluhard.io.limits import read_input_bytes

    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a results file", str(path))
    data = read_input_bytes(path, as_input=False)
    if b"\0" in data:
        raise InstanceFormatError("not a results file (binary data); expected JSON Lines", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InstanceFormatError(f"not a results file (invalid UTF-8 at byte {exc.start}); expected JSON Lines", path=path) from None
    lines = text.split("\n")
    tail = lines.pop()  # "" when the file ends with a newline
    required = ()
    if complete:
        from .cell import SCHEMA_KEYS as required
    records = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        records.append(_parse(line, path, i, required))
    partial = None
    if tail.strip():
        try:
            records.append(_parse(tail, path, len(lines) + 1, required))
        except InstanceFormatError:
            partial = tail
    return records, partial


#: sweep records carry no ``schema`` field; other tables written through the sweep runner name theirs
SWEEP_SCHEMA = "reluhard.sweep/1"


def _schema_keys(schema, path, lineno):
    """The fields every complete record of table kind ``schema`` holds (``reluhard.bench/1``: the bench schema)."""
    if schema.startswith("reluhard.bench/"):
        import importlib

        cell = importlib.import_module("reluhard.bench.cell")  # the bench table kind owns its schema
        if schema == cell.SCHEMA:
            return cell.SCHEMA_KEYS
    raise InstanceFormatError(f"record of unknown table kind {schema[:40]!r}", path=path, line=lineno)


def _parse(line, path, lineno, required=()):
    try:
        rec = json.loads(line)
    except RecursionError:
        raise InstanceFormatError("not a JSON record (nested too deeply)", path=path, line=lineno) from None
    except ValueError as exc:
        raise InstanceFormatError(f"not a JSON record ({getattr(exc, 'msg', None) or ' '.join(str(exc).split())[:80]})", path=path, line=lineno) from None
    if not isinstance(rec, dict) or "cell_id" not in rec:
        raise InstanceFormatError("a results record must be a JSON object with a cell_id", path=path, line=lineno)
    for key, typ in _FIELD_TYPES.items():
        if key in rec and not isinstance(rec[key], typ) and not (rec[key] is None and key not in ("cell_id", "params", "options")):
            raise InstanceFormatError(f"record field {key} must be a {typ.__name__}, got {type(rec[key]).__name__}", path=path, line=lineno)
    if required and isinstance(rec.get("schema"), str) and rec["schema"] != SWEEP_SCHEMA:
        required = _schema_keys(rec["schema"], path, lineno)  # a record of another table kind (e.g. reluhard bench)
    missing = [k for k in required if k not in rec]
    if missing:
        raise InstanceFormatError(f"record lacks field(s) {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}", path=path, line=lineno)
    return rec


def latest_by_cell(records):
    """One record per cell id (the last one written), in first-seen order."""
    out = {}
    for rec in records:
        out[rec["cell_id"]] = rec
    return list(out.values())


def prepare_output(path, *, resume=False, overwrite=False):
    """Make ``path`` ready for appending and return the set of finished cell ids.

    Parameters
    ----------
    resume : bool
        Keep the existing records and skip their cells; a partial last line is
        removed (atomic rewrite).
    overwrite : bool
        Start from an empty file.

    Raises
    ------
    InvalidParameterError
        The file exists, is not empty, and neither ``resume`` nor ``overwrite`` is set.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory; give the results file's path (e.g. DIR/results.jsonl)", str(path))
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.stat().st_size == 0 or overwrite:
        with atomic_write(path) as fh:
            fh.write("")
        return set()
    if not resume:
        raise InvalidParameterError(f"{path} already holds results: pass --resume to continue it or --overwrite to start again")
    records, partial = read_records(path)
    if partial is not None or not path.read_bytes().endswith(b"\n"):
        with atomic_write(path) as fh:
            for rec in records:
                fh.write(json.dumps(rec) + "\n")
    return {rec["cell_id"] for rec in records}


class RecordWriter:
    """Append records to a JSON Lines file: one line each, flushed and fsynced.

    A context manager; ``write`` returns nothing and raises only on I/O errors.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._fh = open(self.path, "a", encoding="utf-8")
        self.count = 0

    def write(self, record):
        self._fh.write(json.dumps(record, allow_nan=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.count += 1

    def close(self):
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def flatten_record(rec):
    """One flat dict of scalars per record (the Parquet row)."""
    flat = {}
    for key, val in rec.items():
        if key == "params":
            flat.update({f"param_{k}": v for k, v in val.items()})
        elif key == "options":
            flat.update({f"option_{k}": (v if isinstance(v, (int, float, bool)) else str(v)) for k, v in val.items()})
        elif key == "fits":
            for m, f in val.items():
                flat.update({f"fit_{m}_{k}": v for k, v in f.items()})
        elif key == "checks":
            flat.update({f"check_{k}": bool(v) for k, v in val.items()})
        elif isinstance(val, (dict, list)):
            flat[key] = json.dumps(val, sort_keys=True)
        else:
            flat[key] = val
    return flat


def export_parquet(records, path):
    """Write the flattened records to a Parquet file (needs pyarrow: ``pip install 'reluhard[sweep]'``).

    Columns are the union over records; a cell without a column has null.
    A column whose values mix strings and numbers is stored as strings.
    """
    from reluhard.solvers.base import require

    pa = require("pyarrow", "pyarrow")
    pq = require("pyarrow.parquet", "pyarrow")
    rows = [flatten_record(r) for r in records]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    arrays = {}
    for c in cols:
        vals = [r.get(c) for r in rows]
        kinds = {type(v) for v in vals if v is not None}
        if kinds == {int, float}:
            vals = [None if v is None else float(v) for v in vals]
        elif len(kinds) > 1:
            vals = [None if v is None else (json.dumps(v) if not isinstance(v, str) else v) for v in vals]
        arrays[c] = pa.array(vals)
    table = pa.table(arrays) if cols else pa.table({"cell_id": pa.array([], pa.string())})
    with atomic_write(path, "wb") as fh:
        pq.write_table(table, fh)
    return table.num_rows
