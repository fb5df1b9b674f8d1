"""The winning offer's binding commitments: what enters the contract's annex."""

from __future__ import annotations

import datetime as dt

import pytest

from ai_procurement.answers import Answer, AnswerState, EvidenceRef, Report, Response
from ai_procurement.bank.model import (
    Bank,
    Better,
    Criterion,
    DateAnswer,
    Number,
    Option,
    Question,
    SingleChoice,
    Step,
    Thresholds,
    Verification,
    YesNo,
)
from ai_procurement.decision.commitments import binding_commitments
from ai_procurement.decision.scoring import Settings, evaluate
from ai_procurement.errors import ScoringError
from ai_procurement.questionnaire import Consultation, freeze
from ai_procurement.text import Text

WHY = Text("Pour comparer les offres.", "To compare offers.")
HOURS = Number(Text("heures", "hours"), Thresholds((Step(4, 1.0), Step(24, 0.5)), Better.LOWER))
WHERE = SingleChoice((Option("buyer", Text("Chez l’acheteur", "At the buyer’s"), 2),
                      Option("vendor", Text("Chez le candidat", "At the vendor’s"), 0)))
BANK = Bank("commitments", "1", Text("Engagements", "Commitments"), WHY, (
    Criterion("SLA", Text("Service", "Service"), WHY, 1, (
        Question("SLA-01", Text("Délai de notification ?", "Notification time?"), WHY, HOURS,
                 verification=Verification.COMMITMENT),
        Question("SLA-02", Text("Jamais d’entraînement ?", "Never any training?"), WHY,
                 YesNo(), verification=Verification.COMMITMENT),
        Question("SLA-03", Text("Certifié ?", "Certified?"), WHY, YesNo(),
                 verification=Verification.DOCUMENT),
        Question("SLA-04", Text("Où sont les journaux ?", "Where are logs?"), WHY, WHERE,
                 verification=Verification.COMMITMENT, na_allowed=True),
        Question("SLA-05", Text("Date de conformité ?", "Conformity date?"), WHY,
                 DateAnswer(dt.date(2027, 12, 2)), verification=Verification.COMMITMENT),
    )),
))
QUESTIONNAIRE = freeze(BANK, Consultation("2027-01", "Test", "Ville"))
SETTINGS = Settings(100, "classique")


def _response(vendor: str, *answers: Answer) -> Response:
    return Response(f"{vendor}.xlsx", vendor, {a.question_id: a for a in answers},
                    Report(f"{vendor}.xlsx", "ab" * 32, ()))


def _answered(qid: str, value: object, comment: str = "", document: str = "") -> Answer:
    return Answer(qid, AnswerState.ANSWERED, value, comment,  # type: ignore[arg-type]
                  EvidenceRef(document))


WINNER = _response("Alpha", _answered("SLA-01", 4, "Clause 7.2", "CCAP.pdf"),
                   _answered("SLA-02", "yes"), _answered("SLA-03", "yes"),
                   Answer("SLA-04", AnswerState.NOT_APPLICABLE, None, "Pas de journaux"),
                   _answered("SLA-05", dt.date(2027, 6, 30)))
LOSER = _response("Beta", _answered("SLA-01", 48), _answered("SLA-02", "no"),
                  _answered("SLA-03", "no"), _answered("SLA-04", "vendor"),
                  _answered("SLA-05", dt.date(2028, 1, 1)))


def test_the_winners_commitments_in_questionnaire_order() -> None:
    evaluation = evaluate(QUESTIONNAIRE, {"Alpha": WINNER, "Beta": LOSER}, settings=SETTINGS)
    found = binding_commitments(evaluation)
    # SLA-03 is checked on a document, SLA-04 was answered "not applicable": no commitment.
    assert [c.question_id for c in found] == ["SLA-01", "SLA-02", "SLA-05"]
    notification = found[0]
    assert notification.vendor == "Alpha"
    assert notification.answer == Text("4 heures", "4 hours")
    assert notification.comment == "Clause 7.2"
    assert "CCAP.pdf" in notification.evidence
    assert found[1].answer == Text("Oui", "Yes")
    assert found[2].answer == Text("30/06/2027", "2027-06-30")


def test_another_vendor_can_be_read() -> None:
    evaluation = evaluate(QUESTIONNAIRE, {"Alpha": WINNER, "Beta": LOSER}, settings=SETTINGS)
    beta = binding_commitments(evaluation, "Beta")
    assert [c.question_id for c in beta] == ["SLA-01", "SLA-02", "SLA-04", "SLA-05"]
    assert beta[2].answer == Text("Chez le candidat", "At the vendor’s")


def test_a_tie_needs_a_named_vendor() -> None:
    evaluation = evaluate(QUESTIONNAIRE, {"Alpha": WINNER, "Gamma": WINNER},
                          settings=SETTINGS)
    with pytest.raises(ScoringError, match="no single offer is ranked first"):
        binding_commitments(evaluation)
    with pytest.raises(ScoringError, match="unknown vendor 'Delta'"):
        binding_commitments(evaluation, "Delta")
