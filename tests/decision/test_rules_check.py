"""Trying the price methods and weights on estimates, with worked numbers.

Price 40 points, quality 60. Offers: A 100 000 EUR, quality 0.5; B 120 000 EUR, 0.7;
D 300 000 EUR, 0.6.
- classique (40 x Pmin / P): A 40, B 33.33, D 13.33; totals A 70, B 75.33, D 49.33.
  Without D: A 70, B 75.33: B still wins (Pmin / P does not depend on D).
- linéaire (40 x (Pmax - P) / (Pmax - Pmin)): A 40, B 36, D 0; totals A 70, B 78, D 36.
  Without D, Pmax = 120 000: A 40, B 0; totals A 70, B 42: A wins instead of B.
"""

from __future__ import annotations

import pytest

from ai_procurement.decision.rules_check import OfferProfile, check_rules
from ai_procurement.errors import ScoringError

WEIGHTS = {"price": 40, "quality": 60}
OFFERS = (OfferProfile("A", 100_000, {"quality": 0.5}),
          OfferProfile("B", 120_000, {"quality": 0.7}),
          OfferProfile("D", 300_000, {"quality": 0.6}))


def test_the_linear_method_changes_the_winner_when_an_offer_goes_and_classique_does_not(
        ) -> None:
    check = check_rules(WEIGHTS, OFFERS, price_criterion="price")
    classique, lineaire = check.run("classique"), check.run("lineaire")
    assert classique.totals == pytest.approx({"A": 70, "B": 75 + 1 / 3, "D": 49 + 1 / 3})
    assert lineaire.totals == pytest.approx({"A": 70, "B": 78, "D": 36})
    assert classique.winner == lineaire.winner == "B"
    assert dict(lineaire.without) == {"D": "A"}
    assert dict(classique.without) == {}
    assert lineaire.spread == pytest.approx(40)
    assert classique.spread == pytest.approx(40 - 40 / 3)
    assert classique.decisive == "quality"  # B leads A by 12 on quality, trails by 6.67 on price
    text = "\n".join(check.sentences("en"))
    assert "Linear method: without offer D, A would win instead of B" in text
    assert "without offer D" not in "\n".join(s for s in check.sentences("en")
                                              if s.startswith("Classic"))


def test_the_method_can_decide_the_winner_and_small_weight_changes_are_tried() -> None:
    # Price 40, quality 60: A 100 000 / 0.5, B 130 000 / 0.8, C 140 000 / 0.85.
    # classique: C 79.57 > B 78.77 > A 70; linéaire: A 70 > B 58 > C 51.
    offers = (OfferProfile("A", 100_000, {"quality": 0.5}),
              OfferProfile("B", 130_000, {"quality": 0.8}),
              OfferProfile("C", 140_000, {"quality": 0.85}))
    check = check_rules(WEIGHTS, offers, price_criterion="price", step=0.10)
    assert check.winners == {"classique": "C", "lineaire": "A", "ecart-relatif": "B"}
    assert any("decides the winner" in s for s in check.sentences("en"))
    # Under classique, 10 points more on price (50 / 50): A 50 + 25 = 75,
    # B 38.46 + 40 = 78.46, C 35.71 + 42.5 = 78.21: B wins instead of C.
    flips = {(c.method, c.criterion, round(c.delta, 2)): c.winner for c in check.weight_changes}
    assert flips[("classique", "price", 0.1)] == "B"
    assert ("lineaire", "price", 0.1) not in flips
    # With 5 points, no winner changes.
    assert check_rules(WEIGHTS, offers, price_criterion="price").weight_changes == ()
    assert "choisissez-la pour une raison énoncée" in "\n".join(check.sentences("fr"))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ScoringError, match="at least two offers"):
        check_rules(WEIGHTS, OFFERS[:1], price_criterion="price")
    with pytest.raises(ScoringError, match="not in the weights"):
        check_rules(WEIGHTS, OFFERS, price_criterion="cost")
    with pytest.raises(ScoringError, match="share from 0 to 1"):
        check_rules(WEIGHTS, (*OFFERS[:2], OfferProfile("Z", 1, {"quality": 2})),
                    price_criterion="price")
