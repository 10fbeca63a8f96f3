"""``reluhard reduce REDUCTION INPUT -o T.npz``: apply a reduction, write the training set."""

from pathlib import Path

from ._common import add_reduction_arg, add_reduction_options, collect_options

NAME = "reduce"
HELP = "map an instance to a ReLU training set (.npz)"


def add_arguments(p):
    add_reduction_arg(p)
    p.add_argument("input", metavar="INPUT", help="source instance (DIMACS .cnf[.gz|.xz|.bz2], .clq/.col/edge list, .hgr)")
    p.add_argument("-o", "--output", required=True, help="output training set (.npz; public: holds no witness)")
    p.add_argument("--key-out", default=None, metavar="KEY",
                   help="answer key (witness, intended network) file; default OUTPUT with .key.json for .npz, written when there is a witness")
    p.add_argument("--card", action="store_true", help="also write OUTPUT.card.md / .card.json / .croissant.json (dataset card)")
    add_reduction_options(p)


def _source_witness(src_meta):
    cert = src_meta.get("certificate")
    if isinstance(cert, dict):
        for name in ("assignment", "set", "colouring"):
            if cert.get(name) is not None:
                return cert[name]
    opt = src_meta.get("optimum")
    return opt.get("assignment") if isinstance(opt, dict) else None


def _certified_bounds(img, kind, inst, src_meta):
    """The bounds at the source's certified value (3-SAT: min #falsified from the metadata, or 0 for a
    satisfying planted assignment), for chains whose forward map states only conditional bounds; else None."""
    if kind != "cnf":
        return None
    u = src_meta.get("min_unsat")
    if not (isinstance(u, int) and u >= 0):
        w = _source_witness(src_meta)
        cert = src_meta.get("certificate")
        if not (isinstance(cert, dict) and cert.get("assignment") is not None):
            return None
        from reluhard.errors import ReluhardError
        from reluhard.structures.cnf import as_bool_assignment, clause_matrix, falsified_mask, n_vars

        try:
            if falsified_mask(clause_matrix(inst, 3), as_bool_assignment(w, n_vars(inst))).any():
                return None
        except (ReluhardError, ValueError):  # a malformed planted witness certifies nothing
            return None
        u = 0
    try:
        return img.bounds(min_unsat=u).to_json()
    except (NotImplementedError, ValueError, KeyError, TypeError):
        return None


def reduce_to_file(reduction_name, input_path, output, options, *, key_out=None, inst=None, cert=None):
    """Library form of the command: write the public training set (and its answer key); returns the public meta.

    ``inst``: the source instance already read (its metadata may hold witnesses that
    the public source file no longer has); default: read ``input_path``. The key
    goes to ``key_out`` (default :func:`reluhard.answer_key.key_path_for` (output)),
    written only when a witness exists; ``key_out=False`` writes none. ``cert``: a
    certified combinatorial value (e.g. ``{"min_unsat": 3}`` from an oracle) at which
    the public claim is stated; default: what the source's metadata certifies.
    """
    from reluhard.answer_key import key_path_for, make_key, source_meta, split_witnesses, write_key
    from reluhard.cards import claim_of
    from reluhard.io.instances import instance_sha256, read_instance
    from reluhard.io.npz import save_training_set
    from reluhard.reductions import get_reduction
    from reluhard.suite import sha256_file

    red = get_reduction(reduction_name)
    if key_out not in (None, False) and not Path(key_out).resolve().parent.is_dir():
        from reluhard.errors import InvalidParameterError

        raise InvalidParameterError(f"--key-out {key_out}: folder {Path(key_out).resolve().parent} does not exist")
    if inst is None:
        inst = read_instance(input_path, red.source_kind)
    img = red.apply(inst, **options)
    ts = img.target
    meta = dict(ts.meta)
    src_meta = source_meta(inst)
    src_sha = instance_sha256(inst, red.source_kind)
    meta["source"] = {"kind": red.source_kind, "sha256": src_sha, "meta": src_meta}
    meta.setdefault("certificate", None)
    witness = _source_witness(src_meta)
    public, removed = split_witnesses(meta)
    if cert:
        try:
            cb = img.bounds(**cert).to_json()
        except (NotImplementedError, ValueError, KeyError, TypeError):
            cb = None
    else:
        cb = _certified_bounds(img, red.source_kind, inst, src_meta)
    public["claim"] = claim_of(public, bounds=cb)
    X, y, c = ts.float_arrays()
    save_training_set(output, X, y, c, public)
    if key_out is not False and (witness is not None or removed):
        network = img.lift(witness).to_json() if witness is not None else None
        key = make_key(training_set_file=output, training_set_sha256=sha256_file(output), source_sha256=src_sha,
                       reduction=reduction_name, witness=witness, network=network, removed=removed)
        try:
            write_key(key_path_for(output) if key_out is None else key_out, key)
        except BaseException:
            Path(output).unlink(missing_ok=True)  # no training set without its key
            raise
    return public


def run(args):
    import sys

    from reluhard.reductions import get_reduction

    red = get_reduction(args.reduction)
    reduce_to_file(args.reduction, args.input, args.output, collect_options(args, red), key_out=args.key_out)
    if args.card:
        from reluhard.cards import write_card

        for path in write_card(args.output, command="reluhard " + " ".join(sys.argv[1:]) if sys.argv[1:2] == ["reduce"] else None):
            print(path, file=sys.stderr)
    return 0
