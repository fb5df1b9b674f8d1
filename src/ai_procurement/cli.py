"""The ``ai-procurement`` command line: the whole job on a campaign folder.

Heavy libraries are imported inside the commands, so ``--help`` answers at once.

Exit codes: 0 success; 1 returned files have errors (``check``), evaluators' scores are
missing (``evaluate``) or the screening grid says no-go; 2 wrong usage; 3 invalid
campaign, bank or questionnaire; 4 an output already exists (use ``--force``); 5 any
other error of the library, or a file that cannot be read or written; 130 interrupted;
141 the output pipe was closed (``| head``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ai_procurement.text import visible

if TYPE_CHECKING:
    from ai_procurement.campaign.workflow import CheckedFile
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
        epilog="Exit codes: 0 ok, 1 files with errors, scores missing or no-go, 2 usage, "
               "3 invalid campaign or bank, 4 output exists (use --force), 5 other error.")
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
    p = command("publish-rules", "write the RC annex: criteria, weights, price formula, rules")
    folder(p)
    force(p)
    p = command("open", "register the offers received: bidder, lot, variant, time, file hash")
    folder(p)
    p.add_argument("--register", type=Path, default=None,
                   help="the deposit register exported from the buyer profile (CSV or "
                        "XLSX); default: opening.register in campaign.yaml, else the files "
                        "of responses/")
    p = command("check", "check the returned workbooks; one report letter per file")
    folder(p)
    force(p)
    p.add_argument("--no-pdf", action="store_true",
                   help="write the Word letters only, not their PDF (made with LibreOffice)")
    p = command("review", "issue review workbooks for the offer versions each evaluator "
                          "has not received yet (never rewrites one)")
    folder(p)
    force(p)
    p = command("evaluate", "score, test robustness and write the comparison, memo, debriefs")
    folder(p)
    force(p)
    p.add_argument("--draft", action="store_true",
                   help="evaluate even though evaluators' scores are missing: every page "
                        "is marked as a draft, no award proposal, no debrief letter")
    p = command("verify", "re-hash every file the audit trail recorded; report what changed")
    folder(p)
    p = command("round", "after opening: clarification, regularisation, negotiation, "
                         "abnormally-low price; letters to bidders")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, summary in (
            ("clarify", "ask bidders to clarify ambiguous points (the offer does not change)"),
            ("regularise", "invite every irregular offer to regularise (R2152-2)"),
            ("negotiate", "open a negotiation round, where the procedure allows it"),
            ("low-price", "ask abnormally low offers to justify their price (R2152-3)"),
            ("status", "list the rounds, the versions of each offer and pending decisions")):
        sub = actions.add_parser(name, help=summary, description=summary, parents=[common])
        folder(sub)
        if name != "status":
            sub.add_argument("--deadline", required=True, type=_date,
                             help="date by which bidders answer (YYYY-MM-DD)")
            sub.add_argument("--offer", action="append", default=[],
                             help="an offer number (P01...); repeat; default: every offer "
                                  "concerned")
        if name == "clarify":
            sub.add_argument("--question", action="append", default=[], required=True,
                             help="the id of a question whose answer is ambiguous; repeat")
    p = command("screen", "the internal go/no-go screening grid of an AI project")
    p.add_argument("grid", type=Path, help="the grid workbook to read (or to write with --new)")
    p.add_argument("--new", action="store_true", help="write a blank grid to fill")
    p.add_argument("--impact", type=Path, default=None,
                   help="a filled impact assessment workbook, read with the grid")
    p.add_argument("--campaign", type=Path, default=None,
                   help="record the verdict and the impact level in this campaign folder "
                        "(strategy/impact.json; campaign.yaml is never rewritten)")
    force(p)
    p = command("impact", "the impact level (I to IV) of an AI project, before buying")
    p.add_argument("workbook", type=Path,
                   help="the impact workbook to read (or to write with --new)")
    p.add_argument("--new", action="store_true", help="write a blank impact workbook to fill")
    p.add_argument("--campaign", type=Path, default=None,
                   help="record the level in this campaign folder (strategy/impact.json)")
    force(p)
    _strategy_commands(command, folder, force)
    p = command("import-grid", "turn a vendor grid you already have (xlsx) into a draft bank")
    p.add_argument("grid", type=Path, help="the grid workbook")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="declare a column: id, section, question, answer, answer_type, "
                        "points, applies_if or reason (repeat); without it the mapping is "
                        "detected from the headers and shown for confirmation")
    p.add_argument("--guidance", action="append", default=[], metavar="ANSWER=COLUMN",
                   help="a column of guidance shown for one answer (e.g. No=G)")
    p.add_argument("--option-points", action="append", default=[],
                   metavar="ANSWER=FRACTION",
                   help="the share of a question's points an answer earns (Yes=1, No=0 "
                        "unless told)")
    p.add_argument("--sheet", help="the sheet to read (default: the first)")
    p.add_argument("--header-row", type=int, default=1, help="the row of the headers")
    p.add_argument("--grid-language", choices=("fr", "en"), default="en",
                   help="the language the grid is written in (default: en)")
    p.add_argument("--accept-detected", action="store_true",
                   help="import with the detected mapping (after checking it)")
    p.add_argument("--out", type=Path, help="the draft bank to write (default: GRID.bank.yaml "
                                            "beside the grid)")
    force(p)
    p = command("demo", "run the whole job on a bundled fictional campaign")
    p.add_argument("folder", nargs="?", default=Path("demo-campaign"), type=Path,
                   help="where to write the demo campaign (default: demo-campaign)")
    force(p)
    return parser


def _strategy_commands(command: Callable[[str, str], argparse.ArgumentParser],
                       folder: Callable[[argparse.ArgumentParser], None],
                       force: Callable[[argparse.ArgumentParser], None]) -> None:
    """The commands of the "before buying" stage: panel, rules check, inventory."""
    p = command("panel", "weights from several people: write, read and adopt")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    w = actions.add_parser("write", help="one signed weighting workbook per participant",
                           description="one signed weighting workbook per participant, in "
                                       "strategy/panel-outbox/")
    folder(w)
    w.add_argument("--participant", action="append", default=[], metavar="NAME=GROUP",
                   required=True, help="a participant and their group (repeat the option)")
    w.add_argument("--mode", choices=("pairwise", "points"), default="pairwise",
                   help="pairwise comparisons on Saaty's scale (default) or a points "
                        "allocation")
    force(w)
    r = actions.add_parser("read", help="read strategy/panel-responses/ and aggregate",
                           description="read the filled workbooks of "
                                       "strategy/panel-responses/ and aggregate them")
    folder(r)
    r.add_argument("--aggregation", choices=("aij", "aip", "points"), default=None,
                   help="aij: geometric mean of judgments (default for pairwise); aip: of "
                        "priorities; points: arithmetic mean of shares")
    force(r)
    a = actions.add_parser("adopt", help="record the weights finally adopted, and why",
                           description="record the weights finally adopted, and why, in "
                                       "strategy/adopted-weights.json")
    folder(a)
    a.add_argument("--weight", action="append", default=[], metavar="CRITERION=WEIGHT",
                   required=True, help="a criterion and its weight (repeat the option)")
    a.add_argument("--why", required=True, help="why these weights (recorded)")
    a.add_argument("--by", default="", help="who adopted them")
    force(a)
    for sub in (w, r, a):
        sub.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS,
                         help="language of messages")
    p = command("rules-check", "try every price method and small weight changes on "
                               "estimated offers, before publishing")
    p.add_argument("offers", type=Path, help="the YAML file of typical offers (format 1)")
    p.add_argument("--campaign", type=Path, default=None,
                   help="take the weights from this campaign and write the one-page "
                        "report in its strategy/ folder")
    p.add_argument("--out", type=Path, default=None, help="where to write the report (.docx)")
    force(p)
    p = command("inventory", "staff AI-use declarations (shadow AI): form, aggregation, "
                             "register to publish")
    p.add_argument("path", type=Path, help="the form to write (with --new), or the folder of "
                                           "filled declaration forms")
    p.add_argument("--new", action="store_true", help="write a blank declaration form")
    p.add_argument("--out", type=Path, default=None,
                   help="the aggregation workbook to write (default: inventaire.xlsx or "
                        "inventory.xlsx beside the folder)")
    p.add_argument("--register", type=Path, default=None,
                   help="also export the processing used for individual decisions, to "
                        "publish (CRPA L312-1-3), as .csv or .xlsx")
    force(p)


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
        folder = getattr(args, "folder", None)
        if args.command in _WRITERS and folder is not None and Path(folder).is_dir():
            from ai_procurement.campaign.lock import campaign_lock

            # One writer at a time on a campaign (released even if the run is killed).
            with campaign_lock(folder, f"ai-procurement {args.command}"):
                return command(args, lang)
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
    from ai_procurement.bank.model import bank_warnings

    launched = campaign.config.procedure.published or dt.date.today()
    for lot in campaign.lots():
        frozen = campaign.frozen(lot)
        for warning in frozen.warnings_on(launched):
            print(f"! {warning.get(lang)}", file=sys.stderr)
        for problem in bank_warnings(frozen.bank):
            print(f"! {frozen.bank.id}: {problem}", file=sys.stderr)
        which = f" ({lot.describe(lang)})" if lot.id else ""
        _say(lang, f"Empreinte du questionnaire{which} (à publier) : {frozen.fingerprint}",
             f"Questionnaire fingerprint{which} (to publish): {frozen.fingerprint}")
    for path in written:
        print(f"  {path}")
    if not written:
        _say(lang, "Rien de nouveau à écrire : les questionnaires de outbox/ sont à jour.",
             "Nothing new to write: the questionnaires in outbox/ are up to date.")
    return EXIT_OK


def _publish_rules(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import publish_rules

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    written = publish_rules(campaign, force=args.force)
    for path in written:
        print(f"  {path}")
    _say(lang, "Annexe au règlement de la consultation écrite : joignez-la au RC publié avec "
               "le questionnaire." if written else "Rien de nouveau : l'annexe est à jour.",
         "Annex to the consultation rules written: attach it to the RC published with the "
         "questionnaire." if written else "Nothing new: the annex is up to date.")
    return EXIT_OK


def _open(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.opening import open_offers

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    opening = open_offers(campaign, register=args.register)
    status = {"on-time": ("à temps", "on time"), "late": ("HORS DÉLAI", "LATE"),
              "time-unknown": ("heure inconnue", "time unknown")}
    for offer in opening.offers:
        lot = f"lot {offer.lot}" if offer.lot else ""
        kind = "" if offer.variant == 0 else f"V{offer.variant}"
        when = offer.deposited.isoformat(sep=" ", timespec="minutes") if offer.deposited else ""
        print(f"{offer.id:4} {offer.bidder.name:28} {lot:8} {kind:4} {when:16} "
              f"{status[offer.status][0 if lang == 'fr' else 1]:14} {offer.file}")
    for problem in opening.problems:
        print(problem.describe(lang), file=sys.stderr)
    _say(lang, f"{len(opening.offers)} offre(s) enregistrée(s) dans opening.json.",
         f"{len(opening.offers)} offer(s) registered in opening.json.")
    return EXIT_OK if opening.ok else EXIT_FILE_ERRORS


def _check_pdfs(checked: Sequence[CheckedFile], lang: Lang, skip: bool) -> None:
    """PDF copies of the check letters just written, when LibreOffice is installed."""
    from ai_procurement.campaign.check_reports import bidder_letter_name
    from ai_procurement.deliverables.check_letters import to_pdf

    letters: list[Path] = []
    for item in checked:
        if item.report_path is None:
            continue
        for path in (item.report_path,
                     item.report_path.with_name(bidder_letter_name(item.path.name, lang))):
            pdf = path.with_suffix(".pdf")
            if path.is_file() and not (pdf.is_file()
                                       and pdf.stat().st_mtime >= path.stat().st_mtime):
                letters.append(path)
    if skip or not letters:
        return
    made = to_pdf(letters)
    if made is None:
        _warn(lang, "! LibreOffice (soffice) est introuvable : les lettres de contrôle sont "
                    "en Word seulement (voir la mention dans chaque lettre).",
              "! LibreOffice (soffice) not found: the check letters are in Word only (each "
              "letter says so).")
    elif len(made) < len(letters):
        _warn(lang, f"! {len(letters) - len(made)} lettre(s) n'ont pas pu être converties "
                    "en PDF ; les fichiers Word sont à jour.",
              f"! {len(letters) - len(made)} letter(s) could not be converted to PDF; the "
              "Word files are up to date.")


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
        counts = (f"{errors} erreur(s), {warnings} avertissement(s)" if lang == "fr" else
                  f"{errors} error(s), {warnings} warning(s)")
        print(visible(f"{verdict:10} {item.path.name:32} {item.vendor or '?':24} "
                      f"{counts} -> {item.report_path}"))
    files: dict[tuple[str, str], list[str]] = {}
    for item in checked:
        if item.vendor is not None:
            files.setdefault((item.lot, item.vendor), []).append(item.path.name)
    _check_pdfs(checked, lang, args.no_pdf)
    for (_, vendor), names in sorted(files.items()):
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
    written = prepare_reviews(campaign, force=args.force)
    for path in written:
        print(f"  {path}")
    if not written:
        _say(lang, "Chaque évaluateur a déjà une grille pour chaque version d'offre : rien "
                   "de nouveau à émettre.",
             "Every evaluator already has a workbook for every offer version: nothing new "
             "to issue.")
        return EXIT_OK
    _say(lang, "Envoyez à chaque évaluateur son classeur ; déposez-les remplis dans reviews/.",
         "Send each evaluator their workbook; put them back, filled, in reviews/.")
    return EXIT_OK


def _evaluate(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import evaluate_campaign

    campaign = load_campaign(args.folder)
    from ai_procurement.deliverables.labels import STATUSES, number

    lang = _lang(args, campaign.config.language)
    from ai_procurement.campaign import warnings
    from ai_procurement.campaign.reviews import ReviewsIncompleteError

    early = warnings.before_deadline(campaign)
    edited = [warnings.weights_changed(campaign, lot) for lot in campaign.lots()]
    try:
        run = evaluate_campaign(campaign, force=args.force, draft=args.draft,
                                progress=_progress)
    except ReviewsIncompleteError as exc:
        _warn(lang, f"! Évaluation incomplète : {len(exc.problems)} note(s) d'évaluateur "
                    "manquante(s) ou inutilisable(s) ; aucun résultat n'est écrit :",
              f"! Evaluation incomplete: {len(exc.problems)} evaluator score(s) missing or "
              "unusable; no result is written:")
        for problem in exc.problems:
            print(visible(f"  - {problem.message.get(lang)}"), file=sys.stderr)
        _warn(lang, "Complétez-les, ou demandez un projet (--draft) : marqué comme tel sur "
                    "chaque page, sans proposition d'attribution ni courrier aux candidats.",
              "Complete them, or ask for a draft (--draft): marked as such on every page, "
              "without award proposal or letters to bidders.")
        return EXIT_FILE_ERRORS
    problems = [p for lot_run in run.lots for p in lot_run.review_problems]
    if args.draft:
        _warn(lang, f"! PROJET : {len(problems)} note(s) d'évaluateur manquante(s) ; ni "
                    "proposition d'attribution ni courrier aux candidats.",
              f"! DRAFT: {len(problems)} evaluator score(s) missing; no award proposal and "
              "no letter to bidders.")
        for problem in problems:
            print(visible(f"  - {problem.message.get(lang)}"), file=sys.stderr)
    silent = [warnings.silent_evaluators(campaign.lot(r.lot or None), r.evaluation)
              for r in run.lots]
    for text in (early, *edited, *silent):
        if text is not None:
            _warn(lang, text.fr, text.en)
    for report in run.review_reports:
        if not report.ok:
            _warn(lang, f"! {visible(report.file)} : classeur d'évaluation à corriger, ses "
                        "notes ne sont pas prises en compte :",
                  f"! {visible(report.file)}: review workbook to correct; its scores are not "
                  "used:")
            for finding in report.errors:
                print(f"    {finding.describe(lang)}", file=sys.stderr)
    for lot_run in run.lots:
        if lot_run.lot:
            print(campaign.lot(lot_run.lot).describe(lang))
        for result in sorted(lot_run.evaluation.vendors, key=_rank_order):
            rank = "-" if result.rank is None else str(result.rank)
            status = STATUSES[result.status].get(lang)
            print(f"{rank:>3}  {result.vendor:28} {number(result.total, lang):>8}  {status}")
        for sentence in lot_run.robustness.sentences(lang):
            print(f"  • {sentence}")
        award = next((a for a in run.awards if a.lot == lot_run.lot), None)
        from ai_procurement.campaign.rounds import award_blocked

        blocked = award_blocked(campaign, lot_run, lang)
        if blocked:
            print(visible(f"  -> PROJET : {blocked}" if lang == "fr"
                          else f"  -> DRAFT: {blocked}"))
        elif not args.draft and award is not None and (award.offer is not None
                                                       or award.reason is not None):
            proposal = award.offer if award.offer is not None else (
                "aucune" if lang == "fr" else "none")
            heading = ("Proposition d'attribution :" if lang == "fr"
                       else "Award proposal:")
            print(visible(f"  -> {heading} {proposal}"))
            if award.reason is not None:
                print(visible(f"     {award.reason.get(lang)}"))
    _say(lang, "Fichiers écrits :", "Files written:")
    for path in run.outputs:
        print(f"  {path}")
    blanks = warnings.memo_blanks(campaign.config)
    if blanks:
        text = warnings.blanks_text(blanks)
        _warn(lang, text.fr, text.en)
    return EXIT_OK


def _verify(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.verify import verify_campaign

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    from ai_procurement.campaign.results import recover_results

    # An evaluation stopped by a crash is completed or rolled back first (recorded).
    for line in recover_results(campaign.root, campaign.audit):
        _warn(lang, f"! Reprise après une évaluation interrompue : {line.fr}",
              f"! Recovered after an interrupted evaluation: {line.en}")
    found = verify_campaign(campaign)
    for item in found:
        print(item.describe(lang))
    broken = [d for d in found if d.kind in ("changed", "missing")]
    if not found:
        _say(lang, "Tous les fichiers enregistrés dans le journal d'audit sont intacts.",
             "Every file recorded in the audit trail is unchanged.")
    elif broken:
        _warn(lang, f"{len(broken)} fichier(s) modifié(s) ou disparu(s) depuis leur "
                    "enregistrement : les résultats qui en dépendent ne sont plus fondés sur "
                    "eux. Restaurez-les depuis votre sauvegarde.",
              f"{len(broken)} file(s) changed or gone since they were recorded: the results "
              "that rest on them no longer do. Restore them from your backup.")
    return EXIT_FILE_ERRORS if broken else EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") \
            from None


def _round(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.rounds import (
        load_rounds,
        pending_low_price,
        start_round,
        stray_files,
    )
    from ai_procurement.campaign.workflow import check
    from ai_procurement.decision.rounds import RoundKind

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    if args.action == "status":
        for item in load_rounds(campaign):
            print(visible(f"{item.id:24} {item.kind.label.get(lang):50} "
                          f"{', '.join(item.offers)}"))
        failures = 0
        for checked in check(campaign, write_reports=False):
            if checked.offer is None:
                continue
            print(visible(f"{checked.offer.id:4} {checked.offer.label:28} v{checked.version} "
                          f"{checked.path.relative_to(campaign.root).as_posix()}"))
            for finding in checked.refused:
                failures += 1
                print(f"    {finding.describe(lang)}", file=sys.stderr)
        for stray in stray_files(campaign):
            failures += 1
            _warn(lang, f"! {visible(stray)} : le nom ne commence par le numéro d'aucune offre "
                        "invitée à ce tour (P01...) : fichier non lu.",
                  f"! {visible(stray)}: the name starts with the number of no offer invited "
                  "to this round (P01...): file not read.")
        for offer in pending_low_price(campaign):
            _warn(lang, f"! {offer} : justification du prix en attente de décision "
                        "(decisions.yaml)",
                  f"! {offer}: price justification awaiting a decision (decisions.yaml)")
        return EXIT_FILE_ERRORS if failures else EXIT_OK
    kind = {"clarify": RoundKind.CLARIFICATION, "regularise": RoundKind.REGULARISATION,
            "negotiate": RoundKind.NEGOTIATION, "low-price": RoundKind.LOW_PRICE}[args.action]
    started = start_round(campaign, kind, deadline=args.deadline, offers=args.offer,
                          questions=getattr(args, "question", []))
    for line in started.left_out:
        _warn(lang, f"! écartée de ce tour : {line.fr}", f"! left out of this round: {line.en}")
    for path in started.letters:
        print(f"  {path}")
    opened = started.round
    if kind.changes_offers:
        _say(lang, f"Tour {opened.id} ouvert : {', '.join(opened.offers)}. Déposez les offres "
                   f"reçues dans rounds/{opened.id}/responses/ (un fichier par offre, nommé "
                   "d'après son numéro : P01.xlsx).",
             f"Round {opened.id} opened: {', '.join(opened.offers)}. Put the offers received "
             f"in rounds/{opened.id}/responses/ (one file per offer, named after its number: "
             "P01.xlsx).")
    else:
        _say(lang, f"Tour {opened.id} ouvert : {', '.join(opened.offers)}. Consignez les "
                   "réponses reçues et vos décisions dans decisions.yaml (l'offre ne change "
                   "pas).",
             f"Round {opened.id} opened: {', '.join(opened.offers)}. Record the answers "
             "received and your decisions in decisions.yaml (the offer does not change).")
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
    code = EXIT_OK if result.go else EXIT_FILE_ERRORS
    if args.impact is None:
        if args.campaign is not None:
            _warn(lang, "! --campaign enregistre le niveau d'impact : donnez aussi --impact.",
                  "! --campaign records the impact level: also give --impact.")
            return EXIT_USAGE
        return code
    from ai_procurement.campaign.folder import sha256_of

    screening = {"go": result.go, "red_lines": [q for q, _ in result.red_lines],
                 "unverified": list(result.unverified), "source": args.grid.name,
                 "sha256": sha256_of(args.grid)} if result.report.ok else None
    impact_code = _read_impact(args.impact, args.campaign, screening, lang, args.force)
    return max(code, impact_code)


def _read_impact(path: Path, campaign: Path | None, screening: dict[str, object] | None,
                 lang: Lang, force: bool) -> int:
    from ai_procurement.workbooks.impact import read_impact

    reading = read_impact(path)
    for line in reading.lines(lang):
        print(line)
    if reading.assessment is None:
        return EXIT_FILE_ERRORS
    if campaign is not None:
        from ai_procurement.campaign.strategy import impact_config_line, record_impact

        target = record_impact(campaign, reading.assessment, path, screening=screening,
                               force=force)
        _say(lang, f"Niveau enregistré : {target}. Pour exiger des candidats ce que ce niveau "
                   "impose, ajoutez à campaign.yaml la ligne :",
             f"Level recorded: {target}. To demand from vendors what this level requires, "
             "add this line to campaign.yaml:")
        print(f"  {impact_config_line(target)}")
    return EXIT_OK


def _impact(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.workbooks.impact import write_impact

    if args.new:
        path = write_impact(args.workbook, lang=lang, overwrite=args.force)
        _say(lang, f"Évaluation d'impact écrite : {path}. Remplissez-la en équipe, puis : "
                   f"ai-procurement impact {path}",
             f"Impact assessment written: {path}. Fill it in as a team, then: "
             f"ai-procurement impact {path}")
        return EXIT_OK
    return _read_impact(args.workbook, args.campaign, None, lang, args.force)


def _pairs(values: Sequence[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, rest = value.rpartition("=")
        if not sep or not name.strip() or not rest.strip():
            raise _UsageError(f"{what}: expected NAME=VALUE, got {value!r}")
        pairs.append((name.strip(), rest.strip()))
    return pairs


class _UsageError(Exception):
    """A command-line value that argparse could not check."""


def _panel(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign import strategy

    try:
        if args.action == "write":
            participants = _pairs(args.participant, "--participant")
        elif args.action == "adopt":
            weights = {}
            for criterion, value in _pairs(args.weight, "--weight"):
                weights[criterion] = float(value.replace(",", "."))
    except (_UsageError, ValueError) as exc:
        _warn(lang, f"ai-procurement: {exc}", f"ai-procurement: {exc}")
        return EXIT_USAGE
    if args.action == "write":
        written = strategy.write_panel_workbooks(args.folder, participants, mode=args.mode,
                                                 force=args.force)
        for path in written:
            print(f"  {path}")
        _say(lang, "Envoyez à chaque participant son classeur ; déposez-les remplis dans "
                   "strategy/panel-responses/, puis : ai-procurement panel read",
             "Send each participant their workbook; put them back, filled, in "
             "strategy/panel-responses/, then: ai-procurement panel read")
        return EXIT_OK
    if args.action == "adopt":
        from ai_procurement.decision.panel import AdoptedWeights

        target = strategy.adopt_weights(args.folder, AdoptedWeights(weights, args.why,
                                                                    args.by), force=args.force)
        _say(lang, f"Pondérations retenues enregistrées : {target}. Pour les publier, "
                   "recopiez dans campaign.yaml :",
             f"Adopted weights recorded: {target}. To publish them, copy into "
             "campaign.yaml:")
        for line in strategy.weights_config_lines(args.folder, weights):
            print(f"  {line}")
        return EXIT_OK
    run = strategy.read_panel_workbooks(args.folder, aggregation=args.aggregation,
                                        force=args.force)
    failures = 0
    for reading in run.readings:
        if not reading.report.ok:
            failures += 1
            _warn(lang, f"! {reading.file} : classeur à corriger, non pris en compte :",
                  f"! {reading.file}: workbook to correct, left out:")
            for finding in reading.report.errors:
                print(f"    {finding.describe(lang)}", file=sys.stderr)
    if run.result is None:
        _say(lang, "Aucun classeur utilisable dans strategy/panel-responses/.",
             "No usable workbook in strategy/panel-responses/.")
        return EXIT_FILE_ERRORS
    for line in run.result.lines(lang):
        print(line)
    _say(lang, f"Agrégation enregistrée : {run.record}", f"Aggregation recorded: {run.record}")
    return EXIT_FILE_ERRORS if failures else EXIT_OK


def _rules_check(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign import strategy
    from ai_procurement.deliverables.rules_check import write_rules_check

    rules = strategy.load_rules_file(args.offers)
    check = strategy.rules_check_for(rules, args.campaign)
    for sentence in check.sentences(lang):
        print(f"  • {sentence}")
    target = args.out
    title = ""
    if args.campaign is not None:
        from ai_procurement.campaign.folder import load_campaign

        campaign = load_campaign(args.campaign)
        title = campaign.config.consultation.title
        if target is None:
            target = campaign.folder(strategy.STRATEGY_FOLDER) / f"rules-check-{lang}.docx"
    if target is not None:
        path = write_rules_check(check, target, lang=lang, title=title, overwrite=args.force)
        if args.campaign is not None:
            from ai_procurement.campaign.folder import sha256_of

            campaign.audit.append("rules-check", offers=args.offers.name,
                                  offers_sha256=sha256_of(args.offers), output=path.name,
                                  output_sha256=sha256_of(path))
        _say(lang, f"Essai des règles écrit : {path}", f"Rules check written: {path}")
    return EXIT_OK


def _inventory(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.workbooks import inventory

    if args.new:
        path = inventory.write_inventory(args.path, lang=lang, overwrite=args.force)
        _say(lang, f"Formulaire de déclaration écrit : {path}. Chaque agent en remplit un par "
                   "outil d'IA utilisé ; rassemblez-les dans un dossier, puis : "
                   "ai-procurement inventory DOSSIER",
             f"Declaration form written: {path}. Each member of staff fills one per AI tool "
             "used; gather them in a folder, then: ai-procurement inventory FOLDER")
        return EXIT_OK
    if not args.path.is_dir():
        _warn(lang, f"ai-procurement: {args.path} n'est pas un dossier de déclarations.",
              f"ai-procurement: {args.path} is not a folder of declarations.")
        return EXIT_USAGE
    files = sorted(p for p in args.path.iterdir() if p.is_file() and p.suffix == ".xlsx"
                   and not p.name.startswith((".", "~$")))
    declarations = inventory.read_declarations(files)
    default = "inventaire.xlsx" if lang == "fr" else "inventory.xlsx"
    out = args.out or args.path.parent / default
    written = [inventory.write_inventory_summary(declarations, out, lang=lang,
                                                 overwrite=args.force)]
    if args.register is not None:
        written.append(inventory.export_register(declarations, args.register, lang=lang,
                                                 overwrite=args.force))
    ok = [d for d in declarations if d.report.ok]
    _say(lang, f"{len(ok)} déclaration(s) lue(s) sur {len(declarations)} fichier(s) ; "
               f"{sum(d.shadow for d in ok)} usage(s) d'outils non fournis, dont "
               f"{sum(d.shadow and d.exposes_people for d in ok)} avec des données "
               f"personnelles ; {sum(d.individual_decisions is True for d in ok)} pour des "
               "décisions individuelles.",
         f"{len(ok)} declaration(s) read from {len(declarations)} file(s); "
         f"{sum(d.shadow for d in ok)} use(s) of tools not provided, "
         f"{sum(d.shadow and d.exposes_people for d in ok)} of them with personal data; "
         f"{sum(d.individual_decisions is True for d in ok)} for individual decisions.")
    for d in declarations:
        for finding in d.report.errors:
            print(f"  ! {finding.describe(lang)}", file=sys.stderr)
    for path in written:
        print(f"  {path}")
    return EXIT_OK if len(ok) == len(declarations) else EXIT_FILE_ERRORS


def _import_grid(args: argparse.Namespace, lang: Lang) -> int:
    import attrs

    from ai_procurement.bank.grid import GridIssue, detect_mapping, import_grid, parse_mapping

    unknown: tuple[GridIssue, ...] = ()
    if args.map:
        mapping = parse_mapping(args.map, guidance=args.guidance,
                                option_points=args.option_points, sheet=args.sheet,
                                header_row=args.header_row, language=args.grid_language)
    else:
        detected, unknown = detect_mapping(args.grid, sheet=args.sheet,
                                           language=args.grid_language)
        for issue in unknown:
            print(f"! {issue.describe(lang)}", file=sys.stderr)
        if detected is None:
            return EXIT_USAGE
        _say(lang, "Correspondance détectée :", "Detected mapping:")
        print(detected.describe())
        if not args.accept_detected:
            _say(lang, "Vérifiez-la, puis relancez avec --accept-detected, ou déclarez les "
                       "colonnes avec --map CHAMP=COLONNE.",
                 "Check it, then run again with --accept-detected, or declare the columns "
                 "with --map FIELD=COLUMN.")
            return EXIT_USAGE
        mapping = detected
        if args.guidance or args.option_points:
            mapping = parse_mapping(
                [f"{name}={column}" for column, name in mapping.columns().items()
                 if not name.startswith("guidance")],
                guidance=[*(f"{a}={c}" for a, c in mapping.guidance), *args.guidance],
                option_points=args.option_points, sheet=mapping.sheet,
                header_row=mapping.header_row, language=mapping.language)
    imported = import_grid(args.grid, mapping)
    # Headers left out of the mapping are part of what was not imported.
    imported = attrs.evolve(imported, issues=(*unknown, *imported.issues))
    out: Path = args.out or args.grid.with_name(args.grid.stem + ".bank.yaml")
    report = out.with_name(out.name.removesuffix(".yaml") + ".import-report.txt")
    imported.write(out, report, lang=lang, overwrite=args.force)
    print(imported.report(lang), end="")
    _say(lang, f"Brouillon de banque : {out}\nRapport d'import : {report}",
         f"Draft bank: {out}\nImport report: {report}")
    if imported.problems:
        _warn(lang, "! Complétez le brouillon (voir « Problèmes ») avant de geler un "
                    "questionnaire.",
              "! Complete the draft (see 'Problems') before freezing a questionnaire.")
    return EXIT_OK


def _demo(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.demo import run_demo

    summary = run_demo(args.folder, lang=lang, force=args.force, progress=_progress)
    print(summary)
    return EXIT_OK


_WRITERS = frozenset({"questionnaire", "publish-rules", "open", "check", "review",
                      "evaluate", "verify", "round"})
"""Commands that write a campaign folder (or its audit trail): they hold its lock."""

_COMMANDS: dict[str, Callable[[argparse.Namespace, Lang], int]] = {
    "banks": _banks, "init": _init, "questionnaire": _questionnaire,
    "publish-rules": _publish_rules, "open": _open,
    "check": _check, "review": _review, "evaluate": _evaluate, "screen": _screen,
    "impact": _impact, "panel": _panel, "rules-check": _rules_check,
    "inventory": _inventory, "import-grid": _import_grid, "verify": _verify, "demo": _demo,
    "round": _round,
}

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
