"""An open call in lots, end to end: bidders known only at opening, variants, late offers.

Each test starts from a small campaign built once for the module (``init``, two lots,
the generic questionnaire of each lot published, then filled as bidders would with
:func:`ai_procurement.testing.fill_questionnaire`), writes its own deposit register and
runs the command line on a copy. Inputs are never modified: the hashes of
``responses/`` and of the register are compared before and after.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from tests.campaign_fixtures import file_hashes

from ai_procurement.bank.model import MultipleChoice, Number, Scale, SingleChoice, YesNo
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.opening import load_opening
from ai_procurement.campaign.workflow import score_campaign
from ai_procurement.cli import main
from ai_procurement.questionnaire import Questionnaire
from ai_procurement.testing import VendorAnswer, fill_questionnaire

LOTS = """\
lots:
  - id: "1"
    title: "Capteurs"
  - id: "2"
    title: "Passerelles"
"""
CAP = 'max_lots_per_bidder: 1\nlot_cap_rule: "Les lots sont attribués dans leur ordre."\n'
HEADER = "N° pli;Raison sociale;SIRET;Date et heure de dépôt;Lot;Variante;Fichier"
# Fictional SIRET numbers whose check digits hold (those of the demo).
SIRET = {"Alizé": "52601815500014", "Boréal": "90830166600016", "Cumulus": "13186091800013",
         "Hermine": "78657975500012"}
QUALITY = {"Alizé": 1.0, "Boréal": 0.6, "Boréal – V1": 0.8, "Cumulus": 0.3, "Hermine": 1.0}
# (bidder, lot, variant, time of deposit, file): Hermine deposits after the deadline.
DEPOSITS = [
    ("Alizé", "1", 0, "14/03/2027 09:10", "alize-1.xlsx"),
    ("Boréal", "1", 0, "14/03/2027 09:20", "boreal-1.xlsx"),
    ("Cumulus", "1", 0, "14/03/2027 09:30", "cumulus-1.xlsx"),
    ("Alizé", "2", 0, "14/03/2027 09:40", "alize-2.xlsx"),
    ("Boréal", "2", 0, "14/03/2027 09:50", "boreal-2.xlsx"),
    ("Boréal", "2", 1, "14/03/2027 10:00", "boreal-2-variante.xlsx"),
    ("Cumulus", "2", 0, "14/03/2027 10:10", "cumulus-2.xlsx"),
    ("Hermine", "2", 0, "15/03/2027 12:00:29", "hermine-2.xlsx"),
]


def plan(questionnaire: Questionnaire, quality: float) -> dict[str, VendorAnswer]:
    """What a bidder of this quality answers (0: the worst option, 1: the best)."""
    answers: dict[str, VendorAnswer] = {}
    for _, q in questionnaire.bank.questions():
        spec = q.answer
        value: Any = None
        if isinstance(spec, YesNo):
            good = "yes" if spec.yes_points >= spec.no_points else "no"
            value = good if quality >= 0.5 else ("no" if good == "yes" else "yes")
        elif isinstance(spec, SingleChoice | Scale):
            options = (sorted(spec.options, key=lambda o: (o.points, o.id))
                       if isinstance(spec, SingleChoice) else spec.levels)
            ids = [o.id if isinstance(spec, SingleChoice) else o.value  # type: ignore[union-attr]
                   for o in options]
            value = ids[round(quality * (len(ids) - 1))]
        elif isinstance(spec, MultipleChoice):
            useful = [o.id for o in spec.options if o.points > 0]
            value = tuple(useful[:max(1, round(quality * len(useful)))])
        elif isinstance(spec, Number):
            low = spec.minimum if spec.minimum is not None else 0
            high = spec.maximum if spec.maximum is not None else 10
            value = low + quality * (high - low)
            value = float(round(value)) if spec.integer else round(value, 2)
        else:
            value = "Réponse détaillée du candidat." if quality > 0.5 else "Oui."
        knockout = q.knockout
        if knockout is not None and isinstance(spec, YesNo | SingleChoice):
            if value in knockout.when:
                value = next(i for i in spec.option_ids if i not in knockout.when)
        elif knockout is not None and isinstance(spec, MultipleChoice):
            value = tuple(v for v in value if v not in knockout.when) or tuple(
                i for i in spec.option_ids if i not in knockout.when)[:1]
        answers[q.id] = VendorAnswer(value)
    return answers


def edit_config(folder: Path, *, lots: str = LOTS, extra: str = "") -> None:
    path = folder / "campaign.yaml"
    text = path.read_text("utf-8")
    text = text.replace("variants_allowed: false", "variants_allowed: true")
    text = re.sub(r"(?m)^max_lots_per_bidder:.*\n^lot_cap_rule:.*\n", "", text)
    text = text.replace("opening:\n  deadline: null ", "opening:\n  deadline: 2027-03-15 12:00 ")
    text = text.replace("  samples: 20000", "  samples: 200")
    path.write_text(text + lots + extra, "utf-8")


def register_text(deposits: Sequence[tuple[str, str, int, str, str]]) -> str:
    rows = [f"{n:03d};{name};{SIRET[name]};{when};{lot};{variant or ''};{file}"
            for n, (name, lot, variant, when, file) in enumerate(deposits, start=1)]
    return HEADER + "\n" + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A published two-lot open call, and every bidder's filled workbook by file name."""
    folder = tmp_path_factory.mktemp("opening") / "call"
    assert main(["init", str(folder), "--bank", "ai-hardware", "--lang", "fr"]) == 0
    edit_config(folder, extra=CAP)
    assert main(["questionnaire", str(folder)]) == 0
    campaign = load_campaign(folder)
    filled = {}
    for name, lot, variant, _, file in DEPOSITS:
        label = name if variant == 0 else f"{name} – V{variant}"
        questionnaire = campaign.frozen(campaign.lot(lot))
        filled[file] = fill_questionnaire(folder / "outbox" / f"questionnaire-lot-{lot}.xlsx",
                                          questionnaire, plan(questionnaire, QUALITY[label]),
                                          "fr")
    return folder, filled


def make_call(published: tuple[Path, dict[str, bytes]], target: Path,
              deposits: Sequence[tuple[str, str, int, str, str]] = DEPOSITS, *,
              files: Sequence[str] | None = None, register: str | None = None) -> Path:
    """A copy of the published call with the files received and the register."""
    folder, filled = published
    shutil.copytree(folder, target)
    for name in files if files is not None else [d[4] for d in deposits]:
        (target / "responses" / name).write_bytes(filled[name])
    (target / "registre.csv").write_text(
        register if register is not None else register_text(deposits), "utf-8")
    return target


def inputs(folder: Path) -> dict[str, str]:
    hashes = file_hashes(folder / "responses")
    hashes["registre.csv"] = file_hashes(folder)["registre.csv"]
    return hashes


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


def test_open_call_in_lots_from_opening_to_award(
        published: tuple[Path, dict[str, bytes]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_call(published, tmp_path / "call")
    before = inputs(folder)
    args = [str(folder), "--lang", "fr"]
    assert main(["open", *args, "--register", str(folder / "registre.csv")]) == 0
    opened = capsys.readouterr().out
    assert "8 offres enregistrées" in opened
    assert "HORS DÉLAI" in opened
    # The words of the report's register (« dans les délais »), not « à temps ».
    assert "dans les délais" in opened
    assert "à temps" not in opened
    opening = load_opening(load_campaign(folder))
    assert opening is not None
    # Numbers follow the time of deposit; the late offer is recorded, marked late.
    assert [(o.id, o.file, o.status) for o in opening.offers][-1] == (
        "P08", "hermine-2.xlsx", "late")
    assert main(["check", *args]) == 0
    checked = capsys.readouterr().out
    # The late offer's one line names its bidder and says it is not examined.
    late = next(line for line in checked.splitlines() if "hermine-2.xlsx" in line)
    assert "Hermine" in late
    assert "(offre reçue hors délai" in late
    assert "éliminée sans être examinée (R2151-5))" in late
    assert main(["evaluate", *args]) == 0
    out = capsys.readouterr().out
    lot2 = out[out.index("Lot 2"):]
    assert "Boréal – V1" in lot2  # the variant is ranked as an offer of its own
    assert "Hermine" not in out  # a late offer is never scored
    # Alizé is first on both lots; the RC caps the lots per bidder at one: lot 2 goes to
    # the next offer of another bidder (the variant and the base of Boréal are one bidder).
    assert "Proposition d'attribution : Alizé" in out[:out.index("Lot 2")]
    assert "Proposition d'attribution : Boréal – V1" in lot2
    assert "R2113-1" in lot2
    memo = docx_text(folder / "out" / "lot-2" / "memo-fr.docx")
    assert "La proposition diffère du classement" in memo
    assert "R2113-1" in memo
    assert "proposition diffère" not in docx_text(folder / "out" / "lot-1" / "memo-fr.docx")
    assert "The proposal differs from the ranking" in docx_text(
        folder / "out" / "lot-2" / "memo-en.docx")
    # No debrief letter while the cap moved the award: it would name the wrong awardee.
    assert not list((folder / "out" / "lot-2").glob("debrief-*.docx"))
    events = [json.loads(line) for line in (folder / "audit.jsonl").read_text().splitlines()]
    awards = {e["lot"]: (e["award"], e["passed_over"]) for e in events
              if e["event"] == "evaluate"}
    assert awards == {"1": ("Alizé", []), "2": ("Boréal – V1", ["Alizé"])}
    book = openpyxl.load_workbook(folder / "out" / "lot-2" / "comparison.xlsx")
    rows = [[c for c in row if c is not None] for row in book["Registre"].iter_rows(
        values_only=True)]
    text = "\n".join(" | ".join(str(c) for c in row) for row in rows)
    assert "procédure ouverte" in text
    assert "P08 | Hermine | 78657975500012 | 2 | base | 15 mars 2027 à 12:00:29 | HORS DÉLAI" \
        in text
    assert "variante 1" in text
    assert "alize-1.xlsx" not in text
    assert inputs(folder) == before


def test_a_variant_the_rc_forbids_is_irregular(
        published: tuple[Path, dict[str, bytes]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_call(published, tmp_path / "call")
    config = folder / "campaign.yaml"
    config.write_text(config.read_text("utf-8").replace("variants_allowed: true",
                                                       "variants_allowed: false"), "utf-8")
    before = inputs(folder)
    assert main(["open", str(folder), "--register", str(folder / "registre.csv")]) == 1
    assert "L2152-2" in capsys.readouterr().err
    main(["check", str(folder)])
    checked = capsys.readouterr().out
    assert "variante non autorisée par le règlement de la consultation : irrégulière " \
        "(L2152-2)" in checked  # at the end of the variant's line
    assert main(["evaluate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Boréal – V1" not in out
    assert "Boréal " in out
    memo = docx_text(folder / "out" / "lot-2" / "memo-fr.docx")
    assert "variante non autorisée" in memo
    assert "L2152-2" in memo
    assert inputs(folder) == before


@pytest.mark.parametrize(("case", "code", "message"), [
    ("missing-file", 1, "n'est pas dans responses/"),
    ("unregistered-file", 0, "ne figure pas au registre des dépôts"),
    ("bad-siret", 0, "la clé de contrôle ne correspond pas"),
    ("unknown-lot", 1, "le lot « 7 » n'existe pas"),
    ("two-base-offers", 1, "deux offres de base de Alizé pour le lot 1"),
])
def test_bad_inputs_are_reported_and_nothing_is_lost(
        published: tuple[Path, dict[str, bytes]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], case: str, code: int, message: str) -> None:
    deposits = list(DEPOSITS[:3])
    files = [d[4] for d in deposits]
    register = None
    if case == "missing-file":
        files = files[:2]
    elif case == "unregistered-file":
        files.append("alize-2.xlsx")
    elif case == "bad-siret":
        register = register_text(deposits).replace(SIRET["Boréal"], "90830166600017")
    elif case == "unknown-lot":
        deposits[2] = ("Cumulus", "7", 0, "14/03/2027 09:30", "cumulus-1.xlsx")
    else:
        deposits.append(("Alizé", "1", 0, "14/03/2027 11:00", "boreal-1.xlsx"))
        deposits[1] = (*deposits[0][:4], "alize-2.xlsx")
        files = ["alize-1.xlsx", "alize-2.xlsx", "boreal-1.xlsx", "cumulus-1.xlsx"]
    folder = make_call(published, tmp_path / "call", deposits, files=files, register=register)
    before = inputs(folder)
    assert main(["open", str(folder), "--lang", "fr",
                 "--register", str(folder / "registre.csv")]) == code
    assert message in capsys.readouterr().err
    assert inputs(folder) == before
    # Opening again after the buyer fixes nothing changes no number already given.
    first = (folder / "opening.json").read_bytes()
    main(["open", str(folder), "--register", str(folder / "registre.csv")])
    assert (folder / "opening.json").read_bytes() == first


# -- properties -------------------------------------------------------------------------


def ranking(folder: Path, lot: str) -> list[tuple[str, int | None, float]]:
    run = score_campaign(load_campaign(folder), lot)
    return [(v.vendor, v.rank, round(v.total, 9)) for v in run.evaluation.ranking]


@pytest.fixture(scope="module")
def reference(published: tuple[Path, dict[str, bytes]],
              tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, object]:
    """Offer numbers and rankings of the register in deposit order."""
    folder = make_call(published, tmp_path_factory.mktemp("reference") / "call")
    assert main(["open", str(folder), "--register", str(folder / "registre.csv")]) == 0
    opening = load_opening(load_campaign(folder))
    assert opening is not None
    return {"ids": {o.file: o.id for o in opening.offers},
            "1": ranking(folder, "1"), "2": ranking(folder, "2")}


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_the_register_order_changes_no_number_and_no_ranking(
        published: tuple[Path, dict[str, bytes]], reference: Mapping[str, object],
        seed: int) -> None:
    deposits = list(DEPOSITS)
    random.Random(seed).shuffle(deposits)
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_call(published, Path(tmp) / "call", deposits)
        main(["open", str(folder), "--register", str(folder / "registre.csv")])
        opening = load_opening(load_campaign(folder))
        assert opening is not None
        assert {o.file: o.id for o in opening.offers} == reference["ids"]
        assert ranking(folder, "1") == reference["1"]
        assert ranking(folder, "2") == reference["2"]


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bidders=st.lists(st.sampled_from(["Alizé", "Boréal", "Cumulus"]), unique=True,
                        max_size=3))
def test_adding_a_lot_changes_no_other_lots_ranking(
        published: tuple[Path, dict[str, bytes]], reference: Mapping[str, object],
        bidders: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_call(published, Path(tmp) / "call")
        config = folder / "campaign.yaml"
        config.write_text(config.read_text("utf-8").replace(
            '    title: "Passerelles"\n',
            '    title: "Passerelles"\n  - id: "3"\n    title: "Maintenance"\n'), "utf-8")
        assert main(["questionnaire", str(folder)]) == 0
        campaign = load_campaign(folder)
        questionnaire = campaign.frozen(campaign.lot("3"))
        deposits = list(DEPOSITS)
        for index, name in enumerate(bidders):
            file = f"{name.lower()}-3.xlsx"
            (folder / "responses" / file).write_bytes(fill_questionnaire(
                folder / "outbox" / "questionnaire-lot-3.xlsx", questionnaire,
                plan(questionnaire, 1.0 - QUALITY[name]), "fr"))
            deposits.append((name, "3", 0, f"13/03/2027 1{index}:00", file))
        (folder / "registre.csv").write_text(register_text(deposits), "utf-8")
        main(["open", str(folder), "--register", str(folder / "registre.csv")])
        assert ranking(folder, "1") == reference["1"]
        assert ranking(folder, "2") == reference["2"]


def test_register_sheet_labels_in_english(published: tuple[Path, dict[str, bytes]],
                                          tmp_path: Path) -> None:
    folder = make_call(published, tmp_path / "call")
    config = folder / "campaign.yaml"
    config.write_text(config.read_text("utf-8").replace("language: fr", "language: en"),
                      "utf-8")
    assert main(["open", str(folder), "--register", str(folder / "registre.csv")]) == 0
    assert main(["evaluate", str(folder)]) == 0
    data = (folder / "out" / "lot-2" / "comparison.xlsx").read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [str(c) for row in book["Register"].iter_rows(values_only=True) for c in row
             if c is not None]
    assert "15 March 2027 at 12:00:29" in cells
    assert "LATE: eliminated (R2151-5)" in cells
    assert "open call, consultation documents freely downloadable from the buyer profile " \
        "(R2132-2)" in " ".join(cells)
    # Same files, same bytes.
    assert main(["evaluate", str(folder), "--force"]) == 0
    assert (folder / "out" / "lot-2" / "comparison.xlsx").read_bytes() == data
