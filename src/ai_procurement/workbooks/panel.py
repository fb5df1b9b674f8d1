"""Weighting workbooks: where each participant of a panel gives their judgments.

Before publishing the weights, a buyer can ask several people (elected members,
departments, a staff panel drawn by lot, a citizens' panel) how much each criterion
matters. :func:`write_panel` writes one workbook per participant, in one of two modes
chosen by the buyer:

- ``"pairwise"``: one row per pair of criteria, with a drop-down on Saaty's 1-9 scale
  ("left criterion: 5, strongly more important" ... "equally important" ... "right
  criterion: 5...");
- ``"points"``: one row per criterion, where the participant allocates points (100 in
  all, by default).

Participants are not trusted more than vendors: the workbook carries a hidden identity
sheet (participant, group, mode, criteria) signed with the buyer's key over the rows it
shows, and :func:`read_panel` reads it back behind the same guards as a vendor's file
(:class:`~ai_procurement.workbooks.response.SignedWorkbookReader`: zip and XML guards,
bounded cell reader). Edited criteria, deleted rows, formulas, another participant's
file or a file signed with another key are reported, never silently used; the reader
never raises because of what is in a file. The judgments read feed
:func:`ai_procurement.decision.panel.aggregate_panel`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import os
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from ai_procurement._office.xlsx import Cell, XlsxBook
from ai_procurement.answers import Report
from ai_procurement.decision.panel import Participant
from ai_procurement.errors import QuestionnaireError
from ai_procurement.text import LANGUAGES, Lang, Text, msg
from ai_procurement.workbooks import form
from ai_procurement.workbooks.response import SignedWorkbookReader

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["PANEL_MODES", "PanelMode", "PanelReading", "read_panel", "saaty_labels",
           "write_panel"]

PanelMode: TypeAlias = Literal["pairwise", "points"]
PANEL_MODES: tuple[PanelMode, ...] = ("pairwise", "points")

KIND = "panel"
FORMAT = "1"
SHEET: dict[Lang, str] = {"fr": "Pondération", "en": "Weighting"}
HEADER_ROW, FIRST_ROW = 4, 5
COL_LEFT, COL_INPUT, COL_RIGHT, COL_COMMENT, COL_KEY = "A", "B", "C", "D", "E"
ROW_SLACK = 200


_ADVERBS = {
    2: msg("slightly"), 3: msg("moderately"),
    4: msg("moderately to strongly"), 5: msg("strongly"),
    6: msg("strongly to very strongly"),
    7: msg("very strongly"),
    8: msg("very strongly to extremely"),
    9: msg("extremely"),
}
_FIELDS = ("kind", "format", "lang", "participant", "group", "mode", "criteria", "total")


def saaty_labels(lang: Lang) -> list[tuple[str, float]]:
    """The drop-down labels of a pairwise row and the judgment each stands for.

    ``value`` is how many times the left criterion is as important as the right one
    (Saaty's scale: 1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme, even
    numbers in between; the right-hand side gives the reciprocal).
    """
    left = msg("Left").get(lang)
    right = msg("Right").get(lang)
    more = msg("more important").get(lang)
    labels = [(f"{left} {v} : {_ADVERBS[v].get(lang)} {more}" if lang == "fr" else
               f"{left} {v}: {_ADVERBS[v].get(lang)} {more}", float(v)) for v in range(9, 1, -1)]
    labels.append((msg("1: equally important").get(lang), 1.0))
    labels += [(f"{right} {v} : {_ADVERBS[v].get(lang)} {more}" if lang == "fr" else
                f"{right} {v}: {_ADVERBS[v].get(lang)} {more}", 1.0 / v) for v in range(2, 10)]
    return labels


def _mac(key: bytes, payload: object) -> str:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hmac.new(key, b"panel\x00" + data.encode("utf-8"), hashlib.sha256).hexdigest()


def _rows(criteria: Mapping[str, Text], mode: PanelMode,
          lang: Lang) -> list[tuple[str, str, str]]:
    """(key, left text, right text) of every row, in order."""
    ids = list(criteria)
    if mode == "points":
        return [(c, criteria[c].get(lang), "") for c in ids]
    return [(f"{a}>{b}", criteria[a].get(lang), criteria[b].get(lang))
            for i, a in enumerate(ids) for b in ids[i + 1:]]


def _signature(key: bytes, fields: Mapping[str, str], rows: Sequence[tuple[str, str, str]]
               ) -> str:
    return _mac(key, {"identity": dict(fields), "rows": [list(r) for r in rows]})


def write_panel(path: str | os.PathLike[str], *, criteria: Mapping[str, Text],
                participant: str, group: str, mode: PanelMode, key: bytes,
                lang: Lang = "fr", title: str = "", total_points: int = 100,
                overwrite: bool = False) -> Path:
    """Write the weighting workbook one participant fills.

    Args:
        path: the ``.xlsx`` file to write (atomically).
        criteria: criterion id -> its title, in the order shown.
        participant: the participant's name (checked on reading).
        group: their group ("élus", "agents", "panel citoyen"...).
        mode: ``"pairwise"`` (Saaty comparisons) or ``"points"`` (allocation).
        key: the buyer's secret signing key (at least 16 bytes).
        lang: the language of the workbook.
        title: the consultation or project, shown at the top.
        total_points: the points to allocate in ``"points"`` mode.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        QuestionnaireError: fewer than 2 criteria, a blank name or group, an unknown
            mode or language, or a key shorter than 16 bytes.
        OutputExistsError: the file exists and ``overwrite`` is false.
    """
    from ai_procurement._office.files import write_atomic

    data = panel_bytes(criteria=criteria, participant=participant, group=group, mode=mode,
                       key=key, lang=lang, title=title, total_points=total_points)
    target = Path(path)
    write_atomic(target, data, overwrite=overwrite)
    return target


def _check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or form.safe_text(value) != value \
            or len(value) > 200:
        raise QuestionnaireError(msg("{what} must be a non-blank name (at most 200 characters, "
                                     "no control character), got {value!r}", what=what,
                                     value=value))
    return value


def panel_bytes(*, criteria: Mapping[str, Text], participant: str, group: str,
                mode: PanelMode, key: bytes, lang: Lang, title: str,
                total_points: int) -> bytes:
    """Return the weighting workbook as bytes (see :func:`write_panel`)."""
    if lang not in LANGUAGES:
        raise QuestionnaireError(msg("unknown language {lang!r}; expected one of {LANGUAGES}",
                                     lang=lang, LANGUAGES=LANGUAGES))
    if mode not in PANEL_MODES:
        raise QuestionnaireError(msg("unknown mode {mode!r}; expected one of {PANEL_MODES}",
                                     mode=mode, PANEL_MODES=PANEL_MODES))
    if len(key) < 16:
        raise QuestionnaireError(msg("the signing key must be at least 16 bytes"))
    if len(criteria) < 2:
        raise QuestionnaireError(msg("a weighting needs at least 2 criteria"))
    if not 1 <= total_points <= 1_000_000:
        raise QuestionnaireError(msg("total_points must be 1 to 1,000,000, got {total_points}",
                                     total_points=total_points))
    _check_name(participant, "participant")
    _check_name(group, "group")
    rows = _rows(criteria, mode, lang)
    fields = {"kind": KIND, "format": FORMAT, "lang": lang, "participant": participant,
              "group": group, "mode": mode, "criteria": " ".join(criteria),
              "total": str(total_points)}
    signature = _signature(key, fields, rows)

    buffer = io.BytesIO()
    book = form.new_workbook(buffer, title or SHEET[lang])
    ws = book.add_worksheet(SHEET[lang])
    lists = book.add_worksheet(form.SHEET_LISTS)
    ident = book.add_worksheet(form.SHEET_IDENTITY)
    _write_sheet(book, form.Styles(book), ws, lists, rows, fields, lang, title)
    form.write_identity(book, ident, {**fields, "hmac": signature})
    lists.hide()
    form.protect(lists)
    ident.hide()
    book.close()
    return buffer.getvalue()


def _write_sheet(book: Workbook, styles: form.Styles, ws: Worksheet, lists: Worksheet,
                 rows: Sequence[tuple[str, str, str]], fields: Mapping[str, str], lang: Lang,
                 title: str) -> None:
    pairwise = fields["mode"] == "pairwise"
    wrap = styles(text_wrap=True, valign="top")
    heading = msg("Weighting the criteria").get(lang)
    form.set_text(ws, "A1", f"{heading} — {title}" if title else heading,
                  styles(font_size=14, bold=True))
    form.set_text(ws, "A2", msg("Participant: {fields_participant} ({fields_group}).",
                                fields_participant=fields['participant'],
                                fields_group=fields['group'])
                  .get(lang), styles(bold=True))
    if pairwise:
        how = msg("For each pair, choose from the list (column B) which of the two criteria "
                  "matters more to you, and by how much (Saaty's scale: 1 equally, 3 moderately, "
                  "5 strongly, 7 very strongly, 9 extremely). Do not edit, move or delete any "
                  "row: the file is signed.")
        headers = (msg("Left criterion"), msg("Your judgment (list)"), msg("Right criterion"))
    else:
        how = msg("Share {fields_total} points between the criteria (column B) by how much each "
                  "matters to you; 0 is allowed. Do not edit, move or delete any row: the file "
                  "is signed.", fields_total=fields['total'])
        headers = (msg("Criterion"), msg("Your points"), Text("", ""))
    ws.merge_range("A3:D3", "", wrap)
    form.set_text(ws, "A3", how.get(lang), wrap)
    ws.set_row(2, 54)
    head = styles(bold=True, font_color="#FFFFFF", bg_color="#1F4E79", text_wrap=True,
                  valign="top")
    for column, label, width in zip(
            (COL_LEFT, COL_INPUT, COL_RIGHT, COL_COMMENT, COL_KEY),
            (*headers, msg("Comment (optional)"), msg("Key")),
            (40, 44 if pairwise else 14, 40, 40, 10), strict=True):
        if label.get(lang):
            form.set_text(ws, f"{column}{HEADER_ROW}", label.get(lang), head)
        else:
            form.set_blank(ws, f"{column}{HEADER_ROW}", head)
        ws.set_column(f"{column}:{column}", width, None, {"hidden": column == COL_KEY})
    validation: dict[str, object] = {"ignore_blank": True, "show_error": True,
                                     "show_input": False}
    if pairwise:
        labels = [text for text, _ in saaty_labels(lang)]
        for index, text in enumerate(labels, start=1):
            form.set_text(lists, f"A{index}", text)
        book.define_name("panel_scale", f"='{form.SHEET_LISTS}'!$A$1:$A${len(labels)}")
        validation |= {"validate": "list", "source": "=panel_scale",
                       "error_message": msg("Choose a value from the list.").get(lang)}
    else:
        validation |= {"validate": "decimal", "criteria": ">=", "value": 0,
                       "error_message": msg("Enter a number of points, 0 or more.").get(lang)}
    fill = styles(text_wrap=True, valign="top", bg_color="#FFF9E5", locked=False)
    for offset, (key, left, right) in enumerate(rows):
        r = FIRST_ROW + offset
        form.set_text(ws, f"{COL_LEFT}{r}", left, wrap)
        if right:
            form.set_text(ws, f"{COL_RIGHT}{r}", right, wrap)
        else:
            form.set_blank(ws, f"{COL_RIGHT}{r}", wrap)
        form.set_text(ws, f"{COL_KEY}{r}", key)
        for column in (COL_INPUT, COL_COMMENT):
            form.set_blank(ws, f"{column}{r}", fill)
    last = FIRST_ROW + len(rows) - 1
    ws.data_validation(f"{COL_INPUT}{FIRST_ROW}:{COL_INPUT}{last}", validation)
    ws.freeze_panes(FIRST_ROW - 1, 0)
    form.protect(ws, fillable=True)


@attrs.frozen
class PanelReading:
    """A participant's weighting workbook, read.

    Attributes:
        file: the file name.
        participant: the participant named in the file ("" if unreadable).
        group: their group ("" if unreadable).
        mode: ``"pairwise"``, ``"points"`` or None if unreadable.
        pairwise: ``(a, b) -> judgment`` read (pairwise mode).
        points: criterion -> points read (points mode).
        comments: row key -> the participant's comment.
        report: every problem found; judgments are used only when ``report.ok``.
        lang: the workbook's language.
    """

    file: str
    participant: str
    group: str
    mode: PanelMode | None
    pairwise: Mapping[tuple[str, str], float]
    points: Mapping[str, float]
    comments: Mapping[str, str]
    report: Report
    lang: Lang = "fr"

    def judgments(self) -> Participant | None:
        """The participant's judgments for aggregation, or None if the file has errors."""
        if not self.report.ok or self.mode is None:
            return None
        if self.mode == "pairwise":
            return Participant(self.participant, self.group, pairwise=dict(self.pairwise))
        return Participant(self.participant, self.group, points=dict(self.points))


def read_panel(path: str | os.PathLike[str], *, criteria: Mapping[str, Text], key: bytes,
               participant: str | None = None) -> PanelReading:
    """Read a participant's filled weighting workbook.

    Args:
        path: the filled workbook (never modified).
        criteria: the criteria the workbook was written for (id -> title).
        key: the buyer's signing key.
        participant: the participant the file was issued to, when known: another
            participant's file is then an error.

    Returns:
        The judgments read and the report of every problem (a missing judgment, a value
        outside the list, a formula, an edited or deleted row, a wrong signature).
    """
    return _Reader(Path(path), dict(criteria), key, participant).read()


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


class _Reader(SignedWorkbookReader):
    def __init__(self, path: Path, criteria: dict[str, Text], key: bytes,
                 participant: str | None) -> None:
        super().__init__(path)
        self.criteria, self.key, self.expected = criteria, key, participant
        self.default_sheet = SHEET["fr"]
        self.participant = self.group = ""
        self.mode: PanelMode | None = None
        self.total = 0
        self.pairwise: dict[tuple[str, str], float] = {}
        self.points: dict[str, float] = {}
        self.comments: dict[str, str] = {}

    def read(self) -> PanelReading:
        sha = self.run()
        report = Report(self.file, sha, tuple(self.findings))
        return PanelReading(self.file, self.participant, self.group, self.mode,
                            self.pairwise, self.points, self.comments, report, self.lang)

    def read_book(self, book: XlsxBook) -> None:
        if self._identity(book):
            self._judgments(book)

    def _identity(self, book: XlsxBook) -> bool:
        names = [name for name, _, _ in book.sheets]
        if book.sheet_part(form.SHEET_IDENTITY) is None:
            self.problem("error", "identity-missing",
                         msg("The identity sheet is missing (sheets found: {names}): this file "
                             "is not a weighting workbook issued by the buyer.",
                             names=', '.join(names)),
                         sheet=form.SHEET_IDENTITY)
            return False
        cells = book.cells(form.SHEET_IDENTITY, max_row=20, max_column=2)
        fields: dict[str, str] = {}
        for row in range(1, 21):
            name, value = cells.get(f"A{row}"), cells.get(f"B{row}")
            if name is not None and value is not None and name.formula is None and (
                    value.formula is None):
                fields[str(name.value)] = str(value.value)
        if fields.get("kind") != KIND:
            self.problem("error", "wrong-kind",
                         msg("This file is not a weighting workbook: send back the one the buyer "
                             "gave you."), sheet=form.SHEET_IDENTITY)
            return False
        lang = fields.get("lang", "")
        mode = fields.get("mode", "")
        total = fields.get("total", "")
        if lang not in LANGUAGES or mode not in PANEL_MODES or fields.get("format") != FORMAT \
                or not total.isdigit() or len(total) > 7:
            self.problem("error", "identity-edited",
                         msg("The workbook's identity sheet is edited."),
                         sheet=form.SHEET_IDENTITY)
            return False
        self.lang = "fr" if lang == "fr" else "en"
        self.default_sheet = SHEET[self.lang]
        self.mode = "pairwise" if mode == "pairwise" else "points"
        expected = {name: fields.get(name, "") for name in _FIELDS}
        rows = _rows(self.criteria, self.mode, self.lang)
        if set(fields) != {*_FIELDS, "hmac"} or not hmac.compare_digest(
                fields.get("hmac", ""), _signature(self.key, expected, rows)):
            self.mode = None
            self.problem("error", "signature",
                         msg("The workbook's signature does not match: it was edited, or issued "
                             "with another key or for other criteria."), sheet=form.SHEET_IDENTITY)
            return False
        participant = fields["participant"]
        if self.expected is not None and participant.strip() != self.expected.strip():
            self.mode = None
            self.problem("error", "other-participant",
                         msg("This workbook was issued to '{participant}', not to '{expected}'.",
                             participant=participant, expected=self.expected),
                         sheet=form.SHEET_IDENTITY)
            return False
        if book.sheet_part(self.default_sheet) is None:
            self.mode = None
            self.problem("error", "sheet-missing",
                         msg("Sheet '{default_sheet}' was renamed or removed.",
                             default_sheet=self.default_sheet))
            return False
        self.participant, self.group, self.total = participant, fields["group"], int(total)
        return True

    def _judgments(self, book: XlsxBook) -> None:
        assert self.mode is not None
        rows = _rows(self.criteria, self.mode, self.lang)
        max_row = FIRST_ROW + len(rows) + ROW_SLACK
        cells = book.cells(self.default_sheet, max_row=max_row, max_column=5)
        by_key: dict[str, int] = {}
        for found in cells.values():
            if found.column == COL_KEY and found.row >= FIRST_ROW and found.formula is None:
                by_key.setdefault(str(found.value), found.row)
        scale = {_fold(label): value for lang in LANGUAGES
                 for label, value in saaty_labels(lang)}
        for offset, (key, left, right) in enumerate(rows):
            row = by_key.get(key)
            if row is None:
                self.problem("error", "row-deleted",
                             msg("Row '{left}' was deleted (expected on row {first_row}). Start "
                                 "again from the workbook you were given.", left=left,
                                 first_row=FIRST_ROW + offset),
                             cell=f"A{FIRST_ROW + offset}")
                continue
            if _text(cells.get(f"{COL_LEFT}{row}")) != left or _text(
                    cells.get(f"{COL_RIGHT}{row}")) != right:
                self.problem("error", "row-edited",
                             msg("Row {row}: a criterion's name was edited; it must stay "
                                 "'{left}' / '{right}'.", row=row, left=left, right=right)
                             if right else
                             msg("Row {row}: a criterion's name was edited; it must stay "
                                 "'{left}'.", row=row, left=left),
                             cell=f"A{row}")
                continue
            comment = cells.get(f"{COL_COMMENT}{row}")
            if comment is not None and comment.formula is None and _text(comment).strip():
                self.comments[key] = _text(comment)
            cell = cells.get(f"{COL_INPUT}{row}")
            ref = f"{COL_INPUT}{row}"
            if cell is not None and cell.formula is not None:
                self.problem("error", "formula",
                             msg("Cell {ref}: a formula is not a judgment; enter a "
                                 "value.", ref=ref), cell=ref)
                continue
            if cell is None or not _text(cell).strip():
                self.problem("error", "unanswered",
                             msg("Cell {ref}: no answer; every row must be filled.",
                                 ref=ref), cell=ref)
                continue
            if self.mode == "pairwise":
                value = scale.get(_fold(_text(cell)))
                if value is None:
                    self.problem("error", "bad-value",
                                 msg("Cell {ref}: '{value}' is not a value from the list.",
                                     ref=ref, value=_text(cell)[:60]), cell=ref)
                    continue
                a, b = key.split(">", 1)
                self.pairwise[(a, b)] = value
            else:
                points = _points(cell)
                if points is None:
                    self.problem("error", "bad-value",
                                 msg("Cell {ref}: expected a number of points, 0 or more.",
                                     ref=ref),
                                 cell=ref)
                    continue
                self.points[key] = points
        if self.mode == "points" and len(self.points) == len(rows):
            total = math.fsum(self.points.values())
            if total <= 0:
                self.problem("error", "no-points", msg("No point was allocated."))
            elif not math.isclose(total, self.total):
                self.problem("warning", "total",
                             msg("The points add up to {total:g} instead of {target}: they are "
                                 "turned into shares, the judgment counts the same.", total=total,
                                 target=self.total))


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if isinstance(cell.value, float) and cell.value.is_integer():
        return str(int(cell.value))
    return str(cell.value)


def _points(cell: Cell) -> float | None:
    if cell.kind == "number" and isinstance(cell.value, int | float) and not isinstance(
            cell.value, bool):
        value = float(cell.value)
    else:
        try:
            value = float(str(cell.value).strip().replace("\u00a0", "").replace(" ", "")
                          .replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) and value >= 0 else None
