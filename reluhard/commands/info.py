"""``reluhard info FILE``: metadata and statistics of an instance or training-set file.

The kind is taken from the suffix (``.cnf[.gz|.xz|.bz2]``, ``.clq``/``.col``,
``.edgelist``/``.edges``/``.txt``, ``.hgr``, ``.npz``), else sniffed from the
first header line (``p cnf`` / ``p edge`` / ``p hypergraph``).
"""

import json
import sys
from pathlib import Path

from reluhard.errors import InstanceFormatError

NAME = "info"
HELP = "show the metadata and statistics of an instance or training-set file"
DESCRIPTION = (
    "Print the 'reluhard' metadata of a file this tool wrote (pretty-printed JSON) and statistics of any "
    "DIMACS CNF, DIMACS graph / edge list or .hgr file (counts, clause widths, tautologies, duplicates, density)."
)

_LIST_PREVIEW = 12


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE",
                        help="instance (.cnf[.gz|.xz|.bz2], .clq/.col, .edgelist, .hgr) or training set (.npz); '-' reads stdin")
    parser.add_argument("--format", choices=("hgr", "hmetis"), default="hgr",
                        help="hypergraph dialect: hgr = ours ('p hypergraph N M'), hmetis = hMETIS/KaHyPar (default: hgr)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (full metadata, no abbreviation)")


def _kind(path):
    name = path.name.lower()
    for suffix in (".gz", ".xz", ".bz2"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    suffix = Path(name).suffix
    known = {".cnf": "cnf", ".clq": "graph", ".col": "graph", ".dimacs": "graph", ".edgelist": "graph",
             ".edges": "graph", ".txt": "graph", ".hgr": "hypergraph", ".npz": "npz"}
    if suffix in known:
        return known[suffix]
    from reluhard.io.dimacs import open_text

    for line in open_text(path).splitlines():
        parts = line.split()
        if parts and parts[0] == "p" and len(parts) > 1:
            return {"cnf": "cnf", "edge": "graph", "col": "graph", "hypergraph": "hypergraph"}.get(parts[1], "unknown")
    raise InstanceFormatError("cannot tell the file kind (no known suffix and no 'p' header line)", path=path)


def _cnf_stats(path):
    from reluhard.io.dimacs import cnf_sha256, read_cnf

    cnf, info = read_cnf(path)
    used = {abs(lit) for clause in cnf.clauses for lit in clause}
    stats = {"kind": "DIMACS CNF", "variables": info["n_vars"], "clauses": info["n_clauses"],
             "unused_variables": info["n_vars"] - len(used),
             "clause_widths": info["width_histogram"], "empty_clauses": info["empty_clauses"],
             "tautologies": info["tautologies"], "clauses_with_repeated_literals": info["repeated_literals"],
             "duplicate_clauses": info["duplicate_clauses"], "sha256": cnf_sha256(cnf)}
    if info["trailer_line"] is not None:
        stats["trailer"] = f"'%' end marker on line {info['trailer_line']}"
    return stats, info["meta"]


def _graph_stats(path):
    from reluhard.io.graphs import graph_format_of, graph_sha256, read_graph

    G = read_graph(path, fmt=graph_format_of(path) or "dimacs")
    n, e = G.number_of_nodes(), G.number_of_edges()
    degrees = [d for _, d in G.degree()]
    stats = {"kind": "graph", "vertices": n, "edges": e, "density": (2 * e / (n * (n - 1))) if n > 1 else 0.0,
             "min_degree": min(degrees, default=0), "max_degree": max(degrees, default=0), "sha256": graph_sha256(G)}
    return stats, G.graph.get("reluhard")


def _hypergraph_stats(path, fmt):
    from collections import Counter

    from reluhard.io.hgr import hypergraph_sha256, read_hgr

    H = read_hgr(path, format=fmt)
    sizes = Counter(len(e) for e in H.edges)
    stats = {"kind": "hypergraph", "vertices": H.n_vertices, "hyperedges": H.n_edges,
             "edge_sizes": dict(sorted(sizes.items())), "duplicate_hyperedges": H.n_edges - len(set(H.edges)),
             "sha256": hypergraph_sha256(H)}
    return stats, H.meta or None


def _abbreviate(obj):
    if isinstance(obj, dict):
        return {k: _abbreviate(v) for k, v in obj.items()}
    if isinstance(obj, list) and len(obj) > _LIST_PREVIEW:
        return [_abbreviate(v) for v in obj[:_LIST_PREVIEW]] + [f"... ({len(obj)} items)"]
    return obj


def run(args):
    from ._common import read_source

    with read_source(args.file, ".stdin") as real:  # no known suffix: the kind is sniffed from the header
        return _run(args, Path(real), args.file)


def _npz_json(path):
    from reluhard.io.npz import load_training_set

    X, y, c, meta = load_training_set(path, raw=True)
    return {"kind": "training set", "samples": int(X.shape[0]), "features": int(X.shape[1]), "non_zeros": int(X.nnz),
            "total_weight": float(c.sum()), "label_min": float(y.min()) if y.size else 0.0,
            "label_max": float(y.max()) if y.size else 0.0}, meta


def _run(args, path, shown):
    if not path.exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    kind = _kind(path)
    if kind == "npz":
        try:
            from reluhard.io import npz
        except ImportError:
            print(f"reluhard: error: {path}: .npz support (reluhard.io.npz) is not available", file=sys.stderr)
            return 2
        if args.json:
            from ._common import print_json

            stats, meta = _npz_json(path)
            print_json({"file": str(shown), **stats, "meta": meta})
            return 0
        print(npz.describe(path))
        return 0
    if kind == "cnf":
        stats, meta = _cnf_stats(path)
    elif kind == "graph":
        stats, meta = _graph_stats(path)
    elif kind == "hypergraph":
        stats, meta = _hypergraph_stats(path, args.format)
    else:
        raise InstanceFormatError("unknown 'p' header type; expected cnf, edge, col or hypergraph", path=path)
    if args.json:
        from ._common import jsonable

        print(json.dumps(jsonable({"file": str(shown), **stats, "meta": meta}), indent=2, sort_keys=True, allow_nan=False))
        return 0
    print(f"file: {shown}")
    for key, value in stats.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
        elif isinstance(value, float):
            value = f"{value:.6g}"
        print(f"{key.replace('_', ' ')}: {value}")
    if meta:
        print("reluhard metadata:")
        print(json.dumps(_abbreviate(meta), indent=2, sort_keys=True))
    else:
        print("reluhard metadata: none (not written by reluhard)")
    return 0
