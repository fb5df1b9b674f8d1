"""Texts people read, in French and English: the ground every other module stands on.

A :class:`Text` holds both languages of one message, label or question; :data:`Lang`
names a language. Every wing of the package imports them from here.
"""

from __future__ import annotations

import re
from typing import Literal, TypeAlias

import attrs

__all__ = ["LANGUAGES", "Lang", "Text", "visible"]

Lang: TypeAlias = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("fr", "en")
"""Languages every user-facing text exists in."""


@attrs.frozen
class Text:
    """A text a vendor or a buyer reads, in French and in English."""

    fr: str
    en: str

    def get(self, lang: Lang) -> str:
        """Return the text in ``lang`` (``"fr"`` or ``"en"``)."""
        return self.fr if lang == "fr" else self.en


# What can hide or move text on screen. Shown raw, a line feed starts a forged line and
# U+202E (right-to-left override, Unicode TR9) turns "txt.exe" into "exe.txt".
_HIDDEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029"  # controls, line and paragraph separators
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional controls
    r"\ud800-\udfff]")  # lone surrogates


def visible(text: str, *, newlines: bool = False) -> str:
    """Make a text from a file safe to show on one line: nothing in it hidden or moved.

    Control characters (line feeds and carriage returns included, unless ``newlines``),
    Unicode line and paragraph separators, lone surrogates and bidirectional controls
    are written as ``⟨U+202E⟩``, so a value read from a vendor's file cannot start a
    line of its own in a report (a forged "Verdict" line) nor reorder what is shown.
    Every other character is kept as is.
    """
    if not _HIDDEN.search(text):
        return text

    def show(match: re.Match[str]) -> str:
        char = match.group()
        if newlines and char == "\n":
            return char
        return f"⟨U+{ord(char):04X}⟩"

    return _HIDDEN.sub(show, text)
