"""Instance generators with certificates: random/planted/bounded k-SAT, graphs, hypergraphs.

Every generator takes a keyword ``seed`` (None, int, SeedSequence or
Generator); the same seed and parameters give the same instance, and the
instance carries its metadata (generator, parameters, seed, certificate).
"""

import importlib

#: public name -> submodule; the submodules are imported on first use (PEP 562),
#: so ``from reluhard.generators.ksat import ...`` does not pay for networkx
_WHERE = {
    "complete_multipartite": "graphs",
    "gnp": "graphs",
    "part_sizes": "graphs",
    "planted_clique": "graphs",
    "planted_dense_subgraph": "graphs",
    "NAMED": "hypergraphs",
    "Hypergraph": "hypergraphs",
    "named_hypergraph": "hypergraphs",
    "planted_2colourable_hypergraph": "hypergraphs",
    "random_uniform_hypergraph": "hypergraphs",
    "bounded_occurrence_ksat": "ksat",
    "bounded_occurrence_ksat_array": "ksat",
    "clauses_to_cnf": "ksat",
    "ksat_array": "ksat",
    "planted_3sat": "ksat",
    "planted_ksat": "ksat",
    "planted_ksat_array": "ksat",
    "random_ksat": "ksat",
    "random_ksat_array": "ksat",
}


def __getattr__(name):
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "NAMED",
    "Hypergraph",
    "complete_multipartite",
    "gnp",
    "named_hypergraph",
    "part_sizes",
    "planted_2colourable_hypergraph",
    "planted_clique",
    "planted_dense_subgraph",
    "random_uniform_hypergraph",
    "bounded_occurrence_ksat",
    "bounded_occurrence_ksat_array",
    "clauses_to_cnf",
    "ksat_array",
    "planted_3sat",
    "planted_ksat",
    "planted_ksat_array",
    "random_ksat",
    "random_ksat_array",
]
