"""Legal facts as data: every dated fact has a source, a check date and one value a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ai_procurement.errors import LegalDataError
from ai_procurement.legal.facts import legal_facts, load_legal_facts


def test_every_fact_cites_its_source_and_when_it_was_checked() -> None:
    facts = legal_facts()
    assert len(facts.ids()) >= 15
    for fact in facts.facts:
        assert fact.source.strip(), fact.id
        assert fact.checked >= dt.date(2026, 1, 1), fact.id
        assert fact.text.fr
        assert fact.text.en


@pytest.mark.parametrize(("fact_id", "day", "expected"), [
    # AI Act, art. 113 and 111 (Regulation (EU) 2024/1689).
    ("ai_act.prohibitions", dt.date(2026, 12, 6), dt.date(2025, 2, 2)),
    ("ai_act.general_purpose_models", dt.date(2026, 12, 6), dt.date(2025, 8, 2)),
    ("ai_act.general_application", dt.date(2026, 12, 6), dt.date(2026, 8, 2)),
    ("ai_act.general_purpose_models_legacy", dt.date(2026, 12, 6), dt.date(2027, 8, 2)),
    ("ai_act.public_authority_legacy", dt.date(2026, 12, 6), dt.date(2030, 8, 2)),
    # The digital omnibus (Regulation (EU) 2026/1744, in force 27 July 2026) moved the
    # Annex III high-risk date; a question asked before it read the original one.
    ("ai_act.high_risk_annex3", dt.date(2026, 7, 1), dt.date(2026, 8, 2)),
    ("ai_act.high_risk_annex3", dt.date(2026, 12, 6), dt.date(2027, 12, 2)),
    ("ccp.environmental_award_criterion", dt.date(2026, 12, 6), dt.date(2026, 8, 22)),
])
def test_dates(fact_id: str, day: dt.date, expected: dt.date) -> None:
    assert legal_facts().date(fact_id, on=day) == expected


@pytest.mark.parametrize(("fact_id", "day", "expected"), [
    ("ccp.standstill_days", dt.date(2026, 12, 6), 11),
    ("ccp.standstill_days_not_electronic", dt.date(2026, 12, 6), 16),
    # R2132-6: answers to bidders' questions before the deadline for offers.
    ("ccp.additional_information_days", dt.date(2026, 12, 6), 6),
    ("ccp.additional_information_days_urgent", dt.date(2026, 12, 6), 4),
    # R2122-8: 40 000 EUR until 31 March 2026, 60 000 EUR from 1 April (décret 2025-1386).
    ("ccp.no_competition_supplies_services", dt.date(2026, 3, 31), 40_000),
    ("ccp.no_competition_supplies_services", dt.date(2026, 4, 1), 60_000),
    # EU thresholds 2026-2027 for local authorities' supplies and services.
    ("ccp.threshold_supplies_services_local", dt.date(2025, 12, 31), 221_000),
    ("ccp.threshold_supplies_services_local", dt.date(2026, 1, 1), 216_000),
])
def test_numbers(fact_id: str, day: dt.date, expected: int) -> None:
    assert legal_facts().number(fact_id, on=day) == expected


def test_a_threshold_is_unknown_outside_its_period() -> None:
    with pytest.raises(KeyError, match="no value in force on 2028-01-01"):
        legal_facts().fact("ccp.threshold_supplies_services_local", on=dt.date(2028, 1, 1))


def test_unknown_fact_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"ccp\.standstill_days"):
        legal_facts().fact("ccp.standstil_days")


def test_a_date_is_not_read_as_a_number() -> None:
    with pytest.raises(TypeError, match="not a number"):
        legal_facts().number("ai_act.prohibitions")


GOOD = """\
format: 1
facts:
  - id: x.delay
    value: 11
    text: {fr: "Délai", en: "Delay"}
    source: "Code, art. 1"
    checked: 2026-12-06
    valid_until: 2026-03-31
  - id: x.delay
    value: 12
    text: {fr: "Délai", en: "Delay"}
    source: "Code, art. 1, modifié"
    checked: 2026-12-06
    valid_from: 2026-04-01
"""


def test_a_buyer_can_read_an_updated_copy(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(GOOD, "utf-8")
    facts = load_legal_facts(path)
    assert facts.number("x.delay", on=dt.date(2026, 4, 1)) == 12
    assert [f.value for f in facts.history("x.delay")] == [11, 12]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("valid_from: 2026-04-01", "valid_from: 2026-03-01", "overlap"),
    ("value: 12", "value: 2026-01-01", "mix value types"),
    ("value: 12", "value: true", r"expected a date \(YYYY-MM-DD\), a whole number or a text"),
    ('source: "Code, art. 1, modifié"', 'source: " "', "name the article"),
    ("    checked: 2026-12-06\n    valid_until", "    checked: nope\n    valid_until",
     "expected a date"),
])
def test_problems_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(GOOD.replace(old, new, 1), "utf-8")
    with pytest.raises(LegalDataError, match=message) as caught:
        load_legal_facts(path)
    assert all(p.line is not None for p in caught.value.problems)


@pytest.mark.parametrize(("old", "new", "french"), [
    ("valid_from: 2026-04-01", "valid_from: 2026-03-01",
     "les périodes de «\u00a0x.delay\u00a0» se chevauchent\u00a0: donnez à l'entrée "
     "précédente un valid_until antérieur à ce valid_from"),
    ("value: 12", "value: 2026-01-01",
     "les entrées de «\u00a0x.delay\u00a0» mélangent des types de valeurs\u00a0: une date, "
     "un nombre entier"),
    ("value: 12", "value: true",
     "date (AAAA-MM-JJ), nombre entier ou texte attendu, reçu True"),
    ('source: "Code, art. 1, modifié"', 'source: " "',
     "indiquez l'article et le texte d'où vient ce fait"),
])
def test_problems_are_told_in_french_too(tmp_path: Path, old: str, new: str,
                                         french: str) -> None:
    path = tmp_path / "faits.yaml"
    path.write_text(GOOD.replace(old, new, 1), "utf-8")
    with pytest.raises(LegalDataError) as caught:
        load_legal_facts(path)
    assert french in caught.value.in_language("fr")
    assert french not in str(caught.value)
    assert caught.value.in_language("fr").startswith(f"{path} : 1 problème\n")


def test_an_unreadable_facts_file_is_refused_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(LegalDataError) as caught:
        load_legal_facts(tmp_path / "absent.yaml")
    assert "lecture du fichier impossible\u00a0: " in caught.value.in_language("fr")
    assert "cannot read the file: " in str(caught.value)
