"""What the bundled banks say: lawful award criteria, verifiable answers, dated facts.

These tests read the banks as a commission or a judge would: no geographic preference
among EU countries, award questions about the offer rather than the vendor, every scored
answer checkable, and every date quoted in a text backed by the legal facts.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs
import pytest

from ai_procurement.bank.files import list_banks, load_bank
from ai_procurement.bank.model import (
    Bank,
    DateAnswer,
    MultipleChoice,
    Option,
    SingleChoice,
    Verification,
    bank_warnings,
    needs_verification,
)
from ai_procurement.legal.facts import legal_facts
from ai_procurement.text import LANGUAGES, Text

BANKS = list_banks()
FRANCE = re.compile(r"\bFrance\b")
EU = re.compile(r"Union européenne|European Union|\bUE\b|\bEU\b|\bEEE\b|\bEEA\b")
OUTSIDE = re.compile(r"\bhors\b|\boutside\b", re.IGNORECASE)


@pytest.fixture(scope="module", params=BANKS)
def bank(request: pytest.FixtureRequest) -> Bank:
    return load_bank(request.param)


def test_the_hardware_add_on_is_bundled() -> None:
    assert "ai-hardware" in BANKS
    hardware = load_bank("ai-hardware")
    assert any("environmental" in c.tags and c.weight > 0 for c in hardware.criteria)


# --- no geographic preference (CCP L3, TFEU art. 56, Regulation (EU) 2018/1807) ------------

def _mentions(option: Option, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(option.label.get(lang)) for lang in LANGUAGES)


def test_no_question_scores_one_eu_country_of_hosting_above_another(bank: Bank) -> None:
    for _, q in bank.questions():
        if not isinstance(q.answer, SingleChoice | MultipleChoice):
            continue
        france = [o for o in q.answer.options if _mentions(o, FRANCE) and not _mentions(o, EU)]
        union = [o for o in q.answer.options
                 if _mentions(o, EU) and not _mentions(o, OUTSIDE)]
        for f in france:
            for e in union:
                assert f.points <= e.points, (q.id, f.id, e.id)
    assert not [w for w in bank_warnings(bank) if "Member State" in w.what.en]


def test_hosting_in_france_and_in_another_eu_country_score_the_same() -> None:
    sov = load_bank("ai-territorial").question("SOV-02")
    assert isinstance(sov.answer, SingleChoice)
    best = max(sov.answer.options, key=lambda o: o.points)
    assert "Union européenne" in best.label.fr
    assert "European Union" in best.label.en
    assert "France" not in best.label.fr + best.label.en


def test_the_old_france_first_option_is_caught() -> None:
    territorial = load_bank("ai-territorial")
    sov = territorial.question("SOV-02")
    assert isinstance(sov.answer, SingleChoice)
    france = Option("france", Text("Exclusivement en France", "Only in France"), 3)
    old = attrs.evolve(sov, answer=SingleChoice((france, *sov.answer.options)))
    bank = attrs.evolve(territorial, criteria=tuple(
        attrs.evolve(c, questions=tuple(old if q.id == "SOV-02" else q
                                        for q in c.questions))
        for c in territorial.criteria))
    (warning,) = [w for w in bank_warnings(bank) if "Member State" in w.what.en]
    assert warning.path.endswith("answer.options[0].points")
    assert "'france'" in warning.what.en


# --- award criteria score the offer, not the vendor (CJEU C-532/06, Lianakis) ---------------

def test_references_at_other_clients_are_not_scored() -> None:
    territorial = load_bank("ai-territorial")
    assert territorial.question("SERV-03").weight == 0
    assert "Lianakis" in territorial.question("SERV-03").why.en
    serv = territorial.question("SERV-01")
    assert serv.evaluator_guidance is not None
    assert "not the vendor’s experience" in serv.evaluator_guidance.en


def test_company_certifications_score_only_on_the_offered_scope() -> None:
    territorial = load_bank("ai-territorial")
    sec = territorial.question("SEC-01")
    assert isinstance(sec.answer, MultipleChoice)
    other = next(o for o in sec.answer.options if o.id == "iso27001_other")
    assert other.points == 0
    lms = territorial.question("LEG-13")
    assert "offered system" in lms.text.en
    assert "your organisation" not in lms.text.en.lower()


# --- AI Act points often misquoted ---------------------------------------------------------

def test_ai_act_points_are_precise() -> None:
    territorial = load_bank("ai-territorial")
    assert "except those of point 2" in territorial.question("LEG-05").why.en
    suspension = territorial.question("LEG-14").why.en
    assert "market surveillance authority" in suspension
    assert "suspend use" in suspension
    interaction = territorial.question("LEG-11")
    assert interaction.applies_if is None  # art. 50(1): generative or not
    assert "generative or not" in interaction.why.en
    secnumcloud = territorial.question("SOV-04")
    assert "equivalent" in secnumcloud.text.en
    assert "not of local authorities" in secnumcloud.why.en


def test_conformity_deadline_follows_the_legal_facts() -> None:
    legacy = load_bank("ai-territorial").question("LEG-08")
    assert isinstance(legacy.answer, DateAnswer)
    assert legacy.answer.deadline == legal_facts().date("ai_act.high_risk_annex3",
                                                        on=dt.date(2026, 12, 6))
    assert "2 August 2030" in legacy.why.en


_MONTHS = {name: number for number, names in enumerate(zip(
    ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
     "octobre", "novembre", "décembre"),
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), strict=True), start=1) for name in names}
_DATE = re.compile(r"\b(\d{1,2})(?:er)? (" + "|".join(_MONTHS) + r") (\d{4})\b")


def _texts(bank: Bank) -> list[str]:
    texts = [bank.description.fr, bank.description.en]
    for criterion, q in bank.questions():
        texts += [criterion.description.fr, criterion.description.en]
        for text in (q.text, q.why, q.vendor_guidance, q.evaluator_guidance):
            if text is not None:
                texts += [text.fr, text.en]
    return texts


def test_every_date_quoted_in_a_bank_is_a_legal_fact(bank: Bank) -> None:
    known = {f.value for f in legal_facts().facts if isinstance(f.value, dt.date)}
    for text in _texts(bank):
        for day, month, year in _DATE.findall(" ".join(text.split())):
            quoted = dt.date(int(year), _MONTHS[month], int(day))
            assert quoted in known, f"{bank.id}: {quoted} is quoted but is no legal fact"


# --- new questions --------------------------------------------------------------------------

@pytest.mark.parametrize("question_id", ["LEG-15", "DATA-12", "DATA-13", "SEC-11", "SEC-12",
                                         "TRA-07", "EVAL-06", "ENV-11"])
def test_new_questions_are_bilingual_and_say_why(question_id: str) -> None:
    q = load_bank("ai-territorial").question(question_id)
    for text in (q.text, q.why):
        assert text.fr.strip()
        assert text.en.strip()
        assert text.fr != text.en


def test_health_data_hosting_is_a_conformity_requirement_when_health_data_are_processed(
) -> None:
    territorial = load_bank("ai-territorial")
    hds = territorial.question("DATA-13")
    assert hds.knockout is not None
    assert hds.knockout.when == ("no",)
    assert hds.applies_if is not None
    assert hds.applies_if.question == "DATA-12"
    assert "L1111-8" in hds.why.fr


def test_ai_switched_on_by_an_update_is_asked_about() -> None:
    update = load_bank("ai-territorial").question("TRA-07")
    assert isinstance(update.answer, SingleChoice)
    best = max(update.answer.options, key=lambda o: o.points)
    assert "off by default" in best.label.en
    assert "shadow AI" in update.why.en


# --- verifiability ----------------------------------------------------------------------------

def test_every_scored_or_knock_out_question_says_how_it_is_verified(bank: Bank) -> None:
    # Vendor banks: every claim that scores says how the buyer verifies it.
    missing = [q.id for _, q in bank.questions()
               if needs_verification(q) and q.verification is None]
    assert missing == [] or bank.audience == "internal"
    assert bank_warnings(bank) == []


def test_vendor_banks_hold_commitments() -> None:
    for name in ("ai-territorial", "genai-addon", "ai-hardware"):
        kinds = {q.verification for _, q in load_bank(name).questions()}
        assert Verification.COMMITMENT in kinds, name
