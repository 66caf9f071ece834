"""The counter tablet's "Khác" box and the follow-ups that show whose rating they belong to
(issue 13): in Chromium against a real server, the database read after each test,
screenshots in both orientations (/tmp/shots/ or $KIOSK_SHOTS: tablet-other-*, tablet-owner-*)."""
from __future__ import annotations

import pytest

from survey_forms.loader import load
from tests.browser_helpers import (
    LANDSCAPE,
    PORTRAIT,
    enrolled_tablet,
    responses,
    shot,
    tap,
    wait_queue_empty,
    wait_screen,
)
from tests.helpers import PASSWORD

QUICK = [q.id for q in load("counter").questions if q.quick]
VIEWS = pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(env={"KIOSK_THANKS_SECONDS": "2"})


def skip_to_comment(page):
    for qid in QUICK:
        wait_screen(page, "screen-quick")
        page.wait_for_selector(f'[data-testid^="answer-{qid}-"]')
        tap(page, "skip")
    wait_screen(page, "screen-comment")


@VIEWS
def test_khac_opens_a_box_whose_text_is_stored_and_shown_escaped(browser, server, viewport):
    page = enrolled_tablet(browser, server, viewport)
    name = "landscape" if viewport == LANDSCAPE else "portrait"
    tap(page, "face-2")
    wait_screen(page, "screen-reasons")
    assert page.locator('[data-testid="reason-other-box"]').is_hidden()
    tap(page, "reason-other")
    assert page.inner_text('[data-testid="reason-other-box"] label') == "Ông/Bà vui lòng ghi rõ"
    page.locator('[data-testid="reason-other-text"]').tap()
    typed = '<b>Không có chỗ</b> để xe & "mái che"'
    page.keyboard.insert_text(typed)
    shot(page, f"tablet-other-{name}")
    tap(page, "more")
    skip_to_comment(page)
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Mong xã sớm làm.")
    tap(page, "complaint-toggle")
    tap(page, "done")
    wait_screen(page, "thanks")
    wait_screen(page, "screen-welcome")
    assert page.input_value('[data-testid="reason-other-text"]') == ""  # nothing left for the next citizen
    wait_queue_empty(page)
    (row,) = responses(server.db_path)
    assert row["overall"] == 2 and row["answers"]["reasons"] == "other"
    assert row["comment"] == f"Khác: {typed}\nMong xã sớm làm."
    (c,) = server.query("SELECT id, text FROM complaints")
    assert c["text"] == row["comment"]
    # the official reads it as text, never as markup
    server.create_user("chu-tich", "leader")
    leader = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    leader.goto(server.url + "/login")
    leader.fill("#username", "chu-tich")
    leader.fill("#password", PASSWORD)
    leader.click("button[type=submit]")
    leader.wait_for_url(server.url + "/admin/")
    leader.goto(f"{server.url}/admin/complaints/{c['id']}")
    assert typed in leader.inner_text("body")
    assert leader.locator("b", has_text="Không có chỗ").count() == 0
    assert page.kiosk_errors == [], page.kiosk_errors
    leader.context.close()
    page.context.close()


def test_with_the_complaint_panel_open_going_back_and_on_keeps_what_was_typed(browser, server):
    page = enrolled_tablet(browser, server)
    tap(page, "face-1")
    wait_screen(page, "screen-ack")
    tap(page, "more")
    skip_to_comment(page)
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("Phải chờ hai tiếng.")
    tap(page, "complaint-toggle")
    tap(page, "complaint-topic-place")
    tap(page, "back")
    wait_screen(page, "screen-quick")
    tap(page, "skip")
    wait_screen(page, "screen-comment")
    assert page.input_value('[data-testid="comment"]') == "Phải chờ hai tiếng."
    assert page.get_attribute('[data-testid="complaint-toggle"]', "aria-pressed") == "true"
    assert page.get_attribute('[data-testid="complaint-topic-place"]', "aria-pressed") == "true"
    assert responses(server.db_path) == []  # held until the citizen is done
    tap(page, "done")
    wait_screen(page, "screen-welcome")
    wait_queue_empty(page)
    (row,) = responses(server.db_path)
    (c,) = server.query("SELECT topic, text FROM complaints")
    assert row["comment"] == "Phải chờ hai tiếng." and (c["topic"], c["text"]) == ("place", "Phải chờ hai tiếng.")
    page.context.close()


@VIEWS
def test_the_next_citizen_says_this_is_not_my_rating_and_starts_fresh(browser, server, viewport):
    """The first citizen taps a face and a reason and leaves within the acknowledgement; the
    next taps "Ông/Bà có muốn trả lời thêm…", sees the face the questions belong to, and taps
    "Đây không phải đánh giá của tôi": the first rating is kept as it stood (nothing from the
    follow-up screens), the next citizen rates for themselves."""
    page = enrolled_tablet(browser, server, viewport)
    name = "landscape" if viewport == LANDSCAPE else "portrait"
    tap(page, "face-2")
    wait_screen(page, "screen-reasons")
    tap(page, "reason-waiting")
    tap(page, "more")  # the next citizen
    wait_screen(page, "screen-quick")
    assert page.locator('[data-testid="owner-quick"] .face-svg').count() == 1
    assert page.inner_text('[data-testid="owner-label-quick"]') == "Các câu hỏi thêm cho đánh giá “Không hài lòng”"
    shot(page, f"tablet-owner-quick-{name}")
    page.locator(f'[data-testid^="answer-{QUICK[0]}-"]').first.tap()
    wait_screen(page, "screen-quick")
    page.wait_for_selector(f'[data-testid^="answer-{QUICK[1]}-"]')
    tap(page, "notmine-quick")
    wait_screen(page, "screen-welcome")
    tap(page, "face-5")
    wait_screen(page, "screen-ack")
    tap(page, "done")
    wait_screen(page, "screen-welcome")
    wait_queue_empty(page)
    first, second = responses(server.db_path)
    assert (first["overall"], first["complete"]) == (2, 0)
    assert {k: v for k, v in first["answers"].items() if k != "overall"} == {"reasons": "waiting"}
    assert first["comment"] is None
    assert second["overall"] == 5 and second["id"] != first["id"]
    assert page.kiosk_errors == [], page.kiosk_errors
    page.context.close()


def test_the_comment_screen_shows_its_face_too(browser, server, shots):
    page = enrolled_tablet(browser, server)
    tap(page, "face-4")
    wait_screen(page, "screen-ack")
    tap(page, "more")
    skip_to_comment(page)
    assert page.inner_text('[data-testid="owner-label-comment"]') == "Các câu hỏi thêm cho đánh giá “Hài lòng”"
    shot(page, "tablet-owner-comment-landscape")
    page.locator('[data-testid="comment"]').tap()
    page.keyboard.insert_text("không phải của tôi")
    tap(page, "notmine-comment")
    wait_screen(page, "screen-welcome")
    assert page.input_value('[data-testid="comment"]') == ""
    wait_queue_empty(page)
    (row,) = responses(server.db_path)
    assert row["overall"] == 4 and row["comment"] is None and row["complete"] == 0
    page.context.close()
