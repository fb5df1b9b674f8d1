"""Evaluators' work survives change: review workbooks per offer version.

An offer version is an offer (its label in the evaluation) and the SHA-256 of the file
read for it: a regularised or negotiated offer is a new file, so a new version. Every
review workbook the tool issues is recorded in the audit trail (``review-issued``) with
the versions it was written for; it is read with exactly those, whatever arrived or
left since, and its scores count only for the versions still evaluated.

``review`` issues workbooks only for versions an evaluator has not received yet, under
a new name (``claire-martin-lot-1-suite-2.xlsx``...): a workbook an evaluator may have
filled is never written again, ``--force`` or not. Each offer keeps its blind code
("Offre C") in every workbook of its lot, for every evaluator: the letter is assigned
when the offer is first issued and recorded with the workbook (:func:`review_letters`).
:func:`review_problems` lists what
still blocks a final evaluation: a score missing, a workbook not returned, scores given
on an earlier version of an offer, a declared conflict of interest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from ai_procurement.errors import CampaignError
from ai_procurement.text import Lang, Text, msg, nmsg

__all__ = ["IssuedReview", "ReviewProblem", "ReviewsIncompleteError",
           "issued_reviews", "next_review_path", "review_letters", "review_problems"]

@attrs.frozen
class IssuedReview:
    """A review workbook the tool issued, as the audit trail recorded it.

    ``versions`` maps each offer of the workbook to the SHA-256 of the file it showed;
    empty for a workbook issued before versions were recorded (its scores then count
    for whatever version is evaluated, as they did). ``letters`` maps each offer to the
    letter of its blind code; empty for a workbook coded A, B... in the sorted order
    of its offers (issued before codes were kept across workbooks).
    """

    file: str
    evaluator: str
    lot: str
    offers: tuple[str, ...]
    versions: Mapping[str, str] = attrs.field(factory=dict)
    letters: Mapping[str, str] = attrs.field(factory=dict)


def issued_reviews(records: Sequence[Mapping[str, Any]]) -> dict[str, IssuedReview]:
    """The review workbooks issued, by file name (``reviews/x.xlsx``), from audit records.

    The last issue of a file counts (a file of an earlier tool version may have been
    issued again).
    """
    issued: dict[str, IssuedReview] = {}
    for record in records:
        offers = record.get("offers")
        if record.get("event") != "review-issued" or not isinstance(offers, list):
            continue
        versions = record.get("versions")
        letters = record.get("letters")
        name = str(record.get("file", ""))
        issued[name] = IssuedReview(
            name, str(record.get("evaluator", "")), str(record.get("lot", "")),
            tuple(str(o) for o in offers),
            {str(k): str(v) for k, v in versions.items()} if isinstance(versions, dict)
            else {},
            {str(k): str(v) for k, v in letters.items()} if isinstance(letters, dict)
            else {})
    return issued


def review_letters(issued: Mapping[str, IssuedReview], lot: str,
                   offers: Sequence[str]) -> dict[str, str]:
    """The letter of each offer's blind code in a lot, the same in every workbook.

    An offer keeps the letter it was first issued under (whoever the evaluator, whatever
    its version); an offer never issued takes the first letter no offer of the lot holds,
    in the sorted order of the names. The first workbooks of a lot are thus coded A,
    B... in sorted order, as workbooks issued before letters were recorded (whose
    letters count where they clash with none).

    Args:
        issued: every workbook issued, in the order of the audit trail
            (:func:`issued_reviews`; those deleted since count too).
        lot: the lot's id.
        offers: the offers to code.
    """
    from ai_procurement._office.xlsx import column_letter

    taken: dict[str, str] = {}
    for review in issued.values():
        if review.lot != lot:
            continue
        letters = review.letters or {offer: column_letter(i) for i, offer in
                                     enumerate(sorted(review.offers), start=1)}
        for offer, letter in letters.items():
            if offer not in taken and letter not in taken.values():
                taken[offer] = letter
    used = set(taken.values())
    number = 1
    for offer in sorted(o for o in offers if o not in taken):
        while column_letter(number) in used:
            number += 1
        taken[offer] = column_letter(number)
        used.add(taken[offer])
    return {offer: taken[offer] for offer in offers}


def covered(issued: Mapping[str, IssuedReview], evaluator: str, lot: str,
            versions: Mapping[str, str]) -> set[str]:
    """The offers whose current version ``evaluator`` already received a workbook for."""
    done: set[str] = set()
    for review in issued.values():
        if review.evaluator != evaluator or review.lot != lot:
            continue
        for offer in review.offers:
            if offer in versions and review.versions.get(offer, versions[offer]) == versions[
                    offer]:
                done.add(offer)
    return done


def next_review_path(folder: Path, stem: str, taken: Sequence[str]) -> Path:
    """The first name for a new workbook of ``stem`` that no file or record holds.

    ``<stem>.xlsx`` first, then ``<stem>-suite-2.xlsx``, ``-suite-3``...
    """
    number = 1
    while True:
        name = f"{stem}.xlsx" if number == 1 else f"{stem}-suite-{number}.xlsx"
        if not (folder / name).exists() and f"reviews/{name}" not in taken:
            return folder / name
        number += 1


@attrs.frozen
class ReviewProblem:
    """What keeps an evaluator's scores of one offer version from being complete.

    Attributes:
        evaluator: the evaluator.
        offer: the offer, as the evaluation names it.
        lot: the lot's id ("" without lots).
        kind: ``"not-issued"`` (no workbook for this version yet: run ``review``),
            ``"missing"`` (the workbook is not returned or some answers have no level),
            ``"stale"`` (the scores were given on another version of the offer) or
            ``"conflict"`` (every evaluator of the lot declared a conflict of interest;
            one who declares it while others remain simply stands aside).
        file: the workbook to fill or that holds the stale scores ("" if none).
        questions: the questions still without a level from this evaluator.
        current: for a stale review, the workbook already issued for the current
            version, to fill ("" when ``review`` has not issued it yet).
    """

    evaluator: str
    offer: str
    lot: str
    kind: Literal["not-issued", "missing", "stale", "conflict"]
    file: str = ""
    questions: tuple[str, ...] = ()
    current: str = ""

    @property
    def message(self) -> Text:
        """What is wrong and what to do, in French and English."""
        who, offer = self.evaluator, self.offer
        lot = msg(" (lot {lot})", lot=self.lot) if self.lot else Text("", "")
        shown = ", ".join(self.questions[:12]) + (" …" if len(self.questions) > 12 else "")
        if self.kind == "not-issued":
            return msg("{who} has no review workbook for offer {offer}{lot} as it now stands: "
                       "run 'ai-procurement review' to issue it (only new workbooks are "
                       "written), then have it filled.", lot=lot, who=who, offer=offer)
        if self.kind == "stale" and self.current:
            return msg("{who}'s scores for offer {offer}{lot} ({file}) were given on an earlier "
                       "version of the offer: they do not count. Have {current}, issued for the "
                       "current version, filled and put it in reviews/.", lot=lot, who=who,
                       offer=offer, file=self.file, current=self.current)
        if self.kind == "stale":
            return msg("{who}'s scores for offer {offer}{lot} ({file}) were given on an earlier "
                       "version of the offer: they do not count. Run 'ai-procurement review' to "
                       "issue the workbook of the current version and have it filled.", lot=lot,
                       who=who, offer=offer, file=self.file)
        if self.kind == "conflict":
            return msg("{who} declared a conflict of interest ({file}): their scores of offer "
                       "{offer}{lot} are not used. Decide: replace the evaluator or remove them "
                       "from campaign.yaml.", lot=lot, who=who, file=self.file, offer=offer)
        return nmsg("{who} has not scored offer {offer}{lot}: {n} answer without a level "
                    "({shown}). Have {file} filled and put it in reviews/.",
                    "{who} has not scored offer {offer}{lot}: {n} answers without a level "
                    "({shown}). Have {file} filled and put it in reviews/.",
                    len(self.questions), lot=lot, who=who, offer=offer, shown=shown,
                    file=self.file)


def review_problems(lot: str, evaluators: Sequence[str], required: Mapping[str, Sequence[str]],
                    scored: Mapping[tuple[str, str], set[str]],
                    workbooks: Mapping[tuple[str, str], str],
                    stale: Mapping[tuple[str, str], str],
                    conflicts: Mapping[str, str]) -> list[ReviewProblem]:
    """Every (evaluator, offer) whose scores are not complete (pure; see the class).

    Args:
        lot: the lot's id.
        evaluators: the lot's evaluators, in order.
        required: offer -> the questions each evaluator must give a level for.
        scored: (evaluator, offer) -> the questions they gave a level for, on the
            current version, in a workbook without errors.
        workbooks: (evaluator, offer) -> the workbook issued for the current version.
        stale: (evaluator, offer) -> a workbook holding scores of another version.
        conflicts: evaluator -> the workbook in which they declared a conflict.
    """
    found: list[ReviewProblem] = []
    # An evaluator who declared a conflict of interest stands aside: the others' scores
    # make the evaluation (the memo names them), unless no one is left to score.
    free = [e for e in evaluators if e not in conflicts]
    for evaluator in free or evaluators:
        for offer in sorted(required):
            needed = [q for q in required[offer] if q not in scored.get((evaluator, offer),
                                                                        set())]
            if not needed:
                continue
            key = (evaluator, offer)
            if evaluator in conflicts:
                found.append(ReviewProblem(evaluator, offer, lot, "conflict",
                                           conflicts[evaluator], tuple(needed)))
            elif key in stale and len(needed) == len(required[offer]):
                found.append(ReviewProblem(evaluator, offer, lot, "stale", stale[key],
                                           tuple(needed), workbooks.get(key, "")))
            elif key not in workbooks:
                found.append(ReviewProblem(evaluator, offer, lot, "not-issued", "",
                                           tuple(needed)))
            else:
                found.append(ReviewProblem(evaluator, offer, lot, "missing", workbooks[key],
                                           tuple(needed)))
    return found


def describe(problems: Sequence[ReviewProblem], lang: Lang) -> list[str]:
    """One line per problem, in ``lang``."""
    return [p.message.get(lang) for p in problems]


class ReviewsIncompleteError(CampaignError):
    """``evaluate`` without every required score, and no draft asked for.

    Attributes:
        problems: every missing, stale or unusable review, per evaluator and offer.
    """

    def __init__(self, problems: Sequence[ReviewProblem]) -> None:
        self.problems = tuple(problems)
        head = nmsg("{n} evaluator score missing or unusable; the evaluation would rest on "
                    "incomplete reviews:", "{n} evaluator scores missing or unusable; the "
                    "evaluation would rest on incomplete reviews:", len(self.problems))
        tail = msg("Complete them, or ask for a draft (draft=True, --draft on the command "
                   "line): marked as such on every page, without debrief letters or award "
                   "proposal.")
        texts = [head, *(msg("  - {problem}", problem=p.message) for p in self.problems), tail]
        super().__init__(Text.joined(texts))
