"""Honest verdicts: exact comparisons of fitted networks with exact bounds, and labels for what was not tested.

A fitter's network has float weights; each float is a rational, so the network
*is* an exact rational network (:func:`rationalise`), and its loss on the
exact training data is an exact rational (:func:`reluhard.data.exact_loss`).
Comparing that with the exact soundness bound is a proof either way: a loss
below the bound is a concrete counterexample to the claim, a loss at or above
it is consistent. Only where exact evaluation is too large does a float loss
decide, and then only outside the tolerance band; inside it the verdict is
``None`` (inconclusive), never ``True``.
"""

from fractions import Fraction

import numpy as np

from reluhard.data import Network, exact_loss, float_loss

__all__ = ["rationalise", "exact_network_loss", "soundness_verdict", "float_verdict", "dual_verdict", "untested_claims", "EXACT_NNZ_LIMIT"]

#: relative float noise allowed on a solver's dual bound (1e-9: a gap of 1 resolves up to bounds ~1e9)
FLOAT_NOISE_REL = Fraction(1, 10**9)
#: exact evaluation is used when nnz(X) * k is at most this (Python-int arithmetic)
EXACT_NNZ_LIMIT = 2_000_000


def rationalise(net):
    """The same network with every weight the exact rational its float denotes."""
    if net.is_exact:
        return net
    to_frac = np.vectorize(lambda v: Fraction(float(v)), otypes=[object])
    W = to_frac(np.asarray(net.weights, dtype=np.float64))
    a = to_frac(np.asarray(net.output_weights, dtype=np.float64))
    return Network(W, a)


def exact_network_loss(ts, net):
    """Exact loss of the rationalised ``net`` on the exact data, or None if too large to evaluate."""
    if int(ts.X.nnz) * max(1, net.k) > EXACT_NNZ_LIMIT:
        return None
    if not all(np.isfinite(float(v)) for v in np.ravel(net.as_float().weights)):
        return None
    return exact_loss(ts, rationalise(net))


def float_verdict(value, bound, tol):
    """value >= bound judged in floats: True / False outside the band |value - bound| <= tol, else None."""
    v, b = float(value), float(bound)
    if v >= b + tol:
        return True
    if v < b - tol:
        return False
    return None


#: a float dual bound within its slack below a claimed bound still confirms the claim when the slack is
#: below this fraction of the gap the claim certifies (soundness bound minus the YES value): float error
#: then cannot turn a YES/NO distinction around (a tight claim, met with equality, is the common case)
GAP_RESOLUTION = Fraction(1, 1000)


def dual_verdict(dual_bound, bound, slack, *, gap=None):
    """Is a proven optimum's float dual bound consistent with the exact lower bound ``bound``?

    True if the dual bound (as the rational its float denotes) is >= ``bound``
    up to double-precision noise (:data:`FLOAT_NOISE_REL`, relative; a tight bound
    is met with equality, and the solver's float arithmetic lands just below it);
    False if even ``dual_bound + slack`` (solver gap plus float noise) is below it
    (the solver proves a minimum below the claimed bound); None in between: the
    float cannot resolve the comparison, so it is inconclusive, never ok - unless
    ``gap`` (the certified gap: the bound minus the YES value) is given and the
    slack is at most :data:`GAP_RESOLUTION` of it, so float error cannot decide
    between YES and NO.
    """
    d = Fraction(float(dual_bound))
    if d >= bound - FLOAT_NOISE_REL * max(1, abs(bound)):
        return True
    if d + Fraction(float(slack)) < bound:
        return False
    if gap is not None and gap > 0 and Fraction(float(slack)) <= GAP_RESOLUTION * Fraction(gap):
        return True  # within the solver's slack, and the slack is negligible next to the certified gap
    return None


def soundness_verdict(ts, net, bound, *, tol):
    """Does ``net`` respect the lower bound ``bound`` (Fraction)?

    Returns
    -------
    (verdict, detail) : verdict True (exact loss >= bound), False (exact loss
        < bound: a counterexample), None (not resolvable: float only, within
        ``tol``); detail a dict for the report (exact loss as 'p/q', how decided).
    """
    L = exact_network_loss(ts, net)
    if L is not None:
        return L >= bound, {"exact_loss": f"{L.numerator}/{L.denominator}" if L.denominator != 1 else str(L.numerator),
                            "exact_gap": float(L - bound), "decided_by": "exact"}
    Lf = float_loss(ts, net)
    v = float_verdict(Lf, bound, tol)
    return v, {"float_loss": Lf, "decided_by": "float" if v is not None else "unresolved (within tolerance)"}


def untested_claims(bounds, real_checked, exact_ran):
    """Claims of ``bounds`` that no check exercised (each makes the verdict inconclusive, not ok)."""
    out = []
    if bounds.realizable is False and not real_checked:
        out.append("realizability claim (min loss > 0) untested: no exact method ran")
    return out
