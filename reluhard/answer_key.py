"""Questions apart from answers: public training sets and their answer keys.

A training set written by ``reluhard reduce`` (and every suite file) carries
the data, the reduction's name and options, the public *claim* (YES value, NO
bound, eps, the promise in words) and the source instance's hash, and **no
witness**. Witnesses — a planted or optimal assignment, a planted vertex set,
a colouring, the intended network — go to a separate answer key
(``T.key.json`` beside ``T.npz``, or ``--key-out``), which names the public
file by its sha256. ``fit``/``verify`` use a key only when given ``--key``.

Key file (JSON, format ``reluhard-answer-key`` version 1)::

    {"format": "reluhard-answer-key", "version": 1,
     "training_set": {"file": "T.npz", "sha256": "<sha256 of the public file's bytes>"},
     "source_sha256": "<the source instance hash also stored in the public meta>",
     "reduction": "sat-relu",
     "witness": [..] | null,            # source witness (DIMACS assignment, 0-based set, 0/1 colouring)
     "network": {...} | null,           # the intended network (Network.to_json) = lift(witness)
     "removed": [{"path": ["source", "meta", "certificate", "assignment"], "value": [...]}, ...]}

``removed`` lists every witness taken out of the meta, so the original meta
is :func:`restore_witnesses` (public meta, key) exactly.
"""

import copy
import json
from pathlib import Path

from reluhard.errors import InstanceFormatError, InvalidParameterError

__all__ = [
    "WITNESS_KEYS",
    "KEY_FORMAT",
    "split_witnesses",
    "restore_witnesses",
    "find_witnesses",
    "key_path_for",
    "make_key",
    "write_key",
    "read_key",
    "set_instance_meta",
    "public_instance",
    "source_meta",
    "restore_source_witnesses",
]

KEY_FORMAT = "reluhard-answer-key"
#: dict keys whose list / dict values are witnesses (a bool like params.planted = true is not)
WITNESS_KEYS = frozenset({"assignment", "set", "colouring", "coloring", "planted", "planted_set", "witness", "network", "model"})


def _is_witness(key, value):
    return key in WITNESS_KEYS and isinstance(value, (list, dict)) and len(value) > 0


def find_witnesses(obj, path=()):
    """Paths (tuples of keys) of every witness-valued entry in a JSON-like object."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if _is_witness(k, v):
                out.append(path + (k,))
            else:
                out.extend(find_witnesses(v, path + (k,)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(find_witnesses(v, path + (i,)))
    return out


def split_witnesses(meta):
    """(public meta without witnesses, [{"path", "value"}] of what was removed)."""
    public = copy.deepcopy(meta)
    removed = []
    for p in find_witnesses(public):
        parent = public
        for k in p[:-1]:
            parent = parent[k]
        removed.append({"path": list(p), "value": parent.pop(p[-1])})
    return public, removed


def restore_witnesses(public, key):
    """The original meta: public meta with the key's removed entries put back."""
    meta = copy.deepcopy(public)
    for item in key.get("removed", []):
        parent = meta
        for k in item["path"][:-1]:
            parent = parent[k]
        parent[item["path"][-1]] = item["value"]
    return meta


def key_path_for(npz_path):
    """``T.npz`` -> ``T.key.json`` beside it."""
    p = Path(npz_path)
    stem = p.name[:-4] if p.name.endswith(".npz") else p.name
    return p.with_name(stem + ".key.json")


def make_key(*, training_set_file, training_set_sha256, source_sha256, reduction, witness, network, removed):
    """The answer-key object (see the module docstring)."""
    return {
        "format": KEY_FORMAT,
        "version": 1,
        "training_set": {"file": Path(training_set_file).name, "sha256": training_set_sha256},
        "source_sha256": source_sha256,
        "reduction": reduction,
        "witness": witness,
        "network": network,
        "removed": removed,
    }


def write_key(path, key):
    """Write a key atomically (canonical JSON, sorted keys: same key, same bytes)."""
    from reluhard.io import atomic_write

    with atomic_write(path) as fh:
        fh.write(json.dumps(key, sort_keys=True, separators=(",", ":")) + "\n")
    return str(path)


def read_key(path, *, training_set=None):
    """Read an answer key; with ``training_set`` (a path), check that it is this file's key.

    Raises
    ------
    InstanceFormatError
        Not JSON or not an answer key.
    InvalidParameterError
        The key belongs to another training set (sha256 mismatch).
    """
    try:
        key = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InstanceFormatError("no such answer key", path=path) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InstanceFormatError(f"answer key is not JSON ({' '.join(str(exc).split())[:120]})", path=path) from None
    if not isinstance(key, dict) or key.get("format") != KEY_FORMAT or not isinstance(key.get("training_set"), dict):
        raise InstanceFormatError(f"not a reluhard answer key (expected format {KEY_FORMAT!r})", path=path)
    if training_set is not None:
        from reluhard.suite import sha256_file

        have = sha256_file(training_set)
        want = key["training_set"].get("sha256")
        if have != want:
            raise InvalidParameterError(
                f"answer key {path} belongs to a training set with sha256 {str(want)[:12]}..., "
                f"{training_set} has {have[:12]}...")
    return key


# ---------------------------------------------------------------- source instances

def set_instance_meta(inst, meta):
    """Replace the ``reluhard`` metadata of a CNF (comment line), graph (attribute) or hypergraph (``.meta``), in place."""
    graph = getattr(inst, "graph", None)
    if isinstance(graph, dict):
        graph["reluhard"] = meta
    elif hasattr(inst, "comments"):
        from reluhard.io._meta import meta_line

        inst.comments = [c for c in (inst.comments or []) if not c.lstrip("c").strip().startswith("reluhard ")] + [meta_line(meta)]
    else:
        object.__setattr__(inst, "meta", meta)  # Hypergraph is a frozen dataclass
    return inst


def source_meta(inst):
    """The ``reluhard`` metadata of any source instance (CNF, networkx graph, Hypergraph), as a new dict."""
    from reluhard.structures.cnf import instance_meta

    if hasattr(inst, "n_vertices") and not isinstance(getattr(inst, "graph", None), dict):
        return dict(getattr(inst, "meta", None) or {})
    return instance_meta(inst)


def public_instance(inst):
    """(the instance with its metadata stripped of witnesses, the removed entries); the input is not changed."""
    pub = inst.copy() if isinstance(getattr(inst, "graph", None), dict) else copy.copy(inst)  # CNFs refuse deepcopy
    meta, removed = split_witnesses(source_meta(inst))
    return set_instance_meta(pub, meta), removed


def restore_source_witnesses(inst, key):
    """Put the key's source witnesses (paths under ``source.meta``) back into an instance's metadata, in place."""
    meta = source_meta(inst)
    sub = {"removed": [{"path": it["path"][2:], "value": it["value"]} for it in key.get("removed", [])
                       if list(it["path"][:2]) == ["source", "meta"]]}
    return set_instance_meta(inst, restore_witnesses(meta, sub))
