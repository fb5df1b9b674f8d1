"""Letters of the rounds after opening, in French and English, as a bidder reads them.

Each kind of letter says what the bidder may do and on which article, and nothing more:
a clarification names only the points asked, a regularisation the irregular points and
the deadline, a negotiation invitation the articles that allow it, a price justification
request R2152-3, a rejection its reason. The LibreOffice test renders every letter to PDF
in one run and reads the text back as a bidder would see it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest

from ai_procurement.decision.rounds import RoundKind
from ai_procurement.deliverables.procedure import Procedure, Signatory
from ai_procurement.deliverables.round_letters import (
    LetterPoint,
    RoundLetter,
    round_letter_bytes,
    write_round_letter,
)
from ai_procurement.errors import OutputError
from ai_procurement.legal.procedure import ProcedureKind
from ai_procurement.questionnaire import Consultation

CONSULTATION = Consultation("2027-IA-07", "Assistant de réponse au courrier",
                            "Communauté de communes du Val", "achats@val.example")
PROCEDURE = Procedure(place="Clisson", kind=ProcedureKind.ADAPTED_WITH_PUBLICITY,
                      signatories=(Signatory("Claire Martin", "Présidente"),))
DAY = dt.date(2027, 4, 2)
POINT = LetterPoint("SEC-04", "Les journaux d'accès sont-ils conservés un an ?", "E83",
                    "réponse manquante à une exigence éliminatoire")


def letter(kind: RoundKind, **changes: object) -> RoundLetter:
    base = RoundLetter(kind, f"2-{kind.value}", "P02", "Boréal Systèmes", CONSULTATION,
                       dt.date(2027, 4, 16), (POINT,) if kind in (
                           RoundKind.CLARIFICATION, RoundKind.REGULARISATION) else (),
                       61_500.0 if kind is RoundKind.LOW_PRICE else None, "", PROCEDURE)
    from attrs import evolve

    return evolve(base, **changes)


LETTERS = {
    "clarification": letter(RoundKind.CLARIFICATION),
    "regularisation": letter(RoundKind.REGULARISATION),
    "negotiation": letter(RoundKind.NEGOTIATION),
    "low-price": letter(RoundKind.LOW_PRICE),
    "rejection": letter(RoundKind.LOW_PRICE, rejection="Le prix ne couvre pas le support."),
}
# Key content a bidder must read, by letter and language.
EXPECTED = {
    ("clarification", "fr"): ["demande de précisions", "SEC-04", "E83", "R2152-1",
                              "ne peut ni compléter ni modifier", "16 avril 2027", "par écrit"],
    ("clarification", "en"): ["request for clarification", "SEC-04", "R2152-1",
                              "may neither complete nor change", "16 April 2027", "in writing"],
    ("regularisation", "fr"): ["régularisation", "SEC-04", "R2152-2", "L2152-2",
                               "caractéristique substantielle", "16 avril 2027",
                               "en renvoyant le classeur régularisé"],
    ("regularisation", "en"): ["regularise", "SEC-04", "R2152-2", "substantial feature",
                               "16 April 2027", "by sending back the regularised workbook"],
    ("negotiation", "fr"): ["invitation à négocier", "R2123-5", "R2161-17",
                            "ne sont pas négociables", "16 avril 2027",
                            "en déposant votre nouvelle offre"],
    ("negotiation", "en"): ["invitation to negotiate", "R2123-5", "R2161-17",
                            "not negotiable", "16 April 2027", "by submitting your new offer"],
    ("low-price", "fr"): ["anormalement bas", "L2152-6", "R2152-3", "R2152-4",
                          "61 500,00", "16 avril 2027", "avec les pièces justificatives"],
    ("low-price", "en"): ["abnormally low", "L2152-6", "R2152-3", "R2152-4", "61,500.00",
                          "16 April 2027", "with supporting documents"],
    ("rejection", "fr"): ["rejetée comme anormalement basse", "R2152-4",
                          "ne couvre pas le support", "L551-1"],
    ("rejection", "en"): ["rejected as abnormally low", "R2152-4", "L551-1"],
}


def text(data: bytes) -> str:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


@pytest.mark.parametrize(("name", "lang"), sorted(EXPECTED))
def test_each_letter_says_what_the_bidder_may_do_and_why(name: str, lang: str) -> None:
    body = text(round_letter_bytes(LETTERS[name], lang="fr" if lang == "fr" else "en",
                                   generated=DAY))
    for expected in EXPECTED[(name, lang)]:
        assert expected in body.replace("\u202f", " ").replace("\u00a0", " "), expected
    assert "Boréal Systèmes" in body
    assert "Claire Martin" in body
    assert "Clisson" in body


def test_a_clarification_names_no_other_point() -> None:
    body = text(round_letter_bytes(LETTERS["clarification"], generated=DAY))
    assert body.count("SEC-") == 1


def test_letters_are_deterministic_and_never_overwrite(tmp_path: Path) -> None:
    first = round_letter_bytes(LETTERS["regularisation"], generated=DAY)
    assert round_letter_bytes(LETTERS["regularisation"], generated=DAY) == first
    target = write_round_letter(LETTERS["regularisation"], tmp_path / "l.docx",
                                generated=DAY)
    with pytest.raises(OutputError):
        write_round_letter(LETTERS["regularisation"], target, generated=DAY)


def test_vendor_text_stays_text() -> None:
    hostile = letter(RoundKind.LOW_PRICE, bidder="Acme\u202e =cmd", rejection="<w:p>x</w:p>")
    body = text(round_letter_bytes(hostile, lang="en", generated=DAY))
    assert "&lt;w:p&gt;x&lt;/w:p&gt;" in body  # escaped text, not a paragraph of XML
    assert "\u202e" not in body


@pytest.mark.libreoffice
def test_every_letter_renders_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext are required on CI")
        pytest.skip("LibreOffice or pdftotext not installed")
    files = []
    for name, lang in sorted(EXPECTED):
        path = tmp_path / f"{name}-{lang}.docx"
        path.write_bytes(round_letter_bytes(LETTERS[name], lang="fr" if lang == "fr"
                                            else "en", generated=DAY))
        files.append(str(path))
    profile = tmp_path / f"profile-{uuid.uuid4().hex}"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
                   capture_output=True, timeout=300, check=True)
    for name, lang in sorted(EXPECTED):
        pdf = tmp_path / f"{name}-{lang}.pdf"
        shown = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                               check=True).stdout
        assert "Pages:           1" in pages, (name, lang)  # a letter fits on one page
        flat = " ".join(shown.replace("\u202f", " ").replace("\u00a0", " ").split())
        flat = re.sub(r"(R\d{4})- (\d)", r"\1-\2", flat)  # an article split at a line end
        for expected in EXPECTED[(name, lang)]:
            assert expected in flat, (name, lang, expected)
