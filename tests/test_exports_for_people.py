"""A commune official double-clicks the downloaded responses and reads them: Vietnamese
headings (the questions' text), answer labels, Vietnam time and flag names in words; a
program asks ``?for=systems`` and gets ids, codes and UTC. Checked in LibreOffice too."""
import csv
import io
import os
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from analysis.rows import question_texts
from kiosk import clock, store
from kiosk.web.auth import hash_token

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}
LEADER = {"Authorization": "Bearer leader-token"}


@pytest.fixture
def rated(app, tablet, db, monkeypatch, rating_body):
    """Two November ratings at 09:00 Vietnam time: one at the counter, one flagged "hours"."""
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    db.execute("UPDATE kiosks SET enrolled_at = '2026-11-01T00:00:00.000Z'")
    body = rating_body(overall=2, answers={"resubmitted": "yes"}, comment="Chờ lâu, phải nộp lại",
                       created_at="2026-11-10T09:00:00+07:00")
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    app.config["OPENING_HOURS"] = {str(d): ["07:00-17:00"] for d in range(5)}
    late = rating_body(overall=5, created_at="2026-11-11T22:00:00+07:00")  # a Wednesday night
    assert tablet.post("/api/v1/responses", json=late).status_code == 201
    store.create_token(db, "Tỉnh", "leader", hash_token("leader-token"))
    return db


def download(client, path, **args):
    r = client.get(path, query_string={**PERIOD, **args}, headers=LEADER)
    assert r.status_code == 200, r.data[:300]
    return r


def test_the_default_csv_is_for_people(client, rated):
    r = download(client, "/api/v1/export/responses.csv")
    assert r.data.startswith(b"\xef\xbb\xbf") and not r.data[3:].startswith(b"sep=")
    head, first, second = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    row, flagged = dict(zip(head, first, strict=True)), dict(zip(head, second, strict=True))
    texts = question_texts()
    assert row[texts["overall"]] == "Không hài lòng"
    assert row[texts["resubmitted"]] == "Có"
    assert row["Thời điểm (giờ Việt Nam)"] == "2026-11-10 09:00:00"
    assert row["Kênh"] == "Máy tính bảng tại quầy" and row["Góp ý"] == "Chờ lâu, phải nộp lại"
    assert flagged["Đánh dấu nghi vấn"] == "ngoài giờ làm việc"


def test_a_program_asks_for_ids_codes_and_utc(client, rated):
    r = download(client, "/api/v1/export/responses.csv", **{"for": "systems"})
    head, first, second = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    row, flagged = dict(zip(head, first, strict=True)), dict(zip(head, second, strict=True))
    assert (row["overall"], row["resubmitted"], row["channel"]) == ("2", "yes", "kiosk")
    assert row["rated_at"] == "2026-11-10T02:00:00.000Z" and flagged["flags"] == "hours"


def test_an_unknown_audience_is_a_clear_400(client, rated):
    for path in ("/api/v1/export/responses.csv", "/api/v1/export/responses.xlsx"):
        r = client.get(path, query_string={**PERIOD, "for": "robots"}, headers=LEADER)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_audience"


def test_the_workbook_holds_local_times_as_dates_and_words(client, rated):
    raw = load_workbook(io.BytesIO(download(client, "/api/v1/export/responses.xlsx").data)).worksheets[-1]
    head = [c.value for c in raw[1]]
    row = dict(zip(head, [c.value for c in raw[2]], strict=True))
    assert row["Thời điểm (giờ Việt Nam)"] == datetime(2026, 11, 10, 9, 0)  # a real date-time cell
    assert row[question_texts()["overall"]] == "Không hài lòng"
    systems = load_workbook(io.BytesIO(download(client, "/api/v1/export/responses.xlsx",
                                                **{"for": "systems"}).data)).worksheets[-1]
    assert [c.value for c in systems[1]][:3] == ["id", "local_date", "rated_at"]
    assert systems["C2"].value == "2026-11-10T02:00:00.000Z"


NO_SOFFICE = not shutil.which("soffice")


def libreoffice_cells(tmp_path, csv_bytes: bytes, infilter: str | None) -> list[list]:
    """Convert the CSV to xlsx with LibreOffice headless (optionally with an import filter)
    and read the cells back."""
    src = tmp_path / "phieu.csv"
    src.write_bytes(csv_bytes)
    out = tmp_path / ("out-" + (infilter or "none").replace(":", "_").replace(",", "_"))
    cmd = ["soffice", "--headless", "--norestore"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "xlsx", "--outdir", str(out), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path / "home")})
    ws = load_workbook(out / "phieu.xlsx").active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("infilter", [
    "CSV:59,34,76,1",   # what a person picks in the import dialog: ";", '"', UTF-8, from line 1
    "CSV:59,34,,1",     # ";" only; the character set left to LibreOffice, which reads the BOM
])
def test_libreoffice_reads_the_people_csv_cell_by_cell(tmp_path, client, rated, infilter):
    cells = libreoffice_cells(tmp_path, download(client, "/api/v1/export/responses.csv").data, infilter)
    head = cells[0]
    assert head[0] == "Mã phiếu" and question_texts()["overall"] in head
    row = dict(zip(head, cells[1], strict=False))
    assert row[question_texts()["overall"]] == "Không hài lòng"
    assert row["Góp ý"] == "Chờ lâu, phải nộp lại"          # the comma inside stays in its cell
    assert row["Thời điểm (giờ Việt Nam)"] == datetime(2026, 11, 10, 9, 0)  # recognised as a date-time
    assert dict(zip(head, cells[2], strict=False))["Đánh dấu nghi vấn"] == "ngoài giờ làm việc"


@pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_without_any_filter_guesses_wrong_as_the_readme_warns(tmp_path, client, rated):
    """Headless and without options LibreOffice takes "," and the system's 8-bit character set,
    ignoring the BOM: why the README tells LibreOffice users to tick ";" (the dialog then
    detects UTF-8) and why the Excel download exists."""
    cells = libreoffice_cells(tmp_path, download(client, "/api/v1/export/responses.csv").data, None)
    assert cells[0][0] != "Mã phiếu"


def summary_rows(data: bytes, delimiter: str) -> list[dict]:
    head, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter)
    return [dict(zip(head, r, strict=True)) for r in rows]


def test_the_summary_csv_is_for_people_vietnamese_headings_and_comma_decimals(client, rated):
    r = download(client, "/api/v1/summary.csv")
    assert r.data.startswith(b"\xef\xbb\xbf") and r.data.endswith(b"\r\n") and not r.data[3:].startswith(b"sep=")
    rows = summary_rows(r.data, ";")
    tthc = next(row for row in rows if row["Mã"] == "tthc_satisfaction")
    # the headline leaves the flagged night rating out: 0 of 1; counted in, 1 of 2
    assert tthc["Phần"] == "Chỉ tiêu" and tthc["Tên"].startswith("Mức độ hài lòng của người dân")
    assert (tthc["Số ý kiến (n)"], tthc["Tỷ lệ hài lòng"], tthc["Chỉ tiêu"]) == ("1", "0,0%", "90,0%")
    assert tthc["Kết luận"] == "Chưa đạt"  # even the interval's top (79%) is under the target
    assert (tthc["Số ý kiến (tính cả phiếu nghi vấn)"], tthc["Tỷ lệ (tính cả phiếu nghi vấn)"]) == ("2", "50,0%")
    month = next(row for row in rows if row["Phần"] == "Theo tháng")
    assert (month["Tên"], month["Số ý kiến (n)"]) == ("11/2026", "1")
    notes = {row["Phần"]: row["Tên"] for row in rows}
    assert notes["Kỳ báo cáo"] == "từ 01/11/2026 đến 30/11/2026"
    assert "ngoài giờ làm việc: 1" in notes["Phiếu được tính"]
    assert "0.5" not in r.data.decode("utf-8-sig") and "section" not in r.data.decode("utf-8-sig")


def test_a_program_still_gets_the_summary_csv_with_ids_and_dots(client, rated):
    r = download(client, "/api/v1/summary.csv", **{"for": "systems"})
    rows = summary_rows(r.data, ",")
    tthc = next(row for row in rows if row["id"] == "tthc_satisfaction")
    assert (tthc["section"], tthc["n"], tthc["rate"], tthc["target"]) == ("indicator", "1", "0", "0.9")
    assert tthc["rate_including_flagged"] == "0.5" and tthc["verdict"] == "not_met"
    r = client.get("/api/v1/summary.csv", query_string={**PERIOD, "for": "robots"}, headers=LEADER)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_audience"


@pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("infilter", ["CSV:59,34,76,1", "CSV:59,34,,1"])
def test_libreoffice_reads_the_summary_csv_cell_by_cell(tmp_path, client, rated, infilter):
    cells = libreoffice_cells(tmp_path, download(client, "/api/v1/summary.csv").data, infilter)
    head = cells[0]
    assert head[:3] == ["Phần", "Mã", "Tên"] and "Tỷ lệ hài lòng" in head
    tthc = dict(zip(head, next(r for r in cells if r[1] == "tthc_satisfaction"), strict=False))
    assert tthc["Tên"] == "Mức độ hài lòng của người dân, doanh nghiệp về giải quyết thủ tục hành chính"
    assert tthc["Số ý kiến (n)"] == 1  # a number cell
    assert tthc["Tỷ lệ (tính cả phiếu nghi vấn)"] in ("50,0%", 0.5)  # as written, or read as a percentage
    assert tthc["Kết luận"] == "Chưa đạt"


@pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_without_a_filter_misreads_the_summary_csv_like_the_raw_one(tmp_path, client, rated):
    """The same choice as the raw CSV for people, so the same README advice holds for both."""
    cells = libreoffice_cells(tmp_path, download(client, "/api/v1/summary.csv").data, None)
    assert cells[0][0] != "Phần"
