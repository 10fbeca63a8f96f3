"""Run a function in a forked subprocess that is killed at a time limit.

Used for exact solvers without a budget of their own (RC2): the result is
then ``None`` (unknown), never a wrong verdict.
"""

import multiprocessing as mp
import os
import signal

__all__ = ["call_with_timeout", "TimedOut"]


class TimedOut(Exception):
    pass


def _child(conn, func, args, kwargs):
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
    proc = ctx.Process(target=_child, args=(child, func, args, kwargs), daemon=True)
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
