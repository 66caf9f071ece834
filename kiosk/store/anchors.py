"""Where the chain is anchored outside the responses: the heads quoted by issued reports,
and the minutes in which each credential was in contact (for the ``late`` flag)."""
from __future__ import annotations

from kiosk.clock import iso, utcnow
from kiosk.store.db import transaction, write_lock


def record_report_head(db, actor: str, kind: str, period_from: str | None, period_to: str | None,
                       head: dict, unit: str | None = None) -> None:
    """An issued report or download and the head it quotes (append-only); ``unit``: the
    unit it was about (its own chain's head), None for the whole installation."""
    with transaction(db):
        db["report_heads"].insert({"at": iso(utcnow()), "actor": actor, "kind": kind,
                                   "period_from": period_from, "period_to": period_to,
                                   "seq": head["seq"], "hash": head["hash"], "unit": unit})


def report_heads(db, limit: int | None = None, unit: str | None = None) -> list[dict]:
    """The issued reports, newest first; ``unit``: only those about that unit."""
    where, params = (" WHERE unit = ?", [unit]) if unit else ("", [])
    sql = f"SELECT * FROM report_heads{where} ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return list(db.query(sql, params))


def recorded_heads(db) -> list[tuple[int, str]]:
    """Every distinct (seq, hash) a report has quoted, for ``verify``."""
    return [tuple(r) for r in db.execute("SELECT DISTINCT seq, hash FROM report_heads WHERE seq > 0")]


def contact_key(db, kind: str, name: str, unit: str | None) -> str:
    """The ``credential_contacts`` key of a tablet or token: ``kind:name``, and ``@unit`` for
    units other than the first (two communes may both have a tablet "Quầy 1"; one's being
    online must never make the other's honest offline queue look ``late``). The first unit
    keeps the keys it had before units existed."""
    from kiosk.store.units import first_unit
    if unit is None or unit == first_unit(db):
        return f"{kind}:{name}"
    return f"{kind}:{name}@{unit}"


def note_contact(db, credential: str, at=None) -> None:
    """Record that ``credential`` reached the server in this minute (once per minute)."""
    minute = iso(at or utcnow())[:16]
    with write_lock:
        db.execute("INSERT OR IGNORE INTO credential_contacts (credential, minute) VALUES (?, ?)",
                   [credential, minute])


def contact_between(db, credential: str, start: str, end: str) -> bool:
    """Whether ``credential`` was in contact in some minute within [start, end] (UTC ISO)."""
    if start[:16] > end[:16]:
        return False
    return db.execute("SELECT 1 FROM credential_contacts WHERE credential = ? AND minute BETWEEN ? AND ? LIMIT 1",
                      [credential, start[:16], end[:16]]).fetchone() is not None
