"""Whole results: whatever stops ``evaluate``, ``out/`` holds one complete result set.

Fault tests on copies of the demo campaign: ``kill -9`` of a real ``ai-procurement
evaluate`` process at seeded random moments, two runs at once, a full disk; and each
crash state of the switch protocol (campaign/results.py), recovered.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from tests.campaign_fixtures import copy_campaign

from ai_procurement._office import files
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.results import (
    MANIFEST,
    PREVIOUS,
    STAGING,
    recover_results,
    stage_results,
)
from ai_procurement.campaign.verify import verify_campaign
from ai_procurement.campaign.workflow import evaluate_campaign
from ai_procurement.cli import main
from ai_procurement.errors import OutputError

SRC = Path(__file__).resolve().parents[2] / "src"


def result_set(folder: Path) -> dict[str, str]:
    """The files of ``folder/out`` with their hashes, after checking it is whole.

    Whole: the manifest is there, lists every other file with its hash, and nothing
    else is in the folder (a mix of two runs cannot pass).
    """
    out = folder / "out"
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    found = {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}
    listed = {name: entry["sha256"] for name, entry in manifest["files"].items()}
    assert found == listed
    return found


def audit_events(folder: Path) -> list[dict[str, Any]]:
    return load_campaign(folder).audit.records()


def switches(folder: Path) -> list[dict[str, Any]]:
    return [r for r in audit_events(folder) if r.get("event") == "results-switched"]


def command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "ai_procurement.cli", "evaluate", str(folder), "--force"]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


@pytest.fixture
def campaign(demo_campaign: Path, tmp_path: Path) -> Path:
    return copy_campaign(demo_campaign, tmp_path / "demo")


def test_kill_9_at_random_moments_leaves_a_whole_result_set(campaign: Path) -> None:
    expected = set(result_set(campaign))  # the demo's own evaluation, sealed
    assert {"lot-1/memo-fr.docx", "lot-2/comparison.xlsx", "memo-en.docx"} <= expected
    started = time.monotonic()
    subprocess.run(command(campaign), env=environment(), check=True,
                   stdout=subprocess.DEVNULL)
    duration = time.monotonic() - started  # a whole run, on this machine, now
    rng = random.Random(20261206)
    outcomes: list[str] = []
    # Up to 12 trials; on a busy machine, no new trial after 45 s once 6 are done.
    while len(outcomes) < 12 and (len(outcomes) < 6 or time.monotonic() - started < 45):
        before = len(switches(campaign))
        child = subprocess.Popen(command(campaign), env=environment(),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        child.kill()
        child.wait()
        # Before any recovery, either out/ is whole, or the crash came between the two
        # renames of the switch and the old set waits beside the staged one.
        if not (campaign / "out").exists():
            assert (campaign / PREVIOUS).is_dir()
        assert main(["verify", str(campaign)]) == 0  # recovers, then finds nothing broken
        assert set(result_set(campaign)) == expected
        assert not (campaign / STAGING).exists()
        assert not (campaign / PREVIOUS).exists()
        assert verify_campaign(load_campaign(campaign)) == []
        manifest = json.loads((campaign / "out" / MANIFEST).read_text("utf-8"))
        assert switches(campaign)[-1]["run"] == manifest["run"]  # names the set in place
        outcomes.append("new" if len(switches(campaign)) > before else "old")
    assert "old" in outcomes  # some runs were stopped midway, and left the old set whole


def test_two_evaluations_at_once_one_is_refused_naming_the_other(campaign: Path) -> None:
    first = subprocess.Popen(command(campaign), env=environment(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command(campaign), env=environment(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors = [child.communicate()[1] for child in (first, second)]
    outcomes = sorted(zip([first.returncode, second.returncode], errors, strict=True))
    assert outcomes[0][0] == 0
    assert outcomes[1][0] != 0
    assert "la campagne est utilisée par une autre exécution (processus" in outcomes[1][1]
    assert "ai-procurement evaluate" in outcomes[1][1]
    result_set(campaign)
    assert verify_campaign(load_campaign(campaign)) == []


def test_a_full_disk_names_the_file_and_keeps_the_previous_results(
        campaign: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = result_set(campaign)
    real_mkstemp = tempfile.mkstemp

    def full_disk(*args: Any, **kwargs: Any) -> tuple[int, str]:
        # The English memos find the disk full (ENOSPC), in whichever process writes them.
        fd, name = real_mkstemp(*args, **kwargs)
        if STAGING in name and "memo-en" in name:
            os.close(fd)
            return os.open("/dev/full", os.O_WRONLY), name
        return fd, name

    monkeypatch.setattr(files.tempfile, "mkstemp", full_disk)
    with pytest.raises(OutputError) as caught:
        evaluate_campaign(load_campaign(campaign), force=True)
    message = str(caught.value)
    assert "the disk is full: free some space, then run again" in message
    assert "memo-en.docx: the disk is full" in message  # a lot's, or the report of both
    assert "left as they were" in message
    assert result_set(campaign) == before
    assert not (campaign / STAGING).exists()
    assert verify_campaign(load_campaign(campaign)) == []


def test_a_crash_between_the_two_renames_is_completed_or_rolled_back(
        campaign: Path) -> None:
    before = result_set(campaign)
    loaded = load_campaign(campaign)
    # Staged set incomplete (no manifest): the old set is put back.
    staged = stage_results(campaign)
    (staged.folder / "memo-fr.docx").write_bytes(b"half")
    os.replace(campaign / "out", campaign / PREVIOUS)
    done = recover_results(campaign, loaded.audit)
    assert "put back" in done[0].en
    assert "remis en place" in done[0].fr
    assert result_set(campaign) == before
    assert not (campaign / STAGING).exists()
    # Staged set sealed: the switch is completed, then recorded as recovered.
    shutil.copytree(campaign / "out", campaign / STAGING)
    manifest = json.loads((campaign / STAGING / MANIFEST).read_text("utf-8"))
    manifest["run"] = "crashed-run"
    (campaign / STAGING / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    os.replace(campaign / "out", campaign / PREVIOUS)
    found = verify_campaign(loaded)
    assert [d.kind for d in found][:2] == ["interrupted", "interrupted"]
    done = recover_results(campaign, loaded.audit)
    assert "switch completed" in done[0].en
    assert "crashed-run" in done[-1].en
    assert result_set(campaign) == before
    last = loaded.audit.records()[-1]
    assert (last["event"], last["run"], last["recovered"]) == (
        "results-switched", "crashed-run", True)
    assert verify_campaign(loaded) == []


def test_evaluate_never_replaces_a_file_the_buyer_put_in_out(campaign: Path) -> None:
    note = campaign / "out" / "lot-1" / "notes-du-comite.txt"
    note.write_text("à garder", "utf-8")
    assert main(["evaluate", str(campaign), "--force"]) != 0
    assert note.read_text("utf-8") == "à garder"


def test_a_file_size_limit_stops_a_real_run_naming_the_file(campaign: Path) -> None:
    """The kernel refuses the write (RLIMIT_FSIZE), as a full disk would, mid-run."""
    import resource
    import signal

    before = result_set(campaign)
    limit = (campaign / "audit.jsonl").stat().st_size + 40_000  # the audit trail still grows

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    ran = subprocess.run(command(campaign), env=environment(),
                         preexec_fn=limited, capture_output=True, text=True, check=False)
    assert ran.returncode == 5
    assert ("comparison.xlsx : le fichier est plus grand que le système ne le permet"
            in ran.stderr)
    assert "restent tels qu'ils étaient, complets" in ran.stderr
    assert result_set(campaign) == before
    assert not (campaign / STAGING).exists()
    assert verify_campaign(load_campaign(campaign)) == []
