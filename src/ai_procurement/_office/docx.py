"""Word documents filled into a designed template.

The template (a ``.docx`` shipped as package data) holds everything that is design:
styles, A4 page set-up, the footer with its page-number fields, fields updated when the
document is opened. :class:`WordDocument` only adds content: headings, paragraphs of
runs, bullets, tables, pictures, page breaks and a table of contents.

The package (template, styles, parts, pictures, core properties, footer, saving) is
python-docx's, through its public API. The body's paragraphs and tables are not made
with its proxies: measured on a memo of 30 offers and 150 questions (2 000 paragraphs,
26 000 table cells), a styled paragraph costs about 1 ms (python-docx resolves the
style by scanning every style of the document) and a table cell about 85 µs (its run
text setter walks the text one character at a time): over 4 s for the memo, against a
budget of about 1 s. Nor are they lxml elements: as elements, the tables took eleven
times the memory of their XML (58 MB for the 5.4 MB annex of 30 offers) and most of the
memo's time, and a paragraph's copy, filling and serialisation cost twenty times its
text (1.2 s against 0.4 s for the 80 000 paragraphs of the memos of 20 lots).

Paragraphs and tables are written as XML text, exactly as lxml would serialize the same
elements (texts escaped as lxml escapes them; a property test has python-docx read the
document back and save it to the same bytes). A processing instruction holds the place
in the body of each run of them, which :meth:`WordDocument.save` replaces. What is made
as elements (a table of contents' fields, pictures, charts: a few per document) is
built on elements made by python-docx's public ``docx.oxml.parse_xml`` and goes into the
body reached through the public ``Document.element``. No private attribute of a
python-docx object is read or written.

Same content, same bytes: :meth:`WordDocument.save` fixes the core properties' dates
and zips the package's parts (python-docx's public ``Package.parts``) itself, with a
fixed timestamp on every member (python-docx's own save stamps each member with the
current time).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ai_procurement._office import markup
from ai_procurement._office.chart import BarChart, chart_space, chart_workbook, link_workbook
from ai_procurement._office.files import zip_members
from ai_procurement.errors import OutputError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["STYLES", "Part", "WordDocument"]

Part = str | tuple[str, str]
"""A run of a paragraph: plain text, or ``(kind, text)`` where ``kind`` holds ``"b"``
(bold) and/or ``"i"`` (italic)."""

STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "Caption", "Small",
          "Table Text", "Note Head", "Note", "TOC 1", "Table Grid")
"""The styles a template must define, by the names Word shows."""

_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_NS_W}}}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TWIPS_PER_CM = 1440 / 2.54
_EMU_PER_CM = 360000
_HEADER_FILL = "DCE6F1"
_JC = {"l": "left", "r": "right", "c": "center", "j": "both"}
# Characters XML 1.0 cannot hold. Vendor text is cleaned before it gets here; this is
# the last guard, so a stray one never breaks a document.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("(\t|\r\n|\r|\n)")
_BREAK_CHARS = re.compile("[\t\r\n]")
# What a table's text may hold that is not written as is: a character XML cannot hold,
# a tab or line end (an element), or one to escape.
_SPECIAL = re.compile("[\x00-\x1f&<>\ud800-\udfff\ufffe\uffff]")
_PLACEHOLDER = "ai-procurement-xml"
_WRITTEN_AS_TEXT = re.compile(rb"<\?ai-procurement-xml ([0-9]+)\?>")

# An element as data: its tag (without prefix), its attributes, its children.
_Spec = tuple[str, dict[str, str], list["_Spec"]]


def _safe(text: str) -> str:
    return _XML_UNSAFE.sub("\ufffd", text) if _XML_UNSAFE.search(text) else text


_TEMPLATES: dict[bytes, DocxDocument] = {}
"""Templates already parsed, by their bytes (the French and English ones, a buyer's)."""
_MAX_TEMPLATES = 8


class WordDocument:
    """A document made from a template, filled with content in reading order.

    Args:
        template: the bytes of a ``.docx`` defining the styles in :data:`STYLES` and a
            footer whose first paragraph starts with an empty run (the footer's text).

    Raises:
        OutputError: the template lacks a style or a footer.
    """

    def __init__(self, template: bytes) -> None:
        parsed = _TEMPLATES.get(template)
        if parsed is None:
            import docx

            parsed = docx.Document(io.BytesIO(template))
            if len(_TEMPLATES) >= _MAX_TEMPLATES:
                _TEMPLATES.clear()
            _TEMPLATES[template] = parsed
        # A deep copy of the parsed template is a quarter of the cost of parsing it
        # again, which every letter of a campaign would pay; the parsed one never changes.
        self.document: DocxDocument = copy.deepcopy(parsed)
        styles = self.document.styles
        try:
            self._ids = {name: str(styles[name].style_id) for name in STYLES}
        except KeyError as exc:
            raise OutputError(f"the Word template has no style {exc}") from None
        body = self.document.element.body
        if len(body) != 1 or body[0].tag != f"{_W}sectPr":
            raise OutputError("the Word template's body must hold only its section properties")
        self._end = body[0]  # content goes before the section properties
        self._protos: dict[object, Any] = {}
        # The body's paragraphs and tables written as XML text (see _flush): those not
        # placed yet, the runs of them placed (each where a placeholder stands), and the
        # last table, which shade() may colour until the next one, with its slot.
        # Held encoded: a long table's text, once a str, may take two bytes a character.
        self._pending: list[bytes] = []
        self._written: list[list[bytes]] = []
        self._last_table: _Table | None = None
        self._table_slot: tuple[list[bytes], int] = ([], 0)
        self._openings: dict[tuple[str, str | None, bool], str] = {}
        self._bookmarks = 0
        self._charts = 0
        # Read once: finding the sections searches the whole body.
        section = self.document.sections[0]
        self._text_width_cm = float((section.page_width or 0) - (section.left_margin or 0)
                                    - (section.right_margin or 0)) / _EMU_PER_CM

    # -- properties and page -------------------------------------------------------------

    def properties(self, *, title: str, subject: str, author: str, language: str,
                   date: dt.date) -> None:
        """The core properties; ``date`` is the creation, modification and print date."""
        props = self.document.core_properties
        props.title, props.subject, props.author = (
            _safe(title)[:255], _safe(subject)[:255], _safe(author)[:255])
        props.last_modified_by = "ai_procurement"
        props.language = language
        props.revision = 1
        moment = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
        props.created = props.modified = props.last_printed = moment

    def vertical_margins(self, cm: float) -> None:
        """Top and bottom page margins (a letter fits more on its page than a report)."""
        from docx.shared import Cm

        for section in self.document.sections:
            section.top_margin = section.bottom_margin = Cm(cm)

    def footer(self, text: str) -> None:
        """The footer's text, before the template's page number ("– page 1 / 3")."""
        paragraphs = self.document.sections[0].footer.paragraphs
        runs = paragraphs[0].runs if paragraphs else []
        if not runs:
            raise OutputError("the Word template's footer has no run for its text")
        runs[0].text = _safe(text)

    def header(self, text: str) -> None:
        """A header line, bold and red, on every page of every section (a draft's mark)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import RGBColor

        for section in self.document.sections:
            headers = [section.header]
            if section.different_first_page_header_footer:
                headers.append(section.first_page_header)
            for header in headers:
                header.is_linked_to_previous = False
                paragraph = (header.paragraphs[0] if header.paragraphs
                             else header.add_paragraph())
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(_safe(text))
                run.bold = True
                run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    @property
    def text_width_cm(self) -> float:
        """The width between the margins, in centimetres."""
        return self._text_width_cm

    # -- paragraphs -------------------------------------------------------------------------

    def heading(self, text: str, level: int, *, anchor: str = "") -> None:
        """A heading of ``level`` 1 or 2, or the document's title (``level`` 0).

        ``anchor`` names a bookmark on the heading, for :meth:`contents` to point to.
        """
        style = "Title" if level == 0 else f"Heading {level}"
        if not anchor:
            self.paragraph(text, style=style)
            return
        self._bookmarks += 1
        number = str(self._bookmarks)
        runs = _runs_xml((text,))
        # A heading's style is never Normal: its properties come first, then the bookmark.
        self._pending.append((
            f'{self._opening(style, None, False)}<w:bookmarkStart w:id="{number}" '
            f'w:name="{markup.attribute(anchor)}"/>{runs}<w:bookmarkEnd w:id="{number}"/>'
            "</w:p>").encode())

    def paragraph(self, *parts: Part, style: str = "Normal", align: str | None = None,
                  keep_with_next: bool = False) -> None:
        """A paragraph of runs in ``style`` (a name in :data:`STYLES`).

        ``align`` is ``l``, ``r``, ``c`` or ``j`` (justified); ``keep_with_next`` keeps
        the paragraph on the page of the next paragraph or table.
        """
        opening = self._opening(style, align, keep_with_next)
        runs = _runs_xml(parts)
        self._pending.append(f"{opening}{runs}</w:p>".encode() if runs or opening != "<w:p>"
                             else b"<w:p/>")

    def _opening(self, style: str, align: str | None, keep: bool) -> str:
        """A paragraph's opening tag and properties, as lxml writes them."""
        key = (style, align, keep)
        opening = self._openings.get(key)
        if opening is None:
            props = ((f'<w:pStyle w:val="{markup.attribute(self._ids[style])}"/>'
                      if style != "Normal" else "")
                     + ("<w:keepNext/>" if keep else "")
                     + (f'<w:jc w:val="{_JC[align]}"/>' if align else ""))
            opening = self._openings[key] = (f"<w:p><w:pPr>{props}</w:pPr>" if props
                                             else "<w:p>")
        return opening

    def label(self, text: str) -> None:
        """A bold line kept on the page of what follows (a table's or a list's title)."""
        self.paragraph(("b", text), style="Note Head", keep_with_next=True)

    def gap(self) -> None:
        """A small vertical space."""
        self.paragraph(style="Small")

    def bullets(self, items: Iterable[str | Sequence[Part]]) -> None:
        """One bulleted paragraph per item (a text, or a sequence of runs)."""
        for item in items:
            parts = (item,) if isinstance(item, str) else tuple(item)
            self.paragraph(*parts, style="List Bullet")

    def page_break(self) -> None:
        """Start a new page."""
        self._pending.append(b'<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def contents(self, entries: Sequence[tuple[str, str]]) -> None:
        """A table of contents: each entry's text, a link to its heading, its page.

        ``entries`` are ``(text, anchor)`` pairs, ``anchor`` naming a heading's bookmark
        (see :meth:`heading`). The page numbers are PAGEREF fields, which Word computes
        when it opens the document (the template asks it to update fields) and
        LibreOffice when it lays the document out: the contents show their page numbers
        in both, and in a PDF made by either. (The entries of a Word TOC field would
        stay as last saved in LibreOffice, without page numbers.)
        """
        self._flush()
        for text, anchor in entries:
            p = self._paragraph("TOC 1", None, False)
            link = _build(p, ("hyperlink", {"anchor": anchor, "history": "1"}, []))
            self._run(link, text)
            p.append(link)
            self._run(p, "\t")
            field: tuple[_Spec, ...] = (_field_char("begin", dirty=True),
                                        ("r", {}, [("instrText", {}, [])]),
                                        _field_char("separate"))
            for spec in field:
                p.append(_build(p, spec))
            code = p[-2][0]
            code.text = f" PAGEREF {anchor} \\h "
            code.set(_SPACE, "preserve")
            self._run(p, "–")  # shown until the page number is computed
            p.append(_build(p, _field_char("end")))
            self._end.addprevious(p)

    # -- pictures ---------------------------------------------------------------------------

    def picture(self, png: bytes, caption: str, width_cm: float | None = None) -> None:
        """A PNG picture, centred, kept on the page of its caption below.

        ``width_cm`` is the picture's width; None is the text width.
        """
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        self._flush()
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(png),
                                        width=Cm(width_cm or self.text_width_cm))
        self.paragraph(caption, style="Caption", align="c")

    def chart(self, chart: BarChart, caption: str, height_cm: float,
              width_cm: float | None = None) -> None:
        """A native chart, centred, kept on the page of its caption below.

        Word and LibreOffice draw it from the values cached in its part; its data is a
        workbook embedded beside it, which Word opens to edit the chart (see
        :mod:`ai_procurement._office.chart`). ``width_cm`` None is the text width.
        """
        from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part as PackagePart, XmlPart

        self._charts += 1
        number = self._charts
        document = self.document.part
        book = PackagePart(PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"),
                           CONTENT_TYPE.SML_SHEET, chart_workbook(chart), document.package)
        space = chart_space(chart)
        part = XmlPart(PackURI(f"/word/charts/chart{number}.xml"), CONTENT_TYPE.DML_CHART,
                       space, document.package)
        link_workbook(space, part.relate_to(book, RELATIONSHIP_TYPE.PACKAGE))
        reference = document.relate_to(part, RELATIONSHIP_TYPE.CHART)
        width = round((width_cm or self.text_width_cm) * _EMU_PER_CM)
        p = self._paragraph("Normal", "c", True)
        run = _build(p, ("r", {}, [("drawing", {}, [])]))
        run[0].append(_inline(run, width, round(height_cm * _EMU_PER_CM), document.next_id,
                              _safe(caption), reference))
        p.append(run)
        self._flush()
        self._end.addprevious(p)
        self.paragraph(caption, style="Caption", align="c")

    # -- tables -----------------------------------------------------------------------------

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]],
              widths: Sequence[float], *, align: str = "", bold_rows: Iterable[int] = (),
              header: bool = True, bold_first_column: bool = False,
              row_height: float | None = None, keep_together: bool = False) -> None:
        """A grid table with fixed column widths (cm), fitted to the text width.

        Args:
            headers: the header row, repeated on each page.
            rows: the cell texts, row by row; newlines and tabs are kept.
            widths: each column's width in centimetres, scaled down to the text width;
                a column too narrow for a word of its header is widened.
            align: one letter per column: ``l``eft, ``r``ight or ``c``entre.
            bold_rows: indexes of rows (in ``rows``) written in bold.
            header: show the header row (False for a key-value table).
            bold_first_column: the first column in bold.
            row_height: the least height of a body row, in centimetres.
            keep_together: keep the whole table on one page, with the paragraph before
                it when that one keeps with its next (a signature block).
        """
        if len(widths) != len(headers):
            raise ValueError("a table needs one width per column")
        fitted = _fit_headers(headers if header else [""] * len(widths), widths,
                              self.text_width_cm)
        twips = [str(round(w * _TWIPS_PER_CM)) for w in fitted]
        jc = [_JC.get(a, "left") for a in align.ljust(len(headers), "l")]
        height = str(round(row_height * _TWIPS_PER_CM)) if row_height else ""
        all_rows = [list(headers)] if header else []
        all_rows += [list(r) for r in rows]
        columns = len(twips)
        if any(len(values) != columns for values in all_rows):
            raise ValueError("a table row needs one text per column")
        # Its place among the paragraphs, its XML written when it is done (_put_aside).
        self._put_aside()
        self._pending.append(b"")
        self._table_slot = (self._pending, len(self._pending) - 1)
        self._last_table = _Table(all_rows, twips, jc, header, frozenset(bold_rows),
                                  bold_first_column, height, keep_together)
        self.gap()

    def _put_aside(self) -> None:
        """Write the last table's XML into its slot, once it is done.

        A table is written when the next one begins, or when the document is saved
        (:meth:`shade` may colour it until then).
        """
        if self._last_table is not None:
            rows, index = self._table_slot
            rows[index] = self._table_xml(self._last_table)
            self._last_table = None

    def _flush(self) -> None:
        """Place the paragraphs and tables written as text so far, before an element.

        Most of the body is written as XML text, exactly as lxml would write the same
        elements (a paragraph costs a twentieth of its element's copy and serialisation);
        a processing instruction holds its place in the body, which :meth:`save`
        replaces. Content made as elements (contents, pictures, charts) comes after.
        """
        if self._pending:
            from lxml import etree

            self._end.addprevious(etree.ProcessingInstruction(_PLACEHOLDER,
                                                              str(len(self._written))))
            self._written.append(self._pending)
            self._pending = []

    def shade(self, fills: Sequence[Sequence[str | None]], *, heading: bool = False) -> None:
        """Fill the cells of the table just added: a colour (``RRGGBB``) or None each.

        Args:
            fills: one sequence per row (its header row left out), one entry per cell.
            heading: the table was made without header and its first row is its heading
                (so that its columns keep their given widths): that row gets the header
                fill, is repeated on each page, and its texts but the first are written
                from bottom to top (narrow columns under longer headings, a heat map's).
        """
        table = self._last_table
        if table is None:
            raise ValueError("shade colours the table just added: there is none")
        heading = heading or table.heading  # a heading, once made, stays one
        body = len(table.rows) - (1 if table.header else 0) - (1 if heading else 0)
        if len(fills) != body:
            raise ValueError("shade needs one row of fills per body row of the table")
        columns = len(table.twips)
        for colours in fills:
            if len(colours) != columns:
                raise ValueError("shade needs one fill per cell of a row")
            for colour in colours:
                if colour is not None and not re.fullmatch("[0-9A-Fa-f]{6}", colour):
                    raise ValueError(f"a cell fill is a colour RRGGBB, got {colour!r}")
        table.fills = [[None if c is None else c.upper() for c in colours]
                       for colours in fills]
        table.heading = heading

    def key_values(self, rows: Iterable[tuple[str, str]],
                   widths: tuple[float, float] = (5.0, 12.0)) -> None:
        """A two-column table without header: a label in bold, then its value."""
        self.table(("", ""), [list(r) for r in rows], widths, header=False,
                   bold_first_column=True)

    # -- elements ---------------------------------------------------------------------------

    def _clone(self, key: tuple[object, ...], spec: Any) -> Any:
        """A copy of the element ``spec()`` builds, built once per ``key``."""
        proto = self._protos.get(key)
        if proto is None:
            proto = self._protos[key] = _build(self._end, spec())
        return proto.__copy__()  # an lxml element's copy is a deep copy

    def _paragraph(self, style: str, align: str | None, keep: bool) -> Any:
        def spec() -> _Spec:
            props: list[_Spec] = []
            if style != "Normal":
                props.append(("pStyle", {"val": self._ids[style]}, []))
            if keep:
                props.append(("keepNext", {}, []))
            if align:
                props.append(("jc", {"val": _JC[align]}, []))
            return ("p", {}, [("pPr", {}, props)] if props else [])

        return self._clone(("p", style, align, keep), spec)

    def _table_xml(self, table: _Table) -> bytes:
        """The XML of ``table``, byte for byte what lxml writes for its elements.

        Each row has its properties (kept whole when short, repeated when a header, at
        least ``row_height``), then per cell its width (and fill) and a "Table Text"
        paragraph (kept with the next row, aligned) holding one run, bold or not, whose
        text has its tabs and line breaks as elements; an empty cell has no run. Texts
        are escaped as lxml escapes them, characters XML cannot hold replaced.
        """
        style = markup.attribute(self._ids["Table Text"])
        twips = table.twips
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="', markup.attribute(self._ids["Table Grid"]),
               f'"/><w:tblW w:w="{sum(map(int, twips))}" w:type="dxa"/><w:tblLayout '
               'w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
               'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
               '<w:tblGrid>', *(f'<w:gridCol w:w="{w}"/>' for w in twips), '</w:tblGrid>']
        rows = table.rows
        last = len(rows) - 1
        fills = iter(table.fills or ())
        first_body = 1 if table.header else 0
        # The opening of each kind of cell (column, header, kept), worked out once.
        cells: dict[tuple[int, bool, bool], tuple[str, str]] = {}
        # The whole opening of each cell of a plain body row (kept or not), up to its run.
        plain: dict[bool, list[str]] = {}
        # The opening of a plain body row, kept whole or not.
        row_openings: dict[bool, str] = {}
        height_props = (f'<w:trHeight w:val="{table.height}" w:hRule="atLeast"/>'
                        if table.height else "")
        first_bold = table.bold_first_column
        for index, values in enumerate(rows):
            is_header = table.header and index == 0
            strong = is_header or (index - first_body) in table.bold
            whole = is_header or table.keep_together or sum(map(len, values)) < 400
            keep = table.keep_together and index < last
            heading = table.heading and index == first_body
            # One search a row: most hold no character to replace, escape or break.
            special = _SPECIAL.search("".join(values)) is not None
            colours = (next(fills) if table.fills is not None and not heading
                       and not is_header else None)
            if not (is_header or heading) and colours is None:
                # The commonest row, most of a long table's: no fill; each cell is one
                # string, its text as it is unless it holds a character to replace,
                # escape or break.
                opening = row_openings.get(whole)
                if opening is None:
                    row_props = ("<w:cantSplit/>" if whole else "") + height_props
                    opening = row_openings[whole] = (
                        f"<w:tr><w:trPr>{row_props}</w:trPr>" if row_props else "<w:tr>")
                out.append(opening)
                openings = plain.get(keep)
                if openings is None:
                    openings = plain[keep] = [
                        "</w:tcPr>".join(self._cell_opening(cells, table, column, False,
                                                            keep, style))
                        for column in range(len(values))]
                for column, text in enumerate(values):
                    if not text:
                        out.append(f"{openings[column]}</w:p></w:tc>")
                        continue
                    run = _BOLD_RUN if strong or (first_bold and column == 0) else "<w:r>"
                    content = (_run_texts(_safe(text)) if special and _SPECIAL.search(text)
                               else _t(text))
                    out.append(f"{openings[column]}{run}{content}</w:r></w:p></w:tc>")
                out.append("</w:tr>")
                continue
            props = ["<w:cantSplit/>" if whole else "",
                     "<w:tblHeader/>" if is_header else "",
                     height_props if not is_header else ""]
            texts = [_safe(value) for value in values] if special else values
            if heading:
                # Turned texts do not grow the row: it is as high as the longest (bold
                # 8.5 pt, about 0.22 cm a character), plus the cell's margins.
                longest = max((len(_BREAK_CHARS.sub("", t)) for t in texts), default=0)
                turned = round((longest * 0.22 + 0.3) * _TWIPS_PER_CM)
                props.append(f'<w:trHeight w:val="{turned}" w:hRule="atLeast"/>'
                             "<w:tblHeader/>")
            joined = "".join(props)
            out.append(f"<w:tr><w:trPr>{joined}</w:trPr>" if joined else "<w:tr>")
            for column, text in enumerate(texts):
                width, paragraph = self._cell_opening(cells, table, column, is_header, keep,
                                                      style)
                extra = ""
                if is_header or heading:
                    extra = f'<w:shd w:val="clear" w:color="auto" w:fill="{_HEADER_FILL}"/>'
                    if heading:
                        extra += (('<w:textDirection w:val="btLr"/>' if column else "")
                                  + '<w:vAlign w:val="bottom"/>')
                elif colours is not None and colours[column] is not None:
                    extra = f'<w:shd w:val="clear" w:color="auto" w:fill="{colours[column]}"/>'
                run = _run_xml(text, strong or (first_bold and column == 0), special)
                out.append(f"{width}{extra}</w:tcPr>{paragraph}{run}</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out).encode()

    @staticmethod
    def _cell_opening(cells: dict[tuple[int, bool, bool], tuple[str, str]], table: _Table,
                      column: int, is_header: bool, keep: bool, style: str
                      ) -> tuple[str, str]:
        """A cell's opening up to its fill, and its paragraph's, kept in ``cells``."""
        kind = (column, is_header, keep)
        opening = cells.get(kind)
        if opening is None:
            jc = table.jc[column]
            opening = cells[kind] = (
                f'<w:tc><w:tcPr><w:tcW w:w="{table.twips[column]}" w:type="dxa"/>',
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/>'
                + ("<w:keepNext/>" if keep else "")
                + (f'<w:jc w:val="{jc}"/>' if jc != "left" else "")
                + "</w:pPr>")
        return opening

    def _run_proto(self, bold: bool, italic: bool, plain: bool) -> Any:
        """A run: its properties, and an empty text when ``plain`` (no tab nor break)."""
        key = ("r", bold, italic, plain)
        proto = self._protos.get(key)
        if proto is None:
            props: list[_Spec] = [(tag, {}, []) for tag, on in (("b", bold), ("i", italic))
                                  if on]
            proto = self._protos[key] = _build(self._end, (
                "r", {}, ([("rPr", {}, props)] if props else [])
                + ([("t", {}, [])] if plain else [])))
        return proto.__copy__()

    def _run(self, paragraph: Any, text: str, *, bold: bool = False,
             italic: bool = False) -> None:
        """A run holding ``text`` appended to ``paragraph``: tabs and breaks as elements."""
        text = _safe(text)
        plain = _BREAK_CHARS.search(text) is None
        r = self._run_proto(bold, italic, plain)
        if plain:
            t = r[-1]
            t.text = text
            if text and (text[0].isspace() or text[-1].isspace()):
                t.set(_SPACE, "preserve")
        else:
            self._pieces(r, text)
        paragraph.append(r)

    def _pieces(self, r: Any, text: str) -> None:
        """``text`` appended to the run ``r``: its tabs and line breaks as elements."""
        for piece in _BREAKS.split(text):
            if piece == "\t":
                r.append(self._clone(("tab",), lambda: ("tab", {}, [])))
            elif piece in ("\n", "\r", "\r\n"):
                r.append(self._clone(("br",), lambda: ("br", {}, [])))
            elif piece:
                t = self._clone(("t",), lambda: ("t", {}, []))
                t.text = piece
                if piece != piece.strip():
                    t.set(_SPACE, "preserve")
                r.append(t)

    # -- saving -----------------------------------------------------------------------------

    def save(self, date: dt.date) -> bytes:
        """The ``.docx`` bytes, every zip member dated ``date`` (same content, same bytes)."""
        # The package is zipped once, its parts taken from python-docx as its own save
        # does: saving through python-docx then rewriting the zip with fixed dates
        # compressed every part twice (0.8 s more for the two memos of 300 offers).
        package = self.document.part.package
        parts = package.parts
        for part in parts:
            part.before_marshal()
        members = [("[Content_Types].xml", _content_types(parts)),
                   ("_rels/.rels", _utf8(package.rels.xml))]
        self._flush()
        texts = self._written
        if self._last_table is not None:  # still open to shade(): left as it is
            rows, index = self._table_slot
            last = list(rows)
            last[index] = self._table_xml(self._last_table)
            texts = [last if written is rows else written for written in texts]
        xml = [b"".join(written) for written in texts]
        body = self.document.part
        for part in parts:
            blob = part.blob
            if part is body and xml:
                blob = _WRITTEN_AS_TEXT.sub(lambda found: xml[int(found[1])], blob)
            members.append((part.partname.membername, blob))
            if len(part.rels):
                members.append((part.partname.rels_uri.membername, _utf8(part.rels.xml)))
        return zip_members(members, date)


def _fit_headers(headers: Sequence[str], widths: Sequence[float],
                 available: float) -> list[float]:
    """Column widths scaled to ``available`` cm, each wide enough for its header's words.

    A header word never breaks in two ("Questio/n"): a column too narrow for its longest
    header word takes the width it needs from the columns with room to spare.
    """
    scale = min(1.0, available / sum(widths))
    fitted = [w * scale for w in widths]
    # Bold 8.5 pt in a wide sans-serif face (LibreOffice's fallback for Arial): about
    # 0.2 cm a character, plus the cell's margins.
    needed = [max((len(word) for word in h.split()), default=0) * 0.2 + 0.45 if h else 0.0
              for h in headers]
    for index, need in enumerate(needed):
        missing = need - fitted[index]
        if missing <= 0:
            continue
        fitted[index] = need
        for other in sorted(range(len(fitted)), key=lambda i: needed[i] - fitted[i]):
            if other == index or missing <= 0:
                continue
            taken = min(max(0.0, fitted[other] - needed[other]), missing)
            fitted[other] -= taken
            missing -= taken
    return fitted


@attrs.define
class _Table:
    """A table added, its XML still to write (see WordDocument._put_aside)."""

    rows: list[list[str]]
    twips: list[str]
    jc: list[str]
    header: bool
    bold: frozenset[int]
    bold_first_column: bool
    height: str
    keep_together: bool
    fills: list[list[str | None]] | None = None
    heading: bool = False


_RUN_OPENINGS = {(False, False): "<w:r>", (True, False): "<w:r><w:rPr><w:b/></w:rPr>",
                 (False, True): "<w:r><w:rPr><w:i/></w:rPr>",
                 (True, True): "<w:r><w:rPr><w:b/><w:i/></w:rPr>"}
"""A run's opening, by bold and italic."""
_BOLD_RUN = _RUN_OPENINGS[True, False]


def _run_xml(text: str, bold: bool, special: bool) -> str:
    """A table cell's run holding ``text``, bold or not; none when it is empty.

    ``special``: the text may hold a tab, a line end or a character to escape.
    """
    if not text:
        return ""
    opening = _BOLD_RUN if bold else "<w:r>"
    return f"{opening}{_run_texts(text) if special else _t(text)}</w:r>"


def _runs_xml(parts: Iterable[Part]) -> str:
    """The runs of a paragraph's parts (empty texts left out), texts made safe for XML."""
    runs = []
    for part in parts:
        kind, text = part if isinstance(part, tuple) else ("", part)
        if text:
            runs.append(f'{_RUN_OPENINGS["b" in kind, "i" in kind]}{_run_texts(_safe(text))}'
                        "</w:r>")
    return "".join(runs)


def _t(escaped: str) -> str:
    """A text element holding ``escaped`` (not empty), its spaces kept at either end."""
    if escaped[0].isspace() or escaped[-1].isspace():
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def _run_texts(text: str) -> str:
    """The content of a run holding ``text`` (safe for XML): texts, tabs and breaks."""
    if _BREAK_CHARS.search(text) is None:
        return _t(markup.text(text))
    pieces = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece in ("\n", "\r", "\r\n"):
            pieces.append("<w:br/>")
        elif piece:
            pieces.append(_run_texts(piece))
    return "".join(pieces)


def _build(near: Any, spec: _Spec) -> Any:
    """The element ``spec`` describes, made by the tree of ``near`` (not attached)."""
    tag, attributes, children = spec
    element = near.makeelement(f"{_W}{tag}", {f"{_W}{k}": v for k, v in attributes.items()})
    for child in children:
        element.append(_build(near, child))
    return element


def _field_char(kind: str, *, dirty: bool = False) -> _Spec:
    """A run holding a field character: ``begin``, ``separate`` or ``end``.

    Word recomputes a ``dirty`` field when it opens the document.
    """
    attributes = {"fldCharType": kind} | ({"dirty": "true"} if dirty else {})
    return ("r", {}, [("fldChar", attributes, [])])


_NS_DRAWING = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
               "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
               "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
               "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _inline(near: Any, width: int, height: int, shape_id: int, description: str,
            chart_rid: str) -> Any:
    """A ``wp:inline`` showing the chart part related as ``chart_rid`` (sizes in EMU).

    ``description`` is the chart's alternative text, read by screen readers.
    """
    def make(tag: str, attributes: dict[str, str] | None = None, *children: Any) -> Any:
        prefix, name = tag.split(":")
        element = near.makeelement(f"{{{_NS_DRAWING[prefix]}}}{name}", {
            (f"{{{_NS_DRAWING['r']}}}{k[2:]}" if k.startswith("r:") else k): v
            for k, v in (attributes or {}).items()}, nsmap={prefix: _NS_DRAWING[prefix]})
        element.extend(children)
        return element

    return make(
        "wp:inline", {"distT": "0", "distB": "0", "distL": "0", "distR": "0"},
        make("wp:extent", {"cx": str(width), "cy": str(height)}),
        make("wp:effectExtent", {"l": "0", "t": "0", "r": "0", "b": "0"}),
        make("wp:docPr", {"id": str(shape_id), "name": f"Chart {shape_id}",
                          "descr": description}),
        make("wp:cNvGraphicFramePr"),
        make("a:graphic", {}, make("a:graphicData", {"uri": _NS_DRAWING["c"]},
                                   make("c:chart", {"r:id": chart_rid}))))
def _content_types(parts: Iterable[Any]) -> bytes:
    """The package's ``[Content_Types].xml``, as python-docx writes it when it saves.

    A part whose extension and type are a usual pair is covered by a default for its
    extension, any other by an override naming it; both sorted.
    """
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.oxml import CT_Types, serialize_part_xml
    from docx.opc.spec import default_content_types

    defaults = {"rels": CONTENT_TYPE.OPC_RELATIONSHIPS, "xml": CONTENT_TYPE.XML}
    overrides = {}
    for part in parts:
        extension = part.partname.ext.lower()
        if (extension, part.content_type) in default_content_types:
            defaults[extension] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    types = CT_Types.new()  # type: ignore[no-untyped-call]
    for extension in sorted(defaults):
        types.add_default(extension, defaults[extension])
    for name in sorted(overrides):
        types.add_override(name, overrides[name])
    return bytes(serialize_part_xml(types))


def _utf8(xml: str | bytes) -> bytes:
    return xml.encode("utf-8") if isinstance(xml, str) else xml
