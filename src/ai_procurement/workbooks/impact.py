"""The impact assessment workbook of an AI project, filled before buying.

The project team fills the bundled ``ai-impact`` bank in the same Excel form vendors
get; :func:`read_impact` reads it behind the same guards as a vendor's file and gives
the impact level (:func:`ai_procurement.decision.impact.assess_impact`) with the answers
that drove it. Like the screening grid, the workbook is internal: its signature key
(:data:`IMPACT_KEY`) is not a secret and only tells that the file is an unaltered
assessment written by this library.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from ai_procurement.answers import Report
from ai_procurement.decision.impact import ImpactAssessment, assess_impact
from ai_procurement.questionnaire import Consultation, Questionnaire, freeze
from ai_procurement.text import Lang, msg

__all__ = ["IMPACT_BANK", "IMPACT_KEY", "ImpactReading", "read_impact", "write_impact"]

IMPACT_BANK = "ai-impact"
IMPACT_KEY = b"ai-procurement internal impact assessment (not a secret)"


def _questionnaire() -> Questionnaire:
    from ai_procurement.bank.files import load_bank

    bank = load_bank(IMPACT_BANK)
    return freeze(bank, Consultation("impact", bank.title.fr, "internal"))


@attrs.frozen
class ImpactReading:
    """A filled impact workbook, read: the assessment (None if unreadable) and report."""

    assessment: ImpactAssessment | None
    report: Report

    def lines(self, lang: Lang) -> list[str]:
        """The level and its drivers, or the problems of the file, as lines of text."""
        if self.assessment is None:
            out = [msg("Impact assessment unreadable or edited:").get(lang)]
            return out + [f"  {f.describe(lang)}" for f in self.report.errors]
        return self.assessment.lines(lang)


def write_impact(path: str | os.PathLike[str], *, lang: Lang = "fr",
                 overwrite: bool = False) -> Path:
    """Write a blank impact assessment workbook for the project team to fill.

    Raises:
        OutputExistsError: the file exists and ``overwrite`` is false.
    """
    from ai_procurement.workbooks.form import write_questionnaire

    return write_questionnaire(_questionnaire(), path, lang, None, key=IMPACT_KEY,
                               overwrite=overwrite)


def read_impact(path: str | os.PathLike[str]) -> ImpactReading:
    """Read a filled impact assessment workbook and give the impact level.

    Never raises because of what is in the file: problems are in the report, and the
    assessment is None when the file has errors.
    """
    from ai_procurement.workbooks.response import read_response

    questionnaire = _questionnaire()
    response = read_response(path, questionnaire, key=IMPACT_KEY)
    if not response.report.ok:
        return ImpactReading(None, response.report)
    return ImpactReading(assess_impact(questionnaire.bank, response.answers), response.report)
