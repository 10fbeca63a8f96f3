"""R2/R3 reductions: 3-SAT -> NAE-SAT -> set splitting -> k ReLUs.

Shaped like Karp's check-reduction: random small instances, both sides
decided by brute force / PySAT, every witness map checked exactly.
"""

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pysat.formula import CNF

from reluhard.data import Network, exact_loss
from reluhard.errors import InvalidParameterError
from reluhard.reductions import get_reduction
from reluhard.structures.hypergraph import check_hypergraph, make_hypergraph, monochromatic
from reluhard.reductions.hypergraph_to_krelu import REDUCTION as HK
from reluhard.reductions.hypergraph_to_krelu import c5_k2_counterexample, gadget_points
from reluhard.reductions.nae_to_setsplit import REDUCTION as NS
from reluhard.reductions.sat_to_nae import REDUCTION as SN
from reluhard.reductions.sat_to_nae import falsified, nae_violated
from reluhard.solvers.colouring import colourability_oracle, two_colour

# ---------------------------------------------------------------- instances

NAMED = {
    # name: (n, edges, 2-colourable)   -- design note §7
    "fano": (7, [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5)], False),
    "fano-minus-line": (7, [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6)], True),
    "K5^(3)": (5, [tuple(c) for c in np.array(list(product(range(5), repeat=3))) if c[0] < c[1] < c[2]], False),
    "K4": (4, [(i, j) for i in range(4) for j in range(i + 1, 4)], False),
    **{f"C{q}": (q, [(i, (i + 1) % q) for i in range(q)], q % 2 == 0) for q in (3, 4, 5, 6, 7, 8, 9)},
}


def named(name):
    n, edges, col = NAMED[name]
    return make_hypergraph(n, [tuple(sorted(int(v) for v in e)) for e in edges], {"name": name}), col


def all_assignments(n):
    """(2^n, n) bool matrix of every assignment."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)


def sat_mask(clauses, n):
    """Which of the 2^n assignments satisfy every clause (vectorised brute force)."""
    A = all_assignments(n)
    ok = np.ones(len(A), dtype=bool)
    for c in clauses:
        c = np.asarray(c)
        ok &= (A[:, np.abs(c) - 1] == (c > 0)).any(axis=1)
    return A, ok


def nae_mask(clauses, n):
    A = all_assignments(n)
    ok = np.ones(len(A), dtype=bool)
    for c in clauses:
        c = np.asarray(c)
        v = A[:, np.abs(c) - 1] == (c > 0)
        ok &= v.any(axis=1) & ~v.all(axis=1)
    return A, ok


def colourings(n):
    return all_assignments(n).astype(np.int64)


def dimacs(row):
    idx = np.arange(1, len(row) + 1)
    return np.where(row, idx, -idx).tolist()


@st.composite
def cnf3(draw, max_n=6, max_m=14):
    n = draw(st.integers(3, max_n))
    m = draw(st.integers(1, max_m))
    clauses = []
    for _ in range(m):
        vs = draw(st.lists(st.integers(1, n), min_size=3, max_size=3, unique=True))
        signs = draw(st.lists(st.booleans(), min_size=3, max_size=3))
        clauses.append([v if s else -v for v, s in zip(vs, signs)])
    return CNF(from_clauses=clauses)


@st.composite
def hypergraphs(draw, max_n=7, max_m=8):
    n = draw(st.integers(2, max_n))
    m = draw(st.integers(0, max_m))
    edges = [tuple(sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=min(n, 4), unique=True)))) for _ in range(m)]
    return make_hypergraph(n, edges)


def brute_colourable(h):
    csr = check_hypergraph(h)
    C = colourings(csr.n_vertices)
    return any(not monochromatic(csr, c).any() for c in C)


# ---------------------------------------------------------------- step 1: sat-nae

@given(cnf3())
def test_sat_nae_equisatisfiable_and_witness_maps(cnf):
    img = SN.apply(cnf)
    nae = img.target
    n = cnf.nv
    A, sat = sat_mask(cnf.clauses, n)
    B, naesat = nae_mask(nae.clauses, n + 1)
    assert sat.any() == naesat.any()
    for a in A[sat]:  # completeness: every satisfying assignment lifts to a NAE solution
        beta = img.lift(dimacs(a))
        assert nae_violated(nae, beta) == 0 and beta[-1] < 0
    for b in B[naesat]:  # soundness: every NAE solution decodes to a satisfying assignment
        assert falsified(cnf, img.decode(dimacs(b))) == 0
    for a in A[:8]:  # decode(lift) is the identity on all assignments
        assert img.decode(img.lift(dimacs(a))) == dimacs(a)


def test_sat_nae_rejects_empty_clause():
    with pytest.raises(InvalidParameterError, match="clause 2 is empty"):
        SN.apply(CNF(from_clauses=[[1, 2], []]))


# ---------------------------------------------------------------- step 2: nae-setsplit

@given(cnf3(max_n=5, max_m=10))
def test_setsplit_equivalent_and_witness_maps(cnf):
    nae = SN.apply(cnf).target
    img = NS.apply(nae)
    h = img.target
    csr = check_hypergraph(h)
    assert h.n_vertices == 2 * nae.n_vars and csr.n_edges == len(nae.clauses) + nae.n_vars
    B, ok = nae_mask(nae.clauses, nae.n_vars)
    chis = colourings(h.n_vertices)
    proper = np.array([not monochromatic(csr, c).any() for c in chis])
    assert ok.any() == proper.any()
    for b in B[ok]:
        assert not monochromatic(csr, img.lift(dimacs(b))).any()
    for c in chis[proper]:
        assert nae_violated(nae, img.decode(c)) == 0
    # the value is preserved by lift on every assignment: violated clauses = monochromatic clause edges
    for b in B[:: max(1, len(B) // 16)]:
        assert monochromatic(csr, img.lift(dimacs(b))).sum() == nae_violated(nae, dimacs(b))


# ---------------------------------------------------------------- step 3: hypergraph-krelu

def expected_rows(n, m, k, gadget):
    K = k - 2
    return n + K + m + K * (K - 1) // 2 + K * n + (3 * k if gadget else 0)


@pytest.mark.parametrize("k", [2, 3, 4, 5])
@pytest.mark.parametrize("no_gadget", [False, True])
@given(h=hypergraphs())
def test_forward_well_formed(h, k, no_gadget):
    img = HK.apply(h, k=k, no_gadget=no_gadget)
    ts = img.target
    p = img.params
    csr = check_hypergraph(h)
    gadget = k >= 3 and not no_gadget
    assert p["gadget"] == gadget
    assert ts.n_samples == expected_rows(h.n_vertices, csr.n_edges, k, gadget)
    assert ts.n_features == h.n_vertices + (k - 2) + 2 * gadget
    X = ts.X.toarray()
    assert X.dtype.kind == "i" and (X >= 0).all() and (ts.sample_weight == 1).all()
    nv = h.n_vertices + k - 2
    assert (X[:nv] == np.eye(nv, ts.n_features, dtype=np.int64)).all() and (ts.y[:nv] == 1).all()
    edge_rows = X[nv: ts.n_samples - 3 * k * gadget]
    assert set(np.unique(edge_rows)) <= {0, 1} and (ts.y[nv: ts.n_samples - 3 * k * gadget] == 0).all()
    assert ts.meta["k"] == k and ts.meta["gadget"] == gadget


@pytest.mark.parametrize("k", [2, 3, 4, 5])
@given(h=hypergraphs(max_n=6))
def test_lift_exact_zero_iff_proper_and_round_trip(h, k):
    """Every proper colouring lifts to loss exactly 0 (Fractions) and decodes back to itself;
    an improper one lifts to positive loss."""
    img = HK.apply(h, k=k)
    csr = check_hypergraph(h)
    for chi in colourings(h.n_vertices)[:: max(1, 2 ** h.n_vertices // 12)]:
        net = img.lift(chi.tolist())
        assert net.is_exact
        mono = int(monochromatic(csr, chi).sum())
        loss = exact_loss(img.target, net)
        assert isinstance(loss, Fraction)
        assert (loss == 0) == (mono == 0)
        assert img.decode(net) == chi.tolist()
        if mono == 0:
            g = img.guarantee(net, loss)
            assert g.holds and g.decoded_value == 0


def test_lift_margin_M_is_needed():
    """M = max(1, max|c| - 1) is tight: M - 1/2 leaves a positive residual (design note §4)."""
    h, _ = named("fano-minus-line")
    img = HK.apply(h, k=3)
    ok, chi = two_colour(h)
    net = img.lift(chi)
    W = net.weights.copy()
    M = img.params["M"]
    W[W == -M] = Fraction(-M) + Fraction(1, 2)
    assert exact_loss(img.target, net) == 0
    assert exact_loss(img.target, Network(W, net.output_weights)) > 0


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
def test_gadget_second_differences(k):
    """f* has second difference exactly 1 at every s = 3i (so every ReLU must have a_j > 0)."""
    cols, vals, lab = gadget_points(k, 0, 1)
    assert (vals[:, 0] == 3).all()
    f = lab.reshape(k, 3)
    assert (f[:, 0] - 2 * f[:, 1] + f[:, 2] == 1).all()
    # and the lifted gadget weights (j, -1) reproduce the labels
    s = vals[:, 1]
    assert (np.maximum(3 * np.arange(1, k + 1)[None, :] - s[:, None], 0).sum(axis=1) == lab).all()


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_colourability(name):
    h, col = named(name)
    assert two_colour(h)[0] is col
    assert brute_colourable(h) is col
    res = colourability_oracle(h)
    assert res.value == (0 if col else 1) and res.cert == {"colourable": col} and res.proven


@given(h=hypergraphs())
def test_colouring_oracle_matches_brute_force(h):
    status, chi = two_colour(h)
    assert status is brute_colourable(h)
    if status:
        assert not monochromatic(check_hypergraph(h), chi).any()


@pytest.mark.parametrize("k", [2, 3, 4])
def test_bounds_follow_conventions(k):
    for name in ("C4", "C5"):
        h, col = named(name)
        img = HK.apply(h, k=k)
        b = img.bounds(colourable=col)
        assert b.soundness == 0
        assert b.completeness == (0 if col else None)
        assert b.realizable is col
    h, _ = named("C5")
    b = HK.apply(h, k=4, no_gadget=True).bounds(colourable=False)
    assert b.realizable is None  # no claim without the gadget at k >= 4


def test_bad_input_raises_typed_errors():
    h, _ = named("C5")
    with pytest.raises(InvalidParameterError):
        HK.apply(h, k=1)
    with pytest.raises(InvalidParameterError, match="empty"):
        HK.apply(make_hypergraph(3, [(0, 1), ()]), k=2)
    with pytest.raises(InvalidParameterError, match="outside"):
        HK.apply(make_hypergraph(3, [(0, 3)]), k=2)
    with pytest.raises(InvalidParameterError, match="repeats"):
        HK.apply(make_hypergraph(3, [(1, 1)]), k=2)
    img = HK.apply(h, k=3)
    with pytest.raises(InvalidParameterError):
        img.lift([0, 1, 2, 0, 1])
    with pytest.raises(InvalidParameterError):
        img.decode(Network(np.zeros((2, 8)), np.ones(2)))
    with pytest.raises(InvalidParameterError):
        two_colour(make_hypergraph(2, [()]))


# ---------------------------------------------------------------- the chain

@pytest.mark.parametrize("k", [2, 3, 4])
@given(cnf=cnf3(max_n=5, max_m=12))
def test_chain_lift_decode(cnf, k):
    chain = get_reduction("sat-krelu")
    img = chain.apply(cnf, k=k)
    n = cnf.nv
    A, sat = sat_mask(cnf.clauses, n)
    assert img.target.n_features == 2 * (n + 1) + (k - 2) + 2 * (k >= 3)
    for a in A[sat][:4]:
        net = img.lift(dimacs(a))
        assert exact_loss(img.target, net) == 0
        assert img.decode(net) == dimacs(a)
        assert img.value(img.decode(net)) == 0
    for a in A[~sat][:2]:  # an unsatisfying assignment lifts to positive loss
        assert exact_loss(img.target, img.lift(dimacs(a))) > 0


def test_registry_names():
    for name in ("sat-nae", "nae-setsplit", "hypergraph-krelu", "sat-krelu"):
        assert get_reduction(name).name == name
    chain = get_reduction("sat-krelu")
    assert [s.name for s in chain.steps] == ["sat-nae", "nae-setsplit", "hypergraph-krelu"]
    assert {o.dest for o in chain.options} == {"k", "no_gadget", "variant"}


# ---------------------------------------------------------------- the named counterexample

def test_c5_k2_counterexample_exact():
    """Design note §4: C5 ⋈ K2 fits exactly with (+,+,+,-) and no gadget, in Fractions."""
    h, net = c5_k2_counterexample()
    img = HK.apply(h, k=4, no_gadget=True)
    assert img.target.n_samples == 23
    assert exact_loss(img.target, net) == 0
    assert not brute_colourable(h)
    assert img.guarantee(net, Fraction(0)) is None  # no decoder guarantee without the gadget
    # with the gadget the same weights (gadget columns 0) miss the gadget labels
    img_g = HK.apply(h, k=4)
    W = np.concatenate([net.weights, np.zeros((4, 2), dtype=object)], axis=1)
    assert exact_loss(img_g.target, Network(W, net.output_weights)) > 0


@pytest.mark.parametrize("k", [5, 6, 7])
def test_c5_counterexample_lifts_to_larger_k(k):
    """Design note §4: one more clique vertex per extra ReLU, M = 17/4 works, M = 4 fails."""
    h, net = c5_k2_counterexample()

    def extend(M):
        W, a = net.weights, net.output_weights
        for _ in range(k - 4):
            d = W.shape[1]
            W = np.concatenate([W, np.full((W.shape[0], 1), -M, dtype=object)], axis=1)
            new = np.full((1, d + 1), -M, dtype=object)
            new[0, d] = 1
            W = np.concatenate([W, new])
            a = np.concatenate([a, np.array([1], dtype=object)])
        return Network(W, a)

    img = HK.apply(h, k=k, no_gadget=True)
    assert exact_loss(img.target, extend(Fraction(17, 4))) == 0
    assert exact_loss(img.target, extend(Fraction(4))) > 0
