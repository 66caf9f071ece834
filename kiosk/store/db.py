"""Opening the database with the pragmas that make a rating durable, and the writer lock.

The web layer keeps one connection per request (``kiosk.web.db``); the command line opens
its own. Every write goes through ``transaction`` below.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000

# Every write of this process (write transactions, and the small "last seen" updates made
# while authenticating) takes this lock before asking SQLite for its write lock. Without
# it, waitress's threads collide on SQLite's lock and its busy handler puts the losers to
# sleep for 1, 2, 5, 10 … 100 ms at a time: under 16 clients most of the request time went
# to those sleeps (p99 over a second, a quarter of the bare stack's throughput). Queued on
# a Python lock, the next writer starts the moment the previous one commits. Other
# processes (the CLI, a backup, the server's writer process: ``writer``) still meet
# busy_timeout; the ratings themselves all go through that one writer. Re-entrant, so a write made
# inside a write transaction cannot deadlock.
write_lock = threading.RLock()


def connect(path, *, check_same_thread: bool = True) -> sqlite_utils.Database:
    """Open ``path`` with WAL, synchronous=FULL (an acknowledged rating survives a power
    cut), a busy timeout (writers queue instead of failing) and foreign keys."""
    import sqlite_utils  # here: the writer process opens its connection with ``connect_plain``
    return sqlite_utils.Database(_open(path, check_same_thread))


class Plain:
    """What the write path of a rating calls on a sqlite_utils.Database (``conn``,
    ``execute``), for the server's writer process, which then never imports sqlite-utils
    (with click, pluggy, dateutil and the rest, ~6 MB of its memory)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)


def connect_plain(path) -> Plain:
    """``connect``'s connection, with the same pragmas, as a ``Plain``."""
    return Plain(_open(path, True))


def _open(path, check_same_thread: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=check_same_thread, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def select(db, sql: str, params=()) -> list[dict]:
    """The rows of a SELECT as dicts, for the look-ups every rating makes (its token, its
    unit). ``db.query`` wraps each SELECT in a savepoint of its own (so that it can refuse
    a statement that returns no rows); on the rating path that was two more statements
    per look-up, for SELECTs written here that always return rows."""
    cursor = db.conn.execute(sql, params)
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, r, strict=True)) for r in cursor]


def private_files(path) -> None:
    """The database and its WAL and shared-memory files: readable by the service only
    (0600). SQLite gives a new -wal/-shm file the database's own mode, so creating the
    database 0600 covers them; existing ones are fixed here."""
    path = Path(path)
    if str(path) == ":memory:":
        return
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if p.exists():
                p.chmod(0o600)
        except OSError:
            pass


def init_db(path, config=None) -> None:
    """Create the database if needed and apply pending migrations (never drops data).
    With the installation's settings (``config``), also make the first unit from them when
    there is none yet, putting every existing row into it (``adopt.adopt_first_unit``)."""
    from kiosk.store import migrations
    from kiosk.store.adopt import adopt_first_unit
    private_files(path)
    db = connect(path)
    try:
        migrations.apply(db)
        if config is not None:
            adopt_first_unit(db, config)
    finally:
        db.conn.close()


@contextmanager
def transaction(db):
    """BEGIN IMMEDIATE … COMMIT under ``write_lock``: every write of the store goes through
    here, so a read-then-write (the chain's tail, a receipt's state) cannot interleave with
    another writer. sqlite-utils calls inside nest as savepoints."""
    if db.conn.in_transaction:  # a write inside a write: part of the outer transaction
        with write_lock, db.atomic():
            yield db
        return
    with write_lock:  # queue in-process, not in SQLite's busy handler (see above)
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
