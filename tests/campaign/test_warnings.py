"""What the buyer is told before trusting a result, each with what to do (scenarios)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import docx
import pytest
from tests.campaign_fixtures import copy_campaign, docx_text

from ai_procurement.campaign import warnings
from ai_procurement.campaign.folder import init_campaign, load_campaign
from ai_procurement.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_init_template_carries_every_key_of_the_report_to_fill(
        tmp_path: Path, lang: str) -> None:
    campaign = init_campaign(tmp_path / "c", language="fr" if lang == "fr" else "en")
    text = (tmp_path / "c" / "campaign.yaml").read_text("utf-8")
    for key in ("procedure_type:", "published:", "place:", "signatories:", "role:",
                "estimated_value:", "contact:", "evaluators:", "lead_evaluator:",
                "report_date:", "deadline:"):
        assert key in text, key
    comment = "lieu de signature du rapport" if lang == "fr" else "where the report is signed"
    assert comment in text
    # Parsed: the keys are there, blank, and listed as blanks by name.
    assert campaign.config.procedure.signatories[0].name == ""
    assert [b.key for b in warnings.memo_blanks(campaign.config)] == [
        "opening.deadline", "evaluators[0]", "evaluators[1]", "procedure.published",
        "procedure.place", "procedure.signatories", "procedure.estimated_value",
        "procedure.no_lots_reason"]


def test_the_demo_campaign_has_no_blank(demo_campaign: Path) -> None:
    assert warnings.memo_blanks(load_campaign(demo_campaign).config) == []


def test_evaluating_before_the_deadline_is_a_warning(demo_campaign: Path) -> None:
    campaign = load_campaign(demo_campaign)
    deadline = campaign.config.opening.deadline
    assert deadline is not None
    early = warnings.before_deadline(campaign, deadline - dt.timedelta(hours=1))
    assert early is not None
    assert "15/02/2027 12:00" in early.fr
    assert "n'est pas passée" in early.fr
    assert "after the deadline" in early.en
    assert warnings.before_deadline(campaign, deadline + dt.timedelta(hours=1)) is None


def _edit_weights(folder: Path) -> dict[str, float]:
    """Lot 1's published weights, with 5 points moved from LEG to COST in campaign.yaml."""
    campaign = load_campaign(folder)
    weights = {k: round(v * 100, 6) for k, v in campaign.frozen(campaign.lot("1"))
               .weights.items()}
    weights["LEG"] -= 5
    weights["COST"] += 5
    path = folder / "campaign.yaml"
    text = path.read_text("utf-8").replace(
        'title: "Tri du courrier entrant"\n', 'title: "Tri du courrier entrant"\n'
        "    weights:\n" + "".join(f"      {k}: {v}\n" for k, v in weights.items()), 1)
    text = text.replace("\nrobustness:", "\nnormalise: true\nrobustness:", 1)
    path.write_text(text, "utf-8")
    return weights


def test_evaluate_warns_of_blanks_edited_weights_and_silent_evaluators(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    path = folder / "campaign.yaml"
    path.write_text(path.read_text("utf-8").replace('place: "Rivebelle"', 'place: ""'),
                    "utf-8")
    weights = _edit_weights(folder)
    (folder / "reviews" / "louis-bernard-lot-1.xlsx").unlink()
    # Scores missing: evaluate refuses, naming them, unless a draft is asked for.
    code, _, err = _run(capsys, "evaluate", "--force", folder)
    assert code == 1
    assert "Louis Bernard n'a pas de grille d'évaluation pour l'offre Alizé Systèmes" in err
    # Counts agree with their number, in French: plural here, singular below.
    assert "! Évaluation incomplète : 5 notes d'évaluateur manquantes ou inutilisables" in err
    code, _, err = _run(capsys, "evaluate", "--force", "--draft", folder)
    assert code == 0, err
    assert "! PROJET : 5 notes d'évaluateur manquantes ;" in err
    # The report is a draft, and says so where it would be signed.
    assert "PROJET, pas encore à signer : 1 élément de campaign.yaml est vide. Complétez-le" in err
    assert "procedure.place : lieu de signature" in err
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "PROJET – NE PAS SIGNER" in memo
    assert "procedure.place" in memo
    footer = "\n".join(p.text for p in docx.Document(str(folder / "out" / "memo-fr.docx"))
                       .sections[0].footer.paragraphs)
    assert footer.startswith("PROJET – Rapport d’analyse des offres")
    # Weights edited after publication: the published ones are kept; both are shown.
    assert "modifiés après la publication" in err
    published_leg = weights["LEG"] + 5
    assert re.search(rf"LEG : publié {published_leg:.4g}, campaign.yaml {weights['LEG']:.4g}",
                     err), err
    # The evaluator who returned nothing is named, with what to do.
    assert re.search(r"Évaluateur sans aucune note \(lot 1\) : Louis Bernard", err), err
    assert "Récupérez son classeur" in err
    assert "(lot 2) : Louis Bernard" not in err


def test_a_vendor_renamed_after_sending_is_named_as_such(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "c"
    init_campaign(folder, bank="ai-screening")
    path = folder / "campaign.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "mode: open\n", "mode: invited\nvendors:\n  - Alizé Systèmes\n  - Boréal Data\n"),
        "utf-8")
    assert _run(capsys, "questionnaire", folder)[0] == 0
    shutil.copy(folder / "outbox" / "alize-systemes.xlsx",
                folder / "responses" / "alize-systemes.xlsx")
    path.write_text(path.read_text("utf-8").replace("Alizé Systèmes", "Alizé Systèmes SAS"),
                    "utf-8")
    code, _, err = _run(capsys, "check", "--no-pdf", folder)
    assert code == 1, err
    report = docx_text(folder / "reports" / "alize-systemes.xlsx.fr.docx")
    assert "émis par cette consultation pour « Alizé Systèmes »" in report
    assert "renommé ou retiré" in report
    assert "copie vierge" not in report
