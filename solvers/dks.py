"""Exact Densest kappa-Subgraph: the most edges spanned by kappa vertices (maximised).

Four exact methods that cross-check one another in the tests:

``clique``
    networkx maximum clique; decides the YES case (omega >= kappa => C(kappa,2)).
    When omega < kappa it also certifies the Turán bound max_edges <= t(kappa, omega)
    (a kappa-subgraph of a K_{omega+1}-free graph is K_{omega+1}-free).
``multipartite``
    closed form on complete multipartite graphs (complement = disjoint cliques):
    take k_i vertices from part i, minimising sum C(k_i, 2) by water-filling
    (separable convex, so greedy is optimal).
``brute``
    all C(n, kappa) subsets, vectorised in chunks (tiny graphs only).
``mip``
    SCIP (pyscipopt, imported lazily): binary x_v, continuous y_uv <= x_u, x_v for
    edges, sum x = kappa, degree cuts sum_{u ~ v} y_uv <= (kappa - 1) x_v,
    maximise sum y. On a time limit the dual bound still certifies an upper bound.

``auto`` tries clique, multipartite, brute (when C(n,kappa) is small), then mip.

Vertex ids are 0-based positions (``reluhard.structures.graph.graph_order``);
(The CLI's JSON, with the 1-based ids of the DIMACS convention, is written by ``reluhard solve dks``.)
"""

import itertools
import time
from fractions import Fraction
from math import comb

import networkx as nx
import numpy as np

from reluhard.errors import InvalidParameterError
from reluhard.structures.cnf import instance_meta
from reluhard.structures.graph import adjacency, edge_array, edges_in, graph_order, peel_to, turan_edges

from .base import CombinatorialResult, require

__all__ = [
    "densest_k_subgraph",
    "brute_force_dks",
    "mip_dks",
    "clique_dks",
    "multipartite_dks",
    "dks_oracle",
    "dks_certificate",
]

METHODS = ("auto", "clique", "multipartite", "brute", "mip")


def _check_kappa(kappa, n):
    if isinstance(kappa, bool) or not isinstance(kappa, (int, np.integer)):
        raise InvalidParameterError(f"kappa must be an integer, got {kappa!r}")
    if kappa < 2:
        raise InvalidParameterError(f"kappa must be >= 2, got {kappa}")
    if kappa > n:
        raise InvalidParameterError(f"kappa {kappa} exceeds the number of vertices {n}")
    return int(kappa)


def dks_certificate(kappa, max_edges=None, *, upper=None, best=None):
    """The cert dict the dks-relu bounds take: max_edges (exact) or max_edges_upper/best_edges,
    and delta = 1 - e/C(kappa,2) when that is > 0 (the NO promise it certifies); for a
    YES instance (e = C) delta = 1/C(kappa,2), the weakest NO promise, which is always
    true of every non-clique kappa-set and fixes the reduction's parameters."""
    C = comb(kappa, 2)
    out = {"kappa": kappa}
    if max_edges is not None:
        out["max_edges"] = int(max_edges)
        ub = max_edges
    else:
        out["max_edges_upper"] = int(upper)
        if best is not None:
            out["best_edges"] = int(best)
        ub = upper
    if ub < C:
        out["delta"] = Fraction(C - ub, C)
    elif max_edges is not None:
        out["delta"] = Fraction(1, C)
    return out


def brute_force_dks(G, kappa, *, max_subsets=5_000_000, chunk=200_000):
    """(max_edges, witness) over all kappa-subsets; O(C(n,kappa) kappa^2) time.

    Raises InvalidParameterError when C(n, kappa) > max_subsets.
    """
    n, E = edge_array(G)
    kappa = _check_kappa(kappa, n)
    total = comb(n, kappa)
    if total > max_subsets:
        raise InvalidParameterError(f"brute force needs C({n},{kappa}) = {total} subsets > max_subsets = {max_subsets}")
    Adj = adjacency(n, E).astype(np.int16)
    I, J = np.triu_indices(kappa, 1)
    it = itertools.combinations(range(n), kappa)
    best, arg = -1, None
    while True:
        block = np.fromiter(itertools.chain.from_iterable(itertools.islice(it, chunk)), dtype=np.int64)
        if block.size == 0:
            break
        S = block.reshape(-1, kappa)
        cnt = Adj[S[:, I], S[:, J]].sum(axis=1)
        i = int(cnt.argmax())
        if cnt[i] > best:
            best, arg = int(cnt[i]), S[i]
    return best, [int(v) for v in arg]


def clique_dks(G, kappa):
    """(omega, witness_or_None): a kappa-subset of a maximum clique when omega >= kappa."""
    order = graph_order(G)
    pos = {v: i for i, v in enumerate(order)}
    H = nx.Graph()
    H.add_nodes_from(range(len(order)))
    H.add_edges_from((pos[a], pos[b]) for a, b in G.edges() if a != b)
    clique, omega = nx.max_weight_clique(H, weight=None)
    if omega >= kappa:
        return omega, sorted(int(v) for v in clique)[:kappa]
    return omega, None


def multipartite_parts(n, Adj):
    """The parts if the graph is complete multipartite (non-adjacency is an equivalence), else None."""
    NA = ~Adj
    np.fill_diagonal(NA, True)
    labels = NA.argmax(axis=1)  # first non-neighbour (or self) of each vertex
    if not (NA == (labels[:, None] == labels[None, :])).all():
        return None
    return [np.flatnonzero(labels == lab) for lab in np.unique(labels)]


def multipartite_dks(parts, kappa):
    """Closed-form DkS on a complete multipartite graph: (max_edges, witness).

    Choosing k_i from part i spans C(kappa,2) - sum C(k_i,2) edges; adding
    each vertex to a smallest non-full k_i minimises the convex separable sum.
    """
    k = np.zeros(len(parts), dtype=np.int64)
    cap = np.array([len(P) for P in parts])
    for _ in range(kappa):
        avail = np.flatnonzero(k < cap)
        k[avail[k[avail].argmin()]] += 1
    witness = sorted(int(v) for P, ki in zip(parts, k) for v in P[:ki])
    return comb(kappa, 2) - sum(comb(int(ki), 2) for ki in k), witness


def mip_dks(G, kappa, *, time_limit=None, seed=0, start=None):
    """SCIP MIP. Returns (best, witness, upper_bound, proven)."""
    scip = require("pyscipopt")
    n, E = edge_array(G)
    kappa = _check_kappa(kappa, n)
    Adj = adjacency(n, E)
    if start is None:
        start = peel_to(Adj, range(n), kappa)
    m = scip.Model("dks")
    m.hideOutput()
    m.setParam("randomization/randomseedshift", int(seed) % 2**31)
    if time_limit is not None:
        m.setParam("limits/time", float(time_limit))
    x = [m.addVar(vtype="B", name=f"x{v}") for v in range(n)]
    y = [m.addVar(lb=0, ub=1, vtype="C", name=f"y{u}_{v}") for u, v in E]
    for (u, v), yy in zip(E, y):
        m.addCons(yy <= x[u])
        m.addCons(yy <= x[v])
    m.addCons(scip.quicksum(x) == kappa)
    inc = [[] for _ in range(n)]
    for (u, v), yy in zip(E, y):
        inc[u].append(yy)
        inc[v].append(yy)
    for v in range(n):
        if len(inc[v]) > kappa - 1:
            m.addCons(scip.quicksum(inc[v]) <= (kappa - 1) * x[v])
    m.addCons(scip.quicksum(y) <= comb(kappa, 2))
    m.setObjective(scip.quicksum(y), "maximize")
    sol = m.createSol()
    Sset = set(start)
    for v in range(n):
        m.setSolVal(sol, x[v], 1.0 if v in Sset else 0.0)
    for (u, v), yy in zip(E, y):
        m.setSolVal(sol, yy, 1.0 if (u in Sset and v in Sset) else 0.0)
    m.addSol(sol)
    m.optimize()
    best_sol = m.getBestSol()
    witness = sorted(v for v in range(n) if m.getSolVal(best_sol, x[v]) > 0.5)
    best = edges_in(Adj, witness)  # re-evaluated exactly
    upper = min(comb(kappa, 2), int(np.floor(m.getDualbound() + 1e-6)))
    proven = m.getStatus() == "optimal" or upper <= best
    return best, witness, max(upper, best), proven


def densest_k_subgraph(G, kappa, *, method="auto", time_limit=None, seed=0, brute_limit=200_000):
    """Exact densest kappa-subgraph.

    Parameters
    ----------
    G : networkx.Graph
    kappa : int, 2 <= kappa <= n
    method : {"auto", "clique", "multipartite", "brute", "mip"}
    time_limit : float or None
        SCIP's own time limit (mip); on expiry the result is unproven and its
        cert holds the certified upper bound (dual bound, Turán bound).
    seed : int
    brute_limit : int
        ``auto`` uses brute force when C(n, kappa) <= brute_limit.

    Returns
    -------
    CombinatorialResult
        problem "dks", value = max edges (maximised), witness = 0-based vertex
        list, cert = :func:`dks_certificate`.

    Raises
    ------
    InvalidParameterError
        kappa outside 2..n, unknown method, or the chosen method does not apply.
    """
    t0 = time.perf_counter()
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    n, E = edge_array(G)
    kappa = _check_kappa(kappa, n)
    C = comb(kappa, 2)
    Adj = adjacency(n, E)

    def done(value, witness, used, upper=None):
        proven = upper is None or upper <= value
        cert = dks_certificate(kappa, value) if proven else dks_certificate(kappa, upper=upper, best=value)
        return CombinatorialResult("dks", value, witness, proven, cert, time.perf_counter() - t0,
                                   "optimal" if proven else "limit", {"method": used, "kappa": kappa})

    if method in ("auto", "clique"):
        omega, wit = clique_dks(G, kappa)
        if wit is not None:
            return done(C, wit, "clique")
        turan = turan_edges(kappa, omega)
        if method == "clique":
            raise InvalidParameterError(f"no {kappa}-clique (omega = {omega}); method 'clique' decides only the YES case")
    else:
        turan = C
    if method in ("auto", "multipartite"):
        parts = multipartite_parts(n, Adj)
        if parts is not None:
            return done(*multipartite_dks(parts, kappa), "multipartite")
        if method == "multipartite":
            raise InvalidParameterError("the graph is not complete multipartite")
    if method == "brute" or (method == "auto" and comb(n, kappa) <= brute_limit):
        return done(*brute_force_dks(G, kappa), "brute")
    best, wit, upper, proven = mip_dks(G, kappa, time_limit=time_limit, seed=seed)
    return done(best, wit, "mip", None if proven else min(upper, turan))


def dks_oracle(G, *, kappa=None, time_limit=None, seed=0):
    """ORACLES["graph"]: exact DkS at ``kappa`` (default: the instance metadata's kappa)."""
    if kappa is None:
        kappa = instance_meta(G).get("kappa")
        if kappa is None:
            raise InvalidParameterError("the DkS oracle needs kappa (--kappa K); the instance metadata names none")
    return densest_k_subgraph(G, int(kappa), time_limit=time_limit, seed=seed)
