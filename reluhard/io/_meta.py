"""The ``reluhard {json}`` metadata comment line shared by every text format.

Generated files carry their metadata in exactly one comment line
``<lead> reluhard {json}`` where ``<lead>`` is the format's comment marker
(``c`` for DIMACS CNF, DIMACS graphs and ``.hgr``; ``#`` for edge lists).
The JSON is compact with sorted keys, so equal metadata gives equal bytes.
"""

import json

from ..errors import InstanceFormatError

__all__ = ["META_TAG", "MAX_META_DEPTH", "meta_line", "parse_meta_comment", "json_depth"]

META_TAG = "reluhard"
#: metadata deeper than this is refused (our writers nest at most 5 levels)
MAX_META_DEPTH = 32


def json_depth(value):
    """Nesting depth of a parsed JSON value (a scalar is 0), iteratively (no recursion limit)."""
    best, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list):
            best = max(best, d + 1)
            stack.extend((x, d + 1) for x in v)
    return best


_depth = json_depth


def meta_line(meta, lead="c"):
    """Return the one comment line (no newline) carrying ``meta`` as JSON."""
    return f"{lead} {META_TAG} " + json.dumps(meta, sort_keys=True, separators=(",", ":"), allow_nan=False)


def parse_meta_comment(body, *, path=None, line=None):
    """Parse the text after the comment marker; return the meta dict or None.

    ``body`` is the comment without its lead character, e.g.
    ``' reluhard {"seed": 1}'``. Comments that do not start with the tag
    return None; a tagged comment whose JSON is broken raises
    :class:`~reluhard.errors.InstanceFormatError`.
    """
    text = body.strip()
    if not text.startswith(META_TAG):
        return None
    rest = text[len(META_TAG):]
    if rest and not rest[0].isspace():
        return None  # e.g. "c reluhardware" is an ordinary comment
    try:
        meta = json.loads(rest)
    except RecursionError:
        raise InstanceFormatError(f"'{META_TAG}' metadata JSON is nested too deeply", path=path, line=line) from None
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4300 digits
        detail = getattr(exc, "msg", None) or " ".join(str(exc).split())[:80]
        raise InstanceFormatError(f"malformed '{META_TAG}' metadata JSON ({detail})", path=path, line=line) from None
    depth = _depth(meta)
    if depth > MAX_META_DEPTH:
        raise InstanceFormatError(f"'{META_TAG}' metadata JSON is nested {depth} levels deep (limit {MAX_META_DEPTH})", path=path, line=line)
    if not isinstance(meta, dict):
        raise InstanceFormatError(f"'{META_TAG}' metadata must be a JSON object", path=path, line=line)
    return meta
