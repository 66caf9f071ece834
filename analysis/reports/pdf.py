"""The printable report, laid out as a Vietnamese administrative document (Decree
30/2020/NĐ-CP): A4 portrait, margins 20/20/30/15 mm, Times-metric serif (Liberation Serif,
vendored in ``fonts/`` with its licence, so every diacritic renders on any machine).

The commune, unit, province and place are parameters (``meta``); the defaults are an
obviously fictional "Xã Mẫu". The signature and "Nơi nhận" are left for the official.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from .. import fmt

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"
DEFAULT_META = {"commune": "Xã Mẫu", "unit": "Trung tâm Phục vụ hành chính công",
                "province": "Tỉnh Mẫu", "place": "Mẫu", "number": "…"}
LEFT, RIGHT, TOP, BOTTOM = 30, 15, 20, 20


class _Document(FPDF):
    def header(self):
        """Page numbers centred at the top, from the second page on (Decree 30)."""
        if self.page_no() > 1:
            self.set_y(10)
            self.set_font(FAMILY, "", 13)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(TOP)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))


def add_fonts(pdf: FPDF) -> FPDF:
    """The vendored Liberation Serif in its four styles, so every diacritic prints anywhere."""
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font(FAMILY, style, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
    return pdf


def _new_pdf() -> _Document:
    pdf = add_fonts(_Document(orientation="P", unit="mm", format="A4"))
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_title("Báo cáo kết quả khảo sát sự hài lòng")
    pdf.set_creator("Hài lòng (analysis)")
    pdf.add_page()
    return pdf


def _heading(pdf: _Document, meta: dict, issued: date) -> None:
    """The two header blocks: issuing body on the left, national motto on the right."""
    left_w, right_w = 70, pdf.w - LEFT - RIGHT - 70
    y = pdf.get_y()
    pdf.set_font(FAMILY, "", 12)
    pdf.multi_cell(left_w, 5.5, _nfc(f"ỦY BAN NHÂN DÂN {meta['commune']}").upper(), align="C")
    pdf.set_x(LEFT)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(left_w, 5.5, _nfc(meta["unit"]).upper(), align="C")
    rule_y = pdf.get_y() + 0.5
    pdf.line(LEFT + left_w / 2 - 12, rule_y, LEFT + left_w / 2 + 12, rule_y)
    pdf.set_xy(LEFT, rule_y + 2)
    pdf.set_font(FAMILY, "", 13)
    pdf.cell(left_w, 6, _nfc(f"Số: {meta['number']}/BC-UBND"), align="C")
    left_end = pdf.get_y() + 6

    pdf.set_xy(LEFT + left_w, y)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(right_w, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C",
             new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "BU", 13)
    pdf.cell(right_w, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()) - 6)
    pdf.set_x(LEFT + left_w)
    pdf.set_font(FAMILY, "I", 13)
    when = f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"
    pdf.cell(right_w, 6, _nfc(f"{meta['place']}, {when}"), align="C")
    pdf.set_xy(LEFT, max(left_end, pdf.get_y() + 6) + 6)


def _title(pdf: _Document, summary: dict) -> None:
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 7, "BÁO CÁO", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6.5, "Kết quả khảo sát sự hài lòng của người dân, doanh nghiệp "
                            f"{fmt.period(summary)}", align="C", new_x="LMARGIN", new_y="NEXT")
    mid = LEFT + (pdf.w - LEFT - RIGHT) / 2
    pdf.line(mid - 20, pdf.get_y() + 1, mid + 20, pdf.get_y() + 1)
    pdf.ln(6)


def _paragraph(pdf: _Document, text: str, style: str = "", size: int = 13) -> None:
    pdf.set_font(FAMILY, style, size)
    pdf.set_x(LEFT)
    pdf.multi_cell(0, 6.2, _nfc(text), align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _table(pdf: _Document, summary: dict) -> None:
    pdf.set_font(FAMILY, "", 10.5)
    head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(col_widths=(8, 55, 16, 14, 26, 22, 24), line_height=5, text_align="CENTER",
                   headings_style=head, first_row_as_headings=True) as table:
        table.row(["TT", "Chỉ tiêu", "Số phiếu (n)", "Tỷ lệ", "Khoảng tin cậy 95%", "Mục tiêu",
                   "Kết luận"])
        for i, r in enumerate(summary["indicators"], 1):
            row = table.row()
            row.cell(str(i))
            row.cell(_nfc(r["name_vi"]), align="LEFT")
            row.cell(fmt.number(r["n"]))
            row.cell(fmt.percent(r["rate"]))
            row.cell(fmt.interval(r["ci_low"], r["ci_high"]))
            row.cell(fmt.targets(r).replace(" (", "\n("))
            row.cell(fmt.verdict(r["verdict"]))
    pdf.ln(3)


def narrative(summary: dict) -> list[str]:
    """Short sentences on what met, missed or cannot yet be judged against its target."""
    groups = {"met": [], "not_met": [], "uncertain": [], "no_data": []}
    for r in summary["indicators"]:
        groups[r["verdict"]].append(r)

    def names(rows, with_rate=True):
        return "; ".join(f"{r['name_vi'].lower()}" + (f" ({fmt.percent(r['rate'])}, mục tiêu "
                                                        f"{fmt.targets(r)})" if with_rate else "")
                         for r in rows)

    out = []
    if groups["met"]:
        out.append(f"Đạt chỉ tiêu: {names(groups['met'])}.")
    if groups["not_met"]:
        out.append(f"Chưa đạt chỉ tiêu (cả khoảng tin cậy 95% thấp hơn mục tiêu): "
                   f"{names(groups['not_met'])}.")
    if groups["uncertain"]:
        more = [r for r in groups["uncertain"] if r["more_needed"]]
        text = (f"Chưa đủ dữ liệu để kết luận (khoảng tin cậy bao trùm mục tiêu): "
                f"{names(groups['uncertain'])}.")
        if more:
            text += " Với tỷ lệ hiện tại, cần khoảng " + "; ".join(
                f"{fmt.number(r['more_needed'])} phiếu nữa cho chỉ tiêu “{r['name_vi'].lower()}”"
                for r in more) + " để kết luận."
        out.append(text)
    if groups["no_data"]:
        out.append(f"Không có dữ liệu trong kỳ: {names(groups['no_data'], False)}.")
    previous = {r["id"]: r for r in summary["previous"]["indicators"]}
    head = summary["indicators"][0] if summary["indicators"] else None
    if head and head["rate"] is not None and previous.get(head["id"], {}).get("rate") is not None:
        before, now = fmt.percent(previous[head["id"]]["rate"]), fmt.percent(head["rate"])
        if now == before:
            change = f"không đổi ({now})"
        else:
            change = f"{'tăng' if head['rate'] > previous[head['id']]['rate'] else 'giảm'} từ {before} " \
                     f"{'lên' if head['rate'] > previous[head['id']]['rate'] else 'xuống'} {now}"
        prev = summary["previous"]["period"]
        out.append(f"So với kỳ trước (từ {fmt.day(prev['from'])} đến {fmt.day(prev['to'])}), "
                   f"tỷ lệ hài lòng chung {change}.")
    return out


def _signature(pdf: _Document) -> None:
    if pdf.get_y() > pdf.h - BOTTOM - 55:
        pdf.add_page()
    pdf.ln(4)
    y = pdf.get_y()
    width = (pdf.w - LEFT - RIGHT) / 2
    pdf.set_font(FAMILY, "BI", 12)
    pdf.cell(width, 6, "Nơi nhận:", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    for line in ("- …………;", "- …………;", "- Lưu: VT."):
        pdf.cell(width, 5, line, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(LEFT + width, y)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(width, 6, "TM. ỦY BAN NHÂN DÂN", align="C", new_x="LEFT", new_y="NEXT")
    pdf.cell(width, 6, "CHỦ TỊCH", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "I", 12)
    pdf.cell(width, 6, "(Ký, ghi rõ họ tên và đóng dấu)", align="C")


def pdf_report(summary: dict, meta: dict | None = None, issued: date | None = None) -> bytes:
    """The report as PDF bytes. ``meta``: commune, unit, province, place (and the document
    number); ``issued``: the date written under the motto (default today)."""
    meta = {**DEFAULT_META, **{k: v for k, v in (meta or {}).items() if v}}
    pdf = _new_pdf()
    _heading(pdf, meta, issued or date.today())
    _title(pdf, summary)
    r = summary["responses"]
    if r["demo"]:
        _paragraph(pdf, f"CẢNH BÁO: {fmt.number(r['demo'])} trên {fmt.number(r['all'])} phiếu trong kỳ là "
                        f"DỮ LIỆU MẪU (tạo để tập huấn, thử nghiệm), không phải ý kiến thật của người dân. "
                        f"Không dùng báo cáo này để báo cáo cấp trên.", "B")
    _paragraph(pdf, f"Thực hiện việc theo dõi mức độ hài lòng của người dân, doanh nghiệp đối với "
                    f"việc giải quyết thủ tục hành chính tại {meta['unit']} ({meta['commune']}, "
                    f"{meta['province']}), {meta['commune']} báo cáo kết quả khảo sát nội bộ "
                    f"{fmt.period(summary)} như sau. Trong kỳ có {fmt.number(r['all'])} phiếu đánh "
                    f"giá mức độ hài lòng được ghi nhận.")
    _paragraph(pdf, "1. Kết quả theo các chỉ tiêu", "B")
    _table(pdf, summary)
    _paragraph(pdf, "2. Nhận xét", "B")
    for sentence in narrative(summary):
        _paragraph(pdf, sentence)
    _paragraph(pdf, "3. Cách tính và phạm vi số liệu", "B")
    _paragraph(pdf, summary["formula"]["vi"], size=12)
    _paragraph(pdf, fmt.filtered_line(summary), size=12)
    if summary["responses"]["flagged"]:
        heading, side = fmt.beside(summary)
        _paragraph(pdf, f"Số liệu {heading}: " + "; ".join(
            f"{r['name_vi'].lower()} {fmt.percent(r['rate'])} (n = {fmt.number(r['n'])})" for r in side) + ".",
            size=12)
    _paragraph(pdf, fmt.chain_line(summary), size=10)
    if summary["response_rate"]:
        rr = summary["response_rate"]
        _paragraph(pdf, f"Tỷ lệ hồ sơ được đánh giá: {fmt.percent(rr['rate'])} "
                        f"({fmt.number(rr['rated'])}/{fmt.number(rr['returned'])} hồ sơ đã trả kết quả).",
                   size=12)
    if summary["portal_figure"]:
        pf = summary["portal_figure"]
        _paragraph(pdf, f"Để đối chiếu, chỉ số tính theo cách của Cổng Dịch vụ công quốc gia (100% trừ "
                        f"tỷ lệ hồ sơ trễ hạn và tỷ lệ hồ sơ có phản ánh hoặc không hài lòng): "
                        f"{fmt.percent(pf['rate'])}; đây không phải chỉ số chính thức.", size=12)
    _paragraph(pdf, f"Phiên bản tệp chỉ tiêu: {summary['targets_version']}.", size=12)
    _signature(pdf)
    return bytes(pdf.output())
