"""The league table downloaded: Excel an official can re-sort, a printed report for the province."""
from __future__ import annotations

import io
import unicodedata
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from analysis.league import league
from analysis.reports.league import xlsx_league
from analysis.reports.league_pdf import pdf_league
from tests.test_league import unit

PERIOD = {"from": "2026-10-01", "to": "2026-12-31"}


def _table():
    return league([unit("00001", 273, 300, "Xã Ân Thi"), unit("00002", 267, 300, "Xã Yên Bình"),
                   unit("00003", 180, 300, "Xã Đông Hòa"), unit("00004", 7, 7, "Xã Mới")])


def test_province_officer_downloads_the_league_in_excel():
    ws = load_workbook(io.BytesIO(xlsx_league(_table(), PERIOD, {"province": "Tỉnh Thử"})))["Xếp hạng"]
    assert ws["A1"].value == "BẢNG SO SÁNH MỨC ĐỘ HÀI LÒNG GIỮA CÁC ĐƠN VỊ"
    assert ws["A2"].value == "Kỳ báo cáo: từ 01/10/2026 đến 31/12/2026"
    assert ws["A4"].value == "Tỉnh Thử" and ws["H5"].value == "Tỷ lệ hiệu chỉnh (RS)"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6, max_row=9)]
    assert [(r[0], r[1], r[3]) for r in rows] == [("1–2", "00001", 300), ("1–2", "00002", 300),
                                                 ("3", "00003", 300), (None, "00004", 7)]
    assert rows[0][4] == 0.91 and ws["E6"].number_format == "0.0%"
    assert rows[3][9] == "Chưa đủ phiếu để xếp hạng" and rows[3][4] == 1.0
    assert rows[0][9].startswith("Không phân biệt được")
    notes = " ".join(str(c.value) for r in ws.iter_rows(min_row=10) for c in r if c.value)
    assert "từ 30 phiếu trở lên" in notes and "RS = (WAI·W + I·R) / (W + R)" in notes


def test_a_name_that_looks_like_a_formula_stays_text():
    table = league([unit("=1+1", 30, 30, "=HYPERLINK(\"x\")")])
    ws = load_workbook(io.BytesIO(xlsx_league(table, PERIOD)))["Xếp hạng"]
    assert ws["B6"].value == "=1+1" and ws["B6"].data_type == "s" and ws["C6"].data_type == "s"


def test_province_prints_the_league_as_an_administrative_report():
    data = pdf_league(_table(), PERIOD, {"commune": "Tỉnh Thử", "place": "Thử"}, issued=date(2027, 1, 5))
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(unicodedata.normalize("NFC", " ".join(p.extract_text() for p in reader.pages)).split())
    for words in ("ỦY BAN NHÂN DÂN TỈNH THỬ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO",
                  "Thử, ngày 05 tháng 01 năm 2027", "từ 01/10/2026 đến 31/12/2026", "Xã Đông Hòa",
                  "1–2", "91,0%", "Chưa đủ phiếu để xếp hạng", "Số đơn vị: 4, trong đó 3 đơn vị đủ phiếu",
                  "không phân biệt được", "Nơi nhận:"):
        assert words in text, words


def test_a_league_of_demo_data_says_so_in_both_files():
    ws = load_workbook(io.BytesIO(xlsx_league(_table(), PERIOD, demo=12)))["Xếp hạng"]
    assert ws["A4"].value.startswith("CẢNH BÁO: 12 phiếu trong kỳ là DỮ LIỆU MẪU")
    reader = PdfReader(io.BytesIO(pdf_league(_table(), PERIOD, demo=12, issued=date(2027, 1, 5))))
    assert "DỮ LIỆU MẪU" in unicodedata.normalize("NFC", reader.pages[0].extract_text())
