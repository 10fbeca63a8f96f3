"""Result types and registries shared by every solver.

Two kinds of solver meet in ``reluhard.verify``:

* **combinatorial oracles** (source side) return a :class:`CombinatorialResult`:
  the optimum, an optimal witness, whether it is proven, and the certificate
  dict that a reduction's ``bounds`` takes (e.g. ``{"min_unsat": u}``);
* **fitters** (ReLU side) return a :class:`FitResult`, serialised with the one
  JSON schema of conventions §7.

Both registries map names to dotted paths, so nothing heavy is imported until
a solver is used. Time limits use the solver's own budget where it has one;
when a limit is hit the result says so (``complete=False`` /
``proven=False``), never a wrong verdict.
"""

import importlib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional

from reluhard.data import Network, frac_str
from reluhard.errors import SolverUnavailableError, UnknownNameError

__all__ = [
    "FitResult",
    "CombinatorialResult",
    "FITTERS",
    "ORACLES",
    "get_fitter",
    "get_oracle",
    "require",
]


@dataclass
class FitResult:
    """Outcome of a fitter on one training set (conventions §7).

    ``loss`` is the total weighted square loss of ``network`` re-evaluated on
    the data (float, or Fraction when checked exactly). ``dual_bound`` is a
    *proven* lower bound on the minimum loss (None if the method proves none).
    ``proven_optimal`` means the method certifies loss - dual_bound within its
    stated tolerance. ``complete`` is False when a budget stopped the method.
    ``realizable`` answers "is the minimum 0?" when the method decides it.
    """

    method: str
    network: Optional[Network]
    loss: Any
    mean_loss: Optional[float]
    proven_optimal: bool = False
    dual_bound: Optional[float] = None
    realizable: Optional[bool] = None
    complete: bool = True
    seconds: float = 0.0
    seed: Optional[int] = None
    status: str = "ok"
    extra: dict = field(default_factory=dict)

    @property
    def k(self):
        return None if self.network is None else self.network.k

    def to_json(self):
        net = self.network.to_json() if self.network is not None else {"weights": [], "output_weights": []}
        loss = self.loss
        out = {
            "method": self.method,
            "k": self.k,
            "loss": (frac_str(loss) if isinstance(loss, Fraction) else (None if loss is None else float(loss))),
            "mean_loss": None if self.mean_loss is None else float(self.mean_loss),
            "weights": net["weights"],
            "output_weights": net["output_weights"],
            "proven_optimal": bool(self.proven_optimal),
            "dual_bound": None if self.dual_bound is None else float(self.dual_bound),
            "realizable": self.realizable,
            "complete": bool(self.complete),
            "seconds": round(float(self.seconds), 6),
            "seed": self.seed,
            "status": self.status,
        }
        if isinstance(loss, Fraction):
            out["loss_float"] = float(loss)
        out.update(self.extra)
        return out


@dataclass
class CombinatorialResult:
    """Outcome of a source-side oracle.

    value : the combinatorial optimum (min #falsified, max edges, 0/1 colourable) or None if unknown
    witness : an optimal witness in the source's convention (DIMACS signed ints, 0-based vertex list, colouring)
    proven : the value is certified optimal
    cert : what the reduction's ``bounds`` takes, e.g. {"min_unsat": 3}
    """

    problem: str
    value: Any
    witness: Any
    proven: bool
    cert: dict
    seconds: float = 0.0
    status: str = "optimal"
    extra: dict = field(default_factory=dict)


#: fitting methods (ReLU side): name -> "module:function", function(ts, **kw) -> FitResult
FITTERS = {
    "gd": "fit:fit_gd",
    "exact": "relu_exact:fit_exact",
    "orthant": "relu_exact:fit_orthant",
    "miqp": "miqp:fit_miqp",
    "smt": "smt:fit_smt",
}

#: combinatorial oracles by source kind: "module:function", function(instance, **kw) -> CombinatorialResult
ORACLES = {
    "cnf": "sat:min_unsat_oracle",
    "hypergraph": "colouring:colourability_oracle",
    "graph": "dks:dks_oracle",
}


def _load(table, name, what):
    try:
        target = table[name]
    except KeyError:
        raise UnknownNameError(f"unknown {what} {name!r}; known: {', '.join(sorted(table))}") from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(f"reluhard.solvers.{module}"), attr)


def get_fitter(name):
    return _load(FITTERS, name, "fitting method")


def get_oracle(kind):
    return _load(ORACLES, kind, "source kind")


#: the reluhard extra that installs each optional top-level module (setup.cfg extras_require)
EXTRAS = {
    "pyscipopt": "exact", "z3": "exact",
    "tqdm": "sweep", "matplotlib": "sweep", "joblib": "sweep", "distributed": "sweep", "dask": "sweep", "pyarrow": "sweep",
    "torch": "torch", "cnfgen": "cnfgen",
}


def require(module, package=None):
    """Import an optional backend lazily; a missing one is a SolverUnavailableError with an install hint
    naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pkg = package or module
        extra = EXTRAS.get(module.split(".")[0])
        also = f"  (or: pip install 'reluhard[{extra}]')" if extra else ""
        raise SolverUnavailableError(f"{module} is not installed; install it with: pip install {pkg}{also}") from None


def as_problem(data, meta=None):
    """Normalise a fitter's input to (X float64 CSR, y, c, meta).

    ``data`` is a :class:`~reluhard.data.TrainingSet` (exact; its meta is used)
    or a tuple (X, y, sample_weight[, meta]) as returned by ``load_training_set``.
    """
    import numpy as np
    import scipy.sparse as sp

    from reluhard.data import TrainingSet

    if isinstance(data, TrainingSet):
        X, y, c = data.float_arrays()
        return X, y, c, dict(data.meta if meta is None else meta)
    if len(data) == 4:
        X, y, c, m = data
        meta = m if meta is None else meta
    else:
        X, y, c = data
    return sp.csr_matrix(X, dtype=np.float64), np.asarray(y, dtype=np.float64), np.asarray(c, dtype=np.float64), dict(meta or {})


def box_arrays(box, d):
    """Expand a run-length box [[lo, hi, count], ...] (or {"lo": [...], "hi": [...]}) to arrays of length d."""
    import numpy as np

    from reluhard.errors import InvalidParameterError

    if box is None:
        return None
    if isinstance(box, dict):
        lo, hi = np.asarray(box["lo"], dtype=float), np.asarray(box["hi"], dtype=float)
    elif isinstance(box, (int, float)):
        lo, hi = np.full(d, -float(box)), np.full(d, float(box))
    else:
        lo = np.concatenate([np.full(int(cnt), float(a)) for a, b, cnt in box])
        hi = np.concatenate([np.full(int(cnt), float(b)) for a, b, cnt in box])
    if lo.shape != (d,) or hi.shape != (d,) or (lo > hi).any():
        raise InvalidParameterError(f"box does not describe {d} columns with lo <= hi")
    return lo, hi
