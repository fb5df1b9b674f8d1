"""Which document prevails when the documents of an offer contradict each other.

A bidder may give a price twice: in the questionnaire's price block and in a price
schedule (BPU, bordereau des prix unitaires; DQE, détail quantitatif estimatif) or the
acte d'engagement. The consultation documents must say which one prevails, or a
contradiction can only be settled by a negotiation the procedure may forbid. The order
is set in ``campaign.yaml`` (``precedence:``) from the closed list
:data:`PRECEDENCE_DOCUMENTS`; without it, :data:`DEFAULT_PRECEDENCE` applies and the
questionnaire and the consultation-rules annex say that it is the default and why.

Whatever the order, the totals the questionnaire computes (line totals, price total) are
never read as an answer: the buyer recomputes every total from the unit prices and
amounts the bidder typed, so a formula a bidder edits changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ai_procurement.text import Text, msg

__all__ = [
    "DEFAULT_PRECEDENCE",
    "PRECEDENCE_DOCUMENTS",
    "check_precedence",
    "precedence_rule",
]

PRECEDENCE_DOCUMENTS: dict[str, Text] = {
    "acte-engagement": msg("the acte d'engagement (form of tender)"),
    "ccap": msg("the special administrative terms (CCAP)"),
    "cctp": msg("the special technical terms (CCTP)"),
    "bpu": msg("the schedule of unit prices (BPU)"),
    "dqe": msg("the detailed quantity estimate (DQE)"),
    "questionnaire": msg("the consultation's questionnaire"),
    "memoire-technique": msg("the technical proposal"),
}
"""The documents an order of precedence may name, by key, with their names."""

DEFAULT_PRECEDENCE: tuple[str, ...] = ("acte-engagement", "bpu", "dqe", "questionnaire")
"""The order used when ``campaign.yaml`` sets none (see :func:`precedence_rule`)."""

_DEFAULT_WHY = msg("order applied by default, as campaign.yaml sets none: the documents the "
                   "bidder signs and that become contractual (acte d'engagement, then BPU and "
                   "DQE when the consultation has them) bind it to its prices, the questionnaire "
                   "serves to analyse the offer; between BPU and DQE, the unit price prevails "
                   "and the DQE is corrected")


def check_precedence(order: Sequence[str]) -> list[Text]:
    """Return what is wrong with an order of precedence (empty when valid).

    Each message is in French and English and names the entry at fault.
    """
    problems: list[Text] = []
    allowed = ", ".join(PRECEDENCE_DOCUMENTS)
    seen: set[str] = set()
    for index, key in enumerate(order):
        if key not in PRECEDENCE_DOCUMENTS:
            problems.append(msg("[{index}] unknown document {key!r}; expected one of: "
                                "{allowed}", index=index, key=key, allowed=allowed))
        elif key in seen:
            problems.append(msg("[{index}] {key!r} is listed twice", index=index, key=key))
        seen.add(key)
    if order and "questionnaire" not in seen:
        problems.append(msg("list 'questionnaire' at its rank: the rule must say where it "
                            "stands"))
    if len(order) == 1:
        problems.append(msg("list at least two documents"))
    return problems


def precedence_rule(order: Sequence[str]) -> Text:
    """The rule, in French and English, as the questionnaire and the RC annex print it.

    ``order`` is the order set in ``campaign.yaml`` (highest first); an empty order
    prints :data:`DEFAULT_PRECEDENCE` and says that it is the default, and why.
    """
    documents = tuple(order) or DEFAULT_PRECEDENCE
    fr = " ; puis ".join(PRECEDENCE_DOCUMENTS[d].fr for d in documents)
    en = "; then ".join(PRECEDENCE_DOCUMENTS[d].en for d in documents)
    text = msg("Order of precedence if the documents of the offer contradict each other, the "
               "first prevailing: {text}.", text=Text(fr=fr, en=en))
    if not order:
        text = msg("{text_1} ({DEFAULT_WHY}).", text_1=Text(fr=format(text.fr[:-1], ''),
                   en=format(text.en[:-1], '')), DEFAULT_WHY=_DEFAULT_WHY)
    return msg("{text} The totals the questionnaire computes (line totals, price total) are "
               "never read as an answer: the buyer recomputes every total from the unit prices "
               "and amounts typed.", text=text)
