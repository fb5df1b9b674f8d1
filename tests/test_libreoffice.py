"""A questionnaire filled and saved again by LibreOffice reads back the same.

Vendors fill the workbook in Excel or LibreOffice. LibreOffice rewrites the whole package
when it saves (shared strings instead of inline ones, its own styles, numbers written
its way), so the answers, the identity and its signature must survive that. The file is
filled with openpyxl, then saved by ``soffice --headless --convert-to xlsx``, which also
recalculates every formula on load (the workbook asks for a full calculation): the
cached values it writes are those a vendor sees in the completion counter.

One conversion for the whole module (LibreOffice takes seconds to start), with a
private user profile so parallel runs do not share one. Skipped when ``soffice`` is not
installed, except on CI (``CI`` set), where a missing LibreOffice is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.fixtures import KEY, CellValue, fill, full_questionnaire

from ai_procurement.answers import AnswerState, Response
from ai_procurement.workbooks import form
from ai_procurement.workbooks.form import write_questionnaire
from ai_procurement.workbooks.response import read_response

pytestmark = pytest.mark.libreoffice

Q = full_questionnaire()

# A partly filled copy. Rows: GOV-01 6, GOV-02 7 (asked only if GOV-01 is yes), GOV-03 8
# (options 9-11), GOV-04 12, GOV-05 13, ENV-01..03 15-17, PLAN-01 19, PRICE-01 21 (items
# 22-24). See tests/fixtures.py.
FILLED: dict[str, CellValue] = {
    "E6": "Non", "J6": "https://example.org/hebergement.pdf",
    "E9": "Oui", "E10": "Non",
    "F13": "Sans objet", "G13": "Aucune décision automatisée.\nVoir l'annexe 2.",
    "E15": 0.8, "G15": "=mesuré sur 1 000 requêtes", "H15": "Bilan carbone.pdf", "I15": 14,
    "E17": 2,
    "E19": dt.date(2027, 3, 1),
    "E22": 12000, "E23": 3500.5,
}


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        message = "LibreOffice (soffice) is not on PATH"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it (see .ci/run)", pytrace=False)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("filled")
    blank = write_questionnaire(Q, folder / "blank.xlsx", "fr", "ACME", key=KEY)
    return fill(blank, folder / "questionnaire.xlsx", FILLED)


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory, filled: Path) -> Path:
    """``filled`` opened and saved again by LibreOffice."""
    soffice = _soffice()
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    out = tmp_path_factory.mktemp("resaved")
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--convert-to", "xlsx", "--outdir", str(out), str(filled)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                            check=False)
    target = out / filled.name
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert target.exists(), (result.stdout, result.stderr)
    return target


def _read(path: Path) -> Response:
    return read_response(path, Q, key=KEY, vendor="ACME")


def test_libreoffice_really_rewrote_the_file(filled: Path, resaved: Path) -> None:
    import zipfile

    with zipfile.ZipFile(resaved) as archive:
        names = set(archive.namelist())
    # openpyxl writes inline strings; LibreOffice a shared strings table.
    assert "xl/sharedStrings.xml" in names
    assert resaved.read_bytes() != filled.read_bytes()


def test_answers_and_identity_survive_libreoffice(filled: Path, resaved: Path) -> None:
    before, after = _read(filled), _read(resaved)
    # The identity and its signature are intact: no identity finding, same vendor.
    assert after.vendor_token == before.vendor_token != ""
    assert after.lang == "fr"
    assert [(f.code, f.cell) for f in after.report.findings] == [
        (f.code, f.cell) for f in before.report.findings] == [("price-incomplete", "E24")]
    assert after.answers == before.answers
    answers = after.answers
    assert answers["GOV-01"].value == "no"
    assert answers["GOV-02"].state is AnswerState.NOT_APPLICABLE_BY_CONDITION
    assert answers["GOV-03"].value == ("iso27001",)
    assert answers["GOV-05"].state is AnswerState.NOT_APPLICABLE
    assert answers["GOV-05"].justification == "Aucune décision automatisée.\nVoir l'annexe 2."
    assert answers["ENV-01"].value == 0.8
    assert answers["ENV-01"].justification == "=mesuré sur 1 000 requêtes"
    assert answers["ENV-01"].evidence.page == "14"
    assert answers["PLAN-01"].value == dt.date(2027, 3, 1)


def test_structure_survives_libreoffice(resaved: Path) -> None:
    wb = load_workbook(resaved)
    assert wb.sheetnames == ["Consignes", "Questionnaire", "_lists", "_identity"]
    assert [ws.sheet_state for ws in wb.worksheets][2:] == ["hidden", "hidden"]
    ws = wb[form.SHEET_QUESTIONS]
    assert ws.protection.sheet
    assert not ws["E6"].protection.locked
    assert ws["B6"].protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert {dv.formula1 for dv in lists} >= {"list_1", "list_3"}


def test_completion_counter_after_libreoffice_recalculates(resaved: Path) -> None:
    # Done per criterion (see FILLED):
    # GOV: GOV-01 answered, GOV-02 does not apply (GOV-01 is "Non"), GOV-03 ticked,
    #      GOV-04 blank, GOV-05 not applicable: 4 of 5 = 80 %.
    # ENV: ENV-01 and ENV-03 answered, ENV-02 blank: 2 of 3.
    # PLAN: 1 of 1. PRICE: 2 of its 3 cost items only: 0 of 1.
    # Total: 4 + 2 + 1 + 0 = 7 of 5 + 3 + 1 + 1 = 10, 70 %.
    ws = load_workbook(resaved, data_only=True)["Consignes"]
    table = {ws[f"A{r}"].value: (ws[f"C{r}"].value, ws[f"D{r}"].value, ws[f"E{r}"].value)
             for r in range(1, ws.max_row + 1)
             if ws[f"A{r}"].value in ("GOV", "ENV", "PLAN", "PRICE", "Total")}
    assert table == {"GOV": (5, 4, pytest.approx(0.8)), "ENV": (3, 2, pytest.approx(2 / 3)),
                     "PLAN": (1, 1, 1), "PRICE": (1, 0, 0),
                     "Total": (10, 7, pytest.approx(0.7))}


def test_price_total_after_libreoffice_recalculates(resaved: Path) -> None:
    # PRICE-01 (see FILLED): licence 12 000 a year (E22), set-up 3 500.50 once (E23),
    # training left blank (E24); over 4 years: 3 500.50 + 4 x 12 000 = 51 500.50.
    ws = load_workbook(resaved, data_only=True)[form.SHEET_QUESTIONS]
    assert ws["M25"].value == "PRICE-01#total"
    assert ws["E25"].value == pytest.approx(51_500.5)
