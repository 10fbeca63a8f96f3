"""``reluhard explain REDUCTION (--formula F | INPUT)``: a reduction step by step, for teaching."""

from ._common import add_reduction_arg, add_reduction_options, add_seed, collect_options, count, int_pair, kappa_from_meta, read_input

NAME = "explain"
HELP = "explain a reduction step by step on a small instance (gadgets, training points, intended network, decoder)"


def add_arguments(p):
    add_reduction_arg(p)
    p.add_argument("input", metavar="INPUT", nargs="?",
                   help="source instance file (DIMACS .cnf, .clq/.col/edge list, .hgr; '-' reads stdin); or use --formula")
    p.add_argument("--formula", metavar="CNF", help='a CNF written inline, e.g. "(x1 | ~x2 | x3) & (~x1 | x2 | x3)"')
    add_seed(p, 0, "random-start fit shown by the decoder step")
    p.add_argument("--max-rows", type=count(1, "--max-rows"), default=None, metavar="N",
                   help="rows of the training-point tables; longer tables end in '... K more rows' "
                        "(default: 60 for sat-relu's walk-through, 40 for the others)")
    p.add_argument("--plot", metavar="FILE.png", help="also draw the loss landscape over two weights (PNG or PDF)")
    p.add_argument("--plot-vars", type=int_pair, default=[1, 2], metavar="I,J",
                   help="the two weight columns of --plot, the others fixed at the intended network's values (default: 1,2: variables x1, x2)")
    add_reduction_options(p)


def run(args):
    from reluhard.errors import InvalidParameterError
    from reluhard.explain import explain, format_explanation, parse_formula, plot_landscape
    from reluhard.reductions import get_reduction

    red = get_reduction(args.reduction)
    options = collect_options(args, red)
    if (args.formula is None) == (args.input is None):
        raise InvalidParameterError("give either --formula or an INPUT file")
    if args.formula is not None:
        if red.source_kind != "cnf":
            raise InvalidParameterError(f"--formula gives a CNF, but {red.name} takes a {red.source_kind}; give an INPUT file")
        inst = parse_formula(args.formula)
    else:
        inst = read_input(args.input, red.source_kind)
    if "kappa" in red.option_names():
        options = kappa_from_meta(inst, options)
    sections = explain(red.name, inst, options=options, seed=args.seed, max_rows=args.max_rows)
    print(format_explanation(sections, title=f"reluhard explain {red.name}"), end="")
    if args.plot:
        print(f"landscape: {plot_landscape(red.name, inst, args.plot, options=options, columns=args.plot_vars)}")
    return 0
