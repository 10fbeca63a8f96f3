"""Vectorised helpers on the combinatorial instances themselves (CNF clause
matrices and assignments, graph adjacency and vertex sets, hypergraph edge
arrays and colourings).

This layer sits below both ``reluhard.reductions`` and ``reluhard.solvers``,
so neither has to import the other.
"""
