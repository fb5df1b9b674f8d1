"""Native Word charts: the part's XML holds any text as text, its data opens as a workbook."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from importlib import resources

import docx
import openpyxl
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from lxml import etree

from ai_procurement._office.chart import BarChart, Series, chart_space, chart_workbook
from ai_procurement._office.docx import WordDocument

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
HOSTILE = '</c:v><c:v>"&\x00\x1b\ufffe =HYPERLINK("x")'


def _chart(name: str = "Alpha") -> BarChart:
    return BarChart(categories=(name, "Beta"),
                    series=(Series("Prix", "4D4D4D", (10.0, 20.5)),
                            Series("Qualité", "1F77B4", (1 / 3, 0.0))),
                    axis_title="Points (sur 30)", axis_max=30, category_title="Offre",
                    lang="fr-FR")


def test_each_series_needs_a_value_per_category_and_a_colour() -> None:
    with pytest.raises(ValueError, match="one value per category"):
        BarChart(categories=("A", "B"), series=(Series("S", "123456", (1.0,)),),
                 axis_title="", axis_max=1)
    with pytest.raises(ValueError, match="colour"):
        Series("S", "red", (1.0,))


def test_any_text_stays_text_in_the_chart_and_its_workbook() -> None:
    chart = _chart(HOSTILE)
    root = etree.fromstring(etree.tostring(chart_space(chart)))  # serialises and parses
    labels = [v.text for v in root.find(f".//{C}cat").iter(f"{C}v")]
    assert labels == ['</c:v><c:v>"&\ufffd\ufffd\ufffd =HYPERLINK("x")', "Beta"]
    assert len(list(root.iter(f"{C}ser"))) == 2
    sheet = openpyxl.load_workbook(io.BytesIO(chart_workbook(chart)))["Points"]
    assert sheet["A2"].value == labels[0]
    assert sheet["A2"].data_type == "s"  # never a formula
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=3)] == [
        ["Offre", "Prix", "Qualité"], [labels[0], 10.0, 0.333333], ["Beta", 20.5, 0.0]]


def test_the_workbook_bytes_depend_on_the_data_only() -> None:
    first = chart_workbook(_chart())
    assert chart_workbook(_chart()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {m.date_time for m in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert b"2026-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_a_document_holds_the_chart_and_its_workbook_through_python_docx() -> None:
    template = (resources.files("ai_procurement.deliverables") / "templates"
                / "report-fr.docx").read_bytes()
    document = WordDocument(template)
    document.chart(_chart(), "Figure 1 – Totaux", height_cm=8.0)
    document.chart(_chart("Gamma"), "Figure 2 – Totaux", height_cm=6.0, width_cm=10.0)
    data = document.save(dt.date(2027, 3, 1))
    opened = docx.Document(io.BytesIO(data))
    assert [(round(s.width.cm, 1), round(s.height.cm, 1)) for s in opened.inline_shapes] == [
        (17.0, 8.0), (10.0, 6.0)]
    charts = [r.target_part for r in opened.part.rels.values()
              if r.reltype == RELATIONSHIP_TYPE.CHART]
    assert sorted(str(p.partname) for p in charts) == ["/word/charts/chart1.xml",
                                                       "/word/charts/chart2.xml"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    assert b"drawingml.chart+xml" in types
    assert b"spreadsheetml.sheet" in types
    # Each drawing its own id, the caption as its alternative text.
    ids = [e.get("id") for e in opened.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(set(ids)) == 2
    described = opened.element.body.find(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    assert described.get("descr") == "Figure 1 – Totaux"
