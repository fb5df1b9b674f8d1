"""What the memo and the letters share as Word documents.

The package's Word template (styles, A4 page, footer with page numbers; built by
``tools/make_docx_template.py`` and shipped in ``deliverables/templates/``), a new
document made from it with its properties, and the checks made before any work: the
language, and an output path that must not silently replace an earlier result.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from importlib import resources
from pathlib import Path

from ai_procurement._office.docx import WordDocument
from ai_procurement.errors import OutputExistsError, ScoringError
from ai_procurement.text import Lang, msg

__all__ = ["DRAFT_MARK", "check_lang", "check_output", "new_document", "prepare", "template"]

DRAFT_MARK = "PROJET / DRAFT — not to be signed (ne pas signer)"
"""The mark on every page of a draft evaluation's documents and sheets (both languages:
a draft travels between buyers who may read either)."""


@functools.cache
def template(lang: Lang) -> bytes:
    """The Word template of the memo and the letters in ``lang`` (package data).

    Built by ``tools/make_docx_template.py``; styles, page set-up and footer live there.
    """
    return (resources.files("ai_procurement.deliverables") / "templates"
            / f"report-{lang}.docx").read_bytes()


def prepare() -> None:
    """Load what every document needs once: the writing libraries, the parsed templates.

    Called before the documents are written in forked workers
    (:mod:`ai_procurement.campaign.parallel`), which inherit all this instead of each
    loading it again (0.15 to 0.25 s of CPU saved with two workers, 30 offers).
    """
    import ai_procurement._office.sheets  # noqa: F401  (the comparison workbook's writer)
    from ai_procurement.deliverables.labels import date, money, number

    for lang in ("fr", "en"):
        WordDocument(template(lang))  # parsed and kept by the document builder
        number(1.5, lang), money(1.5, lang), date(dt.date(2026, 1, 1), lang)  # locale data


def new_document(lang: Lang, *, title: str, subject: str, author: str,
                 generated: dt.date) -> WordDocument:
    """An empty document from the template, with its properties set."""
    document = WordDocument(template(lang))
    document.properties(title=title, subject=subject, author=author,
                        language="fr-FR" if lang == "fr" else "en-GB", date=generated)
    return document


def check_output(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """``path``, after checking it may be written."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(msg("{path} already exists; refusing to overwrite an earlier "
                                    "result (pass overwrite=True, or --force on the command "
                                    "line)", path=target), path=target)
    return target


def check_lang(lang: str) -> Lang:
    """``lang`` if the documents are written in it."""
    if lang not in ("fr", "en"):
        raise ScoringError(f"lang must be 'fr' or 'en', got {lang!r}")
    return "fr" if lang == "fr" else "en"
