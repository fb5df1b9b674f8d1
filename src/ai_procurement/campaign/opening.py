"""Opening the offers: the register of what was received, when, from whom, for which lot.

In an open call the bidders are known only at opening. The buyer exports the deposit
register of its buyer profile (CSV or XLSX: company, SIRET, time of deposit, file, lot,
variant) or, failing that, registers the files of ``responses/`` as they are.
:func:`open_offers` gives each offer a stable number, records its file hash and time of
deposit, marks late offers (received after the deadline: eliminated, R2151-5 of the Code
de la commande publique; never scored) and reports every inconsistency at once: a
register line naming a file that is not there, a file in no line, a SIRET whose check
digit fails, a lot that does not exist, two base offers from one bidder on one lot, a
variant where the RC forbids them.

The result is kept in ``opening.json``, written by the tool only: the register the
buyer exported and the files received are never modified. Opening again keeps every
offer number already given and adds only what is new; a file whose bytes changed since
it was registered is reported, and its registered hash is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ai_procurement.bidders import (
    Bidder,
    Offer,
    OfferStatus,
    check_registration,
    identity_key,
)
from ai_procurement.campaign.folder import Campaign
from ai_procurement.errors import CampaignError, os_reason
from ai_procurement.text import Lang, Text, msg

__all__ = [
    "Opening",
    "OpeningProblem",
    "RegisterLine",
    "load_opening",
    "open_offers",
    "read_register",
    "scorable",
    "set_aside",
]

OPENING_FILE = "opening.json"
FORMAT = 1
MAX_REGISTER_BYTES = 5 * 1024 * 1024
MAX_REGISTER_LINES = 10_000

# Column headers as buyer profiles export them, folded (lower case, no accents or
# punctuation), in French and English.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("fichier", "nom du fichier", "file", "file name", "filename", "document"),
    "bidder": ("raison sociale", "candidat", "entreprise", "soumissionnaire", "denomination",
               "company", "bidder", "company name", "name"),
    "registration": ("siret", "siren", "n siret", "numero siret", "identifiant",
                     "immatriculation", "registration", "registration number", "company id"),
    "country": ("pays", "country"),
    "deposited": ("date de depot", "date et heure de depot", "horodatage", "date heure depot",
                  "depot", "deposit time", "deposited", "received", "date received",
                  "timestamp"),
    "lot": ("lot", "lots", "numero de lot", "lot number"),
    "variant": ("variante", "numero de variante", "variant", "variant number"),
    "deposit_number": ("n pli", "numero de pli", "pli", "numero de depot", "n depot",
                       "deposit number", "deposit id", "reference du depot"),
    "contact": ("contact", "courriel", "email", "e mail", "adresse electronique"),
}
_REQUIRED = ("file", "bidder")


@attrs.frozen
class RegisterLine:
    """One line of the buyer profile's deposit register."""

    row: int
    file: str
    bidder: str
    registration: str = ""
    country: str = ""
    deposited: dt.datetime | None = None
    lot: str = ""
    variant: int = 0
    deposit_number: str = ""
    contact: str = ""


@attrs.frozen
class OpeningProblem:
    """A problem found at opening: where (register line or file) and what to do."""

    severity: str
    where: str
    message: Text

    def describe(self, lang: Lang) -> str:
        """One line, for the command line and the opening report."""
        label = {"error": msg("ERROR"), "warning": msg("WARNING")}[self.severity]
        return msg("[{label}] {where}: {message}", label=label, where=self.where,
                   message=self.message).get(lang)


@attrs.frozen
class Opening:
    """The offers registered so far, and what opening them found."""

    offers: tuple[Offer, ...]
    problems: tuple[OpeningProblem, ...] = ()
    deadline: dt.datetime | None = None

    def for_lot(self, lot: str) -> tuple[Offer, ...]:
        """The offers of one lot, by offer number."""
        return tuple(o for o in self.offers if o.lot == lot)

    def by_file(self) -> dict[str, Offer]:
        """Offer of each registered file name."""
        return {o.file: o for o in self.offers}

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.severity == "error" for p in self.problems)


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()


_FOLDED = {_fold(alias): key for key, aliases in _COLUMNS.items() for alias in aliases}


def read_register(path: Path) -> tuple[list[RegisterLine], list[OpeningProblem]]:
    """Read a deposit register exported as CSV (``,`` or ``;``) or XLSX.

    Columns are recognised by their header, in French or English ("Raison sociale",
    "SIRET", "Date de dépôt", "Fichier", "Lot", "Variante"...); at least the file and the
    bidder are needed. Every problem is reported with its line.

    Raises:
        CampaignError: the file cannot be read at all, or has no usable header.
    """
    rows = _rows(path)
    if not rows:
        raise CampaignError(msg("{path}: the register is empty", path=path))
    header = [_FOLDED.get(_fold(str(cell or ""))) for cell in rows[0]]
    missing = [key for key in _REQUIRED if key not in header]
    if missing:
        headers = [_COLUMNS[m][0] + " / " + _COLUMNS[m][-1] for m in missing]
        raise CampaignError(msg(
            "{path}: line 1: the register needs a column for the file and one for the "
            "bidder; none found for {missing} (recognised headers: {headers})",
            path=path, missing=", ".join(missing),
            headers=Text(fr=" ; ".join(headers), en="; ".join(headers))))
    lines: list[RegisterLine] = []
    problems: list[OpeningProblem] = []
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, str] = {}
        for key, cell in zip(header, row, strict=False):
            if key is not None and key not in values:
                values[key] = _cell_text(cell)
        if not any(values.values()):
            continue
        where = f"{path.name}, ligne/line {number}"
        deposited = _when(values.get("deposited", ""))
        if values.get("deposited") and deposited is None:
            problems.append(OpeningProblem("error", where, msg(
                    "unreadable deposit time '{values_deposited}': expected DD/MM/YYYY HH:MM or "
                    "YYYY-MM-DD HH:MM.", values_deposited=values['deposited'])))
        variant_text = values.get("variant", "").strip()
        variant = 0
        if variant_text and variant_text.lower() not in ("0", "non", "no", "base", "-"):
            digits = re.sub(r"\D", "", variant_text)
            variant = int(digits) if digits else 1
        if not values.get("file") or not values.get("bidder"):
            problems.append(OpeningProblem("error", where, msg(
                    "line without a file or a bidder: complete it or delete it.")))
            continue
        lines.append(RegisterLine(
            number, values["file"].strip(), values["bidder"].strip(),
            values.get("registration", "").strip(), values.get("country", "").strip(),
            deposited, _lot_id(values.get("lot", "")), variant,
            values.get("deposit_number", "").strip(), values.get("contact", "").strip()))
    return lines, problems


def _rows(path: Path) -> list[list[Any]]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CampaignError(msg("{path}: cannot read the register ({exc_strerror})", path=path,
                                exc_strerror=os_reason(exc))) from None
    if size > MAX_REGISTER_BYTES:
        raise CampaignError(msg("{path}: the register is larger than "
                                "{MAX_REGISTER_BYTES_1024_1024} MiB; is it the right file?",
                                path=path,
                                MAX_REGISTER_BYTES_1024_1024=MAX_REGISTER_BYTES // (1024 * 1024)))
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[Any]] = []
    for row in reader:
        rows.append(list(row))
        if len(rows) > MAX_REGISTER_LINES:
            raise CampaignError(msg("{path}: more than {MAX_REGISTER_LINES} lines", path=path,
                                    MAX_REGISTER_LINES=MAX_REGISTER_LINES))
    return rows


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    from ai_procurement._office.guard import inspect_workbook

    guarded = inspect_workbook(path)
    if not guarded.ok:
        raise CampaignError(Text(
            fr=f"{path} : " + " ; ".join(f.message.fr for f in guarded.errors),
            en=f"{path}: " + "; ".join(f.message.en for f in guarded.errors)))
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Any]] = []
        for row in sheet.iter_rows(values_only=True, max_col=40):
            rows.append(list(row))
            if len(rows) > MAX_REGISTER_LINES:
                raise CampaignError(msg("{path}: more than {MAX_REGISTER_LINES} lines", path=path,
                                        MAX_REGISTER_LINES=MAX_REGISTER_LINES))
        return rows
    finally:
        workbook.close()


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")


def _when(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        try:
            return dt.datetime(int(year), int(month), int(day), int(hour or 0),
                               int(minute or 0), int(second or 0))
        except ValueError:
            return None
    try:
        return dt.datetime.fromisoformat(text.replace("h", ":") if "h" in text else text)
    except ValueError:
        return None


def _lot_id(text: str) -> str:
    folded = _fold(text)
    folded = folded.removeprefix("lot").strip()
    return folded.replace(" ", "")


def _status(deposited: dt.datetime | None, deadline: dt.datetime | None) -> OfferStatus:
    if deposited is None or deadline is None:
        return "time-unknown"
    # The limit is to the second: 10:00:29 is after "10 h" (TA Versailles, 8 Feb. 2023,
    # n° 2300644).
    return "late" if deposited > deadline else "on-time"


def load_opening(campaign: Campaign) -> Opening | None:
    """The offers registered at opening (``opening.json``), or None before opening.

    Raises:
        CampaignError: the file is not one this library wrote.
    """
    path = campaign.root / OPENING_FILE
    if not path.is_file():
        return None
    # Read once per evaluation rather than once per lot and document.
    return campaign.read_once(path, _read_opening)


def _read_opening(path: Path) -> Opening:
    from ai_procurement.bank.converter import converter

    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        offers = tuple(converter.structure(item, Offer) for item in data["offers"])
        deadline = (dt.datetime.fromisoformat(data["deadline"]) if data.get("deadline")
                    else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CampaignError(msg("{path}: not an opening record this library wrote ({exc}); "
                                "restore it from your backup, or delete it and open again",
                                path=path, exc=exc)) from None
    return Opening(offers, (), deadline)


def open_offers(campaign: Campaign, *, register: Path | None = None) -> Opening:
    """Register the offers received and write ``opening.json``.

    Args:
        campaign: the campaign; ``opening.register`` in ``campaign.yaml`` names the
            deposit register unless ``register`` is given.
        register: the deposit register exported from the buyer profile, or None to
            register the files of ``responses/`` as they are (bidders are then named
            after the files, and times of deposit are unknown).

    Returns:
        Every offer registered (earlier ones keep their number) and the problems found.
    """
    from ai_procurement._office.files import sha256_file, write_atomic

    config = campaign.config
    if register is None and config.opening.register:
        register = campaign.root / config.opening.register
    deadline = config.opening.deadline
    earlier = load_opening(campaign)
    kept = {o.file: o for o in (earlier.offers if earlier else ())}
    problems: list[OpeningProblem] = []
    files = {p.name: p for p in campaign.response_files()}
    if register is not None:
        lines, found = read_register(register)
        problems.extend(found)
    else:
        lines = [RegisterLine(0, name, Path(name).stem) for name in sorted(files)]
        problems.append(OpeningProblem("warning", "responses/", msg(
                "no deposit register: offers are registered from the files received, without a "
                "time of deposit. Export the register from the buyer profile and name it in "
                "opening.register to date the deposits.")))
    lots = {lot.id for lot in campaign.lots()}
    new: list[tuple[RegisterLine, Path]] = []
    registered = set()
    for line in lines:
        where = (f"{register.name}, ligne/line {line.row}" if register is not None
                 else f"responses/{line.file}")
        path = files.get(line.file)
        if path is None:
            problems.append(OpeningProblem("error", where, msg(
                    "the register's file '{line_file}' is not in responses/: download it from "
                    "the buyer profile into responses/.", line_file=line.file)))
            continue
        registered.add(line.file)
        lot = "" if lots == {""} else line.lot
        if lot not in lots:
            problems.append(OpeningProblem("error", where, msg(
                    "lot '{line_lot}' does not exist in this consultation (lots: "
                    "{join_sorted_lots}): correct the register's line.", line_lot=line.lot,
                    join_sorted_lots=', '.join(sorted(lots)))))
            continue
        reason = check_registration(line.registration, line.country) \
            if register is not None else None
        if reason is not None:
            problems.append(OpeningProblem("warning", where, msg(
                    "{line_bidder}: {reason}", reason=reason, line_bidder=line.bidder)))
        if line.file in kept:
            continue
        new.append((attrs.evolve(line, lot=lot), path))
    for name in sorted(set(files) - registered - set(kept)):
        problems.append(OpeningProblem("warning", f"responses/{name}", msg(
                "this file is in no line of the deposit register: it is not registered and will "
                "not be scored. Check where it comes from; if it was deposited, complete the "
                "exported register.")))
    # Numbers follow the order of deposit (then the file name), whatever the order of
    # the register's lines; offers registered earlier keep theirs.
    new.sort(key=lambda item: (item[0].deposited or dt.datetime.max, item[0].file))
    offers = list(kept.values())
    for line, path in new:
        offers.append(Offer(
            id=f"P{len(offers) + 1:02d}", file=line.file, sha256=sha256_file(path),
            bidder=Bidder(line.bidder, line.registration, line.country or "FR", line.contact),
            lot=line.lot, variant=line.variant, deposited=line.deposited,
            status=_status(line.deposited, deadline), deposit_number=line.deposit_number))
    for offer in kept.values():
        path = files.get(offer.file)
        if path is not None and sha256_file(path) != offer.sha256:
            problems.append(OpeningProblem("error", f"responses/{offer.file}", msg(
                    "the file of offer {offer_id} changed since opening (different hash): an "
                    "offer cannot change after the deadline. Restore the file received.",
                    offer_id=offer.id)))
    problems.extend(_conflicts(offers, config.variants_allowed))
    opening = Opening(tuple(offers), tuple(problems), deadline)
    record = {"format": FORMAT, "deadline": deadline.isoformat() if deadline else None,
              "offers": [_unstructure(o) for o in offers]}
    target = campaign.root / OPENING_FILE
    data = (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data, overwrite=True)
        campaign.audit.append("write", file=OPENING_FILE, sha256=sha256_file(target),
                              size=len(data))
    for offer in offers[len(kept):]:
        campaign.audit.append("open", offer=offer.id, file=f"responses/{offer.file}",
                              sha256=offer.sha256, bidder=offer.bidder.name,
                              registration=offer.bidder.registration, lot=offer.lot,
                              variant=offer.variant, deposited=offer.deposited,
                              status=offer.status)
    return opening


def _unstructure(offer: Offer) -> dict[str, Any]:
    from ai_procurement.bank.converter import converter

    data: dict[str, Any] = converter.unstructure(offer)
    data["deposited"] = offer.deposited.isoformat(sep=" ") if offer.deposited else None
    return data


def _duplicates(offers: Iterable[Offer]) -> list[list[Offer]]:
    """Groups of offers from one bidder for one lot and one kind (base or variant n)."""
    seen: dict[tuple[str, str, int], list[Offer]] = {}
    for offer in offers:
        seen.setdefault((identity_key(offer.bidder), offer.lot, offer.variant),
                        []).append(offer)
    return [group for _, group in sorted(seen.items()) if len(group) > 1]


def _conflicts(offers: Sequence[Offer], variants_allowed: bool) -> list[OpeningProblem]:
    problems: list[OpeningProblem] = []
    for offer in offers:
        if offer.variant and not variants_allowed:
            problems.append(OpeningProblem("error", f"{offer.id} ({offer.file})", msg(
                    "variant {offer_variant} from {bidder_name} although the RC allows no "
                    "variants: the variant is irregular (L2152-2) and will not be scored; the "
                    "base offer is.", offer_variant=offer.variant, bidder_name=offer.bidder.name)))
    for group in _duplicates(offers):
        lot, variant = group[0].lot, group[0].variant
        ids = ", ".join(f"{o.id} ({o.file})" for o in group)
        kind = msg("base offers") if variant == 0 else msg("variants no. {variant}",
                                                            variant=variant)
        problems.append(OpeningProblem("error", ids, msg(
                "two {kind} from {bidder_name}{lot}: {ids}. The RC says which one is examined "
                "(usually the last received); remove the other from the exported register. "
                "Neither is scored until then.", kind=kind,
                lot=msg(" for lot {lot}", lot=lot) if lot else Text("", ""),
                bidder_name=group[0].bidder.name, ids=ids)))
    return problems


def scorable(opening: Opening, variants_allowed: bool) -> dict[str, Offer]:
    """Offers that may be scored, by file: on time, unique, and allowed by the RC."""
    blocked = {o.file for group in _duplicates(opening.offers) for o in group}
    return {o.file: o for o in opening.offers
            if o.status != "late" and o.file not in blocked
            and (variants_allowed or o.variant == 0)}


def set_aside(opening: Opening, variants_allowed: bool) -> Mapping[str, Text]:
    """Why each registered offer that may not be scored is set aside, by file."""
    allowed = scorable(opening, variants_allowed)
    reasons: dict[str, Text] = {}
    for offer in opening.offers:
        if offer.file in allowed:
            continue
        if offer.status == "late":
            when = offer.deposited.isoformat(sep=" ", timespec="minutes") \
                if offer.deposited else ""
            reasons[offer.file] = msg("offer received after the deadline ({when}): eliminated "
                                      "without examination (R2151-5)", when=when)
        elif offer.variant and not variants_allowed:
            reasons[offer.file] = msg("variant not allowed by the RC: irregular (L2152-2)")
        else:
            reasons[offer.file] = msg("several offers from the same bidder for the same lot: "
                                      "awaiting the buyer's choice")
    return reasons
