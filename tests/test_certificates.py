"""Proof-carrying certificates: every claim kind checks; every tampering is rejected (exit 1, named claim)."""

import gzip
import itertools
import json
import random
import subprocess
import sys

import numpy as np
import pytest

from conftest import n_cases, unsat_formula
from reluhard.certificates import CertificateRefused, certify_file, certify_instance, check_certificate, prove_min_unsat_at_least
from reluhard.certificates import drat as _drat
from reluhard.certificates import encodings as enc
from reluhard.cli import main
from reluhard.errors import BudgetExhausted
from reluhard.generators.ksat import planted_3sat, random_ksat
from reluhard.io.dimacs import write_cnf
from reluhard.io.graphs import write_graph
from reluhard.io.hgr import write_hgr


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def unsat_cert(tmp_path):
    p = tmp_path / "phi.cnf"
    write_cnf(p, unsat_formula(12, 80))
    out = tmp_path / "phi.cert.json"
    certify_file(p, out, reduction="sat-relu", options={})
    return p, out


def _bundle(path):
    return json.loads(path.read_text())


def _save(path, b):
    path.write_text(json.dumps(b))


def _rehash(path, name):
    from reluhard.certificates.bundle import file_sha256

    b = _bundle(path)
    b["files"][name] = file_sha256(path.parent / name)
    _save(path, b)


# ---------------------------------------------------------------- valid certificates, one per claim kind

def test_unsat_cnf_certifies_and_checks(unsat_cert, capsys):
    p, out = unsat_cert
    b = _bundle(out)
    assert set(b["claims"]) == {"satisfiable", "min_unsat", "max_occurrence", "loss_bounds"}
    assert b["claims"]["satisfiable"]["value"] is False
    assert b["claims"]["min_unsat"]["value"] >= 1
    for name, sha in b["files"].items():
        assert (out.parent / name).is_file() and len(sha) == 64
    code, stdout, _ = run(capsys, "check-certificate", out, "--json")
    rep = json.loads(stdout)
    assert code == 0 and rep["valid"] and rep["failed"] == []
    # both checkers ran on these small proofs
    dr = "dratify-native" if _drat.native_engine() is not None else "dratify"
    assert rep["claims"]["min_unsat"]["proofs"][0]["checkers"] == {dr: True, "drup": True}


def test_satisfiable_cnf(tmp_path, capsys):
    p = tmp_path / "sat.cnf"
    write_cnf(p, planted_3sat(30, 100, seed=1))
    code, _, _ = run(capsys, "certify", p, "-o", tmp_path / "c.json", "--reduction", "sat-relu")
    assert code == 0
    b = _bundle(tmp_path / "c.json")
    assert b["claims"]["satisfiable"]["value"] is True and b["claims"]["min_unsat"]["value"] == 0
    assert b["claims"]["loss_bounds"]["soundness_bound"] == "30"
    assert run(capsys, "check-certificate", tmp_path / "c.json")[0] == 0
    # a wrong assignment is caught by evaluation
    a = b["claims"]["satisfiable"]["assignment"]
    b["claims"]["satisfiable"]["assignment"] = [-x for x in a]
    _save(tmp_path / "c.json", b)
    code, out, _ = run(capsys, "check-certificate", tmp_path / "c.json")
    assert code == 1 and "satisfiable" in out.splitlines()[-1]


def test_graph_max_edges(tmp_path, capsys):
    from reluhard.generators.graphs import gnp

    G = gnp(24, 0.3, seed=4)
    p = tmp_path / "g.clq"
    write_graph(p, G)
    out = tmp_path / "g.json"
    code, _, _ = run(capsys, "certify", p, "--kappa", "5", "-o", out, "--reduction", "dks-relu")
    assert code == 0
    b = _bundle(out)
    from reluhard.solvers.dks import densest_k_subgraph

    assert b["claims"]["max_edges"]["value"] == densest_k_subgraph(G, 5).value
    assert run(capsys, "check-certificate", out)[0] == 0
    # claim one edge fewer: the set no longer matches, and the bound would need a different formula
    b["claims"]["max_edges"]["value"] -= 1
    _save(out, b)
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "max_edges" in stdout.splitlines()[-1] and "loss_bounds" in stdout.splitlines()[-1]


@pytest.mark.parametrize("name,colourable", [("fano", False), ("fano-minus-line", True)])
def test_hypergraph_colourability(tmp_path, capsys, name, colourable):
    from reluhard.generators.hypergraphs import named_hypergraph

    p = tmp_path / "h.hgr"
    write_hgr(p, named_hypergraph(name))
    out = tmp_path / "h.json"
    assert run(capsys, "certify", p, "-o", out, "--reduction", "hypergraph-krelu")[0] == 0
    b = _bundle(out)
    assert b["claims"]["colourable"]["value"] is colourable
    assert b["claims"]["loss_bounds"]["realizable"] is colourable
    assert run(capsys, "check-certificate", out)[0] == 0
    b["claims"]["colourable"]["value"] = not colourable
    _save(out, b)
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "colourable" in stdout.splitlines()[-1]


def test_disjoint_blocks_sum(tmp_path):
    f1, f2 = unsat_formula(8, 60, 0), unsat_formula(8, 60, 300)
    from pysat.formula import CNF

    union = CNF()
    union.nv = 16
    union.clauses = [list(c) for c in f1.clauses] + [[(abs(l) + 8) * (1 if l > 0 else -1) for l in c] for c in f2.clauses]
    random.Random(0).shuffle(union.clauses)
    p = tmp_path / "u.cnf"
    write_cnf(p, union)
    out = tmp_path / "u.json"
    b = certify_file(p, out)
    from reluhard.solvers.sat import min_unsat

    blocks = b["claims"]["min_unsat"]["blocks"]
    assert len(blocks) == 2 and b["claims"]["min_unsat"]["disjoint"] is True
    assert sum(x["value"] for x in blocks) == b["claims"]["min_unsat"]["value"] == min_unsat(f1)[0] + min_unsat(f2)[0]
    assert check_certificate(out).valid
    # blocks claimed disjoint but sharing a variable: refused
    bb = _bundle(out)
    bb["claims"]["min_unsat"]["blocks"][0]["clauses"], bb["claims"]["min_unsat"]["blocks"][1]["clauses"] = (
        bb["claims"]["min_unsat"]["blocks"][0]["clauses"][1:], bb["claims"]["min_unsat"]["blocks"][1]["clauses"] + bb["claims"]["min_unsat"]["blocks"][0]["clauses"][:1])
    _save(out, bb)
    rep = check_certificate(out)
    assert not rep.valid and "min_unsat" in rep.failed


# ---------------------------------------------------------------- tampering

def test_rejects_proof_for_a_different_formula(unsat_cert, tmp_path, capsys):
    p, out = unsat_cert
    other = tmp_path / "other.cnf"
    write_cnf(other, unsat_formula(12, 80, 500))
    certify_file(other, tmp_path / "other.json")
    name = _bundle(out)["claims"]["min_unsat"]["blocks"][0]["proof"]["file"]
    (tmp_path / name).write_bytes((tmp_path / "other.min_unsat.drup.gz").read_bytes())
    _rehash(out, name)  # the file hash matches: only the proof itself can fail
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "min_unsat" in stdout.splitlines()[-1]
    # and also when the bundle's formula hash is forged to the other formula's
    b = _bundle(out)
    b["claims"]["min_unsat"]["blocks"][0]["proof"]["formula_sha256"] = _bundle(tmp_path / "other.json")["claims"]["min_unsat"]["blocks"][0]["proof"]["formula_sha256"]
    _save(out, b)
    assert run(capsys, "check-certificate", out)[0] == 1


@pytest.mark.parametrize("cut", ["line", "mid"])
def test_rejects_truncated_proof(unsat_cert, capsys, cut):
    p, out = unsat_cert
    name = _bundle(out)["claims"]["satisfiable"]["proof"]["file"]
    lines = gzip.decompress((out.parent / name).read_bytes()).decode().splitlines()
    assert lines[-1] == "0"
    text = "\n".join(lines[:-1]) + "\n" if cut == "line" else "\n".join(lines)[:-2]
    (out.parent / name).write_bytes(gzip.compress(text.encode()))
    _rehash(out, name)
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "satisfiable" in stdout.splitlines()[-1]


def test_rejects_changed_proof_file_without_rehash(unsat_cert, capsys):
    p, out = unsat_cert
    name = _bundle(out)["claims"]["satisfiable"]["proof"]["file"]
    (out.parent / name).write_bytes(gzip.compress(b"0\n"))
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "satisfiable" in stdout


@pytest.mark.parametrize("claim,delta", [("min_unsat", 1), ("min_unsat", -1), ("max_occurrence", 1)])
def test_rejects_tampered_claim_value(unsat_cert, capsys, claim, delta):
    p, out = unsat_cert
    b = _bundle(out)
    b["claims"][claim]["value"] += delta
    _save(out, b)
    code, stdout, _ = run(capsys, "check-certificate", out, "--json")
    rep = json.loads(stdout)
    assert code == 1 and claim in rep["failed"]
    # the loss bound rests on the tampered value: it fails too
    assert "loss_bounds" in rep["failed"]


def test_rejects_tampered_loss_bound(unsat_cert, capsys):
    p, out = unsat_cert
    b = _bundle(out)
    from fractions import Fraction

    b["claims"]["loss_bounds"]["soundness_bound"] = str(Fraction(b["claims"]["loss_bounds"]["soundness_bound"]) + Fraction(1, 10**9))
    _save(out, b)
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and stdout.splitlines()[-1] == "INVALID: loss_bounds"


def test_rejects_changed_instance(unsat_cert, capsys):
    p, out = unsat_cert
    text = p.read_text().splitlines()
    # flip one literal of the last clause
    last = text[-1].split()
    last[0] = str(-int(last[0]))
    p.write_text("\n".join(text[:-1] + [" ".join(last)]) + "\n")
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "instance" in stdout.splitlines()[-1]


def test_bad_input_exit_2(tmp_path, capsys):
    assert run(capsys, "check-certificate", tmp_path / "none.json")[0] == 2
    (tmp_path / "x.json").write_text("{not json")
    code, _, err = run(capsys, "check-certificate", tmp_path / "x.json")
    assert code == 2 and "x.json" in err and "Traceback" not in err
    (tmp_path / "y.json").write_text(json.dumps({"format": "something-else"}))
    assert run(capsys, "check-certificate", tmp_path / "y.json")[0] == 2


def test_missing_proof_file_is_bad_input(unsat_cert, capsys):
    p, out = unsat_cert
    name = _bundle(out)["claims"]["satisfiable"]["proof"]["file"]
    (out.parent / name).unlink()
    code, _, err = run(capsys, "check-certificate", out)
    assert code == 2 and name in err


# ---------------------------------------------------------------- agreement with RC2, refusals, budgets

def test_u_equals_t_agrees_with_rc2_and_t_plus_1_is_refused(tmp_path):
    from reluhard.solvers.sat import min_unsat

    rng = random.Random(7)
    for case in range(n_cases(8, 60)):
        n = rng.randint(5, 10)
        m = rng.randint(3 * n, 8 * n)
        f = random_ksat(n, m, k=3, seed=1000 + case)
        p = tmp_path / f"r{case}.cnf"
        write_cnf(p, f)
        b = certify_file(p, tmp_path / f"r{case}.json")
        u = min_unsat(f)[0]
        assert b["claims"]["min_unsat"]["value"] == u
        assert check_certificate(tmp_path / f"r{case}.json").valid
        with pytest.raises(CertificateRefused):
            prove_min_unsat_at_least([list(c) for c in f.clauses], n, u + 1)


def test_seqcounter_encoding_is_exact_on_small_inputs():
    """The trusted base's cardinality encodings: for every input assignment, the encoding
    (with its auxiliaries free) is satisfiable iff the bound holds."""
    from pysat.solvers import Solver

    for n in range(1, 6):
        for k in range(0, n + 1):
            clauses, _ = enc.min_unsat_relaxed([[1]] * n, 1, k + 1) if k + 1 <= n else (None, None)
            if clauses is None:
                continue
            # relaxation vars are 2..n+1; at most k of them may be true
            with Solver(name="g4", bootstrap_with=clauses[n:]) as s:
                for bits in itertools.product([0, 1], repeat=n):
                    assume = [(i + 2) if b else -(i + 2) for i, b in enumerate(bits)]
                    assert s.solve(assumptions=assume) == (sum(bits) <= k), (n, k, bits)


def test_dks_encoding_brute_force():
    """dks_at_least(e) is satisfiable iff some kappa-set induces > e edges (brute force, small graphs)."""
    from pysat.solvers import Solver

    rng = np.random.default_rng(3)
    for case in range(n_cases(6, 30)):
        n = int(rng.integers(4, 8))
        E = np.array([(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < 0.5], dtype=np.int64).reshape(-1, 2)
        kappa = int(rng.integers(2, n + 1))
        best = max(enc.edges_induced(E, S) for S in itertools.combinations(range(n), kappa))
        for e in range(0, len(E) + 1):
            f = enc.dks_at_least(n, E, kappa, e)
            sat = False if f is None else Solver(name="g4", bootstrap_with=f[0]).solve()
            assert sat == (best > e), (n, E.tolist(), kappa, e)


def test_refuses_false_max_edges_bound():
    from reluhard.certificates import prove_max_edges_at_most

    E = np.array([(0, 1), (1, 2), (2, 3), (0, 3)])  # C4: every 3-set induces 2 edges
    with pytest.raises(CertificateRefused):
        prove_max_edges_at_most(4, E, 3, 1)
    lines = prove_max_edges_at_most(4, E, 3, 2)
    assert lines is not None and lines[-1] == "0"
    assert prove_max_edges_at_most(4, E, 3, 3) is None  # C(3, 2) = 3: trivial


def test_time_limit_writes_nothing(tmp_path):
    import cnfgen

    F = cnfgen.PigeonholePrinciple(10, 9)
    from pysat.formula import CNF

    f = CNF(from_string=F.to_dimacs())
    p = tmp_path / "php.cnf"
    write_cnf(p, f)
    with pytest.raises(BudgetExhausted):
        certify_file(p, tmp_path / "php.json", min_unsat=False, time_limit=0.5)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["php.cnf"]


def test_checker_imports_no_solver(unsat_cert):
    p, out = unsat_cert
    code = (
        "import sys; from reluhard.certificates.check import check_certificate; "
        f"r = check_certificate({str(out)!r}); "
        "bad = [m for m in sys.modules if m.startswith('reluhard.solvers') or m in ('pyscipopt', 'z3')]; "
        "print(r.valid, bad)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stdout.strip() == "True []", res.stderr


def test_same_input_same_bundle(tmp_path):
    p = tmp_path / "phi.cnf"
    write_cnf(p, unsat_formula(10, 70))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    certify_file(p, tmp_path / "a" / "c.json")
    certify_file(p, tmp_path / "b" / "c.json")
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_suite_builds_and_checks_bundles(tmp_path):
    from reluhard.suite import build_suite, check_suite

    rows = build_suite(tmp_path, reductions=["sat-relu"], log=lambda *_: None)
    medium = [r for r in rows if r.get("built") and r["tier"] == "medium"]
    # bundles hold witnesses (the u <= t assignment): they belong to the key part, never to the public files
    assert medium and all(any(f.endswith(".cert.json") and f.startswith("keys/") for f in r["keys"]) for r in medium)
    assert not any(f.endswith(".cert.json") for r in rows for f in r.get("files", {}))
    assert not any(f.endswith(".cert.json") for r in rows if r["tier"] == "tiny" for f in r.get("keys", {}))
    assert check_suite(tmp_path, reverify=False, log=lambda *_: None) == []
    no = next(r for r in medium if r["answer"] == "no")
    bundle = tmp_path / next(f for f in no["keys"] if f.endswith(".cert.json"))
    b = _bundle(bundle)
    b["claims"]["min_unsat"]["value"] += 1
    _save(bundle, b)
    problems = check_suite(tmp_path, reverify=False, log=lambda *_: None)
    assert any("claim min_unsat failed" in p for p in problems)


@pytest.mark.parametrize("edit", [
    lambda c: c["min_unsat"].update(assignment=["x", 2]),
    lambda c: c["min_unsat"].update(value="3"),
    lambda c: c["min_unsat"].update(blocks=[{"clauses": [0.5], "value": 1}]),
    lambda c: c["satisfiable"].update(proof=None),
    lambda c: c.update(loss_bounds={"reduction": "no-such-reduction"}),
])
def test_malformed_claims_fail_cleanly(unsat_cert, capsys, edit):
    p, out = unsat_cert
    b = _bundle(out)
    edit(b["claims"])
    _save(out, b)
    code, stdout, err = run(capsys, "check-certificate", out)
    assert code == 1 and "Traceback" not in err and stdout.splitlines()[-1].startswith("INVALID")


# ---------------------------------------------------------------- dratify's native (Rust) engine

NATIVE = _drat.native_engine() is not None
needs_native = pytest.mark.skipif(not NATIVE, reason="dratify's Rust engine (reluhard[native]) not installed")


def _proof_lines(clauses):
    from pysat.solvers import Solver

    with Solver(name="glucose4", bootstrap_with=clauses, with_proof=True) as s:
        assert not s.solve()
        return s.get_proof()


@needs_native
def test_native_and_python_engines_agree_on_valid_and_tampered_proofs():
    """Differential check of the Rust engine against the pure-Python one: same verdict on every
    valid proof, on proofs cut short, with a flipped literal, and against a formula missing a clause."""
    rng = random.Random(3)
    verdicts = []
    for seed in range(n_cases(6, 40)):
        F = unsat_formula(10, 60, seed)
        cl = [list(c) for c in F.clauses]
        lines = _proof_lines(cl)
        variants = [lines, lines[: len(lines) // 2] + ["0"], ["0"]]
        for _ in range(3):
            i = rng.randrange(len(lines) - 1)
            t = lines[i].split()
            j = 1 if t[0] == "d" else 0
            if len(t) > j + 1:
                t[j] = str(-int(t[j]))
                variants.append(lines[:i] + [" ".join(t)] + lines[i + 1:])
        for v in variants:
            text = "\n".join(v) + "\n"
            for clauses in (cl, cl[1:]):
                py = _drat.check_unsat_proof(clauses, F.nv, text, checker="dratify")
                rs = _drat.check_unsat_proof(clauses, F.nv, text, checker="native")
                assert set(py.checkers) == {"dratify"} and set(rs.checkers) == {"dratify-native"}
                assert py.ok == rs.ok, (seed, v[:3])
                verdicts.append(py.ok)
    assert set(verdicts) == {True, False}  # both valid and invalid proofs were exercised
    assert _drat.check_unsat_proof(cl, F.nv, "0\n", checker="native").ok is False  # the bare empty clause


@needs_native
@pytest.mark.parametrize("checker", ["native", "dratify"])
def test_each_engine_rejects_tampering_and_names_itself(unsat_cert, capsys, checker):
    p, out = unsat_cert
    code, stdout, _ = run(capsys, "check-certificate", out, "--checker", checker)
    engine = "dratify-native (cdclkit_native" if checker == "native" else "dratify (Python)"
    assert code == 0 and f"checked by {engine}" in stdout
    name = _bundle(out)["claims"]["min_unsat"]["blocks"][0]["proof"]["file"]
    lines = gzip.decompress((out.parent / name).read_bytes()).decode().splitlines()
    (out.parent / name).write_bytes(gzip.compress(("\n".join(lines[: len(lines) // 2]) + "\n0\n").encode()))
    _rehash(out, name)
    code, stdout, _ = run(capsys, "check-certificate", out, "--checker", checker, "--json")
    rep = json.loads(stdout)
    assert code == 1 and rep["failed"][0] == "min_unsat" and set(rep["failed"]) <= {"min_unsat", "loss_bounds"}
    assert "rejects the proof" in rep["claims"]["min_unsat"]["reason"]


def test_auto_uses_native_when_available_and_python_otherwise(unsat_cert, capsys, monkeypatch):
    p, out = unsat_cert
    rep = check_certificate(out)
    used = {k for c in rep.claims.values() for pr in c.get("proofs", ()) for k in pr["checkers"]}
    assert used >= ({"dratify-native"} if NATIVE else {"dratify"}) and not used & ({"dratify"} if NATIVE else {"dratify-native"})
    monkeypatch.setattr(_drat, "native_engine", lambda: None)
    rep = check_certificate(out)
    assert rep.valid
    used = {k for c in rep.claims.values() for pr in c.get("proofs", ()) for k in pr["checkers"]}
    assert "dratify" in used and "dratify-native" not in used
    import reluhard.certificates.check as chk

    monkeypatch.setattr(chk, "native_engine", lambda: None)
    code, _, err = run(capsys, "check-certificate", out, "--checker", "native")
    assert code == 2 and "reluhard[native]" in err


def test_verify_certify_writes_the_certify_bundle(tmp_path, capsys):
    p = tmp_path / "phi.cnf"
    write_cnf(p, unsat_formula(10, 70))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, stdout, _ = run(capsys, "verify", p, "--reduction", "sat-relu", "--restarts", "2", "--certify", tmp_path / "a" / "x.json", "--json")
    rep = json.loads(stdout)
    assert code == 0 and rep["certificate"]["file"] == str(tmp_path / "a" / "x.json")
    assert set(rep["certificate"]["claims"]) == {"satisfiable", "min_unsat", "max_occurrence", "loss_bounds"}
    assert run(capsys, "certify", p, "--reduction", "sat-relu", "-o", tmp_path / "b" / "x.json")[0] == 0
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()
    assert sorted(f.name for f in (tmp_path / "a").iterdir()) == sorted(f.name for f in (tmp_path / "b").iterdir())
    assert run(capsys, "check-certificate", tmp_path / "a" / "x.json")[0] == 0
    # standard input has no file to name: bad input
    import io

    sys.stdin = io.TextIOWrapper(io.BytesIO(p.read_bytes()))
    try:
        code, _, err = run(capsys, "verify", "-", "--reduction", "sat-relu", "--restarts", "1", "--certify", tmp_path / "c.json")
    finally:
        sys.stdin = sys.__stdin__
    assert code == 2 and "--certify" in err and not (tmp_path / "c.json").exists()


def test_solve_certify_writes_the_certify_bundle(tmp_path, capsys):
    """solve --certify: the same bundle as 'certify INPUT' (byte for byte), checkable; a kind mismatch is bad input."""
    p = tmp_path / "phi.cnf"
    write_cnf(p, unsat_formula(10, 70))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, stdout, _ = run(capsys, "solve", "sat", p, "--certify", tmp_path / "a" / "x.json", "--json")
    out = json.loads(stdout)
    assert code == 0 and out["certificate"]["file"] == str(tmp_path / "a" / "x.json")
    assert {"satisfiable", "min_unsat"} <= set(out["certificate"]["claims"])
    assert run(capsys, "certify", p, "-o", tmp_path / "b" / "x.json")[0] == 0
    assert sorted(f.name for f in (tmp_path / "a").iterdir()) == sorted(f.name for f in (tmp_path / "b").iterdir())
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()
    assert run(capsys, "check-certificate", tmp_path / "a" / "x.json")[0] == 0
    code, _, err = run(capsys, "solve", "dks", p, "--kappa", "3", "--certify", tmp_path / "c.json")
    assert code == 2 and "--certify" in err and not (tmp_path / "c.json").exists()


# ---------------------------------------------------------------- complete multipartite structure (large DkS rows)

def test_multipartite_bound_is_brute_force_exact():
    from reluhard.generators.graphs import complete_multipartite
    from reluhard.structures.graph import edge_array

    for sizes in ([3, 3, 3], [1, 4, 2], [5, 1], [2, 2, 2, 2], [6]):
        G = complete_multipartite(sizes)
        n, E = edge_array(G)
        parts, start = [], 0
        for s in sizes:
            parts.append(list(range(start, start + s)))
            start += s
        for kappa in range(1, n + 1):
            brute = max(enc.edges_induced(E, S) for S in itertools.combinations(range(n), kappa))
            assert enc.multipartite_max_edges(n, E, parts, kappa) == brute, (sizes, kappa)
        if len(sizes) > 1:  # wrong parts are refused: merged parts, a moved vertex, a missing vertex
            with pytest.raises(ValueError, match="inside a part"):
                enc.multipartite_max_edges(n, E, [parts[0] + parts[1], *parts[2:]], 2)
            with pytest.raises(ValueError, match="cover|empty"):
                enc.multipartite_max_edges(n, E, [parts[0][1:], *parts[1:]], 2)
            if len(parts[0]) > 1:
                with pytest.raises(ValueError, match="missing"):
                    enc.multipartite_max_edges(n, E, [parts[0][1:], [parts[0][0]], *parts[1:]], 2)


def test_multipartite_certificate_checks_and_rejects_tampering(tmp_path, capsys):
    from reluhard.generators.dks_families import multipartite_no

    G = multipartite_no(6, 3, 5)  # kappa = 5 over 3 parts: 2 + 2 + 1, max edges 10 - 2 = 8
    p = tmp_path / "g.clq"
    write_graph(p, G)
    out = tmp_path / "g.json"
    assert run(capsys, "certify", p, "--kappa", "5", "-o", out, "--reduction", "dks-relu")[0] == 0
    b = _bundle(out)
    assert b["claims"]["max_edges"]["value"] == 8 and "proof" not in b["claims"]["max_edges"]
    assert b["claims"]["max_edges"]["multipartite"]["encoding"] == "complete-multipartite/v1"
    assert run(capsys, "check-certificate", out)[0] == 0
    good = json.dumps(b)
    parts = b["claims"]["max_edges"]["multipartite"]["parts"]
    for edit in ("merge", "move", "value"):
        b = json.loads(good)
        mp = b["claims"]["max_edges"]["multipartite"]
        if edit == "merge":
            mp["parts"] = [parts[0] + parts[1], parts[2]]
        elif edit == "move":
            mp["parts"] = [parts[0][1:], [parts[0][0]] + parts[1], parts[2]]
        else:
            b["claims"]["max_edges"]["value"] = 7
            b["claims"]["max_edges"]["set"] = b["claims"]["max_edges"]["set"]  # the set check fails first or the bound
        _save(out, b)
        code, stdout, _ = run(capsys, "check-certificate", out)
        assert code == 1 and "max_edges" in stdout.splitlines()[-1], edit
    # a graph that is not complete multipartite cannot borrow parts: remove one cross edge
    G2 = G.copy()
    u, v = next(iter(G2.edges()))
    G2.remove_edge(u, v)
    write_graph(p, G2)
    b = json.loads(good)
    _save(out, b)
    _rehash(out, b["instance"]["file"])
    b = _bundle(out)
    b["instance"]["sha256"] = b["files"][b["instance"]["file"]]
    _save(out, b)
    code, stdout, _ = run(capsys, "check-certificate", out, "--json")
    rep = json.loads(stdout)
    assert code == 1 and "max_edges" in rep["failed"]


# ---------------------------------------------------------------- a real DIMACS clique file (tests/data/README.md)

def test_satlib_uuf50_certifies_and_checks_from_the_cli(tmp_path, capsys):
    """SATLIB's uuf50-01.cnf (uniform random 3-SAT, n = 50, m = 218, unsatisfiable; tests/data/README.md):
    RC2 says u = 1; the bundle proves u = 1 and the sat-relu bounds, checks, and a tampered u is rejected
    naming the claim."""
    import shutil
    from pathlib import Path

    p = tmp_path / "uuf50-01.cnf"
    shutil.copy(Path(__file__).parent / "data" / "satlib-uuf50-01.cnf", p)
    code, stdout, _ = run(capsys, "solve", "sat", p, "--json")
    assert code == 0 and json.loads(stdout)["min_unsat"] == 1
    out = tmp_path / "uuf.json"
    assert run(capsys, "certify", p, "--reduction", "sat-relu", "-o", out)[0] == 0
    b = _bundle(out)
    assert b["claims"]["min_unsat"]["value"] == 1 and b["claims"]["satisfiable"]["value"] is False
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 0 and stdout.splitlines()[-1] == "valid"
    b["claims"]["min_unsat"]["value"] = 2
    _save(out, b)
    code, stdout, _ = run(capsys, "check-certificate", out)
    assert code == 1 and "min_unsat" in stdout.splitlines()[-1]


def test_cliquer_dimacs_graph_certifies_and_checks_from_the_cli(tmp_path, capsys):
    """Cliquer's DIMACS example graph (Debian package cliquer): kappa = 4 is YES (a 4-clique), kappa = 5
    NO (max edges 8, a DRUP proof); both bundles check, and a tampered value is rejected naming the claim."""
    import shutil
    from pathlib import Path

    src = Path(__file__).parent / "data" / "cliquer-testcase-small.clq"
    p = tmp_path / "testcase-small.clq"
    shutil.copy(src, p)
    want = {4: (6, False), 5: (8, True)}
    for kappa, (edges, proved) in want.items():
        out = tmp_path / f"k{kappa}.json"
        assert run(capsys, "certify", p, "--kappa", kappa, "--reduction", "dks-relu", "-o", out)[0] == 0
        b = _bundle(out)
        assert b["claims"]["max_edges"]["value"] == edges and (b["claims"]["max_edges"]["proof"] is not None) == proved
        code, stdout, _ = run(capsys, "check-certificate", out)
        assert code == 0 and stdout.splitlines()[-1] == "valid"
        b["claims"]["max_edges"]["value"] += 1
        _save(out, b)
        code, stdout, _ = run(capsys, "check-certificate", out)
        assert code == 1 and "max_edges" in stdout.splitlines()[-1]


def test_dks_encoding_size_estimate_and_up_front_refusal():
    """The clause estimate that guards --time-limit (the encoding is not interruptible) tracks the real size,
    and a formula too large for the time left is refused before it is built."""
    from reluhard.certificates.generate import ENCODING_CLAUSES_PER_SECOND, dks_encoding_size, prove_max_edges_at_most
    from reluhard.generators.graphs import gnp
    from reluhard.structures.graph import edge_array

    for n, p, kappa, e in ((20, 0.3, 5, 6), (40, 0.5, 6, 12), (30, 0.4, 8, 20)):
        nn, E = edge_array(gnp(n, p, seed=1))
        real = len(enc.dks_at_least(nn, E, kappa, e)[0])
        est = dks_encoding_size(nn, len(E), kappa, e)
        assert real <= est <= 1.25 * real, (n, real, est)
        limit = 0.5 * est / ENCODING_CLAUSES_PER_SECOND
        with pytest.raises(BudgetExhausted, match="no proof attempted"):
            prove_max_edges_at_most(nn, E, kappa, e, time_limit=limit)


def test_large_rows_ship_bundles_and_suite_check_checks_them(tmp_path):
    """A large-tier row (here: scaled-down shapes of the recipe's large families) gets a bundle in the key
    part when built with --large: per-block DRUP proofs for a block union, the checked part structure for a
    complete multipartite DkS row; 'suite check' reports a tampered one."""
    from reluhard.suite import _rows, _write_manifest, build_suite, check_suite

    rows = _rows("dks-relu", [("large", "no", "multipartite", {"b": 5, "r": 3, "kappa": 4}, 0, {})])
    rows += _rows("sat-relu", [("large", "no", "blocks", {"n": 60, "ratio": 4.26, "block_n": 20}, 1, {})])
    _write_manifest(tmp_path, rows)
    # the default recipe's other tiers join the manifest unbuilt (tiers=["large"] builds only these two)
    rows = build_suite(tmp_path, large=True, reductions=["dks-relu", "sat-relu"], tiers=["large"], log=lambda *_: None)
    built = [r for r in rows if r.get("built", True) and r["tier"] == "large"]
    assert len(built) == 2
    for r in built:
        certs = [f for f in r["keys"] if f.endswith(".cert.json")]
        assert len(certs) == 1, r["id"]
        b = _bundle(tmp_path / certs[0])
        if r["reduction"] == "dks-relu":
            assert b["claims"]["max_edges"]["multipartite"]["encoding"] == "complete-multipartite/v1"
        else:
            assert len(b["claims"]["min_unsat"]["blocks"]) == 3 and sum(k.endswith(".drup.gz") for k in r["keys"]) >= 3
    assert check_suite(tmp_path, reverify=False, log=lambda *_: None) == []
    dks = next(r for r in built if r["reduction"] == "dks-relu")
    path = tmp_path / next(f for f in dks["keys"] if f.endswith(".cert.json"))
    b = _bundle(path)
    b["claims"]["max_edges"]["multipartite"]["parts"][0].append(b["claims"]["max_edges"]["multipartite"]["parts"][1].pop())
    _save(path, b)
    problems = check_suite(tmp_path, reverify=False, log=lambda *_: None)
    assert any("claim max_edges failed" in p for p in problems)
