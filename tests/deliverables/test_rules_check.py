"""The one-page rules check reads as the buyer keeps it in the file."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ai_procurement.decision.rules_check import OfferProfile, check_rules
from ai_procurement.deliverables.rules_check import write_rules_check
from ai_procurement.errors import OutputExistsError

OFFERS = (OfferProfile("A", 100_000, {"quality": 0.5}),
          OfferProfile("B", 120_000, {"quality": 0.7}),
          OfferProfile("D", 300_000, {"quality": 0.6}))


def _text(path: Path) -> str:
    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_rules_check_shows_methods_winners_and_findings(tmp_path: Path, lang: str) -> None:
    check = check_rules({"price": 40, "quality": 60}, OFFERS, price_criterion="price")
    path = write_rules_check(check, tmp_path / "rules.docx", lang=lang,  # type: ignore[arg-type]
                             title="Assistant courrier")
    text = _text(path)
    if lang == "fr":
        assert "Essai des règles de notation avant publication" in text
        assert "linéaire" in text
        assert "sans D : A" in text
        assert "100\u202f000" in text
    else:
        assert "Rules check before publishing" in text
        assert "Linear method: without offer D, A would win instead of B" in text
    assert "Assistant courrier" in text


def test_same_inputs_same_bytes_and_no_overwrite(tmp_path: Path) -> None:
    check = check_rules({"price": 40, "quality": 60}, OFFERS, price_criterion="price")
    one = write_rules_check(check, tmp_path / "a.docx")
    two = write_rules_check(check, tmp_path / "b.docx")
    assert one.read_bytes() == two.read_bytes()
    with pytest.raises(OutputExistsError):
        write_rules_check(check, one)
