"""The reduction API shared by every reduction and chain.

A reduction module defines four maps side by side, like the four parts of its
proof, and declares them in one :class:`Reduction`:

``forward(src, p) -> tgt``
    instance map (the last step of a chain produces a :class:`~reluhard.data.TrainingSet`);
``lift(src, p, witness) -> tgt_witness``
    completeness direction: a source witness (assignment, colouring, set) to a
    target witness (intermediate witness, or the intended :class:`~reluhard.data.Network`);
``decode(src, p, tgt_witness) -> witness``
    soundness direction: *any* target witness back to a source witness;
``bounds(src, p, cert) -> Bounds``
    certified values in exact rationals, given certified combinatorial values
    ``cert`` (e.g. ``{"min_unsat": 3, "max_occurrence": 5}``);

plus ``certify(src, p, cert) -> tgt_cert`` (how a certified source value
transfers to the target instance, so a chain evaluates the outer soundness at
the *certified* intermediate gap), ``value(src, witness)`` (the combinatorial
value of a source witness, e.g. #falsified clauses), and ``guarantee(src, p,
network, loss, tgt_cert) -> Guarantee`` (the decoder guarantee, where
proved), and ``starts(src, p, src_witness, seed) -> [networks]`` (structured
start points for fitters, e.g. jittered lifts or known counterexample
families, so ``verify`` finds them itself).

Besides the maps, a reduction declares what the pipeline needs to know about
it, so that ``verify``, sweeps, the suite, ``explain`` and ``check`` never
switch on its name or data type:

``source`` (:class:`SourceProblem`)
    the source problem: its oracle (registry name), which reduction options the
    oracle takes, the certificate of a YES instance of the same shape, the gap
    function (distance from YES of a combinatorial value; 0 = YES) and how a
    witness is read from an instance's metadata;
``exact`` (:class:`ExactPolicy`)
    which exact fitter applies to the target data and the size up to which it
    finishes (without and with pruning);
``cell_bound(X, y, c, signs)``
    lower bounds on the loss over sign cells, for pruning an exact enumeration
    (owned by the reduction module, next to the claim it comes from);
``explain``
    ``"module:function"`` of a dedicated walk-through (default: the generic one);
``describe(p) -> dict``
    the parameters as ``explain`` prints them, ``name -> text`` saying what each
    means (default: every public entry of ``p`` as ``name = value``).

``p`` is the parameter dict produced by ``params(src, options)``, which
validates options against the declared :class:`Option` list and fills defaults
that depend on the instance (e.g. T^2 = m).

:meth:`Reduction.apply` and :meth:`Chain.apply` both return a
:class:`Reduced` image with the same methods, so chains are one expression::

    chain = Chain("sat-krelu", [SAT_NAE, NAE_SETSPLIT, HYPERGRAPH_KRELU])
    img = chain.apply(cnf, k=3)
    img.target          # TrainingSet
    img.lift(assignment)  # Network
    img.decode(network)   # assignment
"""

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Optional, Sequence

from reluhard.data import frac, frac_str
from reluhard.errors import InvalidParameterError

__all__ = ["Option", "Bounds", "Reduction", "Chain", "Reduced", "Guarantee", "SourceProblem", "ExactPolicy"]


@dataclass(frozen=True)
class Option:
    """A declared reduction option; the CLI builds ``--<name>`` from it.

    ``kind`` is one of "int", "rational", "choice", "flag"; ``default`` may be
    None, meaning "derived from the instance by ``params``".
    """

    name: str
    kind: str
    default: Any = None
    help: str = ""
    choices: Sequence[str] = ()
    minimum: Any = None

    @property
    def dest(self):
        return self.name.replace("-", "_")

    def convert(self, value):
        if value is None:
            return None
        if self.kind == "int":
            try:
                v = int(value)
            except (TypeError, ValueError):
                raise InvalidParameterError(f"--{self.name} must be an integer, got {value!r}") from None
        elif self.kind == "rational":
            v = frac(value)
        elif self.kind == "choice":
            v = str(value)
            if v not in self.choices:
                raise InvalidParameterError(f"--{self.name} must be one of {', '.join(self.choices)}, got {v!r}")
            return v
        elif self.kind == "flag":
            return bool(value)
        else:  # pragma: no cover - declaration error
            raise TypeError(self.kind)
        if self.minimum is not None and v < self.minimum:
            raise InvalidParameterError(f"--{self.name} must be >= {self.minimum}, got {value}")
        return v


@dataclass(frozen=True)
class Bounds:
    """Certified values of one reduced instance, in the loss unit of conventions §2.

    completeness : Fraction or None
        Loss of the lifted optimal witness (an upper bound on the minimum).
    soundness : Fraction or None
        Certified lower bound on the minimum loss (None when nothing is claimed).
    realizable : bool or None
        Realizability claim (k-ReLU reductions): the minimum is 0 iff True.
    assumptions : dict
        The certified values used and where they came from.
    statement : str
        The claim in words.
    """

    completeness: Optional[Fraction]
    soundness: Optional[Fraction]
    realizable: Optional[bool] = None
    assumptions: dict = field(default_factory=dict)
    statement: str = ""

    def values_json(self):
        """The certified values as conventions §2 writes them: ``"p/q"`` with a float twin (None when unclaimed)."""
        out = {}
        for name, val in (("completeness_loss", self.completeness), ("soundness_bound", self.soundness)):
            out[name] = None if val is None else frac_str(val)
            out[name + "_float"] = None if val is None else float(val)
        return out

    def to_json(self, *, assumptions=True):
        out = {"statement": self.statement}
        if assumptions:
            out["assumptions"] = self.assumptions
        out.update(self.values_json())
        out["realizable"] = self.realizable
        return out


@dataclass(frozen=True)
class Guarantee:
    """Outcome of a decoder guarantee check at one network."""

    decoded_value: Any
    bound: Any
    holds: bool
    statement: str = ""


def _value_is_gap(value, cert):
    return value


@dataclass(frozen=True)
class SourceProblem:
    """What the pipeline needs to know about a reduction's source problem.

    Parameters
    ----------
    problem : str
        Name of the combinatorial problem (as the oracle reports it).
    oracle : str
        Oracle registry name (:func:`reluhard.registry.get_oracle`).
    oracle_options : sequence of str
        Reduction options (dests) that the oracle takes as keywords (e.g. ``kappa``).
    yes_certificate : callable ``(cert) -> dict or None``
        The certificate of a YES instance of the same shape as the instance
        whose oracle certificate is ``cert`` (its completeness value is the
        sweep's and the suite's ``yes_loss``).
    gap : callable ``(value, cert) -> number``
        Distance from YES of a combinatorial value (0 means YES); ``cert`` is
        the oracle's certificate (e.g. it holds DkS's kappa).
    witness_key : str or None
        Key of the witness in an instance's ``certificate`` metadata
        (a planted assignment, set, colouring), in the source's convention.
    """

    problem: str
    oracle: str
    oracle_options: Sequence[str] = ()
    yes_certificate: Optional[Callable] = None
    gap: Callable = _value_is_gap
    witness_key: Optional[str] = None

    def witness_from_meta(self, meta):
        """The witness an instance's ``certificate`` metadata records (what ``reduce`` lifts into the file), or None."""
        cert = (meta or {}).get("certificate")
        if not isinstance(cert, dict) or self.witness_key is None:
            return None
        return cert.get(self.witness_key)

    def planted_witness(self, meta):
        """The witness of ``certificate`` or ``planted`` metadata (a dict holding ``witness_key``, or the bare
        witness), or None. Reductions read it to certify YES instances; they re-check it on the instance."""
        meta = meta or {}
        cert = meta.get("certificate") or meta.get("planted")
        if isinstance(cert, dict):
            cert = cert.get(self.witness_key) if self.witness_key else None
        return cert or None


@dataclass(frozen=True)
class ExactPolicy:
    """The exact fitter that applies to a reduction's target data, and where it finishes.

    Parameters
    ----------
    method : str
        Fitter registry name used for ``--method exact`` on this data.
    size_name : str
        What ``size`` measures (for messages, e.g. "n").
    size : callable ``(training_set) -> int``
    limit : int
        Largest size at which the method finishes without pruning.
    pruned_limit : int or None
        Largest size at which it finishes with the reduction's ``cell_bound``.
    cell_bound_claim : str or None
        The claim the reduction's ``cell_bound`` comes from (recorded as the
        exact fit's ``pruned_by``).
    fitter_options : dict
        Keywords the exact fitter gets on this data (e.g. ``{"orthant": True}``:
        the data are sign-cell decomposable, whatever their width).
    """

    method: str
    size_name: str
    size: Callable
    limit: int
    pruned_limit: Optional[int] = None
    cell_bound_claim: Optional[str] = None
    fitter_options: dict = field(default_factory=dict)

    def finishes(self, ts, *, pruned=False, pruned_limit=None):
        limit = self.limit if not pruned else (pruned_limit if pruned_limit is not None else self.pruned_limit or self.limit)
        return self.size(ts) <= limit


def _no_certify(src, p, cert):
    return dict(cert)


@dataclass(frozen=True)
class Reduction:
    """One reduction step: its four maps, options and combinatorial helpers."""

    name: str
    source_kind: str
    target_kind: str
    forward: Callable
    lift: Callable
    decode: Callable
    params: Callable
    bounds: Optional[Callable] = None
    certify: Callable = _no_certify
    value: Optional[Callable] = None
    guarantee: Optional[Callable] = None
    starts: Optional[Callable] = None
    options: Sequence[Option] = ()
    summary: str = ""
    source: Optional[SourceProblem] = None
    exact: Optional[ExactPolicy] = None
    cell_bound: Optional[Callable] = None
    explain: Optional[str] = None
    describe: Optional[Callable] = None

    @property
    def steps(self):
        return (self,)

    def option_names(self):
        return [o.dest for o in self.options]

    def resolve(self, src, options):
        """Validate ``options`` (a dict; unknown keys are an error) and fill defaults."""
        known = {o.dest: o for o in self.options}
        unknown = set(options) - set(known)
        if unknown:
            raise InvalidParameterError(f"reduction {self.name} has no option(s) {', '.join(sorted(unknown))}")
        raw = {d: o.convert(options.get(d, o.default)) for d, o in known.items()}
        return self.params(src, raw)

    def apply(self, src, **options):
        return Chain(self.name, [self]).apply(src, **options)


class Chain:
    """Left-to-right composition of reductions: forward and lift compose
    left to right, decode right to left; bounds come from the last step,
    evaluated at the certified value transferred along the chain."""

    def __init__(self, name, steps, summary="", explain=None):
        flat = []
        for s in steps:
            flat.extend(s.steps)
        if not flat:
            raise ValueError("a chain needs at least one step")
        self.name = name
        self.summary = summary or " -> ".join(s.name for s in flat)
        self._steps = tuple(flat)
        self.explain = explain

    @property
    def steps(self):
        return self._steps

    @property
    def source(self):
        """The source problem is the first step's."""
        return self._steps[0].source

    @property
    def exact(self):
        """The exact policy and cell bound are the last step's (they concern the target data)."""
        return self._steps[-1].exact

    @property
    def cell_bound(self):
        return self._steps[-1].cell_bound

    @property
    def source_kind(self):
        return self._steps[0].source_kind

    @property
    def target_kind(self):
        return self._steps[-1].target_kind

    @property
    def options(self):
        seen, out = set(), []
        for s in self._steps:
            for o in s.options:
                if o.dest not in seen:
                    seen.add(o.dest)
                    out.append(o)
        return tuple(out)

    def option_names(self):
        return [o.dest for o in self.options]

    def apply(self, src, **options):
        from reluhard.structures.sources import as_source

        src = as_source(src, self.source_kind)  # a clause list becomes a CNF; a WCNF is refused (typed error)
        all_names = set(self.option_names())
        unknown = set(options) - all_names
        if unknown:
            raise InvalidParameterError(f"reduction {self.name} has no option(s) {', '.join(sorted(unknown))}")
        stages = []
        cur = src
        for step in self._steps:
            mine = {k: v for k, v in options.items() if k in step.option_names()}
            p = step.resolve(cur, mine)
            nxt = step.forward(cur, p)
            stages.append((step, cur, p))
            cur = nxt
        return Reduced(self, tuple(stages), cur)


class Reduced:
    """The image of one source instance under a reduction or chain."""

    def __init__(self, reduction, stages, target):
        self.reduction = reduction
        self.stages = stages
        self.target = target

    @property
    def source(self):
        return self.stages[0][1]

    @property
    def params(self):
        """Parameters of every step, merged (later steps win on a name clash)."""
        out = {}
        for _, _, p in self.stages:
            out.update(p)
        return out

    @property
    def exact(self):
        return self.reduction.exact

    @property
    def cell_bound(self):
        return self.reduction.cell_bound

    def lift(self, witness):
        for step, src, p in self.stages:
            witness = step.lift(src, p, witness)
        return witness

    def decode(self, tgt_witness):
        for step, src, p in reversed(self.stages):
            tgt_witness = step.decode(src, p, tgt_witness)
        return tgt_witness

    def value(self, witness):
        step, src, _ = self.stages[0]
        if step.value is None:
            raise NotImplementedError(f"{step.name} defines no combinatorial value")
        return step.value(src, witness)

    def transfer(self, cert):
        """The certificate as it stands at the last step's source."""
        cert = dict(cert)
        for step, src, p in self.stages[:-1]:
            cert = step.certify(src, p, cert)
        return cert

    def bounds(self, **cert):
        step, src, p = self.stages[-1]
        if step.bounds is None:
            raise NotImplementedError(f"{step.name} states no bounds")
        return step.bounds(src, p, self.transfer(cert))

    def starts(self, witness, seed=None, lifted=None):
        """Structured start points for fitters: the lift of ``witness`` (pass it as
        ``lifted`` when already computed) and the registered starts of the last step
        (``starts(src, p, lifted_witness, seed) -> [target witnesses]``)."""
        lifted = self.lift(witness) if lifted is None else lifted
        step, src, p = self.stages[-1]
        prev = witness  # the witness as it stands at the last step's source
        for s_, src_, p_ in self.stages[:-1]:
            prev = s_.lift(src_, p_, prev)
        extra = [] if step.starts is None else list(step.starts(src, p, prev, seed))
        return [lifted] + extra

    def guarantee(self, tgt_witness, loss, **cert):
        """Check the decoder guarantee of the last step and carry the witness back."""
        step, src, p = self.stages[-1]
        if step.guarantee is None:
            return None
        return step.guarantee(src, p, tgt_witness, loss, self.transfer(cert))
