"""``reluhard certify INSTANCE [-o CERT.json] [--reduction R ...]``: write a proof-carrying certificate bundle."""

from ._common import add_reduction_options, add_time_limit, print_json

NAME = "certify"
HELP = "certify an instance's combinatorial values (and a reduction's loss bounds) with DRUP proofs checkable by check-certificate"


def add_arguments(p):
    p.add_argument("input", metavar="INSTANCE", help="CNF (.cnf[.gz|.xz|.bz2]), graph (.clq/.col/.edges/...) or hypergraph (.hgr)")
    p.add_argument("-o", "--output", required=True, metavar="CERT.json", help="bundle to write; proofs (*.drup.gz) go beside it")
    p.add_argument("--kind", choices=["cnf", "graph", "hypergraph"], default=None, help="instance kind (default: from the suffix)")
    p.add_argument("--reduction", default=None, metavar="NAME", help="also certify this reduction's loss bounds (theorem + exact rationals)")
    p.add_argument("--no-min-unsat", action="store_true", help="CNF: certify only satisfiability, not the exact min #falsified")
    add_time_limit(p, None, what="seconds for the whole generation; on expiry nothing is written (exit 3)")
    p.add_argument("--json", action="store_true", help="print the bundle")
    add_reduction_options(p)


def run(args):
    import sys

    from reluhard.certificates import certify_file, kind_of
    from reluhard.errors import BudgetExhausted, InvalidParameterError

    options = {k[len("ropt_"):]: v for k, v in vars(args).items() if k.startswith("ropt_") and v is not None}
    kind = args.kind or kind_of(args.input)
    if args.reduction is not None:
        from reluhard.reductions import get_reduction

        from ._common import collect_options

        red = get_reduction(args.reduction)
        if red.source_kind != kind:
            raise InvalidParameterError(f"reduction {red.name} takes a {red.source_kind} instance, {args.input} is a {kind}")
        options = collect_options(args, red)
    elif set(options) - {"kappa"}:
        raise InvalidParameterError(f"--{'/--'.join(sorted(set(options) - {'kappa'}))} need --reduction")
    kappa = options.get("kappa")
    try:
        bundle = certify_file(
            args.input, args.output, kind=kind, kappa=None if kappa is None else int(kappa),
            reduction=args.reduction, options=options if args.reduction else None,
            min_unsat=not args.no_min_unsat, time_limit=args.time_limit,
        )
    except BudgetExhausted as exc:
        print(f"reluhard certify: inconclusive: {exc}; nothing written", file=sys.stderr)
        return 3
    if args.json:
        print_json(bundle)
    else:
        for name, claim in bundle["claims"].items():
            val = claim.get("value", claim.get("soundness_bound"))
            print(f"{name}: {val}")
        print(f"wrote {args.output} ({len(bundle['files']) - 1} proof file(s))")
    return 0


def check_certify_target(input_path, kind, what):
    """``--certify`` of ``verify``/``solve``: the input must be a file of ``kind``, checked before anything
    runs (InvalidParameterError: exit 2). ``what`` names the expected kind's user (e.g. "reduction sat-relu")."""
    from reluhard.certificates import kind_of
    from reluhard.errors import InvalidParameterError

    if input_path in (None, "-"):
        raise InvalidParameterError("--certify needs the instance as a file (the bundle names it by path and sha256), not standard input")
    found = kind_of(input_path)
    if found != kind:
        raise InvalidParameterError(f"--certify: {what} takes a {kind} instance, {input_path} is a {found}")
    return found


def check_verify_target(input_path, red):
    """The instance kind for ``verify --certify``, checked before anything runs (InvalidParameterError: exit 2)."""
    return check_certify_target(input_path, red.source_kind, f"reduction {red.name}")


def write_bundle(input_path, out, *, kind, kappa=None, reduction=None, options=None, time_limit=None):
    """The bundle ``reluhard certify`` writes, for ``verify --certify``/``solve --certify``: a dict for the
    command's report (``file`` None and ``inconclusive`` when the time ran out; nothing is then written)."""
    from reluhard.certificates import certify_file
    from reluhard.errors import BudgetExhausted

    try:
        bundle = certify_file(input_path, out, kind=kind, kappa=None if kappa is None else int(kappa),
                              reduction=reduction, options=options or {}, time_limit=time_limit)
    except BudgetExhausted as exc:
        return {"file": None, "inconclusive": f"{exc}; nothing written"}
    return {"file": str(out), "claims": sorted(bundle["claims"]), "proof_files": len(bundle["files"]) - 1}


def write_for_verify(input_path, out, red, options, *, time_limit=None):
    """``verify --certify OUT``: the bundle ``reluhard certify INPUT --reduction R`` writes (same function, same
    options)."""
    kind = check_verify_target(input_path, red)
    return write_bundle(input_path, out, kind=kind, kappa=options.get("kappa"), reduction=red.name, options=options,
                        time_limit=time_limit)
