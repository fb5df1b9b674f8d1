"""Letters to unsuccessful bidders: why their offer was not chosen, and what comes next.

Unsuccessful bidders are told why their offer was not chosen, the winner's name and why
it was chosen (R2181-1 to R2181-4 of the code de la commande publique), and the
contract is not signed before a standstill period (R2182-1). :func:`write_debrief`
writes one letter; :func:`write_debriefs` writes the letters of an evaluation, reading
the evaluation once for all of them. Every figure comes from the evaluation, formatted
as in the memo.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from ai_procurement.decision.scoring import Evaluation, VendorResult
from ai_procurement.deliverables.document import check_lang, check_output, new_document
from ai_procurement.deliverables.procedure import Procedure
from ai_procurement.deliverables.view import (
    MAX_CITED,
    WEAKNESS,
    EvaluationView,
    cite,
    knockout_answer,
    knockout_rule,
    question_label,
)
from ai_procurement.errors import ScoringError
from ai_procurement.text import Lang

__all__ = ["write_debrief", "write_debriefs"]

_LETTER_MARGIN_CM = 1.5


def write_debrief(evaluation: Evaluation, vendor: str, path: str | os.PathLike[str], *,
                  lang: Lang = "fr", generated: dt.date | None = None,
                  procedure: Procedure | None = None, overwrite: bool = False) -> Path:
    """Write the letter telling an unsuccessful vendor why its offer was not chosen.

    The letter gives the vendor's points beside the winner's for each criterion, its
    rank, the reasons (its weakest answers; the mandatory requirements it failed; why
    its file was set aside), the winner's name and total, and the standstill period
    before the contract is signed (R2182-1 of the code de la commande publique) with
    the vendor's right to ask for further details (R2181-3 and R2181-4).

    Args:
        evaluation: the scored offers.
        vendor: the unsuccessful vendor.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        generated: the letter's date; None is today.
        procedure: gives the place and signatory of the letter, when known.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        ScoringError: ``vendor`` is not in the evaluation, is ranked first, or several
            offers are tied first (the award is not decided yet).
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
    """
    return write_debriefs(evaluation, {vendor: path}, lang=lang, generated=generated,
                          procedure=procedure, overwrite=overwrite)[0]


def write_debriefs(evaluation: Evaluation, paths: Mapping[str, str | os.PathLike[str]], *,
                   lang: Lang = "fr", generated: dt.date | None = None,
                   procedure: Procedure | None = None, overwrite: bool = False) -> list[Path]:
    """Write the letters of several unsuccessful vendors, reading the evaluation once.

    Every vendor and path is checked before any letter is written, so a refusal leaves
    no letter behind.

    Args:
        evaluation: the scored offers.
        paths: the ``.docx`` file of each vendor's letter, by vendor name.
        lang: ``"fr"`` or ``"en"``.
        generated: the letters' date; None is today.
        procedure: gives the place and signatory of the letters, when known.
        overwrite: replace existing files.

    Returns:
        The paths written, in the order of ``paths``.

    Raises:
        ScoringError: a vendor is not in the evaluation or is ranked first, or several
            offers are tied first (the award is not decided yet).
        OutputError: a path exists and ``overwrite`` is false, or it cannot be written.
    """
    from ai_procurement._office.files import write_atomic

    language = check_lang(lang)
    known = {v.vendor for v in evaluation.vendors}
    for vendor in paths:
        if vendor not in known:
            raise ScoringError(f"unknown vendor {vendor!r}: a debrief letter is written for "
                               f"one of the vendors evaluated {sorted(known)}")
        if evaluation.vendor(vendor).rank == 1:
            raise ScoringError(f"vendor {vendor!r} is ranked first: a debrief letter is for "
                               "unsuccessful vendors only")
    view = EvaluationView(evaluation, language)
    if view.tied_first:
        raise ScoringError("several offers are tied first: decide the award before writing "
                           "debrief letters")
    targets = {vendor: check_output(path, overwrite) for vendor, path in paths.items()}
    day = generated or dt.date.today()
    for vendor, target in targets.items():
        data = _debrief(view, evaluation.vendor(vendor), day, procedure or Procedure())
        write_atomic(target, data, overwrite=overwrite)
    return list(targets.values())


def _debrief(view: EvaluationView, result: VendorResult, generated: dt.date,
             procedure: Procedure) -> bytes:
    f, ev, lang = view.f, view.evaluation, view.lang
    consultation = ev.questionnaire.consultation
    d = new_document(lang, title=f.t("Information d'un soumissionnaire évincé",
                                     "Notice to an unsuccessful bidder"),
                     subject=consultation.title, author=consultation.buyer,
                     generated=generated)
    d.vertical_margins(_LETTER_MARGIN_CM)
    d.footer(f"{f.text(consultation.buyer, 80)} – {f.text(consultation.reference, 60)}")
    d.paragraph(("b", f.text(consultation.buyer, 300)))
    if consultation.contact:
        d.paragraph(f.text(consultation.contact, 300))
    d.gap()
    d.paragraph(("b", f.name(result.vendor)), align="r")
    place = f.text(procedure.place, 200) if procedure.place else ""
    day = f.date(generated)
    d.paragraph((f.t(f"{place}, le ", f"{place}, ") if place else f.t("Le ", "")) + day,
                align="r")
    subject = f.t(f"Objet : consultation {f.text(consultation.reference, 200)} – "
                  f"{f.text(consultation.title, 300)}",
                  f"Subject: consultation {f.text(consultation.reference, 200)} – "
                  f"{f.text(consultation.title, 300)}")
    if procedure.lot:
        subject += f", lot {f.text(procedure.lot, 200)}"
    d.gap()
    d.paragraph(("b", subject + f.t(" – information sur le rejet de votre offre",
                                    " – outcome of your offer")))
    d.gap()
    d.paragraph(f.t("Madame, Monsieur,", "Dear Sir or Madam,"))
    winner = view.winner
    max_points = f.n(view.total_points, 0)
    if result.status == "file-rejected":
        d.paragraph(f.t("Nous avons le regret de vous informer que votre pli n'a pas pu être "
                        "analysé, pour le(s) motif(s) suivant(s) :",
                        "We regret to inform you that your file could not be evaluated, for the "
                        "following reason(s):"))
        d.bullets(f.sentence(e.get(lang)) for e in result.file_errors)
    elif result.status == "non-compliant":
        d.paragraph(f.t("Nous avons le regret de vous informer que votre offre est "
                        "irrégulière : elle ne satisfait pas à une ou plusieurs exigences "
                        "éliminatoires publiées dans les documents de la consultation. Elle a "
                        "donc été écartée du classement. Motif(s) :",
                        "We regret to inform you that your offer is non-compliant: it fails one "
                        "or more mandatory requirements published in the consultation documents. "
                        "It was therefore left out of the ranking. Reason(s):"))
        d.table([f.t("Question", "Question"), f.t("Votre réponse", "Your answer"),
                 f.t("Règle", "Rule"), f.t("Motif", "Reason")],
                [[question_label(view, k.question_id), knockout_answer(view, result.vendor, k),
                  knockout_rule(view, k), k.reason.get(lang)]
                 for k in result.knockouts], [5.0, 3.0, 3.5, 5.5])
    else:
        ranked = len(view.ranking)
        d.paragraph(f.t(
            f"Nous avons le regret de vous informer que votre offre n'a pas été retenue. "
            f"Elle est classée {result.rank}e sur {ranked} offres classées, avec "
            f"{f.pts(result.total)} points sur {max_points}.",
            f"We regret to inform you that your offer was not selected. It is ranked "
            f"{_ordinal(result.rank or 0)} of {ranked} ranked offers, with "
            f"{f.pts(result.total)} points out of {max_points}."))
    if winner is not None:
        d.paragraph(f.t("L'offre retenue est celle de ", "The offer selected is that of "),
                    ("b", f.name(winner.vendor)),
                    f.t(f", classée première avec {f.pts(winner.total)} points sur "
                        f"{max_points} : c'est l'offre économiquement la plus avantageuse au "
                        "regard des critères publiés.",
                        f", ranked first with {f.pts(winner.total)} points out of "
                        f"{max_points}: it is the most economically advantageous offer under "
                        "the published criteria."))
    elif not view.ranking:
        d.paragraph(f.t("Aucune offre n'étant régulière, la procédure est déclarée infructueuse.",
                        "As no offer is compliant, the procedure is declared unsuccessful."))
    if result.status == "ranked" and winner is not None:
        d.label(f.t("Comparaison par critère", "Comparison by criterion"))
        rows = []
        scored = [c for c in view.criteria if view.points.get(c.id, 0.0) > 0]
        for criterion in scored:
            rows.append([f.text(view.title(criterion), 200), f.pts(view.points[criterion.id]),
                         f.pts(result.criteria.get(criterion.id, 0.0)),
                         f.pts(winner.criteria.get(criterion.id, 0.0))])
        rows.append([f.t("Total", "Total"), f.pts(view.total_points), f.pts(result.total),
                     f.pts(winner.total)])
        d.table([f.t("Critère", "Criterion"), f.t("Points possibles", "Points available"),
                 f.t("Votre offre", "Your offer"),
                 f.t("Offre retenue", "Selected offer") + f" ({f.name(winner.vendor, 60)})"],
                rows, [7.4, 3.0, 3.0, 3.6], align="lrrr", bold_rows=[len(rows) - 1])
        behind = sorted(((winner.criteria.get(c.id, 0.0) - result.criteria.get(c.id, 0.0), c)
                         for c in scored), key=lambda item: (-item[0], item[1].id))
        behind = [(gap, c) for gap, c in behind if gap > 0][:3]
        if behind:
            d.label(f.t("Motifs : points faibles de votre offre",
                        "Reasons: weak points of your offer"))
            for gap, criterion in behind:
                weak = sorted((ln for ln in view.criterion_lines(result.vendor, criterion.id)
                               if ln.counted and ln.max_points > 0 and ln.fraction < WEAKNESS),
                              key=lambda ln: (-(ln.max_points * (1 - ln.fraction)),
                                              ln.question_id))[:MAX_CITED]
                text = f.t(f"{f.text(view.title(criterion), 200)} : {f.pts(gap)} point(s) de "
                           "moins que l'offre retenue",
                           f"{f.text(view.title(criterion), 200)}: {f.pts(gap)} point(s) "
                           "fewer than the selected offer")
                if weak:
                    text += f.t(" ; réponses les plus faibles : ", "; weakest answers: ") + (
                        " ; " if lang == "fr" else "; ").join(cite(view, ln) for ln in weak)
                d.bullets([text + "."])
        if view.price_criterion is not None and ev.price is not None and (
                result.vendor in ev.price.points):
            d.paragraph(f.t("Prix : ", "Price: ") + f.money(ev.price.prices[result.vendor])
                        + f.t(" pour votre offre, ", " for your offer, ")
                        + f.money(ev.price.prices.get(winner.vendor, 0.0))
                        + f.t(" pour l'offre retenue.", " for the selected offer."))
    d.label(f.t("Délai de suspension et voies de recours",
                "Standstill period and remedies"))
    d.paragraph(f.t(
        "Lorsque la procédure y est soumise (procédure formalisée), le marché ne sera pas "
        "signé avant l'expiration d'un délai de onze jours à compter de l'envoi de la présente "
        "notification par voie électronique, porté à seize jours si elle n'est pas transmise "
        "par voie électronique (article R2182-1 du code de la commande publique). Pendant ce "
        "délai, vous pouvez former un référé précontractuel devant le tribunal administratif "
        "(article L551-1 du code de justice administrative).",
        "Where the procedure is subject to it (formalised procedures), the contract will not "
        "be signed before a standstill period of eleven days from the electronic sending of "
        "this notice, or sixteen days if it is not sent electronically (French public "
        "procurement code, R2182-1). During this period you may bring a pre-contractual "
        "summary action before the administrative court (code of administrative justice, "
        "L551-1)."))
    d.paragraph(f.t(
        "Vous pouvez nous demander des précisions complémentaires sur les motifs du rejet de "
        "votre offre ; si votre offre n'a été écartée ni comme irrégulière, ni comme "
        "inacceptable, ni comme inappropriée, vous pouvez aussi obtenir les caractéristiques "
        "et les avantages de l'offre retenue (articles R2181-3 et R2181-4 du code de la "
        "commande publique).",
        "You may ask us for further details of the reasons why your offer was rejected; if "
        "your offer was not rejected as non-compliant, unacceptable or unsuitable, you may "
        "also obtain the characteristics and relative advantages of the offer selected "
        "(French public procurement code, R2181-3 and R2181-4)."))
    d.paragraph(f.t(
        "Nous vous remercions de l'intérêt que vous avez porté à cette consultation et vous "
        "prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "Thank you for your interest in this consultation. Yours faithfully,"),
   keep_with_next=True)
    signer = procedure.signatories[0] if procedure.signatories else None
    if signer is not None:
        d.paragraph(("b", f.text(signer.name, 200)), align="r", keep_with_next=True)
        if signer.role:
            d.paragraph(f.text(signer.role, 200), align="r")
    else:
        d.paragraph(("b", f.text(consultation.buyer, 300)), align="r")
    return d.save(generated)


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10,
                                                                                "th")
    return f"{rank}{suffix}"
