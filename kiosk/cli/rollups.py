"""``rebuild-rollups``: recompute the summary's rollup tables from the responses."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from kiosk.cli.common import _database


def cmd_rebuild_rollups(args) -> int:
    """Recompute every rollup from the rows in one transaction (the rows are never
    touched). Writes keep them in step on their own; this is for a database edited by
    hand, restored from an old copy, or checked after an upgrade."""
    from kiosk.store import rollups
    from kiosk.store.db import connect, init_db, transaction
    path = args.db or _database()
    if not Path(path).is_file():
        print(f"error: no database at {path}", file=sys.stderr)
        return 1
    init_db(path)  # an older database gets the rollup tables first (never drops data)
    db = connect(path)
    try:
        started = time.perf_counter()
        with transaction(db):
            counts = rollups.rebuild(db)
    finally:
        db.conn.close()
    print(f"Rebuilt the rollups of {path} in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{table} {n:,} rows" for table, n in counts.items()))
    return 0


def add_rebuild_rollups(sub) -> None:
    p = sub.add_parser("rebuild-rollups", help="recompute the summary's rollup tables from the responses")
    p.add_argument("--db", metavar="FILE", help="this database instead of the instance's (e.g. instance/demo.db)")
    p.set_defaults(func=cmd_rebuild_rollups)
