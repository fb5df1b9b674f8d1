"""The memo's figures: a native chart of the totals the buyer can edit, a shaded profile table.

What a buyer opening the memo sees: a chart with a bar per ranked offer (best on top,
its total in its label) stacked by criterion, whose data opens as a workbook holding the
same figures; a table giving each offer's share of each criterion's points, shaded red
to green; both limited to the 40 best-ranked offers, and saying so.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from lxml import etree
from tests.deliverable_fixtures import (
    make_evaluation,
    territorial_evaluation,
    territorial_questionnaire,
)

from ai_procurement.decision.scoring import Evaluation
from ai_procurement.deliverables.charts import ProfileTable, TotalsChart, charts
from ai_procurement.deliverables.memo import write_memo
from ai_procurement.deliverables.view import EvaluationView

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Chart:
    """The native chart of a written memo: its series, categories and embedded workbook."""

    def __init__(self, path: Path) -> None:
        document = docx.Document(str(path))
        parts = [r.target_part for r in document.part.rels.values()
                 if r.reltype == RELATIONSHIP_TYPE.CHART]
        assert len(parts) == 1
        self.part = parts[0]
        self.root = etree.fromstring(self.part.blob)
        books = [r.target_part for r in self.part.rels.values()
                 if r.reltype == RELATIONSHIP_TYPE.PACKAGE]
        assert len(books) == 1
        self.workbook_bytes = books[0].blob
        self.body = document.element.body

    @property
    def series(self) -> list[tuple[str, list[str], list[float], str, str]]:
        """Each series: name, categories, values, and the formulas of its values and name."""
        found = []
        for ser in self.root.iter(f"{C}ser"):
            name = ser.find(f"{C}tx//{C}v").text
            categories = [v.text for v in ser.iterfind(f"{C}cat//{C}pt/{C}v")]
            values = [float(v.text) for v in ser.iterfind(f"{C}val//{C}pt/{C}v")]
            found.append((name, categories, values, ser.find(f"{C}val//{C}f").text,
                          ser.find(f"{C}tx//{C}f").text))
        return found


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return territorial_evaluation()


@pytest.fixture(scope="module")
def memo(evaluation: Evaluation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("charts") / "memo.docx"
    write_memo(evaluation, path, lang="fr")
    return path


def test_the_chart_has_a_series_per_criterion_and_the_offers_in_rank_order(
        memo: Path, evaluation: Evaluation) -> None:
    chart = Chart(memo)
    criteria = [c for c in evaluation.questionnaire.bank.criteria
                if evaluation.criterion_points[c.id] > 0]
    series = chart.series
    assert [name.split(" – ")[0] for name, *_ in series] == [c.id for c in criteria]
    ranked = evaluation.ranking
    for (_, categories, values, _, _), criterion in zip(series, criteria, strict=True):
        # The best offer first (drawn on top), each named with its total.
        assert categories == [f"{v.vendor} – {v.total:.1f}".replace(".", ",") for v in ranked]
        assert values == pytest.approx([v.criteria[criterion.id] for v in ranked], abs=1e-6)
    # The bars are stacked horizontally, the best on top, the axis says out of how much.
    assert chart.root.find(f".//{C}barDir").get("val") == "bar"
    assert chart.root.find(f".//{C}grouping").get("val") == "stacked"
    assert chart.root.find(f".//{C}catAx/{C}scaling/{C}orientation").get("val") == "maxMin"
    assert "Points (sur 100)" in "".join(chart.root.find(f".//{C}valAx/{C}title").itertext())
    assert chart.root.find(f".//{C}legend/{C}legendPos").get("val") == "b"
    # The price in dark grey.
    price = next(i for i, c in enumerate(criteria) if c.is_price)
    colours = [s.find(".//{*}srgbClr").get("val") for s in chart.root.iter(f"{C}ser")]
    assert colours[price] == "4D4D4D"
    assert len(set(colours)) == len(colours)


def test_the_chart_data_opens_as_a_workbook_holding_the_same_figures(memo: Path) -> None:
    chart = Chart(memo)
    sheet = openpyxl.load_workbook(io.BytesIO(chart.workbook_bytes))["Points"]
    for name, categories, values, values_formula, name_formula in chart.series:
        # The formula the chart's editor follows points to the cells holding the figures.
        column, first, last = re.fullmatch(r"Points!\$([A-Z]+)\$(\d+):\$\1\$(\d+)",
                                           values_formula).groups()
        assert [sheet[f"{column}{row}"].value
                for row in range(int(first), int(last) + 1)] == values
        assert sheet[name_formula.split("!")[1].replace("$", "")].value == name
        assert [sheet[f"A{row}"].value for row in range(int(first), int(last) + 1)] \
            == categories
    assert sheet["A1"].value == "Offre"
    # The chart points to it, and Word finds it to edit the chart.
    link = chart.root.find(f"{C}externalData")
    assert link is not None
    assert link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") \
        in chart.part.rels


def test_a_hostile_vendor_name_is_shown_as_text_and_breaks_nothing(tmp_path: Path) -> None:
    hostile = 'Acme <b>&"\x01\x07\u202e =cmd|'
    evaluation = make_evaluation(territorial_questionnaire(),
                                 {hostile: 0.9, "Boréal Data": 0.5})
    path = tmp_path / "memo.docx"
    write_memo(evaluation, path, lang="fr")
    chart = Chart(path)  # the chart's XML parses
    label = chart.series[0][1][0]
    assert label.startswith('Acme <b>&"')
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", label)
    sheet = openpyxl.load_workbook(io.BytesIO(chart.workbook_bytes))["Points"]
    assert sheet["A2"].value == label
    assert sheet["A2"].data_type == "s"  # text, never a formula
    # The profile table names it the same way.
    rows = [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
            for tbl in chart.body.iter(f"{W}tbl") for tr in tbl.iter(f"{W}tr")]
    assert any(row[0].startswith('Acme <b>&"') and len(row) > 5 for row in rows)


def test_the_profile_table_is_shaded_from_red_to_green_by_share(evaluation: Evaluation) -> None:
    figures = charts(EvaluationView(evaluation, "en"))
    profile = figures[1]
    assert isinstance(profile, ProfileTable)
    criteria = [c for c in evaluation.questionnaire.bank.criteria
                if evaluation.criterion_points[c.id] > 0]
    assert profile.headers == ("Offer", *(c.id for c in criteria))
    assert [row[0] for row in profile.rows] == [v.vendor for v in evaluation.ranking]
    shade = {}
    for row, fills in zip(profile.rows, profile.fills, strict=True):
        assert fills[0] is None
        shade.update(zip(row[1:], fills[1:], strict=True))
    assert shade.get("0") == "F8696B"  # red
    assert shade.get("100") == "63BE7B"  # green
    # Black figures stay readable on every colour of the scale (WCAG AA: 4.5 to 1).
    for colour in (*shade.values(), "FFEB84"):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        assert (luminance + 0.05) / 0.05 >= 4.5, colour


def test_the_memo_shows_the_profile_as_a_shaded_table_under_its_caption(memo: Path) -> None:
    body = docx.Document(str(memo)).element.body
    caption = next(p for p in body.iter(f"{W}p")
                   if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith("Figure 2 – "))
    table = caption.getnext()
    assert table.tag == f"{W}tbl"
    fills = [shd.get(f"{W}fill") for shd in table.iter(f"{W}shd")]
    assert "F8696B" in fills
    assert "63BE7B" in fills
    heading = table.find(f"{W}tr")
    assert heading.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on each page
    assert "".join(t.text or "" for t in heading.iter(f"{W}t")).startswith("OffreLEG")


def test_past_40_offers_the_figures_show_the_best_ranked_and_say_so() -> None:
    evaluation = make_evaluation(territorial_questionnaire(),
                                 {f"Offre {i:02d}": 0.3 + 0.01 * i for i in range(45)})
    drawn = charts(EvaluationView(evaluation, "fr"))
    assert len(drawn) == 2
    assert all(f.caption.endswith("Les 40 offres les mieux classées sur 45.") for f in drawn)
    totals, profile = drawn
    assert isinstance(totals, TotalsChart)
    assert isinstance(profile, ProfileTable)
    best = [v.vendor for v in evaluation.ranking[:40]]
    assert [c.split(" – ")[0] for c in totals.chart.categories] == best
    assert [row[0] for row in profile.rows] == best
    assert totals.height_cm <= 21.0  # the chart and its caption fit on a page
    english = charts(EvaluationView(evaluation, "en"))
    assert all(f.caption.endswith("The 40 best-ranked offers out of 45.") for f in english)


def test_no_figure_without_a_ranked_offer(evaluation: Evaluation) -> None:
    unranked = make_evaluation(territorial_questionnaire(), {"Seule": 0.5},
                               knocked_out=("Seule",))
    assert charts(EvaluationView(unranked, "fr")) == []


def test_the_same_figures_give_the_same_bytes(tmp_path: Path) -> None:
    def chart_members(name: str) -> dict[str, bytes]:
        path = tmp_path / name
        write_memo(territorial_evaluation(), path, lang="fr")
        with zipfile.ZipFile(path) as archive:
            return {n: archive.read(n) for n in archive.namelist()
                    if n.startswith(("word/charts/", "word/embeddings/"))}

    first = chart_members("a.docx")
    assert sorted(first) == ["word/charts/_rels/chart1.xml.rels", "word/charts/chart1.xml",
                             "word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]
    assert chart_members("b.docx") == first
