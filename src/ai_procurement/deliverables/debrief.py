"""Letters to unsuccessful bidders: why their offer was not chosen, and what comes next.

Unsuccessful bidders are told why their offer was not chosen, the winner's name and why
it was chosen, and what the procedure implies next (code de la commande publique): in a
formalised procedure (R2181-3 and R2181-4) the date from which the contract may be
signed, after the standstill of R2182-1 (its days read from the legal facts); in an
adapted procedure (R2181-1 and R2181-2) or for a contract based on a framework agreement
(R2182-2), that the contract may be signed at once. Every letter lists the remedies:
référé précontractuel (CJA L551-1) until signature, référé contractuel (CJA L551-13) and
the action contesting the contract's validity (CE, 4 April 2014, n° 358994). :func:`write_debrief`
writes one letter; :func:`write_debriefs` writes the letters of an evaluation, reading
the evaluation once for all of them. Every figure comes from the evaluation, formatted
as in the memo.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from ai_procurement._office.docx import WordDocument
from ai_procurement.decision.scoring import Evaluation, VendorResult
from ai_procurement.deliverables.document import check_lang, check_output, new_document
from ai_procurement.deliverables.procedure import Procedure
from ai_procurement.deliverables.view import (
    MAX_CITED,
    WEAKNESS,
    EvaluationView,
    Formatter,
    cite,
    knockout_answer,
    knockout_rule,
    question_label,
)
from ai_procurement.errors import ScoringError
from ai_procurement.legal.facts import legal_facts
from ai_procurement.legal.procedure import procedure_rules
from ai_procurement.text import Lang, Text, msg, nmsg, pmsg

__all__ = ["sign_letter", "write_debrief", "write_debriefs"]

_LETTER_MARGIN_CM = 1.5


def write_debrief(evaluation: Evaluation, vendor: str, path: str | os.PathLike[str], *,
                  lang: Lang = "fr", generated: dt.date | None = None,
                  procedure: Procedure | None = None, overwrite: bool = False) -> Path:
    """Write the letter telling an unsuccessful vendor why its offer was not chosen.

    The letter gives the vendor's points beside the winner's for each criterion, its
    rank, the reasons (its weakest answers; the mandatory requirements it failed; why
    its file was set aside), the winner's name and total, and what follows under the
    procedure (``procedure.kind``): the date from which the contract may be signed in a
    formalised procedure (R2181-3, R2182-1), or that an adapted procedure or a
    subsequent contract has no standstill; then the remedies.

    Args:
        evaluation: the scored offers.
        vendor: the unsuccessful vendor.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        generated: the letter's date; None is today.
        procedure: gives the place and signatory of the letter, and its ``kind`` the
            articles, the signature date and the remedies the letter states.
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
        procedure: gives the place and signatory of the letters, and its ``kind`` the
            articles, the signature date and the remedies the letters state.
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


def _de(name: str) -> str:
    """French "de" before a name: "d'" before a vowel (« celle d'Alpha IA »)."""
    return "d'" if name[:1].lower() in "aâàeéèêëiîïoôuùûüyœæ" and name[:1] else "de "


def _debrief(view: EvaluationView, result: VendorResult, generated: dt.date,
             procedure: Procedure) -> bytes:
    f, ev, lang = view.f, view.evaluation, view.lang
    consultation = ev.questionnaire.consultation
    d = new_document(lang, title=f.t(msg("Notice to an unsuccessful bidder")),
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
    d.paragraph((f.t(msg("{place}, ", place=place)) + day) if place
                else f.t(pmsg("letter date", "{date}", date=day)), align="r")
    subject = f.t(msg("Subject: consultation {f_text_consultation_reference_20} – "
                      "{f_text_consultation_title_300}",
                      f_text_consultation_reference_20=f.text(consultation.reference, 200),
                      f_text_consultation_title_300=f.text(consultation.title, 300)))
    if procedure.lot:
        subject += f", lot {f.text(procedure.lot, 200)}"
    d.gap()
    d.paragraph(("b", subject + f.t(msg(" – outcome of your offer"))))
    d.gap()
    d.paragraph(f.t(msg("Dear Sir or Madam,")))
    winner = view.winner
    max_points = f.n(view.total_points, 0)
    if result.status == "file-rejected":
        d.paragraph(f.t(nmsg("We regret to inform you that your file could not be evaluated, "
                             "for the following reason:", "We regret to inform you that your "
                             "file could not be evaluated, for the following reasons:",
                             len(result.file_errors))))
        d.bullets(f.sentence(e.get(lang)) for e in result.file_errors)
    elif result.status == "non-compliant":
        d.paragraph(f.t(nmsg("We regret to inform you that your offer is non-compliant: it "
                             "fails a mandatory requirement published in the consultation "
                             "documents. It was therefore left out of the ranking. Reason:",
                             "We regret to inform you that your offer is non-compliant: it "
                             "fails mandatory requirements published in the consultation "
                             "documents. It was therefore left out of the ranking. Reasons:",
                             len(result.knockouts))))
        d.table([f.t(msg("Question")), f.t(msg("Your answer")),
                 f.t(msg("Rule")), f.t(msg("Reason"))],
                [[question_label(view, k.question_id), knockout_answer(view, result.vendor, k),
                  knockout_rule(view, k), k.reason.get(lang)]
                 for k in result.knockouts], [5.0, 3.0, 3.5, 5.5])
    elif result.status == "unacceptable":
        check = ev.budget
        if check is not None and result.vendor in check.explanations:
            # The explanation gives the amounts, the rule and its articles: said once.
            d.paragraph(f.t(msg("We regret to inform you that your offer cannot be selected, for "
                                "the following reason:")))
            d.bullets([f.sentence(check.explanations[result.vendor].get(lang))])
        else:
            d.paragraph(f.t(msg("We regret to inform you that your offer is unacceptable: its "
                                "price exceeds the budget allocated to the contract, set before "
                                "the procedure was launched (French public procurement code, "
                                "L2152-3). It was therefore eliminated without being ranked "
                                "(L2152-1 and R2152-1).")))
    else:
        ranked = len(view.ranking)
        d.paragraph(f.t(
            msg("We regret to inform you that your offer was not selected. It is ranked "
                "{ordinal_result_rank_0} of {ranked} ranked offers, with {f_pts_result_total} "
                "points out of {max_points}.",
                ordinal_result_rank_0=Text(fr=format(result.rank, ''),
                en=format(_ordinal(result.rank or 0), '')), ranked=ranked,
                f_pts_result_total=f.pts(result.total), max_points=max_points)))
    if winner is not None:
        d.paragraph(f.t("L'offre retenue est celle " + _de(winner.vendor),
                        "The offer selected is that of "),
                    ("b", f.name(winner.vendor)),
                    f.t(msg(", ranked first with {f_pts_winner_total} points out of "
                            "{max_points}: it is the most economically advantageous offer under "
                            "the published criteria.", f_pts_winner_total=f.pts(winner.total),
                            max_points=max_points)))
    elif not view.ranking:
        d.paragraph(f.t(msg("As no offer is compliant, the procedure is declared unsuccessful.")))
    if result.status == "ranked" and winner is not None:
        d.label(f.t(msg("Comparison by criterion")))
        rows = []
        scored = [c for c in view.criteria if view.points.get(c.id, 0.0) > 0]
        for criterion in scored:
            rows.append([f.text(view.title(criterion), 200), f.pts(view.points[criterion.id]),
                         f.pts(result.criteria.get(criterion.id, 0.0)),
                         f.pts(winner.criteria.get(criterion.id, 0.0))])
        rows.append([f.t(msg("Total")), f.pts(view.total_points), f.pts(result.total),
                     f.pts(winner.total)])
        d.table([f.t(msg("Criterion")), f.t(msg("Points available")),
                 f.t(msg("Your offer")),
                 f.t(msg("Selected offer")) + f" ({f.name(winner.vendor, 60)})"],
                rows, [7.4, 3.0, 3.0, 3.6], align="lrrr", bold_rows=[len(rows) - 1])
        behind = sorted(((winner.criteria.get(c.id, 0.0) - result.criteria.get(c.id, 0.0), c)
                         for c in scored), key=lambda item: (-item[0], item[1].id))
        behind = [(gap, c) for gap, c in behind if gap > 0][:3]
        if behind:
            d.label(f.t(msg("Reasons: weak points of your offer")))
            for gap, criterion in behind:
                weak = sorted((ln for ln in view.criterion_lines(result.vendor, criterion.id)
                               if ln.counted and ln.max_points > 0 and ln.fraction < WEAKNESS),
                              key=lambda ln: (-(ln.max_points * (1 - ln.fraction)),
                                              ln.question_id))[:MAX_CITED]
                # Gaps are shown with decimals: "1,00 point", "0,50 points", "2,50 points".
                text = f.t(nmsg("{criterion}: {gap} point fewer than the selected offer",
                                "{criterion}: {gap} points fewer than the selected offer",
                                1 if f.pts(gap) == f.pts(1.0) else 2,
                                criterion=f.text(view.title(criterion), 200), gap=f.pts(gap)))
                if weak:
                    text += f.t(msg("; weakest answers: ")) + (
                        " ; " if lang == "fr" else "; ").join(cite(view, ln) for ln in weak)
                d.bullets([text + "."])
        if view.price_criterion is not None and ev.price is not None and (
                result.vendor in ev.price.points):
            d.paragraph(f.t(msg("Price: ")) + f.money(ev.price.prices[result.vendor])
                        + f.t(msg(" for your offer, "))
                        + f.money(ev.price.prices.get(winner.vendor, 0.0))
                        + f.t(msg(" for the selected offer.")))
    _signature_and_remedies(d, f, procedure, generated)
    d.paragraph(f.t(
        msg("Thank you for your interest in this consultation. Yours faithfully,")),
        keep_with_next=True)
    sign_letter(d, f, procedure, consultation.buyer)
    return d.save(generated)


def sign_letter(d: WordDocument, f: Formatter, procedure: Procedure, buyer: str) -> None:
    """The signature of a letter to a bidder: the first signatory and role, else the buyer."""
    signer = procedure.signatories[0] if procedure.signatories else None
    if signer is not None:
        d.paragraph(("b", f.text(signer.name, 200)), align="r", keep_with_next=True)
        if signer.role:
            d.paragraph(f.text(signer.role, 200), align="r")
    else:
        d.paragraph(("b", f.text(buyer, 300)), align="r")


def _articles(articles: tuple[str, ...], f: Formatter) -> str:
    """"des articles R2181-1 et R2181-3 du code de la commande publique" (or English)."""
    bare = [a.removeprefix("CCP ") for a in articles]
    joined = (", ".join(bare[:-1]) + f.t(msg(" and ")) + bare[-1]) if len(bare) > 1 \
        else bare[0]
    # French names one article or several ("de l'article", "des articles"); English does not.
    return f.t(nmsg("French public procurement code (CCP), {articles}",
                    "French public procurement code (CCP), {articles}", len(bare),
                    articles=joined))


def _signature_and_remedies(d: WordDocument, f: Formatter, procedure: Procedure,
                            generated: dt.date) -> None:
    """When the contract may be signed, what the bidder may ask for, and its remedies.

    Follows the procedure: a formalised procedure gives the date from which the contract
    may be signed (R2181-3, 2°; R2182-1, days read from the legal facts); an adapted
    procedure or a subsequent contract has no standstill and says so; an unstated
    procedure claims none.
    """
    kind = procedure.kind
    d.label(f.t(msg("Signature of the contract and remedies")))
    if kind is None:
        d.paragraph(f.t(
            msg("Until the contract is signed, you may bring a pre-contractual summary action "
                "before the administrative court (code of administrative justice, L551-1).")))
        d.paragraph(f.t(
            msg("You may ask us for further details of the reasons why your offer was rejected; "
                "if your offer was not rejected as non-compliant, unacceptable or unsuitable, "
                "you may also obtain the characteristics and relative advantages of the offer "
                "selected (French public procurement code, R2181-3 and R2181-4).")))
        return
    rules = procedure_rules(kind)
    d.paragraph(f.t(msg("Procedure: {rules_label}. This letter informs you that your offer was "
                        "rejected under the {articles_rules_rejection_articl}.",
                        rules_label=rules.label,
                        articles_rules_rejection_articl=_articles(rules.rejection_articles, f))))
    if rules.formalised:
        facts = legal_facts()
        days = facts.number("ccp.standstill_days", on=generated)
        days_paper = facts.number("ccp.standstill_days_not_electronic", on=generated)
        sign = generated + dt.timedelta(days=days)
        sign_paper = generated + dt.timedelta(days=days_paper)
        d.paragraph(f.t(msg("The contract may be signed from ")),
                    ("b", f.date(sign)),
                    f.t(msg(" (French public procurement code, R2181-3, 2°): at least {days} "
                            "days separate the electronic sending of this notice, on "
                            "{f_date_generated}, from the signature of the contract (R2182-1). "
                            "If it is not sent to you electronically, the time is {days_paper} "
                            "days and the contract may be signed from {f_date_sign_paper}.",
                            days=days, f_date_generated=f.date(generated), days_paper=days_paper,
                            f_date_sign_paper=f.date(sign_paper))))
        d.paragraph(f.t(
            msg("The reasons why your offer was rejected, the name of the successful bidder and "
                "the reasons for choosing its offer are given above (R2181-3). If your offer was "
                "not rejected as non-compliant, unacceptable or unsuitable, you may ask us for "
                "the characteristics and relative advantages of the offer selected, which we "
                "will send you as soon as possible (French public procurement code, R2181-4).")))
    elif rules.formalised is None:
        d.paragraph(f.t(
            msg("This subsequent contract is awarded under the terms for reopening competition "
                "set by the framework agreement (French public procurement code, R2162-7 to "
                "R2162-12). The standstill of R2182-1 is not required for awarding contracts "
                "based on a framework agreement (R2182-2, 2°): the contract may be signed as "
                "soon as this letter is sent.")))
    else:
        d.paragraph(f.t(
            msg("In an adapted procedure no standstill is required before the contract is "
                "signed: R2182-1 of the French public procurement code covers formalised "
                "procedures only. The contract may therefore be signed as soon as this letter is "
                "sent.")))
    d.paragraph(f.t(msg("Remedies, before the competent administrative court:")),
                keep_with_next=True)
    remedies = [f.t(msg("until the contract is signed, the pre-contractual summary action (code "
                        "of administrative justice, L551-1);")),
                f.t(msg("after signature, the contractual summary action, under the conditions "
                        "and time limits of the code of administrative justice, L551-13 ff. and "
                        "R551-7;")),
                f.t(msg("the action contesting the validity of the contract, within two months "
                        "of the appropriate publication of its conclusion (Conseil d'État, "
                        "assembly, 4 April 2014, Département de Tarn-et-Garonne, no. 358994)."))]
    d.bullets(remedies)


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10,
                                                                                "th")
    return f"{rank}{suffix}"
