"""Who made an offer: bidders, their identifiers, and the offers of an open call.

In an open call the buyer learns who the bidders are only when the offers are opened
(the consultation documents are freely downloadable, R2132-2 of the Code de la commande
publique). Each offer is then registered with its bidder, lot, base offer or variant,
time of deposit and file hash; from that moment the register, not the file name, says
whose offer a file is. This module holds that model and the checks on identifiers; it
reads no file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Literal

import attrs

from ai_procurement.text import Text, msg

__all__ = [
    "Bidder",
    "BidderIdentity",
    "Offer",
    "OfferStatus",
    "check_registration",
    "identity_key",
    "offer_label",
    "registration_differs",
    "valid_siren",
    "valid_siret",
]

OfferStatus = Literal["on-time", "late", "time-unknown"]
"""Whether an offer was received before the deadline (late offers are never scored)."""

_LA_POSTE_SIREN = "356000000"


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _digits(identifier: str) -> str:
    return re.sub(r"[\s\u00a0\u202f.-]", "", identifier)


def valid_siren(identifier: str) -> bool:
    """Whether ``identifier`` is a well-formed SIREN (9 digits, Luhn checksum).

    Spaces, dots and hyphens between digits are ignored ("732 829 320").
    """
    digits = _digits(identifier)
    return len(digits) == 9 and digits.isdigit() and _luhn(digits)


def valid_siret(identifier: str) -> bool:
    """Whether ``identifier`` is a well-formed SIRET (14 digits: SIREN + NIC).

    The checksum is Luhn's, except for La Poste's establishments (SIREN 356 000 000),
    whose SIRET has a sum of digits that is a multiple of 5, as INSEE publishes it.
    """
    digits = _digits(identifier)
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith(_LA_POSTE_SIREN) and digits != _LA_POSTE_SIREN + "00048":
        return sum(int(c) for c in digits) % 5 == 0
    return _luhn(digits) and valid_siren(digits[:9])


def check_registration(identifier: str, country: str) -> Text | None:
    """Why a bidder's registration number is not acceptable, or None when it is.

    A French bidder (country "FR", or none given) gives a SIRET (14 digits) or a SIREN (9
    digits) whose checksum holds; a foreign bidder gives its own register's number,
    which is only required to be present (its format depends on the country).
    """
    value = identifier.strip()
    if not value:
        return msg("registration number missing (SIRET, SIREN or, for a foreign company, its "
                   "national register number)")
    if country.strip().upper() not in ("", "FR", "FRANCE"):
        return None
    digits = _digits(value)
    if len(digits) == 14 and valid_siret(digits):
        return None
    if len(digits) == 9 and valid_siren(digits):
        return None
    return msg("'{value}' is not a valid SIRET (14 digits) or SIREN (9 digits): its check digit "
               "does not match. Check the number on the INSEE registration notice.", value=value)


@attrs.frozen
class Bidder:
    """A company that made an offer, as registered at opening.

    Attributes:
        name: the company name (raison sociale).
        registration: SIRET or SIREN, or a foreign register's number.
        country: ISO country code of the register ("FR" when empty).
        contact: who to write to, as given by the bidder.
    """

    name: str
    registration: str = ""
    country: str = "FR"
    contact: str = ""


@attrs.frozen
class BidderIdentity:
    """Who a generic (open call) workbook says made the offer, as the bidder typed it.

    Read from the identification block of the workbook's cover sheet. It is what the
    bidder declares, checked (required fields, SIRET/SIREN checksum) but never trusted
    over the deposit register: after opening, the register says whose offer a file is.

    Attributes:
        name: the company name (raison sociale).
        registration: the SIRET or SIREN, or a foreign company's register number.
        country: country of registration as typed ("FR" when left blank).
        contact: the contact person's name.
        email: the contact's e-mail address.
        variant: 0 for the base offer, n for variant n, None when not (validly) given.
    """

    name: str
    registration: str = ""
    country: str = "FR"
    contact: str = ""
    email: str = ""
    variant: int | None = 0

    @property
    def bidder(self) -> Bidder:
        """The identity as a :class:`Bidder` (e-mail as the contact when no name is given)."""
        contact = ", ".join(part for part in (self.contact, self.email) if part)
        return Bidder(self.name, self.registration, self.country or "FR", contact)


def registration_differs(registered: str, declared: str) -> bool:
    """Whether two registration numbers name different companies or establishments.

    Both are compared on their digits and letters (spaces, dots and hyphens ignored,
    case folded). A SIREN and a SIRET agree when the SIRET starts with the SIREN (the
    SIRET is the SIREN followed by the establishment's NIC). An empty number differs
    from nothing: there is nothing to compare.
    """
    first, second = _digits(registered).upper(), _digits(declared).upper()
    if not first or not second:
        return False
    if first == second:
        return False
    if first.isdigit() and second.isdigit() and {len(first), len(second)} == {9, 14}:
        return first[:9] != second[:9]
    return True


@attrs.frozen
class Offer:
    """One offer registered at opening: one file, one lot, a base offer or a variant.

    Attributes:
        id: the stable offer number given at opening ("P01", "P02"...).
        file: the file's name in ``responses/``.
        sha256: the file's hash at opening: a later change of the file is reported.
        bidder: who made it.
        lot: the lot it answers ("" when the consultation has no lots).
        variant: 0 for the base offer, n for the bidder's variant n.
        deposited: time of deposit on the buyer profile, when the register gives it.
        status: on time, late (never scored, R2151-5) or time unknown.
        deposit_number: the buyer profile's own number of the deposit, if any.
    """

    id: str
    file: str
    sha256: str
    bidder: Bidder
    lot: str = ""
    variant: int = 0
    deposited: dt.datetime | None = None
    status: OfferStatus = "time-unknown"
    deposit_number: str = ""

    @property
    def label(self) -> str:
        """How the offer is named in results: the bidder, and the variant if any."""
        return offer_label(self.bidder.name, self.variant)


def offer_label(bidder: str, variant: int) -> str:
    """The name of an offer in rankings and letters ("Acme", "Acme – V1", V for variante)."""
    return bidder if variant == 0 else f"{bidder} – V{variant}"


def identity_key(bidder: Bidder) -> str:
    """The key under which offers are one bidder's: its SIREN, or else its folded name.

    The SIREN (the first 9 digits of a SIRET) identifies the company whatever the
    establishment that deposited; without a registration number, the name folded to
    lower case without accents or punctuation. A base offer and its variants share it.
    """
    digits = re.sub(r"\D", "", bidder.registration)
    if len(digits) >= 9:
        return digits[:9]
    ascii_text = unicodedata.normalize("NFKD", bidder.name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()
