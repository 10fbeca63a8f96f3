"""Faults and concurrency: two sweeps on one file, kill -9 and SIGTERM, disk full, the write policy."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from reluhard.cli import main
from reluhard.errors import OutputError, ResultsLockedError
from reluhard.io import atomic
from reluhard.io.atomic import atomic_write, stale_temp_files
from reluhard.io.dimacs import read_cnf, write_cnf_array
from reluhard.sweep.table import read_records, results_lock

CLI = [sys.executable, "-m", "reluhard.cli"]
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")
SWEEP = ["sweep", "--reduction", "sat-relu", "--n", "4", "--ratio", "2", "--methods", "gd", "--restarts", "1", "--no-progress"]


def _temps(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp"))


def _descendants(pid):
    """Every live descendant of ``pid`` (from /proc), as {pid: parent pid}."""
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parent[int(d.name)] = int(fields[1])
    out, frontier = {}, {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - set(out)
        out.update({p: parent[p] for p in frontier})
    return out


# ---------------------------------------------------------------- concurrency

def test_two_sweeps_on_one_file_keep_every_record_or_refuse(tmp_path):
    out = tmp_path / "r.jsonl"
    args = CLI + SWEEP + ["--seeds", "6", "--resume", "-o", str(out)]
    procs = [subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=ENV, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(rc for rc, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for rc, err in results:
        if rc == 2:
            assert "another sweep" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    records, partial = read_records(out)
    ids = [r["cell_id"] for r in records]
    assert partial is None and len(set(ids)) == 6 and len(ids) == len(set(ids))  # every cell once, none lost
    assert not (tmp_path / ".r.jsonl.lock").exists() and _temps(tmp_path) == []


def test_second_sweep_refuses_while_the_lock_is_held(tmp_path):
    out = tmp_path / "r.jsonl"
    with results_lock(out):
        with pytest.raises(ResultsLockedError):
            with results_lock(out):
                pass
        p = subprocess.run(CLI + SWEEP + ["-o", str(out)], capture_output=True, text=True, env=ENV, timeout=120)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "another sweep (pid" in p.stderr and str(out) in p.stderr
    assert not out.exists()  # refused before touching the results


# ---------------------------------------------------------------- kill -9, SIGTERM

@pytest.mark.parametrize("jobs", [2])  # -j 1: see docs/reliability.md (a forkserver cell child may outlive a kill -9)
def test_kill_9_leaves_no_worker_processes(tmp_path, jobs):
    out = tmp_path / "r.jsonl"
    args = CLI + ["sweep", "--reduction", "sat-relu", "--n", "300", "--ratio", "4.3", "--methods", "gd", "--restarts", "100000",
                  "--seeds", "4", "--time-limit", "120", "-j", str(jobs), "--no-progress", "-o", str(out)]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    deadline = time.time() + 90
    kids = {}
    # wait until a cell is running: a grandchild (cell child of the forkserver, or of a pool worker's forkserver)
    while time.time() < deadline and sum(pp != p.pid for pp in kids.values()) < jobs:
        time.sleep(0.2)
        kids = _descendants(p.pid)
    assert sum(pp != p.pid for pp in kids.values()) >= jobs, "the sweep never started its cells"
    time.sleep(2)  # the cells are now computing (a child killed while starting up dies anyway)
    kids = set(kids) | set(_descendants(p.pid))
    p.kill()
    p.wait()
    deadline = time.time() + 10
    alive = kids
    while time.time() < deadline and alive:
        time.sleep(0.2)
        alive = {k for k in kids if Path(f"/proc/{k}").exists() and "Z" not in (Path(f"/proc/{k}/stat").read_text().rsplit(")", 1)[1].split()[:1])}
    assert not alive, f"worker processes {sorted(alive)} outlived the killed sweep"
    assert _temps(tmp_path) == []
    # the stale lock file (its flock died with the process) does not block the next run, which removes it
    q = subprocess.run(CLI + SWEEP + ["--resume", "-o", str(out)], capture_output=True, text=True, env=ENV, timeout=300)
    assert q.returncode == 0, q.stderr
    assert not (tmp_path / ".r.jsonl.lock").exists()


_SLOW_WRITER = """
import signal, sys, time
from reluhard.cli import _on_sigterm
from reluhard.io.atomic import atomic_write
signal.signal(signal.SIGTERM, _on_sigterm)
try:
    with atomic_write(sys.argv[1]) as fh:
        fh.write("p cnf 1 1\\n")
        fh.flush()
        print("writing", flush=True)
        time.sleep(120)  # a long write, interrupted by the test
except KeyboardInterrupt:
    sys.exit(143)
"""


def _start_slow_write(target):
    """A process in the middle of an atomic write (its temp file exists) when this returns."""
    p = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(target)], stdout=subprocess.PIPE, env=ENV, text=True)
    assert p.stdout.readline() == "writing\n"
    return p


def test_kill_9_during_a_write_leaves_debris_that_the_next_write_removes(tmp_path):
    target = tmp_path / "big.cnf"
    p = _start_slow_write(target)
    assert _temps(tmp_path)
    p.kill()
    p.wait()
    debris = _temps(tmp_path)
    assert not target.exists() and len(debris) == 1
    assert debris[0].startswith(".big.cnf.") and f".{p.pid}-" in debris[0]
    # ours and its writer is dead: stale once older than DEAD_AGE; not our pattern: never touched
    (tmp_path / ".big.cnf.backup.tmp").write_text("not ours")
    write_cnf_array(target, np.array([[1, 2]]), 2)
    assert len(_temps(tmp_path)) == 2  # too young to be called stale
    past = time.time() - atomic.DEAD_AGE - 1
    os.utime(tmp_path / debris[0], (past, past))
    write_cnf_array(target, np.array([[1, 2]]), 2)
    assert _temps(tmp_path) == [".big.cnf.backup.tmp"]
    assert read_cnf(target)[0].clauses == [[1, 2]]


def test_sigterm_during_a_write_cleans_up(tmp_path):
    target = tmp_path / "big.cnf"
    p = _start_slow_write(target)
    assert _temps(tmp_path)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=60) == 143
    assert list(tmp_path.iterdir()) == []


def test_sigterm_maps_to_143(monkeypatch, capsys):
    import reluhard.commands.info as info

    def terminated(args):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)

    monkeypatch.setattr(info, "run", terminated)
    assert main(["info", "x.cnf"]) == 143
    assert capsys.readouterr().err == "reluhard: terminated\n"
    assert signal.getsignal(signal.SIGTERM) is not None


def test_stale_temp_files_of_live_writers_are_kept(tmp_path):
    target = tmp_path / "f.cnf"
    mine = tmp_path / f".f.cnf.{os.getppid()}-abcdEFG1.tmp"  # a live process (our parent)
    mine.write_text("in progress")
    old = time.time() - 3600
    os.utime(mine, (old, old))
    assert stale_temp_files(target) == []
    very_old = time.time() - atomic.STALE_AGE - 10
    os.utime(mine, (very_old, very_old))
    assert stale_temp_files(target) == [mine]


# ---------------------------------------------------------------- disk full

@pytest.mark.parametrize("where", ["fsync", "write"])
def test_disk_full_is_one_line_exit_2_and_leaves_nothing(tmp_path, monkeypatch, capsys, where):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", full)
    else:
        real = atomic.os.fdopen

        def fdopen(*a, **k):
            fh = real(*a, **k)
            fh.write = full
            return fh

        monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    target = tmp_path / "f.cnf"
    rc = main(["generate", "ksat", "-n", "20", "-m", "50", "--seed", "1", "-o", str(target)])
    err = capsys.readouterr().err
    assert rc == 2 and err == f"reluhard: error: {target}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_disk_full_on_a_real_device(tmp_path):
    """/dev/full as standard output: the kernel's ENOSPC, one line, exit 2, no 'Exception ignored' at exit."""
    src = tmp_path / "f.cnf"
    write_cnf_array(src, np.array([[1, -2]]), 2)
    with open("/dev/full", "w") as full:
        p = subprocess.run(CLI + ["info", str(src), "--json"], stdout=full, stderr=subprocess.PIPE, text=True, env=ENV, timeout=60)
    assert p.returncode == 2 and p.stderr == "reluhard: error: <stdout>: No space left on device\n"


def test_closed_pipe_is_quiet(monkeypatch, capsys):
    import reluhard.commands.info as info

    def pipe(args):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(info, "run", pipe)
    assert main(["info", "x.cnf"]) == 128 + signal.SIGPIPE
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- the write policy

def test_existing_target_keeps_its_mode(tmp_path):
    target = tmp_path / "f.cnf"
    target.write_text("old")
    target.chmod(0o640)
    write_cnf_array(target, np.array([[1]]), 1)
    assert (target.stat().st_mode & 0o777) == 0o640 and read_cnf(target)[0].clauses == [[1]]


def test_read_only_target_and_device_are_refused(tmp_path):
    ro = tmp_path / "ro.cnf"
    ro.write_text("keep")
    ro.chmod(0o444)
    with pytest.raises(OutputError, match="read-only"):
        write_cnf_array(ro, np.array([[1]]), 1)
    assert ro.read_text() == "keep"
    with pytest.raises(OutputError, match="not a regular file"):
        with atomic_write("/dev/null") as fh:
            fh.write("x")
    assert _temps(tmp_path) == []


def test_input_guard_only_in_the_cli(tmp_path, capsys):
    src = tmp_path / "in.cnf"
    write_cnf_array(src, np.array([[1, 2, 3], [-1, -2, 3]]), 3)
    read_cnf(src)
    write_cnf_array(src, np.array([[1, 2, 3]]), 3)  # the library has no guard: a program may rewrite its input
    before = src.read_bytes()
    assert main(["reduce", "sat-relu", str(src), "-o", str(src)]) == 2
    assert "is an input of this command" in capsys.readouterr().err and src.read_bytes() == before


def test_results_binary_file_is_a_typed_error(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_bytes(bytes(range(256)))
    from reluhard.errors import InstanceFormatError

    with pytest.raises(InstanceFormatError, match="not a results file"):
        read_records(path)
    path.write_text(json.dumps({"cell_id": "a"}) + "\n")
    assert read_records(path)[0] == [{"cell_id": "a"}]


def test_a_file_the_run_wrote_is_not_an_input(tmp_path):
    """The input guard refuses to overwrite what a command read, but not what it wrote and read back."""
    from reluhard.io.atomic import atomic_write, guard_inputs, note_input
    from reluhard.errors import OutputError

    src, own = tmp_path / "in.txt", tmp_path / "own.txt"
    src.write_text("x\n")
    guard_inputs(True)
    try:
        note_input(src)
        with pytest.raises(OutputError):
            with atomic_write(src) as fh:
                fh.write("y\n")
        with atomic_write(own) as fh:
            fh.write("1\n")
        note_input(own)  # read back what this run wrote
        with atomic_write(own) as fh:
            fh.write("2\n")
        assert own.read_text() == "2\n" and src.read_text() == "x\n"
    finally:
        guard_inputs(False)
