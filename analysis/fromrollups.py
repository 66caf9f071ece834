"""The summary's grouped counts read from the rollup tables instead of the responses.

The rollups (``rollup_responses``, ``rollup_clock``, ``rollup_answers``; the kiosk keeps
them in step with every write, in the same transaction) hold the counts per local date and
unit, procedure, officer, counter, channel and flags, so a year of a province is a few
hundred thousand rollup rows at most instead of ten million responses. Each function
returns exactly what its namesake in ``queries`` returns from the rows (the same named
rows, the same figures; a test compares both on the demo data), and ``queries`` calls it
whenever the database has the rollups. ``unit``: one unit (a units.code), None for all.
"""
from __future__ import annotations

import functools
from datetime import date, timedelta

from . import queries as q  # the named rows (used at call time: queries imports this module)

TABLES = ("rollup_responses", "rollup_months", "rollup_clock", "rollup_answers", "rollup_receipts")


def rolled(raw):
    """Decorate a ``queries`` function that groups the rows: read this module's namesake
    instead when the database has the rollups."""
    @functools.wraps(raw)
    def read(conn, *args, **kw):
        if ready(conn):
            return globals()[raw.__name__](conn, *args, **kw)
        return raw(conn, *args, **kw)
    return read


def ready(conn) -> bool:
    """True when the database has the rollups (a kiosk database after migration m012)."""
    found = conn.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({', '.join('?' * len(TABLES))})",
        TABLES).fetchone()[0]
    return found == len(TABLES)


def _unit(unit):
    return (" AND unit = ?", [unit]) if unit is not None else ("", [])


def split_period(date_from: str, date_to: str) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """(whole months (first, last) YYYY-MM or None, [day ranges left at the ends]) of the
    local dates ``date_from``..``date_to``: whole months are read from the monthly rollup."""
    start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = end + timedelta(days=1)
    last_end = end if after.day == 1 else end.replace(day=1) - timedelta(days=1)
    if first > last_end:
        return None, [(date_from, date_to)]
    days = []
    if first > start:
        days.append((date_from, (first - timedelta(days=1)).isoformat()))
    if last_end < end:
        days.append(((last_end + timedelta(days=1)).isoformat(), date_to))
    return (first.isoformat()[:7], last_end.isoformat()[:7]), days


CUBE_KEYS = "local_month, field, procedure_code, officer, counter, channel, flags, demo, complete"


def response_cube(conn, date_from: str, date_to: str, unit=None) -> list:
    where, params = _unit(unit)
    months, days = split_period(date_from, date_to)
    parts, args = [], []
    for a, b in days:
        parts.append(f"SELECT {CUBE_KEYS}, responses, rated, satisfied, dislikes FROM rollup_responses "
                     f"WHERE local_date BETWEEN ? AND ?{where}")
        args += [a, b, *params]
    if months:
        parts.append(f"SELECT {CUBE_KEYS}, responses, rated, satisfied, dislikes FROM rollup_months "
                     f"WHERE local_month BETWEEN ? AND ?{where}")
        args += [*months, *params]
    return list(map(q.CubeRow._make, conn.execute(
        f"SELECT {CUBE_KEYS}, sum(responses), sum(rated), sum(satisfied), sum(dislikes) "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY {CUBE_KEYS} HAVING sum(responses) > 0", args)))


def hour_weekday(conn, date_from: str, date_to: str, unit=None) -> list:
    where, params = _unit(unit)
    return list(map(q.ClockRow._make, conn.execute(
        "SELECT local_month, local_weekday, local_hour, flags, sum(rated), sum(satisfied) FROM rollup_clock "
        f"WHERE local_date BETWEEN ? AND ?{where} GROUP BY local_month, local_weekday, local_hour, flags",
        [date_from, date_to, *params])))


def answer_counts(conn, question_ids, date_from: str, date_to: str, unit=None) -> list:
    ids = sorted(set(question_ids))
    if not ids:
        return []
    where, params = _unit(unit)
    return list(map(q.AnswerCount._make, conn.execute(
        f"SELECT question_id, value, flagged, sum(answers) FROM rollup_answers "
        f"WHERE local_date BETWEEN ? AND ? AND question_id IN ({', '.join('?' * len(ids))}){where} "
        f"GROUP BY question_id, value, flagged HAVING sum(answers) > 0", [date_from, date_to, *ids, *params])))


def monthly_counts(conn, first_month: str, last_month: str, unit=None) -> list:
    where, params = _unit(unit)
    return list(map(q.MonthCount._make, conn.execute(
        "SELECT local_month, flags != '', sum(rated), sum(satisfied) FROM rollup_clock "
        f"WHERE local_date >= ? AND local_date < ?{where} GROUP BY local_month, flags != ''",
        [f"{first_month}-01", f"{last_month}-32", *params])))


def receipt_figures(conn, date_from: str, date_to: str, unit=None):
    where, params = _unit(unit)
    returned, rated, with_date, overdue = conn.execute(
        "SELECT coalesce(sum(returned), 0), coalesce(sum(rated), 0), coalesce(sum(with_appointment), 0), "
        f"coalesce(sum(overdue), 0) FROM rollup_receipts WHERE returned_date BETWEEN ? AND ?{where}",
        [date_from, date_to, *params]).fetchone()
    start, end = q.utc_bounds(date_from, date_to)
    return q.ReceiptFigures(returned, rated, with_date, overdue, q.complained_receipts(conn, start, end, unit))
