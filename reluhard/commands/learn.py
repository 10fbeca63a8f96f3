"""``reluhard learn T.npz --eps E``: the proper learner with its certificate (Algorithms A/B)."""

from ._common import add_json, add_quiet, add_seed, add_time_limit, count, positive_number, print_json, progress, read_source

NAME = "learn"
HELP = "properly learn one ReLU (or k ReLUs, ||a||_1 <= W) to additive mean-loss error eps, with a certificate"
DESCRIPTION = (
    "Proper learner for relu(w.x), ||w|| <= 1 (k = 1), or sum_j a_j relu(w_j.x), ||w_j|| <= 1, "
    "||a||_1 <= W (k >= 2): PCA subspace + truncated lattice, certified branch-and-bound. "
    "eps is additive on the mean loss (sample probabilities c_i / sum c). Inputs with max ||x|| > 1 "
    "are rescaled (X/R, y/R, eps/R^2) and the output says so. See docs/learner.md."
)


def add_arguments(p):
    p.add_argument("input", metavar="T.npz", help="training set (normalised arrays are used); '-' reads stdin")
    p.add_argument("--eps", type=positive_number, required=True, metavar="E", help="additive error on the mean loss (> 0)")
    p.add_argument("--k", type=count(1, "--k"), default=1, metavar="K", help="number of ReLUs (default: 1)")
    p.add_argument("--W", type=positive_number, default=None, help="l1 bound on the output weights for --k >= 2 (default: 1)")
    p.add_argument("--mode", choices=("bnb", "net", "anytime"), default=None,
                   help="k = 1: bnb (default, certified branch-and-bound), net (full lattice), "
                        "anytime (coarse-to-fine lattice levels); k >= 2: net only")
    add_time_limit(p, None, "seconds; a run cut short reports complete = false")
    add_seed(p, 0, "L-BFGS restarts")
    p.add_argument("--restarts", type=count(0, "--restarts"), default=20, metavar="N",
                   help="random L-BFGS restarts for the incumbent; 0 = structured starts only (default: 20)")
    p.add_argument("--params", choices=("adaptive", "worst-case"), default="adaptive",
                   help="lattice parameters of the net modes: adaptive = subspace dimension and per-direction spacing chosen from "
                        "the data's singular values (smallest planned net, same guarantee); worst-case = the theorem's uniform "
                        "spacing h = delta/sqrt(5), valid for any data (default: adaptive)")
    p.add_argument("--assume-realizable", action="store_true",
                   help="k >= 2: promise OPT = 0 and use the radius sqrt(eps)/W (much smaller net)")
    add_json(p)
    add_quiet(p)


def run(args):
    from reluhard.errors import InvalidParameterError
    from reluhard.io.npz import load_training_set
    from reluhard.solvers.learner import learn

    seed = args.seed
    with read_source(args.input, ".npz") as path:
        X, y, c, meta = load_training_set(path)
    kw = {"n_restarts": args.restarts}
    if args.k == 1:
        if args.assume_realizable:
            raise InvalidParameterError("--assume-realizable applies to --k >= 2")
        kw["params"] = args.params
    else:
        kw["assume_realizable"] = args.assume_realizable
    with progress("learn", quiet=args.quiet, time_limit=args.time_limit):
        res = learn(X, y, c, eps=args.eps, k=args.k, W=args.W, mode=args.mode, time_limit=args.time_limit,
                    seed=seed, **kw)
    out = res.to_json()
    out["guarantee"]["input"] = {"path": str(args.input), "reduction": meta.get("reduction"),
                                 "n_samples": int(X.shape[0]), "n_features": int(X.shape[1])}
    if args.json:
        print_json(out)
        return 0
    lb = res.certified_lower_bound
    print(f"{out['method']} (k = {res.k}): mean loss {res.mean_loss:.6g} (total {res.loss:.6g}), "
          f"certified OPT >= {'none' if lb is None else format(lb, '.6g')}, complete = {res.complete}, "
          f"{res.seconds:.2f} s, seed {seed}")
    if res.scale != 1.0:
        print(f"note: max ||x|| = {res.scale:.6g} > 1: learned on X/R, y/R with eps/R^2 (losses above in original units)")
    print(res.statement)
    return 0
