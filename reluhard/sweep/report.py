"""Markdown summary of a results table: statuses, violations, gap correlation, slowest cells.

Definitions used in the report (and in :mod:`reluhard.sweep.plots`)

* **loss gap** = best fitted loss - the YES value of the reduction at the same
  shape (``yes_loss``; sat-relu: n). Fits are upper bounds on the minimum, so
  the loss gap is an upper estimate of the true minimum's gap.
* **combinatorial gap** = distance of the instance from YES (sat-relu: the
  certified min #falsified clauses u; dks-relu: C(kappa,2) - max edges;
  hypergraph: 0 if 2-colourable else 1).
* a fitter **succeeds** on a cell when its loss reaches the cell's certified
  minimum (up to the verify tolerance): the bounds meet (sat-relu, satisfiable:
  min = n) or an exact fitter proved the optimum. Cells without a certified
  minimum do not count. ``verify`` always starts the fitters also from the
  reduction's structured starts (the lift of an optimal witness and jittered
  copies, conventions §7), so success measures whether polishing those starts
  reaches the true minimum, not how random initialisation fares.
"""

import math
from collections import Counter, defaultdict

__all__ = ["make_report", "fitter_success", "certified_minimum", "correlations", "STATUSES"]

STATUSES = ("ok", "violated", "inconclusive", "error", "timeout")
TOL_REL = 1e-6


def certified_minimum(rec):
    """The cell's minimum loss where it is certified, else None.

    Certified when the bounds meet (soundness = completeness, e.g. sat-relu on
    a satisfiable formula: min = n) or an exact fitter proved its loss optimal.
    """
    lo, hi = rec.get("soundness_bound_float"), rec.get("completeness_loss_float")
    if lo is not None and hi is not None and abs(hi - lo) <= TOL_REL * max(1.0, abs(hi)):
        return hi
    proven = [f["loss"] for f in (rec.get("fits") or {}).values() if f.get("proven_optimal") and f.get("loss") is not None]
    return min(proven) if proven else None


def fitter_success(rec, method):
    """Whether ``method`` reached the certified minimum loss of the cell (None where no minimum is certified)."""
    f = (rec.get("fits") or {}).get(method)
    target = certified_minimum(rec)
    if not f or f.get("loss") is None or target is None:
        return None
    return f["loss"] <= target + TOL_REL * max(1.0, abs(target))


def correlations(records):
    """Per reduction: Pearson and Spearman correlation of loss gap with combinatorial gap.

    Returns
    -------
    dict
        reduction -> {"n": cells used, "pearson": r or None, "spearman": rho or None, "p_spearman": p or None}.
        Cells with status error/timeout or a missing gap are left out; a
        correlation is None when either gap is constant.
    """
    from scipy import stats

    by = defaultdict(list)
    for r in records:
        if r.get("status") in ("ok", "violated", "inconclusive") and r.get("loss_gap") is not None and r.get("combinatorial_gap") is not None:
            by[r["reduction"]].append((float(r["combinatorial_gap"]), float(r["loss_gap"])))
    out = {}
    for red, pts in sorted(by.items()):
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        row = {"n": len(pts), "pearson": None, "spearman": None, "p_spearman": None}
        if len(pts) >= 3 and len(set(xs)) > 1 and len(set(ys)) > 1:
            row["pearson"] = float(stats.pearsonr(xs, ys)[0])
            sp = stats.spearmanr(xs, ys)
            row["spearman"], row["p_spearman"] = float(sp[0]), float(sp[1])
        out[red] = row
    return out


def _fmt(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, float):
        if math.isnan(v):
            return "–"
        return f"{v:.{digits}g}"
    return str(v)


def _params(rec):
    p = ", ".join(f"{k}={v}" for k, v in sorted((rec.get("params") or {}).items()))
    o = ", ".join(f"{k}={v}" for k, v in sorted((rec.get("options") or {}).items()))
    return p + (f"; {o}" if o else "")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def make_report(records, *, source=None, slowest=10):
    """The Markdown report of a list of records (one per cell; see :mod:`reluhard.sweep.cell`).

    Parameters
    ----------
    records : list of dict
    source : str or None
        Name of the results file, quoted in the title.
    slowest : int
        How many of the slowest cells to list.

    Returns
    -------
    str
    """
    lines = [f"# Sweep report{f': `{source}`' if source else ''}", ""]
    n = len(records)
    reds = sorted({r["reduction"] for r in records})
    total_s = sum(r.get("seconds") or 0 for r in records)
    lines.append(f"{n} cells, reductions: {', '.join(reds) or '–'}; total cell time {total_s:.0f} s.")
    lines.append("")

    lines += ["## Status counts", ""]
    counts = {red: Counter(r["status"] for r in records if r["reduction"] == red) for red in reds}
    rows = [[red] + [counts[red].get(s, 0) for s in STATUSES] + [sum(counts[red].values())] for red in reds]
    rows.append(["**all**"] + [sum(counts[red].get(s, 0) for red in reds) for s in STATUSES] + [n])
    lines += _table(["reduction", *STATUSES, "total"], rows)
    lines.append("")

    lines += ["## Violations", ""]
    viol = [r for r in records if r["status"] == "violated"]
    if not viol:
        lines.append("None: on every cell, every certified bound held (soundness <= every fitted loss, lift = completeness, decoder guarantee, dual bounds).")
    else:
        lines.append(f"**{len(viol)} cell(s) violate a certified claim** — reproduce each with `reluhard verify` on the generated instance:")
        lines.append("")
        rows = [[r["cell_id"], r["reduction"], _params(r), r["seed"], ", ".join(k for k, v in r["checks"].items() if not v),
                 _fmt(r.get("best_loss"), 8), _fmt(r.get("soundness_bound_float"), 8)] for r in viol]
        lines += _table(["cell", "reduction", "parameters", "seed", "failed checks", "best loss", "soundness bound"], rows)
    lines.append("")

    bad = [r for r in records if r["status"] in ("error", "timeout")]
    if bad:
        lines += ["## Errors and timeouts", ""]
        rows = [[r["cell_id"], r["reduction"], _params(r), r["seed"], r["status"], (r.get("error") or "")[:120]] for r in bad[:20]]
        lines += _table(["cell", "reduction", "parameters", "seed", "status", "message"], rows)
        if len(bad) > 20:
            lines.append(f"... and {len(bad) - 20} more.")
        lines.append("")
    inc = Counter(reason for r in records if r["status"] == "inconclusive" for reason in r.get("inconclusive_because") or [])
    skipped = Counter(m for r in records for m in (r.get("methods_skipped") or {}))
    if inc or skipped:
        lines += ["## Coverage of the exact methods", ""]
        for m, c in sorted(skipped.items()):
            lines.append(f"- `{m}` skipped on {c} cell(s) where it is not expected to finish (exact policy `finishes`, conventions §11).")
        for reason, c in inc.most_common():
            lines.append(f"- inconclusive on {c} cell(s): {reason}")
        lines.append("")

    lines += ["## Loss gap vs combinatorial gap", ""]
    lines.append("Loss gap = best fitted loss − the reduction's YES value (sat-relu: n); combinatorial gap = the "
                 "certified distance from YES (sat-relu: min #falsified clauses u).")
    lines.append("")
    corr = correlations(records)
    rows = [[red, c["n"], _fmt(c["pearson"]), _fmt(c["spearman"]), _fmt(c["p_spearman"], 2)] for red, c in corr.items()]
    lines += _table(["reduction", "cells", "Pearson r", "Spearman ρ", "p (Spearman)"], rows)
    lines.append("")

    lines += ["## Per grid point", ""]
    methods = sorted({m for r in records for m in (r.get("fits") or {})})
    groups = defaultdict(list)
    for r in records:
        groups[(r["reduction"], _params(r))].append(r)
    rows = []
    for (red, par), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], sorted(kv[1][0]["params"].items()))):
        gaps = [r["combinatorial_gap"] for r in rs if r.get("combinatorial_gap") is not None]
        lg = [r["loss_gap"] for r in rs if r.get("loss_gap") is not None]
        row = [red, par, len(rs), _fmt(sum(g == 0 for g in gaps) / len(gaps) if gaps else None),
               _fmt(sum(gaps) / len(gaps) if gaps else None), _fmt(sum(lg) / len(lg) if lg else None)]
        for m in methods:
            succ = [s for s in (fitter_success(r, m) for r in rs) if s is not None]
            row.append(f"{sum(succ)}/{len(succ)}" if succ else "–")
        rows.append(row)
    lines += _table(["reduction", "parameters", "cells", "YES fraction", "mean comb. gap", "mean loss gap",
                     *[f"{m} success" for m in methods]], rows)
    lines.append("")
    lines.append("A fitter succeeds on a cell when its loss reaches the certified minimum (bounds meet, or an exact "
                 "fitter proved the optimum); cells without a certified minimum are not counted. Fitters also start "
                 "from the reduction's structured starts (lift of an optimal witness).")
    lines.append("")

    lines += [f"## Slowest cells (top {slowest})", ""]
    top = sorted(records, key=lambda r: -(r.get("seconds") or 0))[:slowest]
    rows = [[r["cell_id"], r["reduction"], _params(r), r["seed"], r["status"], _fmt(r.get("seconds"), 3),
             ", ".join(f"{m} {_fmt(f.get('seconds'), 2)} s" for m, f in (r.get("fits") or {}).items())] for r in top]
    lines += _table(["cell", "reduction", "parameters", "seed", "status", "seconds", "per fitter"], rows)
    lines.append("")
    return "\n".join(lines)
