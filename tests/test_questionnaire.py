"""Freezing a bank for a consultation: published weights, fingerprint, warnings, files."""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings, strategies as st
from tests.strategies import banks, example_bank

from ai_procurement.bank.model import (
    Bank,
    Criterion,
    DateAnswer,
    MultipleChoice,
    Number,
    Question,
    SingleChoice,
    SubCriterion,
    YesNo,
)
from ai_procurement.errors import BankError, OutputError, QuestionnaireError
from ai_procurement.questionnaire import (
    Consultation,
    Questionnaire,
    dump_questionnaire,
    freeze,
    load_questionnaire,
    sub_criterion_points,
)
from ai_procurement.text import Text

CONSULTATION = Consultation(
    reference="2026-IA-01", title="Assistant de réponse au courrier",
    buyer="Métropole exemple", contact="achats@example.org", deadline=dt.date(2026, 12, 1))

# One criterion, one yes/no question: the smallest bank whose fingerprint is pinned below.
TINY = Bank(
    id="tiny", version="1", title=Text("Petite", "Tiny"), description=Text("d", "d"),
    criteria=(Criterion("GOV", Text("Gouvernance", "Governance"), Text("d", "d"), 1.0,
                        (Question("GOV-01", Text("Q ?", "Q?"), Text("w", "w"), YesNo()),),
                        ("environmental",)),))


@attrs.frozen
class Weighting:
    """Looks like a result of ai_procurement.decision.strategy (weights, method, parameters)."""

    weights: Mapping[str, float]
    method: str
    parameters: Mapping[str, Any]


# --- fingerprint -------------------------------------------------------------------


def test_fingerprint_is_pinned() -> None:
    # A change here means every published fingerprint would change: the canonical form
    # (sorted-key compact JSON of bank, consultation and weighting) must stay stable.
    frozen = freeze(TINY, CONSULTATION)
    assert frozen.fingerprint == (
        "8ff4ca50f3d6f87d9eb6c02342f4a811a3e77b3b0a966c2b0aa9f705e39efea7")


def test_fingerprint_is_stable() -> None:
    first = freeze(example_bank(), CONSULTATION, {"GOV": 60, "ENV": 40})
    again = freeze(example_bank(), CONSULTATION, {"GOV": 60, "ENV": 40})
    assert first.fingerprint == again.fingerprint
    assert len(first.fingerprint) == 64
    assert int(first.fingerprint, 16) >= 0  # hexadecimal


def _more_points(q: Question) -> Question:
    """Give the first option of a choice question one more point."""
    answer = q.answer
    if isinstance(answer, YesNo):
        return attrs.evolve(q, answer=attrs.evolve(answer, yes_points=answer.yes_points + 1))
    assert isinstance(answer, SingleChoice | MultipleChoice)
    first = attrs.evolve(answer.options[0], points=answer.options[0].points + 1)
    return attrs.evolve(q, answer=attrs.evolve(answer, options=(first, *answer.options[1:])))


def _mutations(bank: Bank) -> list[Callable[[Bank], Bank]]:
    """Edits that keep ``bank`` valid but change what vendors are told."""

    def on_question(qid: str, change: Callable[[Question], Question]) -> Callable[[Bank],
                                                                                   Bank]:
        def apply(b: Bank) -> Bank:
            return attrs.evolve(b, criteria=tuple(attrs.evolve(c, questions=tuple(
                change(q) if q.id == qid else q for q in c.questions)) for c in b.criteria))
        return apply

    def on_criterion(cid: str, change: Callable[[Criterion], Criterion]) -> Callable[[Bank],
                                                                                      Bank]:
        def apply(b: Bank) -> Bank:
            return attrs.evolve(b, criteria=tuple(change(c) if c.id == cid else c
                                                  for c in b.criteria))
        return apply

    found: list[Callable[[Bank], Bank]] = []
    for criterion in bank.criteria:
        found.append(on_criterion(criterion.id, lambda c: attrs.evolve(c, weight=c.weight + 1)))
        found.append(on_criterion(criterion.id, lambda c: attrs.evolve(
            c, title=Text(c.title.fr + " bis", c.title.en))))
    for _, q in bank.questions():
        found.append(on_question(q.id, lambda q: attrs.evolve(
            q, text=Text(q.text.fr, q.text.en + "!"))))
        unscored = (isinstance(q.answer, Number) and q.answer.curve is None) or (
            isinstance(q.answer, DateAnswer) and q.answer.deadline is None)
        if not unscored:
            found.append(on_question(q.id, lambda q: attrs.evolve(q, weight=q.weight + 1)))
        if isinstance(q.answer, SingleChoice | MultipleChoice | YesNo):
            found.append(on_question(q.id, _more_points))
    return found


@settings(max_examples=25, deadline=None)
@given(banks(max_criteria=3, max_questions=3), st.data())
def test_fingerprint_changes_with_any_weight_text_or_points(bank: Bank,
                                                            data: st.DataObject) -> None:
    mutate = data.draw(st.sampled_from(_mutations(bank)))
    changed = mutate(bank)
    assert changed != bank
    assert freeze(changed, CONSULTATION).fingerprint != freeze(bank, CONSULTATION).fingerprint


def test_fingerprint_changes_with_the_consultation() -> None:
    later = attrs.evolve(CONSULTATION, deadline=dt.date(2026, 12, 15))
    assert freeze(TINY, later).fingerprint != freeze(TINY, CONSULTATION).fingerprint


# --- freeze ------------------------------------------------------------------------


def test_freeze_keeps_the_bank_weights_by_default() -> None:
    frozen = freeze(example_bank(), CONSULTATION)
    assert frozen.weighting == {"method": "bank-defaults", "parameters": {}}
    # GOV 3 and ENV 1 in the bank: 3 / (3 + 1) = 0.75 and 1 / 4 = 0.25.
    assert frozen.weights == {"GOV": 0.75, "ENV": 0.25}
    assert frozen.bank == example_bank()


def test_freeze_with_points() -> None:
    frozen = freeze(example_bank(), CONSULTATION, {"ENV": 40, "GOV": 60})
    assert frozen.weighting == {"method": "direct",
                                "parameters": {"points": {"ENV": 40, "GOV": 60}}}
    # 60 / (60 + 40) = 0.6 and 40 / 100 = 0.4, in bank order.
    assert list(frozen.weights.items()) == [("GOV", 0.6), ("ENV", 0.4)]
    assert [c.weight for c in frozen.bank.criteria] == [60.0, 40.0]


def test_freeze_with_a_strategy_result_records_its_method() -> None:
    weighting = Weighting(
        weights={"GOV": 0.75, "ENV": 0.25}, method="ahp",
        parameters={"matrix": ((1, 3), (1 / 3, 1)), "consistency_ratio": 0.0,
                    "decided_on": dt.date(2026, 10, 1)})
    frozen = freeze(example_bank(), CONSULTATION, weighting)
    # Recorded as JSON data: tuples become lists, dates their ISO text.
    assert frozen.weighting == {"method": "ahp", "parameters": {
        "matrix": [[1, 3], [1 / 3, 1]], "consistency_ratio": 0.0, "decided_on": "2026-10-01"}}
    assert frozen.weights == {"GOV": 0.75, "ENV": 0.25}


def test_freeze_with_wrong_criterion_ids() -> None:
    with pytest.raises(QuestionnaireError) as info:
        freeze(example_bank(), CONSULTATION, {"GOV": 1, "SEC": 1})
    assert str(info.value) == ("weights must name every criterion of 'tiny' exactly once; "
                               "missing ['ENV'], unknown ['SEC']")


@pytest.mark.parametrize(("weights", "shown"), [
    ({"GOV": -1, "ENV": 1}, "{'GOV': -1}"),
    ({"GOV": math.nan, "ENV": 1}, "{'GOV': nan}"),
    ({"GOV": math.inf, "ENV": 1}, "{'GOV': inf}"),
    ({"GOV": True, "ENV": 1}, "{'GOV': True}"),
    ({"GOV": "3", "ENV": 1}, "{'GOV': '3'}"),
    ({"GOV": 0, "ENV": 0}, "{'GOV': 0, 'ENV': 0}"),
], ids=["negative", "nan", "inf", "bool", "text", "all-zero"])
def test_freeze_with_bad_weights(weights: dict[str, Any], shown: str) -> None:
    with pytest.raises(QuestionnaireError) as info:
        freeze(example_bank(), CONSULTATION, weights)
    assert str(info.value) == f"weights must be finite numbers >= 0, not all zero; got {shown}"


def test_freeze_refuses_an_invalid_bank() -> None:
    bank = attrs.evolve(example_bank(), title=Text("", "Tiny bank"))
    with pytest.raises(BankError, match=r"\$\.title\.fr: missing translation"):
        freeze(bank, CONSULTATION)


@settings(max_examples=25, deadline=None)
@given(banks(), st.data())
def test_weights_are_shares_summing_to_one(bank: Bank, data: st.DataObject) -> None:
    points = data.draw(st.none() | st.fixed_dictionaries(
        {c.id: st.floats(0, 1e300) for c in bank.criteria}).filter(
            lambda w: any(w.values())))
    frozen = freeze(bank, CONSULTATION, points)
    shares = frozen.weights
    assert list(shares) == [c.id for c in bank.criteria]
    assert all(0 <= s <= 1 for s in shares.values())
    assert math.fsum(shares.values()) == pytest.approx(1.0, rel=1e-12)


def test_huge_weights_do_not_overflow() -> None:
    # 1e308 + 1e308 overflows to inf; the shares must still be 1/2 each.
    frozen = freeze(example_bank(), CONSULTATION, {"GOV": 1e308, "ENV": 1e308})
    assert frozen.weights == {"GOV": 0.5, "ENV": 0.5}


# --- environmental warning ---------------------------------------------------------


def test_no_warning_when_a_weighted_criterion_is_environmental() -> None:
    assert freeze(example_bank(), CONSULTATION).warnings == ()


@pytest.mark.parametrize("case", ["weight-zero", "untagged"])
def test_warning_when_no_weighted_criterion_is_environmental(case: str) -> None:
    if case == "weight-zero":
        frozen = freeze(example_bank(), CONSULTATION, {"GOV": 1, "ENV": 0})
    else:
        bank = attrs.evolve(example_bank(), criteria=tuple(
            attrs.evolve(c, tags=()) for c in example_bank().criteria))
        frozen = freeze(bank, CONSULTATION)
    (warning,) = frozen.warnings
    assert "« environmental »" in warning.fr
    assert "22 août 2026" in warning.fr
    assert "'environmental'" in warning.en
    assert "22 August 2026" in warning.en


def _no_environmental_criterion() -> Questionnaire:
    return freeze(example_bank(), CONSULTATION, {"GOV": 1, "ENV": 0})


def test_warning_before_22_august_2026_says_the_criterion_will_be_required() -> None:
    (warning,) = _no_environmental_criterion().warnings_on(dt.date(2026, 8, 21))
    assert "à compter du 22 août 2026" in warning.fr
    assert "devra" in warning.fr
    assert "from 22 August 2026" in warning.en
    assert "will be required" in warning.en
    assert "L2152-7" in warning.fr
    assert "L2152-7" in warning.en


def test_warning_from_22_august_2026_says_the_criterion_is_required() -> None:
    (warning,) = _no_environmental_criterion().warnings_on(dt.date(2026, 8, 22))
    assert "depuis le 22 août 2026" in warning.fr
    assert "doit" in warning.fr
    assert "since 22 August 2026" in warning.en
    assert "is required" in warning.en
    assert "will be" not in warning.en


def test_the_warning_date_comes_from_the_legal_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    from ai_procurement.legal import facts as legal

    moved = attrs.evolve(legal.legal_facts(), facts=tuple(
        attrs.evolve(f, value=dt.date(2027, 1, 1))
        if f.id == "ccp.environmental_award_criterion" else f
        for f in legal.legal_facts().facts))
    monkeypatch.setattr(legal, "legal_facts", lambda: moved)
    (warning,) = _no_environmental_criterion().warnings_on(dt.date(2026, 12, 6))
    assert "from 1 January 2027" in warning.en


# --- files -------------------------------------------------------------------------


def test_dump_then_load(tmp_path: Path) -> None:
    frozen = freeze(example_bank(), CONSULTATION, {"GOV": 60, "ENV": 40})
    dump_questionnaire(frozen, tmp_path / "q.json")
    loaded = load_questionnaire(tmp_path / "q.json")
    assert loaded == frozen
    assert loaded.fingerprint == frozen.fingerprint


@settings(max_examples=10, deadline=None)
@given(banks(max_criteria=3, max_questions=3))
def test_dump_then_load_any_bank(bank: Bank) -> None:
    frozen = freeze(bank, CONSULTATION)
    with tempfile.TemporaryDirectory() as folder:
        dump_questionnaire(frozen, Path(folder) / "q.json")
        loaded = load_questionnaire(Path(folder) / "q.json")
    assert loaded == frozen
    assert loaded.fingerprint == frozen.fingerprint


def test_dump_refuses_to_overwrite(tmp_path: Path) -> None:
    frozen = freeze(TINY, CONSULTATION)
    dump_questionnaire(frozen, tmp_path / "q.json")
    with pytest.raises(OutputError, match="already exists"):
        dump_questionnaire(frozen, tmp_path / "q.json")
    dump_questionnaire(frozen, tmp_path / "q.json", overwrite=True)
    assert load_questionnaire(tmp_path / "q.json") == frozen


def _set_weight(data: dict[str, Any]) -> None:
    data["bank"]["criteria"][0]["weight"] = 61.0


def _set_text(data: dict[str, Any]) -> None:
    data["bank"]["criteria"][0]["questions"][0]["text"]["en"] = "Do you host the data?"


def _set_points(data: dict[str, Any]) -> None:
    data["bank"]["criteria"][0]["questions"][1]["answer"]["options"][0]["points"] = 3.0


def _set_method(data: dict[str, Any]) -> None:
    data["weighting"]["parameters"]["points"]["GOV"] = 61


def _set_deadline(data: dict[str, Any]) -> None:
    data["consultation"]["deadline"] = "2026-12-31"


@pytest.mark.parametrize("edit", [_set_weight, _set_text, _set_points, _set_method,
                                  _set_deadline],
                         ids=["weight", "text", "points", "weighting", "deadline"])
def test_edited_questionnaire_is_refused(tmp_path: Path,
                                         edit: Callable[[dict[str, Any]], None]) -> None:
    frozen = freeze(example_bank(), CONSULTATION, {"GOV": 60, "ENV": 40})
    path = tmp_path / "q.json"
    dump_questionnaire(frozen, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    message = str(info.value)
    assert message.startswith(f"{path}: the content does not match its fingerprint "
                              f"'{frozen.fingerprint}'")
    assert message.endswith("the published questionnaire was edited")


def test_unreadable_questionnaire(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="cannot read the questionnaire"):
        load_questionnaire(path)
    path.write_text('{"format": 2}', encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="not a questionnaire file of format 1"):
        load_questionnaire(path)


def test_questionnaire_is_frozen() -> None:
    frozen = freeze(TINY, CONSULTATION)
    assert isinstance(frozen, Questionnaire)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        frozen.bank = example_bank()  # type: ignore[misc]


def test_sub_criterion_points_are_published_shares_of_their_criterion() -> None:
    bank = example_bank()
    gov = bank.criteria[0]
    gov = attrs.evolve(gov, sub_criteria=(
        SubCriterion("GOV-A", Text("Hébergement", "Hosting"), 3.0),
        SubCriterion("GOV-B", Text("Lieu", "Place"), 1.0)), questions=(
        attrs.evolve(gov.questions[0], sub_criterion="GOV-A"),
        attrs.evolve(gov.questions[1], sub_criterion="GOV-B")))
    frozen = freeze(attrs.evolve(bank, criteria=(gov, bank.criteria[1])),
                    Consultation("R", "T", "B"))
    # GOV weighs 3 of 4 -> 75 of 100 points; GOV-A 3/4 of them, GOV-B 1/4.
    assert sub_criterion_points(frozen, 100) == {"GOV": {"GOV-A": 56.25, "GOV-B": 18.75}}
