"""Reductions from combinatorial problems to ReLU training sets.

Each reduction lives in one module written like its proof (see
:mod:`reluhard.reductions.base` for the API). The registry maps canonical
names (conventions §5) to dotted paths, so looking a name up imports only
that module.

>>> from reluhard.reductions import get_reduction
>>> get_reduction("sat-relu").name
'sat-relu'
"""

import importlib

from reluhard.errors import UnknownNameError

from .base import Bounds, Chain, Guarantee, Option, Reduced, Reduction  # noqa: F401

__all__ = ["REGISTRY", "get_reduction", "reduction_names", "Reduction", "Chain", "Reduced", "Bounds", "Option"]

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


def reduction_names():
    return sorted(REGISTRY)


def get_reduction(name):
    """The :class:`Reduction` or :class:`Chain` registered as ``name``.

    Raises
    ------
    UnknownNameError
        ``name`` is not registered (the message lists the known names).
    """
    try:
        target = REGISTRY[name]
    except KeyError:
        raise UnknownNameError(
            f"unknown reduction {name!r}; known: {', '.join(reduction_names())}"
        ) from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
