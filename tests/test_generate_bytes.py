"""Same seed and parameters -> the same bytes, across versions: `generate ksat` files pinned by sha256.

The hashes were taken from the writer and sampler before the speed-ups of issue #16 (int32
arithmetic, the sign-word table for 10^6 <= n < 10^7, block-built digit tables); any change of
the random stream or of the text layout breaks them.
"""

import hashlib

import numpy as np
import pytest

from reluhard.cli import main
from reluhard.generators.ksat import ksat_array

PINNED = [
    ("-n 10 -m 43 --seed 0", "8e2dc6c2c6076d99ffdb24f5b73f8bd8478142214ea4455c9e85416e590db1d0"),
    ("-n 1000 -m 4260 --seed 5", "62f8bdc5b524fcd3a0c11602b5f7dd806a7f4811dac3bfcf883f93057706be37"),
    ("-n 5000 -m 20000 --seed 3 --planted", "9e55b0874a07797c020d5ae8aa67baff638d6ab6ed3de62fde04251fd0ae70be"),
    ("-n 5000 -m 20000 --seed 3 --planted --quiet", "b27462d48eb7f58744944186c555003d9d29b3fc1523b82acde6fc9aae227b6d"),
    ("-k 5 -n 300 -m 3000 --seed 2", "015d48b9976e02625d91e768d622abbf36c514999af4a31495b7e3255a8085a4"),
    ("-k 2 -n 50 -m 100 --seed 2 --distinct", "61004eb2713d01936df8bd52b5374032e5fb816c21228ccf0baac938a126362b"),
    ("-n 200 -m 500 --max-occurrence 8 --seed 4", "70e00f1b4573a55e09aead0cddecc26014fb827ca374fc5c517fa3452f70f0a5"),
    ("-n 120000 -m 1000 --seed 9", "32a4b2ed39568be0a082b6d8dd70386ace425848158fa77026ac5614564db76e"),  # sparse values table
    ("-n 2000000 -m 300000 --seed 4", "c38c358d5e3a4de9f3e44d623c267830697d5fdbe167c9b6263d511ae5319994"),  # sign words
]


@pytest.mark.parametrize("args,digest", PINNED)
def test_generate_ksat_bytes_are_pinned(tmp_path, args, digest, capsys):
    out = tmp_path / "f.cnf"
    assert main(["generate", "ksat", *args.split(), "-o", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("kw", [{}, {"planted": True}, {"planted": True, "quiet": True}, {"max_occurrence": 9},
                                {"distinct": True}, {"k": 4}])
def test_int32_clause_arrays_hold_the_int64_values(kw):
    a, meta_a = ksat_array(500, 1500, seed=3, **kw)
    b, meta_b = ksat_array(500, 1500, seed=3, dtype=np.int32, **kw)
    assert a.dtype == np.int64 and b.dtype == np.int32
    assert (a == b).all() and meta_a == meta_b


def test_int32_needs_small_n(monkeypatch):
    from reluhard.errors import InvalidParameterError

    monkeypatch.setenv("RELUHARD_MAX_GENERATED", str(2**32))  # the allocation check comes first
    with pytest.raises(InvalidParameterError, match="int32"):
        ksat_array(2**31, 0, dtype=np.int32)
    with pytest.raises(InvalidParameterError, match="dtype"):
        ksat_array(10, 3, dtype=np.float64)
