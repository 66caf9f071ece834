"""The raw responses sheet written as worksheet XML, straight into the workbook's zip.

A year of a commune is 100,000 rows of some twenty filled cells; a province's is ten times
that. XlsxWriter (constant-memory mode, the rest of the report) spends about 20 µs on each
cell, some 40 s for 100,000 rows on a small office PC; this writer makes the same cells
(inline strings, numbers, date-times as Excel serial numbers with the workbook's own date
styles) as plain text, several times faster, and streams them into the zip entry, so
memory stays flat at any size (bench/run.py measures it). XlsxWriter still writes the
sheet's frame (column widths and styles, frozen header, the header row); ``splice`` puts
the rows after its header row.
"""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

from .cells import clean

EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (1900 date system, as XlsxWriter writes)
_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # Excel reads _xHHHH_ as a character: keep it literal
_DIMENSION = re.compile(r"<dimension ref=\"[^\"]*\"/>")
CHUNK_ROWS = 2000


def _column_names(n: int) -> list[str]:
    names = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        names.append(name)
    return names


def _text(value: str) -> str:
    """Text as the content of ``<t>``: cleaned, XML-escaped, ``_xHHHH_`` kept literal."""
    value = clean(value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in value:
        value = _ESCAPE.sub(r"_x005F_\1", value)
    return value


def _inline(value: str) -> str:
    """An inline string's ``<is>`` element for ``value``."""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<is><t{space}>{_text(value)}</t></is>"


class RowWriter:
    """Worksheet ``<row>`` elements for lists of cell values (None and '' are left empty)."""

    CACHE = 50_000  # labels, names and codes repeat from row to row; ids and hashes do not

    def __init__(self, width: int, date_xf: int, datetime_xf: int):
        self.names = _column_names(max(width, 1) + 1)
        self.date_xf, self.datetime_xf = date_xf, datetime_xf
        self.inline: dict[str, str] = {}

    def _string(self, ref: str, value: str, xf) -> str:
        body = self.inline.get(value)
        if body is None:
            body = _inline(value)
            if len(self.inline) < self.CACHE:
                self.inline[value] = body
        style = f' s="{xf}"' if xf else ""
        return f'<c r="{ref}"{style} t="inlineStr">{body}</c>'

    def row(self, r: int, values, xf=None) -> str:
        rs, names = str(r), self.names
        parts = [f'<row r="{rs}">']
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            kind = type(value)
            ref = names[c] + rs
            if kind is str:
                parts.append(self._string(ref, value, xf))
            elif kind is int or kind is float:
                parts.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            elif kind is datetime:
                serial = (value - EPOCH).total_seconds() / 86400
                parts.append(f'<c r="{ref}" s="{self.datetime_xf}"><v>{serial!r}</v></c>')
            elif kind is date:
                serial = (value - EPOCH.date()).days
                parts.append(f'<c r="{ref}" s="{self.date_xf}"><v>{serial}</v></c>')
            else:
                parts.append(self._string(ref, str(value), xf))
        parts.append("</row>")
        return "".join(parts)


def splice(frame_path, out, sheet_number: int, rows, writer: RowWriter, first_row: int = 2) -> None:
    """Copy the workbook at ``frame_path`` to ``out`` (a path or a binary file) with the
    rows of ``rows`` (an iterable of lists, or of (list, xf) pairs for a styled row)
    added to sheet ``sheet_number`` (1-based) from ``first_row`` on."""
    name = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(frame_path) as frame, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for info in frame.infolist():
            if info.filename != name:
                book.writestr(info, frame.read(info.filename), compress_type=zipfile.ZIP_DEFLATED,
                              compresslevel=1)
                continue
            xml = _DIMENSION.sub("", frame.read(name).decode("utf-8"))
            head, tail = xml.split("</sheetData>", 1)
            target = zipfile.ZipInfo(name, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with book.open(target, "w", force_zip64=True) as sheet:
                sheet.write(head.encode("utf-8"))
                chunk, r = [], first_row
                for item in rows:
                    values, xf = item if type(item) is tuple else (item, None)
                    chunk.append(writer.row(r, values, xf))
                    r += 1
                    if len(chunk) == CHUNK_ROWS:
                        sheet.write("".join(chunk).encode("utf-8"))
                        chunk = []
                sheet.write(("".join(chunk) + "</sheetData>" + tail).encode("utf-8"))
