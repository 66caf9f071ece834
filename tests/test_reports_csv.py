"""CSV downloads compared byte for byte: BOM, CRLF, Vietnamese labels, formula cells."""
from __future__ import annotations

import pytest

import analysis.reports.csv as csv_module
from analysis import summarize
from analysis.reports.cells import neutralise
from analysis.reports.csv import responses_csv, responses_csv_stream, summary_csv
from analysis.rows import header, question_texts
from tests.analysis_helpers import add

SYSTEMS_HEADER = ("id,local_date,rated_at,channel,questionnaire,questionnaire_version,complete,flags,demo,kiosk,"
                  "counter,receipt,dossier_code,procedure_code,field,officer,duration_ms,seq,hash,imported_from,"
                  "overall,reasons,staff,access,service_result,posted,on_time,"
                  "resubmitted,visits,agencies,on_the_spot,online_used,online_satisfaction,online_rating,comment")
PEOPLE_FIXED = ("Mã phiếu;Ngày;Thời điểm (giờ Việt Nam);Kênh;Phiếu;Phiên bản phiếu;Hoàn thành;Đánh dấu nghi vấn;"
                "Dữ liệu mẫu;Máy tính bảng;Quầy;Mã biên nhận;Mã hồ sơ;Mã thủ tục;Lĩnh vực;Cán bộ;"
                "Thời gian trả lời (ms);Số thứ tự;Mã kiểm tra (chuỗi băm);Nhập từ dữ liệu riêng của xã")


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


def test_a_program_downloads_raw_responses_exactly_with_ids_codes_and_utc(fresh_db):
    rec = add(fresh_db, "2026-11-05 09:30", 2,
              {"reasons": ["papers", "waiting"], "resubmitted": "yes", "visits": "more"},
              comment="=1+1 giấy tờ", officer="-Trần", counter="Quầy 1", flags="burst hours")
    got = responses_csv(fresh_db, "2026-11-01", "2026-11-30", audience="systems")
    expected = (
        "\ufeff" + SYSTEMS_HEADER + "\r\n"
        + f"{rec['id']},2026-11-05,2026-11-05T02:30:00.000Z,kiosk,counter,1,1,burst hours,0,,Quầy 1,,,,,"
          f"'-Trần,4000,1,{rec_hash(fresh_db)},,2,papers;waiting,,,,,,yes,more,,,,,,'=1+1 giấy tờ\r\n"
    ).encode("utf-8")
    assert got == expected
    assert got.count(b"\r\n") == 2 and b"\n" not in got.replace(b"\r\n", b"")


def test_leader_downloads_raw_responses_a_person_can_read(fresh_db):
    """Vietnamese headings (the questions' text), labels, Vietnam time, flag names, ";"."""
    rec = add(fresh_db, "2026-11-05 09:30", 2,
              {"reasons": ["papers", "waiting"], "resubmitted": "yes", "visits": "more"},
              comment="=1+1 giấy tờ", officer="-Trần", counter="Quầy 1", flags="burst hours")
    got = responses_csv(fresh_db, "2026-11-01", "2026-11-30")
    head, row, end = got.decode("utf-8").split("\r\n")
    texts = question_texts()
    assert head == "\ufeff" + PEOPLE_FIXED + ";" + ";".join(texts[q] for q in SYSTEMS_HEADER.split(",")[20:-1]) \
        + ";Góp ý"
    assert "Ông/Bà hài lòng thế nào với việc giải quyết thủ tục hành chính của mình?" in head
    # phone v1's 3-level online question keeps its column, named as the old one
    assert "Ông/Bà hài lòng thế nào với dịch vụ công trực tuyến? (phiếu cũ, 3 mức)" in head
    assert row == (f"{rec['id']};2026-11-05;2026-11-05 09:30:00;Máy tính bảng tại quầy;counter;1;Có;"
                   "\"đánh giá dồn dập; ngoài giờ làm việc\";;;Quầy 1;;;;;"
                   f"'-Trần;4000;1;{rec_hash(fresh_db)};;Không hài lòng;\"Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu\";"
                   ";;;;;Có;Nhiều hơn 1 lần;;;;;;'=1+1 giấy tờ")
    assert end == ""


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience"):
        responses_csv(None, "2026-11-01", "2026-11-30", audience="robots")


def test_raw_download_streams_and_respects_the_period_and_flags(fresh_db, monkeypatch):
    add(fresh_db, "2026-11-05 09:30", 5)
    add(fresh_db, "2026-11-06 09:30", 4, flags="burst")
    add(fresh_db, "2026-12-01 00:00", 4)
    monkeypatch.setattr(csv_module, "BLOCK", 1)  # a piece as soon as a row is written
    chunks = list(responses_csv_stream(fresh_db, "2026-11-01", "2026-11-30"))
    assert len(chunks) == 3  # header + two responses: the December one is outside the period
    excluded = responses_csv(fresh_db, "2026-11-01", "2026-11-30", exclude_flagged=True)
    assert excluded.count(b"\r\n") == 2


def test_empty_period_gives_just_the_header(fresh_db):
    systems = responses_csv(fresh_db, "2026-01-01", "2026-01-31", audience="systems")
    assert systems == ("\ufeff" + SYSTEMS_HEADER + "\r\n").encode()
    assert ",".join(header("systems")) == SYSTEMS_HEADER
    people = responses_csv(fresh_db, "2026-01-01", "2026-01-31")
    assert people == ("\ufeff" + ";".join(header()) + "\r\n").encode()


def test_summary_csv_lists_indicators_with_both_figures(fresh_db):
    add(fresh_db, "2026-11-05 09:30", 5)
    add(fresh_db, "2026-11-05 09:31", 1, flags="burst")
    data = summary_csv(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30"), "systems")
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
