"""Suspicious ratings are flagged, never dropped; normal counter traffic is not flagged."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kiosk import clock, create_app, store
from kiosk.clock import iso
from kiosk.domain.integrity import is_open, too_fast
from kiosk.store.db import connect
from kiosk.web.auth import DEVICE_COOKIE, hash_token

# Tuesday 24/11/2026 10:00 in Vietnam.
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
HOURS = {str(d): ["07:00-17:30"] for d in range(5)} | {"5": ["07:00-11:30"]}


@pytest.fixture
def counter(tmp_path, monkeypatch):
    """An enrolled tablet at counter 'Quầy 1' with the default rules, at a fixed clock."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    app = create_app({"INSTANCE": tmp_path / "i", "TESTING": True, "SECRET_KEY": "t",
                      "OPENING_HOURS": HOURS, "OPENING_GRACE_MINUTES": 30})
    db = connect(app.config["DATABASE"])
    store.enrol_kiosk(db, "Quầy 1", hash_token("tok"), "admin", counter="Quầy 1")
    db.execute("UPDATE kiosks SET enrolled_at = ?", [iso(NOW - timedelta(days=30))])
    client = app.test_client()
    client.set_cookie(DEVICE_COOKIE, "tok")

    def rate(seconds_ago, overall=5, duration_ms=6000, **extra):
        body = {"id": str(uuid.uuid4()), "overall": overall, "duration_ms": duration_ms,
                "created_at": iso(NOW - timedelta(seconds=seconds_ago)), **extra}
        r = client.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"})
        assert r.status_code == 201, r.get_json()
        return store.get_response(db, body["id"])["flags"].split()

    rate.db = db
    return rate


def test_normal_counter_traffic_is_not_flagged(counter):
    # A busy morning: a citizen every 2-6 minutes for three hours.
    gaps = [120, 300, 180, 360, 240, 150, 200, 330, 125, 280] * 4
    t = sum(gaps)
    for gap in gaps:
        t -= gap
        assert counter(t + 1) == []
    assert store.count_responses(counter.db) == 40


def test_a_burst_of_taps_is_flagged_but_kept(counter):
    flags = [counter(100 - i * 12) for i in range(8)]  # eight ratings within 100 seconds
    assert flags[:5] == [[]] * 5
    assert all("burst" in f for f in flags[5:])
    assert store.count_responses(counter.db) == 8


def test_a_tap_inside_the_cooldown_is_flagged(counter):
    assert counter(100) == []
    assert counter(95) == ["cooldown"]


def test_ratings_outside_opening_hours_are_flagged(counter):
    # 21:00 the evening before (local): closed.
    assert "hours" in counter(13 * 3600)


def test_impossibly_fast_completion_is_flagged(counter):
    assert counter(60, overall=2, duration_ms=300,
                   answers={"reasons": ["fees"], "on_time": "no"}) == ["fast"]
    assert counter(30, overall=2, duration_ms=9000,
                   answers={"reasons": ["fees"], "on_time": "no"}) == []


def test_a_rating_made_before_the_tablet_was_enrolled_is_flagged(counter):
    counter.db.execute("UPDATE kiosks SET enrolled_at = ?", [iso(NOW)])
    assert counter(3600) == ["unenrolled"]


def test_more_ratings_than_dossiers_returned_at_the_counter(counter):
    counter.db["receipts"].insert({"code": "AAAA", "counter": "Quầy 1",
                                   "returned_at": iso(NOW - timedelta(minutes=50))})
    assert counter(2000) == []
    assert counter(1000) == ["over_returned"]


@pytest.mark.parametrize("local_time, weekday_open", [
    ("2026-11-24T06:29:00+07:00", False),  # before 07:00 minus grace
    ("2026-11-24T06:31:00+07:00", True),
    ("2026-11-24T17:59:00+07:00", True),   # grace after 17:30
    ("2026-11-24T18:01:00+07:00", False),
    ("2026-11-28T11:50:00+07:00", True),   # Saturday morning + grace
    ("2026-11-28T14:00:00+07:00", False),
    ("2026-11-29T09:00:00+07:00", False),  # Sunday
])
def test_opening_hours_with_grace(local_time, weekday_open):
    assert is_open(datetime.fromisoformat(local_time), HOURS, 30) is weekday_open


@pytest.mark.parametrize("duration, answers, complete, flagged", [
    (None, 1, 1, False), (400, 1, 1, True), (600, 1, 1, False),
    (1200, 3, 1, True), (1600, 3, 1, False), (100, 3, 0, False),
])
def test_too_fast(duration, answers, complete, flagged):
    assert too_fast(duration, answers, complete, 500) is flagged


def test_a_rating_bound_to_a_returned_dossier_is_never_over_returned(counter):
    counter.db["receipts"].insert({"code": "BBBBCCCCD", "counter": "Quầy 1",
                                   "returned_at": iso(NOW - timedelta(minutes=50))})
    assert counter(3000) == []
    assert counter(2000) == ["over_returned"]  # an unbound tap beyond the dossiers returned
