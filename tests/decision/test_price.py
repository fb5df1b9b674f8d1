"""Tests for price scoring, abnormally low offers and total cost of ownership.

Formulas: DAJ (ministry of economy) fiche "Les méthodes de notation du critère prix dans
les marchés publics" (2024) for classique and linéaire; the "écart relatif" variant used by
practitioners; the M1/M2 abnormally-low-offer flag common in French practice. Every
expected number below is derived by hand in the comments.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import given, strategies as st

from ai_procurement.bank.model import CostItem, DqeItem, Price, Recurrence
from ai_procurement.decision.price import (
    LOW_OFFER_METHODS,
    PRICE_METHODS,
    Budget,
    PriceMethod,
    PriceScores,
    abnormally_low,
    check_budget,
    offer_cost,
    price_points,
    total_cost,
)
from ai_procurement.errors import AIProcurementError, PriceError
from ai_procurement.text import Text

NBSP = "\u00a0"

# Nmax = 40; A = 100 000, B = 80 000, C = 120 000 -> Pmin = 80 000, Pmax = 120 000.
PRICES = {"A": 100_000.0, "B": 80_000.0, "C": 120_000.0}


# --- worked examples -------------------------------------------------------------------


def test_classique_worked_example() -> None:
    scores = price_points(PRICES, "classique", 40)
    # A: 40 × 80 000 / 100 000 = 40 × 0.8 = 32
    # B: 40 × 80 000 / 80 000 = 40 (the lowest price)
    # C: 40 × 80 000 / 120 000 = 40 × 2/3 = 26.666...
    assert scores.points["A"] == pytest.approx(32, rel=1e-12)
    assert scores.points["B"] == 40
    assert scores.points["C"] == pytest.approx(80 / 3, rel=1e-12)
    assert (scores.pmin, scores.pmax) == (80_000, 120_000)
    # mean = (100 000 + 80 000 + 120 000) / 3 = 100 000
    assert scores.mean == 100_000
    assert scores.depends_on_other_offers
    assert scores.special_case is None
    assert scores.explain("A").fr == f"40 × 80{NBSP}000 / 100{NBSP}000 = 32"
    assert scores.explain("A").en == "40 × 80,000 / 100,000 = 32"
    # 26.666... is not round: shown with ≈ and two decimals.
    assert scores.explain("C").fr == f"40 × 80{NBSP}000 / 120{NBSP}000 ≈ 26,67"
    assert "lowest price / price of the offer" in scores.formula.en
    assert "prix le plus bas / prix de l'offre" in scores.formula.fr


def test_lineaire_worked_example() -> None:
    scores = price_points(PRICES, "lineaire", 40)
    # Pmax − Pmin = 120 000 − 80 000 = 40 000
    # A: 40 × (120 000 − 100 000) / 40 000 = 40 × 0.5 = 20
    # B: 40 × 40 000 / 40 000 = 40;  C: 40 × 0 / 40 000 = 0 (the dearest always gets 0)
    assert scores.points == {"A": 20, "B": 40, "C": 0}
    assert scores.explain("A").en == "40 × (120,000 − 100,000) / (120,000 − 80,000) = 20"
    assert "highest price − lowest price" in scores.formula.en


def test_ecart_relatif_worked_example() -> None:
    scores = price_points(PRICES, "ecart-relatif", 40)
    # A: 40 × (1 − (100 000 − 80 000) / 80 000) = 40 × (1 − 0.25) = 30
    # C: 40 × (1 − (120 000 − 80 000) / 80 000) = 40 × (1 − 0.5) = 20
    assert scores.points == {"A": 30, "B": 40, "C": 20}
    assert scores.coefficient == 1
    assert scores.explain("A").en == "40 × (1 − 1 × (100,000 − 80,000) / 80,000) = 30"
    assert "coefficient 1" in scores.formula.en


def test_ecart_relatif_coefficient_is_applied_and_recorded() -> None:
    scores = price_points(PRICES, "ecart-relatif", 40, coefficient=2)
    # A: 40 × (1 − 2 × 0.25) = 20;  C: 40 × (1 − 2 × 0.5) = 0
    assert scores.points == {"A": 20, "B": 40, "C": 0}
    assert scores.coefficient == 2
    assert "coefficient 2" in scores.formula.en


def test_ecart_relatif_is_floored_at_zero() -> None:
    scores = price_points({"B": 80_000, "D": 200_000}, "ecart-relatif", 40)
    # D: 40 × (1 − 120 000 / 80 000) = 40 × (−0.5) = −20 -> floored at 0
    assert scores.points["D"] == 0
    assert scores.explain("D").en.endswith("= −20, floored at 0")
    assert "plancher" in scores.explain("D").fr


def test_same_prices_different_methods_give_different_points() -> None:
    # What the DAJ asks buyers to simulate: A gets 32, 20 or 30 out of 40.
    got = {m: price_points(PRICES, m, 40).points["A"] for m in PRICE_METHODS}
    assert got == pytest.approx({"classique": 32, "lineaire": 20, "ecart-relatif": 30})


def test_lineaire_third_offer_reverses_the_total_ranking() -> None:
    # Price on 40 points, technical value on 60.
    # A: 100 000 €, technical 50;  B: 120 000 €, technical 56.
    technical = {"A": 50.0, "B": 56.0, "C": 30.0}

    def totals(prices: dict[str, float], method: PriceMethod) -> dict[str, float]:
        points = price_points(prices, method, 40).points
        return {v: technical[v] + p for v, p in points.items()}

    two = {"A": 100_000.0, "B": 120_000.0}
    three = {**two, "C": 300_000.0}
    # Linéaire, A and B alone: A = 40, B = 0 -> totals A 90, B 56: A wins.
    before = totals(two, "lineaire")
    assert before == {"A": 90, "B": 56}
    # With C at 300 000: Pmax − Pmin = 200 000;
    # B = 40 × (300 000 − 120 000) / 200 000 = 40 × 0.9 = 36 -> totals A 90, B 92: B wins.
    after = totals(three, "lineaire")
    assert after["A"] == 90
    assert after["B"] == pytest.approx(92, rel=1e-12)
    assert before["A"] > before["B"]
    assert after["B"] > after["A"]
    # The price order of A and B never changed, only their gap (40 -> 4 points).
    # Classique depends on Pmin only, which C does not change:
    # B = 40 × 100 000 / 120 000 = 33.33 in both cases -> A (90) stays ahead of B (89.33).
    for prices in (two, three):
        classic = totals(prices, "classique")
        assert classic["A"] == 90
        assert classic["B"] == pytest.approx(56 + 100 / 3, rel=1e-12)


# --- degenerate cases ------------------------------------------------------------------


@pytest.mark.parametrize("method", PRICE_METHODS)
def test_one_offer_gets_full_points(method: PriceMethod) -> None:
    scores = price_points({"solo": 95_000}, method, 40)
    assert scores.points == {"solo": 40}
    assert scores.special_case is not None
    assert scores.explain("solo").en == "Only one offer: it gets the maximum points (40)"


@pytest.mark.parametrize("method", PRICE_METHODS)
def test_equal_prices_all_get_full_points(method: PriceMethod) -> None:
    # Linéaire would compute 0 / 0 here.
    scores = price_points({"A": 50_000, "B": 50_000, "C": 50_000}, method, 30)
    assert scores.points == {"A": 30, "B": 30, "C": 30}
    assert scores.special_case is not None
    assert "same price" in scores.explain("B").en


@pytest.mark.parametrize("method", ["classique", "ecart-relatif"])
def test_zero_price_refused_where_the_formula_divides_by_it(method: PriceMethod) -> None:
    with pytest.raises(PriceError, match=r"zero price for vendor B:.*check"):
        price_points({"A": 100_000, "B": 0}, method, 40)


def test_lineaire_accepts_a_zero_price() -> None:
    # 40 × (100 000 − 50 000) / (100 000 − 0) = 20
    scores = price_points({"A": 100_000, "B": 0, "C": 50_000}, "lineaire", 40)
    assert scores.points == {"A": 0, "B": 40, "C": 20}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [(-1.0, "negative"), (math.nan, "not a finite"), (math.inf, "not a finite"),
     ("12 000", "not a number"), (True, "not a number")],
)
@pytest.mark.parametrize("method", PRICE_METHODS)
def test_invalid_price_names_the_vendor(method: PriceMethod, bad: object, reason: str) -> None:
    with pytest.raises(PriceError, match=rf"vendor 'Acme': price .* {reason}"):
        price_points({"Good": 10.0, "Acme": bad}, method, 40)  # type: ignore[dict-item]


def test_every_invalid_price_is_reported_at_once() -> None:
    with pytest.raises(PriceError) as info:
        price_points({"X": -5.0, "Y": math.nan, "Z": 1.0}, "classique", 40)
    assert "'X'" in str(info.value)
    assert "'Y'" in str(info.value)


def test_no_offer_is_an_error() -> None:
    with pytest.raises(PriceError, match="at least one"):
        price_points({}, "classique", 40)


@pytest.mark.parametrize("max_points", [0, -1, math.nan, math.inf])
def test_invalid_max_points(max_points: float) -> None:
    with pytest.raises(PriceError, match="max_points"):
        price_points(PRICES, "classique", max_points)


def test_coefficient_is_refused_for_methods_without_one() -> None:
    with pytest.raises(PriceError, match="'ecart-relatif' method only"):
        price_points(PRICES, "lineaire", 40, coefficient=2)
    with pytest.raises(PriceError, match="coefficient"):
        price_points(PRICES, "ecart-relatif", 40, coefficient=0)


def test_unknown_method_and_vendor() -> None:
    with pytest.raises(PriceError, match="unknown price method 'moyenne'"):
        price_points(PRICES, "moyenne", 40)  # type: ignore[arg-type]
    scores = price_points(PRICES, "classique", 40)
    with pytest.raises(PriceError, match="no price for vendor 'Z'") as info:
        scores.explain("Z")
    # Callers can catch the library's root error or the builtin it refines.
    assert isinstance(info.value, AIProcurementError)
    assert isinstance(info.value, ValueError)


def test_input_mapping_is_not_aliased() -> None:
    prices = dict(PRICES)
    scores = price_points(prices, "classique", 40)
    prices["A"] = 1.0
    assert scores.prices["A"] == 100_000


# --- invariants (hypothesis) -----------------------------------------------------------

vendor_ids = st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=3)
euros = st.floats(min_value=0.01, max_value=1e9, allow_nan=False, allow_infinity=False)
any_positive = st.floats(min_value=0.0, exclude_min=True, allow_nan=False,
                         allow_infinity=False)
max_points = st.floats(min_value=0.5, max_value=1000, allow_nan=False, allow_infinity=False)
methods = st.sampled_from(PRICE_METHODS)
coefficients = st.floats(min_value=0.1, max_value=5, allow_nan=False, allow_infinity=False)


def _scores(prices: dict[str, float], method: PriceMethod, nmax: float, c: float) -> PriceScores:
    return price_points(prices, method, nmax,
                        coefficient=c if method == "ecart-relatif" else 1.0)


@given(st.dictionaries(vendor_ids, euros, min_size=1, max_size=8) | st.dictionaries(
    vendor_ids, any_positive, min_size=1, max_size=8), methods, max_points, coefficients)
def test_points_in_range_best_gets_max_and_monotonic(
    prices: dict[str, float], method: PriceMethod, nmax: float, c: float
) -> None:
    scores = _scores(prices, method, nmax, c)
    assert set(scores.points) == set(prices)
    for vendor, points in scores.points.items():
        assert 0 <= points <= nmax
        if prices[vendor] == scores.pmin:
            assert points == nmax
    for a in prices:
        for b in prices:
            if prices[a] < prices[b]:
                assert scores.points[a] >= scores.points[b]
            elif prices[a] == prices[b]:
                assert scores.points[a] == scores.points[b]


@given(st.dictionaries(vendor_ids, st.floats(min_value=0, max_value=1e9), min_size=1,
                       max_size=8), max_points)
def test_lineaire_with_zero_prices_stays_in_range(prices: dict[str, float],
                                                   nmax: float) -> None:
    scores = price_points(prices, "lineaire", nmax)
    assert all(0 <= p <= nmax for p in scores.points.values())
    assert max(scores.points.values()) == nmax


@given(st.data(), st.dictionaries(vendor_ids, euros, min_size=1, max_size=8), methods,
       max_points, coefficients)
def test_permuting_vendors_permutes_results(data: st.DataObject, prices: dict[str, float],
                                            method: PriceMethod, nmax: float,
                                            c: float) -> None:
    ids = list(prices)
    shuffled = data.draw(st.permutations(ids))
    relabelled = {shuffled[i]: prices[ids[i]] for i in range(len(ids))}
    before = _scores(prices, method, nmax, c)
    after = _scores(relabelled, method, nmax, c)
    for i, vendor in enumerate(ids):
        assert after.points[shuffled[i]] == before.points[vendor]
    assert (after.pmin, after.pmax, after.mean) == (before.pmin, before.pmax, before.mean)


@given(st.dictionaries(vendor_ids, st.integers(1, 10_000_000), min_size=1, max_size=8),
       st.integers(2, 1000), methods, max_points)
def test_scaling_prices_by_an_integer_changes_nothing(
    prices: dict[str, int], factor: int, method: PriceMethod, nmax: float
) -> None:
    # With whole euros and a whole factor every product and difference is exact, and
    # each ratio is the same real number, hence the same float: equality is exact.
    base = price_points({v: float(p) for v, p in prices.items()}, method, nmax)
    scaled = price_points({v: float(p * factor) for v, p in prices.items()}, method, nmax)
    assert scaled.points == base.points


@given(st.dictionaries(vendor_ids, st.integers(1, 10_000_000), min_size=1, max_size=8),
       st.floats(min_value=0.01, max_value=100), methods, max_points)
def test_scaling_prices_by_any_factor_changes_nothing(
    prices: dict[str, int], factor: float, method: PriceMethod, nmax: float
) -> None:
    base = price_points({v: float(p) for v, p in prices.items()}, method, nmax)
    scaled = price_points({v: p * factor for v, p in prices.items()}, method, nmax)
    for vendor, points in base.points.items():
        assert scaled.points[vendor] == pytest.approx(points, rel=1e-6, abs=1e-6 * nmax)


# --- abnormally low offers -------------------------------------------------------------


def test_m1m2_worked_example() -> None:
    prices = {"V1": 100_000, "V2": 110_000, "V3": 90_000, "V4": 60_000, "V5": 240_000}
    check = abnormally_low(prices, "m1m2")
    # M1 = 600 000 / 5 = 120 000; 1.2 × M1 = 144 000 -> V5 (240 000) left out of M2.
    # M2 = (100 000 + 110 000 + 90 000 + 60 000) / 4 = 90 000; 0.9 × M2 = 81 000.
    # Flagged: V4 (60 000 < 81 000); V3 (90 000) is not.
    assert check.meaningful
    assert check.m1 == 120_000
    assert check.dropped_for_m2 == ("V5",)
    assert check.m2 == 90_000
    assert check.threshold == pytest.approx(81_000, rel=1e-12)
    assert check.flagged == ("V4",)
    assert check.parameters == {"upper_factor": 1.2, "lower_factor": 0.9}
    why = check.explanations["V4"]
    assert f"60{NBSP}000 € < 0,9 × M2 = 0,9 × 90{NBSP}000 = 81{NBSP}000 €" in why.fr
    assert "in writing" in why.en
    assert "not excluded" in why.en
    assert "L2152-6" in why.fr
    assert "V4" in check.summary.en
    assert "none is excluded" in check.summary.en


def test_mean_minus_sd_worked_example() -> None:
    prices = {"V1": 100_000, "V2": 100_000, "V3": 100_000, "V4": 100_000, "V5": 50_000}
    check = abnormally_low(prices, "mean-minus-sd")
    # mean = 450 000 / 5 = 90 000; deviations 10 000 (×4) and −40 000;
    # population variance = (4 × 10 000² + 40 000²) / 5 = 2 000 000 000 / 5 = 400 000 000;
    # SD = 20 000; threshold = 90 000 − 1 × 20 000 = 70 000 -> V5 flagged.
    assert check.m1 == 90_000
    assert check.sd == 20_000
    assert check.threshold == 70_000
    assert check.flagged == ("V5",)
    assert check.parameters == {"sd_factor": 1.0}
    assert "population standard deviation" in check.summary.en
    assert "70,000" in check.explanations["V5"].en


def test_the_two_checks_can_disagree() -> None:
    # Same prices as the M1/M2 example: one very dear offer (240 000) inflates the SD.
    prices = {"V1": 100_000, "V2": 110_000, "V3": 90_000, "V4": 60_000, "V5": 240_000}
    check = abnormally_low(prices, "mean-minus-sd")
    # mean = 120 000; squared deviations (in thousands²): 400 + 100 + 900 + 3 600 + 14 400
    # = 19 400; / 5 = 3 880; SD = √3 880 × 1 000 ≈ 62 289.6; threshold ≈ 57 710.4
    # -> V4 (60 000) is not flagged, while M1/M2 flags it.
    assert check.sd == pytest.approx(math.sqrt(3_880) * 1_000, rel=1e-12)
    assert check.threshold == pytest.approx(120_000 - math.sqrt(3_880) * 1_000, rel=1e-12)
    assert check.flagged == ()
    assert check.summary.en.endswith("No offer flagged.")


@pytest.mark.parametrize("method", LOW_OFFER_METHODS)
def test_fewer_than_three_offers_flag_nothing(method: str) -> None:
    check = abnormally_low({"A": 100_000, "B": 10}, method)  # type: ignore[arg-type]
    assert not check.meaningful
    assert check.flagged == ()
    assert check.threshold is None
    assert "fewer than 3 offers" in check.summary.en


def test_flagging_never_excludes() -> None:
    prices = {"A": 100_000.0, "B": 95_000.0, "C": 105_000.0, "D": 110_000.0, "E": 50_000.0}
    check = abnormally_low(prices, "m1m2")
    # M1 = 460 000 / 5 = 92 000; 1.2 × M1 = 110 400: nothing left out, M2 = 92 000;
    # 0.9 × M2 = 82 800 -> E (50 000) flagged.
    assert check.flagged == ("E",)
    # The check reports on every offer and removes none: the flagged offer is still
    # scored, and gets the full price points as the lowest price.
    assert check.prices == prices
    assert price_points(prices, "classique", 40).points["E"] == 40
    assert "n'est pas écartée" in check.explanations["E"].fr


def test_zero_price_is_flagged_not_refused() -> None:
    check = abnormally_low({"A": 100, "B": 100, "C": 100, "D": 100, "Z": 0}, "mean-minus-sd")
    # mean = 80; deviations 20 (×4) and −80; variance = (4 × 400 + 6 400) / 5 = 1 600;
    # SD = 40; threshold = 80 − 40 = 40 -> Z flagged.
    assert check.threshold == 40
    assert check.flagged == ("Z",)


def test_m1m2_misses_a_single_very_low_offer_among_few() -> None:
    # A known limit of the M1/M2 rule, documented: one very low offer drags M1 down.
    # M1 = 301 / 4 = 75.25; 1.2 × M1 = 90.3 -> A, B, C (100) are left out of M2;
    # M2 = 1; threshold = 0.9 -> D (1) is not flagged. Mean − SD catches it:
    # variance = (3 × 24.75² + 74.25²) / 4 = 1 837.6875, SD ≈ 42.87, threshold ≈ 32.38.
    prices = {"A": 100, "B": 100, "C": 100, "D": 1}
    m1m2 = abnormally_low(prices, "m1m2")
    assert m1m2.dropped_for_m2 == ("A", "B", "C")
    assert m1m2.m2 == 1
    assert m1m2.flagged == ()
    assert abnormally_low(prices, "mean-minus-sd").flagged == ("D",)


def test_low_offer_parameters_are_checked() -> None:
    prices = {"A": 1.0, "B": 2.0, "C": 3.0}
    with pytest.raises(PriceError, match="sd_factor applies"):
        abnormally_low(prices, "m1m2", sd_factor=2)
    with pytest.raises(PriceError, match="apply to the 'm1m2' check only"):
        abnormally_low(prices, "mean-minus-sd", lower_factor=0.8)
    with pytest.raises(PriceError, match="upper_factor"):
        abnormally_low(prices, "m1m2", upper_factor=0.9)
    with pytest.raises(PriceError, match="lower_factor"):
        abnormally_low(prices, "m1m2", lower_factor=1.5)
    with pytest.raises(PriceError, match="unknown abnormally-low-offer check"):
        abnormally_low(prices, "median")  # type: ignore[arg-type]
    with pytest.raises(PriceError, match="vendor 'B'"):
        abnormally_low({"A": 1.0, "B": -2.0, "C": 3.0}, "m1m2")


def test_custom_factors_are_recorded() -> None:
    prices = {"V1": 100_000, "V2": 110_000, "V3": 90_000, "V4": 60_000, "V5": 240_000}
    # upper 2.0: 2 × 120 000 = 240 000, V5 is not above it -> M2 = M1 = 120 000;
    # lower 0.8: threshold 96 000 -> V3 (90 000) and V4 (60 000) flagged.
    check = abnormally_low(prices, "m1m2", upper_factor=2.0, lower_factor=0.8)
    assert check.dropped_for_m2 == ()
    assert check.m2 == 120_000
    assert check.threshold == pytest.approx(96_000, rel=1e-12)
    assert check.flagged == ("V3", "V4")
    assert check.parameters == {"upper_factor": 2.0, "lower_factor": 0.8}


@given(st.dictionaries(vendor_ids, euros, min_size=3, max_size=8) | st.dictionaries(
    vendor_ids, any_positive, min_size=3, max_size=8), st.sampled_from(LOW_OFFER_METHODS))
def test_low_offer_check_flags_only_below_threshold(prices: dict[str, float],
                                                    method: str) -> None:
    check = abnormally_low(prices, method)  # type: ignore[arg-type]
    assert check.threshold is not None
    assert set(check.flagged) == {v for v, p in prices.items() if p < check.threshold}
    assert list(check.flagged) == sorted(check.flagged)
    assert set(check.explanations) == set(check.flagged)
    assert check.prices == prices
    # The lowest price is the first candidate: if anything is flagged, it is.
    if check.flagged:
        assert {v for v, p in prices.items() if p == min(prices.values())} <= set(check.flagged)


# --- total cost of ownership -----------------------------------------------------------


def test_total_cost_worked_example() -> None:
    breakdown = total_cost(
        {"licence": 12_000, "hosting": 3_000, "training": 2_500, "support": 1_000},
        {"licence": Recurrence.ONCE, "hosting": "yearly", "training": "once",
         "support": Recurrence.YEARLY},
        years=4,
    )
    # one-off = 12 000 + 2 500 = 14 500; yearly = 3 000 + 1 000 = 4 000;
    # total = 14 500 + 4 × 4 000 = 30 500
    assert breakdown.one_off == 14_500
    assert breakdown.yearly == 4_000
    assert breakdown.total == 30_500
    assert [(line.item, line.recurrence, line.total) for line in breakdown.lines] == [
        ("licence", Recurrence.ONCE, 12_000),
        ("hosting", Recurrence.YEARLY, 12_000),
        ("training", Recurrence.ONCE, 2_500),
        ("support", Recurrence.YEARLY, 4_000),
    ]
    assert breakdown.explain().en == "14,500 + 4 × 4,000 = 30,500 €"
    assert breakdown.explain().fr == f"14{NBSP}500 + 4 × 4{NBSP}000 = 30{NBSP}500 €"


def test_total_cost_feeds_price_scoring() -> None:
    recurrence: dict[str, Literal["once", "yearly"]] = {"setup": "once", "run": "yearly"}
    a = total_cost({"setup": 20_000, "run": 5_000}, recurrence, 3)  # 20 000 + 3 × 5 000
    b = total_cost({"setup": 5_000, "run": 10_000}, recurrence, 3)  # 5 000 + 3 × 10 000
    assert a.total == b.total == 35_000
    # Same total cost of ownership although B's set-up is four times cheaper.
    scores = price_points({"A": a.total, "B": b.total}, "classique", 40)
    assert scores.points == {"A": 40, "B": 40}


@pytest.mark.parametrize(
    ("amount", "reason"),
    [(-1.0, "negative"), (math.nan, "not a finite"), ("free", "not a number")],
)
def test_invalid_amount_names_the_item(amount: object, reason: str) -> None:
    with pytest.raises(PriceError, match=rf"item 'licence': amount .* {reason}"):
        total_cost({"licence": amount, "run": 1.0},  # type: ignore[dict-item]
                   {"licence": "once", "run": "yearly"}, 3)


def test_recurrence_problems_are_reported_together() -> None:
    with pytest.raises(PriceError) as info:
        total_cost({"a": 1.0, "b": 2.0}, {"b": "monthly", "c": "once"}, 3)  # type: ignore[dict-item]
    message = str(info.value)
    assert "item 'a': no recurrence" in message
    assert "item 'b': recurrence 'monthly'" in message
    assert "item 'c': recurrence given but no amount" in message


@pytest.mark.parametrize("years", [0, -2, 2.5, True])
def test_invalid_years(years: int) -> None:
    with pytest.raises(PriceError, match="years"):
        total_cost({"a": 1.0}, {"a": "once"}, years)


def test_no_cost_item() -> None:
    with pytest.raises(PriceError, match="at least one of the cost items"):
        total_cost({}, {}, 3)


# --- DQE and budget -----------------------------------------------------------------------

def _dqe(*lines: tuple[str, float]) -> Price:
    return Price((), 4, dqe=tuple(DqeItem(i, Text(i, i), Text("u", "u"), q) for i, q in lines))


def test_dqe_worked_example_computed_by_hand() -> None:
    # D1: 1 × 30 000,00 = 30 000,00
    # D2: 60 × 412,35 = 24 741,00
    # D3: 12 × 0,15 = 1,80
    # total = 30 000 + 24 741 + 1,80 = 54 742,80 (exactly, to the cent)
    spec = _dqe(("D1", 1), ("D2", 60), ("D3", 12))
    cost = offer_cost(spec, {"D1": 30_000.0, "D2": 412.35, "D3": 0.15})
    assert [line.total for line in cost.dqe] == [Decimal("30000.00"), Decimal("24741.00"),
                                                 Decimal("1.80")]
    assert cost.exact == Decimal("54742.80")
    assert cost.total == 54_742.8
    assert cost.model == "dqe"
    assert cost.explain().fr == (f"1 × 30{NBSP}000 + 60 × 412,35 + 12 × 0,15 = "
                                 f"54{NBSP}742,80 €")
    assert cost.explain().en == "1 × 30,000 + 60 × 412.35 + 12 × 0.15 = 54,742.80 €"


def test_mixed_price_adds_the_lump_sum_and_the_dqe() -> None:
    # lump sum: 10 000 once + 4 × 2 000 yearly = 18 000; DQE: 20 × 450 = 9 000 -> 27 000
    spec = Price((CostItem("setup", Text("s", "s"), Recurrence.ONCE),
                  CostItem("run", Text("r", "r"), Recurrence.YEARLY)), 4,
                 dqe=(DqeItem("D1", Text("d", "d"), Text("jour", "day"), 20),))
    cost = offer_cost(spec, {"setup": 10_000.0, "run": 2_000.0, "D1": 450.0})
    assert cost.model == "mixed"
    assert cost.exact == Decimal("27000")
    assert "(20 × 450)" in cost.explain().en


def test_dqe_refuses_missing_and_negative_unit_prices_naming_each_item() -> None:
    spec = _dqe(("D1", 1), ("D2", 2), ("D3", 3))
    with pytest.raises(PriceError, match=r"DQE item D3;"):
        offer_cost(spec, {"D1": 1.0, "D2": 2.0})
    with pytest.raises(PriceError, match=r"item 'D2'.*negative"):
        offer_cost(spec, {"D1": 1.0, "D2": -2.0, "D3": 1.0})


def test_budget_equal_is_acceptable_one_cent_over_is_not() -> None:
    budget = Budget(Decimal("125000"), "4 ans, HT")
    check = check_budget({"Equal": Decimal("125000.00"), "Over": Decimal("125000.01"),
                          "Under": 90_000.0}, budget, negotiation=False)
    assert check.over == ("Over",)
    assert "L2152-3" in check.explanations["Over"].fr
    assert "0,01" in check.explanations["Over"].fr
    assert "éliminée sans être classée" in check.explanations["Over"].fr
    assert "R2152-1" in check.summary.en


def test_budget_with_negotiation_keeps_the_offer_and_says_why() -> None:
    check = check_budget({"Over": 200.0}, Budget(Decimal("100"), "HT"), negotiation=True)
    assert check.over == ("Over",)
    assert "may become acceptable during the negotiation" in check.explanations["Over"].en
    assert "R2152-1" in check.explanations["Over"].en


def test_float_sums_do_not_make_an_offer_unacceptable() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point: in decimals it is 0.3.
    spec = _dqe(("D1", 1), ("D2", 1))
    cost = offer_cost(spec, {"D1": 0.1, "D2": 0.2})
    assert cost.exact == Decimal("0.3")
    check = check_budget({"A": cost.exact}, Budget(Decimal("0.3"), "HT"), negotiation=False)
    assert check.over == ()


def test_budget_must_be_a_positive_amount() -> None:
    with pytest.raises(PriceError, match="budget"):
        check_budget({"A": 1.0}, Budget(Decimal(0), "HT"), negotiation=False)


_quantities = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6)
_unit_prices = st.lists(st.decimals(min_value=0, max_value=100_000, places=2,
                                    allow_nan=False, allow_infinity=False),
                        min_size=6, max_size=6)


@given(_quantities, _unit_prices, st.integers(min_value=2, max_value=5), st.randoms())
def test_dqe_total_is_linear_in_quantities_and_order_independent(
        quantities: list[int], prices: list[Decimal], factor: int,
        rnd: random.Random) -> None:
    ids = [f"D{i}" for i in range(len(quantities))]
    typed = {i: float(p) for i, p in zip(ids, prices, strict=False)}
    base = offer_cost(_dqe(*zip(ids, quantities, strict=True)), typed)
    scaled = offer_cost(_dqe(*((i, q * factor) for i, q in zip(ids, quantities,
                                                                strict=True))), typed)
    assert scaled.exact == factor * base.exact
    assert base.exact == sum(q * Decimal(repr(typed[i])) for i, q in zip(ids, quantities,
                                                                          strict=True))
    order = list(zip(ids, quantities, strict=True))
    rnd.shuffle(order)
    shuffled = offer_cost(_dqe(*order), dict(reversed(list(typed.items()))))
    assert shuffled.exact == base.exact
