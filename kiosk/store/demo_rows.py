"""Writes for synthetic demo data (``python -m kiosk demo-data``), every row marked demo."""
from __future__ import annotations

from contextlib import contextmanager

from kiosk.store.db import transaction


def demo_counts(db) -> tuple[int, int]:
    """(responses so far, demo receipts so far): where a new demo batch continues."""
    return (db.execute("SELECT count(*) FROM responses").fetchone()[0],
            db.execute("SELECT count(*) FROM receipts WHERE code LIKE 'DEMO-%'").fetchone()[0])


def insert_demo_catalogue(db, procedures, officers, counters, unit: str | None = None) -> None:
    """Demo procedures (code, name, field), officers and counters of ``unit``; existing ones
    are kept (names are unique per unit)."""
    with transaction(db):
        db["procedures"].insert_all(
            [{"code": c, "name": n, "field": f, "valid_from": "2020-01-01", "valid_to": None}
             for c, n, f in procedures], pk="code", ignore=True)
        for table, names in (("officers", officers), ("counters", counters)):
            have = {r[0] for r in db.execute(f"SELECT name FROM {table} WHERE unit IS ?", [unit])}
            db[table].insert_all([{"name": n, "active": 1, "unit": unit} for n in names if n not in have],
                                 pk="id")


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


def copy_accounts(db, real_path) -> int:
    """Copy the staff accounts of the real database into the demo one, so whoever trains on
    the demo data signs in as usual (existing names are left alone). Returns how many."""
    import sqlite3
    from pathlib import Path
    if not Path(real_path).exists():
        return 0
    real = sqlite3.connect(f"{Path(real_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        if not real.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone():
            return 0
        columns = [c for c in (r[1] for r in real.execute("PRAGMA table_info(users)"))
                   if c != "id" and c in db["users"].columns_dict]
        rows = [dict(zip(columns, r, strict=True))
                for r in real.execute(f"SELECT {', '.join(columns)} FROM users")]
    finally:
        real.close()
    before = db.execute("SELECT count(*) FROM users").fetchone()[0]
    with transaction(db):
        db["users"].insert_all(rows, ignore=True)
    return db.execute("SELECT count(*) FROM users").fetchone()[0] - before


def remove_legacy_demo(db) -> dict:
    """Remove what older versions of ``demo-data`` wrote into the real database.

    Officers, counters and tablets named "(mẫu)" and ``DEMO-`` receipts go. Demo responses
    (with their answers and complaints, which the chain seals with them) go only where they
    are the end of the hash chain: after the last real response and after the last link a
    report quoted. Deleting any before those would break the chain under real ratings or a
    quoted head, and a chain is never re-sealed. Those stay, marked ``demo = 1``, with their
    complaints, and every report keeps saying how many demo rows it holds.
    Returns {"responses", "kept_responses", "receipts", "complaints", "officers", "counters", "kiosks"}."""
    out = {}
    with transaction(db):
        last_real = db.execute("SELECT coalesce(max(seq), 0) FROM responses WHERE demo = 0").fetchone()[0]
        quoted = (db.execute("SELECT coalesce(max(seq), 0) FROM report_heads").fetchone()[0]
                  if db["report_heads"].exists() else 0)
        keep_up_to = max(last_real, quoted)
        out["kept_responses"] = db.execute(
            "SELECT count(*) FROM responses WHERE demo = 1 AND seq <= ?", [keep_up_to]).fetchone()[0]
        tail = "SELECT id FROM responses WHERE demo = 1 AND seq > ?"
        tail_complaints = f"SELECT id FROM complaints WHERE response_id IN ({tail})"
        db.execute(f"DELETE FROM complaint_contacts WHERE complaint_id IN ({tail_complaints})", [keep_up_to])
        db.execute(f"DELETE FROM complaint_events WHERE complaint_id IN ({tail_complaints})", [keep_up_to])
        out["complaints"] = db.execute(f"DELETE FROM complaints WHERE id IN ({tail_complaints})",
                                       [keep_up_to]).rowcount
        db.execute(f"UPDATE receipts SET response_id = NULL WHERE response_id IN ({tail})", [keep_up_to])
        out["receipts"] = db.execute("DELETE FROM receipts WHERE code LIKE 'DEMO-%'").rowcount
        db.execute(f"DELETE FROM answers WHERE response_id IN ({tail})", [keep_up_to])
        out["responses"] = db.execute("DELETE FROM responses WHERE demo = 1 AND seq > ?", [keep_up_to]).rowcount
        for table in ("officers", "counters", "kiosks"):
            out[table] = db.execute(f"DELETE FROM {table} WHERE name LIKE '%(mẫu)'").rowcount
    return out
