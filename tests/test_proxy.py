"""Behind a reverse proxy (TRUSTED_PROXIES): the real client address and scheme, Secure
cookies and HSTS over https, throttles per citizen; with the default 0 the forwarded
headers a client makes up change nothing."""
from __future__ import annotations

import re

import pytest

from kiosk import create_app, store
from kiosk.domain import codes
from kiosk.store.db import connect
from kiosk.web.auth import hash_password
from tests.helpers import ALWAYS_OPEN, PASSWORD

PROXY = "127.0.0.1"  # Caddy on the same machine


def make(tmp_path, hops, **over):
    return create_app({"INSTANCE": tmp_path / f"proxies{hops}", "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "OPENING_HOURS": ALWAYS_OPEN,
                       "TRUSTED_PROXIES": hops, **over})


def via_proxy(app, client_ip, proto="https", host="hailong.example.vn"):
    """A test client whose requests arrive from the proxy, as Caddy forwards them."""
    c = app.test_client()
    c.environ_base.update({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip,
                           "HTTP_X_FORWARDED_PROTO": proto, "HTTP_X_FORWARDED_HOST": host})
    return c


def add_user(app, name, role):
    db = connect(app.config["DATABASE"])
    store.create_user(db, name, hash_password(PASSWORD), role)
    db.conn.close()


def sign_in(app, client):
    add_user(app, "canbo", "officer")
    return client.post("/login", data={"username": "canbo", "password": PASSWORD})


def session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_behind_one_https_proxy_the_session_cookie_is_secure_and_hsts_is_sent(tmp_path):
    app = make(tmp_path, 1)
    c = via_proxy(app, "203.0.113.7")
    r = sign_in(app, c)
    assert r.status_code == 302
    assert "Secure" in session_cookie(r)
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    # the redirect after sign-in stays on the public https address
    assert not r.headers["Location"].startswith("http://")


def test_behind_a_proxy_on_plain_http_the_cookie_is_not_secure(tmp_path):
    """A LAN proxy without TLS: a Secure cookie would never come back, sign-in would loop."""
    app = make(tmp_path, 1)
    r = sign_in(app, via_proxy(app, "192.168.1.50", proto="http"))
    assert "Secure" not in session_cookie(r)
    assert "Strict-Transport-Security" not in r.headers


def test_with_no_trusted_proxy_forwarded_headers_are_ignored(tmp_path):
    """Default 0: a client claiming https or another address in headers changes nothing."""
    app = make(tmp_path, 0)
    c = via_proxy(app, "203.0.113.7")
    r = sign_in(app, c)
    assert "Secure" not in session_cookie(r)
    assert "Strict-Transport-Security" not in r.headers
    assert app.test_client().get("/login", base_url="https://x").status_code == 200


def test_a_direct_https_request_gets_a_secure_cookie_even_without_a_proxy(tmp_path):
    """TLS terminated by the server itself (TRUSTED_PROXIES 0): still Secure, still HSTS."""
    app = make(tmp_path, 0)
    add_user(app, "canbo", "officer")
    r = app.test_client().post("/login", base_url="https://hailong.example.vn",
                               data={"username": "canbo", "password": PASSWORD})
    assert r.status_code == 302 and "Secure" in session_cookie(r)
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_can_be_switched_off(tmp_path):
    app = make(tmp_path, 1, HSTS_SECONDS=0)
    assert "Strict-Transport-Security" not in via_proxy(app, "203.0.113.7").get("/login").headers


@pytest.mark.parametrize("hops, separate", [(1, True), (0, False)])
def test_receipt_guessing_is_throttled_per_citizen_behind_the_proxy(tmp_path, hops, separate):
    """Two phones behind one proxy: one guessing codes does not lock out the other (hops 1);
    with 0 every citizen looks like the proxy, which is why TRUSTED_PROXIES exists."""
    app = make(tmp_path, hops, RECEIPT_GUESS_LIMIT=3)
    guesser, neighbour = via_proxy(app, "198.51.100.1"), via_proxy(app, "198.51.100.2")
    for _ in range(3):
        assert guesser.get(f"/r/{codes.new_code()}").status_code == 404
    assert guesser.get(f"/r/{codes.new_code()}").status_code == 429
    assert neighbour.get(f"/r/{codes.new_code()}").status_code == (404 if separate else 429)


def test_a_client_cannot_spoof_its_address_past_the_proxy(tmp_path):
    """Caddy appends the address it saw; only that last entry is trusted with one hop."""
    app = make(tmp_path, 1, RECEIPT_GUESS_LIMIT=2)
    for fake in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        c = via_proxy(app, f"{fake}, 198.51.100.9")  # the client wrote the first entry itself
        c.get(f"/r/{codes.new_code()}")
    assert via_proxy(app, "4.4.4.4, 198.51.100.9").get(f"/r/{codes.new_code()}").status_code == 429


def test_sign_in_failures_count_per_real_client_behind_the_proxy(tmp_path):
    app = make(tmp_path, 1)
    add_user(app, "lanh_dao", "leader")
    attacker, leader = via_proxy(app, "198.51.100.66"), via_proxy(app, "198.51.100.20")
    for _ in range(5):
        attacker.post("/login", data={"username": "lanh_dao", "password": "sai-mat-khau"})
    assert attacker.post("/login", data={"username": "lanh_dao", "password": PASSWORD}).status_code == 429
    assert leader.post("/login", data={"username": "lanh_dao", "password": PASSWORD}).status_code == 302


def test_csrf_protected_forms_work_over_https_behind_the_proxy(tmp_path):
    """Over https Flask-WTF wants a same-site Referer: the pages must let the browser send it."""
    app = create_app({"INSTANCE": tmp_path / "csrf", "TESTING": True, "SECRET_KEY": "t",
                      "TRUSTED_PROXIES": 1})
    add_user(app, "canbo", "officer")
    c = via_proxy(app, "203.0.113.7")
    page = c.get("/login")
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    r = c.post("/login", data={"username": "canbo", "password": PASSWORD, "csrf_token": token},
               headers={"Referer": "https://hailong.example.vn/login"})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


@pytest.mark.parametrize("hops, cleared", [(0, True), (1, False)])
def test_waitress_passes_forwarded_headers_on_only_when_a_proxy_is_trusted(tmp_path, monkeypatch, capsys,
                                                                          hops, cleared):
    """One layer reads forwarded headers (the app's ProxyFix); waitress drops them at 0 and
    passes them on otherwise, never applying them a second time itself."""
    import waitress

    from kiosk.__main__ import main
    seen = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.update(kw))
    monkeypatch.setenv("KIOSK_INSTANCE", str(tmp_path / "served"))
    monkeypatch.setenv("KIOSK_TRUSTED_PROXIES", str(hops))
    monkeypatch.setenv("KIOSK_BACKUP_EVERY_HOURS", "0")
    assert main(["serve", "--host", "0.0.0.0", "--port", "8099"]) == 0
    assert seen["clear_untrusted_proxy_headers"] is cleared and seen["trusted_proxy"] is None
    warned = "anyone who reaches it directly can fake their address" in capsys.readouterr().err
    assert warned is bool(hops)  # trusting a proxy while listening on every address is a mistake
