"""Competition ranking ("1, 2, 2, 4"): the one tie rule of the library.

Scoring ranks the offers with it, and every robustness check (tipping points, SMAA,
leave-one-out, without an evaluator) re-ranks with it, so a tie is the same tie
everywhere. Totals within the tolerance of the next are one group (ties chain); the
rule depends on the values only, never on the order of the offers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from ai_procurement.errors import PriceError, ScoringError

__all__ = [
    "RELATIVE_TIE_TOLERANCE",
    "FloatArray",
    "IntArray",
    "check_tolerance",
    "competition_ranking",
    "competition_ranks",
    "ranks_by_row",
    "vector",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RELATIVE_TIE_TOLERANCE = 1e-9
"""Fraction of the points scale under which two totals count as tied (library convention)."""


def vector(
    values: npt.ArrayLike, name: str, error: type[ScoringError | PriceError]
) -> FloatArray:
    """Return ``values`` as a finite 1-D float vector, or raise ``error`` naming ``name``."""
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise error(f"{name}: expected a numeric vector, could not read it: {exc}") from None
    if array.ndim != 1 or array.shape[0] < 1:
        raise error(
            f"{name}: expected a 1-D vector of at least one value, got shape {array.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise error(f"{name}[{int(bad[0])}]: expected a finite number, got {array[bad[0]]!r}")
    return array


def check_tolerance(tolerance: float) -> float:
    """Return ``tolerance`` as a float, or raise :class:`ScoringError` if negative or NaN."""
    value = float(tolerance)
    if not np.isfinite(value) or value < 0.0:
        raise ScoringError(
            f"tolerance: expected a finite absolute tolerance >= 0 in the units of the totals "
            f"(convention: {RELATIVE_TIE_TOLERANCE:g} x the points scale), got {tolerance!r}"
        )
    return value


_BLOCK_CELLS = 16_384
"""Cells of ``table`` ranked at a time: each block's temporary arrays stay in the
processor's cache (20,000 draws x 300 offers ranked in 0.10 s instead of 0.25 s)."""


def ranks_by_row(table: FloatArray, tolerance: float) -> IntArray:
    """Competition ranks of each row of ``table`` (samples x offers), ties chained."""
    n_rows, n = table.shape
    step = max(1, _BLOCK_CELLS // max(n, 1))
    if n_rows <= step:
        return _ranks_by_row(table, tolerance)
    ranks = np.empty((n_rows, n), dtype=np.int64)
    for start in range(0, n_rows, step):
        ranks[start:start + step] = _ranks_by_row(table[start:start + step], tolerance)
    return ranks


def _ranks_by_row(table: FloatArray, tolerance: float) -> IntArray:
    n_rows, n = table.shape
    # Positions in the flattened table, so one gather and one scatter replace
    # take_along_axis and put_along_axis (a third less time at 20,000 x 300).
    order = np.argsort(-table, axis=1)
    order += (np.arange(n_rows, dtype=np.int64) * n)[:, np.newaxis]
    flat = order.ravel()
    ordered = table.ravel()[flat].reshape(n_rows, n)
    splits = (ordered[:, :-1] - ordered[:, 1:]) > tolerance
    # Without a tie a row's ranks are its positions 1..n; only rows with a tie need the
    # groups worked out.
    positions = np.tile(np.arange(1, n + 1, dtype=np.int64), n_rows).reshape(n_rows, n)
    tied = np.flatnonzero(~splits.all(axis=1))
    if tied.size:
        starts_group = np.ones((tied.size, n), dtype=bool)
        starts_group[:, 1:] = splits[tied]
        # Position (0-based) of the first offer of each group, carried forward over it.
        first_of_group = np.maximum.accumulate(
            np.where(starts_group, np.arange(n, dtype=np.int64), 0), axis=1
        )
        positions[tied] = first_of_group + 1
    ranks = np.empty(n_rows * n, dtype=np.int64)
    ranks[flat] = positions.ravel()
    return ranks.reshape(n_rows, n)


def competition_ranks(totals: npt.ArrayLike, tolerance: float) -> IntArray:
    """Competition ranks ("1, 2, 2, 4") of totals, higher total ranking first.

    Totals are sorted in decreasing order and split into groups wherever two consecutive
    totals differ by more than ``tolerance``; every offer of a group gets 1 + the number of
    offers in better groups. Ties are chained: three totals each within ``tolerance`` of the
    next are one group even if the outer two differ by more. With the library's
    convention (:data:`RELATIVE_TIE_TOLERANCE` of the points scale) this only absorbs
    rounding noise. The result depends on the values only, never on the order of offers.

    Args:
        totals: one total per offer, shape ``(n_offers,)``.
        tolerance: absolute tolerance in the units of ``totals``.

    Returns:
        Integer ranks, shape ``(n_offers,)``, 1 for the best.

    Raises:
        ScoringError: totals are not a finite vector or the tolerance is negative.

    """
    t = vector(totals, "totals", ScoringError)
    tol = check_tolerance(tolerance)
    result: IntArray = ranks_by_row(t[np.newaxis, :], tol)[0]
    return result


def competition_ranking(totals: Mapping[str, float], tolerance: float) -> dict[str, int]:
    """Competition ranks of named totals, by the rule of :func:`competition_ranks`.

    Args:
        totals: vendor -> total points.
        tolerance: absolute tie tolerance, in points.

    Returns:
        vendor -> rank (1 for the best); empty for no totals.
    """
    names = sorted(totals)
    if not names:
        return {}
    ranks = competition_ranks([totals[name] for name in names], tolerance)
    return dict(zip(names, (int(rank) for rank in ranks), strict=True))
