"""Refuse dangerous or unreadable vendor workbooks before any XML in them is parsed.

A returned questionnaire comes from a vendor, who is not trusted. An ``.xlsx`` file is a
zip archive of XML parts, and openpyxl or python-calamine decompress and parse whatever
the archive points to: a zip bomb exhausts memory, a part declaring a false size slips
past size checks, two parts with the same name show one content to one reader and
another to the next. :func:`inspect_workbook` looks at the raw bytes first and returns
every problem it finds as a :class:`Finding` whose bilingual message a buyer can forward
to the vendor as is: what is wrong with the file and how to send a good one.

Checks, in this order (a check that makes the rest meaningless stops the inspection):

1. the path: readable regular file, not empty, at most ``max_file_bytes``; the file is
   then read once, bounded (:func:`ai_procurement._office.files.read_bounded`), and
   every check below works on those bytes;
2. the magic number: an OLE2 container is a password-protected workbook or a legacy
   ``.xls`` (its directory is parsed to tell which); text is a CSV export; anything
   else but a zip is refused;
3. the zip structure, read from the end-of-central-directory record before ``zipfile``
   builds anything: member count, central directory where it claims to be, duplicate
   names (OPC part names are case-insensitive), local headers that disagree with the
   central directory on the name, the sizes (ZIP64 sizes read from the local extra
   field) or the checksum, data descriptors that disagree with it, overlapping
   members, encrypted members, compression methods other than stored and deflate;
4. an OpenDocument spreadsheet (``mimetype`` member) is named as such and not examined
   further;
5. the declared sizes of every member: uncompressed size, total, compression ratio;
6. every member whose declared sizes passed is decompressed as a stream, bounded by
   ``declared size + 1``: a member whose real size differs from its declared size, or
   whose checksum is wrong, is caught here, before any parser reads it. While streaming,
   every member but SVG pictures is searched for a DTD (``<!DOCTYPE``, which Excel and
   LibreOffice never write in a part and which entity-expansion attacks need; SVG
   exports often carry one and no reader here parses pictures), and
   ``[Content_Types].xml`` and the ``.rels`` parts for macro, external-link and
   embedded-object types;
7. the package: ``[Content_Types].xml`` and ``xl/workbook.xml`` present; no macros, no
   links to external workbooks (their cached values could forge answers), no embedded
   objects or ActiveX controls.

Why decompress every member rather than only the XML ones: any member can be read by
some reader (openpyxl also reads the images of drawings), and the cost is one inflate of
the workbook, which the reader pays again anyway. A 500-question workbook is about
0.5 MB of XML in 25 to 35 kB of zip; the whole guard takes under a millisecond on it,
while openpyxl takes about 60 ms to load it. The worst case is bounded by
``max_total_bytes`` of inflate (about 0.8 s for 300 MiB), with memory bounded by one
input and one output chunk.

The guard is a first line: parts are still parsed with defusedxml, which refuses
entity declarations (:func:`parse_error_finding` reports that refusal).

Limits of the byte searches: a part can hide a type name behind XML character
references (``macro&#69;nabled``); the guard does not parse XML, so it does not see
through them. Nothing in this library runs macros or follows links; the residual risk
is for a person who opens the original file in Excel, whose own warnings then apply.

The guard never raises for a bad file: every failure, including an unreadable path,
becomes a finding. XML parse errors raised later by the reader are turned into findings
by :func:`parse_error_finding`.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Literal, TypeAlias, get_args
from xml.parsers.expat import ExpatError

import attrs
from defusedxml import DefusedXmlException

from ai_procurement._office.files import read_bounded
from ai_procurement.errors import InputError, os_reason
from ai_procurement.findings import Finding, Severity
from ai_procurement.text import Text, msg, nmsg

__all__ = [
    "CODES",
    "DEFAULT_LIMITS",
    "XML_PARSE_ERRORS",
    "FindingCode",
    "GuardResult",
    "Limits",
    "inspect_workbook",
    "parse_error_finding",
]

"""An ``"error"`` blocks reading the workbook; a ``"warning"`` does not."""

FindingCode: TypeAlias = Literal[
    "unreadable",
    "empty",
    "too-large",
    "ole2-encrypted",
    "ole2-xls",
    "csv",
    "not-zip",
    "truncated",
    "corrupt",
    "too-many-members",
    "duplicate-member",
    "overlapping-members",
    "encrypted-zip-member",
    "unsupported-compression",
    "ods",
    "member-too-large",
    "zip-bomb-total",
    "zip-bomb-ratio",
    "member-size-lies",
    "xml-doctype",
    "not-xlsx",
    "macros",
    "external-link",
    "embedded-object",
    "wrong-extension",
    "xml-entities",
    "xml-malformed",
]
"""Stable identifiers of the problems the guard reports."""

CODES: tuple[FindingCode, ...] = get_args(FindingCode)
"""Every finding code, in the order the checks run."""

_KIB = 1024
_MIB = 1024 * _KIB


def _positive_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"Limits.{attribute.name}: expected a positive integer, got {value!r}")


def _ratio(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 1:
        raise ValueError(f"Limits.{attribute.name}: expected a number > 1, got {value!r}")


@attrs.frozen
class Limits:
    """The bounds a vendor workbook must stay within; recorded in every result.

    Attributes:
        max_file_bytes: size of the file on disk. 20 MiB: an answered 500-question
            questionnaire weighs about 35 kB; mail gateways often stop at 10 to 25 MB;
            supporting documents are sent separately, not embedded.
        max_members: members in the zip. 2 000: a questionnaire has about a dozen parts;
            a workbook with many sheets and images a few hundred.
        max_member_bytes: declared uncompressed size of one member. 100 MiB: the sheet
            of a 500-question questionnaire is about 0.5 MB of XML; 100 MiB is about a
            million filled cells.
        max_total_bytes: declared uncompressed size of all members together. 300 MiB,
            which also bounds the work of the guard's own decompression.
        max_ratio: uncompressed / compressed size of one member. 200: XML parts of real
            workbooks compress 2 to 30 times; the worst we measured is about 110 (the
            same 10 kB boilerplate pasted, slightly varied, into 500 answers), while a
            bomb made of one repeated byte reaches deflate's ceiling of about 1 030.
        ratio_min_bytes: the ratio check applies only to members whose declared
            uncompressed size is at least this. 1 MiB: a small part can compress very
            well and is harmless whatever its ratio.
    """

    max_file_bytes: int = attrs.field(default=20 * _MIB, validator=_positive_int)
    max_members: int = attrs.field(default=2_000, validator=_positive_int)
    max_member_bytes: int = attrs.field(default=100 * _MIB, validator=_positive_int)
    max_total_bytes: int = attrs.field(default=300 * _MIB, validator=_positive_int)
    max_ratio: float = attrs.field(default=200.0, validator=_ratio)
    ratio_min_bytes: int = attrs.field(default=1 * _MIB, validator=_positive_int)


DEFAULT_LIMITS = Limits()
"""The limits :func:`inspect_workbook` applies unless told otherwise."""


@attrs.frozen
class GuardResult:
    """What :func:`inspect_workbook` found in one file.

    Attributes:
        path: the file inspected.
        limits: the limits applied.
        findings: every problem found, in the order the checks ran.
    """

    path: Path
    limits: Limits
    findings: tuple[Finding, ...]
    parts: Mapping[str, bytes] = attrs.field(factory=dict, repr=False, eq=False)
    """The XML parts decompressed while checking them, when asked for and the file is
    safe: the reader parses these very bytes instead of decompressing the file again."""
    data: bytes | None = attrs.field(default=None, repr=False, eq=False)
    """The file's bytes as inspected, when parts were asked for and the file could be
    read: the reader hashes and opens these very bytes, never the path again (a file
    replaced in between could not slip past the guard)."""

    @property
    def ok(self) -> bool:
        """True when no finding is an error: the workbook may be read."""
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block reading."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings that do not block reading."""
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def codes(self) -> tuple[str, ...]:
        """The code of each finding, in order (each one of :data:`CODES`)."""
        return tuple(f.code for f in self.findings)


# ---------------------------------------------------------------------------------------
# Messages. {file} and {member} are filled by _finding; other fields per code.

# Each code's message, with its French in the catalogue.

_MESSAGES: dict[FindingCode, tuple[Severity, Callable[..., Text]]] = {
    "unreadable": ("error", lambda **f: msg(
        "The file '{file}' could not be read ({reason}). Check that it exists and that you may "
        "read it.", **f)),
    "empty": ("error", lambda **f: msg(
        "The file '{file}' is empty (0 bytes). Please send the completed questionnaire again, "
        "saved as 'Excel Workbook (.xlsx)'.", **f)),
    "too-large": ("error", lambda **f: msg(
        "The file '{file}' weighs {size}, over the limit of {limit}. Remove the pictures and "
        "documents inserted in the workbook (send supporting documents separately) and send a "
        "lighter .xlsx file.", **f)),
    "ole2-encrypted": ("error", lambda **f: msg(
        "The file '{file}' is protected by a password to open and cannot be read. Open it in "
        "Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, then "
        "clear the field) and save it as .xlsx without a password.", **f)),
    "ole2-xls": ("error", lambda **f: msg(
        "The file '{file}' is in the Excel 97-2003 format (.xls), which is not accepted. Open it "
        "in Excel or LibreOffice and save it as 'Excel Workbook (.xlsx)'.", **f)),
    "csv": ("error", lambda **f: msg(
        "The file '{file}' is a text file (CSV or tab-separated), not an Excel workbook: answers "
        "cannot be matched to questions reliably. Fill in the .xlsx questionnaire you were sent "
        "and return it as .xlsx.", **f)),
    "not-zip": ("error", lambda **f: msg(
        "The file '{file}' is not an Excel .xlsx workbook (its content does not have the form of "
        "an .xlsx file; it may have been renamed). Open it in Excel or LibreOffice and save it as "
        "'Excel Workbook (.xlsx)'.", **f)),
    "truncated": ("error", lambda **f: msg(
        "The file '{file}' is incomplete: its end is missing, probably cut during sending or "
        "downloading. Please send the complete .xlsx file again.", **f)),
    "corrupt": ("error", lambda **f: msg(
        "The file '{file}' is damaged ({detail}) and cannot be read safely. Open it in Excel or "
        "LibreOffice, save it again as 'Excel Workbook (.xlsx)' and send that new file.", **f)),
    "too-many-members": ("error", lambda **f: msg(
        "The file '{file}' holds {count} internal parts, over the limit of {limit}; a "
        "questionnaire usually holds about ten. Open it in Excel or LibreOffice, save it again as "
        "'Excel Workbook (.xlsx)' and send that new file.", **f)),
    "duplicate-member": ("error", lambda **f: msg(
        "The file '{file}' holds the internal part '{member}' more than once: depending on the "
        "software that opens it, different contents would be read. Excel and LibreOffice do not "
        "produce such files. Open it in Excel or LibreOffice, save it again as 'Excel Workbook "
        "(.xlsx)' and send that new file.", **f)),
    "overlapping-members": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' overlaps another one: this layout is "
        "used to deceive readers (decompression bomb). Open it in Excel or LibreOffice, save it "
        "again as 'Excel Workbook (.xlsx)' and send that new file.", **f)),
    "encrypted-zip-member": ("error", lambda **f: msg(
        "The file '{file}' holds {count} (for example '{member}') and cannot be read. Save the "
        "workbook as 'Excel Workbook (.xlsx)' without a password, outside any encrypted "
        "archive.", **f)),
    "unsupported-compression": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' uses a compression method that Excel "
        "and LibreOffice do not use. Open it in Excel or LibreOffice, save it again as 'Excel "
        "Workbook (.xlsx)' and send that new file.", **f)),
    "ods": ("error", lambda **f: msg(
        "The file '{file}' is in the OpenDocument format (.ods). In LibreOffice, choose File > "
        "Save As, type 'Excel 2007-365 (.xlsx)', and send that file.", **f)),
    "member-too-large": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' would take {size} once decompressed, "
        "over the limit of {limit}. Remove inserted pictures and documents and needlessly filled "
        "cells, then save as .xlsx.", **f)),
    "zip-bomb-total": ("error", lambda **f: msg(
        "The content of the file '{file}' would take {size} once decompressed, over the limit of "
        "{limit}. Remove inserted pictures and documents and needlessly filled cells, then save "
        "as .xlsx.", **f)),
    "zip-bomb-ratio": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' decompresses to {ratio} times its "
        "compressed size (limit: {limit}); this is the signature of a decompression bomb. Open it "
        "in Excel or LibreOffice, save it again as 'Excel Workbook (.xlsx)' and send that new "
        "file.", **f)),
    "member-size-lies": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' does not have the size it declares "
        "({detail}). Open it in Excel or LibreOffice, save it again as 'Excel Workbook (.xlsx)' "
        "and send that new file.", **f)),
    "xml-doctype": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' holds a DOCTYPE declaration, which "
        "Excel and LibreOffice never write and which XML entity-expansion attacks rely on. Open "
        "it in Excel or LibreOffice, save it again as 'Excel Workbook (.xlsx)' and send that new "
        "file.", **f)),
    "not-xlsx": ("error", lambda **f: msg(
        "The file '{file}' is an archive but not an Excel .xlsx workbook ('{member}' is missing); "
        "it may be a renamed .xlsb, .docx or .zip. Open it in Excel or LibreOffice and save it as "
        "'Excel Workbook (.xlsx)'.", **f)),
    "macros": ("error", lambda **f: msg(
        "The file '{file}' contains macros ('{member}'); for security reasons, files with macros "
        "are refused. Save it as 'Excel Workbook (.xlsx)', which removes the macros, and send "
        "that file.", **f)),
    "external-link": ("error", lambda **f: msg(
        "The file '{file}' contains links to other workbooks ('{member}'); the values they bring "
        "cannot be checked. In Excel, Data menu, 'Edit Links' (or 'Workbook Links'), break every "
        "link, then save as .xlsx.", **f)),
    "embedded-object": ("error", lambda **f: msg(
        "The file '{file}' contains an embedded object or an ActiveX control ('{member}'); for "
        "security reasons, such objects are refused. Delete it from the workbook (send the "
        "document separately if needed), then save as .xlsx.", **f)),
    "wrong-extension": ("warning", lambda **f: msg(
        "The file '{file}' is an .xlsx workbook but is named with the extension '{suffix}'. It "
        "was read normally; in future, keep the .xlsx extension.", **f)),
    "xml-entities": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' contains XML declarations or "
        "entities, refused for security reasons. Open it in Excel or LibreOffice, save it again "
        "as 'Excel Workbook (.xlsx)' and send that new file.", **f)),
    "xml-malformed": ("error", lambda **f: msg(
        "In the file '{file}', the internal part '{member}' is not valid XML ({detail}). Open it "
        "in Excel or LibreOffice, save it again as 'Excel Workbook (.xlsx)' and send that new "
        "file.", **f)),
}

_SHOWN_MAX = 80


def _shown(name: str) -> str:
    """Make an untrusted name safe to print: no control or bidi characters, bounded."""
    # str.isprintable is false for controls (Cc) and formats (Cf, which holds the
    # bidirectional overrides that can make a name read backwards).
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in name[: _SHOWN_MAX + 1])
    return cleaned if len(cleaned) <= _SHOWN_MAX else cleaned[: _SHOWN_MAX - 1] + "…"


def _size(n: int) -> Text:
    """A byte count for people: ``20 Mio`` / ``20 MiB``."""
    for unit, fr, en in ((1 << 30, "Gio", "GiB"), (_MIB, "Mio", "MiB"), (_KIB, "Kio", "KiB")):
        if n >= unit:
            value = f"{n / unit:.1f}".removesuffix(".0")
            return msg("{value} {text}", text=Text(fr=fr, en=en),
                       value=Text(fr=value.replace('.', ','), en=format(value, '')))
    return msg("{n} bytes", n=n)


def _finding(
    code: FindingCode, file: str, member: str | None = None, **fields: str | int | Text
) -> Finding:
    severity, message = _MESSAGES[code]
    text = message(file=_shown(file), member=_shown(member or ""), **fields)
    return Finding(severity, code, text, file=Path(file).name, part=member or "")


# ---------------------------------------------------------------------------------------
# Entry point.

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def inspect_workbook(path: Path, *, limits: Limits = DEFAULT_LIMITS,
                     keep_parts: bool = False) -> GuardResult:
    """Inspect a vendor workbook's raw bytes and report what makes it unsafe to read.

    Nothing in the file is parsed as XML. Memory stays bounded whatever the file
    declares: by ``limits.max_file_bytes`` for an OLE2 file or a central directory, by
    a few 256 kB chunks while decompressing.

    Args:
        path: the file as received from the vendor.
        limits: the bounds the file must stay within (recorded in the result).
        keep_parts: keep the decompressed XML parts of a safe file (up to
            :data:`KEPT_PART_BYTES` each and :data:`KEPT_TOTAL_BYTES` in all) in
            ``result.parts``, so the reader does not decompress them again.

    Returns:
        The findings, each with a bilingual message naming the file by its name only;
        ``result.ok`` is true when none of them is an error. This function does not
        raise for a bad or unreadable file.
    """
    file = path.name
    kept: dict[str, bytes] | None = {} if keep_parts else None
    read: list[bytes] = []
    findings = _inspect(path, file, limits, kept, read)
    result = GuardResult(path=path, limits=limits, findings=tuple(findings),
                         data=read[0] if read and keep_parts else None)
    if kept and result.ok:
        result = attrs.evolve(result, parts=kept)
    return result


KEPT_PART_BYTES = 16 * 1024 * 1024
"""Largest decompressed part kept for the reader; a larger one is read from the file."""
KEPT_TOTAL_BYTES = 64 * 1024 * 1024
"""Most decompressed bytes kept for the reader, all parts together."""


def _unreadable(file: str, exc: OSError | None) -> Finding:
    reason = msg("not a regular file") if exc is None else os_reason(exc)
    return _finding("unreadable", file, reason=reason)


def _inspect(path: Path, file: str, limits: Limits, kept: dict[str, bytes] | None,
             read: list[bytes]) -> list[Finding]:
    try:
        # stat before open: opening a FIFO or a device could block or never end.
        info = os.stat(path)
    except (OSError, ValueError) as exc:  # ValueError: NUL byte in the path
        return [_unreadable(file, exc if isinstance(exc, OSError) else None)]
    if not stat.S_ISREG(info.st_mode):
        return [_unreadable(file, None)]
    size = info.st_size
    if size == 0:
        return [_finding("empty", file)]
    if size > limits.max_file_bytes:
        return [_finding("too-large", file, size=_size(size), limit=_size(limits.max_file_bytes))]
    try:
        # One bounded read of a regular file (checked again on the open descriptor):
        # every check below, and the reader after them, work on these bytes.
        data = read_bounded(path, limits.max_file_bytes)
    except InputError as exc:
        if "too large" in exc.reason:  # it grew since stat
            return [_finding("too-large", file, size=msg(
                    "more than {size_size}", size_size=_size(size)),
                             limit=_size(limits.max_file_bytes))]
        return [_unreadable(file, None if "regular" in exc.reason else OSError(exc.reason))]
    read.append(data)
    size = len(data)
    if size == 0:
        return [_finding("empty", file)]
    head = data[:8]
    if head == _OLE2_MAGIC:
        return [_ole2_finding(file, data)]
    if head.startswith((_LOCAL, _EOCD)):  # a zip, or an empty zip
        return _inspect_zip(io.BytesIO(data), size, path, limits, kept)
    return [_finding("csv" if _looks_like_text_table(data[:_TEXT_SAMPLE]) else "not-zip",
                     file)]


# ---------------------------------------------------------------------------------------
# OLE2 (Compound File Binary, [MS-CFB]): a password-protected OOXML file is an OLE2
# container holding "EncryptionInfo" and "EncryptedPackage" streams ([MS-OFFCRYPTO]
# 2.3.4); a legacy .xls holds a "Workbook" (or, before Excel 97, "Book") stream.

_ENCRYPTED_STREAMS = frozenset({"EncryptionInfo", "EncryptedPackage"})
_XLS_STREAMS = frozenset({"Workbook", "Book"})
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_OLE2_SCAN = 64 * _KIB


def _ole2_finding(file: str, data: bytes) -> Finding:
    names = _ole2_names(data)
    if names is None:
        # The directory could not be walked: fall back on looking for the stream names
        # (UTF-16LE, as the directory stores them) near the start of the file.
        head = data[:_OLE2_SCAN]
        names = {n for n in _ENCRYPTED_STREAMS | _XLS_STREAMS if n.encode("utf-16-le") in head}
    if names & _ENCRYPTED_STREAMS:
        return _finding("ole2-encrypted", file)
    if names & _XLS_STREAMS:
        return _finding("ole2-xls", file)
    return _finding("not-zip", file)  # another OLE2 document: a renamed .doc, .msg...


def _ole2_names(data: bytes) -> set[str] | None:
    """The names in an OLE2 directory, or None when the structure cannot be followed."""
    if len(data) < 512:
        return None
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):
        return None
    sector = 1 << shift
    sectors = len(data) // sector - 1  # the header takes the first sector's room
    first_dir, first_difat, n_difat = (struct.unpack_from("<I", data, o)[0] for o in (48, 68, 72))

    def read(index: int) -> bytes | None:
        if index >= sectors:
            return None
        start = (index + 1) * sector
        return data[start:start + sector]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < _MAX_REGULAR_SECTOR]
    difat, hops = first_difat, 0
    while difat < _MAX_REGULAR_SECTOR and hops < min(n_difat, sectors):
        block = read(difat)
        if block is None:
            return None
        entries = struct.unpack(f"<{sector // 4}I", block)
        fat_sectors += [s for s in entries[:-1] if s < _MAX_REGULAR_SECTOR]
        difat, hops = entries[-1], hops + 1
    per_fat = sector // 4

    def next_sector(index: int) -> int | None:
        slot, offset = divmod(index, per_fat)
        if slot >= len(fat_sectors):
            return None
        block = read(fat_sectors[slot])
        return None if block is None else int(struct.unpack_from("<I", block, offset * 4)[0])

    names: set[str] = set()
    current: int | None = first_dir
    seen: set[int] = set()
    while current is not None and current < _MAX_REGULAR_SECTOR:
        block = read(current)
        if block is None or current in seen:
            return None
        seen.add(current)
        for start in range(0, sector, 128):
            length = struct.unpack_from("<H", block, start + 64)[0]
            kind = block[start + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64 and length % 2 == 0:
                names.add(block[start:start + length - 2].decode("utf-16-le", "replace"))
        current = next_sector(current)
    return names if current is not None else None


# ---------------------------------------------------------------------------------------
# Text files: an export to CSV or tab-separated text (Excel's "Unicode text" is UTF-16).

_TEXT_SAMPLE = 8 * _KIB


def _looks_like_text_table(sample: bytes) -> bool:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = sample.decode("utf-16", "replace")
    elif b"\x00" in sample:
        return False
    else:
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
        except UnicodeDecodeError:
            text = sample.decode("cp1252", "replace")
    text = text.lstrip("\ufeff \t\r\n")
    if not text or text.startswith("<"):  # HTML or XML saved under a spreadsheet name
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n")
    return printable >= 0.95 * len(text) and any(sep in text for sep in ",;\t")


# ---------------------------------------------------------------------------------------
# Zip.

_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_EOCD_SIZE = 22
_LOCAL_SIZE = 30
_IN_CHUNK = 64 * _KIB
_OUT_CHUNK = 256 * _KIB
_FLAG_ENCRYPTED = 0x01
_FLAG_DATA_DESCRIPTOR = 0x08
_FLAG_PATCHED = 0x20
_FLAG_STRONG_ENCRYPTION = 0x40
_FLAG_UTF8 = 0x800
_STORED, _DEFLATED = 0, 8
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Errors zipfile or struct can raise on a hostile archive; all become findings.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
               struct.error, NotImplementedError, OverflowError, IndexError, KeyError)

_CODECS = ("ascii", "utf-16-le", "utf-16-be")
_DOCTYPE = {c: "<!DOCTYPE".encode(c) for c in _CODECS}

_Needles: TypeAlias = dict[str, dict[bytes, FindingCode]]


def _needles(pairs: tuple[tuple[str, FindingCode], ...]) -> _Needles:
    return {c: {token.encode(c): code for token, code in pairs} for c in _CODECS}


# Looked for, lower-cased, in [Content_Types].xml: the content types of macro-enabled
# workbooks, VBA projects, Excel 4 macro sheets, external links, OLE objects, ActiveX.
_CONTENT_TYPE_TOKENS = _needles((
    ("macroenabled", "macros"),
    ("vbaproject", "macros"),
    ("macrosheet", "macros"),
    ("externallink", "external-link"),
    ("oleobject", "embedded-object"),
    ("activex", "embedded-object"),
))
# Looked for, lower-cased, in relationship parts: relationship types end with these
# (prefixed so that a hyperlink target that merely contains the word does not count).
_RELATIONSHIP_TOKENS = _needles((
    ("relationships/vbaproject", "macros"),
    ("relationships/xlmacrosheet", "macros"),
    ("relationships/xlintlmacrosheet", "macros"),
    ("relationships/externallink", "external-link"),
    ("relationships/oleobject", "embedded-object"),
    ("relationships/package", "embedded-object"),
    ("relationships/control", "embedded-object"),
))
_KEEP = max(len(n) for table in (_CONTENT_TYPE_TOKENS, _RELATIONSHIP_TOKENS)
            for needles in table.values() for n in (*needles, *_DOCTYPE.values())) - 1


def _encoding_of(head: bytes) -> str | None:
    """Guess how an XML parser will decode a part (XML 1.0, appendix F).

    Only what changes the needles matters: UTF-16 in either byte order, or an
    ASCII-compatible encoding. None while fewer than 2 bytes are known.
    """
    if len(head) < 2:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
        return "utf-16-le"
    if head.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
        return "utf-16-be"
    return "ascii"


@attrs.frozen
class _Directory:
    entries: int
    offset: int
    size: int


def _read_directory(
    handle: IO[bytes], size: int, file: str, limits: Limits
) -> _Directory | Finding:
    """Find and walk the central directory without building anything per member."""
    tail_len = min(size, _EOCD_SIZE + 0xFFFF)
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or tail_len - at < _EOCD_SIZE:
        return _finding("truncated", file)
    _, disk, cd_disk, _, entries, cd_size, cd_offset, _ = struct.unpack_from(
        "<4sHHHHIIH", tail, at)
    eocd_at = size - tail_len + at
    cd_end = eocd_at
    if eocd_at >= 20:
        handle.seek(eocd_at - 20)
        locator = handle.read(20)
        if locator.startswith(_EOCD64_LOCATOR):
            # zipfile reads the zip64 record just before the locator, whatever the
            # locator says: refuse a file where the two disagree.
            record_at = struct.unpack_from("<Q", locator, 8)[0]
            handle.seek(record_at)
            record = handle.read(56)
            if (record_at != eocd_at - 20 - 56 or len(record) < 56
                    or not record.startswith(_EOCD64)):
                return _finding("corrupt", file, detail=_CD_BROKEN)
            _, _, _, _, disk, cd_disk, _, entries, cd_size, cd_offset = struct.unpack(
                "<4sQHHIIQQQQ", record)
            cd_end = record_at
    if disk or cd_disk:
        return _finding("corrupt", file, detail=msg("multi-volume archive"))
    if entries > limits.max_members:
        return _finding("too-many-members", file, count=entries, limit=limits.max_members)
    # The central directory must end where the end record starts: an archive
    # appended to another one would be read differently by different readers.
    if cd_offset + cd_size != cd_end:
        return _finding("corrupt", file, detail=_CD_BROKEN)
    handle.seek(cd_offset)
    directory = handle.read(cd_size)
    count = pos = 0
    while pos < len(directory):
        if directory[pos:pos + 4] != _CENTRAL or pos + 46 > len(directory):
            return _finding("corrupt", file, detail=_CD_BROKEN)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", directory, pos + 28)
        pos += 46 + name_len + extra_len + comment_len
        count += 1
        if count > limits.max_members:
            return _finding("too-many-members", file,
                            count=msg("more than {limits_max_members}",
                                      limits_max_members=limits.max_members),
                            limit=limits.max_members)
    if pos != cd_size or count != entries:
        return _finding("corrupt", file, detail=_CD_BROKEN)
    return _Directory(entries=count, offset=cd_offset, size=cd_size)


_CD_BROKEN = msg("inconsistent central directory")


@attrs.frozen
class _Local:
    """Where a member's compressed data starts (None: no local header), and any problem."""

    data_offset: int | None
    problem: Finding | None
    descriptor: bool = False
    """The checksum and sizes are in a data descriptor after the data."""


def _read_local(handle: IO[bytes], info: zipfile.ZipInfo, file: str) -> _Local:
    name = info.orig_filename
    if "\x00" in name or "\\" in name:
        # zipfile cuts a name at NUL and turns "\\" into "/" on Windows only: other
        # readers would see another name.
        return _Local(None, _finding("corrupt", file, name, detail=msg(
                "invalid internal part name")))
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_SIZE)
    if len(header) < _LOCAL_SIZE or not header.startswith(_LOCAL):
        return _Local(None, _finding("corrupt", file, name, detail=msg("local header missing")))
    flags, _, _, _, crc, csize, usize, name_len, extra_len = struct.unpack_from(
        "<HHHHIIIHH", header, 6)
    raw = handle.read(name_len)
    extra = handle.read(extra_len)
    data_offset = info.header_offset + _LOCAL_SIZE + name_len + extra_len
    # Same bytes as the central directory, and the same name as zipfile decodes it
    # (with the local header's UTF-8 flag).
    central_raw = name.encode("utf-8" if info.flag_bits & _FLAG_UTF8 else "cp437")
    local_name = raw.decode("utf-8" if flags & _FLAG_UTF8 else "cp437", "replace")
    if raw != central_raw or local_name != name:
        return _Local(data_offset, _finding("corrupt", file, name, detail=msg(
                "different name in the local header")))
    if flags & _FLAG_DATA_DESCRIPTOR:
        return _Local(data_offset, None, descriptor=True)  # checked once overlaps are
    if 0xFFFFFFFF in (csize, usize):
        # ZIP64: the real sizes are in the local header's ZIP64 extra field (0x0001),
        # uncompressed size first; both are there whenever one overflows (4.5.3).
        zip64 = _zip64_sizes(extra)
        if zip64 is None:
            return _Local(data_offset, _finding("corrupt", file, name, detail=msg(
                    "ZIP64 sizes missing from the local header")))
        usize, csize = zip64
    if (csize, usize) != (info.compress_size, info.file_size):
        return _Local(data_offset, _finding("member-size-lies", file, name, detail=msg(
                "the local header and the central directory declare different sizes")))
    if crc != info.CRC:
        return _Local(data_offset, _finding("corrupt", file, name, detail=msg(
                "the local header and the central directory declare different checksums")))
    return _Local(data_offset, None)


def _check_descriptor(handle: IO[bytes], info: zipfile.ZipInfo, data_offset: int,
                      file: str) -> Finding | None:
    """Compare a member's data descriptor with the central directory.

    LibreOffice and streaming writers put the checksum and sizes in a data descriptor
    after the data (APPNOTE 4.3.9), with or without its signature, sizes on 8 bytes in a
    ZIP64 archive.
    """
    handle.seek(data_offset + info.compress_size)
    tail = handle.read(24)
    if tail.startswith(_DESCRIPTOR):
        tail = tail[4:]
    wide = len(tail) >= 20 and struct.unpack_from("<IQQ", tail) == (
        info.CRC, info.compress_size, info.file_size)
    narrow = len(tail) >= 12 and struct.unpack_from("<III", tail) == (
        info.CRC, info.compress_size & 0xFFFFFFFF, info.file_size & 0xFFFFFFFF)
    if wide or narrow:
        return None
    return _finding("member-size-lies", file, info.filename, detail=msg(
            "the data descriptor and the central directory declare a different checksum or sizes"))


def _zip64_sizes(extra: bytes) -> tuple[int, int] | None:
    """(uncompressed, compressed) sizes from a local header's ZIP64 extra field."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        if tag == 0x0001 and length >= 16 and pos + 4 + 16 <= len(extra):
            usize, csize = struct.unpack_from("<QQ", extra, pos + 4)
            return int(usize), int(csize)
        pos += 4 + length
    return None


@attrs.frozen
class _Streamed:
    """What decompressing one member showed."""

    problem: Finding | None
    doctype: bool
    codes: frozenset[FindingCode]
    head: bytes
    content: bytes | None = None


def _stream(
    handle: IO[bytes], info: zipfile.ZipInfo, data_offset: int, file: str, tokens: _Needles,
    *, keep: bool = False
) -> _Streamed:
    """Decompress one member in bounded chunks, never past ``declared size + 1`` bytes.

    Memory holds one input chunk and one output chunk at a time (plus, with ``keep``,
    the part itself, whose declared size the caller has bounded). Each output chunk is
    searched for a DTD and for ``tokens`` (lower-cased), in the encoding the part's
    first bytes announce, with an overlap so that a needle split across two chunks is
    found.
    """
    name, declared = info.filename, info.file_size
    cap = declared + 1
    remaining = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == _DEFLATED else None
    produced = crc = 0
    doctype = False
    codes: set[FindingCode] = set()
    encoding: str | None = None
    head = overlap = pending = b""
    full = False
    handle.seek(data_offset)

    chunks: list[bytes] | None = [] if keep else None

    def result(problem: Finding | None) -> _Streamed:
        content = b"".join(chunks) if chunks is not None and problem is None else None
        return _Streamed(problem, doctype, frozenset(codes), head, content)

    while produced < cap and not (inflater is not None and inflater.eof):
        if pending:
            data = pending
        elif full:
            data = b""  # the output was full: let zlib emit what it still holds
        elif remaining > 0:
            data = handle.read(min(_IN_CHUNK, remaining))
            if not data:
                return result(_finding("corrupt", file, name, detail=_SHORT))
            remaining -= len(data)
        else:
            break
        want = min(_OUT_CHUNK, cap - produced)
        if inflater is None:
            out, pending = data[:want], data[want:]
        else:
            try:
                out = inflater.decompress(data, want)
            except zlib.error:
                return result(_finding("corrupt", file, name, detail=_INVALID))
            if data and not out and inflater.unconsumed_tail == data:
                return result(_finding("corrupt", file, name, detail=_INVALID))
            pending = inflater.unconsumed_tail
        full = len(out) == want
        if not out:
            continue
        produced += len(out)
        crc = zlib.crc32(out, crc)
        if chunks is not None:
            chunks.append(out)
        if len(head) < _HEAD:
            head += out[: _HEAD - len(head)]
            encoding = _encoding_of(head)
        searched = _CODECS if encoding is None else (encoding,)
        if not tokens and b"!" not in out and b"!" not in overlap:
            # "!" is in "<!DOCTYPE" in every encoding searched: one byte is found at
            # memory speed, where the nine are looked for at a tenth of it (0.3 ms of the
            # guard's 1.5 ms on a 500-question questionnaire, whose sheet has no "!").
            overlap = (overlap + out)[-_KEEP:] if len(out) < _KEEP else out[-_KEEP:]
            continue
        window = overlap + out
        doctype = doctype or any(_DOCTYPE[c] in window for c in searched)
        if tokens:
            lowered = window.lower()
            codes.update(code for c in searched for needle, code in tokens[c].items()
                         if needle in lowered)
        overlap = window[-_KEEP:]
    if produced > declared:
        return result(_finding("member-size-lies", file, name, detail=msg(
                "it declares {size_declared} once decompressed but holds more",
                size_declared=_size(declared))))
    if inflater is not None and not inflater.eof:
        return result(_finding("corrupt", file, name, detail=_SHORT))
    if produced != declared:
        return result(_finding("member-size-lies", file, name, detail=msg(
                "it declares {size_declared} but holds only {size_produced}",
                size_declared=_size(declared), size_produced=_size(produced))))
    if crc != info.CRC:
        return result(_finding("corrupt", file, name, detail=msg("checksum (CRC) mismatch")))
    return result(None)


_HEAD = 256
_INVALID = msg("invalid compressed data")
_SHORT = msg("compressed data cut short")


def _inspect_zip(handle: IO[bytes], size: int, path: Path, limits: Limits,
                 kept: dict[str, bytes] | None) -> list[Finding]:
    file = path.name
    directory = _read_directory(handle, size, file, limits)
    if isinstance(directory, Finding):
        return [directory]
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS:
        return [_finding("corrupt", file, detail=_CD_BROKEN)]
    if len(infos) != directory.entries:
        return [_finding("corrupt", file, detail=_CD_BROKEN)]
    names = [i.filename for i in infos]
    lowered = {n.lower(): n for n in names}
    findings: list[Finding] = []

    # Structure: duplicate names, local headers, overlaps, encryption, methods.
    counts = Counter(n.lower() for n in names)
    for name, count in counts.items():
        if count > 1:
            findings.append(_finding("duplicate-member", file, lowered[name]))
    streamable: dict[int, int] = {}  # index in infos -> offset of its data
    try:
        locals_ = [_read_local(handle, info, file) for info in infos]
    except _ZIP_ERRORS:
        return [*findings, _finding("corrupt", file, detail=_CD_BROKEN)]
    for index, local in enumerate(locals_):
        if local.problem is not None:
            findings.append(local.problem)
        elif local.data_offset is not None:
            streamable[index] = local.data_offset
    # Each member's data must end before the next member's header (or the central
    # directory) starts: overlapping members are how non-recursive zip bombs reuse one
    # compressed kernel many times.
    order = sorted(range(len(infos)), key=lambda i: infos[i].header_offset)
    for position, index in enumerate(order):
        bound = (infos[order[position + 1]].header_offset if position + 1 < len(order)
                 else directory.offset)
        start = locals_[index].data_offset
        if start is not None and start + infos[index].compress_size > bound:
            findings.append(_finding("overlapping-members", file, infos[index].filename))
            streamable.pop(index, None)
        elif start is not None and index in streamable and locals_[index].descriptor:
            problem = _check_descriptor(handle, infos[index], start, file)
            if problem is not None:
                findings.append(problem)
                streamable.pop(index, None)
    encrypted = [i for i, info in enumerate(infos)
                 if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION)]
    if encrypted:
        # One finding for all: the fix (save without a password) is the same.
        parts = nmsg("{n} encrypted internal part", "{n} encrypted internal parts",
                     len(encrypted))
        findings.append(_finding("encrypted-zip-member", file, infos[encrypted[0]].filename,
                                 count=parts))
    for index, info in enumerate(infos):
        if index in encrypted:
            streamable.pop(index, None)
        elif (info.compress_type not in (_STORED, _DEFLATED)
              or info.flag_bits & _FLAG_PATCHED):
            findings.append(_finding("unsupported-compression", file, info.filename))
            streamable.pop(index, None)

    # An OpenDocument spreadsheet: say so, and look no further.
    mimetype = next((i for i, n in enumerate(names) if n == "mimetype"), None)
    if mimetype is not None and mimetype in streamable and infos[mimetype].file_size < 256:
        streamed = _stream(handle, infos[mimetype], streamable[mimetype], file, {})
        if streamed.head.strip().startswith(_ODS_MIMETYPE):
            return [_finding("ods", file)]

    # Declared sizes.
    total = sum(info.file_size for info in infos)
    for index, info in enumerate(infos):
        if info.file_size > limits.max_member_bytes:
            findings.append(_finding("member-too-large", file, info.filename,
                                     size=_size(info.file_size),
                                     limit=_size(limits.max_member_bytes)))
            streamable.pop(index, None)
        elif (info.file_size >= limits.ratio_min_bytes
              and info.file_size > limits.max_ratio * info.compress_size):
            ratio = info.file_size / max(info.compress_size, 1)
            findings.append(_finding("zip-bomb-ratio", file, info.filename,
                                     ratio=f"{ratio:.0f}", limit=f"{limits.max_ratio:g}"))
            streamable.pop(index, None)
    if total > limits.max_total_bytes:
        findings.append(_finding("zip-bomb-total", file, size=_size(total),
                                 limit=_size(limits.max_total_bytes)))
        streamable.clear()  # not worth the work: the file is refused anyway

    # Active and linked content, by part name first (the most telling member to name).
    where: dict[FindingCode, str] = {}
    for lower, name in lowered.items():
        if "vbaproject" in lower or lower.startswith("xl/macrosheets/"):
            where.setdefault("macros", name)
        elif lower.startswith("xl/externallinks/"):
            where.setdefault("external-link", name)
        elif lower.startswith(("xl/embeddings/", "xl/activex/")):
            where.setdefault("embedded-object", name)

    # Real sizes, checksums, DTDs, and type names in content types and relationships.
    doctype: list[str] = []
    try:
        for index, offset in streamable.items():
            info = infos[index]
            part = info.filename.lower()
            tokens = (_CONTENT_TYPE_TOKENS if part == "[content_types].xml"
                      else _RELATIONSHIP_TOKENS if part.endswith(".rels") else {})
            keep = (kept is not None and part.endswith((".xml", ".rels"))
                    and info.file_size <= KEPT_PART_BYTES
                    and sum(map(len, kept.values())) + info.file_size <= KEPT_TOTAL_BYTES)
            streamed = _stream(handle, info, offset, file, tokens, keep=keep)
            if streamed.problem is not None:
                findings.append(streamed.problem)
            elif kept is not None and streamed.content is not None:
                kept[info.filename] = streamed.content
            picture = part.startswith("xl/media/") and part.endswith(".svg")
            if streamed.doctype and not picture:
                doctype.append(info.filename)
            for code in sorted(streamed.codes):
                where.setdefault(code, info.filename)
    except OSError:
        return [*findings, _finding("unreadable", file, reason=msg("read error"))]
    findings += [_finding("xml-doctype", file, name) for name in doctype]

    # The package: an xlsx workbook without active or linked content.
    for required in ("[Content_Types].xml", "xl/workbook.xml"):
        if required.lower() not in lowered:
            findings.append(_finding("not-xlsx", file, required))
            return findings
    for code in ("macros", "external-link", "embedded-object"):
        if code in where:
            findings.append(_finding(code, file, where[code]))
    suffix = path.suffix
    if suffix.lower() != ".xlsx":
        findings.append(_finding("wrong-extension", file,
                                 suffix=Text(fr=suffix or "(aucune)", en=suffix or "(none)")))
    return findings


# ---------------------------------------------------------------------------------------
# XML errors raised later by the reader.

XML_PARSE_ERRORS: tuple[type[Exception], ...] = (DefusedXmlException, SyntaxError, ExpatError)
"""Exceptions a reader may turn into a finding with :func:`parse_error_finding`.

``SyntaxError`` covers ``xml.etree.ElementTree.ParseError`` and lxml's
``XMLSyntaxError``; ``DefusedXmlException`` covers defusedxml's refusals of DTDs,
entities and external references.
"""


def parse_error_finding(exc: BaseException, *, path: Path, member: str | None = None) -> Finding:
    """Turn an XML parser's error on a vendor workbook into a finding.

    openpyxl wraps parser errors in a ``ValueError`` ("Unable to read workbook"), and
    other readers may wrap them too: the error's chain of causes is searched for the
    parser's own error.

    Args:
        exc: the error raised while reading a part (one of :data:`XML_PARSE_ERRORS`, an
            error caused by one, or any other failure of the reader on that part).
        path: the workbook being read (only its name appears in the message).
        member: the part being parsed, if known.

    Returns:
        An ``"xml-entities"`` finding when defusedxml refused a DTD, an entity or an
        external reference; an ``"xml-malformed"`` finding for a syntax error (with its
        line when the parser gives it) or for any other failure on the part. This
        function does not raise.
    """
    cause: BaseException | None = exc
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, DefusedXmlException):
            return _finding("xml-entities", path.name, member)
        if isinstance(cause, SyntaxError | ExpatError):
            where = getattr(cause, "position", None) or getattr(cause, "lineno", None)
            line = where[0] if isinstance(where, tuple) else where
            detail = (msg("line {line}", line=line) if isinstance(line, int)
                      else msg("syntax error"))
            return _finding("xml-malformed", path.name, member, detail=detail)
        cause = cause.__cause__ or cause.__context__
    return _finding("xml-malformed", path.name, member,
                    detail=msg("unreadable content"))
