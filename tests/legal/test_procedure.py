"""The closed list of procedures and what each implies (CCP articles in each rule)."""

from __future__ import annotations

import pytest

from ai_procurement.legal.procedure import Negotiation, ProcedureKind, procedure_rules


@pytest.mark.parametrize("kind", list(ProcedureKind))
def test_every_procedure_has_bilingual_rules_with_articles(kind: ProcedureKind) -> None:
    rules = procedure_rules(kind)
    assert rules.kind is kind
    assert rules.label.fr
    assert rules.label.en
    assert rules.note.fr
    assert rules.note.en
    assert rules.governing_articles
    assert rules.rejection_articles
    assert all(a.startswith("CCP ") for a in rules.rejection_articles)


def test_formalised_procedures_have_a_standstill_and_inform_under_r2181_3() -> None:
    formalised = [k for k in ProcedureKind if procedure_rules(k).formalised]
    assert {k.value for k in formalised} == {
        "appel-offres-ouvert", "appel-offres-restreint", "procedure-avec-negociation",
        "dialogue-competitif"}
    for kind in formalised:
        rules = procedure_rules(kind)
        assert rules.standstill
        assert {"CCP R2181-3", "CCP R2181-4"} <= set(rules.rejection_articles)


@pytest.mark.parametrize("kind", [ProcedureKind.ADAPTED_WITH_PUBLICITY,
                                  ProcedureKind.ADAPTED_WITHOUT_PUBLICITY])
def test_mapa_negotiates_only_if_announced_and_has_no_standstill(kind: ProcedureKind) -> None:
    rules = procedure_rules(kind)
    assert rules.formalised is False
    assert rules.negotiation is Negotiation.IF_ANNOUNCED
    assert rules.negotiation_articles == ("CCP R2123-5",)
    assert rules.rejection_articles == ("CCP R2181-1", "CCP R2181-2")
    assert not rules.standstill


def test_no_negotiation_in_a_call_for_tenders() -> None:
    assert procedure_rules(ProcedureKind.OPEN_CALL).negotiation is Negotiation.FORBIDDEN
    assert procedure_rules(ProcedureKind.NEGOTIATED).negotiation is Negotiation.ALLOWED


def test_a_subsequent_contract_follows_its_framework() -> None:
    rules = procedure_rules(ProcedureKind.SUBSEQUENT_CONTRACT)
    assert rules.formalised is None
    assert not rules.standstill
