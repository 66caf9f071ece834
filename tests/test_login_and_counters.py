"""Issue 12: sign-in that leaks nothing, and counters chosen from a list at "Trả kết quả".

Reproduced: ``POST /login?next=/%09/evil.example`` answered ``Location: //evil.example``; a
wrong password took 90-100 ms and an unknown user 3-20 ms (names could be enumerated);
20,000 random user names left 20,000 throttle entries; returning a result at "Quầy 1" when
the tablet stands at "Quầy 1 - Hộ tịch" said "the tablet at this counter is inviting a
rating" and nothing happened.
"""
from __future__ import annotations

import time
import uuid
from urllib.parse import quote

import pytest

from kiosk import store
from kiosk.domain.throttle import Throttle
from kiosk.web.auth import hash_token
from kiosk.web.throttles import login_throttle
from tests.helpers import PASSWORD
from tests.receipt_helpers import issue, make_token


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/%0A/evil.example", "/%0d/evil.example", "/%5Cevil.example", "/\\evil.example",
    "//evil.example", "https://evil.example/", "javascript:alert(1)", "/%20/evil.example", "\t//evil.example",
    "///evil.example",
])
def test_sign_in_never_sends_anyone_to_another_site(make_user, client, db, target):
    make_user("a", "admin")
    query = target if "%" in target else quote(target, safe="")  # as the attacker's link has it
    r = client.post(f"/login?next={query}", data={"username": "a", "password": PASSWORD})
    assert r.status_code == 302
    assert r.headers["Location"] == "/admin/", target


def test_sign_in_still_returns_to_the_page_asked_for(make_user, client, db):
    make_user("a", "admin")
    r = client.post("/login?next=/admin/users%3Fx%3D1", data={"username": "a", "password": PASSWORD})
    assert r.headers["Location"] == "/admin/users?x=1"


def test_an_unknown_user_costs_the_same_password_hash_as_a_wrong_password(make_user, app, client, monkeypatch):
    """User names cannot be told apart by timing: a wrong password and an unknown name each
    cost exactly one slow password hash (counted, not timed: timing belongs to the benches)."""
    from kiosk.web import auth
    app.config["LOGIN_FAIL_LIMIT"] = 1000
    app.extensions.pop("login_throttle", None)
    make_user("lan", "leader")
    auth._dummy_hash()  # made once per process, before any request is measured
    calls = []
    real = auth.password_matches
    monkeypatch.setattr(auth, "password_matches", lambda h, pw: calls.append(h) or real(h, pw))
    client.post("/login", data={"username": "lan", "password": "sai-mat-khau"})
    wrong = len(calls)
    client.post("/login", data={"username": "khong-co-ai-" + uuid.uuid4().hex[:6], "password": "sai-mat-khau"})
    assert (wrong, len(calls) - wrong) == (1, 1)
    assert calls[1].split("$")[0] == calls[0].split("$")[0]  # the same method and cost


def test_twenty_thousand_random_user_names_leave_a_bounded_table(app):
    with app.test_request_context():
        throttle = login_throttle()
        for _ in range(20_000):
            throttle.fail(f"203.0.113.9|{uuid.uuid4().hex}")
        assert len(throttle) <= 10_000


def test_throttle_entries_expire(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    throttle = Throttle(limit=5, window=300)
    for i in range(100):
        throttle.fail(f"name-{i}")
    assert len(throttle) == 100
    now[0] += 301
    assert len(throttle) == 0


# --- counters at "Trả kết quả" ----------------------------------------------------------------

@pytest.fixture
def officer_page(login, client, db):
    login(client, "officer", name="lan")
    return client


def enrol(db, name, counter):
    store.enrol_kiosk(db, name, hash_token(uuid.uuid4().hex), "admin", counter=counter)


def test_the_counter_is_chosen_from_the_counters_that_have_a_tablet(officer_page, db):
    enrol(db, "Máy 1", "Quầy 1 - Hộ tịch")
    store.save_counter(db, "Quầy 3")
    code = issue(officer_page, make_token(db, "officer"))["code"]
    page = officer_page.get(f"/receipts/{code}").get_data(as_text=True)
    select = page[page.index('data-testid="counter-select"'):page.index("</select>")]
    assert '<option value="Quầy 1 - Hộ tịch">Quầy 1 - Hộ tịch</option>' in select
    assert "Quầy 3 (không có máy tính bảng)" in select
    assert select.index("Quầy 1 - Hộ tịch") < select.index("Quầy 3")
    assert "<input" not in select


def test_returning_at_a_counter_without_a_tablet_says_so_plainly(officer_page, db):
    enrol(db, "Máy 1", "Quầy 1 - Hộ tịch")
    code = issue(officer_page, make_token(db, "officer"))["code"]
    r = officer_page.post(f"/receipts/{code}/return", data={"counter": "Quầy 1"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Quầy này không có máy tính bảng" in page
    assert "đang mời đánh giá" not in page


def test_returning_at_a_tablet_counter_reaches_that_tablet_whatever_the_case(officer_page, db):
    enrol(db, "Máy 1", "Quầy 1 - Hộ tịch")
    code = issue(officer_page, make_token(db, "officer"))["code"]
    r = officer_page.post(f"/receipts/{code}/return", data={"counter": "quầy 1 - hộ tịch"}, follow_redirects=True)
    assert "Máy tính bảng ở quầy này đang mời đánh giá" in r.get_data(as_text=True)
    assert store.get_receipt(db, code)["counter"] == "Quầy 1 - Hộ tịch"


def test_with_no_tablet_anywhere_the_return_form_warns_first(officer_page, db):
    code = issue(officer_page, make_token(db, "officer"))["code"]
    page = officer_page.get(f"/receipts/{code}").get_data(as_text=True)
    assert 'data-testid="no-tablet-counter"' in page


def test_the_one_stop_software_learns_whether_a_tablet_stands_at_the_counter(client, db):
    enrol(db, "Máy 1", "Quầy 1")
    officer = make_token(db, "officer")
    for counter, expected in (("Quầy 1", True), ("Quầy 9", False)):
        code = issue(client, officer)["code"]
        r = client.post(f"/api/v1/receipts/{code}/return", json={"counter": counter}, headers=officer)
        assert r.status_code == 200 and r.get_json()["tablet_at_counter"] is expected
