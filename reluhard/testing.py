"""``check_reduction``: property-test any reduction against the reduction contract.

The analogue of scikit-learn's ``check_estimator`` (and of Karp's
``check-reduction``): on random tiny source instances of the reduction's
source kind, solved exactly on both sides, it checks

=============================  ===============================================================
property                       what must hold
=============================  ===============================================================
``forward_deterministic``      forward twice gives the same data (X, y, weights, meta)
``bounds_exact``               completeness and soundness are exact rationals (or None)
``lift_matches_completeness``  the lift of an optimal witness has exactly the completeness loss
``fits_respect_soundness``     no fitted network (exact or heuristic) beats the soundness bound
``dual_bound_consistent``      the exact minimum is <= completeness and >= soundness
``realizability_matches_claim`` a decided realizability equals the claim (k-ReLU reductions)
``decoded_within_guarantee``   the decoder guarantee holds at every fitted network
``decode_inverts_lift``        decode(lift(optimal witness)) is again optimal
``cell_bound_below_minimum``   a declared cell lower bound is <= the exact minimum of every cell
=============================  ===============================================================

Exact solvers come from the fitter registry (the reduction's exact policy,
else the generic MIQP / SMT limits); the combinatorial side from the source
problem's oracle. A failing instance is shrunk with hypothesis (sub-instances:
subsets of clauses / edges) to a minimal counterexample, reported with the
witness and network that break the claim.

>>> from reluhard.reductions import get_reduction
>>> rep = check_reduction(get_reduction("sat-relu"), instances=3, max_n=4, seed=0)
>>> rep.ok
True
"""

import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from reluhard.errors import BudgetExhausted, InvalidParameterError

__all__ = ["check_reduction", "CheckReport", "Failure", "PROPERTIES", "load_reduction"]

PROPERTIES = (
    "forward_deterministic", "bounds_exact", "lift_matches_completeness", "fits_respect_soundness",
    "dual_bound_consistent", "realizability_matches_claim", "decoded_within_guarantee", "decode_inverts_lift",
    "cell_bound_below_minimum",
)


@dataclass
class Failure:
    """One refuted property, on a (shrunk) source instance."""

    property: str
    instance: Any
    detail: str
    witness: Any = None
    network: Any = None

    def to_json(self):
        from reluhard.data import jsonable

        net = None if self.network is None else self.network.as_float().to_json()
        return {"property": self.property, "instance": _describe(self.instance), "detail": self.detail,
                "witness": jsonable(self.witness), "network": jsonable(net)}

    def format(self):
        lines = [f"REFUTED {self.property}: {self.detail}", f"  instance: {_describe(self.instance)}"]
        if self.witness is not None:
            lines.append(f"  witness:  {self.witness}")
        if self.network is not None:
            net = self.network.as_float()
            lines.append(f"  network:  a = {np.round(net.output_weights, 6).tolist()}, w = {np.round(net.weights, 6).tolist()}")
        return "\n".join(lines)


@dataclass
class CheckReport:
    """Outcome of :func:`check_reduction`: instances run, properties checked, failures (shrunk)."""

    reduction: str
    instances: int = 0
    checked: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    inconclusive: int = 0
    seconds: float = 0.0

    @property
    def ok(self):
        return not self.failures

    def to_json(self):
        return {"reduction": self.reduction, "ok": self.ok, "instances": self.instances, "checked": dict(self.checked),
                "inconclusive": self.inconclusive, "failures": [f.to_json() for f in self.failures],
                "seconds": round(self.seconds, 3)}

    def format(self):
        head = (f"{self.reduction}: {self.instances} instances; properties checked (times), failed or not: "
                + ", ".join(f"{k} x{v}" for k, v in self.checked.items() if v)
                + (f"; {self.inconclusive} inconclusive (a solver hit its limit)" if self.inconclusive else ""))
        if self.ok:
            return head + "\nno counterexample found"
        return (head + f"\n{len(self.failures)} propert{'y' if len(self.failures) == 1 else 'ies'} refuted, "
                "each with its (shrunk) counterexample:\n" + "\n".join(f.format() for f in self.failures))


# ---------------------------------------------------------------- instances by source kind

def _describe(inst):
    if hasattr(inst, "clauses") and hasattr(inst, "nv"):
        return {"kind": "cnf", "n_vars": int(inst.nv), "clauses": [list(map(int, c)) for c in inst.clauses]}
    if hasattr(inst, "edges") and hasattr(inst, "n_vertices"):
        return {"kind": "hypergraph", "n_vertices": int(inst.n_vertices), "edges": [list(map(int, e)) for e in inst.edges]}
    if hasattr(inst, "number_of_nodes"):
        meta = inst.graph.get("reluhard", {}) or {}
        return {"kind": "graph", "n": inst.number_of_nodes(), "edges": sorted(map(sorted, inst.edges())), "kappa": meta.get("kappa")}
    return repr(inst)


def _parts(inst, kind):
    """(the instance's parts, rebuild(parts) -> instance) for shrinking by subsets."""
    if kind == "cnf":
        from pysat.formula import CNF

        n = int(inst.nv)

        def rebuild(cls):
            f = CNF(from_clauses=[list(c) for c in cls])
            f.nv = n
            return f

        return [tuple(c) for c in inst.clauses], rebuild
    if kind == "graph":
        import networkx as nx

        nodes, meta = list(inst.nodes()), dict(inst.graph.get("reluhard", {}) or {})
        meta.pop("certificate", None)
        meta.pop("planted", None)

        def rebuild(edges):
            G = nx.Graph()
            G.add_nodes_from(nodes)
            G.add_edges_from(edges)
            G.graph["reluhard"] = dict(meta)
            return G

        return sorted(tuple(sorted(e)) for e in inst.edges()), rebuild
    if kind == "hypergraph":
        from reluhard.structures.hypergraph import make_hypergraph

        n = int(inst.n_vertices)
        return list(inst.edges), lambda edges: make_hypergraph(n, edges)
    raise InvalidParameterError(f"check_reduction has no instance generator for source kind {kind!r}")


def _random_instance(kind, rng, max_n):
    from reluhard.sweep.grid import build_instance

    seed = int(rng.integers(2**31))
    if kind == "cnf":
        # from satisfiable (planted, sparse) to far from satisfiable (up to 10n clauses on n <= max_n variables)
        n = int(rng.integers(3, max(max_n, 3) + 1))
        m = int(rng.integers(1, 10 * n + 1))
        return build_instance({"family": "ksat", "params": {"n": n, "m": m, "planted": bool(rng.random() < 0.2)}, "seed": seed})
    if kind == "graph":
        n = int(rng.integers(4, max(max_n, 4) + 1))
        return build_instance({"family": "gnp", "params": {"n": n, "p": float(rng.uniform(0.3, 0.9)), "kappa": 3}, "seed": seed})
    if kind == "hypergraph":
        n = int(rng.integers(4, max(max_n, 4) + 1))
        m = int(rng.integers(1, min(3 * n, math.comb(n, 3)) + 1))
        return build_instance({"family": "hypergraph", "params": {"n": n, "m": m, "r": 3}, "seed": seed})
    raise InvalidParameterError(f"check_reduction has no instance generator for source kind {kind!r}")


# ---------------------------------------------------------------- the properties on one instance

def _same_data(a, b):
    return (a.X.shape == b.X.shape and (a.X != b.X).nnz == 0 and np.array_equal(a.y, b.y)
            and np.array_equal(a.sample_weight, b.sample_weight) and a.weight_denominator == b.weight_denominator
            and repr(a.meta) == repr(b.meta))


def _is_exact(v):
    return v is None or isinstance(v, (Fraction, int, np.integer))


def _cell_failures(img, max_cells):
    """Every declared cell lower bound <= the exact minimum over its closed sign cell."""
    from reluhard.data import Network
    from reluhard.solvers.relu_exact import cell_minima

    ts = img.target
    d = ts.n_features
    if img.cell_bound is None or 2 ** d > max_cells:
        return None
    X, y, c = ts.float_arrays()
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=d)))
    bounds = img.cell_bound(X, y, c, signs)
    if bounds is None:
        return [("cell_bound_below_minimum", "the declared cell bound does not apply to the reduction's own data", None)]
    minima, W = cell_minima(ts, signs)
    bad = np.flatnonzero(bounds > minima + 1e-7)
    if bad.size == 0:
        return []
    i = int(bad[0])
    return [("cell_bound_below_minimum", f"cell {signs[i].astype(int).tolist()}: bound {bounds[i]:.10g} > the cell's minimum {minima[i]:.10g}",
             Network(W[i][None, :], np.ones(1)))]


_FIT_PROPERTIES = ("fits_respect_soundness", "dual_bound_consistent", "realizability_matches_claim", "decoded_within_guarantee")


def _instance_failures(red, inst, *, time_limit, restarts, seed, max_cells, only=None):
    """(list of (property, detail, network, witness), checked property names, inconclusive?).

    ``only`` (a property name) skips the work the other properties need (used while shrinking).
    """
    from reluhard.data import exact_loss, frac_str
    from reluhard.pipeline import certify, default_methods, fit_and_check

    out, checked = [], []
    cz = certify(red, inst, time_limit=time_limit)
    img, comb = cz.image, cz.comb
    again = red.apply(inst, **cz.options)
    checked.append("forward_deterministic")
    if red.target_kind == "relu" and not _same_data(img.target, again.target):
        out.append(("forward_deterministic", "two forward maps of the same instance differ", None, None))
    if cz.bounds is not None:
        checked.append("bounds_exact")
        for name, v in (("completeness", cz.bounds.completeness), ("soundness", cz.bounds.soundness)):
            if not _is_exact(v):
                out.append(("bounds_exact", f"{name} bound {v!r} is a {type(v).__name__}, not an exact rational", None, None))
    if comb.witness is not None and comb.proven:
        checked.append("decode_inverts_lift")
        lifted = img.lift(comb.witness)
        back = img.decode(lifted)
        try:
            val = img.value(back)
        except NotImplementedError:
            val = None
        if val is not None and val != comb.value:
            out.append(("decode_inverts_lift", f"decode(lift(optimal witness)) has value {val}, the optimum is {comb.value}",
                        lifted if red.target_kind == "relu" else None, back))
    if red.target_kind != "relu":
        return out, checked, not comb.proven
    lifted = img.lift(comb.witness) if comb.witness is not None else None
    if lifted is not None and comb.proven and cz.bounds is not None and cz.bounds.completeness is not None:
        checked.append("lift_matches_completeness")
        L = exact_loss(img.target, lifted)
        if L != cz.bounds.completeness:
            out.append(("lift_matches_completeness", f"lift loss {frac_str(L)} != claimed completeness {frac_str(cz.bounds.completeness)}",
                        lifted, comb.witness))
    cells = _cell_failures(img, max_cells) if only in (None, "cell_bound_below_minimum") else None
    if cells is not None:
        checked.append("cell_bound_below_minimum")
        out += [(p, d, n, None) for p, d, n in cells]
    if only is not None and only not in _FIT_PROPERTIES:
        return out, checked, False
    methods = [m for m in default_methods(img) if m != "gd"]
    if only is None or not methods:
        methods.append("gd")  # the heuristic can refute a soundness bound where no exact method runs
    try:
        rep = fit_and_check(cz, methods=methods, time_limit=time_limit, restarts=restarts, seed=seed, prune=False)
    except InvalidParameterError:
        return out, checked, True  # an exact fitter does not apply to these data: the fits are inconclusive
    for name, ok in rep["checks"].items():
        if name in ("combinatorial_certified", "lift_matches_completeness"):
            continue
        checked.append(name)
        if ok:
            continue
        net, best = None, None
        for m, f in rep["fits"].items():
            if f.get("loss_reevaluated") is not None and (best is None or f["loss_reevaluated"] < best):
                best, net = f["loss_reevaluated"], _network(f)
        detail = {"fits_respect_soundness": f"a network has loss {best} < claimed soundness {rep['soundness_bound']}",
                  "dual_bound_consistent": f"exact bounds contradict the claim [{rep['soundness_bound']}, {rep['completeness_loss']}]: "
                                           + "; ".join(f"{m}: loss {f.get('loss')}, dual {f.get('dual_bound')}" for m, f in rep["fits"].items()),
                  "realizability_matches_claim": f"realizable claim {rep['realizable_claim']} contradicted by "
                                                 + ", ".join(f"{m}: {f.get('realizable')}" for m, f in rep["fits"].items()),
                  "decoded_within_guarantee": "; ".join(f"{m}: {f['decoder_guarantee']['statement']}" for m, f in rep["fits"].items()
                                                        if f.get("decoder_guarantee") and not f["decoder_guarantee"]["holds"]),
                  }.get(name, name)
        out.append((name, detail, net, None))
    return out, checked, rep["status"] == "inconclusive"


def _network(fit_json):
    from reluhard.data import Network

    try:
        return Network.from_json(fit_json)
    except (KeyError, TypeError, ValueError, InvalidParameterError):
        return None


def _fails(red, inst, prop, kw, deadline):
    if time.monotonic() > deadline:
        return False  # out of shrinking time: keep the smallest failure found so far
    try:
        found, _, _ = _instance_failures(red, inst, only=prop, **kw)
    except (InvalidParameterError, BudgetExhausted, ValueError):
        return False
    return any(p == prop for p, *_ in found)


def _shrink(red, inst, prop, kw, max_examples, seconds=30.0):
    """The smallest sub-instance (hypothesis-shrunk subset of clauses / edges) on which ``prop`` still fails.

    Hypothesis proposes keep-masks over the parts and shrinks them toward
    dropping parts; every failing subset seen is recorded, and a greedy pass
    then tries to drop each remaining part. A shrink cut short by ``seconds``
    returns the smallest failure found so far.
    """
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st

    parts, rebuild = _parts(inst, red.source_kind)
    if len(parts) <= 1:
        return inst
    L = len(parts)
    idx = st.lists(st.booleans(), min_size=L, max_size=L).map(lambda keep: [i for i in range(L) if keep[i]]).filter(bool)
    cfg = settings(max_examples=max_examples, database=None, derandomize=True, deadline=None,
                   suppress_health_check=list(HealthCheck))
    deadline = time.monotonic() + seconds
    best = [list(range(len(parts)))]

    def fails(ix):
        ok = _fails(red, rebuild([parts[i] for i in ix]), prop, kw, deadline)
        if ok and len(ix) < len(best[0]):
            best[0] = list(ix)
        return ok

    try:
        find(idx, fails, settings=cfg)
    except Exception:  # noqa: BLE001 - no example, or cut short (a time-dependent condition is "flaky" to hypothesis)
        pass
    for i in list(best[0]):  # greedy: drop each remaining part if the property still fails without it
        if len(best[0]) > 1 and time.monotonic() < deadline:
            fails([j for j in best[0] if j != i])
    return inst if len(best[0]) == len(parts) else rebuild([parts[i] for i in best[0]])


# ---------------------------------------------------------------- the entry point

def check_reduction(red, *, instances=200, max_n=6, seed=0, time_limit=10.0, restarts=3, shrink=True,
                    max_cells=128, shrink_examples=40, shrink_seconds=20.0, log=None):
    """Run the reduction contract on random tiny source instances (see module docstring).

    Parameters
    ----------
    red : Reduction or Chain (or a registered name)
    instances : int, number of random source instances (>= 1)
    max_n : int, largest number of variables / vertices
    seed : int, seed of the instance stream (same seed, same instances)
    time_limit : float, budget of each exact solve
    restarts : int, random restarts of the heuristic fitter (it can refute a soundness bound)
    shrink : bool, shrink the first counterexample of each property with hypothesis
    max_cells : int, the cell-bound check runs where the target has at most this many sign cells
    shrink_examples, shrink_seconds : hypothesis' budget for shrinking one counterexample

    Returns
    -------
    CheckReport (``ok`` is False when some property was refuted)
    """
    from reluhard.reductions import get_reduction

    red = get_reduction(red) if isinstance(red, str) else red
    if int(instances) < 1 or int(max_n) < 1:
        raise InvalidParameterError(f"check needs instances >= 1 and max-n >= 1, got {instances} and {max_n}")
    t0 = time.perf_counter()
    rng = np.random.default_rng(int(seed))
    report = CheckReport(red.name, checked=dict.fromkeys(PROPERTIES, 0))
    kw = dict(time_limit=time_limit, restarts=restarts, seed=int(seed), max_cells=max_cells)
    refuted = set()
    for i in range(int(instances)):
        inst = _random_instance(red.source_kind, rng, int(max_n))
        try:
            found, checked, inconclusive = _instance_failures(red, inst, **kw)
        except (InvalidParameterError, BudgetExhausted) as exc:
            if log:
                log(f"instance {i}: skipped ({exc})")
            report.inconclusive += 1
            continue
        report.instances += 1
        report.inconclusive += bool(inconclusive)
        for p in checked:
            report.checked[p] = report.checked.get(p, 0) + 1
        for prop, detail, net, wit in found:
            if prop in refuted:
                continue
            refuted.add(prop)
            small = _shrink(red, inst, prop, kw, shrink_examples, shrink_seconds) if shrink else inst
            if small is not inst:
                again = [f for f in _instance_failures(red, small, only=prop, **kw)[0] if f[0] == prop]
                if again:
                    _, detail, net, wit = again[0]
            report.failures.append(Failure(prop, small, detail, wit, net))
        if log:
            log(f"instance {i + 1}/{instances}: {len(found)} refuted")
    report.checked = {k: v for k, v in report.checked.items() if v}
    report.seconds = time.perf_counter() - t0
    return report


def load_reduction(spec):
    """A reduction from a registered name or ``package.module:ATTRIBUTE``.

    Raises
    ------
    InvalidParameterError
        The module or attribute does not exist, or is not a reduction.
    """
    import importlib

    from reluhard.reductions import get_reduction

    if ":" not in spec:
        return get_reduction(spec)
    module, _, attr = spec.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise InvalidParameterError(f"cannot load reduction {spec!r}: {exc}") from None
    if not all(hasattr(obj, a) for a in ("apply", "steps", "source_kind", "target_kind")):
        raise InvalidParameterError(f"{spec!r} is a {type(obj).__name__}, not a Reduction or Chain")
    return obj
