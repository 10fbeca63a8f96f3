"""dks-relu --variant normalized: the weight-ball construction, its exact eps, the
locality obstruction, exact minima over the ball (SCIP) and fits.

Default run: 2 NO + 1 YES exact instances; RELUHARD_FULL=1: 12 NO + 4 YES.
"""

import itertools
from fractions import Fraction
from math import comb

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import minimize

from reluhard.cli import main
from reluhard.data import Network, exact_loss, float_loss
from reluhard.errors import InvalidParameterError
from reluhard.generators.dks_families import multipartite_no
from reluhard.generators.graphs import gnp, planted_clique
from reluhard.io.graphs import write_graph
from reluhard.io.npz import load_training_set
from reluhard.reductions import dks_to_relu_normalized as NZ
from reluhard.reductions.dks_to_relu import REDUCTION

from conftest import dks_no_instances, n_cases

pytest.importorskip("pyscipopt")
from reluhard.solvers.relu_ball import fit_relu_ball  # noqa: E402


def _img(G, kappa, delta):
    return REDUCTION.apply(G, kappa=kappa, delta=delta, variant="normalized")


# ---------------------------------------------------------------- constants, pinned independently

def _mu3_by_hand(kappa, delta, n):
    C = comb(kappa, 2)
    grow = lambda j: Fraction(j * (2 * kappa + j - 1), 2)  # noqa: E731 - C(kappa+j,2) - C
    up = [(1 - delta) * grow(j) * Fraction(kappa + j, j * j) for j in range(1, min(3 * kappa, n - kappa) + 1)]
    down = [((1 - Fraction(3, 2) * delta) * grow(j) - delta * C / 2) * Fraction(kappa + j, j * j)
            for j in range(1, min(3 * kappa + 1, n - kappa) + 1)]
    return max([Fraction(0)] + up + [4 * x for x in down])


def test_parameters_and_eps_are_the_documented_formulas():
    G = multipartite_no(10, 3, 6)  # K_{10,10,10}, kappa = 6, delta = 1/5
    img = REDUCTION.apply(G, kappa=6, variant="normalized")
    p, m = img.params, img.target.meta
    n, C, d = 30, 15, Fraction(1, 5)
    assert p["delta"] == d and p["max_degree"] == 20
    mu3 = _mu3_by_hand(6, d, n)
    assert NZ.mu3(6, d, n) == mu3
    # a hand value at kappa = 6, delta = 1/5: 4 x (0.7 * 6 - 1.5) * 7 = 75.6 (w_0 < 1, j = 1) beats 0.8 * 6 * 7
    assert mu3 == Fraction(378, 5)
    mu = 5 * (25 - 1 + 20) + mu3
    assert p["mu"] == mu
    A = Fraction(30 ** 2 * 300)  # (4 kappa + 6)^2 |E|
    assert p["A"] == A
    W = A + 2 * n * mu + comb(n, 2)
    eps = d * C / (17 * 7 * W)
    assert m["eps"] == f"{eps.numerator}/{eps.denominator}" and m["eps_float"] == float(eps)
    assert Fraction(m["locality_bound"]) == 2 * C / W
    assert m["normalisation"]["R2"] == 17 and m["normalisation"]["w_star_norm_sq"] == 7
    # every point has squared norm <= 17, with equality on the pair points
    X = img.target.X
    norms = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    assert norms.max() == 17 and norms[0] == 1 and (norms[1:1 + 2 * n] == 5).all()


def test_eps_scales_as_one_over_n_squared_on_multipartite_graphs():
    """At fixed (kappa, delta), n = 2 kappa .. 20 kappa: eps n^2 is non-decreasing and
    eps stays within the factor 34 (kappa + 1)/delta of the locality bound."""
    kappa, r = 6, 3
    rows = []
    for b in range(4, 41, 4):
        G = multipartite_no(b, r, kappa)
        m = REDUCTION.apply(G, kappa=kappa, variant="normalized").target.meta
        n = b * r
        eps, loc = Fraction(m["eps"]), Fraction(m["locality_bound"])
        assert Fraction(m["options"]["delta"]) == Fraction(1, 5)
        assert eps * 34 * (kappa + 1) / Fraction(1, 5) == loc  # eps = delta/(34 (kappa+1)) x (2C/W)
        rows.append((n, eps * n * n))
        plain = REDUCTION.apply(G, kappa=kappa).target.meta
        if n >= 24:
            assert Fraction(plain["eps"]) < eps  # the plain normalisation is Theta(1/n^5)
    assert rows[0][0] == 2 * kappa and rows[-1][0] == 20 * kappa
    scaled = [s for _, s in rows]
    assert all(a <= b for a, b in zip(scaled, scaled[1:]))
    assert scaled[0] > Fraction(7, 100000) and scaled[-1] < Fraction(1, 12000)


# ---------------------------------------------------------------- maps

def test_lift_loss_formula_on_every_subset():
    for seed in range(6):
        G = gnp(6, 0.55, seed=seed)
        img = _img(G, 3, Fraction(1, 3))
        p = img.params
        for s in range(7):
            for S in itertools.combinations(range(6), s):
                net = img.lift(list(S))
                assert exact_loss(img.target, net) == NZ.lift_loss(p, S)
                assert sum(x * x for x in net.weights[0]) == 1 + s
                if s == 3:
                    assert img.decode(net) == list(S)


def test_options_are_validated():
    G = gnp(6, 0.5, seed=1)
    with pytest.raises(InvalidParameterError, match="fixes its own parameters"):
        REDUCTION.apply(G, kappa=3, delta=Fraction(1, 3), variant="normalized", params="custom", mu=1)
    with pytest.raises(InvalidParameterError, match="delta"):
        REDUCTION.apply(G, kappa=3, variant="normalized")


def test_cli_writes_eps(tmp_path, capsys):
    G = multipartite_no(4, 3, 6)
    g = tmp_path / "g.col"
    write_graph(g, G)
    out = tmp_path / "t.npz"
    assert main(["reduce", "dks-relu", str(g), "--kappa", "6", "--delta", "1/5", "--variant", "normalized", "-o", str(out)]) == 0
    X, y, c, meta = load_training_set(out)
    assert meta["variant"] == "normalized" and meta["eps"] == "5/9393146"
    assert X.shape == (1 + 24 + comb(12, 2), 13)
    assert main(["reduce", "dks-relu", str(g), "--kappa", "6", "--delta", "1/5", "--variant", "normalized",
                 "--params", "custom", "--mu", "1", "-o", str(tmp_path / "x.npz")]) == 2
    assert not (tmp_path / "x.npz").exists()
    capsys.readouterr()


# ---------------------------------------------------------------- the locality obstruction, checked

def test_locality_obstruction_yes_and_no_graphs_differ_by_at_most_2C_over_W():
    """Plant K_S in a NO graph and rewire as many edges elsewhere: same n, |E|, Delta, hence
    the same weights; at every w in the ball the normalised losses differ by <= 2C/W."""
    Gno = multipartite_no(4, 3, 4)  # K_{4,4,4}, kappa = 4: best 4-set spans 5 edges
    G = Gno.copy()
    S = [0, 1, 4, 8]  # parts {0..3}, {4..7}, {8..11}: the missing pair is 0-1
    G.add_edge(0, 1)
    G.remove_edges_from([(0, 5), (1, 6)])
    G.add_edge(5, 6)  # four pairs changed (<= 2C), degrees restored
    assert G.number_of_edges() == Gno.number_of_edges()
    assert max(d for _, d in G.degree()) == max(d for _, d in Gno.degree())
    a, b = _img(Gno, 4, Fraction(1, 6)), _img(G, 4, Fraction(1, 6))
    assert a.params["mu"] == b.params["mu"] and a.params["A"] == b.params["A"]
    Z = Fraction(a.target.meta["normalisation"]["Z"])
    loc = Fraction(a.target.meta["locality_bound"])
    rng = np.random.default_rng(0)
    for _ in range(200):
        w = rng.normal(size=13)
        w *= np.sqrt(5) / np.linalg.norm(w) * rng.uniform(0, 1)
        net = Network(w[None, :], np.ones(1))
        diff = abs(float_loss(a.target, net) - float_loss(b.target, net)) / float(Z)
        assert diff <= float(loc) * (1 + 1e-12)
    assert nx.density(G.subgraph(S)) == 1


# ---------------------------------------------------------------- exact minima over the ball

NO = dks_no_instances(n_cases(2, 12))


@pytest.mark.parametrize("i", range(len(NO)))
def test_exact_ball_minimum_respects_soundness(i):
    G, kappa, r = NO[i]
    C = comb(kappa, 2)
    img = _img(G, kappa, Fraction(C - r.value, C))
    b = img.bounds(max_edges=r.value)
    rho2 = img.params["rho2"]
    box = img.target.meta["box"]
    soft = fit_relu_ball(img.target, rho2=rho2, box=box, time_limit=120)
    assert soft.proven_optimal
    assert soft.dual_bound >= float(b.soundness) - 1e-4
    assert soft.loss <= float(b.completeness) + 1e-6
    # the anchored slice w_0 = 1 (the hard-constrained problem) is never below the free minimum
    hard = fit_relu_ball(img.target, rho2=rho2, box=box, fixed={0: 1.0}, time_limit=120)
    assert hard.dual_bound >= float(b.soundness) - 1e-4 and hard.loss >= soft.dual_bound - 1e-4
    g = img.reduction.steps[-1].guarantee(G, img.params, soft.network, soft.loss)
    assert g is not None and g.holds


def test_exact_ball_minimum_on_planted_clique_is_at_most_c():
    G = planted_clique(6, 0.3, 3, seed=2000)
    img = _img(G, 3, Fraction(1, 3))
    b = img.bounds(max_edges=3)
    res = fit_relu_ball(img.target, rho2=4, box=img.target.meta["box"], time_limit=120)
    assert res.loss <= float(b.completeness) + 1e-6


# ---------------------------------------------------------------- fits on larger graphs (upper bounds only)

def _ball_fits(img, restarts, seed=0):
    X, y, c = img.target.float_arrays()
    X = X.toarray()
    rho2 = img.params["rho2"]

    def f(w):
        z = X @ w
        r = np.maximum(z, 0) - y
        return float(c @ (r * r)), 2 * X.T @ (c * r * (z > 0))

    cons = [{"type": "ineq", "fun": lambda w: rho2 - w @ w, "jac": lambda w: -2 * w}]
    rng = np.random.default_rng(seed)
    starts = [np.asarray(s.as_float().weights[0], dtype=float) for s in img.starts(list(range(img.params["kappa"])))]
    starts += [rng.normal(size=X.shape[1]) * rng.uniform(0.2, 1.0) for _ in range(restarts)]
    best = np.inf
    for w0 in starts:
        w0 = w0 * min(1.0, np.sqrt(rho2) / max(np.linalg.norm(w0), 1e-12))
        res = minimize(f, w0, jac=True, method="SLSQP", constraints=cons, options={"maxiter": 500, "ftol": 1e-12})
        if res.x @ res.x <= rho2 * (1 + 1e-9):
            best = min(best, f(res.x)[0])
    return best


@pytest.mark.parametrize("b,r,kappa", [(5, 3, 6), (4, 4, 6)] + ([(6, 3, 6), (8, 3, 6), (5, 4, 8)] if n_cases(0, 1) else []))
def test_fits_on_multipartite_graphs_respect_soundness(b, r, kappa):
    G = multipartite_no(b, r, kappa)
    img = REDUCTION.apply(G, kappa=kappa, variant="normalized")
    bnd = img.bounds(max_edges=G.graph["reluhard"]["certificate"]["max_edges"])  # the generator's closed form, in process
    best = _ball_fits(img, restarts=n_cases(6, 40))
    assert best <= float(bnd.completeness) + 1e-6  # the lifted best kappa-set is among the starts
    assert best >= float(bnd.soundness) - 1e-6


def test_verify_and_fitters_respect_the_weight_ball():
    """verify uses the ball MIQCP and projects gd fits into the ball (meta 'ball')."""
    from reluhard.solvers.fit import fit_gd
    from reluhard.verify import verify

    G = multipartite_no(2, 3, 4)  # K_{2,2,2}, kappa = 4: best 4-set spans 5 edges
    rep = verify(G, "dks-relu", options={"kappa": 4, "variant": "normalized"}, time_limit=60, restarts=5)
    assert rep["checks"] and all(rep["checks"].values())
    assert rep["fits"]["exact"]["method"] == "miqp-ball"
    img = REDUCTION.apply(G, kappa=4, variant="normalized")
    res = fit_gd(img.target, restarts=5, seed=0)
    assert float(np.sum(np.asarray(res.network.weights, dtype=float) ** 2)) <= 5 * (1 + 1e-12)
    assert res.loss >= float(img.bounds().soundness) - 1e-6
