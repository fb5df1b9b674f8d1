"""Jobs run on every core: same results as one after the other, errors intact, no worker left."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from tests.bounded import HANG
from tests.campaign_fixtures import copy_campaign, file_hashes

from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.parallel import one_thread_each, results, run_jobs
from ai_procurement.campaign.workflow import evaluate_campaign, score_campaign
from ai_procurement.decision.robustness import assess_robustness
from ai_procurement.errors import OutputError
from ai_procurement.text import msg

SRC = str(Path(__file__).resolve().parents[2] / "src")
needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="workers that die with their parent need Linux")


def _jobs(count: int) -> list[Callable[[], tuple[int, int]]]:
    # Closures over an object that cannot be pickled (a lock): the workers inherit them.
    guard = threading.Lock()

    def job(n: int) -> Callable[[], tuple[int, int]]:
        return lambda: (n * n, os.getpid()) if not guard.locked() else (-1, 0)

    return [job(n) for n in range(count)]


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_linear_algebra_runs_on_one_thread_in_each_process_then_as_before() -> None:
    import numpy

    numpy.ones((2, 2)) @ numpy.ones((2, 2))  # numpy's BLAS loaded
    before = _blas_threads()
    assert before  # numpy's wheels bring one
    with one_thread_each():
        assert set(_blas_threads()) == {1}
        workers = results([_blas_threads, _blas_threads], workers=2)
    assert all(set(found) == {1} for found in workers)  # forked workers inherit it
    assert _blas_threads() == before


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=needs_linux)])
def test_every_job_gives_its_result_under_its_index(workers: int) -> None:
    done = dict(run_jobs(_jobs(9), workers=workers, first=[8, 5]))
    assert {index: value for index, (value, _) in done.items()} == {
        n: n * n for n in range(9)}
    assert [value for value, _ in results(_jobs(9), workers=workers, first=[8, 5])] == [
        n * n for n in range(9)]  # in the jobs' order
    pids = {pid for _, pid in done.values()}
    if workers == 1:
        assert pids == {os.getpid()}  # one after the other, in this process
    else:
        assert os.getpid() not in pids


@needs_linux
def test_the_first_error_in_the_jobs_order_is_raised_as_it_was() -> None:
    def fails(n: int) -> Callable[[], int]:
        def job() -> int:
            raise OutputError(msg("{n}: disk full", n=n))
        return job

    jobs: list[Callable[[], int]] = [lambda: 1, fails(1), lambda: 2, fails(3)]
    with pytest.raises(OutputError) as raised:
        list(run_jobs(jobs, workers=2))
    assert str(raised.value) == "1: disk full"
    assert not multiprocessing.active_children()


@needs_linux
def test_no_worker_outlives_a_caller_that_stops_early() -> None:
    running = run_jobs(_jobs(6), workers=2)
    next(running)
    running.close()
    assert not multiprocessing.active_children()


_KILLED_PARENT = """
import os, signal, sys, threading, time
from pathlib import Path
from ai_procurement.campaign.parallel import run_jobs

mark = Path(sys.argv[1])

def job():
    mark.write_text(str(os.getpid()))
    time.sleep(60)

def kill_me():
    while not mark.exists():
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGKILL)

threading.Thread(target=kill_me, daemon=True).start()
list(run_jobs([job, job], workers=2))
"""


@needs_linux
def test_a_worker_dies_with_its_parent_killed_by_kill_9(tmp_path: Path) -> None:
    mark = tmp_path / "worker.pid"
    done = subprocess.run([sys.executable, "-c", _KILLED_PARENT, str(mark)],
                          timeout=HANG, env={**os.environ, "PYTHONPATH": SRC})
    assert done.returncode == -signal.SIGKILL
    worker = int(mark.read_text())
    deadline = time.monotonic() + HANG
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(worker)  # not left writing into a staging folder


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0]
    except FileNotFoundError:
        return False
    return status != "Z"  # a zombie has stopped running


@needs_linux
def test_the_deliverables_are_the_same_bytes_whatever_the_number_of_workers(
        demo_campaign: Path, tmp_path: Path) -> None:
    expected = file_hashes(demo_campaign / "out")
    for workers in (1, 2):
        folder = copy_campaign(demo_campaign, tmp_path / f"workers-{workers}")
        run = evaluate_campaign(load_campaign(folder), force=True, workers=workers)
        assert file_hashes(folder / "out") == expected, workers
        # Each lot's outputs, in the order they are listed whatever finished first.
        assert [p.name for p in run.lots[0].outputs[:3]] == [
            "comparison.xlsx", "memo-fr.docx", "memo-en.docx"]


@needs_linux
def test_a_worker_killed_midway_is_an_error_naming_its_exit() -> None:
    def killed() -> int:
        os.kill(os.getpid(), signal.SIGKILL)  # as the system does when memory runs out
        return 0

    with pytest.raises(OutputError) as raised:
        list(run_jobs([lambda: 1, killed], workers=2))
    assert raised.value.text.en == ("a process writing the results stopped unexpectedly "
                                    "(exit code -9); nothing was kept")
    assert "processus" in raised.value.text.fr
    assert not multiprocessing.active_children()


@needs_linux
def test_a_rankings_tests_run_in_parallel_give_the_same_findings_and_figures(
        demo_campaign: Path, tmp_path: Path) -> None:
    # One lot: evaluate runs its independent tests as jobs (two SMAA analyses, the
    # comparisons); each result comes back pickled, every figure as it was.
    run = score_campaign(load_campaign(copy_campaign(demo_campaign, tmp_path / "c")), "1")
    started: list[int] = []

    def in_parallel(tests: Sequence[Callable[[], object]]) -> list[object]:
        started.append(len(tests))
        return results(tests, workers=2, first=[2])

    here = assess_robustness(run.evaluation, samples=3_000)
    there = assess_robustness(run.evaluation, samples=3_000, run=in_parallel)
    assert started == [3]
    assert there.findings == here.findings
    assert (there.price_methods, there.leave_one_out, there.without_evaluator) == (
        here.price_methods, here.leave_one_out, here.without_evaluator)
    assert there.leave_one_out is not None  # the comparisons did run
    for name in ("acceptability_band", "acceptability_simplex"):
        ours, theirs = getattr(here, name), getattr(there, name)
        assert ours.acceptability.tobytes() == theirs.acceptability.tobytes()
        assert (ours.central_weights, ours.confidence_factors) == (
            theirs.central_weights, theirs.confidence_factors)
