"""Reading a vendor's returned workbook: answers as filled, every problem reported.

The round trip fills questionnaires with openpyxl as a spreadsheet would store what a
vendor types; the worked cases reproduce what vendors do to files in practice (French
number and date formats, formulas, edited or moved rows, files of other vendors) and
check the exact finding a buyer would forward: its code, cell and question.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import inspect
import io
import math
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import replace as attrs_replace
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from tests import hostile, sheet_xml
from tests.bounded import HANG, run_bounded
from tests.fixtures import (
    CONSULTATION,
    KEY,
    OTHER_KEY,
    CellValue,
    dqe_questionnaire,
    excel_text,
    fill,
    full_bank,
    full_questionnaire,
    large_bank,
    rows_by_key,
)
from tests.strategies import banks

from ai_procurement.answers import Answer, AnswerState, EvidenceRef, Finding, Response
from ai_procurement.bank.model import (
    DateAnswer,
    FreeText,
    MultipleChoice,
    Number,
    Price,
    Question,
    Scale,
    SingleChoice,
    YesNo,
)
from ai_procurement.bidders import BidderIdentity
from ai_procurement.errors import AIProcurementError, ResponseError
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.testing import fill_questionnaire, identification_values
from ai_procurement.text import Lang
from ai_procurement.workbooks import form
from ai_procurement.workbooks.form import write_questionnaire
from ai_procurement.workbooks.response import read_response
from ai_procurement.workbooks.signing import vendor_token

ANSWERED, UNANSWERED = AnswerState.ANSWERED, AnswerState.UNANSWERED
NOT_APPLICABLE = AnswerState.NOT_APPLICABLE
BY_CONDITION = AnswerState.NOT_APPLICABLE_BY_CONDITION


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path, questionnaire: Questionnaire, *, key: bytes = KEY,
         vendor: str | None = "ACME") -> Response:
    """read_response, checking that the vendor's file is left exactly as it was."""
    before = sha256(path)
    response = read_response(path, questionnaire, key=key, vendor=vendor)
    assert sha256(path) == before, "the returned file was modified"
    assert response.report.sha256 == before
    return response


def only(response: Response, code: str) -> Finding:
    found = [f for f in response.report.findings if f.code == code]
    assert len(found) == 1, (code, response.report.to_text("en"))
    return found[0]


def where(finding: Finding) -> tuple[str, str, str, str]:
    return finding.severity, finding.sheet, finding.cell, finding.question_id


# ---------------------------------------------------------------------------------------
# The round trip: what a vendor fills is what is read.

_WRITABLE = st.characters(exclude_categories=["Cs"], exclude_characters="".join(
    map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])))
"""Any character a cell can hold (openpyxl refuses the C0 controls but tab, LF, CR)."""

_SHORT_TEXT = st.text(_WRITABLE, max_size=40)
_TYPED_TEXT = st.one_of(
    _SHORT_TEXT,
    st.tuples(st.sampled_from("=+-@"), _SHORT_TEXT).map("".join),  # formula-like
    st.sampled_from(["_x0041_", "a_x000D_b", "=1+1", "@SUM(A1)", "-", " ", "\n"]),
    # Up to Excel's limit of 32,767 characters in a cell.
    st.tuples(st.text(_WRITABLE, min_size=1, max_size=20), st.integers(1, 32_767)).map(
        lambda t: (t[0] * (t[1] // len(t[0]) + 1))[:t[1]]),
)


def _typed_numbers(low: float, high: float, integer: bool) -> st.SearchStrategy[float]:
    """Numbers a vendor types: at most 15 significant digits, as Excel keeps them."""
    if integer:
        return st.integers(math.ceil(low), math.floor(high)).map(float)
    return st.builds(lambda m, e: float(decimal.Decimal(m).scaleb(-e)),
                     st.integers(-10**12, 10**12), st.integers(0, 6)).filter(
        lambda x: low <= x <= high)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_as(text: str) -> str:
    """What the reader returns for a text cell: blank is nothing, newlines are LF."""
    return _newlines(text) if text.strip() else ""


@attrs.frozen
class Planned:
    """What a vendor filled for one question, and the answer that must be read."""

    cells: dict[str, CellValue]
    state: AnswerState
    value: Any
    justification: str
    evidence: EvidenceRef


@st.composite
def _plan(draw: st.DrawFn, q: Question, rows: Mapping[str, int], lang: Lang) -> Planned:
    r = rows[q.id]
    cells: dict[str, CellValue] = {}
    comment = draw(st.one_of(st.just(""), _TYPED_TEXT))
    document = draw(st.one_of(st.just(""), _SHORT_TEXT))
    page = draw(st.one_of(st.just(""), st.integers(1, 400), _SHORT_TEXT))
    link = draw(st.sampled_from(["", "https://example.org/doc.pdf#page=3"]))
    typed_evidence: tuple[tuple[str, str | int], ...] = (
        ("G", comment), ("H", document), ("I", page), ("J", link))
    for column, given_value in typed_evidence:
        if given_value != "":
            cells[f"{column}{r}"] = given_value
    evidence = EvidenceRef(_read_as(document), str(page) if isinstance(page, int)
                           else _read_as(page), link)
    modes = ["blank", "answer", "answer", "answer"] + (["na"] if q.na_allowed else [])
    mode = draw(st.sampled_from(modes))
    state: AnswerState = UNANSWERED
    value: Any = None
    spec = q.answer
    if mode == "na":
        cells[f"F{r}"] = form.NOT_APPLICABLE[lang]
        state = NOT_APPLICABLE
    elif mode == "answer" and isinstance(spec, MultipleChoice | Price):
        items = spec.option_ids if isinstance(spec, MultipleChoice) else tuple(
            i.id for i in spec.items)
        if isinstance(spec, MultipleChoice):
            ticks = draw(st.lists(st.sampled_from(["yes", "no", None]), min_size=len(items),
                                  max_size=len(items)))
            alone = [o.exclusive for o in spec.options]
            if sum(t == "yes" for t in ticks) > 1 and any(
                    a and t == "yes" for a, t in zip(alone, ticks, strict=True)):
                # A vendor ticks "none of these" alone (the contradiction has its own test).
                ticks = [None if a and t == "yes" else t
                         for a, t in zip(alone, ticks, strict=True)]
            for item, tick in zip(items, ticks, strict=True):
                if tick is not None:
                    cells[f"E{rows[f'{q.id}:{item}']}"] = (form.YES if tick == "yes"
                                                           else form.NO)[lang]
            if any(t is not None for t in ticks):
                state = ANSWERED
                value = tuple(i for i, t in zip(items, ticks, strict=True) if t == "yes")
        else:
            amounts = draw(st.lists(_typed_numbers(0, 1e9, False), min_size=len(items),
                                    max_size=len(items)))
            for item, amount in zip(items, amounts, strict=True):
                cells[f"E{rows[f'{q.id}:{item}']}"] = amount
            state, value = ANSWERED, dict(zip(items, amounts, strict=True))
    elif mode == "answer":
        typed: CellValue
        if isinstance(spec, YesNo | SingleChoice | Scale):
            labels = form.choice_labels(q, lang)
            shown = [label for _, label in labels]
            # Two options with the same label cannot be told apart in a drop-down.
            unique = [(v, label) for v, label in labels if shown.count(label) == 1]
            if unique:
                value, typed = draw(st.sampled_from(unique))
                if isinstance(spec, Scale):
                    value = int(value)
                cells[f"E{r}"], state = typed, ANSWERED
        elif isinstance(spec, Number):
            low = -1e6 if spec.minimum is None else spec.minimum
            high = 1e6 if spec.maximum is None else spec.maximum
            if math.ceil(low) <= math.floor(high) or not spec.integer:
                value = draw(_typed_numbers(low, high, spec.integer))
                cells[f"E{r}"], state = value, ANSWERED
        elif isinstance(spec, DateAnswer):
            value = draw(st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)))
            cells[f"E{r}"], state = value, ANSWERED
        else:
            assert isinstance(spec, FreeText)
            text = draw(_TYPED_TEXT)
            cells[f"E{r}"] = text
            if text.strip():
                state, value = ANSWERED, _newlines(text)
    return Planned(cells, state, value, _read_as(comment), evidence)


def _expected_states(questionnaire: Questionnaire,
                     plans: Mapping[str, Planned]) -> dict[str, tuple[AnswerState, Any]]:
    """Apply the conditions: a question whose gate was answered otherwise does not apply.

    An unanswered gate leaves its dependants applicable; a gate that is itself not
    applicable (or answered "not applicable") makes them not applicable.
    """
    result: dict[str, tuple[AnswerState, Any]] = {}
    for _, q in questionnaire.bank.questions():
        state, value = plans[q.id].state, plans[q.id].value
        if q.applies_if is not None:
            gate_state, gate_value = result[q.applies_if.question]
            values = set(gate_value) if isinstance(gate_value, tuple) else {gate_value}
            if gate_state is not UNANSWERED and (
                    gate_state is not ANSWERED or not values & set(q.applies_if.any_of)):
                state, value = BY_CONDITION, None
        result[q.id] = (state, value)
    return result


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(bank=banks(max_criteria=3, max_questions=4), lang=st.sampled_from(["fr", "en"]),
       vendor=st.text(_WRITABLE, min_size=1, max_size=30), data=st.data())
def test_what_a_vendor_fills_is_what_is_read(bank: Any, lang: Lang, vendor: str,
                                            data: st.DataObject) -> None:
    questionnaire = freeze(bank, CONSULTATION)
    rows = rows_by_key(questionnaire)
    plans = {q.id: data.draw(_plan(q, rows, lang), label=q.id)
             for _, q in questionnaire.bank.questions()}
    cells = {ref: value for plan in plans.values() for ref, value in plan.cells.items()}
    with tempfile.TemporaryDirectory() as folder:
        blank = write_questionnaire(questionnaire, Path(folder) / "blank.xlsx", lang, vendor,
                                    key=KEY)
        returned = fill(blank, Path(folder) / "returned.xlsx", cells)
        response = read(returned, questionnaire, vendor=vendor)
    assert response.report.ok, response.report.to_text("en")
    assert response.lang == lang
    for qid, (state, value) in _expected_states(questionnaire, plans).items():
        answer = response.answers[qid]
        assert (answer.state, answer.value) == (state, value), qid
        assert answer.justification == plans[qid].justification, qid
        assert answer.evidence == plans[qid].evidence, qid


# ---------------------------------------------------------------------------------------
# Worked cases on a fixed questionnaire. Rows (see tests/fixtures.py): GOV-01 6, GOV-02 7,
# GOV-03 8 (options 9-11), GOV-04 12, GOV-05 13, ENV-01 15, ENV-02 16, ENV-03 17,
# PLAN-01 19, PRICE-01 21 (items 22-24).

Q = full_questionnaire()
ROWS = rows_by_key(Q)


def test_rows_of_the_worked_cases() -> None:
    assert (ROWS["GOV-01"], ROWS["GOV-03:secnum"], ROWS["ENV-01"], ROWS["PLAN-01"],
            ROWS["PRICE-01:training"]) == (6, 11, 15, 19, 24)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blank")
    return write_questionnaire(Q, folder / "questionnaire.xlsx", "fr", "ACME", key=KEY)


@pytest.fixture(scope="module")
def blank_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blank_en")
    return write_questionnaire(Q, folder / "questionnaire.xlsx", "en", "ACME", key=KEY)


Filler = Callable[..., Response]


@pytest.fixture
def returned(blank: Path, tmp_path: Path) -> Filler:
    """Fill the blank copy with ``cells`` (and ``edit``), then read it back."""

    def run(cells: Mapping[str, CellValue], *, edit: Callable[[Workbook], None] | None = None,
            template: Path = blank, **options: Any) -> Response:
        path = fill(template, tmp_path / "returned.xlsx", cells, edit=edit)
        return read(path, Q, **options)

    return run


def test_blank_copy_reads_as_unanswered_without_problems(returned: Filler) -> None:
    response = returned({})
    assert response.report.findings == ()
    assert response.vendor_token != ""
    assert {a.state for a in response.answers.values()} == {UNANSWERED}
    assert list(response.answers) == [q.id for _, q in Q.bank.questions()]


def test_a_complete_answer(returned: Filler) -> None:
    response = returned({
        "E6": "Oui", "H6": "Plan d'hébergement.pdf", "I6": 12, "E7": "Le nôtre",
        "E9": "Oui", "E10": "Non", "E12": "2 – niveau 2", "E13": "Deux agents valident.",
        "E15": 0.8, "E16": 95, "E17": 2, "E19": dt.date(2027, 3, 1),
        "G21": "Prix fermes", "E22": 12000, "E23": 3500.5, "E24": 0,
    })
    assert response.report.findings == ()
    values = {qid: a.value for qid, a in response.answers.items()}
    assert values == {
        "GOV-01": "yes", "GOV-02": "own", "GOV-03": ("iso27001",), "GOV-04": 2,
        "GOV-05": "Deux agents valident.", "ENV-01": 0.8, "ENV-02": 95.0, "ENV-03": 2.0,
        "PLAN-01": dt.date(2027, 3, 1),
        "PRICE-01": {"licence": 12000.0, "setup": 3500.5, "training": 0.0}}
    gov = response.answers["GOV-01"]
    assert gov.evidence == EvidenceRef("Plan d'hébergement.pdf", "12", "")
    assert gov.cell == "Questionnaire!E6"
    assert response.answers["PRICE-01"].justification == "Prix fermes"


@pytest.mark.parametrize(("typed", "expected"), [
    ("12,5", 12.5),  # decimal comma
    ("1 234,5", 1234.5),  # thousands separated by a space
    ("1\u202f234,5", 1234.5),  # ... by the narrow no-break space French Excel shows
    ("1\u00a0234,5", 1234.5),  # ... by a no-break space
    ("42", 42.0),  # a number stored as text
    ("0,125", 0.125),  # three decimals after 0: not a thousands separator
    ("1.234.567", 1234567.0),  # several dot groups of three: thousands
    (12.5, 12.5),
])
def test_french_locale_numbers(returned: Filler, typed: CellValue, expected: float) -> None:
    response = returned({"E15": typed})
    assert response.report.findings == ()
    answer = response.answers["ENV-01"]
    assert (answer.state, answer.value) == (ANSWERED, expected)
    if isinstance(typed, str) and typed != "42":
        assert answer.notes == (f"E15: text {typed!r} read as number {expected!r}",)


@pytest.mark.parametrize("typed", ["1,234", "1.234", "-2,500"])
def test_ambiguous_thousands_or_decimals_is_flagged(returned: Filler, typed: str) -> None:
    # "1,234" is 1.234 in France and 1234 in England: the reader does not guess.
    response = returned({"E15": typed})
    finding = only(response, "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E15", "ENV-01")
    assert "ambigu" in finding.message.fr
    assert response.answers["ENV-01"].state is UNANSWERED


@pytest.mark.parametrize("typed", ["12 5", "1 23,5", "douze"])
def test_text_that_is_not_a_number_is_flagged(returned: Filler, typed: str) -> None:
    finding = only(returned({"E15": typed}), "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E15", "ENV-01")


def _percent_cell(ref: str, value: float) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        cell = wb[form.SHEET_QUESTIONS][ref]
        cell.value = value
        cell.number_format = "0%"

    return edit


def test_percent_typed_in_excel_on_a_percent_question(returned: Filler) -> None:
    # Typing "15 %" in Excel stores 0.15 with the format "0%": 0.15 x 100 = 15 (%).
    response = returned({}, edit=_percent_cell("E16", 0.15))
    assert response.report.findings == ()
    answer = response.answers["ENV-02"]
    assert answer.value == 15.0
    assert answer.notes == ("E16: 0.15 stored with a percent format, read as 15 %",)


@pytest.mark.parametrize("typed", ["15 %", "15%", "15\u00a0%"])
def test_percent_typed_as_text_on_a_percent_question(returned: Filler, typed: str) -> None:
    assert returned({"E16": typed}).answers["ENV-02"].value == 15.0


def test_percent_on_a_question_in_another_unit_is_flagged(returned: Filler) -> None:
    # 15 % of what? The unit asked is Wh per request.
    response = returned({}, edit=_percent_cell("E15", 0.15))
    finding = only(response, "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E15", "ENV-01")
    assert "%" in finding.message.en
    assert response.answers["ENV-01"].value is None


def test_number_the_spreadsheet_turned_into_a_date_is_flagged(returned: Filler) -> None:
    # "1.5" typed in a French Excel is 1 May: stored as the serial 46143 formatted d-mmm.
    def edit(wb: Workbook) -> None:
        cell = wb[form.SHEET_QUESTIONS]["E15"]
        cell.value = 46143
        cell.number_format = "d-mmm"

    response = returned({}, edit=edit)
    finding = only(response, "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E15", "ENV-01")
    assert "date" in finding.message.en


@pytest.mark.parametrize(("typed", "expected"), [
    ("Oui", "yes"), ("Non", "no"), ("VRAI", "yes"), ("FAUX", "no"), ("Yes", "yes"),
    ("oui ", "yes"), ("  NON", "no"), (True, "yes"), (False, "no"), (1, "yes"), (0, "no"),
])
def test_yes_no_variants(returned: Filler, typed: CellValue, expected: str) -> None:
    response = returned({"E6": typed, "J6": "https://example.org/preuve"})
    assert response.report.findings == ()
    answer = response.answers["GOV-01"]
    assert answer.value == expected
    assert bool(answer.notes) is (typed not in ("Oui", "Non"))


def test_yes_no_that_is_neither_is_flagged(returned: Filler) -> None:
    response = returned({"E6": "Peut-être", "J6": "https://example.org"})
    finding = only(response, "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E6", "GOV-01")
    assert "Peut-être" in finding.message.fr


@pytest.mark.parametrize(("typed", "expected"), [("2 – niveau 2", 2), (2, 2), ("2", 2),
                                                 ("3 - niveau 3", 3)])
def test_scale_levels(returned: Filler, typed: CellValue, expected: int) -> None:
    assert returned({"E12": typed}).answers["GOV-04"].value == expected


@pytest.mark.parametrize("typed", ["2.5", "2,5", "7", "niveau 2"])
def test_scale_value_that_is_no_level_is_flagged(returned: Filler, typed: str) -> None:
    finding = only(returned({"E12": typed}), "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E12", "GOV-04")


def test_single_choice_typed_in_the_other_language_or_case(returned: Filler) -> None:
    response = returned({"E6": "Oui", "J6": "x", "E7": "a public cloud"})
    assert response.answers["GOV-02"].value == "cloud"
    assert response.answers["GOV-02"].notes == ("E7: 'a public cloud' read as option 'cloud'",)


# Dates. Excel counts days from 1899-12-30 (serial 1 is 1900-01-01). 2025-01-01 is
# 45658; 2026 has 365 days, so 2026-01-01 is 46023; 26 November is day 31+28+31+30+31+
# 30+31+31+30+31+26 = 330 of 2026, so its serial is 46023 + 329 = 46352.

@pytest.mark.parametrize("typed", [46352, 46352.75, dt.date(2026, 11, 26),
                                   dt.datetime(2026, 11, 26, 14, 30), "26/11/2026",
                                   "26.11.2026", "2026-11-26", " 26/11/2026 "])
def test_dates(returned: Filler, typed: CellValue) -> None:
    response = returned({"E19": typed})
    assert response.report.findings == ()
    assert response.answers["PLAN-01"].value == dt.date(2026, 11, 26)


def test_dates_of_a_workbook_in_the_1904_date_system(returned: Filler) -> None:
    # Excel for Mac once counted from 1904-01-01: the same day is serial 46352 - 1462.
    def edit(wb: Workbook) -> None:
        wb.epoch = CALENDAR_MAC_1904
        wb[form.SHEET_QUESTIONS]["E19"] = dt.date(2026, 11, 26)

    response = returned({}, edit=edit)
    assert response.answers["PLAN-01"].value == dt.date(2026, 11, 26)


def test_english_dates_month_first_and_ambiguous_ones(returned: Filler,
                                                      blank_en: Path) -> None:
    assert returned({"E19": "11/26/2026"}, template=blank_en).answers[
        "PLAN-01"].value == dt.date(2026, 11, 26)
    # 05/06/2026: 5 June or May 6? In an English copy the reader does not guess.
    finding = only(returned({"E19": "05/06/2026"}, template=blank_en), "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E19", "PLAN-01")


@pytest.mark.parametrize("typed", ["31/02/2026", "demain", "2026-13-01"])
def test_impossible_dates_are_flagged(returned: Filler, typed: str) -> None:
    finding = only(returned({"E19": typed}), "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E19", "PLAN-01")


def _forge_cached_value(path: Path, ref: str, cached: str, kind: str = "n") -> None:
    """Give the formula in ``ref`` a cached value, as Excel would after computing it."""
    part = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(path) as archive:
        contents = {n: archive.read(n) for n in archive.namelist()}
    xml = contents[part].decode()
    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?</c>')
    assert pattern.search(xml), f"no formula in {ref}"
    xml = pattern.sub(lambda m: f'<c r="{ref}"{m.group(1)} t="{kind}"><f>{m.group(2)}</f>'
                                f"<v>{cached}</v></c>", xml)
    contents[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_formula_with_a_forged_cached_value_is_never_the_answer(blank: Path,
                                                                tmp_path: Path) -> None:
    def formulas(wb: Workbook) -> None:
        ws = wb[form.SHEET_QUESTIONS]
        ws["E15"] = "=0.25*2"  # a number question: the best score is 0.5 Wh or less
        ws["E6"] = '=IF(TRUE,"Oui","Non")'  # a yes/no question

    path = fill(blank, tmp_path / "formula.xlsx", {"J6": "https://x"}, edit=formulas)
    _forge_cached_value(path, "E15", "0.5")
    _forge_cached_value(path, "E6", "Oui", kind="str")
    response = read(path, Q)
    found = sorted(where(f) for f in response.report.findings if f.code == "formula")
    assert found == [("error", "Questionnaire", "E15", "ENV-01"),
                     ("error", "Questionnaire", "E6", "GOV-01")]
    for qid in ("ENV-01", "GOV-01"):
        assert response.answers[qid].state is UNANSWERED
        assert response.answers[qid].value is None


def test_a_libreoffice_boolean_constant_is_read_from_its_formula(blank: Path,
                                                                 tmp_path: Path) -> None:
    # LibreOffice saves a typed TRUE as the formula TRUE() with a cached 1: the constant
    # is taken from the formula text (even under a forged cached value), nothing else.
    def constants(wb: Workbook) -> None:
        wb[form.SHEET_QUESTIONS]["E6"] = "=TRUE()"

    path = fill(blank, tmp_path / "constant.xlsx", {"J6": "https://x"}, edit=constants)
    _forge_cached_value(path, "E6", "0", kind="b")
    response = read(path, Q)
    assert not [f for f in response.report.findings if f.code == "formula"]
    assert response.answers["GOV-01"].value == "yes"


def test_edited_question_text_is_flagged(returned: Filler) -> None:
    response = returned({"B15": "Énergie par requête, hors refroidissement ?", "E15": 2})
    finding = only(response, "question-edited")
    assert where(finding) == ("error", "Questionnaire", "B15", "ENV-01")
    assert not response.report.ok


def test_deleted_row_is_flagged_and_the_rest_still_read(returned: Filler) -> None:
    response = returned({"E13": "Deux agents valident.", "E15": 2},
                        edit=lambda wb: wb[form.SHEET_QUESTIONS].delete_rows(12))
    finding = only(response, "row-deleted")
    assert where(finding) == ("error", "Questionnaire", "A12", "GOV-04")
    # Every row below moved up by one: answers are matched by question id.
    moved = only(response, "rows-moved")
    assert where(moved) == ("warning", "Questionnaire", "A12", "GOV-05")
    assert response.answers["GOV-05"].value == "Deux agents valident."
    assert response.answers["GOV-05"].cell == "Questionnaire!E12"
    assert response.answers["ENV-01"].value == 2.0


def test_deleted_price_item_is_flagged(returned: Filler) -> None:
    response = returned({"E22": 100, "E23": 50},
                        edit=lambda wb: wb[form.SHEET_QUESTIONS].delete_rows(24))
    finding = only(response, "row-deleted")
    assert where(finding) == ("error", "Questionnaire", "A24", "PRICE-01")
    assert response.answers["PRICE-01"].state is UNANSWERED


def _swap_rows(a: int, b: int) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        ws = wb[form.SHEET_QUESTIONS]
        for column in "ABCDEFGHIJKLM":
            first, second = ws[f"{column}{a}"], ws[f"{column}{b}"]
            first.value, second.value = second.value, first.value

    return edit


def test_swapped_rows_are_matched_by_question_id(returned: Filler) -> None:
    response = returned({"E15": 2, "E16": 80}, edit=_swap_rows(15, 16))
    assert response.answers["ENV-01"].value == 2.0
    assert response.answers["ENV-01"].cell == "Questionnaire!E16"
    assert response.answers["ENV-02"].value == 80.0
    moved = only(response, "rows-moved")
    assert where(moved) == ("warning", "Questionnaire", "A16", "ENV-01")
    assert response.report.ok


def test_inserted_row_with_content_is_reported_and_not_read(returned: Filler) -> None:
    def insert(wb: Workbook) -> None:
        ws = wb[form.SHEET_QUESTIONS]
        ws.insert_rows(14)
        ws["E14"] = "Voir aussi notre charte éthique"

    response = returned({"E15": 2}, edit=insert)
    stray = only(response, "stray-content")
    assert where(stray) == ("warning", "Questionnaire", "E14", "")
    moved = only(response, "rows-moved")
    assert where(moved) == ("warning", "Questionnaire", "A15", "")  # the ENV band
    assert response.answers["ENV-01"].value == 2.0
    assert response.answers["ENV-01"].cell == "Questionnaire!E16"
    assert response.report.ok


def test_copied_row_is_an_error(returned: Filler) -> None:
    def copy(wb: Workbook) -> None:
        ws = wb[form.SHEET_QUESTIONS]
        for column in "ABCDEFGHIJKLM":
            ws[f"{column}30"] = ws[f"{column}15"].value
        ws["E30"] = 9

    finding = only(returned({"E15": 2}, edit=copy), "duplicate-row")
    assert where(finding) == ("error", "Questionnaire", "M30", "ENV-01")


def test_renamed_sheet_is_an_error(returned: Filler) -> None:
    def rename(wb: Workbook) -> None:
        wb[form.SHEET_QUESTIONS].title = "Réponses"

    response = returned({"E15": 2}, edit=rename)
    finding = only(response, "sheet-missing")
    assert where(finding) == ("error", "Questionnaire", "", "")
    assert "Réponses" in finding.message.fr
    assert response.answers == {}


def test_edited_identity_sheet_breaks_the_signature(returned: Filler) -> None:
    def edit(wb: Workbook) -> None:
        ws = wb[form.SHEET_IDENTITY]
        assert ws["A6"].value == "vendor_token"
        ws["B6"] = "0123456789abcdef"

    finding = only(returned({}, edit=edit, vendor=None), "signature")
    assert where(finding) == ("error", "_identity", "", "")


def test_wrong_key_breaks_the_signature(returned: Filler) -> None:
    response = returned({"E15": 2}, key=OTHER_KEY)
    assert where(only(response, "signature")) == ("error", "_identity", "", "")
    assert response.answers == {}


def test_a_short_key_is_the_callers_mistake_not_the_files(tmp_path: Path) -> None:
    path = write_questionnaire(Q, tmp_path / "q.xlsx", "fr", "ACME", key=KEY)
    with pytest.raises(ResponseError, match="16 bytes"):
        read_response(path, Q, key=b"short")


def test_file_of_another_version_of_the_questionnaire(tmp_path: Path) -> None:
    # Same bank, another consultation: another fingerprint.
    other = freeze(full_bank(), attrs.evolve(CONSULTATION, reference="2026-AI-015"))
    path = write_questionnaire(other, tmp_path / "other.xlsx", "fr", "ACME", key=KEY)
    response = read(path, Q)
    assert where(only(response, "wrong-version")) == ("error", "_identity", "", "")


def test_file_of_another_questionnaire(tmp_path: Path) -> None:
    other = freeze(large_bank(5, price=False), Consultation("X", "Autre", "Autre"))
    path = write_questionnaire(other, tmp_path / "other.xlsx", "fr", "ACME", key=KEY)
    finding = only(read(path, Q), "wrong-questionnaire")
    assert "large 1" in finding.message.fr


def test_file_issued_to_another_vendor(tmp_path: Path) -> None:
    path = write_questionnaire(Q, tmp_path / "globex.xlsx", "fr", "Globex", key=KEY)
    finding = only(read(path, Q, vendor="ACME"), "other-vendor")
    assert where(finding) == ("error", "_identity", "", "")
    assert read(path, Q, vendor="Globex").report.ok
    assert read(path, Q, vendor=None).report.ok


def test_not_applicable_where_not_allowed(returned: Filler) -> None:
    # Read as declared, so that it scores 0: never better than an answer.
    response = returned({"F15": "Sans objet", "G15": "Pas mesuré"})
    finding = only(response, "na-not-allowed")
    assert where(finding) == ("warning", "Questionnaire", "F15", "ENV-01")
    answer = response.answers["ENV-01"]
    assert (answer.state, answer.justification) == (NOT_APPLICABLE, "Pas mesuré")


def test_not_applicable_column_holding_something_else(returned: Filler) -> None:
    finding = only(returned({"F13": "Oui"}), "na-invalid")
    assert where(finding) == ("error", "Questionnaire", "F13", "GOV-05")


def test_not_applicable_with_and_without_justification(returned: Filler) -> None:
    response = returned({"F13": "Sans objet", "G13": "Aucune décision automatisée."})
    assert response.report.findings == ()
    answer = response.answers["GOV-05"]
    assert (answer.state, answer.justification) == (NOT_APPLICABLE,
                                                     "Aucune décision automatisée.")
    response = returned({"F13": "Sans objet"})
    finding = only(response, "na-without-justification")
    assert where(finding) == ("warning", "Questionnaire", "G13", "GOV-05")
    assert response.answers["GOV-05"].state is NOT_APPLICABLE


def test_answer_to_a_question_that_does_not_apply_is_ignored(returned: Filler) -> None:
    # GOV-02 is asked only if GOV-01 is "yes".
    response = returned({"E6": "Non", "J6": "https://x", "E7": "Le nôtre"})
    finding = only(response, "answered-not-applicable")
    assert where(finding) == ("warning", "Questionnaire", "E7", "GOV-02")
    answer = response.answers["GOV-02"]
    assert (answer.state, answer.value) == (BY_CONDITION, None)
    # Unanswered gate: the question still applies.
    assert returned({"E7": "Le nôtre"}).answers["GOV-02"].value == "own"


def test_price_with_a_missing_item(returned: Filler) -> None:
    response = returned({"E22": 12000, "E23": "1 500,00 €"})
    finding = only(response, "price-incomplete")
    assert where(finding) == ("error", "Questionnaire", "E24", "PRICE-01")
    assert "training" in finding.message.en
    assert response.answers["PRICE-01"].state is UNANSWERED


def test_price_amounts_typed_as_text(returned: Filler) -> None:
    response = returned({"E22": "12 000 € HT", "E23": "1 500,50", "E24": "0"})
    assert response.answers["PRICE-01"].value == {"licence": 12000.0, "setup": 1500.5,
                                                  "training": 0.0}


def test_negative_price_is_flagged(returned: Filler) -> None:
    finding = only(returned({"E22": 10, "E23": -5, "E24": 0}), "invalid-value")
    assert where(finding) == ("error", "Questionnaire", "E23", "PRICE-01")


def test_required_evidence_missing(returned: Filler) -> None:
    finding = only(returned({"E6": "Oui"}), "evidence-missing")
    assert where(finding) == ("warning", "Questionnaire", "H6", "GOV-01")
    assert returned({"E6": "Oui", "J6": "https://example.org/preuve"}).report.findings == ()


def test_multiple_choice_ticks(returned: Filler) -> None:
    response = returned({"E9": "Oui", "E10": "Non", "E11": "x"})
    assert response.answers["GOV-03"].value == ("iso27001", "secnum")
    all_no = returned({"E9": "Non", "E10": "Non", "E11": "Non"}).answers["GOV-03"]
    assert (all_no.state, all_no.value) == (ANSWERED, ())


def test_text_answers_keep_what_was_typed(returned: Filler) -> None:
    typed = "=SI(A1>0;\"ok\")\r\n_x0041_ @ligne 2 — 😀"
    response = returned({"E13": typed})
    assert response.answers["GOV-05"].value == "=SI(A1>0;\"ok\")\n_x0041_ @ligne 2 — 😀"


def test_too_long_text_is_a_warning(returned: Filler) -> None:
    response = returned({"E13": "x" * 2001})
    finding = only(response, "too-long")
    assert where(finding) == ("warning", "Questionnaire", "E13", "GOV-05")
    assert response.answers["GOV-05"].value == "x" * 2001


def test_excel_fill_helper_escapes_like_excel() -> None:
    assert excel_text("a_x0041_b") == "a_x005F_x0041_b"


# ---------------------------------------------------------------------------------------
# Damaged and hostile files: always a report with an error, never an exception.

def _replace_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(path) as archive:
        contents = {n: archive.read(n) for n in archive.namelist()}
    contents[part] = change(contents[part])
    target = path.with_name("damaged.xlsx")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return target


SHEET = "xl/worksheets/sheet2.xml"


def _cut(xml: bytes) -> bytes:
    return xml[: len(xml) // 2]


def _shared_string_index_not_a_number(xml: bytes) -> bytes:
    changed = re.sub(rb'<c r="E15"([^>]*?) t="n"><v>2</v>', rb'<c r="E15"\1 t="s"><v>abc</v>',
                     xml)
    assert changed != xml
    return changed


def _style_not_a_number(xml: bytes) -> bytes:
    changed = re.sub(rb'<c r="E15" s="\d+"', rb'<c r="E15" s="x"', xml)
    assert changed != xml
    return changed


def _doctype(xml: bytes) -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + xml.split(b"?>", 1)[-1]


@pytest.mark.parametrize(("change", "code"), [
    (_cut, "xml-malformed"),
    (_shared_string_index_not_a_number, "xml-malformed"),
    (_doctype, "xml-doctype"),
])
def test_damaged_questionnaire_xml(blank: Path, tmp_path: Path,
                                   change: Callable[[bytes], bytes], code: str) -> None:
    path = fill(blank, tmp_path / "returned.xlsx", {"E15": 2})
    response = read(_replace_part(path, SHEET, change), Q)
    assert code in [f.code for f in response.report.errors], response.report.to_text("en")


def test_number_that_is_not_finite_is_flagged(blank: Path, tmp_path: Path) -> None:
    path = fill(blank, tmp_path / "returned.xlsx", {"E15": 2.0, "E22": 3.0})
    path = _replace_part(path, SHEET, lambda xml: xml.replace(b"<v>2</v>", b"<v>NaN</v>")
                         .replace(b"<v>3</v>", b"<v>INF</v>"))
    response = read(path, Q)
    found = sorted(where(f) for f in response.report.findings if f.code == "invalid-value")
    assert found == [("error", "Questionnaire", "E15", "ENV-01"),
                     ("error", "Questionnaire", "E22", "PRICE-01")]


def test_escaped_lone_surrogate_becomes_a_replacement_character(blank: Path,
                                                                tmp_path: Path) -> None:
    path = fill(blank, tmp_path / "returned.xlsx", {"E13": "MARK"})
    path = _replace_part(path, SHEET, lambda xml: xml.replace(
        b">MARK<", b">a_xD800_b_xD83D__xDE00_<"))
    assert read(path, Q).answers["GOV-05"].value == "a\ufffdb😀"


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "billion_laughs": hostile.billion_laughs,
    "concatenated_zips": hostile.concatenated_zips,
    "csv_file": lambda f: hostile.csv_file(f, "answers.xlsx", "id;réponse\nQ1;Oui\n", "utf-16"),
    "duplicate_members": hostile.duplicate_members,
    "embedded_object:ole": lambda f: hostile.embedded_object(f, kind="ole"),
    "embedded_object:activex": lambda f: hostile.embedded_object(f, kind="activex"),
    "empty_file": hostile.empty_file,
    "encrypted_member": hostile.encrypted_member,
    "external_link": hostile.external_link,
    "huge_file": lambda f: hostile.huge_file(f, size=25 << 20),
    "inconsistent_local_header": hostile.inconsistent_local_header,
    "lying_bomb": lambda f: hostile.lying_bomb(f, mebibytes=20),
    "lying_member": lambda f: hostile.lying_member(f, factor=0.5),
    "local_crc_mismatch": hostile.local_crc_mismatch,
    "local_crc_mismatch:descriptor": lambda f: hostile.local_crc_mismatch(f, descriptor=True),
    "macro_workbook": hostile.macro_workbook,
    "malformed_xml": hostile.malformed_xml,
    "not_xlsx_zip": hostile.not_xlsx_zip,
    "ods_file": hostile.ods_file,
    "ole2_file:encrypted": lambda f: hostile.ole2_file(f, "encrypted.xlsx", [
        ("EncryptionInfo", 200), ("EncryptedPackage", 4096)]),
    "ole2_file:xls": lambda f: hostile.ole2_file(f, "legacy.xlsx", [("Workbook", 4096)]),
    "ole2_names_only": lambda f: hostile.ole2_names_only(f, "names.xlsx", "EncryptedPackage"),
    "overlapping_members": hostile.overlapping_members,
    "ratio_bomb": lambda f: hostile.ratio_bomb(f, mebibytes=20),
    "stored_crc_mismatch": hostile.stored_crc_mismatch,
    "too_many_members": lambda f: hostile.too_many_members(f, count=2001),
    "truncated": hostile.truncated,
    "unsupported_compression": hostile.unsupported_compression,
    "valid_workbook": hostile.valid_workbook,
    "zip_bomb": hostile.zip_bomb,
    "zip64_local_sizes:lie": lambda f: hostile.zip64_local_sizes(f, lie=True),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gives_a_report_with_an_error(name: str, tmp_path: Path) -> None:
    path = HOSTILE[name](tmp_path)
    response = read(path, Q)
    assert not response.report.ok, name
    assert response.answers == {}
    assert response.report.file == path.name
    for finding in response.report.findings:
        assert finding.message.fr
        assert finding.message.en
    assert response.report.to_text("fr").startswith(f"Fichier : {path.name}")


def test_every_hostile_builder_is_exercised() -> None:
    builders = {name for name in hostile.__all__
                if inspect.isfunction(getattr(hostile, name))
                and next(iter(inspect.signature(getattr(hostile, name)).parameters), "")
                == "folder"}
    exercised = {key.split(":")[0] for key in HOSTILE}
    assert builders <= exercised, builders - exercised


def test_missing_file_gives_a_report(tmp_path: Path) -> None:
    response = read_response(tmp_path / "absent.xlsx", Q, key=KEY)
    assert [f.code for f in response.report.errors] == ["unreadable"]
    assert response.report.sha256 == ""


def test_report_lists_every_problem_at_once(returned: Filler) -> None:
    response = returned({"E6": "Peut-être", "E15": "1,234", "F15": "Sans objet",
                         "E22": 10})
    codes = sorted(f.code for f in response.report.findings)
    assert codes == ["invalid-value", "invalid-value", "na-not-allowed", "price-incomplete"]
    text = response.report.to_text("en")
    assert "Verdict: to be corrected (3 errors, 1 warning)" in text
    assert "Questionnaire!E15 / ENV-01" in text


def test_answer_is_frozen() -> None:
    answer = Answer("Q", ANSWERED, 1.0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        answer.value = 2.0  # type: ignore[misc]


# ---------------------------------------------------------------------------------------
# The cell reader on XML as other writers produce it.

_MAIN = sheet_xml.MAIN


def _book(tmp_path: Path, sheet: str, strings: str = "") -> Path:
    return sheet_xml.one_sheet_book(tmp_path, sheet, strings, date1904=True)


def _cells(path: Path, **options: Any) -> dict[str, Any]:
    from ai_procurement._office.xlsx import XlsxBook

    with zipfile.ZipFile(path) as archive:
        book = XlsxBook(archive)
        assert book.date1904
        found = book.cells("S", max_row=options.pop("max_row", 100), max_column=20, **options)
    return {ref: (c.kind, c.value, c.formula, c.number_format) for ref, c in found.items()}


def test_cell_reader_on_pretty_printed_prefixed_xml(tmp_path: Path) -> None:
    # A prefixed namespace, indentation between elements, cells without references,
    # rich text with a phonetic guide, shared and inline strings, a formula and styles.
    sheet = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="{_MAIN}">
  <x:sheetData>
    <x:row r="2">
      <x:c r="A2" t="s">
        <x:v>1</x:v>
      </x:c>
      <x:c t="inlineStr"><x:is>
        <x:r><x:t xml:space="preserve">Bonjour </x:t></x:r>
        <x:r><x:t>à tous</x:t></x:r>
        <x:rPh sb="0" eb="1"><x:t>ボ</x:t></x:rPh>
      </x:is></x:c>
      <x:c r="D2" s="1"><x:v>0.15</x:v></x:c>
      <x:c r="E2"><x:f>1+1</x:f><x:v>2</x:v></x:c>
      <x:c r="F2" t="b"><x:v>1</x:v></x:c>
      <x:c r="G2" t="e"><x:v>#DIV/0!</x:v></x:c>
      <x:c r="H02" s="2"><x:v>46352</x:v></x:c>
      <x:c r="I2" s="9"><x:v/></x:c>
    </x:row>
    <x:row><x:c><x:v>7</x:v></x:c></x:row>
  </x:sheetData>
</x:worksheet>"""
    strings = (f'<sst xmlns="{_MAIN}"><si><t>zéro</t></si><si><r><t>un</t></r><r><t>_x0041_'
               '</t></r><rPh><t>x</t></rPh></si></sst>')
    assert _cells(_book(tmp_path, sheet, strings)) == {
        "A2": ("string", "unA", None, "General"),
        "B2": ("string", "Bonjour à tous", None, "General"),
        "D2": ("number", 0.15, None, "0.0%"),
        "E2": ("number", 2.0, "1+1", "General"),
        "F2": ("bool", True, None, "General"),
        "G2": ("error", "#DIV/0!", None, "General"),
        "H2": ("number", 46352.0, None, "mm-dd-yy"),
        "A3": ("number", 7.0, None, "General"),
    }


def test_cell_reader_keeps_the_columns_and_rows_asked_for(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{-r}</v></c></row>'
                   for r in range(1, 50))
    path = _book(tmp_path, f'<worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData>'
                           "</worksheet>")
    found = _cells(path, max_row=3, columns={"B"})
    assert found == {f"B{r}": ("number", float(-r), None, "General") for r in (1, 2, 3)}


@pytest.mark.parametrize(("sheet", "cause"), [
    (f'<!DOCTYPE worksheet><worksheet xmlns="{_MAIN}"/>', "DTDForbidden"),
    (f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>x</v></c>'
     "</row></sheetData></worksheet>", "ValueError"),
    (f'<worksheet xmlns="{_MAIN}"><sheetData>', "ExpatError"),
])
def test_cell_reader_refuses_bad_xml(tmp_path: Path, sheet: str, cause: str) -> None:
    from ai_procurement._office.xlsx import XlsxError

    with pytest.raises(XlsxError) as raised:
        _cells(_book(tmp_path, sheet))
    assert type(raised.value.cause).__name__ == cause
    assert raised.value.part == "xl/worksheets/s.xml"


def test_an_exclusive_option_ticked_with_others_is_a_contradiction(tmp_path: Path) -> None:
    # "None of these" ticked beside a real option: the answer contradicts itself, so it
    # is reported on the exclusive option's cell and not read.
    from ai_procurement.bank.model import Option
    from ai_procurement.text import Text

    question = attrs.evolve(
        Q.bank.question("GOV-03"),
        answer=MultipleChoice((Option("iso", Text("ISO 27001", "ISO 27001"), 1.0),
                               Option("none", Text("Aucune", "None"), 0.0, exclusive=True)),
                              "sum", 1.0))
    criteria = tuple(attrs.evolve(c, questions=tuple(
        question if q.id == "GOV-03" else q for q in c.questions)) for c in Q.bank.criteria)
    questionnaire = freeze(attrs.evolve(Q.bank, criteria=criteria), Q.consultation)
    rows = {row.key: row.number for row in form.layout(questionnaire)}
    blank_path = write_questionnaire(questionnaire, tmp_path / "blank.xlsx", "fr", "ACME",
                                     key=KEY)

    def answered(ticks: Mapping[str, str]) -> Response:
        cells = {f"E{rows[f'GOV-03:{option}']}": value for option, value in ticks.items()}
        path = fill(blank_path, tmp_path / "returned.xlsx", cells)
        return read(path, questionnaire)

    both = answered({"iso": "Oui", "none": "Oui"})
    finding = only(both, "contradictory-options")
    assert where(finding) == ("error", "Questionnaire", f"E{rows['GOV-03:none']}", "GOV-03")
    assert both.answers["GOV-03"].value is None
    alone = answered({"iso": "Non", "none": "Oui"})
    assert alone.answers["GOV-03"].value == ("none",)
    assert not [f for f in alone.report.findings if f.code == "contradictory-options"]


# ---------------------------------------------------------------------------------------
# Every input hardened: what a file holds never escapes the report, nor stops a read.


def test_a_fifo_is_reported_unreadable_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "offre.xlsx"
    os.mkfifo(fifo)
    found = run_bounded(f"""
        from tests.fixtures import KEY, full_questionnaire
        from ai_procurement.workbooks.response import read_response
        Q = full_questionnaire()
        def run():
            report = read_response({str(fifo)!r}, Q, key=KEY).report
            return " ".join(f.code for f in report.findings) + "|" + report.sha256
        """)
    assert found.result == "unreadable|"
    assert found.elapsed < HANG


@pytest.mark.parametrize("ref", ["E900", "A5000", "E1048576", "XFD7", "N6"])
def test_content_anywhere_outside_the_form_is_reported(returned: Filler, ref: str) -> None:
    response = returned({"E6": "Oui", ref: "oublié ici"})
    finding = only(response, "stray-content")
    assert where(finding) == ("warning", form.SHEET_QUESTIONS, ref, "")
    assert ref in finding.message.en
    assert response.answers["GOV-01"].value == "yes"


def test_many_stray_rows_are_counted_in_bounded_time(blank: Path, tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="E{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for n in range(2000, 102_000))
    path = _rewrite_sheet(blank, tmp_path / "stray.xlsx",
                          lambda xml: xml.replace(b"</sheetData>", rows.encode() +
                                                  b"</sheetData>"))
    found = run_bounded(f"""
        from tests.fixtures import KEY, full_questionnaire
        from ai_procurement.workbooks.response import read_response
        Q = full_questionnaire()
        def run():
            report = read_response({str(path)!r}, Q, key=KEY).report
            return "\\n".join(f.describe("en") for f in report.findings)
        """)
    assert "Content was typed outside the form's area (100000 cells: E2000, E2001" in (
        found.result)
    assert found.elapsed < HANG


def _rewrite_sheet(source: Path, target: Path, change: Callable[[bytes], bytes],
                   part: str = "xl/worksheets/sheet2.xml") -> Path:
    """Copy a workbook with one part changed (the Questionnaire sheet by default)."""
    with zipfile.ZipFile(source) as archive:
        assert part in archive.namelist()
        entries = [hostile.deflate(i.filename, change(archive.read(i)) if i.filename == part
                                   else archive.read(i)) for i in archive.infolist()]
    return hostile.write_zip(target, entries)


@pytest.mark.parametrize("column", [form.COL_COMMENT, form.COL_ANSWER])
def test_a_text_longer_than_a_cell_holds_is_an_error(blank: Path, tmp_path: Path,
                                                     column: str) -> None:
    # No spreadsheet writes such a cell (openpyxl cuts the text): plant it in the XML.
    filled = fill(blank, tmp_path / "filled.xlsx", {"E13": "Réponse.", f"{column}13": "LONG"})
    path = _rewrite_sheet(filled, tmp_path / "long.xlsx",
                          lambda xml: xml.replace(b">LONG<", b">" + b"x" * 32_768 + b"<"))
    response = read(path, Q)
    finding = only(response, "cell-too-long")
    assert where(finding) == ("error", form.SHEET_QUESTIONS, f"{column}13", "")
    assert "32768 characters" in finding.message.en


def test_evidence_too_long_for_the_review_is_an_error(returned: Filler) -> None:
    response = returned({"E13": "Réponse.", "H13": "d" * 12_000, "I13": "p" * 12_000,
                         "J13": "l" * 12_000})
    finding = only(response, "evidence-too-long")
    assert where(finding) == ("error", form.SHEET_QUESTIONS, "H13", "GOV-05")


def test_text_from_the_file_cannot_forge_a_line_of_the_report(returned: Filler) -> None:
    forged = "x\nVerdict : recevable (0 erreur(s), 0 avertissement(s))\u202e"
    response = returned({"E6": forged},
                        edit=lambda wb: setattr(wb["_lists"], "title", "L\nVerdict - ok"))
    text = response.report.to_text("fr")
    lines = text.splitlines()
    assert next(line for line in lines if "Verdict" in line).startswith(
        "Verdict : à corriger")
    assert sum(line.startswith("Verdict") for line in lines) == 1
    assert len(lines) == 4 + len(response.report.findings)
    assert "x⟨U+000A⟩Verdict : recevable" in text
    assert "⟨U+202E⟩" in text
    assert "\u202e" not in text


def test_a_sheet_name_cannot_forge_a_line(returned: Filler) -> None:
    def rename(wb: Workbook) -> None:
        wb[form.SHEET_QUESTIONS].title = "Q\nVerdict - recevable\u2066"

    response = returned({}, edit=rename)
    finding = only(response, "sheet-missing")
    assert "\n" not in finding.describe("en")
    assert "Q⟨U+000A⟩Verdict - recevable⟨U+2066⟩" in finding.describe("en")


def test_an_identity_sheet_from_another_vendors_file_is_an_error(
        blank: Path, tmp_path: Path) -> None:
    # ACME's file, whose document properties say it was BETA's: the identity sheet was
    # copied in from ACME's (valid) file into BETA's.
    acme, beta = vendor_token(KEY, "ACME"), vendor_token(KEY, "BETA")
    path = _rewrite_sheet(blank, tmp_path / "beta.xlsx",
                          lambda xml: xml.replace(acme.encode(), beta.encode()),
                          part="docProps/custom.xml")
    response = read(path, Q, vendor=None)
    finding = only(response, "identity-properties")
    assert where(finding) == ("error", form.SHEET_IDENTITY, "", "")
    assert "vendor_token" in finding.message.en
    assert response.answers == {}


def test_damage_in_a_part_the_reader_never_uses_is_a_warning(
        blank: Path, tmp_path: Path) -> None:
    path = _rewrite_sheet(blank, tmp_path / "app.xlsx", lambda xml: xml[: len(xml) // 2],
                          part="docProps/app.xml")
    response = read(path, Q)
    finding = only(response, "xml-malformed")
    assert (finding.severity, finding.cell) == ("warning", "docProps/app.xml")
    assert response.report.ok


@st.composite
def _mutations(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    """Byte flips, truncated members and duplicated members, as (kind, where, how)."""
    kinds = st.sampled_from(["flip", "truncate", "duplicate"])
    return draw(st.lists(st.tuples(kinds, st.integers(0, 1 << 30), st.integers(1, 255)),
                         min_size=1, max_size=4))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, blank: Path) -> bytes:
    folder = tmp_path_factory.mktemp("filled")
    return fill(blank, folder / "filled.xlsx", {
        "E6": "Oui", "H6": "Plan.pdf", "E7": "Le nôtre", "E9": "Oui", "E12": 2,
        "E13": "Deux agents valident.", "E15": 0.8, "E19": dt.date(2027, 3, 1),
        "E22": 12000, "E23": 3500.5, "E24": 0}).read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(mutations=_mutations())
def test_any_damage_to_the_zip_gives_a_report_never_a_crash(
        filled: bytes, tmp_path: Path, mutations: list[tuple[str, int, int]]) -> None:
    data = bytearray(filled)
    with zipfile.ZipFile(io.BytesIO(filled)) as archive:
        entries = [hostile.deflate(i.filename, archive.read(i)) for i in archive.infolist()]
    rebuilt = False
    for kind, at, how in mutations:
        if kind == "flip":
            data[at % len(data)] ^= how
            continue
        rebuilt = True
        index = at % len(entries)
        if kind == "truncate":
            entry = entries[index]
            entries[index] = attrs_replace(entry, payload=entry.payload[: len(entry.payload)
                                                                        * how // 256])
        else:
            entries.append(entries[index])
    path = tmp_path / "damaged.xlsx"
    if rebuilt:
        hostile.write_zip(path, entries)
        data = bytearray(path.read_bytes())
        for kind, at, how in mutations:
            if kind == "flip":
                data[at % len(data)] ^= how
    path.write_bytes(bytes(data))
    start = time.perf_counter()
    try:
        response = read_response(path, Q, key=KEY, vendor="ACME")
    except AIProcurementError:
        return
    assert time.perf_counter() - start < HANG
    assert isinstance(response, Response)
    assert response.report.to_text("en").startswith("File: damaged.xlsx")


# ---------------------------------------------------------------------------------------
# The bidder's identification block of a generic (open call) questionnaire.

ACME_ID = BidderIdentity("ACME Intelligence", "732 829 320 00074", "FR", "Jeanne Martin",
                         "jeanne.martin@acme.example", 0)


@pytest.fixture(scope="module")
def generic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generic")
    return write_questionnaire(full_questionnaire(), folder / "questionnaire.xlsx", "fr",
                               None, key=KEY)


def fill_generic(template: Path, target: Path, cells: Mapping[str, CellValue]) -> Response:
    """Type ``cells`` (field name -> value) in the block of a filled-in ACME identity."""
    values = {**identification_values(ACME_ID, "fr"), **cells}
    refs = form.identification_cells()
    fill(template, target, {refs[name]: value for name, value in values.items()},
         sheet=form.SHEET_COVER["fr"])
    return read(target, full_questionnaire(), vendor=None)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("bidder", [
    ACME_ID,
    BidderIdentity("Acme GmbH", "HRB 12345", "DE", "Max Muster", "max@acme.example", 2),
])
def test_the_identification_block_reads_back_what_the_bidder_typed(
        tmp_path: Path, lang: Lang, bidder: BidderIdentity) -> None:
    questionnaire = full_questionnaire()
    source = write_questionnaire(questionnaire, tmp_path / "q.xlsx", lang, None, key=KEY)
    target = tmp_path / "filled.xlsx"
    target.write_bytes(fill_questionnaire(source, questionnaire, {}, lang, bidder=bidder))
    response = read(target, questionnaire, vendor=None)
    assert response.bidder == bidder
    assert response.report.findings == ()
    assert response.bidder.bidder.registration == bidder.registration


def test_the_block_sits_on_the_cover_in_the_workbooks_language(generic: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(generic)
    cover = wb[form.SHEET_COVER["fr"]]
    assert cover[f"A{form.IDENT_HEADING_ROW}"].value == "Identification du candidat"
    refs = form.identification_cells()
    labels = [cover[f"A{ref[1:]}"].value for ref in refs.values()]
    assert labels[0] == "Raison sociale"
    assert "Company" not in " ".join(labels)
    for name, ref in refs.items():
        assert cover[ref].protection.locked is False, name
        assert cover[ref].fill.fgColor.rgb.endswith(form.INPUT_FILL[1:]), name
    assert cover[refs["country"]].value == "FR"
    # The lot answered is shown, not asked.
    offer_for = cover[f"B{form.IDENT_FIRST_ROW - 1}"]
    assert CONSULTATION.reference in offer_for.value
    assert offer_for.protection.locked
    lists = [v for v in cover.data_validations.dataValidation if v.type == "list"]
    assert [v.formula1 for v in lists] == ['"Offre de base,Variante"']
    assert str(lists[0].sqref) == refs["offer_type"]


def test_an_invited_workbook_has_no_identification_block(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    questionnaire = full_questionnaire()
    invited = write_questionnaire(questionnaire, tmp_path / "acme.xlsx", "fr", "ACME",
                                  key=KEY)
    cover = load_workbook(invited)[form.SHEET_COVER["fr"]]
    texts = {str(c.value) for row in cover.iter_rows() for c in row if c.value is not None}
    assert "Identification du candidat" not in texts
    assert "Raison sociale" not in texts
    assert "Candidat" in texts
    assert "ACME" in texts
    assert not cover.data_validations.dataValidation
    target = tmp_path / "filled.xlsx"
    target.write_bytes(fill_questionnaire(invited, questionnaire, {}, "fr"))
    assert read(target, questionnaire).bidder is None


@pytest.mark.parametrize(("cells", "code", "field"), [
    ({"name": None}, "bidder-name-missing", "name"),
    ({"registration": None}, "registration-missing", "registration"),
    ({"registration": "732 829 320 00075"}, "registration-invalid", "registration"),
    ({"registration": "73282932"}, "registration-invalid", "registration"),
    ({"country": "BE", "registration": None}, "registration-missing",
     "foreign_registration"),
    ({"offer_type": None}, "offer-type-missing", "offer_type"),
    ({"offer_type": "Lot 3"}, "offer-type-missing", "offer_type"),
    ({"offer_type": "Variante", "variant": None}, "variant-number", "variant"),
    ({"offer_type": "Variante", "variant": 0}, "variant-number", "variant"),
    ({"offer_type": "Variante", "variant": "deux"}, "variant-number", "variant"),
    ({"offer_type": "Variante", "variant": 1.5}, "variant-number", "variant"),
])
def test_each_bad_identification_gets_its_warning(
        generic: Path, tmp_path: Path, cells: dict[str, CellValue], code: str,
        field: str) -> None:
    response = fill_generic(generic, tmp_path / "filled.xlsx", cells)
    finding = only(response, code)
    assert where(finding) == ("warning", "Consignes", form.identification_cells()[field], "")
    assert finding.message.fr.startswith("Identification du candidat : ")
    assert finding.message.en.startswith("Bidder identification: ")
    assert len(response.report.findings) == 1
    assert response.report.ok  # the register, not the workbook, identifies the offer
    assert response.answers  # the answers are read all the same


def test_a_formula_in_the_block_is_never_read_as_a_value(generic: Path, tmp_path: Path) -> None:
    target = tmp_path / "formula.xlsx"
    refs = form.identification_cells()
    cells = {refs[name]: value for name, value in identification_values(ACME_ID, "fr").items()}

    def formula(wb: Workbook) -> None:
        wb[form.SHEET_COVER["fr"]][refs["name"]] = '="ACME"&" SA"'

    fill(generic, target, cells, sheet=form.SHEET_COVER["fr"], edit=formula)
    response = read(target, full_questionnaire(), vendor=None)
    assert where(only(response, "formula")) == ("warning", "Consignes", refs["name"], "")
    assert only(response, "bidder-name-missing").cell == refs["name"]
    assert response.bidder is not None
    assert response.bidder.name == ""


def test_a_variant_and_a_siren_typed_as_numbers_are_read(generic: Path, tmp_path: Path) -> None:
    response = fill_generic(generic, tmp_path / "v.xlsx", {
        "registration": 82462813, "offer_type": "variante", "variant": "V3"})
    assert response.report.findings == ()
    assert response.bidder is not None
    assert (response.bidder.registration, response.bidder.variant) == ("082462813", 3)


def test_a_control_character_in_the_identity_matches_its_escaped_property(
        tmp_path: Path) -> None:
    # XlsxWriter stores "\r" in a document property as Excel's _x000D_ escape.
    bank = attrs.evolve(full_bank(), version="2026.1\r\x98")
    questionnaire = freeze(bank, CONSULTATION)
    blank = write_questionnaire(questionnaire, tmp_path / "q.xlsx", "fr", "ACME", key=KEY)
    assert read(blank, questionnaire).report.ok


# ---------------------------------------------------------------------------------------
# A DQE: unit prices on the DQE sheet, totals never read.

DQE_Q = dqe_questionnaire()
DQE_ROWS = form.dqe_rows(next(q.answer for _, q in DQE_Q.bank.questions()
                              if isinstance(q.answer, Price)))


@pytest.fixture(scope="module")
def dqe_blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dqe")
    return write_questionnaire(DQE_Q, folder / "questionnaire.xlsx", "fr", "ACME", key=KEY)


def _dqe_read(template: Path, target: Path, prices: Mapping[str, CellValue], *,
              edit: Callable[[Workbook], None] | None = None) -> Response:
    cells = {f"{form.DQE_COL_PRICE}{DQE_ROWS[item]}": value for item, value in prices.items()}
    return read(fill(template, target, cells, sheet=form.SHEET_DQE, edit=edit), DQE_Q)


def test_dqe_unit_prices_are_read_and_the_totals_ignored(dqe_blank: Path,
                                                          tmp_path: Path) -> None:
    def tamper(wb: Workbook) -> None:  # a vendor overwrites the computed total
        wb[form.SHEET_DQE][f"{form.DQE_COL_LINE}{DQE_ROWS[form.DQE_TOTAL_KEY]}"] = 1

    response = _dqe_read(dqe_blank, tmp_path / "r.xlsx",
                         {"D1": 30000, "D2": "412,35 €", "D3": 0.15}, edit=tamper)
    assert response.report.ok, response.report.to_text("en")
    assert response.answers["PRICE-01"].value == {"D1": 30000.0, "D2": 412.35, "D3": 0.15}


@pytest.mark.parametrize(("typed", "expected"), [
    (-5, "negative"), ("beaucoup", "a number is expected"), ("=2*3", "formula")])
def test_dqe_bad_unit_price_names_file_sheet_cell_and_item(
        dqe_blank: Path, tmp_path: Path, typed: CellValue, expected: str) -> None:
    def formula(wb: Workbook) -> None:  # typed as a formula, not as text
        wb[form.SHEET_DQE][f"{form.DQE_COL_PRICE}{DQE_ROWS['D2']}"] = typed

    response = _dqe_read(dqe_blank, tmp_path / "r.xlsx", {"D1": 1, "D2": typed, "D3": 1},
                         edit=formula if str(typed).startswith("=") else None)
    errors = [f for f in response.report.findings if f.severity == "error"]
    assert len(errors) == 1, response.report.to_text("en")
    finding = errors[0]
    assert (finding.file, finding.sheet, finding.cell, finding.question_id) == (
        "r.xlsx", "DQE", f"E{DQE_ROWS['D2']}", "PRICE-01")
    assert "Item D2" in finding.message.en
    assert expected in finding.message.en
    assert response.answers["PRICE-01"].state is UNANSWERED


def test_dqe_missing_unit_price_is_reported(dqe_blank: Path, tmp_path: Path) -> None:
    response = _dqe_read(dqe_blank, tmp_path / "r.xlsx", {"D1": 1, "D3": 2})
    finding = only(response, "price-incomplete")
    assert where(finding) == ("error", "DQE", f"E{DQE_ROWS['D2']}", "PRICE-01")
    assert "D2" in finding.message.en


def test_dqe_blank_copy_is_unanswered_without_problems(dqe_blank: Path,
                                                       tmp_path: Path) -> None:
    response = _dqe_read(dqe_blank, tmp_path / "r.xlsx", {})
    assert response.report.findings == ()
    assert response.answers["PRICE-01"].state is UNANSWERED


def test_dqe_sheet_with_a_moved_row_is_refused(dqe_blank: Path, tmp_path: Path) -> None:
    def swap(wb: Workbook) -> None:
        ws = wb[form.SHEET_DQE]
        ws[f"{form.DQE_COL_KEY}{DQE_ROWS['D1']}"] = "D2"

    response = _dqe_read(dqe_blank, tmp_path / "r.xlsx", {"D1": 1, "D2": 2, "D3": 3},
                         edit=swap)
    assert where(only(response, "rows-moved"))[:2] == ("error", "DQE")


def test_reading_a_file_leaves_no_cycle_for_the_garbage_collector(generic: Path,
                                                                   tmp_path: Path) -> None:
    # A file read leaves nothing that only the collector frees: the command line runs it
    # rarely, and each cycle held a parser's buffers (the reading workers of 20 lots grew
    # by 50 MB each). The generic copy has its cover read too, the rows past the
    # identification block included.
    import gc

    target = tmp_path / "filled.xlsx"
    questionnaire = full_questionnaire()
    target.write_bytes(fill_questionnaire(generic, questionnaire, {}, "fr", bidder=ACME_ID))
    read(target, questionnaire, vendor=None)  # the caches filled first
    gc.collect()
    gc.disable()
    try:
        response = read(target, questionnaire, vendor=None)
        assert response.report.ok
        assert response.bidder is not None
        assert gc.collect() == 0
    finally:
        gc.enable()
