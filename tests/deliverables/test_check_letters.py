"""Check reports as letters: the buyer's part, the bidder's part, and what each may hold."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from ai_procurement.answers import Answer, AnswerState, Report
from ai_procurement.deliverables.check_letters import check_letters, move_aside, to_pdf
from ai_procurement.findings import Finding
from ai_procurement.questionnaire import Consultation
from ai_procurement.text import Text

CONSULTATION = Consultation("2027-IA-009", "Assistant de tri du courrier",
                            "Ville de Rivebelle", "achats@rivebelle.example",
                            dt.date(2027, 2, 15))
SHA = "ab" * 32
DAY = dt.date(2027, 3, 1)


def _finding(severity: str, code: str, fr: str, question: str = "") -> Finding:
    return Finding(severity, code, Text(fr, fr.replace("Question", "Question (en)")),  # type: ignore[arg-type]
                   "offre.xlsx", "Questions", "F12", question)


REPORT = Report("offre.xlsx", SHA, (
    _finding("warning", "unanswered", "2 question(s) sans réponse : Q010, Q011."),
    _finding("error", "formula", "Une formule en F12 : saisissez une valeur.", "Q003"),
    _finding("warning", "identity-mismatch", "Numéro d'immatriculation différent."),
    _finding("warning", "answered-not-applicable", "La question Q020 ne s'applique pas.",
             "Q020"),
    _finding("warning", "evidence-missing", "Justificatif manquant pour Q020.", "Q020"),
))
ANSWERS = {"Q020": Answer("Q020", AnswerState.NOT_APPLICABLE_BY_CONDITION)}


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    return "\n".join(parts)


def test_after_the_deadline_the_bidder_gets_only_clarifications_and_regularisations() -> None:
    letters = check_letters(REPORT, ANSWERS, consultation=CONSULTATION, lang="fr", day=DAY,
                            bidder="Boréal Data", after_deadline=True)
    buyer = _text(letters.buyer)
    # The letterhead: buyer, consultation, bidder, date; never the hash.
    for expected in ("Ville de Rivebelle", "2027-IA-009", "Assistant de tri du courrier",
                     "Boréal Data", "1er mars 2027", "offre.xlsx"):
        assert expected in buyer
    assert SHA not in buyer
    assert "SHA-256 :" not in buyer
    assert "journal d'audit" in buyer
    # Errors apart from warnings, and no warning repeated on a question that does not apply.
    assert "Erreurs (1)" in buyer
    assert "Avertissements (3)" in buyer
    # Counts with their plural forms, never "(s)".
    assert "(1 erreur, 3 avertissements)" in buyer
    assert "erreur(s)" not in buyer
    assert "point(s)" not in buyer
    assert "Justificatif manquant" not in buyer
    assert letters.bidder is not None
    bidder = _text(letters.bidder)
    assert "R2152-2" in bidder
    assert "Invitation à régulariser" in bidder
    assert "Demande de précisions" in bidder
    assert "Numéro d'immatriculation" in bidder
    # Asking to add answers after the deadline would let the bidder improve its offer.
    assert "sans réponse" not in bidder
    assert SHA not in bidder


def test_before_the_deadline_every_point_may_be_sent_in_english_too() -> None:
    letters = check_letters(REPORT, ANSWERS, consultation=CONSULTATION, lang="en", day=DAY,
                            bidder="Boréal Data", after_deadline=False)
    assert letters.bidder is not None
    bidder = _text(letters.bidder)
    assert "sans réponse" in bidder  # the finding's text, in both languages here
    assert "until the deadline for offers" in bidder
    assert "R2152-2" not in bidder
    assert "Errors (1)" in _text(letters.buyer)


def test_nothing_to_send_gives_no_bidder_letter_and_the_buyer_is_told() -> None:
    report = Report("offre.xlsx", SHA, (
        _finding("warning", "unanswered", "1 question(s) sans réponse : Q010."),))
    letters = check_letters(report, {}, consultation=CONSULTATION, lang="fr", day=DAY,
                            after_deadline=True)
    assert letters.bidder is None
    assert "Rien n'est à transmettre au candidat" in _text(letters.buyer)


def test_letters_are_the_same_bytes_for_the_same_inputs() -> None:
    one = check_letters(REPORT, ANSWERS, consultation=CONSULTATION, lang="fr", day=DAY,
                        after_deadline=True)
    two = check_letters(REPORT, ANSWERS, consultation=CONSULTATION, lang="fr", day=DAY,
                        after_deadline=True)
    assert one == two


def test_move_aside_keeps_every_file(tmp_path: Path) -> None:
    first = tmp_path / "a.docx"
    first.write_text("1")
    moved = move_aside([first], tmp_path / "archive", DAY)
    first.write_text("2")
    moved += move_aside([first], tmp_path / "archive", DAY)
    assert [p.name for p in moved] == ["a.docx", "a (2).docx"]
    assert [p.read_text() for p in moved] == ["1", "2"]
    assert not first.exists()


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler render the letters")
def test_rendered_letters_show_the_letterhead_and_the_split(tmp_path: Path) -> None:
    letters = check_letters(REPORT, ANSWERS, consultation=CONSULTATION, lang="fr", day=DAY,
                            bidder="Boréal Data", after_deadline=True)
    assert letters.bidder is not None
    buyer, bidder = tmp_path / "offre.xlsx.fr.docx", tmp_path / "offre.xlsx.fr.candidat.docx"
    buyer.write_bytes(letters.buyer)
    bidder.write_bytes(letters.bidder)
    made = to_pdf([buyer, bidder])
    assert made == [buyer.with_suffix(".pdf"), bidder.with_suffix(".pdf")]
    texts = [subprocess.run(["pdftotext", str(p), "-"], check=True, capture_output=True,
                            text=True).stdout for p in made]
    assert "Ville de Rivebelle" in texts[0]
    assert "pour l'acheteur" in texts[0]
    assert texts[0].index("Erreurs (1)") < texts[0].index("Une formule") < texts[0].index(
        "Avertissements (3)") < texts[0].index("sans réponse")
    assert "Contrôle de votre offre" in texts[1]
    assert "R2152-2" in texts[1]
    assert "sans réponse" not in texts[1]
    assert all(SHA not in t for t in texts)


def test_a_file_of_no_registered_offer_gets_no_bidder_letter_after_the_deadline() -> None:
    letters = check_letters(REPORT, ANSWERS, consultation=CONSULTATION, lang="fr", day=DAY,
                            bidder=None, after_deadline=True)
    assert letters.bidder is None
    assert "aucune offre enregistrée" in _text(letters.buyer)
