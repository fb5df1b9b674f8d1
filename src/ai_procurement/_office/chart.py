"""Native charts for Word documents: a DrawingML chart part and its embedded data.

A native chart is drawn by Word and LibreOffice themselves from the values cached in
its part (``c:strCache``, ``c:numCache``), and the buyer can edit it: its data is a
small workbook embedded beside it (``c:externalData``), which the series' formulas
point to. It costs a few milliseconds where a picture drawn by matplotlib cost over
half a second and matplotlib's import as much again.

The part's XML is built with lxml's element API (no XML written as text from data) and
every text goes through the same last guard as the document's (characters XML cannot
hold replaced). The workbook is written by XlsxWriter with its strings kept literal
(never a formula) and a fixed date, then normalised like every other zip the library
writes: the same chart gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

import attrs

from ai_procurement._office.files import normalise_zip

__all__ = ["NS_C", "BarChart", "Series", "chart_space", "chart_workbook", "link_workbook"]

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_NS = {"c": NS_C,
       "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
SHEET = "Points"
"""The embedded workbook's sheet: a word French and English share."""
_FIXED = dt.datetime(2026, 1, 1)
"""The embedded workbook's creation date (never the clock)."""
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GRID = "D9D9D9"
_AXIS = "7F7F7F"
_TEXT = "262626"

# An element as data: its prefixed tag ("c:ser"), its attributes, its children, its text.
_Spec = tuple[str, dict[str, str], list[Any]]


@attrs.frozen
class Series:
    """One series of a chart: its name, its colour (``RRGGBB``), one value per category."""

    name: str
    colour: str = attrs.field(validator=attrs.validators.matches_re("[0-9A-F]{6}"))
    values: tuple[float, ...]


@attrs.frozen
class BarChart:
    """A horizontal stacked bar chart: one bar per category, one segment per series.

    Attributes:
        categories: the bars' labels, the first drawn on top.
        series: the segments of each bar, in the legend's order.
        axis_title: the title of the value axis (below the bars).
        axis_max: the value axis's maximum (its minimum is 0).
        category_title: the heading of the categories' column in the embedded workbook.
        lang: the chart's language tag (``fr-FR``), for Word's number formats.
        font_pt: the size of the chart's text, in points.
        font: the typeface of the chart's text (the reports' own).
    """

    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_title: str
    axis_max: float
    category_title: str = ""
    lang: str = "en-GB"
    font_pt: float = 8.0
    font: str = "Arial"

    def __attrs_post_init__(self) -> None:
        if any(len(s.values) != len(self.categories) for s in self.series):
            raise ValueError("each series needs one value per category")


def _safe(text: str) -> str:
    return _XML_UNSAFE.sub("\ufffd", text)


def _number(value: float) -> str:
    """A value as the cache and the workbook hold it: six decimals at most."""
    return repr(round(float(value), 6))


def _build(near: Any, spec: _Spec) -> Any:
    """The element ``spec`` describes, made by the tree of ``near``; a str child is text."""
    tag, attributes, children = spec
    prefix, name = tag.split(":")
    element = near.makeelement(f"{{{_NS[prefix]}}}{name}", {
        (f"{{{_NS['r']}}}{k[2:]}" if k.startswith("r:") else k): v
        for k, v in attributes.items()})
    for child in children:
        if isinstance(child, str):
            element.text = _safe(child)
        else:
            element.append(_build(near, child))
    return element


def _val(tag: str, value: str) -> _Spec:
    return (tag, {"val": value}, [])


def _fill(colour: str) -> _Spec:
    return ("a:solidFill", {}, [("a:srgbClr", {"val": colour}, [])])


def _line(colour: str | None, width_emu: int = 6350) -> _Spec:
    if colour is None:
        return ("a:ln", {}, [("a:noFill", {}, [])])
    return ("a:ln", {"w": str(width_emu)}, [_fill(colour)])


def _run_props(tag: str, chart: BarChart) -> _Spec:
    """The font (size in hundredths of a point, typeface, colour) of the chart's texts."""
    return (tag, {"lang": chart.lang, "sz": str(round(chart.font_pt * 100)), "b": "0"},
            [_fill(_TEXT), ("a:latin", {"typeface": chart.font}, [])])


def _text_props(chart: BarChart, *, wrap: bool = True) -> _Spec:
    """A ``c:txPr``: the font of a chart element; ``wrap`` False keeps its texts on a line."""
    return ("c:txPr", {}, [("a:bodyPr", {} if wrap else {"wrap": "none"}, []),
                           ("a:lstStyle", {}, []),
                           ("a:p", {}, [("a:pPr", {}, [_run_props("a:defRPr", chart)]),
                                        ("a:endParaRPr", {"lang": chart.lang}, [])])])


def _strings(formula: str, texts: Sequence[str]) -> _Spec:
    return ("c:strRef", {}, [("c:f", {}, [formula]), ("c:strCache", {}, [
        _val("c:ptCount", str(len(texts))),
        *[("c:pt", {"idx": str(i)}, [("c:v", {}, [text])]) for i, text in enumerate(texts)]])])


def _numbers(formula: str, values: Sequence[float]) -> _Spec:
    return ("c:numRef", {}, [("c:f", {}, [formula]), ("c:numCache", {}, [
        ("c:formatCode", {}, ["General"]), _val("c:ptCount", str(len(values))),
        *[("c:pt", {"idx": str(i)}, [("c:v", {}, [_number(v)])])
          for i, v in enumerate(values)]])])


def _ref(first_row: int, first_col: int, last_row: int | None = None,
         last_col: int | None = None) -> str:
    """A formula to cells of the embedded sheet: ``Points!$B$2:$B$6``."""
    from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

    if last_row is None or last_col is None:
        return f"{SHEET}!{xl_rowcol_to_cell(first_row, first_col, True, True)}"
    return f"{SHEET}!{xl_range_abs(first_row, first_col, last_row, last_col)}"


def chart_space(chart: BarChart) -> Any:
    """The ``c:chartSpace`` element of ``chart``, but for the link to its data.

    The best category is on top (the category axis runs from its last to its first
    category, the value axis crossing it at the bottom); the legend is below the plot.
    The series' formulas point to the sheet :func:`chart_workbook` writes; call
    :func:`link_workbook` once the part holding the element is related to the workbook.
    """
    from docx.oxml import parse_xml

    count = len(chart.categories)
    lang = chart.lang
    series: list[_Spec] = []
    for k, s in enumerate(chart.series):
        series.append(("c:ser", {}, [
            _val("c:idx", str(k)), _val("c:order", str(k)),
            ("c:tx", {}, [_strings(_ref(0, k + 1), [s.name])]),
            ("c:spPr", {}, [_fill(s.colour), _line("FFFFFF")]),
            _val("c:invertIfNegative", "0"),
            ("c:cat", {}, [_strings(_ref(1, 0, count, 0), chart.categories)]),
            ("c:val", {}, [_numbers(_ref(1, k + 1, count, k + 1), s.values)])]))
    title: _Spec = ("c:title", {}, [
        ("c:tx", {}, [("c:rich", {}, [
            ("a:bodyPr", {}, []), ("a:lstStyle", {}, []),
            ("a:p", {}, [("a:pPr", {}, [_run_props("a:defRPr", chart)]),
                         ("a:r", {}, [_run_props("a:rPr", chart),
                                      ("a:t", {}, [chart.axis_title])])])])]),
        _val("c:overlay", "0")])
    plot: _Spec = ("c:plotArea", {}, [
        ("c:layout", {}, []),
        ("c:barChart", {}, [
            _val("c:barDir", "bar"), _val("c:grouping", "stacked"),
            _val("c:varyColors", "0"), *series,
            _val("c:gapWidth", "50"), _val("c:overlap", "100"),
            _val("c:axId", "1"), _val("c:axId", "2")]),
        ("c:catAx", {}, [
            _val("c:axId", "1"),
            ("c:scaling", {}, [_val("c:orientation", "maxMin")]),  # the first on top
            _val("c:delete", "0"), _val("c:axPos", "l"),
            ("c:numFmt", {"formatCode": "General", "sourceLinked": "0"}, []),
            _val("c:majorTickMark", "none"), _val("c:minorTickMark", "none"),
            _val("c:tickLblPos", "nextTo"),
            ("c:spPr", {}, [_line(_AXIS)]),
            _text_props(chart, wrap=False),  # a name and its total on one line
            _val("c:crossAx", "2"), _val("c:crosses", "autoZero"),
            _val("c:auto", "1"), _val("c:lblAlgn", "ctr"), _val("c:lblOffset", "100"),
            _val("c:tickLblSkip", "1"),  # every offer named, however many
            _val("c:noMultiLvlLbl", "0")]),
        ("c:valAx", {}, [
            _val("c:axId", "2"),
            ("c:scaling", {}, [_val("c:orientation", "minMax"),
                               _val("c:max", _number(chart.axis_max)), _val("c:min", "0")]),
            _val("c:delete", "0"), _val("c:axPos", "b"),
            ("c:majorGridlines", {}, [("c:spPr", {}, [_line(_GRID)])]),
            title,
            ("c:numFmt", {"formatCode": "0", "sourceLinked": "0"}, []),
            _val("c:majorTickMark", "out"), _val("c:minorTickMark", "none"),
            _val("c:tickLblPos", "nextTo"),
            ("c:spPr", {}, [_line(None)]),
            _text_props(chart),
            # Where this axis crosses the category axis: at its last category, which
            # the reversed orientation puts at the bottom.
            _val("c:crossAx", "1"), _val("c:crosses", "max"),
            _val("c:crossBetween", "between")]),
        ("c:spPr", {}, [("a:noFill", {}, []), _line(None)])])
    legend: _Spec = ("c:legend", {}, [_val("c:legendPos", "b"), _val("c:overlay", "0"),
                                      _text_props(chart)])
    root = parse_xml(f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{_NS["a"]}" '
                     f'xmlns:r="{_NS["r"]}"/>')
    specs: tuple[_Spec, ...] = (
        _val("c:date1904", "0"), _val("c:lang", lang), _val("c:roundedCorners", "0"),
        ("c:chart", {}, [_val("c:autoTitleDeleted", "1"), plot, legend,
                         _val("c:plotVisOnly", "1"), _val("c:dispBlanksAs", "gap")]),
        ("c:spPr", {}, [_fill("FFFFFF"), _line(None)]),
        _text_props(chart))
    for spec in specs:
        root.append(_build(root, spec))
    return root


def link_workbook(space: Any, relationship_id: str) -> None:
    """Point ``space`` (a :func:`chart_space` element) to its embedded workbook."""
    space.append(_build(space, ("c:externalData", {"r:id": relationship_id},
                                [_val("c:autoUpdate", "0")])))


def chart_workbook(chart: BarChart) -> bytes:
    """The ``.xlsx`` holding the chart's data: categories in column A, a series a column.

    Texts stay literal (never a formula, a number or a link); the bytes depend on the
    data only.
    """
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                             "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"author": "ai_procurement", "created": _FIXED})
    sheet = book.add_worksheet(SHEET)
    sheet.write_string(0, 0, _safe(chart.category_title))
    sheet.set_column(0, 0, max((len(c) for c in chart.categories), default=10) + 2)
    sheet.set_column(1, len(chart.series), 14)
    for row, category in enumerate(chart.categories, start=1):
        sheet.write_string(row, 0, _safe(category))
    for column, s in enumerate(chart.series, start=1):
        sheet.write_string(0, column, _safe(s.name))
        for row, value in enumerate(s.values, start=1):
            sheet.write_number(row, column, float(_number(value)))
    book.close()
    return normalise_zip(buffer.getvalue(), _FIXED.date())
