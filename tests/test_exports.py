"""The public API: every name in ``__all__`` exists, is documented and is sorted."""

from __future__ import annotations

import inspect

import pytest

import ai_procurement as ap


def test_all_is_derived_from_the_one_table() -> None:
    assert ap.__all__ == sorted(ap._EXPORTS)


def test_type_checking_block_agrees_with_the_table() -> None:
    # Type checkers and editors read the TYPE_CHECKING imports; the lazy facade reads the
    # table: both must name each public name from the same module.
    import ast
    from pathlib import Path

    tree = ast.parse(Path(ap.__file__).read_text("utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    imported = {alias.name: node.module.removeprefix("ai_procurement.")
                for node in block.body if isinstance(node, ast.ImportFrom) and node.module
                for alias in node.names}
    assert imported == ap._EXPORTS


def test_version_comes_from_the_package_metadata() -> None:
    from importlib import metadata

    assert ap.__version__ == metadata.version("ai-procurement")


@pytest.mark.parametrize("name", ap.__all__)
def test_each_name_is_defined_where_the_table_says(name: str) -> None:
    import importlib

    module = importlib.import_module(f"ai_procurement.{ap._EXPORTS[name]}")
    assert getattr(module, name) is getattr(ap, name)


@pytest.mark.parametrize("name", ap.__all__)
def test_exported_name_exists_and_is_documented(name: str) -> None:
    value = getattr(ap, name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"{name} has no docstring"
        assert not name.startswith("_")


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ap.nope  # noqa: B018


def test_importing_the_package_does_not_import_heavy_libraries() -> None:
    import subprocess
    import sys

    code = ("import sys, ai_procurement; "
            "print(sorted(m for m in ('openpyxl', 'docx', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
