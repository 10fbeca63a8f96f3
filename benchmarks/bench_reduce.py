"""Benchmark: 3-SAT -> one-ReLU training set (sat-relu) at 10^6 clauses, plus the sat-krelu chain.

Rows, all measured in this run (medians of --repeats runs):

* ``reluhard forward (CNF -> exact TrainingSet)``: the library map, from a
  ``pysat.formula.CNF`` (includes converting its clause lists to an array);
* ``naive per-clause loop``: the same CSR matrix built by a Python loop over
  clauses and literals (the baseline a straightforward implementation gives);
* ``numpy floor``: only the index arithmetic that any vectorised builder must
  do (concatenate the three gadget blocks into CSR arrays), from the clause array;
* ``reluhard reduce (read DIMACS + forward + write .npz)``: the whole CLI path
  in-process (strict DIMACS reader, forward, atomic deterministic .npz write);
* ``reluhard sat-krelu forward (k = 3, CNF -> TrainingSet)``: the chain
  3-SAT -> NAE-SAT -> set splitting -> sum of 3 ReLUs on the same formula,
  including the intermediate NAEFormula and Hypergraph (tuple clauses/edges)
  and their validation.

Usage: ``python benchmarks/bench_reduce.py [--clauses 1000000] [--repeats 5]``.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp


def timeit(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def naive(clauses, n):
    rows, cols, vals = [0], [0], [1]
    r = 1
    for i in range(1, n + 1):
        rows += [r, r + 1]
        cols += [i, i]
        vals += [1, -1]
        r += 2
    for clause in clauses:
        rows.append(r)
        cols.append(0)
        vals.append(-2)
        for lit in clause:
            rows.append(r)
            cols.append(abs(lit))
            vals.append(-1 if lit > 0 else 1)
        r += 1
    return sp.csr_matrix((vals, (rows, cols)), shape=(r, n + 1))


def floor(C, n):
    m = C.shape[0]
    indptr = np.concatenate([[0, 1], 1 + np.arange(1, 2 * n + 1), 1 + 2 * n + 4 * np.arange(1, m + 1)])
    indices = np.concatenate([[0], np.repeat(np.arange(1, n + 1), 2), np.column_stack([np.zeros(m, dtype=np.int64), np.abs(C)]).ravel()])
    data = np.concatenate([[1], np.tile([1, -1], n), np.column_stack([np.full(m, -2), -np.sign(C)]).ravel()])
    return sp.csr_matrix((data, indices, indptr), shape=(1 + 2 * n + m, n + 1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clauses", type=int, default=1_000_000)
    ap.add_argument("--ratio", type=float, default=4.0)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)

    from reluhard.commands.reduce import reduce_to_file
    from reluhard.generators.ksat import clauses_to_cnf, random_ksat_array
    from reluhard.io.dimacs import write_cnf_array
    from reluhard.reductions import get_reduction

    m = args.clauses
    n = int(m / args.ratio)
    C, meta = random_ksat_array(n, m, k=3, seed=1)
    cnf = clauses_to_cnf(C, n, meta)
    red = get_reduction("sat-relu")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "f.cnf"
        write_cnf_array(src, C, n, meta=meta)
        out = Path(d) / "t.npz"
        ts = red.apply(cnf).target
        assert (floor(C, n) != ts.X).nnz == 0
        rows.append(("reluhard forward (CNF -> exact TrainingSet)", timeit(lambda: red.apply(cnf), args.repeats)))
        rows.append(("numpy floor (index arithmetic only)", timeit(lambda: floor(C, n), args.repeats)))
        rows.append(("reluhard reduce (read DIMACS + forward + write .npz)", timeit(lambda: reduce_to_file("sat-relu", src, out, {}), args.repeats)))
        krelu = get_reduction("sat-krelu")
        kts = krelu.apply(cnf, k=3).target
        assert kts.X.shape == (5 * (n + 1) + m + 10, 2 * (n + 1) + 3)  # N = n + 1 NAE variables, one clique column
        rows.append(("reluhard sat-krelu forward (k = 3, CNF -> TrainingSet)", timeit(lambda: krelu.apply(cnf, k=3), args.repeats)))
        naive_X = naive(C.tolist(), n)
        assert (naive_X != ts.X).nnz == 0
        rows.append(("naive per-clause Python loop", timeit(lambda: naive(C.tolist(), n), max(1, args.repeats // 2))))
    base = rows[0][1]
    print(f"sat-relu reduction, n = {n}, m = {m} (one row per point: {1 + 2 * n + m} rows, {1 + 2 * n + 4 * m} non-zeros); median of {args.repeats} runs")
    print(f"{'method':<56} {'median s':>9} {'x forward':>10}")
    for name, t in rows:
        print(f"{name:<56} {t:9.3f} {t / base:10.2f}")


if __name__ == "__main__":
    main()
