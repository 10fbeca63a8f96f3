"""Datasets a researcher can use: public files without witnesses, answer keys, the .npz layout,
cards, the sklearn-style loaders and exports, certified DkS pairs."""

import json
import math
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from reluhard.answer_key import find_witnesses, key_path_for, read_key, split_witnesses, restore_witnesses
from reluhard.cli import main
from reluhard.errors import InstanceFormatError, InvalidParameterError
from reluhard.io.npz import load_training_set

from conftest import full

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    d = tmp_path_factory.mktemp("planted")
    cnf = d / "p.cnf"
    assert main(["generate", "ksat", "-n", "8", "-m", "20", "--planted", "--seed", "1", "-o", str(cnf)]) == 0
    assert main(["reduce", "sat-relu", str(cnf), "--variant", "normalized", "-o", str(d / "p.npz"), "--card"]) == 0
    return d


# ---------------------------------------------------------------- public file / key split

def test_reduce_writes_public_file_and_key(planted):
    X, y, c, meta = load_training_set(planted / "p.npz")
    assert find_witnesses(meta) == []
    key = read_key(planted / "p.key.json", training_set=planted / "p.npz")
    src_meta = json.loads(next(l for l in (planted / "p.cnf").read_text().splitlines() if l.startswith("c reluhard"))[len("c reluhard "):])
    assert key["witness"] == src_meta["certificate"]["assignment"]
    assert key["source_sha256"] == meta["source"]["sha256"]
    # the removed entries restore the original meta exactly
    full_meta = restore_witnesses(meta, key)
    assert full_meta["source"]["meta"]["certificate"]["assignment"] == key["witness"]
    # the claim is public
    assert meta["claim"]["yes_value"] == "8" and meta["claim"]["min_unsat"] == 0 and meta["claim"]["eps"] == meta["eps"]


def test_split_keeps_flags_and_strips_witness_lists():
    meta = {"params": {"planted": True}, "certificate": {"set": [1, 2], "max_edges": 3}, "x": [{"network": {"w": 1}}]}
    pub, removed = split_witnesses(meta)
    assert pub == {"params": {"planted": True}, "certificate": {"max_edges": 3}, "x": [{}]}
    assert restore_witnesses(pub, {"removed": removed}) == meta


def test_fit_uses_a_key_only_when_given(planted, monkeypatch, capsys):
    import reluhard.solvers.base as base

    seen = []
    real = base.get_fitter

    def spy(name):
        f = real(name)

        def wrapped(data, **kw):
            seen.append(list(kw["starts"]))
            return f(data, **kw)
        return wrapped

    monkeypatch.setattr(base, "get_fitter", spy)
    npz, key = str(planted / "p.npz"), str(planted / "p.key.json")
    assert main(["fit", npz, "--restarts", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["answer_key"] is None and seen[-1] == []
    assert main(["fit", npz, "--restarts", "1", "--key", key]) == 0
    assert "answer key: " + key in capsys.readouterr().out and len(seen[-1]) == 1
    assert seen[-1][0].to_json() == read_key(key)["network"]
    # a key of another training set is refused
    other = planted / "other.npz"
    assert main(["reduce", "sat-relu", str(planted / "p.cnf"), "-o", str(other), "--key-out", str(planted / "o.key.json")]) == 0
    assert main(["fit", str(other), "--key", key]) == 2
    assert main(["fit", npz, "--key", str(planted / "p.cnf")]) == 2
    capsys.readouterr()


def test_verify_says_whether_a_key_was_used(planted, capsys):
    cnf, key = str(planted / "p.cnf"), str(planted / "p.key.json")
    assert main(["verify", cnf, "--reduction", "sat-relu", "--methods", "gd", "--restarts", "2"]) in (0, 3)
    assert "answer key: none used" in capsys.readouterr().out
    assert main(["verify", cnf, "--reduction", "sat-relu", "--methods", "gd", "--restarts", "2", "--key", key]) in (0, 3)
    assert f"answer key: {key}" in capsys.readouterr().out


# ---------------------------------------------------------------- .npz layout

def test_foreign_reader_sees_the_training_data(planted):
    X, y, c, meta = load_training_set(planted / "p.npz")
    Xf = sp.load_npz(planted / "p.npz")
    assert np.array_equal(Xf.toarray(), X.toarray())
    assert np.abs(X).max() < 1  # normalised: unit-ball data
    Xr, yr, _, _ = load_training_set(planted / "p.npz", raw=True)
    assert set(np.unique(Xr.data)) <= {-2.0, -1.0, 1.0} and set(np.unique(yr)) <= {0.0, 1.0}
    xs = Fraction(meta["scale"]["x_sq"])
    assert np.allclose(X.toarray(), Xr.toarray() * math.sqrt(xs), rtol=0, atol=1e-15)
    with np.load(planted / "p.npz") as z:
        assert {"raw_data", "raw_y"} <= set(z.files) and np.array_equal(z["y"], y)


def test_version_1_files_still_load(planted, tmp_path):
    Xr, yr, c, meta = load_training_set(planted / "p.npz", raw=True)
    meta = dict(meta, format_version=1)
    old = tmp_path / "v1.npz"
    with zipfile.ZipFile(old, "w") as zf:  # the v1 layout: data = unscaled values, normalised on load
        import io

        for k, v in {"data": Xr.data, "indices": Xr.indices, "indptr": Xr.indptr, "shape": np.array(Xr.shape),
                     "format": np.array("csr"), "y": yr, "sample_weight": c, "meta": np.array(json.dumps(meta))}.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(v), allow_pickle=False)
            zf.writestr(k + ".npy", buf.getvalue())
    X1 = load_training_set(old)[0]
    assert np.allclose(X1.toarray(), load_training_set(planted / "p.npz")[0].toarray(), rtol=0, atol=1e-15)
    assert np.array_equal(load_training_set(old, raw=True)[0].toarray(), Xr.toarray())


# ---------------------------------------------------------------- cards

CARD_FIELDS = ("model_class", "loss_unit", "meaning", "certified", "eps", "eps_unit", "sizes", "sha256", "generated_by",
               "license", "citation", "source")


def test_card_lists_every_field(planted):
    card = json.loads((planted / "p.card.json").read_text())
    for f in CARD_FIELDS:
        assert card.get(f) is not None, f
    for f in ("yes_value", "no_bound", "statement", "source"):
        assert card["certified"][f] is not None, f
    md = (planted / "p.card.md").read_text()
    for word in ("Model class", "Loss unit", "YES / NO", "Certified", "eps", "Sizes", "sha256", "Generated by", "License", "Citation"):
        assert word in md, word
    cr = json.loads((planted / "p.croissant.json").read_text())
    assert cr["@type"] == "sc:Dataset" and cr["conformsTo"].endswith("croissant/1.0")
    assert cr["distribution"][0]["sha256"] == card["sha256"]
    assert find_witnesses(card) == [] and find_witnesses(cr) == []


# ---------------------------------------------------------------- loaders

def test_make_sat_relu_no_is_certified_and_round_trips(tmp_path):
    from reluhard.datasets import make_sat_relu

    n = 20000 if full() else 1000
    ds = make_sat_relu(n, 4.26, kind="no", seed=3, path=tmp_path / "no.npz", return_key=True)
    m = ds.meta["n_clauses"]
    assert ds.certificate["min_unsat"] >= 0.01 * m
    assert ds.data.shape == (1 + 2 * n + m, n + 1)
    s = Fraction(ds.certificate["soundness_bound"])
    assert s > n and ds.certificate["soundness_bound_float"] == float(s)
    X, y, c, meta = load_training_set(tmp_path / "no.npz")
    assert (ds.data != X).nnz == 0 and np.array_equal(ds.target, y) and np.array_equal(ds.sample_weight, c)
    assert find_witnesses(ds.meta) == [] and "# Dataset card" in ds.DESCR and ds.data is ds["data"]
    # the key holds the optimal assignment (falsifying exactly u clauses) and its lifted network
    assert len(ds.key["witness"]) == n and ds.key["network"] is not None
    assert {tuple(r["path"]) for r in ds.key["removed"]} == {("source", "meta", "optimum", "assignment")}
    yes = make_sat_relu(n, 4.26, kind="yes", seed=3)
    assert yes.certificate["min_unsat"] == 0 and yes.data.shape[0] == ds.data.shape[0]


def test_make_dks_relu_pair_and_closed_form():
    from reluhard.datasets import make_dks_relu
    from reluhard.generators.dks_scale import multipartite_pair
    from reluhard.solvers.dks import brute_force_dks

    for kappa, b in ((3, 2), (4, 2), (4, 3), (5, 2)):
        for kind in ("yes", "no"):
            G = multipartite_pair(kappa, b, kind=kind, seed=kappa * b)
            cert = G.graph["reluhard"]["certificate"]
            best, _ = brute_force_dks(G, kappa)
            assert best == cert["max_edges"] == math.comb(kappa, 2) - (kind == "no")
            assert G.subgraph(cert["set"]).number_of_edges() == cert["max_edges"]
    no = make_dks_relu(4, 3, kind="no", seed=1, return_key=True)
    assert no.certificate["soundness_bound"] is not None and find_witnesses(no.meta) == []
    assert no.key["removed"]


def test_bunch_is_a_dict_with_attributes():
    from reluhard.datasets import Bunch

    b = Bunch(a=1)
    b.c = 2
    assert b["c"] == 2 and b.a == 1 and isinstance(b, dict)
    with pytest.raises(AttributeError):
        b.nope


def test_load_suite_round_trip_against_the_files():
    from reluhard.datasets import bundled_suite, load_suite, suite_rows
    from reluhard.suite import read_manifest

    folder = REPO / "instances"
    if not (folder / "manifest.json").exists():
        pytest.skip("no committed suite in this checkout")
    assert bundled_suite().resolve() == folder.resolve()  # editable install: the package data is instances/
    ids = suite_rows()
    assert "sat-relu/medium/no" in ids and "sat-relu/tiny/yes" in ids
    ds = load_suite("sat-relu/medium/no", with_key=True)
    row = next(r for r in read_manifest(folder)["rows"] if r["id"] == "sat-relu/medium/no")
    X, y, c, meta = load_training_set(folder / "sat-relu/medium/no.npz")
    assert (ds.data != X).nnz == 0 and np.array_equal(ds.target, y)
    assert ds.certificate["min_unsat"] == row["combinatorial"]["optimum"] >= 1
    assert ds.certificate["soundness_bound"] == row["bounds"]["soundness_bound"]
    assert ds.DESCR == (folder / "sat-relu/medium/no.card.md").read_text()
    assert ds.key["optimum"]["value"] == row["combinatorial"]["optimum"]
    with pytest.raises(InvalidParameterError):
        load_suite("sat-relu/large/no")
    with pytest.raises(InvalidParameterError):
        load_suite("nope")


def test_parquet_round_trip(planted, tmp_path):
    pytest.importorskip("pyarrow")
    from reluhard.datasets import read_parquet, to_parquet

    to_parquet(planted / "p.npz", tmp_path / "p.parquet")
    X, y, c, meta = read_parquet(tmp_path / "p.parquet")
    X0, y0, c0, meta0 = load_training_set(planted / "p.npz")
    assert (X != X0).nnz == 0 and X.shape == X0.shape and np.array_equal(y, y0) and np.array_equal(c, c0) and meta == meta0


# ---------------------------------------------------------------- the suite's public part

def test_suite_check_finds_a_witness_in_a_public_file(tmp_path, capsys):
    from reluhard.io.dimacs import write_cnf
    from reluhard.io.instances import read_instance
    from reluhard.structures.cnf import instance_meta
    from reluhard.suite import build_suite, check_suite, sha256_file

    folder = tmp_path / "s"
    build_suite(folder, reductions=["sat-relu"], log=lambda m: None)
    assert check_suite(folder, log=lambda m: None) == []
    for f in folder.rglob("*"):
        if f.is_file() and "keys" not in f.parts and f.name != "manifest.json":
            if f.suffix == ".npz":
                assert find_witnesses(load_training_set(f)[3]) == []
    # put the planted assignment back into the public source and fix its hash: the check must object
    src = folder / "sat-relu/tiny/yes.cnf"
    key = read_key(folder / "keys/sat-relu/tiny/yes.key.json")
    cnf = read_instance(src, "cnf")
    meta = instance_meta(cnf)
    meta["certificate"] = {"assignment": key["witness"]}
    write_cnf(src, cnf, meta=meta)
    m = json.loads((folder / "manifest.json").read_text())
    row = next(r for r in m["rows"] if r["id"] == "sat-relu/tiny/yes")
    row["files"]["sat-relu/tiny/yes.cnf"] = sha256_file(src)
    (folder / "manifest.json").write_text(json.dumps(m))
    problems = check_suite(folder, reverify=False, log=lambda m: None)
    assert problems == ["sat-relu/tiny/yes: public file sat-relu/tiny/yes.cnf holds a witness at certificate.assignment"]
    # without the key part the public part still checks (hashes, witnesses)
    import shutil

    shutil.rmtree(folder / "keys")
    write_cnf(src, cnf, meta={k: v for k, v in meta.items() if k != "certificate"})
    row["files"]["sat-relu/tiny/yes.cnf"] = sha256_file(src)
    (folder / "manifest.json").write_text(json.dumps(m))
    assert check_suite(folder, log=lambda m: None) == []
    capsys.readouterr()


def test_suite_parquet_cli(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    from reluhard.datasets import read_parquet

    folder = REPO / "instances"
    if not (folder / "manifest.json").exists():
        pytest.skip("no committed suite in this checkout")
    out = tmp_path / "t.parquet"
    assert main(["suite", "parquet", str(folder), "sat-relu/tiny/no", "-o", str(out)]) == 0
    X, y, c, meta = read_parquet(out)
    X0, y0, c0, _ = load_training_set(folder / "sat-relu/tiny/no.npz")
    assert (X != X0).nnz == 0 and np.array_equal(y, y0)
    assert main(["suite", "parquet", str(folder), "nope", "-o", str(out)]) == 2
    capsys.readouterr()


def test_bad_key_out_leaves_no_file(planted, tmp_path, capsys):
    out = tmp_path / "t.npz"
    assert main(["reduce", "sat-relu", str(planted / "p.cnf"), "-o", str(out), "--key-out", str(tmp_path / "no" / "k.json")]) == 2
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert "does not exist" in capsys.readouterr().err


def test_multipartite_union_profile_matches_brute_force():
    from reluhard.generators.dks_scale import multipartite_profile, multipartite_union, union_profile
    from reluhard.solvers.dks import brute_force_dks

    for kappa, b, copies in ((3, 2, 2), (4, 2, 2), (4, 2, 3), (5, 2, 2)):
        for kind in ("yes", "no"):
            G = multipartite_union(kappa, b, copies, kind=kind, seed=copies)
            cert = G.graph["reluhard"]["certificate"]
            assert brute_force_dks(G, kappa)[0] == cert["max_edges"] == math.comb(kappa, 2) - (kind == "no")
            assert G.subgraph(cert["set"]).number_of_edges() == cert["max_edges"]
    # the per-copy profile and the convolution at every k, against brute force
    import networkx as nx

    from reluhard.generators.graphs import complete_multipartite

    H = complete_multipartite([2, 2, 2])
    prof = multipartite_profile(2, 3)
    H1 = H.copy()
    H1.add_edge(0, 1)  # an edge inside part 0
    prof1 = multipartite_profile(2, 3, extra_edge=True)
    for k in range(2, 7):
        assert brute_force_dks(H, k)[0] == prof[k] and brute_force_dks(H1, k)[0] == prof1[k]
    U = nx.disjoint_union(H, complete_multipartite([3, 3]))
    for k in range(2, 8):
        assert brute_force_dks(U, k)[0] == union_profile([prof, multipartite_profile(3, 2)], k)


def test_chain_claims_are_certified_from_the_source():
    from reluhard.datasets import make_sat_krelu

    yes = make_sat_krelu(40, kind="yes", seed=2)
    no = make_sat_krelu(40, kind="no", seed=2, return_key=True)
    assert yes.certificate["realizable"] is True and no.certificate["realizable"] is False
    assert no.certificate["min_unsat"] >= 2 and find_witnesses(no.meta) == [] and no.key["witness"]
