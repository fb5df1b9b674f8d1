"""A workbook written part by part, for tests of the cell reader on XML as others write it."""

from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["MAIN", "one_sheet_book"]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
"""The spreadsheet namespace."""


def one_sheet_book(folder: Path, sheet: str, strings: str = "", *,
                   date1904: bool = False) -> Path:
    """A bare workbook of one sheet "S" whose XML is ``sheet`` (and shared ``strings``).

    Its styles are: 0 general, 1 a percentage (``0.0%``), 2 a date (format 14).
    """
    path = folder / "book.xlsx"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    properties = '<workbookPr date1904="1"/>' if date1904 else ""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{rels}">'
                         f'{properties}<sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                         "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Target="/xl/worksheets/s.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/styles.xml", (
            f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" '
            'formatCode="0.0%"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/>'
            '<xf numFmtId="14"/></cellXfs></styleSheet>'))
        archive.writestr("xl/worksheets/s.xml", sheet)
        if strings:
            archive.writestr("xl/sharedStrings.xml", strings)
    return path
