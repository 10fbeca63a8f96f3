"""DRUP proofs: a strict reader and two independent checkers (part of the trusted base).

Proof files are text DRUP/DRAT as SAT solvers log it (one step per line: a
lemma ``l1 l2 ... 0`` or a deletion ``d l1 ... 0``; ``c`` lines are
comments), gzip-compressed when the name ends in ``.gz``. The reader is strict:
a line that is not exactly one step ended by ``0`` makes the proof invalid, so
a proof cut in the middle of a line is rejected at parsing, and one cut at a
line boundary no longer derives the empty clause and is rejected by the
checkers.

Checkers (neither shares code with the solver that wrote the proof):

* ``drup`` (PyPI ``drup``): a RUP/RAT checker extracted from Why3-verified
  code. **Authoritative** where it runs. It ignores deletions (sound: every
  lemma stays available) and its time grows like lemmas x (clauses +
  lemmas) (measured: 8 s at 10^6 on the medium DkS row), so ``checker="auto"`` runs it only
  up to :data:`DRUP_AUTO_WORK` of that product.
* ``dratify`` (PyPI ``dratify``, forward DRAT checker, applying deletions):
  always run; the only checker above the ``drup`` size limit, which the
  report then says. Two engines: the pure-Python one (``dratify``), and, when
  the optional Rust engine is importable (``pip install "reluhard[native]"``,
  i.e. ``cdclkit[native]``, whose ``cdclkit_native`` module embeds dratify's
  Rust crate and is handed to ``dratify.register_native``), the native one
  (``dratify-native``, about 15x faster). ``auto`` and ``both`` use the native
  engine when it is available; ``dratify`` forces the Python engine,
  ``native`` the Rust one. Each check names the engine that ran.

A proof is accepted only if every checker that ran accepts it.
"""

import gzip
import time
from dataclasses import dataclass, field

import numpy as np

from reluhard.errors import InstanceFormatError

__all__ = ["ProofCheck", "native_engine", "parse_proof", "read_proof", "write_proof", "check_unsat_proof", "CHECKERS", "DRUP_AUTO_WORK", "MAX_PROOF_BYTES"]

#: ``checker="auto"`` runs drup only when lemmas * (clauses + lemmas) is at most this (a few seconds at most)
DRUP_AUTO_WORK = 200_000
#: decompressed proofs larger than this are refused (bad input), never allocated
MAX_PROOF_BYTES = 1 << 31
CHECKERS = ("auto", "both", "drup", "dratify", "native")
NATIVE_MISSING = 'checker "native" needs dratify\'s Rust engine, which is not installed: pip install "reluhard[native]"'


@dataclass
class ProofCheck:
    """Outcome of checking one UNSAT proof."""

    ok: bool
    reason: str
    lemmas: int = 0
    deletions: int = 0
    checkers: dict = field(default_factory=dict)  # name -> True/False (ran), absent = not run
    seconds: float = 0.0

    @property
    def checked_by(self):
        """The checkers that ran, each with its engine (e.g. ``dratify-native (cdclkit_native 0.1.7)``)."""
        return [f"{k} ({native_engine()})" if k == "dratify-native" else (f"{k} (Python)" if k == "dratify" else f"{k} (verified)")
                for k in self.checkers]

    def to_json(self):
        return {"ok": self.ok, "reason": self.reason, "lemmas": self.lemmas, "deletions": self.deletions,
                "checkers": dict(self.checkers), "checked_by": self.checked_by, "seconds": round(self.seconds, 6)}


class ProofSyntaxError(ValueError):
    """A proof line is not one DRUP step."""


def parse_proof(text):
    """Parse DRUP text into (is_deletion, literals) steps; raises ProofSyntaxError on any malformed line."""
    steps = []
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line[0] == "c":
            continue
        deletion = line[0] == "d"
        body = line[1:].split() if deletion else line.split()
        try:
            lits = [int(tok) for tok in body]
        except ValueError:
            raise ProofSyntaxError(f"proof line {lineno}: not a list of integers") from None
        if not lits or lits[-1] != 0 or 0 in lits[:-1]:
            raise ProofSyntaxError(f"proof line {lineno}: a step must be one clause ended by a single 0 (truncated proof?)")
        steps.append((deletion, lits[:-1]))
    return steps


def read_proof(path):
    """The text of a proof file (gzip by suffix), bounded by :data:`MAX_PROOF_BYTES`."""
    path = str(path)
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = fh.read(MAX_PROOF_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_PROOF_BYTES + 1)
    except (OSError, EOFError) as exc:
        if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
            raise
        raise ProofSyntaxError(f"cannot decompress ({exc}); truncated proof?") from None
    if len(data) > MAX_PROOF_BYTES:
        raise InstanceFormatError(f"proof larger than {MAX_PROOF_BYTES} bytes decompressed", path=path)
    return data.decode("ascii", errors="replace")


def write_proof(path, lines):
    """Write solver proof lines (PySAT ``get_proof()``) atomically; gzip (mtime 0) if ``.gz``."""
    from reluhard.io.atomic import atomic_write

    data = ("\n".join(lines) + "\n").encode("ascii")
    if str(path).endswith(".gz"):
        data = gzip.compress(data, compresslevel=6, mtime=0)
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return data


def native_engine():
    """A description of dratify's native (Rust) engine, registering ``cdclkit_native`` if needed; or None.

    ``dratify_native`` (if ever installed) wins inside dratify; otherwise the
    ``cdclkit_native`` module (``cdclkit[native]``) is registered through
    ``dratify.register_native``. Returns e.g. ``"cdclkit_native 0.1.7"``.
    """
    import dratify

    impl = dratify.native_implementation()
    if impl is None:
        try:
            import cdclkit_native
        except Exception:  # absent, or a broken wheel (OSError, RuntimeError at import)
            return None
        dratify.register_native(cdclkit_native)
        impl = dratify.native_implementation()
    if impl is None:
        return None
    return f"{impl.__name__} {getattr(impl, '__version__', '?')}"


def _dratify(clauses, n_vars, steps, engine="python"):
    import dratify

    f = dratify.CNF(int(n_vars))
    for c in clauses:
        f.add_dimacs(c)
    conv = []
    for deletion, lits in steps:
        a = np.asarray(lits, dtype=np.int64)
        internal = 2 * (np.abs(a) - 1) + (a < 0)
        conv.append(("d" if deletion else "a", tuple(int(x) for x in internal)))
    res = dratify.check_proof(f, conv, engine=engine)
    return bool(res.ok), res.reason


def _drup(clauses, lemmas):
    import drup

    res = drup.check_proof([list(c) for c in clauses], lemmas)
    return res.outcome == drup.Outcome.VALID


def check_unsat_proof(clauses, n_vars, proof_text, *, checker="auto"):
    """Check that ``proof_text`` refutes the formula ``clauses`` (DIMACS lists, variables <= n_vars).

    Parameters
    ----------
    checker : {"auto", "both", "drup", "dratify", "native"}
        ``auto``: dratify (native engine if available, else Python), plus drup
        when lemmas * (clauses + lemmas) is at most :data:`DRUP_AUTO_WORK`;
        ``both``: the same with drup always; ``dratify``: the Python engine
        only; ``native``: the Rust engine only (ValueError if unavailable).

    Returns
    -------
    ProofCheck
    """
    t0 = time.perf_counter()
    if checker not in CHECKERS:
        raise ValueError(f"checker must be one of {CHECKERS}")
    try:
        steps = parse_proof(proof_text)
    except ProofSyntaxError as exc:
        return ProofCheck(False, str(exc), seconds=time.perf_counter() - t0)
    lemmas = [lits for d, lits in steps if not d]
    n_del = len(steps) - len(lemmas)
    work = len(lemmas) * (len(clauses) + len(lemmas))
    if not lemmas or lemmas[-1]:
        return ProofCheck(False, "the proof does not end by deriving the empty clause (truncated?)", len(lemmas), n_del, seconds=time.perf_counter() - t0)
    ran = {}
    if checker in ("auto", "both", "dratify", "native"):
        native = None if checker == "dratify" else native_engine()
        if checker == "native" and native is None:
            raise ValueError(NATIVE_MISSING)
        name = "dratify" if native is None else "dratify-native"
        ok, why = _dratify(clauses, n_vars, steps, "python" if native is None else "native")
        ran[name] = ok
        if not ok:
            return ProofCheck(False, f"{name} rejects the proof: {why}", len(lemmas), n_del, ran, time.perf_counter() - t0)
    if checker in ("both", "drup") or (checker == "auto" and work <= DRUP_AUTO_WORK):
        ok = _drup(clauses, lemmas)
        ran["drup"] = ok
        if not ok:
            return ProofCheck(False, "drup (verified checker) rejects the proof", len(lemmas), n_del, ran, time.perf_counter() - t0)
    names = " and ".join(ProofCheck(True, "", checkers=ran).checked_by)
    note = "" if "drup" in ran or checker != "auto" else f" (drup skipped: lemmas x (clauses + lemmas) = {work} > {DRUP_AUTO_WORK}; use checker='both')"
    return ProofCheck(True, f"refutation verified by {names}{note}", len(lemmas), n_del, ran, time.perf_counter() - t0)
