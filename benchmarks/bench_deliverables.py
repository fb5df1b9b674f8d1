"""Benchmarks of the deliverables a committee reads: the decision memo and the comparison.

Problem: 30 offers answer a generated bank of 150 questions: 12 criteria of 12 or 13
questions (yes/no, single choice, scale, number on a linear curve, and one free text per
criterion scored by two evaluators) and a price question (a cost breakdown over 4 years)
in its own criterion. Answers are drawn at random (seeded); about one answer in 25 is
left blank. Responses are built directly (no files are read) and evaluated once, outside
the timings.

``bench_memo``: the time of ``write_memo()`` (median of 3 runs, after one warm-up run
that also imports python-docx), beside python-docx writing a document with
the same number of paragraphs and the same tables (rows, columns and cell texts, taken
from the memo) through its ordinary API, with no content logic and no charts.

``bench_comparison``: the time of ``write_comparison()`` (written by the library's own
workbook writer, ``ai_procurement._office.sheets``) with the robustness checks (computed
once, outside the timing; median of 3 runs after one warm-up run), beside openpyxl and
XlsxWriter each writing a workbook with the same sheets and the same cell values (read
back from the comparison) through their ordinary API, with no styles, formats, charts
or content logic.

Both give wall-clock and CPU time (CPU time is steadier on a busy host); the last line
adds the workbook's and the memo's times up, against the target of 2 s together.

Run: ``python benchmarks/bench_deliverables.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from ai_procurement.answers import Answer, AnswerState, EvidenceRef, Report, Response
from ai_procurement.bank.model import (
    Bank,
    Better,
    CostItem,
    Criterion,
    FreeText,
    Level,
    Linear,
    Number,
    Option,
    Price,
    Question,
    Recurrence,
    Scale,
    SingleChoice,
    YesNo,
)
from ai_procurement.decision.scoring import Evaluation, EvaluatorScore, Settings, evaluate
from ai_procurement.questionnaire import Consultation, freeze
from ai_procurement.text import Text

OFFERS = 30
QUESTIONS = 150
CRITERIA = 12
REPEATS = 3
SEED = 7

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LEVELS = tuple(Level(i, Text(f"niveau {i}", f"level {i}")) for i in range(5))
_SENTENCE = ("Le système conserve un journal de chaque réponse proposée ; un agent valide "
             "toute réponse envoyée à un usager ; un comité trimestriel revoit les indicateurs.")


def _t(text: str) -> Text:
    return Text(text, text)


def _question(qid: str, kind: int) -> Question:
    text = _t(f"Question {qid} : décrivez précisément votre engagement sur ce point, avec "
              "les preuves disponibles.")
    why = _t("Pour comparer les offres sur ce point.")
    if kind == 0:
        return Question(qid, text, why, YesNo())
    if kind == 1:
        return Question(qid, text, why, SingleChoice(tuple(
            Option(f"o{i}", _t(f"Option {i} : niveau d'engagement {i}"), float(i))
            for i in range(4))))
    if kind == 2:
        return Question(qid, text, why, Scale(_LEVELS))
    return Question(qid, text, why, Number(_t("heures"), Linear(0.0, 100.0, Better.HIGHER),
                                           minimum=0.0))


def build_evaluation(offers: int = OFFERS, questions: int = QUESTIONS,
                     seed: int = SEED) -> Evaluation:
    """``offers`` vendors answering ``questions`` questions (one of them the price)."""
    rng = random.Random(seed)
    scored = questions - 1
    criteria = []
    for c in range(CRITERIA):
        count = scored // CRITERIA + (1 if c < scored % CRITERIA else 0)
        cid = f"C{c + 1:02d}"
        items = [Question(f"{cid}-01", _t(f"Décrivez votre démarche ({cid})."),
                          _t("Pour apprécier la démarche."), FreeText(_LEVELS))]
        items += [_question(f"{cid}-{q + 1:02d}", q % 4) for q in range(1, count)]
        criteria.append(Criterion(cid, _t(f"Critère {c + 1} de la consultation"),
                                  _t("Un critère."), float(rng.randint(2, 8)), tuple(items)))
    price = Price((CostItem("licence", _t("Licence"), Recurrence.YEARLY),
                   CostItem("setup", _t("Mise en place"), Recurrence.ONCE)), 4)
    criteria.append(Criterion("PRICE", _t("Prix"), _t("Coût complet"), 30.0, (
        Question("PRICE-01", _t("Détaillez vos prix."), _t("Coût complet."), price),)))
    bank = Bank("bench", "1", _t("Banque de mesure"), _t("Mesure"), tuple(criteria))
    questionnaire = freeze(bank, Consultation("BENCH-1", "Mesure", "Acheteur"))
    responses: dict[str, Response] = {}
    reviews: list[EvaluatorScore] = []
    for v in range(offers):
        vendor = f"Offre {v + 1:02d}"
        answers: dict[str, Answer] = {}
        for _, q in bank.questions():
            spec = q.answer
            evidence = EvidenceRef("memoire-technique.pdf", str(rng.randint(1, 80)))
            if rng.random() < 0.04 and not isinstance(spec, Price):
                answers[q.id] = Answer(q.id, AnswerState.UNANSWERED)
                continue
            value: object
            if isinstance(spec, YesNo):
                value = rng.choice(("yes", "no"))
            elif isinstance(spec, SingleChoice):
                value = rng.choice(spec.option_ids)
            elif isinstance(spec, Scale):
                value = rng.randint(0, 4)
            elif isinstance(spec, Number):
                value = round(rng.uniform(0, 120), 1)
            elif isinstance(spec, FreeText):
                value = _SENTENCE
                for evaluator in ("Claire", "Louis"):
                    reviews.append(EvaluatorScore(evaluator, vendor, q.id, rng.randint(0, 4),
                                                  "Réponse précise et étayée."))
            else:
                value = {"licence": float(rng.randint(50, 400) * 100),
                         "setup": float(rng.randint(50, 400) * 100)}
            answers[q.id] = Answer(q.id, AnswerState.ANSWERED, value,
                                   "Voir le mémoire technique.", evidence)
        file = f"offre-{v + 1:02d}.xlsx"
        responses[vendor] = Response(file, "", answers, Report(file, f"{v:064x}", ()))
    return evaluate(questionnaire, responses, settings=Settings(100, "lineaire"),
                    reviews=reviews)


def _layout(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """The body paragraphs (outside tables) and the tables' cell texts of a .docx."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml")).find(f"{_W}body")
    assert body is not None

    def text(element: ElementTree.Element) -> str:
        return "".join(node.text or "" for node in element.iter(f"{_W}t"))

    paragraphs = [text(p) for p in body if p.tag == f"{_W}p"]
    tables = [[[text(tc) for tc in tr.iter(f"{_W}tc")] for tr in tbl.iter(f"{_W}tr")]
              for tbl in body if tbl.tag == f"{_W}tbl"]
    return paragraphs, tables


def _plain_docx(paragraphs: list[str], tables: list[list[list[str]]]) -> bytes:
    """python-docx, ordinary API, no logic: the same paragraphs and tables."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=False):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TIMES: dict[str, tuple[float, float]] = {}
"""(wall, CPU) median times of the deliverables, by name, for the summary line."""


def bench_memo() -> None:
    """Time write_memo on 30 offers x 150 questions beside plain python-docx."""
    from ai_procurement.deliverables.memo import write_memo

    evaluation = build_evaluation()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "memo.docx"

        def memo() -> None:
            write_memo(evaluation, target, generated=dt.date(2026, 11, 26), overwrite=True)

        memo_wall, memo_cpu = TIMES["memo"] = _median_times(memo)
        paragraphs, tables = _layout(target)
        size = target.stat().st_size
    cells = sum(len(row) for rows in tables for row in rows)
    plain_wall, plain_cpu = _median_times(lambda: _plain_docx(paragraphs, tables))
    print(f"write_memo(): {OFFERS} offers x {QUESTIONS} questions; {len(paragraphs)} "
          f"paragraphs, {len(tables)} tables, {cells} cells, 2 charts; {size / 1e6:.1f} MB")
    print(f"  write_memo         median of {REPEATS}: {memo_wall:.2f} s (CPU {memo_cpu:.2f} s)")
    print(f"  plain python-docx  median of {REPEATS}: {plain_wall:.2f} s (CPU {plain_cpu:.2f} s; "
          "same paragraphs and cells, ordinary API, no charts)")
    print(f"  ratio write_memo / plain: {memo_wall / plain_wall:.2f} "
          f"(CPU {memo_cpu / plain_cpu:.2f})")


def _plain_xlsx(sheets: list[tuple[str, list[tuple[object, ...]]]]) -> bytes:
    """openpyxl, ordinary API, no logic: the same sheets and cell values."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, values in sheets:
        sheet = workbook.create_sheet(title)
        for row in values:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain_xlsxwriter(sheets: list[tuple[str, list[tuple[object, ...]]]]) -> bytes:
    """XlsxWriter, ordinary API, no logic: the same sheets and cell values."""
    from xlsxwriter.workbook import Workbook

    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                 "strings_to_numbers": False, "strings_to_urls": False})
    for title, values in sheets:
        sheet = workbook.add_worksheet(title)
        for index, row in enumerate(values):
            sheet.write_row(index, 0, row)
    workbook.close()
    return buffer.getvalue()


def _median_times(action: object, repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall-clock and CPU times of ``action`` (CPU time is steadier on a busy host)."""
    assert callable(action)
    action()  # warm-up: imports, caches
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def bench_comparison() -> None:
    """Time write_comparison on 30 offers x 150 questions beside plain openpyxl."""
    from openpyxl import load_workbook

    from ai_procurement.decision.robustness import assess_robustness
    from ai_procurement.deliverables.comparison import write_comparison

    evaluation = build_evaluation()
    checks = assess_robustness(evaluation, samples=20_000, seed=2026)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "comparaison.xlsx"

        def comparison() -> None:
            write_comparison(evaluation, target, robustness=checks,
                             generated=dt.date(2026, 11, 26), overwrite=True)

        comparison_wall, comparison_cpu = TIMES["comparison"] = _median_times(comparison)
        book = load_workbook(target)
        sheets: list[tuple[str, list[tuple[object, ...]]]] = [
            (ws.title, [tuple(c.value for c in row) for row in ws.iter_rows()])
            for ws in book.worksheets]
        size = target.stat().st_size
    cells = sum(1 for _, values in sheets for row in values for v in row if v is not None)
    plain_wall, plain_cpu = _median_times(lambda: _plain_xlsx(sheets))
    writer_wall, writer_cpu = _median_times(lambda: _plain_xlsxwriter(sheets))
    print(f"write_comparison(): {OFFERS} offers x {QUESTIONS} questions; {len(sheets)} "
          f"sheets, {cells} cells with a value, 2 charts; {size / 1e6:.1f} MB")
    print(f"  write_comparison   median of {REPEATS}: {comparison_wall:.2f} s "
          f"(CPU {comparison_cpu:.2f} s; styles, charts and all)")
    print(f"  plain openpyxl     median of {REPEATS}: {plain_wall:.2f} s "
          f"(CPU {plain_cpu:.2f} s; same sheets and values, ordinary API, no styles or "
          "charts)")
    print(f"  plain XlsxWriter   median of {REPEATS}: {writer_wall:.2f} s "
          f"(CPU {writer_cpu:.2f} s; same sheets and values, ordinary API, no styles or "
          "charts)")
    print(f"  ratio write_comparison / plain openpyxl: {comparison_wall / plain_wall:.2f} "
          f"(CPU {comparison_cpu / plain_cpu:.2f}); / plain XlsxWriter: "
          f"{comparison_wall / writer_wall:.2f} (CPU {comparison_cpu / writer_cpu:.2f})")


def main() -> None:
    """Run every ``bench_*`` function of this module, in name order, then add them up."""
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    for name in sorted(globals()):
        function = globals()[name]
        if name.startswith("bench_") and callable(function):
            function()
    wall = sum(w for w, _ in TIMES.values())
    cpu = sum(c for _, c in TIMES.values())
    print(f"workbook + memo together: {wall:.2f} s (CPU {cpu:.2f} s; target: under 2 s)")


if __name__ == "__main__":
    main()
