"""Robustness findings on whole evaluations: the sentences a committee reads."""

from __future__ import annotations

from tests.decision.test_scoring import (
    criterion,
    given_,
    make_questionnaire,
    points,
    question,
    response,
)

from ai_procurement.answers import Response
from ai_procurement.bank.model import YesNo
from ai_procurement.decision.robustness import assess_robustness
from ai_procurement.decision.scoring import evaluate
from ai_procurement.questionnaire import Questionnaire


def _mirror_offers() -> tuple[Questionnaire, dict[str, Response]]:
    questionnaire = make_questionnaire(criterion("TECH", 50, question("Q1", YesNo())),
                                       criterion("ENV", 50, question("Q2", YesNo())))
    responses = {"Alpha": response("Alpha", given_("Q1", "yes"), given_("Q2", "no")),
                 "Bêta": response("Bêta", given_("Q1", "no"), given_("Q2", "yes"))}
    return questionnaire, responses


def test_a_tie_for_first_place_is_stated_as_a_tie() -> None:
    questionnaire, responses = _mirror_offers()
    evaluation = evaluate(questionnaire, responses, settings=points())
    assert [v.rank for v in evaluation.ranking] == [1, 1]
    result = assess_robustness(evaluation, samples=2_000)
    assert result.tipping is not None
    assert len(result.tipping.tied) == 2
    fr, en = result.sentences("fr"), result.sentences("en")
    assert "Alpha et Bêta sont à égalité à la première place" in " ".join(fr)
    assert "Alpha and Bêta are tied for first place" in " ".join(en)
    # Never a change of weight "from 50.0 % to 50.0 %".
    assert not any("de 50,0\u00a0% à 50,0\u00a0%" in s for s in fr)


def test_a_clear_winner_names_the_smallest_weight_change_that_tips_it() -> None:
    questionnaire = make_questionnaire(criterion("TECH", 60, question("Q1", YesNo())),
                                       criterion("ENV", 40, question("Q2", YesNo())))
    responses = {"Alpha": response("Alpha", given_("Q1", "yes"), given_("Q2", "no")),
                 "Bêta": response("Bêta", given_("Q1", "no"), given_("Q2", "yes"))}
    evaluation = evaluate(questionnaire, responses, settings=points())
    result = assess_robustness(evaluation, samples=2_000)
    assert result.tipping is not None
    assert result.tipping.tied == (0,)
    # Alpha 60 vs Bêta 40: lowering TECH from 60 % to 50 % makes them equal.
    sentence = next(s for s in result.sentences("en") if "smallest change" in s)
    assert "Bêta ahead of Alpha" in sentence
    assert "from 60.0% to 50.0%" in sentence
