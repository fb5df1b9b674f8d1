"""The memo's charts: the best-ranked offers when there are many, the same bytes each time."""

from __future__ import annotations

from tests.deliverable_fixtures import (
    make_evaluation,
    territorial_evaluation,
    territorial_questionnaire,
)

from ai_procurement.deliverables.charts import charts
from ai_procurement.deliverables.view import EvaluationView


def test_past_40_offers_the_charts_show_the_best_ranked_and_say_so() -> None:
    evaluation = make_evaluation(territorial_questionnaire(),
                                 {f"Offre {i:02d}": 0.3 + 0.01 * i for i in range(45)})
    drawn = charts(EvaluationView(evaluation, "fr"))
    assert len(drawn) == 2
    assert all(caption.endswith("Les 40 offres les mieux classées sur 45.")
               for _, caption in drawn)
    english = charts(EvaluationView(evaluation, "en"))
    assert all(caption.endswith("The 40 best-ranked offers out of 45.")
               for _, caption in english)


def test_charts_of_the_same_figures_are_the_same_bytes_and_name_no_cut() -> None:
    first = charts(EvaluationView(territorial_evaluation(), "fr"))
    again = charts(EvaluationView(territorial_evaluation(), "fr"))
    assert first == again
    assert first[0][0].startswith(b"\x89PNG")
    assert not any("mieux classées sur" in caption for _, caption in first)
