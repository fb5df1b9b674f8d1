"""Figures and vendor text as documents show them (deliverables/labels.py)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

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


@settings(max_examples=400, deadline=None)
@given(value=st.floats(-1e18, 1e18)  # Babel itself fails from 1e28
       | st.integers(-10**16, 10**16).map(lambda n: n / 8)
       | st.integers(-10**9, 10**9).map(lambda n: n / 1000)
       | st.sampled_from([0.0, -0.0, 2.675, 0.125, -0.001, 5e-324, 999999999999999.9,
                          1e15, -1e15, 0.005, 0.015, 1e-7]),
       lang=st.sampled_from(["fr", "en"]), digits=st.integers(0, 3))
def test_numbers_read_as_babel_writes_them(value: float, lang: str, digits: int) -> None:
    # Numbers are formatted without Babel where that is exact: the same text, always.
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    locale = {"fr": "fr_FR", "en": "en_GB"}[lang]
    assert labels.number(value, lang, digits) == format_decimal(value, format=pattern,
                                                               locale=locale)
