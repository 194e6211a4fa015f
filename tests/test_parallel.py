"""Tests of the thread count of the estimators that run threads (n_jobs)."""

import joblib
import pytest
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from skbce.utils._parallel import (
    _blas_threads,
    blas_threads_per_problem,
    effective_n_threads,
    thread_map,
)


def test_explicit_n_jobs_follows_joblib():
    """Check that an int n_jobs means what it means to joblib."""
    assert effective_n_threads(1) == 1
    assert effective_n_threads(3) == 3
    assert effective_n_threads(-1) == joblib.cpu_count()


def test_default_n_jobs_takes_what_the_context_allows():
    """Check None: the CPUs within threadpoolctl's BLAS limit, the n_jobs of a
    parallel_config, one thread inside a joblib worker."""
    with threadpool_limits(1):
        assert effective_n_threads(None) == 1
    with threadpool_limits(None):
        assert effective_n_threads(None) == joblib.cpu_count()
    with joblib.parallel_config(n_jobs=3):
        assert effective_n_threads(None) == 3
    inside = Parallel(n_jobs=2, backend="threading")(
        delayed(effective_n_threads)(None) for _ in range(2)
    )
    assert inside == [1, 1]


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_thread_map_keeps_the_order_and_restores_blas_limits(n_threads):
    """Check that results come in the order of the items, that BLAS runs on
    the threads asked while they run, and that its limit is then undone."""
    from threadpoolctl import threadpool_info

    before = [info["num_threads"] for info in threadpool_info()]

    def square(x):
        return x * x, _blas_threads()

    results = thread_map(square, list(range(7)), n_threads, blas_threads=1)
    assert results == [(x * x, 1) for x in range(7)]
    assert [info["num_threads"] for info in threadpool_info()] == before


def test_blas_threads_per_problem_shares_the_allowed_threads():
    """Check that each problem gets BLAS's allowed threads divided among the
    problems, at least one, and one for small products."""
    with threadpool_limits(limits=2, user_api="blas"):
        allowed = _blas_threads()
        assert blas_threads_per_problem(1) == allowed
        assert blas_threads_per_problem(2) == max(1, allowed // 2)
        assert blas_threads_per_problem(50) == 1
        assert blas_threads_per_problem(1, small_products=True) == 1
