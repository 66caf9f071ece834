"""Units (đơn vị): the communes one installation serves, and the first unit every existing
row belongs to.

A single commune has exactly one unit, made on the first start from its settings, and
never needs to know: every row it writes carries that unit's code. A province server has
many; each row of ``UNIT_TABLES`` names its unit, so a unit's people see only its rows.
"""
from __future__ import annotations

import json
import weakref

from kiosk.clock import iso, utcnow
from kiosk.store.db import select, transaction


def _decode(row: dict | None) -> dict | None:
    if row is None:
        return None
    row = dict(row)
    row["settings"] = json.loads(row.get("settings") or "{}")
    row["hidden_procedures"] = json.loads(row.get("hidden_procedures") or "[]")
    return row


def list_units(db) -> list[dict]:
    """Every unit, the first one first (then in the order they were made), with
    ``settings`` as a dict and ``hidden_procedures`` as a list."""
    return [_decode(r) for r in db.query("SELECT * FROM units ORDER BY rowid")]


UNIT_COLUMNS = ("code", "name", "province", "created_at", "settings", "hidden_procedures")


def joined_unit(alias: str) -> str:
    """The columns of ``units`` AS ``alias`` for a SELECT that joins it: a tablet's or
    token's look-up brings its unit along (``split_unit``), one statement for both (each
    statement is a turn of the GIL, and every rating makes both look-ups)."""
    return ", ".join(f"{alias}.[{c}] AS [unit.{c}]" for c in UNIT_COLUMNS)


def split_unit(row: dict) -> dict:
    """``row`` without the joined unit's columns, and with ``unit_row``: that unit decoded
    as ``get_unit`` gives it, or None."""
    unit = {c: row.pop(f"unit.{c}") for c in UNIT_COLUMNS}
    row["unit_row"] = _decode(unit) if unit["code"] is not None else None
    return row


def get_unit(db, code: str | None) -> dict | None:
    """The unit with this code (decoded as in ``list_units``), or None."""
    if not code:
        return None
    rows = select(db, "SELECT * FROM units WHERE code = ?", [code])
    return _decode(rows[0]) if rows else None


def create_unit(db, code: str, name: str, province: str | None = None, settings: dict | None = None,
                hidden_procedures: list | None = None) -> dict:
    """Add a unit. ``settings``: its overrides of the installation's per-unit settings
    (``kiosk.domain.units.PER_UNIT``). Raises sqlite3.IntegrityError when the code exists."""
    with transaction(db):
        db.execute("INSERT INTO units (code, name, province, created_at, settings, hidden_procedures) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [code, name, province, iso(utcnow()), json.dumps(settings or {}, ensure_ascii=False),
                    json.dumps(list(hidden_procedures or []), ensure_ascii=False)])
    return get_unit(db, code)


def update_unit(db, code: str, **changes) -> None:
    """Change a unit's name, province, settings (dict) or hidden_procedures (list)."""
    for key in ("settings", "hidden_procedures"):
        if key in changes:
            changes[key] = json.dumps(changes[key], ensure_ascii=False)
    if not changes:
        return
    sets = ", ".join(f"[{k}] = ?" for k in changes)
    with transaction(db):
        db.execute(f"UPDATE units SET {sets} WHERE code = ?", [*changes.values(), code])


def unit_counts(db, code: str) -> tuple[int, int, int]:
    """(responses, active users, enrolled tablets) of unit ``code``."""
    return tuple(db.execute(f"SELECT count(*) FROM {table} WHERE unit = ?{extra}", [code]).fetchone()[0]
                 for table, extra in (("responses", ""), ("users", " AND active = 1"),
                                      ("kiosks", " AND revoked = 0")))


def only_unit(db) -> str | None:
    """The code of the one unit when there is exactly one, else None (none, or several)."""
    rows = db.execute("SELECT code FROM units ORDER BY rowid LIMIT 2").fetchall()
    return rows[0][0] if len(rows) == 1 else None


_first_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def first_unit(db) -> str | None:
    """The code of the unit made first: the one every row written before units existed
    (and every chain v1/v2 link) belongs to. None before any unit exists. Once there is one
    it stays the first (units are never deleted and their codes never change), so each
    connection asks once: every rating needs it, twice."""
    code = _first_of.get(db)
    if code is None:
        row = db.execute("SELECT code FROM units ORDER BY rowid LIMIT 1").fetchone()
        code = row[0] if row else None
        if code is not None:
            _first_of[db] = code
    return code
