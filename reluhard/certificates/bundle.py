"""The certificate bundle: one JSON file naming the instance, the claims and the proof files beside it.

Layout (``format_version`` 1; docs/certificates.md)::

    {"format": "reluhard-certificate", "format_version": 1,
     "instance": {"file": "phi.cnf", "kind": "cnf", "sha256": "<of the file's bytes>",
                  "canonical_sha256": "<of the canonical instance>"},
     "claims": {"satisfiable": {...}, "min_unsat": {...}, "max_occurrence": {...},
                "max_edges": {...}, "colourable": {...}, "loss_bounds": {...}},
     "files": {"<name>": "<sha256>", ...}}

Paths are relative to the bundle's folder. Every file the bundle refers to
(instance and proofs) is listed in ``files`` with its sha256.
"""

import json
import os
from pathlib import Path

from reluhard.errors import InstanceFormatError, ReluhardError
from reluhard.io.atomic import sha256_file

__all__ = ["FORMAT", "FORMAT_VERSION", "CertificateError", "CertificateRefused", "file_sha256", "load_bundle", "write_bundle", "proof_name"]

FORMAT = "reluhard-certificate"
FORMAT_VERSION = 1
#: a bundle JSON larger than this is refused as bad input
MAX_BUNDLE_BYTES = 1 << 30


class CertificateError(ReluhardError):
    """Base of the certificate errors."""


class CertificateRefused(CertificateError):
    """The generator will not certify the requested claim (it is false, or a solver disagrees with its proof)."""


file_sha256 = sha256_file  # the one file hash (reluhard.io.atomic)


def proof_name(bundle_path, claim, index=None):
    """File name of a claim's proof beside the bundle: ``<stem>.<claim>[.<i>].drup.gz``."""
    stem = Path(bundle_path).name
    if stem.endswith(".json"):
        stem = stem[: -len(".json")]
    return f"{stem}.{claim}{'' if index is None else '.' + str(index)}.drup.gz"


def relative_to_bundle(bundle_path, target):
    folder = Path(bundle_path).resolve().parent
    return os.path.relpath(Path(target).resolve(), folder)


def write_bundle(path, bundle):
    from reluhard.io.atomic import atomic_write

    with atomic_write(path, "w") as fh:
        json.dump(bundle, fh, indent=1, sort_keys=False)
        fh.write("\n")


def load_bundle(path):
    """Read and shape-check a bundle; bad input raises InstanceFormatError."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BUNDLE_BYTES:
        raise InstanceFormatError(f"certificate larger than {MAX_BUNDLE_BYTES} bytes", path=path)
    try:
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InstanceFormatError(f"not a JSON certificate ({exc})", path=path) from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise InstanceFormatError(f"not a reluhard certificate (format must be {FORMAT!r})", path=path)
    if obj.get("format_version") != FORMAT_VERSION:
        raise InstanceFormatError(f"unsupported certificate format_version {obj.get('format_version')!r}", path=path)
    inst = obj.get("instance")
    if not isinstance(inst, dict) or not isinstance(inst.get("file"), str) or inst.get("kind") not in ("cnf", "graph", "hypergraph"):
        raise InstanceFormatError("certificate 'instance' must name a file and a kind (cnf, graph, hypergraph)", path=path)
    if not isinstance(obj.get("claims"), dict) or not obj["claims"]:
        raise InstanceFormatError("certificate has no claims", path=path)
    if not isinstance(obj.get("files"), dict):
        raise InstanceFormatError("certificate 'files' must map file names to sha256", path=path)
    return obj
