"""Step-by-step explanations of a reduction on a small instance (for teaching).

:func:`explain` returns a list of sections ``(title, text)``;
:func:`format_explanation` joins them. Every number printed is computed from
the instance by the library (the forward map, the oracle, exact losses), never
written by hand:

* a reduction may declare a dedicated walk-through (``Reduction.explain``,
  ``"module:function"``); sat-relu declares :func:`explain_sat_relu`: the
  three gadgets, the training points as a table, the intended network of an
  optimal assignment with every point's exact contribution, what a falsified
  clause costs, the certified bounds and the decoder at work on a fit from
  random starts;
* every other registered reduction gets the generic walk-through
  (:func:`explain_generic`), driven only by the Reduction API (forward, lift,
  decode, bounds, value, oracle), so a newly registered reduction is explained
  without any change here.

:func:`parse_formula` reads formulas such as ``"(x1 | ~x2 | x3) & (~x1 | x2 | x3)"``;
:func:`plot_landscape` draws the loss over two weights of the intended network.
"""

import re
from fractions import Fraction

import numpy as np

from reluhard.data import Network, exact_loss, float_loss, frac_str
from reluhard.errors import InstanceFormatError, InvalidParameterError

__all__ = ["parse_formula", "explain", "explain_sat_relu", "explain_generic", "format_explanation", "plot_landscape"]

_OR = re.compile(r"\s*(?:\||∨|\bv\b|\bor\b|\+)\s*", re.IGNORECASE)
_AND = re.compile(r"\s*(?:&|∧|\band\b|\*)\s*", re.IGNORECASE)
_LIT = re.compile(r"^(~|!|¬|-)?\s*x?(\d+)$", re.IGNORECASE)


def parse_formula(text):
    """A CNF from ``"(x1 | ~x2 | x3) & (~x1 | x2 | x3)"``.

    Literals are ``x3``, ``~x3`` (also ``!x3``, ``¬x3``, ``-x3``, or bare
    ``3`` / ``-3``); disjunction ``|``, ``∨``, ``or``; conjunction ``&``, ``∧``,
    ``and``. Variables are 1-based as in DIMACS; n is the largest index.

    Returns
    -------
    pysat.formula.CNF

    Raises
    ------
    InstanceFormatError
        Unbalanced parentheses, an empty clause, or a token that is not a literal.

    Examples
    --------
    >>> parse_formula("(x1 | ~x2 | x3) & (~x1 | x2 | x3)").clauses
    [[1, -2, 3], [-1, 2, 3]]
    """
    from pysat.formula import CNF

    s = text.strip()
    if not s:
        raise InstanceFormatError("empty formula")
    if s.count("(") != s.count(")"):
        raise InstanceFormatError(f"unbalanced parentheses in {text!r}")
    clauses = []
    for j, part in enumerate(_AND.split(s), 1):
        body = part.strip()
        if body.startswith("(") and body.endswith(")"):
            body = body[1:-1]
        if "(" in body or ")" in body:
            raise InstanceFormatError(f"clause {j}: nested or misplaced parentheses in {part.strip()!r}")
        clause = []
        for tok in _OR.split(body):
            tok = tok.strip()
            if not tok:
                raise InstanceFormatError(f"clause {j}: empty literal in {part.strip()!r}")
            m = _LIT.match(tok)
            if m is None or int(m.group(2)) == 0:
                raise InstanceFormatError(f"clause {j}: {tok!r} is not a literal like x3 or ~x3")
            if len(m.group(2)) > 5 or int(m.group(2)) > 10**4:  # explain is for small formulas
                raise InstanceFormatError(f"clause {j}: variable index {m.group(2)[:24]} above the explain limit of 10000")
            v = int(m.group(2))
            clause.append(-v if m.group(1) else v)
        clauses.append(clause)
    cnf = CNF(from_clauses=clauses)
    cnf.nv = max(abs(lit) for c in clauses for lit in c)
    return cnf


# ---------------------------------------------------------------- helpers

def _lit(l):
    return f"x{l}" if l > 0 else f"¬x{-l}"


def _clause(c):
    return "(" + " ∨ ".join(_lit(l) for l in c) + ")"


def _assignment(alpha):
    return " ".join(f"x{abs(a)}={'T' if a > 0 else 'F'}" for a in alpha)


def _num(v):
    if isinstance(v, Fraction):
        return frac_str(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    return f"{f:.4g}" if f != int(f) else str(int(f))


def _table(header, rows, align=None):
    cols = list(zip(*([header] + rows))) if rows else [[h] for h in header]
    widths = [max(len(str(x)) for x in col) for col in cols]
    align = align or ["<"] + [">"] * (len(header) - 1)
    def fmt(row):
        return "  ".join(f"{str(x):{a}{w}}" for x, a, w in zip(row, align, widths)).rstrip()
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def _dense_row(ts, i):
    return ts.X.getrow(i).toarray().ravel()


def _contributions(ts, net):
    """Per point: w.x, relu, label, weight, exact c (f - y)^2 (single ReLU, exact weights)."""
    W = [Fraction(v) for v in net.weights[0]]
    a = Fraction(net.output_weights[0])
    out = []
    for i in range(ts.n_samples):
        x = _dense_row(ts, i)
        z = sum((Fraction(int(xv)) * w for xv, w in zip(x, W) if xv), Fraction(0))
        f = a * max(z, Fraction(0))
        c = ts.weight(i)
        out.append((z, max(z, Fraction(0)), int(ts.y[i]), c, c * (f - int(ts.y[i])) ** 2))
    return out


def _gd_from_random(ts, seed, restarts=5):
    from reluhard.solvers.fit import fit_gd

    return fit_gd(ts, k=1, restarts=restarts, seed=seed, starts=())


# ---------------------------------------------------------------- sat-relu

def explain_sat_relu(cnf, *, options=None, seed=0, max_rows=60):
    """The sat-relu walk-through on one 3-CNF (sections as ``(title, text)``).

    Parameters
    ----------
    cnf : pysat.formula.CNF
        Every clause with exactly 3 distinct variables.
    options : dict
        sat-relu options (``variant``, ``T2``, ``min_unsat``).
    seed : int
        Seed of the random-start fit shown in the decoder section.
    max_rows : int
        Largest number of training points printed in full.
    """
    from reluhard.reductions.sat_to_relu import REDUCTION as red
    from reluhard.solvers.sat import min_unsat

    img = red.apply(cnf, **(options or {}))
    ts, p = img.target, img.params
    n, m, T2 = p["n"], p["m"], p["T2"]
    clauses = [list(c) for c in cnf.clauses]
    sec = []

    lines = [f"n = {n} variables, m = {m} clauses:"]
    lines += [f"  C{j} = {_clause(c)}" for j, c in enumerate(clauses, 1)]
    lines.append(f"options: variant = {p['variant']}, T^2 = {frac_str(T2)}" + (" (default: m)" if (options or {}).get("T2") is None else ""))
    lines.append("claim: min training loss = n iff the formula is satisfiable; every falsified clause of the best "
                 "assignment raises the minimum (sat-relu soundness bound).")
    sec.append(("The formula", "\n".join(lines)))

    sec.append(("Step 1. The gadgets", "\n".join([
        f"One ReLU f(x) = relu(w . x) on {n + 1} inputs: column x0 is the anchor (its weight w0 acts as a bias), column xi is variable i.",
        f"  anchor gadget    e0,         label 1, weight T^2 = {frac_str(T2)}: pulls w0 towards 1.",
        "  variable gadget  +ei and -ei, label 1, weight 1 each: (relu(wi) - 1)^2 + (relu(-wi) - 1)^2 >= 1, with",
        "                   equality exactly at wi = +1 or wi = -1, so a cheap network picks a sign per variable.",
        "  clause gadget    zC = -(s1 e_i1 + s2 e_i2 + s3 e_i3) - 2 e0 for C = (l1 ∨ l2 ∨ l3), label 0, weight 1,",
        "                   where s = +1 for a positive literal and -1 for a negated one. At w0 = 1, wi = ±1:",
        "                   zC . w = -(number of true literals) + (number of false literals) - 2,",
        "                   which is 3 - 2 = 1 > 0 only when all three literals are false.",
    ])))

    names = ["anchor e0"] + [f"{'+' if j == 0 else '-'}e{i}" for i in range(1, n + 1) for j in (0, 1)] + [f"clause C{j}" for j in range(1, m + 1)]
    header = ["#", "gadget"] + [f"x{j}" for j in range(n + 1)] + ["y", "c"]
    rows = []
    for i in range(min(ts.n_samples, max_rows)):
        x = _dense_row(ts, i)
        rows.append([i, names[i]] + [int(v) for v in x] + [int(ts.y[i]), frac_str(ts.weight(i))])
    text = _table(header, rows, [">", "<"] + [">"] * (n + 3))
    if ts.n_samples > max_rows:
        text += f"\n... {ts.n_samples - max_rows} more rows"
    sec.append((f"Step 2. The training set ({ts.n_samples} points = 1 + 2n + m, {ts.n_features} features)", text))

    u, alpha = min_unsat(cnf)
    net = img.lift(alpha)
    contrib = _contributions(ts, net)
    L = exact_loss(ts, net)
    w = [int(v) for v in net.weights[0]]
    lines = [
        ("the formula is satisfiable: " if u == 0 else f"the formula is NOT satisfiable; the best assignment falsifies u = {u} clause(s): ")
        + _assignment(alpha) + "  (RC2 / MaxSAT)",
        "lift: w0 = 1, wi = +1 if xi is true, -1 if false:",
        "  w = (" + ", ".join(str(v) for v in w) + ")",
        "",
    ]
    rows = [[i, names[i], _num(z), _num(r), y, frac_str(c), frac_str(e)] for i, (z, r, y, c, e) in enumerate(contrib) if i < max_rows]
    lines.append(_table(["#", "gadget", "w.x", "f = relu", "y", "c", "c (f - y)^2"], rows, [">", "<", ">", ">", ">", ">", ">"]))
    lines.append("")
    lines.append(f"total loss L(w) = {frac_str(L)} (exact) = n + #falsified = {n} + {u}: each variable gadget pair costs 1,"
                 " the anchor and the satisfied clauses cost 0.")
    sec.append(("Step 3. The intended network", "\n".join(lines)))

    # a falsified clause: flip the optimal assignment so that clause 1 is false
    C1 = clauses[0]
    beta = list(alpha)
    for l in C1:
        beta[abs(l) - 1] = -abs(l) if l > 0 else abs(l)
    net_b = img.lift(beta)
    L_b = exact_loss(ts, net_b)
    k_b = img.value(beta)
    z1 = _contributions(ts, net_b)[1 + 2 * n][0]
    b = img.bounds(min_unsat=u)
    lines = [
        f"make C1 = {_clause(C1)} false: " + _assignment(beta) + f"  (falsifies {k_b} clause(s) in total)",
        f"  its clause point: zC1 . w = {_num(z1)}, so f = relu({_num(z1)}) = {_num(max(z1, 0))} where the label is 0: cost {_num(max(z1, 0) ** 2)}.",
        f"  L(lift) = {frac_str(L_b)} = n + {k_b} (exact). In general L(lift of α) = n + #clauses α falsifies.",
        "",
        "Networks need not be lifts: a fit can shade weights off ±1 to trade one clause's cost against the gadgets.",
        "What the theorem guarantees for every w (docs/reductions/sat-relu.md):",
        "  satisfiable   => min L = n",
        "  u falsified   => min L >= n + u / (1 + 3 min(B, u) + 4u/T^2),  B = max occurrences of a variable"
        f" (here B = {p['B']}, T^2 = {frac_str(T2)}).",
        f"For this formula: {b.statement}",
        f"  completeness (lift of an optimal assignment) = {frac_str(b.completeness)}",
        f"  soundness bound                              = {frac_str(b.soundness)}  (= {float(b.soundness):.6g})",
    ]
    sec.append(("Step 4. What a falsified clause costs", "\n".join(lines)))

    fit = _gd_from_random(ts, seed)
    wf = fit.network.weights[0]
    dec = img.decode(fit.network)
    k_dec = img.value(dec)
    g = img.guarantee(fit.network, fit.loss, min_unsat=u)
    lines = [
        "decode(w): xi = true iff wi > 0 (ties false); the anchor weight is ignored.",
        f"a gradient fit from {fit.extra.get('restarts_run', '?')} random starts (seed {seed}, no structured starts):",
        "  w = (" + ", ".join(f"{v:.4f}" for v in wf) + f"),  L(w) = {fit.loss:.6f}",
        f"  decoded: {_assignment(dec)}  -> falsifies {k_dec} clause(s)",
        f"  decoder guarantee: |F| / (1 + 3 B_F + 4|F|/T^2) <= L(w) - n  — {g.statement if g else 'n/a'}"
        + ("" if g is None else f"  [{'holds' if g.holds else 'VIOLATED'}]"),
        "so a network whose loss is close to n decodes to an assignment falsifying few clauses:",
        "a good ReLU trainer would be a good MaxSAT solver, which is why training is NP-hard.",
    ]
    sec.append(("Step 5. The decoder", "\n".join(lines)))
    return sec


# ---------------------------------------------------------------- generic

def _source_summary(inst, kind):
    if kind == "cnf":
        return f"3-CNF with n = {int(inst.nv)} variables, m = {len(inst.clauses)} clauses: " + " ∧ ".join(_clause(c) for c in inst.clauses[:12]) + (" ∧ ..." if len(inst.clauses) > 12 else "")
    if kind == "graph":
        return f"graph with {inst.number_of_nodes()} vertices, {inst.number_of_edges()} edges: " + ", ".join(f"{u}-{v}" for u, v in list(inst.edges())[:20]) + (" ..." if inst.number_of_edges() > 20 else "")
    n = getattr(inst, "n_vertices", None)
    edges = getattr(inst, "edges", None)
    try:
        return f"hypergraph with {n} vertices, {len(edges)} edges: " + ", ".join("{" + ",".join(map(str, e)) + "}" for e in list(edges)[:12])
    except TypeError:
        return repr(inst)[:200]


def _perturb(kind, witness, inst):
    """A nearby worse witness: flip a variable / swap a vertex / recolour a vertex (None if none applies)."""
    if witness is None:
        return None
    if kind == "cnf":
        w = list(witness)
        if not inst.clauses:
            return None
        for l in inst.clauses[0]:
            w[abs(l) - 1] = -abs(l) if l > 0 else abs(l)
        return w
    if kind == "graph":
        S = list(witness)
        outside = [v for v in inst.nodes() if v not in set(S)]
        if not S or not outside:
            return None
        return S[:-1] + [min(outside)]
    w = list(witness)
    if w:
        w[0] = 1 - w[0]
    return w


def _described(step, p):
    """``name -> text`` of one step's parameters: the step's ``describe`` hook, or every public scalar entry."""
    if getattr(step, "describe", None) is not None:
        return step.describe(p)
    return {k: frac_str(v) if isinstance(v, Fraction) else str(v) for k, v in p.items()
            if not k.startswith("_") and not isinstance(v, (np.ndarray, list, dict))}


def explain_generic(red, inst, *, options=None, seed=0, max_rows=40):
    """The walk-through of any registered reduction, from its API alone (sections as ``(title, text)``)."""
    from reluhard.pipeline import certify

    kind = red.source_kind
    cz = certify(red, inst, options=options, time_limit=60)
    comb, img = cz.comb, cz.image
    ts = img.target
    sec = []
    steps = [s.name for s in red.steps]
    lines = [f"{red.name}: {getattr(red, 'summary', '')}", f"source: {_source_summary(inst, kind)}"]
    if len(steps) > 1:
        lines.append("chain: " + " -> ".join(steps) + "  (forward and lift left to right, decode right to left)")
        for s in red.steps:
            lines.append(f"  {s.name}: {s.summary}")
    for step, _, p in img.stages:
        head = "parameters" if len(img.stages) == 1 else f"parameters of {step.name}"
        lines.append(f"{head}: " + ", ".join(f"{k} = {v}" for k, v in _described(step, p).items()))
    sec.append(("The reduction", "\n".join(lines)))

    if red.target_kind != "relu":
        return sec + _explain_intermediate(img, comb, inst)
    rows = []
    for i in range(min(ts.n_samples, max_rows)):
        r = ts.X.getrow(i)
        entries = ", ".join(f"x{j}={int(v)}" for j, v in zip(r.indices, r.data))
        rows.append([i, entries, int(ts.y[i]), frac_str(ts.weight(i))])
    text = f"layout: {ts.meta.get('layout', 'see the reduction docstring')}\n" + _table(["#", "non-zero features", "y", "c"], rows, [">", "<", ">", ">"])
    if ts.n_samples > max_rows:
        text += f"\n... {ts.n_samples - max_rows} more rows"
    sec.append((f"Step 1. The training set ({ts.n_samples} points, {ts.n_features} features, {ts.X.nnz} non-zeros)", text))

    b = cz.bounds
    lines = [f"{comb.problem}: optimum = {comb.value} ({'proven' if comb.proven else comb.status}); witness = {comb.witness}",
             f"claim: {b.statement}",
             f"completeness loss = {'-' if b.completeness is None else frac_str(b.completeness)}",
             f"soundness bound   = {'-' if b.soundness is None else frac_str(b.soundness)}"]
    if b.realizable is not None:
        lines.append(f"realizable (loss 0 attainable) = {b.realizable}")
    sec.append(("Step 2. The combinatorial side and the certified bounds", "\n".join(lines)))

    if comb.witness is not None:
        net = img.lift(comb.witness)
        L = exact_loss(ts, net)
        lines = ["lift of the optimal witness:"]
        for j, row in enumerate(net.weights[:4]):
            shown = ", ".join(_num(v) for v in row[:16]) + (", ..." if len(row) > 16 else "")
            lines.append(f"  ReLU {j + 1}: a = {_num(net.output_weights[j])}, w = ({shown})")
        if net.k > 4:
            lines.append(f"  ... {net.k - 4} more ReLUs")
        lines.append(f"exact loss L = {frac_str(L)}" + ("" if b.completeness is None else f"  (completeness {frac_str(b.completeness)}: {'equal' if L == b.completeness else 'DIFFERENT'})"))
        worse = _perturb(kind, comb.witness, inst)
        if worse is not None:
            try:
                Lw = exact_loss(ts, img.lift(worse))
                try:
                    val = img.value(worse)
                except NotImplementedError:
                    val = "n/a"
                lines.append(f"a perturbed witness {worse}: combinatorial value {val}, lift loss {frac_str(Lw)}")
            except (InvalidParameterError, ValueError, IndexError, KeyError):
                pass
        sec.append(("Step 3. The intended network", "\n".join(lines)))
        dec = img.decode(net)
        try:
            val = img.value(dec)
        except NotImplementedError:
            val = "n/a"
        sec.append(("Step 4. The decoder", f"decode(lift(witness)) = {dec}  (value {val})\n"
                    "decode maps ANY network back to a source witness; the reduction's guarantee bounds its value by the loss."))
    return sec


def _explain_intermediate(img, comb, inst):
    """Sections for a step whose target is another combinatorial instance (sat-nae, sat-clique, ...)."""
    tgt = img.target
    kind = img.reduction.target_kind
    try:
        if kind in ("cnf", "graph", "hypergraph"):
            summary = _source_summary(tgt, kind)
        elif getattr(tgt, "clauses", None) is not None:
            summary = f"{repr(tgt)[:200]}: " + " ∧ ".join("NAE" + _clause(c) if kind == "nae" else _clause(c) for c in list(tgt.clauses)[:12])
        else:
            summary = repr(tgt)[:400]
    except (AttributeError, TypeError):
        summary = repr(tgt)[:400]
    sec = [(f"Step 1. The target instance ({kind})", summary)]
    lines = [f"{comb.problem}: optimum = {comb.value} ({'proven' if comb.proven else comb.status}); witness = {comb.witness}"]
    if comb.witness is not None:
        lifted = img.lift(comb.witness)
        lines.append(f"lift (completeness direction): {comb.witness} -> {lifted}")
        back = img.decode(lifted)
        lines.append(f"decode (soundness direction): {lifted} -> {back}")
        try:
            lines.append(f"value of the decoded witness: {img.value(back)} (optimum {comb.value})")
        except NotImplementedError:
            pass
    sec.append(("Step 2. Witnesses both ways", "\n".join(lines)))
    return sec


# ---------------------------------------------------------------- entry points

def explain(reduction, instance, *, options=None, seed=0, max_rows=None):
    """Sections ``(title, text)`` explaining ``reduction`` on ``instance``.

    Parameters
    ----------
    reduction : str
        Any registered reduction name, or a Reduction / Chain (a reduction
        declaring ``explain`` gets its dedicated walk-through).
    instance : source instance (CNF, graph, hypergraph)
    options : dict
        Reduction options (validated by the reduction).
    seed : int
        Seed of any fit shown.
    max_rows : int or None
        Rows of the training-point tables (default 60 for a dedicated walk-through, 40 otherwise).
    """
    from reluhard.reductions import get_reduction

    red = get_reduction(reduction) if isinstance(reduction, str) else reduction
    hook = getattr(red, "explain", None)
    if hook:
        import importlib

        module, _, attr = hook.partition(":")
        walk = getattr(importlib.import_module(module), attr)
        return walk(instance, options=options, seed=seed, max_rows=max_rows or 60)
    return explain_generic(red, instance, options=options, seed=seed, max_rows=max_rows or 40)


def format_explanation(sections, title=None):
    """Plain text: each section under an underlined title."""
    out = []
    if title:
        out += [title, "=" * len(title), ""]
    for head, text in sections:
        out += [head, "-" * len(head), text, ""]
    return "\n".join(out).rstrip() + "\n"


def landscape_title(name, weights, cols, *, shown=6):
    """The landscape plot's title: which weights vary and at what values the others are fixed."""
    fixed = [(j, float(weights[j])) for j in range(len(weights)) if j not in cols]
    parts = [f"w{j} = {v:.4g}" for j, v in fixed[:shown]]
    if len(fixed) > shown:
        parts.append(f"... ({len(fixed) - shown} more)")
    return (f"{name}: loss over w{cols[0]}, w{cols[1]} around the intended network\n"
            f"fixed at the lift of an optimal witness: {', '.join(parts) or 'none'}")


def plot_landscape(reduction, instance, path, *, options=None, columns=None, span=2.0, resolution=121):
    """Contour plot of the loss over two weights of the intended network (the others fixed).

    The intended network is the lift of an optimal witness; ``columns`` (two
    feature indices, default the first two variable columns 1 and 2) are
    varied over [-span, span]^2. Its minima sit at the lifted sign patterns;
    for sat-relu their heights are n + #falsified.

    Returns
    -------
    str : the path written (PNG, or PDF by suffix).
    """
    from reluhard.pipeline import certify
    from reluhard.reductions import get_reduction
    from reluhard.solvers.base import require

    mpl = require("matplotlib", "matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    red = get_reduction(reduction) if isinstance(reduction, str) else reduction
    cz = certify(red, instance, options=options, time_limit=60)
    comb, img = cz.comb, cz.image
    ts = img.target
    if comb.witness is None:
        raise InvalidParameterError("no optimal witness to centre the landscape on")
    base = img.lift(comb.witness).as_float()
    cols = list(columns) if columns is not None else [1, 2]
    if len(cols) != 2 or not all(0 <= c < ts.n_features for c in cols) or cols[0] == cols[1]:
        raise InvalidParameterError(f"--plot-vars needs two different columns in 0..{ts.n_features - 1}")
    grid = np.linspace(-span, span, resolution)
    Z = np.empty((resolution, resolution))
    W = base.weights.copy()
    for a, va in enumerate(grid):
        for b_, vb in enumerate(grid):
            W[0, cols[0]], W[0, cols[1]] = va, vb
            Z[b_, a] = float_loss(ts, Network(W, base.output_weights))
    fig, ax = plt.subplots(figsize=(6.0, 5.0))
    levels = np.quantile(Z, np.linspace(0, 1, 25))
    cs = ax.contourf(grid, grid, Z, levels=np.unique(levels), cmap="viridis")
    fig.colorbar(cs, ax=ax, label="total weighted square loss (quantile-spaced levels)")
    lines = ax.contour(grid, grid, Z, levels=np.unique(levels)[:8], colors="white", linewidths=0.5)
    ax.clabel(lines, fmt="%.4g", fontsize=7, colors="white")
    for sa in (-1, 1):
        for sb in (-1, 1):
            W[0, cols[0]], W[0, cols[1]] = sa, sb
            val = float_loss(ts, Network(W, base.output_weights))
            ax.plot(sa, sb, "o", color="white", mec="black")
            ax.annotate(f"L = {val:.4g}", (sa, sb), textcoords="offset points", xytext=(6, 6), color="white", fontsize=9)
    lab = {0: "w0 (anchor)"}
    ax.set_xlabel(f"weight {lab.get(cols[0], f'w{cols[0]}')}")
    ax.set_ylabel(f"weight {lab.get(cols[1], f'w{cols[1]}')}")
    ax.set_title(landscape_title(red.name, base.weights[0], cols), fontsize=9)
    fig.tight_layout()
    meta = {"CreationDate": None} if str(path).endswith(".pdf") else {}
    fig.savefig(path, dpi=150, metadata=meta)
    plt.close(fig)
    return str(path)
