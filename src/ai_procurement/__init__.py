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
    from ._bankfile import (
        dump_bank,
        list_banks,
        load_bank,
    )
    from .bank import (
        LANGUAGES,
        Bank,
        Better,
        Condition,
        CostItem,
        Criterion,
        DateAnswer,
        Evidence,
        FreeText,
        KnockOut,
        Lang,
        Level,
        Linear,
        MultipleChoice,
        Number,
        Option,
        Price,
        Question,
        Recurrence,
        Reference,
        Scale,
        SingleChoice,
        Step,
        Text,
        Thresholds,
        YesNo,
        check_bank,
    )
    from .campaign import (
        Campaign,
        CampaignError,
        init_campaign,
        load_campaign,
    )
    from .comparison import (
        write_comparison,
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
    from .form import (
        write_questionnaire,
    )
    from .identity import (
        load_key,
        new_key,
        write_key,
    )
    from .memo import (
        Procedure,
        RejectedFile,
        Signatory,
        write_debrief,
        write_memo,
    )
    from .price import (
        PRICE_METHODS,
        CostBreakdown,
        LowOfferCheck,
        PriceScores,
        abnormally_low,
        price_points,
        total_cost,
    )
    from .questionnaire import (
        Consultation,
        Questionnaire,
        dump_questionnaire,
        freeze,
        load_questionnaire,
    )
    from .response import (
        Answer,
        AnswerState,
        EvidenceRef,
        Finding,
        Report,
        Response,
        read_response,
    )
    from .review import (
        ReviewResult,
        read_review,
        write_review,
    )
    from .robustness import (
        Robustness,
        assess_robustness,
    )
    from .scoring import (
        Evaluation,
        EvaluatorScore,
        Override,
        ScoreLine,
        Settings,
        VendorResult,
        evaluate,
    )
    from .screening import (
        read_screening,
        write_screening,
    )
    from .strategy import (
        AHPResult,
        Weighting,
        ahp_weights,
        direct_weights,
        rank_weights,
    )
    from .tailoring import (
        Tailoring,
        apply_tailoring,
    )
    from .workflow import (
        check,
        evaluate_campaign,
        prepare_reviews,
        publish,
        score_campaign,
    )

__version__ = "0.1.0.dev0"

_EXPORTS: dict[str, str] = {
    "AHPResult": "strategy",
    "AIProcurementError": "errors",
    "Answer": "response",
    "AnswerState": "response",
    "Bank": "bank",
    "BankError": "errors",
    "Better": "bank",
    "Campaign": "campaign",
    "CampaignError": "campaign",
    "Condition": "bank",
    "Consultation": "questionnaire",
    "CostBreakdown": "price",
    "CostItem": "bank",
    "Criterion": "bank",
    "DateAnswer": "bank",
    "Evaluation": "scoring",
    "EvaluatorScore": "scoring",
    "Evidence": "bank",
    "EvidenceRef": "response",
    "Finding": "response",
    "FreeText": "bank",
    "KnockOut": "bank",
    "LANGUAGES": "bank",
    "Lang": "bank",
    "Level": "bank",
    "Linear": "bank",
    "LowOfferCheck": "price",
    "MultipleChoice": "bank",
    "Number": "bank",
    "Option": "bank",
    "OutputError": "errors",
    "Override": "scoring",
    "PRICE_METHODS": "price",
    "Price": "bank",
    "PriceError": "errors",
    "PriceScores": "price",
    "Problem": "errors",
    "Procedure": "memo",
    "Question": "bank",
    "Questionnaire": "questionnaire",
    "QuestionnaireError": "errors",
    "Recurrence": "bank",
    "Reference": "bank",
    "RejectedFile": "memo",
    "Report": "response",
    "Response": "response",
    "ResponseError": "errors",
    "ReviewResult": "review",
    "Robustness": "robustness",
    "Scale": "bank",
    "ScoreLine": "scoring",
    "ScoringError": "errors",
    "Settings": "scoring",
    "Signatory": "memo",
    "SingleChoice": "bank",
    "Step": "bank",
    "StrategyError": "errors",
    "Tailoring": "tailoring",
    "Text": "bank",
    "Thresholds": "bank",
    "VendorResult": "scoring",
    "Weighting": "strategy",
    "YesNo": "bank",
    "abnormally_low": "price",
    "ahp_weights": "strategy",
    "apply_tailoring": "tailoring",
    "assess_robustness": "robustness",
    "check": "workflow",
    "check_bank": "bank",
    "direct_weights": "strategy",
    "dump_bank": "_bankfile",
    "dump_questionnaire": "questionnaire",
    "evaluate": "scoring",
    "evaluate_campaign": "workflow",
    "freeze": "questionnaire",
    "init_campaign": "campaign",
    "list_banks": "_bankfile",
    "load_bank": "_bankfile",
    "load_campaign": "campaign",
    "load_key": "identity",
    "load_questionnaire": "questionnaire",
    "new_key": "identity",
    "prepare_reviews": "workflow",
    "price_points": "price",
    "publish": "workflow",
    "rank_weights": "strategy",
    "read_response": "response",
    "read_review": "review",
    "read_screening": "screening",
    "score_campaign": "workflow",
    "total_cost": "price",
    "write_comparison": "comparison",
    "write_debrief": "memo",
    "write_key": "identity",
    "write_memo": "memo",
    "write_questionnaire": "form",
    "write_review": "review",
    "write_screening": "screening",
}

__all__ = [
    "LANGUAGES",
    "PRICE_METHODS",
    "AHPResult",
    "AIProcurementError",
    "Answer",
    "AnswerState",
    "Bank",
    "BankError",
    "Better",
    "Campaign",
    "CampaignError",
    "Condition",
    "Consultation",
    "CostBreakdown",
    "CostItem",
    "Criterion",
    "DateAnswer",
    "Evaluation",
    "EvaluatorScore",
    "Evidence",
    "EvidenceRef",
    "Finding",
    "FreeText",
    "KnockOut",
    "Lang",
    "Level",
    "Linear",
    "LowOfferCheck",
    "MultipleChoice",
    "Number",
    "Option",
    "OutputError",
    "Override",
    "Price",
    "PriceError",
    "PriceScores",
    "Problem",
    "Procedure",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Recurrence",
    "Reference",
    "RejectedFile",
    "Report",
    "Response",
    "ResponseError",
    "ReviewResult",
    "Robustness",
    "Scale",
    "ScoreLine",
    "ScoringError",
    "Settings",
    "Signatory",
    "SingleChoice",
    "Step",
    "StrategyError",
    "Tailoring",
    "Text",
    "Thresholds",
    "VendorResult",
    "Weighting",
    "YesNo",
    "abnormally_low",
    "ahp_weights",
    "apply_tailoring",
    "assess_robustness",
    "check",
    "check_bank",
    "direct_weights",
    "dump_bank",
    "dump_questionnaire",
    "evaluate",
    "evaluate_campaign",
    "freeze",
    "init_campaign",
    "list_banks",
    "load_bank",
    "load_campaign",
    "load_key",
    "load_questionnaire",
    "new_key",
    "prepare_reviews",
    "price_points",
    "publish",
    "rank_weights",
    "read_response",
    "read_review",
    "read_screening",
    "score_campaign",
    "total_cost",
    "write_comparison",
    "write_debrief",
    "write_key",
    "write_memo",
    "write_questionnaire",
    "write_review",
    "write_screening",
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
