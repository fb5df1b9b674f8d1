"""Move inline ``Text(fr=..., en=...)`` messages into the gettext catalogue.

Every call ``Text(fr=A, en=B)`` (or ``Text(A, B)``, or through a module's alias of
``Text``: ``T = Text``, ``def _(fr, en): return Text(fr, en)``) whose two texts are literals
or f-strings becomes ``msg("B as a template", field=expr, ...)``, and the French ``A``
becomes the translation of that msgid in
``src/ai_procurement/locale/fr/LC_MESSAGES/ai_procurement.po``:

- each ``{expr}`` of the f-strings becomes a named field: a plain name keeps its name
  (``{vendor}`` -> ``vendor=vendor``), an attribute its last two names
  (``{offer.bidder.name}`` -> ``bidder_name=offer.bidder.name``), a constant its own
  name in lower case (``{form.COL_DOC}`` -> ``col_doc``), a joined list or a slice the
  name of what it takes from (``{', '.join(names)}``, ``{key[:40]}`` -> ``names``,
  ``key``), anything else a name made of its words (``{len(ids)}`` ->
  ``len_ids=len(ids)``); conversions and format
  specs are kept (``{total:.1f}``); literal braces are doubled;
- an English text already in the catalogue with another French gets a context: the
  call becomes ``pmsg("<module>", ...)``;
- the module's ``from ai_procurement.text import ...`` gains ``msg``/``pmsg`` and loses
  ``Text`` once nothing else uses it.

A site is left as it is, and listed, when it cannot be converted exactly: the French
and the English do not use the same values, a format spec holds a field, a comment sits
inside the call, or the module has no import of ``ai_procurement.text`` to extend.
The two-text helpers of the deliverables are converted the same way, their receiver
kept: ``f.t("Oui", "Yes")`` (any ``<x>.t`` with two texts) and ``self.tr("Oui", "Yes")``
become ``f.t(msg("Yes"))`` and ``self.tr(msg("Yes"))``; a module that imports nothing from
``ai_procurement.text`` gains ``from ai_procurement.text import msg``. So are the readers'
findings, ``self.problem(severity, code, fr, en, sheet=..., cell=...)``: its two texts become
one message, ``self.problem(severity, code, msg("en"), sheet=..., cell=...)``.

Calls whose texts are not literals (``Text(fr=row["fr"], en=row["en"])``: data from a
file) are not messages of the package and are never touched.

Re-running it converts only what remains. At the end it refreshes the catalogue
(``tools/catalogue.py``: extract, update, compile). From the repository root::

    PYTHONPATH=src python tools/to_catalogue.py [FILE ...]      # default: all of src/
    PYTHONPATH=src python tools/to_catalogue.py --check         # list, change nothing
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue  # the sibling tool, found through the line above
from babel.messages.catalog import Catalog

WIDTH = 99
"""The line length of the project (ruff's line-length)."""

TEXT_MODULE = "ai_procurement.text"


class Unconvertible(Exception):
    """A site the script leaves as it is, with the reason."""


@dataclass
class Site:
    """One ``Text(...)`` call to replace."""

    start: tuple[int, int]  # (line index, character column)
    end: tuple[int, int]
    replacement: str = ""


@dataclass
class Report:
    """What a run converted and what it left."""

    converted: int = 0
    contexts: int = 0
    left: list[str] = field(default_factory=list)
    data: int = 0
    deferred: int = 0


def _quote(text: str) -> str:
    """``text`` as a double-quoted Python literal."""
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char in "\u2028\u2029":
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _readable(expr: ast.expr) -> str:
    """A field name for the value ``expr``."""
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
        return _readable(expr.value)  # row_key[:40] -> row_key
    if isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords:
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "join":
            inner = expr.args[0]  # ", ".join(names) -> names
            if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                    and inner.func.id in {"map", "sorted"} and inner.args):
                inner = inner.args[-1]  # ", ".join(map(str, stray)) -> stray
            return _readable(inner)
    if isinstance(expr, ast.BinOp):
        return _readable(expr.left)
    if isinstance(expr, ast.Attribute) and expr.attr == "__name__":
        return "error_type"
    if isinstance(expr, ast.Attribute) and expr.attr.isupper():
        return _readable(ast.Name(expr.attr))  # form.COL_DOC -> col_doc
    if isinstance(expr, ast.Name):
        name = expr.id.lower() if expr.id.isupper() else expr.id
    elif isinstance(expr, ast.Attribute):
        parts = [expr.attr]
        inner = expr.value
        if isinstance(inner, ast.Attribute):
            parts.insert(0, inner.attr)
        elif isinstance(inner, ast.Name) and inner.id not in {"self", "cls"}:
            parts.insert(0, inner.id)
        name = "_".join(parts[-2:])
    else:
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\d+", ast.unparse(expr))
        words = [w for w in words if w not in {"self", "cls", "get", "lang"}] or ["value"]
        name = "_".join(words)[:32].strip("_")
    name = re.sub(r"\W", "_", name).lstrip("_") or "value"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = f"value_{name}"
    return name


def _in_english(source: str) -> str:
    """``source`` with its French markers turned English (``x.fr`` -> ``x.en``)."""
    return re.sub(r"""(?<![\w.])(["']?)fr\1(?!\w)|(?<=\.)fr\b|\bfr_|_fr\b""",
                  lambda m: m.group(0).replace("fr", "en"), source)


def _formatted(node: ast.expr) -> list[ast.FormattedValue]:
    if not isinstance(node, ast.JoinedStr):
        return []
    return [v for v in node.values if isinstance(v, ast.FormattedValue)]


def _spec(value: ast.FormattedValue) -> str:
    """The format spec of ``{x:spec}`` ("" if none)."""
    if value.format_spec is None:
        return ""
    assert isinstance(value.format_spec, ast.JoinedStr)
    if not all(isinstance(v, ast.Constant) for v in value.format_spec.values):
        raise Unconvertible("a format spec holds a field")
    return "".join(str(v.value) for v in value.format_spec.values
                   if isinstance(v, ast.Constant))


_STR_METHODS = {"join", "replace", "get", "isoformat", "strftime", "upper", "lower",
                "strip", "removesuffix", "removeprefix", "format", "capitalize", "title"}


def _as_str(value: ast.FormattedValue) -> str:
    """An expression giving the text ``f"{value}"`` gives, for one side of a pair."""
    expr = value.value
    inner = ast.unparse(expr)
    if value.conversion != -1:
        inner = {"r": "repr", "s": "str", "a": "ascii"}[chr(value.conversion)] + f"({inner})"
    spec = _spec(value)
    if spec:
        return f"format({inner}, {_quote(spec)})"
    obvious = value.conversion != -1 or (
        isinstance(expr, ast.Constant) and isinstance(expr.value, str)) or isinstance(
        expr, ast.JoinedStr) or (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in _STR_METHODS) or (
        isinstance(expr, ast.Attribute) and expr.attr in {"fr", "en"}) or (
        isinstance(expr, ast.Name) and re.fullmatch(r"(.*_)?(fr|en)", expr.id) is not None)
    return inner if obvious else f"format({inner}, \"\")"


class _Fields:
    """The named fields of one message, shared by its French and English.

    A value the French writes in French and the English in English (``unit.fr`` and
    ``unit.en``, ``num(x, "fr")`` and ``num(x, "en")``) is one field whose value is a
    ``Text`` (``unit``, or ``Text(fr=num(x, "fr"), en=num(x, "en"))``).
    """

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.bare: set[str] = set()

    def pair(self, fr_node: ast.expr, en_node: ast.expr) -> None:
        """Name the language pairs of the two texts first."""
        french: dict[str, ast.FormattedValue] = {}
        english: dict[str, ast.FormattedValue] = {}
        for side, node in ((french, fr_node), (english, en_node)):
            for value in _formatted(node):
                side.setdefault(ast.dump(value.value), value)
        formats = {(ast.dump(v.value), v.conversion, _spec(v))
                   for v in (*_formatted(fr_node), *_formatted(en_node))}
        only_en = {ast.unparse(v.value): k for k, v in english.items() if k not in french}
        pairs = []
        for key, fv in french.items():
            match = only_en.get(_in_english(ast.unparse(fv.value)))
            if key not in english and match is not None:
                pairs.append((key, match))
        # What remains on each side, taken in order: the French writes there what the
        # English writes in its own way (" et ".join(x) / " and ".join(x)). The output
        # is the same whatever the pairing; the order keeps the names meaningful.
        rest_fr = [k for k in french if k not in english and k not in dict(pairs)]
        paired_en = {m for _, m in pairs}
        rest_en = [k for k in english if k not in french and k not in paired_en]
        if len(rest_fr) == len(rest_en):
            pairs += zip(rest_fr, rest_en, strict=True)
        for key, match in pairs:
            if len({f for f in formats if f[0] in (key, match)}) > 2:
                raise Unconvertible("one value written with two formats")
            fr_value, en_value = french[key], english[match]
            expr, other = fr_value.value, en_value.value
            plain = all(v.conversion == -1 and not _spec(v) for v in (fr_value, en_value))
            if (plain and isinstance(expr, ast.Attribute) and isinstance(other, ast.Attribute)
                    and expr.attr == "fr" and other.attr == "en"
                    and ast.dump(expr.value) == ast.dump(other.value)):
                value, readable = ast.unparse(expr.value), _readable(expr.value)
            else:
                # Each side formatted as its f-string did; the placeholder is bare.
                value = f"Text(fr={_as_str(fr_value)}, en={_as_str(en_value)})"
                stem = re.sub(r"(^|_)(en|and|or)(_|$)", r"\1\3", _readable(other))
                stem = re.sub(r"__+", "_", stem).strip("_")
                readable = stem or "text"
            name = self._fresh(readable)
            self.by_key[key] = self.by_key[match] = name
            self.values[name] = value
            self.bare.add(name)

    def _fresh(self, base: str) -> str:
        name, k = base, 2
        while name in self.values:
            name, k = f"{base}_{k}", k + 1
        return name

    def name(self, expr: ast.expr) -> str:
        key = ast.dump(expr)
        if key in self.by_key:
            return self.by_key[key]
        base = _readable(expr)
        name, k = base, 2
        while name in self.values:
            name, k = f"{base}_{k}", k + 1
        self.by_key[key] = name
        self.values[name] = ast.unparse(expr)
        return name


def _template(node: ast.expr, fields: _Fields) -> tuple[str, set[str]]:
    """The ``str.format`` template of a literal or f-string, and the fields it uses."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}"), set()
    if not isinstance(node, ast.JoinedStr):
        raise Unconvertible("not a literal")
    parts: list[str] = []
    used: set[str] = set()
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value.replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(value, ast.FormattedValue)
        name = fields.name(value.value)
        used.add(name)
        if name in fields.bare:  # a language pair, formatted in its Text
            parts.append("{" + name + "}")
            continue
        conversion = "" if value.conversion == -1 else "!" + chr(value.conversion)
        spec = ":" + _spec(value) if value.format_spec is not None else ""
        parts.append("{" + name + conversion + spec + "}")
    return "".join(parts), used


def aliases_of(tree: ast.Module) -> set[str]:
    """The names a module gives ``Text``.

    ``Text`` itself, an alias (``T = Text``) and a function that only returns
    ``Text(fr, en)`` (``def _(fr, en)``).
    """
    names = {"Text"}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
                and node.value.id == "Text" and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            names.add(node.targets[0].id)
        if (isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args] == ["fr", "en"]
                and not node.decorator_list and len(node.body) == 1
                and isinstance(node.body[0], ast.Return)
                and ast.unparse(node.body[0].value) in {"Text(fr, en)", "Text(fr=fr, en=en)"}):
            names.add(node.name)
    return names


def _texts(call: ast.Call, aliases: set[str] = frozenset({"Text"})  # type: ignore[assignment]
           ) -> tuple[ast.expr, ast.expr] | None:
    """The French and English arguments of a ``Text(...)`` call (or an alias's), or None."""
    if not (isinstance(call.func, ast.Name) and call.func.id in aliases):
        return None
    given: dict[str, ast.expr] = {}
    for name, arg in zip(("fr", "en"), call.args, strict=False):
        given[name] = arg
    for kw in call.keywords:
        if kw.arg in {"fr", "en"} and kw.arg not in given:
            given[kw.arg] = kw.value
        else:
            return None
    if len(call.args) > 2 or set(given) != {"fr", "en"}:
        return None
    return given["fr"], given["en"]


HELPERS = {"t": None, "tr": "self"}
"""Methods that pick one of two texts by language (``f.t(fr, en)``, ``self.tr(fr, en)``),
with the receiver they must be called on (None: any)."""


REPORTERS = {"problem"}
"""Methods that record a finding from ``(severity, code, fr, en, ...)``: their two texts
become one message, the other arguments stay (``self.problem("error", "x", "Oui",
"Yes", sheet=s)`` -> ``self.problem("error", "x", msg("Yes"), sheet=s)``)."""


def _reporter_texts(call: ast.Call) -> tuple[ast.expr, ast.expr] | None:
    """The French and English of a ``<x>.problem(severity, code, fr, en, ...)`` call, or None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in REPORTERS):
        return None
    if len(call.args) != 4 or any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    return call.args[2], call.args[3]


def _helper_texts(call: ast.Call) -> tuple[ast.expr, ast.expr] | None:
    """The French and English of a ``<x>.t(fr, en)`` or ``self.tr(fr, en)`` call, or None."""
    reported = _reporter_texts(call)
    if reported is not None:
        return reported
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in HELPERS):
        return None
    receiver = HELPERS[func.attr]
    if receiver is not None and not (isinstance(func.value, ast.Name)
                                     and func.value.id == receiver):
        return None
    if call.keywords or len(call.args) != 2 or any(
            isinstance(arg, ast.Starred) for arg in call.args):
        return None
    return call.args[0], call.args[1]


def _is_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(
        node, ast.JoinedStr)


def _words(text: str) -> list[str]:
    """``text`` cut after each space, so that the pieces join back to it."""
    return re.findall(r"[^ ]* *|[^ ]+", text)[:-1] if text else [""]


def _render(function: str, head: list[str], msgid: str, kwargs: list[str], column: int,
            tail: int, base: int) -> str:
    """The call, wrapped to the project's line length, aligned after its parenthesis.

    A call that starts far right is written with a hanging indent instead (its text on
    the next lines, ``base + 8`` columns in), so that its words are not one per line.
    """
    def fits(rendered: str, start: int) -> bool:
        rows = rendered.split("\n")
        widths = [start + len(rows[0])] + [len(row) for row in rows[1:]]
        widths[-1] += tail
        return max(widths) <= WIDTH

    rendered = _render_within(WIDTH, function, head, msgid, kwargs, column, None)
    if "\n" not in rendered and fits(rendered, column):
        return rendered  # on one line, where it was
    for hanging in ((None, base + 8) if column <= 48 else (base + 8,)):
        for narrower in (0, tail + 1, tail + 12):
            rendered = _render_within(WIDTH - narrower, function, head, msgid, kwargs,
                                      column, hanging)
            if fits(rendered, column):
                return rendered
    return rendered


def _render_within(limit: int, function: str, head: list[str], msgid: str,
                   kwargs: list[str], column: int, hanging: int | None) -> str:
    """:func:`_render` with its strings packed in ``limit`` columns."""
    indent = column + len(function) + 1 if hanging is None else hanging
    rows: list[list[str]] = [[]]

    def width(row: list[str], first: bool) -> int:
        start = column + len(function) + 1 if first and hanging is None else indent
        return start + len(" ".join(row))

    def add(atom: str) -> None:
        row = rows[-1]
        if row and width([*row, atom], len(rows) == 1) > limit:
            rows.append([])
        rows[-1].append(atom)

    for atom in head:
        add(atom)
    words = _words(msgid)
    while words:
        row = rows[-1]
        room = limit - width(row, len(rows) == 1) - (1 if row else 0) - 1
        taken = 1
        while taken < len(words) and len(_quote("".join(words[:taken + 1]))) <= room:
            taken += 1
        if row and len(_quote("".join(words[:taken]))) > room:
            rows.append([])
            continue
        piece = _quote("".join(words[:taken]))
        words = words[taken:]
        rows[-1].append(piece + ("," if not words and kwargs else ""))
    for i, kwarg in enumerate(kwargs):
        comma = "," if i < len(kwargs) - 1 else ""
        name, _, value = kwarg.partition("=")
        pair = ast.parse(value, mode="eval").body
        if value.startswith("Text(fr=") and isinstance(pair, ast.Call):
            # A language pair may break between its French and its English.
            fr_value, en_value = (ast.unparse(k.value) for k in pair.keywords)
            add(f"{name}=Text(fr={fr_value},")
            add(f"en={en_value}){comma}")
        else:
            add(kwarg + comma)
    opening = function + "(" + ("" if hanging is None else "\n" + " " * indent)
    return opening + ("\n" + " " * indent).join(" ".join(row) for row in rows) + ")"


def _char_column(line: str, byte_offset: int) -> int:
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def _comment_lines(source: str) -> set[int]:
    found = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.add(token.start[0])
    return found


def _context_for(catalog: Catalog, msgid: str, french: str, module: str) -> str | None:
    """The msgctxt under which ``msgid`` means ``french`` (adding the entry if needed)."""
    candidates = [None, module, *(f"{module} {k}" for k in range(2, 50))]
    for context in candidates:
        entry = catalog.get(msgid, context=context)
        if entry is None:
            catalog.add(msgid, french, context=context)
            return context
        if entry.string == french:
            return context
    raise Unconvertible("too many French renderings of one English text")


def _sort_key(name: str) -> tuple[int, str]:
    """Ruff's isort order within an import: CONSTANTS, Classes, functions."""
    bare = name.split(" as ")[0]
    if bare.isupper() and len(bare) > 1:
        return 0, bare
    return (1 if bare[0].isupper() else 2), bare


def _import_line(names: list[str], column: int) -> str:
    ordered = sorted(set(names), key=_sort_key)
    one = f"from {TEXT_MODULE} import {', '.join(ordered)}"
    if column + len(one) <= WIDTH:
        return one
    inner = "".join(f"\n{' ' * (column + 4)}{name}," for name in ordered)
    return f"from {TEXT_MODULE} import ({inner}\n{' ' * column})"


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def convert_source(source: str, module: str, catalog: Catalog, report: Report,
                   where: str) -> str:
    """``source`` with its literal ``Text(...)`` calls turned into catalogue calls."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    comments = _comment_lines(source)
    hidden = _type_checking_lines(tree)
    aliases = aliases_of(tree)
    inside_fstrings = [(n.lineno, n.col_offset, n.end_lineno or n.lineno, n.end_col_offset or 0)
                       for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    importable = any(isinstance(node, ast.ImportFrom) and node.module == TEXT_MODULE
                     and node.lineno not in hidden
                     and any(alias.name == "Text" for alias in node.names)
                     for node in ast.walk(tree))
    # A helper's call needs no Text: an import of the package to put one beside will do.
    helper_importable = _import_anchor(tree) is not None or any(
        isinstance(node, ast.ImportFrom) and node.module == TEXT_MODULE
        and node.lineno not in hidden for node in tree.body)
    sites: list[Site] = []
    taken: list[tuple[int, int]] = []
    needed: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        texts = _texts(node, aliases)
        helper = texts is None
        if helper:
            texts = _helper_texts(node)
        if texts is None:
            continue
        fr_node, en_node = texts
        if not (_is_literal(fr_node) and _is_literal(en_node)):
            report.data += 1
            continue
        if all(isinstance(n, ast.Constant) and not n.value for n in (fr_node, en_node)):
            continue  # an empty pair (a blank header cell) says nothing in either language
        first, last = node.lineno, node.end_lineno or node.lineno
        if any(a <= last and first <= b for a, b in taken):
            # Nested in, or on a line of, a call converted in this pass: its place is known
            # only once that one is written; the next pass converts it.
            report.deferred += 1
            continue
        location = f"{where}:{first}"
        try:
            if not (helper_importable if helper else importable):
                raise Unconvertible("no import of Text from ai_procurement.text to extend")
            where_call = (node.lineno, node.col_offset)
            if any((a, b) < where_call < (c, d) for a, b, c, d in inside_fstrings):
                raise Unconvertible("inside an f-string's expression")
            if any(first <= line <= last for line in comments):
                raise Unconvertible("a comment inside the call")
            fields = _Fields()
            fields.pair(fr_node, en_node)
            english, en_used = _template(en_node, fields)
            french, fr_used = _template(fr_node, fields)
            if en_used != fr_used:
                raise Unconvertible("French and English use different values: "
                                    f"{sorted(fr_used ^ en_used)}")
            if not english.strip():
                raise Unconvertible("an empty English text")
            context = _context_for(catalog, english, french, module)
        except Unconvertible as exc:
            report.left.append(f"{location}: {exc}")
            continue
        # A helper's call keeps its receiver: only its two texts become one message.
        start_node: ast.expr = fr_node if helper else node
        end_node: ast.expr = en_node if helper else node
        first, last = start_node.lineno, end_node.end_lineno or end_node.lineno
        line = lines[first - 1]
        column = _char_column(line, start_node.col_offset)
        end_line = lines[last - 1]
        end_column = _char_column(end_line, end_node.end_col_offset or 0)
        tail = len(end_line.rstrip("\n")) - end_column
        base = len(line) - len(line.lstrip(" "))
        kwargs = [f"{name}={value}" for name, value in fields.values.items()]
        function = "msg" if context is None else "pmsg"
        head = [] if context is None else [_quote(context) + ","]
        rendered = _render(function, head, english, kwargs, column, tail, base)
        rows = rendered.split("\n")
        widths = [column + len(rows[0]), *(len(row) for row in rows[1:])]
        widths[-1] += tail
        rest = end_line.rstrip("\n")[end_column:]
        if helper and rest.startswith(", ") and tail > 2:
            # A finding's other arguments (sheet=..., cell=...) that leave the message too
            # little room go on the next line, aligned with the call's first argument.
            first_arg = node.args[0]
            align = (_char_column(line, first_arg.col_offset)
                     if first_arg.lineno == start_node.lineno else column)
            alone = _render(function, head, english, kwargs, column, 1, base)
            if (len(alone.split("\n")) < len(rows) or max(widths) > WIDTH) and (
                    align + len(rest) - 2 <= WIDTH):
                rendered = alone + ",\n" + " " * align
                end_column += 2
                rows = rendered.split("\n")
                widths = [column + len(rows[0]), *(len(row) for row in rows[1:-1]),
                          align + len(rest) - 2]
        if max(widths) > WIDTH:
            report.left.append(f"{location}: does not fit in {WIDTH} columns with what "
                               "follows it")
            continue
        needed.add(function)
        if any(value.startswith("Text(") for value in fields.values.values()):
            needed.add("Text")  # a language pair's value, in a module that may lack it
        report.converted += 1
        report.contexts += context is not None
        sites.append(Site((first - 1, column), (last - 1, end_column), rendered))
        taken.append((node.lineno, node.end_lineno or node.lineno))
    if not sites:
        return source
    for site in sorted(sites, key=lambda s: s.start, reverse=True):
        (l1, c1), (l2, c2) = site.start, site.end
        lines[l1:l2 + 1] = [lines[l1][:c1] + site.replacement + lines[l2][c2:]]
    return _fix_imports("".join(lines), needed)


def _fix_imports(source: str, needed: set[str]) -> str:
    """Add ``needed`` to the imports of ai_procurement.text; drop ``Text`` if unused."""
    tree = ast.parse(source)
    hidden = _type_checking_lines(tree)
    imports = [node for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.module == TEXT_MODULE
               and node.level == 0 and node.lineno not in hidden]
    if not imports:
        return _add_import(source, tree, needed)
    uses_text = any(isinstance(node, ast.Name) and node.id == "Text" for node in ast.walk(tree))
    uses_text = uses_text or any(
        isinstance(node, ast.Constant) and isinstance(node.value, str)
        and re.search(r"\bText\b", node.value) and node.lineno in hidden
        for node in ast.walk(tree))
    lines = source.splitlines(keepends=True)
    for node in sorted(imports, key=lambda n: n.lineno, reverse=True):
        names = [alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
                 for alias in node.names]
        if not uses_text:
            names = [name for name in names if name != "Text"]
        names += sorted(needed)
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        column = _char_column(lines[first], node.col_offset)
        lines[first:last + 1] = [" " * column + _import_line(names, column) + "\n"]
    return "".join(lines)


def _import_anchor(tree: ast.Module) -> tuple[int, bool] | None:
    """Where a new ``from ai_procurement.text import ...`` goes, in isort's order.

    Returns:
        The 0-based line to write it at (or after) and whether it goes before it; None
        if the module imports nothing of the package (no such import exists, or one from
        ai_procurement.text already does).
    """
    ours = [node for node in tree.body if isinstance(node, ast.ImportFrom)
            and node.level == 0 and (node.module or "").startswith("ai_procurement")]
    if not ours or any(node.module == TEXT_MODULE for node in ours):
        return None
    for node in ours:
        if (node.module or "") > TEXT_MODULE:
            return node.lineno - 1, True
    last = ours[-1]
    return (last.end_lineno or last.lineno) - 1, False


def _add_import(source: str, tree: ast.Module, needed: set[str]) -> str:
    """``source`` with a new ``from ai_procurement.text import <needed>``."""
    anchor = _import_anchor(tree)
    if anchor is None:
        raise Unconvertible("no import of Text from ai_procurement.text to extend")
    index, before = anchor
    lines = source.splitlines(keepends=True)
    new = _import_line(sorted(needed), 0) + "\n"
    lines.insert(index if before else index + 1, new)
    return "".join(lines)


def module_name(path: Path) -> str:
    """``deliverables.labels`` for ``src/ai_procurement/deliverables/labels.py``."""
    relative = path.resolve().relative_to(catalogue.PACKAGE)
    return ".".join(relative.with_suffix("").parts)


def convert(paths: list[Path], *, write: bool = True) -> Report:
    """Convert ``paths`` (writing them and the ``.po`` unless ``write`` is false)."""
    catalog = catalogue.read_catalogue()
    report = Report()
    for path in paths:
        source = path.read_text("utf-8")
        where = str(path.resolve().relative_to(catalogue.ROOT))
        new = source
        for attempt in range(20):
            passing = Report()
            try:
                new = convert_source(new, module_name(path), catalog, passing, where)
            except Unconvertible as exc:
                report.left.append(f"{where}: {exc}")
                break
            report.converted += passing.converted
            report.contexts += passing.contexts
            if attempt == 0:
                report.data += passing.data
            if not passing.deferred:
                report.left += passing.left
                break
        if new != source and write:
            path.write_text(new, "utf-8")
    if write:
        catalogue.write_catalogue(catalog)
    return report


def main(argv: list[str]) -> int:
    """Convert the files named in ``argv`` (default: every module of the package)."""
    check = "--check" in argv
    names = [arg for arg in argv if arg != "--check"]
    paths = ([Path(name) for name in names] if names
             else sorted(catalogue.PACKAGE.rglob("*.py")))
    report = convert(paths, write=not check)
    for line in report.left:
        print(f"left: {line}", file=sys.stderr)
    print(f"converted {report.converted} messages ({report.contexts} with a context); "
          f"left {len(report.left)} sites; {report.data} Text(...) from data untouched",
          file=sys.stderr)
    if not check:
        missing = catalogue.refresh()
        for msgid in missing:
            print(f"no French yet: {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
