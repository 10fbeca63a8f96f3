"""Structures built from flat arrays (the sat-krelu chain's intermediates) equal the eager ones,
and the chain builds no per-clause / per-edge tuples unless someone reads them."""

import copy
import dataclasses
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InvalidParameterError
from reluhard.generators.ksat import random_ksat
from reluhard.reductions import get_reduction
from reluhard.reductions.sat_to_nae import NAEFormula, flat_clauses
from reluhard.structures.hypergraph import Hypergraph, check_hypergraph

edges_st = st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=4, unique=True), max_size=12)


@settings(max_examples=60, deadline=None)
@given(edges_st)
def test_hypergraph_from_arrays_equals_the_eager_one(edges):
    eager = Hypergraph(8, [tuple(e) for e in edges], {"a": 1})
    sizes = [len(e) for e in edges]
    lazy = Hypergraph.from_arrays(8, sizes, [v for e in edges for v in e], {"a": 1})
    assert "_edges" not in lazy.__dict__  # nothing built yet
    assert lazy.n_edges == eager.n_edges
    assert lazy == eager and eager == lazy and hash(lazy) == hash(eager) and repr(lazy) == repr(eager)
    assert lazy.edges == eager.edges and lazy.uniformity == eager.uniformity
    for other in (pickle.loads(pickle.dumps(lazy)), copy.copy(lazy), dataclasses.replace(lazy, meta={})):
        assert other == eager and other.edges == eager.edges
    assert dataclasses.asdict(lazy) == dataclasses.asdict(eager)
    assert lazy != Hypergraph(9, eager.edges) and lazy != Hypergraph(8, eager.edges + ((0,),))


def test_hypergraph_from_arrays_checks_as_the_constructor():
    for sizes, verts in (([2], [1, 1]), ([1], [9]), ([0], [])):
        with pytest.raises(InvalidParameterError) as lazy_err:
            Hypergraph.from_arrays(4, sizes, verts)
        with pytest.raises(InvalidParameterError) as eager_err:
            Hypergraph(4, [tuple(verts)])
        assert str(lazy_err.value) == str(eager_err.value)


def test_nae_from_arrays_equals_the_constructor():
    clauses = ((1, -2, 3), (2, 4), (-1,))
    flat = np.array([lit for c in clauses for lit in c])
    lens = np.array([len(c) for c in clauses])
    lazy = NAEFormula.from_arrays(flat, lens, 4, {"x": 1})
    eager = NAEFormula(clauses, 4, {"x": 1})
    assert "_clauses" not in lazy.__dict__ and repr(lazy) == repr(eager)
    assert lazy.clauses == eager.clauses and lazy.n_vars == 4 and lazy.meta == {"x": 1}
    assert [a.tolist() for a in flat_clauses(lazy)] == [a.tolist() for a in flat_clauses(eager)]
    assert pickle.loads(pickle.dumps(lazy)).clauses == clauses
    assert dataclasses.replace(lazy, meta={}).clauses == clauses
    flat[0] = 99  # the formula holds its own copy
    assert lazy.clauses[0] == (1, -2, 3)
    for bad_flat, bad_lens in (([1, 5], [2]), ([0, 1], [2]), ([], [0])):
        with pytest.raises(InvalidParameterError) as lazy_err:
            NAEFormula.from_arrays(bad_flat, bad_lens, 4)
        with pytest.raises(InvalidParameterError) as eager_err:
            NAEFormula((tuple(bad_flat),), 4)
        assert str(lazy_err.value) == str(eager_err.value)


def test_sat_krelu_chain_builds_no_tuples():
    cnf = random_ksat(30, 120, seed=2)
    img = get_reduction("sat-krelu").apply(cnf, k=3)
    nae, hyper = img.stages[1][1], img.stages[2][1]
    assert "_clauses" not in nae.__dict__ and "_edges" not in hyper.__dict__
    # and they are the same objects an eager chain would build
    assert nae.clauses == NAEFormula(nae.clauses, nae.n_vars).clauses
    assert hyper == Hypergraph(hyper.n_vertices, list(hyper.edges))
    csr = check_hypergraph(hyper)
    assert csr.n_edges == len(hyper.edges)
