"""Evaluators' work survives change: an offer arrives after the review workbooks went out.

Through the command line, on a copy of the demo: only the new offer's workbooks are
issued, the filled ones are never rewritten and their scores are used; ``evaluate``
refuses while the new offer is not scored, naming the evaluators, and a draft is marked
as such on every page, without letters.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.campaign_fixtures import copy_campaign

from ai_procurement._office.files import write_atomic
from ai_procurement.answers import AnswerState
from ai_procurement.bank.model import FreeText
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.reviews import (
    IssuedReview,
    covered,
    issued_reviews,
    review_problems,
)
from ai_procurement.campaign.workflow import check, usable_responses
from ai_procurement.cli import main
from ai_procurement.testing import fill_review

LATE = "dolmen-logiciels-lot-1.xlsx"
EVALUATORS = ("claire-martin", "louis-bernard")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(folder: Path, workbook: Path) -> None:
    """Fill a workbook as its evaluator would: level 3, justified, every answered row."""
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


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                       if n.startswith("word/header"))


def test_an_offer_arriving_after_review_gets_only_its_own_workbooks(
        demo_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    # The review workbooks went out before Dolmen's file reached responses/.
    shutil.move(folder / "responses" / LATE, tmp_path / LATE)
    shutil.rmtree(folder / "reviews")
    assert main(["review", str(folder)]) == 0
    for evaluator in EVALUATORS:
        for lot in ("1", "2"):
            fill(folder, folder / "reviews" / f"{evaluator}-lot-{lot}.xlsx")
    filled = {p.name: digest(p) for p in (folder / "reviews").iterdir()}
    assert main(["evaluate", str(folder), "--force"]) == 0
    capsys.readouterr()

    shutil.move(tmp_path / LATE, folder / "responses" / LATE)  # it arrives
    assert main(["review", str(folder), "--force"]) == 0  # --force rewrites nothing
    new = sorted(set(p.name for p in (folder / "reviews").iterdir()) - set(filled))
    assert new == ["claire-martin-lot-1-suite-2.xlsx", "louis-bernard-lot-1-suite-2.xlsx"]
    assert {p: digest(folder / "reviews" / p) for p in filled} == filled
    issued = issued_reviews(load_campaign(folder).audit.records())
    assert issued["reviews/claire-martin-lot-1-suite-2.xlsx"].offers == ("Dolmen Logiciels",)
    capsys.readouterr()
    assert main(["--lang", "en", "review", str(folder)]) == 0
    assert "nothing new to issue" in capsys.readouterr().out

    # Not scored yet: evaluate refuses, naming each evaluator, the offer, what to do.
    out_before = {p.name: digest(p) for p in (folder / "out" / "lot-1").iterdir()}
    assert main(["--lang", "en", "evaluate", str(folder), "--force"]) == 1
    err = capsys.readouterr().err
    for name in ("Claire Martin", "Louis Bernard"):
        assert f"{name} has not scored offer Dolmen Logiciels (lot 1)" in err
    assert "claire-martin-lot-1-suite-2.xlsx" in err
    assert "--draft" in err
    assert {p.name: digest(p) for p in (folder / "out" / "lot-1").iterdir()} == out_before
    assert main(["evaluate", str(folder), "--force"]) == 1
    assert "Claire Martin n'a pas noté l'offre Dolmen Logiciels" in capsys.readouterr().err

    # A draft: marked on every page, no award proposal, no letter.
    assert main(["evaluate", str(folder), "--force", "--draft"]) == 0
    ran = capsys.readouterr()
    assert "Proposition d'attribution" not in ran.out
    lot1 = folder / "out" / "lot-1"
    assert not list(lot1.glob("debrief-*"))
    assert not list(lot1.glob("engagements-*"))
    for memo in (lot1 / "memo-fr.docx", lot1 / "annexe-interne-robustesse-en.docx",
                 folder / "out" / "memo-en.docx"):
        assert "PROJET / DRAFT — not to be signed" in docx_text(memo)
    book = load_workbook(lot1 / "comparison.xlsx")
    assert all("PROJET / DRAFT" in ws.oddHeader.center.text for ws in book.worksheets)

    # Scored: the final evaluation uses the earlier scores and the new ones.
    for evaluator in EVALUATORS:
        fill(folder, folder / "reviews" / f"{evaluator}-lot-1-suite-2.xlsx")
    assert main(["--lang", "en", "evaluate", str(folder), "--force"]) == 0
    ran = capsys.readouterr()
    assert "Award proposal:" in ran.out
    assert list(lot1.glob("debrief-*"))
    assert "PROJET" not in docx_text(lot1 / "memo-fr.docx")
    assert {p: digest(folder / "reviews" / p) for p in filled} == filled
    assert "Dolmen Logiciels" in ran.out


def test_a_new_version_of_an_offer_makes_earlier_scores_stale() -> None:
    issued = {"reviews/a.xlsx": IssuedReview("reviews/a.xlsx", "Ana", "1", ("X", "Y"),
                                             {"X": "v1", "Y": "w1"})}
    assert covered(issued, "Ana", "1", {"X": "v2", "Y": "w1"}) == {"Y"}
    problems = review_problems("1", ["Ana"], {"X": ["q1"], "Y": ["q1"]},
                               {("Ana", "Y"): {"q1"}}, {}, {("Ana", "X"): "reviews/a.xlsx"},
                               {})
    assert [(p.kind, p.offer) for p in problems] == [("stale", "X")]
    message = problems[0].message
    assert "earlier version" in message.en
    assert "version antérieure" in message.fr
    assert "Ana" in message.en
    assert "ai-procurement review" in message.en


def test_issued_workbooks_carry_the_versions_they_were_written_for(
        demo_campaign: Path) -> None:
    campaign = load_campaign(demo_campaign)
    issued = issued_reviews(campaign.audit.records())
    record = issued["reviews/claire-martin-lot-1.xlsx"]
    opened = {c.vendor: c.response.report.sha256
              for c in check(campaign, write_reports=False)
              if c.vendor is not None and c.lot == "1"}
    assert record.versions == {offer: opened[offer] for offer in record.offers}


def test_an_evaluator_declaring_a_conflict_stands_aside_unless_no_one_is_left() -> None:
    required = {"X": ["q1"]}
    scored = {("Ben", "X"): {"q1"}}
    aside = review_problems("", ["Ana", "Ben"], required, scored, {}, {}, {"Ana": "r/a.xlsx"})
    assert aside == []  # Ben's scores make the evaluation; the memo names Ana's conflict
    alone = review_problems("", ["Ana"], required, {}, {}, {}, {"Ana": "r/a.xlsx"})
    assert [(p.kind, p.evaluator) for p in alone] == [("conflict", "Ana")]
    assert "conflit d'intérêts" in alone[0].message.fr
