"""``python -m kiosk doctor`` and the staff banner: each thing that would break in
production is found, explained in Vietnamese (English with --lang en), and only then."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from kiosk import clock, create_app, store
from kiosk.domain import backups, doctor
from kiosk.store.db import connect
from kiosk.web.auth import DEVICE_COOKIE, hash_password, hash_token
from tests.helpers import ALWAYS_OPEN, PASSWORD, ROOT

HEALTHY = {"PUBLIC_BASE_URL": "https://hailong.xa-an-binh.gov.vn", "COMMUNE_NAME": "Xã An Bình",
           "UNIT_NAME": "Trung tâm Phục vụ hành chính công xã An Bình", "PROVINCE_NAME": "Tỉnh Đồng Nai",
           "PLACE_NAME": "An Bình", "MIN_FREE_DISK_MB": 1, "SECRET_KEY": "k" * 64, "TRUSTED_PROXIES": 1}


@pytest.fixture
def healthy(tmp_path):
    """An installation where everything is as the README says it should be."""
    app = create_app({"INSTANCE": tmp_path / "instance", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "OPENING_HOURS": ALWAYS_OPEN, "COOLDOWN_SECONDS": 0, **HEALTHY})
    db = connect(app.config["DATABASE"])
    store.create_user(db, "admin", hash_password(PASSWORD), "admin")
    assert backups.run_once(app.config, app.instance_path)["ok"]
    yield app, db
    db.conn.close()


def found(app, db):
    return doctor.examine(app.config, db, app.instance_path)


def rate_from_tablet(app, db, rating_body, offset_minutes: float, name="Quầy 2"):
    token = "t-" + name
    if not store.find_kiosk(db, hash_token(token)):
        store.enrol_kiosk(db, name, hash_token(token), "admin", counter=name)
    c = app.test_client()
    c.set_cookie(DEVICE_COOKIE, token)
    at = time.time() + offset_minutes * 60
    body = rating_body(created_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(at)))
    assert c.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"}).status_code == 201


def test_a_healthy_installation_has_nothing_to_fix(healthy, rating_body):
    app, db = healthy
    rate_from_tablet(app, db, rating_body, 0)
    assert found(app, db) == []


BREAKS = {
    "localhost": ("public_address", {"PUBLIC_BASE_URL": "http://127.0.0.1:8080"}, "localhost"),
    "lan": ("public_address", {"PUBLIC_BASE_URL": "http://192.168.1.10:8080"}, "mạng nội bộ"),
    "plain_http": ("public_address", {"PUBLIC_BASE_URL": "http://hailong.xa-an-binh.gov.vn"}, "http không mã hóa"),
    "https_untrusted_proxy": ("trusted_proxies", {"TRUSTED_PROXIES": 0}, "TRUSTED_PROXIES = 1"),
    "example_names": ("unit_names", {"COMMUNE_NAME": "Xã Mẫu"}, "Xã Mẫu"),
    "default_secret": ("secret_key", {"SECRET_KEY": "change-me"}, "SECRET_KEY"),
    "full_disk": ("disk_space", {"MIN_FREE_DISK_MB": 10_000_000}, "MB trống"),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_each_setting_problem_is_found_once(healthy, case):
    app, db = healthy
    check, change, words = BREAKS[case]
    app.config.update(change)
    problems = found(app, db)
    assert {p.check for p in problems} == {check}, [p.render() for p in problems]
    assert words in problems[0].render()


def test_no_admin_account_is_found(healthy):
    app, db = healthy
    db.execute("UPDATE users SET active = 0 WHERE role = 'admin'")
    problems = found(app, db)
    assert [p.check for p in problems] == ["admin_account"]
    assert "create-user admin --role admin" in problems[0].render()


def test_a_stale_backup_is_found(healthy):
    app, db = healthy
    db.execute("UPDATE backups SET at = ?", [clock.iso(clock.utcnow().replace(year=2020))])
    problems = found(app, db)
    assert [p.check for p in problems] == ["backup"] and "48 giờ" in problems[0].render()


def test_a_tablet_whose_clock_is_off_is_found_but_an_offline_queue_is_not(healthy, rating_body):
    app, db = healthy
    rate_from_tablet(app, db, rating_body, -180, name="Quầy 3")  # queued three hours ago, sent now: honest
    rate_from_tablet(app, db, rating_body, 0, name="Quầy 3")
    assert found(app, db) == []
    rate_from_tablet(app, db, rating_body, 12, name="Quầy 4")  # twelve minutes ahead
    problems = found(app, db)
    assert [p.check for p in problems] == ["tablet_clock"]
    assert "Quầy 4" in problems[0].render() and "+12 phút" in problems[0].render()


def doctor_cli(instance, *args):
    env = {**os.environ, "KIOSK_INSTANCE": str(instance)}
    return subprocess.run([sys.executable, "-m", "kiosk", "doctor", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_doctor_on_a_fresh_instance_lists_what_to_do_and_exits_1(tmp_path):
    r = doctor_cli(tmp_path / "fresh")
    assert r.returncode == 1
    for words in ("localhost", "Xã Mẫu", "create-user admin", "sao lưu"):
        assert words in r.stdout, r.stdout
    en = doctor_cli(tmp_path / "fresh", "--lang", "en")
    assert en.returncode == 1 and "no administrator account" in en.stdout and "Xã Mẫu" in en.stdout


def test_doctor_exits_0_when_all_is_well(tmp_path):
    instance = tmp_path / "good"
    instance.mkdir()
    (instance / "config.py").write_text(
        "".join(f"{k} = {v!r}\n" for k, v in HEALTHY.items() if k != "SECRET_KEY"), encoding="utf-8")
    env = {**os.environ, "KIOSK_INSTANCE": str(instance)}
    subprocess.run([sys.executable, "-m", "kiosk", "create-user", "admin", "--role", "admin",
                    "--password-stdin"], cwd=ROOT, env=env, input=PASSWORD + "\n", check=True, text=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "kiosk", "backup", str(instance / "backups" / "first.db")],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    r = doctor_cli(instance)
    assert r.returncode == 0, r.stdout
    assert "Mọi thứ đều ổn." in r.stdout
    assert "All is well." in doctor_cli(instance, "--lang", "en").stdout


def test_staff_pages_show_the_doctors_warnings(app, client, db, login):
    login(client, "admin")
    page = client.get("/catalogue/procedures").get_data(as_text=True)  # any staff page
    for p in doctor.examine(app.config, db, app.instance_path):
        assert f'data-testid="{"public-url-warning" if p.check == "public_address" else "doctor-" + p.check}"' in page
    assert 'data-testid="doctor-unit_names"' in page and 'data-testid="doctor-backup"' in page
    english = client.get("/catalogue/procedures?lang=en").get_data(as_text=True)
    assert "The unit&#39;s names are still the examples" in english


def test_an_officer_sees_what_prints_on_the_slips_where_receipts_are_printed(app, client, db, login):
    login(client, "officer")
    page = client.get("/receipts/").get_data(as_text=True)
    assert 'data-testid="public-url-warning"' in page and 'data-testid="doctor-unit_names"' in page
    assert 'data-testid="doctor-secret_key"' not in page and 'data-testid="doctor-backup"' not in page
    app.config.update(PUBLIC_BASE_URL="https://hailong.xa-an-binh.gov.vn")
    assert 'data-testid="public-url-warning"' not in client.get("/receipts/").get_data(as_text=True)


def test_reports_and_alerts_that_would_reach_nobody_are_found(healthy):
    app, db = healthy
    assert [p.check for p in found(app, db)] == []  # no mail server: e-mail is optional
    app.config.update(SMTP_HOST="smtp.xa-an-binh.gov.vn")
    texts = [p.render() for p in found(app, db) if p.check == "mail"]
    assert len(texts) == 3 and "SMTP_FROM" in texts[0]
    assert "REPORT_RECIPIENTS) cho: Xã An Bình." in texts[1] and "Tài khoản" in texts[2]
    app.config.update(SMTP_FROM="baocao@xa-an-binh.gov.vn", REPORT_RECIPIENTS=["chutich@xa-an-binh.gov.vn"])
    store.set_email(db, "admin", "it@xa-an-binh.gov.vn")
    assert [p.check for p in found(app, db)] == []
