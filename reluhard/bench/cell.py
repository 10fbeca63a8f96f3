"""Bench cells: one (instance, algorithm, seed) run, one record; run through the sweep machinery.

:func:`run_bench_cell` runs a cell in this process; :func:`run_bench_cell_isolated`
in a fresh child process killed a little after the cell's budget (the sweep
runner's contract: always a record, never a lost cell). A returned loss below a
certified lower bound is not a record: :func:`run_bench_cell_isolated` raises
:class:`BoundViolation` (the CLI exits 1).

Record schema ``reluhard.bench/1`` (every key always present, values may be null):

======================= ==================================================================
cell_id                 sha256 prefix of (instance spec, algorithm, seed, budget): the resume key
instance                suite row id, or ``hard/planted-r1/n=N/ratio=R/seed=S``
reduction, tier, answer ``answer`` is the row's yes/no; tier ``hard`` for the hard family
size                    the source size parameter (sat-relu: n variables)
n_samples, n_features   training set shape; ``k`` ReLUs of the model class
algorithm, seed, budget name as given; algorithm seed; seconds of budget
seed_independent        the algorithm ignores its seed: run once per instance (seed 0), not once per seed
status                  ok | skipped (not applicable, reason in ``skip_reason``) | error | timeout
loss, mean_loss         total weighted loss RECOMPUTED by the harness from the returned weights
claimed_loss            the algorithm's own last claim (trace), for comparison only
certified_lower_bound   the suite's certified lower bound on min L (float; ``_exact`` "p/q"), or null
completeness_loss       certified upper bound on min L (the YES value / lift of an optimum), or null
optimum_known           lower bound = completeness: min L is known exactly
gap, gap_kind           loss - optimum ("to_optimum") or loss - lower bound ("to_lower_bound"), or null
gap_to_completeness     loss - completeness_loss (how far above the certified upper value), or null
success                 optimum known and loss <= optimum (1 + SUCCESS_TOL); else null
seconds                 wall clock of the algorithm call; ``time_to_best`` from its trace (else = seconds)
time_to_target          seconds until a loss within the success tolerance of the certified optimum (or of the
                        certified lower bound) was first reached (from the trace; the end of the call if only
                        the final network reaches it); null if never reached or no bound
stopped_at_target       the harness stopped the run on reaching that target (time-to-target early stop; built-in
                        algorithms with a trace only), else false
decoded_value           the reduction's decode of the network, valued on the public source instance
combinatorial_optimum   the certified combinatorial optimum of the row (MaxSAT u, max edges, ...)
decodes_to_witness      decoded_value == combinatorial_optimum (an optimal witness), or null
info                    algorithm-specific numbers (restarts, best learning rate, SCIP status, ...)
error, finished_at, host, reluhard_version
======================= ==================================================================
"""

import hashlib
import json
import math
import socket
import time
import traceback
from datetime import datetime, timezone

import numpy as np

from reluhard.errors import ReluhardError

__all__ = ["SCHEMA", "SCHEMA_KEYS", "BoundViolation", "make_cells", "run_bench_cell", "run_bench_cell_isolated",
           "empty_bench_record", "check_record", "VIOLATION_TOL"]

SCHEMA = "reluhard.bench/2"
SCHEMA_KEYS = (
    "schema", "cell_id", "instance", "reduction", "tier", "answer", "size", "n_samples", "n_features", "k",
    "algorithm", "seed", "seed_independent", "budget", "status", "skip_reason", "loss", "mean_loss", "claimed_loss",
    "certified_lower_bound", "certified_lower_bound_exact", "completeness_loss", "optimum_known", "gap", "gap_kind",
    "gap_to_completeness", "success", "seconds", "time_to_best", "decoded_value", "combinatorial_optimum",
    "decodes_to_witness", "info", "error", "finished_at", "host", "reluhard_version", "time_to_target",
    "stopped_at_target",
)
#: a recomputed loss this far (relative) below a certified lower bound is a violation (float evaluation slack)
VIOLATION_TOL = 1e-9
#: seconds granted beyond the budget for loading the instance and decoding, before the worker is killed
GRACE = 30.0


class BoundViolation(ReluhardError):
    """An algorithm's recomputed loss is below a certified lower bound: a bug in a bound, never a record."""


def _cell_id(spec, algorithm, seed, budget, early_stop):
    key = {"instance": spec, "algorithm": algorithm, "seed": seed, "budget": budget}
    if not early_stop:
        key["early_stop"] = False
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def make_cells(specs, algorithms, seeds, budget, *, early_stop=True):
    """The cells of a benchmark: every (instance spec, algorithm, seed in range(seeds)); a seed-independent
    algorithm (:func:`~reluhard.bench.algorithms.is_seed_independent`) gets seed 0 only.

    Seed-major order (every instance and algorithm at seed 0, then seed 1, ...), so a run stopped early has
    complete seeds 0..j-1 for every (instance, algorithm) and resumes from there. ``early_stop``: stop a run
    on reaching the certified optimum (rows whose optimum is known exactly; :func:`run_bench_cell`).
    """
    from .algorithms import TORCH_ALGORITHMS, is_seed_independent
    from .instances import spec_id

    # a run with torch cells warms torch in every worker's fork server, whichever cell comes first
    warm = ["reluhard.bench._torch_warm"] if set(algorithms) & set(TORCH_ALGORITHMS) and _has_torch() else []
    once = {alg: is_seed_independent(alg) for alg in algorithms}
    cells = []
    for s in range(int(seeds)):
        for spec in specs:
            for alg in algorithms:
                if once[alg] and s > 0:
                    continue
                cells.append({"kind": "bench", "cell_id": _cell_id(spec, alg, s, float(budget), early_stop), "spec": spec,
                              "instance": spec_id(spec), "algorithm": alg, "seed": s, "seed_independent": once[alg],
                              "budget": float(budget), "early_stop": bool(early_stop),
                              "time_limit": float(budget) * 1.5 + GRACE, "preload": warm})
    return cells


def _version():
    from reluhard import __version__

    return __version__


def empty_bench_record(cell):
    rec = dict.fromkeys(SCHEMA_KEYS)
    rec.update({"schema": SCHEMA, "cell_id": cell["cell_id"], "instance": cell["instance"], "algorithm": cell["algorithm"],
                "seed": cell["seed"], "seed_independent": bool(cell.get("seed_independent", False)),
                "budget": cell["budget"], "info": {}, "host": socket.gethostname(),
                "reluhard_version": _version()})
    return rec


def _finish(rec):
    rec["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return rec


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if not isinstance(v, (str, int, float, bool, type(None))):
        return str(v)
    return v


def _readonly(a):
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


def run_bench_cell(cell):
    """Run one bench cell here and return its record (a violation is a record with status ``violated``,
    turned into :class:`BoundViolation` by :func:`check_record`)."""
    from reluhard.data import frac_str

    from .algorithms import BenchFit, NotApplicable, as_network, get_algorithm, stop_at_target
    from .instances import is_success, load_problem, success_threshold

    rec = empty_bench_record(cell)
    try:
        prob = load_problem(cell["spec"])
        rec.update({"reduction": prob.reduction, "tier": prob.tier, "answer": prob.answer, "size": prob.size,
                    "n_samples": int(prob.X.shape[0]), "n_features": int(prob.X.shape[1]), "k": prob.k,
                    "combinatorial_optimum": prob.combinatorial_optimum, "optimum_known": prob.optimum_known})
        lb = prob.lower_bound
        rec["certified_lower_bound"] = None if lb is None else float(lb)
        rec["certified_lower_bound_exact"] = None if lb is None else frac_str(lb)
        rec["completeness_loss"] = None if prob.completeness is None else float(prob.completeness)
        fn = get_algorithm(cell["algorithm"])
        X, y, c = _readonly(prob.X), _readonly(prob.y), _readonly(prob.sample_weight)
        # the target: the certified optimum (optimum known) or, on other rows, the certified lower bound (a loss
        # within the success tolerance of a lower bound is optimal within that tolerance): time-to-target early stop
        target = None if lb is None else success_threshold(lb)
        stop = stop_at_target(X, y, c, target if cell.get("early_stop", True) else None)
        t0 = time.perf_counter()
        try:
            with stop:
                out = fn(X, y, c, seed=int(cell["seed"]), budget=float(cell["budget"]), k=int(prob.k))
        except NotApplicable as exc:
            rec["status"], rec["skip_reason"] = "skipped", str(exc)
            return _plain(_finish(rec))
        rec["seconds"] = round(time.perf_counter() - t0, 4)
        net = as_network(out, prob.k, prob.X.shape[1])
        W, a = net.weights.astype(float), net.output_weights.astype(float)
        r = np.maximum(prob.X @ W.T, 0.0) @ a - prob.y
        loss = float(np.dot(prob.sample_weight, r * r))
        rec["loss"] = loss
        rec["mean_loss"] = loss / float(prob.sample_weight.sum()) if prob.sample_weight.size else 0.0
        fitted = out if isinstance(out, BenchFit) else None  # (an ndarray has a .trace method: no duck typing)
        trace = list(fitted.trace) if fitted is not None else []
        rec["claimed_loss"] = float(trace[-1][1]) if trace else None
        hit = [t for t, L in trace if L <= loss * (1 + 1e-12) + 1e-12]
        rec["time_to_best"] = float(hit[0]) if hit else rec["seconds"]
        rec["stopped_at_target"] = stop.reached_at is not None
        if target is not None and loss <= target:
            reached = [t for t, L in trace if L <= target]
            rec["time_to_target"] = float(reached[0]) if reached else rec["seconds"]
        rec["info"] = dict(fitted.info) if fitted is not None else {}
        if lb is not None:
            if loss < float(lb) - VIOLATION_TOL * max(1.0, abs(float(lb))):
                rec["status"] = "violated"
                rec["error"] = (f"BoundViolation: {cell['algorithm']} (seed {cell['seed']}) on {prob.instance} returned "
                                f"weights with recomputed loss {loss!r} < certified lower bound {frac_str(lb)} = {float(lb)!r}")
                return _plain(_finish(rec))
            if prob.optimum_known:
                rec["gap"], rec["gap_kind"] = loss - float(lb), "to_optimum"
                rec["success"] = bool(is_success(loss, lb))
            else:
                rec["gap"], rec["gap_kind"] = loss - float(lb), "to_lower_bound"
        if prob.completeness is not None:
            rec["gap_to_completeness"] = loss - float(prob.completeness)
        if prob.decoder is not None:
            val = prob.decoder(net)
            rec["decoded_value"] = val
            if val is not None and prob.combinatorial_optimum is not None:
                rec["decodes_to_witness"] = bool(val == prob.combinatorial_optimum)
        rec["status"] = "ok"
    except Exception as exc:  # a failing cell is a record, never a lost cell
        rec["status"] = "error"
        rec["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        rec["info"] = {"traceback": traceback.format_exc(limit=6)}
    return _plain(_finish(rec))


def check_record(rec):
    """Raise :class:`BoundViolation` for a ``violated`` record; return the record otherwise."""
    if rec.get("status") == "violated":
        raise BoundViolation(rec.get("error") or f"{rec.get('algorithm')} beat a certified lower bound on {rec.get('instance')}")
    return rec


# ---------------------------------------------------------------- isolation



#: imported once by the fork server, so a cell's process starts warm (torch added when a torch cell runs): every
#: module a cell of the built-in algorithms imports on the suite (measured: a cell's new sys.modules after the
#: preload), so no cell pays an import, and a run's code is fixed when it starts
_PRELOAD = ("reluhard.bench.cell", "reluhard.bench.algorithms", "reluhard.bench.instances", "reluhard.bench.arora",
            "reluhard.reductions", "reluhard.reductions.dks_to_relu", "reluhard.reductions.hypergraph_to_krelu",
            "reluhard.reductions.nae_to_setsplit", "reluhard.reductions.sat_to_clique", "reluhard.reductions.sat_to_nae",
            "reluhard.reductions.sat_to_relu", "reluhard.io.schema", "reluhard.suite", "reluhard.io.instances",
            "reluhard.io.npz", "reluhard.io.hgr", "reluhard.io.graphs", "reluhard.io.dimacs", "reluhard.structures.graph",
            "reluhard.structures.sources", "reluhard.solvers.sat", "reluhard.solvers.learner", "reluhard.solvers.learner.krelu",
            "reluhard.solvers.learner.single", "reluhard.solvers.miqp", "reluhard.solvers.relu_exact", "reluhard.sweep.grid",
            "scipy.optimize", "pysat.examples.rc2", "networkx", "pyscipopt")


def _has_torch():
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def run_bench_cell_isolated(cell):
    """Run a cell in a child process killed at ``cell["time_limit"]`` (budget x 1.5 + GRACE) seconds.

    Returns the record (``timeout`` / ``error`` when the child was killed or died).

    Raises
    ------
    BoundViolation
        The recomputed loss is below the certified lower bound.
    """
    import multiprocessing as mp

    limit = float(cell["time_limit"])
    if mp.current_process().daemon:  # e.g. a dask worker: no children allowed, run here
        return check_record(run_bench_cell(cell))
    from reluhard.sweep.cell import run_in_child

    t0 = time.perf_counter()
    rec, timed_out, code = run_in_child(run_bench_cell, cell, limit, preload=tuple(_PRELOAD) + tuple(cell.get("preload") or ()))
    if rec is None:
        rec = empty_bench_record(cell)
        rec["seconds"] = round(time.perf_counter() - t0, 4)
        if timed_out:
            rec["status"] = "timeout"
            rec["error"] = f"Timeout: the cell exceeded {limit:g} s (budget {cell['budget']:g} s + grace) and was killed"
        else:
            rec["status"] = "error"
            rec["error"] = f"WorkerDied: the cell's worker exited with code {code} before answering"
        rec = _plain(_finish(rec))
    return check_record(rec)
