"""The A4 poster for the notice board: the public board's figures on one printed page.

Input is the public board's data (indicator figures and monthly counts only, never a
comment, a complaint, a phone number or, unless the commune turned it on, an officer's
name), so the poster cannot show more than the board. Liberation Serif (vendored) renders
every Vietnamese diacritic.
"""
from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from .. import fmt
from .pdf import FAMILY, _nfc, add_fonts

VERDICT = {"met": "Đạt", "not_met": "Chưa đạt", "uncertain": "Chưa đủ ý kiến", "no_data": "Chưa có ý kiến"}
MARGIN = 11
READING = ("Tỷ lệ hài lòng = số ý kiến “Rất hài lòng” hoặc “Hài lòng” ÷ số ý kiến có đánh giá; phiếu nghi vấn "
           "không được tính. “Đạt” khi cả khoảng tin cậy 95% không thấp hơn chỉ tiêu; “Chưa đạt” khi cả khoảng "
           "thấp hơn chỉ tiêu; “Chưa đủ ý kiến” khi chưa thể kết luận. Đây là khảo sát nội bộ của đơn vị, "
           "không phải chỉ số SIPAS hay chỉ số theo Quyết định 766/QĐ-TTg.")


def _pdf() -> FPDF:
    pdf = add_fonts(FPDF(orientation="P", unit="mm", format="A4"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title("Kết quả khảo sát sự hài lòng của người dân")
    pdf.set_creator("Hài lòng (analysis)")
    pdf.add_page()
    return pdf


def _table(pdf: FPDF, board: dict) -> None:
    """One table, each indicator on one row: this month beside this quarter."""
    month, quarter = board["periods"][0], board["periods"][1]
    pdf.set_font(FAMILY, "", 10.5)
    head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(col_widths=(52, 13, 11, 24, 20, 13, 11, 24, 20), line_height=5, text_align="CENTER",
                   headings_style=head, num_heading_rows=2) as table:
        top = table.row()
        top.cell("Chỉ tiêu (mục tiêu)", rowspan=2)
        for p in (month, quarter):
            top.cell(_nfc(f"{p['label']} (từ {fmt.day(p['from'])} đến {fmt.day(p['to'])})"), colspan=4)
        table.row(["Tỷ lệ", "Số ý kiến", "Khoảng tin cậy 95%", "Kết luận"] * 2)
        for m, q in zip(month["rows"], quarter["rows"], strict=True):
            row = table.row()
            row.cell(_nfc(f"{m['name_vi']} (≥ {fmt.percent(m['target'])})"), align="LEFT")
            for r in (m, q):
                row.cell(fmt.percent(r["rate"]))
                row.cell(fmt.number(r["n"]))
                row.cell(fmt.interval(r["ci_low"], r["ci_high"]).replace(" – ", "–"))
                row.cell(VERDICT.get(r["verdict"], r["verdict"]))
    flagged = [f"{p['label']}: {fmt.number(p['flagged'])}" for p in (month, quarter) if p.get("flagged")]
    if flagged:
        pdf.set_font(FAMILY, "I", 10)
        pdf.cell(0, 6, _nfc("Phiếu nghi vấn không được tính (" + "; ".join(flagged) + ")."),
                 new_x="LMARGIN", new_y="NEXT")
    for p in (month, quarter):
        if p.get("officers"):
            pdf.set_font(FAMILY, "B", 12)
            pdf.cell(0, 7, _nfc(f"Theo cán bộ, {p['label']}"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FAMILY, "", 10.5)
            with pdf.table(col_widths=(80, 25, 25, 40), line_height=5, headings_style=head) as table:
                table.row(["Cán bộ", "Tỷ lệ hài lòng", "Số ý kiến", "Khoảng tin cậy 95%"])
                for o in p["officers"]:
                    table.row([_nfc(o["label"]), fmt.percent(o["rate"]), fmt.number(o["n"]),
                               fmt.interval(o["ci_low"], o["ci_high"])])
    pdf.ln(4)


def _trend(pdf: FPDF, months: list[dict], target: float | None) -> None:
    """Bars of the monthly rate, labelled with the rate and n, the target as a line."""
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 8, "Hài lòng với việc giải quyết thủ tục qua các tháng", new_x="LMARGIN", new_y="NEXT")
    x0, y0, height = MARGIN + 8, pdf.get_y() + 6, 30
    width = pdf.w - 2 * MARGIN - 8
    step = width / max(1, len(months))
    pdf.set_draw_color(160, 160, 160)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.set_font(FAMILY, "", 9)
    for i, m in enumerate(months):
        cx = x0 + step * i
        if m["rate"] is not None:
            h = height * m["rate"]
            pdf.set_fill_color(157, 195, 230)
            pdf.rect(cx + step * 0.15, y0 + height - h, step * 0.7, h, style="F")
            pdf.set_xy(cx, y0 + height - h - 5)
            pdf.cell(step, 5, fmt.percent(m["rate"]), align="C")
        pdf.set_xy(cx, y0 + height + 1)
        pdf.cell(step, 4.5, m["label"], align="C")
        pdf.set_xy(cx, y0 + height + 5.5)
        pdf.cell(step, 4.5, f"n = {fmt.number(m['n'])}", align="C")
    if target is not None:
        ty = y0 + height * (1 - target)
        pdf.set_draw_color(166, 27, 27)
        pdf.set_line_width(0.5)
        pdf.line(x0, ty, x0 + width, ty)
        pdf.set_text_color(166, 27, 27)
        pdf.set_xy(MARGIN - 6, ty - 2.5)
        pdf.cell(14, 5, fmt.percent(target, 0), align="L")
        pdf.set_text_color(0, 0, 0)
        pdf.set_line_width(0.2)
    pdf.set_xy(MARGIN, y0 + height + 12)


def poster_pdf(board: dict) -> bytes:
    """The poster as PDF bytes from the public board's data (see kiosk/web/public.py)."""
    pdf = _pdf()
    pdf.set_font(FAMILY, "", 13)
    pdf.multi_cell(0, 6, _nfc(f"{board['unit']} · {board['commune']}, {board['province']}").upper(), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 22)
    pdf.multi_cell(0, 10, "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG\nCỦA NGƯỜI DÂN", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "I", 11)
    pdf.cell(0, 6, _nfc(f"Cập nhật lúc {board['updated']}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    month = board["periods"][0]
    if any(p.get("demo") for p in board["periods"]):
        pdf.set_font(FAMILY, "B", 13)
        pdf.set_text_color(166, 27, 27)
        pdf.multi_cell(0, 6.5, "CẢNH BÁO: trong kỳ có DỮ LIỆU MẪU (dùng để tập huấn), không phải ý kiến thật.",
                       align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "B", 16)
    line = month["sentences"][0] if month["sentences"] else f"{month['label']}: chưa có ý kiến nào."
    pdf.multi_cell(0, 8, _nfc(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _table(pdf, board)
    if pdf.get_y() > pdf.h - 90:
        pdf.add_page()
    _trend(pdf, board["trend"], board.get("trend_target"))
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5, _nfc(READING), align="J", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
