"""The vendor's Excel questionnaire: layout and writer.

This is the only part of the product vendors see. The workbook must be fillable in
Excel or LibreOffice without a manual:

* a cover sheet with the consultation, the rules (not applicable, evidence) and a live
  completion counter per criterion (formulas computed on opening); on a generic copy
  (an open call, no vendor named), first of all a block where the bidder identifies
  itself (company, SIRET/SIREN, contact, base offer or variant). Its labels are layout,
  not signed: the HMAC covers the identity and the questions, never what is typed;
* one ``Questionnaire`` sheet with the questions grouped by criterion: question cells
  locked, answer cells unlocked and validated (drop-down lists kept on a hidden sheet
  behind defined names, so long labels and commas survive LibreOffice), one row per
  option for multiple-choice questions and per cost item for the price, so every
  answer is unambiguous, and a computed total under the cost items; conditional
  questions say when they apply and turn grey when they do not;
* a hidden identity sheet and custom document properties (bank, version,
  fingerprint, language, vendor token) signed with the buyer's key
  (:mod:`ai_procurement.workbooks.signing`).

The layout is computed by :func:`layout`, which :mod:`ai_procurement.workbooks.response` reuses to
know where each answer should be when the file comes back.

The workbook is written with XlsxWriter's public API, in memory: its zip members carry
a fixed date (1 January 1980) and the document dates are the ``created`` property we
set (:data:`FIXED_TIME`), so the same inputs give the same bytes. XlsxWriter cannot lock
a workbook's structure (sheet order and names): that protection was cosmetic anyway;
the reader reports a renamed or deleted sheet, and the HMAC any edited identity.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ai_procurement._office.xlsx import column_letter
from ai_procurement.bank.model import (
    AllOf,
    AnyOf,
    Applicability,
    Bank,
    Condition,
    Criterion,
    DateAnswer,
    Evidence,
    FreeText,
    MultipleChoice,
    Number,
    Price,
    Question,
    Recurrence,
    Scale,
    SingleChoice,
    SubCriterion,
    Verification,
    YesNo,
    effective_condition,
    needs_verification,
)
from ai_procurement.errors import QuestionnaireError
from ai_procurement.questionnaire import (
    Questionnaire,
    aggregation_sentence,
    sub_criterion_points,
)
from ai_procurement.text import LANGUAGES, Lang, Text, msg
from ai_procurement.workbooks.signing import Identity, vendor_token

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["Row", "dqe_rows", "identification_cells", "layout", "write_questionnaire"]

SHEET_COVER: dict[Lang, str] = {"fr": "Consignes", "en": "Instructions"}
SHEET_QUESTIONS = "Questionnaire"
SHEET_LISTS = "_lists"
SHEET_IDENTITY = "_identity"
SHEET_DQE = "DQE"
"""The price sheet of a DQE-priced questionnaire (détail quantitatif estimatif)."""
PROPERTY_PREFIX = "ai_procurement."
HEADER_ROW = 4
FIRST_ROW = 5
"""Answers start on this row; rows 1-3 hold the title, 4 the column headers."""

# Column letters of the Questionnaire sheet, shared with the reader.
COL_REF, COL_QUESTION, COL_GUIDANCE, COL_EXPECTED = "A", "B", "C", "D"
COL_ANSWER, COL_NA, COL_COMMENT = "E", "F", "G"
COL_DOC, COL_PAGE, COL_LINK = "H", "I", "J"
COL_DONE, COL_CRITERION, COL_KEY = "K", "L", "M"
LAST_COL = COL_KEY
INPUT_COLUMNS = (COL_ANSWER, COL_NA, COL_COMMENT, COL_DOC, COL_PAGE, COL_LINK)

# Columns of the DQE sheet, shared with the reader: item, label, unit, quantity (set by
# the buyer, locked), unit price (the bidder's input), line total (a formula written
# here, never read), hidden key (the item id the row belongs to).
DQE_COL_ID, DQE_COL_LABEL, DQE_COL_UNIT, DQE_COL_QUANTITY = "A", "B", "C", "D"
DQE_COL_PRICE, DQE_COL_LINE, DQE_COL_KEY = "E", "F", "G"
DQE_HEADER_ROW = 5
DQE_FIRST_ROW = 6
"""DQE items start on this row; rows 1-4 hold the title, the instructions and the rule."""
DQE_TOTAL_KEY = "#total"

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Timestamp written in every workbook, so the same inputs give the same bytes."""

FONT = "Calibri"
INPUT_FILL = "#FFF2B3"
"""Answer cells: a light yellow that stays visible on screen and on paper."""
INPUT_BORDER = "#BF9000"
GRID = "#BFBFBF"
LOCKED_FILL = "#F2F2F2"
PROTECTION_PASSWORD = "ai-procurement"
"""Sheet protection password: cosmetic, published here on purpose."""


YES: dict[Lang, str] = {"fr": "Oui", "en": "Yes"}
NO: dict[Lang, str] = {"fr": "Non", "en": "No"}
NOT_APPLICABLE: dict[Lang, str] = {"fr": "Sans objet", "en": "Not applicable"}
_EXCLUDING_VAT = msg("excl. VAT")

# Printed columns A-J add up to 160 characters: fitted to the width of an A4 landscape
# page, 10-point text prints at about 8.5 points (at 284 characters it was 5), as
# measured on pages rendered by LibreOffice.
HEADERS = (
    (COL_REF, msg("Ref."), 8),
    (COL_QUESTION, msg("Question"), 41),
    (COL_GUIDANCE, msg("Why we ask and how to answer"), 29),
    (COL_EXPECTED, msg("Expected answer"), 13),
    (COL_ANSWER, msg("Your answer"), 19),
    (COL_NA, msg("Not applicable?"), 8),
    (COL_COMMENT, msg("Comment / justification"), 17),
    (COL_DOC, msg("Evidence: document"), 11),
    (COL_PAGE, msg("Page / section"), 6),
    (COL_LINK, msg("Link"), 8),
    (COL_DONE, msg("Done"), 6),
    (COL_CRITERION, msg("Criterion"), 8),
    (COL_KEY, msg("Key"), 16),
)
WIDTHS = {column: width for column, _, width in HEADERS}

IDENTIFICATION_FIELDS: tuple[tuple[str, Text], ...] = (
    ("name", msg("Company name")),
    ("registration", msg("SIRET (14 digits) or SIREN (9 digits)")),
    ("country", msg("Country of registration (ISO code, FR by default)")),
    ("foreign_registration", msg("Foreign company: number in its national register")),
    ("contact", msg("Contact: full name")),
    ("email", msg("Contact: e-mail")),
    ("offer_type", msg("Offer type")),
    ("variant", msg("Variant number (if a variant)")),
)
"""The identification block a bidder fills on the cover of a generic questionnaire."""

OFFER_TYPES: dict[Lang, tuple[str, str]] = {"fr": ("Offre de base", "Variante"),
                                            "en": ("Base offer", "Variant")}
"""The offer type drop-down: the base offer, or a variant (whose number is asked)."""

IDENT_HEADING_ROW = 10
"""Cover row of the identification block's heading (generic questionnaires only)."""
IDENT_FIRST_ROW = IDENT_HEADING_ROW + 3
"""Cover row of the first field: below the heading, a hint and the lot answered."""
COL_IDENT_LABEL, COL_IDENT_VALUE = "A", "B"


def identification_cells() -> dict[str, str]:
    """Field name -> the cover cell where the bidder types it (e.g. ``"name": "B13"``)."""
    return {name: f"{COL_IDENT_VALUE}{IDENT_FIRST_ROW + index}"
            for index, (name, _) in enumerate(IDENTIFICATION_FIELDS)}


@attrs.frozen
class Row:
    """One row of the Questionnaire sheet.

    ``kind`` is ``"criterion"`` (a band naming the criterion), ``"sub-criterion"`` (a
    sub-heading naming a sub-criterion and its published weight, before its questions;
    never an input), ``"question"`` (a question answered on its own row), ``"group"``
    (a multiple-choice or price question whose answers are on the following ``"item"``
    rows), ``"total"`` (the computed total under a price's cost items, never an input).
    ``key`` is what the hidden key column holds: the question id,
    ``"<question id>:<option or item id>"``, ``"<question id>#total"``,
    ``"#<criterion id>"`` or ``"#<criterion id>/<sub-criterion id>"``.
    """

    number: int
    kind: Literal["criterion", "sub-criterion", "question", "group", "item", "total"]
    key: str
    criterion: Criterion
    question: Question | None = None
    item: str | None = None
    sub_criterion: SubCriterion | None = None


_PER_BANK: dict[tuple[int, str], tuple[Bank, tuple[Any, ...]]] = {}
"""What every file of a questionnaire shares (its layout, its signed questions), by
``id`` of the bank and kind, kept with the bank so that the id is not reused."""
_PER_BANK_KEPT = 128
"""Entries kept: a few a lot, the files of a framework agreement's lots read in turn."""


def _per_bank(bank: Bank, kind: str, build: Callable[[], Sequence[Any]]) -> tuple[Any, ...]:
    """``build()`` for ``bank``, computed once (banks are immutable: it never goes stale)."""
    key = (id(bank), kind)
    cached = _PER_BANK.get(key)
    if cached is not None and cached[0] is bank:
        return cached[1]
    made = tuple(build())
    if len(_PER_BANK) >= _PER_BANK_KEPT:
        _PER_BANK.pop(next(iter(_PER_BANK)), None)
    _PER_BANK[key] = (bank, made)
    return made


def layout(questionnaire: Questionnaire) -> list[Row]:
    """Return the rows of the Questionnaire sheet, in order, starting at ``FIRST_ROW``."""
    # A buyer reads every vendor's file against one questionnaire: its layout is
    # computed once.
    bank = questionnaire.bank
    return list(_per_bank(bank, "layout", lambda: _layout(bank)))


def _layout(bank: Bank) -> list[Row]:
    rows: list[Row] = []
    number = FIRST_ROW
    for criterion in bank.criteria:
        rows.append(Row(number, "criterion", f"#{criterion.id}", criterion))
        number += 1
        subs = {s.id: s for s in criterion.sub_criteria}
        current: str | None = None
        for q in criterion.questions:
            if q.sub_criterion in subs and q.sub_criterion != current:
                # A sub-heading before each run of the sub-criterion's questions.
                current = q.sub_criterion
                rows.append(Row(number, "sub-criterion", f"#{criterion.id}/{current}",
                                criterion, sub_criterion=subs[current]))
                number += 1
            items = _items(q)
            if items is None:
                rows.append(Row(number, "question", q.id, criterion, q))
                number += 1
                continue
            rows.append(Row(number, "group", q.id, criterion, q))
            number += 1
            for item in items:
                rows.append(Row(number, "item", f"{q.id}:{item}", criterion, q, item))
                number += 1
            if isinstance(q.answer, Price):
                rows.append(Row(number, "total", f"{q.id}#total", criterion, q))
                number += 1
    return rows


def _items(q: Question) -> tuple[str, ...] | None:
    if isinstance(q.answer, MultipleChoice):
        return q.answer.option_ids
    if isinstance(q.answer, Price):
        return tuple(i.id for i in q.answer.items)
    return None


def price_question(questionnaire: Questionnaire) -> Question | None:
    """The price question of the questionnaire, or None (a bank has at most one)."""
    return next((q for _, q in questionnaire.bank.questions() if isinstance(q.answer, Price)),
                None)


def dqe_rows(spec: Price) -> dict[str, int]:
    """DQE item id -> its row on the DQE sheet; :data:`DQE_TOTAL_KEY` -> the total row."""
    rows = {line.id: DQE_FIRST_ROW + index for index, line in enumerate(spec.dqe)}
    rows[DQE_TOTAL_KEY] = DQE_FIRST_ROW + len(spec.dqe)
    return rows


def signed_questions(questionnaire: Questionnaire, lang: Lang) -> list[tuple[str, str]]:
    """The (question id, question text) pairs the HMAC covers, in order."""
    bank = questionnaire.bank
    return list(_per_bank(bank, f"signed-{lang}",
                          lambda: [(q.id, q.text.get(lang)) for _, q in bank.questions()]))


def choice_labels(q: Question, lang: Lang) -> list[tuple[str, str]]:
    """(answer value, label shown in the drop-down) for a single-answer question."""
    spec = q.answer
    if isinstance(spec, YesNo):
        return [("yes", YES[lang]), ("no", NO[lang])]
    if isinstance(spec, SingleChoice):
        return [(o.id, o.label.get(lang)) for o in spec.options]
    if isinstance(spec, Scale):
        return [(str(lv.value), f"{lv.value} – {lv.descriptor.get(lang)}") for lv in spec.levels]
    return []


def write_questionnaire(questionnaire: Questionnaire, path: str | os.PathLike[str],
                        lang: Lang = "fr", vendor: str | None = None, *, key: bytes,
                        overwrite: bool = False, total_points: float = 100.0) -> Path:
    """Write the Excel questionnaire a vendor fills in.

    Args:
        questionnaire: the frozen questionnaire.
        path: the ``.xlsx`` file to write (written atomically).
        lang: ``"fr"`` or ``"en"``: the language of every text in the workbook.
        vendor: the vendor's name for a personalised copy, or None for a blank copy.
        key: the buyer's secret signing key (:func:`ai_procurement.workbooks.signing.new_key`).
        overwrite: replace an existing file (otherwise :class:`OutputError`).
        total_points: the published scale of the score, used to show the points of
            each sub-criterion (shown only for criteria with sub-criteria).

    Returns:
        The path written.

    Raises:
        QuestionnaireError: unknown language or a key shorter than 16 bytes.
        OutputError: the file exists and ``overwrite`` is false.
    """
    if lang not in LANGUAGES:
        raise QuestionnaireError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    if len(key) < 16:
        raise QuestionnaireError("the signing key must be at least 16 bytes")
    data = questionnaire_bytes(questionnaire, lang, vendor, key=key, total_points=total_points)
    from ai_procurement._office.files import write_atomic

    target = Path(path)
    write_atomic(target, data, overwrite=overwrite)
    return target


def questionnaire_bytes(questionnaire: Questionnaire, lang: Lang, vendor: str | None, *,
                        key: bytes, total_points: float = 100.0) -> bytes:
    """Return the questionnaire workbook as bytes (see :func:`write_questionnaire`)."""
    if lang not in questionnaire.bank.languages:
        # Its texts are empty in that language: vendors would get blank questions.
        raise QuestionnaireError(msg(
            "bank {bank!r} has no {lang!r} texts (its languages: {languages}); add them, or "
            "write the questionnaire in {first!r}", bank=questionnaire.bank.id, lang=lang,
            languages=list(questionnaire.bank.languages),
            first=questionnaire.bank.languages[0]))
    token = vendor_token(key, vendor)
    identity = Identity(questionnaire.bank.id, questionnaire.bank.version,
                        questionnaire.fingerprint, lang, token)
    signature = identity.signature(key, signed_questions(questionnaire, lang))
    rows = layout(questionnaire)

    buffer = io.BytesIO()
    book = new_workbook(buffer, questionnaire.consultation.title)
    styles = Styles(book)
    cover = book.add_worksheet(SHEET_COVER[lang])
    sheet = book.add_worksheet(SHEET_QUESTIONS)
    priced = price_question(questionnaire)
    dqe = (book.add_worksheet(SHEET_DQE) if priced is not None
           and isinstance(priced.answer, Price) and priced.answer.dqe else None)
    lists = book.add_worksheet(SHEET_LISTS)
    ident = book.add_worksheet(SHEET_IDENTITY)
    _Writer(book, styles, sheet, lists, questionnaire, lang, total_points).write(rows)
    if dqe is not None and priced is not None:
        _write_dqe(dqe, styles, questionnaire, priced, lang)
    _write_cover(cover, styles, questionnaire, lang, vendor, rows)
    write_identity(book, ident, {**identity.fields(), "hmac": signature})
    lists.hide()
    protect(lists)
    ident.hide()
    book.close()
    return buffer.getvalue()


def new_workbook(buffer: io.BytesIO, title: str) -> Workbook:
    """An XlsxWriter workbook written to ``buffer``, with fixed document properties.

    Strings are never turned into formulas, numbers or links: vendor and bank texts
    stay literal text whatever they start with. The zip members and the document dates
    are fixed (see the module docstring), so equal content gives equal bytes.
    """
    from xlsxwriter import Workbook

    book = Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                             "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": safe_text(title), "author": "ai_procurement",
                         "created": FIXED_TIME})
    return book


class Styles:
    """Cell formats of one workbook, each created once (XlsxWriter formats are shared).

    Calling it with XlsxWriter format properties returns the format holding them,
    on top of the workbook's 10-point Calibri.
    """

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.formats: dict[tuple[tuple[str, object], ...], Format] = {}

    def __call__(self, **properties: object) -> Format:
        """The format with ``properties`` (font, fill, border, protection...)."""
        merged: dict[str, object] = {"font_name": FONT, "font_size": 10, **properties}
        key = tuple(sorted(merged.items()))
        found = self.formats.get(key)
        if found is None:
            found = self.formats[key] = self.book.add_format(merged)
        return found

    def cell(self, **properties: object) -> Format:
        """A bordered, wrapped, top-aligned table cell."""
        return self(text_wrap=True, valign="top", border=1, border_color=GRID, **properties)

    def input(self, **properties: object) -> Format:
        """An answer cell: unlocked, light yellow with a darker border."""
        return self(text_wrap=True, valign="top", border=1, border_color=INPUT_BORDER,
                    bg_color=INPUT_FILL, locked=False, **properties)

    def locked_input(self, **properties: object) -> Format:
        """An input column's cell that takes no input on this row: locked, grey."""
        return self.cell(bg_color=LOCKED_FILL, **properties)


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters XML 1.0 cannot hold (the same set openpyxl refuses)."""


def safe_text(value: str) -> str:
    """Make ``value`` storable in a cell: illegal XML control characters become U+FFFD."""
    return _ILLEGAL.sub("\ufffd", value)


def set_text(ws: Worksheet, ref: str, value: str, style: Format | None = None) -> None:
    """Write ``value`` as literal text: never a formula, whatever it starts with.

    XlsxWriter escapes text that looks like one of Excel's ``_xHHHH_`` character
    escapes (``_x005F_`` stands for ``_``), as Excel does: otherwise Excel, and the
    reader, would show ``_x0041_`` as ``A``.
    """
    ws.write_string(ref, safe_text(value), style)


def set_blank(ws: Worksheet, ref: str, style: Format) -> None:
    """Give the empty cell ``ref`` a format (fill, border, protection)."""
    ws.write_blank(ref, None, style)


class _Writer:
    """Writes the Questionnaire and list sheets."""

    def __init__(self, book: Workbook, styles: Styles, ws: Worksheet, lists: Worksheet,
                 questionnaire: Questionnaire, lang: Lang, total_points: float) -> None:
        self.book, self.styles, self.ws, self.lists = book, styles, ws, lists
        self.questionnaire, self.lang = questionnaire, lang
        self.total_points = total_points
        self.list_count = 0
        self.grey = book.add_format({"bg_color": "#D9D9D9"})
        self.validations: dict[str, tuple[dict[str, object], list[str]]] = {}
        self.yes_no = self._list([YES[lang], NO[lang]])
        self.na_list = self._list([NOT_APPLICABLE[lang]])

    def _list(self, labels: list[str]) -> str:
        """Put a drop-down list on the hidden sheet behind a defined name; return it."""
        self.list_count += 1
        column = column_letter(self.list_count)
        for index, label in enumerate(labels, start=1):
            set_text(self.lists, f"{column}{index}", label)
        name = f"list_{self.list_count}"
        self.book.define_name(name, f"='{SHEET_LISTS}'!${column}$1:${column}${len(labels)}")
        return name

    def _validate(self, key: str, ref: str, **options: object) -> None:
        """Add ``ref`` to the data validation ``key`` (one rule per distinct check)."""
        if key not in self.validations:
            self.validations[key] = ({"ignore_blank": True, "show_error": True,
                                      "show_input": False, **options}, [])
        self.validations[key][1].append(ref)

    def _add_validations(self) -> None:
        for options, refs in self.validations.values():
            self.ws.data_validation(refs[0], {**options, "multi_range": " ".join(refs)})

    def write(self, rows: list[Row]) -> None:
        ws, lang, styles = self.ws, self.lang, self.styles
        consultation = self.questionnaire.consultation
        set_text(ws, "A1", f"{consultation.title} — {consultation.reference}",
                 styles(font_size=14, bold=True))
        set_text(ws, "A2", msg("Answer in the yellow cells (columns E to "
                               "J). Do not edit the questions: the file is "
                               "signed and any change is detected.").get(lang), styles())
        header = styles.cell(bold=True, bg_color="#D9E1F2")
        for column, label, width in HEADERS:
            set_text(ws, f"{column}{HEADER_ROW}", label.get(lang), header)
            hidden = column in (COL_DONE, COL_CRITERION, COL_KEY)
            ws.set_column(f"{column}:{column}", width, None, {"hidden": hidden})
        ws.set_row(HEADER_ROW - 1, _height(
            [(label.get(lang), width) for _, label, width in HEADERS[:10]], minimum=2,
            bold=True))
        ws.freeze_panes(FIRST_ROW - 1, 0)
        ws.autofilter(f"A{HEADER_ROW}:{COL_EXPECTED}{rows[-1].number if rows else 5}")
        by_key = {row.key: row for row in rows}
        for row in rows:
            self._row(row, by_key)
        self._add_validations()
        self._page_setup(rows)

    def _row(self, row: Row, by_key: dict[str, Row]) -> None:
        ws, lang, r, styles = self.ws, self.lang, row.number, self.styles
        set_text(ws, f"{COL_KEY}{r}", row.key)
        set_text(ws, f"{COL_CRITERION}{r}", row.criterion.id)
        if row.kind == "criterion":
            band = styles(font_size=11, bold=True, font_color="#FFFFFF", bg_color="#1F4E79",
                          text_wrap=True, valign="top")
            texts = {COL_REF: row.criterion.id, COL_QUESTION: row.criterion.title.get(lang),
                     COL_GUIDANCE: row.criterion.description.get(lang)}
            for column, _, _ in HEADERS[:10]:
                if column in texts:
                    set_text(ws, f"{column}{r}", texts[column], band)
                else:
                    set_blank(ws, f"{column}{r}", band)
            ws.set_row(r - 1, _height(
                [(texts[COL_QUESTION], WIDTHS[COL_QUESTION]),
                 (texts[COL_GUIDANCE], WIDTHS[COL_GUIDANCE])],
                minimum=2, points=11, bold=True))
            return
        if row.kind == "sub-criterion":
            self._sub_criterion(row)
            return
        if row.kind == "item":
            self._item(row, by_key)
        elif row.kind == "total":
            self._total(row, by_key)
        else:
            self._question(row, by_key)
        self._done_formula(row, by_key)

    def _sub_criterion(self, row: Row) -> None:
        """A sub-heading: the sub-criterion, its weight in the criterion and its points."""
        ws, lang, r, styles = self.ws, self.lang, row.number, self.styles
        sub = row.sub_criterion
        assert sub is not None
        band = styles(bold=True, font_color="#1F4E79", bg_color="#DDEBF7", text_wrap=True,
                      valign="top", border=1, border_color=GRID)
        weight = _sub_criterion_weight(self.questionnaire, row.criterion.id, sub.id,
                                      self.total_points, lang)
        guidance = weight if sub.description is None else (
            f"{weight}\n{sub.description.get(lang)}")
        title = msg("Sub-criterion: {sub_title}", sub_title=sub.title).get(lang)
        texts = {COL_REF: sub.id, COL_QUESTION: title, COL_GUIDANCE: guidance}
        for column, _, _ in HEADERS[:10]:
            if column in texts:
                set_text(ws, f"{column}{r}", texts[column], band)
            else:
                set_blank(ws, f"{column}{r}", band)
        ws.set_row(r - 1, _height([(title, WIDTHS[COL_QUESTION]),
                                   (guidance, WIDTHS[COL_GUIDANCE])], minimum=1, bold=True))

    def _question(self, row: Row, by_key: dict[str, Row]) -> None:
        ws, lang, r, styles = self.ws, self.lang, row.number, self.styles
        q = row.question
        assert q is not None
        cell = styles.cell()
        set_text(ws, f"{COL_REF}{r}", q.id, styles.cell(bold=True))
        question_text = q.text.get(lang)
        set_text(ws, f"{COL_QUESTION}{r}", question_text, cell)
        guidance = self._guidance(q, by_key)
        set_text(ws, f"{COL_GUIDANCE}{r}", guidance, cell)
        expected = self._expected(q)
        set_text(ws, f"{COL_EXPECTED}{r}", expected, cell)
        if row.kind == "group":
            pointer = (msg("→ DQE sheet") if isinstance(q.answer, Price)
                       and q.answer.dqe and not q.answer.items
                       else msg("↓ rows below"))
            set_text(ws, f"{COL_ANSWER}{r}", pointer.get(lang), styles.locked_input())
        else:
            self._answer(q, f"{COL_ANSWER}{r}")
        na = f"{COL_NA}{r}"
        if q.na_allowed:
            set_blank(ws, na, styles.input())
            self._validate("na", na, validate="list", source=f"={self.na_list}",
                           error_title=msg("Not applicable").get(lang),
                           error_message=msg("Choose 'Not applicable' or leave blank.").get(lang))
        else:
            set_blank(ws, na, styles.locked_input())
        set_blank(ws, f"{COL_COMMENT}{r}", styles.input())
        evidence = styles.locked_input() if q.evidence is Evidence.NONE else styles.input()
        for column in (COL_DOC, COL_PAGE, COL_LINK):
            set_blank(ws, f"{column}{r}", evidence)
        ws.set_row(r - 1, _height(
            [(question_text, WIDTHS[COL_QUESTION]), (guidance, WIDTHS[COL_GUIDANCE]),
             (expected, WIDTHS[COL_EXPECTED])], minimum=2))
        self._grey_when_not_applicable(r, q, by_key)

    def _item(self, row: Row, by_key: dict[str, Row]) -> None:
        ws, lang, r, styles = self.ws, self.lang, row.number, self.styles
        q = row.question
        assert q is not None
        assert row.item is not None
        spec = q.answer
        answer = f"{COL_ANSWER}{r}"
        if isinstance(spec, MultipleChoice):
            option = next(o for o in spec.options if o.id == row.item)
            label = option.label.get(lang)
            expected = f"{YES[lang]} / {NO[lang]}"
            if option.exclusive:
                expected += msg(" (alone, or not at all)").get(lang)
            self._yes_no(answer)
            set_blank(ws, answer, styles.input())
        else:
            assert isinstance(spec, Price)
            item = next(i for i in spec.items if i.id == row.item)
            label = item.label.get(lang)
            per = (msg("per year") if item.recurrence is Recurrence.YEARLY
                   else msg("one-off")).get(lang)
            expected = f"{spec.currency} {_EXCLUDING_VAT.get(lang)}, {per}"
            self._validate("price", answer, validate="decimal", criteria=">=", value="0",
                           error_title=msg("Amount").get(lang),
                           error_message=msg("Enter an amount of zero or more, in euros excl. "
                                             "VAT.").get(lang))
            set_blank(ws, answer, styles.input(num_format="#,##0.00"))
        cell = styles.cell()
        set_blank(ws, f"{COL_REF}{r}", cell)
        set_text(ws, f"{COL_QUESTION}{r}", f"   • {label}", cell)
        set_blank(ws, f"{COL_GUIDANCE}{r}", cell)
        set_text(ws, f"{COL_EXPECTED}{r}", expected, cell)
        for column in (COL_NA, COL_COMMENT, COL_DOC, COL_PAGE, COL_LINK):
            set_blank(ws, f"{column}{r}", styles.locked_input())
        ws.set_row(r - 1, _height([(f"   • {label}", WIDTHS[COL_QUESTION]),
                                   (expected, WIDTHS[COL_EXPECTED])], minimum=1))
        self._grey_when_not_applicable(r, q, by_key)

    def _total(self, row: Row, by_key: dict[str, Row]) -> None:
        """The price's total over the contract, computed as the buyer scores it."""
        ws, lang, r, styles = self.ws, self.lang, row.number, self.styles
        q = row.question
        assert q is not None
        spec = q.answer
        assert isinstance(spec, Price)
        items = {i.id: by_key[f"{q.id}:{i.id}"].number for i in spec.items}
        once = [f"{COL_ANSWER}{items[i.id]}" for i in spec.items
                if i.recurrence is not Recurrence.YEARLY]
        yearly = [f"{COL_ANSWER}{items[i.id]}" for i in spec.items
                  if i.recurrence is Recurrence.YEARLY]
        # SUM ignores text, so a mistyped amount does not turn the total into an error.
        terms = ([f"SUM({','.join(once)})"] if once else []) + (
            [f"{spec.years}*SUM({','.join(yearly)})"] if yearly else [])
        if spec.dqe:
            total_row = dqe_rows(spec)[DQE_TOTAL_KEY]
            terms.append(f"'{SHEET_DQE}'!{DQE_COL_LINE}{total_row}")
        label = msg("Total over {spec_years} years (computed)", spec_years=spec.years).get(lang)
        if spec.dqe:
            label = msg("Compared price (computed)").get(lang)
        if spec.dqe and (yearly or once):
            how = msg("lump sum + DQE total")
        elif spec.dqe:
            how = msg("DQE total (quantities × unit prices)")
        elif yearly and once:
            how = msg("one-off + {spec_years} × yearly", spec_years=spec.years)
        elif yearly:
            how = msg("{spec_years} × yearly", spec_years=spec.years)
        else:
            how = msg("sum of the amounts")
        expected = f"{spec.currency} {_EXCLUDING_VAT.get(lang)}, {how.get(lang)}"
        bold = styles.cell(bold=True)
        set_blank(ws, f"{COL_REF}{r}", bold)
        set_text(ws, f"{COL_QUESTION}{r}", f"   {label}", bold)
        set_blank(ws, f"{COL_GUIDANCE}{r}", bold)
        set_text(ws, f"{COL_EXPECTED}{r}", expected, styles.cell())
        ws.write_formula(f"{COL_ANSWER}{r}", "=" + "+".join(terms),
                         styles.locked_input(bold=True, num_format="#,##0.00"), 0)
        for column in (COL_NA, COL_COMMENT, COL_DOC, COL_PAGE, COL_LINK):
            set_blank(ws, f"{column}{r}", styles.locked_input())
        ws.set_row(r - 1, _height([(f"   {label}", WIDTHS[COL_QUESTION]),
                                   (expected, WIDTHS[COL_EXPECTED])], minimum=1, bold=True))
        self._grey_when_not_applicable(r, q, by_key)

    def _yes_no(self, ref: str) -> None:
        lang = self.lang
        self._validate("yes_no", ref, validate="list", source=f"={self.yes_no}",
                       error_title=msg("Answer").get(lang),
                       error_message=msg("Choose Yes or No from the list.").get(lang))

    def _guidance(self, q: Question, by_key: dict[str, Row]) -> str:
        lang = self.lang
        parts = [q.why.get(lang)] if q.why is not None else []
        if q.vendor_guidance is not None:
            parts.append(q.vendor_guidance.get(lang))
        if q.guidance_by_answer:
            labels = dict(choice_labels(q, lang))
            parts += [msg("If you answer '{answer}': {guidance}",
                          answer=labels.get(g.answer, g.answer), guidance=g.text).get(lang)
                      for g in q.guidance_by_answer]
        condition = effective_condition(by_key[q.id].criterion, q)
        if condition is not None:
            words = _condition_words(condition, by_key, lang)
            parts.append(msg("Answer only if {words}.", words=words).get(lang))
        if q.na_allowed:
            parts.append(msg("'Not applicable' allowed, with a justification in "
                             "column G.").get(lang))
        if q.evidence is Evidence.REQUIRED:
            parts.append(msg("Evidence required (document and page, or link).").get(lang))
        if q.knockout is not None:
            parts.append(msg("Mandatory requirement.").get(lang))
        if q.verification is not None and needs_verification(q):
            parts.append(VERIFICATION_GUIDANCE[q.verification].get(lang))
        if isinstance(q.answer, Price) and q.answer.dqe:
            parts.append(msg("Give a unit price excl. VAT for each item of the DQE sheet; the "
                             "buyer sets the quantities. The compared price is the sum of "
                             "quantities × unit prices.").get(lang))
        return "\n".join(parts)

    def _expected(self, q: Question) -> str:
        lang, spec = self.lang, q.answer
        if isinstance(spec, YesNo):
            return f"{YES[lang]} / {NO[lang]}"
        if isinstance(spec, SingleChoice | Scale):
            return msg("One choice from the list").get(lang)
        if isinstance(spec, MultipleChoice):
            return msg("Yes/No for each option below").get(lang)
        if isinstance(spec, Number):
            bounds = []
            if spec.minimum is not None:
                bounds.append(f"≥ {_number(spec.minimum)}")
            if spec.maximum is not None:
                bounds.append(f"≤ {_number(spec.maximum)}")
            kind = msg("Whole number") if spec.integer else msg("Number")
            return f"{kind.get(lang)} ({spec.unit.get(lang)}) {' '.join(bounds)}".strip()
        if isinstance(spec, DateAnswer):
            return msg("Date (yyyy-mm-dd)").get(lang)
        if isinstance(spec, FreeText):
            return msg("Free text (≤ {spec_max_chars} characters)",
                       spec_max_chars=spec.max_chars).get(lang)
        assert isinstance(spec, Price)
        if spec.dqe and not spec.items:
            return msg("Unit prices in {spec_currency} excl. VAT, DQE sheet",
                       spec_currency=spec.currency).get(lang)
        if spec.dqe:
            return msg("Amounts in {spec_currency} excl. VAT over {spec_years} years, and unit "
                       "prices on the DQE sheet", spec_currency=spec.currency,
                       spec_years=spec.years).get(lang)
        return msg("Amounts in {spec_currency} excl. VAT, over {spec_years} years",
                   spec_currency=spec.currency, spec_years=spec.years).get(lang)

    def _answer(self, q: Question, ref: str) -> None:
        """The answer cell of a question answered on its own row, and its validation."""
        lang, spec, styles = self.lang, q.answer, self.styles
        title = msg("Answer").get(lang)
        style = styles.input()
        if isinstance(spec, YesNo):
            self._yes_no(ref)
        elif isinstance(spec, SingleChoice | Scale):
            name = self._list([label for _, label in choice_labels(q, lang)])
            self._validate(name, ref, validate="list", source=f"={name}", error_title=title,
                           error_message=msg("Choose a value from the list.").get(lang))
        elif isinstance(spec, Number):
            low = spec.minimum if spec.minimum is not None else -1e15
            high = spec.maximum if spec.maximum is not None else 1e15
            kind = "integer" if spec.integer else "decimal"
            self._validate(f"number:{kind}:{low}:{high}", ref, validate=kind,
                           criteria="between", minimum=_number(low, plain=True),
                           maximum=_number(high, plain=True), error_title=title,
                           error_message=msg("Enter a number between {number_low} and "
                                             "{number_high}.", number_low=_number(low),
                                             number_high=_number(high)).get(lang))
        elif isinstance(spec, DateAnswer):
            self._validate("date", ref, validate="date", criteria=">", value="1",
                           error_title=title,
                           error_message=msg("Enter a date (yyyy-mm-dd).").get(lang))
            style = styles.input(num_format="dd/mm/yyyy" if lang == "fr" else "yyyy-mm-dd")
        elif isinstance(spec, FreeText):
            style = styles.input(num_format="@")
            self._validate(f"text:{spec.max_chars}", ref, validate="length", criteria="<=",
                           value=str(spec.max_chars), error_title=title,
                           error_message=msg("At most {spec_max_chars} characters.",
                                             spec_max_chars=spec.max_chars).get(lang))
        set_blank(self.ws, ref, style)

    def _not_applicable_formula(self, q: Question, by_key: dict[str, Row]) -> str | None:
        """Excel formula that is TRUE when ``q`` does not apply.

        That is when its gate question is answered with none of the values the condition
        names, as the reader decides (:func:`ai_procurement.workbooks.response.apply_conditions`):
        an unanswered gate leaves the question to answer.
        """
        condition = effective_condition(by_key[q.id].criterion, q)
        if condition is None:
            return None
        return self._fails_formula(condition, by_key)

    def _fails_formula(self, condition: Applicability, by_key: dict[str, Row]) -> str:
        """Excel formula TRUE when ``condition`` fails (an unanswered gate never fails)."""
        if isinstance(condition, AllOf | AnyOf):
            parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
            joined = ",".join(self._fails_formula(p, by_key) for p in parts)
            # All of them holds unless one fails; any of them fails when all fail.
            return f"{'OR' if isinstance(condition, AllOf) else 'AND'}({joined})"
        gate_row = by_key[condition.question]
        gate = gate_row.question
        assert gate is not None
        if isinstance(gate.answer, MultipleChoice):
            rows = {o: by_key[f"{gate.id}:{o}"].number for o in gate.answer.option_ids}
            yes = _quote(YES[self.lang])
            tests = [f'${COL_ANSWER}${rows[v]}="{yes}"' for v in condition.any_of]
            answered = (f"COUNTA(${COL_ANSWER}${min(rows.values())}:"
                        f"${COL_ANSWER}${max(rows.values())})>0")
        else:
            labels = dict(choice_labels(gate, self.lang))
            cell = f"${COL_ANSWER}${gate_row.number}"
            tests = [f'{cell}="{_quote(labels.get(v, v))}"' for v in condition.any_of]
            answered = f"LEN({cell})>0"
        fails = f"AND({answered},NOT(OR({','.join(tests)})))"
        # A gate that does not apply itself makes its dependants not apply.
        gate_fails = self._not_applicable_formula(gate, by_key)
        return fails if gate_fails is None else f"OR({gate_fails},{fails})"

    def _grey_when_not_applicable(self, r: int, q: Question, by_key: dict[str, Row]) -> None:
        formula = self._not_applicable_formula(q, by_key)
        if formula is not None:
            self.ws.conditional_format(f"A{r}:{COL_LINK}{r}", {
                "type": "formula", "criteria": f"={formula}", "format": self.grey,
                "stop_if_true": False})

    def _done_formula(self, row: Row, by_key: dict[str, Row]) -> None:
        """Hidden column K: 1 when the question is answered (or does not apply)."""
        r = row.number
        if row.kind in ("item", "total"):
            return
        if row.kind == "question":
            answered = f'OR(LEN({COL_ANSWER}{r})>0,LEN({COL_NA}{r})>0)'
        else:
            q = row.question
            assert q is not None
            items = _items(q) or ()
            first, last = r + 1, r + len(items)
            # Any tick answers a multiple choice; a price needs every cost item (the
            # reader refuses an incomplete one).
            needed = len(items) if isinstance(q.answer, Price) else 1
            answered = f"COUNTA({COL_ANSWER}{first}:{COL_ANSWER}{last})>={needed}"
            if q.na_allowed:
                answered = f"OR({answered},LEN({COL_NA}{r})>0)"
        assert row.question is not None
        not_applicable = self._not_applicable_formula(row.question, by_key)
        if not_applicable is not None:
            answered = f"OR({not_applicable},{answered})"
        self.ws.write_formula(f"{COL_DONE}{r}", f"=IF({answered},1,0)", None, 0)

    def _page_setup(self, rows: list[Row]) -> None:
        ws = self.ws
        last = rows[-1].number if rows else FIRST_ROW
        ws.print_area(f"A1:{COL_LINK}{last}")
        ws.repeat_rows(HEADER_ROW - 1)
        a4_landscape(ws)
        protect(ws, fillable=True)


def a4_landscape(ws: Worksheet, *, top: float = 0.5, bottom: float = 0.5,
                 header: str = "") -> None:
    """Print set-up: A4 landscape, one page wide, sheet name and page numbers in the footer.

    ``header`` is an Excel page header (``&L``, ``&C``, ``&R`` sections), if any.
    """
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.3, right=0.3, top=top, bottom=bottom)
    if header:
        ws.set_header(header, {"margin": 0.3})
    ws.set_footer("&L&A&C&P / &N", {"margin": 0.3})


def _condition_words(condition: Applicability, by_key: dict[str, Row], lang: Lang) -> str:
    """A condition in words, e.g. ``Q1 = Yes and (Q2 = Cloud / Hybrid or Q3 = Yes)``."""
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
        joiner = msg(" and ") if isinstance(condition, AllOf) else msg(" or ")
        words = [_condition_words(p, by_key, lang) for p in parts]
        return joiner.get(lang).join(w if isinstance(p, Condition) else f"({w})"
                                     for w, p in zip(words, parts, strict=True))
    gate = by_key[condition.question].question
    assert gate is not None
    labels = dict(choice_labels(gate, lang))
    values = " / ".join(labels.get(v, v) for v in condition.any_of)
    return f"{gate.id} = {values}"


def _sub_criterion_weight(questionnaire: Questionnaire, criterion: str, sub: str,
                         total_points: float, lang: Lang) -> str:
    """The published weight of a sub-criterion, e.g. "75 % du critère, soit 30 points sur 100".

    French rules require publishing the weights of sub-criteria that may influence the
    offers (CE, 18 June 2010, Commune de Saint-Pal-de-Mons, n° 337377).
    """
    points = sub_criterion_points(questionnaire, total_points)[criterion][sub]
    criterion_points = total_points * questionnaire.weights[criterion]
    share = points / criterion_points if criterion_points > 0 else 0.0
    if lang == "fr":
        return (f"{_decimal(share * 100, lang)} % du critère, soit "
                f"{_decimal(points, lang)} points sur {_decimal(total_points, lang)}")
    return (f"{_decimal(share * 100, lang)}% of the criterion, i.e. "
            f"{_decimal(points, lang)} points out of {_decimal(total_points, lang)}")


def _decimal(value: float, lang: Lang) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _quote(text: str) -> str:
    return text.replace('"', '""')


def _number(value: float, *, plain: bool = False) -> str:
    if plain:
        return repr(float(value)) if not float(value).is_integer() else str(int(value))
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def _height(texts: Iterable[tuple[str, float]], *, minimum: int, points: float = 10,
            bold: bool = False) -> float:
    """Row height (points) that shows wrapped ``texts`` in columns of the given widths.

    Neither Excel nor LibreOffice sizes rows when it opens a file, so the height is
    estimated: a column of width w holds about 1.3 w characters of 10-point Calibri (or
    its metric twin Carlito), fewer in bold or larger type, wrapped at spaces; a line
    takes 1.28 times the font size. Measured on pages rendered by LibreOffice.
    """
    per_char = 1.3 * 10 / points * (0.9 if bold else 1.0)
    lines = minimum
    for text, width in texts:
        chars = max(1, int(width * per_char))
        lines = max(lines, sum(_wrapped(part, chars) for part in text.split("\n")))
    return min(409.0, 1.28 * points * lines + 4)


def _wrapped(paragraph: str, chars: int) -> int:
    """Lines ``paragraph`` takes when wrapped at spaces into lines of ``chars`` characters."""
    lines, used = 1, -1
    for word in paragraph.split(" "):
        size = len(word)
        if used >= 0 and used + 1 + size <= chars:
            used += 1 + size
            continue
        if used >= 0:
            lines += 1
        # A word longer than a line is cut across lines.
        lines += max(0, math.ceil(size / chars) - 1)
        used = size - (math.ceil(size / chars) - 1) * chars if size else 0
    return lines


VERIFICATION_GUIDANCE: dict[Verification, Text] = {
    Verification.DOCUMENT: msg("Verification: by a document (certificate, report, clause, "
                               "documentation) to attach."),
    Verification.DEMONSTRATION: msg("Verification: by a demonstration to the buyer "
                                    "(demonstration, trial account)."),
    Verification.TEST: msg("Verification: by a measured test (acceptance test, the buyer's test "
                           "set, benchmark)."),
    Verification.AUDIT: msg("Verification: by an audit during the contract (the buyer or a third "
                            "party it appoints)."),
    Verification.COMMITMENT: msg("Verification: your answer becomes a contractual commitment, "
                                 "checked while the contract runs."),
}
"""What a vendor is told about how its answer will be checked (``verification``)."""


def _write_dqe(ws: Worksheet, styles: Styles, questionnaire: Questionnaire, q: Question,
               lang: Lang) -> None:
    """The DQE sheet: item, label, unit, quantity (locked), unit price, line total, total.

    The line totals and the total are formulas written here for the bidder's convenience;
    the reader never reads them: it recomputes every total from the unit prices.
    """
    from ai_procurement.legal.precedence import precedence_rule

    spec = q.answer
    assert isinstance(spec, Price)
    rows = dqe_rows(spec)
    consultation = questionnaire.consultation
    title = msg("Detailed quantity estimate (DQE) — {consultation_title}",
                consultation_title=consultation.title).get(lang)
    title_style = styles(font_size=14, bold=True, text_wrap=True, valign="top")
    ws.merge_range("A1:F1", "", title_style)
    set_text(ws, "A1", title, title_style)
    ws.set_row(0, _height([(title, 100)], minimum=1, points=14, bold=True))
    notes = [
        msg("Question {q_id}. Type the unit price excl. VAT of each item in the yellow cells "
            "(column E), as a value, never a formula. The buyer sets the quantities; they cannot "
            "be changed. The compared price is the sum of the line totals (quantity × unit "
            "price).", q_id=q.id),
        precedence_rule(consultation.precedence),
    ]
    wrap = styles(text_wrap=True, valign="top")
    for r, note in enumerate(notes, start=2):
        ws.merge_range(f"A{r}:F{r}", "", wrap)
        set_text(ws, f"A{r}", note.get(lang), wrap)
        ws.set_row(r - 1, _height([(note.get(lang), 120)], minimum=2))
    headers = (
        (DQE_COL_ID, msg("Item"), 8),
        (DQE_COL_LABEL, msg("Description"), 48),
        (DQE_COL_UNIT, msg("Unit"), 14),
        (DQE_COL_QUANTITY, msg("Quantity (set by the buyer)"),
         14),
        (DQE_COL_PRICE, msg("Unit price ({spec_currency} excl. VAT)",
                            spec_currency=spec.currency), 16),
        (DQE_COL_LINE, msg("Line total ({spec_currency} excl. VAT, computed)",
                           spec_currency=spec.currency), 20),
        (DQE_COL_KEY, msg("Key"), 10),
    )
    header = styles.cell(bold=True, bg_color="#D9E1F2")
    for column, label, width in headers:
        set_text(ws, f"{column}{DQE_HEADER_ROW}", label.get(lang), header)
        ws.set_column(f"{column}:{column}", width, None, {"hidden": column == DQE_COL_KEY})
    ws.set_row(DQE_HEADER_ROW - 1, _height([(label.get(lang), width)
                                            for _, label, width in headers], minimum=2,
                                           bold=True))
    cell = styles.cell()
    locked_number = styles.locked_input(num_format="#,##0.####")
    line_style = styles.locked_input(num_format="#,##0.00")
    for line in spec.dqe:
        r = rows[line.id]
        set_text(ws, f"{DQE_COL_ID}{r}", line.id, styles.cell(bold=True))
        set_text(ws, f"{DQE_COL_LABEL}{r}", line.label.get(lang), cell)
        set_text(ws, f"{DQE_COL_UNIT}{r}", line.unit.get(lang), cell)
        ws.write_number(f"{DQE_COL_QUANTITY}{r}", line.quantity, locked_number)
        price = f"{DQE_COL_PRICE}{r}"
        set_blank(ws, price, styles.input(num_format="#,##0.00##"))
        ws.write_formula(f"{DQE_COL_LINE}{r}",
                         f"=IF(ISNUMBER({price}),{DQE_COL_QUANTITY}{r}*{price},0)",
                         line_style, 0)
        set_text(ws, f"{DQE_COL_KEY}{r}", line.id)
        ws.set_row(r - 1, _height([(line.label.get(lang), 48)], minimum=1))
    ws.data_validation(f"{DQE_COL_PRICE}{DQE_FIRST_ROW}:{DQE_COL_PRICE}"
                       f"{DQE_FIRST_ROW + len(spec.dqe) - 1}", {
                           "validate": "decimal", "criteria": ">=", "value": 0,
                           "ignore_blank": True, "show_error": True,
                           "error_title": msg("Unit price").get(lang),
                           "error_message": msg("Enter a unit price of zero or more, in euros "
                                                "excl. VAT.").get(lang)})
    total = rows[DQE_TOTAL_KEY]
    bold = styles.cell(bold=True)
    set_text(ws, f"{DQE_COL_ID}{total}", msg("Total").get(lang), bold)
    set_text(ws, f"{DQE_COL_LABEL}{total}", msg("DQE total = sum of the line "
                                                "totals (computed)").get(lang), bold)
    for column in (DQE_COL_UNIT, DQE_COL_QUANTITY, DQE_COL_PRICE):
        set_blank(ws, f"{column}{total}", bold)
    ws.write_formula(f"{DQE_COL_LINE}{total}",
                     f"=SUM({DQE_COL_LINE}{DQE_FIRST_ROW}:{DQE_COL_LINE}{total - 1})",
                     styles.locked_input(bold=True, num_format="#,##0.00"), 0)
    set_text(ws, f"{DQE_COL_KEY}{total}", DQE_TOTAL_KEY)
    ws.freeze_panes(DQE_HEADER_ROW, 0)
    a4_landscape(ws)
    ws.print_area(f"A1:{DQE_COL_LINE}{total}")
    protect(ws, fillable=True)


def _write_cover(ws: Worksheet, styles: Styles, questionnaire: Questionnaire, lang: Lang,
                 vendor: str | None, rows: list[Row]) -> None:
    consultation = questionnaire.consultation
    bold = styles(bold=True)
    normal = styles()
    wrap = styles(text_wrap=True, valign="top")
    heading = styles(font_size=12, bold=True)
    for column, width in zip("ABCDE", (34, 70, 14, 14, 14), strict=True):
        ws.set_column(f"{column}:{column}", width)
    set_text(ws, "A1", consultation.title, styles(font_size=16, bold=True))
    deadline = consultation.deadline
    deadline_text = "" if deadline is None else (
        deadline.strftime("%d/%m/%Y") if lang == "fr" else deadline.isoformat())
    facts = [
        (msg("Consultation"), consultation.reference),
        (msg("Buyer"), consultation.buyer),
        (msg("Answer deadline"), deadline_text),
        (msg("Contact"), consultation.contact),
        (msg("Vendor"), vendor or ""),
        (msg("Questionnaire"),
         f"{questionnaire.bank.title.get(lang)} ({questionnaire.bank.id} "
         f"{questionnaire.bank.version})"),
        (msg("Fingerprint"), questionnaire.fingerprint),
    ]
    if vendor is None:
        # A generic copy names no vendor: the bidder identifies itself in the block below.
        del facts[4]
    r = 3
    for label, value in facts:
        set_text(ws, f"A{r}", label.get(lang), bold)
        set_text(ws, f"B{r}", value, wrap)
        r += 1
    r += 1
    if vendor is None:
        r = _write_identification(ws, styles, questionnaire, lang, r)
    set_text(ws, f"A{r}", msg("How to answer").get(lang), heading)
    r += 1
    rules = [
        msg("Answer in the 'Questionnaire' sheet, only in the yellow cells. Drop-down lists give "
            "the possible answers."),
        msg("Do not edit, move or delete any row or question: the file is signed, any change is "
            "detected and the answer will have to be sent again."),
        msg("'Not applicable' is only possible where column F offers it, with a justification in "
            "column G. A blank question counts as unanswered (0 points)."),
        msg("Questions marked 'Answer only if …' depend on an earlier answer; they turn grey "
            "when they do not apply."),
        msg("Evidence: for each checkable claim, give the attached document and page (columns H "
            "and I) or a link (column J). No evidence, no points."),
        msg("Type values, never formulas: a formula is not read as an answer."),
        msg("Save as .xlsx, without a password or macros."),
        aggregation_sentence(questionnaire),
    ]
    priced = price_question(questionnaire)
    if priced is not None:
        from ai_procurement.legal.precedence import precedence_rule

        if isinstance(priced.answer, Price) and priced.answer.dqe:
            rules.append(msg("Price: fill in the 'DQE' sheet (one unit price excl. VAT per item; "
                             "the buyer sets the quantities)."))
        rules.append(precedence_rule(questionnaire.consultation.precedence))
    if any(q.verification is not None for _, q in questionnaire.bank.questions()):
        rules.append(msg("Each scored question says, in the 'Why we ask and how to answer' "
                         "column, how the buyer will check the answer (document, demonstration, "
                         "test, audit or contractual commitment)."))
    bullet = styles(align="right", valign="top")
    for rule in rules:
        set_text(ws, f"A{r}", "•", bullet)
        set_text(ws, f"B{r}", rule.get(lang), wrap)
        ws.set_row(r - 1, _height([(rule.get(lang), 70)], minimum=1))
        r += 1
    r += 1
    set_text(ws, f"A{r}", msg("Completion").get(lang), heading)
    r += 1
    header = styles(bold=True, bg_color="#D9E1F2")
    for column, label in zip("ABCDE", (msg("Criterion"), msg("Title"),
                                       msg("Questions"),
                                       msg("Answered"), msg("%")), strict=True):
        set_text(ws, f"{column}{r}", label.get(lang), header)
    r += 1
    first = r
    last_row = rows[-1].number if rows else FIRST_ROW
    qs = f"'{SHEET_QUESTIONS}'!"
    percent, bold_percent = styles(num_format="0%"), styles(bold=True, num_format="0%")
    total = 0
    for criterion in questionnaire.bank.criteria:
        count = len(criterion.questions)
        total += count
        set_text(ws, f"A{r}", criterion.id, normal)
        set_text(ws, f"B{r}", criterion.title.get(lang), normal)
        ws.write_number(f"C{r}", count, normal)
        ws.write_formula(f"D{r}", f"=SUMIF({qs}${COL_CRITERION}${FIRST_ROW}:"
                         f"${COL_CRITERION}${last_row},A{r},{qs}${COL_DONE}${FIRST_ROW}:"
                         f"${COL_DONE}${last_row})", normal, 0)
        ws.write_formula(f"E{r}", f"=IF(C{r}=0,0,D{r}/C{r})", percent, 0)
        r += 1
    # Cached values are those of a blank copy; spreadsheets recompute them on opening.
    set_text(ws, f"A{r}", msg("Total").get(lang), bold)
    set_blank(ws, f"B{r}", bold)
    ws.write_formula(f"C{r}", f"=SUM(C{first}:C{r - 1})", bold, total)
    ws.write_formula(f"D{r}", f"=SUM(D{first}:D{r - 1})", bold, 0)
    ws.write_formula(f"E{r}", f"=IF(C{r}=0,0,D{r}/C{r})", bold_percent, 0)
    a4_landscape(ws)
    protect(ws)


def _write_identification(ws: Worksheet, styles: Styles, questionnaire: Questionnaire,
                          lang: Lang, r: int) -> int:
    """Write the bidder's identification block from cover row ``r``; return the next row.

    Its labels are fixed texts; its yellow cells are the bidder's, read back by
    :mod:`ai_procurement.workbooks.response` at :func:`identification_cells`.
    """
    assert r == IDENT_HEADING_ROW
    consultation = questionnaire.consultation
    bold = styles(bold=True, text_wrap=True, valign="top")
    wrap = styles(text_wrap=True, valign="top")
    set_text(ws, f"A{r}", msg("Bidder identification").get(lang),
             styles(font_size=12, bold=True))
    hint = msg("Identify your company in the yellow cells below. The buyer checks them against "
               "the deposit register of its buyer profile, which prevails. A variant carries its "
               "number (1, 2…); deposit one file per offer.").get(lang)
    set_text(ws, f"B{r + 1}", hint, wrap)
    ws.set_row(r, _height([(hint, 70)], minimum=1))
    offer_for = f"{consultation.reference} – {consultation.title}"
    set_text(ws, f"A{r + 2}", msg("Offer for").get(lang), bold)
    set_text(ws, f"B{r + 2}", offer_for, wrap)
    ws.set_row(r + 1, _height([(offer_for, 70)], minimum=1))
    cells = identification_cells()
    text_input = styles.input(num_format="@")
    for name, label in IDENTIFICATION_FIELDS:
        ref = cells[name]
        row = int(ref[len(COL_IDENT_VALUE):])
        set_text(ws, f"{COL_IDENT_LABEL}{row}", label.get(lang), bold)
        ws.set_row(row - 1, _height([(label.get(lang), 34)], minimum=1, bold=True))
        if name == "country":
            set_text(ws, ref, "FR", text_input)
        elif name == "variant":
            set_blank(ws, ref, styles.input(align="left"))
        else:
            set_blank(ws, ref, text_input)
    error_title = msg("Invalid value").get(lang)
    ws.data_validation(cells["offer_type"], {
        "validate": "list", "source": list(OFFER_TYPES[lang]), "ignore_blank": True,
        "error_title": error_title,
        "error_message": msg("Choose from the list.").get(lang)})
    ws.data_validation(cells["variant"], {
        "validate": "integer", "criteria": ">=", "value": 1, "ignore_blank": True,
        "error_title": error_title,
        "error_message": msg("Enter a whole number from 1.").get(lang)})
    return IDENT_FIRST_ROW + len(IDENTIFICATION_FIELDS) + 1


def write_identity(book: Workbook, ws: Worksheet, fields: Mapping[str, str]) -> None:
    """Write a signed workbook's identity: on its hidden sheet and as document properties.

    Every value is a string, so it survives Excel and LibreOffice unchanged.
    """
    for index, (name, value) in enumerate(fields.items(), start=1):
        set_text(ws, f"A{index}", name)
        set_text(ws, f"B{index}", value)
        with warnings.catch_warnings():
            # XlsxWriter warns past 255 characters (Excel's limit for typing a property
            # in its dialog); a long value, such as a review's list of questions, is
            # stored whole, as before, and read from the identity sheet anyway.
            warnings.simplefilter("ignore", UserWarning)
            book.set_custom_property(PROPERTY_PREFIX + name, safe_text(value), "text")
    protect(ws)


def protect(ws: Worksheet, *, fillable: bool = False) -> None:
    """Protect a sheet (cosmetically: tampering is caught by the HMAC, not by this).

    A ``fillable`` sheet still lets people resize rows and columns and use filters, so
    long texts can be read; inserting or deleting rows and sorting stay locked. Objects
    and scenarios are left unprotected, as Excel's own default protection does.
    """
    options = {"objects": True, "scenarios": True}
    if fillable:
        options |= {"format_rows": True, "format_columns": True, "autofilter": True}
    ws.protect(PROTECTION_PASSWORD, options)
