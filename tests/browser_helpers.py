"""Helpers for driving the counter tablet in Chromium (Playwright, sync API).

The server and the browser come from fixtures in ``conftest.py`` (``live_server_factory``,
``browser``), enrolment from ``tests/helpers.py`` (``LiveServer.enrol``). Here: a
tablet-sized page, a tap that waits until the screen takes taps again, screen checks, and
readers of what the database holds.
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
SHOTS = Path(os.environ.get("KIOSK_SHOTS", "/tmp/shots"))


def new_tablet(browser, viewport=LANDSCAPE):
    """A fresh browser context that looks like the counter tablet (touch, no cookies yet).

    Page errors and console errors are collected in ``page.kiosk_errors`` so a test can
    assert the script ran cleanly (a CSP violation shows up there too)."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1, has_touch=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.kiosk_errors = []
    page.on("pageerror", lambda exc: page.kiosk_errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: page.kiosk_errors.append(f"console: {msg.text} {msg.location}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None)
    page.on("response", lambda r: page.kiosk_errors.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 else None)
    return page


def enrolled_tablet(browser, server, viewport=LANDSCAPE, name="Quầy 1"):
    """A tablet page enrolled on ``server`` as ``name`` and showing the welcome screen."""
    page = new_tablet(browser, viewport)
    server.enrol(page, name=name, counter=name)
    wait_screen(page, "screen-welcome")
    page.kiosk_errors.clear()  # only what happens on the tablet screen counts
    return page


def wait_screen(page, testid, timeout=10_000):
    """Wait until the screen with this data-testid is the one shown."""
    page.wait_for_selector(f'[data-testid="{testid}"]:visible', timeout=timeout)


def tap(page, testid, timeout=10_000):
    """Tap a visible element by data-testid once the tablet takes taps again.

    After each tap the script ignores taps for a fraction of a second (so a double tap
    cannot answer the next screen too); the body has class ``is-busy`` meanwhile."""
    page.wait_for_selector("body:not(.is-busy)", timeout=timeout)
    page.locator(f'[data-testid="{testid}"]:visible').tap(timeout=timeout)


def shot(page, name):
    """Save a screenshot of what the tablet shows now as /tmp/shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # let the entry animation finish
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def queue(page):
    """The responses waiting in the tablet's offline queue (localStorage)."""
    return page.evaluate("() => window.hailong.queue()")


def wait_queue_empty(page, timeout=10_000):
    """Wait until every queued response has been accepted by the server."""
    page.wait_for_function("() => window.hailong && window.hailong.queue().length === 0",
                           timeout=timeout)


def responses(db_path):
    """All stored responses with their answers, oldest first.

    Each row is a dict with the ``responses`` columns plus ``answers``: question id →
    value (a list for a question answered more than once, i.e. multi-choice)."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in conn.execute("SELECT * FROM responses ORDER BY seq")]
        for row in rows:
            answers: dict = {}
            for a in conn.execute(
                    "SELECT question_id, value FROM answers WHERE response_id = ? ORDER BY rowid",
                    [row["id"]]):
                if a["question_id"] in answers:
                    prev = answers[a["question_id"]]
                    answers[a["question_id"]] = (prev if isinstance(prev, list) else [prev]) + [a["value"]]
                else:
                    answers[a["question_id"]] = a["value"]
            row["answers"] = answers
        return rows
    finally:
        conn.close()


def answers_without_overall(row, overall="overall"):
    """The answers of a response other than the main rating (stored or not as an answer)."""
    return {k: v for k, v in row["answers"].items() if k != overall}


def dump(rows) -> str:
    """Readable rows for assertion messages."""
    return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
