"""Tests for the comparison workbook a procurement committee reads.

The workbook presents an evaluation: its figures must be the evaluation's, every vendor
string must come out as literal text (Excel runs a cell starting with "=" typed by a
vendor: OWASP, "CSV Injection"), a text longer than a cell (32,767 characters, Excel's
"Excel specifications and limits") must be cut visibly, and the same inputs must give
the same bytes. The price worked example follows the DAJ fiche on price scoring (2024):
classique, note = Nmax × Pmin / P.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import io
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl.worksheet.worksheet import Worksheet
from tests import deliverable_fixtures as df
from tests.fixtures import full_questionnaire

from ai_procurement.answers import Answer, AnswerState, EvidenceRef
from ai_procurement.decision.robustness import assess_robustness
from ai_procurement.decision.scoring import Evaluation, Settings, evaluate
from ai_procurement.deliverables.comparison import (
    CELL_LIMIT,
    CUT_MARKER,
    comparison_bytes,
    write_comparison,
)
from ai_procurement.deliverables.labels import clean_text as _clean_text
from ai_procurement.deliverables.procedure import Deposit
from ai_procurement.errors import OutputError, ScoringError

GENERATED = dt.date(2026, 11, 26)
FR_SHEETS = ["Synthèse", "Matrice", "Détail", "Conformité", "Prix", "Robustesse",
             "Évaluateurs", "Audit"]
EN_SHEETS = ["Summary", "Matrix", "Detail", "Compliance", "Price", "Robustness",
             "Evaluators", "Audit"]


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return df.territorial_evaluation()


@pytest.fixture(scope="module")
def fr_book(evaluation: Evaluation) -> openpyxl.Workbook:
    data = comparison_bytes(evaluation, lang="fr", robustness=df.territorial_robustness(),
                            generated=GENERATED)
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(ws: Worksheet) -> list[tuple[object, ...]]:
    return [tuple(cell.value for cell in row) for row in ws.iter_rows()]


def table_after(ws: Worksheet, *header: str) -> Iterator[tuple[object, ...]]:
    """The rows under the header row starting with ``header``, up to the first blank."""
    found = False
    for row in rows(ws):
        if found:
            if row[0] is None:
                return
            yield row
        elif row[: len(header)] == header:
            found = True
    assert found, f"no row starting with {header} in {ws.title}"


def display_order(evaluation: Evaluation) -> list[str]:
    others = sorted((v for v in evaluation.vendors if v.rank is None),
                    key=lambda v: (v.status != "non-compliant", v.vendor))
    return [v.vendor for v in [*evaluation.ranking, *others]]


# -- structure and figures -------------------------------------------------------------------


def test_sheets_are_named_in_the_language(fr_book: openpyxl.Workbook) -> None:
    assert fr_book.sheetnames == FR_SHEETS
    small = df.small_evaluation(["Alpha", "Beta"])
    en = openpyxl.load_workbook(io.BytesIO(comparison_bytes(small, lang="en")))
    # Without robustness checks there is no Robustness sheet.
    assert en.sheetnames == [s for s in EN_SHEETS if s != "Robustness"]


def test_summary_ranking_is_the_evaluation_ranking(evaluation: Evaluation,
                                                   fr_book: openpyxl.Workbook) -> None:
    table = list(table_after(fr_book["Synthèse"], "Rang", "Candidat", "Statut"))
    assert [row[1] for row in table] == display_order(evaluation)
    for row in table:
        result = evaluation.vendor(str(row[1]))
        assert row[0] == (result.rank if result.rank is not None else "—")
        if result.status == "file-rejected":
            assert row[3] is None  # a rejected file has no score
        else:
            assert row[3] == pytest.approx(result.total, rel=1e-12)
    # The fixture: 4 ranked offers, then Epsilon (knock-out), then Zeta (file rejected).
    assert [row[1] for row in table][-2:] == ["Epsilon", "Zeta"]
    assert "exigence éliminatoire non satisfaite" in str(table[-2][-1])


def test_points_per_criterion_add_up_to_the_total(evaluation: Evaluation,
                                                  fr_book: openpyxl.Workbook) -> None:
    weighted = [c for c in evaluation.questionnaire.bank.criteria
                if evaluation.criterion_points[c.id] > 0]
    for row in table_after(fr_book["Synthèse"], "Rang", "Candidat", "Statut"):
        if row[3] is None:
            continue
        points = row[4: 4 + len(weighted)]
        assert sum(points) == pytest.approx(row[3], abs=1e-9)  # type: ignore[arg-type]
        result = evaluation.vendor(str(row[1]))
        assert list(points) == pytest.approx([result.criteria[c.id] for c in weighted])
    matrix = list(table_after(fr_book["Matrice"], "Candidat", "Statut"))
    scored = [v for v in display_order(evaluation)
              if evaluation.vendor(v).status != "file-rejected"]
    # Two tables: points, then the shares of each criterion's points.
    points_rows, share_rows = matrix[: len(scored)], list(
        table_after(fr_book["Matrice"], "Candidat", "Statut", "Conformité juridique et "
                    "règlement sur l’IA"))
    assert [r[0] for r in points_rows] == scored
    for points_row, share_row in zip(points_rows, share_rows, strict=True):
        assert sum(points_row[2:-1]) == pytest.approx(points_row[-1])  # type: ignore[arg-type]
        for c, pts, share in zip(weighted, points_row[2:-1], share_row[2:-1], strict=True):
            assert share == pytest.approx(pts / evaluation.criterion_points[c.id])  # type: ignore[operator]


def test_detail_has_one_row_per_vendor_and_question(evaluation: Evaluation,
                                                    fr_book: openpyxl.Workbook) -> None:
    ws = fr_book["Détail"]
    table = rows(ws)[1:]
    assert len(table) == len(evaluation.lines)
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:O{len(table) + 1}"
    assert ws.print_title_rows == "$1:$1"
    line = next(line for line in evaluation.lines if line.question_id == "LEG-06")
    row = next(r for r in table if r[0] == line.vendor and r[2] == "LEG-06")
    assert row[9:13] == pytest.approx((line.fraction, line.weight, line.points,
                                       line.max_points))
    assert str(row[5]).startswith(f"{line.value} – ")  # "2 – Une notice décrivant…"


def test_compliance_price_and_audit_explain_the_figures(evaluation: Evaluation,
                                                        fr_book: openpyxl.Workbook) -> None:
    knockouts = list(table_after(fr_book["Conformité"], "Candidat", "Question", "Intitulé"))
    assert [(r[0], r[1], r[3]) for r in knockouts] == [("Epsilon", "RED-01", "Oui")]
    rejected = list(table_after(fr_book["Conformité"], "Candidat", "Fichier", "Motif"))
    assert rejected[0][:2] == ("Zeta", "reponse-zeta.xlsx")
    assert "signature" in str(rejected[0][2])

    price = evaluation.price
    assert price is not None
    shown = {r[0]: r for r in table_after(fr_book["Prix"], "Candidat", "Statut",
                                          "Coût complet (€)")}
    for vendor, points in price.points.items():
        assert shown[vendor][3] == pytest.approx(points)
        assert shown[vendor][4] == price.explain(vendor).fr
    assert shown["Epsilon"][3] is None  # a non-compliant offer is not scored on price
    flagged = [v for v, r in shown.items() if r[5]]
    assert evaluation.low_offers is not None
    assert flagged == list(evaluation.low_offers.flagged)

    audit = {r[0]: r[1] for r in rows(fr_book["Audit"])}
    assert audit["Empreinte du questionnaire (SHA-256)"] == (
        evaluation.questionnaire.fingerprint)
    assert audit["Banque de questions"] == "ai-territorial"
    # Dates read as the buyer writes them, not in ISO form.
    assert audit["Date d'édition"] == "26 novembre 2026"
    assert audit["Date limite de réponse"] == "15 décembre 2026"
    names = {r[1]: r[2] for r in table_after(fr_book["Audit"], "Paramètre", "Nom", "Valeur")}
    assert names["price_method"] == "linéaire"  # in words, not the code "lineaire"
    assert names["total_points"] == 100
    assert set(names) >= {f.name for f in attrs.fields(Settings)}
    files = {r[0]: r[2] for r in table_after(fr_book["Audit"], "Candidat", "Fichier")}
    assert files == {i.vendor: i.sha256 for i in evaluation.inputs}


def test_robustness_and_evaluator_sheets(evaluation: Evaluation,
                                         fr_book: openpyxl.Workbook) -> None:
    rob = df.territorial_robustness()
    ws = fr_book["Robustesse"]
    acceptability = list(table_after(ws, "Candidat", "Rang 1", "Rang 2"))[: len(rob.vendors)]
    n = len(rob.vendors)
    for row in acceptability:
        assert sum(row[1: 1 + n]) == pytest.approx(1.0)  # type: ignore[arg-type]
    summary = [str(r[0]) for r in rows(fr_book["Synthèse"]) if r[0]]
    for sentence in rob.sentences("fr"):
        assert "• " + sentence in summary
    # The fixture's two leading offers are within 2 % of the points: a close call.
    flags = {r[1]: r[-1] for r in table_after(fr_book["Synthèse"], "Rang", "Candidat")}
    assert "écart serré" in str(flags["Delta"])
    assert "écart serré" in str(flags["Gamma"])
    levels = list(table_after(fr_book["Évaluateurs"], "Candidat", "Question", "Intitulé",
                              "Claire", "Louis"))
    reviewed = {(s.vendor, s.question_id) for s in evaluation.evaluator_scores}
    assert {(r[0], r[1]) for r in levels} == reviewed


def test_formats_fonts_print_setup_and_charts(evaluation: Evaluation,
                                              fr_book: openpyxl.Workbook) -> None:
    summary = fr_book["Synthèse"]
    header = next(r for r in range(1, 30) if summary.cell(r, 1).value == "Rang")
    total = summary.cell(header + 1, 4)
    assert total.number_format.endswith("0.00")
    assert total.font.name == "Calibri"
    matrix = fr_book["Matrice"]
    share = next(c for row in matrix.iter_rows() for c in row
                 if isinstance(c.value, float) and c.number_format.endswith("0\\ %"))
    assert share.font.name == "Calibri"
    rules = [r for cf in matrix.conditional_formatting for r in cf.rules]
    assert any(r.type == "colorScale" for r in rules)
    for ws in fr_book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize or 0) == int(ws.PAPERSIZE_A4)
        # One page wide (fitToWidth defaults to 1 when a sheet fits to pages), as many
        # pages high as needed.
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)
        assert ws.page_setup.fitToHeight == 0
    data = comparison_bytes(evaluation, lang="fr")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        assert b":barChart>" in archive.read(charts[0])
        assert b":radarChart>" in archive.read(charts[1])


def test_rows_fit_their_text_and_sheets_declare_their_extent(evaluation: Evaluation,
                                                             fr_book: openpyxl.Workbook) -> None:
    summary = fr_book["Synthèse"]
    # The sheet title (row heights are stored in whole pixels: 0.75 pt).
    assert summary.row_dimensions[1].height == pytest.approx(22, abs=0.75)
    # The consultation's title spans the sheet's width, on a row of its own.
    assert summary["A2"].value == evaluation.questionnaire.consultation.title
    assert "A2:R2" in {str(r) for r in summary.merged_cells.ranges}
    # Neither Excel nor LibreOffice sizes rows when opening a file: a long written answer
    # (column F, 28 wide: about 36 characters a line) gets a row tall enough to read it.
    detail = fr_book["Détail"]
    long = [r for r in range(2, detail.max_row + 1)
            if len(str(detail.cell(r, 6).value or "")) > 200]
    assert long
    assert all((detail.row_dimensions[r].height or 0) > 5 * 13 for r in long)
    # Tools that trust the extent a sheet declares (openpyxl's read-only mode, pandas)
    # see every row of the Detail sheet.
    book = openpyxl.load_workbook(io.BytesIO(comparison_bytes(evaluation)), read_only=True)
    assert book["Détail"].calculate_dimension() == f"A1:O{len(evaluation.lines) + 1}"


# -- layout a buyer reported -------------------------------------------------------------------

DARK = "1F4E79"  # the header fill


def words(text: object) -> list[str]:
    return str(text or "").split()


def column_width(ws: Worksheet, col: int) -> float:
    """The width of column ``col`` (a width may be declared for a range of columns)."""
    for dimension in ws.column_dimensions.values():
        if dimension.min is not None and dimension.min <= col <= (dimension.max or 0):
            return float(dimension.width)
    raise AssertionError(f"no width declared for column {col} of {ws.title}")


def test_every_decimal_has_a_number_format(fr_book: openpyxl.Workbook) -> None:
    # A French buyer read "33.3333333333333", "0.9" and "0.000000001": a number in the
    # General format shows every digit and ignores the language's decimal comma.
    general = [(ws.title, c.coordinate, c.value) for ws in fr_book.worksheets
               for row in ws.iter_rows() for c in row
               if isinstance(c.value, float) and not c.value.is_integer()
               and c.number_format == "General"]
    assert general == []
    labels = {r[0]: r[1:] for r in rows(fr_book["Robustesse"]) if r[0]}
    ws = fr_book["Robustesse"]
    tolerance = next(ws.cell(r, 2) for r in range(1, ws.max_row + 1)
                     if ws.cell(r, 1).value == "Tolérance d'égalité (part du total)")
    assert tolerance.value == pytest.approx(1e-9)
    assert tolerance.number_format == "[$-40C]0.000000000"  # shown "0,000000001"
    assert labels["Variation des poids autour des poids publiés (±)"][0] == 0.2


def test_headers_break_between_words(fr_book: openpyxl.Workbook) -> None:
    # A header label must never be broken mid-word ("Part obtenu/e"): each column is as
    # wide as its header's longest word (about 1.1 width units a bold character), and a
    # row of labels turned bottom to top is as high as its longest turned word.
    checked = 0
    for ws in fr_book.worksheets:
        merged = {c for r in ws.merged_cells.ranges for c in (r.start_cell.coordinate,)}
        for row in ws.iter_rows():
            for cell in row:
                if not str(cell.fill.fgColor.rgb).endswith(DARK) or not cell.value:
                    continue
                longest = max(len(w) for w in words(cell.value))
                if cell.alignment.textRotation == 90:
                    height = ws.row_dimensions[cell.row].height or 15
                    assert height >= 6.5 * longest, (ws.title, cell.coordinate, cell.value)
                elif cell.coordinate not in merged:
                    assert column_width(ws, cell.column) >= 1.1 * longest, (
                        ws.title, cell.coordinate, cell.value)
                checked += 1
    assert checked > 100


def test_audit_shows_weighting_parameters_and_dates_as_words() -> None:
    # The weights the buyer gave read as lines "Gouvernance (GOV) : 35", not as JSON.
    from tests.fixtures import CONSULTATION, full_bank

    from ai_procurement.decision.strategy import direct_weights
    from ai_procurement.questionnaire import freeze

    questionnaire = freeze(full_bank(), CONSULTATION,
                           direct_weights({"GOV": 35, "ENV": 25, "PLAN": 10, "PRICE": 30}))
    evaluation = df.make_evaluation(questionnaire, {"A": 0.8, "B": 0.5}, gaps=False)
    for lang, expected, deadline in (("fr", "Gouvernance (GOV) : 35", "30 novembre 2026"),
                                     ("en", "Governance (GOV): 35", "30 November 2026")):
        book = openpyxl.load_workbook(io.BytesIO(comparison_bytes(evaluation, lang=lang)))
        audit = book["Audit"]
        texts = [str(c.value) for row in audit.iter_rows() for c in row if c.value]
        assert not any(t.startswith("{") for t in texts)
        table = {r[1]: r[2] for r in table_after(audit, *(
            ("Paramètre", "Nom", "Valeur") if lang == "fr" else ("Setting", "Name", "Value")))
            if r[1] in ("points", "total")}
        assert expected in str(table["points"]).split("\n")
        assert table["total"] == 100
        assert deadline in texts


# -- a worked example ------------------------------------------------------------------------


def test_price_worked_example() -> None:
    # The "full" bank: GOV 3, ENV 1, PLAN 1, PRICE 2 -> on 70 points GOV 30, ENV 10,
    # PLAN 10, PRICE 20. Contract of 4 years.
    # A: licence 10 000 a year, set-up 5 000, training 3 000 -> 5 000 + 3 000 + 4 × 10 000
    #    = 48 000. B: 15 000 a year, 2 000, 2 000 -> 4 000 + 4 × 15 000 = 64 000.
    # Classique: A = 20 × 48 000 / 48 000 = 20; B = 20 × 48 000 / 64 000 = 15.
    questionnaire = full_questionnaire()
    qualities = {"A": 0.6, "B": 0.6}
    responses = df.make_responses(questionnaire, qualities, gaps=False)
    prices = {"A": {"licence": 10_000.0, "setup": 5_000.0, "training": 3_000.0},
              "B": {"licence": 15_000.0, "setup": 2_000.0, "training": 2_000.0}}
    for vendor, items in prices.items():
        answers = dict(responses[vendor].answers)
        answers["PRICE-01"] = Answer("PRICE-01", AnswerState.ANSWERED, items, "",
                                     EvidenceRef("devis.pdf"))
        responses[vendor] = attrs.evolve(responses[vendor], answers=answers)
    reviews = df.make_reviews(questionnaire, responses, qualities)
    evaluation = evaluate(questionnaire, responses, settings=Settings(70, "classique"),
                          reviews=reviews)
    book = openpyxl.load_workbook(io.BytesIO(comparison_bytes(evaluation, lang="en")))
    shown = {r[0]: r for r in table_after(book["Price"], "Vendor", "Status", "Total cost (€)")}
    assert shown["A"][2:4] == (48_000, 20)
    assert shown["B"][2:4] == (64_000, 15)
    assert shown["B"][4] == "20 × 48,000 / 64,000 = 15"
    summary = {r[1]: r for r in table_after(book["Summary"], "Rank", "Vendor", "Status")}
    assert summary["B"][-2] == pytest.approx(15)  # the price column comes last
    assert "Price (/\u00a020)" in next(r for r in rows(book["Summary"]) if r[0] == "Rank")
    totals = {r[0]: r[4] for r in table_after(book["Price"], "Vendor", "Item")
              if r[1] == "Total (4 years)"}
    assert totals == {"A": 48_000, "B": 64_000}


# -- vendor strings are literal text -------------------------------------------------------


HOSTILE_NAMES = ['=HYPERLINK("http://evil.example","clic")', "+1", "@x", "-2", "=1+1",
                 "#N/A", "\u202eevil", "عرض تجريبي", "😀 Vendor", "a\x00b\x1fc\rd", "x\ud800y",
                 " espaces "]
LONG_TEXTS = ["x" * 40_000, "😀" * 20_000, "=" + "a" * 40_000, "ab\u202e\n" * 12_000]


clean_text = functools.lru_cache(maxsize=256)(_clean_text)  # the same long texts recur


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def assert_shown(cell: object, original: str) -> None:
    """The cell holds ``clean_text(original)`` as literal text, or its visible cut."""
    assert cell.data_type == "s", (cell, original)  # type: ignore[attr-defined]
    value = cell.value  # type: ignore[attr-defined]
    cleaned = clean_text(original)
    if value != cleaned:
        assert utf16_length(cleaned) > CELL_LIMIT
        assert value.endswith(CUT_MARKER)
        assert cleaned.startswith(value[: -len(CUT_MARKER)])
        assert CELL_LIMIT - 2 <= utf16_length(value) <= CELL_LIMIT


def assert_no_formula(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def check_hostile(names: Sequence[str], texts: dict[str, str],
                  justifications: dict[str, str]) -> None:
    evaluation = df.small_evaluation(names, texts=texts, justifications=justifications)
    book = openpyxl.load_workbook(io.BytesIO(comparison_bytes(evaluation, lang="fr")))
    assert_no_formula(book)
    by_name = {clean_text(n): n for n in names}
    summary = book["Synthèse"]
    header = next(r for r in range(1, 30) if summary.cell(r, 1).value == "Rang")
    for r in range(header + 1, header + 1 + len(names)):
        cell = summary.cell(r, 2)
        assert_shown(cell, by_name[str(cell.value)])
    seen = set()
    for row in book["Détail"].iter_rows(min_row=2):
        vendor = by_name[str(row[0].value)]
        seen.add(vendor)
        assert_shown(row[0], vendor)
        if row[2].value == "GOV-05":  # the free-text question
            assert_shown(row[5], texts[vendor])
        if row[4].value == "répondu" and row[13].value == "règle":  # the vendor's own words
            assert_shown(row[6], justifications[vendor])
    assert seen == set(names)
    cut = any(utf16_length(clean_text(t)) > CELL_LIMIT
              for t in [*texts.values(), *justifications.values()])
    notes = " ".join(str(r[0]) for r in rows(summary) if r[0])
    assert ("cellule Excel (32" in notes) == cut  # the note on texts cut to fit a cell


def test_hostile_vendor_strings_are_literal_text() -> None:
    names = HOSTILE_NAMES[:6]
    texts = {names[0]: LONG_TEXTS[0], names[1]: LONG_TEXTS[1], names[2]: "=SUM(A1:A9)",
             names[3]: LONG_TEXTS[3], names[4]: "=HYPERLINK(\"http://x\")", names[5]: "-1"}
    justifications = {names[0]: "+33 1 23 45 67 89", names[1]: "-", names[2]: "#REF!",
                      names[3]: "\t=cmd", names[4]: LONG_TEXTS[2],
                      names[5]: "@cmd|' /C calc'!A0"}
    check_hostile(names, texts, justifications)


names_strategy = st.lists(st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(min_size=1,
                                                                              max_size=12)),
                          min_size=2, max_size=4, unique_by=clean_text)
text_strategy = st.one_of(st.text(max_size=60), st.sampled_from(LONG_TEXTS),
                          st.sampled_from(HOSTILE_NAMES))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), names=names_strategy)
def test_any_vendor_string_comes_out_literally(data: st.DataObject,
                                               names: list[str]) -> None:
    texts = {n: data.draw(text_strategy.filter(str.strip)) for n in names}
    justifications = {n: data.draw(text_strategy.filter(str.strip)) for n in names}
    check_hostile(names, texts, justifications)


# -- determinism and safety ------------------------------------------------------------------


def test_same_inputs_same_bytes(evaluation: Evaluation, tmp_path: Path) -> None:
    rob = df.territorial_robustness()
    first = write_comparison(evaluation, tmp_path / "a.xlsx", robustness=rob,
                             generated=GENERATED)
    second = write_comparison(evaluation, tmp_path / "b.xlsx", robustness=rob,
                              generated=GENERATED)
    assert first.read_bytes() == second.read_bytes()


SMALL = ("import sys, datetime as dt; from pathlib import Path; "
         "from tests import deliverable_fixtures as df; "
         "from ai_procurement.decision.robustness import assess_robustness; "
         "from ai_procurement.deliverables.comparison import write_comparison; "
         "ev = df.small_evaluation(['Alpha', 'Beta', 'Gamma']); "
         "write_comparison(ev, Path(sys.argv[1]), robustness=assess_robustness(ev, samples=500), "
         "generated=dt.date(2026, 11, 26))")


def test_same_bytes_in_another_process(tmp_path: Path) -> None:
    # Another process, with another hash seed (set iteration order), writes the same bytes.
    root = Path(__file__).resolve().parents[2]
    for seed, name in (("1", "a.xlsx"), ("12345", "b.xlsx")):
        subprocess.run([sys.executable, "-c", SMALL, str(tmp_path / name)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, cwd=root)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_no_date_unless_given() -> None:
    small = df.small_evaluation(["Alpha", "Beta"])
    book = openpyxl.load_workbook(io.BytesIO(comparison_bytes(small, lang="fr")))
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert not any("Édité le" in t or "Date d'édition" in t for t in texts)
    assert not any("2026-11-26" in t or "26 novembre 2026" in t for t in texts)


def test_never_overwrites_without_permission(evaluation: Evaluation, tmp_path: Path) -> None:
    target = tmp_path / "comparaison.xlsx"
    target.write_bytes(b"earlier result")
    with pytest.raises(OutputError, match="already exists"):
        write_comparison(evaluation, target)
    assert target.read_bytes() == b"earlier result"
    write_comparison(evaluation, target, overwrite=True)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["comparaison.xlsx"]  # no temp file left


def test_refuses_robustness_of_another_evaluation_and_unknown_language(
        evaluation: Evaluation) -> None:
    other = df.small_evaluation(["Un", "Deux", "Trois"])
    with pytest.raises(ScoringError, match="robustness"):
        comparison_bytes(evaluation, robustness=assess_robustness(other, samples=100))
    with pytest.raises(ScoringError, match="lang"):
        comparison_bytes(evaluation, lang="de")  # type: ignore[arg-type]


def test_workbook_memory_is_freed_and_garbage_collection_left_as_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Collections wait while the workbook is written, and resume after, even on failure.

    The workbook holds no reference cycle: it is freed when written, without waiting for
    a collection, so it does not add to what is written after it.
    """
    from ai_procurement._office.sheets import Worksheet
    from ai_procurement.deliverables import comparison

    small = df.small_evaluation(["Alpha", "Beta"])
    comparison_bytes(small, lang="fr")  # what the first one loads and keeps (locale data)
    gc.collect()
    gc.disable()
    try:
        comparison_bytes(small, lang="fr")
        assert not [o for o in gc.get_objects() if isinstance(o, Worksheet)]
        assert gc.collect() == 0  # nothing was left for a collection to find
    finally:
        gc.enable()
    comparison_bytes(small, lang="fr")
    assert gc.isenabled()
    gc.disable()
    try:
        comparison_bytes(small, lang="fr")
        assert not gc.isenabled()
    finally:
        gc.enable()

    def fail(self: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(comparison._Book, "build", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        comparison_bytes(small, lang="fr")
    assert gc.isenabled()


# -- LibreOffice ---------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_renders_the_ranking_in_french(evaluation: Evaluation,
                                                   tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) and pdftotext are required in CI")
        pytest.skip("LibreOffice (soffice) or pdftotext not found")
    path = write_comparison(evaluation, tmp_path / "comparaison.xlsx",
                            robustness=df.territorial_robustness(), generated=GENERATED)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "comparaison.pdf"
    first_page = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                                check=True, capture_output=True, text=True).stdout
    ranked = [v.vendor for v in evaluation.ranking]
    positions = [first_page.index(f" {v} ") for v in ranked]
    assert positions == sorted(positions)  # the ranking reads top to bottom
    winner = evaluation.ranking[0]
    assert f"{winner.total:.2f}".replace(".", ",") in first_page  # e.g. "74,93"
    assert "Classement" in first_page
    with zipfile.ZipFile(path) as archive:
        assert "xl/charts/chart1.xml" in archive.namelist()
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Points par critère (offres classées)" in text  # the chart's title is drawn


def test_register_sheet_keeps_vendor_text_literal_and_dates_in_words() -> None:
    small = df.small_evaluation(["Alpha", "Beta"])
    register = [
        Deposit("P01", "=HYPERLINK(\"http://x\")", "52601815500014",
                dt.datetime(2027, 3, 15, 11, 59, 59), 0, "on-time", "alpha.xlsx", "1"),
        Deposit("P02", "Beta", "", dt.datetime(2027, 3, 15, 12, 0, 29), 1, "late",
                "+beta.xlsx", "1"),
        Deposit("P03", "Gamma", "", None, 0, "time-unknown", "gamma.xlsx", "1"),
    ]
    data = comparison_bytes(small, lang="fr", register=register, procedure="appel ouvert")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[-2:] == ["Registre", "Audit"]
    table = list(table_after(book["Registre"], "Offre", "Candidat"))
    assert table[0][:7] == ("P01", "=HYPERLINK(\"http://x\")", "52601815500014", "1", "base",
                            "15 mars 2027 à 11:59:59", "dans les délais")
    assert table[1][4:8] == ("variante 1", "15 mars 2027 à 12:00:29",
                             "HORS DÉLAI : éliminée (R2151-5)", "+beta.xlsx")
    assert table[2][5] == "—"
    cell = book["Registre"].cell(row=6, column=2)
    assert cell.data_type == "s"  # a string, never a formula
    # Same inputs, same bytes.
    assert comparison_bytes(small, lang="fr", register=register,
                            procedure="appel ouvert") == data
@pytest.mark.parametrize(("lang", "sheet_name", "sub_label"), [
    ("fr", "Sous-critères", "Hébergement et localisation (SOV-A)"),
    ("en", "Sub-criteria", "Hosting and location (SOV-A)")])
def test_sub_criteria_sheet_shows_published_maxima_and_each_offers_points(
        lang: str, sheet_name: str, sub_label: str) -> None:
    from ai_procurement.questionnaire import sub_criterion_points

    ev = df.sub_criteria_evaluation()
    book = openpyxl.load_workbook(io.BytesIO(comparison_bytes(ev, lang=lang)))
    assert book.sheetnames.index(sheet_name) == book.sheetnames.index(
        "Matrice" if lang == "fr" else "Matrix") + 1
    ws = book[sheet_name]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] in ("Critère", "Criterion"))
    vendors = [str(v) for v in rows[header][4:]]
    assert sorted(vendors) == sorted(v.vendor for v in ev.vendors if v.status != "file-rejected")
    published = sub_criterion_points(ev.questionnaire, ev.settings.total_points)["SOV"]
    body = rows[header + 1:header + 3]
    assert body[0][1] == sub_label
    for row, sub in zip(body, ("SOV-A", "SOV-B"), strict=True):
        assert row[2] == pytest.approx(published[sub] / sum(published.values()))
        assert row[3] == pytest.approx(published[sub])
        for vendor, value in zip(vendors, row[4:], strict=True):
            assert value == pytest.approx(ev.vendor(vendor).sub_criteria[sub])
    assert body[0][3] == pytest.approx(3.75)  # SOV's 5 points: 3/4 to SOV-A


def test_no_sub_criteria_sheet_without_sub_criteria(fr_book: openpyxl.Workbook) -> None:
    assert "Sous-critères" not in fr_book.sheetnames
