"""Tests for the workbook writer: what openpyxl (and the library's own reader) read back."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st

from ai_procurement._office.sheets import Workbook
from ai_procurement._office.xlsx import XlsxBook

CREATED = dt.datetime(2027, 3, 1)
# Text a cell can hold: any character XML allows, tabs and line ends included.
CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=[
    chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]),
    min_size=1, max_size=60)


def _book() -> Workbook:
    return Workbook(title="Comparaison & <offres>", author="ai_procurement", created=CREATED)


def _read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(CELL_TEXT, min_size=1, max_size=8))
def test_any_text_reads_back_literally(texts: list[str]) -> None:
    # Formula-like, number-like, escaped-looking ("_x0041_"), spaced or marked-up text
    # is a string, as given.
    def write() -> bytes:
        wb = _book()
        ws = wb.add_worksheet("Feuille")
        plain = wb.add_format({})
        for row, text in enumerate(texts):
            ws.write_string(row, 0, text, plain)
            ws.write_string(row, 1, "=" + text, plain)
        return wb.to_bytes()

    data = write()
    sheet = _read(data)["Feuille"]
    for row, text in enumerate(texts, start=1):
        for col, expected in ((1, text), (2, "=" + text)):
            cell = sheet.cell(row, col)
            assert cell.data_type == "s"
            assert cell.value == expected
    assert write() == data  # the same calls, the same bytes


def test_excel_escapes_and_edge_spaces_are_kept() -> None:
    wb = _book()
    ws = wb.add_worksheet("S")
    plain = wb.add_format({})
    texts = ["_x0041_ stays", "  two spaces  ", "a\r\nb", "<b>&amp;</b>", "@SUM(A1)"]
    for row, text in enumerate(texts):
        ws.write_string(row, 0, text, plain)
    data = wb.to_bytes()
    sheet = _read(data)["S"]
    assert [sheet.cell(r + 1, 1).value for r in range(len(texts))] == texts
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "_x005F_x0041_" in strings  # Excel would read _x0041_ as "A" otherwise


def test_numbers_booleans_and_blanks() -> None:
    wb = _book()
    ws = wb.add_worksheet("S")
    plain = wb.add_format({"border": 1, "border_color": "#BFBFBF"})
    values = [0.1 + 0.2, 1e-12, 12345678901234567.0, -3.0, 2 / 3]
    for row, value in enumerate(values):
        ws.write_number(row, 0, value, plain)
    ws.write_boolean(0, 1, True, plain)
    ws.write_blank(1, 1, plain)
    sheet = _read(wb.to_bytes())["S"]
    assert [sheet.cell(r + 1, 1).value for r in range(len(values))] == values  # exact
    assert sheet["B1"].value is True
    assert sheet["B2"].value is None
    assert sheet["B2"].border.left.style == "thin"
    with pytest.raises(ValueError, match="finite"):
        ws.write_number(9, 0, float("nan"), plain)


def test_formats_read_back() -> None:
    wb = _book()
    ws = wb.add_worksheet("S")
    header = wb.add_format({"font_name": "Calibri", "font_size": 10, "bold": True,
                            "font_color": "#FFFFFF", "bg_color": "#1F4E79", "pattern": 1,
                            "border": 1, "border_color": "#BFBFBF", "align": "center",
                            "valign": "bottom", "text_wrap": True, "rotation": 90})
    money = wb.add_format({"italic": True, "num_format": '[$-40C]#,##0.00" €"',
                           "valign": "vcenter"})
    assert wb.add_format({"italic": True, "num_format": '[$-40C]#,##0.00" €"',
                          "valign": "vcenter"}) is money  # one format per properties
    ws.write_string(0, 0, "En-tête", header)
    ws.write_number(1, 0, 1234.5, money)
    sheet = _read(wb.to_bytes())["S"]
    cell = sheet["A1"]
    assert (cell.font.name, cell.font.sz, cell.font.b) == ("Calibri", 10, True)
    assert cell.font.color.rgb == "FFFFFFFF"
    assert cell.fill.fill_type == "solid"
    assert cell.fill.fgColor.rgb == "FF1F4E79"
    assert cell.border.bottom.style == "thin"
    assert cell.border.bottom.color.rgb == "FFBFBFBF"
    assert (cell.alignment.horizontal, cell.alignment.vertical) == ("center", "bottom")
    assert cell.alignment.wrap_text
    assert cell.alignment.textRotation == 90
    number = sheet["A2"]
    assert number.number_format == '[$-40C]#,##0.00" €"'
    assert number.font.i
    assert number.alignment.vertical == "center"
    with pytest.raises(ValueError, match="unknown format properties"):
        wb.add_format({"underline": 1})


def test_layout_and_page_set_up() -> None:
    wb = _book()
    ws = wb.add_worksheet("Détail d'offres")
    plain = wb.add_format({})
    for row in range(10):
        for col in range(4):
            ws.write_number(row, col, row * col, plain)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 2, 8)
    ws.set_row(0, 30)
    ws.set_row(14, 20)  # a row with a height and no cell
    ws.merge_range(11, 0, 11, 3, plain)
    ws.write_string(11, 0, "Fusionnée", plain)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, 9, 3)
    ws.repeat_rows(0)
    ws.set_h_pagebreaks([5])
    ws.colour_scale(1, 1, 9, 3, [(0, "#F8696B"), (0.5, "#FFEB84"), (1, "#63BE7B")])
    ws.page_setup(landscape=True, paper=9, fit_width=1, fit_height=0,
                  margins=(0.4, 0.4, 0.5, 0.5), header='&C&"-,Bold"PROJET & brouillon',
                  footer="&L&A&C&P / &N")
    other = wb.add_worksheet("Autre")
    other.write_string(0, 0, "x", plain)
    data = wb.to_bytes()
    book = _read(data)
    sheet = book["Détail d'offres"]
    assert book.sheetnames == ["Détail d'offres", "Autre"]
    assert sheet.column_dimensions["A"].width == pytest.approx(12.71, abs=0.01)
    assert sheet.column_dimensions["B"].width == pytest.approx(8.71, abs=0.01)
    assert sheet.row_dimensions[1].height == 30
    assert sheet.row_dimensions[15].height == 20
    assert "A12:D12" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A12"].value == "Fusionnée"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:D10"
    assert sheet.print_title_rows == "$1:$1"
    assert [b.id for b in sheet.row_breaks.brk] == [5]
    rules = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert [r.type for r in rules] == ["colorScale"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize or 0) == 9
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddHeader.center.text == "PROJET & brouillon"
    assert book.properties.title == "Comparaison & <offres>"
    assert book.properties.created == CREATED
    # The declared extent covers every cell (tools that trust it see them all).
    read_only = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert read_only["Détail d'offres"].calculate_dimension() == "A1:D12"
    # The library's own reader, hardened for vendors' files, reads it too.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        cells = XlsxBook(archive).cells("Autre", max_row=5, max_column=5)
    assert [c.value for c in cells.values()] == ["x"]
    # Every zip member is dated the creation date.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {m.date_time[:3] for m in archive.infolist()} == {(2027, 3, 1)}


def test_charts_refer_to_their_cells_and_cache_them() -> None:
    wb = _book()
    ws = wb.add_worksheet("Matrice")
    plain = wb.add_format({})
    ws.write_string(0, 1, "Prix", plain)
    for row, (name, points) in enumerate([("Alpha", 60.5), ("Beta", 40.0)], start=1):
        ws.write_string(row, 0, name, plain)
        ws.write_number(row, 1, points, plain)
    bars = wb.add_chart("bar", "Points <par> critère", width=400, height=300)
    bars.add_series(("Matrice", 0, 1), ("Matrice", 1, 0, 2, 0), ("Matrice", 1, 1, 2, 1),
                    "4D4D4D")
    bars.value_axis(minimum=0, maximum=100, number_format="0", title="Points")
    radar = wb.add_chart("radar", "Profil", width=400, height=300)
    radar.add_series(("Matrice", 1, 0), ("Matrice", 0, 1, 0, 1), ("Matrice", 1, 1, 1, 1),
                     "1F77B4")
    radar.value_axis(minimum=0, maximum=1, major_unit=0.25, number_format="0%")
    ws.insert_chart(4, 0, bars)
    ws.insert_chart(20, 0, radar)
    data = wb.to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        first = archive.read("xl/charts/chart1.xml").decode()
        second = archive.read("xl/charts/chart2.xml").decode()
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert "xl/worksheets/_rels/sheet1.xml.rels" in names
    assert "<c:barChart>" in first
    assert "<c:radarChart>" in second
    assert "<c:f>'Matrice'!$B$2:$B$3</c:f>" in first
    assert re.findall(r"<c:v>([^<]*)</c:v>", first) == ["Prix", "Alpha", "Beta", "60.5", "40"]
    assert "Points &lt;par&gt; critère" in first
    assert 'srgbClr val="4D4D4D"' in first
    assert drawing.count("<xdr:oneCellAnchor>") == 2
    assert _read(data)["Matrice"]["B2"].value == 60.5
    with pytest.raises(ValueError, match="saved once"):
        wb.to_bytes()
    with pytest.raises(ValueError, match="bar"):
        wb.add_chart("pie", "x", width=1, height=1)


def test_sheet_names_and_extent_excel_accepts() -> None:
    wb = _book()
    for name in ("", "x" * 32, "a/b", "a[1]", "'quoted'", "what?"):
        with pytest.raises(ValueError, match="sheet name"):
            wb.add_worksheet(name)
    wb.add_worksheet("Synthèse")
    with pytest.raises(ValueError, match="two sheets"):
        wb.add_worksheet("SYNTHÈSE")
    ws = wb.add_worksheet("Détail")
    ws.write_number(1_048_576, 0, 1.0, wb.add_format({}))  # row 1,048,577: past the end
    with pytest.raises(ValueError, match="1048576"):
        wb.to_bytes()
