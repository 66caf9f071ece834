"""One SQLite connection per request, opened with the pragmas that make a rating durable.

waitress serves from several threads and a SQLite connection belongs to its thread, so
the connection lives on ``flask.g`` and is closed when the request ends.
"""
from __future__ import annotations

import sqlite3
import threading

import sqlite_utils
from flask import current_app, g

from . import migrations

BUSY_TIMEOUT_MS = 10_000

# Every write of this process (write transactions, and the small "last seen" updates made
# while authenticating) takes this lock before asking SQLite for its write lock. Without
# it, waitress's threads collide on SQLite's lock and its busy handler puts the losers to
# sleep for 1, 2, 5, 10 … 100 ms at a time: under 16 clients most of the request time went
# to those sleeps (p99 over a second, a quarter of the bare stack's throughput). Queued on
# a Python lock, the next writer starts the moment the previous one commits. Other
# processes (the CLI, a backup) still meet busy_timeout. Re-entrant, so a write made
# inside a write transaction cannot deadlock.
write_lock = threading.RLock()


def connect(path, *, check_same_thread: bool = True) -> sqlite_utils.Database:
    """Open ``path`` with WAL, synchronous=FULL (an acknowledged rating survives a power
    cut), a busy timeout (writers queue instead of failing) and foreign keys."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=check_same_thread, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return sqlite_utils.Database(conn)


def init_db(path) -> None:
    """Create the database if needed and apply pending migrations (never drops data)."""
    db = connect(path)
    try:
        migrations.apply(db)
    finally:
        db.conn.close()


def get_db() -> sqlite_utils.Database:
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def init_app(app) -> None:
    init_db(app.config["DATABASE"])
    app.teardown_appcontext(close_db)
