"""Responses stored through the real schema and write path, and the local-date rules.

The analysis and report tests all write their data with ``tests.analysis_helpers.add`` into
the ``fresh_db`` fixture (conftest), exactly as the kiosk writes it (migrations +
store.insert_many); here: that the writing itself and the local dates are right.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analysis import summarize
from tests.analysis_helpers import add


@pytest.mark.parametrize("when, expected_date", [
    ("2026-11-27 23:59:59", "2026-11-27"),
    ("2026-11-28 00:00:00", "2026-11-28"),
    ("2026-11-28 06:59:00", "2026-11-28"),   # still 27 Nov in UTC
])
def test_rating_belongs_to_the_vietnamese_calendar_day(fresh_db, when, expected_date):
    rec = add(fresh_db, when, 5)
    assert rec["local_date"] == expected_date


def test_rating_at_midnight_counts_in_the_new_day_only(fresh_db):
    add(fresh_db, "2026-11-27 23:59:59", 5)
    add(fresh_db, "2026-11-28 00:00:00", 1)
    before = summarize(fresh_db, "2026-11-27", "2026-11-27", today="2026-11-30")["indicators"][0]
    after = summarize(fresh_db, "2026-11-28", "2026-11-28", today="2026-11-30")["indicators"][0]
    assert (before["n"], before["satisfied"]) == (1, 1)
    assert (after["n"], after["satisfied"]) == (1, 0)


def test_period_bounds_are_inclusive_local_dates(fresh_db):
    for at in ("2026-10-31 23:59", "2026-11-01 00:00", "2026-11-30 23:59", "2026-12-01 00:00"):
        add(fresh_db, at, 4)
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-12-02")
    assert s["indicators"][0]["n"] == 2
    assert s["responses"]["all"] == 2


def test_seven_hours_before_midnight_utc_is_already_tomorrow(fresh_db):
    add(fresh_db, datetime(2026, 11, 27, 17, 0, tzinfo=UTC), 5)
    s = summarize(fresh_db, "2026-11-28", "2026-11-28", today="2026-11-30")
    assert s["indicators"][0]["n"] == 1


def test_answer_rows_carry_the_local_date_for_reports(fresh_db):
    add(fresh_db, "2026-11-28 00:10", 5, {"resubmitted": "no"}, channel="phone")
    rows = fresh_db.execute(
        "SELECT local_date FROM answers WHERE question_id = 'resubmitted'").fetchall()
    assert rows == [("2026-11-28",)]
    s = summarize(fresh_db, "2026-11-28", "2026-11-28", today="2026-11-30")
    ind = {r["id"]: r for r in s["indicators"]}
    assert ind["no_resubmission"]["n"] == 1
    assert summarize(fresh_db, "2026-11-27", "2026-11-27")["indicators"][4]["n"] == 0


def test_a_timestamp_a_second_apart_changes_the_month(fresh_db):
    add(fresh_db, "2026-11-30 23:59:59", 2)
    add(fresh_db, "2026-12-01 00:00:00", 5)
    s = summarize(fresh_db, "2026-11-01", "2026-12-31", today="2027-01-02")
    months = {r["key"]: r["n"] for r in s["breakdowns"]["month"]}
    assert months == {"2026-11": 1, "2026-12": 1}
