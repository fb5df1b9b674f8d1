"""Fixed questionnaires and a vendor's way of filling them, for the form and response tests.

- :func:`full_questionnaire`: a small questionnaire with every answer type, a condition,
  a "not applicable" question and required evidence, for worked examples.
- :func:`large_bank`: a bank of any size whose answer types follow the proportions of the
  bundled ``ai-territorial`` bank, with texts of realistic length, for timings.
- :func:`fill`: fills a written questionnaire with openpyxl, as a vendor's spreadsheet
  would, and saves the result under another name.
- :func:`vendor_values`: realistic answers for every question of a questionnaire.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ai_procurement.bank.model import (
    AnswerSpec,
    Bank,
    Better,
    Condition,
    CostItem,
    Criterion,
    DateAnswer,
    DqeItem,
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
    Scale,
    SingleChoice,
    Step,
    Thresholds,
    YesNo,
)
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.testing import CellValue, excel_text, fill_cells
from ai_procurement.text import Lang, Text
from ai_procurement.workbooks import form

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "CONSULTATION",
    "KEY",
    "OTHER_KEY",
    "CellValue",
    "dqe_questionnaire",
    "excel_text",
    "fill",
    "full_bank",
    "full_questionnaire",
    "large_bank",
    "rows_by_key",
    "vendor_values",
]

KEY = bytes(range(32))
"""The buyer's signing key in tests (any 32 bytes)."""
OTHER_KEY = bytes(range(1, 33))

CONSULTATION = Consultation(reference="2026-AI-014", title="Assistant de tri du courrier",
                            buyer="Métropole d'exemple", contact="achats@example.org",
                            deadline=dt.date(2026, 11, 30))



def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


_WHY = _t("Pour comparer les offres sur ce point.", "To compare offers on this point.")
_SCALE = tuple(Level(i, _t(f"niveau {i}", f"level {i}")) for i in range(4))


def full_bank() -> Bank:
    """Every answer type once, with a condition, N/A, required evidence and a price.

    ``GOV-01`` yes/no (evidence required) gates ``GOV-02`` (single choice, asked only
    if yes); ``GOV-03`` multiple choice; ``GOV-04`` scale 0-3; ``GOV-05`` free text
    (not applicable allowed); ``ENV-01`` number in Wh; ``ENV-02`` a share in %;
    ``ENV-03`` a whole number of data centres; ``PLAN-01`` a date; ``PRICE-01`` three
    cost items over 4 years.
    """
    return Bank(
        id="full", version="2026.1", title=_t("Banque complète", "Full bank"),
        description=_t("Tous les types de réponse", "Every answer type"),
        criteria=(
            Criterion("GOV", _t("Gouvernance", "Governance"), _t("Qui décide", "Who decides"),
                      3.0, (
                Question("GOV-01", _t("Hébergez-vous les données en France ?",
                                      "Do you host the data in France?"), _WHY, YesNo(),
                         evidence=Evidence.REQUIRED),
                Question("GOV-02", _t("Dans quel centre de données ?",
                                      "In which data centre?"), _WHY,
                         SingleChoice((Option("own", _t("Le nôtre", "Our own"), 2.0),
                                       Option("cloud", _t("Un nuage public", "A public cloud"),
                                              1.0),
                                       Option("other", _t("Ailleurs", "Elsewhere"), 0.0))),
                         knockout=KnockOut(_t("Hors cadre", "Out of scope"), ("other",)),
                         applies_if=Condition("GOV-01", ("yes",))),
                Question("GOV-03", _t("Quelles certifications détenez-vous ?",
                                      "Which certifications do you hold?"), _WHY,
                         MultipleChoice((Option("iso27001", _t("ISO 27001", "ISO 27001"), 1.0),
                                         Option("hds", _t("HDS", "HDS"), 1.0),
                                         Option("secnum", _t("SecNumCloud", "SecNumCloud"),
                                                2.0)), "sum", 3.0)),
                Question("GOV-04", _t("Maturité de votre gouvernance des données ?",
                                      "Maturity of your data governance?"), _WHY,
                         Scale(_SCALE)),
                Question("GOV-05", _t("Décrivez le contrôle humain.",
                                      "Describe human oversight."), _WHY,
                         FreeText(_SCALE, 2000), na_allowed=True),
            )),
            Criterion("ENV", _t("Environnement", "Environment"), _t("Sobriété", "Frugality"),
                      1.0, (
                Question("ENV-01", _t("Énergie par requête ?", "Energy per request?"), _WHY,
                         Number(_t("Wh par requête", "Wh per request"),
                                Linear(0.5, 5.0, Better.LOWER), minimum=0.0)),
                Question("ENV-02", _t("Part d'électricité renouvelable ?",
                                      "Share of renewable electricity?"), _WHY,
                         Number(_t("%", "%"), Thresholds((Step(50, 0.5), Step(90, 1.0)),
                                                         Better.HIGHER),
                                minimum=0.0, maximum=100.0)),
                Question("ENV-03", _t("Nombre de centres de données ?",
                                      "Number of data centres?"), _WHY,
                         Number(_t("centres", "centres"), None, minimum=0.0, integer=True),
                         weight=0.0),
            ), ("environmental",)),
            Criterion("PLAN", _t("Calendrier", "Schedule"), _t("Délais", "Lead times"), 1.0, (
                Question("PLAN-01", _t("Date de mise en service ?", "Go-live date?"), _WHY,
                         DateAnswer(dt.date(2027, 6, 30))),
            )),
            Criterion("PRICE", _t("Prix", "Price"), _t("Coût complet", "Total cost"), 2.0, (
                Question("PRICE-01", _t("Détaillez vos prix.", "Break down your prices."),
                         _WHY, Price((CostItem("licence", _t("Licence", "Licence"),
                                               Recurrence.YEARLY),
                                      CostItem("setup", _t("Mise en place", "Set-up"),
                                               Recurrence.ONCE),
                                      CostItem("training", _t("Formation", "Training"),
                                               Recurrence.ONCE)), 4)),
            ), ("price",)),
        ),
    )


def full_questionnaire(consultation: Consultation = CONSULTATION) -> Questionnaire:
    """:func:`full_bank` frozen for ``consultation`` with the bank's weights."""
    return freeze(full_bank(), consultation)


def dqe_questionnaire(consultation: Consultation = CONSULTATION) -> Questionnaire:
    """:func:`full_bank` whose price is a DQE of three items (quantities 1, 60 and 12)."""
    bank = full_bank()
    dqe = (DqeItem("D1", _t("Paramétrage", "Configuration"), _t("forfait", "lump sum"), 1),
           DqeItem("D2", _t("Réponses rédigées", "Replies drafted"),
                   _t("millier", "thousand"), 60),
           DqeItem("D3", _t("Formation", "Training"), _t("jour", "day"), 12))
    criteria = tuple(
        attrs.evolve(c, questions=tuple(
            attrs.evolve(q, answer=attrs.evolve(q.answer, items=(), dqe=dqe))
            if isinstance(q.answer, Price) else q for q in c.questions))
        for c in bank.criteria)
    return freeze(attrs.evolve(bank, criteria=criteria), consultation)


def rows_by_key(questionnaire: Questionnaire) -> dict[str, int]:
    """Row number of each question, option and cost item (``"GOV-03:hds"``)."""
    return {row.key: row.number for row in form.layout(questionnaire)}


def fill(template: Path, target: Path, cells: Mapping[str, CellValue], *,
         sheet: str = form.SHEET_QUESTIONS,
         edit: Callable[[Workbook], None] | None = None) -> Path:
    """Fill ``template`` as a vendor would (:func:`ai_procurement.testing.fill_cells`)."""
    return fill_cells(template, target, cells, sheet=sheet, edit=edit)


# -- a large, realistic bank ----------------------------------------------------------------

_SUBJECTS = ("les données d'entraînement", "le modèle de langue", "les journaux d'audit",
             "la supervision humaine", "l'hébergement", "les sous-traitants",
             "la consommation d'énergie", "les mises à jour du modèle", "les biais",
             "la réversibilité", "l'accessibilité", "la sécurité des accès")
_SUBJECTS_EN = ("the training data", "the language model", "the audit logs",
                "human oversight", "hosting", "subcontractors", "energy use",
                "model updates", "bias", "reversibility", "accessibility", "access security")

# Proportions of the answer types in the bundled ai-territorial bank (65 questions):
# 19 yes/no, 20 single choice, 9 scales, 7 multiple choice, 6 texts, 3 numbers, 1 date.
_KINDS = ("yes_no",) * 19 + ("single",) * 20 + ("scale",) * 9 + ("multiple",) * 7 + (
    "text",) * 6 + ("number",) * 3 + ("date",)


def _spec(kind: str, rng: random.Random, n: int) -> AnswerSpec:
    if kind == "yes_no":
        return YesNo()
    if kind in ("single", "multiple"):
        options = tuple(Option(f"o{i}", _t(f"Option {i} : dispositif documenté n° {n}.{i}",
                                           f"Option {i}: documented measure no. {n}.{i}"),
                               float(i)) for i in range(rng.randint(3, 5)))
        if kind == "single":
            return SingleChoice(options)
        return MultipleChoice(options, "sum", float(len(options)))
    if kind == "scale":
        return Scale(tuple(Level(i, _t(f"Niveau {i} : pratique {'établie' if i else 'absente'}",
                                       f"Level {i}: {'established' if i else 'no'} practice"))
                           for i in range(4)))
    if kind == "text":
        return FreeText(_SCALE, 4000)
    if kind == "number":
        return Number(_t("Wh par requête", "Wh per request"), Linear(0.5, 5.0, Better.LOWER),
                      minimum=0.0)
    return DateAnswer(dt.date(2027, 6, 30))


def large_bank(questions: int, *, seed: int = 0, price: bool = True) -> Bank:
    """A valid bank of ``questions`` questions (one of them a price when ``price``).

    Questions are spread over criteria of 20; answer types follow the proportions of the
    bundled bank; one question in ten applies only if the yes/no question before it is
    answered yes; texts are 100 to 300 characters, like the bundled questions.
    """
    rng = random.Random(seed)
    scored = questions - (1 if price else 0)
    criteria: list[Criterion] = []
    made: list[Question] = []
    for n in range(scored):
        kind = _KINDS[rng.randrange(len(_KINDS))]
        subject = rng.randrange(len(_SUBJECTS))
        detail = " Précisez les dispositifs, les responsables et la fréquence des contrôles." * (
            1 + n % 3)
        detail_en = " State the measures, who is responsible and how often they are checked." * (
            1 + n % 3)
        condition = None
        if made and n % 10 == 9 and isinstance(made[-1].answer, YesNo):
            condition = Condition(made[-1].id, ("yes",))
        made.append(Question(
            f"Q-{n + 1:03d}",
            _t(f"Comment le système proposé traite-t-il {_SUBJECTS[subject]} (point {n + 1}) ?"
               + detail,
               f"How does the offered system handle {_SUBJECTS_EN[subject]} (item {n + 1})?"
               + detail_en),
            _t("Cette question permet de vérifier un engagement du règlement sur l'IA et de "
               "comparer les offres.",
               "This question checks a commitment under the AI Act and compares offers."),
            _spec(kind, rng, n),
            na_allowed=n % 7 == 3,
            evidence=Evidence.REQUIRED if n % 5 == 0 else Evidence.OPTIONAL,
            applies_if=condition))
    for start in range(0, len(made), 20):
        block = tuple(made[start:start + 20])
        number = start // 20 + 1
        criteria.append(Criterion(f"C{number:02d}", _t(f"Critère {number}", f"Criterion {number}"),
                                  _t("Un groupe de questions.", "A group of questions."), 1.0,
                                  block))
    if price:
        criteria.append(Criterion("PRICE", _t("Prix", "Price"), _t("Coût complet", "Total cost"),
                                  1.0, (Question(
            "PRICE-01", _t("Détaillez vos prix.", "Break down your prices."), _WHY,
            Price((CostItem("licence", _t("Licence", "Licence"), Recurrence.YEARLY),
                   CostItem("setup", _t("Mise en place", "Set-up"), Recurrence.ONCE),
                   CostItem("run", _t("Exploitation", "Operation"), Recurrence.YEARLY)), 4)),),
                                  ("price",)))
    return Bank(id="large", version="1", title=_t("Grande banque", "Large bank"),
                description=_t("Pour mesurer les temps", "For timings"),
                criteria=tuple(criteria))


def vendor_values(questionnaire: Questionnaire, lang: Lang, *, seed: int = 0,
                  blank: float = 0.1) -> dict[str, CellValue]:
    """Cell values a vendor would type: every question answered except a share ``blank``.

    Answers use the drop-down labels, numbers as numbers, dates as dates; about one
    answer in three has a comment and evidence.
    """
    rng = random.Random(seed)
    rows = form.layout(questionnaire)
    values: dict[str, CellValue] = {}
    for row in rows:
        q = row.question
        if q is None or row.kind == "criterion":
            continue
        r = row.number
        spec = q.answer
        if row.kind == "item":
            if isinstance(spec, Price):
                values[f"{form.COL_ANSWER}{r}"] = round(rng.uniform(0, 50_000), 2)
            else:
                values[f"{form.COL_ANSWER}{r}"] = rng.choice([form.YES[lang], form.NO[lang]])
            continue
        if rng.random() < blank and not isinstance(spec, Price):
            continue
        if rng.random() < 0.33:
            values[f"{form.COL_COMMENT}{r}"] = "Voir notre plan d'assurance qualité, § 4."
            values[f"{form.COL_DOC}{r}"] = "PAQ-2026.pdf"
            values[f"{form.COL_PAGE}{r}"] = rng.randint(1, 80)
        if row.kind == "group":
            continue
        values[f"{form.COL_ANSWER}{r}"] = _typed(q, lang, rng)
    return values


def _typed(q: Question, lang: Lang, rng: random.Random) -> CellValue:
    spec = q.answer
    if isinstance(spec, YesNo | SingleChoice | Scale):
        return rng.choice(form.choice_labels(q, lang))[1]
    if isinstance(spec, Number):
        return round(rng.uniform(0, 10), 3)
    if isinstance(spec, DateAnswer):
        return dt.date(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 365))
    return ("Nous documentons chaque étape : journalisation, revue humaine mensuelle, "
            "indicateurs publiés. ") * rng.randint(1, 8)
