"""Backups on a schedule, built into the server: made, checked, rotated, shown on the
overview; ``restore`` puts one back with the server stopped, and checks it."""
from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

from kiosk import clock
from kiosk.domain import backups
from kiosk.store.backup import SCHEDULED, check_copy, made_order, record
from tests.helpers import send


def scheduled_copies(folder):
    if not folder.exists():
        return []
    return [p.name for p in sorted((p for p in folder.iterdir() if SCHEDULED.match(p.name)), key=made_order)]


def test_copies_made_in_the_same_second_are_kept_in_the_order_they_were_made(tmp_path):
    names = ["kiosk-20261202-004012-2.db", "kiosk-20261202-004012.db", "kiosk-20261202-004013.db",
             "kiosk-20261202-004012-10.db", "kiosk-20261201-235959.db"]
    for name in names:
        (tmp_path / name).touch()
    assert scheduled_copies(tmp_path) == ["kiosk-20261201-235959.db", "kiosk-20261202-004012.db",
                                          "kiosk-20261202-004012-2.db", "kiosk-20261202-004012-10.db",
                                          "kiosk-20261202-004013.db"]


def test_the_server_backs_up_on_schedule_checks_and_keeps_the_newest(live_server_factory, rating_body):
    # a period of 1.8 s stands for a day; three are kept
    server = live_server_factory(env={"KIOSK_BACKUP_EVERY_HOURS": "0.0005", "KIOSK_BACKUP_KEEP": "3"})
    token = server.cli("create-token", "Quầy 1", "--role", "kiosk").stdout.strip()
    sent = [rating_body(overall=4) for _ in range(5)]
    assert all(send(server.url, token, b) == 201 for b in sent)
    folder = server.instance / "backups"
    deadline = time.time() + 30
    while time.time() < deadline and len(server.query("SELECT * FROM backups WHERE ok = 1")) < 5:
        time.sleep(0.3)
    made = server.query("SELECT * FROM backups WHERE ok = 1 ORDER BY id")
    assert len(made) >= 5, made
    assert all(r["kind"] == "scheduled" for r in made)
    kept = scheduled_copies(folder)
    assert len(kept) == 3  # the older ones were rotated away
    newest = check_copy(folder / kept[-1])
    assert newest["ok"] and newest["responses"] == 5
    assert (folder / kept[-1]).stat().st_mode & 0o077 == 0  # not readable by other users
    server.stop()
    assert "Backup:" in server.log_path.read_text(encoding="utf-8")


def test_with_backups_off_the_server_says_so(live_server_factory):
    server = live_server_factory(env={"KIOSK_BACKUP_EVERY_HOURS": "0"})
    time.sleep(0.5)
    server.stop()
    assert "scheduled backups are off" in server.log_path.read_text(encoding="utf-8")
    assert not scheduled_copies(server.instance / "backups")


def test_a_copy_that_fails_its_check_is_not_kept(app, db, monkeypatch):
    import kiosk.store.backup as store_backup
    monkeypatch.setattr(store_backup, "check_copy", lambda path: {
        "ok": False, "responses": 0, "detail": "integrity_check: page 3 is never used"})
    result = backups.run_once(app.config, app.instance_path)
    assert not result["ok"] and not result["kept"]
    assert scheduled_copies(backups.folder(app.config, app.instance_path)) == []
    assert backups.status(db, app.config, clock.utcnow())["failed"]["detail"].startswith("integrity_check")


def test_a_damaged_database_is_still_copied_and_nothing_good_is_rotated_away(
        app, db, client, tablet, rating_body, login):
    """The copy of a database whose chain is broken is faithful: kept, but never counted as
    good, and the good backups made before the damage stay."""
    app.config.update(BACKUP_KEEP=1)
    for _ in range(3):
        assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 201
    good = backups.run_once(app.config, app.instance_path)
    assert good["ok"]
    db.execute("UPDATE responses SET overall = 1 WHERE seq = 2")  # someone edited a rating
    for _ in range(2):
        result = backups.run_once(app.config, app.instance_path)
        assert not result["ok"] and result["kept"] and "#2" in result["detail"]
    folder = backups.folder(app.config, app.instance_path)
    assert len(scheduled_copies(folder)) == 3 and check_copy(good["file"])["ok"]
    page = login(client, "admin").get("/admin/").get_data(as_text=True)
    assert 'data-testid="backup-failed"' in page and "#2" in page
    assert 'data-testid="doctor-backup"' not in page  # said once on the overview, not twice
    assert 'data-testid="doctor-backup"' in client.get("/admin/users").get_data(as_text=True)


def test_the_overview_shows_the_last_good_backup_and_warns_when_two_periods_old(app, db, client, login):
    login(client, "officer")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Chưa có bản sao lưu nào" in page
    result = backups.run_once(app.config, app.instance_path)
    assert result["ok"]
    page = client.get("/admin/").get_data(as_text=True)
    assert "Bản sao lưu tốt gần nhất" in page and 'data-testid="backup-stale"' not in page
    old = clock.iso(clock.utcnow() - timedelta(hours=49))  # BACKUP_EVERY_HOURS = 24
    db.execute("DELETE FROM backups")
    record(db, old, "/somewhere/kiosk-old.db", True, 3)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="backup-stale"' in page and "48 giờ" in page
    assert backups.status(db, app.config, clock.utcnow())["stale"]


def test_a_manual_backup_is_checked_and_recorded(live_server):
    r = live_server.cli("backup", str(live_server.instance / "by-hand.db"))
    assert r.returncode == 0 and "hash chain checked" in r.stdout
    rows = live_server.query("SELECT kind, ok FROM backups WHERE kind = 'manual'")
    assert rows == [{"kind": "manual", "ok": 1}]


def test_restore_refuses_while_the_server_runs_then_puts_the_backup_back(live_server_factory, tmp_path, rating_body):
    server = live_server_factory()
    token = server.cli("create-token", "Quầy 1", "--role", "kiosk").stdout.strip()
    first = [rating_body(overall=5) for _ in range(3)]
    assert all(send(server.url, token, b) == 201 for b in first)
    assert server.cli("backup", str(tmp_path / "good.db")).returncode == 0
    assert send(server.url, token, rating_body(overall=1)) == 201  # after the backup

    refused = server.cli("restore", str(tmp_path / "good.db"))
    assert refused.returncode == 1 and "server is running" in refused.stderr
    assert len(server.query("SELECT id FROM responses")) == 4  # untouched

    server.stop()
    done = server.cli("restore", str(tmp_path / "good.db"))
    assert done.returncode == 0, done.stderr
    assert "3 responses" in done.stdout
    assert {r["id"] for r in server.query("SELECT id FROM responses")} == {b["id"] for b in first}
    kept = list((server.instance / "backups").glob("before-restore-*.db"))
    assert len(kept) == 1 and check_copy(kept[0])["responses"] == 4  # nothing lost for good
    assert server.cli("verify").returncode == 0


def test_restore_refuses_a_damaged_or_tampered_backup(live_server_factory, tmp_path, rating_body):
    server = live_server_factory()
    token = server.cli("create-token", "Quầy 1", "--role", "kiosk").stdout.strip()
    assert all(send(server.url, token, rating_body()) == 201 for _ in range(2))
    assert server.cli("backup", str(tmp_path / "copy.db")).returncode == 0
    server.stop()
    conn = sqlite3.connect(tmp_path / "copy.db")
    conn.execute("UPDATE responses SET overall = 1 WHERE seq = 1")
    conn.commit()
    conn.close()
    r = server.cli("restore", str(tmp_path / "copy.db"))
    assert r.returncode == 1 and "hash chain broken at response #1" in r.stderr
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    r = server.cli("restore", str(tmp_path / "junk.db"))
    assert r.returncode == 1 and "Nothing was changed" in r.stderr
    assert len(server.query("SELECT id FROM responses")) == 2
