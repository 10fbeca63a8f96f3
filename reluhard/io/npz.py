"""Training sets as one ``.npz`` file.

Layout (format version 2, ``docs/formats.md`` ".npz"): the keys ``data``,
``indices``, ``indptr``, ``shape``, ``format`` exactly as
:func:`scipy.sparse.save_npz` writes a CSR matrix (so ``scipy.sparse.load_npz``
reads X), plus ``y``, ``sample_weight`` (float64) and ``meta`` (a JSON string).
``data``/``y`` hold what a user trains on: for a training set with a
``scale`` (normalised variants) the *normalised* floats
X * sqrt(x_sq), y * sqrt(y_sq); the exact unscaled values are kept in the extra
members ``raw_data`` (same sparsity pattern as ``data``) and ``raw_y``, and the
exact squared factors in meta ``scale`` = {"x_sq": "p/q", "y_sq": "p/q"}.
The file is written atomically and deterministically (fixed zip timestamps,
sorted JSON keys): the same training set gives the same bytes.

Meta keys (conventions §10): ``format_version``, ``reduction``, ``options``,
``source`` {kind, sha256, meta}, ``certificate``, ``bounds``, ``scale``,
``box``, ``claim``, ``npz_layout``. A training set written by ``reduce`` holds
no witness: those live in the answer key (:mod:`reluhard.answer_key`).
:func:`load_training_set` returns the normalised arrays unless ``raw=True``
(then the exact unscaled ones). Version-1 files (``data`` = unscaled values,
normalised on load) are still read.
"""

import io
import json
import os
import stat
import zipfile
import zlib

import numpy as np
import scipy.sparse as sp

from ..errors import InstanceFormatError
from .atomic import atomic_write

__all__ = ["FORMAT_VERSION", "save_training_set", "load_training_set", "training_set_shape", "describe", "dumps_meta"]

FORMAT_VERSION = 2
_KEYS = ("data", "indices", "indptr", "shape", "format", "y", "sample_weight", "meta")
_RAW_KEYS = ("raw_data", "raw_y")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def dumps_meta(meta):
    """Canonical JSON for meta (sorted keys, no NaN)."""
    return json.dumps(meta, sort_keys=True, separators=(",", ":"), allow_nan=False)


def save_training_set(path, X, y, sample_weight, meta):
    """Write a training set atomically and byte-deterministically.

    Parameters
    ----------
    path : str or Path
    X : sparse matrix (converted to CSR float64), the *unscaled* data
    y, sample_weight : array-like of float
    meta : dict, JSON-serialisable; ``format_version`` and ``npz_layout`` are added.
        With a ``scale`` entry, ``data``/``y`` are stored scaled and the given
        arrays go to ``raw_data``/``raw_y``.
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    X.sort_indices()
    y = np.asarray(y, dtype=np.float64)
    meta = dict(meta)
    meta["format_version"] = FORMAT_VERSION
    Xs, ys = normalise(X, y, meta)
    scaled = Xs is not X or ys is not y
    meta["npz_layout"] = ("data/y = normalised floats (what to train on); raw_data/raw_y = unscaled exact values; meta.scale = exact squared factors"
                          if scaled else "data/y = the training data (no scale)")
    arrays = {
        "data": Xs.data,
        "indices": X.indices,
        "indptr": X.indptr,
        "shape": np.array(X.shape),
        "format": np.array("csr"),
        "y": np.asarray(ys, dtype=np.float64),
        "sample_weight": np.asarray(sample_weight, dtype=np.float64),
        "meta": np.array(dumps_meta(meta)),
    }
    keys = _KEYS
    if scaled:
        arrays["raw_data"] = X.data
        arrays["raw_y"] = y
        keys = _KEYS + _RAW_KEYS
    with atomic_write(path, "wb") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for key in keys:
                _write_member(zf, key, np.asanyarray(arrays[key]))


def _write_member(zf, key, array):
    """One ``KEY.npy`` member, deflated at level 1 (10^6-clause sets in seconds).

    The .npy header and the array's bytes are streamed into the member (no
    in-memory copy of the .npy file); the bytes equal those of
    ``zf.writestr(info, <the .npy file>, compresslevel=1)``.
    """
    info = zipfile.ZipInfo(key + ".npy", date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info._compresslevel = 1  # what writestr(compresslevel=1) sets
    if array.ndim > 1 or array.dtype.hasobject:  # (never written here) the general writer
        buf = io.BytesIO()
        np.lib.format.write_array(buf, array, allow_pickle=False)
        zf.writestr(info, buf.getvalue(), compresslevel=1)
        return
    if not array.flags.c_contiguous:  # 0-d / 1-d: C order is what write_array writes
        array = array.copy(order="C")
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(head, np.lib.format.header_data_from_array_1_0(array))
    with zf.open(info, mode="w") as dest:
        dest.write(head.getvalue())
        if array.size:
            dest.write(array.reshape(-1).view(np.uint8))


def _members(path, cap):
    """The zip directory of ``path``: refuse members whose declared sizes exceed ``cap`` (zip bombs)."""
    zf = zipfile.ZipFile(path)
    try:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise InstanceFormatError("corrupt .npz: duplicate member names", path=path)
        total = sum(i.file_size for i in infos)
        if total > cap:
            raise InstanceFormatError(
                f"members expand to {total} bytes, above the limit of {cap}; raise it with max_input_bytes= or RELUHARD_MAX_INPUT_BYTES",
                path=path,
            )
    except BaseException:
        zf.close()
        raise
    return zf


#: dtype kinds allowed per member: real numbers for the arrays, unicode for the text keys
_KINDS = {"data": "fiu", "indices": "iu", "indptr": "iu", "shape": "iu", "y": "fiu", "sample_weight": "fiu", "format": "U", "meta": "U",
          "raw_data": "fiu", "raw_y": "fiu"}


def _read_member(zf, key, path):
    with zf.open(key + ".npy") as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise InstanceFormatError(f"member {key}: unsupported .npy version {version}", path=path)
        if dtype.hasobject or dtype.kind not in _KINDS[key]:
            raise InstanceFormatError(f"member {key} has dtype {dtype.str} ({'complex' if dtype.kind == 'c' else 'not allowed'}); expected {_KINDS[key]!r} kinds", path=path)
        need = int(np.prod(shape, dtype=object)) * dtype.itemsize
        info = zf.getinfo(key + ".npy")
        if need > info.file_size:
            raise InstanceFormatError(f"member {key}: header declares {need} bytes but the member holds {info.file_size}", path=path)
    with zf.open(key + ".npy") as fh:
        return np.lib.format.read_array(fh, allow_pickle=False)


def load_training_set(path, *, raw=False, max_input_bytes=None):
    """Read a training set, checking sizes before reading and meta against :mod:`reluhard.io.schema`.

    Parameters
    ----------
    path : str or Path
    raw : bool
        Return the stored (integer) arrays without ``meta['scale']``.
    max_input_bytes : int, optional
        Limit of the members' total decompressed size (from the zip
        directory, checked before anything is read); default
        ``RELUHARD_MAX_INPUT_BYTES`` or 1 GiB.

    Returns
    -------
    X : scipy.sparse.csr_matrix (float64)
    y : ndarray (float64)
    sample_weight : ndarray (float64)
    meta : dict

    Raises
    ------
    InstanceFormatError
        Not a zip/npz, members too large, missing keys, complex or object
        dtypes, inconsistent shapes, bad meta JSON or schema (including a
        ``format_version`` newer than ours), non-finite values or
        non-positive weights.
    """
    from .atomic import note_input
    from .limits import limits
    from .schema import validate_meta

    cap = limits(max_input_bytes=max_input_bytes).max_input_bytes
    path = str(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise InstanceFormatError("not a regular file (device, FIFO, ...); refused", path=path)
        note_input(path)
        with _members(path, cap) as zf:
            missing = [k for k in _KEYS if k + ".npy" not in zf.namelist()]
            if missing:
                raise InstanceFormatError(f"not a reluhard training set: missing key(s) {', '.join(missing)}", path=path)
            names = set(zf.namelist())
            has_raw = all(k + ".npy" in names for k in _RAW_KEYS)
            z = {k: _read_member(zf, k, path) for k in (_KEYS + _RAW_KEYS if has_raw else _KEYS)}
        fmt = str(z["format"])
        if fmt != "csr":
            raise InstanceFormatError(f"X must be stored as csr, found {_short(fmt)!r}", path=path)
        shape = tuple(int(s) for s in np.asarray(z["shape"]).ravel())
        if len(shape) != 2 or not all(0 <= s < 2**31 for s in shape):
            raise InstanceFormatError(f"shape must be two integers in 0..2^31-1, got {_short(shape)}", path=path)
        data_key, y_key = ("raw_data", "raw_y") if (raw and has_raw) else ("data", "y")
        X = sp.csr_matrix((z[data_key], z["indices"], z["indptr"]), shape=shape)
        y = np.array(z[y_key], dtype=np.float64)
        c = np.array(z["sample_weight"], dtype=np.float64)
        meta_text = str(z["meta"])
    except (InstanceFormatError, FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError, TypeError, zlib.error, NotImplementedError, OverflowError) as exc:
        raise InstanceFormatError(f"corrupt or unreadable .npz ({_short(exc)})", path=path) from None
    try:
        X.check_format(full_check=True)
    except ValueError as exc:
        raise InstanceFormatError(f"corrupt sparse matrix ({_short(exc)})", path=path) from None
    if y.shape != (shape[0],) or c.shape != (shape[0],):
        raise InstanceFormatError(
            f"X has {shape[0]} rows but y has {y.shape[0] if y.ndim else 0} and sample_weight {c.shape[0] if c.ndim else 0}",
            path=path,
        )
    if not (np.isfinite(X.data).all() and np.isfinite(y).all() and np.isfinite(c).all()):
        raise InstanceFormatError("non-finite values in X, y or sample_weight", path=path)
    if c.size and c.min() <= 0:
        raise InstanceFormatError("sample weights must be positive", path=path)
    try:
        meta = json.loads(meta_text)
        if not isinstance(meta, dict):
            raise ValueError("meta is not an object")
    except RecursionError:
        raise InstanceFormatError("meta JSON is nested too deeply", path=path) from None
    except ValueError as exc:
        raise InstanceFormatError(f"meta is not valid JSON ({_short(exc)})", path=path) from None
    validate_meta(meta, path=path, n_features=shape[1])
    X = X.astype(np.float64)
    if not raw and not has_raw and int(meta.get("format_version", 1)) < 2:
        X, y = normalise(X, y, meta)  # version 1: data were stored unscaled
    return X, y, c, meta


def training_set_shape(path, *, max_input_bytes=None):
    """(samples, features) of a training set file from its ``shape`` member alone (no array is read).

    For messages such as the one line of ``reduce``; :func:`load_training_set`
    is the reader that checks the whole file. Raises InstanceFormatError for a
    file that is not a zip, has no ``shape`` member or a malformed one.
    """
    from .limits import limits

    cap = limits(max_input_bytes=max_input_bytes).max_input_bytes
    path = str(path)
    try:
        with _members(path, cap) as zf:
            if "shape.npy" not in zf.namelist():
                raise InstanceFormatError("not a reluhard training set: missing key(s) shape", path=path)
            shape = tuple(int(s) for s in np.asarray(_read_member(zf, "shape", path)).ravel())
    except (InstanceFormatError, FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError, TypeError, zlib.error, NotImplementedError, OverflowError) as exc:
        raise InstanceFormatError(f"corrupt or unreadable .npz ({_short(exc)})", path=path) from None
    if len(shape) != 2 or not all(0 <= s < 2**31 for s in shape):
        raise InstanceFormatError(f"shape must be two integers in 0..2^31-1, got {_short(shape)}", path=path)
    return shape


def normalise(X, y, meta):
    """Apply meta['scale'] (exact squared factors) to the raw arrays."""
    from .schema import parse_rational

    scale = meta.get("scale") or {}
    xs = parse_rational(scale.get("x_sq", "1"))
    ys = parse_rational(scale.get("y_sq", "1"))
    if xs != 1:
        X = X * float(np.sqrt(float(xs)))
    if ys != 1:
        y = y * float(np.sqrt(float(ys)))
    return X, y


def describe(path):
    """A human-readable summary of a training set file (for ``reluhard info``)."""
    X, y, c, meta = load_training_set(path, raw=True)
    lines = [
        f"training set: {X.shape[0]} samples, {X.shape[1]} features, {X.nnz} non-zeros",
        f"total weight: {c.sum():g}; labels in [{y.min() if y.size else 0:g}, {y.max() if y.size else 0:g}]",
    ]
    for key in ("reduction", "variant", "options", "source", "certificate", "bounds", "scale", "box", "eps", "claim"):
        if key in meta:
            val = meta[key]
            if key == "source" and isinstance(val, dict):
                val = {k: v for k, v in val.items() if k != "meta"}
            lines.append(f"{key}: {json.dumps(val, sort_keys=True)}")
    return "\n".join(lines)


def _short(exc):
    return " ".join(str(exc).split())[:200] or type(exc).__name__
