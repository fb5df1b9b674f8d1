"""The vendor's Excel questionnaire: layout and writer.

This is the only part of the product vendors see. The workbook must be fillable in
Excel or LibreOffice without a manual:

* a cover sheet with the consultation, the rules (not applicable, evidence) and a live
  completion counter per criterion (formulas computed on opening);
* one ``Questionnaire`` sheet with the questions grouped by criterion: question cells
  locked, answer cells unlocked and validated (drop-down lists kept on a hidden sheet
  behind defined names, so long labels and commas survive LibreOffice), one row per
  option for multiple-choice questions and per cost item for the price, so every
  answer is unambiguous; conditional questions say when they apply and turn grey when
  they do not;
* a hidden identity sheet and custom document properties (bank, version,
  fingerprint, language, vendor token) signed with the buyer's key
  (:mod:`ai_procurement.workbooks.signing`).

The layout is computed by :func:`layout`, which :mod:`ai_procurement.workbooks.response` reuses to
know where each answer should be when the file comes back.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

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
    YesNo,
    effective_condition,
)
from ai_procurement.errors import QuestionnaireError
from ai_procurement.questionnaire import Questionnaire, aggregation_sentence
from ai_procurement.text import LANGUAGES, Lang, Text
from ai_procurement.workbooks.signing import Identity, vendor_token

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["Row", "layout", "write_questionnaire"]

SHEET_COVER: dict[Lang, str] = {"fr": "Consignes", "en": "Instructions"}
SHEET_QUESTIONS = "Questionnaire"
SHEET_LISTS = "_lists"
SHEET_IDENTITY = "_identity"
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

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Timestamp written in every workbook, so the same inputs give the same bytes."""

FONT = "Calibri"
PROTECTION_PASSWORD = "ai-procurement"
"""Sheet and workbook protection password: cosmetic, published here on purpose."""

T = Text  # short alias for the many bilingual labels below

YES: dict[Lang, str] = {"fr": "Oui", "en": "Yes"}
NO: dict[Lang, str] = {"fr": "Non", "en": "No"}
NOT_APPLICABLE: dict[Lang, str] = {"fr": "Sans objet", "en": "Not applicable"}

HEADERS = (
    (COL_REF, T("Réf.", "Ref."), 10),
    (COL_QUESTION, T("Question", "Question"), 58),
    (COL_GUIDANCE, T("Pourquoi et comment répondre", "Why we ask and how to answer"), 46),
    (COL_EXPECTED, T("Réponse attendue", "Expected answer"), 24),
    (COL_ANSWER, T("Votre réponse", "Your answer"), 30),
    (COL_NA, T("Sans objet ?", "Not applicable?"), 14),
    (COL_COMMENT, T("Commentaire / justification", "Comment / justification"), 40),
    (COL_DOC, T("Preuve : document", "Evidence: document"), 24),
    (COL_PAGE, T("Page / section", "Page / section"), 12),
    (COL_LINK, T("Lien", "Link"), 26),
    (COL_DONE, T("Fait", "Done"), 6),
    (COL_CRITERION, T("Critère", "Criterion"), 8),
    (COL_KEY, T("Clé", "Key"), 16),
)


@attrs.frozen
class Row:
    """One row of the Questionnaire sheet.

    ``kind`` is ``"criterion"`` (a band naming the criterion), ``"question"`` (a
    question answered on its own row), ``"group"`` (a multiple-choice or price question
    whose answers are on the following ``"item"`` rows). ``key`` is what the hidden key
    column holds: the question id, or ``"<question id>:<option or item id>"``.
    """

    number: int
    kind: Literal["criterion", "question", "group", "item"]
    key: str
    criterion: Criterion
    question: Question | None = None
    item: str | None = None


_LAYOUTS: dict[int, tuple[Bank, tuple[Row, ...]]] = {}
"""Recent layouts by ``id`` of their bank, kept with the bank so that the id is not reused."""


def layout(questionnaire: Questionnaire) -> list[Row]:
    """Return the rows of the Questionnaire sheet, in order, starting at ``FIRST_ROW``."""
    # A buyer reads every vendor's file against one questionnaire: its layout is
    # computed once. Banks are immutable, so a layout never goes stale.
    bank = questionnaire.bank
    cached = _LAYOUTS.get(id(bank))
    if cached is not None and cached[0] is bank:
        return list(cached[1])
    rows = _layout(bank)
    if len(_LAYOUTS) >= 8:
        _LAYOUTS.pop(next(iter(_LAYOUTS), 0), None)
    _LAYOUTS[id(bank)] = (bank, tuple(rows))
    return rows


def _layout(bank: Bank) -> list[Row]:
    rows: list[Row] = []
    number = FIRST_ROW
    for criterion in bank.criteria:
        rows.append(Row(number, "criterion", f"#{criterion.id}", criterion))
        number += 1
        for q in criterion.questions:
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
    return rows


def _items(q: Question) -> tuple[str, ...] | None:
    if isinstance(q.answer, MultipleChoice):
        return q.answer.option_ids
    if isinstance(q.answer, Price):
        return tuple(i.id for i in q.answer.items)
    return None


def signed_questions(questionnaire: Questionnaire, lang: Lang) -> list[tuple[str, str]]:
    """The (question id, question text) pairs the HMAC covers, in order."""
    return [(q.id, q.text.get(lang)) for _, q in questionnaire.bank.questions()]


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
                        overwrite: bool = False) -> Path:
    """Write the Excel questionnaire a vendor fills in.

    Args:
        questionnaire: the frozen questionnaire.
        path: the ``.xlsx`` file to write (written atomically).
        lang: ``"fr"`` or ``"en"``: the language of every text in the workbook.
        vendor: the vendor's name for a personalised copy, or None for a blank copy.
        key: the buyer's secret signing key (:func:`ai_procurement.workbooks.signing.new_key`).
        overwrite: replace an existing file (otherwise :class:`OutputError`).

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
    data = questionnaire_bytes(questionnaire, lang, vendor, key=key)
    from ai_procurement._office.files import write_atomic

    target = Path(path)
    write_atomic(target, data, overwrite=overwrite)
    return target


def questionnaire_bytes(questionnaire: Questionnaire, lang: Lang, vendor: str | None, *,
                        key: bytes) -> bytes:
    """Return the questionnaire workbook as bytes (see :func:`write_questionnaire`)."""
    from openpyxl import Workbook

    if lang not in questionnaire.bank.languages:
        # Its texts are empty in that language: vendors would get blank questions.
        raise QuestionnaireError(
            f"bank {questionnaire.bank.id!r} has no {lang!r} texts (its languages: "
            f"{list(questionnaire.bank.languages)}); add them, or write the questionnaire in "
            f"{questionnaire.bank.languages[0]!r}")
    token = vendor_token(key, vendor)
    identity = Identity(questionnaire.bank.id, questionnaire.bank.version,
                        questionnaire.fingerprint, lang, token)
    signature = identity.signature(key, signed_questions(questionnaire, lang))
    rows = layout(questionnaire)

    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = SHEET_COVER[lang]
    sheet = wb.create_sheet(SHEET_QUESTIONS)
    lists = wb.create_sheet(SHEET_LISTS)
    ident = wb.create_sheet(SHEET_IDENTITY)
    _Writer(wb, sheet, lists, questionnaire, lang).write(rows)
    _write_cover(cover, questionnaire, lang, vendor, rows)
    write_identity(wb, ident, {**identity.fields(), "hmac": signature})
    lists.sheet_state = "hidden"
    ident.sheet_state = "hidden"
    wb.active = 0
    wb.properties.creator = "ai_procurement"
    wb.properties.title = questionnaire.consultation.title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = "ai_procurement"
    wb.security = _workbook_protection()
    return normalise_zip(workbook_bytes(wb))


def workbook_bytes(wb: Workbook) -> bytes:
    """Serialise ``wb`` without the save time that ``Workbook.save`` stamps on it.

    ``Workbook.save`` sets the "modified" document property to the current time, so two
    saves of the same content differ; the writer it wraps keeps the properties as set.
    """
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return buffer.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _workbook_protection() -> object:
    from openpyxl.workbook.protection import WorkbookProtection

    # Cosmetic, like all Excel protection: it stops accidental renaming or deleting of
    # sheets. Tampering is detected by the HMAC, not by this password.
    protection = WorkbookProtection(lockStructure=True)
    protection.workbookPassword = PROTECTION_PASSWORD
    return protection


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters XML 1.0 cannot hold (the same set openpyxl refuses)."""

_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def safe_text(value: str) -> str:
    """Make ``value`` storable in a cell: illegal XML control characters become U+FFFD."""
    return _ILLEGAL.sub("\ufffd", value)


def set_text(ws: Worksheet, ref: str, value: str) -> None:
    """Write ``value`` as literal text: never a formula, whatever it starts with.

    Text that looks like one of Excel's ``_xHHHH_`` character escapes is escaped
    itself (``_x005F_`` stands for ``_``), as Excel does: otherwise Excel, and the
    reader, would show ``_x0041_`` as ``A``.
    """
    cell = ws[ref]
    cell.value = _ESCAPE_LIKE.sub(r"_x005F_\1", safe_text(value))
    cell.data_type = "s"


class _Writer:
    """Writes the Questionnaire and list sheets."""

    def __init__(self, wb: Workbook, ws: Worksheet, lists: Worksheet,
                 questionnaire: Questionnaire, lang: Lang) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        self.wb, self.ws, self.lists = wb, ws, lists
        self.questionnaire, self.lang = questionnaire, lang
        self.list_count = 0
        self.font = Font(name=FONT, size=10)
        self.bold = Font(name=FONT, size=10, bold=True)
        self.band_font = Font(name=FONT, size=11, bold=True, color="FFFFFF")
        self.band_fill = PatternFill("solid", fgColor="1F4E79")
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.input_fill = PatternFill("solid", fgColor="FFF9E5")
        self.grey_fill = PatternFill("solid", fgColor="D9D9D9")
        self.locked_input_fill = PatternFill("solid", fgColor="F2F2F2")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.unlocked = Protection(locked=False)
        thin = Side(style="thin", color="BFBFBF")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.validations: dict[str, object] = {}
        self.yes_no = self._list([YES[lang], NO[lang]])
        self.na_list = self._list([NOT_APPLICABLE[lang]])

    def _list(self, labels: list[str]) -> str:
        """Put a drop-down list on the hidden sheet behind a defined name; return it."""
        from openpyxl.workbook.defined_name import DefinedName

        self.list_count += 1
        column = self._column(self.list_count)
        for index, label in enumerate(labels, start=1):
            set_text(self.lists, f"{column}{index}", label)
        name = f"list_{self.list_count}"
        ref = f"'{SHEET_LISTS}'!${column}$1:${column}${len(labels)}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        return name

    @staticmethod
    def _column(index: int) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(index)

    def _validation(self, key: str, **kwargs: object) -> object:
        from openpyxl.worksheet.datavalidation import DataValidation

        if key not in self.validations:
            dv = DataValidation(allow_blank=True, showErrorMessage=True,
                                showInputMessage=False, **kwargs)  # type: ignore[arg-type]
            self.ws.add_data_validation(dv)
            self.validations[key] = dv
        return self.validations[key]

    def _validate(self, key: str, ref: str, **kwargs: object) -> None:
        dv = self._validation(key, **kwargs)
        dv.add(ref)  # type: ignore[attr-defined]

    def write(self, rows: list[Row]) -> None:
        ws, lang = self.ws, self.lang
        consultation = self.questionnaire.consultation
        set_text(ws, "A1", f"{consultation.title} — {consultation.reference}")
        ws["A1"].font = self._font(size=14, bold=True)
        set_text(ws, "A2", T(
            "Répondez dans les cellules jaunes (colonnes E à J). Ne modifiez pas les "
            "questions : le fichier est signé et toute modification est détectée.",
            "Answer in the yellow cells (columns E to J). Do not edit the questions: the "
            "file is signed and any change is detected.").get(lang))
        ws["A2"].font = self.font
        for column, label, width in HEADERS:
            set_text(ws, f"{column}{HEADER_ROW}", label.get(lang))
            cell = ws[f"{column}{HEADER_ROW}"]
            cell.font, cell.fill, cell.alignment = self.bold, self.header_fill, self.wrap
            cell.border = self.border
            ws.column_dimensions[column].width = width
        for column in (COL_DONE, COL_CRITERION, COL_KEY):
            ws.column_dimensions[column].hidden = True
        ws.row_dimensions[HEADER_ROW].height = 30
        ws.freeze_panes = f"A{FIRST_ROW}"
        ws.auto_filter.ref = f"A{HEADER_ROW}:{COL_EXPECTED}{rows[-1].number if rows else 5}"
        by_key = {row.key: row for row in rows}
        for row in rows:
            self._row(row, by_key)
        self._page_setup(rows)

    def _font(self, *, size: float = 10, bold: bool = False) -> object:
        from openpyxl.styles import Font

        return Font(name=FONT, size=size, bold=bold)

    def _row(self, row: Row, by_key: dict[str, Row]) -> None:
        ws, lang, r = self.ws, self.lang, row.number
        set_text(ws, f"{COL_KEY}{r}", row.key)
        set_text(ws, f"{COL_CRITERION}{r}", row.criterion.id)
        if row.kind == "criterion":
            set_text(ws, f"{COL_REF}{r}", row.criterion.id)
            set_text(ws, f"{COL_QUESTION}{r}", row.criterion.title.get(lang))
            set_text(ws, f"{COL_GUIDANCE}{r}", row.criterion.description.get(lang))
            for column, _, _ in HEADERS[:10]:
                cell = ws[f"{column}{r}"]
                cell.font, cell.fill, cell.alignment = self.band_font, self.band_fill, self.wrap
            ws.row_dimensions[r].height = _height(
                [(row.criterion.title.get(lang), 58), (row.criterion.description.get(lang), 46)],
                minimum=2, points=11, bold=True)
            return
        q = row.question
        assert q is not None
        for column, _, _ in HEADERS[:10]:
            cell = ws[f"{column}{r}"]
            cell.font, cell.alignment, cell.border = self.font, self.wrap, self.border
        if row.kind == "item":
            self._item(row, by_key)
        else:
            self._question(row, by_key)
        self._done_formula(row, by_key)

    def _question(self, row: Row, by_key: dict[str, Row]) -> None:
        ws, lang, r = self.ws, self.lang, row.number
        q = row.question
        assert q is not None
        set_text(ws, f"{COL_REF}{r}", q.id)
        ws[f"{COL_REF}{r}"].font = self.bold
        question_text = q.text.get(lang)
        set_text(ws, f"{COL_QUESTION}{r}", question_text)
        guidance = self._guidance(q, by_key)
        set_text(ws, f"{COL_GUIDANCE}{r}", guidance)
        expected = self._expected(q)
        set_text(ws, f"{COL_EXPECTED}{r}", expected)
        inputs = INPUT_COLUMNS if row.kind == "question" else (COL_COMMENT, COL_DOC, COL_PAGE,
                                                                COL_LINK)
        if row.kind == "group":
            ws[f"{COL_ANSWER}{r}"].fill = self.locked_input_fill
            set_text(ws, f"{COL_ANSWER}{r}", T("↓ lignes ci-dessous", "↓ rows below").get(lang))
        for column in inputs:
            self._input(f"{column}{r}")
        if not q.na_allowed:
            ws[f"{COL_NA}{r}"].protection = self._locked()
            ws[f"{COL_NA}{r}"].fill = self.locked_input_fill
        else:
            self._input(f"{COL_NA}{r}")
            self._validate("na", f"{COL_NA}{r}", type="list", formula1=self.na_list,
                           errorTitle=T("Sans objet", "Not applicable").get(lang),
                           error=T("Choisissez « Sans objet » ou laissez vide.",
                                   "Choose 'Not applicable' or leave blank.").get(lang))
        if q.evidence is Evidence.NONE:
            for column in (COL_DOC, COL_PAGE, COL_LINK):
                ws[f"{column}{r}"].protection = self._locked()
                ws[f"{column}{r}"].fill = self.locked_input_fill
        if row.kind == "question":
            self._answer_validation(q, f"{COL_ANSWER}{r}")
        ws.row_dimensions[r].height = _height(
            [(question_text, 58), (guidance, 46), (expected, 24)], minimum=2)
        self._grey_when_not_applicable(r, q, by_key)

    def _item(self, row: Row, by_key: dict[str, Row]) -> None:
        ws, lang, r = self.ws, self.lang, row.number
        q = row.question
        assert q is not None
        assert row.item is not None
        spec = q.answer
        if isinstance(spec, MultipleChoice):
            option = next(o for o in spec.options if o.id == row.item)
            label = option.label.get(lang)
            expected = f"{YES[lang]} / {NO[lang]}"
            if option.exclusive:
                expected += T(" (seule, ou pas du tout)", " (alone, or not at all)").get(lang)
            self._validate("yes_no", f"{COL_ANSWER}{r}", type="list", formula1=self.yes_no,
                           errorTitle=T("Réponse", "Answer").get(lang),
                           error=T("Choisissez Oui ou Non dans la liste.",
                                   "Choose Yes or No from the list.").get(lang))
        else:
            assert isinstance(spec, Price)
            item = next(i for i in spec.items if i.id == row.item)
            label = item.label.get(lang)
            per = (T("par an", "per year") if item.recurrence is Recurrence.YEARLY
                   else T("une fois", "one-off")).get(lang)
            expected = f"{spec.currency} HT/excl. VAT, {per}"
            self._validate("price", f"{COL_ANSWER}{r}", type="decimal",
                           operator="greaterThanOrEqual", formula1="0",
                           errorTitle=T("Montant", "Amount").get(lang),
                           error=T("Saisissez un montant positif ou nul, en euros HT.",
                                   "Enter an amount of zero or more, in euros excl. "
                                   "VAT.").get(lang))
            ws[f"{COL_ANSWER}{r}"].number_format = "#,##0.00"
        set_text(ws, f"{COL_QUESTION}{r}", f"   • {label}")
        set_text(ws, f"{COL_EXPECTED}{r}", expected)
        self._input(f"{COL_ANSWER}{r}")
        for column in (COL_NA, COL_COMMENT, COL_DOC, COL_PAGE, COL_LINK):
            ws[f"{column}{r}"].fill = self.locked_input_fill
        ws.row_dimensions[r].height = _height([(label, 55)], minimum=1)
        self._grey_when_not_applicable(r, q, by_key)

    def _locked(self) -> object:
        from openpyxl.styles import Protection

        return Protection(locked=True)

    def _input(self, ref: str) -> None:
        cell = self.ws[ref]
        cell.protection = self.unlocked
        cell.fill = self.input_fill

    def _guidance(self, q: Question, by_key: dict[str, Row]) -> str:
        lang = self.lang
        parts = [q.why.get(lang)] if q.why is not None else []
        if q.vendor_guidance is not None:
            parts.append(q.vendor_guidance.get(lang))
        if q.guidance_by_answer:
            labels = dict(choice_labels(q, lang))
            parts += [T(f"Si vous répondez « {labels.get(g.answer, g.answer)} » : {g.text.fr}",
                        f"If you answer '{labels.get(g.answer, g.answer)}': {g.text.en}"
                        ).get(lang) for g in q.guidance_by_answer]
        condition = effective_condition(by_key[q.id].criterion, q)
        if condition is not None:
            words = _condition_words(condition, by_key, lang)
            parts.append(T(f"À remplir uniquement si {words}.",
                           f"Answer only if {words}.").get(lang))
        if q.na_allowed:
            parts.append(T("« Sans objet » possible, avec une justification en colonne G.",
                           "'Not applicable' allowed, with a justification in column G."
                           ).get(lang))
        if q.evidence is Evidence.REQUIRED:
            parts.append(T("Preuve obligatoire (document et page, ou lien).",
                           "Evidence required (document and page, or link).").get(lang))
        if q.knockout is not None:
            parts.append(T("Exigence éliminatoire.", "Mandatory requirement.").get(lang))
        return "\n".join(parts)

    def _expected(self, q: Question) -> str:
        lang, spec = self.lang, q.answer
        if isinstance(spec, YesNo):
            return f"{YES[lang]} / {NO[lang]}"
        if isinstance(spec, SingleChoice | Scale):
            return T("Un choix dans la liste", "One choice from the list").get(lang)
        if isinstance(spec, MultipleChoice):
            return T("Oui/Non pour chaque option ci-dessous",
                     "Yes/No for each option below").get(lang)
        if isinstance(spec, Number):
            bounds = []
            if spec.minimum is not None:
                bounds.append(f"≥ {_number(spec.minimum)}")
            if spec.maximum is not None:
                bounds.append(f"≤ {_number(spec.maximum)}")
            kind = T("Nombre entier", "Whole number") if spec.integer else T("Nombre", "Number")
            return f"{kind.get(lang)} ({spec.unit.get(lang)}) {' '.join(bounds)}".strip()
        if isinstance(spec, DateAnswer):
            return T("Date (jj/mm/aaaa)", "Date (yyyy-mm-dd)").get(lang)
        if isinstance(spec, FreeText):
            return T(f"Texte libre (≤ {spec.max_chars} caractères)",
                     f"Free text (≤ {spec.max_chars} characters)").get(lang)
        assert isinstance(spec, Price)
        return T(f"Montants en {spec.currency} HT, sur {spec.years} ans",
                 f"Amounts in {spec.currency} excl. VAT, over {spec.years} years").get(lang)

    def _answer_validation(self, q: Question, ref: str) -> None:
        lang, spec = self.lang, q.answer
        cell = self.ws[ref]
        title = T("Réponse", "Answer").get(lang)
        if isinstance(spec, YesNo):
            self._validate("yes_no", ref, type="list", formula1=self.yes_no, errorTitle=title,
                           error=T("Choisissez Oui ou Non dans la liste.",
                                   "Choose Yes or No from the list.").get(lang))
        elif isinstance(spec, SingleChoice | Scale):
            name = self._list([label for _, label in choice_labels(q, lang)])
            self._validate(name, ref, type="list", formula1=name, errorTitle=title,
                           error=T("Choisissez une valeur de la liste.",
                                   "Choose a value from the list.").get(lang))
        elif isinstance(spec, Number):
            low = spec.minimum if spec.minimum is not None else -1e15
            high = spec.maximum if spec.maximum is not None else 1e15
            kind = "whole" if spec.integer else "decimal"
            self._validate(f"number:{kind}:{low}:{high}", ref, type=kind, operator="between",
                           formula1=_number(low, plain=True), formula2=_number(high, plain=True),
                           errorTitle=title,
                           error=T(f"Saisissez un nombre entre {_number(low)} et "
                                   f"{_number(high)}.",
                                   f"Enter a number between {_number(low)} and "
                                   f"{_number(high)}.").get(lang))
        elif isinstance(spec, DateAnswer):
            self._validate("date", ref, type="date", operator="greaterThan", formula1="1",
                           errorTitle=title,
                           error=T("Saisissez une date (jj/mm/aaaa).",
                                   "Enter a date (yyyy-mm-dd).").get(lang))
            cell.number_format = "dd/mm/yyyy" if lang == "fr" else "yyyy-mm-dd"
        elif isinstance(spec, FreeText):
            cell.number_format = "@"
            self._validate(f"text:{spec.max_chars}", ref, type="textLength",
                           operator="lessThanOrEqual", formula1=str(spec.max_chars),
                           errorTitle=title,
                           error=T(f"{spec.max_chars} caractères au plus.",
                                   f"At most {spec.max_chars} characters.").get(lang))

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
        from openpyxl.formatting.rule import FormulaRule

        formula = self._not_applicable_formula(q, by_key)
        if formula is not None:
            self.ws.conditional_formatting.add(
                f"A{r}:{COL_LINK}{r}",
                FormulaRule(  # type: ignore[no-untyped-call]
                    formula=[formula], fill=self.grey_fill, stopIfTrue=False))

    def _done_formula(self, row: Row, by_key: dict[str, Row]) -> None:
        """Hidden column K: 1 when the question is answered (or does not apply)."""
        ws, r = self.ws, row.number
        if row.kind == "item":
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
        ws[f"{COL_DONE}{r}"] = f"=IF({answered},1,0)"

    def _page_setup(self, rows: list[Row]) -> None:
        ws = self.ws
        last = rows[-1].number if rows else FIRST_ROW
        ws.print_area = f"A1:{COL_LINK}{last}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        _a4_landscape(ws)
        protect(ws, fillable=True)


def _a4_landscape(ws: Worksheet) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    footer = ws.oddFooter
    assert footer is not None
    assert footer.center is not None
    assert footer.left is not None
    footer.center.text = "&P / &N"
    footer.left.text = "&A"


def _condition_words(condition: Applicability, by_key: dict[str, Row], lang: Lang) -> str:
    """A condition in words, e.g. ``Q1 = Yes and (Q2 = Cloud / Hybrid or Q3 = Yes)``."""
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
        joiner = T(" et ", " and ") if isinstance(condition, AllOf) else T(" ou ", " or ")
        words = [_condition_words(p, by_key, lang) for p in parts]
        return joiner.get(lang).join(w if isinstance(p, Condition) else f"({w})"
                                     for w, p in zip(words, parts, strict=True))
    gate = by_key[condition.question].question
    assert gate is not None
    labels = dict(choice_labels(gate, lang))
    values = " / ".join(labels.get(v, v) for v in condition.any_of)
    return f"{gate.id} = {values}"


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
    its metric twin Carlito), fewer in bold or larger type; a line takes 1.28 times the
    font size. Measured on pages rendered by LibreOffice.
    """
    per_char = 1.3 * 10 / points * (0.9 if bold else 1.0)
    lines = minimum
    for text, width in texts:
        chars = max(1.0, width * per_char)
        count = sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))
        lines = max(lines, count)
    return min(409.0, 1.28 * points * lines + 4)


def _write_cover(ws: Worksheet, questionnaire: Questionnaire, lang: Lang,
                 vendor: str | None, rows: list[Row]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    consultation = questionnaire.consultation
    bold = Font(name=FONT, size=10, bold=True)
    normal = Font(name=FONT, size=10)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 14
    ws.column_dimensions["E"].width = 14
    set_text(ws, "A1", consultation.title)
    ws["A1"].font = Font(name=FONT, size=16, bold=True)
    deadline = consultation.deadline
    deadline_text = "" if deadline is None else (
        deadline.strftime("%d/%m/%Y") if lang == "fr" else deadline.isoformat())
    facts = [
        (T("Consultation", "Consultation"), consultation.reference),
        (T("Acheteur", "Buyer"), consultation.buyer),
        (T("Date limite de réponse", "Answer deadline"), deadline_text),
        (T("Contact", "Contact"), consultation.contact),
        (T("Candidat", "Vendor"), vendor or ""),
        (T("Questionnaire", "Questionnaire"),
         f"{questionnaire.bank.title.get(lang)} ({questionnaire.bank.id} "
         f"{questionnaire.bank.version})"),
        (T("Empreinte", "Fingerprint"), questionnaire.fingerprint),
    ]
    r = 3
    for label, value in facts:
        set_text(ws, f"A{r}", label.get(lang))
        ws[f"A{r}"].font = bold
        set_text(ws, f"B{r}", value)
        ws[f"B{r}"].font, ws[f"B{r}"].alignment = normal, wrap
        r += 1
    r += 1
    set_text(ws, f"A{r}", T("Comment répondre", "How to answer").get(lang))
    ws[f"A{r}"].font = Font(name=FONT, size=12, bold=True)
    r += 1
    rules = [
        T("Répondez dans la feuille « Questionnaire », uniquement dans les cellules jaunes. "
          "Les listes déroulantes donnent les réponses possibles.",
          "Answer in the 'Questionnaire' sheet, only in the yellow cells. Drop-down lists "
          "give the possible answers."),
        T("Ne modifiez, ne déplacez et ne supprimez aucune ligne ni aucune question : le "
          "fichier est signé, toute modification est détectée et la réponse devra être "
          "renvoyée.",
          "Do not edit, move or delete any row or question: the file is signed, any change "
          "is detected and the answer will have to be sent again."),
        T("« Sans objet » n'est possible que là où la colonne F le propose, avec une "
          "justification en colonne G. Une question laissée vide compte comme non répondue "
          "(0 point).",
          "'Not applicable' is only possible where column F offers it, with a justification "
          "in column G. A blank question counts as unanswered (0 points)."),
        T("Les questions marquées « À remplir uniquement si … » ne s'appliquent que selon "
          "une réponse précédente ; elles sont grisées quand elles ne s'appliquent pas.",
          "Questions marked 'Answer only if …' depend on an earlier answer; they turn grey "
          "when they do not apply."),
        T("Preuves : pour chaque affirmation vérifiable, indiquez le document joint et la "
          "page (colonnes H et I) ou un lien (colonne J). Sans preuve, pas de point.",
          "Evidence: for each checkable claim, give the attached document and page (columns "
          "H and I) or a link (column J). No evidence, no points."),
        T("Saisissez des valeurs, jamais des formules : une formule n'est pas lue comme une "
          "réponse.",
          "Type values, never formulas: a formula is not read as an answer."),
        T("Enregistrez au format .xlsx, sans mot de passe ni macro.",
          "Save as .xlsx, without a password or macros."),
        aggregation_sentence(questionnaire),
    ]
    for rule in rules:
        set_text(ws, f"A{r}", "•")
        ws[f"A{r}"].alignment = Alignment(horizontal="right", vertical="top")
        set_text(ws, f"B{r}", rule.get(lang))
        ws[f"B{r}"].font, ws[f"B{r}"].alignment = normal, wrap
        ws.row_dimensions[r].height = _height([(rule.get(lang), 70)], minimum=1)
        r += 1
    r += 1
    set_text(ws, f"A{r}", T("Avancement", "Completion").get(lang))
    ws[f"A{r}"].font = Font(name=FONT, size=12, bold=True)
    r += 1
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for column, label in zip("ABCDE", (T("Critère", "Criterion"), T("Intitulé", "Title"),
                                       T("Questions", "Questions"),
                                       T("Répondues", "Answered"), T("%", "%")), strict=True):
        set_text(ws, f"{column}{r}", label.get(lang))
        ws[f"{column}{r}"].font, ws[f"{column}{r}"].fill = bold, header_fill
    r += 1
    first = r
    last_row = rows[-1].number if rows else FIRST_ROW
    qs = f"'{SHEET_QUESTIONS}'!"
    for criterion in questionnaire.bank.criteria:
        count = len(criterion.questions)
        set_text(ws, f"A{r}", criterion.id)
        set_text(ws, f"B{r}", criterion.title.get(lang))
        ws[f"C{r}"] = count
        ws[f"D{r}"] = (f"=SUMIF({qs}${COL_CRITERION}${FIRST_ROW}:${COL_CRITERION}${last_row},"
                       f"A{r},{qs}${COL_DONE}${FIRST_ROW}:${COL_DONE}${last_row})")
        ws[f"E{r}"] = f"=IF(C{r}=0,0,D{r}/C{r})"
        ws[f"E{r}"].number_format = "0%"
        for column in "ABCDE":
            ws[f"{column}{r}"].font = normal
        r += 1
    set_text(ws, f"A{r}", T("Total", "Total").get(lang))
    ws[f"C{r}"] = f"=SUM(C{first}:C{r - 1})"
    ws[f"D{r}"] = f"=SUM(D{first}:D{r - 1})"
    ws[f"E{r}"] = f"=IF(C{r}=0,0,D{r}/C{r})"
    ws[f"E{r}"].number_format = "0%"
    for column in "ABCDE":
        ws[f"{column}{r}"].font = bold
    _a4_landscape(ws)
    protect(ws)


def write_identity(wb: Workbook, ws: Worksheet, fields: Mapping[str, str]) -> None:
    """Write a signed workbook's identity: on its hidden sheet and as document properties.

    Every value is a string, so it survives Excel and LibreOffice unchanged.
    """
    from openpyxl.packaging.custom import StringProperty

    for index, (name, value) in enumerate(fields.items(), start=1):
        set_text(ws, f"A{index}", name)
        set_text(ws, f"B{index}", value)
        properties = wb.custom_doc_props  # type: ignore[attr-defined]
        properties.append(StringProperty(name=PROPERTY_PREFIX + name, value=value))
    protect(ws)


def protect(ws: Worksheet, *, fillable: bool = False) -> None:
    """Protect a sheet (cosmetically: tampering is caught by the HMAC, not by this).

    A ``fillable`` sheet still lets people resize rows and columns and use filters, so
    long texts can be read; inserting or deleting rows and sorting stay locked.
    """
    ws.protection.sheet = True
    ws.protection.password = PROTECTION_PASSWORD
    if fillable:
        ws.protection.formatRows = False
        ws.protection.formatColumns = False
        ws.protection.autoFilter = False
        ws.protection.sort = True
        ws.protection.insertRows = True
        ws.protection.deleteRows = True
