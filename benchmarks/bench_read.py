"""Benchmark of reading returned questionnaires: ours against openpyxl and python-calamine.

Files: 200 returned workbooks of a 500-question bank (answer types in the proportions of
the bundled ``ai-territorial`` bank, texts of realistic length, one price question),
each written by :func:`ai_procurement.workbooks.form.write_questionnaire` for its own vendor and
filled with openpyxl with its own random answers (about 1 MB of XML each). They are
generated once and cached in the system's temporary folder (delete
``ai-procurement-bench-read-*`` there to regenerate).

Timed, in the same run, over all the files:

(a) ``read_response`` with every guard on, as a buyer runs it;
(b) openpyxl's read-only mode merely visiting every cell of every sheet;
(c) python-calamine merely reading every cell of every sheet (``to_python``), which
    does not tell formulas, their cached values and number formats apart, so it cannot
    read a vendor file safely: it is the floor.

The same is timed on ``SAVED`` of these files opened and saved again by LibreOffice
(``soffice --headless --convert-to xlsx``, cached beside them): what a vendor sends
back. There the peers read the same two sheets as the library (the identity sheet and
the questionnaire), and python-calamine every sheet as well.

Each method reads each file ``ROUNDS`` times, the three methods taking turns file by file
so that a busy machine slows them alike; a file's time for a method is its fastest read,
and the figure printed is the mean of these over the files. Targets:
openpyxl / ours >= 3 and ours / calamine <= 3 on the files written by openpyxl; on the
files saved by LibreOffice, openpyxl / ours >= 4 and ours / calamine (same sheets)
<= 2.5. The script exits with status 1 when one is missed (LibreOffice's files are
skipped, and said so, when ``soffice`` is not installed). It also times writing a
150-question questionnaire (median of 5).

python-calamine is needed by this script only (``pip install python-calamine``).

Run: ``python benchmarks/bench_read.py``.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.fixtures

from tests.fixtures import CONSULTATION, KEY, fill, large_bank, vendor_values

from ai_procurement.questionnaire import Questionnaire, freeze
from ai_procurement.text import Lang
from ai_procurement.workbooks.form import write_questionnaire
from ai_procurement.workbooks.response import read_response

FILES = 200
QUESTIONS = 500
ROUNDS = 3
FORMAT = 4  # bump when the generated files change, to regenerate the cache
SAVED = 12  # files saved again by LibreOffice
SHEETS = ("_identity", "Questionnaire")  # the sheets read_response reads


def questionnaire(questions: int) -> Questionnaire:
    return freeze(large_bank(questions), CONSULTATION)


def vendor(index: int) -> str:
    return f"Vendor {index:03d}"


def _make(args: tuple[Path, int]) -> None:
    folder, index = args
    q = questionnaire(QUESTIONS)
    lang: Lang = "fr" if index % 4 else "en"
    blank = write_questionnaire(q, folder / f"blank-{index:03d}.xlsx", lang, vendor(index),
                                key=KEY, overwrite=True)
    fill(blank, folder / f"returned-{index:03d}.xlsx", vendor_values(q, lang, seed=index))
    blank.unlink()


def files() -> list[Path]:
    """The returned workbooks, generated on first use and cached."""
    q = questionnaire(QUESTIONS)
    tag = hashlib.sha256(f"{FORMAT}:{q.fingerprint}:{openpyxl.__version__}".encode())
    folder = Path(tempfile.gettempdir()) / f"ai-procurement-bench-read-{tag.hexdigest()[:12]}"
    folder.mkdir(exist_ok=True)
    paths = [folder / f"returned-{i:03d}.xlsx" for i in range(FILES)]
    missing = [i for i, p in enumerate(paths) if not p.exists()]
    if missing:
        print(f"generating {len(missing)} workbooks in {folder} ...", flush=True)
        start = time.perf_counter()
        with concurrent.futures.ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_make, [(folder, i) for i in missing]))
        print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
    return paths


def saved_by_libreoffice(paths: list[Path]) -> list[Path]:
    """The first ``SAVED`` files opened and saved by LibreOffice (cached); [] without it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return []
    folder = paths[0].parent / "libreoffice"
    folder.mkdir(exist_ok=True)
    wanted = paths[:SAVED]
    missing = [p for p in wanted if not (folder / p.name).exists()]
    if missing:
        print(f"saving {len(missing)} workbooks with LibreOffice in {folder} ...", flush=True)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "xlsx", "--outdir", str(folder),
                            *map(str, missing)], check=True, capture_output=True)
    return [folder / p.name for p in wanted]


def read_ours(path: Path, index: int, q: Questionnaire) -> None:
    response = read_response(path, q, key=KEY, vendor=vendor(index))
    if not response.report.ok:
        raise SystemExit(f"{path}: unexpected errors\n{response.report.to_text('en')}")


def read_openpyxl(path: Path) -> None:
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for _ in row:
                pass
    wb.close()


def read_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def read_openpyxl_sheets(path: Path) -> None:
    wb = openpyxl.load_workbook(path, read_only=True)
    for name in SHEETS:
        for row in wb[name].iter_rows():
            for _ in row:
                pass
    wb.close()


def read_calamine_sheets(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in SHEETS:
        wb.get_sheet_by_name(name).to_python()


def race(methods: dict[str, Callable[[Path, int], None]], paths: list[Path],
         indexes: list[int]) -> dict[str, float]:
    """Mean over the files of each method's fastest read, in ms (turns file by file)."""
    for run in methods.values():  # warm up: imports, caches
        run(paths[0], indexes[0])
    best = {name: [float("inf")] * len(paths) for name in methods}
    for _ in range(ROUNDS):
        for n, (path, index) in enumerate(zip(paths, indexes, strict=True)):
            for name, run in methods.items():
                start = time.perf_counter()
                run(path, index)
                best[name][n] = min(best[name][n], time.perf_counter() - start)
    return {name: sum(times) / len(times) * 1000 for name, times in best.items()}


def main() -> int:
    paths = files()
    q = questionnaire(QUESTIONS)
    size = sum(p.stat().st_size for p in paths) / len(paths)
    print(f"{len(paths)} returned workbooks of {QUESTIONS} questions, {size / 1024:.0f} kB "
          f"each on average")
    methods: dict[str, Callable[[Path, int], None]] = {
        "ours (read_response, all guards)": lambda path, index: read_ours(path, index, q),
        "openpyxl read-only, every cell": lambda path, _: read_openpyxl(path),
        "python-calamine, every cell": lambda path, _: read_calamine(path),
    }
    per_file = race(methods, paths, list(range(len(paths))))
    for name, ms in per_file.items():
        print(f"  {name:36s} {ms:7.1f} ms per file")
    ours, opx, calamine = per_file.values()
    faster = opx / ours
    slower = ours / calamine
    print(f"  openpyxl / ours = {faster:.2f} (target >= 3): {'ok' if faster >= 3 else 'MISSED'}")
    print(f"  ours / calamine = {slower:.2f} (target <= 3): {'ok' if slower <= 3 else 'MISSED'}")
    missed = not (faster >= 3 and slower <= 3)

    saved = saved_by_libreoffice(paths)
    if not saved:
        print("LibreOffice (soffice) is not installed: files saved by it are not timed")
    else:
        print(f"{len(saved)} of these workbooks saved again by LibreOffice, "
              f"{sum(p.stat().st_size for p in saved) / len(saved) / 1024:.0f} kB each")
        on_saved: dict[str, Callable[[Path, int], None]] = {
            "ours (read_response, all guards)": lambda path, index: read_ours(path, index, q),
            "openpyxl read-only, same 2 sheets": lambda path, _: read_openpyxl_sheets(path),
            "python-calamine, same 2 sheets": lambda path, _: read_calamine_sheets(path),
            "python-calamine, every sheet": lambda path, _: read_calamine(path),
        }
        per_file = race(on_saved, saved, list(range(len(saved))))
        for name, ms in per_file.items():
            print(f"  {name:36s} {ms:7.1f} ms per file")
        ours, opx, calamine, _ = per_file.values()
        faster, slower = opx / ours, ours / calamine
        print(f"  openpyxl / ours = {faster:.2f} (target >= 4): "
              f"{'ok' if faster >= 4 else 'MISSED'}")
        print(f"  ours / calamine = {slower:.2f} (target <= 2.5): "
              f"{'ok' if slower <= 2.5 else 'MISSED'}")
        missed = missed or not (faster >= 4 and slower <= 2.5)

    q150 = questionnaire(150)
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(5):
            start = time.perf_counter()
            write_questionnaire(q150, Path(folder) / f"{i}.xlsx", "fr", "ACME", key=KEY)
            times.append(time.perf_counter() - start)
    print(f"writing a 150-question questionnaire: {statistics.median(times) * 1000:.0f} ms "
          "(median of 5)")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
