"""Issue 12: a phone number in one place, and files only the service can read.

Reproduced: resending a complaint's ``id`` with another comment (409) left
``"phone": "0987654321"`` in ``conflicts.body``, where neither "erase phone" nor the
retention purge reached it; ``kiosk.db`` and backups were 0644.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

from kiosk import create_app, store
from kiosk.store import migrations
from kiosk.store.db import connect
from tests.helpers import ROOT

PHONE = "0987654321"


def complaint(**over):
    return dict({"topic": "officer", "text": "Phải đi lại ba lần.", "phone": PHONE, "consent": True}, **over)


def everything_stored(db) -> str:
    """Every table's every value, as text: where a phone number could hide."""
    out = []
    for table in db.table_names():
        for row in db.query(f"SELECT * FROM [{table}]"):
            out.append(json.dumps(row, ensure_ascii=False, default=str))
    return "\n".join(out)


def test_a_conflicting_resend_is_logged_without_the_phone(rating_body, tablet, db):
    body = rating_body(overall=1, comment="Phải đi lại ba lần.", complaint=complaint())
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    r = tablet.post("/api/v1/responses", json=dict(body, comment="Sửa lại ý kiến"))
    assert r.status_code == 409
    (conflict,) = db.query("SELECT body FROM conflicts")
    logged = json.loads(conflict["body"])
    assert logged["comment"] == "Sửa lại ý kiến" and "phone" not in logged["complaint"]
    assert PHONE not in conflict["body"]


def test_after_erasure_the_number_is_nowhere_in_the_database(rating_body, tablet, db):
    body = rating_body(overall=1, comment="x", complaint=complaint())
    tablet.post("/api/v1/responses", json=body)
    tablet.post("/api/v1/responses", json=dict(body, comment="y"))  # a conflict
    (c,) = store.list_complaints(db)
    assert PHONE in everything_stored(db)  # only in complaint_contacts
    assert [t for t in db.table_names() if PHONE in json.dumps(list(db.query(f"SELECT * FROM [{t}]")))] \
        == ["complaint_contacts"]
    store.erase_contact(db, c["id"], "leader", "consent withdrawn")
    assert PHONE not in everything_stored(db)


def test_the_migration_scrubs_phones_that_older_versions_logged(tmp_path):
    db = connect(tmp_path / "old.db")
    migrations.migrations.apply(db, stop_before="m007_sessions_health_scrub")
    old = {"id": "x", "comment": "a", "complaint": {"topic": "officer", "phone": PHONE, "consent": True}}
    db["conflicts"].insert({"response_id": "x", "received_at": "2026-01-01", "source": "kiosk",
                            "body": json.dumps(old)})
    cut = json.dumps(old)[:-20]  # a body cut at the log limit is not JSON any more
    db["conflicts"].insert({"response_id": "y", "received_at": "2026-01-01", "source": "kiosk", "body": cut})
    migrations.apply(db)
    bodies = [r["body"] for r in db.query("SELECT body FROM conflicts ORDER BY id")]
    assert all(PHONE not in b for b in bodies)
    assert json.loads(bodies[0])["complaint"] == {"topic": "officer", "consent": True}
    assert json.loads(bodies[0])["comment"] == "a"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_instance_database_backups_and_secret_key_are_private(rating_body, tmp_path, tablet, app):
    assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 201
    folder = app.instance_path
    keep = connect(app.config["DATABASE"])  # an open connection keeps -wal and -shm in place
    keep.execute("SELECT count(*) FROM responses").fetchone()
    assert mode(folder) == 0o700
    for name in ("kiosk.db", "kiosk.db-wal", "kiosk.db-shm"):
        assert mode(os.path.join(folder, name)) == 0o600, name
    env = {"KIOSK_INSTANCE": str(folder), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "kiosk", "backup", str(tmp_path / "copies" / "b.db")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert mode(tmp_path / "copies" / "b.db") == 0o600
    keep.conn.close()


def test_a_fresh_instance_is_private_from_the_first_start(tmp_path):
    os.umask(0o022)
    app = create_app({"INSTANCE": tmp_path / "new", "TESTING": True})  # generates its secret key
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "secret_key") == 0o600
    assert mode(app.config["DATABASE"]) == 0o600


def test_an_existing_world_readable_database_is_made_private_at_start(tmp_path):
    folder = tmp_path / "old"
    create_app({"INSTANCE": folder, "TESTING": True, "SECRET_KEY": "t"})
    os.chmod(folder / "kiosk.db", 0o644)
    os.chmod(folder, 0o755)
    create_app({"INSTANCE": folder, "TESTING": True, "SECRET_KEY": "t"})
    assert mode(folder / "kiosk.db") == 0o600 and mode(folder) == 0o700
