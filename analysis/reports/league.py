"""The league table's downloads (bảng so sánh các xã): an Excel sheet and a printed report.

Both write the rows of ``analysis.league.league`` in league order, with the rank as a range
where intervals overlap, the unranked communes (too few ratings) below the ranked ones, and
the method in words, so a table pasted into a provincial report cannot be read as a finer
ranking than the data supports. The PDF (``league_pdf``, apart so that the Excel sheet does
not load fpdf2) keeps the Decree 30 layout of the commune report; the sheet is written with
XlsxWriter like the report workbook (openpyxl brings Pillow: ~11 MB more in a server).
"""
from __future__ import annotations

import io

from .. import fmt
from ..league import rank_label
from .xlsx import Book, Styled

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
STYLES = [None, None, None, "integer", "percent", "percent", "percent", "percent", None, None]


def demo_warning(demo: int) -> str:
    return (f"CẢNH BÁO: {fmt.number(demo)} phiếu trong kỳ là DỮ LIỆU MẪU (tạo để tập huấn, thử nghiệm), "
            "không phải ý kiến thật của người dân. Không dùng bảng này để báo cáo.")


def xlsx_league(table: dict, period: dict, meta: dict | None = None, demo: int = 0) -> bytes:
    """One sheet "Xếp hạng": title, period, the indicator, the table, the method. Rates are
    numbers formatted 0.0% so officials can recompute; every text cell written as text.
    ``demo``: how many demo responses the period holds (a warning line when any)."""
    out = io.BytesIO()
    book = Book(out)
    ws = book.sheet("Xếp hạng", [9, 12, 34, 12, 12, 12, 12, 14, 26, 30], (5, 0))
    add = book.append
    add(ws, [Styled("BẢNG SO SÁNH MỨC ĐỘ HÀI LÒNG GIỮA CÁC ĐƠN VỊ", "title")])
    add(ws, [f"Kỳ báo cáo: {fmt.period({'period': period})}"])
    add(ws, [f"Chỉ tiêu: {table.get('name_vi', table['indicator'])}"])
    add(ws, [Styled(demo_warning(demo) if demo else (meta or {}).get("province", ""), "bold")])
    book.header(ws, HEAD)
    for row in table["rows"]:
        add(ws, [Styled(v, style) if style else v for v, style in zip(_row_values(row), STYLES, strict=True)])
    add(ws, [])
    for line in method_lines(table):
        add(ws, ["", Styled(line, "wrap")])
    add(ws, ["", "Khảo sát nội bộ, không phải chỉ số SIPAS hay chỉ số theo Quyết định 766/QĐ-TTg."])
    book.close()
    return out.getvalue()
