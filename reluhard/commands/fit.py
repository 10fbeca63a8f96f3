"""``reluhard fit T.npz --method gd|exact|miqp|smt``: fit a network to a training set."""

from ._common import print_json

NAME = "fit"
HELP = "fit k ReLUs to a training set (gd: heuristic upper bound; exact/miqp/smt: proven)"


def add_arguments(p):
    p.add_argument("input", metavar="T.npz")
    p.add_argument("--method", default="gd", help="gd | exact | orthant | miqp | smt (default gd)")
    p.add_argument("--k", type=int, default=None, help="number of ReLUs (default: the training set's meta, else 1)")
    p.add_argument("--restarts", type=int, default=20, help="random restarts for gd")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--box", type=float, default=None, help="|w_j| <= BOX for the MIQP when the meta has no box")
    p.add_argument("--init", default=None, help="JSON file with extra start networks: {'weights': [[...]], 'output_weights': [...]} or a list of them")
    p.add_argument("--key", default=None, metavar="T.key.json",
                   help="answer key of this training set: its intended network becomes a start (never used unless given)")
    p.add_argument("--prune", action="store_true", help="exact on R1 data: prune orthants by claim (★)")
    p.add_argument("--json", action="store_true")


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

    X, y, c, meta = load_training_set(args.input, raw=True)
    k = args.k if args.k is not None else int(meta.get("k", 1))
    starts = _read_starts(args.init) if args.init else []
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
        print(f"method {out['method']}: loss {out['loss']} (mean {out['mean_loss']:.6g}), proven_optimal={out['proven_optimal']}, dual_bound={out['dual_bound']}, {out['seconds']:.3f} s")
    return 0
