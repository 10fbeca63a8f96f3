"""``reluhard check my_pkg.mod:RED``: property-test a reduction against the reduction contract."""

from ._common import add_json, add_seed, add_time_limit, count, print_json

NAME = "check"
HELP = "property-test a reduction (registered name or package.module:ATTR) on random tiny instances; exit 1 on a counterexample"


def add_arguments(p):
    p.add_argument("reduction", metavar="REDUCTION", help="a registered reduction name or package.module:ATTRIBUTE")
    p.add_argument("--instances", type=count(1, "--instances"), default=200, metavar="N",
                   help="random source instances (default: 200)")
    p.add_argument("--max-n", type=count(1, "--max-n"), default=6, metavar="N",
                   help="largest number of variables / vertices (default: 6)")
    add_seed(p, 0, "instance stream")
    add_time_limit(p, 10.0, "seconds of each exact solve")
    p.add_argument("--no-shrink", action="store_true", help="report counterexamples as found, without shrinking")
    add_json(p)


def run(args):
    import sys

    from reluhard.testing import check_reduction, load_reduction

    red = load_reduction(args.reduction)

    def progress(line):  # stderr, only on a terminal: --json output stays clean
        print(f"\r{line:<60}", end="", file=sys.stderr, flush=True)

    rep = check_reduction(red, instances=args.instances, max_n=args.max_n, seed=args.seed, time_limit=args.time_limit,
                          shrink=not args.no_shrink, log=progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(rep.to_json())
    else:
        print(rep.format())
    return 0 if rep.ok else 1
