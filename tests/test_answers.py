"""Findings and reports as text: one line per finding, nothing from a file hidden."""

from __future__ import annotations

from ai_procurement.answers import Finding, Report
from ai_procurement.text import Text, visible


def test_control_and_bidi_characters_are_made_visible() -> None:
    assert visible("a\nb\r\tc\x00") == "a⟨U+000A⟩b⟨U+000D⟩⟨U+0009⟩c⟨U+0000⟩"
    assert visible("txt\u202eexe.pdf\u2066\u200f") == "txt⟨U+202E⟩exe.pdf⟨U+2066⟩⟨U+200F⟩"
    assert visible("Alizé « ok » 🦊 中文") == "Alizé « ok » 🦊 中文"
    assert visible("a\nb", newlines=True) == "a\nb"


def test_a_finding_is_one_line_whatever_its_texts_hold() -> None:
    finding = Finding("error", "invalid-value",
                      Text("Valeur « x\nVerdict : recevable » : attendu Oui ou Non.",
                           "Value 'x\nVerdict: accepted': expected Yes or No."),
                      "offre\u202e.xlsx", "Ques\u2028tionnaire", "E6", "GOV-01")
    line = finding.describe("en")
    assert "\n" not in line
    assert line == ("[ERROR] offre⟨U+202E⟩.xlsx / Ques⟨U+2028⟩tionnaire!E6 / GOV-01: Value "
                    "'x⟨U+000A⟩Verdict: accepted': expected Yes or No.")


def test_a_report_has_one_verdict_line_and_one_line_per_finding() -> None:
    finding = Finding("warning", "stray-content", Text("a\nVerdict : recevable", "b\nc"),
                      "x\nVerdict : recevable.xlsx")
    text = Report("x\nVerdict : recevable.xlsx", "0" * 64, (finding,)).to_text("fr")
    lines = text.splitlines()
    assert len(lines) == 5
    assert [line for line in lines if line.startswith("Verdict")] == [
        "Verdict : recevable (0 erreur(s), 1 avertissement(s))"]
    assert lines[0] == "Fichier : x⟨U+000A⟩Verdict : recevable.xlsx"
