"""Benchmark: ``evaluate`` on a 30-vendor x 150-question campaign, from files to deliverables.

Builds a campaign whose bank is ``ai-territorial`` grown to 150 questions, lets 30
fictional vendors fill their workbooks (as the demo does), then times each stage of
``ai-procurement evaluate`` and, beside it, what the raw libraries need for comparable
work in the same run: openpyxl reading the same 30 files, writing a workbook with the
same cells, and python-docx writing a document with the same paragraphs.
Also times ``ai-procurement --help`` in a fresh interpreter.

Run: ``python benchmarks/bench_campaign.py`` (after ``pip install .``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

VENDORS = 30
QUESTIONS = 150


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def build_campaign(root: Path) -> Any:
    """A campaign folder with 30 filled responses and 2 filled reviews."""
    import ai_procurement as ap
    from ai_procurement._office.files import write_atomic
    from ai_procurement.campaign import demo
    from ai_procurement.campaign.folder import load_campaign
    from ai_procurement.campaign.workflow import check, prepare_reviews, publish, slug
    from ai_procurement.testing import fill_questionnaire, fill_review

    bank = ap.load_bank("ai-territorial")
    extra: list[Any] = []
    plain = [q for _, q in bank.questions() if q.applies_if is None and q.knockout is None
             and not isinstance(q.answer, ap.Price)]
    index = 0
    while sum(1 for _ in bank.questions()) + len(extra) < QUESTIONS:
        source = plain[index % len(plain)]
        extra.append(attrs.evolve(source, id=f"{source.id}-X{index}"))
        index += 1
    criteria = list(bank.criteria)
    criteria[1] = attrs.evolve(criteria[1], questions=(*criteria[1].questions, *extra))
    grown = attrs.evolve(bank, id="bench-150", criteria=tuple(criteria))
    root.mkdir(parents=True, exist_ok=True)
    ap.dump_bank(grown, root / "bank.yaml")
    vendors = [f"Vendor {i:02d}" for i in range(VENDORS)]
    # An invited consultation (one signed workbook per vendor) on the demo's settings.
    config = demo.DEMO_CAMPAIGN.format(language="fr").replace("bank: ai-territorial",
                                                              "bank: bank.yaml")
    listed = "".join(f"  - {v}\n" for v in vendors)
    start = config.index("mode: open\n")
    end = config.index("evaluators:")
    config = config[:start] + "mode: invited\nvendors:\n" + listed + config[end:]
    for name in ("private", "outbox", "responses", "reports", "reviews", "out"):
        (root / name).mkdir(exist_ok=True)
    write_atomic(root / "campaign.yaml", config.encode(), overwrite=True)
    write_atomic(root / "private" / "signing.key", demo.DEMO_KEY.hex().encode(),
                 overwrite=True)
    campaign = load_campaign(root)
    publish(campaign, force=True)
    questionnaire = campaign.frozen()
    plans = {}
    for i, vendor in enumerate(vendors):
        profile = demo.Profile(vendor, 0.4 + 0.5 * (i % 7) / 6, 100 + i, 0.8 + 0.03 * i)
        plans[vendor] = demo._plan(questionnaire, profile)
    for vendor in vendors:
        source = root / "outbox" / f"{slug(vendor)}.xlsx"
        write_atomic(root / "responses" / f"{slug(vendor)}.xlsx",
                     fill_questionnaire(source, questionnaire, plans[vendor], "fr"),
                     overwrite=True)
    check(campaign, force=True)
    for path in prepare_reviews(campaign, force=True):
        evaluator = next(e for e in campaign.config.evaluators if slug(e) == path.stem)
        levels = {}
        for _, q in questionnaire.bank.questions():
            if isinstance(q.answer, ap.FreeText):
                for i, vendor in enumerate(vendors):
                    if plans[vendor][q.id].value is not None:
                        j = campaign.config.evaluators.index(evaluator)
                        levels[(vendor, q.id)] = ((i + j) % 5, "Justified.")
        write_atomic(path, fill_review(path, questionnaire, sorted(vendors), "fr", levels),
                     overwrite=True)
    return campaign


def stages(campaign: Any) -> dict[str, float]:
    """Time each stage of evaluate_campaign, as it runs them."""
    from ai_procurement.campaign.workflow import _procedure, check, slug, usable_responses
    from ai_procurement.decision.robustness import assess_robustness
    from ai_procurement.decision.scoring import evaluate
    from ai_procurement.deliverables.comparison import write_comparison
    from ai_procurement.deliverables.debrief import write_debriefs
    from ai_procurement.deliverables.memo import write_memo
    from ai_procurement.workbooks.review import read_review

    config = campaign.config
    questionnaire = campaign.frozen()
    key = campaign.key()
    out = Path(tempfile.mkdtemp())
    times: dict[str, float] = {}
    times["check 30 files"], checked = _timed(lambda: check(campaign, force=True))
    responses = usable_responses(checked)
    times["read reviews"], reviews = _timed(lambda: [
        s for p in campaign.review_files()
        for s in read_review(p, questionnaire, key=key, vendors=sorted(responses)).scores])
    times["score"], evaluation = _timed(lambda: evaluate(
        questionnaire, responses, settings=campaign.lot().scoring, reviews=reviews))
    r = config.robustness
    times["robustness"], tested = _timed(lambda: assess_robustness(
        evaluation, samples=r.samples, seed=r.seed, band=r.band,
        close_call_threshold=r.close_call_threshold))
    times["comparison workbook"], _ = _timed(lambda: write_comparison(
        evaluation, out / "c.xlsx", robustness=tested, generated=config.report_date))
    lot = campaign.lot()
    procedure = {lang: _procedure(campaign, lot, checked, lang) for lang in ("fr", "en")}
    for lang in ("fr", "en"):
        times[f"memo {lang}"], _ = _timed(lambda lang=lang: write_memo(
            evaluation, out / f"m-{lang}.docx", lang=lang, robustness=tested,
            generated=config.report_date, procedure=procedure[lang]))
    winners = {v.vendor for v in evaluation.ranking if v.rank == 1}
    losers = [v.vendor for v in evaluation.vendors if v.vendor not in winners]
    times[f"{len(losers)} debrief letters"], _ = _timed(lambda: write_debriefs(
        evaluation, {v: out / f"d-{slug(v)}.docx" for v in losers},
        generated=config.report_date, procedure=procedure["fr"]))
    return times


def raw_libraries(campaign: Any) -> dict[str, float]:
    """What openpyxl and python-docx need for comparable work, with no content logic."""
    import docx
    from openpyxl import Workbook, load_workbook

    files = campaign.response_files()
    times: dict[str, float] = {}

    def read_all() -> None:
        for path in files:
            wb = load_workbook(path, read_only=True)
            for ws in wb.worksheets:
                for _ in ws.iter_rows(values_only=True):
                    pass
            wb.close()

    times["openpyxl read-only pass, 30 files"], _ = _timed(read_all)

    def write_cells() -> None:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        for row in range(VENDORS * QUESTIONS):
            ws.append([row, "question", "answer text", 0.5, 1.0, 2.5, "rule", "source"])
        wb.save(tempfile.mktemp(suffix=".xlsx"))

    times["openpyxl writing 4 500 x 8 cells"], _ = _timed(write_cells)

    def write_document() -> None:
        document = docx.Document()
        for row in range(600):
            document.add_paragraph(f"Paragraph {row} of the memo with some words in it.")
        table = document.add_table(rows=VENDORS * 20, cols=5)
        for cells in table.rows:
            for cell in cells.cells:
                cell.text = "value"
        document.save(tempfile.mktemp(suffix=".docx"))

    times["python-docx 600 paragraphs + 3 000 cells"], _ = _timed(write_document)
    return times


def help_time() -> float:
    """Median wall time of ``python -m ai_procurement --help`` in a fresh interpreter."""
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ai_procurement", "--help"], check=True,
                       capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print(f"building a campaign of {VENDORS} vendors x {QUESTIONS} questions ...")
        campaign = build_campaign(Path(folder) / "campaign")
        measured = stages(campaign)
        total = sum(measured.values())
        print("\nevaluate, per stage (target: under 5 s in all):")
        for name, seconds in measured.items():
            print(f"  {name:32} {seconds:7.3f} s")
        print(f"  {'total':32} {total:7.3f} s")
        raw = raw_libraries(campaign)
        print("\nraw libraries, same run:")
        for name, seconds in raw.items():
            print(f"  {name:40} {seconds:7.3f} s")
        read = measured["check 30 files"]
        plain = raw["openpyxl read-only pass, 30 files"]
        print(f"\n  checking vs a plain openpyxl read-only pass: {plain / read:5.1f}x faster")
    print(f"\nai-procurement --help: {help_time() * 1000:.0f} ms (target: under 300 ms)")


if __name__ == "__main__":
    main()
