"""The internal robustness annex: how fragile the ranking is, kept out of the signed report.

An unsuccessful bidder may obtain the analysis report (DAJ form OUV8; code de la commande
publique, R2184-1 ff.). The robustness checks (close call, weights varied, other price
methods, one offer fewer, each evaluator left out) help the committee weigh its
decision, but they are the buyer's internal analysis, not the grounds of the award: the
report only says that they were run and refers to this annex.
:func:`write_robustness_annex` writes them as a separate Word document, with the same
template and figures as the report; the same inputs and ``generated`` date give
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ai_procurement.decision.scoring import Evaluation
from ai_procurement.deliverables.document import (
    DRAFT_MARK,
    check_lang,
    check_output,
    new_document,
)
from ai_procurement.deliverables.labels import ROBUSTNESS_PARAMETER_LABELS
from ai_procurement.deliverables.memo import _label, _setting
from ai_procurement.deliverables.procedure import Procedure
from ai_procurement.deliverables.view import EvaluationView
from ai_procurement.text import Lang, msg

if TYPE_CHECKING:
    from ai_procurement.decision.robustness import Robustness

__all__ = ["write_robustness_annex"]


def write_robustness_annex(evaluation: Evaluation, robustness: Robustness,
                           path: str | os.PathLike[str], *, lang: Lang = "fr",
                           generated: dt.date | None = None,
                           procedure: Procedure | None = None,
                           overwrite: bool = False) -> Path:
    """Write the internal annex holding the robustness findings of ``evaluation``.

    The annex gives the ranking it tested, whether the first two offers are a close
    call, every finding in a plain sentence (weights, price methods, one offer fewer,
    each evaluator left out) and the parameters of the checks. It is an internal
    document: the analysis report only states that the checks were run.

    Args:
        evaluation: the scored offers.
        robustness: the robustness checks of ``evaluation``.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        generated: the annex's date; None is today.
        procedure: gives the lot the annex covers, when known.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
        ScoringError: ``lang`` is not ``"fr"`` or ``"en"``.
    """
    from ai_procurement._office.files import write_atomic

    language = check_lang(lang)
    target = check_output(path, overwrite)
    day = generated or dt.date.today()
    data = _annex(EvaluationView(evaluation, language), robustness, day,
                  procedure or Procedure())
    write_atomic(target, data, overwrite=overwrite)
    return target


def _annex(view: EvaluationView, robustness: Robustness, generated: dt.date,
           procedure: Procedure) -> bytes:
    f, ev, lang = view.f, view.evaluation, view.lang
    consultation = ev.questionnaire.consultation
    title = f.t(msg("Internal annex – Robustness of the ranking"))
    d = new_document(lang, title=f"{title} – {consultation.reference}",
                     subject=consultation.title, author=consultation.buyer,
                     generated=generated)
    internal = f.t(msg("Internal document"))
    d.footer(f"{internal} – {f.text(consultation.reference, 60)}")
    if procedure.draft:
        d.header(DRAFT_MARK)
    d.heading(title, 0)
    d.paragraph(("b", f.text(consultation.title, 300)))
    lines = [f.t(msg("Buyer: ")) + f.text(consultation.buyer, 300),
             f.t(msg("Reference: ")) + f.text(consultation.reference, 200)]
    if procedure.lot:
        lines.append(f.t(msg("Lot: ")) + f.text(procedure.lot, 300))
    lines.append(f.t(msg("Dated ")) + f.date(generated))
    for line in lines:
        d.paragraph(line)
    d.paragraph(("i", f.t(
        msg("The buyer's internal working document. It is not part of the tender evaluation "
            "report, which only says that these checks were run; it is not sent with the letters "
            "to bidders."))))
    d.heading(f.t(msg("Ranking tested")), 1)
    if view.ranking:
        d.table([f.t(msg("Rank")), f.t(msg("Offer")),
                 f"Total /{f.n(view.total_points, 0)}"],
                [[str(r.rank), f.name(r.vendor), f.pts(r.total)] for r in view.ranking],
                [2.0, 11.0, 4.0], align="clr")
    else:
        d.paragraph(f.t(msg("No offer is ranked.")))
    d.heading(f.t(msg("Findings")), 1)
    close = robustness.close_call
    if close is not None and close.flagged:
        d.paragraph(("b", f.t(msg("No clear winner: "))), f.t(
            msg("the gap between the first two offers is below the chosen threshold; the ranking "
                "must be read with caution before the award is proposed.")))
    d.paragraph(f.t(
        msg("The ranking was tested against variations: weights, price scoring method, one offer "
            "removed, each evaluator left out. Findings:")))
    sentences = robustness.sentences(lang)
    if sentences:
        d.bullets(f.sentence(s) for s in sentences)
    else:
        d.paragraph(f.t(msg("No finding.")))
    d.heading(f.t(msg("Parameters of the checks")), 1)
    rows = [(_label(ROBUSTNESS_PARAMETER_LABELS, key, lang), _setting(key, value, f))
            for key, value in sorted(robustness.parameters.items())]
    d.table([f.t(msg("Parameter")), f.t(msg("Value"))], rows, [11.0, 6.0],
            bold_first_column=True)
    return d.save(generated)
