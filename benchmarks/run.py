"""One table for issue #16: threads, time limits, generation, reduction, exact solving, memory.

Usage::

    pip install -e .[bench]        # CNFgen 0.9.6 for the generation baseline
    python benchmarks/run.py                 # every row, medians of 5 whole-process runs
    python benchmarks/run.py --runs 5 --heavy-runs 3 --rows threads,gen

Every row is a whole-process timing (wall time of the child; its peak RSS
from ``/usr/bin/time -f %M``) unless it says "in-process"; each ratio is
measured in the same run, pair by pair (the two commands alternate). The
"threads" rows run with a background busy loop (``python -c "while 1:
pass"``) so the machine is loaded, as in the issue; ``--no-load`` turns that
off. The load average is read before each row.

Rows (ratio column):

* threads: default environment / ``OPENBLAS_NUM_THREADS=1`` for ``demo``,
  ``verify --methods exact`` (n = 8) and ``fit --method gd`` (10^5 rows).
* time limit: ``fit --method gd|miqp --time-limit T`` on 10^5 rows, the
  fitter's own elapsed seconds / T (target <= 1.10).
* generation: ``cnfgen randkcnf 3 N M`` / ``reluhard generate ksat`` (target
  >= 20) at N = 10^5, 10^6 (M = 4.26 N); in-process ``ksat_array`` +
  ``write_cnf_array`` / numpy floor (target <= 1.5); ``reluhard --help``.
* reduction: ``reduce sat-relu`` / ``sat-krelu`` (k = 3) at 10^6 clauses and
  ``reduce dks-relu`` at 10^6 rows (n = 1414), each / its numpy floor (parse
  with ``np.fromstring``, the same CSR by index arithmetic, the same arrays
  deflated at level 1; no validation, no hash, no metadata), peak RSS ratio in the note.
* exact: ``fit --method exact`` (theorem-free branch-and-bound) on R1 sets at
  n = 10, 16, 20; the full orthant enumeration (``--method orthant``) at
  n = 10 as the baseline; the claim (★)-pruned path at n = 20 (peak RSS,
  target <= 1 GB); ``dks-relu`` NO instances (G(n, 1/2), kappa = 4): the
  sign branch-and-bound at n = 9 against the SCIP MIQP, and at n = 12.
* memory: peak RSS of ``generate``, ``reduce sat-relu``, ``sat-krelu`` and
  ``dks-relu`` at three sizes 10x apart; the note gives the marginal RSS per
  item (clause or row) between consecutive sizes: linear when it does not grow.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROWS = ("threads", "limits", "gen", "reduce", "exact", "memory")
RELUHARD = [sys.executable, "-m", "reluhard.cli"]


TIME = "/usr/bin/time"


def run_proc(cmd, env=None, stdout=subprocess.DEVNULL):
    """(wall seconds, peak RSS MB, exit status) of one whole-process run.

    The peak RSS comes from ``/usr/bin/time -f %M`` (a small process that
    forks the command): ``os.wait4`` on a child forked from this (large)
    benchmark process would report the parent's inherited high-water mark.
    """
    full_env = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            full_env.pop(k, None)
        else:
            full_env[k] = v
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [TIME, "-f", "%M %U %S", "-o", rss.name] + list(cmd) if os.path.exists(TIME) else list(cmd)
        t = time.perf_counter()
        p = subprocess.Popen(wrapped, env=full_env, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        text = rss.read().strip().splitlines()
    fields = text[-1].split() if text else []
    if len(fields) == 3 and fields[0].isdigit():
        peak, cpu = float(fields[0]) / 1024.0, float(fields[1]) + float(fields[2])
    else:
        peak, cpu = ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime
    return wall, peak, status, cpu


def medians(cmds, runs):
    """Alternate the commands ``runs`` times; per command (median wall, max peak RSS).

    The median CPU seconds (user + system) of each command are left in ``medians.cpu``:
    on a loaded machine they are the steadier measure of the work done.
    """
    walls = [[] for _ in cmds]
    cpus = [[] for _ in cmds]
    rss = [0.0 for _ in cmds]
    for _ in range(runs):
        for i, (cmd, env) in enumerate(cmds):
            w, r, status, c = run_proc(cmd, env)
            if status not in (0, 256, 768):  # exit 1/3 are verdicts, not crashes
                raise RuntimeError(f"{' '.join(cmd)} failed with status {status}")
            walls[i].append(w)
            cpus[i].append(c)
            rss[i] = max(rss[i], r)
    medians.cpu = [statistics.median(c) for c in cpus]
    return [(statistics.median(w), r) for w, r in zip(walls, rss)]


def cpu_note(inverse=False):
    """'; CPU s a vs b (ratio r)' of the last :func:`medians` pair (ratio b / a when ``inverse``)."""
    a, b = medians.cpu[:2]
    r = (b / a if inverse else a / b) if min(a, b) > 0 else float("nan")
    return f"; CPU {a:.2f} vs {b:.2f} s (CPU ratio {r:.2f})"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, seconds, rss=None, ratio=None, target="", note=""):
        self.rows.append((name, seconds, rss, ratio, target, os.getloadavg()[0], note))
        print(f"  {name}: {seconds:.3f} s" + (f", ratio {ratio:.2f}" if ratio is not None else ""), file=sys.stderr, flush=True)

    def print(self):
        head = f"{'row':<58} {'median s':>9} {'peak MB':>8} {'ratio':>7} {'target':>9} {'load':>5}  note"
        print(head)
        print("-" * len(head))
        for name, s, rss, ratio, target, load, note in self.rows:
            print(f"{name:<58} {s:>9.3f} {'' if rss is None else f'{rss:.0f}':>8} "
                  f"{'' if ratio is None else f'{ratio:.2f}':>7} {target:>9} {load:>5.1f}  {note}")


def gen_file(tmp, n, m, seed=1):
    path = os.path.join(tmp, f"k3_{n}_{m}.cnf")
    if not os.path.exists(path):
        subprocess.run(RELUHARD + ["generate", "ksat", "-k", "3", "-n", str(n), "-m", str(m), "--seed", str(seed), "-o", path],
                       check=True, capture_output=True)
    return path


def r1_set(tmp, n, m, seed=0):
    path = os.path.join(tmp, f"r1_{n}_{m}_{seed}.npz")
    if not os.path.exists(path):
        cnf = gen_file(tmp, n, m, seed)
        subprocess.run(RELUHARD + ["reduce", "sat-relu", cnf, "-o", path], check=True, capture_output=True)
    return path


def rows_threads(t, tmp, runs, heavy):
    one = {"OPENBLAS_NUM_THREADS": "1"}
    default = {"OPENBLAS_NUM_THREADS": None, "OMP_NUM_THREADS": None, "MKL_NUM_THREADS": None}
    cnf8 = gen_file(tmp, 8, 64, seed=3)
    big = r1_set(tmp, 25000, 75000, seed=3)
    cases = [
        ("threads: demo", RELUHARD + ["demo"], runs),
        ("threads: verify --methods exact (n = 8)", RELUHARD + ["verify", cnf8, "--reduction", "sat-relu", "--methods", "exact"], runs),
        ("threads: fit --method gd, 10^5 rows, 3 restarts", RELUHARD + ["fit", big, "--method", "gd", "--restarts", "3", "--time-limit", "600"], heavy),
    ]
    for name, cmd, r in cases:
        (a, ra), (b, rb) = medians([(cmd, default), (cmd, one)], r)
        t.add(name + " [default env]", a, ra, a / b, "<= 1.20", f"vs OPENBLAS_NUM_THREADS=1: {b:.3f} s; {r} runs")


def rows_limits(t, tmp, runs, heavy):
    big = r1_set(tmp, 25000, 75000, seed=3)
    for method, limit in (("gd", 10.0), ("miqp", 10.0)):
        secs, walls = [], []
        for _ in range(heavy):
            t0 = time.perf_counter()
            out = subprocess.run(RELUHARD + ["fit", big, "--method", method, "--time-limit", str(limit), "--json"],
                                 capture_output=True, text=True)
            walls.append(time.perf_counter() - t0)
            secs.append(json.loads(out.stdout)["seconds"])
        s = statistics.median(secs)
        t.add(f"time limit: fit --method {method} --time-limit {limit:g}, 10^5 rows", s, None, s / limit, "<= 1.10",
              f"fitter seconds / limit; whole process {statistics.median(walls):.2f} s (incl. load + setup); {heavy} runs")


def _floor_gen(n, m, path):
    import numpy as np

    rng = np.random.default_rng(1)
    var = rng.integers(1, n + 1, size=(m, 3))
    C = np.where(rng.integers(0, 2, size=(m, 3)) == 1, -var, var)
    with open(path, "w") as fh:
        fh.write(f"p cnf {n} {m}\n" + ("%d %d %d 0\n" * m) % tuple(C.ravel().tolist()))


def _inprocess(fn, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def rows_gen(t, tmp, runs, heavy):
    import shutil

    from reluhard.generators.ksat import ksat_array
    from reluhard.io.dimacs import write_cnf_array

    (h, rh), = medians([(RELUHARD + ["--help"], None)], runs)
    (hs, _), = medians([([sys.executable, "-c", "pass"], None)], runs)
    t.add("start-up: reluhard --help", h, rh, None, "< 0.15", f"bare interpreter {hs:.3f} s")
    for n, r in ((10**5, runs), (10**6, heavy)):
        m = int(round(4.26 * n))
        ours = RELUHARD + ["generate", "ksat", "-k", "3", "-n", str(n), "-m", str(m), "--seed", "1", "-o", os.path.join(tmp, "g.cnf")]
        if shutil.which("cnfgen"):
            theirs = ["cnfgen", "-S", "1", "-q", "-o", os.path.join(tmp, "c.cnf"), "randkcnf", "3", str(n), str(m)]
            (a, ra), (b, rb) = medians([(ours, None), (theirs, None)], r)
            t.add(f"generate ksat CLI, N = {n:.0e}", a, ra, b / a, ">= 20",
                  f"cnfgen randkcnf CLI {b:.2f} s, {rb:.0f} MB; ratio = cnfgen / ours{cpu_note(True)}; {r} runs")
        else:
            (a, ra), = medians([(ours, None)], r)
            t.add(f"generate ksat CLI, N = {n:.0e}", a, ra, None, ">= 20", "cnfgen not installed")
        path = os.path.join(tmp, "lib.cnf")

        def lib():
            C, meta = ksat_array(n, m, seed=1)
            write_cnf_array(path, C, n, meta=meta)

        ours_s = _inprocess(lib, r)
        floor_s = _inprocess(lambda: _floor_gen(n, m, os.path.join(tmp, "floor.cnf")), r)
        t.add(f"generate in-process, N = {n:.0e}", ours_s, None, ours_s / floor_s, "<= 1.5",
              f"numpy floor (rng.integers + one %-format write) {floor_s:.3f} s; {r} runs")


FLOOR_REDUCE = r'''
import sys, zipfile, io, numpy as np, scipy.sparse as sp
src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
body = data[data.index(b"\np cnf"):]
body = body[body.index(b"\n", 1) + 1:]
tok = np.fromstring(body.decode(), dtype=np.int64, sep=" ")  # numpy-side parse (no validation)
C = tok.reshape(-1, 4)[:, :3]
m = len(C); n = int(np.abs(C).max())
# sat-relu's rows: anchor, +-e_i, clause rows -s e_i - 2 e_0 (same CSR shape)
rows = np.concatenate([[0], 1 + np.arange(2 * n), np.repeat(1 + 2 * n + np.arange(m), 4)])
cols = np.concatenate([[0], np.repeat(1 + np.arange(n), 2), np.column_stack([np.zeros(m, np.int64), np.abs(C)]).ravel()])
vals = np.concatenate([[1.0], np.tile([1.0, -1.0], n), np.column_stack([-2 * np.ones(m), -np.sign(C)]).ravel()])
X = sp.csr_matrix((vals, (rows, cols)), shape=(1 + 2 * n + m, n + 1))
y = np.r_[1.0, np.ones(2 * n), np.zeros(m)]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for name, a in (("data", X.data), ("indices", X.indices), ("indptr", X.indptr), ("y", y)):
        buf = io.BytesIO(); np.save(buf, a); z.writestr(name + ".npy", buf.getvalue())
'''


#: sat-krelu (k = 3, gadget on): parse, then the same CSR as the chain sat-nae -> nae-setsplit ->
#: hypergraph-krelu by index arithmetic (formulas with distinct variables per clause), same save
FLOOR_KRELU = r'''
import sys, zipfile, io, numpy as np, scipy.sparse as sp
src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
body = data[data.index(b"\np cnf"):]
N = int(body.split()[2])
body = body[body.index(b"\n", 1) + 1:]
tok = np.fromstring(body.decode(), dtype=np.int64, sep=" ")
C = tok.reshape(-1, 4)[:, :3]
m = len(C); N1 = N + 1                        # variables 1..N and the fresh NAE variable z = N + 1
V = np.empty((m, 4), dtype=np.int64)           # literal vertices 2(|l|-1) + [l < 0] of l1 l2 l3 z
V[:, :3] = 2 * (np.abs(C) - 1) + (C < 0)
V[:, 3] = 2 * N
V.sort(axis=1)
n = 2 * N1; K = 1                              # H has 2(N+1) vertices; the join adds K = k - 2 clique vertices
g, h = n + K, n + K + 1
join = np.stack([np.arange(n), np.full(n, n)], axis=1)
s = (3 * np.arange(1, 4)[:, None] + np.array([-1, 0, 1])[None, :]).ravel()
glab = np.maximum(3 * np.arange(1, 4)[None, :] - s[:, None], 0).sum(axis=1)
cols = np.concatenate([np.arange(n + K), V.ravel(), np.arange(2 * N1), join.ravel(), np.tile([g, h], 9)])
vals = np.concatenate([np.ones(n + K + 4 * m + 2 * N1 + 2 * n), np.stack([np.full(9, 3), s], axis=1).ravel()])
lens = np.concatenate([np.ones(n + K), np.full(m, 4), np.full(N1, 2), np.full(n, 2), np.full(9, 2)]).astype(np.int64)
indptr = np.concatenate([[0], np.cumsum(lens)])
X = sp.csr_matrix((vals, cols, indptr), shape=(len(lens), n + K + 2))
y = np.concatenate([np.ones(n + K), np.zeros(m + N1 + n), glab]).astype(np.float64)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for name, a in (("data", X.data), ("indices", X.indices), ("indptr", X.indptr), ("y", y), ("sample_weight", np.ones(len(y)))):
        buf = io.BytesIO(); np.save(buf, a); z.writestr(name + ".npy", buf.getvalue())
'''

#: dks-relu: parse the 'e u v' lines, then the same CSR (anchor, +-e_v, z+-, all pairs e_u + e_v - e_0
#: labelled [uv in E]) by index arithmetic, its scaled copy and the raw one, same save
FLOOR_DKS = r'''
import sys, zipfile, io, numpy as np, scipy.sparse as sp
src, out, kappa = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
head = data.index(b"\np ")
n = int(data[head:].split()[2])
body = data[data.index(b"\n", head + 1) + 1:]
E = np.fromstring(body.replace(b"e", b" ").decode(), dtype=np.int64, sep=" ").reshape(-1, 2) - 1
E.sort(axis=1)
iu, iv = np.triu_indices(n, 1)
P = len(iu)
lab = np.zeros(P); lab[E[:, 0] * n - E[:, 0] * (E[:, 0] + 1) // 2 + (E[:, 1] - E[:, 0] - 1)] = 1
v = np.arange(1, n + 1)
cols = np.concatenate([[0], np.repeat(v, 2), np.tile(np.arange(n + 1), 2), np.stack([np.zeros(P, np.int64), iu + 1, iv + 1], axis=1).ravel()])
vals = np.concatenate([[1.0], np.tile([1.0, -1.0], n), np.r_[n - 2 * kappa, np.ones(n)], -np.r_[n - 2 * kappa, np.ones(n)],
                       np.tile([-1.0, 1.0, 1.0], P)])
lens = np.concatenate([[1], np.ones(2 * n, np.int64), [n + 1, n + 1], np.full(P, 3)])
X = sp.csr_matrix((vals, cols, np.concatenate([[0], np.cumsum(lens)])), shape=(len(lens), n + 1))
y = np.concatenate([np.ones(1 + 2 * n), [0.0, 0.0], lab])
w = np.concatenate([[10.0 * n * n], np.full(2 * n, 20.0 * n), [2.0, 2.0], np.ones(P)])  # proven params at delta = 1 (ours: 1/delta times)
R = np.sqrt(max(3, n + (n - 2 * kappa) ** 2))
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for name, a in (("data", X.data / R), ("indices", X.indices), ("indptr", X.indptr), ("y", y / R / np.sqrt(n + 1)),
                    ("sample_weight", w), ("raw_data", X.data), ("raw_y", y)):
        buf = io.BytesIO(); np.save(buf, a); z.writestr(name + ".npy", buf.getvalue())
'''


def _script(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as fh:
        fh.write(text)
    return path


def dks_file(tmp, n, kappa=12, seed=1):
    """A planted-clique G(n, 1/2) in DIMACS (.clq): 1 + 2n + 2 + C(n, 2) rows after dks-relu."""
    path = os.path.join(tmp, f"g_{n}.clq")
    if not os.path.exists(path):
        subprocess.run(RELUHARD + ["generate", "graph", "-n", str(n), "-p", "0.5", "--plant-clique", str(kappa), "--seed", str(seed),
                                   "-o", path], check=True, capture_output=True)
    return path


def rows_reduce(t, tmp, runs, heavy):
    cnf = gen_file(tmp, 250000, 10**6)
    floor_py = _script(tmp, "floor_reduce.py", FLOOR_REDUCE)
    ours = RELUHARD + ["reduce", "sat-relu", cnf, "-o", os.path.join(tmp, "r.npz")]
    floor = [sys.executable, floor_py, cnf, os.path.join(tmp, "f.npz")]
    (a, ra), (b, rb) = medians([(ours, None), (floor, None)], heavy)
    t.add("reduce sat-relu CLI, 10^6 clauses", a, ra, a / b, "<= 1.5", f"numpy floor {b:.2f} s, {rb:.0f} MB (RSS ratio {ra / rb:.2f}){cpu_note()}; {heavy} runs")
    floor_k = [sys.executable, _script(tmp, "floor_krelu.py", FLOOR_KRELU), cnf, os.path.join(tmp, "fk.npz")]
    ours_k = RELUHARD + ["reduce", "sat-krelu", cnf, "--k", "3", "-o", os.path.join(tmp, "k.npz")]
    (k, rk), (b, rb) = medians([(ours_k, None), (floor_k, None)], heavy)
    t.add("reduce sat-krelu CLI (k = 3), 10^6 clauses", k, rk, k / b, "<= 1.5",
          f"numpy floor (same CSR) {b:.2f} s, {rb:.0f} MB (RSS ratio {rk / rb:.2f}){cpu_note()}; {heavy} runs")
    g = dks_file(tmp, 1414)
    floor_d = [sys.executable, _script(tmp, "floor_dks.py", FLOOR_DKS), g, os.path.join(tmp, "fd.npz"), "12"]
    ours_d = RELUHARD + ["reduce", "dks-relu", g, "-o", os.path.join(tmp, "d.npz")]
    (d, rd), (b, rb) = medians([(ours_d, None), (floor_d, None)], heavy)
    t.add("reduce dks-relu CLI, n = 1414 (1.0e6 rows)", d, rd, d / b, "<= 1.5",
          f"numpy floor (same CSR) {b:.2f} s, {rb:.0f} MB (RSS ratio {rd / rb:.2f}){cpu_note()}; {heavy} runs")


def rows_exact(t, tmp, runs, heavy):
    r10 = r1_set(tmp, 10, 60, seed=0)
    (a, ra), (b, rb) = medians([(RELUHARD + ["fit", r10, "--method", "exact", "--time-limit", "600"], None),
                                (RELUHARD + ["fit", r10, "--method", "orthant", "--time-limit", "600"], None)], runs)
    t.add("exact (bnb, no theorem) R1 n = 10", a, ra, b / a, "", f"full orthant enumeration {b:.2f} s; ratio = enumeration / bnb; {runs} runs")
    for n in (16, 20):
        path = r1_set(tmp, n, 6 * n, seed=0)
        (a, ra), = medians([(RELUHARD + ["fit", path, "--method", "exact", "--time-limit", "300"], None)], heavy)
        t.add(f"exact (bnb, no theorem) R1 n = {n}, m = {6 * n}", a, ra, None, "<= 60" if n == 16 else "moonshot", f"{heavy} runs")
    script = ("import sys\nfrom reluhard.generators.ksat import random_ksat\nfrom reluhard.reductions import get_reduction\n"
              "from reluhard.solvers.sat import min_unsat_oracle\nfrom reluhard.solvers.relu_exact import fit_orthant\n"
              "cnf = random_ksat(20, 120, seed=0); img = get_reduction('sat-relu').apply(cnf)\n"
              "net = img.lift(min_unsat_oracle(cnf).witness)\n"
              "r = fit_orthant(img.target, prune=True, starts=[net], time_limit=300)\nassert r.proven_optimal\n")
    (a, ra), = medians([([sys.executable, "-c", script], None)], heavy)
    t.add("exact, claim (★)-pruned orthants, R1 n = 20", a, ra, None, "<= 1024 MB", f"streamed cell bounds; {heavy} runs")
    # dks-relu NO instances (G(n, 1/2), kappa = 4, first seed without a 4-clique): sign branch-and-bound vs SCIP MIQP
    (a, ra), (b, rb) = medians([([sys.executable, "-c", DKS_EXACT, "9", "exact"], None),
                                ([sys.executable, "-c", DKS_EXACT, "9", "miqp"], None)], runs)
    t.add("exact (sign bnb, no theorem) dks-relu NO n = 9", a, ra, b / a, "", f"SCIP MIQP {b:.2f} s; ratio = MIQP / bnb; {runs} runs")
    (a, ra), = medians([([sys.executable, "-c", DKS_EXACT, "12", "exact"], None)], heavy)
    t.add("exact (sign bnb, no theorem) dks-relu NO n = 12", a, ra, None, "finishes", f"{heavy} runs")


#: argv: n, exact | miqp; exits non-zero unless the optimum is proven
DKS_EXACT = """import sys
from math import comb
from reluhard.generators.graphs import gnp
from reluhard.reductions import get_reduction
from reluhard.solvers.dks import densest_k_subgraph
n, how = int(sys.argv[1]), sys.argv[2]
s = 0
while densest_k_subgraph(gnp(n, 0.5, seed=5000 + s), 4).value >= comb(4, 2):
    s += 1
G = gnp(n, 0.5, seed=5000 + s); r = densest_k_subgraph(G, 4)
img = get_reduction('dks-relu').apply(G, kappa=4, delta=r.cert['delta'])
if how == 'miqp':
    from reluhard.solvers.miqp import fit_miqp
    res = fit_miqp(img.target, time_limit=600)
else:
    from reluhard.solvers.relu_exact import fit_exact
    res = fit_exact(img.target, generic=True, time_limit=600)
assert res.proven_optimal
"""


def _linear_note(rss, sizes):
    """Marginal peak RSS per input item between consecutive sizes (KB per item).

    Linear memory (constant + per-item cost) shows as a marginal cost that does
    not grow from one 10x step to the next (by more than 2x: a quadratic stage grows 10x);
    the constant is the interpreter and imports.
    """
    marg = [(b - a) * 1024.0 / (y - x) for a, b, x, y in zip(rss, rss[1:], sizes, sizes[1:])]
    # a quadratic stage would multiply the marginal cost by 10 from one 10x step to the next; 2x is the
    # threshold (RSS has MB resolution and fixed-size tables, e.g. a 10^6-entry digit table, shift it a little)
    return "marginal KB per item: " + ", ".join(f"{v:.3f}" for v in marg) + (" (not growing 2x: linear)" if marg[-1] <= 2 * marg[0] else " (GROWING)")


def rows_memory(t, tmp, runs, heavy):
    """Peak RSS of every stage at three sizes (10x apart); linear = the marginal RSS per item does not grow."""
    stages = []
    gen = []
    for n in (10**4, 10**5, 10**6):
        m = int(round(4.26 * n))
        gen.append((f"generate ksat N = {n:.0e}", RELUHARD + ["generate", "ksat", "-k", "3", "-n", str(n), "-m", str(m), "--seed", "1",
                                                              "-o", os.path.join(tmp, "mem.cnf")]))
    stages.append(gen)
    for red, extra in (("sat-relu", []), ("sat-krelu", ["--k", "3"])):
        stages.append([(f"reduce {red} m = {m:.0e}", RELUHARD + ["reduce", red, gen_file(tmp, m // 4, m), *extra, "-o", os.path.join(tmp, "mem.npz")])
                       for m in (10**4, 10**5, 10**6)])
    stages.append([(f"reduce dks-relu n = {n} ({1 + 2 * n + 2 + n * (n - 1) // 2:.1e} rows)",
                    RELUHARD + ["reduce", "dks-relu", dks_file(tmp, n), "-o", os.path.join(tmp, "mem.npz")]) for n in (141, 447, 1414)])
    for stage, sizes in zip(stages, ([4.26e4, 4.26e5, 4.26e6],) + ([1e4, 1e5, 1e6],) * 3):
        got = []
        for name, cmd in stage:
            (a, ra), = medians([(cmd, None)], 1)
            got.append(ra)
            t.add(f"memory: {name}", a, ra, None, "linear", "1 run")
        t.rows[-1] = t.rows[-1][:6] + (_linear_note(got, sizes),)


def _byte_compile():
    """Compile the package's modules once, as an installation does: with PYTHONDONTWRITEBYTECODE set
    (or an editable install never imported before) every child would otherwise recompile them."""
    import compileall
    import importlib.util

    for name in ("reluhard", "reluhard.generators", "reluhard.reductions", "reluhard.solvers"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="whole-process runs per cheap row (median)")
    ap.add_argument("--heavy-runs", type=int, default=5, help="runs per expensive row (10^6 sizes, exact n >= 16)")
    ap.add_argument("--rows", default=",".join(ROWS), help="comma-separated subset of: " + ", ".join(ROWS))
    ap.add_argument("--no-load", action="store_true", help="no background busy loop for the thread rows")
    args = ap.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    _byte_compile()
    load_start = os.getloadavg()
    t = Table()
    with tempfile.TemporaryDirectory(prefix="reluhard-run-") as tmp:
        for r in rows:
            load = None
            if r == "threads" and not args.no_load:
                load = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
            try:
                globals()[f"rows_{r}"](t, tmp, args.runs, args.heavy_runs)
            finally:
                if load is not None:
                    load.kill()
                    load.wait()
    print(f"machine: {os.cpu_count()} cores, {sys.platform}, Python {sys.version.split()[0]}; "
          f"env OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; load average (1/5/15 min) "
          f"{'/'.join(f'{x:.1f}' for x in load_start)} at the start, {'/'.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    t.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
