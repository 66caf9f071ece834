"""The kiosk behind a real Caddy (deploy/Caddyfile.lan, ``tls internal``) on loopback, as a
commune runs it: Chromium fills the phone form through https, the session cookie is
Secure, two citizens behind the proxy are throttled apart, and the QR codes point at the
https public address."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import PASSWORD, ROOT, free_port

CADDY = shutil.which("caddy")


@pytest.fixture
def caddy_bin():
    if not CADDY:
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail("caddy is required here (apt-get install caddy) but is missing")
        pytest.skip("no caddy (apt-get install caddy)")
    return CADDY


def caddyfile(app_port: int, https_port: int, http_port: int, data: Path) -> str:
    """deploy/Caddyfile.lan as shipped, on test ports, keeping its state under ``data``."""
    site = (ROOT / "deploy" / "Caddyfile.lan").read_text(encoding="utf-8")
    assert "hailong.lan {" in site and "reverse_proxy 127.0.0.1:8080" in site
    site = (site.replace("hailong.lan {", f"localhost:{https_port} {{")
                .replace("reverse_proxy 127.0.0.1:8080", f"reverse_proxy 127.0.0.1:{app_port}"))
    return ("{\n\tadmin off\n\tdefault_bind 127.0.0.1\n\tskip_install_trust\n\tdefault_sni localhost\n"
            f"\thttp_port {http_port}\n\thttps_port {https_port}\n"
            f"\tstorage file_system {{\n\t\troot {data}\n\t}}\n}}\n\n" + site)


def wait_for(port: int, timeout=20):
    deadline = time.time() + timeout
    ctx = ssl._create_unverified_context()
    while time.time() < deadline:
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=2)
        try:
            c.request("GET", "/healthz", headers={"Host": f"localhost:{port}"})
            r = c.getresponse()
            r.read()
            if r.status == 200:
                return
        except OSError:
            pass
        finally:
            c.close()
        time.sleep(0.2)
    raise RuntimeError("caddy did not answer on https")


@pytest.fixture
def behind_caddy(caddy_bin, live_server_factory, tmp_path):
    """``python -m kiosk serve`` on 127.0.0.1 behind Caddy with tls internal; yields
    (server, public https base address)."""
    https_port, http_port = free_port(), free_port()
    public = f"https://localhost:{https_port}"
    server = live_server_factory(env={"KIOSK_TRUSTED_PROXIES": "1", "KIOSK_PUBLIC_BASE_URL": public,
                                      "KIOSK_RECEIPT_GUESS_LIMIT": "3"})
    home = tmp_path / "caddy-home"
    (home / "data").mkdir(parents=True)
    config = tmp_path / "Caddyfile"
    config.write_text(caddyfile(server.port, https_port, http_port, home / "data"), encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "xdg-data"),
           "XDG_CONFIG_HOME": str(home / "xdg-config")}
    log = open(tmp_path / "caddy.log", "wb")
    proc = subprocess.Popen([caddy_bin, "run", "--adapter", "caddyfile", "--config", str(config)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(https_port)
        yield server, public, https_port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def https(port, method, path, source="127.0.0.1", body=None, headers=None):
    """One request to Caddy from ``source`` (any 127.x address is this machine)."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ssl._create_unverified_context(),
                                       timeout=10, source_address=(source, 0))
    hdrs = {"Host": f"localhost:{port}", **(headers or {})}
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        hdrs["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        return r.status, r.read(), r  # the headers stay readable once the socket is closed
    finally:
        conn.close()


def test_citizen_rates_on_a_phone_through_https_behind_caddy(behind_caddy, browser):
    server, public, port = behind_caddy
    token = server.cli("create-token", "một cửa", "--role", "officer").stdout.strip()
    status, body, _ = https(port, "POST", "/api/v1/receipts",
                            body={"dossier_code": "HS-CADDY-1", "procedure_code": "1.001193",
                                  "officer": "Nguyễn Thị Lan", "appointment_date": "2030-01-10"},
                            headers={"Authorization": f"Bearer {token}"})
    assert status == 201, body
    receipt = json.loads(body)
    # the QR code carries the https public address, not the server's loopback one
    assert receipt["url"] == f"{public}/r/{receipt['code']}"

    context = browser.new_context(ignore_https_errors=True, is_mobile=True, has_touch=True,
                                  viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone = context.new_page()
    phone.goto(receipt["url"])
    assert phone.url.startswith("https://")
    phone.locator('[data-testid="q-overall"] label.opt:has(input[value="4"])').tap()
    phone.locator('[data-testid="send-now"]').tap()
    phone.wait_for_url("**/r/thanks")
    assert phone.url.startswith(public)
    session = [c for c in context.cookies() if c["name"] == "session"]
    assert session and all(c["secure"] for c in session), context.cookies()
    context.close()
    rows = server.query("SELECT channel, overall, receipt FROM responses")
    assert rows == [{"channel": "phone", "overall": 4, "receipt": receipt["code"]}]


def test_hsts_and_secure_cookie_arrive_through_caddy(behind_caddy):
    _, _, port = behind_caddy
    status, _, r = https(port, "GET", "/login")
    assert status == 200
    assert r.getheader("Strict-Transport-Security", "").startswith("max-age=")
    assert "Secure" in r.getheader("Set-Cookie", "")


def test_two_citizens_behind_caddy_are_throttled_apart(behind_caddy):
    """One phone guessing codes is paused; a phone at another address still gets its form
    page (the proxy's own address is not what the throttle counts)."""
    _, _, port = behind_caddy
    for n in range(3):
        assert https(port, "GET", f"/r/ABCDEFGH{n}", source="127.0.0.2")[0] == 404
    assert https(port, "GET", "/r/ABCDEFGHK", source="127.0.0.2")[0] == 429
    # a made-up X-Forwarded-For does not get the guesser out: Caddy writes the real address
    assert https(port, "GET", "/r/ABCDEFGHM", source="127.0.0.2",
                 headers={"X-Forwarded-For": "10.9.9.9"})[0] == 429
    assert https(port, "GET", "/r/ABCDEFGHN", source="127.0.0.3")[0] == 404


def test_officer_signs_in_through_https_and_the_slip_points_at_the_public_address(behind_caddy, browser):
    """Sign-in and the receipt form post through Caddy with CSRF on (over https Flask-WTF
    also checks the Referer, which the pages must let the browser send)."""
    server, public, _ = behind_caddy
    server.create_user("lan", "officer")
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900},
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.goto(public + "/login")
    page.fill("#username", "lan")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(public + "/receipts/")
    page.goto(public + "/receipts/new")
    page.fill("#dossier_code", "HS-CADDY-2")
    page.fill("#procedure", "khai sinh")
    page.fill("#appointment_date", "2030-01-10")
    page.click('[data-testid="issue"]')
    page.wait_for_selector('[data-testid="receipt-code"]')
    code = page.inner_text('[data-testid="receipt-code"]').replace("-", "")
    assert page.inner_text('[data-testid="public-url"]') == f"{public}/r/{code}"
    assert all(c["secure"] for c in context.cookies() if c["name"] == "session")
    context.close()
