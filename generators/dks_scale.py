"""Certified DkS YES/NO pairs at any size: complete multipartite graphs and a one-edge twin.

NO: G = K_{b,...,b} with r = kappa - 1 parts (b >= 2). A kappa-set with k_i
vertices in part i spans C(kappa,2) - sum_i C(k_i,2) edges; sum k_i = kappa >
r forces some k_i >= 2, so every kappa-set misses >= 1 edge, and one part with
2 and the others with 1 misses exactly one: max edges = C(kappa,2) - 1,
delta = 1/C(kappa,2) (Turan-type closed form; ``docs/datasets.md`` §3).

YES twin: the same graph plus one edge {p, q} inside a part: {p, q} plus one
vertex of every other part is a kappa-clique, max edges = C(kappa,2). The two
graphs differ in one edge out of ~ n^2 (1 - 1/r)/2, so degree statistics do
not tell them apart (the reported statistics say how close they are).

Vertex labels are permuted by the seed; the certificate
``{"kappa", "max_edges", "delta", "set", "source"}`` is in
``G.graph["reluhard"]["certificate"]`` (the set is a witness: the answer key).
"""

from fractions import Fraction
from math import comb

import networkx as nx
import numpy as np

from ._common import check_count, resolve_seed

__all__ = ["multipartite_pair", "multipartite_union", "multipartite_profile", "union_profile", "graph_statistics"]


def multipartite_pair(kappa, b, *, kind="no", seed=None):
    """The NO graph K_{b x (kappa-1)} or its one-edge YES twin, vertices permuted by the seed.

    Parameters
    ----------
    kappa : int >= 3
    b : int >= 2, part size (n = b (kappa - 1))
    kind : "no" | "yes"
    """
    from reluhard.errors import InvalidParameterError

    kappa = check_count(kappa, "kappa", min_val=3)
    b = check_count(b, "b", min_val=2)
    if kind not in ("yes", "no"):
        raise InvalidParameterError(f"kind must be 'yes' or 'no', got {kind!r}")
    rng, recorded = resolve_seed(seed)
    r = kappa - 1
    n = b * r
    label = np.repeat(np.arange(r), b)
    i, j = np.triu_indices(n, k=1)
    keep = label[i] != label[j]
    edges = np.stack([i[keep], j[keep]], axis=1)
    witness = [0, 1] + [p * b for p in range(1, r)]  # two vertices of part 0, one of each other part
    if kind == "yes":
        edges = np.concatenate([edges, [[0, 1]]])
    perm = rng.permutation(n)
    edges = np.sort(perm[edges], axis=1)
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))]
    C = comb(kappa, 2)
    max_edges = C if kind == "yes" else C - 1
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges.tolist())
    G.graph["reluhard"] = {
        "generator": "multipartite-pair",
        "params": {"kappa": kappa, "b": b, "kind": kind},
        "seed": recorded,
        "n_vertices": n,
        "kappa": kappa,
        "certificate": {
            "kappa": kappa,
            "max_edges": max_edges,
            "delta": None if kind == "yes" else str(Fraction(1, C)),
            "set": sorted(int(v) for v in perm[witness]),
            "source": "closed form: K_{b x (kappa-1)} misses >= 1 edge per kappa-set" + ("; plus one edge inside a part (kappa-clique)" if kind == "yes" else ""),
        },
        "statistics": graph_statistics(n, edges),
    }
    return G


def multipartite_profile(b, r, extra_edge=False):
    """f(k) = max edges spanned by k vertices of K_{b x r} (plus one edge inside a part), k = 0..b r.

    Balanced choice: C(k,2) - sum_i C(k_i,2) with k_i in {floor(k/r), ceil(k/r)} (separable convex).
    With the extra edge inside a part: +1 as soon as some part must hold 2 (k > r), because a
    balanced choice can put a doubled part on the edge, and any unbalanced choice loses >= 1.
    """
    out = []
    for k in range(b * r + 1):
        q, rem = divmod(k, r)
        f = comb(k, 2) - rem * comb(q + 1, 2) - (r - rem) * comb(q, 2)
        out.append(f + (1 if extra_edge and k > r else 0))
    return out


def union_profile(profiles, kappa):
    """Max edges of a kappa-set in a disjoint union: max over k_1 + ... + k_t = kappa of sum f_i(k_i).

    Edges of a vertex set in a disjoint union are the sums of its parts' edges, and the parts
    are chosen independently: a max-plus convolution (exact, O(t kappa^2)).
    """
    NEG = -1
    best = [0] + [NEG] * kappa
    for f in profiles:
        new = [NEG] * (kappa + 1)
        for have in range(kappa + 1):
            if best[have] == NEG:
                continue
            for k in range(min(len(f) - 1, kappa - have) + 1):
                v = best[have] + f[k]
                if v > new[have + k]:
                    new[have + k] = v
        best = new
    return best[kappa]


def multipartite_union(kappa, b, copies, *, kind="no", seed=None):
    """``copies`` disjoint copies of K_{b x (kappa-1)}; YES: one copy gets an edge inside a part.

    max edges (:func:`union_profile` of the copies' :func:`multipartite_profile`) = C(kappa,2) - 1
    (NO) or C(kappa,2) (YES): a kappa-set split over several copies loses every cross pair.
    n = copies b (kappa-1) with O(n b kappa) edges, so large sparse instances stay certified.
    """
    from reluhard.errors import InvalidParameterError

    kappa = check_count(kappa, "kappa", min_val=3)
    b = check_count(b, "b", min_val=2)
    copies = check_count(copies, "copies", min_val=1)
    if kind not in ("yes", "no"):
        raise InvalidParameterError(f"kind must be 'yes' or 'no', got {kind!r}")
    rng, recorded = resolve_seed(seed)
    r = kappa - 1
    nb = b * r
    label = np.repeat(np.arange(r), b)
    i, j = np.triu_indices(nb, k=1)
    keep = label[i] != label[j]
    one = np.stack([i[keep], j[keep]], axis=1)
    edges = np.concatenate([one + c * nb for c in range(copies)])
    if kind == "yes":
        edges = np.concatenate([edges, [[0, 1]]])
    n = nb * copies
    profiles = [multipartite_profile(b, r, extra_edge=(kind == "yes" and c == 0)) for c in range(copies)]
    max_edges = union_profile(profiles, kappa)
    witness = [0, 1] + [p * b for p in range(1, r)]
    perm = rng.permutation(n)
    edges = np.sort(perm[edges], axis=1)
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))]
    C = comb(kappa, 2)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges.tolist())
    G.graph["reluhard"] = {
        "generator": "multipartite-union",
        "params": {"kappa": kappa, "b": b, "copies": copies, "kind": kind},
        "seed": recorded,
        "n_vertices": n,
        "kappa": kappa,
        "certificate": {
            "kappa": kappa,
            "max_edges": int(max_edges),
            "delta": None if max_edges == C else str(Fraction(C - max_edges, C)),
            "set": sorted(int(v) for v in perm[witness]),
            "source": "closed form per copy (Turan-type) + max-plus convolution over the disjoint copies (docs/datasets.md §3)",
        },
        "statistics": graph_statistics(n, edges),
    }
    return G


def graph_statistics(n, edges):
    """Degree statistics (what a solver could use to tell the YES twin apart)."""
    deg = np.bincount(np.asarray(edges).ravel(), minlength=n) if len(edges) else np.zeros(n, dtype=np.int64)
    return {"n_vertices": int(n), "n_edges": int(len(edges)), "degree_min": int(deg.min()), "degree_max": int(deg.max()),
            "degree_mean": round(float(deg.mean()), 6), "degree_std": round(float(deg.std()), 6)}
