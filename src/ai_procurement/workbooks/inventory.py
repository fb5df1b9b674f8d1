"""The staff AI-use inventory: declarations, their aggregation, the register to publish.

Staff use AI tools the organisation never bought ("shadow AI"). An observatory of uses
asks every member of staff to declare each tool they use: the bundled ``ai-inventory``
bank, written as the same signed Excel form vendors get (:func:`write_inventory`).
:func:`read_declarations` reads the returned files behind the same guards as vendors'
files; :func:`write_inventory_summary` aggregates them in one workbook for the buyer
(every declaration, uses per tool, shadow uses with personal or sensitive data); and
:func:`export_register` exports the algorithmic processing used for individual
decisions, which the organisation must publish (code des relations entre le public et
l'administration, art. L312-1-3), as CSV or XLSX, with a column left to complete with
the main rules of each processing.

The form is internal: its key (:data:`INVENTORY_KEY`) is not a secret and only tells
that the file is an unaltered declaration form of this library. Texts staff typed are
written as literal text everywhere (a text starting with ``=`` never becomes a formula,
in the workbook or the CSV).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

import attrs

from ai_procurement._office.xlsx import column_letter
from ai_procurement.answers import AnswerState, Report, Response
from ai_procurement.bank.model import Bank
from ai_procurement.errors import QuestionnaireError
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.text import LANGUAGES, Lang, msg

__all__ = [
    "INVENTORY_BANK",
    "INVENTORY_KEY",
    "Declaration",
    "export_register",
    "read_declarations",
    "write_inventory",
    "write_inventory_summary",
]

INVENTORY_BANK = "ai-inventory"
INVENTORY_KEY = b"ai-procurement staff AI-use declaration (not a secret)"


def _questionnaire() -> Questionnaire:
    from ai_procurement.bank.files import load_bank

    bank = load_bank(INVENTORY_BANK)
    return freeze(bank, Consultation("inventory", bank.title.fr, "internal"))


@attrs.frozen
class Declaration:
    """One declaration of an AI use, as read from a returned form.

    Choice answers hold option ids (``provided``: ``"provided"``, ``"personal"`` or
    ``"unknown"``; ``data``: ``"public"``, ``"internal"``, ``"personal"``,
    ``"sensitive"``); an unanswered question is ``""`` (``None`` for
    ``individual_decisions``).
    """

    file: str
    department: str
    tool: str
    provided: str
    purpose: str
    individual_decisions: bool | None
    data: tuple[str, ...]
    frequency: str
    benefit: str
    report: Report

    @property
    def shadow(self) -> bool:
        """A tool the organisation did not provide (or the declarant does not know)."""
        return self.provided in ("personal", "unknown")

    @property
    def exposes_people(self) -> bool:
        """Personal or sensitive data is entered in the tool."""
        return bool({"personal", "sensitive"} & set(self.data))


def write_inventory(path: str | os.PathLike[str], *, lang: Lang = "fr",
                    overwrite: bool = False) -> Path:
    """Write a blank declaration form for staff to fill (one per tool used).

    Raises:
        OutputExistsError: the file exists and ``overwrite`` is false.
    """
    from ai_procurement.workbooks.form import write_questionnaire

    return write_questionnaire(_questionnaire(), path, lang, None, key=INVENTORY_KEY,
                               overwrite=overwrite)


def _value(response: Response, question_id: str) -> object:
    answer = response.answers.get(question_id)
    if answer is None or answer.state is not AnswerState.ANSWERED:
        return None
    return answer.value


def read_declarations(paths: Sequence[str | os.PathLike[str]]) -> list[Declaration]:
    """Read returned declaration forms, in the order given.

    Never raises because of what is in a file: each declaration carries its report; a
    file with errors gives a declaration with empty answers (see ``report.ok``).
    """
    from ai_procurement.workbooks.response import read_response

    questionnaire = _questionnaire()
    out = []
    for path in paths:
        response = read_response(path, questionnaire, key=INVENTORY_KEY)
        if not response.report.ok:
            out.append(Declaration(response.file, "", "", "", "", None, (), "", "",
                                   response.report))
            continue

        def text(qid: str, response: Response = response) -> str:
            value = _value(response, qid)
            return value if isinstance(value, str) else ""

        decisions = _value(response, "INV-05")
        data = _value(response, "INV-06")
        out.append(Declaration(
            response.file, text("INV-01"), text("INV-02"), text("INV-03"), text("INV-04"),
            None if decisions is None else decisions == "yes",
            tuple(data) if isinstance(data, tuple) else (), text("INV-07"), text("INV-08"),
            response.report))
    return out


def _labels(bank: Bank, question_id: str, lang: Lang) -> dict[str, str]:
    spec = bank.question(question_id).answer
    options = getattr(spec, "options", ())
    return {o.id: o.label.get(lang) for o in options}


def _yes_no(value: bool | None, lang: Lang) -> str:
    if value is None:
        return ""
    return (msg("Yes") if value else msg("No")).get(lang)


def _rows(declarations: Sequence[Declaration], lang: Lang) -> list[list[str]]:
    bank = _questionnaire().bank
    provided = _labels(bank, "INV-03", lang)
    data = _labels(bank, "INV-06", lang)
    frequency = _labels(bank, "INV-07", lang)
    benefit = _labels(bank, "INV-08", lang)
    rows = []
    for d in declarations:
        if not d.report.ok:
            continue
        rows.append([d.file, d.department, d.tool, provided.get(d.provided, ""), d.purpose,
                     _yes_no(d.individual_decisions, lang),
                     ", ".join(data[i] for i in d.data), frequency.get(d.frequency, ""),
                     benefit.get(d.benefit, ""),
                     msg("Yes").get(lang) if d.shadow and d.exposes_people else ""])
    return rows


_HEADERS = (msg("File"), msg("Department"), msg("Tool"),
            msg("Provided by the organisation"),
            msg("Purpose"), msg("Individual decisions"),
            msg("Data entered"), msg("Frequency"),
            msg("Benefit"),
            msg("To secure (shadow AI and personal data)"))


def write_inventory_summary(declarations: Sequence[Declaration],
                            path: str | os.PathLike[str], *, lang: Lang = "fr",
                            overwrite: bool = False) -> Path:
    """Write the buyer's aggregation workbook of the declarations.

    Sheets: the declarations (one row each); a summary (declarations read, tools by
    number of declarations, shadow uses, uses with personal data in a shadow tool,
    uses for individual decisions); and the files that could not be read, with why.

    Raises:
        OutputExistsError: the file exists and ``overwrite`` is false.
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.workbooks import form

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    buffer = io.BytesIO()
    book = form.new_workbook(buffer, msg("AI-use inventory").get(lang))
    ws = book.add_worksheet(msg("Declarations").get(lang))
    bold = form.Styles(book)(bold=True)
    for column, header in enumerate(_HEADERS, start=1):
        letter = column_letter(column)
        form.set_text(ws, f"{letter}1", header.get(lang), bold)
        ws.set_column(f"{letter}:{letter}", 28)
    rows = _rows(declarations, lang)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value:
                form.set_text(ws, f"{column_letter(c)}{r}", value)
    ws.freeze_panes(1, 0)
    summary = book.add_worksheet(msg("Summary").get(lang))
    ok = [d for d in declarations if d.report.ok]
    tools: dict[str, int] = {}
    for d in ok:
        key = " ".join(d.tool.split()) or msg("(not given)").get(lang)
        tools[key] = tools.get(key, 0) + 1
    lines: list[tuple[str, str]] = [
        (msg("Declarations read").get(lang), str(len(ok))),
        (msg("Files unreadable or edited").get(lang),
         str(len(declarations) - len(ok))),
        (msg("Uses of tools not provided (shadow AI)").get(lang), str(sum(d.shadow for d in ok))),
        (msg("… of which with "
             "personal or "
             "sensitive data").get(lang), str(sum(d.shadow and d.exposes_people for d in ok))),
        (msg("Uses for individual decisions (to publish, CRPA L312-1-3)").get(lang),
         str(sum(d.individual_decisions is True for d in ok))),
        ("", ""),
        (msg("Tool").get(lang), msg("Declarations").get(lang)),
    ]
    lines += [(tool, str(count)) for tool, count in
              sorted(tools.items(), key=lambda item: (-item[1], item[0]))]
    for r, (label, value) in enumerate(lines, start=1):
        if label:
            form.set_text(summary, f"A{r}", label)
        if value:
            form.set_text(summary, f"B{r}", value)
    summary.set_column("A:A", 60)
    problems = book.add_worksheet(msg("Files to check").get(lang))
    r = 1
    for d in declarations:
        for finding in d.report.errors:
            form.set_text(problems, f"A{r}", finding.describe(lang))
            r += 1
    book.close()
    target = Path(path)
    write_atomic(target, buffer.getvalue(), overwrite=overwrite)
    return target


_REGISTER = (msg("Processing (tool)"), msg("Purpose"),
             msg("Department"), msg("Data processed"),
             msg("Provided by the organisation"),
             msg("Main rules (to complete before publishing)"))


def _safe_csv(value: str) -> str:
    """Keep a typed text from becoming a formula when the CSV is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_register(declarations: Sequence[Declaration], path: str | os.PathLike[str], *,
                    lang: Lang = "fr", overwrite: bool = False) -> Path:
    """Export the uses for individual decisions: the register to publish (CRPA L312-1-3).

    One row per declaration whose tool serves individual decisions, sorted by tool then
    purpose; the last column is left for the main rules of the processing, which the
    organisation completes before publishing. ``.csv`` (UTF-8 with BOM, ``;``-separated
    in French for spreadsheets in that locale) or ``.xlsx``, by the path's suffix.

    Raises:
        QuestionnaireError: a suffix other than ``.csv`` or ``.xlsx`` (a ValueError).
        OutputExistsError: the file exists and ``overwrite`` is false.
    """
    from ai_procurement._office.files import write_atomic

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise QuestionnaireError(msg("{target}: the register is exported as .csv or .xlsx",
                                     target=target))
    bank = _questionnaire().bank
    data = _labels(bank, "INV-06", lang)
    provided = _labels(bank, "INV-03", lang)
    rows = sorted(([" ".join(d.tool.split()), d.purpose, d.department,
                    ", ".join(data[i] for i in d.data), provided.get(d.provided, ""), ""]
                   for d in declarations if d.report.ok and d.individual_decisions is True),
                  key=lambda row: (row[0].casefold(), row[1].casefold()))
    header = [h.get(lang) for h in _REGISTER]
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if lang == "fr" else ",",
                            lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[_safe_csv(v) for v in row] for row in rows])
        write_atomic(target, buffer.getvalue().encode("utf-8-sig"), overwrite=overwrite)
        return target
    from ai_procurement.workbooks import form

    out = io.BytesIO()
    book = form.new_workbook(out, msg("Register of algorithmic processing").get(lang))
    ws = book.add_worksheet(msg("Register").get(lang))
    ws.set_column(f"A:{column_letter(len(header))}", 32)
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            if value:
                form.set_text(ws, f"{column_letter(c)}{r}", value)
    book.close()
    write_atomic(target, out.getvalue(), overwrite=overwrite)
    return target
