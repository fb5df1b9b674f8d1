"""The question bank: criteria, questions, how each answer is scored.

A bank is plain data (frozen attrs classes, no I/O). It says what a buyer asks vendors
about AI governance, what each answer is worth and which answers disqualify an offer.
Files are read and written by :mod:`ai_procurement.bank.files`; this module only holds
the model and :func:`check_bank`, which lists every semantic problem of a bank at once.

Every text a vendor or a buyer reads is a :class:`Text` with a French and an English
version.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable, Iterator
from typing import Literal, TypeAlias

import attrs

from ai_procurement.errors import Problem
from ai_procurement.text import LANGUAGES, Lang, Text, msg

__all__ = [
    "AGGREGATIONS",
    "LANGUAGES",
    "Aggregation",
    "AllOf",
    "AnswerGuidance",
    "AnswerSpec",
    "AnyOf",
    "Applicability",
    "Bank",
    "Better",
    "Choice",
    "Condition",
    "CostItem",
    "Criterion",
    "DateAnswer",
    "DqeItem",
    "Evidence",
    "FreeText",
    "KnockOut",
    "Lang",
    "Level",
    "Linear",
    "MultipleChoice",
    "Number",
    "Option",
    "Price",
    "Question",
    "Recurrence",
    "Reference",
    "Scale",
    "SingleChoice",
    "Step",
    "SubCriterion",
    "Text",
    "Thresholds",
    "Verification",
    "YesNo",
    "bank_warnings",
    "check_bank",
    "condition_questions",
    "effective_condition",
    "guidance_for",
    "needs_verification",
]

FORMAT_VERSION = 1
"""The version of the bank file format this library writes."""

SUPPORTED_FORMATS = (1,)
"""The bank file format versions this library reads."""

_Add: TypeAlias = Callable[[Problem], None]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")

# Characters XML 1.0 (hence Excel and Word files) cannot hold, and lone surrogates that
# cannot be written as UTF-8.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@attrs.frozen
class Reference:
    """A published source a bank or a question draws on (AI Act article, RGESN...)."""

    label: str
    url: str | None = None


class Evidence(enum.Enum):
    """Whether a vendor must back an answer with a document, page or link."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Verification(enum.Enum):
    """How the buyer can check an answer, before award or during the contract.

    A scored answer that cannot be checked rewards the boldest claim. Naming the means
    of verification in the bank tells vendors what they will be held to, and tells the
    buyer which answers become binding commitments of the winning offer.
    """

    DOCUMENT = "document"
    """A document backs the answer: certificate, report, contract clause, documentation."""
    DEMONSTRATION = "demonstration"
    """The buyer sees it work: a demonstration, screenshots, a trial account."""
    TEST = "test"
    """The buyer or a third party measures it: acceptance test, test set, benchmark."""
    AUDIT = "audit"
    """An audit by the buyer or a third party it appoints checks it during the contract."""
    COMMITMENT = "commitment"
    """The answer is a contractual commitment, checked during the contract (see
    :func:`ai_procurement.decision.commitments.binding_commitments`)."""


class Better(enum.Enum):
    """Direction of a numeric criterion."""

    HIGHER = "higher"
    LOWER = "lower"


class Recurrence(enum.Enum):
    """How often a cost item is paid over the contract."""

    ONCE = "once"
    YEARLY = "yearly"


@attrs.frozen
class Option:
    """One option of a choice question, worth ``points`` when chosen.

    An ``exclusive`` option of a multiple-choice question ("none of these") cannot be
    ticked together with another option: the answer would contradict itself.
    """

    id: str
    label: Text
    points: float
    exclusive: bool = False


@attrs.frozen
class Level:
    """One level of a scale, with the descriptor that anchors it."""

    value: int
    descriptor: Text


@attrs.frozen
class Step:
    """A threshold of a number curve: reaching ``at`` earns ``fraction`` of the points."""

    at: float
    fraction: float


@attrs.frozen
class Linear:
    """Linear scoring between two bounds; outside them the fraction is 0 or 1."""

    lower: float
    upper: float
    better: Better


@attrs.frozen
class Thresholds:
    """Stepwise scoring: the best step reached gives the fraction (0 if none)."""

    steps: tuple[Step, ...]
    better: Better


@attrs.frozen
class YesNo:
    """A yes/no question; ``yes`` and ``no`` are the option ids answers use."""

    yes_points: float = 1.0
    no_points: float = 0.0

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The two answer values, ``("yes", "no")``."""
        return ("yes", "no")


@attrs.frozen
class SingleChoice:
    """One option among several, each worth its points."""

    options: tuple[Option, ...]

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The ids of the options, in order."""
        return tuple(o.id for o in self.options)


Choice: TypeAlias = "YesNo | SingleChoice | MultipleChoice"


@attrs.frozen
class MultipleChoice:
    """Any number of options.

    ``aggregation`` is explicit: ``"sum"`` adds the points of the ticked options and
    caps the total at ``cap`` (the maximum); ``"best"`` keeps the best ticked option.
    """

    options: tuple[Option, ...]
    aggregation: Literal["sum", "best"]
    cap: float | None = None

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The ids of the options, in order."""
        return tuple(o.id for o in self.options)


@attrs.frozen
class Scale:
    """A level chosen by the vendor on a scale whose levels each have a descriptor."""

    levels: tuple[Level, ...]


@attrs.frozen
class Number:
    """A number, in ``unit``, scored by ``curve`` (or not scored when ``curve`` is None)."""

    unit: Text
    curve: Linear | Thresholds | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False


@attrs.frozen
class DateAnswer:
    """A date. With a ``deadline``, a date on or before it earns the points."""

    deadline: dt.date | None = None


@attrs.frozen
class FreeText:
    """Free text scored by evaluators on an anchored scale (``scale``).

    Without a scale the question is *information only*: no evaluator scores it, it earns
    no points and its weight must be 0.
    """

    scale: tuple[Level, ...] = ()
    max_chars: int = 32767


@attrs.frozen
class CostItem:
    """One line of a cost breakdown (licence, set-up, yearly run costs, training...)."""

    id: str
    label: Text
    recurrence: Recurrence


@attrs.frozen
class DqeItem:
    """One line of a DQE (détail quantitatif estimatif): a unit-priced item.

    The buyer sets the ``quantity`` (in ``unit``) before publication; the bidder gives
    the unit price. The line's total is ``quantity × unit price``.
    """

    id: str
    label: Text
    unit: Text
    quantity: float


@attrs.frozen
class Price:
    """A price in euros excluding tax: a lump sum, a DQE, or both.

    Lump sum (the simple, default case): ``items`` are amounts, one-off or yearly; the
    total is the one-off items plus ``years`` times the yearly items. DQE: ``dqe``
    lists unit-priced items whose quantities the buyer sets; their total is the sum of
    quantity × unit price. The compared price is the sum of both parts. Price questions
    are not scored by rules: the price method of the evaluation scores them.
    """

    items: tuple[CostItem, ...]
    years: int
    currency: str = "EUR"
    dqe: tuple[DqeItem, ...] = ()

    @property
    def model(self) -> Literal["lump-sum", "dqe", "mixed"]:
        """``"lump-sum"``, ``"dqe"`` or ``"mixed"`` (both parts)."""
        if not self.dqe:
            return "lump-sum"
        return "mixed" if self.items else "dqe"


AnswerSpec: TypeAlias = (
    YesNo | SingleChoice | MultipleChoice | Scale | Number | DateAnswer | FreeText | Price
)
"""What kind of answer a question expects, and how it is scored."""


@attrs.frozen
class KnockOut:
    """Answers that make an offer non-compliant (a mandatory requirement).

    For choice questions ``when`` lists the disqualifying option ids; for number
    questions ``below`` / ``above`` bound the acceptable values. An unanswered knock-out
    question also makes an offer non-compliant: the requirement cannot be verified.
    """

    reason: Text
    when: tuple[str, ...] = ()
    below: float | None = None
    above: float | None = None


@attrs.frozen
class Condition:
    """The question applies only when ``question`` was answered with one of ``any_of``."""

    question: str
    any_of: tuple[str, ...]


@attrs.frozen
class AllOf:
    """Applies when every condition of ``all_of`` holds ("A and B")."""

    all_of: tuple[Applicability, ...]


@attrs.frozen
class AnyOf:
    """Applies when at least one condition of ``any_of`` holds ("A or B")."""

    any_of: tuple[Applicability, ...]


Applicability: TypeAlias = Condition | AllOf | AnyOf
"""When a question or a whole criterion applies: one condition, or several combined."""


def condition_questions(condition: Applicability | None) -> tuple[str, ...]:
    """The ids of the questions ``condition`` depends on, in order, without repeats."""
    if condition is None:
        return ()
    if isinstance(condition, Condition):
        return (condition.question,)
    parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
    found: dict[str, None] = {}
    for part in parts:
        found.update(dict.fromkeys(condition_questions(part)))
    return tuple(found)


@attrs.frozen
class AnswerGuidance:
    """Guidance shown to a vendor who gives ``answer`` (an option id), e.g. what to add."""

    answer: str
    text: Text


@attrs.frozen
class Question:
    """A question asked to every vendor, with its scoring rule and weight.

    ``why`` may be None only for a question of weight 0 (it earns no points, so there is
    no award reason to publish). ``sub_criterion`` names the sub-criterion of its
    criterion the question belongs to, when the criterion has sub-criteria.
    ``guidance_by_answer`` gives, per option, what the vendor should add when it gives
    that answer (see :func:`guidance_for`).
    """

    id: str
    text: Text
    why: Text | None
    answer: AnswerSpec
    weight: float = 1.0
    vendor_guidance: Text | None = None
    evaluator_guidance: Text | None = None
    knockout: KnockOut | None = None
    na_allowed: bool = False
    evidence: Evidence = Evidence.OPTIONAL
    applies_if: Applicability | None = None
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sub_criterion: str | None = None
    guidance_by_answer: tuple[AnswerGuidance, ...] = ()
    verification: Verification | None = None

    @property
    def scored_by_evaluators(self) -> bool:
        """True when human evaluators score the answer (free text with a scale)."""
        return isinstance(self.answer, FreeText) and bool(self.answer.scale)

    @property
    def information_only(self) -> bool:
        """True for a free-text question without a scale: no review, no points."""
        return isinstance(self.answer, FreeText) and not self.answer.scale


@attrs.frozen
class SubCriterion:
    """A sub-criterion: a weighted group of questions inside a criterion.

    French rules require publishing sub-criteria weights when they weigh on the choice:
    ``weight`` is published with the questionnaire and its fingerprint.
    """

    id: str
    title: Text
    weight: float
    description: Text | None = None


@attrs.frozen
class Criterion:
    """An award criterion: a weighted group of questions.

    ``applies_if`` switches the whole criterion on or off from earlier answers (a
    product without AI, a product not hosted in the cloud). ``sub_criteria``, when given,
    is a second weighted level: every question then names its sub-criterion.
    """

    id: str
    title: Text
    description: Text
    weight: float
    questions: tuple[Question, ...]
    tags: tuple[str, ...] = ()
    applies_if: Applicability | None = None
    sub_criteria: tuple[SubCriterion, ...] = ()

    @property
    def is_price(self) -> bool:
        """True for the criterion holding the price question."""
        return any(isinstance(q.answer, Price) for q in self.questions)


Aggregation: TypeAlias = Literal["fixed", "redistribute", "flat"]
"""How points that do not apply to an offer are treated (see :data:`AGGREGATIONS`)."""

AGGREGATIONS: dict[str, Text] = {
    "fixed": msg("Each criterion keeps its published share of the points; a criterion that does "
                 "not apply to an offer earns it 0 points."),
    "redistribute": msg("The share of a criterion that does not apply to an offer is spread over "
                        "the criteria that do, in proportion to their published weights."),
    "flat": msg("Score = points earned / points applicable to the offer, on the published scale: "
                "questions that do not apply leave the potential."),
}
"""The published aggregation rules, each with the sentence printed for vendors."""


@attrs.frozen
class Bank:
    """A question bank: the criteria and questions a buyer can send to vendors.

    ``audience`` is ``"vendor"`` for banks sent to vendors and ``"internal"`` for grids
    the buyer's own team fills (such as the screening grid). ``languages`` lists the
    languages its texts exist in (an imported English grid may declare ``("en",)``).
    ``aggregation`` is the published rule for points that do not apply to an offer.
    With ``require_verification`` true, a scored or knock-out question without a
    ``verification`` is an error of :func:`check_bank` rather than a warning of
    :func:`bank_warnings`.
    """

    id: str
    version: str
    title: Text
    description: Text
    criteria: tuple[Criterion, ...]
    references: tuple[Reference, ...] = ()
    audience: Literal["vendor", "internal"] = "vendor"
    require_verification: bool = False
    format: int = FORMAT_VERSION
    languages: tuple[Lang, ...] = LANGUAGES
    aggregation: Aggregation = "fixed"

    def questions(self) -> Iterator[tuple[Criterion, Question]]:
        """Yield every (criterion, question) pair in order."""
        for criterion in self.criteria:
            for question in criterion.questions:
                yield criterion, question

    def question(self, question_id: str) -> Question:
        """Return the question with id ``question_id`` (``KeyError`` if absent)."""
        for _, q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def effective_condition(criterion: Criterion, question: Question) -> Applicability | None:
    """When ``question`` applies: its criterion's condition and its own, combined."""
    parts = [c for c in (criterion.applies_if, question.applies_if) if c is not None]
    if len(parts) == 2:
        return AllOf(tuple(parts))
    return parts[0] if parts else None


def guidance_for(question: Question, value: object) -> Text | None:
    """The guidance ``question`` gives for the answer ``value``, or None.

    ``value`` is an option id (yes/no, single choice) or a tuple of option ids (multiple
    choice); the texts of several ticked options are joined in option order.
    """
    chosen = set(value) if isinstance(value, tuple) else {value}
    texts = [g.text for g in question.guidance_by_answer if g.answer in chosen]
    if not texts:
        return None
    return Text("\n".join(t.fr for t in texts if t.fr),
                "\n".join(t.en for t in texts if t.en))


def option_ids(spec: AnswerSpec) -> tuple[str, ...] | None:
    """Return the answer values of a choice question, or None for other types."""
    if isinstance(spec, YesNo | SingleChoice | MultipleChoice):
        return spec.option_ids
    return None


def check_bank(bank: Bank) -> list[Problem]:
    """Return every semantic problem of ``bank`` (empty when the bank is valid).

    Checks: format version, ids (syntax, duplicates), translations, weights, option and
    level tables, number curves, knock-outs, conditions (dangling, non-choice targets,
    unknown values, cycles), the single price question and, when the bank sets
    ``require_verification``, a means of verification on every scored or knock-out
    question. Problems a buyer may accept are reported by :func:`bank_warnings`.
    """
    problems: list[Problem] = []
    add = problems.append
    if bank.format not in SUPPORTED_FORMATS:
        add(Problem("$.format", msg("unknown format version {version!r}; this library reads "
                                    "versions {list_SUPPORTED_FORMATS}", version=bank.format,
                                    list_SUPPORTED_FORMATS=list(SUPPORTED_FORMATS))))
    if not bank.languages or len(set(bank.languages)) != len(bank.languages) or any(
            lang not in LANGUAGES for lang in bank.languages):
        add(Problem("$.languages", msg("expected distinct languages among {allowed}, got "
                                       "{languages}", allowed=list(LANGUAGES),
                                       languages=list(bank.languages))))
    if bank.aggregation not in AGGREGATIONS:
        add(Problem("$.aggregation", msg("expected one of {values}, got {value!r}",
                                         values=list(AGGREGATIONS), value=bank.aggregation)))
    _check_id(bank.id, "$.id", add)
    _check_text(bank.title, "$.title", add)
    _check_text(bank.description, "$.description", add)
    if not bank.criteria:
        add(Problem("$.criteria", msg("a bank needs at least one criterion")))
    seen: dict[str, str] = {}
    locations: dict[str, str] = {}
    price_questions: list[str] = []
    for ci, criterion in enumerate(bank.criteria):
        cp = f"$.criteria[{ci}]"
        _check_unique(criterion.id, cp + ".id", seen, add)
        _check_text(criterion.title, cp + ".title", add)
        _check_text(criterion.description, cp + ".description", add)
        _check_weight(criterion.weight, cp + ".weight", add)
        if not criterion.questions:
            add(Problem(cp + ".questions", msg("a criterion needs at least one question")))
        kinds = {isinstance(q.answer, Price) for q in criterion.questions}
        if len(kinds) > 1:
            add(Problem(cp, msg("the price question must be alone in its criterion")))
        for si, sub in enumerate(criterion.sub_criteria):
            sp = f"{cp}.sub_criteria[{si}]"
            _check_unique(sub.id, sp + ".id", seen, add)
            _check_text(sub.title, sp + ".title", add)
            if sub.description is not None:
                _check_text(sub.description, sp + ".description", add)
            _check_weight(sub.weight, sp + ".weight", add)
        for qi, q in enumerate(criterion.questions):
            qp = f"{cp}.questions[{qi}]"
            locations[q.id] = qp
            _check_unique(q.id, qp + ".id", seen, add)
            _check_question(q, qp, add)
            if isinstance(q.answer, Price):
                price_questions.append(qp)
        _check_sub_criteria(criterion, cp, add)
    if len(price_questions) > 1:
        add(Problem(price_questions[1], msg("a bank holds at most one price question (the "
                                            "first is at {first})", first=price_questions[0])))
    if bank.criteria and all(c.weight == 0 for c in bank.criteria if _finite(c.weight)):
        add(Problem("$.criteria", msg("at least one criterion needs a weight above 0")))
    _check_conditions(bank, locations, add)
    if bank.require_verification:
        problems += _missing_verification(bank, locations)
    # Texts need only exist in the languages the bank declares.
    absent = {lang for lang in LANGUAGES if lang not in bank.languages}
    return [p for p in problems if not any(
        p.path.endswith("." + lang) and p.what == _missing(lang) for lang in absent)]


def _missing(lang: str) -> Text:
    return msg("missing translation: the {lang} text is empty", lang=lang)


def _check_sub_criteria(criterion: Criterion, cp: str, add: _Add) -> None:
    subs = {s.id for s in criterion.sub_criteria}
    used: set[str] = set()
    for qi, q in enumerate(criterion.questions):
        qp = f"{cp}.questions[{qi}].sub_criterion"
        if not subs:
            if q.sub_criterion is not None:
                add(Problem(qp, msg("criterion {criterion!r} declares no sub-criteria",
                                    criterion=criterion.id)))
        elif q.sub_criterion is None:
            add(Problem(qp, msg("name the sub-criterion of this question, one of {subs}",
                                subs=sorted(subs))))
        elif q.sub_criterion not in subs:
            add(Problem(qp, msg("unknown sub-criterion {sub!r}; expected one of {subs}",
                                sub=q.sub_criterion, subs=sorted(subs))))
        else:
            used.add(q.sub_criterion)
    for si, sub in enumerate(criterion.sub_criteria):
        if sub.id not in used:
            add(Problem(f"{cp}.sub_criteria[{si}]", msg("sub-criterion {sub!r} holds no "
                                                        "question", sub=sub.id)))
    if subs and all(s.weight == 0 for s in criterion.sub_criteria if _finite(s.weight)):
        add(Problem(cp + ".sub_criteria", msg("at least one sub-criterion needs a weight "
                                              "above 0")))


def needs_verification(question: Question) -> bool:
    """True for a question that decides something: scored (weight > 0) or a knock-out.

    Price questions are left out: the price method scores them and the price is binding
    by nature of the offer.
    """
    if isinstance(question.answer, Price):
        return False
    return question.knockout is not None or (_finite(question.weight)
                                             and question.weight > 0)


def bank_warnings(bank: Bank) -> list[Problem]:
    """Return what a buyer should review in a valid bank, without making it invalid.

    Warnings: a scored or knock-out question of a vendor bank without a means of
    ``verification`` (an error instead when the bank sets ``require_verification``;
    internal grids such as the screening or impact assessment have no vendor claim to
    verify), and an option naming
    France that scores above an option naming the European Union in the same question
    (a geographic preference, contrary to equal treatment: CCP L3, TFEU art. 56,
    Regulation (EU) 2018/1807, GDPR art. 1(3)).
    """
    locations = {q.id: f"$.criteria[{ci}].questions[{qi}]"
                 for ci, c in enumerate(bank.criteria) for qi, q in enumerate(c.questions)}
    found: list[Problem] = []
    if not bank.require_verification and bank.audience == "vendor":
        found += _missing_verification(bank, locations)
    for _, q in bank.questions():
        found += _geographic_preference(q, locations[q.id])
    return found


def _missing_verification(bank: Bank, locations: dict[str, str]) -> list[Problem]:
    return [Problem(locations[q.id] + ".verification", msg(
                "question {question!r} is scored or a knock-out and needs a means of "
                "verification: one of {means}", question=q.id,
                means=[v.value for v in Verification]))
            for _, q in bank.questions() if needs_verification(q) and q.verification is None]


_FRANCE = re.compile(r"\bFrance\b")
_EU = re.compile(r"Union européenne|European Union|\bUE\b|\bEU\b|\bEEE\b|\bEEA\b")
_OUTSIDE = re.compile(r"\bhors\b|\boutside\b", re.IGNORECASE)


def _geographic_preference(q: Question, path: str) -> list[Problem]:
    """Options naming France alone that score above an option naming the EU."""
    spec = q.answer
    if not isinstance(spec, SingleChoice | MultipleChoice):
        return []

    def names(option: Option, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(option.label.get(lang)) for lang in LANGUAGES)

    union = [o for o in spec.options if names(o, _EU) and not names(o, _OUTSIDE)]
    return [Problem(f"{path}.answer.options[{spec.options.index(o)}].points",
                    msg("question {question!r}: option {option!r} (France) scores {points} "
                        "while option {union!r} (European Union) scores {union_points}: "
                        "hosting in one Member State may not score above another (CCP L3, "
                        "TFEU art. 56, Regulation (EU) 2018/1807); ask about exposure to "
                        "non-EU law, certifications 'or equivalent', control of keys and "
                        "sub-processors instead", question=q.id, option=o.id, points=o.points,
                        union=e.id, union_points=e.points))
            for o in spec.options if names(o, _FRANCE) and not names(o, _EU)
            for e in union if o.points > e.points]


def _finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _check_id(value: str, path: str, add: _Add) -> None:
    if not _ID.match(value):
        add(Problem(path, msg("expected an id of letters, digits, '-', '_' or '.', starting "
                              "with a letter (at most 64 characters), got {value!r}",
                              value=value)))


def _check_unique(value: str, path: str, seen: dict[str, str], add: _Add) -> None:
    _check_id(value, path, add)
    if value in seen:
        add(Problem(path, msg("duplicate id {value!r} (first used at {first})", value=value,
                              first=seen[value])))
    else:
        seen[value] = path


def _check_text(text: Text, path: str, add: _Add) -> None:
    for lang in LANGUAGES:
        value = text.get(lang)
        if not value.strip():
            add(Problem(f"{path}.{lang}", _missing(lang)))
        elif bad := _UNWRITABLE.search(value):
            add(Problem(f"{path}.{lang}", msg("character U+{code:04X} cannot be stored in "
                                              "Excel or Word files; remove it",
                                              code=ord(bad.group()))))


def _check_weight(weight: float, path: str, add: _Add) -> None:
    if not _finite(weight) or weight < 0:
        add(Problem(path, msg("expected a finite number >= 0, got {weight!r}", weight=weight)))


def _check_question(q: Question, qp: str, add: _Add) -> None:
    _check_text(q.text, qp + ".text", add)
    if q.why is not None:
        _check_text(q.why, qp + ".why", add)
    elif not (_finite(q.weight) and q.weight == 0):
        add(Problem(qp + ".why", msg("a question that earns points needs a 'why' (the reason "
                                     "published to vendors); only a question of weight 0 may "
                                     "omit it")))
    for name in ("vendor_guidance", "evaluator_guidance"):
        value = getattr(q, name)
        if value is not None:
            _check_text(value, f"{qp}.{name}", add)
    _check_weight(q.weight, qp + ".weight", add)
    spec = q.answer
    ap = qp + ".answer"
    if isinstance(spec, SingleChoice | MultipleChoice):
        _check_options(spec.options, ap + ".options", add)
        if isinstance(spec, SingleChoice):
            for oi, option in enumerate(spec.options):
                if option.exclusive:
                    add(Problem(f"{ap}.options[{oi}].exclusive", msg(
                        "'exclusive' applies to multiple-choice options only (a single choice "
                        "is exclusive already)")))
        if isinstance(spec, MultipleChoice):
            if spec.aggregation == "sum":
                if spec.cap is None or not _finite(spec.cap) or spec.cap <= 0:
                    add(Problem(ap + ".cap", msg("a 'sum' aggregation needs a cap > 0 (the "
                                                 "points that earn the full score), got "
                                                 "{cap!r}", cap=spec.cap)))
            elif spec.cap is not None:
                add(Problem(ap + ".cap", msg("a cap only applies to the 'sum' aggregation")))
    elif isinstance(spec, YesNo):
        for name in ("yes_points", "no_points"):
            _check_weight(getattr(spec, name), f"{ap}.{name}", add)
    elif isinstance(spec, Scale):
        _check_levels(spec.levels, ap + ".levels", add)
    elif isinstance(spec, FreeText):
        if spec.scale:
            _check_levels(spec.scale, ap + ".scale", add)
        elif q.weight != 0:
            add(Problem(qp + ".weight", msg("a free-text question without a scale is "
                                            "information only: set weight 0, or give a scale "
                                            "for evaluators")))
        if not 1 <= spec.max_chars <= 32767:
            add(Problem(ap + ".max_chars", msg("expected 1 to 32767 (an Excel cell's limit), "
                                               "got {max_chars}", max_chars=spec.max_chars)))
    elif isinstance(spec, Number):
        _check_text(spec.unit, ap + ".unit", add)
        _check_number(spec, ap, add)
    elif isinstance(spec, Price):
        if not spec.items and not spec.dqe:
            add(Problem(ap + ".items", msg("a price needs at least one cost item")))
        ids: dict[str, str] = {}
        for ii, item in enumerate(spec.items):
            _check_unique(item.id, f"{ap}.items[{ii}].id", ids, add)
            _check_text(item.label, f"{ap}.items[{ii}].label", add)
        for di, line in enumerate(spec.dqe):
            _check_unique(line.id, f"{ap}.dqe[{di}].id", ids, add)
            _check_text(line.label, f"{ap}.dqe[{di}].label", add)
            _check_text(line.unit, f"{ap}.dqe[{di}].unit", add)
            if not (isinstance(line.quantity, int | float) and math.isfinite(line.quantity)
                    and line.quantity > 0):
                add(Problem(f"{ap}.dqe[{di}].quantity", msg(
                    "expected a quantity > 0 set by the buyer, got {quantity!r}",
                    quantity=line.quantity)))
        if not 1 <= spec.years <= 50:
            add(Problem(ap + ".years", msg("expected 1 to 50 contract years, got {years}",
                                           years=spec.years)))
        if q.knockout is not None:
            add(Problem(qp + ".knockout", msg("a price cannot be a knock-out; use the "
                                              "abnormally-low-offer check of the evaluation")))
    if q.weight > 0 and _unscored(spec):
        add(Problem(qp + ".weight", msg("this answer type is not scored here (no curve or "
                                        "deadline): set weight 0 or add a scoring rule")))
    if q.knockout is not None:
        _check_knockout(q, qp + ".knockout", add)
    _check_guidance(q, qp + ".guidance_by_answer", add)


def _check_guidance(q: Question, gp: str, add: _Add) -> None:
    if not q.guidance_by_answer:
        return
    values = option_ids(q.answer)
    if values is None:
        add(Problem(gp, msg("guidance per answer applies to yes/no and choice questions "
                            "only")))
        return
    seen: dict[str, int] = {}
    for gi, guidance in enumerate(q.guidance_by_answer):
        if guidance.answer not in values:
            add(Problem(f"{gp}[{gi}].answer", msg("unknown option {option!r}; expected one "
                                                  "of {values}", option=guidance.answer,
                                                  values=list(values))))
        elif guidance.answer in seen:
            add(Problem(f"{gp}[{gi}].answer", msg("option {option!r} already has guidance "
                                                  "(entry {entry})", option=guidance.answer,
                                                  entry=seen[guidance.answer])))
        seen.setdefault(guidance.answer, gi)
        _check_text(guidance.text, f"{gp}[{gi}].text", add)


def _unscored(spec: AnswerSpec) -> bool:
    return (isinstance(spec, Number) and spec.curve is None) or (
        isinstance(spec, DateAnswer) and spec.deadline is None)


def _check_options(options: tuple[Option, ...], path: str, add: _Add) -> None:
    if len(options) < 2:
        add(Problem(path, msg("expected at least 2 options, got {count}", count=len(options))))
    ids: dict[str, str] = {}
    for oi, option in enumerate(options):
        _check_unique(option.id, f"{path}[{oi}].id", ids, add)
        _check_text(option.label, f"{path}[{oi}].label", add)
        _check_weight(option.points, f"{path}[{oi}].points", add)
    for lang in LANGUAGES:
        # A drop-down shows labels: two equal labels could not be told apart.
        seen: dict[str, int] = {}
        for oi, option in enumerate(options):
            label = " ".join(option.label.get(lang).split()).casefold()
            if label and label in seen:
                add(Problem(f"{path}[{oi}].label.{lang}", msg(
                    "same label as option {other} ({label!r}): a vendor could not tell them "
                    "apart", other=seen[label], label=option.label.get(lang))))
            seen.setdefault(label, oi)
    if options and all(_finite(o.points) and o.points <= 0 for o in options):
        add(Problem(path, msg("at least one option needs points above 0")))


def _check_levels(levels: tuple[Level, ...], path: str, add: _Add) -> None:
    values = [lv.value for lv in levels]
    if len(levels) < 2:
        add(Problem(path, msg("expected at least 2 levels, got {count}", count=len(levels))))
    elif values != list(range(values[0], values[0] + len(values))):
        add(Problem(path, msg("levels must be consecutive integers in increasing order, each "
                              "with one descriptor; got values {values}", values=values)))
    for li, level in enumerate(levels):
        _check_text(level.descriptor, f"{path}[{li}].descriptor", add)


def _check_number(spec: Number, ap: str, add: _Add) -> None:
    if (spec.minimum is not None and spec.maximum is not None
            and not spec.minimum <= spec.maximum):
        add(Problem(ap, msg("minimum {minimum} is above maximum {maximum}",
                            minimum=spec.minimum, maximum=spec.maximum)))
    curve = spec.curve
    if isinstance(curve, Linear):
        if not (_finite(curve.lower) and _finite(curve.upper) and curve.lower < curve.upper):
            add(Problem(ap + ".curve", msg("a linear curve needs finite bounds with lower < "
                                           "upper, got {lower!r} and {upper!r}",
                                           lower=curve.lower, upper=curve.upper)))
    elif isinstance(curve, Thresholds):
        if not curve.steps:
            add(Problem(ap + ".curve.steps", msg("expected at least one step")))
        ats = [s.at for s in curve.steps]
        fractions = [s.fraction for s in curve.steps]
        if ats != sorted(set(ats)):
            add(Problem(ap + ".curve.steps", msg("step thresholds must increase strictly, "
                                                 "got {ats}", ats=ats)))
        if any(not (_finite(f) and 0 <= f <= 1) for f in fractions):
            add(Problem(ap + ".curve.steps", msg("fractions must lie in [0, 1], got "
                                                 "{fractions}", fractions=fractions)))
        ordered = fractions if curve.better is Better.HIGHER else fractions[::-1]
        if ordered != sorted(ordered):
            add(Problem(ap + ".curve.steps", msg("with better={better!r}, a better value must "
                                                 "never earn a smaller fraction; got "
                                                 "{fractions}", better=curve.better.value,
                                                 fractions=fractions)))


def _check_knockout(q: Question, kp: str, add: _Add) -> None:
    ko = q.knockout
    assert ko is not None
    _check_text(ko.reason, kp + ".reason", add)
    values = option_ids(q.answer)
    if values is not None:
        if not ko.when:
            add(Problem(kp + ".when", msg("list the answers that disqualify an offer")))
        for wi, value in enumerate(ko.when):
            if value not in values:
                add(Problem(f"{kp}.when[{wi}]", msg("unknown option {option!r}; expected one "
                                                    "of {values}", option=value,
                                                    values=list(values))))
        if set(ko.when) >= set(values):
            add(Problem(kp + ".when", msg("every answer would disqualify the offer")))
        if ko.below is not None or ko.above is not None:
            add(Problem(kp, msg("'below' and 'above' apply to number questions only")))
    elif isinstance(q.answer, Number):
        if ko.when:
            add(Problem(kp + ".when", msg("a number knock-out uses 'below' or 'above'")))
        if ko.below is None and ko.above is None:
            add(Problem(kp, msg("a number knock-out needs 'below' or 'above'")))
    else:
        add(Problem(kp, msg("knock-outs apply to yes/no, choice and number questions only")))


def _check_conditions(bank: Bank, locations: dict[str, str], add: _Add) -> None:
    """Every condition refers to an earlier choice question and names its options.

    Referring only to earlier questions keeps the questionnaire readable top to bottom
    and rules out cycles.
    """
    order: dict[str, int] = {}
    for i, (_, q) in enumerate(bank.questions()):
        order.setdefault(q.id, i)
    position = 0
    for ci, criterion in enumerate(bank.criteria):
        if criterion.applies_if is not None:
            _check_condition(bank, criterion.applies_if, f"$.criteria[{ci}].applies_if",
                             None, position, order, add)
        for q in criterion.questions:
            if q.applies_if is not None:
                _check_condition(bank, q.applies_if, locations[q.id] + ".applies_if", q.id,
                                 position, order, add)
            position += 1


def _check_condition(bank: Bank, cond: Applicability, cp: str, owner: str | None,
                     before: int, order: dict[str, int], add: _Add) -> None:
    if isinstance(cond, AllOf | AnyOf):
        key = "all_of" if isinstance(cond, AllOf) else "any_of"
        parts = cond.all_of if isinstance(cond, AllOf) else cond.any_of
        if len(parts) < 2:
            add(Problem(f"{cp}.{key}", msg("expected at least 2 conditions to combine, got "
                                           "{count}", count=len(parts))))
        for pi, part in enumerate(parts):
            _check_condition(bank, part, f"{cp}.{key}[{pi}]", owner, before, order, add)
        return
    if cond.question not in order:
        add(Problem(cp + ".question", msg("condition refers to unknown question {question!r}",
                                          question=cond.question)))
        return
    if cond.question == owner:
        add(Problem(cp + ".question", msg("a question cannot depend on itself")))
        return
    values = option_ids(bank.question(cond.question).answer)
    if values is None:
        add(Problem(cp + ".question", msg("condition refers to {question!r}, which is not a "
                                          "yes/no or choice question", question=cond.question)))
        return
    if order[cond.question] >= before:
        later = msg("condition refers to {question!r}, which comes after this question: a "
                    "condition may only refer to an earlier question", question=cond.question
                    ) if owner is not None else msg(
            "condition refers to {question!r}, which comes after this criterion's first "
            "question: a condition may only refer to an earlier question",
            question=cond.question)
        add(Problem(cp + ".question", later))
        return
    if not cond.any_of:
        add(Problem(cp + ".any_of", msg("list the answers for which the question applies")))
    for vi, value in enumerate(cond.any_of):
        if value not in values:
            add(Problem(f"{cp}.any_of[{vi}]", msg("unknown option {option!r} of {question!r}; "
                                                  "expected one of {values}", option=value,
                                                  question=cond.question,
                                                  values=list(values))))
