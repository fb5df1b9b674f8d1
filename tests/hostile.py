"""Builders of hostile and broken workbooks, for tests of the reading side.

Each builder writes one file into a folder (a test's ``tmp_path``) and returns its path.
Most start from a valid questionnaire-like workbook written by openpyxl and rewrite its
zip with :func:`write_zip`, a small zip writer that lets a test declare sizes, flags,
names and offsets that do not match the data, as an attacker would. Bombs are built
from one deflate block of zeros repeated (a full flush makes every block identical),
so a member of 1 GiB costs a megabyte of memory and a fraction of a second.
"""

from __future__ import annotations

import math
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

__all__ = [
    "CONTENT_TYPES",
    "SHEET",
    "Member",
    "billion_laughs",
    "concatenated_zips",
    "csv_file",
    "deflate",
    "duplicate_members",
    "embedded_object",
    "empty_file",
    "encrypted_member",
    "external_link",
    "huge_file",
    "inconsistent_local_header",
    "local_crc_mismatch",
    "lying_bomb",
    "lying_member",
    "macro_workbook",
    "malformed_xml",
    "members",
    "not_xlsx_zip",
    "ods_file",
    "ole2_file",
    "ole2_names_only",
    "overlapping_members",
    "ratio_bomb",
    "stored",
    "stored_crc_mismatch",
    "too_many_members",
    "truncated",
    "unsupported_compression",
    "valid_workbook",
    "write_zip",
    "zeros_member",
    "zip64_local_sizes",
    "zip_bomb",
]

CONTENT_TYPES = "[Content_Types].xml"
SHEET = "xl/worksheets/sheet1.xml"  # the questions sheet of valid_workbook()
MiB = 1 << 20


# ---------------------------------------------------------------------------------------
# A valid base.


def valid_workbook(folder: Path, name: str = "valid.xlsx", *, questions: int = 30) -> Path:
    """A questionnaire-like workbook: question rows, a yes/no list, protected sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Questions"
    ws.append(["id", "critère", "question", "réponse", "justificatif", "points"])
    answers = DataValidation(type="list", formula1='"Oui,Non,Sans objet"')
    ws.add_data_validation(answers)
    for i in range(questions):
        ws.append([f"Q{i:03d}", f"Critère {i % 7 + 1}",
                   f"Le système {i} est-il évalué et documenté au regard de l'AI Act ?",
                   "Oui" if i % 3 else "Non", f"Annexe {i}, page {i % 40 + 1}", i % 10])
        answers.add(f"D{i + 2}")
        for cell in ws[i + 2]:
            cell.alignment = Alignment(wrap_text=True)
            cell.protection = Protection(locked=cell.column not in (4, 5))
    ws["A1"].font = Font(bold=True)
    ws.protection.sheet = True
    prices = wb.create_sheet("Prix")
    for row in range(1, 11):
        prices.append([f"ligne {row}", row * 100.5, f"=B{row}*1.2"])
    path = folder / name
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------
# A zip writer that can lie.


@dataclass(frozen=True)
class Member:
    """One member as written by :func:`write_zip`.

    ``payload`` is written as is (already deflated when ``method`` is 8); the other
    fields are what the headers declare, whether true or not.
    """

    name: str
    payload: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    local_size: int | None = None  # uncompressed size in the local header, if different
    compress_size: int | None = None  # in the central directory, if not len(payload)
    local_crc: int | None = None  # checksum in the local header (or descriptor), if different
    local_zip64: tuple[int, int] | None = None
    """(uncompressed, compressed) sizes written in a ZIP64 extra field of the local header,
    whose 32-bit sizes are then 0xFFFFFFFF."""


def deflate(name: str, data: bytes) -> Member:
    """A deflated member whose headers tell the truth."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def stored(name: str, data: bytes) -> Member:
    """A member stored without compression."""
    return Member(name, data, zlib.crc32(data), len(data), method=zipfile.ZIP_STORED)


@cache
def _zeros_block() -> tuple[bytes, bytes]:
    """One full-flushed deflate block of 1 MiB of zeros, and the final empty block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(MiB)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block, packer.flush()


@cache
def _zeros_crc(mebibytes: int) -> int:
    zeros, crc = bytes(MiB), 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    return crc


def zeros_member(name: str, mebibytes: int, *, declared: int | None = None) -> Member:
    """A member of ``mebibytes`` MiB of zeros (about 1 kB per MiB once deflated).

    ``declared`` sets the uncompressed size its headers declare (default: the truth).
    """
    block, final = _zeros_block()
    size = mebibytes * MiB
    return Member(name, block * mebibytes + final, _zeros_crc(mebibytes),
                  size if declared is None else declared)


def write_zip(path: Path, entries: Sequence[Member]) -> Path:
    """Write ``entries`` as a zip archive at ``path``; duplicate names are kept."""
    body = bytearray()
    central = bytearray()
    for entry in entries:
        raw_name = entry.name.encode("utf-8")
        flags = entry.flags | (0x800 if not entry.name.isascii() else 0)
        offset = len(body)
        csize = len(entry.payload) if entry.compress_size is None else entry.compress_size
        local_size = entry.size if entry.local_size is None else entry.local_size
        local_crc = entry.crc if entry.local_crc is None else entry.local_crc
        local = (local_crc, len(entry.payload), local_size)
        extra = b""
        if entry.local_zip64 is not None:
            local = (local_crc, 0xFFFFFFFF, 0xFFFFFFFF)
            extra = struct.pack("<HHQQ", 0x0001, 16, *entry.local_zip64)
        if flags & 0x08:  # sizes in a data descriptor after the data, as LibreOffice writes
            local = (0, 0, 0)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, entry.method, 0, 0x21,
                            *local, len(raw_name), len(extra))
        body += raw_name + extra + entry.payload
        if flags & 0x08:
            body += struct.pack("<4sIII", b"PK\x07\x08", local_crc, len(entry.payload),
                                entry.size)
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags,
                               entry.method, 0, 0x21, entry.crc, csize, entry.size,
                               len(raw_name), 0, 0, 0, 0, 0, offset)
        central += raw_name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))
    return path


def members(path: Path) -> list[Member]:
    """The members of a valid zip, re-deflated truthfully, in order."""
    with zipfile.ZipFile(path) as archive:
        return [deflate(info.filename, archive.read(info)) for info in archive.infolist()]


def _rewrite(folder: Path, name: str, *, replace_data: dict[str, bytes] | None = None,
             add: Iterable[Member] = (), content_types: Iterable[str] = ()) -> Path:
    """The valid base, with parts replaced, members added and content types declared."""
    base = members(valid_workbook(folder, f"base-{name}"))
    out: list[Member] = []
    for entry in base:
        if replace_data and entry.name in replace_data:
            entry = deflate(entry.name, replace_data[entry.name])
        if entry.name == CONTENT_TYPES and content_types:
            xml = _inflate(entry).replace(b"</Types>", "".join(content_types).encode() +
                                          b"</Types>")
            entry = deflate(CONTENT_TYPES, xml)
        out.append(entry)
    return write_zip(folder / name, [*out, *add])


def _inflate(entry: Member) -> bytes:
    return zlib.decompress(entry.payload, -15)


def _override(part: str, content_type: str) -> str:
    return f'<Override PartName="/{part}" ContentType="{content_type}"/>'


# ---------------------------------------------------------------------------------------
# Size attacks.


def zip_bomb(folder: Path, *, mebibytes: int = 1024) -> Path:
    """A valid workbook plus an honest member of ``mebibytes`` MiB of zeros (~1 kB/MiB)."""
    return _rewrite(folder, "bomb.xlsx", add=[zeros_member("xl/media/zeros.bin", mebibytes)])


def ratio_bomb(folder: Path, *, mebibytes: int = 50) -> Path:
    """A member small enough for the size limits but compressed about 1 000 times."""
    return _rewrite(folder, "ratio-bomb.xlsx",
                    add=[zeros_member("xl/media/zeros.bin", mebibytes)])


def lying_bomb(folder: Path, *, mebibytes: int = 200, declared: int = 1000) -> Path:
    """A sheet that declares ``declared`` bytes but inflates to ``mebibytes`` MiB."""
    base = [m for m in members(valid_workbook(folder, "base-lying-bomb.xlsx"))
            if m.name != SHEET]
    return write_zip(folder / "lying-bomb.xlsx",
                     [*base, zeros_member(SHEET, mebibytes, declared=declared)])


def lying_member(folder: Path, *, factor: float) -> Path:
    """The sheet's declared size (local header and central directory) times ``factor``."""
    out = []
    for entry in members(valid_workbook(folder, "base-lying.xlsx")):
        if entry.name == SHEET:
            entry = replace(entry, size=int(entry.size * factor))
        out.append(entry)
    return write_zip(folder / f"lying-{factor}.xlsx", out)


def inconsistent_local_header(folder: Path) -> Path:
    """The sheet's local header declares another size than the central directory."""
    out = []
    for entry in members(valid_workbook(folder, "base-local.xlsx")):
        if entry.name == SHEET:
            entry = replace(entry, local_size=entry.size // 2)
        out.append(entry)
    return write_zip(folder / "local-header.xlsx", out)


def local_crc_mismatch(folder: Path, *, descriptor: bool = False) -> Path:
    """The sheet's local header (or its data descriptor) declares another checksum than
    the central directory: readers that trust one or the other disagree."""
    out = []
    for entry in members(valid_workbook(folder, "base-local-crc.xlsx")):
        if entry.name == SHEET:
            entry = replace(entry, local_crc=entry.crc ^ 1, flags=0x08 if descriptor else 0)
        out.append(entry)
    return write_zip(folder / "local-crc.xlsx", out)


def zip64_local_sizes(folder: Path, *, lie: bool) -> Path:
    """The sheet's local header gives its sizes in a ZIP64 extra field (as streaming
    writers do for large members), true or, with ``lie``, halved."""
    out = []
    for entry in members(valid_workbook(folder, "base-zip64.xlsx")):
        if entry.name == SHEET:
            size = entry.size // 2 if lie else entry.size
            entry = replace(entry, local_zip64=(size, len(entry.payload)))
        out.append(entry)
    return write_zip(folder / ("zip64-lie.xlsx" if lie else "zip64.xlsx"), out)


def too_many_members(folder: Path, *, count: int) -> Path:
    """A valid workbook plus ``count`` tiny extra members."""
    extra = [deflate(f"xl/media/image{i}.png", b"x") for i in range(count)]
    return _rewrite(folder, "many.xlsx", add=extra)


def huge_file(folder: Path, *, size: int) -> Path:
    """A file of ``size`` bytes starting like a valid workbook (sparse, costs nothing)."""
    path = folder / "huge.xlsx"
    path.write_bytes(valid_workbook(folder, "base-huge.xlsx").read_bytes())
    with path.open("r+b") as handle:
        handle.truncate(size)
    return path


# ---------------------------------------------------------------------------------------
# Structure attacks and damage.


def duplicate_members(folder: Path) -> Path:
    """The sheet twice: zipfile reads the second copy, a streaming reader the first."""
    base = members(valid_workbook(folder, "base-duplicate.xlsx"))
    sheet = next(m for m in base if m.name == SHEET)
    forged = _inflate(sheet).replace(b">Oui<", b">Non<")
    return write_zip(folder / "duplicate.xlsx", [*base, deflate(SHEET, forged)])


def overlapping_members(folder: Path) -> Path:
    """The sheet's declared compressed size runs over the next member's header and data,
    as in non-recursive zip bombs, where members share one compressed kernel."""
    base = [m for m in members(valid_workbook(folder, "base-overlap.xlsx")) if m.name != SHEET]
    sheet = next(m for m in members(folder / "base-overlap.xlsx") if m.name == SHEET)
    after = deflate("xl/media/after.bin", b"after")
    covered = 16 + 30 + len(after.name) + len(after.payload)  # descriptor, then `after`
    # Bit 3 (sizes in a data descriptor) keeps the local header from contradicting.
    sheet = replace(sheet, flags=0x08, compress_size=len(sheet.payload) + covered)
    return write_zip(folder / "overlap.xlsx", [*base, sheet, after])


def concatenated_zips(folder: Path) -> Path:
    """Two workbooks glued together: readers that scan from the start see the first,
    zipfile (reading from the end) the second."""
    first = valid_workbook(folder, "first.xlsx").read_bytes()
    second = _variant(folder).read_bytes()
    path = folder / "concatenated.xlsx"
    path.write_bytes(first + second)
    return path


def _variant(folder: Path) -> Path:
    """A valid workbook whose sheet answers differ from :func:`valid_workbook`'s."""
    base = members(valid_workbook(folder, "base-variant.xlsx"))
    out = [deflate(m.name, _inflate(m).replace(b">Oui<", b">Non<")) if m.name == SHEET else m
           for m in base]
    return write_zip(folder / "variant.xlsx", out)


def encrypted_member(folder: Path) -> Path:
    """The sheet flagged as encrypted (zip "traditional" encryption bit)."""
    out = [replace(m, flags=0x1) if m.name == SHEET else m
           for m in members(valid_workbook(folder, "base-encrypted.xlsx"))]
    return write_zip(folder / "encrypted-member.xlsx", out)


def unsupported_compression(folder: Path) -> Path:
    """The sheet compressed with bzip2, which zipfile reads but Excel never writes."""
    source = valid_workbook(folder, "base-bzip2.xlsx")
    path = folder / "bzip2.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == SHEET else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, src.read(info), compress_type=method)
    return path


def stored_crc_mismatch(folder: Path) -> Path:
    """A stored sheet whose bytes changed after its checksum was computed."""
    out = []
    for entry in members(valid_workbook(folder, "base-crc.xlsx")):
        if entry.name == SHEET:
            data = _inflate(entry)
            entry = replace(stored(SHEET, data), payload=data.replace(b">Oui<", b">Non<"))
        out.append(entry)
    return write_zip(folder / "crc.xlsx", out)


def truncated(folder: Path) -> Path:
    """A valid workbook cut in half, as an interrupted download leaves it."""
    data = valid_workbook(folder, "base-truncated.xlsx").read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def empty_file(folder: Path) -> Path:
    """A file of 0 bytes."""
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


# ---------------------------------------------------------------------------------------
# XML attacks.

_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE worksheet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>
</worksheet>
"""


def billion_laughs(folder: Path) -> Path:
    """The sheet replaced by the "billion laughs" entity expansion (10^9 "lol")."""
    return _rewrite(folder, "laughs.xlsx", replace_data={SHEET: _LAUGHS})


def malformed_xml(folder: Path) -> Path:
    """The sheet's XML cut in the middle of an element."""
    return _rewrite(folder, "malformed.xlsx", replace_data={
        SHEET: b'<?xml version="1.0"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main">\n<sheetData><row r="1"><c r="A1"'})


# ---------------------------------------------------------------------------------------
# Active and linked content.

_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def macro_workbook(folder: Path, *, vba: bool = True, content_type: bool = True) -> Path:
    """An .xlsm: a VBA project part and/or the macro-enabled workbook content type."""
    add = [deflate("xl/vbaProject.bin", b"\xcc\x61" + bytes(64))] if vba else []
    types = ([_override("xl/workbook.xml", _MACRO_WORKBOOK)] if content_type else [])
    return _rewrite(folder, f"macros-{vba}-{content_type}.xlsx", add=add, content_types=types)


def external_link(folder: Path) -> Path:
    """A link to another workbook, whose cached values would show as answers."""
    part = "xl/externalLinks/externalLink1.xml"
    xml = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<externalBook><sheetDataSet><sheetData sheetId="0"><row r="4"><cell r="D4">'
           b"<v>Oui</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>")
    types = [_override(part, "application/vnd.openxmlformats-officedocument."
                             "spreadsheetml.externalLink+xml")]
    return _rewrite(folder, "external.xlsx", add=[deflate(part, xml)], content_types=types)


def embedded_object(folder: Path, *, kind: str) -> Path:
    """An embedded OLE object (``kind="ole"``) or an ActiveX control (``"activex"``)."""
    if kind == "ole":
        part, ctype = "xl/embeddings/oleObject1.bin", "application/vnd.openxmlformats-" \
                                                      "officedocument.oleObject"
    else:
        part, ctype = "xl/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"
    return _rewrite(folder, f"embedded-{kind}.xlsx", add=[deflate(part, b"<x/>")],
                    content_types=[_override(part, ctype)])


# ---------------------------------------------------------------------------------------
# Other formats.

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_FREE, _END, _FATSECT, _DIFSECT, _NOSTREAM = (0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD,
                                              0xFFFFFFFC, 0xFFFFFFFF)


def ole2_file(folder: Path, name: str, streams: Sequence[tuple[str, int]]) -> Path:
    """A Compound File ([MS-CFB], version 3) holding ``streams`` (name, size in bytes).

    Streams are filled with zeros and, unlike real files, all live in regular sectors;
    the directory is written after them and FAT sectors past the 109 the header holds
    are listed in DIFAT sectors, as in large real files.
    """
    sector, per = 512, 128
    chains: list[tuple[int, int]] = []  # (first sector, sector count) per stream
    used = 0
    for _, size in streams:
        count = math.ceil(size / sector)
        chains.append((used if count else _END, count))
        used += count
    n_dir = math.ceil((len(streams) + 1) / 4)
    n_fat = n_difat = 0
    while True:  # FAT and DIFAT sectors count themselves
        total = used + n_dir + n_fat + n_difat
        need_fat = math.ceil(total / per)
        need_difat = max(0, math.ceil((need_fat - 109) / (per - 1)))
        if (need_fat, need_difat) == (n_fat, n_difat):
            break
        n_fat, n_difat = need_fat, need_difat
    dir_start, fat_start = used, used + n_dir
    difat_start = fat_start + n_fat
    fat = [_FREE] * (n_fat * per)
    for first, count in chains:
        for k in range(count):
            fat[first + k] = first + k + 1 if k + 1 < count else _END
    for k in range(n_dir):
        fat[dir_start + k] = dir_start + k + 1 if k + 1 < n_dir else _END
    for k in range(n_fat):
        fat[fat_start + k] = _FATSECT
    for k in range(n_difat):
        fat[difat_start + k] = _DIFSECT
    fat_ids = [fat_start + k for k in range(n_fat)]

    header = bytearray(512)
    header[:8] = _OLE2_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, n_fat, dir_start, 0, 4096, _END, 0,
                     difat_start if n_difat else _END, n_difat)
    head_ids = fat_ids[:109] + [_FREE] * (109 - min(109, n_fat))
    struct.pack_into("<109I", header, 76, *head_ids)

    entries = bytearray()
    names = [("Root Entry", 5, _END, 0), *((n, 2, c[0], s) for (n, s), c in zip(streams,
                                                                               chains,
                                                                               strict=True))]
    for index, (entry_name, kind, first, size) in enumerate(names):
        raw = entry_name.encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(raw)] = raw
        right = index + 1 if 0 < index < len(names) - 1 else _NOSTREAM
        child = 1 if index == 0 and len(names) > 1 else _NOSTREAM
        struct.pack_into("<HBBIII", entry, 64, len(raw) + 2, kind, 1, _NOSTREAM, right, child)
        struct.pack_into("<IQ", entry, 116, first, size)
        entries += entry
    entries += bytes(n_dir * sector - len(entries))

    body = bytearray(header)
    body += bytes(used * sector) + entries
    body += struct.pack(f"<{len(fat)}I", *fat)
    rest = fat_ids[109:]
    for k in range(n_difat):
        chunk = rest[k * (per - 1):(k + 1) * (per - 1)]
        chunk += [_FREE] * (per - 1 - len(chunk))
        body += struct.pack(f"<{per}I", *chunk, difat_start + k + 1 if k + 1 < n_difat
                            else _END)
    path = folder / name
    path.write_bytes(bytes(body))
    return path


def ole2_names_only(folder: Path, name: str, stream: str) -> Path:
    """OLE2 magic, a header that cannot be followed, and a stream name in UTF-16LE."""
    path = folder / name
    path.write_bytes(_OLE2_MAGIC + bytes(600) + stream.encode("utf-16-le") + bytes(64))
    return path


def csv_file(folder: Path, name: str, text: str, encoding: str) -> Path:
    """A text export (``encoding="utf-16"`` writes a BOM, as Excel's Unicode text)."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def ods_file(folder: Path) -> Path:
    """A minimal OpenDocument spreadsheet: ``mimetype`` stored first, as the spec wants."""
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return write_zip(folder / "answers.ods", [
        stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        deflate("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        deflate("META-INF/manifest.xml", manifest),
    ])


def not_xlsx_zip(folder: Path) -> Path:
    """A zip holding a Word-like package: content types but no ``xl/workbook.xml``."""
    return write_zip(folder / "document.xlsx", [
        deflate(CONTENT_TYPES, b"<Types/>"),
        deflate("word/document.xml", b"<w:document/>"),
    ])
