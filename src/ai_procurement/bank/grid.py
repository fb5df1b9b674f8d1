"""Import a vendor grid the buyer already has (an Excel sheet) as a draft question bank.

Many buyers own a grid: one inherited from a previous consultation, a purchasing group's,
or a public one such as the higher-education HECVAT (yes/no/N/A lists, 20/10/5 points,
qualifier questions that switch whole sections on or off). :func:`import_grid` reads
such a sheet with a declared :class:`GridMapping` (which column holds what; see
:func:`detect_mapping` for a proposal to confirm) and returns a :class:`GridImport`: the
draft :class:`~ai_procurement.bank.model.Bank` and a report of everything it could not
map, each with its row and column. It never guesses silently: a blank section inherits
the section above (grids merge those cells), a blank points cell is an information or
qualifier question of weight 0, and both are counted in the report; anything else it
cannot read is an issue.

How a grid becomes a bank:

* a section is a criterion, weighted by the sum of its questions' points, so that the
  published weights are the grid's own points; the aggregation rule is ``flat``
  (points earned / points applicable), the rule of grids built on flat points;
* the options of a question come from the data validation list of its answer cell (or
  from an "answer type" column): Yes/No becomes a yes/no question (Yes earns the
  points), "N/A" allows "not applicable", other lists become single choices whose points
  per option must be declared in the mapping; no list and no points: information only;
* an applies-if note (``GEN-01 = Yes``, ``Only if GEN-01 = Yes AND GEN-04 = Cloud /
  Hybrid``) becomes a condition on earlier questions; a condition shared by every
  question of a section, or written on a section row, becomes the section's condition;
* guidance columns per answer ("Guidance if No") become guidance by option.

The file is vetted by :func:`~ai_procurement._office.guard.inspect_workbook` before
openpyxl opens it. openpyxl's read-only mode does not load data validations, which hold
the lists: the sheet is loaded in normal mode, with cached values instead of formulas.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ai_procurement.bank.model import (
    AllOf,
    AnswerGuidance,
    AnswerSpec,
    AnyOf,
    Applicability,
    Bank,
    Condition,
    Criterion,
    FreeText,
    Option,
    Question,
    SingleChoice,
    YesNo,
    check_bank,
    condition_questions,
    option_ids,
)
from ai_procurement.errors import BankError, Problem, os_reason
from ai_procurement.text import Lang, Text, msg, nmsg

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["GridImport", "GridIssue", "GridMapping", "detect_mapping", "import_grid",
           "parse_mapping"]

MAPPED_FIELDS = ("id", "section", "question", "answer", "answer_type", "points", "applies_if",
                 "reason")
"""The fields a column can be mapped to (besides guidance per answer)."""

_NA_LABELS = {"n/a", "na", "n.a.", "not applicable", "sans objet", "so", "s.o."}
_YES = {"yes", "oui"}
_NO = {"no", "non"}
_TEXT_TYPES = {"text", "free text", "texte", "texte libre", "info", "information",
               "comment", "description"}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")

# Header words that propose a column (English and French, lower case).
_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "question id", "ref", "ref.", "reference", "#", "no.", "identifiant", "réf",
           "réf."),
    "section": ("section", "category", "catégorie", "rubrique", "domain", "domaine"),
    "question": ("question", "requirement", "exigence", "question text"),
    "answer": ("answer", "response", "vendor answer", "vendor response", "réponse"),
    "answer_type": ("answer type", "type", "list", "liste", "type de réponse"),
    "points": ("points", "weight", "score", "poids", "pondération", "max points"),
    "applies_if": ("applies if", "condition", "routing", "only if", "s'applique si",
                   "applicable si"),
    "reason": ("reason", "why", "rationale", "pourquoi", "motif"),
}
_GUIDANCE_HEADER = re.compile(
    r"^(?:guidance|advice|conseil|aide)\s*(?:if|when|si)\s+(?P<answer>.+?)\s*$", re.I)


@attrs.frozen
class GridMapping:
    """Which column of the grid holds what (column letters, ``"A"``, ``"B"``...).

    Attributes:
        question: the question text (the only column required).
        id: question ids; a row without a valid id gets ``R<row>`` (reported).
        section: the section (criterion) a question belongs to.
        answer: the column vendors answer in: the data validation list of each of its
            cells gives the options.
        answer_type: a column naming the type or the list (``Yes/No/N/A``, ``Text``),
            read when the answer cell has no list.
        points: the points of a question (blank: weight 0).
        applies_if: the routing note (``GEN-01 = Yes AND GEN-02 = Cloud``).
        guidance: (answer label, column) pairs: the guidance shown for that answer.
        reason: why the question is asked (the bank's ``why``).
        sheet: the sheet to read (None: the first one).
        header_row: the row of the headers; data starts on the next row.
        language: the language the grid is written in.
        option_points: the fraction of a question's points each answer label earns
            (lower case labels); Yes/No default to 1 and 0.
    """

    question: str
    id: str | None = None
    section: str | None = None
    answer: str | None = None
    answer_type: str | None = None
    points: str | None = None
    applies_if: str | None = None
    guidance: tuple[tuple[str, str], ...] = ()
    reason: str | None = None
    sheet: str | None = None
    header_row: int = 1
    language: Lang = "en"
    option_points: tuple[tuple[str, float], ...] = ()

    def columns(self) -> dict[str, str]:
        """Each mapped column letter and what it holds (``{"A": "id", ...}``)."""
        found = {getattr(self, name): name for name in (
            "id", "section", "question", "answer", "answer_type", "points", "applies_if",
            "reason") if getattr(self, name) is not None}
        found.update({column: f"guidance if {label}" for label, column in self.guidance})
        return found

    def describe(self, lang: Lang = "en") -> str:
        """The mapping in one line per column, to show a buyer for confirmation.

        Fields are named as ``--map`` takes them; guidance columns in ``lang``.
        """
        names = {column: name for column, name in self.columns().items()}
        names.update({column: msg("guidance if {label}", label=label).get(lang)
                      for label, column in self.guidance})
        return "\n".join(f"{column}: {name}" for column, name in
                         sorted(names.items(), key=lambda item: (len(item[0]), item[0])))


@attrs.frozen
class GridIssue:
    """Something of the grid the import could not map, and what it did instead."""

    row: int | None
    column: str | None
    message: Text

    def describe(self, lang: Lang = "en") -> str:
        """One line: the cell (or row, or column), then the message."""
        where = f"{self.column or ''}{self.row or ''}" or "-"
        return f"{where}: {self.message.get(lang)}"


@attrs.frozen
class GridImport:
    """The result of :func:`import_grid`: a draft bank and what could not be mapped.

    ``problems`` are what :func:`~ai_procurement.bank.model.check_bank` still finds in
    the draft (for instance a question with points and no reason): fix them in the YAML
    before freezing a questionnaire.
    """

    bank: Bank
    mapping: GridMapping
    issues: tuple[GridIssue, ...]
    problems: tuple[Problem, ...]

    def write(self, bank_path: str | os.PathLike[str], report_path: str | os.PathLike[str],
              *, lang: Lang = "en", overwrite: bool = False) -> None:
        """Write the draft bank as YAML and the import report as text.

        The draft is written even when :attr:`problems` is not empty (it is a draft to
        complete); :func:`~ai_procurement.bank.files.load_bank` will list them again.

        Raises:
            OutputExistsError: a file exists and ``overwrite`` is false.
        """
        from ai_procurement._office.files import write_atomic
        from ai_procurement.bank.files import bank_to_yaml

        write_atomic(Path(bank_path), bank_to_yaml(self.bank).encode("utf-8"),
                     overwrite=overwrite)
        write_atomic(Path(report_path), self.report(lang).encode("utf-8"),
                     overwrite=overwrite)

    def report(self, lang: Lang = "en") -> str:
        """The import report as text: the mapping, every issue, the draft's problems."""
        lines = [msg("Column mapping:").get(lang),
                 *("  " + line for line in self.mapping.describe(lang).splitlines()),
                 "", msg("Not mapped or to check:").get(lang),
                 *("  " + issue.describe(lang) for issue in self.issues)]
        if self.problems:
            lines += ["", msg("Problems of the draft bank:").get(lang),
                      *("  " + problem.text.get(lang) for problem in self.problems)]
        return "\n".join(lines) + "\n"


def _open(path: Path) -> Workbook:
    from openpyxl import load_workbook

    from ai_procurement._office.guard import inspect_workbook

    result = inspect_workbook(path)
    if not result.ok:
        raise BankError(str(path), [Problem("$", f.message) for f in result.errors])
    try:
        return load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise BankError(str(path), [Problem("$", msg("cannot read the workbook: {reason}", reason=(
            os_reason(exc) if isinstance(exc, OSError) else str(exc))))]) from None


def _sheet(wb: Workbook, name: str | None, source: str) -> Worksheet:
    if name is None:
        ws = wb.worksheets[0]
    elif name in wb.sheetnames:
        ws = wb[name]
    else:
        raise BankError(source, [Problem("$.sheet", msg("no sheet {name!r}; the sheets are "
                                                        "{sheets}", name=name,
                                                        sheets=wb.sheetnames))])
    from openpyxl.worksheet.worksheet import Worksheet

    if not isinstance(ws, Worksheet):
        raise BankError(source, [Problem("$.sheet", msg("{sheet!r} is not a worksheet",
                                                        sheet=ws.title))])
    return ws


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def parse_mapping(pairs: Iterable[str], *, guidance: Iterable[str] = (),
                  option_points: Iterable[str] = (), sheet: str | None = None,
                  header_row: int = 1, language: Lang = "en") -> GridMapping:
    """Build a mapping from ``field=COLUMN`` pairs, as typed on the command line.

    Args:
        pairs: e.g. ``["question=C", "id=A", "points=E"]``; fields are
            :data:`MAPPED_FIELDS`.
        guidance: ``"ANSWER=COLUMN"`` pairs (``"No=G"``: guidance shown for No).
        option_points: ``"ANSWER=FRACTION"`` pairs (``"Partial=0.5"``).
        sheet: the sheet to read.
        header_row: the row of the headers.
        language: the language of the grid.

    Raises:
        BankError: an unknown field, a column that is not a letter, no question column,
            or a fraction that is not a number in [0, 1].
    """
    problems: list[Problem] = []
    found: dict[str, str] = {}
    for pair in pairs:
        name, _, column = pair.partition("=")
        name, column = name.strip().replace("-", "_"), column.strip().upper()
        if name not in MAPPED_FIELDS:
            problems.append(Problem(f"$.{name}", msg("unknown field; expected one of "
                                                     "{fields}", fields=list(MAPPED_FIELDS))))
        elif not re.fullmatch(r"[A-Z]{1,3}", column):
            problems.append(Problem(f"$.{name}", msg("expected a column letter, got {column!r}",
                                                     column=column)))
        else:
            found[name] = column
    notes: list[tuple[str, str]] = []
    for pair in guidance:
        label, _, column = pair.rpartition("=")
        if not label.strip() or not re.fullmatch(r"[A-Z]{1,3}", column.strip().upper()):
            problems.append(Problem("$.guidance", msg("expected ANSWER=COLUMN, got {pair!r}",
                                                      pair=pair)))
        else:
            notes.append((label.strip(), column.strip().upper()))
    points: list[tuple[str, float]] = []
    for pair in option_points:
        label, _, raw = pair.rpartition("=")
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not label.strip() or not 0 <= value <= 1:
            problems.append(Problem("$.option_points", msg(
                "expected ANSWER=FRACTION with a fraction in [0, 1], got {pair!r}", pair=pair)))
        else:
            points.append((label.strip(), value))
    if "question" not in found:
        problems.append(Problem("$.question", msg("map the question column "
                                                  "(question=COLUMN)")))
    if problems:
        raise BankError(msg("column mapping"), problems)
    return GridMapping(
        found["question"], found.get("id"), found.get("section"), found.get("answer"),
        found.get("answer_type"), found.get("points"), found.get("applies_if"),
        tuple(notes), found.get("reason"), sheet, header_row, language, tuple(points))


def detect_mapping(path: str | os.PathLike[str], *, sheet: str | None = None,
                   language: Lang = "en") -> tuple[GridMapping | None, tuple[GridIssue, ...]]:
    """Propose a mapping from the header row of the grid, for the buyer to confirm.

    The header row is the first of the first 20 rows naming a question column. Header
    cells this function does not recognise are reported (their column would not be
    imported).

    Returns:
        The proposed mapping (None when no header names a question column) and the
        header cells left unmapped.

    Raises:
        BankError: the file is unsafe or unreadable, or has no such sheet.
    """
    source = str(path)
    ws = _sheet(_open(Path(path)), sheet, source)
    from openpyxl.utils import get_column_letter

    for r in range(1, min(ws.max_row, 20) + 1):
        found: dict[str, str] = {}
        guidance: list[tuple[str, str]] = []
        unknown: list[GridIssue] = []
        for c in range(1, ws.max_column + 1):
            header = _cell_text(ws.cell(r, c).value)
            if not header:
                continue
            letter = get_column_letter(c)
            name = next((key for key, words in _HEADERS.items()
                         if header.casefold().rstrip(" :") in words and key not in found), None)
            match = _GUIDANCE_HEADER.match(header)
            if name is not None:
                found[name] = letter
            elif match is not None:
                guidance.append((match.group("answer"), letter))
            else:
                unknown.append(GridIssue(r, letter, msg(
                        "column '{header}' not recognised: it will not be imported",
                        header=header)))
        if "question" in found:
            mapping = GridMapping(
                found["question"], found.get("id"), found.get("section"), found.get("answer"),
                found.get("answer_type"), found.get("points"), found.get("applies_if"),
                tuple(guidance), found.get("reason"), sheet, r, language)
            return mapping, tuple(unknown)
    return None, (GridIssue(None, None, msg("no header row names a 'question' column in the "
                                            "first 20 rows: declare the column mapping")),)


def import_grid(path: str | os.PathLike[str], mapping: GridMapping | None = None, *,
                bank_id: str | None = None) -> GridImport:
    """Read a vendor grid and return a draft bank with the report of what was not mapped.

    Args:
        path: the grid workbook (``.xlsx``).
        mapping: which column holds what; None uses :func:`detect_mapping`'s proposal
            (its unrecognised headers are reported).
        bank_id: the id of the draft bank (default: from the file name).

    Raises:
        BankError: the file is unsafe or unreadable, has no such sheet, or no mapping
            could be detected.
    """
    source = Path(path)
    issues: list[GridIssue] = []
    if mapping is None:
        mapping, unknown = detect_mapping(path)
        if mapping is None:
            raise BankError(str(path), [Problem("$", unknown[0].message)])
        issues += unknown
    wb = _open(source)
    ws = _sheet(wb, mapping.sheet, str(path))
    reader = _GridReader(wb, ws, mapping, issues)
    criteria = reader.read()
    lang = mapping.language
    ident = bank_id or _slug(source.stem, "grid").lower()
    imported = msg("Imported from {file} ({sheet})", file=source.name, sheet=ws.title)
    bank = Bank(ident, "draft", _text(source.stem, lang), _text(imported.get(lang), lang),
                tuple(criteria), languages=(lang,), aggregation="flat")
    if lang != "fr":
        issues.append(GridIssue(None, None, msg("English-only grid: a French consultation must "
                                                "be written in French (law 94-665, art. 5); add "
                                                "the French texts before publishing")))
    issues.append(GridIssue(None, None, msg("aggregation rule 'flat' (points earned / points "
                                            "applicable), the grid's own: announce it in the "
                                            "consultation rules or choose another")))
    # Cells in sheet order, then what concerns the whole grid.
    located = sorted((i for i in issues if i.row is not None), key=lambda i: (
        i.row or 0, len(i.column or ""), i.column or ""))
    overall = [i for i in issues if i.row is None]
    return GridImport(bank, mapping, (*located, *overall), tuple(check_bank(bank)))


def _text(value: str, lang: Lang) -> Text:
    return Text(value, "") if lang == "fr" else Text("", value)


def _slug(value: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-").upper()[:40]
    return slug if slug and slug[0].isalpha() else f"{fallback}-{slug}".strip("-")


@attrs.define
class _Row:
    """One question row, as read, before conditions are resolved."""

    number: int
    section: str
    question: Question
    labels: dict[str, str]  # casefolded option label -> option id
    note: str


class _GridReader:
    def __init__(self, wb: Workbook, ws: Worksheet, mapping: GridMapping,
                 issues: list[GridIssue]) -> None:
        self.ws = ws
        self.mapping = mapping
        self.issues = issues
        self.lists = _validation_lists(wb, ws, mapping.answer)
        self.points_of = {label.casefold(): value for label, value in mapping.option_points}

    def issue(self, row: int | None, column: str | None, message: Text) -> None:
        self.issues.append(GridIssue(row, column, message))

    def value(self, row: int, column: str | None) -> str:
        return "" if column is None else _cell_text(self.ws[f"{column}{row}"].value)

    def read(self) -> list[Criterion]:
        m = self.mapping
        rows: list[_Row] = []
        section_notes: dict[str, tuple[int, str]] = {}
        section = ""
        inherited = no_points = generated = 0
        ids: set[str] = set()
        for r in range(m.header_row + 1, self.ws.max_row + 1):
            text = self.value(r, m.question)
            named = self.value(r, m.section)
            if named:
                section = named
            if not text:
                note = self.value(r, m.applies_if)
                if named and note:
                    section_notes[section] = (r, note)
                elif any(self.value(r, column) for column in m.columns()
                         if column != m.section):
                    self.issue(r, m.question, msg("row without a question: not imported"))
                continue
            if not named and m.section is not None:
                inherited += 1
            qid = self.value(r, m.id)
            if not _ID.match(qid) or qid in ids:
                fresh = f"R{r}"
                while fresh in ids:
                    fresh += "-"
                if m.id is None:
                    generated += 1
                elif qid in ids:
                    self.issue(r, m.id, msg("duplicate id {qid!r}: the question becomes "
                                            "{fresh}", qid=qid, fresh=fresh))
                else:
                    self.issue(r, m.id, msg("missing or invalid id {qid!r}: the question "
                                            "becomes {fresh}", qid=qid, fresh=fresh))
                qid = fresh
            ids.add(qid)
            points = self.points(r)
            if points == 0 and not self.value(r, m.points):
                no_points += 1
            spec, labels, na, weight = self.answer(r, points)
            why_text = self.value(r, m.reason)
            question = Question(
                qid, _text(text, m.language),
                _text(why_text, m.language) if why_text else None, spec, weight=weight,
                na_allowed=na, guidance_by_answer=self.guidance(r, labels))
            rows.append(_Row(r, section or "GRID", question, labels, self.value(
                r, m.applies_if)))
        criteria = self.criteria(rows, section_notes)
        if generated:
            self.issue(None, None, nmsg("no id column: {n} question named R<row>",
                                        "no id column: {n} questions named R<row>", generated))
        if inherited:
            self.issue(None, m.section, nmsg(
                "{n} question without a section takes the section of the row above",
                "{n} questions without a section take the section of the row above",
                inherited))
        if no_points:
            self.issue(None, m.points, nmsg(
                "{n} question without points imported with weight 0 (information or "
                "qualifier)", "{n} questions without points imported with weight 0 "
                "(information or qualifier)", no_points))
        return criteria

    def points(self, r: int) -> float:
        column = self.mapping.points
        raw = None if column is None else self.ws[f"{column}{r}"].value
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return 0.0
        try:
            value = float(str(raw).replace(",", ".").strip())
        except ValueError:
            value = math.nan
        if isinstance(raw, bool) or not math.isfinite(value) or value < 0:
            self.issue(r, column, msg("unreadable points {raw!r}: weight 0", raw=raw))
            return 0.0
        return value

    def answer(self, r: int, points: float) -> tuple[AnswerSpec, dict[str, str], bool, float]:
        """The answer spec, option labels, N/A allowed and weight of row ``r``."""
        m = self.mapping
        cell = f"{m.answer}{r}" if m.answer is not None else None
        labels = self.lists.get(cell) if cell is not None else None
        if labels is None and m.answer_type is not None:
            kind = self.value(r, m.answer_type)
            if kind.casefold() in _TEXT_TYPES:
                labels = []
            elif kind:
                labels = [part.strip() for part in re.split(r"[/,;]", kind) if part.strip()]
        if labels is None:
            if points > 0:
                self.issue(r, m.answer or m.answer_type, msg(
                    "no answer list (data validation) nor type: imported as information only, "
                    "weight 0 instead of {points:g}", points=points))
            return FreeText(), {}, False, 0.0
        if not labels:
            if points > 0:
                self.issue(r, m.answer_type, msg(
                    "free-text answer worth {points:g} points: imported as information only "
                    "(weight 0); add a scale for evaluators", points=points))
            return FreeText(), {}, False, 0.0
        na = any(label.casefold() in _NA_LABELS for label in labels)
        options = [label for label in labels if label.casefold() not in _NA_LABELS]
        folded = {label.casefold() for label in options}
        if len(options) == 2 and folded <= _YES | _NO and folded & _YES and folded & _NO:
            yes = self.points_of.get(next(iter(folded & _YES)), 1.0)
            no = self.points_of.get(next(iter(folded & _NO)), 0.0)
            labels_map = {label.casefold(): ("yes" if label.casefold() in _YES else "no")
                          for label in options}
            return YesNo(yes, no), labels_map, na, points
        built: list[Option] = []
        labels_map = {}
        missing = []
        for label in options:
            oid = _slug(label, "opt").lower()
            while oid in labels_map.values():
                oid += "-"
            labels_map[label.casefold()] = oid
            value = self.points_of.get(label.casefold())
            if value is None:
                missing.append(label)
            built.append(Option(oid, _text(label, m.language), value or 0.0))
        weight = points
        if missing and points > 0:
            weight = 0.0
            self.issue(r, m.answer, msg("options without declared points {missing}: weight 0 "
                                        "instead of {points:g}; declare the points of each "
                                        "option", missing=missing, points=points))
        if len(built) < 2:
            self.issue(r, m.answer, msg("list {labels} has fewer than two options: imported "
                                        "as information only", labels=labels))
            return FreeText(), {}, na, 0.0
        return SingleChoice(tuple(built)), labels_map, na, weight

    def guidance(self, r: int, labels: Mapping[str, str]) -> tuple[AnswerGuidance, ...]:
        found = []
        for label, column in self.mapping.guidance:
            text = self.value(r, column)
            if not text:
                continue
            option = labels.get(label.casefold())
            if option is None:
                self.issue(r, column, msg("guidance for answer '{label}', which is not an "
                                          "option of this question: not imported",
                                          label=label))
                continue
            found.append(AnswerGuidance(option, _text(text, self.mapping.language)))
        return tuple(found)

    def criteria(self, rows: list[_Row],
                 section_notes: Mapping[str, tuple[int, str]]) -> list[Criterion]:
        by_section: dict[str, list[_Row]] = {}
        for row in rows:
            by_section.setdefault(row.section, []).append(row)
        known: dict[str, _Row] = {}
        criteria: list[Criterion] = []
        used: set[str] = set()
        for name, members in by_section.items():
            cid = _slug(name, "S")
            while cid in used or cid in {row.question.id for row in rows}:
                cid += "-S"
            used.add(cid)
            section_condition = None
            if name in section_notes:
                r, note = section_notes[name]
                section_condition = self.condition(r, note, known)
            questions = []
            for row in members:
                condition = self.condition(row.number, row.note, known) if row.note else None
                questions.append(attrs.evolve(row.question, applies_if=condition))
                known[row.question.id] = row
            section_condition, questions = _hoist(section_condition, questions)
            weight = math.fsum(q.weight for q in questions)
            criteria.append(Criterion(cid, _text(name, self.mapping.language),
                                      _text(name, self.mapping.language), weight,
                                      tuple(questions), applies_if=section_condition))
        return criteria

    def condition(self, r: int, note: str, known: Mapping[str, _Row]) -> Applicability | None:
        """Parse a routing note against the questions read so far (earlier ones)."""
        column = self.mapping.applies_if
        body = re.sub(r"^\s*(?:answer\s+only\s+if|only\s+if|applies\s+if|if|uniquement\s+si|"
                      r"s'applique\s+si|si)(?:\s*:\s*|\s+)", "", note, flags=re.I)
        ands = re.split(r"\s+(?:and|et)\s+", body, flags=re.I)
        ors = re.split(r"\s+(?:or|ou)\s+", body, flags=re.I)
        if len(ands) > 1 and len(ors) > 1:
            self.issue(r, column, msg("condition {note!r} mixes AND and OR without brackets: "
                                      "ignored, the question always applies", note=note))
            return None
        clauses = ands if len(ands) > 1 else ors
        parts: list[Condition] = []
        for clause in clauses:
            match = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9_.-]*)\s*(?:=|==|is|est)\s*(.+?)\s*",
                                 clause, flags=re.I)
            if match is None:
                self.issue(r, column, msg("unreadable condition {note!r} (expected 'ID = "
                                          "Value'): ignored, the question always applies",
                                          note=note))
                return None
            gate_id, values = match.group(1), match.group(2)
            gate = known.get(gate_id)
            if gate is None or option_ids(gate.question.answer) is None:
                self.issue(r, column, msg(
                    "condition {note!r}: {gate} is not a choice question; condition ignored, "
                    "the question always applies", note=note, gate=gate_id)
                    if gate is not None else msg(
                    "condition {note!r}: {gate} is not an earlier question; condition "
                    "ignored, the question always applies", note=note, gate=gate_id))
                return None
            chosen = []
            for value in re.split(r"\s*[/,|]\s*", values):
                option = gate.labels.get(value.casefold())
                if option is None:
                    self.issue(r, column, msg("condition {note!r}: '{value}' is not an answer "
                                              "of {gate}; condition ignored", note=note,
                                              value=value, gate=gate_id))
                    return None
                chosen.append(option)
            parts.append(Condition(gate_id, tuple(dict.fromkeys(chosen))))
        if len(parts) == 1:
            return parts[0]
        return AllOf(tuple(parts)) if len(ands) > 1 else AnyOf(tuple(parts))


def _hoist(section: Applicability | None,
           questions: list[Question]) -> tuple[Applicability | None, list[Question]]:
    """Move a condition shared by every question of a section to the section."""
    shared = {q.applies_if for q in questions}
    if section is not None or len(shared) != 1:
        return section, questions
    condition = next(iter(shared))
    if condition is None:
        return None, questions
    ours = {q.id for q in questions}
    if any(gate in ours for gate in condition_questions(condition)):
        return None, questions
    return condition, [attrs.evolve(q, applies_if=None) for q in questions]


def _validation_lists(wb: Workbook, ws: Worksheet,
                      column: str | None) -> dict[str, list[str]]:
    """The list of each cell of ``column`` that has a data validation list."""
    if column is None:
        return {}
    from openpyxl.utils import get_column_letter, range_boundaries

    lists: dict[str, list[str]] = {}
    for validation in ws.data_validations.dataValidation:
        if validation.type != "list" or not validation.formula1:
            continue
        labels = _list_values(wb, ws, str(validation.formula1))
        if labels is None:
            continue
        for ref in str(validation.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            for c in range((min_col or 1), (max_col or min_col or 1) + 1):
                if get_column_letter(c) != column:
                    continue
                for r in range(min_row or 1, (max_row or ws.max_row) + 1):
                    lists.setdefault(f"{column}{r}", labels)
    return lists


def _list_values(wb: Workbook, ws: Worksheet, formula: str) -> list[str] | None:
    """The labels of a list validation: inline (``"Yes,No"``) or a range of the book."""
    formula = formula.strip()
    if formula.startswith('"') and formula.endswith('"'):
        return [part.strip() for part in formula[1:-1].split(",") if part.strip()]
    from openpyxl.utils import range_boundaries

    target = formula.lstrip("=")
    if target in wb.defined_names:
        destinations = list(wb.defined_names[target].destinations)
        if len(destinations) != 1:
            return None
        sheet_name, ref = destinations[0]
    elif "!" in target:
        sheet_name, ref = target.rsplit("!", 1)
        sheet_name = sheet_name.strip("'")
    else:
        sheet_name, ref = ws.title, target
    if sheet_name not in wb.sheetnames:
        return None
    source = wb[sheet_name]
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except ValueError:
        return None
    values: list[str] = []
    for row in source.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col,
                                max_col=max_col, values_only=True):
        values += [_cell_text(v) for v in row if _cell_text(v)]
    return values

