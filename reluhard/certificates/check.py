"""The independent certificate checker (trusted base: this module, encodings, drat, the instance readers).

It imports no solver. For each claim it re-derives the formula a proof must
refute from the instance itself (:mod:`.encodings`), compares its hash with
the one the bundle records, checks the proof with the DRUP checkers
(:mod:`.drat`), evaluates assignments, sets and colourings, and recomputes
rational loss bounds with the reduction's ``bounds`` from the certified values
only. A claim fails with a reason; the verdict is valid only if all pass.
"""

import time
from dataclasses import dataclass, field
from math import comb
from pathlib import Path

import numpy as np

from reluhard.errors import InstanceFormatError, InvalidParameterError, ReluhardError

from . import encodings as enc
from .bundle import file_sha256, load_bundle
from .drat import NATIVE_MISSING, ProofSyntaxError, check_unsat_proof, native_engine, read_proof

__all__ = ["CertificateReport", "check_certificate", "bundle_problems", "CLAIM_KINDS"]

#: claim name -> instance kinds it applies to
CLAIM_KINDS = {
    "satisfiable": ("cnf",),
    "min_unsat": ("cnf",),
    "max_occurrence": ("cnf",),
    "max_edges": ("graph",),
    "colourable": ("hypergraph",),
    "loss_bounds": ("cnf", "graph", "hypergraph"),
    "training_minimum": ("cnf", "graph", "hypergraph"),
}


class _Invalid(Exception):
    pass


@dataclass
class CertificateReport:
    """Verdict of :func:`check_certificate`: ``valid`` iff every claim checked."""

    path: str
    valid: bool = True
    claims: dict = field(default_factory=dict)  # name -> {"ok": bool, "reason": str, ...}
    failed: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self):
        return 0 if self.valid else 1

    def to_json(self):
        return {"certificate": self.path, "valid": self.valid, "failed": list(self.failed), "claims": self.claims,
                "exit_code": self.exit_code, "seconds": round(self.seconds, 6)}


class _Context:
    def __init__(self, bundle, folder, checker):
        self.bundle, self.folder, self.checker = bundle, folder, checker
        self.proof_stats = []

    def file(self, name):
        """Path of a referenced file after checking its sha256 against ``files``."""
        want = self.bundle["files"].get(name)
        if not isinstance(want, str):
            raise _Invalid(f"file {name!r} is not listed with a sha256 in 'files'")
        path = self.folder / name
        if not path.is_file():
            raise InstanceFormatError(f"referenced file {name} is missing", path=path)
        if file_sha256(path) != want:
            raise _Invalid(f"file {name} does not match its sha256 (changed or replaced)")
        return path

    def refute(self, proof, encoding, formula):
        """Check that ``proof`` (a bundle proof entry) refutes the re-derived ``formula``."""
        from reluhard.io.dimacs import cnf_sha256

        if not isinstance(proof, dict) or not isinstance(proof.get("file"), str):
            raise _Invalid("no proof given")
        if proof.get("encoding") != encoding:
            raise _Invalid(f"proof is for encoding {proof.get('encoding')!r}, this claim needs {encoding!r}")
        clauses, nv = formula
        if proof.get("formula_sha256") != cnf_sha256(clauses, nv):
            raise _Invalid("the proof names a different formula than the one re-derived from the instance and the claim")
        path = self.file(proof["file"])
        try:
            text = read_proof(path)
        except ProofSyntaxError as exc:
            raise _Invalid(f"proof {proof['file']}: {exc}") from None
        res = check_unsat_proof(clauses, nv, text, checker=self.checker)
        self.proof_stats.append({"file": proof["file"], **res.to_json()})
        if not res.ok:
            raise _Invalid(f"proof {proof['file']}: {res.reason}")
        return res


def _int(v, what):
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Invalid(f"{what} must be an integer, got {v!r}")
    return v


# ---------------------------------------------------------------- claim checks (one per claim kind)

def _check_satisfiable(ctx, inst, claim, claims):
    clauses, n = inst
    if claim.get("value") is True:
        k = enc.falsified_count(clauses, n, claim.get("assignment") or [])
        if k:
            raise _Invalid(f"the assignment falsifies {k} clauses")
        return "assignment satisfies every clause"
    if claim.get("value") is False:
        res = ctx.refute(claim.get("proof"), "cnf/v1", (clauses, n))
        return res.reason
    raise _Invalid("value must be true or false")


def _check_min_unsat(ctx, inst, claim, claims):
    clauses, n = inst
    m = len(clauses)
    u = _int(claim.get("value"), "min_unsat")
    k = enc.falsified_count(clauses, n, claim.get("assignment") or [])
    if k != u:
        raise _Invalid(f"the assignment falsifies {k} clauses, the claim says {u} (upper bound side)")
    if u == 0:
        return "u = 0: the assignment satisfies every clause"
    blocks = claim.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        raise _Invalid("u >= 1 needs blocks with lower-bound proofs")
    seen = np.zeros(m, dtype=np.int64)
    var_owner = np.full(n + 1, -1, dtype=np.int64)
    disjoint = True
    total = 0
    for i, b in enumerate(blocks):
        idx = list(range(m)) if b.get("clauses") is None and len(blocks) == 1 else b.get("clauses")
        if not isinstance(idx, list) or not all(isinstance(j, int) and not isinstance(j, bool) and 0 <= j < m for j in idx):
            raise _Invalid(f"block {i}: clause indices must be integers in 0..{m - 1}")
        seen[idx] += 1
        sub = [clauses[j] for j in idx]
        vs = np.unique(np.abs(np.fromiter((lit for c in sub for lit in c), dtype=np.int64)))
        if vs.size and ((var_owner[vs] >= 0) & (var_owner[vs] != i)).any():
            disjoint = False
        var_owner[vs] = i
        u_b = _int(b.get("value"), f"block {i} value")
        if u_b < 0:
            raise _Invalid(f"block {i}: negative value")
        if u_b >= 1:
            try:
                formula = enc.min_unsat_relaxed(sub, n, u_b)
            except InvalidParameterError as exc:
                raise _Invalid(f"block {i}: {exc}") from None
            ctx.refute(b.get("proof"), "min-unsat-relaxed/seqcounter/v1", formula)
        total += u_b
    if (seen != 1).any():
        raise _Invalid("the blocks do not partition the clauses (each clause exactly once)")
    if total != u:
        raise _Invalid(f"the blocks' lower bounds sum to {total}, the claim says {u}")
    if claim.get("disjoint") is True and not disjoint:
        raise _Invalid("the blocks are claimed variable-disjoint but share a variable")
    return f"u = {u}: an assignment falsifies exactly {u} clauses; {len(blocks)} block lower bound(s) proved" + (" (variable-disjoint)" if disjoint else "")


def _check_max_occurrence(ctx, inst, claim, claims):
    clauses, n = inst
    B = enc.max_occurrence(clauses, n)
    if _int(claim.get("value"), "max_occurrence") != B:
        raise _Invalid(f"recomputed max occurrence is {B}, the claim says {claim.get('value')}")
    return f"B = {B} recomputed"


def _check_max_edges(ctx, inst, claim, claims):
    n, E = inst
    kappa = _int(claim.get("kappa"), "kappa")
    e = _int(claim.get("value"), "max_edges")
    if not 1 <= kappa <= n:
        raise _Invalid(f"kappa {kappa} outside 1..{n}")
    S = claim.get("set")
    if not isinstance(S, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in S):
        raise _Invalid("set must be a list of 1-based vertex ids")
    S0 = np.asarray(S, dtype=np.int64) - 1
    if len(S0) != kappa or len(np.unique(S0)) != kappa or (S0.size and (S0.min() < 0 or S0.max() >= n)):
        raise _Invalid(f"set must hold {kappa} distinct vertices in 1..{n}")
    got = enc.edges_induced(E, S0)
    if got != e:
        raise _Invalid(f"the set induces {got} edges, the claim says {e} (lower bound side)")
    if e >= comb(kappa, 2):
        return f"max edges = {e} = C(kappa, 2) (upper bound trivial)"
    if claim.get("multipartite") is not None:
        parts = claim["multipartite"].get("parts") if isinstance(claim["multipartite"], dict) else None
        if not isinstance(parts, list) or not all(isinstance(P, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in P) for P in parts):
            raise _Invalid("multipartite.parts must be a list of lists of 1-based vertex ids")
        try:
            bound = enc.multipartite_max_edges(n, E, [[v - 1 for v in P] for P in parts], kappa)
        except ValueError as exc:
            raise _Invalid(f"complete-multipartite/v1: {exc}") from None
        if bound != e:
            raise _Invalid(f"complete-multipartite/v1: the parts bound the max edges of a {kappa}-set by {bound}, the claim says {e}")
        return (f"max edges of a {kappa}-set = {e}: the set attains it; G is complete multipartite with the {len(parts)} "
                f"given parts (checked), which bounds it (complete-multipartite/v1)")
    formula = enc.dks_at_least(n, E, kappa, e)
    if formula is None:
        return f"max edges = {e} = |E| (upper bound trivial)"
    ctx.refute(claim.get("proof"), "dks-at-least/seqcounter/v1", formula)
    return f"max edges of a {kappa}-set = {e}: the set attains it, the proof bounds it"


def _check_colourable(ctx, inst, claim, claims):
    n, edges = inst
    if claim.get("value") is True:
        col = claim.get("colouring")
        if not isinstance(col, list) or len(col) != n or any(c not in (0, 1) for c in col):
            raise _Invalid(f"colouring must be {n} values 0/1")
        chi = np.asarray(col, dtype=np.int64)
        mono = sum(1 for edge in edges if len(set(chi[list(edge)].tolist())) < 2)
        if mono:
            raise _Invalid(f"{mono} hyperedges are monochromatic")
        return "proper 2-colouring"
    if claim.get("value") is False:
        return ctx.refute(claim.get("proof"), "colouring/v1", enc.colouring_cnf(n, edges)).reason
    raise _Invalid("value must be true or false")


def _check_loss_bounds(ctx, inst, claim, claims, *, instance, kind, verified):
    from .loss import certified_values, loss_bounds

    uses = [k for k in ("min_unsat", "satisfiable", "max_occurrence", "max_edges", "colourable") if k in claims]
    bad = [k for k in uses if not verified.get(k)]
    if bad:
        raise _Invalid(f"rests on claims that did not check: {', '.join(bad)}")
    try:
        again = loss_bounds(instance, kind, claim.get("reduction"), dict(claim.get("options") or {}), certified_values({k: claims[k] for k in uses}))
    except ReluhardError as exc:
        raise _Invalid(f"cannot recompute the bounds: {exc}") from None
    if again.get("conditions_hold") is False:
        raise _Invalid("the theorem's conditions fail at these parameters")
    for key in ("soundness_bound", "completeness_loss", "realizable", "theorem"):
        if claim.get(key) != again.get(key):
            raise _Invalid(f"{key}: recomputed {again.get(key)!r}, the claim says {claim.get(key)!r}")
    return f"{again['theorem']}: bounds recomputed exactly ({again['statement']})"


_CHECKS = {
    "satisfiable": _check_satisfiable,
    "min_unsat": _check_min_unsat,
    "max_occurrence": _check_max_occurrence,
    "max_edges": _check_max_edges,
    "colourable": _check_colourable,
}


def _read(path, kind):
    from reluhard.io.instances import read_instance

    inst = read_instance(path, kind)
    if kind == "cnf":
        return inst, ([list(c) for c in inst.clauses], int(inst.nv))
    if kind == "graph":
        from reluhard.io.graphs import edge_array

        return inst, (inst.number_of_nodes(), edge_array(inst))
    return inst, (int(inst.n_vertices), [tuple(e) for e in inst.edges])


def check_certificate(path, *, checker="auto"):
    """Check the bundle at ``path``. Returns a :class:`CertificateReport`.

    Raises InstanceFormatError (bad input: unreadable bundle, missing file,
    unreadable instance); a false or unsupported claim is a failed claim, not
    an exception.
    """
    from reluhard.io.instances import instance_sha256

    t0 = time.perf_counter()
    if checker == "native" and native_engine() is None:
        raise InvalidParameterError(NATIVE_MISSING)
    path = Path(path)
    bundle = load_bundle(path)
    ctx = _Context(bundle, path.resolve().parent, checker)
    rep = CertificateReport(str(path))
    kind = bundle["instance"]["kind"]

    def fail(name, reason):
        rep.valid = False
        rep.failed.append(name)
        rep.claims[name] = {"ok": False, "reason": reason}

    try:
        inst_path = ctx.file(bundle["instance"]["file"])
        if bundle["instance"].get("sha256") != bundle["files"].get(bundle["instance"]["file"]):
            raise _Invalid("instance sha256 differs from its 'files' entry")
    except _Invalid as exc:
        fail("instance", str(exc))
        rep.seconds = time.perf_counter() - t0
        return rep
    instance, data = _read(inst_path, kind)
    if bundle["instance"].get("canonical_sha256") not in (None, instance_sha256(instance, kind)):
        fail("instance", "canonical sha256 of the instance differs")
    claims = bundle["claims"]
    verified = {}
    for name, claim in claims.items():
        if name == "loss_bounds":
            continue
        if not isinstance(claim, dict):
            fail(name, "claim must be an object")
            continue
        if name == "training_minimum":
            rep.claims[name] = {"ok": None, "reason": "solver-claimed: not checkable without the solver; not part of the verdict"}
            continue
        if name not in _CHECKS or kind not in CLAIM_KINDS.get(name, ()):
            fail(name, f"unknown claim for a {kind} instance")
            continue
        n_before = len(ctx.proof_stats)
        try:
            reason = _CHECKS[name](ctx, data, claim, claims)
        except (_Invalid, InvalidParameterError) as exc:
            fail(name, str(exc))
            verified[name] = False
            continue
        except InstanceFormatError:
            raise  # a missing or unreadable file is bad input (exit 2), not a failed claim
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
            fail(name, f"malformed claim ({type(exc).__name__}: {exc})")
            verified[name] = False
            continue
        verified[name] = True
        rep.claims[name] = {"ok": True, "reason": reason, "proofs": ctx.proof_stats[n_before:]}
    if "loss_bounds" in claims:
        try:
            reason = _check_loss_bounds(ctx, data, claims["loss_bounds"], claims, instance=instance, kind=kind, verified=verified)
            rep.claims["loss_bounds"] = {"ok": True, "reason": reason}
        except _Invalid as exc:
            fail("loss_bounds", str(exc))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            fail("loss_bounds", f"malformed claim ({type(exc).__name__}: {exc})")
    rep.seconds = time.perf_counter() - t0
    return rep


def bundle_problems(path, *, checker="auto"):
    """One line per failed claim of the bundle at ``path`` (empty when valid); for ``suite check``."""
    try:
        rep = check_certificate(path, checker=checker)
    except (ReluhardError, OSError) as exc:
        return [f"{Path(path).name}: {exc}"]
    return [f"{Path(path).name}: claim {name} failed: {rep.claims[name]['reason']}" for name in rep.failed]
