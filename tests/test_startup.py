"""Start-up stays light: `reluhard --help` and a seed check import no numpy; k-SAT generation no networkx."""

import subprocess
import sys


def _modules_after(code):
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_help_imports_no_numpy():
    mods = _modules_after(
        "import contextlib, io\nfrom reluhard.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
        "from reluhard.seeding import check_seed\nassert check_seed(7) == 7"
    )
    assert "reluhard.cli" in mods and "reluhard.seeding" in mods
    assert "numpy" not in mods and "scipy" not in mods and "networkx" not in mods


def test_ksat_generation_imports_no_networkx():
    mods = _modules_after("from reluhard.generators.ksat import ksat_array\nksat_array(5, 3, seed=1)")
    assert "numpy" in mods and "networkx" not in mods
    mods = _modules_after("import reluhard.generators as g\ng.gnp")  # lazy names still resolve
    assert "networkx" in mods


def test_generate_ksat_cli_imports_numpy_only(tmp_path):
    out = tmp_path / "f.cnf"
    mods = _modules_after(f"from reluhard.cli import main\nassert main(['generate', 'ksat', '-n', '30', '-m', '90', '--seed', '1', '-o', {str(out)!r}]) == 0")
    assert out.exists() and "numpy" in mods
    # no scipy, networkx or the sweep family registry (its entry points) on the generation path
    assert not {"scipy", "networkx", "reluhard.sweep", "reluhard.data"} & mods
