"""Fixtures shared by the end-to-end tests: the demo campaign, built once per session.

Running the demo takes several seconds (it publishes, fills, checks, reviews and
evaluates six offers), so it is built once; tests that change a campaign work on a copy
(:func:`tests.campaign_fixtures.copy_campaign`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.campaign_fixtures import DemoRun

from ai_procurement.campaign.demo import run_demo


@pytest.fixture(scope="session", autouse=True)
def bank_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Parsed banks are kept in a folder of the test session, never in the user's."""
    from ai_procurement.bank.files import CACHE_ENV

    folder = tmp_path_factory.mktemp("bank-cache")
    earlier = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if earlier is None:
        del os.environ[CACHE_ENV]
    else:
        os.environ[CACHE_ENV] = earlier


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    folder = tmp_path_factory.mktemp("session") / "demo-campaign"
    summary = run_demo(folder)
    return DemoRun(folder, summary)


@pytest.fixture(scope="session")
def demo_campaign(demo_run: DemoRun) -> Path:
    """The demo campaign folder: read it, never change it (copy it first)."""
    return demo_run.folder
