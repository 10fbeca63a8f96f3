"""``reluhard fit T.npz --method gd|exact|miqp|smt``: fit a network to a training set."""

from ._common import add_json, add_quiet, add_restarts, add_seed, add_time_limit, count, positive_number, print_json, progress, read_source

NAME = "fit"
HELP = "fit k ReLUs to a training set (gd: heuristic upper bound; exact/miqp/smt: proven)"


METHODS_HELP = (
    "gd: multi-restart L-BFGS from random and structured starts, projected into the weight ball where the claim "
    "has one (an upper bound only); "
    "exact: the proven minimum - on sat-relu (R1) data a branch-and-bound over the 2^(n+1) convex sign cells that uses no theorem (with --prune: orthant enumeration pruned by claim (★)), else the SCIP MIQP in the box the "
    "reduction proved; orthant: orthant enumeration on any one-ReLU data (2^d convex solves, no theorem used); "
    "miqp: SCIP mixed-integer program with |w_j| <= box; smt: z3 decides whether loss 0 is reachable (realizability)"
)


def add_arguments(p):
    p.add_argument("input", metavar="T.npz", help="training set written by 'reluhard reduce' (or any .npz in its layout); '-' reads stdin")
    from reluhard.solvers.base import FITTERS  # the registry: a fitter another module registers is offered too

    p.add_argument("--method", default="gd", choices=tuple(FITTERS), help=METHODS_HELP)
    p.add_argument("--k", type=count(1, "--k"), default=None, metavar="K",
                   help="number of ReLUs (default: the training set's meta, else 1)")
    add_restarts(p, 20)
    add_time_limit(p, 60.0, "seconds for the whole fit, restarts included")
    add_seed(p, 0, "random restarts")
    p.add_argument("--box", type=positive_number, default=None, metavar="B",
                   help="|w_j| <= B for the MIQP when the meta has no box (default: the meta's box)")
    p.add_argument("--init", default=None, metavar="FILE.json",
                   help="extra start networks: {'weights': [[...]], 'output_weights': [...]} or a list of them; "
                        "each must have the training set's shape")
    p.add_argument("--prune", action="store_true", help="exact on R1 data: prune orthants by claim (★) (faster; rests on the theorem)")
    p.add_argument("--key", default=None, metavar="T.key.json",
                   help="answer key of this training set: its intended network becomes a start (never used unless given)")
    add_json(p)
    add_quiet(p)


def _check_starts(starts, k, d, path):
    from reluhard.errors import InstanceFormatError

    for i, net in enumerate(starts):
        rows, cols = net.weights.shape
        if rows != k or cols != d or len(net.output_weights) != k:
            raise InstanceFormatError(
                f"start network {i} has {rows} x {cols} weights and {len(net.output_weights)} output weights; "
                f"the training set needs {k} x {d} and {k}", path=path)


def _read_starts(path):
    import json

    from reluhard.data import Network
    from reluhard.errors import InstanceFormatError

    try:
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
    except ValueError as exc:
        raise InstanceFormatError(f"not valid JSON ({exc})", path=path) from None
    objs = obj if isinstance(obj, list) else [obj]
    return [Network.from_json(o) for o in objs]


def run(args):
    from reluhard.io.npz import load_training_set
    from reluhard.pipeline import exact_fitter, file_reduction
    from reluhard.solvers.base import get_fitter, offered

    with read_source(args.input, ".npz") as path:
        X, y, c, meta = load_training_set(path, raw=True)
    k = args.k if args.k is not None else int(meta.get("k", 1))
    starts = _read_starts(args.init) if args.init else []
    _check_starts(starts, k, X.shape[1], args.init)
    if args.key:  # the answer key is used only when given, and the output says so
        from reluhard.answer_key import read_key
        from reluhard.data import Network

        key = read_key(args.key, training_set=args.input)
        if key.get("network"):
            starts.append(Network.from_json(key["network"]))
    kw = dict(k=k, time_limit=args.time_limit, seed=args.seed, starts=starts, restarts=args.restarts, meta=meta)
    if args.box is not None:
        kw["box"] = args.box
    # the reduction that built the data says which exact fitter applies and owns the pruning bound
    name, extra = exact_fitter(file_reduction(meta), args.method, prune=args.prune)
    kw.update(extra)
    fitter = get_fitter(name)
    # the fit's own line runs against --time-limit; gd adds its restarts, exact its sign cells, smt its patterns
    with progress(f"fit {args.method} ({name})" if name != args.method else f"fit {args.method}", quiet=args.quiet,
                  time_limit=args.time_limit):
        res = fitter((X, y, c, meta), **offered(fitter, kw))
    out = res.to_json()
    out["answer_key"] = args.key
    norm = meta.get("normalisation") or {}
    if norm.get("Z"):
        from fractions import Fraction

        # fits run on the exact integer data; the normalised (unit-ball) mean loss is L / Z
        out["normalised_mean_loss"] = float(res.loss) / float(Fraction(norm["Z"]))
    if args.json:
        print_json(out)
    else:
        print(f"answer key: {args.key} (its network is a start)" if args.key else "answer key: none used")
        print(fit_summary(out))
    return 0


def fit_summary(out):
    """One line of text for a fit result (conventions §7 schema)."""
    if out.get("method") == "smt" and out.get("realizable") is not None and out.get("complete", True):
        verdict = "realizable (loss 0), proved by z3" if out["realizable"] else "unrealizable (every network has loss > 0), proved by z3"
        return f"method smt: {verdict}, {out['seconds']:.3f} s"
    if out.get("method") == "smt" and out.get("realizable") is None:
        return f"method smt: unknown (z3 gave no answer within the time limit), {out['seconds']:.3f} s"
    proof = "proven optimal" if out["proven_optimal"] else "upper bound (not proven optimal)"
    dual = "" if out.get("dual_bound") is None else f", dual bound {out['dual_bound']}"
    return f"method {out['method']}: loss {out['loss']} (mean {out['mean_loss']:.6g}), {proof}{dual}, {out['seconds']:.3f} s"
