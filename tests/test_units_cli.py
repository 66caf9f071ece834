"""The province's staff set up units from the command line (issue 15 points 1, 3, 6):
create-unit, list-units, users and tokens of one unit or of all, verify per unit."""
import sqlite3

from tests.helpers import PASSWORD
from tests.test_cli import run


def test_a_single_commune_needs_no_unit_option_and_a_province_must_say_which(tmp_path):
    r = run(tmp_path, "create-user", "chu-tich", "--role", "leader", "--password-stdin", input=PASSWORD + "\n")
    assert r.returncode == 0 and "unit 00001" in r.stdout, r.stderr  # the only unit, made on first start
    assert run(tmp_path, "create-unit", "27002", "--name", "Xã Tây Hòa", "--province", "Tỉnh Bắc Ninh").returncode == 0
    again = run(tmp_path, "create-unit", "27002", "--name", "Xã Khác")
    assert again.returncode == 1 and "already a unit" in again.stderr
    assert run(tmp_path, "create-unit", "a b", "--name", "X").returncode == 2

    listed = run(tmp_path, "list-units")
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "province", "responses", "users", "tablets"]
    assert lines[1].startswith("00001") and "Xã Mẫu" in lines[1]
    assert lines[2].startswith("27002") and "Xã Tây Hòa" in lines[2] and "Tỉnh Bắc Ninh" in lines[2]

    which = run(tmp_path, "create-user", "lan", "--role", "officer", "--password-stdin", input=PASSWORD + "\n")
    assert which.returncode == 2 and "--unit CODE" in which.stderr and "27002" in which.stderr
    assert run(tmp_path, "create-user", "lan", "--role", "officer", "--unit", "27002", "--password-stdin",
               input=PASSWORD + "\n").returncode == 0
    assert run(tmp_path, "create-user", "so-noi-vu", "--role", "leader", "--all-units", "--password-stdin",
               input=PASSWORD + "\n").returncode == 0
    unknown = run(tmp_path, "create-user", "x", "--role", "officer", "--unit", "99999", "--password-stdin",
                  input=PASSWORD + "\n")
    assert unknown.returncode == 2 and "no unit '99999'" in unknown.stderr

    assert run(tmp_path, "create-token", "mot-cua", "--role", "officer").returncode == 2
    assert run(tmp_path, "create-token", "mot-cua", "--role", "officer", "--unit", "27002").returncode == 0
    assert run(tmp_path, "create-token", "tinh", "--role", "leader", "--all-units").returncode == 0
    assert run(tmp_path, "create-token", "may", "--role", "kiosk", "--all-units").returncode == 2

    db = sqlite3.connect(tmp_path / "inst" / "kiosk.db")
    assert dict(db.execute("SELECT username, unit FROM users")) == {
        "chu-tich": "00001", "lan": "27002", "so-noi-vu": None}
    assert dict(db.execute("SELECT name, unit FROM api_tokens")) == {"mot-cua": "27002", "tinh": None}
    tokens = run(tmp_path, "list-tokens").stdout
    assert "27002" in tokens and "all" in tokens


def test_verify_checks_one_units_chain(tmp_path):
    assert run(tmp_path, "create-unit", "27002", "--name", "Xã Tây Hòa").returncode == 0
    ok = run(tmp_path, "verify", "--unit", "27002")
    assert ok.returncode == 0 and "unit 27002" in ok.stdout
    missing = run(tmp_path, "verify", "--unit", "nope")
    assert missing.returncode == 2 and "no unit" in missing.stderr


def test_a_province_gives_a_commune_its_own_hours_names_and_recipients_each_checked(tmp_path):
    assert run(tmp_path, "create-unit", "27002", "--name", "Xã Tây Hòa").returncode == 0
    hours = '{"0": ["07:00-11:30"], "5": ["07:30-11:00"]}'
    r = run(tmp_path, "unit-settings", "27002", "--set", f"OPENING_HOURS={hours}",
            "--set", 'REPORT_RECIPIENTS=["vp@tayhoa.gov.vn"]', "--set", "PLACE_NAME=Tây Hòa")
    assert r.returncode == 0, r.stderr
    assert 'REPORT_RECIPIENTS = ["vp@tayhoa.gov.vn"]  (own)' in r.stdout
    assert "HOLIDAYS = " in r.stdout and "(installation's)" in r.stdout

    # a value the server would refuse at start is refused here, and nothing changes
    bad = run(tmp_path, "unit-settings", "27002", "--set", 'OPENING_HOURS={"0": ["17:00-07:00"]}')
    assert bad.returncode == 2 and "OPENING_HOURS" in bad.stderr and "Traceback" not in bad.stderr
    not_here = run(tmp_path, "unit-settings", "27002", "--set", "SMTP_HOST=evil.example")
    assert not_here.returncode == 2 and "REPORT_RECIPIENTS" in not_here.stderr
    assert run(tmp_path, "unit-settings", "99999").returncode == 2
    assert run(tmp_path, "unit-settings", "27002", "--set", "REPORT_RECIPIENTS=[\"khong-phai-thu\"]").returncode == 2

    db = sqlite3.connect(tmp_path / "inst" / "kiosk.db")
    import json
    own = json.loads(db.execute("SELECT settings FROM units WHERE code = '27002'").fetchone()[0])
    assert own == {"OPENING_HOURS": json.loads(hours), "REPORT_RECIPIENTS": ["vp@tayhoa.gov.vn"],
                   "PLACE_NAME": "Tây Hòa"}

    # the unit's settings are what its ratings, pages and reports use; --unset goes back
    from kiosk.domain.units import unit_settings
    from kiosk.settings import defaults
    unit = {"code": "27002", "name": "Xã Tây Hòa", "province": None, "settings": own}
    assert unit_settings(defaults(), unit)["OPENING_HOURS"] == json.loads(hours)
    r = run(tmp_path, "unit-settings", "27002", "--unset", "OPENING_HOURS", "--name", "Xã Tây Hòa Mới")
    assert r.returncode == 0 and "unit 27002 (Xã Tây Hòa Mới)" in r.stdout
    assert json.loads(db.execute("SELECT settings FROM units WHERE code = '27002'").fetchone()[0]).keys() == {
        "REPORT_RECIPIENTS", "PLACE_NAME"}
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'unit_settings' AND unit = '27002'"
                      ).fetchone()[0] == 2
