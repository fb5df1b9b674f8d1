"""Figures and vendor text as documents show them (deliverables/labels.py)."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata

import pytest

from ai_procurement.deliverables import labels
from ai_procurement.deliverables.labels import date, isolate_bidi, money, number


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


def test_numbers_read_the_same_the_second_time() -> None:
    # Written once, then taken from what was written: the sign of zero, the language
    # and the decimals still count.
    for _ in range(2):
        assert number(-0.0, "en") == "-0.00"
        assert number(0.0, "en") == "0.00"
        assert number(1234.5, "fr") == "1\u202f234,50"
        assert number(1234.5, "en") == "1,234.50"
        assert number(1234.5, "en", 0) == "1,234"
        assert number(1234, "fr", 0) == "1\u202f234"
        assert money(1234.5, "fr") == "1\u202f234,50\xa0€"
        assert money(1234.5, "en") == "€1,234.50"
        assert money(-0.0, "fr") == "-0,00\xa0€"
        assert date(dt.date(2027, 3, 1), "fr") == "1er mars 2027"
        assert date(dt.date(2027, 3, 1), "en") == "1 March 2027"
        assert date(dt.datetime(2027, 3, 2, 23, 30), "en") == "2 March 2027"
