"""axe-core (npm, node_modules/axe-core) on the citizen's screens: the tablet's welcome, the
acknowledgement with its offer and reasons (the "Khác" box open), a follow-up question
with the face it belongs to, the comment with the complaint
panel open, the keypad, and the phone form. Zero violations of WCAG 2.1 A/AA rules.

axe is injected into the page, which the Content-Security-Policy forbids; the test's browser
context bypasses the CSP for that (the page itself is served unchanged)."""
from __future__ import annotations

import json
import os
import urllib.request
import uuid

import pytest

from kiosk import store
from kiosk.store.db import connect
from kiosk.web.auth import hash_token
from tests.browser_helpers import LANDSCAPE, PORTRAIT, tap, wait_screen
from tests.helpers import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_path():
    if not AXE.exists():
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail("axe-core is missing: run `npm ci` (as .ci/run does)")
        pytest.skip("axe-core not installed (npm ci)")
    return str(AXE)


def violations(page, axe_path):
    page.add_script_tag(path=axe_path)
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
      }).then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
                                             nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))""")
    return result


def context(browser, viewport):
    # reduced motion: no fade-in, so contrast is measured on the settled screen
    return browser.new_context(viewport=viewport, has_touch=True, locale="vi-VN", bypass_csp=True,
                               timezone_id="Asia/Ho_Chi_Minh", reduced_motion="reduce")


@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_tablet_screens_have_no_axe_violations(browser, live_server_factory, axe_path, viewport):
    server = live_server_factory(env={"KIOSK_THANKS_SECONDS": "60", "KIOSK_IDLE_SECONDS": "60"})
    page = context(browser, viewport).new_page()
    server.enrol(page)
    wait_screen(page, "screen-welcome")
    found = {"welcome": violations(page, axe_path)}
    tap(page, "face-2")
    wait_screen(page, "screen-reasons")
    tap(page, "reason-waiting")
    found["acknowledgement with reasons"] = violations(page, axe_path)
    tap(page, "reason-other")
    page.wait_for_selector('[data-testid="reason-other-text"]:visible')
    found["acknowledgement with the Khác box"] = violations(page, axe_path)
    tap(page, "more")
    wait_screen(page, "screen-quick")
    found["follow-up question"] = violations(page, axe_path)
    for _ in range(3):
        tap(page, "skip")
    wait_screen(page, "screen-comment")
    tap(page, "complaint-toggle")
    found["comment with the complaint panel"] = violations(page, axe_path)
    tap(page, "done")  # a complaint without its text: the tablet asks for it
    page.wait_for_selector('[data-testid="complaint-problem"]:visible')
    found["comment asking for the complaint's text"] = violations(page, axe_path)
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Chờ lâu")
    tap(page, "done")
    wait_screen(page, "screen-welcome", timeout=15_000)
    tap(page, "keypad-open")
    wait_screen(page, "screen-keypad")
    found["keypad"] = violations(page, axe_path)
    tap(page, "back")
    tap(page, "face-5")
    wait_screen(page, "screen-ack")
    found["acknowledgement"] = violations(page, axe_path)
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, ensure_ascii=False, indent=1)
    page.context.close()


def test_phone_form_has_no_axe_violations(browser, live_server, axe_path):
    db = connect(live_server.db_path)
    try:
        token = "officer-token-" + uuid.uuid4().hex
        store.create_token(db, "one-stop software", "officer", hash_token(token))
    finally:
        db.conn.close()
    body = {"dossier_code": "HS-" + uuid.uuid4().hex[:8], "procedure_code": "1.001193",
            "officer": "Nguyễn Thị Lan", "appointment_date": "2030-01-10"}
    req = urllib.request.Request(live_server.url + "/api/v1/receipts", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        code = json.loads(r.read())["code"]
    page = context(browser, {"width": 360, "height": 740}).new_page()
    page.goto(live_server.url + f"/r/{code}")
    found = {}
    # every screen of the form, with the low rating's reasons and the complaint panel open
    for n in range(1, 5):
        page.wait_for_selector(f'[data-testid="step"]:text("Bước {n}/4")')
        if n == 1:
            page.locator('[data-testid="q-overall"] label.opt').nth(3).tap()
        if n == 2:
            page.locator('[data-testid="q-online_used"] label.opt').first.tap()
        if n == 4:
            page.locator('[data-testid="q-comment"] textarea').fill("Phải chờ lâu.")
            page.locator('[data-testid="complaint-toggle"]').check()
        found[f"phone form, screen {n}"] = violations(page, axe_path)
        with page.expect_navigation():
            page.locator('[data-testid="next"], [data-testid="send"]').first.tap()
    page.wait_for_selector('[data-testid="complaint-code"]')
    found["complaint sent"] = violations(page, axe_path)
    page.goto(live_server.url + f"/r/{code}")
    page.wait_for_selector('[data-testid="complaint-status"]')
    found["used, with its complaint's state"] = violations(page, axe_path)
    page.goto(live_server.url + "/r/ZZZZZZZZZ")
    found["not found"] = violations(page, axe_path)
    page.goto(live_server.url + "/r/")
    found["code entry"] = violations(page, axe_path)
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, ensure_ascii=False, indent=1)
    page.context.close()
