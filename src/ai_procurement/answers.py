"""What a vendor answered, in memory: the answer model shared by readers and scoring.

Readers of returned workbooks produce these; scoring, robustness and the deliverables
consume them. No file format lives here, so the decision code never sits above Excel
I/O. :func:`apply_conditions` decides, as a pure function, which questions do not apply
given earlier answers.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

from ai_procurement.bank.model import AllOf, AnyOf, Applicability, effective_condition
from ai_procurement.bidders import BidderIdentity
from ai_procurement.findings import Finding, Severity
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.text import Lang, msg, nmsg, pmsg, visible

__all__ = [
    "Answer",
    "AnswerState",
    "AnswerValue",
    "EvidenceRef",
    "Finding",
    "Report",
    "Response",
    "Severity",
    "apply_conditions",
    "condition_holds",
]

AnswerValue = str | int | float | dt.date | tuple[str, ...] | Mapping[str, float]


class AnswerState(enum.Enum):
    """The state of a question in a returned file; each is scored differently."""

    ANSWERED = "answered"
    UNANSWERED = "unanswered"
    NOT_APPLICABLE = "not-applicable"
    """The vendor answered "not applicable" (see ``Answer.justification``)."""
    NOT_APPLICABLE_BY_CONDITION = "not-applicable-by-condition"
    """The question does not apply, given an earlier answer."""


@attrs.frozen
class EvidenceRef:
    """Where the vendor says its evidence is: a document and page, and/or a link."""

    document: str = ""
    page: str = ""
    link: str = ""

    @property
    def given(self) -> bool:
        """True when a document or a link is named."""
        return bool(self.document.strip() or self.link.strip())

    def __reduce__(self) -> tuple[type[EvidenceRef], tuple[str, str, str]]:
        # Its fields in order (attrs' own state is a dict set field by field): returned
        # files read on every core come back pickled, 150 answers each.
        return EvidenceRef, (self.document, self.page, self.link)


@attrs.frozen
class Answer:
    """What a vendor answered to one question, as read from its file.

    ``value`` depends on the answer type: an option id (yes/no, single choice), a tuple
    of option ids (multiple choice), an int level (scale), a float (number), a date, a
    string (free text) or a mapping of cost item id to amount (price). ``notes`` lists the
    normalisations applied while reading (e.g. a decimal comma).
    """

    question_id: str
    state: AnswerState
    value: AnswerValue | None = None
    justification: str = ""
    evidence: EvidenceRef = EvidenceRef()
    cell: str = ""
    notes: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[Answer], tuple[Any, ...]]:
        # Its fields in order: half the time of attrs' state, both ways (a returned file
        # read in a worker comes back pickled).
        return Answer, (self.question_id, self.state, self.value, self.justification,
                        self.evidence, self.cell, self.notes)


@attrs.frozen
class Report:
    """Every problem found in one file. ``ok`` when no error blocks scoring."""

    file: str
    sha256: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block scoring."""
        return tuple(f for f in self.findings if f.severity == "error")

    def to_text(self, lang: Lang = "fr") -> str:
        """The report as plain text a buyer can forward to the vendor.

        One line per finding; nothing read from the file can add a line (see
        :meth:`Finding.describe`).
        """
        errors = len(self.errors)
        warnings = len(self.findings) - errors
        verdict = pmsg("verdict", "accepted") if self.ok else pmsg("verdict", "to be corrected")
        counts = (nmsg("{n} error", "{n} errors", errors),
                  nmsg("{n} warning", "{n} warnings", warnings))
        head = [msg("File: {file}", file=visible(self.file)),
                msg("SHA-256: {sha256}", sha256=self.sha256),
                msg("Verdict: {verdict} ({errors}, {warnings})", verdict=verdict,
                    errors=counts[0], warnings=counts[1])]
        return "\n".join([*(h.get(lang) for h in head), "",
                          *(f.describe(lang) for f in self.findings)]) + "\n"


@attrs.frozen
class Response:
    """A returned workbook, read: the vendor token it carries, its answers and report.

    ``bidder`` is the identification block a generic (open call) workbook carries, as
    the bidder filled it; None for a workbook issued to a named vendor, or one whose
    identity could not be read.
    """

    file: str
    vendor_token: str
    answers: Mapping[str, Answer]
    report: Report
    lang: Lang = "fr"
    bidder: BidderIdentity | None = None


def apply_conditions(questionnaire: Questionnaire,
                     answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Mark every question whose condition is not met "not applicable by condition".

    The one place that decides applicability. A question applies when its criterion's
    condition (``Criterion.applies_if``) and its own both hold; a condition may combine
    several answers (``all_of`` / ``any_of``). Conditions refer to earlier questions only
    (:func:`~ai_procurement.bank.model.check_bank`), so one pass in questionnaire order
    settles chains: a question whose gate does not apply does not apply either.

    Returns a new mapping; such questions lose their value. An unanswered gate leaves
    its dependants applicable: a vendor never gains by skipping the question a
    condition depends on.
    """
    result = dict(answers)
    for criterion, q in questionnaire.bank.questions():
        condition = effective_condition(criterion, q)
        if condition is not None and q.id in result and not condition_holds(condition,
                                                                            result):
            result[q.id] = attrs.evolve(result[q.id],
                                        state=AnswerState.NOT_APPLICABLE_BY_CONDITION,
                                        value=None)
    return result


def condition_holds(condition: Applicability, answers: Mapping[str, Answer]) -> bool:
    """Whether ``condition`` holds given ``answers`` (already passed through conditions).

    A single condition holds when its gate is unanswered (or absent) or answered with
    one of the listed options; it fails when the gate was answered otherwise, answered
    "not applicable" or does not apply itself.
    """
    if isinstance(condition, AllOf):
        return all(condition_holds(part, answers) for part in condition.all_of)
    if isinstance(condition, AnyOf):
        return any(condition_holds(part, answers) for part in condition.any_of)
    gate = answers.get(condition.question)
    if gate is None or gate.state is AnswerState.UNANSWERED:
        return True
    if gate.state is not AnswerState.ANSWERED:
        return False
    value = gate.value
    values = set(value) if isinstance(value, tuple) else {value}
    return bool(values & set(condition.any_of))
