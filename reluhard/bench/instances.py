"""Benchmark instances: suite rows and the on-the-fly ``hard`` family, as public problems.

Losses and bounds are in the units of the arrays the algorithms see (the
normalised arrays :func:`reluhard.io.npz.load_training_set` returns; the
manifest's bounds, stated for the exact integer data, are multiplied by the
file's ``scale["y_sq"]``).

A :class:`Problem` separates what an algorithm sees (``X, y, sample_weight, k``:
the public training arrays) from what only the harness uses: the certified
bounds of the suite manifest (public numbers, no witness) and a decoder built
from the row's *public* source instance (the ``.cnf`` / ``.clq`` / ``.hgr``
next to the ``.npz``) through the reduction's own ``decode``. Neither the
``.npz`` meta nor an answer key is ever read into a Problem's public part.

Instance specs (JSON-able, carried by the cells):

* ``{"kind": "suite", "folder": ABS_PATH, "row": "sat-relu/medium/yes"}``;
* ``{"kind": "hard", "family": "planted-r1", "n": N, "ratio": R, "seed": S}``:
  a planted satisfiable random 3-CNF (``reluhard generate ksat -k 3 -n N
  --ratio R --planted --seed S``) through ``sat-relu``; satisfiability is
  certified by RC2 (min #falsified = 0), so min L = n exactly.
"""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from reluhard.errors import InvalidParameterError

__all__ = ["Problem", "load_problem", "suite_specs", "hard_specs", "spec_id", "HARD_RATIO"]

HARD_RATIO = 4.26


@dataclass
class Problem:
    """One benchmark instance: public arrays plus the harness-only yardstick."""

    instance: str
    reduction: str
    tier: str
    answer: str
    size: object
    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray
    k: int
    lower_bound: object          # certified lower bound on min L (Fraction) or None
    completeness: object         # certified upper bound on min L (Fraction) or None
    combinatorial_optimum: object
    decoder: object              # callable network -> combinatorial value, or None

    @property
    def optimum_known(self):
        return self.lower_bound is not None and self.completeness is not None and self.lower_bound == self.completeness


def spec_id(spec):
    if spec["kind"] == "suite":
        return spec["row"]
    return f"hard/{spec['family']}/n={spec['n']}/ratio={spec['ratio']}/seed={spec['seed']}"


def suite_specs(folder, *, tiers=None, reductions=None):
    """Specs of every built row of the suite in ``folder`` (optionally only some tiers / reductions)."""
    from reluhard.suite import read_manifest

    folder = Path(folder).resolve()
    out = []
    for row in read_manifest(folder)["rows"]:
        if not row.get("built") or not all((folder / f).exists() for f in row["files"]):
            continue
        if tiers and row["tier"] not in tiers:
            continue
        if reductions and row["reduction"] not in reductions:
            continue
        out.append({"kind": "suite", "folder": str(folder), "row": row["id"]})
    return out


def hard_specs(ns, seeds, *, ratio=HARD_RATIO):
    """Specs of the ``hard`` family: planted R1 instances, one per (n, instance seed)."""
    out = []
    for n in ns:
        if int(n) < 3:
            raise InvalidParameterError(f"hard family: n must be >= 3, got {n}")
        for s in seeds:
            out.append({"kind": "hard", "family": "planted-r1", "n": int(n), "ratio": float(ratio), "seed": int(s)})
    return out


def _frac(v):
    return None if v is None else Fraction(v)


def _scaled(v, factor):
    return None if v is None else Fraction(v) * factor


def _dense(X):
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
    return np.ascontiguousarray(X, dtype=np.float64)


def _decoder(img):
    def decode(network):
        try:
            return img.value(img.decode(network))
        except NotImplementedError:
            return None
    return decode


def _load_suite(spec):
    from reluhard.io.instances import read_instance
    from reluhard.io.npz import load_training_set
    from reluhard.reductions import get_reduction
    from reluhard.suite import read_manifest

    folder = Path(spec["folder"])
    rows = {r["id"]: r for r in read_manifest(folder)["rows"]}
    if spec["row"] not in rows:
        raise InvalidParameterError(f"no suite row {spec['row']!r} in {folder}")
    row = rows[spec["row"]]
    npz = next(f for f in row["files"] if f.endswith(".npz"))
    src = next(f for f in row["files"] if not f.endswith(".npz"))
    X, y, c, meta = load_training_set(folder / npz)
    k = int(meta.get("k", 1))  # the model class (number of ReLUs) is part of the problem statement
    # the arrays are the normalised data X sqrt(x_sq), y sqrt(y_sq) (io.npz); the manifest's bounds are in the
    # units of the exact integer data, and a loss scales by y_sq (w' = w sqrt(y_sq / x_sq) maps fits one to one)
    y_sq = Fraction((meta.get("scale") or {}).get("y_sq", "1"))
    del meta  # the meta may hold witnesses: it goes no further
    red = get_reduction(row["reduction"])
    decoder = None
    try:
        img = red.apply(read_instance(folder / src, red.source_kind), **(row.get("options_used") or {}))
        decoder = _decoder(img)
    except Exception:  # noqa: BLE001 - a row whose reduction cannot be rebuilt here is benchmarked without decoding
        decoder = None
    b = row.get("bounds") or {}
    return Problem(instance=row["id"], reduction=row["reduction"], tier=row["tier"], answer=row["answer"],
                   size=(row.get("params") or {}).get("n", row.get("n_features")),
                   X=_dense(X), y=np.asarray(y, dtype=np.float64), sample_weight=np.asarray(c, dtype=np.float64), k=k,
                   lower_bound=_scaled(b.get("soundness_bound"), y_sq),
                   completeness=_scaled(b.get("completeness_loss"), y_sq),
                   combinatorial_optimum=(row.get("combinatorial") or {}).get("optimum") if (row.get("combinatorial") or {}).get("proven") else None,
                   decoder=decoder)


def _load_hard(spec, *, time_limit=60.0):
    from reluhard.reductions import get_reduction
    from reluhard.solvers.base import get_oracle
    from reluhard.sweep.grid import build_instance

    n, ratio, seed = int(spec["n"]), float(spec["ratio"]), int(spec["seed"])
    inst = build_instance({"family": "ksat", "params": {"n": n, "ratio": ratio, "planted": True}, "seed": seed})
    red = get_reduction("sat-relu")
    comb = get_oracle("cnf")(inst, time_limit=time_limit)
    if not (comb.proven and comb.value == 0):
        raise InvalidParameterError(f"{spec_id(spec)}: RC2 did not certify satisfiability ({comb.status})")
    img = red.apply(inst, min_unsat=0)
    b = img.bounds(min_unsat=0)
    X, y, c = img.target.float_arrays()
    return Problem(instance=spec_id(spec), reduction="sat-relu", tier="hard", answer="yes", size=n,
                   X=_dense(X), y=np.asarray(y, dtype=np.float64), sample_weight=np.asarray(c, dtype=np.float64), k=1,
                   lower_bound=_frac(b.soundness), completeness=_frac(b.completeness), combinatorial_optimum=0,
                   decoder=_decoder(img))


def load_problem(spec):
    """The :class:`Problem` of an instance spec (module docstring)."""
    if spec["kind"] == "suite":
        return _load_suite(spec)
    if spec["kind"] == "hard":
        return _load_hard(spec)
    raise InvalidParameterError(f"unknown bench instance kind {spec['kind']!r}")


def success_threshold(optimum):
    """The largest loss that counts as reaching a known optimum (relative tolerance ``SUCCESS_TOL``): the
    time-to-target early stop's target."""
    return float(optimum) + SUCCESS_TOL * max(1.0, abs(float(optimum)))


def is_success(loss, optimum):
    """Whether ``loss`` reaches a known optimum (relative tolerance ``SUCCESS_TOL``)."""
    return loss <= success_threshold(optimum)


#: a run "reaches the optimum" within this relative tolerance (float training; a wrong local minimum of the
#: reductions sits at least ~1/(1 + 3B) above it)
SUCCESS_TOL = 1e-4
