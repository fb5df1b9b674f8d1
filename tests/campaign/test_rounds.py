"""After opening, through the command line: regularisation, negotiation, abnormally low.

A MAPA open call on the ``ai-territorial`` bank, built once for the module: five bidders
fill the published questionnaire as a vendor would. Cumulus leaves a knock-out question
unanswered (irregular); Dune's price is far below the others (flagged abnormally low,
and first thanks to it); Flocon is both irregular and abnormally low. Each test works on
a copy and checks that nothing under ``responses/`` is ever written.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.campaign_fixtures import file_hashes, fill_as_evaluator

from ai_procurement.bank.model import (
    FreeText,
    MultipleChoice,
    Number,
    Price,
    Scale,
    SingleChoice,
    YesNo,
)
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.cli import main
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.testing import VendorAnswer, fill_questionnaire

HEADER = "N° pli;Raison sociale;SIRET;Date et heure de dépôt;Fichier"
SIRET = {"Alizé": "52601815500014", "Boréal": "90830166600016", "Cumulus": "13186091800013",
         "Dune": "78657975500012", "Éole": "73282932000074", "Flocon": "12345678210001"}
# (bidder, quality, price factor, file); numbers follow the order: P01 Alizé ... P05 Éole.
BIDDERS = [("Alizé", 1.0, 1.00, "alize.xlsx"), ("Boréal", 0.8, 1.04, "boreal.xlsx"),
           ("Cumulus", 0.9, 1.02, "cumulus.xlsx"), ("Dune", 0.9, 0.60, "dune.xlsx"),
           ("Éole", 0.3, 0.98, "eole.xlsx"), ("Flocon", 0.9, 0.50, "flocon.xlsx")]
IRREGULAR = "RED-02"  # Cumulus and Flocon leave this knock-out question blank


def plan(questionnaire: Questionnaire, quality: float, price: float,
         skip: tuple[str, ...] = ()) -> dict[str, VendorAnswer]:
    """What a bidder of this quality and price answers (0: the worst option, 1: the best)."""
    answers: dict[str, VendorAnswer] = {}
    for _, q in questionnaire.bank.questions():
        spec = q.answer
        value: Any
        if q.id in skip:
            continue
        if isinstance(spec, YesNo):
            good = "yes" if spec.yes_points >= spec.no_points else "no"
            value = good if quality >= 0.5 else ("no" if good == "yes" else "yes")
        elif isinstance(spec, SingleChoice):
            ids = [o.id for o in sorted(spec.options, key=lambda o: (o.points, o.id))]
            value = ids[round(quality * (len(ids) - 1))]
        elif isinstance(spec, Scale):
            value = spec.levels[round(quality * (len(spec.levels) - 1))].value
        elif isinstance(spec, MultipleChoice):
            useful = [o.id for o in spec.options if o.points > 0]
            value = tuple(useful[:max(1, round(quality * len(useful)))])
        elif isinstance(spec, Number):
            low = spec.minimum if spec.minimum is not None else 0
            high = spec.maximum if spec.maximum is not None else 10
            value = float(round(low + quality * (high - low)))
        elif isinstance(spec, Price):
            value = {item.id: round(10_000 * price) for item in spec.items}
        elif isinstance(spec, FreeText):
            value = "Réponse détaillée du candidat."
        else:
            value = None
        knockout = q.knockout
        if knockout is not None and isinstance(spec, YesNo | SingleChoice):
            if value in knockout.when:
                value = next(i for i in spec.option_ids if i not in knockout.when)
        elif knockout is not None and isinstance(spec, MultipleChoice):
            value = tuple(v for v in value if v not in knockout.when) or tuple(
                i for i in spec.option_ids if i not in knockout.when)[:1]
        if value is not None:
            answers[q.id] = VendorAnswer(value)
    return answers


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Questionnaire]:
    """A published MAPA open call, offers received and registered (not yet checked)."""
    folder = tmp_path_factory.mktemp("rounds") / "call"
    assert main(["init", str(folder), "--bank", "ai-territorial", "--lang", "fr"]) == 0
    path = folder / "campaign.yaml"
    text = path.read_text("utf-8")
    text = text.replace("  samples: 20000", "  samples: 200")
    text = text.replace("  place: \"\"", "  place: \"Nantes\"")
    text = text.replace("report_date: null", "report_date: 2027-03-20")
    path.write_text(text, "utf-8")
    assert main(["questionnaire", str(folder)]) == 0
    questionnaire = load_campaign(folder).frozen()
    rows = []
    for n, (name, quality, price, file) in enumerate(BIDDERS, start=1):
        skip = (IRREGULAR,) if name in ("Cumulus", "Flocon") else ()
        (folder / "responses" / file).write_bytes(fill_questionnaire(
            folder / "outbox" / "questionnaire.xlsx", questionnaire,
            plan(questionnaire, quality, price, skip), "fr"))
        rows.append(f"{n:03d};{name};{SIRET[name]};14/03/2027 10:{n:02d};{file}")
    (folder / "registre.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n", "utf-8")
    assert main(["open", str(folder), "--register", str(folder / "registre.csv")]) == 0
    return folder, questionnaire


def copy(published: tuple[Path, Questionnaire], target: Path, **settings: str) -> Path:
    shutil.copytree(published[0], target)
    path = target / "campaign.yaml"
    text = path.read_text("utf-8")
    for key, value in settings.items():
        text = re.sub(rf"(?m)^(  {key}:) [^#\n]*", rf"\1 {value}  ", text)
    path.write_text(text, "utf-8")
    return target


def scored(folder: Path) -> Path:
    """Issue the workbooks of every new offer version and fill them, as evaluators would."""
    before = set((folder / "reviews").glob("*.xlsx"))
    assert main(["review", str(folder)]) == 0
    for workbook in sorted(set((folder / "reviews").glob("*.xlsx")) - before):
        fill_as_evaluator(folder, workbook)
    return folder


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


def events(folder: Path, name: str) -> list[dict[str, Any]]:
    return [e for e in (json.loads(line) for line in
                        (folder / "audit.jsonl").read_text("utf-8").splitlines())
            if e["event"] == name]


def test_regularisation_refuses_a_workbook_that_changed_another_answer(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(published, tmp_path / "call")
    questionnaire = published[1]
    received = file_hashes(folder / "responses")
    assert main(["round", "regularise", str(folder), "--deadline", "2027-03-27"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    # Cumulus (P03) and Flocon (P06) are irregular, but Flocon's price is abnormally low:
    # it may not be regularised (R2152-2). The letters go to Cumulus alone, FR and EN.
    assert "P06 (Flocon) : offre anormalement basse, non régularisable (R2152-2)" in \
        captured.err
    assert "1-regularisation" in out
    assert "P03" in out
    letters = sorted(p.name for p in (folder / "rounds" / "1-regularisation" / "letters")
                     .iterdir())
    assert letters == ["P03-cumulus-en.docx", "P03-cumulus-fr.docx"]
    letter = docx_text(folder / "rounds" / "1-regularisation" / "letters"
                       / "P03-cumulus-fr.docx")
    assert IRREGULAR in letter
    assert "R2152-2" in letter
    assert "27 mars 2027" in letter
    assert "LEG-01" not in letter  # only the irregular points are named
    # A missing supporting document only costs points: adding it would improve the offer.
    assert "RED-05" not in letter
    record = json.loads((folder / "rounds" / "1-regularisation" / "round.json").read_text())
    assert record["points"] == {"P03": [IRREGULAR]}
    # A regularised workbook that also changes another answer is refused, naming it.
    regularised = plan(questionnaire, 0.9, 1.02)
    regularised["LEG-01"] = VendorAnswer("no")
    responses = folder / "rounds" / "1-regularisation" / "responses"
    (responses / "P03.xlsx").write_bytes(fill_questionnaire(
        folder / "outbox" / "questionnaire.xlsx", questionnaire, regularised, "fr"))
    assert main(["round", "status", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "P03  Cumulus" in captured.out
    assert "v1 responses/cumulus.xlsx" in captured.out
    assert re.search(r"P03.xlsx / Questionnaire!E\d+ / LEG-01: .*LEG-01", captured.err)
    assert "R2152-2" in captured.err
    assert main(["evaluate", str(scored(folder))]) == 0
    assert "Cumulus" in capsys.readouterr().out
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "P03 v1" in memo  # the offer stays examined as opened: irregular
    # A correct regularisation, dropped beside the refused one, becomes version 3.
    (responses / "P03-bis.xlsx").write_bytes(fill_questionnaire(
        folder / "outbox" / "questionnaire.xlsx", questionnaire,
        plan(questionnaire, 0.9, 1.02), "fr"))
    assert main(["evaluate", str(scored(folder)), "--force"]) == 0
    out = capsys.readouterr().out
    cumulus = next(line for line in out.splitlines() if "Cumulus" in line)
    assert "Irrégulière" not in cumulus
    assert re.match(r"\s+\d+\s+Cumulus", cumulus)
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "P03 v3 (rounds/1-regularisation/responses/P03-bis.xlsx)" in memo
    assert "1-regularisation – Demande de régularisation" in memo
    versions = {(e["offer"], e["number"]): e["admissible"] for e in events(folder, "version")}
    assert versions == {("P03", 2): False, ("P03", 3): True}
    assert events(folder, "evaluate")[-1]["versions"]["P03"] == 3
    assert file_hashes(folder / "responses") == received


@pytest.mark.parametrize(("procedure", "reserved", "article"), [
    ("appel-offres-ouvert", "false", "R2161-5"),
    ("mapa-avec-publicite", "false", "R2123-5"),
])
def test_negotiation_is_refused_where_the_procedure_forbids_it(
        published: tuple[Path, Questionnaire], tmp_path: Path, procedure: str,
        reserved: str, article: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(published, tmp_path / "call", procedure_type=procedure,
                  negotiation_reserved=reserved)
    assert main(["round", "negotiate", str(folder), "--deadline", "2027-03-27"]) == 3
    err = capsys.readouterr().err
    assert article in err
    assert "négoci" in err
    assert not (folder / "rounds").exists()


def test_a_negotiation_round_in_a_mapa_evaluates_the_final_offers(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(published, tmp_path / "call", negotiation_reserved="true")
    questionnaire = published[1]
    assert main(["round", "negotiate", str(folder), "--deadline", "2027-03-27",
                 "--offer", "P01", "--offer", "P02"]) == 0
    capsys.readouterr()
    round_folder = folder / "rounds" / "1-negotiation"
    assert (round_folder / "questionnaire.xlsx").is_file()
    invitation = docx_text(round_folder / "letters" / "P02-boreal-fr.docx")
    assert "négociation" in invitation
    assert "R2123-5" in invitation
    assert "R2161-17" in invitation
    english = docx_text(round_folder / "letters" / "P02-boreal-en.docx")
    assert "negotiation round" in english
    # Boréal lowers its price in the round: its new version is the one evaluated.
    (round_folder / "responses" / "P02.xlsx").write_bytes(fill_questionnaire(
        round_folder / "questionnaire.xlsx", questionnaire, plan(questionnaire, 0.8, 0.85),
        "fr"))
    assert main(["evaluate", str(scored(folder))]) == 0
    capsys.readouterr()
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "1-negotiation – Tour de négociation" in memo
    assert "classement à l'ouverture du tour" in memo
    assert "P02 v2 (rounds/1-negotiation/responses/P02.xlsx)" in memo
    # A version changed after it was first read is refused; the offer falls back to v1.
    # A file named after no invited offer is reported, not read.
    (round_folder / "responses" / "P02.xlsx").write_bytes(fill_questionnaire(
        round_folder / "questionnaire.xlsx", questionnaire, plan(questionnaire, 0.8, 0.70),
        "fr"))
    (round_folder / "responses" / "offre-boreal.xlsx").write_bytes(b"not read")
    assert main(["round", "status", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "changed since it was first read" in captured.err or "a changé depuis" in \
        captured.err
    assert "offre-boreal.xlsx" in captured.err
    assert "P02  Boréal                       v1" in captured.out
    record = events(folder, "round")[-1]
    assert record["kind"] == "negotiation"
    assert record["ranking"]


def test_an_abnormally_low_offer_blocks_the_award_until_decided(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(published, tmp_path / "call")
    received = file_hashes(folder / "responses")
    # Dune, first, looks abnormally low and was never asked to justify its price: no
    # award, no letter, the report says what to do (R2152-3).
    assert main(["evaluate", str(scored(folder))]) == 0
    out = capsys.readouterr().out
    assert "Proposition d'attribution" not in out
    assert "sa justification n'a pas été demandée" in out
    assert not list((folder / "out").glob("debrief-*.docx"))
    assert "round low-price" in docx_text(folder / "out" / "memo-fr.docx")
    assert main(["round", "low-price", str(folder), "--deadline", "2027-03-27"]) == 0
    capsys.readouterr()
    letters = folder / "rounds" / "1-low-price" / "letters"
    assert sorted(p.name for p in letters.iterdir()) == ["P04-dune-en.docx",
                                                         "P04-dune-fr.docx"]
    request = docx_text(letters / "P04-dune-fr.docx")
    assert "R2152-3" in request
    assert "anormalement bas" in request
    # Pending, and Dune is first: rejecting it would change the winner.
    assert main(["evaluate", str(scored(folder)), "--force"]) == 0
    out = capsys.readouterr().out
    assert "PROJET" in out
    assert "Proposition d'attribution" not in out
    assert not list((folder / "out").glob("debrief-*.docx"))
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "PROJET" in memo
    assert "aucune attribution n'est proposée" in memo
    # Justified: the award goes ahead, to Dune.
    decisions = folder / "decisions.yaml"
    decisions.write_text("format: 1\nabnormally_low:\n  - offer: P04\n    outcome: accepted\n"
                         "    reason: \"Coûts de licence mutualisés, devis joints.\"\n",
                         "utf-8")
    assert main(["evaluate", str(scored(folder)), "--force"]) == 0
    out = capsys.readouterr().out
    assert "Proposition d'attribution : Dune" in out
    assert (folder / "out" / "debrief-alize.docx").is_file()
    assert "justification acceptée" in docx_text(folder / "out" / "memo-fr.docx")
    # Rejected: Dune leaves the ranking, with its reason and article; the winner changes.
    decisions.write_text("format: 1\nabnormally_low:\n  - offer: P04\n    outcome: rejected\n"
                         "    reason: \"Le prix ne couvre pas le coût de l'hébergement.\"\n",
                         "utf-8")
    assert main(["evaluate", str(scored(folder)), "--force"]) == 0
    out = capsys.readouterr().out
    assert "Proposition d'attribution : Alizé" in out
    assert not (folder / "out" / "debrief-dune.docx").exists()
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "offre anormalement basse rejetée" in memo
    assert "R2152-4" in memo
    assert "ne couvre pas le coût" in memo
    rejection = docx_text(letters / "P04-dune-rejet-fr.docx")
    assert "rejetée comme anormalement basse" in rejection
    assert "R2152-4" in rejection
    assert file_hashes(folder / "responses") == received
    assert decisions.read_text("utf-8").startswith("format: 1")


def test_a_clarification_names_only_the_points_asked(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(published, tmp_path / "call")
    assert main(["round", "clarify", str(folder), "--deadline", "2027-03-27",
                 "--offer", "P02", "--question", "SEC-01"]) == 0
    letters = folder / "rounds" / "1-clarification" / "letters"
    french = docx_text(letters / "P02-boreal-fr.docx")
    assert "SEC-01" in french
    assert "ne peut ni compléter ni modifier" in french
    assert "LEG-01" not in french
    assert "may neither complete nor change" in docx_text(letters / "P02-boreal-en.docx")
    # The answer the buyer records goes into the memo; the offer is unchanged (v1).
    (folder / "decisions.yaml").write_text(
        "format: 1\nclarifications:\n  - round: 1-clarification\n    offer: P02\n"
        "    answer: \"Le chiffrement couvre aussi les sauvegardes.\"\n", "utf-8")
    capsys.readouterr()
    assert main(["evaluate", str(scored(folder))]) == 0
    memo = docx_text(folder / "out" / "memo-fr.docx")
    assert "réponse de P02 : Le chiffrement couvre aussi les sauvegardes." in memo
    assert "P02 v1" in memo


def test_an_offer_is_never_rejected_as_abnormally_low_without_a_request(
        published: tuple[Path, Questionnaire], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(published, tmp_path / "call")
    (folder / "decisions.yaml").write_text(
        "format: 1\nabnormally_low:\n  - offer: P04\n    outcome: rejected\n"
        "    reason: \"Prix trop bas.\"\n", "utf-8")
    assert main(["evaluate", str(folder)]) == 3
    err = capsys.readouterr().err
    assert "P04" in err
    assert "R2152-3" in err
    assert not (folder / "out" / "memo-fr.docx").exists()
