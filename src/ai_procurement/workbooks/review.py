"""Review workbooks: where human evaluators score the vendors' free-text answers.

Free-text answers are not scored by a rule: each evaluator gives every answer a level on
the question's anchored scale and justifies it from the offer's content (no point
without evidence). :func:`write_review` writes one workbook per evaluator; the scores
read back by :func:`read_review` feed :func:`ai_procurement.decision.scoring.evaluate`, which
computes the consensus and flags evaluators who diverge.

The review sheet holds the scores: for each question, a band row holds the question,
the guidance for evaluators and the scale with its descriptors; below it, one row per
vendor shows the vendor's answer, comment and evidence side by side with the
evaluator's input cells (a level from a drop-down list, a justification, and, where the
vendor answered "not applicable", whether the evaluator accepts it). Vendor texts are
written as literal text, whole (a cell holds up to 32,767 characters; a note says when
the text is longer than the row can show).

A second sheet holds the evaluator's declaration that they have no conflict of interest
with the vendors (article L2141-10 of the code de la commande publique, article 24 of
directive 2014/24/EU): a drop-down (no conflict / a conflict, described), a description
and a date. Its fixed texts are signed with the identity; a declared conflict keeps the
evaluator's scores out of the evaluation until the buyer decides; a declaration left
blank is a warning and the report says it is missing.

Blind review: vendors appear under codes ("Offre A", "Offre B"... in sorted order of
their names, see :func:`vendor_codes`, or the letters the caller assigned, so that an
offer keeps its code in every workbook of a consultation: a follow-up workbook with one
new offer version shows "Offre C", not a second "Offre A"); no vendor name is written
anywhere in the file (cells, sheet names, defined names, document properties). The buyer
derives the mapping from the vendor list (and the assigned letters, signed in the file).
The file cannot hide a name a vendor wrote in its own answer.

Evaluator files are checked like vendor files: an evaluator can edit any cell, so a
hidden identity sheet carries the questionnaire's identity, the evaluator's name, the
blind flag, the reviewed questions and a keyed digest of the vendor list, signed with an
HMAC over these and the list of (question, vendor code) rows; every row also carries a
keyed seal over what it shows. A deleted or forged row, an edited vendor answer, another
evaluator's file or a file from another campaign is reported, never silently used.
:func:`read_review` never raises because of what is in a file.
"""

from __future__ import annotations

import datetime as dt
import hmac
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from ai_procurement._office.xlsx import Cell, XlsxBook, column_index, column_letter
from ai_procurement.answers import AnswerState, Report, Response
from ai_procurement.bank.model import Evidence, FreeText, Level, Question
from ai_procurement.decision.scoring import EvaluatorScore
from ai_procurement.errors import QuestionnaireError
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.text import LANGUAGES, Lang, Text, msg, nmsg, pmsg
from ai_procurement.workbooks import form
from ai_procurement.workbooks.response import SignedWorkbookReader, _date, _yes_no
from ai_procurement.workbooks.signing import _CANONICAL_JSON

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["Declaration", "ReviewResult", "read_review", "vendor_codes", "write_review"]

KIND = "review"
FORMAT = "2"
FORMATS_READ = ("1", "2")
"""Format 1 had no conflict-of-interest declaration; its files are still read."""
SHEET_REVIEW: dict[Lang, str] = {"fr": "Évaluation", "en": "Review"}
SHEET_DECLARATION: dict[Lang, str] = {"fr": "Déclaration", "en": "Declaration"}
SHEET_LISTS = form.SHEET_LISTS
SHEET_IDENTITY = form.SHEET_IDENTITY
HEADER_ROW = 4
FIRST_ROW = 5
"""Rows 1-3 hold the title and instructions, row 4 the column headers."""

# Columns of the review sheet, shared by the writer and the reader.
COL_CODE, COL_NOTE, COL_ANSWER, COL_COMMENT, COL_EVIDENCE = "A", "B", "C", "D", "E"
COL_LEVEL, COL_ACCEPT_NA, COL_JUSTIFICATION = "F", "G", "H"
COL_KEY, COL_STATE, COL_SEAL = "I", "J", "K"
LAST_PRINTED, LAST_COL = COL_JUSTIFICATION, COL_SEAL
INPUT_COLUMNS = (COL_LEVEL, COL_ACCEPT_NA, COL_JUSTIFICATION)

ROW_SLACK = 500
"""Rows read past the last expected row, to notice inserted rows."""
MAX_CELL_CHARS = 32767
"""The most characters an Excel cell holds."""
MAX_ROW_HEIGHT = 409.0
"""The tallest row Excel allows, in points."""

CODE_WORD: dict[Lang, str] = {"fr": "Offre", "en": "Offer"}


HEADERS = (
    (COL_CODE, msg("Offer"), 12),
    (COL_NOTE, msg("Status / notes"), 18),
    (COL_ANSWER, msg("Vendor's answer"), 80),
    (COL_COMMENT, msg("Vendor's comment"), 32),
    (COL_EVIDENCE, msg("Evidence cited"), 20),
    (COL_LEVEL, msg("Your level (list)"), 22),
    (COL_ACCEPT_NA, msg("Accept 'not applicable'?"), 12),
    (COL_JUSTIFICATION, msg("Your justification (required)"), 40),
    (COL_KEY, msg("Key"), 12),
    (COL_STATE, msg("State"), 12),
    (COL_SEAL, msg("Seal"), 12),
)
_WIDTHS = {column: width for column, _, width in HEADERS}

_SHOWN_STATE: dict[AnswerState, Text] = {
    AnswerState.ANSWERED: pmsg("workbooks.review", "Answered"),
    AnswerState.NOT_APPLICABLE: msg("The vendor answered 'not applicable': do you accept it "
                                    "(column G)?"),
    AnswerState.UNANSWERED: msg("No answer: 0 points, nothing to score."),
    AnswerState.NOT_APPLICABLE_BY_CONDITION: msg("The question does not apply to this offer "
                                                 "(earlier answer): nothing to score."),
}
_PLACEHOLDER: dict[AnswerState, Text] = {
    AnswerState.NOT_APPLICABLE: msg("[Not applicable]"),
    AnswerState.UNANSWERED: msg("[No answer]"),
    AnswerState.NOT_APPLICABLE_BY_CONDITION: msg("[Does not apply]"),
}


# The declaration sheet: fixed texts in column A (and the sentence in A3), inputs in B.
DECLARATION_CHOICE, DECLARATION_DESCRIPTION, DECLARATION_DATE = "B5", "B6", "B7"
DECLARATION_TITLE = msg("Declaration of no conflict of interest")
DECLARATION_SENTENCE = msg("I declare that I have, directly or indirectly, no link of interest "
                           "with the vendors of this consultation, and no financial, economic or "
                           "other personal interest that might compromise my impartiality or "
                           "independence in evaluating the offers (French public procurement "
                           "code, article L2141-10; directive 2014/24/EU, article 24; French law "
                           "no. 2013-907 of 11 October 2013, article 2). If such a link exists "
                           "or arises during the evaluation, I declare it below and abstain from "
                           "scoring.")
DECLARATION_LABELS = (
    msg("Your declaration (list)"),
    msg("Description of the conflict (if you declare one)"),
    msg("Date of the declaration"))
NO_CONFLICT = msg("I declare no conflict of interest")
CONFLICT = msg("I declare a conflict of interest (describe it below)")


def _declaration_texts(lang: Lang, evaluator: str) -> list[str]:
    """The fixed texts of the declaration sheet, in sheet order, then the two choices."""
    return [DECLARATION_TITLE.get(lang),
            msg("Evaluator: {evaluator}", evaluator=evaluator).get(lang),
            DECLARATION_SENTENCE.get(lang), *(label.get(lang) for label in DECLARATION_LABELS),
            NO_CONFLICT.get(lang), CONFLICT.get(lang)]


_DECLARATION_CELLS = ("A1", "A2", "A3", "A5", "A6", "A7")
"""Where the fixed texts of :func:`_declaration_texts` stand (the choices are listed)."""


def _declaration_seal(key: bytes, texts: Sequence[str]) -> str:
    """Keyed seal of the declaration's fixed texts, kept among the signed identity fields."""
    return _mac(key, "declaration", [_canonical(t) for t in texts])[:32]

# -- vendor codes (pure) ----------------------------------------------------------------

def vendor_codes(vendors: Iterable[str], lang: Lang = "fr") -> dict[str, str]:
    """Return the code under which each vendor appears in review workbooks.

    Vendors are sorted by name and coded "Offre A", "Offre B"... ("Offer A" in
    English; after Z come AA, AB...), so the buyer can always derive the mapping from
    the vendor list, and the same list always gives the same codes.

    Raises:
        QuestionnaireError: a blank or duplicated vendor name, or an unknown language.
    """
    if lang not in LANGUAGES:
        raise QuestionnaireError(msg("unknown language {lang!r}; expected one of {LANGUAGES}",
                                     lang=lang, LANGUAGES=LANGUAGES))
    names = list(vendors)
    blank = [n for n in names if not isinstance(n, str) or not n.strip()]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if blank or duplicated:
        raise QuestionnaireError(msg("vendor names must be non-blank and unique; got blank "
                                     "{blank!r}, duplicated {duplicated!r}", blank=blank,
                                     duplicated=duplicated))
    return {name: f"{CODE_WORD[lang]} {column_letter(index)}"
            for index, name in enumerate(sorted(names), start=1)}


def _letters(vendors: Iterable[str]) -> dict[str, str]:
    """Vendor -> the language-neutral letter used in hidden row keys."""
    return {name: column_letter(index) for index, name in enumerate(sorted(vendors), start=1)}


_LETTER = re.compile(r"[A-Z]{1,3}")


def _assigned(vendors: Iterable[str], letters: Mapping[str, str] | None) -> dict[str, str]:
    """Vendor -> its letter: those assigned, or the sorted order of the names.

    Raises:
        QuestionnaireError: assigned letters that do not cover exactly the vendors, or
            that are not unique capital letters (A, B... AA).
    """
    names = list(vendors)
    if letters is None:
        return _letters(names)
    given = dict(letters)
    bad = sorted(v for v in given.values() if not isinstance(v, str)
                 or not _LETTER.fullmatch(v))
    if set(given) != set(names) or bad or len(set(given.values())) != len(given):
        raise QuestionnaireError(msg("letters must give each vendor a distinct code letter (A, "
                                     "B... AA); got {given!r} for vendors {sorted_names!r}",
                                     given=given, sorted_names=sorted(names)))
    return given


def _order(letters: Mapping[str, str]) -> list[str]:
    """The vendors in the order of their letters (A, B... Z, AA...): the sheet's rows."""
    return sorted(letters, key=lambda vendor: (len(letters[vendor]), letters[vendor]))


def _codes(letters: Mapping[str, str], lang: Lang) -> dict[str, str]:
    return {vendor: f"{CODE_WORD[lang]} {letter}" for vendor, letter in letters.items()}


# -- signatures (pure) ------------------------------------------------------------------



def _mac(key: bytes, label: str, payload: object) -> str:
    text = _CANONICAL_JSON.encode([label, payload])
    return hmac.digest(key, text.encode("utf-8"), "sha256").hex()


def _vendors_digest(key: bytes, vendors: Iterable[str]) -> str:
    """A keyed digest of the vendor list: ties the codes to names without showing them."""
    return _mac(key, "vendors", sorted(vendors))[:32]


def _signature(key: bytes, fields: Mapping[str, str], rows: Sequence[tuple[str, str]]) -> str:
    """HMAC over the identity fields and the (question id, vendor code) of every row."""
    return _mac(key, "review", {"identity": dict(fields), "rows": [list(r) for r in rows]})


def _canonical(text: str) -> str:
    """The text as a reader gets it back, whatever program saved the file."""
    return form.safe_text(text).replace("\r\n", "\n").replace("\r", "\n")


def _seal(key: bytes, row_key: str, state: str, shown: Sequence[str]) -> str:
    """Keyed seal of one row: its key, the answer's state and the vendor texts shown."""
    return _mac(key, "row", [row_key, state, [_canonical(s) for s in shown]])[:32]


def _rows(question_ids: Sequence[str], letters: Sequence[str],
          lang: Lang) -> list[tuple[str, str]]:
    """The (question id, vendor code) of every vendor row, in sheet order.

    Codes depend only on the letters (in sheet order; signed among the identity fields
    when assigned), so the signature can be checked before the vendor list is (a wrong
    key and a wrong vendor list get different messages).
    """
    codes = [f"{CODE_WORD[lang]} {letter}" for letter in letters]
    return [(qid, code) for qid in question_ids for code in codes]


def _row_key(question_id: str, letter: str) -> str:
    return f"{question_id}@{letter}"


# -- writer -----------------------------------------------------------------------------

def write_review(questionnaire: Questionnaire, responses: Mapping[str, Response],
                 path: str | os.PathLike[str], *, evaluator: str, lang: Lang = "fr",
                 blind: bool = True, key: bytes, overwrite: bool = False,
                 questions: Sequence[str] | None = None,
                 letters: Mapping[str, str] | None = None) -> Path:
    """Write the review workbook one evaluator fills.

    Args:
        questionnaire: the frozen questionnaire the responses answer.
        responses: vendor name -> its read response (see
            :func:`ai_procurement.workbooks.response.read_response`). Every vendor gets a row under
            every reviewed question, whatever its answer's state.
        path: the ``.xlsx`` file to write (written atomically).
        evaluator: the evaluator's name, shown in the file and checked on reading.
        lang: ``"fr"`` or ``"en"``: the language of the workbook's own texts.
        blind: show vendors only under their codes (:func:`vendor_codes`); otherwise
            the name is shown under the code.
        key: the buyer's secret signing key (:func:`ai_procurement.workbooks.signing.new_key`).
        overwrite: replace an existing file (otherwise :class:`OutputError`).
        questions: ids of the questions to review, all free-text; None reviews every
            question scored by evaluators.
        letters: vendor -> its code letter ("C" for "Offre C"), to keep each offer's
            code across the workbooks of a consultation (a follow-up workbook with one
            offer shows it under the letter it had); None codes the vendors in sorted
            order of their names (A, B...). Signed in the file: the reader needs only
            the vendor list.

    Returns:
        The path written.

    Raises:
        QuestionnaireError: unknown language, a key shorter than 16 bytes, a blank
            evaluator name, no vendor, no question to review, a question that is not
            free text, a vendor text longer than an Excel cell holds, or ``letters``
            that do not give each vendor a distinct letter.
        OutputError: the file exists and ``overwrite`` is false.
    """
    data = review_bytes(questionnaire, responses, evaluator=evaluator, lang=lang, blind=blind,
                        key=key, questions=questions, letters=letters)
    from ai_procurement._office.files import write_atomic

    target = Path(path)
    write_atomic(target, data, overwrite=overwrite)
    return target


@attrs.frozen
class _Entry:
    """One vendor row: what it shows and how the evaluator fills it."""

    question: Question
    vendor: str
    code: str
    key: str
    state: AnswerState
    answer: str
    comment: str
    evidence: str
    note: str


def review_bytes(questionnaire: Questionnaire, responses: Mapping[str, Response], *,
                 evaluator: str, lang: Lang, blind: bool, key: bytes,
                 questions: Sequence[str] | None,
                 letters: Mapping[str, str] | None = None) -> bytes:
    """Return the review workbook as bytes (see :func:`write_review`)."""
    if lang not in LANGUAGES:
        raise QuestionnaireError(msg("unknown language {lang!r}; expected one of {LANGUAGES}",
                                     lang=lang, LANGUAGES=LANGUAGES))
    if len(key) < 16:
        raise QuestionnaireError(msg("the signing key must be at least 16 bytes"))
    if not isinstance(evaluator, str) or not evaluator.strip() or (
            form.safe_text(evaluator) != evaluator):
        raise QuestionnaireError(msg("evaluator must be a non-blank name without control "
                                     "characters, got {evaluator!r}", evaluator=evaluator))
    if not responses:
        raise QuestionnaireError(msg("no response to review: pass at least one vendor's response"))
    reviewed = _questions(questionnaire, questions)
    vendor_codes(responses, lang)  # checks the names
    assigned = _assigned(responses, letters)
    codes = _codes(assigned, lang)
    order = _order(assigned)
    entries = {q.id: [_entry(q, vendor, codes[vendor], assigned[vendor], responses[vendor],
                             lang)
                      for vendor in order]
               for q in reviewed}
    fields = _fields(questionnaire, lang, evaluator, blind, [q.id for q in reviewed],
                     len(responses), _vendors_digest(key, responses),
                     _declaration_seal(key, _declaration_texts(lang, evaluator)))
    if letters is not None:  # the letters of the sorted vendor names, signed
        fields["letters"] = " ".join(assigned[v] for v in sorted(assigned))
    signature = _signature(key, fields, _rows([q.id for q in reviewed],
                                              [assigned[v] for v in order], lang))

    buffer = io.BytesIO()
    book = form.new_workbook(buffer, questionnaire.consultation.title)
    sheet = book.add_worksheet(SHEET_REVIEW[lang])
    declaration = book.add_worksheet(SHEET_DECLARATION[lang])
    lists = book.add_worksheet(SHEET_LISTS)
    ident = book.add_worksheet(SHEET_IDENTITY)
    writer = _ReviewWriter(book, sheet, lists, questionnaire, lang, key, evaluator, blind)
    writer.write(reviewed, entries)
    writer.declaration(declaration)
    form.write_identity(book, ident, {**fields, "hmac": signature})
    lists.hide()
    form.protect(lists)
    ident.hide()
    book.close()
    return buffer.getvalue()


def _questions(questionnaire: Questionnaire, ids: Sequence[str] | None) -> list[Question]:
    every = [q for _, q in questionnaire.bank.questions()]
    if ids is None:
        chosen = [q for q in every if q.scored_by_evaluators]
    else:
        if isinstance(ids, str):
            raise QuestionnaireError(msg("questions must be a sequence of question ids, not a "
                                         "string"))
        known = {q.id: q for q in every}
        unknown = [i for i in ids if i not in known]
        duplicated = sorted({i for i in ids if list(ids).count(i) > 1})
        not_text = [i for i in ids if i in known and not known[i].scored_by_evaluators]
        if unknown or duplicated or not_text:
            raise QuestionnaireError(msg("questions to review must be free-text questions of "
                                         "{bank_id!r}, each once; unknown {unknown}, duplicated "
                                         "{duplicated}, not free text {not_text}",
                                         bank_id=questionnaire.bank.id, unknown=unknown,
                                         duplicated=duplicated, not_text=not_text))
        wanted = set(ids)
        chosen = [q for q in every if q.id in wanted]
    if not chosen:
        raise QuestionnaireError(msg("questionnaire {bank_id!r} has no free-text question for "
                                     "evaluators to review", bank_id=questionnaire.bank.id))
    return chosen


def _entry(q: Question, vendor: str, code: str, letter: str, response: Response,
           lang: Lang) -> _Entry:
    answer = response.answers.get(q.id)
    state = AnswerState.UNANSWERED if answer is None else answer.state
    text = comment = ""
    evidence_parts: list[str] = []
    if answer is not None:
        if state is AnswerState.ANSWERED:
            text = str(answer.value)
        comment = answer.justification
        labels = (msg("Document"), msg("Page"), msg("Link"))
        for label, value in zip(labels, (answer.evidence.document, answer.evidence.page,
                                         answer.evidence.link), strict=True):
            if value.strip():
                evidence_parts.append(f"{label.get(lang)} : {value}" if lang == "fr"
                                      else f"{label.get(lang)}: {value}")
    shown = text if state is AnswerState.ANSWERED else _PLACEHOLDER[state].get(lang)
    evidence = "\n".join(evidence_parts) or "—"
    for what, value in ((f"{q.id} / {code}", shown), (f"{q.id} / {code} comment", comment),
                        (f"{q.id} / {code} evidence", evidence)):
        if len(value) > MAX_CELL_CHARS:
            raise QuestionnaireError(msg("{what}: {len_value} characters, more than the "
                                         "{MAX_CELL_CHARS} an Excel cell holds; the review "
                                         "workbook never truncates a vendor's text. Ask the "
                                         "vendor for a shorter answer or review it outside the "
                                         "workbook.", what=what, len_value=len(value),
                                         MAX_CELL_CHARS=MAX_CELL_CHARS))
    notes = [_SHOWN_STATE[state].get(lang)]
    if state is AnswerState.NOT_APPLICABLE and not comment.strip():
        notes.append(msg("No justification for 'not applicable'.").get(lang))
    if state is AnswerState.ANSWERED and q.evidence is Evidence.REQUIRED and not (
            answer is not None and answer.evidence.given):
        notes.append(msg("Required evidence missing: no point without evidence.").get(lang))
    if not response.report.ok:
        notes.append(msg("The vendor's file has errors to fix: provisional score.").get(lang))
    return _Entry(q, vendor, code, _row_key(q.id, letter), state, shown, comment,
                  evidence, "\n".join(notes))


def _fields(questionnaire: Questionnaire, lang: Lang, evaluator: str, blind: bool,
            question_ids: Sequence[str], offers: int, vendors_digest: str,
            declaration_seal: str) -> dict[str, str]:
    return {"kind": KIND, "format": FORMAT, "bank_id": questionnaire.bank.id,
            "bank_version": questionnaire.bank.version,
            "fingerprint": questionnaire.fingerprint, "lang": lang, "evaluator": evaluator,
            "blind": "yes" if blind else "no", "questions": " ".join(question_ids),
            "offers": str(offers), "vendors": vendors_digest,
            "declaration": declaration_seal}


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` characters wide."""
    chars = max(1.0, width * 1.15)
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def _height(texts: Iterable[tuple[str, float]], *, minimum: int) -> tuple[float, bool]:
    """Row height that shows ``texts`` (text, column width), and whether it is capped."""
    lines = max([minimum, *(_lines(text, width) for text, width in texts)])
    height = 13.5 * lines + 4
    return min(MAX_ROW_HEIGHT, height), height > MAX_ROW_HEIGHT


class _ReviewWriter:
    """Writes the review and list sheets."""

    def __init__(self, book: Workbook, ws: Worksheet, lists: Worksheet,
                 questionnaire: Questionnaire, lang: Lang, key: bytes, evaluator: str,
                 blind: bool) -> None:
        self.book, self.ws, self.lists = book, ws, lists
        self.styles = form.Styles(book)
        self.questionnaire, self.lang, self.key = questionnaire, lang, key
        self.evaluator, self.blind = evaluator, blind
        self.list_count = 0
        self.validations: dict[str, tuple[Text, list[str]]] = {}
        self.level_lists: dict[str, str] = {}
        self.yes_no = self._list([form.YES[lang], form.NO[lang]])

    def _list(self, labels: list[str]) -> str:
        """Put a drop-down list on the hidden sheet behind a defined name; return it."""
        self.list_count += 1
        column = column_letter(self.list_count)
        for index, label in enumerate(labels, start=1):
            form.set_text(self.lists, f"{column}{index}", label)
        name = f"review_list_{self.list_count}"
        self.book.define_name(name, f"='{SHEET_LISTS}'!${column}$1:${column}${len(labels)}")
        return name

    def _validate(self, name: str, ref: str, error: Text) -> None:
        """Add ``ref`` to the cells whose drop-down is the list ``name``."""
        if name not in self.validations:
            self.validations[name] = (error, [])
        self.validations[name][1].append(ref)

    def _add_validations(self) -> None:
        for name, (error, refs) in self.validations.items():
            self.ws.data_validation(refs[0], {
                "validate": "list", "source": f"={name}", "ignore_blank": True,
                "show_error": True, "show_input": False,
                "error_title": msg("Value").get(self.lang),
                "error_message": error.get(self.lang), "multi_range": " ".join(refs)})

    def write(self, questions: Sequence[Question], entries: Mapping[str, list[_Entry]]) -> None:
        ws, lang, styles = self.ws, self.lang, self.styles
        consultation = self.questionnaire.consultation
        form.set_text(ws, "A1", msg("Review sheet").get(lang)
                      + f" — {consultation.title} — {consultation.reference}",
                      styles(font_size=14, bold=True))
        who = msg("Evaluator: {evaluator}.", evaluator=self.evaluator).get(lang)
        mode = (msg("Blind review: each vendor is shown under a code.") if self.blind else
                msg("Vendors shown by name.")).get(lang)
        form.set_text(ws, "A2", f"{who} {mode}", styles(bold=True))
        wrap = styles(text_wrap=True, valign="top")
        ws.merge_range(f"A3:{LAST_PRINTED}3", "", wrap)
        form.set_text(ws, "A3", msg("For each offer, choose a level of "
                                    "the scale (column F) and justify it "
                                    "from the offer's content (column "
                                    "H): no point without evidence. "
                                    "Where the vendor answered 'not "
                                    "applicable', say in column G "
                                    "whether you accept it. Do not edit, "
                                    "move or delete any row: the file is "
                                    "signed.").get(lang) + " " + msg(
                    "Also fill in the declaration of no conflict of interest (sheet "
                    "'{SHEET_DECLARATION}'): without it, the report says it is missing.",
                    SHEET_DECLARATION=Text(fr=format(SHEET_DECLARATION['fr'], ''),
                    en=format(SHEET_DECLARATION['en'], ''))).get(lang), wrap)
        ws.set_row(2, 42)
        header = styles.cell(bold=True, font_color="#FFFFFF", bg_color="#1F4E79")
        for column, label, width in HEADERS:
            form.set_text(ws, f"{column}{HEADER_ROW}", label.get(lang), header)
            hidden = column in (COL_KEY, COL_STATE, COL_SEAL)
            ws.set_column(f"{column}:{column}", width, None, {"hidden": hidden})
        ws.set_row(HEADER_ROW - 1, 30)
        ws.freeze_panes(FIRST_ROW - 1, 0)
        r = FIRST_ROW
        for q in questions:
            self._band(r, q)
            r += 1
            for entry in entries[q.id]:
                self._row(r, entry)
                r += 1
        last = r - 1
        self._add_validations()
        ws.autofilter(f"A{HEADER_ROW}:{LAST_PRINTED}{last}")
        ws.print_area(f"A1:{LAST_PRINTED}{last}")
        ws.repeat_rows(HEADER_ROW - 1)
        # Room for the header and footer, which name the consultation and the evaluator
        # on every printed page.
        form.a4_landscape(ws, top=0.7, bottom=0.7, header=(
            f"&L{_header_text(consultation.reference)}&R{_header_text(who)}"))
        # Evaluators may resize rows to read long answers and filter by offer.
        form.protect(ws, fillable=True)

    def declaration(self, ws: Worksheet) -> None:
        """Write the declaration sheet: fixed texts, a choice, a description and a date."""
        lang, styles = self.lang, self.styles
        texts = _declaration_texts(lang, self.evaluator)
        wrap = styles(text_wrap=True, valign="top")
        label = styles(bold=True, text_wrap=True, valign="top")
        ws.set_column("A:A", 34)
        ws.set_column("B:B", 76)
        form.set_text(ws, "A1", texts[0], styles(font_size=14, bold=True))
        form.set_text(ws, "A2", texts[1], styles(bold=True))
        ws.merge_range("A3:B3", "", wrap)
        form.set_text(ws, "A3", texts[2], wrap)
        height, _ = _height([(texts[2], 34 + 76)], minimum=2)
        ws.set_row(2, height)
        for ref, text in zip(("A5", "A6", "A7"), texts[3:6], strict=True):
            form.set_text(ws, ref, text, label)
        choices = self._list(texts[6:8])
        ws.data_validation(DECLARATION_CHOICE, {
            "validate": "list", "source": f"={choices}", "ignore_blank": True,
            "show_error": True, "error_title": msg("Value").get(lang),
            "error_message": msg("Choose a declaration from the list.").get(lang)})
        ws.data_validation(DECLARATION_DATE, {
            "validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1),
            "ignore_blank": True, "show_error": True,
            "error_title": msg("Date").get(lang),
            "error_message": msg("Enter a date (yyyy-mm-dd).").get(lang)})
        form.set_blank(ws, DECLARATION_CHOICE, styles.input())
        form.set_blank(ws, DECLARATION_DESCRIPTION, styles.input(num_format="@"))
        form.set_blank(ws, DECLARATION_DATE, styles.input(
            num_format="dd/mm/yyyy" if lang == "fr" else "yyyy-mm-dd"))
        ws.set_row(4, 20)
        ws.set_row(5, 60)
        ws.set_row(6, 20)
        ws.print_area("A1:B7")
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_footer("&L&A&C&P / &N", {"margin": 0.3})
        form.protect(ws)

    def _band(self, r: int, q: Question) -> None:
        ws, lang, styles = self.ws, self.lang, self.styles
        spec = q.answer
        assert isinstance(spec, FreeText)
        question = f"{q.text.get(lang)}\n" + msg("Why: ").get(lang) + (
            q.why.get(lang) if q.why is not None else "—")
        guidance = msg("Guidance for evaluators: ").get(lang) + (
            q.evaluator_guidance.get(lang) if q.evaluator_guidance is not None else "—")
        scale = msg("Scale:").get(lang) + "\n" + _scale_text(spec.scale, lang)
        band = {"bg_color": "#D9E1F2", "text_wrap": True, "valign": "top", "top": 2,
                "top_color": "#1F4E79"}
        bold, normal = styles(bold=True, **band), styles(**band)
        form.set_text(ws, f"{COL_CODE}{r}", q.id, bold)
        for first, last, text, style in ((COL_NOTE, COL_ANSWER, question, bold),
                                         (COL_COMMENT, COL_EVIDENCE, guidance, normal),
                                         (COL_LEVEL, COL_JUSTIFICATION, scale, normal)):
            ws.merge_range(f"{first}{r}:{last}{r}", "", style)
            form.set_text(ws, f"{first}{r}", text, style)
        form.set_text(ws, f"{COL_KEY}{r}", f"#{q.id}")
        width = _WIDTHS
        height, _ = _height([(question, width[COL_NOTE] + width[COL_ANSWER]),
                             (guidance, width[COL_COMMENT] + width[COL_EVIDENCE]),
                             (scale, width[COL_LEVEL] + width[COL_ACCEPT_NA]
                              + width[COL_JUSTIFICATION])], minimum=2)
        ws.set_row(r - 1, height)

    def _row(self, r: int, entry: _Entry) -> None:
        ws, lang, q, styles = self.ws, self.lang, entry.question, self.styles
        spec = q.answer
        assert isinstance(spec, FreeText)
        code = entry.code if self.blind else f"{entry.code}\n{entry.vendor}"
        _, capped = _height([(entry.answer, _WIDTHS[COL_ANSWER]),
                             (entry.comment, _WIDTHS[COL_COMMENT])], minimum=3)
        note = entry.note
        if capped:
            longest = max(len(entry.answer), len(entry.comment))
            note += "\n" + msg("Long text ({longest} characters): the cell holds the "
                               "whole text; enlarge the row or read it in the formula "
                               "bar.", longest=longest).get(lang)
        height, _ = _height([(entry.answer, _WIDTHS[COL_ANSWER]),
                             (entry.comment, _WIDTHS[COL_COMMENT]),
                             (entry.evidence, _WIDTHS[COL_EVIDENCE]),
                             (code, _WIDTHS[COL_CODE]), (note, _WIDTHS[COL_NOTE])], minimum=3)
        shown = styles.cell(num_format="@")
        form.set_text(ws, f"{COL_CODE}{r}", code, styles.cell(bold=True, num_format="@"))
        form.set_text(ws, f"{COL_NOTE}{r}", note, shown)
        form.set_text(ws, f"{COL_ANSWER}{r}", entry.answer, shown)
        form.set_text(ws, f"{COL_COMMENT}{r}", entry.comment, shown)
        form.set_text(ws, f"{COL_EVIDENCE}{r}", entry.evidence, shown)
        form.set_text(ws, f"{COL_KEY}{r}", entry.key)
        form.set_text(ws, f"{COL_STATE}{r}", entry.state.value)
        form.set_text(ws, f"{COL_SEAL}{r}", _seal(self.key, entry.key, entry.state.value,
                                                  (entry.answer, entry.comment, entry.evidence)))
        inputs: list[str] = []
        if entry.state is AnswerState.ANSWERED:
            inputs = [COL_LEVEL, COL_JUSTIFICATION]
            name = self.level_lists.get(q.id, "")
            if not name:
                name = self._list([label for _, label in _level_labels(spec.scale, lang)])
                self.level_lists[q.id] = name
            self._validate(name, f"{COL_LEVEL}{r}",
                           msg("Choose a level of the scale from the list."))
        elif entry.state is AnswerState.NOT_APPLICABLE:
            inputs = [COL_ACCEPT_NA, COL_JUSTIFICATION]
            self._validate(self.yes_no, f"{COL_ACCEPT_NA}{r}",
                           msg("Choose Yes or No from the list."))
        for column in INPUT_COLUMNS:
            style = (styles.input(num_format="@") if column in inputs
                     else styles.locked_input(num_format="@"))
            form.set_blank(ws, f"{column}{r}", style)
        ws.set_row(r - 1, height)


def _header_text(text: str) -> str:
    """``text`` for one section of a page header: at most 100 characters.

    In headers and footers "&" starts a code and "&&" prints an ampersand; "&G" (a
    picture) would make XlsxWriter drop the header, so a text holding it gets the
    full-width ampersand instead. Excel takes 255 characters for the whole header.
    """
    text = form.safe_text(text).replace("\n", " ")[:100]
    escaped = text.replace("&", "&&")
    if "&G" in escaped or len(escaped) > 120:
        escaped = text.replace("&", "\uff06")
    return escaped


def _level_labels(scale: Sequence[Level], lang: Lang) -> list[tuple[int, str]]:
    """(level, label shown in the drop-down) for each level of a scale."""
    return [(lv.value, f"{lv.value} – {lv.descriptor.get(lang)}") for lv in scale]


def _scale_text(scale: Sequence[Level], lang: Lang) -> str:
    return "\n".join(label for _, label in _level_labels(scale, lang))


# -- reader -----------------------------------------------------------------------------

@attrs.frozen
class Declaration:
    """An evaluator's declaration about conflicts of interest, as read from the workbook.

    Attributes:
        evaluator: the evaluator named in the file.
        declared_no_conflict: True when the evaluator declares no conflict of interest,
            False when they declare one, None when the declaration is left blank (or the
            file predates it).
        description: the conflict described by the evaluator, as typed.
        date: the date of the declaration, when given and readable.
    """

    evaluator: str
    declared_no_conflict: bool | None
    description: str = ""
    date: dt.date | None = None

    def line(self, lang: Lang) -> str:
        """One line for the report, e.g. "Claire Martin : déclare n'avoir aucun conflit..."."""
        when = ""
        if self.date is not None:
            when = (f" ({self.date.day} {_MONTHS_FR[self.date.month - 1]} {self.date.year})"
                    if lang == "fr" else
                    f" ({self.date.day} {_MONTHS_EN[self.date.month - 1]} {self.date.year})")
        if self.declared_no_conflict is None:
            return msg("{evaluator}: declaration not filled in",
                       evaluator=self.evaluator).get(lang)
        if self.declared_no_conflict:
            return msg("{evaluator}: declares no conflict of interest{when}",
                       evaluator=self.evaluator, when=when).get(lang)
        described = form.safe_text(self.description).replace("\n", " ").strip()
        described = described[:300] + ("…" if len(described) > 300 else "")
        if described:
            return msg("{evaluator}: declares a conflict of interest{when} – '{described}'; "
                       "their scores are not used", evaluator=self.evaluator, when=when,
                       described=described).get(lang)
        return msg("{evaluator}: declares a conflict of interest{when}; their scores are not "
                   "used", evaluator=self.evaluator, when=when).get(lang)


_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")
# Fixed names, not strftime("%B"): the line must not depend on the process's locale.
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@attrs.frozen
class ReviewResult:
    """An evaluator's workbook, read: the scores it holds and the report of every problem.

    Attributes:
        file: the file's name.
        evaluator: the evaluator named in the file ("" when its identity is unreadable).
        scores: the evaluator's levels (and "not applicable" decisions) that passed every
            check, for :func:`ai_procurement.decision.scoring.evaluate`; empty when the file's
            identity does not check out.
        report: every problem found (reused from :mod:`ai_procurement.workbooks.response`); when it
            has errors, have the evaluator fix the file before using it.
        codes: vendor -> code, derived from the vendor list given to :func:`read_review`
            and the letters the file was issued with.
        blind: whether the file was written for a blind review (None when unreadable).
        lang: the language of the file.
        declaration: the evaluator's conflict-of-interest declaration (None when the
            file's identity does not check out or the declaration's texts were edited).
    """

    file: str
    evaluator: str
    scores: tuple[EvaluatorScore, ...]
    report: Report
    codes: Mapping[str, str]
    blind: bool | None = None
    lang: Lang = "fr"
    declaration: Declaration | None = None


def read_review(path: str | os.PathLike[str], questionnaire: Questionnaire, *, key: bytes,
                vendors: Sequence[str], evaluator: str | None = None) -> ReviewResult:
    """Read an evaluator's review workbook.

    Args:
        path: the filled review workbook (never modified).
        questionnaire: the questionnaire the reviewed responses answer.
        key: the buyer's signing key, to check the file's signatures.
        vendors: the vendors the workbook was written for (the keys of the responses
            given to :func:`write_review`); their sorted order gives the codes, with
            the letters the file was issued with (``letters`` of :func:`write_review`,
            signed in the file).
        evaluator: the evaluator the file was issued to, when known: another
            evaluator's file is then an error.

    Returns:
        The scores read and the report of every problem. Formulas in input cells are
        reported and never used; levels outside the scale are errors; a level without
        justification is kept with a warning (no point without evidence); a
        justification without level is a warning. A conflict-of-interest declaration
        left blank (or missing, in a file written before it existed) is a warning: the
        scores count and the report says the declaration is missing. A declared conflict
        is an error: ``scores`` is then empty and the buyer decides.

    Raises:
        QuestionnaireError: ``vendors`` holds a blank or duplicated name (a caller's
            mistake, not the file's).
    """
    codes = vendor_codes(vendors)
    return _Reader(Path(path), questionnaire, key, list(vendors), evaluator, codes).read()


class _Reader(SignedWorkbookReader):
    def __init__(self, path: Path, questionnaire: Questionnaire, key: bytes,
                 vendors: list[str], evaluator: str | None, codes: dict[str, str]) -> None:
        super().__init__(path)
        self.questionnaire, self.key = questionnaire, key
        self.vendors, self.expected_evaluator = vendors, evaluator
        self.codes = codes
        self.evaluator = ""
        self.blind: bool | None = None
        self.question_ids: list[str] = []
        self.default_sheet = SHEET_REVIEW["fr"]
        self.scores: list[EvaluatorScore] = []
        self.letters: dict[str, str] = _letters(vendors)
        self.declaration_seal: str | None = None
        self.declaration: Declaration | None = None
        # A question's levels and drop-down labels, worked out once for all its rows.
        self._scales: dict[str, tuple[list[int], dict[str, int]]] = {}

    def read(self) -> ReviewResult:
        sha = self.run()
        report = Report(self.file, sha, tuple(self.findings))
        # Codes are written in the file's language; report them in that language.
        codes = _codes(self.letters, self.lang)
        return ReviewResult(self.file, self.evaluator, tuple(self.scores), report, codes,
                            self.blind, self.lang, self.declaration)

    def read_book(self, book: XlsxBook) -> None:
        if self._identity(book):
            self.scores = self._scores(book)
            self.declaration = self._declaration(book)
            if self.declaration is not None and self.declaration.declared_no_conflict is False:
                self.scores = []

    # -- identity -----------------------------------------------------------------------

    def _identity(self, book: XlsxBook) -> bool:
        names = [name for name, _, _ in book.sheets]
        if book.sheet_part(SHEET_IDENTITY) is None:
            self.problem("error", "identity-missing",
                         msg("The identity sheet '{sheet_identity}' is missing (sheets found: "
                             "{names}): this file is not a review workbook issued by the buyer.",
                             sheet_identity=SHEET_IDENTITY, names=', '.join(names)),
                         sheet=SHEET_IDENTITY)
            return False
        cells = book.cells(SHEET_IDENTITY, max_row=30, max_column=2)
        fields: dict[str, str] = {}
        for row in range(1, 31):
            name, value = cells.get(f"A{row}"), cells.get(f"B{row}")
            if name is not None and value is not None and name.formula is None and (
                    value.formula is None):
                fields[str(name.value)] = _cell_text(value)
        q = self.questionnaire
        kind = fields.get("kind", "")
        if kind != KIND:
            shown = {"questionnaire": msg("a vendor questionnaire")}.get(
                kind, msg("another document"))
            self.problem("error", "wrong-kind",
                         msg("This file is {shown}, not a review workbook: send back the review "
                             "workbook the buyer gave you.", shown=shown), sheet=SHEET_IDENTITY)
            return False
        lang = fields.get("lang", "")
        if lang not in LANGUAGES or fields.get("format") not in FORMATS_READ:
            self.problem("error", "identity-edited",
                         msg("The review workbook's identity sheet is edited (unreadable "
                             "language or format; formats read: {formats_read}).",
                             formats_read=', '.join(FORMATS_READ)),
                         sheet=SHEET_IDENTITY)
            return False
        self.lang = "fr" if lang == "fr" else "en"
        self.default_sheet = SHEET_REVIEW[self.lang]
        evaluator = fields.get("evaluator", "")
        blind = {"yes": True, "no": False}.get(fields.get("blind", ""))
        if fields.get("bank_id") != q.bank.id or fields.get("bank_version") != q.bank.version:
            self.problem("error", "wrong-questionnaire",
                         msg("This workbook reviews questionnaire '{fields_bank_id} "
                             "{fields_bank_version}', not '{bank_id} {bank_version}'.",
                             fields_bank_id=fields.get('bank_id'),
                             fields_bank_version=fields.get('bank_version'), bank_id=q.bank.id,
                             bank_version=q.bank.version),
                         sheet=SHEET_IDENTITY)
            return False
        if fields.get("fingerprint") != q.fingerprint:
            self.problem("error", "wrong-version",
                         msg("This workbook was issued for another version of the questionnaire "
                             "(different fingerprint)."), sheet=SHEET_IDENTITY)
            return False
        question_ids = fields.get("questions", "").split()
        expected = {name: value for name, value in fields.items() if name != "hmac"}
        offers = fields.get("offers", "")
        count = int(offers) if offers.isdigit() and len(offers) < 6 else 0
        # Letters assigned when issued (stable codes across workbooks), in the sorted
        # order of the vendor names; otherwise A, B... in that order.
        assigned = fields.get("letters")
        letters = (assigned.split() if assigned is not None
                   else [column_letter(i) for i in range(1, count + 1)])
        letters_ok = (len(letters) == count and len(set(letters)) == count
                      and all(_LETTER.fullmatch(x) for x in letters))
        in_order = sorted(letters, key=lambda x: (len(x), x))
        signature = _signature(self.key, expected, _rows(question_ids, in_order, self.lang))
        known = {qq.id for _, qq in q.bank.questions() if qq.scored_by_evaluators}
        fields_expected = set(_FIELD_NAMES) | (
            {"declaration"} if fields.get("format") != "1" else set()) | (
            {"letters"} if assigned is not None else set())
        if (not letters_ok or not hmac.compare_digest(fields.get("hmac", ""), signature)
                or set(expected) != fields_expected or blind is None or count < 1
                or not question_ids or not set(question_ids) <= known
                or len(set(question_ids)) != len(question_ids)):
            self.problem("error", "signature",
                         msg("The workbook's signature does not match: the identity sheet was "
                             "edited or the file was not issued by the buyer with this key."),
                         sheet=SHEET_IDENTITY)
            return False
        if fields.get("vendors") != _vendors_digest(self.key, self.vendors):
            self.problem("error", "vendor-list",
                         msg("The vendor list given for reading is not the one the workbook was "
                             "issued for (or the workbook was edited): offer codes cannot be "
                             "matched to vendors. Give the same list as when writing."),
                         sheet=SHEET_IDENTITY)
            return False
        if not self.properties_agree(book, fields, SHEET_IDENTITY):
            return False
        self.letters = dict(zip(sorted(self.vendors), letters, strict=True))
        self.evaluator, self.blind = evaluator, blind
        if self.expected_evaluator is not None and (
                evaluator.strip() != self.expected_evaluator.strip()):
            self.problem("error", "other-evaluator",
                         msg("This workbook was issued to evaluator '{evaluator}', not to "
                             "'{expected_evaluator}'.", evaluator=evaluator,
                             expected_evaluator=self.expected_evaluator), sheet=SHEET_IDENTITY)
            return False
        if book.sheet_part(self.default_sheet) is None:
            self.problem("error", "sheet-missing",
                         msg("Sheet '{default_sheet}' was renamed or removed (sheets found: "
                             "{names}). Start again from the workbook you were given.",
                             default_sheet=self.default_sheet, names=', '.join(names)))
            return False
        self.question_ids = question_ids
        self.declaration_seal = fields.get("declaration")
        return True

    # -- declaration --------------------------------------------------------------------

    def _declaration(self, book: XlsxBook) -> Declaration | None:
        """Read the conflict-of-interest declaration; report it missing, edited or a conflict."""
        lang, sheet = self.lang, SHEET_DECLARATION[self.lang]
        missing = Declaration(self.evaluator, None)
        if self.declaration_seal is None:
            self.problem("warning", "declaration-missing",
                         msg("This workbook was issued before the declaration of no conflict of "
                             "interest existed: the scores count, but the report says the "
                             "evaluator's declaration is missing (French public procurement "
                             "code, article L2141-10). Collect it separately."), sheet="")
            return missing
        if book.sheet_part(sheet) is None:
            self.problem("error", "declaration-sheet-missing",
                         msg("Sheet '{sheet}' (declaration of no conflict of interest) was "
                             "renamed or removed. Start again from the workbook you were given.",
                             sheet=sheet),
                         sheet=sheet)
            return None
        cells = book.cells(sheet, max_row=7, max_column=2)
        self.outside_read(book, sheet)
        expected = _declaration_texts(lang, self.evaluator)
        shown = ["" if (c := cells.get(ref)) is None or c.formula is not None
                 else _cell_text(c) for ref in _DECLARATION_CELLS]
        if not hmac.compare_digest(self.declaration_seal,
                                   _declaration_seal(self.key, [*shown, *expected[6:]])):
            self.problem("error", "declaration-edited",
                         msg("The text of the declaration of no conflict of interest was edited "
                             "since the workbook was issued: the declaration is not read and "
                             "this workbook's scores are not used. Have the original declaration "
                             "signed."), sheet=sheet, cell="A3")
            return None
        choice = self._declared(cells.get(DECLARATION_CHOICE), expected[6], expected[7], sheet)
        description_cell = cells.get(DECLARATION_DESCRIPTION)
        description = ("" if description_cell is None or description_cell.formula is not None
                       else _cell_text(description_cell).replace("\r\n", "\n").strip())
        day = self._declared_on(cells.get(DECLARATION_DATE), sheet, book.date1904)
        result = Declaration(self.evaluator, choice, description, day)
        if choice is None:
            self.problem("warning", "declaration-blank",
                         msg("The evaluator did not fill in the declaration of no conflict of "
                             "interest: the scores count, but the report says the declaration is "
                             "missing (French public procurement code, article L2141-10). Have "
                             "it filled in before the decision."),
                         sheet=sheet, cell=DECLARATION_CHOICE)
        elif choice is False:
            said = description[:200] + ("…" if len(description) > 200 else "")
            self.problem("error", "conflict-declared",
                         msg("Evaluator {evaluator} declares a conflict of interest "
                             "({description}): their scores are not used. The buyer must decide "
                             "what follows: have another evaluator score the offers or, after "
                             "recording in writing why this link does not compromise "
                             "impartiality, have a workbook without a declared conflict "
                             "returned (French public procurement code, article L2141-10).",
                             evaluator=self.evaluator,
                             description=msg("'{said}'", said=said) if said
                             else msg("without describing it")), sheet=sheet,
                         cell=DECLARATION_CHOICE)
        elif day is None:
            self.problem("warning", "declaration-undated",
                         msg("The declaration of no conflict of interest is not dated."),
                         sheet=sheet, cell=DECLARATION_DATE)
        return result

    def _declared(self, cell: Cell | None, no_conflict: str, conflict: str,
                  sheet: str) -> bool | None:
        if cell is None or (cell.kind == "string" and not str(cell.value).strip()):
            return None
        text = "" if cell.formula is not None else _cell_text(cell).strip()
        if text == no_conflict:
            return True
        if text == conflict:
            return False
        self.problem("error", "invalid-value",
                     msg("Value '{short_cell}': choose one of the two declarations from the list.",
                         short_cell=_short(cell)), sheet=sheet, cell=cell.ref)
        return None

    def _declared_on(self, cell: Cell | None, sheet: str, date1904: bool) -> dt.date | None:
        if cell is None or (cell.kind == "string" and not str(cell.value).strip()):
            return None
        value = _date(cell, self.lang, [], date1904) if cell.formula is None else "formula"
        if isinstance(value, dt.date):
            return value
        self.problem("warning", "invalid-date",
                     msg("Date '{short_cell}' cannot be read: enter a date (yyyy-mm-dd).",
                         short_cell=_short(cell)),
                     sheet=sheet, cell=cell.ref)
        return None

    # -- rows ---------------------------------------------------------------------------

    def _scores(self, book: XlsxBook) -> list[EvaluatorScore]:
        letters = self.letters
        codes = _codes(letters, self.lang)
        by_letter = {letter: vendor for vendor, letter in letters.items()}
        questions = {qid: self.questionnaire.bank.question(qid) for qid in self.question_ids}
        layout: list[str] = []
        for qid in self.question_ids:
            layout.append(f"#{qid}")
            layout += [_row_key(qid, letters[v]) for v in _order(letters)]
        max_row = FIRST_ROW + len(layout) + ROW_SLACK
        cells = book.cells(self.default_sheet, max_row=max_row, max_column=column_index(LAST_COL))
        self.cells = cells
        by_key: dict[str, int] = {}
        expected = set(layout)
        for cell in sorted(cells.values(), key=lambda c: c.row):
            if cell.column != COL_KEY or cell.row < FIRST_ROW or cell.formula is not None:
                continue
            row_key = _cell_text(cell)
            if row_key not in expected:
                self.problem("error", "row-unknown",
                             msg("Row {cell_row}: unknown key '{row_key}'; a "
                                 "row was added or edited. It is not read.",
                                 cell_row=cell.row, row_key=row_key[:40]), cell=cell.ref)
                continue
            if row_key in by_key:
                self.problem("error", "duplicate-row",
                             msg("Row '{row_key}' appears twice (rows {first} and {cell_row}): "
                                 "a row was copied; neither is read.", row_key=row_key,
                                 first=by_key[row_key], cell_row=cell.row), cell=cell.ref,
                             question_id=row_key.lstrip("#").split("@")[0])
                by_key[row_key] = -1
                continue
            by_key[row_key] = cell.row
        moved = [(k, FIRST_ROW + i) for i, k in enumerate(layout)
                 if by_key.get(k, FIRST_ROW + i) not in (FIRST_ROW + i, -1)]
        if moved:
            first, planned = moved[0]
            self.problem("warning", "rows-moved",
                         nmsg("{n} row was moved (first: '{key}', expected on row {planned}, "
                              "found on row {found}). Scores are matched by key, not by "
                              "position.", "{n} rows were moved (first: '{key}', expected on "
                              "row {planned}, found on row {found}). Scores are matched by key, "
                              "not by position.", len(moved), key=first, planned=planned,
                              found=by_key[first]), cell=f"{COL_CODE}{by_key[first]}")
        self.outside_read(book, self.default_sheet)
        self.too_long(book, cells, self.default_sheet)
        known_rows = {row for row in by_key.values() if row > 0}
        stray = sorted({c.row for c in cells.values() if c.column in INPUT_COLUMNS
                        and c.row >= FIRST_ROW and c.row not in known_rows})
        if stray:
            self.problem("warning", "stray-content",
                         msg("Content was typed outside offer rows (rows {stray}): it is not "
                             "read.", stray=', '.join(map(str, stray[:10]))),
                         cell=f"{COL_LEVEL}{stray[0]}")
        scores: list[EvaluatorScore] = []
        pending: list[str] = []
        for row_key in layout:
            if row_key.startswith("#"):
                continue
            qid, letter = row_key.split("@")
            vendor, q = by_letter[letter], questions[qid]
            code = codes[vendor]
            row = by_key.get(row_key)
            if row is None:
                self.problem("error", "row-deleted",
                             msg("The row of {code} for question {qid} was deleted: its score is "
                                 "missing.", code=code, qid=qid), question_id=qid)
                continue
            if row < 0:
                continue
            score = self._row(row, q, vendor, code)
            if score == "pending":
                pending.append(f"{qid} / {code}")
            elif score is not None:
                scores.append(score)
        if pending:
            shown = ", ".join(pending[:10]) + (" …" if len(pending) > 10 else "")
            self.problem("warning", "not-scored",
                         nmsg("{n} answer not scored yet: {shown}.",
                              "{n} answers not scored yet: {shown}.", len(pending), shown=shown))
        return scores

    def _row(self, row: int, q: Question, vendor: str, code: str
             ) -> EvaluatorScore | Literal["pending"] | None:
        spec = q.answer
        assert isinstance(spec, FreeText)
        state_text = self._shown(COL_STATE, row)
        row_key = self._shown(COL_KEY, row)
        shown = [self._shown(column, row) for column in (COL_ANSWER, COL_COMMENT, COL_EVIDENCE)]
        seal = self._shown(COL_SEAL, row)
        states = _STATES
        if state_text not in states or not hmac.compare_digest(
                seal, _seal(self.key, row_key, state_text, shown)):
            self.problem("error", "row-edited",
                         msg("Row {row} ({q_id} / {code}): the vendor's answer shown was edited "
                             "since the workbook was issued; this row's score is not read.",
                             row=row, q_id=q.id, code=code),
                         cell=f"{COL_ANSWER}{row}", question_id=q.id)
            return None
        state = states[state_text]
        level_cell = self._input(COL_LEVEL, row, q)
        accept_cell = self._input(COL_ACCEPT_NA, row, q)
        justification_cell = self._input(COL_JUSTIFICATION, row, q)
        justification = "" if justification_cell is None else _cell_text(justification_cell)
        justification = justification.replace("\r\n", "\n").replace("\r", "\n").strip()
        if state is AnswerState.ANSWERED:
            if accept_cell is not None and accept_cell is not _FORMULA:
                self._ignored(accept_cell, q, msg("no 'not applicable' to accept here"))
            if level_cell is _FORMULA:
                return None
            level = None if level_cell is None else self._level(level_cell, q, spec)
            if level_cell is not None and level is None:
                return None
            if level is None:
                if justification:
                    self.problem("warning", "incomplete",
                                 msg("{q_id} / {code}: justification without a level; the answer "
                                     "is not scored. Choose a level in column F.", q_id=q.id,
                                     code=code),
                                 cell=f"{COL_LEVEL}{row}", question_id=q.id)
                    return None
                return "pending"
            self._justified(justification, justification_cell, row, q, code)
            return EvaluatorScore(self.evaluator, vendor, q.id, level, justification)
        if state is AnswerState.NOT_APPLICABLE:
            if level_cell is not None and level_cell is not _FORMULA:
                self._ignored(level_cell, q, msg("the vendor answered 'not applicable': accept "
                                                 "it or not in column G"))
            if accept_cell is _FORMULA:
                return None
            if accept_cell is None:
                if justification:
                    self.problem("warning", "incomplete",
                                 msg("{q_id} / {code}: justification without a decision on 'not "
                                     "applicable' (column G).", q_id=q.id, code=code),
                                 cell=f"{COL_ACCEPT_NA}{row}",
                                 question_id=q.id)
                    return None
                return "pending"
            notes: list[str] = []
            decision = _yes_no(accept_cell, self.lang, notes)
            if decision is None:
                self.problem("error", "invalid-value",
                             msg("Value '{value}': expected {yes} or {no}.",
                                 value=_short(accept_cell),
                                 yes=Text(form.YES["fr"], form.YES["en"]),
                                 no=Text(form.NO["fr"], form.NO["en"])),
                             cell=accept_cell.ref, question_id=q.id)
                return None
            self._justified(justification, justification_cell, row, q, code)
            return EvaluatorScore(self.evaluator, vendor, q.id, None, justification,
                                  decision == "yes")
        for cell in (level_cell, accept_cell, justification_cell):
            if cell is not None and cell is not _FORMULA:
                self._ignored(cell, q, msg("nothing to score for this offer"))
        return None

    def _justified(self, justification: str, cell: Cell | None, row: int, q: Question,
                   code: str) -> None:
        if justification or cell is _FORMULA:
            return
        self.problem("warning", "no-justification",
                     msg("{q_id} / {code}: score without justification. No point without "
                         "evidence: justify the score from the offer's content (column H).",
                         q_id=q.id, code=code),
                     cell=f"{COL_JUSTIFICATION}{row}", question_id=q.id)

    def _ignored(self, cell: Cell, q: Question, why: Text) -> None:
        self.problem("warning", "ignored-input",
                     msg("Value '{short_cell}' ignored: {why}.", why=why,
                         short_cell=_short(cell)), cell=cell.ref,
                     question_id=q.id)

    def _shown(self, column: str, row: int) -> str:
        cell = self.cells.get(f"{column}{row}")
        return "" if cell is None or cell.formula is not None else _cell_text(cell)

    def _input(self, column: str, row: int, q: Question) -> Cell | None:
        """The input cell, None when blank, or ``_FORMULA`` (reported, never used)."""
        cell = self.cells.get(f"{column}{row}")
        if cell is None:
            return None
        if cell.formula is not None and _CONSTANT_BOOLEAN.fullmatch(cell.formula.strip()):
            # LibreOffice stores a typed TRUE or FALSE as the formula TRUE() or FALSE():
            # its value is the formula's text, never the (forgeable) cached value.
            return Cell(cell.ref, cell.row, cell.column, "bool",
                        cell.formula.strip().upper().startswith("TRUE"), None,
                        cell.number_format)
        if cell.formula is not None:
            self.problem("error", "formula",
                         msg("A formula was typed in a score cell; it is not read. Type the "
                             "value itself."), cell=cell.ref, question_id=q.id)
            return _FORMULA
        if cell.kind == "string" and not str(cell.value).strip():
            return None
        if cell.kind == "error":
            self.problem("error", "cell-error", msg("The cell holds the error {cell_value}.",
                                                    cell_value=cell.value), cell=cell.ref,
                         question_id=q.id)
            return _FORMULA
        return cell

    def _level(self, cell: Cell, q: Question, spec: FreeText) -> int | None:
        scale = self._scales.get(q.id)
        if scale is None:
            scale = self._scales[q.id] = (
                [lv.value for lv in spec.scale],
                {label: value for value, label in _level_labels(spec.scale, self.lang)})
        values, labels = scale
        level: int | None = None
        if cell.kind == "string" and str(cell.value) in labels:
            level = labels[str(cell.value)]
        elif cell.kind == "number" and float(cell.value).is_integer():
            level = int(cell.value)
        elif cell.kind == "string":
            match = re.match(r"^\s*(-?\d+)(?:\s|$|[-–—:.])", str(cell.value))
            if match:
                level = int(match.group(1))
        if level is None:
            self.problem("error", "invalid-level",
                         msg("Value '{short_cell}': choose a level of the scale from the list "
                             "({values_0} to {values_1}).", short_cell=_short(cell),
                             values_0=values[0], values_1=values[-1]),
                         cell=cell.ref, question_id=q.id)
            return None
        if level not in values:
            self.problem("error", "level-outside-scale",
                         msg("Level {level} is outside the scale of question {q_id} ({values}): "
                             "it is not read.", level=level, q_id=q.id,
                             values=', '.join(map(str, values))), cell=cell.ref,
                         question_id=q.id)
            return None
        return level


_FIELD_NAMES = ("kind", "format", "bank_id", "bank_version", "fingerprint", "lang",
                "evaluator", "blind", "questions", "offers", "vendors")

_STATES = {state.value: state for state in AnswerState}
"""Answer states by the code a review row shows."""

_CONSTANT_BOOLEAN = re.compile(r"(?i)(TRUE|FALSE)(\(\))?")

_FORMULA = Cell("", 0, "", "error", "", "", "")
"""Stands for an input cell holding a formula or an error: reported, never used."""


def _cell_text(cell: Cell) -> str:
    if cell.kind == "number":
        value = float(cell.value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if cell.kind == "bool":
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value)


def _short(cell: Cell) -> str:
    text = _cell_text(cell)
    return text if len(text) <= 60 else text[:57] + "…"
