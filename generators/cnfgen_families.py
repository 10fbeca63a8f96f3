"""Classic proof-complexity families through CNFgen itself (optional extra ``reluhard[cnfgen]``).

These formulas are not rewritten here: each builder calls the CNFgen family
of the same name ([LENV17]_) and converts its clauses to a
``pysat.formula.CNF`` carrying a ``reluhard`` metadata line (family, parameters,
CNFgen version, seed where the family is random, and the known status).

========== ================================= ===================================================
family     CNFgen call                       known status
========== ================================= ===================================================
pigeonhole ``PigeonholePrinciple(p, h)``     unsatisfiable iff p > h
tseitin    ``TseitinFormula(G)`` on a random unsatisfiable (odd total charge on a connected graph)
           d-regular G (networkx, seeded)
parity     ``CountingPrinciple(n, 2)``       unsatisfiable iff n is odd
ordering   ``OrderingPrinciple(n)``          unsatisfiable for every n >= 1
========== ================================= ===================================================

Their clauses are not 3-CNF in general; ``reluhard convert`` (or
``generate cnfgen ... --to-3cnf``) makes them exact 3-CNF with the same u
(``docs/reductions/cnf-3cnf.md``).

References
----------
.. [LENV17] M. Lauria, J. Elffers, J. Nordström, M. Vinyals. CNFgen: A Generator
   of Crafted Benchmarks. SAT 2017.
"""

from reluhard.errors import InvalidParameterError, SolverUnavailableError

__all__ = ["FAMILIES", "cnfgen_formula"]

#: family -> (help, required integer parameters)
FAMILIES = {
    "pigeonhole": ("p pigeons into h holes, at most one pigeon per hole (unsatisfiable iff p > h)", ("pigeons", "holes")),
    "tseitin": ("parity constraints on the edges of a random d-regular graph, odd total charge (unsatisfiable)", ("n", "d")),
    "parity": ("perfect matching of n elements (CountingPrinciple(n, 2); unsatisfiable iff n is odd)", ("n",)),
    "ordering": ("every finite total order has a minimum, negated (unsatisfiable)", ("n",)),
}


def _status(family, p):
    if family == "pigeonhole":
        return "unsatisfiable" if p["pigeons"] > p["holes"] else "satisfiable"
    if family == "parity":
        return "unsatisfiable" if p["n"] % 2 else "satisfiable"
    return "unsatisfiable"


def cnfgen_formula(family, *, seed=None, **params):
    """The CNFgen formula ``family`` with ``params``: (pysat CNF, metadata dict).

    Raises
    ------
    InvalidParameterError
        unknown family, a missing or non-positive parameter, or no d-regular graph on n vertices.
    SolverUnavailableError
        CNFgen is not installed (``pip install 'reluhard[cnfgen]'``).
    """
    from pysat.formula import CNF


    if family not in FAMILIES:
        raise InvalidParameterError(f"unknown CNFgen family {family!r}; known: {', '.join(FAMILIES)}")
    needed = FAMILIES[family][1]
    p = {}
    for name in needed:
        v = params.get(name)
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise InvalidParameterError(f"cnfgen {family} needs {name} >= 1, got {v!r}")
        p[name] = v
    extra = set(params) - set(needed)
    if extra:
        raise InvalidParameterError(f"cnfgen {family} takes no {', '.join(sorted(extra))}")
    try:
        import cnfgen
    except ImportError:
        raise SolverUnavailableError("cnfgen is not installed; install it with: pip install cnfgen  "
                                     "(or: pip install 'reluhard[cnfgen]')") from None
    if family == "pigeonhole":
        F = cnfgen.PigeonholePrinciple(p["pigeons"], p["holes"])
    elif family == "parity":
        F = cnfgen.CountingPrinciple(p["n"], 2)
    elif family == "ordering":
        F = cnfgen.OrderingPrinciple(p["n"])
    else:
        import networkx as nx

        n, d = p["n"], p["d"]
        if d >= n or (n * d) % 2:
            raise InvalidParameterError(f"no {d}-regular graph on {n} vertices (need d < n and n*d even)")
        from reluhard.seeding import as_generator

        rng = as_generator(seed)
        for _ in range(100):  # a connected one, so the odd charge makes the formula unsatisfiable
            G = nx.random_regular_graph(d, n, seed=int(rng.integers(2**32)))
            if nx.is_connected(G):
                break
        else:
            raise InvalidParameterError(f"no connected {d}-regular graph on {n} vertices found in 100 draws")
        F = cnfgen.TseitinFormula(G)
    cnf = CNF(from_clauses=[list(c) for c in F])
    cnf.nv = int(F.number_of_variables())
    from cnfgen.version import version

    meta = {"generator": f"cnfgen-{family}", "params": p, "cnfgen_version": version,
            "known_status": _status(family, p)}
    if family == "tseitin":
        meta["seed"] = seed
    return cnf, meta
