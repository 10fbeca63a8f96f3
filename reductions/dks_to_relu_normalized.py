"""R4, normalised variant: Densest kappa-Subgraph -> one ReLU in the unit ball.

``reluhard reduce dks-relu G --kappa K --delta D --variant normalized``.

The plain R4 (:mod:`~reluhard.reductions.dks_to_relu`) encodes a set S by
w_v = +-1, so every lift has ||w||^2 = n + 1, and it needs the cardinality
points z+- of squared norm n + (n - 2 kappa)^2; its unit-ball gap is
Theta(delta^2 kappa^2 / n^5). Here the same gadgets are written in the
coordinates t_v = (w_v + 1)/2 (a linear change of variables), so a set S is
w_0 = 1, t = 1_S with ||w||^2 = 1 + |S|, and the **weight ball**
||w||^2 <= kappa + 1 of the bounded-weight learning problem (the class the
proper learner competes with) replaces the cardinality gadget. All points
have squared norm <= 17 and the certified mean-loss gap is

    eps = delta C / (17 (kappa + 1) W),   W = A + 2 n mu + C(n, 2),

i.e. Theta(delta / (kappa n^2)) at fixed (kappa, delta) on dense graphs (mu is
5(min(n, 4 kappa + 1) - 1 + Delta) + mu3(kappa, delta), Delta the maximum degree,
and A = (4 kappa + 6)^2 |E|),
against the locality obstruction eps <= 2 C / W that every reduction whose
pair points carry mass 1/W each obeys (``docs/reductions/dks-relu-normalized.md``).

Column layout: column 0 is the anchor, column v + 1 is vertex v.

Rows (in this order)

===============================  ==========  =======  ======================
point                            label       weight   name
===============================  ==========  =======  ======================
e_0                              1           A        anchor
2 e_v - e_0 and e_0 - 2 e_v      1           mu each  vertex gadget of v
2 e_u + 2 e_v - 3 e_0, u < v     [uv in E]   1        pair (triu order)
===============================  ==========  =======  ======================

Maps
----
forward : (G, kappa) -> the rows above (1 + 2n + C(n,2) rows, n + 1 columns).
lift    : S -> w_0 = 1, t = 1_S;  L(lift S) = n mu + |E| + C(|S|,2) - 2 E(S).
decode  : any w -> S = {v : t_v >= w_0/2}; pad with the largest t_v
          if |S| <= kappa, else peel minimum-degree vertices of G[S].
bounds  : completeness c + 2 missing (lift of the best kappa-set), c = n mu + |E| - C;
          soundness c + delta C over the ball ||w||^2 <= kappa + 1 (**proved**).
"""

from fractions import Fraction
from math import comb

import numpy as np
import scipy.sparse as sp

from reluhard.data import Network, TrainingSet, frac, frac_str
from reluhard.errors import InvalidParameterError

from reluhard.structures.graph import check_vertex_set, edges_in, pair_index, peel_to
from .base import Bounds, Guarantee
from . import dks_to_relu as plain

__all__ = [
    "params",
    "forward",
    "lift",
    "decode",
    "bounds",
    "decoder_guarantee",
    "lift_loss",
    "mu3",
    "mu_needed",
    "anchor_weight",
    "normalisation",
    "provable_box",
    "locality_bound",
    "starts",
    "POINT_NORM_SQ",
]

#: largest squared norm of a point (the pair points 2e_u + 2e_v - 3e_0)
POINT_NORM_SQ = 17


# ---------------------------------------------------------------- parameters

def mu3(kappa, delta, n=None):
    """The cardinality part of mu (exact, independent of n once n >= 4 kappa + 2).

    mu3 = max(mu3_up, 4 mu3_down), the two cases of the soundness proof:

    * w_0 >= 1 (here sum_{v in S} s_v^2 <= kappa): mu3_up = max over 1 <= j <= 3 kappa of
      (1 - delta) (C(kappa + j, 2) - C) (kappa + j)/j^2;
    * w_0 < 1 (budget kappa' < kappa + 1/2): mu3_down = max over 1 <= j <= 3 kappa + 1 of
      ((1 - 3 delta/2)(C(kappa + j, 2) - C) - delta C/2)(kappa + j)/j^2, times 4 because
      the distance to the ball is only >= j^2/(16 (kappa + j)) there.

    Values <= 0 count as 0; j is also capped by n - kappa. Both parts decrease in delta.
    """
    d = frac(delta)
    C = comb(kappa, 2)
    cap = (lambda j: True) if n is None else (lambda j: j <= n - kappa)
    up = max([Fraction(0)] + [(1 - d) * Fraction(j * (2 * kappa + j - 1), 2) * Fraction(kappa + j, j * j)
                              for j in range(1, 3 * kappa + 1) if cap(j)])
    down = max([Fraction(0)] + [((1 - Fraction(3, 2) * d) * Fraction(j * (2 * kappa + j - 1), 2) - d * C / 2)
                                * Fraction(kappa + j, j * j) for j in range(1, 3 * kappa + 2) if cap(j)])
    return max(up, 4 * down)


def mu_needed(n, kappa, delta, max_degree):
    """mu = 5(min(n, 4 kappa + 1) - 1 + Delta) + mu3: the vertex-gadget weight of the proof."""
    return 5 * (min(n, 4 * kappa + 1) - 1 + max_degree) + mu3(kappa, delta, n)


def anchor_weight(kappa, n_edges):
    """A = (4 kappa + 6)^2 |E|: w_0 >= 5/4 or w_0 < 1 - 1/(4 kappa + 6) then costs >= |E| (proof, cases b, d)."""
    return Fraction((4 * kappa + 6) ** 2 * max(n_edges, 1))


def params(G, raw):
    """Validate options (kappa, delta as for the plain variant) and fix mu, A exactly."""
    if raw.get("params") not in (None, "proven") or any(raw.get(k) is not None for k in ("mu", "lam", "anchor")):
        raise InvalidParameterError("--variant normalized fixes its own parameters: drop --params/--mu/--lam/--anchor")
    n, E, Adj, kappa, C, cert, delta, source = plain.kappa_delta(G, raw)
    deg = Adj.sum(axis=1)
    max_degree = int(deg.max()) if n else 0
    mu = mu_needed(n, kappa, delta, max_degree)
    return {
        "variant": "normalized",
        "kappa": kappa,
        "C": C,
        "delta": delta,
        "delta_source": source,
        "params": "proven",
        "mu": mu,
        "A": anchor_weight(kappa, len(E)),
        "rho2": kappa + 1,
        "n": n,
        "n_edges": int(len(E)),
        "max_degree": max_degree,
        "certified": True,
        "cert": cert,
        "_E": E,
        "_Adj": Adj,
    }


# ---------------------------------------------------------------- the maps

def forward(G, p):
    """(G, kappa) -> exact integer training set (1 + 2n + C(n,2) rows, n + 1 columns)."""
    n, E = p["n"], p["_E"]
    N2 = n * (n - 1) // 2
    u, v = np.triu_indices(n, 1)
    vcols = np.stack([np.zeros(n, dtype=np.int64), np.arange(1, n + 1)], axis=1)
    gadget_cols = np.concatenate([vcols, vcols], axis=1).ravel()  # (0, v+1) twice per vertex
    gadget_vals = np.tile(np.array([-1, 2, 1, -2], dtype=np.int64), n)
    pair_cols = np.stack([np.zeros(N2, dtype=np.int64), u + 1, v + 1], axis=1).ravel()
    pair_vals = np.tile(np.array([-3, 2, 2], dtype=np.int64), N2)
    indices = np.concatenate([[0], gadget_cols, pair_cols]).astype(np.int64, copy=False)
    data = np.concatenate([[1], gadget_vals, pair_vals]).astype(np.int64, copy=False)
    row_len = np.concatenate([[1], np.full(2 * n, 2, dtype=np.int64), np.full(N2, 3, dtype=np.int64)])
    indptr = np.concatenate([[0], np.cumsum(row_len)]).astype(np.int64, copy=False)
    X = sp.csr_matrix((data, indices, indptr), shape=(len(row_len), n + 1))
    labels = np.zeros(N2, dtype=np.int64)
    if len(E):
        labels[pair_index(n, E[:, 0], E[:, 1])] = 1
    y = np.concatenate([np.ones(1 + 2 * n, dtype=np.int64), labels])
    mu, A = frac(p["mu"]), frac(p["A"])
    den = int(np.lcm(mu.denominator, A.denominator))
    sw = np.concatenate([[int(A * den)], np.full(2 * n, int(mu * den)), np.full(N2, den)]).astype(np.int64, copy=False)
    meta = {
        "reduction": "dks-relu",
        "variant": "normalized",
        "data_type": "dks-normalized",
        "layout": "column 0 = anchor, column v+1 = vertex v; rows: e_0, (2e_v - e_0, e_0 - 2e_v) per v, "
                  "pairs 2e_u + 2e_v - 3e_0 (u<v, triu order)",
        "options": {"kappa": p["kappa"], "delta": frac_str(p["delta"]), "variant": "normalized"},
        "delta_source": p["delta_source"],
        "n_vertices": n,
        "n_edges": p["n_edges"],
        "kappa": p["kappa"],
        "max_degree": p["max_degree"],
        "params": {"mu": frac_str(mu), "A": frac_str(A), "mu3": frac_str(mu3(p["kappa"], p["delta"], n))},
        "ball": {"rho2": p["rho2"], "statement": "soundness holds for ||w||^2 <= kappa + 1 (raw data); "
                                                 "the normalised problem is ||w'|| <= 1"},
        "soundness_certified": True,
        "certificate": {k: (frac_str(v) if isinstance(v, Fraction) else v) for k, v in p["cert"].items()},
    }
    b = bounds(G, p, {})
    meta["bounds"] = plain.label_assumptions(G, p, b.to_json())
    meta["box"] = provable_box(p, plain._upper_bound(p, b))
    meta.update(normalisation(p))
    return TrainingSet(X, y, sw, den, meta)


def provable_box(p, U):
    """A box containing every w of the ball with L(w) <= U (so a minimiser over the ball), padded by 1e-3.

    Anchor: A (w_0 - 1)^2 <= U. Gadgets: n mu + mu (|2 t_v - w_0| - 1)^2 <= U, so with
    r = sqrt((U - n mu)/mu), t_v lies in [(w_0 - 1 - r)/2, (w_0 + 1 + r)/2]; and |w_j| <= sqrt(kappa + 1).
    """
    n, mu, A, R = p["n"], frac(p["mu"]), frac(p["A"]), float(np.sqrt(p["rho2"]))
    U = frac(U)
    r = float(np.sqrt(max(float((U - n * mu) / mu), 0.0)))
    a = float(np.sqrt(float(U / A)))
    lo0, hi0 = max(1 - a, -R), min(1 + a, R)
    pad = 1e-3
    return [[lo0 - pad, hi0 + pad, 1], [max((lo0 - 1 - r) / 2, -R) - pad, min((hi0 + 1 + r) / 2, R) + pad, n]]


def lift(G, p, S):
    """Vertex set S (0-based ids, any size) -> w_0 = 1, t_v = 1 on S, 0 off S (exact; ||w||^2 = 1 + |S|)."""
    S = check_vertex_set(S, p["n"], "lifted set")
    w = np.full(p["n"] + 1, 0, dtype=object)
    w[0] = 1
    w[S + 1] = 1
    return Network(w[None, :], np.array([1], dtype=object))


def decode(G, p, network):
    """Any single-ReLU network -> a kappa-set: S = {v : t_v >= w_0/2}, then pad or peel (as R4)."""
    W = np.asarray(network.weights)
    if W.shape != (1, p["n"] + 1):
        raise InvalidParameterError(f"dks-relu decodes a single ReLU on {p['n'] + 1} inputs, got weights of shape {W.shape}")
    w = W[0]
    kappa, n = p["kappa"], p["n"]
    t = [w[i + 1] for i in range(n)]
    thr = w[0] / 2
    S = [v for v in range(n) if t[v] >= thr]
    if len(S) <= kappa:
        rest = sorted((v for v in range(n) if t[v] < thr), key=lambda v: (-t[v], v))
        return sorted(S + rest[: kappa - len(S)])
    return peel_to(p["_Adj"], S, kappa, key={v: t[v] for v in S})


def lift_loss(p, S):
    """n mu + |E| + C(|S|,2) - 2 E(S) (exact): the loss of lift(S) (no cardinality term; the ball bounds |S|)."""
    S = check_vertex_set(S, p["n"])
    return p["n"] * frac(p["mu"]) + p["n_edges"] + comb(len(S), 2) - 2 * edges_in(p["_Adj"], S)


def _yes_value(p):
    return p["n"] * frac(p["mu"]) + p["n_edges"] - p["C"]


def bounds(G, p, cert):
    """Completeness and soundness (exact) for the problem min_{||w||^2 <= kappa + 1} L(w)."""
    C, c = p["C"], _yes_value(p)
    cert = plain._merged_cert(p, cert)
    base = {"kappa": p["kappa"], "C": C, "variant": "normalized", "mu": frac_str(p["mu"]), "A": frac_str(p["A"]),
            "rho2": p["rho2"], "yes_value_c": frac_str(c), "delta_params": frac_str(p["delta"]),
            "status": "proved over the whole ball (docs/reductions/dks-relu-normalized.md §2)"}
    e = cert.get("max_edges")
    if e is not None and e == C:
        return Bounds(completeness=c, soundness=None,
                      assumptions={**base, "max_edges": C, "certified": True, "source": "kappa-clique certificate"},
                      statement="YES (a kappa-clique exists): min over the ball <= c = n mu + |E| - C(kappa,2)")
    d_no = plain._delta_from_cert(cert, C)
    promise = d_no is None
    delta = p["delta"] if promise else d_no
    # mu, A were fixed for p["delta"]; they remain valid for every delta' >= p["delta"] (mu3 decreases in delta)
    certified = delta >= p["delta"]
    soundness = c + delta * C if certified else None
    best = e if e is not None else cert.get("best_edges")
    completeness = c if promise else (None if best is None else c + 2 * (C - best))
    statement = (f"ball ||w||^2 <= {p['rho2']}: YES => min <= c; NO (delta = {frac_str(delta)}) => min >= c + delta C"
                 f" = {frac_str(soundness) if soundness is not None else 'none (delta below the parameters)'}")
    return Bounds(completeness=completeness, soundness=soundness,
                  assumptions={**base, "delta": frac_str(delta), "max_edges": e, "best_edges": best,
                               "promise": promise, "certified": certified,
                               "source": "promise" if promise else "certificate"},
                  statement=statement)


def decoder_guarantee(G, p, network, loss, cert=None, *, tol=1e-7):
    """missing(S*) <= max(L - c, delta C), and < delta C if L < c + delta C, for w in the ball.

    Proved over the ball (the R4 argument with the ball step, for every w_0); a
    network outside the ball is outside the claim (returns None).
    """
    w = np.asarray(network.weights)[0]
    if float(sum(float(x) ** 2 for x in w)) > p["rho2"] * (1 + 1e-9):
        return None
    S = decode(G, p, network)
    C, c, delta = p["C"], _yes_value(p), p["delta"]
    missing = C - edges_in(p["_Adj"], S)
    exact = isinstance(loss, Fraction)
    slack = loss - c if exact else float(loss) - float(c)
    dC = delta * C
    t = 0 if exact else tol * max(1.0, abs(float(loss)))
    if slack < (dC if exact else float(dC) - t):
        holds, bound = missing < dC, dC
    else:
        holds, bound = missing <= slack + t, slack
    return Guarantee(missing, bound if exact else float(bound), bool(holds),
                     f"decoded set {[int(v) for v in S]} misses {missing} edges; bound max(L - c, delta C) = "
                     f"{float(max(slack, dC)):.6g} (proved over the ball)")


def starts(G, p, S, seed=None):
    """Lifted kappa-sets (greedy, random) and the drift sets of R4 scaled into the ball."""
    rng = np.random.default_rng(seed)
    n, kappa, Adj = p["n"], p["kappa"], p["_Adj"]
    out = [lift(G, p, peel_to(Adj, range(n), kappa))]
    for _ in range(3):
        out.append(lift(G, p, rng.choice(n, size=kappa, replace=False)))
    for s in sorted({min(n, kappa + 1), min(n, 2 * kappa), min(n, 4 * kappa)}):
        D = peel_to(Adj, range(n), int(s))
        w = np.zeros(n + 1, dtype=object)
        w[0] = Fraction(1)
        scale = Fraction(kappa, len(D))  # t = sqrt(kappa/|D|) rounded down to a rational
        w[np.asarray(D) + 1] = Fraction(int(np.floor(np.sqrt(float(scale)) * 10**6)), 10**6)
        out.append(Network(w[None, :], np.array([Fraction(1)], dtype=object)))
    return out


# ---------------------------------------------------------------- normalisation and the obstruction

def normalisation(p):
    """Unit-ball scale and the certified mean-loss gap eps (exact).

    x' = x/sqrt(17), y' = y/(sqrt(17) sqrt(kappa + 1)), w' = w/sqrt(kappa + 1):
    every x' has norm <= 1, ||w'|| <= 1 iff ||w||^2 <= kappa + 1, and
    mean_loss'(w') = L(w)/Z with Z = 17 (kappa + 1) W. eps = delta C / Z.
    """
    n, C, delta = p["n"], p["C"], p["delta"]
    W = frac(p["A"]) + 2 * n * frac(p["mu"]) + comb(n, 2)
    R2 = POINT_NORM_SQ if n >= 2 else 5
    Z = R2 * p["rho2"] * W
    gap = delta * C
    c = _yes_value(p)
    loc = locality_bound(p)
    return {
        "scale": {"x_sq": frac_str(Fraction(1, R2)), "y_sq": frac_str(Fraction(1, R2 * p["rho2"]))},
        "normalisation": {"R2": R2, "w_star_norm_sq": p["rho2"], "total_weight": frac_str(W), "Z": frac_str(Z),
                          "statement": "mean_loss(normalised w/sqrt(kappa+1)) = L(w)/Z; every x' in the unit ball; "
                                       "the learner's class ||w'|| <= 1 is the ball ||w||^2 <= kappa + 1"},
        "gap": frac_str(gap),
        "eps": frac_str(gap / Z),
        "eps_float": float(gap / Z),
        "eps_status": "proved (soundness over the whole weight ball)",
        "eps_scaling": "Theta(delta/(kappa n^2)) at fixed (kappa, delta) (pair points of mass 1/W each)",
        "locality_bound": frac_str(loc),
        "locality_bound_float": float(loc),
        "relative_gap": frac_str(gap / c) if c > 0 else None,
        "relative_gap_float": float(gap / c) if c > 0 else None,
    }


def locality_bound(p):
    """2 C / W: no reduction whose pair points carry mass <= 1/W each can certify a larger eps.

    A YES graph and a NO graph with the same n and |E| that differ on <= 2C
    pairs (plant K_S, delete as many edges elsewhere) have normalised losses
    within 2C/W of each other at every w in the ball (each normalised point
    loss lies in [0, 1]), while the threshold c depends on n, |E| only.
    """
    W = frac(p["A"]) + 2 * p["n"] * frac(p["mu"]) + comb(p["n"], 2)
    return 2 * p["C"] / W
