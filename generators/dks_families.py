"""Named hard families for R4 (dks-relu), each carrying its DkS certificate.

* :func:`multipartite_no` -- complete multipartite K_{b,...,b} (r parts): a NO
  instance for kappa > r with the exact optimum in closed form (balanced
  choice; C(k,2) is convex), the cardinality-drift family of the design note.
* :func:`drift_instance` -- K_{10,10,10}, kappa = 6, delta = 1/5: with mu = 1
  the drift point (4 vertices per part, -5/3 elsewhere) has loss 308 < 315 = c.
* :func:`negative_anchor_graph` -- n = 6, kappa = 4, delta = 1/6: with
  A = lam = 1 even mu = 64 leaves min - c = 0.632 < delta C = 1.

The certificate in ``G.graph["reluhard"]["certificate"]`` is
``{"kappa", "max_edges", "delta", "set", "source"}`` (exact, proved).
"""

from fractions import Fraction
from math import comb

import networkx as nx

from reluhard.errors import InvalidParameterError

from ._common import check_count
from .graphs import complete_multipartite

__all__ = ["multipartite_no", "drift_instance", "negative_anchor_graph", "NEGATIVE_ANCHOR_EDGES"]

NEGATIVE_ANCHOR_EDGES = ((0, 3), (0, 4), (0, 5), (1, 3), (1, 4), (1, 5), (2, 4), (2, 5), (3, 4), (3, 5))


def _certify(G, kappa, max_edges, witness, source):
    C = comb(kappa, 2)
    meta = G.graph.setdefault("reluhard", {})
    meta["kappa"] = kappa
    meta["certificate"] = {
        "kappa": kappa,
        "max_edges": int(max_edges),
        "delta": None if max_edges == C else str(Fraction(C - max_edges, C)),
        "set": [int(v) for v in witness],
        "source": source,
    }
    return G


def multipartite_no(b, r, kappa):
    """K_{b,...,b} with r parts and its exact DkS certificate at ``kappa``.

    The best kappa-set takes k_i in {floor(kappa/r), ceil(kappa/r)} from each
    part (sum C(k_i,2) is convex and separable), spanning
    C(kappa,2) - sum C(k_i,2) edges. NO (delta > 0) iff kappa > r.

    Raises
    ------
    InvalidParameterError
        b < 1, r < 1, or kappa outside 2..b r.
    """
    b = check_count(b, "b", min_val=1)
    r = check_count(r, "r", min_val=1)
    kappa = check_count(kappa, "kappa", min_val=2, max_val=b * r)
    q, rem = divmod(kappa, r)
    if q + (rem > 0) > b:  # pragma: no cover - excluded by kappa <= b r
        raise InvalidParameterError("kappa too large for the parts")
    ks = [q + 1] * rem + [q] * (r - rem)
    e = comb(kappa, 2) - sum(comb(k, 2) for k in ks)
    witness = [i * b + j for i, k in enumerate(ks) for j in range(k)]
    G = complete_multipartite([b] * r)
    G.graph["reluhard"]["generator"] = "multipartite-no"
    return _certify(G, kappa, e, witness, "closed form (balanced parts)")


def drift_instance():
    """K_{10,10,10} with kappa = 6: max edges 12, delta = 1/5."""
    return multipartite_no(10, 3, 6)


def negative_anchor_graph():
    """The n = 6, kappa = 4 graph of the negative-anchor counterexample (max edges 5, delta = 1/6)."""
    G = nx.Graph()
    G.add_nodes_from(range(6))
    G.add_edges_from(NEGATIVE_ANCHOR_EDGES)
    G.graph["reluhard"] = {"generator": "negative-anchor", "params": {}, "seed": None, "n_vertices": 6}
    return _certify(G, 4, 5, [0, 3, 4, 5], "exhaustive (15 four-sets)")
