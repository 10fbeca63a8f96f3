"""R2/R3: hypergraph 2-colouring -> realizable training of a sum of k ReLUs.

Deciding whether f(x) = sum_{j=1..k} a_j relu(w_j . x) can fit a training set
with loss exactly 0 is NP-hard for every fixed k >= 2, even with arbitrary
real output weights a_j ([GKMR21]_, Theorem 2). A hypergraph H (n vertices,
edges c) becomes a training set that some k-ReLU network fits exactly iff H
is 2-colourable; composed with :mod:`~reluhard.reductions.sat_to_nae` and
:mod:`~reluhard.reductions.nae_to_setsplit` this is the chain ``sat-krelu``.
Proofs: ``docs/reductions/sat-krelu.md``.

Column layout (conventions §4): columns 0..n-1 are the vertices of H (for the
chain: x_1, ~x_1, ..., x_N, ~x_N, z, ~z), then k-2 clique columns, then the
gadget columns g, h (present iff the gadget is on, i.e. k >= 3 without
``--no-gadget``).

Gadgets (rows, in this order; all sample weights 1)

======================================  ===========================  =================
point                                   label                        name
======================================  ===========================  =================
e_v, v a vertex of H ⋈ K_{k-2}           1                            vertex points
1_c, c an edge of H                      0                            edge points
e_u + e_u', u < u' clique vertices       0                            clique join
e_v + e_u, v in H, u clique vertex       0                            clique join
3 e_g + s e_h, s = 3i-1, 3i, 3i+1        sum_{j=1..k} relu(3j - s)    positivity gadget
(i = 1..k)
======================================  ===========================  =================

Maps
----
forward : H -> the rows above (n + (k-2) + |E| + C(k-2, 2) + (k-2) n + 3k rows
          with the gadget, n + k - 2 (+2) columns).
lift    : (completeness) colouring chi -> colour ReLUs j = 0, 1 with weight 1 on
          the vertices of colour j and -M elsewhere; clique ReLU per clique
          vertex u with 1 on u and -M elsewhere; gadget weights (w_g, w_h) =
          (j, -1) on ReLU j = 1..k; a = (1, ..., 1); M = max(1, max|c| - 1).
          Loss exactly 0 when chi is proper.
decode  : (soundness) any network -> the sign cut of one ReLU,
          chi_j(v) = 0 if w_{jv} > 0 else 1, for the j with the fewest
          monochromatic edges (ties: smallest j). Every zero-loss network in the
          proved cases has a j whose cut is proper (docs, §3-§5), so decode
          returns a proper colouring.
bounds  : (conventions §8) colourable: completeness 0, soundness 0, realizable;
          not colourable: completeness None, soundness 0, realizable False
          (min loss > 0; no quantitative bound is proved, design note open item 4).

Claim: loss 0 is attainable iff H is 2-colourable, for any real output weights,
when k = 2, k = 3 (with or without gadget) and every k >= 4 with the gadget.
Without the gadget at k >= 4 the "only if" direction is false (C5 ⋈ K2,
:func:`c5_k2_counterexample`), so no realizability claim is made for NO instances.

References
----------
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight Hardness
   Results for Training Depth-2 ReLU Networks. ITCS 2021.

Examples
--------
>>> from reluhard.data import exact_loss
>>> from reluhard.structures.hypergraph import make_hypergraph
>>> C4 = make_hypergraph(4, [(0, 1), (1, 2), (2, 3), (0, 3)])
>>> img = REDUCTION.apply(C4, k=3)
>>> img.target.n_samples, img.target.n_features
(22, 7)
>>> net = img.lift([0, 1, 0, 1])
>>> exact_loss(img.target, net), img.decode(net)
(Fraction(0, 1), [0, 1, 0, 1])
"""

from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from reluhard.data import Network, TrainingSet, frac_str
from reluhard.errors import InvalidParameterError

from reluhard.structures.hypergraph import check_hypergraph, make_hypergraph, monochromatic
from .base import Bounds, Chain, Guarantee, Option, Reduction
from .sources import COLOURING
from .nae_to_setsplit import REDUCTION as NAE_SETSPLIT
from .sat_to_nae import REDUCTION as SAT_NAE

__all__ = [
    "REDUCTION",
    "SAT_KRELU",
    "forward",
    "lift",
    "decode",
    "bounds",
    "claim_holds",
    "gadget_points",
    "c5_k2_counterexample",
]

OPTIONS = (
    Option("k", "int", 2, "number of ReLUs (>= 2)", minimum=2),
    Option("no-gadget", "flag", False, "omit the positivity gadget (k >= 3); at k >= 4 the claim then fails"),
    Option("variant", "choice", "plain", "plain | normalized (same data; meta adds the certified loss gap eps of a "
           "non-2-colourable H and the unit-ball scale; decode = the quantitative decoder)", choices=("plain", "normalized")),
)


# ---------------------------------------------------------------- parameters

def params(h, raw):
    """Validate H and k; derive the layout, M and whether the gadget is on."""
    csr = check_hypergraph(h)
    k = raw["k"]
    if k is None or k < 2:
        raise InvalidParameterError(f"--k must be >= 2 (a single ReLU is reduction sat-relu), got {k}")
    gadget = k >= 3 and not raw["no_gadget"]
    n, K = csr.n_vertices, k - 2
    max_edge = int(csr.sizes.max()) if csr.n_edges else 0
    return {
        "k": k,
        "gadget": gadget,
        "no_gadget": bool(raw["no_gadget"]),
        "n": n,
        "n_clique": K,
        "n_features": n + K + (2 if gadget else 0),
        "M": max(1, max_edge - 1),
        "variant": raw.get("variant") or "plain",
        "_csr": csr,
    }


def describe(p):
    """The parameters as ``explain`` prints them: the positivity gadget says whether it is on and why."""
    out = {"k": str(p["k"]), "vertices n": str(p["n"]), "clique columns k-2": str(p["n_clique"]),
           "features": str(p["n_features"]), "M (largest edge - 1)": str(p["M"]), "variant": p["variant"]}
    if p["gadget"]:
        why = "on (k >= 3)"
    elif p["no_gadget"] and p["k"] >= 3:
        why = "off (--no-gadget" + ("; at k >= 4 the 'only if' direction then fails)" if p["k"] >= 4 else ")")
    else:
        why = f"off (k = {p['k']}: only k >= 3 needs it)"
    out["positivity gadget"] = why
    return out


def claim_holds(p):
    """Is "realizable iff 2-colourable" proved for these parameters? (k <= 3, or the gadget is on)."""
    return p["k"] <= 3 or p["gadget"]


# ---------------------------------------------------------------- gadgets

def vertex_points(n_total):
    """e_v for every vertex of H ⋈ K_{k-2}: (columns, values, labels)."""
    cols = np.arange(n_total, dtype=np.int64)
    return cols, np.ones(n_total, dtype=np.int64), np.ones(n_total, dtype=np.int64)


def clique_join_pairs(n, K):
    """The pair edges of the join: clique-clique (u < u'), then every {v, u}, v in H (sorted columns)."""
    iu = np.triu_indices(K, 1)
    cc = np.stack([n + iu[0], n + iu[1]], axis=1)
    vu = np.stack(np.meshgrid(np.arange(n), n + np.arange(K), indexing="xy"), axis=-1).reshape(-1, 2)
    return np.concatenate([cc, vu]).astype(np.int64, copy=False).reshape(-1, 2)


def gadget_points(k, g, h):
    """Positivity gadget: 3k points 3 e_g + s e_h, s in {3i-1, 3i, 3i+1}, i = 1..k,
    labelled f*(s) = sum_{j=1..k} relu(3j - s). Returns (columns (3k, 2), values (3k, 2), labels)."""
    s = (3 * np.arange(1, k + 1)[:, None] + np.array([-1, 0, 1])[None, :]).ravel()
    labels = np.maximum(3 * np.arange(1, k + 1)[None, :] - s[:, None], 0).sum(axis=1)
    cols = np.tile(np.array([g, h], dtype=np.int64), (3 * k, 1))
    vals = np.stack([np.full(3 * k, 3, dtype=np.int64), s], axis=1)
    return cols, vals, labels.astype(np.int64)


# ---------------------------------------------------------------- the maps

def forward(h, p):
    """H -> exact training set (vertex points, edge points, join pairs, gadget)."""
    csr, n, K, k = p["_csr"], p["n"], p["n_clique"], p["k"]
    vcols, vvals, vlab = vertex_points(n + K)
    pairs = clique_join_pairs(n, K)
    parts_cols = [vcols, csr.indices, pairs.ravel()]
    parts_vals = [vvals, np.ones(csr.indices.size, dtype=np.int64), np.ones(pairs.size, dtype=np.int64)]
    row_len = [np.ones(n + K, dtype=np.int64), csr.sizes, np.full(len(pairs), 2, dtype=np.int64)]
    labels = [vlab, np.zeros(csr.n_edges + len(pairs), dtype=np.int64)]
    if p["gadget"]:
        gcols, gvals, glab = gadget_points(k, n + K, n + K + 1)
        parts_cols.append(gcols.ravel())
        parts_vals.append(gvals.ravel())
        row_len.append(np.full(3 * k, 2, dtype=np.int64))
        labels.append(glab)
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(row_len))]).astype(np.int64, copy=False)
    X = sp.csr_matrix(
        (np.concatenate(parts_vals), np.concatenate(parts_cols), indptr),
        shape=(len(indptr) - 1, p["n_features"]),
    )
    y = np.concatenate(labels)
    meta = {
        "reduction": "hypergraph-krelu",
        "data_type": "krelu",
        "k": k,
        "options": {"k": k, "no_gadget": p["no_gadget"]},
        "gadget": p["gadget"],
        "layout": "columns 0..n-1 = vertices of H, then k-2 clique columns, then gadget columns g, h",
        "n_vertices": n,
        "n_edges": csr.n_edges,
        "n_clique": K,
        "M": p["M"],
        "rows": {
            "vertex": [0, n + K],
            "edge": [n + K, n + K + csr.n_edges],
            "join": [n + K + csr.n_edges, n + K + csr.n_edges + len(pairs)],
            "gadget": [n + K + csr.n_edges + len(pairs), len(y)],
        },
        "claim_proved": claim_holds(p),
    }
    meta["bounds"] = bounds(h, p, _instance_cert(h, csr)).to_json()
    target = TrainingSet(X, y, np.ones(len(y), dtype=np.int64), 1, meta)
    if p["variant"] == "normalized":
        from . import krelu_soundness

        meta["options"]["variant"] = "normalized"
        meta["variant"] = "normalized"
        Wl = np.asarray(lift(h, p, [0] * n).weights)
        meta.update(krelu_soundness.normalisation(p, target, int(sum(int(x) ** 2 for x in Wl.ravel()))))
    return target


def _instance_cert(h, csr):
    """A proper colouring stored in the hypergraph's metadata certifies colourability."""
    chi = COLOURING.planted_witness(getattr(h, "meta", None))
    if chi is not None and len(chi) == csr.n_vertices and not monochromatic(csr, chi).any():
        return {"colourable": True}
    return {}


def lift(h, p, colouring):
    """Completeness: colouring -> the intended network, exact integers, a = (1, ..., 1)."""
    n, K, k, M = p["n"], p["n_clique"], p["k"], p["M"]
    chi = np.asarray(colouring, dtype=np.int64)
    if chi.shape != (n,) or not np.isin(chi, (0, 1)).all():
        raise InvalidParameterError(f"a 2-colouring is a list of {n} colours in {{0, 1}}")
    W = np.full((k, p["n_features"]), -M, dtype=np.int64)
    W[0, :n] = np.where(chi == 0, 1, -M)
    W[1, :n] = np.where(chi == 1, 1, -M)
    W[2 + np.arange(K), n + np.arange(K)] = 1
    if p["gadget"]:
        W[:, n + K] = np.arange(1, k + 1)
        W[:, n + K + 1] = -1
    return Network(W.astype(object), np.ones(k, dtype=np.int64).astype(object))


def sign_cuts(h, p, network):
    """(cuts, n_mono): chi_j(v) = 0 if w_{jv} > 0 else 1 for every ReLU j, and each cut's #monochromatic edges."""
    csr, n = p["_csr"], p["n"]
    W = np.asarray(network.weights)
    if W.shape != (p["k"], p["n_features"]):
        raise InvalidParameterError(
            f"hypergraph-krelu decodes {p['k']} ReLUs on {p['n_features']} inputs, got weights of shape {W.shape}"
        )
    cuts = np.where(W[:, :n] > 0, 0, 1).astype(np.int64)
    n_mono = np.array([int(monochromatic(csr, c).sum()) for c in cuts], dtype=np.int64)
    return cuts, n_mono


def decode(h, p, network):
    """Soundness: any network -> the sign cut of the ReLU with the fewest monochromatic edges
    (``--variant normalized``: the quantitative decoder of :mod:`~reluhard.reductions.krelu_soundness`)."""
    if p.get("variant") == "normalized":
        from . import krelu_soundness

        return krelu_soundness.decode(h, p, network)
    cuts, n_mono = sign_cuts(h, p, network)
    return cuts[int(np.argmin(n_mono))].tolist()


def value(h, colouring):
    """#monochromatic edges of the colouring (minimised; 0 iff proper)."""
    return int(monochromatic(check_hypergraph(h), colouring).sum())


# ---------------------------------------------------------------- certified claims

def bounds(h, p, cert):
    """Conventions §8: completeness 0 if colourable, soundness 0, realizability claim."""
    col = cert.get("colourable")
    proved = claim_holds(p)
    assumptions = {"colourable": col, "k": p["k"], "gadget": p["gadget"], "claim_proved": proved}
    if col is True:
        return Bounds(Fraction(0), Fraction(0), True, assumptions,
                      "H is 2-colourable => the lifted network has loss exactly 0")
    if col is False and p.get("variant") == "normalized":
        from . import krelu_soundness

        e = krelu_soundness.eps_raw(p)
        if e is not None:
            return Bounds(None, e, False, {**assumptions, "eps_raw": frac_str(e)}, krelu_soundness.statement(p))
    if col is False:
        if proved:
            return Bounds(None, Fraction(0), False, assumptions,
                          "H is not 2-colourable => no k-ReLU network (any real output weights) has loss 0")
        return Bounds(None, Fraction(0), None, assumptions,
                      "no claim: without the positivity gadget at k >= 4 a non-2-colourable H may still be realizable")
    return Bounds(None, Fraction(0), None, {**assumptions, "promise": "none certified"},
                  "loss 0 attainable iff H is 2-colourable" + ("" if proved else " (only 'if' is proved without the gadget at k >= 4)"))


def decoder_guarantee(h, p, network, loss, cert=None):
    """A network of loss exactly 0 decodes to a proper colouring (where the claim is proved).

    Returns None when the guarantee does not apply: loss != 0 (nothing is proved
    for positive loss) or no gadget at k >= 4.
    """
    if p.get("variant") == "normalized":
        from . import krelu_soundness

        e = krelu_soundness.eps_raw(p)
        if e is None or loss is None or not (loss < e if isinstance(loss, Fraction) else float(loss) < float(e) - 1e-9):
            return None
        mono = value(h, decode(h, p, network))
        return Guarantee(mono, 0, mono == 0, f"loss {float(loss):.6g} < eps_raw = {frac_str(e)} decodes to a colouring "
                         f"with {mono} monochromatic edges (claim: 0, proved)")
    if not claim_holds(p) or loss is None or loss != 0:
        return None
    mono = value(h, decode(h, p, network))
    return Guarantee(mono, 0, mono == 0, f"zero-loss network decodes to a colouring with {mono} monochromatic edges (claim: 0)")


# ---------------------------------------------------------------- named counterexample

def c5_k2_counterexample():
    """The design note's C5 ⋈ K2 network at k = 4 without gadget: (H, Network).

    All 23 points (7 vertex points, 5 C5 edges, 1 clique pair, 10 join pairs) are
    fitted exactly with a = (+1, +1, +1, -1) although C5 is not 2-colourable.
    """
    F = Fraction
    W = np.array(
        [
            [-1, 1, 2, -3, 3, -2, 1],
            [-1, 1, F(9, 4), -1, F(9, 4), 1, F(-9, 4)],
            [F(5, 4), F(9, 4), -2, 1, 0, -1, F(-5, 4)],
            [F(1, 4), F(13, 4), F(13, 4), -2, F(17, 4), 0, F(-1, 4)],
        ],
        dtype=object,
    )
    H = make_hypergraph(5, [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)], {"name": "C5"})
    return H, Network(W, np.array([1, 1, 1, -1], dtype=object))


REDUCTION = Reduction(
    name="hypergraph-krelu",
    source=COLOURING,
    source_kind="hypergraph",
    target_kind="relu",
    forward=forward,
    lift=lift,
    decode=decode,
    params=params,
    bounds=bounds,
    value=value,
    guarantee=decoder_guarantee,
    options=OPTIONS,
    describe=describe,
    summary="hypergraph 2-colouring -> sum of k ReLUs: loss 0 attainable iff 2-colourable (any real output weights)",
)

#: the chain 3-SAT -> NAE-SAT -> set splitting -> k ReLUs
SAT_KRELU = Chain(
    "sat-krelu",
    [SAT_NAE, NAE_SETSPLIT, REDUCTION],
    summary="3-SAT -> NAE-SAT -> set splitting -> sum of k ReLUs: loss 0 attainable iff satisfiable",
)
