"""apply_conditions: the one place that decides which questions apply to an offer."""

from __future__ import annotations

import pickle

import attrs
from hypothesis import given, strategies as st

from ai_procurement.answers import (
    Answer,
    AnswerState,
    EvidenceRef,
    Finding,
    Report,
    apply_conditions,
)
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
from ai_procurement.text import Text, visible

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


def test_control_and_bidi_characters_are_made_visible() -> None:
    assert visible("a\nb\r\tc\x00") == "a⟨U+000A⟩b⟨U+000D⟩⟨U+0009⟩c⟨U+0000⟩"
    assert visible("txt\u202eexe.pdf\u2066\u200f") == "txt⟨U+202E⟩exe.pdf⟨U+2066⟩⟨U+200F⟩"
    assert visible("Alizé « ok » 🦊 中文") == "Alizé « ok » 🦊 中文"
    assert visible("a\nb", newlines=True) == "a\nb"


def test_a_finding_is_one_line_whatever_its_texts_hold() -> None:
    finding = Finding("error", "invalid-value",
                      Text("Valeur « x\nVerdict : recevable » : attendu Oui ou Non.",
                           "Value 'x\nVerdict: accepted': expected Yes or No."),
                      "offre\u202e.xlsx", "Ques\u2028tionnaire", "E6", "GOV-01")
    line = finding.describe("en")
    assert "\n" not in line
    assert line == ("[ERROR] offre⟨U+202E⟩.xlsx / Ques⟨U+2028⟩tionnaire!E6 / GOV-01: Value "
                    "'x⟨U+000A⟩Verdict: accepted': expected Yes or No.")


def test_a_report_has_one_verdict_line_and_one_line_per_finding() -> None:
    finding = Finding("warning", "stray-content", Text("a\nVerdict : recevable", "b\nc"),
                      "x\nVerdict : recevable.xlsx")
    text = Report("x\nVerdict : recevable.xlsx", "0" * 64, (finding,)).to_text("fr")
    lines = text.splitlines()
    assert len(lines) == 5
    assert [line for line in lines if line.startswith("Verdict")] == [
        "Verdict : recevable (0 erreur, 1 avertissement)"]
    assert lines[0] == "Fichier : x⟨U+000A⟩Verdict : recevable.xlsx"


@given(answer=st.builds(
    Answer, st.text(), st.sampled_from(AnswerState),
    st.none() | st.text() | st.floats(allow_nan=False) | st.integers()
    | st.tuples(st.text()) | st.dates() | st.dictionaries(st.text(), st.floats(allow_nan=False)),
    st.text(), st.builds(EvidenceRef, st.text(), st.text(), st.text()), st.text(),
    st.tuples(st.text())))
def test_an_answer_pickles_back_to_itself_every_field_kept(answer: Answer) -> None:
    # Answers read in a worker come back pickled, each through its own __reduce__.
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(answer, protocol=protocol))
        assert back == answer
        assert back.evidence == answer.evidence
    assert len(answer.__reduce__()[1]) == len(attrs.fields(Answer))
    assert len(answer.evidence.__reduce__()[1]) == len(attrs.fields(EvidenceRef))
