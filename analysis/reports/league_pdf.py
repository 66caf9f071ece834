"""The league table as a printed report, in the Decree 30 layout of the commune report (the
issuing body is the province's, from ``meta``); the rows and the method in words are those
of the Excel sheet (``league``)."""
from __future__ import annotations

from datetime import date

from fpdf.fonts import FontFace

from .. import fmt
from ..league import rank_label
from . import pdf as report_pdf
from .league import DEFAULT_META, WHY_UNRANKED, demo_warning, method_lines


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
