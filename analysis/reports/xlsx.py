"""The Excel report: a summary sheet an official can paste into a report, one sheet per
breakdown, and the raw responses with readable answers.

Written in openpyxl's write-only mode so the raw sheet streams a million rows without
holding them. Rates are real numbers formatted ``0.0%`` (Excel shows 85,3% in a
Vietnamese locale) so officials can recompute; headers are frozen, widths set. Every row
goes through ``_append``, so every text cell is cleaned and typed as a string by
``cells.to_sheet``: a comment "=1+1" or "ok\u0001" is shown as written, never run and never
a failed download.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from survey_forms import vocabulary

from .. import fmt, rows
from .cells import is_plain, to_sheet

PERCENT = "0.0%"
RAW_LIMIT = 1_048_576 - 2  # Excel's row limit, less the header and a closing note
INTEGER = "#,##0"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")
BREAKDOWN_SHEETS = [("month", "Theo tháng"), ("quarter", "Theo quý"), ("year", "Theo năm"),
                    ("field", "Theo lĩnh vực"), ("procedure", "Theo thủ tục"),
                    ("officer", "Theo cán bộ"), ("counter", "Theo quầy"), ("channel", "Theo kênh")]


def _cell(ws, value, *, font=None, number_format=None, fill=None, alignment=None):
    cell = to_sheet(WriteOnlyCell(ws), value)
    if font:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    return cell


def _append(ws, values) -> None:
    """One row; text that openpyxl would take for a formula or an error, or that holds a
    character XML cannot, becomes a string cell (``to_sheet``); styled cells made by
    ``_cell``, numbers and ordinary text pass as they are."""
    ws.append([to_sheet(WriteOnlyCell(ws), v) if isinstance(v, str) and not is_plain(v) else v
               for v in values])


def _header(ws, names):
    _append(ws, [_cell(ws, n, font=BOLD, fill=HEAD_FILL, alignment=WRAP) for n in names])


def _widths(ws, widths):
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _summary_sheet(wb, summary: dict, meta: dict) -> None:
    ws = wb.create_sheet("Tổng hợp")
    side, side_rows = fmt.beside(summary)
    _widths(ws, [6, 60, 11, 11, 10, 12, 12, 11, 11, 26, 14, 14, 14])
    ws.freeze_panes = "A6"
    _append(ws, [_cell(ws, "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, DOANH NGHIỆP", font=TITLE)])
    _append(ws, [f"Kỳ báo cáo: {fmt.period(summary)}"])
    _append(ws, [meta.get("unit", "")])
    _append(ws, [])
    _header(ws, ["STT", "Chỉ tiêu", "Số phiếu (n)", "Số hài lòng", "Tỷ lệ", "Cận dưới KTC 95%",
                 "Cận trên KTC 95%", "Mục tiêu", "Mục tiêu 2030", "Kết luận",
                 "Cần thêm phiếu (ước tính)", f"Tỷ lệ ({side})", f"n ({side})"])
    excluded = {r["id"]: r for r in side_rows}
    for i, r in enumerate(summary["indicators"], 1):
        e = excluded[r["id"]]
        _append(ws, [i, _cell(ws, r["name_vi"], alignment=WRAP), _cell(ws, r["n"], number_format=INTEGER),
                   _cell(ws, r["satisfied"], number_format=INTEGER),
                   _cell(ws, r["rate"], number_format=PERCENT),
                   _cell(ws, r["ci_low"], number_format=PERCENT),
                   _cell(ws, r["ci_high"], number_format=PERCENT),
                   _cell(ws, r["target"], number_format=PERCENT),
                   _cell(ws, r["target_2030"], number_format=PERCENT),
                   _cell(ws, fmt.verdict(r["verdict"]), alignment=WRAP),
                   _cell(ws, r["more_needed"], number_format=INTEGER),
                   _cell(ws, e["rate"], number_format=PERCENT), _cell(ws, e["n"], number_format=INTEGER)])
    _append(ws, [])
    _append(ws, ["", _cell(ws, "Cách tính: " + summary["formula"]["vi"], alignment=WRAP)])
    _append(ws, ["", _cell(ws, fmt.filtered_line(summary), alignment=WRAP)])
    _append(ws, ["", _cell(ws, fmt.chain_line(summary), alignment=WRAP)])
    if summary["response_rate"]:
        rr = summary["response_rate"]
        _append(ws, ["", "Tỷ lệ hồ sơ được đánh giá (số hồ sơ được đánh giá / số hồ sơ đã trả)",
                   rr["returned"], rr["rated"], _cell(ws, rr["rate"], number_format=PERCENT)])
    if summary["portal_figure"]:
        pf = summary["portal_figure"]
        _append(ws, ["", "Chỉ số tính theo cách của Cổng DVC quốc gia (để đối chiếu): 100% − tỷ lệ trễ hạn "
                       "− tỷ lệ có phản ánh hoặc không hài lòng", pf["dossiers"], "",
                   _cell(ws, pf["rate"], number_format=PERCENT)])
    _append(ws, ["", f"Phiên bản tệp chỉ tiêu: {summary['targets_version']}. Khảo sát nội bộ, "
                   "không phải chỉ số SIPAS hay chỉ số theo Quyết định 766/QĐ-TTg."])


def _breakdown_sheet(wb, title: str, items: list[dict]) -> None:
    ws = wb.create_sheet(title)
    _widths(ws, [22, 44, 11, 11, 10, 12, 12])
    ws.freeze_panes = "A2"
    _header(ws, ["Mã", "Tên", "Số phiếu (n)", "Số hài lòng", "Tỷ lệ hài lòng", "Cận dưới KTC 95%",
                 "Cận trên KTC 95%"])
    for r in items:
        _append(ws, [r["key"], r["label"], _cell(ws, r["n"], number_format=INTEGER),
                   _cell(ws, r["satisfied"], number_format=INTEGER),
                   _cell(ws, r["rate"], number_format=PERCENT),
                   _cell(ws, r["ci_low"], number_format=PERCENT),
                   _cell(ws, r["ci_high"], number_format=PERCENT)])


def _heatmap_sheet(wb, cells: list[dict]) -> None:
    """Hours down, weekdays across: rate, with n beside it, as in the dashboard's heat map."""
    ws = wb.create_sheet("Giờ – Thứ")
    _widths(ws, [8] + [11] * 14)
    ws.freeze_panes = "B2"
    _header(ws, ["Giờ"] + [f"{d} ({k})" for d in fmt.WEEKDAYS_VI for k in ("tỷ lệ", "n")])
    grid = {(c["weekday"], c["hour"]): c for c in cells}
    for hour in sorted({c["hour"] for c in cells if c["hour"] is not None}):
        row = [f"{hour:02d}:00"]
        for weekday in range(7):
            c = grid.get((weekday, hour))
            row += [_cell(ws, c["rate"] if c else None, number_format=PERCENT), c["n"] if c else None]
        _append(ws, row)


def _reasons_sheet(wb, reasons: dict) -> None:
    ws = wb.create_sheet("Lý do chưa hài lòng")
    _widths(ws, [36, 14, 12])
    ws.freeze_panes = "A2"
    _header(ws, ["Lý do", "Nhóm", "Số lượt chọn"])
    names = {k: v.vi for k, v in vocabulary.TOPICS.items()}
    for item in reasons["items"]:
        _append(ws, [item["label_vi"], names.get(item["group"], item["group"]), item["count"]])
    _append(ws, [])
    for group, count in reasons["groups"].items():
        _append(ws, [_cell(ws, f"Nhóm: {names[group]}", font=BOLD), "", count])


def _raw_sheet(wb, conn_or_path, summary: dict, audience: str = "people") -> None:
    ws = wb.create_sheet("Phiếu chi tiết")
    head = rows.header(audience)
    _widths(ws, [38, 11, 24] + [14] * (len(head) - 3))
    ws.freeze_panes = "B2"
    _header(ws, head)
    period = summary["period"]
    written = 0
    for row in rows.iter_rows(conn_or_path, period["from"], period["to"], False, audience,  # flags shown
                              summary.get("unit")):
        if written == RAW_LIMIT:
            _append(ws, [_cell(ws, "Bảng tính chỉ chứa được đến đây; tải tệp CSV để có đủ các phiếu.",
                             font=BOLD)])
            break
        _append(ws, row)
        written += 1


def xlsx_report(summary: dict, db=None, meta: dict | None = None, audience: str = "people") -> bytes:
    """The workbook as bytes. ``db`` (connection or path) adds the raw responses sheet, for
    ``audience`` "people" (Vietnamese words, local times) or "systems" (ids, codes, UTC);
    without it the workbook holds the summary and breakdowns only."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, summary, meta or {})
    for key, title in BREAKDOWN_SHEETS:
        _breakdown_sheet(wb, title, summary["breakdowns"][key])
    _heatmap_sheet(wb, summary["hour_weekday"])
    _reasons_sheet(wb, summary["reasons"])
    if db is not None:
        _raw_sheet(wb, db, summary, audience)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
