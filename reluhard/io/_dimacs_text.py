"""Vectorised DIMACS clause text: token tables, chunked formatting, streamed hashing.

The body of a DIMACS file is a stream of signed integer *tokens*: the
literals of each clause followed by the terminator ``0``. Every literal is
followed by one space and every terminator by a newline, so the bytes of a
token depend on the token alone. We therefore format each token value once,
in a table of fixed-width rows (sign, digits, separator, zero padding),
gather the rows of a chunk of tokens with one ``np.take``, and drop the zero
padding with ``bytes.translate`` (a C loop). Chunks are independent, so the
text can be produced piecewise (bounded temporaries) or fed straight into a
hash without ever holding the whole file.
"""

import numpy as np

__all__ = ["clause_tokens", "iter_token_bytes", "format_tokens", "sha256_tokens"]

#: tokens formatted per chunk: the temporaries (a few hundred KB) stay in cache and are reused,
#: where chunks of 10^6 tokens cost a fresh, page-faulted allocation each (about 1.7x slower)
CHUNK = 1 << 16


def clause_tokens(flat, lengths):
    """The token stream (literals, then 0 after each clause) of flat literals + lengths.

    Uses int32 when every literal fits (halves the memory of the stream).
    """
    flat = np.asarray(flat)
    lengths = np.asarray(lengths, dtype=np.int64)
    m = len(lengths)
    top = int(max(flat.max(), -flat.min())) if len(flat) else 0
    dtype = np.int32 if top < 2**31 - 1 else np.int64
    if m and len(flat) == m * int(lengths[0]) and (lengths == lengths[0]).all():
        k = int(lengths[0])
        tokens = np.zeros((m, k + 1), dtype=dtype)
        tokens[:, :k] = flat.reshape(m, k)
        return tokens.ravel()
    ends = np.cumsum(lengths) + np.arange(m)  # index of each terminating 0 in the stream
    tokens = np.zeros(len(flat) + m, dtype=dtype)
    lit_pos = np.ones(len(tokens), dtype=bool)
    lit_pos[ends] = False
    tokens[lit_pos] = flat
    return tokens


def _abs_rows(a):
    """Rows of ``width + 1`` bytes for the non-negative ints ``a``: digits, a space, zero padding."""
    a = np.asarray(a, dtype=np.int64)
    width = len(str(int(a.max()))) if len(a) else 1
    R = np.empty((len(a), width), dtype=np.uint8)  # digits right-aligned
    q = a.copy()
    for t in range(width - 1, -1, -1):
        R[:, t] = q % 10 + 48
        q //= 10
    nd = np.ones(len(a), dtype=np.int64)
    p = 10
    for _ in range(width - 1):
        nd += a >= p
        p *= 10
    P = np.zeros((len(a), width + 1), dtype=np.uint8)
    for d in range(1, width + 1):  # left-align each digit count as one block
        rows = np.flatnonzero(nd == d)
        if rows.size:
            P[rows, :d] = R[rows, width - d:]
            P[rows, d] = 32
    return P


def _range_rows(vmax):
    """``_abs_rows(np.arange(vmax + 1))``, built block by block of equal digit count (sorted values)."""
    width = len(str(int(vmax)))
    P = np.zeros((vmax + 1, width + 1), dtype=np.uint8)
    v = np.arange(vmax + 1, dtype=np.int32 if vmax < 2**31 else np.int64)
    lo = 0
    for d in range(1, width + 1):
        hi = min(10**d, vmax + 1)  # the values with d digits (0 counts as one digit)
        q = v[lo:hi].copy()
        for t in range(d - 1, -1, -1):
            P[lo:hi, t] = q % 10 + 48
            q //= 10
        P[lo:hi, d] = 32
        lo = hi
    return P


def _signed_rows(values, P):
    """Token rows of the signed ints ``values`` from the rows ``P`` of their absolute values."""
    rows = np.zeros((len(values), P.shape[1] + 1), dtype=np.uint8)
    neg = values < 0
    rows[~neg, :-1] = P[~neg]
    rows[neg, 0] = 45
    rows[neg, 1:] = P[neg]
    rows[values == 0, 1] = 10  # the clause terminator ends its line
    return rows


def _table(tokens):
    """(token rows, offset, inverse): the row of token t is ``rows[t + offset]`` or ``rows[inverse[i]]``."""
    vmax = int(max(tokens.max(), -tokens.min())) if len(tokens) else 0
    if vmax <= 4 * len(tokens) + 1024:  # a dense table of -vmax..vmax
        P = _range_rows(vmax)
        rows = np.zeros((2 * vmax + 1, P.shape[1] + 1), dtype=np.uint8)
        rows[vmax:, :-1] = P
        rows[:vmax, 0] = 45
        rows[:vmax, 1:] = P[:0:-1]
        rows[vmax, 1] = 10  # the clause terminator ends its line
        return rows, vmax, None
    values, inverse = np.unique(tokens, return_inverse=True)  # huge values, few tokens
    return _signed_rows(values, _abs_rows(np.abs(values))), None, inverse.ravel()


def _gather(rows, idx):
    """Bytes of ``rows[idx]`` (fixed-width rows, zero padded) with the padding dropped.

    Rows of at most 8 or 16 bytes are gathered as one or two uint64 words
    (``np.take`` on a native dtype is several times faster than on a void dtype).
    """
    W = rows.shape[1]
    if W == 8:
        return np.take(rows.view(np.uint64).ravel(), idx).tobytes().translate(None, b"\0")
    if W == 16:
        words = rows.view(np.uint64)
        out = np.empty((len(idx), 2), dtype=np.uint64)
        out[:, 0] = np.take(words[:, 0], idx)
        out[:, 1] = np.take(words[:, 1], idx)
        return out.tobytes().translate(None, b"\0")
    return np.take(rows.view(f"V{W}").ravel(), idx).tobytes().translate(None, b"\0")


#: a packed 9-byte record: the sign byte ('-' or 0) and the 8-byte row of the absolute value
_SIGNED_WORD = np.dtype([("sign", np.uint8), ("word", "<u8")], align=False)


def _abs_words(vmax):
    """One little-endian uint64 per absolute value 0..vmax (< 10^7): its digits and separator, zero padded.

    The row of 0 is the clause terminator "0\n"; a literal's separator is a space.
    """
    P = _range_rows(vmax)
    P[0, 1] = 10
    words = np.zeros((vmax + 1, 8), dtype=np.uint8)
    words[:, : P.shape[1]] = P
    return words.view("<u8").ravel()


def _iter_sign_words(tokens, vmax, chunk):
    """Token bytes from a table of absolute values (8 bytes a row) plus a sign byte.

    For 10^6 <= vmax < 10^7 a signed row needs 9 or 10 bytes (two words); the
    absolute value alone fits one word, so the table is half the size (fewer
    cache misses in the gather) and the text passed to ``translate`` is 9
    instead of 16 bytes per token.
    """
    words = _abs_words(vmax)
    out = np.empty(min(chunk, len(tokens)), dtype=_SIGNED_WORD)
    for s in range(0, len(tokens), chunk):
        t = tokens[s: s + chunk]
        o = out[: len(t)]
        np.multiply(t < 0, 45, out=o["sign"], casting="unsafe")
        np.take(words, np.abs(t), out=o["word"])
        yield o.tobytes().translate(None, b"\0")


def iter_token_bytes(tokens, chunk=CHUNK):
    """Yield the DIMACS bytes of ``tokens`` chunk by chunk (same bytes as :func:`format_tokens`)."""
    tokens = np.asarray(tokens)
    if len(tokens) == 0:
        return
    vmax = int(max(tokens.max(), -tokens.min()))
    if 10**6 <= vmax < 10**7 and vmax <= 4 * len(tokens) + 1024:
        yield from _iter_sign_words(tokens, vmax, chunk)
        return
    rows, offset, inverse = _table(tokens)
    W = rows.shape[1]
    pad = 8 if W <= 8 else 16 if W <= 16 else W
    if pad != W:
        rows = np.concatenate([rows, np.zeros((len(rows), pad - W), dtype=np.uint8)], axis=1)
    for s in range(0, len(tokens), chunk):
        idx = inverse[s: s + chunk] if inverse is not None else tokens[s: s + chunk].astype(np.intp) + offset
        yield _gather(rows, idx)


def format_tokens(tokens):
    """The DIMACS bytes of a token stream (see the module docstring)."""
    return b"".join(iter_token_bytes(tokens))


def sha256_tokens(head, tokens):
    """SHA-256 (hex) of ``head`` followed by the bytes of ``tokens``, formatted chunk by chunk."""
    import hashlib

    h = hashlib.sha256(head)
    for piece in iter_token_bytes(tokens):
        h.update(piece)
    return h.hexdigest()
