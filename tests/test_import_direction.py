"""Dependencies point one way (checked on every import, module level or lazy, by walking the AST):

    cli -> commands -> pipeline (verify, pipeline, sweep, suite, explain, testing, bench, datasets,
        certificates, verdicts, answer_key, cards) -> reductions, solvers -> generators -> io -> structures
        -> base (errors, seeding, data, registry, threads, progress)

A module may import its own layer or any layer below; reductions and solvers
never import each other (a reduction receives certified values as arguments,
a solver receives a reduction's theorem as a callable); nothing imports the cli
or the commands except the cli.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: package folder (as installed) -> source folder
PACKAGES = {"reluhard": ROOT / "reluhard", "reluhard.reductions": ROOT / "reductions",
            "reluhard.solvers": ROOT / "solvers", "reluhard.generators": ROOT / "generators"}

BASE = {"reluhard", "reluhard.errors", "reluhard.seeding", "reluhard.data", "reluhard.registry", "reluhard.threads",
        "reluhard.progress"}
PIPELINE = ("reluhard.pipeline", "reluhard.verify", "reluhard.sweep", "reluhard.suite", "reluhard.explain",
            "reluhard.testing", "reluhard.bench", "reluhard.datasets", "reluhard.certificates", "reluhard.verdicts",
            "reluhard.answer_key", "reluhard.cards")
RANK = {"base": 0, "structures": 1, "io": 2, "generators": 3, "reductions": 4, "solvers": 4, "pipeline": 5, "commands": 6, "cli": 7}

#: known back-edges still to be removed (none: keep the mechanism for a documented exception)
KNOWN = set()


def layer(mod):
    def under(p):
        return mod == p or mod.startswith(p + ".")

    if mod in BASE:
        return "base"
    for name, prefix in (("structures", "reluhard.structures"), ("io", "reluhard.io"), ("generators", "reluhard.generators"),
                         ("reductions", "reluhard.reductions"), ("solvers", "reluhard.solvers"),
                         ("commands", "reluhard.commands"), ("cli", "reluhard.cli")):
        if under(prefix):
            return name
    if any(under(p) for p in PIPELINE):
        return "pipeline"
    return None


def modules():
    for pkg, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if pkg == "reluhard" and parts and parts[0] in ("reductions", "solvers", "generators"):
                continue
            name = ".".join([pkg] + parts)
            yield name, path, path.name == "__init__.py"


def imports(name, path, is_pkg):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            if mod:
                yield mod
                for a in node.names:  # "from pkg import submodule"
                    yield f"{mod}.{a.name}"


def violations():
    known = {n for n, _, _ in modules()}
    out = []
    for name, path, is_pkg in modules():
        src = layer(name)
        for target in set(imports(name, path, is_pkg)):
            if not target.startswith("reluhard") or (target not in known and target.rsplit(".", 1)[0] not in known):
                continue
            if target not in known:
                target = target.rsplit(".", 1)[0]
            dst = layer(target)
            if src is None or dst is None or (name, target) in KNOWN:
                continue
            if RANK[dst] > RANK[src] or {src, dst} == {"reductions", "solvers"}:
                out.append(f"{name} ({src}) imports {target} ({dst})")
    return sorted(out)


def test_every_module_has_a_layer():
    assert [n for n, _, _ in modules() if layer(n) is None] == []


def test_dependencies_point_one_way():
    assert violations() == []


def test_the_checker_sees_a_back_edge(tmp_path, monkeypatch):
    fake = tmp_path / "solvers"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "bad.py").write_text("def f():\n    from reluhard.reductions.sat_to_relu import REDUCTION\n    from reluhard.verify import verify\n")
    monkeypatch.setitem(PACKAGES, "reluhard.solvers", fake)
    found = violations()
    assert any("reluhard.solvers.bad" in v and "reductions" in v for v in found)
    assert any("reluhard.solvers.bad" in v and "reluhard.verify" in v for v in found)


def test_known_back_edges_are_still_real():
    """An exception that no longer exists must be dropped from KNOWN."""
    for name, target in KNOWN:
        path = next(p for n, p, _ in modules() if n == name)
        assert target in set(imports(name, path, False))
