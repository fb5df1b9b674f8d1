"""Tests for scoring: question rules, answer states, knock-outs, evaluators and ranking.

Every expected number is derived by hand in the comments. The price method is the DAJ's
"classique" method (note = Nmax × Pmin / P; DAJ, "Les méthodes de notation du critère prix
dans les marchés publics", 2024); the abnormally-low check is the M1/M2 rule described in
the domain brief (M1 = mean price, offers above 1.2 × M1 left out, M2 = mean of the rest,
flag below 0.9 × M2). Competition ranking (1, 2, 2, 4) is the "standard competition
ranking" of sports results.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from tests.strategies import answer_specs, banks, strings

from ai_procurement.answers import (
    Answer,
    AnswerState,
    AnswerValue,
    EvidenceRef,
    Finding,
    Report,
    Response,
    apply_conditions,
)
from ai_procurement.bank.model import (
    AllOf,
    AnswerSpec,
    Bank,
    Better,
    Condition,
    CostItem,
    Criterion,
    DateAnswer,
    DqeItem,
    Evidence,
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
)
from ai_procurement.decision.price import PRICE_METHODS, Budget
from ai_procurement.decision.ranking import competition_ranking
from ai_procurement.decision.scoring import (
    Evaluation,
    EvaluatorScore,
    KnockOutFailure,
    Override,
    Settings,
    evaluate,
    question_fraction,
)
from ai_procurement.errors import AIProcurementError, ScoringError
from ai_procurement.questionnaire import (
    Consultation,
    Questionnaire,
    aggregation_sentence,
    freeze,
)
from ai_procurement.text import Text

CONSULTATION = Consultation(reference="2026-AI-021", title="Assistant de rédaction",
                            buyer="Communauté d'agglomération d'exemple")
WHY = Text("Pour comparer les offres.", "To compare offers.")
SCALE_0_4 = Scale(tuple(Level(i, Text(f"niveau {i}", f"level {i}")) for i in range(5)))
TEXT_0_4 = FreeText(SCALE_0_4.levels, 2000)
DEADLINE = dt.date(2027, 6, 30)
EU = Text("Données hébergées hors de l'UE", "Data hosted outside the EU")


# -- builders -------------------------------------------------------------------------------------

def question(qid: str, spec: AnswerSpec, **kw: Any) -> Question:
    return Question(qid, Text(f"Question {qid} ?", f"Question {qid}?"), WHY, spec, **kw)


def criterion(cid: str, weight: float, *questions: Question) -> Criterion:
    tags = ("price",) if any(isinstance(q.answer, Price) for q in questions) else ()
    return Criterion(cid, Text(f"Critère {cid}", f"Criterion {cid}"), WHY, weight, questions,
                     tags)


def make_questionnaire(*criteria: Criterion) -> Questionnaire:
    bank = Bank("test", "1", Text("Banque de test", "Test bank"), WHY, criteria)
    return freeze(bank, CONSULTATION)


def price_question(years: int = 4) -> Question:
    return question("P1", Price((CostItem("licence", Text("Licence", "Licence"),
                                          Recurrence.YEARLY),
                                 CostItem("setup", Text("Mise en place", "Set-up"),
                                          Recurrence.ONCE)), years))


def given_(qid: str, value: AnswerValue, *, document: str = "",
           justification: str = "") -> Answer:
    return Answer(qid, AnswerState.ANSWERED, value, justification, EvidenceRef(document))


def state(qid: str, answer_state: AnswerState, justification: str = "") -> Answer:
    return Answer(qid, answer_state, None, justification)


def response(vendor: str, *answers: Answer, findings: Sequence[Finding] = ()) -> Response:
    file = f"{vendor}.xlsx"
    return Response(file, f"token-{vendor}", {a.question_id: a for a in answers},
                    Report(file, "ab" * 32, tuple(findings)))


def points(**kw: Any) -> Settings:
    return Settings(total_points=kw.pop("total_points", 100), price_method="classique", **kw)


# -- question rules -------------------------------------------------------------------------------

def fraction(spec: AnswerSpec, value: object) -> float:
    return question_fraction(question("Q", spec), value)


def test_yes_no_with_custom_points() -> None:
    # Yes = 3 pt, No = 1 pt: the best answer is worth 3, so yes = 3/3, no = 1/3.
    assert fraction(YesNo(3.0, 1.0), "yes") == 1.0
    assert fraction(YesNo(3.0, 1.0), "no") == pytest.approx(1 / 3)
    # "Do you use biometric identification?": no is the good answer (2 pt), yes gets 0.
    assert fraction(YesNo(0.0, 2.0), "no") == 1.0
    assert fraction(YesNo(0.0, 2.0), "yes") == 0.0


def test_single_choice_scores_the_chosen_option() -> None:
    spec = SingleChoice((Option("eu", Text("UE", "EU"), 4.0),
                         Option("mixed", Text("Mixte", "Mixed"), 1.0),
                         Option("other", Text("Ailleurs", "Elsewhere"), 0.0)))
    # best option 4 pt: eu 4/4 = 1, mixed 1/4 = 0.25, other 0/4 = 0
    assert [fraction(spec, v) for v in ("eu", "mixed", "other")] == [1.0, 0.25, 0.0]


CERTIFICATES = (Option("iso", Text("ISO 27001", "ISO 27001"), 1.0),
                Option("hds", Text("HDS", "HDS"), 2.0),
                Option("snc", Text("SecNumCloud", "SecNumCloud"), 2.0))


def test_multiple_choice_sum_is_capped() -> None:
    spec = MultipleChoice(CERTIFICATES, "sum", 3.0)
    # 1 + 2 + 2 = 5, capped at 3 -> 3/3 = 1
    assert fraction(spec, ("iso", "hds", "snc")) == 1.0
    # 1 alone -> 1/3; 2 alone -> 2/3; 1 + 2 = 3 -> 1; nothing ticked -> 0
    assert fraction(spec, ("iso",)) == pytest.approx(1 / 3)
    assert fraction(spec, ("hds",)) == pytest.approx(2 / 3)
    assert fraction(spec, ("iso", "snc")) == 1.0
    assert fraction(spec, ()) == 0.0


def test_multiple_choice_best_keeps_the_best_ticked_option() -> None:
    spec = MultipleChoice(CERTIFICATES, "best")
    # best option overall 2 pt: iso alone 1/2; iso + hds -> max(1, 2)/2 = 1
    assert fraction(spec, ("iso",)) == 0.5
    assert fraction(spec, ("iso", "hds")) == 1.0
    assert fraction(spec, ()) == 0.0


def test_scale_is_proportional_to_the_level() -> None:
    # levels 0..4: level 3 -> (3 − 0) / (4 − 0) = 0.75
    assert fraction(SCALE_0_4, 3) == 0.75
    assert fraction(SCALE_0_4, 0) == 0.0
    assert fraction(SCALE_0_4, 4) == 1.0
    # levels 1..5: level 4 -> (4 − 1) / (5 − 1) = 0.75
    one_to_five = Scale(tuple(Level(i, Text(f"n{i}", f"l{i}")) for i in range(1, 6)))
    assert fraction(one_to_five, 4) == 0.75


def test_number_linear_higher_and_lower() -> None:
    uptime = Number(Text("mois", "months"), Linear(12.0, 36.0, Better.HIGHER))
    # support duration: 0 at 12 months, full at 36: 24 -> (24 − 12) / 24 = 0.5
    assert fraction(uptime, 24.0) == 0.5
    assert fraction(uptime, 6.0) == 0.0  # below the lower bound: 0, never negative
    assert fraction(uptime, 48.0) == 1.0  # above the upper bound: capped at 1
    energy = Number(Text("Wh", "Wh"), Linear(0.5, 5.0, Better.LOWER))
    # energy per request: full at 0.5 Wh, 0 at 5 Wh: 2.75 -> (5 − 2.75) / 4.5 = 0.5
    assert fraction(energy, 2.75) == 0.5
    assert fraction(energy, 0.2) == 1.0
    assert fraction(energy, 6.0) == 0.0


def test_number_thresholds_higher_and_lower() -> None:
    renewable = Number(Text("%", "%"), Thresholds((Step(50, 0.5), Step(90, 1.0)),
                                                  Better.HIGHER))
    # share of renewable electricity: >= 50 % -> 0.5, >= 90 % -> 1, below 50 % -> 0
    assert [fraction(renewable, x) for x in (49.9, 50.0, 89.0, 90.0, 100.0)] == [
        0.0, 0.5, 0.5, 1.0, 1.0]
    latency = Number(Text("s", "s"), Thresholds((Step(1.0, 1.0), Step(4.0, 0.4)),
                                                Better.LOWER))
    # response time: <= 1 s -> 1, <= 4 s -> 0.4, above 4 s (worse than every step) -> 0
    assert [fraction(latency, x) for x in (0.5, 1.0, 2.0, 4.0, 4.1)] == [
        1.0, 1.0, 0.4, 0.4, 0.0]


def test_date_with_deadline() -> None:
    spec = DateAnswer(DEADLINE)
    assert fraction(spec, DEADLINE) == 1.0  # on the deadline: full points
    assert fraction(spec, DEADLINE - dt.timedelta(days=90)) == 1.0
    assert fraction(spec, DEADLINE + dt.timedelta(days=1)) == 0.0  # a day late: nothing


def test_free_text_and_price_are_not_scored_by_a_rule() -> None:
    with pytest.raises(ScoringError, match="Q is not scored by a rule"):
        fraction(TEXT_0_4, "Une réponse.")
    with pytest.raises(ScoringError, match="not scored by a rule"):
        question_fraction(price_question(), {"licence": 1.0, "setup": 1.0})


# -- a full evaluation, by hand -------------------------------------------------------------------

GOVERNANCE = criterion(
    "GOV", 40,
    question("G1", YesNo(2.0, 0.0), weight=3.0),
    question("G2", SingleChoice((Option("a", Text("A", "A"), 3.0),
                                 Option("b", Text("B", "B"), 1.0),
                                 Option("c", Text("C", "C"), 0.0))), weight=1.0))
ENVIRONMENT = criterion(
    "ENV", 30,
    question("E1", Number(Text("Wh", "Wh"), Linear(0.5, 5.0, Better.LOWER)), weight=1.0),
    question("E2", SCALE_0_4, weight=2.0))


def worked_responses() -> dict[str, Response]:
    def cost(licence: float, setup: float) -> Answer:
        return given_("P1", {"licence": licence, "setup": setup})

    return {
        "A": response("A", given_("G1", "yes"), given_("G2", "a"), given_("E1", 0.5),
                      given_("E2", 2), cost(5_500, 10_000)),
        "B": response("B", given_("G1", "yes"), given_("G2", "b"), given_("E1", 2.75),
                      given_("E2", 4), cost(4_000, 4_000)),
        "C": response("C", given_("G1", "no"), given_("G2", "a"), given_("E1", 5.0),
                      given_("E2", 3), cost(5_000, 5_000)),
    }


def test_full_evaluation_worked_example() -> None:
    questionnaire = make_questionnaire(GOVERNANCE, ENVIRONMENT,
                                       criterion("PRICE", 30, price_question()))
    result = evaluate(questionnaire, worked_responses(), settings=points())
    # Weights 40/30/30 on 100 points: GOV 40, ENV 30, PRICE 30.
    assert result.criterion_points == pytest.approx({"GOV": 40, "ENV": 30, "PRICE": 30})
    a, b, c = (result.vendor(v) for v in "ABC")

    # GOV: G1 weight 3, G2 weight 1 -> shares 3/4 and 1/4 -> at most 30 and 10 points.
    #   A: G1 yes = 2/2 -> 30; G2 a = 3/3 -> 10; GOV = 40
    #   B: G1 yes -> 30; G2 b = 1/3 -> 10/3 ≈ 3.333; GOV = 100/3 ≈ 33.333
    #   C: G1 no = 0/2 -> 0; G2 a -> 10; GOV = 10
    # ENV: E1 weight 1, E2 weight 2 -> shares 1/3 and 2/3 -> at most 10 and 20 points.
    #   A: E1 0.5 Wh -> (5 − 0.5)/4.5 = 1 -> 10; E2 level 2 -> 2/4 -> 10; ENV = 20
    #   B: E1 2.75 Wh -> (5 − 2.75)/4.5 = 0.5 -> 5; E2 level 4 -> 20; ENV = 25
    #   C: E1 5 Wh -> 0 -> 0; E2 level 3 -> 3/4 -> 15; ENV = 15
    # PRICE: total cost over 4 years = set-up + 4 × yearly licence
    #   A: 10 000 + 4 × 5 500 = 32 000; B: 4 000 + 4 × 4 000 = 20 000;
    #   C: 5 000 + 4 × 5 000 = 25 000 -> Pmin = 20 000
    #   classique: A 30 × 20 000 / 32 000 = 18.75; B 30; C 30 × 20 000 / 25 000 = 24
    assert a.criteria == pytest.approx({"GOV": 40, "ENV": 20, "PRICE": 18.75})
    assert b.criteria == pytest.approx({"GOV": 100 / 3, "ENV": 25, "PRICE": 30})
    assert c.criteria == pytest.approx({"GOV": 10, "ENV": 15, "PRICE": 24})
    assert [a.cost.total, b.cost.total, c.cost.total] == [32_000, 20_000, 25_000]  # type: ignore[union-attr]
    assert (a.price, b.price, c.price) == (32_000, 20_000, 25_000)
    assert result.price is not None
    assert result.price.points == pytest.approx({"A": 18.75, "B": 30, "C": 24})
    assert result.price.explain("A").en == "30 × 20,000 / 32,000 = 18.75"
    # Totals: A 40 + 20 + 18.75 = 78.75; B 100/3 + 25 + 30 ≈ 88.333; C 10 + 15 + 24 = 49
    assert (a.total, b.total, c.total) == pytest.approx((78.75, 265 / 3, 49))
    assert (b.rank, a.rank, c.rank) == (1, 2, 3)
    assert [v.vendor for v in result.ranking] == ["B", "A", "C"]
    assert {v.status for v in result.vendors} == {"ranked"}

    # M1 = (32 000 + 20 000 + 25 000)/3 ≈ 25 666.67; 1.2 × M1 = 30 800 leaves A out;
    # M2 = (20 000 + 25 000)/2 = 22 500; 0.9 × M2 = 20 250 > 20 000: B is flagged, and
    # only flagged: it still ranks first.
    assert result.low_offers is not None
    assert result.low_offers.dropped_for_m2 == ("A",)
    assert result.low_offers.flagged == ("B",)
    assert "abnormally-low" in b.flags
    assert "abnormally-low" not in a.flags

    for vendor in "ABC":
        lines = result.lines_for(vendor)
        assert [line.question_id for line in lines] == ["G1", "G2", "E1", "E2"]
        for cid in ("GOV", "ENV"):
            mine = [line for line in lines if line.criterion_id == cid]
            expected = result.vendor(vendor).criteria[cid]
            assert math.fsum(line.points for line in mine) == pytest.approx(expected)
            counted = [line.max_points for line in mine if line.counted]
            assert math.fsum(counted) == pytest.approx(result.criterion_points[cid])
    g1, g2, e1, e2 = result.lines_for("B")
    assert (g1.max_points, g2.max_points, e1.max_points, e2.max_points) == pytest.approx(
        (30, 10, 10, 20))
    assert (g2.fraction, g2.points) == pytest.approx((1 / 3, 10 / 3))
    assert (e1.fraction, e1.points, e1.source) == (0.5, 5.0, "rule")
    assert g2.rule.en == "Points of the chosen option: A = 3, B = 1, C = 0"
    assert e1.rule.en == "Linear: full at 0.5 Wh, 0 at 5"


def test_a_price_criterion_weighing_nothing_gives_no_points() -> None:
    questionnaire = make_questionnaire(GOVERNANCE, ENVIRONMENT,
                                       criterion("PRICE", 0, price_question()))
    result = evaluate(questionnaire, worked_responses(), settings=points())
    # GOV 40/70 and ENV 30/70 of the 100 points; the price weighs 0 and scores nobody.
    assert result.criterion_points == pytest.approx({"GOV": 400 / 7, "ENV": 300 / 7,
                                                     "PRICE": 0})
    assert result.price is None
    assert [v.criteria["PRICE"] for v in result.vendors] == [0, 0, 0]
    assert all("no-price" not in v.flags for v in result.vendors)
    # Abnormally low prices are still flagged (B, as in the worked example).
    assert result.low_offers is not None
    assert result.low_offers.flagged == ("B",)


def test_settings_and_inputs_are_recorded_with_the_result() -> None:
    questionnaire = make_questionnaire(GOVERNANCE, ENVIRONMENT,
                                       criterion("PRICE", 30, price_question()))
    chosen = points(consensus="mean", evidence_policy="flag-only")
    result = evaluate(questionnaire, worked_responses(), settings=chosen)
    assert result.settings == chosen
    assert result.questionnaire == questionnaire
    assert result.price is not None
    assert result.price.method == "classique"


# -- states of an answer --------------------------------------------------------------------------

def single_question(*, na_allowed: bool) -> Questionnaire:
    # Two yes/no questions of weight 1 in one criterion worth 100 points: 50 each.
    return make_questionnaire(criterion("C", 1, question("Q1", YesNo(), na_allowed=na_allowed),
                                        question("Q2", YesNo())))


NOT_RELEVANT = "Le système ne traite aucune donnée personnelle."


@pytest.mark.parametrize(
    ("answer", "na_allowed", "expected", "counted", "flags"),
    [
        # Unanswered counts and scores 0: 0 × 50 + 1 × 50 = 50.
        (state("Q1", AnswerState.UNANSWERED), True, 50, True, ("unanswered",)),
        # N/A by condition does not count: Q2 alone carries the 100 points.
        (state("Q1", AnswerState.NOT_APPLICABLE_BY_CONDITION), False, 100, False, ()),
        # Allowed and justified: does not count either.
        (state("Q1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT), True, 100, False, ()),
        # Allowed but not justified: counts, scores 0.
        (state("Q1", AnswerState.NOT_APPLICABLE), True, 50, True, ("na-unjustified",)),
        # Not allowed, even justified: counts, scores 0.
        (state("Q1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT), False, 50, True,
         ("na-not-allowed",)),
    ],
)
def test_answer_states(answer: Answer, na_allowed: bool, expected: float, counted: bool,
                       flags: tuple[str, ...]) -> None:
    result = evaluate(single_question(na_allowed=na_allowed),
                      {"A": response("A", answer, given_("Q2", "yes"))}, settings=points())
    assert result.vendor("A").criteria["C"] == pytest.approx(expected)
    line = result.lines_for("A")[0]
    assert (line.counted, line.flags, line.fraction, line.points) == (counted, flags, 0, 0)
    assert line.max_points == (50 if counted else 0)
    assert line.state is answer.state


def test_an_evaluator_can_reject_a_not_applicable() -> None:
    rejection = EvaluatorScore("ann", "A", "Q1", None, "Le système profile les usagers.",
                               accept_na=False)
    responses = {"A": response("A", state("Q1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT),
                               given_("Q2", "yes"))}
    result = evaluate(single_question(na_allowed=True), responses, settings=points(),
                      reviews=[rejection])
    # The N/A counts and scores 0: 0 + 50.
    assert result.vendor("A").criteria["C"] == 50
    assert result.lines_for("A")[0].flags == ("na-rejected",)
    assert result.evaluator_scores == (rejection,)


def test_na_policy_zero_scores_every_not_applicable_zero() -> None:
    responses = {"A": response("A", state("Q1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT),
                               given_("Q2", "yes"))}
    result = evaluate(single_question(na_allowed=True), responses,
                      settings=points(na_policy="zero"))
    assert result.vendor("A").criteria["C"] == 50
    assert result.lines_for("A")[0].flags == ("na-zero-policy",)


def test_a_criterion_where_nothing_counts_scores_zero() -> None:
    # Both questions N/A (allowed, justified): no question counts, the criterion earns 0
    # and no line carries points.
    questionnaire = make_questionnaire(criterion("C", 1, question("Q1", YesNo(),
                                                                  na_allowed=True)))
    result = evaluate(questionnaire, {
        "A": response("A", state("Q1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT))},
        settings=points())
    assert result.vendor("A").criteria == {"C": 0.0}
    assert result.lines_for("A")[0].max_points == 0


# -- knock-outs -----------------------------------------------------------------------------------

def knockout_questionnaire() -> Questionnaire:
    return make_questionnaire(
        criterion("GOV", 70, question("K1", YesNo(), knockout=KnockOut(EU, ("no",))),
                  question("G2", SCALE_0_4)),
        criterion("PRICE", 30, price_question(years=1)))


def offer(vendor: str, k1: Answer, level: int, price: float) -> Response:
    return response(vendor, k1, given_("G2", level),
                    given_("P1", {"licence": price, "setup": 0.0}))


def test_a_knocked_out_offer_is_excluded_with_its_reason() -> None:
    responses = {"A": offer("A", given_("K1", "no"), 4, 10_000),
                 "B": offer("B", given_("K1", "yes"), 2, 20_000),
                 "C": offer("C", given_("K1", "yes"), 3, 25_000)}
    result = evaluate(knockout_questionnaire(), responses, settings=points())
    a, b, c = (result.vendor(v) for v in "ABC")
    assert a.status == "non-compliant"
    assert a.rank is None
    assert a.knockouts == (KnockOutFailure(
        "K1", "no", Text("Éliminatoire si la réponse est «\u00a0Non\u00a0»",
                         "Disqualifying if the answer is 'No'"), EU),)
    assert "knock-out" in a.flags
    # GOV (70 points): K1 and G2 weigh 1 each -> 35 points each.
    #   A: K1 no -> 0; G2 level 4 -> 35. Its total (35) is still shown.
    #   B: 35 + 35 × 2/4 = 52.5;  C: 35 + 35 × 3/4 = 61.25
    # Price among compliant offers only (B, C): Pmin = 20 000, not A's 10 000.
    #   B: 30 × 20 000 / 20 000 = 30;  C: 30 × 20 000 / 25 000 = 24
    #   (with A, B would get 30 × 10 000 / 20 000 = 15)
    assert a.criteria == pytest.approx({"GOV": 35, "PRICE": 0})
    assert a.total == pytest.approx(35)
    assert a.price == 10_000
    assert b.criteria == pytest.approx({"GOV": 52.5, "PRICE": 30})
    assert c.criteria == pytest.approx({"GOV": 61.25, "PRICE": 24})
    # Totals: B 82.5, C 85.25 -> C first.
    assert [(v.vendor, v.rank) for v in result.ranking] == [("C", 1), ("B", 2)]
    assert (c.total, b.total) == pytest.approx((85.25, 82.5))
    assert result.price is not None
    assert sorted(result.price.prices) == ["B", "C"]
    assert result.low_offers is not None
    assert result.low_offers.prices.keys() == {"B", "C"}


def test_an_offer_without_a_price_is_irregular() -> None:
    # An incomplete offer cannot be ranked: the missing price is a conformity failure,
    # shown with its reason, and the other offers' price points ignore it.
    responses = {"A": response("A", given_("K1", "yes"), given_("G2", 4),
                               state("P1", AnswerState.UNANSWERED)),
                 "B": offer("B", given_("K1", "yes"), 2, 20_000)}
    result = evaluate(knockout_questionnaire(), responses, settings=points())
    a = result.vendor("A")
    assert a.status == "non-compliant"
    assert a.rank is None
    assert [k.question_id for k in a.knockouts] == ["P1"]
    assert "Price missing" in a.knockouts[0].reason.en
    assert "no-price" in a.flags
    assert [(v.vendor, v.rank) for v in result.ranking] == [("B", 1)]
    assert result.vendor("B").criteria["PRICE"] == pytest.approx(30)


@pytest.mark.parametrize(
    ("k1", "shown"),
    [(state("K1", AnswerState.UNANSWERED), "—"),
     (state("K1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT), "N/A")],
)
def test_an_unverifiable_knock_out_makes_the_offer_non_compliant(k1: Answer,
                                                                 shown: str) -> None:
    result = evaluate(knockout_questionnaire(), {"A": offer("A", k1, 4, 10_000)},
                      settings=points())
    a = result.vendor("A")
    assert (a.status, a.rank) == ("non-compliant", None)
    (failure,) = a.knockouts
    assert (failure.question_id, failure.answer) == ("K1", shown)
    assert failure.reason.en == ("Requirement cannot be verified (no answer). "
                                 "Data hosted outside the EU")
    assert failure.reason.fr.startswith("Exigence non vérifiable")
    assert result.price is None  # no compliant offer to score


def test_a_knock_out_na_allowed_and_justified_passes_unless_rejected() -> None:
    questionnaire = make_questionnaire(criterion("GOV", 1, question(
        "K1", YesNo(), knockout=KnockOut(EU, ("no",)), na_allowed=True)))
    responses = {"A": response("A", state("K1", AnswerState.NOT_APPLICABLE, NOT_RELEVANT))}
    assert evaluate(questionnaire, responses, settings=points()).vendor("A").rank == 1
    rejected = evaluate(questionnaire, responses, settings=points(), reviews=[
        EvaluatorScore("ann", "A", "K1", None, "Les données sont bien hébergées.",
                       accept_na=False)]).vendor("A")
    assert rejected.status == "non-compliant"
    assert rejected.knockouts[0].answer == "N/A"


def test_number_and_multiple_choice_knock_outs() -> None:
    availability = question("N1", Number(Text("%", "%"), Linear(95, 100, Better.HIGHER)),
                            knockout=KnockOut(Text("Disponibilité insuffisante",
                                                   "Availability too low"), below=99.0))
    hosting = question("M1", MultipleChoice(CERTIFICATES, "sum", 3.0),
                       knockout=KnockOut(EU, ("iso",)))
    questionnaire = make_questionnaire(criterion("C", 1, availability, hosting))
    result = evaluate(questionnaire, {
        "A": response("A", given_("N1", 98.5), given_("M1", ("hds",))),
        "B": response("B", given_("N1", 99.0), given_("M1", ("hds", "iso"))),
        "C": response("C", given_("N1", 99.5), given_("M1", ("snc",)))}, settings=points())
    (fail_a,) = result.vendor("A").knockouts
    assert (fail_a.question_id, fail_a.answer, fail_a.rule.en) == (
        "N1", "98.5", "Disqualifying if < 99")
    (fail_b,) = result.vendor("B").knockouts  # 99 is not below 99; ticking iso is.
    assert (fail_b.question_id, fail_b.answer) == ("M1", "hds, iso")
    assert result.vendor("C").status == "ranked"


def test_a_file_with_errors_is_rejected_with_the_reasons() -> None:
    bad_signature = Text("La signature du fichier ne correspond pas.",
                         "The file's signature does not match.")
    findings = [Finding("error", "hmac", bad_signature, "B.xlsx", "Identité", "B3"),
                Finding("warning", "decimal-comma", Text("Virgule décimale", "Decimal comma"),
                        "B.xlsx")]
    result = evaluate(single_question(na_allowed=False), {
        "A": response("A", given_("Q1", "yes"), given_("Q2", "no")),
        "B": response("B", findings=findings)}, settings=points())
    b = result.vendor("B")
    assert (b.status, b.rank, b.total, b.file_errors) == (
        "file-rejected", None, 0.0, (bad_signature,))
    assert result.lines_for("B") == []
    assert result.vendor("A").rank == 1
    # A warning alone does not reject a file.
    only_warning = response("A", given_("Q1", "yes"), given_("Q2", "no"),
                            findings=findings[1:])
    assert evaluate(single_question(na_allowed=False), {"A": only_warning},
                    settings=points()).vendor("A").status == "ranked"


# -- evidence -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("policy", "expected"),
                         [("zero-without-required-evidence", 0.0), ("flag-only", 0.75)])
def test_required_evidence(policy: Any, expected: float) -> None:
    questionnaire = make_questionnaire(criterion("C", 1, question(
        "S1", SCALE_0_4, evidence=Evidence.REQUIRED)))
    without = evaluate(questionnaire, {"A": response("A", given_("S1", 3))},
                       settings=points(evidence_policy=policy))
    line = without.lines_for("A")[0]
    # Level 3 of 0..4 -> 0.75 by the rule; no point without evidence by default.
    assert line.fraction == expected
    assert line.flags == ("evidence-missing",)
    assert without.vendor("A").criteria["C"] == pytest.approx(100 * expected)
    backed = evaluate(questionnaire, {"A": response("A", given_("S1", 3, document="PAQ.pdf"))},
                      settings=points(evidence_policy=policy)).lines_for("A")[0]
    assert (backed.fraction, backed.flags, backed.evidence) == (0.75, (), "PAQ.pdf")


# -- evaluators -----------------------------------------------------------------------------------

def free_text_questionnaire() -> Questionnaire:
    # T1 alone in a criterion worth 100 points: points = 100 × fraction.
    return make_questionnaire(criterion("C", 1, question("T1", TEXT_0_4)),
                              criterion("D", 0, question("Y1", YesNo())))


def text_responses() -> dict[str, Response]:
    return {"A": response("A", given_("T1", "Journalisation et revue humaine mensuelle."),
                          given_("Y1", "no"))}


def levels(*found: tuple[str, int], vendor: str = "A", why: str = "Voir § 3.") -> list[
        EvaluatorScore]:
    return [EvaluatorScore(name, vendor, "T1", level, why) for name, level in found]


@pytest.mark.parametrize(("consensus", "expected"), [("median", 50.0), ("mean", 175 / 3)])
def test_median_and_mean_consensus(consensus: Any, expected: float) -> None:
    reviews = levels(("ann", 1), ("bob", 2), ("cyd", 4))
    result = evaluate(free_text_questionnaire(), text_responses(),
                      settings=points(consensus=consensus), reviews=reviews)
    # median(1, 2, 4) = 2 -> 2/4 = 0.5 -> 50 points;
    # mean = 7/3 -> (7/3)/4 = 7/12 -> 100 × 7/12 = 175/3 ≈ 58.33 points
    assert result.vendor("A").criteria["C"] == pytest.approx(expected)
    line = result.lines_for("A")[0]
    assert line.source == "evaluators"
    assert line.justification == "ann — Voir § 3. | bob — Voir § 3. | cyd — Voir § 3."
    # Spread (4 − 1) / 4 = 0.75 > 0.25: an alert with every level.
    (divergence,) = result.divergences
    assert divergence.levels == {"ann": 1, "bob": 2, "cyd": 4}
    assert divergence.spread == 0.75
    assert "evaluator-divergence" in result.vendor("A").flags
    assert result.pending_reviews == ()


def test_an_agreed_level_wins_over_the_evaluators() -> None:
    agreed = Override("A", "T1", "Niveau convenu en commission le 3 mars.", level=3, by="lead")
    result = evaluate(free_text_questionnaire(), text_responses(), settings=points(),
                      reviews=levels(("ann", 1), ("bob", 4)), overrides=[agreed])
    line = result.lines_for("A")[0]
    # Agreed level 3 of 0..4 -> 0.75 -> 75 points, whatever the evaluators gave.
    assert (line.fraction, line.points, line.source) == (0.75, 75.0, "consensus")
    assert line.justification == "Niveau convenu en commission le 3 mars."
    assert result.overrides == (agreed,)


def test_a_fraction_override_replaces_an_automatic_score() -> None:
    rescored = Override("A", "Y1", "Hébergement vérifié lors de l'audit.", fraction=0.5)
    questionnaire = make_questionnaire(criterion("C", 1, question("Y1", YesNo())))
    result = evaluate(questionnaire, {"A": response("A", given_("Y1", "no"))},
                      settings=points(), overrides=[rescored])
    line = result.lines_for("A")[0]
    # The rule gives "no" 0; the override gives half of the 100 points.
    assert (line.fraction, line.points, line.source) == (0.5, 50.0, "override")
    assert line.justification == "Hébergement vérifié lors de l'audit."


def test_a_fraction_override_settles_a_free_text_answer() -> None:
    rescored = Override("A", "T1", "Réponse complète, vérifiée en soutenance.", fraction=1.0)
    result = evaluate(free_text_questionnaire(), text_responses(), settings=points(),
                      overrides=[rescored])
    assert result.vendor("A").criteria["C"] == 100
    assert result.lines_for("A")[0].flags == ()
    assert result.pending_reviews == ()


@pytest.mark.parametrize(
    ("found", "threshold", "alert"),
    [
        ((("ann", 1), ("bob", 2)), 0.25, False),  # (2 − 1)/4 = 0.25: at the threshold
        ((("ann", 1), ("bob", 3)), 0.25, True),  # (3 − 1)/4 = 0.5 > 0.25
        ((("ann", 1), ("bob", 3)), 0.5, False),  # 0.5, at a threshold of 0.5
        ((("ann", 2),), 0.0, False),  # one evaluator never diverges
    ],
)
def test_divergence_alert_only_above_the_threshold(found: tuple[tuple[str, int], ...],
                                                   threshold: float, alert: bool) -> None:
    result = evaluate(free_text_questionnaire(), text_responses(),
                      settings=points(divergence_threshold=threshold),
                      reviews=levels(*found))
    assert bool(result.divergences) is alert
    assert ("evaluator-divergence" in result.vendor("A").flags) is alert


def test_a_score_without_justification_is_flagged() -> None:
    reviews = [*levels(("ann", 3)), *levels(("bob", 3), why=" ")]
    result = evaluate(free_text_questionnaire(), text_responses(), settings=points(),
                      reviews=reviews)
    assert "unjustified-score:T1" in result.vendor("A").flags
    # The score still counts: median(3, 3) = 3 -> 75 points.
    assert result.vendor("A").criteria["C"] == 75


def test_an_answered_free_text_nobody_scored_is_pending() -> None:
    responses = {**text_responses(),
                 "B": response("B", state("T1", AnswerState.UNANSWERED), given_("Y1", "no"))}
    result = evaluate(free_text_questionnaire(), responses, settings=points())
    assert result.pending_reviews == (("A", "T1"),)  # B did not answer: nothing to review
    line = result.lines_for("A")[0]
    assert (line.source, line.flags, line.points) == ("evaluators", ("pending-review",), 0.0)
    assert result.lines_for("B")[0].flags == ("unanswered",)


# -- ranking --------------------------------------------------------------------------------------

def test_competition_ranking() -> None:
    assert competition_ranking({"a": 10, "b": 8, "c": 8, "d": 5}, 0) == {
        "a": 1, "b": 2, "c": 2, "d": 4}
    # Within the tolerance of the best of a group: tied.
    assert competition_ranking({"a": 10, "b": 10 - 1e-10, "c": 9}, 1e-9) == {
        "a": 1, "b": 1, "c": 3}
    assert competition_ranking({}, 0) == {}


def test_totals_within_the_tie_tolerance_share_a_rank() -> None:
    questionnaire = make_questionnaire(criterion("C", 1, question("N1", Number(
        Text("%", "%"), Linear(0.0, 100.0, Better.HIGHER)))))
    # 100 × 0.5 = 50 and 100 × 0.5000000000001 ≈ 50.00000000001: within 1e-9 × 100.
    result = evaluate(questionnaire, {"A": response("A", given_("N1", 50.0)),
                                      "B": response("B", given_("N1", 50.00000000001)),
                                      "C": response("C", given_("N1", 10.0))},
                      settings=points())
    assert [(v.vendor, v.rank) for v in result.ranking] == [("A", 1), ("B", 1), ("C", 3)]


@given(st.dictionaries(st.text(min_size=1, max_size=3),
                       st.sampled_from([0.0, 1.0, 2.5, 2.5 + 1e-12, 7.0]), max_size=6),
       st.randoms(use_true_random=False))
def test_competition_ranking_ignores_the_order_of_the_input(totals: dict[str, float],
                                                            rng: random.Random) -> None:
    items = list(totals.items())
    rng.shuffle(items)
    ranks = competition_ranking(totals, 1e-9)
    assert competition_ranking(dict(items), 1e-9) == ranks
    for vendor, rank in ranks.items():
        # A rank is 1 + the number of totals clearly better.
        assert rank == 1 + sum(t - totals[vendor] > 1e-9 for t in totals.values())


# -- bad inputs -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("reviews", "overrides", "message"),
    [
        (levels(("ann", 2), vendor="Z"), (), "review by 'ann' names unknown vendor 'Z'"),
        ([EvaluatorScore("ann", "A", "T9", 2, "ok")], (), "unknown question 'T9'"),
        (levels(("ann", 7)), (), "T1: level 7 outside the scale 0..4"),
        ([EvaluatorScore("ann", "A", "Y1", 1, "ok")], (),
         "Y1: levels apply to free-text questions"),
        (levels(("ann", 2), ("ann", 3)), (),
         "evaluator 'ann' scored A/T1 2 times"),
        ((), [Override("A", "T1", " ", level=2)], "A/T1: an override needs a rationale"),
        ((), [Override("A", "T1", "Vu.", level=2, fraction=0.5)],
         "A/T1: give either a level or a fraction"),
        ((), [Override("A", "T1", "Vu.")], "A/T1: give either a level or a fraction"),
        ((), [Override("A", "Y1", "Vu.", fraction=1.5)],
         r"A/Y1: fraction must be in \[0, 1\], got 1.5"),
        ((), [Override("A", "Y1", "Vu.", fraction=0.5), Override("A", "Y1", "Revu.",
                                                                 fraction=1.0)],
         "A/Y1: 2 overrides"),
        ((), [Override("B", "T1", "Vu.", level=3)],
         "B/T1: the answer is unanswered"),
    ],
)
def test_inconsistent_reviews_and_overrides_are_refused(
        reviews: list[EvaluatorScore], overrides: list[Override], message: str) -> None:
    responses = {**text_responses(),
                 "B": response("B", state("T1", AnswerState.UNANSWERED), given_("Y1", "no"))}
    with pytest.raises(ScoringError, match=message):
        evaluate(free_text_questionnaire(), responses, settings=points(), reviews=reviews,
                 overrides=overrides)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ScoringError) as caught:
        evaluate(free_text_questionnaire(), text_responses(), settings=points(),
                 reviews=levels(("ann", 9), vendor="Z"),
                 overrides=[Override("A", "T1", "", level=1)])
    text = str(caught.value)
    for expected in ("unknown vendor 'Z'", "level 9", "an override needs a rationale"):
        assert expected in text


def test_a_missing_answer_record_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"A: no answer record for \['Y1'\]"):
        evaluate(free_text_questionnaire(), {"A": response("A", given_("T1", "Oui."))},
                 settings=points())


def test_prices_must_name_known_vendors_and_need_a_price_criterion() -> None:
    questionnaire = knockout_questionnaire()
    responses = {"A": offer("A", given_("K1", "yes"), 4, 10_000)}
    with pytest.raises(ScoringError, match="prices name unknown vendor 'Z'"):
        evaluate(questionnaire, responses, settings=points(), prices={"Z": 1.0})
    with pytest.raises(ScoringError, match="no price criterion"):
        evaluate(free_text_questionnaire(), text_responses(), settings=points(),
                 prices={"A": 1.0})


def test_given_prices_replace_the_cost_breakdown() -> None:
    # After a negotiation round: A 9 000, B 12 000 -> A 30, B 30 × 9 000/12 000 = 22.5
    responses = {"A": offer("A", given_("K1", "yes"), 4, 10_000),
                 "B": offer("B", given_("K1", "yes"), 4, 20_000)}
    result = evaluate(knockout_questionnaire(), responses, settings=points(),
                      prices={"A": 9_000, "B": 12_000})
    assert result.vendor("B").criteria["PRICE"] == pytest.approx(22.5)
    assert result.vendor("B").price == 12_000


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"total_points": 0}, "total_points must be a number > 0, got 0"),
        ({"total_points": math.inf}, "total_points"),
        ({"total_points": math.nan}, "total_points"),
        ({"divergence_threshold": 1.5}, r"divergence_threshold .* in \[0, 1\]; got 1.5"),
        ({"tie_tolerance": 0.01}, "tie_tolerance"),
        ({"price_method": "moyenne"}, "price_method: unknown value 'moyenne'"),
        ({"consensus": "average"}, r"consensus: unknown value 'average'; expected one of "
                                   r"\['mean', 'median'\]"),
        ({"na_policy": "exclude"}, "na_policy"),
        ({"evidence_policy": "flag"}, "evidence_policy"),
        ({"low_offer_method": "m3"}, "low_offer_method"),
        ({"price_coefficient": 0.0}, "price_coefficient"),
        ({"price_coefficient": 2.0}, "applies to the 'ecart-relatif' method only"),
    ],
)
def test_settings_are_validated(kw: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"total_points": 100, "price_method": "classique", **kw}
    with pytest.raises(ScoringError, match=message):
        Settings(**values)


def test_scoring_errors_are_library_errors() -> None:
    assert issubclass(ScoringError, AIProcurementError)
    assert issubclass(ScoringError, ValueError)
    assert Settings(100, "ecart-relatif", price_coefficient=2.0).price_coefficient == 2.0


# -- properties -----------------------------------------------------------------------------------

_RULED_SPECS = answer_specs().filter(lambda spec: not isinstance(spec, FreeText))
_JUSTIFICATIONS = st.sampled_from(["", NOT_RELEVANT])
_STATES = st.sampled_from([AnswerState.ANSWERED] * 4 + [
    AnswerState.UNANSWERED, AnswerState.NOT_APPLICABLE,
    AnswerState.NOT_APPLICABLE_BY_CONDITION])
_EVALUATORS = ("ann", "bob", "cyd")
_VENDORS = ("Alpha", "Bêta", "Gamma", "Delta")


def values(spec: AnswerSpec) -> st.SearchStrategy[AnswerValue]:
    """Values a vendor's file can hold for ``spec``, as the response reader returns them."""
    if isinstance(spec, YesNo | SingleChoice):
        return st.sampled_from(spec.option_ids)
    if isinstance(spec, MultipleChoice):
        return st.lists(st.sampled_from(spec.option_ids), unique=True).map(tuple)
    if isinstance(spec, Scale):
        return st.integers(spec.levels[0].value, spec.levels[-1].value)
    if isinstance(spec, Number):
        return st.floats(-2e6, 2e6)
    if isinstance(spec, DateAnswer):
        return st.dates(dt.date(1990, 1, 1), dt.date(2110, 12, 31))
    if isinstance(spec, FreeText):
        return strings(max_size=20)
    return st.fixed_dictionaries({i.id: st.floats(1.0, 1e6) for i in spec.items})


@st.composite
def answers(draw: st.DrawFn, q: Question) -> Answer:
    """An answer to ``q`` in any state, with or without evidence and justification."""
    if isinstance(q.answer, Price):
        answer_state = draw(st.sampled_from([AnswerState.ANSWERED] * 5
                                            + [AnswerState.UNANSWERED]))
    else:
        answer_state = draw(_STATES)
    value = draw(values(q.answer)) if answer_state is AnswerState.ANSWERED else None
    evidence = EvidenceRef("offre.pdf", "3") if draw(st.booleans()) else EvidenceRef()
    return Answer(q.id, answer_state, value, draw(_JUSTIFICATIONS), evidence)


@attrs.frozen
class Tender:
    """A questionnaire, the vendors' responses, the evaluators' scores and the settings."""

    questionnaire: Questionnaire
    responses: dict[str, Response]
    reviews: tuple[EvaluatorScore, ...]
    settings: Settings

    def run(self, **changes: Any) -> Evaluation:
        tender = attrs.evolve(self, **changes)
        return evaluate(tender.questionnaire, tender.responses, settings=tender.settings,
                        reviews=tender.reviews)


@st.composite
def reviews_for(draw: st.DrawFn, questionnaire: Questionnaire,
                responses: Mapping[str, Response]) -> tuple[EvaluatorScore, ...]:
    found: list[EvaluatorScore] = []
    for vendor, resp in responses.items():
        for _, q in questionnaire.bank.questions():
            answer = resp.answers.get(q.id)
            if answer is None:
                continue
            if isinstance(q.answer, FreeText) and answer.state is AnswerState.ANSWERED:
                scale = q.answer.scale
                for name in draw(st.lists(st.sampled_from(_EVALUATORS), unique=True)):
                    level = draw(st.integers(scale[0].value, scale[-1].value))
                    found.append(EvaluatorScore(name, vendor, q.id, level,
                                                draw(st.sampled_from(["", "Voir § 2."]))))
            elif answer.state is AnswerState.NOT_APPLICABLE and draw(st.booleans()):
                found.append(EvaluatorScore("ann", vendor, q.id, None, "N/A contesté.",
                                            accept_na=False))
    return tuple(found)


@st.composite
def tenders(draw: st.DrawFn, *, min_vendors: int = 1, price: bool | None = None) -> Tender:
    bank = draw(banks(max_criteria=3, max_questions=3, price=price))
    questionnaire = freeze(bank, CONSULTATION)
    count = draw(st.integers(min_vendors, len(_VENDORS)))
    responses: dict[str, Response] = {}
    for vendor in _VENDORS[:count]:
        file_error = draw(st.sampled_from([False] * 7 + [True]))
        findings = (Finding("error", "hmac", Text("Signature", "Signature"), vendor),
                    ) if file_error else ()
        responses[vendor] = response(
            vendor, *(draw(answers(q)) for _, q in bank.questions()), findings=findings)
    method = draw(st.sampled_from(PRICE_METHODS))
    chosen = Settings(
        total_points=draw(st.sampled_from([100.0, 20.0, 60.0])), price_method=method,
        na_policy=draw(st.sampled_from(["exclude-if-allowed-and-justified", "zero"])),
        evidence_policy=draw(st.sampled_from(["zero-without-required-evidence",
                                              "flag-only"])),
        consensus=draw(st.sampled_from(["mean", "median"])))
    return Tender(questionnaire, responses, draw(reviews_for(questionnaire, responses)),
                  chosen)


PROPERTY = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@given(_RULED_SPECS.flatmap(lambda spec: st.tuples(st.just(spec), values(spec))))
def test_every_fraction_is_between_0_and_1(drawn: tuple[AnswerSpec, AnswerValue]) -> None:
    spec, value = drawn
    assert 0.0 <= fraction(spec, value) <= 1.0


def _better(spec: AnswerSpec, first: Any, second: Any) -> tuple[Any, Any]:
    """(worse, better) of two answers by the domain's order, independent of the rule."""
    if isinstance(spec, YesNo):
        worth = {"yes": spec.yes_points, "no": spec.no_points}
        return tuple(sorted((first, second), key=worth.__getitem__))
    if isinstance(spec, SingleChoice):
        option_points = {o.id: o.points for o in spec.options}
        return tuple(sorted((first, second), key=option_points.__getitem__))
    if isinstance(spec, MultipleChoice):  # one or more options ticked on top
        return first, tuple(sorted(set(first) | set(second)))
    if isinstance(spec, Scale):
        return min(first, second), max(first, second)
    if isinstance(spec, DateAnswer):  # an earlier date is better
        return max(first, second), min(first, second)
    assert isinstance(spec, Number)
    if spec.curve is not None and spec.curve.better is Better.LOWER:
        return max(first, second), min(first, second)
    return min(first, second), max(first, second)


@given(st.data())
def test_a_better_answer_never_earns_a_smaller_fraction(data: st.DataObject) -> None:
    spec = data.draw(_RULED_SPECS)
    worse, better = _better(spec, data.draw(values(spec)), data.draw(values(spec)))
    assert fraction(spec, worse) <= fraction(spec, better)


@PROPERTY
@given(tenders())
def test_points_stay_in_range_and_add_up(tender: Tender) -> None:
    result = tender.run()
    total_points = tender.settings.total_points
    slack = 1e-9 * total_points
    for line in result.lines:
        assert 0.0 <= line.fraction <= 1.0
        assert 0.0 <= line.points <= line.max_points
        assert line.counted or line.max_points == 0
    for vendor in result.vendors:
        assert -slack <= vendor.total <= total_points + slack
        if vendor.status == "file-rejected":
            assert (vendor.total, vendor.rank) == (0, None)
            continue
        assert (vendor.rank is None) is (vendor.status == "non-compliant")
        for c in result.questionnaire.bank.criteria:
            earned = vendor.criteria[c.id]
            assert -slack <= earned <= result.criterion_points[c.id] + slack
            if c.is_price:
                continue
            lines = [line for line in result.lines_for(vendor.vendor)
                     if line.criterion_id == c.id]
            assert math.fsum(line.points for line in lines) == pytest.approx(earned, abs=slack)
            counted = [line for line in lines if line.counted and line.weight > 0]
            expected = result.criterion_points[c.id] if counted else 0.0
            assert math.fsum(line.max_points for line in lines) == pytest.approx(
                expected, abs=slack)


def _with_answer(responses: Mapping[str, Response], vendor: str,
                 answer: Answer) -> dict[str, Response]:
    changed = responses[vendor]
    replaced = attrs.evolve(changed, answers={**changed.answers, answer.question_id: answer})
    return {**responses, vendor: replaced}


@st.composite
def tender_and_ruled_question(draw: st.DrawFn) -> tuple[Tender, str, Question]:
    tender = draw(tenders())
    readable = sorted(v for v, r in tender.responses.items() if r.report.ok)
    questions = [q for _, q in tender.questionnaire.bank.questions()
                 if not isinstance(q.answer, Price | FreeText)]
    assume(readable and questions)
    return tender, draw(st.sampled_from(readable)), draw(st.sampled_from(questions))


def _criterion_points(result: Evaluation, vendor: str, question_id: str) -> float:
    cid = next(c.id for c, q in result.questionnaire.bank.questions() if q.id == question_id)
    return result.vendor(vendor).criteria[cid]


@PROPERTY
@given(tender_and_ruled_question(), st.data())
def test_a_better_answer_never_lowers_the_criterion_points(
        drawn: tuple[Tender, str, Question], data: st.DataObject) -> None:
    tender, vendor, q = drawn
    old = tender.responses[vendor].answers[q.id]
    worse, better = _better(q.answer, data.draw(values(q.answer)),
                            data.draw(values(q.answer)))
    earned = []
    for value in (worse, better):
        answer = attrs.evolve(old, state=AnswerState.ANSWERED, value=value)
        result = tender.run(responses=_with_answer(tender.responses, vendor, answer))
        earned.append(_criterion_points(result, vendor, q.id))
    assert earned[0] <= earned[1]


@PROPERTY
@given(tender_and_ruled_question(), st.data())
def test_not_applicable_never_beats_an_answer_where_it_is_not_allowed(
        drawn: tuple[Tender, str, Question], data: st.DataObject) -> None:
    tender, vendor, q = drawn
    bank = tender.questionnaire.bank
    strict = attrs.evolve(bank, criteria=tuple(
        attrs.evolve(c, questions=tuple(attrs.evolve(x, na_allowed=False) if x.id == q.id
                                        else x for x in c.questions))
        for c in bank.criteria))
    questionnaire = freeze(strict, CONSULTATION)
    worst = Answer(q.id, AnswerState.ANSWERED, data.draw(values(q.answer)),
                   evidence=EvidenceRef("offre.pdf"))
    not_applicable = Answer(q.id, AnswerState.NOT_APPLICABLE, None, NOT_RELEVANT)
    earned = [_criterion_points(tender.run(
        questionnaire=questionnaire, responses=_with_answer(tender.responses, vendor, a)),
        vendor, q.id) for a in (not_applicable, worst)]
    assert earned[0] <= earned[1]


def _renamed(tender: Tender, names: Mapping[str, str]) -> Tender:
    responses = {names[v]: r for v, r in reversed(tender.responses.items())}
    reviews = tuple(attrs.evolve(r, vendor=names[r.vendor]) for r in tender.reviews)
    return attrs.evolve(tender, responses=responses, reviews=reviews)


@PROPERTY
@given(tenders(), st.randoms(use_true_random=False))
def test_permuting_vendors_permutes_results(tender: Tender, rng: random.Random) -> None:
    old = list(tender.responses)
    new = old[:]
    rng.shuffle(new)
    names = dict(zip(old, new, strict=True))
    before, after = tender.run(), _renamed(tender, names).run()
    for vendor in old:
        moved = after.vendor(names[vendor])
        assert attrs.evolve(moved, vendor=vendor) == before.vendor(vendor)
        assert [attrs.evolve(line, vendor=vendor) for line in after.lines_for(names[vendor])
                ] == before.lines_for(vendor)


@PROPERTY
@given(tenders(), st.floats(1e-3, 1e3))
def test_scaling_every_criterion_weight_changes_nothing(tender: Tender, factor: float) -> None:
    bank = tender.questionnaire.bank
    # Subnormal weights (below about 1e-308) have no relative precision left to scale.
    assume(all(c.weight == 0 or c.weight > 1e-300 for c in bank.criteria))
    scaled = freeze(bank, CONSULTATION, {c.id: c.weight * factor for c in bank.criteria})
    before, after = tender.run(), tender.run(questionnaire=scaled)
    slack = 1e-9 * tender.settings.total_points
    assert after.criterion_points == pytest.approx(before.criterion_points, rel=1e-9,
                                                   abs=slack)
    for vendor in before.vendors:
        other = after.vendor(vendor.vendor)
        assert other.status == vendor.status
        assert other.total == pytest.approx(vendor.total, rel=1e-9, abs=slack)
        assert other.criteria == pytest.approx(vendor.criteria, rel=1e-9, abs=slack)


@PROPERTY
@given(tenders(min_vendors=2))
def test_another_offer_never_changes_a_vendor_s_technical_points(tender: Tender) -> None:
    leaving = list(tender.responses)[-1]
    fewer = attrs.evolve(
        tender, responses={v: r for v, r in tender.responses.items() if v != leaving},
        reviews=tuple(r for r in tender.reviews if r.vendor != leaving))
    with_all, without = tender.run(), fewer.run()
    price_ids = {c.id for c in tender.questionnaire.bank.criteria if c.is_price}
    for vendor in without.vendors:
        before = with_all.vendor(vendor.vendor)
        assert before.status == vendor.status
        assert before.knockouts == vendor.knockouts
        assert {c: p for c, p in before.criteria.items() if c not in price_ids} == {
            c: p for c, p in vendor.criteria.items() if c not in price_ids}
        assert with_all.lines_for(vendor.vendor) == without.lines_for(vendor.vendor)
    if with_all.price is not None:
        # The price points may depend on the other offers, and the result says so.
        assert with_all.price.depends_on_other_offers


def test_price_points_depend_on_the_other_offers() -> None:
    responses = {"B": offer("B", given_("K1", "yes"), 2, 20_000),
                 "C": offer("C", given_("K1", "yes"), 3, 25_000)}
    alone = evaluate(knockout_questionnaire(), responses, settings=points())
    cheaper = {**responses, "D": offer("D", given_("K1", "yes"), 0, 10_000)}
    joined = evaluate(knockout_questionnaire(), cheaper, settings=points())
    # C: 30 × 20 000/25 000 = 24 without D; 30 × 10 000/25 000 = 12 once D offers 10 000.
    assert alone.vendor("C").criteria["PRICE"] == pytest.approx(24)
    assert joined.vendor("C").criteria["PRICE"] == pytest.approx(12)
    assert joined.vendor("C").criteria["GOV"] == alone.vendor("C").criteria["GOV"]
    assert joined.price is not None
    assert joined.price.depends_on_other_offers


# -- criteria that do not apply: the published aggregation rules ---------------------------------
#
# GEN (20 %): G1 "does the product use AI?" (a qualifier, weight 0) and G2 (weight 1).
# AI (30 %), applies only if G1 = yes: A1 (weight 1) and A2 (weight 3).
# SEC (50 %): S1 (weight 1) and S2 (weight 1), S2 applies only if G1 = yes AND A1 = yes.

def gated_questionnaire(rule: str = "fixed") -> Questionnaire:
    gen = criterion("GEN", 20, question("G1", YesNo(), weight=0), question("G2", YesNo()))
    ai = attrs.evolve(criterion("AI", 30, question("A1", YesNo()),
                                question("A2", YesNo(), weight=3)),
                      applies_if=Condition("G1", ("yes",)))
    sec = criterion("SEC", 50, question("S1", YesNo()), question(
        "S2", YesNo(), applies_if=AllOf((Condition("G1", ("yes",)),
                                         Condition("A1", ("yes",))))))
    bank = Bank("test", "1", Text("Banque de test", "Test bank"), WHY, (gen, ai, sec))
    return freeze(bank, CONSULTATION, aggregation=rule,  # type: ignore[arg-type]
                  aggregation_announced=True)


GATED = {
    # AI applies; A1 yes, A2 no; S1 and S2 yes.
    "V1": {"G1": "yes", "G2": "yes", "A1": "yes", "A2": "no", "S1": "yes", "S2": "yes"},
    # No AI: the AI criterion and S2 do not apply; S1 no.
    "V2": {"G1": "no", "G2": "yes", "A1": "yes", "A2": "yes", "S1": "no", "S2": "yes"},
}


def gated_evaluation(rule: str) -> Evaluation:
    questionnaire = gated_questionnaire(rule)
    responses = {}
    for vendor, values in GATED.items():
        answers = {qid: given_(qid, value) for qid, value in values.items()}
        responses[vendor] = attrs.evolve(
            response(vendor, *answers.values()),
            answers=apply_conditions(questionnaire, answers))
    return evaluate(questionnaire, responses, settings=points())


def test_fixed_rule_keeps_the_published_share_of_a_criterion_that_does_not_apply() -> None:
    ev = gated_evaluation("fixed")
    # V1: GEN 20 × 1 = 20; AI 30 × (1×1 + 3×0)/4 = 7.5; SEC 50 × (1 + 1)/2 = 50 -> 77.5
    assert ev.vendor("V1").total == pytest.approx(77.5)
    # V2: GEN 20; AI does not apply -> 0; SEC: only S1 counts, answered no -> 0 -> 20
    assert dict(ev.vendor("V2").criteria) == pytest.approx({"GEN": 20, "AI": 0, "SEC": 0})
    # GEN applies to both (its qualifier G1 counts, though it weighs nothing).
    assert ev.vendor("V2").not_applicable == ("AI",)
    assert ev.vendor("V1").not_applicable == ()


def test_redistribute_spreads_the_share_over_the_criteria_that_apply() -> None:
    ev = gated_evaluation("redistribute")
    # V1: everything applies -> as fixed, 77.5
    assert ev.vendor("V1").total == pytest.approx(77.5)
    # V2: GEN and SEC apply (20 + 50 = 70 of 100): every point × 100/70;
    # GEN 20 × 100/70 = 28.571..., SEC 0, total 28.571...
    assert dict(ev.vendor("V2").criteria) == pytest.approx(
        {"GEN": 2000 / 70, "AI": 0, "SEC": 0})
    assert ev.vendor("V2").total == pytest.approx(2000 / 70)
    # The score lines carry the same scale: G2's maximum becomes 28.57 points.
    g2 = next(line for line in ev.lines_for("V2") if line.question_id == "G2")
    assert g2.max_points == pytest.approx(2000 / 70)


def test_flat_divides_points_earned_by_points_applicable() -> None:
    ev = gated_evaluation("flat")
    # Points per question as published: G1 0, G2 20, A1 7.5, A2 22.5, S1 25, S2 25.
    # V1: all apply: 20 + 7.5 + 0 + 25 + 25 = 77.5 of 100.
    assert ev.vendor("V1").total == pytest.approx(77.5)
    # V2: applicable G2 20 + S1 25 = 45; earned 20 -> 20/45 × 100 = 44.44...
    assert ev.vendor("V2").total == pytest.approx(2000 / 45)
    # SEC keeps only S1's points in V2's potential, not a renormalised S1.
    s1 = next(line for line in ev.lines_for("V2") if line.question_id == "S1")
    assert s1.max_points == pytest.approx(25 * 100 / 45)


def test_a_rule_other_than_fixed_must_be_announced_for_an_award() -> None:
    bank = gated_questionnaire().bank
    with pytest.raises(AIProcurementError, match="CCP R2152-11, R2152-12"):
        freeze(bank, CONSULTATION, aggregation="flat")
    internal = attrs.evolve(bank, audience="internal")
    assert freeze(internal, CONSULTATION, aggregation="flat").aggregation == "flat"
    # The rule is part of the fingerprint: announcing another rule is another questionnaire.
    assert (gated_questionnaire("flat").fingerprint
            != gated_questionnaire("redistribute").fingerprint)


def test_aggregation_sentence_is_bilingual() -> None:
    sentence = aggregation_sentence(gated_questionnaire("redistribute"))
    assert sentence.en.startswith("Aggregation rule 'redistribute': The share of a criterion")
    assert "au prorata de leurs pondérations publiées" in sentence.fr


def test_sub_criteria_weigh_inside_their_criterion() -> None:
    subs = (SubCriterion("H", Text("Hébergement", "Hosting"), 3.0),
            SubCriterion("S", Text("Support", "Support"), 1.0))
    crit = attrs.evolve(criterion("C", 1, question("a1", YesNo(), sub_criterion="H"),
                                  question("a2", YesNo(), sub_criterion="H"),
                                  question("b1", YesNo(), weight=2, sub_criterion="S")),
                        sub_criteria=subs)
    questionnaire = make_questionnaire(crit)
    ev = evaluate(questionnaire, {"V": response("V", given_("a1", "yes"), given_("a2", "no"),
                                                given_("b1", "yes"))}, settings=points())
    # H: 3/4 of the criterion × (1 yes of 2 equal questions) = 0.375; S: 1/4 × 1 = 0.25
    # -> 62.5 of 100; subtotals H 37.5, S 25.
    assert ev.vendor("V").total == pytest.approx(62.5)
    assert dict(ev.vendor("V").sub_criteria) == pytest.approx({"H": 37.5, "S": 25.0})


def test_information_only_question_is_neither_scored_nor_reviewed() -> None:
    info = Question("INFO", Text("Décrivez", "Describe"), None, FreeText(), weight=0)
    questionnaire = make_questionnaire(criterion("C", 1, question("Q", YesNo()), info))
    ev = evaluate(questionnaire, {"V": response("V", given_("Q", "yes"),
                                                given_("INFO", "A data centre."))},
                  settings=points())
    assert ev.pending_reviews == ()
    assert ev.vendor("V").total == pytest.approx(100)
    line = next(line for line in ev.lines_for("V") if line.question_id == "INFO")
    assert (line.counted, line.points, line.rule.en) == (False, 0.0,
                                                         "Information only, not scored")


@st.composite
def _offers(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, Response]]:
    """Yes/no and choice criteria with random weights, answered in full by 2-4 vendors."""
    n_criteria = draw(st.integers(1, 4))
    criteria = []
    for ci in range(n_criteria):
        qs = [question(f"Q{ci}-{qi}", YesNo(draw(st.sampled_from([1.0, 2.0])), 0.0),
                       weight=draw(st.sampled_from([0.5, 1.0, 3.0])))
              for qi in range(draw(st.integers(1, 3)))]
        criteria.append(criterion(f"C{ci}", draw(st.sampled_from([1, 5, 20, 35])), *qs))
    bank = Bank("test", "1", Text("Banque", "Bank"), WHY, tuple(criteria))
    responses = {}
    for vendor in ("A", "B", "C", "D")[:draw(st.integers(2, 4))]:
        responses[vendor] = response(vendor, *(
            given_(q.id, draw(st.sampled_from(["yes", "no"])))
            for c in criteria for q in c.questions))
    return freeze(bank, CONSULTATION), responses


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(_offers())
def test_every_rule_ranks_as_fixed_when_everything_applies(
        case: tuple[Questionnaire, dict[str, Response]]) -> None:
    questionnaire, responses = case
    results = {}
    for rule in ("fixed", "redistribute", "flat"):
        frozen = freeze(attrs.evolve(questionnaire.bank, aggregation=rule), CONSULTATION,
                        aggregation_announced=True)
        ev = evaluate(frozen, responses, settings=points())
        assert all(v.total <= 100 + 1e-9 for v in ev.vendors)
        results[rule] = {v.vendor: (v.rank, round(v.total, 9)) for v in ev.vendors}
    assert results["redistribute"] == results["fixed"]
    assert results["flat"] == results["fixed"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["yes", "no"]), min_size=6, max_size=6),
       st.sampled_from(["fixed", "redistribute", "flat"]))
def test_totals_stay_within_the_published_maximum(values: list[str], rule: str) -> None:
    questionnaire = gated_questionnaire(rule)
    ids = ["G1", "G2", "A1", "A2", "S1", "S2"]
    answers = {qid: given_(qid, value) for qid, value in zip(ids, values, strict=True)}
    ev = evaluate(questionnaire, {"V": attrs.evolve(
        response("V", *answers.values()), answers=apply_conditions(questionnaire, answers))},
        settings=points())
    result = ev.vendor("V")
    assert 0 <= result.total <= 100 + 1e-9
    assert result.total == pytest.approx(math.fsum(result.criteria.values()))


# -- DQE and budget (L2152-3) ---------------------------------------------------------------------

def _dqe_case() -> tuple[Questionnaire, dict[str, Response]]:
    dqe = Price((), 4, dqe=(DqeItem("D1", Text("Paramétrage", "Set-up"),
                                    Text("forfait", "lump sum"), 1),
                            DqeItem("D2", Text("Journée", "Day"), Text("jour", "day"), 20)))
    quality = question("Q1", YesNo())
    questionnaire = make_questionnaire(criterion("TECH", 60, quality),
                                       criterion("PRICE", 40, question("P1", dqe)))
    # A: 1 × 10 000 + 20 × 500 = 20 000, exactly the budget: acceptable.
    # B: 1 × 10 000 + 20 × 500.0005 = 20 000.01, one cent over: unacceptable.
    # C: 1 × 8 000 + 20 × 400 = 16 000.
    responses = {v: response(v, given_("Q1", "yes"), given_("P1", {"D1": d1, "D2": d2}))
                 for v, d1, d2 in (("A", 10_000.0, 500.0), ("B", 10_000.0, 500.0005),
                                   ("C", 8_000.0, 400.0))}
    return questionnaire, responses


def test_an_offer_one_cent_over_the_budget_is_unacceptable_and_not_ranked() -> None:
    questionnaire, responses = _dqe_case()
    evaluation = evaluate(questionnaire, responses, settings=points(),
                          budget=Budget(Decimal("20000"), "4 ans, HT"))
    b = evaluation.vendor("B")
    assert b.cost is not None
    assert b.cost.exact == Decimal("20000.01")
    assert (b.status, b.rank, "over-budget" in b.flags) == ("unacceptable", None, True)
    assert evaluation.vendor("A").status == "ranked"
    assert [r.vendor for r in evaluation.ranking] == ["C", "A"]
    # B is out before the price is scored: Pmax is A's price, not B's.
    assert evaluation.price is not None
    assert set(evaluation.price.prices) == {"A", "C"}
    assert evaluation.budget is not None
    assert "L2152-3" in evaluation.budget.explanations["B"].fr


def test_with_negotiation_an_offer_over_the_budget_stays_ranked_and_flagged() -> None:
    questionnaire, responses = _dqe_case()
    evaluation = evaluate(questionnaire, responses, settings=points(),
                          budget=Budget(Decimal("20000"), "HT"), negotiation=True)
    b = evaluation.vendor("B")
    assert (b.status, "over-budget" in b.flags) == ("ranked", True)
    assert b.rank is not None
    assert evaluation.budget is not None
    assert "R2152-1" in evaluation.budget.explanations["B"].en


def test_without_a_budget_nothing_is_said() -> None:
    questionnaire, responses = _dqe_case()
    evaluation = evaluate(questionnaire, responses, settings=points())
    assert evaluation.budget is None
    assert all("over-budget" not in r.flags for r in evaluation.vendors)
    assert [r.status for r in evaluation.vendors] == ["ranked"] * 3
