"""The command line: help everywhere, users, tokens, verify, backup."""
import sqlite3
import subprocess
import sys

import pytest

from kiosk.__main__ import build_parser
from tests.helpers import PASSWORD, ROOT

COMMANDS = ["serve", "create-user", "create-token", "demo-data", "backup", "restore", "doctor", "verify",
            "list-tokens", "revoke-token", "send-report", "create-unit", "list-units", "import-unit",
            "rebuild-rollups", "unit-settings"]


def run(tmp_path, *args, input=None):
    env = {"KIOSK_INSTANCE": str(tmp_path / "inst"), "PATH": "/usr/bin:/bin"}
    import os
    env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env,
                          input=input, capture_output=True, text=True, timeout=60)


def test_every_command_has_a_one_line_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    helps = {action.dest: action.help for action in sub._choices_actions}
    assert sorted(helps) == sorted(COMMANDS)
    assert all(helps.values()), helps


@pytest.mark.parametrize("command", COMMANDS)
def test_help_runs(tmp_path, command):
    r = run(tmp_path, command, "--help")
    assert r.returncode == 0 and "usage:" in r.stdout


def test_create_user_and_token(tmp_path):
    r = run(tmp_path, "create-user", "chu-tich", "--role", "leader", "--password-stdin",
            input=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(tmp_path / "inst" / "kiosk.db")
    (role, hashed), = db.execute("SELECT role, password_hash FROM users WHERE username='chu-tich'")
    assert role == "leader" and PASSWORD not in hashed
    r = run(tmp_path, "create-token", "tinh", "--role", "leader")
    token = r.stdout.strip()
    assert r.returncode == 0 and len(token) >= 40
    (stored,), = db.execute("SELECT token_hash FROM api_tokens WHERE name='tinh'")
    assert stored != token


def test_short_password_is_refused(tmp_path):
    r = run(tmp_path, "create-user", "a", "--role", "admin", "--password-stdin", input="123\n")
    assert r.returncode == 2 and "8 characters" in r.stderr


def test_verify_finds_a_tampered_response(tmp_path, app, tablet, db, rating_body):
    for overall in (5, 4, 1):
        assert tablet.post("/api/v1/responses", json=rating_body(overall=overall)).status_code == 201
    env_inst = app.instance_path
    import os
    env = {**os.environ, "KIOSK_INSTANCE": env_inst}
    ok = subprocess.run([sys.executable, "-m", "kiosk", "verify"], cwd=ROOT, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "3 responses" in ok.stdout
    db.execute("UPDATE responses SET overall = 5 WHERE seq = 3")
    bad = subprocess.run([sys.executable, "-m", "kiosk", "verify"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "#3" in bad.stdout


def test_backup_copies_every_response(tmp_path, app, tablet, rating_body):
    for _ in range(3):
        tablet.post("/api/v1/responses", json=rating_body())
    import os
    env = {**os.environ, "KIOSK_INSTANCE": app.instance_path}
    target = tmp_path / "copy.db"
    r = subprocess.run([sys.executable, "-m", "kiosk", "backup", str(target)], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sqlite3.connect(target).execute("SELECT count(*) FROM responses").fetchone()[0] == 3
