"""The one pipeline: solve source -> certify -> reduce -> fit -> check.

Every consumer (``verify``, sweep cells, the suite, ``explain``, ``check``)
goes through these functions, so each certified value is computed once per
instance and nothing here switches on a reduction's name or data type: what a
reduction needs is declared on it (``Reduction.source``, ``.exact``,
``.cell_bound``; see :mod:`reluhard.reductions.base`).

:func:`certify`
    runs the source oracle once (with the reduction options its oracle takes),
    merges the certified values that are also reduction options into the
    options, applies the reduction and evaluates its bounds: a
    :class:`Certified` object.
:func:`fit_and_check`
    the fitters (with the reduction's structured starts and exact policy), the
    decoder and the checks of conventions §8, returning the ``verify`` report.
:func:`reduce_to_file`
    forward map + the file's metadata (source hash, the metadata certificate's
    witness and its lift), written atomically.
"""

import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from reluhard import progress, verdicts
from reluhard.data import exact_loss, float_loss, frac_str
from reluhard.errors import BudgetExhausted, InvalidParameterError, ReluhardError

__all__ = [
    "TOL_REL",
    "GD_TIME_LIMIT",
    "EXIT_CODES",
    "Certified",
    "source_problem",
    "oracle_keywords",
    "solve_source",
    "certified_options",
    "certify",
    "default_methods",
    "exact_fitter",
    "file_reduction",
    "fit_and_check",
    "reduce_to_file",
    "source_witness",
    "write_source",
]

TOL_REL = 1e-6
#: wall-clock cap of the heuristic fitter inside verify (it only gives upper bounds)
GD_TIME_LIMIT = 20.0
EXIT_CODES = {"ok": 0, "violated": 1, "inconclusive": 3}


def _tol(value, extra=0.0):
    return TOL_REL * max(1.0, abs(float(value))) + extra


# ---------------------------------------------------------------- solve + certify

def source_problem(red):
    """The reduction's declared :class:`SourceProblem` (default: the oracle of its source kind)."""
    from reluhard.reductions.base import SourceProblem

    return red.source if red.source is not None else SourceProblem(problem=red.source_kind, oracle=red.source_kind)


def oracle_keywords(red, options, extra=None):
    """The keywords the source oracle takes: the reduction options it declares, plus ``extra``."""
    src = source_problem(red)
    okw = {k: options[k] for k in src.oracle_options if options.get(k) is not None}
    okw.update(extra or {})
    return okw


def solve_source(red, instance, *, options=None, time_limit=60.0, oracle_kwargs=None):
    """Run the source problem's oracle once: a :class:`~reluhard.solvers.base.CombinatorialResult`."""
    from reluhard.solvers.base import get_oracle

    src = source_problem(red)
    oracle = get_oracle(src.oracle)
    with progress.task(f"source side: {src.problem}", time_limit=time_limit):
        return oracle(instance, time_limit=time_limit, **oracle_keywords(red, dict(options or {}), oracle_kwargs))


def certified_options(red, options, cert):
    """``options`` with every certified value that is also a reduction option filled in (user values win)."""
    names = set(red.option_names())
    out = dict(options)
    out.update({k: v for k, v in cert.items() if k in names and out.get(k) is None})
    return out


@dataclass
class Certified:
    """One source instance after solve + certify + reduce.

    Attributes
    ----------
    reduction : Reduction or Chain
    instance : the source instance
    options : reduction options used (the user's plus the certified ones)
    comb : CombinatorialResult of the source oracle (computed once)
    image : Reduced (the forward map's result and the witness maps)
    bounds : Bounds at the certified value (None for a step to another combinatorial problem)
    """

    reduction: Any
    instance: Any
    options: dict
    comb: Any
    image: Any
    bounds: Any

    @property
    def cert(self):
        return dict(self.comb.cert)

    @property
    def value(self):
        return self.comb.value

    def gap(self):
        """Distance from YES of the certified value (None when unknown)."""
        if self.comb.value is None:
            return None
        return source_problem(self.reduction).gap(self.comb.value, self.cert)

    def is_yes(self):
        """True / False when the value is certified-known, else None."""
        g = self.gap()
        return None if g is None else g == 0

    def yes_loss(self):
        """Completeness value of a YES instance of this shape (exact), or None."""
        make = source_problem(self.reduction).yes_certificate
        yes = None if make is None else make(self.cert)
        if yes is None:
            return None
        try:
            b = self.image.bounds(**yes)
        except (NotImplementedError, ValueError, KeyError):
            return None
        return b.completeness

    def combinatorial_json(self):
        c = self.comb
        return {"problem": c.problem, "value": c.value, "proven": c.proven, "status": c.status, "seconds": round(c.seconds, 6), **c.extra}


def certify(red, instance, *, options=None, time_limit=60.0, oracle_kwargs=None, comb=None):
    """Solve the source once, fill certified options, reduce, bound: a :class:`Certified`.

    Parameters
    ----------
    red : Reduction or Chain
    instance : source instance
    options : dict of reduction options
    time_limit : float, the oracle's budget
    oracle_kwargs : extra keywords for the oracle
    comb : an already computed oracle result (then the oracle is not run again)
    """
    options = dict(options or {})
    if comb is None:
        comb = solve_source(red, instance, options=options, time_limit=time_limit, oracle_kwargs=oracle_kwargs)
    opts = certified_options(red, options, comb.cert)
    img = red.apply(instance, **opts)
    has_bounds = img.stages[-1][0].bounds is not None  # an intermediate step (e.g. sat-clique) states none
    return Certified(red, instance, opts, comb, img, img.bounds(**comb.cert) if has_bounds else None)


# ---------------------------------------------------------------- fit policy

def default_methods(img):
    """exact + gd where the exact method is known to finish (design note §7), else gd.

    A reduction's :class:`ExactPolicy` says where its exact fitter finishes;
    without one, the generic limits of the SCIP MIQP (one ReLU, <= 80 samples)
    and z3 (k ReLUs, <= 40 samples) apply.
    """
    ts = img.target
    k = img.params.get("k", 1)
    policy = img.exact
    if policy is not None:
        return ["exact", "gd"] if policy.finishes(ts) else ["gd"]
    if k == 1 and ts.n_samples <= 80:
        return ["exact", "gd"]
    if k > 1 and ts.n_samples <= 40:
        return ["smt", "gd"]
    return ["gd"]


def exact_fitter(red, method, *, prune=False):
    """``(fitter name, extra keywords)`` for ``method`` on the data of ``red``.

    ``red`` is a Reduction, Chain or Reduced image (anything with ``exact``
    and ``cell_bound``), or None for data of no known reduction. ``exact``
    becomes the reduction's exact fitter where it declares one, and ``prune``
    hands the reduction's cell lower bound to it.
    """
    policy = None if red is None else red.exact
    cell_bound = None if red is None else red.cell_bound
    name = policy.method if (method == "exact" and policy is not None) else method
    kw = {} if policy is None or name != policy.method else dict(policy.fitter_options)
    if method in ("exact", "orthant") or (policy is not None and name == policy.method):
        kw["prune"] = bool(prune)
        if prune:
            if cell_bound is None:
                what = "these data" if red is None else f"reduction {getattr(red, 'name', None) or red.reduction.name}"
                raise InvalidParameterError(f"--prune needs a cell lower bound, and {what} declares none")
            kw["cell_bound"] = cell_bound
            kw["pruned_by"] = None if policy is None else policy.cell_bound_claim
    return name, kw


def file_reduction(meta):
    """The registered reduction named by a training set's meta (None when unnamed or unknown)."""
    from reluhard.errors import UnknownNameError
    from reluhard.reductions import get_reduction

    name = (meta or {}).get("reduction")
    if not isinstance(name, str):
        return None
    try:
        return get_reduction(name)
    except UnknownNameError:
        return None


# ---------------------------------------------------------------- fit + check

def _bounds_for_checks(cz):
    """Without a certified value the bounds are only conditional: no bound checks then."""
    from reluhard.reductions import Bounds

    b = cz.bounds
    if cz.comb.proven or bool(cz.comb.cert):
        return b
    return Bounds(None, None, b.realizable, b.assumptions, "combinatorial value unknown: " + b.statement)


def fit_and_check(cz, *, methods=None, time_limit=60.0, restarts=30, seed=0, prune=False, t_start=None):
    """Fit, decode and check one certified image; the ``verify`` report dict (conventions §8)."""
    from reluhard.solvers.base import get_fitter, offered

    t_start = time.perf_counter() if t_start is None else t_start
    red, img, comb, cert = cz.reduction, cz.image, cz.comb, cz.cert
    ts = img.target
    inconclusive = [] if comb.proven else [f"combinatorial oracle: {comb.status}"]
    checks = {"combinatorial_certified": True} if comb.proven else {}
    bounds = _bounds_for_checks(cz)

    report = {
        "reduction": red.name,
        "options": {k: (frac_str(v) if isinstance(v, Fraction) else v) for k, v in img.params.items() if not k.startswith("_")},
        "training_set": {"n_samples": ts.n_samples, "n_features": ts.n_features, "nnz": int(ts.X.nnz)},
        "combinatorial": cz.combinatorial_json(),
        "combinatorial_optimum": comb.value,
        "bounds_statement": bounds.statement,
        "realizable_claim": bounds.realizable,
    }
    report.update(bounds.values_json())

    # the lift of the optimal witness, evaluated exactly
    starts = []
    if comb.witness is not None and bounds.completeness is not None:
        lifted = img.lift(comb.witness)
        L_lift = exact_loss(ts, lifted)
        report["lift_loss"] = frac_str(L_lift)
        checks["lift_matches_completeness"] = L_lift == bounds.completeness
        starts = img.starts(comb.witness, seed, lifted=lifted)
    elif comb.witness is not None:
        try:
            starts = img.starts(comb.witness, seed)
        except (InvalidParameterError, ValueError):
            starts = []

    yes_loss = cz.yes_loss()
    certified_gap = None if (bounds.soundness is None or yes_loss is None) else bounds.soundness - yes_loss
    if methods is None:
        methods = default_methods(img)
    k = img.params.get("k", 1)
    fits = {}
    sound_ok, dual_ok, decode_ok, real_ok = [], [], [], []
    bar = progress.start(f"{red.name}: fits", total=len(methods), unit="method")
    for method in methods:
        bar.advance(0 if method == methods[0] else 1, postfix=f"now {method}")
        name, extra_kw = exact_fitter(img, method, prune=prune)
        fitter = get_fitter(name)
        kw = dict(k=k, time_limit=time_limit, seed=seed, starts=starts, restarts=restarts, **extra_kw)
        if method == "gd":
            kw["time_limit"] = min(float(time_limit), GD_TIME_LIMIT)  # a heuristic upper bound: keep it short
            if bounds.soundness is not None:
                kw["target"] = float(bounds.soundness)  # no network beats a certified lower bound
        kw = offered(fitter, kw)  # the pipeline offers a bundle; each fitter takes what it declares
        try:
            res = fitter(ts, **kw)
        except BudgetExhausted as exc:
            fits[method] = {"status": "timeout", "error": str(exc)}
            inconclusive.append(f"{method}: timeout")
            continue
        entry = res.to_json()
        gap_tol = float(res.extra.get("absgap", 0.0) or 0.0)
        if res.network is not None and res.loss is not None:
            # re-evaluate: a fitter's loss must be the true loss of its network
            L_check = float_loss(ts, res.network)
            entry["loss_reevaluated"] = L_check
            if bounds.soundness is not None:  # exact: the rationalised network on the exact data (reluhard.verdicts)
                v, entry["soundness_check"] = verdicts.soundness_verdict(ts, res.network, bounds.soundness, tol=_tol(bounds.soundness))
                if v is None:
                    inconclusive.append(f"{method}: loss within float tolerance of the soundness bound")
                else:
                    sound_ok.append(v)
            decoded = img.decode(res.network)
            try:
                entry["decoded_value"] = img.value(decoded)
            except NotImplementedError:
                entry["decoded_value"] = None
            g = img.guarantee(res.network, L_check, **cert)
            if g is not None:
                entry["decoder_guarantee"] = {"holds": g.holds, "statement": g.statement}
                decode_ok.append(bool(g.holds))
        if res.dual_bound is not None:
            ok = res.dual_bound <= float(res.loss) + _tol(res.loss, gap_tol)
            if bounds.completeness is not None:
                ok = ok and res.dual_bound <= float(bounds.completeness) + _tol(bounds.completeness, gap_tol)
            if res.proven_optimal and bounds.soundness is not None:  # exact where the float resolves it (reluhard.verdicts)
                v = verdicts.dual_verdict(res.dual_bound, bounds.soundness, _tol(bounds.soundness, gap_tol), gap=certified_gap)
                ok = ok and v is not False
                if v is None:
                    inconclusive.append(f"{method}: dual bound within float tolerance below the soundness bound")
            dual_ok.append(bool(ok))
        if res.realizable is not None and bounds.realizable is not None:
            real_ok.append(res.realizable == bounds.realizable)
        if method not in ("gd",) and not res.complete:
            inconclusive.append(f"{method}: {res.status}")
        fits[method] = entry
    bar.close()
    if bounds.soundness is not None:  # the structured starts are points too: none may lie below the bound
        sound_ok.extend(v for v in (verdicts.soundness_verdict(ts, w, bounds.soundness, tol=_tol(bounds.soundness))[0]
                                    for w in starts[:20]) if v is not None)
    inconclusive.extend(verdicts.untested_claims(bounds, bool(real_ok), None))
    for key, vals in (("fits_respect_soundness", sound_ok), ("dual_bound_consistent", dual_ok),
                      ("decoded_within_guarantee", decode_ok), ("realizability_matches_claim", real_ok)):
        if vals:
            checks[key] = all(vals)

    report["fits"] = fits
    report["checks"] = checks
    if not all(checks.values()):
        status = "violated"
    elif inconclusive:
        status = "inconclusive"
    else:
        status = "ok"
    report["ok"] = status == "ok"
    report["status"] = status
    report["inconclusive_because"] = inconclusive
    report["exit_code"] = EXIT_CODES[status]
    report["tolerance"] = {"relative": TOL_REL, "statement": "float comparisons allow TOL_REL*max(1,|value|) plus the exact method's absgap"}
    report["seconds"] = round(time.perf_counter() - t_start, 6)
    return report


# ---------------------------------------------------------------- reduce to a file

def write_source(path, instance, kind):
    """Write a source instance in its kind's format (DIMACS CNF, DIMACS graph, ``.hgr``), atomically."""
    if kind == "cnf":
        from reluhard.io.dimacs import write_cnf

        write_cnf(path, instance)
    elif kind == "graph":
        from reluhard.io.graphs import write_graph

        write_graph(path, instance)
    elif kind == "hypergraph":
        from reluhard.io.hgr import write_hgr

        write_hgr(path, instance)
    else:
        raise InvalidParameterError(f"no file format for source kind {kind!r}")


def source_witness(red, instance):
    """The witness the instance's metadata certifies (planted assignment, set, colouring), or None."""
    from reluhard.structures.cnf import instance_meta

    return source_problem(red).witness_from_meta(instance_meta(instance))


def _metadata_bounds(red, img, instance, src_meta, witness):
    """The public claim's bounds at the value the source's metadata certifies, or None.

    Only a planted witness whose value has gap 0 (a YES witness, re-checked on
    the instance) certifies anything here; a bare value in the metadata (e.g. a
    generator's ``min_unsat``) is an assumption (reluhard.verdicts) - pass the
    recomputed or proof-checked value as ``cert`` instead.
    """
    sp = source_problem(red)
    if witness is None or sp.yes_certificate is None:
        return None
    try:
        value = img.value(witness)
        if sp.gap(value, dict(img.params)) != 0:
            return None
        yes = sp.yes_certificate(dict(img.params))
        return None if yes is None else img.bounds(**yes).to_json()
    except (ReluhardError, NotImplementedError, ValueError, KeyError, TypeError):
        return None  # a malformed planted witness certifies nothing


def reduce_to_file(red, instance, output, options, *, key_out=None, cert=None):
    """Apply ``red`` to ``instance`` and write the public training set (and its answer key) to ``output``.

    The public meta gets ``source`` (kind, sha256 of the canonical instance,
    its metadata without witnesses) and ``claim`` (what is promised, stated at
    ``cert`` — a certified combinatorial value such as ``{"min_unsat": 3}`` from
    an oracle — or at what the source's metadata certifies). Witnesses (the
    planted witness and its lift) go to the answer key ``key_out`` (default
    :func:`reluhard.answer_key.key_path_for` (output); ``False`` writes none),
    written only when a witness exists. Returns the public meta.
    """
    from reluhard.answer_key import key_path_for, make_key, source_meta, split_witnesses, write_key
    from reluhard.cards import claim_of
    from reluhard.io.atomic import sha256_file
    from reluhard.io.instances import instance_sha256
    from reluhard.io.npz import save_training_set

    if key_out not in (None, False) and not Path(key_out).resolve().parent.is_dir():
        raise InvalidParameterError(f"--key-out {key_out}: folder {Path(key_out).resolve().parent} does not exist")
    img = red.apply(instance, **options)
    ts = img.target
    meta = dict(ts.meta)
    src_meta = source_meta(instance)
    src_sha = instance_sha256(instance, red.source_kind)
    meta["source"] = {"kind": red.source_kind, "sha256": src_sha, "meta": src_meta}
    meta.setdefault("certificate", None)
    sp = source_problem(red)
    witness = sp.witness_from_meta(src_meta)
    opt = src_meta.get("optimum")
    if witness is None and isinstance(opt, dict) and sp.witness_key is not None:
        witness = opt.get(sp.witness_key)  # an optimal (not satisfying) witness recorded by a generator
    public, removed = split_witnesses(meta)
    if cert:
        try:
            cb = img.bounds(**cert).to_json()
        except (NotImplementedError, ValueError, KeyError, TypeError):
            cb = None
    else:
        cb = _metadata_bounds(red, img, instance, src_meta, witness)
    public["claim"] = claim_of(public, bounds=cb)
    X, y, c = ts.float_arrays()
    save_training_set(output, X, y, c, public)
    if key_out is not False and (witness is not None or removed):
        network = img.lift(witness).to_json() if witness is not None else None
        key = make_key(training_set_file=output, training_set_sha256=sha256_file(output), source_sha256=src_sha,
                       reduction=red.name, witness=witness, network=network, removed=removed)
        try:
            write_key(key_path_for(output) if key_out is None else key_out, key)
        except BaseException:
            Path(output).unlink(missing_ok=True)  # no training set without its key
            raise
    return public
