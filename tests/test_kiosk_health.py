"""A tablet that falls silent during opening hours is shown as a warning."""
from datetime import UTC, datetime

from kiosk import store
from kiosk.domain.integrity import silent_kiosks
from kiosk.web.auth import hash_token

HOURS = {str(d): ["07:00-17:30"] for d in range(5)}
CONFIG = {"OPENING_HOURS": HOURS, "KIOSK_SILENCE_MINUTES": 90}
TUESDAY_10AM = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def kiosk(last_seen):
    return {"name": "Quầy 1", "enrolled_at": "2026-11-01T00:00:00.000Z", "last_seen_at": last_seen,
            "revoked": 0}


def test_silent_tablet_during_opening_hours_is_reported():
    silent = silent_kiosks([kiosk("2026-11-24T00:59:00.000Z")], TUESDAY_10AM, CONFIG)  # 07:59 local
    assert [k["name"] for k in silent] == ["Quầy 1"] and silent[0]["silent_minutes"] == 121


def test_recently_heard_tablet_is_fine():
    assert silent_kiosks([kiosk("2026-11-24T02:00:00.000Z")], TUESDAY_10AM, CONFIG) == []


def test_nothing_is_reported_when_the_counter_is_closed():
    sunday = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    assert silent_kiosks([kiosk("2026-11-20T00:00:00.000Z")], sunday, CONFIG) == []


def test_overview_page_warns_about_a_silent_tablet(app, client, db, login):
    store.enrol_kiosk(db, "Quầy 7", hash_token("t"), "admin")
    db.execute("UPDATE kiosks SET enrolled_at = '2026-01-01T00:00:00.000Z', "
               "last_seen_at = '2026-01-02T00:00:00.000Z'")
    app.config["KIOSK_SILENCE_MINUTES"] = 1  # the app fixture's counter is always open
    login(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Quầy 7" in page and "im lặng không có nghĩa là hài lòng" in page
