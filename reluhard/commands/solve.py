"""``reluhard solve sat|dks|colouring INPUT``: the combinatorial side, exactly.

``--write-certificate OUT`` (``-o``) writes a copy of the instance with the
proven answer in its ``reluhard`` metadata (atomically), so that ``reduce`` and
``verify`` read the certified value from the file (e.g. ``reduce dks-relu``
without ``--delta``, ``reduce sat-relu --variant gap`` without ``--min-unsat``).
"""

from ._common import add_json, add_quiet, add_time_limit, count, kappa_from_meta, print_json, progress, read_input

NAME = "solve"
HELP = "solve the combinatorial side exactly (sat: min #falsified clauses via RC2; dks: densest kappa-subgraph; colouring)"
DESCRIPTION = (
    "Solve the source problem exactly. sat: the minimum number u of falsified clauses (PySAT RC2 MaxSAT; u = 0 "
    "means satisfiable). dks: the most edges any kappa-vertex set spans (exact: clique / multipartite / brute "
    "force / SCIP). colouring: whether a hypergraph is 2-colourable. Exit 0 whatever the answer; on time-out "
    "the value is unknown (null)."
)

#: the id base of ``solve dks``'s "set" (conventions §7: DIMACS numbering); the file's certificate is 0-based
DKS_ID_BASE = 1


def add_arguments(p):
    p.add_argument("problem", choices=["sat", "dks", "colouring"],
                   help="sat: a CNF; dks: a graph (kappa from --kappa or its metadata); colouring: a hypergraph")
    p.add_argument("input", metavar="INPUT", help="instance file (DIMACS .cnf / .col / edge list / .hgr); '-' reads stdin")
    p.add_argument("--kappa", type=count(1, "--kappa"), default=None, metavar="K",
                   help="subgraph size for dks (default: the graph's metadata, as 'reduce dks-relu' reads it)")
    add_time_limit(p, None, "seconds; on expiry the answer is unknown (null)")
    p.add_argument("-o", "--write-certificate", dest="output", metavar="OUT",
                   help="write a copy of INPUT with the proven answer in its metadata to OUT (atomically)")
    p.add_argument("--certify", default=None, metavar="CERT.json",
                   help="also write the certificate bundle 'reluhard certify INPUT' writes (DRUP proofs beside it), "
                        "checkable by 'reluhard check-certificate'")
    add_json(p)
    add_quiet(p)


def _write_certificate(problem, inst, out, path):
    """Copy ``inst`` to ``path`` with the proven answer ``out`` in its metadata."""
    from reluhard.errors import InvalidParameterError
    from reluhard.structures.cnf import instance_meta

    if not out.get("proven_optimal"):
        raise InvalidParameterError(f"{path}: no proven answer to write (the solve did not finish); raise --time-limit")
    meta = instance_meta(inst)
    if problem == "sat":
        from reluhard.io.dimacs import write_cnf

        meta["min_unsat"] = out["min_unsat"]
        meta["certificate"] = {"min_unsat": out["min_unsat"], "assignment": out["assignment"], "solver": "rc2"}
        write_cnf(path, inst, meta=meta)
    elif problem == "dks":
        from reluhard.io.graphs import write_graph

        meta["certificate"] = {"kappa": out["kappa"], "max_edges": out["max_edges"],
                               "set": [v - DKS_ID_BASE for v in out["set"]], "solver": out.get("method")}
        G = inst.copy()
        G.graph["reluhard"] = meta
        write_graph(path, G)
    else:
        raise InvalidParameterError("--write-certificate supports sat and dks")


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

    kind = {"sat": "cnf", "dks": "graph", "colouring": "hypergraph"}[args.problem]
    if args.certify:
        from .certify import check_certify_target

        check_certify_target(args.input, kind, f"solve {args.problem}")
    inst = read_input(args.input, kind)
    what = {"sat": "solve sat (CDCL, then RC2 MaxSAT)", "dks": "solve dks (exact densest subgraph)",
            "colouring": "solve colouring (SAT)"}[args.problem]
    with progress(what, quiet=args.quiet, time_limit=args.time_limit):
        if args.problem == "sat":
            out = solve_sat_json(inst, time_limit=args.time_limit)
        elif args.problem == "dks":
            kappa = kappa_from_meta(inst, {"kappa": args.kappa})["kappa"]
            if kappa is None:
                raise InvalidParameterError(f"{args.input}: solve dks needs --kappa K (the graph's metadata names none)")
            out = solve_dks_json(inst, kappa, time_limit=args.time_limit)
            out["id_base"] = DKS_ID_BASE
        else:
            out = solve_colouring_json(inst, time_limit=args.time_limit)
    if args.output:
        _write_certificate(args.problem, inst, out, args.output)
    if args.certify:
        from .certify import write_bundle

        out["certificate"] = write_bundle(args.input, args.certify, kind=kind, kappa=out.get("kappa"),
                                          time_limit=args.time_limit)
    if args.json:
        print_json(out)
        return 0
    for k, v in out.items():
        if k in ("id_base", "certificate"):
            continue
        if isinstance(v, list) and len(v) > 20:
            v = " ".join(map(str, v[:20])) + f" ... ({len(v)} entries)"
        if k == "set":
            k = "set (vertex ids from 1, as DIMACS numbers them; the file's certificate and Python use ids from 0)"
        print(f"{k}: {v}")
    if args.certify:
        c = out["certificate"]
        print(f"certificate: {c['file']} ({', '.join(c['claims'])})" if c["file"] else f"certificate: not written: {c['inconclusive']}")
    if args.output:
        print(f"answer written to {args.output}'s metadata" + (
            f" (for sat-relu bounds it is an assumption: pass --min-unsat {out['min_unsat']} to 'reluhard reduce', "
            "or use 'reluhard certify' for a checkable certificate)" if args.problem == "sat" else
            " ('reluhard reduce dks-relu' reads kappa and delta from it; a set is recounted there, the recorded "
            "max edges stay an assumption and the NO bound is stated as a promise: use 'reluhard certify' for a checkable "
            "certificate)" if args.problem == "dks" else ""))
    return 0
