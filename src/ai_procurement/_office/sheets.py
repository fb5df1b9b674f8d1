"""A writer of formatted workbooks (``.xlsx``): cells, styles, page set-up and charts.

The comparison workbook holds a million cells at 300 offers; written through XlsxWriter,
each cell cost about 5 microseconds (a call, a record kept until the end, then its XML
written through a generic, escaping writer): the largest part of ``evaluate`` at scale.
Here each cell becomes its XML as it is written (its reference, style and shared-string
index in one formatted string), and a sheet's XML is one join when the workbook is saved.

It writes what the comparison needs and nothing else, as SpreadsheetML (ECMA-376 part 1,
section 18; the tests read it back with openpyxl and LibreOffice, and the library's own
reader): shared strings, cell formats (font, fill,
border, alignment, number format), column widths and row heights, merged cells, frozen
panes, autofilters, colour scales, A4 page set-up with header and footer, print titles,
page breaks, and bar and radar charts drawn from a sheet's cells.

Text is always a literal string: never a formula, a number or a link. Characters XML
cannot hold must be replaced by the caller (the comparison does); ``_xHHHH_`` sequences,
which Excel would read as escaped characters, are escaped themselves. The same calls
give the same bytes: the zip members are dated with the workbook's creation date.
"""

from __future__ import annotations

import collections
import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ai_procurement._office import markup
from ai_procurement._office.files import zip_members
from ai_procurement._office.xlsx import column_letter

__all__ = ["Chart", "Format", "Workbook", "Worksheet"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAX_DIGIT_WIDTH = 7  # pixels of a digit in Calibri 11, Excel's unit of column width
_PADDING = 5  # pixels a column adds to its characters
_EMU_PER_PIXEL = 9525
_MAX_ROWS, _MAX_COLUMNS = 1_048_576, 16_384  # a sheet's extent in Excel
_MAX_NAME = 31  # characters of a sheet's name
_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_VALUE = re.compile("<v>([^<]*)</v>")
_EXCEL_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")
_COLOUR = re.compile("#[0-9A-Fa-f]{6}")
_FORMAT_KEYS = frozenset({"font_name", "font_size", "bold", "italic", "font_color",
                          "bg_color", "pattern", "border", "border_color", "align",
                          "valign", "text_wrap", "rotation", "num_format"})
_GRID, _AXIS, _CHART_TEXT = "D9D9D9", "7F7F7F", "262626"  # chart lines and text
_TICKS = '<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
_HORIZONTAL = {"left": "left", "center": "center", "right": "right"}
_VERTICAL = {"top": "top", "vcenter": "center", "bottom": "bottom"}


def _argb(colour: str) -> str:
    """``#RRGGBB`` as SpreadsheetML's opaque ``FFRRGGBB``."""
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"a colour is written #RRGGBB, got {colour!r}")
    return "FF" + colour[1:].upper()


def _number(value: float) -> str:
    """A number as a cell or a chart holds it: the shortest text that reads back the same.

    ``12.5``, ``3`` (not ``3.0``), ``1e-12``, ``1e+16``.
    """
    text = repr(value if value.__class__ is float else float(value))
    return text[:-2] if text.endswith(".0") else text


class _Letters(dict[int, str]):
    """The letters of each zero-based column, worked out the first time a column is used."""

    def __missing__(self, col: int) -> str:
        letters = self[col] = column_letter(col + 1)
        return letters


_LETTERS = _Letters()


def _cell_ref(row: int, col: int, *, absolute: bool = False) -> str:
    """The A1 reference of zero-based ``row`` and ``col`` (``$A$1`` when ``absolute``)."""
    if absolute:
        return f"${_LETTERS[col]}${row + 1}"
    return f"{_LETTERS[col]}{row + 1}"


def _range(first_row: int, first_col: int, last_row: int, last_col: int, *,
           absolute: bool = False) -> str:
    first = _cell_ref(first_row, first_col, absolute=absolute)
    last = _cell_ref(last_row, last_col, absolute=absolute)
    return first if first == last else f"{first}:{last}"


def _quoted(sheet: str) -> str:
    """A sheet's name as a formula refers to it: always quoted, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


class Format:
    """A cell format of a :class:`Workbook`, as a cell refers to it (its place among them)."""

    __slots__ = ("attribute",)

    def __init__(self, index: int) -> None:
        self.attribute = f' s="{index}"' if index else ""


class Worksheet:
    """One sheet: its cells as XML as they are written, and its layout.

    Rows and columns are counted from 0.
    """

    def __init__(self, name: str, index: int, strings: dict[str, int]) -> None:
        self.name, self.index = name, index
        self._strings = strings
        # Each row's cells, by column: the XML of each (90 bytes or so: a million cells
        # at 300 offers); the charts read the few values they cache back from it.
        self._rows: collections.defaultdict[int, dict[int, str]] = collections.defaultdict(dict)
        self._heights: dict[int, float] = {}
        self._widths: dict[int, float] = {}
        self._merged: list[str] = []
        self._freeze: tuple[int, int] | None = None
        self._filter: tuple[int, int, int, int] | None = None
        self._scales: list[tuple[str, Sequence[tuple[float, str]]]] = []
        self._title_rows: tuple[int, int] | None = None
        self._breaks: list[int] = []
        self._page = ""
        self._fit_to_page = False
        self.charts: list[tuple[int, int, Chart]] = []

    # -- cells ------------------------------------------------------------------------------

    def write_string(self, row: int, col: int, text: str, cell_format: Format) -> None:
        """Write ``text`` as literal text (never a formula, a number or a link)."""
        index = self._strings.get(text)
        if index is None:
            index = self._strings[text] = len(self._strings)
        self._rows[row][col] = (f'<c r="{_LETTERS[col]}{row + 1}"{cell_format.attribute} '
                                f't="s"><v>{index}</v></c>')

    def write_number(self, row: int, col: int, value: float, cell_format: Format) -> None:
        """Write a finite number."""
        if not math.isfinite(value):
            raise ValueError(f"a cell holds finite numbers only, got {value!r}")
        self._rows[row][col] = (f'<c r="{_LETTERS[col]}{row + 1}"{cell_format.attribute}>'
                                f"<v>{_number(value)}</v></c>")

    def write_boolean(self, row: int, col: int, value: bool, cell_format: Format) -> None:
        """Write TRUE or FALSE."""
        self._rows[row][col] = (f'<c r="{_LETTERS[col]}{row + 1}"{cell_format.attribute} '
                                f't="b"><v>{int(value)}</v></c>')

    def write_blank(self, row: int, col: int, cell_format: Format) -> None:
        """An empty cell with ``cell_format`` (its borders, its fill)."""
        self._rows[row][col] = f'<c r="{_LETTERS[col]}{row + 1}"{cell_format.attribute}/>'

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int,
                    cell_format: Format) -> None:
        """Merge a range, its cells blank with ``cell_format``; the first is then written."""
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                self.write_blank(row, col, cell_format)
        self._merged.append(_range(first_row, first_col, last_row, last_col))

    # -- layout -----------------------------------------------------------------------------

    def set_column(self, first: int, last: int, width: float) -> None:
        """Columns ``first`` to ``last`` ``width`` characters wide."""
        for col in range(first, last + 1):
            self._widths[col] = width

    def set_row(self, row: int, height: float) -> None:
        """Row ``row`` ``height`` points high."""
        self._heights[row] = height

    def freeze_panes(self, row: int, col: int) -> None:
        """Keep the ``row`` first rows and ``col`` first columns in view."""
        self._freeze = (row, col)

    def autofilter(self, first_row: int, first_col: int, last_row: int,
                   last_col: int) -> None:
        """Filter buttons on the table of that range (its first row the header)."""
        self._filter = (first_row, first_col, last_row, last_col)

    def colour_scale(self, first_row: int, first_col: int, last_row: int, last_col: int,
                     stops: Sequence[tuple[float, str]]) -> None:
        """Colour the numbers of a range on a scale: ``(value, #RRGGBB)`` stops, 2 or 3."""
        if len(stops) not in (2, 3):
            raise ValueError("a colour scale has 2 or 3 stops")
        self._scales.append((_range(first_row, first_col, last_row, last_col), stops))

    def repeat_rows(self, first: int, last: int | None = None) -> None:
        """Print rows ``first`` to ``last`` atop every page."""
        self._title_rows = (first, first if last is None else last)

    def set_h_pagebreaks(self, rows: Sequence[int]) -> None:
        """Start a printed page after each of ``rows`` (counted from 1, as Excel counts)."""
        self._breaks = sorted(set(rows))

    def page_setup(self, *, landscape: bool, paper: int, fit_width: int, fit_height: int,
                   margins: tuple[float, float, float, float], header: str = "",
                   footer: str = "") -> None:
        """How the sheet prints.

        Args:
            landscape: landscape rather than portrait.
            paper: the paper's code (9: A4).
            fit_width: pages across (0: as many as needed).
            fit_height: pages down (0: as many as needed).
            margins: left, right, top and bottom, in inches.
            header: the printed header, in Excel's codes (``&C`` centre...).
            footer: the printed footer, likewise.
        """
        left, right, top, bottom = margins
        self._fit_to_page = bool(fit_width or fit_height)
        fit = ((f' fitToWidth="{fit_width}"' if fit_width != 1 else "")
               + (f' fitToHeight="{fit_height}"' if fit_height != 1 else "")
               if self._fit_to_page else "")
        texts = "".join(f"<{tag}>{markup.text(text)}</{tag}>"
                        for tag, text in (("oddHeader", header), ("oddFooter", footer))
                        if text)
        self._page = (f'<pageMargins left="{left}" right="{right}" top="{top}" '
                      f'bottom="{bottom}" header="0.3" footer="0.3"/>'
                      f'<pageSetup paperSize="{paper}"{fit} orientation='
                      f'"{"landscape" if landscape else "portrait"}"/>'
                      + (f"<headerFooter>{texts}</headerFooter>" if texts else ""))

    def insert_chart(self, row: int, col: int, chart: Chart) -> None:
        """Draw ``chart`` with its top left corner at the cell ``row``, ``col``."""
        self.charts.append((row, col, chart))

    # -- reading back (for the charts' cached values) --------------------------------------

    def values(self, first_row: int, first_col: int, last_row: int,
               last_col: int) -> list[object]:
        """The values written in a range, row by row (None for a blank cell)."""
        texts: list[str] = []  # the shared strings in the order of their indices
        found: list[object] = []
        for row in range(first_row, last_row + 1):
            cells = self._rows.get(row, {})
            for col in range(first_col, last_col + 1):
                xml = cells.get(col, "")
                value = _VALUE.search(xml)
                if value is None:
                    found.append(None)
                elif ' t="s"' in xml:
                    texts = texts or list(self._strings)
                    found.append(texts[int(value[1])])
                elif ' t="b"' in xml:
                    found.append(value[1] == "1")
                else:
                    found.append(float(value[1]))
        return found

    # -- XML -------------------------------------------------------------------------------

    def _dimension(self) -> str:
        rows = [row for row, cells in self._rows.items() if cells]
        if not rows:
            return "A1"
        cols = [col for cells in self._rows.values() for col in cells]
        if max(rows) >= _MAX_ROWS or max(cols) >= _MAX_COLUMNS or min(rows) < 0 \
                or min(cols) < 0:
            raise ValueError(f"sheet {self.name!r}: a sheet holds rows 1 to {_MAX_ROWS} and "
                             f"columns A to XFD ({_MAX_COLUMNS})")
        return _range(min(rows), min(cols), max(rows), max(cols))

    def _view(self, selected: bool) -> str:
        opening = ('<sheetView tabSelected="1" workbookViewId="0"' if selected
                   else '<sheetView workbookViewId="0"')
        if self._freeze is None or self._freeze == (0, 0):
            return f"<sheetViews>{opening}/></sheetViews>"
        row, col = self._freeze
        corner = _cell_ref(row, col)
        if row and col:
            top_right, bottom_left = _cell_ref(0, col), _cell_ref(row, 0)
            pane = (f'<pane xSplit="{col}" ySplit="{row}" topLeftCell="{corner}" '
                    'activePane="bottomRight" state="frozen"/>'
                    f'<selection pane="topRight" activeCell="{top_right}" sqref="{top_right}"/>'
                    f'<selection pane="bottomLeft" activeCell="{bottom_left}" '
                    f'sqref="{bottom_left}"/><selection pane="bottomRight"/>')
        elif row:
            pane = (f'<pane ySplit="{row}" topLeftCell="{corner}" activePane="bottomLeft" '
                    'state="frozen"/><selection pane="bottomLeft"/>')
        else:
            pane = (f'<pane xSplit="{col}" topLeftCell="{corner}" activePane="topRight" '
                    'state="frozen"/><selection pane="topRight"/>')
        return f"<sheetViews>{opening}>{pane}</sheetView></sheetViews>"

    def _columns(self) -> str:
        if not self._widths:
            return ""
        spans: list[list[Any]] = []
        for col in sorted(self._widths):
            width = self._widths[col]
            if spans and spans[-1][1] == col - 1 and spans[-1][2] == width:
                spans[-1][1] = col
            else:
                spans.append([col, col, width])
        parts = []
        for first, last, width in spans:
            # ECMA-376 18.3.1.13: characters, plus the padding, in steps of 1/256.
            pixels = int(width * _MAX_DIGIT_WIDTH + 0.5) + _PADDING if width >= 1 else \
                int(width * (_MAX_DIGIT_WIDTH + _PADDING) + 0.5)
            stored = int(pixels / _MAX_DIGIT_WIDTH * 256) / 256
            parts.append(f'<col min="{first + 1}" max="{last + 1}" width="{_number(stored)}" '
                         'customWidth="1"/>')
        return "<cols>" + "".join(parts) + "</cols>"

    def _data(self) -> list[str]:
        out = ["<sheetData>"]
        heights = self._heights
        rows = self._rows
        for row in sorted(rows.keys() | heights.keys()):
            height = heights.get(row)
            opening = (f'<row r="{row + 1}" ht="{_number(height)}" customHeight="1"'
                       if height is not None else f'<row r="{row + 1}"')
            cells = rows.get(row)
            if not cells:
                out.append(opening + "/>")
                continue
            out.append(opening + ">")
            out.extend(cells[col] for col in sorted(cells))
            out.append("</row>")
        out.append("</sheetData>")
        return out

    def part(self, selected: bool, drawing: str | None) -> bytes:
        """The sheet's part; its cells are let go (a sheet is written once).

        ``selected``: the sheet shown on opening; ``drawing``: the id of the relationship
        to its charts' drawing, if it has charts.
        """
        parts = [_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
        if self._fit_to_page:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts += [f'<dimension ref="{self._dimension()}"/>', self._view(selected),
                  '<sheetFormatPr defaultRowHeight="15"/>', self._columns()]
        parts += self._data()
        self._rows.clear()
        if self._filter is not None:
            parts.append(f'<autoFilter ref="{_range(*self._filter)}"/>')
        if self._merged:
            parts.append(f'<mergeCells count="{len(self._merged)}">'
                         + "".join(f'<mergeCell ref="{m}"/>' for m in self._merged)
                         + "</mergeCells>")
        for priority, (where, stops) in enumerate(self._scales, start=1):
            parts.append(f'<conditionalFormatting sqref="{where}"><cfRule type="colorScale" '
                         f'priority="{priority}"><colorScale>'
                         + "".join(f'<cfvo type="num" val="{_number(v)}"/>' for v, _ in stops)
                         + "".join(f'<color rgb="{_argb(c)}"/>' for _, c in stops)
                         + "</colorScale></cfRule></conditionalFormatting>")
        parts.append(self._page)
        if self._breaks:
            parts.append(f'<rowBreaks count="{len(self._breaks)}" manualBreakCount='
                         f'"{len(self._breaks)}">'
                         + "".join(f'<brk id="{row}" max="16383" man="1"/>'
                                   for row in self._breaks) + "</rowBreaks>")
        if drawing is not None:
            parts.append(f'<drawing r:id="{drawing}"/>')
        parts.append("</worksheet>")
        return "".join(parts).encode()

    def defined_names(self) -> list[str]:
        """This sheet's defined names: its filter's range, its print titles."""
        names = []
        if self._filter is not None:
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId='
                         f'"{self.index}" hidden="1">{markup.text(_quoted(self.name))}!'
                         f"{_range(*self._filter, absolute=True)}</definedName>")
        if self._title_rows is not None:
            first, last = self._title_rows
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId='
                         f'"{self.index}">{markup.text(_quoted(self.name))}!${first + 1}:'
                         f"${last + 1}</definedName>")
        return names


class Chart:
    """A bar chart (horizontal, stacked) or a radar chart (lines with markers) of cells.

    Each series names its cells by sheet and zero-based rows and columns; the values
    are also cached in the chart, so that readers which do not compute show it too.
    """

    def __init__(self, kind: str, title: str, *, width: int, height: int) -> None:
        if kind not in ("bar", "radar"):
            raise ValueError(f"a chart is a 'bar' or a 'radar' chart, got {kind!r}")
        self.kind, self.title = kind, title
        self.width, self.height = width, height  # pixels
        self.series: list[tuple[tuple[str, int, int], tuple[str, int, int, int, int],
                                tuple[str, int, int, int, int], str]] = []
        # The value axis's bounds, and its title, numbers' format and step (value_axis()).
        self._bounds = self._axis = self._unit = ""

    def add_series(self, name: tuple[str, int, int],
                   categories: tuple[str, int, int, int, int],
                   values: tuple[str, int, int, int, int], colour: str) -> None:
        """A series: its name's cell, its categories' and values' ranges, its colour.

        The colour is ``RRGGBB``: every colour is stated, none is left to a theme.
        """
        _argb("#" + colour)
        self.series.append((name, categories, values, colour.upper()))

    def value_axis(self, *, minimum: float, maximum: float, number_format: str,
                   title: str = "", major_unit: float | None = None) -> None:
        """The value axis: its bounds, its numbers' format, its title, its step."""
        self._bounds = f'<c:max val="{_number(maximum)}"/><c:min val="{_number(minimum)}"/>'
        self._axis = ((_title(title, 1000) if title else "")
                      + f'<c:numFmt formatCode="{markup.attribute(number_format)}" '
                      'sourceLinked="0"/>')
        self._unit = (f'<c:majorUnit val="{_number(major_unit)}"/>'
                      if major_unit is not None else "")

    def xml(self, sheets: Mapping[str, Worksheet], number: int) -> bytes:
        """The chart's part, its values cached from ``sheets``; ``number`` counts charts."""
        cat_id, val_id = 50000001 + 2 * number, 50000002 + 2 * number
        series = []
        for index, (name, categories, values, colour) in enumerate(self.series):
            fill = f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
            looks = (f"<c:spPr>{fill}</c:spPr>" if self.kind == "bar" else
                     f'<c:spPr><a:ln w="22225" cap="rnd">{fill}<a:round/></a:ln></c:spPr>'
                     f'<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>{fill}'
                     f"<a:ln>{fill}</a:ln></c:spPr></c:marker>")
            series.append(
                f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
                f"<c:tx>{_strings(sheets, (*name, name[1], name[2]))}</c:tx>{looks}"
                f"<c:cat>{_strings(sheets, categories)}</c:cat>"
                f"<c:val>{_numbers(sheets, values)}</c:val></c:ser>")
        grid = f"<c:majorGridlines>{_line(_GRID)}</c:majorGridlines>"
        if self.kind == "bar":
            # The best offer on top: the categories run from the top down.
            plot = ('<c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/>'
                    '<c:varyColors val="0"/>' + "".join(series)
                    + f'<c:gapWidth val="60"/><c:overlap val="100"/><c:axId val="{cat_id}"/>'
                    f'<c:axId val="{val_id}"/></c:barChart>')
            category_axis = ('<c:scaling><c:orientation val="maxMin"/></c:scaling>'
                             '<c:delete val="0"/><c:axPos val="l"/>')
            value_position = "t"
            legend = "b"
        else:
            plot = ('<c:radarChart><c:radarStyle val="marker"/><c:varyColors val="0"/>'
                    + "".join(series) + f'<c:axId val="{cat_id}"/><c:axId val="{val_id}"/>'
                    "</c:radarChart>")
            category_axis = ('<c:scaling><c:orientation val="minMax"/></c:scaling>'
                             f'<c:delete val="0"/><c:axPos val="b"/>{grid}')
            value_position = "l"
            legend = "r"
        xml = (f'{_HEAD}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/'
               '2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               f'xmlns:r="{_REL}"><c:chart>{_title(self.title)}'
               '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
               f"{plot}<c:catAx><c:axId val=\"{cat_id}\"/>{category_axis}"
               f"{_TICKS}<c:tickLblPos val=\"nextTo\"/>{_line(_AXIS)}"
               f'<c:crossAx val="{val_id}"/>'
               '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
               '<c:lblOffset val="100"/></c:catAx>'
               f'<c:valAx><c:axId val="{val_id}"/><c:scaling><c:orientation val="minMax"/>'
               f'{self._bounds}</c:scaling><c:delete val="0"/>'
               f'<c:axPos val="{value_position}"/>{grid}{self._axis}{_TICKS}'
               '<c:tickLblPos val="nextTo"/>'
               f"{_line(_AXIS)}"
               f'<c:crossAx val="{cat_id}"/><c:crosses val="autoZero"/>'
               f'<c:crossBetween val="between"/>{self._unit}</c:valAx></c:plotArea>'
               f'<c:legend><c:legendPos val="{legend}"/><c:overlay val="0"/></c:legend>'
               '<c:plotVisOnly val="1"/></c:chart>'
               # Every text in Calibri, dark grey: nothing is left to a theme.
               '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900">'
               f'<a:solidFill><a:srgbClr val="{_CHART_TEXT}"/></a:solidFill>'
               '<a:latin typeface="Calibri"/></a:defRPr></a:pPr><a:endParaRPr lang="fr-FR"/>'
               "</a:p></c:txPr></c:chartSpace>")
        return xml.encode()


def _line(colour: str) -> str:
    """The shape properties of a thin line of ``colour``."""
    return (f'<c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
            "</a:ln></c:spPr>")


def _title(text: str, size: int = 1300) -> str:
    """A chart's or an axis's title, bold, ``size`` hundredths of a point."""
    return ('<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr '
            f'sz="{size}" b="1"/></a:pPr><a:r><a:rPr lang="fr-FR" sz="{size}" b="1"/><a:t>'
            f"{markup.text(text)}</a:t></a:r></a:p></c:rich></c:tx>"
            '<c:overlay val="0"/></c:title>')


def _cells(sheets: Mapping[str, Worksheet], where: tuple[str, int, int, int, int]
           ) -> tuple[str, list[object]]:
    sheet, first_row, first_col, last_row, last_col = where
    formula = f"{_quoted(sheet)}!{_range(first_row, first_col, last_row, last_col, absolute=True)}"
    return markup.text(formula), sheets[sheet].values(first_row, first_col, last_row, last_col)


def _strings(sheets: Mapping[str, Worksheet], where: tuple[str, int, int, int, int]) -> str:
    formula, values = _cells(sheets, where)
    points = "".join(f'<c:pt idx="{i}"><c:v>{markup.text(str(v))}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    return (f"<c:strRef><c:f>{formula}</c:f><c:strCache><c:ptCount val=\"{len(values)}\"/>"
            f"{points}</c:strCache></c:strRef>")


def _numbers(sheets: Mapping[str, Worksheet], where: tuple[str, int, int, int, int]) -> str:
    formula, values = _cells(sheets, where)
    points = "".join(f'<c:pt idx="{i}"><c:v>{_number(float(v))}</c:v></c:pt>'
                     for i, v in enumerate(values)
                     if isinstance(v, int | float) and not isinstance(v, bool))
    return (f"<c:numRef><c:f>{formula}</c:f><c:numCache><c:formatCode>General</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


class Workbook:
    """A workbook being written: its formats, its sheets, its charts."""

    def __init__(self, *, title: str, author: str, created: dt.datetime) -> None:
        self.title, self.author, self.created = title, author, created
        self._strings: dict[str, int] = {}
        self._sheets: list[Worksheet] = []
        # Font, fill, border, number format and alignment of each format (0: the default).
        self._fonts: dict[str, int] = {'<font><sz val="11"/><color rgb="FF000000"/>'
                                       '<name val="Calibri"/><family val="2"/></font>': 0}
        self._fills: dict[str, int] = {'<fill><patternFill patternType="none"/></fill>': 0,
                                       '<fill><patternFill patternType="gray125"/></fill>': 1}
        self._borders: dict[str, int] = {
            "<border><left/><right/><top/><bottom/><diagonal/></border>": 0}
        self._number_formats: dict[str, int] = {}
        self._saved = False
        self._xfs: dict[str, Format] = {
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>': Format(0)}

    def add_worksheet(self, name: str) -> Worksheet:
        r"""A new sheet, after the others.

        Its name is one Excel accepts: 1 to 31 characters, none of ``[]:*?/\``, no
        apostrophe first or last, unique whatever the case.
        """
        if (not 1 <= len(name) <= _MAX_NAME or _NAME_FORBIDDEN.search(name)
                or name[0] == "'" or name[-1] == "'"):
            raise ValueError(f"not a sheet name Excel accepts: {name!r}")
        if any(sheet.name.casefold() == name.casefold() for sheet in self._sheets):
            raise ValueError(f"two sheets named {name!r}")
        sheet = Worksheet(name, len(self._sheets), self._strings)
        self._sheets.append(sheet)
        return sheet

    def add_chart(self, kind: str, title: str, *, width: int, height: int) -> Chart:
        """A new chart, ``"bar"`` or ``"radar"``, ``width`` x ``height`` pixels.

        It is drawn where a sheet inserts it (:meth:`Worksheet.insert_chart`).
        """
        return Chart(kind, title, width=width, height=height)

    def add_format(self, properties: Mapping[str, Any]) -> Format:
        """The cell format of ``properties`` (XlsxWriter's names for them).

        ``font_name``, ``font_size``, ``bold``, ``italic``, ``font_color``; ``bg_color``
        with ``pattern`` 1 (solid); ``border`` 1 (thin) with ``border_color``; ``align``
        (left, center, right), ``valign`` (top, vcenter, bottom), ``text_wrap``,
        ``rotation``; ``num_format``. The same properties give the same format.
        """
        unknown = set(properties) - _FORMAT_KEYS
        if unknown:
            raise ValueError(f"unknown format properties: {sorted(unknown)}")
        p = properties
        colour = _argb(p["font_color"]) if "font_color" in p else "FF000000"
        font = ("<font>" + ("<b/>" if p.get("bold") else "") + ("<i/>" if p.get("italic") else "")
                + f'<sz val="{_number(p.get("font_size", 11))}"/><color rgb="{colour}"/>'
                f'<name val="{markup.attribute(p.get("font_name", "Calibri"))}"/><family val="2"/>'
                "</font>")
        fill = ""
        if "bg_color" in p:
            if p.get("pattern", 1) != 1:
                raise ValueError("only solid fills (pattern 1) are written")
            fill = (f'<fill><patternFill patternType="solid"><fgColor rgb="{_argb(p["bg_color"])}"'
                    '/><bgColor indexed="64"/></patternFill></fill>')
        border = ""
        if p.get("border"):
            if p["border"] != 1:
                raise ValueError("only thin borders (border 1) are written")
            line = (f'style="thin"><color rgb="{_argb(p.get("border_color", "#000000"))}"/>')
            border = ("<border>" + "".join(f"<{side} {line}</{side}>"
                                           for side in ("left", "right", "top", "bottom"))
                      + "<diagonal/></border>")
        number_format = p.get("num_format", "General")
        alignment = ""
        align = {"horizontal": _HORIZONTAL[p["align"]] if "align" in p else None,
                 "vertical": _VERTICAL[p["valign"]] if "valign" in p else None,
                 "textRotation": str(p["rotation"]) if p.get("rotation") else None,
                 "wrapText": "1" if p.get("text_wrap") else None}
        if any(align.values()):
            alignment = "<alignment" + "".join(f' {k}="{v}"' for k, v in align.items()
                                               if v is not None) + "/>"
        font_id = self._fonts.setdefault(font, len(self._fonts))
        fill_id = self._fills.setdefault(fill, len(self._fills)) if fill else 0
        border_id = self._borders.setdefault(border, len(self._borders)) if border else 0
        number_id = 0 if number_format == "General" else self._number_formats.setdefault(
            number_format, 164 + len(self._number_formats))
        applied = "".join(f' {name}="1"' for name, on in (
            ("applyNumberFormat", number_id), ("applyFont", font_id), ("applyFill", fill_id),
            ("applyBorder", border_id), ("applyAlignment", alignment)) if on)
        xf = (f'<xf numFmtId="{number_id}" fontId="{font_id}" fillId="{fill_id}" '
              f'borderId="{border_id}" xfId="0"{applied}'
              + (f">{alignment}</xf>" if alignment else "/>"))
        found = self._xfs.get(xf)
        if found is None:
            found = self._xfs[xf] = Format(len(self._xfs))
        return found

    # -- saving -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The ``.xlsx`` file: every part, zipped, each member dated the creation date.

        A workbook is saved once: each sheet lets its cells go once its part is zipped, so
        that a sheet's cells and its XML are not held with every other sheet's.
        """
        if not self._sheets:
            raise ValueError("a workbook has at least one sheet")
        if self._saved:
            raise ValueError("a workbook is saved once")
        self._saved = True
        sheets = {sheet.name: sheet for sheet in self._sheets}
        worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = [("/xl/workbook.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
                     ("/xl/styles.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
                     ("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument."
                                               "spreadsheetml.sharedStrings+xml"),
                     ("/docProps/core.xml",
                      "application/vnd.openxmlformats-package.core-properties+xml"),
                     ("/docProps/app.xml",
                      "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
        overrides += [(f"/xl/worksheets/sheet{i}.xml", worksheet)
                      for i in range(1, len(self._sheets) + 1)]
        # The charts first: they cache values read from the sheets' cells.
        drawn: list[tuple[str, bytes]] = []
        drawings: dict[int, str] = {}  # sheet position: its relationship to its drawing
        charts = 0
        for position, sheet in enumerate(self._sheets, start=1):
            if not sheet.charts:
                continue
            number = len(drawings) + 1
            drawings[position] = "rId1"
            anchors: list[str] = []
            links: list[tuple[str, str, str]] = []
            for row, col, chart in sheet.charts:
                charts += 1
                links.append((f"rId{len(links) + 1}", f"{_REL}/chart",
                              f"../charts/chart{charts}.xml"))
                anchors.append(_anchor(row, col, chart, charts, links[-1][0]))
                drawn.append((f"xl/charts/chart{charts}.xml", chart.xml(sheets, charts)))
                overrides.append((f"/xl/charts/chart{charts}.xml",
                                  "application/vnd.openxmlformats-officedocument."
                                  "drawingml.chart+xml"))
            drawn.append((f"xl/drawings/drawing{number}.xml", (
                f'{_HEAD}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/'
                '2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/'
                f'drawingml/2006/main">{"".join(anchors)}</xdr:wsDr>').encode()))
            drawn.append((f"xl/drawings/_rels/drawing{number}.xml.rels",
                          _relationships(links)))
            drawn.append((f"xl/worksheets/_rels/sheet{position}.xml.rels",
                          _relationships([("rId1", f"{_REL}/drawing",
                                           f"../drawings/drawing{number}.xml")])))
            overrides.append((f"/xl/drawings/drawing{number}.xml",
                              "application/vnd.openxmlformats-officedocument.drawing+xml"))
        types = (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/'
                 'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                 'ContentType="application/xml"/>'
                 + "".join(f'<Override PartName="{markup.attribute(name)}" ContentType="{kind}"/>'
                           for name, kind in overrides) + "</Types>")
        count = len(self._sheets)
        members: list[tuple[str, bytes]] = [
            ("[Content_Types].xml", types.encode()),
            ("_rels/.rels", _relationships([
                ("rId1", f"{_REL}/officeDocument", "xl/workbook.xml"),
                ("rId2", f"{_PACKAGE_REL}/metadata/core-properties", "docProps/core.xml"),
                ("rId3", f"{_REL}/extended-properties", "docProps/app.xml")])),
            ("docProps/core.xml", self._core()),
            ("docProps/app.xml", (
                f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                '2006/extended-properties"><Application>ai_procurement</Application>'
                "</Properties>").encode()),
            ("xl/workbook.xml", self._workbook()),
            ("xl/_rels/workbook.xml.rels", _relationships(
                [(f"rId{i}", f"{_REL}/worksheet", f"worksheets/sheet{i}.xml")
                 for i in range(1, count + 1)]
                + [(f"rId{count + 1}", f"{_REL}/styles", "styles.xml"),
                   (f"rId{count + 2}", f"{_REL}/sharedStrings", "sharedStrings.xml")])),
            ("xl/styles.xml", self._styles()),
            ("xl/sharedStrings.xml", self._shared_strings())]

        def parts() -> Iterator[tuple[str, bytes]]:
            yield from members
            for position, sheet in enumerate(self._sheets, start=1):
                yield (f"xl/worksheets/sheet{position}.xml",
                       sheet.part(position == 1, drawings.get(position)))
            yield from drawn

        return zip_members(parts(), self.created.date())

    def _core(self) -> bytes:
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
                'elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{markup.text(self.title)}</dc:title>"
                f"<dc:creator>{markup.text(self.author)}</dc:creator>"
                f"<cp:lastModifiedBy>{markup.text(self.author)}</cp:lastModifiedBy>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>").encode()

    def _workbook(self) -> bytes:
        sheets = "".join(f'<sheet name="{markup.attribute(sheet.name)}" sheetId="{i}" '
                         f'r:id="rId{i}"/>' for i, sheet in enumerate(self._sheets, start=1))
        names = [name for sheet in self._sheets for name in sheet.defined_names()]
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
                f"</bookViews><sheets>{sheets}</sheets>{defined}</workbook>").encode()

    def _styles(self) -> bytes:
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{markup.attribute(code)}"/>'
                          for code, i in self._number_formats.items())
        parts = [_HEAD, f'<styleSheet xmlns="{_MAIN}">']
        if formats:
            parts.append(f'<numFmts count="{len(self._number_formats)}">{formats}</numFmts>')
        for tag, table in (("fonts", self._fonts), ("fills", self._fills),
                           ("borders", self._borders)):
            parts.append(f'<{tag} count="{len(table)}">{"".join(table)}</{tag}>')
        parts.append('<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                     'borderId="0"/></cellStyleXfs>')
        parts.append(f'<cellXfs count="{len(self._xfs)}">{"".join(self._xfs)}</cellXfs>')
        parts.append('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                     '</cellStyles><dxfs count="0"/><tableStyles count="0"/></styleSheet>')
        return "".join(parts).encode()

    def _shared_strings(self) -> bytes:
        parts = [_HEAD, f'<sst xmlns="{_MAIN}" uniqueCount="{len(self._strings)}">']
        escape = _EXCEL_ESCAPE
        for text in self._strings:
            if "_x" in text:
                text = escape.sub(lambda found: "_x005F" + found[0], text)
            shown = markup.text(text)
            if text and (text[0].isspace() or text[-1].isspace()):
                parts.append(f'<si><t xml:space="preserve">{shown}</t></si>')
            else:
                parts.append(f"<si><t>{shown}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode()


def _anchor(row: int, col: int, chart: Chart, number: int, link: str) -> str:
    """A chart's frame, its top left corner on a cell, its size in EMU."""
    return (f"<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{chart.width * _EMU_PER_PIXEL}" cy="{chart.height * _EMU_PER_PIXEL}"/>'
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" '
            f'name="Chart {number}" descr="{markup.attribute(chart.title)}"/>'
            "<xdr:cNvGraphicFramePr/>"
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            '</xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
            'drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/'
            f'drawingml/2006/chart" xmlns:r="{_REL}" r:id="{link}"/></a:graphicData>'
            "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>")


def _relationships(links: Sequence[tuple[str, str, str]]) -> bytes:
    return (f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}">'
            + "".join(f'<Relationship Id="{i}" Type="{kind}" Target="{markup.attribute(target)}"/>'
                      for i, kind, target in links) + "</Relationships>").encode()
