"""Threads of the estimators that run their own: ``n_jobs`` and its limits.

``n_jobs`` follows scikit-learn and joblib: an int is a number of threads
(``-1``: one per CPU, ``-2``: all but one, ...). ``None``, the default, takes
what the context allows, as scikit-learn's OpenMP-based estimators do:

- inside a joblib worker (``GridSearchCV(n_jobs=...)``, ``cross_validate``,
  any ``joblib.Parallel``): one thread, the caller already runs in parallel;
- inside ``joblib.parallel_config(n_jobs=k)``: ``k``;
- else one thread per CPU, at most the number of threads threadpoolctl allows
  BLAS (``threadpool_limits(1)`` gives one thread: no thread is started).

Every thread pool lives for one call, and the BLAS limit a threaded section
sets (one share of the BLAS threads per problem that our threads may solve in
parallel, whatever ``n_jobs``; one thread for small products) is restored when
it ends: nothing survives a fit. The limit is set from the main thread only:
threadpoolctl's limits are process-wide, and fits running concurrently in
other threads would restore each other's limits out of order.
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import joblib
from joblib.parallel import get_active_backend
from threadpoolctl import threadpool_info, threadpool_limits


def _blas_threads():
    """The number of threads threadpoolctl currently allows BLAS (at least 1)."""
    counts = [
        info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"
    ]
    return max(1, min(counts, default=joblib.cpu_count()))


def effective_n_threads(n_jobs):
    """The number of threads to run for ``n_jobs`` (see the module docstring)."""
    if n_jobs is not None:
        return max(1, joblib.effective_n_jobs(n_jobs))
    backend, config_n_jobs = get_active_backend()
    if getattr(backend, "nesting_level", 0) > 0:
        return 1
    if config_n_jobs is not None:
        return max(1, joblib.effective_n_jobs(config_n_jobs))
    return max(1, min(joblib.cpu_count(), _blas_threads()))


def blas_threads_per_problem(n_problems, small_products=False):
    """The BLAS threads each of ``n_problems`` independent problems gets while
    threads of ours may solve them in parallel.

    One for small products (OpenBLAS's threads cost more than they bring on
    small matrices: on the standardised yeast data, 1500 x 103 with 14 labels,
    a fit takes 0.37 s with two BLAS threads and 0.05 s with one); else the
    threads BLAS is allowed, shared among the problems, so that ours and
    BLAS's do not oversubscribe the cores. The number depends on the problems,
    not on ``n_jobs``: BLAS's products round differently with their number of
    threads (OpenBLAS splits the sum of a product with few columns, such as
    ``X.T @ R``, among them), and results must not depend on ``n_jobs``.
    """
    if small_products:
        return 1
    return max(1, _blas_threads() // max(1, n_problems))


@contextlib.contextmanager
def _blas_limited(blas_threads):
    """BLAS limited to ``blas_threads`` (None: left as it is)."""
    if blas_threads is None or (
        threading.current_thread() is not threading.main_thread()
    ):
        # threadpoolctl's limits are process-wide: a fit running in another
        # thread (e.g. a joblib threading worker, beside other fits) leaves
        # them to the thread that owns the process, or concurrent fits would
        # restore each other's limits in the wrong order.
        yield
        return
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        yield


def thread_map(function, items, n_threads, blas_threads=None):
    """``[function(item) for item in items]`` on at most ``n_threads`` threads.

    In the calling thread when there is one item or one thread; else on a pool
    made for this call. BLAS is limited to ``blas_threads`` while they run
    (None: left as it is; see :func:`blas_threads_per_problem`), and restored.
    """
    n_threads = min(n_threads, len(items))
    with _blas_limited(blas_threads):
        if n_threads <= 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(n_threads) as pool:
            return list(pool.map(function, items))
