"""Reading returned files on every core gives what reading them one by one gives."""

from __future__ import annotations

from pathlib import Path

from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.reading import POOL_THRESHOLD, FileToRead, read_responses


def test_a_pool_reads_the_files_as_one_process_does_in_the_same_order(
        demo_campaign: Path) -> None:
    campaign = load_campaign(demo_campaign)
    questionnaires = {lot.id: campaign.frozen(lot) for lot in campaign.lots()}
    # Every file first read for lot 1: files of lot 2 find their lot by trying it.
    files = [FileToRead(path, "1", None, ("2",)) for path in campaign.response_files()]
    assert len(files) >= POOL_THRESHOLD
    alone = list(read_responses(files, questionnaires, campaign.key(), workers=1))
    pooled = list(read_responses(files, questionnaires, campaign.key(), workers=2))
    assert pooled == alone
    assert {lot for lot, _ in alone} == {"1", "2"}
    assert [r.file for _, r in pooled] == [p.name for p in campaign.response_files()]
