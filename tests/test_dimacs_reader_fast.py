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
        mp.setattr(dimacs, "_parse_plain", lambda *a: None)
        slow = parse(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dimacs, "_parse_plain", lambda *a: None)
        assert parse(text) == slow  # the general reader's one-call token parse
    assert parse(text) == slow  # the plain-file path (when it applies)


def test_fast_token_parse_is_taken_on_plain_files():
    text = b"p cnf 3 2\n1 -2 3 0\n-1 2 0\n"
    seen = []
    real = dimacs._parse_checked_tokens

    def spy(*a):
        seen.append(real(*a))
        return seen[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dimacs, "_parse_checked_tokens", spy)
        mp.setattr(dimacs, "_parse_plain", lambda *a: None)
        out = dimacs.parse_cnf_bytes(text, "f.cnf", limits())
    assert seen and seen[0] is not None and seen[0].tolist() == [1, -2, 3, 0, -1, 2, 0]
    assert out["flat"].tolist() == [1, -2, 3, -1, 2] and out["lengths"].tolist() == [3, 2]
    assert isinstance(out["flat"], np.ndarray)


# ---- the plain-file path (_parse_plain) against the general reader ----------------------------

#: pieces of a clause body, most legal, some of them each one of the plain path's traps
BODY_PIECE = st.sampled_from(
    ["1", "-1", "2", "-3", "30", "0", "0", "0", " ", " ", "\n", "\r\n", "\t", "  ",
     "007", "-007", "-0", "00",                           # leading zeros: legal, but not 'plain'
     "31", "-31", "99999999999999999999", "-99999999999999999999", "0000000000000000000001",  # out of range
     "-", "--1", "1-2", "- 1", "+1", "1e3", "x", "%", "c c", "\nc inside\n", "\nc reluhard {}\n",
     "\np cnf 30 2\n", "\x0b", "\x00", "\u00e9"])


def general(data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dimacs, "_parse_plain", lambda *a: None)
        return outcome(data)


def outcome(data):
    try:
        out = dimacs.parse_cnf_bytes(data, "f.cnf", limits(max_width=6))
    except InstanceFormatError as exc:
        return ("error", str(exc))
    return (out["n_vars"], out["n_clauses"], out["meta"], out["header_line"], out["trailer_line"],
            out["flat"].dtype, out["flat"].tolist(), out["lengths"].dtype, out["lengths"].tolist(), out["comments"])


@settings(max_examples=500, deadline=None)
@given(st.lists(BODY_PIECE, max_size=40), st.integers(-1, 1), st.sampled_from(["", "c first\n", 'c reluhard {"seed": 1}\nc x\r\n']),
       st.sampled_from(["\n", "\r\n", "\nc after the header\n"]), st.sampled_from([30, 0, 10**17]))
def test_plain_path_equals_the_general_reader(pieces, dm, head, after_header, n):
    """Same result or the same message, on bodies built from legal and illegal pieces alike.

    M is the number of ``0`` tokens (off by ``dm``), so most bodies get past the clause count.
    """
    body = " ".join(pieces) + " 0\n"
    m = max(0, sum(t in ("0", "00", "-0") for t in body.split()) + dm)
    data = (head + f"p cnf {n} {m}" + after_header + body).encode()
    assert outcome(data) == general(data)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(-30, 30).filter(bool), min_size=0, max_size=6), min_size=1, max_size=15))
def test_plain_path_is_taken_on_written_files(clauses):
    """Files our writer makes are plain: the fast path reads them, with the general reader's result."""
    data = dimacs.format_cnf(clauses, 30, comments=["c a comment"], meta={"seed": 3})
    plain = dimacs._parse_plain(data, "f.cnf", limits())
    assert plain is not None
    assert plain["flat"].tolist() == [lit for c in clauses for lit in c]
    assert plain["lengths"].tolist() == [len(c) for c in clauses]
    assert outcome(data) == general(data)


@pytest.mark.parametrize("body", [
    b"1 -2 0\n007 0\n",                # leading zero: the general reader's digit parse
    b"1 -2 0\n0000000000000000000001 0\n",  # 22 digits: out of range there, though its value is 1
    b"1 -2 0\n-99999999999999999999 0\n",  # saturating token
    b"1 -2 0\n3 0\nc late\n",           # a comment after the clauses
    b"1 -2 0\n3 0\n%\n0\n",            # SATLIB trailer
    b"1 -2 0\n3\n",                      # unterminated
    b"1 -2 0\n3 4 0\n",                  # literal out of range
    b"1 -2 0\n-3-1 0\n",                 # minus inside a token
    b"1 -2 0\n-4 0\n",                   # negative literal out of range
    b"1 -2 0\n1 2 3 1 2 3 1 0\n",        # wider than max_width = 6
    b"1 -2 0\n3 0\n1 0\n",             # more clauses than the header's 2
    b"1 -2 0\n3 -\n0\n",               # a lone minus
    b"1 -2 0\n3 0\n1\n",               # two clauses, then an unterminated one
    b"\n \n",                          # no tokens at all
])
def test_plain_path_declines_what_it_cannot_prove(body):
    data = b"p cnf 3 2\n" + body
    assert dimacs._parse_plain(data, "f.cnf", limits(max_width=6)) is None
    assert outcome(data) == general(data)


def test_plain_path_reads_a_header_only_file_as_the_general_reader():
    for data in (b"p cnf 3 0\n", b"p cnf 3 0\n\n  \n", b"c x\np cnf 0 0"):
        assert outcome(data) == general(data) and outcome(data)[1] == 0


def test_plain_path_mixed_widths_with_the_token_count_of_one_width():
    """Widths 2, 1, 3 give 9 tokens, as three clauses of width 2 would: the one-width shortcut must not apply."""
    data = b"p cnf 3 3\n1 2 0\n3 0\n1 2 -3 0\n"
    plain = dimacs._parse_plain(data, "f.cnf", limits())
    assert plain["flat"].tolist() == [1, 2, 3, 1, 2, -3] and plain["lengths"].tolist() == [2, 1, 3]
    assert outcome(data) == general(data)


# ---- the canonical-text hash: a file already in canonical form is hashed as it stands -----------

def _read(tmp_path, data, name="f.cnf"):
    path = tmp_path / name
    path.write_bytes(data)
    return dimacs.read_cnf(path)[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(-30, 30).filter(bool), max_size=5), min_size=1, max_size=12), st.data())
def test_canonical_text_hash_equals_the_formatted_hash(tmp_path_factory, clauses, data):
    """Written files are canonical and hashed from their text; every variant layout is not, and hashes the same."""
    import hashlib

    tmp = tmp_path_factory.mktemp("c")
    canonical = dimacs.format_cnf(clauses, 30)
    expected = hashlib.sha256(canonical).hexdigest()  # the definition: the comment-free text of format_cnf
    assert dimacs.cnf_sha256(clauses, 30) == expected
    cnf = _read(tmp, dimacs.format_cnf(clauses, 30, comments=["c x"], meta={"a": 1}))
    assert cnf._reluhard_canonical is not None and dimacs.cnf_sha256(cnf) == expected
    head, body = canonical.split(b"\n", 1)
    variant = data.draw(st.sampled_from([
        body.replace(b" ", b"  "), body.replace(b"\n", b"\r\n"), body.replace(b" ", b"\t"), b"\n" + body,
        body.replace(b" 0\n", b" 0 "), body + b" ", body.replace(b"\n", b" \n"),
        body.replace(b"-", b"-0"), body.replace(b" 1 ", b" 01 "), body.replace(b"0\n", b"-0\n")]))
    cnf = _read(tmp, head + b"\n" + variant, "v.cnf")
    if variant != body:
        assert cnf._reluhard_canonical is None
    assert [list(c) for c in cnf.clauses] == [list(c) for c in clauses]
    cnf = _read(tmp, head + b"\n" + variant, "v.cnf")
    assert dimacs.cnf_sha256(cnf) == expected


@pytest.mark.parametrize("body", [b"\n0\n0", b"0\n0", b"0\n\n0\n", b"1 0\n0 \n", b"-0\n0\n"])
def test_near_canonical_bodies_are_hashed_by_their_clauses(tmp_path, body):
    """Right separators in the wrong places (a blank line first and none last, ...): not canonical, same hash."""
    cnf = _read(tmp_path, b"p cnf 1 2\n" + body)
    assert cnf._reluhard_canonical is None
    clauses = [list(c) for c in cnf.clauses]
    assert dimacs.cnf_sha256(_read(tmp_path, b"p cnf 1 2\n" + body)) == dimacs.cnf_sha256(clauses, 1)


def test_canonical_text_is_dropped_when_the_clauses_change(tmp_path):
    cnf = _read(tmp_path, b"p cnf 3 2\n1 -2 0\n3 0\n")
    assert cnf._reluhard_canonical == b"1 -2 0\n3 0\n"
    flat, lengths = cnf._reluhard_flat
    assert not flat.flags.writeable and not lengths.flags.writeable  # the arrays behind the text cannot change
    cnf.clauses.append([2])
    assert cnf._reluhard_canonical is None
    assert dimacs.cnf_sha256(cnf) == dimacs.cnf_sha256([[1, -2], [3], [2]], 3)
    cnf = _read(tmp_path, b"p cnf 3 2\n1 -2 0\n3 0\n")
    cnf.nv = 5  # N is in the hashed header, not in the clause text
    assert dimacs.cnf_sha256(cnf) == dimacs.cnf_sha256([[1, -2], [3]], 5)
    cnf.nv = 2
    with pytest.raises(Exception, match="out of range"):
        dimacs.cnf_sha256(cnf)
