"""Figures per unit and for the province (issue 15 point 4): each commune's summary counts
only its own ratings, answers, receipts and complaints; without a unit, the whole."""
from __future__ import annotations

import json

from analysis.summary import monthly_trend, summarize
from kiosk import store
from tests.analysis_helpers import add


def _indicator(summary, ind_id="tthc_satisfaction"):
    return next(i for i in summary["indicators"] if i["id"] == ind_id)


def test_a_units_summary_counts_only_its_own_ratings(fresh_db):
    store.create_unit(fresh_db, "27001", "Xã Đông Hòa")
    store.create_unit(fresh_db, "27002", "Xã Tây Hòa")
    for _ in range(3):
        add(fresh_db, "2026-11-05 09:00", 5, {"on_time": "yes"}, unit="27001")
    add(fresh_db, "2026-11-05 10:00", 1, {"on_time": "no", "reasons": ["fees"]}, unit="27002")

    east = summarize(fresh_db, "2026-11-01", "2026-11-30", unit="27001")
    west = summarize(fresh_db, "2026-11-01", "2026-11-30", unit="27002")
    whole = summarize(fresh_db, "2026-11-01", "2026-11-30")
    assert (east["responses"]["all"], west["responses"]["all"], whole["responses"]["all"]) == (3, 1, 4)
    assert _indicator(east)["rate"] == 1.0 and _indicator(west)["rate"] == 0.0
    assert east["reasons"]["total"] == 0 and west["reasons"]["total"] == 1
    assert east["unit"] == "27001" and whole["unit"] is None
    assert east["chain"]["seq"] == 3 and west["chain"]["seq"] == 4 and whole["chain"]["seq"] == 4
    trend = {r["key"]: r["n"] for r in monthly_trend(fresh_db, "2026-11-30", 2, unit="27002")}
    assert trend == {"2026-10": 0, "2026-11": 1}


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_analysis_command_reports_one_unit_under_its_own_heading(fresh_db, tmp_path):
    from tests.test_analysis_cli import run
    store.create_unit(fresh_db, "27001", "Xã Đông Hòa", province="Tỉnh Bắc Ninh")
    store.create_unit(fresh_db, "27002", "Xã Tây Hòa", province="Tỉnh Bắc Ninh")
    add(fresh_db, "2026-11-05 09:00", 5, unit="27001")
    add(fresh_db, "2026-11-05 10:00", 1, unit="27002")
    db_file = tmp_path / "kiosk.db"
    r = run("summary", "--db", db_file, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json",
            "--unit", "27002")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["unit"], summary["responses"]["all"]) == ("27002", 1)
    pdf = tmp_path / "tay-hoa.pdf"
    assert run("summary", "--db", db_file, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "pdf",
               "--unit", "27002", "-o", pdf).returncode == 0
    assert "ỦY BAN NHÂN DÂN XÃ TÂY HÒA" in _pdf_text(pdf.read_bytes())


def test_leaders_reports_carry_their_communes_heading_and_the_provinces_the_province_body(app, db, client):
    from kiosk.web.auth import hash_password
    from tests.helpers import PASSWORD
    store.create_unit(db, "27002", "Xã Tây Hòa", province="Tỉnh Bắc Ninh")
    store.create_user(db, "chu-tich-tay-hoa", hash_password(PASSWORD), "leader", unit="27002")
    store.create_user(db, "so-noi-vu", hash_password(PASSWORD), "leader")
    from kiosk.clock import utcnow
    add(db, utcnow(), 4, unit="27002")
    add(db, utcnow(), 5, unit="00001")
    client.post("/login", data={"username": "chu-tich-tay-hoa", "password": PASSWORD})
    own = client.get("/api/v1/report.pdf")
    assert own.status_code == 200 and "hai-long_27002_" in own.headers["Content-Disposition"]
    assert "ỦY BAN NHÂN DÂN XÃ TÂY HÒA" in _pdf_text(own.data)
    assert store.report_heads(db)[0]["unit"] == "27002"
    client.post("/logout")
    client.post("/login", data={"username": "so-noi-vu", "password": PASSWORD})
    whole = _pdf_text(client.get("/api/v1/report.pdf").data)
    assert "ỦY BAN NHÂN DÂN TỈNH MẪU" in whole and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in " ".join(whole.split())
    assert store.report_heads(db)[0]["unit"] is None
    first = _pdf_text(client.get("/api/v1/report.pdf?unit=00001").data)
    assert "ỦY BAN NHÂN DÂN XÃ MẪU" in first


def test_a_single_commune_reports_as_before(app, db, client, login):
    login(client, "leader")  # the fixtures' accounts are of every unit: the only unit's heading
    assert "ỦY BAN NHÂN DÂN XÃ MẪU" in _pdf_text(client.get("/api/v1/report.pdf").data)
    assert "Content-Disposition" in client.get("/api/v1/summary.csv").headers
