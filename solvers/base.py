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
from reluhard.errors import SolverUnavailableError
from reluhard.registry import GROUPS, Registry

__all__ = [
    "FitResult",
    "CombinatorialResult",
    "FITTERS",
    "ORACLES",
    "get_fitter",
    "get_oracle",
    "require",
    "declared_keywords",
    "offered",
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

    @classmethod
    def exact_one_relu(cls, w, *, loss, mean_loss, dual_bound, proven, complete, seconds, open_status, extra):
        """The result of an exact one-ReLU search (sign cells, orthants, generic signs): the network ``w``
        (1-d), its loss, the search's dual bound, and the one status rule: ``optimal`` when proven,
        ``timeout`` when a budget stopped the search, else ``open_status`` (why a finished search proved
        nothing, e.g. ``no-box`` or ``gap``)."""
        import numpy as np

        return cls(
            method="exact",
            network=Network(w[None, :], np.ones(1)),
            loss=float(loss),
            mean_loss=float(mean_loss),
            proven_optimal=bool(proven),
            dual_bound=dual_bound,
            complete=complete,
            seconds=seconds,
            seed=None,
            status="optimal" if proven else ("timeout" if not complete else open_status),
            extra=extra,
        )

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


def _table(table):
    return lambda: {name: f"reluhard.solvers.{target}" for name, target in table.items()}


#: fitters and oracles: built-ins above, in-process registrations, entry points (``reluhard.fitters``, ``reluhard.oracles``)
FITTER_REGISTRY = Registry("fitting method", GROUPS["fitter"], _table(FITTERS))
ORACLE_REGISTRY = Registry("oracle", GROUPS["oracle"], _table(ORACLES))


def _signature(fn):
    import inspect

    fn = getattr(fn, "__wrapped__", fn)
    params = list(inspect.signature(fn).parameters.values())
    named = [p for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if named and named[0].kind == named[0].POSITIONAL_OR_KEYWORD:
        named = named[1:]  # the data / instance argument
    # ``**kw`` forwards (open); a ``**_`` catch-all only swallows, so it declares nothing
    open_ = any(p.kind == p.VAR_KEYWORD and p.name != "_" for p in params)
    return tuple(p.name for p in named), open_


def declared_keywords(fn):
    """The keyword arguments ``fn`` declares by name (a ``**_`` catch-all declares none)."""
    return _signature(fn)[0]


def offered(fn, kw):
    """The subset of a generic keyword bundle that ``fn`` declares (the pipeline offers, a solver takes)."""
    names, open_ = _signature(fn)
    return dict(kw) if open_ else {k: v for k, v in kw.items() if k in set(names)}


class _Checked:
    """A registered solver whose keywords are checked: an unknown one is an InvalidParameterError."""

    def __init__(self, fn, what):
        self.__wrapped__ = fn
        self.what = what
        self.__doc__ = fn.__doc__
        self.__name__ = getattr(fn, "__name__", what)

    def __call__(self, data, **kw):
        from reluhard.errors import InvalidParameterError

        known, open_ = _signature(self.__wrapped__)
        unknown = [] if open_ else sorted(set(kw) - set(known))
        if unknown:
            raise InvalidParameterError(f"{self.what} takes no option(s) {', '.join(unknown)}; it takes {', '.join(known) or 'none'}")
        return self.__wrapped__(data, **kw)


def get_fitter(name):
    """The fitter registered as ``name`` (``fit(training_set, **kw) -> FitResult``); unknown keywords are a typed error."""
    return _Checked(FITTER_REGISTRY.get(name), f"fitting method {name}")


def get_oracle(name):
    """The oracle registered as ``name`` (built-ins are named by source kind: cnf, graph, hypergraph);
    unknown keywords are a typed error."""
    return _Checked(ORACLE_REGISTRY.get(name), f"oracle {name}")


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
