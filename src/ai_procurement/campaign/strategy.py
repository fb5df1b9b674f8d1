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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ai_procurement.campaign.folder import Campaign, load_campaign, sha256_of
from ai_procurement.decision.impact import ImpactAssessment
from ai_procurement.decision.panel import (
    AdoptedWeights,
    Aggregation,
    PanelResult,
    weights_origin,
)
from ai_procurement.decision.rules_check import RulesCheck
from ai_procurement.decision.strategy import SAATY_RANDOM_INDEX
from ai_procurement.errors import BankError, CampaignError, os_reason
from ai_procurement.text import Text, msg, nmsg
from ai_procurement.workbooks.panel import PanelMode, PanelReading

__all__ = [
    "IMPACT_FILE",
    "STRATEGY_FOLDER",
    "OfferEstimate",
    "PanelRun",
    "RulesFile",
    "adopt_weights",
    "impact_config_line",
    "load_rules_file",
    "panel_criteria",
    "read_panel_workbooks",
    "record_impact",
    "rules_check_for",
    "weights_config_lines",
    "write_panel_workbooks",
]

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
    if campaign.config.impact is None:
        return campaign.bank()
    plain = attrs.evolve(campaign.config, impact=None)
    try:
        return Campaign(campaign.root, plain).bank()
    except BankError as exc:  # load_campaign loaded it once already: rare
        raise CampaignError(exc.text) from None


def impact_config_line(target: Path) -> str:
    """The ``impact:`` line to copy into ``campaign.yaml`` for a recorded level."""
    data = json.loads(target.read_text("utf-8"))
    return (f"impact: {{level: {data['level']}, source: \"{data['source']}\", "
            f"sha256: \"{data['sha256']}\"}}")


# -- panel ---------------------------------------------------------------------------------

PANEL_OUTBOX = "panel-outbox"
PANEL_RESPONSES = "panel-responses"
PANEL_FILE = "panel.json"
ADOPTED_FILE = "adopted-weights.json"


def panel_criteria(campaign: Campaign) -> dict[str, Text]:
    """The criteria a panel weighs: those of the campaign's bank with a default weight > 0.

    Criteria weighted 0 by the bank (red lines: knock-outs only) are not weighed.
    """
    from ai_procurement.bank.model import Bank

    bank = campaign.bank()
    assert isinstance(bank, Bank)
    return {c.id: c.title for c in bank.criteria if c.weight > 0}


def write_panel_workbooks(folder: str | os.PathLike[str],
                          participants: Sequence[tuple[str, str]], *,
                          mode: PanelMode = "pairwise", force: bool = False) -> list[Path]:
    """Write one signed weighting workbook per participant in ``strategy/panel-outbox/``.

    Args:
        folder: the campaign folder (its key signs the workbooks).
        participants: (name, group) of each participant.
        mode: ``"pairwise"`` or ``"points"``, chosen by the buyer.
        force: replace earlier workbooks.

    Returns:
        The paths written.

    Raises:
        CampaignError: no participant, or two participants whose file names collide.
    """
    from ai_procurement.campaign.workflow import slug
    from ai_procurement.workbooks.panel import write_panel

    campaign = load_campaign(folder)
    if not participants:
        raise CampaignError(msg("name at least one participant (name and group)"))
    names = [slug(name) for name, _ in participants]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise CampaignError(msg("participants whose names give the same file name: {clashes}; "
                                "make the names distinct", clashes=clashes))
    criteria = panel_criteria(campaign)
    if mode == "pairwise" and len(criteria) > max(SAATY_RANDOM_INDEX):
        raise CampaignError(msg(
                "{len_criteria} criteria make {len_criteria_len_criteria_1_2} comparisons per "
                "participant, beyond the {max_SAATY_RANDOM_INDEX} criteria Saaty's consistency "
                "table covers: use --mode points, or weigh fewer criteria (a tailoring of the "
                "bank)", len_criteria=len(criteria),
                len_criteria_len_criteria_1_2=len(criteria) * (len(criteria) - 1) // 2,
                max_SAATY_RANDOM_INDEX=max(SAATY_RANDOM_INDEX)))
    outbox = campaign.folder(STRATEGY_FOLDER) / PANEL_OUTBOX
    written = []
    key = campaign.key()
    for (name, group), file_name in zip(participants, names, strict=True):
        written.append(write_panel(outbox / f"{file_name}.xlsx", criteria=criteria,
                                   participant=name, group=group, mode=mode, key=key,
                                   lang=campaign.config.language,
                                   title=campaign.config.consultation.title, overwrite=force))
    campaign.audit.append("panel-write", mode=mode, participants=[n for n, _ in participants],
                          outputs=[p.name for p in written])
    return written


@attrs.frozen
class PanelRun:
    """The panel workbooks read and, when every usable one agrees, the aggregation."""

    readings: tuple[PanelReading, ...]
    result: PanelResult | None
    record: Path | None


def read_panel_workbooks(folder: str | os.PathLike[str], *,
                         aggregation: Aggregation | None = None,
                         force: bool = False) -> PanelRun:
    """Read every filled workbook of ``strategy/panel-responses/`` and aggregate them.

    Files with errors are left out (their reports say why). The aggregation is written
    to ``strategy/panel.json``: aggregated weights, each participant's weights and
    consistency ratio, the spread per criterion, the weights per group, the groups most
    apart and the files read with their SHA-256.

    Raises:
        CampaignError: no usable workbook.
        StrategyError: the judgments cannot be aggregated (mixed modes...).
        OutputExistsError: ``panel.json`` exists and ``force`` is false.
    """
    from ai_procurement.decision.panel import aggregate_panel
    from ai_procurement.workbooks.panel import read_panel

    campaign = load_campaign(folder)
    criteria = panel_criteria(campaign)
    responses = campaign.root / STRATEGY_FOLDER / PANEL_RESPONSES
    files = sorted(p for p in responses.glob("*.xlsx") if not p.name.startswith((".", "~$"))) \
        if responses.is_dir() else []
    key = campaign.key()
    readings = tuple(read_panel(p, criteria=criteria, key=key) for p in files)
    usable = [j for r in readings if (j := r.judgments()) is not None]
    names = [j.name for j in usable]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CampaignError(nmsg("several files from the same participant: {duplicates}; keep "
                                 "one per participant in {responses}", "several files from each "
                                 "of these participants: {duplicates}; keep one per "
                                 "participant in {responses}", len(duplicates),
                                 duplicates=", ".join(duplicates), responses=responses))
    if not usable:
        campaign.audit.append("panel-read", files=[r.file for r in readings], usable=0)
        return PanelRun(readings, None, None)
    result = aggregate_panel(list(criteria), usable, aggregation=aggregation)
    record = {
        "aggregation": result.aggregation,
        "weights": result.weights,
        "weighting": {"method": result.weighting.method,
                      "parameters": _jsonable(result.weighting.parameters)},
        "individual": {n: dict(w) for n, w in result.individual.items()},
        "groups": dict(result.groups),
        "consistency_ratio": dict(result.consistency),
        "consistency_threshold": result.threshold,
        "by_group": {g: dict(w) for g, w in result.by_group.items()},
        "spread": [attrs.asdict(s) for s in result.spread],
        "disagreements": [attrs.asdict(d) for d in result.disagreements],
        "files": [{"file": r.file, "sha256": r.report.sha256, "ok": r.report.ok}
                  for r in readings],
        "origin": {"fr": weights_origin(result).fr, "en": weights_origin(result).en},
    }
    target = _write_json(campaign.root / STRATEGY_FOLDER / PANEL_FILE, record, force=force)
    campaign.audit.append("panel-read", files=[r.file for r in readings], usable=len(usable),
                          output=PANEL_FILE, output_sha256=sha256_of(target))
    return PanelRun(readings, result, target)


def _jsonable(value: object) -> Any:
    return json.loads(json.dumps(value, default=str))


def adopt_weights(folder: str | os.PathLike[str], adopted: AdoptedWeights, *,
                  force: bool = False) -> Path:
    """Record the weights finally adopted, and why, in ``strategy/adopted-weights.json``.

    The record keeps the panel's weights beside them (when ``panel.json`` exists) and the
    sentences the memo can use (:func:`~ai_procurement.decision.panel.weights_origin`).
    ``campaign.yaml`` is not touched: the buyer copies the weights into its ``weights:``.

    Raises:
        CampaignError: the weights do not name exactly the panel's criteria, are not
            finite numbers >= 0 (not all 0), or the rationale is blank.
        OutputExistsError: a record exists and ``force`` is false.
    """
    campaign = load_campaign(folder)
    criteria = panel_criteria(campaign)
    wrong = sorted(set(adopted.weights) ^ set(criteria))
    if wrong:
        raise CampaignError(msg("the adopted weights must name each weighed criterion once "
                                "({join_criteria}); check {wrong}",
                                join_criteria=', '.join(criteria), wrong=wrong))
    values = list(adopted.weights.values())
    if any(not (isinstance(v, int | float) and v >= 0 and v < float("inf")) for v in values) \
            or not any(values):
        raise CampaignError(msg("adopted weights must be finite numbers >= 0, not all 0; got "
                                "{dict_adopted_weights}",
                                dict_adopted_weights=dict(adopted.weights)))
    if not adopted.rationale.strip():
        raise CampaignError(msg("say why these weights are adopted (the rationale is recorded)"))
    panel_path = campaign.root / STRATEGY_FOLDER / PANEL_FILE
    panel = json.loads(panel_path.read_text("utf-8")) if panel_path.is_file() else None
    record: dict[str, Any] = {"weights": dict(adopted.weights), "rationale": adopted.rationale,
                              "decided_by": adopted.decided_by,
                              "panel_weights": panel["weights"] if panel else None,
                              "panel_sha256": sha256_of(panel_path) if panel else None}
    target = _write_json(campaign.root / STRATEGY_FOLDER / ADOPTED_FILE, record, force=force)
    campaign.audit.append("weights-adopted", weights=dict(adopted.weights),
                          rationale=adopted.rationale, output=ADOPTED_FILE,
                          output_sha256=sha256_of(target))
    return target


def weights_config_lines(folder: str | os.PathLike[str], weights: Mapping[str, float]
                         ) -> list[str]:
    """The ``weights:`` block to copy into ``campaign.yaml`` (criteria not weighed: 0)."""
    from ai_procurement.bank.model import Bank

    bank = load_campaign(folder).bank()
    assert isinstance(bank, Bank)
    return ["weights:"] + [f"  {c.id}: {weights.get(c.id, 0):g}" for c in bank.criteria]


# -- rules check -----------------------------------------------------------------------------

RULES_FILE_FORMAT = 1


@attrs.frozen
class OfferEstimate:
    """One typical offer in a rules-check file.

    ``quality`` applies to every non-price criterion; ``scores`` overrides it per
    criterion (shares from 0 to 1).
    """

    name: str
    price: float
    quality: float = 0.0
    scores: Mapping[str, float] = attrs.field(factory=dict)


@attrs.frozen
class RulesFile:
    """A rules-check file: typical offers and, optionally, weights and parameters."""

    offers: tuple[OfferEstimate, ...]
    weights: Mapping[str, float] | None = None
    price_criterion: str | None = None
    total_points: float = 100.0
    step: float = 0.05
    format: int = RULES_FILE_FORMAT


def load_rules_file(path: str | os.PathLike[str]) -> RulesFile:
    """Read a rules-check YAML file (format 1).

    Example::

        format: 1
        weights: {COST: 30, LEG: 10, ...}   # optional with a campaign
        offers:
          - {name: "Offre économique", price: 180000, quality: 0.55}
          - {name: "Offre premium", price: 260000, quality: 0.9, scores: {ENV: 0.4}}

    Raises:
        CampaignError: the file is missing or malformed; every problem with its path
            and line.
    """
    from ai_procurement._office.yaml import load_yaml
    from ai_procurement.bank.converter import structure

    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise CampaignError(msg("{source}: cannot read ({exc_strerror})", source=source,
                                exc_strerror=os_reason(exc))) from None
    document, problems = load_yaml(raw)
    if document is None:
        raise CampaignError(BankError(str(source), problems).text)
    if not isinstance(document.data, dict) or document.data.get("format") != RULES_FILE_FORMAT:
        raise CampaignError(msg("{source}: expected a mapping with 'format: {RULES_FILE_FORMAT}' "
                                "(this library reads rules-check files of format 1)",
                                source=source, RULES_FILE_FORMAT=RULES_FILE_FORMAT))
    result, problems = structure(document.data, RulesFile)
    if result is None:
        raise CampaignError(BankError(str(source), [
            type(p)(p.path, p.message, p.line or document.line(p.path)) for p in problems]).text)
    return result


def rules_check_for(rules: RulesFile, folder: str | os.PathLike[str] | None = None
                    ) -> RulesCheck:
    """Run the rules check of a rules file, with a campaign's weights when it has none.

    Weights come from the file, else from the campaign (``campaign.yaml`` weights, or the
    bank's defaults); the price criterion from the file, else the bank's price criterion.

    Raises:
        CampaignError: no weights (no campaign and none in the file), or no price
            criterion can be found.
        ScoringError: inconsistent offers or weights.
    """
    from ai_procurement.bank.model import Bank
    from ai_procurement.decision.rules_check import OfferProfile, check_rules

    weights = dict(rules.weights) if rules.weights is not None else None
    price = rules.price_criterion
    if weights is None or price is None:
        if folder is None:
            raise CampaignError(msg("give the weights and the price criterion in the file, or a "
                                    "campaign folder to take them from"))
        campaign = load_campaign(folder)
        bank = campaign.bank()
        assert isinstance(bank, Bank)
        if weights is None:
            weights = dict(campaign.config.weights) if campaign.config.weights is not None \
                else {c.id: c.weight for c in bank.criteria}
            weights = {c: w for c, w in weights.items() if w > 0}
        if price is None:
            price = next((c.id for c in bank.criteria if c.is_price), None)
            if price is None:
                raise CampaignError(msg("bank {bank_id!r} has no price criterion; name one with "
                                        "'price_criterion:' in the file", bank_id=bank.id))
    others = [c for c in weights if c != price]
    offers = [OfferProfile(o.name, o.price, {c: o.scores.get(c, o.quality) for c in others})
              for o in rules.offers]
    return check_rules(weights, offers, price_criterion=price, total_points=rules.total_points,
                       step=rules.step)
