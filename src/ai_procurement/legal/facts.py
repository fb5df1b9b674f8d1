"""Legal facts that change with time, read from data rather than buried in prose.

Dates of application of the AI Act, the date from which an environmental award criterion
is compulsory, the standstill delay, procurement thresholds: every such fact lives in
``facts.yaml`` beside this module, with its value, its source (article and text), the date
it was last checked and, when the value changed, the period each value is in force. A
revision of the law (the AI Act's "digital omnibus" moved the high-risk dates) is then a
new entry in one file, and every text that quotes the fact follows.

    >>> from ai_procurement.legal.facts import legal_facts
    >>> import datetime as dt
    >>> legal_facts().number("ccp.standstill_days")
    11
    >>> legal_facts().number("ccp.no_competition_supplies_services", on=dt.date(2026, 3, 1))
    40000
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from ai_procurement._office.yaml import MAX_BYTES, load_yaml
from ai_procurement.bank.converter import Invalid, converter, structure
from ai_procurement.errors import LegalDataError, Problem, os_reason
from ai_procurement.text import Text, msg, pmsg

__all__ = [
    "FactValue",
    "LegalFact",
    "LegalFacts",
    "check_facts",
    "legal_facts",
    "load_legal_facts",
]

FORMAT = 1
"""The format version of the legal facts file."""

FactValue: TypeAlias = dt.date | int | str
"""The value of a fact: a date, a whole number (days, euros) or a text."""


def _fact_value(value: Any, _: Any) -> FactValue:
    # Order matters: a YAML date is a date, a bool is not a number.
    if isinstance(value, dt.datetime):
        raise Invalid(msg("expected a date without a time, got {value!r}", value=value))
    if isinstance(value, dt.date | str) or (isinstance(value, int)
                                           and not isinstance(value, bool)):
        return value
    raise Invalid(msg("expected a date (YYYY-MM-DD), a whole number or a text, got {value!r}",
                      value=value))


converter.register_structure_hook(FactValue, _fact_value)


@attrs.frozen
class LegalFact:
    """One legal fact in force over a period.

    Attributes:
        id: stable id, e.g. ``"ccp.standstill_days"``; several entries share an id when
            the value changed over time.
        value: the value (a date, a whole number or a text).
        text: what the fact means, in French and English.
        source: the article and text it comes from ("Code de la commande publique,
            art. R2182-1").
        checked: the day the value was last checked against its source.
        valid_from: first day this value is in force (None: since the text exists).
        valid_until: last day this value is in force (None: until further notice).
        unit: the unit of a number ("jours", "euros HT").
    """

    id: str
    value: FactValue
    text: Text
    source: str
    checked: dt.date
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    unit: Text | None = None

    def in_force(self, day: dt.date) -> bool:
        """True when this value is the one in force on ``day``."""
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))


@attrs.frozen
class LegalFacts:
    """Every legal fact of a facts file; look one up with :meth:`fact`."""

    facts: tuple[LegalFact, ...]
    format: int = FORMAT

    def ids(self) -> list[str]:
        """The distinct fact ids, sorted."""
        return sorted({f.id for f in self.facts})

    def history(self, fact_id: str) -> tuple[LegalFact, ...]:
        """Every entry of ``fact_id``, oldest first (``KeyError`` if unknown)."""
        entries = tuple(sorted((f for f in self.facts if f.id == fact_id),
                               key=lambda f: f.valid_from or dt.date.min))
        if not entries:
            raise KeyError(f"unknown legal fact {fact_id!r}; known facts: "
                           f"{', '.join(self.ids())}")
        return entries

    def fact(self, fact_id: str, on: dt.date | None = None) -> LegalFact:
        """Return the entry of ``fact_id`` in force on ``on`` (default: today).

        Raises:
            KeyError: no fact has that id, or none of its entries is in force that day.
        """
        day = dt.date.today() if on is None else on
        for entry in self.history(fact_id):
            if entry.in_force(day):
                return entry
        raise KeyError(f"legal fact {fact_id!r} has no value in force on {day.isoformat()}")

    def date(self, fact_id: str, on: dt.date | None = None) -> dt.date:
        """Return the value of a date fact in force on ``on`` (default: today)."""
        value = self.fact(fact_id, on).value
        if not isinstance(value, dt.date):
            raise TypeError(f"legal fact {fact_id!r} is not a date: {value!r}")
        return value

    def number(self, fact_id: str, on: dt.date | None = None) -> int:
        """Return the value of a number fact in force on ``on`` (default: today)."""
        value = self.fact(fact_id, on).value
        if not isinstance(value, int):
            raise TypeError(f"legal fact {fact_id!r} is not a number: {value!r}")
        return value


_KINDS: dict[type, Text] = {dt.date: msg("a date"), int: msg("a whole number"),
                            str: msg("a text")}
"""The kinds of value a fact may hold, as a problem names them."""


def check_facts(facts: LegalFacts) -> list[Problem]:
    """Return every problem of ``facts``: bad periods, overlapping or empty entries."""
    problems: list[Problem] = []
    if facts.format != FORMAT:
        problems.append(Problem("$.format", msg("unknown format {format!r}; this library reads "
                                                "format {supported}", format=facts.format,
                                                supported=FORMAT)))
    by_id: dict[str, list[tuple[int, LegalFact]]] = {}
    for index, fact in enumerate(facts.facts):
        path = f"$.facts[{index}]"
        by_id.setdefault(fact.id, []).append((index, fact))
        if not fact.id.strip():
            problems.append(Problem(path + ".id", msg("empty id")))
        if not fact.source.strip():
            problems.append(Problem(path + ".source", msg("name the article and text this "
                                                          "fact comes from")))
        for lang in ("fr", "en"):
            if not fact.text.get(lang).strip():
                problems.append(Problem(f"{path}.text.{lang}", msg("missing translation")))
        if (fact.valid_from is not None and fact.valid_until is not None
                and fact.valid_from > fact.valid_until):
            problems.append(Problem(path, msg("valid_from {valid_from} is after valid_until "
                                              "{valid_until}", valid_from=fact.valid_from,
                                              valid_until=fact.valid_until)))
    for fact_id, entries in by_id.items():
        kinds = [kind for kind in _KINDS if any(isinstance(f.value, kind) for _, f in entries)]
        if len(kinds) > 1:
            named = [_KINDS[kind] for kind in kinds]
            problems.append(Problem(f"$.facts[{entries[-1][0]}].value", msg(
                "the entries of {fact!r} mix value types: {kinds}", fact=fact_id,
                kinds=Text.joined(named, ", "))))
        ordered = sorted(entries, key=lambda e: e[1].valid_from or dt.date.min)
        for (_, before), (index, after) in itertools.pairwise(ordered):
            end = before.valid_until or dt.date.max
            start = after.valid_from or dt.date.min
            if start <= end:
                problems.append(Problem(f"$.facts[{index}].valid_from", msg(
                    "the periods of {fact!r} overlap: give the earlier entry a valid_until "
                    "before this valid_from", fact=fact_id)))
    return problems


@functools.cache
def legal_facts() -> LegalFacts:
    """The legal facts bundled with the library (``ai_procurement/legal/facts.yaml``).

    Read once and cached. Each entry says when it was last checked; a buyer who knows of a
    later change can pass an updated copy to :func:`load_legal_facts`.

    Raises:
        LegalDataError: the bundled file is invalid (a packaging error).
    """
    entry = resources.files("ai_procurement.legal") / "facts.yaml"
    return _parse(pmsg("legal facts", "{name} (bundled)", name="facts.yaml"),
                  entry.read_bytes())


def load_legal_facts(path: str | os.PathLike[str]) -> LegalFacts:
    """Read and check a legal facts file in the format of the bundled one.

    Raises:
        LegalDataError: the file cannot be read or is invalid; every problem is listed
            with its path and line.
    """
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise LegalDataError(source, [Problem("$", msg("cannot read the file: {reason}",
                                                       reason=os_reason(exc)))]) from None
    if len(raw) > MAX_BYTES:
        raise LegalDataError(source, [Problem("$", msg("file too large: more than {limit} "
                                                       "bytes", limit=MAX_BYTES))])
    return _parse(source, raw)


def _parse(source: str | Text, raw: bytes) -> LegalFacts:
    document, problems = load_yaml(raw)
    if document is None:
        raise LegalDataError(source, problems)
    if not isinstance(document.data, dict) or document.data.get("format") != FORMAT:
        raise LegalDataError(source, [Problem("$.format", msg(
            "expected a mapping with 'format: {supported}'", supported=FORMAT),
            document.line("$"))])
    facts, problems = structure(document.data, LegalFacts)
    if facts is None:
        raise LegalDataError(source, [Problem(p.path, p.message, document.line(p.path))
                                      for p in problems])
    problems = check_facts(facts)
    if problems:
        raise LegalDataError(source, [Problem(p.path, p.message, document.line(p.path))
                                      for p in problems])
    return facts
