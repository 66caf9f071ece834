"""The dossier keypad on the counter tablet (issue 13, point 5): the citizen types the receipt
code or the dossier code printed on the receipt, and the rating binds to that dossier exactly
as through the QR code (one rating per dossier; an unknown code counts as a guess)."""
from __future__ import annotations

import json
import urllib.request
import uuid

from kiosk import store
from kiosk.store.db import connect
from kiosk.web.auth import hash_token
from tests.browser_helpers import dump, enrolled_tablet, responses, shot, tap, wait_queue_empty, wait_screen
from tests.receipt_helpers import issue, make_token

DOSSIER = "H15.50.05.13-261008-0975"


def test_a_dossier_code_answers_like_its_receipt_code(client, db, tablet, rating_body):
    officer = make_token(db, "officer")
    out = issue(client, officer, dossier_code=DOSSIER, procedure_code="1.000656")
    for typed in (DOSSIER, DOSSIER.lower(), f" {DOSSIER} "):
        r = tablet.get(f"/api/v1/receipts/{typed}/status")
        assert r.get_json() == {"code": out["code"], "status": "open", "procedure_name": "Đăng ký khai tử"}, typed
    # the tablet binds with the receipt code it was given: the same rule as the QR path
    assert tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"])).status_code == 201
    assert tablet.get(f"/api/v1/receipts/{DOSSIER}/status").get_json() == {
        "code": out["code"], "status": "used", "procedure_name": None}
    second = tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"]))
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "receipt_used"


def test_guessing_dossier_codes_is_throttled_like_receipt_codes(client, db, tablet):
    officer = make_token(db, "officer")
    out = issue(client, officer, dossier_code=DOSSIER)
    for n in range(10):
        assert tablet.get(f"/api/v1/receipts/H15.50.05.13-261008-{n:04d}/status").get_json()["status"] == "unknown"
    assert tablet.get(f"/api/v1/receipts/{DOSSIER}/status").status_code == 429
    assert out["code"]


def _issue_on_server(server, dossier_code):
    db = connect(server.db_path)
    try:
        token = "officer-token-" + uuid.uuid4().hex
        store.create_token(db, "one-stop software", "officer", hash_token(token))
    finally:
        db.conn.close()
    body = {"dossier_code": dossier_code, "procedure_code": "2.000884", "officer": "Nguyễn Thị Lan",
            "appointment_date": "2030-01-10"}
    req = urllib.request.Request(server.url + "/api/v1/receipts", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["code"]


def type_code(page, text):
    for ch in text:
        tap(page, f"key-{ch}")


def test_citizen_types_the_dossier_code_and_the_rating_binds_to_it(browser, live_server_factory):
    server = live_server_factory(env={"KIOSK_THANKS_SECONDS": "2"})
    code = _issue_on_server(server, DOSSIER)
    page = enrolled_tablet(browser, server)
    tap(page, "keypad-open")
    wait_screen(page, "screen-keypad")
    type_code(page, "H15.50.05.13-261008-09755")
    tap(page, "key-del")  # one too many: taken back
    assert page.inner_text('[data-testid="keypad-entry"]') == DOSSIER
    shot(page, "40-keypad-landscape")
    tap(page, "keypad-ok")
    wait_screen(page, "screen-welcome")
    page.wait_for_selector('[data-testid="procedure"]:visible')
    assert page.inner_text('[data-testid="procedure-name"]') == "Chứng thực chữ ký"
    assert DOSSIER not in page.inner_text("body")  # only the procedure's name is shown
    shot(page, "41-welcome-bound-by-keypad")
    tap(page, "face-4")
    wait_screen(page, "screen-ack")
    tap(page, "done")
    wait_screen(page, "screen-welcome")
    wait_queue_empty(page)
    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert rows[0]["receipt"] == code and rows[0]["dossier_code"] == DOSSIER and rows[0]["overall"] == 4
    assert page.locator('[data-testid="procedure"]').is_hidden()  # the next citizen is not bound

    # the same dossier again: already rated, said plainly; a wrong code: not found
    tap(page, "keypad-open")
    type_code(page, code)
    tap(page, "keypad-ok")
    page.wait_for_selector('[data-testid="keypad-problem"]:visible')
    assert page.inner_text('[data-testid="keypad-problem"]') == "Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà!"
    for _ in code:
        tap(page, "key-del")
    type_code(page, "ZZZZ")
    tap(page, "keypad-ok")
    page.wait_for_function("""() => document.querySelector('[data-testid="keypad-problem"]').textContent
                              .startsWith('Không tìm thấy mã này')""")
    tap(page, "back")
    wait_screen(page, "screen-welcome")
    page.set_viewport_size({"width": 800, "height": 1280})
    tap(page, "keypad-open")
    shot(page, "42-keypad-portrait")
    assert len(responses(server.db_path)) == 1
    assert page.kiosk_errors == [], page.kiosk_errors
