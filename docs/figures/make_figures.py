"""Regenerate the committed tutorial figures and their data (docs/figures/figures.json).

    python docs/figures/make_figures.py           # redraw the PNGs and rewrite figures.json
    python docs/figures/make_figures.py --check   # recompute the data only; exit 1 if figures.json is stale

Each landscape figure is ``reluhard explain sat-relu --plot`` on a fixed formula;
figures.json records what the picture claims (its title, the fixed weights, the
exact loss at each lifted corner), so a test can check the committed figures
against the code without comparing pixels (tests/test_figures.py). The sweep
figures (docs/figures/sweep/) come from the README sweep (``reluhard plot``).
"""

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: file -> (formula, the two weight columns varied)
LANDSCAPES = {
    "landscape_sat_relu.png": ("(x1 | ~x2 | x3) & (~x1 | x2 | x3)", (1, 2)),
    "landscape_all8.png": (" & ".join(
        "(" + " | ".join(("x" if (mask >> i) & 1 else "~x") + str(i + 1) for i in range(3)) + ")" for mask in range(8)
    ), (1, 2)),
}


def landscape_data(formula, cols):
    """What the landscape of ``formula`` shows: title, fixed weights, exact corner losses."""
    from reluhard.data import Network, exact_loss
    from reluhard.explain import landscape_title, parse_formula
    from reluhard.reductions import get_reduction
    from reluhard.solvers.base import get_oracle

    cnf = parse_formula(formula)
    red = get_reduction("sat-relu")
    comb = get_oracle("cnf")(cnf, time_limit=60)
    img = red.apply(cnf, min_unsat=comb.value)
    base = img.lift(comb.witness)
    W = base.weights.copy()
    corners = {}
    for sa in (-1, 1):
        for sb in (-1, 1):
            W[0, cols[0]], W[0, cols[1]] = sa, sb
            corners[f"{sa:+d},{sb:+d}"] = str(exact_loss(img.target, Network(W.copy(), base.output_weights)))
    return {"formula": formula, "columns": list(cols), "min_unsat": comb.value, "n": cnf.nv,
            "title": landscape_title("sat-relu", base.as_float().weights[0], list(cols)),
            "fixed": {f"w{j}": str(base.weights[0, j]) for j in range(base.weights.shape[1]) if j not in cols},
            "corner_losses": corners}


def all_data():
    return {name: landscape_data(formula, cols) for name, (formula, cols) in LANDSCAPES.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only recompute the data and compare with figures.json")
    args = ap.parse_args(argv)
    data = all_data()
    target = HERE / "figures.json"
    if args.check:
        committed = json.loads(target.read_text())
        if committed != data:
            print("docs/figures/figures.json is stale: run python docs/figures/make_figures.py", file=sys.stderr)
            return 1
        return 0
    from reluhard.explain import parse_formula, plot_landscape

    for name, (formula, cols) in LANDSCAPES.items():
        plot_landscape("sat-relu", parse_formula(formula), str(HERE / name), columns=list(cols))
        print(HERE / name)
    target.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
