"""Training-loss claims: (theorem id, certified combinatorial values, exact rational bounds).

The bounds are recomputed by the reduction's own ``bounds`` (exact rationals)
from the instance *with its metadata removed* and the combinatorial values the
same bundle certifies, so neither a metadata line nor a flag can move them.
"""

import copy
import dataclasses
from fractions import Fraction
from math import comb

from reluhard.data import frac_str

__all__ = ["THEOREMS", "strip_metadata", "certified_values", "loss_bounds"]

#: reduction -> the theorem its ``bounds`` implements (statement in docs/reductions)
THEOREMS = {
    "sat-relu": "sat-relu:theorem (docs/reductions/sat-relu.md, 'Theorem': (★), (d), (e))",
    "dks-relu": "dks-relu:soundness (docs/reductions/dks-relu.md §3; proved for the hard-constrained loss)",
    "sat-clique-relu": "sat-clique-relu:chain (docs/reductions/dks-relu.md §7)",
    "sat-clique": "sat-clique:transfer (docs/reductions/dks-relu.md §7)",
    "sat-krelu": "sat-krelu:realizability (docs/reductions/sat-krelu.md §3-5)",
    "hypergraph-krelu": "hypergraph-krelu:realizability (docs/reductions/sat-krelu.md §3-5)",
}


def strip_metadata(instance, kind):
    """A copy of ``instance`` without its ``reluhard`` metadata (so nothing uncertified is read)."""
    if kind == "cnf":
        out = copy.copy(instance)
        out.comments = []
        return out
    if kind == "graph":
        out = instance.copy()
        out.graph.pop("reluhard", None)
        return out
    if dataclasses.is_dataclass(instance):
        try:
            return dataclasses.replace(instance, meta={})
        except TypeError:
            pass
    out = copy.copy(instance)
    if hasattr(out, "meta"):
        out.meta = {}
    return out


def certified_values(claims):
    """The cert dict the reductions' ``bounds`` take, from *verified* claim values."""
    cert = {}
    if "min_unsat" in claims:
        cert["min_unsat"] = int(claims["min_unsat"]["value"])
    elif claims.get("satisfiable", {}).get("value") is True:
        cert["min_unsat"] = 0
    if "max_occurrence" in claims:
        cert["max_occurrence"] = int(claims["max_occurrence"]["value"])
    if "max_edges" in claims:
        kappa, e = int(claims["max_edges"]["kappa"]), int(claims["max_edges"]["value"])
        C = comb(kappa, 2)
        cert.update(kappa=kappa, max_edges=e, delta=Fraction(C - e, C) if e < C else Fraction(1, C))
    if "colourable" in claims:
        cert["colourable"] = bool(claims["colourable"]["value"])
    return cert


def _jsonable_options(options):
    return {k: (frac_str(v) if isinstance(v, Fraction) else v) for k, v in options.items()}


def loss_bounds(instance, kind, reduction, options, cert):
    """The ``loss_bounds`` claim: recompute the reduction's bounds at the certified values.

    ``options`` are the user's reduction options; certified values that are
    also options (``min_unsat``, and ``kappa``/``delta`` for dks-relu unless
    given) are filled from ``cert``.
    """
    from reluhard.reductions import get_reduction

    red = get_reduction(reduction)
    names = set(red.option_names())
    opts = dict(options)
    if "min_unsat" in names and "min_unsat" in cert:
        opts["min_unsat"] = cert["min_unsat"]
    for key in ("kappa", "delta"):
        if key in names and key in cert and opts.get(key) is None:
            opts[key] = cert[key]
    img = red.apply(strip_metadata(instance, kind), **opts)
    b = img.bounds(**cert)
    out = {
        "reduction": red.name,
        "theorem": THEOREMS.get(red.name, f"{red.name}:bounds"),
        "options": _jsonable_options(options),
        "uses": {k: (frac_str(v) if isinstance(v, Fraction) else v) for k, v in sorted(cert.items())},
        "soundness_bound": None if b.soundness is None else frac_str(b.soundness),
        "completeness_loss": None if b.completeness is None else frac_str(b.completeness),
        "realizable": b.realizable,
        "statement": b.statement,
    }
    conditions_hold = b.assumptions.get("certified")
    if conditions_hold is False:
        out["conditions_hold"] = False
    return out
