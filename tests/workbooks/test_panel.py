"""Weighting workbooks: written per participant, signed, read back behind the guards."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests import hostile

from ai_procurement.decision.panel import aggregate_panel
from ai_procurement.errors import OutputExistsError, QuestionnaireError
from ai_procurement.text import Text
from ai_procurement.workbooks.panel import read_panel, saaty_labels, write_panel

KEY = b"k" * 32
CRITERIA = {"Q": Text("Qualité", "Quality"), "P": Text("Prix", "Price"),
            "E": Text("Environnement", "Environment")}


def _label(value: float, lang: str = "fr") -> str:
    return next(label for label, v in saaty_labels(lang)  # type: ignore[arg-type]
                if abs(v - value) < 1e-12)


def _fill(source: Path, target: Path, values: dict[str, object], *,
          edit: dict[str, object] | None = None) -> Path:
    """Fill column B by row key (column E) as a participant does in Excel."""
    wb = load_workbook(source)
    ws = wb.worksheets[0]
    for row in range(5, ws.max_row + 1):
        key = ws[f"E{row}"].value
        if key in values:
            ws[f"B{row}"] = values[key]
            ws[f"D{row}"] = f"avis sur {key}"
    for ref, value in (edit or {}).items():
        ws[ref] = value
    wb.save(target)
    return target


@pytest.fixture
def pairwise(tmp_path: Path) -> Path:
    return write_panel(tmp_path / "anne.xlsx", criteria=CRITERIA, participant="Anne",
                       group="élus", mode="pairwise", key=KEY, title="Courrier")


def test_a_filled_pairwise_workbook_reads_back_to_the_judgments(pairwise: Path,
                                                                tmp_path: Path) -> None:
    filled = _fill(pairwise, tmp_path / "filled.xlsx",
                   {"Q>P": _label(2), "Q>E": _label(4), "P>E": _label(2)})
    reading = read_panel(filled, criteria=CRITERIA, key=KEY, participant="Anne")
    assert reading.report.ok, reading.report.to_text()
    assert (reading.participant, reading.group, reading.mode) == ("Anne", "élus", "pairwise")
    assert reading.pairwise == {("Q", "P"): 2.0, ("Q", "E"): 4.0, ("P", "E"): 2.0}
    assert reading.comments["Q>P"] == "avis sur Q>P"
    judgments = reading.judgments()
    assert judgments is not None
    result = aggregate_panel(list(CRITERIA), [judgments])
    assert result.weights == pytest.approx({"Q": 4 / 7, "P": 2 / 7, "E": 1 / 7})


def test_the_right_hand_side_and_the_english_labels_give_reciprocals(
        pairwise: Path, tmp_path: Path) -> None:
    filled = _fill(pairwise, tmp_path / "filled.xlsx",
                   {"Q>P": _label(1 / 3), "Q>E": _label(1, "en"), "P>E": _label(9)})
    reading = read_panel(filled, criteria=CRITERIA, key=KEY)
    assert reading.report.ok
    assert reading.pairwise[("Q", "P")] == pytest.approx(1 / 3)
    assert reading.pairwise[("Q", "E")] == 1.0


def test_points_mode_and_a_total_that_is_not_100(tmp_path: Path) -> None:
    blank = write_panel(tmp_path / "b.xlsx", criteria=CRITERIA, participant="Bruno",
                        group="agents", mode="points", key=KEY, lang="en")
    filled = _fill(blank, tmp_path / "f.xlsx", {"Q": 50, "P": "30,5", "E": 0})
    reading = read_panel(filled, criteria=CRITERIA, key=KEY)
    assert reading.report.ok
    assert reading.points == {"Q": 50.0, "P": 30.5, "E": 0.0}
    assert [f.code for f in reading.report.findings] == ["total"]


def test_the_same_inputs_give_the_same_bytes_and_files_are_never_overwritten(
        pairwise: Path, tmp_path: Path) -> None:
    again = write_panel(tmp_path / "again.xlsx", criteria=CRITERIA, participant="Anne",
                        group="élus", mode="pairwise", key=KEY, title="Courrier")
    assert again.read_bytes() == pairwise.read_bytes()
    with pytest.raises(OutputExistsError):
        write_panel(pairwise, criteria=CRITERIA, participant="Anne", group="élus",
                    mode="pairwise", key=KEY)
    with pytest.raises(QuestionnaireError, match="at least 16 bytes"):
        write_panel(tmp_path / "x.xlsx", criteria=CRITERIA, participant="A", group="g",
                    mode="points", key=b"short")


def test_blank_wrong_and_formula_cells_are_reported_together(pairwise: Path,
                                                             tmp_path: Path) -> None:
    filled = _fill(pairwise, tmp_path / "bad.xlsx", {"Q>P": "beaucoup", "Q>E": "=1+1"})
    reading = read_panel(filled, criteria=CRITERIA, key=KEY)
    assert not reading.report.ok
    assert sorted(f.code for f in reading.report.errors) == ["bad-value", "formula",
                                                             "unanswered"]
    assert reading.judgments() is None


def test_an_edited_criterion_another_participant_or_key_is_an_error(
        pairwise: Path, tmp_path: Path) -> None:
    full = {"Q>P": _label(2), "Q>E": _label(4), "P>E": _label(2)}
    edited = _fill(pairwise, tmp_path / "edited.xlsx", full, edit={"A5": "Qualité (×10)"})
    assert [f.code for f in read_panel(edited, criteria=CRITERIA, key=KEY).report.errors] \
        == ["row-edited"]
    ok = _fill(pairwise, tmp_path / "ok.xlsx", full)
    other = read_panel(ok, criteria=CRITERIA, key=KEY, participant="Bruno")
    assert [f.code for f in other.report.errors] == ["other-participant"]
    forged = read_panel(ok, criteria=CRITERIA, key=b"x" * 32)
    assert [f.code for f in forged.report.errors] == ["signature"]
    changed = read_panel(ok, criteria={**CRITERIA, "S": Text("Sécurité", "Security")}, key=KEY)
    assert [f.code for f in changed.report.errors] == ["signature"]


def test_the_guards_of_vendor_files_apply(tmp_path: Path) -> None:
    bomb = hostile.zip_bomb(tmp_path)
    reading = read_panel(bomb, criteria=CRITERIA, key=KEY)
    assert not reading.report.ok
    assert reading.mode is None
    laughs = read_panel(hostile.billion_laughs(tmp_path), criteria=CRITERIA, key=KEY)
    assert not laughs.report.ok
    vendor_form = read_panel(hostile.valid_workbook(tmp_path), criteria=CRITERIA, key=KEY)
    assert [f.code for f in vendor_form.report.errors] in (["identity-missing"],
                                                           ["wrong-kind"])
