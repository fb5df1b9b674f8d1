"""The comparison workbook a procurement committee reads: every figure of an evaluation.

A committee compares offers in Excel. This module writes one workbook that shows the
ranking first (Summary), then lets a reader trace any figure down to the answer that
earned it: points per criterion with charts (Matrix), every scored answer with its rule
(Detail), the offers set aside and why (Compliance), the price formula and its
computation for each offer (Price), how fragile the ranking is (Robustness), the
evaluators' individual scores (Evaluators) and every parameter and input file (Audit).
It presents an :class:`~ai_procurement.decision.scoring.Evaluation`; nothing is recomputed.

Vendor texts are untrusted: every string goes into a cell as literal text (never a
formula, even when it starts with ``=``, ``+``, ``-`` or ``@``), stripped of characters
XML cannot hold, and cut visibly with " […]" past Excel's 32,767 characters per cell.
The same inputs give the same bytes: no clock is read (the edition date is passed in)
and the zip is written with fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import math
import numbers
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

import attrs

from ai_procurement.bank.model import Criterion, FreeText, Price, Question
from ai_procurement.decision.robustness import Robustness
from ai_procurement.decision.scoring import Evaluation, ScoreLine, Settings, VendorResult
from ai_procurement.deliverables.labels import (
    LOW_OFFER_METHOD_NAMES,
    LOW_OFFER_PARAMETER_LABELS,
    PRICE_METHOD_NAMES,
    RECURRENCES,
    ROBUSTNESS_PARAMETER_LABELS,
    SETTING_LABELS,
    SOURCES,
    STATES,
    STATUSES,
    clean_text,
    date,
    display_value,
    flag_label,
    isolate_bidi,
    number,
    percent,
)
from ai_procurement.errors import OutputError, OutputExistsError, ScoringError
from ai_procurement.text import LANGUAGES, Lang, Text

if TYPE_CHECKING:
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["comparison_bytes", "write_comparison"]

CELL_LIMIT = 32_767
"""Most characters (UTF-16 code units, Excel's measure) a cell holds."""
CUT_MARKER = " […]"
"""Ends a text cut to fit a cell, so the cut is visible."""

T = Text

SHEETS: dict[str, Text] = {
    "summary": T("Synthèse", "Summary"),
    "matrix": T("Matrice", "Matrix"),
    "detail": T("Détail", "Detail"),
    "compliance": T("Conformité", "Compliance"),
    "price": T("Prix", "Price"),
    "robustness": T("Robustesse", "Robustness"),
    "evaluators": T("Évaluateurs", "Evaluators"),
    "audit": T("Audit", "Audit"),
}
"""Sheet names in each language, in workbook order (Robustness only when given)."""

_FONT = "Calibri"
_DARK = "1F4E79"
_NUMBER_LOCALE: dict[Lang, str] = {"fr": "[$-40C]", "en": "[$-809]"}
# A locale tag in a number format makes a French workbook read "12,50" whatever the
# reader's settings in LibreOffice; Excel keeps the system's separators.
_MONEY: dict[Lang, str] = {"fr": '#,##0.00" €"', "en": '"€"#,##0.00'}
_MAX_PROFILE_OFFERS = 6
"""The profile (radar) chart shows at most this many best-ranked offers, to stay legible."""
_LINE_HEIGHT = 13.0
_MAX_ROW_HEIGHT = 409.0
# What clean_text changes: control characters other than tab and newline, surrogates and
# the two non-characters. Text without them is returned as it is, so it skips the call.
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def write_comparison(evaluation: Evaluation, path: str | os.PathLike[str], *,
                     lang: Lang = "fr", robustness: Robustness | None = None,
                     generated: dt.date | None = None, overwrite: bool = False) -> Path:
    """Write the comparison workbook of ``evaluation`` for a procurement committee.

    Sheets (named in ``lang``): Summary (ranking, flags, robustness findings, notes),
    Matrix (points and shares per criterion, colour scale, stacked bar and profile
    charts), Detail (every scored answer, filterable), Compliance, Price, Robustness
    (when given), Evaluators and Audit (fingerprint, settings, input files, version).

    Args:
        evaluation: the scored offers (:func:`ai_procurement.decision.scoring.evaluate`).
        path: the ``.xlsx`` file to write (written atomically).
        lang: ``"fr"`` or ``"en"``: sheet names, labels and number formats.
        robustness: the robustness checks of the same evaluation
            (:func:`ai_procurement.decision.robustness.assess_robustness`), shown in the
            Summary and in
            a Robustness sheet; None leaves them out.
        generated: the edition date printed in the Summary and the Audit sheet; None
            prints no date (the clock is never read, so the file is reproducible).
        overwrite: replace an existing file (otherwise :class:`OutputError`).

    Returns:
        The path written.

    Raises:
        ScoringError: unknown language, or ``robustness`` computed for another
            evaluation.
        OutputError: the file exists and ``overwrite`` is false, or it cannot be written.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target} already exists; refusing to overwrite an earlier "
                                "result (pass overwrite=True, or --force on the command line)")
    data = comparison_bytes(evaluation, lang=lang, robustness=robustness,
                            generated=generated)
    from ai_procurement._office.files import write_atomic

    write_atomic(target, data, overwrite=overwrite)
    return target


def comparison_bytes(evaluation: Evaluation, *, lang: Lang = "fr",
                     robustness: Robustness | None = None,
                     generated: dt.date | None = None) -> bytes:
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
    from ai_procurement.workbooks.form import FIXED_TIME

    book = _Book(evaluation, lang, robustness, generated)
    wb = book.build()
    wb.properties.creator = "ai_procurement"
    wb.properties.lastModifiedBy = "ai_procurement"
    wb.properties.title = cell_text(evaluation.questionnaire.consultation.title)[0][:255]
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return _save(book)


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
    "title": T("Comparaison des offres", "Comparison of the offers"),
    "buyer": T("Acheteur", "Buyer"),
    "generated": T("Édité le", "Issued on"),
    "ranking": T("Classement", "Ranking"),
    "rank": T("Rang", "Rank"),
    "vendor": T("Candidat", "Vendor"),
    "status": T("Statut", "Status"),
    "total": T("Total", "Total"),
    "flags": T("Signalements", "Flags"),
    "findings": T("Robustesse du classement", "How robust the ranking is"),
    "notes": T("À savoir", "Notes"),
    "criterion": T("Critère", "Criterion"),
    "question": T("Question", "Question"),
    "question_text": T("Intitulé", "Question text"),
    "state": T("État", "State"),
    "answer": T("Réponse", "Answer"),
    "justification": T("Justification", "Justification"),
    "evidence": T("Preuve", "Evidence"),
    "rule": T("Règle de notation", "Scoring rule"),
    "fraction": T("Part obtenue", "Share earned"),
    "weight": T("Poids", "Weight"),
    "points": T("Points", "Points"),
    "max_points": T("Points max", "Max points"),
    "source": T("Source", "Source"),
    "reason": T("Motif", "Reason"),
    "file": T("Fichier", "File"),
    "method": T("Méthode", "Method"),
    "computation": T("Calcul", "Computation"),
    "setting": T("Paramètre", "Setting"),
    "name": T("Nom", "Name"),
    "value": T("Valeur", "Value"),
    "none": T("aucun", "none"),
}


def _points_label(value: float, lang: Lang) -> str:
    rounded = round(value)
    if abs(value - rounded) < 1e-9:
        return number(rounded, lang, 0)
    return number(value, lang, 2)


# -- the writer -------------------------------------------------------------------------------

_WRAPPED = frozenset({"aip-text", "aip-bold", "aip-plain", "aip-label", "aip-header",
                      "aip-note-wrap"})


@attrs.define
class _Table:
    """Where a table was written: header row, first and last data rows."""

    header: int
    first: int
    last: int


class _Sheet:
    """A worksheet with a cursor and helpers that write literal text and styled cells.

    openpyxl holds the sheet's layout (columns, merges, panes, filters, charts, page
    set-up); the cells and row heights are kept here as SpreadsheetML and written into
    the sheet's ``sheetData`` when the workbook is saved (:func:`_save`). openpyxl builds
    and serialises an object per cell, which costs more than the whole workbook's content;
    the XML written is what it writes for the same cells (inline strings, ``%.16g``
    numbers, styles numbered in the order the cells are written).
    """

    def __init__(self, book: _Book, ws: Worksheet, widths: Sequence[float]) -> None:
        from openpyxl.utils import get_column_letter

        self.book, self.ws, self.row = book, ws, 1
        self.widths = list(widths)
        self.width = len(self.widths)
        for index, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        self.cells: dict[int, dict[int, tuple[str, str]]] = {}  # row: col: (style, XML)
        self.heights: dict[int, float] = {}
        self.touched: set[tuple[int, int]] = set()  # cells named (panes) but left empty
        book.sheets[ws.title] = self

    def coordinate(self, row: int, col: int) -> str:
        """The ``A1`` name of a cell (for panes), counted in the sheet's extent."""
        self.touched.add((row, col))
        return f"{_column(col)}{row}"

    def column_width(self, col: int, span: int = 1) -> float:
        """The width of ``span`` columns from ``col`` (10 for columns past the widths)."""
        if span == 1:
            return self.widths[col - 1] if col <= self.width else 10.0
        return sum(self.widths[c - 1] if c <= self.width else 10.0
                   for c in range(col, col + span))

    def put(self, row: int, col: int, value: object, style: str) -> str | None:
        """Write ``value`` (text always literal) with the named style ``style``.

        Returns the text written, if ``value`` is text.
        """
        shown: str | None = None
        if isinstance(value, str):
            # An inline string is literal, even when it starts with "=" or is "#N/A".
            shown = self.book.text(value)
            xml = _inline_string(shown)
        elif value is None:
            xml = ' t="n"/>'
        elif isinstance(value, bool):
            xml = f' t="b"><v>{int(value)}</v></c>'
        elif isinstance(value, int | float | numbers.Real):
            xml = (f' t="n"><v>{value:.16g}</v></c>' if math.isfinite(value)
                   else _inline_string("—"))
        else:
            shown = self.book.text(str(value))
            xml = _inline_string(shown)
        found = self.cells.get(row)
        if found is None:
            found = self.cells[row] = {}
        found[col] = (style, xml)
        return shown

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

    def merge(self, row: int, first: int, last: int) -> None:
        """Merge columns ``first`` to ``last`` of ``row`` (the cells under it stay empty)."""
        if last <= first:
            return
        # The range only: Worksheet.merge_cells also creates and restyles every covered
        # cell, which costs milliseconds per range and changes nothing here (the cells
        # are written by this class, and those under the range stay empty).
        self.ws.merged_cells.add(f"{_column(first)}{row}:{_column(last)}{row}")

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
        shown = self.put(self.row, 1, text, style) or ""
        self.merge(self.row, 1, self.width)
        self.fit(self.row, [(shown, self.column_width(1, self.width))])
        self.row += 1

    def pairs(self, items: Iterable[tuple[str, object] | tuple[str, object, str]]) -> None:
        """Label / value rows, the value across the rest of the width."""
        for item in items:
            label, value = item[0], item[1]
            style = item[2] if len(item) > 2 else (
                "aip-text" if isinstance(value, str) else "aip-raw")
            shown_label = self.put(self.row, 1, label, "aip-label") or ""
            shown = self.put(self.row, 2, value, style) or ""
            self.merge(self.row, 2, self.width)
            self.fit(self.row, [(shown_label, self.widths[0] * 0.85),
                                (shown, self.column_width(2, self.width - 1))])
            self.row += 1

    def header(self, labels: Sequence[str], *, first: int = 1,
               vertical: Iterable[int] = (), span_last: bool = False) -> int:
        """A header row, as high as its labels need; returns its row number.

        Labels at the positions in ``vertical`` read bottom to top (criterion names over
        narrow columns of figures); with ``span_last`` the last label spans the columns
        left up to the sheet's width.
        """
        row = self.row
        turned = set(vertical)
        texts = []
        height = 0.0
        for offset, text in enumerate(labels):
            col = first + offset
            if offset in turned:
                shown = self.put(row, col, text, "aip-header-vertical") or ""
                # Lines of turned text stack across the column (about 7 px a unit, 13 pt
                # a line); each line is as long as the row is high (about 5.5 pt a
                # character), with room for word wrapping.
                lines = max(1, math.floor(self.column_width(col) * 0.75 * 7 / _LINE_HEIGHT))
                height = max(height, 1.25 * 5.5 * math.ceil(len(shown) / lines) + 8)
            else:
                shown = self.put(row, col, text, "aip-header") or ""
                texts.append((shown, self.column_width(col) * 0.85))
        self.fit(row, texts)
        if span_last:
            self.merge(row, first + len(labels) - 1, self.width)
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
        texts = []
        last = first + len(values) - 1
        for offset, (value, style) in enumerate(zip(values, styles, strict=True)):
            col = first + offset
            shown = self.put(row, col, value, style)
            if shown and style in _WRAPPED:
                width = (self.column_width(col, self.width - col + 1) if span_last
                         and col == last else self.column_width(col))
                texts.append((shown, width * 0.85 if style == "aip-bold" else width))
        if span_last:
            self.merge(row, last, self.width)
        self.fit(row, texts)
        self.row += 1
        return row

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

    def sheet_data(self, style_id: Callable[[str], int]) -> tuple[str, str]:
        """The sheet's extent (``A1:P68``) and its ``sheetData`` element."""
        rows = sorted(self.cells.keys() | self.heights.keys() | {r for r, _ in self.touched})
        columns = {c for cells in self.cells.values() for c in cells}
        columns |= {c for _, c in self.touched}
        named = sorted(self.cells.keys() | {r for r, _ in self.touched})
        extent = (f"{_column(min(columns))}{named[0]}:{_column(max(columns))}{named[-1]}"
                  if named else "A1:A1")
        parts = ["<sheetData>"]
        for row in rows:
            height = self.heights.get(row)
            parts.append(f'<row r="{row}">' if height is None
                         else f'<row r="{row}" ht="{height:.16g}" customHeight="1">')
            cells = self.cells.get(row)
            if cells:
                for col in sorted(cells):
                    style, xml = cells[col]
                    parts.append(f'<c r="{_column(col)}{row}" s="{style_id(style)}"{xml}')
            parts.append("</row>")
        parts.append("</sheetData>")
        return extent, "".join(parts)


class _Book:
    """Builds the workbook of one evaluation in one language."""

    def __init__(self, evaluation: Evaluation, lang: Lang, robustness: Robustness | None,
                 generated: dt.date | None) -> None:
        self.ev, self.lang, self.rob, self.generated = evaluation, lang, robustness, generated
        self.bank = evaluation.questionnaire.bank
        self.questions: dict[str, Question] = {q.id: q for _, q in self.bank.questions()}
        self.criteria: dict[str, Criterion] = {c.id: c for c in self.bank.criteria}
        self.weighted = [c for c in self.bank.criteria
                         if evaluation.criterion_points.get(c.id, 0.0) > 0]
        self.order = _display_order(evaluation)
        self.scored = [v for v in self.order if v.status != "file-rejected"]
        self.close = _close_call_vendors(robustness)
        self.cuts = 0
        self._texts: dict[str, tuple[str, bool]] = {}
        self.lines: dict[tuple[str, int], int] = {}  # wrapped lines by (text, characters)
        self.styles: dict[str, StyleArray] = {}
        self.sheets: dict[str, _Sheet] = {}  # by sheet title
        self._style_ids: dict[str, int] = {}

    # text -----------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """``value`` cleaned and cut to fit a cell; cuts are counted for the notes."""
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = cell_text(value)
        self.cuts += found[1]
        return found[0]

    def style_id(self, name: str) -> int:
        """The number of the named style's cell format.

        Numbers are given as openpyxl gives them: in the order the cells are written.
        """
        found = self._style_ids.get(name)
        if found is None:
            # The workbook's list of cell formats, which openpyxl's Cell.style_id adds to.
            found = self._style_ids[name] = self.wb._cell_styles.add(  # type: ignore[attr-defined]
                self.styles[name])
        return found

    def t(self, key: str) -> str:
        """The label ``key`` in the workbook's language."""
        return _LABELS[key].get(self.lang)

    def tr(self, fr: str, en: str) -> str:
        """``fr`` or ``en``, by the workbook's language."""
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
        return "; ".join(flag_label(code, self.lang) for code in codes)

    # workbook -------------------------------------------------------------------------

    def build(self) -> Workbook:
        """Write every sheet and return the workbook."""
        from openpyxl import Workbook

        wb = Workbook()
        self.wb = wb
        self._styles()
        first = wb.active
        assert first is not None
        wb.remove(first)
        sheets = {key: wb.create_sheet(name.get(self.lang)) for key, name in SHEETS.items()
                  if key != "robustness" or self.rob is not None}
        # The Summary is written last: it reports what the other sheets had to cut.
        self._matrix(sheets["matrix"])
        self._detail(sheets["detail"])
        self._compliance(sheets["compliance"])
        self._price(sheets["price"])
        if self.rob is not None:
            self._robustness(sheets["robustness"], self.rob)
        self._evaluators(sheets["evaluators"])
        self._audit(sheets["audit"])
        self._summary(sheets["summary"])
        for ws in wb.worksheets:
            _a4_landscape(ws)
        wb.active = 0
        return wb

    def _styles(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        thin = Side(style="thin", color="BFBFBF")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(vertical="top", wrap_text=True)
        right = Alignment(vertical="top", horizontal="right")
        center = Alignment(vertical="top", horizontal="center")
        body = Font(name=_FONT, size=10)
        bold = Font(name=_FONT, size=10, bold=True)
        tag = _NUMBER_LOCALE[self.lang]

        def figure(fmt: str, font: Font = body) -> dict[str, object]:
            return {"font": font, "border": border, "alignment": right,
                    "number_format": tag + fmt}

        specs: dict[str, dict[str, object]] = {
            "aip-title": {"font": Font(name=_FONT, size=14, bold=True, color=_DARK)},
            "aip-section": {"font": Font(name=_FONT, size=11, bold=True, color=_DARK)},
            "aip-header": {"font": Font(name=_FONT, size=10, bold=True, color="FFFFFF"),
                           "fill": PatternFill("solid", fgColor=_DARK), "border": border,
                           "alignment": Alignment(vertical="center", wrap_text=True)},
            "aip-header-vertical": {
                "font": Font(name=_FONT, size=10, bold=True, color="FFFFFF"),
                "fill": PatternFill("solid", fgColor=_DARK), "border": border,
                "alignment": Alignment(horizontal="center", vertical="bottom",
                                       wrap_text=True, textRotation=90)},
            "aip-text": {"font": body, "border": border, "alignment": wrap},
            "aip-bold": {"font": bold, "border": border, "alignment": wrap},
            "aip-label": {"font": bold, "alignment": wrap},
            "aip-plain": {"font": body, "alignment": wrap},
            "aip-note": {"font": Font(name=_FONT, size=10, italic=True, color="595959"),
                         "alignment": Alignment(vertical="top")},
            "aip-raw": {"font": body, "alignment": Alignment(vertical="top",
                                                             horizontal="left")},
            "aip-value": {"font": body, "border": border,
                          "alignment": Alignment(vertical="top", horizontal="left")},
            "aip-integer": {"font": body, "border": border, "alignment": center,
                            "number_format": "0"},
            "aip-points": figure("0.00"),
            "aip-total": figure("0.00", bold),
            "aip-level": figure("0.0"),
            "aip-percent": figure("0%"),
            "aip-percent1": figure("0.0%"),
            "aip-money": figure(_MONEY[self.lang]),
            "aip-money-total": figure(_MONEY[self.lang], bold),
            "aip-money-plain": {"font": body, "number_format": tag + _MONEY[self.lang],
                                "alignment": Alignment(vertical="top", horizontal="left")},
        }
        for name, spec in specs.items():
            style = NamedStyle(name=name, **spec)  # type: ignore[arg-type]
            self.wb.add_named_style(style)
            self.styles[name] = style.as_tuple()

    # Summary --------------------------------------------------------------------------

    def _summary(self, ws: Worksheet) -> None:
        ev, lang = self.ev, self.lang
        n = len(self.weighted)
        sheet = _Sheet(self, ws, [5, 16, 14, 8, *([7.5] * n), 30])
        consultation = ev.questionnaire.consultation
        sheet.title(f"{self.t('title')} — {consultation.reference}")
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
        ws.freeze_panes = sheet.coordinate(table.first, 3)
        ws.print_title_rows = f"{table.header}:{table.header}"
        if table.last >= table.first:
            from openpyxl.utils import get_column_letter

            ws.auto_filter.ref = f"A{table.header}:{get_column_letter(len(labels))}{table.last}"
        if self.rob is not None:
            sheet.section(self.t("findings"))
            for sentence in self.rob.sentences(lang):
                sheet.paragraph("• " + sentence)
        sheet.section(self.t("notes"))
        for note in self._notes():
            sheet.paragraph("• " + note)

    def _criterion_header(self, criterion: Criterion) -> str:
        points = _points_label(self.ev.criterion_points[criterion.id], self.lang)
        return f"{criterion.title.get(self.lang)} (/\u00a0{points})"

    def _method_line(self) -> str:
        ev = self.ev
        total = _points_label(ev.settings.total_points, self.lang)
        method = PRICE_METHOD_NAMES[ev.settings.price_method].get(self.lang)
        fingerprint = ev.questionnaire.fingerprint[:16]
        text = self.tr(
            f"Notes sur {total} points ; prix noté par la méthode {method}. Questionnaire "
            f"{self.bank.id} {self.bank.version}, empreinte {fingerprint}… (onglet Audit).",
            f"Scores out of {total} points; price scored by the {method} method. "
            f"Questionnaire {self.bank.id} {self.bank.version}, fingerprint {fingerprint}… "
            "(Audit sheet).")
        if ev.price is None:
            text += self.tr(" Aucun prix n'a été noté.", " No price was scored.")
        return text

    def _notes(self) -> list[str]:
        ev = self.ev
        tr = self.tr
        notes: list[str] = []
        counts = {status: sum(v.status == status for v in ev.vendors)
                  for status in ("ranked", "non-compliant", "file-rejected")}
        notes.append(tr(
            f"{len(ev.vendors)} offre(s) reçue(s) : {counts['ranked']} classée(s), "
            f"{counts['non-compliant']} irrégulière(s), {counts['file-rejected']} fichier(s) "
            "irrecevable(s). Une offre irrégulière (exigence éliminatoire non satisfaite) est "
            "écartée avant le classement ; ses points sont donnés pour information (onglet "
            "Conformité).",
            f"{len(ev.vendors)} offer(s) received: {counts['ranked']} ranked, "
            f"{counts['non-compliant']} non-compliant, {counts['file-rejected']} file(s) "
            "rejected. A non-compliant offer (a mandatory requirement failed) is set aside "
            "before the ranking; its points are shown for information (Compliance sheet)."))
        ranks = [v.rank for v in ev.ranking]
        ties = sorted({r for r in ranks if ranks.count(r) > 1 and r is not None})
        if ties:
            listed = ", ".join(map(str, ties))
            notes.append(tr(f"Égalité au(x) rang(s) {listed} : écart inférieur à la tolérance "
                            "d'égalité (onglet Audit).",
                            f"Tie at rank(s) {listed}: gap below the tie tolerance (Audit "
                            "sheet)."))
        if ev.low_offers is not None and ev.low_offers.flagged:
            names = ", ".join(isolate_bidi(v) for v in ev.low_offers.flagged)
            notes.append(tr(
                f"Prix anormalement bas présumé : {names}. C'est un signalement, pas une "
                "exclusion : demander par écrit au candidat de justifier son prix (onglet "
                "Prix).",
                f"Presumed abnormally low price: {names}. This is a flag, not an exclusion: "
                "ask the vendor in writing to justify its price (Price sheet)."))
        if ev.divergences:
            notes.append(tr(
                f"{len(ev.divergences)} réponse(s) notée(s) de façon divergente par les "
                "évaluateurs (onglet Évaluateurs).",
                f"{len(ev.divergences)} answer(s) scored divergently by the evaluators "
                "(Evaluators sheet)."))
        if ev.pending_reviews:
            notes.append(tr(
                f"{len(ev.pending_reviews)} réponse(s) attendent la note des évaluateurs : "
                "elles comptent 0 point et le classement est provisoire.",
                f"{len(ev.pending_reviews)} answer(s) await the evaluators' score: they count "
                "0 points and the ranking is provisional."))
        if self.cuts:
            notes.append(tr(
                f"{self.cuts} texte(s) trop long(s) pour une cellule Excel (32 767 caractères) "
                "ont été coupés, signalés par « […] » : les textes complets sont dans les "
                "fichiers des candidats (onglet Audit).",
                f"{self.cuts} text(s) too long for an Excel cell (32,767 characters) were "
                "cut, marked with \"[…]\": the full texts are in the vendors' files (Audit "
                "sheet)."))
        notes.append(tr(
            "Les textes des candidats sont reproduits comme du texte : aucune formule qu'ils "
            "contiendraient n'est exécutée.",
            "The vendors' texts are reproduced as text: no formula in them runs."))
        return notes

    # Matrix ---------------------------------------------------------------------------

    def _matrix(self, ws: Worksheet) -> None:
        from openpyxl.formatting.rule import ColorScaleRule
        from openpyxl.utils import get_column_letter

        ev, lang = self.ev, self.lang
        n = len(self.weighted)
        sheet = _Sheet(self, ws, [18, 14, *([7.5] * n), 8])
        sheet.title(self.tr("Matrice des notes : offres × critères",
                            "Score matrix: offers × criteria"))
        sheet.paragraph(self.tr(
            "Points obtenus sur chaque critère, puis part des points du critère (de 0 %, en "
            "rouge, à 100 %, en vert). Les offres irrégulières suivent les offres classées, "
            "pour information ; les graphiques ne montrent que les offres classées.",
            "Points earned on each criterion, then the share of the criterion's points "
            "(from 0%, red, to 100%, green). Non-compliant offers follow the ranked ones, "
            "for information; the charts show the ranked offers only."))
        sheet.section(self.tr("Points obtenus", "Points earned"))
        labels = [self.t("vendor"), self.t("status"),
                  *(self._criterion_header(c) for c in self.weighted),
                  f"{self.t('total')} (/\u00a0{_points_label(ev.settings.total_points, lang)})"]
        points = sheet.table(labels, (
            [v.vendor, STATUSES[v.status].get(lang),
             *(v.criteria.get(c.id, 0.0) for c in self.weighted), v.total]
            for v in self.scored), ["aip-bold", "aip-text", *(["aip-points"] * n), "aip-total"],
            vertical=range(2, 2 + n))
        sheet.section(self.tr("Part des points de chaque critère",
                              "Share of each criterion's points"))
        share_labels = [self.t("vendor"), self.t("status"),
                        *(c.title.get(lang) for c in self.weighted), self.t("total")]
        shares = sheet.table(share_labels, (
            [v.vendor, STATUSES[v.status].get(lang),
             *(v.criteria.get(c.id, 0.0) / ev.criterion_points[c.id] for c in self.weighted),
             v.total / ev.settings.total_points]
            for v in self.scored), ["aip-bold", "aip-text", *(["aip-percent"] * (n + 1))],
            vertical=range(2, 2 + n))
        ws.freeze_panes = sheet.coordinate(points.first, 2)
        if points.last < points.first:
            return
        ws.auto_filter.ref = f"A{points.header}:{get_column_letter(n + 3)}{points.last}"
        ws.conditional_formatting.add(
            f"C{shares.first}:{get_column_letter(n + 2)}{shares.last}",
            ColorScaleRule(  # type: ignore[no-untyped-call]
                start_type="num", start_value=0, start_color="F8696B",
                mid_type="num", mid_value=0.5, mid_color="FFEB84",
                end_type="num", end_value=1, end_color="63BE7B"))
        ranked = sum(v.status == "ranked" for v in self.scored)
        if ranked and n:
            self._charts(ws, points, shares, ranked, n, anchor=sheet.row + 2)

    def _charts(self, ws: Worksheet, points: _Table, shares: _Table, ranked: int, n: int, *,
                anchor: int) -> None:
        from openpyxl.chart import BarChart, RadarChart, Reference, Series
        from openpyxl.chart.data_source import StrRef
        from openpyxl.chart.series import SeriesLabel
        from openpyxl.utils import get_column_letter

        sheet_ref = "'" + ws.title.replace("'", "''") + "'"
        bars = BarChart()
        bars.type = "bar"
        bars.grouping = "stacked"
        bars.overlap = 100
        bars.gapWidth = 60
        bars.title = self.tr("Points par critère (offres classées)",
                             "Points by criterion (ranked offers)")
        last = points.first + ranked - 1
        for offset in range(n):
            col = 3 + offset
            series = Series(Reference(ws, min_col=col, min_row=points.first, max_row=last))
            # Named after the plain criterion title (the header of the shares table).
            series.tx = SeriesLabel(strRef=StrRef(
                f"{sheet_ref}!${get_column_letter(col)}${shares.header}"))
            bars.series.append(series)
        bars.set_categories(Reference(ws, min_col=1, min_row=points.first, max_row=last))
        bars.x_axis.scaling.orientation = "maxMin"  # the best offer on top
        bars.x_axis.delete = False
        bars.y_axis.delete = False
        bars.y_axis.scaling.min = 0
        bars.y_axis.scaling.max = self.ev.settings.total_points
        bars.y_axis.numFmt = "0"
        bars.y_axis.title = self.t("points")
        if bars.legend is not None:
            bars.legend.position = "b"
        bars.width = 25
        bars.height = max(8.0, 0.9 * ranked + 6)
        from openpyxl.worksheet.pagebreak import Break

        ws.row_breaks.append(Break(id=anchor - 1))  # each chart on a page of its own
        ws.add_chart(bars, f"A{anchor}")

        radar = RadarChart()
        radar.type = "marker"
        shown = min(ranked, _MAX_PROFILE_OFFERS)
        radar.title = (self.tr("Profil des offres : part des points de chaque critère",
                               "Offer profiles: share of each criterion's points")
                       if shown == ranked else
                       self.tr(f"Profil des {shown} premières offres : part des points de "
                               "chaque critère",
                               f"Profile of the {shown} best offers: share of each "
                               "criterion's points"))
        for row in range(shares.first, shares.first + shown):
            series = Series(Reference(ws, min_col=3, max_col=n + 2, min_row=row, max_row=row))
            series.tx = SeriesLabel(strRef=StrRef(f"{sheet_ref}!$A${row}"))
            radar.series.append(series)
        radar.set_categories(Reference(ws, min_col=3, max_col=n + 2, min_row=shares.header,
                                       max_row=shares.header))
        radar.y_axis.scaling.min = 0
        radar.y_axis.scaling.max = 1
        radar.y_axis.majorUnit = 0.25
        radar.y_axis.numFmt = "0%"
        radar.y_axis.delete = False
        radar.x_axis.delete = False
        if radar.legend is not None:
            radar.legend.position = "r"
        radar.width = 25
        radar.height = 13
        # A row is about 0.5 cm high: place the radar under the bars.
        below = anchor + math.ceil(bars.height / 0.5) + 2
        ws.row_breaks.append(Break(id=below - 1))
        ws.add_chart(radar, f"A{below}")

    # Detail ---------------------------------------------------------------------------

    def _detail(self, ws: Worksheet) -> None:
        from openpyxl.utils import get_column_letter

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
        for line in self._ordered_lines():
            question = self.questions[line.question_id]
            sheet.line([
                line.vendor, names.get(line.criterion_id, line.criterion_id), line.question_id,
                texts[line.question_id], states[line.state.value],
                _answer(question, line, lang), line.justification, line.evidence,
                line.rule.get(lang), line.fraction, line.weight, line.points, line.max_points,
                sources[line.source], "; ".join(flag_label(f, lang) for f in line.flags)],
                styles)
        last = max(sheet.row - 1, header)
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A{header}:{get_column_letter(len(labels))}{last}"
        ws.print_title_rows = f"{header}:{header}"

    def _ordered_lines(self) -> list[ScoreLine]:
        position = {v.vendor: i for i, v in enumerate(self.order)}
        return sorted(self.ev.lines, key=lambda line: position.get(line.vendor, len(position)))

    # Compliance -----------------------------------------------------------------------

    def _compliance(self, ws: Worksheet) -> None:
        lang = self.lang
        sheet = _Sheet(self, ws, [18, 16, 44, 24, 28, 44])
        sheet.title(self.tr("Conformité des offres", "Compliance of the offers"))
        sheet.paragraph(self.tr(
            "Une offre qui ne satisfait pas une exigence éliminatoire publiée est irrégulière "
            "et écartée avant le classement, avec ses motifs ; ce n'est pas une note de zéro. "
            "Un fichier illisible ou altéré est écarté sans être noté.",
            "An offer failing a published mandatory requirement is non-compliant and set "
            "aside before the ranking, with its reasons; it is not a score of zero. An "
            "unreadable or altered file is set aside without being scored."))
        sheet.section(self.tr("Exigences éliminatoires non satisfaites",
                              "Mandatory requirements failed"))
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
            empty=self.tr("Aucune offre n'échoue à une exigence éliminatoire.",
                          "No offer fails a mandatory requirement."))
        sheet.section(self.tr("Fichiers irrecevables", "Files rejected"))
        files = {i.vendor: i.file for i in self.ev.inputs}
        sheet.table([self.t("vendor"), self.t("file"), self.t("reason")],
                    ([v.vendor, files.get(v.vendor, ""), error.get(lang)]
                     for v in self.order for error in v.file_errors),
                    ["aip-bold", "aip-text", "aip-text"], span_last=True,
                    empty=self.tr("Aucun fichier écarté.", "No file rejected."))

    # Price ----------------------------------------------------------------------------

    def _price(self, ws: Worksheet) -> None:
        ev, lang = self.ev, self.lang
        sheet = _Sheet(self, ws, [18, 22, 16, 11, 48, 30])
        sheet.title(self.tr("Prix", "Price"))
        price = ev.price
        priced = [v for v in self.order if v.price is not None]
        if price is None and not priced:
            sheet.paragraph(self.tr(
                "Aucun prix n'a été noté (pas de critère prix, ou aucune offre classée n'a de "
                "prix).", "No price was scored (no price criterion, or no ranked offer has a "
                "price)."))
            return
        if price is not None:
            sheet.pairs([
                (self.t("method"), PRICE_METHOD_NAMES[price.method].get(lang)),
                (self.tr("Formule", "Formula"), price.formula.get(lang)),
                *([(self.tr("Cas particulier", "Special case"), price.special_case.get(lang))]
                  if price.special_case is not None else []),
                (self.tr("Points du prix", "Price points"), price.max_points, "aip-raw"),
                (self.tr("Prix le plus bas", "Lowest price"), price.pmin, "aip-money-plain"),
                (self.tr("Prix le plus élevé", "Highest price"), price.pmax,
                 "aip-money-plain"),
                (self.tr("Prix moyen", "Mean price"), price.mean, "aip-money-plain"),
            ])
            sheet.paragraph(self.tr(
                "Seules les offres régulières sont notées sur le prix : les prix le plus bas "
                "et le plus élevé sont ceux de ces offres.",
                "Only compliant offers are scored on price: the lowest and highest prices "
                "are theirs."), style="aip-note")
        sheet.section(self.tr("Notes de prix", "Price points"))
        low = ev.low_offers
        rows = []
        for vendor in priced:
            scored = price is not None and vendor.vendor in price.points
            explained = (price.explain(vendor.vendor).get(lang) if price is not None and scored
                         else self.tr("non noté : offre non classée",
                                      "not scored: offer not ranked"))
            flagged = low is not None and vendor.vendor in low.flagged
            rows.append([vendor.vendor, STATUSES[vendor.status].get(lang), vendor.price,
                         price.points[vendor.vendor] if price is not None and scored else None,
                         explained, flag_label("abnormally-low", lang) if flagged else ""])
        sheet.table(
            [self.t("vendor"), self.t("status"),
             self.tr("Coût complet (€)", "Total cost (€)"), self.t("points"),
             self.t("computation"), self.tr("Prix anormalement bas", "Abnormally low price")],
            rows, ["aip-bold", "aip-text", "aip-money", "aip-points", "aip-text", "aip-text"])
        if low is not None:
            sheet.section(self.tr("Offres anormalement basses : signalement, jamais exclusion",
                                  "Abnormally low offers: a flag, never an exclusion"))
            pairs: list[tuple[str, object] | tuple[str, object, str]] = [
                (self.t("method"), LOW_OFFER_METHOD_NAMES[low.method].get(lang))]
            pairs += [(LOW_OFFER_PARAMETER_LABELS[name].get(lang)
                       if name in LOW_OFFER_PARAMETER_LABELS else name, value, "aip-raw")
                      for name, value in sorted(low.parameters.items())]
            pairs.append((self.t("computation"), low.summary.get(lang)))
            if low.threshold is not None:
                pairs.append((self.tr("Seuil", "Threshold"), low.threshold, "aip-money-plain"))
            pairs += [(vendor, low.explanations[vendor].get(lang)) for vendor in low.flagged]
            sheet.pairs(pairs)
        self._costs(sheet)

    def _costs(self, sheet: _Sheet) -> None:
        lang = self.lang
        costed = [v for v in self.order if v.cost is not None]
        if not costed:
            return
        sheet.section(self.tr("Coût complet de possession", "Total cost of ownership"))
        question = next((q for c in self.bank.criteria if c.is_price for q in c.questions
                         if isinstance(q.answer, Price)), None)
        items = ({i.id: i.label.get(lang) for i in question.answer.items}
                 if question is not None and isinstance(question.answer, Price) else {})
        sheet.header([self.t("vendor"), self.tr("Poste", "Item"),
                      self.tr("Montant (€)", "Amount (€)"), self.tr("Récurrence", "Recurrence"),
                      self.tr("Total sur la durée (€)", "Total over the contract (€)"),
                      self.t("computation")])
        for vendor in costed:
            cost = vendor.cost
            assert cost is not None
            for line in cost.lines:
                sheet.line([vendor.vendor, items.get(line.item, line.item), line.amount,
                            RECURRENCES[line.recurrence.value].get(lang), line.total, ""],
                           ["aip-bold", "aip-text", "aip-money", "aip-text", "aip-money",
                            "aip-text"])
            total = self.tr(f"Total ({cost.years} ans)", f"Total ({cost.years} years)")
            sheet.line([vendor.vendor, total, None, "", cost.total, cost.explain().get(lang)],
                       ["aip-bold", "aip-bold", "aip-money", "aip-text", "aip-money-total",
                        "aip-text"])

    # Robustness -----------------------------------------------------------------------

    def _robustness(self, ws: Worksheet, rob: Robustness) -> None:
        from ai_procurement.decision import robustness_math as rm

        lang = self.lang
        vendors = list(rob.vendors)
        criteria = list(rob.criteria)
        columns = max(len(vendors), len(criteria), 6)
        sheet = _Sheet(self, ws, [24, *([9] * (columns + 1))])
        sheet.title(self.tr("Robustesse du classement", "How robust the ranking is"))
        for sentence in rob.sentences(lang):
            sheet.paragraph("• " + sentence)
        sheet.section(self.tr("Paramètres", "Parameters"))
        sheet.pairs([(ROBUSTNESS_PARAMETER_LABELS[k].get(lang)
                      if k in ROBUSTNESS_PARAMETER_LABELS else str(k), _plain(v), "aip-raw")
                     for k, v in rob.parameters.items()])
        band = rob.acceptability_band
        if isinstance(band, rm.SMAAResult):
            share = percent(band.band or 0.0, lang)
            self._acceptability(sheet, band, vendors, self.tr(
                f"Probabilité de chaque rang quand les poids varient de ±{share}",
                f"Chance of each rank when the weights vary within ±{share}"))
            sheet.section(self.tr(
                "Poids centraux : poids moyens des tirages où l'offre est première",
                "Central weights: mean weights of the draws where the offer comes first"))
            rows: list[list[object]] = []
            for i, vendor in enumerate(vendors):
                central = band.central_weights[i]
                rows.append([vendor, float(band.acceptability[i, 0]),
                             *(central if central is not None else [None] * len(criteria))])
            sheet.table([self.t("vendor"), self.tr("Première (part des tirages)",
                                                   "First (share of draws)"),
                         *(self.criterion_name(c) for c in criteria)], rows,
                        ["aip-bold", "aip-percent", *(["aip-percent1"] * len(criteria))],
                        vertical=range(2, 2 + len(criteria)))
            sheet.put(sheet.row, 1, self.tr(
                "Sans poids : l'offre n'est jamais première dans les tirages.",
                "No weights: the offer never comes first in the draws."), "aip-note")
            sheet.row += 1
        simplex = rob.acceptability_simplex
        if isinstance(simplex, rm.SMAAResult):
            self._acceptability(sheet, simplex, vendors, self.tr(
                "Probabilité de chaque rang pour des poids quelconques (tous les jeux de "
                "poids également probables)",
                "Chance of each rank for any weights (every set of weights equally likely)"))
        if isinstance(rob.tipping, rm.TippingPoints):
            self._tipping(sheet, rob.tipping, vendors, criteria)
        if rob.price_methods:
            sheet.section(self.tr("Classement selon la méthode de notation du prix",
                                  "Ranking by price scoring method"))
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
            sheet.section(self.tr("Gagnant sans les notes de chaque évaluateur",
                                  "Winner without each evaluator's scores"))
            sheet.table([self.tr("Évaluateur écarté", "Evaluator left out"),
                         self.tr("Première(s)", "First")],
                        ([e, ", ".join(w)] for e, w in rob.without_evaluator.items()),
                        ["aip-bold", "aip-text"])

    def _acceptability(self, sheet: _Sheet, result: object, vendors: list[str],
                       title: str) -> None:
        from openpyxl.formatting.rule import ColorScaleRule
        from openpyxl.utils import get_column_letter

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
            f"{result.samples} tirages, graine {result.seed} ; chaque ligne totalise 100 %.",
            f"{result.samples} draws, seed {result.seed}; each row adds up to 100%."),
            "aip-note")
        sheet.row += 1
        sheet.ws.conditional_formatting.add(
            f"B{table.first}:{get_column_letter(n + 1)}{table.last}",
            ColorScaleRule(  # type: ignore[no-untyped-call]
                start_type="num", start_value=0, start_color="FFFFFF",
                end_type="num", end_value=1, end_color="5B9BD5"))

    def _tipping(self, sheet: _Sheet, tipping: object, vendors: list[str],
                 criteria: list[str]) -> None:
        from ai_procurement.decision import robustness_math as rm

        assert isinstance(tipping, rm.TippingPoints)
        winner = vendors[tipping.winner]
        sheet.section(self.tr(
            f"Points de bascule : poids d'un critère à partir duquel une autre offre passe "
            f"devant {winner} (les autres poids ajustés en proportion)",
            f"Tipping points: the weight of one criterion from which another offer overtakes "
            f"{winner} (the other weights rescaled in proportion)"))
        none = self.t("none")
        rows: list[list[object]] = []
        for point in tipping.criteria:
            row: list[object] = [self.criterion_name(criteria[point.criterion]), point.weight]
            for shift in (point.up, point.down):
                row += ([none, none] if shift is None
                        else [shift.new_weight, vendors[shift.overtaken_by]])
            rows.append(row)
        sheet.table([self.t("criterion"), self.tr("Poids publié", "Published weight"),
                     self.tr("Hausse : nouveau poids", "Up: new weight"),
                     self.tr("Hausse : passe devant", "Up: overtaken by"),
                     self.tr("Baisse : nouveau poids", "Down: new weight"),
                     self.tr("Baisse : passe devant", "Down: overtaken by")],
                    rows, ["aip-text", "aip-percent1", "aip-percent1", "aip-text",
                           "aip-percent1", "aip-text"])

    def _leave_one_out(self, sheet: _Sheet, loo: object, vendors: list[str]) -> None:
        from ai_procurement.decision import robustness_math as rm

        assert isinstance(loo, rm.LeaveOneOut)
        sheet.section(self.tr("Retrait d'une offre : paires dont l'ordre change",
                              "One offer removed: pairs whose order changes"))
        relations = {"above": self.tr("devant", "ahead"), "below": self.tr("derrière", "behind"),
                     "tied": self.tr("à égalité", "tied")}
        sheet.table([self.tr("Offre retirée", "Offer removed"), self.tr("Offre A", "Offer A"),
                     self.tr("Offre B", "Offer B"), self.tr("A avant le retrait", "A before"),
                     self.tr("A après le retrait", "A after")],
                    ([vendors[c.removed], vendors[c.a], vendors[c.b], relations[c.before],
                      relations[c.after]] for c in loo.changes),
                    ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-text"],
                    empty=self.tr("Retirer une offre ne change l'ordre d'aucune autre paire.",
                                  "Removing one offer changes the order of no other pair."))

    # Evaluators -----------------------------------------------------------------------

    def _evaluators(self, ws: Worksheet) -> None:
        ev, lang = self.ev, self.lang
        evaluators = sorted({s.evaluator for s in ev.evaluator_scores})
        k = len(evaluators)
        sheet = _Sheet(self, ws, [16, 9, 38, *([8] * k), 8, 11, 8, 48])
        sheet.title(self.tr("Notes des évaluateurs", "Evaluators' scores"))
        threshold = percent(ev.settings.divergence_threshold, lang)
        sheet.paragraph(self.tr(
            "Chaque évaluateur note les réponses rédigées ; la note retenue est la "
            f"{'médiane' if ev.settings.consensus == 'median' else 'moyenne'} de leurs "
            "niveaux, ou le niveau convenu en réunion de consensus. Une divergence est "
            f"signalée au-delà de {threshold} de l'échelle.",
            "Each evaluator scores the written answers; the score kept is the "
            f"{ev.settings.consensus} of their levels, or the level agreed in a consensus "
            f"meeting. A divergence is flagged beyond {threshold} of the scale."))
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
        sheet.section(self.tr("Notes individuelles et note retenue",
                              "Individual scores and score kept"))
        table = sheet.table(
            [self.t("vendor"), self.t("question"), self.t("question_text"), *evaluators,
             self.tr("Niveau retenu", "Level kept"), self.t("source"), self.t("points"),
             self.tr("Justifications", "Justifications")], rows,
            ["aip-bold", "aip-text", "aip-text", *(["aip-integer"] * k), "aip-level",
             "aip-text", "aip-points", "aip-text"],
            empty=self.tr("Aucune note d'évaluateur.", "No evaluator score."))
        if table.last >= table.first:
            ws.freeze_panes = sheet.coordinate(table.first, 3)
        sheet.section(self.tr("Divergences entre évaluateurs", "Evaluator divergences"))
        sheet.table([self.t("vendor"), self.t("question"), self.t("question_text"),
                     self.tr("Niveaux", "Levels"), self.tr("Écart (part de l'échelle)",
                                                           "Spread (share of the scale)")],
                    ([d.vendor, d.question_id,
                      self.questions[d.question_id].text.get(lang)
                      if d.question_id in self.questions else "",
                      "; ".join(f"{e} {lv}" for e, lv in sorted(d.levels.items())), d.spread]
                     for d in ev.divergences),
                    ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-percent"],
                    empty=self.tr("Aucune divergence.", "No divergence."))
        sheet.section(self.tr("Corrections motivées", "Reasoned overrides"))
        sheet.table([self.t("vendor"), self.t("question"),
                     self.tr("Niveau ou part retenu", "Level or share set"),
                     self.tr("Par", "By"), self.t("reason")],
                    ([o.vendor, o.question_id,
                      str(o.level) if o.level is not None else percent(o.fraction or 0.0, lang),
                      o.by, o.rationale] for o in ev.overrides),
                    ["aip-bold", "aip-text", "aip-text", "aip-text", "aip-text"],
                    empty=self.tr("Aucune correction.", "No override."))
        if ev.pending_reviews:
            sheet.section(self.tr("Réponses en attente d'évaluation",
                                  "Answers awaiting review"))
            sheet.table([self.t("vendor"), self.t("question")],
                        ([vendor, question] for vendor, question in ev.pending_reviews),
                        ["aip-bold", "aip-text"])

    # Audit ----------------------------------------------------------------------------

    def _audit(self, ws: Worksheet) -> None:
        ev, lang = self.ev, self.lang
        sheet = _Sheet(self, ws, [34, 30, 12, 12, 54])
        sheet.title(self.tr("Audit : de quoi refaire chaque calcul",
                            "Audit: what is needed to redo every computation"))
        consultation = ev.questionnaire.consultation
        sheet.section(self.tr("Consultation", "Consultation"))
        sheet.pairs([
            (self.tr("Référence", "Reference"), consultation.reference),
            (self.tr("Objet", "Subject"), consultation.title),
            (self.t("buyer"), consultation.buyer),
            (self.tr("Contact", "Contact"), consultation.contact),
            (self.tr("Date limite de réponse", "Answer deadline"),
             consultation.deadline.isoformat() if consultation.deadline else "—"),
        ])
        sheet.section(self.tr("Questionnaire publié", "Published questionnaire"))
        weighting = dict(ev.questionnaire.weighting)
        sheet.pairs([
            (self.tr("Banque de questions", "Question bank"), self.bank.id),
            (self.tr("Version de la banque", "Bank version"), self.bank.version),
            (self.tr("Empreinte du questionnaire (SHA-256)",
                     "Questionnaire fingerprint (SHA-256)"), ev.questionnaire.fingerprint),
            (self.tr("Méthode de pondération", "Weighting method"),
             str(weighting.get("method", ""))),
            (self.tr("Paramètres de pondération", "Weighting parameters"),
             json.dumps(weighting.get("parameters", {}), sort_keys=True, ensure_ascii=False,
                        default=str)),
        ])
        sheet.section(self.tr("Poids publiés", "Published weights"))
        sheet.table([self.t("criterion"), self.tr("Intitulé", "Title"),
                     self.tr("Part", "Share"), self.t("points")],
                    ([c.id, c.title.get(lang), ev.questionnaire.weights[c.id],
                      ev.criterion_points.get(c.id, 0.0)] for c in self.bank.criteria),
                    ["aip-text", "aip-text", "aip-percent1", "aip-points"])
        sheet.section(self.tr("Paramètres de l'évaluation", "Evaluation settings"))
        sheet.table([self.t("setting"), self.t("name"), self.t("value")],
                    ([SETTING_LABELS[f.name].get(lang) if f.name in SETTING_LABELS else f.name,
                      f.name, _plain(getattr(ev.settings, f.name))]
                     for f in attrs.fields(Settings)),
                    ["aip-text", "aip-text", "aip-value"], span_last=True)
        if self.rob is not None:
            sheet.section(self.tr("Paramètres de l'analyse de robustesse",
                                  "Robustness analysis parameters"))
            sheet.table([self.t("setting"), self.t("name"), self.t("value")],
                        ([ROBUSTNESS_PARAMETER_LABELS[k].get(lang)
                          if k in ROBUSTNESS_PARAMETER_LABELS else k, k, _plain(v)]
                         for k, v in self.rob.parameters.items()),
                        ["aip-text", "aip-text", "aip-value"], span_last=True)
        sheet.section(self.tr("Fichiers des candidats (les textes complets y figurent)",
                              "Vendors' files (they hold the full texts)"))
        sheet.table([self.t("vendor"), self.t("file"), "SHA-256"],
                    ([i.vendor, i.file, i.sha256] for i in ev.inputs),
                    ["aip-bold", "aip-text", "aip-text"], span_last=True,
                    empty=self.tr("Aucun fichier enregistré.", "No file recorded."))
        from ai_procurement import __version__

        sheet.section(self.tr("Édition", "Edition"))
        edition: list[tuple[str, object]] = [
            (self.tr("Version d'ai_procurement", "ai_procurement version"), __version__)]
        if self.generated is not None:
            edition.append((self.tr("Date d'édition", "Issued on"),
                            self.generated.isoformat()))
        sheet.pairs(edition)


# -- saving -----------------------------------------------------------------------------------

def _save(book: _Book) -> bytes:
    """The workbook's bytes: openpyxl's package with each sheet's cells written in.

    The cells are rendered first, sheet by sheet, so the styles they use are numbered
    before openpyxl writes the style sheet. The zip is written once, with fixed member
    timestamps, so the same inputs give the same bytes.
    """
    from openpyxl.writer.excel import ExcelWriter

    parts: dict[str, tuple[bytes, bytes]] = {}
    for index, ws in enumerate(book.wb.worksheets, start=1):
        sheet = book.sheets.get(ws.title)
        if sheet is not None:
            extent, data = sheet.sheet_data(book.style_id)
            parts[f"xl/worksheets/sheet{index}.xml"] = (
                f'<dimension ref="{extent}"/>'.encode(), data.encode("utf-8"))
    # openpyxl's archive is only read back here: it is stored, not compressed.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(book.wb, archive).save()
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            part = parts.pop(info.filename, None)
            if part is not None:
                content = _fill_sheet(content, *part, name=info.filename)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    if parts:
        raise OutputError(f"openpyxl did not write the sheets {sorted(parts)}; check the "
                          "openpyxl version against ai_procurement's")
    return out.getvalue()


def _fill_sheet(xml: bytes, dimension: bytes, data: bytes, *, name: str) -> bytes:
    """Put a sheet's extent and cells into the sheet openpyxl wrote without cells."""
    empty_dimension, empty_data = b'<dimension ref="A1:A1"/>', b"<sheetData></sheetData>"
    if xml.count(empty_dimension) != 1 or xml.count(empty_data) != 1:
        raise OutputError(f"{name}: openpyxl wrote the sheet in an unexpected form; check "
                          "the openpyxl version against ai_procurement's")
    return xml.replace(empty_dimension, dimension, 1).replace(empty_data, data, 1)


def _inline_string(text: str) -> str:
    """The rest of a ``c`` element holding ``text`` as an inline string."""
    if not text:
        return ' t="inlineStr"/>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{xml_escape(text)}</t></is></c>'


@functools.cache
def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


# -- helpers ----------------------------------------------------------------------------------

def _a4_landscape(ws: Worksheet) -> None:
    """Print set-up: A4 landscape, one page wide, sheet name and page numbers in the footer."""
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


def _plain(value: object) -> object:
    """A parameter value as a cell shows it exactly: numbers stay numbers."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Mapping):
        return json.dumps(dict(value), sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


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
