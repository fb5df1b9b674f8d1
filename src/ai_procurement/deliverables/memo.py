"""The analysis report (rapport d'analyse des offres): an evaluation as a committee reads it.

French public buyers record their choice in an analysis report (DAJ form OUV8; code de la
commande publique, R2184-1 ff.): subject and buyer, procedure, offers received, excluded
offers and why, analysis criterion by criterion with justified notes, price analysis,
ranking, award proposal (or the procedure declared unsuccessful) and signatures.

:func:`write_memo` writes that report as a Word document. It *presents* an
:class:`~ai_procurement.decision.scoring.Evaluation`: every figure comes from it, nothing
is recomputed or re-weighted here. What the evaluation does not know (procedure type,
dates, files set aside before the evaluation, signatories) comes in a
:class:`~ai_procurement.deliverables.procedure.Procedure`. The design (styles, page,
footer) is the package's Word template; the same evaluation and ``generated`` date give
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ai_procurement._office.docx import Part
from ai_procurement.answers import AnswerState
from ai_procurement.bank.model import Criterion, Price, Question
from ai_procurement.decision.scoring import Evaluation, VendorResult
from ai_procurement.deliverables.charts import charts
from ai_procurement.deliverables.document import (
    DRAFT_MARK,
    check_lang,
    check_output,
    new_document,
)
from ai_procurement.deliverables.labels import (
    LOW_OFFER_PARAMETER_LABELS,
    ROBUSTNESS_PARAMETER_LABELS,
    SETTING_LABELS,
    SETTING_VALUE_NAMES,
    SOURCES,
    STATES,
    STATUSES,
    flag_label,
    weighting_method,
)
from ai_procurement.deliverables.procedure import Procedure
from ai_procurement.deliverables.view import (
    ANNEX_LIMIT,
    BODY_LIMIT,
    MAX_CITED,
    STRENGTH,
    WEAKNESS,
    EvaluationView,
    Formatter,
    cite,
    knockout_answer,
    knockout_rule,
)
from ai_procurement.errors import ScoringError
from ai_procurement.legal.procedure import Negotiation, procedure_rules
from ai_procurement.questionnaire import (
    Consultation,
    aggregation_sentence,
    sub_criterion_points,
)
from ai_procurement.text import Lang, Text, msg, nmsg, pmsg

if TYPE_CHECKING:
    from ai_procurement.decision.robustness import Robustness

__all__ = ["ANNEX_LIMIT", "BODY_LIMIT", "write_memo", "write_report"]

_HEADING_NAME_LIMIT = 120


def _note(view: EvaluationView, vendor: VendorResult, criterion: Criterion) -> list[list[Part]]:
    """The justified note of one offer on one criterion, derived from its score lines.

    One paragraph per element: the points, the strongest answers, the weakest answers,
    gaps (unanswered, not applicable, evidence, pending reviews) and the evaluators'
    assessments of written answers.
    """
    f = view.f
    lines = view.criterion_lines(vendor.vendor, criterion.id)
    points = vendor.criteria.get(criterion.id, 0.0)
    available = view.points[criterion.id]
    note: list[list[Part]] = [[("b", f.name(vendor.vendor)),
                           f" — {f.pts(points)} / {f.pts(available)} points "
                           f"({f.pct(points / available)})"]]
    counted = [ln for ln in lines if ln.counted and ln.max_points > 0]
    strengths = sorted((ln for ln in counted if ln.fraction >= STRENGTH),
                       key=lambda ln: (-ln.fraction, -ln.max_points, ln.question_id))
    weaknesses = sorted((ln for ln in counted if ln.fraction < WEAKNESS),
                        key=lambda ln: (-(ln.max_points * (1 - ln.fraction)), ln.question_id))
    note.append([("b", f.t(msg("Strengths: "))),
                 f.sep.join(cite(view, ln) for ln in strengths[:MAX_CITED]) + "."
                 if strengths else f.t(msg("no answer earns three quarters of its points."))])
    note.append([("b", f.t(msg("Weaknesses: "))),
                 f.sep.join(cite(view, ln) for ln in weaknesses[:MAX_CITED]) + "."
                 if weaknesses else f.t(msg("no answer earns less than half its points."))])
    other: list[str] = []
    unanswered = [ln.question_id for ln in lines if ln.state is AnswerState.UNANSWERED]
    if unanswered:
        other.append(f.t(msg("unanswered (0 points): "))
                     + ", ".join(unanswered))
    declared = [ln for ln in lines if ln.state is AnswerState.NOT_APPLICABLE]
    if declared:
        shown = []
        for ln in declared:
            why = f.text(ln.justification, 200) if ln.justification.strip() else "—"
            status = (f.t(msg("not counted")) if not ln.counted
                      else view.flags(ln.flags))
            shown.append(f"{ln.question_id} ({status}{f.sep}{why})")
        other.append(f.t(msg("declared not applicable: "))
                     + ", ".join(shown))
    answered = [ln for ln in lines if ln.state is AnswerState.ANSWERED]
    if answered:
        with_evidence = sum(1 for ln in answered if ln.evidence.strip())
        other.append(f.t(nmsg("evidence cited for {with_evidence} of {n} answer",
                              "evidence cited for {with_evidence} of {n} answers",
                              len(answered), with_evidence=with_evidence)))
    pending = [ln.question_id for ln in lines if "pending-review" in ln.flags]
    if pending:
        other.append(f.t(msg("awaiting review: ")) + ", ".join(pending))
    if other:
        note.append([("b", f.t(msg("Other findings: "))),
                     f.sep.join(other) + "."])
    for ln in lines:
        if ln.source in ("evaluators", "consensus") and ln.justification.strip():
            label = (f.t(msg("Evaluators' assessment"))
                     + (" (consensus)" if ln.source == "consensus" else ""))
            note.append([("b", f"{label}, {ln.question_id}{f.colon}"),
                         f.text(ln.justification, BODY_LIMIT)])
    return note



# -- the memo ------------------------------------------------------------------------------

_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Objet de la consultation et acheteur", "Subject and buyer"),
    ("Déroulement de la procédure", "Procedure"),
    ("Critères d'attribution et pondérations publiés", "Award criteria and weights as published"),
    ("Conformité des offres", "Compliance of the offers"),
    ("Analyse des offres critère par critère", "Analysis criterion by criterion"),
    ("Analyse du prix", "Price analysis"),
    ("Classement des offres", "Ranking of the offers"),
    ("Robustesse du classement", "Robustness of the ranking"),
    ("Proposition d'attribution", "Award proposal"),
    ("Signatures", "Signatures"),
)
_ANNEXES: tuple[tuple[str, str], ...] = (
    ("Questions et règles de notation", "Questions and scoring rules"),
    ("Réponses détaillées par offre", "Detailed answers per offer"),
    ("Traçabilité", "Audit trail"),
)


def _anchor(section: int | str) -> str:
    """The bookmark of a section's heading, which the contents point to."""
    return f"_Toc_{section}"  # Word hides bookmarks whose name starts with "_"


def _section_title(index: int, lang: Lang) -> str:
    fr, en = _SECTIONS[index - 1]
    return f"{index}. {fr if lang == 'fr' else en}"


def _annex_title(index: int, lang: Lang) -> str:
    letter = "ABC"[index]
    fr, en = _ANNEXES[index]
    return f"{'Annexe' if lang == 'fr' else 'Annex'} {letter} – {fr if lang == 'fr' else en}"


class _Memo:
    """Writes the sections of the analysis report, in order.

    In a report covering several lots, each lot's sections are written one after the
    other into one document (``document``), their titles and bookmarks prefixed with
    the lot (``lot_prefix``). With ``details`` (the lot's own report, written beside it),
    the lot's part keeps what the analysis report form asks (procedure, offers and
    exclusions, criteria and weights, points per criterion, ranking, award proposal) and
    refers to that report for the justifying notes, the charts and the annexes.
    """

    def __init__(self, evaluation: Evaluation, lang: Lang, robustness: Robustness | None,
                 generated: dt.date, procedure: Procedure, *, document: Any = None,
                 lot_prefix: str = "", lot_key: str = "", details: str = "") -> None:
        self.view = EvaluationView(evaluation, lang)
        self.f = self.view.f
        self.evaluation = evaluation
        self.lang: Lang = lang
        self.robustness = robustness
        self.generated = generated
        self.procedure = procedure
        consultation = evaluation.questionnaire.consultation
        self.consultation = consultation
        f = self.f
        title = f.t(msg("Tender evaluation report"))
        self.prefix, self.key = lot_prefix, lot_key
        self.details = details
        self.d = document if document is not None else new_document(
            lang, title=f"{title} – {consultation.reference}", subject=consultation.title,
            author=consultation.buyer, generated=generated)
        if procedure.draft and document is None:
            self.d.header(DRAFT_MARK)

    def section_title(self, index: int, lang: Lang) -> str:
        """A section's title, with the lot in a report that covers several."""
        return self.prefix + _section_title(index, lang)

    def annex_title(self, index: int, lang: Lang) -> str:
        """An annex's title, with the lot in a report that covers several."""
        return self.prefix + _annex_title(index, lang)

    def anchor(self, section: int | str) -> str:
        """A section's bookmark, unique in a report that covers several lots."""
        return _anchor(f"{self.key}{section}")

    def elsewhere(self) -> str:
        """Where the annexes are when the lot's own report has them: `` of ...``."""
        if not self.details:
            return ""
        return self.f.t(msg(" of the lot's own report ({details})", details=self.details))

    def lot_body(self) -> None:
        """The sections of one lot, in a report that covers several.

        No cover and no signatures: the report has one of each. With ``details``, no
        notes, charts nor annexes: the lot's own report has them.
        """
        if self.details:
            f = self.f
            self.d.paragraph(f.t(
                msg("This part gives the elements of the lot's analysis report. The notes "
                    "justifying each offer's points, the charts and the annexes (questions and "
                    "scoring rules, detailed answers of each offer, audit trail) are in the "
                    "lot's own analysis report, signed with this report: ")),
                ("b", self.details), ".")
        self.sections()
        self.d.page_break()
        if self.details:
            return
        self.annexes()
        self.d.page_break()

    def sections(self) -> None:
        """Sections 1 to 9, from the subject to the award proposal."""
        self.subject()
        self.procedure_section()
        self.criteria()
        self.compliance()
        self.analysis()
        self.price()
        self.ranking()
        self.robustness_section()
        self.award()

    def annexes(self) -> None:
        """Annexes A to C: questions and rules, every answer, audit trail."""
        self.annex_questions()
        self.annex_answers()
        self.annex_audit()

    def build(self) -> bytes:
        self.cover()
        self.sections()
        self.signatures()
        self.d.page_break()
        self.annexes()
        return self.d.save(self.generated)

    # cover and contents

    def cover(self) -> None:
        d, f, c = self.d, self.f, self.consultation
        d.heading(f.t(msg("Tender evaluation report")), 0)
        if self.procedure.draft_reason:
            d.paragraph(("b", f.t(msg("DRAFT – "))),
                        f.sentence(f.text(self.procedure.draft_reason, BODY_LIMIT)))
        d.paragraph(("b", f.text(c.title, 300)))
        lines = [f.t(msg("Buyer: ")) + f.text(c.buyer, 300),
                 f.t(msg("Reference: ")) + f.text(c.reference, 200)]
        if self.procedure.lot:
            lines.append(f.t(msg("Lot: ")) + f.text(self.procedure.lot, 300))
        lines.append(f.t(msg("Report dated ")) + f.date(self.generated))
        for line in lines:
            d.paragraph(line)
        draft = f.t(msg("DRAFT – ")) if self.procedure.missing else ""
        report = f.t(pmsg("memo footer", "Tender evaluation report"))
        d.footer(f"{draft}{report} {f.text(c.reference, 60)}")
        d.gap()
        d.label(f.t(msg("Contents")))
        entries = [(self.section_title(i, self.lang), self.anchor(i))
                   for i in range(1, len(_SECTIONS) + 1)]
        entries += [(self.annex_title(i, self.lang), self.anchor("ABC"[i]))
                    for i in range(len(_ANNEXES))]
        d.contents(entries)
        d.page_break()

    # 1

    def subject(self) -> None:
        d, f, c, p = self.d, self.f, self.consultation, self.procedure
        d.heading(self.section_title(1, self.lang), 1, anchor=self.anchor(1))
        rows = [(f.t(msg("Buyer")), f.text(c.buyer, 500)),
                (f.t(pmsg("deliverables.memo", "Subject")), f.text(c.title, 1000)),
                (f.t(msg("Reference")), f.text(c.reference, 200))]
        if p.lot:
            rows.append((f.t(msg("Lot")), f.text(p.lot, 500)))
        if c.contact:
            rows.append((f.t(msg("Contact")), f.text(c.contact, 300)))
        rows.append((f.t(msg("Questionnaire")),
                     f"{f.text(self.evaluation.questionnaire.bank.title.get(self.lang), 300)} "
                     f"({self.evaluation.questionnaire.bank.id} "
                     f"{self.evaluation.questionnaire.bank.version})"))
        d.key_values(rows)
        d.paragraph(f.t(
            "Le présent rapport présente l'analyse des offres reçues au regard des critères "
            "d'attribution et des pondérations publiés dans les documents de la consultation, "
            "le classement qui en résulte et la proposition d'attribution. Chaque note est "
            "justifiée par le contenu de l'offre ; le détail des réponses figure en annexe"
            + self.elsewhere() + ".",
            "This report analyses the offers received against the award criteria and weights "
            "published in the consultation documents, and gives the resulting ranking and "
            "the award proposal. Every score is justified by the content of the offer; the "
            "answers are detailed in the annexes" + self.elsewhere() + "."))

    # 2

    def procedure_section(self) -> None:
        d, f, p, ev = self.d, self.f, self.procedure, self.evaluation
        d.heading(self.section_title(2, self.lang), 1, anchor=self.anchor(2))
        deadline = p.deadline or self.consultation.deadline
        received = (tuple(r.file for r in p.register) or p.received
                    or tuple(i.file for i in ev.inputs))
        d.key_values([
            (f.t(pmsg("deliverables.memo", "Procedure")),
             f.text(p.procedure_type, 500) if p.procedure_type else f.t(msg("not stated"))),
            (f.t(msg("Publication date")), f.date(p.published)),
            (f.t(msg("Deadline for offers")), f.date(deadline)),
            (f.t(msg("Files received")), str(len(received) + len(
                [r for r in p.rejected if r.name not in received]))),
            (f.t(msg("Offers evaluated")),
             str(sum(1 for v in ev.vendors if v.status != "file-rejected"))),
        ])
        d.label(f.t(msg("Offers received")))
        files = {i.vendor: i.file for i in ev.inputs}
        d.table([f.t(msg("Offer")), f.t(msg("File")), f.t(msg("Outcome"))],
                [[f.name(v.vendor), f.text(files.get(v.vendor, ""), 200),
                  STATUSES[v.status].get(self.lang)] for v in ev.vendors],
                [5.5, 5.5, 6.0])
        if p.register:
            self._register(p)
        extra = [name for name in p.received if name not in files.values()]
        if extra and not p.register:
            d.paragraph(f.t(msg("Other files received: "))
                        + ", ".join(f.text(n, 200) for n in extra) + ".")
        rejected = [(f.text(r.name, 200), f.text(r.reason, BODY_LIMIT)) for r in p.rejected]
        rejected += [(f.name(v.vendor), " ".join(f.sentence(e.get(self.lang))
                                                  for e in v.file_errors))
                     for v in ev.vendors if v.status == "file-rejected"]
        d.label(f.t(msg("Files set aside before the analysis")))
        if rejected:
            d.table([f.t(pmsg("deliverables.memo", "File")), f.t(msg("Reason"))],
                    [list(r) for r in rejected], [5.0, 12.0])
        else:
            d.paragraph(f.t(msg("No file was set aside.")))
        if p.rounds:
            d.label(f.t(msg("Exchanges with bidders after opening")))
            d.bullets(f.text(line, BODY_LIMIT) for line in p.rounds)
        self._report_items()

    def _report_items(self) -> None:
        """What R2184-2 and R2184-3 ask the report to state, and what is missing."""
        d, f, p, ev = self.d, self.f, self.procedure, self.evaluation
        d.label(f.t(msg("Items of the report (French public procurement code, R2184-2 and "
                        "R2184-3)")))
        value = (f.money(p.estimated_value) + f.t(msg(" excluding VAT"))
                 if p.estimated_value is not None else f.t(msg("not given")))
        if p.estimated_value is not None and not (
                p.single_lot if p.single_lot is not None else not p.lot):
            value += f.t(msg(" (whole consultation)"))
        admitted = [f.name(v.vendor) for v in ev.vendors if v.status != "file-rejected"]
        excluded = len(p.rejected) + sum(1 for v in ev.vendors if v.status == "file-rejected")
        candidates = (f.t(msg("admitted to the evaluation: "))
                      + (", ".join(admitted) if admitted else f.t(pmsg(
                              "deliverables.memo", "none"))))
        candidates += "\n" + (f.t(msg("set aside: {excluded}, reasons above (files set aside "
                                      "before the analysis)", excluded=excluded))
                              if excluded else f.t(msg("set aside: none")))
        rows = [(f.t(msg("Estimated value")), value),
                (f.t(msg("Candidates admitted or set aside")),
                 candidates),
                (f.t(msg("Subcontracting declared")),
                 f.text(p.subcontracting, BODY_LIMIT) if p.subcontracting.strip()
                 else f.t(msg("none declared"))),
                (f.t(msg("Conflicts of interest (evaluators' declarations, article L2141-10)")),
                 "\n".join(f.text(x, BODY_LIMIT) for x in p.declarations)
                 if p.declarations else f.t(msg("no declaration recorded")))]
        warnings: list[str] = []
        single = p.single_lot if p.single_lot is not None else not p.lot
        if single:
            if p.no_lots_reason.strip():
                rows.append((f.t(msg("Why the contract is not divided into lots (L2113-11)")),
                             f.text(p.no_lots_reason, BODY_LIMIT)))
            else:
                warnings.append(f.t(
                    msg("The reason for not dividing the contract into lots is missing: lots are "
                        "the rule, and a buyer awarding a single contract states why (French "
                        "public procurement code, L2113-11). Fill in procedure.no_lots_reason in "
                        "campaign.yaml.")))
        if p.kind is not None and procedure_rules(p.kind).negotiation is not Negotiation.FORBIDDEN:
            rules = procedure_rules(p.kind)
            articles = ", ".join(a.removeprefix("CCP ") for a in rules.negotiation_articles)
            if p.negotiation_reason.strip():
                rows.append((f.t(msg("Why a negotiation took place ({articles})",
                                     articles=articles)),
                             f.text(p.negotiation_reason, BODY_LIMIT)))
            elif rules.negotiation is Negotiation.ALLOWED:
                warnings.append(f.t(
                    msg("The reason for negotiating is missing: the report must state it (French "
                        "public procurement code, R2184-3). Fill in procedure.negotiation_reason "
                        "in campaign.yaml.")))
            else:
                rows.append((f.t(msg("Negotiation ({articles})", articles=articles)),
                             f.t(msg("no negotiation declared"))))
        d.key_values(rows)
        for warning in warnings:
            d.paragraph(("b", f.t(msg("To complete: "))), warning)

    def _register(self, p: Procedure) -> None:
        """The deposit register: every offer received for this report, as opened."""
        d, f = self.d, self.f
        d.label(f.t(msg("Deposit register")))
        status = {"on-time": f.t(msg("on time")),
                  "late": f.t(msg("late (R2151-5)")),
                  "time-unknown": f.t(pmsg("deliverables.memo", "time unknown"))}
        rows = []
        for r in p.register:
            kind = (f.t(msg("base")) if r.variant == 0
                    else f.t(msg("variant {r_variant}", r_variant=r.variant)))
            when = (f.date(r.deposited.date()) + r.deposited.strftime(" %H:%M")
                    if r.deposited else "")
            bidder = f.name(r.bidder) + (f"\n{f.text(r.registration, 40)}"
                                         if r.registration else "")
            rows.append([r.offer, bidder, when, kind, status.get(r.status, r.status),
                         f.text(r.file, 200)])
        d.table([f.t(msg("No.")), f.t(msg("Bidder")), f.t(msg("Deposited")),
                 f.t(msg("Offer")), f.t(msg("Deadline")), f.t(msg("File"))],
                rows, [1.2, 4.2, 3.0, 2.0, 2.6, 4.0])

    # 3

    def criteria(self) -> None:
        d, f, v, q = self.d, self.f, self.view, self.evaluation.questionnaire
        d.heading(self.section_title(3, self.lang), 1, anchor=self.anchor(3))
        weights = q.weights
        rows = []
        for criterion in v.criteria:
            knockouts = sum(1 for question in criterion.questions if question.knockout)
            role = (f.t(msg("price (formula)")) if criterion.is_price
                    else f.t(msg("knock-out only"))
                    if v.points.get(criterion.id, 0.0) == 0 else "")
            rows.append([criterion.id, f.text(v.title(criterion), 300),
                         f.pct(weights[criterion.id], 1), f.pts(v.points[criterion.id]),
                         str(len(criterion.questions)), str(knockouts) if knockouts else "—",
                         role])
        rows.append(["", f.t(msg("Total")), f.pct(1.0, 1), f.pts(v.total_points),
                     str(sum(len(c.questions) for c in v.criteria)), "", ""])
        d.table([f.t(msg("Id")), f.t(msg("Criterion")), f.t(msg("Weight")),
                 f.t(msg("Points")), f.t(msg("Questions")),
                 f.t(msg("Knock-out")), f.t(msg("Note"))],
                rows, [1.5, 5.3, 1.8, 1.9, 2.3, 1.8, 2.4], align="llrrrrl",
                bold_rows=[len(rows) - 1])
        self._sub_criteria_weights()
        method = weighting_method(q.weighting.get("method", ""), self.lang)
        d.paragraph(f.t(msg("Weighting method recorded: ")),
                    f.text(method, 200) + ".")
        d.paragraph(f.text(aggregation_sentence(q).get(self.lang), BODY_LIMIT))
        for sentence in self.procedure.before_buying:
            d.paragraph(f.text(sentence, BODY_LIMIT))
        d.paragraph(f.t(msg("Fingerprint of the published questionnaire (SHA-256): ")),
                    ("b", q.fingerprint))
        d.paragraph(f.t(
            msg("The fingerprint covers the questions, options, scoring rules and weights as "
                "published: it shows that none of them changed after publication.")))
        for warning in q.warnings:
            d.paragraph(("i", warning.get(self.lang)))

    def _sub_criteria_weights(self) -> None:
        """The published sub-criteria and their weights, when a criterion has some."""
        d, f, v, q = self.d, self.f, self.view, self.evaluation.questionnaire
        published = sub_criterion_points(q, v.total_points)
        if not published:
            return
        d.paragraph(f.t(
            msg("Published sub-criteria, with their share of the criterion and their points: "
                "their weights, which may influence how offers are made, were published to the "
                "bidders (Conseil d'État, 18 June 2010, Commune de Saint-Pal-de-Mons, no. "
                "337377).")))
        rows = []
        for criterion in v.criteria:
            points = published.get(criterion.id)
            if points is None:
                continue
            whole = math.fsum(points.values())
            rows += [[criterion.id, sub.id, f.text(sub.title.get(self.lang), 300),
                      f.pct(points[sub.id] / whole if whole > 0 else 0.0, 1),
                      f.pts(points[sub.id])] for sub in criterion.sub_criteria]
        d.table([f.t(msg("Criterion")), f.t(msg("Id")),
                 f.t(msg("Sub-criterion")), f.t(msg("Share of the criterion")),
                 f.t(msg("Points"))], rows, [2.0, 2.0, 7.6, 3.0, 2.4], align="lllrr")

    def _sub_criteria_points(self, criterion: Criterion, ordered: list[VendorResult]) -> None:
        """Each offer's points on each sub-criterion of ``criterion``, if it has some."""
        d, f, v, q = self.d, self.f, self.view, self.evaluation.questionnaire
        published = sub_criterion_points(q, v.total_points).get(criterion.id)
        if published is None:
            return
        subs = criterion.sub_criteria
        width = 11.0 / len(subs)
        d.table([f.t(msg("Offer")), *(
            f"{sub.id} – {f.text(sub.title.get(self.lang), 80)} "
            + f.t(msg("out of {points}", points=f.pts(published[sub.id]))) for sub in subs)],
                [[f.name(r.vendor), *(f.pts(r.sub_criteria.get(sub.id, 0.0)) for sub in subs)]
                 for r in ordered], [6.0, *([width] * len(subs))],
                align="l" + "r" * len(subs))

    # 4

    def compliance(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(self.section_title(4, self.lang), 1, anchor=self.anchor(4))
        d.heading(f.t(msg("4.1 Non-compliant offers")), 2)
        failed = [r for r in ev.vendors if r.status == "non-compliant"]
        if not failed:
            d.paragraph(f.t(msg("No offer fails a published mandatory requirement.")))
        else:
            d.paragraph(f.t(
                "Les offres suivantes ne satisfont pas au moins une exigence éliminatoire "
                "publiée dans les documents de la consultation. Elles sont irrégulières et "
                "écartées du classement ; leurs réponses figurent en annexe B"
                + self.elsewhere() + ".",
                "The following offers fail at least one mandatory requirement published in "
                "the consultation documents. They are non-compliant and left out of the "
                "ranking; their answers are in annex B" + self.elsewhere() + "."))
            rows = [[f.name(r.vendor), k.question_id, knockout_answer(v, r.vendor, k),
                     knockout_rule(v, k), k.reason.get(self.lang)]
                    for r in failed for k in r.knockouts]
            d.table([f.t(msg("Offer")), f.t(msg("Question")),
                     f.t(msg("Answer")), f.t(msg("Rule")), f.t(msg("Reason"))],
                    rows, [3.0, 2.1, 3.0, 3.5, 5.4])
        d.heading(f.t(msg("4.2 Abnormally low offers")), 2)
        low = ev.low_offers
        if low is None:
            d.paragraph(f.t(msg("No price was scored: the check does not apply.")))
            return
        d.paragraph(f.sentence(low.summary.get(self.lang)))
        for vendor in low.flagged:
            d.bullets([f.sentence(low.explanations[vendor].get(self.lang))])
        d.paragraph(("i", f.t(
            msg("A presumed abnormally low offer is never excluded by a formula: the buyer asks "
                "the bidder in writing to explain and justify its price, and may only reject the "
                "offer after examining the answer (French public procurement code, L2152-5 and "
                "L2152-6)."))))
        if low.flagged:
            d.paragraph(f.t(msg("A written request for justification is to be sent to: ")),
                        ("b", ", ".join(f.name(x) for x in low.flagged)), ".")

    # 5

    def analysis(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(self.section_title(5, self.lang), 1, anchor=self.anchor(5))
        if self.details:
            d.paragraph(f.t(
                "Seules les offres régulières sont analysées. Pour chaque critère, le tableau "
                "donne les points de chaque offre ; les notes qui les justifient par le "
                "contenu de l'offre figurent à la même section du rapport propre au lot ("
                + self.details + ").",
                "Only compliant offers are analysed. For each criterion, the table gives each "
                "offer's points; the notes justifying them from the content of the offer are "
                "in the same section of the lot's own report (" + self.details + ")."))
        else:
            d.paragraph(f.t(
                msg("Only compliant offers are analysed. For each criterion, the table gives "
                    "each offer's points; the note below justifies them from the content of "
                    "the offer: its best and weakest answers (question id, answer, points "
                    "earned out of the points available, evidence cited), unanswered "
                    "questions and those declared not applicable, and the evaluators' "
                    "assessment of written answers.")))
        if ev.pending_reviews:
            d.paragraph(("b", f.t(
                nmsg("Warning: {n} written answer has not been scored by the evaluators yet; "
                     "it counts 0 points and the scores are provisional.",
                     "Warning: {n} written answers have not been scored by the evaluators yet; "
                     "they count 0 points and the scores are provisional.",
                     len(ev.pending_reviews)))))
        if ev.divergences:
            d.paragraph(f.t(nmsg(
                "The evaluators diverged beyond the set threshold on {n} answer; it is listed "
                "in annex C{elsewhere}.", "The evaluators diverged beyond the set threshold on "
                "{n} answers; they are listed in annex C{elsewhere}.", len(ev.divergences),
                elsewhere=self.elsewhere())))
        if not v.ranking:
            d.paragraph(f.t(msg("No offer is compliant: there is no offer to analyse.")))
            return
        for index, criterion in enumerate(v.weighted, start=1):
            available = v.points[criterion.id]
            d.heading(f"5.{index} {criterion.id} – {f.text(v.title(criterion), 200)}", 2)
            d.paragraph(("i", f.t(nmsg(
                "Weight {weight}, i.e. {points} points; {n} question.",
                "Weight {weight}, i.e. {points} points; {n} questions.",
                len(criterion.questions),
                weight=f.pct(ev.questionnaire.weights[criterion.id], 1),
                points=f.pts(available)))))
            ordered = sorted(v.ranking, key=lambda r: (-r.criteria.get(criterion.id, 0.0),
                                                       r.vendor))
            d.table([f.t(msg("Offer")),
                     f.t(msg("Points out of {f_pts_available}", f_pts_available=f.pts(available))),
                     f.t(msg("Share of the points"))],
                    [[f.name(r.vendor), f.pts(r.criteria.get(criterion.id, 0.0)),
                      f.pct(r.criteria.get(criterion.id, 0.0) / available)]
                     for r in ordered], [10.0, 3.5, 3.5], align="lrr")
            self._sub_criteria_points(criterion, ordered)
            if self.details:
                continue
            for result in ordered:
                head, *body = _note(v, result, criterion)
                d.paragraph(*head, style="Note Head")
                for parts in body:
                    d.paragraph(*parts, style="Note")

    # 6

    def price(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(self.section_title(6, self.lang), 1, anchor=self.anchor(6))
        if v.price_criterion is None:
            d.paragraph(f.t(msg("The consultation has no price criterion.")))
            return
        price = ev.price
        d.paragraph(f.t(msg("Criterion ")), ("b", f.text(v.title(v.price_criterion), 200)),
                    f.t(msg(": {points} points.", points=f.pts(v.points[v.price_criterion.id]))))
        if price is None:
            d.paragraph(f.t(msg("No compliant offer has a price: the price criterion was not "
                                "scored.")))
            return
        d.paragraph(("b", f.t(msg("Method: "))), f.sentence(price.formula.get(self.lang)))
        if price.special_case is not None:
            d.paragraph(("i", price.special_case.get(self.lang) + "."))
        d.paragraph(f.t(
            msg("Lowest price: {f_money_price_pmin}; highest price: {f_money_price_pmax}; mean: "
                "{f_money_price_mean}.", f_money_price_pmin=f.money(price.pmin),
                f_money_price_pmax=f.money(price.pmax), f_money_price_mean=f.money(price.mean))))
        ordered = sorted(price.points, key=lambda x: (price.prices[x], x))
        d.table([f.t(msg("Offer")), f.t(msg("Price (total cost)")),
                 f.t(msg("Points")), f.t(msg("Computation"))],
                [[f.name(x), f.money(price.prices[x]), f.pts(price.points[x]),
                  _formula(f.sentence(price.explain(x).get(self.lang)))] for x in ordered],
                [4.2, 3.2, 1.8, 7.8], align="lrrl")
        # A pure DQE has no one-off or yearly part: its detail follows.
        costs = [r for r in v.ranking if r.cost is not None and r.cost.lines]
        if costs:
            d.label(f.t(msg("Total cost of ownership over the contract")))
            d.table([f.t(msg("Offer")), f.t(msg("One-off costs")),
                     f.t(msg("Yearly costs")), f.t(msg("Years")),
                     f.t(msg("Total cost"))],
                    [[f.name(r.vendor), f.money(r.cost.one_off), f.money(r.cost.yearly),
                      str(r.cost.years), _formula(f.sentence(r.cost.explain().get(self.lang)))]
                     for r in costs if r.cost is not None],
                    [3.8, 2.8, 2.8, 1.6, 6.0], align="lrrrl")
        self._dqe_detail()
        unpriced = [r for r in ev.vendors if r.status == "non-compliant"]
        if unpriced:
            d.paragraph(f.t(msg("The prices of non-compliant offers are not scored.")))
        self._budget()

    def _dqe_detail(self) -> None:
        """The DQE: the published quantities, then each offer's lines (price section)."""
        d, f, v, ev, lang = self.d, self.f, self.view, self.evaluation, self.lang
        assert v.price_criterion is not None
        spec = next((q.answer for q in v.price_criterion.questions
                     if isinstance(q.answer, Price)), None)
        if spec is None or not spec.dqe:
            return
        d.label(f.t(msg("Detailed quantity estimate (DQE)")))
        d.paragraph(f.t(
            "Le prix comparé est la somme, poste par poste, de la quantité fixée par "
            "l'acheteur et publiée avec le questionnaire, multipliée par le prix unitaire "
            "de l'offre" + (", plus le forfait." if spec.items else "."),
            "The compared price is the sum, item by item, of the quantity the buyer set and "
            "published with the questionnaire, times the offer's unit price"
            + (", plus the lump sum." if spec.items else ".")))
        d.table([f.t(msg("Item")), f.t(msg("Description")),
                 f.t(msg("Unit")), f.t(msg("Quantity"))],
                [[x.id, f.text(x.label.get(lang), 200), f.text(x.unit.get(lang), 60),
                  _quantity(f, x.quantity)] for x in spec.dqe], [1.6, 9.0, 3.4, 3.0],
                align="lllr")
        shown = [r for r in ev.vendors if r.cost is not None and r.cost.dqe
                 and r.status in ("ranked", "unacceptable")]
        rows = []
        for r in sorted(shown, key=lambda x: (x.rank is None, x.rank or 0, x.vendor)):
            assert r.cost is not None
            for line in r.cost.dqe:
                rows.append([f.name(r.vendor), line.item,
                             f"{_quantity(f, float(line.quantity))} × "
                             f"{f.money(float(line.unit_price))}",
                             f.money(float(line.total))])
            rows.append([f.name(r.vendor), f.t(msg("Total")),
                         f.sentence(r.cost.explain().get(lang)), f.money(r.cost.total)])
        if rows:
            d.table([f.t(msg("Offer")), f.t(msg("Item")),
                     f.t(msg("Quantity × unit price")),
                     f.t(msg("Line total"))], rows, [4.0, 1.6, 8.0, 3.4],
                    align="lllr")

    def _budget(self) -> None:
        """The budget, and the offers found unacceptable (L2152-3), with what follows."""
        d, f, ev, lang = self.d, self.f, self.evaluation, self.lang
        check = ev.budget
        if check is None:
            return
        d.label(f.t(msg("Budget and unacceptable offers")))
        if check.budget.source.strip():
            d.paragraph(f.t(msg("Budget set by: ")),
                        f.text(check.budget.source, 300))
        d.paragraph(f.sentence(check.summary.get(lang)))
        for vendor in check.over:
            d.bullets([f.sentence(check.explanations[vendor].get(lang))])

    # 7

    def ranking(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(self.section_title(7, self.lang), 1, anchor=self.anchor(7))
        if not v.ranking:
            d.paragraph(f.t(msg("No offer is ranked.")))
        else:
            top = v.ranking[0].total
            price_max = v.points.get(v.price_criterion.id, 0.0) if v.price_criterion else 0.0
            split = v.price_criterion is not None
            rows = []
            for r in v.ranking:
                rows.append([str(r.rank), f.name(r.vendor),
                             *([f.pts(v.technical(r)), f.pts(v.price_points(r))] if split
                               else []),
                             f.pts(r.total),
                             "—" if r.rank == 1 else "−" + f.pts(top - r.total),
                             v.flags(x for x in r.flags if x != "evaluator-divergence")])
            parts = [f.t(msg("Technical /{f_n_v_total_points_price_max_0}",
                             f_n_v_total_points_price_max_0=f.n(v.total_points - price_max, 0))),
                     f.t(msg("Price /{f_n_price_max_0}", f_n_price_max_0=f.n(price_max, 0)))]
            d.table([f.t(msg("Rank")), f.t(msg("Offer")), *(parts if split else []),
                     f"Total /{f.n(v.total_points, 0)}", f.t(msg("Gap")),
                     f.t(msg("Remarks"))],
                    rows, [1.3, 3.8, 2.2, 1.6, 1.8, 1.7, 4.6] if split
                    else [1.3, 5.5, 2.0, 2.0, 6.2], align="clrrrrl" if split else "clrrl")
        unranked = [r for r in ev.vendors if r.rank is None]
        if unranked:
            d.label(f.t(msg("Offers not ranked")))
            d.table([f.t(msg("Offer")), f.t(msg("Reason"))],
                    [[f.name(r.vendor), self._unranked_reason(r)] for r in unranked],
                    [5.0, 12.0])
        if self.details:
            return  # the charts are in the lot's own report
        for number, figure in enumerate(charts(v), start=1):
            figure.put(d, f"Figure {number} – {figure.caption}")

    def _unranked_reason(self, result: VendorResult) -> str:
        f = self.f
        status = STATUSES[result.status].get(self.lang)
        if result.knockouts:
            return status + f.colon + ", ".join(k.question_id for k in result.knockouts) + (
                f.t(msg(" (section 4.1)")))
        if result.file_errors:
            return status + f.colon + f.sentence(result.file_errors[0].get(self.lang)) + (
                f.t(msg(" (section 2)")))
        return status

    # 8

    def robustness_section(self) -> None:
        d, f = self.d, self.f
        d.heading(self.section_title(8, self.lang), 1, anchor=self.anchor(8))
        rb = self.robustness
        if rb is None:
            d.paragraph(f.t(msg("The robustness analysis was not attached to this report.")))
            return
        # A rejected bidder may obtain this report: the findings stay in the internal
        # annex (deliverables/robustness_annex.py); the report says the checks were run.
        d.paragraph(f.t(
            msg("The soundness of the ranking was checked: gap between the leading offers, "
                "weights varied, other price scoring methods, one offer removed, each evaluator "
                "left out. These internal checks are in a separate annex, which is not part of "
                "this report.")))

    # 9

    def award(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(self.section_title(9, self.lang), 1, anchor=self.anchor(9))
        if self.procedure.draft:
            d.paragraph(("b", f.t(
                msg("Draft evaluation, not final: no award is proposed and no letter to bidders "
                    "is prepared until every evaluator's scores are in."))))
            return
        if self.procedure.draft_reason:
            d.paragraph(("b", f.t(msg("Draft: no award is proposed at this stage. "))),
                        f.sentence(f.text(self.procedure.draft_reason, BODY_LIMIT)))
            return
        if not v.ranking:
            d.paragraph(("b", f.t(msg("No offer is ranked: it is proposed to declare the "
                                      "procedure unsuccessful."))))
            d.paragraph(f.t(msg("Reason: ")) + self._unsuccessful_reason())
            return
        if v.tied_first or v.winner is None:
            tied = [f.name(r.vendor) for r in v.ranking if r.rank == 1]
            d.paragraph(("b", f.t("Les offres " + ", ".join(tied) + " sont à égalité en tête.",
                                  "Offers " + ", ".join(tied) + " are tied first.")))
            d.paragraph(f.t(
                msg("No award is proposed automatically: the buyer must separate these offers as "
                    "provided by the consultation documents.")))
            return
        winner = v.winner
        note = self.procedure.award_note
        if note:
            # A cap on the lots one bidder may win (R2113-1) moved the lot: the ranking
            # stands, the proposal is the one the note gives.
            d.paragraph(f.t(msg("The offer ranked first, ")),
                        ("b", f.name(winner.vendor)),
                        f.t(msg(", has {f_pts_winner_total} points out of {f_n_v_total_points_0}.",
                                f_pts_winner_total=f.pts(winner.total),
                                f_n_v_total_points_0=f.n(v.total_points, 0))))
            d.paragraph(("b", f.sentence(note)))
        else:
            d.paragraph(f.t(msg("It is proposed to award the contract to ")),
                        ("b", f.name(winner.vendor)),
                        f.t(msg(", whose compliant offer is ranked first with "
                                "{f_pts_winner_total} points out of {f_n_v_total_points_0}.",
                                f_pts_winner_total=f.pts(winner.total),
                                f_n_v_total_points_0=f.n(v.total_points, 0))))
        if len(v.ranking) > 1:
            second = v.ranking[1]
            d.paragraph(f.t(msg(
                    "The next offer, {f_name_second_vendor}, has {f_pts_second_total} points "
                    "(gap: {f_pts_winner_total_second_total} points).",
                    f_name_second_vendor=f.name(second.vendor),
                    f_pts_second_total=f.pts(second.total),
                    f_pts_winner_total_second_total=f.pts(winner.total - second.total))))
        reservations = []
        if "abnormally-low" in winner.flags:
            reservations.append(f.t(
                msg("the price looks abnormally low: the proposal depends on the written "
                    "justification requested (section 4.2)")))
        if ev.pending_reviews:
            reservations.append(f.t(msg("some answers still await the evaluators' scores "
                                        "(section 5)")))
        if reservations:
            d.label(f.t(msg("Reservations: ")))
            d.bullets(reservations)

    def _unsuccessful_reason(self) -> str:
        f, ev, p = self.f, self.evaluation, self.procedure
        non_compliant = sum(1 for r in ev.vendors if r.status == "non-compliant")
        rejected = sum(1 for r in ev.vendors if r.status == "file-rejected") + len(p.rejected)
        if not ev.vendors:
            return f.t(msg("no offer was received or evaluated."))
        parts = []
        if non_compliant:
            parts.append(f.t(nmsg("{n} non-compliant offer (section 4)",
                                  "{n} non-compliant offers (section 4)", non_compliant)))
        if rejected:
            parts.append(f.t(nmsg("{n} file set aside before the analysis (section 2)",
                                  "{n} files set aside before the analysis (section 2)",
                                  rejected)))
        return f.t(msg("no compliant offer: ")) + ", ".join(parts) + "."

    # 10

    def signatures(self) -> None:
        d, f, p = self.d, self.f, self.procedure
        d.heading(self.section_title(10, self.lang), 1, anchor=self.anchor(10))
        if p.missing:
            keys = ", ".join(f.text(key, 80) for key in p.missing)
            d.paragraph(("b", f.t(
                msg("DRAFT – DO NOT SIGN: to be completed in campaign.yaml ({keys}), then "
                    "produce this report again.", keys=keys))), keep_with_next=True)
        place = f.text(p.place, 200) if p.place else "………………"
        # The heading, this line and the table stay on one page: a signature table never
        # sits alone at the top of a page.
        d.paragraph(f.t(msg("Done at {place}, on {f_date_generated}.", place=place,
                            f_date_generated=f.date(self.generated))), keep_with_next=True)
        people = [(f.text(s.name, 200), f.text(s.role, 200)) for s in p.signatories] or [
            ("", ""), ("", "")]
        d.table([f.t(msg("Name")), f.t(msg("Role")), "Signature"],
                [[name, role, ""] for name, role in people], [5.0, 5.5, 6.5], row_height=2.2,
                keep_together=True)

    # annexes

    def annex_questions(self) -> None:
        d, f, v = self.d, self.f, self.view
        d.heading(self.annex_title(0, self.lang), 1, anchor=self.anchor("ABC"[0]))
        for criterion in v.criteria:
            d.label(f"{criterion.id} – {f.text(v.title(criterion), 200)}")
            rows = []
            for question in criterion.questions:
                note = []
                if question.knockout is not None:
                    note.append(f.t(msg("knock-out")))
                if question.na_allowed:
                    note.append(f.t(msg("N/A allowed")))
                if question.evidence.value == "required":
                    note.append(f.t(msg("evidence required")))
                rows.append([question.id, f.text(question.text.get(self.lang), 400),
                             _rule(question, self.lang), f.n(question.weight, 1),
                             ", ".join(note)])
            d.table([f.t(msg("Id")), f.t(msg("Question")),
                     f.t(msg("Scoring rule")), f.t(msg("Weight")),
                     f.t(pmsg("deliverables.memo", "Notes"))],
                    rows, [1.8, 6.1, 4.9, 1.5, 2.7], align="lllrl")

    def annex_answers(self) -> None:
        d, f, v, ev = self.d, self.f, self.view, self.evaluation
        d.heading(self.annex_title(1, self.lang), 1, anchor=self.anchor("ABC"[1]))
        shown = [r for r in [*v.ranking, *(x for x in ev.vendors if x.status == "non-compliant")]]
        if not shown:
            d.paragraph(f.t(msg("No answer was scored.")))
            return
        d.paragraph(f.t(
            msg("For each offer, each scored question: the answer (cut beyond "
                "{f_n_ANNEX_LIMIT_0} characters), the points earned out of the points available, "
                "the justification and evidence cited, and where the score came from.",
                f_n_ANNEX_LIMIT_0=f.n(ANNEX_LIMIT, 0))))
        # What the rows repeat, looked up once: the annex has a row per answer (90 000 in
        # the two memos of 300 offers).
        evidence, not_counted = f.t(msg("Evidence: ")), f.t(msg("not counted"))
        sources = {key: x.get(self.lang) for key, x in SOURCES.items()}
        states = {key: x.get(self.lang) for key, x in STATES.items()}
        flags: dict[str, str] = {}
        for index, result in enumerate(shown, start=1):
            status = STATUSES[result.status].get(self.lang)
            d.heading(f"B.{index} {f.name(result.vendor, _HEADING_NAME_LIMIT)}", 2)
            d.paragraph(("i", f.t(msg("{status} – total {total} / {available}", status=status,
                                      total=f.pts(result.total),
                                      available=f.n(v.total_points, 0)))))
            rows = []
            for line in v.lines.get(result.vendor, ()):
                justification = f.text(line.justification, ANNEX_LIMIT)
                if line.evidence.strip():
                    justification += (("\n" if justification else "") + evidence
                                      + f.text(line.evidence, 500))
                remarks = [sources[line.source]]
                if line.state is not AnswerState.ANSWERED:
                    remarks.append(states[line.state.value])
                for flag in line.flags:
                    if flag not in flags:
                        flags[flag] = f.sentence(flag_label(flag, self.lang))
                    remarks.append(flags[flag])
                points = (f"{f.pts(line.points)}\u00a0/\u00a0{f.pts(line.max_points)}"
                          if line.counted else not_counted)
                rows.append([line.question_id, v.answer(line, ANNEX_LIMIT), points,
                             justification, f.sep.join(dict.fromkeys(remarks))])
            d.table([f.t(msg("Question")), f.t(msg("Answer")),
                     f.t(msg("Points")), f.t(msg("Justification and evidence")),
                     f.t(msg("Source, remarks"))],
                    rows, [2.1, 5.7, 2.3, 4.5, 2.4], align="llrll")

    def annex_audit(self) -> None:
        from ai_procurement import __version__

        d, f, ev, p = self.d, self.f, self.evaluation, self.procedure
        q = ev.questionnaire
        d.heading(self.annex_title(2, self.lang), 1, anchor=self.anchor("ABC"[2]))
        rows = [("ai_procurement", __version__),
                (f.t(msg("Report date")), f.date(self.generated)),
                (f.t(msg("Questionnaire fingerprint")), q.fingerprint),
                (f.t(msg("Question bank")), f"{q.bank.id} {q.bank.version}")]
        rows += _weighting_rows(q.weighting, f)
        rows += [(_label(SETTING_LABELS, name, self.lang), _setting(name, value, f))
                 for name, value in attrs.asdict(ev.settings).items()]
        if ev.low_offers is not None:
            rows += [(_label(LOW_OFFER_PARAMETER_LABELS, k, self.lang), _plain(x, f))
                     for k, x in ev.low_offers.parameters.items()]
        if self.robustness is not None:
            rows += [(_label(ROBUSTNESS_PARAMETER_LABELS, k, self.lang), _setting(k, value, f))
                     for k, value in sorted(self.robustness.parameters.items())]
        d.label(f.t(msg("Parameters of the evaluation")))
        d.table([f.t(msg("Parameter")), f.t(msg("Value"))], rows, [7.0, 10.0],
                bold_first_column=True)
        d.label(f.t(msg("Files read")))
        if ev.inputs:
            d.table([f.t(msg("Offer")), f.t(msg("File")), "SHA-256"],
                    [[f.name(i.vendor), f.text(i.file, 300), i.sha256 or "—"]
                     for i in ev.inputs], [3.5, 4.5, 9.0])
        else:
            d.paragraph(f.t(msg("No file recorded.")))
        evaluators = sorted({s.evaluator for s in ev.evaluator_scores})
        if evaluators:
            d.paragraph(f.t(msg("Evaluators: "))
                        + ", ".join(f.text(e, 200) for e in evaluators) + f.t(nmsg(
                            "; {n} score; consensus by {consensus}.",
                            "; {n} scores; consensus by {consensus}.",
                            len(ev.evaluator_scores),
                            consensus=_setting_value("consensus", ev.settings.consensus, f))))
        if ev.overrides:
            d.label(f.t(msg("Reasoned overrides")))
            d.table([f.t(msg("Offer")), f.t(msg("Question")),
                     f.t(msg("Decision")), f.t(msg("Rationale")),
                     f.t(msg("By"))],
                    [[f.name(o.vendor), o.question_id,
                      (f.t(msg("level ")) + str(o.level)) if o.level is not None
                      else f.t(msg("fraction ")) + f.n(o.fraction or 0.0, 2),
                      f.text(o.rationale, ANNEX_LIMIT), f.text(o.by, 200)]
                     for o in ev.overrides], [3.0, 1.8, 2.2, 7.5, 2.5])
        if ev.divergences:
            d.label(f.t(msg("Evaluator divergences")))
            d.table([f.t(msg("Offer")), f.t(msg("Question")),
                     f.t(msg("Levels")), f.t(msg("Spread"))],
                    [[f.name(x.vendor), x.question_id,
                      ", ".join(f"{f.text(k, 100)}{f.colon}{lv}"
                                for k, lv in sorted(x.levels.items())),
                      f.pct(x.spread)] for x in ev.divergences], [4.0, 2.0, 8.5, 2.5],
                    align="lllr")
        if ev.pending_reviews:
            pending = ", ".join(f"{f.name(vendor)} {qid}" for vendor, qid in ev.pending_reviews)
            d.paragraph(f.t(msg("Answers awaiting review: "))
                        + pending + ".")
        d.label(f.t(msg("Procedure log")))
        if p.audit_trail:
            d.bullets(f.text(line, ANNEX_LIMIT) for line in p.audit_trail)
        else:
            d.paragraph(f.t(msg("No entry given.")))



def _formula(text: str) -> str:
    """A computation that wraps only before an operator, never after ("41 000 +" / "4 × ...").

    The space after each operator and before the euro sign becomes a no-break space, so a
    narrow column starts its next line with the operator, as a printed formula does.
    """
    return re.sub(r"([+×=≈/−]) ", "\\1\u00a0", text).replace(" €", "\u00a0€")


def _rule(question: Question, lang: Lang) -> str:
    from ai_procurement.decision.scoring import describe_rule

    try:
        return describe_rule(question).get(lang)
    except (AttributeError, TypeError, ValueError):
        return ""


def _label(labels: Mapping[str, Text], key: str, lang: Lang) -> str:
    """A parameter's label with its code name (``Méthode ... (price_method)``)."""
    label = labels.get(key)
    return f"{label.get(lang)} ({key})" if label is not None else key


def _setting_value(name: str, value: object, f: Formatter) -> str:
    """A setting's value in words where it has a name, else as :func:`_plain` shows it."""
    names = SETTING_VALUE_NAMES.get(name, {})
    if isinstance(value, str) and value in names:
        return names[value].get(f.lang)
    return _plain(value, f)


def _setting(name: str, value: object, f: Formatter) -> str:
    """A setting's value in words, with its code when it has one (``median (median)``).

    The codes are English words: a French report shows the words alone.
    """
    shown = _setting_value(name, value, f)
    if f.lang == "en" and isinstance(value, str) and value in SETTING_VALUE_NAMES.get(name, {}):
        return f"{shown} ({value})"
    return shown


def _weighting_rows(weighting: Mapping[str, object], f: Formatter) -> list[tuple[str, str]]:
    """The recorded weighting as label-value rows: its method, then each parameter."""
    rows = [(f.t(msg("Weighting method")),
             weighting_method(weighting.get("method", "—"), f.lang))]
    parameters = weighting.get("parameters")
    if isinstance(parameters, Mapping):
        rows += [(f.t(msg("Weighting: {key}", key=key)), _plain(value, f))
                 for key, value in sorted(parameters.items(), key=lambda kv: str(kv[0]))]
    rows += [(f.t(msg("Weighting: {key}", key=key)), _plain(value, f))
             for key, value in sorted(weighting.items(), key=lambda kv: str(kv[0]))
             if key not in ("method", "parameters")]
    return rows


def _plain(value: object, f: Formatter, limit: int = 500) -> str:
    """A setting or parameter as a reader writes it: decimal comma in French, no exponent."""
    if isinstance(value, bool):
        return f.t(msg("yes")) if value else f.t(msg("no"))
    if value is None:
        return "—"
    if isinstance(value, int):
        # Grouped from five digits ("20 000" draws), as typography wants; a seed of 2026
        # or a year stays as it is.
        return f.n(value, 0) if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        # 1e-09 as 0,000000001 and 5e+06 as 5000000: "e+06" reads as a stray "+".
        shown = format(decimal.Decimal(repr(value)).normalize(), "f")
        return shown.replace(".", ",") if f.lang == "fr" else shown
    if isinstance(value, Mapping):
        inner = f.sep.join(f"{k}{f.colon}{_plain(v, f, limit)}" for k, v in value.items())
        return f.text(inner, limit) if inner else "—"
    if isinstance(value, list | tuple):
        return f.text(", ".join(_plain(v, f, limit) for v in value), limit)
    return f.text(str(value), limit)


def write_memo(evaluation: Evaluation, path: str | os.PathLike[str], *, lang: Lang = "fr",
               robustness: Robustness | None = None, generated: dt.date | None = None,
               procedure: Procedure | None = None, overwrite: bool = False) -> Path:
    """Write the analysis report (rapport d'analyse des offres) of ``evaluation``.

    The sections follow the French report: subject and buyer; procedure; published
    criteria and weights with the questionnaire fingerprint; compliance (knock-outs,
    abnormally low offers); analysis criterion by criterion with justified notes; price;
    ranking with charts; robustness (one sentence saying the checks were run: an
    unsuccessful bidder may obtain the report, so the findings go to the internal annex of
    :func:`~ai_procurement.deliverables.robustness_annex.write_robustness_annex`); award
    proposal (or the procedure declared unsuccessful); signatures; annexes (questions,
    answers per offer, audit trail).

    Args:
        evaluation: the scored offers.
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``; every text and number follows it.
        robustness: the robustness checks of ``evaluation``; the report says they were
            run and names their parameters, never their findings. None says in the
            report that they were not attached.
        generated: the report date (also the document's creation date); None is today.
            The same evaluation and date give byte-identical files.
        procedure: procedure facts the evaluation does not hold (type, dates, files set
            aside, audit lines, signatories); None leaves them blank.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
        ScoringError: ``lang`` is not ``"fr"`` or ``"en"``.
    """
    language = check_lang(lang)
    target = check_output(path, overwrite)
    memo = _Memo(evaluation, language, robustness, generated or dt.date.today(),
                 procedure or Procedure())
    data = memo.build()
    from ai_procurement._office.files import write_atomic

    write_atomic(target, data, overwrite=overwrite)
    return target



def write_report(lots: Sequence[tuple[str, Evaluation, Robustness | None, Procedure]],
                 path: str | os.PathLike[str], *, consultation: Consultation,
                 lang: Lang = "fr", generated: dt.date | None = None,
                 overwrite: bool = False, details: Sequence[str] | None = None) -> Path:
    """Write one analysis report covering every lot of a consultation, a section per lot.

    Each lot's part has the sections of :func:`write_memo` (procedure, criteria,
    compliance, analysis, price, ranking, award proposal, annexes), titled with the lot;
    the report opens with the consultation and its contents, and ends with one
    signature block.

    With ``details`` (each lot's own report, written by :func:`write_memo` and signed
    with this one), a lot's part keeps what the analysis report form asks: procedure,
    offers received, admitted and excluded with the reasons, criteria and weights, points
    per criterion, ranking and award proposal; it names the lot's own report for the
    notes justifying the points, the charts and the annexes (every answer, audit trail).
    The report then stays small whatever the number of lots and offers.

    Args:
        lots: per lot, in order: its label ("Lot 1 : Tri du courrier"), evaluation,
            robustness checks and procedure facts.
        path: the ``.docx`` file to write.
        consultation: the consultation as a whole (reference, title, buyer).
        lang: ``"fr"`` or ``"en"``.
        generated: the report date; None is today.
        overwrite: replace an existing file.
        details: per lot, in the order of ``lots``, where its own report is, as the text
            names it (``lot-1/memo-fr.docx``); None puts every lot's notes, charts and
            annexes in this report.

    Returns:
        The path written.

    Raises:
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
        ScoringError: ``lang`` is not ``"fr"`` or ``"en"``, no lot is given, or
            ``details`` does not name one report per lot.
    """
    language = check_lang(lang)
    target = check_output(path, overwrite)
    if not lots:
        raise ScoringError("a report covers at least one lot")
    if details is not None and len(details) != len(lots):
        raise ScoringError("a report names one detailed report per lot")
    day = generated or dt.date.today()
    _, first, first_robustness, first_procedure = lots[0]
    opening = _Memo(first, language, first_robustness, day, first_procedure)
    d, f = opening.d, opening.f
    d.heading(f.t(msg("Tender evaluation report")), 0)
    d.paragraph(("b", f.text(consultation.title, 300)))
    colon = " : " if language == "fr" else ": "
    d.paragraph(f.t(msg("Buyer")) + colon + f.text(consultation.buyer, 300))
    d.paragraph(f.t(msg("Reference")) + colon + f.text(consultation.reference, 200))
    d.paragraph(f.t(msg("Lots")) + colon
                + " ; ".join(f.text(label, 200) for label, _, _, _ in lots))
    d.paragraph(f.t(msg("Report dated ")) + f.date(day))
    draft = f.t(msg("DRAFT – ")) if first_procedure.missing else ""
    report = f.t(pmsg("memo footer", "Tender evaluation report"))
    d.footer(f"{draft}{report} {f.text(consultation.reference, 60)}")
    d.gap()
    d.label(f.t(msg("Contents")))
    parts = []
    for index, (label, evaluation, robustness, procedure) in enumerate(lots, start=1):
        parts.append((label, _Memo(evaluation, language, robustness, day, procedure,
                                   document=d, lot_prefix=f"{label.split(':')[0].strip()} – ",
                                   lot_key=f"L{index}_",
                                   details=details[index - 1] if details else "")))
    entries = []
    for label, part in parts:
        entries.append((f.text(label, 200), part.anchor("lot")))
        entries += [(part.section_title(i, language), part.anchor(i))
                    for i in range(1, len(_SECTIONS)) if i != 10]
        entries += [] if part.details else [
            (part.annex_title(i, language), part.anchor("ABC"[i]))
            for i in range(len(_ANNEXES))]
    entries.append((_section_title(10, language), _anchor(10)))
    d.contents(entries)
    d.page_break()
    for label, part in parts:
        d.heading(f.text(label, 200), 1, anchor=part.anchor("lot"))
        part.lot_body()
    opening.signatures()
    from ai_procurement._office.files import write_atomic

    write_atomic(target, d.save(day), overwrite=overwrite)
    return target


def _quantity(f: Any, value: float) -> str:
    """A buyer-set quantity: whole numbers without decimals."""
    return str(f.n(value, 0 if float(value).is_integer() else 2))
