"""Run every benchmark of this folder in turn and print its figures.

Run: ``python benchmarks/run_all.py`` (after ``pip install '.[bench]'``). Each benchmark
prints its own figures and ratios against the raw libraries measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each ``bench_*.py`` script in a fresh interpreter; return the worst exit code."""
    worst = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        worst = max(worst, subprocess.run([sys.executable, str(script)], check=False)
                    .returncode)
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
