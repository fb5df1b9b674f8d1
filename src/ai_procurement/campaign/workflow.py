"""The buyer's job, step by step, on a campaign folder.

Each function is one step of the command line (and of the notebooks): publish the
questionnaires, check the returned files, prepare the evaluators' workbooks, evaluate
and write the deliverables. Each reads the campaign folder, never modifies an input
file, writes its outputs atomically (refusing to replace an earlier result unless
``force``), and appends what it read and wrote to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ai_procurement.campaign.folder import (
    Campaign,
    CampaignError,
    questionnaire_problem,
    slug,
)
from ai_procurement.text import Lang, Text

if TYPE_CHECKING:
    from ai_procurement.answers import Finding, Response
    from ai_procurement.bank.model import Question
    from ai_procurement.decision.robustness import Robustness
    from ai_procurement.decision.scoring import Evaluation

__all__ = [
    "CheckedFile",
    "EvaluationRun",
    "check",
    "evaluate_campaign",
    "prepare_reviews",
    "publish",
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
            progress: Progress[str] = _no_progress) -> list[Path]:
    """Freeze the questionnaire and write one personalised workbook per vendor.

    The frozen questionnaire (``questionnaire.json``) is written once: publishing again
    with different weights or questions is refused, because they must not change after
    vendors received them (unless ``force``, and never once a vendor has answered).
    Publishing again the same questionnaire writes only what is missing (a vendor added
    to ``campaign.yaml``); a questionnaire already in ``outbox/`` with the same content is
    left as it is.

    Returns:
        The files written.

    Raises:
        CampaignError: the questionnaire differs from the published one (see above).
        OutputExistsError: a questionnaire in ``outbox/`` differs and ``force`` is false.
    """
    from ai_procurement._office.files import write_atomic
    from ai_procurement.questionnaire import dump_questionnaire
    from ai_procurement.workbooks.form import questionnaire_bytes

    questionnaire = campaign.freeze()
    path = campaign.questionnaire_path()
    written: list[Path] = []
    if path.exists():
        problem = questionnaire_problem(campaign.frozen(), questionnaire)
        answered = campaign.response_files()
        if problem is not None and (answered or not force):
            if answered:
                problem += (f" ({len(answered)} file(s) already in responses/: the "
                            "questionnaire can no longer change)")
            raise CampaignError(f"{path}: {problem}")
        if problem is not None:
            dump_questionnaire(questionnaire, path, overwrite=True)
            written.append(path)
    else:
        dump_questionnaire(questionnaire, path)
        written.append(path)
    key = campaign.key()
    outbox = campaign.folder("outbox")
    lang = campaign.config.language
    for vendor in progress(campaign.config.vendors, "questionnaires", len(
            campaign.config.vendors)):
        target = outbox / f"{slug(vendor)}.xlsx"
        data = questionnaire_bytes(questionnaire, lang, vendor, key=key)
        if _holds(target, data):
            continue
        write_atomic(target, data, overwrite=force)
        written.append(target)
    audit = campaign.audit
    audit.append("publish", fingerprint=questionnaire.fingerprint,
                 bank=questionnaire.bank.id, bank_version=questionnaire.bank.version,
                 weighting=dict(questionnaire.weighting))
    _audit_outputs(campaign, written)
    return written


@attrs.frozen
class CheckedFile:
    """A returned file after checking: whose it is (when known) and what was read."""

    path: Path
    vendor: str | None
    response: Response
    report_path: Path | None = None


def check(campaign: Campaign, *, lang: Lang | None = None, force: bool = False,
          progress: Progress[Path] = _no_progress,
          write_reports: bool = True) -> list[CheckedFile]:
    """Check every returned file and write a report per file to forward to the vendor.

    A file is matched to its vendor by the token it carries; a file whose token matches
    no vendor of the campaign (a blank copy, another campaign's file) gets an error.
    Questions left unanswered get one warning listing them (they score 0, and an
    unanswered red line makes the offer non-compliant). Reports are written in
    ``reports/`` as ``<file>.<lang>.txt`` (not when ``write_reports`` is false: the later
    steps read the files again without touching the reports the buyer forwarded); a
    report already there with the same content is left as it is.

    Raises:
        OutputExistsError: a report differs from the one already written and ``force`` is false.
    """
    from ai_procurement.answers import AnswerState, Finding, Report
    from ai_procurement.workbooks.response import read_response

    questionnaire = campaign.frozen()
    key = campaign.key()
    tokens = campaign.vendor_tokens(key)
    report_lang: Lang = lang or campaign.config.language
    files = campaign.response_files()
    checked: list[CheckedFile] = []
    reports = campaign.folder("reports")
    issued = {slug(vendor): vendor for vendor in campaign.config.vendors}
    for path in progress(files, "check", len(files)):
        # The file named after a vendor's questionnaire must be that vendor's.
        expected = _issued_to(path, issued)
        response = read_response(path, questionnaire, key=key, vendor=expected)
        vendor = expected if expected is not None else tokens.get(response.vendor_token)
        identity_read = not any(f.code in ("sheet-missing", "identity-missing",
                                           "wrong-questionnaire", "wrong-version", "signature")
                                for f in response.report.findings)
        if vendor is None and response.report.ok and identity_read:
            finding = Finding("error", "unknown-vendor", Text(
                "Ce fichier n'a été émis pour aucun candidat de cette consultation (copie "
                "vierge ou fichier d'une autre consultation).",
                "This file was issued to no vendor of this consultation (a blank copy or "
                "another consultation's file)."), path.name)
            response = attrs.evolve(response, report=Report(
                response.report.file, response.report.sha256,
                (*response.report.findings, finding)))
        blank = [q for _, q in questionnaire.bank.questions() if q.id in response.answers
                 and response.answers[q.id].state is AnswerState.UNANSWERED]
        if response.report.ok and blank:
            response = attrs.evolve(response, report=Report(
                response.report.file, response.report.sha256,
                (*response.report.findings, _unanswered(blank, path.name))))
        report_path = reports / f"{path.name}.{report_lang}.txt"
        text = response.report.to_text(report_lang)
        if vendor is not None:
            text = (f"{'Candidat :' if report_lang == 'fr' else 'Vendor:'} {vendor}\n") + text
        if write_reports and _write_text(report_path, text, force=force):
            _audit_outputs(campaign, [report_path])
        campaign.audit.append("read", file=f"responses/{path.name}",
                              sha256=response.report.sha256, size=path.stat().st_size,
                              vendor=vendor, verdict="ok" if response.report.ok else "errors",
                              errors=len(response.report.errors),
                              warnings=len(response.report.findings)
                              - len(response.report.errors))
        checked.append(CheckedFile(path, vendor, response,
                                   report_path if write_reports else None))
    return checked


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
    fr = (f"{len(ids)} question(s) sans réponse, qui valent 0 point : {shown}. Répondez-y ou "
          "déclarez-les « sans objet » avec une justification.")
    en = (f"{len(ids)} question(s) left unanswered, which score 0: {shown}. Answer them or "
          "declare them \"not applicable\" with a justification.")
    if red:
        fr += (f" Exigences éliminatoires sans réponse ({', '.join(red)}) : l'offre sera "
               "non conforme.")
        en += (f" Mandatory requirements left unanswered ({', '.join(red)}): the offer will "
               "be non-compliant.")
    return Finding("warning", "unanswered", Text(fr, en), file)


def _write_text(path: Path, text: str, *, force: bool) -> bool:
    """Write ``text`` unless the file already holds it; return whether it was written."""
    from ai_procurement._office.files import write_atomic

    data = text.encode("utf-8")
    if _holds(path, data):
        return False
    write_atomic(path, data, overwrite=force)
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file holding exactly ``data`` (read bounded)."""
    from ai_procurement._office.files import read_bounded
    from ai_procurement.errors import InputError

    try:
        return read_bounded(path, len(data)) == data
    except InputError:
        return False


def usable_responses(checked: Sequence[CheckedFile]) -> dict[str, Response]:
    """One response per vendor, from checked files.

    Raises:
        CampaignError: a vendor has several files; the buyer must keep one.
    """
    by_vendor: dict[str, list[CheckedFile]] = {}
    for item in checked:
        if item.vendor is not None:
            by_vendor.setdefault(item.vendor, []).append(item)
    duplicates = {v: [i.path.name for i in items] for v, items in by_vendor.items()
                  if len(items) > 1}
    if duplicates:
        listed = "; ".join(f"{v}: {', '.join(names)}" for v, names in sorted(duplicates.items()))
        raise CampaignError(f"several returned files for the same vendor ({listed}); keep "
                            "only the one to evaluate in responses/")
    return {v: items[0].response for v, items in sorted(by_vendor.items())}


def prepare_reviews(campaign: Campaign, *, force: bool = False) -> list[Path]:
    """Write one review workbook per evaluator for the free-text answers."""
    from ai_procurement.workbooks.review import write_review

    questionnaire = campaign.frozen()
    responses = usable_responses(check(campaign, write_reports=False))
    readable = {v: r for v, r in responses.items() if r.report.ok}
    if not readable:
        raise CampaignError("no readable response to review yet; run 'ai-procurement check'")
    key = campaign.key()
    written = []
    for evaluator in campaign.config.evaluators:
        target = campaign.folder("reviews") / f"{slug(evaluator)}.xlsx"
        write_review(questionnaire, readable, target, evaluator=evaluator,
                     lang=campaign.config.language, blind=campaign.config.blind_review,
                     key=key, overwrite=force)
        written.append(target)
    _audit_outputs(campaign, written)
    return written


@attrs.frozen
class EvaluationRun:
    """What :func:`evaluate_campaign` produced."""

    evaluation: Evaluation
    robustness: Robustness
    outputs: tuple[Path, ...]
    review_reports: tuple[Any, ...]
    checked: tuple[CheckedFile, ...] = ()


def score_campaign(campaign: Campaign) -> EvaluationRun:
    """Score the responses and test the ranking, without writing any deliverable.

    Reads the returned files and the evaluators' workbooks (the reads go to the audit
    trail); a review workbook with errors is reported in ``review_reports`` and its
    scores are left out. ``outputs`` is empty: :func:`evaluate_campaign` writes them.

    Raises:
        CampaignError: the questionnaire is not published, or a vendor has several files.
    """
    from ai_procurement.decision.robustness import assess_robustness
    from ai_procurement.decision.scoring import EvaluatorScore, Override, evaluate
    from ai_procurement.workbooks.review import read_review

    config = campaign.config
    questionnaire = campaign.frozen()
    key = campaign.key()
    checked = check(campaign, write_reports=False)
    responses = usable_responses(checked)
    reviews: list[EvaluatorScore] = []
    review_reports = []
    evaluators = {slug(name): name for name in config.evaluators}
    claimed: dict[str, str] = {}  # evaluator -> the file whose scores are used
    # Files named after their evaluator first: a copy under another name is the second.
    for path in sorted(campaign.review_files(), key=lambda p: (p.stem not in evaluators,
                                                               p.name)):
        # reviews/<slug>.xlsx was written for that evaluator and must be theirs.
        result = read_review(path, questionnaire, key=key, vendors=sorted(responses),
                             evaluator=evaluators.get(path.stem))
        result = _one_file_per_evaluator(result, config.evaluators, claimed)
        campaign.audit.append("read", file=f"reviews/{path.name}",
                              sha256=result.report.sha256, size=path.stat().st_size,
                              verdict="ok" if result.report.ok else "errors")
        review_reports.append(result.report)
        if result.report.ok:
            reviews.extend(result.scores)
    overrides: list[Override] = campaign.agreed()
    if campaign.agreed_path().is_file():
        from ai_procurement._office.files import sha256_file

        agreed = campaign.agreed_path()
        campaign.audit.append("read", file=f"reviews/{agreed.name}",
                              sha256=sha256_file(agreed), size=agreed.stat().st_size,
                              verdict="ok", entries=len(overrides))
    evaluation = evaluate(questionnaire, responses, settings=config.scoring,
                          reviews=reviews, overrides=overrides)
    r = config.robustness
    tested = assess_robustness(evaluation, samples=r.samples, seed=r.seed, band=r.band,
                               close_call_threshold=r.close_call_threshold)
    return EvaluationRun(evaluation, tested, (), tuple(review_reports), tuple(checked))


def _one_file_per_evaluator(result: Any, evaluators: Sequence[str],
                            claimed: dict[str, str]) -> Any:
    """Refuse a review file of an evaluator not in the campaign, or a second one."""
    from ai_procurement.answers import Finding, Report

    if not result.report.ok:
        return result
    name = result.evaluator
    if name not in evaluators:
        finding = Finding("error", "unknown-evaluator", Text(
            f"Cette grille a été émise pour « {name} », qui n'est pas un évaluateur de "
            "cette consultation : ses notes ne sont pas prises en compte.",
            f"This workbook was issued to '{name}', who is not an evaluator of this "
            "consultation: its scores are not used."), result.report.file)
    elif name in claimed:
        finding = Finding("error", "duplicate-evaluator", Text(
            f"Une autre grille de « {name} » est déjà lue ({claimed[name]}) : ne gardez "
            "dans reviews/ qu'une grille par évaluateur.",
            f"Another workbook of '{name}' is already read ({claimed[name]}): keep one "
            "workbook per evaluator in reviews/."), result.report.file)
    else:
        claimed[name] = result.report.file
        return result
    report = Report(result.report.file, result.report.sha256,
                    (*result.report.findings, finding))
    return attrs.evolve(result, report=report, scores=())


def evaluate_campaign(campaign: Campaign, *, force: bool = False,
                      progress: Progress[str] = _no_progress) -> EvaluationRun:
    """Score the responses, test the ranking and write the deliverables in ``out/``.

    Writes the comparison workbook, the decision memo in French and English, and a
    debrief letter for each unsuccessful vendor. Earlier results in ``out/`` are replaced
    only with ``force``; the refusal comes before any computation. With ``force``, debrief
    letters of an earlier run that this run does not write again (the ranking changed)
    are removed, so that no stale letter can be sent; the audit trail records it.

    Raises:
        OutputExistsError: ``out/`` already holds results and ``force`` is false.
        CampaignError: the questionnaire is not published, or a vendor has several files.
    """
    from ai_procurement.deliverables.comparison import write_comparison
    from ai_procurement.deliverables.memo import write_debrief, write_memo
    from ai_procurement.errors import OutputExistsError

    config = campaign.config
    earlier = _earlier_results(campaign.root / "out")
    if earlier and not force:
        raise OutputExistsError(
            f"{earlier[0]} already exists ({len(earlier)} earlier result(s) in "
            f"{campaign.root / 'out'}); refusing to overwrite earlier results (pass "
            "force=True, or --force on the command line)")
    run = score_campaign(campaign)
    evaluation, tested, checked = run.evaluation, run.robustness, run.checked
    questionnaire = evaluation.questionnaire
    out = campaign.folder("out")
    generated = config.report_date
    languages: tuple[Lang, ...] = ("fr", "en")
    procedure = {code: _procedure(campaign, checked, code) for code in languages}
    outputs: list[Path] = []
    steps = ["comparison", "memo-fr", "memo-en", "debriefs"]
    for step in progress(steps, "deliverables", len(steps)):
        if step == "comparison":
            outputs.append(write_comparison(evaluation, out / "comparison.xlsx",
                                            lang=config.language, robustness=tested,
                                            generated=generated, overwrite=force))
        elif step.startswith("memo"):
            lang: Lang = "fr" if step == "memo-fr" else "en"
            outputs.append(write_memo(evaluation, out / f"memo-{lang}.docx", lang=lang,
                                      robustness=tested, generated=generated,
                                      procedure=procedure[lang], overwrite=force))
        else:
            winners = {v.vendor for v in evaluation.ranking if v.rank == 1}
            for vendor_result in evaluation.vendors:
                if vendor_result.vendor in winners or len(winners) != 1:
                    continue
                outputs.append(write_debrief(
                    evaluation, vendor_result.vendor,
                    out / f"debrief-{slug(vendor_result.vendor)}.docx", lang=config.language,
                    generated=generated, procedure=procedure[config.language],
                    overwrite=force))
    for stale in sorted(set(earlier) - set(outputs)):
        if stale.name.startswith("debrief-"):
            stale.unlink(missing_ok=True)
            campaign.audit.append("remove", file=str(stale.relative_to(campaign.root)),
                                  reason="stale debrief letter of an earlier evaluation")
    campaign.audit.append("evaluate", fingerprint=questionnaire.fingerprint,
                          settings=attrs.asdict(config.scoring),
                          robustness=dict(tested.parameters), version=_version(),
                          ranking=[(v.vendor, v.rank, round(v.total, 6))
                                   for v in evaluation.ranking])
    _audit_outputs(campaign, outputs)
    return attrs.evolve(run, outputs=tuple(outputs))


def _earlier_results(out: Path) -> list[Path]:
    fixed = [out / name for name in ("comparison.xlsx", "memo-fr.docx", "memo-en.docx")]
    return [p for p in fixed if p.exists()] + sorted(out.glob("debrief-*.docx"))


def _procedure(campaign: Campaign, checked: Sequence[CheckedFile], lang: Lang) -> Any:
    from ai_procurement.deliverables.memo import Procedure, RejectedFile, Signatory

    config = campaign.config
    return Procedure(
        procedure_type=config.procedure.procedure_type,
        published=config.procedure.published,
        deadline=config.consultation.deadline,
        received=tuple(c.path.name for c in checked),
        rejected=tuple(RejectedFile(c.path.name, "; ".join(
            f.message.get(lang) for f in c.response.report.errors))
            for c in checked if not c.response.report.ok),
        audit_trail=tuple(_trail_lines(campaign, lang)),
        signatories=tuple(Signatory(s.name, s.role) for s in config.procedure.signatories),
        place=config.procedure.place)


def _trail_lines(campaign: Campaign, lang: Lang) -> list[str]:
    """The procedure log of the memo: what was published, sent and received.

    Each distinct fact appears once, in the order of the audit trail, without its time:
    the memo depends only on the files, so the same files give the same memo whenever
    and however often the steps are run (``audit.jsonl`` keeps the times). The memo's
    own outputs (``out/``), the check reports and the blank review workbooks are left
    out: they are results, not what the decision rests on.
    """
    labels = {"publish": Text("Questionnaire publié, empreinte", "Questionnaire published, "
                              "fingerprint"),
              "sent": Text("Questionnaire émis", "Questionnaire issued"),
              "read": Text("Fichier reçu et lu", "File received and read")}
    colon = " :" if lang == "fr" else ":"
    lines: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for record in campaign.audit.records():
        event = str(record.get("event", ""))
        name = str(record.get("file", ""))
        sha = str(record.get("sha256", ""))
        if event == "publish":
            key = ("publish", str(record.get("fingerprint", "")), "")
            line = f"{labels['publish'].get(lang)} {key[1]}"
        elif event == "write" and name.startswith("outbox/"):
            key = ("sent", name, sha)
            line = f"{labels['sent'].get(lang)}{colon} {name} (SHA-256 {sha[:16]}…)"
        elif event == "read":
            key = ("read", name, sha)
            line = f"{labels['read'].get(lang)}{colon} {name} (SHA-256 {sha[:16]}…)"
        else:
            continue
        if key not in seen:
            seen.add(key)
            lines.append(line)
    return lines


def _audit_outputs(campaign: Campaign, paths: Sequence[Path]) -> None:
    from ai_procurement._office.files import sha256_file

    for path in paths:
        relative = path.relative_to(campaign.root) if path.is_relative_to(campaign.root) \
            else path
        campaign.audit.append("write", file=str(relative), sha256=sha256_file(path),
                              size=path.stat().st_size)


def _version() -> str:
    from ai_procurement import __version__

    return __version__

