"""The verification pipeline: one instance, the whole chain, every claim checked.

``verify(instance, "sat-relu", methods=["exact", "gd"])`` runs

1. the combinatorial side (the oracle the reduction's source problem declares: RC2 for CNF, ...)
   giving the certified optimum and an optimal witness;
2. the forward map (exact rationals);
3. the lift of the optimal witness; its loss is computed exactly from the data
   and must equal the certified completeness value (``lift_matches_completeness``);
4. each requested fitter, started also from the reduction's structured starts;
5. the decoder on every fitted network, with the reduction's decoder guarantee
   (``decoded_within_guarantee``);
6. the checks: no fitted loss below the certified soundness bound
   (``fits_respect_soundness``), proven dual bounds consistent with the losses
   and the bounds (``dual_bound_consistent``), realizability verdicts equal to
   the claim (``realizability_matches_claim``), the combinatorial value
   certified (``combinatorial_certified``). A check that does not apply is
   omitted, not ``True``.

Fits are upper bounds on the minimum; only ``dual_bound`` of an exact method
is a lower bound. Float comparisons use ``tol = TOL_REL * max(1, |value|)``
plus the exact method's own gap tolerance (SCIP ``absgap``).

Status: ``ok`` (exit 0), ``violated`` (exit 1: the reduction or a solver is
wrong), ``inconclusive`` (exit 3: an exact method or the oracle hit its limit).
"""

import time

from reluhard.pipeline import EXIT_CODES, GD_TIME_LIMIT, TOL_REL, certify, default_methods, fit_and_check
from reluhard.errors import InvalidParameterError
from reluhard.reductions import get_reduction

__all__ = ["verify", "TOL_REL", "EXIT_CODES", "GD_TIME_LIMIT", "default_methods", "format_report"]


def verify(instance, reduction, *, options=None, methods=None, time_limit=60.0, restarts=30, seed=0, prune=False, oracle_kwargs=None,
           **reduction_options):
    """Verify one instance end to end. Returns the report dict (see module docstring).

    The work is :func:`reluhard.pipeline.certify` (the source oracle once, the
    certified options, the forward map, the bounds) followed by
    :func:`reluhard.pipeline.fit_and_check`.

    Parameters
    ----------
    instance : the source instance (pysat CNF, networkx Graph, Hypergraph)
    reduction : str (registry name) or a Reduction / Chain
    options : dict of reduction options (``k``, ``variant``, ``T2``, ...)
    methods : list of fitter names (default: :func:`default_methods`)
    time_limit : per exact solve, seconds
    restarts : random restarts of the gradient fitter
    prune : let the exact fitter prune by the reduction's cell lower bound
        (sat-relu: claim (★); faster; the dual bound then rests on the theorem
        being checked, and the report says so)
    oracle_kwargs : extra keywords for the source oracle (beyond the reduction
        options it declares, e.g. DkS's ``kappa``)
    **reduction_options : the reduction options as keywords, as ``apply`` takes
        them (``verify(G, "dks-relu", kappa=5)``); merged over ``options``
    """
    from reluhard.structures.sources import as_source

    t_start = time.perf_counter()
    red = get_reduction(reduction) if isinstance(reduction, str) else reduction
    unknown = set(reduction_options) - set(red.option_names())
    if unknown:
        raise InvalidParameterError(f"reduction {red.name} has no option(s) {', '.join(sorted(unknown))}")
    options = {**dict(options or {}), **reduction_options}
    instance = as_source(instance, red.source_kind)
    cz = certify(red, instance, options=options, time_limit=time_limit, oracle_kwargs=oracle_kwargs)
    return fit_and_check(cz, methods=methods, time_limit=time_limit, restarts=restarts, seed=seed, prune=prune, t_start=t_start)


def format_report(rep):
    """A human-readable table of a verify report."""
    lines = [
        f"reduction            {rep['reduction']}",
        f"training set         {rep['training_set']['n_samples']} samples x {rep['training_set']['n_features']} features",
        f"combinatorial        {rep['combinatorial']['problem']} optimum = {rep['combinatorial_optimum']}  ({'proven' if rep['combinatorial']['proven'] else rep['combinatorial']['status']})",
        f"claim                {rep['bounds_statement']}",
        f"completeness loss    {_fmt(rep, 'completeness_loss')}",
        f"soundness bound      {_fmt(rep, 'soundness_bound')}",
    ]
    if "lift_loss" in rep:
        lines.append(f"lift loss (exact)    {rep['lift_loss']}")
    lines.append("")
    lines.append(f"{'method':<8} {'loss':>16} {'dual bound':>16} {'proven':>7} {'decoded':>8} {'seconds':>9}")
    for m, f in rep["fits"].items():
        loss = f.get("loss_reevaluated", f.get("loss"))
        lines.append(
            f"{m:<8} {_num(loss):>16} {_num(f.get('dual_bound')):>16} {str(f.get('proven_optimal', '-')):>7} "
            f"{str(f.get('decoded_value', '-')):>8} {_num(f.get('seconds')):>9}"
        )
    lines.append("")
    for name, val in rep["checks"].items():
        lines.append(f"  [{'ok' if val else 'VIOLATED'}] {name}")
    extra = f" ({'; '.join(rep['inconclusive_because'])})" if rep["inconclusive_because"] else ""
    lines.append(f"status: {rep['status']}{extra}")
    return "\n".join(lines)


def _fmt(rep, key):
    v = rep.get(key)
    return "-" if v is None else f"{v}  (= {rep[key + '_float']:.10g})"


def _num(v):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return f"{float(v):.10g}"
