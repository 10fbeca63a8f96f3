"""Run CLI calls in child processes under resource limits (the hostile corpus's executor).

``python harness.py SPEC.json RESULTS.json``: SPEC is a list of
``{"id", "dir", "argv", "env", "stdin", "stdout", "inject"}``. The harness
imports the CLI once, then forks one child per call (cheap, and each child is
a separate process) which

* sets ``RLIMIT_AS`` (address space, default 2 GiB: HOSTILE_MEMORY_BYTES) and
  an alarm at the time budget (default 30 s: HOSTILE_SECONDS);
* runs in the case folder with the case's environment, standard input and
  output, and the injected fault (ENOSPC from ``fsync`` or from the data
  write, EIO from the rename);
* calls ``reluhard.cli.main(argv)``, then flushes standard output as the
  interpreter would at exit (a failure there is reported like Python's
  "Exception ignored" and exit 120).

RESULTS holds per call: ``rc``, ``stderr``, ``stdout_bytes``, ``seconds``,
``max_rss_kib``, ``killed`` (the parent killed it at the budget).
"""

import errno
import json
import os
import resource
import signal
import sys
import time
import traceback

MEMORY = int(os.environ.get("HOSTILE_MEMORY_BYTES", 2 << 30))
SECONDS = float(os.environ.get("HOSTILE_SECONDS", 30))


def _preload():
    import networkx  # noqa: F401
    import numpy  # noqa: F401
    import pysat.formula  # noqa: F401
    import scipy.sparse  # noqa: F401

    import reluhard.cli as cli
    import reluhard.io.graphs  # noqa: F401
    import reluhard.io.hgr  # noqa: F401
    import reluhard.io.npz  # noqa: F401
    import reluhard.reductions  # noqa: F401
    import reluhard.suite  # noqa: F401
    import reluhard.sweep.runner  # noqa: F401
    import reluhard.verify  # noqa: F401

    cli.build_parser(None)
    return cli


def _inject(kind):
    import reluhard.io.atomic as atomic

    def enospc(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if kind == "enospc-fsync":
        atomic.os.fsync = enospc
    elif kind == "eio-replace":
        def eio(*a, **k):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        atomic.os.replace = eio
    elif kind == "enospc-write":
        real = atomic.os.fdopen

        class Full:
            def __init__(self, fh):
                self._fh = fh

            def write(self, data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            def __getattr__(self, name):
                return getattr(self._fh, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self._fh.close()
                return False

        atomic.os.fdopen = lambda *a, **k: Full(real(*a, **k))
    elif kind:
        raise ValueError(f"unknown fault {kind!r}")


def _child(cli, case, err_path, out_path):
    try:
        os.chdir(case["dir"])
        os.environ.update(case.get("env") or {})
        fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        if case.get("stdin"):
            os.dup2(os.open(case["stdin"], os.O_RDONLY), 0)
        else:
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        signal.alarm(int(SECONDS) + 1)
        _inject(case.get("inject"))
        code = cli.main(case["argv"])
        try:
            sys.stdout.flush()
        except Exception as exc:  # what the interpreter's exit flush would report
            print(f"Exception ignored on flushing sys.stdout: {exc!r}", file=sys.stderr)
            code = 120
        sys.stderr.flush()
        os._exit(code)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(99)


def run(cases, work):
    cli = _preload()
    results = {}
    for case in cases:
        err_path = os.path.join(work, case["id"] + ".stderr")
        out_path = case.get("stdout") or os.path.join(work, case["id"] + ".stdout")
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            _child(cli, case, err_path, out_path)
        killed = False
        while True:
            got, status, usage = os.wait4(pid, os.WNOHANG)
            if got:
                break
            if time.perf_counter() - t0 > SECONDS:
                os.kill(pid, signal.SIGKILL)
                killed = True
                got, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.005)
        results[case["id"]] = {
            "rc": os.waitstatus_to_exitcode(status),
            "stderr": open(err_path, encoding="utf-8", errors="replace").read(),
            "stdout_bytes": os.path.getsize(out_path) if not case.get("stdout") else None,
            "seconds": time.perf_counter() - t0,
            "max_rss_kib": usage.ru_maxrss,
            "killed": killed,
        }
    return results


if __name__ == "__main__":
    spec_path, results_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    res = run(spec["cases"], spec["work"])
    with open(results_path, "w", encoding="utf-8") as fh:
        json.dump(res, fh)
