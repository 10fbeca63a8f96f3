"""Random 3-SAT generation + DIMACS write: reluhard vs CNFgen vs a numpy floor.

Usage::

    pip install -e .[bench]          # CNFgen 0.9.6, benchmark-only
    python benchmarks/bench_generate.py [-n 100000] [--ratio 4.26] [--runs 5]

Everything is measured in the same run, in the same temporary folder:

* ``reluhard (library)``: ``ksat_array`` + ``write_cnf_array`` in-process;
* ``reluhard (CLI)``: ``reluhard generate ksat ...`` as a subprocess;
* ``cnfgen (CLI)``: ``cnfgen -S seed -q -o F randkcnf 3 N M`` as a subprocess
  (what users run); ``cnfgen (library)``: ``RandomKCNF(3, N, M)`` + ``to_file``;
* numpy floor: ``rng.integers`` for the variables and signs of the same
  (m, 3) clause array (no distinct-variable guarantee, so it is cheaper than
  any correct sampler) plus each numpy-only writer (``np.savetxt``, one
  ``%``-format of the flat array, and the vectorised digit-table writer also
  used by reluhard); the floor is the fastest of them.

Medians of ``--runs`` runs (>= 5 by default); ratios are other / reluhard
library, so > 1 means reluhard is faster.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from reluhard.generators.ksat import ksat_array
from reluhard.io.dimacs import format_cnf, write_cnf_array


def _time(fn, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def _floor_sample(n, m, seed):
    rng = np.random.default_rng(seed)
    var = rng.integers(1, n + 1, size=(m, 3))
    return np.where(rng.integers(0, 2, size=(m, 3)) == 1, -var, var)


def _writers(n, m, path):
    def savetxt(a):
        np.savetxt(path, a, fmt="%d %d %d 0", header=f"p cnf {n} {m}", comments="")

    def percent(a):
        with open(path, "w") as fh:
            fh.write(f"p cnf {n} {m}\n" + ("%d %d %d 0\n" * m) % tuple(a.ravel().tolist()))

    def digit_table(a):
        with open(path, "wb") as fh:
            fh.write(format_cnf(a, n))

    return {"np.savetxt": savetxt, "%-format": percent, "digit table": digit_table}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--ratio", type=float, default=4.26)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    n, m, runs, seed = args.n, int(round(args.ratio * args.n)), args.runs, args.seed
    tmp = tempfile.mkdtemp(prefix="reluhard-bench-")
    rows = []
    try:
        ours_path = os.path.join(tmp, "ours.cnf")

        def ours():
            clauses, meta = ksat_array(n, m, seed=seed)
            write_cnf_array(ours_path, clauses, n, meta=meta)

        base = _time(ours, runs)
        rows.append(("reluhard (library)", base))
        cli = [sys.executable, "-m", "reluhard.cli", "generate", "ksat", "-k", "3", "-n", str(n), "-m", str(m),
               "--seed", str(seed), "-o", os.path.join(tmp, "cli.cnf")]
        rows.append(("reluhard (CLI, incl. startup)", _time(lambda: subprocess.run(cli, check=True, capture_output=True), runs)))

        floor_path = os.path.join(tmp, "floor.cnf")
        floor_best = None
        for name, write in _writers(n, m, floor_path).items():
            t = _time(lambda write=write: write(_floor_sample(n, m, seed)), runs)
            rows.append((f"numpy floor: sample + {name}", t))
            floor_best = t if floor_best is None else min(floor_best, t)

        if shutil.which("cnfgen") is None:
            cnfgen_note = "cnfgen not installed (pip install -e .[bench]); CNFgen rows skipped"
        else:
            import cnfgen

            cnfgen_note = f"cnfgen {getattr(cnfgen, '__version__', '0.9.6')}"
            cmd = ["cnfgen", "-S", str(seed), "-q", "-o", os.path.join(tmp, "cnfgen.cnf"), "randkcnf", "3", str(n), str(m)]
            rows.append(("cnfgen (CLI)", _time(lambda: subprocess.run(cmd, check=True, capture_output=True), runs)))

            def cnfgen_lib():
                F = cnfgen.RandomKCNF(3, n, m, seed=seed)
                F.to_file(os.path.join(tmp, "cnfgen-lib.cnf"))

            rows.append(("cnfgen (library)", _time(cnfgen_lib, runs)))
    except ImportError:
        cnfgen_note = "cnfgen not installed (pip install -e .[bench]); CNFgen rows skipped"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"random 3-SAT, n = {n}, m = {m} (ratio {args.ratio}), generation + DIMACS write; median of {runs} runs")
    print(cnfgen_note)
    print(f"{'method':<40} {'median s':>10} {'x reluhard':>11}")
    for name, t in rows:
        print(f"{name:<40} {t:>10.3f} {t / base:>11.2f}")
    print(f"reluhard library / numpy floor (fastest numpy-only writer): {base / floor_best:.2f}  (target <= 3)")
    cn = dict(rows).get("cnfgen (CLI)")
    if cn is not None:
        print(f"cnfgen CLI / reluhard CLI: {cn / dict(rows)['reluhard (CLI, incl. startup)']:.1f}x; "
              f"cnfgen library / reluhard library: {dict(rows)['cnfgen (library)'] / base:.1f}x  (target >= 20)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
