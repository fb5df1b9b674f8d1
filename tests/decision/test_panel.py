"""Weights from several participants, checked against hand computations.

Group AHP (Forman & Peniwati 1998): the aggregation of individual judgments (AIJ) takes
the element-wise geometric mean of the matrices; the aggregation of individual
priorities (AIP) the geometric mean of the weights.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from ai_procurement.decision.panel import (
    AdoptedWeights,
    Participant,
    aggregate_panel,
    weights_origin,
)
from ai_procurement.errors import StrategyError

CRITERIA = ("Q", "P", "E")


def _pairwise(name: str, group: str, qp: float, qe: float, pe: float) -> Participant:
    return Participant(name, group, pairwise={("Q", "P"): qp, ("Q", "E"): qe, ("P", "E"): pe})


def test_aij_by_hand_two_consistent_participants() -> None:
    # Anne: Q = 2 P, Q = 4 E, P = 2 E (weights 4/7, 2/7, 1/7).
    # Bruno: Q = 8 P, Q = 16 E, P = 2 E (weights 16/19, 2/19, 1/19).
    # Geometric means: Q/P = sqrt(2 x 8) = 4, Q/E = sqrt(4 x 16) = 8, P/E = sqrt(2 x 2) = 2:
    # a consistent matrix whose weights are 8/11, 2/11, 1/11.
    panel = [_pairwise("Anne", "élus", 2, 4, 2), _pairwise("Bruno", "agents", 8, 16, 2)]
    result = aggregate_panel(CRITERIA, panel)
    assert result.aggregation == "aij"
    assert result.weights == pytest.approx({"Q": 8 / 11, "P": 2 / 11, "E": 1 / 11})
    assert result.weighting.ahp is not None
    assert result.weighting.ahp.matrix[0][1] == pytest.approx(4.0)
    assert result.weighting.ahp.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.individual["Anne"] == pytest.approx({"Q": 4 / 7, "P": 2 / 7, "E": 1 / 7})
    # Each group alone gives its only member's weights.
    assert result.by_group["agents"] == pytest.approx({"Q": 16 / 19, "P": 2 / 19, "E": 1 / 19})
    # AIP: geometric means sqrt(4/7 x 16/19) : sqrt(2/7 x 2/19) : sqrt(1/7 x 1/19) = 8 : 2 : 1.
    aip = aggregate_panel(CRITERIA, panel, aggregation="aip")
    assert aip.weights == pytest.approx({"Q": 8 / 11, "P": 2 / 11, "E": 1 / 11})


def test_spread_consistency_and_the_groups_most_apart() -> None:
    panel = [_pairwise("Anne", "élus", 2, 4, 2), _pairwise("Alix", "élus", 2, 4, 2),
             _pairwise("Bruno", "agents", 8, 16, 2),
             _pairwise("Chloé", "citoyens", 1 / 4, 1 / 2, 2),   # P = 4 Q: price first
             _pairwise("Dan", "citoyens", 1 / 3, 5, 1 / 2)]     # inconsistent
    result = aggregate_panel(CRITERIA, panel)
    spread = {s.criterion: s for s in result.spread}
    assert spread["Q"].minimum == pytest.approx(1 / 7)  # Chloé: Q : P : E = 1 : 4 : 2
    assert spread["Q"].maximum == pytest.approx(16 / 19)
    assert result.consistency["Anne"] == pytest.approx(0.0, abs=1e-9)
    assert result.inconsistent == ("Dan",)
    first = result.disagreements[0]
    assert {first.a, first.b} == {"agents", "citoyens"}
    assert first.most_apart == "Q"
    text = "\n".join(result.lines("en"))
    assert "CR = " in text
    assert "judgments to revise" in text
    assert "Groups most apart: agents / citoyens" in text


def test_points_are_averaged_as_shares() -> None:
    # Anne gives 60/30/10 of 100; Bruno 2/1/1 of 4 (50/25/25 %): means 55, 27.5, 17.5 %.
    panel = [Participant("Anne", "élus", points={"Q": 60, "P": 30, "E": 10}),
             Participant("Bruno", "agents", points={"Q": 2, "P": 1, "E": 1})]
    result = aggregate_panel(CRITERIA, panel)
    assert result.aggregation == "points"
    assert result.weights == pytest.approx({"Q": 0.55, "P": 0.275, "E": 0.175})
    assert result.consistency == {}
    # (|0.60 - 0.50| + |0.30 - 0.25| + |0.10 - 0.25|) / 2 = 0.15 of the weight to move.
    assert math.isclose(result.disagreements[0].distance, 0.15)
    assert result.disagreements[0].most_apart == "E"


def test_the_origin_of_the_weights_reads_as_sentences() -> None:
    panel = [_pairwise("Anne", "élus", 2, 4, 2), _pairwise("Bruno", "agents", 8, 16, 2)]
    result = aggregate_panel(CRITERIA, panel)
    adopted = AdoptedWeights({"Q": 60, "P": 30, "E": 10}, "arrondi par la commission",
                             "la commission des marchés")
    text = weights_origin(result, adopted)
    assert text.fr.startswith("Les pondérations ont été établies avec 2 participants "
                              "(élus (1), agents (1))")
    assert "moyenne géométrique des jugements (AIJ)" in text.fr
    assert "Pondérations retenues par la commission des marchés : Q 60 %, P 30 %, E 10 %" \
        in text.fr
    assert "Weights adopted by la commission des marchés: Q 60%" in text.en


def test_mixed_or_invalid_judgments_are_refused() -> None:
    with pytest.raises(StrategyError, match="either pairwise comparisons or points"):
        aggregate_panel(CRITERIA, [_pairwise("A", "g", 2, 4, 2),
                                   Participant("B", "g", points={"Q": 1})])
    with pytest.raises(StrategyError, match="participant 'A'"):
        aggregate_panel(CRITERIA, [Participant("A", "g", pairwise={("Q", "P"): 2})])
    with pytest.raises(StrategyError, match="unique"):
        aggregate_panel(CRITERIA, [_pairwise("A", "g", 2, 4, 2), _pairwise("A", "g", 2, 4, 2)])
    with pytest.raises(StrategyError, match="'points' is for points"):
        aggregate_panel(CRITERIA, [_pairwise("A", "g", 2, 4, 2)], aggregation="points")


# -- properties ------------------------------------------------------------------------------


_SAATY = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9])


@st.composite
def _panels(draw: st.DrawFn) -> list[Participant]:
    count = draw(st.integers(min_value=1, max_value=5))
    return [_pairwise(f"P{i}", draw(st.sampled_from(["a", "b", "c"])), draw(_SAATY),
                      draw(_SAATY), draw(_SAATY)) for i in range(count)]


@settings(max_examples=40, deadline=None)
@given(_panels(), st.randoms(use_true_random=False))
def test_the_order_of_participants_does_not_change_the_weights(panel: list[Participant],
                                                               rng: object) -> None:
    shuffled = list(panel)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    for aggregation in ("aij", "aip"):
        one = aggregate_panel(CRITERIA, panel, aggregation=aggregation)  # type: ignore[arg-type]
        two = aggregate_panel(CRITERIA, shuffled, aggregation=aggregation)  # type: ignore[arg-type]
        assert one.weights == pytest.approx(two.weights)
        assert math.isclose(sum(one.weights.values()), 1.0)


@settings(max_examples=40, deadline=None)
@given(_panels())
def test_a_panel_of_clones_gives_the_clone_s_weights(panel: list[Participant]) -> None:
    alone = aggregate_panel(CRITERIA, panel[:1]).weights
    clones = [Participant(f"C{i}", "g", pairwise=panel[0].pairwise) for i in range(3)]
    assert aggregate_panel(CRITERIA, clones).weights == pytest.approx(alone)
    assert aggregate_panel(CRITERIA, clones, aggregation="aip").weights == pytest.approx(alone)
