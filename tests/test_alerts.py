"""The chairman hears at once when something goes wrong: a run of unhappy ratings at one
counter, a tablet that has gone quiet during opening hours, a complaint about to miss its
due date. One e-mail per event to the leaders and admins, never naming a citizen or quoting
what they wrote; each alert stays on the overview until a leader or admin acknowledges it."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from kiosk import clock, store
from kiosk.domain.alert_mail import run
from kiosk.domain.alerts import opening_minutes
from kiosk.settings import defaults
from kiosk.web.auth import hash_password
from tests.helpers import PASSWORD, ROOT, free_port
from tests.mail_helpers import mail_server, smtp_settings

pytest.importorskip("aiosmtpd")
OFFICE_HOURS = defaults()["OPENING_HOURS"]  # Monday to Friday 07:00-17:30, Saturday 07:00-11:30
WEEKDAYS = {str(d): ["07:00-17:30"] for d in range(5)}
SECRET = "Chị Lan ở thôn Đông"  # what a citizen wrote: never in an alert


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=clock.LOCAL_TZ).astimezone(UTC)


NOW = vn(2026, 12, 2, 9, 30)  # a Wednesday morning


@pytest.fixture
def staff(db):
    """A chairman and an admin with e-mail, a leader without, an officer with one (not told)."""
    for name, role, email in [("chutich", "leader", "chutich@xamau.gov.vn"), ("quantri", "admin", "it@xamau.gov.vn"),
                              ("phochutich", "leader", None), ("canbo", "officer", "canbo@xamau.gov.vn")]:
        store.create_user(db, name, hash_password(PASSWORD), role, email=email)


@pytest.fixture
def smtp(app, staff):
    with mail_server() as (controller, inbox):
        app.config.update(smtp_settings(controller.port), BURST_COUNT=1000)
        yield inbox


@pytest.fixture
def rate(tablet, db, rating_body, monkeypatch):
    """``rate(overall, at)``: a counter rating at Quầy 1 made (and received) at ``at``; the
    tablet was last heard from then (and enrolled well before: a rating made before its
    tablet was enrolled is flagged, whatever the real clock says today)."""
    db.execute("UPDATE kiosks SET enrolled_at = ? WHERE name = 'Quầy 1'", [clock.iso(NOW - timedelta(days=30))])

    def rate(overall, at, **over):
        monkeypatch.setattr(clock, "utcnow", lambda: at)
        body = rating_body(overall=overall, created_at=at.isoformat(), comment=SECRET, **over)
        assert tablet.post("/api/v1/responses", json=body).status_code == 201
        monkeypatch.undo()
        db.execute("UPDATE kiosks SET last_seen_at = ? WHERE name = 'Quầy 1'", [clock.iso(at)])
    return rate


def test_a_run_of_unhappy_ratings_at_a_counter_is_mailed_once_to_leaders_and_admins(app, smtp, rate):
    for minutes, overall in [(0, 1), (3, 2), (6, 5), (9, 1)]:
        rate(overall, NOW - timedelta(minutes=12 - minutes))
    (sent,) = run(app.config, NOW)
    assert sent["ok"] and sent["kind"] == "unhappy_counter"
    (sender, to, msg), = smtp.messages
    assert to == ["chutich@xamau.gov.vn", "it@xamau.gov.vn"]  # not the officer, not the leader without one
    assert msg["Subject"] == "Cảnh báo: nhiều người dân không hài lòng tại Quầy 1 – Xã Mẫu"
    body = msg.get_body(("plain",)).get_content()
    assert "Từ 09:18 ngày 02/12/2026 đến 09:27 ngày 02/12/2026, tại Quầy 1 có 3 trên 4 lượt" in body
    assert "(75,0%)" in body and "từ 50% số lượt đánh giá trong 15 phút, khi có ít nhất 4 lượt" in body
    assert SECRET not in body and "/admin/" in body
    assert run(app.config, NOW + timedelta(minutes=1)) == []  # the same event: never twice
    rate(1, NOW + timedelta(minutes=2))  # one more unhappy rating is not a new run
    assert run(app.config, NOW + timedelta(minutes=3)) == [] and len(smtp.messages) == 1


@pytest.mark.parametrize("ratings", [
    [1, 1, 1],                 # too few to say anything
    [1, 5, 5, 4],              # one unhappy in four
    [3, 3, 3, 3],              # "Bình thường" is not unhappy
])
def test_no_alert_below_the_thresholds(app, smtp, rate, ratings):
    for i, overall in enumerate(ratings):
        rate(overall, NOW - timedelta(minutes=10 - i))
    assert run(app.config, NOW) == [] and smtp.messages == []


def test_ratings_older_than_the_window_or_flagged_do_not_count(app, smtp, rate):
    for i in range(3):
        rate(1, NOW - timedelta(minutes=40 + i))  # half an hour ago
    rate(1, NOW - timedelta(minutes=5))
    app.config["OPENING_HOURS"] = {"0": ["07:00-08:00"]}  # from now on ratings are flagged "hours"
    for i in range(4):
        rate(1, NOW - timedelta(minutes=4 - i))
    assert run(app.config, NOW) == [] and smtp.messages == []


def test_a_tablet_silent_through_opening_hours_is_mailed_not_one_switched_off_overnight(app, db, smtp):
    app.config["OPENING_HOURS"] = WEEKDAYS  # KIOSK_SILENCE_MINUTES = 90
    store.enrol_kiosk(db, "Quầy 2", "hash-2", "quantri", counter="Quầy 2")
    friday_evening = clock.iso(vn(2026, 11, 27, 17, 0))
    db.execute("UPDATE kiosks SET last_seen_at = ? WHERE name = 'Quầy 2'", [friday_evening])
    assert run(app.config, vn(2026, 11, 30, 7, 45)) == []  # Monday: 30 + 45 minutes of opening hours
    (sent,) = run(app.config, vn(2026, 11, 30, 8, 0))
    assert sent["ok"] and sent["kind"] == "silent_kiosk"
    msg = smtp.messages[0][2]
    assert msg["Subject"] == "Cảnh báo: máy tính bảng “Quầy 2” không gửi tín hiệu – Xã Mẫu"
    assert "từ 17:00 ngày 27/11/2026 (90 phút trong giờ làm việc)" in msg.get_body(("plain",)).get_content()
    assert run(app.config, vn(2026, 11, 30, 10, 0)) == []  # still the same silence
    db.execute("UPDATE kiosks SET last_seen_at = ? WHERE name = 'Quầy 2'", [clock.iso(vn(2026, 11, 30, 10, 0))])
    (again,) = run(app.config, vn(2026, 11, 30, 13, 0))  # heard from, then silent again: a new event
    assert again["kind"] == "silent_kiosk" and len(smtp.messages) == 2


def test_opening_minutes_skip_nights_weekends_and_closed_hours():
    assert opening_minutes(vn(2026, 11, 27, 17, 0), vn(2026, 11, 30, 8, 0), OFFICE_HOURS) == 30 + 270 + 60
    assert opening_minutes(vn(2026, 11, 27, 17, 0), vn(2026, 11, 30, 8, 0), WEEKDAYS) == 30 + 60
    assert opening_minutes(vn(2026, 11, 28, 12, 0), vn(2026, 11, 29, 23, 0), OFFICE_HOURS) == 0  # Saturday noon on
    assert opening_minutes(vn(2026, 12, 2, 9, 0), vn(2026, 12, 2, 9, 20), OFFICE_HOURS) == 20


def test_a_complaint_two_working_days_before_its_due_date(app, db, smtp, tablet, rating_body):
    body = rating_body(overall=1, comment=SECRET, complaint={"topic": "officer", "text": "Anh Tuấn ở quầy 2 gắt gỏng"})
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    (complaint,) = store.list_complaints(db)
    app.config["KIOSK_SILENCE_MINUTES"] = 10080  # the tablet's silence is another test's story
    db.execute("UPDATE complaints SET received_date = '2026-11-13', due_date = '2026-12-04' WHERE id = ?",
               [complaint["id"]])
    assert run(app.config, vn(2026, 12, 1, 9)) == []  # Tuesday: three working days left
    (sent,) = run(app.config, vn(2026, 12, 2, 9))     # Wednesday: two
    assert sent["kind"] == "complaint_due"
    msg = smtp.messages[0][2]
    text = msg.get_body(("plain",)).get_content()
    assert msg["Subject"] == f"Nhắc hạn: phản ánh số {complaint['id']} đến hạn trả lời ngày 04/12/2026 – Xã Mẫu"
    assert "nhận ngày 13/11/2026, chủ đề: Cán bộ" in text and "còn 2 ngày làm việc" in text
    assert "Tuấn" not in text and SECRET not in text and "09" not in msg["To"]
    assert f"/admin/complaints/{complaint['id']}" in text
    assert run(app.config, vn(2026, 12, 3, 9)) == []  # one e-mail per complaint and due date


def test_a_refused_alert_is_retried_and_the_overview_lists_it_until_acknowledged(app, db, staff, rate, client, login):
    port = free_port()
    app.config.update(smtp_settings(port), BURST_COUNT=1000)
    for i in range(4):
        rate(1, NOW - timedelta(minutes=8 - i))
    (failed,) = run(app.config, NOW)
    assert not failed["ok"] and "did not take" in failed["detail"]
    page = login(client, "chutich").get("/admin/").get_data(as_text=True)
    assert 'data-testid="alert-unhappy_counter"' in page
    assert "Quầy 1: 4 trên 4 lượt đánh giá không hài lòng" in page and "did not take" in page
    assert SECRET not in page
    assert run(app.config, NOW + timedelta(minutes=5)) == []  # REPORT_RETRY_MINUTES = 15
    with mail_server(port) as (_, inbox):
        (sent,) = run(app.config, NOW + timedelta(minutes=16))
        assert sent["ok"] and len(inbox.messages) == 1
    page = client.get("/admin/").get_data(as_text=True)
    assert "Đã gửi tới chutich@xamau.gov.vn, it@xamau.gov.vn" in page
    (alert,) = db.execute("SELECT id FROM alerts").fetchall()
    assert client.post(f"/admin/alerts/{alert[0]}/acknowledge").status_code == 302
    assert 'data-testid="alert-unhappy_counter"' not in client.get("/admin/").get_data(as_text=True)
    row = db.execute("SELECT acknowledged_by, acknowledged_at FROM alerts").fetchone()
    assert row[0] == "chutich" and row[1].startswith(clock.iso(clock.utcnow())[:10])


def test_officers_neither_see_nor_acknowledge_alerts(app, db, staff, rate, client, login):
    for i in range(4):
        rate(1, NOW - timedelta(minutes=8 - i))
    assert run(app.config, NOW) == []  # no mail server: recorded and shown, not mailed
    assert db.execute("SELECT mail_status FROM alerts").fetchone()[0] == "off"
    page = login(client, "quantri").get("/admin/").get_data(as_text=True)
    assert "Không gửi thư: chưa đặt máy chủ thư (SMTP_HOST)." in page
    page = login(client, "canbo").get("/admin/").get_data(as_text=True)
    assert 'data-testid="alerts"' not in page
    assert client.post("/admin/alerts/1/acknowledge").status_code == 403
    assert db.execute("SELECT acknowledged_at FROM alerts").fetchone()[0] is None


def test_without_anyone_to_tell_the_alert_waits_on_the_overview(app, db, rate, client, login):
    with mail_server() as (controller, inbox):
        app.config.update(smtp_settings(controller.port), BURST_COUNT=1000)
        for i in range(4):
            rate(2, NOW - timedelta(minutes=8 - i))
        (failed,) = run(app.config, NOW)
    assert "no active leader or admin has an e-mail address" in failed["detail"] and inbox.messages == []
    page = login(client, "admin").get("/admin/").get_data(as_text=True)
    assert "no active leader or admin has an e-mail address" in page


def test_the_admin_sets_an_e_mail_address_checked(app, db, client, login):
    login(client, "admin")
    store.create_user(db, "chutich", hash_password(PASSWORD), "leader")
    uid = store.get_user(db, username="chutich")["id"]
    r = client.post(f"/admin/users/{uid}/email", data={"email": "chu tich@xamau"}, follow_redirects=True)
    assert "Địa chỉ thư điện tử không hợp lệ" in r.get_data(as_text=True)
    assert store.get_user(db, username="chutich")["email"] is None
    client.post(f"/admin/users/{uid}/email", data={"email": " chutich@xamau.gov.vn "})
    assert store.get_user(db, username="chutich")["email"] == "chutich@xamau.gov.vn"
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'value="chutich@xamau.gov.vn"' in page
    r = client.post("/admin/users", data={"username": "vanphong", "role": "leader", "password": PASSWORD,
                                          "email": "not-an-address"})
    assert "Địa chỉ thư điện tử không hợp lệ" in r.get_data(as_text=True)
    assert not store.get_user(db, username="vanphong")
    client.post("/admin/users", data={"username": "vanphong", "role": "leader", "password": PASSWORD,
                                      "email": "vanphong@xamau.gov.vn"})
    assert store.get_user(db, username="vanphong")["email"] == "vanphong@xamau.gov.vn"


def test_create_user_takes_an_e_mail_address(app):
    def create(*args):
        return subprocess.run([sys.executable, "-m", "kiosk", "create-user", "chutich", "--role", "leader",
                               "--password-stdin", *args], cwd=ROOT, input=PASSWORD + "\n", capture_output=True,
                              text=True, env={**__import__("os").environ, "KIOSK_INSTANCE": app.instance_path})
    r = create("--email", "khong-phai-dia-chi")
    assert r.returncode == 2 and "not an e-mail address" in r.stderr and "Traceback" not in r.stderr
    assert create("--email", "chutich@xamau.gov.vn").returncode == 0
    from kiosk.store.db import connect
    db = connect(app.config["DATABASE"])
    assert store.get_user(db, username="chutich")["email"] == "chutich@xamau.gov.vn"
    db.conn.close()


def test_on_a_province_server_each_communes_alerts_go_to_its_own_leaders(app, db, rating_body, monkeypatch,
                                                                            client, login):
    from kiosk.web.auth import DEVICE_COOKIE, hash_token
    store.create_unit(db, "27002", "Xã Hai")
    for name, role, unit, email in [("chutich-hai", "leader", "27002", "chutich@xahai.gov.vn"),
                                    ("chutich-mau", "leader", "00001", "chutich@xamau.gov.vn"),
                                    ("tinh", "admin", None, "it@tinh.gov.vn")]:
        store.create_user(db, name, hash_password(PASSWORD), role, unit=unit, email=email)
    store.enrol_kiosk(db, "Quầy 1", hash_token("xa-hai"), "tinh", counter="Quầy 1", unit="27002")
    db.execute("UPDATE kiosks SET enrolled_at = ? WHERE unit = '27002'", [clock.iso(NOW - timedelta(days=30))])
    hai = app.test_client()
    hai.set_cookie(DEVICE_COOKIE, "xa-hai")
    hai.environ_base["HTTP_X_KIOSK_REQUEST"] = "1"
    for i in range(4):
        at = NOW - timedelta(minutes=8 - i)
        monkeypatch.setattr(clock, "utcnow", lambda at=at: at)
        assert hai.post("/api/v1/responses", json=rating_body(overall=1, created_at=at.isoformat())).status_code == 201
    monkeypatch.undo()
    db.execute("UPDATE kiosks SET last_seen_at = ?", [clock.iso(NOW)])
    with mail_server() as (controller, inbox):
        app.config.update(smtp_settings(controller.port), BURST_COUNT=1000)
        (sent,) = run(app.config, NOW)
    assert sent["unit"] == "27002" and inbox.messages[0][1] == ["chutich@xahai.gov.vn"]
    assert inbox.messages[0][2]["Subject"].endswith("tại Quầy 1 – Xã Hai")
    page = login(client, "chutich-mau").get("/admin/").get_data(as_text=True)
    assert 'data-testid="alert-unhappy_counter"' not in page
    (alert_id,) = db.execute("SELECT id FROM alerts").fetchone()
    client.post(f"/admin/alerts/{alert_id}/acknowledge")  # not Xã Mẫu's to acknowledge
    assert db.execute("SELECT acknowledged_by FROM alerts").fetchone()[0] is None
    other = app.test_client()
    assert 'data-testid="alert-unhappy_counter"' in login(other, "tinh").get("/admin/").get_data(as_text=True)


def test_an_alert_left_sending_by_a_server_that_died_is_sent_after_an_hour(app, db, smtp, rate):
    for i in range(4):
        rate(1, NOW - timedelta(minutes=8 - i))
    from kiosk.domain.alerts import detect
    from kiosk.store.alerts import claim_mail
    (alert_id,) = detect(db, app.config, NOW)
    assert claim_mail(db, alert_id, NOW)  # a process took it, then died before sending
    assert run(app.config, NOW + timedelta(minutes=30)) == [] and smtp.messages == []
    (sent,) = run(app.config, NOW + timedelta(minutes=61))
    assert sent["ok"] and len(smtp.messages) == 1
