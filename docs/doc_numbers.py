"""Every number the docs quote, produced by the code that makes it true.

(Not ``numbers.py``: run as a script, that name would shadow the standard library's
``numbers`` module.) Run ``python docs/doc_numbers.py --check`` (exit 1, one diff per stale number) or
``python docs/doc_numbers.py --write`` (rewrite the marked spans in place).
``tests/test_docs_numbers.py`` runs the check on README.md, docs/tutorial*.md,
docs/*.md and docs/reductions/*.md.

Marker syntax (Markdown; the markers are HTML comments, invisible when rendered)
-------------------------------------------------------------------------------

1. **A computed value**, inline::

       the bound is <!-- n:all8.soundness -->29/9<!-- /n --> exactly

   ``all8.soundness`` names a function registered with ``@number("all8.soundness")``
   in this file or in any ``docs/doc_numbers_*.py`` beside it (a helper adds its own
   file; each is imported by this one). The text between the markers must equal
   the function's return value (a string). Keep them cheap: they run in the
   default test (a number that needs minutes belongs behind ``@number(..., slow=True)``,
   checked with ``--full`` / ``RELUHARD_FULL=1``).

2. **A command transcript**: the fenced block right after a line ``<!-- session -->``
   (``<!-- session slow -->``: only with ``--full``) holds ``$ command`` lines, each
   followed by its output. The commands run in order in one fresh temporary
   directory (holding a copy of ``docs/examples/``), through a shell whose PATH
   starts with this Python's ``bin`` (so ``reluhard`` is the installed one). ``$ cat FILE`` of a file that does not
   exist yet *writes* the shown text to FILE: the transcript is the source of its
   own input files. In the shown output a line ``...`` stands for any number of
   lines, and timing fields are masked (:data:`MASKS`: the seconds column of the
   ``verify`` table, "took N s", ...), so a transcript pasted unedited stays checkable.

3. **The output of one command** shown apart from it: ``<!-- output: COMMAND -->``
   right before the fenced block (``<!-- output slow: COMMAND -->`` for a slow one).
   All sessions and outputs of one file share one temporary directory, in document
   order, so a later block may use the files an earlier one made.

   **An input file** shown as a code block: ``<!-- file: NAME -->`` right before the
   fenced block writes its text to NAME in that directory (e.g. a Python module a
   later command imports).

4. **A measured value** (a timing, a load-dependent count) cannot be checked; the
   paragraph that quotes it carries::

       <!-- measured: COMMAND | DATE | MACHINE -->

   with all three fields non-empty. The check fails on a measured marker missing
   a field, and (in the files and sections listed in :data:`TIMING_LINT`) on a
   paragraph that quotes a duration ("14 s", "2.5 minutes", "an hour") without one,
   unless a word near it makes it a setting (:data:`SETTING`: "default", "budget",
   "time limit", ...) or it is in a code span (`--time-limit 10`).
   ``--list-measured`` prints every measured value with its provenance.

``--write`` replaces a stale inline value by the code's, and a changed transcript
block by the whole new output (re-insert any ``...`` elisions by hand).
"""

import argparse
import difflib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import tempfile
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

#: the files checked by default
def default_files():
    return [ROOT / "README.md", *sorted(DOCS.glob("tutorial*.md")),
            *sorted(p for p in DOCS.glob("*.md") if not p.name.startswith("tutorial")),
            *sorted((DOCS / "reductions").glob("*.md"))]


#: file name -> None (lint the whole file) or the "## " sections to lint; files not listed are not linted
#: (their markers are still checked). Sections other helpers own are left to them.
TIMING_LINT = {
    "README.md": ("reluhard", "Quick start (fresh machine, Python ≥ 3.9)", "Commands",
                  "The upper bound: a proper learner and its time-accuracy curve", "Benchmark datasets",
                  "Sweeps, suite, teaching"),
    "tutorial.md": None,
    "formats.md": None,
    "datasets.md": None,
    "sweeps.md": None,
    "learner.md": None,
    "reliability.md": None,
    # docs/reductions/
    "api.md": None,
    "cnf-3cnf.md": None,
    "dks-relu.md": None,
    "dks-relu-normalized.md": None,
    "sat-krelu.md": None,
    "sat-relu.md": None,
}

#: a quoted duration (prose only; code blocks and table rows are not linted)
DURATION = re.compile(r"(?<![\w.])(\d(?:[\d,.]*\d)?\s?(?:s|ms|min|minutes?|seconds?|hours?|h)\b|an hour|half an hour)(?![\w(])")
# (a number ends in a digit: "n = 16, min(B, u)" is not a duration)

#: words near a duration that make it a setting (a time limit, a budget), not a measurement
SETTING = re.compile(r"default|budget|limit|timeout|time-out|per cell|per run|killed|kill|every|older than", re.I)

#: timing fields masked before comparing transcripts: (pattern, replacement)
MASKS = [
    # the seconds column of verify's method table
    (re.compile(r"^(\w+ +\S+ +\S+ +(?:True|False|-) +\S+) +\d+(?:\.\d+)?(?:e-?\d+)?$"), r"\1 <s>"),
    (re.compile(r"took \d+(?:\.\d+)? ?s\b"), "took <s> s"),
    (re.compile(r"\b\d+\.\d+ s\b"), "<s> s"),
    (re.compile(r'("seconds": )\d+(?:\.\d+)?(e-?\d+)?'), r"\1<s>"),
]

NUMBERS = {}


def number(key, *, slow=False):
    """Register ``fn() -> str`` as the value of ``<!-- n:KEY -->``. A key ending in ``*`` registers a
    family: ``fn(rest) -> str`` serves every key with that prefix (``suite.*``: ``suite.sat-relu/large/no.u``)."""

    def deco(fn):
        if key in NUMBERS:
            raise ValueError(f"number {key!r} registered twice")
        NUMBERS[key] = (fn, slow)
        return fn

    return deco


def lookup(key):
    """``(fn() -> str, slow)`` for ``key``, or None when nothing registers it."""
    if key in NUMBERS:
        return NUMBERS[key]
    for pattern, (fn, slow) in NUMBERS.items():
        if pattern.endswith("*") and key.startswith(pattern[:-1]):
            rest = key[len(pattern) - 1:]
            return (lambda: fn(rest)), slow
    return None


# ----------------------------------------------------------------------------- the numbers


def _frac(v):
    v = Fraction(v)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


@lru_cache(maxsize=None)
def _all8():
    from itertools import product

    from pysat.formula import CNF

    return CNF(from_clauses=[[s1 * 1, s2 * 2, s3 * 3] for s1, s2, s3 in product((1, -1), repeat=3)])


@lru_cache(maxsize=None)
def _all8_verify(T2):
    from reluhard.verify import verify

    opts = {} if T2 is None else {"T2": str(T2)}
    return verify(_all8(), "sat-relu", methods=["exact"], options=opts)


def _exact_min(rep):
    """The exact minimum a verify report proved: the soundness bound when the exact fit meets it."""
    fit = rep["fits"]["exact"]
    assert fit["proven_optimal"], fit
    sound = Fraction(rep["soundness_bound"])
    assert abs(float(fit["loss"]) - float(sound)) <= 1e-9 * max(1.0, float(sound)), (fit["loss"], sound)
    return sound


@number("all8.soundness")
def all8_soundness():
    return _frac(_all8_verify(None)["soundness_bound"])


@number("all8.min.T2=1")
def all8_min_t2_1():
    return _frac(_exact_min(_all8_verify(1)))


@number("all8.min.T2=100")
def all8_min_t2_100():
    return _frac(_exact_min(_all8_verify(100)))


@lru_cache(maxsize=None)
def _sweep_spec():
    from reluhard.sweep.grid import load_spec

    return load_spec(DOCS / "examples" / "sweep_3sat.toml")


@number("sweep_3sat.cells")
def sweep_cells():
    from reluhard.sweep.grid import expand_cells

    return str(len(list(expand_cells(_sweep_spec()))))


@lru_cache(maxsize=None)
def _readme_sweep():
    """The README sweep (docs/examples/sweep_3sat.toml, 2 jobs): its records, latest per cell."""
    from reluhard.sweep.grid import expand_cells
    from reluhard.sweep.runner import run_sweep
    from reluhard.sweep.table import latest_by_cell, read_records

    with tempfile.TemporaryDirectory(prefix="reluhard-docs-sweep-") as tmp:
        out = Path(tmp) / "results.jsonl"
        run_sweep(expand_cells(_sweep_spec()), out, jobs=2, progress=False)
        return tuple(latest_by_cell(read_records(out)[0]))


@number("sweep_3sat.violations", slow=True)
def sweep_violations():
    return str(sum(1 for r in _readme_sweep() if r["status"] == "violated"))


@number("sweep_3sat.spearman", slow=True)
def sweep_spearman():
    """Spearman rho between loss gap and u over the README sweep, as `reluhard report` rounds it to 2 digits."""
    from reluhard.sweep.report import correlations

    return f"{correlations(list(_readme_sweep()))['sat-relu']['spearman']:.2f}"


@number("hostile.cases")
def hostile_cases():
    """The cases of the generated hostile-input corpus (tests/hostile/corpus.py)."""
    spec = importlib.util.spec_from_file_location("_docs_hostile_corpus", ROOT / "tests" / "hostile" / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return str(len(mod.cases()))


@lru_cache(maxsize=None)
def _suite_row(row_id):
    """One suite row built as ``reluhard suite build --large`` builds it (in a temporary folder)."""
    import shutil

    from reluhard.suite import _build_row, default_recipe

    reduction = row_id.split("/")[0]
    row = next(r for r in default_recipe(reduction) if r["id"] == row_id)
    folder = Path(tempfile.mkdtemp(prefix="reluhard-docs-suite-"))
    try:
        out = _build_row(folder, row, time_limit=1200.0, log=lambda *a: None)
        npz = next(f for f in out["files"] if f.endswith(".npz"))
        out["npz_bytes"] = (folder / npz).stat().st_size
        src = next(f for f in out["files"] if f.endswith(".cnf"))  if row["reduction"] == "sat-relu" else None
        if src is not None:
            from reluhard.io.dimacs import read_cnf

            out["n_clauses"] = len(read_cnf(folder / src)[0].clauses)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


@number("suite.*", slow=True)
def suite_value(rest):
    """``suite.ROW.FIELD``: points, features, m (clauses, sat-relu rows; thousands separated), u (the certified optimum),
    u_percent (u / m in %, sat-relu rows), npz_mib (the .npz size, 2 significant digits)."""
    row_id, field = rest.rsplit(".", 1)
    row = _suite_row(row_id)
    if field == "points":
        return f"{row['n_samples']:,}"
    if field == "features":
        return f"{row['n_features']:,}"
    if field == "u":
        return f"{row['combinatorial']['optimum']:,}"
    if field == "m":
        return f"{row['n_clauses']:,}"
    if field == "u_percent":
        return f"{100 * row['combinatorial']['optimum'] / row['n_clauses']:.2f}"
    if field == "npz_mib":
        return f"{row['npz_bytes'] / 2 ** 20:.2g}"
    raise KeyError(f"no suite field {field!r}")


@lru_cache(maxsize=None)
def _make_sat_relu(n, kind):
    from reluhard.datasets import make_sat_relu

    return make_sat_relu(n, 4.26, kind=kind, seed=1)


def _sci(x, digits=2):
    """8.4·10⁻¹⁰ (two significant digits, Unicode exponent)."""
    mant, exp = f"{float(x):.{digits - 1}e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mant}·10{str(int(exp)).translate(sup)}"


@number("datasets.make_sat_relu.*", slow=True)
def make_sat_relu_value(rest):
    """``datasets.make_sat_relu.N.KIND.FIELD`` of ``make_sat_relu(N, 4.26, kind=KIND, seed=1)``: points,
    u (certified min #falsified), B (max occurrence), eps (the normalised gap), eps_n (eps (n+1))."""
    n, kind, field = rest.split(".")
    ds = _make_sat_relu(int(n), kind)
    if field == "points":
        return f"{ds.data.shape[0]:,}"
    if field == "u":
        return str(ds.certificate["min_unsat"])
    if field == "B":
        return str(ds.meta["max_occurrence"])
    if field == "eps":
        return _sci(Fraction(ds.meta["eps"]))
    if field == "eps_n":
        return _sci(Fraction(ds.meta["eps"]) * (int(n) + 1))
    raise KeyError(f"no make_sat_relu field {field!r}")


# ----------------------------------------------------------------------------- plug-ins


def _load_plugins():
    for path in sorted(DOCS.glob("doc_numbers_*.py")):
        spec = importlib.util.spec_from_file_location(f"_docs_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        mod.number = number  # a plug-in registers with the decorator found in its namespace (no import)
        spec.loader.exec_module(mod)


_load_plugins()


# ----------------------------------------------------------------------------- checking


INLINE = re.compile(r"<!-- n:([\w.=:/-]+) -->(.*?)<!-- /n -->", re.S)
SESSION = re.compile(r"^([ \t]*)<!-- (session|output|file)( slow)?(?:: (.*?))? -->\n+\1(```[^\n]*\n)(.*?)^\1```", re.S | re.M)
MEASURED = re.compile(r"<!-- measured:(.*?)-->", re.S)


class Problem:
    def __init__(self, path, line, text):
        self.path, self.line, self.text = path, line, text

    def __str__(self):
        return f"{self.path}:{self.line}: {self.text}"


def _line(text, pos):
    return text.count("\n", 0, pos) + 1


def _mask(lines):
    out = []
    for line in lines:
        for pat, rep in MASKS:
            line = pat.sub(rep, line)
        out.append(line.rstrip())
    return out


def _matches(shown, got):
    """``shown`` (with ``...`` lines) against ``got`` (both masked line lists)."""
    parts, cur = [], []
    for line in shown:
        if line.strip() == "...":
            parts.append(cur)
            cur = []
        else:
            cur.append(line)
    parts.append(cur)
    if len(parts) == 1:
        return shown == got
    pos = 0
    if got[: len(parts[0])] != parts[0]:
        return False
    pos = len(parts[0])
    for part in parts[1:-1]:
        for i in range(pos, len(got) - len(part) + 1):
            if got[i: i + len(part)] == part:
                pos = i + len(part)
                break
        else:
            return False
    last = parts[-1]
    return len(got) - pos >= len(last) and (not last or got[len(got) - len(last):] == last)


def _env():
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env["COLUMNS"] = "100"
    return env


def run_session(commands, workdir):
    """Run ``[(command, shown_output_lines)]`` in ``workdir``; yields (command, shown, got) per command."""
    env = _env()
    for cmd, shown in commands:
        argv = shlex.split(cmd)
        if len(argv) == 2 and argv[0] == "cat" and not (workdir / argv[1]).exists():
            (workdir / argv[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
        proc = subprocess.run(cmd, shell=True, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
        got = (proc.stdout + proc.stderr).rstrip("\n").split("\n") if (proc.stdout + proc.stderr).strip() else []
        yield cmd, shown, got


def _parse_transcript(body):
    commands, cur = [], None
    for line in body.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            cur = (line[2:], [])
            commands.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return commands


def check_file(path, *, full=False, write=False, root=ROOT):
    """The problems of one file (a list of :class:`Problem`); with ``write`` the file is rewritten."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(root) if path.is_relative_to(root) else path
    problems = []
    new = text

    def inline(m):
        key, shown = m.group(1), m.group(2)
        found = lookup(key)
        if found is None:
            problems.append(Problem(rel, _line(text, m.start()), f"unknown number {key!r} (register it with @number)"))
            return m.group(0)
        fn, slow = found
        if slow and not full:
            return m.group(0)
        value = fn()
        if value != shown:
            problems.append(Problem(rel, _line(text, m.start()), f"{key}: the docs say {shown!r}, the code gives {value!r}"))
        return f"<!-- n:{key} -->{value}<!-- /n -->"

    new = INLINE.sub(inline, new)
    workdir = Path(tempfile.mkdtemp(prefix="reluhard-docs-"))
    import shutil

    shutil.copytree(DOCS / "examples", workdir / "docs" / "examples")  # transcripts may name docs/examples/...

    def session(m):
        indent, kind, slow, cmd, fence, body = m.groups()
        body = "".join(line[len(indent):] if line.startswith(indent) else line for line in body.splitlines(True))
        if kind == "file":
            (workdir / cmd.strip()).write_text(body, encoding="utf-8")
            return m.group(0)
        if slow and not full:
            return m.group(0)
        commands = [(cmd, body.rstrip("\n").split("\n"))] if kind == "output" else _parse_transcript(body)
        if not commands:
            problems.append(Problem(rel, _line(text, m.start()), "a session block without '$ command' lines"))
            return m.group(0)
        rebuilt = []
        for cmd_, shown, got in run_session(commands, workdir):
            if not _matches(_mask(shown), _mask(got)):
                diff = "\n".join(difflib.unified_diff(shown, got, "docs", "now", lineterm="", n=1))
                problems.append(Problem(rel, _line(text, m.start()), f"output of `{cmd_}` changed:\n{diff}"))
                rebuilt.append((cmd_, got))
            else:
                rebuilt.append((cmd_, shown))
        if kind == "output":
            out = "\n".join(rebuilt[0][1])
        else:
            out = "\n".join(f"$ {c}\n" + "\n".join(o) if o else f"$ {c}" for c, o in rebuilt)
        head = m.group(0)[: m.start(5) - m.start(0)]
        out = "\n".join(indent + line if line else line for line in out.split("\n"))
        return f"{head}{fence}{out}\n{indent}```"

    try:
        new = SESSION.sub(session, new)
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    problems += lint_measured(path, text, rel)
    if write and new != text:
        path.write_text(new, encoding="utf-8")
    return problems


def _sections(text):
    """(title, start, end) of every '## ' section (the part before the first: the '# ' title)."""
    heads = [(m.group(1).strip(), m.start()) for m in re.finditer(r"^#{1,2} (.*)$", text, re.M)]
    out = []
    for i, (title, start) in enumerate(heads):
        end = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        out.append((title, start, end))
    return out


def _prose_paragraphs(text, start, end):
    """(offset, paragraph) of the prose in text[start:end]: no fenced code, no table rows, no headings."""
    chunk = text[start:end]
    out, cur, cur_at, pos, fenced = [], [], None, start, False
    for line in chunk.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            line_is_prose = False
        else:
            line_is_prose = not fenced and line.strip() and not line.lstrip().startswith(("|", "#", "    "))
        if line_is_prose:
            if cur_at is None:
                cur_at = pos
            cur.append(line)
        elif cur:
            out.append((cur_at, "\n".join(cur)))
            cur, cur_at = [], None
        pos += len(line) + 1
    if cur:
        out.append((cur_at, "\n".join(cur)))
    return out


def lint_measured(path, text, rel):
    problems = []
    for m in MEASURED.finditer(text):
        fields = [f.strip() for f in m.group(1).split("|")]
        if len(fields) != 3 or not all(fields):
            problems.append(Problem(rel, _line(text, m.start()), "a measured marker needs 'COMMAND | DATE | MACHINE'"))
    if path.name not in TIMING_LINT:
        return problems
    wanted = TIMING_LINT[path.name]
    for title, start, end in _sections(text):
        if wanted is not None and title not in wanted:
            continue
        for at, para in _prose_paragraphs(text, start, end):
            plain = INLINE.sub("", para)
            plain = re.sub(r"`[^`]*`", "", plain)  # code spans (options like --time-limit 10) are not quotes
            if "<!-- measured:" in para:
                continue
            plain = re.sub(r"<!--.*?-->", "", plain, flags=re.S)
            hit = next((h for h in DURATION.finditer(plain)
                        if not SETTING.search(plain[max(0, h.start() - 30): h.end() + 30])), None)
            if hit:
                problems.append(Problem(rel, _line(text, at),
                                        f"quotes the duration {hit.group(0)!r} without '<!-- measured: COMMAND | DATE | MACHINE -->'"))
    return problems


def list_measured(files):
    for path in files:
        text = path.read_text(encoding="utf-8")
        for m in MEASURED.finditer(text):
            print(f"{path.relative_to(ROOT)}:{_line(text, m.start())}: {' | '.join(f.strip() for f in m.group(1).split('|'))}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report stale numbers, exit 1 if any (the default)")
    mode.add_argument("--write", action="store_true", help="rewrite the marked spans and transcripts in place")
    mode.add_argument("--list-measured", action="store_true", help="print every measured value's provenance")
    p.add_argument("--full", action="store_true", help="also the slow numbers and sessions")
    p.add_argument("files", nargs="*", type=Path)
    args = p.parse_args(argv)
    files = [f.resolve() for f in args.files] or default_files()
    if args.list_measured:
        list_measured(files)
        return 0
    full = args.full or os.environ.get("RELUHARD_FULL") == "1"
    problems = []
    for f in files:
        problems += check_file(f, full=full, write=args.write)
    for pr in problems:
        print(pr)
    if args.write:
        return 0
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
