"""Counts the integrity rules need, and tablet health. Tablet and counter names are unique
per unit only: with ``unit``, each count stays within that unit."""
from __future__ import annotations

from kiosk.clock import local_day_bounds_utc


def _in(unit: str | None) -> tuple[str, list]:
    """The SQL that keeps a count within ``unit`` (rows without a unit, written before
    units existed and not yet adopted, count everywhere)."""
    return (" AND (unit = ? OR unit IS NULL)", [unit]) if unit else ("", [])


def tablet_taps(db, kiosk: str, at: str, since: str, limit: int,
                unit: str | None = None) -> tuple[str | None, int, str | None]:
    """(the latest rated_at on ``kiosk`` at or before ``at``, its ratings not bound to a
    receipt with since <= rated_at <= at counted up to ``limit``, when the tablet of that
    name was enrolled): what the cooldown, burst and unenrolled rules look at, in one
    statement (each statement is a turn of the GIL for the write lock's holder). The count
    stops at ``limit``, enough to decide a burst: a flood must not slow every insert. UTC
    ISO times."""
    extra, params = _in(unit)
    return tuple(db.execute(
        f"SELECT (SELECT max(rated_at) FROM responses WHERE kiosk = ? AND rated_at <= ?{extra}), "
        "(SELECT count(*) FROM (SELECT 1 FROM responses WHERE kiosk = ? AND rated_at BETWEEN ? AND ? "
        f"AND receipt IS NULL{extra} LIMIT ?)), (SELECT enrolled_at FROM kiosks WHERE name = ?{extra})",
        [kiosk, at, *params, kiosk, since, at, *params, limit, kiosk, *params]).fetchone())


def counter_day_counts(db, counter: str, local_date: str, unit: str | None = None) -> tuple[int, int, bool]:
    """(tablet ratings at ``counter`` that local day, dossiers returned there that day,
    whether that counter has ever returned a dossier through a receipt)."""
    extra, params = _in(unit)
    ratings = db.execute(
        f"SELECT count(*) FROM responses WHERE counter = ? AND local_date = ? AND channel = 'kiosk'{extra}",
        [counter, local_date, *params]).fetchone()[0]
    start, end = local_day_bounds_utc(local_date)
    returned = db.execute(
        f"SELECT count(*) FROM receipts WHERE counter = ? AND returned_at >= ? AND returned_at < ?{extra}",
        [counter, start, end, *params]).fetchone()[0]
    ever = db.execute(f"SELECT 1 FROM receipts WHERE counter = ? AND returned_at IS NOT NULL{extra} LIMIT 1",
                      [counter, *params]).fetchone() is not None
    return ratings, returned, ever
