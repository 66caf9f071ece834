"""Stored times are text that sorts as time: every iso() is the same 24 characters
(YYYY-MM-DDTHH:MM:SS.mmmZ, in UTC) whatever the zone or the microseconds it is given, and
parse_iso reads it back to the same millisecond. Rows written by earlier versions used
strftime; the faster isoformat must give exactly their text, or comparisons in SQL (burst
windows, cooldowns, periods) would go wrong at the seams."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from kiosk.clock import LOCAL_TZ, iso, parse_iso

zones = st.sampled_from([UTC, LOCAL_TZ, timezone(timedelta(hours=-11)), timezone(timedelta(hours=14))])
moments = st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones)


@given(moments)
def test_iso_is_the_text_rows_were_always_stored_with(dt):
    assert iso(dt) == dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    assert len(iso(dt)) == 24


@given(moments)
def test_iso_reads_back_to_the_millisecond(dt):
    back = parse_iso(iso(dt))
    assert abs(back - dt) < timedelta(milliseconds=1)
    assert back.utcoffset() == timedelta(0)


def test_a_local_morning_is_stored_as_the_utc_night_before():
    assert iso(datetime(2026, 12, 2, 6, 30, 0, 999_999, tzinfo=LOCAL_TZ)) == "2026-12-01T23:30:00.999Z"
