"""The result object of the proper learners and its JSON form (conventions §7)."""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["LearnResult"]


@dataclass
class LearnResult:
    """What a learner returns. Losses are *mean* losses in the original units.

    Attributes
    ----------
    weights : ndarray (k, d)          hidden weights, each row of norm <= 1
    output_weights : ndarray (k,)     output weights, ||a||_1 <= W (k = 1: [1])
    mean_loss : float                 sum_i p_i (f(x_i) - y_i)^2, float64
    total_weight : float              sum_i c_i (loss = mean_loss * total_weight)
    method : {"bnb", "net"}
    mode : {"bnb", "net", "anytime"}
    eps : float                       requested additive error on the mean loss
    complete : bool                   True iff mean_loss <= OPT + eps is certified
    certified_lower_bound : float or None
        A proven lower bound on OPT (mean loss). None when nothing was proven
        (a net enumeration cut by the time limit).
    delta : float or None             root-loss radius used (rescaled units)
    m : int or None                   PCA subspace dimension
    lattice_size : int                candidates scored (net modes), else 0
    planned_size_log2 : float or None planned log2 |N| of the final level
    nodes : int                       branch-and-bound boxes evaluated (bnb)
    seconds : float
    seed : int or None
    scale : float                     R = max(1, max ||x_i||); losses were scaled by 1/R^2 internally
    k : int
    W : float or None
    statement : str                   the guarantee reached, in words
    extra : dict                      mode-specific numbers (levels, open boxes, ...)
    """

    weights: np.ndarray
    output_weights: np.ndarray
    mean_loss: float
    total_weight: float
    method: str
    mode: str
    eps: float
    complete: bool
    certified_lower_bound: object
    delta: object
    m: object
    lattice_size: int
    planned_size_log2: object
    nodes: int
    seconds: float
    seed: object
    scale: float
    k: int
    W: object
    statement: str
    extra: dict = field(default_factory=dict)

    @property
    def loss(self):
        """Total weighted square loss sum_i c_i (f(x_i) - y_i)^2."""
        return self.mean_loss * self.total_weight

    @property
    def gap(self):
        """mean_loss - certified_lower_bound, or None."""
        if self.certified_lower_bound is None:
            return None
        return self.mean_loss - self.certified_lower_bound

    @property
    def proven_optimal(self):
        """Certified optimal up to 1e-12 in mean loss (rare; see ``complete`` for the eps certificate)."""
        return bool(self.complete and self.gap is not None and self.gap <= 1e-12)

    def to_json(self):
        """The ``fit``/``solve``/``learn`` schema of conventions §7 plus ``guarantee``."""
        lb = self.certified_lower_bound
        guarantee = {
            "eps": self.eps,
            "delta": self.delta,
            "m": self.m,
            "certified_lower_bound": lb,
            "gap": self.gap,
            "statement": self.statement,
        }
        if self.method == "bnb":
            guarantee["nodes"] = self.nodes
        else:
            guarantee["lattice_size"] = self.lattice_size
            guarantee["planned_size_log2"] = self.planned_size_log2
        if self.scale != 1.0:
            guarantee["rescaled"] = {
                "factor": self.scale,
                "note": "max ||x|| > 1: learned on X/R, y/R with eps/R^2; all losses reported in the original units",
            }
        guarantee.update(self.extra)
        return {
            "method": self.method,
            "mode": self.mode,
            "k": self.k,
            "W": self.W,
            "loss": self.loss,
            "mean_loss": self.mean_loss,
            "weights": [[float(v) for v in row] for row in self.weights],
            "output_weights": [float(v) for v in self.output_weights],
            "proven_optimal": self.proven_optimal,
            "dual_bound": None if lb is None else lb * self.total_weight,
            "realizable": False if (lb is not None and lb > 0) else None,
            "complete": self.complete,
            "seconds": self.seconds,
            "seed": self.seed,
            "guarantee": guarantee,
        }
