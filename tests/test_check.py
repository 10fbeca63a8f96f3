"""``check_reduction`` passes every built-in reduction and refutes deliberately wrong ones.

The wrong reductions are sat-relu with one thing broken each: a soundness
bound that is too strong (3 min(B,u) -> 1 min(B,u)), a wrong gadget label
(clause points labelled 1), a decoder that ignores signs, and a pruning bound
that is too strong (3 B_F -> 1 B_F). Each must be refuted, with a shrunk
counterexample naming the property it breaks.
"""

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from conftest import n_cases

from reluhard.data import TrainingSet
from reluhard.reductions import Bounds, get_reduction, reduction_names
from reluhard.reductions import sat_to_relu as r1
from reluhard.testing import check_reduction

R1 = get_reduction("sat-relu")

#: built-ins whose source kind check_reduction generates (nae-setsplit's source is an NAE formula)
BUILTINS = [n for n in reduction_names() if get_reduction(n).source_kind in ("cnf", "graph", "hypergraph")]
#: tiny sizes per reduction (chains through clique graphs grow fast)
SIZES = {"sat-clique-relu": 3, "sat-clique": 3, "dks-relu": 5}


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_reduction_passes(name):
    rep = check_reduction(name, instances=n_cases(3, 40), max_n=SIZES.get(name, 4), seed=1, time_limit=20)
    assert rep.ok, rep.format()
    assert rep.instances >= 1 and rep.checked.get("forward_deterministic")


# ---------------------------------------------------------------- wrong reductions

def _strong_bounds(cnf, p, cert):
    b = r1.bounds(cnf, p, cert)
    u = cert.get("min_unsat", p["min_unsat"])
    if not u:
        return b
    strong = p["n"] + Fraction(u) / (1 + 1 * min(p["B"], u) + Fraction(4 * u) / p["T2"])
    return Bounds(b.completeness, strong, b.realizable, b.assumptions, "too strong")


def _wrong_label_forward(cnf, p):
    ts = r1.forward(cnf, p)
    y = ts.y.copy()
    y[1 + 2 * p["n"]:] = 1  # clause gadgets labelled 1 instead of 0
    return TrainingSet(ts.X, y, ts.sample_weight, ts.weight_denominator, ts.meta)


def _sign_blind_decode(cnf, p, network):
    W = np.asarray(network.weights)
    return [i if W[0, i] != 0 else -i for i in range(1, p["n"] + 1)]  # |w_i| > 0 -> true: ignores the sign


def _strong_cells(X, y, c, signs):
    """Claim (★) with 1 B_F in place of 3 B_F (F and B_F recomputed as in the real bound)."""
    b = r1.cell_lower_bounds(X, y, c, signs)
    n = X.shape[1] - 1
    T2 = float(c[0])
    A = X[np.flatnonzero(y == 0)].toarray()
    lit = A[:, 1:]
    fals = np.ones((signs.shape[0], A.shape[0]), dtype=bool)
    for j in range(n):
        nz = lit[:, j] != 0
        fals[:, nz] &= (lit[nz, j][None, :] * signs[:, j + 1][:, None]) >= 0
    F = fals.sum(axis=1)
    BF = (fals.astype(np.int64) @ (lit != 0).astype(np.int64)).max(axis=1) if A.size else np.zeros(len(F))
    with np.errstate(divide="ignore", invalid="ignore"):
        strong = n + np.where(F > 0, F / (1 + 1 * BF + 4 * F / T2), 0.0)
    strong = np.where(signs[:, 0] < 0, b, strong)
    assert np.all(strong >= b - 1e-12)  # stronger than the real bound everywhere
    return strong


WRONG = {
    "too-strong-soundness": (replace(R1, name="wrong-soundness", bounds=_strong_bounds), "fits_respect_soundness"),
    "wrong-gadget-label": (replace(R1, name="wrong-label", forward=_wrong_label_forward), "lift_matches_completeness"),
    "sign-blind-decoder": (replace(R1, name="sign-blind", decode=_sign_blind_decode), "decode_inverts_lift"),
    "too-strong-pruning-bound": (replace(R1, name="strong-cells", cell_bound=_strong_cells), "cell_bound_below_minimum"),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_reductions_are_refuted(case):
    red, prop = WRONG[case]
    rep = check_reduction(red, instances=n_cases(6, 60), max_n=4, seed=0, time_limit=20, restarts=1, shrink_seconds=2)
    assert not rep.ok
    props = {f.property for f in rep.failures}
    assert prop in props, rep.format()
    fail = next(f for f in rep.failures if f.property == prop)
    text = fail.format()
    assert "REFUTED" in text and "clauses" in text
    assert len(fail.instance.clauses) >= 1


def test_a_counterexample_is_shrunk_and_shows_the_breaking_network():
    red, prop = WRONG["wrong-gadget-label"]
    shrunk = check_reduction(red, instances=3, max_n=4, seed=0, restarts=1, shrink_seconds=3)
    raw = check_reduction(red, instances=3, max_n=4, seed=0, restarts=1, shrink=False)
    a = next(f for f in shrunk.failures if f.property == prop)
    b = next(f for f in raw.failures if f.property == prop)
    assert len(a.instance.clauses) < len(b.instance.clauses)
    assert a.network is not None and "network:" in a.format()  # the lifted network whose loss breaks the claim

    red, prop = WRONG["too-strong-soundness"]
    rep = check_reduction(red, instances=6, max_n=4, seed=0, restarts=1, shrink=False)
    f = next(f for f in rep.failures if f.property == prop)
    assert f.network is not None and "< claimed soundness" in f.detail


def test_check_cli_exit_codes(capsys, monkeypatch, tmp_path):
    import sys

    from reluhard.cli import main

    mod = tmp_path / "my_wrong_reduction.py"
    mod.write_text(
        "from dataclasses import replace\n"
        "from reluhard.reductions import get_reduction\n"
        "def _decode(cnf, p, net):\n"
        "    return [i for i in range(1, p['n'] + 1)]\n"
        "RED = replace(get_reduction('sat-relu'), name='mine', decode=_decode)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["check", "my_wrong_reduction:RED", "--instances", "6", "--max-n", "4"])
    out = capsys.readouterr().out
    sys.modules.pop("my_wrong_reduction", None)
    assert code == 1 and "REFUTED decode_inverts_lift" in out
    assert main(["check", "sat-relu", "--instances", "0"]) == 2
