"""The phone form behind the receipt's QR code: small, script-free, usable once."""
from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import NamedTuple

import pytest

from kiosk import clock, store
from kiosk.domain import codes
from tests.helpers import ROOT
from tests.receipt_helpers import issue, make_token, return_result


@pytest.fixture
def officer(db):
    return make_token(db, "officer")


@pytest.fixture
def code(client, officer):
    out = issue(client, officer, procedure_code="1.001612", officer="Lê Văn Bình", counter="Quầy 2")
    return out["code"]


def text(r):
    return r.get_data(as_text=True)


def test_citizen_opens_the_form_in_vietnamese_with_nothing_chosen(client, code):
    r = client.get(f"/r/{code}")
    page = text(r)
    assert r.status_code == 200
    assert '<html lang="vi">' in page and "?lang=en" in page and "English" in page
    assert "Đăng ký thành lập hộ kinh doanh" in page  # the procedure, as on the tablet
    assert "checked" not in page  # no pre-selected answer, ever
    assert "<script" not in page  # no script at all: the server cuts the form into screens
    assert "style=" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no outside assets
    for label in ("Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng"):
        assert f"<span>{label}</span>" in page
    # the first screen is the main rating alone; a conditional question never waits,
    # labelled, for the citizen to work out whether it applies
    assert "Bước 1/4" in page and 'data-testid="q-overall"' in page
    assert 'data-testid="q-reasons"' not in page and "Chỉ trả lời nếu" not in page
    # no dossier data on the citizen's page
    assert "Lê Văn Bình" not in page and "HS-" not in page


def test_the_page_is_small_enough_for_a_weak_3g_link(client, code):
    html = client.get(f"/r/{code}").data
    static = ROOT / "kiosk" / "web" / "static"
    assets = len((static / "phone.css").read_bytes())
    assert len(html) + assets < 30_000, (len(html), assets)
    assert re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode()) == ["/static/phone.css"]


def test_english_is_one_tap_away(client, code):
    page = text(client.get(f"/r/{code}?lang=en"))
    assert '<html lang="en">' in page
    assert "How satisfied are you with how your administrative procedure was handled?" in page
    assert "Step 1 of 4" in page
    assert "Tiếng Việt" in page


def test_citizen_submits_and_the_rating_is_bound_to_the_dossier(client, db, code):
    r = client.post(f"/r/{code}", data={"overall": "2", "reasons": ["papers", "waiting"], "staff": "4",
                                        "posted": "yes", "visits": "more", "online_used": "yes",
                                        "online_rating": "1", "comment": "  Phải chờ lâu.  "})
    assert r.status_code == 302 and r.headers["Location"].endswith("/r/thanks")
    assert "Cảm ơn" in text(client.get("/r/thanks"))
    rows = store.list_responses(db)
    assert len(rows) == 1
    row = store.get_response(db, rows[0]["id"])
    assert row["channel"] == "phone" and row["questionnaire"] == "phone" and row["kiosk"] is None
    assert row["receipt"] == code and row["procedure_code"] == "1.001612" and row["field"] == "Hộ kinh doanh"
    assert row["officer"] == "Lê Văn Bình" and row["counter"] == "Quầy 2"
    assert row["dossier_code"] == store.get_receipt(db, code)["dossier_code"]
    assert row["overall"] == 2 and row["comment"] == "Phải chờ lâu."
    assert row["answers"]["reasons"] == ["papers", "waiting"]
    assert row["answers"]["online_rating"] == ["1"] and row["answers"]["staff"] == ["4"]
    assert store.get_receipt(db, code)["used_at"]


def test_answers_to_questions_that_did_not_apply_are_dropped_not_refused(client, db, code):
    r = client.post(f"/r/{code}", data={"overall": "5", "reasons": ["fees"], "online_used": "no",
                                        "online_rating": "3"})
    assert r.status_code == 302
    row = store.get_response(db, store.list_responses(db)[0]["id"])
    assert row["overall"] == 5
    assert "reasons" not in row["answers"] and "online_rating" not in row["answers"]
    assert row["answers"]["online_used"] == ["no"]


@pytest.mark.parametrize("data", [{}, {"staff": "4"}, {"overall": "9"}, {"overall": "abc"},
                                  {"overall": "4", "visits": "seven"},
                                  {"overall": "4", "comment": "x" * 3000}])
def test_an_incomplete_or_odd_form_comes_back_kindly_never_a_400(client, db, code, data):
    r = client.post(f"/r/{code}", data=data)
    assert r.status_code == 200
    assert 'data-testid="problem"' in text(r)
    assert store.count_responses(db) == 0
    assert store.get_receipt(db, code)["used_at"] is None


def test_answers_already_given_stay_chosen_after_a_problem(client, code):
    """Sent without the main rating: back to its screen, the officer's rating kept (hidden
    there, chosen again on its own screen)."""
    page = text(client.post(f"/r/{code}", data={"staff": "4"}))
    assert 'data-testid="problem"' in page and "Bước 1/" in page
    assert '<input type="hidden" name="staff" value="4">' in page
    page = text(client.post(f"/r/{code}", data={"staff": "4", "overall": "5", "go": "next", "step": "0"}))
    assert page.count("checked") == 1 and re.search(r'value="4"[^>]*checked|checked[^>]*value="4"', page)


def test_a_second_attempt_is_refused_without_showing_the_dossier(client, db, code):
    assert client.post(f"/r/{code}", data={"overall": "4"}).status_code == 302
    for r in (client.get(f"/r/{code}"), client.post(f"/r/{code}", data={"overall": "1"})):
        assert r.status_code == 410
        page = text(r)
        assert 'data-testid="notice-used"' in page and "chỉ dùng để đánh giá một lần" in page
        assert "Đăng ký thành lập hộ kinh doanh" not in page and "Lê Văn Bình" not in page
    assert store.count_responses(db) == 1


def test_a_code_used_at_the_counter_tablet_is_refused_on_the_phone(client, code, tablet, rating_body):
    assert tablet.post("/api/v1/responses", json=rating_body(receipt=code)).status_code == 201
    assert client.get(f"/r/{code}").status_code == 410


def test_the_same_submission_sent_twice_counts_once(client, db, code):
    rid = re.search(r'name="rid"[^>]*value="([^"]+)"', text(client.get(f"/r/{code}"))).group(1)
    data = {"rid": rid, "overall": "3"}
    assert client.post(f"/r/{code}", data=data).status_code == 302
    # the second tap of a double tap: the page still has the form, the server sees a used code
    assert client.post(f"/r/{code}", data=data).status_code == 410
    assert store.count_responses(db) == 1


def test_an_unknown_code_gets_a_friendly_page(client):
    r = client.get("/r/ZZZZZZZZZ")
    assert r.status_code == 404 and 'data-testid="notice-unknown"' in text(r)
    assert client.get("/r/not-a-code").status_code == 404


def test_a_typed_code_in_lower_case_with_dashes_finds_the_form(client, code):
    r = client.get(f"/r/{codes.display(code).lower()}?lang=en")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/r/{code}?lang=en")


def test_an_expired_code_says_so(client, db, officer, code, monkeypatch):
    return_result(client, officer, code)
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(days=31))
    r = client.get(f"/r/{code}")
    assert r.status_code == 410 and 'data-testid="notice-expired"' in text(r)
    assert "30 ngày" in text(r) and "Đăng ký thành lập" not in text(r)
    assert client.post(f"/r/{code}", data={"overall": "5"}).status_code == 410
    assert store.count_responses(db) == 0


def test_guessing_codes_is_rate_limited_per_address(app, client, code):
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    for n in range(10):
        assert guesser.get(f"/r/{codes.new_code()}").status_code == 404, n
    r = guesser.get(f"/r/{codes.new_code()}")
    assert r.status_code == 429 and 'data-testid="notice-throttled"' in text(r)
    assert guesser.get(f"/r/{code}").status_code == 429  # even a right guess gets nothing now
    assert client.get(f"/r/{code}").status_code == 200  # another phone is not affected


def test_csrf_is_checked_and_a_stale_page_is_answered_kindly(tmp_path):
    from kiosk import create_app
    from kiosk.store.db import connect
    app = create_app({"INSTANCE": tmp_path / "i", "TESTING": True, "SECRET_KEY": "t"})
    db = connect(app.config["DATABASE"])
    c = app.test_client()
    code = issue(c, make_token(db, "officer"))["code"]
    r = c.post(f"/r/{code}", data={"overall": "5"})
    assert r.status_code == 200 and "Vui lòng bấm Gửi lại" in text(r)
    assert store.count_responses(db) == 0
    page = text(c.get(f"/r/{code}"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert c.post(f"/r/{code}", data={"overall": "5", "csrf_token": token}).status_code == 302
    assert store.count_responses(db) == 1


def test_build_form_makes_one_field_per_question_in_either_language(app):
    from survey_forms import load
    from survey_forms.forms import build_form
    q = load("phone")
    with app.test_request_context():
        form = build_form(q, "en")(meta={"csrf": False})
        assert [f.name for f in form] == [x.id for x in q.questions]
        assert form.overall.label.text == q.overall_question.text.en
        assert form.overall.data is None and form.reasons.data in (None, [])


# --- a race between phones (and the counter tablet), against a real server ---------------

class Attempt(NamedTuple):
    """One submission in the race: who sent it, the HTTP status, where the phone landed."""
    channel: str  # "phone" or "tablet"
    status: int
    url: str | None

    @property
    def accepted(self) -> bool:
        return self.status == 201 or (self.channel == "phone" and self.status == 200
                                      and self.url.endswith("/r/thanks"))


def _phone(url):
    """A phone with its own cookies that has opened the form: (opener, csrf token, rid)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    rid = re.search(r'name="rid"[^>]*value="([^"]+)"', page).group(1)
    return opener, token, rid


def test_racing_submissions_with_one_code_exactly_one_is_accepted(live_server, rating_body):
    live_server.create_user("admin", "admin")
    token = live_server.cli("create-token", "one-stop", "--role", "officer").stdout.strip()
    kiosk_token = live_server.cli("create-token", "counter", "--role", "kiosk").stdout.strip()
    req = urllib.request.Request(live_server.url + "/api/v1/receipts", method="POST",
                                 data=json.dumps({"dossier_code": "HS-RACE", "procedure_code": "1.001193",
                                                  "officer": "Lan"}).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}"})
    code = json.loads(urllib.request.urlopen(req, timeout=10).read())["code"]
    url = f"{live_server.url}/r/{code}"
    phones = [_phone(url) for _ in range(6)]
    barrier = threading.Barrier(len(phones) + 1)
    results = []

    def submit_phone(opener, csrf_token, rid):
        data = urllib.parse.urlencode({"csrf_token": csrf_token, "rid": rid, "overall": "4"}).encode()
        barrier.wait()
        try:
            with opener.open(url, data=data, timeout=20) as r:
                results.append(Attempt("phone", r.status, r.geturl()))
        except urllib.error.HTTPError as e:
            results.append(Attempt("phone", e.code, None))

    def submit_tablet():
        body = json.dumps(rating_body(receipt=code)).encode()
        request = urllib.request.Request(live_server.url + "/api/v1/responses", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {kiosk_token}"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=20) as r:
                results.append(Attempt("tablet", r.status, None))
        except urllib.error.HTTPError as e:
            results.append(Attempt("tablet", e.code, None))

    threads = [threading.Thread(target=submit_phone, args=p) for p in phones]
    threads.append(threading.Thread(target=submit_tablet))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    accepted = [r for r in results if r.accepted]
    refused = [r for r in results if r.status in (409, 410)]
    assert len(results) == 7 and len(accepted) == 1 and len(refused) == 6, results
    rows = live_server.query("SELECT * FROM responses WHERE receipt = ?", [code])
    assert len(rows) == 1
    (receipt,) = live_server.query("SELECT response_id FROM receipts WHERE code = ?", [code])
    assert receipt["response_id"] == rows[0]["id"]


def test_citizen_types_the_code_instead_of_scanning(client, code):
    page = client.get("/r/")
    assert page.status_code == 200 and "Nhập mã phiếu" in text(page)
    typed = codes.display(code).lower().replace("-", " ")
    r = client.get("/r/", query_string={"code": typed})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/r/{code}")
    bad = client.get("/r/", query_string={"code": "??"})
    assert bad.status_code == 400 and "9 chữ và số" in text(bad)

