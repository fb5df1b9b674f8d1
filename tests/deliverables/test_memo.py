"""Tests for the decision memo and the debrief letters.

The memo follows the French analysis report (rapport d'analyse des offres, DAJ form OUV8;
code de la commande publique R2184-1 ff.); the debrief letters follow R2181-3 (reasons,
winner's name and the reasons for its choice) and R2182-1 (eleven days between the
electronic notice and the signature in formalised procedures). The price example uses
the DAJ's "classique" method (note = Nmax × Pmin / P; DAJ, "Les méthodes de notation du
critère prix dans les marchés publics", 2024).

Documents are read back with python-docx (it must open them) and by walking
``word/document.xml``; figures are checked in French conventions (decimal comma,
"26 novembre 2026").
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
from xml.etree import ElementTree

import attrs
import docx
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from tests.deliverable_fixtures import (
    make_evaluation,
    make_responses,
    small_evaluation,
    territorial_evaluation,
    territorial_questionnaire,
    territorial_robustness,
)
from tests.fixtures import full_questionnaire

import ai_procurement as ap
from ai_procurement.decision.scoring import Evaluation, Settings, evaluate
from ai_procurement.deliverables.debrief import write_debrief, write_debriefs
from ai_procurement.deliverables.labels import clean_text, isolate_bidi
from ai_procurement.deliverables.memo import write_memo
from ai_procurement.deliverables.procedure import Procedure, RejectedFile, Signatory
from ai_procurement.deliverables.robustness_annex import write_robustness_annex
from ai_procurement.deliverables.view import BODY_LIMIT
from ai_procurement.errors import OutputError, ScoringError
from ai_procurement.legal.procedure import ProcedureKind

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DAY = dt.date(2026, 11, 26)
PROCEDURE = Procedure(
    procedure_type="Procédure adaptée (article R2123-1 du code de la commande publique)",
    published=dt.date(2026, 10, 1),
    rejected=[RejectedFile("offre-tardive.zip", "Reçue le 16 décembre 2026 à 12 h 04, après "
                                                "la date limite.")],
    audit_trail=["16/12/2026 : ouverture des plis par la commission"],
    signatories=[Signatory("Marie Durand", "Présidente de la commission"),
                 Signatory("Paul Martin", "Directeur de la commande publique")],
    place="Nantes", kind=ProcedureKind.ADAPTED_WITH_PUBLICITY,
    declarations=["Claire Martin : déclare n'avoir aucun conflit d'intérêts (15 février 2027)",
                  "Louis Bernard : déclaration non remplie"])
OPEN_CALL = attrs.evolve(PROCEDURE, procedure_type="Appel d'offres ouvert",
                         kind=ProcedureKind.OPEN_CALL)

SECTIONS_FR = [
    "1. Objet de la consultation et acheteur", "2. Déroulement de la procédure",
    "3. Critères d'attribution et pondérations publiés", "4. Conformité des offres",
    "5. Analyse des offres critère par critère", "6. Analyse du prix",
    "7. Classement des offres", "8. Robustesse du classement",
    "9. Proposition d'attribution", "10. Signatures",
    "Annexe A – Questions et règles de notation",
    "Annexe B – Réponses détaillées par offre", "Annexe C – Traçabilité"]
CONTENTS_ANCHORS = [f"_Toc_{section}" for section in [*range(1, 11), "A", "B", "C"]]


# -- reading documents back ----------------------------------------------------------------

def _text(element: ElementTree.Element) -> str:
    parts = []
    for node in element.iter():
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}br":
            parts.append("\n")
        elif node.tag == f"{W}tab":
            parts.append("\t")
    return "".join(parts)


def _norm(text: str) -> str:
    """Babel's French spaces (narrow and ordinary non-breaking) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


class Read:
    """A written .docx read back: paragraphs, tables, field codes and media."""

    def __init__(self, path: Path) -> None:
        self.document = docx.Document(str(path))  # it must open in python-docx
        with zipfile.ZipFile(path) as archive:
            self.names = archive.namelist()
            root = ElementTree.fromstring(archive.read("word/document.xml"))
            footers = [ElementTree.fromstring(archive.read(n)) for n in self.names
                       if re.fullmatch(r"word/footer\d*\.xml", n)]
        self.paragraphs = [_text(p) for p in root.iter(f"{W}p")]
        self.tables = [[[_text(tc) for tc in tr.iter(f"{W}tc")] for tr in tbl.iter(f"{W}tr")]
                       for tbl in root.iter(f"{W}tbl")]
        self.fields = [(node.text or "").strip() for node in root.iter(f"{W}instrText")]
        self.bookmarks = [node.get(f"{W}name") for node in root.iter(f"{W}bookmarkStart")]
        self.footer_fields = [(node.text or "").strip() for f in footers
                              for node in f.iter(f"{W}instrText")]
        self.text = _norm("\n".join(self.paragraphs))

    def headings(self, level: int) -> list[str]:
        return [p.text for p in self.document.paragraphs
                if p.style is not None and p.style.name == f"Heading {level}"]

    def table(self, first_header: str) -> list[list[str]]:
        return next([[_norm(c) for c in row] for row in t] for t in self.tables
                    if t and t[0] and t[0][0] == first_header)

    def media(self) -> list[str]:
        return [n for n in self.names if n.startswith("word/media/") and n.endswith(".png")]


def _fr(value: float) -> str:
    """Two decimals with a decimal comma, as a French reader expects (below 1 000)."""
    assert abs(value) < 1000
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return territorial_evaluation()


@pytest.fixture(scope="module")
def memo(tmp_path_factory: pytest.TempPathFactory, evaluation: Evaluation) -> Read:
    path = tmp_path_factory.mktemp("memo") / "rapport.docx"
    write_memo(evaluation, path, robustness=territorial_robustness(), generated=DAY,
               procedure=PROCEDURE)
    return Read(path)


# -- the memo --------------------------------------------------------------------------------

def test_memo_has_every_section_of_the_analysis_report_in_order(memo: Read) -> None:
    assert memo.headings(1) == SECTIONS_FR
    assert memo.document.paragraphs[0].style.name == "Title"  # type: ignore[union-attr]


def test_memo_ranking_table_lists_the_ranked_offers_best_first(memo: Read,
                                                               evaluation: Evaluation) -> None:
    rows = memo.table("Rang")[1:]
    ranked = evaluation.ranking
    assert [row[1] for row in rows] == [v.vendor for v in ranked]
    assert [row[0] for row in rows] == [str(v.rank) for v in ranked]
    # Totals in French: "74,93", never "74.93".
    assert [row[4] for row in rows] == [_fr(v.total) for v in ranked]
    assert all(re.fullmatch(r"\d+,\d\d", row[4]) for row in rows)


def test_memo_keeps_non_compliant_and_rejected_offers_out_of_the_ranking_with_reasons(
        memo: Read, evaluation: Evaluation) -> None:
    unranked = memo.table("Offre")  # offers received, section 2
    assert {row[0] for row in unranked[1:]} == {v.vendor for v in evaluation.vendors}
    knockouts = next(t for t in memo.tables if t[0][:2] == ["Offre", "Question"])
    epsilon = evaluation.vendor("Epsilon").knockouts[0]
    # The failed answer shown as the vendor saw it ("Oui"), with the published reason.
    assert knockouts[1][:3] == ["Epsilon", epsilon.question_id, "Oui"]
    assert knockouts[1][4] == epsilon.reason.fr
    assert "La signature du fichier ne correspond pas" in memo.text  # Zeta's file
    assert "offre-tardive.zip" in memo.text
    assert "après la date limite" in memo.text


def test_memo_states_dates_and_figures_in_french(memo: Read, evaluation: Evaluation) -> None:
    assert "Rapport établi le 26 novembre 2026" in memo.text
    assert "1 octobre 2026" in memo.text  # publication date
    assert "15 décembre 2026" in memo.text  # the consultation's deadline
    assert "Fait à Nantes, le 26 novembre 2026." in memo.text
    price = evaluation.price
    assert price is not None
    # 227 400 € in French: narrow no-break space between thousands, comma, space, euro.
    lowest = f"{price.pmin:,.2f}".replace(",", " ").replace(".", ",") + " €"
    assert f"Prix le plus bas : {lowest}" in memo.text
    weights = memo.table("Id")
    assert weights[-1][1:4] == ["Total", "100,0 %", "100,00"]


def test_memo_gives_fingerprint_and_audit_trail(memo: Read, evaluation: Evaluation) -> None:
    fingerprint = evaluation.questionnaire.fingerprint
    assert memo.text.count(fingerprint) >= 2  # section 3 and annex C
    files = memo.table("Offre")
    assert files  # offers received
    audit = next(t for t in memo.tables if t[0] == ["Offre", "Fichier", "SHA-256"])
    assert {(row[1], row[2]) for row in audit[1:]} == {
        (i.file, i.sha256) for i in evaluation.inputs}
    assert "16/12/2026 : ouverture des plis par la commission" in memo.text
    rows = [row for table in memo.tables for row in table]
    assert ["Méthode de notation du prix (price_method)", "linéaire"] in rows
    assert ["ai_procurement", ap.__version__] in rows


def test_memo_lists_the_evaluators_conflict_of_interest_declarations(
        memo: Read, evaluation: Evaluation, tmp_path: Path) -> None:
    body = memo.text[memo.text.index("Annexe C – Traçabilité"):]  # after the contents
    procedure_section = body[body.index("2. Déroulement de la procédure"):
                             body.index("3. Critères d'attribution")]
    assert "L2141-10" in procedure_section
    assert _items(memo)["Conflits d'intérêts (déclarations des évaluateurs, article "
                        "L2141-10)"] == (
        "Claire Martin : déclare n'avoir aucun conflit d'intérêts (15 février 2027)\n"
        "Louis Bernard : déclaration non remplie")
    # Without any declaration recorded, the memo says so.
    path = write_memo(evaluation, tmp_path / "en.docx", lang="en", generated=DAY,
                      procedure=Procedure())
    assert _items(Read(path))["Conflicts of interest (evaluators' declarations, article "
                              "L2141-10)"] == "no declaration recorded"


def test_memo_has_charts_contents_field_and_page_numbers(memo: Read) -> None:
    # The totals by criterion are a native chart (no picture); the profiles a table.
    assert [n for n in memo.names if n.startswith("word/charts/chart")] == [
        "word/charts/chart1.xml"]
    assert memo.media() == []
    assert any(p.startswith("Figure 2 – Profil des offres classées") for p in memo.paragraphs)
    assert {"PAGE", "NUMPAGES"} <= set(memo.footer_fields)
    # The contents list every section, each with its page number: a PAGEREF field to
    # the section's heading, which Word and LibreOffice compute.
    outline = memo.paragraphs[memo.paragraphs.index("Sommaire") + 1:][:len(SECTIONS_FR)]
    assert [entry.split("\t")[0] for entry in outline] == SECTIONS_FR
    assert memo.fields == [f"PAGEREF {anchor} \\h" for anchor in CONTENTS_ANCHORS]
    assert memo.bookmarks == CONTENTS_ANCHORS
    # No note about updating fields by hand is left under the contents.
    assert "Mettre à jour les champs" not in memo.text


def test_notes_cite_strong_and_weak_answers_by_question_id(memo: Read,
                                                           evaluation: Evaluation) -> None:
    strengths = [p for p in memo.paragraphs if p.startswith("Points forts : ")]
    weaknesses = [p for p in memo.paragraphs if p.startswith("Points faibles : ")]
    scored = [c for c in evaluation.questionnaire.bank.criteria
              if evaluation.criterion_points[c.id] > 0 and not c.is_price]
    # One note per ranked offer and scored criterion.
    assert len(strengths) == len(weaknesses) == len(evaluation.ranking) * len(scored)
    # The first note is the winner's on the first criterion: its strengths earn at least
    # three quarters of their points, its weaknesses less than half, as cited.
    winner = max(evaluation.ranking, key=lambda v: (v.criteria[scored[0].id], v.vendor))
    fractions = {line.question_id: line.fraction for line in evaluation.lines_for(winner.vendor)}
    cited = re.compile(r"([A-Z]+-\d\d) « [^»]*» \(([\d,]+) / ([\d,]+) pt")
    start = next(i for i, p in enumerate(memo.paragraphs) if p.startswith(f"{winner.vendor} — "))
    strong = cited.findall(_norm(memo.paragraphs[start + 1]))
    weak = cited.findall(_norm(memo.paragraphs[start + 2]))
    assert strong
    assert all(fractions[qid] >= 0.75 for qid, _, _ in strong)
    assert all(fractions[qid] < 0.5 for qid, _, _ in weak)
    assert all(float(a.replace(",", ".")) <= float(b.replace(",", "."))
               for _, a, b in strong + weak)
    assert "preuve : memoire-technique.pdf" in memo.paragraphs[start + 1]


def test_audit_annex_shows_the_settings_as_a_two_column_table_in_words(
        memo: Read, evaluation: Evaluation) -> None:
    settings = next(t for t in memo.tables if t[0] == ["Paramètre", "Valeur"])
    rows = {row[0]: row[1] for row in settings[1:]}
    assert all(len(row) == 2 for row in settings)
    # French words only: the codes typed in campaign.yaml are English words.
    assert rows["Consensus des évaluateurs (consensus)"] == "médiane"
    assert rows["Méthode de pondération"] == "poids par défaut de la banque de questions"
    assert rows["Tolérance d'égalité (part du total) (tie_tolerance)"] == "0,000000001"
    assert rows["Ajustement des autres poids (rescaling)"] == "en proportion"
    scores = len(evaluation.evaluator_scores)
    assert f"Évaluateurs : Claire, Louis ; {scores} notes ; consensus par médiane." in memo.text
    # No raw Python value: no dict, no exponent ("1e-09", "5e+06").
    annex = memo.text[memo.text.rindex("Annexe C – Traçabilité"):]
    assert "{" not in annex
    assert not re.search(r"\de[+-]\d", memo.text)
    assert "median" not in annex
    assert "bank-defaults" not in memo.text


def test_signature_table_stays_on_the_page_of_its_heading(memo: Read) -> None:
    done = next(p for p in memo.document.paragraphs if p.text.startswith("Fait à Nantes"))
    assert done.paragraph_format.keep_with_next
    table = next(t for t in memo.document.tables if t.rows[0].cells[0].text == "Nom")
    # Every row but the last keeps with the next: the block moves to a new page whole.
    rows = table.rows
    keeps = [all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs)
             for r in rows]
    assert keeps == [True] * (len(rows) - 1) + [False]


def test_memo_flags_low_offer_for_written_justification_and_keeps_it_ranked(
        memo: Read, evaluation: Evaluation) -> None:
    low = evaluation.low_offers
    assert low is not None
    assert low.flagged == ("Gamma",)
    assert "Demande écrite de justification à adresser à : Gamma." in memo.text
    assert "n'est jamais écartée par une formule" in memo.text
    assert "Gamma" in [row[1] for row in memo.table("Rang")[1:]]


def test_memo_proposes_the_first_offer_and_says_when_there_is_no_clear_winner(
        memo: Read, evaluation: Evaluation) -> None:
    winner = evaluation.ranking[0]
    assert (f"Il est proposé d'attribuer le marché à {winner.vendor}, dont l'offre, régulière, "
            f"est classée première avec {_fr(winner.total)} points sur 100.") in memo.text
    # Gamma leads Delta by less than 2 points (2 % of 100): a close call. An unsuccessful
    # bidder may obtain the report: it says the checks were run, the findings are in the
    # internal annex (tests below).
    assert "gagnant net" not in memo.text
    assert "La solidité du classement a été vérifiée" in memo.text
    assert "annexe distincte, qui ne fait pas partie du présent rapport" in memo.text
    for sentence in territorial_robustness().sentences("fr"):
        assert _norm(sentence) not in memo.text


def _items(read: Read) -> dict[str, str]:
    """The report's R2184-2/3 items, label to value."""
    table = next(t for t in read.tables if t and t[0] and t[0][0] in (
        "Valeur estimée du besoin", "Estimated value"))
    return {_norm(row[0]): _norm(row[1]) for row in table}


def test_report_states_the_items_of_r2184(memo: Read, tmp_path: Path,
                                          evaluation: Evaluation) -> None:
    # Nothing given: each item says so; a single contract without a reason is flagged.
    items = _items(memo)
    assert items["Valeur estimée du besoin"] == "non renseignée"
    assert items["Candidats admis ou écartés"] == (
        "admis à l'analyse des offres : Alpha, Beta, Delta, Epsilon, Gamma\n"
        "écartés : 2, motifs ci-dessus (plis écartés avant l'analyse)")
    assert items["Sous-traitance déclarée"] == "aucune sous-traitance déclarée"
    assert items["Conflits d'intérêts (déclarations des évaluateurs, article L2141-10)"] == (
        "Claire Martin : déclare n'avoir aucun conflit d'intérêts (15 février 2027)\n"
        "Louis Bernard : déclaration non remplie")
    assert "À compléter : Le motif du non-allotissement n'est pas renseigné" in memo.text
    assert "(article L2113-11 du code de la commande publique)" in memo.text
    # A MAPA may negotiate if announced: the report says none was declared.
    assert items["Négociation (R2123-5)"] == "aucune négociation déclarée"
    given = attrs.evolve(PROCEDURE, estimated_value=180_000.0,
                         subcontracting="Beta : hébergement sous-traité (20 %).",
                         declarations=["Marie Durand : aucun lien avec les soumissionnaires."],
                         no_lots_reason="Une seule solution intégrée.",
                         kind=ProcedureKind.NEGOTIATED, negotiation_reason="Solution à adapter.")
    read = Read(write_memo(evaluation, tmp_path / "m.docx", lang="en", generated=DAY,
                           procedure=given))
    items = _items(read)
    assert items["Estimated value"] == "€180,000.00 excluding VAT"
    assert items["Subcontracting declared"] == "Beta : hébergement sous-traité (20 %)."
    assert items["Conflicts of interest (evaluators' declarations, article L2141-10)"] == (
        "Marie Durand : aucun lien avec les soumissionnaires.")
    assert items["Why the contract is not divided into lots (L2113-11)"] == (
        "Une seule solution intégrée.")
    assert items["Why a negotiation took place (R2161-12 à R2161-20)"] == "Solution à adapter."
    assert "To complete" not in read.text
    # A lot of an allotted consultation needs no reason; a negotiated procedure without
    # its reason is flagged; an open call has no negotiation line.
    lot = attrs.evolve(given, lot="Lot 1 : Assistant", negotiation_reason="")
    read = Read(write_memo(evaluation, tmp_path / "lot.docx", lang="en", generated=DAY,
                           procedure=lot))
    assert "L2113-11" not in read.text
    assert "To complete: The reason for negotiating is missing" in read.text
    assert _items(read)["Estimated value"] == "€180,000.00 excluding VAT (whole consultation)"
    read = Read(write_memo(evaluation, tmp_path / "ao.docx", generated=DAY,
                           procedure=OPEN_CALL))
    assert not any(key.startswith(("Négociation", "Motif de la négociation"))
                   for key in _items(read))


@pytest.fixture(scope="module")
def annex(tmp_path_factory: pytest.TempPathFactory, evaluation: Evaluation) -> Read:
    path = tmp_path_factory.mktemp("annex") / "annexe.docx"
    write_robustness_annex(evaluation, territorial_robustness(), path, generated=DAY,
                           procedure=PROCEDURE)
    return Read(path)


def test_the_internal_annex_holds_every_robustness_finding(annex: Read) -> None:
    assert annex.headings(1) == ["Classement vérifié", "Constats",
                                 "Paramètres des vérifications"]
    assert "Pas de gagnant net : " in annex.text
    for sentence in territorial_robustness().sentences("fr"):
        assert _norm(sentence) in annex.text
    assert "Document interne de travail" in annex.text
    assert annex.table("Rang")[1][1] == "Gamma"
    assert ["Graine du générateur aléatoire (seed)", "2026"] in annex.table("Paramètre")


def test_the_internal_annex_is_deterministic_and_in_english(
        tmp_path: Path, evaluation: Evaluation) -> None:
    paths = [write_robustness_annex(evaluation, territorial_robustness(),
                                    tmp_path / f"a{i}.docx", lang="en", generated=DAY)
             for i in range(2)]
    assert paths[0].read_bytes() == paths[1].read_bytes()
    read = Read(paths[0])
    assert read.headings(1) == ["Ranking tested", "Findings", "Parameters of the checks"]
    for sentence in territorial_robustness().sentences("en"):
        assert _norm(sentence) in read.text
    with pytest.raises(OutputError):
        write_robustness_annex(evaluation, territorial_robustness(), paths[0])


def test_memo_in_english(tmp_path: Path) -> None:
    evaluation = small_evaluation(["Alpha", "Beta"])
    path = write_memo(evaluation, tmp_path / "report.docx", lang="en", generated=DAY)
    read = Read(path)
    assert read.headings(1)[0] == "1. Subject and buyer"
    assert read.headings(1)[-1] == "Annex C – Audit trail"
    assert "Report dated 26 November 2026" in read.text
    assert f"{evaluation.ranking[0].total:.2f}" in read.text
    assert "The robustness analysis was not attached to this report." in read.text


def test_debrief_elides_de_before_a_winner_whose_name_starts_with_a_vowel(
        tmp_path: Path) -> None:
    evaluation = small_evaluation(["Alpha", "Beta"])
    path = write_debrief(evaluation, "Beta", tmp_path / "beta.docx", generated=DAY,
                         procedure=PROCEDURE)
    text = Read(path).text
    assert "L'offre retenue est celle d'Alpha, classée première" in text
    assert "celle de Alpha" not in text


def test_price_computation_worked_example(tmp_path: Path) -> None:
    # Bank "full": weights GOV 3, ENV 1, PLAN 1, PRICE 2 -> price = 100 × 2/7 = 28,5714 pts.
    # Classique: Alpha (80 000 €, lowest) gets 28,57; Beta gets 28,5714 × 80 000 / 100 000
    # = 22,857 -> "22,86".
    questionnaire = full_questionnaire()
    responses = make_responses(questionnaire, {"Alpha": 0.8, "Beta": 0.6}, gaps=False)
    evaluation = evaluate(questionnaire, responses, settings=Settings(100, "classique"),
                          prices={"Alpha": 80_000.0, "Beta": 100_000.0})
    read = Read(write_memo(evaluation, tmp_path / "m.docx", generated=DAY))
    table = next(t for t in read.tables
                 if t[0] == ["Offre", "Prix (coût complet)", "Points", "Calcul"])
    rows = {row[0]: [_norm(c) for c in row] for row in table[1:]}
    assert rows["Alpha"][1:3] == ["80 000,00 €", "28,57"]
    assert rows["Beta"][1:3] == ["100 000,00 €", "22,86"]
    assert rows["Beta"][3] == "28,57 × 80 000 / 100 000 ≈ 22,86"


def test_no_award_when_no_offer_is_ranked(tmp_path: Path) -> None:
    evaluation = make_evaluation(territorial_questionnaire(), {"A": 0.8, "B": 0.6},
                                 knocked_out=("A", "B"))
    assert evaluation.ranking == []
    read = Read(write_memo(evaluation, tmp_path / "m.docx", generated=DAY))
    assert "Il est proposé d'attribuer" not in read.text
    assert ("Aucune offre n'est classée : il est proposé de déclarer la procédure "
            "infructueuse.") in read.text
    assert "Motif : aucune offre régulière : 2 offres irrégulières (section 4)." in read.text
    assert read.media() == []  # nothing to chart
    letter = Read(write_debrief(evaluation, "A", tmp_path / "a.docx", generated=DAY))
    assert "la procédure est déclarée infructueuse" in letter.text


def test_tied_first_offers_get_no_automatic_award(tmp_path: Path,
                                                  evaluation: Evaluation) -> None:
    tied = attrs.evolve(evaluation, vendors=tuple(
        attrs.evolve(v, rank=1) if v.rank in (1, 2) else v for v in evaluation.vendors))
    read = Read(write_memo(tied, tmp_path / "m.docx", generated=DAY))
    assert "sont à égalité en tête" in read.text
    assert "Il est proposé d'attribuer" not in read.text
    with pytest.raises(ScoringError, match="tied first"):
        write_debrief(tied, "Beta", tmp_path / "b.docx")


def test_memo_refuses_to_overwrite_silently(tmp_path: Path) -> None:
    evaluation = small_evaluation(["Alpha", "Beta"])
    path = write_memo(evaluation, tmp_path / "m.docx", generated=DAY)
    before = path.read_bytes()
    with pytest.raises(OutputError, match="already exists"):
        write_memo(evaluation, path, generated=dt.date(2027, 1, 1))
    assert path.read_bytes() == before
    write_memo(evaluation, path, generated=dt.date(2027, 1, 1), overwrite=True)
    assert path.read_bytes() != before


def test_same_evaluation_and_date_give_identical_bytes(tmp_path: Path) -> None:
    evaluation = small_evaluation(["Alpha", "Beta", "Gamma"])
    first = write_memo(evaluation, tmp_path / "a.docx", generated=DAY).read_bytes()
    second = write_memo(evaluation, tmp_path / "b.docx", generated=DAY).read_bytes()
    assert first == second
    letter_a = write_debrief(evaluation, "Gamma", tmp_path / "c.docx", generated=DAY)
    letter_b = write_debrief(evaluation, "Gamma", tmp_path / "d.docx", generated=DAY)
    assert letter_a.read_bytes() == letter_b.read_bytes()
    core = zipfile.ZipFile(tmp_path / "a.docx").read("docProps/core.xml").decode()
    assert "2026-11-26T00:00:00Z" in core


def test_properties_footers_and_pictures_belong_to_each_document(tmp_path: Path) -> None:
    # Buyer texts with markup characters, a tab and a line break come out as typed.
    consultation = ap.Consultation(reference="R&D <7>", title='Outil "IA" & co',
                                   buyer="Ville & <Cie>\tachats\nService")
    evaluation = make_evaluation(full_questionnaire(consultation),
                                 {"Alpha": 0.9, "Beta": 0.6, "Gamma": 0.3})
    memo = Read(write_memo(evaluation, tmp_path / "m.docx", generated=DAY))
    props = memo.document.core_properties
    assert props.title == "Rapport d'analyse des offres – R&D <7>"
    assert props.subject == 'Outil "IA" & co'
    assert props.author == "Ville & <Cie>\tachats\nService"
    assert props.created is not None
    assert props.created.date() == DAY
    assert memo.document.sections[0].footer.paragraphs[0].text == (
        "Rapport d’analyse des offres R&D <7> – page 1 / 1")
    # The totals chart: a drawing of its own (Word repairs a file with duplicate ids)
    # showing the memo's own chart part, 17 cm wide.
    shapes = list(memo.document.inline_shapes)
    assert [round(s.width.cm, 1) for s in shapes] == [17.0]
    body = memo.document.element.body
    ids = [e.get("id") for e in body.iter(f"{WP}docPr")]
    charts = [e.get(f"{R}id") for e in body.iter(f"{C}chart")]
    assert len(set(ids)) == len(charts) == 1
    part = memo.document.part
    assert part.related_parts[charts[0]].content_type == (
        "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
    letter = Read(write_debrief(evaluation, "Gamma", tmp_path / "g.docx", generated=DAY))
    assert letter.document.sections[0].footer.paragraphs[0].text == (
        "Ville & <Cie>\tachats\nService – R&D <7> – page 1 / 1")
    assert letter.document.core_properties.title == "Information d'un soumissionnaire évincé"
    assert not letter.media()


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScoringError, match="'fr' or 'en'"):
        write_memo(small_evaluation(["A"]), tmp_path / "m.docx", lang="de")  # type: ignore[arg-type]


# -- debrief letters -------------------------------------------------------------------------

def test_debrief_compares_the_vendor_with_the_winner(tmp_path: Path,
                                                     evaluation: Evaluation) -> None:
    path = write_debrief(evaluation, "Beta", tmp_path / "beta.docx", generated=DAY,
                         procedure=PROCEDURE)
    read = Read(path)
    winner, beta = evaluation.ranking[0], evaluation.vendor("Beta")
    table = read.table("Critère")
    assert table[0][3] == f"Offre retenue ({winner.vendor})"
    titles = {c.id: c.title.fr for c in evaluation.questionnaire.bank.criteria}
    expected = [[titles[cid], _fr(points), _fr(beta.criteria[cid]), _fr(winner.criteria[cid])]
                for cid, points in evaluation.criterion_points.items() if points > 0]
    assert table[1:-1] == expected
    assert table[-1] == ["Total", "100,00", _fr(beta.total), _fr(winner.total)]
    assert f"Elle est classée {beta.rank}e sur 4 offres classées" in read.text
    de = "d'" if winner.vendor[0] in "AEIOUÉ" else "de "
    assert (f"L'offre retenue est celle {de}{winner.vendor}, classée première avec "
            f"{_fr(winner.total)} points sur 100") in read.text
    # A MAPA: R2181-1 and R2181-2, no standstill, the contract may be signed at once.
    assert ("La présente lettre vous informe du rejet de votre offre en application des "
            "articles R2181-1 et R2181-2 du code de la commande publique.") in read.text
    assert "Le marché peut donc être signé dès l'envoi de la présente lettre." in read.text
    assert "R2181-3" not in read.text
    assert "R2181-4" not in read.text
    assert "pourra être signé à compter du" not in read.text
    assert "le référé contractuel, dans les conditions et délais des articles L551-13" \
        in read.text
    assert "Tarn-et-Garonne, n° 358994" in read.text
    assert "Motifs : points faibles de votre offre" in read.text
    assert "Nantes, le 26 novembre 2026" in read.text
    assert "Marie Durand" in read.text


def test_debrief_of_a_non_compliant_offer_gives_the_knock_out(tmp_path: Path,
                                                              evaluation: Evaluation) -> None:
    read = Read(write_debrief(evaluation, "Epsilon", tmp_path / "e.docx", generated=DAY))
    failure = evaluation.vendor("Epsilon").knockouts[0]
    row = read.table("Question")[1]
    assert row[0].startswith(failure.question_id + " – ")
    assert row[1] == "Oui"
    assert row[3] == failure.reason.fr
    assert "votre offre est irrégulière" in read.text
    assert "Comparaison par critère" not in read.text  # an irregular offer is not compared


def test_debrief_of_a_rejected_file_gives_the_reason(tmp_path: Path,
                                                     evaluation: Evaluation) -> None:
    read = Read(write_debrief(evaluation, "Zeta", tmp_path / "z.docx", generated=DAY,
                              lang="en"))
    assert "your file could not be evaluated" in read.text
    assert "The file's signature does not match the published questionnaire" in read.text
    # No procedure stated: no standstill is claimed; the remedy until signature is given.
    assert "days" not in read.text
    assert "Until the contract is signed, you may bring a pre-contractual summary action" \
        in read.text
    assert "R2181-3 and R2181-4" in read.text


def test_debrief_of_a_formalised_procedure_gives_the_signature_date(
        tmp_path: Path, evaluation: Evaluation) -> None:
    read = Read(write_debrief(evaluation, "Beta", tmp_path / "beta.docx", generated=DAY,
                              procedure=OPEN_CALL))
    # 26 November + 11 days (R2182-1, electronic sending), + 16 otherwise.
    assert ("Le marché pourra être signé à compter du 7 décembre 2026 (article R2181-3, 2°, "
            "du code de la commande publique) : un délai minimal de 11 jours sépare l'envoi "
            "de la présente notification par voie électronique, le 26 novembre 2026, de la "
            "signature du marché (article R2182-1).") in read.text
    assert "ce délai est de 16 jours et le marché pourra être signé à compter du " \
        "12 décembre 2026." in read.text
    assert "articles R2181-1, R2181-3 et R2181-4 du code de la commande publique" in read.text
    assert "les caractéristiques et les avantages relatifs de l'offre retenue" in read.text
    assert "jusqu'à la signature du marché, le référé précontractuel (article L551-1 du " \
        "code de justice administrative)" in read.text
    assert "L551-13" in read.text
    assert "n° 358994" in read.text
    english = Read(write_debrief(evaluation, "Beta", tmp_path / "beta-en.docx", lang="en",
                                 generated=DAY, procedure=OPEN_CALL))
    assert "The contract may be signed from 7 December 2026" in english.text


def test_debrief_standstill_days_come_from_the_legal_facts(
        tmp_path: Path, evaluation: Evaluation, monkeypatch: pytest.MonkeyPatch) -> None:
    from ai_procurement.deliverables import debrief
    from ai_procurement.legal.facts import LegalFacts, legal_facts

    facts = legal_facts()
    changed = LegalFacts(tuple(attrs.evolve(x, value=13) if x.id == "ccp.standstill_days"
                               else x for x in facts.facts))
    monkeypatch.setattr(debrief, "legal_facts", lambda: changed)
    read = Read(write_debrief(evaluation, "Beta", tmp_path / "b.docx", generated=DAY,
                              procedure=OPEN_CALL))
    assert "à compter du 9 décembre 2026" in read.text
    assert "délai minimal de 13 jours" in read.text


def test_debrief_of_a_subsequent_contract_follows_its_framework(
        tmp_path: Path, evaluation: Evaluation) -> None:
    procedure = attrs.evolve(PROCEDURE, kind=ProcedureKind.SUBSEQUENT_CONTRACT)
    read = Read(write_debrief(evaluation, "Beta", tmp_path / "b.docx", generated=DAY,
                              lang="en", procedure=procedure))
    assert "under the terms for reopening competition set by the framework agreement" \
        in read.text
    assert "The standstill of R2182-1 is not required for awarding contracts based on a " \
        "framework agreement (R2182-2, 2°)" in read.text
    assert "may be signed from" not in read.text


def test_all_letters_of_an_evaluation_at_once_match_the_letters_one_by_one(
        tmp_path: Path, evaluation: Evaluation) -> None:
    losers = [v.vendor for v in evaluation.vendors if v.rank != 1]
    paths = {vendor: tmp_path / "batch" / f"{vendor}.docx" for vendor in losers}
    written = write_debriefs(evaluation, paths, generated=DAY, procedure=PROCEDURE)
    assert written == list(paths.values())
    for vendor in losers:
        alone = write_debrief(evaluation, vendor, tmp_path / f"{vendor}.docx", generated=DAY,
                              procedure=PROCEDURE)
        assert paths[vendor].read_bytes() == alone.read_bytes()


def test_a_batch_of_letters_is_refused_whole_before_any_is_written(
        tmp_path: Path, evaluation: Evaluation) -> None:
    winner = evaluation.ranking[0].vendor
    with pytest.raises(ScoringError, match="ranked first"):
        write_debriefs(evaluation, {"Beta": tmp_path / "beta.docx",
                                    winner: tmp_path / "winner.docx"})
    (tmp_path / "alpha.docx").write_bytes(b"an earlier letter")
    with pytest.raises(OutputError, match="already exists"):
        write_debriefs(evaluation, {"Beta": tmp_path / "beta.docx",
                                    "Alpha": tmp_path / "alpha.docx"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alpha.docx"]
    assert (tmp_path / "alpha.docx").read_bytes() == b"an earlier letter"


def test_debrief_refuses_the_winner_and_unknown_vendors(tmp_path: Path,
                                                        evaluation: Evaluation) -> None:
    with pytest.raises(ScoringError, match="ranked first"):
        write_debrief(evaluation, evaluation.ranking[0].vendor, tmp_path / "w.docx")
    with pytest.raises(ScoringError, match="unknown vendor 'Nobody'"):
        write_debrief(evaluation, "Nobody", tmp_path / "n.docx")
    assert not list(tmp_path.iterdir())


# -- hostile vendor text --------------------------------------------------------------------

_PIECES = ["=cmd|' /C calc'!A0", "+SUM(1;2)", "-2+3", "@IMPORT", "\x00\x07\x1b", "\ud800",
           "שלום עולם", "مرحبا", "\u202eevil\u202c", "\u2066x\u2069", "😀🇫🇷", "a\tb\nc", "$x^2$",
           "<w:t>&amp;</w:t>", "Société Générale"]
_LONG = "Z" * 30_000
# A long text is drawn as a marker and built in the test: hypothesis would otherwise
# print 30 kB reprs of every example.
hostile = st.one_of(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3).map("".join),
                    st.just("LONG"))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(name=hostile, answer=hostile)
@example(name="\x00\x07\x1b שלום עולם 😀🇫🇷", answer="\ud800\u202eevil\u202c مرحبا")
@example(name="\u202eevil\u202c Corp", answer="<w:t>&amp;</w:t> 😀 \x1b =1+1")
def test_hostile_names_and_answers_come_out_literally(tmp_path_factory: pytest.TempPathFactory,
                                                      name: str, answer: str) -> None:
    name = _LONG if name == "LONG" else name
    answer = _LONG + " fin" if answer == "LONG" else answer
    evaluation = small_evaluation([name, "Beta"], texts={name: answer, "Beta": answer},
                                  justifications={name: answer})
    folder = tmp_path_factory.mktemp("hostile")
    read = Read(write_memo(evaluation, folder / "m.docx", generated=DAY))
    shown = _norm(isolate_bidi(clean_text(name, limit=200, marker=" […]")))
    assert shown in read.text
    if name.isprintable() and len(name) < 200 and not any(c in name for c in "\u202e\u2066"):
        assert name in read.text  # nothing lost: formulas, RTL, emoji, markup as typed
    # Nothing a vendor typed becomes a field code: the only fields are the contents'.
    assert read.fields == [f"PAGEREF {anchor} \\h" for anchor in CONTENTS_ANCHORS]
    # Long answers are cut visibly: in the body at BODY_LIMIT, in the annex at 5 000.
    longest = max(len(p) for p in read.paragraphs)
    assert longest < 6_000
    if len(answer) > BODY_LIMIT and answer.isprintable():
        assert answer[:100] in read.text
        assert " […]" in read.text
    if name != evaluation.ranking[0].vendor:
        letter = Read(write_debrief(evaluation, name, folder / "d.docx", generated=DAY))
    else:
        letter = Read(write_debrief(evaluation, "Beta", folder / "d.docx", generated=DAY))
    assert shown in letter.text


# -- LibreOffice ---------------------------------------------------------------------------

def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is required on CI")
        pytest.skip("soffice (LibreOffice) not installed")
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is required on CI")
        pytest.skip("pdftotext not installed")
    return found


@pytest.mark.libreoffice
def test_memo_and_debrief_convert_to_pdf_with_libreoffice(tmp_path: Path,
                                                          evaluation: Evaluation) -> None:
    soffice = _soffice()
    memo_path = write_memo(evaluation, tmp_path / "rapport.docx",
                           robustness=territorial_robustness(), generated=DAY,
                           procedure=PROCEDURE)
    letter_path = write_debrief(evaluation, "Beta", tmp_path / "beta.docx", generated=DAY)
    letters = [write_debrief(evaluation, "Delta", tmp_path / f"delta-{name}.docx",
                             generated=DAY, procedure=procedure)
               for name, procedure in (("mapa", PROCEDURE), ("ao", OPEN_CALL))]
    profile = Path("/tmp") / f"ap-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(memo_path),
                        str(letter_path), *map(str, letters)], check=True,
                       capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "rapport.pdf"), "-"],
                           check=True, capture_output=True, text=True).stdout.split("\f")
    text = _norm("\n".join(pages))
    count = len([p for p in pages if p.strip()])
    assert count > 10
    # Page numbers from the footer fields, on every page.
    assert f"page 1 / {count}" in text
    # The contents give each section's page, as laid out.
    contents = {title: int(page) for title, page in re.findall(
        r"^ *(\S.*?)\.{3,}(\d+)$", _norm(pages[0]), flags=re.MULTILINE)}
    assert list(contents) == SECTIONS_FR
    for title, page in contents.items():
        assert title in _norm(pages[page - 1]), title
    assert f"page {count} / {count}" in text
    # The ranking, best first, with French figures.
    ranking = text[text.index("7. Classement des offres", text.index("Annexe C")):]
    positions = [ranking.index(f" {v.vendor} ") for v in evaluation.ranking]
    assert positions == sorted(positions)
    assert _fr(evaluation.ranking[0].total) in ranking
    assert "Figure 1 – " in text
    assert "Figure 2 – " in text
    # LibreOffice draws the native chart: its axis title and labels print with it.
    chart_page = next(_norm(p) for p in pages if "Figure 1 – " in p)
    assert "Points (sur 100)" in chart_page
    winner = evaluation.ranking[0]
    assert f"{winner.vendor} – {winner.total:.1f}".replace(".", ",") in chart_page
    letter = _norm(subprocess.run(["pdftotext", str(tmp_path / "beta.pdf"), "-"], check=True,
                                  capture_output=True, text=True).stdout)
    assert f"{_fr(evaluation.ranking[0].total)} points sur 100" in letter
    assert re.search(r"page 1 / \d+", letter)
    # The report a rejected bidder may obtain holds no robustness finding.
    flat = " ".join(text.split())
    for word in ("tipping", "bascule", "SMAA", "Sans l'offre", "gagnant net"):
        assert word not in flat
    for sentence in territorial_robustness().sentences("fr"):
        assert " ".join(_norm(sentence).split()) not in flat
    assert "La solidité du classement a été vérifiée" in flat
    # The letters cite the articles of their procedure, as printed.
    mapa, ao = (" ".join(_norm(subprocess.run(
        ["pdftotext", str(tmp_path / f"delta-{name}.pdf"), "-"], check=True,
        capture_output=True, text=True).stdout).split()) for name in ("mapa", "ao"))
    assert "articles R2181-1 et R2181-2 du code de la commande publique" in mapa
    assert "R2181-3" not in mapa
    assert "Le marché peut donc être signé dès l'envoi de la présente lettre." in mapa
    assert "articles R2181-1, R2181-3 et R2181-4 du code de la commande publique" in ao
    # Letter dated 26 November 2026 + 11 days (R2182-1).
    assert "Le marché pourra être signé à compter du 7 décembre 2026" in ao
    assert "R2182-1" in ao
    for text_ in (mapa, ao):
        assert "L551-13" in text_
        assert "Tarn-et-Garonne, n° 358994" in text_


# -- sub-criteria ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sub_criteria_weights_and_each_offers_points_are_in_the_memo(
        tmp_path: Path, lang: ap.Lang) -> None:
    from tests.deliverable_fixtures import sub_criteria_evaluation

    from ai_procurement.deliverables.view import EvaluationView
    from ai_procurement.questionnaire import sub_criterion_points

    ev = sub_criteria_evaluation()
    f = EvaluationView(ev, lang).f
    read = Read(write_memo(ev, tmp_path / "memo.docx", lang=lang, generated=DAY))
    published = sub_criterion_points(ev.questionnaire, ev.settings.total_points)["SOV"]
    # Section 3: the published sub-criteria, their share of the criterion and points.
    weights = next(t for t in read.tables if t[0][:3] == (
        ["Critère", "Id", "Sous-critère"] if lang == "fr" else
        ["Criterion", "Id", "Sub-criterion"]))
    title = {"fr": "Hébergement et localisation", "en": "Hosting and location"}[lang]
    assert [_norm(c) for c in weights[1]] == ["SOV", "SOV-A", title, _norm(f.pct(0.75, 1)),
                                              _norm(f.pts(published["SOV-A"]))]
    assert _norm(weights[2][4]) == ("1,25" if lang == "fr" else "1.25")
    assert any("Saint-Pal-de-Mons" in p and "337377" in p for p in read.paragraphs)
    # Section 5.x: each ranked offer's points per sub-criterion, out of the published points.
    points = next(t for t in read.tables if t[0][1].startswith("SOV-A"))
    assert _norm(points[0][1]).endswith(_norm(f.pts(published["SOV-A"])))
    shown = {row[0]: [_norm(c) for c in row[1:]] for row in points[1:]}
    assert shown == {r.vendor: [_norm(f.pts(r.sub_criteria[s])) for s in ("SOV-A", "SOV-B")]
                     for r in ev.ranking}


def test_no_sub_criteria_no_sub_criteria_table(tmp_path: Path) -> None:
    read = Read(write_memo(territorial_evaluation(), tmp_path / "memo.docx", generated=DAY))
    assert not any("Saint-Pal-de-Mons" in p for p in read.paragraphs)
    assert not any(t[0][:3] == ["Critère", "Id", "Sous-critère"] for t in read.tables)
