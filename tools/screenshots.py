"""Regenerate the screenshots of the guide (docs/img/) from the demo campaign.

Runs the demo in a temporary folder, converts the questionnaire, the comparison
workbook, the analysis report and a check letter to PDF with LibreOffice, and renders
chosen pages at 50 dpi with poppler's ``pdftoppm``. Each PNG must stay under 150 KB.

    PYTHONPATH=src python tools/screenshots.py [--out docs/img]

Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on the PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ai_procurement.campaign.demo import run_demo
from ai_procurement.campaign.folder import load_campaign
from ai_procurement.campaign.workflow import check

MAX_BYTES = 150 * 1024

# (PNG name, file in the demo campaign, words on the page shown: the first page holding
# them, the title page excepted; "" for the first page)
SHOTS = [
    ("questionnaire-fr.png", "outbox/questionnaire-lot-1.xlsx", "RED-01"),
    ("comparaison-fr.png", "out/lot-1/comparison.xlsx", ""),
    ("rapport-fr-page-1.png", "out/lot-1/memo-fr.docx", ""),
    ("rapport-fr-classement.png", "out/lot-1/memo-fr.docx", "Classement des offres"),
    ("lettre-controle-acheteur-fr.png", "reports/copie-vierge.xlsx.fr.docx", ""),
]


def _pdf(source: Path, folder: Path, profile: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    return folder / (source.stem + ".pdf")


def _page_with(pdf: Path, words: str) -> int:
    """The first page of ``pdf`` after the first whose text holds ``words`` (else 1)."""
    if not words:
        return 1
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f")[1:], start=2):
        if words in page:
            return number
    return 1


def main(argv: list[str] | None = None) -> int:
    """Write the PNGs; return 0, or 1 when a tool is missing or a PNG is too large."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args(argv)
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        print("soffice and pdftoppm are needed", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        demo = root / "demo"
        run_demo(demo)
        # A blank copy of the questionnaire dropped in responses/: its check letter has
        # warnings to show (unanswered questions, a file outside the register).
        shutil.copy(demo / "outbox" / "questionnaire-lot-1.xlsx",
                    demo / "responses" / "copie-vierge.xlsx")
        check(load_campaign(demo))
        pdfs: dict[str, Path] = {}
        for name, source, words in SHOTS:
            if source not in pdfs:
                folder = root / "pdf" / str(len(pdfs))
                pdfs[source] = _pdf(demo / source, folder, root / "profile")
            pdf = pdfs[source]
            page = _page_with(pdf, words)
            target = args.out / name
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(target.with_suffix(""))], check=True)
            size = target.stat().st_size
            print(f"{target} ({size // 1024} KB, page {page})")
            if size > MAX_BYTES:
                print(f"  too large: over {MAX_BYTES // 1024} KB", file=sys.stderr)
                status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
