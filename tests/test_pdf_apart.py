"""A leader downloads the PDF report, the league table and the poster from a server that
must stay small: each PDF is made in a process of its own, and the server never loads fpdf2
(with fontTools and Pillow some 35 MB it would keep for good)."""
from __future__ import annotations

import io
import unicodedata
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis import summarize
from analysis.reports import apart
from analysis.reports.pdf import pdf_report
from kiosk.web.auth import hash_token
from tests.analysis_helpers import add

PERIOD = "from=2026-11-01&to=2026-11-30"


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(unicodedata.normalize("NFC", " ".join(p.extract_text() for p in reader.pages)).split())


def _get(url, token=None) -> bytes:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
        assert r.status == 200
        return r.read()


def test_a_server_that_made_every_kind_of_pdf_never_loaded_fpdf2(live_server):
    token = live_server.cli("create-token", "Tỉnh", "--role", "leader", "--all-units").stdout.strip()
    pdfs = {path: _get(live_server.url + path, token) for path in
            (f"/api/v1/report.pdf?{PERIOD}", f"/api/v1/summary/units.pdf?{PERIOD}", "/cong-khai/poster.pdf")}
    for path, body in pdfs.items():
        assert body.startswith(b"%PDF"), path
    for path in ("/api/v1/report.xlsx", "/api/v1/summary/units.xlsx", "/api/v1/export/responses.xlsx"):
        assert _get(f"{live_server.url}{path}?{PERIOD}", token).startswith(b"PK"), path  # the workbooks neither
    assert "BÁO CÁO" in _text(pdfs[f"/api/v1/report.pdf?{PERIOD}"])
    # fpdf2 imports Pillow, whose compiled core would be mapped into the server's memory
    mapped = Path(f"/proc/{live_server.proc.pid}/maps").read_text()
    assert "PIL" not in mapped and "fontTools" not in mapped


def test_the_pdf_made_apart_is_the_one_made_in_process(fresh_db):
    for i in range(12):
        add(fresh_db, "2026-11-05 09:00", 5 if i < 9 else 2)
    summary = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    meta = {"commune": "Xã Thử Nghiệm", "place": "Thử Nghiệm"}
    here = pdf_report(summary, meta, issued=date(2026, 11, 30))
    there = apart.render("pdf:pdf_report", summary, meta, issued=date(2026, 11, 30))
    assert _text(there) == _text(here)
    assert "Thử Nghiệm, ngày 30 tháng 11 năm 2026" in _text(there)
    assert len(PdfReader(io.BytesIO(there)).pages) == len(PdfReader(io.BytesIO(here)).pages)


def test_a_writer_that_fails_apart_says_why():
    with pytest.raises(RuntimeError, match="AttributeError.*no_such_writer"):
        apart.render("pdf:no_such_writer")


@pytest.fixture
def every_turn_taken(monkeypatch):
    """As if ``AT_ONCE`` PDFs were being made all along: the next one waits a moment only."""
    monkeypatch.setattr(apart, "WAIT_S", 0.05)
    for _ in range(apart.AT_ONCE):
        assert apart._turns.acquire(timeout=5)
    yield
    for _ in range(apart.AT_ONCE):
        apart._turns.release()


def test_while_too_many_pdfs_are_made_the_next_is_told_to_come_back(client, db, every_turn_taken):
    from kiosk import store
    store.create_token(db, "Lãnh đạo", "leader", hash_token("leader-token"))
    r = client.get(f"/api/v1/report.pdf?{PERIOD}", headers={"Authorization": "Bearer leader-token"})
    assert r.status_code == 503
    assert r.get_json()["error"] == {"code": "busy", "message":
                                     "Máy chủ đang làm các báo cáo PDF khác. Vui lòng thử lại sau một phút."}
    page = client.get("/cong-khai/poster.pdf?lang=en")
    assert page.status_code == 503
    assert "The server is making other PDF reports. Please try again in a minute." in page.get_data(as_text=True)
