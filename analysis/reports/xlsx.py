"""The Excel report: a summary sheet an official can paste into a report, one sheet per
breakdown, and the raw responses with readable answers.

Written with XlsxWriter in constant-memory mode (each row goes to a temporary file as it
is written); the raw responses sheet, the big one, is streamed into the zip by
``raw_sheet`` (a million rows without holding them, several times faster than any
library's cell objects; bench/run.py). Rates are real numbers formatted ``0.0%``
(Excel shows 85,3% in a Vietnamese locale) so officials can recompute; headers are
frozen, widths set. Every cell goes through ``_put``: text is cleaned (``cells.clean``)
and written as a string, never as a formula, a number or a link, so a comment "=1+1" or
"ok\u0001" is shown as written, never run and never a failed download.
"""
from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from survey_forms import vocabulary

from .. import fmt, rows
from . import raw_sheet
from .cells import clean

PERCENT = "0.0%"
RAW_LIMIT = 1_048_576 - 2  # Excel's row limit, less the header and a closing note
INTEGER = "#,##0"
BREAKDOWN_SHEETS = [("month", "Theo tháng"), ("quarter", "Theo quý"), ("year", "Theo năm"),
                    ("field", "Theo lĩnh vực"), ("procedure", "Theo thủ tục"),
                    ("officer", "Theo cán bộ"), ("counter", "Theo quầy"), ("channel", "Theo kênh")]
# Nothing a citizen typed may become a formula, a number or a hyperlink.
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
           "strings_to_urls": False}


class Styled:
    """A value with a style name of ``Book.styles`` (bold, percent, …)."""
    __slots__ = ("value", "style")

    def __init__(self, value, style: str):
        self.value, self.style = value, style


class Book:
    """An XlsxWriter workbook with the report's styles and a row cursor per sheet."""

    def __init__(self, out, tmpdir=None):
        self.wb = xlsxwriter.Workbook(out, dict(OPTIONS, tmpdir=tmpdir) if tmpdir else OPTIONS)
        add = self.wb.add_format
        self.styles = {
            "bold": add({"bold": True}), "title": add({"bold": True, "font_size": 14}),
            "head": add({"bold": True, "bg_color": "#DDE6F0", "text_wrap": True, "valign": "top"}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
            "percent": add({"num_format": PERCENT}), "integer": add({"num_format": INTEGER}),
            "datetime": add({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
        }

    def sheet(self, title: str, widths, freeze: tuple[int, int]):
        ws = self.wb.add_worksheet(title)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.freeze_panes(*freeze)
        ws.next_row = 0
        return ws

    def append(self, ws, values) -> None:
        """One row at the sheet's cursor; None and '' leave the cell empty."""
        r = ws.next_row
        for c, value in enumerate(values):
            self._put(ws, r, c, value)
        ws.next_row = r + 1

    def _put(self, ws, r: int, c: int, value) -> None:
        style = None
        if type(value) is Styled:
            value, style = value.value, self.styles[value.style]
        if value is None or value == "":
            if style is not None:
                ws.write_blank(r, c, None, style)
        elif isinstance(value, str):
            ws.write_string(r, c, clean(value), style)
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, value, style or self.styles["datetime"])
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, style or self.styles["date"])
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, style)
        else:
            ws.write_string(r, c, clean(str(value)), style)

    def header(self, ws, names) -> None:
        self.append(ws, [Styled(n, "head") for n in names])

    def close(self) -> None:
        self.wb.close()


def _summary_sheet(book: Book, summary: dict, meta: dict) -> None:
    ws = book.sheet("Tổng hợp", [6, 60, 11, 11, 10, 12, 12, 11, 11, 26, 14, 14, 14], (5, 0))
    side, side_rows = fmt.beside(summary)
    add = book.append
    add(ws, [Styled("KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, DOANH NGHIỆP", "title")])
    add(ws, [f"Kỳ báo cáo: {fmt.period(summary)}"])
    add(ws, [meta.get("unit", "")])
    add(ws, [])
    book.header(ws, ["STT", "Chỉ tiêu", "Số phiếu (n)", "Số hài lòng", "Tỷ lệ", "Cận dưới KTC 95%",
                     "Cận trên KTC 95%", "Mục tiêu", "Mục tiêu 2030", "Kết luận",
                     "Cần thêm phiếu (ước tính)", f"Tỷ lệ ({side})", f"n ({side})"])
    excluded = {r["id"]: r for r in side_rows}
    for i, r in enumerate(summary["indicators"], 1):
        e = excluded[r["id"]]
        pct = [Styled(r[k], "percent") for k in ("rate", "ci_low", "ci_high", "target", "target_2030")]
        add(ws, [i, Styled(r["name_vi"], "wrap"), Styled(r["n"], "integer"), Styled(r["satisfied"], "integer"),
                 *pct, Styled(fmt.verdict(r["verdict"]), "wrap"), Styled(r["more_needed"], "integer"),
                 Styled(e["rate"], "percent"), Styled(e["n"], "integer")])
    add(ws, [])
    add(ws, ["", Styled("Cách tính: " + summary["formula"]["vi"], "wrap")])
    add(ws, ["", Styled(fmt.filtered_line(summary), "wrap")])
    add(ws, ["", Styled(fmt.chain_line(summary), "wrap")])
    if summary["response_rate"]:
        rr = summary["response_rate"]
        add(ws, ["", "Tỷ lệ hồ sơ được đánh giá (số hồ sơ được đánh giá / số hồ sơ đã trả)",
                 rr["returned"], rr["rated"], Styled(rr["rate"], "percent")])
    if summary["portal_figure"]:
        pf = summary["portal_figure"]
        add(ws, ["", "Chỉ số tính theo cách của Cổng DVC quốc gia (để đối chiếu): 100% − tỷ lệ trễ hạn "
                     "− tỷ lệ có phản ánh hoặc không hài lòng", pf["dossiers"], "",
                 Styled(pf["rate"], "percent")])
    add(ws, ["", f"Phiên bản tệp chỉ tiêu: {summary['targets_version']}. Khảo sát nội bộ, "
                 "không phải chỉ số SIPAS hay chỉ số theo Quyết định 766/QĐ-TTg."])


def _breakdown_sheet(book: Book, title: str, items: list[dict]) -> None:
    ws = book.sheet(title, [22, 44, 11, 11, 10, 12, 12], (1, 0))
    book.header(ws, ["Mã", "Tên", "Số phiếu (n)", "Số hài lòng", "Tỷ lệ hài lòng", "Cận dưới KTC 95%",
                     "Cận trên KTC 95%"])
    for r in items:
        book.append(ws, [r["key"], r["label"], Styled(r["n"], "integer"), Styled(r["satisfied"], "integer"),
                         *(Styled(r[k], "percent") for k in ("rate", "ci_low", "ci_high"))])


def _heatmap_sheet(book: Book, cells: list[dict]) -> None:
    """Hours down, weekdays across: rate, with n beside it, as in the dashboard's heat map."""
    ws = book.sheet("Giờ – Thứ", [8] + [11] * 14, (1, 1))
    book.header(ws, ["Giờ"] + [f"{d} ({k})" for d in fmt.WEEKDAYS_VI for k in ("tỷ lệ", "n")])
    grid = {(c["weekday"], c["hour"]): c for c in cells}
    for hour in sorted({c["hour"] for c in cells if c["hour"] is not None}):
        row = [f"{hour:02d}:00"]
        for weekday in range(7):
            c = grid.get((weekday, hour))
            row += [Styled(c["rate"] if c else None, "percent"), c["n"] if c else None]
        book.append(ws, row)


def _reasons_sheet(book: Book, reasons: dict) -> None:
    ws = book.sheet("Lý do chưa hài lòng", [36, 14, 12], (1, 0))
    book.header(ws, ["Lý do", "Nhóm", "Số lượt chọn"])
    names = {k: v.vi for k, v in vocabulary.TOPICS.items()}
    for item in reasons["items"]:
        book.append(ws, [item["label_vi"], names.get(item["group"], item["group"]), item["count"]])
    book.append(ws, [])
    for group, count in reasons["groups"].items():
        book.append(ws, [Styled(f"Nhóm: {names[group]}", "bold"), "", count])


def _raw_frame(book: Book, audience: str):
    """The raw sheet's frame, written by XlsxWriter: widths, date styles, frozen header, the
    header row. Its rows are spliced in afterwards (``raw_sheet``)."""
    head = rows.header(audience)
    ws = book.sheet("Phiếu chi tiết", [38, 11, 24] + [14] * (len(head) - 3), (1, 1))
    ws.set_column(1, 1, 11, book.styles["date"])      # local date
    ws.set_column(2, 2, 24, book.styles["datetime"])  # local time
    book.header(ws, head)
    return len(book.wb.worksheets()), len(head)


def _raw_rows(conn_or_path, summary: dict, audience: str, note_xf: int):
    """The rows of the raw sheet (flags shown, not filtered), with a closing note at
    Excel's row limit."""
    period = summary["period"]
    for written, row in enumerate(rows.iter_rows(conn_or_path, period["from"], period["to"], False, audience,
                                                 summary.get("unit"))):
        if written == RAW_LIMIT:
            yield ["Bảng tính chỉ chứa được đến đây; tải tệp CSV để có đủ các phiếu."], note_xf
            return
        yield row


def write_xlsx_report(out, summary: dict, db=None, meta: dict | None = None, audience: str = "people") -> None:
    """Write the workbook to ``out`` (a path or a binary file). ``db`` (connection or path)
    adds the raw responses sheet, for ``audience`` "people" (Vietnamese words, local times)
    or "systems" (ids, codes, UTC); without it the workbook holds the summary and
    breakdowns only."""
    rows.header(audience)  # an unknown audience fails before anything is written
    with tempfile.TemporaryDirectory(prefix="hai-long-xlsx-") as tmp:
        frame = Path(tmp) / "frame.xlsx" if db is not None else out
        book = Book(frame, tmp)
        _summary_sheet(book, summary, meta or {})
        for key, title in BREAKDOWN_SHEETS:
            _breakdown_sheet(book, title, summary["breakdowns"][key])
        _heatmap_sheet(book, summary["hour_weekday"])
        _reasons_sheet(book, summary["reasons"])
        if db is None:
            book.close()
            return
        number, width = _raw_frame(book, audience)
        book.close()
        styles = book.styles
        writer = raw_sheet.RowWriter(width, styles["date"].xf_index, styles["datetime"].xf_index, shared=True,
                                     unique=rows.unique_columns(audience))
        raw_sheet.splice(frame, out, number, _raw_rows(db, summary, audience, styles["bold"].xf_index), writer)


def xlsx_report(summary: dict, db=None, meta: dict | None = None, audience: str = "people") -> bytes:
    """The workbook as bytes (``write_xlsx_report``'s arguments)."""
    out = io.BytesIO()
    write_xlsx_report(out, summary, db=db, meta=meta, audience=audience)
    return out.getvalue()


def xlsx_report_file(summary: dict, db=None, meta: dict | None = None, audience: str = "people"):
    """The workbook in an anonymous temporary file, rewound: a server sends a big raw
    workbook from disk instead of holding it in memory."""
    spool = tempfile.TemporaryFile()
    try:
        write_xlsx_report(spool, summary, db=db, meta=meta, audience=audience)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


