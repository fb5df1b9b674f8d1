"""Tests of the robustness arithmetic: ranks, close calls, tipping weights, SMAA, leave-one-out.

Monte Carlo results are compared with values derived by hand, within 3 standard errors
(the seed is fixed, so each comparison is deterministic).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given, settings, strategies as st

from ai_procurement.decision.ranking import competition_ranks, ranks_by_row
from ai_procurement.decision.robustness_math import (
    RELATIVE_TIE_TOLERANCE,
    SAMPLER_BAND,
    SAMPLER_SIMPLEX,
    OrderChange,
    SMAAResult,
    _WeightStream,
    close_call,
    order_changes_when_removed,
    smaa,
    tipping_points,
    totals,
)
from ai_procurement.errors import PriceError, ScoringError, StrategyError

TOL = RELATIVE_TIE_TOLERANCE  # totals below are fractions of the points scale
MC_SAMPLES = 200_000

# Three offers, three criteria, weights (0.5, 0.3, 0.2); used for totals and tipping points.
#   A: 0.5*0.9 + 0.3*0.5 + 0.2*0.4 = 0.45 + 0.15 + 0.08 = 0.68
#   B: 0.5*0.6 + 0.3*0.9 + 0.2*0.5 = 0.30 + 0.27 + 0.10 = 0.67
#   C: 0.5*0.5 + 0.3*0.6 + 0.2*1.0 = 0.25 + 0.18 + 0.20 = 0.63
THREE = np.array([[0.9, 0.5, 0.4], [0.6, 0.9, 0.5], [0.5, 0.6, 1.0]])
THREE_W = np.array([0.5, 0.3, 0.2])


def within_3_se(estimate: float, expected: float, se: float) -> bool:
    return abs(estimate - expected) <= 3.0 * se + 1e-15


def rescaled(weights: npt.NDArray[np.float64], k: int, x: float) -> npt.NDArray[np.float64]:
    """The rescaling rule, written independently of the module."""
    out = np.array(weights, dtype=float)
    rest = out.sum() - out[k]
    c = out.shape[0]
    for j in range(c):
        if j != k:
            out[j] = out[j] * (1 - x) / rest if rest > 0 else (1 - x) / (c - 1)
    out[k] = x
    return out


# --------------------------------------------------------------------------- totals, ranks


def test_totals_are_weighted_sums_of_fractions() -> None:
    assert totals(THREE, THREE_W) == pytest.approx([0.68, 0.67, 0.63])


def test_competition_ranks_give_tied_offers_the_better_rank() -> None:
    assert competition_ranks([0.7, 0.9, 0.8, 0.8], TOL).tolist() == [4, 1, 2, 2]


def test_totals_within_tolerance_are_tied_and_ties_chain() -> None:
    # 0.1 + 0.2 != 0.3 in floating point: rounding noise must not split a tie.
    assert competition_ranks([0.1 + 0.2, 0.3, 0.2], TOL).tolist() == [1, 1, 3]
    # Each total is within 0.6e-9 of the next: one group, although the outer two differ
    # by 1.2e-9 > tolerance (documented chaining).
    assert competition_ranks([1.0, 1.0 - 0.6e-9, 1.0 - 1.2e-9], TOL).tolist() == [1, 1, 1]
    # With a zero tolerance only exact equality ties.
    assert competition_ranks([1.0, 1.0 - 0.6e-9], 0.0).tolist() == [1, 2]


def test_many_draws_ranked_at_once_rank_as_each_draw_alone() -> None:
    # 3,000 draws of 40 offers are ranked in blocks of rows; rounded totals make ties,
    # some chained, in many draws. Each row must read as that draw ranked alone.
    table = np.round(np.random.default_rng(5).random((3000, 40)), 2)
    table[:, 7] = table[:, 3]  # two offers tied in every draw
    for tolerance in (0.0, TOL, 0.011):
        ranks = ranks_by_row(table, tolerance)
        assert ranks.shape == table.shape
        assert all(ranks[i].tolist() == competition_ranks(table[i], tolerance).tolist()
                   for i in range(0, 3000, 7))
        assert (ranks[:, 7] == ranks[:, 3]).all()


@given(
    values=st.lists(st.integers(0, 6), min_size=1, max_size=8),
    seed=st.integers(0, 2**16),
)
def test_permuting_totals_permutes_ranks(values: list[int], seed: int) -> None:
    t = np.array(values) / 6
    perm = np.random.default_rng(seed).permutation(len(values))
    assert competition_ranks(t[perm], TOL).tolist() == competition_ranks(t, TOL)[perm].tolist()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: totals([[0.5, 0.5]], [0.6, 0.6]), StrategyError, "summing to 1"),
        (lambda: totals([[0.5, 0.5]], [1.0]), StrategyError, r"shape \(2,\)"),
        (lambda: totals([[0.5, 0.5]], [1.5, -0.5]), StrategyError, r"weights\[1\]"),
        (lambda: totals([[0.5, 12.0]], [0.5, 0.5]), ScoringError, r"scores\[0, 1\].*\[0, 1\]"),
        (lambda: totals([0.5, 0.5], [0.5, 0.5]), ScoringError, "2-D"),
        (lambda: totals([[0.5, float("nan")]], [0.5, 0.5]), ScoringError, r"scores\[0, 1\]"),
        (lambda: competition_ranks([0.5], -1.0), ScoringError, "tolerance"),
    ],
)
def test_invalid_inputs_are_refused_with_where_and_what(
    call: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]


# --------------------------------------------------------------------------- close call


def test_close_call_reports_both_gaps_and_flags_below_threshold() -> None:
    # Leader A 0.68, runner-up B 0.67: gap 0.01, relative 0.01 / 0.68 = 0.0147.
    result = close_call([0.68, 0.67, 0.63], threshold=0.02, basis="relative")
    assert (result.leader, result.runner_up) == (0, 1)
    assert result.gap == pytest.approx(0.01)
    assert result.relative_gap == pytest.approx(0.01 / 0.68)
    assert result.flagged  # 1.47 % < 2 %
    assert not close_call([0.68, 0.67, 0.63], threshold=0.01, basis="relative").flagged
    # On a 100-point scale: 68 vs 67 is a 1-point gap, not below 1 point, below 1.5 points.
    assert not close_call([68.0, 67.0], threshold=1.0, basis="absolute").flagged
    assert close_call([68.0, 67.0], threshold=1.5, basis="absolute").flagged


def test_close_call_flags_exact_ties_and_handles_one_offer() -> None:
    tie = close_call([0.5, 0.7, 0.7], threshold=1e-6, basis="absolute")
    assert (tie.leader, tie.runner_up, tie.gap, tie.flagged) == (1, 2, 0.0, True)
    alone = close_call([0.7], threshold=0.02, basis="relative")
    assert (alone.runner_up, alone.gap, alone.flagged) == (None, None, False)
    nothing = close_call([0.0, 0.0], threshold=0.02, basis="relative")
    assert nothing.relative_gap is None
    assert nothing.flagged


def test_close_call_refuses_a_non_positive_threshold() -> None:
    with pytest.raises(ScoringError, match="threshold"):
        close_call([0.5, 0.4], threshold=0.0, basis="absolute")


# --------------------------------------------------------------------------- tipping points


def test_tipping_points_match_the_hand_derivation() -> None:
    # Winner A (0.68). T_i(x) = x s_ik + (1 - x) R_ik, R_ik = weighted mean of the others.
    #
    # k = 0 (w = 0.5), others (0.3, 0.2) sum 0.5:
    #   R_A = (0.15 + 0.08) / 0.5 = 0.46 -> T_A = 0.46 + 0.44 x
    #   R_B = (0.27 + 0.10) / 0.5 = 0.74 -> T_B = 0.74 - 0.14 x
    #   R_C = (0.18 + 0.20) / 0.5 = 0.76 -> T_C = 0.76 - 0.26 x
    #   Up: A has the steepest slope, nobody catches up -> None.
    #   Down: B = A at 0.58 x = 0.28, x = 14/29; C = A at 0.70 x = 0.30, x = 3/7 < 14/29.
    #   Nearest: B at 14/29, delta = 14/29 - 1/2 = -1/58. Others scaled by (15/29)/0.5:
    #   weights (14/29, 9/29, 6/29); check T_A = (12.6 + 4.5 + 2.4)/29 = 19.5/29 = T_B.
    # k = 1 (w = 0.3), others (0.5, 0.2) sum 0.7; times 70:
    #   70 T_A = 53 - 18 x, 70 T_B = 40 + 23 x, 70 T_C = 45 - 3 x.
    #   Up: B at 13 = 41 x, x = 13/41; C at 8 = 15 x, x = 8/15. Nearest: B, delta 7/410.
    #   Down: no rival has a slope below A's -> None.
    # k = 2 (w = 0.2), others (0.5, 0.3) sum 0.8:
    #   T_A = 0.75 - 0.35 x, T_B = 0.7125 - 0.2125 x, T_C = 0.5375 + 0.4625 x.
    #   Up: B at 0.0375 = 0.1375 x, x = 3/11; C at 0.2125 = 0.8125 x, x = 17/65 < 3/11.
    #   Nearest: C at 17/65, delta = 17/65 - 13/65 = 4/65. Down: None.
    result = tipping_points(THREE, THREE_W, tolerance=TOL)
    assert result.winner == 0
    k0, k1, k2 = result.criteria
    assert k0.up is None
    assert k0.down is not None
    assert k0.down.new_weight == pytest.approx(14 / 29)
    assert k0.down.delta == pytest.approx(-1 / 58)
    assert k0.down.overtaken_by == 1
    assert k0.down.weights == pytest.approx((14 / 29, 9 / 29, 6 / 29))
    assert k1.up is not None
    assert k1.up.new_weight == pytest.approx(13 / 41)
    assert k1.up.delta == pytest.approx(7 / 410)
    assert k1.up.overtaken_by == 1
    assert k1.down is None
    assert k2.up is not None
    assert k2.up.new_weight == pytest.approx(17 / 65)
    assert k2.up.delta == pytest.approx(4 / 65)
    assert k2.up.overtaken_by == 2
    assert k2.down is None
    # |7/410| = 0.01707 < |-1/58| = 0.01724: moving criterion 1 up is the smallest change.
    smallest = result.smallest()
    assert smallest is not None
    assert smallest[0] == 1
    assert smallest[1] == k1.up
    assert (result.rescaling, result.tolerance) == ("proportional", TOL)


def test_a_dominant_winner_has_no_tipping_point() -> None:
    # A is best on every criterion: no weight in [0, 1] lets B or C overtake it.
    scores = [[1.0, 0.9, 0.8], [0.5, 0.9, 0.2], [0.0, 0.1, 0.8]]
    result = tipping_points(scores, [0.2, 0.3, 0.5], tolerance=TOL)
    assert all(p.up is None and p.down is None for p in result.criteria)
    assert result.smallest() is None


def test_a_rival_that_only_ties_at_the_bound_does_not_tip() -> None:
    # W = (1, 0.5), R = (1, 0), weights (0.5, 0.5). Raising w_0 to x: T_W = x + 0.5(1 - x),
    # T_R = x: equal only at x = 1, never strictly above -> None upward.
    result = tipping_points([[1.0, 0.5], [1.0, 0.0]], [0.5, 0.5], tolerance=TOL)
    assert result.criteria[0].up is None


def test_a_criterion_holding_all_the_weight_shares_the_rest_equally() -> None:
    # Weights (1, 0, 0): A = (0.8, 0, 0) wins 0.8 against B = (0.6, 1.0, 0.2) 0.6.
    # k = 0: others share 1 - x equally: T_A = 0.8 x, T_B = 0.6 x + (1 - x)(1.0 + 0.2)/2
    #   = 0.6. Crossing 0.8 x = 0.6 -> x = 0.75, weights (0.75, 0.125, 0.125).
    # k = 1 (w = 0, others (1, 0)): T_A = 0.8 - 0.8 x, T_B = 0.6 + 0.4 x -> x = 1/6.
    result = tipping_points([[0.8, 0.0, 0.0], [0.6, 1.0, 0.2]], [1.0, 0.0, 0.0], tolerance=TOL)
    k0, k1, _ = result.criteria
    assert k0.up is None
    assert k0.down is not None
    assert k0.down.new_weight == pytest.approx(0.75)
    assert k0.down.weights == pytest.approx((0.75, 0.125, 0.125))
    assert k1.down is None
    assert k1.up is not None
    assert k1.up.delta == pytest.approx(1 / 6)


def test_a_tie_at_the_top_is_reported_as_a_tie_not_a_zero_change() -> None:
    # A = (1, 0) and B = (0, 1) tie at weights (0.5, 0.5): both are first, whatever the
    # float noise; neither "overtakes" the other at a zero change of weight.
    result = tipping_points([[1.0, 0.0], [0.0, 1.0]], [0.5, 0.5], tolerance=TOL)
    assert result.tied == (0, 1)
    assert result.winner in (0, 1)
    assert result.smallest() is None
    # Noise below the tolerance does not make a winner either.
    noisy = tipping_points([[0.1 + 0.2, 0.0], [0.3, 0.0], [0.0, 0.2]], [0.5, 0.5],
                           tolerance=TOL)
    assert noisy.tied == (0, 1)
    smallest = noisy.smallest()
    assert smallest is not None
    assert smallest[1].overtaken_by == 2


def test_one_criterion_or_one_offer_cannot_tip() -> None:
    single_criterion = tipping_points([[0.4], [0.9]], [1.0], tolerance=TOL)
    assert single_criterion.winner == 1
    assert single_criterion.smallest() is None
    assert tipping_points([[0.4, 0.2]], [0.5, 0.5], tolerance=TOL).smallest() is None


@st.composite
def grid_problems(draw: st.DrawFn) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Scores on a 0.1 grid and weights from small integers (some may be 0)."""
    n = draw(st.integers(2, 5))
    c = draw(st.integers(2, 4))
    cells = draw(st.lists(st.integers(0, 10), min_size=n * c, max_size=n * c))
    raw = draw(st.lists(st.integers(0, 5), min_size=c, max_size=c).filter(any))
    weights = np.array([float(Fraction(v, sum(raw))) for v in raw])
    weights[-1] = 1.0 - weights[:-1].sum()
    return np.array(cells, dtype=float).reshape(n, c) / 10, weights


@settings(max_examples=60, deadline=None)
@given(problem=grid_problems())
def test_tipping_points_agree_with_recomputed_totals(
    problem: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> None:
    scores, weights = problem
    result = tipping_points(scores, weights, tolerance=TOL)
    assume(len(result.tied) == 1)  # a tie has no winner to overtake (tested apart)
    win = result.winner
    for point in result.criteria:
        k, w_k = point.criterion, point.weight
        for shift, bound in ((point.up, 1.0), (point.down, 0.0)):
            if shift is None:
                # Nobody can lead by more than the tolerance anywhere in that direction.
                for x in np.linspace(w_k, bound, 6):
                    t = scores @ rescaled(weights, k, float(x))
                    assert t.max() - t[win] <= TOL + 1e-12
                continue
            x_star = shift.new_weight
            assert shift.weights == pytest.approx(tuple(rescaled(weights, k, x_star)))
            # Between the published weight and the crossing the winner still leads.
            t = scores @ rescaled(weights, k, (w_k + x_star) / 2)
            assert t[win] >= t.max() - 1e-12
            # At the crossing the two are level; beyond it the rival is strictly ahead.
            t = scores @ rescaled(weights, k, x_star)
            assert t[shift.overtaken_by] == pytest.approx(t[win], abs=1e-12)
            t = scores @ rescaled(weights, k, (x_star + bound) / 2)
            assert t[shift.overtaken_by] > t[win]


# --------------------------------------------------------------------------- SMAA


def test_two_mirror_offers_share_first_place_evenly() -> None:
    # A = (1, 0), B = (0, 1): T_A = w_1, T_B = 1 - w_1, w_1 ~ U(0, 1) on the simplex.
    # A first iff w_1 > 1/2: b = 0.5 exactly for both ranks of both offers.
    # A's central weights: w_1 | w_1 > 1/2 ~ U(1/2, 1), mean 3/4, sd (1/2)/sqrt(12).
    result = smaa(
        [[1.0, 0.0], [0.0, 1.0]], [0.5, 0.5], samples=MC_SAMPLES, seed=11, band=None, tolerance=TOL
    )
    se = 0.5 / np.sqrt(MC_SAMPLES)
    for i in range(2):
        for r in range(2):
            assert within_3_se(result.acceptability[i, r], 0.5, se)
    central_a, central_b = result.central_weights
    assert central_a is not None
    assert central_b is not None
    se_mean = (0.5 / np.sqrt(12)) / np.sqrt(MC_SAMPLES / 2)
    assert within_3_se(central_a[0], 0.75, se_mean)
    assert within_3_se(central_b[0], 0.25, se_mean)
    assert result.confidence_factors == (1.0, 1.0)


@pytest.fixture(scope="module")
def three_on_two() -> SMAAResult:
    return smaa(
        [[1.0, 0.0], [0.0, 1.0], [0.7, 0.5]],
        [0.5, 0.5],
        samples=MC_SAMPLES,
        seed=2024,
        band=None,
        tolerance=TOL,
    )


def test_acceptability_is_the_length_of_weight_intervals(three_on_two: SMAAResult) -> None:
    # Weights (w, 1 - w), w ~ U(0, 1). T_A = w, T_B = 1 - w, T_C = 0.7 w + 0.5 (1 - w)
    # = 0.5 + 0.2 w. Crossings: A = B at 1/2; A = C at w = 0.5 + 0.2 w, w = 5/8;
    # B = C at 1 - w = 0.5 + 0.2 w, w = 5/12. Orders on each interval:
    #   [0, 5/12):   B, C, A      (length 10/24)
    #   (5/12, 1/2): C, B, A      (length  2/24)
    #   (1/2, 5/8):  C, A, B      (length  3/24)
    #   (5/8, 1]:    A, C, B      (length  9/24)
    # so, in 24ths:  rank 1  rank 2  rank 3
    #            A:     9       3      12
    #            B:    10       2      12
    #            C:     5      19       0
    expected = np.array([[9, 3, 12], [10, 2, 12], [5, 19, 0]]) / 24
    se = np.sqrt(expected * (1 - expected) / MC_SAMPLES)
    for i in range(3):
        for r in range(3):
            assert within_3_se(three_on_two.acceptability[i, r], expected[i, r], se[i, r])
    # C is never last: an exact zero, not a small number.
    assert three_on_two.acceptability[2, 2] == 0.0
    assert np.array_equal(three_on_two.standard_errors() == 0, expected == 0)


def test_central_weights_are_the_middle_of_the_winning_interval(
    three_on_two: SMAAResult,
) -> None:
    # C wins on (5/12, 5/8): central w_1 = (5/12 + 5/8) / 2 = 25/48; uniform on an
    # interval of length 5/24, so the mean's sd is (5/24)/sqrt(12)/sqrt(n_C).
    central_c = three_on_two.central_weights[2]
    assert central_c is not None
    n_c = three_on_two.acceptability[2, 0] * MC_SAMPLES
    assert within_3_se(central_c[0], 25 / 48, (5 / 24) / np.sqrt(12) / np.sqrt(n_c))
    assert sum(central_c) == pytest.approx(1.0)
    # Each offer wins with its own central weights: confidence 1 (scores are exact).
    assert three_on_two.confidence_factors == (1.0, 1.0, 1.0)


def test_smaa_records_its_parameters(three_on_two: SMAAResult) -> None:
    r = three_on_two
    assert (r.samples, r.seed, r.band, r.sampler, r.tolerance) == (
        MC_SAMPLES,
        2024,
        None,
        SAMPLER_SIMPLEX,
        TOL,
    )
    assert r.weights == (0.5, 0.5)
    with pytest.raises(ValueError, match="read-only"):
        r.acceptability[0, 0] = 1.0


def test_band_on_two_criteria_matches_the_hand_computed_interval() -> None:
    # Weights (0.5, 0.5) +/- 20 %: w_1 uniform on [0.4, 0.6], w_2 = 1 - w_1 is in its band.
    # A = (1, 0.1): T_A = 0.1 + 0.9 w_1;  B = (0.2, 0.8): T_B = 0.8 - 0.6 w_1.
    # A first iff 1.5 w_1 > 0.7, w_1 > 7/15: P = (0.6 - 7/15) / 0.2 = (2/15) / (3/15) = 2/3.
    # Central w_1: A (7/15 + 9/15)/2 = 8/15, B (6/15 + 7/15)/2 = 13/30.
    result = smaa(
        [[1.0, 0.1], [0.2, 0.8]], [0.5, 0.5], samples=MC_SAMPLES, seed=5, band=0.2, tolerance=TOL
    )
    assert result.sampler == SAMPLER_BAND
    assert result.band == 0.2
    se = np.sqrt((2 / 3) * (1 / 3) / MC_SAMPLES)
    assert within_3_se(result.acceptability[0, 0], 2 / 3, se)
    central_a, central_b = result.central_weights
    assert central_a is not None
    assert central_b is not None
    assert within_3_se(central_a[0], 8 / 15, (2 / 15) / np.sqrt(12 * MC_SAMPLES * 2 / 3))
    assert within_3_se(central_b[0], 13 / 30, (1 / 15) / np.sqrt(12 * MC_SAMPLES / 3))


def test_band_on_three_criteria_is_uniform_on_the_clipped_simplex() -> None:
    # Weights (0.4, 0.3, 0.3) +/- 50 %: w_1 in [0.2, 0.6], w_2, w_3 in [0.15, 0.45].
    # In the (w_2, w_3) plane the region is the square [0.15, 0.45]^2 (area 0.09) minus the
    # corners where w_1 = 1 - w_2 - w_3 leaves its band: w_2 + w_3 < 0.4 and > 0.8, two
    # triangles with legs 0.1 (area 0.005 each): area 0.08. Here draws are rejected.
    # A = (0, 1, 0): T_A = w_2; B = (1, 0, 0): T_B = w_1. A first iff 2 w_2 + w_3 > 1.
    # In the square: integral over w_3 in [0.15, 0.45] of (0.45 - (1 - w_3)/2)
    #   = 0.3 * (-0.05) + (0.45^2 - 0.15^2)/4 = -0.015 + 0.045 = 0.03;
    # the upper corner (w_2, w_3 > 0.35) lies wholly in it (2 w_2 + w_3 > 0.35 + 0.8), the
    # lower one not at all: 0.03 - 0.005 = 0.025. P(A first) = 0.025 / 0.08 = 5/16.
    # (Drawing each weight in its interval then dividing by the sum would not give this.)
    result = smaa(
        [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
        [0.4, 0.3, 0.3],
        samples=MC_SAMPLES,
        seed=8,
        band=0.5,
        tolerance=TOL,
    )
    se = np.sqrt((5 / 16) * (11 / 16) / MC_SAMPLES)
    assert within_3_se(result.acceptability[0, 0], 5 / 16, se)


def test_band_draws_stay_in_the_band_and_on_the_simplex() -> None:
    weights = np.array([0.35, 0.25, 0.2, 0.1, 0.1, 0.0])
    stream = _WeightStream(np.random.Generator(np.random.PCG64(3)), weights, 0.3)
    drawn = stream.take(50_000)
    assert drawn.shape == (50_000, 6)
    assert np.allclose(drawn.sum(axis=1), 1.0)
    assert (drawn >= weights * 0.7 - 1e-15).all()
    assert (drawn <= weights * 1.3 + 1e-15).all()
    assert (drawn[:, 5] == 0.0).all()  # a zero weight stays zero


def test_same_seed_same_result_other_seed_other_result() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random((6, 4))
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    for band in (None, 0.25):
        first = smaa(scores, weights, samples=5_000, seed=42, band=band, tolerance=TOL)
        again = smaa(scores, weights, samples=5_000, seed=42, band=band, tolerance=TOL)
        other = smaa(scores, weights, samples=5_000, seed=43, band=band, tolerance=TOL)
        assert np.array_equal(first.acceptability, again.acceptability)
        assert first.central_weights == again.central_weights
        assert not np.array_equal(first.acceptability, other.acceptability)


@pytest.mark.parametrize("band", [None, 0.25])
def test_chunk_size_does_not_change_the_result(band: float | None) -> None:
    rng = np.random.default_rng(1)
    scores = rng.random((5, 3))
    weights = np.array([0.5, 0.3, 0.2])
    runs = [
        smaa(scores, weights, samples=9_000, seed=7, band=band, tolerance=TOL, chunk_size=size)
        for size in (9_000, 1_000, 333)
    ]
    for run in runs[1:]:
        assert np.array_equal(run.acceptability, runs[0].acceptability)
        for got, want in zip(run.central_weights, runs[0].central_weights, strict=True):
            assert got == (None if want is None else pytest.approx(want))


def test_identical_offers_tie_and_share_the_better_rank() -> None:
    # B is a copy of A: in every sample they tie and both take the better rank.
    # T_A = T_B = 0.2 + 0.7 w_1, T_C = 0.8 - 0.7 w_1: A and B first iff w_1 > 3/7, giving
    # ranks (1, 1, 3); otherwise (2, 2, 1). So A is never third, C never second, and the
    # rank-1 column sums to 2 * 4/7 + 3/7 = 11/7 > 1 (documented), while rows sum to 1.
    result = smaa(
        [[0.9, 0.2], [0.9, 0.2], [0.1, 0.8]],
        [0.5, 0.5],
        samples=20_000,
        seed=1,
        band=None,
        tolerance=TOL,
    )
    b = result.acceptability
    assert np.array_equal(b[0], b[1])
    assert b[0, 2] == 0.0
    assert b[2, 1] == 0.0
    assert within_3_se(b[0, 0], 4 / 7, np.sqrt(12 / 49 / 20_000))
    assert b[:, 0].sum() == pytest.approx(1 + b[0, 0])
    assert b.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0])


def test_an_offer_never_first_has_no_central_weights() -> None:
    # C = (0.1, 0.1) is dominated by A and B: never first, so no central weight vector
    # and no confidence factor (None, never NaN).
    result = smaa(
        [[0.9, 0.2], [0.3, 0.8], [0.1, 0.1]],
        [0.5, 0.5],
        samples=2_000,
        seed=1,
        band=None,
        tolerance=TOL,
    )
    assert result.central_weights[2] is None
    assert result.confidence_factors[2] is None
    assert result.acceptability[2].tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"samples": 0}, ScoringError, "samples"),
        ({"seed": -1}, ScoringError, "seed"),
        ({"band": 0.0}, StrategyError, "band"),
        ({"band": 1.5}, StrategyError, "band"),
        ({"tolerance": float("nan")}, ScoringError, "tolerance"),
    ],
)
def test_smaa_refuses_bad_parameters(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    params: dict[str, object] = {"samples": 10, "seed": 0, "band": None, "tolerance": TOL}
    params.update(kwargs)
    with pytest.raises(error, match=match):
        smaa([[0.5, 0.5]], [0.5, 0.5], **params)  # type: ignore[arg-type]


@st.composite
def distinct_offers(draw: st.DrawFn) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Offers with pairwise different score rows (so ties have probability zero)."""
    c = draw(st.integers(1, 4))
    max_offers = min(6, 11**c)
    rows = draw(
        st.lists(
            st.tuples(*[st.integers(0, 10)] * c), min_size=1, max_size=max_offers, unique=True
        )
    )
    raw = draw(st.lists(st.integers(1, 5), min_size=c, max_size=c))
    weights = np.array(raw, dtype=float) / sum(raw)
    return np.array(rows, dtype=float) / 10, weights


@settings(max_examples=30, deadline=None)
@given(problem=distinct_offers(), band=st.sampled_from([None, 0.3]), seed=st.integers(0, 99))
def test_acceptability_rows_and_columns_sum_to_one(
    problem: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    band: float | None,
    seed: int,
) -> None:
    scores, weights = problem
    result = smaa(scores, weights, samples=400, seed=seed, band=band, tolerance=TOL)
    assert result.acceptability.sum(axis=1) == pytest.approx(np.ones(len(scores)))
    assert result.acceptability.sum(axis=0) == pytest.approx(np.ones(len(scores)))


@settings(max_examples=30, deadline=None)
@given(problem=distinct_offers(), perm_seed=st.integers(0, 2**16))
def test_permuting_offers_permutes_acceptability_rows(
    problem: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]], perm_seed: int
) -> None:
    scores, weights = problem
    perm = np.random.default_rng(perm_seed).permutation(len(scores))
    base = smaa(scores, weights, samples=400, seed=3, band=None, tolerance=TOL)
    moved = smaa(scores[perm], weights, samples=400, seed=3, band=None, tolerance=TOL)
    assert np.array_equal(moved.acceptability, base.acceptability[perm])
    assert moved.confidence_factors == tuple(base.confidence_factors[i] for i in perm)


# --------------------------------------------------------------------------- leave one out


def linear_price_points(prices: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """DAJ "linéaire" method, 40 points: 40 (Pmax - P) / (Pmax - Pmin); all equal -> 40.

    Source: the price-scoring methods of the Direction des affaires juridiques (ministry of
    economy), 2024 guidance.
    """
    spread = prices.max() - prices.min()
    if spread == 0:
        return np.full(prices.shape, 40.0)
    result: npt.NDArray[np.float64] = 40.0 * (prices.max() - prices) / spread
    return result


def test_removing_a_far_dearer_offer_reverses_two_others() -> None:
    # Technical points /60, price points /40 by the linear method.
    #   A: tech 50, price 100;  B: tech 55, price 110;  C: tech 20, price 300.
    # All offers: Pmin 100, Pmax 300 -> A 40, B 40 * 190/200 = 38, C 0:
    #   totals A 90, B 93, C 20: B first.
    # Without C: Pmin 100, Pmax 110 -> A 40, B 0: A 90, B 55: A now above B (swap).
    # Without A: B 40, C 0 -> B 95 > C 20 as before. Without B: A 90 > C 20 as before.
    result = order_changes_when_removed(
        [50, 55, 20], [100, 110, 300], linear_price_points, tolerance=TOL * 100
    )
    assert result.totals == pytest.approx((90.0, 93.0, 20.0))
    assert result.ranks == (2, 1, 3)
    assert result.changes == (OrderChange(removed=2, a=1, b=0, before="above", after="below"),)
    assert result.changes[0].swapped
    assert result.totals_without[2] == pytest.approx((90.0, 55.0, None))
    assert result.ranks_without[2] == (1, 2, None)
    assert result.tolerance == pytest.approx(1e-7)


def test_a_tie_broken_by_a_removal_is_reported_but_not_as_a_swap() -> None:
    # A: tech 50, price 100; B: tech 52, price 110; C: tech 10, price 200.
    # All: Pmin 100, Pmax 200 -> A 40, B 36, C 0: A 90, B 88. Tech for B 54 makes B 90:
    # A and B tied. Without C: A 40, B 0 -> A 90, B 54: A above B.
    result = order_changes_when_removed(
        [50, 54, 10], [100, 110, 200], linear_price_points, tolerance=TOL * 100
    )
    assert result.ranks == (1, 1, 3)
    (change,) = result.changes
    assert (change.removed, change.a, change.b, change.before, change.after) == (
        2,
        0,
        1,
        "tied",
        "above",
    )
    assert not change.swapped


def test_a_price_function_returning_the_wrong_shape_is_named() -> None:
    with pytest.raises(PriceError, match=r"price_fn \(all offers\).*shape \(2,\)"):
        order_changes_when_removed([50, 55], [100, 110], lambda p: p[:1], tolerance=1e-7)
    with pytest.raises(PriceError, match="one price per offer"):
        order_changes_when_removed([50, 55], [100], linear_price_points, tolerance=1e-7)


def test_a_single_offer_has_nothing_to_reorder() -> None:
    result = order_changes_when_removed([50], [100], linear_price_points, tolerance=1e-7)
    assert result.changes == ()
    assert result.ranks_without == ((None,),)


def _order_changes_by_pairs(tech: list[float], price: list[float],
                            fn: Callable[[npt.NDArray[np.float64]], list[float]],
                            tol: float) -> list[tuple[int, int, int, str, str]]:
    """The definition, pair by pair: what the vectorised search must find."""
    def relation(x: int, y: int) -> str:
        return "above" if x < y else "tied" if x == y else "below"

    n = len(tech)
    full = competition_ranks(np.array(tech) + np.array(fn(np.array(price))), tol)
    found = []
    for m in range(n):
        kept = [i for i in range(n) if i != m]
        totals = np.array([tech[i] for i in kept]) + np.array(fn(np.array([price[i]
                                                                           for i in kept])))
        ranks = dict(zip(kept, competition_ranks(totals, tol).tolist(), strict=True))
        for i, x in enumerate(kept):
            for y in kept[i + 1:]:
                a, b = (y, x) if full[y] < full[x] else (x, y)
                before, after = relation(full[a], full[b]), relation(ranks[a], ranks[b])
                if before != after:
                    found.append((m, a, b, before, after))
    return sorted(found)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(1, 9)), min_size=2, max_size=9))
def test_order_changes_agree_with_the_pair_by_pair_definition(
        offers: list[tuple[int, int]]) -> None:
    tech = [float(t) for t, _ in offers]
    price = [float(p) * 1000 for _, p in offers]

    def linear(values: npt.NDArray[np.float64]) -> list[float]:
        low, high = float(values.min()), float(values.max())
        return [10.0 if high == low else 10.0 * (high - v) / (high - low) for v in values]

    result = order_changes_when_removed(tech, price, linear, tolerance=TOL)
    assert sorted((c.removed, c.a, c.b, c.before, c.after) for c in result.changes) == \
        _order_changes_by_pairs(tech, price, linear, TOL)
