"""The one budget helper: run a solver call in a forked subprocess killed at a time limit.

Every solver call that can run long and has no deterministic budget of its
own (CDCL, RC2, the hypergraph 2-colouring SAT call) goes through
:class:`Budget`: one wall-clock deadline shared by consecutive calls, each
call run by :func:`call_with_timeout` in a child process that is killed when
the deadline passes. The caller then reports ``unknown`` (a
:class:`~reluhard.errors.BudgetExhausted`), never a wrong verdict. Solvers
with a budget of their own (SCIP, z3, L-BFGS iterations) use it directly.
"""

import multiprocessing as mp
import os
import signal
import time

from reluhard.errors import BudgetExhausted

__all__ = ["call_with_timeout", "TimedOut", "Budget"]


class TimedOut(Exception):
    pass


def _die_with_parent(parent):
    """Linux: have the kernel kill this process when its parent dies (``PR_SET_PDEATHSIG``), so a
    budgeted solver call never outlives the process that waits for it (e.g. a killed sweep cell)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # not Linux: the parent's own cleanup applies
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _child(conn, func, args, kwargs, parent=None):
    if parent is not None:
        _die_with_parent(parent)
    try:
        conn.send(("ok", func(*args, **kwargs)))
    except BaseException as exc:  # pragma: no cover - reported to the parent
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def call_with_timeout(func, *args, time_limit=None, **kwargs):
    """``func(*args, **kwargs)``, or raise TimedOut after ``time_limit`` seconds.

    Without a limit (or where fork is unavailable) the call runs in-process.
    The result must be picklable.
    """
    if time_limit is None or "fork" not in mp.get_all_start_methods():
        return func(*args, **kwargs)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func, args, kwargs, os.getpid()), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(max(float(time_limit), 0.0)):
            raise TimedOut(f"no answer within {time_limit} s")
        try:
            status, value = parent.recv()
        except EOFError:
            raise RuntimeError("solver subprocess died without an answer") from None
    finally:
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        parent.close()
    if status != "ok":
        raise RuntimeError(f"solver subprocess failed: {value}")
    return value


class Budget:
    """A wall-clock deadline shared by consecutive solver calls.

    >>> b = Budget(None)
    >>> b.run(sum, [1, 2, 3])
    6
    """

    def __init__(self, time_limit):
        self.time_limit = None if time_limit is None else float(time_limit)
        self._deadline = None if time_limit is None else time.monotonic() + float(time_limit)

    def remaining(self):
        """Seconds left (None without a limit; never negative)."""
        return None if self._deadline is None else max(self._deadline - time.monotonic(), 0.0)

    def run(self, func, *args, what="solver", **kwargs):
        """``func(*args, **kwargs)`` within the remaining budget (in a killed child when limited).

        Raises
        ------
        BudgetExhausted
            The deadline passed first.
        """
        left = self.remaining()
        if left is not None and left <= 0:
            raise BudgetExhausted(f"{what}: no time left of the {self.time_limit:g} s budget")
        try:
            return call_with_timeout(func, *args, time_limit=left, **kwargs)
        except TimedOut:
            raise BudgetExhausted(f"{what} did not finish within the {self.time_limit:g} s budget") from None
