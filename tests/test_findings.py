"""Findings: one type for every problem in a file someone filled, one line each."""

from __future__ import annotations

from pathlib import Path

from ai_procurement._office.guard import inspect_workbook
from ai_procurement.findings import Finding
from ai_procurement.text import Text


def test_a_finding_names_the_file_sheet_cell_and_question_on_one_line() -> None:
    finding = Finding("error", "not-a-number", Text("nombre attendu", "number expected"),
                      "acme.xlsx", "Questionnaire", "E12", "ENV-03")
    assert finding.describe("fr") == ("[ERREUR] acme.xlsx / Questionnaire!E12 / ENV-03: "
                                      "nombre attendu")
    assert finding.describe("en").startswith("[ERROR] acme.xlsx / Questionnaire!E12")


def test_the_guard_reports_the_same_findings_with_the_zip_part(tmp_path: Path) -> None:
    path = tmp_path / "prix.xlsx"
    path.write_text("Réf.;Réponse\nRED-01;Non\n", "utf-8")
    finding = inspect_workbook(path).findings[0]
    assert isinstance(finding, Finding)
    assert (finding.severity, finding.file) == ("error", "prix.xlsx")
    assert finding.describe("en").startswith("[ERROR] prix.xlsx: ")


def test_text_from_a_file_cannot_forge_a_second_line() -> None:
    forged = Finding("warning", "x", Text("a", "a"), "x\n[ERROR] fake\u202e.xlsx", part="p")
    line = forged.describe("en")
    assert "\n" not in line
    assert "\u202e" not in line
    assert "x⟨U+000A⟩[ERROR] fake⟨U+202E⟩.xlsx / p" in line
