"""The vendor and evaluator simulators give files the readers take as real ones."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import KEY, full_questionnaire

from ai_procurement.answers import AnswerState
from ai_procurement.bank.model import YesNo
from ai_procurement.testing import VendorAnswer, fill_questionnaire
from ai_procurement.workbooks.form import write_questionnaire
from ai_procurement.workbooks.response import read_response


def test_a_simulated_vendor_is_read_back_as_it_answered(tmp_path: Path) -> None:
    questionnaire = full_questionnaire()
    blank = write_questionnaire(questionnaire, tmp_path / "blank.xlsx", "fr", "ACME", key=KEY)
    first = next(q for _, q in questionnaire.bank.questions() if isinstance(q.answer, YesNo))
    answers = {first.id: VendorAnswer("yes", comment="Voir annexe", document="DT.pdf",
                                      page="4")}
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_questionnaire(blank, questionnaire, answers, "fr"))
    response = read_response(filled, questionnaire, key=KEY, vendor="ACME")
    answer = response.answers[first.id]
    assert answer.state is AnswerState.ANSWERED
    assert answer.value == "yes"
    assert (answer.evidence.document, answer.evidence.page) == ("DT.pdf", "4")
    assert not [f for f in response.report.findings if f.question_id == first.id]


def test_the_same_plan_gives_the_same_bytes(tmp_path: Path) -> None:
    questionnaire = full_questionnaire()
    blank = write_questionnaire(questionnaire, tmp_path / "blank.xlsx", "fr", "ACME", key=KEY)
    plan = {q.id: VendorAnswer(not_applicable=True, comment="Hors périmètre")
            for _, q in questionnaire.bank.questions()}
    assert (fill_questionnaire(blank, questionnaire, plan, "fr")
            == fill_questionnaire(blank, questionnaire, plan, "fr"))
