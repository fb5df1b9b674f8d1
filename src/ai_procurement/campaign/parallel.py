"""Independent jobs run on every core, their results given back in the jobs' order.

``evaluate`` writes each lot's documents (comparison workbook, memos, annexes, letters)
and, with several lots, a report covering them all: a dozen to a few hundred documents
that read the same evaluation and share nothing while they are written. On a framework
agreement that is most of the command's time. :func:`run_jobs` runs such jobs in forked
worker processes, which inherit the jobs (closures over the evaluation, never copied
or pickled) and send back only their small results: the paths they wrote.

A job must be independent of the others and its result picklable. Exceptions come back
as they were raised (the library's errors pickle); after the first, no new job starts,
and the first error in the jobs' order is raised once the running ones have stopped, so
no worker is left writing. A worker dies with its
parent: killed, an ``evaluate`` leaves no process writing into its staging folder while
the next command recovers it. That needs Linux (``PR_SET_PDEATHSIG``); elsewhere the
jobs run one after the other.
"""

from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = ["cores", "run_jobs"]

T = TypeVar("T")

_JOBS: list[Callable[[], Any]] = []
"""The jobs of the pool being run, as the forked workers inherit them."""


def cores() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), even by ``kill -9``."""
    import ctypes

    pr_set_pdeathsig = 1  # from <linux/prctl.h>
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGKILL)


def _run(index: int) -> Any:
    try:
        return _JOBS[index]()
    finally:
        # A document leaves reference cycles (its builder's, holding the XML tree) that
        # Python frees only at its rare full collections: freed now, their memory is
        # reused by the next job instead of added to.
        gc.collect()


def run_jobs(jobs: Sequence[Callable[[], T]], *, workers: int | None = None,
             first: Sequence[int] = ()) -> Iterator[tuple[int, T]]:
    """Run every job; yield ``(index, result)`` as each finishes.

    Args:
        jobs: independent callables without arguments.
        workers: processes to use; None for one per core. With one worker, fewer than two
            jobs, or on a system other than Linux, the jobs run here, one after the other.
        first: indices of the jobs to start first (the longest ones, so that no core is
            left with a long job at the end); the others start in their order.

    Raises:
        BaseException: the first exception a job raised, in the jobs' order, once the
            jobs running have finished (the others are not started).
    """
    count = min(workers or cores(), len(jobs))
    if count < 2 or not sys.platform.startswith("linux"):
        for index, job in enumerate(jobs):
            try:
                result = job()
            finally:
                gc.collect()  # as in a worker, between two documents
            yield index, result
        return
    starts = set(first)
    order = [*dict.fromkeys(first), *(i for i in range(len(jobs)) if i not in starts)]
    _JOBS[:] = jobs  # inherited by the workers, forked at the first submit
    pool = concurrent.futures.ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_die_with,
        initargs=(os.getpid(),))
    try:
        futures = {pool.submit(_run, index): index for index in order}
        failed: dict[int, BaseException] = {}
        for future in concurrent.futures.as_completed(futures):
            if future.cancelled():
                continue
            index, error = futures[future], future.exception()
            if error is not None:
                failed[index] = error
                for other in futures:  # the jobs not started yet are not run
                    other.cancel()
            elif not failed:
                yield index, future.result()
        if failed:
            raise failed[min(failed)]
    finally:
        # Also when the caller stops early (an error, Ctrl-C): jobs not started are
        # dropped, the running ones finish, and no worker outlives the call.
        pool.shutdown(wait=True, cancel_futures=True)
        _JOBS.clear()
