"""Arithmetic of ranking robustness: close calls, tipping weights, SMAA, leave-one-out.

A committee that ranks offers with published weights rarely sees how fragile that ranking
is: two totals a hair apart, a weight that needs to move by two points for another offer
to win, a price formula that reverses two offers when a third one leaves. This module
computes those facts from plain numbers so they can be tested by hand; it reads no file
and knows nothing of question banks or workbooks.

Conventions shared by every function:

* ``scores`` is an array ``(n_offers, n_criteria)`` of notes as fractions of each
  criterion's maximum, in ``[0, 1]``; ``weights`` is ``(n_criteria,)``, non-negative
  shares summing to 1 (within ``1e-9``). An offer's total is ``scores @ weights``, a
  fraction of the points scale; multiplying by the scale changes no rank.
* Ties: totals closer than an absolute ``tolerance`` are tied. The library's convention
  is :data:`RELATIVE_TIE_TOLERANCE` (``1e-9``) times the points scale, so ``1e-9`` for
  totals expressed as fractions and ``1e-7`` for totals on a 100-point scale. The
  tolerance is always an explicit argument and is recorded with each result.
* Offers and criteria are identified by their 0-based position in the arrays.

SMAA follows Lahdelma and Salminen, "SMAA-2: Stochastic Multicriteria Acceptability
Analysis for Group Decision Making", Operations Research 49(3), 2001, pp. 444-454 (rank
acceptability indices, central weight vectors, confidence factors), with weights drawn as
in Tervonen and Lahdelma, "Implementing stochastic multicriteria acceptability analysis",
European Journal of Operational Research 178(2), 2007, pp. 500-513 (sorted uniforms give
weights uniform on the simplex).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from ai_procurement.decision.ranking import (
    RELATIVE_TIE_TOLERANCE,
    FloatArray,
    IntArray,
    check_tolerance,
    competition_ranks,
    ranks_by_row,
    vector,
)
from ai_procurement.errors import PriceError, ScoringError, StrategyError

__all__ = [
    "RELATIVE_TIE_TOLERANCE",
    "SAMPLER_BAND",
    "SAMPLER_SIMPLEX",
    "CloseCall",
    "CriterionTippingPoints",
    "LeaveOneOut",
    "OrderChange",
    "SMAAResult",
    "TippingPoints",
    "WeightShift",
    "close_call",
    "order_changes_when_removed",
    "smaa",
    "tipping_points",
    "totals",
]

SAMPLER_SIMPLEX = "simplex-sorted-uniforms"
"""Name recorded by :func:`smaa` for weights drawn uniformly on the whole simplex."""

SAMPLER_BAND = "simplex-band-rejection"
"""Name recorded by :func:`smaa` for weights drawn uniformly on the simplex within a band."""

_WEIGHT_SUM_TOLERANCE = 1e-9
_PROPOSAL_BLOCK = 8192
"""Rows of random numbers drawn at a time; fixed so results do not depend on chunk size."""

Relation = Literal["above", "tied", "below"]


# --------------------------------------------------------------------------- validation


def _scores_array(scores: npt.ArrayLike) -> FloatArray:
    try:
        array = np.array(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ScoringError(
            f"scores: expected a numeric array (n_offers, n_criteria), could not read it: {exc}"
        ) from None
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ScoringError(
            f"scores: expected a 2-D array (n_offers, n_criteria) with at least one offer "
            f"and one criterion, got shape {array.shape}"
        )
    bad = np.argwhere(~np.isfinite(array) | (array < 0.0) | (array > 1.0))
    if bad.size:
        offer, criterion = (int(v) for v in bad[0])
        raise ScoringError(
            f"scores[{offer}, {criterion}]: expected a fraction of the criterion's maximum "
            f"in [0, 1], got {array[offer, criterion]!r} ({len(bad)} value(s) out of range); "
            "divide points by each criterion's maximum before calling"
        )
    return array


def _weights_array(weights: npt.ArrayLike, n_criteria: int) -> FloatArray:
    try:
        array = np.array(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StrategyError(
            f"weights: expected a numeric vector, could not read it: {exc}"
        ) from None
    if array.shape != (n_criteria,):
        raise StrategyError(
            f"weights: expected one weight per criterion, shape ({n_criteria},), "
            f"got shape {array.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(array) | (array < 0.0))
    if bad.size:
        raise StrategyError(
            f"weights[{int(bad[0])}]: expected a finite share >= 0, got {array[bad[0]]!r}"
        )
    total = float(array.sum())
    if abs(total - 1.0) > _WEIGHT_SUM_TOLERANCE:
        raise StrategyError(
            f"weights: expected shares summing to 1 (within {_WEIGHT_SUM_TOLERANCE:g}), got a "
            f"sum of {total!r}; divide each weight by their sum"
        )
    return array


def _read_only(array: npt.ArrayLike) -> FloatArray:
    copy = np.array(array, dtype=np.float64)
    copy.setflags(write=False)
    return copy


# --------------------------------------------------------------------------- totals, ranks


def totals(scores: npt.ArrayLike, weights: npt.ArrayLike) -> FloatArray:
    """Weighted totals of the offers, as fractions of the points scale.

    Args:
        scores: notes ``(n_offers, n_criteria)`` as fractions of each criterion's maximum.
        weights: criterion weights ``(n_criteria,)``, shares summing to 1.

    Returns:
        ``scores @ weights``, shape ``(n_offers,)``.

    Raises:
        ScoringError: scores are not a 2-D array of fractions in ``[0, 1]``.
        StrategyError: weights do not match the criteria, are negative or do not sum to 1.

    """
    s = _scores_array(scores)
    w = _weights_array(weights, s.shape[1])
    result: FloatArray = s @ w
    return result


# --------------------------------------------------------------------------- close call


@attrs.frozen
class CloseCall:
    """How far ahead the leading offer is.

    Attributes:
        leader: the offer with the highest total (the first one in offer order on an
            exact tie).
        runner_up: the offer with the second highest total, None with a single offer.
        leader_total: the leader's total.
        runner_up_total: the runner-up's total, None with a single offer.
        gap: ``leader_total - runner_up_total`` in the units of the totals (points if the
            totals are points), None with a single offer.
        relative_gap: ``gap / leader_total``; None with a single offer or when the leader's
            total is not positive.
        threshold: the threshold the gap was compared with.
        basis: ``"absolute"`` (threshold in the units of the totals) or ``"relative"``
            (threshold as a fraction of the leader's total).
        flagged: True when the gap on ``basis`` is below ``threshold`` (an exact tie is
            always flagged), or when the relative gap is asked for but undefined because
            the leader's total is not positive. False with a single offer.

    """

    leader: int
    runner_up: int | None
    leader_total: float
    runner_up_total: float | None
    gap: float | None
    relative_gap: float | None
    threshold: float
    basis: Literal["absolute", "relative"]
    flagged: bool


def close_call(
    totals: npt.ArrayLike, *, threshold: float, basis: Literal["absolute", "relative"]
) -> CloseCall:
    """Gap between the two best totals, flagged when it is below a threshold.

    Args:
        totals: one total per offer, shape ``(n_offers,)``, in any unit (points or
            fractions).
        threshold: flag when the gap is strictly below this value; must be > 0.
        basis: ``"absolute"`` to compare the gap in the units of ``totals`` (for example
            ``1.0`` for "less than one point"), ``"relative"`` to compare the gap divided
            by the leader's total (for example ``0.02`` for "less than 2 %").

    Returns:
        The leader, the runner-up, both gaps and the flag.

    Raises:
        ScoringError: totals are not a finite vector, the threshold is not positive or the
            basis is unknown.

    """
    t = vector(totals, "totals", ScoringError)
    if basis not in ("absolute", "relative"):
        raise ScoringError(f"basis: expected 'absolute' or 'relative', got {basis!r}")
    limit = float(threshold)
    if not np.isfinite(limit) or limit <= 0.0:
        raise ScoringError(f"threshold: expected a finite number > 0, got {threshold!r}")
    order = np.argsort(-t, kind="stable")
    leader = int(order[0])
    leader_total = float(t[leader])
    if t.shape[0] == 1:
        return CloseCall(leader, None, leader_total, None, None, None, limit, basis, False)
    runner_up = int(order[1])
    runner_up_total = float(t[runner_up])
    gap = leader_total - runner_up_total
    relative_gap = gap / leader_total if leader_total > 0.0 else None
    flagged = (
        (gap < limit) if basis == "absolute" else (relative_gap is None or relative_gap < limit)
    )
    return CloseCall(
        leader,
        runner_up,
        leader_total,
        runner_up_total,
        gap,
        relative_gap,
        limit,
        basis,
        flagged,
    )


# --------------------------------------------------------------------------- tipping points


@attrs.frozen
class WeightShift:
    """A change of one criterion's weight at which another offer catches up the winner.

    Attributes:
        new_weight: the criterion's weight at the crossing. The rival equals the winner
            there and strictly exceeds it for any weight beyond (further from the
            published weight), up to the next crossing of another pair.
        delta: ``new_weight - published weight`` (positive upward, negative downward).
        overtaken_by: the offer that overtakes (the first in offer order if several cross
            at the same weight).
        weights: the full weight vector at the crossing, after rescaling the others.

    """

    new_weight: float
    delta: float
    overtaken_by: int
    weights: tuple[float, ...]


@attrs.frozen
class CriterionTippingPoints:
    """Nearest tipping points of one criterion, upward and downward.

    Attributes:
        criterion: position of the criterion.
        weight: its published weight.
        up: the nearest crossing above the published weight, None when no weight up to 1
            lets another offer exceed the winner by more than the tolerance.
        down: the nearest crossing below, None when no weight down to 0 does.

    """

    criterion: int
    weight: float
    up: WeightShift | None
    down: WeightShift | None


@attrs.frozen
class TippingPoints:
    """Smallest single-weight changes that let another offer overtake the winner.

    Attributes:
        winner: the offer with the highest total under the published weights (on a tie,
            one of ``tied``).
        tied: every offer ranked first under the published weights, by the ranking's tie
            rule (:func:`~ai_procurement.decision.ranking.competition_ranks` with
            ``tolerance``); the crossings concern the other offers only. More than one
            means there is no single winner to take first place from.
        weights: the published weights.
        rescaling: how the other weights follow a change of one weight, always
            ``"proportional"``: ``w_j' = w_j * (1 - w_k') / (1 - w_k)``; when all the other
            weights are 0 (``w_k = 1``) they share ``1 - w_k'`` equally.
        tolerance: absolute tie tolerance, in fractions of the points scale: a rival must
            be able to lead by more than this for a crossing to count.
        criteria: one entry per criterion, in criterion order.

    """

    winner: int
    tied: tuple[int, ...]
    weights: tuple[float, ...]
    rescaling: Literal["proportional"]
    tolerance: float
    criteria: tuple[CriterionTippingPoints, ...]

    def smallest(self) -> tuple[int, WeightShift] | None:
        """Return the single-weight change of smallest size, with its criterion.

        Returns:
            ``(criterion, shift)`` minimising ``abs(shift.delta)`` (the first criterion,
            then upward before downward, on an exact tie), or None when no single weight
            change can make another offer win.

        """
        best: tuple[int, WeightShift] | None = None
        for point in self.criteria:
            for shift in (point.up, point.down):
                if shift is not None and (best is None or abs(shift.delta) < abs(best[1].delta)):
                    best = (point.criterion, shift)
        return best


def _rescaled(weights: FloatArray, k: int, new_weight: float) -> FloatArray:
    others = np.delete(weights, k)
    rest = float(others.sum())
    if rest > 0.0:
        others = others * ((1.0 - new_weight) / rest)
    else:
        others = np.full(others.shape, (1.0 - new_weight) / others.shape[0])
    return np.insert(others, k, new_weight)


def tipping_points(
    scores: npt.ArrayLike, weights: npt.ArrayLike, *, tolerance: float
) -> TippingPoints:
    """For each criterion, the nearest weights at which another offer overtakes the winner.

    Changing criterion k's weight to ``x`` while the others keep their proportions
    (``w_j' = w_j (1 - x) / (1 - w_k)``) makes every total linear in ``x``::

        T_i(x) = x s_ik + (1 - x) R_ik,   R_ik = sum_{j != k} w_j s_ij / sum_{j != k} w_j
               = T_i + (x - w_k) (s_ik - R_ik)

    so rival r catches up winner w where ``T_r(x) = T_w(x)``, at
    ``x = w_k + (T_w - T_r) / ((s_rk - R_rk) - (s_wk - R_wk))``, upward when the slope
    difference is positive and downward when it is negative. A crossing counts only if,
    somewhere beyond it in ``[0, 1]``, the rival exceeds the winner by more than
    ``tolerance`` (so :func:`competition_ranks` with the same tolerance would rank it
    strictly above): a crossing exactly at 1 (upward) or 0 (downward), or one that rounding
    puts a hair inside, does not count. The reported weight is the exact crossing, where
    both totals are equal. When all other weights are 0
    (``w_k = 1``) the proportional rule is undefined; the others then share ``1 - x``
    equally, so ``R_ik`` is the plain mean of offer i's other notes. With a single
    criterion or a single offer every direction is None.

    Args:
        scores: notes ``(n_offers, n_criteria)`` as fractions in ``[0, 1]``.
        weights: published weights ``(n_criteria,)`` summing to 1.
        tolerance: absolute tie tolerance in fractions of the points scale (convention:
            :data:`RELATIVE_TIE_TOLERANCE`).

    Returns:
        The winner and, per criterion, the nearest crossing in each direction.

    Raises:
        ScoringError: scores are not a 2-D array of fractions in ``[0, 1]``, or the
            tolerance is negative.
        StrategyError: weights do not match the criteria, are negative or do not sum to 1.

    """
    s = _scores_array(scores)
    w = _weights_array(weights, s.shape[1])
    tol = check_tolerance(tolerance)
    n, c = s.shape
    t = s @ w
    # The same tie rule as the ranking: offers tied for first place are all winners, and
    # none of them "overtakes" another by a change of weight.
    tied = np.flatnonzero(competition_ranks(t, tol) == 1)
    winner = int(tied[np.argmax(t[tied])])
    gaps = np.maximum(t[winner] - t, 0.0)  # >= 0 for every rival
    rivals = ~np.isin(np.arange(n), tied)
    points = []
    for k in range(c):
        up: WeightShift | None = None
        down: WeightShift | None = None
        if c > 1 and n > 1:
            other_w = np.delete(w, k)
            other_s = np.delete(s, k, axis=1)
            rest = float(other_w.sum())
            r = other_s @ other_w / rest if rest > 0.0 else other_s.mean(axis=1)
            slope = s[:, k] - r
            relative_slope = slope - slope[winner]
            with np.errstate(divide="ignore", invalid="ignore"):
                crossing = w[k] + gaps / relative_slope
            # The rival's lead over the winner is largest at the end of the range.
            lead_at_one = (1.0 - w[k]) * relative_slope - gaps
            lead_at_zero = -w[k] * relative_slope - gaps
            ups = rivals & (relative_slope > 0.0) & (lead_at_one > tol)
            downs = rivals & (relative_slope < 0.0) & (lead_at_zero > tol)
            if ups.any():
                x = float(np.min(crossing[ups]))
                rival = int(np.flatnonzero(ups & (crossing == x))[0])
                up = _shift(w, k, x, rival)
            if downs.any():
                x = float(np.max(crossing[downs]))
                rival = int(np.flatnonzero(downs & (crossing == x))[0])
                down = _shift(w, k, x, rival)
        points.append(CriterionTippingPoints(k, float(w[k]), up, down))
    return TippingPoints(
        winner=winner,
        tied=tuple(int(i) for i in tied),
        weights=tuple(float(v) for v in w),
        rescaling="proportional",
        tolerance=tol,
        criteria=tuple(points),
    )


def _shift(weights: FloatArray, k: int, new_weight: float, rival: int) -> WeightShift:
    # A tied rival crosses at exactly the published weight; clip rounding into [0, 1].
    x = min(max(new_weight, 0.0), 1.0)
    return WeightShift(
        new_weight=x,
        delta=x - float(weights[k]),
        overtaken_by=rival,
        weights=tuple(float(v) for v in _rescaled(weights, k, x)),
    )


# --------------------------------------------------------------------------- SMAA


@attrs.frozen(eq=False)
class SMAAResult:
    """Rank acceptability indices, central weights and confidence factors (SMAA-2).

    Compared by identity (it holds an array); compare ``acceptability`` with numpy.

    Attributes:
        acceptability: ``b[i, r]``, the share of weight samples in which offer i has rank
            ``r + 1``, shape ``(n_offers, n_offers)``, read-only. Each row sums to 1. With
            ties (competition ranking) a tied offer takes the better rank, so a column can
            then sum to more or less than 1.
        central_weights: per offer, the mean of the sampled weight vectors in which it
            ranks first (tied first included); None for an offer never first.
        confidence_factors: per offer, SMAA-2's confidence factor: the probability that
            the offer ranks first when the weights are its central weights. Notes are
            exact here (no uncertainty on scores), so it is 1.0 if the offer ranks first
            (tied first included) with its central weights and 0.0 otherwise; None for an
            offer never first.
        weights: the published weights (the centre of the band, unused without a band).
        samples: number of weight vectors drawn.
        seed: seed of ``numpy.random.Generator(PCG64(seed))``.
        band: relative half-width of the band around the published weights, or None for
            weights uniform on the whole simplex.
        sampler: :data:`SAMPLER_SIMPLEX` or :data:`SAMPLER_BAND`.
        tolerance: absolute tie tolerance used for each sample's ranking, in fractions of
            the points scale.

    """

    acceptability: FloatArray = attrs.field(converter=_read_only)
    central_weights: tuple[tuple[float, ...] | None, ...]
    confidence_factors: tuple[float | None, ...]
    weights: tuple[float, ...]
    samples: int
    seed: int
    band: float | None
    sampler: str
    tolerance: float

    def standard_errors(self) -> FloatArray:
        """Monte Carlo standard error of each acceptability index.

        Returns:
            ``sqrt(b (1 - b) / samples)``, same shape as :attr:`acceptability` (each index
            is the mean of ``samples`` independent yes/no draws).

        """
        b = self.acceptability
        result: FloatArray = np.sqrt(b * (1.0 - b) / self.samples)
        return result


class _WeightStream:
    """Weight vectors drawn in fixed blocks and handed out in any chunk size.

    Random numbers are consumed in blocks of :data:`_PROPOSAL_BLOCK` rows whatever the
    caller asks for, and accepted rows left over are kept for the next call, so the
    sequence of weight vectors depends on the seed only.
    """

    def __init__(self, rng: np.random.Generator, weights: FloatArray, band: float | None):
        self._rng = rng
        self._c = weights.shape[0]
        self._band = band
        self._buffer: list[FloatArray] = []
        self._buffered = 0
        if band is not None:
            # The largest weight is derived from the others: its interval is the widest,
            # which keeps the acceptance rate high.
            self._last = int(np.argmax(weights))
            self._free = np.delete(np.arange(self._c), self._last)
            self._low = weights * (1.0 - band)
            self._high = weights * (1.0 + band)

    def _block(self) -> FloatArray:
        c = self._c
        if c == 1:
            return np.ones((_PROPOSAL_BLOCK, 1))
        if self._band is None:
            # Sorted uniforms cut [0, 1] into c pieces whose lengths are uniform on the
            # simplex (Tervonen and Lahdelma 2007); no division, so no degenerate row.
            cuts = np.sort(self._rng.random((_PROPOSAL_BLOCK, c - 1)), axis=1)
            edges = np.concatenate(
                [np.zeros((_PROPOSAL_BLOCK, 1)), cuts, np.ones((_PROPOSAL_BLOCK, 1))], axis=1
            )
            block: FloatArray = np.diff(edges, axis=1)
            return block
        low, high = self._low[self._free], self._high[self._free]
        free = low + (high - low) * self._rng.random((_PROPOSAL_BLOCK, c - 1))
        last = 1.0 - free.sum(axis=1)
        keep = (last >= self._low[self._last]) & (last <= self._high[self._last])
        accepted = np.empty((int(keep.sum()), c))
        accepted[:, self._free] = free[keep]
        accepted[:, self._last] = last[keep]
        return accepted

    def take(self, count: int) -> FloatArray:
        while self._buffered < count:
            block = self._block()
            self._buffer.append(block)
            self._buffered += block.shape[0]
        joined = np.concatenate(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
        self._buffer = [joined[count:]]
        self._buffered = joined.shape[0] - count
        result: FloatArray = joined[:count]
        return result


def smaa(
    scores: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    samples: int,
    seed: int,
    band: float | None,
    tolerance: float,
    chunk_size: int = 20_000,
) -> SMAAResult:
    """SMAA-2 rank acceptability analysis under uncertain weights, with exact notes.

    Weight vectors are drawn with ``numpy.random.Generator(PCG64(seed))``:

    * ``band=None`` (sampler :data:`SAMPLER_SIMPLEX`): uniformly on the whole simplex
      (Dirichlet(1, ..., 1)), by sorting ``n_criteria - 1`` uniforms in ``[0, 1)`` and
      taking the gaps between 0, the sorted values and 1. This models "no information on
      the weights": the published weights play no part.
    * ``band=b`` (sampler :data:`SAMPLER_BAND`): uniformly on the part of the simplex where
      every weight stays within ``[w_j (1 - b), w_j (1 + b)]``. All weights but the largest
      are drawn uniformly in their intervals, the largest is ``1 - sum(others)``, and the
      draw is rejected if that falls outside its own interval. The accepted vectors are
      uniform on that region (the map from the free weights to the simplex is affine), and
      the band holds exactly. Drawing each weight in its interval and then dividing by the
      sum would be cheaper but would let weights leave the band and would not be uniform,
      so it is not used. A zero weight stays zero.

    For each sample, totals are ``W @ scores.T`` and offers get competition ranks with
    ``tolerance`` (see :func:`competition_ranks`): tied offers share the better rank.

    Args:
        scores: notes ``(n_offers, n_criteria)`` as fractions in ``[0, 1]``.
        weights: published weights ``(n_criteria,)`` summing to 1.
        samples: number of weight vectors to draw, >= 1. The standard error of an index b
            is ``sqrt(b (1 - b) / samples)``, at most ``0.5 / sqrt(samples)``.
        seed: seed >= 0; the same inputs and seed give identical results.
        band: relative half-width in ``(0, 1]`` (``0.2`` for +/- 20 %), or None.
        tolerance: absolute tie tolerance in fractions of the points scale (convention:
            :data:`RELATIVE_TIE_TOLERANCE`).
        chunk_size: samples ranked at a time, bounding memory to about
            ``chunk_size * n_offers * 100`` bytes. It does not change the result.

    Returns:
        Acceptability indices, central weights, confidence factors and the parameters.

    Raises:
        ScoringError: scores are invalid, or samples, seed, tolerance or chunk size are
            out of range.
        StrategyError: weights are invalid or the band is out of ``(0, 1]``.

    """
    s = _scores_array(scores)
    w = _weights_array(weights, s.shape[1])
    tol = check_tolerance(tolerance)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise ScoringError(f"samples: expected an integer >= 1, got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ScoringError(f"seed: expected an integer >= 0, got {seed!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ScoringError(f"chunk_size: expected an integer >= 1, got {chunk_size!r}")
    if band is not None:
        band = float(band)
        if not (0.0 < band <= 1.0):
            raise StrategyError(
                f"band: expected a relative half-width in (0, 1] (0.2 for +/- 20 %) or None "
                f"for the whole simplex, got {band!r}"
            )
    n, c = s.shape
    stream = _WeightStream(np.random.Generator(np.random.PCG64(int(seed))), w, band)
    rank_counts = np.zeros(n * n, dtype=np.int64)
    first_counts = np.zeros(n, dtype=np.int64)
    first_weight_sums = np.zeros((n, c))
    offset = np.arange(n, dtype=np.int64) * n
    done = 0
    while done < samples:
        size = min(chunk_size, samples - done)
        sampled = stream.take(size)
        ranks = ranks_by_row(sampled @ s.T, tol)
        rank_counts += np.bincount((offset + ranks - 1).ravel(), minlength=n * n)
        first = ranks == 1
        first_counts += first.sum(axis=0)
        first_weight_sums += first.T.astype(np.float64) @ sampled
        done += size
    central: list[tuple[float, ...] | None] = []
    confidence: list[float | None] = []
    for i in range(n):
        if first_counts[i] == 0:
            central.append(None)
            confidence.append(None)
            continue
        centre = first_weight_sums[i] / first_counts[i]
        central.append(tuple(float(v) for v in centre))
        wins = ranks_by_row((s @ centre)[np.newaxis, :], tol)[0, i] == 1
        confidence.append(1.0 if wins else 0.0)
    return SMAAResult(
        acceptability=rank_counts.reshape(n, n) / samples,
        central_weights=tuple(central),
        confidence_factors=tuple(confidence),
        weights=tuple(float(v) for v in w),
        samples=int(samples),
        seed=int(seed),
        band=band,
        sampler=SAMPLER_SIMPLEX if band is None else SAMPLER_BAND,
        tolerance=tol,
    )


# --------------------------------------------------------------------------- leave one out


@attrs.frozen
class OrderChange:
    """Two offers whose relative order changes when a third one is removed.

    Attributes:
        removed: the offer taken out.
        a: the offer ranked higher of the two with all offers (the first in offer order
            if they were tied).
        b: the other offer.
        before: where ``a`` stands relative to ``b`` with all offers (``"above"`` or
            ``"tied"``).
        after: where ``a`` stands relative to ``b`` without ``removed``; differs from
            ``before``.

    """

    removed: int
    a: int
    b: int
    before: Relation
    after: Relation

    @property
    def swapped(self) -> bool:
        """True when ``a`` was strictly above ``b`` and is now strictly below it."""
        return self.before == "above" and self.after == "below"


@attrs.frozen
class LeaveOneOut:
    """Rankings recomputed with each offer removed in turn, price notes included.

    Attributes:
        totals: technical points plus price points with all offers.
        ranks: competition ranks with all offers.
        totals_without: for each removed offer m, the totals of the others recomputed
            without m (price points depend on the other prices); None at position m.
        ranks_without: the matching competition ranks; None at position m.
        changes: every pair whose relative order changes, in order of removed offer,
            then ``a``, then ``b``.
        tolerance: absolute tie tolerance, in points.

    """

    totals: tuple[float, ...]
    ranks: tuple[int, ...]
    totals_without: tuple[tuple[float | None, ...], ...]
    ranks_without: tuple[tuple[int | None, ...], ...]
    changes: tuple[OrderChange, ...]
    tolerance: float


def _price_points(
    price_fn: Callable[[FloatArray], npt.ArrayLike], prices: FloatArray, where: str
) -> FloatArray:
    raw = price_fn(prices.copy())
    try:
        points = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PriceError(
            f"price_fn ({where}): expected a numeric vector of price points, could not read "
            f"its result: {exc}"
        ) from None
    if points.shape != prices.shape:
        raise PriceError(
            f"price_fn ({where}): returned shape {points.shape} for {prices.shape[0]} "
            f"price(s); expected one price note per offer, shape {prices.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(points))
    if bad.size:
        raise PriceError(
            f"price_fn ({where}): returned {points[bad[0]]!r} for the price "
            f"{prices[bad[0]]!r}; expected finite price points"
        )
    return points


def order_changes_when_removed(
    tech_points: npt.ArrayLike,
    prices: npt.ArrayLike,
    price_fn: Callable[[FloatArray], npt.ArrayLike],
    *,
    tolerance: float,
) -> LeaveOneOut:
    """Which pairs of offers change order when one offer is removed.

    Price notes of most methods depend on the other offers (the linear method uses the
    lowest and highest price), so an offer that leaves, or is excluded late, can reverse
    two others. Each offer is removed in turn, ``price_fn`` recomputes the price points of
    the rest, and every pair's relation (above, tied, below, by competition rank with
    ``tolerance``) is compared with the one with all offers.

    Args:
        tech_points: technical points per offer ``(n_offers,)``, unaffected by removal.
        prices: prices per offer ``(n_offers,)``.
        price_fn: price points for a vector of prices, one per price, in the same points
            as ``tech_points``; called once with all prices, then once per removed offer.
            Its own errors propagate unchanged.
        tolerance: absolute tie tolerance in points (convention:
            :data:`RELATIVE_TIE_TOLERANCE` x the points scale).

    Returns:
        Totals and ranks with all offers and without each one, and the order changes.

    Raises:
        ScoringError: technical points are not a finite vector or the tolerance is
            negative.
        PriceError: prices are not a finite vector of the same length, or ``price_fn``
            returns something other than one finite number per price.

    """
    tech = vector(tech_points, "tech_points", ScoringError)
    price = vector(prices, "prices", PriceError)
    if price.shape != tech.shape:
        raise PriceError(
            f"prices: expected one price per offer, {tech.shape[0]} value(s) like "
            f"tech_points, got {price.shape[0]}"
        )
    tol = check_tolerance(tolerance)
    n = tech.shape[0]
    full = tech + _price_points(price_fn, price, "all offers")
    full_ranks = competition_ranks(full, tol)
    totals_without: list[tuple[float | None, ...]] = []
    ranks_without: list[tuple[int | None, ...]] = []
    changes: list[OrderChange] = []
    # Every pair (x < y) once, oriented so that ``a`` is the better ranked with all
    # offers (the first in offer order on a tie); relations compared as arrays, so the
    # cost per removed offer is a few vector operations, not a Python loop over pairs.
    xs, ys = np.triu_indices(n, 1)
    swap = full_ranks[ys] < full_ranks[xs]
    a_all, b_all = np.where(swap, ys, xs), np.where(swap, xs, ys)
    before = np.sign(full_ranks[b_all] - full_ranks[a_all])  # 1 above, 0 tied, -1 below
    names: dict[int, Relation] = {1: "above", 0: "tied", -1: "below"}
    for m in range(n):
        kept = np.flatnonzero(np.arange(n) != m)
        reduced: FloatArray = np.empty(0)
        reduced_ranks: IntArray = np.empty(0, dtype=np.int64)
        if kept.size:
            reduced = tech[kept] + _price_points(price_fn, price[kept], f"without offer {m}")
            reduced_ranks = competition_ranks(reduced, tol)
        ranks_m = np.zeros(n, dtype=np.int64)
        ranks_m[kept] = reduced_ranks
        totals_m: list[float | None] = [None] * n
        for i, total in zip(kept.tolist(), reduced.tolist(), strict=True):
            totals_m[i] = total
        totals_without.append(tuple(totals_m))
        ranks_without.append(tuple(int(ranks_m[i]) if i != m else None for i in range(n)))
        after = np.sign(ranks_m[b_all] - ranks_m[a_all])
        differ = (after != before) & (a_all != m) & (b_all != m)
        for k in np.flatnonzero(differ).tolist():
            changes.append(OrderChange(m, int(a_all[k]), int(b_all[k]),
                                       names[int(before[k])], names[int(after[k])]))
    changes.sort(key=lambda change: (change.removed, change.a, change.b))
    return LeaveOneOut(
        totals=tuple(float(v) for v in full),
        ranks=tuple(int(v) for v in full_ranks),
        totals_without=tuple(totals_without),
        ranks_without=tuple(ranks_without),
        changes=tuple(changes),
        tolerance=tol,
    )
