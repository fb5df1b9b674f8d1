"""Safe YAML reading for data files written by people (question banks, campaigns).

PyYAML's SafeLoader already refuses arbitrary Python objects. On top of it this loader:

- refuses anchors and aliases, so a few hundred bytes cannot expand into gigabytes
  ("billion laughs") once the data is walked;
- refuses duplicate keys, which PyYAML would silently resolve to the last one, and merge
  keys (``<<``), which would silently let one of two values win;
- reads only ``true``/``false`` as booleans (YAML 1.2): ``yes``, ``no``, ``on``, ``off``
  and the country code ``NO`` stay strings, as option ids and answers;
- records the line of every value, so validation messages can point at it;
- turns every parser error into a :class:`~ai_procurement.errors.Problem`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ai_procurement.errors import Problem

__all__ = ["MAX_BYTES", "YamlDocument", "load_yaml"]

MAX_BYTES = 5 * 1024 * 1024
"""Largest data file read (5 MiB); the biggest bundled bank is about 200 KiB."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, and with YAML 1.2 booleans."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in this file; repeat the value",
                event.start_mark)
        return super().compose_node(parent, index)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # A scalar that matches a YAML type but is out of range (2027-13-45, !!int x)
        # raises a bare ValueError without a line; give it the node's line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            value = f" {node.value!r}" if isinstance(node, ScalarNode) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value{value}: {exc}", node.start_mark) from None


# Replace the YAML 1.1 boolean resolver (yes/no/on/off) by the YAML 1.2 one.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


class YamlDocument:
    """A parsed YAML document with the line of each value, keyed by its path."""

    def __init__(self, data: Any, lines: dict[str, int]) -> None:
        self.data = data
        self.lines = lines

    def line(self, path: str) -> int | None:
        """Return the line of ``path`` or of its nearest parent, or None."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return self.lines.get("$")


def load_yaml(text: bytes | str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document safely.

    Returns the document (None when it cannot be read) and the problems found.
    """
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_BYTES:
        return None, [Problem("$", f"file too large: {size} bytes, at most {MAX_BYTES}")]
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [Problem("$", f"not UTF-8 text (byte {exc.start}); save the file "
                                  "as UTF-8", raw.count(b"\n", 0, exc.start) + 1)]
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        return None, [Problem("$", f"invalid YAML: character U+{exc.character:04X} is not "
                              "allowed in a YAML file (control characters must be escaped "
                              "in double quotes)", line)]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem("$", "the file is empty")]
        problems: list[Problem] = []
        lines: dict[str, int] = {}
        _walk(node, "$", lines, problems)
        if problems:
            return None, problems
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [Problem("$", f"invalid YAML: {message}",
                              mark.line + 1 if mark is not None else None)]
    except RecursionError:
        return None, [Problem("$", "invalid YAML: values nested too deeply (these files need "
                              "about ten levels)", loader.line + 1)]
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, [Problem("$", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return YamlDocument(data, lines), []


def _walk(node: Node, path: str, lines: dict[str, int], problems: list[Problem]) -> None:
    """Record lines and refuse duplicate or non-scalar keys, iteratively (no deep recursion)."""
    stack: list[tuple[Node, str]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        lines[where] = current.start_mark.line + 1
        if isinstance(current, MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if not isinstance(key, ScalarNode):
                    problems.append(Problem(where, "keys must be plain strings",
                                            key.start_mark.line + 1))
                    continue
                if key.tag == "tag:yaml.org,2002:merge":
                    problems.append(Problem(f"{where}.<<", "merge keys (<<) are not allowed "
                                            "in this file; write the keys out",
                                            key.start_mark.line + 1))
                    continue
                if key.value in seen:
                    problems.append(Problem(f"{where}.{key.value}",
                                            f"duplicate key {key.value!r}",
                                            key.start_mark.line + 1))
                seen.add(key.value)
                stack.append((value, f"{where}.{key.value}"))
        elif isinstance(current, SequenceNode):
            for index, item in enumerate(current.value):
                stack.append((item, f"{where}[{index}]"))
