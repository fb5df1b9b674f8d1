"""One writer at a time: the campaign lock.

Two steps that write the same campaign at once (two ``evaluate`` runs started from two
terminals, a notebook and the command line) could leave a comparison workbook from one
run beside memos of the other. Every command that writes a campaign holds its lock:
``.lock`` in the campaign folder, locked with the operating system's advisory file
lock (``fcntl.flock``; on Windows ``msvcrt.locking`` of one byte far past the holder's
note, which Windows keeps unreadable to others while locked), so that a process that dies
(even by ``kill -9``) releases it at once and no stale lock can remain. The file also
says who holds the lock and since when, so that a second run names them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import attrs

from ai_procurement.errors import CampaignError
from ai_procurement.text import Text, msg, visible

__all__ = ["LOCK_FILE", "FcntlLocking", "Locking", "MsvcrtLocking", "campaign_lock",
           "platform_locking"]

LOCK_FILE = ".lock"

LOCKED_BYTE = 1 << 20
"""Where the Windows lock sits: past the holder's note, so that the note stays readable."""


class Locking(Protocol):
    """The operating system's advisory lock on an open file (the seam tests replace)."""

    def acquire(self, fd: int) -> bool:
        """Take the lock without waiting; False when another holds it."""

    def release(self, fd: int) -> None:
        """Give the lock back."""


@attrs.frozen
class FcntlLocking:
    """``fcntl.flock`` (Linux, macOS, other POSIX systems)."""

    def acquire(self, fd: int) -> bool:
        """Take the lock without waiting; False when another holds it."""
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self, fd: int) -> None:
        """Give the lock back."""
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


@attrs.frozen
class MsvcrtLocking:
    """``msvcrt.locking`` (Windows) of one byte at :data:`LOCKED_BYTE`.

    ``msvcrt`` is the module (given, so that the branch can be tested anywhere): a
    region Windows locks cannot be read by another process, so the lock sits past the
    holder's note rather than on it. Windows releases it when its holder dies.
    """

    msvcrt: Any

    def acquire(self, fd: int) -> bool:
        """Take the lock without waiting; False when another holds it."""
        os.lseek(fd, LOCKED_BYTE, os.SEEK_SET)
        try:
            self.msvcrt.locking(fd, self.msvcrt.LK_NBLCK, 1)
        except OSError:  # PermissionError (EACCES) or EDEADLOCK: held elsewhere
            return False
        return True

    def release(self, fd: int) -> None:
        """Give the lock back."""
        os.lseek(fd, LOCKED_BYTE, os.SEEK_SET)
        self.msvcrt.locking(fd, self.msvcrt.LK_UNLCK, 1)


def platform_locking(platform: str = sys.platform,
                     load: Callable[[str], Any] | None = None) -> Locking:
    """The advisory lock of ``platform`` (``sys.platform``): msvcrt on Windows, else fcntl.

    ``load`` imports a module by name (``importlib.import_module`` by default).
    """
    if platform == "win32":
        import importlib

        return MsvcrtLocking((load or importlib.import_module)("msvcrt"))
    return FcntlLocking()


_HELD: set[Path] = set()
"""Campaign folders whose lock this process holds."""

_LOCK_FDS: set[int] = set()
"""The open lock files of the locks this process holds."""


def _drop_inherited_locks() -> None:
    """In a forked child (a reading worker): close the lock files inherited from the parent.

    ``flock`` belongs to the open file, which a fork shares: a worker still reading
    when its parent is killed would otherwise keep the campaign locked until it ends.
    Closing the child's copy leaves the parent's lock as it is (no unlock here).
    """
    for fd in _LOCK_FDS:
        with contextlib.suppress(OSError):  # already closed by the child's own code
            os.close(fd)
    _LOCK_FDS.clear()
    _HELD.clear()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextmanager
def campaign_lock(folder: str | os.PathLike[str], command: str, *,
                  reentrant: bool = False, locking: Locking | None = None) -> Iterator[None]:
    """Hold the campaign's lock while the block runs.

    Args:
        folder: the campaign folder.
        command: what is running, recorded for whoever finds the lock held.
        reentrant: when this process already holds the lock (a library step called by
            a command that holds it), run the block under that hold instead of refusing.
        locking: the operating system's lock to use; None takes the platform's
            (:func:`platform_locking`).

    Raises:
        CampaignError: another process holds the lock (or, without ``reentrant``, this
            one); the message names it (process, command, since when).
    """
    lock = locking if locking is not None else platform_locking()
    held = Path(folder).resolve()
    if reentrant and held in _HELD:
        yield
        return
    path = Path(folder) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        holder = None if lock.acquire(fd) else _holder(fd, lock)
        if holder is not None:
            raise CampaignError(msg("{Path_folder}: the campaign is in use by "
                                    "another run ({holder}); wait for it to finish, "
                                    "then run again (one writer at a time)",
                                    Path_folder=Path(folder), holder=holder)) from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": command, "since": dt.datetime.now(
            dt.UTC).isoformat(timespec="seconds")}).encode())
        _HELD.add(held)
        _LOCK_FDS.add(fd)
        try:
            yield
        finally:
            _HELD.discard(held)
            _LOCK_FDS.discard(fd)
            os.ftruncate(fd, 0)
            lock.release(fd)
    finally:
        os.close(fd)


NOTE_WAIT = 1.0
"""Seconds a refused run waits for the holder's note (written just after the lock is taken)."""


def _holder(fd: int, lock: Locking, wait: float = NOTE_WAIT) -> Text | None:
    """Who holds the lock, as its holder wrote it; None once it is free and taken.

    A run refused in the instant between its rival taking the lock and writing its note,
    or clearing it on the way out, reads an empty file: it looks again every 10 ms for up
    to ``wait`` seconds, and takes the lock if it has been released meanwhile.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            os.lseek(fd, 0, os.SEEK_SET)  # no os.pread on Windows
            data = json.loads(os.read(fd, 4096) or b"{}")
            return msg("process {pid}, '{command}', since {since}", pid=int(data["pid"]),
                       command=visible(str(data["command"])[:80]),
                       since=visible(str(data["since"])[:32]))
        except (OSError, ValueError, KeyError, TypeError):
            if lock.acquire(fd):
                return None
            if time.monotonic() >= deadline:
                return msg("process unknown")
            time.sleep(0.01)
