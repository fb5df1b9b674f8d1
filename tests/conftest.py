"""Fixtures shared by the end-to-end tests: the demo campaign, built once per session.

Running the demo takes several seconds (it publishes, fills, checks, reviews and
evaluates six offers), so it is built once; tests that change a campaign work on a copy
(:func:`tests.campaign_fixtures.copy_campaign`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.campaign_fixtures import DemoRun

from ai_procurement.campaign.demo import run_demo


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    folder = tmp_path_factory.mktemp("session") / "demo-campaign"
    summary = run_demo(folder)
    return DemoRun(folder, summary)


@pytest.fixture(scope="session")
def demo_campaign(demo_run: DemoRun) -> Path:
    """The demo campaign folder: read it, never change it (copy it first)."""
    return demo_run.folder
