"""The vectorised DIMACS writer and streamed hash agree with a plain Python reference."""

import hashlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from pysat.formula import CNF

from reluhard.io._dimacs_text import clause_tokens, format_tokens, iter_token_bytes, sha256_tokens
from reluhard.io.dimacs import cnf_sha256, format_cnf
from reluhard.structures.cnf import clause_arrays, clause_matrix


def reference(clauses, n):
    return (f"p cnf {n} {len(clauses)}\n" + "".join(" ".join(map(str, c)) + (" " if c else "") + "0\n" for c in clauses)).encode()


lits = st.integers(1, 10**12).flatmap(lambda v: st.sampled_from([v, -v]))
small = st.integers(1, 40).flatmap(lambda v: st.sampled_from([v, -v]))


@given(st.lists(st.lists(st.one_of(small, lits), max_size=6), max_size=30))
def test_format_matches_reference(clauses):
    n = max([abs(x) for c in clauses for x in c] + [1])
    assert format_cnf(clauses, n) == reference(clauses, n)
    assert cnf_sha256(clauses, n) == hashlib.sha256(reference(clauses, n)).hexdigest()


@given(st.lists(st.lists(small, min_size=3, max_size=3), min_size=1, max_size=40), st.integers(1, 7))
def test_chunking_does_not_change_bytes(clauses, chunk):
    flat, lengths = clause_arrays(clauses)
    tokens = clause_tokens(flat, lengths)
    whole = format_tokens(tokens)
    assert b"".join(iter_token_bytes(tokens, chunk=chunk)) == whole
    assert whole == reference(clauses, 40).split(b"\n", 1)[1]
    assert sha256_tokens(b"x", tokens) == hashlib.sha256(b"x" + whole).hexdigest()


def test_dense_table_and_sparse_values_agree():
    rng = np.random.default_rng(0)
    C = rng.integers(1, 999_999, size=(2000, 3)) * rng.choice([-1, 1], size=(2000, 3))
    a = format_cnf(C, 10**6)
    assert a == reference(C.tolist(), 10**6)
    big = [[10**15, -(10**15) + 1], [7]]  # the values path (np.unique) for few huge tokens
    assert format_cnf(big, 10**15) == reference(big, 10**15)


def test_clause_arrays_uses_the_readers_flat_arrays():
    cnf = CNF(from_clauses=[[1, -2, 3], [2, 3, -4]])
    flat, lengths = clause_arrays(cnf)
    assert flat.tolist() == [1, -2, 3, 2, 3, -4] and lengths.tolist() == [3, 3]
    # a CNF carrying flat arrays: those are what counts (the lists are never read)
    cnf._reluhard_flat = (np.array([5, 6, -7]), np.array([3]))
    flat, lengths = clause_arrays(cnf)
    assert flat.tolist() == [5, 6, -7] and lengths.tolist() == [3]
    C = clause_matrix(cnf)
    C[0, 0] = 99  # a copy: the formula's own arrays are untouched
    assert cnf._reluhard_flat[0].tolist() == [5, 6, -7]


@given(st.integers(1, 5).flatmap(lambda k: st.lists(st.lists(st.integers(1, 4).flatmap(lambda v: st.sampled_from([v, -v])),
                                                             min_size=k, max_size=k), min_size=1, max_size=30)))
def test_uniform_clause_stats_equal_the_general_path(clauses):
    from reluhard.structures.cnf import clause_stats

    flat, lengths = clause_arrays(clauses)
    fast = clause_stats(flat, lengths)
    # one extra empty clause forces the general (global sort) path; it changes only the empty/width counts
    general = clause_stats(flat, np.append(lengths, 0))
    assert general.pop("empty_clauses") == 1 and fast.pop("empty_clauses") == 0
    assert general.pop("width_histogram") == {0: 1, **fast.pop("width_histogram")}
    assert fast == general
    # a plain reference for the duplicates and the tautologies
    sets = [frozenset(c) for c in clauses]
    assert fast["duplicate_clauses"] == len(sets) - len(set(sets))
    assert fast["tautologies"] == sum(any(-x in c for x in c) for c in clauses)
    assert fast["repeated_literals"] == sum(len(set(c)) < len(c) for c in clauses)


def test_sat_nae_reads_the_flat_arrays():
    from reluhard.reductions import get_reduction
    from reluhard.structures.cnf import clause_arrays_or_none

    plain = CNF(from_clauses=[[1, -2, 3], [2, 3, -4], [1, 1, 2]])
    flat_cnf = CNF(from_clauses=[[1, -2, 3], [2, 3, -4], [1, 1, 2]])
    flat_cnf._reluhard_flat = clause_arrays(plain)
    assert clause_arrays_or_none(CNF(from_clauses=[[1.5, 2]])) is None  # not ints: caller falls back
    a = get_reduction("sat-nae").apply(plain).target
    b = get_reduction("sat-nae").apply(flat_cnf).target
    assert a.clauses == b.clauses and a.clauses[2] == (1, 2, 5)


def test_sign_word_path_matches_reference():
    # 10^6 <= max |literal| < 10^7: the table of absolute values plus a sign byte (one word per token)
    rng = np.random.default_rng(1)
    C = rng.integers(1, 3 * 10**6, size=(3000, 3)) * rng.choice([-1, 1], size=(3000, 3))
    C[0] = [10**6, -(10**6), 9_999_999]
    C[1] = [1, -9, 10]
    text = reference(C.tolist(), 10**7)
    assert format_cnf(C, 10**7) == text
    assert format_cnf(C.astype(np.int32), 10**7) == text  # int32 clause arrays are written as they are
    tokens = clause_tokens(C.ravel(), np.full(len(C), 3))
    assert b"".join(iter_token_bytes(tokens, chunk=777)) == text.split(b"\n", 1)[1]
    assert cnf_sha256(C, 10**7) == hashlib.sha256(text.split(b"\n", 1)[0] + b"\n" + text.split(b"\n", 1)[1]).hexdigest()


def test_range_rows_equal_the_general_rows():
    from reluhard.io._dimacs_text import _abs_rows, _range_rows

    for vmax in (0, 1, 9, 10, 99, 100, 101, 12345, 10**5):
        assert (_range_rows(vmax) == _abs_rows(np.arange(vmax + 1))).all(), vmax
