"""Has anything changed since it was recorded? Every file of the audit trail, re-hashed.

A committee signs a memo months after the offers arrived; a judge may ask whether the
files it rests on are those that were read. :func:`verify_campaign` re-hashes every
file the audit trail recorded (returned workbooks, review workbooks, the register of
offers, outputs) and reports what changed, what disappeared, and what is in the campaign
folders without ever having been recorded.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ai_procurement.campaign.folder import Campaign
from ai_procurement.text import Lang, msg, pmsg, visible

__all__ = ["Discrepancy", "verify_campaign"]

_EVENTS = ("read", "write", "open")
_FOLDERS = ("responses", "reviews", "outbox", "out", "reports")


@attrs.frozen
class Discrepancy:
    """A file whose state differs from what the audit trail recorded.

    Attributes:
        file: the file, relative to the campaign folder.
        kind: ``"changed"`` (other bytes than recorded), ``"missing"`` (recorded, now
            gone), ``"unrecorded"`` (in a campaign folder, never recorded) or
            ``"interrupted"`` (an ``evaluate`` run stopped before its results were
            switched in or recorded; the next ``evaluate`` or ``verify`` command recovers
            it, see :mod:`ai_procurement.campaign.results`).
        recorded: the SHA-256 last recorded, if any.
        current: the SHA-256 now, if the file exists.
    """

    file: str
    kind: Literal["changed", "missing", "unrecorded", "interrupted"]
    recorded: str = ""
    current: str = ""

    def describe(self, lang: Lang) -> str:
        """One line for the command line, in ``lang``."""
        word = {"changed": pmsg("verify", "CHANGED"), "missing": pmsg("verify", "MISSING"),
                "unrecorded": pmsg("verify", "UNRECORDED"),
                "interrupted": pmsg("verify", "INTERRUPTED")}[self.kind].get(lang)
        detail = ""
        if self.kind == "changed":
            detail = msg(" (recorded {recorded}…, now {current}…)",
                         recorded=self.recorded[:16], current=self.current[:16]).get(lang)
        return visible(f"{word:15} {self.file}{detail}")


def verify_campaign(campaign: Campaign) -> list[Discrepancy]:
    """Compare every file the audit trail recorded with the file as it is now.

    Returns:
        The discrepancies: first what an interrupted ``evaluate`` run left (a staging
        folder, a set switched in but not recorded), then, by file name, changed and
        missing files (the last record of
        each file is what counts; a file the tool removed is not missing), then files
        of ``responses/``, ``reviews/``, ``outbox/``, ``out/`` and ``reports/`` that no
        record names.
    """
    from ai_procurement._office.files import sha256_file

    last: dict[str, str] = {}
    for record in campaign.audit.records():
        name, digest = record.get("file"), record.get("sha256")
        if record.get("event") == "moved-aside":
            _moved_aside(record, last)
        elif record.get("event") == "remove" and isinstance(name, str):
            last.pop(name, None)
        elif record.get("event") in _EVENTS and isinstance(name, str) \
                and isinstance(digest, str):
            last[name] = digest
    found = _interrupted(campaign)
    for name, digest in sorted(last.items()):
        path = campaign.root / name
        if not path.is_file():
            found.append(Discrepancy(name, "missing", digest))
            continue
        current = sha256_file(path)
        if digest and current != digest:
            found.append(Discrepancy(name, "changed", digest, current))
    for folder in _FOLDERS:
        base = campaign.root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            name = path.relative_to(campaign.root).as_posix()
            if path.is_file() and name not in last and not path.name.startswith(
                    (".", "~$")):
                found.append(Discrepancy(name, "unrecorded", "", sha256_file(path)))
    return found


def _moved_aside(record: dict[str, Any], last: dict[str, str]) -> None:
    """A check letter moved to ``reports/archive/``: known there, no longer at its source.

    Records written before the move carried SHA-256 (``sha256``) are checked from then
    on; older ones name the archived file only, so it is not reported as unrecorded.
    """
    digests = record.get("sha256")
    digests = digests if isinstance(digests, dict) else {}
    for source in record.get("sources") or ():
        if isinstance(source, str):
            last.pop(source, None)
    for name in record.get("files") or ():
        if isinstance(name, str):
            digest = digests.get(name)
            last[name] = digest if isinstance(digest, str) else ""


def _interrupted(campaign: Campaign) -> list[Discrepancy]:
    """What an ``evaluate`` run stopped by a crash left (see campaign/results.py)."""
    from ai_procurement.campaign.results import PREVIOUS, RESULTS, STAGING, unrecorded_run

    found = [Discrepancy(name, "interrupted") for name in (STAGING, PREVIOUS)
             if (campaign.root / name).exists()]
    if not found:
        run = unrecorded_run(campaign.root, campaign.audit)
        if run is not None:
            found.append(Discrepancy(f"{RESULTS}/ (run {run})", "interrupted"))
    return found
