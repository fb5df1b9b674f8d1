"""Award proposals across lots under a cap on the lots one bidder may win (R2113-1).

The consultation rules (RC) may cap the number of lots awarded to one bidder, provided
they also say how the lots are then attributed (article R2113-1 of the Code de la
commande publique). The rule implemented here is "lot order": the lots are awarded one
after the other, in the order of ``campaign.yaml`` (the order the RC lists them in);
a bidder ranked first on a lot after it already won ``cap`` lots is passed over, and the
lot goes to the next-ranked offer of another bidder. A base offer and its variants are
one bidder: they count once towards the cap.

Pure computation on rankings: no file is read or written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ai_procurement.errors import ScoringError
from ai_procurement.text import Text, msg, nmsg

__all__ = ["LotAward", "RankedOffer", "propose_awards"]


@attrs.frozen
class RankedOffer:
    """One ranked offer of a lot.

    Attributes:
        offer: how the offer is named in the ranking ("Acme", "Acme – V1").
        bidder: the bidder's identity key: offers with the same key are one bidder
            (a base offer and its variants), whatever their labels.
        rank: the offer's rank on the lot (1 is best; equal ranks are ties).
    """

    offer: str
    bidder: str
    rank: int


@attrs.frozen
class LotAward:
    """The award proposed for one lot.

    Attributes:
        lot: the lot's id.
        offer: the offer proposed for the award; None when no award is proposed
            automatically (no ranked offer, a tie, every bidder already at the cap).
        bidder: that offer's bidder key; None with ``offer``.
        first: the offers ranked first on the lot.
        passed_over: offers ranked above the proposed one, passed over because their
            bidder already reached the cap.
        reason: why the proposal differs from the ranking, or why there is none; None
            when the first-ranked offer is proposed.
    """

    lot: str
    offer: str | None
    bidder: str | None
    first: tuple[str, ...] = ()
    passed_over: tuple[str, ...] = ()
    reason: Text | None = None

    @property
    def differs(self) -> bool:
        """True when the cap moved the lot away from its first-ranked offer."""
        return bool(self.passed_over) and self.offer is not None


def propose_awards(rankings: Mapping[str, Sequence[RankedOffer | tuple[str, str, int]]],
                   cap: int | None, order: Sequence[str]) -> tuple[LotAward, ...]:
    """The proposed awardee of each lot, awarding the lots in ``order`` under ``cap``.

    Args:
        rankings: lot id -> its ranked offers, as :class:`RankedOffer` or
            ``(offer label, bidder key, rank)``; the order within a lot does not matter.
        cap: the most lots one bidder may be awarded (announced in the RC), or None for
            no cap.
        order: the order in which the lots are awarded (the RC's rule: here, the order
            of the lots in ``campaign.yaml``); every lot of ``rankings`` once.

    Returns:
        One :class:`LotAward` per lot, in ``order``. A tie for first place among the
        offers that may win gives no automatic award: the buyer separates the offers as
        the RC provides, and the lot counts for nobody until then.

    Raises:
        ScoringError: ``cap`` is below 1, or ``order`` does not list each lot once.
    """
    if cap is not None and cap < 1:
        raise ScoringError(f"the cap on lots per bidder must be at least 1, got {cap}")
    if sorted(order) != sorted(rankings) or len(set(order)) != len(order):
        raise ScoringError(f"the award order {list(order)} must list each lot once "
                           f"({sorted(rankings)})")
    won: dict[str, int] = {}
    awards: list[LotAward] = []
    for lot in order:
        offers = sorted((o if isinstance(o, RankedOffer) else RankedOffer(*o)
                         for o in rankings[lot]), key=lambda o: (o.rank, o.offer))
        award = _award(lot, offers, cap, won)
        if award.bidder is not None:
            won[award.bidder] = won.get(award.bidder, 0) + 1
        awards.append(award)
    return tuple(awards)


def _award(lot: str, offers: Sequence[RankedOffer], cap: int | None,
           won: Mapping[str, int]) -> LotAward:
    if not offers:
        return LotAward(lot, None, None, reason=msg("No ranked offer: no award proposed."))
    best = offers[0].rank
    first = tuple(o.offer for o in offers if o.rank == best)
    eligible = [o for o in offers if cap is None or won.get(o.bidder, 0) < cap]
    capped = [o for o in offers if o not in eligible]
    passed = tuple(o.offer for o in capped if not eligible or o.rank <= eligible[0].rank)
    if not eligible:
        return LotAward(lot, None, None, first, passed, nmsg(
                "Every ranked bidder already reached the cap of {n} lot per bidder set by the "
                "consultation rules (R2113-1): no award is proposed automatically for this lot.",
                "Every ranked bidder already reached the cap of {n} lots per bidder set by the "
                "consultation rules (R2113-1): no award is proposed automatically for this lot.",
                cap or 0))
    top = [o for o in eligible if o.rank == eligible[0].rank]
    if len({o.offer for o in top}) > 1:
        names = ", ".join(o.offer for o in top)
        return LotAward(lot, None, None, first, passed, msg(
                "Tie for first place between {names}: no award is proposed automatically; the "
                "buyer separates these offers as the consultation rules provide.", names=names))
    chosen = top[0]
    if not passed:
        return LotAward(lot, chosen.offer, chosen.bidder, first)
    names = ", ".join(passed)
    return LotAward(lot, chosen.offer, chosen.bidder, first, passed, nmsg(
            "The proposal differs from the ranking: the bidder of offer {names} already won "
            "{n} lot, the cap on lots per bidder set by the consultation rules (R2113-1), "
            "the lots being awarded in the order those rules list them; the lot is proposed to "
            "the next offer of another bidder, {chosen_offer}.",
            "The proposal differs from the ranking: the bidder of offer {names} already won "
            "{n} lots, the cap on lots per bidder set by the consultation rules (R2113-1), "
            "the lots being awarded in the order those rules list them; the lot is proposed to "
            "the next offer of another bidder, {chosen_offer}.", cap or 0, names=names,
            chosen_offer=chosen.offer))
