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

from ai_procurement.bank.model import Bank, check_bank
from ai_procurement.errors import BankError, Problem, QuestionnaireError
from ai_procurement.text import Text

__all__ = [
    "Consultation",
    "Questionnaire",
    "dump_questionnaire",
    "freeze",
    "load_questionnaire",
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
    def warnings(self) -> tuple[Text, ...]:
        """Warnings a buyer should read before publishing (bilingual)."""
        found: list[Text] = []
        if not any(ENVIRONMENTAL_TAG in c.tags and c.weight > 0 for c in self.bank.criteria):
            found.append(Text(
                fr="Aucun critère pondéré n'est marqué « environmental » : depuis le "
                   "22 août 2026, au moins un critère d'attribution d'un marché public doit "
                   "être environnemental.",
                en="No weighted criterion is tagged 'environmental': since 22 August 2026 "
                   "at least one award criterion of a French public contract must be "
                   "environmental."))
        return tuple(found)


def _canonical(bank: Bank, consultation: Consultation, weighting: Mapping[str, Any]) -> bytes:
    from ai_procurement.bank.converter import unstructure

    data = {"bank": unstructure(bank), "consultation": unstructure(consultation),
            "weighting": dict(weighting)}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def fingerprint(bank: Bank, consultation: Consultation, weighting: Mapping[str, Any]) -> str:
    """Return the SHA-256 (hex) of the canonical JSON form of a questionnaire's content."""
    return hashlib.sha256(_canonical(bank, consultation, weighting)).hexdigest()


def freeze(bank: Bank, consultation: Consultation,
           weighting: _WeightingLike | Mapping[str, float] | None = None) -> Questionnaire:
    """Freeze ``bank`` for ``consultation``, with the criterion weights to publish.

    Args:
        bank: a valid bank (bundled, tailored or the buyer's own).
        consultation: reference, title, buyer, contact and deadline shown to vendors.
        weighting: the criterion weights, either a mapping (criterion id -> weight, any
            positive scale) or a result of :mod:`ai_procurement.decision.strategy` (its method and
            parameters are recorded). None keeps the bank's default weights.

    Raises:
        BankError: the bank is invalid.
        QuestionnaireError: the weights do not match the bank's criteria.
    """
    problems = check_bank(bank)
    if problems:
        raise BankError(f"bank {bank.id!r}", problems)
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
        raise QuestionnaireError(
            f"weights must name every criterion of {bank.id!r} exactly once; missing "
            f"{missing}, unknown {unknown}")
    bad = {k: v for k, v in weights.items()
           if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0
           or v == float("inf")}
    if bad or not any(weights.values()):
        raise QuestionnaireError(f"weights must be finite numbers >= 0, not all zero; got "
                                 f"{bad or weights}")
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
        raise QuestionnaireError(f"{source}: cannot read the questionnaire: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != 1:
        raise QuestionnaireError(f"{source}: not a questionnaire file of format 1")
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
        raise QuestionnaireError(f"{source}: 'weighting' must be a mapping")
    expected = fingerprint(bank, consultation, weighting)
    if data.get("fingerprint") != expected:
        raise QuestionnaireError(
            f"{source}: the content does not match its fingerprint "
            f"{data.get('fingerprint')!r} (computed {expected!r}): the published "
            "questionnaire was edited")
    return Questionnaire(bank, consultation, weighting, expected)
