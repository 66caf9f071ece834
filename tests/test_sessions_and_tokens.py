"""Issue 12: a staff session ends when it should, and API tokens can be listed and revoked.

The attacks as reproduced: a copied ``session`` cookie kept working after logout and after
an admin reset that user's password; a leaked leader token could only be stopped with SQL.
"""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kiosk import create_app, store
from kiosk.settings import SettingsError
from tests.helpers import ROOT
from tests.receipt_helpers import make_token


def copy_of(client, app):
    """A second browser holding a copy of ``client``'s session cookie (what a thief has)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(thief) -> bool:
    admin = thief.get("/admin/").status_code == 200
    api = thief.get("/api/v1/summary").status_code == 200
    assert admin == api
    return admin


def user_id(db, name):
    return next(u["id"] for u in store.list_users(db) if u["username"] == name)


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(login, app, client, db):
    login(client, "leader")
    thief = copy_of(client, app)
    assert signed_in(thief)
    assert client.post("/logout").status_code == 302
    assert not signed_in(thief)
    assert thief.get("/admin/").headers["Location"].startswith("/login")


def test_signing_out_on_one_pc_ends_the_session_on_the_other(login, app, db):
    office, home = app.test_client(), app.test_client()
    login(office, "leader")
    login(home, "leader")
    office.post("/logout")
    assert home.get("/admin/").status_code == 302


def test_an_admin_password_reset_ends_every_session_of_that_user(login, app, client, db):
    login(client, "leader")
    thief = copy_of(client, app)
    admin = login(app.test_client(), "admin")
    r = admin.post(f"/admin/users/{user_id(db, 'leader')}/password", data={"password": "mat-khau-moi-99"})
    assert r.status_code == 302
    assert not signed_in(thief) and not signed_in(client)
    assert signed_in(admin)  # the admin who reset it stays signed in


def test_deactivating_a_user_ends_their_sessions_at_once(login, app, client, db):
    login(client, "leader")
    admin = login(app.test_client(), "admin")
    admin.post(f"/admin/users/{user_id(db, 'leader')}/active")
    assert not signed_in(client)


def test_a_role_change_ends_the_sessions_signed_in_with_the_old_role(login, app, client, db):
    login(client, "officer", name="lan")
    admin = login(app.test_client(), "admin")
    assert client.get("/receipts/").status_code == 200
    r = admin.post(f"/admin/users/{user_id(db, 'lan')}/role", data={"role": "leader"})
    assert r.status_code == 302
    assert client.get("/receipts/").status_code == 302  # signed out, not silently promoted
    assert store.get_user(db, username="lan")["role"] == "leader"
    login(client, "leader", name="lan")
    assert client.get("/admin/dashboard/").status_code == 200


def test_a_password_change_on_the_command_line_ends_the_sessions_too(login, app, client, db, tmp_path):
    login(client, "leader")
    env = {"KIOSK_INSTANCE": str(app.instance_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "kiosk", "create-user", "leader", "--role", "leader",
                        "--password-stdin"], cwd=ROOT, env=env, input="mat-khau-moi-99\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "sessions have ended" in r.stdout
    assert not signed_in(client)


@pytest.mark.parametrize("hours_ago, still_in", [(7.9, True), (8.1, False)])
def test_a_staff_session_ends_after_eight_idle_hours(login, client, db, hours_ago, still_in):
    login(client, "leader")
    with client.session_transaction() as s:
        s["seen"] = int(time.time() - hours_ago * 3600)
    assert signed_in(client) is still_in


def test_using_the_site_keeps_the_session_alive(login, client, db):
    login(client, "leader")
    with client.session_transaction() as s:
        s["seen"] = int(time.time() - 7.9 * 3600)
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as s:
        assert time.time() - s["seen"] < 60


def test_the_idle_limit_is_a_checked_setting(tmp_path):
    app = create_app({"INSTANCE": tmp_path / "i", "TESTING": True, "SECRET_KEY": "t", "SESSION_IDLE_HOURS": 1})
    assert app.config["SESSION_IDLE_HOURS"] == 1
    with pytest.raises(SettingsError, match="SESSION_IDLE_HOURS"):
        create_app({"INSTANCE": tmp_path / "j", "TESTING": True, "SECRET_KEY": "t", "SESSION_IDLE_HOURS": "abc"})


def test_the_tablet_keeps_its_device_credential_when_staff_sign_out(login, rating_body, app, client, db, tablet):
    login(client, "admin")
    client.post("/logout")
    with tablet.session_transaction() as s:
        s["seen"] = 0  # even a stale staff session on the tablet's browser changes nothing
    assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 201


# --- tokens --------------------------------------------------------------------------------

def cli(app, *args):
    env = {"KIOSK_INSTANCE": str(app.instance_path), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_an_admin_lists_tokens_without_ever_seeing_one(app, db):
    made = cli(app, "create-token", "phần mềm một cửa", "--role", "leader")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    listed = cli(app, "list-tokens")
    assert listed.returncode == 0
    assert "phần mềm một cửa" in listed.stdout and "leader" in listed.stdout and "active" in listed.stdout
    assert token not in listed.stdout
    (row,) = db.query("SELECT token_hash FROM api_tokens")
    assert row["token_hash"] not in listed.stdout


def test_a_leaked_leader_token_is_revoked_from_the_command_line(app, client, db):
    made = cli(app, "create-token", "leaked", "--role", "leader")
    headers = {"Authorization": "Bearer " + made.stdout.strip()}
    assert client.get("/api/v1/summary", headers=headers).status_code == 200
    r = cli(app, "revoke-token", "leaked")
    assert r.returncode == 0 and "Revoked 1" in r.stdout
    assert client.get("/api/v1/summary", headers=headers).status_code == 401
    assert "revoked" in cli(app, "list-tokens").stdout
    again = cli(app, "revoke-token", "leaked")
    assert again.returncode == 1 and "no active token" in again.stderr


def test_an_admin_revokes_a_token_on_the_accounts_page(login, app, client, db):
    headers = make_token(db, "leader", name="Báo cáo tỉnh")
    assert client.get("/api/v1/summary", headers=headers).status_code == 200
    login(client, "admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Báo cáo tỉnh" in page and headers["Authorization"][7:] not in page
    (row,) = store.list_tokens(db)
    assert client.post(f"/admin/tokens/{row['id']}/revoke").status_code == 302
    assert client.get("/api/v1/summary", headers=headers).status_code == 401
    assert "Đã thu hồi" in client.get("/admin/users").get_data(as_text=True)


def test_only_an_admin_may_revoke_tokens(login, app, client, db):
    make_token(db, "leader")
    (row,) = store.list_tokens(db)
    login(client, "leader")
    assert client.post(f"/admin/tokens/{row['id']}/revoke").status_code == 403
    assert not store.list_tokens(db)[0]["revoked"]
