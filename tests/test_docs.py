"""The guide: every relative link resolves, French and English pages go in pairs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


SOURCES = sorted([ROOT / "README.md", *DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")])


def _links(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    # Code blocks hold commands, not links.
    text = re.sub(r"(?s)```.*?```", "", text)
    return [m.group(1) for m in LINK.finditer(text)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(source: Path) -> None:
    broken = []
    for link in _links(source):
        if re.match(r"^[a-z]+:", link) or link.startswith("#"):
            continue  # a web address or an anchor in the page
        target = (source.parent / link.split("#")[0]).resolve()
        if not target.exists():
            broken.append(link)
    assert broken == []


def test_the_guide_has_a_french_page_for_each_english_page() -> None:
    french = sorted(p.name for p in (DOCS / "fr").glob("*.md"))
    english = sorted(p.name for p in (DOCS / "en").glob("*.md"))
    assert len(french) == len(english) >= 10
    # Each page links to its counterpart in the other language.
    for page in (DOCS / "fr").glob("*.md"):
        links = _links(page)
        assert any(link.startswith("../en/") for link in links), page.name
    for page in (DOCS / "en").glob("*.md"):
        assert any(link.startswith("../fr/") for link in _links(page)), page.name


def test_the_screenshots_are_small_pngs() -> None:
    images = sorted((DOCS / "img").glob("*.png"))
    assert len(images) >= 4
    for image in images:
        data = image.read_bytes()
        assert data.startswith(b"\x89PNG"), image.name
        assert len(data) < 150 * 1024, image.name
