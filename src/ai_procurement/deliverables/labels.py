"""How figures, dates and answers are shown to people, in French and English.

One place for presentation, shared by the comparison workbook, the decision memo and
the debrief letters, so the same figure reads the same everywhere. Numbers and dates
follow each language's conventions through Babel ("12,5", "1 234,56 €",
"26 novembre 2026" in French).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

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
from ai_procurement.text import Lang, Text

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


def number(value: float, lang: Lang, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals in the language's convention ("1 234,50")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_LOCALES[lang]))


def money(value: float, lang: Lang, currency: str = "EUR") -> str:
    """An amount with its currency ("1 234,56 €" / "€1,234.56")."""
    from babel.numbers import format_currency

    return str(format_currency(value, currency, locale=_LOCALES[lang]))


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
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def isolate_bidi(text: str) -> str:
    """Keep vendor text from reordering the text around it in a document.

    Explicit bidirectional controls (embeddings, overrides, isolates) become U+FFFD, and
    text holding right-to-left letters is wrapped in a first-strong isolate (U+2068 ...
    U+2069), so it displays in its own direction without affecting what follows.
    Other text is returned unchanged.
    """
    if not text or all(ch < "\u0590" for ch in text):
        return text
    if any(ch in _BIDI_CONTROLS for ch in text):
        text = "".join("\ufffd" if ch in _BIDI_CONTROLS else ch for ch in text)
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return "\u2068" + text + "\u2069"
    return text


def display_value(question: Question, value: object, lang: Lang) -> str:
    """A vendor's answer as a person reads it (option labels, units, amounts)."""
    spec = question.answer
    if value is None:
        return ""
    if isinstance(spec, YesNo):
        return {"yes": Text("Oui", "Yes"), "no": Text("Non", "No")}[str(value)].get(lang)
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
    "answered": Text("répondu", "answered"),
    "unanswered": Text("sans réponse", "unanswered"),
    "not-applicable": Text("sans objet (déclaré)", "not applicable (declared)"),
    "not-applicable-by-condition": Text("sans objet (condition)", "not applicable (condition)"),
}

STATUSES: dict[str, Text] = {
    "ranked": Text("classée", "ranked"),
    "non-compliant": Text("irrégulière (exigence éliminatoire)",
                          "non-compliant (mandatory requirement)"),
    "unacceptable": Text("inacceptable (prix supérieur au budget, L2152-3)",
                         "unacceptable (price above the budget, L2152-3)"),
    "file-rejected": Text("fichier irrecevable", "file rejected"),
}

SOURCES: dict[str, Text] = {
    "rule": Text("règle", "rule"),
    "evaluators": Text("évaluateurs", "evaluators"),
    "consensus": Text("consensus", "consensus"),
    "override": Text("correction motivée", "reasoned override"),
    "price": Text("formule prix", "price formula"),
    "none": Text("non compté", "not counted"),
}

FLAGS: dict[str, Text] = {
    "knock-out": Text("exigence éliminatoire non satisfaite",
                      "mandatory requirement failed"),
    "abnormally-low": Text("prix anormalement bas présumé : justification à demander",
                           "presumed abnormally low price: ask for a justification"),
    "evaluator-divergence": Text("divergence entre évaluateurs", "evaluator divergence"),
    "close-call": Text("écart serré avec l'offre suivante", "close call with the next offer"),
    "close-call-top-two": Text("écart serré entre les deux premières offres : pas de gagnant "
                               "net", "close call between the two leading offers: no clear "
                               "winner"),
    "no-price": Text("prix absent", "price missing"),
    "over-budget": Text("prix supérieur au budget : offre inacceptable en l'état (L2152-3)",
                        "price above the budget: offer unacceptable as it stands (L2152-3)"),
    "unanswered": Text("sans réponse", "unanswered"),
    "evidence-missing": Text("preuve obligatoire absente", "required evidence missing"),
    "na-not-allowed": Text("« sans objet » non admis", "'not applicable' not allowed"),
    "na-unjustified": Text("« sans objet » non justifié", "'not applicable' not justified"),
    "na-rejected": Text("« sans objet » rejeté par les évaluateurs",
                        "'not applicable' rejected by evaluators"),
    "na-zero-policy": Text("« sans objet » noté 0 (règle choisie)",
                           "'not applicable' scored 0 (chosen rule)"),
    "pending-review": Text("en attente d'évaluation", "awaiting review"),
}


def flag_label(flag: str, lang: Lang) -> str:
    """A flag code in words (``unjustified-score:Q`` names the question)."""
    if flag.startswith("unjustified-score:"):
        question = flag.split(":", 1)[1]
        return Text(f"note sans justification ({question})",
                    f"score without justification ({question})").get(lang)
    label = FLAGS.get(flag)
    return label.get(lang) if label is not None else flag


PRICE_METHOD_NAMES: dict[str, Text] = {
    "classique": Text("classique", "classic"),
    "lineaire": Text("linéaire", "linear"),
    "ecart-relatif": Text("écart relatif", "relative gap"),
}

LOW_OFFER_METHOD_NAMES: dict[str, Text] = {
    "m1m2": Text("moyennes M1 / M2", "means M1 / M2"),
    "mean-minus-sd": Text("moyenne moins écart-type", "mean minus standard deviation"),
}

WEIGHTING_METHOD_NAMES: dict[str, Text] = {
    "bank-defaults": Text("poids par défaut de la banque de questions",
                          "the question bank's default weights"),
    "direct": Text("points attribués directement", "points given directly"),
    "rank-order-centroid": Text("classement des critères (centroïde des rangs)",
                                "ranking of the criteria (rank-order centroid)"),
    "rank-sum": Text("classement des critères (somme des rangs)",
                     "ranking of the criteria (rank sum)"),
    "rank-reciprocal": Text("classement des critères (inverse des rangs)",
                            "ranking of the criteria (rank reciprocal)"),
    "ahp": Text("comparaisons par paires (AHP)", "pairwise comparisons (AHP)"),
    "panel-aip": Text("panel : moyenne géométrique des poids individuels",
                      "panel: geometric mean of the individual weights"),
    "panel-points": Text("panel : moyenne des parts de points de chaque participant",
                         "panel: mean of each participant's shares of points"),
}
"""Weighting methods (``Weighting.method``) in words; an unknown code is shown as is."""


def weighting_method(code: object, lang: Lang) -> str:
    """The recorded weighting method ``code`` in words (an unknown code as it is)."""
    name = WEIGHTING_METHOD_NAMES.get(str(code))
    return name.get(lang) if name is not None else str(code)


RECURRENCES: dict[str, Text] = {
    "once": Text("une fois", "once"),
    "yearly": Text("par an", "per year"),
}

SETTING_LABELS: dict[str, Text] = {
    "total_points": Text("Total des points", "Total points"),
    "price_method": Text("Méthode de notation du prix", "Price scoring method"),
    "price_coefficient": Text("Coefficient de la méthode « écart relatif »",
                              "Coefficient of the relative gap method"),
    "na_policy": Text("Traitement des « sans objet »", "Handling of 'not applicable'"),
    "evidence_policy": Text("Règle des preuves obligatoires", "Required evidence rule"),
    "consensus": Text("Consensus des évaluateurs", "Evaluators' consensus"),
    "divergence_threshold": Text("Seuil de divergence (part de l'échelle)",
                                 "Divergence threshold (share of the scale)"),
    "low_offer_method": Text("Détection des offres anormalement basses",
                             "Abnormally low offer check"),
    "tie_tolerance": Text("Tolérance d'égalité (part du total)",
                          "Tie tolerance (share of the total)"),
}
"""Labels of the :class:`~ai_procurement.decision.scoring.Settings` fields, for audit trails."""

ROBUSTNESS_PARAMETER_LABELS: dict[str, Text] = {
    "samples": Text("Tirages de poids (analyse d'acceptabilité)",
                    "Weight draws (acceptability analysis)"),
    "seed": Text("Graine du générateur aléatoire", "Random generator seed"),
    "band": Text("Variation des poids autour des poids publiés (±)",
                 "Weight variation around the published weights (±)"),
    "close_call_threshold": Text("Seuil d'écart serré (part du total)",
                                 "Close-call threshold (share of the total)"),
    "tie_tolerance": Text("Tolérance d'égalité (part du total)",
                          "Tie tolerance (share of the total)"),
    "rescaling": Text("Ajustement des autres poids", "Rescaling of the other weights"),
}
"""Labels of :attr:`~ai_procurement.decision.robustness.Robustness.parameters`."""

LOW_OFFER_PARAMETER_LABELS: dict[str, Text] = {
    "upper_factor": Text("Facteur haut (offres au-dessus de ce multiple de M1 écartées de M2)",
                         "Upper factor (offers above this multiple of M1 left out of M2)"),
    "lower_factor": Text("Facteur bas (seuil = ce multiple de M2)",
                         "Lower factor (threshold = this multiple of M2)"),
    "sd_factor": Text("Nombre d'écarts-types sous la moyenne",
                      "Standard deviations below the mean"),
}
"""Labels of :attr:`~ai_procurement.decision.price.LowOfferCheck.parameters`."""

SETTING_VALUE_NAMES: dict[str, dict[str, Text]] = {
    "price_method": PRICE_METHOD_NAMES,
    "low_offer_method": LOW_OFFER_METHOD_NAMES,
    "consensus": {"mean": Text("moyenne", "mean"), "median": Text("médiane", "median")},
    "na_policy": {
        "exclude-if-allowed-and-justified": Text(
            "exclu du calcul s'il est admis et justifié",
            "left out of the score if allowed and justified"),
        "zero": Text("noté 0", "scored 0"),
    },
    "evidence_policy": {
        "zero-without-required-evidence": Text("0 point sans la preuve exigée",
                                               "0 points without the required evidence"),
        "flag-only": Text("signalée seulement", "flagged only"),
    },
    "rescaling": {"proportional": Text("en proportion", "in proportion")},
}
"""Setting and parameter values in words, by setting name then code value."""
