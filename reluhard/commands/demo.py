"""``reluhard demo``: the embedded end-to-end default.

Generates a planted satisfiable and an unsatisfiable 3-CNF (fixed seeds),
reduces both to one-ReLU training sets (sat-relu) and verifies each with RC2
on the SAT side and exact orthant enumeration + gradient fits on the ReLU
side, prints both tables, defines their columns and ends with what was shown.
"""

from ._common import add_json, add_quiet, add_seed, count

NAME = "demo"
HELP = "run the end-to-end default: planted SAT and UNSAT formulas through sat-relu, verified and explained"

COLUMNS = """\
columns of the tables above:
  combinatorial optimum  u = the fewest clauses any assignment falsifies (RC2 MaxSAT; u = 0: satisfiable)
  completeness loss      n + u: the loss of the network lifted from an optimal assignment (an upper bound on the minimum)
  soundness bound        the certified lower bound on the minimum loss: n if u = 0, else n + u / (1 + 3 min(B, u) + 4u/T^2)
  lift loss (exact)      the loss of that lifted network, recomputed in exact rationals (must equal n + u)
  method                 exact = branch-and-bound over the 2^(n+1) convex sign cells (the proven minimum, no theorem used); gd = gradient restarts (an upper bound)
  loss                   the total weighted square loss the method reached
  dual bound             a proven lower bound on the minimum loss from the method (exact: equal to its loss)
  proven                 whether the method proved its loss minimal
  decoded                clauses falsified by the assignment read off the fitted weights (x_i = [w_i > 0])
  [ok] lines             the checks: soundness bound <= every fit's loss, lift = n + u, decoder guarantee, ..."""


def add_arguments(p):
    p.add_argument("--n", type=count(3, "--n"), default=8, metavar="N",
                   help="variables of both formulas (the exact search may visit all 2^(n+1) sign cells, so keep n <= 12) (default: 8)")
    add_seed(p, 1, "formulas and gradient restarts")
    add_json(p)
    add_quiet(p)


def demo_instances(n, seed):
    """(name, CNF) pairs: a planted satisfiable formula at ratio 4 and an unsatisfiable one at ratio 8."""
    from reluhard.generators.ksat import planted_3sat, random_ksat
    from reluhard.solvers.sat import solve_sat

    sat = planted_3sat(n, 4 * n, seed=seed)
    s = seed
    while True:  # the first seed whose dense random formula is unsatisfiable (deterministic)
        unsat = random_ksat(n, 8 * n, k=3, seed=s)
        if solve_sat(unsat)[0] is False:
            break
        s += 1
    return [("planted satisfiable", sat), ("unsatisfiable", unsat)]


def _minimum(rep):
    """(best proven-minimum loss or None, best loss reached) over the fits of a report."""
    from fractions import Fraction

    proven, best = None, None
    for f in rep["fits"].values():
        loss = f.get("loss_reevaluated", f.get("loss"))
        if loss is None:
            continue
        v = Fraction(loss) if isinstance(loss, str) else Fraction(float(loss))
        best = v if best is None else min(best, v)
        if f.get("proven_optimal"):
            proven = v if proven is None else min(proven, v)
    return proven, best


def conclusion(reports):
    """What the demo showed, in words (the tables above it give the numbers)."""
    from fractions import Fraction

    lines = ["what this shows:"]
    sound_no = None
    for rep in reports:
        n = rep["training_set"]["n_features"] - 1
        u = rep["combinatorial_optimum"]
        proven, best = _minimum(rep)
        title = rep["instance"]
        if u == 0:
            how = (f"exactly n = {n} (proved by the exact sign-cell search)" if proven is not None and proven == n
                   else f"n = {n} by the theorem; the fits reached {float(best):.6g}" if best is not None else f"n = {n}")
            lines.append(f"  - the {title} formula (u = 0): its training set's minimum loss is {how},"
                         " attained by the network lifted from the planted assignment.")
        else:
            sound = Fraction(rep["soundness_bound"]) if rep.get("soundness_bound") is not None else None
            sound_no = sound
            got = f"the exact minimum is {float(proven):.6g}" if proven is not None else (
                f"the best fit reached {float(best):.6g}" if best is not None else "no fit finished")
            bound = "-" if sound is None else f"{sound} = {float(sound):.6g}"
            lines.append(f"  - the {title} formula (u = {u} falsified clauses at best): every network has loss >= the"
                         f" certified bound {bound} > n = {n}; {got}.")
    if sound_no is not None:
        n = reports[0]["training_set"]["n_features"] - 1
        lines.append(f"  - the gap: a training procedure that could tell loss n = {n} from loss >= {float(sound_no):.6g}"
                     f" (a gap of {float(sound_no - n):.6g}) would decide 3-SAT, so training one ReLU is NP-hard.")
    status = {r["status"] for r in reports}
    lines.append(f"  - every certified claim was checked: status {', '.join(sorted(status))}.")
    lines.append("next: 'reluhard explain sat-relu --formula \"(x1 | ~x2 | x3)\"' walks through the construction step by step;"
                 " docs/tutorial.md goes from here to your own instances.")
    return "\n".join(lines)


def run(args):
    from reluhard.progress import echo
    from reluhard.verify import format_report, verify

    from ._common import print_json, progress

    worst = 0
    reports = []
    instances = demo_instances(args.n, args.seed)
    with progress("demo", quiet=args.quiet, total=len(instances), unit="formula") as step:
        for title, cnf in instances:
            rep = verify(cnf, "sat-relu", methods=["exact", "gd"], seed=args.seed, time_limit=120)
            reports.append({"instance": title, **rep})
            step(1)
            if not args.json:  # printed between the progress lines, which are redrawn below it
                echo(f"== {title}: n = {cnf.nv}, m = {len(cnf.clauses)}\n{format_report(rep)}\n")
            worst = max(worst, rep["exit_code"])
    if args.json:
        print_json(reports)
    else:
        print(COLUMNS)
        print()
        print(conclusion(reports))
    return worst
