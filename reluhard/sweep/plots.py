"""Figures of a results table (matplotlib, Agg backend; PNG and PDF).

* ``loss_vs_optimum``: best fitted loss against the combinatorial optimum, one
  panel per size, with each cell's **certified interval** [soundness bound,
  completeness loss] drawn as a band; a point outside its band is a violation.
* ``gap_vs_gap``: loss gap against combinatorial gap (definitions in
  :mod:`reluhard.sweep.report`), with the rank correlation.
* ``success_vs_ratio``: per fitter, the fraction of cells (with a certified
  minimum) where it reached that minimum, against the clause ratio, with the
  fraction of YES instances (the phase transition) for reference.
* ``time_vs_size``: seconds per fitter and per cell against the number of
  training points (log scale); an x on the top edge (and a dotted line) marks
  each size where an exact fitter was skipped under the 'finishes' policy.

One file per figure and reduction: ``<figure>[-<reduction>].{png,pdf}``
(the suffix only when the table holds several reductions).
"""

from collections import defaultdict
from pathlib import Path

from .report import correlations, fitter_success

__all__ = ["make_plots", "FIGURES", "skipped_sizes"]

FIGURES = ("loss_vs_optimum", "gap_vs_gap", "success_vs_ratio", "time_vs_size")

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
_MARKERS = {"exact": "D", "gd": "o", "orthant": "s", "miqp": "^", "smt": "v"}


def _plt():
    from reluhard.solvers.base import require

    mpl = require("matplotlib", "matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 110})
    return plt


def _size_key(rec):
    p = rec.get("params") or {}
    return p.get("n", rec.get("n_features"))


def _x_param(records):
    """The grid parameter to put on a 'ratio' axis: ratio, else p, else density, else m."""
    for name in ("ratio", "p", "density", "m", "B"):
        vals = {(r.get("params") or {}).get(name) for r in records}
        vals.discard(None)
        if len(vals) > 1:
            return name
    return None


def _save(fig, outdir, name, suffix, written):
    for ext in ("png", "pdf"):
        path = Path(outdir) / f"{name}{suffix}.{ext}"
        meta = {"CreationDate": None} if ext == "pdf" else {}
        fig.savefig(path, dpi=150 if ext == "png" else None, bbox_inches="tight", metadata=meta)
        written.append(str(path))


def _loss_vs_optimum(plt, recs, red):
    sizes = sorted({_size_key(r) for r in recs}, key=lambda v: (v is None, v))
    fig, axes = plt.subplots(1, len(sizes), figsize=(5.2 * len(sizes), 4.4), squeeze=False)
    for ax, size in zip(axes[0], sizes):
        rs = [r for r in recs if _size_key(r) == size and r.get("combinatorial_optimum") is not None]
        by_u = defaultdict(list)
        for r in rs:
            by_u[r["combinatorial_optimum"]].append(r)
        first = True
        for u, group in sorted(by_u.items()):
            k = len(group)
            for j, r in enumerate(sorted(group, key=lambda r: r.get("best_loss") or 0)):
                x = u + (j - (k - 1) / 2) * min(0.5 / max(k, 1), 0.08)
                lo, hi = r.get("soundness_bound_float"), r.get("completeness_loss_float")
                if lo is not None and hi is not None:
                    ax.plot([x, x], [lo, hi], color="#2ca02c", alpha=0.35, lw=5, solid_capstyle="butt",
                            label="certified interval [soundness, completeness]\n(zero width where min is certified)" if first else None)
                elif hi is not None:
                    ax.plot([x], [hi], marker="_", color="#2ca02c", ms=12, label="completeness loss" if first else None)
                if r.get("best_loss") is not None:
                    bad = r["status"] == "violated"
                    ax.plot([x], [r["best_loss"]], marker="x" if bad else "o", ms=4.5, color="#d62728" if bad else "#1f77b4",
                            ls="none", label=("best fitted loss" if first else None))
                first = False
        yes = [r.get("yes_loss") for r in rs if r.get("yes_loss") is not None]
        if yes and len(set(yes)) == 1:
            ax.axhline(yes[0], color="grey", ls="--", lw=1, label=f"YES value = {yes[0]:g}")
        ax.set_title(f"{red}, n = {size} ({len(rs)} cells)")
        ax.set_xlabel(f"combinatorial optimum ({rs[0]['combinatorial_problem'] if rs else ''}; sat-relu: min #falsified u)")
        ax.set_ylabel("total weighted square loss")
        if by_u:
            ax.set_xticks(sorted(by_u))
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("Best fitted loss vs combinatorial optimum, inside the certified band", y=1.02)
    fig.tight_layout()
    return fig


def _lift_gap_is_gap(recs):
    """True when every record's certified completeness minus its YES value equals its combinatorial gap
    (the lift of an optimal witness sits on the diagonal, e.g. sat-relu: n + u - n = u)."""
    rs = [r for r in recs if r.get("completeness_loss_float") is not None and r.get("yes_loss") is not None
          and r.get("combinatorial_gap") is not None]
    return bool(rs) and all(abs(r["completeness_loss_float"] - r["yes_loss"] - r["combinatorial_gap"]) <= 1e-9 for r in rs)


def _gap_vs_gap(plt, recs, red):
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    sizes = sorted({_size_key(r) for r in recs}, key=lambda v: (v is None, v))
    for i, size in enumerate(sizes):
        rs = [r for r in recs if _size_key(r) == size and r.get("loss_gap") is not None and r.get("combinatorial_gap") is not None]
        if not rs:
            continue
        xs = [r["combinatorial_gap"] + (int(r["cell_id"][:6], 16) % 1000 / 1000 - 0.5) * 0.25 for r in rs]
        ax.scatter(xs, [r["loss_gap"] for r in rs], s=16, alpha=0.7, color=_COLOURS[i % len(_COLOURS)], label=f"n = {size}")
    gmax = max((r["combinatorial_gap"] for r in recs if r.get("combinatorial_gap") is not None), default=0)
    if gmax > 0 and _lift_gap_is_gap(recs):
        ax.plot([0, gmax], [0, gmax], color="grey", ls="--", lw=1, label="loss gap = combinatorial gap (lift of an optimal witness)")
    c = correlations(recs).get(red)
    if c and c["spearman"] is not None:
        ax.text(0.98, 0.04, f"Spearman ρ = {c['spearman']:.2f}\nPearson r = {c['pearson']:.2f}\n{c['n']} cells",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=9, bbox={"fc": "white", "ec": "0.8"})
    ax.set_xlabel("combinatorial gap (sat-relu: min #falsified clauses u; jittered)")
    ax.set_ylabel("loss gap = best loss − YES value")
    ax.set_title(f"{red}: loss gap tracks the combinatorial gap")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def _success_vs_ratio(plt, recs, red, xname):
    fig, ax = plt.subplots(figsize=(6.6, 4.6))
    methods = sorted({m for r in recs for m in (r.get("fits") or {})})
    sizes = sorted({_size_key(r) for r in recs}, key=lambda v: (v is None, v))
    styles = ["-", "--", ":", "-."]
    for i, size in enumerate(sizes):
        rs = [r for r in recs if _size_key(r) == size]
        xs = sorted({r["params"][xname] for r in rs if xname in r["params"]})
        yes = []
        for x in xs:
            g = [r["combinatorial_gap"] for r in rs if r["params"].get(xname) == x and r.get("combinatorial_gap") is not None]
            yes.append(sum(v == 0 for v in g) / len(g) if g else float("nan"))
        ax.plot(xs, yes, color="grey", ls=styles[i % 4], lw=2.5, alpha=0.6, label=f"YES fraction, n = {size}")
        for j, m in enumerate(methods):
            ys = []
            for x in xs:
                s = [v for v in (fitter_success(r, m) for r in rs if r["params"].get(xname) == x) if v is not None]
                ys.append(sum(s) / len(s) if s else float("nan"))
            if any(y == y for y in ys):
                # sizes side by side (a small x offset), so equal rates do not hide each other
                shift = (i - (len(sizes) - 1) / 2) * 0.03 * (max(xs) - min(xs) if len(xs) > 1 else 1)
                ax.plot([x + shift for x in xs], ys, color=_COLOURS[j % len(_COLOURS)], ls=styles[i % 4],
                        marker=_MARKERS.get(m, "o"), ms=5, mfc=_COLOURS[j % len(_COLOURS)] if i == 0 else "white",
                        label=f"{m} success, n = {size}")
    ax.set_ylim(-0.04, 1.04)

    ax.set_xlabel({"ratio": "clause ratio m/n", "p": "edge probability p"}.get(xname, xname)
                  + "\n(success: loss = certified minimum, counted where one is certified;"
                  " fitters also start from the lift of an optimal witness)", fontsize=9)
    ax.set_ylabel("fraction of cells")
    ax.set_title(f"{red}: fitter reaches the certified minimum, vs {xname}")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def skipped_sizes(recs):
    """{method: sorted training-set sizes of the cells where it was skipped} (the exact-method policy)."""
    out = defaultdict(set)
    for r in recs:
        for m in (r.get("methods_skipped") or {}):
            if r.get("n_samples"):
                out[m].add(r["n_samples"])
    return {m: sorted(v) for m, v in out.items()}


def _time_vs_size(plt, recs, red):
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    methods = sorted({m for r in recs for m in (r.get("fits") or {})})
    series = [("whole cell", lambda r: r.get("seconds"), "#7f7f7f", "s")]
    series += [(m, (lambda r, m=m: ((r.get("fits") or {}).get(m) or {}).get("seconds")), _COLOURS[j % len(_COLOURS)], _MARKERS.get(m, "o"))
               for j, m in enumerate(methods)]
    for label, get, colour, marker in series:
        pts = [(r["n_samples"], get(r)) for r in recs if r.get("n_samples") and get(r)]
        if not pts:
            continue
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=14, alpha=0.45, color=colour, marker=marker, label=label)
        med = defaultdict(list)
        for x, y in pts:
            med[x].append(y)
        xs = sorted(med)
        ax.plot(xs, [sorted(med[x])[len(med[x]) // 2] for x in xs], color=colour, lw=1.2)
    ax.set_yscale("log")
    skipped = skipped_sizes(recs)
    for j, (m, sizes) in enumerate(sorted(skipped.items())):
        ax.scatter(sizes, [1.0] * len(sizes), transform=ax.get_xaxis_transform(), marker="x", color="black",
                   s=30, clip_on=False, zorder=5, label=f"{m} skipped (policy 'finishes')" if j == 0 else None)
        for x in sizes:
            ax.axvline(x, color="black", lw=0.4, ls=":", alpha=0.5)
    ax.set_xlabel("training points (1 + 2n + m for sat-relu)")
    ax.set_ylabel("seconds (log scale; lines: medians)")
    note = "; x on top: sizes where " + ", ".join(sorted(skipped)) + " did not run" if skipped else ""
    ax.set_title(f"{red}: time vs size{note}", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def make_plots(records, outdir, *, figures=FIGURES):
    """Draw the figures of ``records`` into ``outdir`` (created if missing).

    Returns
    -------
    list of str
        The files written (PNG and PDF of each figure).
    """
    from reluhard.errors import InvalidParameterError

    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise InvalidParameterError(f"unknown figure(s) {', '.join(sorted(unknown))}; known: {', '.join(FIGURES)}")
    plt = _plt()
    Path(outdir).mkdir(parents=True, exist_ok=True)
    written = []
    reds = sorted({r["reduction"] for r in records})
    for red in reds:
        recs = [r for r in records if r["reduction"] == red]
        suffix = f"-{red}" if len(reds) > 1 else ""
        for name in figures:
            if name == "success_vs_ratio":
                xname = _x_param(recs)
                if xname is None:
                    continue
                fig = _success_vs_ratio(plt, recs, red, xname)
            else:
                fig = {"loss_vs_optimum": _loss_vs_optimum, "gap_vs_gap": _gap_vs_gap, "time_vs_size": _time_vs_size}[name](plt, recs, red)
            _save(fig, outdir, name, suffix, written)
            plt.close(fig)
    return written
