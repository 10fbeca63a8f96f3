"""Benchmark: certificate bundles on the suite's largest certified rows (instances/manifest.json).

For each built row of the largest tier that has rows with a proven
combinatorial value (default: every built row of that tier), measured in this
run, medians of ``--repeats`` runs:

* ``solve``: the combinatorial oracle alone (what ``reluhard solve`` runs);
* ``certify``: the whole bundle (solve, proof logging, every claim, the
  reduction's loss bounds, files written);
* ``check``: ``check_certificate`` (the independent checker; drup + dratify
  where ``auto`` runs both) and the ratio check / solve;
* proof size: lemmas and compressed bytes of all the row's proof files.

Usage: ``python benchmarks/bench_certificates.py [--repeats 5] [--tier medium] [--checker auto]``.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def rows(manifest, tier):
    built = [r for r in manifest["rows"] if r.get("built") and (r.get("combinatorial") or {}).get("proven")]
    order = ["tiny", "small", "medium", "large", "xlarge"]
    tiers = sorted({r["tier"] for r in built}, key=lambda t: order.index(t) if t in order else -1)
    tier = tier or tiers[-1]
    return tier, [r for r in built if r["tier"] == tier]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tier", default=None, help="manifest tier (default: the largest with certified rows)")
    ap.add_argument("--checker", default="auto", choices=["auto", "both", "drup", "dratify"])
    ap.add_argument("--manifest", default=str(ROOT / "instances" / "manifest.json"))
    args = ap.parse_args(argv)

    from reluhard.certificates import certify_file, check_certificate, kind_of
    from reluhard.io.instances import read_instance
    from reluhard.solvers.base import get_oracle

    manifest = json.loads(Path(args.manifest).read_text())
    folder = Path(args.manifest).parent
    tier, chosen = rows(manifest, args.tier)
    print(f"tier {tier}: {len(chosen)} rows, medians of {args.repeats} runs, checker={args.checker}")
    print(f"{'row':<28} {'claims':<44} {'lemmas':>8} {'proof B':>9} {'solve s':>8} {'certify s':>9} {'check s':>8} {'check/solve':>11}")
    for r in chosen:
        src = next(folder / f for f in r["files"] if not f.endswith(".npz"))
        kind = kind_of(src)
        opts = {k: v for k, v in (r.get("options_used") or {}).items() if k not in ("min_unsat", "delta")}
        kappa = opts.get("kappa")
        inst = read_instance(src, kind)
        okw = {"kappa": kappa} if kappa is not None else {}
        t_solve, _ = median_time(lambda: get_oracle(kind)(inst, **okw), args.repeats)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "row.cert.json"
            t_cert, bundle = median_time(lambda: certify_file(src, out, kind=kind, kappa=kappa, reduction=r["reduction"], options=opts), args.repeats)
            t_check, rep = median_time(lambda: check_certificate(out, checker=args.checker), args.repeats)
            if not rep.valid:
                print(f"{r['id']}: INVALID {rep.failed}", file=sys.stderr)
                return 1
            proofs = [f for f in bundle["files"] if f.endswith(".drup.gz")]
            size = sum((Path(tmp) / f).stat().st_size for f in proofs)
        lemmas = sum(
            (c.get("proof") or {}).get("lemmas", 0) + sum((b.get("proof") or {}).get("lemmas", 0) for b in c.get("blocks") or [])
            for c in bundle["claims"].values()
        )
        claims = ",".join(f"{k}={v.get('value', v.get('soundness_bound'))}" for k, v in bundle["claims"].items())
        print(f"{r['id']:<28} {claims[:44]:<44} {lemmas:>8} {size:>9} {t_solve:>8.3f} {t_cert:>9.3f} {t_check:>8.3f} {t_check / max(t_solve, 1e-9):>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
