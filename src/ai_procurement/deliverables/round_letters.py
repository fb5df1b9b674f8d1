"""Letters to a bidder after opening: clarification, regularisation, negotiation, price.

Each round of exchanges after the offers are opened (see
:mod:`ai_procurement.decision.rounds`) is made of letters, one per bidder, on the
buyer's letterhead, in French or English: a request for clarification that lists only
the ambiguous points (the offer may not change, R2152-1 and, in an appel d'offres,
R2161-5); a request to regularise an irregular offer that lists the irregular points and
the deadline (R2152-2); an invitation to a negotiation round (R2123-4 and R2123-5 in a
MAPA, R2161-17 in a procédure avec négociation); a request to justify an abnormally low
price (L2152-6, R2152-3) and, after examining the answer, the notice that the offer is
rejected (R2152-3 to R2152-5). The letters reuse the memo's template and formatter.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import attrs

from ai_procurement._office.docx import WordDocument
from ai_procurement.decision.rounds import RoundKind
from ai_procurement.deliverables.debrief import sign_letter
from ai_procurement.deliverables.document import check_lang, check_output, new_document
from ai_procurement.deliverables.procedure import Procedure
from ai_procurement.deliverables.view import Formatter
from ai_procurement.questionnaire import Consultation
from ai_procurement.text import Lang, Text, msg, pmsg

__all__ = ["LetterPoint", "RoundLetter", "round_letter_bytes", "write_round_letter"]

_MARGIN_CM = 1.5


@attrs.frozen
class LetterPoint:
    """One point a letter names: the question, where the bidder answered it, and why.

    Attributes:
        question_id: the question's id ("SEC-03").
        question: the question's text, in the letter's language.
        cell: the cell of the answer in the bidder's workbook ("D14"), if known.
        reason: why the point is raised, in the letter's language.
    """

    question_id: str
    question: str
    cell: str = ""
    reason: str = ""


@attrs.frozen
class RoundLetter:
    """What one letter of a round says, before it is put in words.

    Attributes:
        kind: the kind of round.
        round_id: the round's folder name ("2-regularisation").
        offer: the offer number ("P02").
        bidder: the bidder's name.
        consultation: the consultation (buyer, reference, title, contact).
        deadline: the date by which the bidder must answer.
        points: the points to clarify or regularise (empty for other letters).
        price: the offer's price, for a justification request (None: not stated).
        rejection: the buyer's reason for rejecting an abnormally low offer after
            examining its justification; "" for a request.
        procedure: place, signatory and procedure of the consultation.
        lot: the lot, when the consultation has lots.
    """

    kind: RoundKind
    round_id: str
    offer: str
    bidder: str
    consultation: Consultation
    deadline: dt.date | None
    points: tuple[LetterPoint, ...] = ()
    price: float | None = None
    rejection: str = ""
    procedure: Procedure = attrs.field(factory=Procedure)
    lot: str = ""


def write_round_letter(letter: RoundLetter, path: str | os.PathLike[str], *,
                       lang: Lang = "fr", generated: dt.date | None = None,
                       overwrite: bool = False) -> Path:
    """Write one round letter as a Word file.

    Args:
        letter: what the letter says.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        generated: the letter's date; None is today.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        OutputError: ``path`` exists and ``overwrite`` is false, or cannot be written.
    """
    from ai_procurement._office.files import write_atomic

    target = check_output(path, overwrite)
    write_atomic(target, round_letter_bytes(letter, lang=lang, generated=generated),
                 overwrite=overwrite)
    return target


_TITLES = {
    RoundKind.CLARIFICATION: ("Demande de précisions sur votre offre",
                              "Request for clarification of your offer"),
    RoundKind.REGULARISATION: ("Demande de régularisation de votre offre",
                               "Request to regularise your offer"),
    RoundKind.NEGOTIATION: ("Invitation à négocier", "Invitation to negotiate"),
    RoundKind.LOW_PRICE: ("Demande de justification du prix de votre offre",
                          "Request to justify the price of your offer"),
}


def round_letter_bytes(letter: RoundLetter, *, lang: Lang = "fr",
                       generated: dt.date | None = None) -> bytes:
    """The letter as the bytes of a Word file (same inputs, same bytes)."""
    language = check_lang(lang)
    f = Formatter(language)
    day = generated or dt.date.today()
    c, p = letter.consultation, letter.procedure
    title = _TITLES[letter.kind]
    if letter.rejection:
        title = ("Rejet de votre offre anormalement basse",
                 "Rejection of your abnormally low offer")
    d = new_document(language, title=f.t(*title), subject=c.title, author=c.buyer,
                     generated=day)
    d.vertical_margins(_MARGIN_CM)
    d.footer(f"{f.text(c.buyer, 80)} – {f.text(c.reference, 60)} – "
             f"{f.text(letter.round_id, 40)}")
    d.paragraph(("b", f.text(c.buyer, 300)))
    if c.contact:
        d.paragraph(f.text(c.contact, 300))
    d.gap()
    d.paragraph(("b", f.name(letter.bidder)), align="r")
    d.paragraph(f.t(msg("Offer no. ")) + f.text(letter.offer, 20), align="r")
    place = f.text(p.place, 200) if p.place else ""
    d.paragraph((f.t(msg("{place}, ", place=place)) + f.date(day)) if place
                else f.t(pmsg("letter date", "{date}", date=f.date(day))), align="r")
    subject = f.t(msg("Subject: consultation {f_text_c_reference_200} – {f_text_c_title_300}",
                      f_text_c_reference_200=f.text(c.reference, 200),
                      f_text_c_title_300=f.text(c.title, 300)))
    if letter.lot:
        subject += f", lot {f.text(letter.lot, 200)}"
    d.gap()
    d.paragraph(("b", subject + " – " + f.t(*title).lower()))
    d.gap()
    d.paragraph(f.t(msg("Dear Sir or Madam,")))
    deadline = f.date(letter.deadline) if letter.deadline else f.t(msg("the date stated"))
    if letter.kind is RoundKind.CLARIFICATION:
        _clarification(d, f, letter, deadline)
    elif letter.kind is RoundKind.REGULARISATION:
        _regularisation(d, f, letter, deadline)
    elif letter.kind is RoundKind.NEGOTIATION:
        _negotiation(d, f, letter, deadline)
    elif letter.rejection:
        _rejection(d, f, letter)
    else:
        _justification(d, f, letter, deadline)
    d.paragraph(f.t(msg("Yours faithfully,")), keep_with_next=True)
    sign_letter(d, f, p, c.buyer)
    return d.save(day)


def _points(d: WordDocument, f: Formatter, letter: RoundLetter) -> None:
    d.table([f.t(msg("Question")), f.t(msg("Cell")), f.t(msg("Point"))],
            [[f"{f.text(pt.question_id, 40)} – {f.text(pt.question, 400)}",
              f.text(pt.cell, 20), f.text(pt.reason, 600)] for pt in letter.points],
            [7.5, 2.0, 7.5])


def _reply(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str,
           how: Text) -> None:
    d.paragraph(f.t(msg("Your answer is expected no later than ")), ("b", deadline),
                f.t(msg(", by the same means as your offer was submitted, {how}.", how=how)))


def _clarification(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    d.paragraph(f.t(
        msg("The evaluation of your offer found the points below, whose meaning is unclear. "
            "Please clarify them.")))
    _points(d, f, letter)
    d.paragraph(f.t(
        msg("This request is only about understanding your offer as it was submitted: your "
            "answer may neither complete nor change your offer, its price or its commitments "
            "(French public procurement code, R2152-1 and, in a call for tenders, R2161-5 and "
            "R2161-11). A clarification that changed the offer would not be taken into account.")))
    _reply(d, f, letter, deadline, msg("in writing"))


def _regularisation(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    d.paragraph(f.t(
        msg("Your offer is irregular within the meaning of article L2152-2 of the French public "
            "procurement code: it lacks elements the consultation documents require. Under "
            "article R2152-2 of that code, as every bidder whose offer is irregular, you are "
            "invited to regularise it on the following points only:")))
    _points(d, f, letter)
    d.paragraph(f.t(
        msg("Complete only these points in your offer's workbook and send it back. A "
            "regularisation may change no substantial feature of the offer (R2152-2): any other "
            "answer changed makes the regularised workbook rejected, and your offer is examined "
            "as submitted, hence irregular.")))
    _reply(d, f, letter, deadline, msg("by sending back the regularised workbook"))
    d.paragraph(f.t(msg("Without an answer within this time, your offer will be eliminated as "
                        "irregular (R2152-1).")))


def _negotiation(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    from ai_procurement.legal.procedure import procedure_rules

    kind = letter.procedure.kind
    articles = ("R2123-4, R2123-5" if kind is None else ", ".join(
        a.removeprefix("CCP ") for a in procedure_rules(kind).negotiation_articles))
    d.paragraph(f.t(
        msg("As the consultation documents provided (French public procurement code, "
            "{articles}), you are invited to a negotiation round ({f_text_letter_round_id_40}). "
            "You may submit an improved offer by filling in the attached questionnaire, which "
            "repeats the published questions, criteria and weights.", articles=articles,
            f_text_letter_round_id_40=f.text(letter.round_id, 40))))
    d.paragraph(f.t(
        msg("The award criteria, their weights and the minimum requirements are not negotiable "
            "(R2161-17); every bidder admitted to the negotiation receives the same invitation "
            "and the same time. Without a new offer in time, your previous offer remains the one "
            "examined.")))
    _reply(d, f, letter, deadline, msg("by submitting your new offer"))


def _justification(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    price = (f.t(msg(" (")) + f.money(letter.price) + f.t(msg(" excl. VAT)"))
             if letter.price is not None else "")
    d.paragraph(f.t(
        msg("The price of your offer{price} looks abnormally low given the services required and "
            "the other offers received. Under articles L2152-6 and R2152-3 of the French public "
            "procurement code, please justify in writing the price and costs proposed, including "
            "for the part you intend to subcontract.", price=price)))
    d.paragraph(f.t(msg("Your justification may in particular cover (R2152-3):")))
    d.bullets([f.t(msg("the economics of the manufacturing process, services or construction;")),
               f.t(msg("the technical solutions chosen or exceptionally favourable conditions "
                       "available to you;")),
               f.t(msg("the originality of the offer;")),
               f.t(msg("compliance with environmental, social and labour law;")),
               f.t(msg("any State aid obtained."))])
    d.paragraph(f.t(
        msg("Your offer may be rejected as abnormally low only after your justification is "
            "examined: it is rejected if the justification does not satisfactorily account for "
            "the low level of the price or costs, or if the offer breaches environmental, social "
            "or labour law obligations (L2152-6 and R2152-4; where State aid was obtained, "
            "R2152-5). The decision and its reasons will be sent to you.")))
    _reply(d, f, letter, deadline, msg("with supporting documents"))


def _rejection(d: WordDocument, f: Formatter, letter: RoundLetter) -> None:
    d.paragraph(f.t(
        msg("As the price of your offer looked abnormally low, you were asked to justify it "
            "(French public procurement code, L2152-6 and R2152-3). After examining your "
            "justification, we regret to inform you that your offer is rejected as abnormally "
            "low (L2152-5, L2152-6 and R2152-4), for the following reason:")))
    d.paragraph(("b", f.sentence(f.text(letter.rejection, 2000))))
    d.paragraph(f.t(
        msg("Your offer is therefore left out of the ranking. Until the contract is signed, you "
            "may bring a pre-contractual summary action before the administrative court (code of "
            "administrative justice, L551-1).")))
