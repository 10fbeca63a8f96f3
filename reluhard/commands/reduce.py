"""``reluhard reduce REDUCTION INPUT -o T.npz``: apply a reduction, write the training set."""

from pathlib import Path

from ._common import INPUT_HELP, add_output, add_reduction_arg, add_reduction_options, collect_options, read_source

NAME = "reduce"
HELP = "map an instance to a ReLU training set (.npz)"


def add_arguments(p):
    add_reduction_arg(p)
    p.add_argument("input", metavar="INPUT", help=INPUT_HELP)
    add_output(p, "output training set (.npz; public: holds no witness)", required=True, metavar="T.npz")
    p.add_argument("--key-out", default=None, metavar="KEY",
                   help="answer key (witness, intended network) file; default OUTPUT with .key.json for .npz, written when there is a witness")
    p.add_argument("--card", action="store_true", help="also write OUTPUT.card.md / .card.json / .croissant.json (dataset card)")
    add_reduction_options(p)


def reduce_to_file(reduction_name, input_path, output, options, *, key_out=None, inst=None, cert=None):
    """Library form of the command (:func:`reluhard.pipeline.reduce_to_file` on a file): returns the public meta.

    ``inst``: the source instance already read (default: read ``input_path``).
    """
    from reluhard.io.instances import read_instance
    from reluhard.pipeline import reduce_to_file as _reduce
    from reluhard.reductions import get_reduction

    red = get_reduction(reduction_name)
    if inst is None:
        suffix = {"cnf": ".cnf", "graph": ".col", "hypergraph": ".hgr"}.get(red.source_kind, ".txt")
        with read_source(input_path, suffix) as path:
            inst = read_instance(path, red.source_kind)
    return _reduce(red, inst, output, options, key_out=key_out, cert=cert)


def _stamp(path):
    import os

    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino, st.st_size)


def summary(output, name, meta, key):
    """The one line ``reduce`` prints on stderr: what was written, its size and its claim."""
    from reluhard.io.npz import training_set_shape

    rows, cols = training_set_shape(output)
    statement = ((meta or {}).get("bounds") or {}).get("statement")
    line = f"{output}: {name} training set, {rows} samples x {cols} features"
    if statement:
        line += f"; claim: {statement}"
    if key:
        line += f"; witnesses in the answer key {key} (kept apart: fit/verify use it only with --key)"
    return line


def run(args):
    import sys

    from reluhard.reductions import get_reduction

    red = get_reduction(args.reduction)
    key = args.key_out
    if key is None:
        from reluhard.answer_key import key_path_for

        key = key_path_for(args.output)
    before = _stamp(key)
    meta = reduce_to_file(args.reduction, args.input, args.output, collect_options(args, red), key_out=args.key_out)
    print(summary(args.output, red.name, meta, key if _stamp(key) != before else None), file=sys.stderr)
    if args.card:
        from reluhard.cards import write_card

        for path in write_card(args.output, command="reluhard " + " ".join(sys.argv[1:]) if sys.argv[1:2] == ["reduce"] else None):
            print(path, file=sys.stderr)
    return 0
