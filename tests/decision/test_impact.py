"""Impact levels as Canada's Algorithmic Impact Assessment computes them.

AIA (canada.ca, "Algorithmic Impact Assessment tool", section "Scoring"): levels at 25,
50 and 75 % of the maximum raw impact score; a mitigation score of 80 % or more of its
maximum lowers the raw impact score by 15 %.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ai_procurement.bank.files import load_bank
from ai_procurement.bank.model import Bank, Criterion, Option, Question, SingleChoice, YesNo
from ai_procurement.decision.impact import assess_impact
from ai_procurement.errors import ScoringError
from ai_procurement.text import Text

T = Text("x", "x")


def _bank() -> Bank:
    """One risk question worth 0 to 100 points; mitigation worth 4 + 1 points."""
    options = tuple(Option(f"p{p}", Text(f"{p} points", f"{p} points"), float(p))
                    for p in (0, 25, 26, 29, 30, 50, 51, 75, 76, 100))
    risk = Criterion("R", T, T, 1.0, (Question("R-1", T, T, SingleChoice(options)),),
                     tags=("impact-risk",))
    mitigation = Criterion("M", T, T, 1.0, (
        Question("M-1", T, T, YesNo(yes_points=4.0)),
        Question("M-2", T, T, YesNo(yes_points=1.0)),
    ), tags=("impact-mitigation",))
    return Bank("impact-test", "1", T, T, (risk, mitigation), audience="internal")


@pytest.mark.parametrize(("points", "level"), [
    (0, 1), (25, 1),    # level I: up to 25 % of the maximum (100)
    (26, 2), (50, 2),   # level II: up to 50 %
    (51, 3), (75, 3),   # level III: up to 75 %
    (76, 4), (100, 4),  # level IV: above
])
def test_levels_at_25_50_75_percent_of_the_maximum(points: int, level: int) -> None:
    result = assess_impact(_bank(), {"R-1": f"p{points}", "M-1": "no", "M-2": "no"})
    assert result.risk_max == 100
    assert result.raw_score == result.score == points
    assert result.level == level
    assert not result.mitigation_applied


def test_mitigation_at_80_percent_lowers_the_raw_score_by_15_percent() -> None:
    # Mitigation 4 of 5 = 80 %: 30 x 0.85 = 25.5 -> level II; 29 x 0.85 = 24.65 -> level I.
    high = assess_impact(_bank(), {"R-1": "p30", "M-1": "yes", "M-2": "no"})
    assert high.mitigation_applied
    assert high.score == pytest.approx(25.5)
    assert high.level == 2
    lower = assess_impact(_bank(), {"R-1": "p29", "M-1": "yes", "M-2": "no"})
    assert lower.score == pytest.approx(24.65)
    assert lower.level == 1
    # Mitigation 1 of 5 = 20 %: no deduction.
    weak = assess_impact(_bank(), {"R-1": "p29", "M-1": "no", "M-2": "yes"})
    assert not weak.mitigation_applied
    assert weak.score == 29
    assert "below the 80%" in weak.summary().en


def test_an_unanswered_risk_question_counts_at_its_maximum() -> None:
    result = assess_impact(_bank(), {"M-1": "yes", "M-2": "yes"})
    assert result.raw_score == 100
    assert result.open_questions == ("R-1",)
    assert result.drivers[0].assumed
    assert "counted at its maximum" in "\n".join(result.lines("en"))


def test_the_bundled_bank_gives_a_level_with_the_answers_that_drove_it() -> None:
    bank = load_bank("ai-impact")
    answers = {"IMP-01": "public", "IMP-02": "under_100k", "IMP-03": "yes",
               "IMP-04": ("money", "access"), "IMP-05": "yes", "IMP-06": "serious",
               "IMP-07": "with_effort", "IMP-08": "recommends", "IMP-09": "no",
               "IMP-10": "social", "IMP-M1": "yes", "IMP-M2": "yes", "IMP-M3": "yes",
               "IMP-M4": "no", "IMP-M5": "no"}
    result = assess_impact(bank, answers)
    # Risk 3 + 2 + 3 + 4 + 3 + 3 + 2 + 2 + 0 + 2 = 24 of 37 = 64.9 % -> level III;
    # mitigation 6 of 10 < 80 %: no deduction.
    assert (result.raw_score, result.risk_max) == (24, 37)
    assert result.level == 3
    assert result.roman == "III"
    assert [d.question_id for d in result.drivers][:1] == ["IMP-04"]  # 4 points, first
    assert result.summary().fr.startswith("Niveau d'impact III (élevé) : score 24 sur 37")
    assert result.rule["mitigation_deduction"] == 0.15


def test_an_unknown_option_is_refused() -> None:
    with pytest.raises(ScoringError, match="R-1: answer"):
        assess_impact(_bank(), {"R-1": "p13"})
    with pytest.raises(ScoringError, match="not in bank"):
        assess_impact(_bank(), {"Z-9": "yes"})


# -- properties ------------------------------------------------------------------------------


_BUNDLED = load_bank("ai-impact")


def _option_ids(question_id: str) -> list[str]:
    spec = _BUNDLED.question(question_id).answer
    return ["yes", "no"] if isinstance(spec, YesNo) else [o.id for o in spec.options]  # type: ignore[union-attr]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_riskier_answer_never_lowers_the_level(data: st.DataObject) -> None:
    answers: dict[str, str | tuple[str, ...]] = {}
    for _, q in _BUNDLED.questions():
        if q.id == "IMP-04":
            answers[q.id] = tuple(data.draw(st.sets(st.sampled_from(
                ["rights", "health", "money", "access"]), min_size=1)))
        else:
            answers[q.id] = data.draw(st.sampled_from(_option_ids(q.id)))
    base = assess_impact(_BUNDLED, answers)
    assert 1 <= base.level <= 4
    assert 0 <= base.share <= 1
    # Answer one risk question with its riskiest option: the level cannot go down.
    question = data.draw(st.sampled_from(["IMP-01", "IMP-02", "IMP-06", "IMP-07", "IMP-08",
                                          "IMP-10"]))
    spec = _BUNDLED.question(question).answer
    worst = max(spec.options, key=lambda o: o.points).id  # type: ignore[union-attr]
    riskier = assess_impact(_BUNDLED, {**answers, question: worst})
    assert riskier.level >= base.level
    assert riskier.raw_score >= base.raw_score
