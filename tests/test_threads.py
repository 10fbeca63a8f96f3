"""BLAS thread capping (reluhard.threads) and its use around the solvers."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from reluhard.threads import THREAD_ENV_VARS, limit_blas_threads


def _blas_threads():
    return sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})


@pytest.fixture
def no_thread_env(monkeypatch):
    for v in THREAD_ENV_VARS:
        monkeypatch.delenv(v, raising=False)


def test_limit_is_scoped_and_restored(no_thread_env):
    with threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == [2]
        with limit_blas_threads(1):
            assert _blas_threads() == [1]
            with limit_blas_threads(1):  # nested: still one thread
                assert _blas_threads() == [1]
            assert _blas_threads() == [1]
        assert _blas_threads() == [2]


def test_user_environment_wins(monkeypatch):
    for v in THREAD_ENV_VARS:
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    with threadpool_limits(limits=2, user_api="blas"):
        with limit_blas_threads(1):
            assert _blas_threads() == [2]


def test_fitters_run_with_one_blas_thread(no_thread_env, monkeypatch):
    """Every fitter's loss evaluations see one BLAS thread, whatever the caller's pool size."""
    from reluhard.generators.ksat import random_ksat
    from reluhard.reductions import get_reduction
    from reluhard.solvers import _loss, fit, relu_exact

    seen = []
    orig_grad, orig_only = _loss.loss_grad, _loss.loss_only

    def spy_grad(*a, **k):
        seen.append(_blas_threads())
        return orig_grad(*a, **k)

    def spy_only(*a, **k):
        seen.append(_blas_threads())
        return orig_only(*a, **k)

    monkeypatch.setattr(fit, "loss_grad", spy_grad)
    monkeypatch.setattr(fit, "loss_only", spy_only)
    monkeypatch.setattr(relu_exact, "loss_only", spy_only)
    ts = get_reduction("sat-relu").apply(random_ksat(4, 12, seed=3)).target
    with threadpool_limits(limits=2, user_api="blas"):
        fit.fit_gd(ts, restarts=2, seed=0)
        relu_exact.fit_orthant(ts)
        assert _blas_threads() == [2]
    assert seen and all(s == [1] for s in seen)
    assert np.isfinite(orig_only(*ts.float_arrays(), np.ones((1, 5)), np.ones(1)))
