"""Reading a vendor's returned workbook: answers, and a report of every problem.

Vendor files are untrusted. :func:`read_response` never raises because of what is in
a file: it returns a :class:`Response` whose :class:`Report` lists every problem at once
(severity, file, sheet, cell, question, and a message in French and English that the
buyer can forward to the vendor), and the answers it could read. The file itself is
never modified.

The order of work: the raw file is read once, bounded, and vetted by
:mod:`ai_procurement._office.guard` before any XML is parsed; the identity sheet is
checked against the questionnaire, the buyer's key and the document's custom
properties; rows are matched by question id (never by position); each value is read as
Excel and LibreOffice really store it, normalised only where that is unambiguous (and
the normalisation is recorded), and flagged otherwise. Values typed anywhere outside the
form, and texts longer than a cell holds, are reported; the XML parts not read are
checked for damage (a warning).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import attrs

from ai_procurement._office.xlsx import (
    MAX_CELL_CHARS,
    Cell,
    XlsxBook,
    XlsxError,
    column_index,
)
from ai_procurement.answers import (
    Answer,
    AnswerState,
    AnswerValue,
    EvidenceRef,
    Finding,
    Report,
    Response,
    Severity,
    apply_conditions,
)
from ai_procurement.bank.model import (
    DateAnswer,
    Evidence,
    FreeText,
    MultipleChoice,
    Number,
    Price,
    Question,
    Scale,
    SingleChoice,
    YesNo,
    condition_questions,
    effective_condition,
)
from ai_procurement.bidders import BidderIdentity, check_registration
from ai_procurement.errors import ResponseError
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.text import LANGUAGES, Lang, Text, msg, nmsg
from ai_procurement.workbooks import form
from ai_procurement.workbooks.signing import Identity, vendor_token

__all__ = [
    "SignedWorkbookReader",
    "read_response",
]


_READ_COLUMNS = frozenset((form.COL_QUESTION, *form.INPUT_COLUMNS, form.COL_KEY))
"""Columns of the Questionnaire sheet the reader needs: question text, inputs, key."""

ROW_SLACK = 500
"""Rows read past the questionnaire's last row, to notice inserted rows."""
_MAX_EVIDENCE_CHARS = MAX_CELL_CHARS - 100
"""Document, page and link together: one cell of the review workbook shows them, with
their labels."""


def read_response(path: str | os.PathLike[str], questionnaire: Questionnaire, *,
                  key: bytes, vendor: str | None = None) -> Response:
    """Read a returned questionnaire workbook.

    Args:
        path: the returned ``.xlsx`` file (never modified).
        questionnaire: the questionnaire the file should answer.
        key: the buyer's signing key, to check the file's HMAC.
        vendor: the vendor the file was issued to, when known: a file issued to
            another vendor is then an error. Without it, an identity sheet copied
            from another vendor's file is still caught when the document's custom
            properties disagree with it.

    Returns:
        The answers that could be read and the report of every problem. When the report
        has errors, scoring must not use the file until the vendor fixes them.

    Raises:
        ResponseError: ``key`` is shorter than 16 bytes, so no signature can be checked
            (a mistake of the caller, not of the file: nothing is reported to a vendor).
    """
    if len(key) < 16:
        raise ResponseError("the signing key must be at least 16 bytes (load it with "
                            "load_key from the campaign's private/signing.key)")
    return _Reader(Path(path), questionnaire, key, vendor).read()


class SignedWorkbookReader:
    """Reading steps shared by every signed workbook that comes back.

    Vendors' questionnaires and evaluators' review workbooks go through the same door:
    the guard before any XML is parsed, the bounded cell reader, and one list of
    findings in which nothing raised by zipfile or an XML parser ever escapes.
    Subclasses read the identity and the content in :meth:`read_book`.
    """

    default_sheet = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.name
        self.findings: list[Finding] = []
        self.lang: Lang = "fr"

    def problem(self, severity: Severity, code: str, fr: str | Text, en: str | None = None, *,
                sheet: str | None = None, cell: str = "", question_id: str = "") -> None:
        """Record one problem, in French and English: a :class:`Text`, or its two texts."""
        text = fr if isinstance(fr, Text) else Text(fr, fr if en is None else en)
        self.findings.append(Finding(severity, code, text, self.file,
                                     self.default_sheet if sheet is None else sheet, cell,
                                     question_id))

    def read_book(self, book: XlsxBook) -> None:
        """Read the identity and the content of a vetted workbook (subclasses)."""
        raise NotImplementedError

    def properties_agree(self, book: XlsxBook, fields: Mapping[str, str], sheet: str) -> bool:
        """Check the custom document properties against the identity sheet's fields.

        The writer puts the identity in both places. A file whose identity sheet was
        taken from another file (another vendor's or evaluator's, which its own
        signature cannot tell apart) still carries its own properties: any property
        that disagrees is an error. Properties removed altogether (some tools drop
        them) are not an error: the signed identity sheet is what counts.
        """
        prefix = form.PROPERTY_PREFIX
        properties = {name[len(prefix):]: value
                      for name, value in book.custom_properties().items()
                      if name.startswith(prefix)}
        differ = sorted(name for name, value in properties.items()
                        if fields.get(name, "") != value)
        if not differ:
            return True
        shown = ", ".join(differ[:5])
        self.problem("error", "identity-properties",
                     msg("The document properties do not match the identity sheet ({shown}): "
                         "that sheet comes from another file. Send back the file you were given, "
                         "without copying sheets into it.", shown=shown), sheet=sheet)
        return False

    def outside_read(self, book: XlsxBook, sheet: str) -> None:
        """Report values typed outside the area of ``sheet`` that was read."""
        refs, count = book.outside.get(sheet, ([], 0))
        if not count:
            return
        shown = ", ".join(refs[:10]) + (" …" if count > 10 else "")
        self.problem("warning", "stray-content",
                     nmsg("Content was typed outside the form's area ({n} cell: {shown}): it "
                          "is not read.", "Content was typed outside the form's area ({n} "
                          "cells: {shown}): it is not read.", count, shown=shown),
                     sheet=sheet, cell=refs[0])

    def too_long(self, book: XlsxBook, cells: Mapping[str, Cell], sheet: str) -> None:
        """Report every text longer than a spreadsheet cell holds.

        No spreadsheet writes one: the file was built by other means, and its text could
        not be shown whole in the review workbook.
        """
        long = [cell for cell in map(cells.get, book.long.get(sheet, ()))
                if cell is not None and len(str(cell.value)) > MAX_CELL_CHARS]
        for cell in long[:20]:
            self.problem("error", "cell-too-long",
                         msg("The cell holds {length} characters, more than the {limit} a "
                             "spreadsheet cell holds: shorten the text (send a separate "
                             "document).", length=len(str(cell.value)), limit=MAX_CELL_CHARS),
                         sheet=sheet, cell=cell.ref)
        if len(long) > 20:
            self.problem("error", "cell-too-long",
                         nmsg("… and {n} more cell too long.", "… and {n} more cells too long.",
                              len(long) - 20), sheet=sheet)

    def run(self) -> str:
        """Guard, open and read the file; return its SHA-256 ("" if unreadable).

        The file is read once, bounded, by the guard; its SHA-256 and everything read
        after come from those very bytes.
        """
        from ai_procurement._office.guard import inspect_workbook

        result = inspect_workbook(self.path, keep_parts=True)
        self.findings.extend(attrs.evolve(finding, file=self.file)
                             for finding in result.findings)
        data = result.data
        sha = hashlib.sha256(data).hexdigest() if data is not None else _sha256(self.path)
        if not result.ok or data is None:
            return sha
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                book = XlsxBook(archive, result.parts)
                self.read_book(book)
                self._other_parts(book, result.parts)
        except XlsxError as exc:
            self._damaged(exc)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, KeyError,
                NotImplementedError, IndexError, TypeError, AttributeError, OverflowError,
                RecursionError, UnicodeError, zlib.error) as exc:
            self.problem("error", "unreadable",
                         msg("The file cannot be read ({error_type}). Save it again as .xlsx.",
                             error_type=type(exc).__name__), sheet="")
        return sha

    def _other_parts(self, book: XlsxBook, parts: Mapping[str, bytes]) -> None:
        """Check that the XML parts not read are well-formed too (a warning if not).

        Nothing here reads them, but Excel, LibreOffice or another tool will, and may
        show something else or refuse the file: damage anywhere is worth saying.
        """
        for part in sorted(set(parts) - book.parsed):
            try:
                book.check_well_formed(part)
            except XlsxError as exc:
                from ai_procurement._office.guard import parse_error_finding

                finding = parse_error_finding(exc.cause, path=self.path, member=part)
                self.findings.append(Finding("warning", finding.code, finding.message,
                                             self.file, cell=part))

    def _damaged(self, exc: XlsxError) -> None:
        """Report XML the reader could not parse, or values in it that are not valid."""
        from ai_procurement._office.guard import XML_PARSE_ERRORS, parse_error_finding

        if isinstance(exc.cause, XML_PARSE_ERRORS):
            finding = parse_error_finding(exc.cause, path=self.path, member=exc.part)
            self.findings.append(Finding("error", finding.code, finding.message, self.file,
                                         cell=exc.part))
            return
        # Well-formed XML holding values no spreadsheet writes there (a text where a
        # number must be, an unreadable compressed stream...).
        self.problem("error", "xml-malformed",
                     msg("The file '{file}' is damaged (part '{exc_part}': {error_type}). Open "
                         "it in Excel or LibreOffice, save it again as 'Excel Workbook (.xlsx)' "
                         "and send that new file.", file=self.file, exc_part=exc.part,
                         error_type=type(exc.cause).__name__),
                     sheet="", cell=exc.part)


class _Reader(SignedWorkbookReader):
    def __init__(self, path: Path, questionnaire: Questionnaire, key: bytes,
                 vendor: str | None) -> None:
        super().__init__(path)
        self.questionnaire, self.key, self.vendor = questionnaire, key, vendor
        self.token = ""
        self.answers: dict[str, Answer] = {}
        self.bidder: BidderIdentity | None = None

    def read(self) -> Response:
        sha = self.run()
        report = Report(self.file, sha, tuple(self.findings))
        return Response(self.file, self.token, self.answers, report, self.lang, self.bidder)

    def read_book(self, book: XlsxBook) -> None:
        if self._identity(book):
            self.answers = self._answers(book)
            if not self.token:
                # A generic copy (open call): the bidder identified itself on the cover.
                self.bidder = self._bidder(book)

    # -- the bidder's identification (generic questionnaires) ---------------------------

    def _bidder(self, book: XlsxBook) -> BidderIdentity | None:
        """Read and check the identification block of a generic workbook's cover.

        Its problems are warnings: the deposit register, not the workbook, says whose
        offer a file is, and a regularisation request can complete the block.
        """
        sheet = form.SHEET_COVER[self.lang]
        refs = form.identification_cells()
        if book.sheet_part(sheet) is None:
            self.problem("warning", "identification-missing",
                         msg("Sheet '{sheet}', which holds the bidder's identification, was "
                             "renamed or removed: the file does not identify the bidder.",
                             sheet=sheet),
                         sheet=sheet)
            return None
        last = max(int(ref[len(form.COL_IDENT_VALUE):]) for ref in refs.values())
        cells = book.cells(sheet, max_row=last,
                           max_column=column_index(form.COL_IDENT_VALUE),
                           columns=(form.COL_IDENT_VALUE,))
        values = {name: self._identification_value(cells.get(ref), name, sheet)
                  for name, ref in refs.items()}
        name = values["name"]
        if not name:
            self._identification_problem(
                "bidder-name-missing", msg("company name missing."), sheet, refs["name"])
        country = values["country"] or "FR"
        french = country.upper() in ("FR", "FRA", "FRANCE")
        field = "registration" if french or not values["foreign_registration"] \
            else "foreign_registration"
        registration = values[field]
        reason = check_registration(registration, "FR" if french else country)
        if reason is not None:
            self._identification_problem(
                "registration-missing" if not registration else "registration-invalid",
                reason, sheet, refs["registration" if french else "foreign_registration"])
        variant = self._offer_variant(values["offer_type"], values["variant"], sheet, refs)
        return BidderIdentity(name, registration, country, values["contact"],
                              values["email"], variant)

    def _offer_variant(self, offer_type: str, number: str, sheet: str,
                       refs: Mapping[str, str]) -> int | None:
        """0 for the base offer, n for variant n; None (reported) when not given right."""
        folded = _fold(offer_type)
        base = {_fold(labels[0]) for labels in form.OFFER_TYPES.values()} | {"base"}
        variants = {_fold(labels[1]) for labels in form.OFFER_TYPES.values()}
        if folded in base:
            return 0
        if folded not in variants:
            labels = " / ".join(form.OFFER_TYPES[self.lang])
            self._identification_problem(
                "offer-type-missing",
                msg("offer type missing or not recognised "
                    "('{offer_type}'): choose from the list "
                    "({labels}).", offer_type=offer_type,
                    labels=labels), sheet, refs["offer_type"])
            return None
        match = re.fullmatch(r"[vV]?\s*(\d{1,4})", number.strip())
        if match is None or int(match.group(1)) < 1:
            self._identification_problem(
                "variant-number",
                msg("variant number missing or not valid ('{number}'): a variant carries a whole "
                    "number from 1.", number=number), sheet, refs["variant"])
            return None
        return int(match.group(1))

    def _identification_value(self, cell: Cell | None, name: str, sheet: str) -> str:
        """The text of one identification cell ("" when blank); formulas are never read."""
        if cell is None or cell.kind == "error":
            return ""
        if cell.formula is not None:
            self._identification_problem(
                "formula", msg("a formula was typed; it is not read. Type the "
                               "value itself."), sheet, cell.ref)
            return ""
        if cell.kind == "number" and float(cell.value).is_integer():
            digits = str(int(float(cell.value)))
            if name == "registration" and len(digits) < 14:
                # A SIREN or SIRET typed as a number lost its leading zeros.
                digits = digits.zfill(9 if len(digits) <= 9 else 14)
            return digits
        return " ".join(str(cell.value).split())[:200]

    def _identification_problem(self, code: str, message: Text, sheet: str,
                                cell: str) -> None:
        self.findings.append(Finding(
            "warning", code, msg("Bidder identification: {message}", message=message),
            self.file, sheet, cell))

    # -- identity -----------------------------------------------------------------------

    def _identity(self, book: XlsxBook) -> bool:
        names = [name for name, _, _ in book.sheets]
        ok = True
        for sheet in (form.SHEET_QUESTIONS, form.SHEET_IDENTITY):
            if book.sheet_part(sheet) is None:
                ok = False
                self.problem("error", "sheet-missing",
                             msg("Sheet '{sheet}' was renamed or removed (sheets found: "
                                 "{names}). Start again from the file we sent.", sheet=sheet,
                                 names=', '.join(names)),
                             sheet=sheet)
        if not ok:
            return False
        cells = book.cells(form.SHEET_IDENTITY, max_row=20, max_column=2)
        fields: dict[str, str] = {}
        for row in range(1, 21):
            name, value = cells.get(f"A{row}"), cells.get(f"B{row}")
            if name is not None and value is not None and name.formula is None:
                fields[str(name.value)] = str(value.value)
        q = self.questionnaire
        lang = fields.get("lang", "")
        if lang not in LANGUAGES:
            self.problem("error", "identity-missing",
                         msg("The questionnaire's identity sheet is missing or edited: this file "
                             "is not a questionnaire issued by the buyer."),
                         sheet=form.SHEET_IDENTITY)
            return False
        self.lang = "fr" if lang == "fr" else "en"
        self.token = fields.get("vendor_token", "")
        if fields.get("bank_id") != q.bank.id or fields.get("bank_version") != q.bank.version:
            self.problem("error", "wrong-questionnaire",
                         msg("This file answers questionnaire '{fields_bank_id} "
                             "{fields_bank_version}', not '{bank_id} {bank_version}'. Use the "
                             "file of this consultation.", fields_bank_id=fields.get('bank_id'),
                             fields_bank_version=fields.get('bank_version'), bank_id=q.bank.id,
                             bank_version=q.bank.version), sheet=form.SHEET_IDENTITY)
            return False
        if fields.get("fingerprint") != q.fingerprint:
            self.problem("error", "wrong-version",
                         msg("This file comes from another version of the questionnaire "
                             "(different fingerprint: questions or weights). Use the file of "
                             "this consultation."), sheet=form.SHEET_IDENTITY)
            return False
        identity = Identity(q.bank.id, q.bank.version, q.fingerprint, self.lang, self.token)
        expected = identity.signature(self.key, form.signed_questions(q, self.lang))
        if fields.get("hmac") != expected or fields.get("kind") != identity.kind:
            self.problem("error", "signature",
                         msg("The file's signature does not match: "
                             "the identity sheet was edited or the "
                             "file was not issued by the buyer."), sheet=form.SHEET_IDENTITY)
            return False
        if not self.properties_agree(book, fields, form.SHEET_IDENTITY):
            return False
        if self.vendor is not None and self.token != vendor_token(self.key, self.vendor):
            self.problem("error", "other-vendor",
                         msg("This file was issued to another vendor than '{vendor}'. Each "
                             "vendor answers in its own file.", vendor=self.vendor),
                         sheet=form.SHEET_IDENTITY)
            return False
        return True

    # -- answers ------------------------------------------------------------------------

    def _answers(self, book: XlsxBook) -> dict[str, Answer]:
        self._date1904 = book.date1904
        rows = form.layout(self.questionnaire)
        max_row = rows[-1].number + ROW_SLACK
        cells = book.cells(form.SHEET_QUESTIONS, max_row=max_row,
                           max_column=column_index(form.LAST_COL), columns=_READ_COLUMNS)
        by_key: dict[str, int] = {}
        key_column = form.COL_KEY
        for cell in cells.values():
            if cell.column == key_column and cell.kind == "string":
                key = str(cell.value)
                if key in by_key:
                    self.problem("error", "duplicate-row",
                                 msg("The row of '{key}' appears twice (rows {first} and "
                                     "{cell_row}): a row was copied.", key=key,
                                     first=by_key[key], cell_row=cell.row),
                                 sheet=form.SHEET_QUESTIONS,
                                 cell=cell.ref, question_id=key.split(":")[0])
                    continue
                by_key[key] = cell.row
        self._rows_moved(rows, by_key, cells)
        self.outside_read(book, form.SHEET_QUESTIONS)
        self.too_long(book, cells, form.SHEET_QUESTIONS)
        self.cells = cells
        self.by_key = by_key
        self.dqe_cells: dict[str, Cell] = {}
        priced = form.price_question(self.questionnaire)
        if priced is not None and isinstance(priced.answer, Price) and priced.answer.dqe:
            self.dqe_cells = self._dqe_sheet(book, priced)
        answers: dict[str, Answer] = {}
        layout_by_key = {row.key: row for row in rows}
        self.layout_rows = {row.key: row.number for row in rows}
        for criterion, q in self.questionnaire.bank.questions():
            del criterion
            answers[q.id] = self._answer(q, layout_by_key)
        return self._apply_conditions(answers)

    def _rows_moved(self, rows: list[form.Row], by_key: dict[str, int],
                    cells: dict[str, Cell]) -> None:
        moved = [row for row in rows if row.key in by_key and by_key[row.key] != row.number]
        if moved:
            first = moved[0]
            self.problem("warning", "rows-moved",
                         nmsg("{n} row was moved or rows inserted (first: '{key}', expected on "
                              "row {planned}, found on row {found}). Answers are matched by "
                              "question reference.", "{n} rows were moved or rows inserted "
                              "(first: '{key}', expected on row {planned}, found on row "
                              "{found}). Answers are matched by question reference.",
                              len(moved), key=first.key, planned=first.number,
                              found=by_key[first.key]),
                         sheet=form.SHEET_QUESTIONS, cell=f"A{by_key[first.key]}",
                         question_id="" if first.question is None else first.question.id)
        known_rows = set(by_key.values())
        inputs, first_row = frozenset(form.INPUT_COLUMNS), form.FIRST_ROW
        stray = sorted({c.row for c in cells.values()
                        if c.row not in known_rows and c.column in inputs
                        and c.row >= first_row})
        if stray:
            self.problem("warning", "stray-content",
                         msg("Content was typed outside question rows (rows {rows}): it is "
                             "not read.", rows=_ranges(stray)), sheet=form.SHEET_QUESTIONS,
                         cell=f"{form.COL_ANSWER}{stray[0]}")

    def _input(self, column: str, row: int, q: Question) -> Cell | None:
        """The cell, or None; formulas are reported and never used."""
        return self._checked(self.cells.get(f"{column}{row}"), q)

    def _checked(self, cell: Cell | None, q: Question) -> Cell | None:
        """``cell`` if it holds a value; formulas and errors are reported, never used."""
        if cell is None:
            return None
        if cell.formula is not None and cell.formula.strip().upper() in ("TRUE()", "FALSE()"):
            # LibreOffice stores a typed TRUE/FALSE as the formula TRUE()/FALSE(): the
            # constant is read from the formula text, never from the cached value.
            return cell._replace(kind="bool", value=cell.formula.strip().upper() == "TRUE()",
                                 formula=None)
        if cell.formula is not None:
            self.problem("error", "formula",
                         msg("A formula was typed in an answer cell; it is not read. Type the "
                             "value itself."), sheet=form.SHEET_QUESTIONS, cell=cell.ref,
                         question_id=q.id)
            return None
        if cell.kind == "string" and not str(cell.value).strip():
            return None
        if cell.kind == "error":
            self.problem("error", "cell-error", msg(
                    "The cell holds the error {cell_value}.",
                    cell_value=cell.value), sheet=form.SHEET_QUESTIONS,
                         cell=cell.ref, question_id=q.id)
            return None
        return cell

    def _text(self, cell: Cell | None, q: Question) -> str:
        """The text of an input cell ("" when blank); numbers as typed, newlines as LF."""
        if cell is None:
            return ""
        cell = self._checked(cell, q)
        if cell is None:
            return ""
        if cell.kind == "number":
            return _number_text(float(cell.value))
        if cell.kind == "bool":
            return "TRUE" if cell.value else "FALSE"
        return _newlines(str(cell.value))

    def _answer(self, q: Question, layout_by_key: dict[str, form.Row]) -> Answer:
        row = self.by_key.get(q.id)
        if row is None:
            expected = layout_by_key[q.id].number
            self.problem("error", "row-deleted",
                         msg("The row of question {q_id} was deleted (expected on row "
                             "{expected}).", q_id=q.id, expected=expected),
                         sheet=form.SHEET_QUESTIONS, cell=f"A{expected}",
                         question_id=q.id)
            return Answer(q.id, AnswerState.UNANSWERED)
        get, number = self.cells.get, str(row)
        self._check_question_text(q, row, get(form.COL_QUESTION + number))
        notes: list[str] = []
        text = self._text
        # Most of these cells are blank: testing for it here saves a call for each.
        comment = "" if (cell := get(form.COL_COMMENT + number)) is None else text(cell, q)
        document = "" if (cell := get(form.COL_DOC + number)) is None else text(cell, q)
        page = "" if (cell := get(form.COL_PAGE + number)) is None else text(cell, q)
        link = "" if (cell := get(form.COL_LINK + number)) is None else text(cell, q)
        evidence = (EvidenceRef(document, page, link) if document or page or link
                    else EvidenceRef())
        if len(document) + len(page) + len(link) > _MAX_EVIDENCE_CHARS:
            # The review workbook shows the three in one cell.
            self.problem("error", "evidence-too-long",
                         msg("The evidence references (columns {col_doc} to {col_link}) total "
                             "{length} characters, more than the {limit} allowed: cite the "
                             "document, page and link, not their content.",
                             col_doc=form.COL_DOC, col_link=form.COL_LINK,
                             length=len(document) + len(page) + len(link),
                             limit=_MAX_EVIDENCE_CHARS), sheet=form.SHEET_QUESTIONS,
                         cell=f"{form.COL_DOC}{row}", question_id=q.id)
        na_cell = get(form.COL_NA + number)
        na = na_cell is not None and self._not_applicable(q, row)
        ref = f"{form.SHEET_QUESTIONS}!{form.COL_ANSWER}{row}"
        if isinstance(q.answer, (MultipleChoice, Price)):  # a tuple: faster than a union
            value = self._items(q, notes)
        else:
            cell = self._checked(get(form.COL_ANSWER + number), q)
            value = None if cell is None else self._value(q, cell, notes)
        if na:
            if value is not None:
                self.problem("warning", "na-and-answer",
                             msg("'Not applicable' and an answer are both given: the answer is "
                                 "read and 'Not applicable' ignored."), sheet=form.SHEET_QUESTIONS,
                             cell=ref.split("!")[1], question_id=q.id)
            else:
                if not comment.strip() and q.na_allowed:
                    self.problem("warning", "na-without-justification",
                                 msg("'Not applicable' without a justification in column G: it "
                                     "scores 0 until it is justified."),
                                 sheet=form.SHEET_QUESTIONS,
                                 cell=f"{form.COL_COMMENT}{row}", question_id=q.id)
                return Answer(q.id, AnswerState.NOT_APPLICABLE, None, comment, evidence, ref,
                              tuple(notes))
        if value is None:
            return Answer(q.id, AnswerState.UNANSWERED, None, comment, evidence, ref,
                          tuple(notes))
        if q.evidence is Evidence.REQUIRED and not evidence.given:
            self.problem("warning", "evidence-missing",
                         msg("Required evidence is missing (document in column H or link in "
                             "column J): no evidence, no points."), sheet=form.SHEET_QUESTIONS,
                         cell=f"{form.COL_DOC}{row}", question_id=q.id)
        return Answer(q.id, AnswerState.ANSWERED, value, comment, evidence, ref, tuple(notes))

    def _check_question_text(self, q: Question, row: int, cell: Cell | None) -> None:
        text = q.text.get(self.lang)
        found = "" if cell is None else str(cell.value)
        if found == text:
            return
        if _newlines(found) != _newlines(form.safe_text(text)):
            self.problem("error", "question-edited",
                         msg("The text of question {q_id} was edited. Answer the question as "
                             "asked, in the original file.", q_id=q.id),
                         sheet=form.SHEET_QUESTIONS,
                         cell=f"{form.COL_QUESTION}{row}", question_id=q.id)

    def _not_applicable(self, q: Question, row: int) -> bool:
        cell = self._input(form.COL_NA, row, q)
        if cell is None:
            return False
        text = _fold(str(cell.value))
        if text not in {_fold(v) for v in form.NOT_APPLICABLE.values()} | {"n/a", "na", "so"}:
            self.problem("error", "na-invalid",
                         msg("Value '{cell_value}' in the 'Not applicable' column: choose 'Not "
                             "applicable' from the list or leave it blank.",
                             cell_value=cell.value),
                         sheet=form.SHEET_QUESTIONS, cell=cell.ref, question_id=q.id)
            return False
        if not q.na_allowed:
            # Read as declared, scored 0 by the evaluation: never better than an answer.
            self.problem("warning", "na-not-allowed",
                         msg("'Not applicable' is not allowed for question {q_id}: it scores 0. "
                             "Answer it.", q_id=q.id),
                         sheet=form.SHEET_QUESTIONS, cell=cell.ref, question_id=q.id)
        return True

    def _bad_value(self, q: Question, cell: Cell, why: Text) -> None:
        self.problem("error", "invalid-value",
                     msg("Value '{value}': {why}", value=_show(cell), why=why),
                     sheet=form.SHEET_QUESTIONS, cell=cell.ref, question_id=q.id)

    def _value(self, q: Question, cell: Cell, notes: list[str]) -> AnswerValue | None:
        spec = q.answer
        lang = self.lang
        if isinstance(spec, YesNo):
            value = _yes_no(cell, lang, notes)
            if value is None:
                self._bad_value(q, cell, msg("expected Yes or No."))
            return value
        if isinstance(spec, SingleChoice):
            options = [(o.id, o.label) for o in spec.options]
            value = _choice(cell, options, lang, notes)
            if value is None:
                allowed = " | ".join(o.label.get(lang) for o in spec.options)
                self._bad_value(q, cell, msg("choose a value from the list ({allowed}).",
                                             allowed=allowed))
            return value
        if isinstance(spec, Scale):
            level = _level(cell, q, lang, notes)
            if level is None:
                self._bad_value(q, cell, msg("choose a level from the list."))
            return level
        if isinstance(spec, Number):
            return self._number(q, spec, cell, notes)
        if isinstance(spec, DateAnswer):
            parsed = _date(cell, lang, notes, self._date1904)
            if isinstance(parsed, str):
                self._bad_value(q, cell, msg("unreadable date ({parsed}); enter yyyy-mm-dd.",
                                             parsed=parsed))
                return None
            return parsed
        assert isinstance(spec, FreeText)
        text = self._text(cell, q)
        if cell.kind == "number":
            notes.append(f"number {cell.value!r} read as text {text!r}")
        if len(text) > spec.max_chars:
            self.problem("warning", "too-long",
                         msg("Answer of {length} characters, beyond the {limit} asked.",
                             length=len(text), limit=spec.max_chars),
                         sheet=form.SHEET_QUESTIONS, cell=cell.ref, question_id=q.id)
        return text

    _date1904 = False

    def _number(self, q: Question, spec: Number, cell: Cell, notes: list[str]) -> float | None:
        percent = "%" in spec.unit.en
        result = _number(cell, percent, notes)
        if isinstance(result, str):
            self._bad_value(q, cell, _NUMBER_PROBLEMS[result])
            return None
        if spec.integer and not float(result).is_integer():
            self._bad_value(q, cell, msg("a whole number is expected."))
            return None
        if (spec.minimum is not None and result < spec.minimum) or (
                spec.maximum is not None and result > spec.maximum):
            self._bad_value(q, cell, msg("outside the bounds [{spec_minimum}, {spec_maximum}].",
                                         spec_minimum=spec.minimum, spec_maximum=spec.maximum))
            return None
        return result

    def _items(self, q: Question, notes: list[str]) -> AnswerValue | None:
        spec = q.answer
        ticked: list[str] = []
        amounts: dict[str, float] = {}
        missing: list[str] = []
        seen_any = False
        items = spec.option_ids if isinstance(spec, MultipleChoice) else (
            tuple(i.id for i in spec.items) if isinstance(spec, Price) else ())
        for item in items:
            row = self.by_key.get(f"{q.id}:{item}")
            if row is None:
                expected = self.layout_rows[f"{q.id}:{item}"]
                self.problem("error", "row-deleted",
                             msg("Row '{item}' of question {q_id} was deleted (expected on row "
                                 "{expected}).", item=item, q_id=q.id, expected=expected),
                             sheet=form.SHEET_QUESTIONS, cell=f"A{expected}",
                             question_id=q.id)
                missing.append(item)
                continue
            cell = self._input(form.COL_ANSWER, row, q)
            if cell is None:
                missing.append(item)
                continue
            seen_any = True
            if isinstance(spec, MultipleChoice):
                value = _yes_no(cell, self.lang, notes)
                if value is None:
                    self._bad_value(q, cell, msg("expected Yes or No."))
                elif value == "yes":
                    ticked.append(item)
            else:
                amount = _number(cell, False, notes, currency=True)
                if isinstance(amount, str):
                    self._bad_value(q, cell, _NUMBER_PROBLEMS[amount])
                elif amount < 0:
                    self._bad_value(q, cell, msg("an amount of zero or more is expected."))
                else:
                    amounts[item] = amount
        if isinstance(spec, Price) and spec.dqe:
            unit_prices, dqe_missing, dqe_seen = self._dqe_prices(q, spec, notes)
            seen_any = seen_any or dqe_seen
            if seen_any and dqe_missing:
                rows = form.dqe_rows(spec)
                self.problem("error", "price-incomplete",
                             msg("Unit prices left blank on the DQE sheet, items: {dqe_missing}. "
                                 "Enter 0 for an item without cost.",
                                 dqe_missing=', '.join(dqe_missing)),
                             sheet=form.SHEET_DQE,
                             cell=f"{form.DQE_COL_PRICE}{rows[dqe_missing[0]]}",
                             question_id=q.id)
                return None
            amounts.update(unit_prices)
            items = (*items, *(line.id for line in spec.dqe))
        if not seen_any:
            return None
        if isinstance(spec, MultipleChoice):
            exclusive = [o for o in spec.options if o.exclusive and o.id in ticked]
            if exclusive and len(ticked) > 1:
                option = exclusive[0]
                row = self.by_key[f"{q.id}:{option.id}"]
                self.problem("error", "contradictory-options",
                             msg("'{option_label}' is ticked with other options: the answer "
                                 "contradicts itself. Tick either that option alone, or the "
                                 "others.", option_label=option.label), sheet=form.SHEET_QUESTIONS,
                             cell=f"{form.COL_ANSWER}{row}", question_id=q.id)
                return None
            return tuple(ticked)
        if missing:
            first = self.by_key.get(f"{q.id}:{missing[0]}")
            self.problem("error", "price-incomplete",
                         msg("Cost items left blank: {missing}. Enter 0 for an item without cost.",
                             missing=', '.join(missing)), sheet=form.SHEET_QUESTIONS,
                         cell="" if first is None else f"{form.COL_ANSWER}{first}",
                         question_id=q.id)
            return None
        return amounts if len(amounts) == len(items) else None

    def _dqe_sheet(self, book: XlsxBook, q: Question) -> dict[str, Cell]:
        """The cells of the DQE sheet, checked row by row against the items' keys."""
        spec = q.answer
        assert isinstance(spec, Price)
        rows = form.dqe_rows(spec)
        cells = book.cells(form.SHEET_DQE, max_row=max(rows.values()) + ROW_SLACK,
                           max_column=column_index(form.DQE_COL_KEY))
        if book.sheet_part(form.SHEET_DQE) is None:
            self.problem("error", "sheet-missing",
                         msg("The '{sheet_dqe}' sheet was deleted or renamed: the unit prices "
                             "cannot be read.", sheet_dqe=form.SHEET_DQE),
                         sheet=form.SHEET_DQE, question_id=q.id)
            return {}
        moved = [item for item, row in rows.items()
                 if (cell := cells.get(f"{form.DQE_COL_KEY}{row}")) is None
                 or str(cell.value) != item]
        if moved:
            item = moved[0]
            self.problem("error", "rows-moved",
                         msg("The DQE sheet was changed: row {row} should hold item "
                             "'{item}'. DQE rows may not be moved; send back the original file, "
                             "filled in.", row=rows[item], item=item),
                         sheet=form.SHEET_DQE, cell=f"A{rows[item]}",
                         question_id=q.id)
            return {}
        self.outside_read(book, form.SHEET_DQE)
        self.too_long(book, cells, form.SHEET_DQE)
        return cells

    def _dqe_prices(self, q: Question, spec: Price,
                    notes: list[str]) -> tuple[dict[str, float], list[str], bool]:
        """(item -> unit price, items left blank, whether any unit price was typed).

        A unit price that is a formula, not a number or negative is reported with its
        sheet, cell and item; the totals of the sheet are never read.
        """
        rows = form.dqe_rows(spec)
        prices: dict[str, float] = {}
        missing: list[str] = []
        seen = False
        for line in spec.dqe:
            ref = f"{form.DQE_COL_PRICE}{rows[line.id]}"
            cell = self.dqe_cells.get(ref)
            if cell is not None and cell.formula is not None:
                self.problem("error", "formula",
                             msg("Item {line_id}: a formula was typed as "
                                 "the unit price; it is not read. Type "
                                 "the value itself.", line_id=line.id), sheet=form.SHEET_DQE,
                             cell=ref, question_id=q.id)
                seen = True
                continue
            if cell is None or (cell.kind == "string" and not str(cell.value).strip()):
                missing.append(line.id)
                continue
            seen = True
            value = _number(cell, False, notes, currency=True)
            if isinstance(value, str):
                self.problem("error", "invalid-value",
                             msg("Item {line_id}: unit price '{value}': {why}",
                                 why=_NUMBER_PROBLEMS[value], line_id=line.id, value=_show(cell)),
                             sheet=form.SHEET_DQE, cell=ref, question_id=q.id)
            elif value < 0:
                self.problem("error", "invalid-value",
                             msg("Item {line_id}: unit price '{show_cell}' is negative; a price "
                                 "of zero or more is expected.", line_id=line.id,
                                 show_cell=_show(cell)), sheet=form.SHEET_DQE, cell=ref,
                             question_id=q.id)
            else:
                prices[line.id] = value
        return prices, missing, seen

    def _apply_conditions(self, answers: dict[str, Answer]) -> dict[str, Answer]:
        """Mark questions whose condition is not met; warn where they were answered."""
        result = apply_conditions(self.questionnaire, answers)
        for criterion, q in self.questionnaire.bank.questions():
            answer = answers[q.id]
            if (answer.state is AnswerState.ANSWERED
                    and result[q.id].state is AnswerState.NOT_APPLICABLE_BY_CONDITION):
                gates = ", ".join(condition_questions(effective_condition(criterion, q)))
                self.problem("warning", "answered-not-applicable",
                             msg("Question {q_id} does not apply given the answer to {gates}; "
                                 "its answer is ignored.", q_id=q.id, gates=gates),
                             sheet=form.SHEET_QUESTIONS, cell=answer.cell.split("!")[-1],
                             question_id=q.id)
        return result


# -- value parsing (pure functions) -------------------------------------------------------

_YES = {"oui", "yes", "vrai", "true", "o", "y", "x", "1"}
_NO = {"non", "no", "faux", "false", "n", "0"}

_NUMBER_PROBLEMS: dict[str, Text] = {
    "not-a-number": msg("a number is expected."),
    "ambiguous": msg("ambiguous separator (thousands or decimals?); type e.g. 1234.5."),
    "percent": msg("a percentage was typed but the unit is not '%'; type the value in the unit "
                   "asked."),
    "not-finite": msg("invalid numeric value."),
    "date": msg("the spreadsheet read the entry as a date (for example 1.5 typed in a French "
                "Excel becomes 1 May); type the number with the decimal separator of your "
                "spreadsheet."),
}

_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _is_date_format(number_format: str) -> bool:
    """True for a date or time number format (``dd/mm/yyyy``, ``d-mmm``, ``h:mm``...)."""
    # Quoted text, [colours] and [$€-40C] locales, escaped characters and padding are
    # not format codes; what remains holds d, m, y, h or s only for dates and times.
    return re.search("[dmyhs]", _FORMAT_LITERALS.sub("", number_format), re.IGNORECASE) \
        is not None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _show(cell: Cell) -> str:
    text = str(cell.value)
    return text if len(text) <= 60 else text[:57] + "…"


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _yes_no(cell: Cell, lang: Lang, notes: list[str]) -> str | None:
    if cell.kind == "bool":
        notes.append(f"{cell.ref}: boolean {cell.value} read as {'yes' if cell.value else 'no'}")
        return "yes" if cell.value else "no"
    if cell.kind == "number" and cell.value in (0.0, 1.0):
        notes.append(f"{cell.ref}: number {cell.value:g} read as "
                     f"{'yes' if cell.value else 'no'}")
        return "yes" if cell.value else "no"
    text = str(cell.value)
    if text in (form.YES[lang], form.NO[lang]):
        return "yes" if text == form.YES[lang] else "no"
    folded = _fold(text)
    if folded in _YES or folded in _NO:
        value = "yes" if folded in _YES else "no"
        notes.append(f"{cell.ref}: {text!r} read as {value}")
        return value
    return None


def _choice(cell: Cell, options: list[tuple[str, Text]], lang: Lang,
            notes: list[str]) -> str | None:
    text = str(cell.value) if cell.kind != "number" else _number_text(float(cell.value))
    for option_id, label in options:
        if text == label.get(lang):
            return option_id
    folded = _fold(text)
    matches = {option_id for option_id, label in options
               if folded in (_fold(label.fr), _fold(label.en), _fold(option_id))}
    if len(matches) == 1:
        value = matches.pop()
        notes.append(f"{cell.ref}: {text!r} read as option {value!r}")
        return value
    return None


def _level(cell: Cell, q: Question, lang: Lang, notes: list[str]) -> int | None:
    spec = q.answer
    assert isinstance(spec, Scale)
    values = {lv.value for lv in spec.levels}
    labels = {label: int(value) for value, label in form.choice_labels(q, lang)}
    if cell.kind == "string" and str(cell.value) in labels:
        return labels[str(cell.value)]
    if cell.kind == "number" and float(cell.value).is_integer() and int(cell.value) in values:
        notes.append(f"{cell.ref}: number {int(cell.value)} read as level {int(cell.value)}")
        return int(cell.value)
    match = _LEVEL.match(str(cell.value))
    if match and int(match.group(1)) in values:
        notes.append(f"{cell.ref}: {cell.value!r} read as level {match.group(1)}")
        return int(match.group(1))
    return None


_LEVEL = re.compile(r"^\s*(-?\d+)\s*(?:$|[–—:-]\s)")
"""A level typed as a number, alone or followed by the dash of the list's labels."""

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[\s\u00a0\u202f']\d{3})+(?:[.,]\d*)?$")
"""Digits grouped by three with spaces (or apostrophes), as French and Swiss write them."""


def _number(cell: Cell, percent: bool, notes: list[str], *,
            currency: bool = False) -> float | str:
    """A number from a cell, or the code of the problem (see ``_NUMBER_PROBLEMS``)."""
    if cell.kind == "number":
        value = float(cell.value)
        if not math.isfinite(value):
            return "not-finite"
        if _is_date_format(cell.number_format):
            return "date"
        if "%" in cell.number_format:
            if not percent:
                return "percent"
            notes.append(f"{cell.ref}: {value!r} stored with a percent format, read as "
                         f"{value * 100:g} %")
            return _round_percent(value * 100)
        return value
    if cell.kind != "string":
        return "not-a-number"
    text = str(cell.value).strip()
    original = text
    is_percent = text.endswith("%")
    if is_percent:
        if not percent:
            return "percent"
        text = text[:-1]
    if currency:
        for symbol in ("€", "EUR", "eur", "HT", "ht"):
            text = text.replace(symbol, "")
    text = text.strip()
    if _SPACES.search(text):
        if not _GROUPED.match(text):
            return "not-a-number"  # "12 5" is not 125
        text = _SPACES.sub("", text)
    parsed = _parse_decimal(text)
    if isinstance(parsed, str):
        return parsed
    if original != _number_text(parsed):
        notes.append(f"{cell.ref}: text {original!r} read as number {parsed!r}")
    return parsed


def _round_percent(value: float) -> float:
    # 0.15 * 100 is 15.000000000000002 in binary floating point; a typed percentage has
    # at most a dozen significant digits, so rounding there restores what was typed.
    return float(f"{value:.12g}")


def _parse_decimal(text: str) -> float | str:
    if not re.fullmatch(r"[+-]?[0-9.,]+", text) or not re.search(r"[0-9]", text):
        return "not-a-number"
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if text.count(decimal) > 1:
            return "not-a-number"
        text = text.replace(thousands, "").replace(decimal, ".")
    elif commas + dots == 1:
        separator = "," if commas else "."
        whole, _, fraction = text.partition(separator)
        if len(fraction) == 3 and whole.lstrip("+-") not in ("", "0"):
            return "ambiguous"
        text = text.replace(",", ".")
    elif commas + dots > 1:
        separator = "," if commas else "."
        groups = text.split(separator)
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0].lstrip("+-")) <= 3:
            text = text.replace(separator, "")
        else:
            return "not-a-number"
    try:
        value = float(text)
    except ValueError:
        return "not-a-number"
    if value != value or value in (float("inf"), float("-inf")):
        return "not-finite"
    return value


_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def _date(cell: Cell, lang: Lang, notes: list[str], date1904: bool) -> dt.date | str:
    """A date from a cell, or a short reason why it cannot be read."""
    if cell.kind == "number":
        serial = float(cell.value)
        if not 1 <= serial < 2958466:
            return "out of range"
        base = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        return base + dt.timedelta(days=int(serial))
    text = str(cell.value).strip()
    if cell.kind == "date":
        text = text[:10]
    try:
        value = dt.date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return "invalid"
    if value is not None:
        if cell.kind != "date":
            notes.append(f"{cell.ref}: text {text!r} read as date {value.isoformat()}")
        return value
    match = _DATE_DMY.match(text)
    if not match:
        return "format"
    first, second, year = (int(g) for g in match.groups())
    if lang == "fr" or first > 12:
        day, month = first, second
    elif second > 12:
        day, month = second, first
    else:
        return "ambiguous day/month"
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return "invalid"
    notes.append(f"{cell.ref}: text {text!r} read as date {value.isoformat()}")
    return value


def _ranges(rows: list[int]) -> str:
    parts: list[str] = []
    start = prev = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == prev + 1:
            prev = row
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if row is not None:
            start = prev = row
    return ", ".join(parts[:10]) + (" …" if len(parts) > 10 else "")


_HASHED_BYTES = 64 * 1024 * 1024
"""Largest refused file still hashed for its report; a larger one gets no SHA-256."""


def _sha256(path: Path) -> str:
    """SHA-256 of a file the guard did not read ("" when unreadable or huge)."""
    from ai_procurement._office.files import open_regular
    from ai_procurement.errors import InputError

    try:
        fd, size = open_regular(path)
    except InputError:
        return ""
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        if size > _HASHED_BYTES:
            return ""
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        except OSError:
            return ""
    return digest.hexdigest()
