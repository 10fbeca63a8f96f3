"""The source problems of the built-in reductions: what the pipeline needs to know about each.

A reduction declares its source problem as ``Reduction(source=...)``; the
pipeline (``verify``, sweeps, the suite, ``explain``, ``check``) reads the
oracle, the oracle's options, the YES certificate and the gap function from
here and never switches on a problem or reduction name.

=================  ==========  ===============  =========================  =======================
source problem     oracle      oracle options   YES certificate            gap (distance from YES)
=================  ==========  ===============  =========================  =======================
MAXSAT (CNF)       ``cnf``     --               ``{"min_unsat": 0}``       u = min #falsified
COLOURING (hgr)    ``hypergraph`` --            ``{"colourable": True}``   0 if 2-colourable else 1
DKS (graph)        ``graph``   ``kappa``        ``{"max_edges": C(k,2)}``  C(kappa,2) - max edges
=================  ==========  ===============  =========================  =======================
"""

from math import comb

from .base import SourceProblem

__all__ = ["MAXSAT", "COLOURING", "DKS"]


def _sat_yes(cert):
    return {"min_unsat": 0}


def _colouring_yes(cert):
    return {"colourable": True}


def _dks_yes(cert):
    kappa = cert.get("kappa")
    return None if kappa is None else {"max_edges": comb(int(kappa), 2)}


def _dks_gap(value, cert):
    kappa = cert.get("kappa")
    return None if kappa is None or value is None else comb(int(kappa), 2) - int(value)


#: CNF sources: RC2 certifies u = min #falsified clauses (YES iff u = 0)
MAXSAT = SourceProblem(problem="maxsat", oracle="cnf", yes_certificate=_sat_yes, witness_key="assignment")

#: hypergraph sources: SAT 2-colouring certifies colourability (value 0 if colourable, else 1)
COLOURING = SourceProblem(problem="2-colouring", oracle="hypergraph", yes_certificate=_colouring_yes, witness_key="colouring")

#: graph sources: exact densest kappa-subgraph (YES iff a kappa-clique)
DKS = SourceProblem(problem="dks", oracle="graph", oracle_options=("kappa",), yes_certificate=_dks_yes, gap=_dks_gap, witness_key="set")
