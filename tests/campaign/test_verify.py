"""verify: every file the audit trail recorded, re-hashed; what changed is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.campaign_fixtures import copy_campaign

from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.verify import verify_campaign
from ai_procurement.cli import main


def test_the_demo_as_written_is_intact(demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    assert verify_campaign(load_campaign(folder)) == []


def test_a_changed_a_missing_and_an_unrecorded_file_are_each_named(
        demo_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    (folder / "responses" / "gwenn-ia-lot-2.xlsx").write_bytes(b"edited after opening")
    (folder / "out" / "lot-1" / "memo-fr.docx").unlink()
    (folder / "responses" / "late-addition.xlsx").write_bytes(b"never opened")
    found = {(d.file, d.kind) for d in verify_campaign(load_campaign(folder))}
    assert found == {("responses/gwenn-ia-lot-2.xlsx", "changed"),
                     ("out/lot-1/memo-fr.docx", "missing"),
                     ("responses/late-addition.xlsx", "unrecorded")}
    assert main(["--lang", "en", "verify", str(folder)]) == 1
    out = capsys.readouterr()
    assert "CHANGED         responses/gwenn-ia-lot-2.xlsx (recorded " in out.out
    assert "2 files changed or gone" in out.err


def test_a_torn_last_line_of_the_audit_trail_is_fenced_never_built_upon(
        demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    trail = folder / "audit.jsonl"
    whole = trail.read_bytes()
    trail.write_bytes(whole + b'{"event": "write", "file": "out/x.docx", "sha')  # disk full
    campaign = load_campaign(folder)
    campaign.audit.append("verify")
    lines = trail.read_bytes()[len(whole):].decode().splitlines()
    assert lines[0] == '{"event": "write", "file": "out/x.docx", "sha'  # kept as it was
    assert '"event": "torn-line-fenced"' in lines[1]
    assert '"event": "verify"' in lines[2]
    events = [r["event"] for r in campaign.audit.records()]
    assert events[-3:] == ["unreadable-line", "torn-line-fenced", "verify"]
