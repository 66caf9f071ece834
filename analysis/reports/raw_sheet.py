"""The raw responses sheet written as worksheet XML, straight into the workbook's zip.

A year of a commune is 100,000 rows of some twenty filled cells; a province's is ten times
that. XlsxWriter (constant-memory mode, the rest of the report) spends about 20 µs on each
cell, some 40 s for 100,000 rows on a small office PC; this writer makes the same cells
(strings, numbers, date-times as Excel serial numbers with the workbook's own date styles)
as plain text, several times faster, and streams them into the zip entry, so memory stays
flat at any size (bench/run.py measures it). XlsxWriter still writes the sheet's frame
(column widths and styles, frozen header, the header row); ``splice`` puts the rows after
its header row.

Text that repeats from row to row (labels, names, codes: most of a row) goes into the
workbook's shared-string table, as Excel itself writes it: each cell then holds a number
instead of the whole text, which halves the sheet's XML and so the time spent compressing
it. The table is capped (``SHARED_CAP`` entries) so memory stays flat; columns of one value
per row (ids, hashes, comments: ``unique`` columns) and anything past the cap are written
inline, as before.
"""
from __future__ import annotations

import queue
import re
import threading
import zipfile
from datetime import date, datetime

from .cells import clean

EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (1900 date system, as XlsxWriter writes)
_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # Excel reads _xHHHH_ as a character: keep it literal
# text that needs neither cleaning nor escaping nor xml:space: printable ASCII without
# spaces, "&", "<", ">" or "_" (ids, receipt and dossier codes, hashes)
_PLAIN = re.compile(r"[!-%'-;=?-^`-~]+").fullmatch
_DIMENSION = re.compile(r"<dimension ref=\"[^\"]*\"/>")
# rows per piece handed to the compressing thread: up to five pieces are in flight (three
# queued, one compressed, one made); 1,000 rows each held ~3 MB more of a server's peak
# memory for the same speed (bench/run.py, a commune's workbook on the 10M server)
CHUNK_ROWS = 500
# zlib's level for the workbook: 5 makes the sheet 2 % bigger than the default 6 for a
# third less of its CPU (100,000 rows: 16.6 vs 16.3 MB, 1.4 vs 2.1 s; level 1: 21 MB)
LEVEL = 5
SHARED = "xl/sharedStrings.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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
    if value.isprintable() and "&" not in value and "<" not in value and ">" not in value and "_x" not in value:
        return value  # ids, hashes, most names: nothing to clean (no control characters) or escape
    value = clean(value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in value:
        value = _ESCAPE.sub(r"_x005F_\1", value)
    return value


def _t(value: str) -> str:
    """A ``<t>`` element for ``value`` (leading or trailing spaces preserved)."""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<t{space}>{_text(value)}</t>"


class RowWriter:
    """Worksheet ``<row>`` elements for lists of cell values (None and '' are left empty).

    ``shared``: put repeated text in the shared-string table (``strings``, written by
    ``splice``); ``unique``: the column numbers (0-based) whose text is one per row, written
    in the cell unless the same text is already in the table."""

    SHARED_CAP = 50_000

    def __init__(self, width: int, date_xf: int, datetime_xf: int, shared: bool = False, unique=()):
        names = _column_names(max(width, 1) + 1)
        self.starts = [f'<c r="{n}' for n in names]
        self.date_xf, self.datetime_xf = date_xf, datetime_xf
        self.shared, self.unique = shared, frozenset(unique)
        self.strings: dict[str, int] = {}  # shared text → its index in the table
        self.tails: dict = {}  # a repeated value → the rest of its cell after the reference
        self.datetime_tail = f'" s="{datetime_xf}"><v>'

    def _tail(self, value, column: int) -> str:
        """The cell's text after ``<c r="A1``, cached when the value may come again."""
        kind = type(value)
        if kind is date:
            tail = f'" s="{self.date_xf}"><v>{(value - EPOCH.date()).days}</v></c>'
        elif kind is not str:
            return f'" t="inlineStr"><is>{_t(str(value))}</is></c>'
        elif column in self.unique:
            return f'" t="inlineStr"><is>{_t(value)}</is></c>'
        elif self.shared and len(self.strings) < self.SHARED_CAP:
            self.strings[value] = index = len(self.strings)
            tail = f'" t="s"><v>{index}</v></c>'
        else:
            tail = f'" t="inlineStr"><is>{_t(value)}</is></c>'
            if len(self.tails) >= self.SHARED_CAP:
                return tail
        self.tails[value] = tail
        return tail

    def row(self, r: int, values, xf=None) -> str:
        if xf is not None:
            return self._styled(r, values, xf)
        rs, starts, tails, unique = str(r), self.starts, self.tails, self.unique
        parts = [f'<row r="{rs}">']
        add = parts.append
        for c, value in enumerate(values):
            kind = type(value)
            if kind is str:  # most cells: text, empty text is an empty cell
                if value:
                    tail = tails.get(value)
                    if tail is None:
                        if c in unique and _PLAIN(value):  # an id, a code, a hash: nothing to escape
                            tail = f'" t="inlineStr"><is><t>{value}</t></is></c>'
                        else:
                            tail = self._tail(value, c)
                    add(starts[c] + rs + tail)
            elif value is None:
                continue
            elif kind is int or kind is float:
                add(f'{starts[c]}{rs}"><v>{value!r}</v></c>')
            elif kind is datetime:
                add(f'{starts[c]}{rs}{self.datetime_tail}{(value - EPOCH).total_seconds() / 86400!r}</v></c>')
            else:
                add(starts[c] + rs + (tails.get(value) or self._tail(value, c)))
        add("</row>")
        return "".join(parts)

    def _styled(self, r: int, values, xf: int) -> str:
        """A row of text in the cell style ``xf`` (the closing note at Excel's row limit)."""
        rs = str(r)
        cells = "".join(f'{self.starts[c]}{rs}" s="{xf}" t="inlineStr"><is>{_t(str(v))}</is></c>'
                        for c, v in enumerate(values) if v is not None and v != "")
        return f'<row r="{rs}">{cells}</row>'

    def table(self) -> bytes:
        """The shared-string table's XML."""
        items = "".join(f"<si>{_t(s)}</si>" for s in self.strings)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
                f'uniqueCount="{len(self.strings)}">{items}</sst>').encode()


def _with_table(name: str, data: bytes) -> bytes:
    """[Content_Types].xml and the workbook's relationships, naming the shared-string table."""
    text = data.decode("utf-8")
    if name == "[Content_Types].xml":
        text = text.replace("</Types>", f'<Override PartName="/{SHARED}" ContentType="{_SST_TYPE}"/></Types>')
    else:
        text = text.replace("</Relationships>",
                            f'<Relationship Id="rIdHaiLongSST" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
                            "</Relationships>")
    return text.encode("utf-8")


class _Compressing:
    """Writes to a zip entry from a second thread: zlib and crc32 let go of the GIL, so
    compressing one chunk runs on the other core while the next chunk's rows are made
    (a year's sheet: about a second less). At most ``depth`` chunks wait; an error in
    the writer is raised in the caller at its next write or at ``close``."""

    def __init__(self, write, depth: int = 3):
        self.queue: queue.Queue = queue.Queue(depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(write,), name="xlsx-compress", daemon=True)
        self.thread.start()

    def _run(self, write) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    write(data)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                    self.error = exc

    def write(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def splice(frame_path, out, sheet_number: int, rows, writer: RowWriter, first_row: int = 2) -> None:
    """Copy the workbook at ``frame_path`` to ``out`` (a path or a binary file) with the
    rows of ``rows`` (an iterable of lists, or of (list, xf) pairs for a styled row)
    added to sheet ``sheet_number`` (1-based) from ``first_row`` on."""
    name = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(frame_path) as frame, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as book:
        if SHARED in frame.namelist():  # the frame has its own table: keep every string inline
            writer.shared = False
        for info in frame.infolist():
            if info.filename != name:
                data = frame.read(info.filename)
                if writer.shared and info.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                    data = _with_table(info.filename, data)
                book.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=LEVEL)
                continue
            xml = _DIMENSION.sub("", frame.read(name).decode("utf-8"))
            head, tail = xml.split("</sheetData>", 1)
            with book.open(name, "w", force_zip64=True) as entry:
                sheet = _Compressing(entry.write)
                try:
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
                finally:
                    sheet.close()
        if writer.shared:
            book.writestr(SHARED, writer.table(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=LEVEL)
