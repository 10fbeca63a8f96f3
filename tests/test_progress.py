"""Progress of long work (issue #18): the library reports measured progress, the command line shows it
with tqdm on stderr only on a terminal, never with --quiet, and --json stays parseable."""

import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

from reluhard import progress
from reluhard.generators.ksat import planted_3sat, random_ksat
from reluhard.io.dimacs import write_cnf
from reluhard.reductions import get_reduction


@pytest.fixture()
def closed(monkeypatch):
    """Record (desc, done, total) of every task the display closes."""
    seen = []
    real = progress._Display.close

    def close(self, t):
        if t in self.tasks:
            seen.append((t.desc, t.done, t.total))
        real(self, t)

    monkeypatch.setattr(progress._Display, "close", close)
    return seen


def _unsat_r1(n=5, seed=1):
    cnf = random_ksat(n, 8 * n, k=3, seed=seed)
    return get_reduction("sat-relu").apply(cnf).target


def test_without_a_display_every_call_is_a_no_op():
    assert not progress.active()
    with progress.task("x", total=3) as t:
        t.advance(2, postfix="p")
        progress.note("status")
    assert t is progress._OFF and t.done == 0


def test_sign_cell_search_settles_exactly_all_cells(closed):
    """bnb counts a node closed at depth t as 2^(p - t) cells: a complete search settles all 2^p."""
    from reluhard.solvers.relu_bnb import fit_bnb

    ts = _unsat_r1()
    buf = io.StringIO()
    with progress.display(file=buf):
        res = fit_bnb(ts)
    assert res.complete and res.proven_optimal
    (desc, done, total), = [c for c in closed if c[0].startswith("exact")]
    p = res.extra["split_columns"]
    assert total == 2 ** p and done == total
    assert "sign cells settled" in buf.getvalue() and f"/{2 ** p} cell" in buf.getvalue()


def test_gd_counts_its_starts_and_orthant_its_cells(closed):
    from reluhard.solvers.fit import fit_gd
    from reluhard.solvers.relu_exact import fit_orthant

    ts = _unsat_r1(n=4)
    with progress.display(file=io.StringIO()):
        res = fit_gd(ts, restarts=3, seed=0)
        orth = fit_orthant(ts)
    gd = [c for c in closed if c[0] == "gd restarts"]
    assert gd == [("gd restarts", res.extra["restarts_run"], res.extra["restarts_planned"])]
    cells = [c for c in closed if c[0] == "orthant cells"]
    assert cells == [("orthant cells", orth.extra["cells_solved"], orth.extra["cells"])]


def test_verify_counts_its_methods_and_times_the_source_side(closed):
    from reluhard.verify import verify

    with progress.display(file=io.StringIO()):
        verify(random_ksat(5, 40, k=3, seed=1), "sat-relu", methods=["exact", "gd"], restarts=2)
    descs = [c[0] for c in closed]
    assert descs[0] == "source side: maxsat"
    assert ("sat-relu: fits", 1, 2) in closed  # advanced when the second method starts
    assert "exact: sign cells settled" in descs and "gd restarts" in descs


def test_a_forked_time_limited_solve_under_a_live_display(closed):
    """The refresh thread is paused around fork (os.register_at_fork): RC2 in a killed child still answers."""
    from reluhard.solvers.sat import min_unsat_oracle

    with progress.display(file=io.StringIO()):
        with progress.task("solve", time_limit=30):
            res = min_unsat_oracle(random_ksat(8, 70, k=3, seed=3), time_limit=30)
    assert res.proven and res.value >= 1
    assert not progress.active()


# ----------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("progress")
    write_cnf(d / "u.cnf", random_ksat(6, 48, k=3, seed=2))
    write_cnf(d / "s.cnf", planted_3sat(6, 24, seed=1))
    from reluhard.cli import main

    assert main(["reduce", "sat-relu", str(d / "u.cnf"), "-o", str(d / "u.npz")]) == 0
    return d


def _cli(argv, tmp_path, tty=True):
    """Run ``reluhard argv``; stderr on a pseudo-terminal (100 columns) or a pipe. (code, stdout, stderr bytes)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = tmp_path / "stdout.txt"
    cmd = [sys.executable, "-m", "reluhard.cli", *map(str, argv)]
    with open(out, "w") as fh:
        if not tty:
            proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, env=env, timeout=120)
            return proc.returncode, out.read_text(), proc.stderr
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        proc = subprocess.Popen(cmd, stdout=fh, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    code = proc.wait(timeout=120)
    os.close(master)
    return code, out.read_text(), seen


def test_fit_on_a_terminal_shows_cells_and_time_against_the_limit_json_clean(inputs, tmp_path):
    code, out, tty = _cli(["fit", inputs / "u.npz", "--method", "exact", "--time-limit", "30", "--json"], tmp_path)
    assert code == 0, tty
    assert json.loads(out)["proven_optimal"] is True
    assert b"fit exact" in tty and b"of the 30 s limit" in tty
    assert b"exact: sign cells settled" in tty and b"/128 cell" in tty and b"%|" in tty


def test_verify_and_solve_on_a_terminal(inputs, tmp_path):
    code, out, tty = _cli(["verify", inputs / "u.cnf", "--reduction", "sat-relu", "--methods", "gd", "--restarts", "2",
                           "--json"], tmp_path)
    assert code == 0 and json.loads(out)["status"] == "ok"
    assert b"source side: maxsat" in tty and b"sat-relu: fits" in tty and b"gd restarts" in tty
    code, out, tty = _cli(["solve", "sat", inputs / "u.cnf", "--time-limit", "20"], tmp_path)
    assert code == 0 and "min_unsat:" in out
    assert b"solve sat (CDCL, then RC2 MaxSAT)" in tty and b"of the 20 s limit" in tty


@pytest.mark.parametrize("argv, tty", [
    (["fit", "{u.npz}", "--method", "exact", "--json", "-q"], True),   # --quiet on a terminal
    (["fit", "{u.npz}", "--method", "exact", "--json"], False),        # not a terminal
    (["verify", "{s.cnf}", "--reduction", "sat-relu", "--restarts", "2", "--quiet"], True),
    (["demo", "--n", "4", "--json"], False),
    (["solve", "sat", "{u.cnf}", "--json", "-q"], True),
])
def test_no_progress_with_quiet_or_off_a_terminal(inputs, tmp_path, argv, tty):
    argv = [str(inputs / a[1:-1]) if a.startswith("{") else a for a in argv]
    code, out, err = _cli(argv, tmp_path, tty=tty)
    assert code == 0, err
    assert err == b""
    if "--json" in argv:
        assert json.loads(out)


def test_demo_on_a_terminal_counts_its_formulas_and_prints_its_tables_between_the_lines(tmp_path):
    code, out, tty = _cli(["demo", "--n", "4"], tmp_path)
    assert code == 0, tty
    assert b"demo: " in tty and b"/2 formula" in tty and b"sat-relu: fits" in tty
    assert out.count("== ") == 2 and "what this shows" in out  # the tables on stdout, whole


# ----------------------------------------------------------------- the learner's own search


def _noisy_relu(n=60, d=3, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True) * 1.1
    y = np.maximum(X @ np.array([0.5, -0.3, 0.2][:d]), 0) + 0.4 * rng.standard_normal(n)
    return X, y


def test_learner_bnb_settles_the_whole_box_and_net_counts_points_of_the_plan(closed):
    """bnb: the settled volume of [-1, 1]^m reaches all its units exactly when the search closes; net: the
    points scored are the result's lattice_size, out of the planned bound ceil(2^planned_size_log2)."""
    import math

    from reluhard.solvers.learner import learn_krelu, learn_relu
    from reluhard.solvers.learner.bnb import VOLUME_UNITS

    X, y = _noisy_relu()
    with progress.display(file=io.StringIO()):
        bnb = learn_relu(X, y, eps=0.02, mode="bnb", seed=0, n_restarts=2)
        net = learn_relu(X, y, eps=0.05, mode="net", seed=0, n_restarts=2)
        k2 = learn_krelu(X, y, eps=0.15, k=2, seed=0, n_restarts=2)
    assert bnb.complete and bnb.nodes > 1 and net.complete and k2.complete
    by = {}
    for desc, done, total in closed:
        by.setdefault(desc, []).append((done, total))
    assert by["learner incumbent: L-BFGS starts"][:2] == [(5, 5), (5, 5)]  # 3 structured starts + 2 restarts
    assert by["learner bnb: search box settled"] == [(VOLUME_UNITS, VOLUME_UNITS)]
    (done, total), = by["learner net: points scored of the planned bound"]
    assert done == net.lattice_size and total == math.ceil(2.0 ** net.planned_size_log2) and done <= total
    n = k2.extra["distinct_units"]
    assert by["learner 2-ReLU net: unit tuples scored"] == [(k2.extra["tuples"], n * (n + 1) // 2)]


def test_learner_bnb_cut_short_leaves_part_of_the_box_open(closed):
    from reluhard.solvers.learner import learn_relu
    from reluhard.solvers.learner.bnb import VOLUME_UNITS

    X, y = _noisy_relu(n=200, d=3, seed=2)
    with progress.display(file=io.StringIO()):
        res = learn_relu(X, y, eps=1e-6, mode="bnb", seed=0, n_restarts=0, max_open=2000)
    assert not res.complete
    (done, total), = [(d, t) for desc, d, t in closed if desc == "learner bnb: search box settled"]
    assert total == VOLUME_UNITS and done < total


def test_learn_on_a_terminal_shows_the_search_json_clean(tmp_path):
    from reluhard.io.npz import save_training_set

    X, y = _noisy_relu()
    import numpy as np

    save_training_set(tmp_path / "t.npz", X, y, np.ones(len(y)), {"reduction": None})
    code, out, tty = _cli(["learn", tmp_path / "t.npz", "--eps", "0.05", "--mode", "net", "--restarts", "2",
                           "--json"], tmp_path)
    assert code == 0, tty
    assert json.loads(out)["complete"] is True
    assert b"learner incumbent: L-BFGS starts" in tty and b"/5 start" in tty
    assert b"learner net: points scored of the planned bound" in tty and b" point" in tty and b"%|" in tty
    code, out, err = _cli(["learn", tmp_path / "t.npz", "--eps", "0.05", "--json"], tmp_path, tty=False)
    assert code == 0 and err == b"" and json.loads(out)
