"""Exact min #falsified clauses by connected components (independent check of block unions).

The clauses of a CNF split into the connected components of its variable
interaction graph; assignments of different components are independent, so
min #falsified = sum over components (the composition lemma of
``docs/datasets.md`` §1). Each component is solved exactly (CDCL, then RC2);
components equal up to an order-preserving renaming of their variables share
one solve. On a block union this certifies u without trusting the generator,
in time linear in the number of blocks.
"""

import time

import numpy as np

from .base import CombinatorialResult

__all__ = ["components", "min_unsat_components", "min_unsat_components_oracle"]


def components(C, n):
    """(labels of the clauses, number of components) of an (m, k) literal array over n variables."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    C = np.asarray(C, dtype=np.int64)
    if C.size == 0:
        return np.zeros(0, dtype=np.int64), 0
    a = np.abs(C) - 1
    rows = np.repeat(a[:, 0], a.shape[1] - 1)
    cols = a[:, 1:].ravel()
    A = sp.coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, lab = connected_components(A, directed=False)
    # relabel to the components that hold clauses, 0..c-1
    used, clause_lab = np.unique(lab[a[:, 0]], return_inverse=True)
    return clause_lab.astype(np.int64), int(len(used))


def min_unsat_components(cnf, *, time_limit=None, max_component=200):
    """Exact (u, optimal assignment) by components.

    Raises
    ------
    InvalidParameterError
        A component has more than ``max_component`` variables (use RC2 on the whole formula).
    BudgetExhausted
        ``time_limit`` passed.
    """
    from reluhard.errors import BudgetExhausted, InvalidParameterError
    from reluhard.generators.blocks import block_min_unsat
    from reluhard.structures.cnf import clause_matrix, n_vars

    t0 = time.perf_counter()
    C = clause_matrix(cnf, 3)
    n = n_vars(cnf)
    lab, nc = components(C, n)
    order = np.argsort(lab, kind="stable")
    bounds = np.searchsorted(lab[order], np.arange(nc + 1))
    assign = np.arange(1, n + 1, dtype=np.int64) * -1
    cache = {}
    total = 0
    for c in range(nc):
        if time_limit is not None and time.perf_counter() - t0 > time_limit:
            raise BudgetExhausted(f"component-wise MaxSAT did not finish within {time_limit} s")
        cl = C[order[bounds[c]:bounds[c + 1]]]
        vs, inv = np.unique(np.abs(cl), return_inverse=True)
        if len(vs) > max_component:
            raise InvalidParameterError(f"a component has {len(vs)} variables (> {max_component}): not a block union")
        local = (np.sign(cl) * (inv.reshape(cl.shape) + 1)).astype(np.int64)
        key = (len(vs), np.sort(local, axis=1)[np.lexsort(np.sort(local, axis=1).T[::-1])].tobytes())
        if key not in cache:
            cache[key] = block_min_unsat(local, len(vs))
        u, wit = cache[key]
        total += u
        w = np.asarray(wit, dtype=np.int64)
        assign[vs - 1] = np.sign(w) * vs
    return total, assign.tolist(), nc, len(cache)


def min_unsat_components_oracle(cnf, *, time_limit=None):
    """Combinatorial oracle (same answer type as ``sat.min_unsat_oracle``) by components."""
    from reluhard.errors import BudgetExhausted

    t0 = time.perf_counter()
    try:
        u, model, nc, distinct = min_unsat_components(cnf, time_limit=time_limit)
    except BudgetExhausted:
        return CombinatorialResult("maxsat", None, None, False, {}, time.perf_counter() - t0, status="timeout")
    return CombinatorialResult("maxsat", u, model, True, {"min_unsat": u}, time.perf_counter() - t0,
                               extra={"method": "components", "components": nc, "distinct_components": distinct})
