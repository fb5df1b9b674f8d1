"""Requirements on vendors that grow with the impact level of the project.

The impact assessment done before buying (:mod:`ai_procurement.decision.impact`) gives a
level from I to IV. The higher the level, the more the buyer must demand of vendors:
Canada's Directive on Automated Decision-Making (appendix C) lists requirements that
switch on level by level. Here the switched requirements are data: a small YAML file
(``requirements/ai-impact.yaml`` beside this module, or the buyer's own) lists, by
question id of the vendor bank, from which level a question becomes a knock-out and/or
needs evidence. :func:`apply_impact_level` returns the tailored bank and the record of
what was switched (and of rules skipped because the bank lacks their question).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import attrs

from ai_procurement.bank.model import Bank, Evidence, KnockOut, Question, check_bank
from ai_procurement.errors import BankError, Problem, os_reason
from ai_procurement.text import Text, msg

__all__ = [
    "IMPACT_LEVELS",
    "AppliedRequirement",
    "LevelRequirement",
    "LevelRequirements",
    "apply_impact_level",
    "load_level_requirements",
    "roman",
    "tailor_for_impact",
]

IMPACT_LEVELS = (1, 2, 3, 4)
"""Impact levels, I (low) to IV (very high), as integers."""

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
BUNDLED_REQUIREMENTS = "ai-impact"


def roman(level: int) -> str:
    """Return the level as a Roman numeral (``3`` -> ``"III"``)."""
    return _ROMAN[level]


@attrs.frozen
class LevelRequirement:
    """From impact level ``from_level`` on, question ``question`` is demanded more.

    Attributes:
        question: the id of a question of the vendor bank.
        from_level: the lowest impact level (1 to 4) at which the rule applies.
        why: why the level calls for it (for the record and the memo).
        knockout: the knock-out the question becomes, or None.
        evidence: the evidence rule the question gets, or None.
    """

    question: str
    from_level: int
    why: Text
    knockout: KnockOut | None = None
    evidence: Evidence | None = None


@attrs.frozen
class LevelRequirements:
    """A file of level requirements: its id, version, source and rules."""

    id: str
    version: str
    source: str
    rules: tuple[LevelRequirement, ...]
    format: int = 1


@attrs.frozen
class AppliedRequirement:
    """One rule as applied to a bank at a given level: switched on, or skipped."""

    question: str
    from_level: int
    why: Text
    knockout: bool
    evidence: bool
    applied: bool
    """False when the bank has no such question (the rule is skipped)."""


def load_level_requirements(path: str | os.PathLike[str] | None = None) -> LevelRequirements:
    """Load level requirements: the bundled file (``None``) or a YAML file.

    Raises:
        BankError: the file is malformed; every problem with its path and line.
    """
    from ai_procurement._office.yaml import load_yaml
    from ai_procurement.bank.converter import structure

    source: str | Text
    if path is None:
        source = msg("{name} (bundled requirements)", name=BUNDLED_REQUIREMENTS)
        raw = (resources.files("ai_procurement.bank") / "requirements"
               / f"{BUNDLED_REQUIREMENTS}.yaml").read_bytes()
    else:
        source = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise BankError(source, [Problem("$", msg("cannot read the file: {reason}",
                                                      reason=os_reason(exc)))]) from None
    document, problems = load_yaml(raw)
    if document is None:
        raise BankError(source, problems)
    result, problems = structure(document.data, LevelRequirements)
    if result is None:
        raise BankError(source, [Problem(p.path, p.message, p.line or document.line(p.path))
                                 for p in problems])
    problems = [Problem(f"$.rules[{i}].from_level", msg(
                    "expected a level from 1 to 4, got {level}", level=rule.from_level),
                        document.line(f"$.rules[{i}].from_level"))
                for i, rule in enumerate(result.rules) if rule.from_level not in IMPACT_LEVELS]
    problems += [Problem(f"$.rules[{i}]", msg("a rule needs a knockout, an evidence rule or "
                                              "both"), document.line(f"$.rules[{i}]"))
                 for i, rule in enumerate(result.rules)
                 if rule.knockout is None and rule.evidence is None]
    if result.format != 1:
        problems.append(Problem("$.format", msg("unknown format {format!r}; this library reads "
                                                "format {supported}", format=result.format,
                                                supported=1)))
    if problems:
        raise BankError(source, problems)
    return result


def apply_impact_level(bank: Bank, level: int,
                       requirements: LevelRequirements | None = None
                       ) -> tuple[Bank, tuple[AppliedRequirement, ...]]:
    """Switch on the requirements of ``level`` in a vendor bank.

    Every rule with ``from_level <= level`` applies, in file order: a later rule on the
    same question replaces the knock-out or evidence rule an earlier one set (so a
    level-IV rule can widen a level-III knock-out). Switched questions get the tag
    ``impact-level-<roman>`` so every output shows why they are demanded. Rules naming
    a question the bank does not hold are skipped and recorded with ``applied=False``.

    Args:
        bank: the vendor bank (bundled, tailored or the buyer's own).
        level: the impact level, 1 (I) to 4 (IV).
        requirements: the rules; None loads the bundled ones.

    Returns:
        The tailored bank (``attrs.evolve`` of ``bank``; same id and version) and the
        record of every rule that applies at that level.

    Raises:
        BankError: ``level`` is not 1 to 4, or the tailored bank is invalid (a knock-out
            naming an option the question does not have).
    """
    if level not in IMPACT_LEVELS:
        raise BankError(msg("bank {bank!r}", bank=bank.id), [Problem("$", msg(
            "impact level must be 1 to 4 (I to IV), got {level!r}", level=level))])
    rules = (requirements or load_level_requirements()).rules
    ids = {q.id for _, q in bank.questions()}
    changes: dict[str, Question] = {}
    record: list[AppliedRequirement] = []
    tag = f"impact-level-{roman(level)}"
    for rule in rules:
        if rule.from_level > level:
            continue
        present = rule.question in ids
        record.append(AppliedRequirement(rule.question, rule.from_level, rule.why,
                                         rule.knockout is not None, rule.evidence is not None,
                                         present))
        if not present:
            continue
        question = changes.get(rule.question) or bank.question(rule.question)
        if rule.knockout is not None:
            question = attrs.evolve(question, knockout=rule.knockout)
        if rule.evidence is not None:
            question = attrs.evolve(question, evidence=rule.evidence)
        if tag not in question.tags:
            question = attrs.evolve(question, tags=(*question.tags, tag))
        changes[rule.question] = question
    criteria = tuple(attrs.evolve(c, questions=tuple(changes.get(q.id, q) for q in c.questions))
                     for c in bank.criteria)
    tailored = attrs.evolve(bank, criteria=criteria)
    problems = check_bank(tailored)
    if problems:
        raise BankError(msg("bank {bank!r} at impact level {level}", bank=bank.id,
                            level=roman(level)), problems)
    return tailored, tuple(record)


def tailor_for_impact(bank: Bank, level: int,
                      requirements: LevelRequirements | None = None) -> Bank:
    """Return ``bank`` with the requirements of impact ``level`` switched on.

    See :func:`apply_impact_level`, which also returns the record of the switch.
    """
    return apply_impact_level(bank, level, requirements)[0]
