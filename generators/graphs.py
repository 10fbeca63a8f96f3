"""Random graphs with planted structure: G(n,p), planted clique / dense subgraph, k-partite.

Every function returns a ``networkx.Graph`` on the vertices ``0..n-1``
(inserted in order) whose ``G.graph["reluhard"]`` dict holds the metadata:
``generator``, ``params``, ``seed``, ``n_vertices`` and, for planted
instances, ``certificate = {"set": [sorted 0-based vertices], "edges": e}``
(the number of edges inside the planted set).

k-partite variants (``n_parts=K``) split the vertices into K contiguous,
balanced parts (sizes differ by at most one, larger parts first; recorded
as ``part_sizes``); the background graph has edges only between different
parts, and a planted set takes at most one vertex per part.
"""

import networkx as nx
import numpy as np

from reluhard.errors import InvalidParameterError

from ._common import check_allocation, check_count, check_probability, resolve_seed

__all__ = ["gnp", "planted_clique", "planted_dense_subgraph", "complete_multipartite", "part_sizes"]


def part_sizes(n, n_parts):
    """Sizes of ``n_parts`` balanced contiguous parts of ``range(n)`` (larger first)."""
    q, r = divmod(n, n_parts)
    return [q + 1] * r + [q] * (n_parts - r)


def _pair_index_to_edges(idx):
    """Map linear indices t of pairs i < j (t = j(j-1)/2 + i) to an (E, 2) array."""
    j = np.floor((1 + np.sqrt(1 + 8 * idx.astype(np.float64))) / 2).astype(np.int64)
    j -= (j * (j - 1)) // 2 > idx  # correct float rounding either way
    j += ((j + 1) * j) // 2 <= idx
    i = idx - (j * (j - 1)) // 2
    return np.stack([i, j], axis=1)


def _sample_gnp_edges(rng, n, p, parts):
    """Edges of G(n,p) (or its k-partite version) as a sorted (E, 2) int64 array.

    Exact G(n,p): the edge count is Binomial(N, p) over the N admissible pairs
    and the pairs are a uniform subset of that size (``Generator.choice``
    without replacement), mapped from linear pair indices. O(N p) expected
    time and memory for sparse p, never O(n^2) Python work.
    """
    total = n * (n - 1) // 2
    count = int(rng.binomial(total, p)) if total else 0
    if parts is None:
        idx = np.sort(rng.choice(total, size=count, replace=False)) if count else np.zeros(0, dtype=np.int64)
        return _pair_index_to_edges(idx)
    # k-partite: sample among all pairs with a rejection top-up for the same-part pairs
    label = np.repeat(np.arange(len(parts)), parts)
    same = sum(s * (s - 1) // 2 for s in parts)
    admissible = total - same
    count = int(rng.binomial(admissible, p)) if admissible else 0
    chosen = np.zeros(0, dtype=np.int64)
    while len(chosen) < count:
        need = count - len(chosen)
        draw = rng.choice(total, size=min(total, 2 * need + 16), replace=False)
        e = _pair_index_to_edges(draw)
        draw = draw[label[e[:, 0]] != label[e[:, 1]]]
        merged = np.concatenate([chosen, draw])
        _, first = np.unique(merged, return_index=True)
        chosen = merged[np.sort(first)]
    return _pair_index_to_edges(np.sort(chosen[:count]))


def _build(n, edges, meta):
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges.tolist())
    G.graph["reluhard"] = meta
    return G


def _check_common(n, p, n_parts):
    n = check_count(n, "n")
    p = check_probability(p, "p")
    check_allocation(n + int(p * n * (n - 1) / 2), f"G(n = {n}, p = {p}) (vertices + expected edges)")
    parts = None
    if n_parts is not None:
        n_parts = check_count(n_parts, "n_parts", min_val=1)
        if n_parts > max(n, 1):
            raise InvalidParameterError(f"n_parts = {n_parts} exceeds n = {n}")
        parts = part_sizes(n, n_parts)
    return n, p, n_parts, parts


def _meta(name, params, seed, n, parts, certificate=None):
    meta = {"generator": name, "params": params, "seed": seed, "n_vertices": n, "certificate": certificate}
    if parts is not None:
        meta["part_sizes"] = parts
    return meta


def gnp(n, p, *, n_parts=None, seed=None):
    """Erdos-Renyi G(n, p), or its k-partite version.

    Parameters
    ----------
    n : int
        Number of vertices.
    p : float
        Edge probability in [0, 1].
    n_parts : int, optional
        If given, only pairs in different parts (see module docstring) are
        edges, each independently with probability p.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    networkx.Graph

    Notes
    -----
    Expected O(n + p n^2) time and memory (vectorised sampling; building the
    networkx graph dominates). Same law as ``networkx.fast_gnp_random_graph``
    but a different (numpy) random stream.

    Examples
    --------
    >>> G = gnp(100, 0.05, seed=1)
    >>> G.number_of_nodes(), G.graph["reluhard"]["generator"]
    (100, 'gnp')
    """
    n, p, n_parts, parts = _check_common(n, p, n_parts)
    rng, recorded = resolve_seed(seed)
    edges = _sample_gnp_edges(rng, n, p, parts)
    return _build(n, edges, _meta("gnp", {"n": n, "p": p, "n_parts": n_parts}, recorded, n, parts))


def _plant(rng, n, kappa, parts):
    """A uniform random kappa-set (one vertex from each of kappa random parts when k-partite)."""
    if parts is None:
        return np.sort(rng.choice(n, size=kappa, replace=False))
    offsets = np.r_[0, np.cumsum(parts)[:-1]]
    which = np.sort(rng.choice(len(parts), size=kappa, replace=False))
    return offsets[which] + rng.integers(0, np.asarray(parts, dtype=np.int64)[which])


def planted_dense_subgraph(n, p, kappa, density, *, n_parts=None, seed=None):
    """G(n, p) with a planted kappa-set S whose induced subgraph has a given density.

    The background edges inside S are removed and exactly
    ``round(density * C(kappa, 2))`` pairs of S, chosen uniformly, become
    edges; so S spans exactly that many edges (recorded as the certificate).

    Parameters
    ----------
    n : int
    p : float
        Background edge probability.
    kappa : int
        Size of the planted set, 0 <= kappa <= n (<= n_parts when k-partite).
    density : float
        Edge density inside S, in [0, 1]; 1 plants a clique.
    n_parts : int, optional
        k-partite variant.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    networkx.Graph
        ``G.graph["reluhard"]["certificate"] == {"set": sorted S, "edges": e}``.

    Raises
    ------
    InvalidParameterError
        p or density outside [0, 1], kappa > n or kappa > n_parts.

    Notes
    -----
    O(n + p n^2 + kappa^2) expected time and memory.
    """
    return _planted("planted-dense", n, p, kappa, density, n_parts, seed)


def planted_clique(n, p, kappa, *, n_parts=None, seed=None):
    """G(n, p) with a clique planted on a uniform random kappa-set; see :func:`planted_dense_subgraph`.

    Examples
    --------
    >>> G = planted_clique(50, 0.1, 6, seed=2)
    >>> S = G.graph["reluhard"]["certificate"]["set"]
    >>> all(G.has_edge(u, v) for u in S for v in S if u < v)
    True
    """
    return _planted("planted-clique", n, p, kappa, 1.0, n_parts, seed)


def _planted(name, n, p, kappa, density, n_parts, seed):
    n, p, n_parts, parts = _check_common(n, p, n_parts)
    kappa = check_count(kappa, "kappa")
    density = check_probability(density, "density")
    if kappa > n:
        raise InvalidParameterError(f"kappa = {kappa} exceeds n = {n}")
    if parts is not None and kappa > len(parts):
        raise InvalidParameterError(f"kappa = {kappa} exceeds the number of parts {len(parts)} (one vertex per part)")
    rng, recorded = resolve_seed(seed)
    edges = _sample_gnp_edges(rng, n, p, parts)
    S = _plant(rng, n, kappa, parts)
    inside = np.zeros(n, dtype=bool)
    inside[S] = True
    edges = edges[~(inside[edges[:, 0]] & inside[edges[:, 1]])]
    n_pairs = kappa * (kappa - 1) // 2
    n_inside = int(round(density * n_pairs))
    pick = _pair_index_to_edges(np.sort(rng.choice(n_pairs, size=n_inside, replace=False))) if n_inside else np.zeros((0, 2), np.int64)
    edges = np.concatenate([edges, S[pick]])
    params = {"n": n, "p": p, "kappa": kappa, "n_parts": n_parts}
    if name == "planted-dense":
        params["density"] = density
    cert = {"set": S.tolist(), "edges": n_inside}
    return _build(n, edges, _meta(name, params, recorded, n, parts, cert))


def complete_multipartite(sizes):
    """The complete multipartite graph K_{b1,...,br}: contiguous parts, all cross edges.

    Deterministic (no seed). ``G.graph["reluhard"]["part_sizes"]`` lists the
    sizes; the largest kappa-set with most edges takes vertices from parts as
    evenly as possible.

    Raises
    ------
    InvalidParameterError
        No parts, or a negative part size.

    Notes
    -----
    O(n^2) edges.
    """
    sizes = [check_count(b, "part size") for b in sizes]
    if not sizes:
        raise InvalidParameterError("complete_multipartite needs at least one part")
    n = sum(sizes)
    label = np.repeat(np.arange(len(sizes)), sizes)
    i, j = np.triu_indices(n, k=1)
    keep = label[i] != label[j]
    edges = np.stack([i[keep], j[keep]], axis=1)
    return _build(n, edges, _meta("complete-multipartite", {"sizes": sizes}, None, n, sizes))
