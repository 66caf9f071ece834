"""Leaders see the same numbers on the dashboard, in the API, in every download and in the CLI."""
import csv
import hashlib
import io
import json
import subprocess
import sys
from datetime import UTC

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kiosk import store
from kiosk.web.auth import hash_token
from tests.helpers import ROOT

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def rated(tablet, db, monkeypatch, rating_body):
    """Eleven ratings in November 2026: 8 satisfied, 3 not; one resubmission answer."""
    from datetime import datetime

    from kiosk import clock
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    db.execute("UPDATE kiosks SET enrolled_at = '2026-11-01T00:00:00.000Z'")  # enrolled before it rated
    for i, overall in enumerate([5, 5, 4, 4, 5, 4, 5, 4, 2, 1, 3]):
        answers = {"resubmitted": "no"} if i == 0 else {}
        body = rating_body(overall=overall, answers=answers,
                           created_at=f"2026-11-{10 + i:02d}T09:00:00+07:00")
        assert tablet.post("/api/v1/responses", json=body).status_code == 201
    store.create_token(db, "Tỉnh", "leader", hash_token("leader-token"))
    return db


def api(client, path, **args):
    return client.get(path, query_string={**PERIOD, **args}, headers={"Authorization": "Bearer leader-token"})


def test_leader_token_gets_the_summary(client, rated):
    s = api(client, "/api/v1/summary").get_json()
    tthc = next(r for r in s["indicators"] if r["id"] == "tthc_satisfaction")
    assert (tthc["n"], tthc["satisfied"]) == (11, 8)
    assert tthc["rate"] == pytest.approx(8 / 11)
    assert tthc["verdict"] in ("not_met", "uncertain")
    assert s["period"] == PERIOD
    assert s["chain"]["seq"] == 11


def test_the_cli_gives_the_same_numbers(app, client, rated):
    api_json = api(client, "/api/v1/summary").get_json()
    r = subprocess.run([sys.executable, "-m", "analysis", "summary", "--db", app.config["DATABASE"],
                        "--from", PERIOD["from"], "--to", PERIOD["to"], "--format", "json"],
                       cwd=ROOT, capture_output=True, text=True)
    cli = json.loads(r.stdout)
    assert [(i["id"], i["n"], i["satisfied"], i["verdict"]) for i in cli["indicators"]] == \
           [(i["id"], i["n"], i["satisfied"], i["verdict"]) for i in api_json["indicators"]]


def test_dashboard_shows_the_same_rate(client, rated, login):
    login(client, "leader")
    page = client.get("/admin/dashboard/", query_string=PERIOD).get_data(as_text=True)
    assert "72,7%" in page  # 8 / 11
    assert "Bảng theo dõi mức độ hài lòng" in page and 'data-testid="indicator-tthc_satisfaction"' in page


def test_dashboard_presets_and_a_bad_date(client, rated, login):
    login(client, "leader")
    for preset in ("month", "last_month", "quarter", "year"):
        assert client.get("/admin/dashboard/", query_string={"period": preset}).status_code == 200
    page = client.get("/admin/dashboard/?from=2026-13-01").get_data(as_text=True)
    assert "Kỳ báo cáo không hợp lệ" in page


def test_officers_do_not_see_the_dashboard_or_reports(client, login):
    login(client, "officer")
    assert client.get("/admin/dashboard/").status_code == 403
    assert client.get("/api/v1/summary").status_code == 403


def test_reports_refuse_anonymous_and_kiosk_tokens(client, db):
    assert client.get("/api/v1/report.pdf").status_code == 401
    store.create_token(db, "Quầy", "kiosk", hash_token("k"))
    assert client.get("/api/v1/summary", headers={"Authorization": "Bearer k"}).status_code == 403


def test_bad_period_is_a_clear_400(client, rated):
    r = api(client, "/api/v1/summary", **{"from": "2026-12-01", "to": "2026-11-01"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_period"


def test_leader_downloads_the_excel_report(client, rated):
    r = api(client, "/api/v1/report.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.headers["X-Content-SHA256"] == hashlib.sha256(r.data).hexdigest()
    wb = load_workbook(io.BytesIO(r.data))
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    assert "72,7%" in text or any(c.value == pytest.approx(8 / 11)
                                  for ws in wb for row in ws.iter_rows() for c in row)


def test_leader_downloads_the_pdf_report(client, rated):
    r = api(client, "/api/v1/report.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "BÁO CÁO" in text and "Xã Mẫu".upper() in text.upper() and "72,7%" in text


def test_leader_downloads_responses_csv(client, rated):
    r = api(client, "/api/v1/export/responses.csv")
    assert r.status_code == 200 and r.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert len(rows) == 12  # header + 11 responses
    assert r.headers["X-Data-Chain"].startswith("11:")


def test_signed_in_leader_downloads_from_the_dashboard_links(client, rated, login):
    login(client, "leader")
    assert client.get("/api/v1/summary.csv", query_string=PERIOD).status_code == 200


def test_reports_quote_the_chain_head_that_verify_prints(app, client, rated):
    import os
    head = rated.execute("SELECT hash FROM responses WHERE seq = 11").fetchone()[0]
    pdf = PdfReader(io.BytesIO(api(client, "/api/v1/report.pdf").data))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "phiếu số 11" in " ".join(text.split()) and head in "".join(text.split())
    r = subprocess.run([sys.executable, "-m", "kiosk", "verify"], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "KIOSK_INSTANCE": app.instance_path})
    assert f"#11 {head}" in r.stdout


def test_responses_workbook_has_one_row_per_response(client, rated):
    r = api(client, "/api/v1/export/responses.xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    raw = wb.worksheets[-1]
    assert raw.max_row == 12  # header + 11 responses
    report = load_workbook(io.BytesIO(api(client, "/api/v1/report.xlsx").data))
    assert len(report.worksheets) < len(wb.worksheets)
