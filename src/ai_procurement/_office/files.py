"""Reading input files boundedly, and writing output files atomically.

Every file the library reads (banks, tailorings, ``campaign.yaml``, ``agreed.yaml``,
signing keys, returned workbooks) goes through :func:`read_bounded`: it refuses
anything but a regular file *before* reading (a FIFO or a device would block or never
end), opening with ``O_NONBLOCK`` and checking the opened descriptor with ``fstat`` so
that a file swapped after the check is still caught, then reads at most ``limit + 1``
bytes, so a huge or sparse file costs ``limit`` bytes of memory, never more, and ends in
:class:`~ai_procurement.errors.InputError` naming the file.

Every file the library produces goes through :func:`write_atomic`: the bytes are written
to a temporary file in the target folder, flushed to disk, then renamed over the target,
so a crash never leaves half a workbook. An existing file is only replaced when the
caller says so explicitly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ai_procurement.errors import InputError, OutputError, OutputExistsError, os_reason
from ai_procurement.text import msg

__all__ = ["normalise_zip", "open_regular", "read_bounded", "sha256_file", "write_atomic",
           "zip_members"]

_BLOCK = 1 << 20
_NOT_REGULAR = msg("not a regular file (a folder, a pipe or a device)")


def open_regular(path: str | os.PathLike[str]) -> tuple[int, int]:
    """Open ``path`` for reading if it is a regular file; return (descriptor, size).

    The type is checked twice: with ``os.stat`` before opening (opening a FIFO for
    reading blocks until a writer comes), and with ``fstat`` on the descriptor opened
    with ``O_NONBLOCK`` (the path may have been swapped in between). The caller closes
    the descriptor.

    Raises:
        InputError: the path does not exist, cannot be read or is not a regular file.
    """
    shown = os.fspath(path)
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)) if regular else -1
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = os_reason(exc) if isinstance(exc, OSError) else msg("cannot open")
        raise InputError(shown, reason) from None
    if not regular:
        raise InputError(shown, _NOT_REGULAR)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(shown, _NOT_REGULAR)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """Read a whole regular file of at most ``limit`` bytes.

    At most ``limit + 1`` bytes are ever read, whatever size the file declares (a
    sparse file, a file growing while read), so memory stays bounded by the limit.

    Raises:
        InputError: the file is missing, unreadable, not a regular file, or larger than
            ``limit`` (the message names the file and both sizes).
    """
    shown = os.fspath(path)
    fd, size = open_regular(path)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        if size > limit:
            raise InputError(shown, msg("file too large: {size} bytes, at most {limit}", size=size,
                                        limit=limit))
        chunks: list[bytes] = []
        total = 0
        try:
            while total <= limit:
                chunk = handle.read(min(_BLOCK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise InputError(shown, os_reason(exc)) from None
    if total > limit:
        raise InputError(shown, msg("file too large: more than {limit} bytes", limit=limit))
    return b"".join(chunks)


def write_atomic(path: Path, data: bytes, *, overwrite: bool, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` atomically, readable as ``mode`` says.

    The temporary file is created readable by its owner only and given ``mode`` before
    it takes the name ``path``: a secret written with ``mode=0o600`` is never readable
    by others, not even for an instant.

    Raises:
        OutputExistsError: ``path`` exists and ``overwrite`` is false.
        OutputError: it cannot be written.
    """
    if path.exists() and not overwrite:
        raise OutputExistsError(msg("{path} already exists; refusing to overwrite an earlier "
                                    "result (pass overwrite=True, or --force on the command line)",
                                    path=path), path=path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(msg("cannot write {path}: {exc_strerror}", path=path,
                              exc_strerror=os_reason(exc))) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(msg("cannot write {path}: {exc_strerror}", path=path,
                              exc_strerror=os_reason(exc))) from None


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a regular file's bytes, in hex.

    Raises:
        InputError: ``path`` is not a readable regular file.
    """
    digest = hashlib.sha256()
    fd, _ = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise_zip(data: bytes, date: dt.date,
                  replace: Mapping[str, bytes] | None = None) -> bytes:
    """``data`` (a zip) rewritten with every member dated ``date`` at midnight.

    The members keep their order and content (but for those ``replace`` gives anew);
    only timestamps, permissions and compression are fixed, so the same content always
    gives the same bytes, whatever the clock said when a library saved it.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return zip_members(((name, (replace or {}).get(name) or source.read(name))
                            for name in source.namelist()), date)


def zip_members(members: Iterable[tuple[str, bytes]], date: dt.date) -> bytes:
    """A zip of ``members`` (name, content) in their order, each dated ``date`` at midnight.

    Timestamps, permissions and compression are fixed, as :func:`normalise_zip` fixes
    them: the same members always give the same bytes. Members are deflated at level 1,
    the fastest: a document's XML compresses 13 times instead of 17, in half the time
    (the memo of 300 offers, 52 MB of XML: 0.15 s instead of 0.3 s, 3.5 MB instead of
    2.7 MB; 20 lots' 700 documents: 2 s of CPU less).
    """
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members:
            member = zipfile.ZipInfo(name, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content, compresslevel=1)
    return out.getvalue()
