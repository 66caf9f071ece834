"""The phone's "not found", "already used" and "expired" pages lead back to code entry
(issue 13, point 9), so a citizen who mistyped or scanned an old slip is never stuck."""
import pytest

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


@pytest.mark.parametrize("script", [True, False], ids=["with-js", "without-js"])
def test_a_citizen_walks_the_screens_on_a_phone_and_back_keeps_answers(browser, live_server, shots, script):
    """360×740, with and without JavaScript: "Bước 1/4" holds the main rating alone; "Điều
    gì chưa tốt?" comes only after a low rating, the online rating only after "Có";
    "Quay lại" shows the answers given; the database gets exactly what was chosen."""
    code = _receipt(live_server)
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                                  java_script_enabled=script, device_scale_factor=2)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + f"/r/{code}")
    step = page.locator('[data-testid="step"]')
    name = "js" if script else "nojs"

    def choose(qid, value):
        page.locator(f'[data-testid="q-{qid}"] label.opt:has(input[value="{value}"])').tap()

    def press(button):
        with page.expect_navigation():
            page.locator(f'[data-testid="{button}"]').tap()

    assert step.inner_text() == "Bước 1/4" and page.locator("fieldset.q").count() == 1
    page.screenshot(path=str(shots / f"phone-{name}-1.png"), full_page=True)
    choose("overall", "2")
    press("next")
    assert step.inner_text() == "Bước 2/4" and page.locator('[data-testid="q-reasons"]').is_visible()
    assert page.locator("fieldset.q").count() == 5
    choose("reasons", "waiting")
    choose("staff", "4")
    choose("online_used", "yes")
    page.screenshot(path=str(shots / f"phone-{name}-2.png"), full_page=True)
    press("next")
    assert step.inner_text() == "Bước 3/4" and page.locator('[data-testid="q-online_rating"]').is_visible()
    assert page.locator('[data-testid="q-on_time"]').count() == 0  # the result is not back yet
    choose("online_rating", "5")
    page.screenshot(path=str(shots / f"phone-{name}-3.png"), full_page=True)
    press("back")
    assert step.inner_text() == "Bước 2/4"
    for qid, value in (("reasons", "waiting"), ("staff", "4"), ("online_used", "yes")):
        assert page.locator(f'[data-testid="q-{qid}"] input[value="{value}"]').is_checked(), qid
    press("back")
    assert page.locator('[data-testid="q-overall"] input[value="2"]').is_checked()
    choose("overall", "5")  # changed their mind: no reasons asked, the one chosen is not sent
    press("next")
    assert page.locator('[data-testid="q-reasons"]').count() == 0
    press("next")
    press("next")
    assert step.inner_text() == "Bước 4/4"
    page.locator('[data-testid="q-comment"] textarea').fill("Cán bộ nhiệt tình.")
    page.screenshot(path=str(shots / f"phone-{name}-4.png"), full_page=True)
    assert live_server.query("SELECT count(*) AS n FROM responses")[0]["n"] == 0
    press("send")
    page.wait_for_selector('[data-testid="notice-thanks"]')
    (row,) = live_server.query("SELECT id, overall, questionnaire_version, comment FROM responses")
    assert (row["overall"], row["questionnaire_version"], row["comment"]) == (5, 2, "Cán bộ nhiệt tình.")
    stored = {a["question_id"]: a["value"] for a in live_server.query(
        "SELECT question_id, value FROM answers WHERE response_id = ?", [row["id"]])}
    assert stored == {"overall": "5", "staff": "4", "online_used": "yes", "online_rating": "5"}, stored
    assert errors == []
    context.close()


def test_the_language_link_stays_on_one_line_at_360_px(browser, live_server, shots):
    """ "Tiếng Việt" (and "English") never wrap onto two lines on a 360 px phone."""
    code = _receipt(live_server)
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    for query, testid in (("?lang=en", "lang-vi"), ("?lang=vi", "lang-en")):
        page.goto(live_server.url + f"/r/{code}{query}")
        box = page.locator(f'[data-testid="{testid}"]').bounding_box()
        line = page.evaluate("(id) => parseFloat(getComputedStyle(document.querySelector("
                             "`[data-testid=${id}]`)).lineHeight)", testid)
        assert box["height"] < 2 * line, (testid, box, line)
        page.locator("header.top").screenshot(path=str(shots / f"phone-header-{testid}.png"))
    context.close()
