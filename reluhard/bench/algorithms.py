"""The registry of training algorithms benchmarked by ``reluhard bench``.

Every algorithm is called as its users would call it, from **public data
only**::

    algorithm(X, y, sample_weight, *, seed, budget, k) -> BenchFit | weights

* ``X`` a dense read-only float64 array (N, d), ``y`` and ``sample_weight``
  read-only float64 arrays (N,); no ``.npz`` meta, no answer key, no
  structured starts, no certified bound;
* ``seed`` a non-negative int, ``budget`` wall-clock seconds (the algorithm
  honours it; the harness also kills the cell's worker a little after it);
* ``k`` the number of ReLUs of the model class: k = 1 is relu(w . x) without
  bias and output weight 1; k >= 2 is sum_j a_j relu(w_j . x) with trainable
  output weights a.

An algorithm returns a :class:`BenchFit` (weights plus an optional trace of
``(seconds, claimed best loss)`` for time-to-best), or just the weights: a
(k, d) array (output weights 1), a ``(W, a)`` pair, a
:class:`~reluhard.data.Network`, or a dict ``{"weights", "output_weights"}``.
The harness recomputes the loss from the weights and never trusts a claimed
loss. A user's optimizer plugs in as ``module:function`` (:func:`get_algorithm`).

An algorithm that does not apply to an instance (torch missing, dimension too
large for an exact enumeration, k >= 2 for a one-ReLU method) raises
:class:`NotApplicable` with the reason; the cell is recorded as ``skipped``.
"""

import importlib
import math
import time
from dataclasses import dataclass, field

import numpy as np

from reluhard.data import Network
from reluhard.errors import InvalidParameterError, ReluhardError, UnknownNameError

__all__ = ["BenchFit", "NotApplicable", "ALGORITHMS", "algorithm_names", "get_algorithm", "as_network", "Trace",
           "LR_GRID", "SEED_INDEPENDENT", "is_seed_independent", "stop_at_target"]

#: learning rates tried by the torch trainers (cycled over restarts)
LR_GRID = (1e-3, 1e-2, 1e-1)


class NotApplicable(ReluhardError):
    """The algorithm does not apply to this instance (the reason is the message)."""


@dataclass
class BenchFit:
    """What a training algorithm returns: its network and (optionally) its progress.

    ``trace`` lists ``(seconds since start, best loss so far)`` as the algorithm
    claims it; the harness uses it only for time-to-best, after recomputing the
    final loss. ``info`` holds algorithm-specific JSON-able numbers
    (restarts run, learning rate of the best run, a dual bound, ...).
    """

    network: Network
    trace: list = field(default_factory=list)
    info: dict = field(default_factory=dict)


class _TargetMonitor:
    """The harness's time-to-target stop (never visible to the algorithm as a number it can read through its
    arguments): the loss of every new best network is recomputed from the weights and compared with the target."""

    def __init__(self, X, y, c, target):
        self.X, self.y, self.c, self.target = X, y, c, float(target)
        self.reached_at = None

    def check(self, W, a, elapsed):
        if self.reached_at is None and _loss(self.X, self.y, self.c, np.atleast_2d(W), np.atleast_1d(a)) <= self.target:
            self.reached_at = float(elapsed)
        return self.reached_at is not None


_MONITOR = None


class stop_at_target:
    """Context manager used by the harness (one cell, one process): a :class:`Trace` created inside it stops its
    algorithm as soon as a network with recomputed loss <= ``target`` is offered (time-to-target early stop on
    rows whose optimum is certified exactly; ``target`` None: no early stop). ``.reached_at`` is the time it
    was reached (seconds from the Trace's start), or None."""

    def __init__(self, X, y, sample_weight, target):
        self.monitor = None if target is None else _TargetMonitor(X, y, sample_weight, target)

    @property
    def reached_at(self):
        return None if self.monitor is None else self.monitor.reached_at

    def __enter__(self):
        global _MONITOR
        self._saved, _MONITOR = _MONITOR, self.monitor
        return self

    def __exit__(self, *exc):
        global _MONITOR
        _MONITOR = self._saved
        return False


class Trace:
    """Best-so-far recorder for the built-in algorithms (wall clock from creation).

    Inside the harness's :class:`stop_at_target`, :meth:`out_of_time` also turns true once a network reaching the
    target has been offered (the algorithm never sees the target).
    """

    def __init__(self, budget):
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + float(budget)
        self.best = math.inf
        self.W = None
        self.a = None
        self.points = []
        self.monitor = _MONITOR
        self.reached = False

    def elapsed(self):
        return time.perf_counter() - self.t0

    def out_of_time(self):
        return self.reached or time.perf_counter() >= self.deadline

    def offer(self, loss, W, a):
        if loss < self.best:
            self.best = float(loss)
            self.W, self.a = np.array(W, dtype=float), np.array(a, dtype=float)
            self.points.append((round(self.elapsed(), 6), self.best))
            if self.monitor is not None and not self.reached:
                self.reached = self.monitor.check(self.W, self.a, self.elapsed())

    def fit(self, **info):
        if self.W is None:
            raise InvalidParameterError("the algorithm produced no network within its budget")
        return BenchFit(Network(self.W, self.a), list(self.points), info)


def _loss(X, y, c, W, a):
    r = np.maximum(X @ W.T, 0.0) @ a - y
    return float(np.dot(c, r * r))


def as_network(out, k, d):
    """The network of an algorithm's return value (see module docstring), shape-checked.

    Raises
    ------
    InvalidParameterError
        Anything else, or weights of the wrong shape / not finite.
    """
    if isinstance(out, BenchFit):
        out = out.network
    if isinstance(out, Network):
        W, a = out.weights, out.output_weights
    elif isinstance(out, dict):
        if "weights" not in out:
            raise InvalidParameterError("an algorithm's dict result needs a 'weights' entry")
        W = out["weights"]
        a = out.get("output_weights", np.ones(np.atleast_2d(np.asarray(W, dtype=float)).shape[0]))
    elif isinstance(out, tuple) and len(out) == 2:
        W, a = out
    else:
        W = out
        a = None
    try:
        W = np.atleast_2d(np.asarray(W, dtype=float))
        a = np.ones(W.shape[0]) if a is None else np.atleast_1d(np.asarray(a, dtype=float))
    except (TypeError, ValueError):
        raise InvalidParameterError(f"an algorithm returned {type(out).__name__}, not weights") from None
    if W.shape != (k, d) or a.shape != (k,):
        raise InvalidParameterError(f"an algorithm returned weights of shape {W.shape} and output weights {a.shape}; "
                                    f"the model has k = {k} ReLUs on d = {d} inputs")
    if not (np.isfinite(W).all() and np.isfinite(a).all()):
        raise InvalidParameterError("an algorithm returned non-finite weights")
    if k == 1 and a[0] != 1.0:
        if a[0] <= 0:
            raise InvalidParameterError("k = 1 is relu(w . x) with output weight 1; got a non-positive output weight")
        W, a = W * a[0], np.ones(1)  # a relu(w.x) = relu(a w . x) for a > 0
    return Network(W, a)


# ---------------------------------------------------------------- scipy L-BFGS-B

def lbfgs(X, y, sample_weight, *, seed, budget, k):
    """scipy L-BFGS-B with random restarts (N(0, 1) init; k >= 2: random +-1 output weights, fitted jointly)
    until the budget is spent; the best restart wins."""
    from scipy.optimize import minimize

    from reluhard.solvers._loss import loss_grad

    rng = np.random.default_rng(seed)
    N, d = X.shape
    XT = np.ascontiguousarray(X.T)
    tr = Trace(budget)
    fit_a = k > 1

    def fun(theta):
        W = theta[: k * d].reshape(k, d)
        a = theta[k * d:] if fit_a else np.ones(1)
        L, dW, da = loss_grad(X, XT, y, sample_weight, W, a, fit_a)
        return L, (np.concatenate([dW.ravel(), da]) if fit_a else dW.ravel())

    restarts, best_restart = 0, 1
    while restarts == 0 or not tr.out_of_time():
        W0 = rng.standard_normal((k, d))
        a0 = rng.choice([-1.0, 1.0], size=k) if fit_a else np.ones(1)
        theta0 = np.concatenate([W0.ravel(), a0]) if fit_a else W0.ravel()
        res = minimize(fun, theta0, jac=True, method="L-BFGS-B",
                       options={"maxiter": 1500, "maxcor": 20, "gtol": 1e-10, "ftol": 1e-13})
        W = res.x[: k * d].reshape(k, d)
        a = res.x[k * d:] if fit_a else np.ones(1)
        L = _loss(X, y, sample_weight, W, a)
        if L < tr.best:
            best_restart = restarts + 1
        tr.offer(L, W, a)
        restarts += 1
    return tr.fit(restarts=restarts, restart_of_best=best_restart)


# ---------------------------------------------------------------- torch

def _torch_trainer(optimizer, batch):
    def train(X, y, sample_weight, *, seed, budget, k):
        from ._torch import train_torch

        return train_torch(X, y, sample_weight, seed=seed, budget=budget, k=k, optimizer=optimizer, batch=batch)

    train.__name__ = f"{optimizer}{'' if batch is None else '_minibatch'}"
    train.__doc__ = (f"PyTorch {optimizer.upper() if optimizer == 'sgd' else 'Adam'} "
                     f"({'full batch' if batch is None else f'mini-batches of {batch}'}), float64, restarts cycling over "
                     f"the learning rates {', '.join(map(str, LR_GRID))} until the budget is spent (torch's default "
                     f"Linear init).")
    return train


# ---------------------------------------------------------------- proper learner

def learner(X, y, sample_weight, *, seed, budget, k):
    """The proper learner of ``reluhard learn`` (k = 1: certified branch-and-bound ``bnb``; k >= 2: the net),
    eps = 0.01 on the mean loss. Its guarantee is relative to OPT over ||w|| <= 1 on data with max ||x|| <= 1
    (normalised data); elsewhere it rescales and the guarantee covers the scaled ball only (``info``)."""
    from reluhard.solvers.learner import learn

    t0 = time.perf_counter()
    if k == 1:
        res = learn(X, y, sample_weight, eps=0.01, k=1, mode="bnb", time_limit=float(budget), seed=int(seed))
    else:
        res = learn(X, y, sample_weight, eps=0.01, k=k, W=float(k), time_limit=float(budget), seed=int(seed))
    secs = time.perf_counter() - t0
    R = float(np.sqrt((X * X).sum(axis=1)).max()) if X.size else 0.0
    info = {"complete": bool(res.complete), "guarantee_applies": R <= 1.0, "max_row_norm": R,
            "learner_lower_bound_in_ball": None if res.certified_lower_bound is None else float(res.certified_lower_bound) * res.total_weight}
    return BenchFit(Network(np.asarray(res.weights, float), np.asarray(res.output_weights, float)),
                    [(round(secs, 6), float(res.loss))], info)


# ---------------------------------------------------------------- exact / MIQP

def arora(X, y, sample_weight, *, seed, budget, k):
    """Exact arrangement enumeration of Arora, Basu, Mianjy & Mukherjee (ICLR 2018) for one ReLU, small rank d <= 4:
    enumerate the activation patterns of the hyperplane arrangement {x_i . w = 0}, one convex QP per pattern."""
    from .arora import arora_exact

    if k != 1:
        raise NotApplicable("arora: implemented for one ReLU (k = 1)")
    return arora_exact(X, y, sample_weight, budget=budget)


def heuristic_box(X, y, sample_weight):
    """A data-derived box |w_j| <= B for the MIQP on data without a provable box (a heuristic, not a certificate).

    B = 2 (max |y| + sqrt(L(0) / min c)) / min |x_ij| over non-zero entries: an active point of a network
    with loss <= L(0) has |x . w| <= |y| + sqrt(L(0)/c), which bounds w along well-spread directions only.
    """
    nz = np.abs(X[X != 0])
    if nz.size == 0:
        return 1.0
    L0 = float(np.dot(sample_weight, y * y))
    cmin = float(sample_weight[sample_weight > 0].min()) if (sample_weight > 0).any() else 1.0
    return float(min(1e4, 2.0 * (float(np.abs(y).max()) + math.sqrt(L0 / cmin)) / float(nz.min())))


def miqp(X, y, sample_weight, *, seed, budget, k):
    """SCIP MIQP (solvers/miqp.py) with SCIP's default seed and its own time limit = budget, inside :func:`heuristic_box` (the harness
    passes no provable box: SCIP's dual bound holds inside that box only and is never used as a certificate)."""
    import scipy.sparse as sp

    from reluhard.solvers.miqp import fit_miqp

    if k != 1:
        raise NotApplicable("miqp: the MIQP models one ReLU (k = 1)")
    B = heuristic_box(X, y, sample_weight)
    t0 = time.perf_counter()
    # SCIP's default random seed (seed-independent, run once per instance: SEED_INDEPENDENT)
    res = fit_miqp((sp.csr_matrix(X), np.asarray(y), np.asarray(sample_weight), {}), box=B, time_limit=float(budget), seed=0)
    secs = time.perf_counter() - t0
    return BenchFit(res.network.as_float(), [(round(secs, 6), float(res.loss))],
                    {"status": res.status, "box": B, "dual_bound_in_box": res.dual_bound})


def orthant(X, y, sample_weight, *, seed, budget, k):
    """Exact orthant enumeration (solvers/relu_exact.py) where the data allow it (every positive-label row has one
    non-zero entry, R1-type; at most 22 split coordinates), no pruning, no box."""
    import scipy.sparse as sp

    from reluhard.solvers.relu_exact import fit_orthant, is_orthant_decomposable

    if k != 1:
        raise NotApplicable("orthant: one ReLU (k = 1) only")
    Xs = sp.csr_matrix(X)
    if not is_orthant_decomposable(Xs, np.asarray(y)):
        raise NotApplicable("orthant: a positive-label row has several non-zero entries (not R1-type data)")
    try:
        res = fit_orthant((Xs, np.asarray(y), np.asarray(sample_weight), {}), time_limit=float(budget))
    except InvalidParameterError as exc:
        raise NotApplicable(f"orthant: {exc}") from None
    return BenchFit(res.network.as_float(), [(round(res.seconds, 6), float(res.loss))],
                    {"complete": bool(res.complete)})


# ---------------------------------------------------------------- registry

ALGORITHMS = {
    "lbfgs": lbfgs,
    "sgd": _torch_trainer("sgd", None),
    "adam": _torch_trainer("adam", None),
    "sgd-mb": _torch_trainer("sgd", 32),
    "adam-mb": _torch_trainer("adam", 32),
    "learner": learner,
    "arora": arora,
    "miqp": miqp,
    "orthant": orthant,
}

#: algorithms needing torch (skipped with a message when it is missing)
TORCH_ALGORITHMS = ("sgd", "adam", "sgd-mb", "adam-mb")

#: algorithms whose result does not depend on the seed (no random initialisation, no random restarts): the harness
#: runs them once per instance (seed 0, record ``seed_independent: true``) instead of once per seed. ``miqp`` runs
#: SCIP with its default random seed (as users run it); ``learner`` and the gradient methods draw random starts.
SEED_INDEPENDENT = frozenset({"miqp", "orthant", "arora"})


def is_seed_independent(name):
    """Whether algorithm ``name`` ignores its seed (registered ones: :data:`SEED_INDEPENDENT`; a plug-in function
    declares it with the attribute ``seed_independent = True``)."""
    if name in ALGORITHMS:
        return name in SEED_INDEPENDENT
    return bool(getattr(get_algorithm(name), "seed_independent", False))


def algorithm_names():
    return tuple(ALGORITHMS)


def get_algorithm(name):
    """A registered algorithm, or a user's ``module:function`` (``package.module:callable``; the module must be
    importable, e.g. on ``PYTHONPATH``).

    Raises
    ------
    UnknownNameError
        Neither a registered name nor an importable ``module:function``.
    """
    if name in ALGORITHMS:
        return ALGORITHMS[name]
    if ":" in name:
        mod, _, attr = name.partition(":")
        try:
            module = importlib.import_module(mod)
        except ImportError as exc:
            raise UnknownNameError(f"plug-in algorithm {name!r}: cannot import module {mod!r} ({exc})") from None
        fn = module
        for part in attr.split("."):
            fn = getattr(fn, part, None)
        if not callable(fn):
            raise UnknownNameError(f"plug-in algorithm {name!r}: {mod} has no callable {attr!r}")
        return fn
    raise UnknownNameError(f"unknown algorithm {name!r}; known: {', '.join(ALGORITHMS)}, or a plug-in module:function")
