"""Bidders' identifiers: SIRET and SIREN checksums, and comparing registration numbers."""

from __future__ import annotations

import pytest

from ai_procurement.bidders import (
    Bidder,
    BidderIdentity,
    check_registration,
    offer_label,
    registration_differs,
    valid_siren,
    valid_siret,
)


@pytest.mark.parametrize("siren", ["732829320", "732 829 320", "552032534", "552.032.534"])
def test_a_siren_with_its_check_digit_is_valid(siren: str) -> None:
    assert valid_siren(siren)


@pytest.mark.parametrize("siren", ["732829321", "73282932", "7328293200", "73282932A", ""])
def test_a_wrong_siren_is_refused(siren: str) -> None:
    assert not valid_siren(siren)


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "55203253400646"])
def test_a_siret_with_its_check_digit_is_valid(siret: str) -> None:
    assert valid_siret(siret)


@pytest.mark.parametrize("siret", ["73282932000075", "7328293200007", "732829320000740",
                                   "7328293200007A"])
def test_a_wrong_siret_is_refused(siret: str) -> None:
    assert not valid_siret(siret)


def test_la_postes_establishments_follow_the_sum_of_digits_rule() -> None:
    # Its establishments outnumber what one Luhn key can tell apart: INSEE gives them a
    # SIRET whose digits add up to a multiple of 5 instead.
    assert valid_siret("35600000049837")  # fails Luhn, digits sum to 45
    assert not valid_siret("35600000049838")  # digits sum to 46
    assert valid_siret("35600000000048")  # the head office follows Luhn


def test_check_registration_explains_in_both_languages() -> None:
    assert check_registration("732 829 320 00074", "FR") is None
    assert check_registration("732829320", "") is None
    wrong = check_registration("73282932000075", "FR")
    assert wrong is not None
    assert "73282932000075" in wrong.fr
    assert "check digit" in wrong.en
    missing = check_registration("  ", "FR")
    assert missing is not None
    assert "manquant" in missing.fr
    assert "missing" in missing.en
    # A foreign register's number has the format of its country: only its presence counts.
    assert check_registration("HRB 12345", "DE") is None
    assert check_registration("", "DE") is not None


@pytest.mark.parametrize(("registered", "declared", "differs"), [
    ("73282932000074", "732 829 320 00074", False),
    ("732829320", "73282932000074", False),  # a SIREN is the start of its SIRET
    ("73282932000074", "732829320", False),
    ("73282932000074", "55203253400646", True),
    ("732829320", "55203253400646", True),
    ("73282932000074", "73282932000157", True),  # another establishment
    ("HRB 12345", "hrb12345", False),
    ("HRB 12345", "HRB 12346", True),
    ("", "73282932000074", False),  # nothing to compare
    ("73282932000074", "", False),
])
def test_registration_numbers_are_compared_on_their_digits(
        registered: str, declared: str, differs: bool) -> None:
    assert registration_differs(registered, declared) is differs


def test_an_identity_becomes_a_bidder_and_offers_are_labelled() -> None:
    identity = BidderIdentity("Acme", "73282932000074", "", "J. Martin", "j@acme.example", 1)
    assert identity.bidder == Bidder("Acme", "73282932000074", "FR",
                                     "J. Martin, j@acme.example")
    assert offer_label("Acme", 0) == "Acme"
    assert offer_label("Acme", 1) == "Acme – V1"
