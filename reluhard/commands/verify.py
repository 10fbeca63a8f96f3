"""``reluhard verify INPUT --reduction NAME``: the whole chain on one instance, every claim checked."""

from ._common import add_reduction_options, collect_options, print_json

NAME = "verify"
HELP = "solve both sides of a reduction on one instance and check every certified claim (exit 0 ok, 1 violated, 3 inconclusive)"


def add_arguments(p):
    from reluhard.reductions import reduction_names

    p.add_argument("input", metavar="INPUT")
    p.add_argument("--reduction", required=True, help="one of: " + ", ".join(reduction_names()))
    p.add_argument("--methods", default=None, help="comma-separated fitters (default: exact where it finishes, and gd)")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds per exact solve")
    p.add_argument("--restarts", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--prune", action="store_true", help="orthant pruning by claim (★) (faster; rests on the theorem)")
    p.add_argument("--key", default=None, metavar="KEY.json",
                   help="answer key of this source: its witnesses are put back into the instance's metadata (never used unless given)")
    p.add_argument("--json", action="store_true")
    add_reduction_options(p)


def run(args):
    from reluhard.io.instances import read_instance
    from reluhard.reductions import get_reduction
    from reluhard.verify import format_report, verify

    red = get_reduction(args.reduction)
    options = collect_options(args, red)
    inst = read_instance(args.input, red.source_kind)
    if args.key:
        from reluhard.answer_key import read_key, restore_source_witnesses
        from reluhard.errors import InvalidParameterError
        from reluhard.io.instances import instance_sha256

        key = read_key(args.key)
        if key.get("source_sha256") != instance_sha256(inst, red.source_kind):
            raise InvalidParameterError(f"answer key {args.key} belongs to another source instance (sha256 mismatch)")
        restore_source_witnesses(inst, key)
    methods = None if args.methods is None else [m.strip() for m in args.methods.split(",") if m.strip()]
    rep = verify(inst, red, options=options, methods=methods, time_limit=args.time_limit, restarts=args.restarts, seed=args.seed, prune=args.prune)
    rep["answer_key"] = args.key
    if args.json:
        print_json(rep)
    else:
        print(f"answer key: {args.key} (source witnesses restored)" if args.key else "answer key: none used")
        print(format_report(rep))
    return rep["exit_code"]
