"""XML written as text: a text's and an attribute's value escaped as lxml escapes them.

The Word tables (:mod:`ai_procurement._office.docx`) and the workbook writer
(:mod:`ai_procurement._office.sheets`) write their XML as text; what goes between their
tags goes through here. Characters XML cannot hold must be replaced before.
"""

from __future__ import annotations

import re

__all__ = ["attribute", "text"]

# A carriage return is written as a reference: a reader would read a line end otherwise.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
_NEEDS_ESCAPE = re.compile("[&<>\r]")


def text(value: str) -> str:
    """``value`` as an element's text."""
    return value.translate(_TEXT_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


def attribute(value: str) -> str:
    """``value`` as an attribute's value between double quotes."""
    return value.translate(_ATTRIBUTE_ESCAPES)
