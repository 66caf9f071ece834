"""Opening a kiosk database for reading: a report never changes the data.

Every reader of ``analysis`` takes a connection, a sqlite_utils.Database or a path; a path
is opened read-only. A summary's halves run on two connections at once (``open_reader``).
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path


def connect(conn_or_path) -> sqlite3.Connection:
    """A sqlite3 connection from a connection, a sqlite_utils.Database or a path.

    A path is opened read-only, so a report can never change the data; a missing file is a
    FileNotFoundError rather than a new empty database."""
    if isinstance(conn_or_path, sqlite3.Connection):
        return conn_or_path
    if hasattr(conn_or_path, "conn"):  # sqlite_utils.Database, without importing it
        return conn_or_path.conn
    path = Path(conn_or_path)
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


@contextmanager
def opened(conn_or_path):
    """``connect`` as a context manager: closes the connection only if it opened it."""
    conn = connect(conn_or_path)
    try:
        yield conn
    finally:
        if conn is not conn_or_path and getattr(conn_or_path, "conn", None) is not conn:
            conn.close()


def database_file(conn) -> str | None:
    """The file behind ``conn`` ('' or None for an in-memory database)."""
    for _, name, path in conn.execute("PRAGMA database_list"):
        if name == "main":
            return path or None
    return None


# A second connection's page cache: it streams rows (an export's prefetch) or reads the
# rollups once (a summary's other half), so SQLite's default 2 MB held pages that the
# operating system's file cache holds anyway; a server that had answered summaries peaked
# 3.4 MB lower with this (the serving threads' own connections use the same, kiosk/web/db.py).
READER_CACHE_KB = 512


def open_reader(path: str) -> sqlite3.Connection:
    """A second read-only connection to the same file, for a query run in parallel."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
    return conn
