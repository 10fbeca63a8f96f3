"""Progress of long work: library code says how far it is, the command line shows it.

Library code (solvers, the verify pipeline) opens a *task* and advances it::

    from reluhard import progress

    with progress.task("gd restarts", total=len(starts), unit="start") as t:
        for w0 in starts:
            ...
            t.advance(1, postfix=f"best loss {best:.6g}")

or, to leave a loop's indentation alone, ``t = progress.start(...)`` ... ``t.close()``.

A task has a measure (``total`` units: restarts, sign cells, methods) or, without
one, a time budget (``time_limit`` seconds: the bar then shows elapsed time
against the limit) or neither (elapsed time only). Tasks nest; each open task
is one line.

Nothing is shown unless a :func:`display` is active, and the command line
activates one only when standard error is a terminal and ``--quiet`` is not
given (``--json`` output goes to stdout, so it stays clean either way). Without
a display every call here is a no-op costing one global lookup, so solvers call
it freely (also in hot loops: advance at most per node or restart, not per
evaluation).

The display draws with tqdm on standard error. A background thread refreshes
time-based lines twice a second. Solvers fork time-limited subprocesses, so the
thread writes only under one lock that is also taken around every ``fork``
(``os.register_at_fork``): a child never inherits a held stderr lock, and in a
child the display is off.

Depends on nothing of reluhard (a base module: every layer may report).
"""

import os
import sys
import threading
import time
from contextlib import contextmanager

__all__ = ["task", "start", "note", "echo", "display", "active", "Task"]

#: the active display (None: progress is off; reporting is a no-op)
_DISPLAY = None
#: taken by every write to the terminal and around fork()
_LOCK = threading.RLock()  # re-entrant: a fork from inside a locked block (tqdm's own setup) cannot deadlock


def _before_fork():
    _LOCK.acquire()


def _after_fork_parent():
    _LOCK.release()


def _after_fork_child():
    global _DISPLAY
    _DISPLAY = None  # the child never draws (its copy of the bars belongs to the parent)
    _LOCK.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_parent, after_in_child=_after_fork_child)


class Task:
    """An open task. ``advance(n)`` adds n units done; ``postfix`` is a short status text."""

    __slots__ = ("desc", "total", "unit", "time_limit", "done", "postfix", "_bar", "_t0")

    def __init__(self, desc, total, unit, time_limit):
        self.desc, self.total, self.unit, self.time_limit = desc, total, unit, time_limit
        self.done, self.postfix, self._bar, self._t0 = 0, "", None, time.monotonic()

    def advance(self, n=1, *, postfix=None):
        """``n`` more units done (with a measure); ``postfix`` replaces the status text."""
        self.done += n
        if postfix is not None:
            self.postfix = postfix
        d = _DISPLAY
        if d is not None and self._bar is not None:
            d.update(self, n)

    def status(self, postfix):
        """Replace the status text (e.g. the solver's state) without advancing."""
        self.advance(0, postfix=postfix)

    def close(self):
        """The task is done: its line is cleared."""
        d = _DISPLAY
        if d is not None:
            d.close(self)


class _Off(Task):
    """The task handed out when no display is active: every method is a no-op."""

    def advance(self, n=1, *, postfix=None):
        pass

    def close(self):
        pass


_OFF = _Off("", None, "", None)


def start(desc, *, total=None, unit="step", time_limit=None):
    """Open a task of ``total`` units (or, without a measure, timed against ``time_limit`` seconds);
    call its ``close()`` when done (a task left open, e.g. by an exception, is closed with the display).

    Returns a :class:`Task`; when no display is active, a shared no-op task.
    """
    d = _DISPLAY
    if d is None:
        return _OFF
    t = Task(desc, total, unit, time_limit)
    d.open(t)
    return t


@contextmanager
def task(desc, *, total=None, unit="step", time_limit=None):
    """:func:`start` as a context manager: the task is closed when the block ends."""
    t = start(desc, total=total, unit=unit, time_limit=time_limit)
    try:
        yield t
    finally:
        t.close()


def note(text):
    """Set the status text of the innermost open task (e.g. a solver's phase); a no-op without a display."""
    d = _DISPLAY
    if d is not None and d.tasks:
        d.tasks[-1].status(text)


def echo(text):
    """Print ``text`` on stdout without tearing the progress lines (they are cleared and redrawn)."""
    d = _DISPLAY
    if d is None:
        print(text)
        return
    with _LOCK:
        d.tqdm.write(text, file=sys.stdout)


def active():
    """True while a display is active (callers may skip computing a postfix otherwise)."""
    return _DISPLAY is not None


class _Display:
    """Draws every open task as one tqdm line on ``file``."""

    def __init__(self, file):
        from tqdm import tqdm

        self.tqdm = tqdm
        tqdm.monitor_interval = 0  # no tqdm monitor thread: ours is the only one, and fork-safe
        self.file = file
        self.tasks = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._tick, name="reluhard-progress", daemon=True)

    # bar formats: with a measure, a percentage bar; timed, elapsed against the limit; else elapsed only
    def _bar(self, t):
        common = dict(desc=t.desc, file=self.file, leave=False, position=len(self.tasks), mininterval=0.2,
                      dynamic_ncols=True)
        if t.total:
            return self.tqdm(total=t.total, unit=t.unit, unit_scale=False, **common,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} "
                                        "[{elapsed}<{remaining}]{postfix}")
        if t.time_limit:
            return self.tqdm(total=float(t.time_limit), **common,
                             bar_format="{desc}: {elapsed} of the " + f"{t.time_limit:g}" + " s limit |{bar}|{postfix}")
        return self.tqdm(total=None, **common, bar_format="{desc}: {elapsed} elapsed{postfix}")

    def open(self, t):
        with _LOCK:
            t._bar = self._bar(t)
            self.tasks.append(t)

    def close(self, t):
        with _LOCK:
            if t in self.tasks:
                self.tasks.remove(t)
            if t._bar is not None:
                t._bar.close()
                t._bar = None

    def update(self, t, n):
        with _LOCK:
            bar = t._bar
            if bar is None:
                return
            if t.postfix:
                bar.set_postfix_str(t.postfix, refresh=False)
            if t.total and n:
                bar.update(n)
            else:
                bar.refresh()

    def _tick(self):
        while not self.stop.wait(0.5):
            with _LOCK:
                for t in self.tasks:
                    bar = t._bar
                    if bar is None:
                        continue
                    if not t.total and t.time_limit:
                        bar.n = min(time.monotonic() - t._t0, float(t.time_limit))
                    bar.refresh()


@contextmanager
def display(*, enabled=True, file=None):
    """Show the tasks opened inside this block on ``file`` (default: stderr), if ``enabled``.

    The command line calls it as ``display(enabled=stderr is a terminal and not --quiet)``.
    Without tqdm (it comes with ``reluhard[sweep]``) nothing is shown.
    """
    global _DISPLAY
    if not enabled or _DISPLAY is not None:
        yield
        return
    try:
        d = _Display(sys.stderr if file is None else file)
    except ImportError:
        yield
        return
    _DISPLAY = d
    d.thread.start()
    try:
        yield
    finally:
        _DISPLAY = None
        d.stop.set()
        d.thread.join()
        for t in list(d.tasks):
            d.close(t)
