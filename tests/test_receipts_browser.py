"""Receipts in real browsers: the officer issues and prints, the QR code leads a phone to
the form (once), and "Trả kết quả" puts the dossier on the counter tablet.

Screenshots go to /tmp/shots/ (or $KIOSK_SHOTS): receipts-*.png.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest

from survey_forms.loader import load
from tests.browser_helpers import enrolled_tablet, responses, tap, wait_queue_empty, wait_screen
from tests.helpers import PASSWORD

QUICK = [q.id for q in load("counter").questions if q.quick]
PHONE = {"width": 390, "height": 844}
NO_ZBAR = not shutil.which("zbarimg") and not os.environ.get("KIOSK_REQUIRE_BROWSER")


@pytest.fixture
def server(live_server_factory):
    """A real server whose public address differs from the one the browsers use (localhost
    vs 127.0.0.1), so a QR code made from the Host header would be caught."""
    s = live_server_factory(env={"KIOSK_THANKS_SECONDS": "2"}, start=False)
    s.env["KIOSK_PUBLIC_BASE_URL"] = f"http://localhost:{s.port}"
    return s.start()


def sign_in(browser, server, user="lan", role="officer"):
    server.create_user(user, role)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + ("/receipts/" if role == "officer" else "/admin/"))  # officers start at receipts
    return page


def issue_on_page(page, server, dossier, procedure, appointment="2030-01-10", counter=""):
    page.goto(server.url + "/receipts/new")
    page.fill("#dossier_code", dossier)
    page.fill("#procedure", procedure)
    page.fill("#appointment_date", appointment)
    if counter:
        page.fill("#counter", counter)
    page.click('[data-testid="issue"]')
    page.wait_for_selector('[data-testid="receipt-code"]')
    return page.inner_text('[data-testid="receipt-code"]').replace("-", "")


def decode_qr(locator, path) -> str:
    locator.screenshot(path=str(path))
    return subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def pdf_size_mm(page) -> tuple[float, float]:
    from pypdf import PdfReader
    page.emulate_media(media="print")
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)


@pytest.mark.skipif(NO_ZBAR, reason="zbarimg (apt: zbar-tools) is needed to read QR codes")
def test_officer_issues_prints_and_the_citizen_rates_once_on_a_phone(browser, server, screenshot, shots):
    officer = sign_in(browser, server)
    code = issue_on_page(officer, server, "000.00.12.H55-260301-0007", "khai sinh", counter="Quầy 1")
    assert officer.inner_text('[data-testid="status"]') == "Chờ trả kết quả"
    screenshot(officer, "receipts-01-issued")
    public = f"http://localhost:{server.port}/r/{code}"
    assert officer.inner_text('[data-testid="public-url"]') == public

    # the 80 mm roll slip: readable code, procedure, appointment, and a QR code that decodes
    officer.click('[data-testid="slip-roll"]')
    officer.wait_for_selector('[data-testid="slip"]')
    slip = officer.inner_text('[data-testid="slip"]')
    for text in ("Đăng ký khai sinh", "10/01/2030", "Mời Ông/Bà quét mã để đánh giá sự hài lòng"):
        assert text in slip
    assert officer.inner_text('[data-testid="slip-code"]').replace("-", "") == code
    screenshot(officer, "receipts-02-slip-roll")
    assert decode_qr(officer.locator(".slip .qr-box svg"), shots / "receipts-qr-roll.png") == public
    width, height = pdf_size_mm(officer)
    assert width == 80 and height < 120  # 80 mm wide, as tall as the slip (no blank half)
    officer.emulate_media(media="screen")

    # the A4 sheet: the same slip in the first of eight places
    officer.go_back()
    officer.click('[data-testid="slip-a4"]')
    officer.wait_for_selector('[data-testid="slip"]')
    screenshot(officer, "receipts-03-slip-a4")
    assert decode_qr(officer.locator(".slip .qr-box svg"), shots / "receipts-qr-a4.png") == public
    assert pdf_size_mm(officer) == (210, 297)

    # the citizen's phone, without JavaScript, opens what the QR code says
    phone_context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                        has_touch=True, java_script_enabled=False, locale="vi-VN")
    phone = phone_context.new_page()
    loaded = []
    phone.on("response", lambda r: loaded.append(r.url))
    phone.goto(public)
    assert phone.inner_text('[data-testid="procedure-name"]') == "Đăng ký khai sinh"
    assert phone.locator("input:checked").count() == 0
    assert all(u.startswith(f"http://localhost:{server.port}/") for u in loaded), loaded
    box = phone.locator('[data-testid="q-overall"] label.opt').first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box
    assert phone.locator("html").bounding_box()["width"] <= PHONE["width"]
    screenshot(phone, "receipts-04-phone-form")
    phone.locator('[data-testid="q-overall"] label.opt:has(input[value="3"])').tap()
    with phone.expect_navigation():
        phone.locator('[data-testid="next"]').tap()
    phone.locator('[data-testid="q-reasons"] label.opt:has(input[value="waiting"])').tap()
    phone.locator('[data-testid="q-staff"] label.opt:has(input[value="5"])').tap()
    for _ in range(2):
        with phone.expect_navigation():
            phone.locator('[data-testid="next"]').tap()
        # the result is not returned yet ("Chờ trả kết quả"): "on time?" is not asked
        assert phone.locator('[data-testid="q-on_time"]').count() == 0
    phone.fill('[data-testid="q-comment"] textarea', "Cần thêm ghế chờ.")
    phone.locator('[data-testid="send"]').tap()
    phone.wait_for_url("**/r/thanks")
    assert phone.locator('[data-testid="notice-thanks"]').is_visible()
    screenshot(phone, "receipts-05-phone-thanks")

    rows = responses(server.db_path)
    assert len(rows) == 1
    row = rows[0]
    assert row["channel"] == "phone" and row["receipt"] == code and row["overall"] == 3
    assert row["dossier_code"] == "000.00.12.H55-260301-0007" and row["procedure_code"] == "1.001193"
    assert row["field"] == "Hộ tịch" and row["officer"] == "lan" and row["counter"] == "Quầy 1"
    assert row["answers"]["reasons"] == "waiting" and row["answers"]["staff"] == "5"
    assert "on_time" not in row["answers"]
    assert row["comment"] == "Cần thêm ghế chờ."

    # a second attempt with the same code is refused, showing nothing about the dossier
    second = phone.goto(public)
    assert second.status == 410
    assert phone.locator('[data-testid="notice-used"]').is_visible()
    assert "khai sinh" not in phone.content()
    screenshot(phone, "receipts-06-phone-used")
    assert len(responses(server.db_path)) == 1

    # the officer sees that the dossier was rated, never how
    officer.goto(server.url + f"/receipts/{code}")
    assert officer.inner_text('[data-testid="status"]') == "Đã đánh giá"
    assert "Bình thường" not in officer.content() and "ghế chờ" not in officer.content()
    phone_context.close()
    officer.context.close()


def test_returning_the_result_switches_the_counter_tablet_to_that_dossier(browser, server, screenshot, shots):
    tablet = enrolled_tablet(browser, server, name="Quầy 1")
    officer = sign_in(browser, server)
    code = issue_on_page(officer, server, "HS-2026-0042", "2.000884", counter="")
    officer.select_option("#counter", "Quầy 1")  # chosen from the tablets' counters
    officer.click('[data-testid="mark-returned"]')
    officer.wait_for_selector(".flash")
    assert officer.inner_text('[data-testid="status"]') == "Đã trả kết quả"
    screenshot(officer, "receipts-07-returned")

    tablet.wait_for_selector('[data-testid="procedure"]:visible', timeout=10_000)
    assert tablet.inner_text('[data-testid="procedure-name"]') == "Chứng thực chữ ký"
    assert "HS-2026-0042" not in tablet.content() and "lan" not in tablet.inner_text("body")
    tablet.screenshot(path=str(shots / "receipts-08-tablet-with-dossier.png"))
    tap(tablet, "face-4")  # the tap is the rating; "Xong" only ends it sooner
    wait_screen(tablet, "screen-ack")
    tap(tablet, "done")
    wait_screen(tablet, "thanks")
    wait_queue_empty(tablet)

    rows = responses(server.db_path)
    assert len(rows) == 1
    row = rows[0]
    assert row["channel"] == "kiosk" and row["kiosk"] == "Quầy 1" and row["overall"] == 4
    assert row["receipt"] == code and row["dossier_code"] == "HS-2026-0042"
    assert row["procedure_code"] == "2.000884" and row["field"] == "Chứng thực"
    assert row["officer"] == "lan" and row["counter"] == "Quầy 1"
    # the dossier leaves the tablet, and its code no longer works on a phone
    wait_screen(tablet, "screen-welcome")
    tablet.wait_for_selector('[data-testid="procedure"]', state="hidden", timeout=10_000)
    assert tablet.kiosk_errors == [], tablet.kiosk_errors
    officer.goto(server.url + f"/receipts/{code}")
    assert officer.inner_text('[data-testid="status"]') == "Đã đánh giá"
    assert officer.request.get(server.url + f"/r/{code}").status == 410
    officer.context.close()
    tablet.context.close()
