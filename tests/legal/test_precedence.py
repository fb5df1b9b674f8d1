"""Tests for the order of precedence of the offer's documents."""

from __future__ import annotations

from ai_procurement.legal.precedence import (
    DEFAULT_PRECEDENCE,
    PRECEDENCE_DOCUMENTS,
    check_precedence,
    precedence_rule,
)


def test_without_an_order_the_default_is_printed_as_such_with_its_reason() -> None:
    rule = precedence_rule(())
    assert "ordre appliqué par défaut" in rule.fr
    assert "order applied by default" in rule.en
    # The default order, first prevailing: the signed documents before the questionnaire.
    positions = [rule.fr.index(PRECEDENCE_DOCUMENTS[d].fr) for d in DEFAULT_PRECEDENCE]
    assert positions == sorted(positions)
    assert "jamais lus comme une réponse" in rule.fr
    assert "never read as an answer" in rule.en


def test_an_order_set_by_the_buyer_is_printed_without_the_default_note() -> None:
    rule = precedence_rule(("questionnaire", "bpu"))
    assert "par défaut" not in rule.fr
    assert rule.en.index("the consultation's questionnaire") < rule.en.index("(BPU)")


def test_check_names_each_wrong_entry() -> None:
    assert check_precedence(DEFAULT_PRECEDENCE) == []
    assert check_precedence(()) == []
    problems = [p.en for p in check_precedence(("bpu", "devis", "bpu"))]
    assert any("[1]" in p and "'devis'" in p for p in problems)
    assert any("[2]" in p and "listed twice" in p for p in problems)
    assert any("'questionnaire'" in p for p in problems)
    assert [p.en for p in check_precedence(("questionnaire",))] == [
        "list at least two documents"]


def test_a_wrong_entry_is_named_in_french_too() -> None:
    problems = [p.fr for p in check_precedence(("bpu", "devis", "bpu"))]
    assert problems == [
        "[1] document inconnu «\u00a0devis\u00a0»\u00a0; attendu l'un de\u00a0: "
        "acte-engagement, ccap, cctp, bpu, dqe, questionnaire, memoire-technique",
        "[2] «\u00a0bpu\u00a0» est cité deux fois",
        "citez «\u00a0questionnaire\u00a0» à son rang\u00a0: la règle doit dire où il se "
        "place"]
