"""ai_procurement: buy software that embeds AI, and decide in a way you can defend.

Question banks on AI governance become Excel questionnaires for vendors; returned files
are checked and read back, scored, tested for robustness and turned into a comparison
workbook and a decision memo.

The package reads as the flow, each wing importing only the wings below it::

    text, errors, findings           the ground: texts, exceptions, problems in files
    _office/                         file formats: guards, xlsx and docx, YAML, output
    bank/                            question banks: model, files, tailoring
    legal/                           dated legal facts, the closed list of procedures
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ai_procurement.answers import (
        Answer as Answer,
        AnswerState as AnswerState,
        EvidenceRef as EvidenceRef,
        Report as Report,
        Response as Response,
        apply_conditions as apply_conditions,
        condition_holds as condition_holds,
    )
    from ai_procurement.bank.files import (
        dump_bank as dump_bank,
        list_banks as list_banks,
        load_bank as load_bank,
    )
    from ai_procurement.bank.grid import (
        GridImport as GridImport,
        GridIssue as GridIssue,
        GridMapping as GridMapping,
        detect_mapping as detect_mapping,
        import_grid as import_grid,
        parse_mapping as parse_mapping,
    )
    from ai_procurement.bank.model import (
        AGGREGATIONS as AGGREGATIONS,
        Aggregation as Aggregation,
        AllOf as AllOf,
        AnswerGuidance as AnswerGuidance,
        AnyOf as AnyOf,
        Applicability as Applicability,
        Bank as Bank,
        Better as Better,
        Condition as Condition,
        CostItem as CostItem,
        Criterion as Criterion,
        DateAnswer as DateAnswer,
        DqeItem as DqeItem,
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
        SubCriterion as SubCriterion,
        Thresholds as Thresholds,
        Verification as Verification,
        YesNo as YesNo,
        bank_warnings as bank_warnings,
        check_bank as check_bank,
        condition_questions as condition_questions,
        effective_condition as effective_condition,
        guidance_for as guidance_for,
    )
    from ai_procurement.bank.requirements import (
        LevelRequirements as LevelRequirements,
        apply_impact_level as apply_impact_level,
        load_level_requirements as load_level_requirements,
        tailor_for_impact as tailor_for_impact,
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
    from ai_procurement.campaign.reviews import (
        ReviewProblem as ReviewProblem,
        ReviewsIncompleteError as ReviewsIncompleteError,
    )
    from ai_procurement.campaign.rounds import (
        Decisions as Decisions,
        PriceDecision as PriceDecision,
        Round as Round,
        load_decisions as load_decisions,
        load_rounds as load_rounds,
        start_round as start_round,
    )
    from ai_procurement.campaign.workflow import (
        check as check,
        evaluate_campaign as evaluate_campaign,
        prepare_reviews as prepare_reviews,
        publish as publish,
        score_campaign as score_campaign,
    )
    from ai_procurement.decision.commitments import (
        Commitment as Commitment,
        binding_commitments as binding_commitments,
    )
    from ai_procurement.decision.impact import (
        ImpactAssessment as ImpactAssessment,
        assess_impact as assess_impact,
    )
    from ai_procurement.decision.lots import (
        LotAward as LotAward,
        RankedOffer as RankedOffer,
        propose_awards as propose_awards,
    )
    from ai_procurement.decision.panel import (
        AdoptedWeights as AdoptedWeights,
        PanelResult as PanelResult,
        Participant as Participant,
        aggregate_panel as aggregate_panel,
        weights_origin as weights_origin,
    )
    from ai_procurement.decision.price import (
        PRICE_METHODS as PRICE_METHODS,
        Budget as Budget,
        BudgetCheck as BudgetCheck,
        CostBreakdown as CostBreakdown,
        LowOfferCheck as LowOfferCheck,
        PriceScores as PriceScores,
        abnormally_low as abnormally_low,
        check_budget as check_budget,
        offer_cost as offer_cost,
        price_points as price_points,
        total_cost as total_cost,
    )
    from ai_procurement.decision.robustness import (
        Robustness as Robustness,
        assess_robustness as assess_robustness,
    )
    from ai_procurement.decision.rounds import (
        OfferVersion as OfferVersion,
        RoundKind as RoundKind,
        round_refusal as round_refusal,
    )
    from ai_procurement.decision.rules_check import (
        OfferProfile as OfferProfile,
        RulesCheck as RulesCheck,
        check_rules as check_rules,
    )
    from ai_procurement.decision.scoring import (
        Evaluation as Evaluation,
        EvaluatorScore as EvaluatorScore,
        Override as Override,
        ScoreLine as ScoreLine,
        Settings as Settings,
        VendorResult as VendorResult,
        aggregation_multiplier as aggregation_multiplier,
        evaluate as evaluate,
        question_shares as question_shares,
    )
    from ai_procurement.decision.strategy import (
        AHPResult as AHPResult,
        Weighting as Weighting,
        ahp_weights as ahp_weights,
        direct_weights as direct_weights,
        rank_weights as rank_weights,
    )
    from ai_procurement.deliverables.commitments import (
        write_commitments_annex as write_commitments_annex,
    )
    from ai_procurement.deliverables.comparison import (
        write_comparison as write_comparison,
    )
    from ai_procurement.deliverables.debrief import (
        write_debrief as write_debrief,
        write_debriefs as write_debriefs,
    )
    from ai_procurement.deliverables.memo import (
        write_memo as write_memo,
        write_report as write_report,
    )
    from ai_procurement.deliverables.procedure import (
        Deposit as Deposit,
        Procedure as Procedure,
        RejectedFile as RejectedFile,
        Signatory as Signatory,
    )
    from ai_procurement.deliverables.robustness_annex import (
        write_robustness_annex as write_robustness_annex,
    )
    from ai_procurement.deliverables.round_letters import (
        LetterPoint as LetterPoint,
        RoundLetter as RoundLetter,
        write_round_letter as write_round_letter,
    )
    from ai_procurement.deliverables.rules_annex import (
        AwardRules as AwardRules,
        LotRules as LotRules,
        write_rules_annex as write_rules_annex,
    )
    from ai_procurement.deliverables.rules_check import (
        write_rules_check as write_rules_check,
    )
    from ai_procurement.errors import (
        AIProcurementError as AIProcurementError,
        BankError as BankError,
        CampaignError as CampaignError,
        InputError as InputError,
        LegalDataError as LegalDataError,
        OutputError as OutputError,
        OutputExistsError as OutputExistsError,
        PriceError as PriceError,
        Problem as Problem,
        QuestionnaireError as QuestionnaireError,
        ResponseError as ResponseError,
        ScoringError as ScoringError,
        StrategyError as StrategyError,
    )
    from ai_procurement.findings import (
        Finding as Finding,
    )
    from ai_procurement.legal.facts import (
        LegalFact as LegalFact,
        LegalFacts as LegalFacts,
        legal_facts as legal_facts,
        load_legal_facts as load_legal_facts,
    )
    from ai_procurement.legal.precedence import (
        precedence_rule as precedence_rule,
    )
    from ai_procurement.legal.procedure import (
        ProcedureKind as ProcedureKind,
        ProcedureRules as ProcedureRules,
        procedure_rules as procedure_rules,
    )
    from ai_procurement.questionnaire import (
        Consultation as Consultation,
        Questionnaire as Questionnaire,
        aggregation_sentence as aggregation_sentence,
        dump_questionnaire as dump_questionnaire,
        freeze as freeze,
        load_questionnaire as load_questionnaire,
        sub_criterion_points as sub_criterion_points,
    )
    from ai_procurement.text import (
        LANGUAGES as LANGUAGES,
        Lang as Lang,
        Text as Text,
    )
    from ai_procurement.workbooks.form import (
        write_questionnaire as write_questionnaire,
    )
    from ai_procurement.workbooks.impact import (
        ImpactReading as ImpactReading,
        read_impact as read_impact,
        write_impact as write_impact,
    )
    from ai_procurement.workbooks.inventory import (
        Declaration as Declaration,
        export_register as export_register,
        read_declarations as read_declarations,
        write_inventory as write_inventory,
        write_inventory_summary as write_inventory_summary,
    )
    from ai_procurement.workbooks.panel import (
        PanelReading as PanelReading,
        read_panel as read_panel,
        write_panel as write_panel,
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

__version__: str  # read from the package metadata on first use (see __getattr__)

_EXPORTS: dict[str, str] = {
    "AGGREGATIONS": "bank.model",
    "LANGUAGES": "text",
    "PRICE_METHODS": "decision.price",
    "AHPResult": "decision.strategy",
    "AIProcurementError": "errors",
    "AdoptedWeights": "decision.panel",
    "Aggregation": "bank.model",
    "AllOf": "bank.model",
    "Answer": "answers",
    "AnswerGuidance": "bank.model",
    "AnswerState": "answers",
    "AnyOf": "bank.model",
    "Applicability": "bank.model",
    "AwardRules": "deliverables.rules_annex",
    "Bank": "bank.model",
    "BankError": "errors",
    "Better": "bank.model",
    "Budget": "decision.price",
    "BudgetCheck": "decision.price",
    "Campaign": "campaign.folder",
    "CampaignError": "errors",
    "Commitment": "decision.commitments",
    "Condition": "bank.model",
    "Consultation": "questionnaire",
    "CostBreakdown": "decision.price",
    "CostItem": "bank.model",
    "Criterion": "bank.model",
    "DateAnswer": "bank.model",
    "Decisions": "campaign.rounds",
    "Declaration": "workbooks.inventory",
    "Deposit": "deliverables.procedure",
    "DqeItem": "bank.model",
    "Evaluation": "decision.scoring",
    "EvaluatorScore": "decision.scoring",
    "Evidence": "bank.model",
    "EvidenceRef": "answers",
    "Finding": "findings",
    "FreeText": "bank.model",
    "GridImport": "bank.grid",
    "GridIssue": "bank.grid",
    "GridMapping": "bank.grid",
    "ImpactAssessment": "decision.impact",
    "ImpactReading": "workbooks.impact",
    "InputError": "errors",
    "KnockOut": "bank.model",
    "Lang": "text",
    "LegalDataError": "errors",
    "LegalFact": "legal.facts",
    "LegalFacts": "legal.facts",
    "LetterPoint": "deliverables.round_letters",
    "Level": "bank.model",
    "LevelRequirements": "bank.requirements",
    "Linear": "bank.model",
    "LotAward": "decision.lots",
    "LotRules": "deliverables.rules_annex",
    "LowOfferCheck": "decision.price",
    "MultipleChoice": "bank.model",
    "Number": "bank.model",
    "OfferProfile": "decision.rules_check",
    "OfferVersion": "decision.rounds",
    "Option": "bank.model",
    "OutputError": "errors",
    "OutputExistsError": "errors",
    "Override": "decision.scoring",
    "PanelReading": "workbooks.panel",
    "PanelResult": "decision.panel",
    "Participant": "decision.panel",
    "Price": "bank.model",
    "PriceDecision": "campaign.rounds",
    "PriceError": "errors",
    "PriceScores": "decision.price",
    "Problem": "errors",
    "Procedure": "deliverables.procedure",
    "ProcedureKind": "legal.procedure",
    "ProcedureRules": "legal.procedure",
    "Question": "bank.model",
    "Questionnaire": "questionnaire",
    "QuestionnaireError": "errors",
    "RankedOffer": "decision.lots",
    "Recurrence": "bank.model",
    "Reference": "bank.model",
    "RejectedFile": "deliverables.procedure",
    "Report": "answers",
    "Response": "answers",
    "ResponseError": "errors",
    "ReviewProblem": "campaign.reviews",
    "ReviewResult": "workbooks.review",
    "ReviewsIncompleteError": "campaign.reviews",
    "Robustness": "decision.robustness",
    "Round": "campaign.rounds",
    "RoundKind": "decision.rounds",
    "RoundLetter": "deliverables.round_letters",
    "RulesCheck": "decision.rules_check",
    "Scale": "bank.model",
    "ScoreLine": "decision.scoring",
    "ScoringError": "errors",
    "Settings": "decision.scoring",
    "Signatory": "deliverables.procedure",
    "SingleChoice": "bank.model",
    "Step": "bank.model",
    "StrategyError": "errors",
    "SubCriterion": "bank.model",
    "Tailoring": "bank.tailoring",
    "Text": "text",
    "Thresholds": "bank.model",
    "VendorResult": "decision.scoring",
    "Verification": "bank.model",
    "Weighting": "decision.strategy",
    "YesNo": "bank.model",
    "abnormally_low": "decision.price",
    "aggregate_panel": "decision.panel",
    "aggregation_multiplier": "decision.scoring",
    "aggregation_sentence": "questionnaire",
    "ahp_weights": "decision.strategy",
    "apply_conditions": "answers",
    "apply_impact_level": "bank.requirements",
    "apply_tailoring": "bank.tailoring",
    "assess_impact": "decision.impact",
    "assess_robustness": "decision.robustness",
    "bank_warnings": "bank.model",
    "binding_commitments": "decision.commitments",
    "check": "campaign.workflow",
    "check_bank": "bank.model",
    "check_budget": "decision.price",
    "check_rules": "decision.rules_check",
    "condition_holds": "answers",
    "condition_questions": "bank.model",
    "detect_mapping": "bank.grid",
    "direct_weights": "decision.strategy",
    "dump_bank": "bank.files",
    "dump_questionnaire": "questionnaire",
    "effective_condition": "bank.model",
    "evaluate": "decision.scoring",
    "evaluate_campaign": "campaign.workflow",
    "export_register": "workbooks.inventory",
    "freeze": "questionnaire",
    "guidance_for": "bank.model",
    "import_grid": "bank.grid",
    "init_campaign": "campaign.folder",
    "legal_facts": "legal.facts",
    "list_banks": "bank.files",
    "load_bank": "bank.files",
    "load_campaign": "campaign.folder",
    "load_decisions": "campaign.rounds",
    "load_key": "workbooks.signing",
    "load_legal_facts": "legal.facts",
    "load_level_requirements": "bank.requirements",
    "load_questionnaire": "questionnaire",
    "load_rounds": "campaign.rounds",
    "new_key": "workbooks.signing",
    "offer_cost": "decision.price",
    "parse_mapping": "bank.grid",
    "precedence_rule": "legal.precedence",
    "prepare_reviews": "campaign.workflow",
    "price_points": "decision.price",
    "procedure_rules": "legal.procedure",
    "propose_awards": "decision.lots",
    "publish": "campaign.workflow",
    "question_shares": "decision.scoring",
    "rank_weights": "decision.strategy",
    "read_declarations": "workbooks.inventory",
    "read_impact": "workbooks.impact",
    "read_panel": "workbooks.panel",
    "read_response": "workbooks.response",
    "read_review": "workbooks.review",
    "read_screening": "workbooks.screening",
    "round_refusal": "decision.rounds",
    "score_campaign": "campaign.workflow",
    "start_round": "campaign.rounds",
    "sub_criterion_points": "questionnaire",
    "tailor_for_impact": "bank.requirements",
    "total_cost": "decision.price",
    "weights_origin": "decision.panel",
    "write_commitments_annex": "deliverables.commitments",
    "write_comparison": "deliverables.comparison",
    "write_debrief": "deliverables.debrief",
    "write_debriefs": "deliverables.debrief",
    "write_impact": "workbooks.impact",
    "write_inventory": "workbooks.inventory",
    "write_inventory_summary": "workbooks.inventory",
    "write_key": "workbooks.signing",
    "write_memo": "deliverables.memo",
    "write_panel": "workbooks.panel",
    "write_questionnaire": "workbooks.form",
    "write_report": "deliverables.memo",
    "write_review": "workbooks.review",
    "write_robustness_annex": "deliverables.robustness_annex",
    "write_round_letter": "deliverables.round_letters",
    "write_rules_annex": "deliverables.rules_annex",
    "write_rules_check": "deliverables.rules_check",
    "write_screening": "workbooks.screening",
}
"""The public API: each name and the module (under ``ai_procurement``) that defines it."""

__all__ = sorted(_EXPORTS)  # derived from the one table above


def __getattr__(name: str) -> Any:
    if name == "__version__":
        # From the installed package's metadata, written once in pyproject.toml; read
        # on first use, since importlib.metadata costs tens of milliseconds at start-up.
        from importlib import metadata

        value = globals()["__version__"] = metadata.version("ai-procurement")
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ai_procurement' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
