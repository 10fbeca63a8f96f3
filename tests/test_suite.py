"""The benchmark suite: build, manifest rows, hash check (and its failures), the committed suite, loaders."""

import json
import shutil
import sys
import types
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from reluhard.cli import main
from reluhard.errors import InstanceFormatError, InvalidParameterError
from reluhard.suite import HARD_NS, build_suite, check_suite, default_recipe, load, read_manifest, sha256_file, to_svmlight, torch_dataset

REPO = Path(__file__).resolve().parents[1]
INSTANCES = REPO / "instances"


@pytest.fixture(scope="module")
def small_suite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("suite")
    build_suite(folder, reductions=["sat-relu", "hypergraph-krelu"], log=lambda m: None)
    return folder


def test_default_recipe_covers_every_registered_reduction():
    from reluhard.reductions import get_reduction, reduction_names

    for name in reduction_names():
        if get_reduction(name).target_kind != "relu":
            continue
        rows = default_recipe(name)
        tiers = ("tiny", "medium", "large") + (("xlarge", "lowdim") if name == "sat-relu" else ())
        hard = {f"sat-relu/hard/n{n}" for n in HARD_NS} if name == "sat-relu" else set()
        assert {(r["tier"], r["answer"]) for r in rows if r["tier"] != "hard"} == {(t, a) for t in tiers for a in ("yes", "no")}, name
        assert {r["id"] for r in rows if r["tier"] == "hard"} == hard  # planted R1: YES rows, min L = n certified
        assert all(r["answer"] == "yes" for r in rows if r["tier"] == "hard")
        assert len({r["id"] for r in rows}) == 2 * len(tiers) + len(hard)


def test_manifest_rows(small_suite):
    rows = read_manifest(small_suite)["rows"]
    built = [r for r in rows if r["built"]]
    assert {r["id"] for r in built} == ({f"{red}/{t}/{a}" for red in ("sat-relu", "hypergraph-krelu") for t in ("tiny", "medium") for a in ("yes", "no")}
                                        | {f"sat-relu/lowdim/{a}" for a in ("yes", "no")} | {f"sat-relu/hard/n{n}" for n in HARD_NS})
    assert {r["id"] for r in rows if not r["built"]} == ({f"{red}/large/{a}" for red in ("sat-relu", "hypergraph-krelu") for a in ("yes", "no")}
                                                         | {f"sat-relu/xlarge/{a}" for a in ("yes", "no")})
    for r in built:
        assert r["combinatorial"]["proven"]
        assert (r["combinatorial"]["optimum"] == 0) == (r["answer"] == "yes")
        for rel, digest in r["files"].items():
            assert sha256_file(small_suite / rel) == digest
        if r["tier"] == "tiny":
            assert r["verified"]["status"] == "ok" and all(r["verified"]["checks"].values())
    # sat-relu rows: the certified band of the design note, exact rationals
    no = next(r for r in built if r["id"] == "sat-relu/medium/no")
    n, u = no["params"]["n"], no["combinatorial"]["optimum"]
    assert no["bounds"]["completeness_loss"] == str(n + u)
    s = Fraction(no["bounds"]["soundness_bound"])
    assert n < s <= n + u and float(s) == no["bounds"]["soundness_bound_float"]
    assert Fraction(no["eps"]) == (s - n) / Fraction(no["total_weight"]).limit_denominator(10**9)
    yes = next(r for r in built if r["id"] == "sat-relu/medium/yes")
    assert yes["bounds"]["soundness_bound"] == yes["bounds"]["completeness_loss"] == str(yes["params"]["n"]) and yes["eps"] is None


def test_check_passes_and_catches_tampering(small_suite, tmp_path, capsys):
    assert check_suite(small_suite, log=lambda m: None) == []
    folder = tmp_path / "copy"
    shutil.copytree(small_suite, folder)
    assert main(["suite", "check", str(folder)]) == 0
    # one flipped byte in a training set
    npz = folder / "sat-relu" / "medium" / "no.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    problems = check_suite(folder, log=lambda m: None)
    assert len(problems) == 1 and "sat-relu/medium/no: sat-relu/medium/no.npz has sha256" in problems[0]
    assert main(["suite", "check", str(folder)]) == 1
    # a wrong certified bound in the manifest of a tiny row is caught by the re-verification
    m = json.loads((folder / "manifest.json").read_text())
    row = next(r for r in m["rows"] if r["id"] == "sat-relu/tiny/no")
    row["bounds"]["soundness_bound_float"] += 0.5
    (folder / "manifest.json").write_text(json.dumps(m))
    problems = check_suite(folder, log=lambda m: None)
    assert any("sat-relu/tiny/no: soundness_bound_float recomputes" in p for p in problems)
    # a missing source file
    (folder / "hypergraph-krelu" / "tiny" / "yes.hgr").unlink()
    assert any("yes.hgr is missing" in p for p in check_suite(folder, reverify=False, log=lambda m: None))
    capsys.readouterr()


def test_rebuild_is_byte_identical(small_suite, tmp_path):
    folder = tmp_path / "again"
    build_suite(folder, reductions=["sat-relu"], log=lambda m: None)
    a = {r["id"]: r["files"] for r in read_manifest(small_suite)["rows"] if r["built"] and r["reduction"] == "sat-relu"}
    b = {r["id"]: r["files"] for r in read_manifest(folder)["rows"] if r["built"]}
    assert a == b


def test_committed_suite_is_intact():
    if not (INSTANCES / "manifest.json").exists():
        pytest.skip("no committed suite in this checkout")
    assert check_suite(INSTANCES, log=lambda m: None) == []
    size = sum(p.stat().st_size for p in INSTANCES.rglob("*") if p.is_file())
    assert size < 5 * 2**20, "the committed suite must stay lean"
    from reluhard.reductions import get_reduction, reduction_names

    ids = {r["id"] for r in read_manifest(INSTANCES)["rows"] if r["built"]}
    for name in reduction_names():
        if get_reduction(name).target_kind == "relu":
            assert {f"{name}/{t}/{a}" for t in ("tiny", "medium") for a in ("yes", "no")} <= ids, name


def test_load_and_svmlight_round_trip(small_suite, tmp_path, capsys):
    X, y, c, meta = load(small_suite, "sat-relu/tiny/no")
    assert meta["reduction"] == "sat-relu" and X.shape[0] == y.shape[0] == c.shape[0]
    with pytest.raises(InvalidParameterError):
        load(small_suite, "sat-relu/large/no")  # listed, not built
    with pytest.raises(InvalidParameterError):
        load(small_suite, "nope")
    row = next(r for r in read_manifest(small_suite)["rows"] if r["id"] == "sat-relu/tiny/no")
    npz = small_suite / next(f for f in row["files"] if f.endswith(".npz"))
    out, wfile = to_svmlight(npz, tmp_path / "t.svmlight")
    # our own reading of the format: label, then 1-based id:value pairs
    dense = np.zeros(X.shape)
    labels = []
    for i, line in enumerate(l for l in Path(out).read_text().splitlines() if not l.startswith("#")):
        parts = line.split()
        labels.append(float(parts[0]))
        for tok in parts[1:]:
            j, v = tok.split(":")
            dense[i, int(j) - 1] = float(v)
    assert np.array_equal(dense, X.toarray()) and np.array_equal(labels, y)
    assert np.array_equal(np.loadtxt(wfile), c)
    # the CLI form, and its typed refusals
    assert main(["suite", "svmlight", str(small_suite), "sat-relu/tiny/no", "-o", str(tmp_path / "cli.svmlight")]) == 0
    assert (tmp_path / "cli.svmlight").read_text().splitlines()[1:] == Path(out).read_text().splitlines()[1:]
    assert main(["suite", "svmlight", str(small_suite), "sat-relu/large/no", "-o", str(tmp_path / "x")]) == 2
    assert main(["suite", "svmlight", str(small_suite), "nope", "-o", str(tmp_path / "x")]) == 2
    sk = pytest.importorskip("sklearn.datasets")
    Xs, ys = sk.load_svmlight_file(out, n_features=X.shape[1])
    assert np.array_equal(Xs.toarray(), X.toarray()) and np.array_equal(ys, y)


def test_torch_adapter_with_a_stub(monkeypatch, small_suite):
    # torch is never a dependency: the adapter is exercised against a minimal stand-in
    class Dataset:
        pass

    stub = types.ModuleType("torch")
    stub.float32 = "float32"
    stub.utils = types.SimpleNamespace(data=types.SimpleNamespace(Dataset=Dataset))
    stub.as_tensor = lambda a, dtype=None: np.asarray(a, dtype=np.float32)
    monkeypatch.setitem(sys.modules, "torch", stub)
    row = next(r for r in read_manifest(small_suite)["rows"] if r["id"] == "sat-relu/tiny/yes")
    npz = small_suite / next(f for f in row["files"] if f.endswith(".npz"))
    ds = torch_dataset(npz)
    X, y, c, _ = load(small_suite, "sat-relu/tiny/yes")
    assert isinstance(ds, Dataset) and len(ds) == X.shape[0]
    x0, y0, c0 = ds[0]
    assert np.array_equal(x0, X.toarray()[0]) and y0 == y[0] and c0 == c[0]


def test_bad_folder_is_a_typed_error(tmp_path, capsys):
    with pytest.raises(InstanceFormatError):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("[1, 2]")
    assert main(["suite", "check", str(tmp_path)]) == 2
    capsys.readouterr()


def test_committed_keys_name_their_training_sets():
    """Every answer key names the sha256 of the training set it belongs to (a rebuilt row's key is never stale)."""
    from reluhard.io.atomic import sha256_file

    folder = Path(__file__).resolve().parents[1] / "instances"
    man = json.loads((folder / "manifest.json").read_text())
    n = 0
    for row in (r for r in man["rows"] if r.get("built")):
        for rel in row.get("keys", {}):
            if rel.endswith(".key.json"):
                key = json.loads((folder / rel).read_text())
                npz = folder / row["reduction"] / row["tier"] / key["training_set"]["file"]
                assert key["training_set"]["sha256"] == sha256_file(npz), rel
                n += 1
    assert n >= 20
