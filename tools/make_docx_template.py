"""Build the Word templates of the decision memo and the debrief letters.

The templates hold the design of every Word document the library writes (styles, A4
page set-up, footer with page numbers, fields updated on opening); the code only adds
content. They are committed as package data in
``src/ai_procurement/deliverables/templates/`` (``report-fr.docx``, ``report-en.docx``:
the same design, with French or British English as the proofing language).

Regenerate them after changing this script, from the repository root::

    PYTHONPATH=src python tools/make_docx_template.py

The output is byte-identical from one run to the next (fixed dates and zip timestamps);
``tests/deliverables/test_memo.py`` checks the committed files match this script.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ai_procurement._office.files import normalise_zip

FONT = "Arial"
FOLDER = Path(__file__).resolve().parents[1] / "src/ai_procurement/deliverables/templates"
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
DATE = dt.date(2026, 1, 1)
MARGIN = 2.0
TEXT_WIDTH = 21.0 - 2 * MARGIN
# Styles of python-docx's default template the documents use; every other is removed,
# so the styles pane shows only what the documents hold.
KEPT = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Title",
        "Heading 1", "Heading 2", "List Bullet", "Caption", "Table Grid"}
BLUE = RGBColor(0x1F, 0x3A, 0x5F)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def build(lang: str) -> bytes:
    """The template in ``lang`` (``"fr"`` or ``"en"``)."""
    document = docx.Document()
    styles = document.styles
    for style in list(styles):
        if style.name not in KEPT:
            style.delete()

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(MARGIN)
    section.top_margin = section.bottom_margin = Cm(MARGIN)
    section.header_distance = section.footer_distance = Cm(1.0)

    _fonts_and_language(document, LANGUAGES[lang])
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before in (("Title", 24, 0), ("Heading 1", 14, 16),
                               ("Heading 2", 11.5, 10)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    styles["Caption"].font.size = Pt(8.5)
    styles["Caption"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)

    def add(name: str, size: float, *, before: float = 0, after: float = 0,
            indent: float = 0, keep: bool = False) -> None:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = 1.0
        if indent:
            fmt.left_indent = Cm(indent)
        if keep:
            fmt.keep_with_next = True

    add("Small", 8.5, after=2)
    add("Table Text", 8.5)
    add("Note Head", 9, before=6, after=1, keep=True)
    add("Note", 8.5, after=1, indent=0.5)
    add("TOC 1", 9.5, after=2, indent=0.3)
    # Word's updated table of contents puts each page number at the right margin.
    styles["TOC 1"].paragraph_format.tab_stops.add_tab_stop(
        Cm(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    footer = section.footer.paragraphs[0]
    footer.style = styles["Small"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("")  # the document's own text goes here
    footer.add_run(" – page ")
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")

    # Word updates fields (the table of contents, page numbers) when it opens the file.
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)

    # python-docx's default template carries a thumbnail of its own (blank) first page;
    # a file browser would show it as the memo's preview.
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rid]
    # Nor a second copy of Word 2010's full style set (stylesWithEffects.xml, 440 kB,
    # every style removed above): Word reads styles.xml.
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            del document.part.rels[rid]

    props = document.core_properties
    props.title = props.subject = props.author = props.comments = props.keywords = ""
    props.category = ""
    props.last_modified_by = "ai_procurement"
    props.revision = 1
    props.language = LANGUAGES[lang]
    moment = dt.datetime(DATE.year, DATE.month, DATE.day, tzinfo=dt.UTC)
    props.created = props.modified = props.last_printed = moment
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), DATE)


def _fonts_and_language(document: Any, language: str) -> None:
    # Named fonts instead of the theme's: LibreOffice resolves theme fonts to a serif
    # face, so its PDF would not look like the Word document.
    root = document.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        for key in list(fonts.attrib):
            if key.lower().endswith("theme"):
                del fonts.attrib[key]
        for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(key), FONT)
    for element in root.iter(qn("w:lang")):
        element.set(qn("w:val"), language)


def _field(paragraph: Any, code: str) -> None:
    """A field showing ``1`` until the reader computes it."""
    for kind in ("begin", "instr", "separate", "1", "end"):
        run = paragraph.add_run("1" if kind == "1" else "")
        if kind == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {code} "
            run.element.append(text)
        elif kind != "1":
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.element.append(char)


def main() -> None:
    """Write both templates; with ``--check``, only say whether the committed ones match."""
    check = "--check" in sys.argv[1:]
    stale = []
    for lang in LANGUAGES:
        path = FOLDER / f"report-{lang}.docx"
        data = build(lang)
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path} ({len(data)} bytes)")
    if stale:
        sys.exit(f"out of date: {', '.join(map(str, stale))}; run tools/make_docx_template.py")


if __name__ == "__main__":
    main()
