"""One writer at a time: the campaign lock.

Two steps that write the same campaign at once (two ``evaluate`` runs started from two
terminals, a notebook and the command line) could leave a comparison workbook from one
run beside memos of the other. Every command that writes a campaign holds its lock:
``.lock`` in the campaign folder, locked with the operating system's advisory file
lock, so that a process that dies (even by ``kill -9``) releases it at once and no stale
lock can remain. The file also says who holds the lock and since when, so that a second
run names them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ai_procurement.errors import CampaignError

__all__ = ["LOCK_FILE", "campaign_lock"]

LOCK_FILE = ".lock"


_HELD: set[Path] = set()
"""Campaign folders whose lock this process holds."""


@contextmanager
def campaign_lock(folder: str | os.PathLike[str], command: str, *,
                  reentrant: bool = False) -> Iterator[None]:
    """Hold the campaign's lock while the block runs.

    Args:
        folder: the campaign folder.
        command: what is running, recorded for whoever finds the lock held.
        reentrant: when this process already holds the lock (a library step called by
            a command that holds it), run the block under that hold instead of refusing.

    Raises:
        CampaignError: another process holds the lock (or, without ``reentrant``, this
            one); the message names it (process, command, since when).
    """
    import fcntl

    held = Path(folder).resolve()
    if reentrant and held in _HELD:
        yield
        return
    path = Path(folder) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            raise CampaignError(
                f"{Path(folder)}: the campaign is in use by another run ({holder}); wait for "
                "it to finish, then run again (one writer at a time)") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": command, "since": dt.datetime.now(
            dt.UTC).isoformat(timespec="seconds")}).encode())
        _HELD.add(held)
        try:
            yield
        finally:
            _HELD.discard(held)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it."""
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return (f"process {int(data['pid'])}, '{str(data['command'])[:80]}', since "
                f"{str(data['since'])[:32]}")
    except (OSError, ValueError, KeyError, TypeError):
        return "process unknown"
