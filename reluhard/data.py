"""Training sets and networks: the objects that cross the reduction/solver seam.

A :class:`TrainingSet` is *exact*: integer sparse features, integer labels and
integer sample weights over one common denominator, so every certified claim
can be checked in exact arithmetic (conventions §3). Float arrays for solvers
are derived from it (:meth:`TrainingSet.float_arrays`).

A :class:`Network` is f(x) = sum_j a_j relu(w_j . x) (no biases; an anchor
coordinate plays the bias). Weights may be exact (``int``/``Fraction``) or
floats.

Losses (conventions §2): ``loss`` is the total weighted square loss
L = sum_i c_i (f(x_i) - y_i)^2; ``mean_loss`` = L / sum_i c_i.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

import numpy as np
import scipy.sparse as sp

from .errors import InvalidParameterError

__all__ = ["TrainingSet", "Network", "exact_loss", "float_loss", "frac", "frac_str", "jsonable"]


def frac(x):
    """Exact rational from int / Fraction / decimal string / 'p/q' string."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise InvalidParameterError(f"not a rational number: {x!r}") from None
    if isinstance(x, (float, np.floating)):
        return Fraction(float(x))
    raise InvalidParameterError(f"not a rational number: {x!r}")


def jsonable(obj):
    """A JSON-able copy: Fractions as ``"p/q"`` (integers as int), numpy scalars as Python numbers."""
    if isinstance(obj, Fraction):
        return str(obj) if obj.denominator != 1 else int(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj


def frac_str(x):
    """A rational as the string 'p/q' (or 'p'), the JSON/meta convention."""
    x = frac(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@dataclass(frozen=True, eq=False)
class TrainingSet:
    """An exact weighted training set.

    Parameters
    ----------
    X : scipy.sparse.csr_matrix of int64, shape (n_samples, n_features)
    y : ndarray of int64, shape (n_samples,)
    sample_weight : ndarray of int64, shape (n_samples,), all > 0
        Sample i has weight ``sample_weight[i] / weight_denominator``.
    weight_denominator : int
        Common denominator of the rational sample weights.
    meta : dict
        JSON-serialisable metadata (reduction, options, certificate, bounds, ...).
    """

    X: sp.csr_matrix
    y: np.ndarray
    sample_weight: np.ndarray
    weight_denominator: int = 1
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        n = self.X.shape[0]
        if self.y.shape != (n,) or self.sample_weight.shape != (n,):
            raise InvalidParameterError("X, y and sample_weight have inconsistent lengths")
        if n and self.sample_weight.min() <= 0:
            raise InvalidParameterError("sample weights must be positive")

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def n_features(self):
        return self.X.shape[1]

    @property
    def total_weight(self):
        """sum_i c_i as an exact Fraction."""
        return Fraction(int(self.sample_weight.sum()), self.weight_denominator)

    def weight(self, i):
        return Fraction(int(self.sample_weight[i]), self.weight_denominator)

    def float_arrays(self):
        """(X float64 CSR, y float64, sample_weight float64) for solvers."""
        X = self.X.astype(np.float64)
        return X, self.y.astype(np.float64), self.sample_weight / float(self.weight_denominator)


@dataclass(frozen=True, eq=False)
class Network:
    """f(x) = sum_j output_weights[j] * relu(weights[j] . x).

    ``weights`` has shape (k, n_features); entries are ints/Fractions (exact,
    dtype object) or floats. ``output_weights`` has shape (k,).
    """

    weights: np.ndarray
    output_weights: np.ndarray

    def __post_init__(self):
        W = np.atleast_2d(np.asarray(self.weights))
        a = np.atleast_1d(np.asarray(self.output_weights))
        if W.ndim != 2 or a.shape != (W.shape[0],):
            raise InvalidParameterError(
                f"network shapes disagree: weights {W.shape}, output_weights {a.shape}"
            )
        object.__setattr__(self, "weights", W)
        object.__setattr__(self, "output_weights", a)

    @classmethod
    def single(cls, w, a=1):
        return cls(np.asarray([list(w)], dtype=object if _is_exact_seq(w) else np.float64), np.asarray([a], dtype=object if isinstance(a, (int, Fraction)) else np.float64))

    @property
    def k(self):
        return self.weights.shape[0]

    @property
    def is_exact(self):
        return self.weights.dtype == object and self.output_weights.dtype == object

    def as_float(self):
        return Network(np.asarray(self.weights, dtype=np.float64), np.asarray(self.output_weights, dtype=np.float64))

    def to_json(self):
        """The JSON form of conventions §7 (floats, or 'p/q' strings when exact)."""
        conv = frac_str if self.is_exact else float
        return {
            "weights": [[conv(v) for v in row] for row in self.weights],
            "output_weights": [conv(v) for v in self.output_weights],
        }

    @classmethod
    def from_json(cls, obj):
        try:
            rows = obj["weights"]
            a = obj.get("output_weights", [1] * len(rows))
        except (TypeError, KeyError, AttributeError):
            raise InvalidParameterError("network JSON needs a 'weights' list of rows") from None
        exact = all(isinstance(v, (int, str)) for row in rows for v in row) and all(isinstance(v, (int, str)) for v in a)
        if exact:
            return cls(np.array([[frac(v) for v in row] for row in rows], dtype=object), np.array([frac(v) for v in a], dtype=object))
        try:
            return cls(np.array(rows, dtype=np.float64), np.array(a, dtype=np.float64))
        except (TypeError, ValueError):
            raise InvalidParameterError("network weights must be numbers") from None


def _is_exact_seq(w):
    return all(isinstance(v, (int, Fraction, np.integer)) for v in w)


def float_loss(ts_or_arrays, net):
    """Total weighted square loss in float64 (vectorised, sparse)."""
    if isinstance(ts_or_arrays, TrainingSet):
        X, y, c = ts_or_arrays.float_arrays()
    else:
        X, y, c = ts_or_arrays
    netf = net.as_float()
    Z = X @ netf.weights.T  # (N, k)
    f = np.maximum(Z, 0.0) @ netf.output_weights
    r = f - y
    return float(np.dot(c, r * r))


def exact_loss(ts, net):
    """Total weighted square loss as an exact Fraction.

    All rationals are brought to one common denominator Q, so that the work is
    integer sparse products (int64 when provably safe, Python ints otherwise).
    """
    if not isinstance(ts, TrainingSet):
        raise TypeError("exact_loss needs an exact TrainingSet")
    W = np.vectorize(frac, otypes=[object])(net.weights) if net.weights.size else net.weights
    a = np.array([frac(v) for v in net.output_weights], dtype=object)
    qw = lcm(1, *(v.denominator for v in W.ravel()))
    qa = lcm(1, *(v.denominator for v in a))
    Wi = np.array([[int(v * qw) for v in row] for row in W], dtype=object)  # (k, d)
    ai = np.array([int(v * qa) for v in a], dtype=object)
    X = ts.X.tocoo()
    rows, cols, vals = X.row, X.col, X.data.astype(object)
    N = ts.n_samples
    # pre-activations times qw, as Python ints: z[i, j] = sum_k X[i,k] * Wi[j,k]
    Z = np.zeros((N, Wi.shape[0]), dtype=object)
    for j in range(Wi.shape[0]):
        contrib = vals * Wi[j, cols]
        zj = np.zeros(N, dtype=object)
        np.add.at(zj, rows, contrib)
        Z[:, j] = zj
    R = np.where(Z > 0, Z, 0)
    F = R.dot(ai) if Wi.shape[0] else np.zeros(N, dtype=object)  # = f * qw * qa
    Q = qw * qa
    resid = F - ts.y.astype(object) * Q
    total = int(np.dot(ts.sample_weight.astype(object), resid * resid))
    return Fraction(total, Q * Q * ts.weight_denominator)
