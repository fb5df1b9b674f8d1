"""One writer at a time: a second run on a campaign in use is refused, naming the first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import types
from pathlib import Path
from typing import Any

import pytest

from ai_procurement.campaign.lock import (
    LOCK_FILE,
    LOCKED_BYTE,
    FcntlLocking,
    MsvcrtLocking,
    campaign_lock,
    platform_locking,
)
from ai_procurement.errors import CampaignError


def test_a_second_writer_is_refused_naming_the_first(tmp_path: Path) -> None:
    with campaign_lock(tmp_path, "ai-procurement evaluate"):
        with pytest.raises(CampaignError) as info, campaign_lock(tmp_path,
                                                                   "ai-procurement check"):
            pass
        message = str(info.value)
        assert f"process {os.getpid()}" in message
        assert "'ai-procurement evaluate'" in message
    with campaign_lock(tmp_path, "ai-procurement check"):  # released: free again
        pass


def test_a_run_refused_before_the_holder_wrote_its_note_waits_for_it(tmp_path: Path) -> None:
    # Two runs started at the same instant: the second may find the lock taken and the
    # holder's note not yet written; it waits for the note rather than name no one.
    fd = os.open(tmp_path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        assert FcntlLocking().acquire(fd)
        note = json.dumps({"pid": 4242, "command": "ai-procurement evaluate",
                           "since": "2026-12-07T02:00:00+00:00"}).encode()
        writer = threading.Timer(0.1, os.write, (fd, note))
        writer.start()
        with pytest.raises(CampaignError) as info, campaign_lock(tmp_path, "second"):
            pass
        writer.join()
        assert info.value.text.fr.endswith(
            "(processus 4242, « ai-procurement evaluate », depuis 2026-12-07T02:00:00+00:00) ; "
            "attendez qu'elle se termine, puis relancez (une seule écriture à la fois)")
        assert "(process 4242, 'ai-procurement evaluate', since 2026" in info.value.text.en
    finally:
        os.close(fd)


def test_a_run_refused_as_the_holder_leaves_takes_the_lock(tmp_path: Path) -> None:
    # The holder clears its note, then releases the lock: a run refused in between
    # finds no note, and takes the lock once it is free instead of naming no one.
    fd = os.open(tmp_path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    locking = FcntlLocking()
    try:
        assert locking.acquire(fd)
        leaving = threading.Timer(0.1, locking.release, (fd,))
        leaving.start()
        with campaign_lock(tmp_path, "second"):
            note = json.loads((tmp_path / LOCK_FILE).read_bytes())
            assert note["command"] == "second"
        leaving.join()
    finally:
        os.close(fd)


def test_a_holder_that_never_writes_its_note_is_an_unknown_process(tmp_path: Path) -> None:
    fd = os.open(tmp_path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        assert FcntlLocking().acquire(fd)
        os.write(fd, b'{"pid": "\\u202e\\n' + b"x" * 5000)  # cut short, not JSON
        with pytest.raises(CampaignError) as info, campaign_lock(tmp_path, "second"):
            pass
        assert "(processus inconnu)" in info.value.text.fr
        assert "(process unknown)" in info.value.text.en
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a POSIX fork")
def test_a_forked_worker_does_not_keep_a_killed_holders_lock(tmp_path: Path) -> None:
    # The reading workers are forked while the lock is held; when the holder is killed,
    # a worker still running must not keep the campaign locked.
    # Each line in one write: the two processes share the pipe, and a print() may write
    # its text and its line end apart (unbuffered, PYTHONUNBUFFERED), interleaving them.
    code = ("import os, sys, time; from ai_procurement.campaign.lock import campaign_lock\n"
            "with campaign_lock(sys.argv[1], 'held'):\n"
            "    if os.fork() == 0:\n"
            "        os.write(1, b'worker\\n'); time.sleep(30); os._exit(0)\n"
            "    os.write(1, b'locked\\n'); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                             stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert child.stdout is not None
        # Both started (the worker's fork handlers have run once it prints).
        assert {child.stdout.readline().strip() for _ in range(2)} == {"locked", "worker"}
        with pytest.raises(CampaignError, match="in use by another run"), campaign_lock(
                tmp_path, "second"):
            pass
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        with campaign_lock(tmp_path, "while the forked worker still runs"):
            pass
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the forked worker too
        assert child.stdout is not None
        child.stdout.close()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    code = ("import sys, time; from ai_procurement.campaign.lock import campaign_lock\n"
            "with campaign_lock(sys.argv[1], 'held'):\n"
            "    print('locked', flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(CampaignError, match="in use by another run"), campaign_lock(
                tmp_path, "second"):
            pass
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.stdout is not None
        child.stdout.close()
    assert (tmp_path / LOCK_FILE).exists()  # the file stays; the lock died with its holder
    with campaign_lock(tmp_path, "after the crash"):  # taken without waiting, or refused
        pass


def test_a_library_step_under_a_command_that_holds_the_lock_runs(tmp_path: Path) -> None:
    with campaign_lock(tmp_path, "ai-procurement evaluate"):
        with campaign_lock(tmp_path, "evaluate_campaign", reentrant=True):
            pass  # the command's own hold covers the library step
        with pytest.raises(CampaignError), campaign_lock(tmp_path, "ai-procurement check"):
            pass  # a second writer is still refused
    with campaign_lock(tmp_path, "evaluate_campaign", reentrant=True), pytest.raises(
            CampaignError, match="'evaluate_campaign'"), campaign_lock(
            tmp_path, "ai-procurement check"):
        pass


class FakeMsvcrt:
    """What Windows' msvcrt.locking does: a byte range locked per file, refused elsewhere."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        self.held: dict[tuple[int, int, int], int] = {}  # (device, inode, offset) -> fd
        self.calls: list[tuple[int, int]] = []  # (mode, offset)

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        assert nbytes == 1
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        info = os.fstat(fd)
        region = (info.st_dev, info.st_ino, offset)
        self.calls.append((mode, offset))
        if mode == self.LK_UNLCK:
            del self.held[region]
        elif region in self.held:
            raise PermissionError(13, "Permission denied")
        else:
            self.held[region] = fd


def test_on_windows_the_lock_is_msvcrt_and_names_its_holder(tmp_path: Path) -> None:
    fake = FakeMsvcrt()
    windows = MsvcrtLocking(fake)
    with campaign_lock(tmp_path, "ai-procurement evaluate", locking=windows):
        with pytest.raises(CampaignError) as info, campaign_lock(
                tmp_path, "ai-procurement check", locking=windows):
            pass
        assert f"process {os.getpid()}" in str(info.value)  # the note stays readable
        assert "'ai-procurement evaluate'" in str(info.value)
    assert not fake.held  # released on leaving
    with campaign_lock(tmp_path, "ai-procurement check", locking=windows):
        pass
    # The locked byte sits past the holder's note: Windows hides a locked region.
    assert {offset for _, offset in fake.calls} == {LOCKED_BYTE}
    assert (tmp_path / LOCK_FILE).stat().st_size < LOCKED_BYTE


def test_the_platform_chooses_msvcrt_on_windows_and_fcntl_elsewhere() -> None:
    loaded: list[str] = []
    module: Any = types.SimpleNamespace(locking=None)

    def load(name: str) -> Any:
        loaded.append(name)
        return module

    windows = platform_locking("win32", load)
    assert isinstance(windows, MsvcrtLocking)
    assert windows.msvcrt is module
    assert loaded == ["msvcrt"]
    assert isinstance(platform_locking("linux", load), FcntlLocking)
    assert isinstance(platform_locking("darwin", load), FcntlLocking)
    assert loaded == ["msvcrt"]
