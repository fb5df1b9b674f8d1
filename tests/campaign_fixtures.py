"""Helpers for the end-to-end tests of campaign folders (CLI, demo, notebooks).

The session's demo campaign is built once by the ``demo_run`` fixture of ``conftest.py``;
tests that change a campaign work on a copy (:func:`copy_campaign`).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import attrs


@attrs.frozen
class DemoRun:
    """The session's demo campaign: its folder and the summary the demo printed."""

    folder: Path
    summary: str


def copy_campaign(source: Path, target: Path) -> Path:
    """Copy a campaign folder, so that a test may change it."""
    shutil.copytree(source, target)
    return target


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by path relative to it."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def docx_text(path: Path) -> str:
    """The text of a Word file: its paragraphs, then its tables' cells, one per line."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    return "\n".join(parts)


def fill_as_evaluator(folder: Path, workbook: Path) -> None:
    """Fill a workbook as its evaluator would: level 3, justified, every answered row."""
    from ai_procurement._office.files import write_atomic
    from ai_procurement.answers import AnswerState
    from ai_procurement.bank.model import FreeText
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.reviews import issued_reviews
    from ai_procurement.campaign.workflow import check, usable_responses
    from ai_procurement.testing import fill_review

    campaign = load_campaign(folder)
    record = issued_reviews(campaign.audit.records())[f"reviews/{workbook.name}"]
    questionnaire = campaign.frozen(campaign.lot(record.lot))
    responses = usable_responses(check(campaign, write_reports=False), record.lot)
    levels = {(vendor, q.id): (3, "Page 4 de l'offre : démarche décrite et outillée.")
              for vendor in record.offers for _, q in questionnaire.bank.questions()
              if isinstance(q.answer, FreeText) and q.scored_by_evaluators
              and responses[vendor].answers[q.id].state is AnswerState.ANSWERED}
    write_atomic(workbook, fill_review(workbook, questionnaire, list(record.offers),
                                       campaign.config.language, levels), overwrite=True)
