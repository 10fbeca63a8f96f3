"""The DIMACS reader's one-call token parse (numpy.fromstring after validation) equals its digit loop."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InstanceFormatError
from reluhard.io import dimacs
from reluhard.io.limits import limits

SEP = st.sampled_from([" ", "  ", "\t", "\n", " \r\n", "\x0b", "\x0c", " \n "])


def parse(text, monkeypatch=None):
    try:
        out = dimacs.parse_cnf_bytes(text.encode(), "f.cnf", limits())
    except InstanceFormatError as exc:
        return ("error", str(exc))
    return out["n_vars"], out["flat"].tolist(), out["lengths"].tolist(), out["comments"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(-30, 30).filter(bool), max_size=5), max_size=12), st.data(),
       st.booleans(), st.booleans())
def test_fast_token_parse_equals_the_digit_loop(clauses, data, comment_inside, odd_token):
    parts = []
    for c in clauses:
        for lit in c:
            zeros = "0" * data.draw(st.integers(0, 2))  # leading zeros are legal digits
            parts.append(("-" if lit < 0 else "") + zeros + str(abs(lit)))
            parts.append(data.draw(SEP))
        parts.append(data.draw(st.sampled_from(["0", "-0", "00"])))
        parts.append(data.draw(SEP))
    if comment_inside and parts:
        parts.insert(data.draw(st.integers(0, len(parts) // 2)) * 2, "\nc inside\n")
    if odd_token:
        parts.insert(0, data.draw(st.sampled_from(["1e3", "+1", "--2", "0x1", "1.0", "99999999999999999999"])) + " ")
    text = "c head\np cnf 30 %d\n" % len(clauses) + "".join(parts) + "\n"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dimacs, "_parse_checked_tokens", lambda *a: None)
        slow = parse(text)
    assert parse(text) == slow


def test_fast_token_parse_is_taken_on_plain_files():
    text = b"p cnf 3 2\n1 -2 3 0\n-1 2 0\n"
    seen = []
    real = dimacs._parse_checked_tokens

    def spy(*a):
        seen.append(real(*a))
        return seen[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dimacs, "_parse_checked_tokens", spy)
        out = dimacs.parse_cnf_bytes(text, "f.cnf", limits())
    assert seen and seen[0] is not None and seen[0].tolist() == [1, -2, 3, 0, -1, 2, 0]
    assert out["flat"].tolist() == [1, -2, 3, -1, 2] and out["lengths"].tolist() == [3, 2]
    assert isinstance(out["flat"], np.ndarray)
