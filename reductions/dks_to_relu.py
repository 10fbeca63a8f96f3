"""R4: Densest kappa-Subgraph -> training one ReLU (square loss).

A graph G on n vertices, a size kappa >= 2 and a promise delta in (0, 1]
(C = C(kappa, 2)) become a weighted training set whose minimum loss is at
most c = n mu + |E| - C when G has a kappa-clique (YES), and at least
c + delta C when every kappa-set spans at most (1 - delta) C edges (NO),
provided mu, lambda, A satisfy the soft conditions below ([GKMR21]_, the
DkS-based hardness of proper learning one ReLU; constants and proof in
``docs/reductions/dks-relu.md``).

Column layout: column 0 is the anchor e_0 (its weight acts as the bias),
column v + 1 is vertex v (0..n-1).

Rows (in this order)

===============================  ==========  =======  ========================
point                            label       weight   name
===============================  ==========  =======  ========================
e_0                              1           A        anchor gadget
e_v and -e_v, v = 0..n-1         1           mu each  vertex gadget of v
z+- = +-(sum_v e_v + (n-2k) e_0)  0           lam each cardinality gadget
e_u + e_v - e_0, all u < v       [uv in E]   1        pair gadget (triu order)
===============================  ==========  =======  ========================

Maps
----
forward : (G, kappa) -> the rows above (1 + 2n + 2 + C(n,2) rows, n + 1 columns).
lift    : set S -> w_0 = 1, w_v = +1 on S, -1 off S (completeness direction).
          L(lift S) = n mu + |E| + C(|S|,2) - 2E(S) + 4 lam (|S| - kappa)^2.
decode  : any w -> S = {v : w_v >= (w_0 - 1)/2}; pad with the largest w_v
          if |S| <= kappa, else peel minimum-degree vertices of G[S].
bounds  : completeness = loss of the lifted best kappa-set = c + 2 missing;
          soundness c + delta C = n mu + |E| - max_edges on NO instances;
          on YES instances only min <= c is proved (a (kappa+1)-clique gives
          an integral point at c - kappa + 8/delta when the params are proven).
guarantee (decoder): missing(S*) <= max(L(w) - c, delta C), and
          missing(S*) < delta C when L(w) < c + delta C. Proved for the
          hard-constrained loss (w_0 = 1, s = 0); for the soft loss it is
          *checked, not proved* (design note §5).

Parameter sets (``--params``)
-----------------------------
proven (default)
    mu = 20n/delta, lam = 2/delta, A = 10n^2/delta (dominates the soft conditions).
exact
    the soft conditions with equality: with mu3 = (n/4)(1/2 + kappa/(delta(kappa-1)))
    and Delta the maximum degree, mu = 8(n-1) + 8 Delta + 6 mu3, lam = 3 mu3/n,
    A = max(|E|, n (mu + 27 mu3)/4).
custom
    any positive mu, lam, A (``--mu``, ``--lam``, ``--anchor``; missing ones
    take the proven values). The soundness bound c + delta C is then a
    *claim*: certified only when the soft conditions happen to hold; otherwise
    meta says ``soundness_certified: false`` and ``verify`` tests the claim.
    O(1) mu is refuted by the cardinality-drift family (:func:`drift_point`).

References
----------
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight Hardness
   Results for Training Depth-2 ReLU Networks. ITCS 2021.

Examples
--------
>>> import networkx as nx
>>> from reluhard.data import exact_loss
>>> G = nx.complete_graph(4)
>>> img = REDUCTION.apply(G, kappa=3, delta=1)
>>> c = img.bounds(max_edges=3).completeness   # n mu + |E| - C = 4*80 + 6 - 3
>>> c, exact_loss(img.target, img.lift([0, 1, 2])) == c
(Fraction(323, 1), True)
"""

from fractions import Fraction
from math import comb, lcm

import numpy as np
import scipy.sparse as sp

from reluhard.data import Network, TrainingSet, frac, frac_str
from reluhard.errors import InvalidParameterError

from reluhard.structures.cnf import instance_meta
from reluhard.structures.graph import adjacency, check_vertex_set, edge_array, edges_in, pair_index, peel_to
from .base import Bounds, ExactPolicy, Guarantee, Option, Reduction
from .sources import DKS

__all__ = [
    "REDUCTION",
    "forward",
    "lift",
    "decode",
    "bounds",
    "value",
    "starts",
    "decoder_guarantee",
    "lift_loss",
    "proven_params",
    "exact_params",
    "soft_conditions",
    "drift_point",
    "provable_box",
    "normalisation",
]

OPTIONS = (
    Option("kappa", "int", None, "size kappa of the dense subgraph (>= 2; default: the instance's metadata)", minimum=2),
    Option("delta", "rational", None, "NO promise: every kappa-set misses >= delta C(kappa,2) edges, 0 < delta <= 1 (default: certificate)"),
    Option("params", "choice", "proven", "proven | exact | custom", choices=("proven", "exact", "custom")),
    Option("mu", "rational", None, "vertex-gadget weight mu (--params custom)"),
    Option("lam", "rational", None, "cardinality-gadget weight lambda (--params custom)"),
    Option("anchor", "rational", None, "anchor weight A (--params custom)"),
    Option("variant", "choice", "plain", "plain | normalized (unit-ball data, weight ball ||w||^2 <= kappa+1 as the "
           "cardinality constraint; eps = Theta(delta/(kappa n^2)))", choices=("plain", "normalized")),
)


def _normalized(p):
    """The normalised construction's module when p belongs to it (``--variant normalized``), else None."""
    if p.get("variant") != "normalized":
        return None
    from . import dks_to_relu_normalized

    return dks_to_relu_normalized


# ---------------------------------------------------------------- parameters

def proven_params(n, delta):
    """The simple proven choice mu = 20n/delta, lam = 2/delta, A = 10 n^2/delta (exact)."""
    d = frac(delta)
    return {"mu": 20 * n / d, "lam": 2 / d, "A": 10 * n * n / d}


def _mu3(n, kappa, delta):
    return Fraction(n, 4) * (Fraction(1, 2) + Fraction(kappa) / (frac(delta) * (kappa - 1)))


def exact_params(n, kappa, delta, max_degree, n_edges):
    """The soft sufficient conditions taken with equality (exact rationals)."""
    mu3 = _mu3(n, kappa, delta)
    mu = 8 * (n - 1) + 8 * max_degree + 6 * mu3
    return {"mu": mu, "lam": 3 * mu3 / n, "A": max(Fraction(n_edges), n * (mu + 27 * mu3) / 4)}


def soft_conditions(n, kappa, delta, max_degree, n_edges, mu, lam, A):
    """The sufficient conditions of the soundness proof, checked exactly.

    Returns a dict name -> {"need": p/q, "have": p/q, "holds": bool} for
    mu >= 8(n-1) + 8 Delta + 6 mu3, lam >= 3 mu3/n, A >= max(|E|, n(mu + 27 mu3)/4).
    All three are monotone in delta: if they hold at delta they hold at every
    delta' in [delta, 1].
    """
    mu3 = _mu3(n, kappa, delta)
    need = {
        "mu": 8 * (n - 1) + 8 * max_degree + 6 * mu3,
        "lam": 3 * mu3 / n,
        "A": max(Fraction(n_edges), n * (frac(mu) + 27 * mu3) / 4),
    }
    have = {"mu": frac(mu), "lam": frac(lam), "A": frac(A)}
    return {k: {"need": frac_str(need[k]), "have": frac_str(have[k]), "holds": have[k] >= need[k]} for k in need}


def _check_delta(d, what="--delta"):
    if not (0 < d <= 1):
        raise InvalidParameterError(f"{what} must be in (0, 1], got {frac_str(d)}")
    return d


def _meta_kappa(meta):
    cert = meta.get("certificate") if isinstance(meta.get("certificate"), dict) else {}
    params = meta.get("params") if isinstance(meta.get("params"), dict) else {}
    for k in (cert.get("kappa"), meta.get("kappa"), params.get("kappa")):
        if k is not None:
            return int(k)
    return None


def _planted_set(meta):
    cert = meta.get("certificate")
    if isinstance(cert, dict) and isinstance(cert.get("set"), (list, tuple)):
        return cert["set"]
    pl = meta.get("planted")
    if isinstance(pl, dict):
        pl = next((pl[k] for k in ("set", "clique", "vertices", "witness") if k in pl), None)
    return pl if isinstance(pl, (list, tuple)) else None


def _metadata_certificate(meta, kappa, n, Adj):
    """What the instance metadata certifies at this kappa: a dict of cert keys
    (max_edges / best_edges / planted), or {}.

    Only what is recounted here on the graph certifies anything: a planted set
    (``certificate.set`` as written by ``reluhard.generators``, or
    ``planted``) whose edges are counted on ``Adj``. A planted clique of size
    >= kappa certifies YES (max_edges = C(kappa,2)); a planted kappa-set a
    lower bound (best_edges). A bare ``max_edges`` / ``max_edges_upper`` /
    ``delta`` in the metadata is an *assumption* (it may be forged): see
    :func:`assumed_certificate`; no bound, box or claim rests on it.
    """
    C = comb(kappa, 2)
    out = {}
    planted = _planted_set(meta)
    if planted is not None:
        try:
            S = check_vertex_set(planted, n, "planted set")
        except InvalidParameterError:
            S = np.zeros(0, dtype=np.int64)
        if len(S) >= kappa and edges_in(Adj, S) == comb(len(S), 2):
            out["max_edges"] = C
            out["planted"] = [int(v) for v in S[:kappa]]
        elif len(S) == kappa:
            out["best_edges"] = edges_in(Adj, S)
            out["planted"] = [int(v) for v in S]
    return out


def assumed_certificate(meta, kappa):
    """The uncertified DkS values of the instance metadata at this kappa (assumptions), or {}.

    ``max_edges`` / ``max_edges_upper`` / ``delta`` from ``certificate`` or the
    top level, when the metadata's kappa (if any) matches. They are recorded
    in the training set's meta under ``bounds.assumptions.metadata_certificate``
    and at most choose the NO promise the parameters are set for (a
    conditional claim, labelled as such): like a forged ``min_unsat`` for
    sat-relu (:func:`reluhard.reductions.sat_to_relu.assumed_min_unsat`), no
    proven value, box or soundness bound rests on them.
    """
    C = comb(kappa, 2)
    cert = meta.get("certificate")
    cert = dict(cert) if isinstance(cert, dict) else {}
    for key in ("max_edges", "max_edges_upper", "delta"):
        if key not in cert and key in meta:
            cert[key] = meta[key]
    k_meta = _meta_kappa(meta)
    out = {}
    if k_meta is None or k_meta == kappa:
        for key in ("max_edges", "max_edges_upper"):
            v = cert.get(key)
            if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v <= C:
                out[key] = int(v)
        if cert.get("delta") is not None:
            try:
                out["delta"] = _check_delta(frac(cert["delta"]), "metadata delta")
            except (InvalidParameterError, ValueError, TypeError, ZeroDivisionError):
                pass  # a malformed assumption is no assumption
    return out


def label_assumptions(G, p, bounds_json):
    """``bounds_json`` with the instance metadata's uncertified DkS values recorded as assumptions."""
    assumed = assumed_certificate(instance_meta(G), p["kappa"])
    if assumed:
        bounds_json.setdefault("assumptions", {})["metadata_certificate"] = {
            "value": {k: (frac_str(v) if isinstance(v, Fraction) else v) for k, v in assumed.items()},
            "status": "assumption: uncertified instance metadata, not used by any bound or box"
                      + ("; chose the NO promise delta" if p["delta_source"].startswith("instance metadata") else "")}
    return bounds_json


def _delta_from_cert(cert, C):
    """The NO promise the certificate proves, or None for a YES certificate."""
    if cert.get("max_edges") is not None:
        e = cert["max_edges"]
        return None if e == C else Fraction(C - e, C)
    if cert.get("max_edges_upper") is not None and cert["max_edges_upper"] < C:
        return Fraction(C - cert["max_edges_upper"], C)
    return cert.get("delta")


def kappa_delta(G, raw):
    """The instance data and the promise every dks-relu variant starts from.

    kappa from the option or the instance metadata, checked (2 <= kappa <= n);
    delta from the option, else from the instance certificate (a YES
    certificate gives the weakest NO promise 1/C(kappa,2)).

    Returns
    -------
    (n, E, Adj, kappa, C, cert, delta, delta_source)
    """
    n, E = edge_array(G)
    Adj = adjacency(n, E)
    meta = instance_meta(G)
    kappa = raw["kappa"] if raw["kappa"] is not None else _meta_kappa(meta)
    if kappa is None:
        raise InvalidParameterError("dks-relu needs kappa (keyword kappa=K; on the command line --kappa K): the instance metadata names none")
    kappa = int(kappa)
    if kappa < 2:
        raise InvalidParameterError(f"--kappa must be >= 2, got {kappa}")
    if kappa > n:
        raise InvalidParameterError(f"--kappa {kappa} exceeds the number of vertices {n}")
    C = comb(kappa, 2)
    cert = _metadata_certificate(meta, kappa, n, Adj)
    if raw["delta"] is not None:
        delta, source = _check_delta(raw["delta"]), "flag --delta"
    else:
        delta, source = None, None
        if cert.get("max_edges") == C:
            # YES certificate (a recounted planted clique): the parameters still need a NO promise;
            # 1/C is the weakest one (a kappa-set that is not a clique misses >= 1 edge).
            delta, source = Fraction(1, C), "YES certificate; weakest NO promise 1/C(kappa,2)"
        else:
            assumed = assumed_certificate(meta, kappa)
            delta = _delta_from_cert(assumed, C)
            if delta is None and assumed.get("max_edges") == C:
                delta = Fraction(1, C)  # an uncertified YES claim: the weakest NO promise
            if delta is not None:
                source = "instance metadata (assumption: uncertified; only the NO promise the parameters are set for)"
    if delta is None:
        raise InvalidParameterError(
            "dks-relu needs the NO promise delta (keyword delta=D; on the command line --delta D) or a graph with a certificate (e.g. from 'reluhard solve dks')"
        )
    return n, E, Adj, kappa, C, cert, delta, source


def params(G, raw):
    """Validate options, read the certificate, and fix mu, lam, A exactly."""
    if raw.get("variant") == "normalized":
        from . import dks_to_relu_normalized

        return dks_to_relu_normalized.params(G, raw)
    n, E, Adj, kappa, C, cert, delta, source = kappa_delta(G, raw)
    deg = Adj.sum(axis=1)
    max_degree = int(deg.max()) if n else 0
    mode = raw["params"]
    given = {k: raw[k] for k in ("mu", "lam", "anchor") if raw[k] is not None}
    if given and mode != "custom":
        raise InvalidParameterError(f"--{'/--'.join(sorted(given))} need --params custom")
    if mode == "exact":
        vals = exact_params(n, kappa, delta, max_degree, len(E))
    else:
        vals = proven_params(n, delta)
        if mode == "custom":
            for opt, key in (("mu", "mu"), ("lam", "lam"), ("anchor", "A")):
                if opt in given:
                    if given[opt] <= 0:
                        raise InvalidParameterError(f"--{opt} must be > 0, got {frac_str(given[opt])}")
                    vals[key] = given[opt]
    conds = soft_conditions(n, kappa, delta, max_degree, len(E), vals["mu"], vals["lam"], vals["A"])
    return {
        "kappa": kappa,
        "C": C,
        "delta": delta,
        "delta_source": source,
        "params": mode,
        "mu": vals["mu"],
        "lam": vals["lam"],
        "A": vals["A"],
        "n": n,
        "n_edges": int(len(E)),
        "max_degree": max_degree,
        "certified": all(c["holds"] for c in conds.values()),
        "conditions": conds,
        "cert": cert,
        "_E": E,
        "_Adj": Adj,
    }


# ---------------------------------------------------------------- gadgets and the four maps

def forward(G, p):
    """(G, kappa) -> exact training set.

    Notes
    -----
    1 + 2n + 2 + C(n,2) rows, n + 1 columns, 1 + 2n + 2(n + [n != 2 kappa]) + 3 C(n,2)
    non-zeros; built with numpy index arithmetic in O(n^2).
    """
    N = _normalized(p)
    if N is not None:
        return N.forward(G, p)
    n, kappa, E = p["n"], p["kappa"], p["_E"]
    N2 = n * (n - 1) // 2
    # rows: anchor, vertex gadgets (+e_v, -e_v), z+, z-, then the pairs e_u + e_v - e_0 (u < v)
    zc = np.concatenate([[0], np.arange(1, n + 1)]) if n != 2 * kappa else np.arange(1, n + 1)
    zv = np.concatenate([[n - 2 * kappa], np.ones(n, dtype=np.int64)]) if n != 2 * kappa else np.ones(n, dtype=np.int64)
    head_cols = np.concatenate([[0], np.repeat(np.arange(1, n + 1), 2), zc, zc]).astype(np.int64, copy=False)
    head_vals = np.concatenate([[1], np.tile([1, -1], n), zv, -zv]).astype(np.int64, copy=False)
    h = len(head_cols)
    indices = np.empty(h + 3 * N2, dtype=np.int64)
    data = np.empty(h + 3 * N2, dtype=np.int64)
    indices[:h], data[:h] = head_cols, head_vals
    pair_cols, pair_vals = indices[h:].reshape(N2, 3), data[h:].reshape(N2, 3)  # filled in place (triu order)
    pair_cols[:, 0], pair_vals[:, 0], pair_vals[:, 1:] = 0, -1, 1
    u, v = np.triu_indices(n, 1)
    np.add(u, 1, out=pair_cols[:, 1])
    np.add(v, 1, out=pair_cols[:, 2])
    del u, v
    # row lengths 1 (anchor), 1 (2n vertex rows), len(zc) twice, then 3 per pair
    indptr = np.concatenate([np.arange(2 * n + 2, dtype=np.int64), 2 * n + 1 + len(zc) * np.arange(1, 3, dtype=np.int64),
                             2 * n + 1 + 2 * len(zc) + 3 * np.arange(1, N2 + 1, dtype=np.int64)])
    X = sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, n + 1))
    labels = np.zeros(N2, dtype=np.int64)
    if len(E):
        labels[pair_index(n, E[:, 0], E[:, 1])] = 1
    y = np.concatenate([np.ones(1 + 2 * n, dtype=np.int64), [0, 0], labels])
    mu, lam, A = frac(p["mu"]), frac(p["lam"]), frac(p["A"])
    den = lcm(mu.denominator, lam.denominator, A.denominator)
    iw = lambda q: int(q * den)  # noqa: E731 - exact integer weight over den
    sw = np.concatenate([[iw(A)], np.full(2 * n, iw(mu)), [iw(lam), iw(lam)], np.full(N2, den)]).astype(np.int64, copy=False)
    meta = {
        "reduction": "dks-relu",
        "data_type": "dks",
        "layout": "column 0 = anchor, column v+1 = vertex v; rows: e_0, (e_v, -e_v) per v, z+, z-, pairs u<v in triu order",
        "options": {"kappa": kappa, "delta": frac_str(p["delta"]), "params": p["params"],
                    "mu": frac_str(mu), "lam": frac_str(lam), "anchor": frac_str(A)},
        "delta_source": p["delta_source"],
        "n_vertices": n,
        "n_edges": p["n_edges"],
        "kappa": kappa,
        "max_degree": p["max_degree"],
        "soundness_certified": p["certified"],
        "conditions": p["conditions"],
        "certificate": {k: (frac_str(v) if isinstance(v, Fraction) else v) for k, v in p["cert"].items()},
    }
    b = bounds(G, p, {})
    meta["bounds"] = label_assumptions(G, p, b.to_json())
    meta["box"] = provable_box(p, _upper_bound(p, b))
    meta.update(normalisation(p))
    return TrainingSet(X, y, sw, den, meta)


def lift(G, p, S):
    """Vertex set S (0-based ids, any size) -> w_0 = 1, w_v = +1 on S, -1 off S (exact)."""
    N = _normalized(p)
    if N is not None:
        return N.lift(G, p, S)
    S = check_vertex_set(S, p["n"], "lifted set")
    w = np.full(p["n"] + 1, -1, dtype=object)
    w[0] = 1
    w[S + 1] = 1
    return Network(w[None, :], np.array([1], dtype=object))


def _weights(p, network):
    W = np.asarray(network.weights)
    if W.shape != (1, p["n"] + 1):
        raise InvalidParameterError(f"dks-relu decodes a single ReLU on {p['n'] + 1} inputs, got weights of shape {W.shape}")
    return W[0]


def decode(G, p, network):
    """Any single-ReLU network -> a kappa-set (sorted 0-based ids).

    S = {v : w_v >= (w_0 - 1)/2}; if |S| <= kappa pad with the largest
    remaining w_v (ties: smaller id), else delete minimum-degree vertices of
    G[S] (ties: smaller w_v, then smaller id) until kappa remain.
    """
    N = _normalized(p)
    if N is not None:
        return N.decode(G, p, network)
    w = _weights(p, network)
    kappa, n = p["kappa"], p["n"]
    wv = [w[i + 1] for i in range(n)]
    thr = (w[0] - 1) / 2
    S = [v for v in range(n) if wv[v] >= thr]
    if len(S) <= kappa:
        rest = sorted((v for v in range(n) if wv[v] < thr), key=lambda v: (-wv[v], v))
        return sorted(S + rest[: kappa - len(S)])
    return peel_to(p["_Adj"], S, kappa, key={v: wv[v] for v in S})


def value(G, S):
    """E(S): number of edges spanned by the vertex set S (the DkS objective, maximised)."""
    n, E = edge_array(G)
    return edges_in(adjacency(n, E), check_vertex_set(S, n))


def lift_loss(p, S):
    """The integral formula n mu + |E| + C(|S|,2) - 2E(S) + 4 lam (|S| - kappa)^2 (exact)."""
    N = _normalized(p)
    if N is not None:
        return N.lift_loss(p, S)
    S = check_vertex_set(S, p["n"])
    s = len(S)
    return (p["n"] * frac(p["mu"]) + p["n_edges"] + comb(s, 2) - 2 * edges_in(p["_Adj"], S)
            + 4 * frac(p["lam"]) * (s - p["kappa"]) ** 2)


# ---------------------------------------------------------------- certified bounds

def _yes_value(p):
    return p["n"] * frac(p["mu"]) + p["n_edges"] - p["C"]


def _merged_cert(p, cert):
    """Certificate passed in (verify / chain) wins over the instance metadata."""
    cert = dict(cert or {})
    if cert.get("kappa") is not None and int(cert["kappa"]) != p["kappa"]:
        raise InvalidParameterError(f"certificate is for kappa = {cert['kappa']}, the reduction uses kappa = {p['kappa']}")
    if not any(cert.get(k) is not None for k in ("max_edges", "max_edges_upper", "delta")):
        cert = {**p["cert"], **{k: v for k, v in cert.items() if v is not None}}
    if cert.get("delta") is not None:
        cert["delta"] = _check_delta(frac(cert["delta"]), "certified delta")
    return cert


def bounds(G, p, cert):
    """Completeness and soundness in exact rationals.

    ``cert`` keys (all optional, at this kappa): ``max_edges`` (exact DkS
    optimum), ``max_edges_upper`` (a certified upper bound) with
    ``best_edges`` (a known set), ``delta`` (a NO promise). Without any, the
    instance metadata is used, then the promise ``p['delta']``.
    """
    N = _normalized(p)
    if N is not None:
        return N.bounds(G, p, cert)
    C, c, mu, lam, A = p["C"], _yes_value(p), p["mu"], p["lam"], p["A"]
    cert = _merged_cert(p, cert)
    base = {"kappa": p["kappa"], "C": C, "params": p["params"], "mu": frac_str(mu), "lam": frac_str(lam),
            "A": frac_str(A), "yes_value_c": frac_str(c), "delta_params": frac_str(p["delta"])}
    e = cert.get("max_edges")
    if e is not None and e == C:
        return Bounds(
            completeness=c,
            soundness=None,
            assumptions={**base, "max_edges": C, "certified": True, "source": "kappa-clique certificate"},
            statement="YES (a kappa-clique exists): min L <= c = n mu + |E| - C(kappa,2); min may lie below c",
        )
    d_no = _delta_from_cert(cert, C)
    promise = d_no is None
    delta = p["delta"] if promise else d_no
    cond = soft_conditions(p["n"], p["kappa"], delta, p["max_degree"], p["n_edges"], mu, lam, A)
    certified = all(x["holds"] for x in cond.values())
    soundness = c + delta * C
    best = e if e is not None else cert.get("best_edges")
    completeness = c if promise else (None if best is None else c + 2 * (C - best))
    tag = "" if certified else " [UNCERTIFIED claim: the soft conditions fail at this delta]"
    if promise:
        statement = (f"promise delta = {frac_str(delta)}: YES => min L <= c; NO => min L >= c + delta C"
                     f" = {frac_str(soundness)}{tag}")
    else:
        statement = (f"NO with delta = {frac_str(delta)} (max edges {'= ' + str(e) if e is not None else '<= ' + str(C - delta * C)}):"
                     f" min L >= n mu + |E| - (1 - delta) C = {frac_str(soundness)}{tag}")
    return Bounds(
        completeness=completeness,
        soundness=soundness,
        assumptions={**base, "delta": frac_str(delta), "max_edges": e, "best_edges": best,
                     "promise": promise, "certified": certified, "conditions": cond,
                     "source": "promise" if promise else "certificate"},
        statement=statement,
    )


def decoder_guarantee(G, p, network, loss, cert=None, *, tol=1e-7):
    """missing(S*) <= max(L - c, delta C), and missing(S*) < delta C if L < c + delta C.

    delta is the promise the parameters were set for. Proved for the
    hard-constrained loss; for the soft loss this is the *checked, unproved*
    claim of the design note (a failure is a counterexample to it).
    """
    N = _normalized(p)
    if N is not None:
        return N.decoder_guarantee(G, p, network, loss, cert, tol=tol)
    S = decode(G, p, network)
    C, c, delta = p["C"], _yes_value(p), p["delta"]
    missing = C - edges_in(p["_Adj"], S)
    slack = loss - c if isinstance(loss, Fraction) else float(loss) - float(c)
    dC = delta * C
    exact = isinstance(slack, Fraction)
    if (slack < dC) if exact else (slack < float(dC) - tol * max(1.0, abs(float(loss)))):
        holds, bound = missing < dC, dC
    else:
        holds = missing <= slack if exact else missing <= slack + tol * max(1.0, abs(float(loss)))
        bound = slack
    status = "proved for hard constraints; checked (not proved) for the soft loss"
    if not p["certified"]:
        status = "UNCERTIFIED: the parameters fail the soft conditions"
    return Guarantee(missing, bound if exact else float(bound), bool(holds),
                     f"decoded set {[int(v) for v in S]} misses {missing} edges; bound max(L - c, delta C) = "
                     f"{float(max(slack, dC)):.6g} ({status})")


# ---------------------------------------------------------------- structured starts

def drift_point(G, p, S):
    """The cardinality-drift point of a set S with |S| = kappa + j > kappa.

    w_0 = 1, w_v = +1 on S and -1 - 2j/(n - |S|) off S, so that
    s = sum_v w_v + (n - 2 kappa) w_0 = 0 (the cardinality gadget is silent)
    and L = n mu + 4 mu j^2/(n - |S|) + |E| + C(|S|,2) - 2E(S), for any lam, A.
    On K_{10,10,10}, kappa = 6, mu = 1 and S = 4 vertices per part: L = 308 < 315 = c.
    """
    S = check_vertex_set(S, p["n"], "drift set")
    n, j = p["n"], len(S) - p["kappa"]
    if j <= 0 or len(S) >= n:
        raise InvalidParameterError(f"a drift set needs kappa < |S| < n, got |S| = {len(S)}")
    w = np.full(n + 1, -1 - Fraction(2 * j, n - len(S)), dtype=object)
    w[0] = Fraction(1)
    w[S + 1] = Fraction(1)
    return Network(w[None, :], np.array([Fraction(1)], dtype=object))


def starts(G, p, S, seed=None):
    """Structured start points: lifted kappa-sets (greedy and random), drift
    points of larger dense sets (peeled from V, so balanced on multipartite
    graphs), and negative-anchor points w_v = -1, w_0 = -t."""
    N = _normalized(p)
    if N is not None:
        return N.starts(G, p, S, seed)
    rng = np.random.default_rng(seed)
    n, kappa, Adj = p["n"], p["kappa"], p["_Adj"]
    out = [lift(G, p, peel_to(Adj, range(n), kappa))]
    for _ in range(3):
        out.append(lift(G, p, rng.choice(n, size=kappa, replace=False)))
    sizes = range(kappa + 1, n)
    if len(sizes) > 12:
        sizes = sorted(set(np.linspace(kappa + 1, n - 1, 12).round().astype(int)))
    seen = set()
    for s in sizes:
        D = tuple(peel_to(Adj, range(n), int(s)))
        if D not in seen:
            seen.add(D)
            out.append(drift_point(G, p, D))
    for t in (1, 2, 3):
        w = np.full(n + 1, Fraction(-1), dtype=object)
        w[0] = Fraction(-t)
        out.append(Network(w[None, :], np.array([Fraction(1)], dtype=object)))
    return out


# ---------------------------------------------------------------- box and normalisation

def _upper_bound(p, b):
    """An upper bound U on min L: the lift of the best known kappa-set."""
    if b.completeness is not None and b.assumptions.get("max_edges") is not None:
        return b.completeness
    best = b.assumptions.get("best_edges")
    if best is None:
        best = edges_in(p["_Adj"], peel_to(p["_Adj"], range(p["n"]), p["kappa"]))
    return _yes_value(p) + 2 * (p["C"] - best)


def provable_box(p, U):
    """A box containing a global minimiser, from an upper bound U >= min L (design note §2).

    With r = sqrt((U - n mu)/mu): |w_v| <= 1 + r (from n mu + mu(|w_v| - 1)^2 <= U);
    w_0 <= 1 + sqrt(U/A) (anchor); w_0 >= 0 if A > U (w_0 <= 0 costs A); else
    w_0 >= -2(1 + r) - sqrt(U) when G has a non-edge (its pair point would
    cost more than U), -2(1 + r) - 1 - sqrt(U) otherwise. Padded by 1e-3 and
    stored run-length encoded [[lo, hi, count], ...] over the columns.
    """
    n, mu, A = p["n"], frac(p["mu"]), frac(p["A"])
    U = frac(U)
    r = float(np.sqrt(max(float((U - n * mu) / mu), 0.0)))
    pad = 1e-3
    hi0 = 1 + float(np.sqrt(float(U / A)))
    if A > U:
        lo0 = 0.0
    else:
        lo0 = -2 * (1 + r) - float(np.sqrt(float(U))) - (0 if p["n_edges"] < comb(n, 2) else 1)
    return [[lo0 - pad, hi0 + pad, 1], [-(1 + r) - pad, 1 + r + pad, n]]


def normalisation(p):
    """Relative gap and the unit-ball normalised additive gap eps (exact).

    Points are scaled by 1/R with R^2 = max(3, n + (n - 2 kappa)^2) (the
    largest squared norm, of z+-), labels by 1/(R ||w*||) with ||w*||^2 = n + 1
    (the lift), so the lift has unit norm and mean_loss' = L / Z with
    Z = R^2 (n + 1) W, W = total weight. eps = delta C / Z, relative gap = delta C / c.
    """
    n, kappa, C, delta = p["n"], p["kappa"], p["C"], p["delta"]
    mu, lam, A = frac(p["mu"]), frac(p["lam"]), frac(p["A"])
    R2 = max(3, n + (n - 2 * kappa) ** 2)
    W = A + 2 * n * mu + 2 * lam + comb(n, 2)
    Z = R2 * (n + 1) * W
    gap = delta * C
    c = _yes_value(p)
    out = {
        "scale": {"x_sq": frac_str(Fraction(1, R2)), "y_sq": frac_str(Fraction(1, R2 * (n + 1)))},
        "normalisation": {"R2": R2, "w_star_norm_sq": n + 1, "total_weight": frac_str(W), "Z": frac_str(Z),
                          "statement": "mean_loss(normalised w/||w*||) = L(w)/Z; every x' in the unit ball"},
        "gap": frac_str(gap),
        "eps": frac_str(gap / Z),
        "eps_float": float(gap / Z),
    }
    out["relative_gap"] = frac_str(gap / c) if c > 0 else None
    out["relative_gap_float"] = float(gap / c) if c > 0 else None
    return out


def _n_vertices_of(ts):
    return ts.n_features - 1


#: ``--method exact`` on dks-relu data: the theorem-free sign branch-and-bound
#: (solvers/relu_generic_bnb.py; the pair points have three non-zeros, so solvers/relu_bnb.py does
#: not apply); proven optima at n = 10 in about 10 s on one core (n = 12 in about 120 s, docs §8)
EXACT = ExactPolicy(method="exact", size_name="n", size=_n_vertices_of, limit=10, fitter_options={"generic": True})


REDUCTION = Reduction(
    name="dks-relu",
    source=DKS,
    source_kind="graph",
    target_kind="relu",
    forward=forward,
    lift=lift,
    decode=decode,
    params=params,
    bounds=bounds,
    value=value,
    guarantee=decoder_guarantee,
    starts=starts,
    options=OPTIONS,
    exact=EXACT,
    summary="Densest kappa-Subgraph -> one ReLU: min <= c on YES, >= c + delta C(kappa,2) on NO (proven params)",
)
