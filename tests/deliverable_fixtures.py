"""Realistic evaluations for the comparison workbook and the decision memo, built without files.

Answers are drawn from a seeded generator for any questionnaire, following its rules: a
question whose condition is not met is "not applicable by condition", knock-outs are
avoided unless a vendor is meant to fail one, a few answers are left blank or declared
not applicable (with a justification), evidence is cited, free texts are reviewed by two
evaluators. The same arguments always give the same evaluation.

- :func:`territorial_evaluation`: the bundled ``ai-territorial`` bank, four ranked
  offers (Alpha, Beta, Gamma, Delta), one failing a red line (Epsilon) and one file
  rejected (Zeta), price scored by the linear method on 100 points.
- :func:`territorial_robustness`: its robustness checks (fixed seed and samples).
- :func:`small_evaluation`: the small ``full`` questionnaire of :mod:`tests.fixtures`
  with vendor names and texts chosen by the caller (hostile strings, long texts).
- :func:`sub_criteria_questionnaire` and :func:`sub_criteria_evaluation`: the same bank
  with its ``SOV`` criterion split into two weighted sub-criteria (3 and 1).
- :func:`make_evaluation`: the builder behind them, for any questionnaire and vendors.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from collections.abc import Mapping, Sequence

import attrs

from ai_procurement.answers import (
    Answer,
    AnswerState,
    AnswerValue,
    EvidenceRef,
    Finding,
    Report,
    Response,
)
from ai_procurement.bank.files import load_bank
from ai_procurement.bank.model import (
    DateAnswer,
    FreeText,
    MultipleChoice,
    Number,
    Price,
    Question,
    Scale,
    SingleChoice,
    SubCriterion,
    YesNo,
)
from ai_procurement.decision.robustness import Robustness, assess_robustness
from ai_procurement.decision.scoring import Evaluation, EvaluatorScore, Settings, evaluate
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.text import Text

__all__ = [
    "CONSULTATION",
    "EVALUATORS",
    "SETTINGS",
    "TERRITORIAL_VENDORS",
    "make_evaluation",
    "make_responses",
    "make_reviews",
    "rejected_response",
    "small_evaluation",
    "sub_criteria_evaluation",
    "sub_criteria_questionnaire",
    "territorial_evaluation",
    "territorial_questionnaire",
    "territorial_robustness",
]

CONSULTATION = Consultation(
    reference="2026-IA-007", title="Assistant conversationnel pour l'accueil des usagers",
    buyer="Communauté de communes du Val d'exemple", contact="commande.publique@example.org",
    deadline=dt.date(2026, 12, 15))

EVALUATORS = ("Claire", "Louis")
SETTINGS = Settings(100, "lineaire")

TERRITORIAL_VENDORS: Mapping[str, float] = {"Alpha": 0.8, "Beta": 0.75, "Gamma": 0.5,
                                            "Delta": 0.6, "Epsilon": 0.7}
"""Vendor -> answer quality in [0, 1] (the share of good answers, roughly)."""

TERRITORIAL_SEED = 196
"""Chosen so that the two leading offers are within 2 % of the points (a close call)."""

KNOCKED_OUT = "Epsilon"
REJECTED = "Zeta"

_TEXT = ("Le système conserve un journal de chaque réponse proposée ; un agent valide toute "
         "réponse envoyée à un usager ; un comité trimestriel revoit les indicateurs.")
_JUSTIFICATION = "Voir le mémoire technique, chapitre 4."


def _evidence(rng: random.Random) -> EvidenceRef:
    return EvidenceRef("memoire-technique.pdf", str(rng.randint(2, 60)), "")


def _value(question: Question, quality: float, rng: random.Random, text: str) -> AnswerValue:
    spec = question.answer
    if isinstance(spec, YesNo):
        good = "yes" if spec.yes_points >= spec.no_points else "no"
        bad = "no" if good == "yes" else "yes"
        return good if rng.random() < quality else bad
    if isinstance(spec, SingleChoice):
        return max(spec.options, key=lambda o: o.points * quality + rng.random()).id
    if isinstance(spec, MultipleChoice):
        return tuple(o.id for o in spec.options if rng.random() < quality)
    if isinstance(spec, Scale):
        levels = spec.levels
        return levels[min(len(levels) - 1, int(quality * len(levels)))].value
    if isinstance(spec, Number):
        low = spec.minimum if spec.minimum is not None else 0.0
        high = spec.maximum if spec.maximum is not None else 100.0
        drawn = low + (high - low) * rng.random()
        return float(round(drawn)) if spec.integer else round(drawn, 2)
    if isinstance(spec, DateAnswer):
        return dt.date(2026, 5, 1) + dt.timedelta(days=rng.randint(0, 400))
    if isinstance(spec, FreeText):
        return text
    assert isinstance(spec, Price)
    return {item.id: float(rng.randint(10, 500) * 100) for item in spec.items}


def _passing(question: Question, value: AnswerValue) -> AnswerValue:
    """``value`` changed so that it passes the question's knock-out."""
    ko = question.knockout
    if ko is None:
        return value
    spec = question.answer
    if isinstance(value, str) and value in ko.when and isinstance(
            spec, YesNo | SingleChoice | MultipleChoice):
        return next(o for o in spec.option_ids if o not in ko.when)
    if isinstance(value, tuple):
        return tuple(o for o in value if o not in ko.when)
    if isinstance(value, float):
        if ko.below is not None and value < ko.below:
            return ko.below
        if ko.above is not None and value > ko.above:
            return ko.above
    return value


def _failing(question: Question) -> AnswerValue | None:
    """A value failing the question's knock-out, or None when there is no simple one."""
    ko = question.knockout
    if ko is None or not ko.when:
        return None
    if isinstance(question.answer, MultipleChoice):
        return (ko.when[0],)
    return ko.when[0]


def _applies(question: Question, answers: Mapping[str, Answer]) -> bool:
    condition = question.applies_if
    if condition is None:
        return True
    earlier = answers.get(condition.question)
    if earlier is None or earlier.state is not AnswerState.ANSWERED:
        return False
    value = earlier.value
    if isinstance(value, tuple):
        return bool(set(value) & set(condition.any_of))
    return value in condition.any_of


def make_answers(questionnaire: Questionnaire, quality: float, rng: random.Random, *,
                 text: str = _TEXT, justification: str = _JUSTIFICATION,
                 fail_knockout: bool = False, gaps: bool = True) -> dict[str, Answer]:
    """One vendor's answers to every question of ``questionnaire``.

    ``fail_knockout`` makes the first knock-out question with listed values fail;
    ``gaps`` leaves about one answer in 25 blank and declares "not applicable" (with a
    justification) about one in three of the questions that allow it.
    """
    answers: dict[str, Answer] = {}
    failed = not fail_knockout
    for _, question in questionnaire.bank.questions():
        if not _applies(question, answers):
            answers[question.id] = Answer(question.id, AnswerState.NOT_APPLICABLE_BY_CONDITION)
            continue
        draw = rng.random()
        is_price = isinstance(question.answer, Price)
        if gaps and not is_price and question.knockout is None and draw < 0.04:
            answers[question.id] = Answer(question.id, AnswerState.UNANSWERED)
            continue
        if gaps and question.na_allowed and draw > 0.67:
            answers[question.id] = Answer(question.id, AnswerState.NOT_APPLICABLE, None,
                                          "Le service ne traite pas ce cas.")
            continue
        value = _passing(question, _value(question, quality, rng, text))
        if not failed and (failing := _failing(question)) is not None:
            value, failed = failing, True
        answers[question.id] = Answer(question.id, AnswerState.ANSWERED, value, justification,
                                      _evidence(rng))
    return answers


def _sha(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def make_responses(questionnaire: Questionnaire, qualities: Mapping[str, float], *,
                   seed: int = 1, knocked_out: Sequence[str] = (),
                   texts: Mapping[str, str] | None = None,
                   justifications: Mapping[str, str] | None = None,
                   gaps: bool = True) -> dict[str, Response]:
    """Responses of every vendor in ``qualities`` (in the order given, one generator)."""
    rng = random.Random(seed)
    texts = texts or {}
    justifications = justifications or {}
    responses: dict[str, Response] = {}
    for vendor, quality in qualities.items():
        answers = make_answers(questionnaire, quality, rng, text=texts.get(vendor, _TEXT),
                               justification=justifications.get(vendor, _JUSTIFICATION),
                               fail_knockout=vendor in knocked_out, gaps=gaps)
        file = f"reponse-{len(responses) + 1:02d}.xlsx"
        responses[vendor] = Response(file, "", answers, Report(file, _sha(vendor), ()))
    return responses


def rejected_response(vendor: str) -> Response:
    """A response whose file was refused (a broken signature), with no answers."""
    file = f"reponse-{vendor.lower()}.xlsx"
    finding = Finding("error", "signature-mismatch",
                      Text("La signature du fichier ne correspond pas au questionnaire "
                           "publié : le fichier a été modifié ou ne vient pas de cette "
                           "consultation.",
                           "The file's signature does not match the published "
                           "questionnaire: the file was altered or is not from this "
                           "consultation."), file)
    return Response(file, "", {}, Report(file, _sha(file), (finding,)))


def make_reviews(questionnaire: Questionnaire, responses: Mapping[str, Response],
                 qualities: Mapping[str, float], *, seed: int = 2,
                 evaluators: Sequence[str] = EVALUATORS) -> list[EvaluatorScore]:
    """Each evaluator's level for every answered free-text question.

    Levels follow the vendor's quality, each evaluator off by -1, 0 or +1 level, and one
    evaluator in one review in eight is off by half the scale (an evaluator divergence).
    """
    rng = random.Random(seed)
    reviews: list[EvaluatorScore] = []
    for _, question in questionnaire.bank.questions():
        if not isinstance(question.answer, FreeText):
            continue
        low, high = question.answer.scale[0].value, question.answer.scale[-1].value
        for vendor, response in responses.items():
            answer = response.answers.get(question.id)
            if answer is None or answer.state is not AnswerState.ANSWERED:
                continue
            base = low + qualities[vendor] * (high - low)
            diverge = rng.random() < 0.125
            for n, evaluator in enumerate(evaluators):
                shift = rng.choice((-1, 0, 1)) + (
                    (high - low) // 2 if diverge and n == 0 else 0)
                level = max(low, min(high, round(base + shift)))
                reviews.append(EvaluatorScore(
                    evaluator, vendor, question.id, level,
                    f"Niveau {level} : réponse {'précise' if level > low else 'vague'}."))
    return reviews


def make_evaluation(questionnaire: Questionnaire, qualities: Mapping[str, float], *,
                    settings: Settings = SETTINGS, seed: int = 1,
                    knocked_out: Sequence[str] = (), rejected: Sequence[str] = (),
                    texts: Mapping[str, str] | None = None,
                    justifications: Mapping[str, str] | None = None,
                    gaps: bool = True, reviewed: bool = True) -> Evaluation:
    """Evaluate vendors answering ``questionnaire`` with the given qualities."""
    responses = make_responses(questionnaire, qualities, seed=seed, knocked_out=knocked_out,
                               texts=texts, justifications=justifications, gaps=gaps)
    reviews = make_reviews(questionnaire, responses, qualities, seed=seed + 1) if reviewed else []
    for vendor in rejected:
        responses[vendor] = rejected_response(vendor)
    return evaluate(questionnaire, responses, settings=settings, reviews=reviews)


@functools.cache
def territorial_questionnaire() -> Questionnaire:
    """The bundled ``ai-territorial`` bank frozen with its default weights."""
    return freeze(load_bank("ai-territorial"), CONSULTATION)


@functools.cache
def sub_criteria_questionnaire() -> Questionnaire:
    """``ai-territorial`` with ``SOV`` split into ``SOV-A`` (weight 3) and ``SOV-B`` (1)."""
    bank = load_bank("ai-territorial")
    criteria = []
    for criterion in bank.criteria:
        if criterion.id == "SOV":
            subs = (SubCriterion("SOV-A", Text("Hébergement et localisation",
                                               "Hosting and location"), 3.0),
                    SubCriterion("SOV-B", Text("Maîtrise des clés", "Control of keys"), 1.0,
                                 Text("Qui détient les clés de chiffrement.",
                                      "Who holds the encryption keys.")))
            questions = tuple(attrs.evolve(q, sub_criterion="SOV-A" if i < 3 else "SOV-B")
                              for i, q in enumerate(criterion.questions))
            criterion = attrs.evolve(criterion, sub_criteria=subs, questions=questions)
        criteria.append(criterion)
    return freeze(attrs.evolve(bank, criteria=tuple(criteria)), CONSULTATION)


@functools.cache
def sub_criteria_evaluation() -> Evaluation:
    """Four ranked vendors on :func:`sub_criteria_questionnaire`."""
    return make_evaluation(sub_criteria_questionnaire(),
                           {"Alpha": 0.8, "Beta": 0.6, "Gamma": 0.4, "Delta": 0.7})


@functools.cache
def territorial_evaluation() -> Evaluation:
    """Six vendors on ``ai-territorial``: four ranked, one knocked out, one file rejected."""
    return make_evaluation(territorial_questionnaire(), TERRITORIAL_VENDORS,
                           knocked_out=(KNOCKED_OUT,), rejected=(REJECTED,),
                           seed=TERRITORIAL_SEED)


@functools.cache
def territorial_robustness() -> Robustness:
    """The robustness checks of :func:`territorial_evaluation` (5 000 samples, seed 2026)."""
    return assess_robustness(territorial_evaluation(), samples=5_000, seed=2026)


def small_evaluation(vendors: Sequence[str], *, texts: Mapping[str, str] | None = None,
                     justifications: Mapping[str, str] | None = None) -> Evaluation:
    """``vendors`` answering the small ``full`` questionnaire of :mod:`tests.fixtures`.

    Qualities decrease with the position in ``vendors``; no answer is left blank.
    """
    from tests.fixtures import full_questionnaire

    qualities = {v: 0.9 - 0.5 * i / max(1, len(vendors) - 1) for i, v in enumerate(vendors)}
    return make_evaluation(full_questionnaire(), qualities, texts=texts,
                           justifications=justifications, gaps=False)
