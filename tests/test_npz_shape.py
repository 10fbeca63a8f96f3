"""training_set_shape reads the shape member alone: the shape load_training_set gives, or a one-line error."""

import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from reluhard.errors import InstanceFormatError
from reluhard.io.npz import load_training_set, save_training_set, training_set_shape


@pytest.mark.parametrize("shape", [(3, 4), (0, 2), (7, 1)])
def test_shape_equals_the_full_reader(tmp_path, shape):
    rng = np.random.default_rng(0)
    X = sp.random(*shape, density=0.5, random_state=1, format="csr")
    path = tmp_path / "t.npz"
    save_training_set(path, X, rng.random(shape[0]), np.ones(shape[0]), {"reduction": "test"})
    assert training_set_shape(path) == load_training_set(path)[0].shape == shape


def test_bad_files_are_refused(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InstanceFormatError, match="corrupt or unreadable"):
        training_set_shape(bad)
    noshape = tmp_path / "noshape.npz"
    with zipfile.ZipFile(noshape, "w") as z:
        z.writestr("y.npy", b"")
    with pytest.raises(InstanceFormatError, match="missing key"):
        training_set_shape(noshape)
    three = tmp_path / "three.npz"
    np.savez(three, shape=np.array([1, 2, 3]))
    with pytest.raises(InstanceFormatError, match="two integers"):
        training_set_shape(three)
