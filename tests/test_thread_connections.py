"""A serving thread keeps its own database connection (issue 16): the ratings it serves
reuse it instead of opening one per request, and no request leaves it inside a transaction."""
from __future__ import annotations

import threading

from kiosk.web.db import close_thread_connections, get_db


def test_requests_on_one_serving_thread_share_its_connection(app):
    with app.app_context():
        first = get_db()
    with app.app_context():
        assert get_db() is first


def test_each_serving_thread_has_its_own_connection(app):
    with app.app_context():
        here = get_db()
    seen = {}

    def serve():
        with app.app_context():
            seen["other"] = get_db()
            seen["rows"] = seen["other"].execute("SELECT count(*) FROM responses").fetchone()[0]
        close_thread_connections(app)

    worker = threading.Thread(target=serve)
    worker.start()
    worker.join()
    assert seen["other"] is not here and seen["rows"] == 0


def test_a_request_that_fails_mid_transaction_leaves_nothing_behind(app):
    with app.app_context():
        db = get_db()
        db.conn.execute("BEGIN IMMEDIATE")
        db.conn.execute("INSERT INTO conflicts (response_id, body) VALUES ('x', 'half-written')")
    with app.app_context():
        again = get_db()
        assert again is db and not again.conn.in_transaction
        assert again.execute("SELECT count(*) FROM conflicts").fetchone()[0] == 0


def test_ratings_from_several_serving_threads_are_all_acknowledged_and_stored(app, tablet, db, rating_body):
    bodies = [[rating_body() for _ in range(10)] for _ in range(4)]
    answers = []

    def tablet_thread(mine):
        for body in mine:
            answers.append(tablet.post("/api/v1/responses", json=body).status_code)
        close_thread_connections(app)

    workers = [threading.Thread(target=tablet_thread, args=(b,)) for b in bodies]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert answers == [201] * 40
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 40


def test_a_serving_threads_connection_keeps_a_small_page_cache(app):
    """Eight threads each holding SQLite's default 2 MB of pages was most of what the
    server grew by while serving summaries (bench/run.py, "server RSS")."""
    from kiosk.web.db import PAGE_CACHE_KB
    with app.app_context():
        assert get_db().execute("PRAGMA cache_size").fetchone()[0] == -PAGE_CACHE_KB
    assert PAGE_CACHE_KB <= 1024
