"""Tests for the guard that vets a vendor workbook before any of its XML is parsed.

Hostile files come from :mod:`tests.hostile`. Each refused file must give its own code
and a message in French and English naming the file. Timings are printed (run pytest
with ``-s`` to see them), never asserted. Zip structure: PKWARE APPNOTE 6.3.x; OLE2:
[MS-CFB]; encrypted OOXML: [MS-OFFCRYPTO] 2.3.4.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import struct
import subprocess
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import replace as attrs_replace
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml
import openpyxl
import pytest
from defusedxml.ElementTree import iterparse
from hypothesis import HealthCheck, given, settings, strategies as st
from tests import hostile

from ai_procurement._office.guard import (
    _MESSAGES,
    CODES,
    DEFAULT_LIMITS,
    XML_PARSE_ERRORS,
    GuardResult,
    Limits,
    inspect_workbook,
    parse_error_finding,
)

MiB = 1 << 20


def inspect(path: Path, limits: Limits = DEFAULT_LIMITS) -> GuardResult:
    start = time.perf_counter()
    result = inspect_workbook(path, limits=limits)
    elapsed = time.perf_counter() - start
    print(f"guard {path.name}: {elapsed * 1000:.1f} ms -> {result.codes}")
    return result


def assert_bilingual(result: GuardResult) -> None:
    name = result.path.name
    for finding in result.findings:
        assert name in finding.message.fr, finding
        assert name in finding.message.en, finding
        assert finding.message.fr != finding.message.en
        assert "{" not in finding.message.fr + finding.message.en


# ---------------------------------------------------------------------------------------
# Valid workbooks pass.


def test_openpyxl_workbook_passes_with_no_finding(tmp_path: Path) -> None:
    result = inspect(hostile.valid_workbook(tmp_path))
    assert result.ok
    assert result.findings == ()
    assert result.limits == DEFAULT_LIMITS


def test_data_descriptor_workbook_passes(tmp_path: Path) -> None:
    # LibreOffice writes every member with flag bit 3: sizes after the data, zeros in
    # the local header. That is not a lie about sizes.
    entries = [hostile.Member(m.name, m.payload, m.crc, m.size, flags=0x08)
               for m in hostile.members(hostile.valid_workbook(tmp_path))]
    result = inspect(hostile.write_zip(tmp_path / "libreoffice-like.xlsx", entries))
    assert result.ok, result.codes
    with zipfile.ZipFile(result.path) as archive:  # and zipfile agrees it is sound
        assert archive.testzip() is None


def test_two_hundred_questionnaires_of_500_questions_are_guarded_quickly(
    tmp_path: Path,
) -> None:
    path = hostile.valid_workbook(tmp_path, "q500.xlsx", questions=500)
    start = time.perf_counter()
    results = [inspect_workbook(path) for _ in range(200)]
    elapsed = time.perf_counter() - start
    print(f"guard 200 x {path.stat().st_size} bytes: {elapsed * 1000:.0f} ms")
    assert all(r.ok for r in results)


def test_ratio_limit_leaves_room_for_pasted_boilerplate(tmp_path: Path) -> None:
    # The worst real case we found: the same 10 kB answer pasted, with its number, into
    # 500 rows. It compresses about 100 times: half the default limit of 200.
    words = ["le", "fournisseur", "garantit", "que", "les", "données", "sont", "hébergées",
             "en", "France", "sur", "une", "infrastructure", "qualifiée", "SecNumCloud"]
    pick = random.Random(1)
    boilerplate = " ".join(pick.choice(words) for _ in range(1500))
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i in range(500):
        ws.append([f"Q{i}", f"Réponse {i} : {boilerplate}"])
    path = tmp_path / "boilerplate.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo(hostile.SHEET)
    ratio = sheet.file_size / sheet.compress_size
    print(f"boilerplate sheet: {sheet.file_size} bytes, ratio {ratio:.0f}")
    assert sheet.file_size >= DEFAULT_LIMITS.ratio_min_bytes  # the ratio check applies
    assert 50 < ratio < DEFAULT_LIMITS.max_ratio / 1.5
    assert inspect(path).ok


def test_misnamed_xlsx_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "réponses.xls"
    shutil.copy(hostile.valid_workbook(tmp_path), path)
    result = inspect(path)
    assert result.ok
    assert result.codes == ("wrong-extension",)
    assert result.warnings[0].severity == "warning"
    assert "« .xls »" in result.warnings[0].message.fr
    assert_bilingual(result)


# ---------------------------------------------------------------------------------------
# Hostile and broken files: one code each.

Builder = Callable[[Path], Path]
BIG = DEFAULT_LIMITS.max_file_bytes + 1

HOSTILE: list[tuple[str, Builder, tuple[str, ...]]] = [
    ("empty", hostile.empty_file, ("empty",)),
    ("huge-file", lambda d: hostile.huge_file(d, size=BIG), ("too-large",)),
    ("ole2-encrypted", lambda d: hostile.ole2_file(
        d, "locked.xlsx", [("EncryptionInfo", 200), ("EncryptedPackage", 30_000)]),
     ("ole2-encrypted",)),
    # 9 MB: 139 FAT sectors, so the directory is found through a DIFAT sector, far
    # beyond the first 64 KiB, as in real large encrypted workbooks.
    ("ole2-encrypted-large", lambda d: hostile.ole2_file(
        d, "locked-large.xlsx", [("EncryptionInfo", 200), ("EncryptedPackage", 9_000_000)]),
     ("ole2-encrypted",)),
    ("ole2-encrypted-names-only", lambda d: hostile.ole2_names_only(
        d, "locked-bad.xlsx", "EncryptedPackage"), ("ole2-encrypted",)),
    ("ole2-xls", lambda d: hostile.ole2_file(d, "old.xls", [("Workbook", 5000)]),
     ("ole2-xls",)),
    ("ole2-xls-names-only", lambda d: hostile.ole2_names_only(d, "old-bad.xls", "Workbook"),
     ("ole2-xls",)),
    ("ole2-word", lambda d: hostile.ole2_file(d, "letter.xlsx", [("WordDocument", 5000)]),
     ("not-zip",)),
    ("csv-utf8-semicolons", lambda d: hostile.csv_file(
        d, "answers.csv", "id;réponse;justificatif\nQ001;Oui;Annexe 2\n", "utf-8-sig"),
     ("csv",)),
    ("csv-cp1252-commas", lambda d: hostile.csv_file(
        d, "answers.xlsx", "id,réponse\r\nQ001,Non\r\n", "cp1252"), ("csv",)),
    ("unicode-text-utf16-tabs", lambda d: hostile.csv_file(
        d, "answers.txt", "id\tréponse\r\nQ001\tOui\r\n", "utf-16"), ("csv",)),
    ("csv-starting-with-PK", lambda d: hostile.csv_file(
        d, "pk.csv", "PK;Oui\nQ2;Non\n", "utf-8"), ("csv",)),
    ("html-table", lambda d: hostile.csv_file(
        d, "export.xls", "<html><table><tr><td>Q1,Oui</td></tr></table></html>", "utf-8"),
     ("not-zip",)),
    ("random-bytes", lambda d: hostile.csv_file(
        d, "noise.xlsx", os.urandom(4096).decode("latin-1"), "latin-1"), ("not-zip",)),
    ("truncated", hostile.truncated, ("truncated",)),
    ("concatenated-zips", hostile.concatenated_zips, ("corrupt",)),
    ("duplicate-member", hostile.duplicate_members, ("duplicate-member",)),
    ("overlapping-members", hostile.overlapping_members, ("overlapping-members",)),
    ("encrypted-member", hostile.encrypted_member, ("encrypted-zip-member",)),
    ("bzip2-member", hostile.unsupported_compression, ("unsupported-compression",)),
    ("crc-mismatch", hostile.stored_crc_mismatch, ("corrupt",)),
    ("zip-bomb-1GiB", hostile.zip_bomb, ("member-too-large", "zip-bomb-total")),
    ("zip-bomb-ratio", hostile.ratio_bomb, ("zip-bomb-ratio",)),
    ("lying-bomb", hostile.lying_bomb, ("member-size-lies",)),
    ("member-declares-half", lambda d: hostile.lying_member(d, factor=0.5),
     ("member-size-lies",)),
    ("member-declares-double", lambda d: hostile.lying_member(d, factor=2),
     ("member-size-lies",)),
    ("local-header-disagrees", hostile.inconsistent_local_header, ("member-size-lies",)),
    ("local-checksum-disagrees", hostile.local_crc_mismatch, ("corrupt",)),
    ("descriptor-checksum-disagrees", lambda d: hostile.local_crc_mismatch(d, descriptor=True),
     ("member-size-lies",)),
    ("zip64-local-sizes-lie", lambda d: hostile.zip64_local_sizes(d, lie=True),
     ("member-size-lies",)),
    ("billion-laughs", hostile.billion_laughs, ("xml-doctype",)),
    ("ods", hostile.ods_file, ("ods",)),
    ("not-xlsx", hostile.not_xlsx_zip, ("not-xlsx",)),
    ("xlsm", hostile.macro_workbook, ("macros",)),
    ("vba-part-only", lambda d: hostile.macro_workbook(d, content_type=False), ("macros",)),
    ("macro-content-type-only", lambda d: hostile.macro_workbook(d, vba=False),
     ("macros",)),
    ("external-link", hostile.external_link, ("external-link",)),
    ("ole-object", lambda d: hostile.embedded_object(d, kind="ole"), ("embedded-object",)),
    ("activex", lambda d: hostile.embedded_object(d, kind="activex"), ("embedded-object",)),
]


@pytest.mark.parametrize(("build", "codes"), [pytest.param(b, c, id=i) for i, b, c in HOSTILE])
def test_hostile_file_is_refused_with_its_own_code(
    tmp_path: Path, build: Builder, codes: tuple[str, ...]
) -> None:
    result = inspect(build(tmp_path))
    assert result.codes == codes
    assert not result.ok
    assert all(f.severity == "error" for f in result.findings)
    assert_bilingual(result)


def test_every_code_has_a_message_in_both_languages_naming_the_file() -> None:
    assert set(_MESSAGES) == set(CODES)
    every_field = {f: "X" for f in ("member", "reason", "size", "limit", "count", "detail",
                                    "ratio", "suffix")}
    for code, (severity, message) in _MESSAGES.items():
        assert severity in ("error", "warning")
        text = message(file="offre.xlsx", **every_field)  # str.format ignores unused fields
        assert "offre.xlsx" in text.fr, code
        assert "offre.xlsx" in text.en, code
    assert [c for c, (s, _) in _MESSAGES.items() if s == "warning"] == ["wrong-extension"]


def test_refusal_messages_tell_the_vendor_what_to_do(tmp_path: Path) -> None:
    locked = inspect(hostile.ole2_file(tmp_path, "offre.xlsx", [("EncryptedPackage", 10)]))
    assert "sans mot de passe" in locked.findings[0].message.fr
    assert "without a password" in locked.findings[0].message.en
    old = inspect(hostile.ole2_file(tmp_path, "offre.xls", [("Workbook", 10)]))
    assert "Classeur Excel (.xlsx)" in old.findings[0].message.fr
    bomb = inspect(hostile.zip_bomb(tmp_path))
    assert "1 GiB" in bomb.findings[0].message.en  # the size declared, for people
    assert "1 Gio" in bomb.findings[0].message.fr
    assert "100 Mio" in bomb.findings[0].message.fr  # and the limit


def test_names_from_the_file_are_shown_without_control_characters(tmp_path: Path) -> None:
    # U+202E (right-to-left override) makes "xl/evil\u202elmx.exe" read as "exe.xml".
    evil = "xl/evil\u202elmx.exe\nBcc: someone"
    base = hostile.members(hostile.valid_workbook(tmp_path))
    path = hostile.write_zip(tmp_path / "names.xlsx",
                             [*base, hostile.deflate(evil, b"a"), hostile.deflate(evil, b"b")])
    result = inspect(path)
    assert result.codes == ("duplicate-member",)
    finding = result.findings[0]
    assert finding.part == evil  # the raw name, for programs
    for text in (finding.message.fr, finding.message.en):
        assert "\u202e" not in text
        assert "\n" not in text
        assert "xl/evil?lmx.exe?Bcc: someone" in text


def test_case_variants_of_a_part_name_are_duplicates(tmp_path: Path) -> None:
    # OPC part names are case-insensitive (ECMA-376 part 2): Excel treats these as one.
    base = hostile.members(hostile.valid_workbook(tmp_path))
    extra = hostile.deflate("XL/Workbook.xml", b"<workbook/>")
    result = inspect(hostile.write_zip(tmp_path / "case.xlsx", [*base, extra]))
    assert result.codes == ("duplicate-member",)


def _with(tmp_path: Path, name: str, *extra: hostile.Member) -> Path:
    """The valid base with ``extra`` members replacing those of the same name."""
    names = {m.name for m in extra}
    base = [m for m in hostile.members(hostile.valid_workbook(tmp_path)) if m.name not in names]
    return hostile.write_zip(tmp_path / name, [*base, *extra])


def test_doctype_is_found_in_utf16_and_across_chunk_boundaries(tmp_path: Path) -> None:
    laughs = b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet/>'
    utf16 = _with(tmp_path, "utf16.xlsx", hostile.deflate(
        hostile.SHEET, b"\xff\xfe" + laughs.decode().encode("utf-16-le")))
    assert inspect(utf16).codes == ("xml-doctype",)
    # Whitespace may precede a DTD: put "<!DOCTYPE" across the guard's 256 KiB chunks.
    split = _with(tmp_path, "split.xlsx", hostile.deflate(
        hostile.SHEET, b" " * (256 * 1024 - 4) + laughs))
    assert inspect(split).codes == ("xml-doctype",)


def test_svg_picture_with_a_doctype_is_accepted(tmp_path: Path) -> None:
    # Vendors' logos exported as SVG often carry the SVG 1.1 DOCTYPE; no reader here
    # parses pictures.
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>')
    assert inspect(_with(tmp_path, "logo.xlsx",
                         hostile.deflate("xl/media/image1.svg", svg))).ok


def test_macro_content_type_is_found_in_utf16_content_types(tmp_path: Path) -> None:
    xml = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.'
           'sheet.macroEnabled.main+xml"/></Types>')
    path = _with(tmp_path, "utf16-types.xlsx",
                 hostile.deflate(hostile.CONTENT_TYPES, xml.encode("utf-16")))
    assert inspect(path).codes == ("macros",)


def _rels(relationship_type: str, target: str) -> bytes:
    return (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId9" Type="' + relationship_type.encode() +
            b'" Target="' + target.encode() + b'"/></Relationships>')


def test_relationship_types_are_found_but_not_words_in_hyperlinks(tmp_path: Path) -> None:
    # A VBA project under an innocent name is still found through its relationship type.
    vba = _rels("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "data.bin")
    hidden = _with(tmp_path, "hidden-vba.xlsx",
                   hostile.deflate("xl/_rels/data.bin.rels", vba),
                   hostile.deflate("xl/data.bin", b"\xcc\x61"))
    assert inspect(hidden).codes == ("macros",)
    link = _rels("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                 "hyperlink", "https://example.org/activex-and-oleobject-faq")
    linked = _with(tmp_path, "link.xlsx",
                   hostile.deflate("xl/worksheets/_rels/sheet1.xml.rels", link))
    assert inspect(linked).ok


def test_too_many_members(tmp_path: Path) -> None:
    path = hostile.too_many_members(tmp_path, count=30)
    assert inspect(path).ok  # 30 + 10 parts are fine by default
    result = inspect(path, Limits(max_members=20))
    assert result.codes == ("too-many-members",)
    assert "20" in result.findings[0].message.en


def test_end_record_understating_the_member_count_does_not_help(tmp_path: Path) -> None:
    data = bytearray(hostile.too_many_members(tmp_path, count=30).read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 5, 5)  # "5 members"
    path = tmp_path / "understated.xlsx"
    path.write_bytes(bytes(data))
    assert inspect(path, Limits(max_members=20)).codes == ("too-many-members",)
    assert inspect(path).codes == ("corrupt",)  # within the limit, still inconsistent


def test_an_encrypted_part_is_counted_with_its_plural_form(tmp_path: Path) -> None:
    finding = inspect_workbook(hostile.encrypted_member(tmp_path)).findings[0]
    assert "contient 1 élément interne chiffré (par exemple « xl/" in finding.message.fr
    assert "holds 1 encrypted internal part (for example 'xl/" in finding.message.en


def test_unreadable_paths_are_findings_not_exceptions(tmp_path: Path) -> None:
    missing = inspect(tmp_path / "absent.xlsx")
    assert missing.codes == ("unreadable",)
    assert "no such file or folder" in missing.findings[0].message.en
    assert "fichier ou dossier introuvable" in missing.findings[0].message.fr
    assert inspect(tmp_path).codes == ("unreadable",)  # a folder
    if hasattr(os, "mkfifo"):  # a pipe would block a naive open(): not even opened
        fifo = tmp_path / "pipe.xlsx"
        os.mkfifo(fifo)
        assert inspect(fifo).codes == ("unreadable",)


def test_limits_are_validated_and_recorded(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_ratio"):
        Limits(max_ratio=1)
    with pytest.raises(ValueError, match="max_members"):
        Limits(max_members=0)
    with pytest.raises(ValueError, match="max_file_bytes"):
        Limits(max_file_bytes=True)
    strict = Limits(max_file_bytes=1000)
    result = inspect(hostile.valid_workbook(tmp_path), strict)
    assert result.limits is strict
    assert result.codes == ("too-large",)


# ---------------------------------------------------------------------------------------
# Memory stays bounded.


@pytest.mark.parametrize(
    ("build", "limits", "codes"),
    [
        pytest.param(hostile.zip_bomb, DEFAULT_LIMITS, ("member-too-large", "zip-bomb-total"),
                     id="declared-1GiB"),
        pytest.param(hostile.lying_bomb, DEFAULT_LIMITS, ("member-size-lies",),
                     id="lying-200MiB"),
        # Limits raised so that 200 MiB of zeros are really inflated, and searched.
        pytest.param(lambda d: hostile.zip_bomb(d, mebibytes=200),
                     Limits(max_member_bytes=300 * MiB, max_total_bytes=400 * MiB,
                            max_ratio=2000), (), id="streamed-200MiB"),
    ],
)
def test_memory_stays_bounded_on_zip_bombs(
    tmp_path: Path, build: Builder, limits: Limits, codes: tuple[str, ...]
) -> None:
    path = build(tmp_path)
    tracemalloc.start()
    try:
        result = inspect(path, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"peak {peak / MiB:.1f} MiB")
    assert result.codes == codes
    assert peak < 50 * MiB


# ---------------------------------------------------------------------------------------
# XML: defusedxml, and parse errors turned into findings.


def test_openpyxl_uses_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_billion_laughs_is_not_expanded_by_openpyxl(tmp_path: Path) -> None:
    path = hostile.billion_laughs(tmp_path)
    # openpyxl leaves the file open when it fails: hand it one we close.
    with path.open("rb") as handle, pytest.raises(ValueError, match="Unable to read") as caught:
        openpyxl.load_workbook(handle)
    # openpyxl wraps defusedxml's refusal, raised before any expansion.
    assert isinstance(caught.value.__cause__, defusedxml.EntitiesForbidden)
    assert isinstance(caught.value.__cause__, XML_PARSE_ERRORS)
    finding = parse_error_finding(caught.value, path=path, member=hostile.SHEET)
    assert finding.code == "xml-entities"
    assert finding.severity == "error"
    assert "laughs.xlsx" in finding.message.fr
    assert hostile.SHEET in finding.message.en


def test_doctype_refused_by_a_strict_parser_is_an_entities_finding(tmp_path: Path) -> None:
    path = hostile.billion_laughs(tmp_path)
    with zipfile.ZipFile(path) as archive, archive.open(hostile.SHEET) as handle:  # noqa: SIM117
        with pytest.raises(defusedxml.DTDForbidden) as caught:
            for _ in iterparse(handle, forbid_dtd=True):
                pass
    assert parse_error_finding(caught.value, path=path).code == "xml-entities"


def test_malformed_sheet_is_an_xml_malformed_finding_with_its_line(tmp_path: Path) -> None:
    path = hostile.malformed_xml(tmp_path)
    # The zip is sound: malformed XML is for the reader to report, after the guard.
    assert inspect(path).ok
    with path.open("rb") as handle, pytest.raises(ParseError) as caught:
        openpyxl.load_workbook(handle)
    finding = parse_error_finding(caught.value, path=path, member=hostile.SHEET)
    assert finding.code == "xml-malformed"
    assert "line 3" in finding.message.en
    assert "ligne 3" in finding.message.fr


def test_any_other_failure_on_a_part_is_still_a_finding(tmp_path: Path) -> None:
    finding = parse_error_finding(KeyError("xl/worksheets/sheet9.xml"),
                                  path=tmp_path / "offre.xlsx", member="xl/worksheets/sheet9.xml")
    assert finding.code == "xml-malformed"
    assert "unreadable content" in finding.message.en
    assert "offre.xlsx" in finding.message.fr


# ---------------------------------------------------------------------------------------
# Properties: never raise; when the guard says ok, zipfile reads every member.


def _base() -> bytes:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Q001", "Oui", "Annexe 1"])
    wb.save(buffer)
    return buffer.getvalue()


BASE = _base()


def _header_positions(data: bytes) -> list[int]:
    starts = [i for sig in (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06")
              for i in range(len(data)) if data.startswith(sig, i)]
    return sorted({p for s in starts for p in range(s, min(s + 46, len(data)))})


HEADERS = _header_positions(BASE)

mutations = st.lists(
    st.tuples(st.one_of(st.sampled_from(HEADERS), st.integers(0, len(BASE) - 1)),
              st.integers(0, 255)),
    min_size=1, max_size=4)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=mutations, cut=st.one_of(st.none(), st.integers(0, len(BASE))))
def test_damaged_workbook_never_raises_and_ok_means_readable(
    tmp_path: Path, changes: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(BASE)
    for position, value in changes:
        data[position] = value
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(bytes(data[:cut]))
    result = inspect_workbook(path)
    assert result.ok == (not result.errors)
    if result.ok:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                archive.read(info)  # no BadZipFile, no zlib.error, no EOFError


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), prefix=st.sampled_from(
    [b"", b"PK\x03\x04", b"PK\x05\x06", bytes.fromhex("D0CF11E0A1B11AE1")]))
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, prefix: bytes) -> None:
    path = tmp_path / "noise.xlsx"
    path.write_bytes(prefix + data)
    result = inspect_workbook(path)
    assert not result.ok or result.codes == ()
    assert all(f.code in CODES for f in result.findings)


# ---------------------------------------------------------------------------------------
# Real files from LibreOffice.


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not found")
def test_libreoffice_files(tmp_path: Path) -> None:
    source = hostile.valid_workbook(tmp_path, "source.xlsx")
    profile = (tmp_path / "profile").as_uri()
    outputs = {}
    for target, folder in (("ods", "ods"), ("xls", "xls"), ("xlsx", "xlsx")):
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", target, "--outdir", str(tmp_path / folder),
                        str(source)], check=True, capture_output=True, timeout=120)
        outputs[target] = tmp_path / folder / f"source.{target}"
    assert inspect(outputs["xlsx"]).ok  # data descriptors, UTF-8 flags: all fine
    assert inspect(outputs["ods"]).codes == ("ods",)
    assert inspect(outputs["xls"]).codes == ("ole2-xls",)



def test_kept_parts_are_the_workbook_parts_exactly(tmp_path: Path) -> None:
    # The reader parses the bytes the guard checked, instead of inflating them again.
    path = hostile.valid_workbook(tmp_path)
    result = inspect_workbook(path, keep_parts=True)
    assert result.ok
    with zipfile.ZipFile(path) as archive:
        xml = {n for n in archive.namelist() if n.endswith((".xml", ".rels"))}
        assert set(result.parts) == xml
        assert all(result.parts[n] == archive.read(n) for n in xml)
    assert inspect_workbook(path).parts == {}


def test_nothing_is_kept_from_an_unsafe_file(tmp_path: Path) -> None:
    result = inspect_workbook(hostile.lying_member(tmp_path, factor=3.0), keep_parts=True)
    assert not result.ok
    assert result.parts == {}


def test_zip64_local_sizes_that_tell_the_truth_pass(tmp_path: Path) -> None:
    result = inspect(hostile.zip64_local_sizes(tmp_path, lie=False))
    assert result.ok, result.codes
    assert result.findings == ()


def test_a_data_descriptor_that_tells_the_truth_passes(tmp_path: Path) -> None:
    out = [attrs_replace(m, flags=0x08)
           for m in hostile.members(hostile.valid_workbook(tmp_path, "base.xlsx"))]
    result = inspect(hostile.write_zip(tmp_path / "descriptors.xlsx", out))
    assert result.ok, result.codes
