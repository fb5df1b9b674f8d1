"""A small, bounded reader of the cells of an xlsx workbook, for untrusted files.

Why not openpyxl or python-calamine? Both read what a vendor file *shows*; reading it
safely needs more, and less:

* whether a cell holds a formula (its cached value must never become an answer),
  which python-calamine does not expose;
* each cell's number format (a "15 %" typed in Excel is stored as 0.15 with a percent
  format), which python-calamine does not expose either;
* reads bounded by the questionnaire's own extent, whatever dimension the file
  declares, and stopping early: openpyxl builds every cell of a sheet first and is
  several times slower on the files we read.

Only a few parts are read (workbook, its relationships, shared strings, styles and the
sheets asked for), always after :mod:`ai_procurement._office.guard` has vetted the zip. The XML
is parsed by expat with callbacks, as defusedxml does, and like defusedxml the parser
refuses any DTD, entity declaration or external reference, raising defusedxml's own
exceptions. Callbacks rather than an element tree halve the time to read the sheet of
a 500-question questionnaire: only the cells of the columns asked for are built, and
text outside them is never handed to Python.

Faster still, a sheet or a shared strings table held in memory and in the plain form
spreadsheets write is read by regular expressions (:meth:`XlsxBook._quick_cells`): a
grammar checks the cell data, expat and a character check the rest, and Python sees
only the cells asked for. Anything else goes through the callbacks, which read every
form and raise the errors reported; both read the same (``tests/_office/test_xlsx.py``).
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Literal, NamedTuple, NoReturn
from xml.parsers import expat

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

__all__ = ["Cell", "XlsxBook", "XlsxError", "column_index", "column_letter"]

# Element names as expat reports them with namespace_separator="}".
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships}"
_C, _ROW, _V, _F, _IS, _T, _RPH, _SI = (
    _NS_MAIN + "c", _NS_MAIN + "row", _NS_MAIN + "v", _NS_MAIN + "f", _NS_MAIN + "is",
    _NS_MAIN + "t", _NS_MAIN + "rPh", _NS_MAIN + "si")
_INTERNED = {name: name for name in (_C, _ROW, _V, _F, _IS, _T, _RPH, _SI)}
_NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
MAX_CELL_CHARS = 32767
"""The most characters a spreadsheet cell holds (Excel's limit; LibreOffice's too)."""
MAX_OUTSIDE = 1000
"""Most references of cells outside the area read that are kept (all are counted)."""

# Built-in number formats that matter here (ECMA-376 part 1, 18.8.30).
_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 9: "0%", 10: "0.00%", 14: "mm-dd-yy",
                    15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 22: "m/d/yy h:mm", 49: "@"}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CHUNK = 1 << 16

CellKind = Literal["string", "number", "bool", "error", "date"]

_StartHandler = Callable[[str, dict[str, str]], None] | Callable[[str, list[str]], None]
_EndHandler = Callable[[str], None]


class XlsxError(Exception):
    """The workbook's XML is malformed or hostile (wraps the parser's error)."""

    def __init__(self, part: str, cause: BaseException) -> None:
        self.part = part
        self.cause = cause
        super().__init__(f"{part}: {type(cause).__name__}: {cause}")


class Cell(NamedTuple):
    """One non-empty cell as stored in the file.

    ``value`` is the stored value (for a formula, the cached result, which callers must
    not trust); ``formula`` the formula text without ``=``, or None. A named tuple
    rather than an attrs class: a returned workbook has thousands of cells, and a tuple
    is built twice as fast.
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
    """Decode Excel's ``_xHHHH_`` escapes (how control characters are stored).

    Escaped surrogates are paired into the character they encode; a lone one, which no
    file can store as text, becomes U+FFFD.
    """
    if "_x" not in text:
        return text
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


class _Stop(Exception):
    """Raised by a callback to end parsing early (not an error)."""


def _refuse_dtd(name: str, sysid: str | None, pubid: str | None,
                has_internal_subset: bool) -> NoReturn:
    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(name: str, is_parameter_entity: bool, value: str | None, base: str | None,
                   sysid: str | None, pubid: str | None, notation_name: str | None) -> NoReturn:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _refuse_unparsed_entity(name: str, base: str | None, sysid: str | None,
                            pubid: str | None, notation_name: str | None) -> NoReturn:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _refuse_external(context: str, base: str | None, sysid: str | None,
                     pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


class XlsxBook:
    """The parts of an xlsx package needed to read cell values.

    Args:
        archive: an open zip that the guard has already vetted.
        parts: parts the guard already decompressed (and checked against their size
            and checksum); they are parsed from memory instead of being inflated again.
    """

    def __init__(self, archive: zipfile.ZipFile,
                 parts: Mapping[str, bytes] | None = None) -> None:
        self.archive = archive
        self.parts = parts or {}
        self.names = set(archive.namelist())
        self.date1904 = False
        self.sheets: list[tuple[str, str, str]] = []  # (name, state, part)
        self.parsed: set[str] = set()
        """The parts parsed so far."""
        self.long: dict[str, list[str]] = {}
        """Per sheet read by :meth:`cells`: the references of the cells read whose text
        is longer than :data:`MAX_CELL_CHARS` (no spreadsheet writes one)."""
        self.outside: dict[str, tuple[list[str], int]] = {}
        """Per sheet read by :meth:`cells`: the first :data:`MAX_OUTSIDE` references of
        cells holding a value outside the area read, and how many there are."""
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None
        self._read_workbook()

    def _parser(self, part: str) -> expat.XMLParserType:
        """A parser for ``part``, refusing DTDs, entities and external references.

        As defusedxml does.
        """
        # Element names come back as our own string objects, so comparing them with the
        # constants above is an identity check.
        parser = expat.ParserCreate(namespace_separator="}", intern=dict(_INTERNED))
        parser.buffer_text = True
        parser.buffer_size = _CHUNK
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_entity
        parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
        parser.ExternalEntityRefHandler = _refuse_external
        self.parsed.add(part)
        return parser

    def _parse(self, part: str, start: _StartHandler | None, end: _EndHandler | None = None,
               setup: Callable[[expat.XMLParserType], None] | None = None,
               done: Callable[[], None] | None = None, *, sheet: bool = False) -> None:
        """Parse ``part`` with the given callbacks; a callback may raise :class:`_Stop`.

        ``sheet``: ``part`` is a worksheet whose empty styled cells may be skipped.

        ``done`` runs once the parse has ended; what it raises is reported like a parse
        error of ``part``.
        """
        parser = self._parser(part)
        if start is not None:
            parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if setup is not None:
            setup(parser)
        try:
            try:
                data = self.parts.get(part)
                if data is not None:
                    if sheet:
                        data = _without_empty_cells(data)
                    parser.Parse(data, True)
                else:
                    with self.archive.open(part) as handle:
                        while chunk := handle.read(_CHUNK):
                            parser.Parse(chunk, False)
                        parser.Parse(b"", True)
            except _Stop:
                pass
            finally:
                _release(parser)
            if done is not None:
                done()
        except Exception as exc:
            raise XlsxError(part, exc) from None

    def _read_workbook(self) -> None:
        rels: dict[str, str] = {}
        rels_part = "xl/_rels/workbook.xml.rels"

        def relationship(tag: str, attrs: dict[str, str]) -> None:
            if tag == _NS_PKG_REL + "Relationship":
                target = attrs.get("Target", "")
                target = target[1:] if target.startswith("/") else posixpath.normpath(
                    "xl/" + target)
                rels[attrs.get("Id", "")] = target

        def workbook(tag: str, attrs: dict[str, str]) -> None:
            if tag == _NS_MAIN + "sheet":
                part = rels.get(attrs.get(_NS_REL + "id", ""), "")
                self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), part))
            elif tag == _NS_MAIN + "workbookPr":
                self.date1904 = attrs.get("date1904", "0") in ("1", "true")

        if rels_part in self.names:
            self._parse(rels_part, relationship)
        self._parse("xl/workbook.xml", workbook)

    @property
    def strings(self) -> list[str]:
        """The shared strings table."""
        if self._strings is None:
            part = "xl/sharedStrings.xml"
            data = self.parts.get(part)
            strings = None if data is None else self._quick_strings(part, data)
            if strings is None:
                strings = []
                if part in self.names:
                    table = _StringTable(strings)
                    self._parse(part, table.start, table.end, table.attach)
            self._strings = strings
        return self._strings

    @property
    def formats(self) -> list[str]:
        """Number format code of each cell style index."""
        if self._formats is None:
            custom: dict[int, str] = {}
            numbers: list[int] = []
            depth = [0]  # inside cellXfs when > 0

            def start(tag: str, attrs: dict[str, str]) -> None:
                if tag == _NS_MAIN + "numFmt":
                    custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode",
                                                                        "General")
                elif tag == _NS_MAIN + "cellXfs":
                    depth[0] += 1
                elif tag == _NS_MAIN + "xf" and depth[0]:
                    numbers.append(int(attrs.get("numFmtId", "0")))

            def end(tag: str) -> None:
                if tag == _NS_MAIN + "cellXfs":
                    depth[0] -= 1

            if "xl/styles.xml" in self.names:
                self._parse("xl/styles.xml", start, end)
            self._formats = [custom.get(n, _BUILTIN_FORMATS.get(n, "General"))
                             for n in numbers]
        return self._formats

    def sheet_part(self, name: str) -> str | None:
        """The zip member of the sheet called ``name``, or None."""
        for sheet, _, part in self.sheets:
            if sheet == name:
                return part if part in self.names else None
        return None

    def cells(self, name: str, *, max_row: int, max_column: int,
              columns: Collection[str] | None = None) -> dict[str, Cell]:
        """Non-empty cells of sheet ``name`` up to ``max_row`` and ``max_column``.

        Reading stops at the first row past ``max_row``, whatever the file declares.
        ``columns``, when given, restricts the result to those column letters.
        """
        part = self.sheet_part(name)
        if part is None:
            return {}
        data = self.parts.get(part)
        quick = None if data is None else self._quick_cells(part, data, max_row, max_column,
                                                             columns)
        if quick is not None:
            result, outside, count, long = quick
            self.outside[name] = (outside, count)
            self.long[name] = long
            return result
        reader = _SheetReader(self.strings, self.formats, max_row, max_column, columns)
        self._parse(part, reader.start, reader.end, reader.attach, reader.close, sheet=True)
        self.outside[name] = (reader.outside, reader.outside_count[0])
        self.long[name] = reader.long
        return reader.result

    def _well_formed_around(self, part: str, data: bytes, text: str, start: int,
                            end: int) -> bool:
        """Whether ``part`` is well-formed, without a DTD, and has the plain namespaces.

        Plain namespaces: see :class:`_Plain`. ``text`` is ``data`` decoded, and
        ``text[start:end]`` the content of an element that the caller has matched
        against a grammar of the shapes spreadsheets write (element names, nesting and
        attributes fixed, no ``<`` in text, ``&`` only in text). Expat parses the part
        without that content (most of the part: this saves 2.5 ms of the 3.2 ms expat
        takes over LibreOffice's Questionnaire sheet), and :func:`_plain_characters`
        checks the characters and references of the whole part. Together they accept
        what expat accepts over the whole part, or less.

        A part refused here is read by the callbacks, which raise the very error the
        reader reports (same line whichever path ran first).
        """
        if not _plain_characters(data, text):
            return False
        head = len(text[:start].encode())
        tail = len(data) - len(text[end:].encode())
        parser = self._parser(part)
        plain = _Plain()
        plain.attach(parser)
        try:
            parser.Parse(data[:head], False)
            parser.Parse(data[tail:], True)
        except Exception:  # the callbacks will report it
            return False
        finally:
            _release(parser)
        return plain.ok and plain.default

    def _quick_strings(self, part: str, data: bytes) -> list[str] | None:
        """The shared strings read by regular expressions, or None.

        None when the table is not in the plain form LibreOffice and Excel write for
        unformatted text (one ``<t>`` per ``<si>``): it then goes through the callbacks.
        Saves 2.5 ms of the 4 ms the callbacks take over LibreOffice's table of a
        500-question questionnaire (one ``<si>`` per distinct text of the workbook).
        """
        decoded = _decoded(data)
        if decoded is None:
            return None
        text, after = decoded
        opening = _SST_OPEN.search(text)
        if opening is None:
            return None
        start, end = opening.end(), text.rfind("</sst>")
        if (end < start or not _only_tags(text, after, opening.start())
                or not _only_tags(text, end, len(text))
                or _STRING_MARKUP.search(text, 0, opening.start())
                or _STRING_MARKUP.search(text, end)):
            return None
        # One pass: what lies between the items must be nothing at all, which checks
        # the content as a grammar would (half the time of a check, then a search).
        pieces = _SST_ITEM.split(text[start:end])
        if any(pieces[::2]) or not self._well_formed_around(part, data, text, start, end):
            return None
        # Most texts need no decoding: testing for it inline saves two calls per string.
        return [(unescape(_xml_text(raw)) if "&" in raw or "\r" in raw or "_x" in raw
                 else raw) if raw else "" for raw in pieces[1::2]]

    def _quick_cells(self, part: str, data: bytes, max_row: int, max_column: int,
                     columns: Collection[str] | None
                     ) -> tuple[dict[str, Cell], list[str], int, list[str]] | None:
        """What :class:`_SheetReader` would read, by regular expressions, or None.

        None when the sheet is not in the plain form that makes them exact: the
        callbacks then read it. A Python callback per XML element is what reading
        costs (15 ms for the Questionnaire sheet of a 500-question questionnaire saved
        by LibreOffice: ten thousand cells, three in five of them in columns not read,
        or empty). Here one regular expression checks that ``<sheetData>`` holds
        nothing but rows and cells in the plain shapes spreadsheets write,
        :meth:`_well_formed_around` checks the rest, and another regular expression
        picks the cells of the columns read, and those past ``max_column``, that hold
        something: Python sees only those (a quarter of the cells). 7 ms instead of 15.

        The plain form: UTF-8 in which every ``<`` starts a tag (no comment, CDATA
        section, DTD or processing instruction); one default namespace, the
        spreadsheet's, declared on the root and bound to no prefix; no cell markup
        outside ``<sheetData>``; each row and cell states its reference first. From the
        first row past ``max_row``, the callbacks only notice the cells holding something:
        so does the quick path, finding them all, whatever their column.
        Anything else goes through the callbacks, which read every form; the tests
        check that both read the same.
        """
        decoded = _decoded(data)
        if decoded is None:
            return None
        text, after = decoded
        opening = text.find("<sheetData>")
        start = opening + len("<sheetData>")
        end = text.rfind("</sheetData>")  # from the end: the sheet's last part is short
        if (opening < 0 or end < start or not _only_tags(text, after, opening)
                or not _only_tags(text, end, len(text)) or _CELL_MARKUP.search(text, 0, opening)
                or _CELL_MARKUP.search(text, end)):
            return None
        # The rows up to the first past max_row; the rest, rows of any number, which
        # the grammar without that bound must match whole.
        split = _sheet_body(max_row).match(text, start, end)
        past = split is not None and split.end() < end
        if (split is None or (past and not _sheet_body(0).fullmatch(text, split.end(), end))
                or not self._well_formed_around(part, data, text, start, end)):
            return None
        inside = frozenset(column_letter(i) for i in range(1, max_column + 1))
        kept = inside if columns is None else inside & frozenset(columns)
        found = _kept_cells(inside - kept).findall(text, start, split.end())
        noticed = [cell[0] for cell in _kept_cells(frozenset()).findall(
            text, split.end(), end)] if past else []
        strings, formats = self.strings, self.formats  # in the callbacks' order
        try:
            return _quick_result(found, strings, formats, max_row, kept, noticed)
        except Exception as exc:  # as the callbacks' errors (a string index not a number)
            raise XlsxError(part, exc) from None

    def check_well_formed(self, part: str) -> None:
        """Parse ``part`` only to check it is well-formed XML without a DTD.

        Raises:
            XlsxError: it is not.
        """
        self._parse(part, None)

    def custom_properties(self) -> dict[str, str]:
        """The custom document properties (``docProps/custom.xml``): name -> text.

        Excel's ``_xHHHH_`` escapes are decoded, as in cells.

        Empty when the part is absent. A property given twice keeps its first value and
        is listed again under ``name + "#duplicate"``, so a caller comparing values sees
        the disagreement.
        """
        part = "docProps/custom.xml"
        found: dict[str, str] = {}
        if part not in self.names:
            return found
        current: list[str | None] = [None]
        text: list[str] = []
        parser_box: list[expat.XMLParserType] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == _NS_CUSTOM + "property":
                current[0] = attrs.get("name", "")
                text.clear()
            elif current[0] is not None and tag.startswith(_NS_VT):
                parser_box[0].CharacterDataHandler = text.append

        def end(tag: str) -> None:
            parser_box[0].CharacterDataHandler = None
            if tag == _NS_CUSTOM + "property" and current[0] is not None:
                name = current[0]
                # Writers store control characters as Excel's _xHHHH_ escapes here too.
                found[name if name not in found else name + "#duplicate"] = unescape(
                    "".join(text))
                current[0] = None

        self._parse(part, start, end, parser_box.append)
        return found


class _StringTable:
    """Expat callbacks that append the text of each ``<si>`` to ``strings``.

    The text of a string is its ``<t>`` elements, direct or inside rich-text runs; the
    phonetic guides (``<rPh>``) that Japanese versions of Excel add are left out.
    """

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.parts: list[str] = []
        self.parser: expat.XMLParserType | None = None
        self.in_rph = False

    def attach(self, parser: expat.XMLParserType) -> None:
        self.parser = parser

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _T:
            if not self.in_rph:
                assert self.parser is not None
                self.parser.CharacterDataHandler = self.parts.append
        elif tag == _SI:
            self.parts = []
            self.in_rph = False
        elif tag == _RPH:
            self.in_rph = True

    def end(self, tag: str) -> None:
        assert self.parser is not None
        self.parser.CharacterDataHandler = None
        if tag == _SI:
            self.strings.append(unescape("".join(self.parts)))
        elif tag == _RPH:
            self.in_rph = False


class _SheetReader:
    """Expat callbacks that collect the cells of one worksheet.

    Python sees as little of the file as possible: character data is handed over only
    inside the ``<v>``, ``<f>`` and ``<t>`` elements of the cells kept (the handler is
    switched on at their start and off at their end, and is then ``list.append``), and
    end tags only while such text is captured. So the long question texts of the columns
    not asked for cost nothing but expat's own tokenising. The callbacks are closures
    over local variables, which Python reads faster than attributes.

    A cell is finished when the next cell or row starts, or when the sheet ends.
    Cells are collected up to ``max_row``. Past it, and in columns past
    ``max_column``, cells are only noticed: the references of those that hold a value
    (``<v>``, ``<f>`` or an inline string) go to ``outside`` (the first
    :data:`MAX_OUTSIDE`; ``outside_count`` counts them all), so content typed anywhere
    in the sheet is reported, whatever dimension the file declares. Past ``max_row``
    the parser runs with a one-line callback, so the time stays proportional to the
    part's size, which the guard bounds.
    """

    def __init__(self, strings: list[str], formats: list[str], max_row: int, max_column: int,
                 columns: Collection[str] | None) -> None:
        letters = {column_letter(i) for i in range(1, max_column + 1)}
        inside = frozenset(letters)
        kept = frozenset(letters if columns is None else letters & set(columns))
        result: dict[str, Cell] = {}
        self.result = result
        outside: list[str] = []
        outside_count = [0]
        self.outside, self.outside_count = outside, outside_count
        long: list[str] = []  # cells kept whose text is longer than a cell holds
        self.long = long
        values = frozenset((_V, _F, _IS))
        children = frozenset((_V, _F, _IS, _T, _RPH))  # what gives a cell content
        current = ""  # reference of the cell being read (not kept), for ``outside``
        beyond = False  # the current cell lies outside the area read

        def notice(ref: str) -> None:
            outside_count[0] += 1
            if len(outside) < MAX_OUTSIDE:
                outside.append(ref)
        parser: expat.XMLParserType | None = None
        digits = "0123456789"
        row = 0  # the current row
        previous = ""  # column of the last cell, for cells that omit their position
        # A kept cell: ref, column, attributes as expat lists them (name, value, ...).
        started: tuple[str, str, list[str]] | None = None
        # The kept cell once it has content: parts of <v>, <f> and of the inline string
        # (None when absent), and whether inside a phonetic guide.
        value: list[str] | None = None
        formula: list[str] | None = None
        inline: list[str] | None = None
        phonetic = False
        content = False
        styles: dict[str, str] = {}  # number format of each style attribute seen

        def number_format(style: str) -> str:
            index = int(style) if style.isdigit() else -1
            found = formats[index] if 0 <= index < len(formats) else "General"
            styles[style] = found
            return found

        def finish() -> None:
            nonlocal content
            content = False
            assert started is not None
            ref, letters, attrs = started
            number_text = ref[len(letters):]
            if number_text.isdigit() and len(number_text) <= 7 and number_text[0] != "0":
                number = int(number_text)
            else:  # no row, or not written as Excel writes it: "E015" is E15
                number = int(number_text) if number_text.isdigit() and len(
                    number_text) <= 7 else row
                ref = f"{letters}{number}"
            if number > max_row:
                notice(ref)
                return
            if len(attrs) == 6 and attrs[2] == "s" and attrs[4] == "t":  # the usual order
                style, kind = attrs[3], attrs[5]
            else:
                style = _attribute(attrs, "s") or "0"
                kind = _attribute(attrs, "t") or "n"
            fmt = styles.get(style) or number_format(style)
            if kind == "s" and value is not None and formula is None:  # shared, inlined
                index = int("".join(value))
                text = strings[index] if 0 <= index < len(strings) else ""
                result[ref] = _new_tuple(Cell, (ref, number, letters, "string", text, None,
                                                fmt))
                if len(text) > MAX_CELL_CHARS:
                    long.append(ref)
                return
            if kind == "inlineStr" and formula is None:  # the commonest case, inlined
                text = "".join(inline) if inline is not None else ""
                result[ref] = _new_tuple(Cell, (ref, number, letters, "string",
                                                unescape(text) if "_x" in text else text,
                                                None, fmt))
                if len(text) > MAX_CELL_CHARS:
                    long.append(ref)
                return
            found = _make_cell(ref, number, letters, kind, fmt,
                               None if value is None else "".join(value),
                               None if formula is None else "".join(formula),
                               None if inline is None else "".join(inline), strings)
            if found is not None:
                result[ref] = found
                if found.kind == "string" and len(str(found.value)) > MAX_CELL_CHARS:
                    long.append(ref)

        def start(tag: str, attrs: list[str]) -> None:
            nonlocal row, previous, started, value, formula, inline, phonetic, content
            nonlocal current, beyond
            if tag == _C:
                if content:
                    finish()
                # Every spreadsheet writes the reference first; look further otherwise.
                ref = attrs[1] if attrs and attrs[0] == "r" else _attribute(attrs, "r")
                if ref is not None:
                    letters = ref.rstrip(digits)
                else:  # positions may be omitted: next column of the same row
                    letters = column_letter(column_index(previous) + 1)
                    ref = f"{letters}{row}"
                previous = letters
                if letters in kept:
                    started = (ref, letters, attrs)
                else:
                    started = None
                    current, beyond = ref, letters not in inside
                return
            if tag == _ROW:
                if content:
                    finish()
                started = None
                beyond = False
                number = (attrs[1] if attrs and attrs[0] == "r" else _attribute(attrs, "r")
                          ) or ""
                row = int(number) if number.isdigit() and len(number) <= 7 else row + 1
                previous = ""
                if row > max_row:
                    assert parser is not None
                    parser.StartElementHandler = tail
                    parser.EndElementHandler = None
                    parser.CharacterDataHandler = None
                return
            if started is None:
                if beyond and tag in values:
                    beyond = False  # once per cell
                    notice(current)
                return
            if not content:
                if tag not in children:  # not the cell's: an element after the sheet's last
                    return
                content = True
                value = formula = inline = None
                phonetic = False
            parts: list[str]
            if tag == _T:
                if phonetic:
                    return
                if inline is None:
                    inline = []
                parts = inline
            elif tag == _V:
                parts = value = []
            elif tag == _F:
                parts = formula = []
            elif tag == _IS:
                inline = []
                return
            elif tag == _RPH:
                phonetic = True  # phonetic guides come last in a string: no text follows
                return
            else:
                return
            assert parser is not None
            parser.CharacterDataHandler = parts.append
            parser.EndElementHandler = end

        def end(tag: str) -> None:
            assert parser is not None
            parser.CharacterDataHandler = None
            parser.EndElementHandler = None

        def tail(tag: str, attrs: list[str]) -> None:
            """Past ``max_row``: only notice the cells that hold a value."""
            nonlocal current, row, previous
            if tag == _C:
                ref = attrs[1] if attrs and attrs[0] == "r" else _attribute(attrs, "r")
                if ref is None:
                    previous = column_letter(column_index(previous) + 1)
                    ref = f"{previous}{row}"
                else:
                    previous = ref.rstrip(digits)
                current = ref
            elif tag in values:
                if current:
                    notice(current)
                current = ""
            elif tag == _ROW:
                number = (attrs[1] if attrs and attrs[0] == "r" else _attribute(attrs, "r")
                          ) or ""
                row = int(number) if number.isdigit() and len(number) <= 7 else row + 1
                previous = current = ""

        def attach(attached: expat.XMLParserType) -> None:
            nonlocal parser
            parser = attached
            parser.EndElementHandler = None
            parser.ordered_attributes = True  # a list is built faster than a dict

        def close() -> None:
            if content:
                finish()

        self.start, self.end, self.attach, self.close = start, end, attach, close


_new_tuple = tuple.__new__


# ---------------------------------------------------------------------------------------
# The quick path: plain parts read by regular expressions (see XlsxBook._quick_cells).

_MAIN_URI = _NS_MAIN[:-1]
_DECLARATION = re.compile(r"\ufeff?<\?xml\s[^<>]*\?>")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")


class _Plain:
    """Expat callbacks that check a part's namespaces allow reading it by its bytes.

    ``ok``: no prefix is bound to the spreadsheet namespace, and the default namespace
    is declared only on the root element; ``default``: it is the spreadsheet namespace
    there. Then the elements of the spreadsheet namespace are those written without a
    prefix, wherever they are.
    """

    def __init__(self) -> None:
        self.ok = True
        self.default = False
        self.root = False
        self.parser: expat.XMLParserType | None = None

    def attach(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        parser.StartNamespaceDeclHandler = self.declare
        parser.StartElementHandler = self.first

    def declare(self, prefix: str | None, uri: str | None) -> None:
        if prefix is None or uri == _MAIN_URI:
            if self.root or prefix is not None or uri != _MAIN_URI:
                self.ok = False
            else:
                self.default = True

    def first(self, tag: str, attrs: object) -> None:
        self.root = True  # the root's own declarations come before this call
        assert self.parser is not None
        self.parser.StartElementHandler = None


def _release(parser: expat.XMLParserType) -> None:
    """Let go of the callbacks of a parser that is done.

    They refer to the parser (to switch handlers while parsing): left in place, each
    file read left cycles holding its parsers' buffers, freed only by the garbage
    collector, which the command line runs rarely (the reading workers of 20 lots grew
    by 50 MB each).
    """
    parser.StartElementHandler = None
    parser.EndElementHandler = None
    parser.CharacterDataHandler = None
    parser.StartNamespaceDeclHandler = None


def _decoded(data: bytes) -> tuple[str, int] | None:
    """``data`` decoded and where its content starts (after the XML declaration).

    None unless ``data`` is UTF-8.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    declaration = _DECLARATION.match(text)
    if declaration is None:
        return text, 0
    encoding = _ENCODING.search(declaration.group())
    if encoding is not None and encoding.group(1).lower() != "utf-8":
        return None
    return text, declaration.end()


def _only_tags(text: str, start: int, end: int) -> bool:
    """Whether every ``<`` of ``text[start:end]`` starts a tag.

    That is, there is no comment, CDATA section, DTD or processing instruction. Only
    the parts around the content matched by a grammar are searched: the grammar
    allows none (two-character searches take 0.4 ms over a sheet).
    """
    return text.find("<!", start, end) < 0 and text.find("<?", start, end) < 0


_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 13))
# References to characters a part may hold (a subset: others go through expat).
_CHARACTER_REFERENCE = (r"#(?:9|1[03]|3[2-9]|[4-9][0-9]|[1-9][0-9]{2,3}|[1-4][0-9]{4}"
                        r"|5[0-4][0-9]{3}|x(?:9|[aAdD]|[2-9a-fA-F][0-9a-fA-F]"
                        r"|[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-cA-C][0-9a-fA-F]{3}))")
_BAD_REFERENCE = re.compile(rf"&(?!(?:amp|lt|gt|quot|apos|{_CHARACTER_REFERENCE});)")


def _plain_characters(data: bytes, text: str) -> bool:
    """Whether ``data`` (decoded: ``text``) holds only what a well-formed part may.

    Only characters a part may hold, no ``]]>``, and only references to the predefined
    entities or to such characters (expat refuses the rest: no DTD may declare others).
    """
    return (not data.translate(None, _NOT_CONTROL)
            and "\ufffe" not in text and "\uffff" not in text
            and (b"]" not in data or b"]]>" not in data)
            and _BAD_REFERENCE.search(text) is None)


_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _expand(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _ENTITIES[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


_REMEMBERED = 2000
"""Longest text whose references are remembered: 4,096 of them take at most 16 MB."""


@functools.lru_cache(maxsize=4096)
def _with_references(raw: str) -> str:
    """``raw`` with its character references replaced, remembered.

    A spreadsheet that writes accents as references (``&#233;``) repeats the same texts
    in every file of a consultation (the questions, the options): 53,000 references of
    60 files, 556 distinct texts; a callback per reference was an eighth of reading.
    """
    return _REFERENCE.sub(_expand, raw)


def _xml_text(raw: str) -> str:
    """The text expat reports for the character data ``raw`` of a well-formed part."""
    if "\r" in raw:  # line ends are normalised before references are replaced
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        if "&#" in raw:
            return _with_references(raw) if len(raw) <= _REMEMBERED else _REFERENCE.sub(
                _expand, raw)
        # Named references only (LibreOffice writes &apos; in French text): five
        # replacements in C are three times faster than a callback per reference. "&amp;"
        # comes last, so that "&amp;lt;" gives "&lt;".
        raw = raw.replace("&apos;", "'").replace("&quot;", '"').replace("&lt;", "<").replace(
            "&gt;", ">").replace("&amp;", "&")
    return raw


# Shared strings: each <si> holds one <t> (no rich text, no phonetic guide).
_RX_T_OPEN = r'<t(?: xml:space="preserve")?'
_SST_OPEN = re.compile(r"<sst(?:\s[^<>]*)?>")
_STRING_MARKUP = re.compile(r"<(?:si|t|r|rPh|sst)[\s/>]")
_RX_SST_ITEM = rf"<si>(?:{_RX_T_OPEN}>([^<]*+)</t>|{_RX_T_OPEN}/>)?</si>|<si/>"
_SST_ITEM = re.compile(_RX_SST_ITEM)

# Worksheets: <sheetData> holding rows and cells as spreadsheets write them. The
# attributes of rows and formulas are those of the schema, in its order (so none is
# given twice), their values without "<", "&" or ">".
_CELL_MARKUP = re.compile(r"<(?:c|row|v|f|is|t|rPh|sheetData)[\s/>]")
_RX_ATTRIBUTES = '(?: {}="[^"<&>]{{0,100}}")?'.format
_RX_ROW_ATTRIBUTES = "".join(_RX_ATTRIBUTES(name) for name in (
    "spans", "s", "customFormat", "ht", "hidden", "customHeight", "outlineLevel",
    "collapsed", "thickTop", "thickBot", "ph"))
_RX_FORMULA = "<f" + "".join(_RX_ATTRIBUTES(name) for name in (
    "t", "aca", "ref", "dt2D", "dtr", "del1", "del2", "r1", "r2", "ca", "si", "bx")
    ) + "(?:/>|>[^<]*+</f>)"
_RX_VALUE = r"<v>[^<]*+</v>|<v/>"
_RX_INLINE = rf"<is>(?:{_RX_T_OPEN}>([^<]*+)</t>|{_RX_T_OPEN}/>)?</is>|<is/>"
_RX_CELL_START = (r'<c r="(([A-Z]{1,3})([1-9][0-9]{0,6}))"(?: s="([0-9]{1,5})")?'
                  r'(?: t="([A-Za-z]{1,9})")?')


@functools.lru_cache(maxsize=32)
def _sheet_body(max_row: int) -> re.Pattern[str]:
    """The content of ``<sheetData>`` in the plain form, no row past ``max_row`` (0: any)."""
    digits = str(max_row)
    greater = [f"[1-9][0-9]{{{len(digits)},}}"] + [
        f"{digits[:k]}[{int(digits[k]) + 1}-9][0-9]{{{len(digits) - k - 1}}}"
        for k in range(len(digits)) if digits[k] != "9"]
    bound = f'(?!0*(?:{"|".join(greater)})")' if max_row else ""
    cell = re.sub(r"\((?!\?)", "(?:", _RX_CELL_START + (
        f"(?:/>|>(?:{_RX_FORMULA})?(?:{_RX_VALUE})?(?:{_RX_INLINE})?</c>)"))
    # The commonest cells (LibreOffice's empty one with a style and shared string; the
    # inline string of files written in one pass) tried first, in a shorter expression
    # that the general one also matches: a third of the time of this check.
    cell = (r'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}" s="[0-9]{1,5}"(?:/>| t="s"><v>[0-9]{1,9}'
            rf'</v></c>| t="inlineStr"><is>{_RX_T_OPEN}>[^<]*+</t></is></c>)|{cell}')
    return re.compile(f'(?:<row r="{bound}[0-9]{{1,7}}"'
                      f"{_RX_ROW_ATTRIBUTES}(?:/>|>(?:{cell})*+</row>))*+")


@functools.lru_cache(maxsize=32)
def _kept_cells(skipped: frozenset[str]) -> re.Pattern[str]:
    """The cells holding something (a child element) of the columns not ``skipped``.

    Groups: reference, column, row, style, type, ``<f>`` element, ``<v>`` element,
    ``<is>`` element, text of the inline string.
    """
    ahead = "(?!(?:" + "|".join(sorted(skipped)) + ")[0-9])" if skipped else ""
    # Empty cells (their tag ends with "/>", and no attribute value of the plain form
    # holds a ">") are left at once: a fifth of the time of this search.
    ahead += "(?![^>]*/>)"
    return re.compile(_RX_CELL_START.replace('<c r="', '<c r="' + ahead, 1)
                      + f">(?=<[fvi])({_RX_FORMULA})?({_RX_VALUE})?({_RX_INLINE})?</c>")


def _quick_result(found: list[tuple[str, ...]], strings: list[str], formats: list[str],
                  max_row: int, kept: frozenset[str], noticed: Sequence[str] = ()
                  ) -> tuple[dict[str, Cell], list[str], int, list[str]]:
    """The cells of ``found`` (in document order) as :class:`_SheetReader` builds them.

    ``noticed``: the references of the cells holding something from the first row past
    ``max_row`` on, outside the area read whatever they say.

    Returns the cells, the first references outside the area read, their count, and
    the cells whose text is too long.
    """
    result: dict[str, Cell] = {}
    outside: list[str] = []
    count = 0
    long: list[str] = []
    styles: dict[str, str] = {}
    known = len(strings)
    new, cell_type, most = _new_tuple, Cell, MAX_CELL_CHARS  # locals: faster in the loop
    for ref, letters, digits, style, kind, formula, value, inline, inline_text in found:
        number = int(digits)
        if number > max_row or letters not in kept:  # past max_row or max_column
            count += 1
            if len(outside) < MAX_OUTSIDE:
                outside.append(ref)
            continue
        fmt = styles.get(style)
        if fmt is None:
            index = int(style or "0")
            fmt = styles[style] = formats[index] if index < len(formats) else "General"
        if kind == "s" and value and not formula:  # the commonest case, inlined
            try:  # int() reads "\r" as the "\n" expat reports, and fails on "&"
                index = int(value[3:-4])
            except ValueError:
                index = int(_xml_text(value[3:-4]))
            text = strings[index] if 0 <= index < known else ""
            result[ref] = new(cell_type, (ref, number, letters, "string", text, None, fmt))
            if len(text) > most:
                long.append(ref)
            continue
        formula_text = None if not formula else "" if formula[-2] == "/" else _xml_text(
            formula[formula.index(">") + 1:-4])
        if kind == "inlineStr" and not formula:
            text = _xml_text(inline_text) if inline else ""
            result[ref] = new(cell_type, (ref, number, letters, "string",
                                          unescape(text) if "_x" in text else text, None,
                                          fmt))
            if len(text) > most:
                long.append(ref)
            continue
        cell = _make_cell(ref, number, letters, kind or "n", fmt,
                          None if not value else _xml_text(value[3:-4]),
                          formula_text, _xml_text(inline_text) if inline else None, strings)
        if cell is not None:
            result[ref] = cell
            if cell.kind == "string" and len(str(cell.value)) > MAX_CELL_CHARS:
                long.append(ref)
    count += len(noticed)
    outside += noticed[:max(0, MAX_OUTSIDE - len(outside))]
    return result, outside, count, long


def _attribute(attrs: list[str], name: str) -> str | None:
    """The value of attribute ``name`` in expat's ordered list, or None."""
    for index in range(0, len(attrs) - 1, 2):
        if attrs[index] == name:
            return attrs[index + 1]
    return None


_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}" s="[0-9]{1,5}"/>')


def _without_empty_cells(data: bytes) -> bytes:
    """A worksheet part without its empty cells that only carry a style.

    LibreOffice writes such an element for every formatted cell left blank (four cells
    in ten of a returned questionnaire); each would cost a Python callback and holds
    nothing to read. Only done when every cell states its reference (a cell without
    one takes the column after the previous cell's) and the part has no CDATA section
    or comment, where the same characters would be text, not a cell.
    """
    if b"<![CDATA[" in data or b"<!--" in data or data.count(b"<c ") != data.count(b'<c r="'):
        return data
    return _EMPTY_CELL.sub(b"", data)


def _make_cell(ref: str, row: int, column: str, kind_attr: str, number_format: str,
               raw: str | None, formula: str | None, inline: str | None,
               strings: list[str]) -> Cell | None:
    """The cell from its parsed parts, or None when it holds nothing."""
    value: str | float | bool
    kind: CellKind
    if kind_attr == "inlineStr":
        value, kind = unescape(inline or ""), "string"
    elif kind_attr == "s":
        if raw is None:
            return None
        index = int(raw)
        value, kind = (strings[index] if 0 <= index < len(strings) else ""), "string"
    elif kind_attr == "n":
        if raw is None or not raw.strip():
            if formula is None:
                return None
            value, kind = "", "string"
        else:
            try:
                value, kind = float(raw), "number"
            except ValueError:
                value, kind = raw, "string"
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
    else:  # an unknown type: read the value as a number if it is one, as Excel would
        return _make_cell(ref, row, column, "n", number_format, raw, formula, inline, strings)
    # tuple.__new__ skips the Python-level __new__ that NamedTuple generates.
    return _new_tuple(Cell, (ref, row, column, kind, value, formula, number_format))
