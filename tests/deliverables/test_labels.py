"""Figures and vendor text as documents show them (deliverables/labels.py)."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from ai_procurement.deliverables import labels
from ai_procurement.deliverables.labels import isolate_bidi


def test_every_right_to_left_character_is_in_the_ranges_looked_at() -> None:
    # isolate_bidi looks character by character only at text holding one of these
    # ranges: a right-to-left letter outside them would go unisolated.
    outside = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1)
               if unicodedata.bidirectional(chr(cp)) in ("R", "AL")
               and not labels._RIGHT_TO_LEFT.match(chr(cp))]
    assert outside == []


@pytest.mark.parametrize(("text", "shown"), [
    ("l’offre — conforme", "l’offre — conforme"),  # typographic, left to right
    ("مرحبا, l’offre", "\u2068مرحبا, l’offre\u2069"),  # Arabic: isolated
    ("נתונים", "\u2068נתונים\u2069"),  # Hebrew
    ("abc\u202edef", "abc\ufffddef"),  # an override cannot turn the sentence around
    ("x\u2067y\u2069", "x\ufffdy\ufffd"),
    ("", ""),
])
def test_right_to_left_text_is_isolated_and_controls_replaced(text: str, shown: str) -> None:
    assert isolate_bidi(text) == shown
