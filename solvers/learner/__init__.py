"""Proper learners for one ReLU and for sums of k ReLUs with bounded weights.

The positive side of [GKMR21]: a PCA subspace plus a toward-zero-rounded
truncated lattice gives a proper learner with additive mean-loss error eps in
time 2^(O(1/eps^2)) poly(N, d) (2^(O(1/eps)) when OPT = O(eps)); practical
modes (certified branch-and-bound, coarse-to-fine levels) make it anytime.
See docs/learner.md for the guarantee, constants and measured limits.

References
----------
.. [GKMR21] S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight hardness
   results for training depth-2 ReLU networks. ITCS 2021.
"""

from ._problem import Problem, prepare
from .krelu import l1_qp, l1_qp2, learn_krelu
from .lattice import (
    adaptive_params,
    covering_radius,
    iter_lattice,
    lattice_count,
    log2_planned_size,
    round_toward_zero,
    worst_case_params,
)
from .oracle import exact_relu_2d
from .result import LearnResult
from .single import MODES, learn_relu, radius_for

__all__ = [
    "learn",
    "learn_relu",
    "learn_krelu",
    "LearnResult",
    "MODES",
    "Problem",
    "prepare",
    "radius_for",
    "iter_lattice",
    "lattice_count",
    "log2_planned_size",
    "covering_radius",
    "worst_case_params",
    "adaptive_params",
    "round_toward_zero",
    "l1_qp",
    "l1_qp2",
    "exact_relu_2d",
]


def learn(X, y, sample_weight=None, *, eps, k=1, W=None, mode=None, time_limit=None, seed=None, **kw):
    """Dispatch: :func:`learn_relu` for k = 1 (mode default "bnb"), :func:`learn_krelu` for k >= 2."""
    from reluhard.errors import InvalidParameterError

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidParameterError(f"k must be a positive integer, got {k!r}")
    if k == 1:
        if W is not None:
            raise InvalidParameterError("W (the l1 bound on output weights) applies to k >= 2; k = 1 is relu(w . x)")
        return learn_relu(X, y, sample_weight, eps=eps, mode=mode or "bnb", time_limit=time_limit, seed=seed, **kw)
    if mode not in (None, "net"):
        raise InvalidParameterError(f"mode {mode!r} is implemented for k = 1 only; k >= 2 uses the net (mode 'net')")
    return learn_krelu(X, y, sample_weight, eps=eps, k=k, W=1.0 if W is None else W, time_limit=time_limit, seed=seed, **kw)
