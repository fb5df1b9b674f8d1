"""The one-page "rules check" (Word), kept in the procurement file before publishing.

It records that the buyer tried its price method and weights on estimated offers, as
the DAJ advises, and what it found: each method's winner, how far apart the price points
are, which criterion decides, when one offer more or less or a small weight change would
change the winner. Written with python-docx's public API only (a title, tables and
sentences); the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

from ai_procurement.decision.rules_check import RulesCheck
from ai_procurement.text import LANGUAGES, Lang, msg

__all__ = ["write_rules_check"]

_FIXED = dt.datetime(2026, 1, 1, 0, 0, 0)
_METHODS = {"classique": msg("classic"), "lineaire": msg("linear"),
            "ecart-relatif": msg("relative gap")}


def _num(value: float, lang: Lang, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def rules_check_bytes(check: RulesCheck, *, lang: Lang = "fr", title: str = "") -> bytes:
    """Return the rules-check document as ``.docx`` bytes (see :func:`write_rules_check`)."""
    import docx
    from docx.shared import Pt

    from ai_procurement._office.files import normalise_zip

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    doc = docx.Document()
    doc.styles["Normal"].font.size = Pt(9.5)
    heading = msg("Rules check before publishing").get(lang)
    doc.add_heading(heading, level=1)
    if title:
        doc.add_paragraph(title)
    doc.add_paragraph(msg("Simulation on estimated offers, to keep in the procurement file "
                          "(internal document). The French ministry's legal department (DAJ) "
                          "advises simulating the price methods before choosing one: the method "
                          "can decide the winner.").get(lang))

    criteria = list(check.weights)
    others = [c for c in criteria if c != check.price_criterion]
    doc.add_heading(msg("Weights and estimated offers")
                    .get(lang), level=2)
    table = doc.add_table(rows=1, cols=2 + len(others), style="Table Grid")
    head = [msg("Offer").get(lang),
            msg("Estimated price (EUR excl. tax)").get(lang)]
    head += [f"{c} ({_num(check.weights[c] * check.total_points, lang, 0)} pts)"
             for c in others]
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for offer in check.offers:
        row = table.add_row().cells
        row[0].text = offer.name
        row[1].text = _num(offer.price, lang, 0)
        for index, c in enumerate(others, start=2):
            row[index].text = f"{offer.scores.get(c, 0.0) * 100:.0f} %"
    price_pts = _num(check.weights[check.price_criterion] * check.total_points, lang, 0)
    doc.add_paragraph(msg("Price: criterion {check_price_criterion}, {price_pts} points. The "
                          "other columns give the share of each criterion's points the offer "
                          "would get.", check_price_criterion=check.price_criterion,
                          price_pts=price_pts).get(lang))

    doc.add_heading(msg("Result by price method").get(lang), level=2)
    table = doc.add_table(rows=1, cols=5, style="Table Grid")
    for cell, label in zip(table.rows[0].cells, (
            msg("Method"), msg("Winner (points)"),
            msg("Price points (min – max)"),
            msg("Deciding criterion"),
            msg("Without another offer")), strict=True):
        cell.text = label.get(lang)
    for run in check.runs:
        row = table.add_row().cells
        row[0].text = _METHODS[run.method].get(lang)
        row[1].text = f"{run.winner} ({_num(run.totals[run.winner], lang)})"
        row[2].text = (f"{_num(min(run.price_points.values()), lang)} – "
                       f"{_num(max(run.price_points.values()), lang)}")
        row[3].text = run.decisive or "—"
        row[4].text = "; ".join(
            msg("without {k}: {v}", k=k, v=v).get(lang) for k, v in run.without.items()
        ) or msg("winner unchanged").get(lang)

    doc.add_heading(msg("Findings").get(lang), level=2)
    for sentence in check.sentences(lang):
        doc.add_paragraph(sentence, style="List Bullet")

    props = doc.core_properties
    props.title = heading
    props.author = props.last_modified_by = "ai_procurement"
    props.created = props.modified = props.last_printed = _FIXED
    props.revision = 1
    props.language = "fr-FR" if lang == "fr" else "en-GB"
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue(), _FIXED.date())


def write_rules_check(check: RulesCheck, path: str | os.PathLike[str], *, lang: Lang = "fr",
                      title: str = "", overwrite: bool = False) -> Path:
    """Write the one-page rules check (``.docx``).

    Args:
        check: the result of :func:`ai_procurement.decision.rules_check.check_rules`.
        path: the file to write (atomically).
        lang: ``"fr"`` or ``"en"``.
        title: the consultation or project, shown under the heading.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        OutputExistsError: the file exists and ``overwrite`` is false.
    """
    from ai_procurement._office.files import write_atomic

    target = Path(path)
    write_atomic(target, rules_check_bytes(check, lang=lang, title=title), overwrite=overwrite)
    return target
