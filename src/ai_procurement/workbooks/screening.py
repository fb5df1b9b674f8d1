"""The internal go/no-go screening grid of an emerging AI project.

In the spirit of Nantes Métropole's AI compass, a short meeting with the grid weeds
out risky or non-compliant projects early: the project team fills the bundled
``ai-screening`` bank (the same Excel form vendors get), and :func:`read_screening`
says *no-go* when a red line is crossed, and otherwise how the project fares on each
criterion, with the questions left open.

The grid is internal, so its signature key is not a secret (:data:`SCREENING_KEY`): the
signature only tells that the file is an unaltered grid of this library.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from ai_procurement.answers import AnswerState, Report
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.text import Lang, Text, msg

__all__ = ["SCREENING_BANK", "SCREENING_KEY", "ScreeningResult", "read_screening",
           "write_screening"]

SCREENING_BANK = "ai-screening"
SCREENING_KEY = b"ai-procurement internal screening grid (not a secret)"


def _questionnaire() -> Questionnaire:
    from ai_procurement.bank.files import load_bank

    bank = load_bank(SCREENING_BANK)
    return freeze(bank, Consultation("screening", bank.title.fr, "internal"))


@attrs.frozen
class ScreeningResult:
    """The verdict of a filled screening grid."""

    go: bool
    red_lines: tuple[tuple[str, Text], ...]
    criteria: tuple[tuple[str, Text, float], ...]
    open_questions: tuple[str, ...]
    report: Report
    unverified: tuple[str, ...] = ()
    """The red-line questions in ``red_lines`` that are only unanswered, not crossed."""

    @property
    def crossed(self) -> tuple[str, ...]:
        """The red-line questions whose answer crosses the red line."""
        return tuple(q for q, _ in self.red_lines if q not in self.unverified)

    def lines(self, lang: Lang) -> list[str]:
        """The verdict as lines of text for the team."""
        out = []
        if not self.report.ok:
            out.append(msg("Grid unreadable or edited:")
                       .get(lang))
            out += [f"  {f.describe(lang)}" for f in self.report.errors]
            return out
        if self.go:
            verdict = msg("GO: no red line crossed.")
        elif self.crossed:
            verdict = msg("NO-GO: at least one red line is crossed.")
        else:
            verdict = msg("NO-GO: questions on red lines are left unanswered; answer them, then "
                          "read the grid again.")
        out.append(verdict.get(lang))
        for question, reason in self.red_lines:
            mark = "?" if question in self.unverified else "✗"
            out.append(f"  {mark} {question}: {reason.get(lang)}")
        for criterion, title, share in self.criteria:
            out.append(f"  {criterion:10} {share:6.0%}  {title.get(lang)}")
        if self.open_questions:
            out.append(msg("Questions left open: ")
                       .get(lang) + ", ".join(self.open_questions))
        return out


def write_screening(path: str | os.PathLike[str], *, lang: Lang = "fr",
                    overwrite: bool = False) -> Path:
    """Write a blank screening grid for the project team to fill."""
    from ai_procurement.workbooks.form import write_questionnaire

    return write_questionnaire(_questionnaire(), path, lang, None, key=SCREENING_KEY,
                               overwrite=overwrite)


def read_screening(path: str | os.PathLike[str]) -> ScreeningResult:
    """Read a filled screening grid and give the verdict."""
    from ai_procurement.decision.scoring import Settings, evaluate
    from ai_procurement.workbooks.response import read_response

    questionnaire = _questionnaire()
    response = read_response(path, questionnaire, key=SCREENING_KEY)
    if not response.report.ok:
        return ScreeningResult(False, (), (), (), response.report)
    evaluation = evaluate(questionnaire, {"project": response},
                          settings=Settings(total_points=100, price_method="classique"))
    result = evaluation.vendor("project")
    red = tuple((k.question_id, k.reason) for k in result.knockouts)
    unverified = tuple(k.question_id for k in result.knockouts if response.answers[
        k.question_id].state is not AnswerState.ANSWERED)
    titles = {c.id: c.title for c in questionnaire.bank.criteria}
    points = evaluation.criterion_points
    criteria = tuple((cid, titles[cid], value / points[cid]) for cid, value in
                     result.criteria.items() if points[cid] > 0)
    open_questions = tuple(a.question_id for a in response.answers.values()
                           if a.state is AnswerState.UNANSWERED)
    return ScreeningResult(not red, red, criteria, open_questions, response.report,
                           unverified)
