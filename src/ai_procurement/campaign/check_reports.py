"""Where ``check`` writes its letters, and what it moves aside.

For each returned file ``responses/<file>``, ``reports/`` holds the buyer's letter
``<file>.<lang>.docx`` and, when something may be sent to the bidder at this stage, the
bidder's letter ``<file>.fr.candidat.docx`` (``<file>.en.bidder.docx``); see
:mod:`ai_procurement.deliverables.check_letters`. The CLI adds a PDF of each when
LibreOffice is installed.

Nothing in ``reports/`` is deleted: a report whose returned file is gone, or an earlier
report a new check replaces, is moved into ``reports/archive/<date>/``, and the move is
recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ai_procurement.answers import Response
from ai_procurement.campaign.folder import Campaign, Lot
from ai_procurement.text import Lang

__all__ = ["ARCHIVE", "after_the_deadline", "bidder_letter_name", "move_stale",
           "report_day", "write_check_report"]

ARCHIVE = "archive"
"""The folder of ``reports/`` earlier and stale reports are moved into, by date."""

_SUFFIXES = (".fr.docx", ".en.docx", ".fr.pdf", ".en.pdf", ".fr.candidat.docx",
             ".fr.candidat.pdf", ".en.bidder.docx", ".en.bidder.pdf")


def bidder_letter_name(file: str, lang: Lang) -> str:
    """The name of the bidder's letter of a returned file."""
    return f"{file}.fr.candidat.docx" if lang == "fr" else f"{file}.en.bidder.docx"


def report_day(campaign: Campaign) -> dt.date:
    """The date printed on the letters: ``report_date`` of campaign.yaml, else today."""
    return campaign.config.report_date or dt.date.today()


def after_the_deadline(campaign: Campaign, *, opened: bool,
                       now: dt.datetime | None = None) -> bool:
    """Whether the deadline for offers has passed (the offers were opened, or its date).

    ``opening.deadline`` (date and time) is used when given, else the consultation's
    ``deadline`` (a date: passed the day after).
    """
    if opened:
        return True
    moment = now or dt.datetime.now()
    deadline = campaign.config.opening.deadline
    if deadline is not None:
        return moment.replace(tzinfo=None) > deadline.replace(tzinfo=None)
    day = campaign.config.consultation.deadline
    return day is not None and moment.date() > day


def move_stale(campaign: Campaign, files: Sequence[Path]) -> list[Path]:
    """Move aside the reports of files no longer in ``responses/`` (and old text reports).

    Returns the new paths, in ``reports/archive/<today>/``.
    """
    from ai_procurement.deliverables.check_letters import move_aside

    folder = campaign.root / "reports"
    if not folder.is_dir():
        return []
    names = {p.name for p in files}
    stale = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        source = next((path.name[:-len(s)] for s in _SUFFIXES if path.name.endswith(s)),
                      None)
        if source is None or source not in names:
            stale.append(path)
    moved = move_aside(stale, folder / ARCHIVE, dt.date.today())
    _record_moves(campaign, "stale-report", stale, moved)
    return moved


def _record_moves(campaign: Campaign, reason: str, sources: Sequence[Path],
                  moved: Sequence[Path]) -> None:
    """Record letters moved aside: where they were, where they are, and their SHA-256.

    ``verify`` then knows the archived copies and does not miss the old names.
    """
    from ai_procurement._office.files import sha256_file

    if not moved:
        return
    files = [p.relative_to(campaign.root).as_posix() for p in moved]
    campaign.audit.append(
        "moved-aside", reason=reason, files=files,
        sources=[p.relative_to(campaign.root).as_posix() for p in sources],
        sha256={name: sha256_file(p) for name, p in zip(files, moved, strict=True)})


def write_check_report(campaign: Campaign, file: str, response: Response, *, lot: Lot,
                       who: str | None, lang: Lang, after_deadline: bool,
                       force: bool = False) -> Path:
    """Write the check letters of one returned file; return the buyer's letter's path.

    A letter already holding the same bytes is left as it is; an earlier one that
    differs is moved aside first (``force`` changes nothing: nothing is lost). A bidder's
    letter from an earlier check is moved aside when nothing may be sent any more.
    """
    from ai_procurement._office.files import sha256_file, write_atomic
    from ai_procurement.deliverables.check_letters import check_letters, move_aside, soffice

    del force  # kept for the signature of check(); earlier letters are moved aside
    lots = campaign.lots()
    consultation = campaign.config.consultation
    letters = check_letters(
        response.report, response.answers, consultation=consultation, lang=lang,
        day=report_day(campaign), bidder=who,
        lot=lot.describe(lang) if len(lots) > 1 else "",
        after_deadline=after_deadline, pdf_note=soffice() is None)
    folder = campaign.root / "reports"
    folder.mkdir(exist_ok=True)
    buyer = folder / f"{file}.{lang}.docx"
    bidder = folder / bidder_letter_name(file, lang)
    for path, data in ((buyer, letters.buyer), (bidder, letters.bidder)):
        earlier = [p for p in (path, path.with_suffix(".pdf")) if p.is_file()]
        if data is not None and path.is_file() and path.read_bytes() == data:
            continue
        moved = move_aside(earlier, folder / ARCHIVE, dt.date.today())
        _record_moves(campaign, "replaced-report", earlier, moved)
        if data is not None:
            write_atomic(path, data, overwrite=False)
            campaign.audit.append("write", file=str(path.relative_to(campaign.root)),
                                  sha256=sha256_file(path), size=path.stat().st_size)
    return buyer
