"""CNF -> exact 3-CNF (reductions/cnf_to_3cnf.py): u preserved exactly, checked by
RC2 and, on tiny formulas, by enumerating every assignment (docs/reductions/cnf-3cnf.md)."""

import itertools

import numpy as np
import pytest
from pysat.formula import CNF

from conftest import n_cases
from reluhard.cli import main
from reluhard.reductions.cnf_to_3cnf import extend_assignment, to_exact_3cnf
from reluhard.solvers.sat import min_unsat


def _falsified(clauses, values):
    """values[v] for v = 1..n (index 0 unused)."""
    return sum(not any(values[abs(l)] == (l > 0) for l in c) for c in clauses)


def _random_cnf(rng, n):
    clauses = []
    for _ in range(int(rng.integers(1, 9))):
        w = int(rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6, 7], p=[0.03, 0.12, 0.05, 0.15, 0.1, 0.15, 0.15, 0.1, 0.1, 0.05]))
        lits = [int(v) * (1 if rng.random() < 0.5 else -1) for v in rng.integers(1, n + 1, size=w)]  # repeats allowed
        clauses.append(lits)
    f = CNF(from_clauses=clauses)
    f.nv = n
    return f


def _is_exact_3cnf(f):
    return all(len(c) == 3 and len({abs(l) for l in c}) == 3 for c in f.clauses)


@pytest.mark.parametrize("seed", range(n_cases(40, 400)))
def test_u_preserved_and_minimising_extension(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    f = _random_cnf(rng, n)
    g, info = to_exact_3cnf(f)
    assert _is_exact_3cnf(g)
    assert g.nv == n + info["fresh_variables"]
    u = min(_falsified(f.clauses, [None, *a]) for a in itertools.product([False, True], repeat=n))
    assert (min_unsat(g)[0] if g.clauses else 0) == u  # RC2 on the image, enumeration on the original
    # per assignment: the extension attains the original count; every extension is >= it
    fresh = g.nv - n
    for alpha in itertools.product([False, True], repeat=n):
        vals = [None, *alpha]
        want = _falsified(f.clauses, vals)
        ext = extend_assignment(f, [v + 1 if a else -(v + 1) for v, a in enumerate(alpha)])
        assert len(ext) == g.nv
        assert _falsified(g.clauses, [None, *[l > 0 for l in ext]]) == want
        for beta in rng.random((32, fresh)) < 0.5:
            assert _falsified(g.clauses, [None, *alpha, *beta.tolist()]) >= want


@pytest.mark.parametrize("w", range(0, 9))
def test_one_clause_of_each_width_every_extension(w):
    """Claims (1) and (2) of the doc on a single clause, all assignments of all variables."""
    f = CNF(from_clauses=[[v if v % 2 else -v for v in range(1, w + 1)]])
    f.nv = w
    g, info = to_exact_3cnf(f)
    assert _is_exact_3cnf(g)
    for alpha in itertools.product([False, True], repeat=w):
        want = _falsified(f.clauses, [None, *alpha])
        counts = [_falsified(g.clauses, [None, *alpha, *beta])
                  for beta in itertools.product([False, True], repeat=info["fresh_variables"])]
        assert min(counts) == want  # (1)


def test_each_width_maps_as_documented():
    f = CNF(from_clauses=[[1], [1, 2], [1, 2, 3], [1, -2, 3, 4], [2, 2, -3], [1, -1, 4]])
    f.nv = 4
    g, info = to_exact_3cnf(f)
    assert info["dropped_tautologies"] == 1 and info["fresh_variables"] == 2 + 1 + 0 + 1 + 1
    assert info["clause_origin"] == [0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 4]
    assert g.clauses[:4] == [[1, 5, 6], [1, 5, -6], [1, -5, 6], [1, -5, -6]]
    assert g.clauses[7:9] == [[1, -2, 8], [-8, 3, 4]]


def test_convert_command_feeds_sat_relu(tmp_path, capsys):
    src = tmp_path / "f.cnf"
    src.write_text("p cnf 4 4\n1 2 0\n-1 2 3 4 0\n-2 0\n3 -4 -1 2 0\n")
    out = tmp_path / "g.cnf"
    assert main(["reduce", "sat-relu", str(src), "-o", str(tmp_path / "x.npz")]) == 2
    capsys.readouterr()
    assert main(["convert", str(src), "-o", str(out)]) == 0
    assert main(["reduce", "sat-relu", str(out), "-o", str(tmp_path / "x.npz")]) == 0
    assert main(["convert", str(src), "--json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["min_unsat_preserved"] and doc["n_original"] == 4


@pytest.mark.parametrize(
    "family,params",
    [("pigeonhole", {"pigeons": 3, "holes": 2}), ("pigeonhole", {"pigeons": 2, "holes": 2}),
     ("tseitin", {"n": 6, "d": 3}), ("parity", {"n": 3}), ("parity", {"n": 4}), ("ordering", {"n": 3})],
)
def test_cnfgen_families_known_status_and_conversion(family, params):
    from reluhard.generators.cnfgen_families import cnfgen_formula

    f, meta = cnfgen_formula(family, seed=1, **params)
    u = min_unsat(f)[0]
    assert (u == 0) == (meta["known_status"] == "satisfiable")
    g, _ = to_exact_3cnf(f)
    assert _is_exact_3cnf(g) and min_unsat(g)[0] == u


def test_generate_cnfgen_cli_is_deterministic_and_feeds_sat_relu(tmp_path, capsys):
    argv = ["generate", "cnfgen", "tseitin", "-n", "6", "-d", "3", "--seed", "4", "--to-3cnf"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == first
    path = tmp_path / "t.cnf"
    path.write_text(first)
    assert main(["reduce", "sat-relu", str(path), "-o", str(tmp_path / "t.npz")]) == 0
    assert main(["generate", "cnfgen", "ordering", "-n", "3", "--holes", "2"]) == 2
