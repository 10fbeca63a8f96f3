"""Reductions from combinatorial problems to ReLU training sets.

Each reduction lives in one module written like its proof (see
:mod:`reluhard.reductions.base` for the API). The registry maps canonical
names (conventions §5) to dotted paths, so looking a name up imports only
that module. Reductions of other packages join through the entry-point group
``reluhard.reductions`` (see :mod:`reluhard.registry`).

>>> from reluhard.reductions import get_reduction
>>> get_reduction("sat-relu").name
'sat-relu'
"""

from reluhard.registry import GROUPS, Registry

from .base import Bounds, Chain, ExactPolicy, Guarantee, Option, Reduced, Reduction, SourceProblem  # noqa: F401

__all__ = ["REGISTRY", "REDUCTIONS", "get_reduction", "reduction_names", "Reduction", "Chain", "Reduced", "Bounds", "Option",
           "SourceProblem", "ExactPolicy"]

#: canonical name -> "module:attribute" (module relative to this package)
REGISTRY = {
    "sat-relu": "sat_to_relu:REDUCTION",
    "sat-nae": "sat_to_nae:REDUCTION",
    "nae-setsplit": "nae_to_setsplit:REDUCTION",
    "hypergraph-krelu": "hypergraph_to_krelu:REDUCTION",
    "sat-krelu": "hypergraph_to_krelu:SAT_KRELU",
    "dks-relu": "dks_to_relu:REDUCTION",
    "sat-clique": "sat_to_clique:REDUCTION",
    "sat-clique-relu": "sat_to_clique:CHAIN",
}


def _builtin():
    return {name: f"{__name__}.{target}" for name, target in REGISTRY.items()}


#: the one registry of reductions: built-ins, in-process registrations, entry points
REDUCTIONS = Registry("reduction", GROUPS["reduction"], _builtin)


def reduction_names():
    """Every registered reduction name (built-in and plug-in), sorted."""
    return REDUCTIONS.names()


def get_reduction(name):
    """The :class:`Reduction` or :class:`Chain` registered as ``name``.

    Raises
    ------
    UnknownNameError
        ``name`` is not registered (the message lists the known names).
    """
    return REDUCTIONS.get(name)
