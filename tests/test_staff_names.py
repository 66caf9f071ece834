"""Staff as people: an officer starts at the receipts, accounts carry a full name (họ tên)
that receipts, the complaints inbox and reports show instead of the sign-in name; and
every setting a page reads comes from the settings table."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from kiosk import settings, store
from kiosk.web.auth import hash_password
from tests.helpers import PASSWORD, ROOT


def test_an_officer_lands_on_receipts_after_sign_in_and_others_on_the_overview(client, db, make_user):
    make_user("canbo1", "officer")
    r = client.post("/login", data={"username": "canbo1", "password": PASSWORD})
    assert r.headers["Location"].endswith("/receipts/")
    client.post("/logout")
    make_user("lanhdao", "leader")
    r = client.post("/login", data={"username": "lanhdao", "password": PASSWORD})
    assert r.headers["Location"].endswith("/admin/")
    client.post("/logout")
    r = client.post("/login?next=/catalogue/procedures", data={"username": "canbo1", "password": PASSWORD})
    assert r.headers["Location"].endswith("/catalogue/procedures")  # a deep link still wins


def test_create_user_takes_a_full_name(app, db):
    env = {**os.environ, "KIOSK_INSTANCE": app.instance_path}
    r = subprocess.run([sys.executable, "-m", "kiosk", "create-user", "canbo1", "--role", "officer",
                        "--full-name", "Nguyễn Thị Lan", "--password-stdin"], cwd=ROOT, env=env,
                       input=PASSWORD + "\n", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert store.get_user(db, username="canbo1")["full_name"] == "Nguyễn Thị Lan"


def test_the_receipt_shows_the_officers_full_name_and_so_do_the_ratings(app, client, db, login):
    store.create_user(db, "canbo1", hash_password(PASSWORD), "officer", "Nguyễn Thị Lan")
    login(client, "officer", name="canbo1")
    page = client.get("/receipts/new").get_data(as_text=True)
    assert re.search(r'name="officer"[^>]*value="Nguyễn Thị Lan"', page), "the form starts with the full name"
    assert "Nguyễn Thị Lan (" in page  # who is signed in, in the top bar
    assert "canbo1 (" not in page


def test_the_inbox_shows_who_handles_a_complaint_by_full_name(client, db, tablet, rating_body, login, make_user):
    body = rating_body(overall=1, complaint={"topic": "officer", "text": "Chờ lâu quá"})
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    (complaint,) = store.list_complaints(db)
    login(client, "admin")
    make_user("lanhdao", "leader")
    store.set_full_name(db, "lanhdao", "Trần Văn Minh")
    r = client.post(f"/admin/complaints/{complaint['id']}", data={"action": "assign", "assignee": "lanhdao"})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    inbox = client.get("/admin/complaints/").get_data(as_text=True)
    assert "Trần Văn Minh" in inbox
    detail = client.get(f"/admin/complaints/{complaint['id']}").get_data(as_text=True)
    assert "Trần Văn Minh" in detail


def test_the_admin_adds_and_corrects_full_names(client, db, login):
    login(client, "admin")
    r = client.post("/admin/users", data={"username": "canbo2", "full_name": "Lê Thị Hoa",
                                          "role": "officer", "password": "mat-khau-dai"})
    assert r.status_code == 302
    assert store.get_user(db, username="canbo2")["full_name"] == "Lê Thị Hoa"
    user_id = store.get_user(db, username="canbo2")["id"]
    client.post(f"/admin/users/{user_id}/full-name", data={"full_name": "Lê Thị Hòa"})
    assert store.get_user(db, username="canbo2")["full_name"] == "Lê Thị Hòa"
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'value="Lê Thị Hòa"' in page


FLASK_OWN = {"SECRET_KEY", "TESTING", "DATABASE", "SESSION_COOKIE_SECURE", "WTF_CSRF_ENABLED",
             "INSTANCE", "DEBUG"}


def test_every_setting_a_page_reads_is_in_the_settings_table():
    """No view keeps a default of its own: what it reads, config.py documents."""
    from kiosk import FIXED as fixed
    known = set(settings.BY_NAME) | set(fixed) | FLASK_OWN
    read = re.compile(r"""config(?:\[["']|\.get\(["']|\.)([A-Z][A-Z0-9_]{2,})""")
    inline_default = re.compile(r"""config\.get\(["'][A-Z_]+["']\s*,""")
    strays, defaults = [], []
    places = list((ROOT / "kiosk" / "web").rglob("*.py")) + list((ROOT / "kiosk" / "web" / "templates").rglob("*.html"))
    for path in places:
        source = path.read_text(encoding="utf-8")
        strays += [f"{path.name}: {name}" for name in read.findall(source) if name not in known]
        defaults += [f"{path.name}: {m}" for m in inline_default.findall(source)]
    assert not strays, strays
    assert not defaults, defaults
