"""The pure rules of the rounds after opening: which procedure allows what, versions,
the cell-by-cell regularisation check, and whether a pending price check holds the award.
"""

from __future__ import annotations

import pytest

from ai_procurement.answers import Answer, AnswerState, EvidenceRef
from ai_procurement.decision.rounds import (
    OfferVersion,
    RoundKind,
    latest_versions,
    regularisation_changes,
    round_refusal,
    winner_depends_on,
)
from ai_procurement.legal.procedure import ProcedureKind


@pytest.mark.parametrize(("procedure", "reserved", "article"), [
    (ProcedureKind.OPEN_CALL, True, "R2161-5"),
    (ProcedureKind.RESTRICTED_CALL, True, "R2161-11"),
    (ProcedureKind.ADAPTED_WITH_PUBLICITY, False, "R2123-5"),
    (ProcedureKind.ADAPTED_WITHOUT_PUBLICITY, False, "R2123-5"),
    (ProcedureKind.SUBSEQUENT_CONTRACT, True, "R2162-7"),
    (None, True, "procedure_type"),
])
def test_negotiation_is_refused_with_the_article(procedure: ProcedureKind | None,
                                                 reserved: bool, article: str) -> None:
    refusal = round_refusal(RoundKind.NEGOTIATION, procedure, reserved)
    assert refusal is not None
    assert article in refusal.fr
    assert article in refusal.en


@pytest.mark.parametrize(("procedure", "reserved"), [
    (ProcedureKind.ADAPTED_WITH_PUBLICITY, True), (ProcedureKind.NEGOTIATED, False),
    (ProcedureKind.COMPETITIVE_DIALOGUE, False)])
def test_negotiation_is_allowed_where_the_procedure_allows_it(
        procedure: ProcedureKind, reserved: bool) -> None:
    assert round_refusal(RoundKind.NEGOTIATION, procedure, reserved) is None


@pytest.mark.parametrize("kind", [RoundKind.CLARIFICATION, RoundKind.REGULARISATION,
                                  RoundKind.LOW_PRICE])
def test_other_rounds_are_open_to_every_procedure(kind: RoundKind) -> None:
    for procedure in ProcedureKind:
        assert round_refusal(kind, procedure, False) is None


def test_the_latest_admissible_version_is_used() -> None:
    versions = [OfferVersion("P01", 1, "responses/a.xlsx", "a"),
                OfferVersion("P01", 2, "rounds/1-regularisation/responses/P01.xlsx", "b",
                             "1-regularisation", admissible=False),
                OfferVersion("P02", 1, "responses/b.xlsx", "c"),
                OfferVersion("P02", 2, "rounds/2-negotiation/responses/P02.xlsx", "d",
                             "2-negotiation")]
    latest = latest_versions(versions)
    assert latest["P01"].number == 1
    assert latest["P02"].number == 2


def answer(question: str, value: object, cell: str, **kw: object) -> Answer:
    return Answer(question, AnswerState.ANSWERED, value, cell=cell, **kw)  # type: ignore[arg-type]


def test_a_regularisation_may_change_only_the_irregular_points() -> None:
    before = {"RED-02": Answer("RED-02", AnswerState.UNANSWERED, cell="Questionnaire!E7"),
              "LEG-01": answer("LEG-01", "yes", "Questionnaire!E18"),
              "SEC-01": answer("SEC-01", "iso", "Questionnaire!E75")}
    after = {"RED-02": answer("RED-02", "no", "Questionnaire!E7"),
             "LEG-01": answer("LEG-01", "no", "Questionnaire!E18"),
             "SEC-01": answer("SEC-01", "iso", "Questionnaire!E75",
                              evidence=EvidenceRef(document="certificat.pdf"))}
    found = regularisation_changes(before, after, ["RED-02"], "P03.xlsx")
    assert [(f.question_id, f.sheet, f.cell, f.severity) for f in found] == [
        ("LEG-01", "Questionnaire", "E18", "error"),
        ("SEC-01", "Questionnaire", "E75", "error")]  # adding evidence is a change too
    assert "R2152-2" in found[0].message.fr
    assert "E18" in found[0].describe("en")
    assert regularisation_changes(before, {**before, "RED-02": after["RED-02"]}, ["RED-02"],
                                  "P03.xlsx") == []


def test_a_pending_price_check_holds_the_award_only_if_it_could_change_the_winner() -> None:
    firsts = {"Dune": ["Alizé"], "Éole": ["Dune"]}
    blocking = winner_depends_on(["Dune"], lambda offer: firsts[offer], ["Dune", "Éole"])
    assert blocking == ["Dune"]
    assert winner_depends_on(["Dune"], lambda offer: firsts[offer], []) == []
