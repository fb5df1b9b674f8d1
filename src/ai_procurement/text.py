"""Texts people read, in French and English: the ground every other module stands on.

A :class:`Text` holds both languages of one message, label or question; :data:`Lang`
names a language. Every wing of the package imports them from here.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

__all__ = ["LANGUAGES", "Lang", "Text"]

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
