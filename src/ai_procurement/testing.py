"""Simulators of the people who fill the workbooks: a vendor and an evaluator.

A buyer testing its own bank, a script trying a campaign before publishing, the demo
and this library's tests all need returned files that look like the real ones: the
workbook written by the library, opened and filled in a spreadsheet program, saved. The
simulators here do exactly that with openpyxl's public API, so the files go through
every guard and reader as a vendor's or an evaluator's would.

Filled workbooks are saved with fixed document dates and zip timestamps: the same plan
gives the same bytes, so a demo or a test built on them is reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ai_procurement.bank.model import FreeText, MultipleChoice, Price, Scale, SingleChoice, YesNo
from ai_procurement.bidders import BidderIdentity
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.text import Lang

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "CellValue",
    "EvaluatorDeclaration",
    "VendorAnswer",
    "excel_text",
    "fill_cells",
    "fill_identification",
    "fill_questionnaire",
    "fill_review",
    "identification_values",
    "saved_bytes",
]

CellValue = str | int | float | bool | dt.date | dt.datetime | None
"""A value typed in a cell."""

_FIXED_TIME = dt.datetime(2026, 1, 1)


@attrs.frozen
class VendorAnswer:
    """What a simulated vendor types for one question.

    Attributes:
        value: the answer, as the reader returns it: an option id (yes/no, single
            choice, scale level as ``int``), a tuple of option ids (multiple choice), a
            number, a date, a text, or a mapping of cost item id to amount (price);
            None leaves the answer blank.
        not_applicable: the vendor answers "not applicable".
        comment: the comment or justification column.
        document: the evidence document named.
        page: the page of that document.
        link: a link to the evidence.
    """

    value: Any = None
    not_applicable: bool = False
    comment: str = ""
    document: str = ""
    page: str = ""
    link: str = ""


@attrs.frozen
class EvaluatorDeclaration:
    """What a simulated evaluator fills in the conflict-of-interest declaration.

    Attributes:
        no_conflict: True picks "I declare no conflict of interest", False "I declare a
            conflict of interest (describe it below)".
        description: the conflict described (typed even with ``no_conflict``).
        date: the date of the declaration; None leaves it blank.
    """

    no_conflict: bool
    description: str = ""
    date: dt.date | None = None


def fill_questionnaire(source: str | Path, questionnaire: Questionnaire,
                       answers: Mapping[str, VendorAnswer], lang: Lang, *,
                       bidder: BidderIdentity | None = None) -> bytes:
    """Fill a vendor questionnaire as a vendor would, and return the saved bytes.

    Args:
        source: the questionnaire workbook the buyer published (not modified).
        questionnaire: the frozen questionnaire it was written from.
        answers: question id -> what the vendor types; questions left out stay blank.
        lang: the workbook's language (labels of yes/no and choices).
        bidder: for a generic (open call) questionnaire, what the bidder types in the
            identification block of the cover (see :func:`fill_identification`); left
            blank when None.

    Returns:
        The filled workbook, as a spreadsheet program would save it.
    """
    from openpyxl import load_workbook

    from ai_procurement.workbooks import form

    wb = load_workbook(source)
    if bidder is not None:
        fill_identification(wb, bidder, lang)
    ws = wb[form.SHEET_QUESTIONS]
    rows = {row.key: row.number for row in form.layout(questionnaire)}
    for _, q in questionnaire.bank.questions():
        answer = answers.get(q.id)
        if answer is None:
            continue
        row = rows[q.id]
        if answer.not_applicable:
            ws[f"{form.COL_NA}{row}"] = form.NOT_APPLICABLE[lang]
        elif answer.value is not None:
            if isinstance(q.answer, MultipleChoice):
                for option in q.answer.option_ids:
                    ws[f"{form.COL_ANSWER}{rows[f'{q.id}:{option}']}"] = (
                        form.YES[lang] if option in answer.value else form.NO[lang])
            elif isinstance(q.answer, Price):
                # A DQE item's unit price goes to the DQE sheet, a lump-sum amount to
                # its row under the price question.
                dqe = form.dqe_rows(q.answer) if q.answer.dqe else {}
                for item, amount in answer.value.items():
                    if item in dqe and item != form.DQE_TOTAL_KEY:
                        wb[form.SHEET_DQE][f"{form.DQE_COL_PRICE}{dqe[item]}"] = amount
                    else:
                        ws[f"{form.COL_ANSWER}{rows[f'{q.id}:{item}']}"] = amount
            elif isinstance(q.answer, YesNo | SingleChoice | Scale):
                labels = dict(form.choice_labels(q, lang))
                ws[f"{form.COL_ANSWER}{row}"] = labels[str(answer.value)]
            else:
                ws[f"{form.COL_ANSWER}{row}"] = answer.value
        for column, text in ((form.COL_COMMENT, answer.comment),
                             (form.COL_DOC, answer.document), (form.COL_PAGE, answer.page),
                             (form.COL_LINK, answer.link)):
            if text:
                ws[f"{column}{row}"] = text
    return saved_bytes(wb)


def identification_values(bidder: BidderIdentity, lang: Lang) -> dict[str, CellValue]:
    """What a bidder types in the identification block: field name -> value.

    A French company (country FR) gives its SIRET or SIREN in the ``registration`` cell;
    a foreign one its national register number in ``foreign_registration``. The offer
    type is the drop-down's label; a variant also gets its number.
    """
    from ai_procurement.workbooks import form

    french = bidder.country.strip().upper() in ("", "FR", "FRA", "FRANCE")
    variant = bidder.variant or 0
    values: dict[str, CellValue] = {
        "name": bidder.name,
        "registration": bidder.registration if french else "",
        "country": bidder.country or "FR",
        "foreign_registration": "" if french else bidder.registration,
        "contact": bidder.contact, "email": bidder.email,
        "offer_type": form.OFFER_TYPES[lang][1 if variant else 0],
        "variant": variant if variant else None,
    }
    return values


def fill_identification(wb: Workbook, bidder: BidderIdentity, lang: Lang) -> None:
    """Type ``bidder`` into the identification block on the cover of an open workbook.

    Only generic questionnaires (written without a vendor) have the block. Empty texts
    leave their cell blank.
    """
    from ai_procurement.workbooks import form

    ws = wb[form.SHEET_COVER[lang]]
    cells = form.identification_cells()
    for name, value in identification_values(bidder, lang).items():
        ws[cells[name]] = value if value != "" else None


def fill_review(source: str | Path, questionnaire: Questionnaire, vendors: list[str],
                lang: Lang, levels: Mapping[tuple[str, str], tuple[int, str]], *,
                declaration: EvaluatorDeclaration | None = None) -> bytes:
    """Fill an evaluator's review workbook: a level from the list and a justification.

    Args:
        source: the review workbook issued to the evaluator (not modified).
        questionnaire: the frozen questionnaire.
        vendors: the vendors the workbook was written for (to match the blind codes).
        lang: the workbook's language.
        levels: (vendor, question id) -> (level, justification); others stay blank.
        declaration: the conflict-of-interest declaration to fill; None leaves it blank.

    Returns:
        The filled workbook, as a spreadsheet program would save it.
    """
    from openpyxl import load_workbook

    from ai_procurement.workbooks import review

    wb = load_workbook(source)
    # The letters the workbook was issued with (stable codes), else A, B... by name.
    identity = {row[0].value: row[1].value for row in wb[review.SHEET_IDENTITY].iter_rows(
        max_col=2)}
    assigned = str(identity.get("letters") or "").split()
    if assigned:
        by_letter = dict(zip(assigned, sorted(vendors), strict=True))
    else:
        codes = review.vendor_codes(vendors, lang)
        by_letter = {code.split()[-1]: vendor for vendor, code in codes.items()}
    ws = wb[review.SHEET_REVIEW[lang]]
    for row in range(review.FIRST_ROW, ws.max_row + 1):
        key = ws[f"{review.COL_KEY}{row}"].value
        if not isinstance(key, str) or "@" not in key:
            continue
        question_id, letter = key.split("@", 1)
        planned = levels.get((by_letter.get(letter, ""), question_id))
        if planned is None:
            continue
        level, justification = planned
        spec = questionnaire.bank.question(question_id).answer
        assert isinstance(spec, FreeText)
        descriptor = next(lv.descriptor.get(lang) for lv in spec.scale if lv.value == level)
        ws[f"{review.COL_LEVEL}{row}"] = f"{level} – {descriptor}"
        if justification:
            ws[f"{review.COL_JUSTIFICATION}{row}"] = justification
    if declaration is not None:
        sheet = wb[review.SHEET_DECLARATION[lang]]
        choice = review.NO_CONFLICT if declaration.no_conflict else review.CONFLICT
        sheet[review.DECLARATION_CHOICE] = choice.get(lang)
        if declaration.description:
            sheet[review.DECLARATION_DESCRIPTION] = excel_text(declaration.description)
        if declaration.date is not None:
            sheet[review.DECLARATION_DATE] = declaration.date
            sheet[review.DECLARATION_DATE].number_format = (
                "dd/mm/yyyy" if lang == "fr" else "yyyy-mm-dd")
    return saved_bytes(wb)


def fill_cells(template: str | Path, target: str | Path, cells: Mapping[str, CellValue], *,
               sheet: str, edit: Callable[[Workbook], None] | None = None) -> Path:
    """Type values into cells of ``template`` and save the result as ``target``.

    Strings are stored as text even when they start with ``=`` (what Excel does for a
    value typed after an apostrophe), with Excel's escape for text that looks like its
    ``_xHHHH_`` character escapes. ``edit`` receives the workbook after filling, for
    structural changes (a renamed sheet, a moved row...).

    Returns:
        ``target``.
    """
    from openpyxl import load_workbook

    wb = load_workbook(template)
    ws = wb[sheet]
    for ref, value in cells.items():
        cell = ws[ref]
        if isinstance(value, str):
            cell.value = excel_text(value)
            cell.data_type = "s"
        else:
            cell.value = value
    if edit is not None:
        edit(wb)
    path = Path(target)
    path.write_bytes(saved_bytes(wb))
    return path


def excel_text(typed: str) -> str:
    """How Excel stores typed text: ``_x0041_`` is saved as ``_x005F_x0041_``."""
    return re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", typed)


def saved_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` with fixed dates and zip timestamps, so equal content gives equal bytes.

    ``Workbook.save`` stamps the current time as the "modified" property; the part that
    holds it is written again from the workbook's own properties with a fixed time.
    """
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import tostring

    from ai_procurement._office.files import normalise_zip

    buffer = io.BytesIO()
    wb.save(buffer)
    properties = wb.properties
    fixed = DocumentProperties(creator=properties.creator, title=properties.title,
                               lastModifiedBy=properties.lastModifiedBy,
                               created=_FIXED_TIME, modified=_FIXED_TIME)
    core = tostring(fixed.to_tree())
    part = core if isinstance(core, bytes) else core.encode("utf-8")
    return normalise_zip(buffer.getvalue(), _FIXED_TIME.date(),
                         replace={"docProps/core.xml": part})
