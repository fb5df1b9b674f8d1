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
from ai_procurement.deliverables.document import check_lang, check_output, new_document
from ai_procurement.deliverables.procedure import Procedure
from ai_procurement.deliverables.view import Formatter
from ai_procurement.questionnaire import Consultation
from ai_procurement.text import Lang

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
    d.paragraph(f.t("Offre n° ", "Offer no. ") + f.text(letter.offer, 20), align="r")
    place = f.text(p.place, 200) if p.place else ""
    d.paragraph((f.t(f"{place}, le ", f"{place}, ") if place else f.t("Le ", ""))
                + f.date(day), align="r")
    subject = f.t(f"Objet : consultation {f.text(c.reference, 200)} – {f.text(c.title, 300)}",
                  f"Subject: consultation {f.text(c.reference, 200)} – "
                  f"{f.text(c.title, 300)}")
    if letter.lot:
        subject += f", lot {f.text(letter.lot, 200)}"
    d.gap()
    d.paragraph(("b", subject + " – " + f.t(*title).lower()))
    d.gap()
    d.paragraph(f.t("Madame, Monsieur,", "Dear Sir or Madam,"))
    deadline = f.date(letter.deadline) if letter.deadline else f.t("la date indiquée",
                                                                     "the date stated")
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
    d.paragraph(f.t("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos "
                    "salutations distinguées.", "Yours faithfully,"), keep_with_next=True)
    signer = p.signatories[0] if p.signatories else None
    if signer is not None:
        d.paragraph(("b", f.text(signer.name, 200)), align="r", keep_with_next=True)
        if signer.role:
            d.paragraph(f.text(signer.role, 200), align="r")
    else:
        d.paragraph(("b", f.text(c.buyer, 300)), align="r")
    return d.save(day)


def _points(d: WordDocument, f: Formatter, letter: RoundLetter) -> None:
    d.table([f.t("Question", "Question"), f.t("Cellule", "Cell"), f.t("Point", "Point")],
            [[f"{f.text(pt.question_id, 40)} – {f.text(pt.question, 400)}",
              f.text(pt.cell, 20), f.text(pt.reason, 600)] for pt in letter.points],
            [7.5, 2.0, 7.5])


def _reply(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str,
           what: tuple[str, str]) -> None:
    d.paragraph(f.t("Votre réponse est attendue au plus tard le ",
                    "Your answer is expected no later than "), ("b", deadline),
                f.t(f", par le même moyen que le dépôt de votre offre, {what[0]}.",
                    f", by the same means as your offer was submitted, {what[1]}."))


def _clarification(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    d.paragraph(f.t(
        "L'analyse de votre offre fait apparaître les points ci-dessous, dont la teneur "
        "n'est pas claire. Nous vous demandons de bien vouloir en préciser le sens.",
        "The evaluation of your offer found the points below, whose meaning is unclear. "
        "Please clarify them."))
    _points(d, f, letter)
    d.paragraph(f.t(
        "Cette demande porte uniquement sur la compréhension de votre offre telle qu'elle a "
        "été remise : votre réponse ne peut ni compléter ni modifier votre offre, son prix ou "
        "ses engagements (articles R2152-1 et, en appel d'offres, R2161-5 et R2161-11 du "
        "code de la commande publique). Toute précision qui modifierait l'offre ne serait "
        "pas prise en compte.",
        "This request is only about understanding your offer as it was submitted: your "
        "answer may neither complete nor change your offer, its price or its commitments "
        "(French public procurement code, R2152-1 and, in a call for tenders, R2161-5 and "
        "R2161-11). A clarification that changed the offer would not be taken into "
        "account."))
    _reply(d, f, letter, deadline, ("par écrit", "in writing"))


def _regularisation(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    d.paragraph(f.t(
        "Votre offre est irrégulière au sens de l'article L2152-2 du code de la commande "
        "publique : elle ne comprend pas tous les éléments exigés par les documents de la "
        "consultation. En application de l'article R2152-2 du même code, et comme à tous "
        "les soumissionnaires dont l'offre est irrégulière, nous vous invitons à la "
        "régulariser sur les seuls points suivants :",
        "Your offer is irregular within the meaning of article L2152-2 of the French public "
        "procurement code: it lacks elements the consultation documents require. Under "
        "article R2152-2 of that code, as every bidder whose offer is irregular, you are "
        "invited to regularise it on the following points only:"))
    _points(d, f, letter)
    d.paragraph(f.t(
        "Complétez ces seuls points dans le classeur de votre offre et renvoyez-le. La "
        "régularisation ne peut modifier aucune caractéristique substantielle de l'offre "
        "(article R2152-2) : toute autre réponse modifiée entraîne le rejet du classeur "
        "régularisé, et votre offre reste examinée telle qu'elle a été remise, donc "
        "irrégulière.",
        "Complete only these points in your offer's workbook and send it back. A "
        "regularisation may change no substantial feature of the offer (R2152-2): any other "
        "answer changed makes the regularised workbook rejected, and your offer is examined "
        "as submitted, hence irregular."))
    _reply(d, f, letter, deadline, ("en renvoyant le classeur régularisé",
                                    "by sending back the regularised workbook"))
    d.paragraph(f.t("Sans réponse dans ce délai, votre offre sera éliminée comme irrégulière "
                    "(article R2152-1).",
                    "Without an answer within this time, your offer will be eliminated as "
                    "irregular (R2152-1)."))


def _negotiation(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    from ai_procurement.legal.procedure import procedure_rules

    kind = letter.procedure.kind
    articles = ("R2123-4, R2123-5" if kind is None else ", ".join(
        a.removeprefix("CCP ") for a in procedure_rules(kind).negotiation_articles))
    d.paragraph(f.t(
        f"Comme le prévoient les documents de la consultation (article {articles} du code "
        "de la commande publique), nous vous invitons à un tour de négociation "
        f"({f.text(letter.round_id, 40)}). Vous pouvez remettre une offre améliorée en "
        "complétant le questionnaire joint, qui reprend les questions, les critères et les "
        "pondérations publiés.",
        f"As the consultation documents provided (French public procurement code, "
        f"{articles}), you are invited to a negotiation round ({f.text(letter.round_id, 40)}). "
        "You may submit an improved offer by filling in the attached questionnaire, which "
        "repeats the published questions, criteria and weights."))
    d.paragraph(f.t(
        "Les critères d'attribution, leurs pondérations et les exigences minimales ne sont "
        "pas négociables (article R2161-17) ; tous les soumissionnaires admis à la "
        "négociation reçoivent la même invitation et le même délai. Sans nouvelle offre dans "
        "le délai, votre offre précédente reste celle qui est examinée.",
        "The award criteria, their weights and the minimum requirements are not negotiable "
        "(R2161-17); every bidder admitted to the negotiation receives the same invitation "
        "and the same time. Without a new offer in time, your previous offer remains the one "
        "examined."))
    _reply(d, f, letter, deadline, ("en déposant votre nouvelle offre",
                                    "by submitting your new offer"))


def _justification(d: WordDocument, f: Formatter, letter: RoundLetter, deadline: str) -> None:
    price = (f.t(" (", " (") + f.money(letter.price) + f.t(" HT)", " excl. VAT)")
             if letter.price is not None else "")
    d.paragraph(f.t(
        f"Le prix de votre offre{price} paraît anormalement bas au regard des prestations "
        "demandées et des autres offres reçues. En application des articles L2152-6 et "
        "R2152-3 du code de la commande publique, nous vous demandons de justifier par écrit "
        "le prix et les coûts proposés, y compris pour la part que vous envisagez de "
        "sous-traiter.",
        f"The price of your offer{price} looks abnormally low given the services required "
        "and the other offers received. Under articles L2152-6 and R2152-3 of the French "
        "public procurement code, please justify in writing the price and costs proposed, "
        "including for the part you intend to subcontract."))
    d.paragraph(f.t("Vos justifications peuvent notamment porter sur (article R2152-3) :",
                    "Your justification may in particular cover (R2152-3):"))
    d.bullets([f.t("le mode de fabrication, de prestation des services ou de construction ;",
                   "the economics of the manufacturing process, services or construction;"),
               f.t("les solutions techniques adoptées ou les conditions exceptionnellement "
                   "favorables dont vous disposez ;",
                   "the technical solutions chosen or exceptionally favourable conditions "
                   "available to you;"),
               f.t("l'originalité de l'offre ;", "the originality of the offer;"),
               f.t("le respect des obligations environnementales, sociales et du droit du "
                   "travail ;", "compliance with environmental, social and labour law;"),
               f.t("l'obtention éventuelle d'une aide d'État.",
                   "any State aid obtained.")])
    d.paragraph(f.t(
        "Votre offre ne peut être rejetée comme anormalement basse qu'après examen de vos "
        "justifications : elle l'est si elles ne justifient pas de manière satisfaisante le "
        "bas niveau du prix ou des coûts, ou si elle contrevient aux obligations en matière "
        "de droit de l'environnement, social ou du travail (articles L2152-6 et R2152-4 ; en "
        "cas d'aide d'État, article R2152-5). La décision et ses motifs vous seront "
        "communiqués.",
        "Your offer may be rejected as abnormally low only after your justification is "
        "examined: it is rejected if the justification does not satisfactorily account for "
        "the low level of the price or costs, or if the offer breaches environmental, social "
        "or labour law obligations (L2152-6 and R2152-4; where State aid was obtained, "
        "R2152-5). The decision and its reasons will be sent to you."))
    _reply(d, f, letter, deadline, ("avec les pièces justificatives",
                                    "with supporting documents"))


def _rejection(d: WordDocument, f: Formatter, letter: RoundLetter) -> None:
    d.paragraph(f.t(
        "Le prix de votre offre paraissant anormalement bas, nous vous avons demandé de le "
        "justifier (articles L2152-6 et R2152-3 du code de la commande publique). Après "
        "examen de vos justifications, nous avons le regret de vous informer que votre offre "
        "est rejetée comme anormalement basse (articles L2152-5, L2152-6 et R2152-4), pour "
        "le motif suivant :",
        "As the price of your offer looked abnormally low, you were asked to justify it "
        "(French public procurement code, L2152-6 and R2152-3). After examining your "
        "justification, we regret to inform you that your offer is rejected as abnormally "
        "low (L2152-5, L2152-6 and R2152-4), for the following reason:"))
    d.paragraph(("b", f.sentence(f.text(letter.rejection, 2000))))
    d.paragraph(f.t(
        "Votre offre ne figure donc pas au classement. Tant que le marché n'est pas signé, "
        "vous pouvez former un référé précontractuel devant le tribunal administratif "
        "(article L551-1 du code de justice administrative).",
        "Your offer is therefore left out of the ranking. Until the contract is signed, you "
        "may bring a pre-contractual summary action before the administrative court (code "
        "of administrative justice, L551-1)."))
