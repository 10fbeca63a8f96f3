"""Every code folder is installed under the one ``reluhard`` namespace.

A non-editable install only ships the packages that setup.cfg lists, so a
new subpackage missing from ``packages``/``package_dir`` would work in a
development checkout and fail for users.
"""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"reluhard": "reluhard", "reductions": "reluhard.reductions", "generators": "reluhard.generators", "solvers": "reluhard.solvers"}


def _declared():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    packages = set(cfg["options"]["packages"].split())
    mapping = {}
    for line in cfg["options"]["package_dir"].strip().splitlines():
        name, _, folder = (part.strip() for part in line.partition("="))
        mapping[name] = folder
    return packages, mapping


def test_every_package_folder_is_declared():
    packages, mapping = _declared()
    for top, namespace in FOLDERS.items():
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top)
            name = ".".join([namespace, *rel.parts]) if rel.parts else namespace
            assert name in packages, f"{name} ({init.parent}) missing from setup.cfg packages"
            assert Path(mapping[name]) == init.parent.relative_to(ROOT), f"{name} maps to {mapping.get(name)}"


def test_no_bare_top_level_packages():
    packages, _ = _declared()
    assert all(p == "reluhard" or p.startswith("reluhard.") for p in packages)
