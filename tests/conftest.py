"""Shared fixtures: an app on a fresh instance folder, clients in each role, a fresh database
for the analysis tests, and a real server process (``python -m kiosk serve``) with a headless
Chromium for browser and crash tests. Every test that uses ``browser`` is marked ``browser``
(``python -m pytest -m "not browser"`` runs the fast part)."""
from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from kiosk import create_app, store
from kiosk.store import migrations
from kiosk.store.db import connect
from kiosk.web.auth import DEVICE_COOKIE, hash_password, hash_token
from tests.browser_helpers import SHOTS
from tests.helpers import ALWAYS_OPEN, PASSWORD, LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def pytest_collection_modifyitems(items):
    """Mark every test that drives Chromium (uses the ``browser`` fixture) as ``browser``."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


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


@pytest.fixture
def fresh_db(tmp_path):
    """A database with the kiosk's schema and nothing else (no app): for the analysis tests."""
    database = connect(tmp_path / "kiosk.db")
    migrations.apply(database)
    yield database
    database.conn.close()


@pytest.fixture
def make_user(db):
    """``make_user(name, role)``: a staff account in the app's database, with ``PASSWORD``."""
    def make(name, role):
        store.create_user(db, name, hash_password(PASSWORD), role)
    return make


@pytest.fixture
def login(db, make_user):
    """``login(client, role, name=None)``: sign ``client`` in as ``name`` (default: the role's
    name), making the account first if there is none; returns the client."""
    def login(client, role, name=None):
        name = name or role
        if not store.get_user(db, username=name):
            make_user(name, role)
        r = client.post("/login", data={"username": name, "password": PASSWORD})
        assert r.status_code == 302, r.data[:500]
        return client
    return login


@pytest.fixture
def tablet(app, db):
    """A test client that is the enrolled tablet 'Quầy 1', enrolled long ago: tests rate at
    fixed dates, and a tablet enrolled at today's real time would flag every rating dated
    before today ``unenrolled`` (the tests of that rule set ``enrolled_at`` themselves)."""
    token = "tablet-token-" + uuid.uuid4().hex
    store.enrol_kiosk(db, "Quầy 1", hash_token(token), "admin", counter="Quầy 1")
    db.execute("UPDATE kiosks SET enrolled_at = '2020-01-01T00:00:00.000Z' WHERE name = 'Quầy 1'")
    c = app.test_client()
    c.set_cookie(DEVICE_COOKIE, token)
    c.environ_base["HTTP_X_KIOSK_REQUEST"] = "1"
    return c


@pytest.fixture(scope="session")
def rating_body():
    """``rating_body(**over)``: the JSON body of a fresh counter rating (a 5, made now, a new
    id), with ``over`` replacing or adding fields."""
    def make(**over):
        body = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 5, "answers": {},
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
        body.update(over)
        return body
    return make


@pytest.fixture
def live_server_factory(tmp_path):
    """``make(env=None, instance=None, start=True)``: a ``LiveServer`` (started unless told
    not to), stopped after the test."""
    servers = []

    def make(env=None, instance=None, start=True):
        server = LiveServer(instance or tmp_path / f"instance{len(servers)}", env)
        servers.append(server)
        return server.start() if start else server

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def live_server(live_server_factory):
    return live_server_factory()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (KIOSK_REQUIRE_BROWSER) but /usr/bin/chromium is missing")
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    """The folder for screenshots a person looks at: $KIOSK_SHOTS, default /tmp/shots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def screenshot(shots):
    """``screenshot(page, name)``: the whole page as ``<shots>/<name>.png``."""
    def take(page, name):
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    return take
