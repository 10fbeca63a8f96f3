"""Run the cells of a sweep locally (joblib/loky) or on a dask.distributed cluster.

Every cell runs in its own killable child process (:func:`run_cell_isolated`);
the executor only schedules those. The main process is the only writer of the
results file and appends each record as soon as it arrives (see
:mod:`reluhard.sweep.table`), so an interrupted sweep keeps every finished
cell, and ``resume=True`` skips exactly the cells already recorded.
"""

import os
import time
from collections import Counter

from reluhard.errors import InvalidParameterError

from .cell import empty_record, run_cell_isolated
from .grid import expand_cells
from .table import RecordWriter, prepare_output, results_lock
from .watchdog import exit_with_parent

__all__ = ["run_sweep"]


def _iter_local(cells, jobs, run=run_cell_isolated):
    """Records of ``cells`` as they finish, from ``jobs`` loky worker processes (in order when jobs == 1).

    The pool's workers start with :func:`~reluhard.sweep.watchdog.exit_with_parent`
    (given this process's pid, so a worker that starts after the sweep died exits
    at once) and the pool is shut down when the iteration ends, however it ends.
    """
    from reluhard.solvers.base import require

    require("joblib", "joblib")
    if jobs == 1:
        for cell in cells:
            yield run(cell)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    from joblib.externals.loky import get_reusable_executor

    pool = get_reusable_executor(max_workers=jobs, initializer=exit_with_parent, initargs=(os.getpid(),), reuse=False)
    pending, todo = set(), iter(cells)
    try:
        while True:
            for cell in todo:
                pending.add(pool.submit(run, cell))
                if len(pending) >= 2 * jobs:
                    break
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, kill_workers=True)


def _iter_dask(cells, scheduler, run=run_cell_isolated, empty=empty_record):
    from reluhard.solvers.base import require

    distributed = require("distributed", "dask[distributed]")
    own = not isinstance(scheduler, distributed.Client)
    client = distributed.Client(scheduler) if own else scheduler
    futures = {}
    try:
        for cell in cells:
            fut = client.submit(run, cell, pure=False, key=f"reluhard-cell-{cell['cell_id']}-{time.time_ns()}")
            futures[fut.key] = (fut, cell)
        for fut in distributed.as_completed([f for f, _ in futures.values()]):
            cell = futures[fut.key][1]
            try:
                yield fut.result()
            except Exception as exc:  # the worker itself failed: record it, never drop the cell
                rec = empty(cell)
                rec["status"] = "error"
                rec["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
                yield rec
    finally:
        for fut, _ in futures.values():
            if not fut.done():
                fut.cancel()
        if own:
            client.close()


def run_sweep(spec, output, *, jobs=1, scheduler=None, resume=False, overwrite=False, progress=True, on_record=None,
              run=run_cell_isolated, empty=empty_record, desc="sweep"):
    """Run every unfinished cell of ``spec`` and append its record to ``output``.

    Parameters
    ----------
    spec : SweepSpec or list of cells
    output : path of the JSON Lines results table
    jobs : int
        Parallel local workers (joblib/loky); ignored with ``scheduler``.
    scheduler : str, distributed.Client or None
        A dask.distributed scheduler address (``tcp://host:port``) or client.
    resume : bool
        Skip cells already recorded in ``output`` (by cell id).
    overwrite : bool
        Discard an existing ``output``.
    progress : bool
        Show a tqdm progress bar with ETA (on stderr).
    on_record : callable or None
        Called with each record after it is written (tests, custom monitors).
    run, empty : callables
        How a cell runs (default: a verify cell in a killable worker) and the record of a cell whose
        dask worker failed; :mod:`reluhard.bench` passes its own (``desc`` labels the progress bar).

    Returns
    -------
    dict
        ``{"output", "cells", "skipped", "run", "status_counts", "seconds"}``;
        ``status_counts`` counts the records written in this run.

    Raises
    ------
    InvalidParameterError
        ``output`` exists without ``resume``/``overwrite``, or ``jobs < 1``.
    ResultsLockedError
        Another sweep is writing ``output`` (advisory lock, see
        :func:`reluhard.sweep.table.results_lock`).
    KeyboardInterrupt
        Propagated after the writer is closed (finished records are on disk).
    """
    if int(jobs) < 1:
        raise InvalidParameterError(f"--jobs must be >= 1, got {jobs}")
    cells = spec if isinstance(spec, list) else expand_cells(spec)
    with results_lock(output):
        return _run_locked(cells, output, jobs=jobs, scheduler=scheduler, resume=resume, overwrite=overwrite,
                           progress=progress, on_record=on_record, run=run, empty=empty, desc=desc)


def _run_locked(cells, output, *, jobs, scheduler, resume, overwrite, progress, on_record, run, empty, desc):
    done = prepare_output(output, resume=resume, overwrite=overwrite)
    todo = [c for c in cells if c["cell_id"] not in done]
    t0 = time.perf_counter()
    counts = Counter()
    bar = None
    if progress and todo:
        from reluhard.solvers.base import require

        tqdm = require("tqdm", "tqdm").tqdm
        bar = tqdm(total=len(todo), unit="cell", desc=desc, smoothing=0.1)
    source = _iter_dask(todo, scheduler, run, empty) if scheduler is not None else _iter_local(todo, int(jobs), run)
    try:
        with RecordWriter(output) as writer:
            for rec in source:
                writer.write(rec)
                counts[rec["status"]] += 1
                if on_record is not None:
                    on_record(rec)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix({k: v for k, v in sorted(counts.items())}, refresh=False)
    finally:
        if bar is not None:
            bar.close()
        close = getattr(source, "close", None)
        if close is not None:
            close()
    return {
        "output": str(output),
        "cells": len(cells),
        "skipped": len(cells) - len(todo),
        "run": sum(counts.values()),
        "status_counts": dict(counts),
        "seconds": round(time.perf_counter() - t0, 3),
    }
