"""The serving thread's database connection, lent to each request on ``flask.g``.

waitress serves from a fixed pool of threads and a SQLite connection belongs to its
thread, so each serving thread keeps one connection open (per app and database file)
and every request on that thread uses it. Opening a connection per request, as this
module did first, cost the pragmas, sqlite-utils' set-up and SQLite's schema parse on
every rating: bench/run.py measured that the thread's own connection serves
more ratings per second on the same cores (README "Performance"). Durability is unchanged:
the pragmas (WAL, synchronous=FULL) are the connection's, and every write still commits
before the rating is acknowledged. A request that ends inside a transaction (an error
between BEGIN and COMMIT) rolls it back, so the next request on that thread starts clean.
Opening it (pragmas, migrations) is the store's business: ``kiosk.store.db``.
"""
from __future__ import annotations

import threading

import sqlite_utils
from flask import current_app, g

from kiosk.store.db import connect, init_db

# Each serving thread's connection keeps at most this much of the database in its own page
# cache (SQLite's default is 2 MB): eight threads that had each served a summary held some
# 16 MB of pages that the operating system's file cache holds anyway. Summaries and ratings
# measured as fast with it (bench/run.py: "server RSS", submissions, GET /api/v1/summary).
PAGE_CACHE_KB = 512


def _thread_connections(app) -> dict:
    """{database path: connection} of the current thread, for ``app``."""
    local = app.extensions.setdefault("kiosk_db_threads", threading.local())
    if not hasattr(local, "connections"):
        local.connections = {}
    return local.connections


def get_db() -> sqlite_utils.Database:
    """The request's connection: the serving thread's own, opened on its first use."""
    if "db" not in g:
        path = current_app.config["DATABASE"]
        connections = _thread_connections(current_app)
        db = connections.get(path)
        if db is None:
            db = connections[path] = connect(path)
            db.conn.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
        g.db = db
    return g.db


def close_db(exc=None) -> None:
    """End of request: the connection stays with the thread, never inside a transaction."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.execute("ROLLBACK")


def close_thread_connections(app) -> None:
    """Close this thread's connections of ``app`` (tests, and before a database is replaced)."""
    connections = _thread_connections(app)
    for db in connections.values():
        db.conn.close()
    connections.clear()


def init_app(app) -> None:
    init_db(app.config["DATABASE"], app.config)
    app.teardown_appcontext(close_db)
