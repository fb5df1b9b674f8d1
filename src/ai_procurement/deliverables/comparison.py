"""The comparison workbook a procurement committee reads: every figure of an evaluation.

A committee compares offers in Excel. This module writes one workbook that shows the
ranking first (Summary), then lets a reader trace any figure down to the answer that
earned it: points per criterion with charts (Matrix), every scored answer with its rule
(Detail), the offers set aside and why (Compliance), the price formula and its
computation for each offer (Price), how fragile the ranking is (Robustness), the
evaluators' individual scores (Evaluators) and every parameter and input file (Audit).
It presents an :class:`~ai_procurement.decision.scoring.Evaluation`; nothing is recomputed.

The workbook is written by :mod:`ai_procurement._office.sheets`, which turns each cell
into its XML as it is written (a million cells at 300 offers). Vendor texts are
untrusted: every string goes into a cell as literal text (a shared string, never a
formula, a number or a link, even when it starts with ``=``, ``+``, ``-`` or ``@``),
stripped of characters XML cannot hold, and cut visibly with " […]" past Excel's 32,767
characters per cell. The same inputs give the same bytes: no clock is read (the
document's date is the edition date passed in, which also dates the zip members).
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ai_procurement.bank.model import Criterion, FreeText, Price, Question
from ai_procurement.decision.robustness import Robustness
from ai_procurement.decision.scoring import Evaluation, ScoreLine, Settings, VendorResult
from ai_procurement.deliverables.charts import OFFER_COLOURS, criterion_colours
from ai_procurement.deliverables.document import DRAFT_MARK
from ai_procurement.deliverables.labels import (
    LOW_OFFER_METHOD_NAMES,
    LOW_OFFER_PARAMETER_LABELS,
    PRICE_METHOD_NAMES,
    RECURRENCES,
    ROBUSTNESS_PARAMETER_LABELS,
    SETTING_LABELS,
    SETTING_VALUE_NAMES,
    SOURCES,
    STATES,
    STATUSES,
    clean_text,
    date,
    date_time,
    display_value,
    flag_label,
    isolate_bidi,
    number,
    percent,
    weighting_method,
)
from ai_procurement.deliverables.procedure import Deposit
from ai_procurement.errors import OutputExistsError, ScoringError
from ai_procurement.questionnaire import sub_criterion_points
from ai_procurement.text import LANGUAGES, Lang, Text, msg, nmsg, pmsg

if TYPE_CHECKING:
    from ai_procurement._office.sheets import Format, Workbook, Worksheet

__all__ = ["comparison_bytes", "write_comparison"]

CELL_LIMIT = 32_767
"""Most characters (UTF-16 code units, Excel's measure) a cell holds."""
CUT_MARKER = " […]"
"""Ends a text cut to fit a cell, so the cut is visible."""


SHEETS: dict[str, Text] = {
    "summary": msg("Summary"),
    "matrix": msg("Matrix"),
    "sub_criteria": msg("Sub-criteria"),
    "detail": msg("Detail"),
    "compliance": msg("Compliance"),
    "price": msg("Price"),
    "robustness": msg("Robustness"),
    "evaluators": msg("Evaluators"),
    "register": msg("Register"),
    "audit": msg("Audit"),
}
"""Sheet names in each language, in workbook order (Robustness and Register only when
given, Sub-criteria only when a criterion has sub-criteria)."""


_REGISTER_STATUS: dict[str, Text] = {
    "on-time": msg("on time"),
    "late": msg("LATE: eliminated (R2151-5)"),
    "time-unknown": msg("time of deposit unknown"),
}

_FONT = "Calibri"
_DARK = "#1F4E79"
_NUMBER_LOCALE: dict[Lang, str] = {"fr": "[$-40C]", "en": "[$-809]"}
# A locale tag in a number format makes a French workbook read "12,50" whatever the
# reader's settings in LibreOffice; Excel keeps the system's separators.
_MONEY: dict[Lang, str] = {"fr": '#,##0.00" €"', "en": '"€"#,##0.00'}
_MAX_PROFILE_OFFERS = 6
"""The profile (radar) chart shows at most this many best-ranked offers, to stay legible."""
_LINE_HEIGHT = 13.0
_MAX_ROW_HEIGHT = 409.0
_MAX_HEADER_WIDTH = 40.0
"""A column is widened so its header breaks between words, up to this width."""
_PIXELS_PER_CM = 96 / 2.54
_UNDATED = dt.datetime(2026, 1, 1)
"""The document's creation date when no edition date is given (never the clock)."""
# What clean_text changes: control characters other than tab and newline, surrogates and
# the two non-characters. Text without them is returned as it is, so it skips the call.
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def write_comparison(evaluation: Evaluation, path: str | os.PathLike[str], *,
                     lang: Lang = "fr", robustness: Robustness | None = None,
                     generated: dt.date | None = None, overwrite: bool = False,
                     register: Sequence[Deposit] | None = None,
                     procedure: str = "", draft: bool = False) -> Path:
    """Write the comparison workbook of ``evaluation`` for a procurement committee.

    Sheets (named in ``lang``): Summary (ranking, flags, robustness findings, notes),
    Matrix (points and shares per criterion, colour scale, stacked bar and profile
    charts), Detail (every scored answer, filterable), Compliance, Price, Robustness
    (when given), Evaluators, Register (when given: the procedure and every offer
    registered at opening, late ones included) and Audit (fingerprint, settings, input
    files, version).

    Args:
        evaluation: the scored offers (:func:`ai_procurement.decision.scoring.evaluate`).
        path: the ``.xlsx`` file to write (written atomically).
        lang: ``"fr"`` or ``"en"``: sheet names, labels and number formats.
        robustness: the robustness checks of the same evaluation
            (:func:`ai_procurement.decision.robustness.assess_robustness`), shown in the
            Summary and in
            a Robustness sheet; None leaves them out.
        generated: the edition date printed in the Summary and the Audit sheet, and the
            document's creation date; None prints no date (the clock is never read, so
            the file is reproducible).
        overwrite: replace an existing file (otherwise :class:`OutputError`).
        register: the offers of the deposit register (opening), shown in a Register
            sheet; None leaves the sheet out.
        procedure: the procedure in words ("open call"...), shown atop the Register
            sheet.
        draft: a draft evaluation (scores still missing): every sheet's printed header
            and the Summary's title carry "PROJET / DRAFT — not to be signed".

    Returns:
        The path written.

    Raises:
        ScoringError: unknown language, or ``robustness`` computed for another
            evaluation.
        OutputError: the file exists and ``overwrite`` is false, or it cannot be written.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(msg("{path} already exists; refusing to overwrite an earlier "
                                    "result (pass overwrite=True, or --force on the command "
                                    "line)", path=target), path=target)
    data = comparison_bytes(evaluation, lang=lang, robustness=robustness,
                            generated=generated, register=register, procedure=procedure,
                            draft=draft)
    from ai_procurement._office.files import write_atomic

    write_atomic(target, data, overwrite=overwrite)
    return target


def comparison_bytes(evaluation: Evaluation, *, lang: Lang = "fr",
                     robustness: Robustness | None = None,
                     generated: dt.date | None = None,
                     register: Sequence[Deposit] | None = None,
                     procedure: str = "", draft: bool = False) -> bytes:
    """Return the comparison workbook as bytes (see :func:`write_comparison`)."""
    if lang not in LANGUAGES:
        raise ScoringError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    if robustness is not None:
        ranked = tuple(v.vendor for v in evaluation.ranking)
        if tuple(robustness.vendors) != ranked:
            raise ScoringError(
                f"the robustness checks are about offers {list(robustness.vendors)} but the "
                f"evaluation ranks {list(ranked)}: compute them with assess_robustness() on this "
                "evaluation")
    # The workbook's cells (a million at 300 offers) would set off hundreds of garbage
    # collections while it is written, none of which finds garbage: collections wait.
    # Once written, the workbook holds no reference cycle: it is freed as soon as it is
    # returned, before the documents written after it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = _workbook_bytes(evaluation, lang, robustness, generated, register,
                               procedure, draft)
    finally:
        if enabled:
            gc.enable()
    return data


def _workbook_bytes(evaluation: Evaluation, lang: Lang, robustness: Robustness | None,
                    generated: dt.date | None, register: Sequence[Deposit] | None,
                    procedure: str, draft: bool) -> bytes:
    from ai_procurement._office.sheets import Workbook

    created = (dt.datetime(generated.year, generated.month, generated.day)
               if generated is not None else _UNDATED)
    wb = Workbook(title=cell_text(evaluation.questionnaire.consultation.title)[0][:255],
                  author="ai_procurement", created=created)
    _Book(evaluation, lang, robustness, generated, wb,
          register=tuple(register) if register is not None else None,
          procedure=procedure, draft=draft).build()
    return wb.to_bytes()


def cell_text(text: str) -> tuple[str, bool]:
    """Return ``text`` as a cell can hold it, and whether it had to be cut.

    Characters XML cannot hold are replaced
    (:func:`ai_procurement.deliverables.labels.clean_text`);
    a text longer than :data:`CELL_LIMIT` UTF-16 code units is cut and ends with
    :data:`CUT_MARKER`.
    """
    cleaned = clean_text(text) if _NEEDS_CLEANING.search(text) else text
    if len(cleaned) <= CELL_LIMIT // 2:
        return cleaned, False
    encoded = cleaned.encode("utf-16-le")
    if len(encoded) <= 2 * CELL_LIMIT:
        return cleaned, False
    keep = encoded[: 2 * (CELL_LIMIT - len(CUT_MARKER))]
    # A cut between the two halves of a surrogate pair drops the lone half.
    return keep.decode("utf-16-le", errors="ignore") + CUT_MARKER, True


# -- labels ---------------------------------------------------------------------------------

_LABELS: dict[str, Text] = {
    "title": msg("Comparison of the offers"),
    "buyer": msg("Buyer"),
    "generated": msg("Issued on"),
    "ranking": msg("Ranking"),
    "rank": msg("Rank"),
    "vendor": msg("Vendor"),
    "status": msg("Status"),
    "total": msg("Total"),
    "flags": msg("Flags"),
    "findings": msg("How robust the ranking is"),
    "notes": msg("Notes"),
    "criterion": msg("Criterion"),
    "question": msg("Question"),
    "question_text": msg("Question text"),
    "state": msg("State"),
    "answer": msg("Answer"),
    "justification": msg("Justification"),
    "evidence": msg("Evidence"),
    "rule": msg("Scoring rule"),
    "fraction": msg("Share earned"),
    "weight": msg("Weight"),
    "points": msg("Points"),
    "max_points": msg("Max points"),
    "source": msg("Source"),
    "reason": msg("Reason"),
    "file": msg("File"),
    "method": msg("Method"),
    "computation": msg("Computation"),
    "setting": msg("Setting"),
    "name": msg("Name"),
    "value": msg("Value"),
    "none": pmsg("deliverables.comparison", "none"),
}
_WEIGHTING_PARAMETER_LABELS: dict[str, Text] = {
    "points": msg("Points given to each criterion"),
    "total": msg("Total points"),
    "formula": msg("Formula"),
    "ranking": msg("Order of the criteria (most important first)"),
    "n": msg("Number of criteria"),
    "ties": msg("Rule for ties"),
    "criteria": msg("Criteria compared"),
    "matrix": msg("Pairwise comparison matrix"),
    "input": msg("Input form"),
    "priority": msg("How the weights are computed"),
    "random_index": msg("Random index (by number of criteria)"),
    "random_index_source": msg("Source of the random index"),
    "consistency_threshold": msg("Consistency ratio threshold"),
    "reciprocity_tolerance": msg("Reciprocity tolerance"),
    "inconsistency_measure": msg("Inconsistency measure"),
}
"""The parameters a weighting method records (``Weighting.parameters``), named."""


def _points_label(value: float, lang: Lang) -> str:
    rounded = round(value)
    if abs(value - rounded) < 1e-9:
        return number(rounded, lang, 0)
    return number(value, lang, 2)


def _decimals(value: float) -> int:
    """How many decimals show ``value`` readably.

    Its own decimals, but at most 2 from 1 on and 3 significant digits below 1:
    0.9 -> 1, 1/3 -> 3, 33.333... -> 2, 1e-9 -> 9.
    """
    if not math.isfinite(value) or float(value).is_integer():
        return 0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    size = abs(value)
    needed = 2 if size >= 1 else 2 - math.floor(math.log10(size))
    return min(own, needed, 12)


# -- the writer -------------------------------------------------------------------------------

_WRAPPED = frozenset({"aip-text", "aip-bold", "aip-plain", "aip-label", "aip-header",
                      "aip-note-wrap", "aip-value"})
_FITTED = frozenset({"aip-raw", "aip-value"})
"""Styles whose numbers get a format with as many decimals as they need."""


@attrs.define
class _Table:
    """Where a table was written: header row, first and last data rows."""

    header: int
    first: int
    last: int


_Cell = tuple[int, str, "Format", bool, int, dict[str, tuple[str, int]]]
"""How a column of a table is written (:meth:`_Sheet._plan`)."""


class _Sheet:
    """A worksheet with a cursor and helpers that write literal text and styled cells.

    Rows and columns are counted from 1 here, as a reader names them; the worksheet counts
    from 0. Row heights are gathered while the sheet is written and set at the end
    (:meth:`finish`), since a header row grows with each label.
    """

    def __init__(self, book: _Book, ws: Worksheet, widths: Sequence[float]) -> None:
        self.book, self.ws, self.row = book, ws, 1
        self.widths = list(widths)
        self.width = len(self.widths)
        for index, width in enumerate(self.widths):
            ws.set_column(index, index, width)
        self.heights: dict[int, float] = {}
        self._plans: dict[tuple[tuple[str, ...], int, bool], list[_Cell]] = {}

    def column_width(self, col: int, span: int = 1) -> float:
        """The width of ``span`` columns from ``col`` (10 for columns past the widths)."""
        if span == 1:
            return self.widths[col - 1] if col <= self.width else 10.0
        return sum(self.widths[c - 1] if c <= self.width else 10.0
                   for c in range(col, col + span))

    def widen(self, col: int, width: float) -> None:
        """Make column ``col`` at least ``width`` wide (at most the header width cap)."""
        if col > self.width or width <= self.widths[col - 1]:
            return
        self.widths[col - 1] = min(width, max(_MAX_HEADER_WIDTH, self.widths[col - 1]))
        self._plans.clear()  # their wrap widths
        self.ws.set_column(col - 1, col - 1, self.widths[col - 1])

    def put(self, row: int, col: int, value: object, style: str) -> str | None:
        """Write ``value`` (text always literal) with the named style ``style``.

        Returns the text written, if ``value`` is text.
        """
        book, ws = self.book, self.ws
        cell_format = book.formats.get(style) or book.format(style)
        if value is None:
            ws.write_blank(row - 1, col - 1, cell_format)
            return None
        if isinstance(value, bool):
            ws.write_boolean(row - 1, col - 1, value, cell_format)
            return None
        # Plain int and float first: numbers.Real (numpy's floats) is a slower check.
        if isinstance(value, str) or not isinstance(value, float | int | numbers.Real):
            shown = book.text(value if isinstance(value, str) else str(value))
            if shown:
                ws.write_string(row - 1, col - 1, shown, cell_format)
            else:
                ws.write_blank(row - 1, col - 1, cell_format)
            return shown
        number = float(value)
        if not math.isfinite(number):
            ws.write_string(row - 1, col - 1, "—", cell_format)
            return None
        if style in _FITTED:
            cell_format = book.format(style, _decimals(number))
        ws.write_number(row - 1, col - 1, number, cell_format)
        return None

    def fit(self, row: int, texts: Iterable[tuple[str, float]]) -> None:
        """Give ``row`` the height its wrapped ``texts`` (text, column width) need.

        Neither Excel nor LibreOffice sizes rows to wrapped text when opening a file, so
        the height is estimated here (Calibri 10: about 1.3 to 1.5 characters per width unit).
        """
        lines = 1
        cache = self.book.lines
        for text, width in texts:
            key = (text, max(1, int(width * 1.3)))
            count = cache.get(key)
            if count is None:
                count = cache[key] = _wrapped_lines(*key)
            lines = max(lines, count)
        if lines > 1:
            self.heights[row] = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines + 3)

    def merge(self, row: int, first: int, last: int, style: str) -> None:
        """Merge columns ``first`` to ``last`` of ``row``, before its first cell is written.

        The cells under the range are left blank with the style (its borders).
        """
        if last <= first:
            return
        self.ws.merge_range(row - 1, first - 1, row - 1, last - 1, self.book.format(style))

    def title(self, text: str) -> None:
        """A sheet title on the current row."""
        self.put(self.row, 1, text, "aip-title")
        self.heights[self.row] = 22
        self.row += 1

    def section(self, text: str) -> None:
        """A section heading, after a blank row."""
        self.row += 1
        self.put(self.row, 1, text, "aip-section")
        self.heights[self.row] = 18
        self.row += 1

    def paragraph(self, text: str, *, style: str = "aip-plain") -> None:
        """A wrapped paragraph across the sheet's width."""
        self.merge(self.row, 1, self.width, style)
        shown = self.put(self.row, 1, text, style) or ""
        self.fit(self.row, [(shown, self.column_width(1, self.width))])
        self.row += 1

    def pairs(self, items: Iterable[tuple[str, object] | tuple[str, object, str]]) -> None:
        """Label / value rows, the value across the rest of the width."""
        for item in items:
            label, value = item[0], item[1]
            style = item[2] if len(item) > 2 else (
                "aip-text" if isinstance(value, str) else "aip-raw")
            shown_label = self.put(self.row, 1, label, "aip-label") or ""
            self.merge(self.row, 2, self.width, style)
            shown = self.put(self.row, 2, value, style) or ""
            self.fit(self.row, [(shown_label, self.widths[0] * 0.85),
                                (shown, self.column_width(2, self.width - 1))])
            self.row += 1

    def header(self, labels: Sequence[str], *, first: int = 1,
               vertical: Iterable[int] = (), span_last: bool = False) -> int:
        """A header row, as high as its labels need; returns its row number.

        Labels at the positions in ``vertical`` read bottom to top (criterion names over
        narrow columns of figures); with ``span_last`` the last label spans the columns
        left up to the sheet's width. A label breaks between words only: a column is
        widened to hold its longest word, a row of turned labels made as high.
        """
        row = self.row
        turned = set(vertical)
        texts = []
        height = 0.0
        last = first + len(labels) - 1
        if span_last:
            self.merge(row, last, self.width, "aip-header")
        for offset, text in enumerate(labels):
            col = first + offset
            if offset in turned:
                shown = self.put(row, col, text, "aip-header-vertical") or ""
                height = max(height, _turned_height(shown, self.column_width(col)))
            else:
                shown = self.put(row, col, text, "aip-header") or ""
                if not (span_last and col == last):
                    # Bold Calibri 10, drawn by a wider fallback font where Calibri is
                    # missing: about 1.2 width units a character, and the cell's margins.
                    self.widen(col, 1.2 * _longest_word(shown) + 1.5)
                texts.append((shown, self.column_width(col) * 0.85))
        self.fit(row, texts)
        if height:
            current = self.heights.get(row, 0.0)
            self.heights[row] = min(_MAX_ROW_HEIGHT, max(current, height))
        self.row += 1
        return row

    def line(self, values: Sequence[object], styles: Sequence[str], *, first: int = 1,
             span_last: bool = False) -> int:
        """A data row, as high as its wrapped texts need; returns its row number.

        With ``span_last`` the last value spans the columns left up to the sheet's width.
        """
        row = self.row
        if span_last:
            self.merge(row, first + len(values) - 1, self.width, styles[-1])
        key = (tuple(styles), first, span_last)
        plan = self._plans.get(key) or self._plan(*key)
        # The common cells (text, finite float) are written here rather than through
        # put(), with each column's format and wrap width looked up once per table
        # (300 offers: 926,000 cells, the sheets written in 2.5 s instead of 3.4 s), and
        # each text cleaned and measured once per wrap width, then found in one look-up
        # (20 lots x 30 offers: the Detail sheets' own work 0.80 s instead of 0.93 s).
        ws = self.ws
        isfinite = math.isfinite
        row0 = row - 1
        lines = 1
        for value, (col, style, cell_format, fixed, chars, shown_lines) in zip(
                values, plan, strict=True):
            shown: str | None
            if isinstance(value, str):
                found = shown_lines.get(value)
                if found is None:
                    found = self.book.shown(value, chars)
                shown, count = found
                if shown:
                    ws.write_string(row0, col, shown, cell_format)
                    if count > lines:
                        lines = count
                else:
                    ws.write_blank(row0, col, cell_format)
                continue
            if value.__class__ is float and fixed and isfinite(value):
                ws.write_number(row0, col, value, cell_format)
                continue
            shown = self.put(row, col + 1, value, style)
            if shown and chars:
                count = self.book.wrapped(shown, chars)
                if count > lines:
                    lines = count
        if lines > 1:
            self.heights[row] = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines + 3)
        self.row += 1
        return row

    def _plan(self, styles: tuple[str, ...], first: int, span_last: bool) -> list[_Cell]:
        """How each cell of a line is written, worked out once per table.

        For each cell: its zero-based column, style, format, whether that format suits
        any number (not so for a style whose number format follows the value's decimals),
        wrap width in characters (0: the cell does not wrap) and the texts already shown
        at that width (:meth:`_Book.shown`).
        """
        plan: list[_Cell] = []
        last = first + len(styles) - 1
        for offset, style in enumerate(styles):
            col = first + offset
            chars = 0
            if style in _WRAPPED:
                width = (self.column_width(col, self.width - col + 1) if span_last
                         and col == last else self.column_width(col))
                chars = max(1, int((width * 0.85 if style == "aip-bold" else width) * 1.3))
            cell_format = self.book.formats.get(style) or self.book.format(style)
            plan.append((col - 1, style, cell_format, style not in _FITTED, chars,
                         self.book.shown_at(chars)))
        self._plans[styles, first, span_last] = plan
        return plan

    def table(self, labels: Sequence[str], rows: Iterable[Sequence[object]],
              styles: Sequence[str], *, empty: str | None = None,
              vertical: Iterable[int] = (), span_last: bool = False) -> _Table:
        """A header and its rows; ``empty`` is written when there is no row."""
        header = self.header(labels, vertical=vertical, span_last=span_last)
        count = 0
        for values in rows:
            self.line(values, styles, span_last=span_last)
            count += 1
        if count == 0 and empty is not None:
            self.put(self.row, 1, empty, "aip-note")
            self.row += 1
        return _Table(header, header + 1, header + count)

    def freeze(self, row: int, col: int) -> None:
        """Keep the rows above ``row`` and the columns left of ``col`` in view."""
        self.ws.freeze_panes(row - 1, col - 1)

    def filter(self, header: int, last: int, columns: int) -> None:
        """An autofilter on the table from ``header`` to row ``last``, ``columns`` wide."""
        self.ws.autofilter(header - 1, 0, last - 1, columns - 1)

    def colour_scale(self, first_row: int, first_col: int, last_row: int, last_col: int,
                     colours: Sequence[str]) -> None:
        """Colour numbers from 0 to 1 (three colours: 0.5 takes the middle one)."""
        values = (0.0, 0.5, 1.0) if len(colours) == 3 else (0.0, 1.0)
        self.ws.colour_scale(first_row - 1, first_col - 1, last_row - 1, last_col - 1,
                             list(zip(values, colours, strict=True)))

    def finish(self) -> None:
        """Set the row heights and the A4 landscape page set-up with its footer."""
        for row in sorted(self.heights):
            self.ws.set_row(row - 1, self.heights[row])
        # A4, one page wide and as many pages high as needed; gridlines are shown on
        # screen, not printed. The footer: sheet name; page / pages.
        self.ws.page_setup(landscape=True, paper=9, fit_width=1, fit_height=0,
                           margins=(0.4, 0.4, 0.5, 0.5), footer="&L&A&C&P / &N",
                           header=f'&C&"-,Bold"&KC00000{DRAFT_MARK}' if self.book.draft
                           else "")


class _Book:
    """Builds the workbook of one evaluation in one language."""

    def __init__(self, evaluation: Evaluation, lang: Lang, robustness: Robustness | None,
                 generated: dt.date | None, wb: Workbook, *,
                 register: tuple[Deposit, ...] | None = None, procedure: str = "",
                 draft: bool = False) -> None:
        self.ev, self.lang, self.rob, self.generated = evaluation, lang, robustness, generated
        self.register, self.procedure = register, procedure
        self.draft = draft
        self.wb = wb
        self.bank = evaluation.questionnaire.bank
        self.questions: dict[str, Question] = {q.id: q for _, q in self.bank.questions()}
        self.criteria: dict[str, Criterion] = {c.id: c for c in self.bank.criteria}
        self.weighted = [c for c in self.bank.criteria
                         if evaluation.criterion_points.get(c.id, 0.0) > 0]
        self.order = _display_order(evaluation)
        self.sub_points = sub_criterion_points(evaluation.questionnaire,
                                               evaluation.settings.total_points)
        self.scored = [v for v in self.order if v.status != "file-rejected"]
        self.close = _close_call_vendors(robustness)
        self.cuts = 0
        self._texts: dict[str, tuple[str, bool]] = {}
        self.lines: dict[tuple[str, int], int] = {}  # wrapped lines by (text, characters)
        self._shown: dict[int, dict[str, tuple[str, int]]] = {}
        self.specs = _style_specs(lang)
        self._formats: dict[tuple[str, int | None], Format] = {}
        self.formats: dict[str, Format] = {}  # by style name, as a cell uses it

    # text -----------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """``value`` cleaned and cut to fit a cell; cuts are counted for the notes."""
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = cell_text(value)
        self.cuts += found[1]
        return found[0]

    def wrapped(self, shown: str, chars: int) -> int:
        """The lines the cell text ``shown`` takes wrapped every ``chars`` characters."""
        count = self.lines.get((shown, chars))
        if count is None:
            count = self.lines[shown, chars] = _wrapped_lines(shown, chars)
        return count

    def shown_at(self, chars: int) -> dict[str, tuple[str, int]]:
        """The texts :meth:`shown` has met at the wrap width ``chars``, by value."""
        return self._shown.setdefault(chars, {})

    def shown(self, value: str, chars: int) -> tuple[str, int]:
        """``value`` as a cell shows it (:meth:`text`) and its lines at ``chars`` (0: 1).

        Kept in :meth:`shown_at` so that the next cell of the same text is one look-up,
        unless the text was cut: a cut is counted each time it is written.
        """
        shown = self.text(value)
        found = (shown, self.wrapped(shown, chars) if shown and chars else 1)
        if not self._texts[value][1]:
            self.shown_at(chars)[value] = found
        return found

    def format(self, name: str, decimals: int | None = None) -> Format:
        """The cell format of the named style; ``decimals`` fixes its number format."""
        key = (name, decimals)
        found = self._formats.get(key)
        if found is None:
            spec = dict(self.specs[name])
            if decimals is not None:
                digits = "0" + ("." + "0" * decimals if decimals else "")
                spec["num_format"] = _NUMBER_LOCALE[self.lang] + digits
            found = self._formats[key] = self.wb.add_format(spec)
            if decimals is None:
                self.formats[name] = found
        return found

    def t(self, key: str) -> str:
        """The label ``key`` in the workbook's language."""
        return _LABELS[key].get(self.lang)

    def tr(self, fr: str | Text, en: str | None = None) -> str:
        """A :class:`Text` (or the French and English of a pair) in the workbook's language."""
        if isinstance(fr, Text):
            return fr.get(self.lang)
        if en is None:
            raise TypeError("tr() takes a Text, or the French and the English")
        return fr if self.lang == "fr" else en

    def colon(self, label: str, value: str) -> str:
        """``label: value`` with the language's spacing."""
        return f"{label} : {value}" if self.lang == "fr" else f"{label}: {value}"

    def criterion_name(self, criterion_id: str) -> str:
        """The title of a criterion in the workbook's language."""
        criterion = self.criteria.get(criterion_id)
        return criterion.title.get(self.lang) if criterion is not None else criterion_id

    def flags(self, vendor: VendorResult) -> str:
        """The vendor's flags in words, separated by semicolons."""
        codes = list(vendor.flags)
        if vendor.vendor in self.close:
            codes.append("close-call-top-two")
        return self.tr(msg("; ")).join(flag_label(code, self.lang) for code in codes)

    def setting(self, name: str, value: object) -> object:
        """A setting's value as a cell shows it: a code in words (``médiane``), else plain."""
        names = SETTING_VALUE_NAMES.get(name, {})
        if isinstance(value, str) and value in names:
            return names[value].get(self.lang)
        return self.plain(value)

    def plain(self, value: object) -> object:
        """A parameter value as a cell shows it.

        Numbers stay numbers (the cell's format shows their decimals), dates are written
        in words, mappings and lists become short lines of text.
        """
        if isinstance(value, bool) or value is None:
            return str(value)
        if isinstance(value, int | float):
            return value
        if isinstance(value, dt.date):
            return date(value, self.lang)
        if isinstance(value, Mapping):
            return "\n".join(self.colon(self._key(k), self._inline(v))
                             for k, v in value.items())
        if isinstance(value, list | tuple):
            if value and all(isinstance(v, list | tuple) for v in value):
                return "\n".join(self._inline(v) for v in value)
            return self._inline(value)
        return str(value)

    def _key(self, key: object) -> str:
        """A mapping key: a criterion id is shown with the criterion's title."""
        if isinstance(key, str) and key in self.criteria:
            return f"{self.criterion_name(key)} ({key})"
        return str(key)

    def _inline(self, value: object) -> str:
        if isinstance(value, bool) or value is None:
            return str(value)
        if isinstance(value, int | float):
            return number(value, self.lang, _decimals(float(value)))
        if isinstance(value, list | tuple):
            return " ; ".join(self._inline(v) for v in value) if self.lang == "fr" else \
                "; ".join(self._inline(v) for v in value)
        if isinstance(value, Mapping):
            return ", ".join(self.colon(self._key(k), self._inline(v))
                             for k, v in value.items())
        return str(value)

    # workbook -------------------------------------------------------------------------

    def build(self) -> None:
        """Write every sheet."""
        wb = self.wb
        skip = {key for key, absent in (("robustness", self.rob is None),
                                        ("register", self.register is None),
                                        ("sub_criteria", not self.sub_points)) if absent}
        keys = [key for key in SHEETS if key not in skip]
        sheets = {key: wb.add_worksheet(SHEETS[key].get(self.lang)) for key in keys}
        # The Summary is written last: it reports what the other sheets had to cut.
        written = [self._matrix(sheets["matrix"])]
        if self.sub_points:
            written.append(self._sub_criteria(sheets["sub_criteria"]))
        written += [self._detail(sheets["detail"]),
                   self._compliance(sheets["compliance"]), self._price(sheets["price"])]
        if self.rob is not None:
            written.append(self._robustness(sheets["robustness"], self.rob))
        written.append(self._evaluators(sheets["evaluators"]))
        if self.register is not None:
            written.append(self._register(sheets["register"], self.register))
        written += [self._audit(sheets["audit"]), self._summary(sheets["summary"])]
        for sheet in written:
            sheet.finish()

    # Summary --------------------------------------------------------------------------

    def _summary(self, ws: Worksheet) -> _Sheet:
        ev, lang = self.ev, self.lang
        n = len(self.weighted)
        sheet = _Sheet(self, ws, [5, 16, 14, 8, *([7.5] * n), 30])
        consultation = ev.questionnaire.consultation
        sheet.title(f"{DRAFT_MARK} — " * self.draft
                    + f"{self.t('title')} — {consultation.reference}")
        sheet.paragraph(consultation.title, style="aip-label")
        sheet.paragraph(self.colon(self.t("buyer"), consultation.buyer))
        if self.generated is not None:
            sheet.paragraph(f"{self.t('generated')} {date(self.generated, lang)}")
        sheet.paragraph(self._method_line())
        sheet.section(self.t("ranking"))
        labels = [self.t("rank"), self.t("vendor"), self.t("status"),
                  f"{self.t('total')} (/\u00a0{_points_label(ev.settings.total_points, lang)})",
                  *(self._criterion_header(c) for c in self.weighted), self.t("flags")]
        styles = ["aip-integer", "aip-bold", "aip-text", "aip-total", *(["aip-points"] * n),
                  "aip-text"]
        rows = []
        for vendor in self.order:
            scored = vendor.status != "file-rejected"
            rows.append([
                vendor.rank if vendor.rank is not None else "—", vendor.vendor,
                STATUSES[vendor.status].get(lang), vendor.total if scored else None,
                *((vendor.criteria.get(c.id, 0.0) if scored else None) for c in self.weighted),
                self.flags(vendor)])
        table = sheet.table(labels, rows, styles, vertical=range(4, 4 + n))
        sheet.freeze(table.first, 3)
        ws.repeat_rows(table.header - 1)
        if table.last >= table.first:
            sheet.filter(table.header, table.last, len(labels))
        if self.rob is not None:
            sheet.section(self.t("findings"))
            for sentence in self.rob.sentences(lang):
                sheet.paragraph("• " + sentence)
        sheet.section(self.t("notes"))
        for note in self._notes():
            sheet.paragraph("• " + note)
        return sheet

    def _criterion_header(self, criterion: Criterion) -> str:
        points = _points_label(self.ev.criterion_points[criterion.id], self.lang)
        return f"{criterion.title.get(self.lang)} (/\u00a0{points})"

    def _method_line(self) -> str:
        ev = self.ev
        total = _points_label(ev.settings.total_points, self.lang)
        method = PRICE_METHOD_NAMES[ev.settings.price_method].get(self.lang)
        fingerprint = ev.questionnaire.fingerprint[:16]
        text = self.tr(
            msg("Scores out of {total} points; price scored by the {method} method. "
                "Questionnaire {bank_id} {bank_version}, fingerprint {fingerprint}… (Audit "
                "sheet).", total=total, method=method, bank_id=self.bank.id,
                bank_version=self.bank.version, fingerprint=fingerprint))
        if ev.price is None:
            text += self.tr(msg(" No price was scored."))
        return text

    def _notes(self) -> list[str]:
        ev = self.ev
        tr = self.tr
        notes: list[str] = []
        counts = {status: sum(v.status == status for v in ev.vendors)
                  for status in ("ranked", "non-compliant", "file-rejected")}
        notes.append(tr(msg(
            "{received}: {ranked}, {non_compliant}, {rejected}. A non-compliant offer (a "
            "mandatory requirement failed) is set aside before the ranking; its points are "
            "shown for information (Compliance sheet).",
            received=nmsg("{n} offer received", "{n} offers received", len(ev.vendors)),
            ranked=nmsg("{n} ranked", "{n} ranked", counts["ranked"]),
            non_compliant=nmsg("{n} non-compliant", "{n} non-compliant",
                               counts["non-compliant"]),
            rejected=nmsg("{n} file rejected", "{n} files rejected", counts["file-rejected"]))))
        if counts_unacceptable := sum(v.status == "unacceptable" for v in ev.vendors):
            notes.append(tr(nmsg(
                "{n} unacceptable offer: price above the budget (L2152-3), eliminated without "
                "being ranked (R2152-1); see the Price sheet.",
                "{n} unacceptable offers: price above the budget (L2152-3), eliminated without "
                "being ranked (R2152-1); see the Price sheet.", counts_unacceptable)))
        ranks = [v.rank for v in ev.ranking]
        ties = sorted({r for r in ranks if ranks.count(r) > 1 and r is not None})
        if ties:
            listed = ", ".join(map(str, ties))
            notes.append(tr(nmsg("Tie at rank {listed}: gap below the tie tolerance (Audit "
                                 "sheet).", "Tie at ranks {listed}: gap below the tie "
                                 "tolerance (Audit sheet).", len(ties), listed=listed)))
        if ev.low_offers is not None and ev.low_offers.flagged:
            names = ", ".join(isolate_bidi(v) for v in ev.low_offers.flagged)
            notes.append(tr(msg(
                "Presumed abnormally low price: {names}. This is a flag, not an exclusion: "
                "ask the vendor in writing to justify its price (Price sheet).", names=names)))
        if ev.divergences:
            notes.append(tr(nmsg(
                "{n} answer scored divergently by the evaluators (Evaluators sheet).",
                "{n} answers scored divergently by the evaluators (Evaluators sheet).",
                len(ev.divergences))))
        if ev.pending_reviews:
            notes.append(tr(nmsg(
                "{n} answer awaits the evaluators' score: it counts 0 points and the ranking "
                "is provisional.", "{n} answers await the evaluators' score: they count 0 "
                "points and the ranking is provisional.", len(ev.pending_reviews))))
        if self.cuts:
            notes.append(tr(nmsg(
                "{n} text too long for an Excel cell (32,767 characters) was cut, marked with "
                "\"[…]\": the full text is in the vendor's file (Audit sheet).",
                "{n} texts too long for an Excel cell (32,767 characters) were cut, marked "
                "with \"[…]\": the full texts are in the vendors' files (Audit sheet).",
                self.cuts)))
        notes.append(tr(msg("The vendors' texts are reproduced as text: no formula in them "
                            "runs.")))
        return notes

    # Matrix ---------------------------------------------------------------------------

    def _matrix(self, ws: Worksheet) -> _Sheet:
        ev, lang = self.ev, self.lang
        n = len(self.weighted)
        sheet = _Sheet(self, ws, [18, 14, *([7.5] * n), 8])
        sheet.title(self.tr(msg("Score matrix: offers × criteria")))
        sheet.paragraph(self.tr(
            msg("Points earned on each criterion, then the share of the criterion's points (from "
                "0%, red, to 100%, green). Non-compliant offers follow the ranked ones, for "
                "information; the charts show the ranked offers only.")))
        sheet.section(self.tr(msg("Points earned")))
        labels = [self.t("vendor"), self.t("status"),
                  *(self._criterion_header(c) for c in self.weighted),
                  f"{self.t('total')} (/\u00a0{_points_label(ev.settings.total_points, lang)})"]
        points = sheet.table(labels, (
            [v.vendor, STATUSES[v.status].get(lang),
             *(v.criteria.get(c.id, 0.0) for c in self.weighted), v.total]
            for v in self.scored), ["aip-bold", "aip-text", *(["aip-points"] * n), "aip-total"],
            vertical=range(2, 2 + n))
        sheet.section(self.tr(msg("Share of each criterion's points")))
        share_labels = [self.t("vendor"), self.t("status"),
                        *(c.title.get(lang) for c in self.weighted), self.t("total")]
        shares = sheet.table(share_labels, (
            [v.vendor, STATUSES[v.status].get(lang),
             *(v.criteria.get(c.id, 0.0) / ev.criterion_points[c.id] for c in self.weighted),
             v.total / ev.settings.total_points]
            for v in self.scored), ["aip-bold", "aip-text", *(["aip-percent"] * (n + 1))],
            vertical=range(2, 2 + n))
        sheet.freeze(points.first, 2)
        if points.last < points.first:
            return sheet
        sheet.filter(points.header, points.last, n + 3)
        sheet.colour_scale(shares.first, 3, shares.last, n + 2,
                           ("#F8696B", "#FFEB84", "#63BE7B"))
        ranked = sum(v.status == "ranked" for v in self.scored)
        if ranked and n:
            self._charts(sheet, points, shares, ranked, n, anchor=sheet.row + 2)
        return sheet

    # Sub-criteria -----------------------------------------------------------------------

    def _sub_criteria(self, ws: Worksheet) -> _Sheet:
        """Each offer's points on each sub-criterion, beside the published maximum."""
        lang = self.lang
        vendors = self.scored
        sheet = _Sheet(self, ws, [22, 24, 10, 10, *([10.0] * len(vendors))])
        sheet.title(self.tr(msg("Sub-criteria: points of each offer")))
        sheet.paragraph(self.tr(
            msg("Published weights of the sub-criteria (share of the criterion and points, as "
                "the questionnaire announced them; Conseil d'État, 18 June 2010, Commune de "
                "Saint-Pal-de-Mons, no. 337377) and the points each offer earned on each.")))
        labels = [self.t("criterion"), self.tr(msg("Sub-criterion")),
                  self.tr(msg("Share of the criterion")),
                  self.tr(msg("Published maximum (points)")),
                  *(v.vendor for v in vendors)]
        rows = []
        for criterion in self.bank.criteria:
            published = self.sub_points.get(criterion.id)
            if published is None:
                continue
            whole = math.fsum(published.values())
            for sub in criterion.sub_criteria:
                rows.append([
                    f"{criterion.title.get(lang)} ({criterion.id})",
                    f"{sub.title.get(lang)} ({sub.id})",
                    published[sub.id] / whole if whole > 0 else 0.0, published[sub.id],
                    *(v.sub_criteria.get(sub.id, 0.0) for v in vendors)])
        table = sheet.table(labels, rows, ["aip-text", "aip-bold", "aip-percent",
                                           "aip-points", *(["aip-points"] * len(vendors))])
        sheet.freeze(table.first, 3)
        return sheet

    def _charts(self, sheet: _Sheet, points: _Table, shares: _Table, ranked: int, n: int, *,
                anchor: int) -> None:
        """A stacked bar chart of the points, then a profile (radar) chart of the shares.

        References are zero-based ``[sheet, first row, first col, last row, last col]``.
        """
        wb, name = self.wb, SHEETS["matrix"].get(self.lang)
        height = max(8.0, 0.9 * ranked + 6)  # cm
        # Horizontal stacked bars, the best offer on top, the legend below.
        bars = wb.add_chart("bar", self.tr(msg("Points by criterion (ranked offers)")),
                            width=round(25 * _PIXELS_PER_CM),
                            height=round(height * _PIXELS_PER_CM))
        last = points.first + ranked - 1
        # The colours of the memo's chart.
        for offset, colour in enumerate(criterion_colours(self.weighted)):
            col = 2 + offset  # zero-based: the criteria start in column C
            # Named after the plain criterion title (the header of the shares table).
            bars.add_series((name, shares.header - 1, col),
                            (name, points.first - 1, 0, last - 1, 0),
                            (name, points.first - 1, col, last - 1, col), colour)
        bars.value_axis(minimum=0, maximum=self.ev.settings.total_points, number_format="0",
                        title=self.t("points"))

        shown = min(ranked, _MAX_PROFILE_OFFERS)
        # Lines with markers, the legend on the right.
        radar = wb.add_chart("radar", self.tr(
            msg("Offer profiles: share of each criterion's "
                "points")) if shown == ranked else self.tr(
            msg("Profile of the {shown} best offers: share of each criterion's points",
                shown=shown)), width=round(25 * _PIXELS_PER_CM),
            height=round(13 * _PIXELS_PER_CM))
        for offset, row in enumerate(range(shares.first, shares.first + shown)):
            radar.add_series((name, row - 1, 0),
                             (name, shares.header - 1, 2, shares.header - 1, n + 1),
                             (name, row - 1, 2, row - 1, n + 1),
                             OFFER_COLOURS[offset % len(OFFER_COLOURS)])
        radar.value_axis(minimum=0, maximum=1, major_unit=0.25, number_format="0%")
        # A row is about 0.5 cm high: place the radar under the bars, each chart on a page
        # of its own.
        below = anchor + math.ceil(height / 0.5) + 2
        sheet.ws.set_h_pagebreaks([anchor - 1, below - 1])
        sheet.ws.insert_chart(anchor - 1, 0, bars)
        sheet.ws.insert_chart(below - 1, 0, radar)

    # Detail ---------------------------------------------------------------------------

    def _detail(self, ws: Worksheet) -> _Sheet:
        lang = self.lang
        widths = [12, 14, 8, 40, 10, 28, 28, 14, 32, 7, 6, 7, 7, 10, 16]
        sheet = _Sheet(self, ws, widths)
        labels = [self.t(k) for k in (
            "vendor", "criterion", "question", "question_text", "state", "answer",
            "justification", "evidence", "rule", "fraction", "weight", "points", "max_points",
            "source", "flags")]
        styles = ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-text", "aip-text",
                  "aip-text", "aip-text", "aip-text", "aip-percent", "aip-points",
                  "aip-points", "aip-points", "aip-text", "aip-text"]
        header = sheet.header(labels)
        names = {c.id: c.title.get(lang) for c in self.bank.criteria}
        texts = {q.id: q.text.get(lang) for q in self.questions.values()}
        states = {key: value.get(lang) for key, value in STATES.items()}
        sources = {key: value.get(lang) for key, value in SOURCES.items()}
        separator = self.tr(msg("; "))
        # Answers and flags repeat across offers: each is put in words once (saves 0.25 s
        # at 300 offers).
        answers: dict[tuple[str, type, object], str] = {}
        flags: dict[tuple[str, ...], str] = {(): ""}
        for line in self._ordered_lines():
            value = line.value
            kind = value.__class__
            if kind is str or kind is int or kind is float:
                key = (line.question_id, kind, value)
                answer = answers.get(key)
                if answer is None:
                    answer = answers[key] = _answer(self.questions[line.question_id], line,
                                                    lang)
            else:
                answer = _answer(self.questions[line.question_id], line, lang)
            flagged = flags.get(line.flags)
            if flagged is None:
                flagged = flags[line.flags] = separator.join(flag_label(f, lang)
                                                             for f in line.flags)
            sheet.line([
                line.vendor, names.get(line.criterion_id, line.criterion_id), line.question_id,
                texts[line.question_id], states[line.state.value], answer,
                line.justification, line.evidence, line.rule.get(lang), line.fraction,
                line.weight, line.points, line.max_points, sources[line.source], flagged],
                styles)
        last = max(sheet.row - 1, header)
        sheet.freeze(2, 2)
        sheet.filter(header, last, len(labels))
        ws.repeat_rows(header - 1)
        return sheet

    def _ordered_lines(self) -> list[ScoreLine]:
        position = {v.vendor: i for i, v in enumerate(self.order)}
        return sorted(self.ev.lines, key=lambda line: position.get(line.vendor, len(position)))

    # Compliance -----------------------------------------------------------------------

    def _compliance(self, ws: Worksheet) -> _Sheet:
        lang = self.lang
        sheet = _Sheet(self, ws, [18, 16, 44, 24, 28, 44])
        sheet.title(self.tr(msg("Compliance of the offers")))
        sheet.paragraph(self.tr(
            msg("An offer failing a published mandatory requirement is non-compliant and set "
                "aside before the ranking, with its reasons; it is not a score of zero. An "
                "unreadable or altered file is set aside without being scored.")))
        sheet.section(self.tr(msg("Mandatory requirements failed")))
        lines = {(line.vendor, line.question_id): line for line in self.ev.lines}
        rows = []
        for vendor in self.order:
            for failure in vendor.knockouts:
                question = self.questions.get(failure.question_id)
                line = lines.get((vendor.vendor, failure.question_id))
                shown = (display_value(question, line.value, lang)
                         if question is not None and line is not None
                         and line.value is not None else failure.answer)
                rows.append([vendor.vendor, failure.question_id,
                             question.text.get(lang) if question is not None else "",
                             shown, failure.rule.get(lang), failure.reason.get(lang)])
        sheet.table(
            [self.t(k) for k in ("vendor", "question", "question_text", "answer", "rule",
                                 "reason")],
            rows, ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-text", "aip-text"],
            empty=self.tr(msg("No offer fails a mandatory requirement.")))
        sheet.section(self.tr(msg("Files rejected")))
        files = {i.vendor: i.file for i in self.ev.inputs}
        sheet.table([self.t("vendor"), self.t("file"), self.t("reason")],
                    ([v.vendor, files.get(v.vendor, ""), error.get(lang)]
                     for v in self.order for error in v.file_errors),
                    ["aip-bold", "aip-text", "aip-text"], span_last=True,
                    empty=self.tr(msg("No file rejected.")))
        return sheet

    # Price ----------------------------------------------------------------------------

    def _price(self, ws: Worksheet) -> _Sheet:
        ev, lang = self.ev, self.lang
        sheet = _Sheet(self, ws, [18, 22, 16, 11, 48, 30])
        sheet.title(self.tr(msg("Price")))
        price = ev.price
        priced = [v for v in self.order if v.price is not None]
        if price is None and not priced:
            sheet.paragraph(self.tr(
                msg("No price was scored (no price criterion, or no ranked offer has a price).")))
            return sheet
        if price is not None:
            sheet.pairs([
                (self.t("method"), PRICE_METHOD_NAMES[price.method].get(lang)),
                (self.tr(msg("Formula")), price.formula.get(lang)),
                *([(self.tr(msg("Special case")), price.special_case.get(lang))]
                  if price.special_case is not None else []),
                (self.tr(pmsg("deliverables.comparison", "Price "
                              "points")), price.max_points, "aip-raw"),
                (self.tr(msg("Lowest price")), price.pmin, "aip-money-plain"),
                (self.tr(msg("Highest price")), price.pmax,
                 "aip-money-plain"),
                (self.tr(msg("Mean price")), price.mean, "aip-money-plain"),
            ])
            sheet.paragraph(self.tr(
                msg("Only compliant offers are scored on price: the lowest and highest prices "
                    "are theirs.")), style="aip-note")
        sheet.section(self.tr(msg("Price points")))
        low = ev.low_offers
        rows = []
        for vendor in priced:
            scored = price is not None and vendor.vendor in price.points
            explained = (price.explain(vendor.vendor).get(lang) if price is not None and scored
                         else self.tr(msg("not scored: unacceptable offer (L2152-3)"))
                         if vendor.status == "unacceptable"
                         else self.tr(msg("not scored: offer not ranked")))
            flagged = low is not None and vendor.vendor in low.flagged
            rows.append([vendor.vendor, STATUSES[vendor.status].get(lang), vendor.price,
                         price.points[vendor.vendor] if price is not None and scored else None,
                         explained, flag_label("abnormally-low", lang) if flagged else ""])
        sheet.table(
            [self.t("vendor"), self.t("status"),
             self.tr(msg("Total cost (€)")), self.t("points"),
             self.t("computation"), self.tr(msg("Abnormally low price"))],
            rows, ["aip-bold", "aip-text", "aip-money", "aip-points", "aip-text", "aip-text"])
        if low is not None:
            sheet.section(self.tr(msg("Abnormally low offers: a flag, never an exclusion")))
            pairs: list[tuple[str, object] | tuple[str, object, str]] = [
                (self.t("method"), LOW_OFFER_METHOD_NAMES[low.method].get(lang))]
            pairs += [(LOW_OFFER_PARAMETER_LABELS[name].get(lang)
                       if name in LOW_OFFER_PARAMETER_LABELS else name, value, "aip-raw")
                      for name, value in sorted(low.parameters.items())]
            pairs.append((self.t("computation"), low.summary.get(lang)))
            if low.threshold is not None:
                pairs.append((self.tr(msg("Threshold")), low.threshold, "aip-money-plain"))
            pairs += [(vendor, low.explanations[vendor].get(lang)) for vendor in low.flagged]
            sheet.pairs(pairs)
        budget = ev.budget
        if budget is not None:
            sheet.section(self.tr(msg("Budget and unacceptable offers (L2152-3)")))
            b = budget.budget
            sheet.pairs([
                (self.tr(msg("Budget (€ excl. VAT)")), float(b.amount),
                 "aip-money-plain"),
                (self.tr(msg("What it covers")), b.covers),
                *([(self.tr(msg("Set by")), b.source)] if b.source.strip() else []),
                (self.t("computation"), budget.summary.get(lang)),
                *[(vendor, budget.explanations[vendor].get(lang)) for vendor in budget.over],
            ])
        self._costs(sheet)
        return sheet

    def _costs(self, sheet: _Sheet) -> None:
        lang = self.lang
        costed = [v for v in self.order if v.cost is not None]
        if not costed:
            return
        sheet.section(self.tr(msg("Total cost of ownership")))
        question = next((q for c in self.bank.criteria if c.is_price for q in c.questions
                         if isinstance(q.answer, Price)), None)
        spec = (question.answer if question is not None
                and isinstance(question.answer, Price) else None)
        items = {i.id: i.label.get(lang) for i in spec.items} if spec is not None else {}
        dqe = {d.id: d for d in spec.dqe} if spec is not None else {}
        if dqe:
            sheet.paragraph(self.tr(
                "Modèle de prix : détail quantitatif estimatif (DQE). Le prix comparé est la "
                "somme, sur chaque poste, de la quantité fixée par l'acheteur (publiée avec "
                "le questionnaire) multipliée par le prix unitaire de l'offre"
                + (", plus le forfait." if items else "."),
                "Price model: detailed quantity estimate (DQE). The compared price is the "
                "sum, over the items, of the quantity the buyer set (published with the "
                "questionnaire) times the offer's unit price"
                + (", plus the lump sum." if items else ".")), style="aip-note")
            sheet.header([self.tr(msg("Item")), self.tr(msg("Description")),
                          self.tr(msg("Unit")), self.tr(msg("Quantity"))])
            for d in dqe.values():
                sheet.line([d.id, d.label.get(lang), d.unit.get(lang),
                            _quantity(Decimal(repr(d.quantity)), lang)],
                           ["aip-bold", "aip-text", "aip-text", "aip-text"])
            sheet.row += 1
        sheet.header([self.t("vendor"), self.tr(msg("Item")),
                      self.tr(msg("Amount or unit price (€)"))
                      if dqe else self.tr(msg("Amount (€)")),
                      self.tr(msg("Recurrence or quantity"))
                      if dqe else self.tr(msg("Recurrence")),
                      self.tr(msg("Total over the contract (€)")),
                      self.t("computation")])
        for vendor in costed:
            cost = vendor.cost
            assert cost is not None
            for line in cost.lines:
                sheet.line([vendor.vendor, items.get(line.item, line.item), line.amount,
                            RECURRENCES[line.recurrence.value].get(lang), line.total, ""],
                           ["aip-bold", "aip-text", "aip-money", "aip-text", "aip-money",
                            "aip-text"])
            for priced in cost.dqe:
                item = dqe.get(priced.item)
                label = (f"{priced.item} {item.label.get(lang)}" if item is not None
                         else priced.item)
                unit = item.unit.get(lang) if item is not None else ""
                quantity = f"× {_quantity(priced.quantity, lang)} {unit}".rstrip()
                sheet.line([vendor.vendor, label, float(priced.unit_price), quantity,
                            float(priced.total), ""],
                           ["aip-bold", "aip-text", "aip-money", "aip-text", "aip-money",
                            "aip-text"])
            total = (self.tr(msg("Compared price")) if cost.dqe else
                     self.tr(msg("Total ({cost_years} years)", cost_years=cost.years)))
            sheet.line([vendor.vendor, total, None, "", cost.total, cost.explain().get(lang)],
                       ["aip-bold", "aip-bold", "aip-money", "aip-text", "aip-money-total",
                        "aip-text"])

    # Robustness -----------------------------------------------------------------------

    def _robustness(self, ws: Worksheet, rob: Robustness) -> _Sheet:
        from ai_procurement.decision import robustness_math as rm

        lang = self.lang
        vendors = list(rob.vendors)
        criteria = list(rob.criteria)
        columns = max(len(vendors), len(criteria), 6)
        sheet = _Sheet(self, ws, [24, *([9] * (columns + 1))])
        sheet.title(self.tr(msg("How robust the ranking is")))
        for sentence in rob.sentences(lang):
            sheet.paragraph("• " + sentence)
        sheet.section(self.tr(msg("Parameters")))
        sheet.pairs([(ROBUSTNESS_PARAMETER_LABELS[k].get(lang)
                      if k in ROBUSTNESS_PARAMETER_LABELS else str(k), self.setting(k, v),
                      "aip-raw")
                     for k, v in rob.parameters.items()])
        band = rob.acceptability_band
        if isinstance(band, rm.SMAAResult):
            share = percent(band.band or 0.0, lang)
            self._acceptability(sheet, band, vendors, self.tr(
                msg("Chance of each rank when the weights vary within ±{share}", share=share)))
            sheet.section(self.tr(
                msg("Central weights: mean weights of the draws where the offer comes first")))
            rows: list[list[object]] = []
            for i, vendor in enumerate(vendors):
                central = band.central_weights[i]
                rows.append([vendor, float(band.acceptability[i, 0]),
                             *(central if central is not None else [None] * len(criteria))])
            sheet.table([self.t("vendor"), self.tr(msg("First (share of draws)")),
                         *(self.criterion_name(c) for c in criteria)], rows,
                        ["aip-bold", "aip-percent", *(["aip-percent1"] * len(criteria))],
                        vertical=range(2, 2 + len(criteria)))
            sheet.put(sheet.row, 1, self.tr(
                msg("No weights: the offer never comes first in the draws.")), "aip-note")
            sheet.row += 1
        simplex = rob.acceptability_simplex
        if isinstance(simplex, rm.SMAAResult):
            self._acceptability(sheet, simplex, vendors, self.tr(
                msg("Chance of each rank for any weights (every set of weights equally likely)")))
        if isinstance(rob.tipping, rm.TippingPoints):
            self._tipping(sheet, rob.tipping, vendors, criteria)
        if rob.price_methods:
            sheet.section(self.tr(msg("Ranking by price scoring method")))
            labels = [self.t("vendor")]
            for outcome in rob.price_methods:
                name = PRICE_METHOD_NAMES[outcome.method].get(lang)
                labels += [f"{self.t('total')} ({name})", f"{self.t('rank')} ({name})"]
            sheet.table(labels, ([vendor, *(x for o in rob.price_methods
                                            for x in (o.totals[vendor], o.ranks[vendor]))]
                                 for vendor in vendors),
                        ["aip-bold", *(["aip-points", "aip-integer"] * len(rob.price_methods))])
        if isinstance(rob.leave_one_out, rm.LeaveOneOut):
            self._leave_one_out(sheet, rob.leave_one_out, vendors)
        if rob.without_evaluator:
            sheet.section(self.tr(msg("Winner without each evaluator's scores")))
            sheet.table([self.tr(msg("Evaluator left out")),
                         self.tr(msg("First"))],
                        ([e, ", ".join(w)] for e, w in rob.without_evaluator.items()),
                        ["aip-bold", "aip-text"])
        return sheet

    def _acceptability(self, sheet: _Sheet, result: object, vendors: list[str],
                       title: str) -> None:
        from ai_procurement.decision import robustness_math as rm

        assert isinstance(result, rm.SMAAResult)
        n = len(vendors)
        sheet.section(title)
        rank = self.t("rank")
        table = sheet.table(
            [self.t("vendor"), *(f"{rank} {r + 1}" for r in range(n))],
            ([vendor, *(float(result.acceptability[i, r]) for r in range(n))]
             for i, vendor in enumerate(vendors)),
            ["aip-bold", *(["aip-percent"] * n)])
        sheet.put(sheet.row, 1, self.tr(
            msg("{result_samples} draws, seed {result_seed}; each row adds up to 100%.",
                result_samples=result.samples, result_seed=result.seed)),
            "aip-note")
        sheet.row += 1
        sheet.colour_scale(table.first, 2, table.last, n + 1, ("#FFFFFF", "#5B9BD5"))

    def _tipping(self, sheet: _Sheet, tipping: object, vendors: list[str],
                 criteria: list[str]) -> None:
        from ai_procurement.decision import robustness_math as rm

        assert isinstance(tipping, rm.TippingPoints)
        winner = vendors[tipping.winner]
        sheet.section(self.tr(
            msg("Tipping points: the weight of one criterion from which another offer overtakes "
                "{winner} (the other weights rescaled in proportion)", winner=winner)))
        none = self.t("none")
        rows: list[list[object]] = []
        for point in tipping.criteria:
            row: list[object] = [self.criterion_name(criteria[point.criterion]), point.weight]
            for shift in (point.up, point.down):
                row += ([none, none] if shift is None
                        else [shift.new_weight, vendors[shift.overtaken_by]])
            rows.append(row)
        sheet.table([self.t("criterion"), self.tr(msg("Published weight")),
                     self.tr(msg("Up: new weight")),
                     self.tr(msg("Up: overtaken by")),
                     self.tr(msg("Down: new weight")),
                     self.tr(msg("Down: overtaken by"))],
                    rows, ["aip-text", "aip-percent1", "aip-percent1", "aip-text",
                           "aip-percent1", "aip-text"])

    def _leave_one_out(self, sheet: _Sheet, loo: object, vendors: list[str]) -> None:
        from ai_procurement.decision import robustness_math as rm

        assert isinstance(loo, rm.LeaveOneOut)
        sheet.section(self.tr(msg("One offer removed: pairs whose order changes")))
        relations = {"above": self.tr(msg("ahead")), "below": self.tr(msg("behind")),
                     "tied": self.tr(msg("tied"))}
        sheet.table([self.tr(msg("Offer removed")), self.tr(msg("Offer A")),
                     self.tr(msg("Offer B")), self.tr(msg("A before")),
                     self.tr(msg("A after"))],
                    ([vendors[c.removed], vendors[c.a], vendors[c.b], relations[c.before],
                      relations[c.after]] for c in loo.changes),
                    ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-text"],
                    empty=self.tr(msg("Removing one offer changes the order of no other pair.")))

    # Evaluators -----------------------------------------------------------------------

    def _evaluators(self, ws: Worksheet) -> _Sheet:
        ev, lang = self.ev, self.lang
        evaluators = sorted({s.evaluator for s in ev.evaluator_scores})
        k = len(evaluators)
        sheet = _Sheet(self, ws, [16, 9, 38, *([8] * k), 8, 11, 8, 48])
        sheet.title(self.tr(msg("Evaluators' scores")))
        threshold = percent(ev.settings.divergence_threshold, lang)
        consensus = msg("median") if ev.settings.consensus == "median" else msg("mean")
        sheet.paragraph(self.tr(msg(
            "Each evaluator scores the written answers; the score kept is the {consensus} of "
            "their levels, or the level agreed in a consensus meeting. A divergence is "
            "flagged beyond {threshold} of the scale.", consensus=consensus,
            threshold=threshold)))
        lines = {(line.vendor, line.question_id): line for line in ev.lines}
        position = {v.vendor: i for i, v in enumerate(self.order)}
        question_order = {q: i for i, q in enumerate(self.questions)}
        keys = sorted({(s.vendor, s.question_id) for s in ev.evaluator_scores}
                      | {(o.vendor, o.question_id) for o in ev.overrides if o.level is not None},
                      key=lambda key: (position.get(key[0], len(position)),
                                       question_order.get(key[1], 0)))
        levels: dict[tuple[str, str], dict[str, int | None]] = {}
        texts: dict[tuple[str, str], list[str]] = {}
        for score in ev.evaluator_scores:
            key = (score.vendor, score.question_id)
            levels.setdefault(key, {})[score.evaluator] = score.level
            if score.justification.strip():
                texts.setdefault(key, []).append(self.colon(score.evaluator,
                                                            score.justification))
        diverging = {(d.vendor, d.question_id) for d in ev.divergences}
        divergence = "⚠ " + flag_label("evaluator-divergence", lang) + ". "
        rows: list[list[object]] = []
        for key in keys:
            question = self.questions.get(key[1])
            line = lines.get(key)
            kept: float | None = None
            if (line is not None and question is not None
                    and isinstance(question.answer, FreeText)
                    and line.source in ("evaluators", "consensus")):
                low, high = question.answer.scale[0].value, question.answer.scale[-1].value
                kept = low + line.fraction * (high - low)
            given = levels.get(key, {})
            rows.append([key[0], key[1], question.text.get(lang) if question else "",
                         *(given.get(e) for e in evaluators), kept,
                         SOURCES[line.source].get(lang) if line is not None else "",
                         line.points if line is not None else None,
                         (divergence if key in diverging else "") + " | ".join(
                             texts.get(key, []))])
        sheet.section(self.tr(msg("Individual scores and score kept")))
        table = sheet.table(
            [self.t("vendor"), self.t("question"), self.t("question_text"), *evaluators,
             self.tr(msg("Level kept")), self.t("source"), self.t("points"),
             self.tr(msg("Justifications"))], rows,
            ["aip-bold", "aip-text", "aip-text", *(["aip-integer"] * k), "aip-level",
             "aip-text", "aip-points", "aip-text"],
            empty=self.tr(msg("No evaluator score.")))
        if table.last >= table.first:
            sheet.freeze(table.first, 3)
        sheet.section(self.tr(msg("Evaluator divergences")))
        sheet.table([self.t("vendor"), self.t("question"), self.t("question_text"),
                     self.tr(msg("Levels")), self.tr(msg("Spread (share of the scale)"))],
                    ([d.vendor, d.question_id,
                      self.questions[d.question_id].text.get(lang)
                      if d.question_id in self.questions else "",
                      self.tr(msg("; ")).join(f"{e} {lv}" for e, lv in sorted(d.levels.items())),
                      d.spread]
                     for d in ev.divergences),
                    ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-percent"],
                    empty=self.tr(msg("No divergence.")))
        sheet.section(self.tr(msg("Reasoned overrides")))
        sheet.table([self.t("vendor"), self.t("question"),
                     self.tr(msg("Level or share set")),
                     self.tr(msg("By")), self.t("reason")],
                    ([o.vendor, o.question_id,
                      str(o.level) if o.level is not None else percent(o.fraction or 0.0, lang),
                      o.by, o.rationale] for o in ev.overrides),
                    ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-text"],
                    empty=self.tr(msg("No override.")))
        if ev.pending_reviews:
            sheet.section(self.tr(msg("Answers awaiting review")))
            sheet.table([self.t("vendor"), self.t("question")],
                        ([vendor, question] for vendor, question in ev.pending_reviews),
                        ["aip-bold", "aip-text"])
        return sheet

    # Audit ----------------------------------------------------------------------------

    def _register(self, ws: Worksheet, rows: Sequence[Deposit]) -> _Sheet:
        lang = self.lang
        sheet = _Sheet(self, ws, [8, 26, 16, 6, 12, 24, 22, 34])
        sheet.title(self.tr(msg("Deposit register: offers received at opening")))
        if self.procedure:
            sheet.paragraph(self.colon(self.tr(msg("Procedure")), self.procedure))
        sheet.paragraph(self.tr(
            msg("Every offer received is listed, scored or not: a late offer is recorded and "
                "eliminated without examination (R2151-5).")))
        sheet.row += 1
        labels = [self.tr(msg("Offer")), self.tr(msg("Bidder")),
                  self.tr(msg("Registration")), "Lot",
                  self.tr(msg("Base / variant")),
                  self.tr(msg("Time of deposit")),
                  self.tr(msg("Deadline")), self.t("file")]
        lines = ([row.offer, row.bidder, row.registration, row.lot or "—",
                  (self.tr(msg("base")) if row.variant == 0
                   else self.tr(msg("variant {row_variant}", row_variant=row.variant))),
                  date_time(row.deposited, lang) if row.deposited is not None else "—",
                  _REGISTER_STATUS[row.status].get(lang) if row.status in _REGISTER_STATUS
                  else row.status, row.file] for row in rows)
        table = sheet.table(labels, lines, ["aip-text", "aip-bold", "aip-text", "aip-text",
                                            "aip-text", "aip-text", "aip-text", "aip-text"],
                            empty=self.tr(msg("No offer registered.")))
        sheet.freeze(table.first, 3)
        if table.last >= table.first:
            sheet.filter(table.header, table.last, len(labels))
        return sheet

    def _audit(self, ws: Worksheet) -> _Sheet:
        ev, lang = self.ev, self.lang
        sheet = _Sheet(self, ws, [34, 30, 12, 12, 54])
        sheet.title(self.tr(msg("Audit: what is needed to redo every computation")))
        consultation = ev.questionnaire.consultation
        sheet.section(self.tr(msg("Consultation")))
        sheet.pairs([
            (self.tr(msg("Reference")), consultation.reference),
            (self.tr(msg("Subject")), consultation.title),
            (self.t("buyer"), consultation.buyer),
            (self.tr(msg("Contact")), consultation.contact),
            (self.tr(msg("Answer deadline")),
             date(consultation.deadline, lang) if consultation.deadline else "—"),
        ])
        sheet.section(self.tr(msg("Published questionnaire")))
        weighting = dict(ev.questionnaire.weighting)
        sheet.pairs([
            (self.tr(msg("Question bank")), self.bank.id),
            (self.tr(msg("Bank version")), self.bank.version),
            (self.tr(msg("Questionnaire fingerprint (SHA-256)")), ev.questionnaire.fingerprint),
            (self.tr(msg("Weighting method")),
             weighting_method(weighting.get("method", ""), lang)),
        ])
        parameters = weighting.get("parameters")
        if isinstance(parameters, Mapping) and parameters:
            sheet.section(self.tr(msg("Weighting parameters")))
            sheet.table([self.t("setting"), self.t("name"), self.t("value")],
                        ([_WEIGHTING_PARAMETER_LABELS[k].get(lang)
                          if k in _WEIGHTING_PARAMETER_LABELS else str(k), str(k),
                          self.plain(v)] for k, v in sorted(parameters.items())),
                        ["aip-text", "aip-text", "aip-value"], span_last=True)
        sheet.section(self.tr(msg("Published weights")))
        sheet.table([self.t("criterion"), self.tr(msg("Title")),
                     self.tr(msg("Share")), self.t("points")],
                    ([c.id, c.title.get(lang), ev.questionnaire.weights[c.id],
                      ev.criterion_points.get(c.id, 0.0)] for c in self.bank.criteria),
                    ["aip-text", "aip-text", "aip-percent1", "aip-points"])
        sheet.section(self.tr(msg("Evaluation settings")))
        sheet.table([self.t("setting"), self.t("name"), self.t("value")],
                    ([SETTING_LABELS[f.name].get(lang) if f.name in SETTING_LABELS else f.name,
                      f.name, self.setting(f.name, getattr(ev.settings, f.name))]
                     for f in attrs.fields(Settings)),
                    ["aip-text", "aip-text", "aip-value"], span_last=True)
        if self.rob is not None:
            sheet.section(self.tr(msg("Robustness analysis parameters")))
            sheet.table([self.t("setting"), self.t("name"), self.t("value")],
                        ([ROBUSTNESS_PARAMETER_LABELS[k].get(lang)
                          if k in ROBUSTNESS_PARAMETER_LABELS else k, k, self.setting(k, v)]
                         for k, v in self.rob.parameters.items()),
                        ["aip-text", "aip-text", "aip-value"], span_last=True)
        sheet.section(self.tr(msg("Vendors' files (they hold the full texts)")))
        sheet.table([self.t("vendor"), self.t("file"), "SHA-256"],
                    ([i.vendor, i.file, i.sha256] for i in ev.inputs),
                    ["aip-bold", "aip-text", "aip-text"], span_last=True,
                    empty=self.tr(msg("No file recorded.")))
        from ai_procurement import __version__

        sheet.section(self.tr(msg("Edition")))
        edition: list[tuple[str, object]] = [
            (self.tr(msg("ai_procurement version")), __version__)]
        if self.generated is not None:
            edition.append((self.tr(pmsg("deliverables.comparison", "Issued on")),
                            date(self.generated, lang)))
        sheet.pairs(edition)
        return sheet



# -- helpers ----------------------------------------------------------------------------------

def _display_order(evaluation: Evaluation) -> list[VendorResult]:
    """Ranked offers by rank, then non-compliant ones, then rejected files (by name)."""
    rest = sorted((v for v in evaluation.vendors if v.rank is None),
                  key=lambda v: (v.status != "non-compliant", v.vendor))
    return [*evaluation.ranking, *rest]


def _close_call_vendors(robustness: Robustness | None) -> set[str]:
    """The two leading offers when their gap is below the close-call threshold."""
    if robustness is None or robustness.close_call is None:
        return set()
    from ai_procurement.decision import robustness_math as rm

    close = robustness.close_call
    if not isinstance(close, rm.CloseCall) or not close.flagged or close.runner_up is None:
        return set()
    return {robustness.vendors[close.leader], robustness.vendors[close.runner_up]}


def _answer(question: Question, line: ScoreLine, lang: Lang) -> str:
    return display_value(question, line.value, lang)


def _wrapped_lines(text: str, chars: int) -> int:
    """Lines ``text`` takes when wrapped at word boundaries every ``chars`` characters."""
    total = 0
    for part in text.split("\n"):
        if len(part) <= chars:
            total += 1
        elif len(part) > 50 * chars:  # past the highest row anyway: no need to be exact
            total += math.ceil(len(part) / chars)
        else:
            lines, used = 1, 0
            for word in part.split(" "):
                size = len(word)
                if used and used + 1 + size <= chars:
                    used += 1 + size
                elif used:
                    lines, used = lines + 1, size
                else:
                    used = size
                while used > chars:  # a word longer than the line breaks anywhere
                    lines, used = lines + 1, used - chars
            total += lines
        if total * _LINE_HEIGHT > _MAX_ROW_HEIGHT:
            break
    return total


def _longest_word(text: str) -> int:
    """The length of the longest word of ``text`` (where a label may break)."""
    return max((len(word) for word in text.split()), default=0)


def _turned_height(text: str, width: float) -> float:
    """The height (points) a label turned bottom to top needs over a column ``width`` wide.

    Lines of turned text stack across the column (about 7 px a width unit, 13 pt a line);
    each line is as long as the row is high (bold Calibri 10, or the wider fallback font
    drawn where Calibri is missing: about 7 pt a character). The row is made high enough
    for the longest word to stay whole.
    """
    lines = max(1, math.floor(width * 0.75 * 7 / _LINE_HEIGHT))
    chars = max(_longest_word(text), math.ceil(len(text) / lines))
    while _wrapped_lines(text, chars) > lines:
        chars += 1
    return 7.0 * chars + 10


def _style_specs(lang: Lang) -> dict[str, dict[str, Any]]:
    """The named cell styles, as cell format properties (:meth:`Workbook.add_format`)."""
    border = {"border": 1, "border_color": "#BFBFBF"}
    body = {"font_name": _FONT, "font_size": 10}
    bold = {**body, "bold": True}
    tag = _NUMBER_LOCALE[lang]
    header = {**bold, "font_color": "#FFFFFF", "bg_color": _DARK, "pattern": 1, **border}

    def figure(fmt: str, font: dict[str, Any] = body) -> dict[str, Any]:
        return {**font, **border, "valign": "top", "align": "right", "num_format": tag + fmt}

    return {
        "aip-title": {**body, "font_size": 14, "bold": True, "font_color": _DARK},
        "aip-section": {**body, "font_size": 11, "bold": True, "font_color": _DARK},
        "aip-header": {**header, "valign": "vcenter", "text_wrap": True},
        "aip-header-vertical": {**header, "align": "center", "valign": "bottom",
                                "text_wrap": True, "rotation": 90},
        "aip-text": {**body, **border, "valign": "top", "text_wrap": True},
        "aip-bold": {**bold, **border, "valign": "top", "text_wrap": True},
        "aip-label": {**bold, "valign": "top", "text_wrap": True},
        "aip-plain": {**body, "valign": "top", "text_wrap": True},
        "aip-note": {**body, "italic": True, "font_color": "#595959", "valign": "top"},
        "aip-raw": {**body, "valign": "top", "align": "left"},
        "aip-value": {**body, **border, "valign": "top", "align": "left", "text_wrap": True},
        "aip-integer": {**body, **border, "valign": "top", "align": "center",
                        "num_format": "0"},
        "aip-points": figure("0.00"),
        "aip-total": figure("0.00", bold),
        "aip-level": figure("0.0"),
        # French puts a (no-break) space before the percent sign: "30,0 %".
        "aip-percent": figure("0\\ %" if lang == "fr" else "0%"),
        "aip-percent1": figure("0.0\\ %" if lang == "fr" else "0.0%"),
        "aip-money": figure(_MONEY[lang]),
        "aip-money-total": figure(_MONEY[lang], bold),
        "aip-money-plain": {**body, "num_format": tag + _MONEY[lang], "valign": "top",
                            "align": "left"},
    }


def _quantity(value: Decimal, lang: Lang) -> str:
    """A buyer-set quantity as written (20 000 or 1,5 in French)."""
    text = f"{value.normalize():,f}"
    return text.replace(",", "\u00a0").replace(".", ",") if lang == "fr" else text
