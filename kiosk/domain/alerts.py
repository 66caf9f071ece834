"""Alerts: events a leader should hear of at once, each e-mailed once to the unit's leaders
and admins and listed on the admin overview until one of them acknowledges it.

``RULES`` is the table, like the integrity flags: kind → a function of (db, settings, now)
that returns the events it sees now, each ``{"event", "subject", "facts"}``; ``event``
identifies it, so the same event is never recorded or mailed twice.

- ``unhappy_counter``: at one counter, within ``ALERT_UNHAPPY_MINUTES``, at least
  ``ALERT_UNHAPPY_MIN_RATINGS`` ratings of which at least ``ALERT_UNHAPPY_SHARE`` unhappy (the
  two lowest faces of five, the lowest of three). Flagged and demo ratings do not count; a
  rating that was part of one alert is never part of the next, so a bad quarter of an hour
  is one e-mail, not fifteen.
- ``silent_kiosk``: an enrolled tablet not heard from for ``KIOSK_SILENCE_MINUTES`` minutes
  of opening hours (a tablet switched off overnight is not silent until the counter has been
  open that long).
- ``complaint_due``: an open complaint ``ALERT_COMPLAINT_WORKING_DAYS`` working days or less
  before its due date (or past it).

Messages never name a citizen, quote a comment or a complaint's text, or give a phone number:
they say where, when and how many, and link to the staff pages.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from kiosk import clock, store
from kiosk.domain.integrity import silent_kiosks
from kiosk.domain.workdays import add_working_days, parse_holidays, working_days_between
from kiosk.store import alerts as alert_store


def unhappy(overall: int, scale: int) -> bool:
    """The two lowest levels of a five-level scale, the lowest of a three-level one."""
    return overall <= (scale or 5) // 2


def unhappy_counters(db, settings: Mapping, now: datetime, unit: str | None = None) -> list[dict]:
    since = clock.iso(now - timedelta(minutes=settings["ALERT_UNHAPPY_MINUTES"]))
    by_counter: dict[str, list[dict]] = {}
    for r in alert_store.counter_ratings_since(db, since, unit):
        by_counter.setdefault(r["counter"], []).append(r)
    events = []
    for counter, ratings in by_counter.items():
        told = alert_store.last_counter_window(db, counter, unit)
        fresh = [r for r in ratings if told is None or r["rated_at"] > told]
        bad = sum(unhappy(r["overall"], r["scale"]) for r in fresh)
        if len(fresh) >= settings["ALERT_UNHAPPY_MIN_RATINGS"] and bad >= settings["ALERT_UNHAPPY_SHARE"] * len(fresh):
            window = {"window_from": fresh[0]["rated_at"], "window_to": fresh[-1]["rated_at"]}
            events.append({"event": f"{counter}|{window['window_to']}", "subject": counter,
                           "facts": {**window, "n": len(fresh), "unhappy": bad}})
    return events


def opening_minutes(start: datetime, end: datetime, hours: Mapping) -> int:
    """Minutes of opening hours between ``start`` and ``end`` (local spans, at most 60 days)."""
    start, end = clock.local(start), clock.local(end)
    total, day = 0, start.date()
    while day <= end.date() and (day - start.date()).days <= 60:
        for span in hours.get(str(day.weekday()), []):
            a, b = (datetime.combine(day, datetime.strptime(t, "%H:%M").time(), clock.LOCAL_TZ)
                    for t in span.split("-"))
            total += max(0, int((min(b, end) - max(a, start)).total_seconds() // 60))
        day += timedelta(days=1)
    return total


def silent_tablets(db, settings: Mapping, now: datetime, unit: str | None = None) -> list[dict]:
    events = []
    for k in silent_kiosks(store.list_kiosks(db, unit), now, settings):
        seen = k.get("last_seen_at") or k.get("enrolled_at")
        if not seen:
            continue
        minutes = opening_minutes(clock.parse_iso(seen), now, settings["OPENING_HOURS"])
        if minutes >= settings["KIOSK_SILENCE_MINUTES"]:
            events.append({"event": f"{k['name']}|{seen}", "subject": k["name"],
                           "facts": {"since": seen, "opening_minutes": minutes}})
    return events


def complaints_due(db, settings: Mapping, now: datetime, unit: str | None = None) -> list[dict]:
    today, holidays = clock.local(now).date(), parse_holidays(settings["HOLIDAYS"])
    last = add_working_days(today, settings["ALERT_COMPLAINT_WORKING_DAYS"], holidays)
    events = []
    for c in alert_store.open_complaints_due_by(db, last.isoformat(), unit):
        due = datetime.fromisoformat(c["due_date"]).date()
        left = (working_days_between(today, due, holidays) if due >= today
                else -working_days_between(due, today, holidays))
        events.append({"event": f"{c['id']}|{c['due_date']}", "subject": str(c["id"]),
                       "facts": {"id": c["id"], "topic": c["topic"], "received_date": c["received_date"],
                                 "due_date": c["due_date"], "working_days_left": left}})
    return events


RULES: dict[str, Callable[..., list[dict]]] = {  # (db, settings, now, unit) -> events
    "unhappy_counter": unhappy_counters, "silent_kiosk": silent_tablets, "complaint_due": complaints_due,
}


def unit_configs(db, settings: Mapping) -> dict[str | None, dict]:
    """{unit code: that unit's settings (``unit_settings``)}; {None: the installation's}
    before the first unit exists."""
    from kiosk.domain.units import unit_settings
    from kiosk.store.units import list_units
    return {u["code"]: unit_settings(settings, u) for u in list_units(db)} or {None: dict(settings)}


def detect(db, settings: Mapping, now: datetime) -> list[int]:
    """Record every event the rules see now, unit by unit, each with that unit's opening
    hours and holidays; the ids of the new ones."""
    new = []
    for unit, config in unit_configs(db, settings).items():
        for kind, rule in RULES.items():
            for e in rule(db, config, now, unit):
                alert_id = alert_store.record_alert(db, kind, e["event"], unit, e["subject"], e["facts"], now)
                if alert_id is not None:
                    new.append(alert_id)
    return new
