"""The raw responses sheet, streamed into the workbook as XML (issue 16): what a citizen
typed comes back exactly, numbers stay numbers, times are real date cells, and a long
period is written in chunks without losing or reordering a row."""
from __future__ import annotations

import io
import threading
import zipfile
import zlib
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

import analysis.reports.raw_sheet as raw_sheet
import analysis.rows as rows_module
from analysis import summarize
from analysis.reports.xlsx import xlsx_report
from analysis.rows import header, iter_rows
from kiosk import store
from tests.analysis_helpers import add, local, record

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


def _parts(db):
    summary = summarize(db, "2026-11-01", "2026-11-30", today="2026-11-30")
    book = zipfile.ZipFile(io.BytesIO(xlsx_report(summary, db=db)))
    return book, {n: book.read(n).decode() for n in book.namelist()}


def test_repeated_words_are_shared_and_one_of_a_kind_values_written_in_their_cell(fresh_db):
    # What makes a year's sheet small enough to write in seconds: a label that comes on
    # every row is stored once in the shared-string table, each cell holding its number;
    # an id or a hash, one per row, stays in its cell (sharing it would only cost memory).
    for i in range(3):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 2, {"reasons": ["fees", "papers"]}, officer="Nguyễn Văn A")
    book, parts = _parts(fresh_db)
    shared = parts["xl/sharedStrings.xml"]
    assert shared.count("<t>Nguyễn Văn A</t>") == 1 and "Phí, lệ phí; Giấy tờ, hồ sơ phức tạp" in shared
    assert "sharedStrings.xml" in parts["[Content_Types].xml"]
    assert "sharedStrings" in parts["xl/_rels/workbook.xml.rels"]
    sheet = next(v for k, v in parts.items() if k.startswith("xl/worksheets/") and "Nguyễn" not in v and 't="s"' in v)
    ids = [r[0] for r in fresh_db.conn.execute("SELECT id FROM responses")]
    assert all(f"<t>{i}</t>" in sheet for i in ids) and not any(i in shared for i in ids)
    _, _, rows = _raw(fresh_db)
    assert [r["Cán bộ"] for r in rows] == ["Nguyễn Văn A"] * 3
    assert {r["Điều gì chưa tốt?"] for r in rows} == {"Phí, lệ phí; Giấy tờ, hồ sơ phức tạp"}  # as chosen, in order


def test_past_the_shared_table_cap_text_is_written_in_its_cell_and_still_reads_back(fresh_db, monkeypatch):
    monkeypatch.setattr(raw_sheet.RowWriter, "SHARED_CAP", 2)
    names = [f"Cán bộ {i}" for i in range(6)]
    for i, name in enumerate(names):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 4, officer=name)
    _, parts = _parts(fresh_db)
    assert parts["xl/sharedStrings.xml"].count("<si>") == 2
    _, _, rows = _raw(fresh_db)
    assert [r["Cán bộ"] for r in rows] == names


def test_a_stored_answer_with_separator_characters_cannot_split_into_another_question(fresh_db):
    # The answers of a row are gathered by SQLite joined with \x1e and \x1f; a value edited
    # by hand to hold them reads as its own text without them (as every cell is cleaned).
    add(fresh_db, "2026-11-05 09:00", 2, {"reasons": ["fees"]})
    fresh_db.conn.execute("UPDATE answers SET value = 'fe\x1eon_time\x1fyes' WHERE question_id = 'reasons'")
    fresh_db.conn.commit()
    (row,) = list(iter_rows(fresh_db, "2026-11-01", "2026-11-30", audience="systems"))
    by_name = dict(zip(header("systems"), row, strict=True))
    assert by_name["reasons"] == "feon_time\x1fyes" and by_name["on_time"] == ""


def test_an_export_stopped_half_way_leaves_no_reader_behind(fresh_db, monkeypatch):
    # The rows are read one chunk ahead by a second thread on its own connection; a
    # download the citizen's browser drops must not leave it (or its connection) open.
    monkeypatch.setattr(rows_module, "CHUNK", 2)
    for i in range(9):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 4)
    stream = iter_rows(fresh_db, "2026-11-01", "2026-11-30")
    assert len(next(stream)) == len(header())
    assert any(t.name == "rows-prefetch" for t in threading.enumerate())
    stream.close()
    assert not any(t.name == "rows-prefetch" for t in threading.enumerate())


def test_rows_written_in_the_callers_open_transaction_are_exported_too(fresh_db):
    add(fresh_db, "2026-11-05 09:00", 4)
    fresh_db.conn.execute("BEGIN")
    add(fresh_db, "2026-11-05 09:01", 5)
    assert len(list(iter_rows(fresh_db.conn, "2026-11-01", "2026-11-30"))) == 2
    fresh_db.conn.execute("ROLLBACK")


def test_a_failure_while_writing_the_rows_is_raised_not_hidden_in_the_compressing_thread(fresh_db, tmp_path):
    def broken_rows():
        yield ["một"]
        raise RuntimeError("đọc hỏng")
    frame = tmp_path / "frame.xlsx"
    summary = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    frame.write_bytes(xlsx_report(summary))
    with pytest.raises(RuntimeError, match="đọc hỏng"):
        raw_sheet.splice(frame, tmp_path / "out.xlsx", 1, broken_rows(), raw_sheet.RowWriter(1, 1, 2))
    assert not any(t.name == "xlsx-compress" for t in threading.enumerate())


def _statements_steps(conn, run) -> int:
    """SQLite's virtual-machine steps while ``run()`` reads: the work done, counted, not timed.
    Inside a transaction the rows are read on this connection (not by the prefetching thread's
    own), so its handler sees every step."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0
    conn.execute("BEGIN")
    conn.set_progress_handler(count, 1)
    try:
        run()
    finally:
        conn.set_progress_handler(None, 1)
        conn.execute("ROLLBACK")
    return steps[0]


def test_a_communes_export_on_the_provinces_server_reads_its_own_rows_not_everyones(fresh_db):
    """On a province's server a commune downloads its 100,000 rows out of 10M: finding where
    its period starts and ends along the chain must not pass over every other commune's rows
    (reading them took 10-15 s there instead of 2-3 s; bench/run.py, 10M)."""
    store.create_unit(fresh_db, "27001", "Xã Một")
    store.create_unit(fresh_db, "27002", "Xã Hai")
    mine = [add(fresh_db, "2026-11-03 08:00", 5, unit="27001")["id"],
            add(fresh_db, "2026-11-03 09:00", 2, {"reasons": ["waiting"]}, unit="27001")["id"]]

    def ours():
        return list(iter_rows(fresh_db.conn, "2026-11-01", "2026-11-30", unit="27001"))

    def the_neighbours_month(n):
        store.insert_many(fresh_db, [(record(local("2026-11-04 10:00"), 4, unit="27002"), {"overall": 4})
                                     for _ in range(n)])
    the_neighbours_month(200)
    before = _statements_steps(fresh_db.conn, ours)
    the_neighbours_month(2000)  # ten times as many of the other commune's rows, same period
    after = _statements_steps(fresh_db.conn, ours)
    mine.append(add(fresh_db, "2026-11-20 08:00", 4, unit="27001")["id"])  # its own after them
    assert [r[header().index("Mã phiếu")] for r in ours()] == mine      # every row, in chain order
    assert after < before * 1.1, (before, after)


def test_rows_read_a_chunk_at_a_time_come_back_whole_and_in_order_with_filters(fresh_db, monkeypatch):
    """The rows are read in chunks along the chain, each chunk one JSON text made by SQLite:
    with flagged rows left out, one commune's rows among another's, and text JSON escapes
    (quotes, backslashes, line breaks, emoji), every row comes back once, exactly, in order."""
    monkeypatch.setattr(rows_module, "CHUNK", 2)
    store.create_unit(fresh_db, "27001", "Xã Một")
    store.create_unit(fresh_db, "27002", "Xã Hai")
    typed = ['"trích dẫn"', "a\\b\\\\c", "dòng\r\nmới", "👍 tốt", "\\u0041", "", None]
    kept = []
    for i, comment in enumerate(typed * 2):
        flagged = "burst" if i % 3 == 0 else ""
        unit = "27001" if i % 4 else "27002"
        rec = add(fresh_db, f"2026-11-{i + 1:02d} 09:00", 1 + i % 5, comment=comment, flags=flagged, unit=unit)
        if unit == "27001" and not flagged:
            kept.append((rec["id"], comment or ""))
    got = list(iter_rows(fresh_db, "2026-11-01", "2026-11-30", True, "systems", "27001"))
    at = {name: i for i, name in enumerate(header("systems"))}
    assert [(r[at["id"]], r[at["comment"]]) for r in got] == kept
    assert [r[at["seq"]] for r in got] == sorted(r[at["seq"]] for r in got)
    assert all(type(r[at["duration_ms"]]) is int and type(r[at["overall"]]) is int for r in got)
    everyone = list(iter_rows(fresh_db, "2026-11-01", "2026-11-30", audience="systems"))
    assert len(everyone) == len(typed) * 2 and len({r[at["id"]] for r in everyone}) == len(everyone)


def test_a_period_without_rows_gives_an_empty_sheet_not_an_error(fresh_db):
    add(fresh_db, "2026-10-05 09:00", 4)
    assert list(iter_rows(fresh_db, "2026-11-01", "2026-11-30")) == []
    _, head, rows = _raw(fresh_db)
    assert head == header("people") and rows == []


def test_the_sheet_is_compressed_at_the_level_it_says(fresh_db):
    # zipfile ignores the archive's compresslevel for an entry opened from a ZipInfo: the
    # sheet went out at zlib's default level while the code said level 1.
    for i in range(50):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 1 + i % 5, comment=f"góp ý {i}")
    summary = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    with zipfile.ZipFile(io.BytesIO(xlsx_report(summary, db=fresh_db))) as book:
        (name,) = [n for n in book.namelist() if b"<c r=\"A51\"" in book.read(n)]
        xml, info = book.read(name), book.getinfo(name)
    packer = zlib.compressobj(raw_sheet.LEVEL, zlib.DEFLATED, -15)
    assert info.compress_size == len(packer.compress(xml) + packer.flush())


def test_an_export_under_way_reads_every_chunk_from_the_moment_it_started(fresh_db, monkeypatch):
    # One statement read the whole period from one snapshot; the chunks read one by one must
    # not show a row as it was changed half-way through (a flag set, demo rows removed).
    monkeypatch.setattr(rows_module, "CHUNK", 2)
    for i in range(20):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 4, comment=f"phiếu {i}")
    stream = iter_rows(fresh_db, "2026-11-01", "2026-11-30", audience="systems")
    at = header("systems").index("comment")
    first = next(stream)[at]
    fresh_db.conn.execute("UPDATE responses SET comment = 'đổi giữa chừng' WHERE seq = 20")
    fresh_db.conn.commit()
    assert [first] + [r[at] for r in stream] == [f"phiếu {i}" for i in range(20)]
    assert [r[at] for r in iter_rows(fresh_db, "2026-11-01", "2026-11-30", audience="systems")][-1] == "đổi giữa chừng"
