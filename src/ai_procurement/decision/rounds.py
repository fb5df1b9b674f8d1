"""What may happen to the offers after opening, as pure rules: rounds and offer versions.

After the offers are opened, the code de la commande publique (CCP) allows four kinds
of exchange with bidders, each with its own limits:

- a **clarification** (précisions, DAJ form OUV6): the buyer asks a bidder to explain an
  ambiguous point; the offer does not change;
- a **regularisation** (R2152-2): every bidder whose offer is irregular may be invited to
  complete it, within a set time, provided the offer is not abnormally low and the
  regularisation changes no essential feature of the offer;
- a **negotiation** round, only where the procedure allows it (MAPA when the consultation
  documents provided for it, R2123-4 and R2123-5; procédure avec négociation, R2161-12
  to R2161-20, where minimum requirements and award criteria are never negotiated,
  R2161-17; never in an appel d'offres, R2161-5 and R2161-11);
- an **abnormally-low offer** (L2152-5, L2152-6, R2152-3 to R2152-5): a written request to
  justify the price; the offer may be rejected only after examining the answer.

A regularisation or a negotiation round adds a new **version** of an offer beside the
earlier ones; nothing is overwritten. This module holds the model (:class:`OfferVersion`,
:class:`RoundKind`), the procedural gate (:func:`round_refusal`), the cell-by-cell check
that a regularised workbook changed nothing but its irregular points
(:func:`regularisation_changes`) and the rule that decides whether a pending
abnormally-low check may change the winner (:func:`winner_depends_on`). It reads no file.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

import attrs

from ai_procurement.answers import Answer
from ai_procurement.findings import Finding
from ai_procurement.legal.procedure import Negotiation, ProcedureKind, procedure_rules
from ai_procurement.text import Text, msg

__all__ = [
    "LowPriceOutcome",
    "OfferVersion",
    "RoundKind",
    "latest_versions",
    "regularisation_changes",
    "round_refusal",
    "winner_depends_on",
]


class RoundKind(enum.Enum):
    """The exchanges with bidders a buyer may hold after opening."""

    CLARIFICATION = "clarification"
    REGULARISATION = "regularisation"
    NEGOTIATION = "negotiation"
    LOW_PRICE = "low-price"

    @property
    def changes_offers(self) -> bool:
        """Whether the round may bring a new version of an offer."""
        return self in (RoundKind.REGULARISATION, RoundKind.NEGOTIATION)

    @property
    def label(self) -> Text:
        """The round's name in French and English."""
        return _LABELS[self]

    @property
    def articles(self) -> tuple[str, ...]:
        """The articles that organise this kind of exchange."""
        return _ARTICLES[self]


_LABELS = {
    RoundKind.CLARIFICATION: msg("Request for clarification"),
    RoundKind.REGULARISATION: msg("Request for regularisation"),
    RoundKind.NEGOTIATION: msg("Negotiation round"),
    RoundKind.LOW_PRICE: msg("Request to justify an abnormally low offer"),
}
_ARTICLES = {
    RoundKind.CLARIFICATION: ("CCP R2152-1", "CCP R2161-5"),
    RoundKind.REGULARISATION: ("CCP R2152-1", "CCP R2152-2"),
    RoundKind.NEGOTIATION: ("CCP R2123-4", "CCP R2123-5", "CCP R2161-17"),
    RoundKind.LOW_PRICE: ("CCP L2152-5", "CCP L2152-6", "CCP R2152-3", "CCP R2152-4",
                          "CCP R2152-5"),
}


def round_refusal(kind: RoundKind, procedure: ProcedureKind | None,
                  negotiation_reserved: bool) -> Text | None:
    """Why the procedure does not allow this round, citing the article; None if it does.

    Clarifications, regularisations and abnormally-low-offer requests are open to every
    procedure (R2152-1 to R2152-5 apply to all). A negotiation needs a procedure that
    allows it: always in a procédure avec négociation or a competitive dialogue; in a
    MAPA only when the consultation documents reserved it (R2123-5, ``negotiation_reserved``);
    never in an appel d'offres (R2161-5 open, R2161-11 restricted) nor in a subsequent
    contract (whose terms the framework agreement sets, R2162-7 ff.).

    Args:
        kind: the round asked for.
        procedure: the procedure of ``campaign.yaml``; None when not stated.
        negotiation_reserved: the consultation documents reserved the right to
            negotiate (MAPA).
    """
    if kind is not RoundKind.NEGOTIATION:
        return None
    if procedure is None:
        return msg("the procedure is not stated (procedure.procedure_type in campaign.yaml): a "
                   "negotiation is possible only where the procedure allows it (French public "
                   "procurement code, R2123-5, R2161-5, R2161-11).")
    rules = procedure_rules(procedure)
    articles = ", ".join(a.removeprefix("CCP ") for a in rules.negotiation_articles)
    if rules.negotiation is Negotiation.FORBIDDEN:
        return msg("negotiation is forbidden in a {rules_label_lower} (French public procurement "
                   "code, {articles}): only clarifications of the offers' content may be "
                   "requested.", rules_label_lower=Text(fr=rules.label.fr.lower(),
                   en=rules.label.en.lower()), articles=articles)
    if rules.negotiation is Negotiation.IF_ANNOUNCED and not negotiation_reserved:
        return msg("in an {rules_label_lower}, the buyer may negotiate only if the consultation "
                   "documents said so (French public procurement code, {articles}). If the RC "
                   "reserved it, set procedure.negotiation_reserved: true in campaign.yaml.",
                   rules_label_lower=Text(fr=rules.label.fr.lower(), en=rules.label.en.lower()),
                   articles=articles)
    return None


@attrs.frozen
class OfferVersion:
    """One version of an offer: the file received at opening, or a later round's file.

    Attributes:
        offer: the offer number given at opening ("P01").
        number: 1 for the offer opened, 2, 3... for each later version.
        file: the file, relative to the campaign folder ("responses/x.xlsx",
            "rounds/2-regularisation/responses/P01.xlsx").
        sha256: the file's hash when the version was first read.
        round: the round that brought it ("" for the offer opened).
        admissible: False when the version may not replace the earlier one (a
            regularisation that changed something else than its irregular points).
    """

    offer: str
    number: int
    file: str
    sha256: str
    round: str = ""
    admissible: bool = True


def latest_versions(versions: Iterable[OfferVersion]) -> dict[str, OfferVersion]:
    """The latest admissible version of each offer, by offer number."""
    latest: dict[str, OfferVersion] = {}
    for version in versions:
        if not version.admissible:
            continue
        known = latest.get(version.offer)
        if known is None or version.number > known.number:
            latest[version.offer] = version
    return dict(sorted(latest.items()))


def _same(before: Answer, after: Answer) -> bool:
    return (before.state, before.value, before.justification, before.evidence) == (
        after.state, after.value, after.justification, after.evidence)


def regularisation_changes(before: Mapping[str, Answer], after: Mapping[str, Answer],
                           allowed: Iterable[str], file: str, *,
                           sheet: str = "") -> list[Finding]:
    """Every answer a regularised workbook changed outside its irregular points.

    A regularisation may complete what made the offer irregular (R2152-2), never change
    anything else: that would let the bidder improve its offer after the deadline. Each
    answer is compared with the earlier version (state, value, justification, evidence);
    a change outside ``allowed`` is a blocking finding naming the cell and the question.

    Args:
        before: the answers of the version regularised, by question id.
        after: the answers of the regularised workbook.
        allowed: the question ids the regularisation request named.
        file: the regularised file's name, for the findings.
        sheet: the sheet the answers are on, for the findings.

    Returns:
        One error per changed answer, in question order; empty when nothing else changed.
    """
    points = set(allowed)
    found: list[Finding] = []
    for question_id in sorted(set(before) | set(after)):
        if question_id in points:
            continue
        old, new = before.get(question_id), after.get(question_id)
        if old is not None and new is not None and _same(old, new):
            continue
        shown = new if new is not None else old
        where = shown.cell if shown is not None else ""
        # The reader gives "Sheet!E18"; the finding keeps the sheet and the cell apart.
        on_sheet, _, cell = where.rpartition("!")
        found.append(Finding("error", "changed-in-regularisation", msg(
                "The answer to question {question_id} (cell {cell_or}) changed although the "
                "regularisation request did not name it: a regularisation may only complete the "
                "irregular points named (French public procurement code, R2152-2). This version "
                "is not used; the offer is examined in its earlier version.",
                question_id=question_id, cell_or=cell or '?'),
            file, on_sheet or sheet, cell, question_id))
    return found


LowPriceOutcome = Literal["pending", "accepted", "rejected"]
"""Where the examination of an abnormally low offer stands (R2152-3 to R2152-5)."""


def winner_depends_on(first: Sequence[str], rank_without: Callable[[str], Sequence[str]],
                      pending: Iterable[str]) -> list[str]:
    """The pending abnormally-low offers whose rejection would change the first place.

    Rejecting an offer removes it from the ranking, and with a price method relative to
    the lowest or the mean price it also changes every other offer's price points: the
    only safe answer is to rank again without it. While such an offer's examination is
    pending, the award cannot be proposed (R2152-3: rejection only after examination).

    Args:
        first: the offers ranked first now (one, or several when tied).
        rank_without: gives the offers ranked first once a given offer is removed.
        pending: the offers whose abnormally-low examination is pending.

    Returns:
        The pending offers whose rejection would change the first place, sorted.
    """
    now = sorted(first)
    return sorted(offer for offer in set(pending) if sorted(rank_without(offer)) != now)
