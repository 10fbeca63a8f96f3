"""``reluhard check my_pkg.mod:RED``: property-test a reduction against the reduction contract."""

from ._common import print_json

NAME = "check"
HELP = "property-test a reduction (registered name or package.module:ATTR) on random tiny instances; exit 1 on a counterexample"


def add_arguments(p):
    p.add_argument("reduction", metavar="REDUCTION", help="a registered reduction name or package.module:ATTRIBUTE")
    p.add_argument("--instances", type=int, default=200, help="random source instances (default 200)")
    p.add_argument("--max-n", type=int, default=6, help="largest number of variables / vertices (default 6)")
    p.add_argument("--seed", type=int, default=0, help="seed of the instance stream (default 0)")
    p.add_argument("--time-limit", type=float, default=10.0, help="budget of each exact solve, seconds (default 10)")
    p.add_argument("--no-shrink", action="store_true", help="report counterexamples as found, without shrinking")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args):
    from reluhard.errors import InvalidParameterError
    from reluhard.testing import check_reduction, load_reduction

    if args.instances < 1 or args.max_n < 1 or not args.time_limit > 0:
        raise InvalidParameterError("--instances and --max-n must be >= 1 and --time-limit > 0")
    import sys

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
