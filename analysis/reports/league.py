"""The league table's downloads (bảng so sánh các xã): an Excel sheet and a printed report.

Both write the rows of ``analysis.league.league`` in league order, with the rank as a range
where intervals overlap, the unranked communes (too few ratings) below the ranked ones, and
the method in words, so a table pasted into a provincial report cannot be read as a finer
ranking than the data supports. The PDF keeps the Decree 30 layout of the commune report
(the issuing body is the province's, from ``meta``).
"""
from __future__ import annotations

import io
from datetime import date

from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from .. import fmt
from ..league import rank_label
from . import pdf as report_pdf
from .cells import to_sheet
from .xlsx import INTEGER, PERCENT

# The league is a small table, written with openpyxl (the report workbook moved to XlsxWriter).
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")

WHY_UNRANKED = {"few": "Chưa đủ phiếu để xếp hạng", "no_data": "Không có phiếu trong kỳ"}
DEFAULT_META = {"commune": "Tỉnh Mẫu", "unit": "Văn phòng Ủy ban nhân dân tỉnh", "place": "Mẫu",
                "number": "…"}


def method_lines(table: dict) -> list[str]:
    """How the table was ranked, in the words every download prints under it."""
    pooled = table["pooled"]
    return [
        f"Chỉ xếp hạng các đơn vị có từ {fmt.number(table['min_n'])} phiếu trở lên trong kỳ; đơn vị ít phiếu "
        "hơn được liệt kê riêng ở cuối bảng, không đứng đầu hay cuối bảng do ngẫu nhiên.",
        "Thứ tự theo tỷ lệ hài lòng. Hạng ghi thành khoảng (ví dụ 2–5) khi khoảng tin cậy 95% của đơn vị chồng "
        "lên khoảng tin cậy của đơn vị khác: các đơn vị đó không phân biệt được với nhau; chỉ ghi một số khi "
        "số liệu tách được đơn vị đó khỏi mọi đơn vị còn lại.",
        f"Tỷ lệ hiệu chỉnh RS = (WAI·W + I·R) / (W + R): I là tỷ lệ của đơn vị trên R phiếu, WAI là tỷ lệ chung "
        f"của tất cả các đơn vị ({fmt.percent(pooled['rate'])}, n = {fmt.number(pooled['n'])}), W = "
        f"{fmt.number(table['weight'])} phiếu; đơn vị ít phiếu được kéo về tỷ lệ chung. Ghi để tham khảo, "
        "không dùng để xếp thứ tự.",
    ]


def _row_values(row: dict) -> list:
    """Hạng, Mã, Đơn vị, n, Tỷ lệ, cận dưới, cận trên, RS, Kết luận, Ghi chú."""
    note = WHY_UNRANKED.get(row["why_unranked"], "")
    if row["ranked"] and not row["distinguishable"]:
        note = "Không phân biệt được với đơn vị có hạng chồng lên"
    return [rank_label(row), row["code"], row["name"], row["n"], row["rate"], row["ci_low"], row["ci_high"],
            row["shrunk"], fmt.verdict(row["verdict"]), note]


HEAD = ["Hạng", "Mã đơn vị", "Đơn vị", "Số phiếu (n)", "Tỷ lệ hài lòng", "Cận dưới KTC 95%",
        "Cận trên KTC 95%", "Tỷ lệ hiệu chỉnh (RS)", "Kết luận", "Ghi chú"]
FORMATS = [None, None, None, INTEGER, PERCENT, PERCENT, PERCENT, PERCENT, None, None]


def demo_warning(demo: int) -> str:
    return (f"CẢNH BÁO: {fmt.number(demo)} phiếu trong kỳ là DỮ LIỆU MẪU (tạo để tập huấn, thử nghiệm), "
            "không phải ý kiến thật của người dân. Không dùng bảng này để báo cáo.")


def xlsx_league(table: dict, period: dict, meta: dict | None = None, demo: int = 0) -> bytes:
    """One sheet "Xếp hạng": title, period, the indicator, the table, the method. Rates are
    numbers formatted 0.0% so officials can recompute; every text cell typed as text.
    ``demo``: how many demo responses the period holds (a warning line when any)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Xếp hạng")
    for i, width in enumerate([9, 12, 34, 12, 12, 12, 12, 14, 26, 30]):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A6"

    def cell(value, **style):
        c = to_sheet(WriteOnlyCell(ws), value)
        for name, v in style.items():
            setattr(c, name, v)
        return c

    ws.append([cell("BẢNG SO SÁNH MỨC ĐỘ HÀI LÒNG GIỮA CÁC ĐƠN VỊ", font=TITLE)])
    ws.append([cell(f"Kỳ báo cáo: {fmt.period({'period': period})}")])
    ws.append([cell(f"Chỉ tiêu: {table.get('name_vi', table['indicator'])}")])
    ws.append([cell(demo_warning(demo) if demo else (meta or {}).get("province", ""), font=BOLD)])
    ws.append([cell(h, font=BOLD, fill=HEAD_FILL, alignment=WRAP) for h in HEAD])
    for row in table["rows"]:
        ws.append([cell(v, number_format=f) if f else cell(v) for v, f in zip(_row_values(row), FORMATS,
                                                                               strict=True)])
    ws.append([])
    for line in method_lines(table):
        ws.append([cell(""), cell(line, alignment=WRAP)])
    ws.append([cell(""), cell("Khảo sát nội bộ, không phải chỉ số SIPAS hay chỉ số theo Quyết định 766/QĐ-TTg.")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pdf_table(pdf, table: dict) -> None:
    pdf.set_font(report_pdf.FAMILY, "", 9.5)
    head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(col_widths=(13, 15, 42, 13, 15, 27, 16, 24), line_height=4.8, text_align="CENTER",
                   headings_style=head, first_row_as_headings=True) as out:
        out.row(["Hạng", "Mã", "Đơn vị", "Số phiếu (n)", "Tỷ lệ", "Khoảng tin cậy 95%", "Tỷ lệ hiệu chỉnh",
                 "Kết luận"])
        for r in table["rows"]:
            line = out.row()
            line.cell(rank_label(r) or "–")
            line.cell(report_pdf._nfc(r["code"]))
            line.cell(report_pdf._nfc(r["name"]), align="LEFT")
            line.cell(fmt.number(r["n"]))
            line.cell(fmt.percent(r["rate"]))
            line.cell(fmt.interval(r["ci_low"], r["ci_high"]))
            line.cell(fmt.percent(r["shrunk"]))
            line.cell(WHY_UNRANKED.get(r["why_unranked"]) or fmt.verdict(r["verdict"]))
    pdf.ln(3)


def pdf_league(table: dict, period: dict, meta: dict | None = None, issued: date | None = None,
               demo: int = 0) -> bytes:
    """The league as a Decree 30 report; ``meta``: commune (here the province, e.g. "Tỉnh
    Mẫu", printed after "ỦY BAN NHÂN DÂN"), unit, place, number."""
    meta = {**DEFAULT_META, **{k: v for k, v in (meta or {}).items() if v}}
    pdf = report_pdf._new_pdf()
    pdf.set_title("Bảng so sánh mức độ hài lòng giữa các đơn vị")
    report_pdf._heading(pdf, meta, issued or date.today())
    pdf.set_font(report_pdf.FAMILY, "B", 14)
    pdf.cell(0, 7, "BÁO CÁO", align="C", new_x="LMARGIN", new_y="NEXT")
    when = fmt.period({"period": period})
    pdf.multi_cell(0, 6.5, f"So sánh mức độ hài lòng của người dân, doanh nghiệp giữa các đơn vị {when}",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if demo:
        report_pdf._paragraph(pdf, demo_warning(demo), "B")
    ranked, total = table["ranked"], len(table["rows"])
    report_pdf._paragraph(pdf, f"Chỉ tiêu: {table.get('name_vi', table['indicator'])}. Số đơn vị: "
                               f"{fmt.number(total)}, trong đó {fmt.number(ranked)} đơn vị đủ phiếu để xếp hạng.")
    _pdf_table(pdf, table)
    report_pdf._paragraph(pdf, "Cách xếp hạng", "B")
    for line in method_lines(table):
        report_pdf._paragraph(pdf, line, size=12)
    report_pdf._paragraph(pdf, "Tỷ lệ hài lòng và khoảng tin cậy tính như trong báo cáo của từng đơn vị "
                               "(phương pháp Wilson). Khảo sát nội bộ, không phải chỉ số SIPAS hay chỉ số theo "
                               "Quyết định 766/QĐ-TTg.", size=12)
    report_pdf._signature(pdf)
    return bytes(pdf.output())
