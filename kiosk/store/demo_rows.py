"""Writes for synthetic demo data (``python -m kiosk demo-data``), every row marked demo."""
from __future__ import annotations

from contextlib import contextmanager

from kiosk.store.db import transaction


def demo_counts(db) -> tuple[int, int]:
    """(responses so far, demo receipts so far): where a new demo batch continues."""
    return (db.execute("SELECT count(*) FROM responses").fetchone()[0],
            db.execute("SELECT count(*) FROM receipts WHERE code LIKE 'DEMO-%'").fetchone()[0])


def insert_demo_catalogue(db, procedures, officers, counters) -> None:
    """Demo procedures (code, name, field), officers and counters; existing ones are kept."""
    with transaction(db):
        db["procedures"].insert_all(
            [{"code": c, "name": n, "field": f, "valid_from": "2020-01-01", "valid_to": None}
             for c, n, f in procedures], pk="code", ignore=True)
        db["officers"].insert_all([{"name": n, "active": 1} for n in officers], pk="id", ignore=True)
        db["counters"].insert_all([{"name": c, "active": 1} for c in counters], pk="id", ignore=True)


def insert_demo_receipts(db, receipts, columns) -> None:
    """Demo receipts in one transaction with a plain executemany (fast for big batches)."""
    if not receipts:
        return
    marks = ", ".join("?" for _ in columns)
    with transaction(db):
        db.conn.executemany(
            f"INSERT OR IGNORE INTO receipts ({', '.join(columns)}) VALUES ({marks})",
            [tuple(r[c] for c in columns) for r in receipts])


@contextmanager
def large_cache(db, kib: int = 65536):
    """A bigger page cache while bulk writing, so indexes stay in memory between chunks."""
    old = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(old)}")
