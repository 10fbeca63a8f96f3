"""The bench leaderboard (Markdown) and figures of a ``reluhard bench`` results table.

Definitions

* **success**: the optimum is known exactly (certified lower bound = certified
  completeness value, e.g. sat-relu on a satisfiable formula: min L = n) and the
  recomputed loss reaches it within the relative tolerance
  :data:`~reluhard.bench.instances.SUCCESS_TOL`; rows without a known optimum
  do not count.
* **gap to optimum** (YES rows with known optimum) and **gap to the certified
  lower bound** (NO rows; the true minimum lies between the bound and the
  completeness value, so this gap over-states the distance to the optimum) are
  kept apart and labelled; ``rel.`` divides by max(1, |bound|).
* **decodes**: the reduction's decoder maps the network to an optimal
  combinatorial witness (valued on the row's public source instance).
* **time to target**: seconds until the run first reached the certified optimum
  within the success tolerance (``time_to_target``; the harness stops the run
  there unless ``--no-early-stop``), over runs that succeed (the curve is the
  fraction of optimum-known runs solved by then).
* **runs** counts runs per (instance, seed): a seed-independent algorithm
  (``seed_independent``: miqp, orthant, arora) runs once per instance, the
  others once per instance and seed; rates are per run.
"""

import math
from collections import Counter, defaultdict

__all__ = ["is_bench_records", "make_leaderboard", "make_bench_plots", "BENCH_FIGURES", "leaderboard_rows"]

BENCH_FIGURES = ("success_vs_size", "gap_distribution", "time_to_target")
_MARKS = ("o", "s", "^", "v", "D", "P", "X", "*")


def is_bench_records(records):
    """Whether a results table holds bench records (schema :data:`reluhard.bench.cell.SCHEMA`)."""
    from .cell import SCHEMA

    return bool(records) and all(r.get("schema") == SCHEMA for r in records)


def _median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else 0.5 * (xs[m - 1] + xs[m])


def _fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


def _rate(hits, total):
    return f"{hits}/{total} ({100.0 * hits / total:.0f}%)" if total else "–"


def _rel(r):
    b = r.get("certified_lower_bound")
    return None if r.get("gap") is None or b is None else r["gap"] / max(1.0, abs(b))


def leaderboard_rows(records):
    """Per algorithm: counts, success, decoding, gaps, times (dicts, best first)."""
    by = defaultdict(list)
    for r in records:
        by[r["algorithm"]].append(r)
    rows = []
    for alg, rs in by.items():
        ok = [r for r in rs if r["status"] == "ok"]
        known = [r for r in ok if r.get("success") is not None]
        succ = sum(bool(r["success"]) for r in known)
        dec = [r for r in ok if r.get("decodes_to_witness") is not None]
        rows.append({
            "algorithm": alg,
            "runs": len(ok),
            "skipped": sum(r["status"] == "skipped" for r in rs),
            "failed": sum(r["status"] in ("error", "timeout") for r in rs),
            "success": succ,
            "known": len(known),
            "decodes": sum(bool(r["decodes_to_witness"]) for r in dec),
            "decodable": len(dec),
            "median_rel_gap_opt": _median([_rel(r) for r in known]),
            "median_rel_gap_lb": _median([_rel(r) for r in ok if r.get("gap_kind") == "to_lower_bound"]),
            "median_seconds": _median([r.get("seconds") for r in ok]),
            "median_time_to_best": _median([r.get("time_to_best") for r in ok]),
            "median_time_to_target": _median([_time_to_target(r) for r in known if r["success"]]),
            "instances": len({r["instance"] for r in ok}),
            "seeds": len({r["seed"] for r in ok}),
            "seed_independent": all(bool(r.get("seed_independent")) for r in rs),
            "stopped_at_target": sum(bool(r.get("stopped_at_target")) for r in ok),
        })
    rows.sort(key=lambda x: (-(x["success"] / x["known"]) if x["known"] else 1.0,
                             x["median_rel_gap_opt"] if x["median_rel_gap_opt"] is not None else math.inf, x["algorithm"]))
    return rows


def _time_to_target(r):
    return r.get("time_to_target") if r.get("time_to_target") is not None else r.get("time_to_best")


def _runs(x):
    if not x["runs"]:
        return "0"
    return f"{x['runs']} ({x['instances']} inst. × {x['seeds']} seed{'s' if x['seeds'] != 1 else ''}{', seed-independent' if x['seed_independent'] else ''})"


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def _leaderboard_lines(records):
    rows = [[x["algorithm"], _runs(x), x["skipped"], x["failed"], _rate(x["success"], x["known"]),
             _rate(x["decodes"], x["decodable"]), _fmt(x["median_rel_gap_opt"]), _fmt(x["median_rel_gap_lb"]),
             _fmt(x["median_seconds"]), _fmt(x["median_time_to_target"])] for x in leaderboard_rows(records)]
    return _table(["algorithm", "runs ok", "skipped", "failed", "reaches optimum", "decodes to witness",
                   "median rel. gap to optimum", "median rel. gap to lower bound (NO rows)", "median s",
                   "median s to target (successes)"], rows)


def make_leaderboard(records, *, source=None):
    """The Markdown leaderboard of bench records (one table row per algorithm, then details)."""
    from .instances import SUCCESS_TOL

    lines = [f"# Training-algorithm leaderboard{f': `{source}`' if source else ''}", ""]
    insts = sorted({r["instance"] for r in records})
    budgets = sorted({r["budget"] for r in records})
    seeds = sorted({r["seed"] for r in records})
    hosts = sorted({r.get("host") or "?" for r in records})
    total = sum(r.get("seconds") or 0 for r in records)
    once = sorted({r["algorithm"] for r in records if r.get("seed_independent")})
    lines.append(f"{len(records)} runs: {len(insts)} instances x {len({r['algorithm'] for r in records})} algorithms x "
                 f"{len(seeds)} seeds{' (seed-independent, run once per instance: ' + ', '.join(once) + ')' if once else ''}; budget {', '.join(_fmt(b) for b in budgets)} s per run; "
                 f"{total:.0f} s of algorithm time; host {', '.join(hosts)}.")
    lines.append("")
    lines += _leaderboard_lines(records)
    lines.append("")
    lines.append(f"Algorithms see only (X, y, sample_weight, seed, budget, k); losses are recomputed by the harness. "
                 f"*Reaches optimum*: the recomputed loss is within a relative {SUCCESS_TOL:g} of a certified exact "
                 f"minimum (rows where certified lower bound = completeness value). *Gap to lower bound* (NO rows) "
                 f"over-states the gap to the unknown optimum. *Decodes*: the reduction's decoder maps the network "
                 f"to an optimal witness of the public source instance. *s to target*: until the certified optimum "
                 f"was first reached (the harness stops a run there: {sum(bool(r.get('stopped_at_target')) for r in records)} "
                 f"run(s) stopped early).")
    lines.append("")
    viol = [r for r in records if r["status"] == "violated"]
    if viol:
        lines += [f"**{len(viol)} run(s) beat a certified lower bound** (a bug in a bound):", ""]
        lines += [f"- {r['error']}" for r in viol]
        lines.append("")

    sizes = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r["status"] == "ok" and r.get("success") is not None:
            sizes[_panel(r)][(r.get("size"), r["algorithm"])].append(bool(r["success"]))
    if sizes:
        lines += ["## Success rate vs instance size", ""]
        for panel, cells in sorted(sizes.items()):
            algs = sorted({a for _, a in cells})
            ns = sorted({n for n, _ in cells}, key=lambda v: (v is None, v))
            rows = [[n] + [_rate(sum(cells[(n, a)]), len(cells[(n, a)])) if (n, a) in cells else "–" for a in algs] for n in ns]
            lines += [f"**{panel}** (size = number of variables / vertices):", ""]
            lines += _table(["size", *algs], rows)
            lines.append("")

    lines += ["## Per instance (best over seeds)", ""]
    algs = sorted({r["algorithm"] for r in records})
    by = defaultdict(list)
    for r in records:
        by[(r["instance"], r["algorithm"])].append(r)
    rows = []
    for inst in insts:
        ref = next(r for r in records if r["instance"] == inst)
        row = [inst, _yardstick(ref)]
        for a in algs:
            rs = [r for r in by.get((inst, a), []) if r["status"] == "ok"]
            if not rs:
                st = Counter(r["status"] for r in by.get((inst, a), []))
                row.append(", ".join(st) if st else "–")
                continue
            best = min(rs, key=lambda r: r["loss"])
            s = [r["success"] for r in rs if r.get("success") is not None]
            row.append(_fmt(best["loss"], 8) + (f" ({sum(s)}/{len(s)} opt)" if s else ""))
        rows.append(row)
    lines += _table(["instance", "certified optimum (= v), lower bound (≥ v) or upper value (≤ v)", *algs], rows)
    lines.append("")
    reasons = Counter((r["algorithm"], r["skip_reason"]) for r in records if r["status"] == "skipped")
    bad = [r for r in records if r["status"] in ("error", "timeout")]
    if reasons or bad:
        lines += ["## Skipped and failed runs", ""]
        lines += [f"- `{a}` skipped on {c} run(s): {why}" for (a, why), c in sorted(reasons.items())]
        lines += [f"- `{r['algorithm']}` on {r['instance']} seed {r['seed']}: {r['status']}: {(r.get('error') or '')[:160]}" for r in bad[:20]]
        lines.append("")
    return "\n".join(lines)


def _yardstick(r):
    lb, hi = r.get("certified_lower_bound"), r.get("completeness_loss")
    if r.get("optimum_known"):
        return f"= {_fmt(lb, 8)}"
    parts = ([f"≥ {_fmt(lb, 8)}"] if lb is not None else []) + ([f"≤ {_fmt(hi, 8)}"] if hi is not None else [])
    return ", ".join(parts) or "–"


def _panel(r):
    return "hard (planted R1)" if r.get("tier") == "hard" else str(r.get("reduction"))


# ---------------------------------------------------------------- figures

def make_bench_plots(records, outdir, *, figures=BENCH_FIGURES):
    """Draw the bench figures into ``outdir``; returns the files written (PNG and PDF)."""
    from pathlib import Path

    from reluhard.errors import InvalidParameterError
    from reluhard.sweep.plots import _COLOURS, _plt, _save

    unknown = set(figures) - set(BENCH_FIGURES)
    if unknown:
        raise InvalidParameterError(f"unknown figure(s) {', '.join(sorted(unknown))}; known: {', '.join(BENCH_FIGURES)}")
    plt = _plt()
    Path(outdir).mkdir(parents=True, exist_ok=True)
    algs = sorted({r["algorithm"] for r in records})
    colour = {a: _COLOURS[i % len(_COLOURS)] for i, a in enumerate(algs)}
    ok = [r for r in records if r["status"] == "ok"]
    written = []
    for name in figures:
        if name == "success_vs_size":
            panels = sorted({_panel(r) for r in ok if r.get("success") is not None})
            if not panels:
                continue
            fig, axes = plt.subplots(1, len(panels), figsize=(5.4 * len(panels), 4.2), squeeze=False)
            for ax, panel in zip(axes[0], panels):
                for j, a in enumerate(algs):
                    pts = defaultdict(list)
                    for r in ok:
                        if r["algorithm"] == a and _panel(r) == panel and r.get("success") is not None:
                            pts[r["size"]].append(bool(r["success"]))
                    if pts:
                        xs = sorted(pts)
                        off = (j - (len(algs) - 1) / 2) * 0.012  # equal rates side by side, not hidden
                        ax.plot(xs, [sum(pts[x]) / len(pts[x]) + off for x in xs], marker=_MARKS[j % len(_MARKS)],
                                ls=("-", "--", ":", "-.")[j % 4], color=colour[a], label=f"{a} ({sum(map(len, pts.values()))} runs)")
                ax.set_xscale("log")
                ax.set_ylim(-0.06, 1.06)
                ax.set_title(panel)
                ax.set_xlabel("instance size (variables / vertices; log)")
                ax.set_ylabel("fraction of runs reaching the certified optimum")
                ax.legend(fontsize=8)
            fig.tight_layout()
        elif name == "gap_distribution":
            fig, ax = plt.subplots(figsize=(7.0, 4.4))
            data, labels = [], []
            for a in algs:
                g = [_rel(r) for r in ok if r["algorithm"] == a and _rel(r) is not None]
                if g:
                    data.append([max(v, 1e-12) for v in g])
                    labels.append(a)
            if not data:
                plt.close(fig)
                continue
            ax.boxplot(data, showfliers=True)
            ax.set_xticks(range(1, len(labels) + 1), labels)
            ax.set_yscale("log")
            ax.set_ylabel("relative gap (loss − certified bound) / max(1, bound), floored at 1e-12")
            ax.set_title("Gap to the certified optimum (YES) or lower bound (NO), per algorithm")
            ax.tick_params(axis="x", rotation=30)
            fig.tight_layout()
        else:  # time_to_target
            fig, ax = plt.subplots(figsize=(6.4, 4.4))
            drew = False
            for a in algs:
                rs = [r for r in ok if r["algorithm"] == a and r.get("success") is not None]
                if not rs:
                    continue
                ts = sorted(_time_to_target(r) for r in rs if r["success"] and _time_to_target(r) is not None)
                xs = [t for t in ts for _ in (0, 1)]
                ys = [v for i in range(len(ts)) for v in (i / len(rs), (i + 1) / len(rs))]
                budget = max(r["budget"] for r in rs)
                ax.plot([1e-3] + xs + [budget], [0.0] + ys + [len(ts) / len(rs)], color=colour[a], label=f"{a} ({len(ts)}/{len(rs)})")
                drew = True
            if not drew:
                plt.close(fig)
                continue
            ax.set_xscale("log")
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel("seconds (log)")
            ax.set_ylabel("fraction of optimum-known runs at the optimum")
            ax.set_title("Time to target (the certified optimum)")
            ax.legend(fontsize=8)
            fig.tight_layout()
        _save(fig, outdir, f"bench_{name}", "", written)
        plt.close(fig)
    return written
