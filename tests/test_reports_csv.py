"""CSV downloads compared byte for byte: BOM, CRLF, Vietnamese labels, formula cells."""
from __future__ import annotations

import pytest

from analysis import summarize
from analysis.reports.cells import neutralise
from analysis.reports.csv import responses_csv, responses_csv_stream, summary_csv
from analysis.rows import header
from tests.analysis_helpers import add

HEADER = ("Mã phiếu,Ngày,Thời điểm (UTC),Kênh,Phiếu,Phiên bản phiếu,Hoàn thành,Đánh dấu nghi vấn,"
          "Dữ liệu mẫu,Máy tính bảng,Quầy,Mã biên nhận,Mã hồ sơ,Mã thủ tục,Lĩnh vực,Cán bộ,"
          "Thời gian trả lời (ms),Số thứ tự,Mã kiểm tra (chuỗi băm),"
          "overall,reasons,staff,access,service_result,posted,on_time,"
          "resubmitted,visits,agencies,on_the_spot,online_used,online_satisfaction,Góp ý")


@pytest.mark.parametrize("cell, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+84 912", "'+84 912"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Rất hài lòng", "Rất hài lòng"),
    ("a=b", "a=b"),
    (5, 5),
])
def test_formula_leading_cells_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def rec_hash(db) -> str:
    return db.execute("SELECT hash FROM responses WHERE seq = 1").fetchone()[0]


def test_leader_downloads_raw_responses_exactly(fresh_db):
    rec = add(fresh_db, "2026-11-05 09:30", 2,
              {"reasons": ["papers", "waiting"], "resubmitted": "yes", "visits": "more"},
              comment="=1+1 giấy tờ", officer="-Trần", counter="Quầy 1")
    got = responses_csv(fresh_db, "2026-11-01", "2026-11-30")
    expected = (
        "\ufeff" + HEADER + "\r\n"
        + f"{rec['id']},2026-11-05,2026-11-05T02:30:00.000Z,kiosk,counter,1,1,,0,,Quầy 1,,,,,"
          f"'-Trần,4000,1,{rec_hash(fresh_db)},Không hài lòng,Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu,,,,,,Có,"
          "Nhiều hơn 1 lần,,,,,'=1+1 giấy tờ\r\n"
    ).encode("utf-8")
    # The multi-choice cell holds a comma, so the csv module quotes it.
    expected = expected.replace("Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu".encode(),
                                "\"Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu\"".encode())
    assert got == expected
    assert got.startswith(b"\xef\xbb\xbf")
    assert got.count(b"\r\n") == 2 and b"\n" not in got.replace(b"\r\n", b"")


def test_raw_download_streams_and_respects_the_period_and_flags(fresh_db):
    add(fresh_db, "2026-11-05 09:30", 5)
    add(fresh_db, "2026-11-06 09:30", 4, flags="burst")
    add(fresh_db, "2026-12-01 00:00", 4)
    chunks = list(responses_csv_stream(fresh_db, "2026-11-01", "2026-11-30"))
    assert len(chunks) == 3  # header + two responses, one chunk each
    excluded = responses_csv(fresh_db, "2026-11-01", "2026-11-30", exclude_flagged=True)
    assert excluded.count(b"\r\n") == 2


def test_empty_period_gives_just_the_header(fresh_db):
    assert responses_csv(fresh_db, "2026-01-01", "2026-01-31") == ("\ufeff" + HEADER + "\r\n").encode()
    assert ",".join(header("vi")) == HEADER


def test_summary_csv_lists_indicators_with_both_figures(fresh_db):
    add(fresh_db, "2026-11-05 09:30", 5)
    add(fresh_db, "2026-11-05 09:31", 1, flags="burst")
    data = summary_csv(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30"))
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("section,id,label,n,satisfied,rate")
    assert lines[0].endswith(",n_including_flagged,rate_including_flagged")
    # the headline without the flagged rating (1 of 1), the raw figures beside it (2, 0.5)
    assert lines[1] == ("indicator,tthc_satisfaction,\"Mức độ hài lòng của người dân, doanh nghiệp về "
                        "giải quyết thủ tục hành chính\",1,1,1,0.206549,1,\"100,0%\",0.9,,"
                        "uncertain,Chưa đủ dữ liệu để kết luận,2,0.5")
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    # the breakdowns follow the headline
    assert any(line.startswith("month,2026-11,11/2026,1,1,1") for line in lines)
