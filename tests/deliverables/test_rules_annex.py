"""Tests for the RC annex: the published award rules are the rules the scoring applies.

The figures are checked against :func:`ai_procurement.decision.scoring.evaluate` on the
same questionnaire, never against numbers recomputed here. Price formulas are those of
the DAJ fiche "Les méthodes de notation du critère prix dans les marchés publics" (2024):
classique N = Nmax × Pmin / P, linéaire N = Nmax × (Pmax − P) / (Pmax − Pmin); "écart
relatif" is the practitioners' variant Nmax × (1 − c × (P − Pmin) / Pmin), floored at 0.
Articles are those of the code de la commande publique (R2152-11/12 criteria and weights
in the consultation documents, L2152-2 irregular offers, L2152-5/6 and R2152-3/4
abnormally low offers, R2113-1 cap on lots, R2151-8/9 variants, R2132-2 buyer profile).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from tests.fixtures import CONSULTATION, full_bank
from tests.strategies import banks

from ai_procurement.answers import Answer, AnswerState, EvidenceRef, Report, Response
from ai_procurement.bank.model import Bank, KnockOut, Question
from ai_procurement.decision.price import PRICE_METHODS, price_points
from ai_procurement.decision.scoring import Evaluation, Settings, evaluate
from ai_procurement.deliverables.labels import clean_text, number, percent
from ai_procurement.deliverables.rules_annex import (
    AwardRules,
    LotRules,
    rules_annex_bytes,
    write_rules_annex,
)
from ai_procurement.errors import OutputExistsError, QuestionnaireError
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.text import Lang, Text

OPEN = AwardRules("open", variants_allowed=False)


def weighted_bank() -> Bank:
    """:func:`full_bank` with unequal question weights in GOV and two more knock-outs.

    GOV weighs its questions 2, 1, 3, 0.5 and 1.5 (sum 8); ENV-01 knocks out an offer
    above 10 Wh per request, GOV-03 one that ticks HDS (a made-up rule, to list a
    multiple-choice knock-out).
    """
    bank = full_bank()
    gov, env, *rest = bank.criteria
    gov_weights = {"GOV-01": 2.0, "GOV-02": 1.0, "GOV-03": 3.0, "GOV-04": 0.5, "GOV-05": 1.5}
    govs = tuple(attrs.evolve(q, weight=gov_weights[q.id]) for q in gov.questions)
    govs = tuple(attrs.evolve(q, knockout=KnockOut(Text("HDS exclu", "HDS excluded"),
                                                   ("hds",)))
                 if q.id == "GOV-03" else q for q in govs)
    envs = tuple(attrs.evolve(q, knockout=KnockOut(Text("Trop énergivore", "Too greedy"),
                                                   above=10.0))
                 if q.id == "ENV-01" else q for q in env.questions)
    return attrs.evolve(bank, criteria=(attrs.evolve(gov, questions=govs),
                                        attrs.evolve(env, questions=envs), *rest))


def questionnaire(consultation: Consultation = CONSULTATION) -> Questionnaire:
    return freeze(weighted_bank(), consultation)


def lot(settings: Settings | None = None, *, lot_id: str = "1",
        title: str = "Assistant courrier", q: Questionnaire | None = None) -> LotRules:
    return LotRules(lot_id, title, q or questionnaire(),
                    settings or Settings(total_points=100, price_method="classique"))


def given_(qid: str, value: Any, document: str = "") -> Answer:
    return Answer(qid, AnswerState.ANSWERED, value, "", EvidenceRef(document))


def response(vendor: str, **changes: Answer) -> Response:
    """An offer where every question counts (no N/A, the condition of GOV-02 met)."""
    answers = {a.question_id: a for a in (
        given_("GOV-01", "yes", "Hebergement.pdf"), given_("GOV-02", "own"),
        given_("GOV-03", ("iso27001",)), given_("GOV-04", 3),
        given_("GOV-05", "Un agent valide chaque réponse."), given_("ENV-01", 1.0),
        given_("ENV-02", 95.0), given_("ENV-03", 2.0),
        given_("PLAN-01", dt.date(2027, 3, 1)),
        given_("PRICE-01", {"licence": 1000.0, "setup": 500.0, "training": 100.0}))}
    answers.update(changes)
    file = f"{vendor}.xlsx"
    return Response(file, f"token-{vendor}", answers, Report(file, "ab" * 32, ()))


def blocks(data: bytes) -> list[str]:
    """Every paragraph and every table row of the document, in order."""
    document = docx.Document(io.BytesIO(data))
    found: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            found += [" | ".join(c.text for c in row.cells) for row in item.rows]
        else:
            found.append(item.text)
    return found


def table_rows(data: bytes) -> list[list[str]]:
    document = docx.Document(io.BytesIO(data))
    return [[c.text for c in row.cells] for t in document.tables for row in t.rows]


def text_of(data: bytes) -> str:
    return "\n".join(blocks(data))


def row_of(data: bytes | list[list[str]], first: str, cols: int) -> list[str]:
    """The row of a ``cols``-column table whose first cell is ``first`` (or ``first …``).

    Tables: lots 3 columns, criteria 4, scored questions 5, cost items 2, knock-outs 3.
    ``data`` is the document or its :func:`table_rows`.
    """
    table = table_rows(data) if isinstance(data, bytes) else data
    rows = [r for r in table if len(r) == cols and r[0].split(" ", 1)[0] == first]
    assert len(rows) == 1, (first, rows)
    return rows[0]


# -- the figures are the scoring's ---------------------------------------------------------

@pytest.mark.parametrize(("total", "lang"), [(100, "fr"), (20, "en")])
def test_the_annex_states_the_points_the_scoring_applies(total: float, lang: Lang) -> None:
    rules = lot(Settings(total_points=total, price_method="classique"))
    evaluation = evaluate(rules.questionnaire, {"A": response("A")}, settings=rules.settings)
    data = rules_annex_bytes([rules], OPEN, lang=lang)
    weights = rules.questionnaire.weights
    for cid, points in evaluation.criterion_points.items():
        row = row_of(data, cid, 4)
        assert row[2] == percent(weights[cid], lang, 2)
        assert row[3] == number(points, lang, 2)
    # Every question that weighs: its share of the criterion and its maximum points are
    # those the evaluation gives it when every question counts.
    lines = [line for line in evaluation.lines_for("A") if line.weight > 0]
    assert {line.question_id for line in lines} == {
        "GOV-01", "GOV-02", "GOV-03", "GOV-04", "GOV-05", "ENV-01", "ENV-02", "PLAN-01"}
    assert all(line.counted for line in lines)
    for line in lines:
        row = row_of(data, line.question_id, 5)
        assert row[2] == number(line.max_points, lang, 2), line.question_id
        share = line.max_points / evaluation.criterion_points[line.criterion_id]
        assert row[1] == percent(share, lang, 2)
    # Unequal weights in GOV: 2/8, 1/8, 3/8, 0.5/8, 1.5/8 of 3/7 of the total.
    assert row_of(data, "GOV-03", 5)[2] == number(total * 3 / 7 * 3 / 8, lang, 2)
    # ENV-03 weighs nothing: it is not in the table of scored questions.
    assert not [r for r in table_rows(data) if r[0].startswith("ENV-03 ")]
    # The price criterion's points are the Nmax of the formula.
    nmax = number(evaluation.criterion_points["PRICE"], lang, 2)
    assert f"N = {nmax} × Pmin / P" in text_of(data)


def test_the_total_of_the_published_points_is_the_total_points() -> None:
    rules = lot(Settings(total_points=100, price_method="classique"))
    data = rules_annex_bytes([rules], OPEN)
    total = [r for r in table_rows(data) if r[1] == "Total"]
    assert total == [["", "Total", "100,00%", "100,00"]]


def test_a_question_that_does_not_count_passes_its_share_as_the_annex_says() -> None:
    # GOV-05 allows N/A; justified, it does not count and its share goes to the others
    # in proportion to their weights (2, 1, 3, 0.5 out of 6.5).
    rules = lot()
    na = Answer("GOV-05", AnswerState.NOT_APPLICABLE, None, "Aucune décision n'est prise.")
    evaluation = evaluate(rules.questionnaire, {"A": response("A", **{"GOV-05": na})},
                          settings=rules.settings)
    gov = evaluation.criterion_points["GOV"]
    line = next(x for x in evaluation.lines_for("A") if x.question_id == "GOV-03")
    assert line.max_points == pytest.approx(gov * 3 / 6.5)
    text = text_of(rules_annex_bytes([rules], OPEN))
    assert ("cède sa part aux autres questions du critère qui comptent, au prorata de leurs "
            "poids") in text


# -- price ---------------------------------------------------------------------------------

FORMULAS = {
    "classique": "N = {n} × Pmin / P",
    "lineaire": "N = {n} × (Pmax − P) / (Pmax − Pmin)",
    "ecart-relatif": "N = max(0 ; {n} × (1 − 1,50 × (P − Pmin) / Pmin))",
}


@pytest.mark.parametrize("method", PRICE_METHODS)
def test_the_price_formula_is_the_method_the_scoring_uses(method: Any) -> None:
    coefficient = 1.5 if method == "ecart-relatif" else 1.0
    rules = lot(Settings(total_points=100, price_method=method, price_coefficient=coefficient))
    evaluation = evaluate(rules.questionnaire, {"A": response("A")}, settings=rules.settings)
    nmax = evaluation.criterion_points["PRICE"]
    text = text_of(rules_annex_bytes([rules], OPEN))
    assert FORMULAS[method].format(n=number(nmax, "fr", 2)) in text
    name = {"classique": "classique", "lineaire": "linéaire"}.get(method, "écart relatif")
    assert f"Méthode {name}." in text
    # The cases the annex states, checked against the library.
    assert f"l'offre au coût le plus bas reçoit {number(nmax, 'fr', 2)} points" in text
    assert f"chaque offre reçoit {number(nmax, 'fr', 2)} points" in text
    single = price_points({"A": 50_000.0}, method, nmax, coefficient=coefficient)
    assert single.points["A"] == nmax
    equal = price_points({"A": 9.0, "B": 9.0}, method, nmax, coefficient=coefficient)
    assert equal.points == {"A": nmax, "B": nmax}
    if method == "lineaire":
        assert "l'offre la plus chère reçoit 0 point" in text
        assert price_points({"A": 1.0, "B": 3.0, "C": 2.0}, method, nmax).points["B"] == 0
    if method == "ecart-relatif":
        # 1 + 1 / 1.5 = 1.67: from that multiple of Pmin an offer gets 0.
        assert "une offre dont le coût atteint 1,67 × Pmin reçoit 0 point" in text
        scores = price_points({"A": 100.0, "B": 167.0, "C": 166.0}, method, nmax,
                              coefficient=coefficient)
        assert scores.points["B"] == 0
        assert scores.points["C"] > 0
    else:
        assert "1,67 × Pmin" not in text
    assert ("un coût total nul ne peut pas être noté" in text) == (method != "lineaire")


def test_the_total_cost_comes_from_the_price_breakdown() -> None:
    data = rules_annex_bytes([lot()], OPEN)
    text = text_of(data)
    assert ("coût total = somme des montants payés une fois + 4 × somme des montants "
            "annuels") in text
    assert row_of(data, "Licence", 2) == ["Licence", "par an"]
    assert row_of(data, "Formation", 2) == ["Formation", "une fois"]
    en = text_of(rules_annex_bytes([lot()], OPEN, lang="en"))
    assert "total cost = sum of the one-off amounts + 4 × sum of the yearly amounts" in en


def test_the_low_offer_rule_only_flags_with_its_articles() -> None:
    text = text_of(rules_annex_bytes([lot()], OPEN))
    assert "strictement 1,20 × M1" in text
    assert "strictement inférieur à 0,90 × M2" in text
    assert "il n'élimine aucune offre" in text
    for article in ("L2152-5", "L2152-6", "R2152-3", "R2152-4"):
        assert article in text
    assert "jamais automatiquement" in text
    sd = lot(Settings(total_points=100, price_method="classique",
                      low_offer_method="mean-minus-sd"))
    sd_text = text_of(rules_annex_bytes([sd], OPEN))
    assert "moins 1,00 × l'écart-type" in sd_text
    assert "M1" not in sd_text


# -- N/A, evidence, conditions, knock-outs -----------------------------------------------------

def test_na_and_evidence_rules_follow_the_settings() -> None:
    default = text_of(rules_annex_bytes([lot()], OPEN))
    assert "une réponse « sans objet » justifiée" in default
    assert "pas de point sans la preuve exigée" in default
    assert "Questions concernées : GOV-01." in default
    assert row_of(rules_annex_bytes([lot()], OPEN), "GOV-01", 5)[4] == "preuve exigée"
    strict = lot(Settings(total_points=100, price_method="classique", na_policy="zero",
                          evidence_policy="flag-only"))
    text = text_of(rules_annex_bytes([strict], OPEN))
    assert "toute réponse « sans objet » compte et obtient 0 point" in text
    assert "pas de point sans la preuve exigée" not in text
    assert "elle ne change pas les points" in text


def test_evidence_rule_stated_is_the_rule_applied() -> None:
    rules = lot()
    bare = given_("GOV-01", "yes")  # no document, page or link
    evaluation = evaluate(rules.questionnaire, {"A": response("A", **{"GOV-01": bare})},
                          settings=rules.settings)
    line = next(x for x in evaluation.lines_for("A") if x.question_id == "GOV-01")
    assert line.points == 0
    assert "evidence-missing" in line.flags


def test_conditional_questions_are_listed_with_their_condition() -> None:
    data = rules_annex_bytes([lot()], OPEN)
    assert "GOV-02 Dans quel centre de données ? – si GOV-01 = Oui" in blocks(data)
    assert "si GOV-01 = Oui" in row_of(data, "GOV-02", 5)[4]
    en = blocks(rules_annex_bytes([lot()], OPEN, lang="en"))
    assert "GOV-02 In which data centre? – if GOV-01 = Yes" in en


def test_every_knock_out_is_listed_with_its_failing_answers() -> None:
    rules = lot()
    data = rules_annex_bytes([rules], OPEN)
    knockouts = [r for r in table_rows(data) if r[-1] in ("Hors cadre", "HDS exclu",
                                                            "Trop énergivore")]
    assert knockouts == [
        ["GOV-02 Dans quel centre de données ?", "«\u00a0Ailleurs\u00a0»", "Hors cadre"],
        ["GOV-03 Quelles certifications détenez-vous ?",
         "l'une de ces options cochée : «\u00a0HDS\u00a0»", "HDS exclu"],
        ["ENV-01 Énergie par requête ?", "> 10,00 Wh par requête", "Trop énergivore"]]
    text = text_of(data)
    assert "non des pondérations" in text
    assert "elle est irrégulière (art. L2152-2" in text
    # What the annex lists is what makes the scoring set an offer aside.
    offers = {"ok": response("ok"),
              "hds": response("hds", **{"GOV-03": given_("GOV-03", ("iso27001", "hds"))}),
              "greedy": response("greedy", **{"ENV-01": given_("ENV-01", 10.5)}),
              "elsewhere": response("elsewhere", **{"GOV-02": given_("GOV-02", "other")})}
    evaluation = evaluate(rules.questionnaire, offers, settings=rules.settings)
    failed = {v.vendor: [k.question_id for k in v.knockouts] for v in evaluation.vendors}
    assert failed == {"ok": [], "hds": ["GOV-03"], "greedy": ["ENV-01"],
                      "elsewhere": ["GOV-02"]}
    en = table_rows(rules_annex_bytes([rules], OPEN, lang="en"))
    assert ["ENV-01 Energy per request?", "> 10.00 Wh per request", "Too greedy"] in en


# -- lots, variants, mode ----------------------------------------------------------------

def two_lots() -> list[LotRules]:
    return [lot(lot_id="1", title="Assistant courrier"),
            lot(Settings(total_points=20, price_method="lineaire"), lot_id="2",
                title="Assistant rédaction")]


def test_lots_cap_variants_and_open_call() -> None:
    rules = AwardRules("open", variants_allowed=True, max_lots_per_bidder=1,
                       lot_cap_rule="Le lot de plus grande valeur estimée est attribué d'abord.")
    data = rules_annex_bytes(two_lots(), rules)
    text = text_of(data)
    assert "en 2 lots" in text
    assert "L2113-10" in text
    assert "Lot 1 : Assistant courrier" in blocks(data)
    assert "Lot 2 : Assistant rédaction" in blocks(data)
    assert re.search(r"plus de 1 lot \(art\. R2113-1 .*Le lot de plus grande valeur "
                     r"estimée est attribué d'abord\.", text)
    assert "Les variantes sont autorisées (art. R2151-8" in text
    assert "notée comme une offre distincte, avec les mêmes critères" in text
    assert "profil d'acheteur (art. R2132-2" in text
    assert "Le questionnaire à remplir est le même pour tous" in text
    # Each lot with its own figures and its fingerprint.
    assert "N = 28,57 × Pmin / P" in text
    assert "N = 5,71 × (Pmax − P) / (Pmax − Pmin)" in text
    fingerprints = [r for r in table_rows(data) if r[0] in ("1", "2")]
    assert [r[2] for r in fingerprints] == [two_lots()[0].questionnaire.fingerprint] * 2


def test_forbidden_variants_and_invited_mode() -> None:
    rules = AwardRules("invited", variants_allowed=False)
    text = text_of(rules_annex_bytes([lot()], rules))
    assert "Les variantes ne sont pas autorisées (art. R2151-8" in text
    assert "elle est irrégulière (art. L2152-2) et n'est ni notée ni classée" in text
    assert "Consultation sur invitation" in text
    assert "R2132-2" not in text
    assert "lot unique" in text
    assert "Lot unique : Assistant courrier" in text


@pytest.mark.parametrize(("make", "message"), [
    (lambda: rules_annex_bytes([], OPEN), "at least one lot"),
    (lambda: rules_annex_bytes([lot(), lot()], OPEN), "repeated: 1"),
    (lambda: rules_annex_bytes(two_lots(), AwardRules("open", False, 2, "au hasard")),
     "max_lots_per_bidder=2 with 2 lots"),
    (lambda: AwardRules("open", False, 1), "must be published with the cap (R2113-1)"),
    (lambda: AwardRules("open", False, 0, "x"), "expected a whole number >= 1"),
    (lambda: AwardRules("public", False), "expected 'open' or 'invited'"),  # type: ignore[arg-type]
    (lambda: lot(title=" "), "a lot needs a title"),
    (lambda: rules_annex_bytes([lot()], OPEN, lang="de"), "lang must be"),  # type: ignore[arg-type]
])
def test_invalid_inputs_are_refused_with_the_reason(make: Any, message: str) -> None:
    with pytest.raises(QuestionnaireError, match=re.escape(message)):
        make()


def test_every_legal_statement_cites_its_article() -> None:
    rules = AwardRules("open", variants_allowed=False, max_lots_per_bidder=1,
                       lot_cap_rule="Règle objective.")
    for lang, phrases in (("fr", ("irrégulière", "profil d'acheteur", "allotie",
                                  "se voir attribuer", "Les variantes", "demande écrite",
                                  "pondérations et leurs")),
                          ("en", ("irregular", "buyer profile", "divided into",
                                  "may be awarded at most", "Variants are",
                                  "written request", "their weights and how"))):
        found = [b for b in blocks(rules_annex_bytes(two_lots(), rules, lang=lang))
                 if any(p in b for p in phrases)]
        assert len(found) >= len(phrases)
        for block in found:
            assert re.search(r"\b[LR]\d{4}-\d+\b", block), block


# -- the file ---------------------------------------------------------------------------------

def test_english_is_english() -> None:
    data = rules_annex_bytes(two_lots(), OPEN, lang="en")
    text = text_of(data)
    assert text.startswith("Annex to the consultation rules (RC): award criteria and "
                           "scoring method")
    for english in ("Criteria and weights", "Knock-out requirements", "Classic method",
                    "28.57", "42.86%", "French public procurement code, L2152-2"):
        assert english in text
    for french in ("Critères", "Exigences", "28,57", "irrégulière", "Méthode"):
        assert french not in text


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    first = rules_annex_bytes(two_lots(), OPEN)
    assert rules_annex_bytes(two_lots(), OPEN) == first
    path = write_rules_annex(two_lots(), OPEN, tmp_path / "annexe.docx")
    assert path.read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.created == props.modified == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert props.title.startswith("Annexe au règlement de la consultation")
    assert props.subject == CONSULTATION.reference
    assert rules_annex_bytes(two_lots(), OPEN, lang="en") != first


def test_an_existing_file_is_not_overwritten_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "annexe.docx"
    target.write_bytes(b"the buyer's own file")
    with pytest.raises(OutputExistsError):
        write_rules_annex([lot()], OPEN, target)
    assert target.read_bytes() == b"the buyer's own file"
    write_rules_annex([lot()], OPEN, target, overwrite=True)
    assert zipfile.is_zipfile(target)


def test_characters_xml_cannot_hold_do_not_break_the_file() -> None:
    consultation = Consultation("2026-AI-\x00014", "Assistant\x0b de tri\ufffe",
                                "Métropole\x1f")
    rules = AwardRules("open", False, 1, "Règle\x01 objective")
    lots = [lot(q=questionnaire(consultation), title="Courrier\x08"), lot(
        lot_id="2\x0c", title="Rédaction", q=questionnaire(consultation))]
    text = text_of(rules_annex_bytes(lots, rules))
    assert "Assistant\ufffd de tri\ufffd" in text
    assert "Courrier\ufffd" in text
    assert "Règle\ufffd objective" in text


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_any_bank_gives_an_annex_with_the_scoring_figures(bank: Bank) -> None:
    q = freeze(bank, CONSULTATION)
    rules = LotRules("1", "Lot", q, Settings(total_points=100, price_method="lineaire"))
    unanswered = {qq.id: Answer(qq.id, AnswerState.UNANSWERED) for _c, qq in bank.questions()}
    offer = Response("A.xlsx", "t", unanswered, Report("A.xlsx", "ab" * 32, ()))
    evaluation: Evaluation = evaluate(q, {"A": offer}, settings=rules.settings)
    rows = table_rows(rules_annex_bytes([rules], OPEN))
    for cid, points in evaluation.criterion_points.items():
        assert row_of(rows, cid, 4)[3] == number(points, "fr", 2)
    for line in evaluation.lines_for("A"):
        if line.weight > 0:
            assert row_of(rows, line.question_id, 5)[2] == number(line.max_points, "fr", 2)
    knockouts: Sequence[Question] = [qq for _c, qq in bank.questions() if qq.knockout]
    for question in knockouts:
        assert question.knockout is not None
        assert any(r[0].split(" ", 1)[0] == question.id
                   and r[-1] == clean_text(question.knockout.reason.fr) for r in rows)


# -- LibreOffice -------------------------------------------------------------------------------

def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) and pdftotext are required on CI")
        pytest.skip("soffice (LibreOffice) or pdftotext not installed")
    return found


@pytest.mark.libreoffice
def test_libreoffice_opens_the_annex(tmp_path: Path) -> None:
    soffice = _soffice()
    rules = AwardRules("open", True, 1, "Le lot de plus grande valeur estimée d'abord.")
    paths = [write_rules_annex(two_lots(), rules, tmp_path / f"annexe-{lang}.docx",
                               lang=lang) for lang in ("fr", "en")]
    profile = Path("/tmp") / f"ap-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for lang, title, formula in (
            ("fr", "Annexe au règlement de la consultation", "N = 28,57 × Pmin / P"),
            ("en", "Annex to the consultation rules", "N = 28.57 × Pmin / P")):
        text = " ".join(subprocess.run(
            ["pdftotext", str(tmp_path / f"annexe-{lang}.pdf"), "-"], check=True,
            capture_output=True, text=True).stdout.split())
        assert title in text
        assert formula in text
        assert two_lots()[0].questionnaire.fingerprint in text
        assert "Hors cadre" in text if lang == "fr" else "Out of scope" in text
        # The document-precedence rule, with the default order said to be a default.
        assert ("Ordre de priorité en cas de contradiction entre les documents de l’offre"
                if lang == "fr" else
                "Order of precedence if the documents of the offer contradict") in text
        assert ("ordre appliqué par défaut" if lang == "fr" else
                "order applied by default") in text


def test_a_dqe_lot_publishes_its_quantities_and_the_model() -> None:
    from tests.fixtures import dqe_questionnaire

    lot_ = LotRules("2", "Rédaction", dqe_questionnaire(),
                    Settings(total_points=100, price_method="classique"))
    data = rules_annex_bytes([lot_], AwardRules("open", False), lang="en")
    document = docx.Document(io.BytesIO(data))
    text = " ".join(p.text for p in document.paragraphs)
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert "detailed quantity estimate (DQE) of question PRICE-01" in text
    assert ["D2", "Replies drafted", "thousand", "60"] in cells
    assert "Order of precedence" in text


# -- sub-criteria ---------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "of_criterion", "title"), [
    ("fr", "du critère", "Hébergement et localisation (sous-critère)"),
    ("en", "of the criterion", "Hosting and location (sub-criterion)")])
def test_each_lot_publishes_its_sub_criteria_weights(lang: Lang, of_criterion: str,
                                                      title: str) -> None:
    from tests.deliverable_fixtures import sub_criteria_questionnaire

    from ai_procurement.decision.scoring import question_shares
    from ai_procurement.questionnaire import sub_criterion_points

    q = sub_criteria_questionnaire()
    data = rules_annex_bytes([lot(q=q, settings=Settings(100, "lineaire"))], OPEN, lang=lang)
    rows = table_rows(data)
    published = sub_criterion_points(q, 100)["SOV"]
    sov = [r for r in rows if len(r) == 4 and r[0].strip() in ("SOV", "SOV-A", "SOV-B")]
    assert [r[0].strip() for r in sov] == ["SOV", "SOV-A", "SOV-B"]  # indented under SOV
    assert sov[1][1].strip() == f"↳ {title}"
    assert sov[1][2] == f"{percent(0.75, lang, 2)} {of_criterion}"
    assert [r[3] for r in sov[1:]] == [number(published[s], lang, 2) for s in ("SOV-A", "SOV-B")]
    assert "Saint-Pal-de-Mons" in text_of(data)
    # A question's points are its share of its sub-criterion's points, as scored.
    criterion = next(c for c in q.bank.criteria if c.id == "SOV")
    shares = question_shares(criterion, [x.id for x in criterion.questions], renormalize=True)
    row = next(r for r in rows if len(r) == 5 and r[0].startswith("SOV-05 (SOV-B)"))
    assert row[2] == number(5 * shares["SOV-05"], lang, 2)
    assert 5 * math.fsum(shares[x] for x in ("SOV-04", "SOV-05")) == pytest.approx(
        published["SOV-B"])


def test_no_sub_criteria_no_sub_criteria_rows() -> None:
    data = rules_annex_bytes([lot()], OPEN, lang="fr")
    assert "Saint-Pal-de-Mons" not in text_of(data)
    assert "↳" not in text_of(data)


def test_the_annex_and_the_memo_publish_the_aggregation_rule(tmp_path: Path) -> None:
    from tests import deliverable_fixtures as df

    from ai_procurement.deliverables.memo import write_memo
    from ai_procurement.questionnaire import aggregation_sentence

    evaluation = df.small_evaluation(["Alpha", "Beta"])
    sentence = aggregation_sentence(evaluation.questionnaire)
    lot = LotRules("1", "Lot", evaluation.questionnaire, evaluation.settings)
    annex = write_rules_annex([lot], AwardRules("open", variants_allowed=False),
                              tmp_path / "rc.docx", lang="fr")
    memo = write_memo(evaluation, tmp_path / "memo.docx", lang="en")
    for path, text in ((annex, sentence.fr), (memo, sentence.en)):
        assert text in "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
