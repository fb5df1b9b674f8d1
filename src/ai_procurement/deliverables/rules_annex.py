"""The annex to the consultation rules (RC): the award rules exactly as they will be applied.

French public procurement requires the award criteria and how they are applied to be
stated in the consultation documents (code de la commande publique, R2152-11), with
their weights (R2152-12), and sub-criteria weights that could influence the offers.
This module writes that text from the same frozen questionnaires and scoring settings
the evaluation uses, so the published rules and the scoring cannot differ: every weight
and every point shown is computed here by the expressions of
:func:`ai_procurement.decision.scoring.evaluate`, the price formulas and their undefined
cases are those of :mod:`ai_procurement.decision.price`, and each lot's questionnaire
fingerprint (SHA-256) ties the published text to the scoring.

The document is built with python-docx's public API; its dates and zip timestamps are
fixed, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from ai_procurement._office.files import normalise_zip
from ai_procurement.bank.model import (
    AllOf,
    AnyOf,
    Applicability,
    Condition,
    Criterion,
    Evidence,
    MultipleChoice,
    Number,
    Price,
    Question,
    SingleChoice,
    YesNo,
    effective_condition,
)
from ai_procurement.decision.price import abnormally_low
from ai_procurement.decision.scoring import Settings, describe_rule, question_shares
from ai_procurement.deliverables.labels import (
    LOW_OFFER_METHOD_NAMES,
    PRICE_METHOD_NAMES,
    RECURRENCES,
    SETTING_LABELS,
    clean_text,
    number,
    percent,
)
from ai_procurement.errors import OutputExistsError, QuestionnaireError
from ai_procurement.questionnaire import (
    Questionnaire,
    aggregation_sentence,
    sub_criterion_points,
)
from ai_procurement.text import Lang, Text, msg, nmsg, pmsg

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

__all__ = ["AwardRules", "LotRules", "rules_annex_bytes", "write_rules_annex"]

_DOC_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
# abnormally_low() flags nothing below this many offers (a mean says little then).
_MIN_OFFERS_FOR_LOW_CHECK = 3


@attrs.frozen
class LotRules:
    """One lot of the consultation: its frozen questionnaire and its scoring settings.

    Attributes:
        lot_id: the lot's number or code as published ("1", "2"...).
        title: the lot's title ("Assistant courrier").
        questionnaire: the frozen questionnaire the lot's offers answer.
        settings: the scoring settings the lot's offers will be evaluated with.
    """

    lot_id: str
    title: str
    questionnaire: Questionnaire
    settings: Settings

    def __attrs_post_init__(self) -> None:
        if not self.lot_id.strip():
            raise QuestionnaireError("a lot needs an id (\"1\", \"2\"...); got an empty one")
        if not self.title.strip():
            raise QuestionnaireError(f"lot {self.lot_id!r}: a lot needs a title")


@attrs.frozen
class AwardRules:
    """Consultation-wide facts the RC states, beyond each lot's questionnaire.

    Attributes:
        mode: ``"open"`` (anyone may bid; the documents are on the buyer profile) or
            ``"invited"`` (restricted procedure or MAPA without publicity: only the
            operators invited receive the documents).
        variants_allowed: whether bidders may submit variants.
        max_lots_per_bidder: the most lots one bidder may be awarded (R2113-1); None
            for no cap.
        lot_cap_rule: the objective rule deciding which lots a bidder gets when it
            would win more than the cap; required with a cap.
    """

    mode: Literal["open", "invited"]
    variants_allowed: bool
    max_lots_per_bidder: int | None = None
    lot_cap_rule: str = ""

    def __attrs_post_init__(self) -> None:
        if self.mode not in ("open", "invited"):
            raise QuestionnaireError(f"mode: expected 'open' or 'invited', got {self.mode!r}")
        cap = self.max_lots_per_bidder
        if cap is not None:
            if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
                raise QuestionnaireError(f"max_lots_per_bidder: expected a whole number >= 1 "
                                         f"or None, got {cap!r}")
            if not self.lot_cap_rule.strip():
                raise QuestionnaireError(
                    "max_lots_per_bidder is set but lot_cap_rule is empty: the objective rule "
                    "deciding which lots a bidder gets when it would win more than the cap "
                    "must be published with the cap (R2113-1); write it in lot_cap_rule")


def rules_annex_bytes(lots: Sequence[LotRules], rules: AwardRules, *,
                      lang: Lang = "fr") -> bytes:
    """The RC annex as ``.docx`` bytes; the same inputs give the same bytes.

    Args:
        lots: the consultation's lots, in the order to publish them (at least one).
        rules: the consultation-wide rules (mode, variants, lot cap).
        lang: ``"fr"`` or ``"en"``; every text and number follows it.

    Returns:
        The Word document.

    Raises:
        QuestionnaireError: no lot, two lots with the same id, a lot cap with a single
            lot or not below the number of lots, or an unknown language.
    """
    if lang not in ("fr", "en"):
        raise QuestionnaireError(f"lang must be 'fr' or 'en', got {lang!r}")
    _check_lots(lots, rules)
    return _Annex(lang).build(lots, rules)


def write_rules_annex(lots: Sequence[LotRules], rules: AwardRules,
                      path: str | os.PathLike[str], *, lang: Lang = "fr",
                      overwrite: bool = False) -> Path:
    """Write the annex to the consultation rules (RC): criteria and scoring method.

    The annex states, per lot, the award criteria with their weights and points, the
    weights of the questions within each criterion, the price method and its formula,
    the total cost, the abnormally-low-offer check, the "not applicable" and evidence
    rules, the knock-out requirements and conditional questions; then the lots, the
    cap on lots per bidder, variants and how the documents are obtained. Each lot's
    questionnaire fingerprint ties the text to the scoring.

    Args:
        lots: the consultation's lots, in the order to publish them (at least one).
        rules: the consultation-wide rules (mode, variants, lot cap).
        path: the ``.docx`` file to write.
        lang: ``"fr"`` or ``"en"``.
        overwrite: replace an existing file.

    Returns:
        The path written.

    Raises:
        QuestionnaireError: see :func:`rules_annex_bytes`.
        OutputError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(msg("{path} already exists; refusing to overwrite an earlier "
                                    "result (pass overwrite=True, or --force on the command "
                                    "line)", path=target), path=target)
    data = rules_annex_bytes(lots, rules, lang=lang)
    from ai_procurement._office.files import write_atomic

    write_atomic(target, data, overwrite=overwrite)
    return target


def _check_lots(lots: Sequence[LotRules], rules: AwardRules) -> None:
    if not lots:
        raise QuestionnaireError("the annex needs at least one lot")
    ids = [lot.lot_id for lot in lots]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise QuestionnaireError(msg("lot ids must be unique; repeated: {repeated}",
                                     repeated=", ".join(repeated)))
    cap = rules.max_lots_per_bidder
    if cap is not None and cap >= len(lots):
        raise QuestionnaireError(nmsg(
            "max_lots_per_bidder={cap} with {n} lot: a cap limits a bidder to fewer lots than "
            "the consultation has; remove it or lower it", "max_lots_per_bidder={cap} with {n} "
            "lots: a cap limits a bidder to fewer lots than the consultation has; remove it or "
            "lower it", len(lots), cap=cap))


# -- figures, computed as the scoring computes them --------------------------------------

def _criterion_points(lot: LotRules) -> dict[str, float]:
    """Points of each criterion: its published share times the total (as scored)."""
    total = lot.settings.total_points
    return {cid: total * share for cid, share in lot.questionnaire.weights.items()}


def _question_shares(criterion: Criterion) -> dict[str, float]:
    """Each question's share of its criterion when every question counts (as scored).

    The scoring divides a question's weight by the weights of the questions that count;
    a question that does not count (not applicable) passes its share to the others.
    """
    if criterion.sub_criteria:
        # Two levels: the sub-criterion's share of the criterion, then the question's
        # share of its sub-criterion, exactly as the scoring weighs them.
        return question_shares(criterion, [q.id for q in criterion.questions],
                               renormalize=True)
    total = sum(q.weight for q in criterion.questions)
    return {q.id: (q.weight / total if total else 0.0) for q in criterion.questions}


def _low_offer_defaults() -> dict[str, float]:
    # The scoring calls abnormally_low() with its defaults: read them, never copy them.
    parameters = inspect.signature(abnormally_low).parameters
    return {name: float(parameters[name].default)
            for name in ("upper_factor", "lower_factor", "sd_factor")}


# -- the document ---------------------------------------------------------------------------

_TITLE = msg("Annex to the consultation rules (RC): award criteria and scoring method")
_YES_NO = {"yes": msg("Yes"), "no": msg("No")}
_CODE = msg("French public procurement code")


class _Annex:
    """Builds the document with python-docx's public API."""

    def __init__(self, lang: Lang) -> None:
        import docx
        from docx.shared import Cm, Pt

        self.lang = lang
        self.doc: DocxDocument = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.0)
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(4)
        styles["Title"].font.size = Pt(20)
        self.section_number = 0

    # small writers ---------------------------------------------------------------------

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(clean_text(text), level)

    def numbered(self, text: Text) -> None:
        self.section_number += 1
        self.heading(f"{self.section_number}. {self.t(text)}", 1)

    def para(self, text: str, *, style: str | None = None, bold_lead: str = "") -> None:
        paragraph = self.doc.add_paragraph(style=style)
        if bold_lead:
            paragraph.add_run(clean_text(bold_lead)).bold = True
        paragraph.add_run(clean_text(text))

    def bullet(self, text: str, *, bold_lead: str = "") -> None:
        self.para(text, style="List Bullet", bold_lead=bold_lead)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float]) -> Table:
        from docx.shared import Cm, Pt

        table: Table = self.doc.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        for index, row in enumerate([header, *rows]):
            for cell, text in zip(table.rows[index].cells, row, strict=True):
                run = cell.paragraphs[0].add_run(clean_text(text))
                run.font.size = Pt(9)
                run.bold = index == 0 or None
        # Word reads the cells' widths, LibreOffice the grid's: set both.
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row_ in table.rows:
            for cell, width in zip(row_.cells, widths, strict=True):
                cell.width = Cm(width)
        self.doc.add_paragraph()
        return table

    def num(self, value: float) -> str:
        return number(value, self.lang, 2)

    def pct(self, share: float) -> str:
        return percent(share, self.lang, 2)

    # the document ------------------------------------------------------------------------

    def build(self, lots: Sequence[LotRules], rules: AwardRules) -> bytes:
        first = lots[0].questionnaire.consultation
        self.doc.add_heading(clean_text(self.t(_TITLE)), 0)
        self.para(f"{first.reference} – {first.title}",
                  bold_lead=self.t(msg("Consultation: ")))
        self.para(first.buyer, bold_lead=self.t(msg("Buyer: ")))
        self.para(self.t(msg("This annex is part of the consultation rules. It states the "
                             "award criteria, their weights and how they are applied (French "
                             "public procurement code, R2152-11 and R2152-12), exactly as "
                             "they will be applied to score the offers. It is produced from "
                             "the consultation's frozen questionnaires: each questionnaire's "
                             "SHA-256 fingerprint, below, identifies exactly the questions, "
                             "weights and rules the scoring will use; they will not change "
                             "after publication.")))
        self._fingerprints(lots)
        self._consultation(lots, rules)
        for lot in lots:
            self._lot(lot, single=len(lots) == 1)
        return self._save(first.reference)

    def _fingerprints(self, lots: Sequence[LotRules]) -> None:
        from docx.shared import Pt

        table = self.table(
            [self.t(msg("Lot")), self.t(msg("Title")),
             self.t(msg("Questionnaire SHA-256 fingerprint"))],
            [[lot.lot_id, lot.title, ""] for lot in lots], (1.2, 4.3, 11.5))
        for row, lot in zip(table.rows[1:], lots, strict=True):
            run = row.cells[2].paragraphs[0].add_run(lot.questionnaire.fingerprint)
            run.font.name = "Courier New"
            run.font.size = Pt(8)

    def _consultation(self, lots: Sequence[LotRules], rules: AwardRules) -> None:
        self.numbered(msg("Procedure, lots and variants"))
        if rules.mode == "open":
            self.para(self.t(msg("Open call: the consultation documents, including the "
                                 "questionnaire, are available free of charge, with "
                                 "unrestricted, full and direct access, on the buyer profile "
                                 "(French public procurement code, R2132-2). The questionnaire "
                                 "to fill is the same for every bidder; every offer received in "
                                 "time is examined, whether or not the bidder made itself known "
                                 "beforehand.")))
        else:
            self.para(self.t(msg("Consultation by invitation: only the invited economic "
                                 "operators receive the consultation documents. Each receives a "
                                 "copy of the questionnaire in its name; the questions, weights "
                                 "and rules are the same for all (same fingerprint).")))
        if len(lots) == 1:
            self.para(self.t(msg("The consultation has a single lot.")))
        else:
            self.para(self.t(msg("The consultation is divided into {len_lots} lots (French "
                                 "public procurement code, L2113-10). Each lot has its own "
                                 "questionnaire, criteria and weights; offers are scored, ranked "
                                 "and awarded lot by lot. A bidder may bid for one, several or "
                                 "all lots, filling in each lot's questionnaire.",
                                 len_lots=len(lots))))
            for lot in lots:
                self.bullet(lot.title, bold_lead=self.t(msg(
                        "Lot {lot_lot_id}: ", lot_lot_id=lot.lot_id)))
        cap = rules.max_lots_per_bidder
        if cap is not None:
            self.para(self.t(nmsg(
                "One bidder may be awarded at most {n} lot (French public procurement code, "
                "R2113-1). Where applying the award criteria would award it more, the lots it "
                "is awarded are determined by the following rule: ",
                "One bidder may be awarded at most {n} lots (French public procurement code, "
                "R2113-1). Where applying the award criteria would award it more, the lots it "
                "is awarded are determined by the following rule: ", cap))
                + rules.lot_cap_rule.strip())
        if rules.variants_allowed:
            self.para(self.t(msg("Variants are allowed (French public procurement code, "
                                 "R2151-8). Each variant comes with its own filled questionnaire "
                                 "and is scored as an offer of its own, with the same criteria, "
                                 "weights and methods as the lot's other offers. Each lot's "
                                 "knock-out requirements are the minimum requirements variants "
                                 "must meet (R2151-9).")))
        else:
            self.para(self.t(msg("Variants are not allowed (French public procurement code, "
                                 "R2151-8): a variant does not comply with the consultation "
                                 "documents, so it is irregular (L2152-2) and is neither scored "
                                 "nor ranked.")))

    def _lot(self, lot: LotRules, *, single: bool) -> None:
        lot_name = (self.t(msg("Single lot")) if single
                    else self.t(msg("Lot {lot_id}", lot_id=lot.lot_id)))
        self.numbered(msg("{lot_name}: {lot_title}", lot_name=lot_name, lot_title=lot.title))
        q = lot.questionnaire
        self.para(f"{q.bank.title.get(self.lang)} ({q.bank.id} {q.bank.version}) – "
                  f"{q.consultation.reference}",
                  bold_lead=self.t(msg("Questionnaire: ")))
        self.para(q.fingerprint, bold_lead=self.t(msg("SHA-256 fingerprint: ")))
        prefix = f"{self.section_number}."
        self._criteria(lot, prefix + "1")
        self._questions(lot, prefix + "2")
        self._price(lot, prefix + "3")
        self._answers(lot, prefix + "4")
        self._knockouts(lot, prefix + "5")

    def _criteria(self, lot: LotRules, number_: str) -> None:
        title = self.t(msg("Criteria and weights"))
        self.heading(f"{number_} {title}", 2)
        total = lot.settings.total_points
        points = _criterion_points(lot)
        weights = lot.questionnaire.weights
        sub_points = sub_criterion_points(lot.questionnaire, total)
        rows = []
        for criterion in lot.questionnaire.bank.criteria:
            title = criterion.title.get(self.lang)
            if criterion.is_price:
                method = PRICE_METHOD_NAMES[lot.settings.price_method].get(self.lang)
                title += self.t(msg(" ({method} method, § {number__1}3)", method=method,
                                    number__1=number_[:-1]))
            rows.append([criterion.id, title, self.pct(weights[criterion.id]),
                         self.num(points[criterion.id])])
            rows += self._sub_criteria_rows(criterion, sub_points.get(criterion.id))
        rows.append(["", self.t(msg("Total")), self.pct(1.0), self.num(total)])
        scale = number(total, self.lang, 0 if float(total).is_integer() else 2)
        self.table([self.t(msg("Ref.")), self.t(msg("Criterion")),
                    self.t(pmsg("deliverables.rules_annex", "Weight")),
                    self.t(msg("Points (out of {scale})", scale=scale))],
                   rows, (1.8, 9.2, 2.8, 3.2))
        self.para(self.t(msg("Each offer is scored out of {scale} points; each criterion brings "
                             "its weight of that total. Figures are rounded to two decimals for "
                             "display; the computation uses the exact values. The most "
                             "economically advantageous offer is the one with the highest total "
                             "(French public procurement code, L2152-7).", scale=scale)))
        self.para(self.t(aggregation_sentence(lot.questionnaire)))
        if sub_points:
            self.para(self.t(msg("Sub-criteria (indented rows) share their criterion's points by "
                                 "the share shown; their weights are published because they may "
                                 "influence how offers are made (Conseil d'État, 18 June 2010, "
                                 "Commune de Saint-Pal-de-Mons, no. 337377).")))

    def _sub_criteria_rows(self, criterion: Criterion,
                           points: Mapping[str, float] | None) -> list[list[str]]:
        """Indented rows under ``criterion``: each sub-criterion, its share and points."""
        if not points:
            return []
        whole = math.fsum(points.values())
        label = self.t(msg("sub-criterion"))
        of_criterion = self.t(msg(" of the criterion"))
        return [[f"   {sub.id}", f"   ↳ {sub.title.get(self.lang)} ({label})",
                 self.pct(points[sub.id] / whole if whole > 0 else 0.0) + of_criterion,
                 self.num(points[sub.id])] for sub in criterion.sub_criteria]

    def _questions(self, lot: LotRules, number_: str) -> None:
        self.heading(f"{number_} " + self.t(msg("Sub-criteria: the scored questions")), 2)
        settings = lot.settings
        consensus = (msg("the median") if settings.consensus == "median"
                     else msg("the mean"))
        self.para(self.t(msg("Within each criterion, each scored question brings a share of "
                             "the criterion's points proportional to its weight. The answer "
                             "earns a fraction of those points by the rule shown. A question "
                             "that does not count ('not applicable' accepted, or a "
                             "conditional question that does not apply, see § {number__1}4) "
                             "passes its share to the criterion's other questions that count, "
                             "in proportion to their weights; if none counts, the criterion "
                             "brings 0 points. Written answers are scored by the evaluators "
                             "on the scale shown; the level kept is {consensus} of their "
                             "levels, unless a level is agreed together, with reasons.",
                             consensus=consensus, number__1=number_[:-1])))
        points = _criterion_points(lot)
        for criterion in lot.questionnaire.bank.criteria:
            if criterion.is_price:
                continue
            shares = _question_shares(criterion)
            scored = [q for q in criterion.questions if q.weight > 0]
            self.para(f" – {self.num(points[criterion.id])} "
                      + self.t(msg("points")),
                      bold_lead=f"{criterion.id} {criterion.title.get(self.lang)}")
            if not scored:
                self.para(self.t(msg("No scored question in this criterion: it brings 0 points.")))
                continue
            rows = [[f"{q.id}{f' ({q.sub_criterion})' if q.sub_criterion else ''} "
                     f"{q.text.get(self.lang)}", self.pct(shares[q.id]),
                     self.num(points[criterion.id] * shares[q.id]),
                     describe_rule(q).get(self.lang), self._marks(lot, q)] for q in scored]
            self.table([self.t(msg("Question")),
                        self.t(msg("Share of criterion")),
                        self.t(msg("Max. points")),
                        self.t(msg("Scoring rule")),
                        self.t(msg("Conditions"))],
                       rows, (5.6, 2.0, 1.8, 4.6, 3.0))
            unscored = len(criterion.questions) - len(scored)
            if unscored:
                self.para(self.t(nmsg("{n} other question of this criterion brings no points "
                                      "(weight 0): it informs the analysis or carries a "
                                      "knock-out requirement.", "{n} other questions of this "
                                      "criterion bring no points (weight 0): they inform the "
                                      "analysis or carry a knock-out requirement.", unscored)))

    def _marks(self, lot: LotRules, q: Question) -> str:
        marks: list[str] = []
        if q.evidence is Evidence.REQUIRED:
            marks.append(self.t(msg("evidence required")))
        if q.na_allowed:
            marks.append(self.t(msg("'not applicable' allowed")))
        condition = self._applies_if(lot, q)
        if condition is not None:
            marks.append(self.t(msg("if ")) + self._condition_words(lot, condition))
        if q.knockout is not None:
            marks.append(self.t(msg("knock-out requirement")))
        return " ; ".join(marks) if self.lang == "fr" else "; ".join(marks)

    @staticmethod
    def _applies_if(lot: LotRules, q: Question) -> Applicability | None:
        """When ``q`` applies: its criterion's condition and its own, as scoring reads them."""
        criterion = next(c for c in lot.questionnaire.bank.criteria if q in c.questions)
        return effective_condition(criterion, q)

    def _condition_words(self, lot: LotRules, condition: Applicability) -> str:
        """A condition in words: ``Q1 = Yes and (Q2 = Cloud or Q3 = Yes)``."""
        if isinstance(condition, AllOf | AnyOf):
            parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
            joiner = self.t(msg(" and ") if isinstance(condition, AllOf)
                            else msg(" or "))
            return joiner.join(self._condition_words(lot, p) if isinstance(p, Condition)
                               else f"({self._condition_words(lot, p)})" for p in parts)
        target = lot.questionnaire.bank.question(condition.question)
        values = self._or([self._option(target, v) for v in condition.any_of])
        return f"{target.id} = {values}"

    def _option(self, q: Question, value: str) -> str:
        spec = q.answer
        if isinstance(spec, YesNo):
            return self.t(_YES_NO.get(value, Text(value, value)))
        if isinstance(spec, SingleChoice | MultipleChoice):
            labels = {o.id: o.label.get(self.lang) for o in spec.options}
            # No-break spaces keep French quotation marks on the line of their text.
            return f"«\u00a0{labels.get(value, value)}\u00a0»" if self.lang == "fr" else (
                f"'{labels.get(value, value)}'")
        return value

    def _or(self, items: Sequence[str]) -> str:
        word = " ou " if self.lang == "fr" else " or "
        return word.join(items)

    def _price(self, lot: LotRules, number_: str) -> None:
        self.heading(f"{number_} " + self.t(msg("Price: method and formula")), 2)
        criterion = next((c for c in lot.questionnaire.bank.criteria if c.is_price), None)
        if criterion is None:
            self.para(self.t(msg("This questionnaire has no price criterion.")))
            return
        settings = lot.settings
        nmax = _criterion_points(lot)[criterion.id]
        question = criterion.questions[0]
        spec = question.answer
        assert isinstance(spec, Price)
        self._total_cost(spec, question)
        self._precedence(lot)
        if nmax <= 0:
            self.para(self.t(msg("The price criterion weighs nothing: it brings no points.")))
            self._low_offers(lot)
            return
        method = settings.price_method
        name = PRICE_METHOD_NAMES[method].get(self.lang)
        n = self.num(nmax)
        self.para(self.t(msg("{name_capitalize} method. ",
                             name_capitalize=Text(fr=format(name, ''), en=name.capitalize()))),
                  bold_lead=self.t(SETTING_LABELS["price_method"]) + self.t(msg(": ")))
        if method == "classique":
            formula = f"N = {n} × Pmin / P"
        elif method == "lineaire":
            formula = f"N = {n} × (Pmax − P) / (Pmax − Pmin)"
        else:
            c = self.num(settings.price_coefficient)
            formula = self.t(msg("N = max(0, {n} × (1 − {c} × (P − Pmin) / Pmin))", n=n, c=c))
        self.para(formula, style="Intense Quote")
        self.para(self.t(msg("where N is the offer's price points, P its total cost, Pmin and "
                             "Pmax the lowest and the highest total cost among the regular "
                             "offers (eliminated offers are not taken into account).")))
        cases = [self.t(msg("the offer with the lowest cost gets {n} points and a cheaper offer "
                            "never gets fewer points than a dearer one;", n=n))]
        if method == "lineaire":
            cases.append(self.t(msg("the dearest offer gets 0 points; the gap in points between "
                                    "two offers depends on all the prices received;")))
        if method == "ecart-relatif":
            limit = 1 + 1 / settings.price_coefficient
            cases.append(self.t(msg(
                    "the points never go below 0: an offer whose cost reaches {num_limit} × Pmin "
                    "gets 0 points (coefficient {num_settings_price_coefficient});",
                    num_limit=self.num(limit),
                    num_settings_price_coefficient=self.num(settings.price_coefficient))))
        cases.append(self.t(msg("a single regular offer, or all costs equal: every offer gets "
                                "{n} points;", n=n)))
        if method != "lineaire":
            cases.append(self.t(msg("the formula divides by Pmin: a total cost of zero cannot be "
                                    "scored; such an offer is presumed abnormally low (below);")))
        cases.append(self.t(msg("an offer without a price or with an incomplete price breakdown "
                                "is incomplete, hence irregular (French public procurement code, "
                                "L2152-2).")))
        for case in cases:
            self.bullet(case)
        self._low_offers(lot)

    def _precedence(self, lot: LotRules) -> None:
        from ai_procurement.legal.precedence import precedence_rule

        self.para(self.t(precedence_rule(lot.questionnaire.consultation.precedence)),
                  bold_lead=self.t(msg("Which document prevails: ")))

    def _total_cost(self, spec: Price, question: Question) -> None:
        years = spec.years
        if spec.dqe:
            self._dqe(spec, question)
            if not spec.items:
                return
        self.para(self.t(nmsg("The price compared is the total cost over {n} year, in "
                              "{spec_currency} excluding tax, computed from the breakdown of "
                              "question {question_id}: total cost = sum of the one-off amounts "
                              "+ {n} × sum of the yearly amounts.", "The price compared is the "
                              "total cost over {n} years, in {spec_currency} excluding tax, "
                              "computed from the breakdown of question {question_id}: total "
                              "cost = sum of the one-off amounts + {n} × sum of the yearly "
                              "amounts.", years, spec_currency=spec.currency,
                              question_id=question.id)))
        self.table([self.t(msg("Cost item")),
                    self.t(pmsg("deliverables.rules_annex", "Recurrence"))],
                   [[item.label.get(self.lang), RECURRENCES[item.recurrence.value].get(
                       self.lang)] for item in spec.items], (11.0, 6.0))

    def _dqe(self, spec: Price, question: Question) -> None:
        lump = self.t(msg(" The lump sum below is added."))
        self.para(self.t(msg("The price compared is that of the detailed quantity estimate (DQE) "
                             "of question {question_id}, in {spec_currency} excluding tax: the "
                             "sum, item by item, of the quantity the buyer set times the offer's "
                             "unit price. The quantities, which are estimates, are those of the "
                             "table below; they serve to compare the offers.",
                             question_id=question.id, spec_currency=spec.currency))
            + (lump if spec.items else ""))
        self.table([self.t(msg("Item")), self.t(msg("Description")),
                    self.t(msg("Unit")), self.t(msg("Quantity"))],
                   [[item.id, item.label.get(self.lang), item.unit.get(self.lang),
                     number(item.quantity, self.lang,
                            0 if float(item.quantity).is_integer() else 2)]
                    for item in spec.dqe], (1.6, 9.4, 3.5, 2.5))

    def _low_offers(self, lot: LotRules) -> None:
        method = lot.settings.low_offer_method
        factors = _low_offer_defaults()
        name = LOW_OFFER_METHOD_NAMES[method].get(self.lang)
        self.para(name, bold_lead=self.t(SETTING_LABELS["low_offer_method"])
                  + self.t(msg(": ")))
        if method == "m1m2":
            up, low = self.num(factors["upper_factor"]), self.num(factors["lower_factor"])
            self.para(self.t(msg("M1 = mean total cost of the regular offers; offers whose cost "
                                 "is strictly above {up} × M1 are left out of M2; M2 = mean of "
                                 "the remaining costs; an offer whose cost is strictly below "
                                 "{low} × M2 is presumed abnormally low.", up=up, low=low)))
        else:
            k = self.num(factors["sd_factor"])
            self.para(self.t(msg("An offer whose total cost is strictly below the mean cost of "
                                 "the regular offers minus {k} × the standard deviation "
                                 "(population standard deviation of the offers) is presumed "
                                 "abnormally low.", k=k)))
        self.para(self.t(msg("With fewer than {MIN_OFFERS_FOR_LOW_CHECK} offers this formula "
                             "flags no offer; prices are judged against the buyer's estimate. "
                             "The computation only flags: it eliminates no offer. An offer "
                             "presumed abnormally low (French public procurement code, L2152-5) "
                             "receives a written request to explain and justify its price "
                             "(L2152-6 and R2152-3); it is rejected only if, after examination, "
                             "the justifications do not account for the low price (R2152-4), "
                             "never automatically.",
                             MIN_OFFERS_FOR_LOW_CHECK=_MIN_OFFERS_FOR_LOW_CHECK)))

    def _answers(self, lot: LotRules, number_: str) -> None:
        self.heading(f"{number_} " + self.t(msg("Missing answers, 'not applicable', evidence and "
                                                "conditional questions")), 2)
        settings = lot.settings
        self.bullet(self.t(msg("an unanswered question counts and gets 0 points.")),
                    bold_lead=self.t(msg("Unanswered: ")))
        if settings.na_policy == "exclude-if-allowed-and-justified":
            na = msg("where the question allows it ('Conditions' column), a justified 'not "
                     "applicable' answer whose justification the evaluators do not reject does "
                     "not count: its share goes to the criterion's other questions. A 'not "
                     "applicable' answer not allowed, not justified or whose justification is "
                     "rejected counts and gets 0 points.")
        else:
            na = msg("every 'not applicable' answer counts and gets 0 points.")
        self.bullet(self.t(na), bold_lead=self.t(msg("'Not applicable': ")))
        required = [q.id for _c, q in lot.questionnaire.bank.questions()
                    if q.evidence is Evidence.REQUIRED and q.weight > 0
                    and not q.scored_by_evaluators]
        if settings.evidence_policy == "zero-without-required-evidence":
            evidence = msg("no point without the evidence required: for questions scored by a "
                           "rule and marked 'evidence required', an answer without evidence "
                           "(document, page or link) gets 0 points.")
        else:
            evidence = msg("for questions marked 'evidence required', a missing piece of "
                           "evidence (document, page or link) is noted in the analysis; it does "
                           "not change the points.")
        listed = ", ".join(required) if required else self.t(msg("none"))
        self.bullet(self.t(evidence) + self.t(msg(" Questions concerned: {listed}.",
                                                  listed=listed)),
                    bold_lead=self.t(pmsg("deliverables.rules_annex", "Evidence: ")))
        conditional = [(q, condition) for _c, q in lot.questionnaire.bank.questions()
                       if (condition := self._applies_if(lot, q)) is not None]
        if conditional:
            self.bullet(self.t(msg("a conditional question applies only if the question it "
                                   "depends on received one of the answers shown; otherwise it "
                                   "does not count (its share goes to the criterion's other "
                                   "questions) and any knock-out requirement it carries does not "
                                   "apply.")), bold_lead=self.t(msg("Conditional questions: ")))
            for q, condition in conditional:
                words = self.t(msg("if ")) + self._condition_words(lot, condition)
                self.para(f"{q.id} {q.text.get(self.lang)} – {words}", style="List Bullet 2")

    def _knockouts(self, lot: LotRules, number_: str) -> None:
        self.heading(f"{number_} " + self.t(msg("Knock-out requirements")), 2)
        knockouts = [q for _c, q in lot.questionnaire.bank.questions() if q.knockout]
        if not knockouts:
            self.para(self.t(msg("This questionnaire has no knock-out requirement.")))
            return
        self.para(self.t(msg("The following requirements are minimum conformity requirements, "
                             "not weights: they neither bring nor remove points. An offer "
                             "failing one of them does not meet the requirements of the "
                             "consultation documents: it is irregular (French public procurement "
                             "code, L2152-2) and eliminated without being ranked (R2152-1). A "
                             "knock-out question left unanswered or answered 'not applicable' "
                             "leaves the requirement unverified: the offer is irregular too, "
                             "unless the question allows 'not applicable' and the answer is "
                             "justified and accepted by the evaluators.")))
        rows = [[f"{q.id} {q.text.get(self.lang)}", self._failing(q),
                 q.knockout.reason.get(self.lang) if q.knockout else ""] for q in knockouts]
        self.table([self.t(msg("Question")),
                    self.t(msg("Failing answers")),
                    self.t(msg("Reason"))], rows, (7.0, 5.0, 5.0))

    def _failing(self, q: Question) -> str:
        ko = q.knockout
        assert ko is not None
        if ko.when:
            failing = self._or([self._option(q, v) for v in ko.when])
            if isinstance(q.answer, MultipleChoice):
                return self.t(msg("any of these options ticked: {failing}", failing=failing))
            return failing
        unit = q.answer.unit.get(self.lang) if isinstance(q.answer, Number) else ""
        parts: list[str] = []
        if ko.below is not None:
            parts.append(f"< {self.num(ko.below)} {unit}".rstrip())
        if ko.above is not None:
            parts.append(f"> {self.num(ko.above)} {unit}".rstrip())
        return self._or(parts)

    # saving -----------------------------------------------------------------------------

    def _save(self, reference: str) -> bytes:
        props = self.doc.core_properties
        props.title = clean_text(self.t(_TITLE))
        props.subject = clean_text(reference)
        props.author = "ai_procurement"
        props.last_modified_by = "ai_procurement"
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.revision = 1
        props.language = "fr-FR" if self.lang == "fr" else "en-GB"
        props.created = props.modified = props.last_printed = _DOC_TIME
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalise_zip(buffer.getvalue(), _DOC_TIME.date())



