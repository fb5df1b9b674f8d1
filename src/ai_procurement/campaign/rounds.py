"""After opening: rounds of exchanges with bidders, and the versions of each offer.

The folder layout (the tool writes only ``round.json`` and ``letters/``)::

    rounds/
      1-clarification/
        round.json          what the round is: kind, offers, points, deadline (tool)
        letters/            one letter per bidder, French and English (tool)
      2-regularisation/
        round.json, letters/
        responses/          the buyer drops here what bidders sent back: a file whose
                            name starts with the offer number ("P02.xlsx",
                            "P02-regularisee.xlsx") is a new version of that offer
    decisions.yaml          written by the buyer only: the answers to clarifications and
                            the outcome of each abnormally-low-offer examination

Opening freezes version 1 of each offer (``responses/``, hash in ``opening.json`` and the
audit trail). A regularisation or a negotiation round adds a version beside it; nothing
under ``responses/`` is ever written. :func:`choose_version` gives the latest admissible
version of an offer: a regularised workbook that changed an answer outside its
irregular points is refused, with a finding naming the cell and the question (R2152-2).
The procedure of ``campaign.yaml`` decides which rounds are allowed
(:func:`~ai_procurement.decision.rounds.round_refusal`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ai_procurement.campaign.folder import Campaign, CampaignError, slug
from ai_procurement.decision.rounds import OfferVersion, RoundKind, round_refusal
from ai_procurement.text import Lang, Text, msg, nmsg

if TYPE_CHECKING:
    from ai_procurement.answers import Finding, Response
    from ai_procurement.bidders import Offer
    from ai_procurement.campaign.workflow import EvaluationRun
    from ai_procurement.questionnaire import Questionnaire

__all__ = [
    "ClarificationAnswer",
    "Decisions",
    "PriceDecision",
    "Round",
    "VersionChoice",
    "choose_version",
    "load_decisions",
    "load_rounds",
    "pending_low_price",
    "round_lines",
    "start_round",
]

ROUNDS = "rounds"
DECISIONS_FILE = "decisions.yaml"
FORMAT = 1


@attrs.frozen
class Round:
    """One round of exchanges after opening, as ``rounds/<id>/round.json`` records it.

    Attributes:
        id: the folder name ("2-regularisation").
        kind: clarification, regularisation, negotiation or abnormally-low price.
        number: the round's order in the consultation (1, 2...).
        opened: the date the letters are dated.
        deadline: the date bidders must answer by.
        offers: the offer numbers the round is addressed to.
        points: the question ids each offer is asked about (clarification,
            regularisation), by offer number.
        ranking: the ranking when the round opened, as (offer label, rank, total).
    """

    id: str
    kind: RoundKind
    number: int
    opened: dt.date
    deadline: dt.date | None
    offers: tuple[str, ...]
    points: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    ranking: tuple[tuple[str, int, float], ...] = ()


@attrs.frozen
class PriceDecision:
    """The buyer's decision on an abnormally low offer, after examining its justification."""

    offer: str
    outcome: str
    reason: str
    date: dt.date | None = None


@attrs.frozen
class ClarificationAnswer:
    """A bidder's answer to a request for clarification, as the buyer recorded it."""

    round: str
    offer: str
    answer: str
    received: dt.date | None = None


@attrs.frozen
class Decisions:
    """``decisions.yaml``: what the buyer decided or received after opening."""

    abnormally_low: tuple[PriceDecision, ...] = ()
    clarifications: tuple[ClarificationAnswer, ...] = ()

    def price(self, offer: str) -> PriceDecision | None:
        """The decision on ``offer``'s price, if the buyer recorded one."""
        return next((d for d in self.abnormally_low if d.offer == offer), None)


@attrs.frozen
class _DecisionsFile:
    format: int = FORMAT
    abnormally_low: tuple[PriceDecision, ...] = ()
    clarifications: tuple[ClarificationAnswer, ...] = ()


def load_decisions(campaign: Campaign) -> Decisions:
    """Read ``decisions.yaml`` (written by the buyer; the tool never writes it).

    Raises:
        CampaignError: the file is malformed; every problem with its path and line.
    """
    from ai_procurement._office.files import read_bounded
    from ai_procurement._office.yaml import MAX_BYTES, load_yaml
    from ai_procurement.bank.converter import structure
    from ai_procurement.errors import BankError, InputError, Problem

    path = campaign.root / DECISIONS_FILE
    if not path.exists():
        return Decisions()
    try:
        raw = read_bounded(path, MAX_BYTES)
    except InputError as exc:
        raise CampaignError(exc.text) from None
    document, problems = load_yaml(raw)
    if document is None:
        raise CampaignError(BankError(str(path), problems).text)
    if document.data is None:
        return Decisions()
    data, problems = structure(document.data, _DecisionsFile)
    if data is None:
        located = [Problem(p.path, p.message, document.line(p.path)) for p in problems]
        raise CampaignError(BankError(str(path), located).text)
    bad = [Problem(f"$.abnormally_low[{i}].outcome",
                   msg("expected 'accepted' or 'rejected', got {outcome!r}",
                       outcome=d.outcome), document.line(f"$.abnormally_low[{i}].outcome"))
           for i, d in enumerate(data.abnormally_low) if d.outcome not in ("accepted",
                                                                            "rejected")]
    bad += [Problem(f"$.abnormally_low[{i}].reason",
                    msg("a decision on an abnormally low offer states its reasons (R2152-4)"),
                    document.line(f"$.abnormally_low[{i}]"))
            for i, d in enumerate(data.abnormally_low) if not d.reason.strip()]
    if data.format != FORMAT:
        bad.append(Problem("$.format", msg("unknown format {found}; this version reads format "
                                           "{expected}", found=data.format, expected=FORMAT),
                           document.line("$.format")))
    if bad:
        raise CampaignError(BankError(str(path), bad).text)
    return Decisions(data.abnormally_low, data.clarifications)


def _round_from_json(data: Mapping[str, Any]) -> Round:
    return Round(str(data["id"]), RoundKind(data["kind"]), int(data["number"]),
                 dt.date.fromisoformat(data["opened"]),
                 dt.date.fromisoformat(data["deadline"]) if data.get("deadline") else None,
                 tuple(str(o) for o in data["offers"]),
                 {str(k): tuple(str(q) for q in v) for k, v in data.get("points", {}).items()},
                 tuple((str(r[0]), int(r[1]), float(r[2])) for r in data.get("ranking", ())))


def _round_to_json(item: Round) -> bytes:
    record = {"format": FORMAT, "id": item.id, "kind": item.kind.value,
              "number": item.number, "opened": item.opened.isoformat(),
              "deadline": item.deadline.isoformat() if item.deadline else None,
              "offers": list(item.offers),
              "points": {k: list(v) for k, v in sorted(item.points.items())},
              "ranking": [list(r) for r in item.ranking]}
    return (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def load_rounds(campaign: Campaign) -> list[Round]:
    """The rounds held so far, in their order.

    Raises:
        CampaignError: a ``round.json`` is not one this library wrote.
    """
    folder = campaign.root / ROUNDS
    if not folder.is_dir():
        return []
    rounds = []
    for path in sorted(folder.glob("*/round.json")):
        try:
            rounds.append(_round_from_json(json.loads(path.read_text("utf-8"))))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise CampaignError(msg("{path}: not a round record this library wrote ({exc}); "
                                    "restore it from your backup", path=path, exc=exc)) from None
    return sorted(rounds, key=lambda r: r.number)


def _version_files(campaign: Campaign, item: Round, offer: str) -> list[Path]:
    folder = campaign.root / ROUNDS / item.id / "responses"
    if not folder.is_dir():
        return []
    pattern = re.compile(rf"^{re.escape(offer.lower())}(?![0-9a-z])")
    return sorted(p for p in folder.iterdir() if p.is_file()
                  and not p.name.startswith((".", "~$")) and pattern.match(p.name.lower()))


@attrs.frozen
class VersionChoice:
    """The version of an offer to evaluate, and the later versions refused."""

    path: Path
    response: Response
    version: OfferVersion
    refused: tuple[Finding, ...] = ()
    versions: tuple[OfferVersion, ...] = ()


def choose_version(campaign: Campaign, offer: Offer, opened: Path, response: Response,
                   questionnaire: Questionnaire, key: bytes,
                   rounds: Sequence[Round] | None = None) -> VersionChoice:
    """The latest admissible version of ``offer``, reading each later version once.

    A version comes from a regularisation or a negotiation round that named the offer
    (``rounds/<id>/responses/<offer>*.xlsx``). A version is refused when its file has
    errors, when its bytes changed since it was first read, or, for a regularisation,
    when it changed an answer outside the irregular points (R2152-2); the previous
    version then stays the one evaluated. Every version is recorded once in the audit
    trail (``version`` event: offer, number, file, hash, round, admissible).

    Args:
        campaign: the campaign.
        offer: the offer registered at opening.
        opened: its file in ``responses/`` (version 1).
        response: version 1, as read.
        questionnaire: the lot's questionnaire.
        key: the buyer's signing key.
        rounds: the rounds (None reads them).
    """
    from ai_procurement.answers import Finding
    from ai_procurement.decision.rounds import regularisation_changes
    from ai_procurement.workbooks.form import SHEET_QUESTIONS
    from ai_procurement.workbooks.response import read_response

    current = VersionChoice(opened, response, OfferVersion(
        offer.id, 1, f"responses/{opened.name}", offer.sha256))
    versions = [current.version]
    refused: list[Finding] = []
    records = [r for r in campaign.audit.records() if r.get("event") == "version"]
    recorded = {str(r.get("file")): str(r.get("sha256")) for r in records}
    # A version keeps the number it got when first read: a file added later, whatever
    # its name, never renumbers the others.
    numbers = {str(r.get("file")): int(r.get("number", 0)) for r in records
               if r.get("offer") == offer.id}
    candidates: list[tuple[Round, Path, str]] = []
    for item in rounds if rounds is not None else load_rounds(campaign):
        if item.kind.changes_offers and offer.id in item.offers:
            candidates += [(item, path, path.relative_to(campaign.root).as_posix())
                           for path in _version_files(campaign, item, offer.id)]
    for _, _, relative in candidates:
        if relative not in numbers:
            numbers[relative] = max([1, *numbers.values()]) + 1
    for item, path, relative in sorted(candidates, key=lambda c: numbers[c[2]]):
        number = numbers[relative]
        read = read_response(path, questionnaire, key=key)
        sha = read.report.sha256
        found = list(read.report.errors)
        if relative in recorded and recorded[relative] != sha:
            found.append(Finding("error", "changed-after-receipt", msg(
                    "This file changed since it was first read (version {number} "
                    "of offer {offer_id}): restore the file received.",
                    number=number, offer_id=offer.id), path.name))
        if not found and item.kind is RoundKind.REGULARISATION:
            found = regularisation_changes(current.response.answers, read.answers,
                                           item.points.get(offer.id, ()), path.name,
                                           sheet=SHEET_QUESTIONS)
        version = OfferVersion(offer.id, number, relative, sha, item.id, not found)
        versions.append(version)
        if relative not in recorded:
            campaign.audit.append("version", offer=offer.id, number=number, file=relative,
                                  sha256=sha, round=item.id, admissible=not found)
        if found:
            refused.extend(found)
        else:
            current = VersionChoice(path, read, version)
    return attrs.evolve(current, refused=tuple(refused), versions=tuple(versions))


def stray_files(campaign: Campaign) -> list[str]:
    """Files in a round's ``responses/`` that are the version of no offer the round named.

    A file is read as a new version only when its name starts with the number of an
    offer the round was addressed to; any other file would be ignored in silence.
    """
    stray = []
    for item in load_rounds(campaign):
        folder = campaign.root / ROUNDS / item.id / "responses"
        if not folder.is_dir():
            continue
        named = {p for offer in item.offers for p in _version_files(campaign, item, offer)}
        stray += [p.relative_to(campaign.root).as_posix() for p in sorted(folder.iterdir())
                  if p.is_file() and not p.name.startswith((".", "~$")) and p not in named]
    return stray


def _irregular_points(run: EvaluationRun, vendor: str, lang: Lang,
                      ) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The regularisable points of an irregular offer, and those that are not.

    A knock-out requirement left unanswered makes the offer incomplete, hence irregular
    (L2152-2): completing it may be allowed (R2152-2). A knock-out answer that fails the
    requirement, or a missing price, cannot be regularised: changing it would change the
    offer's substance. A missing supporting document where the bank requires one is not
    an irregularity here (it only costs the answer its points): inviting a bidder to add
    it would let it improve its offer, so it is never a point to regularise.
    """
    from ai_procurement.answers import AnswerState
    from ai_procurement.bank.model import Price

    evaluation = run.evaluation
    result = evaluation.vendor(vendor)
    response = next(c.response for c in run.checked if c.vendor == vendor)
    bank = evaluation.questionnaire.bank
    points: list[tuple[str, str, str]] = []
    other: list[str] = []
    for failure in result.knockouts:
        answer = response.answers.get(failure.question_id)
        question = bank.question(failure.question_id)
        missing = answer is None or answer.state is AnswerState.UNANSWERED
        if missing and question is not None and not isinstance(question.answer, Price):
            points.append((failure.question_id, answer.cell if answer else "", msg(
                    "missing answer to a mandatory requirement").get(lang)))
        else:
            other.append(failure.question_id)
    return points, other


@attrs.frozen
class StartedRound:
    """What :func:`start_round` did: the round recorded, the letters, who was left out."""

    round: Round
    letters: tuple[Path, ...]
    left_out: tuple[Text, ...] = ()


def start_round(campaign: Campaign, kind: RoundKind, *, deadline: dt.date,
                offers: Sequence[str] = (), questions: Sequence[str] = (),
                today: dt.date | None = None) -> StartedRound:
    """Open a round: check the procedure allows it, choose the bidders, write the letters.

    - clarification: the offers and questions given (``offers`` and ``questions`` are
      required); the letter lists only those points; the offer does not change.
    - regularisation: every offer that is irregular for a missing knock-out answer,
      except an abnormally low one (R2152-2); the letter lists its irregular points.
    - negotiation: every ranked offer (or ``offers``), where the procedure allows it;
      the round's questionnaire is the published one, reissued in ``rounds/<id>/``.
    - low-price: every offer flagged abnormally low (or ``offers``).

    Letters go to ``rounds/<id>/letters/<offer>-<bidder>-fr.docx`` and ``-en.docx``,
    dated ``today`` (the campaign's report date, else today).

    Raises:
        CampaignError: the procedure does not allow the round (with the article), no
            offer is concerned, or an offer or question is unknown.
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.campaign.opening import load_opening
    from ai_procurement.campaign.workflow import score_campaign
    from ai_procurement.decision.price import abnormally_low
    from ai_procurement.deliverables.round_letters import (
        LetterPoint,
        RoundLetter,
        round_letter_bytes,
    )

    config = campaign.config
    refusal = round_refusal(kind, config.procedure.procedure_type,
                            config.procedure.negotiation_reserved)
    if refusal is not None:
        raise CampaignError(msg("{kind_value}: {refusal}", refusal=refusal, kind_value=kind.value))
    opening = load_opening(campaign)
    if opening is None:
        raise CampaignError(msg("the offers are not opened yet; run 'ai-procurement open' first"))
    by_id = {o.id: o for o in opening.offers}
    unknown = [o for o in offers if o not in by_id]
    if unknown:
        raise CampaignError(nmsg("unknown offer {unknown}; offers: {offers}",
                                 "unknown offers {unknown}; offers: {offers}", len(unknown),
                                 unknown=", ".join(unknown), offers=", ".join(sorted(by_id))))
    lang = config.language
    runs = {lot.id: score_campaign(campaign, lot.id or None) for lot in campaign.lots()}
    label_of = {(o.lot, o.label): o.id for o in opening.offers}
    decisions = load_decisions(campaign)
    chosen: dict[str, list[tuple[str, str, str]]] = {}
    left_out: list[Text] = []
    prices: dict[str, float] = {}
    ranking: list[tuple[str, int, float]] = []
    for lot_id, run in runs.items():
        ev = run.evaluation
        ranking += [(v.vendor, v.rank or 0, round(v.total, 6)) for v in ev.ranking]
        for v in ev.vendors:
            if v.price is not None and (lot_id, v.vendor) in label_of:
                prices[label_of[(lot_id, v.vendor)]] = v.price
        priced = {v.vendor: v.price for v in ev.vendors if v.price is not None}
        low = (abnormally_low(priced, campaign.lot(lot_id or None).scoring.low_offer_method)
               .flagged if len(priced) else ())
        for v in ev.vendors:
            offer_id = label_of.get((lot_id, v.vendor))
            if offer_id is None:
                continue
            if kind is RoundKind.REGULARISATION and v.status == "non-compliant":
                points, other = _irregular_points(run, v.vendor, lang)
                who = f"{offer_id} ({v.vendor})"
                if v.vendor in low or (decisions.price(offer_id) is not None):
                    left_out.append(msg("{who}: abnormally low, not regularisable (R2152-2)",
                                        who=who))
                elif other or not points:
                    failed = ", ".join(other)
                    left_out.append(msg("{who}: its answer to {failed} fails the requirement; "
                                        "changing it would alter the offer (R2152-2)", who=who,
                                        failed=failed))
                else:
                    chosen[offer_id] = points
            elif (kind is RoundKind.NEGOTIATION and v.status == "ranked"
                  and (not offers or offer_id in offers)) or (
                    kind is RoundKind.LOW_PRICE
                    and (offer_id in offers if offers else "abnormally-low" in v.flags)):
                chosen[offer_id] = []
            elif kind is RoundKind.CLARIFICATION and offer_id in offers:
                response = next(c.response for c in run.checked if c.vendor == v.vendor)
                bank = ev.questionnaire.bank
                missing = [q for q in questions if q not in response.answers]
                if missing:
                    raise CampaignError(nmsg("unknown question {missing} for offer {offer_id}",
                                             "unknown questions {missing} for offer "
                                             "{offer_id}", len(missing),
                                             missing=", ".join(missing), offer_id=offer_id))
                chosen[offer_id] = [(q, response.answers[q].cell, msg(
                        "the "
                        "answer "
                        "given "
                        "is "
                        "ambiguous: "
                        "clarify "
                        "its "
                        "meaning, "
                        "without "
                        "changing "
                        "it").get(lang)) for q in questions if bank.question(q) is not None]
    if kind is RoundKind.CLARIFICATION and not questions:
        raise CampaignError(msg("a clarification names the ambiguous points: give --question "
                                "(repeat) and --offer"))
    if not chosen:
        raise CampaignError(Text(
            fr=f"aucune offre n'est concernée par un tour {kind.value}"
               + (f" ({' ; '.join(t.fr for t in left_out)})" if left_out else ""),
            en=f"no offer concerned by a {kind.value} round"
               + (f" ({'; '.join(t.en for t in left_out)})" if left_out else "")))
    rounds = load_rounds(campaign)
    number = (rounds[-1].number if rounds else 0) + 1
    day = today or config.report_date or dt.date.today()
    item = Round(f"{number}-{kind.value}", kind, number, day, deadline,
                 tuple(sorted(chosen)), {o: tuple(p[0] for p in pts)
                                         for o, pts in sorted(chosen.items()) if pts},
                 tuple(ranking) if kind is RoundKind.NEGOTIATION else ())
    folder = campaign.root / ROUNDS / item.id
    letters = folder / "letters"
    letters.mkdir(parents=True, exist_ok=True)
    if kind.changes_offers:
        (folder / "responses").mkdir(exist_ok=True)
    written: list[Path] = []
    procedure = _letter_procedure(campaign)
    for offer_id in item.offers:
        offer = by_id[offer_id]
        lot = campaign.lot(offer.lot or None)
        questionnaire = campaign.frozen(lot)
        for code in ("fr", "en"):
            language: Lang = "fr" if code == "fr" else "en"
            named = tuple(LetterPoint(q, _question_text(questionnaire, q, language),
                                      cell.rpartition("!")[2],
                                      reason if language == lang else _translate(reason))
                          for q, cell, reason in chosen[offer_id])
            letter = RoundLetter(kind, item.id, offer_id, offer.label,
                                 questionnaire.consultation, deadline, named,
                                 prices.get(offer_id), "", procedure,
                                 lot.describe(language))
            target = letters / f"{offer_id}-{slug(offer.label)}-{code}.docx"
            write_atomic(target, round_letter_bytes(letter, lang=language, generated=day),
                         overwrite=False)
            written.append(target)
    if kind is RoundKind.NEGOTIATION:
        for lot in campaign.lots():
            source = campaign.root / "outbox" / f"questionnaire{lot.suffix}.xlsx"
            if source.is_file():
                target = folder / f"questionnaire{lot.suffix}.xlsx"
                write_atomic(target, source.read_bytes(), overwrite=False)
                written.append(target)
    write_atomic(folder / "round.json", _round_to_json(item), overwrite=False)
    written.append(folder / "round.json")
    campaign.audit.append("round", round=item.id, kind=kind.value, offers=list(item.offers),
                          points={k: list(v) for k, v in item.points.items()},
                          deadline=deadline.isoformat(), ranking=[list(r) for r in ranking]
                          if kind is RoundKind.NEGOTIATION else [])
    from ai_procurement._office.files import sha256_file

    for path in written:
        campaign.audit.append("write", file=path.relative_to(campaign.root).as_posix(),
                              sha256=sha256_file(path), size=path.stat().st_size)
    return StartedRound(item, tuple(written), tuple(left_out))


_REASONS = {
    "réponse manquante à une exigence éliminatoire": "missing answer to a mandatory requirement",
    "la réponse donnée est ambiguë : précisez-en le sens, sans la modifier":
        "the answer given is ambiguous: clarify its meaning, without changing it",
}


def _translate(reason: str) -> str:
    """The same reason in the other language (reasons are written in the campaign's)."""
    back = {en: fr for fr, en in _REASONS.items()}
    return _REASONS.get(reason, back.get(reason, reason))


def _question_text(questionnaire: Questionnaire, question_id: str, lang: Lang) -> str:
    question = questionnaire.bank.question(question_id)
    return question.text.get(lang) if question is not None else ""


def _letter_procedure(campaign: Campaign) -> Any:
    from ai_procurement.deliverables.procedure import Procedure, Signatory

    stated = campaign.config.procedure
    return Procedure(place=stated.place, kind=stated.procedure_type,
                     signatories=tuple(Signatory(s.name, s.role) for s in stated.signatories))


def write_rejection_letters(campaign: Campaign) -> list[Path]:
    """The letter to each bidder whose abnormally low offer the buyer rejected.

    Written once per decision in ``rounds/<id>/letters/<offer>-<bidder>-rejet-fr.docx``
    (and ``-en``) of the abnormally-low round that named the offer; an existing letter
    is left as it is.
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.campaign.opening import load_opening
    from ai_procurement.deliverables.round_letters import RoundLetter, round_letter_bytes

    opening = load_opening(campaign)
    if opening is None:
        return []
    by_id = {o.id: o for o in opening.offers}
    decisions = load_decisions(campaign)
    written: list[Path] = []
    day = campaign.config.report_date or dt.date.today()
    for item in load_rounds(campaign):
        if item.kind is not RoundKind.LOW_PRICE:
            continue
        for offer_id in item.offers:
            decision = decisions.price(offer_id)
            if decision is None or decision.outcome != "rejected" or offer_id not in by_id:
                continue
            offer = by_id[offer_id]
            lot = campaign.lot(offer.lot or None)
            questionnaire = campaign.frozen(lot)
            for code in ("fr", "en"):
                language: Lang = "fr" if code == "fr" else "en"
                target = (campaign.root / ROUNDS / item.id / "letters"
                          / f"{offer_id}-{slug(offer.label)}-rejet-{code}.docx")
                if target.exists():
                    continue
                letter = RoundLetter(RoundKind.LOW_PRICE, item.id, offer_id, offer.label,
                                     questionnaire.consultation, None, (), None,
                                     decision.reason, _letter_procedure(campaign),
                                     lot.describe(language))
                write_atomic(target, round_letter_bytes(letter, lang=language,
                                                        generated=decision.date or day),
                             overwrite=False)
                written.append(target)
    return written


def rejected_offers(campaign: Campaign) -> dict[str, Text]:
    """Offers the buyer rejected as abnormally low, by offer number, with the reason.

    Raises:
        CampaignError: ``decisions.yaml`` rejects an offer that was never asked to
            justify its price: rejection comes only after that request (L2152-6,
            R2152-3).
    """
    decisions = load_decisions(campaign)
    asked = {o for item in load_rounds(campaign) if item.kind is RoundKind.LOW_PRICE
             for o in item.offers}
    unasked = sorted(d.offer for d in decisions.abnormally_low if d.offer not in asked)
    if unasked:
        raise CampaignError(msg("{campaign_root_DECISIONS_FILE}: {join_unasked}: a decision on "
                                "an abnormally low offer comes only after a written request to "
                                "justify its price (L2152-6, R2152-3); send it first with "
                                "'ai-procurement round low-price --offer {unasked_0}'",
                                campaign_root_DECISIONS_FILE=campaign.root / DECISIONS_FILE,
                                join_unasked=', '.join(unasked), unasked_0=unasked[0]))
    return {d.offer: msg("abnormally low offer rejected after examining the justification "
                         "requested (L2152-5, L2152-6 and R2152-4): {d_reason}", d_reason=d.reason)
        for d in decisions.abnormally_low if d.outcome == "rejected"}


def pending_low_price(campaign: Campaign) -> list[str]:
    """Offers asked to justify their price whose examination has no outcome yet."""
    decisions = load_decisions(campaign)
    return sorted({o for item in load_rounds(campaign) if item.kind is RoundKind.LOW_PRICE
                   for o in item.offers if decisions.price(o) is None})


def award_blocked(campaign: Campaign, run: EvaluationRun, lang: Lang) -> str:
    """Why the award of a lot must wait, or "" when it need not.

    An abnormally low offer whose examination is pending blocks the award when rejecting
    it would change the first place (ranked again without it); otherwise the award may
    go ahead (R2152-3: the offer may be rejected only after examination).
    """
    from ai_procurement.campaign.opening import load_opening
    from ai_procurement.campaign.workflow import usable_responses
    from ai_procurement.decision.rounds import winner_depends_on
    from ai_procurement.decision.scoring import evaluate

    ev = run.evaluation
    first = [v.vendor for v in ev.ranking if v.rank == 1]
    unasked = _flagged_never_asked(campaign, run, first)
    if unasked:
        names = ", ".join(unasked)
        return msg("the price of {names}, ranked first, looks abnormally low and no "
                   "justification was asked for: the offer can be neither selected "
                   "nor rejected before that examination (L2152-5, L2152-6 and "
                   "R2152-3). Run 'ai-procurement round low-price', then record the "
                   "decision in decisions.yaml.", names=names).get(lang)
    pending = pending_low_price(campaign)
    opening = load_opening(campaign)
    if not pending or opening is None:
        return ""
    labels = {o.id: o.label for o in opening.offers if o.lot == run.lot}
    responses = usable_responses(run.checked, run.lot)
    candidates = [labels[o] for o in pending if o in labels and labels[o] in responses]

    def first_without(label: str) -> list[str]:
        rest = {v: r for v, r in responses.items() if v != label}
        again = evaluate(ev.questionnaire, rest, settings=ev.settings,
                         reviews=[s for s in ev.evaluator_scores if s.vendor != label],
                         overrides=[o for o in ev.overrides if o.vendor != label])
        return [v.vendor for v in again.ranking if v.rank == 1]

    blocking = winner_depends_on(first, first_without, candidates)
    if not blocking:
        return ""
    names = ", ".join(blocking)
    return msg("the examination of the abnormally low price of {names} is pending and its "
               "rejection would change the offer ranked first: the award proposal and the "
               "letters to unsuccessful bidders wait for the buyer's decision (L2152-6 and "
               "R2152-3 to R2152-5; record it in decisions.yaml).", names=names).get(lang)


def _flagged_never_asked(campaign: Campaign, run: EvaluationRun,
                         first: Sequence[str]) -> list[str]:
    """The first-ranked offers flagged abnormally low that no round asked to justify.

    An offer that looks abnormally low must be asked to justify its price before it is
    selected or rejected (L2152-5, L2152-6, R2152-3); once asked, the round's pending
    decision takes over (:func:`pending_low_price`), and a recorded decision ends it.
    """
    from ai_procurement.campaign.opening import load_opening

    check = run.evaluation.low_offers
    if check is None or not check.flagged:
        return []
    opening = load_opening(campaign)
    ids = ({o.label: o.id for o in opening.offers if o.lot == run.lot}
           if opening is not None else {})
    asked = {o for item in load_rounds(campaign) if item.kind is RoundKind.LOW_PRICE
             for o in item.offers}
    decisions = load_decisions(campaign)
    return [vendor for vendor in first if vendor in check.flagged
            and ids.get(vendor, vendor) not in asked
            and decisions.price(ids.get(vendor, vendor)) is None]


def round_lines(campaign: Campaign, lot: str, checked: Sequence[Any], lang: Lang) -> list[str]:
    """The memo's account of the exchanges after opening, and the versions evaluated.

    One line per round (kind, date, deadline, offers, articles; for a negotiation the
    ranking when it opened), the buyer's decisions on abnormally low offers, and the
    version of each offer evaluated.
    """
    from ai_procurement.campaign.opening import load_opening

    opening = load_opening(campaign)
    if opening is None:
        return []
    ours = {o.id for o in opening.offers if o.lot == lot}
    labels = {o.id: o.label for o in opening.offers}
    def f_date(day: dt.date) -> str:
        return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()

    decisions = load_decisions(campaign)
    lines: list[str] = []
    for item in load_rounds(campaign):
        offers = [o for o in item.offers if o in ours]
        if not offers:
            continue
        articles = ", ".join(a.removeprefix("CCP ") for a in item.kind.articles)
        who = ", ".join(f"{o} ({labels.get(o, '')})" for o in offers)
        line = msg(
                "{item_id} – {kind_label} ({articles}), sent on {f_date_item_opened}, answer due "
                "on {f_date_item_deadline_if_item_dea}: {who}", kind_label=item.kind.label,
                item_id=item.id, articles=articles, f_date_item_opened=f_date(item.opened),
                f_date_item_deadline_if_item_dea=f_date(item.deadline) if item.deadline else '—',
                who=who).get(lang)
        if item.points:
            line += msg("; points: ").get(lang) + "; ".join(
                f"{o}: {', '.join(q)}" for o, q in item.points.items() if o in ours)
        lines.append(line)
        if item.kind is RoundKind.NEGOTIATION and item.ranking:
            names = {labels[o] for o in ours}
            ranked = [r for r in item.ranking if r[0] in names]
            lines.append(msg("  ranking when the round opened: ").get(lang) + "; ".join(
                f"{r[1]}. {r[0]} ({r[2]:.2f})" for r in ranked))
        for answer in decisions.clarifications:
            if answer.round == item.id and answer.offer in ours:
                lines.append(msg("  answer from {answer_offer}: {answer_answer}",
                                 answer_offer=answer.offer, answer_answer=answer.answer).get(lang))
        if item.kind is RoundKind.LOW_PRICE:
            for o in offers:
                d = decisions.price(o)
                outcome = (msg("examination pending") if d is None
                           else msg("justification accepted: {d_reason}", d_reason=d.reason)
                           if d.outcome == "accepted"
                           else msg("offer rejected (L2152-6, R2152-4): {d_reason}",
                                    d_reason=d.reason))
                lines.append("  " + msg("{offer} ({vendor}): {outcome}", offer=o,
                                        vendor=labels.get(o, ""), outcome=outcome).get(lang))
    used = [c for c in checked if getattr(c, "offer", None) is not None
            and c.offer.id in ours and c.vendor is not None]
    if lines or any(getattr(c, "version", 1) > 1 for c in used):
        lines.append(msg("Versions evaluated: ").get(lang) + "; ".join(
            f"{c.offer.id} v{getattr(c, 'version', 1)} "
            f"({c.path.relative_to(campaign.root).as_posix()})" for c in used))
    return lines
