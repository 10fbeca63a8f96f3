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
import zipfile
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from ..errors import InstanceFormatError
from .atomic import atomic_write

__all__ = ["FORMAT_VERSION", "save_training_set", "load_training_set", "describe", "dumps_meta"]

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
                buf = io.BytesIO()
                np.lib.format.write_array(buf, np.asanyarray(arrays[key]), allow_pickle=False)
                info = zipfile.ZipInfo(key + ".npy", date_time=_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, buf.getvalue(), compresslevel=1)  # fast deflate: 10^6-clause sets in seconds


def load_training_set(path, *, raw=False):
    """Read a training set.

    Returns
    -------
    X : scipy.sparse.csr_matrix (float64)
    y : ndarray (float64)
    sample_weight : ndarray (float64)
    meta : dict

    Raises
    ------
    InstanceFormatError
        Not a zip/npz, missing keys, inconsistent shapes, bad meta JSON,
        non-finite values or non-positive weights.
    """
    path = str(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in _KEYS if k not in z.files]
            if missing:
                raise InstanceFormatError(f"not a reluhard training set: missing key(s) {', '.join(missing)}", path=path)
            fmt = str(z["format"])
            if fmt != "csr":
                raise InstanceFormatError(f"X must be stored as csr, found {fmt!r}", path=path)
            shape = tuple(int(s) for s in z["shape"])
            has_raw = all(k in z.files for k in _RAW_KEYS)
            data_key, y_key = ("raw_data", "raw_y") if (raw and has_raw) else ("data", "y")
            X = sp.csr_matrix((z[data_key], z["indices"], z["indptr"]), shape=shape)
            y = np.array(z[y_key], dtype=np.float64)
            c = np.array(z["sample_weight"], dtype=np.float64)
            meta_text = str(z["meta"])
    except InstanceFormatError:
        raise
    except FileNotFoundError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError, TypeError) as exc:
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
    except ValueError as exc:
        raise InstanceFormatError(f"meta is not valid JSON ({_short(exc)})", path=path) from None
    X = X.astype(np.float64)
    if not raw and not has_raw and int(meta.get("format_version", 1)) < 2:
        X, y = normalise(X, y, meta)  # version 1: data were stored unscaled
    return X, y, c, meta


def normalise(X, y, meta):
    """Apply meta['scale'] (exact squared factors) to the raw arrays."""
    scale = meta.get("scale") or {}
    xs = Fraction(scale.get("x_sq", "1"))
    ys = Fraction(scale.get("y_sq", "1"))
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
