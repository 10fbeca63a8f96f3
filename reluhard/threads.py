"""Scoped BLAS/OpenMP thread limits for the library's own small dense work.

The solvers do many small dense products (cell QPs, L-BFGS-B's ``setulb`` on
a few dozen variables, learner tails). A multi-threaded BLAS gains nothing
on them and, on a busy machine, loses a lot: its worker threads spin while
other processes hold the cores (measured: L-BFGS-B 25.5 s with OpenBLAS's
default threads vs 0.26 s with one, on a loaded 2-core machine).

:func:`limit_blas_threads` caps every loaded BLAS/OpenMP pool (via
``threadpoolctl``) for the duration of a block or a decorated call and
restores the previous limits afterwards. The user's environment wins: when
``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` is set,
nothing is changed (the user has chosen a thread count).
"""

import contextlib
import os

__all__ = ["limit_blas_threads", "user_thread_env", "THREAD_ENV_VARS", "no_blas_pool", "BLAS_FREE_COMMANDS"]

#: environment variables through which a user chooses BLAS/OpenMP threads
THREAD_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

_ACTIVE = []  # limits currently in force (innermost last)


def user_thread_env():
    """The thread-count variables the user has set (name -> value); empty when none."""
    return {v: os.environ[v] for v in THREAD_ENV_VARS if os.environ.get(v, "").strip()}


@contextlib.contextmanager
def limit_blas_threads(limit=1):
    """Cap BLAS/OpenMP threads to ``limit`` inside the block (also usable as a decorator).

    Parameters
    ----------
    limit : int, default 1
        Threads per pool while the block runs.

    Notes
    -----
    A no-op when the user set any of :data:`THREAD_ENV_VARS` (their choice
    wins) and when the limit is already in force (nested use with the same
    limit costs one list lookup). Libraries loaded inside the block are not capped;
    the solvers import numpy/scipy before they run, which is what matters.
    """
    limit = int(limit)
    if (_ACTIVE and _ACTIVE[-1] == limit) or user_thread_env():
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limit):
        _ACTIVE.append(limit)
        try:
            yield
        finally:
            _ACTIVE.pop()


#: CLI commands that do no dense linear algebra (reading, mapping, writing, explaining files), plus
#: ``demo``, whose dense work is all small (n <= 12) and so runs under limit_blas_threads(1) anyway
BLAS_FREE_COMMANDS = frozenset({"generate", "convert", "info", "reduce", "explain", "report", "check-certificate", "demo"})


def no_blas_pool():
    """Before numpy is first imported: ask OpenBLAS for one thread, for a process that needs no BLAS pool.

    OpenBLAS starts its worker pool when numpy loads it, whether or not a product is ever computed:
    about 0.1 s of CPU and 10-30 ms of wall time per process here, more on a busy machine, for
    ``reluhard generate`` or ``reluhard reduce``, which never multiply a dense matrix. Sets
    ``OPENBLAS_NUM_THREADS=1`` only when numpy is not loaded yet and the user set none of
    :data:`THREAD_ENV_VARS` (their choice wins). Returns True when it set the variable.
    """
    import sys

    if "numpy" in sys.modules or user_thread_env():
        return False
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    return True
