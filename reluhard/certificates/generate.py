"""Certificate generation: solve, log a DRUP proof, write the bundle (the only part that needs solvers).

Proofs come from Glucose 4 through PySAT (``Solver("glucose4", with_proof=True)``),
interrupted at the time limit (the result is then :class:`BudgetExhausted`,
never a bundle). Values come from the solvers (RC2 for min #falsified, the DkS
solver, the colouring solver) and every one is then *proved*: a solver value
whose encoding turns out satisfiable raises :class:`CertificateRefused`
instead of emitting a proof that cannot check.
"""

import threading
import time
from math import comb
from pathlib import Path

from reluhard.errors import BudgetExhausted, InvalidParameterError

from . import encodings as enc
from .bundle import FORMAT, FORMAT_VERSION, CertificateRefused, file_sha256, proof_name, relative_to_bundle, write_bundle
from .drat import write_proof
from .loss import certified_values, loss_bounds

__all__ = ["suite_bundle", "PROOF_SOLVER", "prove_unsat", "prove_min_unsat_at_least", "prove_max_edges_at_most", "certify_instance", "certify_file"]

#: PySAT solver used for proof logging (supports with_proof and interrupt)
PROOF_SOLVER = "glucose4"


class _Deadline:
    def __init__(self, time_limit):
        self.end = None if time_limit is None else time.monotonic() + float(time_limit)

    def left(self):
        if self.end is None:
            return None
        left = self.end - time.monotonic()
        if left <= 0:
            raise BudgetExhausted("certificate generation ran out of time")
        return left


def prove_unsat(clauses, *, time_limit=None):
    """Run the proof-logging solver on ``clauses``.

    Returns
    -------
    (status, data) : (False, proof lines) if UNSAT, (True, model) if SAT.

    Raises
    ------
    BudgetExhausted
        ``time_limit`` seconds passed first.
    """
    from pysat.solvers import Solver

    with Solver(name=PROOF_SOLVER, bootstrap_with=clauses, with_proof=True) as s:
        timer = None
        if time_limit is not None:
            timer = threading.Timer(float(time_limit), s.interrupt)
            timer.start()
        try:
            status = s.solve_limited(expect_interrupt=True) if time_limit is not None else s.solve()
        finally:
            if timer is not None:
                timer.cancel()
        if status is None:
            raise BudgetExhausted(f"the proof-logging solver did not finish within {time_limit} s")
        return (True, s.get_model()) if status else (False, list(s.get_proof()))


def prove_min_unsat_at_least(clauses, n_vars, t, *, time_limit=None):
    """DRUP proof lines that every assignment falsifies >= ``t`` clauses.

    Raises CertificateRefused when it is false (an assignment falsifies fewer).
    """
    if t > len(clauses):
        raise CertificateRefused(f"min #falsified >= {t} is false: the formula has only {len(clauses)} clauses")
    formula, _ = enc.min_unsat_relaxed(clauses, n_vars, t)
    status, data = prove_unsat(formula, time_limit=time_limit)
    if status:
        k = enc.falsified_count(clauses, n_vars, [lit for lit in data if abs(lit) <= n_vars])
        raise CertificateRefused(f"min #falsified >= {t} is false: an assignment falsifies only {k} clauses")
    return data


#: a conservative build rate of the DkS encoding (measured: about 1.4e4 clauses/s on a loaded 2-core machine)
ENCODING_CLAUSES_PER_SECOND = 10_000


def dks_encoding_size(n, n_edges, kappa, e):
    """About how many clauses ``dks-at-least`` has: 2|E| + 2 n kappa + 2 |E| (e + 1) (the at-least counter dominates)."""
    return 2 * n_edges + 2 * n * kappa + 2 * n_edges * (e + 1)


def prove_max_edges_at_most(n, edges, kappa, e, *, time_limit=None):
    """DRUP proof lines that no vertex set of size <= kappa induces > ``e`` edges (None if trivial: e >= |E| or e >= C(kappa, 2))."""
    if e >= comb(int(kappa), 2):
        return None  # a kappa-set has at most C(kappa, 2) edges
    if e + 1 > len(edges):
        return None
    if time_limit is not None:
        # building the encoding is not interruptible (4.1e6 clauses took 290 s at n = 480): refuse up front
        # what cannot be built in the time left, and check the deadline again before solving
        size = dks_encoding_size(n, len(edges), kappa, e)
        if size > ENCODING_CLAUSES_PER_SECOND * time_limit:
            raise BudgetExhausted(f"the dks-at-least encoding has about {size} clauses: it cannot be built and refuted "
                                  f"within {time_limit:.3g} s (no proof attempted)")
        t0 = time.monotonic()
    f = enc.dks_at_least(n, edges, kappa, e)
    if f is None:
        return None
    if time_limit is not None:
        time_limit -= time.monotonic() - t0
        if time_limit <= 0:
            raise BudgetExhausted("certificate generation ran out of time while building the dks-at-least encoding")
    status, data = prove_unsat(f[0], time_limit=time_limit)
    if status:
        S = [lit - 1 for lit in data if 0 < lit <= n]
        raise CertificateRefused(f"max edges of a {kappa}-set <= {e} is false: a set of {len(S)} vertices induces {enc.edges_induced(edges, S)} edges")
    return data


def _proof_entry(name, encoding, formula, lines):
    from reluhard.io.dimacs import cnf_sha256

    clauses, nv = formula
    return {"file": name, "encoding": encoding, "formula_sha256": cnf_sha256(clauses, nv), "lemmas": sum(1 for x in lines if not x.startswith("d"))}


def _cnf_claims(cnf, out, dl, *, min_unsat, proofs):
    from reluhard.solvers.sat import min_unsat as rc2_min_unsat
    from pysat.formula import CNF

    clauses = [list(c) for c in cnf.clauses]
    n = int(cnf.nv)
    claims = {"max_occurrence": {"value": enc.max_occurrence(clauses, n)}}
    status, data = prove_unsat(clauses, time_limit=dl.left())
    if status:
        assignment = [lit for lit in data if abs(lit) <= n]
        claims["satisfiable"] = {"value": True, "assignment": assignment}
        if min_unsat:
            claims["min_unsat"] = {"value": 0, "assignment": assignment, "blocks": []}
        return claims
    name = proof_name(out, "satisfiable")
    proofs[name] = data
    claims["satisfiable"] = {"value": False, "proof": _proof_entry(name, "cnf/v1", (clauses, n), data)}
    if not min_unsat:
        return claims
    if any(len(c) == 0 for c in clauses):
        raise InvalidParameterError("formula has an empty clause; min #falsified is not certified for it")
    blocks = enc.clause_blocks(clauses, n)
    values = [False] * (n + 1)
    entries, total = [], 0
    for i, idx in enumerate(blocks):
        sub = [clauses[j] for j in idx]
        f = CNF()
        f.nv = n
        f.clauses = sub
        u_b, model = rc2_min_unsat(f, time_limit=dl.left())
        vars_b = {abs(lit) for c in sub for lit in c}
        for lit in model:
            if abs(lit) in vars_b:
                values[abs(lit)] = lit > 0
        entry = {"clauses": [int(j) for j in idx] if len(blocks) > 1 else None, "value": int(u_b), "proof": None}
        if u_b >= 1:
            lines = prove_min_unsat_at_least(sub, n, u_b, time_limit=dl.left())
            pname = proof_name(out, "min_unsat", i if len(blocks) > 1 else None)
            proofs[pname] = lines
            entry["proof"] = _proof_entry(pname, "min-unsat-relaxed/seqcounter/v1", enc.min_unsat_relaxed(sub, n, u_b), lines)
        total += int(u_b)
        entries.append(entry)
    assignment = [v if values[v] else -v for v in range(1, n + 1)]
    k = enc.falsified_count(clauses, n, assignment)
    if k != total:  # pragma: no cover - would be a solver bug
        raise CertificateRefused(f"the combined block assignments falsify {k} clauses, not the certified {total}")
    claims["min_unsat"] = {"value": total, "assignment": assignment, "blocks": entries, "disjoint": True}
    return claims


#: the generator looks for complete multipartite structure (an n x n boolean test) only up to this many vertices
MULTIPARTITE_MAX_N = 5_000


def _graph_claims(G, out, dl, *, kappa, proofs):
    from reluhard.io.graphs import edge_array
    from reluhard.solvers.dks import densest_k_subgraph

    if kappa is None:
        raise InvalidParameterError("certifying a graph needs --kappa K")
    n, E = G.number_of_nodes(), edge_array(G)
    r = densest_k_subgraph(G, int(kappa), time_limit=dl.left())
    if not r.proven:
        raise BudgetExhausted("the DkS solver did not prove its value within the time limit")
    e = int(r.value)
    S = [int(v) for v in r.witness]
    claim = {"kappa": int(kappa), "value": e, "set": [v + 1 for v in S], "proof": None}
    if e < comb(int(kappa), 2) and e < len(E):
        from reluhard.solvers.dks import multipartite_parts
        from reluhard.structures.graph import adjacency

        parts = multipartite_parts(n, adjacency(n, E)) if n <= MULTIPARTITE_MAX_N else None
        if parts is not None:  # a structure certificate (complete-multipartite/v1) instead of a DRUP proof
            claim.pop("proof")
            claim["multipartite"] = {"encoding": "complete-multipartite/v1", "parts": [[int(v) + 1 for v in P] for P in parts]}
            return {"max_edges": claim}
    lines = prove_max_edges_at_most(n, E, kappa, e, time_limit=dl.left())
    if lines is None:
        claim["trivial"] = True
    else:
        name = proof_name(out, "max_edges")
        proofs[name] = lines
        claim["proof"] = _proof_entry(name, "dks-at-least/seqcounter/v1", enc.dks_at_least(n, E, kappa, e), lines)
    return {"max_edges": claim}


def _hypergraph_claims(h, out, dl, *, proofs):
    formula = enc.colouring_cnf(h.n_vertices, h.edges)
    status, data = prove_unsat(formula[0], time_limit=dl.left())
    if status:
        colouring = [1 if lit > 0 else 0 for lit in data if abs(lit) <= h.n_vertices]
        colouring += [0] * (h.n_vertices - len(colouring))
        return {"colourable": {"value": True, "colouring": colouring}}
    name = proof_name(out, "colourable")
    proofs[name] = data
    return {"colourable": {"value": False, "proof": _proof_entry(name, "colouring/v1", formula, data)}}


def certify_instance(instance, kind, out, *, instance_file, kappa=None, reduction=None, options=None, min_unsat=True, time_limit=None):
    """Certify ``instance`` (read from ``instance_file``) and write the bundle ``out`` and its proofs.

    Parameters
    ----------
    instance : pysat CNF, networkx Graph or Hypergraph (as read from ``instance_file``)
    kind : {"cnf", "graph", "hypergraph"}
    out : path of the bundle JSON; proofs are written beside it
    kappa : int, graphs only
    reduction, options : optional; adds the ``loss_bounds`` claim
    min_unsat : bool, CNF only: certify u exactly (RC2 + one proof per block)
    time_limit : seconds for the whole generation (BudgetExhausted when exceeded)

    Returns
    -------
    dict : the bundle written.
    """
    from reluhard.io.instances import instance_sha256

    dl = _Deadline(time_limit)
    out = Path(out)
    proofs = {}
    if kind == "cnf":
        claims = _cnf_claims(instance, out, dl, min_unsat=min_unsat, proofs=proofs)
    elif kind == "graph":
        claims = _graph_claims(instance, out, dl, kappa=kappa, proofs=proofs)
    elif kind == "hypergraph":
        claims = _hypergraph_claims(instance, out, dl, proofs=proofs)
    else:
        raise InvalidParameterError(f"no certificates for instance kind {kind!r}")
    if reduction is not None:
        lb = loss_bounds(instance, kind, reduction, dict(options or {}), certified_values(claims))
        if lb.get("conditions_hold") is False:
            raise CertificateRefused(f"{reduction}: the theorem's conditions fail at these parameters; no loss bound is certified")
        claims["loss_bounds"] = lb
    files = {}
    inst_rel = relative_to_bundle(out, instance_file)
    files[inst_rel] = file_sha256(instance_file)
    written = []
    try:
        for name, lines in proofs.items():
            write_proof(out.parent / name, lines)
            written.append(out.parent / name)
            files[name] = file_sha256(out.parent / name)
        bundle = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "instance": {"file": inst_rel, "kind": kind, "sha256": files[inst_rel], "canonical_sha256": instance_sha256(instance, kind)},
            "claims": claims,
            "files": files,
            "generator": {"proof_solver": PROOF_SOLVER},
            "trusted_base": "docs/certificates.md",
        }
        write_bundle(out, bundle)
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        raise
    return bundle


def certify_file(path, out, *, kind=None, **kw):
    """:func:`certify_instance` on a file; ``kind`` defaults from the suffix."""
    from reluhard.io.instances import read_instance

    kind = kind or kind_of(path)
    return certify_instance(read_instance(path, kind), kind, out, instance_file=path, **kw)


def kind_of(path):
    """Instance kind from the file name: .cnf[.gz|.xz|.bz2] -> cnf, .hgr -> hypergraph, else graph."""
    name = Path(path).name.lower()
    for suf in (".gz", ".xz", ".bz2"):
        if name.endswith(suf):
            name = name[: -len(suf)]
    if name.endswith(".cnf"):
        return "cnf"
    if name.endswith(".hgr"):
        return "hypergraph"
    return "graph"


def suite_bundle(folder, src_rel, reduction, options, *, time_limit=None, log=print, bundle_dir=None):
    """The suite's hook: certify the row source ``folder/src_rel`` beside it (``<answer>.cert.json``).

    Returns ``{relative path: sha256}`` of the bundle and its proofs (to merge into the row's
    files), or {} when no certificate could be made in time (logged; the row stays unbundled).
    """
    from reluhard.reductions import get_reduction

    from .bundle import CertificateRefused as _Refused

    folder, src_rel = Path(folder), Path(src_rel)
    src = folder / src_rel
    # bundle_dir (relative to folder, e.g. the suite's key part): a bundle holds witnesses (the assignment
    # of the u <= t side), so the suite keeps it apart from the public files; paths inside stay relative
    base = src if bundle_dir is None else folder / bundle_dir / src_rel
    base.parent.mkdir(parents=True, exist_ok=True)
    out = base.with_name(src.name.split(".")[0] + ".cert.json")
    opts = {k: v for k, v in options.items() if k not in ("min_unsat",)}
    kind = get_reduction(reduction).source_kind
    try:
        bundle = certify_file(src, out, kind=kind, kappa=opts.get("kappa"), reduction=reduction, options=opts, time_limit=time_limit)
    except (BudgetExhausted, _Refused) as exc:
        log(f"{src_rel}: no certificate bundle ({exc})")
        return {}
    files = {str(out.relative_to(folder)): file_sha256(out)}
    for name in bundle["files"]:
        if name.endswith(".drup.gz"):
            files[str((out.parent / name).relative_to(folder))] = bundle["files"][name]
    return files
