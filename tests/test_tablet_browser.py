"""The counter tablet in a real browser: a citizen taps, the database holds exactly that.

Chromium (Debian's, /usr/bin/chromium) drives a real ``python -m kiosk serve``. Every test
ends by reading the SQLite file. Screenshots of each screen go to /tmp/shots/ (or
$KIOSK_SHOTS) so a person can look at them.
"""
from __future__ import annotations

import re

import pytest

from survey_forms.loader import load
from tests.browser_helpers import (
    LANDSCAPE,
    PORTRAIT,
    answers_without_overall,
    dump,
    enrolled_tablet,
    new_tablet,
    queue,
    responses,
    shot,
    tap,
    wait_queue_empty,
    wait_screen,
)

COUNTER = load("counter")
QUICK = [q.id for q in COUNTER.questions if q.quick]
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


@pytest.fixture
def server(live_server_factory):
    """A real server with a short thank-you screen (the default idle timeout)."""
    return live_server_factory(env={"KIOSK_THANKS_SECONDS": "2"})


def rate_and_finish(page, value):
    """A citizen taps a face and "Xong" (the tap alone would do; "Xong" ends it sooner)."""
    tap(page, f"face-{value}")
    wait_screen(page, "screen-ack")
    tap(page, "done")
    wait_screen(page, "thanks")
    wait_screen(page, "screen-welcome")


def skip_quick_questions(page, answered=()):
    for qid in QUICK:
        if qid in answered:
            continue
        wait_screen(page, "screen-quick")
        page.wait_for_selector(f'[data-testid^="answer-{qid}-"]')
        tap(page, "skip")


def assert_welcome_for_next_person(page):
    """Back on the welcome screen, in Vietnamese, with nothing selected."""
    wait_screen(page, "screen-welcome")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.get_attribute('[data-testid="lang-vi"]', "aria-pressed") == "true"
    assert page.inner_text('[data-testid="question"]') == COUNTER.overall_question.text.vi
    assert page.locator(".face.is-chosen").count() == 0
    assert page.input_value('[data-testid="comment"]') == ""


def assert_clean(page):
    assert page.kiosk_errors == [], page.kiosk_errors


def assert_kiosk_row(row, overall, complete):
    assert row["overall"] == overall
    assert row["complete"] == complete
    assert row["channel"] == "kiosk"
    assert row["questionnaire"] == "counter" and row["questionnaire_version"] == COUNTER.version
    assert row["kiosk"] == "Quầy 1"
    assert ISO_WITH_OFFSET.match(row["created_at"]), row["created_at"]
    assert row["created_at"].endswith("+07:00")  # the tablet's local time, with its offset
    assert isinstance(row["duration_ms"], int) and 0 <= row["duration_ms"] < 120_000
    assert row["receipt"] is None
    assert row["answers"].get("overall") in (None, str(overall))


def test_happy_citizen_taps_once_and_nothing_else(browser, server):
    """One tap is the rating: acknowledged at once, queued, and the welcome screen comes back
    by itself with one complete rating stored."""
    page = enrolled_tablet(browser, server)
    shot(page, "01-welcome-landscape")
    assert page.inner_text('[data-testid="commune-name"]')
    assert page.inner_text('[data-testid="unit-name"]')
    # five large faces, none pre-selected, each labelled, all on screen
    labels = [page.inner_text(f'[data-testid="face-{v}"] .face-label') for v in (5, 4, 3, 2, 1)]
    assert labels == ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng",
                      "Rất không hài lòng"]
    for v in (5, 4, 3, 2, 1):
        box = page.locator(f'[data-testid="face-{v}"]').bounding_box()
        assert box["width"] >= 120 and box["height"] >= 120, box
        assert box["y"] + box["height"] <= LANDSCAPE["height"], box
    assert page.locator(".face.is-chosen, .face[aria-pressed=true]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= LANDSCAPE["width"]

    tap(page, "face-5")
    wait_screen(page, "screen-ack")
    assert page.inner_text('[data-testid="ack-title"]') == "Cảm ơn Ông/Bà, đã ghi nhận"
    assert page.inner_text('[data-testid="ack-label"]') == "Rất hài lòng"
    assert page.locator('[data-testid="ack-face"] .mood-5').count() == 1  # the chosen face
    assert page.inner_text('[data-testid="more"]') == "Ông/Bà có muốn trả lời thêm vài câu không?"
    assert page.locator('[data-testid="screen-reasons"]').is_hidden()  # only for <= 3
    (held,) = queue(page)  # on disk before the citizen is thanked
    assert held["body"]["overall"] == 5 and held["held"] is True
    shot(page, "02-ack-happy-landscape")
    # nothing else: no tap at all
    wait_screen(page, "screen-welcome", timeout=8_000)
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)

    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert_kiosk_row(rows[0], overall=5, complete=1)  # follow-ups not taken up: complete
    assert rows[0]["comment"] is None
    assert answers_without_overall(rows[0]) == {}
    assert_clean(page)


def test_unhappy_citizen_gives_two_reasons_with_face_two_chips_and_done(browser, server):
    page = enrolled_tablet(browser, server)
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/v1/responses") else None)
    tap(page, "face-2")
    wait_screen(page, "screen-reasons")  # on the acknowledgement screen itself
    assert page.inner_text('[data-testid="ack-title"]') == "Cảm ơn Ông/Bà, đã ghi nhận"
    assert page.inner_text('[data-testid="screen-reasons"] h2') == "Điều gì chưa tốt?"
    for group, title in [("procedure", "Thủ tục"), ("officer", "Cán bộ"),
                         ("place", "Nơi tiếp đón"), ("other", "Khác")]:
        assert page.inner_text(f'[data-testid="group-{group}"] .group-title') == title
    tap(page, "reason-waiting")
    tap(page, "reason-attitude")
    assert page.get_attribute('[data-testid="reason-waiting"]', "aria-pressed") == "true"
    assert page.get_attribute('[data-testid="reason-fees"]', "aria-pressed") == "false"
    shot(page, "03-ack-reasons-landscape")
    for testid in ("done", "redo", "more"):
        box = page.locator(f'[data-testid="{testid}"]').bounding_box()
        assert box["y"] + box["height"] <= LANDSCAPE["height"], (testid, box)
    tap(page, "done")
    wait_screen(page, "thanks")
    shot(page, "04-thanks-landscape")
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)
    assert len(sent) == 1  # held while the citizen chose, then sent once

    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    row = rows[0]
    assert_kiosk_row(row, overall=2, complete=1)
    assert sorted(answers_without_overall(row)["reasons"]) == ["attitude", "waiting"]
    assert set(answers_without_overall(row)) == {"reasons"}
    assert_clean(page)


def test_citizen_takes_the_offer_goes_back_and_comments(browser, server):
    """More questions by choice, "Quay lại" on each, the comment kept by "Xong"."""
    page = enrolled_tablet(browser, server)
    tap(page, "face-4")
    wait_screen(page, "screen-ack")
    tap(page, "more")
    wait_screen(page, "screen-quick")
    assert "1/4" in page.inner_text('[data-testid="progress-quick"]')
    for testid in ("back", "skip", "done"):
        assert page.locator(f'[data-testid="{testid}"]').is_visible(), testid
    # neutral answers: no tick or cross whose meaning depends on the question
    assert page.locator('[data-testid="screen-quick"] .answer svg').count() == 0
    shot(page, "05-quick-question-landscape")
    tap(page, "answer-on_time-yes")
    page.wait_for_selector('[data-testid^="answer-resubmitted-"]')
    tap(page, "back")  # a way back: the first answer, still marked
    page.wait_for_selector('[data-testid="answer-on_time-yes"][aria-pressed="true"]')
    tap(page, "answer-on_time-no")  # changed their mind
    page.wait_for_selector('[data-testid^="answer-resubmitted-"]')
    tap(page, "skip")
    page.wait_for_selector('[data-testid^="answer-visits-"]')
    tap(page, "answer-visits-once")
    wait_screen(page, "screen-comment")
    assert page.get_attribute('[data-testid="comment"]', "maxlength") == "2000"
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Chờ lâu quá, cần thêm ghế ngồi")  # as the tablet's IME commits
    shot(page, "06-comment-landscape")
    tap(page, "back")
    page.wait_for_selector('[data-testid="answer-visits-once"][aria-pressed="true"]')
    tap(page, "answer-visits-once")
    wait_screen(page, "screen-comment")
    assert page.input_value('[data-testid="comment"]') == "Chờ lâu quá, cần thêm ghế ngồi"
    tap(page, "done")
    wait_screen(page, "thanks")
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)

    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    row = rows[0]
    assert_kiosk_row(row, overall=4, complete=1)
    assert row["comment"] == "Chờ lâu quá, cần thêm ghế ngồi"
    assert answers_without_overall(row) == {"on_time": "no", "visits": "once"}
    assert_clean(page)


def test_mis_tapped_face_is_corrected_and_counted_once(browser, server):
    """"Chọn lại": the held rating is corrected before it is sent; one row, the right face."""
    page = enrolled_tablet(browser, server)
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/v1/responses") else None)
    tap(page, "face-1")
    wait_screen(page, "screen-reasons")
    tap(page, "reason-attitude")  # chosen for the wrong face: goes with it
    tap(page, "redo")
    wait_screen(page, "screen-welcome")
    assert page.inner_text('[data-testid="redo-note"]') == "Mời Ông/Bà chọn lại khuôn mặt"
    shot(page, "07-redo-landscape")
    assert responses(server.db_path) == [] and sent == []  # nothing left the tablet yet
    tap(page, "face-5")
    wait_screen(page, "screen-ack")
    assert page.inner_text('[data-testid="ack-label"]') == "Rất hài lòng"
    assert page.locator('[data-testid="screen-reasons"]').is_hidden()
    (held,) = queue(page)
    assert held["body"]["overall"] == 5
    wait_screen(page, "screen-welcome", timeout=8_000)
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)

    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert_kiosk_row(rows[0], overall=5, complete=1)
    assert answers_without_overall(rows[0]) == {}  # "attitude" belonged to the mis-tap
    assert [b["overall"] for b in sent] == [5]
    assert_clean(page)


def test_citizen_who_leaves_midway_never_gets_the_next_citizens_taps(browser, live_server_factory):
    server = live_server_factory(env={"KIOSK_IDLE_SECONDS": "2", "KIOSK_THANKS_SECONDS": "2"})
    page = enrolled_tablet(browser, server)
    tap(page, "face-3")
    wait_screen(page, "screen-reasons")
    tap(page, "reason-rules")
    tap(page, "more")
    wait_screen(page, "screen-quick")
    tap(page, "answer-on_time-yes")
    page.wait_for_selector('[data-testid^="answer-resubmitted-"]')
    shot(page, "08-quick-before-walking-away")
    # nobody touches the tablet: after the short follow-up timeout it is back on the welcome
    # screen, with no trace of the half-filled answers
    wait_screen(page, "screen-welcome", timeout=8_000)
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)
    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert_kiosk_row(rows[0], overall=3, complete=0)  # took up the questions, walked away
    assert answers_without_overall(rows[0]) == {"reasons": "rules", "on_time": "yes"}

    # the next person answers in English, types half a comment, walks away: their own
    # response, never added to the first; Vietnamese again for whoever comes next
    tap(page, "lang-en")
    tap(page, "face-4")
    wait_screen(page, "screen-ack")
    tap(page, "more")
    wait_screen(page, "screen-quick")
    tap(page, "answer-on_time-no")
    page.wait_for_selector('[data-testid^="answer-resubmitted-"]')
    tap(page, "skip")
    tap(page, "skip")
    wait_screen(page, "screen-comment")
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Nhân viên nhiệt tình")
    wait_screen(page, "screen-welcome", timeout=8_000)
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)
    rows = responses(server.db_path)
    assert len(rows) == 2, dump(rows)
    assert rows[0]["id"] != rows[1]["id"]
    assert answers_without_overall(rows[0]) == {"reasons": "rules", "on_time": "yes"}
    assert_kiosk_row(rows[1], overall=4, complete=0)
    assert answers_without_overall(rows[1]) == {"on_time": "no"}
    assert rows[1]["comment"] == "Nhân viên nhiệt tình"
    assert_clean(page)


def test_citizen_rates_in_english_and_the_next_sees_vietnamese(browser, server):
    page = enrolled_tablet(browser, server)
    tap(page, "lang-en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text('[data-testid="question"]') == COUNTER.overall_question.text.en
    assert page.inner_text('[data-testid="face-1"] .face-label') == "Very dissatisfied"
    shot(page, "08-welcome-english")
    tap(page, "face-4")
    wait_screen(page, "screen-ack")
    assert page.inner_text('[data-testid="ack-title"]') == "Thank you, your rating is recorded"
    assert page.inner_text('[data-testid="more"]') == "Would you answer a few more questions?"
    shot(page, "09-ack-english")
    tap(page, "more")
    wait_screen(page, "screen-quick")
    assert page.inner_text('[data-testid="quick-question"]') == COUNTER.question(QUICK[0]).text.en
    assert "Question 1 of 4" in page.inner_text('[data-testid="progress-quick"]')
    assert page.inner_text('[data-testid="back"]') == "Back"
    shot(page, "10-quick-english")
    tap(page, f"answer-{QUICK[0]}-yes")
    skip_quick_questions(page, answered={QUICK[0]})
    wait_screen(page, "screen-comment")
    assert page.inner_text('[data-testid="done"]') == "Done"
    shot(page, "10-comment-english")
    tap(page, "done")
    wait_screen(page, "thanks")
    assert page.inner_text('[data-testid="thanks"] h1') == "Thank you!"
    shot(page, "11-thanks-english")
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)

    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert_kiosk_row(rows[0], overall=4, complete=1)
    assert answers_without_overall(rows[0]) == {QUICK[0]: "yes"}
    assert_clean(page)


def test_portrait_tablet(browser, server):
    page = enrolled_tablet(browser, server, viewport=PORTRAIT)
    shot(page, "12-welcome-portrait")
    assert page.evaluate("document.documentElement.scrollWidth") <= PORTRAIT["width"]
    for v in (5, 4, 3, 2, 1):
        box = page.locator(f'[data-testid="face-{v}"]').bounding_box()
        assert box["width"] >= 120 and box["height"] >= 120, box
        assert box["y"] + box["height"] <= PORTRAIT["height"], box
    tap(page, "face-1")
    wait_screen(page, "screen-reasons")
    tap(page, "reason-guidance")
    tap(page, "reason-other")
    shot(page, "13-ack-reasons-portrait")
    for testid in ("redo", "done", "more"):
        box = page.locator(f'[data-testid="{testid}"]').bounding_box()
        assert box["height"] >= 80 and box["y"] + box["height"] <= PORTRAIT["height"], (testid, box)
    tap(page, "more")
    wait_screen(page, "screen-quick")
    shot(page, "14-quick-portrait")
    skip_quick_questions(page)
    wait_screen(page, "screen-comment")
    shot(page, "15-comment-portrait")
    for testid in ("back", "done"):
        box = page.locator(f'[data-testid="{testid}"]').bounding_box()
        assert box["height"] >= 80 and box["y"] + box["height"] <= PORTRAIT["height"], box
    tap(page, "done")
    wait_screen(page, "thanks")
    shot(page, "16-thanks-portrait")
    assert_welcome_for_next_person(page)
    wait_queue_empty(page)

    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert_kiosk_row(rows[0], overall=1, complete=1)
    assert answers_without_overall(rows[0]) == {"reasons": ["guidance", "other"]}
    assert_clean(page)


def test_tablet_not_enrolled_shows_how_to_enrol(browser, server):
    page = new_tablet(browser)
    page.goto(server.url + "/")
    wait_screen(page, "not-enrolled")
    assert page.inner_text('[data-testid="not-enrolled"] h1') == "Thiết bị chưa được đăng ký"
    assert page.locator("[data-rating]").count() == 0  # no faces to tap at all
    assert page.get_attribute('[data-testid="enrol-link"]', "href") == "/enrol"
    shot(page, "17-not-enrolled")
    tap(page, "lang-en")
    assert page.inner_text('[data-testid="not-enrolled"] h1') == "This device is not enrolled"
    assert responses(server.db_path) == []
    assert_clean(page)


def test_enrolment_lost_keeps_the_rating_queued_until_it_is_back(browser, server):
    """The server answers not_enrolled: the notice replaces the faces, nothing is lost."""
    page = enrolled_tablet(browser, server)
    context = page.context
    cookies = context.cookies()
    context.clear_cookies()  # the device credential is gone (e.g. browser data cleared)
    tap(page, "face-5")
    wait_screen(page, "screen-ack")  # the citizen is thanked anyway
    wait_screen(page, "not-enrolled", timeout=10_000)
    assert page.locator('[data-testid="queue-kept"]').is_visible()
    shot(page, "18-not-enrolled-with-queue")
    assert len(queue(page)) == 1
    assert responses(server.db_path) == []

    context.add_cookies(cookies)  # enrolled again
    page.evaluate("window.hailong.flush()")
    wait_queue_empty(page)
    wait_screen(page, "screen-welcome")
    rows = responses(server.db_path)
    assert len(rows) == 1, dump(rows)
    assert_kiosk_row(rows[0], overall=5, complete=1)


def test_offline_ratings_survive_a_reload_and_arrive_once(browser, server):
    """Server unreachable: thanked at once, queued in localStorage, counted, sent later."""
    page = enrolled_tablet(browser, server)
    page.route("**/api/v1/responses", lambda route: route.abort("connectionrefused"))
    for value in (5, 2, 4):
        rate_and_finish(page, value)
    page.wait_for_selector('[data-testid="queue-indicator"]:visible')
    assert page.inner_text('[data-testid="queue-count"]') == "3"
    shot(page, "19-welcome-with-queue")
    page.reload()
    wait_screen(page, "screen-welcome")
    assert [item["body"]["overall"] for item in queue(page)] == [5, 2, 4]
    assert responses(server.db_path) == []

    sent = []
    page.unroute("**/api/v1/responses")
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/v1/responses") else None)
    page.evaluate("window.hailong.flush()")
    wait_queue_empty(page, timeout=15_000)
    page.wait_for_selector('[data-testid="queue-indicator"]', state="hidden")
    rows = responses(server.db_path)
    assert [r["overall"] for r in rows] == [5, 2, 4], dump(rows)
    assert len({r["id"] for r in rows}) == 3
    # a different body under a stored id is refused (the queue's own resends are 200s)
    status = page.evaluate(
        """async (id) => {
             const r = await fetch('/api/v1/responses', {method: 'POST', credentials: 'same-origin',
               headers: {'Content-Type': 'application/json', 'X-Kiosk-Request': '1'},
               body: JSON.stringify({id, channel: 'kiosk', overall: 1})});
             return r.status; }""", rows[0]["id"])
    assert status == 409  # same id, other body: refused, not overwritten
    assert len(responses(server.db_path)) == 3


def test_server_rejects_a_response_it_is_kept_aside(browser, server):
    """A 400 moves the response to the 'rejected' list: never dropped, never retried."""
    page = enrolled_tablet(browser, server)
    page.route("**/api/v1/responses", lambda route: route.fulfill(
        status=400, content_type="application/json",
        body='{"error": {"code": "invalid", "message": "x", "fields": {"overall": "bad"}}}'))
    rate_and_finish(page, 4)
    wait_queue_empty(page)
    rejected = page.evaluate("window.hailong.rejected()")
    assert len(rejected) == 1 and rejected[0]["status"] == 400
    assert rejected[0]["body"]["overall"] == 4
    assert rejected[0]["error"]["fields"] == {"overall": "bad"}


def test_dossier_being_returned_is_named_and_bound_to_the_rating(browser, server):
    """The counter tells the tablet which dossier it is returning: its procedure is shown
    (never any citizen data) and the rating carries the receipt code."""
    page = enrolled_tablet(browser, server)
    state = {"receipt": "K7Q2M9XD", "procedure_name": "Đăng ký khai sinh"}
    page.route("**/tablet/state", lambda route: route.fulfill(
        status=200, content_type="application/json", json=state))
    posted = []

    def accept(route):
        posted.append(route.request.post_data_json)
        route.fulfill(status=201, content_type="application/json",
                      json={"id": posted[-1]["id"], "status": "created"})
    page.route("**/api/v1/responses", accept)
    page.wait_for_selector('[data-testid="procedure"]:visible', timeout=8_000)
    assert page.inner_text('[data-testid="procedure-name"]') == "Đăng ký khai sinh"
    shot(page, "20-welcome-with-procedure")
    rate_and_finish(page, 5)
    wait_queue_empty(page)
    assert len(posted) == 1
    body = posted[0]
    assert body["receipt"] == "K7Q2M9XD"
    assert body["overall"] == 5 and body["answers"] == {} and body["complete"] is True
    assert "comment" not in body
    assert set(body) == {"id", "channel", "questionnaire", "questionnaire_version", "overall",
                         "answers", "complete", "created_at", "duration_ms", "receipt"}
    # once the dossier is no longer at the counter, the name goes away
    state.update(receipt=None, procedure_name=None)
    page.wait_for_selector('[data-testid="procedure"]', state="hidden", timeout=8_000)


def test_server_down_ten_ratings_reload_restart_each_arrives_once(browser, server):
    """Issue 6: stop the server, tap ten ratings, reload, restart: exactly those ten, once."""
    page = enrolled_tablet(browser, server)
    server.stop()
    tapped = [5, 4, 5, 3, 1, 2, 4, 5, 5, 4]
    for value in tapped:
        rate_and_finish(page, value)  # thanked at once, although nothing could be sent
    assert [item["body"]["overall"] for item in queue(page)] == tapped
    page.wait_for_selector('[data-testid="queue-indicator"]:visible')
    assert page.inner_text('[data-testid="queue-count"]') == "10"
    try:
        page.reload()  # the tablet restarts while the server is still down
    except Exception:  # noqa: BLE001 - Chromium shows its own error page
        pass
    server.start()
    page.goto(server.url + "/")
    wait_screen(page, "screen-welcome")
    wait_queue_empty(page, timeout=20_000)
    rows = responses(server.db_path)
    assert [r["overall"] for r in rows] == tapped, dump(rows)
    assert len({r["id"] for r in rows}) == 10
    assert all(r["complete"] == 1 and r["kiosk"] == "Quầy 1" for r in rows)
    assert page.evaluate("window.hailong.rejected()") == []


def test_rating_for_a_dossier_already_rated_elsewhere_is_kept_unbound(browser, server):
    """The phone used the code first (or it expired): the counter rating is not lost but
    stored without the dossier."""
    page = enrolled_tablet(browser, server)
    state = {"receipt": "K7Q2M9XDA", "procedure_name": "Đăng ký khai sinh"}  # unknown to the server
    page.route("**/tablet/state", lambda route: route.fulfill(
        status=200, content_type="application/json", json=state))
    page.wait_for_selector('[data-testid="procedure"]:visible', timeout=8_000)
    rate_and_finish(page, 4)
    wait_queue_empty(page)
    rows = responses(server.db_path)
    assert len(rows) == 1 and rows[0]["overall"] == 4 and rows[0]["receipt"] is None
    assert page.evaluate("window.hailong.rejected()") == []
