"""A campaign folder: one consultation, from the questionnaire to the decision memo.

Layout (created by :func:`init_campaign`)::

    campaign.yaml        the consultation, bank, weights, vendors, evaluators, settings
    private/signing.key  the buyer's signing key: never send it
    questionnaire.json   the frozen questionnaire and its fingerprint (after publication)
    outbox/              one questionnaire per vendor, to send
    responses/           the returned workbooks, as received (never modified)
    reports/             per returned file, a check letter for the buyer and one with what
                         may be sent to the bidder at this stage (archive/: earlier ones)
    reviews/             one review workbook per evaluator, and agreed.yaml: the scores
                         the lead evaluator set after discussion, with their rationale
    out/                 comparison workbook, decision memo, debrief letters
    audit.jsonl          append-only trail of every file read and written

Every step reads the folder, does its work and appends what it read and wrote to the
audit trail; outputs are written atomically and never replace an earlier result unless
asked to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import attrs

from ai_procurement.bank.model import Aggregation, DqeItem
from ai_procurement.decision.scoring import Settings
from ai_procurement.errors import BankError, CampaignError, OutputError, Problem, os_reason
from ai_procurement.legal.procedure import ProcedureKind
from ai_procurement.questionnaire import Consultation, Questionnaire
from ai_procurement.text import Lang, Text, msg

__all__ = [
    "AgreedScore",
    "AuditTrail",
    "BudgetConfig",
    "Campaign",
    "CampaignConfig",
    "CampaignError",
    "ImpactConfig",
    "Lot",
    "LotConfig",
    "Mode",
    "OpeningConfig",
    "PriceConfig",
    "ProcedureConfig",
    "RobustnessConfig",
    "SignatoryConfig",
    "init_campaign",
    "load_campaign",
]

CONFIG_FILE = "campaign.yaml"
_MAX_AUDIT_BYTES = 256 * 1024 * 1024
"""Largest audit trail read; a campaign's trail is a few hundred lines."""
T = TypeVar("T")
AGREED_FILE = "agreed.yaml"
FORMAT = 1


@attrs.frozen
class RobustnessConfig:
    """Parameters of the robustness analysis (see :func:`ai_procurement.decision.robustness`)."""

    samples: int = 20_000
    seed: int = 2026
    band: float = 0.2
    close_call_threshold: float = 0.02


@attrs.frozen
class SignatoryConfig:
    """Who signs the memo."""

    name: str
    role: str = ""


@attrs.frozen
class ProcedureConfig:
    """Facts about the procedure that the memo reports.

    ``procedure_type`` is one of a closed list (:class:`ProcedureKind`, e.g.
    ``mapa-avec-publicite``): the procedure decides which letters, delays and rules
    apply (see :func:`ai_procurement.legal.procedure.procedure_rules`). An unknown value
    is an error that lists the allowed ones.

    The analysis report also states (R2184-2 and R2184-3): ``estimated_value`` (the
    estimated value of the need, euros excluding VAT), ``subcontracting`` (declared in
    the offers; a lot may give its own), ``no_lots_reason`` (why a single contract,
    L2113-11) and ``negotiation_reason`` (why a negotiation, where the procedure allows
    one). ``negotiation_reserved`` says that the consultation documents of a MAPA
    provided for a negotiation (R2123-4 and R2123-5): without it a negotiation round is
    refused.
    """

    procedure_type: ProcedureKind | None = None
    published: dt.date | None = None
    place: str = ""
    signatories: tuple[SignatoryConfig, ...] = ()
    estimated_value: float | None = None
    subcontracting: str = ""
    no_lots_reason: str = ""
    negotiation_reason: str = ""
    negotiation_reserved: bool = False
    """The consultation documents reserved the right to negotiate (MAPA, R2123-5)."""


@attrs.frozen
class ImpactConfig:
    """The impact level assessed before buying (see ``strategy/impact.json``).

    At a level, the bank's requirements of that level are switched on
    (:func:`ai_procurement.bank.requirements.apply_impact_level`); ``source`` and
    ``sha256`` name the assessment workbook the level came from.
    """

    level: int
    source: str = ""
    sha256: str = ""


@attrs.frozen
class AgreedScore:
    """One entry of ``reviews/agreed.yaml``: an agreed level or a reasoned override."""

    vendor: str
    question: str
    rationale: str
    level: int | None = None
    fraction: float | None = None


@attrs.frozen
class PriceConfig:
    """How a lot's price is asked and compared (``price:`` in ``campaign.yaml``).

    ``model`` is ``lump-sum`` (the bank's cost items: one-off + years × yearly, the
    default), ``dqe`` (a DQE: the ``dqe`` items, whose quantities the buyer sets and
    whose unit prices the bidder gives; compared on the sum of quantity × unit price)
    or ``mixed`` (both, added). The quantities are published with the questionnaire and
    covered by its fingerprint.
    """

    model: Literal["lump-sum", "dqe", "mixed"] = "lump-sum"
    dqe: tuple[DqeItem, ...] = ()


@attrs.frozen
class BudgetConfig:
    """The credits allocated to a lot before the procedure was launched (L2152-3).

    ``amount`` in euros excluding VAT, compared with each offer's compared price over
    the same scope; ``covers`` says what it covers (years, items); ``source`` the
    decision that set it. An offer above it is unacceptable.
    """

    amount: float
    covers: str
    source: str = ""


@attrs.frozen
class LotConfig:
    """One lot of the consultation (allotment is the rule: L2113-10).

    A lot may use its own bank or tailoring, weights, scoring settings and evaluators;
    what it leaves out is taken from the top of ``campaign.yaml``.
    """

    id: str
    title: str
    bank: str | None = None
    weights: Mapping[str, float] | None = None
    scoring: Settings | None = None
    evaluators: tuple[str, ...] | None = None
    subcontracting: str | None = None
    price: PriceConfig | None = None
    budget: BudgetConfig | None = None


@attrs.frozen
class OpeningConfig:
    """When offers were due and where the buyer profile's deposit register is.

    Attributes:
        deadline: date and time limit for receipt of offers, as the RC states it; an
            offer deposited after it is late and never scored (R2151-5).
        register: the deposit register exported from the buyer profile (CSV or XLSX),
            relative to the campaign folder; None to register the files of
            ``responses/`` as they are.
    """

    deadline: dt.datetime | None = None
    register: str | None = None


Mode = Literal["open", "invited"]
"""An open call (bidders unknown until opening) or invited vendors (restricted, MAPA
without publicity)."""


@attrs.frozen
class CampaignConfig:
    """The content of ``campaign.yaml``."""

    consultation: Consultation
    bank: str
    language: Lang
    evaluators: tuple[str, ...]
    scoring: Settings
    mode: Mode = "open"
    vendors: tuple[str, ...] = ()
    lots: tuple[LotConfig, ...] = ()
    variants_allowed: bool = False
    max_lots_per_bidder: int | None = None
    lot_cap_rule: str = ""
    opening: OpeningConfig = OpeningConfig()
    weights: Mapping[str, float] | None = None
    normalise: bool = False
    robustness: RobustnessConfig = RobustnessConfig()
    procedure: ProcedureConfig = ProcedureConfig()
    blind_review: bool = True
    lead_evaluator: str | None = None
    key_file: str = "private/signing.key"
    report_date: dt.date | None = None
    impact: ImpactConfig | None = None
    format: int = FORMAT
    aggregation: Aggregation | None = None
    aggregation_announced: bool = False
    price: PriceConfig | None = None
    budget: BudgetConfig | None = None
    precedence: tuple[str, ...] = ()


@attrs.define
class AuditTrail:
    """The append-only ``audit.jsonl`` of a campaign."""

    path: Path
    # The bytes parsed so far (up to a line break) and their records: the trail only
    # grows, so a later read parses only the lines added since (a 20-lot evaluation
    # read its 10,000-line trail about a hundred times: 3 s of JSON parsing).
    _parsed: tuple[bytes, tuple[dict[str, Any], ...]] = attrs.field(
        default=(b"", ()), init=False, eq=False, repr=False)
    # The lines of a batch (see batch()), None outside one.
    _batched: list[bytes] | None = attrs.field(default=None, init=False, eq=False,
                                               repr=False)

    def append(self, event: str, **fields: Any) -> None:
        """Append one event (with the current UTC time) as a JSON line, on disk.

        The line is written with one append and flushed to the disk (fsync) before the
        step goes on (within a :meth:`batch`, when the batch ends). A last line cut short
        by a crash or a full disk is never built upon: a line break and a
        ``torn-line-fenced`` record are written after it first, so the cut line stays as
        it was, unreadable, and reported by :meth:`records`.

        Raises:
            OutputError: the trail cannot be written (a full disk...); the message says
                what to do.
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        record = {"time": now, "event": event, **fields}
        line = (json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
                + "\n").encode("utf-8")
        if self._batched is not None:
            self._batched.append(line)
        else:
            self._write(line)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Within it, appended events are written together when it ends, in order.

        One append and one flush to the disk for a step's many events (the files a
        ``check`` reads, the records of the results ``evaluate`` switches in), where
        each event alone cost its own: 800 at 20 lots, each a disk flush. Each line
        keeps the time of its event. Reading the trail (:meth:`records`) writes the
        lines kept first. When the step fails, the lines kept are still written, and the
        step's error is the one raised.

        Raises:
            OutputError: the trail cannot be written (a full disk...).
        """
        if self._batched is not None:  # within a batch already: that one writes
            yield
            return
        self._batched = []
        try:
            try:
                yield
            except BaseException:
                with contextlib.suppress(OutputError):
                    self._write_kept()
                raise
            self._write_kept()
        finally:
            self._batched = None

    def _write_kept(self) -> None:
        """Write the lines a batch kept so far, if any (the batch goes on)."""
        if self._batched:
            lines = b"".join(self._batched)
            self._batched.clear()
            self._write(lines)

    def _write(self, lines: bytes) -> None:
        """Append ``lines`` (whole lines) in one write, then flush them to the disk."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                    fence = json.dumps({"time": now, "event": "torn-line-fenced",
                                        "note": "the line before was cut short (a crash or "
                                                "a full disk); it is kept as it was and not "
                                                "used"}, sort_keys=True)
                    _write_all(fd, ("\n" + fence + "\n").encode())
                _write_all(fd, lines)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise OutputError(msg("{path}: cannot append to the audit trail "
                                  "({exc_strerror}); this step is not recorded. Free "
                                  "some disk space, then run the step again",
                                  path=self.path, exc_strerror=os_reason(exc))) from None

    def records(self) -> list[dict[str, Any]]:
        """Every record so far (an unreadable line is reported as such).

        Raises:
            CampaignError: the trail is not a regular file or is larger than 256 MiB.
        """
        from ai_procurement._office.files import read_bounded
        from ai_procurement.errors import InputError

        self._write_kept()
        if not self.path.exists():
            return []
        try:
            data = read_bounded(self.path, _MAX_AUDIT_BYTES)
        except InputError as exc:
            raise CampaignError(msg("{path}: cannot read the audit trail: {exc_reason}",
                                    exc_reason=Text(fr=exc.why.fr, en=format(exc.reason, '')),
                                    path=self.path)) from None
        done, known = self._parsed
        if not data.startswith(done):  # not the file parsed before: parse it all
            done, known = b"", ()
        # Complete lines end with a line break, which no UTF-8 sequence holds: the lines
        # before it decode and split alone as they do with the rest of the file.
        end = max(data.rfind(b"\n") + 1, len(done))
        complete = known + tuple(_parse_lines(data[len(done):end], len(known)))
        self._parsed = (data[:end], complete)
        return [*complete, *_parse_lines(data[end:], len(complete))]


def _parse_lines(data: bytes, before: int) -> list[dict[str, Any]]:
    """The records of lines of the audit trail, numbered after the ``before`` first."""
    records: list[dict[str, Any]] = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(),
                                  start=before + 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append({"event": "unreadable-line", "line": number})
    return records


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


@attrs.frozen
class Lot:
    """One lot as the campaign evaluates it: its bank, weights, settings and evaluators.

    A consultation without ``lots:`` in ``campaign.yaml`` has one lot whose ``id`` is
    empty; its files keep the plain names (``questionnaire.json``, ``out/memo-fr.docx``).
    """

    id: str
    title: str
    bank: str
    weights: Mapping[str, float] | None
    scoring: Settings
    evaluators: tuple[str, ...]
    price: PriceConfig | None = None
    budget: BudgetConfig | None = None

    @property
    def suffix(self) -> str:
        """What the lot adds to its file names ("" or "-lot-2")."""
        return f"-lot-{self.id}" if self.id else ""

    def describe(self, lang: Lang) -> str:
        """"Lot 2 : Maintenance" (or "" for a consultation without lots)."""
        if not self.id:
            return ""
        colon = " :" if lang == "fr" else ":"
        return f"Lot {self.id}{colon} {self.title}"


@attrs.frozen
class Campaign:
    """A loaded campaign folder."""

    root: Path
    config: CampaignConfig
    # Banks once loaded, by name: loading a bank parses and validates its YAML (about half
    # a second for the default bank), and every step needs it.
    _banks: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False, init=False)
    # One trail object, so that its records once parsed are kept between steps.
    _trail: AuditTrail = attrs.field(default=attrs.Factory(
        lambda self: AuditTrail(self.root / "audit.jsonl"), takes_self=True),
        eq=False, repr=False, init=False)

    # Files parsed once, by (path, loader): their signature and what the loader gave.
    _loaded: dict[tuple[Path, Any], tuple[tuple[int, int, int], Any]] = attrs.field(
        factory=dict, eq=False, repr=False, init=False)

    @property
    def audit(self) -> AuditTrail:
        """The campaign's audit trail."""
        return self._trail

    def read_once(self, path: Path, load: Callable[[Path], T]) -> T:
        """``load(path)``, kept and given again while the file stays the same.

        The file is the same while its inode, size and modification time are (files
        are replaced whole, by a rename): an evaluation of 20 lots loaded each lot's
        questionnaire and the opening register over a hundred times (6 s).
        """
        stat = path.stat()
        signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        known = self._loaded.get((path, load))
        if known is not None and known[0] == signature:
            return cast(T, known[1])
        loaded = load(path)
        self._loaded[(path, load)] = (signature, loaded)
        return loaded

    def folder(self, name: str) -> Path:
        """A sub-folder of the campaign, created if needed."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def key_path(self) -> Path:
        """Where the signing key is."""
        return (self.root / self.config.key_file).resolve()

    def key(self) -> bytes:
        """The buyer's signing key."""
        from ai_procurement.workbooks.signing import load_key

        return load_key(self.key_path)

    def lots(self) -> tuple[Lot, ...]:
        """The lots of the consultation, in the order of ``campaign.yaml``."""
        config = self.config
        if not config.lots:
            return (Lot("", config.consultation.title, config.bank, config.weights,
                        config.scoring, config.evaluators, config.price, config.budget),)
        return tuple(Lot(lot.id, lot.title, lot.bank or config.bank,
                         lot.weights if lot.weights is not None else (
                             config.weights if lot.bank in (None, config.bank) else None),
                         lot.scoring or config.scoring,
                         lot.evaluators if lot.evaluators is not None else config.evaluators,
                         lot.price or config.price, lot.budget)
                     for lot in config.lots)

    def lot(self, lot_id: str | None = None) -> Lot:
        """The lot named ``lot_id``; None for the only lot of a consultation.

        Raises:
            CampaignError: no such lot, or None while the consultation has several lots.
        """
        lots = self.lots()
        if lot_id is None:
            if len(lots) > 1:
                raise CampaignError(msg("{root_CONFIG_FILE}: the consultation has {len_lots} "
                                        "lots ({join_x_id_for_x_in_lots}); name the lot",
                                        root_CONFIG_FILE=self.root / CONFIG_FILE,
                                        len_lots=len(lots),
                                        join_x_id_for_x_in_lots=', '.join(x.id for x in lots)))
            return lots[0]
        for lot in lots:
            if lot.id == lot_id:
                return lot
        known = ", ".join(x.id for x in lots)
        raise CampaignError(msg("{file}: no lot {lot_id!r}; the lots are {lots}",
                                file=self.root / CONFIG_FILE, lot_id=lot_id,
                                lots=Text(fr=known, en=known) if known else msg("(none)")))

    def bank(self, lot: Lot | None = None) -> Any:
        """The (tailored) bank of ``lot``; with None, the campaign's own ``bank:``.

        The campaign's ``bank:`` is the default of every lot. With an ``impact:`` key, the
        requirements of that impact level are switched on
        (:func:`ai_procurement.bank.requirements.tailor_for_impact`).

        Raises:
            CampaignError: no bundled bank has that name and no such file exists.
            BankError: the bank file is invalid.
        """
        from ai_procurement.bank.files import list_banks, load_bank

        name = lot.bank if lot is not None else self.config.bank
        if name in self._banks:
            return self._banks[name]
        bundled = list_banks()
        if name in bundled:
            bank = load_bank(name)
        else:
            path = self.root / name
            if not path.is_file():
                names = ", ".join(bundled)
                raise CampaignError(msg("no bundled bank named {name!r} and no file {path}; name "
                                        "a bundled bank ({names}) or the path of a bank file, "
                                        "relative to the campaign folder", name=name, path=path,
                                        names=names))
            bank = load_bank(path)
        if self.config.impact is not None:
            from ai_procurement.bank.requirements import tailor_for_impact

            bank = tailor_for_impact(bank, self.config.impact.level)
        self._banks[name] = bank
        return bank

    def consultation(self, lot: Lot) -> Consultation:
        """The consultation as the questionnaire of ``lot`` shows it to bidders."""
        consultation = self.config.consultation
        if self.config.precedence:
            consultation = attrs.evolve(consultation, precedence=self.config.precedence)
        if not lot.id:
            return consultation
        # The lot's number is in the reference, its name in the title: a letter's subject
        # line, which prints both, names the lot once.
        return attrs.evolve(consultation, reference=f"{consultation.reference} / lot {lot.id}",
                            title=f"{consultation.title} – {lot.title}")

    def questionnaire_path(self, lot: Lot | None = None) -> Path:
        """Where the frozen questionnaire of ``lot`` is kept."""
        return self.root / f"questionnaire{(lot or self.lot()).suffix}.json"

    def frozen(self, lot: Lot | None = None) -> Questionnaire:
        """The questionnaire of ``lot`` as published.

        Raises:
            CampaignError: the questionnaire was not published yet.
        """
        from ai_procurement.questionnaire import load_questionnaire

        path = self.questionnaire_path(lot)
        if not path.exists():
            raise CampaignError(msg("{path}: the questionnaire is not published yet; run "
                                    "'ai-procurement questionnaire' first", path=path))
        return self.read_once(path, load_questionnaire)

    def freeze(self, lot: Lot | None = None) -> Questionnaire:
        """Freeze the bank of ``lot`` with its weights (not written)."""
        from ai_procurement.questionnaire import freeze

        lot = lot or self.lot()
        return freeze(_priced_bank(self.bank(lot), lot.price), self.consultation(lot),
                      lot.weights,
                      aggregation=self.config.aggregation,
                      aggregation_announced=self.config.aggregation_announced)

    def response_files(self) -> list[Path]:
        """The returned files, sorted by name (every file, whatever its extension)."""
        folder = self.root / "responses"
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(
            (".", "~$", ".~lock")))

    def review_files(self) -> list[Path]:
        """The filled review workbooks, sorted by name."""
        folder = self.root / "reviews"
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix == ".xlsx"
                      and not p.name.startswith((".", "~$")))

    def agreed_path(self, lot: Lot | None = None) -> Path:
        """Where the lead evaluator records agreed scores of ``lot``.

        ``reviews/agreed.yaml`` for a consultation without lots, ``agreed-lot-2.yaml``
        for lot 2.
        """
        suffix = (lot or self.lot()).suffix
        return self.root / "reviews" / AGREED_FILE.replace(".yaml", f"{suffix}.yaml")

    def agreed(self, lot: Lot | None = None) -> list[Any]:
        """The agreed scores and reasoned overrides of ``reviews/agreed.yaml``.

        Each entry names a vendor and a question and gives either an agreed ``level`` (a
        free-text answer the evaluators discussed) or a ``fraction`` replacing an
        automatic score, always with its ``rationale``; they are recorded as set by the
        campaign's ``lead_evaluator``.

        Raises:
            CampaignError: the file is malformed; every problem with its path and line.
        """
        from ai_procurement._office.yaml import load_yaml
        from ai_procurement.bank.converter import structure
        from ai_procurement.decision.scoring import Override

        path = self.agreed_path(lot)
        if not path.exists():
            return []
        document, problems = load_yaml(_read(path))
        if document is None:
            raise CampaignError(BankError(str(path), problems).text)
        if document.data is None:
            return []
        entries, problems = structure(document.data, tuple[AgreedScore, ...])
        if entries is None:
            located = [Problem(p.path, p.message, document.line(p.path)) for p in problems]
            raise CampaignError(BankError(str(path), located).text)
        lead = self.config.lead_evaluator or ""
        return [Override(e.vendor, e.question, e.rationale, e.level, e.fraction, lead)
                for e in entries]

    def vendor_tokens(self, key: bytes) -> dict[str, str]:
        """Vendor token -> vendor name, for identifying returned files."""
        from ai_procurement.workbooks.signing import vendor_token

        return {vendor_token(key, v): v for v in self.config.vendors}


def load_campaign(folder: str | os.PathLike[str]) -> Campaign:
    """Read and validate ``campaign.yaml`` in ``folder``.

    Raises:
        CampaignError: the folder or file is missing, malformed or inconsistent; the
            message lists every problem with its YAML path and line.
    """
    from ai_procurement._office.yaml import load_yaml
    from ai_procurement.bank.converter import converter, structure

    root = Path(folder)
    path = root / CONFIG_FILE
    if not path.exists():
        raise CampaignError(msg("{path}: no campaign here; create one with 'ai-procurement init "
                                "FOLDER'", path=path))
    document, problems = load_yaml(_read(path))
    if document is None:
        raise CampaignError(BankError(str(path), problems).text)
    data = document.data
    if not isinstance(data, dict):
        raise CampaignError(msg("{path}: expected a mapping at the top of the file", path=path))
    if data.get("format") != FORMAT:
        raise CampaignError(msg("{path}: unknown format {data_format!r}; this library reads "
                                "campaign format {FORMAT}", path=path,
                                data_format=data.get('format'), FORMAT=FORMAT))
    del converter
    config, problems = structure(data, CampaignConfig)
    if config is None:
        located = [Problem(p.path, p.message, p.line or document.line(p.path))
                   for p in problems]
        raise CampaignError(BankError(str(path), located).text)
    problems = _check(config)
    if problems:
        located = [Problem(p.path, p.message, document.line(p.path)) for p in problems]
        raise CampaignError(BankError(str(path), located).text)
    campaign = Campaign(root, config)
    for index, lot in enumerate(campaign.lots()):
        where = f"$.lots[{index}].bank" if config.lots and config.lots[index].bank else "$.bank"
        try:
            bank = campaign.bank(lot)
        except CampaignError as exc:
            raise CampaignError(_located(path, where, document.line(where),
                                         exc.text)) from None
        except BankError as exc:
            raise CampaignError(_located(path, where, document.line(where), msg(
                    "cannot load bank {lot_bank!r}:\n{exc_text}", exc_text=exc.text,
                    lot_bank=lot.bank))) from None
        if lot.price is not None and lot.price.model != "lump-sum":
            from ai_procurement.bank.model import check_bank

            at = (f"$.lots[{index}].price" if config.lots and config.lots[index].price
                  is not None else "$.price")
            try:
                wrong_price = [Problem(p.path, p.message).text
                               for p in check_bank(_priced_bank(bank, lot.price))
                               if ".dqe[" in p.path]
            except CampaignError as exc:
                raise CampaignError(_located(path, at, document.line(at), exc.text)) from None
            if wrong_price:
                raise CampaignError(_located(path, at, document.line(at), Text(
                    fr=" ; ".join(t.fr for t in wrong_price),
                    en="; ".join(t.en for t in wrong_price))))
        if lot.weights is not None:
            ids = {c.id for c in bank.criteria}
            wrong = sorted(set(lot.weights) ^ ids)
            at = (f"$.lots[{index}].weights" if config.lots and config.lots[index].weights
                  is not None else "$.weights")
            if wrong:
                raise CampaignError(_located(path, at, document.line(at), msg(
                        "must name every criterion of {bank_id!r} exactly once; check {wrong}",
                        bank_id=bank.id, wrong=wrong)))
            total = math.fsum(lot.weights.values())
            scale = lot.scoring.total_points
            if not config.normalise and not math.isclose(total, scale, rel_tol=1e-9):
                listed = ", ".join(f"{k} {v:g}" for k, v in lot.weights.items())
                raise CampaignError(_located(path, at, document.line(at), msg(
                        "the weights add up to {total:g}, not to the {scale:g} points published "
                        "(total_points): {listed}. Correct them, so that the consultation rules "
                        "and the scoring say the same; or, if the rules publish these figures as "
                        "relative weights, add 'normalise: true' to have them rescaled to shares "
                        "of the total", total=total, scale=scale, listed=listed)))
    return campaign


def _priced_bank(bank: Any, price: PriceConfig | None) -> Any:
    """``bank`` with its price question following ``price`` (a DQE, or both parts).

    Raises:
        CampaignError: a DQE is set but the bank has no price question.
    """
    from ai_procurement.bank.model import Price

    if price is None or price.model == "lump-sum":
        return bank
    criteria = []
    found = False
    for criterion in bank.criteria:
        questions = []
        for q in criterion.questions:
            if isinstance(q.answer, Price):
                found = True
                items = () if price.model == "dqe" else q.answer.items
                q = attrs.evolve(q, answer=attrs.evolve(q.answer, items=items,
                                                        dqe=price.dqe))
                if price.model == "dqe":
                    # The bank's texts explain a lump sum (one-off + years × yearly).
                    q = attrs.evolve(q, why=_DQE_WHY, vendor_guidance=_DQE_GUIDANCE)
            questions.append(q)
        criteria.append(attrs.evolve(criterion, questions=tuple(questions)))
    if not found:
        raise CampaignError(msg("price.model {price_model!r}: bank {bank_id!r} has no price "
                                "question to carry the DQE / la banque n'a pas de question de "
                                "prix pour porter le DQE", price_model=price.model,
                                bank_id=bank.id))
    return attrs.evolve(bank, criteria=tuple(criteria))


_DQE_WHY = msg("Offers are compared on the price of the detailed quantity estimate (DQE): the "
               "sum, item by item, of the quantity the buyer set times your unit price.")
_DQE_GUIDANCE = msg("Each unit price includes every cost of the item, including those of using "
                    "AI (API calls, tokens, computing capacity). The unit prices must match your "
                    "financial offer; state your assumptions in the comment.")


def budget_of(lot: Lot) -> Any:
    """The :class:`~ai_procurement.decision.price.Budget` of ``lot``, or None without one."""
    from decimal import Decimal

    from ai_procurement.decision.price import Budget

    if lot.budget is None:
        return None
    return Budget(Decimal(repr(float(lot.budget.amount))), lot.budget.covers,
                  lot.budget.source)


def negotiates(procedure: ProcedureConfig) -> bool:
    """True when offers may still change through a negotiation or a dialogue.

    A procedure with negotiation or a competitive dialogue always; an adapted procedure
    (MAPA) when its negotiation is declared (``procedure.negotiation_reason``, as the RC
    announced it, R2123-5); otherwise, and when no procedure is set, False: irregular and
    unacceptable offers are then eliminated (R2152-1).
    """
    from ai_procurement.legal.procedure import Negotiation, procedure_rules

    if procedure.procedure_type is None:
        return False
    rules = procedure_rules(procedure.procedure_type)
    if rules.negotiation is Negotiation.ALLOWED:
        return True
    return (rules.negotiation is Negotiation.IF_ANNOUNCED
            and bool(procedure.negotiation_reason.strip()))


def _read(path: Path) -> bytes:
    """The bytes of a campaign's YAML file, bounded (see ``read_bounded``).

    Raises:
        CampaignError: the file is missing, not a regular file or too large.
    """
    from ai_procurement._office.files import read_bounded
    from ai_procurement._office.yaml import MAX_BYTES
    from ai_procurement.errors import InputError

    try:
        return read_bounded(path, MAX_BYTES)
    except InputError as exc:
        raise CampaignError(msg("{path}: cannot read: {exc_reason}", exc_reason=Text(fr=exc.why.fr,
                                en=format(exc.reason, '')), path=path)) from None


def slug(name: str) -> str:
    """A file-name-safe form of a name ("Alizé Systèmes" -> "alize-systemes").

    Case, accents, punctuation and emoji are dropped, so two names can give one slug
    ("Acme" and "ACME"): :func:`load_campaign` refuses a campaign where they do.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()
    return cleaned or "x"


def _at(line: int | None) -> str:
    return "" if line is None else f" (line {line})"


def _located(path: Path, where: str, line: int | None, text: Text) -> Text:
    """``text`` after the file, the YAML path and its line, in both languages."""
    ligne = "" if line is None else f" (ligne {line})"
    return msg("{path}: {where}{at_line}: {text}", text=text, at_line=Text(fr=format(ligne, ''),
               en=format(_at(line), '')), path=path, where=where)


def _check(config: CampaignConfig) -> list[Problem]:
    problems: list[Problem] = []
    if config.mode == "invited" and not config.vendors:
        problems.append(Problem("$.vendors", msg("list at least one vendor to invite (mode: "
                                                 "invited), or set mode: open for an open call")))
    if config.mode == "open" and config.vendors:
        problems.append(Problem("$.vendors", msg("an open call has no vendors known in advance: "
                                                 "bidders are registered when the offers are "
                                                 "opened ('ai-procurement open'). Remove the "
                                                 "list, or set mode: invited (restricted "
                                                 "procedure, MAPA without publicity)")))
    seen_lots: set[str] = set()
    for index, lot in enumerate(config.lots):
        if not lot.id.isalnum():
            problems.append(Problem(f"$.lots[{index}].id", msg(
                    "a lot id is letters and digits only, e.g. 1 or 2a; got {lot_id!r}",
                    lot_id=lot.id)))
        if lot.id in seen_lots:
            problems.append(Problem(f"$.lots[{index}].id", msg(
                    "duplicate lot {lot_id!r}", lot_id=lot.id)))
        seen_lots.add(lot.id)
        if not lot.title.strip():
            problems.append(Problem(f"$.lots[{index}].title", msg("give the lot a title")))
    from ai_procurement.legal.precedence import check_precedence

    problems += [Problem("$.precedence", message)
                 for message in check_precedence(config.precedence)]
    if config.lots and config.budget is not None:
        problems.append(Problem("$.budget", msg("give the budget per lot (lots[i].budget)")))
    priced = [("$", config.price, config.budget)] + [
        (f"$.lots[{index}]", lot.price, lot.budget) for index, lot in enumerate(config.lots)]
    for where, price, budget in priced:
        if price is not None:
            problems += _check_price(where + ".price", price)
        if budget is not None:
            if not (math.isfinite(budget.amount) and 0 < budget.amount < 1e13):
                problems.append(Problem(f"{where}.budget.amount", msg(
                        "expected an amount in euros excluding VAT above 0; got {budget_amount}",
                        budget_amount=budget.amount)))
            if not budget.covers.strip():
                problems.append(Problem(f"{where}.budget.covers", msg(
                        "say what the budget covers (years, items, excl. VAT)")))
    estimate = config.procedure.estimated_value
    if estimate is not None and not 0 <= estimate < 1e13:
        problems.append(Problem("$.procedure.estimated_value", msg(
                "expected an amount in euros excluding VAT, 0 or more; got {estimate}",
                estimate=estimate)))
    cap = config.max_lots_per_bidder
    if cap is not None and not 1 <= cap < max(2, len(config.lots)):
        problems.append(Problem("$.max_lots_per_bidder", msg(
                "a cap on the lots one bidder may be awarded is between 1 and the number of lots "
                "minus one ({len_config_lots} lots); got {cap}", len_config_lots=len(config.lots),
                cap=cap)))
    if cap is not None and not config.lot_cap_rule.strip():
        problems.append(Problem("$.lot_cap_rule", msg(
                "a cap on the lots awarded to one bidder must be published with the rule that "
                "applies it (R2113-1): say which lots such a bidder is awarded, e.g. \"the lots "
                "are awarded one after the other in the order of their number\". The evaluation "
                "awards them in the order of lots: in this file, so list the lots in the order "
                "the rule gives")))
    for name, values in (("vendors", config.vendors), ("evaluators", config.evaluators)):
        seen: set[str] = set()
        files: dict[str, str] = {}
        for index, value in enumerate(values):
            if not value.strip():
                problems.append(Problem(f"$.{name}[{index}]", msg("empty name")))
            if value in seen:
                problems.append(Problem(f"$.{name}[{index}]", msg(
                        "duplicate name {value!r}", value=value)))
                continue
            seen.add(value)
            # Each name gets its own file (outbox/<slug>.xlsx, reviews/<slug>.xlsx): two
            # names with one file name would share, or overwrite, one workbook.
            file = slug(value)
            if file in files:
                problems.append(Problem(f"$.{name}[{index}]", msg(
                        "{files_file!r} and {value!r} give the same file name {file!r}.xlsx "
                        "(names are compared without case, accents, punctuation or emoji); make "
                        "them differ in letters or digits", files_file=files[file], value=value,
                        file=file)))
            files.setdefault(file, value)
    if config.language not in ("fr", "en"):
        problems.append(Problem("$.language", msg("expected 'fr' or 'en', got {config_language!r}",
                                                  config_language=config.language)))
    if config.lead_evaluator is not None and config.lead_evaluator not in config.evaluators:
        problems.append(Problem("$.lead_evaluator", msg(
                "{config_lead_evaluator!r} is not one of the evaluators",
                config_lead_evaluator=config.lead_evaluator)))
    r = config.robustness
    if not 100 <= r.samples <= 2_000_000:
        problems.append(Problem("$.robustness.samples", msg("expected 100 to 2,000,000")))
    if not 0 < r.band <= 1:
        problems.append(Problem("$.robustness.band", msg("expected a share in (0, 1], e.g. 0.2")))
    if config.impact is not None and config.impact.level not in (1, 2, 3, 4):
        problems.append(Problem("$.impact.level", msg(
                "expected an impact level from 1 (I) to 4 (IV), got {impact_level}",
                impact_level=config.impact.level)))
    return problems


def _check_price(where: str, price: PriceConfig) -> list[Problem]:
    problems: list[Problem] = []
    if price.model not in ("lump-sum", "dqe", "mixed"):
        problems.append(Problem(f"{where}.model", msg(
                "expected lump-sum, dqe or mixed; got {price_model!r}", price_model=price.model)))
    if price.model in ("dqe", "mixed") and not price.dqe:
        problems.append(Problem(f"{where}.dqe", msg("a DQE lists at least one item (id, label, "
                                                    "unit, quantity)")))
    if price.model == "lump-sum" and price.dqe:
        problems.append(Problem(f"{where}.model", msg(
                "DQE items are given: set model: dqe (or mixed)")))
    seen: set[str] = set()
    for index, item in enumerate(price.dqe):
        at = f"{where}.dqe[{index}]"
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", item.id):
            problems.append(Problem(f"{at}.id", msg("expected an id of letters, digits, . _ -; "
                                                    "got {item_id!r}", item_id=item.id)))
        if item.id in seen:
            problems.append(Problem(f"{at}.id", msg("duplicate item {item_id!r}",
                                                    item_id=item.id)))
        seen.add(item.id)
        for name, text in (("label", item.label), ("unit", item.unit)):
            if not (text.fr.strip() and text.en.strip()):
                problems.append(Problem(f"{at}.{name}", msg(
                        "expected a French and an English text ({{fr: ..., en: ...}})")))
        if not (math.isfinite(item.quantity) and 0 < item.quantity < 1e9):
            problems.append(Problem(f"{at}.quantity", msg(
                    "expected a quantity set by the buyer, above 0; got {item_quantity}",
                    item_quantity=item.quantity)))
    return problems


TEMPLATE_FR = """\
# Fichier de campagne d'ai_procurement (format 1). Tout réglage qui change un résultat est
# écrit ici et consigné avec les résultats. Les valeurs "" ou null sont à compléter :
# « ai-procurement evaluate » liste celles qui manquent encore au rapport à signer.
format: 1
consultation:                    # ce que voient les candidats sur le questionnaire
  reference: "{reference}"         # référence de la consultation (celle du RC)
  title: "{title}"
  buyer: "{buyer}"                 # nom de l'acheteur (en-tête des lettres et du rapport)
  contact: ""                    # adresse ou service à contacter (en-tête des lettres)
  deadline: {deadline}                 # date limite de remise des offres, ex. 2027-03-15
bank: {bank}                 # une banque fournie, ou le chemin de votre fichier d'adaptation
language: {language}                    # langue des questionnaires et du rapport (fr | en)
# open : appel d'offres ouvert, MAPA avec publicité : un questionnaire par lot, publié avec
#   le DCE ; les soumissionnaires sont connus à l'ouverture des plis.
# invited : procédure restreinte ou MAPA sans publicité : un questionnaire signé par
#   candidat invité (listez-les sous vendors).
mode: open
# vendors:                       # mode: invited seulement
#   - Candidat A
#   - Candidat B
# lots:                          # l'allotissement est la règle (L2113-10) ; sans lots : un lot
#   - id: "1"
#     title: "Assistant courrier"
#   - id: "2"
#     title: "Traduction"
#     bank: ai-territorial       # chaque lot peut avoir sa banque, ses poids, sa notation
#     price:                     # par défaut : prix global (postes de coût de la banque)
#       model: dqe               # lump-sum | dqe | mixed (les deux, additionnés)
#       dqe:                     # quantités fixées par l'acheteur ; prix unitaires du candidat
#         - {{id: D1, label: {{fr: "Page traduite", en: "Translated page"}},
#            unit: {{fr: page, en: page}}, quantity: 20000}}
#     budget:                    # facultatif : crédits alloués avant le lancement (L2152-3) ;
#       amount: 90000            # une offre au-dessus est inacceptable (égale : acceptable)
#       covers: "4 ans"          # ce que couvre le montant (toujours HT)
# price: / budget:               # les mêmes clés, pour une consultation sans lots
# precedence:                    # quel document prévaut en cas de contradiction, le premier
#   - acte-engagement            # prévalant ; imprimé sur le questionnaire et dans l'annexe
#   - bpu                        # au RC. Sans cette clé, l'ordre par défaut s'applique et
#   - dqe                        # tous deux le disent (les pièces signées fixent les prix) :
#   - questionnaire              # acte-engagement, bpu, dqe, questionnaire.
#                                # Aussi : ccap, cctp, memoire-technique
variants_allowed: false          # comme le dit le RC ; une variante non autorisée est irrégulière
max_lots_per_bidder: null        # plafond de lots par soumissionnaire annoncé au RC (R2113-1)
lot_cap_rule: ""                 # avec un plafond : la règle du RC pour l'appliquer ; les lots
                                 # sont attribués dans l'ordre de lots: ci-dessus
opening:
  deadline: null                 # date et heure limites de remise des offres, ex. 2027-03-15 12:00
  register: null                 # registre des dépôts exporté du profil d'acheteur (CSV ou XLSX)
evaluators:                      # un classeur d'évaluation chacun (réponses rédigées) : leurs noms
  - Évaluateur 1
  - Évaluateur 2
lead_evaluator: null             # qui arrête les notes après discussion (l'un des évaluateurs)
blind_review: true               # les évaluateurs voient « Offre A », « Offre B »… pas les noms
scoring:
  total_points: 100              # le barème publié dans la consultation
  price_method: classique        # classique | lineaire | ecart-relatif
  price_coefficient: 1.0
  na_policy: exclude-if-allowed-and-justified   # ou : zero
  evidence_policy: zero-without-required-evidence   # ou : flag-only
  consensus: median              # ou : mean
  divergence_threshold: 0.25     # part du barème d'écart entre évaluateurs
  low_offer_method: m1m2         # ou : mean-minus-sd (signale seulement, n'écarte jamais)
  tie_tolerance: 1.0e-09
# impact: {{level: 3}}            # niveau d'impact I-IV évalué avant l'achat (ai-procurement
#                                # impact) : active les exigences de ce niveau
procedure:                       # les faits que le rapport d'analyse des offres énonce
  # appel-offres-ouvert | appel-offres-restreint | mapa-avec-publicite | mapa-sans-publicite
  # | procedure-avec-negociation | dialogue-competitif | marche-subsequent
  procedure_type: mapa-avec-publicite
  published: null                # date de publication de la consultation, ex. 2027-01-10
  place: ""                      # lieu de signature du rapport (« Fait à … »)
  signatories:                   # qui signe le rapport : nom et qualité
    - name: ""
      role: ""                   # ex. « Directrice du numérique »
  estimated_value: null          # valeur estimée du besoin, en euros HT (R2184-2)
  subcontracting: ""             # sous-traitance déclarée dans les offres ("" : aucune)
  no_lots_reason: ""             # sans lots : motif du non-allotissement (L2113-11)
  negotiation_reason: ""         # procédure négociée : motif du recours (R2184-3)
  negotiation_reserved: false    # MAPA : le RC a prévu une négociation (R2123-4, R2123-5)
# weights:                       # poids des critères à publier (par défaut : ceux de la banque) ;
#   LEG: 10                      # nommez chaque critère (ai-procurement banks {bank}) ;
#                                # leur somme est total_points, comme publié
# normalise: false               # true : poids relatifs, ramenés au total
# aggregation: fixed             # points qui ne s'appliquent pas : fixed | redistribute | flat
# aggregation_announced: false   # true une fois que le RC annonce une règle autre que fixed
robustness:
  samples: 20000
  seed: 2026
  band: 0.2
  close_call_threshold: 0.02
report_date: null                # date portée sur le rapport (null : le jour d'evaluate)
key_file: private/signing.key    # gardez ce fichier ; ne l'envoyez jamais
"""

TEMPLATE_EN = """\
# Campaign file of ai_procurement (format 1). Every setting that changes a result is
# written here and recorded with the results. Values "" or null are yours to fill:
# "ai-procurement evaluate" lists those the report to sign still lacks.
format: 1
consultation:                    # what bidders see on the questionnaire
  reference: "{reference}"         # the consultation's reference (as in the RC)
  title: "{title}"
  buyer: "{buyer}"                 # the buyer's name (letterhead of letters and report)
  contact: ""                    # address or department to contact (letterhead)
  deadline: {deadline}                 # deadline for offers, e.g. 2027-03-15
bank: {bank}                 # a bundled bank, or the path of your tailoring file
language: {language}                    # language of the questionnaires and the report (fr | en)
# open: an open call (appel d'offres ouvert, MAPA with publicity): one questionnaire per
#   lot, published with the DCE; bidders are known when the offers are opened.
# invited: a restricted procedure or a MAPA without publicity: one signed questionnaire
#   per invited vendor (list them under vendors).
mode: open
# vendors:                       # mode: invited only
#   - Vendor A
#   - Vendor B
# lots:                          # allotment is the rule (L2113-10); without lots: one lot
#   - id: "1"
#     title: "Mail assistant"
#   - id: "2"
#     title: "Translation"
#     bank: ai-territorial       # each lot may have its own bank, weights, scoring
#     price:                     # default: lump-sum (the bank's cost items)
#       model: dqe               # lump-sum | dqe | mixed (both, added)
#       dqe:                     # buyer-set quantities; bidders give unit prices
#         - {{id: D1, label: {{fr: "Page traduite", en: "Translated page"}},
#            unit: {{fr: page, en: page}}, quantity: 20000}}
#     budget:                    # optional: credits allocated before launch (L2152-3);
#       amount: 90000            # an offer above it is unacceptable (equal is fine)
#       covers: "4 years"        # what the amount covers (always excl. VAT)
# price: / budget:               # the same keys, for a consultation without lots
# precedence:                    # which document prevails in case of contradiction,
#   - acte-engagement            # first prevailing; printed on the questionnaire and in
#   - bpu                        # the RC annex. Left out, this default applies and both
#   - dqe                        # say so: acte-engagement, bpu, dqe, questionnaire (the
#   - questionnaire              # signed contract documents bind the prices). Also: ccap,
#                                # cctp, memoire-technique
variants_allowed: false          # as the RC says; a variant is irregular if not allowed
max_lots_per_bidder: null        # a cap announced in the RC (R2113-1), or null
lot_cap_rule: ""                 # with a cap: the RC's rule for applying it; the lots are
                                 # awarded in the order of lots: below (lot order)
opening:
  deadline: null                 # date and time limit for offers, e.g. 2027-03-15 12:00
  register: null                 # the buyer profile's deposit register (CSV or XLSX)
evaluators:                      # one review workbook each, for free-text answers: names
  - Evaluator 1
  - Evaluator 2
lead_evaluator: null             # who sets the agreed scores after discussion (an evaluator)
blind_review: true               # evaluators see "Offre A", "Offre B"... not the names
scoring:
  total_points: 100              # the scale published in the consultation
  price_method: classique        # classique | lineaire | ecart-relatif
  price_coefficient: 1.0
  na_policy: exclude-if-allowed-and-justified   # or: zero
  evidence_policy: zero-without-required-evidence   # or: flag-only
  consensus: median              # or: mean
  divergence_threshold: 0.25     # share of the scale between evaluators
  low_offer_method: m1m2         # or: mean-minus-sd (flags only, never excludes)
  tie_tolerance: 1.0e-09
# impact: {{level: 3}}            # impact level I-IV assessed before buying (ai-procurement
#                                # impact): switches on the vendor requirements of that level
procedure:                       # the facts the tender evaluation report states
  # appel-offres-ouvert | appel-offres-restreint | mapa-avec-publicite | mapa-sans-publicite
  # | procedure-avec-negociation | dialogue-competitif | marche-subsequent
  procedure_type: mapa-avec-publicite
  published: null                # date the consultation was published, e.g. 2027-01-10
  place: ""                      # where the report is signed ("Done at ...")
  signatories:                   # who signs the report: name and role
    - name: ""
      role: ""                   # e.g. "Chief digital officer"
  estimated_value: null          # estimated value of the need, euros excl. VAT (R2184-2)
  subcontracting: ""             # subcontracting declared in the offers ("": none)
  no_lots_reason: ""             # without lots: why the contract is not divided (L2113-11)
  negotiation_reason: ""         # negotiated procedure: why a negotiation (R2184-3)
  negotiation_reserved: false    # MAPA: the RC reserved a negotiation (R2123-4, R2123-5)
# weights:                       # criterion weights to publish (default: the bank's);
#   LEG: 10                      # name every criterion (ai-procurement banks {bank});
#                                # they add up to total_points, as published
# normalise: false               # true: the weights are relative, rescaled to the total
# aggregation: fixed             # points that do not apply: fixed | redistribute | flat
# aggregation_announced: false   # true once the consultation rules announce a rule
#                                # other than fixed (required for it)
robustness:
  samples: 20000
  seed: 2026
  band: 0.2
  close_call_threshold: 0.02
report_date: null                # date printed on the report (null: the day of evaluate)
key_file: private/signing.key    # keep this file; never send it
"""
TEMPLATE = TEMPLATE_FR
"""The French template (kept under its former name)."""


def init_campaign(folder: str | os.PathLike[str], *, bank: str = "ai-territorial",
                  language: Lang = "fr", reference: str = "2027-IA-001",
                  title: str = "Acquisition d'un système d'IA",
                  buyer: str = "Collectivité", force: bool = False) -> Campaign:
    """Create a campaign folder with a commented ``campaign.yaml`` and a signing key.

    ``campaign.yaml`` carries every key the report to sign needs (procedure, publication
    date, place of signature, signatories, the buyer's facts, evaluators), commented in
    ``language``; what is left "" or null is listed by :func:`ai_procurement.campaign.
    warnings.memo_blanks` before a report is written.

    ``campaign.yaml`` is the buyer's own file: it is never replaced, ``force`` or not.
    With ``force``, a folder whose ``campaign.yaml`` is still the untouched template gets
    its missing folders and key again.

    Raises:
        CampaignError: the folder already holds a campaign (with ``force``: one whose
            ``campaign.yaml`` was edited).
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.workbooks.signing import new_key, write_key

    root = Path(folder)
    config_path = root / CONFIG_FILE
    template = TEMPLATE_EN if language == "en" else TEMPLATE_FR
    text = template.format(reference=reference, title=title, buyer=buyer, bank=bank,
                           language=language, deadline="null")
    if config_path.exists():
        if not force:
            raise CampaignError(msg("{config_path} already exists; refusing to overwrite it",
                                    config_path=config_path))
        if not config_path.is_file() or config_path.read_bytes() != text.encode("utf-8"):
            raise CampaignError(msg("{config_path} is the buyer's campaign file and was edited: "
                                    "it is never replaced, not even with --force; move it aside "
                                    "yourself to start again", config_path=config_path))
    for name in ("private", "outbox", "responses", "reports", "reviews", "out"):
        (root / name).mkdir(parents=True, exist_ok=True)
    if not config_path.exists():
        write_atomic(config_path, text.encode("utf-8"), overwrite=False)
    key_path = root / "private" / "signing.key"
    if not key_path.exists():
        write_key(key_path, new_key())
    (root / "private" / "README.txt").write_text(
        "Ce dossier contient la clé de signature des questionnaires : ne l'envoyez jamais.\n"
        "This folder holds the questionnaires' signing key: never send it.\n", "utf-8")
    campaign = load_campaign(root)
    campaign.audit.append("init", bank=bank, language=language)
    return campaign


def sha256_of(path: Path) -> str:
    """SHA-256 of a file."""
    from ai_procurement._office.files import sha256_file

    return sha256_file(path)


def iter_outputs(paths: Sequence[Path]) -> Iterator[tuple[str, str]]:
    """(name, sha256) of written outputs, for the audit trail."""
    for path in paths:
        yield path.name, sha256_of(path)


def questionnaire_problem(existing: Questionnaire, new: Questionnaire) -> Text | None:
    """Why a new questionnaire may not replace the published one (or None)."""
    if existing.fingerprint == new.fingerprint:
        return None
    return msg("the published questionnaire (fingerprint {published}…) differs from what "
               "campaign.yaml now gives ({new}…): weights and questions must not change after "
               "publication. Restore the published weights and bank in campaign.yaml; or, if "
               "no vendor has answered yet, publish again with --force and send every vendor "
               "the new questionnaire", published=existing.fingerprint[:12],
               new=new.fingerprint[:12])

