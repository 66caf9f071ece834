"""A download far larger than what waitress keeps in memory for an answer (256 KB, and the
writing thread pausing once 1 MB waits: ``kiosk.cli.serve``) still arrives whole, row for
row, to a client that reads it slowly, from the server as the README runs it."""
from __future__ import annotations

import csv
import io
import sqlite3
import time
import urllib.request


def test_a_slow_reader_gets_every_row_of_a_large_csv(live_server_factory):
    server = live_server_factory(env={"KIOSK_DEMO_MODE": "1"}, start=False)
    server.instance.mkdir(parents=True, exist_ok=True)
    made = server.cli("demo-data", "--responses", "6000", "--days", "20")
    assert made.returncode == 0, made.stderr
    token = server.cli("create-token", "leader-download", "--role", "leader").stdout.strip()
    server.start()
    conn = sqlite3.connect(server.instance / "demo.db")
    first, last, stored = conn.execute("SELECT min(local_date), max(local_date), count(*) FROM responses").fetchone()
    ids = {r[0] for r in conn.execute("SELECT id FROM responses")}
    conn.close()
    request = urllib.request.Request(f"{server.url}/api/v1/export/responses.csv?from={first}&to={last}",
                                     headers={"Authorization": f"Bearer {token}"})
    blocks = []
    with urllib.request.urlopen(request, timeout=120) as answer:
        assert answer.status == 200
        while block := answer.read(16 * 1024):
            blocks.append(block)
            if len(blocks) < 60:  # slower than the server writes: the writer must wait, not drop
                time.sleep(0.01)
    data = b"".join(blocks)
    assert len(data) > 2 * 1024 * 1024
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))  # as Excel in Vietnam reads it
    assert len(rows) == stored + 1
    assert {r[0] for r in rows[1:]} == ids


def test_an_answer_waiting_to_be_sent_holds_at_most_a_megabyte_of_memory(app):
    """waitress's own limit is 16 MB: a year's CSV kept that much of the server's memory."""
    from kiosk.cli.serve import _waitress_limits
    limits = _waitress_limits(app.config)
    assert limits["outbuf_overflow"] <= 256 * 1024 and limits["outbuf_high_watermark"] <= 1024 * 1024
