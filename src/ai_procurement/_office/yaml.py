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

import gc
import itertools
import operator
import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ai_procurement.errors import Problem
from ai_procurement.text import Text, msg

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "YamlDocument", "load_yaml"]

MAX_BYTES = 5 * 1024 * 1024
"""Largest data file read (5 MiB); the biggest bundled bank is about 200 KiB."""
MAX_DEPTH = 40
"""Deepest nesting of collections read; a bank needs about ten levels."""
MAX_VALUES = 150_000
"""Most values (scalars and collections) read; the largest bundled bank has 3 500 in
190 kB, and a bank of 1 500 questions as :func:`~ai_procurement.dump_bank` writes it
(3 MB) about 100 000: a framework agreement's bank must load."""


class _Checks:
    """What both loaders share: YAML 1.2 booleans, and a line for every value error."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # A scalar that matches a YAML type but is out of range (2027-13-45, !!int x)
        # raises a bare ValueError without a line; give it the node's line.
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, TypeError, OverflowError) as exc:
            value = f" {node.value!r}" if isinstance(node, ScalarNode) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value{value}: {exc}", node.start_mark) from None


class _PyLoader(_Checks, yaml.SafeLoader):
    """The pure-Python SafeLoader, used when PyYAML was built without libyaml."""


_CLoader: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):  # pragma: no branch
    class _CLoaderClass(_Checks, yaml.CSafeLoader):
        """libyaml's C parser with the safe constructor (about 10 times faster)."""

    _CLoader = _CLoaderClass

# Replace the YAML 1.1 boolean resolver (yes/no/on/off) by the YAML 1.2 one.
_RESOLVERS = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _loader in (_PyLoader, _CLoader):
    if _loader is not None:
        _loader.yaml_implicit_resolvers = {k: list(v) for k, v in _RESOLVERS.items()}
        _loader.add_implicit_resolver(
            "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
            list("tTfF"))

_ALIAS = "aliases (*name) are not allowed in this file; repeat the value"
_DEEP = "values nested too deeply (these files need about ten levels)"
_MANY = (f"more than {MAX_VALUES:,} values (the largest bundled bank has about 3,500); "
         "split the file")
_FRENCH = {
    _DEEP: "valeurs imbriquées trop profondément (ces fichiers en demandent une dizaine "
           "de niveaux)",
    _MANY: f"plus de {MAX_VALUES:_} valeurs (la plus grande banque fournie en compte "
           "environ 3 500) ; scindez le fichier".replace("_", "\u202f"),
}
"""The French of this module's own YAML errors (PyYAML's stay as PyYAML writes them)."""


def _invalid(message: str) -> Text:
    """"invalid YAML: ``message``", in both languages."""
    return msg("invalid YAML: {message}", message=Text(fr=_FRENCH.get(message, message),
               en=format(message, '')))


def _compose(loader: Any) -> Node | None:
    """Build the node tree of the single document from the parser's events.

    PyYAML's own composer is recursive and resolves aliases; this one is a loop that
    refuses an alias where it appears and stops at the first value nested deeper than
    :data:`MAX_DEPTH`, before the parser's cost per token (which grows with the
    nesting in the pure-Python parser) can add up, or past :data:`MAX_VALUES` values
    (memory and time then stay bounded whatever the file holds).
    """
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        loader.get_event()
        return None
    loader.get_event()  # document start
    stack: list[tuple[Node, list[Any]]] = []  # open collections and their items
    items: list[Any] = []  # the items of the innermost open collection
    resolve, get_event = loader.resolve, loader.get_event
    count = 0
    while True:
        event: Any = get_event()
        kind = type(event)  # one lookup per event: these files have thousands
        if kind is ScalarEvent:
            count += 1
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            node: Node = ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                    style=event.style)
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            count += 1
            if len(stack) >= MAX_DEPTH:
                raise yaml.MarkedYAMLError(None, None, _DEEP, event.start_mark)
            node_kind = SequenceNode if kind is SequenceStartEvent else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(node_kind, None, event.implicit)
            items = []
            stack.append((node_kind(tag, [], event.start_mark, None,
                                    flow_style=event.flow_style), items))
            if count > MAX_VALUES:
                raise yaml.MarkedYAMLError(None, None, _MANY, event.start_mark)
            continue
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            node, done = stack.pop()
            node.end_mark = event.end_mark
            node.value = (list(zip(done[::2], done[1::2], strict=True))
                          if kind is MappingEndEvent else done)
            if not stack:
                break
            items = stack[-1][1]
        elif kind is AliasEvent:
            raise yaml.MarkedYAMLError(None, None, _ALIAS, event.start_mark)
        else:  # pragma: no cover - the parser emits nothing else inside a document
            raise yaml.MarkedYAMLError(None, None, f"unexpected {kind.__name__}",
                                       event.start_mark)
        if count > MAX_VALUES:
            raise yaml.MarkedYAMLError(None, None, _MANY, event.start_mark)
        if not stack:  # a document that is a single scalar
            break
        items.append(node)
    root = node
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()  # another document
        raise yaml.composer.ComposerError(
            "expected a single document in the stream", None,
            "but found another document", event.start_mark)
    loader.get_event()
    return root


class YamlDocument:
    """A parsed YAML document with the line of each value, keyed by its path.

    The lines are only needed to point at a problem: when the document was read by the
    fast path (see :func:`_construct`), they are found on first use by reading the text
    again the thorough way.
    """

    def __init__(self, data: Any, lines: dict[str, int] | None, text: str = "") -> None:
        self.data = data
        self._lines = lines
        self._text = text

    @property
    def lines(self) -> dict[str, int]:
        """The line (1-based) of each value, keyed by its path (``$.a[0].b``)."""
        if self._lines is None:
            document, _ = _load_nodes(self._text)
            self._lines = document.lines if document is not None else {}
            self._text = ""
        return self._lines

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
        return None, [Problem("$", msg("file too large: {size} bytes, at most {MAX_BYTES}",
                                       size=size, MAX_BYTES=MAX_BYTES))]
    raw = text if isinstance(text, bytes) else b""
    if isinstance(text, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [Problem("$", msg("not UTF-8 text (byte {exc_start}); save the file as "
                                           "UTF-8", exc_start=exc.start),
                raw.count(b"\n", 0, exc.start) + 1)]
    loader_class = _PyLoader if _CLoader is None or not _FAST else _CLoader
    if loader_class is _PyLoader:
        # The pure-Python scanner spends time per token growing with the nesting, and
        # scans ahead before the composer sees a value: look at the bytes first.
        # libyaml's cost does not grow so; the composer's own limit is enough there.
        deep = _too_deep(text.encode("utf-8") if isinstance(text, str) else raw)
        if deep is not None:
            return None, [Problem("$", _invalid(_DEEP), deep or None)]
    collecting = gc.isenabled()
    gc.disable()  # many new containers: the collector would run over and over
    try:
        loader = loader_class(text)
        try:
            data = _construct(loader)
        finally:
            loader.dispose()
    except _Fallback:
        pass
    except yaml.MarkedYAMLError as exc:
        return None, [_marked(exc)]
    except Exception:  # the thorough way below says what is wrong
        pass
    else:
        if data is _EMPTY:
            return None, [Problem("$", msg("the file is empty"))]
        return YamlDocument(data, None, text), []
    finally:
        if collecting:
            gc.enable()
    return _load_nodes(text)


def _load_nodes(text: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Read the text through a node tree: every value's line, every problem found."""
    loader_class = _PyLoader if _CLoader is None or not _FAST else _CLoader
    try:
        loader = loader_class(text)
        loader.check_event()  # libyaml reads the text here; the Python reader in __init__
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        return None, [Problem("$", msg("invalid YAML: character U+{exc_character:04X} "
                                       "is not allowed in a YAML file (control "
                                       "characters must be escaped in double quotes)",
                                       exc_character=exc.character), line)]
    except yaml.MarkedYAMLError as exc:
        return None, [_marked(exc)]
    except yaml.YAMLError as exc:  # libyaml's reader errors carry no mark
        return None, [Problem("$", _invalid(_reader_message(exc, text)))]
    collecting = gc.isenabled()
    gc.disable()  # many new containers: the collector would run over and over
    try:
        node = _compose(loader)
        if node is None:
            return None, [Problem("$", msg("the file is empty"))]
        problems: list[Problem] = []
        lines: dict[str, int] = {}
        _walk(node, "$", lines, problems)
        if problems:
            return None, problems
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, [_marked(exc)]
    except RecursionError:
        return None, [Problem("$", _invalid(_DEEP))]
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, [Problem("$", _invalid(_reader_message(exc, text)))]
    finally:
        loader.dispose()
        if collecting:
            gc.enable()
    return YamlDocument(data, lines), []


class _Fallback(Exception):
    """The fast path met something it leaves to the node tree (a problem, a rare tag)."""


_EMPTY = object()
_STR, _MAP, _SEQ = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map",
                    "tag:yaml.org,2002:seq")
_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in (
    "null", "bool", "int", "float", "binary", "timestamp"))


def _construct(loader: Any) -> Any:
    """Build the document's value straight from the parser's events (the fast path).

    It gives the same value as composing the node tree, walking it and constructing it
    (:func:`_load_nodes`), for files without problems, without building the tree or
    recording lines. The errors the composer would raise first (invalid YAML, an
    alias, nesting or size over the limits, a second document) are raised alike;
    anything else out of the ordinary (a duplicate, merge or non-scalar key, an explicit
    collection tag, a value that cannot be read) raises :class:`_Fallback`, and the
    node tree then finds every problem with its line.
    """
    get_event, resolve = loader.get_event, loader.resolve
    constructors = loader.yaml_constructors
    get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return _EMPTY
    get_event()  # document start
    # Open collections: (items, raw keys or None for a sequence); a mapping's items
    # alternate keys and values.
    stack: list[tuple[list[Any], list[str] | None]] = []
    items: list[Any] = []
    keys: list[str] | None = None
    count = 0
    value: Any = None
    while True:
        event: Any = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            count += 1
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            if keys is not None and not len(items) % 2:  # a mapping's key
                if tag == "tag:yaml.org,2002:merge":
                    raise _Fallback
                keys.append(event.value)
            if tag == _STR:
                value = event.value
            elif tag in _SCALARS:
                try:
                    value = constructors[tag](loader, ScalarNode(
                        tag, event.value, event.start_mark, event.end_mark,
                        style=event.style))
                except Exception:  # the node tree gives its line
                    raise _Fallback from None
            else:
                raise _Fallback
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            count += 1
            if len(stack) >= MAX_DEPTH:
                raise yaml.MarkedYAMLError(None, None, _DEEP, event.start_mark)
            if count > MAX_VALUES:
                raise yaml.MarkedYAMLError(None, None, _MANY, event.start_mark)
            if keys is not None and not len(items) % 2:
                raise _Fallback  # a collection as a key
            tag = event.tag
            mapping = kind is MappingStartEvent
            if tag is not None and tag != "!" and tag != (_MAP if mapping else _SEQ):
                raise _Fallback
            stack.append((items, keys))
            items, keys = [], [] if mapping else None
            continue
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            if keys is None:
                value = items
            else:
                if len(set(keys)) != len(keys):
                    raise _Fallback
                value = dict(zip(items[::2], items[1::2], strict=True))
            items, keys = stack.pop()
        elif kind is AliasEvent:
            raise yaml.MarkedYAMLError(None, None, _ALIAS, event.start_mark)
        else:  # pragma: no cover - the parser emits nothing else inside a document
            raise _Fallback
        if count > MAX_VALUES:
            raise yaml.MarkedYAMLError(None, None, _MANY, event.start_mark)
        if not stack:  # the document's root value is complete
            break
        items.append(value)
    get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = get_event()  # another document
        raise yaml.composer.ComposerError(
            "expected a single document in the stream", None,
            "but found another document", event.start_mark)
    return value


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
                    problems.append(Problem(where, msg(
                            "keys must be plain strings"), key.start_mark.line + 1))
                    continue
                if key.tag == "tag:yaml.org,2002:merge":
                    problems.append(Problem(f"{where}.<<", msg(
                            "merge keys (<<) are not allowed in this "
                            "file; write the keys out"), key.start_mark.line + 1))
                    continue
                if key.value in seen:
                    problems.append(Problem(f"{where}.{key.value}", msg(
                            "duplicate key {key_value!r}", key_value=key.value),
                        key.start_mark.line + 1))
                seen.add(key.value)
                stack.append((value, f"{where}.{key.value}"))
        elif isinstance(current, SequenceNode):
            for index, item in enumerate(current.value):
                stack.append((item, f"{where}[{index}]"))


_FAST = True
"""Use libyaml when PyYAML has it (tests switch it off to check the fallback)."""


def _marked(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    if "maximum nesting depth" in message:  # libyaml's own limit (1 000 levels)
        message = _DEEP
    return Problem("$", _invalid(message), mark.line + 1 if mark is not None else None)


def _reader_message(exc: BaseException, text: str) -> str:
    """Libyaml reports a forbidden character without a mark: say which one and where."""
    del text
    return str(exc)


# Quoted scalars (where a token can start) and comments: brackets in them do not nest.
_NOT_NESTING = re.compile(
    # Each starts with its literal character, so the search skips ahead in C; the
    # lookbehind then checks that a token may start there (after a space, a bracket,
    # a comma, a colon, or at the start of the file).
    rb""""(?<![^\s\[{,:]")(?:[^"\\]++|\\.)*+"|'(?<![^\s\[{,:]')(?:[^']++|'')*+'"""
    rb"""|#(?<![^ \t\n]#)[^\n]*""")
_BRACKETS = re.compile(rb"[\[\]{}]")
_DELTA = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
_OTHERS = bytes(set(range(256)) - set(b"[{]}"))
_INDENT = re.compile(rb"^ {%d,}" % (4 * MAX_DEPTH), re.MULTILINE)


def _too_deep(raw: bytes) -> int | None:
    """A cheap look at the bytes before parsing: the line where nesting goes too deep.

    Flow collections (``[``, ``{``) are counted outside quoted scalars and comments;
    block nesting is bounded by the indentation (``4 * MAX_DEPTH`` spaces). It runs in
    C-speed passes over the bytes (regular expressions, ``bytes.translate`` and
    ``itertools.accumulate``), so a 5 MiB file costs a fraction of a second, while
    PyYAML's pure-Python scanner spends time per token that grows with the depth.
    Returns None when the file is shallow enough, else the 1-based line (0 when not
    known).
    """
    indented = _INDENT.search(raw)
    if indented:
        return raw.count(b"\n", 0, indented.start()) + 1
    if b"[" not in raw and b"{" not in raw:
        return None
    brackets = _NOT_NESTING.sub(b"", raw).translate(_DELTA, _OTHERS)
    if len(brackets) < 100_000:  # a bank has a few thousand
        depth = max(itertools.accumulate(map(operator.sub, brackets, itertools.repeat(1))),
                    default=0)
    else:
        import numpy as np  # deferred: only for files with very many brackets

        steps = np.frombuffer(brackets, dtype=np.int8) - 1
        depth = int(np.cumsum(steps, dtype=np.int64).max())
    if depth <= MAX_DEPTH:
        return None
    level = 0
    for match in _BRACKETS.finditer(raw):  # where, for the message (stops early)
        level += 1 if match.group() in b"[{" else -1
        if level > MAX_DEPTH:
            return raw.count(b"\n", 0, match.start()) + 1
    return 0
