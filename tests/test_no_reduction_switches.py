"""Knowledge about one reduction lives in its module, never in the pipeline.

The pipeline modules (verify, pipeline, sweep, suite, explain) and every solver
may not compare anything with a reduction name, a source-problem name or a
data-type tag, nor read ``data_type``: those facts are declared on the
``Reduction`` (``source``, ``exact``, ``cell_bound``, ``explain``). Docstrings
and messages may mention names; comparisons and lookups may not.
"""

import ast
from pathlib import Path

import pytest

from reluhard.reductions import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = ["reluhard/verify.py", "reluhard/pipeline.py", "reluhard/suite.py", "reluhard/explain.py"]
PIPELINE += sorted(str(p.relative_to(ROOT)) for p in (ROOT / "reluhard" / "sweep").glob("*.py"))
PIPELINE += sorted(str(p.relative_to(ROOT)) for p in (ROOT / "solvers").rglob("*.py"))

FORBIDDEN = set(REGISTRY) | {"maxsat", "dks", "2-colouring", "colouring", "r1", "krelu"}


def _strings(node):
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def offences(source):
    tree = ast.parse(source)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for s in _strings(node):
                if s in FORBIDDEN:
                    out.append((node.lineno, f"compares with {s!r}"))
        elif isinstance(node, ast.Dict):
            for k in node.keys:
                if isinstance(k, ast.Constant) and k.value in FORBIDDEN:
                    out.append((node.lineno, f"dispatch table keyed by {k.value!r}"))
        elif isinstance(node, ast.Constant) and node.value == "data_type":
            out.append((node.lineno, "reads data_type"))
        elif isinstance(node, ast.Attribute) and node.attr == "data_type":
            out.append((node.lineno, "reads data_type"))
    return out


@pytest.mark.parametrize("rel", PIPELINE)
def test_no_switch_on_reduction_names(rel):
    assert offences((ROOT / rel).read_text(encoding="utf-8")) == [], rel


def test_the_checker_catches_switches():
    assert offences('if red.name == "sat-relu":\n    pass\n')
    assert offences('x = meta.get("data_type") == "r1"\n')
    assert offences('if problem in ("maxsat", "dks"):\n    pass\n')
    assert offences('T = {"dks": 1}\n')
    assert not offences('"""sat-relu is mentioned in a docstring"""\nmsg = "see sat-relu"\n')
