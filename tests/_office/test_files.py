"""Bounded reading of input files: FIFOs, devices, huge and sparse files never hang nor
exhaust memory; each read ends in the library's own error, naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.bounded import HANG, run_bounded

from ai_procurement._office.files import read_bounded, sha256_file
from ai_procurement.errors import AIProcurementError, InputError

GIB = 1 << 30


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that costs no disk (``truncate``)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_bytes(b"format: 1\n")
    assert read_bounded(path, 10) == b"format: 1\n"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "bank.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as info:
        read_bounded(fifo, 1024)
    assert str(info.value) == f"{fifo}: not a regular file (a folder, a pipe or a device)"
    with pytest.raises(InputError):
        sha256_file(fifo)


@pytest.mark.parametrize("target", ["/dev/zero", "folder"])
def test_devices_and_folders_are_refused(tmp_path: Path, target: str) -> None:
    path = tmp_path / "key"
    if target == "folder":
        path.mkdir()
    elif not Path(target).exists():
        pytest.skip(f"no {target} here")
    else:
        path.symlink_to(target)
    with pytest.raises(InputError, match="not a regular file"):
        read_bounded(path, 1024)


def test_a_file_over_the_limit_is_refused_naming_both_sizes(tmp_path: Path) -> None:
    path = sparse(tmp_path / "campaign.yaml", 11)
    with pytest.raises(InputError) as info:
        read_bounded(path, 10)
    assert isinstance(info.value, AIProcurementError)
    assert isinstance(info.value, OSError)
    assert str(info.value) == f"{path}: file too large: 11 bytes, at most 10"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_bounded(tmp_path / "missing.key", 10)
    assert info.value.path == str(tmp_path / "missing.key")
    assert info.value.reason == "no such file or folder"


def test_a_huge_sparse_file_costs_neither_time_nor_memory(tmp_path: Path) -> None:
    path = sparse(tmp_path / "agreed.yaml", 64 * GIB)
    found = run_bounded(f"""
        from ai_procurement._office.files import read_bounded
        from ai_procurement.errors import InputError
        def run():
            try:
                read_bounded({str(path)!r}, 5 * 1024 * 1024)
            except InputError as exc:
                return str(exc)
            return "read"
        """)
    assert found.result == f"{path}: file too large: {64 * GIB} bytes, at most 5242880"
    assert found.elapsed < HANG
