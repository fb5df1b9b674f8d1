"""Campaign steps on hostile files: every read names who the file must belong to, and no
single file stops a campaign-wide step (its problem stays in its own report)."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from tests import hostile
from tests.campaign_fixtures import copy_campaign

from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.workflow import check, prepare_reviews, score_campaign
from ai_procurement.cli import main


def codes(findings: object) -> list[str]:
    return [f.code for f in findings]  # type: ignore[attr-defined]


def plant(path: Path, pattern: str, replacement: str) -> None:
    """Rewrite the Questionnaire sheet of ``path`` in place, as a hostile tool would."""
    part = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(path) as archive:
        entries = []
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == part:
                text, count = re.subn(pattern, replacement, data.decode("utf-8"), count=1)
                assert count == 1
                data = text.encode("utf-8")
            entries.append(hostile.deflate(info.filename, data))
    hostile.write_zip(path, entries)


def test_a_comment_too_long_for_a_cell_stays_in_its_own_report(
        demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    plant(folder / "responses" / "cumulus-ia-lot-1.xlsx",
          r'(<c r="G6"[^>]*><is><t>)[^<]*', r"\g<1>" + "x" * 40_000)
    for review in (folder / "reviews").glob("*.xlsx"):
        review.unlink()
    campaign = load_campaign(folder)
    written = prepare_reviews(campaign)  # the whole step is not stopped by one file
    assert sorted(p.name for p in written) == [
        "claire-martin-lot-1.xlsx", "claire-martin-lot-2.xlsx", "louis-bernard-lot-1.xlsx",
        "louis-bernard-lot-2.xlsx"]
    checked = {c.path.name: c for c in check(campaign, write_reports=False)}
    cumulus = checked["cumulus-ia-lot-1.xlsx"].response.report
    assert "cell-too-long" in codes(cumulus.errors)
    assert all(c.response.report.ok for name, c in checked.items()
               if name != "cumulus-ia-lot-1.xlsx")


def test_a_registered_offer_replaced_by_another_file_is_reported(
        demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    responses = folder / "responses"
    (responses / "boreal-data-lot-1.xlsx").unlink()
    shutil.copy(responses / "alize-systemes-lot-1.xlsx", responses / "boreal-data-lot-1.xlsx")
    checked = {c.path.name: c for c in check(load_campaign(folder), write_reports=False)}
    copy = checked["boreal-data-lot-1.xlsx"]
    assert copy.vendor is None  # not scored: the file is not the one opened
    assert codes(copy.response.report.errors) == ["changed-after-opening"]
    assert checked["alize-systemes-lot-1.xlsx"].response.report.ok


def test_a_review_file_carrying_another_evaluators_identity_is_refused(
        demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    reviews = folder / "reviews"
    shutil.copy(reviews / "louis-bernard-lot-1.xlsx", reviews / "claire-martin-lot-1.xlsx")
    run = score_campaign(load_campaign(folder), "1")
    reports = {r.file: r for r in run.review_reports}
    assert codes(reports["claire-martin-lot-1.xlsx"].errors) == ["other-evaluator"]
    assert reports["louis-bernard-lot-1.xlsx"].ok


def test_a_second_review_file_of_one_evaluator_is_refused(
        demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    reviews = folder / "reviews"
    shutil.copy(reviews / "louis-bernard-lot-1.xlsx", reviews / "louis-bernard-v2.xlsx")
    campaign = load_campaign(folder)
    run = score_campaign(campaign, "1")
    reports = {r.file: r for r in run.review_reports}
    assert reports["louis-bernard-lot-1.xlsx"].ok
    assert codes(reports["louis-bernard-v2.xlsx"].errors) == ["duplicate-evaluator"]
    # It carries lot 1's questionnaire: lot 2 leaves it to lot 1.
    assert "louis-bernard-v2.xlsx" not in {r.file for r in score_campaign(campaign,
                                                                          "2").review_reports}


def test_a_workbook_identity_that_disagrees_with_the_register_gets_a_warning(
        demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    record = folder / "opening.json"
    opening = json.loads(record.read_text("utf-8"))
    for offer in opening["offers"]:
        if offer["file"] == "boreal-data-lot-1.xlsx":
            offer["bidder"]["registration"] = "732 829 320 00074"
        elif offer["file"] == "alize-systemes-lot-1.xlsx":
            offer["bidder"]["registration"] = "526018155"  # its SIREN: the same company
        elif offer["file"] == "fjord-analytics-lot-2-variante-1.xlsx":
            offer["variant"] = 2
    record.write_text(json.dumps(opening), "utf-8")
    checked = {c.path.name: c for c in check(load_campaign(folder), write_reports=False)}
    boreal = checked["boreal-data-lot-1.xlsx"]
    mismatch = [f for f in boreal.response.report.findings if f.code == "identity-mismatch"]
    assert [f.severity for f in mismatch] == ["warning"]
    assert ("the deposit register says 732 829 320 00074, the workbook says 90830166600016"
            in mismatch[0].message.en)
    assert "le registre des dépôts indique 732 829 320 00074" in mismatch[0].message.fr
    assert boreal.vendor == "Boréal Data"  # the register stays the source of truth
    fjord = checked["fjord-analytics-lot-2-variante-1.xlsx"]
    assert [f.message.en for f in fjord.response.report.findings
            if f.code == "identity-mismatch"] == [
        "Offer type: the deposit register says variant 2, the workbook says variant 1. "
        "The register prevails; check with the bidder."]
    assert fjord.vendor == "Fjord Analytics – V2"
    assert "identity-mismatch" not in codes(
        checked["alize-systemes-lot-1.xlsx"].response.report.findings)


def test_an_evaluator_who_declares_a_conflict_is_left_out_and_the_memo_says_so(
        demo_campaign: Path, tmp_path: Path) -> None:
    import docx
    from openpyxl import load_workbook

    from ai_procurement.campaign.workflow import evaluate_campaign
    from ai_procurement.testing import saved_bytes
    from ai_procurement.workbooks import review

    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    path = folder / "reviews" / "louis-bernard-lot-1.xlsx"
    book = load_workbook(path)
    sheet = book[review.SHEET_DECLARATION["fr"]]
    sheet[review.DECLARATION_CHOICE] = review.CONFLICT.fr
    sheet[review.DECLARATION_DESCRIPTION] = "Ancien salarié de Boréal Data."
    path.write_bytes(saved_bytes(book))
    campaign = load_campaign(folder)
    run = evaluate_campaign(campaign, force=True).lot("1")
    reports = {r.file: r for r in run.review_reports}
    assert codes(reports["louis-bernard-lot-1.xlsx"].errors) == ["conflict-declared"]
    assert {s.evaluator for s in run.evaluation.evaluator_scores} == {"Claire Martin"}
    document = docx.Document(str(folder / "out" / "lot-1" / "memo-fr.docx"))
    memo = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows
                        for cell in row.cells])
    assert ("Louis Bernard : déclare un conflit d'intérêts (15 février 2027) – « Ancien "
            "salarié de Boréal Data. » ; ses notes ne sont pas utilisées") in memo.replace(
        "\u00a0", " ")


def test_an_offer_registered_after_review_leaves_the_filled_workbooks_readable(
        demo_campaign: Path, tmp_path: Path) -> None:
    from ai_procurement.campaign.opening import open_offers

    before = score_campaign(load_campaign(copy_campaign(demo_campaign, tmp_path / "before")),
                            "2").evaluation.evaluator_scores
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    # A forgotten deposit, registered after the evaluators filled their workbooks.
    shutil.copy(folder / "responses" / "gwenn-ia-lot-2.xlsx",
                folder / "responses" / "ile-verte-lot-2.xlsx")
    register = folder / "registre-depots.csv"
    register.write_text(register.read_text("utf-8") + "012;Île Verte;31415926000012;"
                        "14/02/2027 11:00;2;;ile-verte-lot-2.xlsx\n", "utf-8")
    campaign = load_campaign(folder)
    assert [o.id for o in open_offers(campaign).offers][-1] == "P12"
    run = score_campaign(campaign, "2")
    # Read with the offers they were written for: no "give the same list" error.
    assert [r.file for r in run.review_reports if not r.ok] == []
    assert run.evaluation.evaluator_scores == before  # every score kept
    assert "Île Verte" in {v.vendor for v in run.evaluation.vendors}


def test_check_names_the_bidder_of_an_offer_changed_after_opening(
        demo_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    responses = folder / "responses"
    (responses / "boreal-data-lot-1.xlsx").unlink()
    shutil.copy(responses / "alize-systemes-lot-1.xlsx", responses / "boreal-data-lot-1.xlsx")
    assert main(["check", "--no-pdf", str(folder)]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines()
                if "boreal-data-lot-1.xlsx" in line)
    assert line.startswith("À CORRIGER")
    assert "Boréal Data" in line
    assert " ? " not in line


def test_the_report_states_the_procedure_with_french_punctuation(demo_campaign: Path) -> None:
    from tests.campaign_fixtures import docx_text

    text = docx_text(demo_campaign / "out" / "lot-1" / "memo-fr.docx")
    assert ") ; procédure ouverte, dossier de consultation librement téléchargeable" in text
    assert "); procédure" not in text


def test_evaluate_leaves_no_object_frozen_out_of_garbage_collection(
        demo_campaign: Path, tmp_path: Path) -> None:
    """Objects kept out of collection while documents are written are given back after.

    Left frozen, every object of a notebook that ran an evaluation would stay in memory.
    """
    import gc

    from ai_procurement.campaign.workflow import _earlier_objects_frozen, evaluate_campaign

    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    assert gc.get_freeze_count() == 0
    evaluate_campaign(load_campaign(folder), force=True)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a caller that froze its own objects keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        with _earlier_objects_frozen():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
