"""The hostile-input corpus: every case is generated here (no binary files are kept in the repository).

Each :class:`Case` is a CLI call on freshly generated files that must fail
cleanly: exit 2, one stderr line naming the input (``name``) and the problem
(``expect``), no traceback, no output or temp file left, within the memory and
time budget of :mod:`tests.hostile.harness`.

Run ``python tests/hostile/corpus.py OUTDIR`` to write the files of every case
to ``OUTDIR/<case id>/`` (for trying them by hand).
"""

import bz2
import gzip
import io
import json
import lzma
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["Case", "cases"]


@dataclass
class Case:
    """One hostile CLI call. ``{d}`` in ``argv``/``name`` is the case's folder."""

    id: str
    category: str
    files: dict
    argv: list
    expect: str
    name: str = None  # what the one error line must name; default: the first file
    env: dict = field(default_factory=dict)
    stdin: str = None  # a file of the case fed to standard input
    stdout: str = None  # e.g. "/dev/full"
    inject: str = None  # fault injected in the CLI process: "enospc-fsync", "enospc-write" (data), "eio-replace"
    outputs: list = field(default_factory=list)  # paths that must not exist afterwards

    def to_json(self):
        return {
            "id": self.id, "argv": self.argv, "env": self.env, "stdin": self.stdin, "stdout": self.stdout,
            "inject": self.inject,
        }


# ---------------------------------------------------------------- builders of file contents

def _npz(meta=None, *, data=None, indices=None, indptr=None, shape=None, y=None, w=None, fmt="csr", drop=(), extra=None,
         allow_pickle=False):
    """A training-set .npz (as reluhard writes it), with any member replaced."""
    base = {"format_version": 1, "reduction": "sat-relu"}
    meta = base if meta is None else meta
    arrays = {
        "data": np.array([1.0, 2.0]) if data is None else data,
        "indices": np.array([0, 1], dtype=np.int32) if indices is None else indices,
        "indptr": np.array([0, 1, 2], dtype=np.int32) if indptr is None else indptr,
        "shape": np.array([2, 2]) if shape is None else shape,
        "format": np.array(fmt),
        "y": np.array([0.0, 1.0]) if y is None else y,
        "sample_weight": np.array([1.0, 1.0]) if w is None else w,
        "meta": np.array(meta if isinstance(meta, str) else json.dumps(meta)),
    }
    arrays.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            if key in drop:
                continue
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=allow_pickle)
            zf.writestr(key + ".npy", member.getvalue())
    return buf.getvalue()


def _deep(n):
    return "[" * n + "]" * n


GOOD_CNF = b"p cnf 3 2\n1 -2 3 0\n-1 2 -3 0\n"
GOOD_CLQ = b"p edge 4 3\ne 1 2\ne 2 3\ne 3 4\n"
GOOD_HGR = b"p hypergraph 4 2\n1 2 3\n2 3 4\n"


def _cnf_cases():
    out = []

    def add(cid, data, expect, name="f.cnf", env=None, **kw):
        out.append(Case(cid, "cnf", {name: data}, ["reduce", "sat-relu", "{d}/" + name, "-o", "{d}/out.npz"], expect,
                        env=env or {}, outputs=["{d}/out.npz"], **kw))

    big = "9" * 30
    add("cnf-header-n-beyond-int64", f"p cnf {big} 1\n1 0\n".encode(), "above the limit")
    add("cnf-header-m-beyond-int64", f"p cnf 3 {big}\n1 0\n".encode(), "above the limit")
    add("cnf-header-n-huge-legal", b"p cnf 1099511627776 1\n1 0\n", "above the limit")
    add("cnf-header-n-5000-digits", ("p cnf " + "7" * 5000 + " 1\n1 0\n").encode(), "above the limit")
    add("cnf-literal-beyond-int64", f"p cnf 3 1\n1 {big} 0\n".encode(), "out of range")
    add("cnf-literal-minus-2-63", b"p cnf 3 1\n1 -9223372036854775808 0\n", "out of range")
    add("cnf-literal-2-63", b"p cnf 3 1\n9223372036854775808 0\n", "out of range")
    add("cnf-literal-2-64", b"p cnf 3 1\n-18446744073709551616 0\n", "out of range")
    add("cnf-literal-out-of-range", b"p cnf 3 1\n1 4 0\n", "literal 4 out of range")
    add("cnf-nbsp-separator", "p cnf 3 1\n1\u00a02 0\n".encode(), "non-ASCII")
    add("cnf-fullwidth-digit", "p cnf 3 1\n1 \uff12 0\n".encode(), "non-ASCII")
    add("cnf-em-space-header", "p cnf\u20033 1\n1 0\n".encode(), "malformed header")
    add("cnf-plus-sign", b"p cnf 3 1\n1 +2 0\n", "non-integer token")
    add("cnf-lone-minus", b"p cnf 3 1\n1 - 0\n", "non-integer token")
    add("cnf-float-token", b"p cnf 3 1\n1 2.0 0\n", "non-integer token")
    add("cnf-infix-minus", b"p cnf 3 1\n1-2 0\n", "non-integer token")
    add("cnf-nul-bytes", b"p cnf 3 1\n1 \x00\x00 0\n", "non-integer token")
    add("cnf-random-binary", bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)), "")
    add("cnf-utf16", "p cnf 3 1\n1 0\n".encode("utf-16"), "")
    add("cnf-empty-file", b"", "missing 'p cnf")
    add("cnf-missing-header", b"c only\n1 2 0\n", "before the 'p cnf' header")
    add("cnf-duplicate-header", b"p cnf 3 1\np cnf 3 1\n1 0\n", "duplicate 'p cnf'")
    add("cnf-header-extra-field", b"p cnf 3 1 7\n1 0\n", "malformed header")
    add("cnf-header-plus", b"p cnf +3 1\n1 0\n", "malformed header")
    add("cnf-header-negative", b"p cnf 3 -1\n", "malformed header")
    add("cnf-count-mismatch", b"p cnf 3 2\n1 0\n", "declares 2 clauses but the file has 1")
    add("cnf-unterminated", b"p cnf 3 1\n1 2", "not terminated by 0")
    add("cnf-after-trailer", b"p cnf 3 1\n1 0\n%\n0\n1 0\n", "after the '%' end marker")
    add("cnf-meta-deep", ("c reluhard " + _deep(100000) + "\np cnf 1 0\n").encode(), "nested")
    add("cnf-meta-5000-digit-int", ('c reluhard {"a":' + "1" * 5000 + "}\np cnf 1 0\n").encode(), "metadata JSON")
    add("cnf-meta-broken", b'c reluhard {"a": \np cnf 1 0\n', "malformed 'reluhard' metadata")
    add("cnf-meta-not-object", b"c reluhard [1]\np cnf 1 0\n", "must be a JSON object")
    add("cnf-meta-twice", b"c reluhard {}\nc reluhard {}\np cnf 1 0\n", "second")
    add("cnf-huge-clause-echo", b"p cnf 3 1\n" + b"4 " * 1_000_000 + b"0\n", "out of range")
    add("cnf-huge-token-echo", b"p cnf 3 1\n1 " + b"x" * 100_000 + b" 0\n", "non-integer token")
    add("cnf-clause-too-wide", b"p cnf 3 1\n1 2 3 1 2 3 0\n", "above the limit", env={"RELUHARD_MAX_WIDTH": "5"})
    add("cnf-vars-above-env-limit", b"p cnf 11 1\n1 0\n", "above the limit of 10", env={"RELUHARD_MAX_VARS": "10"})
    add("cnf-size-above-env-limit", GOOD_CNF + b"c " + b"x" * 4096 + b"\n", "larger than the limit",
        env={"RELUHARD_MAX_INPUT_BYTES": "1024"})
    out.append(Case("cnf-env-limit-garbage", "cnf", {"f.cnf": GOOD_CNF}, ["info", "{d}/f.cnf"], "must be a positive integer",
                    name="RELUHARD_MAX_INPUT_BYTES", env={"RELUHARD_MAX_INPUT_BYTES": "lots"}))
    # compressed streams
    add("cnf-gz-not-gzip", b"not gzip at all", "cannot decompress", name="f.cnf.gz")
    add("cnf-gz-truncated", gzip.compress(GOOD_CNF * 50, mtime=0)[:40], "cannot decompress", name="f.cnf.gz")
    corrupt = bytearray(gzip.compress(GOOD_CNF * 50, mtime=0))
    corrupt[20:30] = b"\xff" * 10
    add("cnf-gz-corrupt-deflate", bytes(corrupt), "cannot decompress", name="f.cnf.gz")
    add("cnf-gz-bomb", gzip.compress(b" " * (8 << 20), mtime=0), "larger than the limit", name="f.cnf.gz",
        env={"RELUHARD_MAX_INPUT_BYTES": str(1 << 20)})
    add("cnf-xz-corrupt", lzma.compress(GOOD_CNF)[:-8] + b"\0" * 8, "cannot decompress", name="f.cnf.xz")
    add("cnf-xz-bomb", lzma.compress(b"c" * (8 << 20)), "larger than the limit", name="f.cnf.xz",
        env={"RELUHARD_MAX_INPUT_BYTES": str(1 << 20)})
    add("cnf-bz2-corrupt", b"BZh9" + b"\x31\x41\x59\x26\x53\x59" + b"\0" * 30, "cannot decompress", name="f.cnf.bz2")
    add("cnf-bz2-bomb", bz2.compress(b" " * (8 << 20)), "larger than the limit", name="f.cnf.bz2",
        env={"RELUHARD_MAX_INPUT_BYTES": str(1 << 20)})
    add("cnf-gz-inner-bad", gzip.compress(b"p cnf 3 1\n1 x 0\n", mtime=0), "non-integer token", name="f.cnf.gz")
    # info on the same files (a second entry point)
    out.append(Case("cnf-info-beyond-int64", "cnf", {"f.cnf": f"p cnf 3 1\n1 {big} 0\n".encode()},
                    ["info", "{d}/f.cnf"], "out of range"))
    out.append(Case("cnf-info-gz-corrupt", "cnf", {"f.cnf.gz": b"\x1f\x8bjunkjunkjunk"}, ["info", "{d}/f.cnf.gz"], "cannot decompress"))
    out.append(Case("cnf-device-node", "cnf", {}, ["reduce", "sat-relu", "/dev/zero", "-o", "{d}/out.npz"],
                    "not a regular file", name="/dev/zero", outputs=["{d}/out.npz"]))
    out.append(Case("cnf-stdin-bad-token", "cnf", {"in.cnf": b"p cnf 3 1\n1 2 x 0\n"},
                    ["reduce", "sat-relu", "-", "-o", "{d}/out.npz"], "non-integer token", name="<stdin>", stdin="in.cnf",
                    outputs=["{d}/out.npz"]))
    out.append(Case("cnf-stdin-gz-bomb", "cnf", {"in.gz": gzip.compress(b" " * (8 << 20), mtime=0)},
                    ["reduce", "sat-relu", "-", "-o", "{d}/out.npz"], "larger than the limit", name="<stdin>", stdin="in.gz",
                    env={"RELUHARD_MAX_INPUT_BYTES": str(1 << 20)}, outputs=["{d}/out.npz"]))
    out.append(Case("cnf-missing-file", "cnf", {}, ["reduce", "sat-relu", "{d}/nope.cnf", "-o", "{d}/out.npz"],
                    "No such file", name="{d}/nope.cnf", outputs=["{d}/out.npz"]))
    return out


def _graph_cases():
    out = []

    def add(cid, data, expect, name="g.clq", argv=None, env=None):
        argv = argv or ["reduce", "dks-relu", "{d}/" + name, "--kappa", "2", "-o", "{d}/out.npz"]
        out.append(Case(cid, "graph", {name: data}, argv, expect, env=env or {}, outputs=["{d}/out.npz"]))

    big = "9" * 30
    add("clq-header-n-beyond-int64", f"p edge {big} 0\n".encode(), "above the limit")
    add("clq-header-n-huge", b"p edge 100000000 0\n", "above the limit")
    add("clq-header-m-beyond-int64", f"p edge 3 {big}\n".encode(), "above the limit")
    add("clq-vertex-beyond-int64", f"p edge 3 1\ne 1 {big}\n".encode(), "out of range")
    add("clq-vertex-out-of-range", b"p edge 3 1\ne 1 4\n", "out of range")
    add("clq-vertex-zero", b"p edge 3 1\ne 0 1\n", "out of range")
    add("clq-self-loop", b"p edge 3 1\ne 2 2\n", "self-loop")
    add("clq-duplicate-edge", b"p edge 3 2\ne 1 2\ne 2 1\n", "duplicate edge")
    add("clq-nbsp", "p edge 3 1\ne 1\u00a02\n".encode(), "non-ASCII")
    add("clq-fullwidth", "p edge 3 1\ne 1 \uff12\n".encode(), "non-ASCII")
    add("clq-unknown-line", b"p edge 3 1\nx 1 2\n", "unknown line type")
    add("clq-malformed-edge", b"p edge 3 1\ne 1\n", "malformed edge line")
    add("clq-edge-before-header", b"e 1 2\np edge 3 1\n", "before the 'p edge' header")
    add("clq-missing-header", b"c nothing\n", "missing 'p edge")
    add("clq-duplicate-header", b"p edge 3 0\np edge 3 0\n", "duplicate 'p edge'")
    add("clq-count-mismatch", b"p edge 3 2\ne 1 2\n", "declares 2 edges")
    add("clq-meta-deep", ("c reluhard " + _deep(50000) + "\np edge 3 0\n").encode(), "nested")
    add("clq-huge-line-echo", b"p edge 3 1\ne 1 2 " + b"7" * 200_000 + b"\n", "malformed edge line")
    add("clq-gz-corrupt", b"\x1f\x8b\x08\x00garbage", "cannot decompress", name="g.clq.gz",
        argv=["info", "{d}/g.clq.gz"])
    add("clq-n-above-env-limit", b"p edge 11 0\n", "above the limit of 10", env={"RELUHARD_MAX_VERTICES": "10"})
    add("edgelist-id-huge-no-header", b"0 123456789012\n", "above the limit", name="g.edgelist")
    add("edgelist-id-beyond-int64", f"0 {big}\n".encode(), "out of range", name="g.edgelist")
    add("edgelist-meta-n-huge", b'# reluhard {"n_vertices": 100000000000}\n0 1\n', "outside", name="g.edgelist")
    add("edgelist-negative-id", b"0 -1\n", "not a non-negative integer", name="g.edgelist")
    add("edgelist-nbsp", "0\u00a01\n".encode(), "", name="g.edgelist")
    add("edgelist-header-huge", b"# p edge 99999999999 1\n0 1\n", "above the limit", name="g.edgelist")
    add("edgelist-self-loop", b"3 3\n", "self-loop", name="g.edgelist")
    return out


def _hgr_cases():
    out = []

    def add(cid, data, expect, name="h.hgr", extra=(), env=None):
        if extra:  # hMETIS files are read by info --format hmetis
            argv = ["info", "{d}/" + name, *extra]
        else:
            argv = ["reduce", "hypergraph-krelu", "{d}/" + name, "-o", "{d}/out.npz"]
        out.append(Case(cid, "hypergraph", {name: data}, argv, expect, env=env or {}, outputs=["{d}/out.npz"]))

    big = "9" * 30
    add("hgr-header-n-beyond-int64", f"p hypergraph {big} 0\n".encode(), "above the limit")
    add("hgr-header-n-huge", b"p hypergraph 1000000000 0\n", "above the limit")
    add("hgr-id-beyond-int64-no-header", f"1 2 {big}\n".encode(), "above the limit")
    add("hgr-id-huge-no-header", b"1 2 50000000000\n", "above the limit")
    add("hgr-id-out-of-range", b"p hypergraph 3 1\n1 2 4\n", "out of range")
    add("hgr-id-zero", b"p hypergraph 3 1\n0 1 2\n", "not a positive integer")
    add("hgr-repeated-vertex", b"p hypergraph 3 1\n1 1 2\n", "repeats a vertex")
    add("hgr-nbsp", "p hypergraph 3 1\n1\u00a02 3\n".encode(), "non-ASCII")
    add("hgr-count-mismatch", b"p hypergraph 3 2\n1 2 3\n", "declares 2 hyperedges")
    add("hgr-late-header", b"1 2 3\np hypergraph 3 1\n", "after the first hyperedge")
    add("hgr-malformed-header", b"p hypergraph 3\n", "malformed header")
    add("hgr-wide-edge", b"p hypergraph 9 1\n1 2 3 4 5 6 7 8 9\n", "above the limit", env={"RELUHARD_MAX_WIDTH": "4"})
    add("hgr-hmetis-weighted", b"1 3 1\n1 2 3\n", "weighted", extra=("--format", "hmetis"))
    add("hgr-hmetis-huge", f"1 {big}\n1 2 3\n".encode(), "above the limit", extra=("--format", "hmetis"))
    add("hgr-meta-deep", ("c reluhard " + _deep(50000) + "\np hypergraph 3 0\n").encode(), "nested")
    return out


def _npz_cases():
    out = []

    def add(cid, data, expect, cmd="info", env=None):
        argv = ["info", "{d}/t.npz"] if cmd == "info" else ["fit", "{d}/t.npz", "--method", "gd", "--restarts", "1"]
        out.append(Case(cid, "npz", {"t.npz": data}, argv, expect, env=env or {}))

    add("npz-not-zip", b"PK\x03\x04 this is not a zip", "corrupt or unreadable")
    add("npz-truncated", _npz()[:100], "corrupt or unreadable")
    add("npz-empty", b"", "corrupt or unreadable")
    bomb = _npz(extra={"padding": np.zeros(4 << 20)})  # 32 MB of zeros, a few kB on disk
    add("npz-zip-bomb", bomb, "above the limit", env={"RELUHARD_MAX_INPUT_BYTES": str(1 << 20)})
    add("npz-missing-key", _npz(drop=("y",)), "missing key")
    add("npz-complex-data", _npz(data=np.array([1 + 2j, 2.0])), "complex")
    add("npz-complex-y", _npz(y=np.array([1j, 0.0])), "complex")
    add("npz-object-pickle", _npz(y=np.array([{"a": 1}, 2], dtype=object), allow_pickle=True), "dtype")
    add("npz-format-not-csr", _npz(fmt="csc"), "must be stored as csr")
    add("npz-shape-negative", _npz(shape=np.array([-2, 2])), "shape must be")
    add("npz-shape-huge", _npz(shape=np.array([2, 2**40])), "shape must be")
    add("npz-shape-3d", _npz(shape=np.array([2, 2, 2])), "shape must be")
    add("npz-indices-out-of-range", _npz(indices=np.array([0, 7], dtype=np.int32)), "corrupt")
    add("npz-y-length", _npz(y=np.array([1.0])), "rows but y has")
    add("npz-nonfinite", _npz(y=np.array([np.nan, 1.0])), "non-finite")
    add("npz-weight-negative", _npz(w=np.array([1.0, -1.0])), "must be positive")
    add("npz-meta-not-json", _npz("{not json"), "not valid JSON")
    add("npz-meta-list", _npz("[1, 2]"), "not valid JSON")
    add("npz-meta-deep", _npz('{"format_version": 1, "x": ' + _deep(100000) + "}"), "nested")
    add("npz-meta-depth-40", _npz('{"format_version": 1, "x": ' + _deep(40) + "}"), "nested")
    add("npz-future-version", _npz({"format_version": 99}), "newer than this reluhard")
    add("npz-version-string", _npz({"format_version": "1"}), "format_version must be an integer")
    add("npz-no-version", _npz({"reduction": "sat-relu"}), "no format_version")
    add("npz-scale-x-sq-abc", _npz({"format_version": 1, "scale": {"x_sq": "abc"}}), "meta.scale.x_sq")
    add("npz-scale-x-sq-1-0", _npz({"format_version": 1, "scale": {"x_sq": "1/0"}}), "zero denominator")
    add("npz-scale-negative", _npz({"format_version": 1, "scale": {"x_sq": "-1"}}), "must be > 0")
    add("npz-scale-huge", _npz({"format_version": 1, "scale": {"y_sq": "1" + "0" * 400}}), "float range")
    add("npz-scale-string", _npz({"format_version": 1, "scale": "abc"}), "meta.scale must be an object")
    add("npz-k-abc", _npz({"format_version": 1, "k": "abc"}), "meta.k must be an integer")
    add("npz-k-zero", _npz({"format_version": 1, "k": 0}), "meta.k must be in")
    add("npz-bounds-string", _npz({"format_version": 1, "bounds": "abc"}), "meta.bounds must be an object")
    add("npz-bound-not-rational", _npz({"format_version": 1, "bounds": {"soundness_bound": "1.5"}}), "exact rational")
    add("npz-box-bad", _npz({"format_version": 1, "box": [[0, "x", 1]]}), "meta.box")
    add("npz-box-empty", _npz({"format_version": 1, "box": []}), "meta.box", cmd="fit")
    add("npz-box-low-above-high", _npz({"format_version": 1, "box": [[1, 0, 2]]}), "low 1 > high 0")
    add("npz-box-wrong-columns", _npz({"format_version": 1, "box": [[0, 1, 3]]}), "describes 3 columns but X has 2")
    add("npz-k-huge", _npz({"format_version": 1, "k": 10**12}), "meta.k must be in", cmd="fit")
    add("npz-options-list", _npz({"format_version": 1, "options": [1]}), "meta.options must be an object")
    add("npz-fit-complex", _npz(data=np.array([1 + 2j, 2.0])), "complex", cmd="fit")
    return out


def _write_cases():
    cnf = {"in.cnf": GOOD_CNF}
    ro = Case("write-read-only-target", "write", dict(cnf, **{"ro.cnf": b"keep me\n"}),
              ["generate", "ksat", "-n", "5", "-m", "5", "--seed", "1", "-o", "{d}/ro.cnf"], "read-only", name="{d}/ro.cnf")
    ro.files_mode = {"ro.cnf": 0o444}
    return [
        Case("write-device-node", "write", {}, ["generate", "ksat", "-n", "5", "-m", "5", "--seed", "1", "-o", "/dev/null"],
             "not a regular file", name="/dev/null"),
        Case("write-dev-full", "write", {}, ["generate", "ksat", "-n", "5", "-m", "5", "--seed", "1", "-o", "/dev/full"],
             "not a regular file", name="/dev/full"),
        ro,
        Case("write-onto-input", "write", cnf, ["reduce", "sat-relu", "{d}/in.cnf", "-o", "{d}/in.cnf"], "is an input",
             name="{d}/in.cnf"),
        Case("write-missing-folder", "write", {}, ["generate", "ksat", "-n", "5", "-m", "5", "-o", "{d}/no/dir/f.cnf"],
             "does not exist", name="{d}/no/dir/f.cnf"),
        Case("write-onto-directory", "write", {"sub/keep": b""}, ["generate", "ksat", "-n", "5", "-m", "5", "-o", "{d}/sub"],
             "directory", name="{d}/sub"),
        Case("write-enospc-fsync", "write", {}, ["generate", "ksat", "-n", "5", "-m", "5", "--seed", "1", "-o", "{d}/f.cnf"],
             "No space left", name="{d}/f.cnf", inject="enospc-fsync", outputs=["{d}/f.cnf"]),
        Case("write-enospc-npz", "write", cnf, ["reduce", "sat-relu", "{d}/in.cnf", "-o", "{d}/o.npz"], "No space left",
             name="{d}/o.npz", inject="enospc-fsync", outputs=["{d}/o.npz"]),
        Case("write-eio-replace", "write", {}, ["generate", "ksat", "-n", "5", "-m", "5", "--seed", "1", "-o", "{d}/f.cnf"],
             "Input/output error", name="{d}/f.cnf", inject="eio-replace", outputs=["{d}/f.cnf"]),
        Case("write-stdout-full", "write", cnf, ["info", "{d}/in.cnf", "--json"], "No space left", name="<stdout>",
             stdout="/dev/full"),
        Case("write-stdout-full-text", "write", cnf, ["info", "{d}/in.cnf"], "No space left", name="<stdout>",
             stdout="/dev/full"),
        Case("write-enospc-data", "write", {}, ["generate", "ksat", "-n", "50", "-m", "200", "--seed", "1", "-o", "{d}/f.cnf.gz"],
             "No space left", name="{d}/f.cnf.gz", inject="enospc-write", outputs=["{d}/f.cnf.gz"]),
    ]


def _results_cases():
    binary = bytes(range(256)) * 8
    return [
        Case("report-binary", "results", {"r.jsonl": binary}, ["report", "{d}/r.jsonl"], "not a results file"),
        Case("report-gzip-bytes", "results", {"r.jsonl": gzip.compress(b'{"cell_id": 1}\n')}, ["report", "{d}/r.jsonl"],
             "not a results file"),
        Case("report-broken-line", "results", {"r.jsonl": b'\n{broken\n{"cell_id": "b"}\n'},
             ["report", "{d}/r.jsonl"], "not a JSON record"),
        Case("report-deep-record", "results", {"r.jsonl": (_deep(100000) + "\n").encode()}, ["report", "{d}/r.jsonl"],
             "nested too deeply"),
        Case("report-not-record", "results", {"r.jsonl": b"[1, 2]\n"}, ["report", "{d}/r.jsonl"], "cell_id"),
        Case("report-cell-id-int", "results", {"r.jsonl": b'{"cell_id": 1}\n'}, ["report", "{d}/r.jsonl"], "cell_id must be a str"),
        Case("report-params-string", "results", {"r.jsonl": b'{"cell_id": "a", "params": "x"}\n'}, ["report", "{d}/r.jsonl"],
             "params must be a dict"),
        Case("report-incomplete-record", "results", {"r.jsonl": b'{"cell_id": "a"}\n'}, ["report", "{d}/r.jsonl"], "lacks field"),
        Case("plot-incomplete-record", "results", {"r.jsonl": b'{"cell_id": "a", "status": "ok"}\n'},
             ["plot", "{d}/r.jsonl", "-o", "{d}/p.png"], "lacks field", outputs=["{d}/p.png"]),
        Case("report-directory", "results", {"r/keep": b""}, ["report", "{d}/r"], "directory", name="{d}/r"),
        Case("resume-binary", "results", {"r.jsonl": binary},
             ["sweep", "--reduction", "sat-relu", "--n", "4", "--ratio", "2", "--resume", "-o", "{d}/r.jsonl", "--no-progress"],
             "not a results file"),
        Case("sweep-output-directory", "results", {"r/keep": b""},
             ["sweep", "--reduction", "sat-relu", "--n", "4", "--ratio", "2", "-o", "{d}/r", "--no-progress"], "directory",
             name="{d}/r"),
    ]


def _sweep_cases():
    def spec(cid, data, expect):
        return Case(cid, "sweep", {"s.toml": data}, ["sweep", "--spec", "{d}/s.toml", "--dry-run", "-o", "{d}/r.jsonl"],
                    expect, outputs=["{d}/r.jsonl"])

    def sweep(cid, *flags, expect, name):
        return Case(cid, "sweep", {}, ["sweep", "--reduction", "sat-relu", *flags, "--dry-run", "-o", "{d}/r.jsonl"],
                    expect, name=name, outputs=["{d}/r.jsonl"])

    return [
        sweep("sweep-unbounded-range", "--n", "5", "--ratio", "0:1000000:0.000001", expect="more than", name="ratio"),
        sweep("sweep-inf-range", "--n", "5", "--ratio", "0:1e308:1e-308", expect="more than", name="ratio"),
        sweep("sweep-zero-step", "--n", "5", "--ratio", "1:2:0", expect="step must be > 0", name="ratio"),
        sweep("sweep-too-many-cells", "--n", "1:2000:1", "--ratio", "2", "--seeds", "100", expect="cells", name="grid"),
        sweep("sweep-huge-seeds", "--n", "5", "--ratio", "2", "--seeds", "100000000000", expect="above the limit", name="seeds"),
        sweep("sweep-negative-n", "--n", "-3", "--ratio", "2", expect="outside", name="n"),
        sweep("sweep-huge-n", "--n", "10000000000", "--ratio", "2", expect="outside", name="n"),
        sweep("sweep-ratio-huge", "--n", "5", "--ratio", "1e300", expect="outside", name="ratio"),
        sweep("sweep-k-above-n", "--n", "3", "--ratio", "2", "--param", "k=5", expect="must be <= n", name="k"),
        spec("sweep-spec-binary", bytes(np.random.default_rng(2).integers(0, 256, 3000, dtype=np.uint8)), "not valid TOML"),
        spec("sweep-spec-deep", ("x = " + "[" * 100000 + "]" * 100000 + "\n").encode(), "not valid TOML"),
        spec("sweep-spec-broken", b'reduction = "sat-relu\n', "not valid TOML"),
        spec("sweep-spec-unknown-key", b'reduction = "sat-relu"\nbogus = 1\n', "unknown key"),
        spec("sweep-spec-huge-range", b'reduction = "sat-relu"\n[grid]\nn = 5\nratio = {start = 0, stop = 1e6, step = 1e-6}\n',
             "more than"),
        Case("sweep-spec-device", "sweep", {}, ["sweep", "--spec", "/dev/zero", "--dry-run", "-o", "{d}/r.jsonl"],
             "not a regular file", name="/dev/zero", outputs=["{d}/r.jsonl"]),
    ]


def _suite_cases():
    return [
        Case("suite-check-corrupt-manifest", "suite", {"s/manifest.json": b'{"rows": [broken'}, ["suite", "check", "{d}/s"],
             "not JSON", name="{d}/s/manifest.json"),
        Case("suite-check-binary-manifest", "suite", {"s/manifest.json": bytes(range(256))}, ["suite", "check", "{d}/s"],
             "", name="{d}/s/manifest.json"),
        Case("suite-build-corrupt-manifest", "suite", {"s/manifest.json": b"[1, 2]"},
             ["suite", "build", "{d}/s", "--reduction", "sat-relu"], "suite manifest", name="{d}/s/manifest.json"),
    ]


def _generator_cases():
    def gen(cid, *args, expect, name):
        return Case(cid, "generator", {}, ["generate", *args, "-o", "{d}/out"], expect, name=name, outputs=["{d}/out"])

    return [
        gen("gen-ksat-m-1e10", "ksat", "-n", "10", "-m", "10000000000", expect="above the limit", name="clauses"),
        gen("gen-ksat-n-1e11", "ksat", "-n", "100000000000", "-m", "10", expect="above the limit", name="variables"),
        gen("gen-ksat-k-1e11", "ksat", "-n", "10", "-m", "10", "-k", "100000000000", expect="above the limit", name="width"),
        gen("gen-hypergraph-m-1e10", "hypergraph", "random", "-n", "10", "-m", "10000000000", expect="above the limit", name="hyperedges"),
        gen("gen-gnp-n-1e7", "graph", "-n", "10000000", "-p", "0.5", expect="above the limit", name="G(n"),
        Case("explain-var-beyond-int64", "generator", {}, ["explain", "sat-relu", "--formula", "(x1 | ~x2 | x99999999999999999999999)"],
             "explain limit", name="variable index"),
    ]


def cases():
    """Every case of the corpus (ids unique)."""
    out = _cnf_cases() + _graph_cases() + _hgr_cases() + _npz_cases() + _write_cases() + _results_cases() + _sweep_cases()
    out += _suite_cases() + _generator_cases()
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return out


def materialise(case, folder):
    """Write the case's files into ``folder``; return the argv with ``{d}`` filled in."""
    folder = Path(folder)
    for name, data in case.files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        mode = getattr(case, "files_mode", {}).get(name)
        if mode is not None:
            p.chmod(mode)
    return [a.replace("{d}", str(folder)) for a in case.argv]


if __name__ == "__main__":  # pragma: no cover - a tool for trying the corpus by hand
    root = Path(sys.argv[1])
    for c in cases():
        d = root / c.id
        d.mkdir(parents=True, exist_ok=True)
        argv = materialise(c, d)
        print(c.id, "reluhard", " ".join(argv))
