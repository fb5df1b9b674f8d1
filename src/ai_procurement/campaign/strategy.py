"""Before buying, in the campaign folder: impact level, panel weights, rules check.

Everything decided before the questionnaire is published is kept in the campaign's
``strategy/`` folder, beside (never inside) the buyer's ``campaign.yaml``::

    strategy/impact.json           the impact level, the workbook it came from (SHA-256),
                                   the screening verdict when read together, and the
                                   vendor requirements the level switches on
    strategy/panel-outbox/         one weighting workbook per participant, to send
    strategy/panel-responses/      the filled workbooks, as received (never modified)
    strategy/panel.json            the aggregated weights, per participant and per group
    strategy/adopted-weights.json  the weights finally adopted and why

Each file written is also recorded in the audit trail. The level only changes the
questionnaire once the buyer copies it into ``campaign.yaml`` (``impact: {level: 3}``),
so nothing published changes behind the buyer's back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ai_procurement.campaign.folder import Campaign, load_campaign, sha256_of
from ai_procurement.decision.impact import ImpactAssessment
from ai_procurement.errors import BankError, CampaignError

__all__ = ["IMPACT_FILE", "STRATEGY_FOLDER", "impact_config_line", "record_impact"]

STRATEGY_FOLDER = "strategy"
IMPACT_FILE = "impact.json"


def _write_json(path: Path, data: Mapping[str, Any], *, force: bool) -> Path:
    from ai_procurement._office.files import write_atomic

    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_atomic(path, text.encode("utf-8"), overwrite=force)
    return path


def record_impact(folder: str | os.PathLike[str], assessment: ImpactAssessment,
                  source: str | os.PathLike[str], *,
                  screening: Mapping[str, Any] | None = None,
                  force: bool = False) -> Path:
    """Record an impact level in ``strategy/impact.json`` of a campaign folder.

    The record names the assessment workbook and its SHA-256, the level and the answers
    that drove it, the screening verdict when given, and the vendor requirements the
    level would switch on in the campaign's bank. ``campaign.yaml`` is not touched: the
    buyer adds ``impact: {level: N, sha256: ...}`` there to apply the level.

    Args:
        folder: the campaign folder.
        assessment: the impact assessment (:func:`ai_procurement.decision.impact.assess_impact`).
        source: the filled impact workbook it was read from.
        screening: the go/no-go of the screening grid read with it, if any
            (``{"go": bool, "red_lines": [...], "source": ..., "sha256": ...}``).
        force: replace an earlier record.

    Returns:
        The path written.

    Raises:
        CampaignError: the folder holds no valid campaign.
        OutputExistsError: a record exists and ``force`` is false.
    """
    from ai_procurement.bank.model import Bank
    from ai_procurement.bank.requirements import apply_impact_level

    campaign = load_campaign(folder)
    base = _untailored_bank(campaign)
    assert isinstance(base, Bank)
    _, applied = apply_impact_level(base, assessment.level)
    path = Path(source)
    record: dict[str, Any] = {
        "level": assessment.level,
        "level_roman": assessment.roman,
        "source": path.name,
        "sha256": sha256_of(path),
        "summary": {"fr": assessment.summary().fr, "en": assessment.summary().en},
        "raw_score": assessment.raw_score,
        "score": assessment.score,
        "risk_max": assessment.risk_max,
        "share": assessment.share,
        "mitigation_score": assessment.mitigation_score,
        "mitigation_max": assessment.mitigation_max,
        "mitigation_applied": assessment.mitigation_applied,
        "drivers": [{"question": d.question_id, "points": d.points, "maximum": d.maximum,
                     "chosen": [c.fr for c in d.chosen], "assumed": d.assumed}
                    for d in assessment.drivers],
        "open_questions": list(assessment.open_questions),
        "rule": dict(assessment.rule),
        "requirements": [{"question": a.question, "from_level": a.from_level,
                          "knockout": a.knockout, "evidence_required": a.evidence,
                          "applied": a.applied, "why": {"fr": a.why.fr, "en": a.why.en}}
                         for a in applied],
        "bank": f"{base.id} {base.version}",
    }
    if screening is not None:
        record["screening"] = dict(screening)
    target = _write_json(campaign.folder(STRATEGY_FOLDER) / IMPACT_FILE, record, force=force)
    campaign.audit.append("impact", level=assessment.level, source=path.name,
                          sha256=record["sha256"], output=str(target.relative_to(campaign.root)),
                          output_sha256=sha256_of(target))
    return target


def _untailored_bank(campaign: Campaign) -> object:
    """The campaign's bank before any impact level (the record lists the switches)."""
    import attrs

    if campaign.config.impact is None:
        return campaign.bank()
    plain = attrs.evolve(campaign.config, impact=None)
    try:
        return Campaign(campaign.root, plain).bank()
    except BankError as exc:  # load_campaign loaded it once already: rare
        raise CampaignError(str(exc)) from None


def impact_config_line(target: Path) -> str:
    """The ``impact:`` line to copy into ``campaign.yaml`` for a recorded level."""
    data = json.loads(target.read_text("utf-8"))
    return (f"impact: {{level: {data['level']}, source: \"{data['source']}\", "
            f"sha256: \"{data['sha256']}\"}}")
