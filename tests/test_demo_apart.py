"""Demo data keeps apart: ``demo-data`` writes its own database (instance/demo.db) with its
officers, counters, receipts and complaints; the real catalogue, inbox and figures never
see it; ``demo-data --remove`` takes every demo row away and leaves real data verifiable."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date

from kiosk import create_app, store
from kiosk.domain import demo
from kiosk.store.db import connect
from tests.helpers import ALWAYS_OPEN, PASSWORD, ROOT


def cli(instance, *args, env=None, input=None):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, input=input,
                          env={**os.environ, "KIOSK_INSTANCE": str(instance), **(env or {})},
                          capture_output=True, text=True, timeout=120)


def snapshot(path):
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("responses", "answers", "receipts", "complaints", "officers", "counters",
                          "kiosks", "procedures")}
    finally:
        conn.close()


def real_instance(tmp_path, rating_body):
    """An instance in use: an admin, a tablet and three real ratings."""
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE": instance, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t" * 32, "OPENING_HOURS": ALWAYS_OPEN, "COOLDOWN_SECONDS": 0})
    db = connect(app.config["DATABASE"])
    assert cli(instance, "create-user", "admin", "--role", "admin", "--password-stdin",
               input=PASSWORD + "\n").returncode == 0
    token = cli(instance, "create-token", "Quầy 1", "--role", "kiosk").stdout.strip()
    c = app.test_client()
    for overall in (5, 4, 2):
        assert c.post("/api/v1/responses", json=rating_body(overall=overall),
                      headers={"Authorization": f"Bearer {token}"}).status_code == 201
    return instance, db


def test_demo_data_never_touches_the_real_database_and_is_removed_whole(tmp_path, rating_body):
    instance, db = real_instance(tmp_path, rating_body)
    before = snapshot(instance / "kiosk.db")
    r = cli(instance, "demo-data", "--responses", "300", "--days", "20")
    assert r.returncode == 0, r.stderr
    assert "was not touched" in r.stdout
    assert snapshot(instance / "kiosk.db") == before  # catalogue, inbox and figures unchanged
    demo_db = sqlite3.connect(instance / "demo.db")
    assert demo_db.execute("SELECT count(*), sum(demo) FROM responses").fetchone() == (300, 300)
    assert demo_db.execute("SELECT count(*) FROM officers WHERE name LIKE '%(mẫu)'").fetchone()[0] > 0
    assert demo_db.execute("SELECT count(*) FROM complaints WHERE demo != 1").fetchone()[0] == 0
    demo_db.close()

    removed = cli(instance, "demo-data", "--remove")
    assert removed.returncode == 0, removed.stderr
    assert not (instance / "demo.db").exists()
    assert snapshot(instance / "kiosk.db") == before
    assert "3 responses, hash chain verified" in removed.stdout
    assert cli(instance, "verify").returncode == 0


def test_the_demo_database_is_shown_as_demo_and_staff_can_sign_in_to_it(tmp_path, rating_body):
    instance, _ = real_instance(tmp_path, rating_body)
    assert cli(instance, "demo-data", "--responses", "50", "--days", "5").returncode == 0
    app = create_app({"INSTANCE": instance, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t" * 32, "DEMO_MODE": True})
    assert app.config["DATABASE"].endswith("demo.db")
    c = app.test_client()
    assert c.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    page = c.get("/admin/").get_data(as_text=True)
    assert 'data-testid="demo-mode"' in page and "DỮ LIỆU MẪU" in page
    assert "50" in page  # the demo ratings, not the three real ones
    assert 'data-testid="doctor-demo_mode"' in page
    real = create_app({"INSTANCE": instance, "TESTING": True, "SECRET_KEY": "t" * 32})
    assert 'data-testid="demo-mode"' not in real.test_client().get("/login").get_data(as_text=True)


def test_remove_refuses_while_the_server_serves_the_demo(tmp_path, live_server_factory, rating_body):
    instance, db = real_instance(tmp_path, rating_body)
    db.conn.close()
    assert cli(instance, "demo-data", "--responses", "20", "--days", "2").returncode == 0
    server = live_server_factory(instance=instance, env={"KIOSK_DEMO_MODE": "1"})
    r = cli(instance, "demo-data", "--remove")
    assert r.returncode == 1 and "serving the demo database" in r.stderr
    assert (instance / "demo.db").exists()
    server.stop()
    # the demo is never backed up among the real backups (it would rotate them away)
    assert not list((instance / "backups").glob("kiosk-*.db"))
    assert cli(instance, "demo-data", "--remove").returncode == 0


def test_remove_cleans_what_older_versions_put_in_the_real_database_without_breaking_the_chain(
        app, db, tablet, rating_body):
    assert tablet.post("/api/v1/responses", json=rating_body(overall=5)).status_code == 201
    demo.generate(db, 120, days=5, seed=2, end=date(2026, 11, 28))  # the old demo-data
    assert tablet.post("/api/v1/responses", json=rating_body(overall=3)).status_code == 201
    demo.generate(db, 80, days=5, seed=3, end=date(2026, 11, 28))  # and again, at the end
    real = db.execute("SELECT id, hash FROM responses WHERE demo = 0 ORDER BY seq").fetchall()
    r = cli(app.instance_path, "demo-data", "--remove")
    assert r.returncode == 0, r.stderr
    assert "removed 80 demo responses" in r.stdout and "Kept 120 demo responses" in r.stdout
    q = db.execute
    assert q("SELECT id, hash FROM responses WHERE demo = 0 ORDER BY seq").fetchall() == real
    assert q("SELECT count(*) FROM responses WHERE demo = 1").fetchone()[0] == 120  # between real ones
    assert q("SELECT count(*) FROM receipts WHERE code LIKE 'DEMO-%'").fetchone()[0] == 0
    assert q("SELECT count(*) FROM complaints WHERE response_id NOT IN (SELECT id FROM responses)").fetchone()[0] == 0
    assert q("SELECT count(*) FROM officers WHERE name LIKE '%(mẫu)'").fetchone()[0] == 0
    assert q("SELECT count(*) FROM answers WHERE response_id NOT IN (SELECT id FROM responses)").fetchone()[0] == 0
    assert store.verify_chain(db)["broken_at"] is None
    assert cli(app.instance_path, "verify").returncode == 0


def test_remove_keeps_demo_rows_a_report_quoted(app, db, tablet, rating_body):
    """A report issued while old demo rows were at the end quoted their last link; removing
    them would make that head vanish, so they stay."""
    assert tablet.post("/api/v1/responses", json=rating_body(overall=5)).status_code == 201
    demo.generate(db, 50, days=5, seed=4, end=date(2026, 11, 28))
    store.record_report_head(db, "lanhdao", "report.pdf", "2026-11-01", "2026-11-30", store.chain_head(db))
    demo.generate(db, 30, days=5, seed=5, end=date(2026, 11, 28))
    r = cli(app.instance_path, "demo-data", "--remove")
    assert r.returncode == 0, r.stderr
    assert "removed 30 demo responses" in r.stdout and "Kept 50 demo responses" in r.stdout
    assert cli(app.instance_path, "verify").returncode == 0


def test_a_rating_sent_to_a_training_server_is_demo_data(tmp_path, rating_body):
    """In DEMO_MODE every rating, from a tablet or a phone, is marked demo like the rest."""
    from kiosk.domain.credentials import hash_token
    from kiosk.store.db import connect
    instance, _ = real_instance(tmp_path, rating_body)
    assert cli(instance, "demo-data", "--responses", "5", "--days", "1").returncode == 0
    app = create_app({"INSTANCE": instance, "TESTING": True, "SECRET_KEY": "t" * 32, "DEMO_MODE": True,
                      "OPENING_HOURS": {str(d): ["00:00-23:59"] for d in range(7)}})
    db = connect(app.config["DATABASE"])
    store.create_token(db, "tap-huan", "kiosk", hash_token("train"))
    body = rating_body()
    r = app.test_client().post("/api/v1/responses", json=body, headers={"Authorization": "Bearer train"})
    assert r.status_code == 201
    assert store.get_response(db, body["id"])["demo"] == 1
