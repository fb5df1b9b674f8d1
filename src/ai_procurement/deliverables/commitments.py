"""The commitments annex: the winning offer's answers the vendor is held to, for the contract.

A question whose ``verification`` is ``commitment`` asks for a promise (a delay, a support
period, "never trains on your data");
:func:`ai_procurement.decision.commitments.binding_commitments` lists the winning offer's
answers to them. :func:`write_commitments_annex` puts them in a
Word annex, to be attached to the contract, so that what was scored becomes what is owed.
The document is built like the memo (same template and formatting) and, for the same
inputs, has the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ai_procurement.decision.commitments import Commitment, binding_commitments
from ai_procurement.decision.scoring import Evaluation
from ai_procurement.deliverables.document import check_lang, check_output, new_document
from ai_procurement.deliverables.view import ANNEX_LIMIT, Formatter
from ai_procurement.text import Lang, msg

__all__ = ["write_commitments_annex"]


def write_commitments_annex(evaluation: Evaluation, path: str | os.PathLike[str], *,
                            lang: Lang = "fr", vendor: str | None = None,
                            generated: dt.date | None = None,
                            overwrite: bool = False) -> Path:
    """Write the annex listing the commitments of the winning offer (or of ``vendor``).

    The annex names the consultation and the vendor, gives a table of the answers the
    vendor committed to (question id, question, answer with the vendor's comment,
    evidence referenced), and states that these answers bind the vendor as contractual
    commitments once the annex is attached to the contract.

    Args:
        evaluation: the scored offers.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        vendor: the offer whose commitments to list; None takes the offer ranked first.
        generated: the annex's date; None is today.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        ScoringError: ``lang`` is unknown, ``vendor`` is None and no single offer is
            ranked first, or ``vendor`` is not in the evaluation.
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
    """
    from ai_procurement._office.files import write_atomic

    language = check_lang(lang)
    commitments = binding_commitments(evaluation, vendor)
    chosen = vendor if vendor is not None else next(
        v.vendor for v in evaluation.ranking if v.rank == 1)
    target = check_output(path, overwrite)
    day = generated or dt.date.today()
    write_atomic(target, _annex(evaluation, chosen, commitments, language, day),
                 overwrite=overwrite)
    return target


def _annex(evaluation: Evaluation, vendor: str, commitments: tuple[Commitment, ...],
           lang: Lang, generated: dt.date) -> bytes:
    f = Formatter(lang, [v.vendor for v in evaluation.vendors])
    consultation = evaluation.questionnaire.consultation
    title = f.t(msg("Annex: commitments of the selected offer"))
    d = new_document(lang, title=title, subject=consultation.title, author=consultation.buyer,
                     generated=generated)
    d.footer(f"{f.text(consultation.buyer, 80)} – {f.text(consultation.reference, 60)}")
    d.heading(title, 0)
    d.key_values([
        (f.t(msg("Consultation")),
         f"{f.text(consultation.reference, 200)} – {f.text(consultation.title, 300)}"),
        (f.t(msg("Buyer")), f.text(consultation.buyer, 300)),
        (f.t(msg("Contractor")), f.name(vendor)),
        (f.t(msg("Date")), f.date(generated)),
    ])
    d.paragraph(f.t(
        msg("The answers below are those the contractor gave, in its offer, to the questions the "
            "consultation documents designated as commitments. They bind the contractor: "
            "attached to the contract, this annex makes them contractual commitments, whose "
            "fulfilment is checked during performance.")), align="j")
    if not commitments:
        d.paragraph(f.t(msg("The selected offer holds no answer to a commitment question.")))
        return d.save(generated)
    rows = []
    for c in commitments:
        answer = f.text(c.answer.get(lang), ANNEX_LIMIT)
        if c.comment.strip():
            answer += "\n" + f.t(msg("Comment: ")) + f.text(c.comment, ANNEX_LIMIT)
        rows.append([c.question_id, f.text(c.question.get(lang), ANNEX_LIMIT), answer,
                     f.text(c.evidence, ANNEX_LIMIT) if c.evidence.strip() else "—"])
    d.label(f.t(msg("Commitments ({len_commitments})", len_commitments=len(commitments))))
    d.table([f.t(msg("Question")), f.t(msg("Question asked")),
             f.t(msg("Answer committed to")),
             f.t(msg("Evidence referenced"))],
            rows, [2.0, 5.5, 6.0, 3.5])
    d.paragraph(f.t(msg("Annex to be attached to the contract, signed by both parties.")))
    return d.save(generated)
