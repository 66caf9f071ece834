"""The public board in Chromium: the waiting-room TV and a citizen's browser show the figures,
the page runs no script (CSP holds), and the TV reloads itself.

Screenshots go to $KIOSK_SHOTS (default /tmp/shots): public-board.png, public-board-tv.png.
"""
from __future__ import annotations

import time

from tests.browser_helpers import new_tablet


def test_the_board_on_a_desktop_and_on_the_waiting_room_tv(browser, live_server_factory, screenshot):
    server = live_server_factory(env={"KIOSK_PUBLIC_BOARD_REFRESH_SECONDS": "30", "KIOSK_DEMO_MODE": "true"})
    r = server.cli("demo-data", "--responses", "400", "--days", "150", "--seed", "7")
    assert r.returncode == 0, r.stderr
    page = new_tablet(browser, {"width": 1280, "height": 900})
    page.goto(server.url + "/cong-khai/")
    assert page.locator("[data-testid=headline]").inner_text().startswith("Tháng ")
    assert page.locator("[data-testid=demo-warning]").count() == 1  # demo data says so, even in public
    quarter_tthc = page.locator("[data-testid=period-quarter] [data-testid=row-tthc_satisfaction]").inner_text()
    assert "%" in quarter_tthc and "Chưa có ý kiến" not in quarter_tthc
    assert page.locator("[data-testid=period-quarter] tbody tr").count() == 7
    assert page.locator("svg.trend").count() == 1
    screenshot(page, "public-board")
    assert page.kiosk_errors == []
    page.close()

    tv = new_tablet(browser, {"width": 1920, "height": 1080})
    tv.goto(server.url + "/cong-khai/?tv=1")
    first = tv.locator(".updated").inner_text()
    assert float(tv.eval_on_selector("body", "b => getComputedStyle(b).fontSize").rstrip("px")) >= 22
    assert tv.evaluate("document.documentElement.scrollHeight") <= 1080  # a TV nobody scrolls
    assert tv.evaluate("document.documentElement.scrollWidth") <= 1920
    screenshot(tv, "public-board-tv")
    with tv.expect_navigation(timeout=45000):  # the meta refresh, with no script at all
        time.sleep(1)
    assert tv.url.endswith("/cong-khai/?tv=1") and first
    assert tv.kiosk_errors == []
