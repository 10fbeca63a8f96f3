"""``reluhard suite build|check|svmlight DIR``: the versioned benchmark suite."""

NAME = "suite"
HELP = "build or check the benchmark suite (instances/), export training sets for scikit-learn"


_DIR_HELP = "suite folder holding manifest.json (the committed one is instances/)"


def add_arguments(p):
    from ._common import HelpFormatter, add_time_limit

    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True,
                           help="build: (re)generate; check: verify hashes and certified values; svmlight / parquet: export one row")
    b = sub.add_parser("build", help="regenerate the suite from its manifest (default recipe for new reductions)",
                       description="Regenerate every row of the suite from its manifest, byte-identically per seed.",
                       formatter_class=HelpFormatter)
    b.add_argument("folder", metavar="DIR", help=_DIR_HELP)
    b.add_argument("--large", action="store_true", help="also build the large and xlarge tiers (certified block unions / closed forms; not committed)")
    b.add_argument("--reduction", metavar="NAME[,NAME...]", help="only these reductions (default: all)")
    b.add_argument("--tiers", metavar="TIER[,TIER...]", help="only (re)build these tiers, e.g. hard,lowdim; other rows stay as they are")
    add_time_limit(b, 120.0, "seconds per combinatorial solve")
    c = sub.add_parser("check", help="recompute every sha256; re-verify the tiny tier's certified values and training sets",
                       description="Exit 0 when every file matches the manifest and every re-verified value holds, else 1.",
                       formatter_class=HelpFormatter)
    c.add_argument("folder", metavar="DIR", help=_DIR_HELP)
    c.add_argument("--hashes-only", action="store_true", help="skip the tiny tier's re-verification")
    s = sub.add_parser("svmlight", help="export one row's training set in svmlight format (sklearn load_svmlight_file)",
                       description="Write X, y in svmlight format and the sample weights beside them.",
                       formatter_class=HelpFormatter)
    s.add_argument("folder", metavar="DIR", help=_DIR_HELP)
    s.add_argument("row", metavar="ROW_ID", help="manifest row id, e.g. sat-relu/tiny/no")
    s.add_argument("-o", "--output", required=True, metavar="FILE", help="output .svmlight file (weights go to FILE.weights)")
    q = sub.add_parser("parquet", help="export one row's training set as Parquet (pyarrow; one row per point, meta in the schema)",
                       description="Write one row's training set as a Parquet table.", formatter_class=HelpFormatter)
    q.add_argument("folder", metavar="DIR", help=_DIR_HELP)
    q.add_argument("row", metavar="ROW_ID", help="manifest row id, e.g. sat-relu/medium/no")
    q.add_argument("-o", "--output", required=True, metavar="FILE", help="output .parquet file")


def run(args):
    import sys

    from reluhard import suite

    if args.action == "build":
        reds = None if not args.reduction else [r.strip() for r in args.reduction.split(",") if r.strip()]
        tiers = None if not args.tiers else [t.strip() for t in args.tiers.split(",") if t.strip()]
        rows = suite.build_suite(args.folder, large=args.large, reductions=reds, tiers=tiers, time_limit=args.time_limit,
                                 log=lambda m: print(m, file=sys.stderr))
        from pathlib import Path

        print(f"{sum(1 for r in rows if r.get('built'))} rows built, manifest {Path(args.folder) / suite.MANIFEST}")
        return 0
    if args.action == "check":
        problems = suite.check_suite(args.folder, reverify=not args.hashes_only, log=print)
        for p in problems:
            print(f"PROBLEM {p}")
        return 1 if problems else 0
    from pathlib import Path

    from reluhard.errors import InvalidParameterError
    from reluhard.suite import read_manifest, to_svmlight

    rows = {r["id"]: r for r in read_manifest(args.folder)["rows"]}
    if args.row not in rows:
        raise InvalidParameterError(f"no suite row {args.row!r}; known: {', '.join(sorted(rows))}")
    if not rows[args.row].get("built"):
        raise InvalidParameterError(f"{args.row} is not built here (large tier: run 'reluhard suite build --large')")
    npz = next(f for f in rows[args.row]["files"] if f.endswith(".npz"))
    if args.action == "parquet":
        from reluhard.datasets import to_parquet

        print(to_parquet(Path(args.folder) / npz, args.output))
        return 0
    for path in to_svmlight(Path(args.folder) / npz, args.output):
        print(path)
    return 0
