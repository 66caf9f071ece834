"""The Excel report opened with openpyxl: the summary an official pastes, breakdowns, raw."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from analysis import summarize
from analysis.reports.xlsx import xlsx_report
from analysis.rows import question_texts
from tests.analysis_helpers import add


def _workbook(db, **kw):
    s = summarize(db, "2026-11-01", "2026-11-30", today="2026-11-30", **kw)
    return s, load_workbook(io.BytesIO(xlsx_report(s, db=db, meta={"unit": "Trung tâm Mẫu"})))


def test_leader_downloads_quarter_report_in_excel(fresh_db):
    for overall in (5, 5, 4, 2):
        add(fresh_db, "2026-11-05 09:00", overall, {"resubmitted": "no"}, officer="Cán bộ A",
            comment="=SUM(A1)" if overall == 2 else None)
    add(fresh_db, "2026-11-05 09:00", 1, flags="burst")
    s, wb = _workbook(fresh_db)
    assert wb.sheetnames[0] == "Tổng hợp"
    assert {"Theo tháng", "Theo quý", "Theo năm", "Theo lĩnh vực", "Theo thủ tục", "Theo cán bộ",
            "Theo quầy", "Theo kênh", "Giờ – Thứ", "Lý do chưa hài lòng",
            "Phiếu chi tiết"} <= set(wb.sheetnames)
    ws = wb["Tổng hợp"]
    assert ws["A1"].value.startswith("KẾT QUẢ KHẢO SÁT")
    assert ws["A2"].value == "Kỳ báo cáo: từ 01/11/2026 đến 30/11/2026"
    assert ws["A3"].value == "Trung tâm Mẫu"
    assert ws.freeze_panes == "A6"
    assert ws["B5"].value == "Chỉ tiêu" and ws["J5"].value == "Kết luận"
    assert ws["B6"].value.startswith("Mức độ hài lòng của người dân, doanh nghiệp")
    # The headline leaves the flagged rating out; the raw figures (5 ratings, 60 %) stand beside it.
    assert (ws["C6"].value, ws["D6"].value) == (4, 3)
    assert ws["E6"].value == 0.75 and ws["E6"].number_format == "0.0%"
    assert round(ws["F6"].value, 4) == 0.3006 and round(ws["G6"].value, 4) == 0.9544
    assert ws["H6"].value == 0.9
    assert ws["J6"].value == "Chưa đủ dữ liệu để kết luận"
    assert ws["L5"].value == "Tỷ lệ (tính cả phiếu nghi vấn)"
    assert ws["L6"].value == 0.6 and ws["M6"].value == 5        # counting the flagged one
    assert ws["J7"].value == "Không có dữ liệu"                  # public service: nobody answered
    texts = [c.value for row in ws.iter_rows(min_row=13, max_col=2) for c in row if c.value]
    assert any(str(t).startswith("Cách tính:") for t in texts)
    assert any("phiếu bị đánh dấu nghi vấn: 1" in str(t) for t in texts)
    # 60 characters wide; the file stores it with the cell padding, as Excel itself does (60.71)
    assert 60 <= ws.column_dimensions["B"].width < 61


def test_breakdown_and_raw_sheets_have_frozen_headers_and_readable_answers(fresh_db):
    add(fresh_db, "2026-11-05 09:00", 2, {"reasons": ["papers", "waiting"]}, officer="Cán bộ A",
        comment="=SUM(A1)")
    add(fresh_db, "2026-11-06 09:00", 5, officer="=cmd|' /C calc'!A0")
    _, wb = _workbook(fresh_db)
    officers = wb["Theo cán bộ"]
    assert officers.freeze_panes == "A2"
    assert [c.value for c in officers[2]][:4] == ["=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", 1, 1]
    assert officers["A2"].data_type == "s"
    assert [c.value for c in officers[3]][:4] == ["Cán bộ A", "Cán bộ A", 1, 0]
    raw = wb["Phiếu chi tiết"]
    head = [c.value for c in raw[1]]
    values = dict(zip(head, [c.value for c in raw[2]], strict=True))
    texts = question_texts()
    assert values[texts["overall"]] == "Không hài lòng"
    assert values[texts["reasons"]] == "Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu"
    assert values["Góp ý"] == "=SUM(A1)"
    comment_cell = raw.cell(row=2, column=head.index("Góp ý") + 1)
    assert comment_cell.data_type == "s"    # kept as text, never evaluated as a formula
    reasons = wb["Lý do chưa hài lòng"]
    assert [c.value for c in reasons[2]] == ["Giấy tờ, hồ sơ phức tạp", "Thủ tục", 1]


def test_excel_report_of_an_empty_period_says_no_data(fresh_db):
    _, wb = _workbook(fresh_db)
    ws = wb["Tổng hợp"]
    assert ws["C6"].value == 0 and ws["E6"].value is None
    assert ws["J6"].value == "Không có dữ liệu"
    assert wb["Phiếu chi tiết"].max_row == 1


def test_raw_sheet_stops_at_excels_row_limit_with_a_note(fresh_db, monkeypatch):
    import analysis.reports.xlsx as report
    monkeypatch.setattr(report, "RAW_LIMIT", 2)
    for _ in range(3):
        add(fresh_db, "2026-11-05 09:00", 5)
    _, wb = _workbook(fresh_db)
    raw = wb["Phiếu chi tiết"]
    assert raw.max_row == 4
    assert "tệp CSV" in raw["A4"].value
