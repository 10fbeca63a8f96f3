"""``reluhard demo``: the embedded end-to-end default.

Generates a planted satisfiable and an unsatisfiable 3-CNF (fixed seeds),
reduces both to one-ReLU training sets (sat-relu) and verifies each with RC2
on the SAT side and exact orthant enumeration + gradient fits on the ReLU
side, printing both tables.
"""

NAME = "demo"
HELP = "run the end-to-end default: planted SAT and UNSAT formulas through sat-relu, verified"


def add_arguments(p):
    p.add_argument("--n", type=int, default=8, help="variables (exact enumeration is 2^(n+1) convex solves; default 8)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")


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


def run(args):
    from reluhard.verify import format_report, verify

    from ._common import print_json

    worst = 0
    reports = []
    for title, cnf in demo_instances(args.n, args.seed):
        rep = verify(cnf, "sat-relu", methods=["exact", "gd"], seed=args.seed, time_limit=120)
        reports.append({"instance": title, **rep})
        if not args.json:
            print(f"== {title}: n = {cnf.nv}, m = {len(cnf.clauses)}")
            print(format_report(rep))
            print()
        worst = max(worst, rep["exit_code"])
    if args.json:
        print_json(reports)
    return worst
