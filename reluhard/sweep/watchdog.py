"""Worker processes end with their sweep, even when the sweep is killed with ``kill -9``.

A killed parent cannot clean up, so each worker watches its parent instead:
:func:`exit_with_parent` starts one daemon thread per process that polls
``os.getppid()``; when the parent is gone (the process was re-parented), the
worker kills its own child processes and exits at once. The cost is one
``getppid`` call per :data:`POLL` seconds.
"""

import os
import threading

__all__ = ["exit_with_parent", "POLL"]

#: seconds between two checks of the parent
POLL = 0.25

_STARTED = {}


def _kill_children():
    """Kill this process's multiprocessing children and its forkserver (which would outlive us)."""
    import multiprocessing as mp
    import signal

    for child in mp.active_children():
        try:
            child.kill()
        except Exception:  # noqa: BLE001 - best effort while exiting
            pass
    try:
        from multiprocessing import forkserver

        pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
        if pid:
            os.kill(pid, signal.SIGKILL)
    except Exception:  # noqa: BLE001
        pass


def _forkserver_parent(pid):
    """When ``pid`` is a multiprocessing forkserver, the process it serves (Linux /proc), else None.

    A cell child forked by a forkserver must watch the process that asked for
    it: the forkserver itself may stay alive as long as the child does.
    """
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            if b"multiprocessing.forkserver" not in fh.read():
                return None
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _watch(parent):
    import time

    served = _forkserver_parent(parent)
    while True:
        time.sleep(POLL)
        if os.getppid() != parent or (served is not None and served > 1 and _gone(served)):
            _kill_children()
            os._exit(1)


def exit_with_parent(parent=None):
    """Start the parent watchdog of this process (idempotent).

    Parameters
    ----------
    parent : int, optional
        The pid the parent must have (a pool initializer passes the sweep's
        pid: a worker whose sweep died before it started exits at once).
        Default: the current parent.
    """
    pid = os.getpid()
    if _STARTED.get(pid):
        return
    if parent is not None and os.getppid() != parent:
        _kill_children()
        os._exit(1)
    parent = os.getppid() if parent is None else parent
    if parent <= 1:
        return
    _STARTED[pid] = True
    threading.Thread(target=_watch, args=(parent,), name="reluhard-exit-with-parent", daemon=True).start()
