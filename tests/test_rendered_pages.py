"""The demo's comparison workbook, memo and questionnaire, as they print.

A layout fault shows on the page, not in the cells: a header cut mid-word, a decimal
with fifteen digits, a code where a reader expects words, a table of contents without
page numbers, a signature table alone on its page, a questionnaire printed too small to
read. The French outputs of the session's demo campaign (lot 1) are converted to PDF by
LibreOffice once for the module (one ``soffice`` call for the three files), then read
back with poppler's ``pdftotext``, page by page and with word boxes for the font size.

Skipped when ``soffice`` or ``pdftotext`` is missing, except on CI (``CI`` set), where
that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

A4_LANDSCAPE = (841.9, 595.3)
"""Width and height of an A4 landscape page, in points."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not on PATH"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it (see .ci/run)", pytrace=False)
        pytest.skip(message)
    return found


def _pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, in reading order."""
    text = subprocess.run([_tool("pdftotext"), str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    return text.split("\f")[:-1]


def _word_heights(pdf: Path) -> list[list[float]]:
    """The height of each word's box, page by page, in points."""
    html = subprocess.run([_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    return [[float(y1) - float(y0) for y0, y1 in
             re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"',
                        page)]
            for page in html.split("<page ")[1:]]


@pytest.fixture(scope="module")
def rendered(demo_campaign: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the PDFs: comparison, memo, questionnaire, and a 10 pt reference."""
    soffice = _tool("soffice")
    _tool("pdftotext")
    work = tmp_path_factory.mktemp("rendered")
    sources = {"comparison.xlsx": demo_campaign / "out" / "lot-1" / "comparison.xlsx",
               "memo.docx": demo_campaign / "out" / "lot-1" / "memo-fr.docx",
               "questionnaire.xlsx": demo_campaign / "outbox" / "questionnaire-lot-1.xlsx"}
    for name, source in sources.items():
        shutil.copyfile(source, work / name)
    # A cell in the questionnaire's font at 10 pt, printed at 100 %: the measure that turns
    # a word's box height into a font size on this machine (fonts differ by system).
    font = load_workbook(work / "questionnaire.xlsx")["Questionnaire"]["B6"].font
    reference = Workbook()
    cell = reference.active["A1"]  # type: ignore[index]
    cell.value = "Référence à dix points"
    cell.font = Font(name=font.name, sz=10)
    reference.save(work / "reference.xlsx")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(work),
               *(str(work / name) for name in [*sources, "reference.xlsx"])]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    for name in [*sources, "reference.xlsx"]:
        assert (work / name).with_suffix(".pdf").exists(), (result.stdout, result.stderr)
    return work


@pytest.fixture(scope="module")
def comparison(rendered: Path) -> list[str]:
    return _pages(rendered / "comparison.pdf")


@pytest.fixture(scope="module")
def memo(rendered: Path) -> list[str]:
    return _pages(rendered / "memo.pdf")


# Comparison workbook ----------------------------------------------------------------------

def test_comparison_numbers_print_with_a_few_decimals(comparison: list[str]) -> None:
    text = "\n".join(comparison)
    assert not re.search(r"\d[.,]\d{6,}", text.replace("0,000000001", ""))  # "33.3333333"
    assert not re.search(r"\de-\d", text, re.IGNORECASE)  # "1e-09"
    assert "0,000000001" in text  # the tie tolerance, written out


def test_comparison_headers_are_whole_words(comparison: list[str], rendered: Path) -> None:
    # A header cut mid-word ("Signaleme" / "nts") prints neither half as the whole word.
    words = set(re.findall(r"[^\W\d_]+", "\n".join(comparison)))
    book = load_workbook(rendered / "comparison.xlsx")
    headers = {str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
               if cell.value and str(cell.fill.fgColor.rgb).endswith("1F4E79")}
    assert len(headers) > 50
    for header in headers:
        for word in re.findall(r"[^\W\d_]{3,}", header):
            assert word in words, (header, word)


def test_comparison_audit_sheet_reads_as_words(comparison: list[str]) -> None:
    audit = "\n".join(page for page in comparison if "Audit" in page)
    assert "Date limite de réponse" in audit
    assert "15 février 2027" in audit
    assert "30,0 %" in audit  # the price's published share, spaced as French writes it
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", audit)  # no ISO date
    assert "{" not in audit  # no JSON dict of weights
    assert "poids par défaut de la banque de questions" in audit
    assert "médiane" in audit
    for code in ("bank-defaults", "median", "proportional", "exclude-if-allowed"):
        assert code not in audit
    assert "Édité le 1er mars 2027" in comparison[0]


# Memo -------------------------------------------------------------------------------------

def test_memo_words_are_french_and_whole(memo: list[str]) -> None:
    text = "\n".join(memo)
    assert "Écart" in text
    assert "Ecart" not in text
    assert "médiane" in text
    assert not re.search(r"\bmedian\b", text)
    assert not re.search(r"Questio(?!n)", text)  # "Questio/n" in a narrow column
    # A computation wraps before an operator, never after: no line ends "23 877,3 +",
    # and a result stays whole with its unit ("= 197 236,25 €").
    assert not re.search(r"\d [+×−/]\s*$", text, re.MULTILINE)
    assert "= 197 236,25 €" in text.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Rapport établi le 1er mars 2027" in text


def test_memo_contents_give_the_right_page_numbers(memo: list[str]) -> None:
    contents = memo[0]
    assert "Sommaire" in contents
    assert "Word" not in contents  # no editing note left under the contents
    entries = re.findall(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", contents, re.MULTILINE)
    assert len(entries) >= 10
    for title, number in entries:
        page = memo[int(number) - 1]
        assert title in page.replace("\n", " "), (title, number)


def test_memo_signatures_stay_with_their_heading(memo: list[str]) -> None:
    page = next(p for p in memo if "Qualité" in p and "Signature" in p)
    assert "Signatures" in page
    assert "Fait à Rivebelle, le 1er mars 2027." in page
    assert "Proposition d'attribution" in page  # the table is not alone on its page


def test_memo_chart_is_drawn_with_every_offer_and_its_legend(memo: list[str],
                                                             rendered: Path) -> None:
    # The totals chart is a native chart: LibreOffice draws it, so its texts print on
    # the page of its caption (a chart LibreOffice cannot read prints as an empty box).
    page = next(p for p in memo if "Figure 1 – " in p)
    assert "Points (sur 100)" in page
    for offer in ("Alizé Systèmes – 76,9", "Boréal Data – 76,4", "Estuaire Numérique"):
        assert offer in page
    assert "COST – Coût complet" in page  # the legend
    # The profile follows as a table: each offer's shares of the 13 criteria, a row each.
    laid_out = subprocess.run([_tool("pdftotext"), "-layout", str(rendered / "memo.pdf"), "-"],
                              capture_output=True, text=True, check=True, timeout=60).stdout
    profile = laid_out[laid_out.index("Figure 2 – "):]
    rows = re.findall(r"^\s*(Alizé Systèmes|Estuaire Numérique)((?:\s+\d+){13})\s*$", profile,
                      re.MULTILINE)
    assert [(name, figures.split()[-1]) for name, figures in rows] == [
        ("Alizé Systèmes", "55"), ("Estuaire Numérique", "51")]
    # The chart fits on its page with its caption: both above the footer.
    assert page.index("Points (sur 100)") < page.index("Figure 1 – ")


def test_memo_traceability_annex_is_a_table_of_parameters(memo: list[str]) -> None:
    start = next(i for i, p in enumerate(memo) if "Paramètres de l'évaluation" in p)
    annex = "\n".join(memo[start:])
    assert "Paramètre" in annex
    assert "Valeur" in annex
    assert "Consensus des évaluateurs" in annex
    assert "{" not in annex


# Questionnaire ----------------------------------------------------------------------------

def test_questionnaire_speaks_one_language_per_cell(rendered: Path) -> None:
    text = "\n".join(_pages(rendered / "questionnaire.pdf"))
    assert "EUR HT, par an" in text
    for english in ("excl. VAT", "HT/", "per year", "Your answer"):
        assert english not in text


def test_printed_questionnaire_is_at_least_8_pt(rendered: Path) -> None:
    # Column widths count characters of the workbook's font, Calibri. Excel has it and
    # LibreOffice ships its metric twin Carlito; a bare Linux LibreOffice without Carlito
    # falls back to a wider font, widens every column and prints about 20 % smaller.
    fonts = subprocess.run([_tool("pdffonts"), str(rendered / "questionnaire.pdf")],
                           capture_output=True, text=True, check=True).stdout
    if not re.search(r"Calibri|Carlito", fonts):
        message = "neither Calibri nor Carlito is installed (fonts-crosextra-carlito)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it (see .ci/run)", pytrace=False)
        pytest.skip(message)
    reference = statistics.median(_word_heights(rendered / "reference.pdf")[0])
    heights = _word_heights(rendered / "questionnaire.pdf")
    texts = _pages(rendered / "questionnaire.pdf")
    questions = [h for page, text in zip(heights, texts, strict=True)
                 if "Pourquoi et comment répondre" in text for h in page]
    assert len(questions) > 1000
    smallest = 10 * min(questions) / reference
    assert smallest >= 8.0, f"smallest text prints at {smallest:.1f} pt"
    pages = subprocess.run([_tool("pdfinfo"), str(rendered / "questionnaire.pdf")],
                           capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", pages)
    assert size is not None
    assert (round(float(size[1]), 1), round(float(size[2]), 1)) == A4_LANDSCAPE
