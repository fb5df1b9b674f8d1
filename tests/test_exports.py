"""The public API: every name in ``__all__`` exists, is documented and is sorted."""

from __future__ import annotations

import inspect

import pytest

import ai_procurement as ap


def test_all_is_unique() -> None:
    # Its order is kept by ruff (RUF022: constants, then classes, then functions).
    assert len(ap.__all__) == len(set(ap.__all__))


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


def test_all_matches_the_lazy_export_table() -> None:
    assert sorted(ap._EXPORTS) == sorted(ap.__all__)
