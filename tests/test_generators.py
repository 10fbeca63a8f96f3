"""Invariants of the instance generators (k-SAT, graphs, hypergraphs)."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InvalidParameterError
from reluhard.generators import (
    bounded_occurrence_ksat,
    bounded_occurrence_ksat_array,
    ksat_array,
    planted_3sat,
    planted_ksat_array,
    random_ksat,
    random_ksat_array,
)
from reluhard.io.dimacs import format_cnf


def _satisfies(clauses, assignment):
    sigma = np.asarray(assignment)
    return (sigma[np.abs(clauses) - 1] == np.sign(clauses)).any(axis=1)


# ---------------------------------------------------------------- k-SAT


@settings(max_examples=60, deadline=None)
@given(n=st.integers(3, 40), m=st.integers(0, 120), k=st.integers(1, 3), seed=st.integers(0, 2**31))
def test_random_ksat_shape_and_distinct_variables(n, m, k, seed):
    clauses, meta = random_ksat_array(n, m, k=k, seed=seed)
    assert clauses.shape == (m, k)
    v = np.abs(clauses)
    assert ((v >= 1) & (v <= n)).all()
    assert (np.diff(v, axis=1) > 0).all()  # k distinct variables, sorted
    assert meta["sampling"] == "independent" and meta["seed"] == seed and meta["certificate"] is None


def test_random_ksat_signs_and_variables_are_uniform():
    clauses, _ = random_ksat_array(50, 20000, seed=3)
    assert abs((clauses > 0).mean() - 0.5) < 0.01
    counts = np.bincount(np.abs(clauses).ravel(), minlength=51)[1:]
    assert counts.min() > 0.8 * 1200 and counts.max() < 1.2 * 1200


def test_independent_sampling_can_repeat_and_distinct_does_not():
    clauses, _ = random_ksat_array(4, 300, seed=1)  # only 32 possible clauses
    assert len(np.unique(clauses, axis=0)) < 300
    clauses, meta = random_ksat_array(4, 32, distinct=True, seed=1)  # every clause exactly once
    assert len(np.unique(clauses, axis=0)) == 32 and meta["sampling"] == "distinct"
    clauses, _ = random_ksat_array(30, 500, distinct=True, seed=1)  # rejection top-up path
    assert len(np.unique(clauses, axis=0)) == 500
    with pytest.raises(InvalidParameterError, match="distinct clauses"):
        random_ksat_array(4, 33, distinct=True, seed=1)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 30), m=st.integers(0, 150), quiet=st.booleans(), distinct=st.booleans(), seed=st.integers(0, 2**31))
def test_planted_assignment_satisfies_every_clause(n, m, quiet, distinct, seed):
    if distinct and m > n * (n - 1) * (n - 2) // 6 * 6:
        m = 5
    clauses, meta = planted_ksat_array(n, m, quiet=quiet, distinct=distinct, seed=seed)
    sigma = np.sign(meta["certificate"]["assignment"])
    assert np.array_equal(np.abs(meta["certificate"]["assignment"]), np.arange(1, n + 1))
    assert _satisfies(clauses, sigma).all()
    if quiet:  # the negated assignment satisfies too (NAE)
        assert _satisfies(clauses, -sigma).all()


def test_planted_3sat_is_satisfiable_for_pysat():
    from pysat.solvers import Solver

    cnf = planted_3sat(60, 400, seed=5)
    with Solver(name="minisat22", bootstrap_with=cnf.clauses) as s:
        assert s.solve(assumptions=[])
    assignment = json_meta(cnf)["certificate"]["assignment"]
    with Solver(name="minisat22", bootstrap_with=cnf.clauses) as s:
        assert s.solve(assumptions=assignment)


def json_meta(cnf):
    import json

    (line,) = [c for c in cnf.comments if c.startswith("c reluhard ")]
    return json.loads(line[len("c reluhard "):])


def _majority_agreement(clauses, sigma):
    n = len(sigma)
    score = np.bincount(np.abs(clauses).ravel() - 1, weights=np.sign(clauses).ravel(), minlength=n)
    decided = score != 0
    return float((np.sign(score[decided]) == sigma[decided]).mean())


def test_quiet_planting_hides_assignment_from_majority_vote():
    n, m = 3000, int(4.2 * 3000)
    plain, meta = planted_ksat_array(n, m, seed=11)
    quiet, qmeta = planted_ksat_array(n, m, quiet=True, seed=11)
    agree_plain = _majority_agreement(plain, np.sign(meta["certificate"]["assignment"]))
    agree_quiet = _majority_agreement(quiet, np.sign(qmeta["certificate"]["assignment"]))
    assert agree_plain > 0.65  # plain planting leaks: literals true under sigma are 4/7 of occurrences
    assert abs(agree_quiet - 0.5) < 0.03  # ~3 standard deviations over ~2700 decided variables
    # literal balance itself: true-under-sigma occurrences are half of all
    sigma = np.sign(qmeta["certificate"]["assignment"])
    true_frac = (sigma[np.abs(quiet) - 1] == np.sign(quiet)).mean()
    assert abs(true_frac - 0.5) < 0.01


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 40), bound=st.integers(1, 6), fill=st.floats(0, 1), planted=st.booleans(), seed=st.integers(0, 2**31))
def test_bounded_occurrence(n, bound, fill, planted, seed):
    m = int(fill * bound * n // 3)
    clauses, meta = bounded_occurrence_ksat_array(n, m, max_occurrence=bound, planted=planted, seed=seed)
    assert clauses.shape == (m, 3)
    v = np.abs(clauses)
    assert (np.diff(v, axis=1) > 0).all()
    assert np.bincount(v.ravel(), minlength=n + 1).max(initial=0) <= bound
    assert meta["generator"] == "bounded-occurrence-ksat" and meta["params"]["max_occurrence"] == bound
    if planted:
        assert _satisfies(clauses, np.sign(meta["certificate"]["assignment"])).all()


def test_bounded_occurrence_tight_bound_is_met_exactly():
    clauses, _ = bounded_occurrence_ksat_array(300, 400, max_occurrence=4, seed=2)  # 3m = B n
    assert (np.bincount(np.abs(clauses).ravel())[1:] == 4).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: random_ksat_array(-1, 3), "n_vars"),
        (lambda: random_ksat_array(5, -3), "n_clauses"),
        (lambda: random_ksat_array(2, 3, k=3), "n_vars >= k"),
        (lambda: random_ksat_array(5, 3, k=0), "k must be >= 1"),
        (lambda: random_ksat_array(5.5, 3), "integer"),
        (lambda: random_ksat_array(True, 3), "integer"),
        (lambda: random_ksat_array(5, 3, seed=-1), "seed"),
        (lambda: ksat_array(5, 3, quiet=True), "planted"),
        (lambda: bounded_occurrence_ksat_array(10, 11, max_occurrence=3), "infeasible"),
        (lambda: bounded_occurrence_ksat_array(10, 1, max_occurrence=0), "max_occurrence"),
        (lambda: ksat_array(10, 1, max_occurrence=3, distinct=True), "not supported"),
    ],
)
def test_invalid_parameters(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()


def test_ksat_determinism_and_seed_recording():
    a1, m1 = random_ksat_array(100, 400, seed=7)
    a2, m2 = random_ksat_array(100, 400, seed=7)
    a3, _ = random_ksat_array(100, 400, seed=8)
    assert np.array_equal(a1, a2) and m1 == m2 and not np.array_equal(a1, a3)
    c1 = bounded_occurrence_ksat(50, 60, max_occurrence=5, planted=True, quiet=True, seed=4)
    c2 = bounded_occurrence_ksat(50, 60, max_occurrence=5, planted=True, quiet=True, seed=4)
    assert format_cnf(c1, c1.nv, comments=c1.comments) == format_cnf(c2, c2.nv, comments=c2.comments)
    _, drawn = random_ksat_array(10, 4)  # no seed: one is drawn and recorded
    again, _ = random_ksat_array(10, 4, seed=drawn["seed"])
    assert isinstance(drawn["seed"], int)
    assert np.array_equal(random_ksat_array(10, 4, seed=drawn["seed"])[0], again)
    _, from_gen = random_ksat_array(10, 4, seed=np.random.default_rng(1))
    assert from_gen["seed"] is None


def test_cnf_wrapper_carries_meta():
    cnf = random_ksat(20, 30, seed=1)
    assert cnf.nv == 20 and len(cnf.clauses) == 30
    meta = json_meta(cnf)
    assert meta["generator"] == "random-ksat" and meta["seed"] == 1 and meta["params"]["n_vars"] == 20


# ---------------------------------------------------------------- graphs

from reluhard.generators import (  # noqa: E402
    Hypergraph,
    complete_multipartite,
    gnp,
    named_hypergraph,
    planted_2colourable_hypergraph,
    planted_clique,
    planted_dense_subgraph,
    random_uniform_hypergraph,
)
from reluhard.io.graphs import format_graph  # noqa: E402


def _parts_of(G):
    sizes = G.graph["reluhard"]["part_sizes"]
    return np.repeat(np.arange(len(sizes)), sizes)


def test_gnp_edge_count_and_simple_graph():
    G = gnp(2000, 0.004, seed=1)
    assert G.number_of_nodes() == 2000
    expected = 0.004 * 2000 * 1999 / 2
    assert abs(G.number_of_edges() - expected) < 4 * expected**0.5
    assert not any(u == v for u, v in G.edges())
    assert gnp(10, 0.0, seed=1).number_of_edges() == 0
    assert gnp(10, 1.0, seed=1).number_of_edges() == 45


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 40), p=st.floats(0, 1), kappa=st.integers(0, 40), seed=st.integers(0, 2**31))
def test_planted_clique_is_a_clique(n, p, kappa, seed):
    kappa = min(kappa, n)
    G = planted_clique(n, p, kappa, seed=seed)
    S = G.graph["reluhard"]["certificate"]["set"]
    assert len(S) == kappa == len(set(S)) and all(0 <= v < n for v in S)
    assert all(G.has_edge(u, v) for u, v in itertools.combinations(S, 2))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(4, 40), density=st.floats(0, 1), seed=st.integers(0, 2**31), partite=st.booleans())
def test_planted_dense_subgraph_density(n, density, seed, partite):
    kappa = min(6, n)
    n_parts = kappa if partite else None
    G = planted_dense_subgraph(n, 0.3, kappa, density, n_parts=n_parts, seed=seed)
    cert = G.graph["reluhard"]["certificate"]
    S = cert["set"]
    inside = G.subgraph(S).number_of_edges()
    assert inside == cert["edges"] == round(density * kappa * (kappa - 1) / 2)
    if partite:
        label = _parts_of(G)
        assert len({label[v] for v in S}) == kappa  # one vertex per part


def test_partite_graphs_have_no_edge_inside_a_part():
    for G in (gnp(60, 0.5, n_parts=4, seed=3), planted_clique(60, 0.3, 4, n_parts=4, seed=3)):
        label = _parts_of(G)
        assert G.graph["reluhard"]["part_sizes"] == [15, 15, 15, 15]
        assert all(label[u] != label[v] for u, v in G.edges())
        assert G.number_of_edges() > 0


def test_complete_multipartite():
    G = complete_multipartite([3, 3, 3])
    assert G.number_of_nodes() == 9 and G.number_of_edges() == 27
    label = _parts_of(G)
    assert all(label[u] != label[v] for u, v in G.edges())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: gnp(10, 1.5), r"\[0, 1\]"),
        (lambda: gnp(10, -0.1), r"\[0, 1\]"),
        (lambda: gnp(10, float("nan")), r"\[0, 1\]"),
        (lambda: gnp(-1, 0.5), "n must be"),
        (lambda: planted_clique(5, 0.5, 6), "kappa = 6 exceeds n"),
        (lambda: planted_clique(10, 0.5, 4, n_parts=3), "number of parts"),
        (lambda: planted_dense_subgraph(10, 0.5, 4, 1.2), "density"),
        (lambda: gnp(3, 0.5, n_parts=4), "n_parts"),
        (lambda: complete_multipartite([]), "at least one part"),
        (lambda: complete_multipartite([2, -1]), "part size"),
    ],
)
def test_graph_invalid_parameters(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()


def test_graph_determinism():
    a = format_graph(planted_dense_subgraph(80, 0.1, 8, 0.7, seed=5))
    b = format_graph(planted_dense_subgraph(80, 0.1, 8, 0.7, seed=5))
    c = format_graph(planted_dense_subgraph(80, 0.1, 8, 0.7, seed=6))
    assert a == b and a != c


# ---------------------------------------------------------------- hypergraphs


def _brute_force_2colourable(n, edges):
    """Independent exhaustive check (does not use Hypergraph.is_2_colourable_by)."""
    for colours in itertools.product((0, 1), repeat=n):
        if all(len({colours[v] for v in e}) == 2 for e in edges):
            return True
    return False


@pytest.mark.parametrize(
    "name, size, colourable",
    [
        ("fano", None, False),
        ("fano-minus-line", None, True),
        ("k5-3", None, False),
        ("k6-3", None, False),
        ("k4", None, False),
        ("cycle", 3, False),
        ("cycle", 4, True),
        ("cycle", 5, False),
        ("cycle", 6, True),
        ("cycle", 7, False),
        ("cycle", 8, True),
        ("cycle", 9, False),
    ],
)
def test_named_hypergraphs_colourability(name, size, colourable):
    H = named_hypergraph(name, size=size)
    assert _brute_force_2colourable(H.n_vertices, H.edges) is colourable
    assert H.meta["two_colourable"] is colourable
    if colourable:
        assert H.is_2_colourable_by(H.meta["certificate"]["colouring"])


def test_named_hypergraph_shapes():
    fano = named_hypergraph("fano")
    assert fano.edges == ((0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5))
    assert named_hypergraph("k5-3").n_edges == 10 and named_hypergraph("k6-3").n_edges == 20
    assert named_hypergraph("k4").uniformity == 2 and named_hypergraph("k4").n_edges == 6
    assert named_hypergraph("cycle", size=5).edges == ((0, 1), (1, 2), (2, 3), (3, 4), (0, 4))
    with pytest.raises(InvalidParameterError, match="unknown"):
        named_hypergraph("petersen")
    with pytest.raises(InvalidParameterError, match="size"):
        named_hypergraph("cycle")


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 14), r=st.integers(2, 4), m=st.integers(0, 30), seed=st.integers(0, 2**31))
def test_planted_2colourable_certificate_is_proper(n, r, m, seed):
    r = min(r, n)
    space = math.comb(n, r) - math.comb(n // 2, r) - math.comb(n - n // 2, r)
    m = min(m, space)
    H = planted_2colourable_hypergraph(n, m, r=r, seed=seed)
    assert H.n_edges == m == len(set(H.edges)) and (m == 0 or H.uniformity == r)
    assert H.is_2_colourable_by(H.meta["certificate"]["colouring"])
    assert sum(H.meta["certificate"]["colouring"]) == n // 2


def test_random_uniform_hypergraph():
    H = random_uniform_hypergraph(12, 100, r=3, seed=2)
    assert H.n_edges == 100 == len(set(H.edges)) and H.uniformity == 3
    assert random_uniform_hypergraph(5, 10, r=3, seed=1).n_edges == 10  # all of K5^(3)
    with pytest.raises(InvalidParameterError, match="distinct"):
        random_uniform_hypergraph(5, 11, r=3, seed=1)
    with pytest.raises(InvalidParameterError, match="exceeds"):
        random_uniform_hypergraph(3, 1, r=4)
    assert random_uniform_hypergraph(30, 50, seed=9) == random_uniform_hypergraph(30, 50, seed=9)


def test_hypergraph_validation_and_colouring_check():
    H = Hypergraph(3, [(2, 0), (1, 2)])
    assert H.edges == ((0, 2), (1, 2))
    assert H.is_2_colourable_by([0, 0, 1]) and not H.is_2_colourable_by([0, 1, 1])
    for bad in ([()], [(0, 0)], [(0, 3)]):
        with pytest.raises(InvalidParameterError):
            Hypergraph(3, bad)
    with pytest.raises(InvalidParameterError):
        H.is_2_colourable_by([0, 2, 1])
