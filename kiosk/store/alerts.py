"""Alerts (``alerts``) and what their rules read: recent counter ratings, open complaints,
the leaders and admins to tell. An event is inserted once (its unique key); its e-mail is
claimed in a write transaction before sending, like a scheduled report."""
from __future__ import annotations

import json
from datetime import datetime

from kiosk.clock import iso, local_fields, parse_iso
from kiosk.store.db import transaction
from kiosk.store.report_sends import STALE_CLAIM


def record_alert(db, kind: str, event: str, unit: str | None, subject: str, facts: dict,
                 now: datetime) -> int | None:
    """Insert the event; its id when it is new, None when it was recorded before."""
    with transaction(db):
        cur = db.execute("INSERT OR IGNORE INTO alerts (kind, event, unit, at, subject, facts, mail_status) "
                         "VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                         [kind, event, unit, iso(now), subject, json.dumps(facts, ensure_ascii=False)])
        return cur.lastrowid if cur.rowcount else None


def last_counter_window(db, counter: str, unit: str | None = None) -> str | None:
    """The end (UTC ISO) of the last window alerted at ``unit``'s ``counter``: ratings up to
    there were told."""
    row = db.execute("SELECT MAX(json_extract(facts, '$.window_to')) FROM alerts WHERE kind = 'unhappy_counter' "
                     "AND subject = ? AND COALESCE(unit, '') = COALESCE(?, '')", [counter, unit]).fetchone()
    return row[0]


def counter_ratings_since(db, since: str, unit: str | None = None) -> list[dict]:
    """Unflagged, real counter ratings rated at or after ``since`` (UTC ISO), oldest first:
    counter, rated_at, overall, scale (never a comment); only ``unit``'s when given. The local
    date narrows the search to the responses' local_date index (run every minute)."""
    day = local_fields(parse_iso(since))["local_date"]
    where, params = (" AND unit = ?", [unit]) if unit else ("", [])
    return list(db.query("SELECT counter, rated_at, overall, scale FROM responses WHERE local_date >= ? "
                         "AND rated_at >= ? AND counter IS NOT NULL AND flags = '' AND demo = 0 "
                         f"AND overall IS NOT NULL{where} ORDER BY rated_at", [day, since, *params]))


def open_complaints_due_by(db, last_day: str, unit: str | None = None) -> list[dict]:
    """Open real complaints (``unit``'s when given) whose due date is on or before
    ``last_day``: id, topic, dates (never the text, never a phone number)."""
    where, params = (" AND unit = ?", [unit]) if unit else ("", [])
    return list(db.query("SELECT id, topic, received_date, due_date FROM complaints WHERE status IN "
                         f"('new', 'in_progress') AND demo = 0 AND due_date <= ?{where} ORDER BY due_date, id",
                         [last_day, *params]))


def alert_recipients(db, unit: str | None = None, province_too: bool = True) -> list[str]:
    """The e-mail addresses of the active leaders and admins of ``unit`` (all of them when
    None), and of the province-wide ones (no unit) when ``province_too`` or when the unit has
    nobody with an address: an alert is never left with no one to tell."""
    sql = ("SELECT email FROM users WHERE active = 1 AND role IN ('leader', 'admin') AND email IS NOT NULL "
           "AND email != ''")
    if unit is None:
        return [r[0] for r in db.execute(sql + " ORDER BY username")]
    own = [r[0] for r in db.execute(sql + " AND unit = ? ORDER BY username", [unit])]
    if own and not province_too:
        return own
    return own + [r[0] for r in db.execute(sql + " AND unit IS NULL ORDER BY username") if r[0] not in own]


def claim_mail(db, alert_id: int, now: datetime) -> bool:
    """Take the alert's e-mail for sending now: pending, failed with its retry due, or left
    "sending" by a process that died (its claim ran out: ``next_attempt_at`` is set an hour
    ahead when it is claimed)."""
    at = iso(now)
    with transaction(db):
        cur = db.execute("UPDATE alerts SET mail_status = 'sending', mail_attempts = mail_attempts + 1, "
                         "next_attempt_at = ? WHERE id = ? AND (mail_status = 'pending' OR "
                         "(mail_status IN ('failed', 'sending') AND COALESCE(next_attempt_at, '') <= ?))",
                         [iso(now + STALE_CLAIM), alert_id, at])
        return cur.rowcount == 1


def mail_waiting(db) -> list[dict]:
    """Alerts whose e-mail has not gone yet (pending, failed, or claimed), oldest first."""
    return [_row(r) for r in db.query("SELECT * FROM alerts WHERE mail_status IN ('pending', 'failed', 'sending') "
                                      "AND acknowledged_at IS NULL ORDER BY id")]


def mark_mail(db, alert_id: int, ok: bool, now: datetime, recipients: list[str], detail: str = "",
              retry_at: datetime | None = None) -> None:
    with transaction(db):
        db["alerts"].update(alert_id, {
            "mail_status": "sent" if ok else "failed", "mail_detail": detail[:1000],
            "sent_at": iso(now) if ok else None, "next_attempt_at": None if ok else iso(retry_at),
            "recipients": json.dumps(recipients, ensure_ascii=False)})


def mark_mail_off(db, alert_id: int, detail: str) -> None:
    """No mail server: the alert is only listed, and never mailed once it is stale."""
    with transaction(db):
        db.execute("UPDATE alerts SET mail_status = 'off', mail_detail = ? WHERE id = ?", [detail, alert_id])


def list_alerts(db, open_only: bool = True, limit: int = 50, unit: str | None = None) -> list[dict]:
    """Alerts not yet acknowledged (or all), newest first; only ``unit``'s when given."""
    conds = (["acknowledged_at IS NULL"] if open_only else []) + (["unit = ?"] if unit else [])
    where = f"WHERE {' AND '.join(conds)} " if conds else ""
    return [_row(r) for r in db.query(f"SELECT * FROM alerts {where}ORDER BY at DESC, id DESC LIMIT ?",
                                      [*([unit] if unit else []), limit])]


def acknowledge(db, alert_id: int, by: str, now: datetime, unit: str | None = None) -> bool:
    """A leader or admin (of ``unit``, when given: only that unit's alerts) saw to it: who
    and when, once."""
    where, params = (" AND unit = ?", [unit]) if unit else ("", [])
    with transaction(db):
        cur = db.execute("UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? "
                         f"WHERE id = ? AND acknowledged_at IS NULL{where}", [iso(now), by, alert_id, *params])
        return cur.rowcount == 1


def _row(r: dict) -> dict:
    return {**r, "facts": json.loads(r["facts"] or "{}"), "recipients": json.loads(r["recipients"] or "[]")}
