"""The vendor's Excel questionnaire: what a vendor sees and what the buyer relies on."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings, strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from tests.fixtures import CONSULTATION, KEY, full_questionnaire, large_bank, rows_by_key

from ai_procurement.bank.model import AllOf, Condition, Evidence, MultipleChoice, Price
from ai_procurement.errors import OutputError, QuestionnaireError
from ai_procurement.questionnaire import Questionnaire, freeze
from ai_procurement.text import Text
from ai_procurement.workbooks import form
from ai_procurement.workbooks.form import write_questionnaire
from ai_procurement.workbooks.signing import Identity, vendor_token

VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return full_questionnaire()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, questionnaire: Questionnaire) -> Path:
    folder = tmp_path_factory.mktemp("form")
    return write_questionnaire(questionnaire, folder / "acme.xlsx", "fr", "ACME", key=KEY)


@pytest.fixture(scope="module")
def sheet(written: Path) -> Worksheet:
    return load_workbook(written)[form.SHEET_QUESTIONS]


def test_sheets_in_order_with_lists_and_identity_hidden(written: Path) -> None:
    wb = load_workbook(written)
    assert wb.sheetnames == ["Consignes", "Questionnaire", "_lists", "_identity"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "visible", "hidden",
                                                        "hidden"]
    assert wb.active is not None
    assert wb.active.title == "Consignes"
    assert all(ws.protection.sheet for ws in wb.worksheets if ws.title != "_lists")


def test_english_copy_names_its_cover_sheet_in_english(tmp_path: Path,
                                                       questionnaire: Questionnaire) -> None:
    path = write_questionnaire(questionnaire, tmp_path / "en.xlsx", "en", key=KEY)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Instructions"
    assert wb[form.SHEET_QUESTIONS]["E4"].value == "Your answer"


def test_question_cells_locked_answer_cells_unlocked(sheet: Worksheet,
                                                     questionnaire: Questionnaire) -> None:
    for row in form.layout(questionnaire):
        r = row.number
        for column in "ABCD":
            assert sheet[f"{column}{r}"].protection.locked, f"{column}{r} must be locked"
        q = row.question
        if row.kind == "criterion" or q is None:
            continue
        answer = sheet[f"E{r}"].protection.locked
        if row.kind in ("group", "total"):  # answers below; a computed total
            assert answer
        else:
            assert not answer, f"E{r} ({row.key}) must be unlocked"
        if row.kind in ("item", "total"):
            assert all(sheet[f"{c}{r}"].protection.locked for c in "FGHIJ")
            continue
        assert sheet[f"F{r}"].protection.locked is not q.na_allowed, row.key
        assert not sheet[f"G{r}"].protection.locked
        evidence_locked = q.evidence is Evidence.NONE
        assert all(sheet[f"{c}{r}"].protection.locked is evidence_locked for c in "HIJ")


def test_hidden_columns_hold_done_flag_criterion_and_key(sheet: Worksheet,
                                                         questionnaire: Questionnaire) -> None:
    assert [sheet.column_dimensions[c].hidden for c in "KLM"] == [True, True, True]
    for row in form.layout(questionnaire):
        assert sheet[f"M{row.number}"].value == row.key
        assert sheet[f"L{row.number}"].value == row.criterion.id


def _validation_of(ws: Worksheet, ref: str) -> Any:
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) == 1, f"{ref}: expected one data validation, found {len(found)}"
    return found[0]


def _list_labels(written: Path, name: str) -> list[str]:
    """The labels a drop-down shows: the cells its defined name points to."""
    wb = load_workbook(written)
    defined = wb.defined_names[name]
    destinations = list(defined.destinations)
    assert len(destinations) == 1
    sheet_name, cells = destinations[0]
    assert sheet_name == form.SHEET_LISTS
    return [c.value for row in wb[sheet_name][cells.replace("$", "")] for c in row]


def test_drop_downs_are_lists_behind_defined_names(written: Path, sheet: Worksheet,
                                                   questionnaire: Questionnaire) -> None:
    rows = rows_by_key(questionnaire)
    expected = {
        "GOV-01": ["Oui", "Non"],
        "GOV-02": ["Le nôtre", "Un nuage public", "Ailleurs"],
        "GOV-04": ["0 – niveau 0", "1 – niveau 1", "2 – niveau 2", "3 – niveau 3"],
        "GOV-03:hds": ["Oui", "Non"],
    }
    for key, labels in expected.items():
        dv = _validation_of(sheet, f"E{rows[key]}")
        assert dv.type == "list"
        # A defined name, not an inline "a,b,c" list: labels may hold commas and be long.
        assert re.fullmatch(r"list_\d+", dv.formula1), dv.formula1
        assert _list_labels(written, dv.formula1) == labels
    na = _validation_of(sheet, f"F{rows['GOV-05']}")
    assert _list_labels(written, na.formula1) == ["Sans objet"]


def test_typed_answers_are_validated(sheet: Worksheet, questionnaire: Questionnaire) -> None:
    rows = rows_by_key(questionnaire)
    number = _validation_of(sheet, f"E{rows['ENV-02']}")
    # "between" is the default operator (ECMA-376 part 1, 18.3.1.32): may be left out.
    assert (number.type, number.operator or "between", number.formula1, number.formula2) == (
        "decimal", "between", "0", "100")
    whole = _validation_of(sheet, f"E{rows['ENV-03']}")
    assert (whole.type, whole.formula1) == ("whole", "0")
    assert _validation_of(sheet, f"E{rows['PLAN-01']}").type == "date"
    assert sheet[f"E{rows['PLAN-01']}"].number_format == "dd/mm/yyyy"
    text = _validation_of(sheet, f"E{rows['GOV-05']}")
    assert (text.type, text.formula1) == ("textLength", "2000")
    for item in ("licence", "setup", "training"):
        price = _validation_of(sheet, f"E{rows['PRICE-01:' + item]}")
        assert (price.type, price.operator, price.formula1) == (
            "decimal", "greaterThanOrEqual", "0")
    assert all(dv.showErrorMessage for dv in sheet.data_validations.dataValidation)


def test_page_setup_a4_landscape_fit_to_width_with_print_titles(written: Path) -> None:
    wb = load_workbook(written)
    for ws in (wb["Consignes"], wb[form.SHEET_QUESTIONS]):
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4 (ECMA-376)
        # Width 1 page (1 is the default, may be left out), any height.
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr is not None
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    ws = wb[form.SHEET_QUESTIONS]
    assert ws.print_title_rows == "$4:$4"  # the column headers on every page
    assert ws.print_area == "'Questionnaire'!$A$1:$J$25"  # inputs, not hidden columns
    assert ws.freeze_panes == "A5"


def test_fonts_are_set_on_every_visible_text(written: Path) -> None:
    wb = load_workbook(written)
    for ws in (wb["Consignes"], wb[form.SHEET_QUESTIONS]):
        for row in ws.iter_rows(max_col=10):
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == form.FONT, f"{ws.title}!{cell.coordinate}"
    ws = wb[form.SHEET_QUESTIONS]
    assert ws["B6"].font.sz == 10
    assert ws["A1"].font.sz == 14
    assert ws["A1"].font.b


def _custom_properties(path: Path) -> dict[str, tuple[str, str]]:
    """name -> (value type, value) of the custom document properties."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
    found = {}
    for prop in root:
        (value,) = list(prop)
        found[prop.attrib["name"]] = (value.tag.removeprefix(VT), value.text or "")
    return found


def test_identity_sheet_and_document_properties_agree_and_are_signed(
        written: Path, questionnaire: Questionnaire) -> None:
    token = vendor_token(KEY, "ACME")
    identity = Identity("full", "2026.1", questionnaire.fingerprint, "fr", token)
    expected = {**identity.fields(),
                "hmac": identity.signature(KEY, form.signed_questions(questionnaire, "fr"))}
    ws = load_workbook(written)[form.SHEET_IDENTITY]
    sheet = {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(1, ws.max_row + 1)}
    assert sheet == expected
    properties = _custom_properties(written)
    # Strings only: other property types are read back differently by other tools.
    assert properties == {f"ai_procurement.{k}": ("lpwstr", v) for k, v in expected.items()}


@settings(max_examples=60, deadline=None)
@given(fields=st.lists(st.text(), min_size=5, max_size=5),
       questions=st.lists(st.tuples(st.text(), st.text()), max_size=6))
def test_signature_is_the_hmac_of_the_canonical_json(fields: list[str],
                                                     questions: list[tuple[str, str]]) -> None:
    # The questions' JSON is written once per questionnaire and joined to each file's
    # identity: the message must stay the canonical JSON of the whole, byte for byte.
    identity = Identity(fields[0], fields[1], fields[2], "fr", fields[3], kind=fields[4])
    message = json.dumps({"identity": identity.fields(), "questions": [list(q) for q in
                                                                       questions]},
                         ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    expected = hmac.new(KEY, message.encode("utf-8"), hashlib.sha256).hexdigest()
    assert identity.signature(KEY, questions) == expected
    assert identity.signature(KEY, questions) == expected  # the cached questions too


def test_cover_names_the_vendor_and_the_fingerprint(written: Path,
                                                    questionnaire: Questionnaire) -> None:
    ws = load_workbook(written)["Consignes"]
    facts = {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(3, 10)}
    assert facts["Candidat"] == "ACME"
    assert facts["Consultation"] == "2026-AI-014"
    assert facts["Empreinte"] == questionnaire.fingerprint


def _all_values(path: Path) -> dict[tuple[str, str], object]:
    wb = load_workbook(path)
    return {(ws.title, cell.coordinate): cell.value for ws in wb.worksheets
            for row in ws.iter_rows() for cell in row if cell.value is not None}


def test_copies_for_two_vendors_differ_only_in_vendor_token_signature_and_name(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    acme = write_questionnaire(questionnaire, tmp_path / "acme.xlsx", "fr", "ACME", key=KEY)
    globex = write_questionnaire(questionnaire, tmp_path / "globex.xlsx", "fr", "Globex SA",
                                 key=KEY)
    a, g = _all_values(acme), _all_values(globex)
    assert a.keys() == g.keys()
    differing = {where: (a[where], g[where]) for where in a if a[where] != g[where]}
    assert set(differing) == {("Consignes", "B7"), ("_identity", "B6"), ("_identity", "B7")}
    assert differing[("Consignes", "B7")] == ("ACME", "Globex SA")
    assert differing[("_identity", "B6")] == (vendor_token(KEY, "ACME"),
                                              vendor_token(KEY, "Globex SA"))
    pa, pg = _custom_properties(acme), _custom_properties(globex)
    assert {k for k in pa if pa[k] != pg[k]} == {"ai_procurement.vendor_token",
                                                 "ai_procurement.hmac"}
    # Every other part of the package is byte for byte the same.
    with zipfile.ZipFile(acme) as za, zipfile.ZipFile(globex) as zg:
        assert za.namelist() == zg.namelist()
        changed = {n for n in za.namelist() if za.read(n) != zg.read(n)}
    assert changed == {"docProps/custom.xml", "xl/sharedStrings.xml"}


def test_same_inputs_give_byte_identical_files(tmp_path: Path,
                                               questionnaire: Questionnaire) -> None:
    first = write_questionnaire(questionnaire, tmp_path / "1.xlsx", "fr", "ACME", key=KEY)
    time.sleep(0.01)
    second = write_questionnaire(questionnaire, tmp_path / "2.xlsx", "fr", "ACME", key=KEY)
    assert first.read_bytes() == second.read_bytes()
    # No clock anywhere: the saved and modified dates are fixed, so a copy written in a
    # year's time is the same file. XlsxWriter dates the zip members 1 January 1980.
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert core.count("2026-01-01T00:00:00Z") == 2


def test_writing_a_150_question_questionnaire(tmp_path: Path) -> None:
    questionnaire = freeze(large_bank(150), CONSULTATION)
    start = time.perf_counter()
    path = write_questionnaire(questionnaire, tmp_path / "150.xlsx", "fr", "ACME", key=KEY)
    elapsed = time.perf_counter() - start
    print(f"\nwrote a 150-question questionnaire in {elapsed * 1000:.0f} ms "
          f"({path.stat().st_size / 1024:.0f} kB)")
    assert load_workbook(path)[form.SHEET_QUESTIONS]["M6"].value == "Q-001"


def test_refuses_to_overwrite_unless_asked(tmp_path: Path,
                                           questionnaire: Questionnaire) -> None:
    target = tmp_path / "q.xlsx"
    target.write_bytes(b"an earlier result")
    with pytest.raises(OutputError, match="already exists"):
        write_questionnaire(questionnaire, target, "fr", key=KEY)
    assert target.read_bytes() == b"an earlier result"
    write_questionnaire(questionnaire, target, "fr", key=KEY, overwrite=True)
    assert zipfile.is_zipfile(target)
    assert not [p for p in tmp_path.iterdir() if p.name != "q.xlsx"]  # no temporary left


def test_bad_language_or_short_key_is_refused(tmp_path: Path,
                                              questionnaire: Questionnaire) -> None:
    with pytest.raises(QuestionnaireError, match="unknown language"):
        write_questionnaire(questionnaire, tmp_path / "q.xlsx", "de", key=KEY)  # type: ignore[arg-type]
    with pytest.raises(QuestionnaireError, match="16 bytes"):
        write_questionnaire(questionnaire, tmp_path / "q.xlsx", "fr", key=b"short")
    assert not (tmp_path / "q.xlsx").exists()


def _hostile_texts(questionnaire: Questionnaire) -> Questionnaire:
    """Texts a spreadsheet would take for formulas, and one that looks like an escape."""
    bank = questionnaire.bank
    gov = bank.criteria[0]
    q1, q2, q3 = gov.questions[:3]
    q1 = attrs.evolve(q1, text=Text('=HYPERLINK("http://evil.example","Cliquez")',
                                    "=1+1"))
    spec = q2.answer
    options = (attrs.evolve(spec.options[0], label=Text("+33 1 23 45 67 89", "+33")),  # type: ignore[union-attr]
               *spec.options[1:])  # type: ignore[union-attr]
    q2 = attrs.evolve(q2, answer=attrs.evolve(spec, options=options),  # type: ignore[arg-type]
                      why=Text("-5 % d'erreurs", "-5 % errors"))
    assert isinstance(q3.answer, MultipleChoice)
    q3 = attrs.evolve(q3, text=Text("@SUM(A1:A9) _x0041_", "@SUM(A1:A9) _x0041_"))
    gov = attrs.evolve(gov, title=Text("=cmd|' /C calc'!A0", "=cmd"),
                       questions=(q1, q2, q3, *gov.questions[3:]))
    return freeze(attrs.evolve(bank, criteria=(gov, *bank.criteria[1:])), CONSULTATION)


def test_texts_starting_with_formula_characters_are_written_as_text(tmp_path: Path) -> None:
    questionnaire = _hostile_texts(full_questionnaire())
    path = write_questionnaire(questionnaire, tmp_path / "q.xlsx", "fr", key=KEY)
    wb = load_workbook(path)
    ws = wb[form.SHEET_QUESTIONS]
    assert ws["B6"].value == '=HYPERLINK("http://evil.example","Cliquez")'
    assert ws["B6"].data_type == "s"
    assert ws["B5"].value == "=cmd|' /C calc'!A0"
    assert ws["B5"].data_type == "s"
    assert ws["C7"].value.startswith("-5 %")
    assert ws["C7"].data_type == "s"
    assert wb[form.SHEET_LISTS]["C1"].value == "+33 1 23 45 67 89"
    # Excel shows "_x0041_" as "A" unless its underscore is escaped (as "_x005F_"), as
    # Excel does: read back, the text is the question's, not "@SUM(A1:A9) A".
    assert ws["B8"].value == "@SUM(A1:A9) _x0041_"
    # The only formulas are the buyer's own: done flags, the price's total and the
    # completion counter.
    formulas = {(w.title, c.coordinate) for w in wb.worksheets for row in w.iter_rows()
                for c in row if c.data_type == "f"}
    total = rows_by_key(questionnaire)["PRICE-01#total"]
    assert {(t, re.sub(r"\d", "", c)) for t, c in formulas if c != f"E{total}"} == {
        (form.SHEET_QUESTIONS, "K"), ("Consignes", "C"), ("Consignes", "D"),
        ("Consignes", "E")}
    assert ws[f"E{total}"].data_type == "f"


def test_price_and_multiple_choice_answers_are_on_their_own_rows(
        sheet: Worksheet, questionnaire: Questionnaire) -> None:
    rows = form.layout(questionnaire)
    items = [(row.key, sheet[f"B{row.number}"].value) for row in rows if row.kind == "item"]
    assert items == [("GOV-03:iso27001", "   • ISO 27001"), ("GOV-03:hds", "   • HDS"),
                     ("GOV-03:secnum", "   • SecNumCloud"),
                     ("PRICE-01:licence", "   • Licence"),
                     ("PRICE-01:setup", "   • Mise en place"),
                     ("PRICE-01:training", "   • Formation")]
    groups = [row for row in rows if row.kind == "group"]
    assert [g.key for g in groups] == ["GOV-03", "PRICE-01"]
    assert all(isinstance(g.question.answer, MultipleChoice | Price) for g in groups
               if g.question is not None)


def test_conditional_question_says_when_it_applies_and_turns_grey(
        sheet: Worksheet, questionnaire: Questionnaire) -> None:
    rows = rows_by_key(questionnaire)
    r = rows["GOV-02"]
    assert "À remplir uniquement si GOV-01 = Oui." in sheet[f"C{r}"].value
    rules = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules
             if str(ranges.sqref) == f"A{r}:J{r}"]
    # Grey only once the gate is answered otherwise: a blank gate leaves it to answer,
    # as the reader decides.
    gate = f'$E${rows["GOV-01"]}'
    assert [rule.formula for rule in rules] == [[f'AND(LEN({gate})>0,NOT(OR({gate}="Oui")))']]
    done = sheet[f"K{r}"].value
    assert done.startswith(f'=IF(OR(AND(LEN({gate})>0,NOT(OR({gate}="Oui"))),')


def test_section_behind_two_qualifiers_says_so_and_greys_with_both(tmp_path: Path) -> None:
    bank = full_questionnaire().bank
    gov, *others = bank.criteria
    # The ENV section applies only if GOV-01 = yes and GOV-02 = our own data centre.
    second = attrs.evolve(others[0], applies_if=AllOf((
        Condition("GOV-01", ("yes",)), Condition("GOV-02", ("own",)))))
    frozen = freeze(attrs.evolve(bank, criteria=(gov, second, *others[1:]),
                                 aggregation="redistribute"),
                    CONSULTATION, aggregation_announced=True)
    path = write_questionnaire(frozen, tmp_path / "q.xlsx", "en", key=KEY)
    wb = load_workbook(path)
    ws = wb["Questionnaire"]
    rows = rows_by_key(frozen)
    first = others[0].questions[0].id
    r = rows[first]
    assert "Answer only if GOV-01 = Yes and GOV-02 = Our own." in ws[f"C{r}"].value
    rules = [rule for ranges in ws.conditional_formatting for rule in ranges.rules
             if str(ranges.sqref) == f"A{r}:J{r}"]
    gate, where = f'$E${rows["GOV-01"]}', f'$E${rows["GOV-02"]}'
    # Grey when either gate fails; GOV-02 itself depends on GOV-01.
    gate_fails = f'AND(LEN({gate})>0,NOT(OR({gate}="Yes")))'
    assert [rule.formula for rule in rules] == [[
        f'OR({gate_fails},OR({gate_fails},'
        f'AND(LEN({where})>0,NOT(OR({where}="Our own")))))']]
    cover = wb.worksheets[0]
    texts = [c.value for row in cover.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Aggregation rule 'redistribute': ") for t in texts)


def test_a_questionnaire_is_not_written_in_a_language_its_bank_lacks(tmp_path: Path) -> None:
    english = attrs.evolve(full_questionnaire().bank, languages=("en",))
    frozen = freeze(english, CONSULTATION)
    with pytest.raises(QuestionnaireError, match="has no 'fr' texts"):
        write_questionnaire(frozen, tmp_path / "fr.xlsx", "fr", key=KEY)
    assert not (tmp_path / "fr.xlsx").exists()


def test_price_block_ends_with_a_locked_computed_total(sheet: Worksheet,
                                                       questionnaire: Questionnaire) -> None:
    rows = rows_by_key(questionnaire)
    r = rows["PRICE-01#total"]
    assert r == rows["PRICE-01:training"] + 1
    assert sheet[f"B{r}"].value.strip() == "Total sur 4 ans (calculé)"
    # One-off items once and the yearly licence over the 4 contract years: the total
    # the buyer scores (decision.price.total_cost).
    licence, setup, training = (rows[f"PRICE-01:{i}"] for i in ("licence", "setup",
                                                                   "training"))
    assert sheet[f"E{r}"].value == f"=SUM(E{setup},E{training})+4*SUM(E{licence})"
    assert sheet[f"E{r}"].protection.locked
    assert not [dv for dv in sheet.data_validations.dataValidation
                if f"E{r}" in dv.sqref]  # not an input: nothing to choose or type
    assert sheet[f"M{r}"].value == "PRICE-01#total"


def test_answer_cells_are_visibly_yellow_with_a_darker_border(sheet: Worksheet,
                                                              questionnaire: Questionnaire
                                                              ) -> None:
    r = rows_by_key(questionnaire)["GOV-01"]
    answer, locked, question = sheet[f"E{r}"], sheet[f"F{r}"], sheet[f"B{r}"]
    assert answer.fill.fill_type == "solid"
    assert answer.fill.fgColor.rgb == "FFFFF2B3"  # light yellow, not the faint FFF9E5
    assert locked.fill.fgColor.rgb == "FFF2F2F2"  # no "not applicable" here: grey
    assert answer.border.left.style == "thin"
    # Darker than the grid of the question cells, so inputs stand out in black and white.
    assert answer.border.left.color.rgb == "FFBF9000"
    assert question.border.left.color.rgb == "FFBFBFBF"


def test_each_cell_speaks_the_workbook_language_only(tmp_path: Path,
                                                    questionnaire: Questionnaire) -> None:
    rows = rows_by_key(questionnaire)
    for lang, expected, foreign in (("fr", "EUR HT, par an", ("VAT", "excl.", "year")),
                                    ("en", "EUR excl. VAT, per year", (" HT", "par an"))):
        path = write_questionnaire(questionnaire, tmp_path / f"{lang}.xlsx", lang, key=KEY)
        ws = load_workbook(path)[form.SHEET_QUESTIONS]
        assert ws[f"D{rows['PRICE-01:licence']}"].value == expected
        texts = [c.value for row in ws.iter_rows(max_col=10) for c in row
                 if isinstance(c.value, str)]
        assert not [t for t in texts if any(word in t for word in foreign)], lang


def test_printed_questions_are_at_least_8_points(written: Path) -> None:
    # Fitted to one A4 landscape page wide, the sheet prints at the scale that makes its
    # printed columns fit. Measured on pages LibreOffice rendered: a column w characters
    # wide takes 5.34 w + 7.5 points at 100 % (the 10-point text then printed at 8.6 pt;
    # with the former 284-character layout it printed at 5 pt).
    ws = load_workbook(written)[form.SHEET_QUESTIONS]
    width = sum(5.34 * ws.column_dimensions[c].width + 7.5 for c in "ABCDEFGHIJ")
    margins = ws.page_margins.left + ws.page_margins.right
    page = 841.9 - 72 * margins  # A4 landscape, in points
    scale = min(1.0, page / width)
    assert ws["B6"].font.sz * scale >= 8.0


def test_same_bytes_in_another_process(tmp_path: Path, questionnaire: Questionnaire) -> None:
    import hashlib
    import os
    import subprocess
    import sys

    here = write_questionnaire(questionnaire, tmp_path / "here.xlsx", "fr", "ACME", key=KEY)
    script = ("import hashlib; from tests.fixtures import KEY, full_questionnaire; "
              "from ai_procurement.workbooks.form import questionnaire_bytes; "
              "print(hashlib.sha256(questionnaire_bytes(full_questionnaire(), 'fr', 'ACME', "
              "key=KEY)).hexdigest())")
    root = Path(__file__).resolve().parents[2]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)}
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             cwd=root, env=env, check=True, timeout=60)
        assert out.stdout.strip() == hashlib.sha256(here.read_bytes()).hexdigest()


# -- sub-criteria ---------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "heading", "weight_a", "weight_b"), [
    ("fr", "Sous-critère : Hébergement et localisation",
     "75 % du critère, soit 3,75 points sur 100",
     "25 % du critère, soit 1,25 points sur 100\nQui détient les clés de chiffrement."),
    ("en", "Sub-criterion: Hosting and location",
     "75% of the criterion, i.e. 3.75 points out of 100",
     "25% of the criterion, i.e. 1.25 points out of 100\nWho holds the encryption keys.")])
def test_a_sub_criterion_heads_its_questions_with_its_published_weight(
        tmp_path: Path, lang: str, heading: str, weight_a: str, weight_b: str) -> None:
    from tests.deliverable_fixtures import sub_criteria_questionnaire

    from ai_procurement.questionnaire import sub_criterion_points

    frozen = sub_criteria_questionnaire()
    # SOV weighs 5 of 100 points: SOV-A 3/4 of them, SOV-B 1/4 (the published figures).
    assert sub_criterion_points(frozen, 100) == {"SOV": pytest.approx(
        {"SOV-A": 3.75, "SOV-B": 1.25})}
    rows = form.layout(frozen)
    sov = [r.key for r in rows if r.criterion.id == "SOV"]
    assert sov == ["#SOV", "#SOV/SOV-A", "SOV-01", "SOV-02", "SOV-03", "#SOV/SOV-B",
                   "SOV-04", "SOV-05"]
    path = write_questionnaire(frozen, tmp_path / "q.xlsx", lang,  # type: ignore[arg-type]
                               key=KEY)
    ws = load_workbook(path)[form.SHEET_QUESTIONS]
    at = {r.key: r.number for r in rows}
    a, b = at["#SOV/SOV-A"], at["#SOV/SOV-B"]
    assert (ws[f"A{a}"].value, ws[f"B{a}"].value, ws[f"C{a}"].value) == (
        "SOV-A", heading, weight_a)
    assert ws[f"C{b}"].value == weight_b
    # A heading is not an input: locked, and no answer is expected on it.
    assert ws[f"E{a}"].protection.locked
    assert ws[f"K{a}"].value is None


def test_sub_criterion_rows_keep_the_question_keys_and_answers_read_back(
        tmp_path: Path) -> None:
    from tests.deliverable_fixtures import sub_criteria_questionnaire, territorial_questionnaire

    from ai_procurement.testing import VendorAnswer, fill_questionnaire
    from ai_procurement.workbooks.response import read_response

    frozen = sub_criteria_questionnaire()
    with_subs = [r.key for r in form.layout(frozen) if r.kind != "sub-criterion"]
    assert with_subs == [r.key for r in form.layout(territorial_questionnaire())]
    path = write_questionnaire(frozen, tmp_path / "q.xlsx", "fr", key=KEY)
    filled = tmp_path / "filled.xlsx"
    option = "service_qualified"
    filled.write_bytes(fill_questionnaire(path, frozen, {
        "SOV-01": VendorAnswer("shared_cloud"),
        "SOV-04": VendorAnswer(option, comment="Qualifié")}, "fr"))
    response = read_response(filled, frozen, key=KEY)
    assert response.answers["SOV-04"].value == option
    assert response.report.ok
    assert not [f for f in response.report.findings if f.code in ("rows-moved", "stray-input")]


# -- the DQE sheet, the precedence rule and the means of verification ----------------------

def _dqe_written(tmp_path: Path, lang: str = "fr") -> tuple[Questionnaire, Path]:
    from tests.fixtures import dqe_questionnaire

    from ai_procurement.bank.model import Verification

    base = dqe_questionnaire()
    criteria = tuple(attrs.evolve(c, questions=tuple(
        attrs.evolve(q, verification=Verification.TEST) if q.id == "GOV-01" else q
        for q in c.questions)) for c in base.bank.criteria)
    questionnaire = freeze(attrs.evolve(base.bank, criteria=criteria), base.consultation)
    path = write_questionnaire(questionnaire, tmp_path / f"dqe-{lang}.xlsx", lang,  # type: ignore[arg-type]
                               "ACME", key=KEY)
    return questionnaire, path


def test_the_dqe_sheet_locks_the_quantities_and_computes_line_totals(tmp_path: Path) -> None:
    questionnaire, path = _dqe_written(tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames[:3] == ["Consignes", "Questionnaire", "DQE"]
    ws = wb["DQE"]
    spec = next(q.answer for _, q in questionnaire.bank.questions()
                if isinstance(q.answer, Price))
    rows = form.dqe_rows(spec)
    r = rows["D2"]
    assert [ws[f"{c}{r}"].value for c in "ABCD"] == ["D2", "Réponses rédigées", "millier", 60]
    assert ws[f"D{r}"].protection.locked
    assert not ws[f"E{r}"].protection.locked
    assert ws[f"F{r}"].value == f"=IF(ISNUMBER(E{r}),D{r}*E{r},0)"
    total = rows[form.DQE_TOTAL_KEY]
    assert ws[f"F{total}"].value == f"=SUM(F{form.DQE_FIRST_ROW}:F{total - 1})"
    assert ws[f"G{total}"].value == form.DQE_TOTAL_KEY
    assert ws.protection.sheet
    # The questionnaire's price total points at the DQE total.
    sheet = wb[form.SHEET_QUESTIONS]
    assert sheet[f"E{rows_by_key(questionnaire)['PRICE-01#total']}"].value == (
        f"='DQE'!F{total}")


def test_verification_is_shown_to_the_vendor(tmp_path: Path) -> None:
    questionnaire, path = _dqe_written(tmp_path, "en")
    sheet = load_workbook(path)[form.SHEET_QUESTIONS]
    guidance = sheet[f"C{rows_by_key(questionnaire)['GOV-01']}"].value
    assert "Verification: by a measured test" in guidance


@pytest.mark.libreoffice
def test_rendered_questionnaire_shows_the_precedence_rule_and_the_dqe_total(
        tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import uuid

    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext are required on CI")
        pytest.skip("LibreOffice or pdftotext not installed")
    _, path = _dqe_written(tmp_path)
    profile = Path("/tmp") / f"ap-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    text = " ".join(subprocess.run(["pdftotext", str(path.with_suffix(".pdf")), "-"],
                                   check=True, capture_output=True, text=True).stdout.split())
    assert "Ordre de priorité en cas de contradiction entre les documents de l’offre" in text
    assert "ordre appliqué par défaut" in text
    assert "Total du DQE = somme des totaux de ligne (calculé)" in text
    assert "Prix unitaire (EUR HT)" in text
    assert "Vérification : par un test mesuré" in text
