"""``reluhard solve sat F.cnf --json``: the combinatorial side, exactly."""

from ._common import print_json

NAME = "solve"
HELP = "solve the combinatorial side exactly (sat: min #falsified clauses via PySAT/RC2)"


def add_arguments(p):
    p.add_argument("problem", choices=["sat", "dks", "colouring"], help="sat (CNF), dks (graph; needs --kappa), colouring (hypergraph 2-colouring)")
    p.add_argument("input", metavar="INPUT")
    p.add_argument("--kappa", type=int, default=None, help="subgraph size for dks")
    p.add_argument("--time-limit", type=float, default=None, help="seconds; on expiry the answer is unknown (null)")
    p.add_argument("--json", action="store_true", help="print JSON (default: a short text answer)")


def run(args):
    from reluhard.errors import InvalidParameterError
    from reluhard.io.instances import read_instance

    if args.problem == "sat":
        from reluhard.solvers.sat import solve_sat_json

        out = solve_sat_json(read_instance(args.input, "cnf"), time_limit=args.time_limit)
    elif args.problem == "dks":
        if args.kappa is None:
            raise InvalidParameterError("solve dks needs --kappa K")
        from reluhard.solvers.dks import solve_dks_json

        out = solve_dks_json(read_instance(args.input, "graph"), args.kappa, time_limit=args.time_limit)
    else:
        from reluhard.solvers.colouring import solve_colouring_json

        out = solve_colouring_json(read_instance(args.input, "hypergraph"), time_limit=args.time_limit)
    if args.json:
        print_json(out)
    else:
        for k, v in out.items():
            if isinstance(v, list) and len(v) > 20:
                v = " ".join(map(str, v[:20])) + f" ... ({len(v)} entries)"
            print(f"{k}: {v}")
    return 0
