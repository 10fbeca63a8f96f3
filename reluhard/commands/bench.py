"""``reluhard bench``: training-algorithm baselines on the suite, gap to the certified optimum."""

NAME = "bench"
HELP = "benchmark training algorithms (L-BFGS, SGD, Adam, learner, exact, MIQP, plug-ins) on the suite and the hard family"
DESCRIPTION = (
    "Run each algorithm from public data only (X, y, sample_weight, seed, budget, k: no meta, no answer key, "
    "no structured starts) on every built suite row and/or the on-the-fly 'hard' family (planted 3-SAT through "
    "sat-relu, min L = n certified), and append one record per (instance, algorithm, seed) with the loss "
    "recomputed from the returned weights and its gap to the certified optimum or lower bound. Exit 1 if an "
    "algorithm's loss is below a certified lower bound. Render with 'reluhard report' and 'reluhard plot'."
)


def _ints(text):
    return [int(v) for v in text.split(",") if v.strip()]


def add_arguments(p):
    from reluhard.bench.algorithms import ALGORITHMS

    from ._common import count, positive_number, positive_seconds

    p.add_argument("--suite", metavar="DIR", help="benchmark every built row of the suite in DIR (e.g. instances/)")
    p.add_argument("--tiers", metavar="TIER,...", help="only these suite tiers (comma-separated, e.g. tiny,medium)")
    p.add_argument("--reductions", metavar="NAME,...", help="only these reductions (comma-separated)")
    p.add_argument("--hard", metavar="N,N,...", help="add the hard family (planted R1) at these numbers of variables")
    p.add_argument("--hard-seeds", type=count(1, "--hard-seeds"), default=3, metavar="S", help="instances per size of the hard family (seeds 0..S-1; default 3)")
    p.add_argument("--hard-ratio", type=positive_number, default=4.26, metavar="M/N", help="clause ratio of the hard family (default 4.26)")
    p.add_argument("--algorithms", default="lbfgs,adam,sgd,learner", metavar="NAME,...",
                   help=f"comma-separated: {', '.join(ALGORITHMS)}, or a plug-in module:function (default lbfgs,adam,sgd,learner)")
    p.add_argument("--seeds", type=count(1, "--seeds"), default=5, metavar="S", help="algorithm seeds 0..S-1 per (instance, algorithm) (default 5)")
    p.add_argument("--budget", type=positive_seconds, default=30.0, metavar="SEC", help="seconds per run (default 30)")
    p.add_argument("--no-early-stop", dest="early_stop", action="store_false",
                   help="spend the whole budget even after reaching a certified optimum (default: stop at the target)")
    p.add_argument("-o", "--output", required=True, metavar="BENCH.jsonl", help="results table (JSON Lines, resumable)")
    p.add_argument("--parquet", metavar="FILE", help="also write the table as Parquet")
    p.add_argument("--jobs", type=count(1, "--jobs"), default=1, metavar="N", help="parallel local workers (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask.distributed scheduler address instead of local workers")
    p.add_argument("--resume", action="store_true", help="skip cells already in the output")
    p.add_argument("--overwrite", action="store_true", help="discard an existing output")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")


def run(args):
    import sys

    from reluhard.bench import BoundViolation, hard_specs, run_bench, suite_specs
    from reluhard.errors import InvalidParameterError

    from ._common import print_json

    specs = []
    if args.suite:
        specs += suite_specs(args.suite, tiers=args.tiers.split(",") if args.tiers else None,
                             reductions=args.reductions.split(",") if args.reductions else None)
    if args.hard:
        if args.hard_seeds < 1:
            raise InvalidParameterError(f"--hard-seeds must be >= 1, got {args.hard_seeds}")
        specs += hard_specs(_ints(args.hard), range(args.hard_seeds), ratio=args.hard_ratio)
    if not args.suite and not args.hard:
        raise InvalidParameterError("give --suite DIR and/or --hard N,N,...")
    algorithms = [a.strip() for a in args.algorithms.split(",") if a.strip()]
    try:
        summary = run_bench(specs, algorithms, args.output, seeds=args.seeds, budget=args.budget, jobs=args.jobs,
                            scheduler=args.scheduler, resume=args.resume, overwrite=args.overwrite,
                            progress=sys.stderr.isatty() and not args.json, early_stop=args.early_stop)
    except BoundViolation as exc:
        print(f"reluhard bench: certified bound violated: {exc}", file=sys.stderr)
        return 1
    if args.parquet:
        from reluhard.sweep.table import export_parquet, latest_by_cell, read_records

        export_parquet(latest_by_cell(read_records(args.output)[0]), args.parquet)
    if args.json:
        print_json(summary)
    else:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(summary["status_counts"].items()))
        print(f"{summary['run']} cells run ({counts or 'none'}), {summary['skipped']} already done, "
              f"{summary['seconds']:.1f} s -> {summary['output']}")
    return 0
