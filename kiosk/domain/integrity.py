"""Integrity flags: suspicious responses are kept and marked, never deleted.

Each rule is a small pure function of the response and a few counts; the flags go on the
response (``responses.flags``) and every report shows figures with and without them.

Flags:
  clock          the client's time was implausible; the server's time was used (intake)
  cooldown       a tap within ``COOLDOWN_SECONDS`` of the previous one on the same tablet
  burst          ``BURST_COUNT`` or more ratings within ``BURST_WINDOW_SECONDS`` on one tablet,
                 not bound to dossiers
  hours          outside opening hours (plus ``OPENING_GRACE_MINUTES``)
  fast           finished faster than ``MIN_MS_PER_ANSWER`` per answer given
  unenrolled     rated before the tablet was enrolled (queued, then sent)
  over_returned  an unbound rating at a counter that already has as many ratings that day as
                 dossiers returned there (a rating bound to a returned dossier is never flagged)
"""
from __future__ import annotations

from datetime import datetime, timedelta

from kiosk import store
from kiosk.clock import iso, local, parse_iso

DEFAULTS = {
    "COOLDOWN_SECONDS": 10,
    "BURST_COUNT": 6,
    "BURST_WINDOW_SECONDS": 180,
    "MIN_MS_PER_ANSWER": 500,
    # Weekday (0 = Monday) → opening spans, local time. Communes commonly open Saturday morning.
    "OPENING_HOURS": {"0": ["07:00-17:30"], "1": ["07:00-17:30"], "2": ["07:00-17:30"],
                      "3": ["07:00-17:30"], "4": ["07:00-17:30"], "5": ["07:00-11:30"]},
    "OPENING_GRACE_MINUTES": 30,
    "KIOSK_SILENCE_MINUTES": 90,
}


def is_open(moment: datetime, hours: dict, grace_minutes: int = 0) -> bool:
    """True if ``moment`` (aware) falls within the opening hours of its local weekday,
    each span widened by ``grace_minutes`` on both sides."""
    loc = local(moment)
    minutes = loc.hour * 60 + loc.minute
    for span in hours.get(str(loc.weekday()), []):
        start, end = (int(p[:2]) * 60 + int(p[3:5]) for p in span.split("-"))
        if start - grace_minutes <= minutes <= end + grace_minutes:
            return True
    return False


def too_fast(duration_ms, answer_count: int, complete: int, min_ms_per_answer: int) -> bool:
    """A finished response faster than a person can read and tap, per answer given."""
    if duration_ms is None or not complete:
        return False
    return duration_ms < min_ms_per_answer * max(1, answer_count)


def rules_from(config) -> dict:
    return {key: config.get(key, default) for key, default in DEFAULTS.items()}


def make_flagger(config, answer_count: int):
    """A ``flagger(db, row)`` for ``store.save_response`` using this installation's rules."""
    rules = rules_from(config)

    def flagger(db, row) -> list[str]:
        flags = []
        rated = parse_iso(row["rated_at"])
        if not is_open(rated, rules["OPENING_HOURS"], rules["OPENING_GRACE_MINUTES"]):
            flags.append("hours")
        if too_fast(row.get("duration_ms"), answer_count, row.get("complete", 1),
                    rules["MIN_MS_PER_ANSWER"]):
            flags.append("fast")
        kiosk = row.get("kiosk")
        if kiosk and row["channel"] == "kiosk":
            previous = store.last_rating_at(db, kiosk, row["rated_at"])
            if previous is not None:
                gap = (rated - parse_iso(previous)).total_seconds()
                if gap < rules["COOLDOWN_SECONDS"]:
                    flags.append("cooldown")
            if not row.get("receipt"):
                since = iso(rated - timedelta(seconds=rules["BURST_WINDOW_SECONDS"]))
                recent = store.unbound_ratings_between(db, kiosk, since, row["rated_at"],
                                                       rules["BURST_COUNT"])
                if recent + 1 >= rules["BURST_COUNT"]:
                    flags.append("burst")
            enrolled_at = store.kiosk_enrolled_at(db, kiosk)
            if enrolled_at and rated < parse_iso(enrolled_at) - timedelta(minutes=1):
                flags.append("unenrolled")
        counter = row.get("counter")
        if counter and row["channel"] == "kiosk" and not row.get("receipt"):
            ratings, returned, ever = store.counter_day_counts(db, counter, row["local_date"])
            if ever and ratings + 1 > returned:
                flags.append("over_returned")
        return flags

    return flagger


def silent_kiosks(kiosks: list[dict], now: datetime, config) -> list[dict]:
    """Enrolled tablets not heard from for longer than ``KIOSK_SILENCE_MINUTES`` while the
    counter is open, so that silence is never read as satisfaction."""
    rules = rules_from(config)
    if not is_open(now, rules["OPENING_HOURS"]):
        return []
    limit = timedelta(minutes=rules["KIOSK_SILENCE_MINUTES"])
    silent = []
    for k in kiosks:
        if k.get("revoked"):
            continue
        seen = parse_iso(k.get("last_seen_at") or "") or parse_iso(k.get("enrolled_at") or "")
        if seen is None or now - seen > limit:
            silent.append(dict(k, silent_minutes=None if seen is None else int((now - seen).total_seconds() // 60)))
    return silent
