"""apply_conditions: the one place that decides which questions apply to an offer."""

from __future__ import annotations

from ai_procurement.answers import Answer, AnswerState, apply_conditions
from ai_procurement.bank.model import (
    AllOf,
    AnyOf,
    Bank,
    Condition,
    Criterion,
    Question,
    YesNo,
)
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.text import Text

T = Text("Question ?", "Question?")
WHY = Text("Pour comparer.", "To compare.")
AI_YES = Condition("AI", ("yes",))
CLOUD_YES = Condition("CLOUD", ("yes",))


def q(qid: str, applies_if: Condition | AllOf | AnyOf | None = None) -> Question:
    return Question(qid, T, WHY, YesNo(), applies_if=applies_if)


def questionnaire() -> Questionnaire:
    gates = Criterion("GATES", T, WHY, 1, (q("AI"), q("CLOUD")))
    # A whole section behind the AI qualifier.
    ai = Criterion("AIC", T, WHY, 1, (q("A1"), q("A2")), applies_if=AI_YES)
    rest = Criterion("REST", T, WHY, 1, (
        q("BOTH", AllOf((AI_YES, CLOUD_YES))),
        q("EITHER", AnyOf((AI_YES, CLOUD_YES))),
        # Depends on A1, which itself depends on the AI qualifier.
        q("CHAIN", Condition("A1", ("no",)))))
    bank = Bank("t", "1", T, WHY, (gates, ai, rest))
    return freeze(bank, Consultation("R", "T", "B"))


def states(**values: str | None) -> dict[str, str]:
    ids = ["AI", "CLOUD", "A1", "A2", "BOTH", "EITHER", "CHAIN"]
    answers = {}
    for qid in ids:
        value = values.get(qid, "no")
        answers[qid] = (Answer(qid, AnswerState.UNANSWERED) if value is None
                        else Answer(qid, AnswerState.ANSWERED, value))
    result = apply_conditions(questionnaire(), answers)
    return {qid: "n/a" for qid in ids
            if result[qid].state is AnswerState.NOT_APPLICABLE_BY_CONDITION} | {
        qid: "applies" for qid in ids
        if result[qid].state is not AnswerState.NOT_APPLICABLE_BY_CONDITION}


def test_a_criterion_condition_switches_its_whole_section_off() -> None:
    result = states(AI="no", CLOUD="yes")
    assert (result["A1"], result["A2"]) == ("n/a", "n/a")
    # CHAIN asks about A1 = no; A1 does not apply, so neither does CHAIN.
    assert result["CHAIN"] == "n/a"
    assert (result["BOTH"], result["EITHER"]) == ("n/a", "applies")


def test_all_of_needs_every_answer_and_any_of_one() -> None:
    assert states(AI="yes", CLOUD="yes")["BOTH"] == "applies"
    assert states(AI="yes", CLOUD="no")["BOTH"] == "n/a"
    assert states(AI="no", CLOUD="no")["EITHER"] == "n/a"
    assert states(AI="yes", CLOUD="no", A1="no")["CHAIN"] == "applies"


def test_an_unanswered_gate_leaves_its_dependants_to_answer() -> None:
    # A vendor never gains by skipping the question a condition depends on.
    result = states(AI=None, CLOUD="no")
    assert (result["A1"], result["BOTH"], result["EITHER"]) == ("applies", "n/a", "applies")
