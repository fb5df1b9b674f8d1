"""Hypothesis strategies for valid question banks, shared by the test modules.

Every bank :func:`banks` draws passes :func:`ai_procurement.bank.model.check_bank`, so a
property over it tests the code under test, not the validator. Texts are any Unicode
that Excel, Word and UTF-8 can hold, non-blank in both languages. Numbers stay within
±1e6 so that sums and products derived from them stay finite.

:func:`example_bank` is a small fixed bank for worked examples.
"""

from __future__ import annotations

import datetime as dt
import functools

import attrs
from hypothesis import strategies as st

from ai_procurement.bank.model import (
    AnswerSpec,
    Bank,
    Better,
    Condition,
    CostItem,
    Criterion,
    DateAnswer,
    Evidence,
    FreeText,
    KnockOut,
    Level,
    Linear,
    MultipleChoice,
    Number,
    Option,
    Price,
    Question,
    Recurrence,
    Reference,
    Scale,
    SingleChoice,
    Step,
    Thresholds,
    Verification,
    YesNo,
    option_ids,
)
from ai_procurement.text import Text

__all__ = [
    "answer_specs",
    "banks",
    "example_bank",
    "ids",
    "price_specs",
    "questions",
    "strings",
    "texts",
    "weights",
]

# Characters XML 1.0 (Excel, Word) cannot hold; the UTF-8 codec excludes lone surrogates.
_UNWRITABLE = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]))
_CHARACTERS = st.characters(codec="utf-8", exclude_characters=_UNWRITABLE + "\ufffe\uffff")

ID_PATTERN = r"[A-Za-z][A-Za-z0-9_.-]{0,63}"

# Strategies are built once: building them inside every draw makes generation slow.


@functools.cache
def strings(*, min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    """Any writable Unicode string that is not blank (``strip()`` leaves something)."""
    return st.text(_CHARACTERS, min_size=min_size, max_size=max_size).filter(str.strip)


@functools.cache
def texts(*, max_size: int = 12) -> st.SearchStrategy[Text]:
    """A bilingual text, non-blank in French and in English."""
    return st.builds(Text, fr=strings(max_size=max_size), en=strings(max_size=max_size))


@functools.cache
def ids() -> st.SearchStrategy[str]:
    """An id matching the bank id syntax (a letter, then letters, digits, '-', '_', '.')."""
    return st.from_regex(ID_PATTERN, fullmatch=True)


@functools.cache
def weights(*, positive: bool = False) -> st.SearchStrategy[float]:
    """A weight or a number of points: a finite float >= 0 (> 0 with ``positive``)."""
    return st.one_of(
        st.integers(1 if positive else 0, 100).map(float),
        st.floats(min_value=1e-6 if positive else 0.0, max_value=1e6,
                  allow_nan=False, allow_infinity=False))


_FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_FRACTIONS = st.floats(min_value=0.0, max_value=1.0)
_OPTIONAL_TEXT = st.none() | texts()
_LABELS = st.lists(strings(), max_size=2).map(tuple)


@st.composite
def _levels(draw: st.DrawFn) -> tuple[Level, ...]:
    start = draw(st.integers(-3, 5))
    count = draw(st.integers(2, 5))
    return tuple(Level(start + i, draw(texts())) for i in range(count))


@st.composite
def _options(draw: st.DrawFn, *, exclusive: bool = False) -> tuple[Option, ...]:
    values = draw(st.lists(ids(), min_size=2, max_size=4, unique=True))
    points = [draw(weights()) for _ in values]
    if not any(points):
        points[draw(st.integers(0, len(points) - 1))] = draw(weights(positive=True))
    def folded(text: str) -> str:
        return " ".join(text.split()).casefold()

    # Labels are what a drop-down shows: distinct in each language, as check_bank requires.
    labels = draw(st.lists(texts(), min_size=len(values), max_size=len(values),
                           unique_by=(lambda t: folded(t.fr), lambda t: folded(t.en))))
    # Multiple choice may have "none of these" options that must be ticked alone.
    alone = [draw(st.booleans()) if exclusive else False for _ in values]
    return tuple(Option(v, label, p, e)
                 for v, label, p, e in zip(values, labels, points, alone, strict=True))


@st.composite
def _linear(draw: st.DrawFn) -> Linear:
    bounds = draw(st.lists(_FINITE, min_size=2, max_size=2, unique=True))
    return Linear(min(bounds), max(bounds), draw(st.sampled_from(Better)))


@st.composite
def _thresholds(draw: st.DrawFn) -> Thresholds:
    ats = sorted(draw(st.lists(_FINITE, min_size=1, max_size=4, unique=True)))
    fractions = sorted(draw(st.lists(_FRACTIONS, min_size=len(ats), max_size=len(ats))))
    better = draw(st.sampled_from(Better))
    if better is Better.LOWER:  # a lower value must never earn a smaller fraction
        fractions.reverse()
    return Thresholds(tuple(Step(a, f) for a, f in zip(ats, fractions, strict=True)), better)


@st.composite
def _numbers(draw: st.DrawFn) -> Number:
    bounds = sorted(draw(st.lists(_FINITE, min_size=2, max_size=2)))
    minimum = draw(st.sampled_from([None, bounds[0]]))
    maximum = draw(st.sampled_from([None, bounds[1]]))
    curve = draw(st.none() | _linear() | _thresholds())
    return Number(draw(texts()), curve, minimum, maximum, draw(st.booleans()))


@st.composite
def _prices(draw: st.DrawFn) -> Price:
    item_ids = draw(st.lists(ids(), min_size=1, max_size=4, unique=True))
    items = tuple(CostItem(i, draw(texts()), draw(st.sampled_from(Recurrence)))
                  for i in item_ids)
    return Price(items, draw(st.integers(1, 50)), "EUR")


_PRICES = _prices()
_ANSWERS: st.SearchStrategy[AnswerSpec] = st.one_of(
    st.builds(YesNo, weights(), weights()),
    st.builds(SingleChoice, _options()),
    st.builds(MultipleChoice, _options(exclusive=True), st.just("sum"),
              weights(positive=True)),
    st.builds(MultipleChoice, _options(exclusive=True), st.just("best"), st.none()),
    st.builds(Scale, _levels()),
    _numbers(),
    st.builds(DateAnswer, st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))),
    st.builds(FreeText, _levels(), st.integers(1, 32767)),
)


def price_specs() -> st.SearchStrategy[Price]:
    """A valid cost breakdown (one to four items, unique item ids, 1 to 50 years)."""
    return _PRICES


def answer_specs() -> st.SearchStrategy[AnswerSpec]:
    """Every answer type except price (see :func:`price_specs`), with valid scoring rules."""
    return _ANSWERS


def _knockout(draw: st.DrawFn, spec: AnswerSpec) -> KnockOut | None:
    values = option_ids(spec)
    if values is not None:
        # A non-empty, proper subset of the answers disqualifies.
        when = draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values) - 1,
                             unique=True))
        return KnockOut(draw(texts()), tuple(when))
    if isinstance(spec, Number):
        below, above = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
        return KnockOut(draw(texts()), (), draw(_FINITE) if below else None,
                        draw(_FINITE) if above else None)
    return None


@st.composite
def questions(draw: st.DrawFn, *, question_id: str | None = None,
              answers: st.SearchStrategy[AnswerSpec] | None = None) -> Question:
    """A valid question without condition (conditions need a bank: see :func:`banks`).

    Args:
        draw: supplied by hypothesis.
        question_id: the id to use; drawn when None.
        answers: the answer specs to draw from; :func:`answer_specs` when None.
    """
    spec = draw(answers if answers is not None else _ANSWERS)
    unscored = (isinstance(spec, Number) and spec.curve is None) or (
        isinstance(spec, DateAnswer) and spec.deadline is None)
    knockout = None
    if not isinstance(spec, Price) and draw(st.booleans()):
        knockout = _knockout(draw, spec)
    return Question(
        id=question_id if question_id is not None else draw(ids()),
        text=draw(texts()),
        why=draw(texts()),
        answer=spec,
        weight=0.0 if unscored else draw(weights()),
        vendor_guidance=draw(_OPTIONAL_TEXT),
        evaluator_guidance=draw(_OPTIONAL_TEXT),
        knockout=knockout,
        na_allowed=draw(st.booleans()),
        evidence=draw(st.sampled_from(Evidence)),
        applies_if=None,
        references=draw(_LABELS),
        tags=draw(_LABELS),
        verification=draw(st.none() | st.sampled_from(Verification)),
    )


_CRITERION_TAGS = st.lists(st.sampled_from(["environmental", "governance", "security"]),
                           max_size=2, unique=True).map(tuple)
_REFERENCES = st.lists(st.builds(Reference, strings(),
                                 st.none() | st.just("https://example.org/ref")),
                       max_size=2).map(tuple)


@st.composite
def banks(draw: st.DrawFn, *, max_criteria: int = 4, max_questions: int = 4,
          price: bool | None = None) -> Bank:
    """A valid bank of 1 to ``max_criteria`` criteria of 1 to ``max_questions`` questions.

    Ids are unique across criteria and questions; conditions point to earlier yes/no or
    choice questions with valid answers; at most one price question, alone in its
    criterion (always one with ``price=True``, never with ``price=False``); at least one
    criterion weighs more than 0.

    Args:
        draw: supplied by hypothesis.
        max_criteria: the largest number of criteria.
        max_questions: the largest number of questions per criterion.
        price: whether the bank holds a price question; drawn when None.
    """
    n_criteria = draw(st.integers(1, max_criteria))
    has_price = draw(st.booleans()) if price is None else price
    price_at = draw(st.integers(0, n_criteria - 1)) if has_price else None
    counts = [1 if ci == price_at else draw(st.integers(1, max_questions))
              for ci in range(n_criteria)]
    size = n_criteria + sum(counts)
    all_ids = draw(st.lists(ids(), min_size=size, max_size=size, unique=True))
    criterion_ids, question_ids = all_ids[:n_criteria], iter(all_ids[n_criteria:])
    choices: list[Question] = []  # earlier yes/no and choice questions, for conditions
    criteria: list[Criterion] = []
    for ci, count in enumerate(counts):
        qs: list[Question] = []
        for _ in range(count):
            qid = next(question_ids)
            if ci == price_at:
                q = draw(questions(question_id=qid, answers=_PRICES))
            else:
                q = draw(questions(question_id=qid))
                if draw(st.booleans()) and choices:
                    target = draw(st.sampled_from(choices))
                    values = option_ids(target.answer)
                    assert values is not None
                    any_of = draw(st.lists(st.sampled_from(values), min_size=1,
                                           max_size=len(values), unique=True))
                    q = attrs.evolve(q, applies_if=Condition(target.id, tuple(any_of)))
            if option_ids(q.answer) is not None:
                choices.append(q)
            qs.append(q)
        tags = ("price",) if ci == price_at else draw(_CRITERION_TAGS)
        criteria.append(Criterion(criterion_ids[ci], draw(texts()), draw(texts()),
                                  draw(weights()), tuple(qs), tags))
    if not any(c.weight for c in criteria):
        ci = draw(st.integers(0, n_criteria - 1))
        criteria[ci] = attrs.evolve(criteria[ci], weight=draw(weights(positive=True)))
    return Bank(
        id=draw(ids()),
        version=draw(strings()),
        title=draw(texts()),
        description=draw(texts()),
        criteria=tuple(criteria),
        references=draw(_REFERENCES),
        audience=draw(st.sampled_from(["vendor", "internal"])),
    )


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


def example_bank() -> Bank:
    """A small fixed valid bank: two weighted criteria, a yes/no gate, a knock-out.

    - ``GOV`` (weight 3): ``GOV-01`` yes/no; ``GOV-02`` single choice ``eu`` (2 points)
      or ``other`` (0 points), asked only if ``GOV-01`` is ``yes``, knock-out on ``other``.
    - ``ENV`` (weight 1, tagged environmental): ``ENV-01`` energy per request in Wh,
      linear from 0.5 (full points) to 5 (none).
    """
    why = _t("Pour comparer les offres.", "To compare offers.")
    return Bank(
        id="tiny",
        version="1",
        title=_t("Petite banque", "Tiny bank"),
        description=_t("Banque d'exemple", "Example bank"),
        criteria=(
            Criterion(
                id="GOV",
                title=_t("Gouvernance", "Governance"),
                description=_t("Qui décide", "Who decides"),
                weight=3.0,
                questions=(
                    Question("GOV-01", _t("Hébergez-vous les données ?", "Do you host data?"),
                             why, YesNo()),
                    Question(
                        "GOV-02", _t("Où ?", "Where?"), why,
                        SingleChoice((Option("eu", _t("UE", "EU"), 2.0),
                                      Option("other", _t("Ailleurs", "Elsewhere"), 0.0))),
                        knockout=KnockOut(_t("Hors UE", "Outside the EU"), ("other",)),
                        applies_if=Condition("GOV-01", ("yes",))),
                ),
            ),
            Criterion(
                id="ENV",
                title=_t("Environnement", "Environment"),
                description=_t("Sobriété", "Frugality"),
                weight=1.0,
                questions=(
                    Question("ENV-01", _t("Énergie par requête ?", "Energy per request?"),
                             why, Number(_t("Wh", "Wh"), Linear(0.5, 5.0, Better.LOWER))),
                ),
                tags=("environmental",),
            ),
        ),
    )
