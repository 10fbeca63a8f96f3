"""``reluhard sweep``: a grid of generated instances x reductions x fitters x seeds through ``verify``."""

from ._common import add_reduction_options, count, method_list, positive_seconds, seeds_spec

NAME = "sweep"
HELP = "run verify over a grid of generated instances (JSON Lines results table; --resume; local or dask)"
DESCRIPTION = (
    "Run verify on every cell of a grid (generator parameters x reductions x reduction options x seeds) "
    "and append one record per cell to a JSON Lines table. Grid from a TOML file (--spec) and/or flags; "
    "a list is 'a,b,c', a range 'start:stop:step' (inclusive). Exit 1 if any cell violates a certified bound."
)

_GRID_FLAGS = (
    ("n", "number of variables / vertices"),
    ("ratio", "clause (edge) ratio m/n, e.g. 3.0:6.0:0.5"),
    ("m", "number of clauses / hyperedges (instead of --ratio)"),
    ("p", "edge probability (graph families)"),
    ("kappa-size", "planted set size (planted-clique / planted-dense families; grid parameter 'kappa')"),
    ("density", "planted density (planted-dense)"),
    ("B", "max occurrences of a variable (bounded-occurrence k-SAT)"),
    ("r", "hyperedge size (hypergraph family)"),
    ("planted", "true/false: planted satisfiable / 2-colourable instances"),
)


def add_arguments(p):
    from reluhard.reductions import reduction_names

    p.add_argument("--spec", metavar="FILE.toml", help="sweep description (flags override its values)")
    p.add_argument("--reduction", metavar="NAME[,NAME...]", help="reduction name(s), comma-separated: " + ", ".join(reduction_names()))
    p.add_argument("--family", metavar="NAME", help="instance family, e.g. ksat, blocks, gnp, planted-clique, planted-dense, hypergraph "
                        "('reluhard generate family --help' lists all; default by the reduction's source: "
                        "ksat for a CNF, gnp for a graph, hypergraph for a hypergraph)")
    for name, help_ in _GRID_FLAGS:
        p.add_argument(f"--{name}", dest=f"grid_{name.replace('-', '_')}", metavar="V[,V...]", help=help_)
    p.add_argument("--param", action="append", default=[], metavar="NAME=V[,V...]", help="any other family parameter (repeatable)")
    p.add_argument("--seeds", type=seeds_spec, metavar="N|a,b,c", help="N (seeds 0..N-1) or a list 'a,b,c' (default 1)")
    p.add_argument("--methods", type=method_list, metavar="M[,M...]", help="comma-separated fitters: gd, exact, orthant, miqp, smt (see 'reluhard fit --help'; default: gd)")
    p.add_argument("--restarts", type=count(1, "--restarts"), metavar="N", help="random restarts of gd; at least 1 (default: 10)")
    p.add_argument("--time-limit", type=positive_seconds, metavar="SEC", help="per-cell wall clock in seconds; the worker is killed and the cell recorded as timeout (default 20)")
    p.add_argument("--solver-time-limit", type=positive_seconds, metavar="SEC", help="budget of each solver inside a cell (default time limit / 2)")
    p.add_argument("--exact-policy", choices=("finishes", "always"), help="run exact fitters only where they finish (default) or everywhere")
    p.add_argument("--exact-max-n", type=count(1, "--exact-max-n"), metavar="N", help="largest R1 n for orthant enumeration under 'finishes' (default 13 with pruning, 8 without)")
    p.add_argument("--no-prune", dest="prune", action="store_false", default=None,
                   help="orthant enumeration without claim-(★) pruning (independent of the theorem; finishes only to n = 8)")
    p.add_argument("-j", "--jobs", type=count(1, "--jobs"), default=1, metavar="N", help="local parallel workers (joblib/loky) (default: 1)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask.distributed scheduler address tcp://host:port (cluster execution)")
    p.add_argument("-o", "--output", metavar="FILE.jsonl", help="results table (JSON Lines); required unless --dry-run")
    p.add_argument("--resume", action="store_true", help="skip cells already in the output")
    p.add_argument("--overwrite", action="store_true", help="discard an existing output")
    p.add_argument("--parquet", metavar="FILE.parquet", help="also export the whole table to Parquet (pyarrow)")
    p.add_argument("-q", "--quiet", "--no-progress", dest="no_progress", action="store_true",
                   help="no progress bar on stderr (it is shown only on a terminal anyway)")
    p.add_argument("--dry-run", action="store_true", help="list the cells and exit")
    add_reduction_options(p)


def _spec_from_args(args):
    from reluhard.errors import InvalidParameterError
    from reluhard.sweep.grid import load_spec, make_spec

    grid = {}
    for name, _ in _GRID_FLAGS:
        val = getattr(args, f"grid_{name.replace('-', '_')}")
        if val is not None:
            grid["kappa" if name == "kappa-size" else name] = val
    for item in args.param:
        if "=" not in item:
            raise InvalidParameterError(f"--param expects NAME=VALUES, got {item!r}")
        k, v = item.split("=", 1)
        grid[k.strip()] = v
    options = {k[len("ropt_"):]: v for k, v in vars(args).items() if k.startswith("ropt_") and v is not None}
    kw = {
        "family": args.family, "methods": args.methods, "seeds": args.seeds, "time_limit": args.time_limit,
        "solver_time_limit": args.solver_time_limit, "restarts": args.restarts, "prune": args.prune,
        "exact_policy": args.exact_policy, "exact_max_n": args.exact_max_n,
    }
    if args.spec:
        return load_spec(args.spec, reductions=args.reduction, grid=grid, options=options, **kw)
    if not args.reduction:
        raise InvalidParameterError("name a reduction with --reduction (or give --spec FILE.toml)")
    kw = {k: v for k, v in kw.items() if v is not None}
    if args.seeds is not None and "," in str(args.seeds):
        kw["seeds"] = [int(s) for s in str(args.seeds).split(",") if s.strip()]
    elif args.seeds is not None:
        kw["seeds"] = args.seeds
    return make_spec(reductions=args.reduction, grid=grid, options=options, **kw)


def run(args):
    import sys

    from reluhard.sweep.grid import expand_cells
    from reluhard.sweep.runner import run_sweep
    from reluhard.sweep.table import export_parquet, latest_by_cell, read_records

    spec = _spec_from_args(args)
    cells = expand_cells(spec)
    if args.dry_run:
        for c in cells:
            print(c["cell_id"], c["reduction"], c["family"], c["params"], c["options"], "seed", c["seed"])
        print(f"{len(cells)} cells", file=sys.stderr)
        return 0
    if not args.output:
        from reluhard.errors import InvalidParameterError

        raise InvalidParameterError("give the results table with -o FILE.jsonl")
    try:
        summary = run_sweep(cells, args.output, jobs=args.jobs, scheduler=args.scheduler, resume=args.resume,
                            overwrite=args.overwrite, progress=not args.no_progress and sys.stderr.isatty())
    except KeyboardInterrupt:
        print(f"reluhard sweep: interrupted; finished records are kept in {args.output} (continue with --resume)", file=sys.stderr)
        return 130
    records = latest_by_cell(read_records(args.output)[0])
    if args.parquet:
        export_parquet(records, args.parquet)
    total = {}
    for r in records:
        total[r["status"]] = total.get(r["status"], 0) + 1
    print(
        f"{summary['run']} cells run, {summary['skipped']} already done, {len(records)} records in {args.output}; "
        + ", ".join(f"{k} {v}" for k, v in sorted(total.items())),
        file=sys.stderr,
    )
    return 1 if total.get("violated") else 0
