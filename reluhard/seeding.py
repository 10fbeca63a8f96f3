"""Seeds are handled here and nowhere else.

``as_generator`` turns None / int / SeedSequence / Generator into a
``numpy.random.Generator``; ``spawn`` derives independent child streams;
``draw_seed`` picks a fresh recorded seed when a user gives none.

numpy is imported inside the functions that need it, so the CLI can
validate a seed without paying numpy's import (``reluhard --help``).
"""

from .errors import InvalidParameterError

__all__ = ["as_generator", "spawn", "draw_seed", "check_seed"]


def check_seed(seed):
    """Validate a user-given seed: None or a non-negative int."""
    if seed is None:
        return None
    if type(seed) is int:  # the common case, decided without importing numpy
        if seed < 0:
            raise InvalidParameterError(f"seed must be a non-negative integer, got {seed}")
        return seed
    import numpy as np

    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise InvalidParameterError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise InvalidParameterError(f"seed must be a non-negative integer, got {seed}")
    return int(seed)


def as_generator(seed=None):
    """Return a ``numpy.random.Generator`` for ``seed``.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        A Generator is returned unchanged (so callers can share a stream);
        anything else seeds a new PCG64 generator.
    """
    import numpy as np

    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.Generator(np.random.PCG64(seed))
    return np.random.default_rng(check_seed(seed))


def spawn(seed, n):
    """``n`` independent generators derived from ``seed`` (SeedSequence.spawn)."""
    import numpy as np

    if isinstance(seed, np.random.Generator):
        return seed.spawn(n)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(check_seed(seed))
    return [np.random.Generator(np.random.PCG64(s)) for s in ss.spawn(n)]


def draw_seed():
    """A fresh seed to record when the user gave none (so every file is reproducible)."""
    import secrets  # (hashlib, hmac: not at start-up, `reluhard --help` imports this module)

    return secrets.randbelow(2**31)
