"""Benchmark of :func:`ai_procurement.decision.scoring.evaluate` on a large tender.

Problem: 200 vendors answer a generated bank of 500 questions: 499 rule-scored
questions (yes/no, single choice, multiple choice by sum and by best option, scale,
number on a linear curve and on thresholds, date with a deadline) spread over criteria of
25 questions, and a price question (a cost breakdown over 4 years) in its own criterion.
One question in twenty is a knock-out, one in seven allows "not applicable", one in
five requires evidence. Answers are drawn at random (seeded) in every state: answered
(about 90 %), unanswered, not applicable with or without a justification; knock-out
questions are answered with an acceptable value, except by one vendor in ten, which fails
one of them. Responses are built
directly (no files are read).

The time is the median of 3 runs of ``evaluate()`` after one warm-up run, in wall-clock
and CPU time (the CPU time is steadier on a busy machine).

Run: ``python benchmarks/bench_scoring.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time

from ai_procurement.answers import Answer, AnswerState, AnswerValue, EvidenceRef, Report, Response
from ai_procurement.bank.model import (
    AnswerSpec,
    Bank,
    Better,
    CostItem,
    Criterion,
    DateAnswer,
    Evidence,
    KnockOut,
    Level,
    Linear,
    MultipleChoice,
    Number,
    Option,
    Price,
    Question,
    Recurrence,
    Scale,
    SingleChoice,
    Step,
    Thresholds,
    YesNo,
)
from ai_procurement.decision.scoring import Settings, evaluate
from ai_procurement.questionnaire import Consultation, freeze
from ai_procurement.text import Text

VENDORS = 200
QUESTIONS = 500
PER_CRITERION = 25
REPEATS = 3
SEED = 2026

KINDS = ("yes_no", "single", "multiple_sum", "multiple_best", "scale", "linear", "thresholds",
         "date")
DEADLINE = dt.date(2027, 6, 30)


def t(text: str) -> Text:
    return Text(text, text)


def spec(kind: str) -> AnswerSpec:
    options = tuple(Option(f"o{i}", t(f"Option {i}"), float(i)) for i in range(4))
    if kind == "yes_no":
        return YesNo(2.0, 0.0)
    if kind == "single":
        return SingleChoice(options)
    if kind == "multiple_sum":
        return MultipleChoice(options, "sum", 4.0)
    if kind == "multiple_best":
        return MultipleChoice(options, "best")
    if kind == "scale":
        return Scale(tuple(Level(i, t(f"Level {i}")) for i in range(5)))
    if kind == "linear":
        return Number(t("Wh"), Linear(0.5, 5.0, Better.LOWER), minimum=0.0)
    if kind == "thresholds":
        return Number(t("%"), Thresholds((Step(50, 0.5), Step(90, 1.0)), Better.HIGHER))
    return DateAnswer(DEADLINE)


def knockout(kind: str) -> KnockOut | None:
    if kind == "yes_no":
        return KnockOut(t("Mandatory"), ("no",))
    if kind in ("single", "multiple_sum", "multiple_best"):
        return KnockOut(t("Mandatory"), ("o0",))
    if kind in ("linear", "thresholds"):
        return KnockOut(t("Mandatory"), below=-1.0)  # rarely fails: values are >= 0
    return None


def build_bank(rng: random.Random) -> tuple[Bank, dict[str, str]]:
    questions: list[Question] = []
    kinds: dict[str, str] = {}
    for n in range(QUESTIONS - 1):
        kind = KINDS[n % len(KINDS)]
        qid = f"Q{n:03d}"
        kinds[qid] = kind
        questions.append(Question(
            qid, t(f"Question {n}"), t("Why"), spec(kind), weight=float(rng.randint(1, 3)),
            knockout=knockout(kind) if n % 20 == 0 else None, na_allowed=n % 7 == 3,
            evidence=Evidence.REQUIRED if n % 5 == 0 else Evidence.OPTIONAL))
    criteria = [Criterion(f"C{i // PER_CRITERION:02d}", t("Criterion"), t("Description"),
                          float(rng.randint(1, 5)),
                          tuple(questions[i:i + PER_CRITERION]))
                for i in range(0, len(questions), PER_CRITERION)]
    criteria.append(Criterion("PRICE", t("Price"), t("Total cost"), 10.0, (Question(
        "PRICE-01", t("Prices"), t("Why"),
        Price((CostItem("licence", t("Licence"), Recurrence.YEARLY),
               CostItem("setup", t("Set-up"), Recurrence.ONCE)), 4)),), ("price",)))
    bank = Bank("bench", "1", t("Benchmark bank"), t("For timings"), tuple(criteria))
    return bank, kinds


def value(kind: str, rng: random.Random) -> AnswerValue:
    if kind == "yes_no":
        return rng.choice(("yes", "yes", "yes", "no"))
    if kind == "single":
        return f"o{rng.randint(1, 3)}"
    if kind.startswith("multiple"):
        return tuple(f"o{i}" for i in range(1, 4) if rng.random() < 0.5)
    if kind == "scale":
        return rng.randint(0, 4)
    if kind == "linear":
        return round(rng.uniform(0, 6), 2)
    if kind == "thresholds":
        return float(rng.randint(0, 100))
    return DEADLINE + dt.timedelta(days=rng.randint(-200, 30))


def build_response(vendor: int, bank: Bank, kinds: dict[str, str],
                   rng: random.Random) -> Response:
    answers: dict[str, Answer] = {}
    for _, q in bank.questions():
        if q.id not in kinds:
            continue
        roll = rng.random()
        evidence = EvidenceRef("offer.pdf", "12") if rng.random() < 0.7 else EvidenceRef()
        if q.knockout is not None:
            # Q000 is a yes/no knock-out on "no": one vendor in ten fails it.
            passing = value(kinds[q.id], rng) if kinds[q.id] != "yes_no" else "yes"
            failing = q.id == "Q000" and vendor % 10 == 0
            answers[q.id] = Answer(q.id, AnswerState.ANSWERED, "no" if failing else passing,
                                   evidence=evidence)
        elif roll < 0.9:
            answers[q.id] = Answer(q.id, AnswerState.ANSWERED, value(kinds[q.id], rng),
                                   evidence=evidence)
        elif roll < 0.95:
            answers[q.id] = Answer(q.id, AnswerState.UNANSWERED)
        else:
            why = "Not relevant to our product." if rng.random() < 0.5 else ""
            answers[q.id] = Answer(q.id, AnswerState.NOT_APPLICABLE, justification=why)
    answers["PRICE-01"] = Answer("PRICE-01", AnswerState.ANSWERED, {
        "licence": float(rng.randint(5_000, 20_000)), "setup": float(rng.randint(0, 30_000))})
    name = f"vendor-{vendor:03d}.xlsx"
    return Response(name, f"token-{vendor}", answers, Report(name, "0" * 64, ()))


def main() -> None:
    rng = random.Random(SEED)
    bank, kinds = build_bank(rng)
    questionnaire = freeze(bank, Consultation("BENCH-1", "Benchmark", "Buyer"))
    responses = {f"V{v:03d}": build_response(v, bank, kinds, rng) for v in range(VENDORS)}
    settings = Settings(total_points=100, price_method="classique")

    result = evaluate(questionnaire, responses, settings=settings)  # warm-up
    times, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = evaluate(questionnaire, responses, settings=settings)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)

    ranked = len(result.ranking)
    print(f"evaluate(): {VENDORS} vendors x {QUESTIONS} questions "
          f"({len(result.lines)} score lines, {ranked} ranked, "
          f"{VENDORS - ranked} non-compliant)")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    print(f"median of {REPEATS}: {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}); "
          f"CPU time, median: {statistics.median(cpu):.3f} s")


if __name__ == "__main__":
    main()
