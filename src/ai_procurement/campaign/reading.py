"""Reading many returned files at once, on every core, in a deterministic order.

``check`` reads each file of ``responses/`` (decompressing and parsing about 1 MB of XML
per file, then checking every answer): on a framework agreement of hundreds of offers
this is most of its time, and the files are independent. :func:`read_responses` reads
them in a pool of processes when there are enough of them and more than one core is
available, and in this process otherwise; either way the results come back in the order
of the files given, identical to reading them one after the other.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ai_procurement.campaign.parallel import cores

if TYPE_CHECKING:
    from ai_procurement.answers import Response
    from ai_procurement.questionnaire import Questionnaire

__all__ = ["FileToRead", "read_responses"]

POOL_THRESHOLD = 8
"""Fewer files than this are read in this process: a pool costs more than it saves."""


@attrs.frozen
class FileToRead:
    """One returned file, the lot it is first read for, and the vendor it was issued to.

    With ``other_lots``, a file that answers another version of the questionnaire is
    read again against each of those lots in turn until one matches (a file not in the
    deposit register, in a consultation of several lots).
    """

    path: Path
    lot: str
    vendor: str | None = None
    other_lots: tuple[str, ...] = ()


def _read_one(item: FileToRead, questionnaires: Mapping[str, Questionnaire],
              key: bytes) -> tuple[str, Response]:
    from ai_procurement.workbooks.response import read_response

    lot = item.lot
    response = read_response(item.path, questionnaires[lot], key=key, vendor=item.vendor)
    if item.other_lots and any(f.code == "wrong-version" for f in response.report.findings):
        for other in item.other_lots:
            candidate = read_response(item.path, questionnaires[other], key=key,
                                      vendor=item.vendor)
            if not any(f.code == "wrong-version" for f in candidate.report.findings):
                return other, candidate
    return lot, response


_SHARED: dict[str, object] = {}


def _start_worker(questionnaires: Mapping[str, Questionnaire], key: bytes) -> None:
    _SHARED["questionnaires"], _SHARED["key"] = questionnaires, key


def _read_in_worker(item: FileToRead) -> tuple[str, Response]:
    questionnaires = _SHARED["questionnaires"]
    key = _SHARED["key"]
    assert isinstance(questionnaires, Mapping)
    assert isinstance(key, bytes)
    return _read_one(item, questionnaires, key)


def read_responses(files: Sequence[FileToRead], questionnaires: Mapping[str, Questionnaire],
                   key: bytes, *, workers: int | None = None
                   ) -> Iterator[tuple[str, Response]]:
    """Read each file; yield its lot and response, in the order of ``files``.

    Results come as soon as each file (and every file before it) is read, so that a
    progress bar moves with the reading.

    Args:
        files: the files to read.
        questionnaires: each lot's frozen questionnaire, by lot id.
        key: the buyer's signing key.
        workers: processes to use; None for one per core. With a single worker, or
            fewer than :data:`POOL_THRESHOLD` files, the files are read in this process.
    """
    count = min(workers or cores(), len(files))
    if count < 2 or len(files) < POOL_THRESHOLD:
        for item in files:
            yield _read_one(item, questionnaires, key)
        return
    with concurrent.futures.ProcessPoolExecutor(
            count, initializer=_start_worker, initargs=(questionnaires, key)) as pool:
        # Chunks of a few files: fewer round trips, and still an even share per worker.
        chunk = max(1, len(files) // (count * 4))
        yield from pool.map(_read_in_worker, files, chunksize=chunk)
