"""Check reports as letters: one for the buyer, one with what may be sent to the bidder.

``ai-procurement check`` reads every returned workbook and reports its problems. The
report is a Word letter on the buyer's letterhead (buyer, consultation, lot, bidder,
date), in two documents:

- **for the buyer** (``<file>.<lang>.docx``): every problem, errors apart from warnings,
  and which of them may be sent to the bidder at this stage, and why;
- **for the bidder** (``<file>.<lang>.candidat.docx``, ``.bidder.docx`` in English): only
  what may be sent. Before the deadline for offers a vendor may still correct its file,
  so every problem may be sent. After it, a buyer may only ask for clarifications that
  change nothing of substance, or invite every bidder whose offer is irregular to
  regularise it (R2152-2 of the code de la commande publique: never an abnormally-low
  offer, never a change of substance). Asking it to add answers or evidence would let it
  improve its offer: such points stay in the buyer's part.

The file's SHA-256 never appears in a letter: it is in the audit trail. A warning on a
question that does not apply (given an earlier answer) is not repeated: only the one
saying its answer is ignored is kept. :func:`to_pdf` converts the letters with
LibreOffice when it is installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import attrs

from ai_procurement._office.docx import WordDocument
from ai_procurement.answers import Answer, AnswerState, Report
from ai_procurement.deliverables.document import new_document
from ai_procurement.deliverables.view import Formatter
from ai_procurement.findings import Finding
from ai_procurement.questionnaire import Consultation
from ai_procurement.text import Lang, msg, nmsg, pmsg, visible

__all__ = ["BIDDER_ROUTES", "CheckLetters", "check_letters", "move_aside", "sendable",
           "shown_findings", "to_pdf"]

Route = Literal["clarify", "regularise"]

BIDDER_ROUTES: Mapping[str, Route] = {
    # Ambiguities the bidder may clarify without changing its offer (DAJ form OUV6).
    "identity-mismatch": "clarify",
    "identification-missing": "regularise",
    "invalid-date": "clarify",
    "na-and-answer": "clarify",
    "contradictory-options": "clarify",
    "declaration-undated": "clarify",
    # Irregularities every irregular bidder may be invited to regularise (R2152-2).
    "formula": "regularise",
    "cell-error": "regularise",
    "invalid-value": "regularise",
    "bad-value": "regularise",
    "identity-missing": "regularise",
    "identity-edited": "regularise",
    "row-deleted": "regularise",
    "row-edited": "regularise",
    "question-edited": "regularise",
    "sheet-missing": "regularise",
    "cell-too-long": "regularise",
    "na-invalid": "regularise",
    # The bidder identification block of an open call's workbook: the deposit register
    # says whose offer it is; a regularisation may complete the block.
    "bidder-name-missing": "regularise",
    "registration-missing": "regularise",
    "registration-invalid": "clarify",
    "offer-type-missing": "regularise",
    "variant-number": "clarify",
}
"""What may be sent to a bidder after the deadline, by finding code. Any other problem
(a missing answer, justification or piece of evidence, a file changed since opening...)
stays with the buyer once the deadline has passed. A missing price is not regularisable:
completing it would change the offer's price, a substantial feature (R2152-2), as the
regularisation round also holds."""

_MAX_FINDINGS = 200
"""Findings listed in one letter; a file with more says how many were left out."""


@attrs.frozen
class CheckLetters:
    """The check letters of one returned file, as bytes to write.

    Attributes:
        buyer: the buyer's letter (every problem).
        bidder: what may be sent to the bidder; None when nothing may be sent.
    """

    buyer: bytes
    bidder: bytes | None


def shown_findings(report: Report, answers: Mapping[str, Answer]) -> list[Finding]:
    """The findings of ``report`` worth reading, errors first, each once.

    A question that does not apply given an earlier answer keeps only the warning that
    says so; identical lines are given once.
    """
    seen: set[str] = set()
    kept: list[Finding] = []
    for finding in sorted(report.findings, key=lambda f: f.severity != "error"):
        answer = answers.get(finding.question_id) if finding.question_id else None
        if (finding.severity == "warning" and answer is not None
                and answer.state is AnswerState.NOT_APPLICABLE_BY_CONDITION
                and finding.code != "answered-not-applicable"):
            continue
        line = finding.describe("fr") + finding.describe("en")
        if line not in seen:
            seen.add(line)
            kept.append(finding)
    return kept


def sendable(findings: Sequence[Finding], *, after_deadline: bool
             ) -> list[tuple[Finding, Route | None]]:
    """The findings that may be sent to the bidder, with their route after the deadline.

    Before the deadline every finding may be sent (route None: the vendor corrects its
    file). After it, only those of :data:`BIDDER_ROUTES`.
    """
    if not after_deadline:
        return [(f, None) for f in findings]
    return [(f, BIDDER_ROUTES[f.code]) for f in findings if f.code in BIDDER_ROUTES]


def check_letters(report: Report, answers: Mapping[str, Answer], *,
                  consultation: Consultation, lang: Lang, day: dt.date,
                  bidder: str | None = None, lot: str = "", after_deadline: bool = False,
                  pdf_note: bool = False) -> CheckLetters:
    """The buyer's letter and the bidder's letter for one checked file.

    Args:
        report: the file's report.
        answers: the answers read (to know which questions do not apply).
        consultation: gives the letterhead (buyer, contact, reference, title).
        lang: the letters' language.
        day: the date printed on the letters.
        bidder: the bidder or vendor the file is from, when known.
        lot: the lot's id and title, when the consultation has lots.
        after_deadline: the deadline for offers has passed: only clarifications and
            regularisations may be sent.
        pdf_note: say in the buyer's letter that no PDF was made (LibreOffice missing).

    Returns:
        The two letters' bytes; ``bidder`` is None when nothing may be sent.
    """
    findings = shown_findings(report, answers)
    # After the deadline only a registered offer's bidder may be written to.
    orphan = after_deadline and bidder is None
    routes = [] if orphan else sendable(findings, after_deadline=after_deadline)
    f = Formatter(lang)
    buyer = _letter(f, consultation, day, report, bidder, lot, for_bidder=False)
    _buyer_body(buyer, f, report, findings, routes, after_deadline, pdf_note, orphan)
    buyer_bytes = buyer.save(day)
    if not routes:
        return CheckLetters(buyer_bytes, None)
    letter = _letter(f, consultation, day, report, bidder, lot, for_bidder=True)
    _bidder_body(letter, f, routes, after_deadline, consultation)
    return CheckLetters(buyer_bytes, letter.save(day))


def _letter(f: Formatter, consultation: Consultation, day: dt.date, report: Report,
            bidder: str | None, lot: str, *, for_bidder: bool) -> WordDocument:
    """The letterhead and the table naming the consultation and the file."""
    title = (f.t(msg("Check of your offer")) if for_bidder
             else f.t(msg("Check report of an offer (for the buyer)")))
    d = new_document(f.lang, title=title, subject=consultation.title,
                     author=consultation.buyer, generated=day)
    d.vertical_margins(1.5)
    d.footer(f"{f.text(consultation.buyer, 80)} – {f.text(consultation.reference, 60)}")
    d.paragraph(("b", f.text(consultation.buyer, 300)))
    if consultation.contact:
        d.paragraph(f.text(consultation.contact, 300))
    if for_bidder and bidder:
        d.paragraph(("b", f.text(bidder, 200)), align="r")
    d.paragraph(f.t(pmsg("letter date", "{date}", date=f.date(day))), align="r")
    d.gap()
    d.heading(title, 1)
    rows = [(f.t(msg("Consultation")),
             f"{f.text(consultation.reference, 200)} – {f.text(consultation.title, 300)}")]
    if lot:
        rows.append((f.t(msg("Lot")), f.text(lot, 300)))
    rows.append((f.t(msg("Bidder")),
                 f.text(bidder, 200) if bidder else f.t(msg("not identified"))))
    rows.append((f.t(msg("File")), f.text(visible(report.file), 300)))
    if consultation.deadline is not None:
        rows.append((f.t(msg("Deadline for offers")),
                     f.date(consultation.deadline)))
    d.key_values(rows)
    return d


def _where(f: Formatter, finding: Finding) -> str:
    parts = []
    if finding.sheet:
        parts.append(finding.sheet + (f"!{finding.cell}" if finding.cell else ""))
    elif finding.part:
        parts.append(finding.part)
    if finding.question_id:
        parts.append(finding.question_id)
    return f.text(visible(" / ".join(parts)), 200) if parts else "–"


def _table(d: WordDocument, f: Formatter, findings: Sequence[Finding]) -> None:
    shown = findings[:_MAX_FINDINGS]
    d.table([f.t(msg("Where")), f.t(msg("Finding and what to do"))],
            [[_where(f, x), f.text(visible(x.message.get(f.lang)), 2000)] for x in shown],
            [4.0, 13.0])
    if len(findings) > len(shown):
        d.paragraph(f.t(nmsg("… and {n} more, not shown here.", "… and {n} more, not shown here.",
                             len(findings) - len(shown))))


def _buyer_body(d: WordDocument, f: Formatter, report: Report, findings: Sequence[Finding],
                routes: Sequence[tuple[Finding, Route | None]], after_deadline: bool,
                pdf_note: bool, orphan: bool) -> None:
    errors = [x for x in findings if x.severity == "error"]
    warnings = [x for x in findings if x.severity == "warning"]
    verdict = (f.t(msg("the file can be evaluated")) if report.ok
               else f.t(msg("the file cannot be evaluated as it is")))
    d.paragraph(("b", f.t(msg("Verdict: "))), verdict + f.t(
        msg(" ({errors}, {warnings}).", errors=nmsg("{n} error", "{n} errors", len(errors)),
            warnings=nmsg("{n} warning", "{n} warnings", len(warnings)))))
    d.heading(f.t(msg("Errors ({len_errors})", len_errors=len(errors))), 1)
    if errors:
        d.paragraph(f.t(msg("An error prevents using the file or the answer concerned.")))
        _table(d, f, errors)
    else:
        d.paragraph(f.t(msg("No error.")))
    d.heading(f.t(msg("Warnings ({len_warnings})", len_warnings=len(warnings))), 1)
    if warnings:
        _table(d, f, warnings)
    else:
        d.paragraph(f.t(msg("No warning.")))
    d.heading(f.t(msg("What may be sent to the bidder")), 1)
    if not after_deadline:
        d.paragraph(f.t(
            msg("The deadline for offers has not passed: the vendor may still correct its file. "
                "The document \"for the bidder\" repeats every point above.")))
    else:
        held = len(findings) - len(routes)
        d.paragraph(f.t(
            msg("The deadline for offers has passed: the offer can no longer be completed or "
                "improved. Only a request to clarify an ambiguous point, which changes nothing "
                "in the offer, and an invitation to regularise an irregular offer (French public "
                "procurement code, R2152-2), made to every bidder whose offer is irregular, "
                "never to an abnormally-low offer, without changing its substantial "
                "characteristics, may be sent to the bidder.")))
        d.paragraph(f.t(
            msg("{sent} in the document \"for the bidder\"; {held} with the buyer (missing "
                "answers, justifications or evidence: asking for them would let the bidder "
                "improve its offer).",
                sent=nmsg("{n} point is", "{n} points are", len(routes)),
                held=nmsg("{n} point stays", "{n} points stay", held))))
    if orphan:
        d.paragraph(f.t(msg("This file belongs to no offer registered at opening: it has no one "
                            "to be sent to.")))
    if not routes:
        d.paragraph(f.t(msg("Nothing is to be sent to the bidder at this stage: no document "
                            "\"for the bidder\" is produced.")))
    d.paragraph(("i", f.t(
        msg("The SHA-256 fingerprint of the file checked is recorded in the audit trail "
            "(audit.jsonl) of the consultation folder."))))
    if pdf_note:
        d.paragraph(("i", f.t(
            msg("No PDF version was produced: LibreOffice (soffice) is not installed on this "
                "computer."))))


def _bidder_body(d: WordDocument, f: Formatter,
                 routes: Sequence[tuple[Finding, Route | None]], after_deadline: bool,
                 consultation: Consultation) -> None:
    d.paragraph(f.t(msg("Dear Sir or Madam,")))
    if not after_deadline:
        d.paragraph(f.t(
            msg("The check of the questionnaire you sent us found the points below. You may "
                "deposit a corrected file until the deadline for offers.")))
        _table(d, f, [x for x, _ in routes])
    clarify = [x for x, route in routes if route == "clarify"]
    regularise = [x for x, route in routes if route == "regularise"]
    if clarify:
        d.heading(f.t(msg("Request for clarification")), 1)
        d.paragraph(f.t(
            msg("Please clarify the following points of your offer. Your clarifications may "
                "change neither its content nor its price.")))
        _table(d, f, clarify)
    if regularise:
        d.heading(f.t(msg("Invitation to regularise")), 1)
        d.paragraph(f.t(
            msg("Under article R2152-2 of the French public procurement code, we invite you to "
                "regularise the following points of your offer within the time given below. "
                "Regularisation may not change the substantial characteristics of the offer.")))
        _table(d, f, regularise)
        d.paragraph(f.t(msg("Reply by: ………………………… (to be completed by the buyer)")))
    d.gap()
    d.paragraph(f.t(msg("Yours faithfully,")))
    d.paragraph(("b", f.text(consultation.buyer, 300)), align="r")


def move_aside(paths: Sequence[Path], folder: Path, day: dt.date) -> list[Path]:
    """Move ``paths`` into ``folder/<day>/`` (never deleted); return their new paths.

    A name already taken there gets a number (``name (2).docx``), so nothing is lost.
    """
    moved: list[Path] = []
    if not paths:
        return moved
    target = folder / day.isoformat()
    target.mkdir(parents=True, exist_ok=True)
    for path in paths:
        new = target / path.name
        number = 2
        while new.exists():
            new = target / f"{path.stem} ({number}){path.suffix}"
            number += 1
        path.replace(new)
        moved.append(new)
    return moved


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(paths: Sequence[Path], *, timeout: float = 300.0) -> list[Path] | None:
    """Convert Word files to PDF beside them with LibreOffice; None when it is missing.

    One LibreOffice run converts every file (in a private profile, so an open
    LibreOffice window does not block it). A PDF that was not made is left out of the
    returned list.
    """
    command = soffice()
    if command is None:
        return None
    if not paths:
        return []
    made: list[Path] = []
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        by_folder.setdefault(path.parent, []).append(path)
    with tempfile.TemporaryDirectory() as profile:
        for folder, files in by_folder.items():
            subprocess.run(
                [command, f"-env:UserInstallation=file://{profile}", "--headless",
                 "--convert-to", "pdf", "--outdir", os.fspath(folder),
                 *(os.fspath(p) for p in files)],
                check=False, capture_output=True, timeout=timeout)
            made += [p.with_suffix(".pdf") for p in files if p.with_suffix(".pdf").exists()]
    return made
