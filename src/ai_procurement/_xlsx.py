"""A small, bounded reader of the cells of an xlsx workbook, for untrusted files.

Why not openpyxl or python-calamine? Both read what a vendor file *shows*; reading it
safely needs more, and less:

* whether a cell holds a formula (its cached value must never become an answer),
  which python-calamine does not expose;
* each cell's number format (a "15 %" typed in Excel is stored as 0.15 with a percent
  format), which python-calamine does not expose either;
* reads bounded by the questionnaire's own extent, whatever dimension the file
  declares, and stopping early: openpyxl builds every cell of a sheet first and is an
  order of magnitude slower on the files we read.

Only a few parts are read (workbook, its relationships, shared strings, styles and the
sheets asked for), always after :mod:`ai_procurement._guard` has vetted the zip, and
always through defusedxml with DTDs forbidden.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO, Literal
from xml.etree.ElementTree import Element

import attrs
from defusedxml.ElementTree import iterparse

__all__ = ["Cell", "XlsxBook", "XlsxError", "column_index", "column_letter"]

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_C, _ROW, _V, _F, _IS, _T, _R, _RPH, _SI = (
    MAIN + "c", MAIN + "row", MAIN + "v", MAIN + "f", MAIN + "is", MAIN + "t", MAIN + "r",
    MAIN + "rPh", MAIN + "si")

# Built-in number formats that matter here (ECMA-376 part 1, 18.8.30).
_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 9: "0%", 10: "0.00%", 14: "mm-dd-yy",
                    15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 22: "m/d/yy h:mm", 49: "@"}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")

CellKind = Literal["string", "number", "bool", "error", "date"]


class XlsxError(Exception):
    """The workbook's XML is malformed or hostile (wraps the parser's error)."""

    def __init__(self, part: str, cause: BaseException) -> None:
        self.part = part
        self.cause = cause
        super().__init__(f"{part}: {type(cause).__name__}: {cause}")


@attrs.frozen
class Cell:
    """One non-empty cell as stored in the file.

    ``value`` is the stored value (for a formula, the cached result, which callers must
    not trust); ``formula`` the formula text without ``=``, or None.
    """

    ref: str
    row: int
    column: str
    kind: CellKind
    value: str | float | bool
    formula: str | None
    number_format: str


def column_index(letters: str) -> int:
    """``"A"`` -> 1, ``"AA"`` -> 27."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def column_letter(index: int) -> str:
    """1 -> ``"A"``, 27 -> ``"AA"``."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def unescape(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (how control characters are stored)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


class XlsxBook:
    """The parts of an xlsx package needed to read cell values.

    Args:
        archive: an open zip that the guard has already vetted.
    """

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.date1904 = False
        self.sheets: list[tuple[str, str, str]] = []  # (name, state, part)
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None
        self._read_workbook()

    def _open(self, part: str) -> IO[bytes]:
        return self.archive.open(part)

    def _events(self, part: str) -> Iterator[Element]:
        try:
            with self._open(part) as handle:
                for _, element in iterparse(handle, events=("end",), forbid_dtd=True):
                    yield element
        except XlsxError:
            raise
        except Exception as exc:
            raise XlsxError(part, exc) from None

    def _read_workbook(self) -> None:
        rels: dict[str, str] = {}
        rels_part = "xl/_rels/workbook.xml.rels"
        if rels_part in self.names:
            for element in self._events(rels_part):
                if element.tag == PKG_REL + "Relationship":
                    target = element.get("Target", "")
                    target = target[1:] if target.startswith("/") else "xl/" + target
                    rels[element.get("Id", "")] = target
        for element in self._events("xl/workbook.xml"):
            if element.tag == MAIN + "sheet":
                part = rels.get(element.get(REL + "id", ""), "")
                self.sheets.append((element.get("name", ""), element.get("state", "visible"),
                                    part))
            elif element.tag == MAIN + "workbookPr":
                self.date1904 = element.get("date1904", "0") in ("1", "true")

    @property
    def strings(self) -> list[str]:
        """The shared strings table."""
        if self._strings is None:
            strings: list[str] = []
            if "xl/sharedStrings.xml" in self.names:
                for element in self._events("xl/sharedStrings.xml"):
                    if element.tag == _SI:
                        strings.append(unescape(_text_of(element)))
                        element.clear()
            self._strings = strings
        return self._strings

    @property
    def formats(self) -> list[str]:
        """Number format code of each cell style index."""
        if self._formats is None:
            custom: dict[int, str] = {}
            formats: list[str] = []
            in_cell_xfs = False
            if "xl/styles.xml" in self.names:
                with self._open("xl/styles.xml") as handle:
                    try:
                        for event, element in iterparse(handle, events=("start", "end"),
                                                        forbid_dtd=True):
                            tag = element.tag
                            if tag == MAIN + "numFmt" and event == "end":
                                custom[int(element.get("numFmtId", "0"))] = element.get(
                                    "formatCode", "General")
                            elif tag == MAIN + "cellXfs":
                                in_cell_xfs = event == "start"
                            elif tag == MAIN + "xf" and in_cell_xfs and event == "start":
                                number = int(element.get("numFmtId", "0"))
                                formats.append(custom.get(number,
                                                          _BUILTIN_FORMATS.get(number, "General")))
                    except Exception as exc:
                        raise XlsxError("xl/styles.xml", exc) from None
            self._formats = formats
        return self._formats

    def sheet_part(self, name: str) -> str | None:
        """The zip member of the sheet called ``name``, or None."""
        for sheet, _, part in self.sheets:
            if sheet == name:
                return part if part in self.names else None
        return None

    def cells(self, name: str, *, max_row: int, max_column: int) -> dict[str, Cell]:
        """Non-empty cells of sheet ``name`` up to ``max_row`` and ``max_column``.

        Reading stops at the first row past ``max_row``; whatever the file declares.
        """
        part = self.sheet_part(name)
        if part is None:
            return {}
        strings, formats = self.strings, self.formats
        result: dict[str, Cell] = {}
        row_number = 0
        column_number = 0
        for element in self._events(part):
            tag = element.tag
            if tag == _ROW:
                element.clear()
                continue
            if tag != _C:
                continue
            ref = element.get("r")
            if ref is not None and (match := _REF.match(ref)) is not None:
                letters, digits = match.groups()
                row_number, column_number = int(digits), column_index(letters)
            else:  # positions may be implicit: next column of the same row
                column_number += 1
                letters = column_letter(column_number)
                ref = f"{letters}{row_number}"
            if row_number > max_row:
                break
            if column_number > max_column:
                element.clear()
                continue
            try:
                cell = _cell(element, ref, row_number, letters, strings, formats)
            except (ValueError, IndexError) as exc:
                raise XlsxError(part, exc) from None
            element.clear()
            if cell is not None:
                result[ref] = cell
        return result


def _text_of(element: Element) -> str:
    """Text of a shared or inline string: its ``t``, or its runs' ``t``, not phonetics."""
    parts: list[str] = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            for grandchild in child:
                if grandchild.tag == _T:
                    parts.append(grandchild.text or "")
    return "".join(parts)


def _cell(element: Element, ref: str, row: int, column: str, strings: list[str],
          formats: list[str]) -> Cell | None:
    kind_attr = element.get("t", "n")
    formula_element = element.find(_F)
    formula = None
    if formula_element is not None:
        formula = formula_element.text or ""
    v = element.find(_V)
    raw = v.text if v is not None else None
    style = int(element.get("s", "0") or 0)
    number_format = formats[style] if 0 <= style < len(formats) else "General"
    value: str | float | bool
    kind: CellKind
    if kind_attr == "s":
        if raw is None:
            return None
        index = int(raw)
        value, kind = (strings[index] if 0 <= index < len(strings) else ""), "string"
    elif kind_attr == "inlineStr":
        inline = element.find(_IS)
        value, kind = (unescape(_text_of(inline)) if inline is not None else ""), "string"
    elif kind_attr == "str":
        value, kind = unescape(raw or ""), "string"
    elif kind_attr == "b":
        if raw is None:
            return None
        value, kind = raw.strip() in ("1", "true"), "bool"
    elif kind_attr == "e":
        value, kind = raw or "#ERROR", "error"
    elif kind_attr == "d":
        if raw is None:
            return None
        value, kind = raw, "date"
    else:
        if raw is None or not raw.strip():
            if formula is None:
                return None
            value, kind = "", "string"
        else:
            try:
                value, kind = float(raw), "number"
            except ValueError:
                value, kind = raw, "string"
    return Cell(ref, row, column, kind, value, formula, number_format)
