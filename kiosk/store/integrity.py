"""Counts the integrity rules need, and tablet health."""
from __future__ import annotations

from kiosk.clock import local_day_bounds_utc


def last_rating_at(db, kiosk: str, at: str) -> str | None:
    """The latest rated_at on ``kiosk`` at or before ``at`` (UTC ISO), or None."""
    row = db.execute("SELECT max(rated_at) FROM responses WHERE kiosk = ? AND rated_at <= ?",
                     [kiosk, at]).fetchone()
    return row[0]


def unbound_ratings_between(db, kiosk: str, since: str, until: str, limit: int) -> int:
    """Ratings on ``kiosk`` not bound to a receipt, with since <= rated_at <= until, counted
    up to ``limit`` (enough to decide a burst; a flood must not slow every insert)."""
    return db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM responses WHERE kiosk = ? AND rated_at BETWEEN ? AND ? "
        "AND receipt IS NULL LIMIT ?)", [kiosk, since, until, limit]).fetchone()[0]


def kiosk_enrolled_at(db, kiosk: str) -> str | None:
    row = db.execute("SELECT enrolled_at FROM kiosks WHERE name = ?", [kiosk]).fetchone()
    return row[0] if row else None


def counter_day_counts(db, counter: str, local_date: str) -> tuple[int, int, bool]:
    """(tablet ratings at ``counter`` that local day, dossiers returned there that day,
    whether that counter has ever returned a dossier through a receipt)."""
    ratings = db.execute(
        "SELECT count(*) FROM responses WHERE counter = ? AND local_date = ? AND channel = 'kiosk'",
        [counter, local_date]).fetchone()[0]
    start, end = local_day_bounds_utc(local_date)
    returned = db.execute(
        "SELECT count(*) FROM receipts WHERE counter = ? AND returned_at >= ? AND returned_at < ?",
        [counter, start, end]).fetchone()[0]
    ever = db.execute("SELECT 1 FROM receipts WHERE counter = ? AND returned_at IS NOT NULL LIMIT 1",
                      [counter]).fetchone() is not None
    return ratings, returned, ever
