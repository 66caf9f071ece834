"""Staff users, API tokens, enrolled tablets and the audit log."""
from __future__ import annotations

from datetime import timedelta

from kiosk.clock import iso, utcnow
from kiosk.store.anchors import contact_key, note_contact
from kiosk.store.db import select, transaction, write_lock
from kiosk.store.units import joined_unit, only_unit, split_unit


def create_user(db, username: str, password_hash: str, role: str, full_name: str | None = None,
                unit: str | None = None, email: str | None = None) -> int:
    """A staff account of ``unit`` (a units.code), or of every unit (province staff) when None."""
    with transaction(db):
        return db["users"].insert({"username": username, "password_hash": password_hash,
                                   "role": role, "created_at": iso(utcnow()), "active": 1,
                                   "full_name": full_name or None, "unit": unit,
                                   "email": email or None}).last_pk


def set_email(db, username: str, email: str | None) -> None:
    """Where a leader's or an admin's alerts go (checked by the caller); empty clears it."""
    with transaction(db):
        db.execute("UPDATE users SET email = ? WHERE username = ?", [email or None, username])


def set_full_name(db, username: str, full_name: str | None) -> None:
    """The person's name (họ tên) of a staff account; empty clears it."""
    with transaction(db):
        db.execute("UPDATE users SET full_name = ? WHERE username = ?", [full_name or None, username])


def display_names(db) -> dict[str, str]:
    """{username: full name, or the username when none is set} of every account."""
    return {u: f or u for u, f in db.execute("SELECT username, full_name FROM users")}


def set_password(db, username: str, password_hash: str, role: str | None = None) -> None:
    """A new password (and role): every session of that user ends."""
    updates = {"password_hash": password_hash}
    if role:
        updates["role"] = role
    sets = ", ".join(f"{k} = ?" for k in updates)
    with transaction(db):
        db.execute(f"UPDATE users SET {sets}, session_gen = session_gen + 1 WHERE username = ?",
                   [*updates.values(), username])


def set_user_unit(db, username: str, unit: str | None, by: str) -> None:
    """Move a staff account to ``unit`` (None: province-wide); every session of it ends."""
    with transaction(db):
        db.execute("UPDATE users SET unit = ?, session_gen = session_gen + 1 WHERE username = ?", [unit, username])
        audit(db, by, "user_unit", f"{username} → {unit or 'all units'}", unit=unit)


def set_role(db, user_id: int, role: str, by: str) -> None:
    """A new role: every session of that user ends (it was signed in with the old one)."""
    with transaction(db):
        db.execute("UPDATE users SET role = ?, session_gen = session_gen + 1 WHERE id = ?", [role, user_id])
        audit(db, by, "user_role", f"{user_id} → {role}")


def end_sessions(db, user_id: int) -> None:
    """Sign the user out everywhere: the session generation in their cookies is now stale."""
    with transaction(db):
        db.execute("UPDATE users SET session_gen = session_gen + 1 WHERE id = ?", [user_id])


def get_user(db, user_id=None, username=None) -> dict | None:
    if user_id is not None:
        rows = list(db.query("SELECT * FROM users WHERE id = ? AND active = 1", [user_id]))
    else:
        rows = list(db.query("SELECT * FROM users WHERE username = ? AND active = 1", [username]))
    return rows[0] if rows else None


def list_users(db, unit: str | None = None) -> list[dict]:
    """Every account, or only ``unit``'s (its own accounts; province staff are not its)."""
    where, params = ("WHERE unit = ? ", [unit]) if unit else ("", [])
    return list(db.query("SELECT id, username, full_name, email, role, created_at, active, unit FROM users "
                         f"{where}ORDER BY username", params))


def create_token(db, name: str, role: str, token_hash: str, unit: str | None = None) -> int:
    """An API token of ``unit``, or of every unit (province systems) when None."""
    with transaction(db):
        return db["api_tokens"].insert({"name": name, "role": role, "token_hash": token_hash,
                                        "created_at": iso(utcnow()), "revoked": 0, "unit": unit}).last_pk


def list_tokens(db, unit: str | None = None) -> list[dict]:
    """Every API token (or ``unit``'s): name, role, unit, created, last used, revoked; never the hash."""
    where, params = ("WHERE unit = ? ", [unit]) if unit else ("", [])
    return list(db.query("SELECT id, name, role, unit, created_at, last_used_at, revoked FROM api_tokens "
                         f"{where}ORDER BY revoked, name, id", params))


def revoke_tokens(db, by: str, *, name: str | None = None, token_id: int | None = None) -> int:
    """Revoke the token(s) called ``name`` (or the one with ``token_id``); they stop working
    at the next request. Returns how many were revoked now."""
    where, param = ("name = ?", name) if token_id is None else ("id = ?", token_id)
    with transaction(db):
        cur = db.execute(f"UPDATE api_tokens SET revoked = 1 WHERE {where} AND revoked = 0", [param])
        if cur.rowcount:
            audit(db, by, "revoke_token", str(name if token_id is None else token_id))
    return cur.rowcount


def find_token(db, token_hash: str) -> dict | None:
    """The live token with this hash, with its unit's row as ``unit_row`` (``split_unit``)."""
    rows = select(db, f"SELECT t.*, {joined_unit('u')} FROM api_tokens t LEFT JOIN units u ON u.code = t.unit "
                      "WHERE t.token_hash = ? AND t.revoked = 0", [token_hash])
    if not rows:
        return None
    split_unit(rows[0])
    now = utcnow()
    if _stale(rows[0]["last_used_at"], now):  # a write only once a minute, not per request
        with write_lock:
            db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [iso(now), rows[0]["id"]])
        note_contact(db, contact_key(db, "token", rows[0]["name"], rows[0].get("unit")), now)
    return rows[0]


def _stale(last: str | None, now) -> bool:
    return last is None or last < iso(now - timedelta(minutes=1))


def enrol_kiosk(db, name: str, token_hash: str, by: str, counter: str | None = None,
                unit: str | None = None) -> int:
    """Enrol a tablet of ``unit`` under ``name``; re-enrolling a name of that unit replaces
    its credential (another unit's tablet of the same name is another tablet). Without a
    unit: the only unit's (a tablet always belongs to one commune)."""
    now = iso(utcnow())
    unit = unit or only_unit(db)
    with transaction(db):
        existing = list(db.query("SELECT id FROM kiosks WHERE name = ? AND unit IS ?", [name, unit]))
        if existing:
            db["kiosks"].update(existing[0]["id"], {"token_hash": token_hash, "enrolled_at": now,
                                                    "enrolled_by": by, "revoked": 0})
            kiosk_id = existing[0]["id"]
        else:
            kiosk_id = db["kiosks"].insert({"name": name, "token_hash": token_hash, "counter": counter,
                                            "enrolled_at": now, "enrolled_by": by, "revoked": 0,
                                            "unit": unit}).last_pk
        audit(db, by, "enrol_kiosk", name, unit=unit)
    return kiosk_id


def find_kiosk(db, token_hash: str) -> dict | None:
    """The enrolled tablet with this cookie's hash, with its unit's row as ``unit_row``."""
    rows = select(db, f"SELECT k.*, {joined_unit('u')} FROM kiosks k LEFT JOIN units u ON u.code = k.unit "
                      "WHERE k.token_hash = ? AND k.revoked = 0", [token_hash])
    return split_unit(rows[0]) if rows else None


def touch_kiosk(db, kiosk: dict) -> None:
    """Record that a tablet was heard from (health page, silence warnings); at most one
    write a minute per tablet, since the tablet polls every few seconds."""
    now = utcnow()
    if _stale(kiosk.get("last_seen_at"), now):
        with write_lock:
            db.execute("UPDATE kiosks SET last_seen_at = ? WHERE id = ?", [iso(now), kiosk["id"]])
        note_contact(db, contact_key(db, "kiosk", kiosk["name"], kiosk.get("unit")), now)
        kiosk["last_seen_at"] = iso(now)


def list_kiosks(db, unit: str | None = None) -> list[dict]:
    """Every enrolled tablet, or only ``unit``'s."""
    where, params = ("WHERE unit = ? ", [unit]) if unit else ("", [])
    return list(db.query("SELECT id, name, counter, enrolled_at, enrolled_by, last_seen_at, revoked, unit "
                         f"FROM kiosks {where}ORDER BY name", params))


def audit(db, actor: str, action: str, detail: str = "", unit: str | None = None) -> None:
    """One line of the audit log; ``unit``: the unit it concerns (None: the installation)."""
    db["audit_log"].insert({"at": iso(utcnow()), "actor": actor, "action": action, "detail": detail,
                            "unit": unit})



def ping(db) -> bool:
    """The database answers (health checks)."""
    return db.execute("SELECT 1").fetchone()[0] == 1


def write_problem(db) -> str | None:
    """None when the database takes a write now (one committed row in ``health_probe``),
    else SQLite's reason: "database or disk is full", "attempt to write a readonly
    database", "disk I/O error" ..."""
    import sqlite3
    try:
        with transaction(db):
            db.execute("INSERT OR REPLACE INTO health_probe (id, at) VALUES (1, ?)", [iso(utcnow())])
    except sqlite3.Error as exc:
        return str(exc)
    return None


def set_user_active(db, user_id: int, active: bool, by: str) -> None:
    """Switch a staff account off (or on again); accounts are never deleted, for the history."""
    with transaction(db):
        db.execute("UPDATE users SET active = ?, session_gen = session_gen + 1 WHERE id = ?",
                   [1 if active else 0, user_id])
        audit(db, by, "user_active" if active else "user_inactive", str(user_id))


def revoke_kiosk(db, kiosk_id: int, by: str) -> None:
    """A lost or replaced tablet: its device credential stops working at once."""
    with transaction(db):
        db.execute("UPDATE kiosks SET revoked = 1 WHERE id = ?", [kiosk_id])
        audit(db, by, "revoke_kiosk", str(kiosk_id))
