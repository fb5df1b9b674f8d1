"""The demo campaign keeps its promises (module docstring of ``ai_procurement.campaign.demo``).

The demo is what a buyer runs first: a fictional consultation whose outcome shows every
situation a committee must handle. These tests read the session's demo (built once in
``conftest.py``) as the buyer would: the printed summary, the check reports, the
deliverables in ``out/``, and the scores behind them. The last test runs the demo a
second time in another folder and compares every file byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from tests.campaign_fixtures import DemoRun, copy_campaign, docx_text, file_hashes

from ai_procurement.answers import AnswerState
from ai_procurement.campaign.demo import DEMO_VENDORS, run_demo
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.workflow import EvaluationRun, score_campaign, slug

VENDORS = sorted(p.name for p in DEMO_VENDORS)


@pytest.fixture(scope="module")
def scored(demo_campaign: Path, tmp_path_factory: pytest.TempPathFactory) -> EvaluationRun:
    # Scoring reads the files again and appends the reads to the audit trail: on a copy.
    folder = copy_campaign(demo_campaign, tmp_path_factory.mktemp("scored") / "demo")
    return score_campaign(load_campaign(folder), lot="1")


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def memo_en(demo_campaign: Path) -> str:
    return _docx_text(demo_campaign / "out" / "lot-1" / "memo-en.docx")


def _lot_summary(summary: str, lot: str) -> list[str]:
    """The lines the demo printed for one lot."""
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Lot {lot} "))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("Lot ")
                or not lines[i].strip()), len(lines))
    return lines[start + 1:end]


def test_the_summary_lists_the_offers_in_rank_order(demo_run: DemoRun) -> None:
    lines = [line.split() for line in _lot_summary(demo_run.summary, "1")
             if line[:3].strip().isdigit() or line[:3].strip() == "-"]
    ranks = [line[0] for line in lines]
    # Five ranked offers, 1 to 5, then the non-compliant one (rank "-").
    assert ranks == ["1", "2", "3", "4", "5", "-"]
    assert " ".join(lines[0][1:3]) == "Alizé Systèmes"
    assert " ".join(lines[-1][1:3]) == "Cumulus IA"
    assert " ".join(lines[-1][-3:]) == "irrégulière (exigence éliminatoire)"


def test_cumulus_is_non_compliant_with_the_red_line_it_crossed(scored: EvaluationRun,
                                                                memo_en: str) -> None:
    cumulus = scored.evaluation.vendor("Cumulus IA")
    assert cumulus.status == "non-compliant"
    assert cumulus.rank is None
    assert [k.question_id for k in cumulus.knockouts] == ["RED-05"]
    reason = cumulus.knockouts[0].reason
    assert "train" in reason.en
    # The committee reads the reason in the memo, and the offer is still shown there.
    assert reason.en in memo_en
    assert "Cumulus IA / non-compliant" in memo_en.replace("\n", " / ")


def test_dolmen_is_flagged_abnormally_low_and_still_ranked(scored: EvaluationRun,
                                                           memo_en: str) -> None:
    evaluation = scored.evaluation
    assert evaluation.low_offers is not None
    assert evaluation.low_offers.flagged == ("Dolmen Logiciels",)
    dolmen = evaluation.vendor("Dolmen Logiciels")
    assert dolmen.status == "ranked"
    assert dolmen.rank is not None
    assert "abnormally-low" in dolmen.flags
    # M1/M2: Dolmen's price is below 0.9 x M2, so it is flagged for a written request.
    low = evaluation.low_offers
    assert low.m2 is not None
    assert low.prices["Dolmen Logiciels"] < 0.9 * low.m2
    assert "abnormally low" in memo_en
    assert "It is not excluded" in memo_en


def test_the_first_two_offers_are_a_close_call_with_no_clear_winner(
        scored: EvaluationRun, demo_run: DemoRun) -> None:
    first, second = scored.evaluation.ranking[:2]
    assert (first.vendor, second.vendor) == ("Alizé Systèmes", "Boréal Data")
    total = scored.evaluation.settings.total_points
    threshold = load_campaign(demo_run.folder).config.robustness.close_call_threshold
    # Below 2 % of the 100 points, i.e. less than 2 points apart.
    assert 0 < first.total - second.total < threshold * total
    close_call = scored.robustness.close_call
    assert getattr(close_call, "flagged", False) is True
    assert any("no clear winner" in s for s in scored.robustness.sentences("en"))
    assert "il n'y a pas de gagnant net" in demo_run.summary


def test_estuaire_answers_not_applicable_and_ranks_last_among_compliant_offers(
        scored: EvaluationRun) -> None:
    evaluation = scored.evaluation
    lines = evaluation.lines_for("Estuaire Numérique")
    not_applicable = [line for line in lines if line.state is AnswerState.NOT_APPLICABLE]
    assert len(not_applicable) > len(lines) / 2
    estuaire = evaluation.vendor("Estuaire Numérique")
    assert estuaire.status == "ranked"
    assert estuaire.rank == max(v.rank for v in evaluation.ranking if v.rank is not None)
    assert evaluation.ranking[-1].vendor == "Estuaire Numérique"


def test_evaluator_divergences_are_flagged(scored: EvaluationRun, memo_en: str) -> None:
    divergences = scored.evaluation.divergences
    assert divergences
    threshold = scored.evaluation.settings.divergence_threshold
    assert all(d.spread > threshold for d in divergences)
    assert {d.vendor for d in divergences} >= {"Dolmen Logiciels"}
    assert set(divergences[0].levels) == {"Claire Martin", "Louis Bernard"}
    assert "evaluator-divergence" in scored.evaluation.vendor("Dolmen Logiciels").flags
    assert "Evaluator divergences" in memo_en


def test_a_score_without_justification_is_flagged(scored: EvaluationRun) -> None:
    unjustified = [s for s in scored.evaluation.evaluator_scores if not s.justification.strip()]
    assert [(s.evaluator, s.vendor, s.question_id) for s in unjustified] == [
        ("Louis Bernard", "Fjord Analytics", "SERV-02")]
    assert "unjustified-score:SERV-02" in scored.evaluation.vendor("Fjord Analytics").flags


def test_every_vendor_file_passed_check_without_errors(demo_campaign: Path,
                                                       scored: EvaluationRun) -> None:
    assert sorted(c.vendor or "?" for c in scored.checked) == VENDORS
    assert all(c.response.report.ok for c in scored.checked)
    reports = sorted((demo_campaign / "reports").iterdir())
    assert [p.name for p in reports if "-lot-1" in p.name] == sorted(
        f"{slug(v)}-lot-1.xlsx.fr.docx" for v in VENDORS)
    for report in reports:
        assert "le fichier peut être évalué (0 erreur, " in docx_text(report)


def test_the_out_folder_holds_the_deliverables(demo_campaign: Path,
                                               scored: EvaluationRun) -> None:
    winner = scored.evaluation.ranking[0].vendor
    expected = {"comparison.xlsx", "memo-fr.docx", "memo-en.docx",
                "annexe-interne-robustesse-fr.docx", "annexe-interne-robustesse-en.docx",
                "engagements-fr.docx", "engagements-en.docx"} | {
        f"debrief-{slug(v)}.docx" for v in VENDORS if v != winner}
    assert {p.name for p in (demo_campaign / "out" / "lot-1").iterdir()} == expected
    assert len(expected) == 7 + 5


def test_the_demo_letters_and_report_follow_its_procedure(demo_campaign: Path,
                                                          memo_en: str) -> None:
    # campaign.yaml says mapa-avec-publicite: R2181-1 and R2181-2, no standstill.
    letter = _docx_text(demo_campaign / "out" / "lot-1" / "debrief-boreal-data.docx")
    assert "en application des articles R2181-1 et R2181-2 du code de la commande " \
        "publique" in letter
    assert "Le marché peut donc être signé dès l'envoi de la présente lettre." in letter
    assert "à compter du" not in letter
    assert "Estimated value | €180,000.00 excluding VAT (whole consultation)" in memo_en
    assert "Negotiation (R2123-5) | no negotiation declared" in memo_en
    # Two lots: no reason for a single contract is asked.
    assert "L2113-11" not in memo_en


def test_the_close_call_is_in_the_internal_annex_not_in_the_report(
        demo_campaign: Path, memo_en: str, scored: EvaluationRun) -> None:
    # An unsuccessful bidder may obtain the report: the findings are in the annex only.
    annex = _docx_text(demo_campaign / "out" / "lot-1" / "annexe-interne-robustesse-en.docx")
    assert "No clear winner: " in annex
    for sentence in scored.robustness.sentences("en"):
        assert sentence in annex
        assert sentence not in memo_en
    assert "No clear winner" not in memo_en
    assert "The soundness of the ranking was checked" in memo_en


def test_the_commitments_annex_names_the_winner_and_its_commitments(
        demo_campaign: Path, scored: EvaluationRun) -> None:
    from ai_procurement.decision.commitments import binding_commitments

    winner = scored.evaluation.ranking[0].vendor
    annex = _docx_text(demo_campaign / "out" / "lot-1" / "engagements-fr.docx")
    assert "Annexe : engagements de l'offre retenue" in annex
    assert f"Titulaire | {winner}" in annex
    commitments = binding_commitments(scored.evaluation)
    assert commitments
    assert all(f"\n{c.question_id} | " in annex for c in commitments)


def test_both_evaluators_declare_no_conflict_of_interest(demo_campaign: Path,
                                                         scored: EvaluationRun) -> None:
    assert [(d.evaluator, d.declared_no_conflict) for d in scored.declarations] == [
        ("Claire Martin", True), ("Louis Bernard", True)]
    assert not any(f.code.startswith(("declaration", "conflict"))
                   for report in scored.review_reports for f in report.findings)
    memo = _docx_text(demo_campaign / "out" / "lot-1" / "memo-fr.docx")
    section = memo[memo.index("Conflits d'intérêts (déclarations des évaluateurs"):]
    assert "Claire Martin : déclare n'avoir aucun conflit d'intérêts (15 février 2027)" in section
    assert "Louis Bernard : déclare n'avoir aucun conflit d'intérêts (15 février 2027)" in section


def test_the_demo_is_an_open_call_with_two_lots_a_variant_and_a_late_offer(
        demo_run: DemoRun, demo_campaign: Path, tmp_path: Path) -> None:
    from ai_procurement.campaign.opening import load_opening

    # Scoring appends its reads to the audit trail: on a copy.
    campaign = load_campaign(copy_campaign(demo_campaign, tmp_path / "demo"))
    assert campaign.config.mode == "open"
    assert [lot.id for lot in campaign.lots()] == ["1", "2"]
    # One generic questionnaire per lot, published with the DCE; no per-vendor copy.
    # With the RC annex that states the award rules as they are applied.
    assert sorted(p.name for p in (demo_campaign / "outbox").iterdir()) == [
        "annexe-rc-en.docx", "annexe-rc-fr.docx", "questionnaire-lot-1.xlsx",
        "questionnaire-lot-2.xlsx"]
    opening = load_opening(campaign)
    assert opening is not None
    by_file = opening.by_file()
    # Alizé answers both lots; Fjord adds a variant on lot 2; Hermine deposits late.
    assert {o.lot for o in opening.offers if o.bidder.name == "Alizé Systèmes"} == {"1", "2"}
    variant = by_file["fjord-analytics-lot-2-variante-1.xlsx"]
    assert (variant.lot, variant.variant, variant.label) == ("2", 1, "Fjord Analytics – V1")
    late = by_file["hermine-tech-lot-2.xlsx"]
    assert late.status == "late"
    lot2 = score_campaign(campaign, lot="2")
    assert "Hermine Tech" not in {v.vendor for v in lot2.evaluation.vendors}
    assert "Fjord Analytics – V1" in {v.vendor for v in lot2.evaluation.vendors}
    assert "hors délai" in demo_run.summary
    memo = _docx_text(demo_campaign / "out" / "lot-2" / "memo-fr.docx")
    assert "hermine-tech-lot-2.xlsx" in memo
    assert "R2151-5" in memo
    # The deposit register, one row per offer of the lot, the late one marked.
    assert "Registre des dépôts" in memo
    assert "P11 | Hermine Tech\n78657975500012 | 15 février 2027 12:04 | base | hors délai " \
        "(R2151-5) | hermine-tech-lot-2.xlsx" in memo


@pytest.fixture(scope="module")
def second_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("again") / "elsewhere"
    run_demo(folder)
    return folder


def test_the_demo_gives_the_same_bytes_every_time(demo_campaign: Path,
                                                  second_demo: Path) -> None:
    first, second = file_hashes(demo_campaign), file_hashes(second_demo)
    assert set(first) == set(second)
    differ = sorted(name for name in first if first[name] != second[name])
    # Only the audit trail differs: it records when each step ran.
    assert differ == ["audit.jsonl"]


def _timeless(folder: Path) -> list[dict[str, object]]:
    records = [json.loads(line) for line in
               (folder / "audit.jsonl").read_text("utf-8").splitlines()]
    for record in records:
        del record["time"]
    return records


def test_the_audit_trail_differs_only_by_its_times(demo_campaign: Path,
                                                   second_demo: Path) -> None:
    assert _timeless(demo_campaign) == _timeless(second_demo)


def test_the_memo_cites_the_impact_level_and_how_the_weights_were_obtained(
        demo_campaign: Path) -> None:
    # Before buying, the demo recorded the project's impact level and a panel's weights.
    assert sorted(p.name for p in (demo_campaign / "strategy").glob("*.json")) == [
        "adopted-weights.json", "impact.json", "panel.json"]
    memo = _docx_text(demo_campaign / "out" / "lot-1" / "memo-fr.docx")
    assert ("Niveau d'impact du projet, évalué avant l'achat : Niveau d'impact III (élevé)"
            in memo)
    assert "Les pondérations ont été établies avec 8 participants (élus (2), agents (3), " \
        "panel citoyen (3))" in memo
    assert "Pondérations retenues par la commission d'appel d'offres du 10 décembre 2026" \
        in memo


def test_one_report_covers_both_lots_with_a_part_per_lot(demo_campaign: Path) -> None:
    # As the DAJ's form does: one report, a part per lot, one signature block; each lot
    # keeps its own report beside its letters.
    report = _docx_text(demo_campaign / "out" / "memo-fr.docx")
    assert "Lots : Lot 1 : Tri du courrier entrant ; Lot 2 : Aide à la rédaction des " \
        "réponses aux usagers" in report
    for lot in ("1", "2"):
        assert f"Lot {lot} – 2. Déroulement de la procédure" in report
        assert f"Lot {lot} – 9. Proposition d'attribution" in report
    assert report.index("Lot 1 – 9. Proposition") < report.index("Lot 2 – 2. Déroulement")
    assert report.count("10. Signatures") == 2  # the contents and the block, once
    assert "hermine-tech-lot-2.xlsx" in report  # lot 2's register and late offer
    assert (demo_campaign / "out" / "memo-en.docx").is_file()


def _ranking_rows(path: Path) -> list[str]:
    rows = []
    for table in docx.Document(str(path)).tables:
        if table.rows[0].cells[0].text in ("Rang", "Rank"):
            rows += [" | ".join(cell.text for cell in row.cells) for row in table.rows[1:]]
    return rows


def _award(text: str, start: str) -> str:
    part = text[text.index(start) + len(start):]
    return part[:part.index("\n10. Signatures")] if "\n10. Signatures" in part else part


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_on_every_lot_has_each_ranking_and_award_and_refers_to_the_lots_reports(
        demo_campaign: Path, lang: str) -> None:
    # The report on every lot keeps what the commission signs (ranking, points, award)
    # and sends the reader to each lot's own report for the notes, charts and annexes.
    out = demo_campaign / "out"
    report = _docx_text(out / f"memo-{lang}.docx")
    combined_rows = _ranking_rows(out / f"memo-{lang}.docx")
    award = "9. Proposition d'attribution" if lang == "fr" else "9. Award proposal"
    for lot in ("1", "2"):
        own = out / f"lot-{lot}" / f"memo-{lang}.docx"
        rows = _ranking_rows(own)
        assert rows
        assert all(row in combined_rows for row in rows)
        own_award = _award(_docx_text(own), f"\n{award}\n").split("\n")
        lot_award = _award(report, f"Lot {lot} – {award}\n")
        assert all(line in lot_award for line in own_award if line)
        assert f"lot-{lot}/memo-{lang}.docx" in report
    assert "Annexe B –" not in report
    assert "Annex B –" not in report
    assert len(docx.Document(str(out / f"memo-{lang}.docx")).inline_shapes) == 0


def test_lot_2_is_priced_on_a_dqe_with_a_budget_one_variant_exceeds(
        demo_run: DemoRun, demo_campaign: Path) -> None:
    from openpyxl import load_workbook

    # The questionnaire of lot 2 carries the DQE sheet with the buyer's quantities.
    sheet = load_workbook(demo_campaign / "outbox" / "questionnaire-lot-2.xlsx")["DQE"]
    assert [sheet[f"D{r}"].value for r in range(6, 10)] == [1, 60, 12, 4]
    # Fjord's variant: 1 × 31 500 + 60 × 420 + 12 × 945 + 4 × 15 750 = 131 040 € HT,
    # above the 125 000 € budget: unacceptable (L2152-3), not ranked (MAPA without
    # negotiation, R2152-1). Gwenn IA: 124 800 €, under the budget, stays ranked.
    lines = _lot_summary(demo_run.summary, "2")
    assert any("Fjord Analytics – V1" in line and "inacceptable" in line
               and line.lstrip().startswith("-") for line in lines)
    memo = _docx_text(demo_campaign / "out" / "lot-2" / "memo-en.docx")
    assert "Detailed quantity estimate (DQE)" in memo
    assert "Fjord Analytics – V1 | Total | 1 × 31,500 + 60 × 420 + 12 × 945 + 4 × 15,750 " \
        "= 131,040 €" in memo
    assert ("Offer Fjord Analytics – V1: price 131,040 € excl. VAT, 6,040 € above the "
            "budget of 125,000 € excl. VAT") in memo
    letter = _docx_text(demo_campaign / "out" / "lot-2" / "debrief-fjord-analytics-v1.docx")
    assert "L2152-3" in letter
    assert "inacceptable" in letter
    price = load_workbook(demo_campaign / "out" / "lot-2" / "comparison.xlsx")["Prix"]
    texts = [str(c.value) for row in price.iter_rows() for c in row if c.value is not None]
    assert any("Budget et offres inacceptables (L2152-3)" in t for t in texts)
    assert any(t.startswith("D2 ") for t in texts)
    # The commitments annex is still written for the winner of each lot.
    assert (demo_campaign / "out" / "lot-2" / "engagements-fr.docx").exists()
