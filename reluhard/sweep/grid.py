"""Sweep grids: generator families, parameter axes, cells and their ids.

A sweep is the Cartesian product

    reductions x generator parameters (one axis per parameter) x reduction options x seeds

with one fitter list, restarts and exact-method policy for the whole sweep.
Each element is a *cell*: a plain JSON-able dict whose canonical JSON hashes to
its ``cell_id`` (the resume key). Time limits are resources, not parameters,
and are not part of the id.

Grids come from a small TOML file (:func:`load_spec`) or from CLI flags; both
end in :func:`make_spec`, which validates everything before any cell runs.

TOML layout::

    reduction = "sat-relu"          # or a list
    family = "ksat"                 # optional; default from the reduction's source kind
    methods = ["exact", "gd"]
    seeds = 10                      # seeds 0..9 (or an explicit list)
    time_limit = 20                 # per-cell wall clock, seconds
    restarts = 10
    [grid]                          # generator parameters: a value, a list, or a range
    n = [12, 30]
    ratio = {start = 3.0, stop = 6.0, step = 0.5}   # inclusive
    [options]                       # reduction options (same names as the CLI flags)
    variant = "plain"
"""

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from reluhard.errors import InvalidParameterError, UnknownNameError
from reluhard.registry import GROUPS, Registry

__all__ = [
    "FAMILIES",
    "DEFAULT_FAMILY",
    "SweepSpec",
    "make_spec",
    "load_spec",
    "parse_axis",
    "expand_cells",
    "cell_id",
    "build_instance",
    "EXACT_METHODS",
    "FAMILY_REGISTRY",
    "get_family",
]

#: fitters that prove a lower bound and may not finish (the exact-method policy applies to them)
EXACT_METHODS = ("exact", "orthant", "miqp", "smt")


@dataclass(frozen=True)
class Family:
    """An instance family: its source kind, its parameters (name -> (type, default)) and a builder.

    ``build(params, seed) -> instance`` is a callable, or the name of a builder
    in this module. ``seeded`` is False for named (deterministic) instances.
    A package registers its own family through the entry-point group
    ``reluhard.generators`` (see :mod:`reluhard.registry`).
    """

    name: str
    kind: str
    params: dict
    required: tuple
    build: Any  # callable or the name of a builder in this module (resolved lazily)
    help: str = ""
    seeded: bool = True

    def make(self, params, seed):
        build = globals()[self.build] if isinstance(self.build, str) else self.build
        return build(params, seed)


FAMILIES = {
    "ksat": Family(
        "ksat", "cnf",
        {"n": (int, None), "ratio": (float, None), "m": (int, None), "k": (int, 3), "planted": (bool, False),
         "quiet": (bool, False), "B": (int, None), "distinct": (bool, False)},
        ("n",),
        "_build_ksat",
        "random k-SAT F_k(n, m), m = round(ratio n); planted=true plants a satisfying assignment; "
        "B = max occurrences of a variable (bounded-occurrence generator); distinct=true draws clauses without repetition",
    ),
    "gnp": Family(
        "gnp", "graph", {"n": (int, None), "p": (float, None), "kappa": (int, None)}, ("n", "p"), "_build_gnp",
        "G(n, p); kappa (if given) is recorded in the graph's metadata for the DkS oracle",
    ),
    "planted-clique": Family(
        "planted-clique", "graph", {"n": (int, None), "p": (float, None), "kappa": (int, None)}, ("n", "p", "kappa"),
        "_build_planted_clique", "G(n, p) with a planted kappa-clique (kappa also recorded as the DkS size)",
    ),
    "planted-dense": Family(
        "planted-dense", "graph", {"n": (int, None), "p": (float, None), "kappa": (int, None), "density": (float, None)},
        ("n", "p", "kappa", "density"), "_build_planted_dense", "G(n, p) with a planted kappa-set of given density",
    ),
    "hypergraph": Family(
        "hypergraph", "hypergraph", {"n": (int, None), "m": (int, None), "ratio": (float, None), "r": (int, 3), "planted": (bool, False)},
        ("n",), "_build_hypergraph", "random r-uniform hypergraph (planted=true: planted 2-colourable); m = round(ratio n)",
    ),
    "blocks": Family(
        "blocks", "cnf", {"n": (int, None), "ratio": (float, 4.26), "block_n": (int, 20), "gamma": (float, None), "B": (int, None)},
        ("n",), "_build_blocks",
        "certified NO block union (generators/blocks.py): random blocks of block_n variables certified by RC2, u >= gamma m",
    ),
    "planted-blocks": Family(
        "planted-blocks", "cnf", {"n": (int, None), "ratio": (float, 4.26), "block_n": (int, 20), "quiet": (bool, False), "B": (int, None)},
        ("n",), "_build_planted_blocks", "YES twin of blocks: the same block sizes, each block (quiet-)planted satisfiable",
    ),
    "multipartite": Family(
        "multipartite", "graph", {"b": (int, None), "r": (int, None), "kappa": (int, None)}, ("b", "r", "kappa"),
        "_build_multipartite", "complete multipartite K_{b,...,b} (r parts; deterministic): a kappa-clique iff r >= kappa, "
        "max edges of a kappa-set in closed form",
        seeded=False,
    ),
    "hypergraph-blocks": Family(
        "hypergraph-blocks", "hypergraph", {"copies": (int, None), "colourable": (bool, False)}, ("copies",),
        "_build_hypergraph_blocks", "disjoint copies of the Fano plane (NO) or of fano-minus-line (colourable=true, YES)",
    ),
    "tightness-blocks": Family(
        "tightness-blocks", "cnf", {"n": (int, None), "v": (int, 3)}, ("n",), "_build_tightness_blocks",
        "n disjoint tightness blocks on v variables (all 8 sign patterns per triple): u = n C(v,3)",
    ),
    "named-hypergraph": Family(
        "named-hypergraph", "hypergraph", {"name": (str, None), "size": (int, None)}, ("name",), "_build_named_hypergraph",
        "a named hypergraph (fano, fano-minus-line, k5-3, k6-3, k4, cycle with size = L); the seed is unused",
        seeded=False,
    ),
}


def _families():
    return FAMILIES


#: the one registry of instance families (sweeps and the suite; plug-ins via ``reluhard.generators``)
FAMILY_REGISTRY = Registry("instance family", GROUPS["family"], _families)


def get_family(name):
    """The :class:`Family` registered as ``name`` (UnknownNameError lists the known ones)."""
    return FAMILY_REGISTRY.get(name)

#: family used when a sweep names none, by the reduction's source kind
DEFAULT_FAMILY = {"cnf": "ksat", "graph": "gnp", "hypergraph": "hypergraph"}


# ---------------------------------------------------------------- builders

def _m_from(params, what="m"):
    if params.get("m") is not None:
        return int(params["m"])
    if params.get("ratio") is None:
        raise InvalidParameterError(f"family needs either m or ratio (m = round(ratio * n)) for {what}")
    return int(round(float(params["ratio"]) * int(params["n"])))


def _build_ksat(params, seed):
    from reluhard.generators import bounded_occurrence_ksat, planted_ksat, random_ksat

    n, m, k = int(params["n"]), _m_from(params), int(params.get("k", 3))
    if params.get("B") is not None:
        return bounded_occurrence_ksat(n, m, max_occurrence=int(params["B"]), k=k, planted=bool(params.get("planted")),
                                       quiet=bool(params.get("quiet")), seed=seed)
    if params.get("planted"):
        return planted_ksat(n, m, k=k, quiet=bool(params.get("quiet")), seed=seed)
    return random_ksat(n, m, k=k, distinct=bool(params.get("distinct")), seed=seed)


def _build_blocks(params, seed):
    from reluhard.generators.blocks import random_unsat_blocks_cnf

    return random_unsat_blocks_cnf(int(params["n"]), float(params.get("ratio", 4.26)), block_n=int(params.get("block_n", 20)),
                                   gamma=params.get("gamma"), max_occurrence=params.get("B"), seed=seed)


def _build_planted_blocks(params, seed):
    from reluhard.generators.blocks import planted_blocks_cnf

    return planted_blocks_cnf(int(params["n"]), float(params.get("ratio", 4.26)), block_n=int(params.get("block_n", 20)),
                              quiet=bool(params.get("quiet")), max_occurrence=params.get("B"), seed=seed)


def _build_multipartite(params, seed):
    from reluhard.generators import complete_multipartite

    return _with_kappa(complete_multipartite([int(params["b"])] * int(params["r"])), params["kappa"])


def _build_hypergraph_blocks(params, seed):
    from reluhard.generators.blocks import hypergraph_block_union

    return hypergraph_block_union("fano-minus-line" if params.get("colourable") else "fano", int(params["copies"]), seed=seed)


def _build_tightness_blocks(params, seed):
    from reluhard.generators.blocks import tightness_blocks_cnf

    return tightness_blocks_cnf(int(params["n"]), v=int(params.get("v", 3)), seed=seed)


def _with_kappa(G, kappa):
    if kappa is not None:
        meta = dict(G.graph.get("reluhard", {}) or {})
        meta.setdefault("kappa", int(kappa))
        G.graph["reluhard"] = meta
    return G


def _build_gnp(params, seed):
    from reluhard.generators import gnp

    return _with_kappa(gnp(int(params["n"]), float(params["p"]), seed=seed), params.get("kappa"))


def _build_planted_clique(params, seed):
    from reluhard.generators import planted_clique

    return _with_kappa(planted_clique(int(params["n"]), float(params["p"]), int(params["kappa"]), seed=seed), params["kappa"])


def _build_planted_dense(params, seed):
    from reluhard.generators import planted_dense_subgraph

    G = planted_dense_subgraph(int(params["n"]), float(params["p"]), int(params["kappa"]), float(params["density"]), seed=seed)
    return _with_kappa(G, params["kappa"])


def _build_hypergraph(params, seed):
    from reluhard.generators import planted_2colourable_hypergraph, random_uniform_hypergraph

    n, m, r = int(params["n"]), _m_from(params), int(params.get("r", 3))
    if params.get("planted"):
        return planted_2colourable_hypergraph(n, m, r=r, seed=seed)
    return random_uniform_hypergraph(n, m, r=r, seed=seed)


def _build_named_hypergraph(params, seed):
    from reluhard.generators import named_hypergraph

    size = params.get("size")
    return named_hypergraph(str(params["name"])) if size is None else named_hypergraph(str(params["name"]), size=int(size))


def build_instance(cell):
    """The source instance of a cell (deterministic in the cell's params and seed)."""
    return get_family(cell["family"]).make(cell["params"], cell["seed"])


# ---------------------------------------------------------------- axes

def _convert(name, typ, value):
    if typ is str:
        return str(value)
    if typ is bool:
        if isinstance(value, bool):
            return value
        s = str(value).strip().lower()
        if s in ("1", "true", "yes"):
            return True
        if s in ("0", "false", "no"):
            return False
        raise InvalidParameterError(f"grid parameter {name} must be true/false, got {value!r}")
    try:
        if typ is int:
            f = float(value)
            if not math.isfinite(f) or f != int(f):
                raise ValueError
            return int(f)
        f = float(value)
        if not math.isfinite(f):
            raise ValueError
        return f
    except (TypeError, ValueError):
        raise InvalidParameterError(f"grid parameter {name} must be {typ.__name__}, got {value!r}") from None


#: most values one axis may hold, and most cells one sweep may hold (checked before anything is built)
MAX_AXIS_VALUES = 10_000
MAX_CELLS = 100_000

#: value ranges of generator parameters, checked on every value of every axis before any cell runs
PARAM_RANGES = {
    "n": (1, 10**6), "m": (0, 10**7), "ratio": (0, 1000), "k": (1, 64), "r": (2, 64), "B": (1, 10**6),
    "p": (0, 1), "density": (0, 1), "kappa": (1, 10**6),
}


def _frange(start, stop, step, name):
    try:
        start, stop, step = float(start), float(stop), float(step)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"grid parameter {name}: range bounds must be numbers, got {start}:{stop}:{step}") from None
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise InvalidParameterError(f"grid parameter {name}: range bounds must be finite, got {start}:{stop}:{step}")
    if step <= 0:
        raise InvalidParameterError(f"grid parameter {name}: range step must be > 0, got {step}")
    span = (stop - start) / step
    if not math.isfinite(span) or span + 1 > MAX_AXIS_VALUES:
        raise InvalidParameterError(
            f"grid parameter {name}: range {start:g}:{stop:g}:{step:g} has more than {MAX_AXIS_VALUES} values"
        )
    count = int(math.floor(span + 1e-9)) + 1
    if count < 1:
        raise InvalidParameterError(f"grid parameter {name}: empty range {start}:{stop}:{step}")
    return [round(start + i * step, 10) for i in range(count)]


def parse_axis(name, value):
    """One axis as a list: a scalar, a list, ``"a,b,c"``, ``"start:stop:step"`` (inclusive) or a TOML range table."""
    if isinstance(value, dict):
        try:
            return _frange(value["start"], value["stop"], value.get("step", 1), name)
        except KeyError as exc:
            raise InvalidParameterError(f"grid parameter {name}: a range needs start and stop (missing {exc})") from None
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(parse_axis(name, v))
        return out
    if isinstance(value, str):
        s = value.strip()
        if "," in s:
            return [x for part in s.split(",") if part.strip() for x in parse_axis(name, part.strip())]
        if s.count(":") == 2:
            a, b, c = s.split(":")
            return _frange(a, b, c, name)
        if not s:
            raise InvalidParameterError(f"grid parameter {name}: empty value")
        return [s]
    return [value]


# ---------------------------------------------------------------- spec

@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: everything needed to list its cells."""

    reductions: tuple
    family: dict  # reduction -> family name
    grid: dict  # param -> list of values
    options: dict  # option dest -> list of raw values
    seeds: tuple
    methods: tuple
    restarts: int = 10
    prune: bool = True
    exact_policy: str = "finishes"
    exact_max_n: int = 13
    time_limit: float = 20.0
    solver_time_limit: float = None
    extra: dict = field(default_factory=dict)

    @property
    def effective_solver_time_limit(self):
        return self.solver_time_limit if self.solver_time_limit is not None else self.time_limit / 2


def _positive(name, value, typ=float):
    try:
        v = typ(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a positive number, got {value!r}") from None
    if not v > 0:
        raise InvalidParameterError(f"{name} must be > 0, got {value!r}")
    return v


def _check_values(axes):
    """Every value of every axis within :data:`PARAM_RANGES` (so no cell fails on a bad parameter)."""
    for name, vals in axes.items():
        lo_hi = PARAM_RANGES.get(name)
        if lo_hi is None:
            continue
        lo, hi = lo_hi
        for v in vals:
            if v is None or isinstance(v, bool):
                continue
            if not lo <= v <= hi:
                raise InvalidParameterError(f"grid parameter {name} = {v!r} is outside {lo}..{hi}")


def _check_size(reductions, grid_axes, opt_axes, seeds):
    """The number of cells, from the axis lengths alone (nothing is expanded), at most MAX_CELLS."""
    total = len(reductions) * len(seeds)
    for vals in list(grid_axes.values()) + list(opt_axes.values()):
        total *= max(len(vals), 1)
    if total > MAX_CELLS:
        raise InvalidParameterError(f"the sweep grid has {total} cells, above the limit of {MAX_CELLS}; split it into smaller sweeps")


def _check_combinations(axes):
    """Constraints between parameters, on every combination of the grid (at most MAX_CELLS)."""
    keys = sorted(axes)
    for vals in itertools.product(*(axes[k] for k in keys)):
        params = {k: v for k, v in zip(keys, vals) if v is not None}
        n = params.get("n")
        if n is None:
            continue
        for name in ("kappa", "k", "r"):
            if params.get(name) is not None and params[name] > n:
                raise InvalidParameterError(f"grid cell n = {n}, {name} = {params[name]}: {name} must be <= n")
        if params.get("m") is None and params.get("ratio") is not None and round(params["ratio"] * n) > PARAM_RANGES["m"][1]:
            raise InvalidParameterError(f"grid cell n = {n}, ratio = {params['ratio']}: m = ratio n is above {PARAM_RANGES['m'][1]}")


def _seeds(seeds):
    if isinstance(seeds, (list, tuple)):
        from reluhard.seeding import check_seed

        out = [check_seed(int(s)) if not isinstance(s, bool) else check_seed(s) for s in seeds]
    else:
        try:
            count = int(seeds)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"seeds must be a count or a list of seeds, got {seeds!r}") from None
        if count < 1 or isinstance(seeds, bool):
            raise InvalidParameterError(f"seeds must be >= 1, got {seeds!r}")
        if count > MAX_CELLS:
            raise InvalidParameterError(f"seeds = {count} is above the limit of {MAX_CELLS} cells")
        out = list(range(count))
    if not out:
        raise InvalidParameterError("no seeds")
    return tuple(dict.fromkeys(out))


def make_spec(*, reductions, grid, options=None, seeds=1, methods=("gd",), family=None, restarts=10, prune=True,
              exact_policy="finishes", exact_max_n=13, time_limit=20.0, solver_time_limit=None):
    """Validate a sweep description and return a :class:`SweepSpec`.

    Parameters
    ----------
    reductions : str or list of str
        Registered reduction names (any registered reduction works).
    grid : dict
        Generator parameter -> value / list / "a,b" / "start:stop:step" / {start, stop, step}.
    options : dict
        Reduction option (dest or flag name) -> value or list of values; each
        must be declared by at least one chosen reduction; a reduction gets
        only the options it declares.
    seeds : int or list of int
        A count N means seeds 0..N-1.
    methods : list of str
        Fitter names (``reluhard.solvers.base.FITTERS``).
    family : str or None
        Instance family (:data:`FAMILIES`); default by source kind.
    exact_policy : {"finishes", "always"}
        ``finishes`` runs an exact fitter only on cells where it is known to
        finish (R1 data: n <= exact_max_n with pruning, n <= 8 without; other
        reductions: where ``verify.default_methods`` would choose it) and records
        the skip; ``always`` runs it everywhere (cells it cannot finish become
        ``inconclusive``).
    time_limit : float
        Per-cell wall-clock limit in seconds; the cell's worker process is
        killed at this limit and the cell recorded as ``timeout``.
    solver_time_limit : float or None
        Budget handed to each solver inside the cell (default time_limit / 2),
        so solvers normally stop themselves (``inconclusive``) before the kill.

    Raises
    ------
    InvalidParameterError, UnknownNameError
    """
    from reluhard.reductions import get_reduction
    from reluhard.solvers.base import FITTERS

    if isinstance(reductions, str):
        reductions = [r.strip() for r in reductions.split(",") if r.strip()]
    reductions = tuple(dict.fromkeys(reductions))
    if not reductions:
        raise InvalidParameterError("no reduction given")
    reds = {name: get_reduction(name) for name in reductions}
    for name, red in reds.items():
        if red.target_kind != "relu":
            raise InvalidParameterError(f"{name} maps to a {red.target_kind} instance, not a ReLU training set; sweep a chain ending in ReLU training")
    fams = {}
    for name, red in reds.items():
        fam = family or DEFAULT_FAMILY.get(red.source_kind)
        if fam is None:
            raise InvalidParameterError(f"no instance family generates {red.source_kind!r} sources (reduction {name})")
        try:
            fk = get_family(fam).kind
        except UnknownNameError as exc:
            raise InvalidParameterError(str(exc)) from None
        if fk != red.source_kind:
            raise InvalidParameterError(f"family {fam} generates {fk} instances, reduction {name} takes {red.source_kind}")
        fams[name] = fam
    grid_axes = {}
    for fam in set(fams.values()):
        f = get_family(fam)
        unknown = sorted(set(grid) - set(f.params))
        if unknown:
            raise InvalidParameterError(f"family {fam} has no parameter(s) {', '.join(unknown)}; known: {', '.join(f.params)}")
        missing = [p for p in f.required if p not in grid]
        if missing:
            raise InvalidParameterError(f"family {fam} needs parameter(s) {', '.join(missing)}")
        for p, raw in grid.items():
            typ = f.params[p][0]
            vals = [_convert(p, typ, v) for v in parse_axis(p, raw)]
            grid_axes[p] = list(dict.fromkeys(vals))
        if fam in ("ksat", "hypergraph") and "m" not in grid and "ratio" not in grid:
            raise InvalidParameterError(f"family {fam} needs m or ratio")
    _check_values(grid_axes)
    opt_axes = {}
    declared = {}
    for red in reds.values():
        for o in red.options:
            declared.setdefault(o.dest, o)
    for key, raw in (options or {}).items():
        dest = key.replace("-", "_")
        if dest not in declared:
            raise InvalidParameterError(f"no chosen reduction declares option --{key.replace('_', '-')}")
        opt = declared[dest]
        vals = [True] if opt.kind == "flag" and raw is True else parse_axis(key, raw)
        canon = []
        from reluhard.data import frac_str  # numpy/scipy: not at import (``generate --help`` lists FAMILY_REGISTRY)

        for v in vals:
            c = opt.convert(v)  # validated here, canonical (so CLI "4" and TOML 4 give one cell id)
            canon.append(frac_str(c) if isinstance(c, Fraction) else c)
        opt_axes[dest] = list(dict.fromkeys(canon))
    methods = tuple(m.strip() for m in (methods.split(",") if isinstance(methods, str) else methods) if m and m.strip())
    if not methods:
        raise InvalidParameterError("no fitting method given")
    for m in methods:
        if m not in FITTERS:
            raise InvalidParameterError(f"unknown fitting method {m!r}; known: {', '.join(sorted(FITTERS))}")
    if exact_policy not in ("finishes", "always"):
        raise InvalidParameterError(f"exact policy must be 'finishes' or 'always', got {exact_policy!r}")
    restarts = int(restarts)
    if restarts < 0:
        raise InvalidParameterError(f"restarts must be >= 0, got {restarts}")
    seeds = _seeds(seeds)
    _check_size(reductions, grid_axes, opt_axes, seeds)
    _check_combinations(grid_axes)
    return SweepSpec(
        reductions=reductions, family=fams, grid=grid_axes, options=opt_axes, seeds=seeds, methods=methods,
        restarts=restarts, prune=bool(prune), exact_policy=exact_policy, exact_max_n=int(exact_max_n),
        time_limit=_positive("time limit", time_limit),
        solver_time_limit=None if solver_time_limit is None else _positive("solver time limit", solver_time_limit),
    )


def _read_toml(path):
    try:
        import tomllib as toml
    except ModuleNotFoundError:  # Python < 3.11
        try:
            import tomli as toml
        except ModuleNotFoundError:
            from reluhard.errors import SolverUnavailableError

            raise SolverUnavailableError("reading a TOML sweep file on Python < 3.11 needs tomli: pip install tomli") from None
    from reluhard.errors import InstanceFormatError

    from reluhard.io.limits import clip, read_input_bytes

    data = read_input_bytes(path)  # bounded; device nodes refused
    try:
        return toml.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InstanceFormatError(f"not valid TOML (invalid UTF-8 at byte {exc.start})", path=path) from None
    except RecursionError:
        raise InstanceFormatError("not valid TOML (nested too deeply)", path=path) from None
    except toml.TOMLDecodeError as exc:
        raise InstanceFormatError(f"not valid TOML: {clip(' '.join(str(exc).split()), 200)}", path=path) from None


_SPEC_KEYS = {"reduction", "reductions", "family", "methods", "seeds", "time_limit", "solver_time_limit", "restarts",
              "prune", "exact_policy", "exact_max_n", "grid", "options"}


def load_spec(path, **overrides):
    """Read a TOML sweep file (layout in the module docstring); ``overrides`` (not None) win."""
    from reluhard.errors import InstanceFormatError

    data = _read_toml(path)
    unknown = sorted(set(data) - _SPEC_KEYS)
    if unknown:
        raise InstanceFormatError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_SPEC_KEYS))}", path=path)
    kw = {
        "reductions": data.get("reductions", data.get("reduction")),
        "grid": dict(data.get("grid", {})),
        "options": dict(data.get("options", {})),
    }
    for key in ("family", "methods", "seeds", "time_limit", "solver_time_limit", "restarts", "prune", "exact_policy", "exact_max_n"):
        if key in data:
            kw[key] = data[key]
    for key, val in overrides.items():
        if val is None:
            continue
        if key in ("grid", "options"):
            kw[key].update(val)
        else:
            kw[key] = val
    if kw["reductions"] is None:
        raise InstanceFormatError("the sweep file names no reduction", path=path)
    try:
        return make_spec(**kw)
    except InvalidParameterError as exc:  # name the file the grid came from
        raise InvalidParameterError(f"{path}: {exc}") from None


# ---------------------------------------------------------------- cells

def cell_id(cell):
    """sha256 (first 16 hex digits) of the cell's canonical JSON, without its id and limits."""
    key = {k: v for k, v in cell.items() if k not in ("cell_id", "time_limit", "solver_time_limit")}
    blob = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def expand_cells(spec):
    """Every cell of the sweep, in a stable order (reduction, grid, options, seed), without duplicates."""
    from reluhard.reductions import get_reduction

    cells, seen = [], set()
    gkeys = sorted(spec.grid)
    for red_name in spec.reductions:
        red = get_reduction(red_name)
        mine = [d for d in sorted(spec.options) if d in red.option_names()]
        for gvals in itertools.product(*(spec.grid[k] for k in gkeys)):
            params = {k: v for k, v in zip(gkeys, gvals) if v is not None}
            for ovals in itertools.product(*(spec.options[d] for d in mine)):
                options = dict(zip(mine, ovals))
                for seed in spec.seeds:
                    cell = {
                        "reduction": red_name,
                        "family": spec.family[red_name],
                        "params": params,
                        "options": options,
                        "seed": int(seed),
                        "methods": list(spec.methods),
                        "restarts": spec.restarts,
                        "prune": spec.prune,
                        "exact_policy": spec.exact_policy,
                        "exact_max_n": spec.exact_max_n,
                    }
                    cid = cell_id(cell)
                    if cid in seen:
                        continue
                    seen.add(cid)
                    cell["cell_id"] = cid
                    cell["time_limit"] = spec.time_limit
                    cell["solver_time_limit"] = spec.effective_solver_time_limit
                    cells.append(cell)
    return cells
