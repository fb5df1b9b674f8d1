r"""Keep the message catalogue in step with the code: extract, update, compile.

The package's messages are English msgids in the code (``msg``, ``pmsg``, ``nmsg``,
``npmsg`` of ``ai_procurement.text``) and French translations in
``src/ai_procurement/locale/fr/LC_MESSAGES/ai_procurement.po``, compiled to the ``.mo``
next to it (committed, shipped in the wheel, read at run time by ``gettext``).

Run from the repository root after adding or changing a message::

    python tools/catalogue.py            # extract + update + compile
    python tools/catalogue.py extract    # only write locale/ai_procurement.pot
    python tools/catalogue.py compile    # only write the .mo from the .po

then write the French of each new entry (``msgstr ""``) in the ``.po`` and run
``compile`` again. The same steps with Babel's command line::

    pybabel extract --ignore-dirs ".* __pycache__" --no-location --sort-output \\
        -k msg -k pmsg:1c,2 -k nmsg:1,2 -k npmsg:1c,2,3 --no-default-keywords \\
        -o src/ai_procurement/locale/ai_procurement.pot src/ai_procurement
    pybabel update --no-fuzzy-matching --ignore-obsolete --no-location -D ai_procurement \\
        -i src/ai_procurement/locale/ai_procurement.pot -d src/ai_procurement/locale
    pybabel compile -D ai_procurement -d src/ai_procurement/locale

This script does the same through Babel's API with fixed header dates, so that the
files only change when a message does. ``tests/test_text.py`` checks that every msgid
of the code has a French translation and that the committed ``.mo`` matches the ``.po``.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ai_procurement"
LOCALE = PACKAGE / "locale"
DOMAIN = "ai_procurement"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
PO = LOCALE / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")

KEYWORDS: dict[str, tuple[object, ...]] = {
    "msg": (1,), "pmsg": ((1, "c"), 2), "nmsg": (1, 2), "npmsg": ((1, "c"), 2, 3)}
"""The functions of ai_procurement.text whose first arguments are catalogue entries."""

FRENCH_PLURALS = "nplurals=2; plural=(n > 1);"
"""French plural forms: "0 erreur", "1 erreur", "2 erreurs"."""

FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""Header dates: fixed, so that the files are the same bytes from one run to the next."""


def _searched(directory: str) -> bool:
    """Whether to extract from ``directory``: Babel's default skips ``_office/``."""
    return not Path(directory).name.startswith(".") and Path(directory).name != "__pycache__"


def extract(source: Path = PACKAGE) -> Catalog:
    """Every message of the code under ``source``, as a template catalogue."""
    template = Catalog(project="ai-procurement", domain=DOMAIN, charset="utf-8",
                       creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(source), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
            directory_filter=_searched):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def po_bytes(catalog: Catalog) -> bytes:
    """``catalog`` written as a ``.po``, sorted, without locations or obsolete entries."""
    out = io.BytesIO()
    write_po(out, catalog, width=0, no_location=True, sort_output=True,
             ignore_obsolete=True, include_previous=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """``catalog`` compiled, fuzzy entries left out."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def read_catalogue(path: Path = PO) -> Catalog:
    """The French catalogue (an empty one if the file does not exist yet)."""
    if not path.exists():
        catalog = Catalog(locale="fr", domain=DOMAIN, project="ai-procurement",
                          charset="utf-8", creation_date=FIXED_DATE,
                          revision_date=FIXED_DATE, fuzzy=False)
        # gettext's usual French rule (CLDR adds a form for round millions that no
        # message of ours needs): singular for 0 and 1.
        catalog.mime_headers = [("Plural-Forms", FRENCH_PLURALS)]
        return catalog
    with path.open("rb") as stream:
        return read_po(stream, locale="fr", domain=DOMAIN)


def write_catalogue(catalog: Catalog, path: Path = PO) -> None:
    """Write ``catalog`` as the French ``.po``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(po_bytes(catalog))


def update(template: Catalog) -> Catalog:
    """The French catalogue brought in step with ``template``.

    New msgids are added untranslated, msgids no longer in the code dropped; no fuzzy guess.
    """
    catalog = read_catalogue()
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False,
                   keep_user_comments=True, update_creation_date=False)
    return catalog


def refresh() -> list[str]:
    """Extract, update and compile; return the msgids still without French."""
    template = extract()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(po_bytes(template))
    catalog = update(template)
    write_catalogue(catalog)
    compile_mo()
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def compile_mo() -> None:
    """Write the ``.mo`` from the committed ``.po``."""
    MO.write_bytes(mo_bytes(read_catalogue()))


def main(argv: list[str]) -> int:
    """Run the step named in ``argv`` (default: all of them)."""
    step = argv[0] if argv else "all"
    if step == "extract":
        TEMPLATE.write_bytes(po_bytes(extract()))
    elif step == "compile":
        compile_mo()
    elif step == "all":
        missing = refresh()
        for msgid in missing:
            print(f"no French yet: {msgid!r}", file=sys.stderr)
        return 1 if missing else 0
    else:
        print("usage: python tools/catalogue.py [extract|compile|all]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
