"""CLI and file-level behaviour of the R1 slice: reduce / fit / solve / verify / demo."""

import json
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from reluhard.cli import main
from reluhard.errors import InstanceFormatError
from reluhard.generators.ksat import planted_3sat, random_ksat
from reluhard.io.dimacs import write_cnf
from reluhard.io.npz import load_training_set, save_training_set
from reluhard.reductions import get_reduction


@pytest.fixture
def planted(tmp_path):
    p = tmp_path / "planted.cnf"
    write_cnf(p, planted_3sat(50, 200, seed=3))
    return p


@pytest.fixture
def unsat50(tmp_path):
    from reluhard.solvers.sat import solve_sat

    for s in range(50):
        f = random_ksat(50, 260, k=3, seed=s)  # ratio 5.2: unsatisfiable, small u, RC2 in well under a second
        if solve_sat(f)[0] is False:
            p = tmp_path / "unsat.cnf"
            write_cnf(p, f)
            return p
    raise AssertionError("no unsatisfiable formula found")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reduce_is_deterministic_and_loads_back(tmp_path, planted, capsys):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    assert run(capsys, "reduce", "sat-relu", planted, "-o", a)[0] == 0
    assert run(capsys, "reduce", "sat-relu", planted, "-o", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    X, y, c, meta = load_training_set(a)
    X2 = sp.load_npz(a)  # scipy reads X directly
    assert (X != X2).nnz == 0
    assert X.shape == (1 + 100 + 200, 51) and y.shape == c.shape == (301,)
    assert meta["reduction"] == "sat-relu" and meta["format_version"] == 2
    assert meta["source"]["kind"] == "cnf" and len(meta["source"]["sha256"]) == 64
    assert meta["bounds"]["soundness_bound"] == "50"  # planted => u = 0 certified
    # the answer key's intended network (never in the public file) has exactly the YES loss
    from reluhard.answer_key import key_path_for, read_key
    from reluhard.data import Network, float_loss

    assert "network" not in json.dumps(meta)
    net = Network.from_json(read_key(key_path_for(a), training_set=a)["network"])
    assert float_loss((X, y, c), net) == 50.0


def test_reduce_normalized_reports_eps(tmp_path, planted, capsys):
    out = tmp_path / "n.npz"
    assert run(capsys, "reduce", "sat-relu", planted, "--variant", "normalized", "-o", out)[0] == 0
    X, y, c, meta = load_training_set(out)
    assert meta["eps_float"] > 0
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    assert norms.max() <= 1 + 1e-12
    code, text, _ = run(capsys, "info", out)
    assert code == 0 and "eps" in text


def test_fit_and_solve_json(tmp_path, capsys):
    f = tmp_path / "f.cnf"
    write_cnf(f, random_ksat(6, 40, k=3, seed=2))
    code, text, _ = run(capsys, "solve", "sat", f, "--json")
    sol = json.loads(text)
    assert code == 0 and set(sol) >= {"satisfiable", "min_unsat", "assignment", "proven_optimal", "seconds"}
    t = tmp_path / "t.npz"
    run(capsys, "reduce", "sat-relu", f, "--min-unsat", sol["min_unsat"], "-o", t)
    code, text, _ = run(capsys, "fit", t, "--method", "exact", "--json")
    fit = json.loads(text)
    assert code == 0 and fit["proven_optimal"] and fit["k"] == 1 and len(fit["weights"]) == 1
    assert fit["loss"] >= json.loads(json.dumps(load_training_set(t)[3]["bounds"]))["soundness_bound_float"] - 1e-9
    for key in ("method", "k", "loss", "mean_loss", "weights", "output_weights", "proven_optimal", "dual_bound", "realizable", "complete", "seconds", "seed"):
        assert key in fit


@pytest.mark.parametrize("which", ["planted", "unsat50"])
def test_verify_n50_exits_zero(request, which, capsys):
    path = request.getfixturevalue(which)
    code, text, err = run(capsys, "verify", path, "--reduction", "sat-relu", "--methods", "gd", "--restarts", "10", "--json")
    rep = json.loads(text)
    assert code == 0, err
    assert rep["ok"] and rep["checks"]["lift_matches_completeness"] and rep["checks"]["fits_respect_soundness"]
    for key in ("combinatorial_optimum", "completeness_loss", "soundness_bound", "fits", "checks", "ok"):
        assert key in rep
    assert set(rep["fits"]["gd"]) >= {"loss", "proven_optimal", "dual_bound", "decoded_value", "seconds"}


def test_verify_reports_violation_with_exit_1(tmp_path, capsys, monkeypatch):
    """A wrong bound must be caught: inflate the soundness bound and verify must exit 1."""
    from fractions import Fraction

    import reluhard.reductions.sat_to_relu as r1

    f = tmp_path / "f.cnf"
    write_cnf(f, random_ksat(5, 40, k=3, seed=1))
    real = r1.soundness_bound
    monkeypatch.setattr(r1, "soundness_bound", lambda n, u, B, T2: real(n, u, B, T2) + Fraction(1, 2) if u else real(n, u, B, T2))
    code, text, _ = run(capsys, "verify", f, "--reduction", "sat-relu", "--methods", "exact", "--json")
    rep = json.loads(text)
    assert code == 1 and rep["status"] == "violated" and rep["checks"]["fits_respect_soundness"] is False


def test_demo_runs(capsys):
    code, text, _ = run(capsys, "demo", "--n", "6")
    assert code == 0
    assert text.count("status: ok") == 2


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["reduce", "nope", "x.cnf", "-o", "t.npz"], "unknown reduction"),
        (["verify", "missing.cnf", "--reduction", "sat-relu"], "No such file"),
        (["reduce", "sat-relu", "{bad}", "-o", "t.npz"], "clause 1"),
        (["reduce", "sat-relu", "{bad}", "--kappa", "3", "-o", "t.npz"], "no option"),
        (["fit", "{corrupt}"], "corrupt"),
        (["fit", "{nometa}"], "missing key"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, capsys, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.cnf").write_text("p cnf 3 1\n1 2 0\n")
    (tmp_path / "corrupt.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(tmp_path / "nometa.npz", "w") as z:
        z.writestr("y.npy", b"")
    argv = [a.format(bad="bad.cnf", corrupt="corrupt.npz", nometa="nometa.npz") for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "t.npz").exists()


def test_npz_write_is_atomic(tmp_path, monkeypatch):
    import reluhard.io.npz as npz

    target = tmp_path / "t.npz"

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(npz.np.lib.format, "write_array", boom)
    monkeypatch.setattr(npz.np.lib.format, "write_array_header_1_0", boom)  # the streamed members' path
    with pytest.raises(RuntimeError):
        save_training_set(target, sp.eye(3), np.ones(3), np.ones(3), {})
    assert list(tmp_path.iterdir()) == []


def test_load_rejects_inconsistent_arrays(tmp_path):
    p = tmp_path / "t.npz"
    save_training_set(p, sp.eye(3), np.ones(3), np.ones(3), {"reduction": "x"})
    with np.load(p) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["sample_weight"] = np.array([1.0, -1.0, 1.0])
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(InstanceFormatError, match="positive"):
        load_training_set(tmp_path / "bad.npz")


def test_composition_of_a_one_step_chain_matches_the_reduction():
    from pysat.formula import CNF

    from reluhard.reductions import Chain

    f = CNF(from_clauses=[[1, 2, 3], [-1, -2, 3]])
    r1 = get_reduction("sat-relu")
    a, b = r1.apply(f), Chain("again", [r1]).apply(f)
    assert (a.target.X != b.target.X).nnz == 0
    assert a.decode(a.lift([1, -2, 3])) == b.decode(b.lift([1, -2, 3])) == [1, -2, 3]


def test_verify_with_unknown_combinatorial_value_is_inconclusive_not_violated(tmp_path, capsys, monkeypatch):
    """If RC2 times out, the promise bounds are conditional; verify must not claim a violation."""
    import reluhard.solvers.sat as sat
    from reluhard.solvers.base import CombinatorialResult

    monkeypatch.setattr(sat, "min_unsat_oracle", lambda cnf, **kw: CombinatorialResult("maxsat", None, None, False, {}, 0.0, status="timeout"))
    f = tmp_path / "sat.cnf"
    write_cnf(f, planted_3sat(6, 20, seed=1))
    code, text, _ = run(capsys, "verify", f, "--reduction", "sat-relu", "--methods", "exact", "--json")
    rep = json.loads(text)
    assert code == 3 and rep["status"] == "inconclusive"
    assert "fits_respect_soundness" not in rep["checks"] and rep["soundness_bound"] is None


@pytest.mark.parametrize("target", ["{tmp}/missing/t.npz", "{tmp}"])
def test_unwritable_output_names_the_users_path(tmp_path, capsys, target):
    f = tmp_path / "f.cnf"
    write_cnf(f, random_ksat(5, 10, k=3, seed=1))
    out = target.format(tmp=tmp_path)
    code, _, err = run(capsys, "reduce", "sat-relu", f, "-o", out)
    assert code == 2 and out in err and ".tmp" not in err.replace(str(tmp_path), "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.cnf"]
