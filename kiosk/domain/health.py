"""Whether this installation can keep a citizen's rating now: the database answers and
takes a write, on a disk with room left. Read by ``/healthz`` (monitors, the tablet) and
the admin overview, so both tell the same truth."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk import store
from kiosk.store.db import connect

MIN_FREE_BYTES = 1024 * 1024  # below this a rating with a complaint may no longer fit


def problem(database) -> str | None:
    """None when ratings can be stored; else a short English reason for the monitor."""
    try:
        free = shutil.disk_usage(Path(database).parent).free
    except OSError as exc:
        return f"instance folder unreadable: {exc.strerror}"
    try:
        db = connect(database)
    except sqlite3.Error as exc:
        return f"database cannot be opened: {exc}"
    try:
        failed = store.write_problem(db)
    finally:
        db.conn.close()
    if failed:
        return f"database cannot take a write: {failed}"
    if free < MIN_FREE_BYTES:
        return f"disk almost full: {free // 1024} KiB free"
    return None
