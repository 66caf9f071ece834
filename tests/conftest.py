"""Shared fixtures: an app on a fresh instance folder, clients in each role, and a real
server process (``python -m kiosk serve``) for browser and crash tests."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import create_app, store  # noqa: E402
from kiosk.web.auth import DEVICE_COOKIE, hash_password, hash_token  # noqa: E402
from kiosk.store.db import connect  # noqa: E402

PASSWORD = "mat-khau-1234"
ALWAYS_OPEN = {str(d): ["00:00-23:59"] for d in range(7)}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def app(tmp_path):
    app = create_app({"INSTANCE": tmp_path / "instance", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test",
                      "OPENING_HOURS": ALWAYS_OPEN, "COOLDOWN_SECONDS": 0})
    yield app


@pytest.fixture
def db(app):
    database = connect(app.config["DATABASE"])
    yield database
    database.conn.close()


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(db, name, role):
    store.create_user(db, name, hash_password(PASSWORD), role)


@pytest.fixture
def tablet(app, db):
    """A test client that is the enrolled tablet 'Quầy 1'."""
    token = "tablet-token-" + uuid.uuid4().hex
    store.enrol_kiosk(db, "Quầy 1", hash_token(token), "admin", counter="Quầy 1")
    c = app.test_client()
    c.set_cookie(DEVICE_COOKIE, token)
    c.environ_base["HTTP_X_KIOSK_REQUEST"] = "1"
    return c


def login(client, db, role, name=None):
    name = name or role
    if not store.get_user(db, username=name):
        make_user(db, name, role)
    r = client.post("/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 302, r.data[:500]
    return client


def rating_body(**over):
    body = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 5, "answers": {},
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
    body.update(over)
    return body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``python -m kiosk serve`` in a subprocess, exactly as the README runs it."""

    def __init__(self, instance: Path, env: dict | None = None):
        self.instance = instance
        self.db_path = instance / "kiosk.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KIOSK_INSTANCE": str(instance),
                    "KIOSK_OPENING_HOURS": json.dumps(ALWAYS_OPEN), **(env or {})}
        self.proc = None

    def start(self):
        # Output goes to a file: an unread pipe fills up and blocks the server's logging.
        self.log_path = self.instance.parent / f"{self.instance.name}-server.log"
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self, kill=False):
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    def cli(self, *args, input=None):
        return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=self.env,
                              input=input, capture_output=True, text=True, timeout=120)

    def create_user(self, name, role, password=PASSWORD):
        r = self.cli("create-user", name, "--role", role, "--password-stdin", input=password + "\n")
        assert r.returncode == 0, r.stderr

    def query(self, sql, params=()):
        conn = sqlite3.connect(self.db_path)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def enrol(self, page, name="Quầy 1", counter="Quầy 1", user="admin"):
        """Sign in on the enrolment page as an admin would on the tablet."""
        if not self.query("SELECT 1 FROM users WHERE username = ?", [user]):
            self.create_user(user, "admin")
        page.goto(self.url + "/enrol")
        page.fill("#username", user)
        page.fill("#password", PASSWORD)
        page.fill("#kiosk_name", name)
        page.fill("#counter", counter)
        page.click("button[type=submit]")
        page.wait_for_url(self.url + "/")


@pytest.fixture
def live_server_factory(tmp_path):
    servers = []

    def make(env=None, instance=None):
        server = LiveServer(instance or tmp_path / f"instance{len(servers)}", env)
        servers.append(server)
        return server.start()

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def live_server(live_server_factory):
    return live_server_factory()


def _browser_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session")
def browser():
    if not _browser_available():
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (KIOSK_REQUIRE_BROWSER) but /usr/bin/chromium is missing")
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


SHOTS = Path(os.environ.get("KIOSK_SHOTS", "/tmp/shots"))


def screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
