"""What ``doctor`` and the staff banner read: admin accounts, tablets' clock readings."""
from __future__ import annotations


def active_admins(db) -> int:
    return db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]


def recent_clock_readings(db, per_kiosk: int = 20) -> dict[str, list[tuple[str, str]]]:
    """{tablet name: [(created_at as the tablet sent it, submitted_at), ...]} for the latest
    ``per_kiosk`` ratings of each tablet that is not revoked, newest first."""
    out: dict[str, list[tuple[str, str]]] = {}
    names = [r[0] for r in db.execute("SELECT name FROM kiosks WHERE revoked = 0 ORDER BY name")]
    for name in names:
        rows = db.execute(
            "SELECT created_at, submitted_at FROM responses WHERE kiosk = ? AND channel = 'kiosk' "
            "AND demo = 0 AND created_at IS NOT NULL ORDER BY seq DESC LIMIT ?", [name, per_kiosk])
        readings = [(c, s) for c, s in rows]
        if readings:
            out[name] = readings
    return out
