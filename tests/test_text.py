"""Messages in both languages: the catalogue, its compiled file and the functions that read it.

Every message of the package is an English msgid in the code with its French in
``locale/fr/LC_MESSAGES/ai_procurement.po``; a message without French would reach a
French buyer in English, and a stale ``.mo`` would show yesterday's French.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from ai_procurement.text import Text, msg, nmsg, npmsg, pmsg

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue", ROOT / "tools" / "catalogue.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("catalogue", module)
    spec.loader.exec_module(module)
    return module


catalogue = _tool()


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    template: Catalog = catalogue.extract()
    return template


@pytest.fixture(scope="module")
def french() -> Catalog:
    catalog: Catalog = catalogue.read_catalogue()
    return catalog


def _ids(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id, m.context) for m in catalog if m.id}


def test_every_message_of_the_code_has_its_french(extracted: Catalog,
                                                   french: Catalog) -> None:
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = french.get(message.id, context=message.context)
        strings = entry.string if entry is not None else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(forms):
            missing.append(message.id)
    assert not missing, f"no French (run tools/catalogue.py, then translate): {missing}"


def test_extraction_sees_every_message_call_of_the_package(extracted: Catalog) -> None:
    # Babel skips folders such as _office/ unless told, and may lose its way in a file:
    # every msg("...") the parser sees must be in the extraction.
    found = set()
    for path in catalogue.PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"msg", "nmsg"} and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert found - ids == set()


def test_the_catalogue_holds_only_messages_of_the_code(extracted: Catalog,
                                                       french: Catalog) -> None:
    assert not french.obsolete
    assert _ids(french) - _ids(extracted) == set()


def test_the_committed_po_is_in_step_with_the_code(extracted: Catalog) -> None:
    # What tools/catalogue.py would write: the committed file, byte for byte.
    updated = catalogue.update(extracted)
    assert _stable(catalogue.po_bytes(updated)) == _stable(catalogue.PO.read_bytes())
    assert _stable(catalogue.po_bytes(extracted)) == _stable(catalogue.TEMPLATE.read_bytes())


def _stable(data: bytes) -> bytes:
    """``data`` without the version of Babel that wrote it."""
    return re.sub(rb"Generated-By: Babel [^\\\n]*", b"", data)


def _entries(path: Path) -> list[tuple[object, object, str | None]]:
    from babel.messages.mofile import read_mo

    with path.open("rb") as stream:
        catalog = read_mo(stream)
    return [(m.id, _stable(str(m.string).encode()) if not m.id else m.string, m.context)
            for m in catalog]


def test_the_committed_mo_is_the_po_compiled(french: Catalog, tmp_path: Path) -> None:
    compiled = tmp_path / "ai_procurement.mo"
    compiled.write_bytes(catalogue.mo_bytes(french))
    assert _entries(compiled) == _entries(catalogue.MO)
    assert len(_entries(compiled)) == len([m for m in french if m.id]) + 1  # + the header


def test_the_package_ships_the_compiled_catalogue() -> None:
    from importlib import resources

    mo = resources.files("ai_procurement").joinpath("locale/fr/LC_MESSAGES/ai_procurement.mo")
    assert mo.is_file()


_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")


def _fields(text: str) -> set[str]:
    return set(_FIELD.findall(text.replace("{{", "").replace("}}", "")))


def test_french_and_english_use_the_same_placeholders(french: Catalog) -> None:
    wrong = []
    for message in french:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(_fields(i) for i in ids))
        for string in strings:
            # A plural form may leave out the number ("un fichier"), never add a field.
            found = _fields(string)
            if found - expected or (expected - {"n"}) - found:
                wrong.append((message.id, string))
    assert not wrong


def test_the_french_plural_rule_is_singular_for_zero_and_one(french: Catalog) -> None:
    assert french.plural_forms == "nplurals=2; plural=(n > 1);"


def test_msg_gives_both_languages_formatted() -> None:
    assert msg("Files written:") == Text(fr="Fichiers écrits :", en="Files written:")
    text = msg("No file in {folder}/responses/.", folder="campagne")
    assert text == Text(fr="Aucun fichier dans campagne/responses/.",
                        en="No file in campagne/responses/.")


def test_a_message_unknown_to_the_catalogue_stays_english_in_both() -> None:
    assert msg("Not a message of ours {x:.1f}", x=2) == Text(fr="Not a message of ours 2.0",
                                                             en="Not a message of ours 2.0")


@pytest.mark.parametrize(("n", "fr", "en"), [
    (0, "0 erreur", "0 errors"), (1, "1 erreur", "1 error"), (3, "3 erreurs", "3 errors")])
def test_nmsg_follows_each_language_plural_rule(n: int, fr: str, en: str) -> None:
    assert nmsg("{n} error", "{n} errors", n) == Text(fr=fr, en=en)


def test_contexts_read_their_own_entry() -> None:
    # Without an entry under that context, the English stands: the context is part of the key.
    assert pmsg("no such context", "Files written:") == Text(fr="Files written:",
                                                             en="Files written:")
    assert npmsg("no such context", "{n} error", "{n} errors", 2) == Text(fr="2 errors",
                                                                          en="2 errors")


def test_a_text_field_gives_each_language_its_own_words() -> None:
    unit = Text(fr="jours", en="days")
    assert msg("No file in {folder}/responses/.", folder=unit) == Text(
        fr="Aucun fichier dans jours/responses/.", en="No file in days/responses/.")


LITERAL_TEXT_ALLOWED: dict[str, str] = {}
"""Modules allowed to write ``Text(fr="...", en="...")`` from literals, and why.

None today: labels, units and messages all go through the catalogue. A module that builds
a ``Text`` from data it reads (a bank's questions, a campaign's names) uses variables, which
this test does not count.
"""


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_no_message_is_written_inline_in_two_languages() -> None:
    tool = _to_catalogue()
    inline = []
    for path in sorted(catalogue.PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(catalogue.PACKAGE).with_suffix("").parts)
        if module in LITERAL_TEXT_ALLOWED:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        aliases = tool.aliases_of(tree)  # Text, T = Text, def _(fr, en): return Text(fr, en)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            # f.t("Oui", "Yes"), self.tr("Oui", "Yes"), self.problem(sev, code, "Oui", "Yes")
            pair = tool._helper_texts(node)
            if pair is not None:
                texts = list(pair)
            elif isinstance(node.func, ast.Name) and node.func.id in aliases:
                texts = [*node.args,
                         *(k.value for k in node.keywords if k.arg in {"fr", "en"})]
            else:
                continue
            # An empty pair (a blank header cell) says nothing in either language.
            if (len(texts) == 2 and all(_literal(t) for t in texts)
                    and not all(isinstance(t, ast.Constant) and not t.value for t in texts)):
                inline.append(f"{module}:{node.lineno}")
    assert not inline, ("use msg() and the catalogue (tools/to_catalogue.py converts them): "
                        f"{inline}")


def test_the_conversion_tool_finds_no_inline_pair_left() -> None:
    # What `tools/to_catalogue.py --check` reports: nothing to convert, nothing it gave up on.
    report = _to_catalogue().convert(sorted(catalogue.PACKAGE.rglob("*.py")), write=False)
    assert (report.converted, report.left) == (0, [])


# -- tools/to_catalogue.py: inline Text(...) to the catalogue, exactly -------------------

SAMPLE = '''
from ai_procurement.text import Lang, Text


def sample(x: float, ids: list[str], unit: Text, day: object, lang: Lang) -> list[Text]:
    return [
        Text("Bonjour", "Hello"),
        Text(fr=f"{len(ids)} question(s) sans réponse : {x:.1f} {{accolade}}",
             en=f"{len(ids)} question(s) unanswered: {x:.1f} {{brace}}"),
        Text(f"Paliers ({unit.fr}) : {x!r}", f"Steps ({unit.en}): {x!r}"),
        Text(f"{' et '.join(ids)} à égalité", f"{' and '.join(ids)} tied"),
        Text(f"Au plus tard le {day:%d/%m/%Y}", f"On or before {day.isoformat()}"),
        Text("Oui", "Hello"),
        Text(x, x),
        Text("Avec un commentaire",  # kept
             "With a comment"),
    ]
'''


def _to_catalogue() -> ModuleType:
    spec = importlib.util.spec_from_file_location("to_catalogue",
                                                  ROOT / "tools" / "to_catalogue.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("to_catalogue", module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


def _sample(source: str, name: str, catalog: Catalog,
            monkeypatch: pytest.MonkeyPatch) -> object:
    """``name`` from ``source`` (one of our samples) run with ``catalog``'s French."""
    import gettext
    import io

    import ai_procurement.text as text_module

    translations = gettext.GNUTranslations(io.BytesIO(catalogue.mo_bytes(catalog)))
    monkeypatch.setattr(text_module, "_french", lambda: translations)
    namespace: dict[str, object] = {}
    exec(compile(source, "sample.py", "exec"), namespace)  # our own sample, above
    return namespace[name]


def _run(source: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> list[Text]:
    import datetime as dt

    sample = _sample(source, "sample", catalog, monkeypatch)
    assert callable(sample)
    result = sample(2.25, ["A", "B"], Text(fr="jours", en="days"), dt.date(2027, 3, 14), "fr")
    assert isinstance(result, list)
    return result


def test_the_conversion_gives_the_same_texts_and_converts_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _to_catalogue()
    catalog = catalogue.read_catalogue(ROOT / "no-such.po")
    report = tool.Report()
    converted = tool.convert_source(SAMPLE, "sample", catalog, report, "sample.py")
    assert _run(converted, catalog, monkeypatch) == _run(SAMPLE, catalog, monkeypatch)
    assert report.converted == 6
    assert report.contexts == 1  # "Hello" is "Bonjour" once and "Oui" once
    assert report.left == ["sample.py:15: a comment inside the call"]
    assert 'msg("Hello")' in converted
    assert 'pmsg("sample", "Hello")' in converted
    assert "len_ids=len(ids)" in converted
    assert "{x:.1f} {{brace}}" in converted
    assert "unit=unit" in converted
    assert "from ai_procurement.text import Lang, Text, msg, pmsg" in converted
    again = tool.Report()
    assert tool.convert_source(converted, "sample", catalog, again, "sample.py") == converted
    assert again.converted == 0


HELPERS_SAMPLE = '''
from ai_procurement.deliverables.view import Formatter


class Sheet(Formatter):
    tr = Formatter.t

    def texts(self, ids: list[str]) -> list[str]:
        f = self
        return [
            f.t("Oui", "Yes"),
            self.tr(f"{len(ids)} offres", f"{len(ids)} offers"),
            f.t(f"« {ids[0]} » retenu", f"“{ids[0]}” chosen"),
            f.t(f"{' et '.join(ids)} à égalité", f"{' and '.join(ids)} tied"),
            f.t("Non", "No") + f.t("Peut-être", "Maybe"),
            f.tr("Déjà", "Already"),
            f.t(ids[0], ids[1]),
            f.t("Avec un commentaire",  # kept
                "With a comment"),
        ]
'''


def _run_helpers(source: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch,
                 ) -> list[list[str]]:
    sheet = _sample(source, "Sheet", catalog, monkeypatch)
    assert callable(sheet)
    return [sheet(lang).texts(["A", "B"]) for lang in ("fr", "en")]


def test_the_two_text_helpers_are_converted_with_their_receiver_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _to_catalogue()
    catalog = catalogue.read_catalogue(ROOT / "no-such.po")
    first = tool.Report()
    converted = tool.convert_source(HELPERS_SAMPLE, "sample", catalog, first, "sample.py")
    assert first.deferred == 1  # the second call of a line waits for the next pass
    second = tool.Report()
    converted = tool.convert_source(converted, "sample", catalog, second, "sample.py")
    assert first.converted + second.converted == 6
    assert second.left == ["sample.py:19: a comment inside the call"]
    assert (_run_helpers(converted, catalog, monkeypatch)
            == _run_helpers(HELPERS_SAMPLE, catalog, monkeypatch))
    assert 'f.t(msg("Yes"))' in converted
    assert 'self.tr(msg("{len_ids} offers", len_ids=len(ids)))' in converted
    assert 'f.t(msg("No")) + f.t(msg("Maybe"))' in converted
    assert 'f.tr("Déjà", "Already")' in converted  # tr only on self
    assert "f.t(ids[0], ids[1])" in converted  # data, not a message
    assert "from ai_procurement.text import Text, msg\n" in converted  # added, Text for a pair
    assert catalog.get("“{ids_0}” chosen").string == "« {ids_0} » retenu"
    again = tool.Report()
    assert tool.convert_source(converted, "sample", catalog, again, "sample.py") == converted
    assert again.converted == 0


FINDINGS_SAMPLE = '''
from ai_procurement.text import Text


class Reader:
    def __init__(self) -> None:
        self.found: list[tuple[str, str, Text, str]] = []

    def problem(self, severity: str, code: str, fr: str | Text, en: str = "", *,
                sheet: str = "") -> None:
        self.found.append((severity, code, fr if isinstance(fr, Text) else Text(fr, en), sheet))

    def read(self, ref: str, names: list[str]) -> None:
        self.problem("error", "formula", f"Cellule {ref} : une formule n'est pas une valeur.",
                     f"Cell {ref}: a formula is not a value.", sheet="Réponses")
        self.problem("warning", "sheets", f"Feuilles présentes : {', '.join(names)}.",
                     f"Sheets found: {', '.join(names)}.",
                     sheet="Réponses questionnaire fournisseur")
        self.problem("error", "data", Text(names[0], names[1]))
'''


def test_findings_written_in_two_languages_are_converted_and_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``problem(severity, code, fr, en, ...)`` becomes ``problem(severity, code, msg(en))``,
    and the check of the package refuses the old form."""
    tool = _to_catalogue()
    tree = ast.parse(FINDINGS_SAMPLE)
    pairs = [tool._helper_texts(node) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert sum(pair is not None and all(_literal(t) for t in pair) for pair in pairs) == 2
    catalog = catalogue.read_catalogue(ROOT / "no-such.po")
    report = tool.Report()
    converted = tool.convert_source(FINDINGS_SAMPLE, "sample", catalog, report, "sample.py")
    assert report.converted == 2
    assert not report.left
    # The other arguments, when they leave the message too little room, go on the next
    # line, aligned with the call's first argument.
    assert ('msg("Cell {ref}: a formula is not a value.", ref=ref),\n'
            '                     sheet="Réponses")' in converted)
    assert ("names=', '.join(names)),\n"
            '                     sheet="Réponses questionnaire fournisseur")' in converted)
    assert all(len(line) <= tool.WIDTH for line in converted.splitlines())
    assert catalog.get("Sheets found: {names}.").string == "Feuilles présentes : {names}."

    def run(source: str) -> list[tuple[str, str, Text, str]]:
        reader = _sample(source, "Reader", catalog, monkeypatch)
        assert callable(reader)
        made = reader()
        made.read("B7", ["Identité", "Réponses"])
        return list(made.found)

    assert run(converted) == run(FINDINGS_SAMPLE)
    again = tool.Report()
    assert tool.convert_source(converted, "sample", catalog, again, "sample.py") == converted
