"""Ratings that arrive together share one COMMIT (issue 16): each is acknowledged only once
that COMMIT is on disk, the hash chain stays gapless and in order, one rating's failure is
its own, and a COMMIT that fails acknowledges none of its batch."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from kiosk import store
from kiosk.store import group_commit
from kiosk.store.batch import current as current_batch
from kiosk.store.db import connect
from tests.analysis_helpers import local, record


def _rate_together(path, records, flagger) -> list:
    """Each record saved from its own thread with its own connection, as waitress serves."""
    out = [None] * len(records)

    def tablet(i):
        db = connect(path)
        try:
            out[i] = store.save_response(db, records[i], {"overall": records[i]["overall"]}, flagger=flagger)
        except Exception as exc:  # noqa: BLE001 - the test reads what each caller was told
            out[i] = exc
        finally:
            db.conn.close()

    threads = [threading.Thread(target=tablet, args=(i,)) for i in range(len(records))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _slow(db, row):
    """Each rating takes a while under the lock, so the others queue behind it."""
    time.sleep(0.02)
    return []


@pytest.fixture
def path(fresh_db):
    return fresh_db.execute("PRAGMA database_list").fetchone()[2]


def test_ratings_arriving_together_share_a_commit_and_keep_the_chain_gapless(fresh_db, path):
    queue = group_commit.queue_of(fresh_db)
    records = [record(local("2026-11-05 09:00"), 1 + i % 5) for i in range(12)]
    told = _rate_together(path, records, _slow)
    assert [t[0] for t in told] == ["created"] * 12
    assert queue.largest > 1                                  # some of them shared a COMMIT
    seqs = [r[0] for r in fresh_db.execute("SELECT seq FROM responses ORDER BY seq")]
    assert seqs == list(range(1, 13))
    assert store.verify_chain(fresh_db)["broken_at"] is None


def test_one_ratings_failure_is_its_own(fresh_db, path):
    records = [record(local("2026-11-05 09:00"), 5) for _ in range(6)]
    records[2]["receipt"] = "NO-SUCH-CODE"                    # its receipt cannot be marked used
    told = _rate_together(path, records, _slow)
    assert isinstance(told[2], store.ReceiptAlreadyUsed)
    assert [t[0] for i, t in enumerate(told) if i != 2] == ["created"] * 5
    assert store.count_responses(fresh_db) == 5
    assert store.verify_chain(fresh_db)["broken_at"] is None


def test_two_failures_in_one_batch_are_each_their_own(fresh_db, path):
    """A failure rolls the batch's transaction back and the others are written again
    without it; a second failure in what is left does the same."""
    records = [record(local("2026-11-05 09:00"), 1 + i % 5) for i in range(8)]
    for i in (1, 5):
        records[i]["receipt"] = f"NO-SUCH-CODE-{i}"
    told = _rate_together(path, records, _slow)
    assert isinstance(told[1], store.ReceiptAlreadyUsed) and isinstance(told[5], store.ReceiptAlreadyUsed)
    assert [t[0] for i, t in enumerate(told) if i not in (1, 5)] == ["created"] * 6
    assert group_commit.queue_of(fresh_db).largest > 1
    stored = {r[0] for r in fresh_db.execute("SELECT id FROM responses")}
    assert stored == {r["id"] for i, r in enumerate(records) if i not in (1, 5)}
    assert [r[0] for r in fresh_db.execute("SELECT seq FROM responses ORDER BY seq")] == list(range(1, 7))
    assert store.verify_chain(fresh_db)["broken_at"] is None


def test_a_rating_that_fails_late_in_a_batch_leaves_no_count_and_no_link_behind(fresh_db, path, monkeypatch):
    """The batch writes the rollups once before its COMMIT and remembers the chain's tail
    from one rating to the next; a rating rolled back after both were noted (its complaint
    failed) must take its counts and its link away with it."""
    from kiosk.store import complaints
    from tests.test_rollups import recomputed, rollup_rows

    def complaint_fails(*args, **kwargs):
        time.sleep(0.02)
        raise sqlite3.IntegrityError("the complaint could not be stored")
    monkeypatch.setattr(complaints, "insert_complaint", complaint_fails)
    records = [record(local("2026-11-05 09:00"), 1 + i % 5) for i in range(8)]
    failing = records[3]

    def tablet(i):
        db = connect(path)
        try:
            complaint = {"topic": "other", "text": "x", "due_date": "2026-11-20"} if i == 3 else None
            return store.save_response(db, records[i], {"overall": records[i]["overall"]},
                                       complaint=complaint, flagger=_slow)
        except Exception as exc:  # noqa: BLE001
            return exc
        finally:
            db.conn.close()

    out = [None] * 8
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, tablet(i))) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert isinstance(out[3], sqlite3.IntegrityError)
    assert [o[0] for i, o in enumerate(out) if i != 3] == ["created"] * 7
    assert group_commit.queue_of(fresh_db).largest > 1
    assert fresh_db.execute("SELECT count(*) FROM responses WHERE id = ?", [failing["id"]]).fetchone()[0] == 0
    assert rollup_rows(fresh_db) == recomputed(fresh_db)   # its counts went with it
    assert store.verify_chain(fresh_db)["broken_at"] is None  # and nobody links to it
    assert current_batch() is None                           # the batch is over


def test_a_commit_that_fails_acknowledges_none_of_its_batch(fresh_db, path, monkeypatch):
    def disk_gone(db):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(group_commit.GroupCommit, "finish", lambda self, db: disk_gone(db))
    records = [record(local("2026-11-05 09:00"), 4) for _ in range(5)]
    told = _rate_together(path, records, _slow)
    assert all(isinstance(t, sqlite3.OperationalError) for t in told)
    assert store.count_responses(fresh_db) == 0
    monkeypatch.undo()
    assert store.save_response(fresh_db, records[0], {"overall": 4})[0] == "created"  # and then it works
