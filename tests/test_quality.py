"""Quality gates run with the tests, so CI enforces them: ruff, mypy --strict, pdoc."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_package() -> None:
    result = _run("mypy", "--strict", "--no-incremental", "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_typed_api_example_checks_under_mypy_strict() -> None:
    # tests/typing_api.py uses the public API as a user would; mypy must accept it.
    result = _run("mypy", "--strict", "--no-incremental", "tests/typing_api.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_api_reference_builds_from_the_docstrings(tmp_path: Path) -> None:
    pytest.importorskip("pdoc")
    result = _run("pdoc", "ai_procurement", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "ai_procurement.html").read_text("utf-8")
    assert "load_bank" in page
    assert "write_questionnaire" in page
    assert "assess_robustness" in page
    shutil.rmtree(tmp_path)
