"""Per-restart success of L-BFGS-B on the ``hard`` family (planted R1), vs n.

Each instance: a planted satisfiable random 3-CNF (ratio 4.26, instance seed S)
through ``sat-relu``; RC2 certifies satisfiability, so min L = n exactly. One
*restart* is one call of the registered ``lbfgs`` algorithm with budget 0
(exactly one random N(0, 1) initialisation polished by L-BFGS-B) and
algorithm seed r; it succeeds when the recomputed loss is within a relative
1e-4 of n. With p the per-restart success rate, R independent restarts
succeed with probability 1 - (1 - p)^R; the table prints the measured p and
that estimate, plus the measured fraction of blocks of R consecutive seeds
containing a success (where enough restarts were run).

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_hard_family.py [--sizes 10,15,20,30,45,60] [--instances 3] [--restarts 1000]
"""

import argparse
import time

import numpy as np

from reluhard.bench.algorithms import ALGORITHMS
from reluhard.bench.instances import hard_specs, is_success, load_problem


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,15,20,30,45,60")
    ap.add_argument("--instances", type=int, default=3)
    ap.add_argument("--restarts", type=int, default=1000)
    ap.add_argument("--time-cap", type=float, default=60.0, help="seconds per instance (fewer restarts if hit)")
    args = ap.parse_args()
    lbfgs = ALGORITHMS["lbfgs"]
    print(f"hard family (planted R1, ratio 4.26): per-restart success of lbfgs; up to {args.restarts} restarts "
          f"per instance, {args.instances} instances per n")
    print("P(R) = 1 - (1 - p)^R: success within R restarts; blocks: measured 100-restart blocks with a success")
    print(f"{'n':>4} {'restarts':>9} {'successes':>10} {'p':>9} {'ms/restart':>10} "
          f"{'P(1)':>6} {'P(10)':>6} {'P(100)':>6} {'P(1000)':>7} {'P(10^4)':>7} {'blocks':>9}")
    for n in [int(v) for v in args.sizes.split(",")]:
        tot = succ = 0
        secs = 0.0
        hits_by_inst = []
        for spec in hard_specs([n], range(args.instances)):
            prob = load_problem(spec)
            t0 = time.perf_counter()
            hits = []
            for r in range(args.restarts):
                fit = lbfgs(prob.X, prob.y, prob.sample_weight, seed=r, budget=0.0, k=1)
                W = fit.network.weights
                res = np.maximum(prob.X @ W.T, 0.0)[:, 0] - prob.y
                hits.append(bool(is_success(float(prob.sample_weight @ (res * res)), prob.lower_bound)))
                if time.perf_counter() - t0 > args.time_cap:
                    break
            secs += time.perf_counter() - t0
            tot += len(hits)
            succ += sum(hits)
            hits_by_inst.append(hits)
        p = succ / tot if tot else float("nan")
        est = [1 - (1 - p) ** R for R in (1, 10, 100, 1000, 10000)]
        blocks = [any(h[i:i + 100]) for h in hits_by_inst for i in range(0, len(h) - 99, 100)]
        meas = f"{sum(blocks)}/{len(blocks)}" if blocks else "–"
        print(f"{n:>4} {tot:>9} {succ:>10} {p:>9.4f} {1000 * secs / max(tot, 1):>10.2f} "
              f"{est[0]:>6.3f} {est[1]:>6.3f} {est[2]:>6.3f} {est[3]:>7.3f} {est[4]:>7.3f} {meas:>9}", flush=True)


if __name__ == "__main__":
    main()
