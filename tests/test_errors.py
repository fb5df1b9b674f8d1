"""The exception tree's messages: an operating-system error said in the user's language."""

from __future__ import annotations

import errno
import os

import pytest

from ai_procurement.errors import InputError, os_problem, os_reason
from ai_procurement.text import Text, msg

COMMON = (errno.ENOENT, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EISDIR, errno.ENOTDIR,
          errno.EROFS, errno.EEXIST, errno.ENAMETOOLONG, errno.EFBIG, errno.EDQUOT)


@pytest.mark.parametrize("code", COMMON, ids=errno.errorcode.get)
def test_common_errors_have_our_own_words_in_both_languages(code: int) -> None:
    reason = os_reason(OSError(code, os.strerror(code)))
    # Neither language repeats the system's English; French is not the English.
    assert os.strerror(code) not in (reason.fr, reason.en)
    assert reason.fr != reason.en
    assert "erreur du système" not in reason.fr


@pytest.mark.parametrize(("code", "fr", "en"), [
    (errno.ENOENT, "fichier ou dossier introuvable",
     "no such file or folder"),
    (errno.EACCES, "accès refusé", "permission denied"),
    (errno.EPERM, "accès refusé", "permission denied"),
    (errno.ENOSPC, "le disque est plein", "the disk is full"),
    (errno.EISDIR, "c'est un dossier", "it is a folder"),
    (errno.EROFS, "le disque est en lecture seule", "the disk is read-only"),
])
def test_the_file_is_named_with_the_reason(code: int, fr: str, en: str) -> None:
    text = os_problem(OSError(code, os.strerror(code), "offres/alize.xlsx"))
    assert text.fr.startswith(f"offres/alize.xlsx : {fr}")
    assert text.en.startswith(f"offres/alize.xlsx: {en}")


def test_another_error_keeps_the_systems_text_after_a_translated_lead() -> None:
    text = os_problem(OSError(errno.EIO, "Input/output error", "b.xlsx"))
    assert text == Text(fr="b.xlsx : erreur du système : Input/output error",
                        en="b.xlsx: system error: Input/output error")


def test_a_rename_names_both_files_and_a_path_stands_in_for_a_missing_name() -> None:
    renamed = os_problem(OSError(errno.EXDEV, "Invalid cross-device link", "a", None, "b"))
    assert renamed.en == "a -> b: system error: Invalid cross-device link"
    given = os_problem(OSError(errno.ENOSPC, "No space left on device"), "out/memo.docx")
    assert given.fr == "out/memo.docx : le disque est plein : libérez de la place, puis relancez"
    assert os_problem(OSError(errno.EROFS, "x")) == os_reason(OSError(errno.EROFS, "x"))


def test_an_input_error_keeps_its_own_reason() -> None:
    why = msg("file too large: more than {limit} bytes", limit=10)
    assert os_reason(InputError("big.xlsx", why)) == why
