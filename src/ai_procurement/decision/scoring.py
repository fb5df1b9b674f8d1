"""Scoring: from answers to points, knock-outs and a ranking, every figure traceable.

The evaluation follows the order French procurement rules impose: a file that cannot
be read is set aside with its reasons; an offer failing a mandatory requirement
(knock-out) is non-compliant, with each reason, and excluded from the ranking (but
shown in every output); the remaining offers are scored and ranked.

How a question is scored (pure functions, see :func:`question_fraction`): each answer
earns a *fraction* of the question's maximum by the rule of its type; within a
criterion, fractions are averaged with the question weights over the questions that
*count*; the criterion's fraction times its published points gives its points. A
:class:`ScoreLine` records, for every vendor and question, the answer, the rule, the
fraction, the weight, the points and where the score came from, so that every figure in
an output can be traced back.

States of an answer (the policy is recorded in :class:`Settings`):

* unanswered: counts, scores 0;
* not applicable by condition: does not count (the question does not apply);
* answered "not applicable": does not count when the question allows it, a
  justification is given and no evaluator rejected it; otherwise counts and scores 0
  (``na_policy="zero"`` makes every N/A score 0). Where N/A is not allowed it is never
  better than the worst answer.

Points that do not apply to an offer (a criterion switched off by a condition, questions
that do not count) follow the questionnaire's published aggregation rule
(:func:`question_shares`, :func:`aggregation_multiplier`): ``fixed`` keeps each
criterion's published points (a criterion that does not apply earns 0); ``redistribute``
spreads the share of criteria that do not apply over those that do, in proportion;
``flat`` divides the points earned by the points applicable. The last two bring every
figure of the offer (lines, criteria, sub-criteria, price) to the published scale.

Price is scored by the published method among compliant offers only
(:mod:`ai_procurement.decision.price`); abnormally low prices are flagged, never excluded.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Literal, NamedTuple, TypeAlias

import attrs

from ai_procurement.answers import Answer, AnswerState, EvidenceRef, Response
from ai_procurement.bank.model import (
    Aggregation,
    Better,
    Criterion,
    DateAnswer,
    Evidence,
    FreeText,
    Linear,
    MultipleChoice,
    Number,
    Price,
    Question,
    Scale,
    SingleChoice,
    Thresholds,
    YesNo,
)
from ai_procurement.decision.price import (
    LOW_OFFER_METHODS,
    PRICE_METHODS,
    Budget,
    BudgetCheck,
    CostBreakdown,
    LowOfferCheck,
    LowOfferMethod,
    PriceMethod,
    PriceScores,
    abnormally_low,
    check_budget,
    offer_cost,
    price_points,
)
from ai_procurement.decision.ranking import competition_ranking
from ai_procurement.errors import ScoringError
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.text import Text, msg

__all__ = [
    "Divergence",
    "Evaluation",
    "EvaluatorScore",
    "InputFile",
    "KnockOutFailure",
    "Override",
    "ScoreLine",
    "Settings",
    "VendorResult",
    "aggregation_multiplier",
    "evaluate",
    "question_fraction",
    "question_shares",
]

Source: TypeAlias = Literal["rule", "evaluators", "consensus", "override", "price", "none"]
Status: TypeAlias = Literal["ranked", "non-compliant", "unacceptable", "file-rejected"]
"""``"unacceptable"``: the price exceeds the budget (L2152-3), in a procedure without
negotiation (R2152-1); with negotiation the offer stays ``"ranked"``, flagged
``"over-budget"``."""

TIE_TOLERANCE = 1e-9
"""Two totals within ``TIE_TOLERANCE × total points`` are tied; used everywhere."""

_NA_POLICIES = ("exclude-if-allowed-and-justified", "zero")
_EVIDENCE_POLICIES = ("zero-without-required-evidence", "flag-only")
_CONSENSUS = ("mean", "median")


@attrs.frozen
class Settings:
    """Every parameter of an evaluation; recorded with the result.

    Attributes:
        total_points: the scale the buyer published (e.g. 100 or 20); each criterion gets
            its published share of it.
        price_method: how prices become points (``"classique"``, ``"lineaire"``,
            ``"ecart-relatif"``).
        price_coefficient: the coefficient of ``"ecart-relatif"`` (1 otherwise).
        na_policy: ``"exclude-if-allowed-and-justified"`` or ``"zero"``.
        evidence_policy: ``"zero-without-required-evidence"`` (no point without
            evidence where the bank requires it) or ``"flag-only"``.
        consensus: ``"mean"`` or ``"median"`` of the evaluators' levels.
        divergence_threshold: evaluators diverging by more than this share of the scale
            (0.25 = a quarter of the scale) raise an alert.
        low_offer_method: ``"m1m2"`` or ``"mean-minus-sd"`` (flag only).
        tie_tolerance: relative tolerance under which two totals are tied.
    """

    total_points: float
    price_method: PriceMethod
    price_coefficient: float = 1.0
    na_policy: Literal["exclude-if-allowed-and-justified", "zero"] = (
        "exclude-if-allowed-and-justified")
    evidence_policy: Literal["zero-without-required-evidence", "flag-only"] = (
        "zero-without-required-evidence")
    consensus: Literal["mean", "median"] = "median"
    divergence_threshold: float = 0.25
    low_offer_method: LowOfferMethod = "m1m2"
    tie_tolerance: float = TIE_TOLERANCE

    def __attrs_post_init__(self) -> None:
        if not (math.isfinite(self.total_points) and self.total_points > 0):
            raise ScoringError(msg("total_points must be a number > 0, got {value!r}",
                                   value=self.total_points))
        if not 0 <= self.divergence_threshold <= 1:
            raise ScoringError(msg("divergence_threshold is a share of the scale, in [0, 1]; "
                                   "got {value!r}", value=self.divergence_threshold))
        if not 0 <= self.tie_tolerance < 1e-3:
            raise ScoringError(msg("tie_tolerance must be in [0, 0.001), got {value}",
                                   value=self.tie_tolerance))
        # A misspelt method must not silently fall back to another one.
        choices: dict[str, tuple[str, ...]] = {
            "price_method": PRICE_METHODS, "na_policy": _NA_POLICIES,
            "evidence_policy": _EVIDENCE_POLICIES, "consensus": _CONSENSUS,
            "low_offer_method": LOW_OFFER_METHODS}
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ScoringError(msg("{name}: unknown value {value!r}; expected one of "
                                       "{allowed}", name=name, value=value,
                                       allowed=list(allowed)))
        coefficient = self.price_coefficient
        if not (math.isfinite(coefficient) and coefficient > 0):
            raise ScoringError(msg("price_coefficient must be a finite number > 0, got "
                                   "{value!r}", value=coefficient))
        if self.price_method != "ecart-relatif" and coefficient != 1:
            raise ScoringError(msg("price_coefficient={value!r} applies to the 'ecart-relatif' "
                                   "method only; leave it at 1 with {method!r}",
                                   value=coefficient, method=self.price_method))


@attrs.frozen
class EvaluatorScore:
    """One evaluator's level for one vendor's answer to a free-text question.

    ``accept_na`` lets an evaluator reject a vendor's "not applicable" (False).
    """

    evaluator: str
    vendor: str
    question_id: str
    level: int | None
    justification: str = ""
    accept_na: bool | None = None


@attrs.frozen
class Override:
    """A score set by the lead evaluator, always with its rationale.

    Either an agreed level for a free-text answer, or a fraction replacing an automatic
    score.
    """

    vendor: str
    question_id: str
    rationale: str
    level: int | None = None
    fraction: float | None = None
    by: str = ""


@attrs.frozen
class Divergence:
    """Evaluators disagree on one answer by more than the threshold."""

    vendor: str
    question_id: str
    levels: Mapping[str, int]
    spread: float


@attrs.frozen
class KnockOutFailure:
    """Why an offer is non-compliant: the question, the answer and the rule."""

    question_id: str
    answer: str
    rule: Text
    reason: Text


@attrs.frozen
class ScoreLine:
    """How one vendor's answer to one question was scored."""

    vendor: str
    criterion_id: str
    question_id: str
    state: AnswerState
    value: object
    rule: Text
    fraction: float
    weight: float
    counted: bool
    points: float
    max_points: float
    source: Source
    justification: str = ""
    evidence: str = ""
    flags: tuple[str, ...] = ()


@attrs.frozen
class VendorResult:
    """A vendor's outcome: status, points per criterion, total, rank and flags.

    ``sub_criteria`` gives the points per sub-criterion (for criteria that have some);
    ``not_applicable`` names the criteria that do not apply to this offer (by
    condition, or because none of their questions counts).
    """

    vendor: str
    status: Status
    total: float
    criteria: Mapping[str, float]
    rank: int | None
    knockouts: tuple[KnockOutFailure, ...] = ()
    file_errors: tuple[Text, ...] = ()
    flags: tuple[str, ...] = ()
    price: float | None = None
    cost: CostBreakdown | None = None
    sub_criteria: Mapping[str, float] = attrs.field(factory=dict)
    not_applicable: tuple[str, ...] = ()


@attrs.frozen
class InputFile:
    """A file the evaluation read: whose it is, its name and SHA-256."""

    vendor: str
    file: str
    sha256: str


@attrs.frozen
class Evaluation:
    """The result of :func:`evaluate`: everything needed to explain every figure."""

    questionnaire: Questionnaire
    settings: Settings
    vendors: tuple[VendorResult, ...]
    lines: tuple[ScoreLine, ...]
    criterion_points: Mapping[str, float]
    price: PriceScores | None
    low_offers: LowOfferCheck | None
    divergences: tuple[Divergence, ...]
    evaluator_scores: tuple[EvaluatorScore, ...]
    overrides: tuple[Override, ...]
    pending_reviews: tuple[tuple[str, str], ...]
    inputs: tuple[InputFile, ...] = ()
    budget: BudgetCheck | None = None

    @property
    def ranking(self) -> list[VendorResult]:
        """Ranked vendors, best first (ties in name order)."""
        ranked = [v for v in self.vendors if v.rank is not None]
        return sorted(ranked, key=lambda v: (v.rank, v.vendor))

    def vendor(self, name: str) -> VendorResult:
        """The result of vendor ``name``."""
        for result in self.vendors:
            if result.vendor == name:
                return result
        raise KeyError(name)

    def lines_for(self, vendor: str) -> list[ScoreLine]:
        """The score lines of ``vendor``, in questionnaire order."""
        return [line for line in self.lines if line.vendor == vendor]


# -- question rules (pure) --------------------------------------------------------------

def question_fraction(question: Question, value: object) -> float:
    """The fraction of its maximum that ``value`` earns for ``question``, in [0, 1].

    ``value`` is what :class:`~ai_procurement.workbooks.response.Answer` holds for the type. Free
    text and price are not scored by a rule (``ScoringError``).
    """
    spec = question.answer
    if isinstance(spec, YesNo):
        best = max(spec.yes_points, spec.no_points)
        earned = spec.yes_points if value == "yes" else spec.no_points
        return earned / best if best > 0 else 0.0
    if isinstance(spec, SingleChoice):
        best = max(o.points for o in spec.options)
        earned = next((o.points for o in spec.options if o.id == value), 0.0)
        return earned / best
    if isinstance(spec, MultipleChoice):
        ticked = set(value) if isinstance(value, tuple) else set()
        points = [o.points for o in spec.options if o.id in ticked]
        if spec.aggregation == "best":
            return max(points, default=0.0) / max(o.points for o in spec.options)
        assert spec.cap is not None
        return min(sum(points), spec.cap) / spec.cap
    if isinstance(spec, Scale):
        low, high = spec.levels[0].value, spec.levels[-1].value
        assert isinstance(value, int)
        return (value - low) / (high - low)
    if isinstance(spec, Number):
        assert isinstance(value, float | int)
        return _curve(spec, float(value))
    if isinstance(spec, DateAnswer):
        assert isinstance(value, dt.date)
        return 1.0 if spec.deadline is not None and value <= spec.deadline else 0.0
    raise ScoringError(f"question {question.id} is not scored by a rule")


def _curve(spec: Number, x: float) -> float:
    curve = spec.curve
    if isinstance(curve, Linear):
        span = curve.upper - curve.lower
        share = (x - curve.lower) / span if curve.better is Better.HIGHER else (
            (curve.upper - x) / span)
        return min(1.0, max(0.0, share))
    if isinstance(curve, Thresholds):
        reached = [s.fraction for s in curve.steps
                   if (x >= s.at if curve.better is Better.HIGHER else x <= s.at)]
        return max(reached, default=0.0)
    return 0.0


def describe_rule(question: Question) -> Text:
    """The scoring rule of ``question`` in words (French and English)."""
    spec = question.answer
    if isinstance(spec, YesNo):
        return msg("Yes = {spec_yes_points:g} pt, No = {spec_no_points:g} pt",
                   spec_yes_points=spec.yes_points, spec_no_points=spec.no_points)
    if isinstance(spec, SingleChoice | MultipleChoice):
        fr = ", ".join(f"{o.label.fr} = {o.points:g}" for o in spec.options)
        en = ", ".join(f"{o.label.en} = {o.points:g}" for o in spec.options)
        if isinstance(spec, MultipleChoice):
            if spec.aggregation == "sum":
                return msg("Sum of ticked options, capped at {spec_cap:g}: {text}",
                           text=Text(fr=fr, en=en), spec_cap=spec.cap)
            return msg("Best ticked option: {text}", text=Text(fr=fr, en=en))
        return msg("Points of the chosen option: {text}", text=Text(fr=fr, en=en))
    if isinstance(spec, Scale):
        low, high = spec.levels[0].value, spec.levels[-1].value
        return msg("Level from {low} to {high}, proportional", low=low, high=high)
    if isinstance(spec, Number):
        curve, unit = spec.curve, spec.unit
        if isinstance(curve, Linear):
            if curve.better is Better.HIGHER:
                return msg("Linear: 0 at {curve_lower:g} {unit}, full at {curve_upper:g}",
                           unit=unit, curve_lower=curve.lower, curve_upper=curve.upper)
            return msg("Linear: full at {curve_lower:g} {unit}, 0 at {curve_upper:g}", unit=unit,
                       curve_lower=curve.lower, curve_upper=curve.upper)
        if isinstance(curve, Thresholds):
            sign = "≥" if curve.better is Better.HIGHER else "≤"
            steps = ", ".join(f"{sign} {s.at:g} → {s.fraction:.0%}" for s in curve.steps)
            return msg("Steps ({unit}): {steps}", unit=unit, steps=steps)
        return msg("Not scored")
    if isinstance(spec, DateAnswer):
        if spec.deadline is None:
            return msg("Not scored")
        return msg("On or before {spec_deadline_isoformat} = full, otherwise 0",
                   spec_deadline_isoformat=Text(fr=format(spec.deadline, '%d/%m/%Y'),
                   en=spec.deadline.isoformat()))
    if isinstance(spec, FreeText):
        if not spec.scale:
            return msg("Information only, not scored")
        low, high = spec.scale[0].value, spec.scale[-1].value
        return msg("Evaluators, level from {low} to {high}", low=low, high=high)
    assert isinstance(spec, Price)
    return msg("Price scoring method")


def knockout_failure(question: Question, answer: Answer, *,
                     na_rejected: bool = False) -> KnockOutFailure | None:
    """Why ``answer`` fails the knock-out of ``question``, or None when it passes.

    A justified "not applicable" passes where the question allows it, unless an
    evaluator rejected it (``na_rejected``): the requirement then cannot be verified.
    """
    ko = question.knockout
    if ko is None or answer.state is AnswerState.NOT_APPLICABLE_BY_CONDITION:
        return None
    rule = _knockout_rule(question)
    if answer.state is AnswerState.NOT_APPLICABLE and question.na_allowed and (
            answer.justification.strip()) and not na_rejected:
        return None
    if answer.state is not AnswerState.ANSWERED:
        shown = {AnswerState.UNANSWERED: "—", AnswerState.NOT_APPLICABLE: "N/A"}[answer.state]
        return KnockOutFailure(question.id, shown, rule, msg(
                "Requirement cannot be verified (no answer). {ko_reason}", ko_reason=ko.reason))
    value = answer.value
    failed = False
    if isinstance(value, tuple):
        failed = bool(set(value) & set(ko.when))
    elif isinstance(value, str):
        failed = value in ko.when
    elif isinstance(value, float | int):
        failed = (ko.below is not None and value < ko.below) or (
            ko.above is not None and value > ko.above)
    if not failed:
        return None
    return KnockOutFailure(question.id, _show(value), rule, ko.reason)


_YES_NO = (("yes", msg("Yes")), ("no", msg("No")))


def _knockout_rule(question: Question) -> Text:
    ko = question.knockout
    assert ko is not None
    if ko.when:
        # The answers in words, as the vendor saw them, not the option codes ("opt_out").
        words = dict(_YES_NO) if isinstance(question.answer, YesNo) else (
            {o.id: o.label for o in question.answer.options}
            if isinstance(question.answer, SingleChoice | MultipleChoice) else {})
        fr = " ou ".join(f"«\u00a0{words[v].fr}\u00a0»" if v in words else v for v in ko.when)
        en = " or ".join(f"'{words[v].en}'" if v in words else v for v in ko.when)
        return msg("Disqualifying if the answer is {text}", text=Text(fr=fr, en=en))
    parts_fr, parts_en = [], []
    if ko.below is not None:
        parts_fr.append(f"< {ko.below:g}")
        parts_en.append(f"< {ko.below:g}")
    if ko.above is not None:
        parts_fr.append(f"> {ko.above:g}")
        parts_en.append(f"> {ko.above:g}")
    return msg("Disqualifying if {join_parts}", join_parts=Text(fr=' ou '.join(parts_fr),
               en=' or '.join(parts_en)))


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# -- aggregation (pure) ---------------------------------------------------------------------

def question_shares(criterion: Criterion, counted: Iterable[str], *,
                    renormalize: bool) -> dict[str, float]:
    """The share of its criterion's points each question carries, given what counts.

    A question's share is its weight over the weights of its group (its sub-criterion,
    or the whole criterion), times its group's share of the criterion (the
    sub-criterion's weight over the sub-criteria's weights). Questions that do not count
    carry 0. With ``renormalize`` (rules ``fixed`` and ``redistribute``) the shares are
    taken over the questions and sub-criteria that count, so they sum to 1 whenever one
    question counts; without it (rule ``flat``) they are taken over every question, so
    the points of questions that do not count leave the potential.
    """
    counting = set(counted)
    groups: dict[str | None, list[Question]] = {}
    for q in criterion.questions:
        groups.setdefault(q.sub_criterion, []).append(q)
    group_weight: dict[str | None, float] = (
        {s.id: s.weight for s in criterion.sub_criteria} if criterion.sub_criteria
        else {None: 1.0})

    def inside(questions: list[Question]) -> float:
        return math.fsum(q.weight for q in questions if not renormalize or q.id in counting)

    totals = {g: inside(qs) for g, qs in groups.items()}
    active = [g for g in groups if totals[g] > 0]
    weights_sum = math.fsum(group_weight.get(g, 0.0) for g in (
        active if renormalize else groups))
    shares: dict[str, float] = {}
    for g, questions in groups.items():
        group_share = (group_weight.get(g, 0.0) / weights_sum
                       if g in active and weights_sum > 0 else 0.0)
        for q in questions:
            shares[q.id] = (group_share * q.weight / totals[g]
                            if q.id in counting and totals[g] > 0 else 0.0)
    return shares


def aggregation_multiplier(rule: Aggregation, applicable_points: float,
                           total_points: float) -> float:
    """What every point of an offer is multiplied by under the aggregation ``rule``.

    ``applicable_points`` is the part of ``total_points`` that applies to the offer
    (the published points of the criteria that apply for ``redistribute``; the points
    of the questions that count for ``flat``). ``fixed`` keeps the published points
    (1); ``redistribute`` and ``flat`` bring the applicable points back to the published
    scale, so a total never exceeds ``total_points``. Nothing applicable gives 1.
    """
    if rule == "fixed" or applicable_points <= 0:
        return 1.0
    return min(total_points / applicable_points, 1e12)


# -- the evaluation ------------------------------------------------------------------------

def evaluate(questionnaire: Questionnaire, responses: Mapping[str, Response], *,
             settings: Settings, reviews: Iterable[EvaluatorScore] = (),
             overrides: Iterable[Override] = (),
             prices: Mapping[str, float] | None = None, budget: Budget | None = None,
             negotiation: bool = False) -> Evaluation:
    """Score every vendor's response and rank the compliant offers.

    Args:
        questionnaire: the frozen questionnaire the responses answer.
        responses: vendor name -> its read response (a response whose report has errors
            is set aside as "file-rejected", with the reasons).
        settings: every parameter of the evaluation (recorded with the result).
        reviews: the evaluators' levels for free-text answers (and N/A acceptance).
        overrides: agreed levels and automatic scores replaced, each with a rationale.
        prices: vendor -> price, to replace the total cost of ownership computed from
            the price question (e.g. after a negotiation round); the questionnaire must
            have a price criterion. None uses the price question's answers.
        budget: the credits allocated to the contract (lot); an offer whose compared
            price exceeds it is unacceptable (L2152-3). None: no budget check.
        negotiation: the procedure negotiates (or holds a dialogue): an offer above the
            budget stays ranked, flagged ``"over-budget"``, as it may become acceptable
            (R2152-1). Otherwise it is ``"unacceptable"`` and not ranked.

    Raises:
        ScoringError: reviews, overrides or prices naming unknown vendors or questions,
            levels outside a question's scale, duplicate reviews or overrides, an override
            without rationale or of an answer the vendor did not give, prices without a
            price criterion; every problem is listed at once.
    """
    reviews = tuple(reviews)
    overrides = tuple(overrides)
    bank = questionnaire.bank
    _check_inputs(questionnaire, responses, reviews, overrides, prices)
    weights = questionnaire.weights
    criterion_points = {cid: settings.total_points * share for cid, share in weights.items()}
    consensus, divergences, pending, review_flags = _consensus(
        questionnaire, responses, reviews, overrides, settings)
    override_fraction = {(o.vendor, o.question_id): o for o in overrides
                         if o.fraction is not None}
    na_rejected = {(r.vendor, r.question_id) for r in reviews if r.accept_na is False}
    rules = {q.id: describe_rule(q) for _, q in bank.questions()}
    # Many vendors give the same answer (yes, an option, a level): a rule is computed once
    # per question and value.
    fractions: dict[tuple[str, object], float] = {}
    price_criterion = next((c for c in bank.criteria if c.is_price), None)

    rule = questionnaire.aggregation
    lines: list[ScoreLine] = []
    partial: dict[str, dict[str, float]] = {}
    multipliers: dict[str, float] = {}
    sub_points: dict[str, dict[str, float]] = {}
    inapplicable: dict[str, tuple[str, ...]] = {}
    statuses: dict[str, tuple[Status, tuple[KnockOutFailure, ...], tuple[Text, ...]]] = {}
    costs: dict[str, CostBreakdown] = {}
    for vendor in sorted(responses):
        response = responses[vendor]
        if not response.report.ok:
            statuses[vendor] = ("file-rejected", (), tuple(f.message for f in
                                                           response.report.errors))
            continue
        failures: list[KnockOutFailure] = []
        per_criterion: dict[str, float] = {}
        vendor_lines: list[ScoreLine] = []
        subtotals: dict[str, float] = {}
        not_applicable: list[str] = []
        # The price criterion always applies: an offer without a price is irregular.
        applicable = criterion_points[price_criterion.id] if price_criterion else 0.0
        for criterion in bank.criteria:
            if criterion is price_criterion:
                question = criterion.questions[0]
                answer = response.answers.get(question.id)
                if answer is not None and isinstance(question.answer, Price) and (
                        answer.state is AnswerState.ANSWERED and isinstance(answer.value,
                                                                            Mapping)):
                    costs[vendor] = offer_cost(question.answer, answer.value)
                continue
            answers = response.answers
            scored = [(q, answers[q.id], _score(vendor, q, answers[q.id], settings, consensus,
                                                override_fraction, na_rejected, fractions))
                      for q in criterion.questions]
            shares = question_shares(criterion, [q.id for q, _, s in scored if s.counted],
                                     renormalize=rule != "flat")
            fraction = 0.0
            points_available = criterion_points[criterion.id]
            for q, answer, s in scored:
                share = shares[q.id]
                max_points = points_available * share
                vendor_lines.append(ScoreLine(
                    vendor, criterion.id, q.id, answer.state, answer.value, rules[q.id],
                    s.fraction, q.weight, s.counted, max_points * s.fraction, max_points,
                    s.source, s.justification, _evidence(answer.evidence), s.flags))
                fraction += share * s.fraction
                if q.sub_criterion is not None:
                    subtotals[q.sub_criterion] = (subtotals.get(q.sub_criterion, 0.0)
                                                  + max_points * s.fraction)
            applicable += points_available * math.fsum(shares.values())
            if not any(s.counted for _, _, s in scored):
                not_applicable.append(criterion.id)
            per_criterion[criterion.id] = points_available * fraction
            for q in criterion.questions:
                if q.knockout is None:
                    continue
                failure = knockout_failure(q, answers[q.id],
                                           na_rejected=(vendor, q.id) in na_rejected)
                if failure is not None:
                    failures.append(failure)
        # Redistribute and flat bring the points that apply back to the published scale.
        m = aggregation_multiplier(rule, applicable, settings.total_points)
        multipliers[vendor] = m
        lines += [attrs.evolve(line, points=line.points * m, max_points=line.max_points * m)
                  if m != 1 else line for line in vendor_lines]
        partial[vendor] = {c: p * m for c, p in per_criterion.items()}
        sub_points[vendor] = {k: p * m for k, p in subtotals.items()}
        inapplicable[vendor] = tuple(not_applicable)
        statuses[vendor] = ("non-compliant" if failures else "ranked", tuple(failures), ())

    vendor_prices: dict[str, float] = {}
    if prices is not None:
        vendor_prices = {v: float(p) for v, p in prices.items()}
    else:
        vendor_prices = {v: c.total for v, c in costs.items()}
    if price_criterion is not None:
        # An offer without a price is incomplete, hence irregular: it cannot be ranked.
        price_question = price_criterion.questions[0].id
        for vendor, (status, failures_, errors_) in list(statuses.items()):
            if status != "file-rejected" and vendor not in vendor_prices:
                missing = KnockOutFailure(price_question, "—", msg("Price required"), msg(
                        "Price missing or incomplete: the offer is incomplete, hence irregular."))
                statuses[vendor] = ("non-compliant", (*failures_, missing), errors_)
    budget_check: BudgetCheck | None = None
    if budget is not None and price_criterion is not None:
        # Only offers still in the running are compared with the budget: an irregular
        # offer is already out for its own reason.
        exact: dict[str, Decimal | float] = {}
        for v, (status, _, _) in statuses.items():
            if status == "ranked" and v in vendor_prices:
                cost = costs.get(v) if prices is None else None
                exact[v] = (cost.exact if cost is not None and cost.exact is not None
                            else vendor_prices[v])
        budget_check = check_budget(exact, budget, negotiation=negotiation)
        if not negotiation:
            for vendor in budget_check.over:
                _, failures_, errors_ = statuses[vendor]
                statuses[vendor] = ("unacceptable", failures_, errors_)
    compliant = [v for v, (status, _, _) in statuses.items() if status == "ranked"]
    price_scores: PriceScores | None = None
    low: LowOfferCheck | None = None
    price_max = criterion_points.get(price_criterion.id, 0.0) if price_criterion else 0.0
    priced = {v: vendor_prices[v] for v in compliant if v in vendor_prices}
    if price_criterion is not None and priced:
        if price_max > 0:  # a price criterion of weight 0 gives no points to anyone
            price_scores = price_points(priced, settings.price_method, price_max,
                                        coefficient=settings.price_coefficient)
        low = abnormally_low(priced, settings.low_offer_method)

    results: list[VendorResult] = []
    totals: dict[str, float] = {}
    for vendor in sorted(responses):
        status, vendor_failures, file_errors = statuses[vendor]
        per_criterion = dict(partial.get(vendor, {}))
        flags: list[str] = list(review_flags.get(vendor, ()))
        if price_criterion is not None:
            if price_scores is not None and vendor in price_scores.points:
                per_criterion[price_criterion.id] = (price_scores.points[vendor]
                                                     * multipliers.get(vendor, 1.0))
            else:
                per_criterion[price_criterion.id] = 0.0
                if vendor not in vendor_prices and status != "file-rejected":
                    flags.append("no-price")
        if low is not None and vendor in low.flagged:
            flags.append("abnormally-low")
        if budget_check is not None and vendor in budget_check.over:
            flags.append("over-budget")
        ordered = {c.id: per_criterion.get(c.id, 0.0) for c in bank.criteria}
        total = math.fsum(ordered.values())
        if status == "ranked":
            totals[vendor] = total
        if vendor_failures:
            flags.append("knock-out")
        if any(d.vendor == vendor for d in divergences):
            flags.append("evaluator-divergence")
        results.append(VendorResult(vendor, status, total if status != "file-rejected" else 0.0,
                                    ordered, None, vendor_failures, file_errors, tuple(flags),
                                    vendor_prices.get(vendor), costs.get(vendor),
                                    sub_points.get(vendor, {}), inapplicable.get(vendor, ())))
    ranks = competition_ranking(totals, settings.tie_tolerance * settings.total_points)
    results = [attrs.evolve(r, rank=ranks.get(r.vendor)) for r in results]
    inputs = tuple(InputFile(v, responses[v].file, responses[v].report.sha256)
                   for v in sorted(responses))
    return Evaluation(questionnaire, settings, tuple(results), tuple(lines), criterion_points,
                      price_scores, low, tuple(divergences), reviews, overrides,
                      tuple(pending), inputs, budget_check)


class _Scored(NamedTuple):
    """How one answer scored, before the question's share of the points is known."""

    fraction: float
    counted: bool
    source: Source
    justification: str
    flags: tuple[str, ...]


def _score(vendor: str, q: Question, answer: Answer, settings: Settings,
           consensus: Mapping[tuple[str, str], tuple[float, Source, str]],
           override_fraction: Mapping[tuple[str, str], Override],
           na_rejected: set[tuple[str, str]],
           fractions: dict[tuple[str, object], float]) -> _Scored:
    state = answer.state
    if state is AnswerState.NOT_APPLICABLE_BY_CONDITION or q.information_only:
        return _Scored(0.0, False, "none", answer.justification, ())
    if state is AnswerState.NOT_APPLICABLE:
        rejected = (vendor, q.id) in na_rejected
        if (settings.na_policy == "exclude-if-allowed-and-justified" and q.na_allowed
                and answer.justification.strip() != "" and not rejected):
            return _Scored(0.0, False, "none", answer.justification, ())
        reason = ("na-not-allowed" if not q.na_allowed else
                  "na-rejected" if rejected else
                  "na-zero-policy" if settings.na_policy == "zero" else "na-unjustified")
        return _Scored(0.0, True, "rule", answer.justification, (reason,))
    if state is AnswerState.UNANSWERED:
        return _Scored(0.0, True, "rule", answer.justification, ("unanswered",))
    override = override_fraction.get((vendor, q.id))
    if override is not None and override.fraction is not None:
        return _Scored(override.fraction, True, "override", override.rationale, ())
    if q.scored_by_evaluators:
        found = consensus.get((vendor, q.id))
        if found is None:
            return _Scored(0.0, True, "evaluators", answer.justification, ("pending-review",))
        fraction, source, justification = found
        return _Scored(fraction, True, source, justification, ())
    key = (q.id, answer.value)
    if key not in fractions:
        fractions[key] = question_fraction(q, answer.value)
    fraction = fractions[key]
    flags: tuple[str, ...] = ()
    if q.evidence is Evidence.REQUIRED and not answer.evidence.given and fraction > 0:
        flags = ("evidence-missing",)
        if settings.evidence_policy == "zero-without-required-evidence":
            fraction = 0.0
    return _Scored(fraction, True, "rule", answer.justification, flags)


def _evidence(ref: EvidenceRef) -> str:
    parts = (ref.document, ref.page, ref.link)
    return " ".join(p for p in parts if p.strip()) if any(parts) else ""


def _consensus(questionnaire: Questionnaire, responses: Mapping[str, Response],
               reviews: Sequence[EvaluatorScore], overrides: Sequence[Override],
               settings: Settings) -> tuple[dict[tuple[str, str], tuple[float, Source, str]],
                                            list[Divergence], list[tuple[str, str]],
                                            dict[str, list[str]]]:
    """Consensus fraction of every reviewed answer, divergences and pending reviews."""
    by_answer: dict[tuple[str, str], list[EvaluatorScore]] = {}
    for review in reviews:
        if review.level is not None:
            by_answer.setdefault((review.vendor, review.question_id), []).append(review)
    agreed = {(o.vendor, o.question_id): o for o in overrides if o.level is not None}
    rescored = {(o.vendor, o.question_id) for o in overrides if o.fraction is not None}
    result: dict[tuple[str, str], tuple[float, Source, str]] = {}
    divergences: list[Divergence] = []
    pending: list[tuple[str, str]] = []
    flags: dict[str, list[str]] = {}
    for _, q in questionnaire.bank.questions():
        if not isinstance(q.answer, FreeText) or not q.scored_by_evaluators:
            continue
        low, high = q.answer.scale[0].value, q.answer.scale[-1].value
        for vendor in sorted(responses):
            answer = responses[vendor].answers.get(q.id)
            if answer is None or answer.state is not AnswerState.ANSWERED:
                continue
            key = (vendor, q.id)
            scores = sorted(by_answer.get(key, []), key=lambda r: r.evaluator)
            if scores:
                levels = [s.level for s in scores if s.level is not None]
                spread = (max(levels) - min(levels)) / (high - low)
                if spread > settings.divergence_threshold:
                    divergences.append(Divergence(vendor, q.id, {s.evaluator: s.level for s in
                                                                 scores if s.level is not None},
                                                  spread))
                if any(not s.justification.strip() for s in scores):
                    flags.setdefault(vendor, []).append(f"unjustified-score:{q.id}")
            if key in agreed:
                level = agreed[key].level
                assert level is not None
                result[key] = ((level - low) / (high - low), "consensus", agreed[key].rationale)
            elif scores:
                levels = [s.level for s in scores if s.level is not None]
                value = (statistics.fmean(levels) if settings.consensus == "mean"
                         else statistics.median(levels))
                # A dash, not a colon: French would space it, English would not.
                text = " | ".join(f"{s.evaluator} — {s.justification}" for s in scores)
                result[key] = ((value - low) / (high - low), "evaluators", text)
            elif key not in rescored:
                pending.append(key)
    return result, divergences, pending, flags


def _check_inputs(questionnaire: Questionnaire, responses: Mapping[str, Response],
                  reviews: Sequence[EvaluatorScore], overrides: Sequence[Override],
                  prices: Mapping[str, float] | None) -> None:
    problems: list[str] = []
    questions = {q.id: q for _, q in questionnaire.bank.questions()}
    vendors = sorted(responses)
    items: list[EvaluatorScore | Override] = [*reviews, *overrides]
    for item in items:
        who = (f"review by {item.evaluator!r}" if isinstance(item, EvaluatorScore)
               else "override")
        if item.vendor not in responses:
            problems.append(f"{who} names unknown vendor {item.vendor!r}; the vendors are "
                            f"{vendors}")
        q = questions.get(item.question_id)
        if q is None:
            problems.append(f"{who} names unknown question {item.question_id!r}; check the "
                            "question id against the questionnaire")
            continue
        level = item.level
        if level is not None:
            if not isinstance(q.answer, FreeText) or not q.scored_by_evaluators:
                problems.append(f"{item.question_id}: levels apply to free-text questions "
                                "with a scale")
            elif not q.answer.scale[0].value <= level <= q.answer.scale[-1].value:
                problems.append(f"{item.question_id}: level {level} outside the scale "
                                f"{q.answer.scale[0].value}..{q.answer.scale[-1].value}")
    # Counted twice, one evaluator would weigh double in the consensus.
    scored = Counter((r.evaluator, r.vendor, r.question_id) for r in reviews)
    problems += [f"evaluator {evaluator!r} scored {vendor}/{qid} {count} times; keep one "
                 "score per evaluator and answer"
                 for (evaluator, vendor, qid), count in scored.items() if count > 1]
    overridden = Counter((o.vendor, o.question_id) for o in overrides)
    problems += [f"{vendor}/{qid}: {count} overrides; keep one per answer"
                 for (vendor, qid), count in overridden.items() if count > 1]
    for override in overrides:
        where = f"{override.vendor}/{override.question_id}"
        if not override.rationale.strip():
            problems.append(f"{where}: an override needs a rationale")
        if override.fraction is not None and not 0 <= override.fraction <= 1:
            problems.append(f"{where}: fraction must be in [0, 1], got {override.fraction}")
        if (override.fraction is None) == (override.level is None):
            problems.append(f"{where}: give either a level or a fraction (exactly one)")
        response = responses.get(override.vendor)
        answer = None if response is None else response.answers.get(override.question_id)
        if answer is not None and answer.state is not AnswerState.ANSWERED:
            problems.append(f"{where}: the answer is {answer.state.value}; an override can "
                            "only rescore an answer the vendor gave")
    for vendor, response in responses.items():
        missing = [q for q in questions if q not in response.answers and response.report.ok]
        if missing:
            problems.append(f"{vendor}: no answer record for {missing[:5]}")
    if prices is not None:
        if not any(c.is_price for c in questionnaire.bank.criteria):
            problems.append("prices given but the questionnaire has no price criterion: "
                            "price points need a published price weight")
        for vendor, price in prices.items():
            if vendor not in responses:
                problems.append(f"prices name unknown vendor {vendor!r}; the vendors are "
                                f"{vendors}")
            elif isinstance(price, bool) or not isinstance(price, int | float):
                problems.append(f"prices: vendor {vendor!r}: expected a number of euros, "
                                f"got {price!r}")
    if problems:
        raise ScoringError("; ".join(sorted(set(problems))))
