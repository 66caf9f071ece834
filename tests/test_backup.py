"""A backup taken while ratings arrive is consistent, and restoring it works as documented."""
import shutil
import threading

from tests.helpers import send


def test_backup_during_ratings_then_restore(live_server_factory, tmp_path, rating_body):
    server = live_server_factory()
    token = server.cli("create-token", "Quầy 1", "--role", "kiosk").stdout.strip()
    before = [rating_body(overall=4) for _ in range(20)]
    assert all(send(server.url, token, b) == 201 for b in before)
    stop = threading.Event()

    def keep_rating():
        while not stop.is_set():
            send(server.url, token, rating_body(overall=5))

    worker = threading.Thread(target=keep_rating)
    worker.start()
    try:
        result = server.cli("backup", str(tmp_path / "backup.db"))
    finally:
        stop.set()
        worker.join()
    assert result.returncode == 0, result.stderr
    server.stop()
    # Restore as the README says: copy the backup over instance/kiosk.db, start, verify.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(tmp_path / "backup.db", restored / "kiosk.db")
    new = live_server_factory(instance=restored)
    ids = {r["id"] for r in new.query("SELECT id FROM responses")}
    assert {b["id"] for b in before} <= ids
    assert new.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    verify = new.cli("verify")
    assert verify.returncode == 0, verify.stdout
