"""Exceptions raised by ai_procurement.

Every exception the library raises on purpose derives from :class:`AIProcurementError`,
and each leaf also derives from the builtin it refines, so callers can catch either::

    AIProcurementError (Exception)
    ├── BankError (ValueError)          a question bank or tailoring file is invalid
    ├── LegalDataError (ValueError)     the file of legal facts is invalid
    ├── CampaignError (ValueError)      a campaign folder or campaign.yaml is invalid
    ├── StrategyError (ValueError)      weights or pairwise comparisons are invalid
    ├── QuestionnaireError (ValueError) a questionnaire cannot be built or written
    ├── ResponseError (ValueError)      a returned workbook cannot be read as asked
    ├── ScoringError (ValueError)       inputs to scoring are inconsistent
    ├── PriceError (ValueError)         prices cannot be scored by the chosen method
    ├── InputError (OSError)            an input file cannot be read (missing, not a
    │                                   regular file, too large)
    └── OutputError (OSError)           an output cannot be written
        └── OutputExistsError (FileExistsError)  it would overwrite an earlier result

Problems inside a vendor's workbook are not raised one at a time: they are collected in
a report (see :mod:`ai_procurement.workbooks.response`) so the vendor can fix all of them at once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import attrs

from ai_procurement.text import Lang, Text, msg, nmsg

__all__ = [
    "AIProcurementError",
    "BankError",
    "CampaignError",
    "InputError",
    "LegalDataError",
    "OutputError",
    "OutputExistsError",
    "PriceError",
    "Problem",
    "QuestionnaireError",
    "ResponseError",
    "ScoringError",
    "StrategyError",
]


@attrs.frozen
class Problem:
    """One problem found in a data file.

    Attributes:
        path: where the problem is, as a JSON-path-like string (``$.criteria[2].weight``).
        message: what is wrong and what was expected, in both languages (a :class:`Text`),
            or in English only (a message not yet translated).
        line: the 1-based line in the source file, where known.

    Two problems are equal when their path, line and English message are.
    """

    path: str
    message: str | Text = attrs.field(eq=lambda m: m.en if isinstance(m, Text) else m)
    line: int | None = None

    @property
    def what(self) -> Text:
        """The message in both languages (the English twice if it has no French)."""
        if isinstance(self.message, Text):
            return self.message
        return Text(fr=self.message, en=self.message)

    @property
    def text(self) -> Text:
        """Where and what, in both languages (``$.lots[0].id (line 12): ...``)."""
        message = self.what
        if self.line is None:
            return msg("{path}: {message}", message=message, path=self.path)
        return msg("{path} (line {line}): {message}", message=message, path=self.path,
                   line=self.line)

    def __str__(self) -> str:
        return self.text.en


def _problems(source: str | Text, problems: Sequence[Problem]) -> Text:
    """A file's problems, counted on a first line and listed, in both languages."""
    count = nmsg("{source}: {n} problem", "{source}: {n} problems", len(problems),
                 source=source)
    texts = [count, *(msg("  {source}: {p_text}", p_text=p.text, source=source)
                      for p in problems)]
    return Text(fr="\n".join(t.fr for t in texts), en="\n".join(t.en for t in texts))


class AIProcurementError(Exception):
    """Root of every exception raised on purpose by ai_procurement.

    Its message may be a :class:`Text`: ``str(exc)`` gives the English, :attr:`text`
    both languages, for the user's.
    """

    @property
    def text(self) -> Text:
        """The message in both languages (the English twice if it has no translation)."""
        if len(self.args) == 1 and isinstance(self.args[0], Text):
            return self.args[0]
        english = str(self)
        return Text(fr=english, en=english)

    def in_language(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return self.text.get(lang)

    def __str__(self) -> str:
        if len(self.args) == 1 and isinstance(self.args[0], Text):
            return self.args[0].en
        return super().__str__()


class BankError(AIProcurementError, ValueError):
    """A question bank or tailoring file is malformed or inconsistent.

    Attributes:
        source: the file (or a description of the data) that was being read, in English
            when it was given in both languages.
        problems: every problem found, each with its path and line where known.
    """

    def __init__(self, source: str | Text, problems: Sequence[Problem]) -> None:
        self.source = source.en if isinstance(source, Text) else source
        self.problems = tuple(problems)
        super().__init__(_problems(source, self.problems))


class LegalDataError(AIProcurementError, ValueError):
    """The file of legal facts (dates, delays, thresholds) is malformed or inconsistent.

    Attributes:
        source: the file that was being read, in English when it was given in both
            languages.
        problems: every problem found, each with its path and line where known.
    """

    def __init__(self, source: str | Text, problems: Sequence[Problem]) -> None:
        self.source = source.en if isinstance(source, Text) else source
        self.problems = tuple(problems)
        super().__init__(_problems(source, self.problems))


class StrategyError(AIProcurementError, ValueError):
    """Criterion weights, rankings or pairwise comparisons are invalid."""


class QuestionnaireError(AIProcurementError, ValueError):
    """A questionnaire cannot be frozen or written as asked."""


class ResponseError(AIProcurementError, ValueError):
    """A returned workbook cannot be read as asked: the caller's inputs are unusable.

    Problems of the file itself are never raised: they are findings of its report.
    """


class CampaignError(AIProcurementError, ValueError):
    """A campaign folder or its ``campaign.yaml`` is invalid (the message says where)."""


class ScoringError(AIProcurementError, ValueError):
    """The inputs to an evaluation do not fit together."""


class PriceError(AIProcurementError, ValueError):
    """Prices cannot be scored with the chosen method."""


class InputError(AIProcurementError, OSError):
    """An input file cannot be read: missing, not a regular file, or over its size limit.

    Attributes:
        path: the file, as given.
        reason: why it cannot be read, in English.
        why: why it cannot be read, in both languages.
    """

    def __init__(self, path: str, reason: str | Text) -> None:
        self.path = path
        self.why = reason if isinstance(reason, Text) else Text(fr=reason, en=reason)
        self.reason = self.why.en
        super().__init__(f"{path}: {self.reason}")

    @property
    def text(self) -> Text:
        """The path and the reason, in both languages."""
        return msg("{path}: {why}", why=self.why, path=self.path)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def __reduce__(self) -> tuple[type[InputError], tuple[str, Text]]:
        return (type(self), (self.path, self.why))


class OutputError(AIProcurementError, OSError):
    """An output file cannot be written (the message says why)."""


class OutputExistsError(OutputError, FileExistsError):
    """An output file would silently overwrite an earlier result.

    Attributes:
        path: the output that already exists, where known (the command line names it in
            its own message, with the option to use).
    """

    def __init__(self, message: str | Text,
                 path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)
