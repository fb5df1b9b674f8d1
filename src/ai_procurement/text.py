"""Texts people read, in French and English: the ground every other module stands on.

A :class:`Text` holds both languages of one message, label or question; :data:`Lang`
names a language. Every wing of the package imports them from here.

The package's own messages are written in English in the code and translated in one
gettext catalogue, ``locale/fr/LC_MESSAGES/ai_procurement.po`` (compiled to the ``.mo``
read here by the standard library; Babel extracts and compiles it, see ``tools/
catalogue.py``). :func:`msg`, :func:`pmsg` (with a context), :func:`nmsg` and :func:`npmsg`
(with plural forms) return a :class:`Text` holding both languages::

    msg("{count} offers registered in {file}.", count=3, file="opening.json")

Placeholders are those of :meth:`str.format`, named; a literal brace is doubled.
Texts that come from data files (a bank's questions, a campaign's names) are built as
``Text(fr=..., en=...)`` from what the file says, never through the catalogue.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterable
from importlib import resources
from typing import Literal, TypeAlias

import attrs

__all__ = ["LANGUAGES", "Lang", "Text", "msg", "nmsg", "npmsg", "pmsg", "visible"]

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

    @staticmethod
    def joined(texts: Iterable[Text], separator: str = "\n") -> Text:
        """``texts`` joined by ``separator`` (a new line by default), language by language."""
        both = list(texts)
        return Text(fr=separator.join(t.fr for t in both), en=separator.join(t.en for t in both))


DOMAIN = "ai_procurement"
"""The gettext domain of the package's messages (the catalogue's file name)."""


@functools.cache
def _french() -> gettext.NullTranslations:
    """The French catalogue, read once (English msgids stand if it is missing)."""
    mo = resources.files("ai_procurement").joinpath(
        "locale", "fr", "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    except FileNotFoundError:  # pragma: no cover - the wheel ships it; tests check it
        return gettext.NullTranslations()


def msg(msgid: str, /, **fields: object) -> Text:
    """A message of the package, in both languages.

    Args:
        msgid: the English message, with named ``str.format`` placeholders; it is also
            the key of its French translation in the catalogue.
        **fields: the values of the placeholders; a :class:`Text` value gives its
            French to the French message and its English to the English one.

    Returns:
        The English message and its French translation, each formatted with ``fields``.
    """
    if not fields:
        return _fixed(msgid)
    return Text(fr=_french().gettext(msgid).format(**_side(fields, "fr")),
                en=msgid.format(**_side(fields, "en")))


@functools.lru_cache(maxsize=4096)
def _fixed(msgid: str) -> Text:
    """:func:`msg` without fields, looked up once.

    A document's loops ask for the same labels again and again (200 000 times for the
    two memos of 300 offers); a :class:`Text` never changes, so one serves them all.
    """
    return Text(fr=_french().gettext(msgid).format(), en=msgid.format())


def _side(fields: dict[str, object], lang: Lang) -> dict[str, object]:
    """``fields`` for one language: a :class:`Text` value gives its text in ``lang``."""
    return {name: value.get(lang) if isinstance(value, Text) else value
            for name, value in fields.items()}


def pmsg(context: str, msgid: str, /, **fields: object) -> Text:
    """:func:`msg` for an English message that needs another French rendering here.

    Args:
        context: what tells this use of ``msgid`` apart (gettext's ``msgctxt``).
        msgid: the English message, with named placeholders.
        **fields: the values of the placeholders.

    Returns:
        The English message and its French translation in ``context``, formatted.
    """
    return Text(fr=_french().pgettext(context, msgid).format(**_side(fields, "fr")),
                en=msgid.format(**_side(fields, "en")))


def nmsg(singular: str, plural: str, n: int, /, **fields: object) -> Text:
    """A message whose words follow a number: "1 error", "3 errors"; "1 erreur", "3 erreurs".

    Each language applies its own plural rule (French: singular for 0 and 1).

    Args:
        singular: the English message for one; ``{n}`` stands for the number.
        plural: the English message for any other number.
        n: the number the message counts.
        **fields: the values of the other placeholders.

    Returns:
        Both languages, the form chosen by ``n`` in each, formatted with ``n`` and ``fields``.
    """
    english = singular if n == 1 else plural
    return Text(fr=_french().ngettext(singular, plural, n).format(n=n, **_side(fields, "fr")),
                en=english.format(n=n, **_side(fields, "en")))


def npmsg(context: str, singular: str, plural: str, n: int, /, **fields: object) -> Text:
    """:func:`nmsg` with a context (gettext's ``msgctxt``), as :func:`pmsg` is to :func:`msg`.

    Args:
        context: what tells this use of the message apart.
        singular: the English message for one; ``{n}`` stands for the number.
        plural: the English message for any other number.
        n: the number the message counts.
        **fields: the values of the other placeholders.

    Returns:
        Both languages, the form chosen by ``n`` in each, formatted.
    """
    english = singular if n == 1 else plural
    french = _french().npgettext(context, singular, plural, n)
    return Text(fr=french.format(n=n, **_side(fields, "fr")),
                en=english.format(n=n, **_side(fields, "en")))


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
