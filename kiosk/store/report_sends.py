"""The record of scheduled reports (``report_sends``): claimed in a write transaction before
the e-mail goes out, so a restart or a second server process never sends one twice."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from kiosk.clock import iso
from kiosk.store.db import transaction

STALE_CLAIM = timedelta(hours=1)  # a claim this old was left by a process that died mid-send


def claim(db, kind: str, period: str, period_from: str, period_to: str, unit: str | None,
          now: datetime) -> dict | None:
    """Take the report of (kind, period, unit) for sending now: the row (status ``sending``)
    when this caller may send it, None when it was sent, is being sent by someone else, or
    failed and its next attempt is not due yet. One transaction (BEGIN IMMEDIATE), so of two
    processes asking at once exactly one gets the row."""
    at = iso(now)
    with transaction(db):
        rows = list(db.query("SELECT * FROM report_sends WHERE kind = ? AND period = ? AND "
                             "COALESCE(unit, '') = COALESCE(?, '')", [kind, period, unit]))
        if not rows:
            row_id = db["report_sends"].insert({
                "kind": kind, "period": period, "period_from": period_from, "period_to": period_to,
                "unit": unit, "status": "sending", "attempts": 1, "claimed_at": at}).last_pk
            return db["report_sends"].get(row_id)
        row = rows[0]
        stale = row["status"] == "sending" and row["claimed_at"] < iso(now - STALE_CLAIM)
        retry = row["status"] == "failed" and (row["next_attempt_at"] or "") <= at
        if not (stale or retry):
            return None
        db.execute("UPDATE report_sends SET status = 'sending', attempts = attempts + 1, claimed_at = ? "
                   "WHERE id = ?", [at, row["id"]])
        return db["report_sends"].get(row["id"])


def mark_sent(db, row_id: int, now: datetime, recipients: list[str], subject: str) -> None:
    with transaction(db):
        db["report_sends"].update(row_id, {"status": "sent", "sent_at": iso(now), "detail": "",
                                           "recipients": json.dumps(recipients, ensure_ascii=False),
                                           "subject": subject, "next_attempt_at": None})


def mark_failed(db, row_id: int, now: datetime, detail: str, retry_at: datetime,
                recipients: list[str] | None = None) -> None:
    with transaction(db):
        db["report_sends"].update(row_id, {"status": "failed", "detail": detail[:1000],
                                           "next_attempt_at": iso(retry_at),
                                           "recipients": json.dumps(recipients or [], ensure_ascii=False)})


def list_sends(db, limit: int = 20, unit: str | None = None) -> list[dict]:
    """The latest scheduled reports (``unit``'s when given), newest period first, recipients
    as a list."""
    where, params = ("WHERE unit = ? ", [unit]) if unit else ("", [])
    rows = list(db.query(f"SELECT * FROM report_sends {where}ORDER BY period_to DESC, kind, unit LIMIT ?",
                         [*params, limit]))
    for r in rows:
        r["recipients"] = json.loads(r["recipients"] or "[]")
    return rows
