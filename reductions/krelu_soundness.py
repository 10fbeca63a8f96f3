"""Quantitative soundness of ``hypergraph-krelu`` / ``sat-krelu``: a certified loss gap.

``reluhard reduce hypergraph-krelu H --k K --variant normalized`` (and
``sat-krelu``) keep the plain data bit for bit and add the certified lower
bound on the **infimum** of the training loss over *all* networks
f = sum_j a_j relu(w_j . x) (any real a_j, unbounded w_j) when H is not
2-colourable (proofs: ``docs/reductions/sat-krelu.md`` §9):

* k = 2:  inf L >= eps_raw = min(1, s^2/(s+1), (s+1)^2/(s+7)), s = the
  smallest edge size (= 1 for s >= 2). **Tight**: when H - v is
  2-colourable for some v (C3, C5, Fano), dropping v attains loss exactly 1.
* k >= 3 with the positivity gadget:  inf L >= min(1/6, s^2/(k^2 + s)),
  s = min(2, smallest edge size) (join pairs have size 2).
* k >= 3 without the gadget: no bound (at k >= 4 the infimum is 0: C5 ⋈ K2 is realizable).

No weight bound is needed: the arguments use only the defect identity
sum_{v in S} f(e_v) - f(1_S) = sum_j a_j D_j(S) and, for k >= 3, the gadget's
second differences. The decoder of this variant (:func:`decode`) returns a
proper 2-colouring from every network with loss < eps_raw.

Normalisation: x' = x/R (R^2 = the largest squared point norm) and
y' = y/Lambda with Lambda^2 = R^2 k sum_j ||w*_j||^2 (w* = the lift; the sum
does not depend on the colouring). For any network f, f'(x') = f(R x')/Lambda
is a k-ReLU network with mean loss L(f)/(N Lambda^2) (N rows), and the
normalised lift has ||w'_j|| = 1, sum_j |a'_j| <= 1. So eps = eps_raw/(N Lambda^2).
"""

from fractions import Fraction

import numpy as np

from reluhard.data import frac_str

__all__ = ["eps_raw", "min_set_size", "decode", "normalisation", "statement"]


def min_set_size(p):
    """Smallest label-0 set among the points the bound uses: edges of H, and the join pairs (size 2) when k >= 3."""
    csr = p["_csr"]
    s = int(csr.sizes.min()) if csr.n_edges else None
    if p["k"] >= 3 and p["n"] > 0:
        s = 2 if s is None else min(s, 2)
    return s


def eps_raw(p):
    """Certified lower bound on inf L for a non-2-colourable H (exact), or None where nothing is proved."""
    s = min_set_size(p)
    if s is None:
        return None
    k = p["k"]
    if k == 2:
        return min(Fraction(1), Fraction(s * s, s + 1), Fraction((s + 1) ** 2, s + 7))
    if not p["gadget"]:
        return None
    return min(Fraction(1, 6), Fraction(s * s, k * k + s))


def statement(p):
    e = eps_raw(p)
    if e is None:
        return "no quantitative bound without the positivity gadget at k >= 3 (the infimum can be 0)"
    return (f"H not 2-colourable => every {p['k']}-ReLU network (any real output weights, unbounded weights) "
            f"has loss >= {frac_str(e)}")


def _contributions(p, network):
    W = np.asarray(network.weights)
    a = np.asarray(network.output_weights)
    n, K = p["n"], p["n_clique"]
    cols = W[:, : n + K]
    phi = np.array([[float(a[j]) * max(float(x), 0.0) for x in cols[j]] for j in range(W.shape[0])])
    return phi  # phi[j, x] = a_j relu(w_jx) on the vertex points e_x of H ⋈ K_{k-2}


def decode(h, p, network):
    """Any network -> a 2-colouring of H, proper whenever the loss is < eps_raw.

    k = 2: chi(v) = argmax_j a_j relu(w_jv) (ties: 0). k >= 3: A(x) = {j :
    a_j relu(w_jx) >= F_x/k > 0} with F_x = f(e_x); R = the ReLUs in no A(u) of
    a clique vertex u; r = min R (0 if R is empty); chi(v) = 0 iff r in A(v).
    """
    phi = _contributions(p, network)
    k, n = p["k"], p["n"]
    if k == 2:
        return [0 if phi[0, v] >= phi[1, v] else 1 for v in range(n)]
    F = phi.sum(axis=0)
    A = [{j for j in range(phi.shape[0]) if F[x] > 0 and phi[j, x] > 0 and phi[j, x] * k >= F[x]} for x in range(phi.shape[1])]
    used = set().union(*A[n:]) if p["n_clique"] else set()
    R = [j for j in range(phi.shape[0]) if j not in used]
    r = R[0] if R else 0
    return [0 if r in A[v] else 1 for v in range(n)]


def normalisation(p, target, lifted_sq_norm):
    """meta entries: unit-ball scale and eps = eps_raw/(N Lambda^2) (exact), given the lift's sum_j ||w*_j||^2."""
    X = target.X
    R2 = int(X.multiply(X).sum(axis=1).max()) if X.shape[0] else 1
    N = int(X.shape[0])
    lam2 = R2 * p["k"] * int(lifted_sq_norm)
    e = eps_raw(p)
    out = {
        "scale": {"x_sq": frac_str(Fraction(1, R2)), "y_sq": frac_str(Fraction(1, lam2))},
        "normalisation": {"R2": R2, "Lambda2": lam2, "lift_sum_sq_norms": int(lifted_sq_norm), "n_rows": N,
                          "statement": "f'(x') = f(R x')/Lambda has mean loss L(f)/(N Lambda^2); every x' in the unit "
                                       "ball; the normalised lift has ||w'_j|| = 1 and sum |a'_j| <= 1"},
        "eps_raw": None if e is None else frac_str(e),
        "eps": None if e is None else frac_str(e / (N * lam2)),
        "eps_float": None if e is None else float(e / (N * lam2)),
        "eps_condition": "H not 2-colourable (NO instance)",
        "eps_statement": statement(p),
    }
    return out
