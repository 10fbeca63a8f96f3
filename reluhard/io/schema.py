"""Load-time schema of the ``meta`` JSON of a training set (``.npz``).

:func:`validate_meta` checks the keys the pipeline reads (types, ranges,
exact-rational syntax) and the nesting depth of the whole document, so that a
hostile or corrupt file fails at load with one
:class:`~reluhard.errors.InstanceFormatError` naming the field, instead of a
``TypeError``/``OverflowError``/``ZeroDivisionError`` deep inside ``verify``.
Keys the schema does not list are allowed (any JSON within the depth limit):
new writers may add fields without breaking old readers.

Exact rationals are strings ``"p"`` or ``"p/q"`` (optional ``-``, decimal
digits, q > 0; ``"1/0"`` is refused), at most :data:`MAX_DIGITS` digits each
part, as :func:`reluhard.data.frac_str` writes them.
"""

import math
import re
from fractions import Fraction

from ..errors import InstanceFormatError
from ._meta import json_depth

__all__ = ["validate_meta", "parse_rational", "MAX_DEPTH", "MAX_DIGITS"]

#: deepest nesting accepted in meta (our writers nest at most 6 levels)
MAX_DEPTH = 32
#: digits of a rational's numerator or denominator
MAX_DIGITS = 1000
#: largest count-like integer field (kappa, n_vars, ...)
MAX_COUNT = 10**12
#: largest number of ReLUs ``k`` a training set may ask for
MAX_RELUS = 10**4

_RATIONAL = re.compile(r"-?[0-9]{1,%d}(?:/[0-9]{1,%d})?" % (MAX_DIGITS, MAX_DIGITS))


class _Bad(InstanceFormatError):
    """A schema violation at ``where`` (re-raised by :func:`validate_meta` with the file named)."""

    def __init__(self, where, problem):
        super().__init__(f"{where} {problem}")
        self.where, self.what = where, problem


def parse_rational(value, where="value"):
    """Fraction of an exact-rational string ``"p"``/``"p/q"`` (or a JSON integer).

    Raises
    ------
    InstanceFormatError
        Bad syntax, more than MAX_DIGITS digits, or a zero denominator.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if not isinstance(value, str) or not value.isascii() or not _RATIONAL.fullmatch(value):
        raise _Bad(where, f"not an exact rational 'p/q': {_show(value)}")
    num, _, den = value.partition("/")
    if den and int(den) == 0:
        raise _Bad(where, f"zero denominator in {_show(value)}")
    return Fraction(int(num), int(den) if den else 1)


def _show(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _int(lo=0, hi=MAX_COUNT, nullable=False):
    def check(v, where):
        if v is None and nullable:
            return
        if isinstance(v, bool) or not isinstance(v, int):
            raise _Bad(where, f"must be an integer, got {_show(v)}")
        if not lo <= v <= hi:
            raise _Bad(where, f"must be in {lo}..{hi}, got {_show(v)}")
    return check


def _str(v, where):
    if v is not None and not isinstance(v, str):  # null: not recorded (e.g. a learner's data set has no reduction)
        raise _Bad(where, f"must be a string or null, got {_show(v)}")


def _dict(v, where):
    if not isinstance(v, dict):
        raise _Bad(where, f"must be an object, got {_show(v)}")


def _rational(positive=False, nullable=False, float_range=False):
    def check(v, where):
        if v is None and nullable:
            return
        x = parse_rational(v, where)
        if positive and x <= 0:
            raise _Bad(where, f"must be > 0, got {_show(v)}")
        if float_range and x != 0 and not (-1000 < x.numerator.bit_length() - x.denominator.bit_length() < 1000):
            raise _Bad(where, f"magnitude outside the float range: {_show(v)}")
    return check


def _number(nullable=True):
    def check(v, where):
        if v is None and nullable:
            return
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
            raise _Bad(where, f"must be a finite number, got {_show(v)}")
    return check


def _box(v, where):
    if not isinstance(v, list) or not v:
        raise _Bad(where, f"must be a non-empty list of [low, high, count], got {_show(v)}")
    num = _number(nullable=False)
    for i, row in enumerate(v):
        w = f"{where}[{i}]"
        if not isinstance(row, list) or len(row) != 3:
            raise _Bad(w, f"must be [low, high, count], got {_show(row)}")
        num(row[0], w + "[0]")
        num(row[1], w + "[1]")
        _int()(row[2], w + "[2]")
        if row[0] > row[1]:
            raise _Bad(w, f"has low {row[0]} > high {row[1]}")


def _version(v, where):
    from .npz import FORMAT_VERSION

    if isinstance(v, bool) or not isinstance(v, int):
        raise _Bad(where, f"must be an integer, got {_show(v)}")
    if v > FORMAT_VERSION:
        raise _Bad(where, f"is {v}, newer than this reluhard reads ({FORMAT_VERSION}); upgrade reluhard")
    if v < 1:
        raise _Bad(where, f"must be >= 1, got {v}")


_SCALE = {"x_sq": _rational(positive=True, float_range=True), "y_sq": _rational(positive=True, float_range=True)}
_BOUNDS = {
    "completeness_loss": _rational(nullable=True),
    "soundness_bound": _rational(nullable=True),
    "completeness_loss_float": _number(),
    "soundness_bound_float": _number(),
    "statement": _str,
    "assumptions": _dict,
}
_SOURCE = {"kind": _str, "sha256": _str, "meta": lambda v, w: v is None or _dict(v, w)}
_TOP = {
    "format_version": _version,
    "reduction": _str,
    "variant": _str,
    "data_type": _str,
    "layout": _str,
    "options": _dict,
    "k": _int(1, MAX_RELUS),
    "kappa": _int(0, nullable=True),
    "n_vars": _int(nullable=True),
    "n_clauses": _int(nullable=True),
    "max_occurrence": _int(nullable=True),
    "min_unsat": _int(nullable=True),
    "box": _box,
    "scale": ("dict", _SCALE),
    "bounds": ("dict", _BOUNDS),
    "source": ("dict", _SOURCE),
}


def _check(obj, schema, where):
    for key, rule in schema.items():
        if key not in obj:
            continue
        w = f"{where}.{key}" if where else key
        if isinstance(rule, tuple):
            if obj[key] is None:  # null: not recorded
                continue
            _dict(obj[key], w)
            _check(obj[key], rule[1], w)
        else:
            rule(obj[key], w)


def validate_meta(meta, *, path=None, n_features=None):
    """Check a training set's meta dict against the schema; return it unchanged.

    With ``n_features`` (the columns of X), a ``box`` must describe exactly
    that many columns (its counts sum to it).

    Raises
    ------
    InstanceFormatError
        ``meta.FIELD: problem`` for the first violation; a missing
        ``format_version``; nesting deeper than :data:`MAX_DEPTH`.
    """
    if not isinstance(meta, dict):
        raise InstanceFormatError("meta must be a JSON object", path=path)
    depth = json_depth(meta)
    if depth > MAX_DEPTH:
        raise InstanceFormatError(f"meta is nested {depth} levels deep (limit {MAX_DEPTH})", path=path)
    if "format_version" not in meta:
        raise InstanceFormatError("meta has no format_version", path=path)
    try:
        _check(meta, _TOP, "")
        if n_features is not None and "box" in meta and sum(row[2] for row in meta["box"]) != n_features:
            raise _Bad("box", f"describes {sum(row[2] for row in meta['box'])} columns but X has {n_features}")
    except _Bad as bad:
        raise InstanceFormatError(f"meta.{bad.where} {bad.what}", path=path) from None
    return meta
