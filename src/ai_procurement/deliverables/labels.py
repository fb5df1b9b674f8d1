"""How figures, dates and answers are shown to people, in French and English.

One place for presentation, shared by the comparison workbook, the decision memo and
the debrief letters, so the same figure reads the same everywhere. Numbers and dates
follow each language's conventions through Babel ("12,5", "1 234,56 €",
"26 novembre 2026" in French).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ai_procurement.bank.model import (
    FreeText,
    MultipleChoice,
    Number,
    Price,
    Question,
    Scale,
    SingleChoice,
    YesNo,
)
from ai_procurement.text import Lang, Text, msg

__all__ = [
    "FLAGS",
    "LOW_OFFER_METHOD_NAMES",
    "LOW_OFFER_PARAMETER_LABELS",
    "PRICE_METHOD_NAMES",
    "RECURRENCES",
    "ROBUSTNESS_PARAMETER_LABELS",
    "SETTING_LABELS",
    "SOURCES",
    "STATES",
    "STATUSES",
    "clean_text",
    "date",
    "date_time",
    "display_value",
    "flag_label",
    "isolate_bidi",
    "money",
    "number",
    "percent",
]

_LOCALES: dict[Lang, str] = {"fr": "fr_FR", "en": "en_GB"}
_SEP: dict[Lang, str] = {"fr": " ; ", "en": "; "}
"""Between items of a list in a cell: French puts a space before a semicolon."""
_COLON: dict[Lang, str] = {"fr": " : ", "en": ": "}


@functools.cache
def _locale(lang: Lang) -> Any:
    """Babel's locale of ``lang``, parsed once."""
    from babel.core import Locale

    return Locale.parse(_LOCALES[lang])


@functools.cache
def _decimals(digits: int) -> Any:
    """Babel's number pattern with ``digits`` decimals, parsed once."""
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


def number(value: float, lang: Lang, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals in the language's convention ("1 234,50")."""
    if type(value) is float and -_DIRECT < value < _DIRECT and 0 <= digits <= 6:
        # What Babel writes, a tenth of its time (a memo writes thousands of numbers):
        # the float's shortest decimal form rounded half to even, its sign kept ("-0"
        # for -0.001), digits grouped by three; a property test compares the two.
        rounded = decimal.Decimal(repr(value)).quantize(_QUANTA[digits], context=_ROUNDING)
        shown = format(rounded.copy_abs(), f",.{digits}f").translate(_SYMBOLS[lang])
        return "-" + shown if rounded.is_signed() else shown
    from babel.numbers import format_decimal

    # The locale and pattern parsed once: 40 % of the time of formatting a number.
    return str(format_decimal(value, format=_decimals(digits), locale=_locale(lang)))


_DIRECT = 1e15
"""Numbers formatted without Babel are below this, in absolute value (exact in a double)."""
_QUANTA = [decimal.Decimal(1).scaleb(-digits) for digits in range(7)]
_ROUNDING = decimal.Context(prec=40, rounding=decimal.ROUND_HALF_EVEN)
_SYMBOLS: dict[Lang, dict[int, int]] = {
    "fr": str.maketrans(",.", "\u202f,"),  # Babel's fr_FR: narrow no-break space
    "en": {}}


def money(value: float, lang: Lang, currency: str = "EUR") -> str:
    """An amount with its currency ("1 234,56 €" / "€1,234.56")."""
    from babel.numbers import format_currency

    return str(format_currency(value, currency, locale=_locale(lang)))


def percent(share: float, lang: Lang, digits: int = 0) -> str:
    """A share as a percentage ("87 %" / "87%")."""
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return str(format_percent(share, format=pattern, locale=_LOCALES[lang]))


def date(value: dt.date, lang: Lang) -> str:
    """A date in words ("26 novembre 2026", "1er mars 2027" / "26 November 2026")."""
    from babel.dates import format_date

    if lang == "fr" and value.day == 1:  # French writes the first of the month "1er"
        return "1er " + str(format_date(value, format="MMMM y", locale=_LOCALES[lang]))
    return str(format_date(value, format="long", locale=_LOCALES[lang]))


def date_time(value: dt.datetime, lang: Lang) -> str:
    """A time of deposit to the second, as the deadline is ("15 février 2027 à 11:42:05")."""
    joint = "à" if lang == "fr" else "at"
    return f"{date(value.date(), lang)} {joint} {value:%H:%M:%S}"


_CONTROL_OK = {"\n", "\t"}


def clean_text(text: str, *, limit: int | None = None, marker: str = " […]") -> str:
    """Make vendor text safe to embed in XML documents (xlsx, docx).

    Control characters other than tab and newline become U+FFFD, lone surrogates are
    replaced, and text longer than ``limit`` is cut *visibly* with ``marker``.
    """
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    cleaned = "".join(
        "\ufffd" if (unicodedata.category(ch) == "Cc" and ch not in _CONTROL_OK)
        or ch in ("\ufffe", "\uffff") else ch
        for ch in text)
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - len(marker))] + marker
    return cleaned


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


# Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): in vendor
# text they could reorder the buyer's sentence around them ("Trojan Source").
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_NOT_LATIN = re.compile("[^\x00-\u058f]")
# Where every right-to-left character (bidirectional class R or AL) lies, and more
# (tests/deliverables/test_labels.py checks it against unicodedata): text without any is
# not looked up character by character, as a typographic apostrophe or dash made every
# long answer be (1.4 million look-ups in the memos of 20 lots of 30 offers).
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff"
                            "\U00010800-\U00010fff\U0001e800-\U0001efff]")


def isolate_bidi(text: str) -> str:
    """Keep vendor text from reordering the text around it in a document.

    Explicit bidirectional controls (embeddings, overrides, isolates) become U+FFFD, and
    text holding right-to-left letters is wrapped in a first-strong isolate (U+2068 ...
    U+2069), so it displays in its own direction without affecting what follows.
    Other text is returned unchanged.
    """
    if not text or _NOT_LATIN.search(text) is None:
        return text
    if _BIDI_CONTROL.search(text):
        text = _BIDI_CONTROL.sub("\ufffd", text)
    if _RIGHT_TO_LEFT.search(text) and any(
            unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return "\u2068" + text + "\u2069"
    return text


def display_value(question: Question, value: object, lang: Lang) -> str:
    """A vendor's answer as a person reads it (option labels, units, amounts)."""
    spec = question.answer
    if value is None:
        return ""
    if isinstance(spec, YesNo):
        return {"yes": msg("Yes"), "no": msg("No")}[str(value)].get(lang)
    if isinstance(spec, SingleChoice | MultipleChoice):
        labels = {o.id: o.label.get(lang) for o in spec.options}
        if isinstance(value, tuple):
            return _SEP[lang].join(labels.get(str(v), str(v)) for v in value) if value else "—"
        return labels.get(str(value), str(value))
    if isinstance(spec, Scale):
        level = next((lv for lv in spec.levels if lv.value == value), None)
        return f"{value}" if level is None else f"{value} – {level.descriptor.get(lang)}"
    if isinstance(spec, Number) and isinstance(value, float | int):
        digits = 0 if float(value).is_integer() else 2
        return f"{number(float(value), lang, digits)} {spec.unit.get(lang)}"
    if isinstance(spec, Price) and isinstance(value, Mapping):
        labels = {i.id: i.label.get(lang) for i in spec.items}
        return _SEP[lang].join(f"{labels.get(k, k)}{_COLON[lang]}"
                               f"{money(float(v), lang, spec.currency)}"
                               for k, v in value.items())
    if isinstance(value, dt.date):
        return date(value, lang)
    if isinstance(spec, FreeText):
        return str(value)
    return str(value)


STATES: dict[str, Text] = {
    "answered": msg("answered"),
    "unanswered": msg("unanswered"),
    "not-applicable": msg("not applicable (declared)"),
    "not-applicable-by-condition": msg("not applicable (condition)"),
}

STATUSES: dict[str, Text] = {
    "ranked": msg("ranked"),
    "non-compliant": msg("non-compliant (mandatory requirement)"),
    "unacceptable": msg("unacceptable (price above the budget, L2152-3)"),
    "file-rejected": msg("file rejected"),
}

SOURCES: dict[str, Text] = {
    "rule": msg("rule"),
    "evaluators": msg("evaluators"),
    "consensus": msg("consensus"),
    "override": msg("reasoned override"),
    "price": msg("price formula"),
    "none": msg("not counted"),
}

FLAGS: dict[str, Text] = {
    "knock-out": msg("mandatory requirement failed"),
    "abnormally-low": msg("presumed abnormally low price: ask for a justification"),
    "evaluator-divergence": msg("evaluator divergence"),
    "close-call": msg("close call with the next offer"),
    "close-call-top-two": msg("close call between the two leading offers: no clear winner"),
    "no-price": msg("price missing"),
    "over-budget": msg("price above the budget: offer unacceptable as it stands (L2152-3)"),
    "unanswered": msg("unanswered"),
    "evidence-missing": msg("required evidence missing"),
    "na-not-allowed": msg("'not applicable' not allowed"),
    "na-unjustified": msg("'not applicable' not justified"),
    "na-rejected": msg("'not applicable' rejected by evaluators"),
    "na-zero-policy": msg("'not applicable' scored 0 (chosen rule)"),
    "pending-review": msg("awaiting review"),
}


def flag_label(flag: str, lang: Lang) -> str:
    """A flag code in words (``unjustified-score:Q`` names the question)."""
    if flag.startswith("unjustified-score:"):
        question = flag.split(":", 1)[1]
        return msg("score without justification ({question})", question=question).get(lang)
    label = FLAGS.get(flag)
    return label.get(lang) if label is not None else flag


PRICE_METHOD_NAMES: dict[str, Text] = {
    "classique": msg("classic"),
    "lineaire": msg("linear"),
    "ecart-relatif": msg("relative gap"),
}

LOW_OFFER_METHOD_NAMES: dict[str, Text] = {
    "m1m2": msg("means M1 / M2"),
    "mean-minus-sd": msg("mean minus standard deviation"),
}

WEIGHTING_METHOD_NAMES: dict[str, Text] = {
    "bank-defaults": msg("the question bank's default weights"),
    "direct": msg("points given directly"),
    "rank-order-centroid": msg("ranking of the criteria (rank-order centroid)"),
    "rank-sum": msg("ranking of the criteria (rank sum)"),
    "rank-reciprocal": msg("ranking of the criteria (rank reciprocal)"),
    "ahp": msg("pairwise comparisons (AHP)"),
    "panel-aip": msg("panel: geometric mean of the individual weights"),
    "panel-points": msg("panel: mean of each participant's shares of points"),
}
"""Weighting methods (``Weighting.method``) in words; an unknown code is shown as is."""


def weighting_method(code: object, lang: Lang) -> str:
    """The recorded weighting method ``code`` in words (an unknown code as it is)."""
    name = WEIGHTING_METHOD_NAMES.get(str(code))
    return name.get(lang) if name is not None else str(code)


RECURRENCES: dict[str, Text] = {
    "once": msg("once"),
    "yearly": msg("per year"),
}

SETTING_LABELS: dict[str, Text] = {
    "total_points": msg("Total points"),
    "price_method": msg("Price scoring method"),
    "price_coefficient": msg("Coefficient of the relative gap method"),
    "na_policy": msg("Handling of 'not applicable'"),
    "evidence_policy": msg("Required evidence rule"),
    "consensus": msg("Evaluators' consensus"),
    "divergence_threshold": msg("Divergence threshold (share of the scale)"),
    "low_offer_method": msg("Abnormally low offer check"),
    "tie_tolerance": msg("Tie tolerance (share of the total)"),
}
"""Labels of the :class:`~ai_procurement.decision.scoring.Settings` fields, for audit trails."""

ROBUSTNESS_PARAMETER_LABELS: dict[str, Text] = {
    "samples": msg("Weight draws (acceptability analysis)"),
    "seed": msg("Random generator seed"),
    "band": msg("Weight variation around the published weights (±)"),
    "close_call_threshold": msg("Close-call threshold (share of the total)"),
    "tie_tolerance": msg("Tie tolerance (share of the total)"),
    "rescaling": msg("Rescaling of the other weights"),
}
"""Labels of :attr:`~ai_procurement.decision.robustness.Robustness.parameters`."""

LOW_OFFER_PARAMETER_LABELS: dict[str, Text] = {
    "upper_factor": msg("Upper factor (offers above this multiple of M1 left out of M2)"),
    "lower_factor": msg("Lower factor (threshold = this multiple of M2)"),
    "sd_factor": msg("Standard deviations below the mean"),
}
"""Labels of :attr:`~ai_procurement.decision.price.LowOfferCheck.parameters`."""

SETTING_VALUE_NAMES: dict[str, dict[str, Text]] = {
    "price_method": PRICE_METHOD_NAMES,
    "low_offer_method": LOW_OFFER_METHOD_NAMES,
    "consensus": {"mean": msg("mean"), "median": msg("median")},
    "na_policy": {
        "exclude-if-allowed-and-justified": msg("left out of the score if allowed and justified"),
        "zero": msg("scored 0"),
    },
    "evidence_policy": {
        "zero-without-required-evidence": msg("0 points without the required evidence"),
        "flag-only": msg("flagged only"),
    },
    "rescaling": {"proportional": msg("in proportion")},
}
"""Setting and parameter values in words, by setting name then code value."""
