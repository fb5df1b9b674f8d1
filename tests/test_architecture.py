"""The package reads as the flow: each wing imports only the wings below it.

Three rules keep the architecture visible: the import graph follows the layers listed in
``ai_procurement/__init__.py``; ``tests/`` mirrors ``src/ai_procurement/``; and no code
reaches into a third-party object's private attributes (a minor release of openpyxl,
python-docx or XlsxWriter must not be able to stop a memo at a buyer's desk).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ai_procurement"
TESTS = ROOT / "tests"

LAYERS = (
    ("text", "errors", "findings"),
    ("_office",),
    ("bank",),
    ("legal",),
    ("questionnaire",),
    ("answers", "bidders"),
    ("decision",),
    ("workbooks",),
    ("deliverables",),
    ("testing",),
    ("campaign",),
    ("cli", "__main__", "__init__"),
)
"""Top-level modules and wings, from the ground up."""

RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

CROSS_CUTTING_TESTS = {
    "test_architecture.py", "test_cli.py", "test_cli_strategy.py", "test_exports.py",
    "test_libreoffice.py", "test_results_unchanged.py",
    "test_notebooks.py", "test_quality.py", "test_questionnaire.py", "test_answers.py",
    "test_findings.py", "test_bidders.py", "test_text.py", "test_docs.py",
    "test_testing.py",
    "test_french_outputs.py", "test_rendered_pages.py",
}
"""Tests of the package as a whole, or of top-level modules, kept at the top of tests/."""


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _wing(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported(path: Path) -> set[str]:
    """The wings of ai_procurement that ``path`` imports (lazily or not)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.level == 0 else []
            if node.module == "ai_procurement":
                names = [f"ai_procurement.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "ai_procurement" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_every_module_belongs_to_a_layer() -> None:
    unknown = {_wing(path) for path in _modules()} - set(RANK)
    assert not unknown, f"add these to LAYERS in {Path(__file__).name}: {sorted(unknown)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_wing_imports_a_wing_above_it(path: Path) -> None:
    wing = _wing(path)
    above = {name for name in _imported(path) if RANK.get(name, -1) > RANK[wing]}
    assert not above, f"{path.relative_to(PACKAGE)} ({wing}) imports {sorted(above)}"


def test_relative_imports_are_not_used() -> None:
    relative = [str(path.relative_to(PACKAGE)) for path in _modules()
                if any(isinstance(node, ast.ImportFrom) and node.level > 0
                       for node in ast.walk(ast.parse(path.read_text("utf-8"))))]
    assert not relative


def test_tests_mirror_the_package() -> None:
    strays = []
    for test in sorted(TESTS.rglob("test_*.py")):
        relative = test.relative_to(TESTS)
        if len(relative.parts) == 1 and relative.name in CROSS_CUTTING_TESTS:
            continue
        source = PACKAGE.joinpath(*relative.parts[:-1], relative.name.removeprefix("test_"))
        if not source.exists() and not source.with_suffix("").is_dir():
            strays.append(str(relative))
    assert not strays, f"tests with no module of that name in src/ai_procurement: {strays}"


NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}
"""Public methods of named tuples, underscored to avoid clashing with field names."""

INTERNAL_MODULES = ("openpyxl.writer.excel", "docx.image")
"""Undocumented modules of the office libraries: their API may change in any release."""


def _private_reaches(path: Path) -> list[str]:
    """``x._attr`` where ``x`` is not ``self``/``cls``, or an import of an internal module."""
    tree = ast.parse(path.read_text("utf-8"))
    hits = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__") and node.attr not in NAMEDTUPLE_API
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})):
            hits.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: .{node.attr}")
        if (isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith(INTERNAL_MODULES)):
            hits.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: import {node.module}")
    return hits


def test_no_private_attribute_of_another_object() -> None:
    hits = [hit for path in _modules() for hit in _private_reaches(path)]
    assert not hits, "\n".join(hits)
