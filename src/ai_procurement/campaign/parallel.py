"""Independent jobs run on every core, each in a process of its own.

``evaluate`` writes each lot's documents (comparison workbook, memos, annexes, letters)
and, with several lots, a report covering them all: a dozen to a few hundred documents
that read the same evaluation and share nothing while they are written. On a framework
agreement that is most of the command's time. :func:`run_jobs` runs each such job in a
process forked for it, which inherits the job (a closure over the evaluation, never
copied or pickled) and sends back only its small result: the paths it wrote.

A process per job rather than a pool of long-lived workers: a worker that wrote the
documents of every lot would end up with its own copy of every lot's evaluation (Python
writes to each object it reads, its reference count), two such workers nearly doubling
the memory of a 20-lot evaluation (626 MB against 482 MB measured, all processes); a
process forked for a job copies only the pages it writes to, and gives them all back
when done. Forking costs a few milliseconds, but each job's process pays the system
time of the pages it copies, so jobs should not be too small (``evaluate`` gives each
lot one, or two with fewer than two lots a core).

A job must be independent of the others and its result picklable. Exceptions come back
as they were raised (the library's errors pickle), with the worker's traceback as their
cause; after the first, no new job starts, and the first error in the jobs' order is
raised once the running ones have stopped, so no worker is left writing. A worker dies
with its parent: killed, an ``evaluate`` leaves no process writing into its staging
folder while the next command recovers it. That needs Linux (``PR_SET_PDEATHSIG``);
elsewhere the jobs run one after the other.

The work is spread over the cores by processes, so numpy's linear algebra runs on one
thread in each (:func:`one_thread_each`): its own threads would wait for the cores the
other processes use, busy, taking CPU for no gain in time (20 lots: 0.9 s of CPU in the
ranking's tests alone, the same wall time).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ai_procurement.errors import OutputError
from ai_procurement.text import msg

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["WorkerTraceback", "cores", "one_thread_each", "results", "run_jobs"]

T = TypeVar("T")


class WorkerTraceback(Exception):
    """Where a job failed in its worker: the traceback printed there (an error's cause)."""


def cores() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def one_thread_each() -> Iterator[None]:
    """Within it, numpy's linear algebra (BLAS) uses one thread, here and in the workers.

    Set back as it was on leaving (threadpoolctl's public API).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def run_jobs(jobs: Sequence[Callable[[], T]], *, workers: int | None = None,
             first: Sequence[int] = ()) -> Iterator[tuple[int, T]]:
    """Run every job; yield ``(index, result)`` as each finishes.

    Args:
        jobs: independent callables without arguments.
        workers: processes running at once; None for one per core. With one worker,
            fewer than two jobs, or on a system other than Linux, the jobs run here, one
            after the other.
        first: indices of the jobs to start first (the longest ones, so that no core is
            left with a long job at the end); the others start in their order.

    Raises:
        BaseException: the first exception a job raised, in the jobs' order, once the
            jobs running have finished (the others are not started).
        OutputError: a worker stopped without a word (killed, out of memory).
    """
    count = min(workers or cores(), len(jobs))
    if count < 2 or not sys.platform.startswith("linux"):
        for index, job in enumerate(jobs):
            try:
                result = job()
            finally:
                # A document leaves reference cycles (its builder's, holding the XML
                # tree) that Python frees only at its rare full collections: freed now,
                # their memory is reused by the next job instead of added to.
                gc.collect()
            yield index, result
        return
    starts = set(first)
    pending = collections.deque([*dict.fromkeys(first),
                                 *(i for i in range(len(jobs)) if i not in starts)])
    context = multiprocessing.get_context("fork")
    running: dict[Connection, tuple[int, BaseProcess]] = {}
    failed: dict[int, BaseException] = {}
    try:
        while pending or running:
            while pending and not failed and len(running) < count:
                index = pending.popleft()
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(jobs[index], sender, os.getpid()),
                                          daemon=True)
                process.start()
                sender.close()  # the worker's end: this one reads
                running[receiver] = (index, process)
            if not running:
                break
            for ready in multiprocessing.connection.wait(list(running)):
                assert isinstance(ready, multiprocessing.connection.Connection)
                index, worker = running.pop(ready)
                outcome = _receive(ready, worker)
                if isinstance(outcome, BaseException):
                    failed[index] = outcome
                elif not failed:
                    yield index, outcome[0]
        if failed:
            raise failed[min(failed)]
    finally:
        # Also when the caller stops early (an error, Ctrl-C): the workers still running
        # are stopped, and none outlives the call.
        for receiver, (_, worker) in running.items():
            worker.terminate()
            worker.join()
            receiver.close()


def results(jobs: Sequence[Callable[[], T]], *, workers: int | None = None,
            first: Sequence[int] = ()) -> list[T]:
    """Run every job (as :func:`run_jobs`); their results in the jobs' order."""
    done = dict(run_jobs(jobs, workers=workers, first=first))
    return [done[index] for index in range(len(jobs))]


def _receive(receiver: Connection, process: BaseProcess) -> tuple[Any] | BaseException:
    """A finished worker's result (in a 1-tuple) or the exception its job raised."""
    try:
        outcome, value, where = receiver.recv()
    except EOFError:
        outcome, value, where = "error", None, ""
    finally:
        receiver.close()
        process.join()
    if outcome == "ok":
        return (value,)
    if value is None:
        value = OutputError(msg("a process writing the results stopped unexpectedly (exit "
                                "code {code}); nothing was kept", code=process.exitcode))
    assert isinstance(value, BaseException)
    if where:
        value.__cause__ = WorkerTraceback(where)
    return value


def _work(job: Callable[[], object], sender: Connection, parent: int) -> None:
    """In the worker: run ``job`` and send ``("ok", result, "")`` or its error."""
    _die_with(parent)
    try:
        sent: tuple[str, object, str] = ("ok", job(), "")
    except BaseException as exc:  # sent to the parent, which raises it
        where = "".join(traceback.format_exception(exc))
        try:
            pickle.loads(pickle.dumps(exc))
            sent = ("error", exc, where)
        except Exception:  # an exception that cannot travel: its text does
            sent = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"), where)
    sender.send(sent)
    sender.close()


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), even by ``kill -9``."""
    import ctypes

    pr_set_pdeathsig = 1  # from <linux/prctl.h>
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGKILL)
