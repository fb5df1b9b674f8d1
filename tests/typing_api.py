"""The public API as a user writes it; checked by mypy --strict in test_quality.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ai_procurement as ap


def prepare(folder: Path) -> str:
    """Freeze a tailored bank and write one questionnaire."""
    bank: ap.Bank = ap.load_bank("ai-territorial")
    weighting: ap.Weighting = ap.rank_weights([c.id for c in bank.criteria], method="roc")
    questionnaire: ap.Questionnaire = ap.freeze(
        bank, ap.Consultation("2027-IA-001", "Assistant", "Ville", deadline=dt.date(2027, 3, 1)),
        weighting)
    key: bytes = ap.new_key()
    path: Path = ap.write_questionnaire(questionnaire, folder / "a.xlsx", "fr", "Acme", key=key)
    response: ap.Response = ap.read_response(path, questionnaire, key=key, vendor="Acme")
    evaluation: ap.Evaluation = ap.evaluate(
        questionnaire, {"Acme": response},
        settings=ap.Settings(total_points=100, price_method="classique"))
    robustness: ap.Robustness = ap.assess_robustness(evaluation, samples=1_000, seed=1)
    sentences: list[str] = robustness.sentences("en")
    return questionnaire.fingerprint + "".join(sentences)


def import_a_grid(grid: Path) -> str:
    """Import a buyer's grid, freeze it under its announced flat rule, print the rule."""
    mapping: ap.GridMapping = ap.parse_mapping(["question=C", "id=A", "points=E"])
    imported: ap.GridImport = ap.import_grid(grid, mapping)
    issues: tuple[ap.GridIssue, ...] = imported.issues
    questionnaire = ap.freeze(imported.bank, ap.Consultation("R", "T", "B"),
                              aggregation="flat", aggregation_announced=True)
    sentence: ap.Text = ap.aggregation_sentence(questionnaire)
    return sentence.en + imported.report("en") + str(len(issues))


def publish_rules(questionnaire: ap.Questionnaire, folder: Path) -> Path:
    """Write the annex to the consultation rules for one lot."""
    lot = ap.LotRules("1", "Assistant", questionnaire,
                      ap.Settings(total_points=100, price_method="classique"))
    rules = ap.AwardRules("open", variants_allowed=False)
    return ap.write_rules_annex([lot], rules, folder / "annexe-rc.docx", lang="en")


def after_opening(campaign: ap.Campaign, consultation: ap.Consultation, folder: Path) -> str:
    """Check the procedure allows a negotiation, then write a regularisation request."""
    refusal: ap.Text | None = ap.round_refusal(ap.RoundKind.NEGOTIATION,
                                               ap.ProcedureKind.OPEN_CALL, False)
    rounds: list[ap.Round] = ap.load_rounds(campaign)
    decisions: ap.Decisions = ap.load_decisions(campaign)
    letter = ap.RoundLetter(ap.RoundKind.REGULARISATION, "1-regularisation", "P03", "Acme",
                            consultation, dt.date(2027, 3, 27),
                            (ap.LetterPoint("RED-02", "Question", "E7", "missing"),))
    path: Path = ap.write_round_letter(letter, folder / "letter.docx", lang="en")
    return f"{refusal.en if refusal else ''}{len(rounds)}{len(decisions.abnormally_low)}{path}"
