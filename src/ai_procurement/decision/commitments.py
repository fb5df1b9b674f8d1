"""The winning offer's binding commitments, for the commitments annex of the contract.

A question whose ``verification`` is ``commitment`` asks for something the vendor will
be held to during the contract: a delay, a support period, "never trains on your data".
Once the offer is chosen, these answers must enter the contract, or they were promises
scored for nothing. :func:`binding_commitments` lists them, question by question, with
the answer in both languages, the vendor's comment and its evidence, ready for an annex.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ai_procurement.answers import AnswerState
from ai_procurement.bank.model import (
    DateAnswer,
    FreeText,
    MultipleChoice,
    Number,
    Question,
    Scale,
    SingleChoice,
    Verification,
    YesNo,
)
from ai_procurement.decision.scoring import Evaluation
from ai_procurement.errors import ScoringError
from ai_procurement.text import Text, msg

__all__ = ["Commitment", "binding_commitments"]


@attrs.frozen
class Commitment:
    """One answer of an offer that binds the vendor during the contract.

    Attributes:
        vendor: whose offer it is.
        criterion_id: the criterion of the question.
        question_id: the question.
        question: the question as published.
        answer: the answer, in French and English (an option's label, a number with its
            unit, a date, a text).
        comment: the vendor's comment on its answer, as written.
        evidence: the evidence the vendor gave (document, page, link), as written.
    """

    vendor: str
    criterion_id: str
    question_id: str
    question: Text
    answer: Text
    comment: str = ""
    evidence: str = ""


def binding_commitments(evaluation: Evaluation,
                        vendor: str | None = None) -> tuple[Commitment, ...]:
    """Return the binding commitments of the winning offer, or of ``vendor``.

    The commitments are the answered questions whose ``verification`` is
    ``commitment``, in questionnaire order. Unanswered questions, "not applicable"
    answers and questions that do not apply by condition commit to nothing and are
    left out.

    Args:
        evaluation: the result of :func:`ai_procurement.decision.scoring.evaluate`.
        vendor: the offer to read; None reads the offer ranked first.

    Raises:
        ScoringError: ``vendor`` is None and no single offer is ranked first (no
            compliant offer, or a tie), or ``vendor`` is not in the evaluation.
    """
    if vendor is None:
        first = [v.vendor for v in evaluation.ranking if v.rank == 1]
        if len(first) != 1:
            raise ScoringError(
                "no single offer is ranked first "
                f"({', '.join(first) if first else 'no compliant offer'}); name the vendor "
                "whose commitments to list")
        vendor = first[0]
    elif vendor not in {v.vendor for v in evaluation.vendors}:
        raise ScoringError(f"unknown vendor {vendor!r}; the evaluation holds "
                           f"{sorted(v.vendor for v in evaluation.vendors)}")
    bank = evaluation.questionnaire.bank
    found: list[Commitment] = []
    for line in evaluation.lines_for(vendor):
        question = bank.question(line.question_id)
        if (question.verification is not Verification.COMMITMENT
                or line.state is not AnswerState.ANSWERED or line.value is None):
            continue
        found.append(Commitment(vendor, line.criterion_id, question.id, question.text,
                                answer_text(question, line.value), line.justification,
                                line.evidence))
    return tuple(found)


def answer_text(question: Question, value: object) -> Text:
    """Return an answer to ``question`` as a reader sees it, in French and English."""
    spec = question.answer
    if isinstance(spec, YesNo):
        return msg("Yes") if value == "yes" else msg("No")
    if isinstance(spec, SingleChoice | MultipleChoice):
        labels = {o.id: o.label for o in spec.options}
        chosen = (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]
        texts = [labels[c] for c in chosen if c in labels]
        return Text(" ; ".join(t.fr for t in texts), "; ".join(t.en for t in texts))
    if isinstance(spec, Scale):
        for level in spec.levels:
            if level.value == value:
                return level.descriptor
    if isinstance(spec, Number) and isinstance(value, int | float):
        number = f"{value:g}"
        return msg("{number} {spec_unit}", spec_unit=spec.unit,
                   number=Text(fr=number.replace('.', ','), en=format(number, '')))
    if isinstance(spec, DateAnswer) and isinstance(value, dt.date):
        return Text(value.strftime("%d/%m/%Y"), value.isoformat())
    if isinstance(spec, FreeText) and isinstance(value, str):
        return Text(value, value)
    return Text(str(value), str(value))
