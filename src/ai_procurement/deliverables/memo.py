"""The decision memo and the debrief letters: an evaluation as a committee reads it.

French public buyers record their choice in an analysis report (rapport d'analyse des
offres, DAJ form OUV8; code de la commande publique, R2184-1 ff.): subject and buyer,
procedure, offers received, excluded offers and why, analysis criterion by criterion with
justified notes, price analysis, ranking, award proposal (or the procedure declared
unsuccessful) and signatures. Unsuccessful bidders are told why their offer was not
chosen, the winner's name and why it was chosen (R2181-1 to R2181-4), and the contract is
not signed before a standstill period (R2182-1).

:func:`write_memo` writes that report as a Word document; :func:`write_debrief` writes
the letter to one unsuccessful vendor. Both *present* an
:class:`~ai_procurement.decision.scoring.Evaluation`: every figure comes from it, nothing is
recomputed or re-weighted here. What the evaluation does not know (procedure type,
dates, files set aside before the evaluation, signatories) comes in a :class:`Procedure`.

Vendor text is untrusted: control characters are replaced, right-to-left text and
explicit bidirectional controls are isolated so they cannot reorder the sentence around
them, and long texts are cut visibly (``BODY_LIMIT`` characters in the body,
``ANNEX_LIMIT`` in the annexes). The same evaluation and ``generated`` date give
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

import attrs

from ai_procurement.answers import AnswerState
from ai_procurement.bank.model import Criterion, Question, option_ids
from ai_procurement.decision.scoring import Evaluation, KnockOutFailure, ScoreLine, VendorResult
from ai_procurement.deliverables.labels import (
    LOW_OFFER_METHOD_NAMES,
    LOW_OFFER_PARAMETER_LABELS,
    PRICE_METHOD_NAMES,
    ROBUSTNESS_PARAMETER_LABELS,
    SETTING_LABELS,
    SOURCES,
    STATES,
    STATUSES,
    clean_text,
    date as _date,
    display_value,
    flag_label,
    isolate_bidi,
    money as _money,
    number as _number,
)
from ai_procurement.errors import OutputError, OutputExistsError, ScoringError
from ai_procurement.text import Lang, Text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from ai_procurement.decision.robustness import Robustness

__all__ = [
    "ANNEX_LIMIT",
    "BODY_LIMIT",
    "Procedure",
    "RejectedFile",
    "Signatory",
    "write_debrief",
    "write_memo",
]

BODY_LIMIT = 600
"""Vendor texts longer than this are cut, visibly, in the body of a document."""
ANNEX_LIMIT = 5000
"""Vendor texts longer than this are cut, visibly, in the annexes."""
_NAME_LIMIT = 200
_HEADING_NAME_LIMIT = 120
_CHART_NAME_LIMIT = 28
_MARKER = " […]"

_PAGE_WIDTH_CM = 21.0
_PAGE_HEIGHT_CM = 29.7
_MARGIN_CM = 2.0
_TEXT_WIDTH_CM = _PAGE_WIDTH_CM - 2 * _MARGIN_CM
_HEADER_FILL = "DCE6F1"
_FONT = "Arial"
_STRENGTH = 0.75
_WEAKNESS = 0.5
_MAX_CITED = 3


# -- what the evaluation does not know --------------------------------------------------

@attrs.frozen
class RejectedFile:
    """A file set aside before the evaluation (late, unreadable, unsigned...), and why."""

    name: str
    reason: str


@attrs.frozen
class Signatory:
    """A person who signs the memo: name and role (e.g. "Président de la CAO")."""

    name: str
    role: str = ""


def _tuple_of_str(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _tuple_of_rejected(values: Iterable[RejectedFile]) -> tuple[RejectedFile, ...]:
    return tuple(values)


def _tuple_of_signatories(values: Iterable[Signatory]) -> tuple[Signatory, ...]:
    return tuple(values)


@attrs.frozen
class Procedure:
    """Facts about the procedure that the memo states and the evaluation does not hold.

    Attributes:
        procedure_type: the procedure in words, e.g. "Procédure adaptée (R2123-1)" or
            "Appel d'offres ouvert".
        published: the date the consultation was published.
        deadline: the deadline for offers; None uses the consultation's deadline.
        received: the names of every file received (shown as the list of offers
            received); empty lists the files of the evaluation.
        rejected: files set aside before the evaluation, each with its reason.
        audit_trail: lines recorded by the buyer (decisions, meetings, requests sent),
            shown in the audit annex.
        signatories: the people who sign the memo, with their roles.
        place: where the memo is signed ("Fait à ...").
        lot: the lot the report covers, when the consultation has lots.
    """

    procedure_type: str = ""
    published: dt.date | None = None
    deadline: dt.date | None = None
    received: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    rejected: tuple[RejectedFile, ...] = attrs.field(default=(),
                                                     converter=_tuple_of_rejected)
    audit_trail: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    signatories: tuple[Signatory, ...] = attrs.field(default=(),
                                                     converter=_tuple_of_signatories)
    place: str = ""
    lot: str = ""


# -- formatting --------------------------------------------------------------------------

# What clean_text changes: control characters other than tab and newline, surrogates and
# the two non-characters. Most text has none, and skips it (it checks each character).
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# isolate_bidi leaves text below U+0590 (no right-to-left letter, no bidi control) alone.
_MAY_NEED_ISOLATING = re.compile("[^\x00-\u058f]")


def _clean(text: str, limit: int | None) -> str:
    """:func:`clean_text` with the body's marker, cutting long texts first.

    Cleaning keeps lengths, so cutting early changes nothing but the time spent on
    30 000-character answers.
    """
    if limit is not None and len(text) > limit + 1:
        text = text[: limit + 1]
    if _NEEDS_CLEANING.search(text) is None:
        if limit is not None and len(text) > limit:
            return text[: max(0, limit - len(_MARKER))] + _MARKER
        return text
    return clean_text(text, limit=limit, marker=_MARKER)


def _isolate(text: str) -> str:
    """:func:`isolate_bidi`, without looking at each character of Latin text."""
    return isolate_bidi(text) if _MAY_NEED_ISOLATING.search(text) else text


@functools.lru_cache(maxsize=4096)
def _fmt_number(value: float, lang: Lang, digits: int) -> str:
    return _number(value, lang, digits)


class _Fmt:
    """Numbers, dates, vendor names and bilingual labels in one language."""

    def __init__(self, lang: Lang, vendors: Iterable[str] = ()) -> None:
        self.lang: Lang = lang
        self._texts: dict[tuple[str, int | None], str] = {}
        self._names = {v: self._clean_name(v) for v in vendors}
        # Longest first, so a name holding another is replaced whole.
        self._replaced = [(raw, shown) for raw, shown in sorted(
            self._names.items(), key=lambda item: len(item[0]), reverse=True)
            if raw and raw != shown]

        self.sep = " ; " if lang == "fr" else "; "
        self.colon = " : " if lang == "fr" else ": "

    def t(self, fr: str, en: str) -> str:
        if self.lang == "fr":
            # French guillemets hold their quotation with non-breaking spaces.
            return fr.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
        return en

    def n(self, value: float, digits: int = 2) -> str:
        return _fmt_number(value + 0.0, self.lang, digits)

    def pts(self, value: float) -> str:
        return self.n(value, 2)

    def pct(self, share: float, digits: int = 0) -> str:
        number = self.n(share * 100, digits)
        return f"{number}\u00a0%" if self.lang == "fr" else f"{number}%"

    def money(self, value: float) -> str:
        return _money(value, self.lang)

    def date(self, value: dt.date | None) -> str:
        return _date(value, self.lang) if value is not None else "—"

    def text(self, value: str, limit: int | None = BODY_LIMIT) -> str:
        """Untrusted text: cleaned, cut visibly, bidi-isolated."""
        key = (value, limit)
        shown = self._texts.get(key)
        if shown is None:
            shown = self._texts[key] = _isolate(_clean(value, limit))
        return shown

    def _clean_name(self, name: str, limit: int = _NAME_LIMIT) -> str:
        return _isolate(_clean(name, limit)) or "—"

    def name(self, vendor: str, limit: int = _NAME_LIMIT) -> str:
        if limit == _NAME_LIMIT and vendor in self._names:
            return self._names[vendor]
        return self._clean_name(vendor, limit)

    def sentence(self, text: str) -> str:
        """A library sentence that may quote vendor names: names made safe, text cleaned."""
        for raw, shown in self._replaced:
            if raw in text:
                text = text.replace(raw, shown)
        return _clean(text, None)


# -- document building -------------------------------------------------------------------

# A document is assembled from a skeleton made once per language and margin with
# python-docx (styles, fonts, page set-up, an empty footer, properties to fill in), and
# WordprocessingML written here as text: python-docx's proxies cost tens of
# microseconds per element, and building and saving its package milliseconds per
# document, which a memo of thousands of paragraphs or a batch of letters cannot afford.
# The XML written is what python-docx writes for the same calls.

_TOKEN = "AP-SKELETON-{}"
_TOKEN_DATE = dt.datetime(1999, 9, 9, tzinfo=dt.UTC)
# The tokens python-docx writes in the core properties: AP-SKELETON-TITLE... and the date.
_CORE_TOKENS = re.compile(rb"AP-SKELETON-([A-Z]+)|(1999-09-09T00:00:00Z)")
_DYNAMIC = ("docProps/core.xml", "word/document.xml", "word/_rels/document.xml.rels",
            "word/footer1.xml")
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


@attrs.frozen
class _Skeleton:
    """A python-docx document without content, split where each document's text goes."""

    parts: Mapping[str, bytes]  # the parts every document shares, by name
    # docProps/core.xml cut around its tokens: text, token name, text, token name... text.
    core: tuple[bytes, ...]
    document: tuple[bytes, bytes]  # word/document.xml before and after the body
    footer: tuple[bytes, bytes]  # word/footer1.xml before and after the footer's text
    relationships: bytes  # word/_rels/document.xml.rels
    next_relationship: int  # python-docx's next free "rId" number
    next_drawing: int  # python-docx's next drawing id
    style_ids: Mapping[str, str]


def _zip_member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16
    return member


@functools.lru_cache(maxsize=8)
def _skeleton(lang: Lang, vertical_margin: float) -> _Skeleton:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt

    doc: DocxDocument = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(_PAGE_WIDTH_CM), Cm(_PAGE_HEIGHT_CM)
    section.left_margin = section.right_margin = Cm(_MARGIN_CM)
    section.top_margin = section.bottom_margin = Cm(vertical_margin)
    section.footer_distance = Cm(1.0)
    styles = doc.styles
    _set_fonts_and_language(doc, lang)
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before in (("Heading 1", 14, 14), ("Heading 2", 11.5, 10),
                               ("Title", 24, 0)):
        styles[name].font.size = Pt(size)
        styles[name].paragraph_format.space_before = Pt(before)
        styles[name].paragraph_format.space_after = Pt(4)

    def add(name: str, size: float, *, before: float = 0, after: float = 0,
            indent: float = 0, keep: bool = False) -> str:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if indent:
            fmt.left_indent = Cm(indent)
        if keep:
            fmt.keep_with_next = True
        return str(style.style_id)

    style_ids = {"cell": add("AP Table Text", 8.5), "small": add("AP Small", 8.5, after=2),
                 "note_head": add("AP Note Head", 9, before=6, after=1, keep=True),
                 "note": add("AP Note", 8.5, after=1, indent=0.5),
                 "toc": add("AP Contents", 9.5, after=2, indent=0.3)}
    style_ids |= {key: str(styles[name].style_id) for key, name in (
        ("bullet", "List Bullet"), ("grid", "Table Grid"), ("title", "Title"),
        ("heading1", "Heading 1"), ("heading2", "Heading 2"), ("caption", "Caption"))}
    footer = section.footer.paragraphs[0]
    footer._p.style = style_ids["small"]
    footer.alignment = _alignment("center")
    footer.add_run(_TOKEN.format("FOOTER"))
    props = doc.core_properties
    props.title, props.subject, props.author = (_TOKEN.format(key) for key in (
        "TITLE", "SUBJECT", "AUTHOR"))
    props.last_modified_by = "ai_procurement"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.language = "fr-FR" if lang == "fr" else "en-GB"
    props.created = props.modified = props.last_printed = _TOKEN_DATE
    next_drawing = int(doc.part.next_id)
    buffer = io.BytesIO()
    doc.save(buffer)
    saved = zipfile.ZipFile(buffer)
    parts = {name: saved.read(name) for name in saved.namelist()}
    unexpected = OutputError("python-docx wrote its document in an unexpected form; check "
                             "the python-docx version against ai_procurement's")
    if not all(name in parts for name in (*_DYNAMIC, "[Content_Types].xml")) or (
            b'<Default Extension="rels"' not in parts["[Content_Types].xml"]):
        raise unexpected
    document = parts["word/document.xml"]
    at = document.rfind(b"<w:sectPr")
    token = f"<w:r><w:t>{_TOKEN.format('FOOTER')}</w:t></w:r>".encode()
    head, found, tail = parts["word/footer1.xml"].partition(token)
    if at < 0 or b"<w:body" not in document[:at] or not found:
        raise unexpected
    relationships = parts["word/_rels/document.xml.rels"]
    used = [int(n) for n in re.findall(rb'Id="rId(\d+)"', relationships)]
    shared = {name: content for name, content in parts.items() if name not in _DYNAMIC}
    pieces = _CORE_TOKENS.split(parts["docProps/core.xml"])  # text, name, date, text...
    core = [pieces[0]]
    for index in range(1, len(pieces), 3):
        core += [pieces[index] or b"DATE", pieces[index + 2]]
    if sorted(core[1::2]) != [b"AUTHOR", b"DATE", b"DATE", b"DATE", b"SUBJECT", b"TITLE"]:
        raise unexpected
    return _Skeleton(shared, tuple(core),
                     (document[:at], document[at:]), (head, tail), relationships,
                     max(used, default=0) + 1, next_drawing, style_ids)


@functools.lru_cache(maxsize=16)
def _shared_zip(lang: Lang, vertical_margin: float, pictures: bool) -> bytes:
    """A zip of the skeleton's shared parts (compressed once: they weigh 800 kB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _skeleton(lang, vertical_margin).parts.items():
            if pictures and name == "[Content_Types].xml":
                # PNG pictures, declared where python-docx does (defaults sorted).
                content = content.replace(
                    b'<Default Extension="rels"',
                    b'<Default Extension="png" ContentType="image/png"/>'
                    b'<Default Extension="rels"', 1)
            archive.writestr(_zip_member(name), content)
    return out.getvalue()


def _set_fonts_and_language(doc: DocxDocument, lang: Lang) -> None:
    # Named fonts instead of the template's theme fonts: LibreOffice resolves theme
    # fonts to a serif face, so the PDF would not look like the Word document.
    from docx.oxml.ns import qn

    root = doc.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        for key in list(fonts.attrib):
            if key.endswith("Theme") or key.endswith("theme"):
                del fonts.attrib[key]
        for key in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(key), _FONT)
    for language in root.iter(qn("w:lang")):
        language.set(qn("w:val"), "fr-FR" if lang == "fr" else "en-GB")


class _Doc:
    """A Word document with the few layouts the memo and letters need."""

    def __init__(self, lang: Lang, *, title: str, subject: str, author: str,
                 generated: dt.date, vertical_margin: float = _MARGIN_CM) -> None:
        self.lang = lang
        self.vertical_margin = vertical_margin
        self.skeleton = _skeleton(lang, vertical_margin)
        ids = self.skeleton.style_ids
        self.cell_style_id, self.small_style_id = ids["cell"], ids["small"]
        self.note_head_style_id, self.note_style_id = ids["note_head"], ids["note"]
        self.toc_style_id, self.bullet_style_id = ids["toc"], ids["bullet"]
        self.grid_style_id = ids["grid"]
        self.heading_style_ids = {0: ids["title"], 1: ids["heading1"], 2: ids["heading2"]}
        self.properties = {"TITLE": title, "SUBJECT": subject, "AUTHOR": author}
        self.generated = generated
        self.body: list[str] = []
        self.footer_runs = ""
        self.pictures: list[bytes] = []

    # paragraphs

    def heading(self, text: str, level: int) -> None:
        """A heading (``level`` 1 or 2), or the document title (``level`` 0)."""
        self.para(text, style=self.heading_style_ids[level])

    def para(self, *parts: str | tuple[str, str], style: str | None = None,
             align: str | None = None, keep: bool = False) -> None:
        """A paragraph of runs; a part ``("b", text)`` is bold, ``("i", text)`` italic.

        ``style`` is a style id; ``keep`` keeps the paragraph on the page of the next.
        """
        runs = []
        for part in parts:
            if isinstance(part, tuple):
                kind, text = part
                runs.append(_run(text, bold="b" in kind, italic="i" in kind))
            elif part:
                runs.append(_run(part))
        self.body.append(_paragraph("".join(runs), style, align, keep))

    def gap(self) -> None:
        """A small vertical space."""
        self.body.append(_paragraph("", self.small_style_id))

    def label(self, text: str) -> None:
        """A bold line kept with what follows (a table's or a list's title)."""
        self.para(("b", text), style=self.note_head_style_id)

    def bullets(self, items: Iterable[str | Sequence[str | tuple[str, str]]]) -> None:
        for item in items:
            parts = (item,) if isinstance(item, str) else tuple(item)
            self.para(*parts, style=self.bullet_style_id)

    def page_break(self) -> None:
        self.body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def toc(self, entries: Sequence[str]) -> None:
        """A TOC field whose shown result is ``entries``, one per paragraph.

        Word replaces the result with the real table of contents, page numbers included,
        when it updates fields (the field is marked dirty so it offers to); LibreOffice
        and a PDF made without updating show the list of sections.
        """
        assert entries
        last = len(entries) - 1
        for index, entry in enumerate(entries):
            runs = _run(entry)
            if index == 0:
                runs = (_field_begin(dirty=True) + _field_code('TOC \\o "1-2" \\h \\z \\u')
                        + _FIELD_SEPARATE + runs)
            if index == last:
                runs += _FIELD_END
            self.body.append(_paragraph(runs, self.toc_style_id))

    def footer(self, text: str) -> None:
        """The footer of every page: ``text``, then the page number and page count."""
        self.footer_runs = "".join((
            _run(f"{text} – page "), _field_begin(), _field_code("PAGE"), _FIELD_SEPARATE,
            _run("1"), _FIELD_END, _run(" / "), _field_begin(), _field_code("NUMPAGES"),
            _FIELD_SEPARATE, _run("1"), _FIELD_END))

    def picture(self, png: bytes, caption: str, width_cm: float = _TEXT_WIDTH_CM) -> None:
        """A PNG picture ``width_cm`` wide, centred, kept with its caption below."""
        from docx.image.image import Image
        from docx.shared import Cm

        self.pictures.append(png)
        number = len(self.pictures)
        drawing = self.skeleton.next_drawing + number - 1
        relationship = self.skeleton.next_relationship + number - 1
        cx, cy = Image.from_blob(png).scaled_dimensions(Cm(width_cm), None)
        inline = (
            f'<wp:inline xmlns:a="{_NS_A}" xmlns:pic="{_NS_PIC}"><wp:extent cx="{cx}" '
            f'cy="{cy}"/><wp:docPr id="{drawing}" name="Picture {drawing}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
            f'</wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="{_NS_PIC}"><pic:pic>'
            '<pic:nvPicPr><pic:cNvPr id="0" name="image.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="rId{relationship}"/><a:stretch><a:fillRect/>'
            '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline>")
        self.body.append(_paragraph(f"<w:r><w:drawing>{inline}</w:drawing></w:r>", None,
                                    "center", True))
        self.para(caption, style=self.skeleton.style_ids["caption"], align="center")

    # tables

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]],
              widths: Sequence[float], *, align: str = "", bold_rows: Iterable[int] = (),
              header: bool = True, bold_first_column: bool = False,
              row_height: float | None = None) -> None:
        """A grid table with fixed column widths (cm), scaled down to fit the text width.

        ``align`` has one letter per column: ``l``eft, ``r``ight or ``c``entre.
        """
        assert len(widths) == len(headers)
        scale = min(1.0, _TEXT_WIDTH_CM / sum(widths))
        twips = [round(w * scale * _TWIPS_PER_CM) for w in widths]
        jc = [_JC.get(a, "") for a in (align or "l" * len(headers)).ljust(len(headers), "l")]
        bold = set(bold_rows)
        height = (f'<w:trHeight w:val="{round(row_height * _TWIPS_PER_CM)}" '
                  'w:hRule="atLeast"/>' if row_height else "")
        parts = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.grid_style_id}"/>'
                 f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
                 'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
        parts += [f'<w:gridCol w:w="{w}"/>' for w in twips]
        parts.append("</w:tblGrid>")
        if header:
            parts.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>')
            parts += [self._cell_xml(text, w, j, True, _HEADER_FILL)
                      for text, w, j in zip(headers, twips, jc, strict=True)]
            parts.append("</w:tr>")
        for index, values in enumerate(rows):
            strong = index in bold
            # Short rows stay whole across page breaks; a long row must be allowed to
            # split, or Word would cut what does not fit on one page.
            whole = "<w:cantSplit/>" if sum(map(len, values)) < 400 else ""
            parts.append(f"<w:tr><w:trPr>{whole}{height}</w:trPr>" if whole or height
                         else "<w:tr>")
            parts += [self._cell_xml(text, w, j, strong or (bold_first_column and k == 0))
                      for k, (text, w, j) in enumerate(zip(values, twips, jc, strict=True))]
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.body.append("".join(parts))
        self.gap()

    def _cell_xml(self, text: str, width: int, jc: str, bold: bool, fill: str = "") -> str:
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        justify = f'<w:jc w:val="{jc}"/>' if jc else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{self.cell_style_id}"/>{justify}</w:pPr>'
                f"{_run_xml(text, bold)}</w:p></w:tc>")

    def key_values(self, rows: Iterable[tuple[str, str]], widths: tuple[float, float] = (
            5.0, 12.0)) -> None:
        self.table(("", ""), [list(r) for r in rows], widths, header=False,
                   bold_first_column=True)

    def save(self) -> bytes:
        """The .docx bytes: the skeleton's shared parts, then this document's own.

        Members have fixed timestamps, so the same content gives the same bytes.
        """
        skeleton = self.skeleton
        values = {key.encode(): xml_escape(clean_text(value, limit=250)).encode("utf-8")
                  for key, value in self.properties.items()}
        values[b"DATE"] = f"{self.generated:%Y-%m-%d}T00:00:00Z".encode()
        core = b"".join(part if index % 2 == 0 else values[part]
                        for index, part in enumerate(skeleton.core))
        relationships = skeleton.relationships.replace(b"</Relationships>", "".join(
            f'<Relationship Id="rId{skeleton.next_relationship + i}" Type="{_REL_IMAGE}" '
            f'Target="media/image{i + 1}.png"/>' for i in range(len(self.pictures))).encode()
            + b"</Relationships>")
        document = b"".join((skeleton.document[0], "".join(self.body).encode("utf-8"),
                             skeleton.document[1]))
        footer = b"".join((skeleton.footer[0], self.footer_runs.encode("utf-8"),
                           skeleton.footer[1]))
        out = io.BytesIO(_shared_zip(self.lang, self.vertical_margin, bool(self.pictures)))
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, content in zip(_DYNAMIC, (core, document, relationships, footer),
                                     strict=True):
                archive.writestr(_zip_member(name), content)
            for number, png in enumerate(self.pictures, start=1):
                archive.writestr(_zip_member(f"word/media/image{number}.png"), png)
        return out.getvalue()


_NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_FIELD_SEPARATE = '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
_FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def _field_begin(*, dirty: bool = False) -> str:
    """The start of a Word field; a dirty field is recomputed when Word opens the file."""
    return ('<w:r><w:fldChar w:fldCharType="begin"'
            + (' w:dirty="true"/></w:r>' if dirty else "/></w:r>"))


def _field_code(instruction: str) -> str:
    return (f'<w:r><w:instrText xml:space="preserve"> {xml_escape(instruction)} '
            "</w:instrText></w:r>")


_TWIPS_PER_CM = 1440 / 2.54
_JC = {"r": "right", "c": "center"}
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _run_xml(text: str, bold: bool) -> str:
    """A run holding ``text``: newlines become breaks, tabs become tabs, XML escaped."""
    if not text:
        return ""
    text = _XML_UNSAFE.sub("\ufffd", text)
    if "\n" not in text and "\t" not in text:
        return (f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}"
                f'<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>')
    pieces: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(chunk)}</w:t>')
    return f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}{''.join(pieces)}</w:r>"


_JUSTIFY = {"left": "left", "right": "right", "center": "center", "justify": "both"}
_BREAKS = re.compile("([\t\r\n])")


def _paragraph(runs: str, style: str | None, align: str | None = None,
               keep: bool = False) -> str:
    """A ``w:p`` holding ``runs``, with its style, alignment and keep-with-next."""
    if style is None and align is None and not keep:
        return f"<w:p>{runs}</w:p>"
    props = ((f'<w:pStyle w:val="{style}"/>' if style is not None else "")
             + ("<w:keepNext/>" if keep else "")
             + (f'<w:jc w:val="{_JUSTIFY[align]}"/>' if align is not None else ""))
    return f"<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>"


def _run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    """A ``w:r`` holding ``text`` as python-docx writes it: tabs and breaks as elements."""
    props = ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
             + "</w:rPr>") if bold or italic else ""
    if not text:
        return f"<w:r>{props}</w:r>"
    text = _XML_UNSAFE.sub("\ufffd", text)
    if "\t" not in text and "\n" not in text and "\r" not in text:
        space = ' xml:space="preserve"' if text.strip() != text else ""
        return f"<w:r>{props}<w:t{space}>{xml_escape(text)}</w:t></w:r>"
    pieces = [props]
    for piece in _BREAKS.split(text):
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece in ("\n", "\r"):
            pieces.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            pieces.append(f"<w:t{space}>{xml_escape(piece)}</w:t>")
    return f"<w:r>{''.join(pieces)}</w:r>"


@functools.cache
def _alignment(where: str) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[where]


# -- shared reading of the evaluation ---------------------------------------------------

class _View:
    """What both documents read from an evaluation, computed once."""

    def __init__(self, evaluation: Evaluation, lang: Lang) -> None:
        self.evaluation = evaluation
        self.lang: Lang = lang
        self.f = _Fmt(lang, [v.vendor for v in evaluation.vendors])
        bank = evaluation.questionnaire.bank
        self.criteria: list[Criterion] = list(bank.criteria)
        self.points = evaluation.criterion_points
        self.total_points = evaluation.settings.total_points
        self.questions: dict[str, Question] = {q.id: q for _, q in bank.questions()}
        self.price_criterion = next((c for c in self.criteria if c.is_price), None)
        self.weighted = [c for c in self.criteria if self.points.get(c.id, 0.0) > 0
                         and not c.is_price]
        self.ranking = evaluation.ranking
        self.lines: dict[str, list[ScoreLine]] = {}
        for line in evaluation.lines:
            self.lines.setdefault(line.vendor, []).append(line)
        leaders = [v for v in self.ranking if v.rank == 1]
        self.tied_first = len(leaders) > 1
        self.winner: VendorResult | None = leaders[0] if len(leaders) == 1 else None

    def title(self, criterion: Criterion) -> str:
        return criterion.title.get(self.lang)

    def price_points(self, vendor: VendorResult) -> float:
        if self.price_criterion is None:
            return 0.0
        return vendor.criteria.get(self.price_criterion.id, 0.0)

    def technical(self, vendor: VendorResult) -> float:
        return vendor.total - self.price_points(vendor)

    def answer(self, line: ScoreLine, limit: int | None) -> str:
        f = self.f
        if line.state is not AnswerState.ANSWERED:
            return STATES[line.state.value].get(self.lang)
        question = self.questions.get(line.question_id)
        if question is None:
            return f.text(str(line.value), limit)
        try:
            shown = display_value(question, line.value, self.lang)
        except (KeyError, TypeError, ValueError):
            shown = str(line.value)
        return f.text(shown, limit)

    def flags(self, flags: Iterable[str]) -> str:
        return "; ".join(self.f.sentence(flag_label(flag, self.lang)) for flag in flags)

    def criterion_lines(self, vendor: str, criterion_id: str) -> list[ScoreLine]:
        return [line for line in self.lines.get(vendor, ())
                if line.criterion_id == criterion_id]


def _cite(view: _View, line: ScoreLine) -> str:
    """One answer cited in a note: id, answer, points and evidence."""
    f = view.f
    quoted = (f"«\u00a0{view.answer(line, BODY_LIMIT)}\u00a0»" if view.lang == "fr"
              else f"'{view.answer(line, BODY_LIMIT)}'")
    detail = [f"{f.pts(line.points)}\u00a0/\u00a0{f.pts(line.max_points)}\u00a0pt"]
    if line.evidence.strip():
        detail.append(f.t("preuve : ", "evidence: ") + f.text(line.evidence, 200))
    if "evidence-missing" in line.flags:
        detail.append(flag_label("evidence-missing", view.lang))
    if line.source == "override" and line.justification.strip():
        detail.append(f.t("correction motivée : ", "reasoned override: ")
                      + f.text(line.justification, 300))
    return f"{line.question_id} {quoted} ({f.sep.join(detail)})"


_Parts = list[str | tuple[str, str]]


def _note(view: _View, vendor: VendorResult, criterion: Criterion) -> list[_Parts]:
    """The justified note of one offer on one criterion, derived from its score lines.

    One paragraph per element: the points, the strongest answers, the weakest answers,
    gaps (unanswered, not applicable, evidence, pending reviews) and the evaluators'
    assessments of written answers.
    """
    f = view.f
    lines = view.criterion_lines(vendor.vendor, criterion.id)
    points = vendor.criteria.get(criterion.id, 0.0)
    available = view.points[criterion.id]
    note: list[_Parts] = [[("b", f.name(vendor.vendor)),
                           f" — {f.pts(points)} / {f.pts(available)} points "
                           f"({f.pct(points / available)})"]]
    counted = [ln for ln in lines if ln.counted and ln.max_points > 0]
    strengths = sorted((ln for ln in counted if ln.fraction >= _STRENGTH),
                       key=lambda ln: (-ln.fraction, -ln.max_points, ln.question_id))
    weaknesses = sorted((ln for ln in counted if ln.fraction < _WEAKNESS),
                        key=lambda ln: (-(ln.max_points * (1 - ln.fraction)), ln.question_id))
    note.append([("b", f.t("Points forts : ", "Strengths: ")),
                 f.sep.join(_cite(view, ln) for ln in strengths[:_MAX_CITED]) + "."
                 if strengths else f.t("aucune réponse n'obtient les trois quarts des points.",
                                       "no answer earns three quarters of its points.")])
    note.append([("b", f.t("Points faibles : ", "Weaknesses: ")),
                 f.sep.join(_cite(view, ln) for ln in weaknesses[:_MAX_CITED]) + "."
                 if weaknesses else f.t("aucune réponse n'obtient moins de la moitié des "
                                        "points.", "no answer earns less than half its "
                                        "points.")])
    other: list[str] = []
    unanswered = [ln.question_id for ln in lines if ln.state is AnswerState.UNANSWERED]
    if unanswered:
        other.append(f.t("sans réponse (0 point) : ", "unanswered (0 points): ")
                     + ", ".join(unanswered))
    declared = [ln for ln in lines if ln.state is AnswerState.NOT_APPLICABLE]
    if declared:
        shown = []
        for ln in declared:
            why = f.text(ln.justification, 200) if ln.justification.strip() else "—"
            status = (f.t("non compté", "not counted") if not ln.counted
                      else view.flags(ln.flags))
            shown.append(f"{ln.question_id} ({status}{f.sep}{why})")
        other.append(f.t("déclarées sans objet : ", "declared not applicable: ")
                     + ", ".join(shown))
    answered = [ln for ln in lines if ln.state is AnswerState.ANSWERED]
    if answered:
        with_evidence = sum(1 for ln in answered if ln.evidence.strip())
        other.append(f.t(f"preuve citée pour {with_evidence} réponse(s) sur {len(answered)}",
                         f"evidence cited for {with_evidence} of {len(answered)} answer(s)"))
    pending = [ln.question_id for ln in lines if "pending-review" in ln.flags]
    if pending:
        other.append(f.t("en attente d'évaluation : ", "awaiting review: ") + ", ".join(pending))
    if other:
        note.append([("b", f.t("Autres constats : ", "Other findings: ")),
                     f.sep.join(other) + "."])
    for ln in lines:
        if ln.source in ("evaluators", "consensus") and ln.justification.strip():
            label = (f.t("Appréciation des évaluateurs", "Evaluators' assessment")
                     + (" (consensus)" if ln.source == "consensus" else ""))
            note.append([("b", f"{label}, {ln.question_id}{f.colon}"),
                         f.text(ln.justification, BODY_LIMIT)])
    return note


# -- charts ------------------------------------------------------------------------------

def _chart_text(text: str, limit: int = _CHART_NAME_LIMIT) -> str:
    """Text safe for a matplotlib label: one line, no controls, ``$`` not read as maths."""
    cleaned = _clean(text, limit + 1).replace("\n", " ").replace("\t", " ")
    cleaned = "".join(ch for ch in cleaned if not _is_bidi_control(ch))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned.replace("$", r"\$") or "—"


def _is_bidi_control(ch: str) -> bool:
    return "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c"


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _charts(view: _View) -> list[tuple[bytes, str]]:
    """Totals stacked by criterion, and the criterion profile of each ranked offer."""
    ranked = view.ranking
    criteria = [c for c in view.criteria if view.points.get(c.id, 0.0) > 0]
    if not ranked or not criteria:
        return []
    import matplotlib

    f = view.f
    charts: list[tuple[bytes, str]] = []
    with warnings.catch_warnings(), matplotlib.rc_context({"font.size": 7.5}):
        # Vendor names may hold characters the chart font lacks (emoji...): they show
        # as boxes in the chart and in full in the text, which is what matters.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        charts.append((_totals_chart(view, ranked, criteria), f.t(
            "Total des points de chaque offre classée, décomposé par critère.",
            "Total points of each ranked offer, broken down by criterion.")))
        charts.append((_profile_chart(view, ranked, criteria), f.t(
            "Profil des offres classées : part des points de chaque critère obtenue, en %. "
            "Les identifiants des critères sont ceux du tableau de la section 3.",
            "Profile of the ranked offers: share of each criterion's points earned, in %. "
            "Criterion ids are those of the table in section 3.")))
    return charts


# Chart layout, in inches. The axes are placed from the measured size of their labels
# and legend: matplotlib's layout engines measure every artist several times, which
# costs more than drawing them.
_CHART_WIDTH = 6.7
_CHART_HEIGHT = 9.5  # at most: the figure and its caption fit on an A4 page
_LEGEND_ROWS = 32  # criteria named in full in the legend, two a row, up to this many rows
_CHART_DPI = 150  # the chart is shown 16 to 17 cm wide: about 1 000 pixels
_CHART_EDGE = 0.08
_TICK_SPACE = 7.0 / 72  # tick length and label padding, 3.5 pt each


def _figure(height: float) -> tuple[Any, Any]:
    """A figure on an Agg canvas, and the renderer to measure text with.

    No pyplot: the caller's backend and global figure state are left alone.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_CHART_WIDTH, height), dpi=_CHART_DPI)
    return figure, FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]


def _widest(texts: Iterable[Any], renderer: Any) -> tuple[float, float]:
    """The largest width and height, in inches, of text artists as drawn."""
    width = height = 0.0
    for text in texts:
        box = text.get_window_extent(renderer)
        width, height = max(width, box.width), max(height, box.height)
    return width / renderer.dpi, height / renderer.dpi


def _place(axes: Any, *, left: float, bottom: float, right: float, top: float) -> None:
    """Put ``axes`` with the given margins (inches) around it."""
    width, height = axes.figure.get_size_inches()
    axes.set_position((left / width, bottom / height, 1 - (left + right) / width,
                       1 - (bottom + top) / height))


def _totals_chart(view: _View, ranked: Sequence[VendorResult],
                  criteria: Sequence[Criterion]) -> bytes:
    import matplotlib
    from matplotlib.collections import PolyCollection
    from matplotlib.ticker import FuncFormatter

    f = view.f
    count = len(ranked)
    palette = matplotlib.colormaps["tab20"]
    labels = [_chart_text(f"{c.id} – {view.title(c)}", 46) for c in criteria]
    columns = 2
    if math.ceil(len(criteria) / columns) > _LEGEND_ROWS:
        # Too many criteria to name in full: their ids, as in the profile chart.
        labels = [_chart_text(c.id, 16) for c in criteria]
        columns = min(5, math.ceil(len(criteria) / _LEGEND_ROWS))
    legend_rows = math.ceil(len(criteria) / columns)
    figure, renderer = _figure(min(_CHART_HEIGHT, 1.2 + 0.28 * count + 0.17 * legend_rows))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    left = [0.0] * count
    for k, criterion in enumerate(criteria):
        values = [v.criteria.get(criterion.id, 0.0) for v in ranked]
        # One collection of bars per criterion: a patch per bar costs far more to add.
        bars = [((x, i - 0.4), (x, i + 0.4), (x + w, i + 0.4), (x + w, i - 0.4))
                for i, (x, w) in enumerate(zip(left, values, strict=True))]
        axes.add_collection(PolyCollection(
            bars, facecolors="#4d4d4d" if criterion.is_price else palette(k % 20),
            edgecolors="white", linewidths=0.4, label=labels[k]), autolim=False)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for i, vendor in enumerate(ranked):
        axes.text(vendor.total + view.total_points * 0.01, i, f.n(vendor.total, 1),
                  va="center", fontsize=7)
    axes.set_yticks(range(count), labels=[_chart_text(v.vendor) for v in ranked])
    axes.set_ylim(count - 0.4, -0.6)  # the best offer on top
    axes.set_xlim(0, view.total_points * 1.1)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f.n(x, 0)))
    axes.set_xlabel(f.t(f"Points (sur {f.n(view.total_points, 0)})",
                        f"Points (out of {f.n(view.total_points, 0)})"))
    axes.spines[["top", "right"]].set_visible(False)
    legend = figure.legend(loc="lower center", ncol=columns, fontsize=6.5, frameon=False)
    names, _ = _widest(axes.get_yticklabels(), renderer)
    _, line = _widest([axes.xaxis.label], renderer)
    below = legend.get_window_extent(renderer).height / renderer.dpi
    # The bars keep at least a third of the height, whatever the legend needs.
    bottom = min(below + 2 * line + _TICK_SPACE + 4 / 72 + _CHART_EDGE,
                 figure.get_size_inches()[1] * 2 / 3)
    _place(axes, left=_CHART_EDGE + names + _TICK_SPACE, bottom=bottom, right=0.2,
           top=_CHART_EDGE)
    return _png(figure)


def _profile_chart(view: _View, ranked: Sequence[VendorResult],
                   criteria: Sequence[Criterion]) -> bytes:
    from matplotlib.ticker import FuncFormatter

    f = view.f
    count = len(ranked)
    # At least 2 inches: the colour bar's label stays within the figure.
    figure, renderer = _figure(min(_CHART_HEIGHT, max(2.0, 1.4 + 0.26 * count)))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    shares = [[100.0 * v.criteria.get(c.id, 0.0) / view.points[c.id] for c in criteria]
              for v in ranked]
    image = axes.imshow(shares, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
    axes.set_xticks(range(len(criteria)), labels=[_chart_text(c.id, 16) for c in criteria],
                    rotation=45, ha="right")
    axes.set_yticks(range(count), labels=[_chart_text(v.vendor) for v in ranked])
    if count * len(criteria) <= 420:
        size = 6.5 if count <= 15 else 5.5
        for i, row in enumerate(shares):
            for j, value in enumerate(row):
                axes.text(j, i, f.n(value, 0), ha="center", va="center", fontsize=size)
    # The colour bar beside the matrix, 80 % of its height, as figure.colorbar puts it.
    bar_axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    bar = figure.colorbar(image, cax=bar_axes, format=FuncFormatter(lambda x, _pos: f.n(x, 0)))
    bar.set_label(f.t("% des points du critère", "% of the criterion's points"))
    names, _ = _widest(axes.get_yticklabels(), renderer)
    _, ids = _widest(axes.get_xticklabels(), renderer)
    scale, line = _widest([bar.ax.text(0, 0, f.n(100, 0))], renderer)
    bar.ax.texts[-1].remove()
    pad, thickness = 0.15, 0.15
    right = pad + thickness + _TICK_SPACE + scale + 4 / 72 + line + _CHART_EDGE
    _place(axes, left=_CHART_EDGE + names + _TICK_SPACE,
           bottom=_CHART_EDGE + ids + _TICK_SPACE, right=right, top=_CHART_EDGE)
    x, y, width, height = axes.get_position().bounds
    figure_width = _CHART_WIDTH
    bar_axes.set_position((x + width + pad / figure_width, y + 0.1 * height,
                           thickness / figure_width, 0.8 * height))
    return _png(figure)


# -- the memo ------------------------------------------------------------------------------

_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Objet de la consultation et acheteur", "Subject and buyer"),
    ("Déroulement de la procédure", "Procedure"),
    ("Critères d'attribution et pondérations publiés", "Award criteria and weights as published"),
    ("Conformité des offres", "Compliance of the offers"),
    ("Analyse des offres critère par critère", "Analysis criterion by criterion"),
    ("Analyse du prix", "Price analysis"),
    ("Classement des offres", "Ranking of the offers"),
    ("Robustesse du classement", "Robustness of the ranking"),
    ("Proposition d'attribution", "Award proposal"),
    ("Signatures", "Signatures"),
)
_ANNEXES: tuple[tuple[str, str], ...] = (
    ("Questions et règles de notation", "Questions and scoring rules"),
    ("Réponses détaillées par offre", "Detailed answers per offer"),
    ("Traçabilité", "Audit trail"),
)


def _section_title(index: int, lang: Lang) -> str:
    fr, en = _SECTIONS[index - 1]
    return f"{index}. {fr if lang == 'fr' else en}"


def _annex_title(index: int, lang: Lang) -> str:
    letter = "ABC"[index]
    fr, en = _ANNEXES[index]
    return f"{'Annexe' if lang == 'fr' else 'Annex'} {letter} – {fr if lang == 'fr' else en}"


class _Memo:
    """Writes the sections of the analysis report, in order."""

    def __init__(self, evaluation: Evaluation, lang: Lang, robustness: Robustness | None,
                 generated: dt.date, procedure: Procedure) -> None:
        self.view = _View(evaluation, lang)
        self.f = self.view.f
        self.evaluation = evaluation
        self.lang: Lang = lang
        self.robustness = robustness
        self.generated = generated
        self.procedure = procedure
        consultation = evaluation.questionnaire.consultation
        self.consultation = consultation
        f = self.f
        title = f.t("Rapport d'analyse des offres", "Tender evaluation report")
        self.d = _Doc(lang, title=f"{title} – {consultation.reference}",
                      subject=consultation.title, author=consultation.buyer,
                      generated=generated)

    def build(self) -> bytes:
        self.cover()
        self.subject()
        self.procedure_section()
        self.criteria()
        self.compliance()
        self.analysis()
        self.price()
        self.ranking()
        self.robustness_section()
        self.award()
        self.signatures()
        self.d.page_break()
        self.annex_questions()
        self.annex_answers()
        self.annex_audit()
        return self.d.save()

    # cover and contents

    def cover(self) -> None:
        d, f, c = self.d, self.f, self.consultation
        d.heading(f.t("Rapport d'analyse des offres", "Tender evaluation report"), 0)
        d.para(("b", f.text(c.title, 300)))
        lines = [f"{f.t('Acheteur', 'Buyer')} : {f.text(c.buyer, 300)}" if self.lang == "fr"
                 else f"Buyer: {f.text(c.buyer, 300)}",
                 f"{f.t('Référence', 'Reference')} : {f.text(c.reference, 200)}"
                 if self.lang == "fr" else f"Reference: {f.text(c.reference, 200)}"]
        if self.procedure.lot:
            lines.append(f.t("Lot : ", "Lot: ") + f.text(self.procedure.lot, 300))
        lines.append(f.t("Rapport établi le ", "Report dated ") + f.date(self.generated))
        for line in lines:
            d.para(line)
        d.footer(f"{f.t('Rapport d’analyse des offres', 'Tender evaluation report')} "
                 f"{f.text(c.reference, 60)}")
        d.gap()
        d.label(f.t("Sommaire", "Contents"))
        entries = [_section_title(i, self.lang) for i in range(1, len(_SECTIONS) + 1)]
        entries += [_annex_title(i, self.lang) for i in range(len(_ANNEXES))]
        d.toc(entries)
        d.para(("i", f.t("Dans Word, la table des matières se met à jour avec les numéros de "
                         "page (clic droit, « Mettre à jour les champs »).",
                         "In Word, the table of contents updates with page numbers "
                         "(right-click, 'Update field').")), style=d.small_style_id)
        d.page_break()

    # 1

    def subject(self) -> None:
        d, f, c, p = self.d, self.f, self.consultation, self.procedure
        d.heading(_section_title(1, self.lang), 1)
        rows = [(f.t("Acheteur", "Buyer"), f.text(c.buyer, 500)),
                (f.t("Objet de la consultation", "Subject"), f.text(c.title, 1000)),
                (f.t("Référence", "Reference"), f.text(c.reference, 200))]
        if p.lot:
            rows.append((f.t("Lot", "Lot"), f.text(p.lot, 500)))
        if c.contact:
            rows.append((f.t("Contact", "Contact"), f.text(c.contact, 300)))
        rows.append((f.t("Questionnaire", "Questionnaire"),
                     f"{f.text(self.evaluation.questionnaire.bank.title.get(self.lang), 300)} "
                     f"({self.evaluation.questionnaire.bank.id} "
                     f"{self.evaluation.questionnaire.bank.version})"))
        d.key_values(rows)
        d.para(f.t(
            "Le présent rapport présente l'analyse des offres reçues au regard des critères "
            "d'attribution et des pondérations publiés dans les documents de la consultation, "
            "le classement qui en résulte et la proposition d'attribution. Chaque note est "
            "justifiée par le contenu de l'offre ; le détail des réponses figure en annexe.",
            "This report analyses the offers received against the award criteria and weights "
            "published in the consultation documents, and gives the resulting ranking and "
            "the award proposal. Every score is justified by the content of the offer; the "
            "answers are detailed in the annexes."))

    # 2

    def procedure_section(self) -> None:
        d, f, p, ev = self.d, self.f, self.procedure, self.evaluation
        d.heading(_section_title(2, self.lang), 1)
        deadline = p.deadline or self.consultation.deadline
        received = p.received or tuple(i.file for i in ev.inputs)
        d.key_values([
            (f.t("Type de procédure", "Procedure"),
             f.text(p.procedure_type, 500) if p.procedure_type else f.t("non précisé",
                                                                         "not stated")),
            (f.t("Date de publication", "Publication date"), f.date(p.published)),
            (f.t("Date limite de remise des offres", "Deadline for offers"), f.date(deadline)),
            (f.t("Plis reçus", "Files received"), str(len(received) + len(
                [r for r in p.rejected if r.name not in received]))),
            (f.t("Offres analysées", "Offers evaluated"),
             str(sum(1 for v in ev.vendors if v.status != "file-rejected"))),
        ])
        d.label(f.t("Offres reçues", "Offers received"))
        files = {i.vendor: i.file for i in ev.inputs}
        d.table([f.t("Offre", "Offer"), f.t("Fichier", "File"), f.t("Suite donnée", "Outcome")],
                [[f.name(v.vendor), f.text(files.get(v.vendor, ""), 200),
                  STATUSES[v.status].get(self.lang)] for v in ev.vendors],
                [5.5, 5.5, 6.0])
        extra = [name for name in p.received if name not in files.values()]
        if extra:
            d.para(f.t("Autres plis reçus : ", "Other files received: ")
                   + ", ".join(f.text(n, 200) for n in extra) + ".")
        rejected = [(f.text(r.name, 200), f.text(r.reason, BODY_LIMIT)) for r in p.rejected]
        rejected += [(f.name(v.vendor), " ".join(f.sentence(e.get(self.lang))
                                                  for e in v.file_errors))
                     for v in ev.vendors if v.status == "file-rejected"]
        d.label(f.t("Plis écartés avant l'analyse", "Files set aside before the analysis"))
        if rejected:
            d.table([f.t("Pli", "File"), f.t("Motif", "Reason")],
                    [list(r) for r in rejected], [5.0, 12.0])
        else:
            d.para(f.t("Aucun pli n'a été écarté.", "No file was set aside."))

    # 3

    def criteria(self) -> None:
        d, f, v, q = self.d, self.f, self.view, self.evaluation.questionnaire
        d.heading(_section_title(3, self.lang), 1)
        weights = q.weights
        rows = []
        for criterion in v.criteria:
            knockouts = sum(1 for question in criterion.questions if question.knockout)
            role = (f.t("prix (formule)", "price (formula)") if criterion.is_price
                    else f.t("éliminatoire seulement", "knock-out only")
                    if v.points.get(criterion.id, 0.0) == 0 else "")
            rows.append([criterion.id, f.text(v.title(criterion), 300),
                         f.pct(weights[criterion.id], 1), f.pts(v.points[criterion.id]),
                         str(len(criterion.questions)), str(knockouts) if knockouts else "—",
                         role])
        rows.append(["", f.t("Total", "Total"), f.pct(1.0, 1), f.pts(v.total_points),
                     str(sum(len(c.questions) for c in v.criteria)), "", ""])
        d.table([f.t("Id", "Id"), f.t("Critère", "Criterion"), f.t("Poids", "Weight"),
                 f.t("Points", "Points"), f.t("Questions", "Questions"),
                 f.t("Élimin.", "Knock-out"), f.t("Remarque", "Note")],
                rows, [1.5, 5.3, 1.8, 1.9, 2.3, 1.8, 2.4], align="llrrrrl",
                bold_rows=[len(rows) - 1])
        method = str(q.weighting.get("method", ""))
        d.para(f.t("Méthode de pondération enregistrée : ", "Weighting method recorded: "),
               f.text(method, 200) + ".")
        d.para(f.t("Empreinte du questionnaire publié (SHA-256) : ",
                   "Fingerprint of the published questionnaire (SHA-256): "),
               ("b", q.fingerprint))
        d.para(f.t(
            "Cette empreinte est calculée sur les questions, les options, les règles de "
            "notation et les pondérations publiées : elle prouve qu'ils n'ont pas changé "
            "après la publication.",
            "The fingerprint covers the questions, options, scoring rules and weights as "
            "published: it shows that none of them changed after publication."))
        for warning in q.warnings:
            d.para(("i", warning.get(self.lang)))

    # 4

    def compliance(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(_section_title(4, self.lang), 1)
        d.heading(f.t("4.1 Offres irrégulières", "4.1 Non-compliant offers"), 2)
        failed = [r for r in ev.vendors if r.status == "non-compliant"]
        if not failed:
            d.para(f.t("Aucune offre ne méconnaît une exigence éliminatoire publiée.",
                       "No offer fails a published mandatory requirement."))
        else:
            d.para(f.t(
                "Les offres suivantes ne satisfont pas au moins une exigence éliminatoire "
                "publiée dans les documents de la consultation. Elles sont irrégulières et "
                "écartées du classement ; leurs réponses figurent en annexe B.",
                "The following offers fail at least one mandatory requirement published in "
                "the consultation documents. They are non-compliant and left out of the "
                "ranking; their answers are in annex B."))
            rows = [[f.name(r.vendor), k.question_id, _knockout_answer(v, r.vendor, k),
                     _knockout_rule(v, k), k.reason.get(self.lang)]
                    for r in failed for k in r.knockouts]
            d.table([f.t("Offre", "Offer"), f.t("Question", "Question"),
                     f.t("Réponse", "Answer"), f.t("Règle", "Rule"), f.t("Motif", "Reason")],
                    rows, [3.0, 2.1, 3.0, 3.5, 5.4])
        d.heading(f.t("4.2 Offres anormalement basses", "4.2 Abnormally low offers"), 2)
        low = ev.low_offers
        if low is None:
            d.para(f.t("Aucun prix n'a été noté : la détection ne s'applique pas.",
                       "No price was scored: the check does not apply."))
            return
        d.para(f.sentence(low.summary.get(self.lang)))
        for vendor in low.flagged:
            d.bullets([f.sentence(low.explanations[vendor].get(self.lang))])
        d.para(("i", f.t(
            "Une offre présumée anormalement basse n'est jamais écartée par une formule : "
            "l'acheteur demande par écrit au soumissionnaire des précisions et justifications "
            "sur le montant de son offre, et ne peut la rejeter qu'après avoir examiné ses "
            "réponses (articles L2152-5 et L2152-6 du code de la commande publique).",
            "A presumed abnormally low offer is never excluded by a formula: the buyer asks "
            "the bidder in writing to explain and justify its price, and may only reject the "
            "offer after examining the answer (French public procurement code, L2152-5 and "
            "L2152-6).")))
        if low.flagged:
            d.para(f.t("Demande écrite de justification à adresser à : ",
                       "A written request for justification is to be sent to: "),
                   ("b", ", ".join(f.name(x) for x in low.flagged)), ".")

    # 5

    def analysis(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(_section_title(5, self.lang), 1)
        d.para(f.t(
            "Seules les offres régulières sont analysées. Pour chaque critère, le tableau "
            "donne les points de chaque offre ; la note qui suit les justifie par le contenu "
            "de l'offre : ses meilleures et ses plus faibles réponses (identifiant de la "
            "question, réponse, points obtenus sur les points possibles, preuve citée), les "
            "questions sans réponse ou déclarées sans objet et l'appréciation des évaluateurs "
            "pour les réponses rédigées.",
            "Only compliant offers are analysed. For each criterion, the table gives each "
            "offer's points; the note below justifies them from the content of the offer: "
            "its best and weakest answers (question id, answer, points earned out of the "
            "points available, evidence cited), unanswered questions and those declared "
            "not applicable, and the evaluators' assessment of written answers."))
        if ev.pending_reviews:
            d.para(("b", f.t(
                f"Attention : {len(ev.pending_reviews)} réponse(s) rédigée(s) n'ont pas "
                "encore été notées par les évaluateurs ; elles comptent 0 point et les "
                "notes sont provisoires.",
                f"Warning: {len(ev.pending_reviews)} written answer(s) have not been scored "
                "by the evaluators yet; they count 0 points and the scores are "
                "provisional.")))
        if ev.divergences:
            d.para(f.t(
                f"Les évaluateurs ont divergé sur {len(ev.divergences)} réponse(s) au-delà du "
                "seuil fixé ; ces réponses sont listées en annexe C.",
                f"The evaluators diverged beyond the set threshold on {len(ev.divergences)} "
                "answer(s); they are listed in annex C."))
        if not v.ranking:
            d.para(f.t("Aucune offre n'est régulière : il n'y a pas d'offre à analyser.",
                       "No offer is compliant: there is no offer to analyse."))
            return
        for index, criterion in enumerate(v.weighted, start=1):
            available = v.points[criterion.id]
            d.heading(f"5.{index} {criterion.id} – {f.text(v.title(criterion), 200)}", 2)
            d.para(("i", f.t(
                f"Poids {f.pct(ev.questionnaire.weights[criterion.id], 1)}, soit "
                f"{f.pts(available)} points ; {len(criterion.questions)} question(s).",
                f"Weight {f.pct(ev.questionnaire.weights[criterion.id], 1)}, i.e. "
                f"{f.pts(available)} points; {len(criterion.questions)} question(s).")))
            ordered = sorted(v.ranking, key=lambda r: (-r.criteria.get(criterion.id, 0.0),
                                                       r.vendor))
            d.table([f.t("Offre", "Offer"),
                     f.t(f"Points sur {f.pts(available)}", f"Points out of {f.pts(available)}"),
                     f.t("Part des points", "Share of the points")],
                    [[f.name(r.vendor), f.pts(r.criteria.get(criterion.id, 0.0)),
                      f.pct(r.criteria.get(criterion.id, 0.0) / available)]
                     for r in ordered], [10.0, 3.5, 3.5], align="lrr")
            for result in ordered:
                head, *body = _note(v, result, criterion)
                d.para(*head, style=d.note_head_style_id)
                for parts in body:
                    d.para(*parts, style=d.note_style_id)

    # 6

    def price(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(_section_title(6, self.lang), 1)
        if v.price_criterion is None:
            d.para(f.t("La consultation ne comporte pas de critère prix.",
                       "The consultation has no price criterion."))
            return
        price = ev.price
        d.para(f.t("Critère ", "Criterion "), ("b", f.text(v.title(v.price_criterion), 200)),
               f.t(f" : {f.pts(v.points[v.price_criterion.id])} points.",
                   f": {f.pts(v.points[v.price_criterion.id])} points."))
        if price is None:
            d.para(f.t("Aucune offre régulière n'a de prix : le critère prix n'a pas été noté.",
                       "No compliant offer has a price: the price criterion was not scored."))
            return
        d.para(("b", f.t("Méthode : ", "Method: ")), f.sentence(price.formula.get(self.lang)))
        if price.special_case is not None:
            d.para(("i", price.special_case.get(self.lang) + "."))
        d.para(f.t(
            f"Prix le plus bas : {f.money(price.pmin)} ; prix le plus élevé : "
            f"{f.money(price.pmax)} ; moyenne : {f.money(price.mean)}.",
            f"Lowest price: {f.money(price.pmin)}; highest price: {f.money(price.pmax)}; "
            f"mean: {f.money(price.mean)}."))
        ordered = sorted(price.points, key=lambda x: (price.prices[x], x))
        d.table([f.t("Offre", "Offer"), f.t("Prix (coût complet)", "Price (total cost)"),
                 f.t("Points", "Points"), f.t("Calcul", "Computation")],
                [[f.name(x), f.money(price.prices[x]), f.pts(price.points[x]),
                  f.sentence(price.explain(x).get(self.lang))] for x in ordered],
                [4.2, 3.2, 1.8, 7.8], align="lrrl")
        costs = [r for r in v.ranking if r.cost is not None]
        if costs:
            d.label(f.t("Coût complet sur la durée du marché",
                             "Total cost of ownership over the contract"))
            d.table([f.t("Offre", "Offer"), f.t("Coûts ponctuels", "One-off costs"),
                     f.t("Coûts annuels", "Yearly costs"), f.t("Ans", "Years"),
                     f.t("Coût complet", "Total cost")],
                    [[f.name(r.vendor), f.money(r.cost.one_off), f.money(r.cost.yearly),
                      str(r.cost.years), f.sentence(r.cost.explain().get(self.lang))]
                     for r in costs if r.cost is not None],
                    [3.8, 2.8, 2.8, 1.6, 6.0], align="lrrrl")
        unpriced = [r for r in ev.vendors if r.status == "non-compliant"]
        if unpriced:
            d.para(f.t("Les prix des offres irrégulières ne sont pas notés.",
                       "The prices of non-compliant offers are not scored."))

    # 7

    def ranking(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(_section_title(7, self.lang), 1)
        if not v.ranking:
            d.para(f.t("Aucune offre n'est classée.", "No offer is ranked."))
        else:
            top = v.ranking[0].total
            price_max = v.points.get(v.price_criterion.id, 0.0) if v.price_criterion else 0.0
            split = v.price_criterion is not None
            rows = []
            for r in v.ranking:
                rows.append([str(r.rank), f.name(r.vendor),
                             *([f.pts(v.technical(r)), f.pts(v.price_points(r))] if split
                               else []),
                             f.pts(r.total),
                             "—" if r.rank == 1 else "−" + f.pts(top - r.total),
                             v.flags(x for x in r.flags if x != "evaluator-divergence")])
            parts = [f.t(f"Valeur technique /{f.n(v.total_points - price_max, 0)}",
                         f"Technical /{f.n(v.total_points - price_max, 0)}"),
                     f.t(f"Prix /{f.n(price_max, 0)}", f"Price /{f.n(price_max, 0)}")]
            d.table([f.t("Rang", "Rank"), f.t("Offre", "Offer"), *(parts if split else []),
                     f"Total /{f.n(v.total_points, 0)}", f.t("Écart", "Gap"),
                     f.t("Observations", "Remarks")],
                    rows, [1.3, 3.8, 2.2, 1.6, 1.8, 1.7, 4.6] if split
                    else [1.3, 5.5, 2.0, 2.0, 6.2], align="clrrrrl" if split else "clrrl")
        unranked = [r for r in ev.vendors if r.rank is None]
        if unranked:
            d.label(f.t("Offres non classées", "Offers not ranked"))
            d.table([f.t("Offre", "Offer"), f.t("Motif", "Reason")],
                    [[f.name(r.vendor), self._unranked_reason(r)] for r in unranked],
                    [5.0, 12.0])
        for number, (png, caption) in enumerate(_charts(v), start=1):
            d.picture(png, f"Figure {number} – {caption}")

    def _unranked_reason(self, result: VendorResult) -> str:
        f = self.f
        status = STATUSES[result.status].get(self.lang)
        if result.knockouts:
            return status + f.colon + ", ".join(k.question_id for k in result.knockouts) + (
                f.t(" (section 4.1)", " (section 4.1)"))
        if result.file_errors:
            return status + f.colon + f.sentence(result.file_errors[0].get(self.lang)) + (
                f.t(" (section 2)", " (section 2)"))
        return status

    # 8

    def robustness_section(self) -> None:
        d, f = self.d, self.f
        d.heading(_section_title(8, self.lang), 1)
        rb = self.robustness
        if rb is None:
            d.para(f.t("L'analyse de robustesse n'a pas été jointe à ce rapport.",
                       "The robustness analysis was not attached to this report."))
            return
        if self._close_call():
            d.para(("b", f.t("Pas de gagnant net : ", "No clear winner: ")), f.t(
                "l'écart entre les deux premières offres est inférieur au seuil retenu ; "
                "le classement doit être examiné avec prudence.",
                "the gap between the first two offers is below the chosen threshold; the "
                "ranking must be read with caution."))
        d.para(f.t(
            "Le classement a été soumis à des variations : pondérations, méthode de notation "
            "du prix, retrait d'une offre, retrait d'un évaluateur. Constats :",
            "The ranking was tested against variations: weights, price scoring method, one "
            "offer removed, one evaluator left out. Findings:"))
        d.bullets(f.sentence(s) for s in rb.sentences(self.lang))
        params = f.sep.join(
            f"{_label(ROBUSTNESS_PARAMETER_LABELS, k, self.lang)}{f.colon}{_plain(value, f)}"
            for k, value in sorted(rb.parameters.items()))
        d.para(("i", f.t("Paramètres : ", "Parameters: ") + params + "."),
               style=d.small_style_id)

    def _close_call(self) -> bool:
        rb = self.robustness
        return bool(rb is not None and getattr(rb.close_call, "flagged", False))

    # 9

    def award(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(_section_title(9, self.lang), 1)
        if not v.ranking:
            d.para(("b", f.t("Aucune offre n'est classée : il est proposé de déclarer la "
                             "procédure infructueuse.",
                             "No offer is ranked: it is proposed to declare the procedure "
                             "unsuccessful.")))
            d.para(f.t("Motif : ", "Reason: ") + self._unsuccessful_reason())
            return
        if v.tied_first or v.winner is None:
            tied = [f.name(r.vendor) for r in v.ranking if r.rank == 1]
            d.para(("b", f.t("Les offres " + ", ".join(tied) + " sont à égalité en tête.",
                             "Offers " + ", ".join(tied) + " are tied first.")))
            d.para(f.t(
                "Aucune attribution n'est proposée automatiquement : il appartient à l'acheteur "
                "de départager ces offres selon les modalités prévues par les documents de la "
                "consultation.",
                "No award is proposed automatically: the buyer must separate these offers as "
                "provided by the consultation documents."))
            return
        winner = v.winner
        d.para(f.t("Il est proposé d'attribuer le marché à ", "It is proposed to award the "
                                                               "contract to "),
               ("b", f.name(winner.vendor)),
               f.t(f", dont l'offre, régulière, est classée première avec "
                   f"{f.pts(winner.total)} points sur {f.n(v.total_points, 0)}.",
                   f", whose compliant offer is ranked first with {f.pts(winner.total)} "
                   f"points out of {f.n(v.total_points, 0)}."))
        if len(v.ranking) > 1:
            second = v.ranking[1]
            d.para(f.t(f"L'offre suivante, {f.name(second.vendor)}, obtient "
                       f"{f.pts(second.total)} points (écart : "
                       f"{f.pts(winner.total - second.total)} points).",
                       f"The next offer, {f.name(second.vendor)}, has {f.pts(second.total)} "
                       f"points (gap: {f.pts(winner.total - second.total)} points)."))
        reservations = []
        if self._close_call():
            reservations.append(f.t(
                "pas de gagnant net : l'écart avec l'offre suivante est sous le seuil retenu "
                "(section 8)", "no clear winner: the gap with the next offer is below the "
                "chosen threshold (section 8)"))
        if "abnormally-low" in winner.flags:
            reservations.append(f.t(
                "le prix de l'offre paraît anormalement bas : la proposition est subordonnée à "
                "l'examen des justifications demandées par écrit (section 4.2)",
                "the price looks abnormally low: the proposal depends on the written "
                "justification requested (section 4.2)"))
        if ev.pending_reviews:
            reservations.append(f.t("des réponses attendent encore la notation des "
                                    "évaluateurs (section 5)",
                                    "some answers still await the evaluators' scores "
                                    "(section 5)"))
        if reservations:
            d.label(f.t("Réserves : ", "Reservations: "))
            d.bullets(reservations)

    def _unsuccessful_reason(self) -> str:
        f, ev, p = self.f, self.evaluation, self.procedure
        non_compliant = sum(1 for r in ev.vendors if r.status == "non-compliant")
        rejected = sum(1 for r in ev.vendors if r.status == "file-rejected") + len(p.rejected)
        if not ev.vendors:
            return f.t("aucune offre n'a été reçue ou analysée.",
                       "no offer was received or evaluated.")
        parts = []
        if non_compliant:
            parts.append(f.t(f"{non_compliant} offre(s) irrégulière(s) (section 4)",
                             f"{non_compliant} non-compliant offer(s) (section 4)"))
        if rejected:
            parts.append(f.t(f"{rejected} pli(s) écarté(s) avant l'analyse (section 2)",
                             f"{rejected} file(s) set aside before the analysis (section 2)"))
        return f.t("aucune offre régulière : ", "no compliant offer: ") + ", ".join(parts) + "."

    # 10

    def signatures(self) -> None:
        d, f, p = self.d, self.f, self.procedure
        d.heading(_section_title(10, self.lang), 1)
        place = f.text(p.place, 200) if p.place else "………………"
        d.para(f.t(f"Fait à {place}, le {f.date(self.generated)}.",
                   f"Done at {place}, on {f.date(self.generated)}."))
        people = [(f.text(s.name, 200), f.text(s.role, 200)) for s in p.signatories] or [
            ("", ""), ("", "")]
        d.table([f.t("Nom", "Name"), f.t("Qualité", "Role"), "Signature"],
                [[name, role, ""] for name, role in people], [5.0, 5.5, 6.5], row_height=2.2)

    # annexes

    def annex_questions(self) -> None:
        d, f, v = self.d, self.f, self.view
        d.heading(_annex_title(0, self.lang), 1)
        for criterion in v.criteria:
            d.para(("b", f"{criterion.id} – {f.text(v.title(criterion), 200)}"))
            rows = []
            for question in criterion.questions:
                note = []
                if question.knockout is not None:
                    note.append(f.t("éliminatoire", "knock-out"))
                if question.na_allowed:
                    note.append(f.t("« sans objet » admis", "N/A allowed"))
                if question.evidence.value == "required":
                    note.append(f.t("preuve exigée", "evidence required"))
                rows.append([question.id, f.text(question.text.get(self.lang), 400),
                             _rule(question, self.lang), f.n(question.weight, 1),
                             ", ".join(note)])
            d.table([f.t("Id", "Id"), f.t("Question", "Question"),
                     f.t("Règle de notation", "Scoring rule"), f.t("Poids", "Weight"),
                     f.t("Remarques", "Notes")],
                    rows, [1.8, 6.1, 4.9, 1.5, 2.7], align="lllrl")

    def annex_answers(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(_annex_title(1, self.lang), 1)
        shown = [r for r in [*v.ranking, *(x for x in ev.vendors if x.status == "non-compliant")]]
        if not shown:
            d.para(f.t("Aucune réponse n'a été notée.", "No answer was scored."))
            return
        d.para(f.t(
            f"Pour chaque offre, chaque question notée : la réponse (coupée au-delà de "
            f"{f.n(ANNEX_LIMIT, 0)} caractères), les points obtenus sur les points possibles, "
            "la justification et la preuve citées, et l'origine de la note.",
            f"For each offer, each scored question: the answer (cut beyond "
            f"{f.n(ANNEX_LIMIT, 0)} characters), the points earned out of the points "
            "available, the justification and evidence cited, and where the score came "
            "from."))
        for index, result in enumerate(shown, start=1):
            status = STATUSES[result.status].get(self.lang)
            d.heading(f"B.{index} {f.name(result.vendor, _HEADING_NAME_LIMIT)}", 2)
            d.para(("i", f"{status} – {f.t('total', 'total')} {f.pts(result.total)} / "
                         f"{f.n(v.total_points, 0)}"))
            rows = []
            for line in v.lines.get(result.vendor, ()):
                justification = f.text(line.justification, ANNEX_LIMIT)
                if line.evidence.strip():
                    justification += ("\n" if justification else "") + f.t(
                        "Preuve : ", "Evidence: ") + f.text(line.evidence, 500)
                remarks = [SOURCES[line.source].get(self.lang)]
                if line.state is not AnswerState.ANSWERED:
                    remarks.append(STATES[line.state.value].get(self.lang))
                remarks += [f.sentence(flag_label(x, self.lang)) for x in line.flags]
                points = (f"{f.pts(line.points)}\u00a0/\u00a0{f.pts(line.max_points)}"
                          if line.counted else f.t("non compté", "not counted"))
                rows.append([line.question_id, v.answer(line, ANNEX_LIMIT), points,
                             justification, f.sep.join(dict.fromkeys(remarks))])
            d.table([f.t("Question", "Question"), f.t("Réponse", "Answer"),
                     f.t("Points", "Points"), f.t("Justification et preuve",
                                                  "Justification and evidence"),
                     f.t("Origine, remarques", "Source, remarks")],
                    rows, [2.1, 5.7, 2.3, 4.5, 2.4], align="llrll")

    def annex_audit(self) -> None:
        from ai_procurement import __version__

        d, f, ev, p = self.d, self.f, self.evaluation, self.procedure
        q = ev.questionnaire
        d.heading(_annex_title(2, self.lang), 1)
        rows = [("ai_procurement", __version__),
                (f.t("Date du rapport", "Report date"), self.generated.isoformat()),
                (f.t("Empreinte du questionnaire", "Questionnaire fingerprint"), q.fingerprint),
                (f.t("Banque de questions", "Question bank"), f"{q.bank.id} {q.bank.version}"),
                (f.t("Pondération", "Weighting"), _plain(dict(q.weighting), f, 1500))]
        rows += [(_label(SETTING_LABELS, name, self.lang), _setting(name, value, f))
                 for name, value in attrs.asdict(ev.settings).items()]
        if ev.low_offers is not None:
            factors = [f"{_label(LOW_OFFER_PARAMETER_LABELS, k, self.lang)}{f.colon}"
                       f"{_plain(x, f)}" for k, x in ev.low_offers.parameters.items()]
            rows.append((f.t("Détection des offres anormalement basses",
                             "Abnormally low offer check"),
                         f.sep.join([_setting("low_offer_method", ev.low_offers.method, f),
                                     *factors])))
        if self.robustness is not None:
            rows += [(_label(ROBUSTNESS_PARAMETER_LABELS, k, self.lang), _plain(value, f))
                     for k, value in sorted(self.robustness.parameters.items())]
        d.key_values(rows, (5.5, 11.5))
        d.label(f.t("Fichiers lus", "Files read"))
        if ev.inputs:
            d.table([f.t("Offre", "Offer"), f.t("Fichier", "File"), "SHA-256"],
                    [[f.name(i.vendor), f.text(i.file, 300), i.sha256 or "—"]
                     for i in ev.inputs], [3.5, 4.5, 9.0])
        else:
            d.para(f.t("Aucun fichier enregistré.", "No file recorded."))
        evaluators = sorted({s.evaluator for s in ev.evaluator_scores})
        if evaluators:
            d.para(f.t("Évaluateurs : ", "Evaluators: ")
                   + ", ".join(f.text(e, 200) for e in evaluators) + f.t(
                       f" ; {len(ev.evaluator_scores)} note(s) ; consensus par "
                       f"{ev.settings.consensus}.",
                       f"; {len(ev.evaluator_scores)} score(s); consensus by "
                       f"{ev.settings.consensus}."))
        if ev.overrides:
            d.label(f.t("Corrections motivées", "Reasoned overrides"))
            d.table([f.t("Offre", "Offer"), f.t("Question", "Question"),
                     f.t("Décision", "Decision"), f.t("Motif", "Rationale"),
                     f.t("Par", "By")],
                    [[f.name(o.vendor), o.question_id,
                      (f.t("niveau ", "level ") + str(o.level)) if o.level is not None
                      else f.t("fraction ", "fraction ") + f.n(o.fraction or 0.0, 2),
                      f.text(o.rationale, ANNEX_LIMIT), f.text(o.by, 200)]
                     for o in ev.overrides], [3.0, 1.8, 2.2, 7.5, 2.5])
        if ev.divergences:
            d.label(f.t("Divergences entre évaluateurs", "Evaluator divergences"))
            d.table([f.t("Offre", "Offer"), f.t("Question", "Question"),
                     f.t("Niveaux", "Levels"), f.t("Écart", "Spread")],
                    [[f.name(x.vendor), x.question_id,
                      ", ".join(f"{f.text(k, 100)}: {lv}" for k, lv in sorted(x.levels.items())),
                      f.pct(x.spread)] for x in ev.divergences], [4.0, 2.0, 8.5, 2.5],
                    align="lllr")
        if ev.pending_reviews:
            d.para(f.t("Réponses en attente d'évaluation : ", "Answers awaiting review: ")
                   + ", ".join(f"{f.name(vendor)} {qid}" for vendor, qid in ev.pending_reviews)
                   + ".")
        d.label(f.t("Journal de la procédure", "Procedure log"))
        if p.audit_trail:
            d.bullets(f.text(line, ANNEX_LIMIT) for line in p.audit_trail)
        else:
            d.para(f.t("Aucune entrée fournie.", "No entry given."))


def _knockout_answer(view: _View, vendor: str, failure: KnockOutFailure) -> str:
    """The answer that failed a knock-out, as the vendor saw it (option labels)."""
    for line in view.lines.get(vendor, ()):
        if line.question_id == failure.question_id:
            return view.answer(line, BODY_LIMIT)
    return view.f.text(failure.answer, BODY_LIMIT)


def _question_label(view: _View, question_id: str) -> str:
    question = view.questions.get(question_id)
    if question is None:
        return question_id
    return f"{question_id} – {view.f.text(question.text.get(view.lang), 300)}"


def _knockout_rule(view: _View, failure: KnockOutFailure) -> str:
    """The knock-out rule with option labels rather than option ids."""
    question = view.questions.get(failure.question_id)
    ko = question.knockout if question is not None else None
    if question is None or ko is None or not ko.when:
        return failure.rule.get(view.lang)
    labels = [display_value(question, value, view.lang) if value in (
        option_ids(question.answer) or ()) else value for value in ko.when]
    return view.f.t("Éliminatoire si la réponse est : ", "Disqualifying if the answer is: ") + (
        view.f.t(" ou ", " or ").join(f"«\u00a0{x}\u00a0»" if view.lang == "fr" else f"'{x}'"
                                      for x in labels))


def _rule(question: Question, lang: Lang) -> str:
    from ai_procurement.decision.scoring import describe_rule

    try:
        return describe_rule(question).get(lang)
    except (AttributeError, TypeError, ValueError):
        return ""


def _label(labels: Mapping[str, Text], key: str, lang: Lang) -> str:
    """A parameter's label with its code name (``Méthode ... (price_method)``)."""
    label = labels.get(key)
    return f"{label.get(lang)} ({key})" if label is not None else key


def _setting(name: str, value: object, f: _Fmt) -> str:
    """A setting's value, in words where the code has a name (with the code)."""
    names = {"price_method": PRICE_METHOD_NAMES,
             "low_offer_method": LOW_OFFER_METHOD_NAMES}.get(name)
    if names is not None and isinstance(value, str) and value in names:
        return f"{names[value].get(f.lang)} ({value})"
    return _plain(value, f)


def _plain(value: object, f: _Fmt, limit: int = 500) -> str:
    """A setting or parameter as text for the audit trail."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        shown = f"{value:g}"
        return shown.replace(".", ",") if f.lang == "fr" else shown
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k}: {_plain(v, f, limit)}" for k, v in value.items())
        return f.text("{" + inner + "}", limit)
    return f.text(str(value), limit)


# -- public functions --------------------------------------------------------------------

def _check_output(path: str | os.PathLike[str], overwrite: bool) -> Path:
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target} already exists; refusing to overwrite an earlier "
                                "result (pass overwrite=True, or --force on the command line)")
    return target


def _check_lang(lang: str) -> Lang:
    if lang not in ("fr", "en"):
        raise ScoringError(f"lang must be 'fr' or 'en', got {lang!r}")
    return "fr" if lang == "fr" else "en"


def write_memo(evaluation: Evaluation, path: str | os.PathLike[str], *, lang: Lang = "fr",
               robustness: Robustness | None = None, generated: dt.date | None = None,
               procedure: Procedure | None = None, overwrite: bool = False) -> Path:
    """Write the analysis report (rapport d'analyse des offres) of ``evaluation``.

    The sections follow the French report: subject and buyer; procedure; published
    criteria and weights with the questionnaire fingerprint; compliance (knock-outs,
    abnormally low offers); analysis criterion by criterion with justified notes; price;
    ranking with charts; robustness; award proposal (or the procedure declared
    unsuccessful); signatures; annexes (questions, answers per offer, audit trail).

    Args:
        evaluation: the scored offers.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``; every text and number follows it.
        robustness: the robustness checks of ``evaluation``, stated in plain sentences;
            None says in the memo that they were not attached.
        generated: the report date (also the document's creation date); None is today.
            The same evaluation and date give byte-identical files.
        procedure: procedure facts the evaluation does not hold (type, dates, files set
            aside, audit lines, signatories); None leaves them blank.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
        ScoringError: ``lang`` is not ``"fr"`` or ``"en"``.
    """
    language = _check_lang(lang)
    target = _check_output(path, overwrite)
    memo = _Memo(evaluation, language, robustness, generated or dt.date.today(),
                 procedure or Procedure())
    data = memo.build()
    from ai_procurement._office.files import write_atomic

    write_atomic(target, data, overwrite=overwrite)
    return target


def write_debrief(evaluation: Evaluation, vendor: str, path: str | os.PathLike[str], *,
                  lang: Lang = "fr", generated: dt.date | None = None,
                  procedure: Procedure | None = None, overwrite: bool = False) -> Path:
    """Write the letter telling an unsuccessful vendor why its offer was not chosen.

    The letter gives the vendor's points beside the winner's for each criterion, its
    rank, the reasons (its weakest answers; the mandatory requirements it failed; why
    its file was set aside), the winner's name and total, and the standstill period
    before the contract is signed (R2182-1 of the code de la commande publique) with
    the vendor's right to ask for further details (R2181-3 and R2181-4).

    Args:
        evaluation: the scored offers.
        vendor: the unsuccessful vendor.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        generated: the letter's date; None is today.
        procedure: gives the place and signatory of the letter, when known.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        ScoringError: ``vendor`` is not in the evaluation, is ranked first, or several
            offers are tied first (the award is not decided yet).
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
    """
    language = _check_lang(lang)
    known = {v.vendor for v in evaluation.vendors}
    if vendor not in known:
        raise ScoringError(f"unknown vendor {vendor!r}: a debrief letter is written for one "
                           f"of the vendors evaluated {sorted(known)}")
    result = evaluation.vendor(vendor)
    if result.rank == 1:
        raise ScoringError(f"vendor {vendor!r} is ranked first: a debrief letter is for "
                           "unsuccessful vendors only")
    view = _View(evaluation, language)
    if view.tied_first:
        raise ScoringError("several offers are tied first: decide the award before writing "
                           "debrief letters")
    target = _check_output(path, overwrite)
    data = _debrief(view, result, generated or dt.date.today(), procedure or Procedure())
    from ai_procurement._office.files import write_atomic

    write_atomic(target, data, overwrite=overwrite)
    return target


def _debrief(view: _View, result: VendorResult, generated: dt.date,
             procedure: Procedure) -> bytes:
    f, ev, lang = view.f, view.evaluation, view.lang
    consultation = ev.questionnaire.consultation
    d = _Doc(lang, title=f.t("Information d'un soumissionnaire évincé",
                             "Notice to an unsuccessful bidder"),
             subject=consultation.title, author=consultation.buyer, generated=generated,
             vertical_margin=1.5)
    d.footer(f"{f.text(consultation.buyer, 80)} – {f.text(consultation.reference, 60)}")
    d.para(("b", f.text(consultation.buyer, 300)))
    if consultation.contact:
        d.para(f.text(consultation.contact, 300))
    d.gap()
    d.para(("b", f.name(result.vendor)), align="right")
    place = f.text(procedure.place, 200) if procedure.place else ""
    d.para((f.t(f"{place}, le ", f"{place}, ") if place else f.t("Le ", "")) + f.date(generated),
           align="right")
    subject = f.t(f"Objet : consultation {f.text(consultation.reference, 200)} – "
                  f"{f.text(consultation.title, 300)}",
                  f"Subject: consultation {f.text(consultation.reference, 200)} – "
                  f"{f.text(consultation.title, 300)}")
    if procedure.lot:
        subject += f", lot {f.text(procedure.lot, 200)}"
    d.gap()
    d.para(("b", subject + f.t(" – information sur le rejet de votre offre",
                               " – outcome of your offer")))
    d.gap()
    d.para(f.t("Madame, Monsieur,", "Dear Sir or Madam,"))
    winner = view.winner
    max_points = f.n(view.total_points, 0)
    if result.status == "file-rejected":
        d.para(f.t("Nous avons le regret de vous informer que votre pli n'a pas pu être "
                   "analysé, pour le(s) motif(s) suivant(s) :",
                   "We regret to inform you that your file could not be evaluated, for the "
                   "following reason(s):"))
        d.bullets(f.sentence(e.get(lang)) for e in result.file_errors)
    elif result.status == "non-compliant":
        d.para(f.t("Nous avons le regret de vous informer que votre offre est irrégulière : "
                   "elle ne satisfait pas à une ou plusieurs exigences éliminatoires publiées "
                   "dans les documents de la consultation. Elle a donc été écartée du "
                   "classement. Motif(s) :",
                   "We regret to inform you that your offer is non-compliant: it fails one "
                   "or more mandatory requirements published in the consultation documents. "
                   "It was therefore left out of the ranking. Reason(s):"))
        d.table([f.t("Question", "Question"), f.t("Votre réponse", "Your answer"),
                 f.t("Règle", "Rule"), f.t("Motif", "Reason")],
                [[_question_label(view, k.question_id), _knockout_answer(view, result.vendor, k),
                  _knockout_rule(view, k), k.reason.get(lang)]
                 for k in result.knockouts], [5.0, 3.0, 3.5, 5.5])
    else:
        ranked = len(view.ranking)
        d.para(f.t(
            f"Nous avons le regret de vous informer que votre offre n'a pas été retenue. "
            f"Elle est classée {result.rank}e sur {ranked} offres classées, avec "
            f"{f.pts(result.total)} points sur {max_points}.",
            f"We regret to inform you that your offer was not selected. It is ranked "
            f"{_ordinal(result.rank or 0)} of {ranked} ranked offers, with "
            f"{f.pts(result.total)} points out of {max_points}."))
    if winner is not None:
        d.para(f.t("L'offre retenue est celle de ", "The offer selected is that of "),
               ("b", f.name(winner.vendor)),
               f.t(f", classée première avec {f.pts(winner.total)} points sur {max_points} : "
                   "c'est l'offre économiquement la plus avantageuse au regard des critères "
                   "publiés.",
                   f", ranked first with {f.pts(winner.total)} points out of {max_points}: it "
                   "is the most economically advantageous offer under the published "
                   "criteria."))
    elif not view.ranking:
        d.para(f.t("Aucune offre n'étant régulière, la procédure est déclarée infructueuse.",
                   "As no offer is compliant, the procedure is declared unsuccessful."))
    if result.status == "ranked" and winner is not None:
        d.label(f.t("Comparaison par critère", "Comparison by criterion"))
        rows = []
        scored = [c for c in view.criteria if view.points.get(c.id, 0.0) > 0]
        for criterion in scored:
            rows.append([f.text(view.title(criterion), 200), f.pts(view.points[criterion.id]),
                         f.pts(result.criteria.get(criterion.id, 0.0)),
                         f.pts(winner.criteria.get(criterion.id, 0.0))])
        rows.append([f.t("Total", "Total"), f.pts(view.total_points), f.pts(result.total),
                     f.pts(winner.total)])
        d.table([f.t("Critère", "Criterion"), f.t("Points possibles", "Points available"),
                 f.t("Votre offre", "Your offer"),
                 f.t("Offre retenue", "Selected offer") + f" ({f.name(winner.vendor, 60)})"],
                rows, [7.4, 3.0, 3.0, 3.6], align="lrrr", bold_rows=[len(rows) - 1])
        behind = sorted(((winner.criteria.get(c.id, 0.0) - result.criteria.get(c.id, 0.0), c)
                         for c in scored), key=lambda item: (-item[0], item[1].id))
        behind = [(gap, c) for gap, c in behind if gap > 0][:3]
        if behind:
            d.label(f.t("Motifs : points faibles de votre offre",
                             "Reasons: weak points of your offer"))
            for gap, criterion in behind:
                weak = sorted((ln for ln in view.criterion_lines(result.vendor, criterion.id)
                               if ln.counted and ln.max_points > 0 and ln.fraction < _WEAKNESS),
                              key=lambda ln: (-(ln.max_points * (1 - ln.fraction)),
                                              ln.question_id))[:_MAX_CITED]
                text = f.t(f"{f.text(view.title(criterion), 200)} : {f.pts(gap)} point(s) de "
                           "moins que l'offre retenue",
                           f"{f.text(view.title(criterion), 200)}: {f.pts(gap)} point(s) "
                           "fewer than the selected offer")
                if weak:
                    text += f.t(" ; réponses les plus faibles : ", "; weakest answers: ") + (
                        " ; " if lang == "fr" else "; ").join(_cite(view, ln) for ln in weak)
                d.bullets([text + "."])
        if view.price_criterion is not None and ev.price is not None and (
                result.vendor in ev.price.points):
            d.para(f.t("Prix : ", "Price: ") + f.money(ev.price.prices[result.vendor])
                   + f.t(" pour votre offre, ", " for your offer, ")
                   + f.money(ev.price.prices.get(winner.vendor, 0.0))
                   + f.t(" pour l'offre retenue.", " for the selected offer."))
    d.label(f.t("Délai de suspension et voies de recours",
                     "Standstill period and remedies"))
    d.para(f.t(
        "Lorsque la procédure y est soumise (procédure formalisée), le marché ne sera pas "
        "signé avant l'expiration d'un délai de onze jours à compter de l'envoi de la présente "
        "notification par voie électronique, porté à seize jours si elle n'est pas transmise "
        "par voie électronique (article R2182-1 du code de la commande publique). Pendant ce "
        "délai, vous pouvez former un référé précontractuel devant le tribunal administratif "
        "(article L551-1 du code de justice administrative).",
        "Where the procedure is subject to it (formalised procedures), the contract will not "
        "be signed before a standstill period of eleven days from the electronic sending of "
        "this notice, or sixteen days if it is not sent electronically (French public "
        "procurement code, R2182-1). During this period you may bring a pre-contractual "
        "summary action before the administrative court (code of administrative justice, "
        "L551-1)."))
    d.para(f.t(
        "Vous pouvez nous demander des précisions complémentaires sur les motifs du rejet de "
        "votre offre ; si votre offre n'a été écartée ni comme irrégulière, ni comme "
        "inacceptable, ni comme inappropriée, vous pouvez aussi obtenir les caractéristiques "
        "et les avantages de l'offre retenue (articles R2181-3 et R2181-4 du code de la "
        "commande publique).",
        "You may ask us for further details of the reasons why your offer was rejected; if "
        "your offer was not rejected as non-compliant, unacceptable or unsuitable, you may "
        "also obtain the characteristics and relative advantages of the offer selected "
        "(French public procurement code, R2181-3 and R2181-4)."))
    d.para(f.t(
        "Nous vous remercions de l'intérêt que vous avez porté à cette consultation et vous "
        "prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "Thank you for your interest in this consultation. Yours faithfully,"), keep=True)
    signer = procedure.signatories[0] if procedure.signatories else None
    if signer is not None:
        d.para(("b", f.text(signer.name, 200)), align="right", keep=True)
        if signer.role:
            d.para(f.text(signer.role, 200), align="right")
    else:
        d.para(("b", f.text(consultation.buyer, 300)), align="right")
    return d.save()


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10,
                                                                                "th")
    return f"{rank}{suffix}"
