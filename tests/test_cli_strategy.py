"""Before buying, from the command line: impact level, panel weights, rules check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.campaign_fixtures import file_hashes
from tests.test_cli import run

from ai_procurement.bank.files import load_bank
from ai_procurement.campaign.strategy_demo import (
    DEMO_IMPACT_ANSWERS,
    DEMO_PANEL,
    fill_form,
    fill_panel,
)
from ai_procurement.cli import main

NEW_COMMANDS = ("impact", "panel", "rules-check", "inventory")


@pytest.mark.parametrize("command", NEW_COMMANDS)
def test_every_new_command_has_a_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--lang", "en", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: ai-procurement {command}")
    assert "--lang" in out


@pytest.fixture(scope="module")
def impact_grid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("impact")
    assert main(["impact", "--new", str(folder / "blank.xlsx")]) == 0
    return fill_form(folder / "blank.xlsx", folder / "impact.xlsx", load_bank("ai-impact"),
                     DEMO_IMPACT_ANSWERS)


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    folder = tmp_path / "c"
    assert main(["init", str(folder)]) == 0
    return folder


def test_impact_reads_the_level_and_the_answers_that_drove_it(
        capsys: pytest.CaptureFixture[str], impact_grid: Path) -> None:
    ran = run(capsys, "--lang", "en", "impact", impact_grid)
    assert ran.code == 0, ran.err
    assert ran.out.startswith("Impact level III (high): score 24 out of 37 (65%)")
    assert re.search(r"^\s+IMP-04\s+\+4/8\s+A sum of money", ran.out, re.M)


def test_impact_new_never_overwrites(capsys: pytest.CaptureFixture[str],
                                     impact_grid: Path) -> None:
    before = impact_grid.read_bytes()
    ran = run(capsys, "impact", "--new", impact_grid)
    assert ran.code == 4
    assert impact_grid.read_bytes() == before


def test_screen_with_impact_records_both_in_the_campaign_without_touching_its_yaml(
        capsys: pytest.CaptureFixture[str], impact_grid: Path, campaign: Path,
        tmp_path: Path) -> None:
    grid = tmp_path / "grid.xlsx"
    assert main(["screen", "--new", str(grid)]) == 0
    config = (campaign / "campaign.yaml").read_bytes()
    ran = run(capsys, "--lang", "en", "screen", grid, "--impact", impact_grid,
              "--campaign", campaign)
    assert ran.code == 1  # the blank grid leaves red lines open: no-go
    assert ran.out.startswith("NO-GO")
    assert "Impact level III" in ran.out
    assert "impact: {level: 3, source: \"impact.xlsx\", sha256: " in ran.out
    record = json.loads((campaign / "strategy" / "impact.json").read_text("utf-8"))
    assert record["level"] == 3
    assert record["screening"]["go"] is False
    assert {r["question"] for r in record["requirements"]} >= {"HUM-01", "TRA-02"}
    assert (campaign / "campaign.yaml").read_bytes() == config
    again = run(capsys, "impact", impact_grid, "--campaign", campaign)
    assert again.code == 4  # the record is never replaced silently


def test_screen_campaign_without_impact_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                         campaign: Path,
                                                         tmp_path: Path) -> None:
    grid = tmp_path / "grid.xlsx"
    assert main(["screen", "--new", str(grid)]) == 0
    ran = run(capsys, "--lang", "en", "screen", grid, "--campaign", campaign)
    assert ran.code == 2
    assert "also give --impact" in ran.err
    assert not (campaign / "strategy" / "impact.json").exists()


def test_an_edited_impact_workbook_gives_no_level(capsys: pytest.CaptureFixture[str],
                                                  impact_grid: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from ai_procurement.workbooks import form

    wb = load_workbook(impact_grid)
    ws = wb[form.SHEET_QUESTIONS]
    ws[f"{form.COL_QUESTION}{form.FIRST_ROW + 1}"] = "Une autre question"
    wb.save(tmp_path / "edited.xlsx")
    ran = run(capsys, "--lang", "en", "impact", tmp_path / "edited.xlsx")
    assert ran.code == 1
    assert ran.out.startswith("Impact assessment unreadable or edited:")


def test_the_level_in_campaign_yaml_switches_the_requirements_on(
        capsys: pytest.CaptureFixture[str], campaign: Path) -> None:
    path = campaign / "campaign.yaml"
    path.write_text(path.read_text("utf-8") + "impact: {level: 3}\n", "utf-8")
    assert run(capsys, "questionnaire", campaign).code == 0
    frozen = json.loads((campaign / "questionnaire.json").read_text("utf-8"))
    text = json.dumps(frozen, ensure_ascii=False)
    assert "human review of every decision is mandatory" in text
    path.write_text(path.read_text("utf-8").replace("level: 3", "level: 7"), "utf-8")
    ran = run(capsys, "questionnaire", campaign)
    assert ran.code == 3
    assert "$.impact.level" in ran.err


def _small_campaign(campaign: Path) -> Path:
    """The campaign with a bank of four weighed criteria (pairwise comparisons fit)."""
    (campaign / "small.yaml").write_text(
        "format: 1\nextends: ai-territorial\nid: small\nversion: '1'\n"
        "drop: [LEG, DATA, SEC, SOV, STAFF, ENV, EVAL, REV, ACC]\n", "utf-8")
    path = campaign / "campaign.yaml"
    path.write_text(path.read_text("utf-8").replace("bank: ai-territorial", "bank: small.yaml"),
                    "utf-8")
    return campaign


def test_panel_pairwise_write_read_and_adopt(capsys: pytest.CaptureFixture[str],
                                             campaign: Path) -> None:
    _small_campaign(campaign)
    ran = run(capsys, "--lang", "en", "panel", "write", campaign, "--participant", "Anne=élus",
              "--participant", "Bruno=agents", "--participant", "Chloé=citoyens")
    assert ran.code == 0, ran.err
    outbox = campaign / "strategy" / "panel-outbox"
    assert sorted(p.name for p in outbox.iterdir()) == ["anne.xlsx", "bruno.xlsx",
                                                         "chloe.xlsx"]
    responses = campaign / "strategy" / "panel-responses"
    responses.mkdir()
    priorities = {"anne": {"TRA": 2, "HUM": 2, "SERV": 3, "COST": 3},
                  "bruno": {"TRA": 1, "HUM": 3, "SERV": 2, "COST": 4},
                  "chloe": {"TRA": 4, "HUM": 4, "SERV": 2, "COST": 1}}
    for name, prio in priorities.items():
        fill_panel(outbox / f"{name}.xlsx", responses / f"{name}.xlsx", priorities=prio)
    ran = run(capsys, "--lang", "en", "panel", "read", campaign)
    assert ran.code == 0, ran.err
    assert ran.out.startswith("Aggregation: geometric mean of the judgments (AIJ) "
                              "(3 participants, 3 groups)")
    assert "CR = " in ran.out
    assert "Groups most apart:" in ran.out
    record = json.loads((campaign / "strategy" / "panel.json").read_text("utf-8"))
    assert set(record["weights"]) == {"TRA", "HUM", "SERV", "COST"}
    assert record["origin"]["en"].startswith("The weights were set with 3 participants")
    ran = run(capsys, "--lang", "en", "panel", "adopt", campaign, "--weight", "TRA=20",
              "--weight", "HUM=25", "--weight", "SERV=20", "--weight", "COST=35",
              "--why", "rounded by the committee", "--by", "the procurement committee")
    assert ran.code == 0, ran.err
    assert "  weights:\n    RED: 0\n    TRA: 20\n" in ran.out
    adopted = json.loads((campaign / "strategy" / "adopted-weights.json").read_text("utf-8"))
    assert adopted["rationale"] == "rounded by the committee"
    assert adopted["panel_weights"] == record["weights"]


def test_panel_read_leaves_out_a_tampered_workbook(capsys: pytest.CaptureFixture[str],
                                                    campaign: Path) -> None:
    ran = run(capsys, "panel", "write", campaign, "--mode", "points",
              *[arg for name, group, _ in DEMO_PANEL[:3]
                for arg in ("--participant", f"{name}={group}")])
    assert ran.code == 0, ran.err
    outbox = campaign / "strategy" / "panel-outbox"
    responses = campaign / "strategy" / "panel-responses"
    responses.mkdir()
    files = sorted(outbox.iterdir())
    by_name = {name: points for name, _, points in DEMO_PANEL}
    from openpyxl import load_workbook

    from ai_procurement.workbooks.panel import read_panel  # noqa: F401 - same guard

    names = [load_workbook(f)["_identity"]["B4"].value for f in files]
    for path, name in zip(files, names, strict=True):
        fill_panel(path, responses / path.name, points=by_name[name])
    wb = load_workbook(responses / files[0].name)
    wb["_identity"]["B5"] = "autre groupe"  # a participant changes their group
    wb.save(responses / files[0].name)
    before = file_hashes(responses)
    ran = run(capsys, "panel", "read", campaign)
    assert ran.code == 1
    assert "classeur à corriger, non pris en compte" in ran.err
    assert "La signature du classeur ne correspond pas" in ran.err
    assert "(2 participants" in ran.out
    assert file_hashes(responses) == before


def test_panel_pairwise_over_too_many_criteria_is_refused(
        capsys: pytest.CaptureFixture[str], campaign: Path) -> None:
    ran = run(capsys, "panel", "write", campaign, "--participant", "A=g")
    assert ran.code == 3
    assert "utilisez --mode points" in ran.err


def test_rules_check_with_a_campaign_writes_the_report(capsys: pytest.CaptureFixture[str],
                                                        campaign: Path, tmp_path: Path) -> None:
    offers = tmp_path / "offres.yaml"
    offers.write_text("format: 1\noffers:\n"
                      "  - {name: Eco, price: 180000, quality: 0.55}\n"
                      "  - {name: Equilibre, price: 200000, quality: 0.62}\n"
                      "  - {name: Premium, price: 260000, quality: 0.9}\n", "utf-8")
    ran = run(capsys, "--lang", "en", "rules-check", offers, "--campaign", campaign)
    assert ran.code == 0, ran.err
    # The bank's default weights: COST 30 of 84 weighed points; quality on the rest.
    assert "  • Classic (Pmin / P) method: Premium wins" in ran.out
    assert "Linear method:" in ran.out
    report = campaign / "strategy" / "rules-check-en.docx"
    assert report.is_file()
    assert f"Rules check written: {report}" in ran.out
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\noffers:\n  - {name: X, prize: 1}\n", "utf-8")
    ran = run(capsys, "rules-check", bad, "--campaign", campaign)
    assert ran.code == 3
    assert "prize" in ran.err


def test_inventory_aggregates_declarations_and_exports_the_register(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blank = tmp_path / "declaration.xlsx"
    assert run(capsys, "inventory", "--new", blank).code == 0
    bank = load_bank("ai-inventory")
    folder = tmp_path / "declarations"
    folder.mkdir()
    fill_form(blank, folder / "1.xlsx", bank, {
        "INV-01": "Action sociale", "INV-02": "ChatBot grand public", "INV-03": "personal",
        "INV-04": "=résumer les dossiers d'aide", "INV-05": "yes",
        "INV-06": ("personal", "sensitive"), "INV-07": "daily", "INV-08": "much_time"})
    fill_form(blank, folder / "2.xlsx", bank, {
        "INV-01": "Communication", "INV-02": "Traducteur", "INV-03": "provided",
        "INV-04": "traduire des articles", "INV-05": "no", "INV-06": ("public",),
        "INV-07": "weekly", "INV-08": "quality"})
    (folder / "3.xlsx").write_bytes(b"not a workbook")
    register = tmp_path / "registre.csv"
    ran = run(capsys, "inventory", folder, "--register", register)
    assert ran.code == 1  # one file could not be read
    assert ran.out.startswith("2 déclarations lues sur 3 fichiers ; 1 usage d'outils "
                              "non fournis, dont 1 avec des données personnelles ; 1 pour des "
                              "décisions individuelles.")
    assert "3.xlsx" in ran.err
    lines = register.read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("Traitement (outil);Finalité;Service")
    # The typed text that looks like a formula stays text.
    assert lines[1].startswith("ChatBot grand public;'=résumer les dossiers d'aide;"
                               "Action sociale;")
    assert len(lines) == 2
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "inventaire.xlsx")
    assert wb.sheetnames == ["Déclarations", "Synthèse", "Fichiers à revoir"]
    assert wb["Déclarations"]["E2"].value == "=résumer les dossiers d'aide"
    assert wb["Déclarations"]["E2"].data_type == "s"
