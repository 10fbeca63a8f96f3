"""Helpers shared by the subcommand modules.

* parse-time validators (argparse ``type=``): every number a user types is
  checked before any work starts (``--time-limit`` > 0 and finite, counts >= 1,
  seeds >= 0); a bad value is a one-line usage error, exit 2;
* shared options (``--seed``, ``--time-limit``, ``--json``, ``--quiet``,
  ``-o``, ``--restarts``) with one help text each, saying the default;
* reduction options, one argument group per reduction, built from the
  reductions' own declarations;
* JSON output (strict: no ``NaN``/``Infinity``);
* reading ``-`` (standard input) for every instance reader;
* a progress indicator for long work (tqdm on stderr, only on a terminal,
  off with ``--quiet`` or ``--json``).
"""

import argparse
import json
import math
import os
import sys
from contextlib import contextmanager
from fractions import Fraction

from reluhard.errors import InvalidParameterError

__all__ = [
    "HelpFormatter",
    "add_reduction_options",
    "collect_options",
    "print_json",
    "jsonable",
    "add_reduction_arg",
    "positive_seconds",
    "count",
    "seed_value",
    "probability",
    "positive_number",
    "add_seed",
    "add_time_limit",
    "add_json",
    "add_quiet",
    "add_output",
    "add_restarts",
    "add_input",
    "INPUT_HELP",
    "read_source",
    "progress",
    "kappa_from_meta",
]


# --------------------------------------------------------------------------- help


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """One line per option saying what it means; ``(default: X)`` appended when
    the option has a real default the help text does not already state."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default is None
            or default is False
            or default is argparse.SUPPRESS
            or action.option_strings == []
            or isinstance(default, list) and not default
        ):
            return text
        return f"{text} (default: {default})"


# --------------------------------------------------------------------------- validators


def _positive_float(what):
    def parse(text):
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not math.isfinite(v) or v <= 0:
            raise argparse.ArgumentTypeError(f"must be {what} > 0 and finite, got {text!r}")
        return v

    parse.__name__ = what
    return parse


#: the longest time limit accepted (about 11.5 days): select/poll timers overflow past 2^31 ms
MAX_SECONDS = 1e6


def positive_seconds(text):
    """argparse type: a finite number of seconds, 0 < SEC <= MAX_SECONDS."""
    v = _seconds(text)
    if v > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS:g} seconds, got {text!r}")
    return v


_seconds = _positive_float("a number of seconds")
#: argparse type: a finite float > 0
positive_number = _positive_float("a number")


def count(minimum=1, what="a count"):
    """argparse type factory: an integer >= ``minimum``."""

    def parse(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be >= {minimum}, got {v}")
        return v

    parse.__name__ = f"integer>={minimum}"
    return parse


def probability(text):
    """argparse type: a number in [0, 1]."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1], got {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a probability in [0, 1], got {text!r}")
    return v


#: argparse type: a non-negative integer seed (numpy SeedSequence range)
seed_value = count(0, "a seed")


def int_pair(text):
    """argparse type: two different non-negative integers "I,J" -> [I, J]."""
    try:
        vals = [int(t) for t in text.split(",")]
    except ValueError:
        vals = []
    if len(vals) != 2 or min(vals) < 0 or vals[0] == vals[1]:
        raise argparse.ArgumentTypeError(f"expected two different non-negative integers like 1,2, got {text!r}")
    return vals


def seeds_spec(text):
    """argparse type: ``N`` (seeds 0..N-1, N >= 1) or a list ``a,b,c`` of seeds >= 0; returned unchanged."""
    parts = [t.strip() for t in text.split(",") if t.strip()]
    try:
        vals = [int(t) for t in parts]
    except ValueError:
        vals = []
    if not vals or min(vals) < 0 or ("," not in text and vals[0] < 1):
        raise argparse.ArgumentTypeError(f"expected N >= 1 or a list of seeds >= 0 like 0,1,2, got {text!r}")
    return text


def method_list(text):
    """argparse type: comma-separated fitter names from the registry; returned unchanged."""
    from reluhard.solvers.base import FITTERS

    names = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in names if m not in FITTERS]
    if not names or bad:
        raise argparse.ArgumentTypeError(f"unknown fitter(s) {', '.join(bad) or repr(text)}; known: {', '.join(FITTERS)}")
    return text


# --------------------------------------------------------------------------- shared options


def add_seed(p, default=0, what="random choices (restarts, jitter)"):
    """``--seed``: the same seed and inputs give the same output."""
    if default is None:
        help_ = f"seed of the {what}: a non-negative integer; drawn and recorded in the output if omitted"
    else:
        help_ = f"seed of the {what}: a non-negative integer; same seed, same output (default: {default})"
    p.add_argument("--seed", type=seed_value, default=default, metavar="S", help=help_)


def add_time_limit(p, default, what="seconds of wall clock for the whole call"):
    """``--time-limit``: finite seconds > 0 (None default = no limit, said in the help)."""
    tail = "(default: no limit)" if default is None else f"(default: {default:g})"
    p.add_argument("--time-limit", type=positive_seconds, default=default, metavar="SEC", help=f"{what} {tail}")


def add_json(p):
    p.add_argument("--json", action="store_true", help="print one strict JSON document on stdout instead of text (progress, if shown, goes to stderr)")


def add_quiet(p):
    p.add_argument("-q", "--quiet", action="store_true", help="no progress indicator on stderr (it is shown only on a terminal anyway)")


def add_output(p, help_, required=False, metavar="FILE"):
    p.add_argument("-o", "--output", required=required, metavar=metavar, help=help_ + " (written atomically)")


def add_restarts(p, default, what="random restarts of the gradient fitter"):
    p.add_argument("--restarts", type=count(1, "--restarts"), default=default, metavar="N",
                   help=f"{what}; at least 1 (default: {default})")


INPUT_HELP = ("source instance file: DIMACS CNF (.cnf[.gz|.xz|.bz2]), DIMACS graph (.clq/.col) or edge list, "
              "hypergraph (.hgr); '-' reads standard input")


def add_input(p, help_=INPUT_HELP, nargs=None):
    kw = {"nargs": nargs} if nargs else {}
    p.add_argument("input", metavar="INPUT", help=help_, **kw)


# --------------------------------------------------------------------------- reductions

#: what each choice of a reduction's choice option means (the declaration lists only the names),
#: by (reduction, option); ``(None, option)`` applies to every reduction that declares the option
_CHOICES_EXPLAINED = {
    ("sat-relu", "variant"): {
        "plain": "the paper's data (anchor weight T^2); soundness at the certified u, else at the always-true u >= 1",
        "gap": "needs a certified u (--min-unsat or the instance's certificate); states the linear gap bound and the decoder guarantee",
        "normalized": "same integer data; meta carries the exact unit-ball scale and the normalised additive gap eps",
    },
    **{(name, "variant"): {
        "plain": "the construction of the proof: a NO instance has min L >= c + delta C(kappa,2)",
        "normalized": "unit-ball data, the weight ball ||w||^2 <= kappa+1 as the cardinality constraint; "
                      "eps = Theta(delta/(kappa n^2))",
    } for name in ("dks-relu", "sat-clique-relu")},
    **{(name, "variant"): {
        "plain": "loss 0 attainable iff the source is satisfiable / 2-colourable (realizability)",
        "normalized": "same data; meta adds the certified loss gap eps of a non-2-colourable H and the unit-ball "
                      "scale; decode = the quantitative decoder",
    } for name in ("hypergraph-krelu", "sat-krelu")},
    (None, "params"): {
        "proven": "mu = 20n/delta, lambda = 2/delta, A = 10n^2/delta (the simple choice of the proof)",
        "exact": "the design note's sufficient conditions taken with equality (smallest proved weights)",
        "custom": "your own --mu, --lam, --anchor (checked against the sufficient conditions)",
    },
}


def _explained(red_name, opt):
    for key in ((red_name, opt.dest), (None, opt.dest)):
        table = _CHOICES_EXPLAINED.get(key)
        if table and set(opt.choices) <= set(table):
            return "; ".join(f"{c}: {table[c]}" for c in opt.choices)
    return None


def _option_help(red_name, opt):
    text = opt.help or opt.name
    explained = _explained(red_name, opt) if opt.kind == "choice" else None
    if explained:
        text = f"{explained} (default: {opt.default})"
    elif opt.default not in (None, False) and "default" not in text:
        text = f"{text} (default: {opt.default})"
    return text


def _option_type(opt):
    def parse(text):
        try:
            opt.convert(text)
        except InvalidParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text  # the reduction converts it again; here it is only checked

    parse.__name__ = opt.kind
    return parse


def _wrap(text, width=78):
    import textwrap

    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  "))


def add_reduction_options(parser, only=None):
    """The options the registered reductions declare, one argument group per
    reduction (one declaration feeds reduce/verify/sweep/explain). An option
    two reductions share is listed under the first and named under the others.

    A choice option several reductions declare with different meanings (``--variant``)
    accepts the union of their choices here, is listed once with a neutral help, and
    each reduction's group says which values it takes and what they mean there;
    each reduction's own declaration checks the value (``Option.convert``).
    """
    from reluhard.reductions import get_reduction, reduction_names

    names = [n for n in reduction_names() if only is None or n in only]
    choices, owners = {}, {}
    for name in names:
        for opt in get_reduction(name).options:
            owners.setdefault(opt.dest, []).append(name)
            if opt.kind == "choice":
                choices.setdefault(opt.dest, [])
                choices[opt.dest] += [ch for ch in opt.choices if ch not in choices[opt.dest]]
    meanings = {}
    for name in names:
        for opt in get_reduction(name).options:
            if opt.kind == "choice":
                meanings.setdefault(opt.dest, set()).add((tuple(opt.choices), _option_help(name, opt)))
    varying = {dest for dest, m in meanings.items() if len(m) > 1}
    seen = {}
    for name in names:
        red = get_reduction(name)
        opts = list(red.options)
        if not opts:
            continue
        notes = [f"--{o.name} {'|'.join(o.choices)}: {_option_help(name, o)}" for o in opts if o.dest in varying]
        shared = [o for o in opts if o.dest in seen and o.dest not in varying]
        if shared:
            notes.append("also takes " + ", ".join(f"--{o.name} (see {seen[o.dest]})" for o in shared))
        desc = "\n".join(_wrap(n) for n in notes) or None
        group = parser.add_argument_group(f"options of {name}", desc)
        for opt in opts:
            if opt.dest in seen:
                continue
            seen[opt.dest] = name
            flag = f"--{opt.name}"
            if opt.kind == "flag":
                group.add_argument(flag, dest=f"ropt_{opt.dest}", action="store_true", default=None,
                                   help=_option_help(name, opt))
            elif opt.kind == "choice":
                help_ = _option_help(name, opt)
                where = group
                if opt.dest in varying:  # one flag for all its reductions: listed with the general options
                    by = ", ".join(owners[opt.dest])
                    help_ = (f"the reduction's {opt.name}: which values each reduction takes and what they mean is "
                             f"said in its group below ({by}) (default: {opt.default})")
                    where = parser
                where.add_argument(flag, dest=f"ropt_{opt.dest}", default=None, choices=choices[opt.dest], help=help_)
            else:
                metavar = {"int": "N", "rational": "P/Q"}.get(opt.kind, "VALUE")
                group.add_argument(flag, dest=f"ropt_{opt.dest}", default=None, type=_option_type(opt),
                                   metavar=metavar, help=_option_help(name, opt))


def collect_options(args, reduction):
    """The options the user set, checked against the chosen reduction's declaration."""
    given = {k[len("ropt_"):]: v for k, v in vars(args).items() if k.startswith("ropt_") and v is not None}
    mine = set(reduction.option_names())
    foreign = sorted(set(given) - mine)
    if foreign:
        raise InvalidParameterError(
            f"reduction {reduction.name} has no option(s) {', '.join('--' + f.replace('_', '-') for f in foreign)}"
        )
    return given


def add_reduction_arg(parser, positional=True):
    from reluhard.reductions import reduction_names

    help_ = "reduction name: " + ", ".join(reduction_names()) + " (its options are grouped below)"
    if positional:
        parser.add_argument("reduction", metavar="REDUCTION", help=help_)
    else:
        parser.add_argument("--reduction", required=True, metavar="NAME", help=help_)


def kappa_from_meta(inst, options):
    """Fill ``kappa`` from a graph's metadata when not given, in the order the
    ``dks-relu`` reduction reads it (certificate, top level, generator params)."""
    if options.get("kappa") is not None:
        return options
    from reluhard.structures.cnf import instance_meta

    meta = instance_meta(inst) or {}
    cert = meta.get("certificate") if isinstance(meta.get("certificate"), dict) else {}
    params = meta.get("params") if isinstance(meta.get("params"), dict) else {}
    for k in (cert.get("kappa"), meta.get("kappa"), params.get("kappa")):
        if isinstance(k, int) and not isinstance(k, bool):
            return {**options, "kappa": k}
    return options


# --------------------------------------------------------------------------- input


#: largest standard input read into memory (the readers' own size policy applies after it)
STDIN_LIMIT = int(os.environ.get("RELUHARD_MAX_INPUT_SIZE", 1 << 30))


@contextmanager
def read_source(path, suffix=".cnf"):
    """Yield a path a reader can open: ``path`` itself, or for ``-`` a private
    temporary copy of standard input (bounded by ``STDIN_LIMIT`` bytes), removed after."""
    if path != "-":
        yield path
        return
    import tempfile

    data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
    if len(data) > STDIN_LIMIT:
        raise InvalidParameterError(f"<stdin>: more than {STDIN_LIMIT} bytes (raise RELUHARD_MAX_INPUT_SIZE)")
    if data[:2] == b"\x1f\x8b":
        suffix += ".gz"
    elif data[:6] == b"\xfd7zXZ\x00":
        suffix += ".xz"
    elif data[:3] == b"BZh":
        suffix += ".bz2"
    elif data[:4] == b"PK\x03\x04":
        suffix = ".npz"
    from reluhard.errors import ReluhardError

    fd, tmp = tempfile.mkstemp(prefix="reluhard-stdin-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield tmp
    except ReluhardError as exc:  # name the user's input, not the private copy
        exc.args = tuple(a.replace(tmp, "<stdin>") if isinstance(a, str) else a for a in exc.args)
        if getattr(exc, "path", None) == tmp:
            exc.path = "<stdin>"
        raise
    finally:
        os.unlink(tmp)


def read_input(path, kind):
    """``read_instance`` that also accepts ``-`` (standard input) for every kind."""
    from reluhard.io.instances import read_instance

    suffix = {"cnf": ".cnf", "graph": ".col", "hypergraph": ".hgr"}.get(kind, ".txt")
    with read_source(path, suffix) as real:
        return read_instance(real, kind)


# --------------------------------------------------------------------------- progress


@contextmanager
def progress(desc=None, *, quiet=False, total=None, unit="step", time_limit=None):
    """Show progress of the work inside this block on stderr: only on a terminal and not with ``--quiet``
    (``--json`` goes to stdout and stays clean). Yields an ``update(n=1)`` callable (a no-op when off).

    The block's own line is ``desc`` with ``total`` units, or timed against ``time_limit`` seconds, or
    elapsed time only; ``desc=None`` opens no line of its own. The library's tasks (gradient restarts,
    sign cells of the exact search, z3 sign patterns, the fits of ``verify``) add their lines below
    (:mod:`reluhard.progress`).
    """
    from reluhard.progress import display, task

    with display(enabled=not quiet and sys.stderr.isatty()):
        if desc is None:
            yield lambda n=1: None
            return
        with task(desc, total=total, unit=unit, time_limit=time_limit) as t:
            yield t.advance


# --------------------------------------------------------------------------- JSON


def jsonable(obj):
    """:func:`reluhard.data.jsonable` (imported on use: ``--help`` stays free of numpy/scipy), strict:
    non-finite floats become ``None`` (JSON has no NaN/Infinity: "no value", e.g. no time limit, no bound)."""
    from reluhard.data import jsonable as _jsonable

    return _finite(_jsonable(obj))


def _finite(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def print_json(obj):
    json.dump(jsonable(obj), sys.stdout, indent=1, sort_keys=False, allow_nan=False)
    sys.stdout.write("\n")
