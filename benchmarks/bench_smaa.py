"""Benchmark of SMAA-2: the vectorised ``smaa`` against a per-sample Python loop.

Problem: 100 000 weight samples, 30 offers, 12 criteria, weights uniform on the simplex.
The vectorised run draws weights, multiplies (samples x criteria) @ (criteria x offers) in
chunks and ranks each row with numpy; its time is the median of a few runs and includes
drawing the weights.

The loop draws nothing while timed (its weights are drawn beforehand by the same sampler,
which favours the loop); for each sample it computes the totals and their competition
ranks with the public functions and updates the counts. It is timed on the first 5 000
samples only and extrapolated linearly to 100 000 (its cost per sample is constant). Both
methods are checked to give identical acceptability indices on those 5 000 samples.

Run: ``python benchmarks/bench_smaa.py``.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import numpy.typing as npt

from ai_procurement.decision.ranking import competition_ranks
from ai_procurement.decision.robustness_math import (
    RELATIVE_TIE_TOLERANCE,
    _WeightStream,
    smaa,
)

SAMPLES = 100_000
LOOP_SAMPLES = 5_000
OFFERS = 30
CRITERIA = 12
SEED = 2024
REPEATS = 5


def loop_acceptability(
    scores: npt.NDArray[np.float64], drawn: npt.NDArray[np.float64], tolerance: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    n = scores.shape[0]
    counts = np.zeros((n, n))
    first_sums = np.zeros((n, scores.shape[1]))
    for w in drawn:
        ranks = competition_ranks(scores @ w, tolerance)
        for i in range(n):
            counts[i, ranks[i] - 1] += 1
            if ranks[i] == 1:
                first_sums[i] += w
    return counts / drawn.shape[0], first_sums


def main() -> None:
    data = np.random.default_rng(0)
    scores = data.random((OFFERS, CRITERIA))
    weights = data.random(CRITERIA)
    weights /= weights.sum()
    tol = RELATIVE_TIE_TOLERANCE

    smaa(scores, weights, samples=1_000, seed=SEED, band=None, tolerance=tol)  # warm-up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        smaa(scores, weights, samples=SAMPLES, seed=SEED, band=None, tolerance=tol)
        times.append(time.perf_counter() - start)
    vectorised = statistics.median(times)

    drawn = _WeightStream(np.random.Generator(np.random.PCG64(SEED)), weights, None).take(
        LOOP_SAMPLES
    )
    start = time.perf_counter()
    loop_b, _ = loop_acceptability(scores, drawn, tol)
    loop_subset = time.perf_counter() - start
    loop_full = loop_subset * SAMPLES / LOOP_SAMPLES

    check = smaa(scores, weights, samples=LOOP_SAMPLES, seed=SEED, band=None, tolerance=tol)
    same = np.array_equal(check.acceptability, loop_b)

    print(f"SMAA-2, {SAMPLES} samples, {OFFERS} offers, {CRITERIA} criteria")
    print(f"cpus: {os.cpu_count()}, numpy {np.__version__}")
    print(
        f"vectorised: {vectorised:.3f} s (median of {REPEATS}; "
        f"min {min(times):.3f}, max {max(times):.3f})"
    )
    print(
        f"per-sample loop: {loop_subset:.3f} s for {LOOP_SAMPLES} samples, "
        f"extrapolated linearly to {SAMPLES}: {loop_full:.1f} s"
    )
    print(f"speed-up: {loop_full / vectorised:.0f}x")
    print(f"identical acceptability on the {LOOP_SAMPLES} loop samples: {same}")


if __name__ == "__main__":
    main()
