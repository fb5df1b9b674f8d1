"""The impact level switches vendor requirements on in the procurement bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_procurement.bank.files import load_bank
from ai_procurement.bank.model import Evidence
from ai_procurement.bank.requirements import (
    apply_impact_level,
    load_level_requirements,
    tailor_for_impact,
)
from ai_procurement.errors import BankError


def test_level_three_makes_human_review_a_knock_out_and_evidence_mandatory() -> None:
    bank = load_bank("ai-territorial")
    assert bank.question("HUM-01").knockout is None
    tailored, record = apply_impact_level(bank, 3)
    hum = tailored.question("HUM-01")
    assert hum.knockout is not None
    assert hum.knockout.when == ("no",)
    assert "human review of every decision" in hum.knockout.reason.en
    assert hum.evidence is Evidence.REQUIRED
    assert tailored.question("TRA-02").evidence is Evidence.REQUIRED
    assert "impact-level-III" in hum.tags
    assert {r.question for r in record} == {"TRA-03", "HUM-01", "HUM-03", "TRA-02"}
    assert all(r.applied for r in record)
    # Same bank otherwise: id, version and untouched questions.
    assert (tailored.id, tailored.version) == (bank.id, bank.version)
    assert tailored.question("ENV-01") == bank.question("ENV-01")


def test_level_one_switches_nothing_and_level_four_widens_the_knock_out() -> None:
    bank = load_bank("ai-territorial")
    assert tailor_for_impact(bank, 1) == bank
    four = tailor_for_impact(bank, 4).question("HUM-03")
    assert four.knockout is not None
    assert set(four.knockout.when) == {"automatic", "sampling", "threshold"}


def test_rules_on_questions_the_bank_lacks_are_recorded_as_skipped() -> None:
    bank = load_bank("ai-screening")
    tailored, record = apply_impact_level(bank, 4)
    assert tailored == bank
    assert record
    assert not any(r.applied for r in record)


def test_a_wrong_level_or_rule_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="impact level must be 1 to 4"):
        apply_impact_level(load_bank("ai-territorial"), 5)
    path = tmp_path / "rules.yaml"
    path.write_text("format: 1\nid: x\nversion: '1'\nsource: s\nrules:\n"
                    "  - {question: HUM-01, from_level: 7, why: {fr: a, en: b}}\n", "utf-8")
    with pytest.raises(BankError) as info:
        load_level_requirements(path)
    assert "expected a level from 1 to 4, got 7" in str(info.value)
    assert "needs a knockout, an evidence rule or both" in str(info.value)


def test_a_wrong_level_or_rule_file_is_refused_in_french_too(tmp_path: Path) -> None:
    with pytest.raises(BankError) as level:
        apply_impact_level(load_bank("ai-territorial"), 5)
    assert level.value.in_language("fr") == (
        "banque de questions «\u00a0ai-territorial\u00a0» : 1 problème\n"
        "  banque de questions «\u00a0ai-territorial\u00a0» : $ : le niveau d'impact doit être "
        "de 1 à 4 (I à IV), reçu 5")
    path = tmp_path / "regles.yaml"
    path.write_text("format: 1\nid: x\nversion: '1'\nsource: s\nrules:\n"
                    "  - {question: HUM-01, from_level: 7, why: {fr: a, en: b}}\n", "utf-8")
    with pytest.raises(BankError) as rules:
        load_level_requirements(path)
    french = rules.value.in_language("fr")
    assert "$.rules[0].from_level (ligne 6) : niveau de 1 à 4 attendu, reçu 7" in french
    assert ("$.rules[0] (ligne 6) : une règle demande une condition éliminatoire, une règle de "
            "preuve ou les deux") in french
