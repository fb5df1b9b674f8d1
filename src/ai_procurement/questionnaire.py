"""The frozen questionnaire: what is published to vendors, with its fingerprint.

French public procurement requires the award criteria and their weights to be
published before vendors answer and never changed afterwards. :func:`freeze` turns a
(tailored) bank and the consultation's details into a :class:`Questionnaire` whose
fingerprint, a SHA-256 of a canonical form, goes into the consultation documents: any
change of a weight, a question or an option changes the fingerprint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from ai_procurement.bank.model import AGGREGATIONS, Aggregation, Bank, check_bank
from ai_procurement.errors import BankError, Problem, QuestionnaireError
from ai_procurement.text import Text, msg

__all__ = [
    "Consultation",
    "Questionnaire",
    "aggregation_sentence",
    "dump_questionnaire",
    "freeze",
    "load_questionnaire",
    "sub_criterion_points",
]

ENVIRONMENTAL_TAG = "environmental"
_MAX_QUESTIONNAIRE_BYTES = 32 * 1024 * 1024
"""Largest ``questionnaire.json`` read; a 500-question bank is about 1 MB."""
PRICE_TAG = "price"


class _WeightingLike(Protocol):
    @property
    def weights(self) -> Mapping[str, float]: ...

    @property
    def method(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, Any]: ...


@attrs.frozen
class Consultation:
    """The consultation the questionnaire belongs to, as shown to vendors."""

    reference: str
    title: str
    buyer: str
    contact: str = ""
    deadline: dt.date | None = None
    precedence: tuple[str, ...] = ()
    """Which document prevails in case of contradiction, highest first (keys of
    :data:`ai_procurement.legal.precedence.PRECEDENCE_DOCUMENTS`); empty: the default
    order, which the questionnaire prints as such."""


def _register_consultation() -> None:
    from ai_procurement.bank.converter import omit_defaults

    # Added after publication: questionnaires frozen before keep their fingerprints.
    omit_defaults(Consultation, ("precedence",))


_register_consultation()


@attrs.frozen
class Questionnaire:
    """A bank frozen for one consultation, with its published weights and fingerprint.

    Build it with :func:`freeze`. ``weights`` maps each criterion id to its published
    share (summing to 1); ``weighting`` records how the weights were obtained.
    """

    bank: Bank
    consultation: Consultation
    weighting: Mapping[str, Any]
    fingerprint: str = attrs.field(eq=False)

    @property
    def weights(self) -> dict[str, float]:
        """Published criterion weights as shares summing to 1, in bank order."""
        weights = [c.weight for c in self.bank.criteria]
        # Huge weights (1e308 + 1e308) would overflow the sum: scale them down first.
        scale = 1.0 if math.isfinite(sum(weights)) else max(weights)
        total = sum(w / scale for w in weights)
        return {c.id: c.weight / scale / total for c in self.bank.criteria}

    @property
    def aggregation(self) -> Aggregation:
        """The published rule for points that do not apply to an offer."""
        return self.bank.aggregation

    @property
    def warnings(self) -> tuple[Text, ...]:
        """Warnings a buyer should read before publishing (bilingual), as of today.

        Use :meth:`warnings_on` with the day the consultation is launched for a result
        that does not depend on when it is computed.
        """
        return self.warnings_on(dt.date.today())

    def warnings_on(self, day: dt.date) -> tuple[Text, ...]:
        """Warnings to read before publishing a consultation launched on ``day``.

        The environmental-criterion duty is read from the legal facts
        (``ccp.environmental_award_criterion``): before its date the warning says the
        criterion will be required, from that date that it is required.
        """
        from ai_procurement.legal.facts import legal_facts

        found: list[Text] = []
        if "fr" not in self.bank.languages:
            found.append(msg("This questionnaire exists in English only: a French consultation "
                             "must be written in French (law 94-665 of 4 August 1994, art. 5); "
                             "add the French texts before publishing."))
        if not any(ENVIRONMENTAL_TAG in c.tags and c.weight > 0 for c in self.bank.criteria):
            fact = legal_facts().fact("ccp.environmental_award_criterion", on=day)
            start = fact.value
            assert isinstance(start, dt.date)
            fields = {"lead": msg("No weighted criterion is tagged 'environmental': "),
                      "date": Text(fr=_long_date(start, "fr"), en=_long_date(start, "en")),
                      "fact_source": fact.source}
            found.append(msg("{lead}for a consultation launched from {date}, at least one "
                             "award criterion will be required to take into account the "
                             "environmental characteristics of the offer ({fact_source}).",
                             **fields) if day < start else
                         msg("{lead}since {date}, at least one award criterion of a French "
                             "public contract is required to take into account the "
                             "environmental characteristics of the offer ({fact_source}).",
                             **fields))
        return tuple(found)


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")


def _long_date(day: dt.date, lang: str) -> str:
    """``22 août 2026`` / ``22 August 2026``, whatever the machine's locale."""
    if lang == "fr":
        return f"{day.day} {_MONTHS_FR[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _canonical(bank: Bank, consultation: Consultation, weighting: Mapping[str, Any]) -> bytes:
    from ai_procurement.bank.converter import unstructure

    data = {"bank": unstructure(bank), "consultation": unstructure(consultation),
            "weighting": dict(weighting)}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def fingerprint(bank: Bank, consultation: Consultation, weighting: Mapping[str, Any]) -> str:
    """Return the SHA-256 (hex) of the canonical JSON form of a questionnaire's content."""
    return hashlib.sha256(_canonical(bank, consultation, weighting)).hexdigest()


def aggregation_sentence(questionnaire: Questionnaire) -> Text:
    """The sentence, in French and English, that publishes the aggregation rule.

    Printed on the questionnaire's cover (and fit for the consultation rules): how the
    points of criteria or questions that do not apply to an offer are treated.
    """
    rule = questionnaire.aggregation
    text = AGGREGATIONS[rule]
    # The rule's code ("fixed") is an English word: the French sentence describes it only.
    return msg("Aggregation rule '{rule}': {text}", rule=Text(fr=text.fr[:1].lower(),
               en=format(rule, '')), text=Text(fr=format(text.fr[1:], ''), en=text.en))


def sub_criterion_points(questionnaire: Questionnaire,
                         total_points: float) -> dict[str, dict[str, float]]:
    """The published points of every sub-criterion, by criterion, on ``total_points``.

    French rules require publishing the weights of sub-criteria that weigh on the
    choice: this is what the questionnaire, the comparison and the memo show. A
    criterion without sub-criteria is absent from the result.
    """
    result: dict[str, dict[str, float]] = {}
    for criterion in questionnaire.bank.criteria:
        subs = criterion.sub_criteria
        total = math.fsum(s.weight for s in subs)
        if not subs or total <= 0:
            continue
        points = total_points * questionnaire.weights[criterion.id]
        result[criterion.id] = {s.id: points * s.weight / total for s in subs}
    return result


def freeze(bank: Bank, consultation: Consultation,
           weighting: _WeightingLike | Mapping[str, float] | None = None, *,
           aggregation: Aggregation | None = None,
           aggregation_announced: bool = False) -> Questionnaire:
    """Freeze ``bank`` for ``consultation``, with the criterion weights to publish.

    The aggregation rule (``"fixed"``, ``"redistribute"`` or ``"flat"``) becomes part of
    the frozen bank, hence of the fingerprint. Any rule but ``"fixed"`` changes, offer by
    offer, the weight a criterion or a question really carries: for a vendor bank (an
    award) it is refused unless the buyer confirms, with ``aggregation_announced=True``,
    that the consultation documents announce it (CCP R2152-11 and R2152-12: criteria,
    their weighting and how they are applied are published before offers are made).

    Args:
        bank: a valid bank (bundled, tailored or the buyer's own).
        consultation: reference, title, buyer, contact and deadline shown to vendors.
        weighting: the criterion weights, either a mapping (criterion id -> weight, any
            positive scale) or a result of :mod:`ai_procurement.decision.strategy` (its method and
            parameters are recorded). None keeps the bank's default weights.
        aggregation: the rule for points that do not apply; None keeps the bank's.
        aggregation_announced: the consultation documents announce a rule other than
            ``"fixed"`` (required for a vendor bank).

    Raises:
        BankError: the bank is invalid.
        QuestionnaireError: the weights do not match the bank's criteria, or a rule other
            than ``"fixed"`` is not announced.
    """
    if aggregation is not None:
        if aggregation not in AGGREGATIONS:
            raise QuestionnaireError(msg("aggregation: unknown rule {aggregation!r}; expected "
                                         "one of {list_AGGREGATIONS}", aggregation=aggregation,
                                         list_AGGREGATIONS=list(AGGREGATIONS)))
        bank = attrs.evolve(bank, aggregation=aggregation)
    if (bank.aggregation != "fixed" and bank.audience == "vendor"
            and not aggregation_announced):
        raise QuestionnaireError(msg("aggregation rule {bank_aggregation!r}: the weight a "
                                     "criterion or a question carries then depends on which ones "
                                     "apply to each offer, which departs from the published "
                                     "weighting unless the consultation documents announce the "
                                     "rule (CCP R2152-11, R2152-12). Announce it in the "
                                     "consultation rules, then pass aggregation_announced=True; "
                                     "or use aggregation='fixed'",
                                     bank_aggregation=bank.aggregation))
    problems = check_bank(bank)
    if problems:
        raise BankError(msg("bank {bank!r}", bank=bank.id), problems)
    if weighting is None:
        record: dict[str, Any] = {"method": "bank-defaults", "parameters": {}}
        weights = {c.id: c.weight for c in bank.criteria}
    elif isinstance(weighting, Mapping):
        weights = dict(weighting)
        record = {"method": "direct", "parameters": {"points": weights}}
    else:
        weights = dict(weighting.weights)
        record = {"method": weighting.method, "parameters": _jsonable(weighting.parameters)}
    ids = [c.id for c in bank.criteria]
    missing = [i for i in ids if i not in weights]
    unknown = [k for k in weights if k not in ids]
    if missing or unknown:
        raise QuestionnaireError(msg("weights must name every criterion of {bank_id!r} exactly "
                                     "once; missing {missing}, unknown {unknown}", bank_id=bank.id,
                                     missing=missing, unknown=unknown))
    bad = {k: v for k, v in weights.items()
           if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0
           or v == float("inf")}
    if bad or not any(weights.values()):
        raise QuestionnaireError(msg("weights must be finite numbers >= 0, not all zero; got "
                                     "{bad_or_weights}", bad_or_weights=bad or weights))
    criteria = tuple(attrs.evolve(c, weight=float(weights[c.id])) for c in bank.criteria)
    frozen_bank = attrs.evolve(bank, criteria=criteria)
    return Questionnaire(frozen_bank, consultation, record,
                         fingerprint(frozen_bank, consultation, record))


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def dump_questionnaire(questionnaire: Questionnaire, path: str | os.PathLike[str], *,
                       overwrite: bool = False) -> None:
    """Write the frozen questionnaire as JSON (kept by the buyer with the campaign)."""
    from ai_procurement._office.files import write_atomic
    from ai_procurement.bank.converter import unstructure

    data = {"format": 1, "fingerprint": questionnaire.fingerprint,
            "bank": unstructure(questionnaire.bank),
            "consultation": unstructure(questionnaire.consultation),
            "weighting": dict(questionnaire.weighting)}
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(Path(path), text.encode("utf-8"), overwrite=overwrite)


def load_questionnaire(path: str | os.PathLike[str]) -> Questionnaire:
    """Read a questionnaire written by :func:`dump_questionnaire`; check its fingerprint.

    Raises:
        QuestionnaireError: unreadable file, or content that no longer matches its
            fingerprint (it was edited after publication).
    """
    from ai_procurement._office.files import read_bounded
    from ai_procurement.bank.converter import structure

    source = str(path)
    try:
        data = json.loads(read_bounded(path, _MAX_QUESTIONNAIRE_BYTES))
    except (OSError, ValueError) as exc:
        raise QuestionnaireError(msg("{source}: cannot read the questionnaire: {exc}",
                                     source=source, exc=exc)) from None
    if not isinstance(data, dict) or data.get("format") != 1:
        raise QuestionnaireError(msg("{source}: not a questionnaire file of format 1",
                                     source=source))
    bank, problems = structure(data.get("bank"), Bank)
    consultation, more = structure(data.get("consultation"), Consultation)
    problems += more
    if bank is None or consultation is None:
        raise BankError(source, problems)
    problems = check_bank(bank)
    if problems:
        raise BankError(source, [Problem("$.bank" + p.path[1:], p.message) for p in problems])
    weighting = data.get("weighting")
    if not isinstance(weighting, dict):
        raise QuestionnaireError(msg("{source}: 'weighting' must be a mapping", source=source))
    expected = fingerprint(bank, consultation, weighting)
    if data.get("fingerprint") != expected:
        raise QuestionnaireError(msg("{source}: the content does not match its fingerprint "
                                     "{data_fingerprint!r} (computed {expected!r}): the "
                                     "published questionnaire was edited", source=source,
                                     data_fingerprint=data.get('fingerprint'), expected=expected))
    return Questionnaire(bank, consultation, weighting, expected)
