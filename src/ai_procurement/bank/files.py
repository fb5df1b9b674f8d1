"""Reading and writing bank files: bundled banks, buyers' banks and tailorings.

Bundled banks ship inside the package (``ai_procurement/questionnaires/*.yaml``) and
are found through :mod:`importlib.resources`, so they load the same after a plain
``pip install`` and in a development checkout.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ai_procurement._office.yaml import MAX_BYTES, YamlDocument, load_yaml
from ai_procurement.bank.converter import structure, unstructure
from ai_procurement.bank.model import SUPPORTED_FORMATS, Bank, check_bank
from ai_procurement.bank.tailoring import Tailoring, apply_tailoring
from ai_procurement.errors import BankError, Problem
from ai_procurement.text import Text, msg

__all__ = ["dump_bank", "list_banks", "load_bank"]

_MAX_EXTENDS_DEPTH = 8


def _bundled() -> dict[str, Any]:
    folder = resources.files("ai_procurement.bank") / "questionnaires"
    return {entry.name[:-5]: entry for entry in folder.iterdir()
            if entry.name.endswith(".yaml")}


def list_banks() -> list[str]:
    """Return the ids of the bundled banks, sorted."""
    return sorted(_bundled())


def load_bank(name_or_path: str | os.PathLike[str]) -> Bank:
    """Load and validate a bank: a bundled bank's id, or the path of a YAML file.

    A file with an ``extends`` key is a tailoring: the bank it extends is loaded and the
    tailoring applied; the result is validated as a whole.

    Raises:
        BankError: listing every problem found, each with its YAML path and line.
    """
    return _load(name_or_path, chain=())


def _read(name_or_path: str | os.PathLike[str]) -> tuple[str | Text, bytes, Path | None]:
    bundled = _bundled()
    if isinstance(name_or_path, str) and name_or_path in bundled:
        data: bytes = bundled[name_or_path].read_bytes()
        return msg("{name} (bundled)", name=name_or_path), data, None
    path = Path(name_or_path)
    source = str(path)
    if not path.suffix and not path.exists():
        names = ", ".join(sorted(bundled))
        raise BankError(source, [Problem("$", msg("no bundled bank named {source!r} and no such "
                                                  "file; bundled banks: {names}", source=source,
                                                  names=names))])
    from ai_procurement._office.files import read_bounded
    from ai_procurement.errors import InputError

    try:
        return source, read_bounded(path, MAX_BYTES), path
    except InputError as exc:
        reason = exc.why if exc.reason.startswith("file too large") else msg(
            "cannot read the file: {reason}", reason=exc.why)
        raise BankError(source, [Problem("$", reason)]) from None


CACHE_ENV = "AI_PROCUREMENT_CACHE_DIR"
"""The environment variable naming the folder of parsed banks; empty turns the cache off."""
_CACHE_FORMAT = b"1"  # bump when the values load_yaml gives for the same bytes change


def _cache_file(raw: bytes) -> Path | None:
    """Where the parsed values of these exact bytes are kept, or None (no cache)."""
    folder = os.environ.get(CACHE_ENV)
    if folder is None:
        try:
            if os.name == "nt":
                base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
            else:
                base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        except RuntimeError:  # no home folder known
            return None
        folder = str(Path(base) / "ai-procurement")
    if not folder:
        return None
    import ai_procurement

    key = hashlib.sha256(b"\0".join([b"bank", _CACHE_FORMAT,
                                      ai_procurement.__version__.encode(),
                                      yaml.__version__.encode(), raw]))
    return Path(folder) / "banks" / f"{key.hexdigest()}.marshal"


def _cached(target: Path | None) -> Any:
    """The values kept for a bank file, or None when there are none or they are unreadable.

    The file holds the SHA-256 of its payload then the payload (:mod:`marshal` of plain
    values: dicts, lists, strings, numbers); a file cut short or altered is ignored.
    """
    if target is None:
        return None
    try:
        blob = target.read_bytes()
    except OSError:
        return None
    payload = blob[32:]
    if len(blob) < 32 or hashlib.sha256(payload).digest() != blob[:32]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def _remember(target: Path | None, data: Any) -> None:
    """Keep the values of a bank that passed every check, for the next load of its bytes."""
    if target is None:
        return
    try:
        payload = marshal.dumps(data)
    except ValueError:  # a value marshal does not keep (a date): no cache for this file
        return
    from ai_procurement._office.files import write_atomic
    from ai_procurement.errors import OutputError

    with contextlib.suppress(OutputError):  # a read-only home: loads, only slower
        write_atomic(target, hashlib.sha256(payload).digest() + payload, overwrite=True)


def _load(name_or_path: str | os.PathLike[str], chain: tuple[str, ...]) -> Bank:
    """Load a bank; ``chain`` lists the files already being loaded through ``extends``."""
    source, raw, path = _read(name_or_path)
    cache = _cache_file(raw)
    kept = _cached(cache)
    # Values kept from these exact bytes passed the YAML checks and every check below
    # when they were kept; the checks on values run again all the same, and anything
    # unexpected reads the file the ordinary way.
    if (isinstance(kept, dict) and kept.get("format") in SUPPORTED_FORMATS
            and "extends" not in kept):
        bank, problems = structure(kept, Bank)
        if bank is not None and not check_bank(bank):
            return bank
    document, problems = load_yaml(raw)
    if document is None:
        raise BankError(source, problems)
    data = document.data
    if not isinstance(data, dict):
        raise BankError(source, [Problem("$", msg("expected a mapping at "
                                                  "the top of the file"), document.line("$"))])
    version = data.get("format")
    if "format" not in data:
        raise BankError(source, [Problem("$.format", msg(
                "required key missing: the file format version (this "
                "library reads versions {list_SUPPORTED_FORMATS})",
                list_SUPPORTED_FORMATS=list(SUPPORTED_FORMATS)), document.line("$"))])
    if version not in SUPPORTED_FORMATS:
        raise BankError(source, [Problem("$.format", msg(
                "unknown format version {version!r}; this library reads versions "
                "{list_SUPPORTED_FORMATS}", version=version,
                list_SUPPORTED_FORMATS=list(SUPPORTED_FORMATS)), document.line("$.format"))])
    if "extends" in data:
        return _load_tailoring(source, document, path,
                               (*chain, _key(str(name_or_path), path)))
    bank, problems = structure(data, Bank)
    if bank is None:
        raise BankError(source, _with_lines(problems, document))
    problems = check_bank(bank)
    if problems:
        raise BankError(source, _with_lines(problems, document))
    _remember(cache, data)
    return bank


def _load_tailoring(source: str | Text, document: YamlDocument, path: Path | None,
                    chain: tuple[str, ...]) -> Bank:
    tailoring, problems = structure(document.data, Tailoring)
    if tailoring is None:
        raise BankError(source, _with_lines(problems, document))
    if len(chain) > _MAX_EXTENDS_DEPTH:
        raise BankError(source, [Problem("$.extends", msg(
            "more than {depth} levels of 'extends' (a cycle?)", depth=_MAX_EXTENDS_DEPTH),
            document.line("$.extends"))])
    target: str | Path = tailoring.extends
    if tailoring.extends not in _bundled() and path is not None:
        target = path.parent / tailoring.extends
    target_key = _key(str(target), None if tailoring.extends in _bundled() else Path(target))
    if target_key in chain:
        cycle = [*chain[chain.index(target_key):], target_key]
        raise BankError(source, [Problem("$.extends", msg(
            "'extends' cycle: {cycle}", cycle=" -> ".join(Path(k).name for k in cycle)),
            document.line("$.extends"))])
    try:
        base = _load(target, chain)
    except BankError as exc:
        raise BankError(source, [Problem("$.extends", msg(
            "cannot load {extends!r}: {problem}", extends=tailoring.extends, problem=p.text),
            document.line("$.extends")) for p in exc.problems]) from None
    bank, problems = apply_tailoring(base, tailoring)
    problems += check_bank(bank)
    if problems:
        raise BankError(msg("{source} (tailored)", source=source),
                        _with_lines(problems, document))
    return bank


def _key(name: str, path: Path | None) -> str:
    """Identify a bank file in an ``extends`` chain: its resolved path, or bundled name."""
    if path is None:
        return name
    return str(path.resolve())


def _with_lines(problems: list[Problem], document: YamlDocument) -> list[Problem]:
    return [Problem(p.path, p.message, p.line or document.line(p.path)) for p in problems]


def dump_bank(bank: Bank, path: str | os.PathLike[str]) -> None:
    """Write ``bank`` as a YAML bank file that :func:`load_bank` reads back equal.

    Raises:
        BankError: if the bank is invalid (an invalid bank is never written).
    """
    problems = check_bank(bank)
    if problems:
        raise BankError(msg("bank {bank!r}", bank=bank.id), problems)
    text = bank_to_yaml(bank)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BankError(msg("bank {bank!r}", bank=bank.id), [Problem("$", msg(
            "a text holds a character that cannot be written as UTF-8: {char!r}",
            char=exc.object[exc.start]))]) from None
    target = Path(path)
    from ai_procurement._office.files import (
        write_atomic,  # deferred: keeps bank loading import-light
    )

    write_atomic(target, data, overwrite=True)


def bank_to_yaml(bank: Bank) -> str:
    """Return ``bank`` as YAML text, keys in model order, Unicode kept readable."""
    data = unstructure(bank)
    data = {"format": data.pop("format"), **data}
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that double-quotes texts holding Unicode line breaks.

    PyYAML writes U+0085 (next line) raw inside single quotes, where reading folds it
    into a space; double quotes escape it, so the text reads back unchanged.
    """


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(c in data for c in "\x85\u2028\u2029"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)
