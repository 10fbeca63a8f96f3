"""``reluhard reduce REDUCTION INPUT -o T.npz``: apply a reduction, write the training set."""

from ._common import INPUT_HELP, add_output, add_reduction_arg, add_reduction_options, collect_options, read_source

NAME = "reduce"
HELP = "map an instance to a ReLU training set (.npz)"


def add_arguments(p):
    add_reduction_arg(p)
    p.add_argument("input", metavar="INPUT", help=INPUT_HELP)
    add_output(p, "output training set (.npz)", required=True, metavar="T.npz")
    add_reduction_options(p)


def reduce_to_file(reduction_name, input_path, output, options):
    """Library form of the command: returns the written meta."""
    from reluhard.io.instances import instance_sha256, read_instance
    from reluhard.io.npz import save_training_set
    from reluhard.reductions import get_reduction
    from reluhard.structures.cnf import instance_meta

    red = get_reduction(reduction_name)
    suffix = {"cnf": ".cnf", "graph": ".col", "hypergraph": ".hgr"}.get(red.source_kind, ".txt")
    with read_source(input_path, suffix) as path:
        inst = read_instance(path, red.source_kind)
    img = red.apply(inst, **options)
    ts = img.target
    meta = dict(ts.meta)
    src_meta = instance_meta(inst)
    meta["source"] = {"kind": red.source_kind, "sha256": instance_sha256(inst, red.source_kind), "meta": src_meta}
    cert = src_meta.get("certificate")
    witness = cert.get("assignment", cert.get("set", cert.get("colouring"))) if isinstance(cert, dict) else None
    if witness is not None:
        meta["certificate"] = {"witness": witness, "network": img.lift(witness).to_json()}
    else:
        meta.setdefault("certificate", None)
    X, y, c = ts.float_arrays()
    save_training_set(output, X, y, c, meta)
    return meta


def run(args):
    from reluhard.reductions import get_reduction

    red = get_reduction(args.reduction)
    reduce_to_file(args.reduction, args.input, args.output, collect_options(args, red))
    return 0
