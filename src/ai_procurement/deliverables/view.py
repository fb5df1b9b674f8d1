"""An evaluation as the memo and the letters read it, in one language, computed once.

:class:`EvaluationView` groups the score lines by offer, names the winner, gives the
points of each criterion and shows answers as the vendor saw them (option labels);
:class:`Formatter` writes numbers, dates, money and untrusted vendor text in the
view's language. Both documents (and the charts) read an evaluation only through them,
so a figure reads the same everywhere; building the view once per evaluation lets a
batch of letters share it.

Vendor text is untrusted: control characters are replaced, right-to-left text and
explicit bidirectional controls are isolated so they cannot reorder the sentence around
them, and long texts are cut visibly (``BODY_LIMIT`` characters in the body,
``ANNEX_LIMIT`` in the annexes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ai_procurement.answers import AnswerState
from ai_procurement.bank.model import Criterion, Question, option_ids
from ai_procurement.decision.scoring import Evaluation, KnockOutFailure, ScoreLine, VendorResult
from ai_procurement.deliverables.labels import (
    STATES,
    clean_text,
    date as _date,
    display_value,
    flag_label,
    isolate_bidi,
    money as _money,
    number as _number,
)
from ai_procurement.text import Lang, Text, msg

__all__ = [
    "ANNEX_LIMIT",
    "BODY_LIMIT",
    "MARKER",
    "MAX_CITED",
    "NAME_LIMIT",
    "STRENGTH",
    "WEAKNESS",
    "EvaluationView",
    "Formatter",
    "cite",
    "clean",
    "knockout_answer",
    "knockout_rule",
    "question_label",
]

BODY_LIMIT = 600
"""Vendor texts longer than this are cut, visibly, in the body of a document."""
ANNEX_LIMIT = 5000
"""Vendor texts longer than this are cut, visibly, in the annexes."""
NAME_LIMIT = 200
"""Vendor names longer than this are cut, visibly."""
MARKER = " […]"
"""What replaces the end of a text cut."""
STRENGTH = 0.75
"""An answer earning at least this share of its points is cited as a strength."""
WEAKNESS = 0.5
"""An answer earning less than this share of its points is cited as a weakness."""
MAX_CITED = 3
"""At most this many answers are cited as strengths or weaknesses."""


# What clean_text changes: control characters other than tab and newline, surrogates and
# the two non-characters. Most text has none, and skips it (it checks each character).
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# isolate_bidi leaves text below U+0590 (no right-to-left letter, no bidi control) alone.
_MAY_NEED_ISOLATING = re.compile("[^\x00-\u058f]")


def clean(text: str, limit: int | None) -> str:
    """:func:`clean_text` with the body's marker, cutting long texts first.

    Cleaning keeps lengths, so cutting early changes nothing but the time spent on
    30 000-character answers.
    """
    if limit is not None and len(text) > limit + 1:
        text = text[: limit + 1]
    if _NEEDS_CLEANING.search(text) is None:
        if limit is not None and len(text) > limit:
            return text[: max(0, limit - len(MARKER))] + MARKER
        return text
    return clean_text(text, limit=limit, marker=MARKER)


def _isolate(text: str) -> str:
    """:func:`isolate_bidi`, without looking at each character of Latin text."""
    return isolate_bidi(text) if _MAY_NEED_ISOLATING.search(text) else text


# The answer values EvaluationView.answer keeps what it wrote for (the others are rare).
_KEYED = frozenset({str, int, float, bool})


# Numbers, amounts and dates already written, shared by the formatters of a run (each
# memo, each lot's part of the combined report, each letter has its own): the memos and
# report of 20 lots of 30 offers ask Babel for 55 000 numbers, half of them written
# already in another document or language (12 µs a number, 30 µs an amount, 100 µs a
# date). Numbers come normalised (-0.0 as 0.0); an amount is kept only when it is a
# non-zero float (-0.0 equals 0.0 as a key but reads "-0"), a date when it is a date
# (an aware datetime equals one of another day elsewhere).
_WRITTEN: dict[tuple[object, ...], str] = {}
_MAX_WRITTEN = 50_000


def _remember(key: tuple[object, ...], shown: str) -> str:
    if len(_WRITTEN) >= _MAX_WRITTEN:
        _WRITTEN.clear()
    _WRITTEN[key] = shown
    return shown


class Formatter:
    """Numbers, dates, vendor names and bilingual labels in one language.

    Args:
        lang: the language.
        vendors: the vendor names the texts may quote (made safe once).
    """

    def __init__(self, lang: Lang, vendors: Iterable[str] = ()) -> None:
        self.lang: Lang = lang
        self._texts: dict[tuple[str, int | None], str] = {}
        # A memo of 300 offers writes 250 000 numbers: each formatter keeps its own, a
        # look-up cheaper than the shared one.
        self._numbers: dict[tuple[float, int], str] = {}
        # Points are most of them (520 000 in the memos of 20 lots of 30 offers): one
        # look-up by value (equal values read the same: n() writes -0.0 as 0.0).
        self._points: dict[float, str] = {}
        self._names = {v: self._clean_name(v) for v in vendors}
        # Longest first, so a name holding another is replaced whole.
        self._replaced = [(raw, shown) for raw, shown in sorted(
            self._names.items(), key=lambda item: len(item[0]), reverse=True)
            if raw and raw != shown]

        self.sep = " ; " if lang == "fr" else "; "
        self.colon = " : " if lang == "fr" else ": "

    def t(self, fr: str | Text, en: str | None = None) -> str:
        """The text in this language (French guillemets hold with no-break spaces).

        Args:
            fr: a :class:`Text` (``msg(...)``), or the French of a pair given as two strings.
            en: the English of that pair; omitted with a :class:`Text`.
        """
        if isinstance(fr, Text):
            french, english = fr.get("fr"), fr.get("en")
        elif en is None:
            raise TypeError("t() takes a Text, or the French and the English")
        else:
            french, english = fr, en
        if self.lang == "fr":
            # French guillemets hold their quotation with non-breaking spaces.
            return french.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
        return english

    def n(self, value: float, digits: int = 2) -> str:
        """A number with ``digits`` decimals."""
        key = (value + 0.0, digits)
        shown = self._numbers.get(key)
        if shown is None:
            written = (key[0], self.lang, digits)
            shown = _WRITTEN.get(written) or _remember(
                written, _number(key[0], self.lang, digits))
            self._numbers[key] = shown
        return shown

    def pts(self, value: float) -> str:
        """Points, two decimals."""
        shown = self._points.get(value)
        if shown is None:
            shown = self._points[value] = self.n(value, 2)
        return shown

    def pct(self, share: float, digits: int = 0) -> str:
        """A share (0.25) as a percentage (25 %)."""
        number = self.n(share * 100, digits)
        return f"{number}\u00a0%" if self.lang == "fr" else f"{number}%"

    def money(self, value: float) -> str:
        """An amount in euros."""
        if type(value) is not float or value == 0:
            return _money(value, self.lang)
        key = (value, self.lang, "money")
        return _WRITTEN.get(key) or _remember(key, _money(value, self.lang))

    def date(self, value: dt.date | None) -> str:
        """A date in words, or a dash."""
        if value is None:
            return "—"
        if type(value) is not dt.date:
            return _date(value, self.lang)
        key = (value, self.lang, "date")
        return _WRITTEN.get(key) or _remember(key, _date(value, self.lang))

    def text(self, value: str, limit: int | None = BODY_LIMIT) -> str:
        """Untrusted text: cleaned, cut visibly, bidi-isolated."""
        key = (value, limit)
        shown = self._texts.get(key)
        if shown is None:
            shown = self._texts[key] = _isolate(clean(value, limit))
        return shown

    def _clean_name(self, name: str, limit: int = NAME_LIMIT) -> str:
        return _isolate(clean(name, limit)) or "—"

    def name(self, vendor: str, limit: int = NAME_LIMIT) -> str:
        """A vendor name made safe to show."""
        if limit == NAME_LIMIT and vendor in self._names:
            return self._names[vendor]
        return self._clean_name(vendor, limit)

    def sentence(self, text: str) -> str:
        """A library sentence that may quote vendor names: names made safe, text cleaned."""
        for raw, shown in self._replaced:
            if raw in text:
                text = text.replace(raw, shown)
        return clean(text, None)


class EvaluationView:
    """What the memo, the letters and the charts read from an evaluation, computed once.

    Args:
        evaluation: the scored offers.
        lang: the language of every text and number.
    """

    def __init__(self, evaluation: Evaluation, lang: Lang) -> None:
        self.evaluation = evaluation
        self.lang: Lang = lang
        self.f = Formatter(lang, [v.vendor for v in evaluation.vendors])
        bank = evaluation.questionnaire.bank
        self.criteria: list[Criterion] = list(bank.criteria)
        self.points = evaluation.criterion_points
        self.total_points = evaluation.settings.total_points
        self.questions: dict[str, Question] = {q.id: q for _, q in bank.questions()}
        self.price_criterion = next((c for c in self.criteria if c.is_price), None)
        self.weighted = [c for c in self.criteria if self.points.get(c.id, 0.0) > 0
                         and not c.is_price]
        self.ranking = evaluation.ranking
        self.lines: dict[str, list[ScoreLine]] = {}
        self._by_criterion: dict[tuple[str, str], list[ScoreLine]] = {}
        for line in evaluation.lines:
            self.lines.setdefault(line.vendor, []).append(line)
            self._by_criterion.setdefault((line.vendor, line.criterion_id), []).append(line)
        self._answers: dict[tuple[str, type, object, int | None], str] = {}
        leaders = [v for v in self.ranking if v.rank == 1]
        self.tied_first = len(leaders) > 1
        self.winner: VendorResult | None = leaders[0] if len(leaders) == 1 else None

    def title(self, criterion: Criterion) -> str:
        """The criterion's title in the view's language."""
        return criterion.title.get(self.lang)

    def price_points(self, vendor: VendorResult) -> float:
        """The points of ``vendor`` on the price criterion (0 without one)."""
        if self.price_criterion is None:
            return 0.0
        return vendor.criteria.get(self.price_criterion.id, 0.0)

    def technical(self, vendor: VendorResult) -> float:
        """The points of ``vendor`` outside the price criterion."""
        return vendor.total - self.price_points(vendor)

    def answer(self, line: ScoreLine, limit: int | None) -> str:
        """An answer as the vendor saw it (option labels), cut at ``limit``."""
        if line.state is not AnswerState.ANSWERED:
            return STATES[line.state.value].get(self.lang)
        # Offers often give the same answer to a question (an option, a number): each is
        # written once (the two memos of 300 offers show 110 000 answers).
        value, kind = line.value, type(line.value)
        if kind not in _KEYED:
            return self._answer(line, limit)
        # repr tells -0.0 from 0.0, which compare equal but may not read the same.
        key = (line.question_id, kind, repr(value) if kind is float else value, limit)
        shown = self._answers.get(key)
        if shown is None:
            shown = self._answers[key] = self._answer(line, limit)
        return shown

    def _answer(self, line: ScoreLine, limit: int | None) -> str:
        f = self.f
        question = self.questions.get(line.question_id)
        if question is None:
            return f.text(str(line.value), limit)
        try:
            shown = display_value(question, line.value, self.lang)
        except (KeyError, TypeError, ValueError):
            shown = str(line.value)
        return f.text(shown, limit)

    def flags(self, flags: Iterable[str]) -> str:
        """Flag codes in words."""
        return self.f.sep.join(self.f.sentence(flag_label(flag, self.lang)) for flag in flags)

    def criterion_lines(self, vendor: str, criterion_id: str) -> list[ScoreLine]:
        """The score lines of ``vendor`` on one criterion."""
        return list(self._by_criterion.get((vendor, criterion_id), ()))


def cite(view: EvaluationView, line: ScoreLine) -> str:
    """One answer cited in a note: id, answer, points and evidence."""
    f = view.f
    quoted = (f"«\u00a0{view.answer(line, BODY_LIMIT)}\u00a0»" if view.lang == "fr"
              else f"'{view.answer(line, BODY_LIMIT)}'")
    detail = [f"{f.pts(line.points)}\u00a0/\u00a0{f.pts(line.max_points)}\u00a0pt"]
    if line.evidence.strip():
        detail.append(f.t(msg("evidence: ")) + f.text(line.evidence, 200))
    if "evidence-missing" in line.flags:
        detail.append(flag_label("evidence-missing", view.lang))
    if line.source == "override" and line.justification.strip():
        detail.append(f.t(msg("reasoned override: "))
                      + f.text(line.justification, 300))
    return f"{line.question_id} {quoted} ({f.sep.join(detail)})"



def knockout_answer(view: EvaluationView, vendor: str, failure: KnockOutFailure) -> str:
    """The answer that failed a knock-out, as the vendor saw it (option labels)."""
    for line in view.lines.get(vendor, ()):
        if line.question_id == failure.question_id:
            return view.answer(line, BODY_LIMIT)
    return view.f.text(failure.answer, BODY_LIMIT)


def question_label(view: EvaluationView, question_id: str) -> str:
    """A question's id and text."""
    question = view.questions.get(question_id)
    if question is None:
        return question_id
    return f"{question_id} – {view.f.text(question.text.get(view.lang), 300)}"


def knockout_rule(view: EvaluationView, failure: KnockOutFailure) -> str:
    """The knock-out rule with option labels rather than option ids."""
    question = view.questions.get(failure.question_id)
    ko = question.knockout if question is not None else None
    if question is None or ko is None or not ko.when:
        return failure.rule.get(view.lang)
    labels = [display_value(question, value, view.lang) if value in (
        option_ids(question.answer) or ()) else value for value in ko.when]
    return view.f.t(msg("Disqualifying if the answer is: ")) + (
        view.f.t(msg(" or ")).join(f"«\u00a0{x}\u00a0»" if view.lang == "fr" else f"'{x}'"
                                      for x in labels))

