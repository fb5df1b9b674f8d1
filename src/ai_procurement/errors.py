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

When the operating system refuses a file (missing, permission denied, disk full...),
:func:`os_reason` and :func:`os_problem` say so in French and English, naming the file.

Problems inside a vendor's workbook are not raised one at a time: they are collected in
a report (see :mod:`ai_procurement.workbooks.response`) so the vendor can fix all of them at once.
"""

from __future__ import annotations

import errno
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
    "os_problem",
    "os_reason",
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
    return Text.joined(texts)


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


# What the system says when a file cannot be read or written, in the user's language: the
# operating system's own text (strerror) is English, or in the language of the machine.
_OS_REASONS: dict[int, Text] = {
    errno.ENOENT: msg("no such file or folder"),
    errno.EACCES: msg("permission denied: this account may not read or write it (check its "
                      "rights, or whether another program holds it)"),
    errno.EPERM: msg("permission denied: this account may not read or write it (check its "
                     "rights, or whether another program holds it)"),
    errno.ENOSPC: msg("the disk is full: free some space, then run again"),
    errno.EISDIR: msg("it is a folder, where a file was expected"),
    errno.ENOTDIR: msg("a part of the path is a file, where a folder was expected"),
    errno.EROFS: msg("the disk is read-only: choose a folder you can write to"),
    errno.EEXIST: msg("it already exists"),
    errno.ENAMETOOLONG: msg("the name is too long for the system: choose a shorter path"),
    errno.EFBIG: msg("the file is larger than the system allows (a limit on file size)"),
    errno.EDQUOT: msg("the disk quota is used up: free some space, then run again"),
}


def os_reason(exc: OSError) -> Text:
    """Why a file operation failed, in French and English.

    Common causes (missing file, permission denied, disk full, a folder where a file was
    expected, read-only disk, name too long...) have our own words; any other error keeps
    the system's text after a translated lead.

    Args:
        exc: the error raised by the operating system.

    Returns:
        The reason, without the file's name (see :func:`os_problem`).
    """
    if isinstance(exc, AIProcurementError):  # InputError, OutputError: already in words
        return exc.why if isinstance(exc, InputError) else exc.text
    reason = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if reason is not None:
        return reason
    return msg("system error: {said}", said=exc.strerror or str(exc) or type(exc).__name__)


def os_problem(exc: OSError, path: str | os.PathLike[str] | None = None) -> Text:
    """The file an operation failed on and why, in French and English.

    Args:
        exc: the error raised by the operating system.
        path: the file, when the error does not name it (``exc.filename`` wins).

    Returns:
        ``file: reason`` (``source -> target: reason`` for a rename), or the reason alone
        when no file is known.
    """
    name = exc.filename if exc.filename is not None else path
    if name is None:
        return os_reason(exc)
    file = _shown(name)
    if exc.filename2 is not None:  # a rename or a link: both files
        file = f"{file} -> {_shown(exc.filename2)}"
    return msg("{file}: {reason}", file=file, reason=os_reason(exc))


def _shown(name: object) -> str:
    """A file name as the system gave it (text, bytes, a path or a descriptor number)."""
    return os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else str(name)
