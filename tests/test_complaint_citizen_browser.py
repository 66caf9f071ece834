"""Complaints from the citizen's side, in Chromium against a real ``python -m kiosk serve``:
the phone form (no JavaScript) with consent before a phone number, the official's answer in
the inbox, the reply seen with the complaint's own code, the number erased after closure plus
retention (the clock moved, not slept); and the complaint toggle on the counter tablet.

Screenshots go to /tmp/shots/ (or $KIOSK_SHOTS): complaint-*.png.
"""
from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import timedelta

import pytest

from kiosk import clock, store
from kiosk.store.db import connect
from kiosk.web.auth import hash_token
from survey_forms.loader import load
from tests.browser_helpers import enrolled_tablet, responses, shot, tap, wait_queue_empty, wait_screen
from tests.helpers import PASSWORD

PHONE = {"width": 390, "height": 844}
QUICK = [q.id for q in load("counter").questions if q.quick]
RETENTION_DAYS = 30


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(env={"KIOSK_THANKS_SECONDS": "2",
                                    "KIOSK_CONTACT_RETENTION_DAYS": str(RETENTION_DAYS)})


def issue_receipt(server) -> str:
    """A receipt code, issued through the API with an officer's token."""
    db = connect(server.db_path)
    try:
        token = "officer-token-" + uuid.uuid4().hex
        store.create_token(db, "one-stop software", "officer", hash_token(token))
    finally:
        db.conn.close()
    body = {"dossier_code": "HS-" + uuid.uuid4().hex[:8], "procedure_code": "1.001193",
            "officer": "Nguyễn Thị Lan", "appointment_date": "2030-01-10", "counter": "Quầy 1"}
    req = urllib.request.Request(server.url + "/api/v1/receipts", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["code"]


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  java_script_enabled=False, locale="vi-VN")
    return context.new_page()


def sign_in(browser, server, user, role):
    server.create_user(user, role)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                               timezone_id="Asia/Ho_Chi_Minh").new_page()
    page.goto(server.url + "/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + ("/receipts/" if role == "officer" else "/admin/"))  # officers start at receipts
    return page


def counts(server):
    return {t: server.query(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"]
            for t in ("responses", "complaints", "complaint_contacts")}


def test_phone_complaint_with_consent_answered_seen_and_number_erased(browser, server, screenshot, shots):
    code = issue_receipt(server)
    phone = phone_page(browser)
    phone.goto(f"{server.url}/r/{code}")
    section = phone.locator('[data-testid="complaint"]')
    phone.locator('[data-testid="q-overall"] label.opt:has(input[value="2"])').tap()
    for _ in range(3):  # on to the last screen, the comment's
        with phone.expect_navigation():
            phone.locator('[data-testid="next"]').tap()
    # nothing ticked, the choices hidden until the citizen asks for a reply
    assert phone.locator("input:checked").count() == 0
    assert not phone.locator('[data-testid="complaint-phone"]').is_visible()
    phone.fill('[data-testid="q-comment"] textarea',
               "Cán bộ trả lời cộc lốc, không hướng dẫn bổ sung giấy tờ.")
    section.locator('label:has([data-testid="complaint-toggle"])').tap()
    assert phone.locator('[data-testid="complaint-phone"]').is_visible()
    assert phone.locator('[data-testid="complaint-notice"]').is_visible()
    section.locator('label:has([data-testid="complaint-topic-officer"])').tap()
    phone.fill('[data-testid="complaint-phone"]', "0912 345 678")
    assert not phone.locator('[data-testid="complaint-consent"]').is_checked()
    for testid in ("complaint-toggle", "complaint-consent"):
        box = section.locator(f'label:has([data-testid="{testid}"])').bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300, (testid, box)
    assert phone.locator("html").bounding_box()["width"] <= PHONE["width"]
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(shots / "complaint-01-phone-section.png"))
    screenshot(phone, "complaint-01-phone-full")

    # first without consent: a friendly message, everything kept, nothing stored
    phone.locator('[data-testid="send"]').tap()
    phone.wait_for_selector('[data-testid="consent-error"]')
    assert "đánh dấu ô đồng ý" in phone.inner_text('[data-testid="problem"]')
    assert phone.input_value('[data-testid="complaint-phone"]') == "0912 345 678"
    assert phone.locator('[data-testid="complaint-topic-officer"]').is_checked()
    assert phone.locator('[data-testid="complaint-toggle"]').is_checked()
    assert phone.locator('input[type="hidden"][name="overall"][value="2"]').count() == 1
    assert "cộc lốc" in phone.input_value('[data-testid="q-comment"] textarea')
    assert counts(server) == {"responses": 0, "complaints": 0, "complaint_contacts": 0}
    assert not server.query("SELECT 1 FROM audit_log WHERE detail LIKE '%0912%'")
    screenshot(phone, "complaint-02-consent-error")
    section.screenshot(path=str(shots / "complaint-02-consent-error-section.png"))

    # then with consent
    section.locator('label:has([data-testid="complaint-consent"])').tap()
    phone.locator('[data-testid="send"]').tap()
    phone.wait_for_url("**/phan-anh/*?sent=1")
    complaint_page = phone.url.split("?")[0]  # the complaint's own code: the citizen's alone
    assert phone.inner_text('[data-testid="complaint-code"]').replace("-", "") == complaint_page.rsplit("/", 1)[-1]
    assert phone.locator('[data-testid="notice-thanks"]').is_visible()
    assert phone.inner_text('[data-testid="complaint-status-label"]') == "Mới"
    (c,) = server.query("SELECT * FROM complaints")
    assert c["topic"] == "officer" and c["receipt"] == code and c["status"] == "new"
    assert c["text"] == "Cán bộ trả lời cộc lốc, không hướng dẫn bổ sung giấy tờ."
    y, m, d = c["due_date"].split("-")
    assert phone.inner_text('[data-testid="complaint-due"]') == f"{d}/{m}/{y}"
    (resp,) = server.query("SELECT * FROM responses")
    assert c["response_id"] == resp["id"] and resp["overall"] == 2 and resp["channel"] == "phone"
    (contact,) = server.query("SELECT * FROM complaint_contacts")
    assert contact["phone"] == "0912345678" and contact["consent_at"]
    assert "0912" not in json.dumps(resp, ensure_ascii=False)
    assert "0912" not in phone.content()
    screenshot(phone, "complaint-03-status-new")

    # an official (leader) answers it in the inbox
    leader = sign_in(browser, server, "chu-tich", "leader")
    leader.goto(server.url + "/admin/complaints/")
    assert "cộc lốc" in leader.content()
    leader.goto(f"{server.url}/admin/complaints/{c['id']}")
    leader.fill("#reply", "UBND xã đã nhắc nhở cán bộ và xin lỗi Ông/Bà. Giấy tờ cần bổ sung: bản sao CCCD.")
    leader.click('[data-testid="answer"]')
    leader.wait_for_selector('[data-testid="reply"]')
    assert leader.inner_text('[data-testid="status"]') == "Đã trả lời"

    # the receipt's address shows only that the complaint was answered; its own code the reply
    phone.goto(f"{server.url}/r/{code}")
    assert phone.inner_text('[data-testid="complaint-status-label"]') == "Đã trả lời"
    assert phone.locator('[data-testid="complaint-reply"]').count() == 0
    phone.goto(complaint_page)
    assert phone.inner_text('[data-testid="complaint-status-label"]') == "Đã trả lời"
    assert phone.inner_text('[data-testid="complaint-reply"]') == (
        "UBND xã đã nhắc nhở cán bộ và xin lỗi Ông/Bà. Giấy tờ cần bổ sung: bản sao CCCD.")
    assert not phone.locator('[data-testid="notice-thanks"]').count()
    page = phone.content()
    assert "0912" not in page and "chu-tich" not in page and "Nguyễn Thị Lan" not in page
    screenshot(phone, "complaint-04-status-answered")

    # closure + retention: the clock moved (in this process, on the live database)
    db = connect(server.db_path)
    try:
        now = clock.utcnow()
        assert store.purge_contacts(db, RETENTION_DAYS, now=now) == []
        assert server.query("SELECT phone FROM complaint_contacts")[0]["phone"] == "0912345678"
        later = now + timedelta(days=RETENTION_DAYS, minutes=1)
        assert store.purge_contacts(db, RETENTION_DAYS, now=later) == [c["id"]]
    finally:
        db.conn.close()
    (contact,) = server.query("SELECT * FROM complaint_contacts")
    assert contact["phone"] is None and contact["erased_at"]
    assert server.query("SELECT 1 FROM complaint_events WHERE complaint_id = ? AND action = 'phone_erased'",
                        [c["id"]])
    assert server.query("SELECT 1 FROM audit_log WHERE action = 'phone_erased'")
    # the citizen still sees the reply; the official sees that the number is gone
    phone.goto(complaint_page)
    assert "Đã trả lời" in phone.inner_text('[data-testid="complaint-status-label"]')
    leader.goto(f"{server.url}/admin/complaints/{c['id']}")
    assert "Đã xóa" in leader.inner_text('[data-testid="phone"]')


def to_comment(page, face="2"):
    tap(page, f"face-{face}")
    wait_screen(page, "screen-reasons")
    tap(page, "reason-attitude")
    tap(page, "more")
    for qid in QUICK:
        wait_screen(page, "screen-quick")
        page.wait_for_selector(f'[data-testid^="answer-{qid}-"]')
        tap(page, "skip")
    wait_screen(page, "screen-comment")


def test_tablet_comment_becomes_a_complaint_linked_to_the_response(browser, server):
    page = enrolled_tablet(browser, server)
    to_comment(page)
    assert not page.locator('[data-testid="complaint-phone"]').is_visible()
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Cán bộ nói chuyện điện thoại riêng khi tiếp dân")
    shot(page, "complaint-05a-tablet-comment-toggle-off")
    tap(page, "complaint-toggle")
    assert page.get_attribute('[data-testid="complaint-toggle"]', "aria-pressed") == "true"
    for testid in ("complaint-kind-complaint", "complaint-kind-suggestion", "complaint-topic-officer",
                   "complaint-phone", "complaint-consent", "complaint-notice"):
        assert page.locator(f'[data-testid="{testid}"]').is_visible(), testid
    notice = page.inner_text('[data-testid="complaint-notice"]')
    for words in ("chỉ số điện thoại", "UBND Xã Mẫu", f"thêm {RETENTION_DAYS} ngày", "xóa số ngay"):
        assert words in notice, words
    assert not page.locator('[data-testid="complaint-consent"]').is_checked()
    tap(page, "complaint-kind-complaint")
    tap(page, "complaint-topic-officer")
    for testid in ("complaint-toggle", "complaint-topic-officer", "complaint-phone"):
        box = page.locator(f'[data-testid="{testid}"]').bounding_box()
        assert box["height"] >= 70, (testid, box)
    shot(page, "complaint-05-tablet-complaint")
    assert page.locator('[data-testid="done"]').is_visible()
    send_box = page.locator('[data-testid="done"]').bounding_box()
    assert send_box["y"] + send_box["height"] <= 800, send_box  # "Xong" stays in reach
    tap(page, "done")
    wait_screen(page, "thanks")
    assert page.locator('[data-testid="thanks-complaint"]').is_visible()
    # the complaint's own code, as soon as the server has stored it: the citizen's key to the reply
    page.wait_for_selector('[data-testid="thanks-complaint-code"]:visible')
    shown = page.inner_text('[data-testid="thanks-complaint-code"]')
    wait_screen(page, "screen-welcome")
    wait_queue_empty(page)

    (row,) = responses(server.db_path)
    (c,) = server.query("SELECT * FROM complaints")
    assert f"{c['code'][:4]}-{c['code'][4:8]}-{c['code'][8]}" in shown and "/phan-anh/" in shown
    assert c["response_id"] == row["id"] and c["topic"] == "officer" and c["status"] == "new"
    assert c["text"] == "Cán bộ nói chuyện điện thoại riêng khi tiếp dân"
    assert server.query("SELECT * FROM complaint_contacts") == []
    assert server.query("SELECT detail FROM complaint_events")[0]["detail"] == "complaint"
    assert page.evaluate("() => window.hailong.rejected()") == []
    assert page.kiosk_errors == [], page.kiosk_errors


def test_tablet_refuses_a_phone_without_consent_then_sends_it_with_consent(browser, server):
    page = enrolled_tablet(browser, server)
    to_comment(page, face="1")
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Nên có chỗ gửi xe có mái che")
    tap(page, "complaint-toggle")
    tap(page, "complaint-kind-suggestion")
    tap(page, "complaint-topic-place")
    page.locator('[data-testid="complaint-phone"]').tap()
    page.keyboard.insert_text("0987 654 321")
    tap(page, "done")
    page.wait_for_selector('[data-testid="complaint-problem"]:visible')
    assert "đánh dấu ô đồng ý" in page.inner_text('[data-testid="complaint-problem"]')
    shot(page, "complaint-06-tablet-consent-message")
    # the rating itself waits, held, in the tablet's outbox; no phone number is stored with it
    held = page.evaluate("() => window.hailong.queue()")
    assert [item["held"] for item in held] == [True], held
    assert "0987" not in str(held) and responses(server.db_path) == []
    # a wrong number is caught on the tablet too (a 400 would set the whole rating aside)
    page.locator('[data-testid="complaint-consent"]').tap()
    assert page.locator('[data-testid="complaint-problem"]').is_hidden()
    page.fill('[data-testid="complaint-phone"]', "12345")
    tap(page, "done")
    page.wait_for_selector('[data-testid="complaint-problem"]:visible')
    assert "chưa đúng" in page.inner_text('[data-testid="complaint-problem"]')
    page.fill('[data-testid="complaint-phone"]', "0987 654 321")
    tap(page, "done")
    wait_screen(page, "thanks")
    wait_screen(page, "screen-welcome")
    wait_queue_empty(page)
    (c,) = server.query("SELECT * FROM complaints")
    assert c["topic"] == "place"
    assert server.query("SELECT detail FROM complaint_events")[0]["detail"] == "suggestion"
    assert server.query("SELECT phone FROM complaint_contacts")[0]["phone"] == "0987654321"

    # the next citizen finds everything reset
    to_comment(page)
    assert page.get_attribute('[data-testid="complaint-toggle"]', "aria-pressed") == "false"
    assert not page.locator('[data-testid="complaint-phone"]').is_visible()
    tap(page, "complaint-toggle")
    assert page.input_value('[data-testid="complaint-phone"]') == ""
    assert not page.locator('[data-testid="complaint-consent"]').is_checked()
    for testid in ("complaint-kind-suggestion", "complaint-topic-place"):
        assert page.get_attribute(f'[data-testid="{testid}"]', "aria-pressed") == "false"
    # English: the notice in English with the same facts
    tap(page, "lang-en")
    assert "erased automatically" in page.inner_text('[data-testid="complaint-notice"]')
    assert page.inner_text('[data-testid="complaint-toggle"]').startswith("I would like a reply")
    shot(page, "complaint-07-tablet-english")
    page.set_viewport_size({"width": 800, "height": 1280})
    shot(page, "complaint-08-tablet-portrait")
    assert page.kiosk_errors == [], page.kiosk_errors
