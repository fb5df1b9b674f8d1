"""The ``ai-procurement`` command line: the whole job on a campaign folder.

Heavy libraries are imported inside the commands, so ``--help`` answers at once.

Exit codes: 0 success; 1 returned files have errors (``check``) or the screening grid
says no-go; 2 wrong usage; 3 invalid campaign, bank or questionnaire; 4 an output
already exists (use ``--force``); 5 any other error of the library, or a file that
cannot be read or written; 130 interrupted; 141 the output pipe was closed (``| head``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ai_procurement.text import visible

if TYPE_CHECKING:
    from ai_procurement.decision.scoring import VendorResult
    from ai_procurement.text import Lang

__all__ = ["main"]

T = TypeVar("T")

EXIT_OK, EXIT_FILE_ERRORS, EXIT_USAGE, EXIT_INVALID, EXIT_EXISTS, EXIT_ERROR = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141


def _say(lang: Lang, fr: str, en: str) -> None:
    print(fr if lang == "fr" else en)


def _warn(lang: Lang, fr: str, en: str) -> None:
    print(fr if lang == "fr" else en, file=sys.stderr)


def _progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, total=total, unit="", leave=False)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ai-procurement",
        description="Buy software that embeds AI and decide in a way you can defend: "
                    "questionnaires, checks, scoring, robustness, decision memo.",
        epilog="Exit codes: 0 ok, 1 files with errors or no-go, 2 usage, 3 invalid campaign "
               "or bank, 4 output exists (use --force), 5 other error.")
    lang_help = "language of messages and reports (default: the campaign's, else fr)"
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help=lang_help)
    # --lang is accepted after the command too ("ai-procurement check --lang en"); there
    # it has no default, so that it never hides one given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS,
                        help=lang_help)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=summary, parents=[common])

    def folder(p: argparse.ArgumentParser) -> None:
        p.add_argument("folder", nargs="?", default=".", type=Path,
                       help="campaign folder (default: the current folder)")

    def force(p: argparse.ArgumentParser) -> None:
        p.add_argument("--force", action="store_true",
                       help="replace earlier outputs instead of refusing")

    p = command("banks", "list the bundled question banks, or show one")
    p.add_argument("bank", nargs="?", help="a bank id or the path of a bank file")
    p = command("init", "create a campaign folder from a bank")
    p.add_argument("folder", type=Path)
    p.add_argument("--bank", default="ai-territorial", help="bank id (default: ai-territorial)")
    force(p)
    p = command("questionnaire", "freeze the questionnaire and write one workbook per vendor")
    folder(p)
    force(p)
    p = command("check", "check the returned workbooks; one report per file")
    folder(p)
    force(p)
    p = command("review", "write one review workbook per evaluator")
    folder(p)
    force(p)
    p = command("evaluate", "score, test robustness and write the comparison, memo, debriefs")
    folder(p)
    force(p)
    p = command("screen", "the internal go/no-go screening grid of an AI project")
    p.add_argument("grid", type=Path, help="the grid workbook to read (or to write with --new)")
    p.add_argument("--new", action="store_true", help="write a blank grid to fill")
    force(p)
    p = command("demo", "run the whole job on a bundled fictional campaign")
    p.add_argument("folder", nargs="?", default=Path("demo-campaign"), type=Path,
                   help="where to write the demo campaign (default: demo-campaign)")
    force(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    from ai_procurement.campaign.folder import CampaignError
    from ai_procurement.errors import (
        AIProcurementError,
        BankError,
        OutputExistsError,
        QuestionnaireError,
    )

    lang: Lang = args.lang or "fr"
    try:
        command: Callable[[argparse.Namespace, Lang], int] = _COMMANDS[args.command]
        return command(args, lang)
    except OutputExistsError as exc:
        print(f"ai-procurement: {visible(str(exc), newlines=True)}", file=sys.stderr)
        return EXIT_EXISTS
    except (CampaignError, BankError, QuestionnaireError) as exc:
        print(f"ai-procurement: {visible(str(exc), newlines=True)}", file=sys.stderr)
        return EXIT_INVALID
    except AIProcurementError as exc:
        print(f"ai-procurement: {visible(str(exc), newlines=True)}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except OSError as exc:
        # A disk full, a read-only folder, a file locked by another program: say which
        # file and why, not a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(visible(f"ai-procurement: {where}{exc.strerror or exc}"), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that exiting does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass


def _lang(args: argparse.Namespace, campaign_lang: Lang) -> Lang:
    chosen: Lang = args.lang or campaign_lang
    return chosen


def _banks(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.bank.files import list_banks, load_bank

    if args.bank is None:
        for name in list_banks():
            bank = load_bank(name)
            count = sum(1 for _ in bank.questions())
            print(f"{name:16} {bank.version:8} {count:3} questions  {bank.title.get(lang)}")
        return EXIT_OK
    bank = load_bank(args.bank)
    print(f"{bank.id} {bank.version}: {bank.title.get(lang)}")
    print(bank.description.get(lang))
    total = sum(c.weight for c in bank.criteria) or 1.0
    for criterion in bank.criteria:
        tags = f" [{', '.join(criterion.tags)}]" if criterion.tags else ""
        print(f"  {criterion.id:8} {criterion.weight / total:6.1%} "
              f"{len(criterion.questions):3} q.  {criterion.title.get(lang)}{tags}")
    return EXIT_OK


def _init(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import init_campaign

    init_campaign(args.folder, bank=args.bank, language=lang, force=args.force)
    _say(lang, f"Campagne créée dans {args.folder}. Modifiez {args.folder}/campaign.yaml "
               "(candidats, évaluateurs, pondérations), puis : ai-procurement questionnaire "
               f"{args.folder}",
         f"Campaign created in {args.folder}. Edit {args.folder}/campaign.yaml (vendors, "
         f"evaluators, weights), then: ai-procurement questionnaire {args.folder}")
    return EXIT_OK


def _questionnaire(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import publish

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    written = publish(campaign, force=args.force, progress=_progress)
    frozen = campaign.frozen()
    for warning in frozen.warnings:
        print(f"! {warning.get(lang)}", file=sys.stderr)
    _say(lang, f"Empreinte du questionnaire (à publier) : {frozen.fingerprint}",
         f"Questionnaire fingerprint (to publish): {frozen.fingerprint}")
    for path in written:
        print(f"  {path}")
    if not written:
        _say(lang, "Rien de nouveau à écrire : les questionnaires de outbox/ sont à jour.",
             "Nothing new to write: the questionnaires in outbox/ are up to date.")
    return EXIT_OK


def _check(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import check

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    checked = check(campaign, lang=lang, force=args.force, progress=_progress)
    if not checked:
        _say(lang, f"Aucun fichier dans {args.folder}/responses/.",
             f"No file in {args.folder}/responses/.")
        return EXIT_OK
    failures = 0
    for item in checked:
        report = item.response.report
        errors = len(report.errors)
        warnings = len(report.findings) - errors
        failures += errors > 0
        verdict = ("OK" if report.ok else ("À CORRIGER" if lang == "fr" else "TO FIX"))
        print(visible(f"{verdict:10} {item.path.name:32} {item.vendor or '?':24} "
                      f"{errors} error(s), {warnings} warning(s) -> {item.report_path}"))
    files: dict[str, list[str]] = {}
    for item in checked:
        if item.vendor is not None:
            files.setdefault(item.vendor, []).append(item.path.name)
    for vendor, names in sorted(files.items()):
        if len(names) > 1:
            failures += 1
            names = [visible(name) for name in names]
            _warn(lang, f"! {vendor} : plusieurs fichiers ({', '.join(names)}) ; ne gardez "
                        "dans responses/ que celui à évaluer.",
                  f"! {vendor}: several files ({', '.join(names)}); keep only the one to "
                  "evaluate in responses/.")
    return EXIT_FILE_ERRORS if failures else EXIT_OK


def _review(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import prepare_reviews

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    for path in prepare_reviews(campaign, force=args.force):
        print(f"  {path}")
    _say(lang, "Envoyez à chaque évaluateur son classeur ; déposez-les remplis dans reviews/.",
         "Send each evaluator their workbook; put them back, filled, in reviews/.")
    return EXIT_OK


def _evaluate(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import evaluate_campaign

    campaign = load_campaign(args.folder)
    from ai_procurement.deliverables.labels import STATUSES

    lang = _lang(args, campaign.config.language)
    run = evaluate_campaign(campaign, force=args.force, progress=_progress)
    for report in run.review_reports:
        if not report.ok:
            _warn(lang, f"! {visible(report.file)} : classeur d'évaluation à corriger, ses "
                        "notes ne sont pas prises en compte :",
                  f"! {visible(report.file)}: review workbook to correct; its scores are not "
                  "used:")
            for finding in report.errors:
                print(f"    {finding.describe(lang)}", file=sys.stderr)
    for result in sorted(run.evaluation.vendors, key=_rank_order):
        rank = "-" if result.rank is None else str(result.rank)
        status = STATUSES[result.status].get(lang)
        print(f"{rank:>3}  {result.vendor:28} {result.total:8.2f}  {status}")
    for sentence in run.robustness.sentences(lang):
        print(f"  • {sentence}")
    _say(lang, "Fichiers écrits :", "Files written:")
    for path in run.outputs:
        print(f"  {path}")
    return EXIT_OK


def _rank_order(result: VendorResult) -> tuple[bool, int, str]:
    """Ranked offers first, by rank; then the others, by name."""
    return result.rank is None, result.rank or 0, result.vendor


def _screen(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.workbooks.screening import read_screening, write_screening

    if args.new:
        path = write_screening(args.grid, lang=lang, overwrite=args.force)
        _say(lang, f"Grille écrite : {path}. Remplissez-la en équipe, puis : ai-procurement "
                   f"screen {path}",
             f"Grid written: {path}. Fill it in as a team, then: ai-procurement screen {path}")
        return EXIT_OK
    result = read_screening(args.grid)
    for line in result.lines(lang):
        print(line)
    return EXIT_OK if result.go else EXIT_FILE_ERRORS


def _demo(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.demo import run_demo

    summary = run_demo(args.folder, lang=lang, force=args.force, progress=_progress)
    print(summary)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, Lang], int]] = {
    "banks": _banks, "init": _init, "questionnaire": _questionnaire, "check": _check,
    "review": _review, "evaluate": _evaluate, "screen": _screen, "demo": _demo,
}

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
