"""Review workbooks: written per evaluator, filled, read back, tampered with, scored."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from tests.fixtures import CONSULTATION, KEY, OTHER_KEY, fill
from tests.strategies import ids

from ai_procurement._office.xlsx import XlsxBook
from ai_procurement.answers import Answer, AnswerState, EvidenceRef, Report, Response
from ai_procurement.bank.model import Bank, Criterion, Evidence, FreeText, Level, Question, YesNo
from ai_procurement.decision.scoring import EvaluatorScore, Settings, evaluate
from ai_procurement.errors import OutputError, QuestionnaireError
from ai_procurement.questionnaire import Questionnaire, freeze
from ai_procurement.text import Text
from ai_procurement.workbooks import form, review
from ai_procurement.workbooks.response import read_response
from ai_procurement.workbooks.review import ReviewResult, read_review, vendor_codes, write_review

CellValue = str | int | float | bool | None


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


SCALE = tuple(Level(i, _t(f"niveau {i}", f"level {i}")) for i in range(5))
"""Anchored scale 0-4 of both free-text questions."""

ACME, BETA, GAMMA = "Acmé Intelligence", "Bêta Conseil", "Gamma Numérique"
VENDORS = (ACME, BETA, GAMMA)
"""Sorted by name, so coded Offre A, Offre B, Offre C."""


def review_bank() -> Bank:
    """One criterion, three equally weighted questions: two free texts and a yes/no.

    ``OVS-01`` free text, "not applicable" allowed; ``OVS-02`` free text with required
    evidence; ``OVS-03`` yes/no (scored by rule, never reviewed).
    """
    why = _t("Pour comparer les offres.", "To compare offers.")
    return Bank(
        id="review-test", version="1", title=_t("Contrôle humain", "Human oversight"),
        description=_t("Banque d'essai", "Test bank"),
        criteria=(Criterion(
            "OVS", _t("Contrôle humain", "Human oversight"), _t("Qui décide", "Who decides"),
            1.0, (
                Question("OVS-01", _t("Décrivez le contrôle humain.",
                                      "Describe human oversight."), why, FreeText(SCALE),
                         evaluator_guidance=_t("4 = contrôle documenté et testé.",
                                               "4 = oversight documented and tested."),
                         na_allowed=True),
                Question("OVS-02", _t("Décrivez la journalisation.", "Describe logging."),
                         why, FreeText(SCALE), evidence=Evidence.REQUIRED),
                Question("OVS-03", _t("Un audit externe est-il prévu ?",
                                      "Is an external audit planned?"), why, YesNo()),
            ), ("environmental",)),),
    )


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return freeze(review_bank(), CONSULTATION)


VENDOR_ANSWERS: dict[str, dict[str, tuple[str, str, str]]] = {
    # question -> (answer or "" for not applicable, comment, evidence document)
    ACME: {"OVS-01": ("Un agent valide chaque décision et peut la corriger.",
                      "Procédure jointe.", "Annexe 2"),
           "OVS-02": ("Journaux conservés 12 mois, consultables par l'acheteur.", "",
                      "Annexe 3"),
           "OVS-03": ("Oui", "", "")},
    BETA: {"OVS-01": ("Le modèle décide seul ; un support répond sous 5 jours.", "", ""),
           "OVS-02": ("Journaux sur demande.", "", ""),
           "OVS-03": ("Non", "", "")},
    GAMMA: {"OVS-01": ("", "Aucune décision n'est automatisée : l'outil ne fait que "
                           "suggérer.", ""),
            "OVS-02": ("Journaux techniques de 30 jours.", "", "Annexe 1"),
            "OVS-03": ("Oui", "", "")},
}


@pytest.fixture(scope="module")
def responses(questionnaire: Questionnaire,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Response]:
    """Each vendor's answers, read from a real questionnaire workbook filled by openpyxl."""
    folder = tmp_path_factory.mktemp("vendors")
    rows = {row.key: row.number for row in form.layout(questionnaire)}
    result = {}
    for index, (vendor, answers) in enumerate(VENDOR_ANSWERS.items()):
        blank = form.write_questionnaire(questionnaire, folder / f"blank-{index}.xlsx", "fr",
                                         vendor, key=KEY)
        cells: dict[str, CellValue] = {}
        for qid, (text, comment, document) in answers.items():
            r = rows[qid]
            if text:
                cells[f"{form.COL_ANSWER}{r}"] = text
            else:
                cells[f"{form.COL_NA}{r}"] = "Sans objet"
            if comment:
                cells[f"{form.COL_COMMENT}{r}"] = comment
            if document:
                cells[f"{form.COL_DOC}{r}"] = document
        filled = fill(blank, folder / f"vendor-{index}.xlsx", cells)
        result[vendor] = read_response(filled, questionnaire, key=KEY, vendor=vendor)
        assert result[vendor].report.ok, result[vendor].report.to_text()
    return result


# -- filling a review as an evaluator would --------------------------------------------

def rows_of(path: Path, sheet: str = "Évaluation") -> dict[str, int]:
    """Row of each (question, vendor letter) key: ``"OVS-01@B"``."""
    from openpyxl import load_workbook

    ws = load_workbook(path)[sheet]
    return {str(ws[f"{review.COL_KEY}{r}"].value): r
            for r in range(review.FIRST_ROW, ws.max_row + 1) if ws[f"{review.COL_KEY}{r}"].value}


LETTER = {ACME: "A", BETA: "B", GAMMA: "C"}

Marks = Mapping[tuple[str, str], tuple[CellValue, CellValue, CellValue]]
"""(question, vendor) -> (level cell, accept-N/A cell, justification cell)."""


NO_CONFLICT = ("Je déclare n'avoir aucun conflit d'intérêts", "", dt.date(2027, 2, 15))
Declared = tuple[CellValue, CellValue, CellValue]
"""The declaration's choice, description and date cells, as typed."""


def fill_review(blank: Path, target: Path, marks: Marks, *,
                edit: Callable[[object], None] | None = None,
                declaration: Declared | None = NO_CONFLICT) -> Path:
    rows = rows_of(blank)
    cells: dict[str, CellValue] = {}
    for (qid, vendor), values in marks.items():
        r = rows[f"{qid}@{LETTER[vendor]}"]
        for column, value in zip(review.INPUT_COLUMNS, values, strict=True):
            if value is not None:
                cells[f"{column}{r}"] = value

    def declare(wb: Any) -> None:
        if declaration is not None:
            ws = wb[review.SHEET_DECLARATION["fr"]]
            for ref, value in zip((review.DECLARATION_CHOICE, review.DECLARATION_DESCRIPTION,
                                   review.DECLARATION_DATE), declaration, strict=True):
                if value is not None and value != "":
                    ws[ref] = value
        if edit is not None:
            edit(wb)

    return fill(blank, target, cells, sheet="Évaluation", edit=declare)


def label(level: int) -> str:
    """The drop-down label of a level, as an evaluator picks it."""
    return f"{level} – niveau {level}"


ALICE: Marks = {
    ("OVS-01", ACME): (label(4), None, "Validation humaine de chaque décision, annexe 2."),
    ("OVS-01", BETA): (label(1), None, "Aucun contrôle humain avant décision."),
    ("OVS-01", GAMMA): (None, "Oui", "L'outil ne fait que suggérer."),
    ("OVS-02", ACME): (label(3), None, "12 mois, annexe 3."),
    ("OVS-02", BETA): (label(2), None, "Sur demande seulement."),
    ("OVS-02", GAMMA): (label(1), None, "30 jours, trop court."),
}
BRUNO: Marks = {
    ("OVS-01", ACME): (3, None, "Bon, mais pas de test du contrôle."),  # typed as a number
    ("OVS-01", BETA): (label(4), None, "Le support peut corriger."),
    ("OVS-01", GAMMA): (None, True, "Pas de décision automatisée."),  # a boolean
    ("OVS-02", ACME): (label(3), None, "Complet."),
    ("OVS-02", BETA): (label(2), None, "Partiel."),
    ("OVS-02", GAMMA): (label(2), None, "Court mais suffisant."),
}
CHLOE: Marks = {
    ("OVS-01", ACME): (label(4), None, "Contrôle documenté."),
    ("OVS-01", BETA): (label(1), None, "Pas de contrôle."),
    ("OVS-01", GAMMA): (None, "Yes", "Suggestions seulement."),
    ("OVS-02", ACME): (label(2), None, "Pas d'accès en temps réel."),
    ("OVS-02", BETA): (label(2), None, "Partiel."),
    ("OVS-02", GAMMA): (label(1), None, "Trop court."),
}


def expected_scores(evaluator: str, marks: Marks) -> set[EvaluatorScore]:
    result = set()
    for (qid, vendor), (level, accept, justification) in marks.items():
        if isinstance(level, str):
            level = int(level.split()[0])
        accepted = None if accept is None else accept in (True, "Oui", "Yes")
        assert isinstance(level, int | None)
        assert isinstance(justification, str)
        result.add(EvaluatorScore(evaluator, vendor, qid, level, justification, accepted))
    return result


@pytest.fixture(scope="module")
def blanks(questionnaire: Questionnaire, responses: dict[str, Response],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reviews")
    return {name: write_review(questionnaire, responses, folder / f"{name}.xlsx",
                               evaluator=name, key=KEY)
            for name in ("Alice", "Bruno", "Chloé")}


def read(path: Path, questionnaire: Questionnaire, **kwargs: object) -> ReviewResult:
    options: dict[str, object] = {"key": KEY, "vendors": list(VENDORS), **kwargs}
    return read_review(path, questionnaire, **options)  # type: ignore[arg-type]


def codes(result: ReviewResult) -> list[str]:
    return [f.code for f in result.report.findings]


# -- vendor codes -------------------------------------------------------------------------

def test_vendor_codes_follow_sorted_names() -> None:
    assert vendor_codes([GAMMA, ACME, BETA]) == {ACME: "Offre A", BETA: "Offre B",
                                                 GAMMA: "Offre C"}
    assert vendor_codes([BETA, ACME], "en") == {ACME: "Offer A", BETA: "Offer B"}
    many = vendor_codes([f"V{i:02d}" for i in range(28)])
    assert (many["V25"], many["V26"], many["V27"]) == ("Offre Z", "Offre AA", "Offre AB")
    with pytest.raises(QuestionnaireError, match="duplicated"):
        vendor_codes([ACME, ACME])
    with pytest.raises(QuestionnaireError, match="blank"):
        vendor_codes([ACME, "  "])


@settings(max_examples=30)
@given(st.lists(ids(), min_size=1, max_size=30, unique=True), st.randoms())
def test_vendor_codes_do_not_depend_on_the_order_given(names: list[str], rng: object) -> None:
    shuffled = list(names)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    result = vendor_codes(names)
    assert result == vendor_codes(shuffled)
    assert len(set(result.values())) == len(names)
    assert [result[n] for n in sorted(names)] == sorted(result.values(),
                                                        key=lambda c: (len(c), c))


# -- the round trip -------------------------------------------------------------------------

def test_two_evaluators_get_back_what_they_filled(questionnaire: Questionnaire,
                                                   blanks: dict[str, Path],
                                                   tmp_path: Path) -> None:
    for name, marks in (("Alice", ALICE), ("Bruno", BRUNO)):
        filled = fill_review(blanks[name], tmp_path / f"{name}-filled.xlsx", marks)
        result = read(filled, questionnaire, evaluator=name)
        assert result.report.findings == (), result.report.to_text()
        assert result.evaluator == name
        assert result.blind is True
        assert result.codes == {ACME: "Offre A", BETA: "Offre B", GAMMA: "Offre C"}
        assert set(result.scores) == expected_scores(name, marks)


def test_an_unfilled_review_reports_what_is_left_to_score(questionnaire: Questionnaire,
                                                          blanks: dict[str, Path]) -> None:
    result = read(blanks["Alice"], questionnaire)
    assert result.scores == ()
    assert result.report.ok
    # The declaration left blank is a warning: the report says it is missing.
    assert codes(result) == ["not-scored", "declaration-blank"]
    assert result.declaration == review.Declaration("Alice", None)
    # 2 questions x 3 offers
    assert "6 réponses pas encore notées" in result.report.findings[0].message.fr


def test_review_shows_answers_comments_evidence_and_the_scale(
        questionnaire: Questionnaire, blanks: dict[str, Path]) -> None:
    cells = sheet_cells(blanks["Alice"], "Évaluation")
    rows = rows_of(blanks["Alice"])
    acme, gamma = rows["OVS-01@A"], rows["OVS-01@C"]
    assert cells[f"A{acme}"] == "Offre A"
    assert cells[f"C{acme}"] == VENDOR_ANSWERS[ACME]["OVS-01"][0]
    assert cells[f"D{acme}"] == "Procédure jointe."
    assert cells[f"E{acme}"] == "Document : Annexe 2"
    assert cells[f"C{gamma}"] == "[Sans objet]"
    assert "l'acceptez-vous" in cells[f"B{gamma}"]
    band = rows["#OVS-01"]
    assert cells[f"B{band}"].startswith("Décrivez le contrôle humain.")
    assert "4 = contrôle documenté et testé." in cells[f"D{band}"]
    assert "0 – niveau 0\n1 – niveau 1" in cells[f"F{band}"]
    assert "OVS-03" not in "".join(k for k in rows)  # yes/no questions are not reviewed
    missing_evidence = cells[f"B{rows['OVS-02@B']}"]
    assert "Preuve obligatoire absente" in missing_evidence


def test_level_cells_offer_the_scale_and_na_cells_yes_no(blanks: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(blanks["Alice"])
    ws = wb["Évaluation"]
    rows = rows_of(blanks["Alice"])
    lists = {}
    for dv in ws.data_validations.dataValidation:
        target = wb.defined_names[dv.formula1].attr_text
        sheet, cells = target.split("!")
        values = [c.value for (c,) in wb[sheet.strip("'")][cells.replace("$", "")]]
        for ref in str(dv.sqref).split():
            lists[ref] = values
    assert lists[f"F{rows['OVS-01@A']}"] == [label(i) for i in range(5)]
    assert lists[f"G{rows['OVS-01@C']}"] == ["Oui", "Non"]
    assert f"F{rows['OVS-01@C']}" not in lists  # no level for a "not applicable" answer
    unlocked = {f"{c}{r}" for r in range(1, ws.max_row + 1) for c in "ABCDEFGHIJK"
                if ws[f"{c}{r}"].protection.locked is False}
    assert unlocked == {f"F{rows[k]}" for k in rows if k.endswith(("@A", "@B"))} | {
        f"H{rows[k]}" for k in rows if "@" in k} | {f"F{rows['OVS-02@C']}",
                                                    f"G{rows['OVS-01@C']}"}
    assert ws.protection.sheet
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4 (ECMA-376 part 1, 18.3.1.63)


def test_same_inputs_give_the_same_bytes(questionnaire: Questionnaire,
                                         responses: dict[str, Response],
                                         tmp_path: Path) -> None:
    first = write_review(questionnaire, responses, tmp_path / "a.xlsx", evaluator="Alice",
                         key=KEY)
    second = write_review(questionnaire, dict(reversed(responses.items())),
                          tmp_path / "b.xlsx", evaluator="Alice", key=KEY)
    other = write_review(questionnaire, responses, tmp_path / "c.xlsx", evaluator="Bruno",
                         key=KEY)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def test_blind_review_never_names_a_vendor(questionnaire: Questionnaire,
                                           responses: dict[str, Response],
                                           blanks: dict[str, Path], tmp_path: Path) -> None:
    # Every part of the package: cells, sheet and defined names, document properties.
    blind = xml_text(blanks["Alice"]).casefold()
    for vendor in VENDORS:
        for part in vendor.split():
            assert part.casefold() not in blind, part
    shown = write_review(questionnaire, responses, tmp_path / "named.xlsx", evaluator="Alice",
                         key=KEY, blind=False)
    cells = sheet_cells(shown, "Évaluation")
    assert cells[f"A{rows_of(shown)['OVS-01@B']}"] == f"Offre B\n{BETA}"
    assert read(shown, questionnaire).blind is False


def test_english_review(questionnaire: Questionnaire, responses: dict[str, Response],
                        tmp_path: Path) -> None:
    blank = write_review(questionnaire, responses, tmp_path / "en.xlsx", evaluator="Dana",
                         key=KEY, lang="en", questions=["OVS-02"])
    rows = rows_of(blank, "Review")
    assert set(rows) == {"#OVS-02", "OVS-02@A", "OVS-02@B", "OVS-02@C"}
    filled = fill(blank, tmp_path / "en-filled.xlsx",
                  {f"F{rows['OVS-02@A']}": "3 – level 3", f"H{rows['OVS-02@A']}": "Fine."},
                  sheet="Review")
    result = read(filled, questionnaire)
    assert result.lang == "en"
    assert result.codes[ACME] == "Offer A"
    assert result.scores == (EvaluatorScore("Dana", ACME, "OVS-02", 3, "Fine."),)


# -- what evaluators get wrong ------------------------------------------------------------

def test_level_without_justification_is_kept_and_flagged(questionnaire: Questionnaire,
                                                         blanks: dict[str, Path],
                                                         tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", {
        ("OVS-01", ACME): (label(4), None, None),
        ("OVS-01", BETA): (None, None, "Je ne sais pas encore."),
        ("OVS-01", GAMMA): (None, "Non", None),
    })
    result = read(filled, questionnaire)
    assert set(result.scores) == {EvaluatorScore("Alice", ACME, "OVS-01", 4, ""),
                                  EvaluatorScore("Alice", GAMMA, "OVS-01", None, "", False)}
    by_code = {f.code: f for f in result.report.findings}
    assert result.report.ok
    assert sorted(codes(result)) == ["incomplete", "no-justification", "no-justification",
                                     "not-scored"]
    assert "Pas de point sans preuve" in by_code["no-justification"].message.fr
    assert by_code["incomplete"].question_id == "OVS-01"


@pytest.mark.parametrize(("typed", "accepted"), [
    ("Oui", True), ("Non", False), ("Yes", True), ("No", False), ("non", False),
    (True, True), (False, False), (1, True), (0, False)])
def test_accept_not_applicable_reads_yes_and_no(questionnaire: Questionnaire,
                                                blanks: dict[str, Path], tmp_path: Path,
                                                typed: CellValue, accepted: bool) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx",
                         {("OVS-01", GAMMA): (None, typed, "Vu.")})
    result = read(filled, questionnaire)
    assert result.scores == (EvaluatorScore("Alice", GAMMA, "OVS-01", None, "Vu.",
                                            accepted),)


def test_values_that_cannot_be_read_are_errors(questionnaire: Questionnaire,
                                               blanks: dict[str, Path],
                                               tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", {
        ("OVS-01", ACME): (7, None, "Excellent."),                 # outside 0-4
        ("OVS-01", BETA): ("très bien", None, "Bien."),            # not a level
        ("OVS-01", GAMMA): (None, "peut-être", "?"),               # not yes/no
        ("OVS-02", ACME): (label(2), "Oui", "Correct."),           # N/A cell ignored
        ("OVS-02", BETA): (label(2), None, "Correct."),
    })
    result = read(filled, questionnaire)
    assert result.scores == (EvaluatorScore("Alice", ACME, "OVS-02", 2, "Correct."),
                             EvaluatorScore("Alice", BETA, "OVS-02", 2, "Correct."))
    assert not result.report.ok
    assert sorted(codes(result)) == ["ignored-input", "invalid-level", "invalid-value",
                                     "level-outside-scale", "not-scored"]
    outside = next(f for f in result.report.findings if f.code == "level-outside-scale")
    assert outside.cell == f"F{rows_of(filled)['OVS-01@A']}"
    assert "0, 1, 2, 3, 4" in outside.message.en


# -- tampering -----------------------------------------------------------------------------

def forge_cached_value(path: Path, ref: str, cached: str) -> None:
    """Give the formula in ``ref`` a cached value, as Excel would store it."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode("utf-8")
    xml, count = re.subn(rf'(<c r="{ref}"[^>]*?)(?: t="\w+")?(>)<f>([^<]*)</f><v\s*/?>(?:</v>)?',
                         rf'\1 t="str"\2<f>\3</f><v>{cached}</v>', xml)
    assert count == 1, xml[xml.find(f'r="{ref}"') - 20:][:200]
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formula_in_a_level_cell_is_never_used(questionnaire: Questionnaire,
                                               blanks: dict[str, Path],
                                               tmp_path: Path) -> None:
    rows = rows_of(blanks["Alice"])
    ref = f"F{rows['OVS-01@A']}"

    def formula(wb: object) -> None:
        wb["Évaluation"][ref] = '="4 – niveau 4"'  # type: ignore[index]

    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx",
                         {("OVS-01", ACME): (None, None, "Parfait."),
                          ("OVS-01", BETA): (label(1), None, "Faible.")}, edit=formula)
    forge_cached_value(filled, ref, "4 – niveau 4")
    assert XlsxBook(zipfile.ZipFile(filled)).cells(
        "Évaluation", max_row=99, max_column=8)[ref].value == "4 – niveau 4"
    result = read(filled, questionnaire)
    assert result.scores == (EvaluatorScore("Alice", BETA, "OVS-01", 1, "Faible."),)
    formula_finding = next(f for f in result.report.findings if f.code == "formula")
    assert (formula_finding.severity, formula_finding.cell) == ("error", ref)


def test_a_deleted_row_is_reported_and_the_rest_read(questionnaire: Questionnaire,
                                                     blanks: dict[str, Path],
                                                     tmp_path: Path) -> None:
    row = rows_of(blanks["Alice"])["OVS-01@B"]

    def delete(wb: object) -> None:
        wb["Évaluation"].delete_rows(row)  # type: ignore[index]

    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, edit=delete)
    result = read(filled, questionnaire)
    assert set(result.scores) == expected_scores(
        "Alice", {k: v for k, v in ALICE.items() if k != ("OVS-01", BETA)})
    assert not result.report.ok
    deleted = next(f for f in result.report.findings if f.code == "row-deleted")
    assert "Offre B" in deleted.message.fr
    assert deleted.question_id == "OVS-01"
    assert "rows-moved" in codes(result)


def test_a_copied_or_forged_row_is_not_read(questionnaire: Questionnaire,
                                            blanks: dict[str, Path], tmp_path: Path) -> None:
    rows = rows_of(blanks["Alice"])

    def forge(wb: object) -> None:
        ws = wb["Évaluation"]  # type: ignore[index]
        last = ws.max_row + 1
        for column in "ABCDEFGHIJK":
            ws[f"{column}{last}"] = ws[f"{column}{rows['OVS-01@A']}"].value
        ws[f"F{last}"] = label(0)
        ws[f"I{last + 1}"] = "OVS-01@Z"
        ws[f"F{last + 1}"] = label(4)

    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, edit=forge)
    result = read(filled, questionnaire)
    assert not result.report.ok
    assert {"duplicate-row", "row-unknown"} <= set(codes(result))
    assert not any(s.vendor == ACME and s.question_id == "OVS-01" for s in result.scores)


def test_an_edited_vendor_answer_is_detected(questionnaire: Questionnaire,
                                             blanks: dict[str, Path], tmp_path: Path) -> None:
    rows = rows_of(blanks["Alice"])

    def edit(wb: object) -> None:
        wb["Évaluation"][f"C{rows['OVS-02@B']}"] = "Journaux complets."  # type: ignore[index]

    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, edit=edit)
    result = read(filled, questionnaire)
    assert codes(result) == ["row-edited"]
    assert len(result.scores) == len(ALICE) - 1


@pytest.mark.parametrize(("field", "value"), [
    ("evaluator", "Mallory"), ("blind", "no"), ("questions", "OVS-01"), ("offers", "2"),
    ("kind", "questionnaire")])
def test_an_edited_identity_is_refused(questionnaire: Questionnaire, blanks: dict[str, Path],
                                       tmp_path: Path, field: str, value: str) -> None:
    def edit(wb: object) -> None:
        ws = wb[form.SHEET_IDENTITY]  # type: ignore[index]
        row = next(r for r in range(1, 20) if ws[f"A{r}"].value == field)
        ws[f"B{row}"] = value

    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, edit=edit)
    result = read(filled, questionnaire)
    assert result.scores == ()
    assert codes(result) == ["wrong-kind" if field == "kind" else "signature"]
    assert result.evaluator == ""


def test_another_evaluators_file_is_refused(questionnaire: Questionnaire,
                                            blanks: dict[str, Path], tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE)
    result = read(filled, questionnaire, evaluator="Bruno")
    assert result.scores == ()
    assert codes(result) == ["other-evaluator"]
    assert "« Alice »" in result.report.findings[0].message.fr


def test_wrong_key_vendor_list_or_questionnaire(questionnaire: Questionnaire,
                                                blanks: dict[str, Path],
                                                tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE)
    assert codes(read(filled, questionnaire, key=OTHER_KEY)) == ["signature"]
    # A vendor added after writing would shift the codes: refused, not misattributed.
    assert codes(read(filled, questionnaire, vendors=[*VENDORS, "Delta"])) == ["vendor-list"]
    assert codes(read(filled, questionnaire, vendors=["Aaron", BETA, GAMMA])) == [
        "vendor-list"]
    other = freeze(attrs.evolve(review_bank(), version="2"), CONSULTATION)
    assert codes(read(filled, other)) == ["wrong-questionnaire"]
    reweighted = freeze(review_bank(), attrs.evolve(CONSULTATION, reference="2026-AI-015"))
    assert codes(read(filled, reweighted)) == ["wrong-version"]


def test_a_vendor_questionnaire_is_not_a_review(questionnaire: Questionnaire,
                                                tmp_path: Path) -> None:
    vendor_file = form.write_questionnaire(questionnaire, tmp_path / "q.xlsx", "fr", ACME,
                                           key=KEY)
    result = read(vendor_file, questionnaire)
    assert codes(result) == ["wrong-kind"]
    assert "questionnaire de candidat" in result.report.findings[0].message.fr


def test_files_that_are_not_workbooks_never_raise(questionnaire: Questionnaire,
                                                  tmp_path: Path) -> None:
    csv = tmp_path / "review.xlsx"
    csv.write_text("niveau;justification\n4;bien\n", encoding="utf-8")
    result = read(csv, questionnaire)
    assert not result.report.ok
    assert result.scores == ()
    missing = read(tmp_path / "absent.xlsx", questionnaire)
    assert codes(missing) == ["unreadable"]


# -- hostile vendor texts ------------------------------------------------------------------

def hostile_responses(questionnaire: Questionnaire, texts: Mapping[str, str]
                      ) -> dict[str, Response]:
    """Responses holding ``texts`` as answers to OVS-01 (built directly: openpyxl refuses
    control characters, while a vendor file can carry them escaped)."""
    result = {}
    for vendor, text in texts.items():
        answers = {q.id: Answer(q.id, AnswerState.UNANSWERED)
                   for _, q in questionnaire.bank.questions()}
        answers["OVS-01"] = Answer("OVS-01", AnswerState.ANSWERED, text, "=cmd|' /c calc'!A0",
                                   EvidenceRef("_x0041_", "", "javascript:alert(1)"))
        result[vendor] = Response(f"{vendor}.xlsx", "", answers, Report(f"{vendor}.xlsx", "",
                                                                          ()))
    return result


def sheet_cells(path: Path, sheet: str) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        cells = XlsxBook(archive).cells(sheet, max_row=200, max_column=11)
    assert all(c.formula is None for c in cells.values())
    assert all(c.kind == "string" for c in cells.values())
    return {ref: str(c.value) for ref, c in cells.items()}


def test_hostile_vendor_text_comes_out_literally(questionnaire: Questionnaire,
                                                 tmp_path: Path) -> None:
    long_text = ("Le contrôle humain est assuré. " * 1000)[:30_000]
    texts = {"V1": '=HYPERLINK("http://evil.example","clic")', "V2": "a\x07b\x00c\x1bd",
             "V3": long_text, "V4": "نظام الذكاء الاصطناعي تحت إشراف بشري ‏(RTL)",
             "V5": "+1-2", "V6": "@SUM(A1)"}
    blank = write_review(questionnaire, hostile_responses(questionnaire, texts),
                         tmp_path / "r.xlsx", evaluator="Alice", key=KEY)
    cells = sheet_cells(blank, "Évaluation")
    rows = rows_of(blank)
    letter = vendor_codes(texts)
    for vendor, text in texts.items():
        r = rows[f"OVS-01@{letter[vendor][-1]}"]
        expected = text.replace("\x07", "\ufffd").replace("\x00", "\ufffd").replace(
            "\x1b", "\ufffd")
        assert cells[f"C{r}"] == expected
        assert cells[f"D{r}"] == "=cmd|' /c calc'!A0"
        assert cells[f"E{r}"] == "Document : _x0041_\nLien : javascript:alert(1)"
    assert len(cells[f"C{rows['OVS-01@C']}"]) == 30_000  # never truncated
    assert "Texte long (30000 caractères)" in cells[f"B{rows['OVS-01@C']}"]
    assert "Texte long" not in cells[f"B{rows['OVS-01@A']}"]
    from openpyxl import load_workbook

    ws = load_workbook(blank)["Évaluation"]
    # The tallest row Excel allows (409 points), to the pixel (0.75 point) it is stored in.
    assert ws.row_dimensions[rows["OVS-01@C"]].height == pytest.approx(409, abs=0.75)
    # The seals cover what is shown: the untouched file reads without a finding.
    result = read_review(blank, questionnaire, key=KEY, vendors=list(texts))
    assert codes(result) == ["not-scored", "declaration-blank"]


def test_text_longer_than_a_cell_is_refused_not_truncated(questionnaire: Questionnaire,
                                                          tmp_path: Path) -> None:
    responses = hostile_responses(questionnaire, {"V1": "x" * 32_768})
    with pytest.raises(QuestionnaireError, match="32768 characters"):
        write_review(questionnaire, responses, tmp_path / "r.xlsx", evaluator="A", key=KEY)


def test_bad_arguments_are_refused(questionnaire: Questionnaire,
                                   responses: dict[str, Response], tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    with pytest.raises(QuestionnaireError, match="not free text"):
        write_review(questionnaire, responses, target, evaluator="A", key=KEY,
                     questions=["OVS-03"])
    with pytest.raises(QuestionnaireError, match="unknown"):
        write_review(questionnaire, responses, target, evaluator="A", key=KEY,
                     questions=["OVS-09"])
    with pytest.raises(QuestionnaireError, match="no response"):
        write_review(questionnaire, {}, target, evaluator="A", key=KEY)
    with pytest.raises(QuestionnaireError, match="non-blank"):
        write_review(questionnaire, responses, target, evaluator=" ", key=KEY)
    with pytest.raises(QuestionnaireError, match="16 bytes"):
        write_review(questionnaire, responses, target, evaluator="A", key=b"short")
    write_review(questionnaire, responses, target, evaluator="A", key=KEY)
    with pytest.raises(OutputError, match="already exists"):
        write_review(questionnaire, responses, target, evaluator="A", key=KEY)
    assert not target.with_suffix(".tmp").exists()


# -- into scoring -------------------------------------------------------------------------

def test_reviews_feed_the_consensus_and_the_divergence_alert(
        questionnaire: Questionnaire, responses: dict[str, Response],
        blanks: dict[str, Path], tmp_path: Path) -> None:
    reviews: list[EvaluatorScore] = []
    for name, marks in (("Alice", ALICE), ("Bruno", BRUNO), ("Chloé", CHLOE)):
        filled = fill_review(blanks[name], tmp_path / f"{name}.xlsx", marks)
        result = read(filled, questionnaire, evaluator=name)
        assert result.report.ok
        reviews += result.scores
    median = evaluate(questionnaire, responses, reviews=reviews,
                      settings=Settings(total_points=100, price_method="classique",
                                        consensus="median"))
    mean = evaluate(questionnaire, responses, reviews=reviews,
                    settings=Settings(total_points=100, price_method="classique",
                                      consensus="mean"))
    # One criterion of 100 points, three questions of equal weight, scale 0-4.
    # Acmé: OVS-01 levels 4, 3, 4 (median 4 -> 1, mean 11/3 -> 11/12);
    #       OVS-02 levels 3, 3, 2 (median 3 -> 3/4, mean 8/3 -> 2/3); OVS-03 yes -> 1.
    #       median: (1 + 3/4 + 1) / 3 = 11/12 -> 91.67; mean: (11/12 + 8/12 + 1) / 3 = 31/36.
    assert median.vendor(ACME).total == pytest.approx(100 * 11 / 12)
    assert mean.vendor(ACME).total == pytest.approx(100 * 31 / 36)
    # Bêta: OVS-01 levels 1, 4, 1 (median 1 -> 1/4, mean 2 -> 1/2); OVS-02 2, 2, 2 -> 1/2;
    #       OVS-03 no -> 0. median: (1/4 + 1/2) / 3 = 1/4; mean: (1/2 + 1/2) / 3 = 1/3.
    assert median.vendor(BETA).total == pytest.approx(25.0)
    assert mean.vendor(BETA).total == pytest.approx(100 / 3)
    # Gamma: "not applicable" to OVS-01, justified and accepted by all: not counted.
    #       OVS-02 levels 1, 2, 1 (median 1 -> 1/4, mean 4/3 -> 1/3); OVS-03 yes -> 1.
    #       median: (1/4 + 1) / 2 = 5/8; mean: (1/3 + 1) / 2 = 2/3.
    assert median.vendor(GAMMA).total == pytest.approx(62.5)
    assert mean.vendor(GAMMA).total == pytest.approx(200 / 3)
    # Bêta's OVS-01 spread: (4 - 1) / 4 = 0.75 of the scale > 0.25: the one alert.
    assert [(d.vendor, d.question_id, dict(d.levels), d.spread) for d in median.divergences] \
        == [(BETA, "OVS-01", {"Alice": 1, "Bruno": 4, "Chloé": 1}, 0.75)]
    assert "evaluator-divergence" in median.vendor(BETA).flags
    assert median.pending_reviews == ()


def test_a_rejected_na_scores_zero(questionnaire: Questionnaire,
                                   responses: dict[str, Response],
                                   blanks: dict[str, Path], tmp_path: Path) -> None:
    marks = {**ALICE, ("OVS-01", GAMMA): (None, "Non", "Des suggestions orientent la "
                                                      "décision : la question s'applique.")}
    result = read(fill_review(blanks["Alice"], tmp_path / "f.xlsx", marks), questionnaire)
    evaluation = evaluate(questionnaire, responses, reviews=result.scores,
                          settings=Settings(total_points=100, price_method="classique"))
    # Gamma: OVS-01 now counts for 0; OVS-02 level 1 -> 1/4; OVS-03 yes -> 1.
    # (0 + 1/4 + 1) / 3 = 5/12.
    assert evaluation.vendor(GAMMA).total == pytest.approx(100 * 5 / 12)
    line = next(x for x in evaluation.lines_for(GAMMA) if x.question_id == "OVS-01")
    assert line.flags == ("na-rejected",)


# -- property: write, fill, read ----------------------------------------------------------

@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=5, max_size=5),
       st.booleans())
def test_levels_filled_are_the_levels_read(questionnaire: Questionnaire,
                                           responses: dict[str, Response],
                                           blanks: dict[str, Path], tmp_path: Path,
                                           levels: list[int | None], as_number: bool) -> None:
    answered = [("OVS-01", ACME), ("OVS-01", BETA), ("OVS-02", ACME), ("OVS-02", BETA),
                ("OVS-02", GAMMA)]
    marks: dict[tuple[str, str], tuple[CellValue, CellValue, CellValue]] = {
        key: ((level if as_number else label(level)), None, f"Note {level}.")
        for key, level in zip(answered, levels, strict=True) if level is not None}
    filled = fill_review(blanks["Bruno"], tmp_path / f"p-{uuid.uuid4().hex}.xlsx", marks)
    result = read(filled, questionnaire)
    assert set(result.scores) == expected_scores("Bruno", marks)
    assert result.report.ok


# -- LibreOffice ----------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_libreoffice_round_trip(questionnaire: Questionnaire, blanks: dict[str, Path],
                                tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is required in CI")
        pytest.skip("soffice (LibreOffice) is not installed")
    filled = fill_review(blanks["Bruno"], tmp_path / "filled.xlsx", BRUNO)
    out = tmp_path / "lo"
    profile = (tmp_path / f"profile-{uuid.uuid4().hex}").as_uri()
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                   check=True, capture_output=True, timeout=180)
    result = read(out / "filled.xlsx", questionnaire, evaluator="Bruno")
    assert result.report.findings == (), result.report.to_text()
    assert set(result.scores) == expected_scores("Bruno", BRUNO)


# -- conflict-of-interest declaration -----------------------------------------------------

def test_a_declaration_of_no_conflict_is_read_back(questionnaire: Questionnaire,
                                                   blanks: dict[str, Path],
                                                   tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE)
    result = read(filled, questionnaire, evaluator="Alice")
    assert result.report.findings == ()
    assert result.declaration == review.Declaration("Alice", True, "", dt.date(2027, 2, 15))
    assert result.declaration.line("fr") == (
        "Alice : déclare n'avoir aucun conflit d'intérêts (15 février 2027)")
    assert result.declaration.line("en") == (
        "Alice: declares no conflict of interest (15 February 2027)")
    assert set(result.scores) == expected_scores("Alice", ALICE)


def test_a_declared_conflict_keeps_the_scores_out(questionnaire: Questionnaire,
                                                  blanks: dict[str, Path],
                                                  tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, declaration=(
        "Je déclare un conflit d'intérêts (décrivez-le ci-dessous)",
        "Mon conjoint travaille chez Acme.", dt.date(2027, 2, 16)))
    result = read(filled, questionnaire, evaluator="Alice")
    assert codes(result) == ["conflict-declared"]
    finding = result.report.findings[0]
    assert (finding.severity, finding.sheet, finding.cell) == ("error", "Déclaration", "B5")
    assert "ses notes ne sont pas utilisées" in finding.message.fr
    assert "L'acheteur doit décider" in finding.message.fr
    assert "The buyer must decide" in finding.message.en
    assert "Mon conjoint travaille chez Acme." in finding.message.fr
    assert result.scores == ()
    assert result.declaration == review.Declaration("Alice", False,
                                                    "Mon conjoint travaille chez Acme.",
                                                    dt.date(2027, 2, 16))
    assert "déclare un conflit d'intérêts (16 février 2027)" in result.declaration.line("fr")


def test_a_blank_declaration_is_a_warning_and_the_scores_count(
        questionnaire: Questionnaire, blanks: dict[str, Path], tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, declaration=None)
    result = read(filled, questionnaire, evaluator="Alice")
    assert result.report.ok
    assert codes(result) == ["declaration-blank"]
    finding = result.report.findings[0]
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "Déclaration", "B5")
    assert "la déclaration manque" in finding.message.fr
    assert set(result.scores) == expected_scores("Alice", ALICE)
    assert result.declaration == review.Declaration("Alice", None)
    assert result.declaration.line("en") == "Alice: declaration not filled in"


def test_a_declaration_outside_the_list_or_undated(questionnaire: Questionnaire,
                                                   blanks: dict[str, Path],
                                                   tmp_path: Path) -> None:
    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE,
                         declaration=("Peut-être", "", "demain"))
    result = read(filled, questionnaire, evaluator="Alice")
    assert codes(result) == ["invalid-value", "invalid-date", "declaration-blank"]
    undated = fill_review(blanks["Alice"], tmp_path / "g.xlsx", ALICE,
                          declaration=(NO_CONFLICT[0], "", None))
    assert codes(read(undated, questionnaire)) == ["declaration-undated"]


def test_an_edited_declaration_text_is_refused(questionnaire: Questionnaire,
                                               blanks: dict[str, Path],
                                               tmp_path: Path) -> None:
    def soften(wb: Any) -> None:
        wb["Déclaration"]["A3"] = "Je déclare avoir lu la consultation."

    filled = fill_review(blanks["Alice"], tmp_path / "f.xlsx", ALICE, edit=soften)
    result = read(filled, questionnaire, evaluator="Alice")
    assert codes(result) == ["declaration-edited"]
    assert not result.report.ok
    assert result.declaration is None


def test_the_declaration_sheet_cites_the_law(blanks: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(blanks["Alice"])
    assert book.sheetnames[:2] == ["Évaluation", "Déclaration"]
    ws = book["Déclaration"]
    assert ws["A2"].value == "Évaluateur : Alice"
    assert "article L2141-10 du code de la commande publique" in ws["A3"].value
    assert "article 24 de la directive 2014/24/UE" in ws["A3"].value
    choices = [v for v in ws.data_validations.dataValidation if "B5" in str(v.sqref)]
    assert len(choices) == 1
    assert choices[0].type == "list"
    listed = {str(c.value) for row in book[review.SHEET_LISTS].iter_rows() for c in row}
    assert {"Je déclare n'avoir aucun conflit d'intérêts",
            "Je déclare un conflit d'intérêts (décrivez-le ci-dessous)"} <= listed


def test_a_workbook_written_before_the_declaration_still_reads(
        questionnaire: Questionnaire, responses: dict[str, Response], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    written = review._fields

    def format_1(*args: Any) -> dict[str, str]:
        fields = written(*args)
        del fields["declaration"]
        return {**fields, "format": "1"}

    monkeypatch.setattr(review, "_fields", format_1)
    old = write_review(questionnaire, responses, tmp_path / "old.xlsx", evaluator="Alice",
                       key=KEY)
    monkeypatch.undo()
    filled = fill_review(old, tmp_path / "f.xlsx", ALICE, declaration=None)
    result = read(filled, questionnaire, evaluator="Alice")
    assert result.report.ok
    assert codes(result) == ["declaration-missing"]
    assert set(result.scores) == expected_scores("Alice", ALICE)
    assert result.declaration == review.Declaration("Alice", None)


def test_assigned_letters_keep_an_offers_code_in_a_follow_up_workbook(
        questionnaire: Questionnaire, responses: dict[str, Response], tmp_path: Path) -> None:
    # Gamma and Bêta were coded B and C in an earlier workbook (Acmé was A); a follow-up
    # workbook with their new versions shows them under the same codes, not A and B.
    later = {GAMMA: responses[GAMMA], BETA: responses[BETA]}
    blank = write_review(questionnaire, later, tmp_path / "suite.xlsx", evaluator="Alice",
                         key=KEY, letters={BETA: "C", GAMMA: "B"})
    rows = rows_of(blank)
    assert set(rows) == {"#OVS-01", "OVS-01@B", "OVS-01@C", "#OVS-02", "OVS-02@B", "OVS-02@C"}
    cells = sheet_cells(blank, "Évaluation")
    assert cells[f"A{rows['OVS-01@B']}"] == "Offre B"  # Gamma, first: rows follow the codes
    assert rows["OVS-01@B"] < rows["OVS-01@C"]
    filled = fill(blank, tmp_path / "suite-filled.xlsx", {
        f"F{rows['OVS-02@B']}": label(3), f"H{rows['OVS-02@B']}": "Gamma, page 2.",
        f"F{rows['OVS-02@C']}": label(1), f"H{rows['OVS-02@C']}": "Bêta, page 9."},
        sheet="Évaluation")
    result = read(filled, questionnaire, vendors=[BETA, GAMMA])
    assert result.codes == {GAMMA: "Offre B", BETA: "Offre C"}
    levels = {(s.vendor, s.question_id): (s.level, s.justification) for s in result.scores
              if s.level is not None}
    assert levels == {(GAMMA, "OVS-02"): (3, "Gamma, page 2."),
                      (BETA, "OVS-02"): (1, "Bêta, page 9.")}
    # Without assigned letters, the same offers are coded A and B in name order.
    assert set(rows_of(write_review(questionnaire, later, tmp_path / "plain.xlsx",
                                    evaluator="Alice", key=KEY))) >= {"OVS-01@A", "OVS-01@B"}


def test_edited_letters_break_the_signature(questionnaire: Questionnaire,
                                            responses: dict[str, Response],
                                            tmp_path: Path) -> None:
    later = {GAMMA: responses[GAMMA], BETA: responses[BETA]}
    blank = write_review(questionnaire, later, tmp_path / "suite.xlsx", evaluator="Alice",
                         key=KEY, letters={BETA: "C", GAMMA: "B"})

    def swap(wb: object) -> None:  # an evaluator swapping which offer is which
        ws = wb[form.SHEET_IDENTITY]  # type: ignore[index]
        row = next(r for r in range(1, 30) if ws[f"A{r}"].value == "letters")
        ws[f"B{row}"] = "B C"

    edited = fill(blank, tmp_path / "swapped.xlsx", {}, sheet="Évaluation", edit=swap)
    result = read(edited, questionnaire, vendors=[BETA, GAMMA])
    assert codes(result) == ["signature"]
    assert result.scores == ()
    with pytest.raises(QuestionnaireError, match="distinct code letter"):
        write_review(questionnaire, later, tmp_path / "bad.xlsx", evaluator="Alice", key=KEY,
                     letters={BETA: "B", GAMMA: "B"})
    with pytest.raises(QuestionnaireError, match="distinct code letter"):
        write_review(questionnaire, later, tmp_path / "bad2.xlsx", evaluator="Alice",
                     key=KEY, letters={BETA: "C"})
