"""The raw responses sheet, streamed into the workbook as XML (issue 16): what a citizen
typed comes back exactly, numbers stay numbers, times are real date cells, and a long
period is written in chunks without losing or reordering a row."""
from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

import analysis.reports.raw_sheet as raw_sheet
from analysis import summarize
from analysis.reports.xlsx import xlsx_report
from analysis.rows import header
from tests.analysis_helpers import add

TYPED = ["  hai khoảng trắng  ", "A & B <b>đậm</b>", "1234", "Dòng 1\nDòng 2"]


def _raw(db, audience="people"):
    summary = summarize(db, "2026-11-01", "2026-11-30", today="2026-11-30")
    wb = load_workbook(io.BytesIO(xlsx_report(summary, db=db, audience=audience)))
    ws = wb["Phiếu chi tiết"]
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    return ws, table[0], [dict(zip(table[0], r, strict=True)) for r in table[1:]]


def test_what_citizens_typed_comes_back_exactly_from_the_workbook(fresh_db):
    for i, comment in enumerate(TYPED):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 4, comment=comment, officer=comment)
    ws, head, rows = _raw(fresh_db)
    assert head == header("people")
    assert [r["Góp ý"] for r in rows] == TYPED
    assert [r["Cán bộ"] for r in rows] == TYPED
    assert ws.freeze_panes == "B2"


def test_times_are_date_cells_and_counts_are_numbers(fresh_db):
    add(fresh_db, "2026-11-05 09:30", 5, duration_ms=4200)
    _, _, (row,) = _raw(fresh_db)
    assert row["Thời điểm (giờ Việt Nam)"] == datetime(2026, 11, 5, 9, 30)
    assert row["Ngày"] in (datetime(2026, 11, 5), date(2026, 11, 5))
    assert row["Thời gian trả lời (ms)"] == 4200 and row["Số thứ tự"] == 1


def test_a_long_period_is_written_in_chunks_in_chain_order(fresh_db, monkeypatch):
    monkeypatch.setattr(raw_sheet, "CHUNK_ROWS", 2)
    for i in range(7):
        add(fresh_db, f"2026-11-{i + 1:02d} 09:00", 1 + i % 5, comment=f"phiếu {i}")
    _, _, rows = _raw(fresh_db, audience="systems")
    assert [r["comment"] for r in rows] == [f"phiếu {i}" for i in range(7)]
    assert [r["seq"] for r in rows] == list(range(1, 8))


def test_excels_character_escapes_typed_by_a_citizen_stay_literal():
    # Excel reads "_x0041_" in a cell's text as "A"; written as Excel (and XlsxWriter) do,
    # "_x005F_" before it, Excel shows what was typed. (openpyxl does not decode either form.)
    writer = raw_sheet.RowWriter(1, 1, 2)
    assert "<t>_x005F_x0041_ là mã</t>" in writer.row(2, ["_x0041_ là mã"])
