"""The procurement procedures a consultation can follow, as a closed list.

The procedure decides what the buyer may do after opening the offers and how it ends:
whether it is formalised, which articles govern informing rejected bidders, whether
negotiation is allowed, whether the standstill delay applies before signature. A free
text ("MAPA", "AO") cannot answer those questions; :class:`ProcedureKind` can, through
:func:`procedure_rules`.

Sources: code de la commande publique (CCP), articles cited in each rule; the DAJ's
technical sheets on the procedures.
"""

from __future__ import annotations

import enum

import attrs

from ai_procurement.text import Text, msg

__all__ = ["Negotiation", "ProcedureKind", "ProcedureRules", "procedure_rules"]


class ProcedureKind(enum.Enum):
    """The procedure of a consultation, as written in ``campaign.yaml``."""

    OPEN_CALL = "appel-offres-ouvert"
    RESTRICTED_CALL = "appel-offres-restreint"
    ADAPTED_WITH_PUBLICITY = "mapa-avec-publicite"
    ADAPTED_WITHOUT_PUBLICITY = "mapa-sans-publicite"
    NEGOTIATED = "procedure-avec-negociation"
    COMPETITIVE_DIALOGUE = "dialogue-competitif"
    SUBSEQUENT_CONTRACT = "marche-subsequent"


class Negotiation(enum.Enum):
    """Whether the buyer may negotiate with bidders."""

    FORBIDDEN = "forbidden"
    IF_ANNOUNCED = "if-announced"
    """Only if the consultation documents said so (MAPA, CCP R2123-5)."""
    ALLOWED = "allowed"


@attrs.frozen
class ProcedureRules:
    """What a procedure implies for the end of the consultation.

    Attributes:
        kind: the procedure.
        label: its name in French and English.
        formalised: True for formalised procedures; None for a subsequent contract,
            which follows the rules of its framework agreement.
        governing_articles: the articles that organise the procedure.
        rejection_articles: the articles on informing rejected candidates and bidders.
        negotiation: whether negotiation is allowed.
        negotiation_articles: the articles that allow or forbid it.
        standstill: True when the contract may not be signed before the standstill delay
            (CCP R2182-1; see the ``ccp.standstill_days`` legal fact).
        note: what a buyer should keep in mind, in French and English.
    """

    kind: ProcedureKind
    label: Text
    formalised: bool | None
    governing_articles: tuple[str, ...]
    rejection_articles: tuple[str, ...]
    negotiation: Negotiation
    negotiation_articles: tuple[str, ...]
    standstill: bool
    note: Text


_FORMALISED_REJECTION = ("CCP R2181-1", "CCP R2181-3", "CCP R2181-4")
_ADAPTED_REJECTION = ("CCP R2181-1", "CCP R2181-2")

_RULES = {
    ProcedureKind.OPEN_CALL: ProcedureRules(
        ProcedureKind.OPEN_CALL,
        msg("Open call for tenders"),
        True, ("CCP L2124-2", "CCP R2124-2", "CCP R2161-2 à R2161-5"),
        _FORMALISED_REJECTION, Negotiation.FORBIDDEN, ("CCP R2161-5",), True,
        msg("The consultation documents are freely downloadable from the buyer profile "
            "(R2132-2): bidders are only known when offers are opened. Only clarifications of an "
            "offer's content may be requested, never a negotiation.")),
    ProcedureKind.RESTRICTED_CALL: ProcedureRules(
        ProcedureKind.RESTRICTED_CALL,
        msg("Restricted call for tenders"),
        True, ("CCP L2124-2", "CCP R2124-2", "CCP R2161-6 à R2161-11"),
        _FORMALISED_REJECTION, Negotiation.FORBIDDEN, ("CCP R2161-11",), True,
        msg("Only the selected candidates are invited to submit an offer; rejected candidates "
            "are told at once that their application was rejected.")),
    ProcedureKind.ADAPTED_WITH_PUBLICITY: ProcedureRules(
        ProcedureKind.ADAPTED_WITH_PUBLICITY,
        msg("Adapted procedure with publication"),
        False, ("CCP L2123-1", "CCP R2123-1 à R2123-7", "CCP R2131-12"),
        _ADAPTED_REJECTION, Negotiation.IF_ANNOUNCED, ("CCP R2123-5",), False,
        msg("Negotiation is possible only if the consultation documents provided for it. No "
            "standstill is required before signature (R2182-1 covers formalised procedures "
            "only); a reasonable delay between informing rejected bidders and signing leaves "
            "them the pre-contractual challenge (CJA L551-1).")),
    ProcedureKind.ADAPTED_WITHOUT_PUBLICITY: ProcedureRules(
        ProcedureKind.ADAPTED_WITHOUT_PUBLICITY,
        msg("Adapted procedure without publication"),
        False, ("CCP L2123-1", "CCP R2123-1 à R2123-7", "CCP R2122-8"),
        _ADAPTED_REJECTION, Negotiation.IF_ANNOUNCED, ("CCP R2123-5",), False,
        msg("The operators consulted are known: one personalised questionnaire per vendor fits. "
            "Below the threshold of article R2122-8, the buyer must not systematically contract "
            "with the same operator.")),
    ProcedureKind.NEGOTIATED: ProcedureRules(
        ProcedureKind.NEGOTIATED,
        msg("Competitive procedure with negotiation"),
        True, ("CCP L2124-3", "CCP R2124-3", "CCP R2161-12 à R2161-20"),
        _FORMALISED_REJECTION, Negotiation.ALLOWED, ("CCP R2161-12 à R2161-20",), True,
        msg("Limited to the cases of article R2124-3 for a contracting authority; minimum "
            "requirements and award criteria are not negotiable, and the report says why "
            "negotiation was used (R2184-3).")),
    ProcedureKind.COMPETITIVE_DIALOGUE: ProcedureRules(
        ProcedureKind.COMPETITIVE_DIALOGUE,
        msg("Competitive dialogue"),
        True, ("CCP L2124-4", "CCP R2124-5", "CCP R2161-24 à R2161-31"),
        _FORMALISED_REJECTION, Negotiation.ALLOWED, ("CCP R2161-24 à R2161-31",), True,
        msg("The dialogue is about solutions before final offers are submitted; afterwards only "
            "clarifications that change no essential element are possible.")),
    ProcedureKind.SUBSEQUENT_CONTRACT: ProcedureRules(
        ProcedureKind.SUBSEQUENT_CONTRACT,
        msg("Contract based on a framework agreement"),
        None, ("CCP L2125-1", "CCP R2162-7 à R2162-12"),
        ("CCP R2181-1",), Negotiation.FORBIDDEN, ("CCP R2162-7", "CCP R2162-10"), False,
        msg("The subsequent contract cannot substantially change the framework agreement; its "
            "holders compete again on the terms it sets. The standstill is not required, but "
            "observing it closes the contractual challenge (CJA L551-15).")),
}


def procedure_rules(kind: ProcedureKind) -> ProcedureRules:
    """Return what ``kind`` implies: formalised or not, articles, negotiation, standstill."""
    return _RULES[kind]
