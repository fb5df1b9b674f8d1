"""A French campaign speaks French: no English sentence in any output or message.

The demo campaign (French) is run end to end once per session (``demo_run``); this
module copies it, runs the everyday commands on the copy through the CLI (check, verify,
evaluate, questionnaire, publish-rules) and reads what a French buyer, evaluator or
bidder reads: every Word document and workbook the campaign wrote, the check reports and
the command-line messages. English is caught with a short list of English function words
that are not also French words ("the", "which", "should"...): one of them in a French
text is an untranslated sentence or label.

What is read, and what is left out (each with its reason):

- Word documents: the body, headers and footers and the document properties; the
  ``-en.docx`` twins are the English versions the campaign writes on purpose.
- Workbooks: the cells of visible sheets, rows and columns (hidden ones hold codes for
  the reader, not text for a person), headers and footers, and the input messages and
  error alerts of data validations, which Excel shows on screen.
- Left out: ``responses/`` and ``strategy/panel-responses/`` (the vendors' and panel
  members' own files), ``private/``, the machine records (``.json``, ``.jsonl``) and the
  buyer's own inputs (``campaign.yaml``, ``agreed-*.yaml``, the deposit register CSV).
- Identifiers are not prose: tokens with ``_`` or a digit (``price_method``, ``SEC-04``),
  file names, paths, e-mail addresses, links and hashes. A code in words ("not-applicable",
  "bank-defaults") is read like any text: shown to a French reader, it is English.

The text is read from the files (Office XML), not from pages rendered by LibreOffice:
it takes a second instead of a minute, and it also reads what never prints but shows on
screen (validation messages, every visible sheet). ``tests/test_rendered_pages.py`` reads
rendered pages for the layout.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from lxml import etree
from tests.campaign_fixtures import DemoRun, copy_campaign

from ai_procurement.cli import main

pytestmark = pytest.mark.slow

_ENGLISH_WORDS = """
    the and of with for not is are this which that from your you should must will have
    has been was were any each only when where what there their these those into than
    then by at to be it its yes all can may does would could who how why here other such
    also please we our they them over under between without within after before more
    less error errors warning warnings missing expected got found none
    median mean weight weights vendor vendors answer answers level levels rule rules
    bank defaults proportional method settings fixed redistribute flat
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())
"""English function words, and words of this domain, that are not also French words.

Left out on purpose because French has them too: "a", "an" (par an), "on", "or", "but"
(le but), "in" (in fine), "do", "plus", "per", "set", "file" (une file d'attente).
"""

ALLOWED = {
    "AI Act": "the usual name of regulation (EU) 2024/1689, quoted as such in French",
    "Cloud Act": "the name of a United States law (CLOUD Act), quoted as such in French",
    "Open Data": "the name of a public policy, used as such by French administrations",
}
"""Proper names that may stay in English in a French text, with the reason for each."""

_NOT_PROSE = re.compile(
    r"\S+://\S+"                      # links
    r"|\S+@\S+"                       # e-mail addresses
    r"|\S*[/\\]\S*"                   # paths and "a/b" codes
    r"|\S+\.(?:xlsx|docx|pdf|txt|yaml|json|jsonl|csv)\b"  # file names
    r"|\b[0-9a-f]{8,}\b"              # hashes
    r"|\b\w*[_\d]\w*(?:[-:.]\w+)*"    # identifiers with "_" or digits (SEC-04, price_method)
)
_WORD = re.compile(r"[^\W\d_]+")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def english_words(text: str) -> list[str]:
    """The English function words of ``text``, identifiers and allowed names set aside."""
    for phrase in ALLOWED:
        text = text.replace(phrase, " ")
    prose = _NOT_PROSE.sub(" ", text)
    return [w for w in _WORD.findall(prose) if w.lower() in ENGLISH]


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(package.read(name))


def docx_texts(path: Path) -> Iterator[str]:
    """The paragraphs of a Word document: body, headers, footers, then its properties.

    A chart's texts (titles, labels, legend) count too, and so do the cells of the
    workbook embedded with it, which Word shows when the chart is edited.
    """
    with zipfile.ZipFile(path) as package:
        for name in sorted(package.namelist()):
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                for paragraph in _xml(package, name).iter(f"{_W}p"):
                    yield "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))
            elif re.fullmatch(r"word/charts/chart\d+\.xml", name):
                for text in _xml(package, name).iter(f"{_C}v", f"{_A}t"):
                    yield text.text or ""
            elif re.fullmatch(r"word/embeddings/[^/]+\.xlsx", name):
                yield from xlsx_texts(io.BytesIO(package.read(name)))
        if "docProps/core.xml" in package.namelist():
            for element in _xml(package, "docProps/core.xml"):
                if element.text:
                    yield element.text


def xlsx_texts(path: Path | IO[bytes]) -> Iterator[str]:
    """What a workbook shows: visible cells of visible sheets, headers, validation messages."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        shared = ([("".join(t.text or "" for t in si.iter(f"{_S}t")))
                   for si in _xml(package, "xl/sharedStrings.xml").iter(f"{_S}si")]
                  if "xl/sharedStrings.xml" in names else [])
        targets = {r.get("Id"): r.get("Target")
                   for r in _xml(package, "xl/_rels/workbook.xml.rels")}
        for sheet in _xml(package, "xl/workbook.xml").iter(f"{_S}sheet"):
            if sheet.get("state", "visible") != "visible":
                continue
            target = str(targets[sheet.get(f"{_R}id")]).lstrip("/")
            root = _xml(package, target if target.startswith("xl/") else f"xl/{target}")
            hidden: set[int] = set()
            for col in root.iter(f"{_S}col"):
                if col.get("hidden") in ("1", "true"):
                    hidden.update(range(int(col.get("min", 0)), int(col.get("max", 0)) + 1))
            for row in root.iter(f"{_S}row"):
                if row.get("hidden") in ("1", "true"):
                    continue
                for cell in row.iter(f"{_S}c"):
                    letters = re.sub(r"\d", "", cell.get("r", ""))
                    column = 0
                    for letter in letters:
                        column = column * 26 + ord(letter) - 64
                    if column in hidden:
                        continue
                    value = cell.find(f"{_S}v")
                    if cell.get("t") == "s" and value is not None and value.text:
                        yield shared[int(value.text)]
                    elif cell.get("t") == "inlineStr":
                        yield "".join(t.text or "" for t in cell.iter(f"{_S}t"))
                    elif cell.get("t") == "str" and value is not None and value.text:
                        yield value.text
            for element in root.iter(f"{_S}oddHeader", f"{_S}oddFooter"):
                yield re.sub(r"&[A-Z]|&\"[^\"]*\"|&\d+", " ", element.text or "")
            for validation in root.iter(f"{_S}dataValidation"):
                for key in ("promptTitle", "prompt", "errorTitle", "error"):
                    yield validation.get(key, "")


_SKIPPED_FOLDERS = ("responses", "private", "panel-responses")


def outputs(folder: Path) -> Iterator[Path]:
    """The campaign's files a person reads, French versions only (see the module doc)."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if not path.is_file() or any(p in _SKIPPED_FOLDERS for p in parts):
            continue
        english_twin = path.suffix == ".docx" and (
            path.stem.endswith("-en") or ".en." in path.name)
        if path.suffix in (".docx", ".xlsx") and not english_twin:
            yield path


def texts(path: Path) -> Iterator[str]:
    if path.suffix == ".docx":
        return docx_texts(path)
    if path.suffix == ".xlsx":
        return xlsx_texts(path)
    return iter(path.read_text(encoding="utf-8").splitlines())


def english_in(path: Path) -> list[str]:
    """Each text of ``path`` holding English words, with the words found."""
    found = []
    for text in texts(path):
        words = english_words(text)
        if words:
            found.append(f"{path.name}: {sorted(set(words))} in {text[:160]!r}")
    return found


def test_the_scan_catches_an_english_sentence(demo_campaign: Path) -> None:
    # The English twin of the memo is English: the word list sees it, so a French text
    # that passes is not passing because nothing is read.
    memo = demo_campaign / "out" / "lot-1" / "memo-en.docx"
    assert len([w for t in docx_texts(memo) for w in english_words(t)]) > 100
    # The chart's texts and its embedded workbook's cells are read too.
    french = set(docx_texts(demo_campaign / "out" / "lot-1" / "memo-fr.docx"))
    assert {"Points (sur 100)", "Offre", "COST – Coût complet"} <= french
    assert english_words("Rapport établi le 1er mars 2027, noté sur 100 points.") == []
    assert english_words("Voir price_method, SEC-04 et memo.docx (SHA-256 d957c4f5e8c6)") \
        == []


def test_a_french_campaign_writes_no_english(demo_run: DemoRun, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_campaign(demo_run.folder, tmp_path / "campagne")
    messages = [demo_run.summary]
    for command in (["check", folder, "--force"], ["verify", folder],
                    ["evaluate", folder, "--force"], ["questionnaire", folder],
                    ["publish-rules", folder]):
        code = main([str(a) for a in command])
        captured = capsys.readouterr()
        assert code == 0, (command, captured.err)
        messages += [captured.out, captured.err]
    found = [f"message: {sorted(set(english_words(line)))} in {line!r}"
             for text in messages for line in text.splitlines() if english_words(line)]
    files = list(outputs(folder))
    # Every kind of output is read: memo, letters, annexes, workbooks, check reports.
    names = {p.name for p in files}
    for expected in ("memo-fr.docx", "annexe-rc-fr.docx", "comparison.xlsx",
                     "questionnaire-lot-1.xlsx", "engagements-fr.docx",
                     "annexe-interne-robustesse-fr.docx", "claire-martin-lot-1.xlsx"):
        assert expected in names
    assert any(n.startswith("debrief-") for n in names)
    assert any(n.endswith(".fr.docx") for n in names)  # check letters, buyer's part
    for path in files:
        found += english_in(path)
    assert found == [], "\n".join(found[:40])
    # French typography: a space before ";" and ":" ("Oui ; Non", "Claire Martin : 2").
    unspaced = [f"{path.name}: {text[:160]!r}" for path in files if path.suffix != ".txt"
                for text in texts(path)
                if re.search(r"[^\W\d_][;:](?=\s|$)", _NOT_PROSE.sub(" ", text))]
    assert unspaced == [], "\n".join(unspaced[:40])
