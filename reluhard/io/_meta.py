"""The ``reluhard {json}`` metadata comment line shared by every text format.

Generated files carry their metadata in exactly one comment line
``<lead> reluhard {json}`` where ``<lead>`` is the format's comment marker
(``c`` for DIMACS CNF, DIMACS graphs and ``.hgr``; ``#`` for edge lists).
The JSON is compact with sorted keys, so equal metadata gives equal bytes.
"""

import json

from ..errors import InstanceFormatError

__all__ = ["META_TAG", "meta_line", "parse_meta_comment"]

META_TAG = "reluhard"


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
    except ValueError as exc:
        raise InstanceFormatError(f"malformed '{META_TAG}' metadata JSON ({exc.msg})", path=path, line=line) from None
    if not isinstance(meta, dict):
        raise InstanceFormatError(f"'{META_TAG}' metadata must be a JSON object", path=path, line=line)
    return meta
