"""Same results to the last digit: the demo and a 300-offer evaluation against a record.

``tests/expected_results.json`` holds, for the demo campaign's two lots and for 300
generated offers on ``ai-territorial``, every offer's total (exact decimal string), rank
and status, and a SHA-256 of each part of the evaluation and of its robustness checks
(see :mod:`tests.results_digest`). A change meant to be faster must leave it as it is.
A change meant to move a figure rewrites it, on purpose, with
``AI_PROCUREMENT_RECORD_RESULTS=1 pytest tests/test_results_unchanged.py``, and says
why in its commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.campaign_fixtures import copy_campaign
from tests.deliverable_fixtures import make_evaluation, territorial_questionnaire
from tests.results_digest import sections

from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.workflow import score_campaign
from ai_procurement.decision.robustness import assess_robustness

EXPECTED = Path(__file__).with_name("expected_results.json")
OFFERS = 300


def _recorded(case: str, digest: dict[str, Any]) -> None:
    """Compare ``digest`` with the record (or record it when asked to)."""
    record = json.loads(EXPECTED.read_text("utf-8")) if EXPECTED.exists() else {}
    if os.environ.get("AI_PROCUREMENT_RECORD_RESULTS") == "1":
        record[case] = digest
        EXPECTED.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True)
                            + "\n", "utf-8")
        return
    assert case in record, f"no record for {case}: see this module's docstring"
    expected = record[case]
    moved = sorted(key for key in expected.keys() | digest.keys()
                   if expected.get(key) != digest.get(key))
    assert not moved, f"{case}: these parts of the results changed: {moved}"


def offers(count: int) -> dict[str, float]:
    """``count`` offers of spread qualities (the same on every run)."""
    return {f"Offre {i:03d}": 0.25 + 0.7 * ((i * 37) % 101) / 100 for i in range(count)}


def test_a_300_offer_evaluation_is_unchanged() -> None:
    qualities = offers(OFFERS)
    names = list(qualities)
    evaluation = make_evaluation(territorial_questionnaire(), qualities, seed=11,
                                 knocked_out=names[5::60], rejected=("Offre rejetée",))
    robustness = assess_robustness(evaluation, samples=2_000, seed=2026)
    assert len(evaluation.ranking) > 250
    _recorded(f"territorial-{OFFERS}-offers", sections(evaluation, robustness))


def test_the_demo_campaign_scores_are_unchanged(demo_campaign: Path, tmp_path: Path) -> None:
    campaign = load_campaign(copy_campaign(demo_campaign, tmp_path / "demo"))
    for lot in campaign.lots():
        run = score_campaign(campaign, lot.id)
        _recorded(f"demo-lot-{lot.id}", sections(run.evaluation, run.robustness))
