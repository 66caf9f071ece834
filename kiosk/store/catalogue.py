"""The catalogue: administrative procedures (thủ tục hành chính), officers, counters, and
which tablet stands at which counter."""
from __future__ import annotations

import unicodedata

from kiosk.clock import iso, utcnow
from kiosk.store.db import transaction
from kiosk.store.units import only_unit

__all__ = ["fold", "list_procedures", "search_procedures", "get_procedure", "save_procedure",
           "replace_procedures", "count_procedures", "list_officers", "get_officer",
           "officer_for_username", "save_officer", "list_counters", "save_counter",
           "set_kiosk_counter"]

PROCEDURE_COLUMNS = ("code", "name", "field", "valid_from", "valid_to")


def fold(text: str | None) -> str:
    """Lower case without diacritics, so "dang ky khai sinh" finds "Đăng ký khai sinh"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _audit(db, actor, action, detail):
    db["audit_log"].insert({"at": iso(utcnow()), "actor": actor or "", "action": action,
                            "detail": detail})


# --- procedures -----------------------------------------------------------------------

def list_procedures(db, valid_on: str | None = None) -> list[dict]:
    """All procedures by code; with ``valid_on`` (YYYY-MM-DD) only those in force that day."""
    if valid_on:
        return list(db.query(
            "SELECT * FROM procedures WHERE (valid_from IS NULL OR valid_from = '' OR valid_from <= ?) "
            "AND (valid_to IS NULL OR valid_to = '' OR valid_to >= ?) ORDER BY field, code",
            [valid_on, valid_on]))
    return list(db.query("SELECT * FROM procedures ORDER BY field, code"))


def search_procedures(db, text: str, valid_on: str | None = None, limit: int = 50) -> list[dict]:
    """Procedures whose code starts with ``text`` or whose name or field contains every word
    of it, ignoring case and diacritics. A commune has a few hundred: filtered in Python."""
    words = fold(text).split()
    if not words:
        return []
    out = []
    for row in list_procedures(db, valid_on):
        hay = fold(f"{row['code']} {row['name']} {row['field'] or ''}")
        if row["code"].lower().startswith(words[0]) or all(w in hay for w in words):
            out.append(row)
    return out[:limit]


def get_procedure(db, code: str) -> dict | None:
    rows = list(db.query("SELECT * FROM procedures WHERE code = ?", [code]))
    return rows[0] if rows else None


def count_procedures(db) -> int:
    return db.execute("SELECT count(*) FROM procedures").fetchone()[0]


def save_procedure(db, row: dict, actor: str = "") -> None:
    """Add a procedure or replace the one with the same code."""
    with transaction(db):
        db["procedures"].upsert({k: row.get(k) for k in PROCEDURE_COLUMNS}, pk="code")
        _audit(db, actor, "save_procedure", row["code"])


def replace_procedures(db, rows: list[dict], actor: str = "", action: str = "import_procedures") -> int:
    """Add or update every row in one transaction: all of them or, on any error, none."""
    with transaction(db):
        for row in rows:
            db["procedures"].upsert({k: row.get(k) for k in PROCEDURE_COLUMNS}, pk="code")
        _audit(db, actor, action, f"{len(rows)} procedures")
    return len(rows)


# --- officers and counters ---------------------------------------------------------------

def _where(active_only: bool, unit: str | None) -> tuple[str, list]:
    parts, params = (["active = 1"] if active_only else []), []
    if unit:
        parts.append("unit = ?")
        params.append(unit)
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


def list_officers(db, active_only: bool = False, unit: str | None = None) -> list[dict]:
    """The officers (of ``unit``, when given), by name."""
    where, params = _where(active_only, unit)
    return list(db.query(f"SELECT * FROM officers{where} ORDER BY name", params))


def get_officer(db, officer_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM officers WHERE id = ?", [officer_id]))
    return rows[0] if rows else None


def officer_for_username(db, username: str) -> dict | None:
    """The active officer record of a staff user, if an admin linked one."""
    rows = list(db.query("SELECT * FROM officers WHERE username = ? AND active = 1 LIMIT 1", [username]))
    return rows[0] if rows else None


def save_officer(db, name: str, username: str | None, active: bool = True,
                 officer_id: int | None = None, actor: str = "", unit: str | None = None) -> int:
    """Add an officer of ``unit`` (or change officer ``officer_id``, whose unit stays)."""
    row = {"name": name, "username": username or None, "active": 1 if active else 0}
    with transaction(db):
        if officer_id is None:
            officer_id = db["officers"].insert(dict(row, unit=unit or only_unit(db))).last_pk
        else:
            db["officers"].update(officer_id, row)
        _audit(db, actor, "save_officer", name)
    return officer_id


def list_counters(db, active_only: bool = False, unit: str | None = None) -> list[dict]:
    """The counters (of ``unit``, when given), by name."""
    where, params = _where(active_only, unit)
    return list(db.query(f"SELECT * FROM counters{where} ORDER BY name", params))


def save_counter(db, name: str, active: bool = True, counter_id: int | None = None,
                 actor: str = "", unit: str | None = None) -> int:
    """Add a counter of ``unit`` (or change counter ``counter_id``, whose unit stays)."""
    row = {"name": name, "active": 1 if active else 0}
    with transaction(db):
        if counter_id is None:
            counter_id = db["counters"].insert(dict(row, unit=unit or only_unit(db))).last_pk
        else:
            db["counters"].update(counter_id, row)
        _audit(db, actor, "save_counter", name)
    return counter_id


def set_kiosk_counter(db, kiosk_id: int, counter: str | None, actor: str = "") -> None:
    """Say at which counter a tablet stands: returns at that counter go to that tablet."""
    with transaction(db):
        db.execute("UPDATE kiosks SET counter = ? WHERE id = ?", [counter or None, kiosk_id])
        _audit(db, actor, "set_kiosk_counter", f"{kiosk_id} {counter or ''}".strip())
