"""Award proposals across lots under a cap on lots per bidder (R2113-1)."""

from __future__ import annotations

import pytest

from ai_procurement.decision.lots import RankedOffer, propose_awards
from ai_procurement.errors import ScoringError


def test_without_cap_each_lot_goes_to_its_first() -> None:
    awards = propose_awards({"1": [("Acme", "a", 1), ("Beta", "b", 2)],
                             "2": [("Acme", "a", 1), ("Beta", "b", 2)]}, None, ["1", "2"])
    assert [a.offer for a in awards] == ["Acme", "Acme"]
    assert not any(a.differs or a.reason for a in awards)


def test_cap_passes_over_a_bidder_in_lot_order() -> None:
    rankings = {"1": [("Acme", "a", 1), ("Beta", "b", 2)],
                "2": [("Beta", "b", 2), ("Acme", "a", 1), ("Gamma", "c", 3)],
                "3": [("Acme", "a", 1), ("Gamma", "c", 2), ("Beta", "b", 3)]}
    awards = propose_awards(rankings, 1, ["1", "2", "3"])
    assert [a.offer for a in awards] == ["Acme", "Beta", "Gamma"]
    assert not awards[0].differs
    assert awards[1].differs
    assert awards[1].passed_over == ("Acme",)
    assert awards[1].reason is not None
    assert "R2113-1" in awards[1].reason.fr
    assert "Beta" in awards[1].reason.en
    # Awarding in another order gives another result: the order is part of the rule.
    other = propose_awards(rankings, 1, ["3", "2", "1"])
    assert [(a.lot, a.offer) for a in other] == [("3", "Acme"), ("2", "Beta"), ("1", None)]


def test_a_variant_counts_with_its_base_offer() -> None:
    rankings = {"1": [("Acme", "a", 1), ("Beta", "b", 2)],
                "2": [("Acme – V1", "a", 1), ("Acme", "a", 2), ("Beta", "b", 3)]}
    awards = propose_awards(rankings, 1, ["1", "2"])
    assert awards[1].offer == "Beta"
    assert awards[1].passed_over == ("Acme – V1", "Acme")


def test_tie_for_first_gives_no_automatic_award() -> None:
    awards = propose_awards({"1": [RankedOffer("Acme", "a", 1), RankedOffer("Beta", "b", 1)]},
                            1, ["1"])
    assert awards[0].offer is None
    assert awards[0].first == ("Acme", "Beta")
    assert awards[0].reason is not None
    assert "Égalité" in awards[0].reason.fr
    assert "no award is proposed automatically" in awards[0].reason.en


def test_every_bidder_at_the_cap_and_empty_lot() -> None:
    awards = propose_awards({"1": [("Acme", "a", 1)], "2": [("Acme", "a", 1)], "3": []}, 1,
                            ["1", "2", "3"])
    assert [a.offer for a in awards] == ["Acme", None, None]
    assert awards[1].reason is not None
    assert "plafond" in awards[1].reason.fr
    assert awards[2].reason is not None
    assert "No ranked offer" in awards[2].reason.en


def test_bad_cap_or_order_is_refused() -> None:
    with pytest.raises(ScoringError, match="at least 1"):
        propose_awards({"1": []}, 0, ["1"])
    with pytest.raises(ScoringError, match="each lot once"):
        propose_awards({"1": [], "2": []}, 1, ["1"])
