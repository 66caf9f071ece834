"""Receipt codes: issued by an officer (page or API), bound to the dossier, used once."""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from datetime import timedelta

import pytest

from kiosk import clock, store
from kiosk.domain import codes
from tests.receipt_helpers import issue, make_token, return_result

NO_ZBAR = not shutil.which("zbarimg") and not os.environ.get("KIOSK_REQUIRE_BROWSER")


@pytest.fixture
def officer(db):
    return make_token(db, "officer")


# --- codes ------------------------------------------------------------------------------

def test_codes_have_no_look_alike_letters_and_at_least_40_random_bits():
    assert not set("01OIL") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31
    assert codes.BITS >= 40 and math.isclose(codes.BITS, 9 * math.log2(31))
    drawn = {codes.new_code() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(re.fullmatch(f"[{codes.ALPHABET}]{{9}}", c) for c in drawn)
    # every letter of the alphabet turns up in every position (no fixed characters)
    for position in range(codes.LENGTH):
        assert {c[position] for c in drawn} == set(codes.ALPHABET)


@pytest.mark.parametrize("typed", ["ABCD-EFGH-J", "abcd efgh j", "abcdefghj", " ABCD-efgh-J ", "ABCD_EFGH.J"])
def test_a_code_is_accepted_typed_in_any_case_with_or_without_dashes(typed):
    assert codes.normalize(typed) == "ABCDEFGHJ"


@pytest.mark.parametrize("typed", ["", "ABCDEFGH", "ABCDEFGHJK", "ABCDEFGH0", "ABCDEFGHI", "ABCDEFGHL",
                                   "ABCDEFGHO", "ABCDEFGH1", None, 12345, "x" * 100])
def test_what_cannot_be_a_code_is_refused(typed):
    assert codes.normalize(typed) is None


def test_codes_are_shown_in_groups():
    assert codes.display("ABCDEFGHJ") == "ABCD-EFGH-J"


# --- the API for the one-stop software ---------------------------------------------------

def test_one_stop_software_issues_a_receipt_with_an_officer_token(client, db, officer, app):
    r = client.post("/api/v1/receipts", headers=officer, json={
        "dossier_code": "000.00.12.H55-260301-0001", "procedure_code": "1.001193",
        "officer": "Nguyễn Thị Lan", "received_date": "2026-03-01", "appointment_date": "2026-03-04",
        "counter": "Quầy 1"})
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    assert codes.normalize(out["code"]) == out["code"]
    assert out["url"] == app.config["PUBLIC_BASE_URL"] + "/r/" + out["code"]
    assert out["qr_svg_url"].endswith(f"/receipts/{out['code']}/qr.svg")
    row = store.get_receipt(db, out["code"])
    assert row["dossier_code"] == "000.00.12.H55-260301-0001" and row["procedure_name"] == "Đăng ký khai sinh"
    assert row["officer"] == "Nguyễn Thị Lan" and row["received_date"] == "2026-03-01"
    assert row["appointment_date"] == "2026-03-04" and row["issued_by"] == "officer system"
    assert row["used_at"] is None and row["returned_at"] is None
    svg = client.get(out["qr_svg_url"], headers=officer)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(out["qr_svg_url"].replace(".svg", ".png"), headers=officer)
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_same_dossier_asked_again_gets_its_open_code_not_a_second_one(client, db, officer):
    first = issue(client, officer, dossier_code="HS-42")
    r = client.post("/api/v1/receipts", headers=officer, json={
        "dossier_code": "HS-42", "procedure_code": "1.001193", "officer": "Nguyễn Thị Lan"})
    assert r.status_code == 200 and r.get_json()["code"] == first["code"]
    assert r.get_json()["status"] == "existing"
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 1


def test_issuing_needs_an_officer_token(client, db):
    body = {"dossier_code": "HS-1", "procedure_code": "1.001193", "officer": "Lan"}
    r = client.post("/api/v1/receipts", json=body)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    for role in ("kiosk", "leader"):
        r = client.post("/api/v1/receipts", json=body, headers=make_token(db, role))
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden", role
    r = client.post("/api/v1/receipts", json=body, headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0


def test_unknown_procedure_is_a_400_naming_the_field(client, officer):
    r = client.post("/api/v1/receipts", headers=officer, json={
        "dossier_code": "HS-1", "procedure_code": "9.999999", "officer": "Lan"})
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "invalid" and "procedure_code" in error["fields"]


@pytest.mark.parametrize("change, field", [
    ({"dossier_code": None}, "dossier_code"),
    ({"dossier_code": ""}, "dossier_code"),
    ({"dossier_code": 123}, "dossier_code"),
    ({"dossier_code": "x" * 61}, "dossier_code"),
    ({"procedure_code": None}, "procedure_code"),
    ({"officer": None}, "officer"),
    ({"received_date": "yesterday"}, "received_date"),
    ({"appointment_date": "2026-02-30"}, "appointment_date"),
    ({"received_date": "2026-03-05", "appointment_date": "2026-03-01"}, "appointment_date"),
    ({"counter": ["Quầy 1"]}, "counter"),
    ({"citizen_name": "Nguyễn Văn A"}, "citizen_name"),
])
def test_bad_receipt_requests_say_which_field(client, officer, change, field):
    body = {"dossier_code": "HS-1", "procedure_code": "1.001193", "officer": "Lan"}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post("/api/v1/receipts", headers=officer, json=body)
    assert r.status_code == 400, r.get_json()
    assert field in r.get_json()["error"]["fields"]


@pytest.mark.parametrize("data, content_type", [(b"{", "application/json"), (b"[]", "application/json"),
                                                (b"code=1", "application/x-www-form-urlencoded")])
def test_broken_receipt_bodies_get_400(client, officer, data, content_type):
    r = client.post("/api/v1/receipts", data=data, content_type=content_type, headers=officer)
    assert r.status_code == 400 and "error" in r.get_json()


def test_a_procedure_no_longer_in_force_cannot_be_issued(client, db, officer):
    store.save_procedure(db, {"code": "1.000001", "name": "Thủ tục cũ", "field": "Hộ tịch",
                              "valid_from": "2020-01-01", "valid_to": "2024-12-31"})
    r = client.post("/api/v1/receipts", headers=officer, json={
        "dossier_code": "HS-1", "procedure_code": "1.000001", "officer": "Lan",
        "received_date": "2025-06-01"})
    assert r.status_code == 400 and "procedure_code" in r.get_json()["error"]["fields"]


# --- binding a rating to the receipt ---------------------------------------------------

def test_returned_dossier_switches_the_tablet_at_that_counter_and_the_rating_is_bound(
        client, db, officer, tablet, rating_body):
    assert tablet.get("/tablet/state").get_json() == {"receipt": None, "procedure_name": None}
    out = issue(client, officer, procedure_code="2.000815", officer="Trần Văn Nam", counter=None)
    assert tablet.get("/tablet/state").get_json()["receipt"] is None  # issued is not returned
    return_result(client, officer, out["code"], counter="Quầy 1")
    state = tablet.get("/tablet/state").get_json()
    assert state == {"receipt": out["code"], "procedure_name": "Chứng thực bản sao từ bản chính"}
    body = rating_body(overall=4, receipt=state["receipt"])
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    row = store.get_response(db, body["id"])
    assert row["receipt"] == out["code"] and row["channel"] == "kiosk"
    assert row["procedure_code"] == "2.000815" and row["field"] == "Chứng thực"
    assert row["officer"] == "Trần Văn Nam" and row["counter"] == "Quầy 1"
    assert row["dossier_code"] == store.get_receipt(db, out["code"])["dossier_code"]
    assert store.get_receipt(db, out["code"])["response_id"] == body["id"]
    # the tablet goes back to unbound ratings
    assert tablet.get("/tablet/state").get_json() == {"receipt": None, "procedure_name": None}
    # a retry of that very rating is a duplicate, not "code used"
    again = tablet.post("/api/v1/responses", json=body)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"


def test_a_return_at_another_counter_does_not_reach_this_tablet(client, officer, tablet):
    out = issue(client, officer)
    return_result(client, officer, out["code"], counter="Quầy 2")
    assert tablet.get("/tablet/state").get_json()["receipt"] is None


def test_the_tablet_stops_asking_about_a_dossier_after_ten_minutes(client, officer, tablet, monkeypatch):
    out = issue(client, officer)
    return_result(client, officer, out["code"])
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=11))
    assert tablet.get("/tablet/state").get_json()["receipt"] is None


def test_a_receipt_code_works_once(client, db, officer, tablet, rating_body):
    out = issue(client, officer)
    first = rating_body(receipt=out["code"])
    assert tablet.post("/api/v1/responses", json=first).status_code == 201
    second = rating_body(receipt=codes.display(out["code"]).lower())
    r = tablet.post("/api/v1/responses", json=second)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "receipt_used"
    assert store.count_responses(db) == 1


def test_an_unknown_or_expired_code_is_refused_by_the_api(client, db, officer, tablet, monkeypatch,
                                                          rating_body):
    r = tablet.post("/api/v1/responses", json=rating_body(receipt="ZZZZ-ZZZZ-Z"))
    assert r.status_code == 400 and r.get_json()["error"]["fields"]["receipt"] == "unknown receipt code"
    out = issue(client, officer, appointment_date=None)
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(days=31))
    r = tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"]))
    assert r.status_code == 400 and r.get_json()["error"]["fields"]["receipt"] == "receipt code has expired"
    assert store.count_responses(db) == 0


@pytest.mark.parametrize("days_after_return, works", [(29, True), (31, False)])
def test_a_code_expires_thirty_days_after_the_result_is_returned(client, db, officer, monkeypatch,
                                                                  days_after_return, works):
    out = issue(client, officer, appointment_date=None)
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(days=20))
    return_result(client, officer, out["code"])  # returned 20 days after issue
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(days=20 + days_after_return))
    row = store.get_receipt(db, out["code"])
    assert store.receipt_state(row, clock.utcnow()) == ("open" if works else "expired")
    assert (client.get(f"/r/{out['code']}").status_code == 200) is works


def test_a_code_never_returned_lasts_thirty_days_after_the_later_of_issue_and_appointment(
        client, db, officer):
    today = clock.local_today()
    appointment = (today + timedelta(days=45)).isoformat()
    out = issue(client, officer, appointment_date=appointment)
    expires = clock.parse_iso(store.get_receipt(db, out["code"])["expires_at"])
    assert clock.local(expires).date() == today + timedelta(days=45 + 1 + 30)


def test_expiry_days_are_configuration(tmp_path):
    from kiosk import create_app
    from kiosk.store.db import connect
    app = create_app({"INSTANCE": tmp_path / "i", "TESTING": True, "SECRET_KEY": "t",
                      "RECEIPT_EXPIRY_DAYS": 7})
    db = connect(app.config["DATABASE"])
    c = app.test_client()
    out = issue(c, make_token(db, "officer"), appointment_date=None)
    expires = clock.parse_iso(store.get_receipt(db, out["code"])["expires_at"])
    assert timedelta(days=6, hours=23) < expires - clock.utcnow() <= timedelta(days=7)


# --- the officer's pages ---------------------------------------------------------------

def test_officer_issues_a_receipt_by_typing_part_of_the_procedure_name(client, db, login):
    login(client, "officer", "lan")
    store.save_officer(db, "Nguyễn Thị Lan", "lan")
    page = client.get("/receipts/new").get_data(as_text=True)
    assert 'value="Nguyễn Thị Lan"' in page  # the signed-in officer by default
    assert "1.001193 — Đăng ký khai sinh" in page  # the datalist
    r = client.post("/receipts/new", data={"dossier_code": "HS-7", "procedure": "chung thuc chu ky",
                                           "officer": "Nguyễn Thị Lan", "received_date": "2026-03-02",
                                           "appointment_date": "2026-03-03"})
    assert r.status_code == 302
    code = r.headers["Location"].rsplit("/", 1)[1]
    row = store.get_receipt(db, code)
    assert row["procedure_code"] == "2.000884" and row["issued_by"] == "lan"
    detail = client.get(f"/receipts/{code}").get_data(as_text=True)
    assert codes.display(code) in detail and "<svg" in detail and "Chờ trả kết quả" in detail


def test_a_name_matching_several_procedures_asks_which_one(client, db, login):
    login(client, "officer")
    data = {"dossier_code": "HS-8", "procedure": "đăng ký", "officer": "Lan", "received_date": "2026-03-02"}
    r = client.post("/receipts/new", data=data)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'data-testid="procedure-candidates"' in page and 'value="1.000894"' in page
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0
    r = client.post("/receipts/new", data=dict(data, procedure_choice="1.000894"))
    assert r.status_code == 302
    assert store.get_receipt(db, r.headers["Location"].rsplit("/", 1)[1])["procedure_code"] == "1.000894"


def test_a_procedure_that_does_not_exist_is_said_plainly(client, login):
    login(client, "officer")
    r = client.post("/receipts/new", data={"dossier_code": "HS-9", "procedure": "cấp phép bay",
                                           "officer": "Lan", "received_date": "2026-03-02"})
    assert r.status_code == 200 and "Không tìm thấy thủ tục trong danh mục." in r.get_data(as_text=True)


def test_leaders_and_citizens_cannot_issue(client, login):
    assert client.get("/receipts/new").status_code == 302  # to the sign-in page
    login(client, "leader")
    assert client.get("/receipts/new").status_code == 403


def test_slips_show_the_unit_procedure_appointment_code_and_invitation(client, officer, app, login):
    out = issue(client, officer, procedure_code="1.000894", appointment_date="2030-01-10")
    login(client, "officer")
    for layout in ("roll", "a4"):
        page = client.get(f"/receipts/{out['code']}/slip?layout={layout}").get_data(as_text=True)
        for text in (app.config["COMMUNE_NAME"], app.config["UNIT_NAME"], "Đăng ký kết hôn",
                     "10/01/2030", codes.display(out["code"]), "Mời Ông/Bà quét mã để đánh giá sự hài lòng"):
            assert text in page, (layout, text)
        assert "<svg" in page and f"layout-{layout}" in page
        # the slip names its dossier (issue 13: eight stickers of one procedure told apart)
        assert f"<strong>{out['dossier_code']}</strong>" in page if "dossier_code" in out else "HS-" in page
    english = client.get(f"/receipts/{out['code']}/slip?lang=en").get_data(as_text=True)
    assert "Please scan the code" in english and "Appointment date" in english
    assert client.get(f"/receipts/{out['code']}/slip?layout=poster").status_code == 404


def test_several_receipts_print_on_a4_sheets_of_eight(client, officer, login):
    made = [issue(client, officer)["code"] for _ in range(9)]
    login(client, "officer")
    page = client.get("/receipts/slips?" + "&".join(f"code={c}" for c in made)).get_data(as_text=True)
    assert page.count('data-testid="slip"') == 9 and page.count('class="sheet sheet-a4"') == 2


@pytest.mark.skipif(NO_ZBAR, reason="zbarimg (apt: zbar-tools) not installed")
def test_the_png_qr_decodes_to_the_public_url_not_the_host_header(tmp_path):
    from kiosk import create_app
    from kiosk.store.db import connect
    app = create_app({"INSTANCE": tmp_path / "i", "TESTING": True, "SECRET_KEY": "t",
                      "PUBLIC_BASE_URL": "https://hailong.xa-mau.gov.vn"})
    db = connect(app.config["DATABASE"])
    c = app.test_client()
    headers = make_token(db, "officer")
    out = issue(c, headers)
    png = c.get(f"/receipts/{out['code']}/qr.png", headers=dict(headers, Host="evil.example"))
    (tmp_path / "qr.png").write_bytes(png.data)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == "https://hailong.xa-mau.gov.vn/r/" + out["code"] == out["url"]


def test_the_qr_images_need_a_staff_member_or_token(client, db, officer):
    out = issue(client, officer)
    assert client.get(f"/receipts/{out['code']}/qr.svg").status_code == 401
    assert client.get(f"/receipts/{out['code']}/qr.svg", headers=make_token(db, "kiosk")).status_code == 403
    assert client.get(f"/receipts/{out['code']}/qr.gif", headers=officer).status_code == 404


def test_the_officer_sees_only_whether_a_dossier_was_rated_never_the_answer(client, officer, tablet, login,
                                                                            rating_body):
    out = issue(client, officer)
    body = rating_body(overall=1, receipt=out["code"], comment="Cán bộ gắt gỏng")
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    login(client, "officer", "officer system")
    for url in (f"/receipts/{out['code']}", "/receipts/"):
        page = client.get(url).get_data(as_text=True)
        assert "Đã đánh giá" in page
        for secret in ("Rất không hài lòng", "gắt gỏng", body["id"]):
            assert secret not in page, (url, secret)


def test_return_from_the_officer_page_sets_the_counter_and_remembers_it(client, db, officer, tablet, login):
    out = issue(client, officer, counter=None)
    login(client, "officer")
    r = client.post(f"/receipts/{out['code']}/return", data={"counter": "Quầy 1"})
    assert r.status_code == 302
    row = store.get_receipt(db, out["code"])
    assert row["counter"] == "Quầy 1" and row["returned_at"]
    assert tablet.get("/tablet/state").get_json()["receipt"] == out["code"]
    other = issue(client, officer, counter=None)
    assert 'value="Quầy 1"' in client.get(f"/receipts/{other['code']}").get_data(as_text=True)


def test_a_used_code_cannot_be_returned_again(client, officer, tablet, rating_body):
    out = issue(client, officer)
    tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"]))
    r = client.post(f"/api/v1/receipts/{out['code']}/return", json={"counter": "Quầy 1"}, headers=officer)
    assert r.status_code == 409
    assert client.post("/api/v1/receipts/ZZZZZZZZZ/return", json={}, headers=officer).status_code == 404


def test_the_tablet_can_ask_whether_a_typed_code_can_be_rated(client, db, officer, tablet, rating_body):
    out = issue(client, officer, procedure_code="1.000656")
    r = tablet.get(f"/api/v1/receipts/{codes.display(out['code']).lower()}/status")
    assert r.status_code == 200
    assert r.get_json() == {"code": out["code"], "status": "open", "procedure_name": "Đăng ký khai tử"}
    assert tablet.get("/api/v1/receipts/ZZZZZZZZZ/status").get_json()["status"] == "unknown"
    tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"]))
    assert tablet.get(f"/api/v1/receipts/{out['code']}/status").get_json() == {
        "code": out["code"], "status": "used", "procedure_name": None}
    assert client.get(f"/api/v1/receipts/{out['code']}/status").status_code == 401
    assert client.get(f"/api/v1/receipts/{out['code']}/status",
                      headers=make_token(db, "leader")).status_code == 403
    for _ in range(10):
        tablet.get(f"/api/v1/receipts/{codes.new_code()}/status")
    assert tablet.get(f"/api/v1/receipts/{out['code']}/status").status_code == 429
