"""What a buyer must hear before trusting a result: blanks, early runs, silent evaluators.

Each check returns texts in French and English that say what is wrong and what to do;
none changes a result. The CLI prints them; :func:`memo_blanks` also marks the analysis
report as a draft that is not ready to sign.

- :func:`memo_blanks`: the keys of ``campaign.yaml`` the report to sign still lacks
  (procedure, publication date, place of signature, signatories, buyer...).
- :func:`before_deadline`: evaluating before the deadline for offers.
- :func:`silent_evaluators`: an evaluator listed who returned no score.
- :func:`weights_changed`: weights edited in ``campaign.yaml`` after publication (the
  published ones are kept; both are shown).
- :func:`renamed_vendor`: a returned file issued by this campaign to a vendor name no
  longer in ``campaign.yaml`` (renamed after sending), instead of "a blank copy or
  another consultation's file".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import attrs

from ai_procurement.campaign.folder import Campaign, CampaignConfig, Lot
from ai_procurement.decision.scoring import Evaluation
from ai_procurement.findings import Finding
from ai_procurement.legal.procedure import ProcedureKind
from ai_procurement.text import Text, msg, nmsg

__all__ = ["Blank", "before_deadline", "blanks_text", "memo_blanks", "renamed_vendor",
           "renamed_vendor_finding", "silent_evaluators", "weights_changed"]

_PLACEHOLDER = re.compile(r"^(Evaluator|Évaluateur|Évaluatrice|Evaluateur) \d+$")
"""The evaluators' names of the ``init`` template, to be replaced by real names."""


@attrs.frozen
class Blank:
    """A key of ``campaign.yaml`` left blank that the report to sign needs.

    Attributes:
        key: its path in ``campaign.yaml`` ("procedure.place").
        what: what it gives the report, in French and English.
    """

    key: str
    what: Text


def memo_blanks(config: CampaignConfig) -> list[Blank]:
    """The keys the analysis report to sign still lacks, in the order of the file."""
    found: list[Blank] = []

    def need(blank: bool, key: str, what: Text) -> None:
        if blank:
            found.append(Blank(key, what))

    c, p = config.consultation, config.procedure
    need(not c.reference.strip(), "consultation.reference", msg("the consultation's reference"))
    need(not c.title.strip(), "consultation.title", msg("the consultation's title"))
    need(not c.buyer.strip(), "consultation.buyer", msg("the buyer's name"))
    need(c.deadline is None and config.opening.deadline is None, "opening.deadline",
         msg("deadline for offers"))
    for index, name in enumerate(config.evaluators):
        need(bool(_PLACEHOLDER.match(name)), f"evaluators[{index}]",
             msg("the evaluator's name (\"{name}\" is the template's)", name=name))
    need(p.procedure_type is None, "procedure.procedure_type", msg("type of procedure"))
    need(p.published is None, "procedure.published",
         msg("date the consultation was published"))
    need(not p.place.strip(), "procedure.place", msg("place of signature (\"Done at ...\")"))
    signed = [s for s in p.signatories if s.name.strip()]
    need(not signed, "procedure.signatories", msg("signatories of the report (name and role)"))
    for index, signatory in enumerate(p.signatories):
        need(bool(signatory.name.strip()) and not signatory.role.strip(),
             f"procedure.signatories[{index}].role",
             msg("{name}'s role", name=signatory.name))
    need(p.estimated_value is None, "procedure.estimated_value",
         msg("estimated value of the need (R2184-2)"))
    need(not config.lots and not p.no_lots_reason.strip(), "procedure.no_lots_reason",
         msg("why the contract is not divided into lots (L2113-11)"))
    need(p.procedure_type is ProcedureKind.NEGOTIATED and not p.negotiation_reason.strip(),
         "procedure.negotiation_reason", msg("why a negotiation (R2184-3)"))
    return found


def blanks_text(blanks: Sequence[Blank]) -> Text:
    """The list of blanks as the CLI prints it: what to fill, key by key."""
    texts = [nmsg("! The analysis report is a DRAFT, not ready to sign: {n} item of "
                  "campaign.yaml is blank. Fill it in, then run 'ai-procurement evaluate "
                  "--force' again:", "! The analysis report is a DRAFT, not ready to sign: {n} "
                  "items of campaign.yaml are blank. Fill them in, then run 'ai-procurement "
                  "evaluate --force' again:", len(blanks)),
             *(msg("  - {key}: {what}", key=b.key, what=b.what) for b in blanks)]
    return Text.joined(texts)


def before_deadline(campaign: Campaign, now: dt.datetime | None = None) -> Text | None:
    """A warning when the deadline for offers has not passed yet (None otherwise)."""
    moment = (now or dt.datetime.now()).replace(tzinfo=None)
    deadline = campaign.config.opening.deadline
    day = campaign.config.consultation.deadline
    if deadline is not None:
        if moment > deadline.replace(tzinfo=None):
            return None
        when_fr = deadline.strftime("%d/%m/%Y %H:%M")
        when_en = deadline.strftime("%Y-%m-%d %H:%M")
    elif day is not None:
        if moment.date() > day:
            return None
        when_fr, when_en = day.strftime("%d/%m/%Y"), day.isoformat()
    else:
        return None
    return msg("! The deadline for offers ({when}) has not passed: more offers may arrive and an "
               "offer deposited may still be replaced. This ranking cannot be used to award the "
               "contract; run 'ai-procurement evaluate --force' again after the deadline and the "
               "opening of the offers ('ai-procurement open').", when=Text(fr=when_fr, en=when_en))


def silent_evaluators(lot: Lot, evaluation: Evaluation) -> Text | None:
    """A warning naming the evaluators of ``lot`` who returned no score.

    None when every evaluator scored, or when no answer of the lot needs an evaluator.
    """
    if not evaluation.pending_reviews and not evaluation.evaluator_scores:
        return None
    scored = {s.evaluator for s in evaluation.evaluator_scores
              if s.level is not None or s.accept_na is not None}
    silent = [e for e in lot.evaluators if e not in scored]
    if not silent:
        return None
    names = ", ".join(silent)
    where = f" (lot {lot.id})" if lot.id else ""
    return nmsg("! Evaluator with no score at all{where}: {names}. Their workbook in reviews/ "
                "was not returned or is empty: the scores used rest on the others only. Collect "
                "their filled workbook and run 'ai-procurement evaluate --force' again, or "
                "remove them from evaluators in campaign.yaml if they do not evaluate.",
                "! Evaluators with no score at all{where}: {names}. Their workbooks in reviews/ "
                "were not returned or are empty: the scores used rest on the others only. "
                "Collect their filled workbooks and run 'ai-procurement evaluate --force' "
                "again, or remove them from evaluators in campaign.yaml if they do not "
                "evaluate.", len(silent), where=where, names=names)


def weights_changed(campaign: Campaign, lot: Lot) -> Text | None:
    """A warning when ``campaign.yaml``'s weights differ from the published ones.

    The published weights (``questionnaire.json``) are those the bidders answered and
    are always used; the warning shows both, criterion by criterion, in points.
    """
    if lot.weights is None or not campaign.questionnaire_path(lot).exists():
        return None
    published = campaign.frozen(lot).weights
    total = math.fsum(lot.weights.values())
    scale = lot.scoring.total_points
    if total <= 0:
        return None
    edited = {k: v / total for k, v in lot.weights.items()}
    changed = [k for k in published
               if not math.isclose(published[k], edited.get(k, 0.0), abs_tol=1e-9)]
    changed += [k for k in edited if k not in published]
    if not changed:
        return None

    def points(share: float) -> str:
        return f"{share * scale:.4g}"

    rows = [(k, points(published.get(k, 0.0)), points(edited.get(k, 0.0))) for k in changed]
    fr = "\n".join(f"  - {k} : publié {a}, campaign.yaml {b}" for k, a, b in rows)
    en = "\n".join(f"  - {k}: published {a}, campaign.yaml {b}" for k, a, b in rows)
    where = f" (lot {lot.id})" if lot.id else ""
    return Text(
        f"! Les poids de campaign.yaml{where} ont été modifiés après la publication : les "
        "poids publiés, ceux que les candidats ont reçus, sont conservés (les critères et "
        "leur pondération ne peuvent changer après la publication). Remettez dans "
        "campaign.yaml les poids publiés pour lever cet avertissement :\n" + fr,
        f"! The weights in campaign.yaml{where} were edited after publication: the "
        "published weights, those the bidders received, are kept (criteria and their "
        "weights cannot change after publication). Put the published weights back in "
        "campaign.yaml to clear this warning:\n" + en)


def renamed_vendor(campaign: Campaign, token: str) -> str | None:
    """The vendor name a questionnaire with ``token`` was issued to, from the audit trail.

    ``publish`` records the token of each personalised questionnaire it writes; a file
    whose token no current vendor has, but which this campaign issued, belongs to a
    vendor renamed or removed since. None when the trail has no such record.
    """
    if not token:
        return None
    found: str | None = None
    for record in campaign.audit.records():
        issued = record.get("issued")
        if record.get("event") == "publish" and isinstance(issued, dict):
            name = issued.get(token)
            if isinstance(name, str):
                found = name
    return found


def renamed_vendor_finding(campaign: Campaign, token: str, file: str) -> Finding:
    """The error for a signed file whose vendor is no longer in ``campaign.yaml``.

    Its signature is valid, so this campaign issued it: the vendor it was issued to was
    renamed or removed since (named when the audit trail recorded it).
    """
    name = renamed_vendor(campaign, token)
    if name is not None:
        return Finding("error", "renamed-vendor", msg(
                "This file was issued by this consultation to \"{name}\", a name no longer in "
                "vendors in campaign.yaml: the vendor was renamed or removed after sending. Put "
                "\"{name}\" back in vendors (the name it was sent under prevails), then run "
                "'ai-procurement check' again.", name=name), file)
    return Finding("error", "renamed-vendor", msg("This file carries this consultation's "
                                                  "signature, but the vendor it was issued to is "
                                                  "no longer in vendors in campaign.yaml: it was "
                                                  "renamed or removed after sending. Put back in "
                                                  "vendors the name the questionnaire was sent "
                                                  "under (see outbox/ and audit.jsonl), then run "
                                                  "'ai-procurement check' again."), file)
