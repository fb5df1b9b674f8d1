"""The check letters in a campaign folder: written, converted, moved aside, never lost."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from tests.campaign_fixtures import copy_campaign, docx_text

from ai_procurement.campaign.check_reports import after_the_deadline
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.verify import verify_campaign
from ai_procurement.campaign.workflow import check
from ai_procurement.cli import main


def test_a_report_whose_file_is_gone_is_moved_aside_never_deleted(
        demo_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    reports = folder / "reports"
    kept = "boreal-data-lot-1.xlsx"
    for path in (folder / "responses").iterdir():
        if path.name != kept:
            path.unlink()
    before = {p.name: p.read_bytes() for p in reports.iterdir()}
    (reports / "ancien.xlsx.fr.txt").write_text("rapport d'une version précédente", "utf-8")
    code = main(["check", "--no-pdf", str(folder)])
    assert code == 0, capsys.readouterr().err
    archive = reports / "archive" / dt.date.today().isoformat()
    assert sorted(p.name for p in reports.iterdir() if p.is_file()) == [f"{kept}.fr.docx"]
    moved = {p.name: p.read_bytes() for p in archive.iterdir()}
    assert moved.pop("ancien.xlsx.fr.txt") == "rapport d'une version précédente".encode()
    assert moved == {name: data for name, data in before.items() if not name.startswith(kept)}
    trail = (folder / "audit.jsonl").read_text("utf-8")
    assert '"event": "moved-aside"' in trail
    assert "reports/archive/" in trail
    # The archived letters (hashed when moved) and their old names are known to verify.
    assert [d for d in verify_campaign(load_campaign(folder))
            if d.file.startswith("reports/")] == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the PDF")
def test_check_adds_a_pdf_of_each_letter(demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    for path in (folder / "responses").iterdir():
        if path.name != "gwenn-ia-lot-2.xlsx":
            path.unlink()
    assert main(["check", str(folder)]) == 0
    pdf = folder / "reports" / "gwenn-ia-lot-2.xlsx.fr.pdf"
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF")
    # The PDFs check made, and the letters it moved aside, are in the audit trail.
    assert [d for d in verify_campaign(load_campaign(folder))
            if d.file.startswith("reports/")] == []


def test_the_letter_names_the_bidder_and_the_lot_and_no_hash(demo_campaign: Path) -> None:
    text = docx_text(demo_campaign / "reports" / "fjord-analytics-lot-2.xlsx.fr.docx")
    assert "Métropole de Rivebelle (fictive)" in text
    assert "Lot 2 : Aide à la rédaction" in text
    assert "Fjord Analytics" in text
    assert "SHA-256 :" not in text


def test_the_deadline_has_passed_once_the_offers_are_opened(demo_campaign: Path) -> None:
    campaign = load_campaign(demo_campaign)
    assert after_the_deadline(campaign, opened=True)
    deadline = campaign.config.opening.deadline
    assert deadline is not None
    assert not after_the_deadline(campaign, opened=False,
                                  now=deadline - dt.timedelta(minutes=1))
    assert after_the_deadline(campaign, opened=False, now=deadline + dt.timedelta(minutes=1))


def test_reports_are_not_rewritten_when_nothing_changed(demo_campaign: Path,
                                                        tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    before = {p.name: p.stat().st_mtime_ns for p in (folder / "reports").iterdir()}
    check(load_campaign(folder))
    after = {p.name: p.stat().st_mtime_ns for p in (folder / "reports").iterdir()}
    assert after == before
