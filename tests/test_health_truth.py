"""Issue 12: ``/healthz`` tells the truth, and so do the error pages.

Reproduced: with the disk full, every rating failed with 500 while ``/healthz`` said
``{"status": "ok"}``, and the 500 page told a citizen "Dữ liệu đã gửi không bị mất" when
nothing had been stored. Here a real tiny filesystem (tmpfs, needs root; skipped otherwise)
is filled up, and remounted read-only.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from kiosk import create_app, store
from kiosk.store.db import connect
from kiosk.web.auth import DEVICE_COOKIE, hash_password, hash_token
from kiosk.web.db import close_thread_connections
from tests.helpers import ALWAYS_OPEN, PASSWORD


@pytest.fixture
def tiny_disk(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


@pytest.fixture
def small_app(tiny_disk):
    app = create_app({"INSTANCE": tiny_disk / "instance", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "test", "OPENING_HOURS": ALWAYS_OPEN, "COOLDOWN_SECONDS": 0})
    db = connect(app.config["DATABASE"])
    store.create_user(db, "admin", hash_password(PASSWORD), "admin")
    store.enrol_kiosk(db, "Quầy 1", hash_token("tablet-token"), "admin", counter="Quầy 1")
    db.conn.close()
    return app


def tablet_of(app):
    c = app.test_client()
    c.set_cookie(DEVICE_COOKIE, "tablet-token")
    c.environ_base["HTTP_X_KIOSK_REQUEST"] = "1"
    return c


def fill(folder):
    """Fill the filesystem to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)


def _sign_in(client, app, role):
    """The ``login`` fixture works on the default app; this test has its own, on a tiny disk."""
    from kiosk import store
    from kiosk.domain.credentials import hash_password
    db = connect(app.config["DATABASE"])
    if not store.get_user(db, username=role):
        store.create_user(db, role, hash_password(PASSWORD), role)
    assert client.post("/login", data={"username": role, "password": PASSWORD}).status_code == 302


def test_healthz_is_ok_when_ratings_can_be_stored(small_app):
    r = small_app.test_client().get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_a_full_disk_is_a_503_with_its_reason_and_the_tablet_keeps_its_rating(rating_body, small_app, tiny_disk):
    client, tablet = small_app.test_client(), tablet_of(small_app)
    _sign_in(client, small_app, "admin")
    fill(tiny_disk)
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "error" and "full" in r.get_json()["reason"]
    body = rating_body()
    r = tablet.post("/api/v1/responses", json=body)
    # Not 201: not acknowledged. Not 400/413/422: the tablet keeps it queued and resends.
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "storage_unavailable"
    assert "tự gửi lại" in r.get_json()["error"]["message"]
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="storage-problem"' in page
    os.remove(tiny_disk / "filler")
    assert client.get("/healthz").status_code == 200
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    assert 'data-testid="storage-problem"' not in client.get("/admin/").get_data(as_text=True)


def test_a_read_only_database_is_a_503(rating_body, small_app, tiny_disk):
    client = small_app.test_client()
    assert client.get("/healthz").status_code == 200
    # The serving thread keeps its connection open, and `mount -o remount,ro` refuses a
    # file system with a file open for writing (a kernel that remounts a failing disk
    # read-only does not ask): this thread lets go of it first, as a fresh thread would.
    close_thread_connections(small_app)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)]).returncode == 0
    r = client.get("/healthz")
    assert r.status_code == 503 and r.get_json()["reason"]
    r = tablet_of(small_app).post("/api/v1/responses", json=rating_body())
    assert r.status_code == 503


def test_a_server_error_tells_the_tablet_it_will_resend(rating_body, app, tablet, monkeypatch):
    from kiosk.web import api
    monkeypatch.setattr(api, "submit", lambda *a, **k: 1 / 0)
    r = tablet.post("/api/v1/responses", json=rating_body())
    assert r.status_code == 500
    message = r.get_json()["error"]["message"]
    assert "chưa lưu" in message and "tự gửi lại" in message and "không bị mất" not in message


def test_a_server_error_on_the_phone_form_says_the_answer_was_not_saved(app, client, db, monkeypatch):
    from receipt_helpers import issue, make_token

    from kiosk.web import phone
    code = issue(client, make_token(db, "officer"))["code"]
    monkeypatch.setattr(phone, "submit", lambda *a, **k: 1 / 0)
    r = client.post(f"/r/{code}", data={"overall": "4"})
    page = r.get_data(as_text=True)
    assert r.status_code == 500 and "chưa được lưu" in page and "không bị mất" not in page
    assert store.count_responses(db) == 0
