"""``run_bench``: the cells of a benchmark through the sweep runner (parallel, resumable, dask)."""

from reluhard.errors import InvalidParameterError

from .algorithms import ALGORITHMS, get_algorithm
from .cell import empty_bench_record, make_cells, run_bench_cell, run_bench_cell_isolated

__all__ = ["run_bench"]


def _run_here(cell):
    from .cell import check_record

    return check_record(run_bench_cell(cell))


def run_bench(specs, algorithms, output, *, seeds=5, budget=30.0, jobs=1, scheduler=None, resume=False,
              overwrite=False, progress=True, isolate=True, on_record=None, early_stop=True):
    """Benchmark ``algorithms`` on the instance ``specs``; append one record per (instance, algorithm, seed).

    Parameters
    ----------
    specs : list of dict
        From :func:`reluhard.bench.instances.suite_specs` / :func:`~reluhard.bench.instances.hard_specs`.
    algorithms : list of str
        Registered names (:data:`reluhard.bench.algorithms.ALGORITHMS`) or plug-ins ``module:function``.
    output : path of the JSON Lines results table (resumable by cell id)
    seeds : int
        Algorithm seeds 0..seeds-1 per (instance, algorithm); a seed-independent algorithm runs once (seed 0).
    budget : float
        Seconds per run (the algorithm honours it; the worker is killed at 1.5 budget + grace).
    early_stop : bool
        Stop a run once its loss reaches the certified optimum within the success tolerance (rows whose
        optimum is known exactly; time to target is recorded either way).
    isolate : bool
        Run each cell in a killable child process (default); False runs cells in this process.

    Returns
    -------
    dict : the sweep runner's summary (``output``, ``cells``, ``skipped``, ``run``, ``status_counts``, ``seconds``).

    Raises
    ------
    BoundViolation
        An algorithm's recomputed loss is below a certified lower bound (the record is not written).
    """
    from reluhard.sweep.runner import run_sweep

    if not specs:
        raise InvalidParameterError("no instances to benchmark (an empty suite, or no built rows)")
    if int(seeds) < 1:
        raise InvalidParameterError(f"--seeds must be >= 1, got {seeds}")
    if not (float(budget) > 0 and float(budget) < float("inf")):
        raise InvalidParameterError(f"--budget must be a positive number of seconds, got {budget}")
    for name in algorithms:
        get_algorithm(name)  # unknown names / unimportable plug-ins fail before any cell runs
    cells = make_cells(specs, list(algorithms), int(seeds), float(budget), early_stop=early_stop)
    return run_sweep(cells, output, jobs=jobs, scheduler=scheduler, resume=resume, overwrite=overwrite,
                     progress=progress, on_record=on_record, run=run_bench_cell_isolated if isolate else _run_here,
                     empty=empty_bench_record, desc="bench")


DEFAULT_ALGORITHMS = tuple(ALGORITHMS)
