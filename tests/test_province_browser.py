"""The province dashboard in Chromium, on five demo communes: the league ranks only what the
data separates, the tiny commune is listed apart, a column header sorts the table.

Screenshot: $KIOSK_SHOTS (default /tmp/shots)/province-league.png.
"""
from __future__ import annotations

from datetime import date, timedelta

from tests.browser_helpers import new_tablet
from tests.helpers import PASSWORD
from tests.test_demo_apart import cli


def test_province_staff_compare_five_demo_communes(browser, live_server_factory, screenshot):
    server = live_server_factory(env={"KIOSK_DEMO_MODE": "true"}, start=False)
    # a province-wide leader in the real database; demo-data copies the accounts so staff sign in as usual
    made = cli(server.instance, "create-user", "tinh", "--role", "leader", "--all-units", "--password-stdin",
               input=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    r = cli(server.instance, "demo-data", "--responses", "1500", "--days", "80", "--seed", "5", "--units", "5")
    assert r.returncode == 0, r.stderr
    server.start()
    page = new_tablet(browser, {"width": 1366, "height": 900})
    page.goto(server.url + "/login")
    page.fill("#username", "tinh")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.click("[data-testid=nav-province]")
    today = date.today()
    page.fill("input[name=from]", (today - timedelta(days=90)).isoformat())
    page.fill("input[name=to]", today.isoformat())
    page.click("[data-testid=custom-period-form] button[type=submit]")
    rows = page.locator("[data-testid=league] tbody tr")
    assert rows.count() == 5
    assert page.locator("[data-testid=demo-mode]").count() == 1
    last = rows.nth(4)
    assert "Xã Tân Lập (mẫu)" in last.inner_text() and "Chưa đủ phiếu để xếp hạng" in last.inner_text()
    assert rows.nth(0).locator("[data-testid=rank]").inner_text().startswith("1")
    assert page.locator("[data-testid=league] svg.ci-bar").count() == 5
    screenshot(page, "province-league")
    page.click("[data-testid=sort-name]")
    names = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(5)]
    assert names[0] == "Phường Đông Hòa (mẫu)" and names[-1] == "Xã Yên Hòa (mẫu)"
    with page.expect_download() as got:
        page.click("[data-testid=downloads] >> text=Excel")
    assert got.value.suggested_filename.endswith(".xlsx")
    assert page.kiosk_errors == []
