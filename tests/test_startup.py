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


def _blas_after(argv, env_extra):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env.update(env_extra)
    code = (f"import os, sys\nfrom reluhard.cli import main\ncode = main({argv!r})\n"
            "from threadpoolctl import threadpool_info\n"
            "print(os.environ.get('OPENBLAS_NUM_THREADS'), [p['num_threads'] for p in threadpool_info() if p['internal_api'] == 'openblas'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return out.stdout.strip().splitlines()[-1].split(None, 1)


def test_blas_free_commands_start_no_blas_pool(tmp_path):
    """generate/reduce never multiply dense matrices: OpenBLAS gets one thread, unless the user chose a count."""
    cnf = str(tmp_path / "f.cnf")
    var, pools = _blas_after(["generate", "ksat", "-n", "30", "-m", "90", "--seed", "1", "-o", cnf], {})
    assert var == "1" and pools.strip() in ("[1]", "[]")
    var, pools = _blas_after(["generate", "ksat", "-n", "30", "-m", "90", "--seed", "1", "-o", cnf], {"OPENBLAS_NUM_THREADS": "2"})
    assert var == "2"  # the user's environment wins
    var, _ = _blas_after([], {})  # (prints the usage and returns 2)
    assert var == "None"  # other commands keep the default pool (the solvers scope their own limits)
