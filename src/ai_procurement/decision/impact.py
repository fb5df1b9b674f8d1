"""The impact level of an AI project, before buying: I (low) to IV (very high).

The buyer's team answers the internal ``ai-impact`` bank about the project itself (who
is affected, what is at stake, how automated the decision is, what mitigation is
planned). :func:`assess_impact` turns the answers into a level with the answers that
drove it, following the scoring of the Government of Canada's Algorithmic Impact
Assessment (AIA; canada.ca, "Algorithmic Impact Assessment tool", section "Scoring"):

1. Questions of criteria tagged ``impact-risk`` add up to the **raw impact score**: a
   yes/no or single-choice question scores the points of the answer chosen, a
   multiple-choice question the sum of its ticked options (capped at its ``cap``) or its
   best option, as the bank says. The maximum raw impact score is the sum of each
   question's best possible points.
2. Questions of criteria tagged ``impact-mitigation`` add up to the **mitigation
   score** the same way.
3. AIA rule: when the mitigation score is **80 % or more of its maximum**, the raw
   impact score is **lowered by 15 %** (score = raw × 0.85); otherwise score = raw.
4. The level follows from the score as a share of the maximum raw impact score: level
   I up to 25 %, II up to 50 %, III up to 75 %, IV above (a share exactly on a
   threshold takes the lower level, as the AIA's "0-25 %, 26-50 %..." bands read).

Rules the AIA leaves to its form (which forces an answer to every question) and that
are ours: an unanswered risk question counts at its **maximum** (precaution: an
unknown risk is not a low risk) and is listed; an unanswered mitigation question counts
0; questions that are not yes/no or choice questions, and criteria without either tag,
do not count. Every parameter is recorded in :attr:`ImpactAssessment.rule`.

Pure computation: no file is read here (the workbook is read by
:mod:`ai_procurement.workbooks.impact`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from ai_procurement.answers import Answer, AnswerState
from ai_procurement.bank.model import Bank, MultipleChoice, Question, SingleChoice, YesNo
from ai_procurement.bank.requirements import roman
from ai_procurement.errors import ScoringError
from ai_procurement.text import Lang, Text, msg

__all__ = [
    "AIA_SOURCE",
    "LEVEL_THRESHOLDS",
    "MITIGATION_DEDUCTION",
    "MITIGATION_TAG",
    "MITIGATION_THRESHOLD",
    "RISK_TAG",
    "ImpactAssessment",
    "ImpactDriver",
    "assess_impact",
]

RISK_TAG = "impact-risk"
MITIGATION_TAG = "impact-mitigation"
LEVEL_THRESHOLDS = (0.25, 0.50, 0.75)
"""Upper bounds (share of the maximum raw impact score) of levels I, II and III."""
MITIGATION_THRESHOLD = 0.80
"""Share of the maximum mitigation score from which the raw impact score is lowered."""
MITIGATION_DEDUCTION = 0.15
"""Share of the raw impact score deducted when the mitigation threshold is reached."""
AIA_SOURCE = ("Government of Canada, Algorithmic Impact Assessment tool, section "
              "'Scoring' (canada.ca, responsible use of AI)")

_LEVEL_WORDS = {1: msg("little to no impact"), 2: msg("moderate"),
                3: msg("high"), 4: msg("very high")}

AnswerInput = Answer | str | Sequence[str]
"""An answer as read from a workbook, or the option id(s) chosen."""


@attrs.frozen
class ImpactDriver:
    """A risk answer that raised the score: the question, what was chosen, its points."""

    question_id: str
    question: Text
    chosen: tuple[Text, ...]
    points: float
    maximum: float
    assumed: bool = False
    """True when the question was left unanswered and counted at its maximum."""


@attrs.frozen
class ImpactAssessment:
    """The impact level of a project and how it was reached.

    Attributes:
        level: 1 to 4 (I to IV).
        raw_score: the raw impact score (risk questions).
        risk_max: the maximum raw impact score.
        mitigation_score: the mitigation score.
        mitigation_max: the maximum mitigation score.
        mitigation_applied: whether the 15 % deduction applied.
        score: the score the level is read from.
        share: ``score / risk_max``.
        drivers: the risk answers that scored, most points first.
        open_questions: the questions left unanswered.
        rule: every parameter of the method, with its source.
    """

    level: int
    raw_score: float
    risk_max: float
    mitigation_score: float
    mitigation_max: float
    mitigation_applied: bool
    score: float
    share: float
    drivers: tuple[ImpactDriver, ...]
    open_questions: tuple[str, ...]
    rule: Mapping[str, object]

    @property
    def roman(self) -> str:
        """The level as a Roman numeral."""
        return roman(self.level)

    def summary(self) -> Text:
        """One sentence: the level, the score and the mitigation."""
        pct_fr = f"{self.share * 100:.0f}".replace(".", ",")
        pct_en = f"{self.share * 100:.0f}"
        fr = (f"Niveau d'impact {self.roman} ({_LEVEL_WORDS[self.level].fr}) : score "
              f"{_n(self.score, 'fr')} sur {_n(self.risk_max, 'fr')} ({pct_fr} %)")
        en = (f"Impact level {self.roman} ({_LEVEL_WORDS[self.level].en}): score "
              f"{_n(self.score, 'en')} out of {_n(self.risk_max, 'en')} ({pct_en}%)")
        if self.mitigation_applied:
            fr += (f", après déduction de 15 % du score brut {_n(self.raw_score, 'fr')} "
                   f"grâce aux mesures d'atténuation ({_n(self.mitigation_score, 'fr')}/"
                   f"{_n(self.mitigation_max, 'fr')}).")
            en += (f", after deducting 15% from the raw score {_n(self.raw_score, 'en')} "
                   f"thanks to the mitigation ({_n(self.mitigation_score, 'en')}/"
                   f"{_n(self.mitigation_max, 'en')}).")
        else:
            fr += (f" ; atténuation {_n(self.mitigation_score, 'fr')}/"
                   f"{_n(self.mitigation_max, 'fr')}, sous le seuil de 80 % qui réduirait "
                   "le score.")
            en += (f"; mitigation {_n(self.mitigation_score, 'en')}/"
                   f"{_n(self.mitigation_max, 'en')}, below the 80% that would lower the "
                   "score.")
        return Text(fr, en)

    def lines(self, lang: Lang) -> list[str]:
        """The level, then the answers that drove it, as lines of text."""
        out = [self.summary().get(lang)]
        out.append(msg("Answers that drove it:").get(lang))
        for d in self.drivers:
            chosen = " ; ".join(c.get(lang) for c in d.chosen) or "—"
            mark = msg(" (unanswered: counted at its maximum)").get(lang) if d.assumed else ""
            out.append(f"  {d.question_id:8} +{_n(d.points, lang)}/{_n(d.maximum, lang)}  "
                       f"{chosen}{mark}")
        if self.open_questions:
            out.append(msg("Questions left open: ")
                       .get(lang) + ", ".join(self.open_questions))
        return out


def _n(value: float, lang: Lang) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _maximum(spec: YesNo | SingleChoice | MultipleChoice) -> float:
    if isinstance(spec, YesNo):
        return max(spec.yes_points, spec.no_points)
    if isinstance(spec, SingleChoice) or spec.aggregation == "best":
        return max(o.points for o in spec.options)
    total = math.fsum(o.points for o in spec.options if o.points > 0)
    return min(total, spec.cap) if spec.cap is not None else total


def _chosen(value: AnswerInput | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, Answer):
        if value.state is not AnswerState.ANSWERED or value.value is None:
            return None
        inner = value.value
        if isinstance(inner, str):
            return (inner,)
        if isinstance(inner, tuple):
            return tuple(str(v) for v in inner)
        raise ScoringError(f"{value.question_id}: expected an option id, got {inner!r}")
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _points(q: Question, spec: YesNo | SingleChoice | MultipleChoice,
            ids: tuple[str, ...]) -> tuple[float, tuple[Text, ...]]:
    if isinstance(spec, YesNo):
        labels = {"yes": (spec.yes_points, msg("yes")),
                  "no": (spec.no_points, msg("no"))}
    else:
        labels = {o.id: (o.points, o.label) for o in spec.options}
    unknown = [i for i in ids if i not in labels]
    if unknown or not ids or (not isinstance(spec, MultipleChoice) and len(ids) > 1):
        raise ScoringError(f"{q.id}: answer {list(ids)} is not valid; expected "
                           f"{'some of' if isinstance(spec, MultipleChoice) else 'one of'} "
                           f"{list(labels)}")
    values = [labels[i][0] for i in ids]
    texts = tuple(labels[i][1] for i in ids)
    if isinstance(spec, MultipleChoice):
        if spec.aggregation == "best":
            return max(values), texts
        total = math.fsum(values)
        return (min(total, spec.cap) if spec.cap is not None else total), texts
    return values[0], texts


def assess_impact(bank: Bank, answers: Mapping[str, AnswerInput]) -> ImpactAssessment:
    """Compute the impact level of a project from its answers to an impact bank.

    Args:
        bank: an impact bank (the bundled ``ai-impact``, or one whose criteria carry the
            tags ``impact-risk`` and ``impact-mitigation``).
        answers: question id -> the answer read from the workbook, or the option id
            (yes/no: ``"yes"``/``"no"``) or ids chosen. Missing ids are unanswered.

    Returns:
        The level, the scores, the answers that drove the level and the rule applied
        (see the module docstring).

    Raises:
        ScoringError: the bank has no risk question or no points to score, an answer
            names an unknown option or an answer id is not a question of the bank.
    """
    known = {q.id for _, q in bank.questions()}
    stray = sorted(set(answers) - known)
    if stray:
        raise ScoringError(f"answers to questions not in bank {bank.id!r}: {stray}")
    raw = risk_max = mitigation = mitigation_max = 0.0
    drivers: list[ImpactDriver] = []
    open_questions: list[str] = []
    for criterion, q in bank.questions():
        risk = RISK_TAG in criterion.tags
        if not (risk or MITIGATION_TAG in criterion.tags):
            continue
        spec = q.answer
        if not isinstance(spec, YesNo | SingleChoice | MultipleChoice):
            continue
        maximum = _maximum(spec)
        ids = _chosen(answers.get(q.id))
        texts: tuple[Text, ...] = ()
        if ids is None:
            open_questions.append(q.id)
            points, assumed = (maximum if risk else 0.0), True
        else:
            (points, texts), assumed = _points(q, spec, ids), False
        if risk:
            raw += points
            risk_max += maximum
            if points > 0:
                drivers.append(ImpactDriver(q.id, q.text, texts, points, maximum, assumed))
        else:
            mitigation += points
            mitigation_max += maximum
    if risk_max <= 0:
        raise ScoringError(f"bank {bank.id!r} has no question scoring risk: tag its risk "
                           f"criteria {RISK_TAG!r}")
    applied = mitigation_max > 0 and mitigation >= MITIGATION_THRESHOLD * mitigation_max
    score = raw * (1 - MITIGATION_DEDUCTION) if applied else raw
    share = score / risk_max
    level = 1 + sum(share > t for t in LEVEL_THRESHOLDS)
    drivers.sort(key=lambda d: -d.points)  # stable: bank order among equal points
    rule: dict[str, object] = {
        "source": AIA_SOURCE,
        "level_thresholds": list(LEVEL_THRESHOLDS),
        "threshold_rule": "a share exactly on a threshold takes the lower level",
        "mitigation_threshold": MITIGATION_THRESHOLD,
        "mitigation_deduction": MITIGATION_DEDUCTION,
        "unanswered_risk": "counted at its maximum",
        "unanswered_mitigation": "counted 0",
        "bank": f"{bank.id} {bank.version}",
    }
    return ImpactAssessment(level, raw, risk_max, mitigation, mitigation_max, applied, score,
                            share, tuple(drivers), tuple(open_questions), rule)
