"""The ``ai-procurement`` command line: the whole job on a campaign folder.

Heavy libraries are imported inside the commands, so ``--help`` answers at once.

Exit codes: 0 success; 1 returned files have errors (``check``), evaluators' scores are
missing (``evaluate``) or the screening grid says no-go; 2 wrong usage; 3 invalid
campaign, bank or questionnaire; 4 an output already exists (use ``--force``); 5 any
other error of the library, or a file that cannot be read or written; 130 interrupted;
141 the output pipe was closed (``| head``).

Messages and ``--help`` are in French or English: ``--lang`` where given, else the
language of the campaign folder named on the command line, else French (the audience
is French buyers). Every sentence comes from the message catalogue (``msg``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from ai_procurement.text import Text, msg, nmsg, visible

if TYPE_CHECKING:
    from ai_procurement.campaign.folder import Campaign
    from ai_procurement.campaign.workflow import CheckedFile
    from ai_procurement.decision.scoring import VendorResult
    from ai_procurement.errors import OutputExistsError
    from ai_procurement.text import Lang

__all__ = ["main"]

T = TypeVar("T")

EXIT_OK, EXIT_FILE_ERRORS, EXIT_USAGE, EXIT_INVALID, EXIT_EXISTS, EXIT_ERROR = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141


def _say(lang: Lang, text: Text) -> None:
    print(text.get(lang))


def _warn(lang: Lang, text: Text) -> None:
    print(text.get(lang), file=sys.stderr)


def _progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, total=total, unit="", leave=False)


class _FrenchHelp(argparse.HelpFormatter):
    """argparse's help layout, with its one word of its own ("usage") in French."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[Any],
                  prefix: str | None = None) -> None:
        """Add the usage line, headed in French."""
        super().add_usage(usage, actions, groups, msg("usage: ").fr if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argparse parser that speaks the chosen language: sections, ``-h``, errors.

    argparse's own words are English; this parser puts its arguments in groups titled
    from the catalogue and adds ``-h`` itself, so that none of them shows in ``--help``.
    """

    def __init__(self, *args: Any, lang: Lang = "fr", **kwargs: Any) -> None:
        kwargs["formatter_class"] = _FrenchHelp if lang == "fr" else argparse.HelpFormatter
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.lang: Lang = lang
        self.arguments = self.add_argument_group(msg("arguments").get(lang))
        self.options = self.add_argument_group(msg("options").get(lang))
        self.options.add_argument("-h", "--help", action="help",
                                  help=msg("show this help and exit").get(lang))

    def add_argument(self, *names: Any, **kwargs: Any) -> argparse.Action:
        """Add an argument to the section of its kind (arguments, then options)."""
        positional = bool(names) and not str(names[0]).startswith("-")
        group = self.arguments if positional else self.options
        return group.add_argument(*names, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print the usage and ``message`` on stderr, then exit with the usage code."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, msg("{prog}: error: {message}\n", prog=self.prog,
                                  message=_usage_error(message).get(self.lang)).get(self.lang))


# argparse's error messages, which it writes in English, read back into the catalogue's
# messages: argparse has no public way to change its words.
_USAGE_ERRORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Text]], ...] = (
    (re.compile(r"argument (?P<name>.+?): (?P<rest>.+)", re.S),
     lambda m: msg("argument {name}: {message}", name=m["name"],
                   message=_usage_error(m["rest"]))),
    (re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", re.S),
     lambda m: msg("invalid choice: {value} (choose from {choices})", value=m["value"],
                   choices=m["choices"])),
    (re.compile(r"the following arguments are required: (?P<names>.+)", re.S),
     lambda m: msg("missing arguments: {names}", names=m["names"])),
    (re.compile(r"unrecognized arguments: (?P<names>.+)", re.S),
     lambda m: msg("unrecognised arguments: {names}", names=m["names"])),
    (re.compile(r"expected one argument"), lambda m: msg("expects one value")),
    (re.compile(r"expected at least one argument"), lambda m: msg("expects at least one value")),
    (re.compile(r"expected at most one argument"), lambda m: msg("expects at most one value")),
    (re.compile(r"invalid (?P<type>\w+) value: (?P<value>.+)", re.S),
     lambda m: msg("invalid value: {value}", value=m["value"])),
    (re.compile(r"not allowed with argument (?P<other>.+)", re.S),
     lambda m: msg("cannot be used with {other}", other=m["other"])),
    (re.compile(r"one of the arguments (?P<names>.+) is required", re.S),
     lambda m: msg("one of {names} is required", names=m["names"])),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", re.S),
     lambda m: msg("ambiguous option {option}: it could be {matches}", option=m["option"],
                   matches=m["matches"])),
    (re.compile(r"ignored explicit argument (?P<value>.+)", re.S),
     lambda m: msg("this option takes no value: {value} ignored", value=m["value"])),
)


def _usage_error(message: str) -> Text:
    """The catalogue message of argparse's English ``message`` (as it is if unknown)."""
    for pattern, text in _USAGE_ERRORS:
        if match := pattern.fullmatch(message):
            return text(match)
    return Text(message, message)


def _parser(lang: Lang = "fr") -> argparse.ArgumentParser:
    def t(text: Text) -> str:
        # argparse expands "%(default)s" in help strings: a literal % is doubled.
        return text.get(lang).replace("%", "%%")

    parser = _Parser(
        prog="ai-procurement", lang=lang,
        description=t(msg("Buy software that embeds AI and decide in a way you can defend: "
                          "questionnaires, checks, scoring, robustness, decision memo.")),
        epilog=t(msg("Exit codes: 0 ok, 1 files with errors or no-go, 2 usage, 3 invalid "
                     "campaign or bank, 4 output exists (use --force), 5 other error.")))
    lang_help = t(msg("language of messages, help and reports (default: the campaign's, "
                      "else French)"))
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help=lang_help)
    commands = parser.add_subparsers(title=t(msg("commands")), dest="command", required=True,
                                     metavar=t(msg("COMMAND")))

    def command(name: str, summary: Text) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=t(summary), description=t(summary), lang=lang)
        # --lang is accepted after the command too ("ai-procurement check --lang en");
        # there it has no default, so that it never hides one given before the command.
        p.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS,
                       help=lang_help)
        return p

    def folder(p: argparse.ArgumentParser) -> None:
        p.add_argument("folder", nargs="?", default=".", type=Path, metavar=t(msg("FOLDER")),
                       help=t(msg("campaign folder (default: the current folder)")))

    def force(p: argparse.ArgumentParser) -> None:
        p.add_argument("--force", action="store_true",
                       help=t(msg("replace earlier outputs instead of refusing")))

    p = command("banks", msg("list the bundled question banks, or show one"))
    p.add_argument("bank", nargs="?", metavar=t(msg("BANK")),
                   help=t(msg("a bank id or the path of a bank file")))
    p = command("init", msg("create a campaign folder from a bank"))
    p.add_argument("folder", type=Path, metavar=t(msg("FOLDER")),
                   help=t(msg("the campaign folder to create")))
    p.add_argument("--bank", default="ai-territorial", metavar=t(msg("BANK")),
                   help=t(msg("bank id (default: ai-territorial)")))
    force(p)
    p = command("questionnaire",
                msg("freeze the questionnaire and write one workbook per vendor"))
    folder(p)
    force(p)
    p = command("publish-rules",
                msg("write the RC annex: criteria, weights, price formula, rules"))
    folder(p)
    force(p)
    p = command("open",
                msg("register the offers received: bidder, lot, variant, time, file hash"))
    folder(p)
    p.add_argument("--register", type=Path, default=None, metavar=t(msg("FILE")),
                   help=t(msg("the deposit register exported from the buyer profile (CSV or "
                              "XLSX); default: opening.register in campaign.yaml, else the "
                              "files of responses/")))
    p = command("check", msg("check the returned workbooks; one report letter per file"))
    folder(p)
    force(p)
    p.add_argument("--no-pdf", action="store_true",
                   help=t(msg("write the Word letters only, not their PDF (made with "
                              "LibreOffice)")))
    p = command("review", msg("issue review workbooks for the offer versions each evaluator has "
                              "not received yet (never rewrites one)"))
    folder(p)
    force(p)
    p = command("evaluate",
                msg("score, test robustness and write the comparison, memo, debriefs"))
    folder(p)
    force(p)
    p.add_argument("--draft", action="store_true",
                   help=t(msg("evaluate even though evaluators' scores are missing: every page "
                              "is marked as a draft, no award proposal, no debrief letter")))
    p = command("verify",
                msg("re-hash every file the audit trail recorded; report what changed"))
    folder(p)
    p = command("round", msg("after opening: clarification, regularisation, negotiation, "
                             "abnormally-low price; letters to bidders"))
    assert isinstance(p, _Parser)
    actions = p.add_subparsers(title=t(msg("actions")), dest="action", required=True,
                               metavar=t(msg("ACTION")))
    for name, summary in (
            ("clarify", msg("ask bidders to clarify ambiguous points (the offer does not "
                            "change)")),
            ("regularise", msg("invite every irregular offer to regularise (R2152-2)")),
            ("negotiate", msg("open a negotiation round, where the procedure allows it")),
            ("low-price", msg("ask abnormally low offers to justify their price (R2152-3)")),
            ("status", msg("list the rounds, the versions of each offer and pending decisions"))):
        sub = actions.add_parser(name, help=t(summary), description=t(summary), lang=p.lang)
        sub.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS,
                         help=lang_help)
        folder(sub)
        if name != "status":
            sub.add_argument("--deadline", required=True, type=_date,
                             help=t(msg("date by which bidders answer (YYYY-MM-DD)")))
            sub.add_argument("--offer", action="append", default=[],
                             help=t(msg("an offer number (P01...); repeat; default: every offer "
                                        "concerned")))
        if name == "clarify":
            sub.add_argument("--question", action="append", default=[], required=True,
                             help=t(msg("the id of a question whose answer is ambiguous; repeat")))
    p = command("screen", msg("the internal go/no-go screening grid of an AI project"))
    p.add_argument("grid", type=Path, metavar=t(msg("GRID")),
                   help=t(msg("the grid workbook to read (or to write with --new)")))
    p.add_argument("--new", action="store_true", help=t(msg("write a blank grid to fill")))
    p.add_argument("--impact", type=Path, default=None, metavar=t(msg("WORKBOOK")),
                   help=t(msg("a filled impact assessment workbook, read with the grid")))
    p.add_argument("--campaign", type=Path, default=None, metavar=t(msg("FOLDER")),
                   help=t(msg("record the verdict and the impact level in this campaign "
                              "folder (strategy/impact.json; campaign.yaml is never "
                              "rewritten)")))
    force(p)
    p = command("impact", msg("the impact level (I to IV) of an AI project, before buying"))
    p.add_argument("workbook", type=Path, metavar=t(msg("WORKBOOK")),
                   help=t(msg("the impact workbook to read (or to write with --new)")))
    p.add_argument("--new", action="store_true",
                   help=t(msg("write a blank impact workbook to fill")))
    p.add_argument("--campaign", type=Path, default=None, metavar=t(msg("FOLDER")),
                   help=t(msg("record the level in this campaign folder "
                              "(strategy/impact.json)")))
    force(p)
    _strategy_commands(command, folder, force, t)
    p = command("import-grid",
                msg("turn a vendor grid you already have (xlsx) into a draft bank"))
    p.add_argument("grid", type=Path, metavar=t(msg("GRID")), help=t(msg("the grid workbook")))
    p.add_argument("--map", action="append", default=[], metavar=t(msg("FIELD=COLUMN")),
                   help=t(msg("declare a column: id, section, question, answer, answer_type, "
                              "points, applies_if or reason (repeat); without it the mapping "
                              "is detected from the headers and shown for confirmation")))
    p.add_argument("--guidance", action="append", default=[],
                   metavar=t(msg("ANSWER=COLUMN")),
                   help=t(msg("a column of guidance shown for one answer (e.g. No=G)")))
    p.add_argument("--option-points", action="append", default=[],
                   metavar=t(msg("ANSWER=FRACTION")),
                   help=t(msg("the share of a question's points an answer earns (Yes=1, "
                              "No=0 unless told)")))
    p.add_argument("--sheet", metavar=t(msg("SHEET")),
                   help=t(msg("the sheet to read (default: the first)")))
    p.add_argument("--header-row", type=int, default=1, metavar=t(msg("ROW")),
                   help=t(msg("the row of the headers")))
    p.add_argument("--grid-language", choices=("fr", "en"), default="en",
                   help=t(msg("the language the grid is written in (default: en)")))
    p.add_argument("--accept-detected", action="store_true",
                   help=t(msg("import with the detected mapping (after checking it)")))
    p.add_argument("--out", type=Path, metavar=t(msg("FILE")),
                   help=t(msg("the draft bank to write (default: GRID.bank.yaml beside the "
                              "grid)")))
    force(p)
    p = command("demo", msg("run the whole job on a bundled fictional campaign"))
    p.add_argument("folder", nargs="?", default=Path("demo-campaign"), type=Path,
                   metavar=t(msg("FOLDER")),
                   help=t(msg("where to write the demo campaign (default: demo-campaign)")))
    force(p)
    return parser


def _strategy_commands(command: Callable[[str, Text], argparse.ArgumentParser],
                       folder: Callable[[argparse.ArgumentParser], None],
                       force: Callable[[argparse.ArgumentParser], None],
                       t: Callable[[Text], str]) -> None:
    """The commands of the "before buying" stage: panel, rules check, inventory."""
    p = command("panel", msg("weights from several people: write, read and adopt"))
    assert isinstance(p, _Parser)
    lang = p.lang
    actions = p.add_subparsers(title=t(msg("actions")), dest="action", required=True,
                               metavar=t(msg("ACTION")))
    w = actions.add_parser("write", lang=lang,
                           help=t(msg("one signed weighting workbook per participant")),
                           description=t(msg("one signed weighting workbook per participant, "
                                             "in strategy/panel-outbox/")))
    folder(w)
    w.add_argument("--participant", action="append", default=[],
                   metavar=t(msg("NAME=GROUP")), required=True,
                   help=t(msg("a participant and their group (repeat the option)")))
    w.add_argument("--mode", choices=("pairwise", "points"), default="pairwise",
                   help=t(msg("pairwise comparisons on Saaty's scale (default) or a points "
                              "allocation")))
    force(w)
    r = actions.add_parser("read", lang=lang,
                           help=t(msg("read strategy/panel-responses/ and aggregate")),
                           description=t(msg("read the filled workbooks of "
                                             "strategy/panel-responses/ and aggregate them")))
    folder(r)
    r.add_argument("--aggregation", choices=("aij", "aip", "points"), default=None,
                   help=t(msg("aij: geometric mean of judgments (default for pairwise); aip: "
                              "of priorities; points: arithmetic mean of shares")))
    force(r)
    a = actions.add_parser("adopt", lang=lang,
                           help=t(msg("record the weights finally adopted, and why")),
                           description=t(msg("record the weights finally adopted, and why, in "
                                             "strategy/adopted-weights.json")))
    folder(a)
    a.add_argument("--weight", action="append", default=[],
                   metavar=t(msg("CRITERION=WEIGHT")), required=True,
                   help=t(msg("a criterion and its weight (repeat the option)")))
    a.add_argument("--why", required=True, metavar=t(msg("REASON")),
                   help=t(msg("why these weights (recorded)")))
    a.add_argument("--by", default="", metavar=t(msg("WHO")),
                   help=t(msg("who adopted them")))
    force(a)
    for sub in (w, r, a):
        sub.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS,
                         help=t(msg("language of messages")))
    p = command("rules-check", msg("try every price method and small weight changes on "
                                   "estimated offers, before publishing"))
    p.add_argument("offers", type=Path, metavar=t(msg("OFFERS")),
                   help=t(msg("the YAML file of typical offers (format 1)")))
    p.add_argument("--campaign", type=Path, default=None, metavar=t(msg("FOLDER")),
                   help=t(msg("take the weights from this campaign and write the one-page "
                              "report in its strategy/ folder")))
    p.add_argument("--out", type=Path, default=None, metavar=t(msg("FILE")),
                   help=t(msg("where to write the report (.docx)")))
    force(p)
    p = command("inventory", msg("staff AI-use declarations (shadow AI): form, aggregation, "
                                 "register to publish"))
    p.add_argument("path", type=Path, metavar=t(msg("PATH")),
                   help=t(msg("the form to write (with --new), or the folder of filled "
                              "declaration forms")))
    p.add_argument("--new", action="store_true",
                   help=t(msg("write a blank declaration form")))
    p.add_argument("--out", type=Path, default=None, metavar=t(msg("FILE")),
                   help=t(msg("the aggregation workbook to write (default: inventaire.xlsx "
                              "or inventory.xlsx beside the folder)")))
    p.add_argument("--register", type=Path, default=None, metavar=t(msg("FILE")),
                   help=t(msg("also export the processing used for individual decisions, to "
                              "publish (CRPA L312-1-3), as .csv or .xlsx")))
    force(p)


_LANG_LINE = re.compile(r"^language:\s*[\"']?(fr|en)\b", re.MULTILINE)


def _language(argv: Sequence[str]) -> Lang:
    """The language asked for on the command line, read before argparse parses it.

    ``--lang`` where given; else the ``language:`` of the first argument that is a
    campaign folder; else French.
    """
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else (
            arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if value in ("fr", "en"):
            return "fr" if value == "fr" else "en"
    for arg in argv:
        if arg.startswith("-"):
            continue
        try:
            text = (Path(arg) / "campaign.yaml").read_text("utf-8", errors="replace")
        except (OSError, ValueError):
            continue
        found = _LANG_LINE.search(text)
        if found is not None:
            return "fr" if found.group(1) == "fr" else "en"
    return "fr"


def _exists(exc: OutputExistsError) -> Text:
    """What to do when an output already exists: the command option, not a Python one."""
    if exc.path is None:
        return msg("an earlier result would be replaced; the command refuses to replace it. "
                   "Run it again with --force to replace it.")
    return msg("{path} already exists; the command refuses to replace an earlier result. "
               "Run it again with --force to replace it.", path=exc.path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    asked = _language(words)
    args = _parser(asked).parse_args(words)
    from ai_procurement.campaign.folder import CampaignError
    from ai_procurement.errors import (
        AIProcurementError,
        BankError,
        OutputExistsError,
        QuestionnaireError,
        os_problem,
    )

    lang: Lang = args.lang or asked
    # A command keeps millions of small objects to its end (answers, score lines,
    # document parts); at Python's default threshold (a collection every 700 new
    # objects) the collector walks them again and again: 0.17 s of 2.8 s for 30 offers
    # x 150 questions. Collections still run, less often; put back on the way out, so a
    # caller of main() (a notebook, a test) keeps its own settings.
    collecting = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD, *collecting[1:])
    # glibc keeps small freed blocks aside ("fast bins") and sorts them all out at the
    # next larger request: after each Word document's XML tree (millions of blocks) is
    # freed, that costs more than freeing them straight away (20 lots x 30 offers: 41 s
    # -> 39 s of CPU for `evaluate`; 300 offers: 18.6 s -> 17.1 s; same peak memory).
    # Put back on the way out too.
    _fast_bins(on=False)
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
        print(f"ai-procurement: {visible(_exists(exc).get(lang))}", file=sys.stderr)
        return EXIT_EXISTS
    except (CampaignError, BankError, QuestionnaireError) as exc:
        said = msg("ai-procurement: {problem}", problem=exc.text).get(lang)
        print(visible(said, newlines=True), file=sys.stderr)
        return EXIT_INVALID
    except AIProcurementError as exc:
        said = msg("ai-procurement: {problem}", problem=exc.text).get(lang)
        print(visible(said, newlines=True), file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except OSError as exc:
        # A disk full, a read-only folder, a file locked by another program: say which
        # file and why, in the user's language, not a traceback.
        said = msg("ai-procurement: {problem}", problem=os_problem(exc)).get(lang)
        print(visible(said), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        gc.set_threshold(*collecting)
        _fast_bins(on=True)


_GC_THRESHOLD = 50_000
"""New objects between two collections of the youngest generation, while a command runs."""


def _fast_bins(*, on: bool) -> None:
    """Turn glibc's fast bins off, or back on at their default size; elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):  # no mallopt in this C library
        return
    # M_MXFAST (1 in malloc.h): the largest request served from fast bins, 0 for none;
    # glibc's default is 64 * sizeof(size_t) / 4.
    mallopt(1, 64 * ctypes.sizeof(ctypes.c_size_t) // 4 if on else 0)


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
    _say(lang, msg("Campaign created in {folder}. Edit {folder}/campaign.yaml (vendors, "
                   "evaluators, weights), then: ai-procurement questionnaire {folder}",
                   folder=args.folder))
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
            _warn(lang, msg("! {bank}: {problem}", bank=frozen.bank.id, problem=problem.text))
        which = f" ({lot.describe(lang)})" if lot.id else ""
        _say(lang, msg("Questionnaire fingerprint{which} (to publish): {fingerprint}",
                       which=which, fingerprint=frozen.fingerprint))
    for path in written:
        print(f"  {path}")
    if not written:
        _say(lang, msg("Nothing new to write: the questionnaires in outbox/ are up to date."))
    return EXIT_OK


def _publish_rules(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import publish_rules

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    written = publish_rules(campaign, force=args.force)
    for path in written:
        print(f"  {path}")
    _say(lang, msg("Annex to the consultation rules written: attach it to the RC published "
                   "with the questionnaire.") if written
         else msg("Nothing new: the annex is up to date."))
    return EXIT_OK


def _open(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.opening import open_offers

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    opening = open_offers(campaign, register=args.register)
    status = {"on-time": msg("on time"), "late": msg("LATE"), "time-unknown": msg("time unknown")}
    for offer in opening.offers:
        lot = f"lot {offer.lot}" if offer.lot else ""
        kind = "" if offer.variant == 0 else f"V{offer.variant}"
        when = offer.deposited.isoformat(sep=" ", timespec="minutes") if offer.deposited else ""
        print(f"{offer.id:4} {offer.bidder.name:28} {lot:8} {kind:4} {when:16} "
              f"{status[offer.status].get(lang):15} {offer.file}")
    for problem in opening.problems:
        print(problem.describe(lang), file=sys.stderr)
    _say(lang, nmsg("{n} offer registered in opening.json.",
                    "{n} offers registered in opening.json.", len(opening.offers)))
    return EXIT_OK if opening.ok else EXIT_FILE_ERRORS


def _check_pdfs(campaign: Campaign, checked: Sequence[CheckedFile], lang: Lang,
                skip: bool) -> None:
    """PDF copies of the check letters just written, when LibreOffice is installed.

    Each PDF made is recorded in the audit trail, so ``verify`` knows it.
    """
    from ai_procurement._office.files import sha256_file
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
        _warn(lang, msg("! LibreOffice (soffice) not found: the check letters are in Word only "
                        "(each letter says so)."))
    elif len(made) < len(letters):
        _warn(lang, nmsg("! {n} letter could not be converted to PDF; the Word files are up "
                         "to date.", "! {n} letters could not be converted to PDF; the Word "
                         "files are up to date.", len(letters) - len(made)))
    for pdf in made or ():
        campaign.audit.append("write", file=pdf.relative_to(campaign.root).as_posix(),
                              sha256=sha256_file(pdf), size=pdf.stat().st_size)


def _check(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import check

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    checked = check(campaign, lang=lang, force=args.force, progress=_progress)
    if not checked:
        _say(lang, msg("No file in {folder}/responses/.", folder=args.folder))
        return EXIT_OK
    failures = 0
    for item in checked:
        report = item.response.report
        errors = len(report.errors)
        warnings = len(report.findings) - errors
        failures += errors > 0
        verdict = msg("OK") if report.ok else msg("TO FIX")
        counts = msg("{errors}, {warnings}",
                     errors=nmsg("{n} error", "{n} errors", errors).get(lang),
                     warnings=nmsg("{n} warning", "{n} warnings", warnings).get(lang))
        # A registered offer that is not scored (changed, late...) still names its bidder;
        # a late offer or a forbidden variant says why at the end of its one line.
        who = item.vendor or (item.offer.label if item.offer is not None else "?")
        aside = f" ({item.set_aside.get(lang)})" if item.set_aside is not None else ""
        print(visible(f"{verdict.get(lang):10} {item.path.name:32} {who:24} "
                      f"{counts.get(lang)} -> {item.report_path}{aside}"))
    files: dict[tuple[str, str], list[str]] = {}
    for item in checked:
        if item.vendor is not None:
            files.setdefault((item.lot, item.vendor), []).append(item.path.name)
    _check_pdfs(campaign, checked, lang, args.no_pdf)
    for (_, vendor), names in sorted(files.items()):
        if len(names) > 1:
            failures += 1
            names = [visible(name) for name in names]
            _warn(lang, msg("! {vendor}: several files ({names}); keep only the one to "
                            "evaluate in responses/.", vendor=vendor, names=", ".join(names)))
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
        _say(lang, msg("Every evaluator already has a workbook for every offer version: nothing "
                       "new to issue."))
        return EXIT_OK
    _say(lang, msg("Send each evaluator their workbook; put them back, filled, in reviews/."))
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
        _warn(lang, nmsg("! Evaluation incomplete: {n} evaluator score missing or unusable; no "
                         "result is written:", "! Evaluation incomplete: {n} evaluator scores "
                         "missing or unusable; no result is written:", len(exc.problems)))
        for problem in exc.problems:
            print(visible(f"  - {problem.message.get(lang)}"), file=sys.stderr)
        _warn(lang, msg("Complete them, or ask for a draft (--draft): marked as such on every "
                        "page, without award proposal or letters to bidders."))
        return EXIT_FILE_ERRORS
    problems = [p for lot_run in run.lots for p in lot_run.review_problems]
    if args.draft:
        _warn(lang, nmsg("! DRAFT: {n} evaluator score missing; no award proposal and no letter "
                         "to bidders.", "! DRAFT: {n} evaluator scores missing; no award "
                         "proposal and no letter to bidders.", len(problems)))
        for problem in problems:
            print(visible(f"  - {problem.message.get(lang)}"), file=sys.stderr)
    silent = [warnings.silent_evaluators(campaign.lot(r.lot or None), r.evaluation)
              for r in run.lots]
    for text in (early, *edited, *silent):
        if text is not None:
            _warn(lang, text)
    for report in run.review_reports:
        if not report.ok:
            _warn(lang, msg("! {file}: review workbook to correct; its scores are not used:",
                            file=visible(report.file)))
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
            print(visible("  -> " + msg("DRAFT: {blocked}", blocked=blocked).get(lang)))
        elif not args.draft and award is not None and (award.offer is not None
                                                       or award.reason is not None):
            proposal = award.offer if award.offer is not None else msg("none").get(lang)
            print(visible("  -> " + msg("Award proposal: {offer}", offer=proposal).get(lang)))
            if award.reason is not None:
                print(visible(f"     {award.reason.get(lang)}"))
    _say(lang, msg("Files written:"))
    for path in run.outputs:
        print(f"  {path}")
    blanks = warnings.memo_blanks(campaign.config)
    if blanks:
        text = warnings.blanks_text(blanks)
        _warn(lang, text)
    return EXIT_OK


def _verify(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.verify import verify_campaign

    campaign = load_campaign(args.folder)
    lang = _lang(args, campaign.config.language)
    from ai_procurement.campaign.results import recover_results

    # An evaluation stopped by a crash is completed or rolled back first (recorded).
    for line in recover_results(campaign.root, campaign.audit):
        _warn(lang, msg("! Recovered after an interrupted evaluation: {line}", line=line))
    found = verify_campaign(campaign)
    for item in found:
        print(item.describe(lang))
    broken = [d for d in found if d.kind in ("changed", "missing")]
    if not found:
        _say(lang, msg("Every file recorded in the audit trail is unchanged."))
    elif broken:
        _warn(lang, nmsg("{n} file changed or gone since it was recorded: the results that "
                         "rest on it no longer do. Restore it from your backup.",
                         "{n} files changed or gone since they were recorded: the results "
                         "that rest on them no longer do. Restore them from your backup.",
                         len(broken)))
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
            _warn(lang, msg("! {visible_stray}: the name starts with the number of no offer "
                            "invited to this round (P01...): file not read.",
                            visible_stray=visible(stray)))
        for offer in pending_low_price(campaign):
            _warn(lang, msg("! {offer}: price justification awaiting a decision (decisions.yaml)",
                            offer=offer))
        return EXIT_FILE_ERRORS if failures else EXIT_OK
    kind = {"clarify": RoundKind.CLARIFICATION, "regularise": RoundKind.REGULARISATION,
            "negotiate": RoundKind.NEGOTIATION, "low-price": RoundKind.LOW_PRICE}[args.action]
    started = start_round(campaign, kind, deadline=args.deadline, offers=args.offer,
                          questions=getattr(args, "question", []))
    for line in started.left_out:
        _warn(lang, msg("! left out of this round: {line}", line=line))
    for path in started.letters:
        print(f"  {path}")
    opened = started.round
    if kind.changes_offers:
        _say(lang, msg("Round {opened_id} opened: {join_opened_offers}. Put the offers received "
                       "in rounds/{opened_id}/responses/ (one file per offer, named after its "
                       "number: P01.xlsx).", opened_id=opened.id,
                       join_opened_offers=', '.join(opened.offers)))
    else:
        _say(lang, msg("Round {opened_id} opened: {join_opened_offers}. Record the answers "
                       "received and your decisions in decisions.yaml (the offer does not "
                       "change).", opened_id=opened.id,
                       join_opened_offers=', '.join(opened.offers)))
    return EXIT_OK


def _rank_order(result: VendorResult) -> tuple[bool, int, str]:
    """Ranked offers first, by rank; then the others, by name."""
    return result.rank is None, result.rank or 0, result.vendor


def _screen(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.workbooks.screening import read_screening, write_screening

    if args.new:
        path = write_screening(args.grid, lang=lang, overwrite=args.force)
        _say(lang, msg("Grid written: {path}. Fill it in as a team, then: ai-procurement screen "
                       "{path}", path=path))
        return EXIT_OK
    result = read_screening(args.grid)
    for line in result.lines(lang):
        print(line)
    code = EXIT_OK if result.go else EXIT_FILE_ERRORS
    if args.impact is None:
        if args.campaign is not None:
            _warn(lang, msg("! --campaign records the impact level: also give --impact."))
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
        _say(lang, msg("Level recorded: {target}. To demand from vendors what this level "
                       "requires, add this line to campaign.yaml:", target=target))
        print(f"  {impact_config_line(target)}")
    return EXIT_OK


def _impact(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.workbooks.impact import write_impact

    if args.new:
        path = write_impact(args.workbook, lang=lang, overwrite=args.force)
        _say(lang, msg("Impact assessment written: {path}. Fill it in as a team, then: "
                       "ai-procurement impact {path}", path=path))
        return EXIT_OK
    return _read_impact(args.workbook, args.campaign, None, lang, args.force)


def _pairs(values: Sequence[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, rest = value.rpartition("=")
        if not sep or not name.strip() or not rest.strip():
            raise _UsageError(msg("{option}: expected NAME=VALUE, got {value}",
                                  option=what, value=repr(value)))
        pairs.append((name.strip(), rest.strip()))
    return pairs


class _UsageError(Exception):
    """A command-line value that argparse could not check (its message is a Text)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def _panel(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.campaign import strategy

    try:
        if args.action == "write":
            participants = _pairs(args.participant, "--participant")
        elif args.action == "adopt":
            weights = {}
            for criterion, value in _pairs(args.weight, "--weight"):
                try:
                    weights[criterion] = float(value.replace(",", "."))
                except ValueError:
                    raise _UsageError(msg("--weight: {criterion}: expected a number, got "
                                          "{value}", criterion=criterion,
                                          value=repr(value))) from None
    except _UsageError as exc:
        _warn(lang, msg("ai-procurement: {problem}", problem=exc.text.get(lang)))
        return EXIT_USAGE
    if args.action == "write":
        written = strategy.write_panel_workbooks(args.folder, participants, mode=args.mode,
                                                 force=args.force)
        for path in written:
            print(f"  {path}")
        _say(lang, msg("Send each participant their workbook; put them back, filled, in "
                       "strategy/panel-responses/, then: ai-procurement panel read"))
        return EXIT_OK
    if args.action == "adopt":
        from ai_procurement.decision.panel import AdoptedWeights

        target = strategy.adopt_weights(args.folder, AdoptedWeights(weights, args.why,
                                                                    args.by), force=args.force)
        _say(lang, msg("Adopted weights recorded: {target}. To publish them, copy into "
                       "campaign.yaml:", target=target))
        for line in strategy.weights_config_lines(args.folder, weights):
            print(f"  {line}")
        return EXIT_OK
    run = strategy.read_panel_workbooks(args.folder, aggregation=args.aggregation,
                                        force=args.force)
    failures = 0
    for reading in run.readings:
        if not reading.report.ok:
            failures += 1
            _warn(lang, msg("! {reading_file}: workbook to correct, left out:",
                            reading_file=reading.file))
            for finding in reading.report.errors:
                print(f"    {finding.describe(lang)}", file=sys.stderr)
    if run.result is None:
        _say(lang, msg("No usable workbook in strategy/panel-responses/."))
        return EXIT_FILE_ERRORS
    for line in run.result.lines(lang):
        print(line)
    _say(lang, msg("Aggregation recorded: {run_record}", run_record=run.record))
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
        _say(lang, msg("Rules check written: {path}", path=path))
    return EXIT_OK


def _inventory(args: argparse.Namespace, lang: Lang) -> int:
    from ai_procurement.workbooks import inventory

    if args.new:
        path = inventory.write_inventory(args.path, lang=lang, overwrite=args.force)
        _say(lang, msg("Declaration form written: {path}. Each member of staff fills one per AI "
                       "tool used; gather them in a folder, then: ai-procurement inventory FOLDER",
                       path=path))
        return EXIT_OK
    if not args.path.is_dir():
        _warn(lang, msg("ai-procurement: {args_path} is not a folder of declarations.",
                        args_path=args.path))
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
    read = nmsg("{n} declaration read", "{n} declarations read", len(ok))
    sources = nmsg("from {n} file", "from {n} files", len(declarations))
    shadow = nmsg("{n} use of tools not provided", "{n} uses of tools not provided",
                  sum(d.shadow for d in ok))
    _say(lang, msg("{read} {files}; {shadow}, {personal} of them with personal data; "
                   "{individual} for individual decisions.", read=read.get(lang),
                   files=sources.get(lang), shadow=shadow.get(lang),
                   personal=sum(d.shadow and d.exposes_people for d in ok),
                   individual=sum(d.individual_decisions is True for d in ok)))
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
        _say(lang, msg("Detected mapping:"))
        print(detected.describe(lang))
        if not args.accept_detected:
            _say(lang, msg("Check it, then run again with --accept-detected, or declare the "
                           "columns with --map FIELD=COLUMN."))
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
    _say(lang, msg("Draft bank: {out}\nImport report: {report}", out=out, report=report))
    if imported.problems:
        _warn(lang, msg("! Complete the draft (see 'Problems') before freezing a questionnaire."))
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
