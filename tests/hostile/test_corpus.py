"""The hostile corpus (tests/hostile/corpus.py) against the CLI's contract for bad input.

Every case: exit 2, exactly one stderr line ``reluhard: error: ...`` naming
the input and the problem, no traceback, no output or temp file left, within
2 GiB of address space (RLIMIT_AS) and 30 s. The calls run in child processes
of one harness process (tests/hostile/harness.py), so the whole corpus takes a
few seconds.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import cases, materialise

HERE = Path(__file__).parent
CASES = cases()
CATEGORIES = sorted({c.category for c in CASES})


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    work = root / "_io"
    work.mkdir()
    spec, before = [], {}
    for case in CASES:
        d = root / case.id
        d.mkdir()
        argv = materialise(case, d)
        before[case.id] = _listing(d)
        stdin = str(d / case.stdin) if case.stdin else None
        spec.append({"id": case.id, "dir": str(d), "argv": argv, "env": case.env, "stdin": stdin, "stdout": case.stdout,
                     "inject": case.inject})
    (root / "spec.json").write_text(json.dumps({"cases": spec, "work": str(work)}))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    subprocess.run([sys.executable, str(HERE / "harness.py"), str(root / "spec.json"), str(root / "results.json")],
                   check=True, timeout=900, env=env)
    return root, json.loads((root / "results.json").read_text()), before


def test_corpus_size_and_coverage():
    assert len(CASES) >= 100
    assert set(CATEGORIES) >= {"cnf", "graph", "hypergraph", "npz", "write", "results", "sweep", "suite", "generator"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(corpus_run, case):
    root, results, before = corpus_run
    res = results[case.id]
    d = root / case.id
    assert not res["killed"], f"over the time budget ({res['seconds']:.1f} s)"
    err = res["stderr"]
    assert "Traceback" not in err and "Exception ignored" not in err, err[-2000:]
    assert res["rc"] == 2, (res["rc"], err[-500:])
    lines = err.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    assert len(lines) == 1, err[-2000:]
    line = lines[0]
    assert line.startswith("reluhard: error:"), line
    assert len(line) <= 1000, f"message of {len(line)} characters"
    name = (case.name or ("{d}/" + next(iter(case.files)))).replace("{d}", str(d))
    assert name in line, (name, line)
    assert case.expect.lower() in line.lower(), (case.expect, line)
    # nothing written, nothing left over: the folder holds exactly the case's inputs
    assert _listing(d) == before[case.id], line
    for out in case.outputs:
        assert not Path(out.replace("{d}", str(d))).exists()
    if res["stdout_bytes"] is not None:
        assert res["stdout_bytes"] == 0
    assert res["max_rss_kib"] < 2 * 1024 * 1024


def test_device_nodes_untouched():
    for dev in ("/dev/null", "/dev/full", "/dev/zero"):
        assert stat.S_ISCHR(os.stat(dev).st_mode)
