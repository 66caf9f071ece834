"""A province server of several communes, as its people meet it: each commune's board,
tablet, phone form and opening hours are its own; province admins make accounts for a
unit or for all; a unit hides the procedures it does not handle from the shared catalogue."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from kiosk import clock, store
from kiosk.web.auth import DEVICE_COOKIE, hash_password, hash_token
from tests.helpers import PASSWORD

WEST = "27002"


@pytest.fixture
def west(db):
    """Xã Tây Hòa beside the first unit: its own hours (mornings only) and its own names."""
    store.create_unit(db, WEST, "Xã Tây Hòa", province="Tỉnh Bắc Ninh",
                      settings={"UNIT_NAME": "Bộ phận Một cửa xã Tây Hòa",
                                "OPENING_HOURS": {str(d): ["07:00-11:00"] for d in range(7)}})
    store.create_user(db, "admin-tay-hoa", hash_password(PASSWORD), "admin", unit=WEST)
    return db


def _sign_in(app, name):
    client = app.test_client()
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    return client


def test_each_commune_has_its_own_public_board_and_the_root_lists_them(client, tablet, west, rating_body):
    assert tablet.post("/api/v1/responses", json=rating_body(overall=5)).status_code == 201
    listing = client.get("/cong-khai/").get_data(as_text=True)
    assert "Xã Tây Hòa" in listing and "/cong-khai/27002/" in listing and "/cong-khai/00001/" in listing
    board = client.get("/cong-khai/27002/").get_data(as_text=True)
    assert "Bộ phận Một cửa xã Tây Hòa · Xã Tây Hòa, Tỉnh Bắc Ninh" in board
    assert "chưa có ý kiến nào" in board  # the first unit's rating is not Tây Hòa's
    first = client.get("/cong-khai/00001/").get_data(as_text=True)
    assert "chưa có ý kiến nào" not in first
    assert client.get("/cong-khai/99999/").status_code == 404
    poster = client.get("/cong-khai/27002/poster.pdf")
    assert poster.status_code == 200 and poster.mimetype == "application/pdf"
    assert client.get("/cong-khai/poster.pdf").status_code == 302  # which commune's? the list says


def test_a_single_communes_board_stays_at_cong_khai(client, tablet, rating_body):
    assert tablet.post("/api/v1/responses", json=rating_body(overall=5)).status_code == 201
    board = client.get("/cong-khai/").get_data(as_text=True)
    assert "Kết quả khảo sát sự hài lòng của người dân" in board and "chưa có ý kiến nào" not in board
    assert client.get("/cong-khai/poster.pdf").status_code == 200


def test_the_communes_own_opening_hours_flag_its_ratings(app, west, monkeypatch):
    """14:00 local: open at the first unit (the test app's hours are always open), closed at
    Tây Hòa (mornings only), so only Tây Hòa's rating is flagged ``hours``."""
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    store.enrol_kiosk(west, "Quầy 1", hash_token("west-tab"), "admin", counter="Quầy 1", unit=WEST)
    store.enrol_kiosk(west, "Quầy 1", hash_token("east-tab"), "admin", counter="Quầy 1", unit="00001")
    west.execute("UPDATE kiosks SET enrolled_at = '2026-10-01T00:00:00.000Z'")
    flags = {}
    for unit, token in ((WEST, "west-tab"), ("00001", "east-tab")):
        c = app.test_client()
        c.set_cookie(DEVICE_COOKIE, token)
        rid = str(uuid.uuid4())
        body = {"id": rid, "channel": "kiosk", "overall": 5, "answers": {}, "created_at": "2026-11-24T14:00:00+07:00"}
        assert c.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"}).status_code == 201
        flags[unit] = store.get_response(west, rid)["flags"].split()
    assert "hours" in flags[WEST] and "hours" not in flags["00001"]


def test_the_tablet_and_the_phone_form_name_their_own_commune(app, west, client):
    store.enrol_kiosk(west, "Quầy 1", hash_token("west-tab"), "admin", counter="Quầy 1", unit=WEST)
    tablet = app.test_client()
    tablet.set_cookie(DEVICE_COOKIE, "west-tab")
    assert "Xã Tây Hòa" in tablet.get("/").get_data(as_text=True)
    store.create_token(west, "mot-cua-tay-hoa", "officer", hash_token("west-officer"), unit=WEST)
    r = client.post("/api/v1/receipts", headers={"Authorization": "Bearer west-officer"},
                    json={"dossier_code": "HS-1", "procedure_code": "1.001193", "officer": "Lan"})
    page = client.get(f"/r/{r.get_json()['code']}").get_data(as_text=True)
    assert "Xã Tây Hòa" in page and "Bộ phận Một cửa xã Tây Hòa" in page


def test_a_province_admin_makes_accounts_for_a_commune_or_for_all(app, west):
    store.create_user(west, "so-noi-vu", hash_password(PASSWORD), "admin")
    client = _sign_in(app, "so-noi-vu")
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'name="unit"' in page and "Xã Tây Hòa (27002)" in page
    for name, unit in (("lan-tay-hoa", WEST), ("tinh-2", "")):
        r = client.post("/admin/users", data={"username": name, "role": "officer", "unit": unit,
                                              "password": PASSWORD})
        assert r.status_code == 302
    units = dict(west.execute("SELECT username, unit FROM users"))
    assert units["lan-tay-hoa"] == WEST and units["tinh-2"] is None

    own = _sign_in(app, "admin-tay-hoa")
    listed = own.get("/admin/users").get_data(as_text=True)
    assert "lan-tay-hoa" in listed and "so-noi-vu" not in listed and 'name="unit"' not in listed
    own.post("/admin/users", data={"username": "hoa-tay-hoa", "role": "leader", "unit": "", "password": PASSWORD})
    assert dict(west.execute("SELECT username, unit FROM users"))["hoa-tay-hoa"] == WEST  # never province-wide


def test_a_province_admin_enrols_a_tablet_into_a_named_commune(app, west):
    store.create_user(west, "so-noi-vu", hash_password(PASSWORD), "admin")
    client = app.test_client()
    form = {"username": "so-noi-vu", "password": PASSWORD, "kiosk_name": "Máy 1", "counter": "Quầy 1"}
    refused = client.post("/enrol", data=form)
    assert refused.status_code == 200 and "nhập mã đơn vị" in refused.get_data(as_text=True)
    assert client.post("/enrol", data=dict(form, unit=WEST)).status_code == 302
    assert [(k["name"], k["unit"]) for k in store.list_kiosks(west)] == [("Máy 1", WEST)]
    own = app.test_client()
    assert own.post("/enrol", data=dict(form, username="admin-tay-hoa", kiosk_name="Máy 2")).status_code == 302
    assert {k["name"]: k["unit"] for k in store.list_kiosks(west)}["Máy 2"] == WEST


def test_a_commune_hides_a_procedure_it_does_not_handle_from_the_shared_catalogue(app, west):
    client = _sign_in(app, "admin-tay-hoa")
    assert client.post("/catalogue/procedures/1.001193/edit", data={"name": "X"}).status_code == 403
    assert client.post("/catalogue/procedures/1.001193/hidden").status_code == 302
    assert store.get_unit(west, WEST)["hidden_procedures"] == ["1.001193"]
    assert store.get_unit(west, "00001")["hidden_procedures"] == []
    page = client.get("/catalogue/procedures").get_data(as_text=True)
    assert 'data-testid="hidden-1.001193"' in page
    store.create_token(west, "mot-cua-tay-hoa", "officer", hash_token("west-officer"), unit=WEST)
    r = client.post("/api/v1/receipts", headers={"Authorization": "Bearer west-officer"},
                    json={"dossier_code": "HS-1", "procedure_code": "1.001193", "officer": "Lan"})
    assert r.status_code == 400 and r.get_json()["error"]["fields"]["procedure_code"] == (
        "procedure not handled by this unit")
    form = client.post("/receipts/new", data={"dossier_code": "HS-2", "procedure": "1.001193", "officer": "Lan",
                                              "received_date": clock.local_today().isoformat()})
    assert "Đơn vị không giải quyết thủ tục này." in form.get_data(as_text=True)
    assert client.post("/catalogue/procedures/1.001193/hidden").status_code == 302  # shown again
    assert store.get_unit(west, WEST)["hidden_procedures"] == []


def test_province_staff_cannot_issue_a_receipt_that_belongs_to_no_commune(app, west, client):
    store.create_token(west, "tinh", "officer", hash_token("province-officer"))
    r = client.post("/api/v1/receipts", headers={"Authorization": "Bearer province-officer"},
                    json={"dossier_code": "HS-1", "procedure_code": "1.001193", "officer": "Lan"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "unit_required"
    store.create_user(west, "so-noi-vu", hash_password(PASSWORD), "officer")
    page = _sign_in(app, "so-noi-vu").post("/receipts/new", data={
        "dossier_code": "HS-2", "procedure": "1.001193", "officer": "Lan",
        "received_date": clock.local_today().isoformat()})
    assert "tài khoản cấp tỉnh không cấp được mã phiếu" in page.get_data(as_text=True)
    assert west.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0


def test_a_province_leader_picks_a_commune_on_the_dashboard(app, west, tablet, rating_body):
    store.create_user(west, "so-noi-vu", hash_password(PASSWORD), "leader")
    client = _sign_in(app, "so-noi-vu")
    whole = client.get("/admin/dashboard/").get_data(as_text=True)
    assert 'data-testid="unit-form"' in whole and "Xã Tây Hòa (27002)" in whole
    one = client.get(f"/admin/dashboard/?unit={WEST}").get_data(as_text=True)
    assert 'data-testid="unit-name">Xã Tây Hòa<' in one and f"unit={WEST}" in one  # downloads keep the unit
    own = _sign_in(app, "admin-tay-hoa").get("/admin/dashboard/").get_data(as_text=True)
    assert 'data-testid="unit-form"' not in own


def test_another_communes_tablet_of_the_same_name_never_makes_an_honest_queue_late(app, west):
    """Tây Hòa's "Quầy 1" was online all week; the first unit's "Quầy 1" was offline and
    now sends a rating from five days ago: an honest queue, not ``late``. Tây Hòa's own
    tablet doing the same while it was online is ``late``."""
    from datetime import timedelta
    store.enrol_kiosk(west, "Quầy 1", hash_token("east-tab"), "admin", counter="Quầy 1", unit="00001")
    store.enrol_kiosk(west, "Quầy 1", hash_token("west-tab"), "admin", counter="Quầy 1", unit=WEST)
    west.execute("UPDATE kiosks SET enrolled_at = '2020-01-01T00:00:00.000Z'")
    for days in (3, 1):
        store.note_contact(west, store.contact_key(west, "kiosk", "Quầy 1", WEST),
                           clock.utcnow() - timedelta(days=days))
    back = clock.iso(clock.utcnow() - timedelta(days=5))
    flags = {}
    for unit, token in (("00001", "east-tab"), (WEST, "west-tab")):
        c = app.test_client()
        c.set_cookie(DEVICE_COOKIE, token)
        rid = str(uuid.uuid4())
        body = {"id": rid, "channel": "kiosk", "overall": 5, "answers": {}, "created_at": back}
        assert c.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"}).status_code == 201
        flags[unit] = store.get_response(west, rid)["flags"].split()
    assert "late" not in flags["00001"] and "late" in flags[WEST]
