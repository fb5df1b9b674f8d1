"""One writer at a time: a second run on a campaign in use is refused, naming the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ai_procurement.campaign.lock import LOCK_FILE, campaign_lock
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
    start = time.perf_counter()
    with campaign_lock(tmp_path, "after the crash"):
        pass
    assert time.perf_counter() - start < 1


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
