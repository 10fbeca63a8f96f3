"""Instance generators with certificates: random/planted/bounded k-SAT, graphs, hypergraphs.

Every generator takes a keyword ``seed`` (None, int, SeedSequence or
Generator); the same seed and parameters give the same instance, and the
instance carries its metadata (generator, parameters, seed, certificate).
"""

from .graphs import complete_multipartite, gnp, part_sizes, planted_clique, planted_dense_subgraph
from .hypergraphs import (
    NAMED,
    Hypergraph,
    named_hypergraph,
    planted_2colourable_hypergraph,
    random_uniform_hypergraph,
)
from .ksat import (
    bounded_occurrence_ksat,
    bounded_occurrence_ksat_array,
    clauses_to_cnf,
    ksat_array,
    planted_3sat,
    planted_ksat,
    planted_ksat_array,
    random_ksat,
    random_ksat_array,
)

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
