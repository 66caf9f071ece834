"""The province compares its communes: the league table as JSON, as a page and as files,
for province staff only, ranked only as far as the data allows."""
from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook

from kiosk import store
from kiosk.web.auth import hash_password, hash_token
from tests.analysis_helpers import add
from tests.helpers import PASSWORD

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}
UNITS = {"27001": ("Xã Đông Hòa", 38, 40), "27002": ("Xã Ân Thi", 24, 40), "27003": ("Xã Yên Bình", 6, 6)}


@pytest.fixture
def communes(db):
    """Three communes beside the first unit: two with 40 ratings (95% and 60% satisfied), one
    with six perfect ratings (too few to rank)."""
    for code, (name, happy, n) in UNITS.items():
        store.create_unit(db, code, name, province="Tỉnh Mẫu")
        for i in range(n):
            add(db, "2026-11-05 09:00", 5 if i < happy else 2, unit=code)
    return db


def sign_in(client, db, name, role="leader", unit=None):
    store.create_user(db, name, hash_password(PASSWORD), role, unit=unit)
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    return client


def token(db, role="leader", unit=None):
    secret = f"{role}-{unit}-{uuid.uuid4().hex}"
    store.create_token(db, f"{role} {unit}", role, hash_token(secret), unit=unit)
    return {"Authorization": f"Bearer {secret}"}


def test_province_system_reads_every_communes_indicators(client, communes):
    r = client.get("/api/v1/summary/units", query_string=PERIOD, headers=token(communes))
    assert r.status_code == 200
    body = r.get_json()
    assert body["period"] == PERIOD
    units = {u["code"]: u for u in body["units"]}
    assert set(units) == {store.first_unit(communes), *UNITS}
    head = units["27001"]["indicators"][0]
    assert head["id"] == "tthc_satisfaction" and (head["n"], head["satisfied"]) == (40, 38)
    assert {"rate", "ci_low", "ci_high", "target", "target_2030", "verdict"} <= set(head)
    assert units["27001"]["name"] == "Xã Đông Hòa"
    league = {row["code"]: row for row in body["league"]["rows"]}
    assert league["27001"]["rank_best"] == 1 and league["27002"]["rank_best"] == 2
    assert not league["27003"]["ranked"] and league["27003"]["why_unranked"] == "few"


@pytest.mark.parametrize("role, unit", [("leader", "27001"), ("officer", None), ("kiosk", None)])
def test_a_communes_own_credentials_cannot_compare_communes(client, communes, role, unit):
    r = client.get("/api/v1/summary/units", query_string=PERIOD, headers=token(communes, role, unit))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    for path in ("/api/v1/summary/units.xlsx", "/api/v1/summary/units.pdf"):
        assert client.get(path, headers=token(communes, role, unit)).status_code == 403


def test_no_credentials_no_league(client, communes):
    assert client.get("/api/v1/summary/units").status_code == 401


def test_a_bad_period_is_a_clear_error(client, communes):
    r = client.get("/api/v1/summary/units", query_string={"from": "2026-13-01"}, headers=token(communes))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_period"


def test_province_leader_sees_the_league_page_with_ranks_and_the_method(client, communes):
    sign_in(client, communes, "tinh")
    page = client.get("/admin/province/", query_string=PERIOD).get_data(as_text=True)
    assert "So sánh mức độ hài lòng giữa các đơn vị" in page
    assert "Xã Đông Hòa" in page and "Xã Ân Thi" in page and "Xã Yên Bình" in page
    assert "Chưa đủ phiếu để xếp hạng" in page  # six perfect ratings: listed, not first
    assert "Chỉ xếp hạng đơn vị có từ 30 phiếu trở lên" in page
    assert "RS = (WAI·W + I·R) / (W + R)" in page
    assert page.index("Xã Đông Hòa") < page.index("Xã Ân Thi") < page.index("Xã Yên Bình")
    assert 'data-testid="nav-province"' in page


def test_the_page_sorts_by_name_in_vietnamese_order_and_by_rate(client, communes):
    sign_in(client, communes, "tinh")
    by_name = client.get("/admin/province/", query_string={**PERIOD, "sort": "name"}).get_data(as_text=True)
    assert by_name.index("Xã Ân Thi") < by_name.index("Xã Đông Hòa") < by_name.index("Xã Yên Bình")
    by_rate = client.get("/admin/province/", query_string={**PERIOD, "sort": "rate", "dir": "desc"}).get_data(
        as_text=True)
    assert by_rate.index("Xã Yên Bình") < by_rate.index("Xã Đông Hòa") < by_rate.index("Xã Ân Thi")


def test_the_page_speaks_english_too(client, communes):
    sign_in(client, communes, "tinh")
    page = client.get("/admin/province/", query_string={**PERIOD, "lang": "en"}).get_data(as_text=True)
    assert "Satisfaction compared between units" in page and "Too few ratings to rank" in page


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_a_communes_leader_is_not_shown_the_province_page(client, communes, role):
    sign_in(client, communes, "xa", role, unit="27001")
    assert client.get("/admin/province/").status_code == 403
    assert 'data-testid="nav-province"' not in client.get("/admin/dashboard/").get_data(as_text=True)


def test_province_downloads_the_league_in_excel_and_pdf_with_the_head_recorded(client, communes):
    sign_in(client, communes, "tinh")
    x = client.get("/api/v1/summary/units.xlsx", query_string=PERIOD)
    assert x.status_code == 200 and x.headers["Content-Disposition"].endswith('_2026-11-01_2026-11-30.xlsx"')
    ws = load_workbook(io.BytesIO(x.data))["Xếp hạng"]
    assert [ws.cell(row=i, column=2).value for i in (6, 7)] == ["27001", "27002"]
    p = client.get("/api/v1/summary/units.pdf", query_string=PERIOD)
    assert p.status_code == 200 and p.data.startswith(b"%PDF")
    assert p.headers["X-Data-Chain"].split(":")[0] == str(store.chain_head(communes)["seq"])
    kinds = [h["kind"] for h in store.report_heads(communes)]
    assert "units.xlsx" in kinds and "units.pdf" in kinds


def test_the_league_report_is_headed_by_the_province_body(client, communes, app):
    from pypdf import PdfReader
    app.config.update(PROVINCE_NAME="Tỉnh Thử Nghiệm", PROVINCE_BODY_NAME="Văn phòng UBND tỉnh Thử Nghiệm")
    sign_in(client, communes, "tinh")
    data = client.get("/api/v1/summary/units.pdf", query_string=PERIOD).data
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text and "VĂN PHÒNG UBND TỈNH THỬ NGHIỆM" in text


def test_the_page_shows_the_indicator_asked_for_and_marks_the_sorted_column(client, communes):
    sign_in(client, communes, "tinh")
    page = client.get("/admin/province/", query_string={**PERIOD, "indicator": "no_resubmission",
                                                         "sort": "n", "dir": "desc"}).get_data(as_text=True)
    assert '<option value="no_resubmission" selected>' in page
    assert 'aria-sort="descending"' in page and page.count("aria-sort=") == 1
    unknown = client.get("/admin/province/", query_string={**PERIOD, "indicator": "<b>x</b>", "sort": "nope"})
    assert unknown.status_code == 200
    assert '<option value="tthc_satisfaction" selected>' in unknown.get_data(as_text=True)


def test_a_bad_period_on_the_page_says_why_and_shows_this_month(client, communes):
    sign_in(client, communes, "tinh")
    r = client.get("/admin/province/", query_string={"from": "2026-11-30", "to": "2026-11-01"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Kỳ báo cáo không hợp lệ: ngày bắt đầu sau ngày kết thúc." in page
    assert 'data-testid="league"' in page
