"""Evaluators' work survives change: an offer arrives after the review workbooks went out.

Through the command line, on a copy of the demo: only the new offer's workbooks are
issued, the filled ones are never rewritten and their scores are used; ``evaluate``
refuses while the new offer is not scored, naming the evaluators, and a draft is marked
as such on every page, without letters.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.campaign.test_rounds import (
    BIDDERS,
    IRREGULAR,
    copy,
    docx_text as memo_text,
    plan,
    published as published,  # the fixture, shared
)
from tests.campaign_fixtures import copy_campaign, file_hashes, fill_as_evaluator as fill

from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.reviews import (
    IssuedReview,
    covered,
    issued_reviews,
    review_letters,
    review_problems,
)
from ai_procurement.campaign.workflow import check
from ai_procurement.cli import main
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.testing import fill_questionnaire

LATE = "dolmen-logiciels-lot-1.xlsx"
EVALUATORS = ("claire-martin", "louis-bernard")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def test_codes_are_kept_across_workbooks_and_new_offers_take_free_letters() -> None:
    first = IssuedReview("reviews/a.xlsx", "Ana", "1", ("X", "Y", "Z"), {},
                         {"X": "A", "Y": "B", "Z": "C"})
    suite = IssuedReview("reviews/a-suite-2.xlsx", "Ana", "1", ("Y",), {}, {"Y": "B"})
    other_lot = IssuedReview("reviews/b.xlsx", "Ana", "2", ("W",), {}, {"W": "A"})
    issued = {r.file: r for r in (first, suite, other_lot)}
    assert review_letters(issued, "1", ["Y"]) == {"Y": "B"}  # not a second "A"
    # An offer arriving later takes the first free letter, whatever its name.
    assert review_letters(issued, "1", ["Aaron", "Z"]) == {"Aaron": "D", "Z": "C"}
    assert review_letters({}, "1", ["Z", "X"]) == {"X": "A", "Z": "B"}
    # Workbooks issued before letters were recorded: A, B... in sorted order.
    legacy = {"reviews/a.xlsx": IssuedReview("reviews/a.xlsx", "Ana", "1", ("Y", "X"))}
    assert review_letters(legacy, "1", ["Y", "Q"]) == {"Y": "B", "Q": "C"}


def shown_codes(workbook: Path) -> set[str]:
    """The offer codes an evaluator reads in a review workbook."""
    sheet = load_workbook(workbook)["Évaluation"]
    return {str(cell.value) for (cell,) in sheet.iter_rows(min_col=1, max_col=1)
            if isinstance(cell.value, str) and re.fullmatch(r"Offre [A-Z]+", cell.value)}


def audit(folder: Path, event: str) -> list[dict[str, object]]:
    return [e for e in (json.loads(line) for line in
                        (folder / "audit.jsonl").read_text("utf-8").splitlines())
            if e["event"] == event]


def reviewed_and_filled(published: tuple[Path, Questionnaire], target: Path,
                        **settings: str) -> tuple[Path, dict[str, str]]:
    """A copy of the MAPA of test_rounds, its workbooks issued and filled on version 1."""
    folder = copy(published, target, **settings)
    assert main(["review", str(folder)]) == 0
    for workbook in sorted((folder / "reviews").glob("*.xlsx")):
        fill(folder, workbook)
    return folder, {p.name: digest(p) for p in (folder / "reviews").iterdir()}


def test_a_regularised_offer_gets_workbooks_for_its_new_version_only(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder, filled = reviewed_and_filled(published, tmp_path / "call")
    questionnaire = published[1]
    received = file_hashes(folder / "responses")
    assert main(["round", "regularise", str(folder), "--deadline", "2027-03-27"]) == 0
    version2 = folder / "rounds" / "1-regularisation" / "responses" / "P03.xlsx"
    version2.write_bytes(fill_questionnaire(  # Cumulus (P03) answers the knock-out
        folder / "outbox" / "questionnaire.xlsx", questionnaire,
        plan(questionnaire, 0.9, 1.02), "fr"))
    capsys.readouterr()

    assert main(["review", str(folder), "--force"]) == 0  # --force rewrites nothing
    new = sorted({p.name for p in (folder / "reviews").iterdir()} - set(filled))
    assert new == ["evaluateur-1-suite-2.xlsx", "evaluateur-2-suite-2.xlsx"]
    assert {p: digest(folder / "reviews" / p) for p in filled} == filled
    issued = issued_reviews(load_campaign(folder).audit.records())
    suite = issued["reviews/evaluateur-1-suite-2.xlsx"]
    assert suite.offers == ("Cumulus",)
    # The version reviewed is the file check() chose: the regularised one.
    assert suite.versions == {"Cumulus": digest(version2)}
    # Cumulus keeps the code it had in the first workbook (Alizé A, Boréal B, Cumulus C).
    assert "Offre C" in shown_codes(folder / "reviews" / "evaluateur-1.xlsx")
    assert shown_codes(folder / "reviews" / "evaluateur-1-suite-2.xlsx") == {"Offre C"}

    # The scores given on version 1 of Cumulus are stale, named as such; others kept.
    assert main(["--lang", "en", "evaluate", str(folder), "--force"]) == 1
    err = capsys.readouterr().err
    for n in ("1", "2"):
        assert (f"Évaluateur {n}'s scores for offer Cumulus (reviews/evaluateur-{n}.xlsx) "
                "were given on an earlier version") in err
        assert f"Have reviews/evaluateur-{n}-suite-2.xlsx, issued for the current" in err
    assert "2 evaluator scores" in err
    for other in ("Alizé", "Boréal", "Dune", "Éole", "Flocon"):
        assert f"offer {other}" not in err

    for evaluator in ("evaluateur-1", "evaluateur-2"):
        fill(folder, folder / "reviews" / f"{evaluator}-suite-2.xlsx")
    assert main(["evaluate", str(folder), "--force"]) == 0
    out = capsys.readouterr().out
    cumulus = next(line for line in out.splitlines() if "Cumulus" in line)
    assert "irrégulière" not in cumulus  # version 2 is the one evaluated
    memo = memo_text(folder / "out" / "memo-fr.docx")
    assert "P03 v2 (rounds/1-regularisation/responses/P03.xlsx)" in memo
    assert "P01 v1 (responses/alize.xlsx)" in memo
    assert audit(folder, "evaluate")[-1]["versions"] == {
        "P01": 1, "P02": 1, "P03": 2, "P04": 1, "P05": 1, "P06": 1}
    assert {p: digest(folder / "reviews" / p) for p in filled} == filled
    assert file_hashes(folder / "responses") == received


def test_a_negotiation_round_issues_workbooks_for_the_new_versions_only(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder, filled = reviewed_and_filled(published, tmp_path / "call",
                                         negotiation_reserved="true")
    questionnaire = published[1]
    assert main(["round", "negotiate", str(folder), "--deadline", "2027-03-27"]) == 0
    round_folder = folder / "rounds" / "1-negotiation"
    invited = sorted(p.name.split("-")[0] for p in (round_folder / "letters").glob("*-fr.docx"))
    assert invited == ["P01", "P02", "P04", "P05"]  # the regular offers
    for number, (name, quality, price, _) in enumerate(BIDDERS, start=1):
        if f"P{number:02d}" in invited:  # every invited offer lowers its price
            skip = (IRREGULAR,) if name in ("Cumulus", "Flocon") else ()
            (round_folder / "responses" / f"P{number:02d}.xlsx").write_bytes(
                fill_questionnaire(round_folder / "questionnaire.xlsx", questionnaire,
                                   plan(questionnaire, quality, price * 0.95, skip), "fr"))
    capsys.readouterr()

    assert main(["review", str(folder)]) == 0
    new = sorted({p.name for p in (folder / "reviews").iterdir()} - set(filled))
    assert new == ["evaluateur-1-suite-2.xlsx", "evaluateur-2-suite-2.xlsx"]
    suite = issued_reviews(load_campaign(folder).audit.records())[
        "reviews/evaluateur-2-suite-2.xlsx"]
    assert suite.offers == ("Alizé", "Boréal", "Dune", "Éole")
    assert suite.versions["Boréal"] == digest(round_folder / "responses" / "P02.xlsx")
    # Each offer keeps its code: Cumulus (C) and Flocon (E) are not in this workbook.
    assert shown_codes(folder / "reviews" / "evaluateur-2-suite-2.xlsx") == {
        "Offre A", "Offre B", "Offre D", "Offre F"}

    assert main(["--lang", "en", "evaluate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "8 evaluator scores" in err
    assert "offer Cumulus" not in err
    assert "Évaluateur 2's scores for offer Dune (reviews/evaluateur-2.xlsx)" in err
    for evaluator in ("evaluateur-1", "evaluateur-2"):
        fill(folder, folder / "reviews" / f"{evaluator}-suite-2.xlsx")
    assert main(["evaluate", str(folder)]) == 0
    memo = memo_text(folder / "out" / "memo-fr.docx")
    assert "P02 v2 (rounds/1-negotiation/responses/P02.xlsx)" in memo
    assert "P03 v1 (responses/cumulus.xlsx)" in memo
    assert {p: digest(folder / "reviews" / p) for p in filled} == filled
