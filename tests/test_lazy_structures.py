"""Structures built from flat arrays (the sat-krelu chain's intermediates) equal the eager ones,
and the chain builds no per-clause / per-edge tuples unless someone reads them."""

import copy
import dataclasses
import pickle

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reluhard.errors import InvalidParameterError
from reluhard.generators.ksat import random_ksat
from reluhard.reductions import get_reduction
from reluhard.reductions.sat_to_nae import NAEFormula, flat_clauses
from reluhard.structures.hypergraph import Hypergraph, _check_edge, check_hypergraph

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


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.lists(st.integers(-1, 8), max_size=4), min_size=1, max_size=10),
                 st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=3), min_size=1, max_size=10)))
@example([[0, 1], [1, 2]])
@example([[3, 1], [1, 0], [0, 2, 0]])
@example([[], [1, 1]])
@example([[2, 5], [5, 9]])
@example([[0, 1], [1, 2], [3, 3]])
def test_hypergraph_from_arrays_rejects_as_the_constructor(edges):
    """Several edges, any of them empty, repeating a vertex or outside 0..7: the same first error as edge by edge."""
    def outcome(make):
        try:
            return make()
        except InvalidParameterError as exc:
            return str(exc)

    def edge_by_edge():  # the reference, independent of the vectorised checks that both constructors share
        for e in edges:
            _check_edge(tuple(sorted(e)), 8)
        return tuple(tuple(sorted(e)) for e in edges)

    lazy = outcome(lambda: Hypergraph.from_arrays(8, [len(e) for e in edges], [v for e in edges for v in e]))
    eager = outcome(lambda: Hypergraph(8, [tuple(e) for e in edges]))
    ref = outcome(edge_by_edge)
    assert (lazy if isinstance(lazy, str) else lazy.edges) == ref
    assert (eager if isinstance(eager, str) else eager.edges) == ref


cnf_st = st.lists(st.lists(st.integers(-6, 6).filter(bool), min_size=1, max_size=4), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(cnf_st, st.booleans())
def test_chain_one_width_paths_equal_the_general_ones(clauses, one_width):
    """sat-nae and nae-setsplit take a reshape path for one clause width without repeats; it equals the sort path."""
    from pysat.formula import CNF

    from reluhard.reductions import nae_to_setsplit, sat_to_nae

    if one_width:
        clauses = [(c * 3)[:3] for c in clauses]  # width 3, repeats where c had fewer than 3 distinct literals
    cnf = CNF(from_clauses=clauses)
    cnf.nv = 6
    red = get_reduction("sat-krelu")

    def run():
        img = red.apply(cnf, k=3)
        nae, h = img.stages[1][1], img.stages[2][1]
        return nae.clauses, nae.n_vars, h.n_vertices, h.edges, img.target.X.toarray().tolist(), img.target.y.tolist()

    fast = run()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sat_to_nae, "_distinct_rows", lambda *a, **k: None)
        mp.setattr(nae_to_setsplit, "_sorted_distinct_vertex_rows", lambda *a, **k: None)
        assert run() == fast


@settings(max_examples=100, deadline=None)
@given(cnf_st)
def test_nae_setsplit_one_width_path_on_formulas_with_repeats(clauses):
    """nae-setsplit applied to an NAE formula as given (repeated literals allowed there): both paths agree."""
    from reluhard.reductions import nae_to_setsplit

    rows = [(c * 3)[:3] for c in clauses]
    nae = NAEFormula.from_arrays([lit for c in rows for lit in c], [3] * len(rows), 6)
    red = get_reduction("nae-setsplit")

    def run():
        return red.apply(nae).target.edges

    fast = run()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nae_to_setsplit, "_sorted_distinct_vertex_rows", lambda *a, **k: None)
        assert run() == fast
