"""One sweep cell: build the instance, run ``verify``, return one flat-ish record.

:func:`run_cell` runs in the current process; :func:`run_cell_isolated` runs
it in a fresh child process that is killed at the cell's wall-clock limit, so
a hung solver or a crash becomes a ``timeout`` / ``error`` record instead of
a lost cell. Both always return a record; neither raises for a failing cell.

Record schema (``SCHEMA``; every key is always present, values may be null):

====================== ==========================================================
cell_id                sha256 prefix of the cell parameters (resume key)
reduction, family      registry name; instance family
params, options, seed  generator parameters, reduction options, seed
methods                fitters requested; ``methods_run`` those run;
methods_skipped        {method: reason} (exact-method policy, conventions §11)
status                 ok | violated | inconclusive | error | timeout
combinatorial_*        optimum, proven, problem (as the source's oracle names it)
combinatorial_gap      distance from a YES instance (the source problem's declared gap function)
completeness_loss      certified upper bound on min loss ("p/q") and ``_float``
soundness_bound        certified lower bound ("p/q" or null) and ``_float``
yes_loss               completeness value of a YES instance of the same shape (sat-relu: n)
best_loss, best_method least re-evaluated loss over the fitters
loss_gap               best_loss - yes_loss
fits                   {method: {loss, seconds, decoded_value, proven_optimal, dual_bound, complete, status}}
checks                 {check name: bool} (conventions §8 names)
inconclusive_because   list of reasons
error                  "Type: message" for error/timeout records, else null; ``traceback`` likewise
n_samples, n_features  training set size
instance_sha256        sha256 of the canonical source instance
seconds                wall clock of the cell's work in its worker (process start excluded; timeouts: until the kill)
finished_at, host      UTC ISO time; host name
====================== ==========================================================
"""

import math
import os
import signal
import socket
import time
import traceback
from datetime import datetime, timezone
from fractions import Fraction

from .grid import EXACT_METHODS, build_instance

__all__ = ["SCHEMA", "SCHEMA_KEYS", "run_cell", "run_cell_isolated", "empty_record"]

SCHEMA = "reluhard.sweep/1"

SCHEMA_KEYS = (
    "schema", "cell_id", "reduction", "family", "params", "options", "seed", "methods", "methods_run",
    "methods_skipped", "restarts", "prune", "exact_policy", "time_limit", "solver_time_limit", "status",
    "combinatorial_problem", "combinatorial_optimum", "combinatorial_proven", "combinatorial_gap",
    "completeness_loss", "completeness_loss_float", "soundness_bound", "soundness_bound_float", "yes_loss",
    "best_loss", "best_method", "loss_gap", "fits", "checks", "inconclusive_because", "error", "traceback",
    "n_samples", "n_features", "instance_sha256", "seconds", "finished_at", "host", "reluhard_version",
)


def _version():
    from reluhard import __version__

    return __version__


def empty_record(cell):
    """A record with every schema key, filled from the cell; results null."""
    rec = dict.fromkeys(SCHEMA_KEYS)
    rec.update({
        "schema": SCHEMA,
        "cell_id": cell["cell_id"],
        "reduction": cell["reduction"],
        "family": cell["family"],
        "params": dict(cell["params"]),
        "options": dict(cell["options"]),
        "seed": cell["seed"],
        "methods": list(cell["methods"]),
        "methods_run": [],
        "methods_skipped": {},
        "restarts": cell["restarts"],
        "prune": cell["prune"],
        "exact_policy": cell["exact_policy"],
        "time_limit": cell.get("time_limit"),
        "solver_time_limit": cell.get("solver_time_limit"),
        "fits": {},
        "checks": {},
        "inconclusive_because": [],
        "host": socket.gethostname(),
        "reluhard_version": _version(),
    })
    return rec


def _finish(rec, t0):
    rec["seconds"] = round(time.perf_counter() - t0, 4)
    rec["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return rec


def _exact_skip_reason(img, method, cell):
    """Why an exact-type method is skipped on this cell under the 'finishes' policy (None: run it).

    The reduction's :class:`~reluhard.reductions.base.ExactPolicy` says where its
    exact fitter finishes (without pruning; with pruning up to the cell's
    ``exact_max_n``); otherwise :func:`reluhard.pipeline.default_methods` decides.
    """
    from reluhard.pipeline import default_methods

    if cell["exact_policy"] == "always" or method not in EXACT_METHODS:
        return None
    ts = img.target
    policy = img.exact
    if policy is not None and method in ("exact", policy.method):
        limit = cell["exact_max_n"] if cell["prune"] else min(cell["exact_max_n"], policy.limit)
        size = policy.size(ts)
        if size > limit:
            how = "with pruning" if cell["prune"] else "without pruning"
            return f"{policy.size_name} = {size} > {limit}: {policy.method} enumeration does not finish {how} (conventions §11)"
        return None
    if method not in default_methods(img):
        return f"{method} is not expected to finish on {ts.n_samples} samples (verify.default_methods)"
    return None


def _num(v):
    if v is None:
        return None
    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, str):
        try:
            return float(Fraction(v))
        except (ValueError, ZeroDivisionError):
            return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _plain(obj):
    """JSON-able copy (Fractions as 'p/q', numpy scalars as Python numbers, non-finite floats as null)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, Fraction):
        return str(obj) if obj.denominator != 1 else int(obj)
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def run_cell(cell):
    """Run one cell in this process and return its record (never raises for a failing cell).

    Parameters
    ----------
    cell : dict
        As produced by :func:`reluhard.sweep.grid.expand_cells`.

    Returns
    -------
    dict
        A record with every key of :data:`SCHEMA_KEYS`.
    """
    from reluhard.io.instances import instance_sha256
    from reluhard.pipeline import certify, fit_and_check
    from reluhard.reductions import get_reduction

    t0 = time.perf_counter()
    rec = empty_record(cell)
    try:
        red = get_reduction(cell["reduction"])
        inst = build_instance(cell)
        rec["instance_sha256"] = instance_sha256(inst, red.source_kind)
        # the source is solved once: the certified image decides the exact policy and feeds verify's checks
        cz = certify(red, inst, options=dict(cell["options"]), time_limit=cell["solver_time_limit"])
        img = cz.image
        run, skipped = [], {}
        for m in cell["methods"]:
            why = _exact_skip_reason(img, m, cell)
            if why is None:
                run.append(m)
            else:
                skipped[m] = why
        rec["methods_run"], rec["methods_skipped"] = run, skipped
        # Pruning rests on the reduction's cell bound (sat-relu: claim (★)), the theorem under
        # test: use it only where full enumeration would not finish, so small cells stay
        # independent checks (each exact fit records "pruned_by").
        prune = bool(cell["prune"]) and img.exact is not None and not img.exact.finishes(img.target)
        rep = fit_and_check(cz, methods=run, time_limit=cell["solver_time_limit"], restarts=cell["restarts"],
                            seed=cell["seed"], prune=prune)
        comb = rep["combinatorial"]
        rec["combinatorial_problem"] = comb["problem"]
        rec["combinatorial_optimum"] = rep["combinatorial_optimum"]
        rec["combinatorial_proven"] = comb["proven"]
        rec["combinatorial_gap"] = cz.gap()
        for key in ("completeness_loss", "completeness_loss_float", "soundness_bound", "soundness_bound_float"):
            rec[key] = rep.get(key)
        yes_loss = cz.yes_loss()
        rec["yes_loss"] = None if yes_loss is None else float(yes_loss)
        fits = {}
        best = (None, None)
        for m, f in rep["fits"].items():
            loss = _num(f.get("loss_reevaluated", f.get("loss")))
            fits[m] = {
                "loss": loss,
                "seconds": f.get("seconds"),
                "decoded_value": f.get("decoded_value"),
                "proven_optimal": f.get("proven_optimal"),
                "dual_bound": _num(f.get("dual_bound")),
                "complete": f.get("complete"),
                "status": f.get("status"),
            }
            if loss is not None and (best[0] is None or loss < best[0]):
                best = (loss, m)
        rec["fits"] = fits
        rec["best_loss"], rec["best_method"] = best
        if best[0] is not None and rec["yes_loss"] is not None:
            rec["loss_gap"] = best[0] - rec["yes_loss"]
        rec["checks"] = dict(rep["checks"])
        rec["inconclusive_because"] = list(rep["inconclusive_because"])
        rec["n_samples"] = rep["training_set"]["n_samples"]
        rec["n_features"] = rep["training_set"]["n_features"]
        rec["status"] = rep["status"]
    except Exception as exc:  # a failing cell is a record, never a lost cell
        rec["status"] = "error"
        rec["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        rec["traceback"] = traceback.format_exc(limit=8)
    return _plain(_finish(rec, t0))


# ---------------------------------------------------------------- isolation

_CTX = None

#: imported once by the fork server, so a cell's process starts warm (a missing one is skipped)
_PRELOAD = ("reluhard.sweep.cell", "reluhard.verify", "reluhard.pipeline", "reluhard.generators", "reluhard.reductions.sat_to_relu",
            "reluhard.solvers.sat", "reluhard.solvers.fit", "reluhard.solvers.relu_exact", "pysat.examples.rc2")


def _context(preload=()):
    """forkserver where available (safe from threaded parents such as dask workers), else spawn.

    ``preload``: further modules the fork server imports when it starts (e.g. the bench cells').
    """
    global _CTX
    if _CTX is None:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        current = mp.get_start_method(allow_none=True)
        if current is not None and current not in methods:
            # inside a loky worker the global start method is "loky", which a
            # stdlib child cannot re-establish; this process only schedules cells
            mp.set_start_method("forkserver" if "forkserver" in methods else "spawn", force=True)
        if "forkserver" in methods:
            _CTX = mp.get_context("forkserver")
            _CTX.set_forkserver_preload(list(_PRELOAD) + list(preload))
        else:  # pragma: no cover - Windows / macOS without forkserver
            _CTX = mp.get_context("spawn")
    return _CTX


def _child(run, cell, conn, self_destruct):
    # an orphaned child (its parent was killed) ends at once, and by itself at the latest
    from .watchdog import exit_with_parent

    exit_with_parent()
    if hasattr(signal, "alarm"):
        signal.alarm(int(self_destruct))
    try:
        conn.send(run(cell))
    finally:
        conn.close()


def run_in_child(run, cell, limit, *, preload=()):
    """``run(cell)`` in a fork-server child killed after ``limit`` seconds (the one cell isolation
    of sweeps and benches; ``run`` must be a module-level function).

    Returns
    -------
    (result, timed_out, exitcode) : the child's answer or None (killed at the limit, or it
        died without answering), whether the limit was hit, the child's exit code.
    """
    ctx = _context(preload)
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(run, cell, send, math.ceil(limit) + 30), daemon=False)
    proc.start()
    send.close()
    rec, timed_out = None, False
    try:
        if recv.poll(limit):
            try:
                rec = recv.recv()
            except EOFError:
                rec = None
        else:
            timed_out = True
    finally:
        if proc.is_alive() and (timed_out or rec is None):
            proc.kill()
        proc.join(5)
        if proc.is_alive():  # pragma: no cover
            proc.kill()
            proc.join()
        recv.close()
    return rec, timed_out, proc.exitcode


def run_cell_isolated(cell):
    """Run a cell in a child process killed at ``cell["time_limit"]`` seconds.

    Returns
    -------
    dict
        The child's record, or a ``timeout`` record (killed at the limit) or an
        ``error`` record (the child died without answering, e.g. a segfault or
        out of memory), each with every schema key.
    """
    t0 = time.perf_counter()
    limit = float(cell["time_limit"])
    import multiprocessing as mp

    if mp.current_process().daemon:
        # e.g. a dask worker under a nanny: multiprocessing refuses children here
        return _run_in_subprocess(cell, limit, t0)
    rec, timed_out, code = run_in_child(run_cell, cell, limit)
    if rec is not None:
        return rec
    return _failed(cell, t0, limit, timed_out, code)


def _failed(cell, t0, limit, timed_out, code):
    out = empty_record(cell)
    if timed_out:
        out["status"] = "timeout"
        out["error"] = f"Timeout: cell exceeded its wall-clock limit of {limit:g} s and its worker was killed"
    else:
        sig = f" (signal {signal.Signals(-code).name})" if code is not None and code < 0 and -code in signal.Signals._value2member_map_ else ""
        out["status"] = "error"
        out["error"] = f"WorkerDied: the cell's worker process exited with code {code}{sig} before answering"
    return _plain(_finish(out, t0))


def _run_in_subprocess(cell, limit, t0):
    """The same isolation through ``python -m reluhard.sweep.cell`` (for daemonic parents)."""
    import json
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="reluhard-cell-") as tmp:
        out = os.path.join(tmp, "record.json")
        proc = subprocess.Popen([sys.executable, "-m", "reluhard.sweep.cell", out], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.communicate(json.dumps(cell).encode(), timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return _failed(cell, t0, limit, True, None)
        if proc.returncode == 0 and os.path.exists(out):
            with open(out, encoding="utf-8") as fh:
                return json.load(fh)
        return _failed(cell, t0, limit, False, proc.returncode)


def _main(argv):
    """``python -m reluhard.sweep.cell OUT.json`` < cell JSON: run one cell, write its record."""
    import json
    import sys

    cell = json.loads(sys.stdin.read())
    if hasattr(signal, "alarm"):
        signal.alarm(math.ceil(float(cell["time_limit"])) + 30)
    rec = run_cell(cell)
    with open(argv[0], "w", encoding="utf-8") as fh:
        json.dump(rec, fh)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    import sys

    sys.exit(_main(sys.argv[1:]))
