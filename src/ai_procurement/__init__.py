"""ai_procurement: buy software that embeds AI, and decide in a way you can defend.

Question banks on AI governance become Excel questionnaires for vendors; returned files
are checked and read back, scored, tested for robustness and turned into a comparison
workbook and a decision memo.

Names are imported lazily (PEP 562) so that ``import ai_procurement`` and the command
line start fast; heavy libraries (openpyxl, python-docx, numpy) load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._bankfile import dump_bank, list_banks, load_bank
    from .bank import (
        LANGUAGES,
        Bank,
        Condition,
        CostItem,
        Criterion,
        DateAnswer,
        Evidence,
        FreeText,
        KnockOut,
        Level,
        Linear,
        MultipleChoice,
        Number,
        Option,
        Price,
        Question,
        Scale,
        SingleChoice,
        Step,
        Text,
        Thresholds,
        YesNo,
        check_bank,
    )
    from .errors import (
        AIProcurementError,
        BankError,
        OutputError,
        PriceError,
        Problem,
        QuestionnaireError,
        ResponseError,
        ScoringError,
        StrategyError,
    )
    from .questionnaire import (
        Consultation,
        Questionnaire,
        dump_questionnaire,
        freeze,
        load_questionnaire,
    )
    from .tailoring import Tailoring, apply_tailoring

__version__ = "0.1.0.dev0"

_EXPORTS: dict[str, str] = {
    "AIProcurementError": "errors",
    "Bank": "bank",
    "BankError": "errors",
    "Condition": "bank",
    "Consultation": "questionnaire",
    "CostItem": "bank",
    "Criterion": "bank",
    "DateAnswer": "bank",
    "Evidence": "bank",
    "FreeText": "bank",
    "KnockOut": "bank",
    "LANGUAGES": "bank",
    "Level": "bank",
    "Linear": "bank",
    "MultipleChoice": "bank",
    "Number": "bank",
    "Option": "bank",
    "OutputError": "errors",
    "Price": "bank",
    "PriceError": "errors",
    "Problem": "errors",
    "Question": "bank",
    "Questionnaire": "questionnaire",
    "QuestionnaireError": "errors",
    "ResponseError": "errors",
    "Scale": "bank",
    "ScoringError": "errors",
    "SingleChoice": "bank",
    "Step": "bank",
    "StrategyError": "errors",
    "Tailoring": "tailoring",
    "Text": "bank",
    "Thresholds": "bank",
    "YesNo": "bank",
    "apply_tailoring": "tailoring",
    "check_bank": "bank",
    "dump_bank": "_bankfile",
    "dump_questionnaire": "questionnaire",
    "freeze": "questionnaire",
    "list_banks": "_bankfile",
    "load_bank": "_bankfile",
    "load_questionnaire": "questionnaire",
}

__all__ = [
    "LANGUAGES",
    "AIProcurementError",
    "Bank",
    "BankError",
    "Condition",
    "Consultation",
    "CostItem",
    "Criterion",
    "DateAnswer",
    "Evidence",
    "FreeText",
    "KnockOut",
    "Level",
    "Linear",
    "MultipleChoice",
    "Number",
    "Option",
    "OutputError",
    "Price",
    "PriceError",
    "Problem",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "ResponseError",
    "Scale",
    "ScoringError",
    "SingleChoice",
    "Step",
    "StrategyError",
    "Tailoring",
    "Text",
    "Thresholds",
    "YesNo",
    "apply_tailoring",
    "check_bank",
    "dump_bank",
    "dump_questionnaire",
    "freeze",
    "list_banks",
    "load_bank",
    "load_questionnaire",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ai_procurement' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
