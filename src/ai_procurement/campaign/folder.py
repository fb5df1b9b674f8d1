"""A campaign folder: one consultation, from the questionnaire to the decision memo.

Layout (created by :func:`init_campaign`)::

    campaign.yaml        the consultation, bank, weights, vendors, evaluators, settings
    private/signing.key  the buyer's signing key: never send it
    questionnaire.json   the frozen questionnaire and its fingerprint (after publication)
    outbox/              one questionnaire per vendor, to send
    responses/           the returned workbooks, as received (never modified)
    reports/             one check report per returned file, to forward to the vendor
    reviews/             one review workbook per evaluator, and agreed.yaml: the scores
                         the lead evaluator set after discussion, with their rationale
    out/                 comparison workbook, decision memo, debrief letters
    audit.jsonl          append-only trail of every file read and written

Every step reads the folder, does its work and appends what it read and wrote to the
audit trail; outputs are written atomically and never replace an earlier result unless
asked to.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ai_procurement.decision.scoring import Settings
from ai_procurement.errors import BankError, CampaignError, Problem
from ai_procurement.questionnaire import Consultation, Questionnaire
from ai_procurement.text import Lang

__all__ = [
    "AgreedScore",
    "AuditTrail",
    "Campaign",
    "CampaignConfig",
    "CampaignError",
    "ProcedureConfig",
    "RobustnessConfig",
    "SignatoryConfig",
    "init_campaign",
    "load_campaign",
]

CONFIG_FILE = "campaign.yaml"
_MAX_AUDIT_BYTES = 256 * 1024 * 1024
"""Largest audit trail read; a campaign's trail is a few hundred lines."""
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
    """Facts about the procedure that the memo reports."""

    procedure_type: str = ""
    published: dt.date | None = None
    place: str = ""
    signatories: tuple[SignatoryConfig, ...] = ()


@attrs.frozen
class AgreedScore:
    """One entry of ``reviews/agreed.yaml``: an agreed level or a reasoned override."""

    vendor: str
    question: str
    rationale: str
    level: int | None = None
    fraction: float | None = None


@attrs.frozen
class CampaignConfig:
    """The content of ``campaign.yaml``."""

    consultation: Consultation
    bank: str
    language: Lang
    vendors: tuple[str, ...]
    evaluators: tuple[str, ...]
    scoring: Settings
    weights: Mapping[str, float] | None = None
    robustness: RobustnessConfig = RobustnessConfig()
    procedure: ProcedureConfig = ProcedureConfig()
    blind_review: bool = True
    lead_evaluator: str | None = None
    key_file: str = "private/signing.key"
    report_date: dt.date | None = None
    format: int = FORMAT


@attrs.define
class AuditTrail:
    """The append-only ``audit.jsonl`` of a campaign."""

    path: Path

    def append(self, event: str, **fields: Any) -> None:
        """Append one event (with the current UTC time) as a JSON line."""
        record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                  "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def records(self) -> list[dict[str, Any]]:
        """Every record so far (an unreadable line is reported as such).

        Raises:
            CampaignError: the trail is not a regular file or is larger than 256 MiB.
        """
        from ai_procurement._office.files import read_bounded
        from ai_procurement.errors import InputError

        if not self.path.exists():
            return []
        try:
            text = read_bounded(self.path, _MAX_AUDIT_BYTES).decode("utf-8", "replace")
        except InputError as exc:
            raise CampaignError(f"{self.path}: cannot read the audit trail: "
                                f"{exc.reason}") from None
        records: list[dict[str, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                records.append(json.loads(line))
            except ValueError:
                records.append({"event": "unreadable-line", "line": number})
        return records


@attrs.frozen
class Campaign:
    """A loaded campaign folder."""

    root: Path
    config: CampaignConfig
    # The bank, once loaded: loading a bank parses and validates its YAML (about half a
    # second for the default bank), and every step needs it.
    loaded_bank: Any = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    @property
    def audit(self) -> AuditTrail:
        """The campaign's audit trail."""
        return AuditTrail(self.root / "audit.jsonl")

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

    def bank(self) -> Any:
        """The (tailored) bank named in ``campaign.yaml``.

        Raises:
            CampaignError: no bundled bank has that name and no such file exists.
            BankError: the bank file is invalid.
        """
        from ai_procurement.bank.files import list_banks, load_bank

        if self.loaded_bank is not None:
            return self.loaded_bank
        name = self.config.bank
        bundled = list_banks()
        if name in bundled:
            return load_bank(name)
        path = self.root / name
        if not path.is_file():
            raise CampaignError(
                f"no bundled bank named {name!r} and no file {path}; name a bundled bank "
                f"({', '.join(bundled)}) or the path of a bank file, relative to the campaign "
                "folder")
        return load_bank(path)

    def questionnaire_path(self) -> Path:
        """Where the frozen questionnaire is kept."""
        return self.root / "questionnaire.json"

    def frozen(self) -> Questionnaire:
        """The questionnaire as published (``questionnaire.json``).

        Raises:
            CampaignError: the questionnaire was not published yet.
        """
        from ai_procurement.questionnaire import load_questionnaire

        path = self.questionnaire_path()
        if not path.exists():
            raise CampaignError(f"{path}: the questionnaire is not published yet; run "
                                "'ai-procurement questionnaire' first")
        return load_questionnaire(path)

    def freeze(self) -> Questionnaire:
        """Freeze the bank with the campaign's weights (not written)."""
        from ai_procurement.questionnaire import freeze

        return freeze(self.bank(), self.config.consultation, self.config.weights)

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

    def agreed_path(self) -> Path:
        """Where the lead evaluator records agreed scores: ``reviews/agreed.yaml``."""
        return self.root / "reviews" / AGREED_FILE

    def agreed(self) -> list[Any]:
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

        path = self.agreed_path()
        if not path.exists():
            return []
        document, problems = load_yaml(_read(path))
        if document is None:
            raise CampaignError(str(BankError(str(path), problems)))
        if document.data is None:
            return []
        entries, problems = structure(document.data, tuple[AgreedScore, ...])
        if entries is None:
            located = [Problem(p.path, p.message, document.line(p.path)) for p in problems]
            raise CampaignError(str(BankError(str(path), located)))
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
        raise CampaignError(f"{path}: no campaign here; create one with "
                            "'ai-procurement init FOLDER'")
    document, problems = load_yaml(_read(path))
    if document is None:
        raise CampaignError(str(BankError(str(path), problems)))
    data = document.data
    if not isinstance(data, dict):
        raise CampaignError(f"{path}: expected a mapping at the top of the file")
    if data.get("format") != FORMAT:
        raise CampaignError(f"{path}: unknown format {data.get('format')!r}; this library "
                            f"reads campaign format {FORMAT}")
    del converter
    config, problems = structure(data, CampaignConfig)
    if config is None:
        located = [Problem(p.path, p.message, p.line or document.line(p.path))
                   for p in problems]
        raise CampaignError(str(BankError(str(path), located)))
    problems = _check(config)
    if problems:
        located = [Problem(p.path, p.message, document.line(p.path)) for p in problems]
        raise CampaignError(str(BankError(str(path), located)))
    try:
        bank = Campaign(root, config).bank()
    except CampaignError as exc:
        raise CampaignError(f"{path}: $.bank{_at(document.line('$.bank'))}: {exc}") from None
    except BankError as exc:
        raise CampaignError(f"{path}: $.bank{_at(document.line('$.bank'))}: cannot load bank "
                            f"{config.bank!r}:\n{exc}") from None
    campaign = Campaign(root, config, loaded_bank=bank)
    if config.weights is not None:
        ids = {c.id for c in bank.criteria}
        wrong = sorted(set(config.weights) ^ ids)
        if wrong:
            raise CampaignError(f"{path}: $.weights{_at(document.line('$.weights'))}: must "
                                f"name every criterion of {bank.id!r} exactly once; check "
                                f"{wrong}")
    return campaign


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
        raise CampaignError(f"{path}: cannot read: {exc.reason}") from None


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


def _check(config: CampaignConfig) -> list[Problem]:
    problems: list[Problem] = []
    if not config.vendors:
        problems.append(Problem("$.vendors", "list at least one vendor"))
    for name, values in (("vendors", config.vendors), ("evaluators", config.evaluators)):
        seen: set[str] = set()
        files: dict[str, str] = {}
        for index, value in enumerate(values):
            if not value.strip():
                problems.append(Problem(f"$.{name}[{index}]", "empty name"))
            if value in seen:
                problems.append(Problem(f"$.{name}[{index}]", f"duplicate name {value!r}"))
                continue
            seen.add(value)
            # Each name gets its own file (outbox/<slug>.xlsx, reviews/<slug>.xlsx): two
            # names with one file name would share, or overwrite, one workbook.
            file = slug(value)
            if file in files:
                problems.append(Problem(
                    f"$.{name}[{index}]",
                    f"{files[file]!r} and {value!r} give the same file name {file!r}.xlsx "
                    "(names are compared without case, accents, punctuation or emoji); "
                    "make them differ in letters or digits"))
            files.setdefault(file, value)
    if config.language not in ("fr", "en"):
        problems.append(Problem("$.language", f"expected 'fr' or 'en', got "
                                f"{config.language!r}"))
    if config.lead_evaluator is not None and config.lead_evaluator not in config.evaluators:
        problems.append(Problem("$.lead_evaluator", f"{config.lead_evaluator!r} is not one of "
                                "the evaluators"))
    r = config.robustness
    if not 100 <= r.samples <= 2_000_000:
        problems.append(Problem("$.robustness.samples", "expected 100 to 2,000,000"))
    if not 0 < r.band <= 1:
        problems.append(Problem("$.robustness.band", "expected a share in (0, 1], e.g. 0.2"))
    return problems


TEMPLATE = """\
# Campaign file of ai_procurement (format 1). Every setting that changes a result is
# written here and recorded with the results.
format: 1
consultation:
  reference: "{reference}"
  title: "{title}"
  buyer: "{buyer}"
  contact: ""
  deadline: {deadline}
bank: {bank}                 # a bundled bank, or the path of your tailoring file
language: {language}                    # language of the questionnaires and the memo
vendors:                         # one personalised questionnaire each
  - Vendor A
  - Vendor B
evaluators:                      # one review workbook each, for free-text answers
  - Evaluator 1
  - Evaluator 2
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
# weights:                       # criterion weights to publish (default: the bank's);
#   LEG: 10                      # name every criterion (ai-procurement banks {bank})
robustness:
  samples: 20000
  seed: 2026
  band: 0.2
  close_call_threshold: 0.02
report_date: null                # date printed on the memo (null: the day of evaluate)
key_file: private/signing.key    # keep this file; never send it
"""


def init_campaign(folder: str | os.PathLike[str], *, bank: str = "ai-territorial",
                  language: Lang = "fr", reference: str = "2027-IA-001",
                  title: str = "Acquisition d'un système d'IA",
                  buyer: str = "Collectivité", force: bool = False) -> Campaign:
    """Create a campaign folder with a commented ``campaign.yaml`` and a signing key.

    Raises:
        CampaignError: the folder already holds a campaign and ``force`` is false.
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.workbooks.signing import new_key, write_key

    root = Path(folder)
    config_path = root / CONFIG_FILE
    if config_path.exists() and not force:
        raise CampaignError(f"{config_path} already exists; refusing to overwrite it")
    for name in ("private", "outbox", "responses", "reports", "reviews", "out"):
        (root / name).mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(reference=reference, title=title, buyer=buyer, bank=bank,
                           language=language, deadline="null")
    write_atomic(config_path, text.encode("utf-8"), overwrite=force)
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


def questionnaire_problem(existing: Questionnaire, new: Questionnaire) -> str | None:
    """Why a new questionnaire may not replace the published one (or None)."""
    if existing.fingerprint == new.fingerprint:
        return None
    return (f"the published questionnaire (fingerprint {existing.fingerprint[:12]}…) differs "
            f"from what campaign.yaml now gives ({new.fingerprint[:12]}…): weights and "
            "questions must not change after publication. Restore the published weights and "
            "bank in campaign.yaml; or, if no vendor has answered yet, publish again with "
            "--force and send every vendor the new questionnaire")

