"""What the evaluation does not know and the memo and the letters state.

Procedure type, dates, files set aside before the evaluation, the buyer's log and the
people who sign: a :class:`Procedure` carries them to
:func:`~ai_procurement.deliverables.memo.write_memo` and
:func:`~ai_procurement.deliverables.debrief.write_debrief`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from ai_procurement.legal.procedure import ProcedureKind

__all__ = ["Deposit", "Procedure", "RejectedFile", "Signatory"]


@attrs.frozen
class RejectedFile:
    """A file set aside before the evaluation (late, unreadable, unsigned...), and why."""

    name: str
    reason: str


@attrs.frozen
class Deposit:
    """One line of the deposit register: an offer as it was received at opening.

    Attributes:
        offer: the offer number given at opening ("P01").
        bidder: the bidder's name.
        registration: its SIRET, SIREN or foreign register number.
        deposited: when it was deposited, if the register says.
        variant: 0 for the base offer, n for variant n.
        status: ``"on-time"``, ``"late"`` (eliminated, R2151-5) or ``"time-unknown"``.
        file: the file received.
        lot: the lot the offer answers ("" without lots).
    """

    offer: str
    bidder: str
    registration: str
    deposited: dt.datetime | None
    variant: int
    status: str
    file: str
    lot: str = ""


def _tuple_of_deposits(values: Iterable[Deposit]) -> tuple[Deposit, ...]:
    return tuple(values)


@attrs.frozen
class Signatory:
    """A person who signs the memo: name and role (e.g. "Président de la CAO")."""

    name: str
    role: str = ""


def _tuple_of_str(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _tuple_of_rejected(values: Iterable[RejectedFile]) -> tuple[RejectedFile, ...]:
    return tuple(values)


def _tuple_of_signatories(values: Iterable[Signatory]) -> tuple[Signatory, ...]:
    return tuple(values)


@attrs.frozen
class Procedure:
    """Facts about the procedure that the memo states and the evaluation does not hold.

    Attributes:
        procedure_type: the procedure in words, e.g. "Procédure adaptée (R2123-1)" or
            "Appel d'offres ouvert".
        published: the date the consultation was published.
        deadline: the deadline for offers; None uses the consultation's deadline.
        received: the names of every file received (shown as the list of offers
            received); empty lists the files of the evaluation.
        rejected: files set aside before the evaluation, each with its reason.
        audit_trail: lines recorded by the buyer (decisions, meetings, requests sent),
            shown in the audit annex.
        signatories: the people who sign the memo, with their roles.
        place: where the memo is signed ("Fait à ...").
        lot: the lot the report covers, when the consultation has lots.
        register: the deposit register of the offers of this report, as registered at
            opening; empty when the offers were not registered.
        award_note: why the award proposal differs from the ranking (a cap on the lots
            one bidder may win, R2113-1), stated in the award section; "" when the
            first-ranked offer is proposed.
        kind: the procedure from the closed list (``campaign.yaml``'s
            ``procedure.procedure_type``); it decides the articles the letters cite, the
            standstill and the remedies. None: not stated (the letters then claim no
            standstill).
        estimated_value: the estimated value of the need, in euros excluding VAT
            (R2184-2 asks the report to state it); None when not given.
        subcontracting: the subcontracting declared in the offers of this report, in
            words; empty prints "none declared".
        declarations: the evaluators' declarations on conflicts of interest, one line
            each; empty prints "no declaration recorded".
        no_lots_reason: why the contract is not divided into lots (L2113-11), when the
            consultation has one lot.
        negotiation_reason: why a negotiation took place, for procedures that allow it.
        before_buying: what the buyer established before buying and the report cites:
            the project's impact level and how the weights were obtained (one sentence
            each, in the report's language).
        missing: the keys of ``campaign.yaml`` still blank that the report to sign
            needs; the signature section then says the report is a draft, not to sign.
        single_lot: the consultation is not divided into lots (the report then says why,
            L2113-11); None infers it from ``lot`` (no lot named: a single contract).
        rounds: the exchanges with bidders after opening (clarifications,
            regularisations, negotiation rounds, abnormally-low-offer requests and
            decisions) and the version of each offer evaluated, one line each.
        draft_reason: why the report is only a draft and proposes no award (an
            abnormally-low-offer examination pending that could change the winner);
            "" for a final report.
    """

    procedure_type: str = ""
    published: dt.date | None = None
    deadline: dt.date | None = None
    received: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    rejected: tuple[RejectedFile, ...] = attrs.field(default=(),
                                                     converter=_tuple_of_rejected)
    audit_trail: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    signatories: tuple[Signatory, ...] = attrs.field(default=(),
                                                     converter=_tuple_of_signatories)
    place: str = ""
    lot: str = ""
    register: tuple[Deposit, ...] = attrs.field(default=(), converter=_tuple_of_deposits)
    award_note: str = ""
    kind: ProcedureKind | None = None
    estimated_value: float | None = None
    subcontracting: str = ""
    declarations: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    no_lots_reason: str = ""
    negotiation_reason: str = ""
    single_lot: bool | None = None
    before_buying: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    rounds: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    draft_reason: str = ""
    missing: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    draft: bool = False
    """A draft evaluation (scores still missing): every page is marked, no award is
    proposed."""

