"""Complaints and suggestions (phản ánh, kiến nghị), their history, and phone numbers.

A phone number lives only in ``complaint_contacts``, apart from ratings and from the
complaint's text, and is erased (set to NULL, erasure logged) after closure plus the
retention period.
"""
from __future__ import annotations

from datetime import timedelta

from kiosk.clock import iso, local_fields, parse_iso, utcnow
from kiosk.store.db import transaction

OPEN_STATUSES = ("new", "in_progress")
CLOSED_STATUSES = ("answered", "not_accepted")


def insert_complaint(db, response_id: str, complaint: dict, received_at: str, due_date: str) -> int:
    """Store a complaint made with response ``response_id`` (inside the response's
    transaction); ``complaint["unit"]``: its response's (or receipt's) unit."""
    received_date = local_fields(parse_iso(received_at))["local_date"]
    cur = db.conn.execute(
        "INSERT INTO complaints (response_id, receipt, topic, text, status, received_at, "
        "received_date, due_date, flags, demo, code, unit) VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, 0, ?, ?)",
        [response_id, complaint.get("receipt"), complaint["topic"], complaint["text"],
         received_at, received_date, due_date, complaint.get("flags", ""), complaint.get("code"),
         complaint.get("unit")])
    complaint_id = cur.lastrowid
    db.conn.execute("INSERT INTO complaint_events (complaint_id, at, actor, action, detail) "
                    "VALUES (?, ?, 'citizen', 'received', ?)",
                    [complaint_id, received_at, complaint.get("kind", "complaint")])
    if complaint.get("phone"):
        db.conn.execute("INSERT INTO complaint_contacts (complaint_id, phone, consent_at) VALUES (?, ?, ?)",
                        [complaint_id, complaint["phone"], received_at])
    return complaint_id


def list_complaints(db, status: str | None = None, unit: str | None = None) -> list[dict]:
    """Complaints (of ``unit``, when given; "open" = new or in progress), open ones first."""
    sql = ("SELECT c.*, (cc.phone IS NOT NULL) AS has_phone FROM complaints c "
           "LEFT JOIN complaint_contacts cc ON cc.complaint_id = c.id WHERE 1")
    params = []
    if status == "open":
        sql += " AND c.status IN ('new', 'in_progress')"
    elif status:
        sql += " AND c.status = ?"
        params.append(status)
    if unit:
        sql += " AND c.unit = ?"
        params.append(unit)
    sql += " ORDER BY (c.status IN ('new', 'in_progress')) DESC, c.due_date, c.id"
    return list(db.query(sql, params))


def get_complaint(db, complaint_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM complaints WHERE id = ?", [complaint_id]))
    return rows[0] if rows else None


def complaint_contact(db, complaint_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM complaint_contacts WHERE complaint_id = ?", [complaint_id]))
    return rows[0] if rows else None


def complaint_events(db, complaint_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM complaint_events WHERE complaint_id = ? ORDER BY id",
                         [complaint_id]))


def complaint_for_receipt(db, code: str) -> dict | None:
    """Whether a complaint was made with receipt ``code``, and its state: never its reply,
    which only the holder of the complaint's own code may read."""
    rows = list(db.query(
        "SELECT c.status, c.topic, c.received_date, c.due_date FROM complaints c "
        "JOIN responses r ON r.id = c.response_id WHERE r.receipt = ?", [code]))
    return rows[0] if rows else None


def complaint_by_code(db, code: str) -> dict | None:
    """Status, due date and reply of the complaint with this code (no personal data)."""
    rows = list(db.query(
        "SELECT id, code, status, topic, received_date, due_date, reply, answered_date, "
        "not_accepted_reason FROM complaints WHERE code = ?", [code]))
    return rows[0] if rows else None


def complaint_code_of(db, response_id: str) -> str | None:
    row = db.execute("SELECT code FROM complaints WHERE response_id = ?", [response_id]).fetchone()
    return row[0] if row else None


def update_complaint(db, complaint_id: int, actor: str, changes: dict, action: str, detail: str = "") -> None:
    """Apply ``changes`` and record who did what, when, in one transaction."""
    now = iso(utcnow())
    with transaction(db):
        if changes:
            sets = ", ".join(f"[{k}] = ?" for k in changes)
            db.execute(f"UPDATE complaints SET {sets} WHERE id = ?", [*changes.values(), complaint_id])
        db.execute("INSERT INTO complaint_events (complaint_id, at, actor, action, detail) "
                   "VALUES (?, ?, ?, ?, ?)", [complaint_id, now, actor, action, detail])


def erase_contact(db, complaint_id: int, actor: str, reason: str) -> bool:
    """Erase the phone number now (consent withdrawn, or retention over); logged."""
    now = iso(utcnow())
    with transaction(db):
        cur = db.execute("UPDATE complaint_contacts SET phone = NULL, erased_at = ? "
                         "WHERE complaint_id = ? AND phone IS NOT NULL", [now, complaint_id])
        if cur.rowcount:
            db.execute("INSERT INTO complaint_events (complaint_id, at, actor, action, detail) "
                       "VALUES (?, ?, ?, 'phone_erased', ?)", [complaint_id, now, actor, reason])
            db.execute("INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, 'phone_erased', ?)",
                       [now, actor, f"complaint {complaint_id}: {reason}"])
    return bool(cur.rowcount)


def purge_contacts(db, retention_days: int, now=None) -> list[int]:
    """Erase phone numbers of complaints closed more than ``retention_days`` ago."""
    now = now or utcnow()
    cutoff = iso(now - timedelta(days=retention_days))
    due = [r[0] for r in db.execute(
        "SELECT c.id FROM complaints c JOIN complaint_contacts cc ON cc.complaint_id = c.id "
        "WHERE cc.phone IS NOT NULL AND c.closed_at IS NOT NULL AND c.closed_at <= ?", [cutoff])]
    for complaint_id in due:
        erase_contact(db, complaint_id, "system", f"retention of {retention_days} days after closure")
    return due


def staff_usernames(db, unit: str | None = None) -> list[str]:
    """Who may handle a complaint of ``unit``: its active admins and leaders, and the
    province's (accounts of every unit)."""
    extra, params = (" AND (unit = ? OR unit IS NULL)", [unit]) if unit else ("", [])
    return [r[0] for r in db.execute(
        f"SELECT username FROM users WHERE active = 1 AND role IN ('admin', 'leader'){extra} ORDER BY username",
        params)]
