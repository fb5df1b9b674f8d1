"""Writing output files safely: atomically, and never over an earlier result silently.

Every file the library produces goes through :func:`write_atomic`: the bytes are written
to a temporary file in the target folder, flushed to disk, then renamed over the target,
so a crash never leaves half a workbook. An existing file is only replaced when the
caller says so explicitly.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ai_procurement.errors import OutputError, OutputExistsError

__all__ = ["sha256_file", "write_atomic"]


def write_atomic(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` atomically.

    Raises:
        OutputExistsError: ``path`` exists and ``overwrite`` is false.
        OutputError: it cannot be written.
    """
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} already exists; refusing to overwrite an earlier result "
                          "(pass overwrite=True, or --force on the command line)")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
