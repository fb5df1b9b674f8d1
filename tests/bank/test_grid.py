"""Importing a buyer's existing grid: report, bank, and scores equal to the grid's rule.

The grid is generated here, in the shape of the higher-education HECVAT (yes/no/N-A
lists, 20/10/5 points, qualifier questions that switch whole sections on or off): 289
rows, sections behind qualifiers, an AND condition, information-only rows, a row without
a list and a wrong routing note. The grid's own rule, coded independently below, is
HECVAT's: a question that applies and is not answered N/A puts its points in the
potential and earns them when answered Yes; score = earned / potential.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from pathlib import Path

import attrs
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from tests.fixtures import KEY, fill, rows_by_key

from ai_procurement.answers import (
    Answer,
    AnswerState,
    EvidenceRef,
    Report,
    Response,
    apply_conditions,
)
from ai_procurement.bank.files import dump_bank, load_bank
from ai_procurement.bank.grid import GridImport, GridMapping, detect_mapping, import_grid
from ai_procurement.bank.model import (
    AllOf,
    AnyOf,
    Bank,
    Condition,
    FreeText,
    YesNo,
    check_bank,
)
from ai_procurement.decision.scoring import Settings, evaluate
from ai_procurement.errors import QuestionnaireError
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.workbooks import form
from ai_procurement.workbooks.form import write_questionnaire
from ai_procurement.workbooks.response import read_response

CONSULTATION = Consultation("2026-GRID", "Grid import", "Example buyer")
QUALIFIERS = ("QUAL-01", "QUAL-02", "QUAL-03")
WRONG_ROUTING_ROW = 200
NO_LIST_ROW = 60


@attrs.frozen
class GridRow:
    qid: str
    section: str
    question: str
    points: float | None
    listed: str | None  # "range", "inline" or None (no data validation)
    applies_if: str = ""
    guidance_no: str = ""
    reason: str = ""


@functools.cache
def grid_rows() -> tuple[GridRow | tuple[str, str], ...]:
    """The rows of the grid; a (section, note) pair is a section row with a routing note."""
    rows: list[GridRow | tuple[str, str]] = [
        GridRow("QUAL-01", "Qualifiers", "Does the product use AI?", None, "inline"),
        GridRow("QUAL-02", "", "Is the product hosted in the cloud?", None, "inline"),
        GridRow("QUAL-03", "", "Does it process personal data?", None, "inline")]
    for i in range(1, 101):
        qid = f"GEN-{i:03}"
        if i % 10 == 0:  # information only: no list, no points
            rows.append(GridRow(qid, "", f"Describe item {i}.", None, None))
            continue
        points = (20, 10, 5)[i % 3]
        rows.append(GridRow(qid, "General" if i == 1 else "", f"General question {i}?",
                            points, "range", guidance_no="Attach your plan." if i % 7 == 0
                            else "", reason=f"Reason {i}."))
    for i in range(1, 81):  # every question repeats the AI switch: hoisted to the section
        rows.append(GridRow(f"AI-{i:03}", "AI" if i == 1 else "", f"AI question {i}?",
                            (20, 10, 5)[i % 3], "inline", applies_if="Only if QUAL-01 = Yes",
                            reason=f"AI reason {i}."))
    rows.append(("Cloud", "QUAL-02 = Yes"))
    for i in range(1, 61):
        rows.append(GridRow(f"CLD-{i:03}", "", f"Cloud question {i}?", 10, "range",
                            reason=f"Cloud reason {i}."))
    for i in range(1, 46):
        note = ""
        if i == 1:
            note = "Only if QUAL-02 = Yes AND QUAL-03 = Yes"
        rows.append(GridRow(f"PRV-{i:03}", "Privacy" if i == 1 else "", f"Privacy question {i}?",
                            5, "range", applies_if=note, reason=f"Privacy reason {i}."))
    return rows


def write_grid(path: Path) -> dict[str, int]:
    """Write the grid; return the sheet row of each question id."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Grid"
    ws.append(["ID", "Section", "Question", "Answer", "Points", "Applies if",
               "Guidance if No", "Reason", "Notes"])
    lists = wb.create_sheet("Lists")
    for value in ("Yes", "No", "N/A"):
        lists.append([value])
    ranged = DataValidation(type="list", formula1="Lists!$A$1:$A$3")
    inline = DataValidation(type="list", formula1='"Yes,No"')
    ws.add_data_validation(ranged)
    ws.add_data_validation(inline)
    where: dict[str, int] = {}
    for item in grid_rows():
        r = ws.max_row + 1
        if isinstance(item, tuple):
            ws.append([None, item[0], None, None, None, item[1]])
            continue
        ws.append([item.qid, item.section or None, item.question, None, item.points,
                   item.applies_if or None, item.guidance_no or None, item.reason or None,
                   "internal note" if r % 50 == 0 else None])
        where[item.qid] = r
        if r == NO_LIST_ROW:
            continue  # a scored question whose list is missing
        if item.listed == "range":
            ranged.add(f"D{r}")
        elif item.listed == "inline":
            inline.add(f"D{r}")
    # A routing note naming a question that does not exist.
    ws[f"F{WRONG_ROUTING_ROW}"] = "Only if QUAL-09 = Yes"
    wb.save(path)
    return where


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("grid") / "hecvat-like.xlsx"
    return path, write_grid(path)


@pytest.fixture(scope="module")
def bank(grid: tuple[Path, dict[str, int]]) -> Bank:
    return import_grid(grid[0]).bank


def test_detected_mapping_names_every_recognised_column(
        grid: tuple[Path, dict[str, int]]) -> None:
    mapping, unknown = detect_mapping(grid[0])
    assert mapping == GridMapping("C", id="A", section="B", answer="D", points="E",
                                  applies_if="F", guidance=(("No", "G"),), reason="H")
    assert [(u.row, u.column, u.message.en) for u in unknown] == [
        (1, "I", "column 'Notes' not recognised: it will not be imported")]


def test_import_report_is_exact(grid: tuple[Path, dict[str, int]]) -> None:
    path, where = grid
    imported = import_grid(path)
    no_list_id = next(q for q, r in where.items() if r == NO_LIST_ROW)
    wrong_id = next(q for q, r in where.items() if r == WRONG_ROUTING_ROW)
    assert (no_list_id, wrong_id) == ("GEN-056", "CLD-015")
    inherited = sum(1 for item in grid_rows() if isinstance(item, GridRow) and not item.section)
    assert [(i.row, i.column, i.message.en) for i in imported.issues] == [
        (1, "I", "column 'Notes' not recognised: it will not be imported"),
        (NO_LIST_ROW, "D", "no answer list (data validation) nor type: imported as "
                           "information only, weight 0 instead of 5"),
        # Without a list, the row's guidance "if No" has no answer to attach to.
        (NO_LIST_ROW, "G", "guidance for answer 'No', which is not an option of this "
                           "question: not imported"),
        (WRONG_ROUTING_ROW, "F", "condition 'Only if QUAL-09 = Yes': QUAL-09 is not an earlier "
                                 "question; condition ignored, the question always applies"),
        (None, "B", f"{inherited} questions without a section take the section of the row "
                    "above"),
        (None, "E", "13 questions without points imported with weight 0 (information or "
                    "qualifier)"),
        (None, None, "English-only grid: a French consultation must be written in French "
                     "(law 94-665, art. 5); add the French texts before publishing"),
        (None, None, "aggregation rule 'flat' (points earned / points applicable), the "
                     "grid's own: announce it in the consultation rules or choose another")]
    # The draft is a valid bank: nothing is left for check_bank.
    assert imported.problems == ()
    assert "D60: no answer list" in imported.report("en")


def test_imported_bank_keeps_sections_switches_and_guidance(bank: Bank,
                                                            tmp_path: Path) -> None:
    assert [(c.id, c.weight, len(c.questions)) for c in bank.criteria] == [
        ("QUALIFIERS", 0.0, 3), ("GENERAL", 1045.0, 100), ("AI", 925.0, 80),
        ("CLOUD", 600.0, 60), ("PRIVACY", 225.0, 45)]
    by_id = {c.id: c for c in bank.criteria}
    # The switch written on every AI row and the section row of Cloud are section switches.
    assert by_id["AI"].applies_if == Condition("QUAL-01", ("yes",))
    assert by_id["CLOUD"].applies_if == Condition("QUAL-02", ("yes",))
    assert bank.question("PRV-001").applies_if == AllOf((Condition("QUAL-02", ("yes",)),
                                                         Condition("QUAL-03", ("yes",))))
    gen = bank.question("GEN-007")
    assert (gen.answer, gen.weight, gen.na_allowed) == (YesNo(), 10.0, True)
    assert gen.guidance_by_answer[0].answer == "no"
    assert gen.guidance_by_answer[0].text.en == "Attach your plan."
    info = bank.question("GEN-010")
    assert (info.answer, info.weight, info.why) == (FreeText(), 0.0, None)
    assert (bank.languages, bank.aggregation) == (("en",), "flat")
    # The draft round-trips through YAML.
    dump_bank(bank, tmp_path / "draft.yaml")
    assert load_bank(tmp_path / "draft.yaml") == bank
    assert check_bank(bank) == []


# -- the grid's own rule, and the published rules, computed independently -----------------------

def applies(qid: str, values: Mapping[str, str]) -> bool:
    """The grid's routing, written from the grid rather than from the bank."""
    if qid.startswith("AI-"):
        return values["QUAL-01"] == "yes"
    if qid.startswith("CLD-"):
        return values["QUAL-02"] == "yes"
    if qid == "PRV-001":
        return values["QUAL-02"] == "yes" and values["QUAL-03"] == "yes"
    return True


@functools.cache
def scored_points() -> dict[str, tuple[str, float]]:
    """Section and points of every scored question, as the grid gives them."""
    found = {}
    section = ""
    for item in grid_rows():
        if isinstance(item, tuple):
            section = item[0]
            continue
        section = item.section or section
        if item.points and write_row(item) != NO_LIST_ROW:
            found[item.qid] = (section, float(item.points))
    return found


def write_row(item: GridRow) -> int:
    """The sheet row of ``item``: the header is row 1, every item takes one row."""
    return 2 + grid_rows().index(item)


def grid_rule(values: Mapping[str, str]) -> float:
    """HECVAT: points earned / points applicable, N/A and switched-off questions left out."""
    earned = potential = 0.0
    for qid, (_, pts) in scored_points().items():
        if not applies(qid, values) or values[qid] == "na":
            continue
        potential += pts
        earned += pts if values[qid] == "yes" else 0.0
    return 100 * earned / potential


def section_rule(values: Mapping[str, str], *, redistribute: bool) -> float:
    """fixed: each section keeps its share (sum of its points over all points) and scores
    earned / applicable inside it, 0 when nothing in it applies; redistribute: the
    shares of the sections that apply are scaled up to 100."""
    sections: dict[str, list[tuple[str, float]]] = {}
    for qid, (section, pts) in scored_points().items():
        sections.setdefault(section, []).append((qid, pts))
    total = sum(pts for items in sections.values() for _, pts in items)
    score = share_applicable = 0.0
    for items in sections.values():
        share = sum(pts for _, pts in items) / total
        counted = [(q, p) for q, p in items if applies(q, values) and values[q] != "na"]
        if not counted:
            continue
        share_applicable += share
        score += share * sum(p for q, p in counted if values[q] == "yes") / sum(
            p for _, p in counted)
    return 100 * score / (share_applicable if redistribute else 1.0)


def vendor_values(seed: int, qualifiers: tuple[str, str, str]) -> dict[str, str]:
    rng = random.Random(seed)
    values = dict(zip(QUALIFIERS, qualifiers, strict=True))
    for item in grid_rows():
        if isinstance(item, GridRow) and item.qid not in values:
            values[item.qid] = rng.choice(["yes", "yes", "no", "na"]) if item.listed == (
                "range") else rng.choice(["yes", "no"])
    return values


VENDORS = {"alpha": vendor_values(1, ("yes", "yes", "yes")),
           "beta": vendor_values(2, ("no", "yes", "no")),
           "gamma": vendor_values(3, ("yes", "no", "yes")),
           "delta": vendor_values(4, ("no", "no", "no"))}


def response(questionnaire: Questionnaire, vendor: str) -> Response:
    answers = {}
    for _, q in questionnaire.bank.questions():
        value = VENDORS[vendor][q.id]
        if isinstance(q.answer, FreeText):
            answers[q.id] = Answer(q.id, AnswerState.ANSWERED, "Our answer.")
        elif value == "na":
            answers[q.id] = Answer(q.id, AnswerState.NOT_APPLICABLE, None, "Not relevant.")
        else:
            answers[q.id] = Answer(q.id, AnswerState.ANSWERED, value, "", EvidenceRef())
    return Response(f"{vendor}.xlsx", vendor, apply_conditions(questionnaire, answers),
                    Report(f"{vendor}.xlsx", "ab" * 32, ()))


@pytest.mark.parametrize("rule", ["flat", "fixed", "redistribute"])
def test_scores_under_each_rule_match_an_independent_computation(bank: Bank,
                                                                 rule: str) -> None:
    questionnaire = freeze(bank, CONSULTATION, aggregation=rule,  # type: ignore[arg-type]
                           aggregation_announced=True)
    ev = evaluate(questionnaire, {v: response(questionnaire, v) for v in VENDORS},
                  settings=Settings(total_points=100, price_method="classique"))
    expected = {v: (grid_rule(values) if rule == "flat" else
                    section_rule(values, redistribute=rule == "redistribute"))
                for v, values in VENDORS.items()}
    assert {v.vendor: v.total for v in ev.vendors} == pytest.approx(expected)
    if rule == "flat":
        # The ranking under flat is the grid's own ranking.
        own = sorted(VENDORS, key=lambda v: -grid_rule(VENDORS[v]))
        assert [v.vendor for v in ev.ranking] == own


def test_flat_must_be_announced_before_the_grid_is_published(bank: Bank) -> None:
    with pytest.raises(QuestionnaireError, match="aggregation rule 'flat'"):
        freeze(bank, CONSULTATION)


def test_round_trip_through_the_vendor_workbook(bank: Bank, tmp_path: Path) -> None:
    # import -> bank -> questionnaire -> filled by a vendor -> read -> the grid's score.
    questionnaire = freeze(bank, CONSULTATION, aggregation_announced=True)
    template = write_questionnaire(questionnaire, tmp_path / "beta.xlsx", "en", "beta",
                                   key=KEY)
    rows = rows_by_key(questionnaire)
    workbook = load_workbook(template, read_only=True)  # keeps its file open until closed
    try:
        guidance = next(workbook[form.SHEET_QUESTIONS].iter_rows(
            min_row=rows["GEN-007"], max_row=rows["GEN-007"], min_col=3, max_col=3,
            values_only=True))[0]
    finally:
        workbook.close()
    assert "If you answer 'No': Attach your plan." in str(guidance)
    cells: dict[str, str] = {}
    for _, q in questionnaire.bank.questions():
        value, r = VENDORS["beta"][q.id], rows[q.id]
        if isinstance(q.answer, FreeText):
            cells[f"{form.COL_ANSWER}{r}"] = "Our answer."
        elif value == "na":
            cells[f"{form.COL_NA}{r}"] = form.NOT_APPLICABLE["en"]
            cells[f"{form.COL_COMMENT}{r}"] = "Not relevant."
        else:
            cells[f"{form.COL_ANSWER}{r}"] = form.YES["en"] if value == "yes" else form.NO["en"]
    filled = fill(template, tmp_path / "beta-filled.xlsx", cells)
    read = read_response(filled, questionnaire, key=KEY, vendor="beta")
    assert read.report.ok, read.report.to_text("en")
    ev = evaluate(questionnaire, {"beta": read},
                  settings=Settings(total_points=100, price_method="classique"))
    assert ev.vendor("beta").total == pytest.approx(grid_rule(VENDORS["beta"]))
    assert ev.pending_reviews == ()


# -- small grids: each rule of the mapping ----------------------------------------------------

def small_grid(path: Path, rows: list[list[object]], *, lists: Mapping[str, str] = {}) -> Path:
    """A grid with headers ID, Question, Type, Points, Applies if; ``lists`` maps a cell
    of column C to a data validation formula."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ID", "Question", "Answer", "Type", "Points", "Applies if"])
    for row in rows:
        ws.append(row)
    for cell, formula in lists.items():
        validation = DataValidation(type="list", formula1=formula)
        ws.add_data_validation(validation)
        validation.add(cell)
    wb.save(path)
    return path


MAPPING = GridMapping("B", id="A", answer="C", answer_type="D", points="E", applies_if="F",
                      option_points=(("Full", 1.0), ("Partial", 0.5)))


def messages(imported: GridImport) -> list[tuple[int | None, str | None, str]]:
    return [(i.row, i.column, i.message.en) for i in imported.issues if i.row is not None]


def test_choice_lists_need_points_per_option(tmp_path: Path) -> None:
    path = small_grid(tmp_path / "g.xlsx", [
        ["Q1", "How complete?", None, "Full / Partial", 10],
        ["Q2", "How complete?", None, "Full/Partial/None", 10],
        ["Q3", "Describe.", None, "Text", None]])
    imported = import_grid(path, MAPPING)
    q1, q2, q3 = (imported.bank.question(q) for q in ("Q1", "Q2", "Q3"))
    assert [(o.id, o.points) for o in q1.answer.options] == [  # type: ignore[union-attr]
        ("full", 1.0), ("partial", 0.5)]
    assert (q1.weight, q2.weight, q3.information_only) == (10.0, 0.0, True)
    assert messages(imported) == [
        (3, "C", "options without declared points ['None']: weight 0 instead of 10; declare "
                 "the points of each option")]


def test_routing_notes_that_cannot_be_read_are_reported_and_dropped(tmp_path: Path) -> None:
    yes_no = '"Yes,No"'
    path = small_grid(tmp_path / "g.xlsx", [
        ["G1", "Cloud?", None, None, None],
        ["G2", "AI?", None, None, None],
        ["Q1", "A?", None, None, 5, "If G1 = Yes AND G2 = Yes OR G1 = No"],
        ["Q2", "B?", None, None, 5, "G1 = Maybe"],
        ["Q3", "C?", None, None, 5, "whenever it makes sense"],
        ["Q3", "D?", None, None, "high", "Answer only if: G1 = Yes or G2 = Yes"],
        ["Q5", "E?", None, None, 5, "Q5 = Yes"]],
        lists={f"C{r}": yes_no for r in range(2, 9)})
    imported = import_grid(path, MAPPING)
    assert messages(imported) == [
        (4, "F", "condition 'If G1 = Yes AND G2 = Yes OR G1 = No' mixes AND and OR without "
                 "brackets: ignored, the question always applies"),
        (5, "F", "condition 'G1 = Maybe': 'Maybe' is not an answer of G1; condition ignored"),
        (6, "F", "unreadable condition 'whenever it makes sense' (expected 'ID = Value'): "
                 "ignored, the question always applies"),
        (7, "A", "duplicate id 'Q3': the question becomes R7"),
        (7, "E", "unreadable points 'high': weight 0"),
        (8, "F", "condition 'Q5 = Yes': Q5 is not an earlier question; condition ignored, "
                 "the question always applies")]
    assert imported.bank.question("R7").applies_if == AnyOf((Condition("G1", ("yes",)),
                                                              Condition("G2", ("yes",))))
    assert imported.bank.question("Q1").applies_if is None


def test_lists_from_a_defined_name_and_a_french_grid(tmp_path: Path) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    path = tmp_path / "g.xlsx"
    small_grid(path, [["Q1", "Hébergement en UE ?", None, None, 20]])
    wb = load_workbook(path)
    lists = wb.create_sheet("Listes")
    for value in ("Oui", "Non", "Sans objet"):
        lists.append([value])
    wb.defined_names["Reponses"] = DefinedName("Reponses", attr_text="Listes!$A$1:$A$3")
    validation = DataValidation(type="list", formula1="Reponses")
    wb["Sheet"].add_data_validation(validation)
    validation.add("C2")
    wb.save(path)
    imported = import_grid(path, attrs.evolve(MAPPING, language="fr"))
    q1 = imported.bank.question("Q1")
    assert (q1.answer, q1.na_allowed, q1.text.fr) == (YesNo(), True, "Hébergement en UE ?")
    assert imported.bank.languages == ("fr",)
    # A scored question needs its reason before the draft is a valid bank.
    assert [p.path for p in imported.problems] == ["$.criteria[0].questions[0].why"]


# -- through the command line, in the buyer's language -----------------------------------

NBSP = "\u00a0"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    from ai_procurement.cli import main

    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_import_report_is_in_french_with_lang_fr(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = small_grid(tmp_path / "grille.xlsx", [
        ["G1", "Cloud?", None, None, None],
        ["Q1", "A?", None, None, 5, "G1 = Maybe"],
        ["Q1", "B?", None, None, "high"]], lists={f"C{r}": '"Yes,No"' for r in range(2, 5)})
    mapping = ["--map", "question=B", "--map", "id=A", "--map", "answer=C", "--map", "points=E",
               "--map", "applies_if=F", "--guidance", "No=D"]
    code, out, _ = _cli(capsys, "--lang", "fr", "import-grid", path, *mapping)
    assert code == 0
    assert f"Correspondance des colonnes{NBSP}:\n" in out
    assert "  D: conseil si No\n" in out
    assert (f"  F3: condition 'G1 = Maybe'{NBSP}: «{NBSP}Maybe{NBSP}» n'est pas une réponse de "
            f"G1{NBSP}; condition ignorée\n") in out
    assert f"  A4: identifiant 'Q1' en double{NBSP}: la question devient R4\n" in out
    assert f"  E4: points illisibles 'high'{NBSP}: pondération 0\n" in out
    # A count with its plural form, never "question(s)".
    assert ("  E: 1 question sans points importée avec la pondération 0 (information ou "
            "qualification)\n") in out
    assert (tmp_path / "grille.bank.import-report.txt").read_text("utf-8") in out
    code, out, _ = _cli(capsys, "--lang", "en", "import-grid", path, *mapping, "--force")
    assert ("  F3: condition 'G1 = Maybe': 'Maybe' is not an answer of G1; condition "
            "ignored\n") in out
    assert ("  E: 1 question without points imported with weight 0 (information or "
            "qualifier)\n") in out


def test_a_grid_that_cannot_be_read_as_asked_is_refused_in_french_and_in_english(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = small_grid(tmp_path / "grille.xlsx", [["Q1", "A?", None, None, 5]])
    code, _, err = _cli(capsys, "--lang", "fr", "import-grid", path, "--sheet", "Critères",
                        "--accept-detected")
    assert code == 3
    assert (f"ai-procurement : {path} : 1 problème\n  {path} : $.sheet : pas de feuille "
            f"«{NBSP}Critères{NBSP}»{NBSP}; les feuilles sont ['Sheet']") in err
    code, _, err = _cli(capsys, "--lang", "en", "import-grid", path, "--sheet", "Critères",
                        "--accept-detected")
    assert f"{path}: $.sheet: no sheet 'Critères'; the sheets are ['Sheet']" in err
    code, _, err = _cli(capsys, "--lang", "fr", "import-grid", path, "--map", "quest=B",
                        "--map", "id=7")
    assert code == 3
    assert "correspondance des colonnes : 3 problèmes\n" in err
    assert f"$.quest : champ inconnu{NBSP}; attendu l'un de ['id', " in err
    assert "$.id : lettre de colonne attendue, reçu '7'" in err
    assert "$.question : indiquez la colonne des questions (question=COLONNE)" in err
    code, _, err = _cli(capsys, "--lang", "en", "import-grid", path, "--map", "quest=B")
    assert "column mapping: 2 problems\n" in err
    assert "$.question: map the question column (question=COLUMN)" in err
