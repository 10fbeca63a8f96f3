"""Benchmark: certificate bundles on the suite's largest certified rows.

Rows: the built rows of ``instances/manifest.json`` (default: its largest tier
with proven rows), or with ``--large`` the ``large`` tier of the suite recipe
(``reluhard suite build --large``: block unions, complete multipartite graphs,
disjoint hypergraph copies), whose sources are generated here exactly as the
suite generates them. Measured in this run, medians of ``--repeats`` runs:

* ``solve``: the combinatorial oracle alone (block unions: component-wise, as
  the suite solves them);
* ``certify``: the whole bundle (solve, proof logging, every claim, the
  reduction's loss bounds, files written);
* ``check``: ``check_certificate`` with ``--checker`` (auto: dratify's native
  engine when installed, else Python, plus drup where affordable), and with
  ``--compare`` also the pure-Python engine alone (``--checker dratify``);
* proof size: lemmas, files and compressed bytes of all the row's proofs.

Usage: ``python benchmarks/bench_certificates.py [--repeats 5] [--tier medium] [--large] [--only ROW] [--compare]``.
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


def large_rows(folder, only=None):
    """The suite recipe's large rows, their sources generated into ``folder`` (as ``suite build --large`` does)."""
    from reluhard.pipeline import write_source
    from reluhard.reductions import get_reduction
    from reluhard.suite import default_recipe
    from reluhard.sweep.grid import build_instance

    suffix = {"cnf": ".cnf", "graph": ".clq", "hypergraph": ".hgr"}
    out = []
    for name in ("sat-relu", "sat-krelu", "sat-clique-relu", "dks-relu", "hypergraph-krelu"):
        kind = get_reduction(name).source_kind
        for r in default_recipe(name):
            if r["tier"] != "large" or (only and not any(o in r["id"] for o in only)):
                continue
            src = Path(folder) / (r["id"].replace("/", "_") + suffix[kind])
            write_source(src, build_instance({"family": r["family"], "params": r["params"], "seed": r["seed"]}), kind)
            opts = dict(r["options"])
            if kind == "graph":
                opts["kappa"] = r["params"]["kappa"]
            out.append({**r, "_src": src, "_opts": opts})
    return out


def _oracle(kind, family):
    from reluhard.solvers.base import get_oracle

    if family in ("blocks", "planted-blocks", "tightness-blocks"):
        from reluhard.solvers.components import min_unsat_components_oracle

        return min_unsat_components_oracle
    return get_oracle(kind)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tier", default=None, help="manifest tier (default: the largest with certified rows)")
    ap.add_argument("--large", action="store_true", help="the suite recipe's large rows, generated here (not the manifest)")
    ap.add_argument("--only", action="append", default=None, metavar="ROW", help="rows whose id contains ROW (repeatable)")
    ap.add_argument("--checker", default="auto", choices=["auto", "both", "drup", "dratify", "native"])
    ap.add_argument("--compare", action="store_true", help="also time the pure-Python dratify engine alone")
    ap.add_argument("--manifest", default=str(ROOT / "instances" / "manifest.json"))
    args = ap.parse_args(argv)

    from reluhard.certificates import certify_file, check_certificate, kind_of
    from reluhard.certificates.drat import native_engine
    from reluhard.io.instances import read_instance

    work = tempfile.TemporaryDirectory()
    if args.large:
        tier, chosen = "large", large_rows(work.name, args.only)
    else:
        manifest = json.loads(Path(args.manifest).read_text())
        folder = Path(args.manifest).parent
        tier, chosen = rows(manifest, args.tier)
        for r in chosen:
            r["_src"] = next(folder / f for f in r["files"] if not f.endswith(".npz"))
            r["_opts"] = {k: v for k, v in (r.get("options_used") or {}).items() if k not in ("min_unsat", "delta")}
        chosen = [r for r in chosen if not args.only or any(o in r["id"] for o in args.only)]
    print(f"tier {tier}: {len(chosen)} rows, medians of {args.repeats} runs, checker={args.checker}, "
          f"native engine: {native_engine() or 'not installed'}")
    print(f"{'row':<28} {'claims':<40} {'lemmas':>7} {'files':>5} {'proof B':>9} {'solve s':>8} {'certify s':>9} {'check s':>8}"
          + (f" {'python s':>8}" if args.compare else ""))
    for r in chosen:
        src, opts = r["_src"], r["_opts"]
        kind = kind_of(src)
        kappa = opts.get("kappa")
        inst = read_instance(src, kind)
        okw = {"kappa": kappa} if kappa is not None else {}
        oracle = _oracle(kind, r.get("family"))
        t_solve, _ = median_time(lambda: oracle(inst, **okw), args.repeats)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "row.cert.json"
            t_cert, bundle = median_time(lambda: certify_file(src, out, kind=kind, kappa=kappa, reduction=r["reduction"], options=opts), args.repeats)
            t_check, rep = median_time(lambda: check_certificate(out, checker=args.checker), args.repeats)
            if not rep.valid:
                print(f"{r['id']}: INVALID {rep.failed}", file=sys.stderr)
                return 1
            t_py = median_time(lambda: check_certificate(out, checker="dratify"), args.repeats)[0] if args.compare else None
            proofs = [f for f in bundle["files"] if f.endswith(".drup.gz")]
            size = sum((Path(tmp) / f).stat().st_size for f in proofs)
        lemmas = sum(
            (c.get("proof") or {}).get("lemmas", 0) + sum((b.get("proof") or {}).get("lemmas", 0) for b in c.get("blocks") or [])
            for c in bundle["claims"].values()
        )
        claims = ",".join(f"{k}={v.get('value', v.get('soundness_bound'))}" for k, v in bundle["claims"].items() if k != "loss_bounds")
        if "multipartite" in bundle["claims"].get("max_edges", {}):
            claims += " (multipartite)"
        print(f"{r['id']:<28} {claims[:40]:<40} {lemmas:>7} {len(proofs):>5} {size:>9} {t_solve:>8.3f} {t_cert:>9.3f} {t_check:>8.3f}"
              + (f" {t_py:>8.3f}" if args.compare else ""), flush=True)
    work.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
