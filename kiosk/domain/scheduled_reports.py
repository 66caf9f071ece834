"""The report that sends itself: last month's on the first working day of each month and
last quarter's on the first working day after the quarter, from ``REPORT_SEND_HOUR`` on.

Exactly once: each report is claimed in ``report_sends`` (one write transaction) before it
is sent, so a restart or a second server process finds it taken or sent. A failure is
recorded with its reason and tried again after ``REPORT_RETRY_MINUTES``, doubling each time
up to a day; the admin overview lists every scheduled report. A report the server could not
send on its day (it was off) goes out when the server next runs in the same month; older
ones are left to ``send-report`` by hand (a quarter's report never arrives two months
late). ``run_due(config, now)`` takes the clock as an argument, so tests never wait.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from kiosk import clock
from kiosk.domain.report_mail import report_period, send_report
from kiosk.domain.workdays import is_working_day, parse_holidays
from kiosk.store import record_report_head
from kiosk.store import report_sends as sends
from kiosk.store.db import connect

KINDS = {"month": "last-month", "quarter": "last-quarter"}  # kind → send-report's period
MAX_BACKOFF = timedelta(hours=24)


def first_working_day(start: date, holidays) -> date:
    """The first working day on or after ``start`` (Monday after a weekend, after Tết)."""
    day = start
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def period_key(kind: str, start: date) -> str:
    return f"{start:%Y-%m}" if kind == "month" else f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def due_reports(config, now: datetime) -> list[dict]:
    """The reports whose day and hour have come (local time): ``{"kind", "period", "from",
    "to", "name"}`` for last month and last quarter, as ``REPORT_AUTO_PERIODS`` asks."""
    loc = clock.local(now)
    today, holidays = loc.date(), parse_holidays(config["HOLIDAYS"])
    out = []
    for kind in config["REPORT_AUTO_PERIODS"]:
        start, end = report_period(KINDS[kind], today)
        day = first_working_day(end + timedelta(days=1), holidays)
        late = today > day and (today.year, today.month) == (day.year, day.month)  # caught up that month only
        if late or (today == day and loc.hour >= config["REPORT_SEND_HOUR"]):
            out.append({"kind": kind, "period": period_key(kind, start), "from": start, "to": end,
                        "name": KINDS[kind]})
    return out


def backoff(config, attempts: int) -> timedelta:
    """REPORT_RETRY_MINUTES after the first failure, doubled after each further one, at most a day."""
    wait = timedelta(minutes=config["REPORT_RETRY_MINUTES"]) * 2 ** max(0, attempts - 1)
    return min(wait, MAX_BACKOFF)


def enabled(config) -> bool:
    return bool(config["SMTP_HOST"]) and bool(config["REPORT_AUTO_PERIODS"])


def units(db) -> list[str | None]:
    """Every unit gets its own report, to its own REPORT_RECIPIENTS (``unit_settings``);
    [None] (the whole installation) only before the first unit exists."""
    from kiosk.store.units import list_units
    return [u["code"] for u in list_units(db)] or [None]


def run_due(config, now: datetime | None = None) -> list[dict]:
    """Send every report that is due and not yet sent (or whose retry is due); returns what
    was tried: ``{"kind", "period", "unit", "ok", "detail", "recipients"}``. Never raises for
    a failed report: the failure is recorded."""
    now = now or clock.utcnow()
    if not enabled(config):
        return []
    db = connect(config["DATABASE"])
    done = []
    try:
        for unit in units(db):
            for report in due_reports(config, now):
                row = sends.claim(db, report["kind"], report["period"], report["from"].isoformat(),
                                  report["to"].isoformat(), unit, now)
                if row is not None:
                    done.append(_send(db, config, report, unit, row, now))
    finally:
        db.conn.close()
    return done


def _send(db, config, report: dict, unit, row: dict, now: datetime) -> dict:
    out = {"kind": report["kind"], "period": report["period"], "unit": unit}
    try:
        sent = send_report(config, config["DATABASE"], report["name"], clock.local(now).date(), unit=unit)
    except Exception as exc:  # a refused password, a full disk: recorded, tried again later
        detail = str(exc) if type(exc).__name__ == "MailError" else f"{type(exc).__name__}: {exc}"
        sends.mark_failed(db, row["id"], now, detail, now + backoff(config, row["attempts"]))
        return {**out, "ok": False, "detail": detail, "recipients": []}
    sends.mark_sent(db, row["id"], now, sent["recipients"], sent["subject"])
    if sent["chain"].get("seq"):
        record_report_head(db, "scheduled", "report.pdf", sent["period"]["from"], sent["period"]["to"],
                           sent["chain"], unit=unit)
    return {**out, "ok": True, "detail": "", "recipients": sent["recipients"]}
