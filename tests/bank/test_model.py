"""check_bank: each validation rule, with the path and wording a bank author reads."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from tests.strategies import banks, example_bank

from ai_procurement.bank.model import (
    AllOf,
    AnswerGuidance,
    AnyOf,
    Bank,
    Better,
    Condition,
    CostItem,
    Criterion,
    DateAnswer,
    FreeText,
    KnockOut,
    Level,
    Linear,
    MultipleChoice,
    Number,
    Option,
    Price,
    Question,
    Recurrence,
    Scale,
    SingleChoice,
    Step,
    SubCriterion,
    Thresholds,
    YesNo,
    check_bank,
    guidance_for,
)
from ai_procurement.errors import Problem
from ai_procurement.text import Text

T = Text("texte", "text")
WHY = Text("pourquoi", "why")

# Paths in example_bank(): GOV is criteria[0] (GOV-01 yes/no, GOV-02 single choice with
# a knock-out on 'other', asked if GOV-01 is 'yes'); ENV is criteria[1] (ENV-01 number).
GOV_01 = "$.criteria[0].questions[0]"
GOV_02 = "$.criteria[0].questions[1]"
ENV_01 = "$.criteria[1].questions[0]"


def with_question(bank: Bank, question_id: str, **changes: Any) -> Bank:
    """Return ``bank`` with question ``question_id`` changed."""
    criteria = tuple(
        attrs.evolve(c, questions=tuple(attrs.evolve(q, **changes) if q.id == question_id
                                        else q for q in c.questions))
        for c in bank.criteria)
    return attrs.evolve(bank, criteria=criteria)


def with_criterion(bank: Bank, criterion_id: str, **changes: Any) -> Bank:
    """Return ``bank`` with criterion ``criterion_id`` changed."""
    return attrs.evolve(bank, criteria=tuple(
        attrs.evolve(c, **changes) if c.id == criterion_id else c for c in bank.criteria))


def price_question(question_id: str) -> Question:
    return Question(question_id, Text("Prix", "Price"), WHY,
                    Price((CostItem("licence", Text("Licence", "Licence"), Recurrence.YEARLY),),
                          years=4))


def price_criterion(criterion_id: str, question_id: str) -> Criterion:
    return Criterion(criterion_id, Text("Prix", "Price"), T, 1.0,
                     (price_question(question_id),), ("price",))


def levels(*values: int) -> tuple[Level, ...]:
    return tuple(Level(v, Text(f"niveau {v}", f"level {v}")) for v in values)


def test_example_bank_is_valid() -> None:
    assert check_bank(example_bank()) == []


@settings(max_examples=30, deadline=None)
@given(banks())
def test_generated_banks_are_valid(bank: Bank) -> None:
    # Other tests rely on tests.strategies.banks() drawing only valid banks.
    assert check_bank(bank) == []


# --- ids ---------------------------------------------------------------------------


def test_duplicate_criterion_id() -> None:
    bank = with_criterion(example_bank(), "ENV", id="GOV")
    assert check_bank(bank) == [
        Problem("$.criteria[1].id", "duplicate id 'GOV' (first used at $.criteria[0].id)")]


def test_question_id_reusing_a_criterion_id() -> None:
    bank = with_question(example_bank(), "ENV-01", id="GOV")
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.id", "duplicate id 'GOV' (first used at $.criteria[0].id)")]


def test_duplicate_question_id_across_criteria() -> None:
    bank = with_question(example_bank(), "ENV-01", id="GOV-01")
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.id", f"duplicate id 'GOV-01' (first used at {GOV_01}.id)")]


def test_duplicate_option_id() -> None:
    options = (Option("eu", Text("UE", "EU"), 2.0), Option("other", T, 0.0),
               Option("eu", Text("UE bis", "EU again"), 1.0))
    bank = with_question(example_bank(), "GOV-02", answer=SingleChoice(options))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.answer.options[2].id",
                f"duplicate id 'eu' (first used at {GOV_02}.answer.options[0].id)")]


def test_two_options_with_the_same_label() -> None:
    # The drop-down shows labels: "UE" and " ue " would be indistinguishable.
    options = (Option("eu", Text("UE", "EU"), 2.0), Option("other", Text(" ue ", "EU (2)"), 1.0))
    bank = with_question(example_bank(), "GOV-02", answer=SingleChoice(options))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.answer.options[1].label.fr",
                "same label as option 0 (' ue '): a vendor could not tell them apart")]


def test_exclusive_belongs_to_multiple_choice_options() -> None:
    options = (Option("eu", Text("UE", "EU"), 2.0),
               Option("other", Text("Ailleurs", "Elsewhere"), 0.0, exclusive=True))
    bank = with_question(example_bank(), "GOV-02", answer=SingleChoice(options))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.answer.options[1].exclusive",
                "'exclusive' applies to multiple-choice options only (a single choice is "
                "exclusive already)")]


def test_duplicate_cost_item_id() -> None:
    item = CostItem("licence", T, Recurrence.ONCE)
    price = price_question("PRICE-01")
    assert isinstance(price.answer, Price)
    price = attrs.evolve(price, answer=attrs.evolve(price.answer, items=(item, item)))
    bank = example_bank()
    bank = attrs.evolve(bank, criteria=(*bank.criteria, Criterion(
        "PRICE", Text("Prix", "Price"), T, 1.0, (price,))))
    path = "$.criteria[2].questions[0].answer.items"
    assert check_bank(bank) == [
        Problem(f"{path}[1].id", f"duplicate id 'licence' (first used at {path}[0].id)")]


@pytest.mark.parametrize("bad_id", ["1GOV", "GOV 01", "", "é", "A" * 65, "-GOV"])
def test_malformed_id(bad_id: str) -> None:
    bank = with_criterion(example_bank(), "ENV", id=bad_id)
    assert check_bank(bank) == [
        Problem("$.criteria[1].id", "expected an id of letters, digits, '-', '_' or '.', "
                f"starting with a letter (at most 64 characters), got {bad_id!r}")]


# --- conditions --------------------------------------------------------------------


def test_dangling_condition() -> None:
    bank = with_question(example_bank(), "GOV-02", applies_if=Condition("GOV-99", ("yes",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.applies_if.question",
                "condition refers to unknown question 'GOV-99'")]


LATER = "which comes after this question: a condition may only refer to an earlier question"


def test_cyclic_condition() -> None:
    # GOV-02 already applies if GOV-01 is 'yes'; make GOV-01 apply only if GOV-02 is 'eu':
    # a cycle needs a condition on a later question, which is refused.
    bank = with_question(example_bank(), "GOV-01", applies_if=Condition("GOV-02", ("eu",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.applies_if.question", f"condition refers to 'GOV-02', {LATER}")]


def test_three_question_cycle_reported_at_the_forward_reference() -> None:
    extra = Question("GOV-03", T, WHY, YesNo(), applies_if=Condition("GOV-02", ("eu",)))
    bank = with_criterion(example_bank(), "GOV", questions=(
        *example_bank().criteria[0].questions, extra))
    bank = with_question(bank, "GOV-01", applies_if=Condition("GOV-03", ("no",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.applies_if.question", f"condition refers to 'GOV-03', {LATER}")]


def test_question_depending_on_itself() -> None:
    bank = with_question(example_bank(), "GOV-02", applies_if=Condition("GOV-02", ("eu",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.applies_if.question", "a question cannot depend on itself")]


def test_condition_on_a_non_choice_question() -> None:
    bank = with_question(example_bank(), "GOV-02", applies_if=Condition("ENV-01", ("yes",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.applies_if.question",
                "condition refers to 'ENV-01', which is not a yes/no or choice question")]


def test_unknown_option_in_condition() -> None:
    bank = with_question(example_bank(), "GOV-02",
                         applies_if=Condition("GOV-01", ("yes", "oui")))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.applies_if.any_of[1]",
                "unknown option 'oui' of 'GOV-01'; expected one of ['yes', 'no']")]


def test_condition_without_answers() -> None:
    bank = with_question(example_bank(), "GOV-02", applies_if=Condition("GOV-01", ()))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.applies_if.any_of",
                "list the answers for which the question applies")]


# --- knock-outs --------------------------------------------------------------------

REASON = Text("Exigence obligatoire", "Mandatory requirement")


def test_unknown_option_in_knockout() -> None:
    bank = with_question(example_bank(), "GOV-02", knockout=KnockOut(REASON, ("outside",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.knockout.when[0]",
                "unknown option 'outside'; expected one of ['eu', 'other']")]


@pytest.mark.parametrize("answer", [
    FreeText(levels(0, 1, 2)),
    Scale(levels(1, 2, 3)),
    DateAnswer(dt.date(2027, 6, 30)),
], ids=["text", "scale", "date"])
def test_knockout_on_a_question_that_is_not_choice_or_number(answer: object) -> None:
    bank = with_question(example_bank(), "ENV-01", answer=answer,
                         knockout=KnockOut(REASON, ("0",)))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.knockout",
                "knock-outs apply to yes/no, choice and number questions only")]


def test_knockout_where_every_answer_disqualifies() -> None:
    bank = with_question(example_bank(), "GOV-02",
                         knockout=KnockOut(REASON, ("other", "eu")))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.knockout.when", "every answer would disqualify the offer")]


def test_choice_knockout_without_answers() -> None:
    bank = with_question(example_bank(), "GOV-01", knockout=KnockOut(REASON))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.knockout.when", "list the answers that disqualify an offer")]


def test_choice_knockout_with_number_bounds() -> None:
    bank = with_question(example_bank(), "GOV-01",
                         knockout=KnockOut(REASON, ("no",), below=1.0))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.knockout", "'below' and 'above' apply to number questions only")]


def test_number_knockout_needs_a_bound_and_no_options() -> None:
    bank = with_question(example_bank(), "ENV-01", knockout=KnockOut(REASON, ("yes",)))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.knockout.when", "a number knock-out uses 'below' or 'above'"),
        Problem(f"{ENV_01}.knockout", "a number knock-out needs 'below' or 'above'")]


def test_number_knockout_with_a_bound_is_valid() -> None:
    bank = with_question(example_bank(), "ENV-01", knockout=KnockOut(REASON, above=10.0))
    assert check_bank(bank) == []


def test_price_cannot_be_a_knockout() -> None:
    bank = attrs.evolve(example_bank(), criteria=(
        *example_bank().criteria, price_criterion("PRICE", "PRICE-01")))
    bank = with_question(bank, "PRICE-01", knockout=KnockOut(REASON, below=1.0))
    path = "$.criteria[2].questions[0].knockout"
    assert check_bank(bank) == [
        Problem(path, "a price cannot be a knock-out; use the abnormally-low-offer check "
                "of the evaluation"),
        Problem(path, "knock-outs apply to yes/no, choice and number questions only")]


# --- texts -------------------------------------------------------------------------


@pytest.mark.parametrize(("where", "change", "path"), [
    ("bank title fr", lambda b: attrs.evolve(b, title=Text("", "Tiny bank")), "$.title.fr"),
    ("bank description en",
     lambda b: attrs.evolve(b, description=Text("Exemple", "  ")), "$.description.en"),
    ("criterion title fr",
     lambda b: with_criterion(b, "ENV", title=Text("\n\t", "Environment")),
     "$.criteria[1].title.fr"),
    ("question why en", lambda b: with_question(b, "GOV-01", why=Text("Parce que", "")),
     f"{GOV_01}.why.en"),
    ("vendor guidance fr",
     lambda b: with_question(b, "GOV-01", vendor_guidance=Text(" ", "Attach a page")),
     f"{GOV_01}.vendor_guidance.fr"),
    ("number unit en",
     lambda b: with_question(b, "ENV-01", answer=Number(Text("Wh", ""), Linear(
         0.5, 5.0, Better.LOWER))), f"{ENV_01}.answer.unit.en"),
    ("knock-out reason fr",
     lambda b: with_question(b, "GOV-02", knockout=KnockOut(Text("", "Outside the EU"),
                                                            ("other",))),
     f"{GOV_02}.knockout.reason.fr"),
])
def test_missing_translation(where: str, change: Callable[[Bank], Bank], path: str) -> None:
    bank = change(example_bank())
    lang = path[-2:]
    assert check_bank(bank) == [
        Problem(path, f"missing translation: the {lang} text is empty")], where


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1f", "\ud800", "\uffff"])
def test_text_with_a_character_excel_cannot_hold(char: str) -> None:
    bank = with_question(example_bank(), "GOV-01", text=Text(f"Question{char} ?", "Question?"))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.text.fr", f"character U+{ord(char):04X} cannot be stored in "
                "Excel or Word files; remove it")]


def test_tabs_line_breaks_and_typography_are_fine() -> None:
    text = Text("Décrivez :\n\t– l’usage ;\r\n– les données…", "Describe:\n\t- use")
    assert check_bank(with_question(example_bank(), "GOV-01", text=text)) == []


# --- weights -----------------------------------------------------------------------


@pytest.mark.parametrize(("weight", "shown"), [
    (-1.0, "-1.0"), (math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf")])
def test_bad_criterion_weight(weight: float, shown: str) -> None:
    bank = with_criterion(example_bank(), "ENV", weight=weight)
    assert check_bank(bank) == [
        Problem("$.criteria[1].weight", f"expected a finite number >= 0, got {shown}")]


@pytest.mark.parametrize(("weight", "shown"), [(-0.5, "-0.5"), (math.nan, "nan")])
def test_bad_question_weight(weight: float, shown: str) -> None:
    bank = with_question(example_bank(), "GOV-01", weight=weight)
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.weight", f"expected a finite number >= 0, got {shown}")]


def test_negative_option_points() -> None:
    options = (Option("eu", Text("UE", "EU"), 2.0), Option("other", T, -1.0))
    bank = with_question(example_bank(), "GOV-02", answer=SingleChoice(options))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.answer.options[1].points",
                "expected a finite number >= 0, got -1.0")]


def test_negative_yes_points() -> None:
    bank = with_question(example_bank(), "GOV-01", answer=YesNo(yes_points=-1.0))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.answer.yes_points", "expected a finite number >= 0, got -1.0")]


def test_all_criterion_weights_zero() -> None:
    bank = with_criterion(with_criterion(example_bank(), "GOV", weight=0.0), "ENV",
                          weight=0.0)
    assert check_bank(bank) == [
        Problem("$.criteria", "at least one criterion needs a weight above 0")]


def test_one_zero_weight_is_fine() -> None:
    # A criterion kept for information (weight 0) next to a weighted one is allowed.
    assert check_bank(with_criterion(example_bank(), "ENV", weight=0.0)) == []


# --- option and level tables -------------------------------------------------------


def test_single_option() -> None:
    bank = with_question(example_bank(), "GOV-02",
                         answer=SingleChoice((Option("eu", Text("UE", "EU"), 1.0),)),
                         knockout=None)
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.answer.options", "expected at least 2 options, got 1")]


def test_options_all_worth_zero() -> None:
    options = (Option("eu", Text("UE", "EU"), 0.0), Option("other", T, 0.0))
    bank = with_question(example_bank(), "GOV-02", answer=SingleChoice(options))
    assert check_bank(bank) == [
        Problem(f"{GOV_02}.answer.options", "at least one option needs points above 0")]


@pytest.mark.parametrize(("values", "problem"), [
    ((0, 2), "levels must be consecutive integers in increasing order, each with one "
             "descriptor; got values [0, 2]"),
    ((1, 1, 2), "levels must be consecutive integers in increasing order, each with one "
                "descriptor; got values [1, 1, 2]"),
    ((2, 1, 0), "levels must be consecutive integers in increasing order, each with one "
                "descriptor; got values [2, 1, 0]"),
    ((1,), "expected at least 2 levels, got 1"),
], ids=["gap", "duplicated", "decreasing", "single"])
def test_scale_levels_must_match_descriptors(values: tuple[int, ...], problem: str) -> None:
    bank = with_question(example_bank(), "ENV-01", answer=Scale(levels(*values)))
    assert check_bank(bank) == [Problem(f"{ENV_01}.answer.levels", problem)]


def test_free_text_scale_levels() -> None:
    bank = with_question(example_bank(), "ENV-01", answer=FreeText(levels(0, 1, 3)))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.scale", "levels must be consecutive integers in increasing "
                "order, each with one descriptor; got values [0, 1, 3]")]


def test_free_text_scale_starting_anywhere_is_valid() -> None:
    bank = with_question(example_bank(), "ENV-01", answer=FreeText(levels(-1, 0, 1)))
    assert check_bank(bank) == []


@pytest.mark.parametrize("max_chars", [0, 32768])
def test_free_text_limit_beyond_an_excel_cell(max_chars: int) -> None:
    bank = with_question(example_bank(), "ENV-01", answer=FreeText(levels(0, 1), max_chars))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.max_chars",
                f"expected 1 to 32767 (an Excel cell's limit), got {max_chars}")]


# --- multiple choice aggregation ---------------------------------------------------

OPTIONS = (Option("logs", Text("Journaux", "Logs"), 1.0),
           Option("audit", Text("Audit", "Audit"), 2.0))


@pytest.mark.parametrize(("cap", "shown"), [(None, "None"), (0.0, "0.0"), (math.nan, "nan")])
def test_sum_aggregation_needs_a_cap(cap: float | None, shown: str) -> None:
    bank = with_question(example_bank(), "ENV-01", answer=MultipleChoice(OPTIONS, "sum", cap))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.cap", "a 'sum' aggregation needs a cap > 0 (the points "
                f"that earn the full score), got {shown}")]


def test_cap_with_best_aggregation() -> None:
    bank = with_question(example_bank(), "ENV-01",
                         answer=MultipleChoice(OPTIONS, "best", 3.0))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.cap", "a cap only applies to the 'sum' aggregation")]


# --- number curves -----------------------------------------------------------------


def number(curve: Linear | Thresholds | None, minimum: float | None = None,
           maximum: float | None = None) -> Number:
    return Number(Text("Wh", "Wh"), curve, minimum, maximum)


def test_thresholds_not_increasing() -> None:
    curve = Thresholds((Step(99.0, 0.5), Step(95.0, 1.0)), Better.HIGHER)
    bank = with_question(example_bank(), "ENV-01", answer=number(curve))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.curve.steps",
                "step thresholds must increase strictly, got [99.0, 95.0]")]


def test_thresholds_repeated() -> None:
    curve = Thresholds((Step(95.0, 0.5), Step(95.0, 1.0)), Better.HIGHER)
    bank = with_question(example_bank(), "ENV-01", answer=number(curve))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.curve.steps",
                "step thresholds must increase strictly, got [95.0, 95.0]")]


@pytest.mark.parametrize(("better", "fractions"), [
    (Better.HIGHER, (1.0, 0.5)),  # reaching 99 would earn less than reaching 95
    (Better.LOWER, (0.5, 1.0)),   # a value below 95 would earn less than one below 99
])
def test_threshold_fractions_not_monotone(better: Better,
                                          fractions: tuple[float, float]) -> None:
    curve = Thresholds((Step(95.0, fractions[0]), Step(99.0, fractions[1])), better)
    bank = with_question(example_bank(), "ENV-01", answer=number(curve))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.curve.steps",
                f"with better={better.value!r}, a better value must never earn a smaller "
                f"fraction; got {list(fractions)}")]


def test_threshold_fraction_above_one() -> None:
    curve = Thresholds((Step(95.0, 1.5),), Better.HIGHER)
    bank = with_question(example_bank(), "ENV-01", answer=number(curve))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.curve.steps", "fractions must lie in [0, 1], got [1.5]")]


def test_thresholds_without_steps() -> None:
    bank = with_question(example_bank(), "ENV-01",
                         answer=number(Thresholds((), Better.HIGHER)))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.curve.steps", "expected at least one step")]


@pytest.mark.parametrize(("lower", "upper"), [(5.0, 0.5), (1.0, 1.0), (0.0, math.inf)])
def test_linear_bounds(lower: float, upper: float) -> None:
    bank = with_question(example_bank(), "ENV-01",
                         answer=number(Linear(lower, upper, Better.LOWER)))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer.curve", "a linear curve needs finite bounds with lower < "
                f"upper, got {lower!r} and {upper!r}")]


def test_minimum_above_maximum() -> None:
    bank = with_question(example_bank(), "ENV-01", answer=number(
        Linear(0.5, 5.0, Better.LOWER), minimum=10.0, maximum=1.0))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.answer", "minimum 10.0 is above maximum 1.0")]


def test_scored_number_without_curve() -> None:
    bank = with_question(example_bank(), "ENV-01", answer=number(None))
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.weight", "this answer type is not scored here (no curve or "
                "deadline): set weight 0 or add a scoring rule")]


def test_unscored_number_with_weight_zero_is_valid() -> None:
    assert check_bank(with_question(example_bank(), "ENV-01", answer=number(None),
                                    weight=0.0)) == []


def test_scored_date_without_deadline() -> None:
    bank = with_question(example_bank(), "ENV-01", answer=DateAnswer())
    assert check_bank(bank) == [
        Problem(f"{ENV_01}.weight", "this answer type is not scored here (no curve or "
                "deadline): set weight 0 or add a scoring rule")]


def test_date_with_deadline_is_valid() -> None:
    bank = with_question(example_bank(), "ENV-01", answer=DateAnswer(dt.date(2027, 6, 30)))
    assert check_bank(bank) == []


# --- price -------------------------------------------------------------------------


def test_two_price_questions() -> None:
    bank = attrs.evolve(example_bank(), criteria=(
        *example_bank().criteria, price_criterion("PRICE", "PRICE-01"),
        price_criterion("TCO", "TCO-01")))
    assert check_bank(bank) == [
        Problem("$.criteria[3].questions[0]", "a bank holds at most one price question "
                "(the first is at $.criteria[2].questions[0])")]


def test_price_mixed_with_other_questions() -> None:
    env = example_bank().criteria[1]
    bank = with_criterion(example_bank(), "ENV",
                          questions=(*env.questions, price_question("PRICE-01")))
    assert check_bank(bank) == [
        Problem("$.criteria[1]", "the price question must be alone in its criterion")]


def test_price_alone_in_its_criterion_is_valid() -> None:
    bank = attrs.evolve(example_bank(), criteria=(
        *example_bank().criteria, price_criterion("PRICE", "PRICE-01")))
    assert check_bank(bank) == []
    assert [c.is_price for c in bank.criteria] == [False, False, True]


@pytest.mark.parametrize(("years", "items", "path", "message"), [
    (0, 1, "years", "expected 1 to 50 contract years, got 0"),
    (51, 1, "years", "expected 1 to 50 contract years, got 51"),
    (4, 0, "items", "a price needs at least one cost item"),
])
def test_price_breakdown(years: int, items: int, path: str, message: str) -> None:
    item = CostItem("licence", Text("Licence", "Licence"), Recurrence.YEARLY)
    question = attrs.evolve(price_question("PRICE-01"),
                            answer=Price((item,) * items, years))
    bank = attrs.evolve(example_bank(), criteria=(
        *example_bank().criteria,
        Criterion("PRICE", Text("Prix", "Price"), T, 1.0, (question,))))
    assert check_bank(bank) == [
        Problem(f"$.criteria[2].questions[0].answer.{path}", message)]


# --- bank structure ----------------------------------------------------------------


def test_unknown_format_version() -> None:
    assert check_bank(attrs.evolve(example_bank(), format=2)) == [
        Problem("$.format", "unknown format version 2; this library reads versions [1]")]


def test_bank_without_criteria() -> None:
    assert check_bank(attrs.evolve(example_bank(), criteria=())) == [
        Problem("$.criteria", "a bank needs at least one criterion")]


def test_criterion_without_questions() -> None:
    bank = with_criterion(example_bank(), "ENV", questions=())
    assert check_bank(bank) == [
        Problem("$.criteria[1].questions", "a criterion needs at least one question")]


def test_independent_problems_are_all_reported() -> None:
    # A bank author fixes every problem in one pass: three mistakes, three problems.
    bank = with_criterion(example_bank(), "ENV", weight=-2.0)
    bank = with_question(bank, "GOV-01", text=Text("Question ?", ""))
    bank = with_question(bank, "GOV-02", applies_if=Condition("GOV-01", ("maybe",)))
    assert check_bank(bank) == [
        Problem(f"{GOV_01}.text.en", "missing translation: the en text is empty"),
        Problem("$.criteria[1].weight", "expected a finite number >= 0, got -2.0"),
        Problem(f"{GOV_02}.applies_if.any_of[0]",
                "unknown option 'maybe' of 'GOV-01'; expected one of ['yes', 'no']"),
    ]


def test_question_lookup() -> None:
    bank = example_bank()
    assert bank.question("ENV-01").answer == Number(Text("Wh", "Wh"),
                                                    Linear(0.5, 5.0, Better.LOWER))
    assert [q.id for _, q in bank.questions()] == ["GOV-01", "GOV-02", "ENV-01"]
    with pytest.raises(KeyError):
        bank.question("GOV-99")


# --- combined and criterion-level conditions, sub-criteria, information only ----------------

YES_NO_GATES = Criterion("GATES", Text("Portes", "Gates"), Text("Qualification", "Qualifying"),
                         0.0, (Question("AI", Text("IA ?", "AI?"), None, YesNo(), weight=0),
                               Question("CLOUD", Text("Cloud ?", "Cloud?"), None, YesNo(),
                                        weight=0)))


def gated_bank(*criteria: Criterion) -> Bank:
    base = example_bank()
    return attrs.evolve(base, criteria=(YES_NO_GATES, *base.criteria, *criteria))


def test_criterion_condition_and_combined_conditions_are_valid() -> None:
    both = attrs.evolve(example_bank().criteria[1], applies_if=AllOf(
        (Condition("AI", ("yes",)), Condition("CLOUD", ("yes",)))))
    bank = gated_bank()
    bank = attrs.evolve(bank, criteria=(bank.criteria[0], bank.criteria[1], both))
    assert check_bank(bank) == []


def _all_of(*parts: Condition) -> Any:
    return AllOf(parts)


def test_condition_on_a_later_question_is_refused_for_a_criterion() -> None:
    late = attrs.evolve(YES_NO_GATES, applies_if=AnyOf((Condition("GOV-01", ("yes",)),
                                                         Condition("ZZZ", ("yes",)))))
    base = example_bank()
    bank = attrs.evolve(base, criteria=(late, *base.criteria))
    assert check_bank(bank) == [
        Problem("$.criteria[0].applies_if.any_of[0].question",
                "condition refers to 'GOV-01', which comes after this criterion's first "
                "question: a condition may only refer to an earlier question"),
        Problem("$.criteria[0].applies_if.any_of[1].question",
                "condition refers to unknown question 'ZZZ'")]


def test_a_combination_needs_two_conditions() -> None:
    bank = gated_bank()
    gov = attrs.evolve(bank.criteria[1], applies_if=AllOf((Condition("AI", ("yes",)),)))
    bank = attrs.evolve(bank, criteria=(bank.criteria[0], gov, bank.criteria[2]))
    assert check_bank(bank) == [Problem("$.criteria[1].applies_if.all_of",
                                        "expected at least 2 conditions to combine, got 1")]


def test_sub_criteria_rules() -> None:
    gov = example_bank().criteria[0]
    subs = (SubCriterion("GOV-A", Text("Hébergement", "Hosting"), 2.0),
            SubCriterion("GOV-B", Text("Pilotage", "Steering"), 1.0))
    ok = attrs.evolve(gov, sub_criteria=subs, questions=(
        attrs.evolve(gov.questions[0], sub_criterion="GOV-A"),
        attrs.evolve(gov.questions[1], sub_criterion="GOV-B")))
    assert check_bank(with_criterion(example_bank(), "GOV", **attrs.asdict(
        ok, recurse=False))) == []
    bad = attrs.evolve(ok, questions=(attrs.evolve(gov.questions[0], sub_criterion="GOV-Z"),
                                      gov.questions[1]))
    assert check_bank(with_criterion(example_bank(), "GOV", **attrs.asdict(
        bad, recurse=False))) == [
        Problem(f"{GOV_01}.sub_criterion",
                "unknown sub-criterion 'GOV-Z'; expected one of ['GOV-A', 'GOV-B']"),
        Problem(f"{GOV_02}.sub_criterion",
                "name the sub-criterion of this question, one of ['GOV-A', 'GOV-B']"),
        Problem("$.criteria[0].sub_criteria[0]", "sub-criterion 'GOV-A' holds no question"),
        Problem("$.criteria[0].sub_criteria[1]", "sub-criterion 'GOV-B' holds no question")]


def test_information_only_question_needs_weight_0_and_may_omit_why() -> None:
    info = Question("INFO", Text("Décrivez", "Describe"), None, FreeText(), weight=0)
    assert info.information_only
    assert not info.scored_by_evaluators
    bank = with_criterion(example_bank(), "ENV", questions=(
        *example_bank().criteria[1].questions, info))
    assert check_bank(bank) == []
    heavy = with_question(bank, "INFO", weight=1.0)
    assert check_bank(heavy) == [
        Problem("$.criteria[1].questions[1].why", "a question that earns points needs a "
                "'why' (the reason published to vendors); only a question of weight 0 may "
                "omit it"),
        Problem("$.criteria[1].questions[1].weight", "a free-text question without a scale "
                "is information only: set weight 0, or give a scale for evaluators")]


def test_english_only_bank_is_valid_when_declared() -> None:
    def english(text: Text) -> Text:
        return Text("", text.en)

    bank = example_bank()
    stripped = attrs.evolve(bank, title=english(bank.title))
    assert check_bank(stripped) == [
        Problem("$.title.fr", "missing translation: the fr text is empty")]
    assert check_bank(attrs.evolve(stripped, languages=("en",))) == []


def test_guidance_per_answer() -> None:
    add_plan = AnswerGuidance("no", Text("Joignez votre plan.", "Attach your plan."))
    bank = with_question(example_bank(), "GOV-01", guidance_by_answer=(add_plan,))
    assert check_bank(bank) == []
    q = bank.question("GOV-01")
    assert guidance_for(q, "no") == add_plan.text
    assert guidance_for(q, "yes") is None
    wrong = with_question(bank, "GOV-01", guidance_by_answer=(
        AnswerGuidance("maybe", add_plan.text),))
    assert check_bank(wrong) == [
        Problem(f"{GOV_01}.guidance_by_answer[0].answer",
                "unknown option 'maybe'; expected one of ['yes', 'no']")]


# --- every problem in French too ------------------------------------------------------



def test_every_problem_is_told_in_french_with_french_typography() -> None:
    bank = attrs.evolve(example_bank(), id="1-bad", format=9, languages=("fr", "fr"),
                        aggregation="weighted")  # type: ignore[arg-type]
    bank = with_criterion(bank, "ENV", weight=-1.0, title=Text("", "Environment"))
    bank = with_question(bank, "GOV-02", knockout=KnockOut(T, when=("elsewhere",)),
                         applies_if=Condition("ENV-01", ("yes",)))
    bank = with_question(bank, "ENV-01", answer=Number(
        Text("Wh", "Wh"), Linear(5, 0.5, Better.LOWER), minimum=3, maximum=1),
        knockout=KnockOut(T, when=("no",)), guidance_by_answer=(AnswerGuidance("yes", T),))
    found = check_bank(bank)
    assert len(found) >= 10
    for problem in found:
        french, english = problem.what.fr, problem.what.en
        assert french != english, english
        assert "(s)" not in french
        # A non-breaking space before : ; ? ! and inside « », never an ordinary one.
        assert not any(f" {mark}" in french for mark in ":;?!"), french
        assert "« " not in french, french
        assert " »" not in french, french
