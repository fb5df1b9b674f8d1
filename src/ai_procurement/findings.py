"""One problem found in a file someone filled: the one findings type of the library.

The guard of raw workbooks, the readers of returned questionnaires, review and panel
workbooks, and the campaign steps all report :class:`Finding` values, so a buyer reads
every problem the same way: severity, file, sheet and cell (or zip part), question, and
what to do, in French and English. Problems in the library's own data files (banks,
``campaign.yaml``) are :class:`~ai_procurement.errors.Problem` values, located by YAML
path and line, and raised together in one error.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from ai_procurement.text import Lang, Text, visible

__all__ = ["Finding", "Severity"]

Severity: TypeAlias = Literal["error", "warning"]
"""``"error"`` blocks using the file; ``"warning"`` does not."""


@attrs.frozen
class Finding:
    """One problem in a file: where it is and what to do, in French and English.

    Attributes:
        severity: ``"error"`` or ``"warning"``.
        code: a stable identifier of the kind of problem (``"signature"``, ``"zip-bomb"``).
        message: what is wrong and what to do, in French and English.
        file: the file's name (never the buyer's folders).
        sheet: the sheet concerned, if any.
        cell: the cell concerned, if any.
        question_id: the question concerned, if any.
        part: the zip part concerned, as named in the archive, if any.
    """

    severity: Severity
    code: str
    message: Text
    file: str
    sheet: str = ""
    cell: str = ""
    question_id: str = ""
    part: str = ""

    def describe(self, lang: Lang = "fr") -> str:
        """One line: where, then what (in ``lang``).

        Everything that may come from a file (its name, a sheet name, a cell's text
        quoted in the message) is made visible with :func:`~ai_procurement.text.visible`:
        a line feed or a bidirectional override shows as ``⟨U+202E⟩``, so a finding is
        always exactly one line and reads as it is stored.
        """
        where = [self.file]
        if self.sheet:
            where.append(self.sheet + (f"!{self.cell}" if self.cell else ""))
        elif self.part:
            where.append(self.part)
        if self.question_id:
            where.append(self.question_id)
        label = {"error": {"fr": "ERREUR", "en": "ERROR"},
                 "warning": {"fr": "AVERTISSEMENT", "en": "WARNING"}}[self.severity][lang]
        return visible(f"[{label}] {' / '.join(where)}: {self.message.get(lang)}")
