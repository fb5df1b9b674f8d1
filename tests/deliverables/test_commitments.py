"""The commitments annex: the winning offer's binding answers, ready to attach to the contract."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import docx
import pytest
from tests.deliverable_fixtures import territorial_evaluation

import ai_procurement as ap
from ai_procurement.decision.commitments import binding_commitments
from ai_procurement.decision.scoring import Evaluation
from ai_procurement.deliverables.commitments import write_commitments_annex
from ai_procurement.errors import OutputError, ScoringError

DAY = dt.date(2027, 3, 1)


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return territorial_evaluation()


def _read(path: Path) -> tuple[str, list[list[str]]]:
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs).replace("\u00a0", " ")
    tables = [[[c.text.replace("\u00a0", " ") for c in row.cells] for row in t.rows]
              for t in document.tables]
    return text, tables


def test_the_annex_lists_the_winners_commitments(evaluation: Evaluation,
                                                 tmp_path: Path) -> None:
    path = write_commitments_annex(evaluation, tmp_path / "engagements-fr.docx", lang="fr",
                                   generated=DAY)
    text, tables = _read(path)
    winner = evaluation.ranking[0].vendor
    consultation = evaluation.questionnaire.consultation
    assert "Annexe : engagements de l'offre retenue" in text
    assert "Elles engagent le titulaire" in text
    assert "engagements contractuels" in text
    assert "Annexe à joindre au marché" in text
    facts = {row[0]: row[1] for row in tables[0]}
    assert facts["Titulaire"] == winner
    assert consultation.reference in facts["Consultation"]
    assert facts["Date"] == "1er mars 2027"
    commitments = binding_commitments(evaluation)
    assert commitments
    rows = tables[1]
    assert rows[0] == ["Question", "Intitulé", "Réponse engageante", "Preuves citées"]
    assert [r[0] for r in rows[1:]] == [c.question_id for c in commitments]
    first = commitments[0]
    assert rows[1][1] == first.question.fr
    assert rows[1][2].startswith(first.answer.fr)
    assert f"Commentaire : {first.comment}" in rows[1][2]
    assert rows[1][3] == first.evidence


def test_the_english_annex_and_another_vendor(evaluation: Evaluation, tmp_path: Path) -> None:
    second = evaluation.ranking[1].vendor
    path = write_commitments_annex(evaluation, tmp_path / "a.docx", lang="en", vendor=second,
                                   generated=DAY)
    text, tables = _read(path)
    assert "Annex: commitments of the selected offer" in text
    assert "They bind the contractor" in text
    assert {row[0]: row[1] for row in tables[0]}["Contractor"] == second
    assert [r[0] for r in tables[1][1:]] == [
        c.question_id for c in binding_commitments(evaluation, second)]
    assert tables[1][1][2].startswith(binding_commitments(evaluation, second)[0].answer.en)


def test_the_annex_has_the_same_bytes_every_time(evaluation: Evaluation,
                                                 tmp_path: Path) -> None:
    first = write_commitments_annex(evaluation, tmp_path / "1.docx", generated=DAY)
    second = write_commitments_annex(evaluation, tmp_path / "2.docx", generated=DAY)
    assert first.read_bytes() == second.read_bytes()


def test_the_annex_refuses_what_it_cannot_write(evaluation: Evaluation,
                                               tmp_path: Path) -> None:
    path = write_commitments_annex(evaluation, tmp_path / "a.docx", generated=DAY)
    with pytest.raises(OutputError):
        write_commitments_annex(evaluation, path, generated=DAY)
    with pytest.raises(ScoringError, match="unknown vendor"):
        write_commitments_annex(evaluation, tmp_path / "b.docx", vendor="Nobody")
    with pytest.raises(ScoringError):
        write_commitments_annex(evaluation, tmp_path / "c.docx", lang="de")  # type: ignore[arg-type]
    assert not (tmp_path / "b.docx").exists()
    assert ap.write_commitments_annex is write_commitments_annex


@pytest.mark.libreoffice
def test_libreoffice_opens_the_annex(evaluation: Evaluation, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext are required on CI")
        pytest.skip("LibreOffice or pdftotext not installed")
    path = write_commitments_annex(evaluation, tmp_path / "engagements.docx", generated=DAY)
    profile = Path("/tmp") / f"ap-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "engagements.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    words = " ".join(text.replace("\u00a0", " ").split())
    assert "Annexe : engagements de l'offre retenue" in words
    # Every commitment is laid out, down to the last one; the footer numbers the pages.
    assert binding_commitments(evaluation)[-1].question_id in words
    assert "page 1 / " in words
