"""``reluhard reduce REDUCTION INPUT -o T.npz``: apply a reduction, write the training set."""

from ._common import add_reduction_arg, add_reduction_options, collect_options

NAME = "reduce"
HELP = "map an instance to a ReLU training set (.npz)"


def add_arguments(p):
    add_reduction_arg(p)
    p.add_argument("input", metavar="INPUT", help="source instance (DIMACS .cnf[.gz|.xz|.bz2], .clq/.col/edge list, .hgr)")
    p.add_argument("-o", "--output", required=True, help="output training set (.npz)")
    add_reduction_options(p)


def reduce_to_file(reduction_name, input_path, output, options):
    """Library form of the command (:func:`reluhard.pipeline.reduce_to_file` on a file): returns the written meta."""
    from reluhard.io.instances import read_instance
    from reluhard.pipeline import reduce_to_file as _reduce
    from reluhard.reductions import get_reduction

    red = get_reduction(reduction_name)
    return _reduce(red, read_instance(input_path, red.source_kind), output, options)


def run(args):
    from reluhard.reductions import get_reduction

    red = get_reduction(args.reduction)
    reduce_to_file(args.reduction, args.input, args.output, collect_options(args, red))
    return 0
