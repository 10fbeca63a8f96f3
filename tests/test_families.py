"""One name per instance family: ``generate family NAME``, sweeps and the suite share the family registry."""

from reluhard.cli import main
from reluhard.pipeline import write_source
from reluhard.sweep.grid import FAMILIES, FAMILY_REGISTRY, Family, build_instance, expand_cells, make_spec


def test_generate_family_writes_what_a_sweep_cell_builds(tmp_path, capsys):
    out = tmp_path / "a.clq"
    assert main(["generate", "family", "planted-clique", "--param", "n=8", "--param", "p=0.3", "--param", "kappa=3",
                 "--seed", "4", "-o", str(out)]) == 0
    G = build_instance({"family": "planted-clique", "params": {"n": 8, "p": 0.3, "kappa": 3}, "seed": 4})
    write_source(tmp_path / "b.clq", G, "graph")
    assert out.read_bytes() == (tmp_path / "b.clq").read_bytes()
    assert main(["generate", "family", "ksat", "--param", "n=3", "-o", str(tmp_path / "c.cnf")]) == 2  # m or ratio missing
    assert main(["generate", "family", "no-such-family", "-o", str(tmp_path / "d")]) == 2
    assert "no-such-family" in capsys.readouterr().err


def test_a_registered_family_is_accepted_everywhere(tmp_path):
    def build(params, seed):
        return build_instance({"family": "ksat", "params": {"n": int(params["n"]), "m": 4 * int(params["n"])}, "seed": seed})

    FAMILY_REGISTRY.register("my-ksat", Family("my-ksat", "cnf", {"n": (int, None)}, ("n",), build, "test family"))
    try:
        assert "my-ksat" in FAMILY_REGISTRY.names() and "my-ksat" not in FAMILIES
        cells = expand_cells(make_spec(reductions="sat-relu", family="my-ksat", grid={"n": [3, 4]}, seeds=1))
        assert [c["family"] for c in cells] == ["my-ksat", "my-ksat"]
        assert main(["generate", "family", "my-ksat", "--param", "n=5", "--seed", "1", "-o", str(tmp_path / "f.cnf")]) == 0
    finally:
        FAMILY_REGISTRY.unregister("my-ksat")
