"""The buyer's workflow from the command line, end to end.

The commands run in-process (``ai_procurement.cli.main``), and ``--help`` also as a
subprocess, as a buyer types them. Tests that change a campaign work on a copy of the
session's demo (``conftest.py``) or of a freshly initialised campaign; the demo itself is
never modified.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from openpyxl import load_workbook
from tests.campaign_fixtures import copy_campaign, docx_text, file_hashes

from ai_procurement.bank.files import load_bank
from ai_procurement.bank.model import Question, Scale, SingleChoice, YesNo
from ai_procurement.cli import main
from ai_procurement.workbooks import form

COMMANDS = ("banks", "init", "questionnaire", "open", "check", "review", "evaluate", "screen",
            "demo", "import-grid")
LOT1_RESPONSES = ("alize-systemes-lot-1.xlsx", "boreal-data-lot-1.xlsx",
                  "cumulus-ia-lot-1.xlsx", "dolmen-logiciels-lot-1.xlsx",
                  "estuaire-numerique-lot-1.xlsx", "fjord-analytics-lot-1.xlsx")
DEMO_RESPONSES = (*LOT1_RESPONSES, "alize-systemes-lot-2.xlsx", "fjord-analytics-lot-2.xlsx",
                  "fjord-analytics-lot-2-variante-1.xlsx", "gwenn-ia-lot-2.xlsx",
                  "hermine-tech-lot-2.xlsx")
"""Every file the demo's bidders deposited, the late one included."""


@attrs.frozen
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` writes no PDF here: LibreOffice takes seconds (tested on its own)."""
    monkeypatch.setattr("ai_procurement.cli._check_pdfs", lambda *args: None)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Ran:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in
            (folder / "audit.jsonl").read_text("utf-8").splitlines()]


# -- help, as a buyer first meets the tool ------------------------------------------------

def _python_m(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ai_procurement", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_help_as_a_subprocess_lists_every_command_and_the_exit_codes() -> None:
    result = _python_m("--lang", "en", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ai-procurement")
    for command in COMMANDS:
        assert command in result.stdout
    assert "Exit codes" in result.stdout
    assert result.stderr == ""


def test_help_is_french_by_default_with_no_english_section_title() -> None:
    result = _python_m("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("utilisation : ai-procurement")
    assert "Codes de sortie" in result.stdout
    assert "commandes:" in result.stdout
    assert "afficher cette aide et quitter" in result.stdout
    for english in ("usage:", "positional arguments", "show this help", "default:"):
        assert english not in result.stdout


def test_help_follows_the_language_of_the_campaign_folder(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "campaign.yaml").write_text("format: 1\nlanguage: en\n", "utf-8")
    with pytest.raises(SystemExit):
        main(["check", str(tmp_path), "--help"])
    assert capsys.readouterr().out.startswith("usage: ai-procurement check")
    with pytest.raises(SystemExit):
        main(["check", str(tmp_path), "--lang", "fr", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : ai-procurement check")
    assert "dossier de la campagne (par défaut : le dossier courant)" in out


def test_a_usage_error_is_reported_in_the_language_asked(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "fr", "no-such-command"])
    assert exit_.value.code == 2
    assert "ai-procurement : erreur : " in capsys.readouterr().err


def test_a_command_gives_back_the_callers_collection_settings(
        capsys: pytest.CaptureFixture[str]) -> None:
    before = gc.get_threshold()
    assert main(["--lang", "en", "banks"]) == 0
    with pytest.raises(SystemExit):
        main(["--lang", "en", "no-such-command"])
    capsys.readouterr()
    assert gc.get_threshold() == before


@pytest.mark.parametrize(("args", "french", "english"), [
    (["no-such-command"], "argument COMMANDE : choix invalide : 'no-such-command' (choix "
     "possibles : 'banks'", "argument COMMAND: invalid choice: 'no-such-command' (choose "
     "from 'banks'"),
    (["banks", "--nope"], "erreur : arguments non reconnus : --nope",
     "error: unrecognised arguments: --nope"),
    (["round"], "erreur : arguments manquants : ACTION", "error: missing arguments: ACTION"),
])
def test_argparse_errors_are_in_the_language_asked(
        capsys: pytest.CaptureFixture[str], args: list[str], french: str, english: str) -> None:
    for lang, expected in (("fr", french), ("en", english)):
        with pytest.raises(SystemExit):
            main(["--lang", lang, *args])
        assert expected in capsys.readouterr().err


def test_the_entry_point_runs_a_command_and_reports_usage_errors() -> None:
    result = _python_m("--lang", "en", "banks")
    assert result.returncode == 0, result.stderr
    assert "ai-territorial" in result.stdout
    wrong = _python_m("no-such-command")
    assert wrong.returncode == 2
    assert "choix invalide" in wrong.stderr
    script = Path(sys.executable).with_name("ai-procurement")
    if script.exists():  # the console script installed with the package
        installed = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                                   timeout=120, check=False)
        assert installed.returncode == 0
        assert installed.stdout.startswith("utilisation : ai-procurement")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--lang", "en", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: ai-procurement {command}")
    assert "--lang" in out


@pytest.mark.parametrize("args", [["round"], ["round", "status"], ["round", "clarify"],
                                  ["panel"], ["panel", "write"]])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_help_of_an_action_speaks_the_chosen_language(
        capsys: pytest.CaptureFixture[str], args: list[str], lang: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", lang, *args, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "positional arguments" not in out
    if lang == "fr":
        assert out.startswith("utilisation : ")
        assert "show this help" not in out
    else:
        assert out.startswith("usage: ")
        assert "afficher cette aide" not in out


# -- banks -----------------------------------------------------------------------------------

def test_banks_lists_the_bundled_banks(capsys: pytest.CaptureFixture[str]) -> None:
    ran = run(capsys, "banks")
    assert ran.code == 0
    names = [line.split()[0] for line in ran.out.splitlines()]
    assert names == ["ai-hardware", "ai-impact", "ai-inventory", "ai-screening",
                     "ai-territorial", "genai-addon"]
    assert re.search(r"ai-territorial\s+\S+\s+100 questions", ran.out)


def test_banks_shows_the_criteria_and_their_published_shares(
        capsys: pytest.CaptureFixture[str]) -> None:
    ran = run(capsys, "--lang", "en", "banks", "ai-territorial")
    assert ran.code == 0
    shares = dict(re.findall(r"^\s+([A-Z]+)\s+([\d.]+)%", ran.out, flags=re.M))
    assert list(shares) == ["RED", "LEG", "DATA", "SEC", "SOV", "TRA", "HUM", "SERV", "STAFF",
                            "ENV", "EVAL", "REV", "ACC", "COST"]
    # The bank's default weights add up to 100, so each share is its weight:
    # COST 30 / 100 = 30.0 %, LEG 10 / 100 = 10.0 %; red lines are knock-outs, weight 0.
    assert shares["COST"] == "30.0"
    assert shares["LEG"] == "10.0"
    assert shares["RED"] == "0.0"
    assert sum(float(v) for v in shares.values()) == pytest.approx(100.0)
    assert "[environmental]" in ran.out


def test_an_unknown_bank_is_refused_with_the_bundled_names(
        capsys: pytest.CaptureFixture[str]) -> None:
    ran = run(capsys, "banks", "ai-nope")
    assert ran.code == 3
    assert "ai-nope" in ran.err
    assert "ai-territorial" in ran.err


def test_a_closed_output_pipe_ends_quietly() -> None:
    # "ai-procurement banks ai-territorial | head -1": no traceback on a closed pipe.
    process = subprocess.Popen([sys.executable, "-m", "ai_procurement", "banks",
                                "ai-territorial"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) in (0, 141)
    assert "Traceback" not in stderr


# -- init and questionnaire ----------------------------------------------------------------

@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign created by ``init`` (not published): copy it before changing it."""
    folder = tmp_path_factory.mktemp("init") / "consultation"
    assert main(["init", str(folder)]) == 0
    return folder


def test_init_creates_the_folders_the_key_and_a_commented_campaign_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ran = run(capsys, "init", tmp_path / "c")
    assert ran.code == 0
    assert "Campagne créée" in ran.out
    for name in ("private", "outbox", "responses", "reports", "reviews", "out"):
        assert (tmp_path / "c" / name).is_dir()
    assert len((tmp_path / "c" / "private" / "signing.key").read_text().strip()) == 64
    text = (tmp_path / "c" / "campaign.yaml").read_text("utf-8")
    assert "bank: ai-territorial" in text
    assert "ne l'envoyez jamais" in text  # commented in French
    again = run(capsys, "init", tmp_path / "c")
    assert again.code == 3
    assert "existe déjà ; il n'est pas remplacé" in again.err
    assert "already exists" in run(capsys, "init", tmp_path / "c", "--lang", "en").err


def _set_vendors(folder: Path, vendors: list[str]) -> None:
    """Invite these vendors (mode: invited), as a restricted procedure does."""
    path = folder / "campaign.yaml"
    text = path.read_text("utf-8")
    listed = "".join(f"  - {v}\n" for v in vendors)
    text = re.sub(r"(?m)^mode: open\n", "mode: invited\n", text)
    if re.search(r"(?m)^vendors:", text):
        text = re.sub(r"(?m)^vendors:.*\n(?:  - .*\n)+", f"vendors:\n{listed}", text)
    else:
        text = text.replace("mode: invited\n", f"mode: invited\nvendors:\n{listed}", 1)
    path.write_text(text, "utf-8")


def test_questionnaire_writes_one_file_per_vendor_and_prints_the_fingerprint(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path) -> None:
    folder = copy_campaign(initialised, tmp_path / "c")
    _set_vendors(folder, ["Alizé Systèmes", "Boréal Data", "Cumulus IA"])
    ran = run(capsys, "questionnaire", folder)
    assert ran.code == 0, ran.err
    assert sorted(p.name for p in (folder / "outbox").iterdir()) == [
        "alize-systemes.xlsx", "boreal-data.xlsx", "cumulus-ia.xlsx"]
    match = re.search(r"Empreinte du questionnaire \(à publier\) : ([0-9a-f]{64})", ran.out)
    assert match is not None, ran.out
    published = json.loads((folder / "questionnaire.json").read_text("utf-8"))
    assert match.group(1) in json.dumps(published)
    # The same questionnaire again: nothing to rewrite, nothing refused.
    again = run(capsys, "--lang", "en", "questionnaire", folder)
    assert again.code == 0, again.err
    assert f"Questionnaire fingerprint (to publish): {match.group(1)}" in again.out
    assert "up to date" in again.out
    # A vendor added later gets its questionnaire; the others are left as they were.
    before = file_hashes(folder / "outbox")
    _set_vendors(folder, ["Alizé Systèmes", "Boréal Data", "Cumulus IA", "Dolmen Logiciels"])
    added = run(capsys, "questionnaire", folder)
    assert added.code == 0, added.err
    assert "dolmen-logiciels.xlsx" in added.out
    assert "alize-systemes.xlsx" not in added.out
    after = file_hashes(folder / "outbox")
    assert {k: after[k] for k in before} == before


TAILORING = """\
format: 1
extends: ai-territorial
id: mine
version: "1"
add_questions:
  SOV:
    - id: SOV-90
      text: {fr: "Où hébergez-vous ?", en: "Where do you host?"}
      why: {fr: "Pour comparer.", en: "To compare."}
      answer:
        type: single_choice
        options:
          - {id: fr, label: {fr: "En France", en: "In France"}, points: 2}
          - {id: eu, label: {fr: "Dans l'Union européenne", en: "In the European Union"},
             points: 1}
"""


def test_questionnaire_warns_about_unverifiable_and_geographic_questions(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path) -> None:
    folder = copy_campaign(initialised, tmp_path / "c")
    (folder / "mine.yaml").write_text(TAILORING, "utf-8")
    path = folder / "campaign.yaml"
    path.write_text(path.read_text("utf-8").replace("bank: ai-territorial", "bank: mine.yaml"),
                    "utf-8")
    ran = run(capsys, "--lang", "en", "questionnaire", folder)
    assert ran.code == 0, ran.err
    assert "question 'SOV-90' is scored or a knock-out and needs a means of verification" \
        in ran.err
    assert "question 'SOV-90': option 'fr' (France) scores 2.0 while option 'eu'" in ran.err
    assert "SOV-02" not in ran.err  # the bundled questions are verified and neutral
    french = run(capsys, "questionnaire", folder)  # the campaign's language
    assert ("! mine\u00a0: $.criteria[4].questions[5].verification : la question "
            "«\u00a0SOV-90\u00a0» est notée ou éliminatoire et demande un moyen de "
            "vérification") in french.err


def _publish_weights(folder: Path, cost: int) -> None:
    # Out of 100 points: what COST gains, LEG and DATA lose.
    moved = cost - 30
    weights = {"RED": 0, "LEG": 10 - moved // 2, "DATA": 8 - (moved - moved // 2), "SEC": 8,
               "SOV": 5, "TRA": 5, "HUM": 5, "SERV": 6, "STAFF": 3, "ENV": 6, "EVAL": 4,
               "REV": 4, "ACC": 6, "COST": cost}
    path = folder / "campaign.yaml"
    text = re.sub(r"(?m)^weights:\n(?:  .*\n)+", "", path.read_text("utf-8"))
    text += "weights:\n" + "".join(f"  {k}: {v}\n" for k, v in weights.items())
    path.write_text(text, "utf-8")


def test_changing_the_weights_after_publication_is_refused(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path) -> None:
    folder = copy_campaign(initialised, tmp_path / "c")
    _set_vendors(folder, ["Alizé Systèmes"])
    _publish_weights(folder, cost=30)
    assert run(capsys, "questionnaire", folder).code == 0
    published = file_hashes(folder)
    _publish_weights(folder, cost=40)
    ran = run(capsys, "questionnaire", folder)
    assert ran.code == 3
    assert "questionnaire.json" in ran.err
    assert "ne doivent plus changer après la publication" in ran.err
    assert "--force" in ran.err  # what to do when no vendor has answered yet
    assert {k: v for k, v in file_hashes(folder).items() if k != "campaign.yaml"} == {
        k: v for k, v in published.items() if k != "campaign.yaml"}
    # Once a vendor has answered, not even --force may change the questionnaire.
    shutil.copy(folder / "outbox" / "alize-systemes.xlsx", folder / "responses" / "a.xlsx")
    forced = run(capsys, "questionnaire", "--force", folder)
    assert forced.code == 3
    assert "responses/" in forced.err
    # Before any answer, --force publishes the new weights (and a new fingerprint).
    (folder / "responses" / "a.xlsx").unlink()
    republished = run(capsys, "questionnaire", "--force", folder)
    assert republished.code == 0, republished.err
    assert sha256(folder / "questionnaire.json") != published["questionnaire.json"]


# -- check ---------------------------------------------------------------------------------

def _check_lines(out: str) -> dict[str, str]:
    """File name -> verdict ("OK" or "TO FIX"), from the table ``check`` prints."""
    return {m.group(2): m.group(1) for m in
            re.finditer(r"(?m)^(OK|TO FIX|À CORRIGER)\s+(\S+)\s", out)}


def test_check_on_the_demo_accepts_every_file_and_writes_one_report_each(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    shutil.rmtree(folder / "reports")
    received = file_hashes(folder / "responses")
    ran = run(capsys, "check", folder)
    assert ran.code == 0, ran.err
    assert file_hashes(folder / "responses") == received  # read, never modified
    assert [line.split()[0] for line in ran.out.splitlines()] == ["OK"] * 11
    assert sorted(p.name for p in (folder / "reports").iterdir()) == sorted(
        f"{name}.fr.docx" for name in DEMO_RESPONSES)
    # The reports are those the demo wrote: same files, same text.
    for report in (folder / "reports").iterdir():
        assert report.read_bytes() == (demo_campaign / "reports" / report.name).read_bytes()


def _another_campaigns_questionnaire(root: Path, demo: Path) -> Path:
    """A questionnaire issued by another buyer for the same consultation (other key)."""
    other = root / "other-buyer"
    assert main(["init", str(other)]) == 0
    shutil.copy(demo / "campaign.yaml", other / "campaign.yaml")
    _set_vendors(other, ["Alizé Systèmes"])
    assert main(["questionnaire", str(other)]) == 0
    return other / "outbox" / "alize-systemes-lot-1.xlsx"


def _write_csv(path: Path, demo: Path) -> None:
    del demo
    path.write_text("Réf.;Votre réponse\nRED-01;Non\n", "utf-8")


def _truncate(path: Path, demo: Path) -> None:
    data = (demo / "responses" / DEMO_RESPONSES[5]).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _other_version(path: Path, demo: Path) -> None:
    # Another consultation's questionnaire: same bank, other weights (other fingerprint).
    root = path.parent.parent.parent
    other = root / "other-version"
    assert main(["init", str(other)]) == 0
    _set_vendors(other, ["Alizé Systèmes"])
    _publish_weights(other, cost=35)
    assert main(["questionnaire", str(other)]) == 0
    shutil.copy(other / "outbox" / "alize-systemes.xlsx", path)


def _other_key(path: Path, demo: Path) -> None:
    shutil.copy(_another_campaigns_questionnaire(path.parent.parent.parent, demo), path)


def _empty(path: Path, demo: Path) -> None:
    path.write_bytes(b"")


def _docx(path: Path, demo: Path) -> None:
    shutil.copy(demo / "out" / "lot-1" / "memo-fr.docx", path)


HOSTILE = {
    "another-version.xlsx": (_other_version, "another version of the questionnaire"),
    "another-buyer.xlsx": (_other_key, "signature does not match"),
    "prices.xlsx": (_write_csv, "text file (CSV"),
    "cut.xlsx": (_truncate, "is incomplete"),
    "empty.xlsx": (_empty, "is empty"),
    "memo.xlsx": (_docx, "not an Excel .xlsx workbook"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_foreign_or_broken_file_fails_check_and_the_others_go_through(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path,
        name: str) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "campaign" / "demo")
    make, expected = HOSTILE[name]
    make(folder / "responses" / name, demo_campaign)
    ran = run(capsys, "check", "--lang", "en", folder)
    assert ran.code == 1
    verdicts = _check_lines(ran.out)
    assert verdicts.pop(name) == "TO FIX"
    assert verdicts == dict.fromkeys(DEMO_RESPONSES, "OK")
    report = docx_text(folder / "reports" / f"{name}.en.docx")
    assert f"File\n{name}" in report
    assert "the file cannot be evaluated as it is (1 error, " in report
    assert expected in report
    assert "Errors (1)" in report


def test_a_blank_copy_outside_the_register_is_reported_in_both_languages_and_never_scored(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    # The published questionnaire, unfilled, lands in responses/ with no deposit behind it.
    shutil.copy(folder / "outbox" / "questionnaire-lot-1.xlsx",
                folder / "responses" / "vide.xlsx")
    ran = run(capsys, "check", "--lang", "en", folder)
    report = docx_text(folder / "reports" / "vide.xlsx.en.docx")
    assert "100 questions left unanswered, which score 0: RED-01, RED-02" in report
    assert "Mandatory requirements left unanswered (RED-01" in report
    assert "in no line of the opening register" in report
    french = run(capsys, "--lang", "fr", "check", folder)
    rapport = docx_text(folder / "reports" / "vide.xlsx.fr.docx")
    assert "100 questions sans réponse, qui valent 0 point : RED-01, RED-02" in rapport
    assert "Exigences éliminatoires sans réponse (RED-01" in rapport
    assert "(s)" not in rapport
    assert french.code == 0
    # Registered offers only are scored: the stray file changes no ranking (the memo's
    # procedure log records that it was received and read).
    evaluated = run(capsys, "evaluate", "--force", folder)
    assert evaluated.code == 0, evaluated.err
    after, before = file_hashes(folder / "out"), file_hashes(demo_campaign / "out")
    for name in ("lot-1/comparison.xlsx", "lot-2/comparison.xlsx", "lot-2/memo-fr.docx"):
        assert after[name] == before[name], name
    assert ran.code == 0


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "ai-procurement : {file} : une partie du chemin est un fichier, là où un dossier "
           "est attendu"),
    ("en", "ai-procurement: {file}: a part of the path is a file, where a folder was expected"),
])
def test_a_file_where_a_folder_should_be_is_named_in_the_users_language(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str, said: str) -> None:
    (tmp_path / "taken").write_text("not a folder", "utf-8")
    ran = run(capsys, "--lang", lang, "init", tmp_path / "taken" / "campaign")
    assert ran.code == 5
    assert said.format(file=tmp_path / "taken" / "campaign" / "private") in ran.err
    assert "Not a directory" not in ran.err


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "le disque est plein : libérez de la place, puis relancez"),
    ("en", "the disk is full: free some space, then run again"),
])
def test_a_full_disk_is_said_in_the_users_language(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        lang: str, said: str) -> None:
    import errno
    import os

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("ai_procurement._office.files.os.fsync", full)
    ran = run(capsys, "--lang", lang, "init", tmp_path / "campaign")
    assert ran.code != 0
    assert said in ran.err
    assert "No space left" not in ran.err


def test_a_file_from_another_campaign_is_rejected_by_its_signature(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    foreign = _another_campaigns_questionnaire(tmp_path, demo_campaign)
    shutil.copy(foreign, folder / "responses" / "alize-bis.xlsx")
    ran = run(capsys, "check", folder)
    assert ran.code == 1
    report = docx_text(folder / "reports" / "alize-bis.xlsx.fr.docx")
    assert "La signature du fichier ne correspond pas" in report
    assert "non identifié" in report  # not attributed to any vendor


def test_review_writes_one_workbook_per_evaluator(capsys: pytest.CaptureFixture[str],
                                                  demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    before = file_hashes(folder / "reviews")
    again = run(capsys, "--lang", "en", "review", folder, "--force")
    assert again.code == 0  # the evaluators' filled workbooks are never overwritten
    assert "nothing new to issue" in again.out
    assert file_hashes(folder / "reviews") == before
    shutil.rmtree(folder / "reviews")
    ran = run(capsys, "--lang", "en", "review", folder)
    assert ran.code == 0, ran.err
    assert sorted(p.name for p in (folder / "reviews").iterdir()) == [
        "claire-martin-lot-1.xlsx", "claire-martin-lot-2.xlsx", "louis-bernard-lot-1.xlsx",
        "louis-bernard-lot-2.xlsx"]
    assert "Send each evaluator their workbook" in ran.out


# -- evaluate: refusal, determinism, audit trail -------------------------------------------

@attrs.frozen
class Evaluated:
    folder: Path
    refused: Ran
    forced: Ran
    inputs_before: dict[str, str]
    inputs_after: dict[str, str]
    out_before: dict[str, str]
    out_after_refusal: dict[str, str]
    audit_before: list[str]
    audit_after_refusal: list[str]


@pytest.fixture(scope="module")
def evaluated(demo_campaign: Path, tmp_path_factory: pytest.TempPathFactory) -> Evaluated:
    """The demo evaluated again from the command line: first refused, then --force."""
    folder = copy_campaign(demo_campaign, tmp_path_factory.mktemp("evaluate") / "demo")

    def trail() -> list[str]:
        return (folder / "audit.jsonl").read_text("utf-8").splitlines()

    def call(*argv: str | Path) -> Ran:
        from contextlib import redirect_stderr, redirect_stdout
        from io import StringIO

        out, err = StringIO(), StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in argv])
        return Ran(code, out.getvalue(), err.getvalue())

    inputs_before = file_hashes(folder / "responses")
    out_before, audit_before = file_hashes(folder / "out"), trail()
    refused = call("evaluate", folder)
    out_after_refusal, audit_after_refusal = file_hashes(folder / "out"), trail()
    forced = call("evaluate", "--force", folder)
    return Evaluated(folder, refused, forced, inputs_before, file_hashes(folder / "responses"),
                     out_before, out_after_refusal, audit_before, audit_after_refusal)


def test_evaluate_refuses_to_overwrite_earlier_results(evaluated: Evaluated) -> None:
    assert evaluated.refused.code == 4
    assert "comparison.xlsx existe déjà" in evaluated.refused.err
    assert "Relancez-la avec --force" in evaluated.refused.err
    assert "force=True" not in evaluated.refused.err
    # Refused before any work: nothing written, nothing read.
    assert evaluated.out_after_refusal == evaluated.out_before
    assert evaluated.audit_after_refusal == evaluated.audit_before


def test_evaluate_again_gives_the_same_deliverables(evaluated: Evaluated,
                                                   demo_campaign: Path) -> None:
    assert evaluated.forced.code == 0, evaluated.forced.err
    after = file_hashes(evaluated.folder / "out")
    # Same inputs, same outputs: the comparison workbook, the memos, the debriefs.
    assert after == file_hashes(demo_campaign / "out")
    assert after["lot-1/comparison.xlsx"] == sha256(
        demo_campaign / "out" / "lot-1" / "comparison.xlsx")
    assert after["lot-2/memo-fr.docx"] == sha256(demo_campaign / "out" / "lot-2" / "memo-fr.docx")


def test_evaluate_prints_the_ranking_in_order_and_the_files_written(
        evaluated: Evaluated) -> None:
    lines = evaluated.forced.out.splitlines()
    assert lines[0] == "Lot 1 : Tri du courrier entrant"
    ranking = [line.split()[0] for line in lines[1:7]]
    assert ranking == ["1", "2", "3", "4", "5", "-"]
    assert "Alizé Systèmes" in lines[1]
    assert "irrégulière (exigence éliminatoire)" in lines[6]
    assert any("pas de gagnant net" in line for line in lines)
    assert "Lot 2 : Aide à la rédaction des réponses aux usagers" in lines
    assert "Fichiers écrits :" in lines
    assert any(line.strip().endswith("out/lot-1/memo-fr.docx") for line in lines)
    assert any(line.strip().endswith("out/lot-2/memo-fr.docx") for line in lines)
    # The robustness findings printed above go to the internal annex, not to the memo.
    for lot in ("lot-1", "lot-2"):
        for lang in ("fr", "en"):
            assert any(line.strip().endswith(f"out/{lot}/annexe-interne-robustesse-{lang}.docx")
                       for line in lines)


def test_the_input_files_are_never_modified(evaluated: Evaluated) -> None:
    assert evaluated.inputs_after == evaluated.inputs_before
    assert sorted(evaluated.inputs_before) == sorted(DEMO_RESPONSES)


def test_the_audit_trail_only_grows(evaluated: Evaluated) -> None:
    lines = (evaluated.folder / "audit.jsonl").read_text("utf-8").splitlines()
    before = evaluated.audit_before
    assert len(lines) > len(before)
    assert lines[: len(before)] == before  # earlier lines unchanged


def test_the_audit_trail_records_reads_and_writes_with_their_sha256(
        evaluated: Evaluated) -> None:
    folder = evaluated.folder
    records = audit(folder)
    new = records[len(evaluated.audit_before):]
    reads = {r["file"]: r["sha256"] for r in new if r["event"] == "read"}
    assert set(reads) == {f"responses/{name}" for name in DEMO_RESPONSES} | {
        f"reviews/{who}-lot-{lot}.xlsx" for who in ("claire-martin", "louis-bernard")
        for lot in ("1", "2")} | {"reviews/agreed-lot-1.yaml"}
    for name, digest in reads.items():
        assert digest == sha256(folder / name), name
    writes = {r["file"]: r["sha256"] for r in new if r["event"] == "write"}
    assert set(writes) == {f"out/{p.relative_to(folder / 'out').as_posix()}"
                           for p in (folder / "out").rglob("*") if p.is_file()}
    for name, digest in writes.items():
        assert digest == sha256(folder / name), name
    evaluation = next(r for r in new if r["event"] == "evaluate")
    assert evaluation["lot"] == "1"
    assert evaluation["fingerprint"] == json.loads(
        (folder / "questionnaire-lot-1.json").read_text("utf-8"))["fingerprint"]
    assert evaluation["settings"]["price_method"] == "classique"
    assert evaluation["ranking"][0][:2] == ["Alizé Systèmes", 1]
    # Every record of the trail, old and new, is readable JSON with a time.
    assert all("time" in r and "event" in r for r in records)


def test_every_file_written_is_in_the_audit_trail_with_its_last_hash(
        demo_campaign: Path) -> None:
    last: dict[str, str] = {}
    for record in audit(demo_campaign):
        if record["event"] == "write":
            last[record["file"]] = record["sha256"]
    for name in ("questionnaire-lot-1.json", "outbox/questionnaire-lot-1.xlsx",
                 "out/lot-1/comparison.xlsx", "out/lot-2/memo-fr.docx", "opening.json",
                 "reports/alize-systemes-lot-1.xlsx.fr.docx"):
        assert last[name] == sha256(demo_campaign / name), name


# -- invalid campaign files ---------------------------------------------------------------

def _replace(old: str, new: str) -> Any:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return edit


BAD_CAMPAIGNS = {
    "missing key": (_replace("language: fr", "# language: fr"),
                    "$.language (line", "required key missing"),
    "unknown bank": (_replace("bank: ai-territorial", "bank: ai-nope"),
                     "$.bank (line", "no bundled bank named 'ai-nope'"),
    "wrong type": (_replace("total_points: 100", "total_points: cent"),
                   "$.scoring.total_points (line", "expected a number, got 'cent'"),
    "list expected": (_replace("\nevaluators:", "\nevaluators: Someone\nold_evaluators:"),
                      "$.evaluators (line", "expected a list"),
    "unknown key": (_replace("blind_review: true", "blind_reveiw: true"),
                    "$ (line", "unknown key: blind_reveiw"),
    "unknown nested key": (_replace("  seed: 2026", "  seed: 2026\n  colour: red"),
                           "$.robustness (line", "unknown key: colour"),
    "bad date": (_replace("deadline: null", "deadline: 31/12/2027"),
                 "$.consultation.deadline (line", "expected a date as YYYY-MM-DD"),
    "unknown choice": (_replace("price_method: classique", "price_method: magique"),
                       "$.scoring.price_method (line", "expected one of"),
    "partial weights": (_replace("# weights:", "weights: {LEG: 10}\n#"),
                        "$.weights (line", "must name every criterion"),
    "weights not adding up": (_replace("# weights:", "weights: {RED: 0, LEG: 10, DATA: 8, "
                                       "SEC: 8, SOV: 5, TRA: 5, HUM: 5, SERV: 6, STAFF: 3, "
                                       "ENV: 6, EVAL: 4, REV: 4, ACC: 6, COST: 35}\n#"),
                              "$.weights (line", "the weights add up to 105, not to the 100"),
    "unknown format": (_replace("format: 1", "format: 2"), "unknown format 2",
                       "reads campaign format 1"),
    "invalid yaml": (_replace("\nevaluators:", "\nevaluators: [\n"), "invalid YAML", ""),
    "vendors in an open call": (_replace("# vendors:", "vendors: [Vendor A]\n#"),
                                "$.vendors (line", "an open call has no vendors known"),
}


@pytest.mark.parametrize("case", sorted(BAD_CAMPAIGNS))
def test_an_invalid_campaign_file_is_refused_with_its_yaml_path(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path,
        case: str) -> None:
    folder = copy_campaign(initialised, tmp_path / "c")
    edit, where, what = BAD_CAMPAIGNS[case]
    path = folder / "campaign.yaml"
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    for command in ("questionnaire", "check", "evaluate"):
        # In English here; test_a_french_campaign_hears_its_problems_in_french has the French.
        ran = run(capsys, command, folder, "--lang", "en")
        assert ran.code == 3, (command, ran.err)
        assert ran.out == ""
        assert str(path) in ran.err
        assert where in ran.err
        assert what in ran.err
        assert "Traceback" not in ran.err


def test_an_out_of_range_setting_names_the_setting(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path) -> None:
    folder = copy_campaign(initialised, tmp_path / "c")
    path = folder / "campaign.yaml"
    path.write_text(path.read_text("utf-8").replace("tie_tolerance: 1.0e-09",
                                                    "tie_tolerance: -1"), "utf-8")
    ran = run(capsys, "check", folder)
    assert ran.code == 3
    assert "tie_tolerance" in ran.err


def test_a_step_before_publication_says_which_command_to_run(
        capsys: pytest.CaptureFixture[str], initialised: Path) -> None:
    ran = run(capsys, "check", initialised)
    assert ran.code == 3
    assert "pas encore publié" in ran.err
    assert "« ai-procurement questionnaire »" in ran.err


def test_a_french_campaign_hears_its_problems_in_french(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path) -> None:
    from tests.test_french_outputs import english_words

    def english(err: str) -> list[str]:
        # YAML paths ($.criteria[0].weight) name the file's keys: identifiers, not prose.
        return english_words(re.sub(r"\$\S*", " ", err))

    folder = copy_campaign(initialised, tmp_path / "c")
    path = folder / "campaign.yaml"
    original = path.read_text("utf-8")
    path.write_text(original.replace("total_points: 100", "total_points: cent")
                    .replace("blind_review: true", "blind_reveiw: true")
                    .replace("deadline: null", "deadline: 31/12/2027", 1), "utf-8")
    ran = run(capsys, "check", folder)
    assert ran.code == 3
    assert "campaign.yaml : 3 problèmes" in ran.err
    assert "$.scoring.total_points (ligne " in ran.err
    assert "nombre attendu, reçu 'cent'" in ran.err
    assert "clé inconnue\u00a0: blind_reveiw" in ran.err
    assert english(ran.err) == []
    # The same file read in English says it in English.
    in_english = run(capsys, "check", folder, "--lang", "en")
    assert "campaign.yaml: 3 problems" in in_english.err
    assert "expected a number, got 'cent'" in in_english.err

    # A bank of the buyer's own with a wrong weight, an unknown answer type, a stray key.
    bank = (Path(__file__).parents[1] / "src/ai_procurement/bank/questionnaires"
            / "ai-territorial.yaml").read_text("utf-8")
    bank = (bank.replace("weight: ", "weight: beaucoup", 1)
            .replace("answer: {type: yes_no}", "answer: {type: oui_non}", 1)
            .replace("\ncriteria:", "\ncouleur: rouge\ncriteria:", 1))
    (folder / "banque.yaml").write_text(bank, "utf-8")
    path.write_text(original.replace("bank: ai-territorial", "bank: banque.yaml"), "utf-8")
    ran = run(capsys, "check", folder)
    assert ran.code == 3
    assert "impossible de charger la banque 'banque.yaml'" in ran.err
    assert "banque.yaml : 3 problèmes" in ran.err
    assert "type 'oui_non' inconnu" in ran.err
    assert "clé inconnue\u00a0: couleur" in ran.err
    assert english(ran.err) == []
    # One problem: the French singular.
    (folder / "banque.yaml").write_text(bank.replace("couleur: rouge\n", "")
                                        .replace("{type: oui_non}", "{type: yes_no}"), "utf-8")
    assert "banque.yaml : 1 problème\n" in run(capsys, "check", folder).err


def test_evaluating_before_publishing_is_refused_in_the_campaign_language(
        capsys: pytest.CaptureFixture[str], initialised: Path, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(initialised, folder)
    ran = run(capsys, "evaluate", folder)
    assert ran.code == 3
    assert "le questionnaire n'est pas encore publié ; lancez d'abord " \
           "« ai-procurement questionnaire »" in ran.err
    assert "not published" not in ran.err
    english = run(capsys, "evaluate", folder, "--lang", "en")
    assert english.code == 3
    assert "the questionnaire is not published yet; run 'ai-procurement questionnaire' " \
           "first" in english.err


def test_a_folder_without_campaign_says_how_to_create_one(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ran = run(capsys, "evaluate", tmp_path)
    assert ran.code == 3
    assert "aucune consultation ici" in ran.err
    assert "ai-procurement init DOSSIER" in ran.err
    assert "no campaign here" in run(capsys, "evaluate", tmp_path, "--lang", "en").err


# -- languages ---------------------------------------------------------------------------

def test_lang_switches_the_messages(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    french = run(capsys, "init", tmp_path / "fr")
    english = run(capsys, "--lang", "en", "init", tmp_path / "en")
    after = run(capsys, "init", "--lang", "en", tmp_path / "after")
    assert french.out.startswith("Campagne créée dans")
    assert english.out.startswith("Campaign created in")
    assert after.out.startswith("Campaign created in")
    # The campaign's language is written in campaign.yaml and used by later steps.
    assert "language: en" in (tmp_path / "en" / "campaign.yaml").read_text("utf-8")
    questionnaire = run(capsys, "questionnaire", tmp_path / "en")
    assert questionnaire.out.startswith("Questionnaire fingerprint (to publish):")
    wb = load_workbook(tmp_path / "en" / "outbox" / "questionnaire.xlsx", read_only=True)
    assert form.SHEET_COVER["en"] in wb.sheetnames
    wb.close()


# -- screening grid ------------------------------------------------------------------------

def _best(question: Question) -> str:
    """The best answer that crosses no red line, as its drop-down label."""
    spec = question.answer
    avoid = set(question.knockout.when) if question.knockout else set()
    points: list[tuple[str, float]]
    if isinstance(spec, YesNo):
        points = [("yes", spec.yes_points), ("no", spec.no_points)]
    elif isinstance(spec, SingleChoice):
        points = [(o.id, o.points) for o in spec.options]
    else:
        assert isinstance(spec, Scale)
        points = [(str(level.value), float(level.value)) for level in spec.levels]
    value = max((p for p in points if p[0] not in avoid), key=lambda p: p[1])[0]
    return dict(form.choice_labels(question, "fr"))[value]


def _fill_grid(source: Path, target: Path, answers: dict[str, str]) -> None:
    """Fill the grid as the project team does in Excel: one label per answer cell."""
    wb = load_workbook(source)
    ws = wb[form.SHEET_QUESTIONS]
    for row in range(form.FIRST_ROW, ws.max_row + 1):
        key = ws[f"{form.COL_KEY}{row}"].value
        if key in answers:
            ws[f"{form.COL_ANSWER}{row}"] = answers[key]
            ws[f"{form.COL_DOC}{row}"] = "Note de cadrage du projet.pdf"
    wb.save(target)


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("screen") / "grille.xlsx"
    assert main(["screen", "--new", str(path)]) == 0
    return path


def test_screen_new_writes_a_grid_and_never_overwrites_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "grille.xlsx"
    ran = run(capsys, "screen", "--new", path)
    assert ran.code == 0
    assert ran.out.startswith(f"Grille écrite : {path}")
    before = sha256(path)
    again = run(capsys, "screen", "--new", path)
    assert again.code == 4
    assert "existe déjà" in again.err
    assert "overwrite=True" not in again.err
    english = run(capsys, "--lang", "en", "screen", "--new", path)
    assert english.err == (f"ai-procurement: {path} already exists; the command refuses to "
                           "replace an earlier result. Run it again with --force to replace "
                           "it.\n")
    assert sha256(path) == before


def test_a_grid_with_good_answers_is_a_go(capsys: pytest.CaptureFixture[str], grid: Path,
                                          tmp_path: Path) -> None:
    bank = load_bank("ai-screening")
    answers = {q.id: _best(q) for _, q in bank.questions()}
    _fill_grid(grid, tmp_path / "ok.xlsx", answers)
    ran = run(capsys, "--lang", "en", "screen", tmp_path / "ok.xlsx")
    assert ran.code == 0, ran.out
    assert ran.out.startswith("GO: no red line crossed.")
    assert "left open" not in ran.out
    # Every criterion is at its best: 100 %.
    shares = re.findall(r"^\s+SC-[A-Z]+\s+(\d+)%", ran.out, flags=re.M)
    assert len(shares) == 7  # the seven criteria of the compass, after the red lines
    assert set(shares) == {"100"}


def test_a_grid_crossing_a_red_line_is_a_no_go(capsys: pytest.CaptureFixture[str],
                                               grid: Path, tmp_path: Path) -> None:
    bank = load_bank("ai-screening")
    answers = {q.id: _best(q) for _, q in bank.questions()}
    answers["SC-RED-01"] = "Oui"  # biometric identification
    _fill_grid(grid, tmp_path / "biometric.xlsx", answers)
    ran = run(capsys, "--lang", "en", "screen", tmp_path / "biometric.xlsx")
    assert ran.code == 1
    assert ran.out.startswith("NO-GO: at least one red line is crossed.")
    assert "✗ SC-RED-01: Biometric identification" in ran.out
    assert ran.out.count("✗") == 1


def test_a_blank_grid_asks_for_the_red_line_answers(capsys: pytest.CaptureFixture[str],
                                                    grid: Path) -> None:
    ran = run(capsys, "screen", grid)
    assert ran.code == 1
    assert ran.out.startswith("ARRÊT : des questions éliminatoires sont restées sans réponse")
    assert "? SC-RED-01" in ran.out
    assert "✗" not in ran.out


# -- demo ----------------------------------------------------------------------------------

def test_demo_into_an_existing_campaign_is_refused_without_force(
        capsys: pytest.CaptureFixture[str], initialised: Path) -> None:
    before = file_hashes(initialised)
    ran = run(capsys, "demo", initialised)
    assert ran.code == 3
    assert "contient déjà une campagne" in ran.err
    assert "--force" in ran.err
    assert file_hashes(initialised) == before


def test_an_agreed_level_with_its_rationale_settles_a_divergence(demo_campaign: Path,
                                                                  tmp_path: Path) -> None:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import score_campaign

    # Scoring reads files, and reads go to the audit trail: work on a copy.
    run = score_campaign(load_campaign(copy_campaign(demo_campaign, tmp_path / "c")), "1")
    line = next(x for x in run.evaluation.lines_for("Dolmen Logiciels")
                if x.question_id == "SERV-01")
    # reviews/agreed-lot-1.yaml: level 2 on a 0..4 scale, set by the lead evaluator.
    assert (line.source, line.fraction) == ("consensus", 0.5)
    assert line.justification.startswith("Réunion d'harmonisation")
    assert [o.by for o in run.evaluation.overrides] == ["Claire Martin"]


def test_a_malformed_agreed_file_is_a_campaign_error_naming_the_entry(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "c")
    (folder / "reviews" / "agreed-lot-1.yaml").write_text(
        "- vendor: Dolmen Logiciels\n  question: SERV-01\n  level: deux\n"
        "  rationale: x\n", "utf-8")
    ran = run(capsys, "evaluate", "--force", folder)
    assert ran.code == 3
    assert "$[0].level (ligne 3) : nombre entier attendu, reçu 'deux'" in ran.err
    assert "Traceback" not in ran.err


# -- import-grid ---------------------------------------------------------------------------------

def test_import_grid_shows_the_detected_mapping_then_writes_a_draft_and_its_report(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.bank.test_grid import write_grid

    grid = tmp_path / "inherited.xlsx"
    write_grid(grid)
    shown = run(capsys, "--lang", "en", "import-grid", grid)
    # The buyer confirms the detected mapping before anything is written.
    assert shown.code == 2
    assert "A: id\nB: section\nC: question\nD: answer\nE: points\nF: applies_if\n" in shown.out
    assert "I1: column 'Notes' not recognised" in shown.err
    assert not (tmp_path / "inherited.bank.yaml").exists()
    done = run(capsys, "--lang", "en", "import-grid", grid, "--accept-detected")
    assert done.code == 0, done.err
    assert "D60: no answer list (data validation) nor type" in done.out
    draft = load_bank(tmp_path / "inherited.bank.yaml")
    assert draft.aggregation == "flat"
    report = (tmp_path / "inherited.bank.import-report.txt").read_text("utf-8")
    assert "I1: column 'Notes' not recognised" in report
    # An earlier draft is never overwritten without --force.
    again = run(capsys, "import-grid", grid, "--accept-detected")
    assert again.code == 4
    declared = run(capsys, "--lang", "en", "import-grid", grid, "--map", "question=C",
                   "--map", "id=A",
                   "--map", "points=E", "--map", "answer=D", "--out", tmp_path / "min.yaml")
    assert declared.code == 0, declared.err
    # No reason column: the draft is written, with what remains to complete.
    assert "Complete the draft" in declared.err
    assert "questions[4].why: a question that earns points needs a 'why'" in declared.out
    assert (tmp_path / "min.yaml").read_text("utf-8").startswith("format: 1\nid: inherited")


def test_an_imported_grid_is_published_once_its_flat_rule_is_announced(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.bank.test_grid import write_grid

    grid = tmp_path / "inherited.xlsx"
    write_grid(grid)
    assert run(capsys, "import-grid", grid, "--accept-detected").code == 0
    folder = tmp_path / "c"
    assert run(capsys, "--lang", "en", "init", folder).code == 0
    config = folder / "campaign.yaml"
    text = re.sub(r"(?m)^bank: .*$", f"bank: {tmp_path / 'inherited.bank.yaml'}",
                  config.read_text("utf-8"))
    config.write_text(text, encoding="utf-8")
    refused = run(capsys, "questionnaire", folder)
    assert refused.code == 3
    assert "aggregation rule 'flat'" in refused.err
    config.write_text(text + "aggregation_announced: true\n", encoding="utf-8")
    published = run(capsys, "questionnaire", folder)
    assert published.code == 0, published.err
    # An English-only grid: the buyer is reminded that a French consultation needs French.
    assert "exists in English only" in published.err


def test_a_file_name_cannot_forge_a_line_of_the_check_output(
        capsys: pytest.CaptureFixture[str], demo_campaign: Path, tmp_path: Path) -> None:
    folder = copy_campaign(demo_campaign, tmp_path / "demo")
    shutil.copy(folder / "responses" / "alize-systemes-lot-1.xlsx",
                folder / "responses" / "x\nOK         alize\u202e.xlsx")
    ran = run(capsys, "--lang", "en", "check", folder)
    lines = ran.out.splitlines()
    assert len(lines) == 12  # eleven files of the demo and the copy, one line each
    assert any("x⟨U+000A⟩OK         alize⟨U+202E⟩.xlsx" in line for line in lines)
    assert "\u202e" not in ran.out + ran.err
