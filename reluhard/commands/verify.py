"""``reluhard verify INPUT --reduction NAME``: the whole chain on one instance, every claim checked."""

from ._common import (
    INPUT_HELP, add_input, add_json, add_quiet, add_reduction_arg, add_reduction_options, add_restarts, add_seed,
    add_time_limit, collect_options, kappa_from_meta, method_list, print_json, progress, read_input,
)

NAME = "verify"
HELP = "solve both sides of a reduction on one instance and check every certified claim (exit 0 ok, 1 violated, 3 inconclusive)"
DESCRIPTION = (
    "Solve the source instance exactly (RC2 / SCIP / SAT), apply the reduction, fit the training set with the "
    "chosen fitters, and check soundness_bound <= minimum <= completeness_loss and the decoder guarantee.\n"
    "Exit codes: 0 every claim holds, 1 a certified bound is violated, 2 bad input, 3 inconclusive (a solve "
    "ran out of time)."
)


def add_arguments(p):
    add_input(p, INPUT_HELP)
    add_reduction_arg(p, positional=False)
    p.add_argument("--methods", type=method_list, default=None, metavar="M[,M...]",
                   help="comma-separated fitters among gd, exact, orthant, miqp, smt (see 'reluhard fit --help'); "
                        "default: exact where it finishes, and gd")
    add_time_limit(p, 60.0, "seconds per exact solve")
    add_restarts(p, 30)
    add_seed(p, 0, "gradient-fit restarts")
    p.add_argument("--prune", action="store_true", help="orthant pruning by claim (★) (faster; rests on the theorem)")
    p.add_argument("--key", default=None, metavar="KEY.json",
                   help="answer key of this source: its witnesses are put back into the instance's metadata (never used unless given)")
    p.add_argument("--certify", default=None, metavar="CERT.json",
                   help="also write the certificate bundle 'reluhard certify INPUT --reduction R' writes (proofs beside it)")
    add_json(p)
    add_quiet(p)
    add_reduction_options(p)


def run(args):
    from reluhard.reductions import get_reduction
    from reluhard.verify import format_report, verify

    red = get_reduction(args.reduction)
    options = collect_options(args, red)
    if args.certify:
        from .certify import check_verify_target

        check_verify_target(args.input, red)
    inst = read_input(args.input, red.source_kind)
    if args.key:
        from reluhard.answer_key import read_key, restore_source_witnesses
        from reluhard.errors import InvalidParameterError
        from reluhard.io.instances import instance_sha256

        key = read_key(args.key)
        if key.get("source_sha256") != instance_sha256(inst, red.source_kind):
            raise InvalidParameterError(f"answer key {args.key} belongs to another source instance (sha256 mismatch)")
        restore_source_witnesses(inst, key)
    if "kappa" in red.option_names():
        options = kappa_from_meta(inst, options)
    methods = None if args.methods is None else [m.strip() for m in args.methods.split(",") if m.strip()]
    # the pipeline shows its stages: the source side (against --time-limit), then the fits (one per
    # method; gd restarts, exact sign cells and z3 patterns inside)
    with progress(quiet=args.quiet):
        rep = verify(inst, red, options=options, methods=methods, time_limit=args.time_limit, restarts=args.restarts,
                     seed=args.seed, prune=args.prune)
    rep["answer_key"] = args.key
    if args.certify:
        from .certify import write_for_verify

        rep["certificate"] = write_for_verify(args.input, args.certify, red, options, time_limit=args.time_limit)
    if args.json:
        print_json(rep)
    else:
        print(f"answer key: {args.key} (source witnesses restored)" if args.key else "answer key: none used")
        print(format_report(rep))
        if args.certify:
            c = rep["certificate"]
            print(f"certificate          {c['file']} ({', '.join(c['claims'])})" if c["file"] else f"certificate          not written: {c['inconclusive']}")
    return rep["exit_code"]
