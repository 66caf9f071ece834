"""Working days for complaint deadlines (``vocabulary.DUE_WORKING_DAYS``, DOMAIN.md).

Saturdays, Sundays and the configured public holidays are skipped. The default holiday
list covers the fixed holidays and this period's Tết and Hùng Kings days as announced;
each year the government announces the exact Tết schedule, so ``HOLIDAYS`` in
``instance/config.py`` is where an official corrects or extends it.
"""
from __future__ import annotations

from datetime import date, timedelta

DEFAULT_HOLIDAYS = [
    # 2026
    "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
    "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
    # 2027
    "2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
    "2027-04-16", "2027-04-30", "2027-05-03", "2027-09-02", "2027-09-03",
]


def parse_holidays(values) -> frozenset[date]:
    return frozenset(date.fromisoformat(v) if isinstance(v, str) else v for v in values)


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The date ``days`` working days after ``start`` (the day of receipt is not counted).

    add_working_days(Friday, 1) is the next Monday; a holiday on the way is skipped.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count
