"""``reluhard explain``: formula parsing, the sat-relu walk-through on fixed formulas, every reduction, --plot."""

import itertools

import pytest

from reluhard.cli import main
from reluhard.errors import InstanceFormatError
from reluhard.explain import explain, format_explanation, parse_formula

FORMULA = "(x1 | ~x2 | x3) & (~x1 | x2 | x3)"
# all 8 sign patterns on x1, x2, x3: unsatisfiable, every assignment falsifies exactly one clause
ALL8 = " & ".join("(" + " | ".join(("~" if s else "") + f"x{i + 1}" for i, s in enumerate(signs)) + ")"
                  for signs in itertools.product([0, 1], repeat=3))


def test_parse_formula():
    assert parse_formula(FORMULA).clauses == [[1, -2, 3], [-1, 2, 3]]
    assert parse_formula("(x1 ∨ ¬x2 ∨ x3) ∧ (!x4 or x2 or -x3)").clauses == [[1, -2, 3], [-4, 2, -3]]
    assert parse_formula("(x1 | x2 | x5)").nv == 5
    for bad in ["", "(x1 | x2", "(x1 | y2 | x3)", "(x1 | | x3)", "(x0 | x1 | x2)", "((x1 | x2) | x3)"]:
        with pytest.raises(InstanceFormatError):
            parse_formula(bad)


def test_sat_relu_walkthrough_fixed_formula(capsys):
    assert main(["explain", "sat-relu", "--formula", FORMULA]) == 0
    out = capsys.readouterr().out
    # the formula and the options
    assert "C1 = (x1 ∨ ¬x2 ∨ x3)" in out and "C2 = (¬x1 ∨ x2 ∨ x3)" in out
    assert "T^2 = 2 (default: m)" in out
    # the training points, row by row (anchor weight T^2 = m = 2; clause rows -(s) e_i - 2 e0)
    rows = [line.split() for line in out.splitlines()]
    assert ["0", "anchor", "e0", "1", "0", "0", "0", "1", "2"] in rows
    assert ["2", "-e1", "0", "-1", "0", "0", "1", "1"] in rows
    assert ["7", "clause", "C1", "-2", "-1", "1", "-1", "0", "1"] in rows
    assert ["8", "clause", "C2", "-2", "1", "-1", "-1", "0", "1"] in rows
    assert "9 points = 1 + 2n + m" in out
    # the intended network of RC2's optimum and its exact loss n + 0
    assert "the formula is satisfiable" in out
    assert "total loss L(w) = 3 (exact) = n + #falsified = 3 + 0" in out
    # a falsified clause costs exactly 1
    assert "zC1 . w = 1, so f = relu(1) = 1 where the label is 0: cost 1." in out
    assert "L(lift) = 4 = n + 1 (exact)" in out
    assert "completeness (lift of an optimal assignment) = 3" in out
    # the decoder step reports a decoded assignment and checks the guarantee
    assert "decode(w): xi = true iff wi > 0" in out
    assert "[holds]" in out and "VIOLATED" not in out


def test_sat_relu_walkthrough_unsatisfiable():
    cnf = parse_formula(ALL8)
    text = format_explanation(explain("sat-relu", cnf))
    assert "NOT satisfiable; the best assignment falsifies u = 1 clause(s)" in text
    assert "total loss L(w) = 4 (exact) = n + #falsified = 3 + 1" in text
    # s(1) = n + 1/(1 + 3 min(B,1) + 4/T^2) with B = 8, T^2 = m = 8: 3 + 1/4.5 = 29/9
    assert "soundness bound                              = 29/9" in text
    assert "completeness (lift of an optimal assignment) = 4" in text


def test_dimacs_file_and_options(tmp_path, capsys):
    f = tmp_path / "phi.cnf"
    f.write_text("p cnf 3 2\n1 -2 3 0\n-1 2 3 0\n")
    assert main(["explain", "sat-relu", str(f), "--T2", "5"]) == 0
    out = capsys.readouterr().out
    assert "T^2 = 5" in out and ["0", "anchor", "e0", "1", "0", "0", "0", "1", "5"] in [l.split() for l in out.splitlines()]


def _instance_arg(name, tmp_path):
    from reluhard.reductions import get_reduction

    kind = get_reduction(name).source_kind
    if kind == "cnf":
        return ["--formula", FORMULA]
    if kind == "graph":
        g = tmp_path / "g.clq"
        g.write_text("p edge 5 6\ne 1 2\ne 1 3\ne 2 3\ne 3 4\ne 4 5\ne 2 4\n")
        return [str(g), "--kappa", "3"]
    if kind == "hypergraph":
        h = tmp_path / "h.hgr"
        h.write_text("p hypergraph 4 3\n1 2 3\n2 3 4\n1 3 4\n")
        return [str(h)]
    return None


def test_every_registered_reduction_is_explained(tmp_path, capsys):
    from reluhard.reductions import get_reduction, reduction_names

    done = []
    for name in reduction_names():
        relu = get_reduction(name).target_kind == "relu"
        argv = _instance_arg(name, tmp_path)
        if argv is None:
            continue
        assert main(["explain", name, *argv, "--max-rows", "5"]) == 0, name
        out = capsys.readouterr().out
        assert "decode" in out, name
        if relu:
            assert "training set" in out.lower(), name
            assert "exact loss L = " in out or "total loss L(w)" in out, name
        else:  # an intermediate step: witnesses both ways
            assert "lift (completeness direction)" in out, name
        assert "DIFFERENT" not in out, name  # the lift's exact loss equals the certified completeness value
        done.append(name)
    assert "sat-relu" in done and len(done) >= 2


def test_errors_exit_2(capsys):
    assert main(["explain", "sat-relu", "--formula", "(x1 | x2"]) == 2
    assert main(["explain", "sat-relu"]) == 2  # neither formula nor file
    assert main(["explain", "sat-relu", "--formula", "(x1 | x1 | x2)"]) == 2  # sat-relu needs 3 distinct variables
    assert main(["explain", "no-such-reduction", "--formula", FORMULA]) == 2
    capsys.readouterr()


def test_plot_landscape(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "land.png"
    assert main(["explain", "sat-relu", "--formula", FORMULA, "--plot", str(out)]) == 0
    assert out.stat().st_size > 10000
    assert main(["explain", "sat-relu", "--formula", FORMULA, "--plot", str(tmp_path / "x.png"), "--plot-vars", "1,9"]) == 2
    capsys.readouterr()


@pytest.mark.parametrize("extra, says", [
    ([], "positivity gadget = off (k = 2: only k >= 3 needs it)"),
    (["--k", "3"], "positivity gadget = on (k >= 3)"),
    (["--k", "3", "--no-gadget"], "positivity gadget = off (--no-gadget)"),
    (["--k", "4", "--no-gadget"], "positivity gadget = off (--no-gadget; at k >= 4 the 'only if' direction then fails)"),
])
def test_chain_parameters_say_what_they_mean(capsys, extra, says):
    """One parameter line per step of a chain (not a merged dict where a later n hides an earlier one), and the
    gadget is one statement with its reason, not the two flags "gadget = False, no_gadget = False"."""
    assert main(["explain", "sat-krelu", "--formula", FORMULA, "--max-rows", "2", *extra]) == 0
    out = capsys.readouterr().out
    assert "parameters of sat-nae: n = 3, z = 4, m = 2" in out
    assert "parameters of nae-setsplit: " in out
    (line,) = [ln for ln in out.splitlines() if ln.startswith("parameters of hypergraph-krelu: ")]
    assert line.endswith(says) and "vertices n = 8" in line
    assert "no_gadget" not in out and "gadget = False" not in out and "gadget = True" not in out
