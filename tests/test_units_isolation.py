"""Isolation over the whole URL map (issue 15 point 8): on a server of two communes, no
officer, leader, admin, tablet or token of Xã Đông Hòa can read or change Xã Tây Hòa's
receipts, complaints, tablets, users, figures or downloads.

Every route of ``app.url_map`` is either probed here (``PROBES``) or named in ``PUBLIC``
with the reason it needs no probe; a new route that is neither fails
``test_every_route_is_classified``, so nobody adds a page without deciding who may see it.
"""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from kiosk import clock, store
from kiosk.web.auth import DEVICE_COOKIE, hash_password, hash_token
from tests.helpers import PASSWORD

EAST, WEST = "00001", "27002"  # Xã Đông Hòa (the first unit) and Xã Tây Hòa
SECRETS = ("HS-TAYHOA-1", "Khiếu nại Tây Hòa", "Máy Tây Hòa", "canbo-tayhoa", "Cán bộ Tây Hòa",
           "Quầy Tây Hòa", "token-tayhoa", "Bình luận Tây Hòa")

# Routes that need no probe, and why.
PUBLIC = {
    "static": "vendored assets",
    "health.healthz": "says only whether the database answers",
    "auth.login": "signs in; what a user then sees is probed route by route",
    "auth.logout": "ends the caller's own session",
    "auth.enrol": "enrols a tablet into the signing admin's own unit (test_units_pages)",
    "tablet.index": "the tablet's own welcome screen, named for its own unit",
    "tablet.service_worker": "a static script",
    "phone.enter": "the citizen's code-entry page",
    "phone.thanks": "a thank-you page",
    "phone.complaint_enter": "the citizen's code-entry page",
    "phone.form": "the citizen holding a receipt code rates that dossier (the code is the credential)",
    "phone.complaint": "the citizen holding a complaint's own code reads its reply (the code is the credential)",
    "public.board": "the public board: figures without personal data, per unit by design",
    "public.poster": "the public poster: the board's figures, per unit by design",
    "catalogue.home": "a redirect to the shared procedure catalogue",
    "catalogue.procedures": "the procedure catalogue is shared by every unit",
    "catalogue.export_procedures": "the procedure catalogue is shared by every unit",
}


@pytest.fixture
def two_communes(app, db):
    """Xã Đông Hòa's people (the callers) and Xã Tây Hòa's rows (what they must not reach)."""
    store.create_unit(db, WEST, "Xã Tây Hòa", province="Tỉnh Mẫu")
    ids = {}
    for role in ("officer", "leader", "admin"):
        store.create_user(db, f"east-{role}", hash_password(PASSWORD), role, unit=EAST)
    ids["user"] = store.create_user(db, "canbo-tayhoa", hash_password(PASSWORD), "leader", "Cán bộ Tây Hòa",
                                    unit=WEST)
    for role in ("officer", "leader", "kiosk"):
        store.create_token(db, f"east-{role}", role, hash_token(f"east-{role}-token"), unit=EAST)
    ids["token"] = store.create_token(db, "token-tayhoa", "officer", hash_token("west-officer-token"), unit=WEST)
    store.enrol_kiosk(db, "Quầy 1", hash_token("east-tablet"), "east-admin", counter="Quầy 1", unit=EAST)
    ids["kiosk"] = store.enrol_kiosk(db, "Máy Tây Hòa", hash_token("west-tablet"), "admin", counter="Quầy 1",
                                     unit=WEST)
    ids["officer"] = store.save_officer(db, "Cán bộ Tây Hòa", None, unit=WEST)
    ids["counter"] = store.save_counter(db, "Quầy Tây Hòa", unit=WEST)
    from kiosk.store.alerts import record_alert
    ids["alert"] = record_alert(db, "silent_kiosk", "Máy Tây Hòa|2026-12-01T00:00:00.000Z", WEST, "Máy Tây Hòa",
                                {"since": "2026-12-01T00:00:00.000Z", "opening_minutes": 120}, clock.utcnow())

    client = app.test_client()
    west = {"Authorization": "Bearer west-officer-token"}
    r = client.post("/api/v1/receipts", headers=west,
                    json={"dossier_code": "HS-TAYHOA-1", "procedure_code": "1.001193", "officer": "Cán bộ Tây Hòa"})
    ids["receipt"] = r.get_json()["code"]
    returned = client.post("/api/v1/receipts", headers=west,
                           json={"dossier_code": "HS-TAYHOA-2", "procedure_code": "1.001193", "officer": "Lan"})
    ids["returned"] = returned.get_json()["code"]
    client.post(f"/api/v1/receipts/{ids['returned']}/return", headers=west, json={"counter": "Quầy 1"})
    client.set_cookie(DEVICE_COOKIE, "west-tablet")
    for i in range(3):
        body = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 1, "answers": {},
                "comment": "Bình luận Tây Hòa"}
        if i == 0:
            body["complaint"] = {"topic": "place", "text": "Khiếu nại Tây Hòa: phải chờ hai tiếng"}
        assert client.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"}).status_code == 201
    ids["complaint"] = db.execute("SELECT id FROM complaints WHERE unit = ?", [WEST]).fetchone()[0]
    client.set_cookie(DEVICE_COOKIE, "east-tablet")
    for _ in range(2):
        body = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 5, "answers": {}}
        assert client.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"}).status_code == 201
    return ids


def _callers(app):
    """Xã Đông Hòa's officer, leader and admin (signed in), its tablet, and its tokens."""
    out = {}
    for role in ("officer", "leader", "admin"):
        c = app.test_client()
        assert c.post("/login", data={"username": f"east-{role}", "password": PASSWORD}).status_code == 302
        out[role] = (c, {})
    tablet = app.test_client()
    tablet.set_cookie(DEVICE_COOKIE, "east-tablet")
    out["tablet"] = (tablet, {"X-Kiosk-Request": "1"})
    for role in ("officer", "leader", "kiosk"):
        out[f"{role}-token"] = (app.test_client(), {"Authorization": f"Bearer east-{role}-token"})
    return out


def _west_rows(db) -> str:
    """Everything of Xã Tây Hòa that no caller of Xã Đông Hòa may change."""
    tables = {"receipts": "code", "complaints": "id", "kiosks": "id", "users": "id", "api_tokens": "id",
              "officers": "id", "counters": "id", "units": "code", "responses": "seq", "alerts": "id"}
    snapshot = {}
    for table, key in tables.items():
        column = "code" if table == "units" else "unit"
        snapshot[table] = [dict(r) for r in db.query(
            f"SELECT * FROM {table} WHERE {column} = ? ORDER BY {key}", [WEST])]
        for row in snapshot[table]:
            row.pop("last_seen_at", None)
            row.pop("last_used_at", None)
    return json.dumps(snapshot, sort_keys=True, default=str)


def PROBES(ids):  # noqa: N802 (a table, built from the ids of the fixture)
    """endpoint → requests (method, path, form or JSON body). Each is sent by every caller;
    none may answer with another unit's rows, and afterwards nothing of that unit changed."""
    r, k, c, u, t = ids["receipt"], ids["kiosk"], ids["complaint"], ids["user"], ids["token"]
    other = f"?unit={WEST}"
    return {
        "admin.home": [("GET", "/admin/", None), ("GET", "/admin/" + other, None)],
        "admin.revoke_kiosk": [("POST", f"/admin/kiosks/{k}/revoke", {})],
        "admin.revoke_token": [("POST", f"/admin/tokens/{t}/revoke", {})],
        "admin.users": [("GET", "/admin/users", None), ("GET", "/admin/users" + other, None),
                        ("POST", "/admin/users", {"username": "moi-tay-hoa", "role": "admin", "unit": WEST,
                                                  "password": PASSWORD})],
        "admin.toggle_user": [("POST", f"/admin/users/{u}/active", {})],
        "admin.set_full_name": [("POST", f"/admin/users/{u}/full-name", {"full_name": "Đổi tên"})],
        "admin.reset_password": [("POST", f"/admin/users/{u}/password", {"password": "mat-khau-moi-99"})],
        "admin.change_role": [("POST", f"/admin/users/{u}/role", {"role": "officer"})],
        "admin.set_email": [("POST", f"/admin/users/{u}/email", {"email": "doi@xadonghoa.gov.vn"})],
        "admin.acknowledge_alert": [("POST", f"/admin/alerts/{ids['alert']}/acknowledge", {})],
        "complaints.inbox": [("GET", "/admin/complaints/?status=all", None),
                             ("GET", "/admin/complaints/?status=all&unit=" + WEST, None)],
        "complaints.detail": [("GET", f"/admin/complaints/{c}", None),
                              ("POST", f"/admin/complaints/{c}", {"action": "answer", "reply": "Đã xử lý"})],
        "dashboard.index": [("GET", "/admin/dashboard/", None), ("GET", "/admin/dashboard/" + other, None)],
        **{f"reports.{name}": [("GET", f"/api/v1/{path}", None), ("GET", f"/api/v1/{path}{other}", None)]
           for name, path in (("summary_json", "summary"), ("summary_csv_download", "summary.csv"),
                              ("report_pdf", "report.pdf"), ("report_xlsx", "report.xlsx"),
                              ("responses_csv", "export/responses.csv"),
                              ("responses_xlsx", "export/responses.xlsx"))},
        "api.post_response": [("POST", "/api/v1/responses", {"json": {
            "id": str(uuid.uuid4()), "channel": "kiosk", "overall": 5, "answers": {}, "receipt": r}})],
        "api.post_receipt": [("POST", "/api/v1/receipts", {"json": {
            "dossier_code": "HS-TAYHOA-1", "procedure_code": "1.001193", "officer": "X", "unit": WEST}})],
        "api.post_receipt_return": [("POST", f"/api/v1/receipts/{r}/return", {"json": {"counter": "Quầy 1"}})],
        "api.get_receipt_status": [("GET", f"/api/v1/receipts/{r}/status", None),
                                   ("GET", "/api/v1/receipts/HS-TAYHOA-1/status", None)],
        "receipts.index": [("GET", "/receipts/?q=TAYHOA", None), ("GET", "/receipts/" + other, None)],
        "receipts.new": [("POST", "/receipts/new", {"dossier_code": "HS-TAYHOA-1", "procedure": "1.001193",
                                                    "officer": "X", "unit": WEST,
                                                    "received_date": clock.local_today().isoformat()})],
        "receipts.detail": [("GET", f"/receipts/{r}", None)],
        "receipts.returned": [("POST", f"/receipts/{r}/return", {"counter": "Quầy 1"})],
        "receipts.slip": [("GET", f"/receipts/{r}/slip", None)],
        "receipts.slips": [("GET", f"/receipts/slips?code={r}", None)],
        "receipts.qr": [("GET", f"/receipts/{r}/qr.svg", None)],
        "catalogue.officers": [("GET", "/catalogue/officers", None), ("GET", "/catalogue/officers" + other, None),
                               ("POST", "/catalogue/officers", {"id": ids["officer"], "name": "Đổi tên"})],
        "catalogue.counters": [("GET", "/catalogue/counters", None), ("GET", "/catalogue/counters" + other, None),
                               ("POST", "/catalogue/counters", {"id": ids["counter"], "name": "Đổi tên"}),
                               ("POST", "/catalogue/counters", {"kiosk_id": k, "counter": "Quầy 9"})],
        "catalogue.edit_procedure": [("POST", "/catalogue/procedures/1.001193/edit",
                                      {"name": "Đổi tên thủ tục dùng chung", "field": "Hộ tịch"})],
        "catalogue.import_procedures": [("POST", "/catalogue/procedures/import", {})],
        "catalogue.hide_procedure": [("POST", "/catalogue/procedures/1.001193/hidden", {"unit": WEST})],
        "tablet.state": [("GET", "/tablet/state", None)],
        # the league compares every commune: province callers only (403 for a commune's own)
        "province.units_json": [("GET", "/api/v1/summary/units", None)],
        "province.units_xlsx": [("GET", "/api/v1/summary/units.xlsx", None)],
        "province.units_pdf": [("GET", "/api/v1/summary/units.pdf", None)],
        "province.page": [("GET", "/admin/province/", None)],
    }


def _send(client, headers, method, path, body):
    if method == "GET":
        return client.get(path, headers=headers)
    if body and "json" in body:
        return client.post(path, json=body["json"], headers=headers)
    return client.post(path, data=body or {}, headers=headers)


def test_every_route_is_classified(app, two_communes):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    probed = set(PROBES(two_communes))
    assert endpoints - probed - set(PUBLIC) == set(), "a route nobody decided who may see"
    assert (probed | set(PUBLIC)) - endpoints == set(), "a classified route that no longer exists"


def test_no_caller_of_one_commune_reaches_anothers_rows(app, db, two_communes):
    before = _west_rows(db)
    callers = _callers(app)
    leaks = []
    for endpoint, requests in PROBES(two_communes).items():
        for method, path, body in requests:
            for who, (client, headers) in callers.items():
                response = _send(client, headers, method, path, body)
                text = response.get_data().decode("utf-8", "replace")
                leaked = [s for s in SECRETS if s in text]
                if response.status_code >= 500 or leaked:
                    leaks.append((endpoint, method, path, who, response.status_code, leaked))
                if f"unit={WEST}" in path and response.status_code == 200:
                    leaks.append((endpoint, method, path, who, 200, "another unit's figures or list"))
    assert leaks == []
    assert _west_rows(db) == before
    assert db.execute("SELECT count(*) FROM users WHERE unit = ?", [WEST]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM receipts WHERE unit = ?", [WEST]).fetchone()[0] == 2


def test_a_communes_figures_are_its_own(app, two_communes):
    callers = _callers(app)
    for who in ("leader", "admin", "leader-token"):
        client, headers = callers[who]
        summary = client.get("/api/v1/summary", headers=headers).get_json()
        assert (summary["unit"], summary["responses"]["all"]) == (EAST, 2), who
        refused = client.get(f"/api/v1/summary?unit={WEST}", headers=headers)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "other_unit"
        assert "đơn vị mình" in refused.get_json()["error"]["message"]


def test_a_tablet_never_invites_for_another_communes_return_at_a_counter_of_the_same_name(app, two_communes):
    tablet = app.test_client()
    tablet.set_cookie(DEVICE_COOKIE, "east-tablet")
    assert tablet.get("/tablet/state").get_json()["receipt"] is None


def test_a_province_leader_sees_each_commune_and_the_whole(app, db, two_communes):
    store.create_user(db, "so-noi-vu", hash_password(PASSWORD), "leader")  # every unit
    client = app.test_client()
    assert client.post("/login", data={"username": "so-noi-vu", "password": PASSWORD}).status_code == 302
    whole = client.get("/api/v1/summary").get_json()
    west = client.get(f"/api/v1/summary?unit={WEST}").get_json()
    assert (whole["unit"], whole["responses"]["all"]) == (None, 5)
    assert (west["unit"], west["responses"]["all"]) == (WEST, 3)
    assert client.get("/api/v1/summary?unit=99999").status_code == 404
    complaints = client.get("/admin/complaints/?status=all").get_data(as_text=True)
    assert "Khiếu nại Tây Hòa" in complaints
    assert "Khiếu nại Tây Hòa" not in client.get(f"/admin/complaints/?status=all&unit={EAST}").get_data(as_text=True)
    since = clock.utcnow() - timedelta(days=1)
    assert store.pending_return(db, "Quầy 1", since, clock.utcnow(), WEST)["code"] == two_communes["returned"]
