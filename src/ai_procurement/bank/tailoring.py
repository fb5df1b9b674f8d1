"""Tailoring: a buyer's changes to a bundled bank, kept apart from the bank itself.

A buyer rarely writes a bank from scratch. A tailoring file names the bank it
``extends`` and lists what changes: criteria or questions dropped, weights and texts
overridden, criteria and questions added. :func:`apply_tailoring` returns the new bank;
the result is validated as a whole like any bank.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ai_procurement.bank.model import Bank, Criterion, Question
from ai_procurement.errors import Problem
from ai_procurement.text import Text, msg

__all__ = ["Tailoring", "apply_tailoring"]


@attrs.frozen
class Tailoring:
    """A buyer's changes to the bank it ``extends`` (a bundled bank's id, or a path)."""

    extends: str
    id: str
    version: str
    title: Text | None = None
    description: Text | None = None
    drop: tuple[str, ...] = ()
    weights: Mapping[str, float] = attrs.field(factory=dict)
    texts: Mapping[str, Text] = attrs.field(factory=dict)
    add_criteria: tuple[Criterion, ...] = ()
    add_questions: Mapping[str, tuple[Question, ...]] = attrs.field(factory=dict)
    format: int = 1


def apply_tailoring(base: Bank, tailoring: Tailoring) -> tuple[Bank, list[Problem]]:
    """Apply ``tailoring`` to ``base``.

    Returns the tailored bank and the problems of the tailoring itself (ids it names that
    do not exist in the base bank). The caller validates the result with
    :func:`~ai_procurement.bank.model.check_bank`.
    """
    problems: list[Problem] = []
    criterion_ids = {c.id for c in base.criteria}
    question_ids = {q.id for _, q in base.questions()}
    known = criterion_ids | question_ids
    for index, item in enumerate(tailoring.drop):
        if item not in known:
            problems.append(Problem(f"$.drop[{index}]", _unknown(item, base)))
    for name, mapping in (("weights", tailoring.weights), ("texts", tailoring.texts)):
        for key in mapping:
            if key not in known:
                problems.append(Problem(f"$.{name}.{key}", _unknown(key, base)))
            elif key in tailoring.drop:
                problems.append(Problem(f"$.{name}.{key}", msg("{key!r} is also dropped",
                                                               key=key)))
    for key in tailoring.add_questions:
        if key not in criterion_ids and key not in {c.id for c in tailoring.add_criteria}:
            problems.append(Problem(f"$.add_questions.{key}", msg(
                "unknown criterion {key!r} of {bank!r}", key=key, bank=base.id)))

    dropped = set(tailoring.drop)
    criteria: list[Criterion] = []
    for criterion in (*base.criteria, *tailoring.add_criteria):
        if criterion.id in dropped:
            continue
        questions = [_tailor_question(q, tailoring) for q in criterion.questions
                     if q.id not in dropped]
        questions += tailoring.add_questions.get(criterion.id, ())
        criteria.append(attrs.evolve(
            criterion,
            weight=tailoring.weights.get(criterion.id, criterion.weight),
            title=tailoring.texts.get(criterion.id, criterion.title),
            questions=tuple(questions)))
    bank = attrs.evolve(
        base,
        id=tailoring.id,
        version=tailoring.version,
        title=tailoring.title or base.title,
        description=tailoring.description or base.description,
        criteria=tuple(criteria))
    return bank, problems


def _unknown(key: str, base: Bank) -> Text:
    return msg("{key!r} is neither a criterion nor a question of {bank!r}", key=key,
               bank=base.id)


def _tailor_question(question: Question, tailoring: Tailoring) -> Question:
    return attrs.evolve(
        question,
        weight=tailoring.weights.get(question.id, question.weight),
        text=tailoring.texts.get(question.id, question.text))
