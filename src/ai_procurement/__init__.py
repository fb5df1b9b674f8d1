"""ai_procurement: buy software that embeds AI, and decide in a way you can defend.

Question banks on AI governance become Excel questionnaires for vendors; returned files
are checked and read back, scored, tested for robustness and turned into a comparison
workbook and a decision memo.

The package reads as the flow, each wing importing only the wings below it::

    text, errors                     the ground: bilingual texts, the exception tree
    _office/                         file formats: guards, xlsx and docx, YAML, output
    bank/                            question banks: model, files, tailoring
    questionnaire                    the frozen, fingerprinted questionnaire
    answers                          what vendors answered, in memory (no I/O)
    decision/                        weights, scoring, price, robustness (pure)
    workbooks/                       vendor, evaluator and screening workbooks
    deliverables/                    comparison workbook, memo, letters
    campaign/                        the campaign folder, workflow and demo
    testing, cli                     simulators for tests; the command line

Names are imported lazily (PEP 562) so that ``import ai_procurement`` and the command
line start fast; heavy libraries (openpyxl, python-docx, numpy) load on first use.
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ai_procurement.answers import (
        Answer as Answer,
        AnswerState as AnswerState,
        EvidenceRef as EvidenceRef,
        Finding as Finding,
        Report as Report,
        Response as Response,
    )
    from ai_procurement.bank.files import (
        dump_bank as dump_bank,
        list_banks as list_banks,
        load_bank as load_bank,
    )
    from ai_procurement.bank.model import (
        Bank as Bank,
        Better as Better,
        Condition as Condition,
        CostItem as CostItem,
        Criterion as Criterion,
        DateAnswer as DateAnswer,
        Evidence as Evidence,
        FreeText as FreeText,
        KnockOut as KnockOut,
        Level as Level,
        Linear as Linear,
        MultipleChoice as MultipleChoice,
        Number as Number,
        Option as Option,
        Price as Price,
        Question as Question,
        Recurrence as Recurrence,
        Reference as Reference,
        Scale as Scale,
        SingleChoice as SingleChoice,
        Step as Step,
        Thresholds as Thresholds,
        YesNo as YesNo,
        check_bank as check_bank,
    )
    from ai_procurement.bank.tailoring import (
        Tailoring as Tailoring,
        apply_tailoring as apply_tailoring,
    )
    from ai_procurement.campaign.folder import (
        Campaign as Campaign,
        init_campaign as init_campaign,
        load_campaign as load_campaign,
    )
    from ai_procurement.campaign.workflow import (
        check as check,
        evaluate_campaign as evaluate_campaign,
        prepare_reviews as prepare_reviews,
        publish as publish,
        score_campaign as score_campaign,
    )
    from ai_procurement.decision.price import (
        PRICE_METHODS as PRICE_METHODS,
        CostBreakdown as CostBreakdown,
        LowOfferCheck as LowOfferCheck,
        PriceScores as PriceScores,
        abnormally_low as abnormally_low,
        price_points as price_points,
        total_cost as total_cost,
    )
    from ai_procurement.decision.robustness import (
        Robustness as Robustness,
        assess_robustness as assess_robustness,
    )
    from ai_procurement.decision.scoring import (
        Evaluation as Evaluation,
        EvaluatorScore as EvaluatorScore,
        Override as Override,
        ScoreLine as ScoreLine,
        Settings as Settings,
        VendorResult as VendorResult,
        evaluate as evaluate,
    )
    from ai_procurement.decision.strategy import (
        AHPResult as AHPResult,
        Weighting as Weighting,
        ahp_weights as ahp_weights,
        direct_weights as direct_weights,
        rank_weights as rank_weights,
    )
    from ai_procurement.deliverables.comparison import (
        write_comparison as write_comparison,
    )
    from ai_procurement.deliverables.memo import (
        Procedure as Procedure,
        RejectedFile as RejectedFile,
        Signatory as Signatory,
        write_debrief as write_debrief,
        write_memo as write_memo,
    )
    from ai_procurement.deliverables.rules_annex import (
        AwardRules as AwardRules,
        LotRules as LotRules,
        write_rules_annex as write_rules_annex,
    )
    from ai_procurement.errors import (
        AIProcurementError as AIProcurementError,
        BankError as BankError,
        CampaignError as CampaignError,
        OutputError as OutputError,
        OutputExistsError as OutputExistsError,
        PriceError as PriceError,
        Problem as Problem,
        QuestionnaireError as QuestionnaireError,
        ResponseError as ResponseError,
        ScoringError as ScoringError,
        StrategyError as StrategyError,
    )
    from ai_procurement.questionnaire import (
        Consultation as Consultation,
        Questionnaire as Questionnaire,
        dump_questionnaire as dump_questionnaire,
        freeze as freeze,
        load_questionnaire as load_questionnaire,
    )
    from ai_procurement.text import (
        LANGUAGES as LANGUAGES,
        Lang as Lang,
        Text as Text,
    )
    from ai_procurement.workbooks.form import (
        write_questionnaire as write_questionnaire,
    )
    from ai_procurement.workbooks.response import (
        read_response as read_response,
    )
    from ai_procurement.workbooks.review import (
        ReviewResult as ReviewResult,
        read_review as read_review,
        write_review as write_review,
    )
    from ai_procurement.workbooks.screening import (
        read_screening as read_screening,
        write_screening as write_screening,
    )
    from ai_procurement.workbooks.signing import (
        load_key as load_key,
        new_key as new_key,
        write_key as write_key,
    )

__version__ = metadata.version("ai-procurement")

_EXPORTS: dict[str, str] = {
    "LANGUAGES": "text",
    "PRICE_METHODS": "decision.price",
    "AHPResult": "decision.strategy",
    "AIProcurementError": "errors",
    "Answer": "answers",
    "AnswerState": "answers",
    "AwardRules": "deliverables.rules_annex",
    "Bank": "bank.model",
    "BankError": "errors",
    "Better": "bank.model",
    "Campaign": "campaign.folder",
    "CampaignError": "errors",
    "Condition": "bank.model",
    "Consultation": "questionnaire",
    "CostBreakdown": "decision.price",
    "CostItem": "bank.model",
    "Criterion": "bank.model",
    "DateAnswer": "bank.model",
    "Evaluation": "decision.scoring",
    "EvaluatorScore": "decision.scoring",
    "Evidence": "bank.model",
    "EvidenceRef": "answers",
    "Finding": "answers",
    "FreeText": "bank.model",
    "KnockOut": "bank.model",
    "Lang": "text",
    "Level": "bank.model",
    "Linear": "bank.model",
    "LotRules": "deliverables.rules_annex",
    "LowOfferCheck": "decision.price",
    "MultipleChoice": "bank.model",
    "Number": "bank.model",
    "Option": "bank.model",
    "OutputError": "errors",
    "OutputExistsError": "errors",
    "Override": "decision.scoring",
    "Price": "bank.model",
    "PriceError": "errors",
    "PriceScores": "decision.price",
    "Problem": "errors",
    "Procedure": "deliverables.memo",
    "Question": "bank.model",
    "Questionnaire": "questionnaire",
    "QuestionnaireError": "errors",
    "Recurrence": "bank.model",
    "Reference": "bank.model",
    "RejectedFile": "deliverables.memo",
    "Report": "answers",
    "Response": "answers",
    "ResponseError": "errors",
    "ReviewResult": "workbooks.review",
    "Robustness": "decision.robustness",
    "Scale": "bank.model",
    "ScoreLine": "decision.scoring",
    "ScoringError": "errors",
    "Settings": "decision.scoring",
    "Signatory": "deliverables.memo",
    "SingleChoice": "bank.model",
    "Step": "bank.model",
    "StrategyError": "errors",
    "Tailoring": "bank.tailoring",
    "Text": "text",
    "Thresholds": "bank.model",
    "VendorResult": "decision.scoring",
    "Weighting": "decision.strategy",
    "YesNo": "bank.model",
    "abnormally_low": "decision.price",
    "ahp_weights": "decision.strategy",
    "apply_tailoring": "bank.tailoring",
    "assess_robustness": "decision.robustness",
    "check": "campaign.workflow",
    "check_bank": "bank.model",
    "direct_weights": "decision.strategy",
    "dump_bank": "bank.files",
    "dump_questionnaire": "questionnaire",
    "evaluate": "decision.scoring",
    "evaluate_campaign": "campaign.workflow",
    "freeze": "questionnaire",
    "init_campaign": "campaign.folder",
    "list_banks": "bank.files",
    "load_bank": "bank.files",
    "load_campaign": "campaign.folder",
    "load_key": "workbooks.signing",
    "load_questionnaire": "questionnaire",
    "new_key": "workbooks.signing",
    "prepare_reviews": "campaign.workflow",
    "price_points": "decision.price",
    "publish": "campaign.workflow",
    "rank_weights": "decision.strategy",
    "read_response": "workbooks.response",
    "read_review": "workbooks.review",
    "read_screening": "workbooks.screening",
    "score_campaign": "campaign.workflow",
    "total_cost": "decision.price",
    "write_comparison": "deliverables.comparison",
    "write_debrief": "deliverables.memo",
    "write_key": "workbooks.signing",
    "write_memo": "deliverables.memo",
    "write_questionnaire": "workbooks.form",
    "write_review": "workbooks.review",
    "write_rules_annex": "deliverables.rules_annex",
    "write_screening": "workbooks.screening",
}
"""The public API: each name and the module (under ``ai_procurement``) that defines it."""

__all__ = sorted(_EXPORTS)  # derived from the one table above


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ai_procurement' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
