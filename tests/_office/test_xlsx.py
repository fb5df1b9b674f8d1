"""The cell reader: its quick path reads exactly what its callbacks read, or steps aside.

A workbook's parts kept in memory by the guard are read by regular expressions when they
are in the plain form spreadsheets write; anything else goes through expat's callbacks.
Each case here reads the same sheet both ways and expects the same cells, the same
references outside the area read, and the same error.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from tests import sheet_xml

from ai_procurement._office import xlsx
from ai_procurement._office.xlsx import XlsxBook, XlsxError

_MAIN = sheet_xml.MAIN
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_LO_ROW = ('customFormat="false" ht="15" hidden="false" customHeight="false" '
           'outlineLevel="0" collapsed="false"')
_book = sheet_xml.one_sheet_book


def _read(path: Path, *, quick: bool, **options: Any) -> tuple[Any, ...]:
    """What the reader returns (or raises), with the parts in memory or streamed."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()} if quick else None
        book = XlsxBook(archive, parts)
        try:
            found = book.cells("S", max_row=options.pop("max_row", 100),
                               max_column=options.pop("max_column", 6), **options)
            strings = book.strings
        except XlsxError as exc:
            return ("error", exc.part, type(exc.cause).__name__, str(exc.cause))
    return (found, book.outside.get("S"), book.long.get("S"), strings)


def _sheet(rows: str, *, head: str = _HEAD, root: str = f'xmlns="{_MAIN}"',
           tail: str = "") -> str:
    return (f"{head}<worksheet {root}><dimension ref=\"A1:F9\"/><sheetData>{rows}"
            f"</sheetData>{tail}<pageMargins left=\"0.3\"/></worksheet>")


def _strings(*items: str) -> str:
    return f'{_HEAD}<sst xmlns="{_MAIN}" count="9">{"".join(items)}</sst>'


_SST = _strings('<si><t xml:space="preserve">Oui</t></si>', "<si><t>l&apos;offre &amp; "
                "co&#10;ligne</t></si>", "<si><t/></si>", "<si><t>_x0041_ \u00e9t\u00e9</t></si>")

# Sheets in the plain form: the quick path reads them.
PLAIN = {
    "libreoffice": _sheet(
        f'<row r="1" {_LO_ROW}><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1"/>'
        '<c r="C1" s="0" t="n"><f aca="false">IF(A1&gt;=1,1,0)</f><v>1</v></c>'
        '<c r="D1" s="2" t="n"><v>46352</v></c></row>'
        f'<row r="3" {_LO_ROW}><c r="A3" s="0" t="s"><v>1</v></c><c r="B3" s="0" t="s">'
        '<v>3</v></c><c r="C3" t="s"><v>2</v></c><c r="E3" t="b"><v>1</v></c>'
        '<c r="F3" t="e"><v>#DIV/0!</v></c></row>'),
    "openpyxl": _sheet(
        '<row r="1" ht="29.25" customHeight="1"><c r="A1" s="1" t="inlineStr"><is><t>'
        "R&#233;f. &#8212; x</t></is></c><c r=\"B1\" s=\"1\" t=\"n\"></c>"
        '<c r="C1" t="inlineStr"><is><t xml:space="preserve"> _x000D_ </t></is></c>'
        '<c r="D1" t="n"><v>0.15</v></c><c r="E1" t="str"><f>A1&amp;"!"</f><v>x!</v></c>'
        '</row><row r="2"/>', head=""),
    "empty elements": _sheet(
        '<row r="2"><c r="A2" t="str"><v/></c><c r="B2"><f/><v>2</v></c>'
        '<c r="C2" t="inlineStr"><is/></c><c r="D2" t="s"><v>9</v></c>'
        '<c r="E2" t="str"/><c r="F2" t="e"></c></row>'),
    "line ends and references": _sheet(
        '<row r="4"><c r="A4" t="inlineStr"><is><t>un\r\ndeux\rtrois&#13;&#x41;'
        "&lt;&gt;&quot;</t></is></c><c r=\"B4\" t=\"str\"><v>a\r\nb</v></c></row>"),
    "past the area read": _sheet(
        '<row r="5"><c r="A5"><v>1</v></c><c r="G5"><v>2</v></c><c r="AA5" t="s">'
        '<v>0</v></c><c r="H5" s="1"/><c r="B150"><v>3</v></c><c r="C6"><v>4</v></c>'
        "</row>"),
    "a byte-order mark and no declaration": "\ufeff" + _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>', head=""),
    "an apostrophe in the declaration": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        head="<?xml version='1.0' encoding='utf-8'?>"),
    "a prefix for another namespace": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        root=f'xmlns="{_MAIN}" xmlns:x="urn:other"', tail='<x:c r="B1"><x:v>2</x:v></x:c>'),
    "a shared string index that is not a number": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="s"><v>x</v></c></row>'),
    "an empty shared string value": _sheet('<row r="1"><c r="B1" t="s"><v/></c></row>'),
    # From the first row past max_row, cells holding something are only noticed, in
    # every column, whatever row follows.
    "rows past max_row": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="200"><c r="A200"><v>2</v></c>'
        '<c r="B200" s="1"/><c r="C200" t="inlineStr"><is/></c><c r="H200"><f>1</f></c>'
        '</row><row r="201"/><row r="3"><c r="D3" t="s"><v>0</v></c><c r="E3"/></row>'),
}

# Sheets the quick path leaves to the callbacks (and the callbacks' reading of them).
OTHER = {
    "a comment": _sheet('<row r="1"><!-- <c r="B1"><v>9</v></c> --><c r="A1"><v>1</v></c>'
                        "</row>"),
    "a CDATA section": _sheet('<row r="1"><c r="A1" t="str"><v><![CDATA[<b>]]></v></c></row>'),
    "a comment after the sheet data": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        tail='<!-- </sheetData><sheetData><row r="2"><c r="A2"><v>2</v></c></row> -->'),
    "a comment before it": _sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                                  head=f"{_HEAD}<!-- <sheetData> -->"),
    "a processing instruction before it": _sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                                                 head=f"{_HEAD}<?x <sheetData>?>"),
    "a processing instruction": _sheet('<row r="1"><?x <c r="B1"><v>9</v></c>?>'
                                       '<c r="A1"><v>1</v></c></row>'),
    "a DTD": "<!DOCTYPE worksheet>" + _sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                                             head=""),
    "another encoding": _sheet('<row r="1"><c r="A1" t="str"><v>\u00e9</v></c></row>',
                               head='<?xml version="1.0" encoding="ISO-8859-1"?>'),
    "the main namespace under a prefix": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        root=f'xmlns="{_MAIN}" xmlns:m="{_MAIN}"', tail='<m:c r="B1"><m:v>2</m:v></m:c>'),
    "the default namespace declared again": _sheet(
        '<row r="1" xmlns="urn:other"><c r="A1"><v>1</v></c></row>'),
    "a cell outside sheetData": _sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                                       tail='<c r="B1"><v>2</v></c>'),
    "a cell without reference": _sheet('<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c>'
                                       "</row>"),
    "a row without reference": _sheet('<row><c r="A1"><v>1</v></c></row>'),
    "rich text inline": _sheet('<row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r>'
                               "<r><t>b</t></r></is></c></row>"),
    "two values": _sheet('<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>'),
    "a value and an unknown element": _sheet('<row r="1"><c r="B1"><v>2</v></c><c r="A1">'
                                             "<v>1</v><extLst/></c></row>"),
    "a cell in a cell": _sheet('<row r="1"><c r="B1"><c r="A1"><v>1</v></c></c></row>'),
    "an attribute given twice": _sheet('<row r="1" ht="1" ht="2"><c r="A1"><v>1</v></c>'
                                       "</row>"),
    "an unknown attribute": _sheet('<row r="1"><c r="A1" cm="1"><v>1</v></c></row>'),
    "indentation": _sheet('\n  <row r="1">\n    <c r="A1"><v>1</v></c>\n  </row>\n'),
    "a control character": _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="F1" t="str">'
                                  "<v>a\x01b</v></c></row>"),
    "a character reference to a control character": _sheet(
        '<row r="1"><c r="F1" t="str"><v>a&#1;b</v></c></row>'),
    "an undefined entity": _sheet('<row r="1"><c r="F1" t="str"><v>a&eacute;b</v></c></row>'),
    "]]> in text": _sheet('<row r="1"><c r="F1" t="str"><v>a]]>b</v></c></row>'),
    "a reference past U+D6D7": _sheet('<row r="1"><c r="F1" t="str"><v>&#128512;</v></c>'
                                      "</row>"),
    "U+FFFF": _sheet('<row r="1"><c r="F1" t="str"><v>a\uffffb</v></c></row>'),
    "malformed after sheetData": _sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                                        tail="<foo>"),
    "mismatched tags": _sheet('<row r="1"><c r="A1"><v>1</v></c>'),
    "an unbound prefix": _sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                                tail="<y:foo/>"),
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_quick_path_reads_what_the_callbacks_read(tmp_path: Path, name: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = _book(tmp_path, PLAIN[name], _SST)
    slow = _read(path, quick=False)
    taken: list[object] = []
    quick_cells = XlsxBook._quick_cells

    def spy(self: XlsxBook, *args: Any) -> Any:
        taken.append(found := quick_cells(self, *args))
        return found

    monkeypatch.setattr(XlsxBook, "_quick_cells", spy)
    assert _read(path, quick=True) == slow
    assert (taken and taken[0] is not None) or slow[0] == "error"


@pytest.mark.parametrize("columns", [None, {"A", "F"}])
@pytest.mark.parametrize("name", sorted(OTHER))
def test_other_forms_go_through_the_callbacks(tmp_path: Path, name: str,
                                              columns: set[str] | None) -> None:
    path = _book(tmp_path, OTHER[name], _SST)
    with zipfile.ZipFile(path) as archive:
        data = archive.read("xl/worksheets/s.xml")
        book = XlsxBook(archive, {"xl/worksheets/s.xml": data})
        assert book._quick_cells("xl/worksheets/s.xml", data, 100, 6, columns) is None
    assert (_read(path, quick=True, columns=columns)
            == _read(path, quick=False, columns=columns))


@pytest.mark.parametrize("options", [{"columns": {"B", "D"}}, {"max_column": 2},
                                     {"max_row": 3, "max_column": 1}, {"max_row": 4},
                                     {"max_row": 1, "columns": {"A"}}])
def test_the_quick_path_keeps_the_columns_and_rows_asked_for(tmp_path: Path,
                                                             options: dict[str, Any]) -> None:
    path = _book(tmp_path, PLAIN["past the area read"].replace(
        "</sheetData>", '<row r="3"><c r="B3"><v>5</v></c><c r="D3" t="s"><v>3</v></c>'
        "</row></sheetData>"), _SST)
    assert _read(path, quick=True, **dict(options)) == _read(path, quick=False, **options)
    path = _book(tmp_path, PLAIN["rows past max_row"], _SST)
    assert _read(path, quick=True, **dict(options)) == _read(path, quick=False, **options)


@pytest.mark.parametrize("strings", [
    _strings("<si><r><t>un</t></r><r><t>_x0041_</t></r><rPh><t>x</t></rPh></si>"),
    _strings("<si><t>a</t></si><!-- x -->"),
    _strings("<si><t>a&#0;</t></si>"),
    _strings("<si><t>a</t></si><si>"),
    _strings("<si><t>\u00e9</t><t>b</t></si>"),
    _strings("<si/><si><t>a</t></si>"),
])
def test_shared_strings_in_other_forms_read_alike(tmp_path: Path, strings: str) -> None:
    path = _book(tmp_path, PLAIN["libreoffice"], strings)
    assert _read(path, quick=True) == _read(path, quick=False)


def test_the_quick_path_counts_what_it_leaves_out(tmp_path: Path) -> None:
    cells = "".join(f'<c r="G{n}"><v>{n}</v></c>' for n in range(1, 1500))
    path = _book(tmp_path, _sheet(f'<row r="1">{cells}</row>'), _SST)
    found, outside, long, _ = _read(path, quick=True)
    assert found == {}
    assert outside == ([f"G{n}" for n in range(1, xlsx.MAX_OUTSIDE + 1)], 1499)
    assert (found, outside, long) == _read(path, quick=False)[:3]


def test_the_quick_path_flags_texts_longer_than_a_cell(tmp_path: Path) -> None:
    text = "x" * (xlsx.MAX_CELL_CHARS + 1)
    path = _book(tmp_path, _sheet(f'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" '
                                  f't="inlineStr"><is><t>{text}</t></is></c></row>'),
                 _strings(f"<si><t>{text}</t></si>"))
    found = _read(path, quick=True)
    assert found[2] == ["A1", "B1"]
    assert found == _read(path, quick=False)


# Generated sheets: plain ones (the quick path reads most of them) and variants it must
# leave to the callbacks (single quotes, spaces, comments, formulas, inline strings).
_VALUES = st.sampled_from(["1", "2.5", "-0", "1e3", "abc", " x ", "&amp;", "&#65;", "&#x42;",
                           "&lt;b&gt;", "\u00e9", "\u00a0", "", "=1+1", "a&quot;b"])


@st.composite
def _cell(draw: st.DrawFn, ref: str, plain: bool) -> str:
    kinds = ["n", "s", "str", "b", None] if plain else ["n", "s", "str", "inlineStr", "b",
                                                         "e", None]
    kind = draw(st.sampled_from(kinds))
    quote = '"' if plain else draw(st.sampled_from(['"', "'"]))
    space = " " if plain else draw(st.sampled_from([" ", "  ", "\n"]))
    attrs = [f"r={quote}{ref}{quote}"]
    if draw(st.booleans()):
        attrs.append(f"s={quote}{draw(st.integers(0, 2))}{quote}")
    if kind:
        attrs.append(f"t={quote}{kind}{quote}")
    head = "<c" + "".join(space + a for a in attrs)
    if draw(st.integers(0, 4)) == 0:
        return head + "/>"
    value = str(draw(st.integers(0, 3))) if kind == "s" else draw(_VALUES)
    if kind == "inlineStr":
        return f"{head}><is><t>{value}</t></is></c>"
    formula = "" if plain or draw(st.booleans()) else "<f>A1+1</f>"
    extra = "" if plain else draw(st.sampled_from(["", "<!--c-->"]))
    return f"{head}>{formula}<v>{value}</v>{extra}</c>"


@st.composite
def _generated_sheet(draw: st.DrawFn) -> str:
    plain = draw(st.booleans())
    rows, number = [], 0
    for _ in range(draw(st.integers(1, 5))):
        number += draw(st.integers(1, 2))
        columns = sorted(draw(st.sets(st.sampled_from("ABCDEFG"), max_size=4)))
        cells = "".join(draw(_cell(f"{column}{number}", plain)) for column in columns)
        style = f" {_LO_ROW}" if draw(st.booleans()) else ""
        rows.append(f'<row r="{number}"{style}>{cells}</row>')
    return _sheet("".join(rows))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=_generated_sheet(), max_row=st.sampled_from([100, 1, 2, 3, 5, 9]),
       columns=st.none() | st.sets(st.sampled_from("ABCDEFG"), max_size=3))
def test_any_generated_sheet_reads_the_same_both_ways(tmp_path: Path, sheet: str,
                                                       max_row: int,
                                                       columns: set[str] | None) -> None:
    path = _book(tmp_path, sheet, _SST)
    options = {"max_row": max_row, "columns": columns}
    assert _read(path, quick=True, **options) == _read(path, quick=False, **options)
