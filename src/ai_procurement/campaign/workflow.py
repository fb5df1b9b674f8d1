"""The buyer's job, step by step, on a campaign folder.

Each function is one step of the command line (and of the notebooks): publish the
questionnaires, check the returned files, prepare the evaluators' workbooks, evaluate
and write the deliverables. Each reads the campaign folder, never modifies an input
file, writes its outputs atomically (refusing to replace an earlier result unless
``force``), and appends what it read and wrote to the audit trail.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ai_procurement.campaign.folder import (
    Campaign,
    CampaignError,
    Lot,
    questionnaire_problem,
    slug,
)
from ai_procurement.text import Lang, Text, msg, nmsg

if TYPE_CHECKING:
    from ai_procurement.answers import Finding, Response
    from ai_procurement.bank.model import Question
    from ai_procurement.bidders import Offer
    from ai_procurement.campaign.reviews import ReviewProblem
    from ai_procurement.decision.lots import LotAward
    from ai_procurement.decision.robustness import Robustness
    from ai_procurement.decision.scoring import Evaluation

__all__ = [
    "CampaignRun",
    "CheckedFile",
    "EvaluationRun",
    "check",
    "evaluate_campaign",
    "prepare_reviews",
    "publish",
    "publish_rules",
    "score_campaign",
    "slug",
    "usable_responses",
]

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int], Iterable[T]]


def _no_progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    del label, total
    return items


def publish(campaign: Campaign, *, force: bool = False,
            progress: Progress[Any] = _no_progress) -> list[Path]:
    """Freeze each lot's questionnaire and write the workbooks to publish or send.

    An open call gets one generic questionnaire per lot (``outbox/questionnaire.xlsx``,
    or ``questionnaire-lot-2.xlsx``...), signed for the questionnaire and published with
    the consultation documents; invited vendors get one personalised workbook each per
    lot. The frozen questionnaire (``questionnaire.json``) is written once: publishing
    again with different weights or questions is refused, because they must not change
    after vendors received them (unless ``force``, and never once an offer came back).
    Publishing again the same questionnaire writes only what is missing; a workbook
    already in ``outbox/`` with the same content is left as it is.

    Returns:
        The files written.

    Raises:
        CampaignError: a questionnaire differs from the published one (see above).
        OutputExistsError: a workbook in ``outbox/`` differs and ``force`` is false.
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.questionnaire import dump_questionnaire
    from ai_procurement.workbooks.form import questionnaire_bytes
    from ai_procurement.workbooks.signing import vendor_token

    written: list[Path] = []
    key = campaign.key()
    outbox = campaign.folder("outbox")
    config = campaign.config
    lang = config.language
    answered = campaign.response_files()
    for lot in campaign.lots():
        questionnaire = campaign.freeze(lot)
        path = campaign.questionnaire_path(lot)
        if path.exists():
            problem = questionnaire_problem(campaign.frozen(lot), questionnaire)
            if problem is not None and (answered or not force):
                if answered:
                    problem = nmsg("{problem} ({n} file already in responses/: the "
                                   "questionnaire can no longer change)", "{problem} ({n} files "
                                   "already in responses/: the questionnaire can no longer "
                                   "change)", len(answered), problem=problem)
                raise CampaignError(msg("{path}: {problem}", path=path, problem=problem))
            if problem is not None:
                dump_questionnaire(questionnaire, path, overwrite=True)
                written.append(path)
        else:
            dump_questionnaire(questionnaire, path)
            written.append(path)
        targets: list[tuple[str | None, Path]] = (
            [(None, outbox / f"questionnaire{lot.suffix}.xlsx")] if config.mode == "open"
            else [(vendor, outbox / f"{slug(vendor)}{lot.suffix}.xlsx")
                  for vendor in config.vendors])
        for vendor, target in progress(targets, "questionnaires", len(targets)):
            data = questionnaire_bytes(questionnaire, lang, vendor, key=key,
                                       total_points=lot.scoring.total_points)
            if _holds(target, data):
                continue
            write_atomic(target, data, overwrite=force)
            written.append(target)
        campaign.audit.append("publish", fingerprint=questionnaire.fingerprint,
                              bank=questionnaire.bank.id,
                              bank_version=questionnaire.bank.version,
                              weighting=dict(questionnaire.weighting), lot=lot.id,
                              mode=config.mode, issued={
                                  vendor_token(key, vendor): vendor
                                  for vendor, _ in targets if vendor is not None})
    _audit_outputs(campaign, written)
    return written


def publish_rules(campaign: Campaign, *, force: bool = False) -> list[Path]:
    """Write the annex to the consultation rules (RC), in French and English.

    The annex states the award criteria and weights of every lot, the price method and
    its formula, the abnormally-low-offer rule, the N/A and evidence rules, the knock-out
    requirements, the lots and variants, from the published questionnaires: the text and
    the scoring cannot differ. Written beside the questionnaires to publish, as
    ``outbox/annexe-rc-fr.docx`` and ``outbox/annexe-rc-en.docx``.

    Raises:
        CampaignError: a questionnaire is not published yet.
        OutputExistsError: an annex exists and ``force`` is false (it is left as it is
            when it already holds the same text).
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.deliverables.rules_annex import AwardRules, LotRules, rules_annex_bytes

    config = campaign.config
    lots = [LotRules(lot.id or "1", lot.title, campaign.frozen(lot), lot.scoring)
            for lot in campaign.lots()]
    rules = AwardRules(config.mode, config.variants_allowed, config.max_lots_per_bidder,
                       config.lot_cap_rule)
    written: list[Path] = []
    outbox = campaign.folder("outbox")
    languages: tuple[Lang, ...] = ("fr", "en")
    for lang in languages:
        target = outbox / f"annexe-rc-{lang}.docx"
        data = rules_annex_bytes(lots, rules, lang=lang)
        if _holds(target, data):
            continue
        write_atomic(target, data, overwrite=force)
        written.append(target)
    campaign.audit.append("publish-rules", lots=[lot.lot_id for lot in lots],
                          fingerprints=[lot.questionnaire.fingerprint for lot in lots])
    _audit_outputs(campaign, written)
    return written


@attrs.frozen
class CheckedFile:
    """A returned file after checking: whose offer it is (when known) and what was read.

    ``vendor`` is the name the offer is ranked under: the bidder from the opening
    register (with its variant), or the invited vendor whose token the file carries;
    None when the file belongs to no known offer. ``set_aside`` says why a registered
    offer is not scored (late, a variant the RC forbids...).
    """

    path: Path
    vendor: str | None
    response: Response
    report_path: Path | None = None
    lot: str = ""
    offer: Offer | None = None
    set_aside: Text | None = None
    version: int = 1
    """The version of the offer read (1: as opened; see :mod:`~ai_procurement.campaign.rounds`)."""
    refused: tuple[Finding, ...] = ()
    """Why later versions of the offer (a regularisation, a negotiation) were refused."""


def check(campaign: Campaign, *, lang: Lang | None = None, force: bool = False,
          progress: Progress[Path] = _no_progress,
          write_reports: bool = True, workers: int | None = None) -> list[CheckedFile]:
    """Check every returned file and write a report per file.

    After opening (``opening.json``), a file's bidder, lot and variant come from the
    register, and a file whose bytes changed since opening gets an error. Before
    opening, or for invited vendors, a file is matched to its vendor by the token it
    carries; in invited mode a file whose token matches no vendor of the campaign (a
    blank copy, another campaign's file) gets an error. The lot of an unregistered file
    is the one whose questionnaire it answers. Questions left unanswered get one warning
    listing them. Reports are letters written in ``reports/`` (not when ``write_reports``
    is false; see :mod:`ai_procurement.campaign.check_reports`); a report already there
    with the same content is left as it is, reports of files no longer in ``responses/``
    are moved aside. The files are read by ``workers`` processes (None: one per core).

    Raises:
        OutputExistsError: a report differs from the one already written and ``force``
            is false.
    """
    from ai_procurement.answers import AnswerState, Finding, Report
    from ai_procurement.campaign.opening import load_opening, scorable, set_aside
    from ai_procurement.campaign.reading import FileToRead, read_responses

    config = campaign.config
    lots = campaign.lots()
    questionnaires = {lot.id: campaign.frozen(lot) for lot in lots}
    key = campaign.key()
    tokens = campaign.vendor_tokens(key)
    opening = load_opening(campaign)
    registered = opening.by_file() if opening else {}
    allowed = scorable(opening, config.variants_allowed) if opening else {}
    reasons = dict(set_aside(opening, config.variants_allowed)) if opening else {}
    from ai_procurement.campaign.rounds import choose_version, load_rounds, rejected_offers

    rounds = load_rounds(campaign) if opening else []
    rejected = rejected_offers(campaign) if opening else {}
    for registered_offer in opening.offers if opening else ():
        if registered_offer.id in rejected:
            reasons[registered_offer.file] = rejected[registered_offer.id]
    report_lang: Lang = lang or config.language
    files = campaign.response_files()
    checked: list[CheckedFile] = []
    reports = campaign.folder("reports")
    issued = {slug(vendor): vendor for vendor in campaign.config.vendors}
    from ai_procurement.campaign.check_reports import (
        after_the_deadline,
        move_stale,
        write_check_report,
    )

    if write_reports:
        move_stale(campaign, files)
    after_deadline = after_the_deadline(campaign, opened=opening is not None)
    # In an invited consultation, a file named after a vendor's questionnaire must be
    # that vendor's ("acme-reponse.xlsx"). The files are read on every core.
    to_read = [FileToRead(
        path, registered[path.name].lot if path.name in registered else lots[0].id,
        _issued_to(path, issued) if config.mode == "invited" else None,
        () if path.name in registered or len(lots) < 2 else tuple(o.id for o in lots[1:]))
        for path in files]
    read = read_responses(to_read, questionnaires, key, workers=workers)
    # The files read, recorded in the audit trail in one append (see AuditTrail.batch).
    with campaign.audit.batch():
        for index, path in enumerate(progress(files, "check", len(files))):
            lot_id, response = next(read)
            offer = registered.get(path.name)
            expected = to_read[index].vendor
            added: list[Finding] = []
            vendor: str | None
            version, read_path = 1, path
            refused: tuple[Finding, ...] = ()
            if offer is not None:
                vendor = (offer.label if path.name in allowed and offer.id not in rejected
                          else None)
                if response.report.sha256 != offer.sha256:  # the bytes the reader read
                    added.append(Finding("error", "changed-after-opening", msg(
                        "This file changed since the offers were opened (offer {offer_id}): an "
                        "offer cannot change after the deadline. Restore the file received.",
                        offer_id=offer.id),
                        path.name))
                    vendor = None
                added.extend(_identity_disagreements(offer, response, path.name))
                if vendor is not None and rounds:
                    # A regularisation or a negotiation may have brought a later version.
                    choice = choose_version(campaign, offer, path, response,
                                            questionnaires[lot_id], key, rounds)
                    read_path, response = choice.path, choice.response
                    version, refused = choice.version.number, choice.refused
                claimed = tokens.get(response.vendor_token)
                if config.mode == "invited" and claimed is not None \
                        and claimed != offer.bidder.name:
                    added.append(Finding("error", "other-vendor", msg(
                            "This file carries {claimed}'s identity while the deposit "
                            "register gives it to {bidder_name}.", claimed=claimed,
                            bidder_name=offer.bidder.name), path.name))
            elif config.mode == "invited":
                vendor = expected if expected is not None else tokens.get(response.vendor_token)
                identity_read = not any(f.code in ("sheet-missing", "identity-missing",
                                                   "wrong-questionnaire", "wrong-version",
                                                   "signature")
                                        for f in response.report.findings)
                if vendor is None and response.report.ok and identity_read:
                    from ai_procurement.campaign.warnings import renamed_vendor_finding

                    added.append(renamed_vendor_finding(campaign, response.vendor_token,
                                                        path.name))
            else:
                vendor = None
                if opening is not None:
                    added.append(Finding("warning", "not-registered", msg(
                        "This file is in no line of the opening register: it is not scored. If "
                        "it was deposited in time, complete the exported register and run "
                        "'ai-procurement open' again."), path.name))
            questionnaire = questionnaires[lot_id]
            blank = [q for _, q in questionnaire.bank.questions() if q.id in response.answers
                     and response.answers[q.id].state is AnswerState.UNANSWERED]
            if response.report.ok and not any(f.severity == "error" for f in added) and blank:
                added.append(_unanswered(blank, path.name))
            if added:
                response = attrs.evolve(response, report=Report(
                    response.report.file, response.report.sha256,
                    (*response.report.findings, *added)))
            who = offer.label if offer is not None else vendor
            report_path = reports / f"{path.name}.{report_lang}.docx"
            if write_reports:
                report_path = write_check_report(
                    campaign, path.name, response, lot=campaign.lot(lot_id), who=who,
                    lang=report_lang, after_deadline=after_deadline, force=force)
            campaign.audit.append("read", file=read_path.relative_to(campaign.root).as_posix(),
                                  sha256=response.report.sha256, size=read_path.stat().st_size,
                                  vendor=who, lot=lot_id,
                                  verdict="ok" if response.report.ok else "errors",
                                  errors=len(response.report.errors),
                                  warnings=len(response.report.findings)
                                  - len(response.report.errors))
            checked.append(CheckedFile(read_path, vendor, response,
                                       report_path if write_reports else None, lot_id, offer,
                                       reasons.get(path.name), version, tuple(refused)))
    return checked


def _identity_disagreements(offer: Offer, response: Response, file: str) -> list[Finding]:
    """Warn where the workbook's identification block contradicts the deposit register.

    The register stays the source of truth: the offer keeps the register's bidder and
    variant; the warning lets the buyer ask the bidder which is right.
    """
    from ai_procurement.answers import Finding
    from ai_procurement.bidders import registration_differs

    declared = response.bidder
    if declared is None:
        return []
    found: list[Finding] = []
    registered = offer.bidder.registration
    if registration_differs(registered, declared.registration):
        found.append(Finding("warning", "identity-mismatch", msg(
                "Registration number: the deposit register says {registered}, the workbook says "
                "{declared_registration}. The register prevails; check with the bidder.",
                registered=registered, declared_registration=declared.registration),
            file))
    if declared.variant is not None and declared.variant != offer.variant:
        def words(variant: int) -> Text:
            return msg("base offer") if variant == 0 else msg("variant {variant}", variant=variant)

        said, typed = words(offer.variant), words(declared.variant)
        found.append(Finding("warning", "identity-mismatch", msg(
                "Offer type: the deposit register says {said}, the workbook says {typed}. The "
                "register prevails; check with the bidder.", said=said, typed=typed), file))
    return found


def _issued_to(path: Path, issued: Mapping[str, T]) -> T | None:
    """Whose file this is by its name: the longest slug of ``issued`` it starts with.

    Questionnaires go out as ``outbox/<slug>.xlsx``; a returned file keeps that name or
    adds to it ("acme-reponse.xlsx"). None when the name starts with no slug.
    """
    stem = path.stem.lower()
    found = [name for name in issued
             if stem == name or (stem.startswith(name) and not stem[len(name)].isalnum())]
    return issued[max(found, key=len)] if found else None


def _unanswered(questions: Sequence[Question], file: str) -> Finding:
    from ai_procurement.answers import Finding

    ids = [q.id for q in questions]
    shown = ", ".join(ids[:30]) + (" …" if len(ids) > 30 else "")
    red = [q.id for q in questions if q.knockout is not None]
    text = nmsg("{n} question left unanswered, which scores 0: {shown}. Answer it or declare "
                "it \"not applicable\" with a justification.", "{n} questions left unanswered, "
                "which score 0: {shown}. Answer them or declare them \"not applicable\" with a "
                "justification.", len(ids), shown=shown)
    if red:
        text = nmsg("{text} Mandatory requirement left unanswered ({red}): the offer will be "
                    "non-compliant.", "{text} Mandatory requirements left unanswered ({red}): "
                    "the offer will be non-compliant.", len(red), text=text, red=", ".join(red))
    return Finding("warning", "unanswered", text, file)


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file holding exactly ``data`` (read bounded)."""
    from ai_procurement._office.files import read_bounded
    from ai_procurement.errors import InputError

    try:
        return read_bounded(path, len(data)) == data
    except InputError:
        return False


def usable_responses(checked: Sequence[CheckedFile], lot: str | None = None
                     ) -> dict[str, Response]:
    """One response per offer, from checked files (of one lot when ``lot`` is given).

    Raises:
        CampaignError: an offer has several files; the buyer must keep one.
    """
    by_vendor: dict[str, list[CheckedFile]] = {}
    for item in checked:
        if item.vendor is not None and (lot is None or item.lot == lot):
            by_vendor.setdefault(item.vendor, []).append(item)
    duplicates = {v: [i.path.name for i in items] for v, items in by_vendor.items()
                  if len(items) > 1}
    if duplicates:
        listed = "; ".join(f"{v}: {', '.join(names)}" for v, names in sorted(duplicates.items()))
        raise CampaignError(msg("several returned files for the same offer ({listed}); keep "
                                "only the one to evaluate in responses/, or register the "
                                "offers with 'ai-procurement open'",
                                listed=Text(fr=listed.replace('; ', ' ; '),
                                en=format(listed, ''))))
    return {v: items[0].response for v, items in sorted(by_vendor.items())}


def prepare_reviews(campaign: Campaign, *, force: bool = False) -> list[Path]:
    """Issue review workbooks for the offer versions each evaluator has not received yet.

    An offer version is an offer and the SHA-256 of its file (see
    :mod:`ai_procurement.campaign.reviews`). The first time, each evaluator gets one
    workbook per lot with every readable offer (``reviews/<evaluator><lot>.xlsx``); when
    an offer arrives or a new version of one replaces it, each evaluator gets a workbook
    with only what is new (``<evaluator><lot>-suite-2.xlsx``...). A workbook already in
    ``reviews/`` is never written again: an evaluator may have filled it. The audit trail
    records the versions each workbook was written for (``review-issued``).

    Args:
        campaign: the campaign.
        force: accepted for compatibility; it changes nothing (nothing an evaluator
            may have filled is ever rewritten).

    Returns:
        The workbooks written (empty when every evaluator has every version).

    Raises:
        CampaignError: no readable response yet (a consultation without lots).
    """
    from ai_procurement.campaign.reviews import (
        covered,
        issued_reviews,
        next_review_path,
        review_letters,
    )
    from ai_procurement.workbooks.review import write_review

    del force
    checked = check(campaign, write_reports=False)
    key = campaign.key()
    written = []
    every = issued_reviews(campaign.audit.records())
    # A workbook deleted from reviews/ is issued again (nothing filled is left to keep).
    issued = {name: record for name, record in every.items()
              if (campaign.root / name).is_file()}
    taken: list[str] = []
    folder = campaign.folder("reviews")
    for lot in campaign.lots():
        questionnaire = campaign.frozen(lot)
        responses = usable_responses(checked, lot.id)
        readable = {v: r for v, r in responses.items() if r.report.ok}
        if not readable:
            if len(campaign.lots()) == 1:
                raise CampaignError(msg("no readable response to review yet; run 'ai-procurement "
                                        "check'"))
            continue
        # The versions check() chose (a regularised or negotiated file when admissible).
        versions = {v: r.report.sha256 for v, r in readable.items()}
        # Each offer keeps its blind code in every workbook of the lot, for everyone.
        letters = review_letters(every, lot.id, sorted(readable))
        for evaluator in lot.evaluators:
            done = covered(issued, evaluator, lot.id, versions)
            new = {v: r for v, r in readable.items() if v not in done}
            if not new:
                continue
            target = next_review_path(folder, f"{slug(evaluator)}{lot.suffix}", taken)
            write_review(questionnaire, new, target, evaluator=evaluator,
                         lang=campaign.config.language, blind=campaign.config.blind_review,
                         key=key, overwrite=False, letters={v: letters[v] for v in new})
            taken.append(f"reviews/{target.name}")
            written.append(target)
            # The offer versions it was written for: reading it later needs that list
            # (its codes and signature depend on it), and its scores count only for
            # those versions, whatever offers arrive or change meanwhile.
            campaign.audit.append("review-issued", file=f"reviews/{target.name}",
                                  evaluator=evaluator, lot=lot.id, offers=sorted(new),
                                  versions={v: versions[v] for v in sorted(new)},
                                  letters={v: letters[v] for v in sorted(new)})
    _audit_outputs(campaign, written)
    return written


@attrs.frozen
class EvaluationRun:
    """What scoring one lot produced (see :func:`score_campaign`)."""

    evaluation: Evaluation
    robustness: Robustness
    outputs: tuple[Path, ...]
    review_reports: tuple[Any, ...]
    checked: tuple[CheckedFile, ...] = ()
    lot: str = ""
    declarations: tuple[Any, ...] = ()
    """The evaluators' conflict-of-interest declarations read, in the lot's order."""
    review_problems: tuple[ReviewProblem, ...] = ()
    """Scores still missing, stale or unusable, per evaluator and offer version."""


@attrs.frozen
class CampaignRun:
    """What :func:`evaluate_campaign` produced: a run per lot, and the files written.

    ``awards`` holds the award proposed for each lot, in the order of the lots: the
    first-ranked offer, unless the RC's cap on lots per bidder (R2113-1) passes its
    bidder over (``LotAward.reason`` says why), or a tie leaves the choice to the buyer.
    """

    lots: tuple[EvaluationRun, ...]
    outputs: tuple[Path, ...]
    awards: tuple[LotAward, ...] = ()

    def lot(self, lot_id: str) -> EvaluationRun:
        """The run of one lot.

        Raises:
            CampaignError: no such lot.
        """
        for run in self.lots:
            if run.lot == lot_id:
                return run
        raise CampaignError(msg("no lot {lot_id!r} in this run; lots: {join_r_lot_for_r_in_lots}",
                                lot_id=lot_id,
                                join_r_lot_for_r_in_lots=', '.join(r.lot for r in self.lots)))

    def _only(self) -> EvaluationRun:
        if len(self.lots) != 1:
            raise CampaignError(msg("the consultation has {len_lots} lots; take one with "
                                    "run.lot('<id>')", len_lots=len(self.lots)))
        return self.lots[0]

    @property
    def evaluation(self) -> Evaluation:
        """The evaluation of the only lot."""
        return self._only().evaluation

    @property
    def robustness(self) -> Robustness:
        """The robustness checks of the only lot."""
        return self._only().robustness

    @property
    def review_reports(self) -> tuple[Any, ...]:
        """Reports of every review workbook read, all lots together."""
        return tuple(report for run in self.lots for report in run.review_reports)


def score_campaign(campaign: Campaign, lot: str | None = None) -> EvaluationRun:
    """Score one lot's offers and test the ranking, without writing any deliverable.

    Reads the returned files and the evaluators' workbooks of the lot (the reads go to
    the audit trail); a review workbook with errors is reported in ``review_reports`` and
    its scores are left out. ``outputs`` is empty: :func:`evaluate_campaign` writes them.

    Args:
        campaign: the campaign.
        lot: the lot's id; None for a consultation without lots.

    Raises:
        CampaignError: the questionnaire is not published, the lot is unknown, or an
            offer has several files.
    """
    return _tested(campaign, [_score(campaign, campaign.lot(lot), check(
        campaign, write_reports=False))], workers=1)[0]


def _score(campaign: Campaign, lot: Lot, checked: Sequence[CheckedFile],
           read: Mapping[tuple[str, str], Any] | None = None) -> _Scored:
    """Score ``lot``, its ranking not tested yet.

    Its evaluators' workbooks are read (or taken from ``read``, by lot and file name),
    its offers scored, and the scores still missing listed.
    """
    from ai_procurement.answers import AnswerState
    from ai_procurement.campaign.reviews import issued_reviews, review_problems
    from ai_procurement.decision.scoring import EvaluatorScore, Override, evaluate

    config = campaign.config
    questionnaire = campaign.frozen(lot)
    key = campaign.key()
    responses = usable_responses(checked, lot.id)
    reviews: list[EvaluatorScore] = []
    review_reports = []
    files = {f"{slug(evaluator)}{lot.suffix}": evaluator for evaluator in lot.evaluators}
    named = {f"{slug(evaluator)}{other.suffix}" for other in campaign.lots()
             for evaluator in other.evaluators}
    claimed: dict[str, str] = {}  # evaluator -> the file whose scores are used
    declared: dict[str, Any] = {}  # evaluator -> its conflict-of-interest declaration
    issued = issued_reviews(campaign.audit.records())
    versions = {v: r.report.sha256 for v, r in responses.items()}
    scored: dict[tuple[str, str], set[str]] = {}
    workbooks: dict[tuple[str, str], str] = {}
    stale: dict[tuple[str, str], str] = {}
    conflicts: dict[str, str] = {}
    # Files the tool issued first (each read with the offer versions it was written for),
    # then those named after their evaluator; any other workbook in reviews/ (a copy
    # under another name) is read too, and belongs to the lot whose questionnaire it
    # carries: it is never ignored in silence.
    for path in sorted(campaign.review_files(), key=lambda p: (
            f"reviews/{p.name}" not in issued, p.stem not in files, p.name)):
        record = issued.get(f"reviews/{path.name}")
        if record is not None and record.lot != lot.id:
            continue  # another lot's workbook
        if record is None and path.stem in named and path.stem not in files:
            continue  # another lot's evaluator workbook
        if record is not None:
            for offer in record.offers:
                if offer in versions and record.versions.get(offer, versions[offer]) == \
                        versions[offer]:
                    workbooks.setdefault((record.evaluator, offer), f"reviews/{path.name}")
        result = (read or {}).get((lot.id, path.name)) if record is not None else None
        if result is None:
            result = _read_review(path, questionnaire, key, record, sorted(responses),
                                  files.get(path.stem))
        if record is None and path.stem not in files and any(
                f.code in ("wrong-version", "wrong-questionnaire")
                for f in result.report.findings) and len(campaign.lots()) > 1:
            continue  # a stray workbook of another lot: read with that lot
        result = _one_file_per_evaluator(result, lot.evaluators, claimed,
                                         issued=record is not None)
        campaign.audit.append("read", file=f"reviews/{path.name}",
                              sha256=result.report.sha256, size=path.stat().st_size,
                              verdict="ok" if result.report.ok else "errors")
        review_reports.append(result.report)
        if (result.declaration is not None and result.evaluator in lot.evaluators
                and result.evaluator not in declared):
            declared[result.evaluator] = result.declaration
        if (result.declaration is not None and result.declaration.declared_no_conflict
                is False):
            conflicts.setdefault(result.evaluator, f"reviews/{path.name}")
        if not result.report.ok:
            continue
        for score in result.scores:
            if score.vendor not in responses:
                continue
            shown = record.versions.get(score.vendor) if record is not None else None
            if shown is not None and shown != versions[score.vendor]:
                if score.level is not None:
                    stale.setdefault((score.evaluator, score.vendor), f"reviews/{path.name}")
                continue  # given on another version of the offer
            reviews.append(score)
            if score.level is not None:
                scored.setdefault((score.evaluator, score.vendor), set()).add(
                    score.question_id)
    overrides: list[Override] = campaign.agreed(lot)
    agreed = campaign.agreed_path(lot)
    if agreed.is_file():
        from ai_procurement._office.files import sha256_file

        campaign.audit.append("read", file=f"reviews/{agreed.name}",
                              sha256=sha256_file(agreed), size=agreed.stat().st_size,
                              verdict="ok", entries=len(overrides))
    from ai_procurement.campaign.folder import budget_of, negotiates

    settled = {(o.vendor, o.question_id) for o in overrides}
    required = {vendor: [q.id for _, q in questionnaire.bank.questions()
                         if q.scored_by_evaluators and (vendor, q.id) not in settled
                         and q.id in response.answers
                         and response.answers[q.id].state is AnswerState.ANSWERED]
                for vendor, response in responses.items() if response.report.ok}
    problems = review_problems(lot.id, lot.evaluators, required, scored, workbooks, stale,
                               conflicts)
    evaluation = evaluate(questionnaire, responses, settings=lot.scoring,
                          reviews=reviews, overrides=overrides, budget=budget_of(lot),
                          negotiation=negotiates(config.procedure))
    lot_checked = tuple(c for c in checked if c.lot == lot.id)
    declarations = tuple(declared[e] for e in lot.evaluators if e in declared)
    return _Scored(evaluation, tuple(review_reports), lot_checked, lot.id, declarations,
                   tuple(problems))


def _issued_reviews_read(campaign: Campaign, lots: Sequence[Lot], *,
                         workers: int | None = None) -> dict[tuple[str, str], Any]:
    """The review workbooks the tool issued, read on every core, by lot and file name.

    Each is read as :func:`_score` reads it: with its lot's questionnaire, for the
    offers and the evaluator it was issued to (a framework agreement's 40 workbooks,
    1.1 s one after the other). Jobs of a few files each; the results come back pickled.
    """
    from ai_procurement.campaign.parallel import cores, results
    from ai_procurement.campaign.reviews import issued_reviews

    issued = issued_reviews(campaign.audit.records())
    by_id = {lot.id: lot for lot in lots}
    names: list[tuple[str, str]] = []
    reads: list[Callable[[], Any]] = []
    key = campaign.key()
    for path in campaign.review_files():
        record = issued.get(f"reviews/{path.name}")
        if record is None or record.lot not in by_id:
            continue
        names.append((record.lot, path.name))
        reads.append(functools.partial(_read_review, path, campaign.frozen(by_id[record.lot]),
                                       key, record))
    count = min(workers or cores(), len(reads))
    if count < 2:
        return {}  # read where they are used
    done = results([functools.partial(_each_call, reads[start::count])
                    for start in range(count)], workers=workers)
    return {name: done[index % count][index // count] for index, name in enumerate(names)}


def _read_review(path: Path, questionnaire: Any, key: bytes, record: Any,
                 offers: Sequence[str] = (), evaluator: str | None = None) -> Any:
    """A review workbook read for the offers and evaluator in ``record``, or these.

    A workbook the tool issued (``record``) is read with the offers it was written for:
    an offer registered, regularised or set aside since then never invalidates an
    evaluator's filled workbook. Another is read for ``offers`` and ``evaluator``.
    """
    from ai_procurement.workbooks.review import read_review

    if record is not None:
        offers, evaluator = list(record.offers), record.evaluator
    return read_review(path, questionnaire, key=key, vendors=list(offers),
                       evaluator=evaluator)


def _each_call(calls: Sequence[Callable[[], T]]) -> list[T]:
    """The result of each of ``calls``, in order (a job)."""
    return [call() for call in calls]


@attrs.frozen
class _Scored:
    """A lot scored, its ranking not tested yet: an :class:`EvaluationRun` but for that."""

    evaluation: Evaluation
    review_reports: tuple[Any, ...]
    checked: tuple[CheckedFile, ...]
    lot: str
    declarations: tuple[Any, ...]
    review_problems: tuple[ReviewProblem, ...]

    def run(self, robustness: Robustness) -> EvaluationRun:
        """The lot's run, with its ranking tested."""
        return EvaluationRun(self.evaluation, robustness, (), self.review_reports,
                             self.checked, self.lot, self.declarations, self.review_problems)


def _tested(campaign: Campaign, scored: Sequence[_Scored], *,
            workers: int | None = None) -> list[EvaluationRun]:
    """Each lot's ranking tested (``assess_robustness``).

    With one lot, its independent tests are jobs run on every core: leave-one-out is
    pure Python, 0.36 s at 300 offers, as long as the two acceptability analyses
    together. With several, the lots are tested here one after the other: each takes
    tens of milliseconds, mostly in numpy's matrix products. The results are the same
    whatever the number of processes (a job's result comes back pickled, every float as
    it was).
    """
    from ai_procurement.campaign.parallel import results
    from ai_procurement.decision.robustness import assess_robustness

    r = campaign.config.robustness
    test = functools.partial(assess_robustness, samples=r.samples, seed=r.seed, band=r.band,
                             close_call_threshold=r.close_call_threshold)
    if len(scored) == 1:
        # The comparisons (price methods, leave-one-out), the longest, start first.
        parts = functools.partial(results, workers=workers, first=(2,))
        return [scored[0].run(test(scored[0].evaluation, run=parts))]
    return [lot.run(test(lot.evaluation)) for lot in scored]


def _one_file_per_evaluator(result: Any, evaluators: Sequence[str],
                            claimed: dict[str, str], *, issued: bool = False) -> Any:
    """Refuse a review file of an evaluator not in the campaign, or a second one.

    Workbooks the tool issued (``issued``) cover distinct offer versions: an evaluator
    may hold several; a copy under another name is still a second one.
    """
    from ai_procurement.answers import Finding, Report

    if not result.report.ok:
        return result
    name = result.evaluator
    if name not in evaluators:
        finding = Finding("error", "unknown-evaluator", msg(
                "This workbook was issued to '{name}', who is not an evaluator of this "
                "consultation: its scores are not used.", name=name), result.report.file)
    elif name in claimed and not issued:
        finding = Finding("error", "duplicate-evaluator", msg(
                "Another workbook of '{name}' is already read "
                "({claimed_name}): keep one workbook per evaluator in "
                "reviews/.", name=name, claimed_name=claimed[name]), result.report.file)
    else:
        claimed.setdefault(name, result.report.file)
        return result
    report = Report(result.report.file, result.report.sha256,
                    (*result.report.findings, finding))
    return attrs.evolve(result, report=report, scores=())


def evaluate_campaign(campaign: Campaign, *, force: bool = False, draft: bool = False,
                      progress: Progress[Any] = _no_progress,
                      workers: int | None = None) -> CampaignRun:
    """Score every lot, test the rankings and write the deliverables in ``out/``.

    For each lot (``out/`` itself without lots, ``out/lot-<id>/`` otherwise): the
    comparison workbook, the decision memo in French and English, the internal
    robustness annex in French and English (``annexe-interne-robustesse-fr.docx``: the
    findings an unsuccessful bidder who obtains the memo must not read there), a debrief
    letter for each unsuccessful bidder and, when a single offer is ranked first, the
    annex of its commitments in French and English (``engagements-fr.docx``). Earlier
    results are replaced only with ``force``; the refusal comes before any computation.

    The outputs are written into a staging folder and replace ``out/`` whole once all
    are written (:mod:`ai_procurement.campaign.results`), with a ``manifest.json`` listing
    them: a run stopped at any point leaves the previous results or the new ones, never
    a mix, and no letter or annex of an earlier ranking stays beside the new memo (the
    audit trail records what left). A run interrupted earlier is recovered first.
    Files are read, and documents written, by ``workers`` processes (None: one per
    core; the outputs are the same bytes whatever their number).

    Every evaluator must have scored every free-text answer of every offer version
    evaluated (:mod:`ai_procurement.campaign.reviews`), unless ``draft``: a draft's
    memos, annexes and comparison workbook carry "PROJET / DRAFT — not to be signed" on
    every page, the memo proposes no award, and no debrief letter or commitments annex
    is written (a letter could be sent, and start the standstill period, on scores
    still to come).

    Raises:
        ReviewsIncompleteError: scores are missing, stale or unusable and ``draft`` is
            false; ``problems`` lists them (evaluator, offer, what to do).
        OutputExistsError: ``out/`` already holds results and ``force`` is false.
        OutputError: an output cannot be written (a full disk): the message names the
            file; ``out/`` is left as it was.
        CampaignError: a questionnaire is not published, an offer has several files,
            ``out/`` holds a file the tool did not write, or another process is writing
            the campaign (its lock, :mod:`ai_procurement.campaign.lock`).
    """
    from ai_procurement.campaign.lock import campaign_lock
    from ai_procurement.campaign.parallel import one_thread_each

    # One writer at a time, from a notebook too (the command line already holds it).
    with campaign_lock(campaign.root, "evaluate_campaign", reentrant=True), one_thread_each():
        return _evaluate(campaign, force=force, draft=draft, progress=progress,
                         workers=workers)


def _evaluate(campaign: Campaign, *, force: bool, draft: bool,
              progress: Progress[Any], workers: int | None) -> CampaignRun:
    from ai_procurement.campaign.results import recover_results, stage_results
    from ai_procurement.errors import OutputError, OutputExistsError

    lots = campaign.lots()
    recover_results(campaign.root, campaign.audit)
    results = campaign.root / "out"
    earlier = [path for lot in lots for path in _earlier_results(
        results / f"lot-{lot.id}" if lot.id else results)]
    if len(lots) > 1:  # the report that covers every lot, in out/
        earlier += [p for p in (results / f"memo-{code}.docx" for code in ("fr", "en"))
                    if p.exists()]
    if earlier and not force:
        raise OutputExistsError(nmsg("{earlier_0} already exists ({n} earlier result in "
                                     "{results}); refusing to overwrite earlier results (pass "
                                     "force=True, or --force on the command line)",
                                     "{earlier_0} already exists ({n} earlier results in "
                                     "{results}); refusing to overwrite earlier results (pass "
                                     "force=True, or --force on the command line)",
                                     len(earlier), earlier_0=earlier[0], results=results),
                                path=earlier[0])
    _refuse_foreign_results(campaign)
    checked = check(campaign, write_reports=False, workers=workers)
    read = _issued_reviews_read(campaign, lots, workers=workers)
    with campaign.audit.batch():  # the review workbooks read, in one append
        evaluated = [_score(campaign, lot, checked, read) for lot in lots]
    problems = [p for lot_scored in evaluated for p in lot_scored.review_problems]
    if problems and not draft:
        from ai_procurement.campaign.reviews import ReviewsIncompleteError

        raise ReviewsIncompleteError(problems)
    scored = _tested(campaign, evaluated, workers=workers)
    awards = {award.lot: award for award in _awards(campaign, scored)}
    from ai_procurement.deliverables.document import prepare

    prepare()  # once, for every process writing documents; frozen out with the rest
    # Every output goes to a staging folder, switched in whole at the end (results.py).
    staged = stage_results(campaign.root)
    try:
        with _earlier_objects_frozen():
            runs, records = _write_deliverables(campaign, staged.folder, scored, awards,
                                                progress, draft=draft, workers=workers)
        staged.seal()
    except BaseException as exc:
        import shutil

        shutil.rmtree(staged.folder, ignore_errors=True)
        if isinstance(exc, OutputError):
            raise OutputError(msg("{exc}; the results in {results} are left as they "
                                  "were, whole", exc=Text(fr=exc.text.fr,
                                  en=format(exc, '')), results=results)) from None
        raise
    with campaign.audit.batch():  # every output's record, the run's closing one last
        written = staged.switch(campaign.audit, [("evaluate", fields) for fields in records])
    from ai_procurement.campaign.rounds import write_rejection_letters

    # The letters of abnormally-low offers the buyer rejected: beside their round, once.
    _audit_outputs(campaign, write_rejection_letters(campaign))
    final = {path.relative_to(results): path for path in written}
    runs = [attrs.evolve(run, outputs=tuple(final[p.relative_to(staged.folder)]
                                            for p in run.outputs)) for run in runs]
    return CampaignRun(tuple(runs), written, tuple(awards[lot.id] for lot in lots))


@contextlib.contextmanager
def _earlier_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist now out of the garbage collector's full collections.

    The deliverables are written with a full collection after each document
    (:mod:`ai_procurement.campaign.parallel`); with every lot's scores frozen out (in the
    forked workers too, where they then stay shared with this process), each collection
    walks only what was built since, and costs a few milliseconds instead of a tenth
    of a second.
    """
    if gc.get_freeze_count():  # objects frozen already, by the caller: leave them so
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _refuse_foreign_results(campaign: Campaign) -> None:
    """Refuse to replace ``out/`` when it holds a file the tool never wrote there.

    The whole folder is replaced by the new result set: a file the buyer put there
    (notes, a signed copy) would go with it.
    """
    from ai_procurement.campaign.results import MANIFEST, RESULTS

    results = campaign.root / RESULTS
    if not results.is_dir():
        return
    ours = {str(r.get("file", "")) for r in campaign.audit.records()
            if r.get("event") == "write"}
    foreign = sorted(p for p in results.rglob("*") if p.is_file() and p.name != MANIFEST
                     and f"{RESULTS}/{p.relative_to(results).as_posix()}" not in ours)
    if foreign:
        raise CampaignError(nmsg("{foreign_0}: {n} file in {results} was not written by "
                                 "'evaluate'; each evaluation replaces that folder whole, so "
                                 "move it elsewhere first", "{foreign_0}: {n} files in "
                                 "{results} were not written by 'evaluate'; each evaluation "
                                 "replaces that folder whole, so move them elsewhere first",
                                 len(foreign), foreign_0=foreign[0], results=results))


def _write_deliverables(campaign: Campaign, out_root: Path, scored: Sequence[EvaluationRun],
                        awards: Mapping[str, LotAward], progress: Progress[Any], *,
                        draft: bool = False, workers: int | None = None
                        ) -> tuple[list[EvaluationRun], list[dict[str, Any]]]:
    """Write every lot's deliverables under ``out_root``, on every core.

    The documents are jobs (:mod:`ai_procurement.campaign.parallel`): a lot's documents
    one after the other, or each document alone when there are few lots; they read the
    same evaluations and write different files of the staging folder.

    Returns the runs with their outputs, and the ``evaluate`` audit records, appended
    once the results are switched in.
    """
    from ai_procurement.campaign.parallel import cores, run_jobs
    from ai_procurement.campaign.rounds import award_blocked
    from ai_procurement.campaign.warnings import memo_blanks
    from ai_procurement.deliverables.commitments import write_commitments_annex
    from ai_procurement.deliverables.comparison import write_comparison
    from ai_procurement.deliverables.debrief import write_debriefs
    from ai_procurement.deliverables.memo import write_memo, write_report
    from ai_procurement.deliverables.robustness_annex import write_robustness_annex

    config = campaign.config
    lots = campaign.lots()
    folders = {lot.id: (out_root / f"lot-{lot.id}" if lot.id else out_root) for lot in lots}
    force = False  # the staging folder starts empty
    records: list[dict[str, Any]] = []
    parts: list[tuple[Lot, EvaluationRun, dict[Lang, Any]]] = []
    # A job a lot, its documents one after the other: each job's process copies the
    # shared pages it writes to, so fewer jobs cost less (a job per document: 4 s more
    # system time on 20 lots, a job per lot 1.5 s). With fewer than two lots a core,
    # each document is a job, so that every core has work; the comparison workbooks,
    # the longest, start first.
    jobs: list[Callable[[], list[Path]]] = []
    lot_jobs: list[range] = []
    longest: list[int] = []
    split = len(lots) < 2 * (workers or cores())
    generated = config.report_date
    languages: tuple[Lang, ...] = ("fr", "en")
    missing = tuple(blank.key for blank in memo_blanks(config))
    trail = _trail_facts(campaign)
    for lot, run in zip(lots, scored, strict=True):
        evaluation, tested = run.evaluation, run.robustness
        award = awards[lot.id]
        out = folders[lot.id]
        out.mkdir(parents=True, exist_ok=True)
        # An abnormally-low examination pending that could change the winner: the memo
        # is a draft and no letter names an awardee (R2152-3).
        blocked = {code: award_blocked(campaign, run, code) for code in languages}
        procedure = {code: attrs.evolve(
            _procedure(campaign, lot, run.checked, code, trail[lot.id], award,
                       run.declarations),
            draft_reason=blocked[code], missing=missing, draft=draft) for code in languages}
        first = len(jobs)
        documents: list[Callable[[], list[Path]]] = [functools.partial(
            _one, write_comparison, evaluation, out / "comparison.xlsx",
            lang=config.language, robustness=tested, generated=generated, overwrite=force,
            register=procedure[config.language].register or None,
            procedure=_mode_text(config.mode).get(config.language), draft=draft)]
        for code in languages:
            documents.append(functools.partial(
                _one, write_memo, evaluation, out / f"memo-{code}.docx", lang=code,
                robustness=tested, generated=generated, procedure=procedure[code],
                overwrite=force))
        for code in languages:
            documents.append(functools.partial(
                _one, write_robustness_annex, evaluation, tested,
                out / f"annexe-interne-robustesse-{code}.docx", lang=code,
                generated=generated, procedure=procedure[code], overwrite=force))
        winners = {v.vendor for v in evaluation.ranking if v.rank == 1}
        # No letter nor contract annex from scores still to come (a draft), nor while the
        # award waits for an abnormally-low examination.
        if not draft and not blocked["en"] and len(winners) == 1:
            # When the cap moved the lot away from its first-ranked offer, the letters
            # wait for the buyer's decision: they would name the wrong awardee.
            letters = {v.vendor: out / f"debrief-{slug(v.vendor)}.docx"
                       for v in evaluation.vendors
                       if v.vendor not in winners and not award.passed_over}
            if letters:
                documents.append(functools.partial(
                    write_debriefs, evaluation, letters, lang=config.language,
                    generated=generated, procedure=procedure[config.language],
                    overwrite=force))
            # The winner's commitments, to attach to the contract (one per language).
            for code in languages:
                documents.append(functools.partial(
                    _one, write_commitments_annex, evaluation,
                    out / f"engagements-{code}.docx", lang=code, generated=generated,
                    overwrite=force))
        if split:
            longest.append(first)
            jobs += documents
        else:
            jobs.append(functools.partial(_in_turn, documents))
        lot_jobs.append(range(first, len(jobs)))
        records.append(dict(fingerprint=evaluation.questionnaire.fingerprint,
                              lot=lot.id, settings=attrs.asdict(lot.scoring),
                              robustness=dict(tested.parameters), version=_version(),
                              ranking=[(v.vendor, v.rank, round(v.total, 6))
                                       for v in evaluation.ranking],
                              award=award.offer, passed_over=list(award.passed_over),
                              award_reason=award.reason.en if award.reason else None,
                              max_lots_per_bidder=config.max_lots_per_bidder,
                              versions={c.offer.id: c.version for c in run.checked
                                        if c.offer is not None and c.vendor is not None},
                              draft=draft, award_held=blocked["en"] or None,
                              review_problems=len(run.review_problems)))
        parts.append((lot, run, procedure))
    if len(lots) > 1:
        # One analysis report covers every lot, a section per lot, as the DAJ's form
        # does; each lot's own report stays beside its letters and holds the notes,
        # charts and annexes the combined report refers to (which keeps it small).
        # Both languages in one job, started first: the longest, and the largest.
        reports: list[Callable[[], list[Path]]] = []
        for code in languages:
            reports.append(functools.partial(
                _one, write_report,
                [(lot.describe(code), run.evaluation, run.robustness, procedure[code])
                 for lot, run, procedure in parts],
                out_root / f"memo-{code}.docx",
                consultation=config.consultation, lang=code, generated=generated,
                overwrite=force,
                details=[f"{folders[lot.id].relative_to(out_root).as_posix()}/memo-{code}.docx"
                         for lot, _, _ in parts]))
        longest.insert(0, len(jobs))
        jobs.append(functools.partial(_in_turn, reports))
    written: dict[int, list[Path]] = {}
    for index, paths in progress(run_jobs(jobs, workers=workers, first=longest),
                                 "deliverables", len(jobs)):
        written[index] = paths
    runs = [attrs.evolve(run, outputs=tuple(p for i in indices for p in written[i]))
            for run, indices in zip(scored, lot_jobs, strict=True)]
    return runs, records


def _one(write: Callable[..., Path], *args: Any, **kwargs: Any) -> list[Path]:
    """The file ``write(*args, **kwargs)`` wrote, as a list (a job's result)."""
    return [write(*args, **kwargs)]


def _in_turn(documents: Sequence[Callable[[], list[Path]]]) -> list[Path]:
    """Write ``documents`` one after the other; the files written, in that order."""
    written: list[Path] = []
    for index, write in enumerate(documents):
        if index:
            gc.collect()  # the previous document's tree (see run_jobs)
        written += write()
    return written


def _awards(campaign: Campaign, runs: Sequence[EvaluationRun]) -> tuple[LotAward, ...]:
    """The award proposed for each lot, under the RC's cap on lots per bidder (R2113-1).

    Offers are one bidder's when the opening register gives them the same identity
    (SIREN, or else the name): a variant counts with its base offer. Without a register
    (invited vendors), the vendor's name is the bidder. The lots are awarded in the
    order of ``campaign.yaml`` ("lot order", the rule ``lot_cap_rule`` states).
    """
    from ai_procurement.bidders import identity_key
    from ai_procurement.campaign.opening import load_opening
    from ai_procurement.decision.lots import RankedOffer, propose_awards

    opening = load_opening(campaign)
    keys = ({(o.lot, o.label): identity_key(o.bidder) for o in opening.offers}
            if opening is not None else {})
    rankings = {run.lot: [RankedOffer(v.vendor, keys.get((run.lot, v.vendor), v.vendor),
                                      v.rank or 0)
                          for v in run.evaluation.ranking] for run in runs}
    return propose_awards(rankings, campaign.config.max_lots_per_bidder,
                          [run.lot for run in runs])


def _before_buying(campaign: Campaign, lot: Lot, lang: Lang) -> tuple[str, ...]:
    """What the report cites of the stage before buying (``strategy/``), if recorded.

    The project's impact level, and how the weights were obtained when the weights the
    buyer adopted are those the questionnaire published; when they are not, the report
    says so, since the published weights are the ones applied.
    """
    import json

    from ai_procurement._office.files import read_bounded
    from ai_procurement.errors import InputError

    def load(name: str) -> dict[str, Any] | None:
        path = campaign.root / "strategy" / name
        if not path.exists():
            return None
        try:
            data = json.loads(read_bounded(path, 4 * 1024 * 1024))
        except (InputError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    lines: list[str] = []
    impact = load("impact.json")
    if impact is not None and isinstance(impact.get("summary"), dict):
        lines.append(msg("Impact level of the project, assessed before buying: ").get(lang)
                     + str(impact["summary"].get(lang, "")))
    adopted, panel = load("adopted-weights.json"), load("panel.json")
    if adopted is not None and isinstance(adopted.get("weights"), dict):
        published = campaign.frozen(lot).weights
        chosen = {str(k): float(v) for k, v in adopted["weights"].items()}
        total = sum(chosen.values()) or 1.0
        same = all(abs(chosen.get(c, 0.0) / total - w) < 1e-6 for c, w in published.items())
        if not same:
            lines.append(msg("The weights adopted before buying "
                             "(strategy/adopted-weights.json) differ from those "
                             "published: the published weights apply.").get(lang))
        else:
            if panel is not None and isinstance(panel.get("origin"), dict):
                lines.append(str(panel["origin"].get(lang, "")))
            lines.append(msg("Weights adopted by {adopted_decided_by}: {adopted_rationale}.",
                             adopted_decided_by=adopted.get('decided_by', ''),
                             adopted_rationale=adopted.get('rationale', '')).get(lang))
    return tuple(lines)


def _mode_text(mode: str) -> Text:
    return (msg("open call, consultation documents freely downloadable from the buyer profile "
                "(R2132-2)") if mode == "open" else
            msg("invited vendors, one signed questionnaire per vendor"))


def _earlier_results(out: Path) -> list[Path]:
    fixed = [out / name for name in ("comparison.xlsx", "memo-fr.docx", "memo-en.docx",
                                     "annexe-interne-robustesse-fr.docx",
                                     "annexe-interne-robustesse-en.docx",
                                     "engagements-fr.docx", "engagements-en.docx")]
    return [p for p in fixed if p.exists()] + sorted(out.glob("debrief-*.docx"))


def _procedure(campaign: Campaign, lot: Lot, checked: Sequence[CheckedFile],
               lang: Lang, trail: Sequence[tuple[str, str, str]],
               award: LotAward | None = None,
               declarations: Sequence[Any] = ()) -> Any:
    from ai_procurement.campaign.opening import load_opening
    from ai_procurement.campaign.rounds import round_lines
    from ai_procurement.deliverables.procedure import (
        Deposit,
        Procedure,
        RejectedFile,
        Signatory,
    )
    from ai_procurement.legal.procedure import procedure_rules

    config = campaign.config
    opening = load_opening(campaign)
    rejected: list[RejectedFile] = []
    register = [Deposit(o.id, o.bidder.name, o.bidder.registration, o.deposited, o.variant,
                        o.status, o.file, o.lot)
                for o in (opening.for_lot(lot.id) if opening is not None else ())]
    received = [c.path.name for c in checked]
    for c in checked:
        if c.set_aside is not None:
            rejected.append(RejectedFile(c.path.name, c.set_aside.get(lang)))
        elif not c.response.report.ok:
            rejected.append(RejectedFile(c.path.name, (" ; " if lang == "fr" else "; ").join(
                f.message.get(lang) for f in c.response.report.errors)))
    kind = ""
    stated = config.procedure
    if stated.procedure_type is not None:
        rules = procedure_rules(stated.procedure_type)
        kind = f"{rules.label.get(lang)} ({', '.join(rules.governing_articles)})"
    own = next((x.subcontracting for x in config.lots if x.id == lot.id), None)
    mode = _mode_text(config.mode)
    return Procedure(
        procedure_type=(" ; " if lang == "fr" else "; ").join(
            x for x in (kind, mode.get(lang)) if x),
        published=config.procedure.published,
        deadline=config.consultation.deadline,
        received=tuple(received),
        rejected=tuple(rejected),
        audit_trail=tuple(_trail_lines(trail, lang)),
        signatories=tuple(Signatory(s.name, s.role) for s in config.procedure.signatories),
        place=config.procedure.place, register=tuple(register),
        award_note=(award.reason.get(lang) if award is not None and award.passed_over
                    and award.reason is not None else ""),
        kind=stated.procedure_type, estimated_value=stated.estimated_value,
        subcontracting=own if own is not None else stated.subcontracting,
        no_lots_reason=stated.no_lots_reason, negotiation_reason=stated.negotiation_reason,
        single_lot=len(campaign.lots()) == 1,
        before_buying=_before_buying(campaign, lot, lang),
        declarations=tuple(d.line(lang) for d in declarations),
        rounds=tuple(round_lines(campaign, lot.id, checked, lang)))


def _trail_facts(campaign: Campaign) -> dict[str, list[tuple[str, str, str]]]:
    """The facts of each lot's procedure log: what was published, sent and received.

    Each distinct fact of a lot appears once, in the order of the audit trail, without
    its time: the memo depends only on the files, so the same files give the same memo
    whenever and however often the steps are run (``audit.jsonl`` keeps the times). The
    memo's own outputs (``out/``), the check reports and the blank review workbooks are
    left out: they are results, not what the decision rests on. A fact is ``("publish",
    fingerprint, "")``, ``("sent", file, sha256)`` or ``("read", file, sha256)``; the
    trail is read once for every lot.
    """
    from ai_procurement.campaign.reviews import issued_reviews

    records = campaign.audit.records()
    lots = campaign.lots()
    reviews: dict[str, set[str]] = {}  # a review workbook's name: its lots
    for lot in lots:
        names = {f"reviews/{slug(e)}{lot.suffix}.xlsx" for e in lot.evaluators}
        names.add(f"reviews/{campaign.agreed_path(lot).name}")
        for name in names:
            reviews.setdefault(name, set()).add(lot.id)
    for name, issued in issued_reviews(records).items():
        reviews.setdefault(name, set()).add(issued.lot)
    facts: dict[str, list[tuple[str, str, str]]] = {lot.id: [] for lot in lots}
    seen: set[tuple[str, str, str, str]] = set()
    for record in records:
        event = str(record.get("event", ""))
        name = str(record.get("file", ""))
        sha = str(record.get("sha256", ""))
        if event == "publish":
            found = [(str(record.get("lot", "")),
                      ("publish", str(record.get("fingerprint", "")), ""))]
        elif event == "write" and name.startswith("outbox/"):
            stem = Path(name).stem
            found = [(lot.id, ("sent", name, sha)) for lot in lots
                     if stem.endswith(lot.suffix) and (lot.suffix or "-lot-" not in name)]
        elif event == "read" and name.startswith("responses/"):
            found = [(str(record.get("lot", "")), ("read", name, sha))]
        elif event == "read":
            found = [(lot_id, ("read", name, sha)) for lot_id in sorted(reviews.get(name, ()))]
        else:
            continue
        for lot_id, fact in found:
            if lot_id in facts and (lot_id, *fact) not in seen:
                seen.add((lot_id, *fact))
                facts[lot_id].append(fact)
    return facts


def _trail_lines(facts: Sequence[tuple[str, str, str]], lang: Lang) -> list[str]:
    """The procedure log of a lot's memo, in ``lang``: its facts (:func:`_trail_facts`)."""
    labels = {"publish": msg("Questionnaire published, fingerprint"),
              "sent": msg("Questionnaire issued"),
              "read": msg("File received and read")}
    colon = " :" if lang == "fr" else ":"
    return [f"{labels['publish'].get(lang)} {name}" if kind == "publish" else
            f"{labels[kind].get(lang)}{colon} {name} (SHA-256 {sha[:16]}…)"
            for kind, name, sha in facts]


def _audit_outputs(campaign: Campaign, paths: Sequence[Path]) -> None:
    from ai_procurement._office.files import sha256_file

    with campaign.audit.batch():
        for path in paths:
            relative = path.relative_to(campaign.root) if path.is_relative_to(campaign.root) \
                else path
            campaign.audit.append("write", file=str(relative), sha256=sha256_file(path),
                                  size=path.stat().st_size)


def _version() -> str:
    from ai_procurement import __version__

    return __version__

