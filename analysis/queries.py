"""The SQL behind a summary: a few grouped passes, each over one indexed range.

A million responses must summarise in well under a second, so each table is read once per
period and grouped in SQLite into a few thousand groups (the six dimensions together;
flags, demo and complete) that Python rolls up into every breakdown, instead of one scan
per breakdown. Dates are local dates (Asia/Ho_Chi_Minh), inclusive, compared as ISO text
on the ``local_date`` columns.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import NamedTuple

from .fromrollups import rolled

VN_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has had no daylight saving since 1975
LOCAL_TZ = timezone(VN_OFFSET, "Asia/Ho_Chi_Minh")


def local_today() -> date:
    """Today's date in Vietnam, whatever the machine's own time zone."""
    return datetime.now(LOCAL_TZ).date()

# "Satisfied" on the main rating: the top two levels of the response's own scale.
SATISFIED_SQL = "(overall IS NOT NULL AND overall >= scale - 1)"

CUBE_DIMENSIONS = ("local_month", "field", "procedure_code", "officer", "counter", "channel")
CUBE_KEYS = (*CUBE_DIMENSIONS, "flags", "demo", "complete")
# A dislike: a main rating of "Không hài lòng" or worse (1–2 of 5, 1 of 3) bound to a receipt.
DISLIKED_SQL = "(receipt IS NOT NULL AND overall <= CASE WHEN scale = 3 THEN 1 ELSE 2 END)"


# Rows as the SQL below returns them, named so every consumer reads ``row.rated``, not
# ``row[10]``; the field order is the SELECT's order (built with ``_make`` where they come out).

class DimensionRow(NamedTuple):
    """Responses of one combination of the six dimensions (a breakdown sums them by each)."""
    month: str
    field: str | None
    procedure: str | None
    officer: str | None
    counter: str | None
    channel: str
    responses: int        # every response of the group, rated or not
    rated: int            # with a main rating
    satisfied: int | None  # main rating in the top two levels of its scale


class GroupRow(NamedTuple):
    """Responses of one combination of flags, demo and complete (the period's totals)."""
    flags: str            # space-separated flag names, '' when not flagged
    demo: int
    complete: int
    responses: int
    rated: int
    satisfied: int | None
    dislikes: int | None  # main rating "Không hài lòng" or worse, bound to a receipt


class ClockRow(NamedTuple):
    """Main-rating counts by local month, weekday (0 = Monday), hour and flags."""
    month: str
    weekday: int | None
    hour: int | None
    flags: str
    rated: int
    satisfied: int | None


class AnswerCount(NamedTuple):
    """How many answers gave ``value`` to ``question_id`` (one row per choice)."""
    question_id: str
    value: str
    flagged: int
    n: int


class ReceiptFigures(NamedTuple):
    """Dossiers returned in a period: all, rated, with an appointment date, of those overdue
    and with a complaint."""
    returned: int
    rated: int
    with_appointment: int
    overdue: int
    complained: int


class ComplaintRow(NamedTuple):
    """Complaints received in a period, flagged or not: received, counted (decided or past
    due), on time, answered."""
    flagged: int
    received: int
    counted: int | None
    on_time: int | None
    answered: int | None


class MonthCount(NamedTuple):
    """Main-rating counts of a local month (YYYY-MM), flagged or not."""
    month: str
    flagged: int
    rated: int
    satisfied: int | None


def has_table(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        [name]).fetchone() is not None


def unit_filter(unit: str | None, column: str = "unit") -> tuple[str, list]:
    """(" AND <column> = ?", [unit]) keeping a query within one unit (a units.code), or
    ("", []) for the whole installation (``unit`` None)."""
    return (f" AND {column} = ?", [unit]) if unit is not None else ("", [])


def _answers_of(unit: str | None) -> tuple[str, list]:
    """The answers table has no unit: its rows are a unit's through their response."""
    if unit is None:
        return "", []
    return " AND response_id IN (SELECT id FROM responses WHERE unit = ?)", [unit]


def _month_range(date_from: str, date_to: str) -> list[str]:
    """Months bounding the period: a redundant filter on ``local_month`` that lets SQLite
    range-scan an index led by the month (see the proposed report indexes)."""
    return [date_from[:7], date_to[:7]]


@rolled
def response_counts(conn, date_from: str, date_to: str, unit: str | None = None,
                    exclude_flagged: bool = False) -> tuple[list[DimensionRow], list[GroupRow]]:
    """The period's responses counted by the six dimensions together (the unflagged only
    with ``exclude_flagged``), and by flags, demo and complete (``counted``).

    From the rows (a copy from before the rollups) the cube is one grouped pass over the
    period's range of the local-date index. ``unit``: one unit's responses only (None: the
    whole installation), here and in every query below."""
    where, params = unit_filter(unit)
    return counted(conn, (
        f"SELECT {', '.join(CUBE_KEYS)}, count(*) AS responses, count(overall) AS rated, "
        f"sum({SATISFIED_SQL}) AS satisfied, sum({DISLIKED_SQL}) AS dislikes FROM responses "
        f"WHERE local_month BETWEEN ? AND ? AND local_date BETWEEN ? AND ?{where} GROUP BY {', '.join(CUBE_KEYS)}"),
        [*_month_range(date_from, date_to), date_from, date_to, *params], exclude_flagged)


def counted(conn, cube: str, params, exclude_flagged: bool) -> tuple[list[DimensionRow], list[GroupRow]]:
    """(DimensionRow rows, GroupRow rows) from ``cube``, a SELECT of ``CUBE_KEYS`` and
    responses, rated, satisfied, dislikes: any rows that add up to the period's (from the
    rollups, one per piece of the period). In one statement, so both count the same
    committed rows even while ratings arrive, and the breakdowns add up to the totals.
    Python is handed a few thousand groups, not every row of the cube: that took longer than
    the rest of a summary. A group without responses is left out."""
    dims, blank = ", ".join(CUBE_DIMENSIONS), ", ".join(["NULL"] * len(CUBE_DIMENSIONS))
    measures = "sum(responses), sum(rated), sum(satisfied)"
    unflagged = " WHERE flags = ''" if exclude_flagged else ""
    dimensions, groups = [], []
    for row in conn.execute(
            f"WITH cube AS ({cube}) "
            f"SELECT 1, {dims}, NULL, NULL, NULL, {measures}, NULL FROM cube{unflagged} "
            f"GROUP BY {dims} HAVING sum(responses) != 0 "
            f"UNION ALL SELECT 0, {blank}, flags, demo, complete, {measures}, sum(dislikes) FROM cube "
            f"GROUP BY flags, demo, complete HAVING sum(responses) != 0", params):
        if row[0]:
            dimensions.append(DimensionRow(*row[1:7], *row[10:13]))
        else:
            groups.append(GroupRow(*row[7:]))
    return dimensions, groups


@rolled
def hour_weekday(conn, date_from: str, date_to: str, unit: str | None = None) -> list[ClockRow]:
    """Main-rating counts by month, weekday, hour and flags over the period; the month is
    kept in the grouping so an index led by it is walked in order."""
    where, params = unit_filter(unit)
    return list(map(ClockRow._make, conn.execute(
        f"SELECT local_month, local_weekday, local_hour, flags, count(overall), "
        f"sum({SATISFIED_SQL}) FROM responses "
        f"WHERE local_month BETWEEN ? AND ? AND local_date BETWEEN ? AND ?{where} "
        f"GROUP BY local_month, local_weekday, local_hour, flags",
        [*_month_range(date_from, date_to), date_from, date_to, *params])))


@rolled
def answer_counts(conn, question_ids, date_from: str, date_to: str, unit: str | None = None) -> list[AnswerCount]:
    """Answer counts from the covering index on answers (grouped by date too, in index
    order, so no sort; the dates are summed here)."""
    ids = sorted(set(question_ids))
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    where, params = _answers_of(unit)
    rows = conn.execute(
        f"SELECT question_id, local_date, value, flagged, count(*) FROM answers "
        f"WHERE question_id IN ({marks}) AND local_date BETWEEN ? AND ?{where} "
        f"GROUP BY question_id, local_date, value, flagged", [*ids, date_from, date_to, *params])
    totals: dict = {}
    for qid, _, value, flagged, count in rows:
        key = (qid, value, flagged)
        totals[key] = totals.get(key, 0) + count
    return [AnswerCount(*k, v) for k, v in totals.items()]


def first_answer_counts(conn, question_ids, date_from: str, date_to: str,
                        unit: str | None = None) -> list[AnswerCount]:
    """Answer counts counting each response once, at the first
    question of ``question_ids`` it answered (for indicators fed by several questions).
    A multi-choice answer of that question still gives one row per choice."""
    ranks = " ".join(f"WHEN ? THEN {i}" for i, _ in enumerate(question_ids))
    marks = ", ".join("?" * len(question_ids))
    where, params = _answers_of(unit)
    return list(map(AnswerCount._make, conn.execute(
        f"SELECT question_id, value, flagged, count(*) FROM ("
        f"SELECT question_id, value, flagged, rank, min(rank) OVER (PARTITION BY response_id) AS first "
        f"FROM (SELECT response_id, question_id, value, flagged, CASE question_id {ranks} END AS rank "
        f"FROM answers WHERE question_id IN ({marks}) AND local_date BETWEEN ? AND ?{where})) "
        f"WHERE rank = first GROUP BY 1, 2, 3",
        [*question_ids, *question_ids, date_from, date_to, *params])))


def utc_bounds(date_from: str, date_to: str) -> tuple[str, str]:
    """UTC ISO text bounds [start, end) of local dates from..to inclusive, comparable with
    stored times such as ``2026-11-27T17:00:00.000Z``."""
    tz = timezone(VN_OFFSET)
    start = datetime.combine(date.fromisoformat(date_from), time(), tz)
    end = datetime.combine(date.fromisoformat(date_to) + timedelta(days=1), time(), tz)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return (start.astimezone(UTC).strftime(fmt), end.astimezone(UTC).strftime(fmt))


@rolled
def receipt_figures(conn, date_from: str, date_to: str, unit: str | None = None) -> ReceiptFigures | None:
    """Dossiers returned in the period (local date of ``returned_at``), or None without a
    receipts table. Overdue: returned at or after the local end (17:00 UTC) of its appointment date."""
    if not has_table(conn, "receipts"):
        return None
    start, end = utc_bounds(date_from, date_to)
    where, params = unit_filter(unit)
    returned, rated, with_date, overdue = conn.execute(
        "SELECT count(*), count(response_id), count(appointment_date), "
        "sum(returned_at >= appointment_date || 'T17:00:00.000Z') "
        f"FROM receipts WHERE returned_at >= ? AND returned_at < ?{where}", [start, end, *params]).fetchone()
    return ReceiptFigures(returned, rated, with_date, overdue or 0, complained_receipts(conn, start, end, unit))


def complained_receipts(conn, start: str, end: str, unit: str | None = None) -> int:
    """Dossiers returned in [start, end) (UTC ISO) with an appointment date and a complaint."""
    where, params = unit_filter(unit, "r.unit")
    return 0 if not has_table(conn, "complaints") else conn.execute(
        "SELECT count(DISTINCT c.receipt) FROM complaints c JOIN receipts r ON r.code = c.receipt "
        f"WHERE r.returned_at >= ? AND r.returned_at < ? AND r.appointment_date IS NOT NULL{where}",
        [start, end, *params]).fetchone()[0]


def complaint_figures(conn, date_from: str, date_to: str, today: str,
                      unit: str | None = None) -> list[ComplaintRow] | None:
    """Complaint counts, flagged and not, of complaints received in the period, or None
    without a complaints table.

    A complaint is counted once it is decided (answered, not accepted) or its due date has
    passed before ``today``; it is on time when answered, or refused with a reason, on or
    before its due date."""
    if not has_table(conn, "complaints"):
        return None
    decided = ("(answered_date IS NOT NULL OR status IN ('answered', 'not_accepted', 'closed') "
               "OR coalesce(not_accepted_reason, '') != '')")
    on_time = ("(answered_date IS NOT NULL AND due_date IS NOT NULL AND answered_date <= due_date "
               "AND (status != 'not_accepted' OR coalesce(not_accepted_reason, '') != ''))")
    where, params = unit_filter(unit)
    return list(map(ComplaintRow._make, conn.execute(
        f"SELECT coalesce(flags, '') != '' AS flagged, count(*), sum({decided} OR due_date < ?), "
        f"sum({on_time}), sum(answered_date IS NOT NULL) FROM complaints "
        f"WHERE received_date BETWEEN ? AND ?{where} GROUP BY 1", [today, date_from, date_to, *params])))


def labels(conn, table: str, key: str, label: str) -> dict:
    """{key: label} from a catalogue table, empty when the table is missing."""
    if not has_table(conn, table):
        return {}
    return dict(conn.execute(f"SELECT {key}, {label} FROM {table}").fetchall())


def chain_head(conn, unit: str | None = None) -> dict:
    """The last link of the responses' hash chain: {"seq", "hash"} (0 and "" when empty).
    Reports quote it so a figure can be checked against ``python -m kiosk verify``.
    ``unit``: the last link of that unit's own chain (chain v3)."""
    where, params = unit_filter(unit)
    row = conn.execute(f"SELECT seq, hash FROM responses WHERE 1{where} ORDER BY seq DESC LIMIT 1",
                       params).fetchone()
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": ""}


@rolled
def monthly_counts(conn, first_month: str, last_month: str, unit: str | None = None) -> list[MonthCount]:
    """Main-rating counts per month and flagged (0/1) for months first..last (YYYY-MM)."""
    where, params = unit_filter(unit)
    return list(map(MonthCount._make, conn.execute(
        f"SELECT local_month, flags != '', count(overall), sum({SATISFIED_SQL}) FROM responses "
        f"WHERE local_month BETWEEN ? AND ?{where} GROUP BY local_month, flags != ''",
        [first_month, last_month, *params])))
