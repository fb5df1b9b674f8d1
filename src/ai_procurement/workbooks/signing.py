"""The identity a questionnaire workbook carries, and the buyer's key that signs it.

Sheet protection in Excel is cosmetic (its password hash has 16 bits), so tampering
is caught another way: each workbook carries the bank id and version, the
questionnaire fingerprint, its language, a vendor token and an HMAC-SHA256 over these
and over every (question id, question text) pair, computed with a secret key the buyer
keeps. A vendor cannot edit a question, or pass another vendor's file off as its own,
without the HMAC failing.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import attrs

from ai_procurement.errors import QuestionnaireError
from ai_procurement.text import Lang, msg

__all__ = ["Identity", "load_key", "new_key", "vendor_token", "write_key"]

KEY_BYTES = 32
_KEY_FILE_BYTES = 4096
"""Largest key file read: 64 hex digits and a line end, with room for spaces."""


def new_key() -> bytes:
    """Return a new random 32-byte key for signing questionnaires."""
    return secrets.token_bytes(KEY_BYTES)


def write_key(path: str | os.PathLike[str], key: bytes) -> None:
    """Write ``key`` as hex to ``path`` (readable by the owner only); never overwrite."""
    from ai_procurement._office.files import write_atomic

    write_atomic(Path(path), key.hex().encode("ascii") + b"\n", overwrite=False, mode=0o600)


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read a key written by :func:`write_key`.

    Raises:
        QuestionnaireError: the file is missing or does not hold a 32-byte hex key.
    """
    from ai_procurement._office.files import read_bounded
    from ai_procurement.errors import InputError

    try:
        raw = read_bounded(path, _KEY_FILE_BYTES)
    except InputError as exc:
        raise QuestionnaireError(msg("{path}: cannot read the signing key: {reason}",
                                     path=path, reason=exc.why)) from None
    try:
        key = bytes.fromhex(raw.decode("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        raise QuestionnaireError(msg("{path}: cannot read the signing key (expected {digits} "
                                     "hex characters)", path=path,
                                     digits=KEY_BYTES * 2)) from None
    if len(key) != KEY_BYTES:
        raise QuestionnaireError(msg("{path}: the signing key must be {size} bytes, got "
                                     "{found}", path=path, size=KEY_BYTES, found=len(key)))
    return key


def vendor_token(key: bytes, vendor: str | None) -> str:
    """Return the token that ties a workbook to ``vendor`` (empty for a blank copy).

    Derived from the key, so the same vendor always gets the same token and a vendor
    cannot forge another's.
    """
    if vendor is None:
        return ""
    digest = hmac.new(key, b"vendor\x00" + vendor.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:16]


@attrs.frozen
class Identity:
    """What a workbook says about itself, as written in its hidden identity sheet."""

    bank_id: str
    bank_version: str
    fingerprint: str
    lang: Lang
    vendor_token: str
    kind: str = "questionnaire"

    def fields(self) -> dict[str, str]:
        """The identity as the string fields written in the workbook."""
        return {"kind": self.kind, "bank_id": self.bank_id, "bank_version": self.bank_version,
                "fingerprint": self.fingerprint, "lang": self.lang,
                "vendor_token": self.vendor_token}

    def signature(self, key: bytes, questions: Sequence[tuple[str, str]]) -> str:
        """HMAC-SHA256 (hex) over the identity and the (id, text) of every question.

        The message is the canonical JSON of ``{"identity": fields, "questions": [[id,
        text], ...]}`` (keys sorted, no spaces, UTF-8).
        """
        # Keys sorted: the identity, then the questions, whose JSON every file of a
        # questionnaire shares (a tenth of reading a file, written once).
        payload = ('{"identity":' + _CANONICAL_JSON.encode(self.fields()) + ',"questions":'
                   + _questions_json(tuple(map(tuple, questions))) + "}")
        return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
"""Canonical JSON (keys sorted, no spaces), the message of every signature and seal."""


@functools.lru_cache(maxsize=64)
def _questions_json(questions: tuple[tuple[str, ...], ...]) -> str:
    """The canonical JSON of the signed questions (a list of [id, text] lists)."""
    return _CANONICAL_JSON.encode([list(q) for q in questions])
