"""The staff AI-use inventory: declarations read behind the guards, register exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests import hostile

from ai_procurement.bank.files import load_bank
from ai_procurement.campaign.strategy_demo import fill_form
from ai_procurement.errors import OutputExistsError
from ai_procurement.workbooks.inventory import (
    export_register,
    read_declarations,
    write_inventory,
    write_inventory_summary,
)

SHADOW = {"INV-01": "Action sociale", "INV-02": "+ChatBot", "INV-03": "personal",
          "INV-04": "Résumer les dossiers", "INV-05": "yes", "INV-06": ("sensitive",),
          "INV-07": "daily", "INV-08": "much_time"}


@pytest.fixture(scope="module")
def declarations(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("inventory")
    blank = write_inventory(folder / "blank.xlsx", lang="en")
    bank = load_bank("ai-inventory")
    one = fill_form(blank, folder / "1.xlsx", bank, SHADOW, lang="en")
    two = fill_form(blank, folder / "2.xlsx", bank, {**SHADOW, "INV-02": "Approved tool",
                                                     "INV-03": "provided", "INV-05": "no"},
                    lang="en")
    return [one, two, hostile.zip_bomb(folder)]


def test_declarations_are_read_and_a_hostile_file_is_reported(declarations: list[Path]) -> None:
    read = read_declarations(declarations)
    assert [d.report.ok for d in read] == [True, True, False]
    first = read[0]
    assert (first.tool, first.provided, first.individual_decisions) == ("+ChatBot", "personal",
                                                                        True)
    assert first.shadow
    assert first.exposes_people
    assert not read[1].shadow


def test_register_as_xlsx_lists_only_individual_decisions(declarations: list[Path],
                                                           tmp_path: Path) -> None:
    read = read_declarations(declarations)
    path = export_register(read, tmp_path / "register.xlsx", lang="en")
    ws = load_workbook(path).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Processing (tool)"
    assert len(rows) == 2
    assert rows[1][0] == "+ChatBot"  # text, not a formula
    assert export_register(read, tmp_path / "r.csv", lang="en").read_text(
        "utf-8-sig").splitlines()[1].startswith("'+ChatBot,")
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        export_register(read, tmp_path / "register.txt")


def test_summary_counts_shadow_uses_and_never_overwrites(declarations: list[Path],
                                                          tmp_path: Path) -> None:
    read = read_declarations(declarations)
    path = write_inventory_summary(read, tmp_path / "summary.xlsx", lang="en")
    wb = load_workbook(path)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Declarations read"] == "2"
    assert summary["Files unreadable or edited"] == "1"
    assert summary["Uses of tools not provided (shadow AI)"] == "1"
    assert wb["Files to check"]["A1"].value
    with pytest.raises(OutputExistsError):
        write_inventory_summary(read, path)
    again = write_inventory_summary(read, tmp_path / "again.xlsx", lang="en")
    assert again.read_bytes() == path.read_bytes()
