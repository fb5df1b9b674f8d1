"""Whole results: each evaluation's outputs replace the previous ones all at once.

A committee must never find a comparison workbook of one run beside memos of another,
whatever stopped a run (``kill -9``, a power cut, a full disk). ``evaluate`` therefore
never writes into the result folder ``out/`` itself. The protocol, with plain folder
renames (no symbolic links, so that it works the same on Windows):

1. **Stage.** Every output is written into ``.out.next/`` beside ``out/`` (a staging
   folder left by an earlier interrupted run is deleted first: it never became the
   results). Each file is written atomically and flushed to disk.
2. **Seal.** ``manifest.json`` is written last into the staged set: the run's id and
   the SHA-256 and size of every other file. A set is *complete* when its manifest is
   there and every file it lists has the listed hash; nothing else is ever used. The
   run's id is the start of a hash of that list: the same inputs give the same bytes.
3. **Switch.** ``out/`` is renamed ``.out.old/``, then ``.out.next/`` is renamed
   ``out/``, and the parent folder is flushed. ``.out.old/`` is then deleted.
4. **Record.** Only then does the audit trail receive the ``write`` record of every
   file of the new set, a ``remove`` record for every file of the old set the new one
   does not have, the run's ``evaluate`` records, and last the ``results-switched``
   record (the run's id, the manifest's hash) that closes the run.

**Recovery** (:func:`recover_results`, run at the start of every ``evaluate`` and by
``verify``), by what the folder holds:

- ``.out.old/`` and ``out/``: the switch was complete; ``.out.old/`` is deleted.
- ``.out.old/`` without ``out/`` (stopped between the two renames): the staged set is
  switched in if it is complete, otherwise the old set is put back.
- ``.out.next/`` alone: an interrupted run's staging; deleted.
- ``out/`` holds a set whose run id no ``results-switched`` record names (stopped
  between the switch and the record): the switch is recorded then, marked
  ``recovered``, so the audit trail always ends up describing the results in place.

Every recovery step is recorded (``results-recovered``). A failed write (a full disk)
stops the run before the switch: ``out/`` is untouched and the error names the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from ai_procurement.errors import CampaignError, OutputError, os_reason
from ai_procurement.text import Text, msg

__all__ = ["MANIFEST", "RESULTS", "ResultSet", "recover_results", "stage_results"]

RESULTS = "out"
"""The result folder, in the campaign folder."""
STAGING = ".out.next"
PREVIOUS = ".out.old"
MANIFEST = "manifest.json"
"""The last file written into a result set: what the set holds, with hashes."""
_FORMAT = 1


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (its renames) to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are journalled
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a result folder, or None when it is missing or unreadable."""
    from ai_procurement._office.files import read_bounded
    from ai_procurement.errors import InputError

    try:
        data = json.loads(read_bounded(folder / MANIFEST, 16 * 1024 * 1024))
    except (InputError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def complete(folder: Path) -> bool:
    """Whether ``folder`` holds a whole result set: its manifest, every file as listed."""
    from ai_procurement._office.files import sha256_file
    from ai_procurement.errors import InputError

    manifest = _manifest(folder)
    if manifest is None:
        return False
    for name, entry in manifest["files"].items():
        try:
            if not isinstance(entry, dict) or sha256_file(folder / name) != entry.get(
                    "sha256"):
                return False
        except InputError:
            return False
    return True


def _files(folder: Path) -> list[str]:
    """The files under ``folder``, relative to it, in sorted POSIX form."""
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@attrs.define
class ResultSet:
    """A result set being staged by one ``evaluate`` run (see the module docstring).

    Write every output under :attr:`folder`, then call :meth:`switch`. Until then the
    results in place (``out/``) are untouched.
    """

    root: Path
    run: str = ""
    """The set's id, the start of a hash of its files' names and hashes (at the switch)."""

    @property
    def folder(self) -> Path:
        """The staging folder: where this run writes its outputs."""
        return self.root / STAGING

    @property
    def final(self) -> Path:
        """The result folder the set becomes."""
        return self.root / RESULTS

    def final_path(self, staged: Path) -> Path:
        """Where a staged file will be once the set is switched in."""
        return self.final / staged.relative_to(self.folder)

    def switch(self, audit: Any, records: Sequence[tuple[str, dict[str, Any]]] = ()
               ) -> tuple[Path, ...]:
        """Make the staged set the results (sealing it first if needed), then record it.

        Args:
            audit: the campaign's audit trail (an object with ``append``).
            records: more (event, fields) records of the run, appended after the files'
                records and before the ``results-switched`` record that closes the run.

        Returns:
            The files of the new result set (under ``out/``), manifest last.

        Raises:
            OutputError: the manifest cannot be written or a folder cannot be renamed;
                the results in place are then the previous ones, whole.
        """
        if not (self.folder / MANIFEST).is_file():
            self.seal()
        names = [n for n in _files(self.folder) if n != MANIFEST]
        old = self.root / PREVIOUS
        before = _files(self.final)
        try:
            if old.exists():
                shutil.rmtree(old)
            if self.final.exists():
                os.replace(self.final, old)
            os.replace(self.folder, self.final)
            _sync_folder(self.root)
        except OSError as exc:
            raise OutputError(msg("cannot switch the results to {final}: {exc_strerror}; the "
                                  "next run puts back a whole result set", final=self.final,
                                  exc_strerror=os_reason(exc))) from None
        shutil.rmtree(old, ignore_errors=True)
        after = [*names, MANIFEST]
        _record(self.root, audit, self.run, after, before, recovered=False,
                records=records)
        return tuple(self.final / n for n in after)

    def seal(self) -> None:
        """Write the manifest, last, into the staged set (see the module docstring).

        Raises:
            OutputError: it cannot be written (a full disk): the message names it.
        """
        from ai_procurement._office.files import sha256_file, write_atomic

        names = [n for n in _files(self.folder) if n != MANIFEST]
        files = {n: {"sha256": sha256_file(self.folder / n),
                     "size": (self.folder / n).stat().st_size} for n in names}
        # Named after its content: the same inputs give the same results, byte for byte,
        # manifest included.
        self.run = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
        manifest = {"format": _FORMAT, "run": self.run, "files": files}
        write_atomic(self.folder / MANIFEST, (json.dumps(
            manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"), overwrite=False)
        _sync_folder(self.folder)


def _record(root: Path, audit: Any, run: str, after: Sequence[str],
            before: Sequence[str], *, recovered: bool,
            records: Sequence[tuple[str, dict[str, Any]]] = ()) -> None:
    """Append the audit records of a switch, ``results-switched`` last.

    First the new files, the old files gone and the run's own records; a run without
    its closing record was stopped before the end: :func:`recover_results` records it.
    """
    from ai_procurement._office.files import sha256_file

    final = root / RESULTS
    for name in after:
        path = final / name
        audit.append("write", file=f"{RESULTS}/{name}", sha256=sha256_file(path),
                     size=path.stat().st_size, run=run)
    for name in sorted(set(before) - set(after)):
        audit.append("remove", file=f"{RESULTS}/{name}", run=run,
                     reason="not in the result set that replaced it")
    for event, fields in records:
        audit.append(event, run=run, **fields)
    audit.append("results-switched", run=run, folder=RESULTS, recovered=recovered,
                 manifest_sha256=sha256_file(final / MANIFEST))


def stage_results(root: Path) -> ResultSet:
    """Start a new result set for one run: an empty staging folder beside ``out/``.

    Raises:
        OutputError: the staging folder cannot be made.
    """
    result = ResultSet(root)
    try:
        if result.folder.exists():
            shutil.rmtree(result.folder)
        result.folder.mkdir()
    except OSError as exc:
        raise OutputError(msg("cannot make {result_folder}: {exc_strerror}",
                              result_folder=result.folder, exc_strerror=os_reason(exc))) from None
    return result


def recover_results(root: Path, audit: Any) -> list[Text]:
    """Bring ``out/`` back to one whole, recorded result set after an interrupted run.

    See the module docstring for each case. Returns what was done, one line per step
    (each is also recorded in the audit trail); empty when nothing was needed.

    Raises:
        CampaignError: a folder cannot be renamed or removed (the message names it).
    """
    final, staged, old = root / RESULTS, root / STAGING, root / PREVIOUS
    done: list[Text] = []
    try:
        if old.exists() and not final.exists():
            if complete(staged):
                os.replace(staged, final)
                done.append(msg("{STAGING}: a whole result set, interrupted while switched in; "
                                "switch completed", STAGING=STAGING))
            else:
                os.replace(old, final)
                done.append(msg("{PREVIOUS}: the previous results, put back (the run that was "
                                "replacing them was interrupted)", PREVIOUS=PREVIOUS))
            _sync_folder(root)
        if old.exists():
            shutil.rmtree(old)
            done.append(msg("{PREVIOUS}: the replaced results, deleted (switch completed)",
                            PREVIOUS=PREVIOUS))
        if staged.exists():
            shutil.rmtree(staged)
            done.append(msg("{STAGING}: the partial outputs of an interrupted run, deleted (they "
                            "never became the results)", STAGING=STAGING))
    except OSError as exc:
        raise CampaignError(msg("{exc_filename_or_root}: cannot recover the result folder "
                                "({exc_strerror}); close any program using it and run again",
                                exc_filename_or_root=exc.filename or root,
                                exc_strerror=os_reason(exc))) from None
    for line in done:
        audit.append("results-recovered", note=line.en)
    unrecorded = unrecorded_run(root, audit)
    if unrecorded is not None:
        before = [str(r.get("file", ""))[len(RESULTS) + 1:] for r in _live_outputs(audit)]
        _record(root, audit, unrecorded, _files(final), before, recovered=True)
        done.append(msg("{RESULTS}: result set of run {unrecorded} was switched in but not "
                        "recorded (interrupted); recorded now", RESULTS=RESULTS,
                        unrecorded=unrecorded))
    return done


def unrecorded_run(root: Path, audit: Any) -> str | None:
    """The id of the results in ``out/``, when the last switch recorded is not theirs.

    That is a run stopped between its switch and its record. None when ``out/`` holds
    no complete result set (results from before result sets existed) or it is recorded.
    """
    final = root / RESULTS
    manifest = _manifest(final)
    if manifest is None or not complete(final):
        return None
    run = str(manifest.get("run", ""))
    switched = [r for r in audit.records() if r.get("event") == "results-switched"]
    return None if switched and switched[-1].get("run") == run else run


def _live_outputs(audit: Any) -> list[dict[str, Any]]:
    """The ``write`` records of files under ``out/`` not removed since."""
    live: dict[str, dict[str, Any]] = {}
    for record in audit.records():
        name = str(record.get("file", ""))
        if not name.startswith(f"{RESULTS}/"):
            continue
        if record.get("event") == "write":
            live[name] = record
        elif record.get("event") == "remove":
            live.pop(name, None)
    return list(live.values())
