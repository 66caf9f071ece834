"""Clock helpers: store UTC, group by the local date in Vietnam.

Asia/Ho_Chi_Minh is UTC+7 all year; the zone comes from the ``tzdata`` wheel on systems
(Windows) that have no zone database of their own.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with milliseconds and a Z, sortable as text (``isoformat``: the same
    text as ``strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]``, in half the time; a rating makes seven)."""
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_iso(text: str) -> datetime | None:
    """A timezone-aware datetime from ISO 8601 text with an offset or Z; None if unreadable
    or without an offset (a time without a zone cannot be placed)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    return dt


def local(dt: datetime) -> datetime:
    return dt.astimezone(LOCAL_TZ)


def local_today() -> date:
    return local(utcnow()).date()


def local_fields(dt: datetime) -> dict:
    """local_date, local_month, local_hour and local_weekday (0 = Monday) of ``dt``."""
    loc = local(dt)
    return {
        "local_date": loc.date().isoformat(),
        "local_month": loc.strftime("%Y-%m"),
        "local_hour": loc.hour,
        "local_weekday": loc.weekday(),
    }


def choose_rated_at(client: datetime | None, server: datetime, window_days: int):
    """The moment a response belongs to, and whether the client's clock was rejected.

    The client's time is used when it is not in the future (2 minutes' grace) and not older
    than the offline window; otherwise the server's time, flagged ``clock``.
    """
    if client is None:
        return server, False
    if client > server + timedelta(minutes=2) or client < server - timedelta(days=window_days):
        return server, True
    return client, False


def local_day_bounds_utc(local_date: str) -> tuple[str, str]:
    """UTC ISO bounds [start, end) of a Vietnamese local day, for comparing stored UTC times."""
    day = date.fromisoformat(local_date)
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
    return iso(start), iso(start + timedelta(days=1))
