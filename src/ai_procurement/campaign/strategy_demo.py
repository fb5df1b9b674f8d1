"""Demo data and simulators for the "before buying" stage.

Fictional answers to the impact assessment, a fictional panel (elected members, staff,
a citizens' panel drawn by lot) and typical offers a buyer imagines before choosing a
price method, plus simulators that fill the workbooks as the project team or a
participant would in Excel. The notebook ``docs/notebooks/0-strategy.ipynb`` and the
tests share them; a buyer can use them to try the tools before a real consultation.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ai_procurement.bank.model import Bank, MultipleChoice, SingleChoice, YesNo
from ai_procurement.decision.rules_check import OfferProfile
from ai_procurement.testing import saved_bytes
from ai_procurement.text import Lang

__all__ = [
    "DEMO_IMPACT_ANSWERS",
    "DEMO_OFFERS",
    "DEMO_PANEL",
    "fill_form",
    "fill_panel",
]

DEMO_IMPACT_ANSWERS: Mapping[str, str | tuple[str, ...]] = {
    "IMP-01": "public", "IMP-02": "under_100k", "IMP-03": "yes",
    "IMP-04": ("money", "access"), "IMP-05": "yes", "IMP-06": "serious",
    "IMP-07": "with_effort", "IMP-08": "recommends", "IMP-09": "no", "IMP-10": "social",
    "IMP-M1": "yes", "IMP-M2": "yes", "IMP-M3": "yes", "IMP-M4": "no", "IMP-M5": "no",
}
"""A social-benefits triage assistant: level III (24 of 37 points, mitigation 6 of 10)."""

_BASE = {"LEG": 10, "DATA": 8, "SEC": 8, "SOV": 5, "TRA": 5, "HUM": 5, "SERV": 6,
         "STAFF": 3, "ENV": 6, "EVAL": 4, "REV": 4, "ACC": 6, "COST": 30}


def _shift(changes: Mapping[str, int]) -> dict[str, float]:
    return {c: float(max(0, v + changes.get(c, 0))) for c, v in _BASE.items()}


DEMO_PANEL: tuple[tuple[str, str, Mapping[str, float]], ...] = (
    ("Élue au numérique", "élus", _shift({"COST": -5, "SERV": 3, "ENV": 2})),
    ("Adjoint aux finances", "élus", _shift({"COST": 10, "SERV": -2, "ENV": -2, "ACC": -2})),
    ("Direction des systèmes d'information", "agents", _shift({"SEC": 4, "REV": 3,
                                                               "COST": -5})),
    ("Service instructeur", "agents", _shift({"STAFF": 6, "HUM": 3, "COST": -8})),
    ("Agente tirée au sort", "agents", _shift({"STAFF": 5, "HUM": 2, "COST": -6})),
    ("Citoyen 1", "panel citoyen", _shift({"TRA": 6, "HUM": 5, "DATA": 4, "COST": -14})),
    ("Citoyenne 2", "panel citoyen", _shift({"TRA": 5, "ACC": 5, "ENV": 4, "COST": -12})),
    ("Citoyen 3", "panel citoyen", _shift({"DATA": 6, "TRA": 4, "COST": -10})),
)
"""Fictional participants (name, group, points over the ``ai-territorial`` criteria)."""

DEMO_OFFERS: tuple[OfferProfile, ...] = (
    OfferProfile("Offre économique", 180_000.0, {"quality": 0.55}),
    OfferProfile("Offre équilibrée", 200_000.0, {"quality": 0.62}),
    OfferProfile("Offre premium", 260_000.0, {"quality": 0.90}),
)
"""Three typical offers a buyer imagines: price (total cost) and quality (share of the
best possible technical score)."""


def fill_form(template: str | os.PathLike[str], target: str | os.PathLike[str], bank: Bank,
              answers: Mapping[str, str | Sequence[str]], *, lang: Lang = "fr",
              comments: Mapping[str, str] | None = None) -> Path:
    """Fill a form workbook (impact assessment, inventory) as a team would in Excel.

    Args:
        template: the blank workbook written by the library.
        target: where to save the filled copy (the template is not changed).
        bank: the bank the workbook was written from.
        answers: question id -> option id (``"yes"``/``"no"`` for yes/no), option ids
            for multiple choice, or the text of a free-text question.
        lang: the language of the workbook (its drop-down labels).
        comments: question id -> a comment.

    Returns:
        The path of the filled copy.
    """
    from openpyxl import load_workbook

    from ai_procurement.workbooks import form

    wb = load_workbook(template)
    ws = wb[form.SHEET_QUESTIONS]
    rows = {str(ws[f"{form.COL_KEY}{r}"].value): r for r in range(form.FIRST_ROW,
                                                                    ws.max_row + 1)}
    for _, q in bank.questions():
        if q.id not in answers:
            continue
        value = answers[q.id]
        if isinstance(q.answer, MultipleChoice):
            for option in q.answer.option_ids:
                ws[f"{form.COL_ANSWER}{rows[f'{q.id}:{option}']}"] = (
                    form.YES[lang] if option in value else form.NO[lang])
        elif isinstance(q.answer, YesNo | SingleChoice):
            ws[f"{form.COL_ANSWER}{rows[q.id]}"] = dict(form.choice_labels(q, lang))[str(value)]
        else:
            cell = ws[f"{form.COL_ANSWER}{rows[q.id]}"]
            cell.value, cell.data_type = str(value), "s"
        if comments and q.id in comments:
            ws[f"{form.COL_COMMENT}{rows[q.id]}"] = comments[q.id]
    out = Path(target)
    out.write_bytes(saved_bytes(wb))  # fixed dates: the same answers, the same bytes
    return out


def fill_panel(template: str | os.PathLike[str], target: str | os.PathLike[str], *,
               points: Mapping[str, float] | None = None,
               priorities: Mapping[str, float] | None = None, lang: Lang = "fr") -> Path:
    """Fill a weighting workbook as a participant would.

    Give ``points`` for a points workbook, or ``priorities`` (criterion -> importance)
    for a pairwise one: each pair gets the Saaty label closest to the ratio of the two
    priorities (the rounding makes the judgments slightly inconsistent, as real ones).
    """
    from openpyxl import load_workbook

    from ai_procurement.workbooks.panel import COL_INPUT, COL_KEY, FIRST_ROW, saaty_labels

    wb = load_workbook(template)
    ws = wb.worksheets[0]
    labels = saaty_labels(lang)
    for row in range(FIRST_ROW, ws.max_row + 1):
        key = ws[f"{COL_KEY}{row}"].value
        if not isinstance(key, str):
            continue
        if points is not None:
            ws[f"{COL_INPUT}{row}"] = points[key]
        elif priorities is not None:
            a, b = key.split(">", 1)
            ratio = math.log(priorities[a] / priorities[b])
            ws[f"{COL_INPUT}{row}"] = min(labels, key=lambda lv: abs(math.log(lv[1]) - ratio))[0]
    out = Path(target)
    out.write_bytes(saved_bytes(wb))  # fixed dates: the same answers, the same bytes
    return out
