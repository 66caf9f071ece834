"""The phone's "not found", "already used" and "expired" pages lead back to code entry
(issue 13, point 9), so a citizen who mistyped or scanned an old slip is never stuck."""
from tests.receipt_helpers import issue, make_token


def test_an_unknown_code_leads_back_to_code_entry(client):
    r = client.get("/r/ZZZZZZZZZ")
    assert r.status_code == 404
    page = r.get_data(as_text=True)
    assert 'data-testid="back-to-entry"' in page and 'href="/r/"' in page
    assert client.get("/r/").status_code == 200


def test_a_used_code_leads_back_to_code_entry(client, db, tablet, rating_body):
    out = issue(client, make_token(db, "officer"))
    assert tablet.post("/api/v1/responses", json=rating_body(receipt=out["code"])).status_code == 201
    r = client.get(f"/r/{out['code']}")
    assert r.status_code == 410
    assert 'data-testid="back-to-entry"' in r.get_data(as_text=True)


def test_the_chosen_answer_is_framed_without_has(browser, live_server, shots):
    """Chrome 70-104 have no :has(): the frame of a chosen answer is drawn by the text after
    the checked input, so it shows on the commune's older phones too (and here)."""
    import json
    import urllib.request
    import uuid

    from kiosk import store
    from kiosk.store.db import connect
    from kiosk.web.auth import hash_token
    db = connect(live_server.db_path)
    try:
        token = "officer-token-" + uuid.uuid4().hex
        store.create_token(db, "one-stop software", "officer", hash_token(token))
    finally:
        db.conn.close()
    body = {"dossier_code": "HS-1", "procedure_code": "1.001193", "officer": "Lan"}
    req = urllib.request.Request(live_server.url + "/api/v1/receipts", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        code = json.loads(r.read())["code"]
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                  has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(live_server.url + f"/r/{code}")
    option = page.locator('[data-testid="q-overall"] label.opt').nth(1)
    option.tap()
    frame = page.evaluate("""() => {
        const span = document.querySelector('[data-testid="q-overall"] input:checked + span');
        const s = getComputedStyle(span, '::before');
        return {border: s.borderTopColor, background: s.backgroundColor, position: s.position};
      }""")
    assert frame == {"border": "rgb(11, 79, 138)", "background": "rgb(230, 240, 250)", "position": "absolute"}
    page.locator('[data-testid="q-overall"]').screenshot(path=str(shots / "phone-chosen-answer.png"))
    top = page.locator("header.top").bounding_box()
    lang = page.locator('[data-testid="lang-en"]').bounding_box()
    assert lang["height"] < 40 and lang["y"] + lang["height"] <= top["y"] + top["height"]
    context.close()


def _receipt(server):
    import json
    import urllib.request
    import uuid

    from kiosk import store
    from kiosk.store.db import connect
    from kiosk.web.auth import hash_token
    db = connect(server.db_path)
    try:
        token = "officer-token-" + uuid.uuid4().hex
        store.create_token(db, "one-stop software", "officer", hash_token(token))
    finally:
        db.conn.close()
    body = {"dossier_code": "HS-" + uuid.uuid4().hex[:6], "procedure_code": "1.001193", "officer": "Lan"}
    req = urllib.request.Request(server.url + "/api/v1/receipts", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["code"]


def test_conditional_questions_appear_only_when_they_apply(browser, live_server):
    """With JavaScript: "Điều gì chưa tốt?" only for a rating of 3 or less, the online question
    only after "Có"; a choice made under a condition that no longer holds is not sent."""
    code = _receipt(live_server)
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + f"/r/{code}")
    reasons, online = page.locator('[data-testid="q-reasons"]'), page.locator('[data-testid="q-online_satisfaction"]')
    assert reasons.is_hidden() and online.is_hidden()
    page.locator('[data-testid="q-overall"] label.opt:has(input[value="2"])').tap()
    assert reasons.is_visible()
    page.locator('[data-testid="q-reasons"] label.opt:has(input[value="waiting"])').tap()
    page.locator('[data-testid="q-overall"] label.opt:has(input[value="5"])').tap()  # changed their mind
    assert reasons.is_hidden()
    page.locator('[data-testid="q-online_used"] label.opt:has(input[value="yes"])').tap()
    assert online.is_visible()
    page.locator('[data-testid="send"]').tap()
    page.wait_for_selector('[data-testid="notice-thanks"], .notice-thanks, h1')
    stored = {a["question_id"]: a["value"] for a in live_server.query("SELECT question_id, value FROM answers")}
    assert "reasons" not in stored, stored
    assert stored.get("online_used") == "yes"
    assert [r["overall"] for r in live_server.query("SELECT overall FROM responses")] == [5]
    assert errors == []
    context.close()
