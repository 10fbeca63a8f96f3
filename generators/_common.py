"""Parameter checks, seed resolution and k-subset sampling shared by the generators."""

import numbers

import numpy as np

from reluhard.errors import InvalidParameterError
from reluhard.seeding import as_generator, check_seed, draw_seed

__all__ = ["check_count", "check_probability", "check_allocation", "resolve_seed", "sample_k_subsets", "unique_rows", "MAX_GENERATED"]

#: most entries (literals, edge endpoints, vertices) one generator call may allocate by default;
#: raise it with the environment variable RELUHARD_MAX_GENERATED
MAX_GENERATED = 2 * 10**8


def check_count(value, name, *, min_val=0, max_val=None):
    """Return ``value`` as an int, or raise InvalidParameterError (bools are rejected)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < min_val:
        raise InvalidParameterError(f"{name} must be >= {min_val}, got {value}")
    if max_val is not None and value > max_val:
        raise InvalidParameterError(f"{name} must be <= {max_val}, got {value}")
    return value


def check_allocation(count, what):
    """Refuse a generator call whose arrays would hold more than the allowed number of entries.

    ``count`` is the exact entry count the call allocates (e.g. m * k literals);
    the limit is :data:`MAX_GENERATED` or ``RELUHARD_MAX_GENERATED``. Checked
    before any allocation, so ``m = 10^10`` fails at once instead of asking
    for hundreds of GiB.
    """
    import os

    env = os.environ.get("RELUHARD_MAX_GENERATED", "").strip()
    limit = int(env) if env.isascii() and env.isdigit() and len(env) <= 18 else MAX_GENERATED
    if count > limit:
        raise InvalidParameterError(
            f"{what} would allocate {count} entries, above the limit of {limit}; raise it with RELUHARD_MAX_GENERATED"
        )
    return count


def check_probability(value, name):
    """Return ``value`` as a float in [0, 1], or raise InvalidParameterError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a number in [0, 1], got {value!r}")
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise InvalidParameterError(f"{name} must be in [0, 1], got {value}")
    return value


def resolve_seed(seed):
    """Return ``(rng, recorded_seed)``.

    None draws a fresh seed with :func:`reluhard.seeding.draw_seed` and records
    it, so every generated instance can be reproduced from its metadata. An int
    is recorded as given. A Generator or SeedSequence is used as is and
    recorded as None (its state cannot be written as one integer).
    """
    if isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return as_generator(seed), None
    seed = draw_seed() if seed is None else check_seed(seed)
    return as_generator(seed), seed


def sample_k_subsets(rng, n, m, k, dtype=np.int64):
    """``m`` independent uniform k-subsets of ``range(n)``, one sorted row each.

    Sequential selection without replacement, vectorised over rows: the j-th
    element is a uniform index among the ``n - j`` unused values, shifted past
    the already chosen ones in increasing order. O(m k^2) time, no rejection,
    so the number of random draws depends only on (n, m, k).

    ``dtype`` (int64, or int32 when n <= 2^31) is the type of the result and
    of the arithmetic; the draws are int64 either way, so the values do not
    depend on it.
    """
    cols = []  # the chosen values so far, sorted across columns (row-wise)
    for j in range(k):
        x = rng.integers(0, n - j, size=m, dtype=np.int64).astype(dtype, copy=False)
        for c in cols:  # shift past the chosen values, in increasing order
            x += x >= c
        for i in range(len(cols)):  # insert x, keeping the columns sorted (compare-exchange)
            lo = np.minimum(cols[i], x)
            np.maximum(cols[i], x, out=x)
            cols[i] = lo
        cols.append(x)
    out = np.empty((m, k), dtype=dtype)
    for j, c in enumerate(cols):
        out[:, j] = c
    return out


def unique_rows(a):
    """Indices of the first occurrence of each distinct row of ``a``, in row order."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    a = np.ascontiguousarray(a)
    view = a.view(np.dtype((np.void, a.dtype.itemsize * a.shape[1]))).ravel()
    _, first = np.unique(view, return_index=True)
    first.sort()
    return first
