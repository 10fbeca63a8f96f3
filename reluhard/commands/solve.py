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


def solve_sat_json(cnf, *, time_limit=None):
    """The ``reluhard solve sat`` answer (conventions §7); ``null`` values when the budget ran out."""
    from reluhard.solvers.sat import min_unsat_oracle

    res = min_unsat_oracle(cnf, time_limit=time_limit)
    return {
        "satisfiable": None if res.value is None else res.value == 0,
        "min_unsat": res.value,
        "assignment": res.witness,
        "proven_optimal": res.proven,
        "seconds": round(res.seconds, 6),
        "status": res.status,
    }


def solve_dks_json(G, kappa, *, method="auto", time_limit=None, seed=0):
    """The ``reluhard solve dks --json`` object (conventions §7), vertex ids 1-based.

    ``max_edges`` is the best set's edge count, optimal iff ``proven_optimal``;
    an unproven result adds ``max_edges_upper`` (the certified upper bound).
    """
    from reluhard.solvers.dks import densest_k_subgraph

    r = densest_k_subgraph(G, kappa, method=method, time_limit=time_limit, seed=seed)
    out = {
        "kappa": r.extra["kappa"],
        "max_edges": r.value,
        "set": [v + 1 for v in r.witness],
        "proven_optimal": bool(r.proven),
        "seconds": round(r.seconds, 6),
        "method": r.extra["method"],
    }
    if not r.proven:
        out["max_edges_upper"] = r.cert["max_edges_upper"]
    return out


def solve_colouring_json(h, *, time_limit=None):
    """The ``reluhard solve colouring`` answer: colourable (or null on timeout) and a 0/1 colouring."""
    from reluhard.solvers.colouring import colourability_oracle

    res = colourability_oracle(h, time_limit=time_limit)
    return {
        "colourable": None if res.value is None else res.value == 0,
        "colouring": res.witness,
        "proven_optimal": res.proven,
        "seconds": round(res.seconds, 6),
        "status": res.status,
    }


def run(args):
    from reluhard.errors import InvalidParameterError
    from reluhard.io.instances import read_instance

    if args.problem == "sat":
        out = solve_sat_json(read_instance(args.input, "cnf"), time_limit=args.time_limit)
    elif args.problem == "dks":
        if args.kappa is None:
            raise InvalidParameterError("solve dks needs --kappa K")
        out = solve_dks_json(read_instance(args.input, "graph"), args.kappa, time_limit=args.time_limit)
    else:
        out = solve_colouring_json(read_instance(args.input, "hypergraph"), time_limit=args.time_limit)
    if args.json:
        print_json(out)
    else:
        for k, v in out.items():
            if isinstance(v, list) and len(v) > 20:
                v = " ".join(map(str, v[:20])) + f" ... ({len(v)} entries)"
            print(f"{k}: {v}")
    return 0
