"""The summary's grouped counts read from the rollup tables instead of the responses.

The rollups (``rollup_responses``, ``rollup_clock``, ``rollup_answers``; the kiosk keeps
them in step with every write, in the same transaction) hold the counts per local date and
unit, procedure, officer, counter, channel and flags, so a year of a province is a few
hundred thousand rollup rows at most instead of ten million responses; their monthly forms
(``rollup_months``, ``rollup_clock_months``, ``rollup_answer_months``) serve a period's
whole months (``spans``). Each function returns exactly what its namesake in ``queries``
returns from the rows (the same named rows, the same figures; a test compares both on the
demo data), and ``queries`` calls it whenever the database has the rollups. ``unit``: one
unit (a units.code), None for all.
"""
from __future__ import annotations

import functools
from datetime import date, timedelta

from . import queries as q  # the named rows (used at call time: queries imports this module)

TABLES = ("rollup_responses", "rollup_months", "rollup_clock", "rollup_clock_months", "rollup_answers",
          "rollup_answer_months", "rollup_receipts")


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
    """True when the database has every rollup read here (a kiosk database after migration
    m016); a copy from an older release is read from its rows instead."""
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


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def pieces(date_from: str, date_to: str) -> list[tuple[int, str, str, str]]:
    """[(sign, "months" or "days", first, last)] whose counts, added with their sign, are the
    period's: its whole months (``split_period``), and each month it covers in part either
    by its days or, when fewer of that month's days lie outside the period, as the whole
    month less those days (a year from the 3rd reads 4 days, not 31). Exact: a month's
    rollup is the sum of its days' (``verify`` holds them so)."""
    months, days = split_period(date_from, date_to)
    out = [(1, "months", *months)] if months else []
    for a, b in days:
        start, end = date.fromisoformat(a), date.fromisoformat(b)
        while start <= end:  # a day range without a whole month spans one month or two
            last = min(end, _month_end(start))
            first_day, last_day = start.replace(day=1), _month_end(start)
            inside = (last - start).days + 1
            if (last_day - first_day).days + 1 - inside < inside:
                out.append((1, "months", start.isoformat()[:7], start.isoformat()[:7]))
                if start > first_day:
                    out.append((-1, "days", first_day.isoformat(), (start - timedelta(days=1)).isoformat()))
                if last < last_day:
                    out.append((-1, "days", (last + timedelta(days=1)).isoformat(), last_day.isoformat()))
            else:
                out.append((1, "days", start.isoformat(), last.isoformat()))
            start = last + timedelta(days=1)
    return out


def spans(daily: str, monthly: str, keys: str, measures: tuple[str, ...], date_from: str, date_to: str,
          where: str = "", params=(), grouped=(), monthly_hint: str = "") -> tuple[str, list]:
    """(SELECT, params) of ``keys`` (a column list, maybe "") and ``measures`` over the period,
    UNION ALL of the ``pieces`` read from ``monthly`` (keyed by local_month) and ``daily``
    (keyed by local_date), a subtracted piece's measures negated: sum them, and drop the
    groups whose sums come to 0. ``where``: " AND ..." on columns both tables have, with its
    ``params``. ``grouped``: the kinds of piece ("months", "days") each summed by ``keys`` on
    its own (the outer GROUP BY then sums a few thousand rows, not every rollup row);
    ``monthly_hint``: e.g. an INDEXED BY clause for the monthly table."""
    parts, args = [], []
    for sign, kind, first, last in pieces(date_from, date_to):
        table, column = (monthly + monthly_hint, "local_month") if kind == "months" else (daily, "local_date")
        neg = "" if sign > 0 else "-"
        summed = kind in grouped
        signed = [f"{neg}sum({m}) AS {m}" if summed else f"{neg}{m} AS {m}" for m in measures]
        picked = ", ".join([keys] * bool(keys) + signed)
        parts.append(f"SELECT {picked} FROM {table} WHERE {column} BETWEEN ? AND ?{where}"
                     + (f" GROUP BY {keys}" if summed and keys else ""))
        args += [first, last, *params]
    return " UNION ALL ".join(parts), args


CUBE_MEASURES = ("responses", "rated", "satisfied", "dislikes")
CLOCK_KEYS = "local_month, local_weekday, local_hour, flags"
CUBE_INDEX = "idx_rollup_months_cube"  # kiosk/store/rollups.py: the monthly cube in queries.CUBE_KEYS order


def response_counts(conn, date_from: str, date_to: str, unit=None, exclude_flagged: bool = False):
    """``queries.counted`` of the period's pieces (``pieces``). The days at its ends are each
    grouped by themselves. A province's year is some 200,000 monthly rows of a hundred
    communes: grouped along ``CUBE_INDEX``, which holds them in the cube's order, they need
    no sort and come out as a few thousand groups. One unit's monthly rows are its groups
    already and go in as they stand."""
    where, params = _unit(unit)
    across = unit is None and _units(conn) > 1
    rows, args = spans("rollup_responses", "rollup_months", ", ".join(q.CUBE_KEYS), CUBE_MEASURES, date_from,
                       date_to, where, params, grouped=("months", "days") if across else ("days",),
                       monthly_hint=_along(conn) if across else "")
    return q.counted(conn, rows, args, exclude_flagged)


def _units(conn) -> int:
    """How many units the database has (a copy without a units table: 2, the side that
    groups). It decides only which way is faster: ``counted``'s GROUP BY sums either way."""
    if not q.has_table(conn, "units"):
        return 2
    return conn.execute("SELECT count(*) FROM units").fetchone()[0]


def _along(conn) -> str:
    """INDEXED BY ``CUBE_INDEX`` for the monthly table, if this database has it."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [CUBE_INDEX]).fetchone()
    return f" INDEXED BY {CUBE_INDEX}" if found else ""


def hour_weekday(conn, date_from: str, date_to: str, unit=None) -> list:
    where, params = _unit(unit)
    rows, args = spans("rollup_clock", "rollup_clock_months", CLOCK_KEYS, ("rated", "satisfied"), date_from, date_to,
                       where, params)
    return list(map(q.ClockRow._make, conn.execute(
        f"SELECT {CLOCK_KEYS}, sum(rated), sum(satisfied) FROM ({rows}) GROUP BY {CLOCK_KEYS} HAVING sum(rated) > 0",
        args)))


def answer_counts(conn, question_ids, date_from: str, date_to: str, unit=None) -> list:
    ids = sorted(set(question_ids))
    if not ids:
        return []
    where, params = _unit(unit)
    rows, args = spans("rollup_answers", "rollup_answer_months", "question_id, value, flagged", ("answers",),
                       date_from, date_to, f" AND question_id IN ({', '.join('?' * len(ids))}){where}",
                       [*ids, *params])
    return list(map(q.AnswerCount._make, conn.execute(
        f"SELECT question_id, value, flagged, sum(answers) FROM ({rows}) "
        f"GROUP BY question_id, value, flagged HAVING sum(answers) > 0", args)))


def monthly_counts(conn, first_month: str, last_month: str, unit=None) -> list:
    where, params = _unit(unit)
    return list(map(q.MonthCount._make, conn.execute(
        "SELECT local_month, flags != '', sum(rated), sum(satisfied) FROM rollup_clock_months "
        f"WHERE local_month BETWEEN ? AND ?{where} GROUP BY local_month, flags != ''",
        [first_month, last_month, *params])))


def receipt_figures(conn, date_from: str, date_to: str, unit=None):
    where, params = _unit(unit)
    returned, rated, with_date, overdue = conn.execute(
        "SELECT coalesce(sum(returned), 0), coalesce(sum(rated), 0), coalesce(sum(with_appointment), 0), "
        f"coalesce(sum(overdue), 0) FROM rollup_receipts WHERE returned_date BETWEEN ? AND ?{where}",
        [date_from, date_to, *params]).fetchone()
    start, end = q.utc_bounds(date_from, date_to)
    return q.ReceiptFigures(returned, rated, with_date, overdue, q.complained_receipts(conn, start, end, unit))
