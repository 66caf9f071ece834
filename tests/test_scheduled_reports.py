"""The chairman finds December's report in the mailbox on the first working day of January
without anyone running a command: sent once by the server itself, never twice (not after a
restart, not by two server processes), and a mail server that refuses is tried again later
and shown on the admin overview until the report has gone."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kiosk import clock
from kiosk.domain import mail_schedule
from kiosk.domain.scheduled_reports import backoff, due_reports, run_due
from tests.helpers import ROOT, free_port
from tests.mail_helpers import mail_server, smtp_settings

pytest.importorskip("aiosmtpd")


def vn(*args) -> datetime:
    """A Vietnam wall-clock time as an aware UTC datetime."""
    return datetime(*args, tzinfo=clock.LOCAL_TZ).astimezone(UTC)


# 1 January 2027 is a holiday, the 2nd and 3rd a weekend: the first working day is Monday the 4th
BEFORE_THE_DAY, BEFORE_THE_HOUR, AT_THE_HOUR = vn(2027, 1, 2, 9), vn(2027, 1, 4, 7, 59), vn(2027, 1, 4, 8, 0)


@pytest.fixture
def december(app, tablet, rating_body, monkeypatch):
    """Ten December ratings at the counter, 8 satisfied; one comment that never reaches an e-mail."""
    app.config["BURST_COUNT"] = 1000
    monkeypatch.setattr(clock, "utcnow", lambda: vn(2026, 12, 15, 9))
    for i, overall in enumerate([5, 5, 4, 4, 5, 4, 5, 4, 2, 1]):
        body = rating_body(overall=overall, comment="Chị Lan ở thôn Đông" if i == 9 else "",
                           created_at=(vn(2026, 12, 15, 9) - timedelta(minutes=i)).isoformat())
        assert tablet.post("/api/v1/responses", json=body).status_code == 201
    monkeypatch.undo()
    return app


@pytest.fixture
def smtp(december):
    with mail_server() as (controller, inbox):
        december.config.update(smtp_settings(controller.port))
        yield inbox


def test_decembers_and_the_quarters_reports_go_out_on_the_first_working_day_of_january(december, smtp, db):
    assert run_due(december.config, BEFORE_THE_DAY) == [] and run_due(december.config, BEFORE_THE_HOUR) == []
    assert smtp.messages == []
    done = run_due(december.config, AT_THE_HOUR)
    assert [(r["kind"], r["period"], r["ok"]) for r in done] == [("month", "2026-12", True),
                                                                   ("quarter", "2026-Q4", True)]
    (sender, to, month), (_, _, quarter) = smtp.messages
    assert sender == "baocao@xamau.gov.vn" and to == ["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]
    assert month["Subject"] == "Báo cáo mức độ hài lòng của người dân – Tháng 12/2026 – Xã Mẫu"
    assert quarter["Subject"].startswith("Báo cáo mức độ hài lòng của người dân – Quý IV/2026")
    body = month.get_body(("plain",)).get_content()
    assert "80,0% người dân hài lòng với việc giải quyết thủ tục (10 ý kiến)" in body
    assert "Chị Lan" not in body
    files = {a.get_filename(): a.get_content() for a in month.iter_attachments()}
    name = "bao-cao-hai-long_2026-12-01_2026-12-31"
    assert sorted(files) == [f"{name}.pdf", f"{name}.xlsx"]
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files[sorted(files)[0]])).pages)
    assert "BÁO CÁO" in pdf and "80,0%" in pdf and "Chị Lan" not in pdf
    sheet = load_workbook(io.BytesIO(files[f"{name}.xlsx"])).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert 0.8 in cells and 10 in cells  # the headline share and its n, as numbers Excel computes with
    rows = db.execute("SELECT kind, period, status, attempts, recipients FROM report_sends ORDER BY id").fetchall()
    assert rows == [("month", "2026-12", "sent", 1, json.dumps(["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"])),
                    ("quarter", "2026-Q4", "sent", 1, json.dumps(["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]))]
    assert db.execute("SELECT actor, period_from, seq FROM report_heads ORDER BY id").fetchall() == [
        ("scheduled", "2026-12-01", 10), ("scheduled", "2026-10-01", 10)]


def test_a_restart_sends_nothing_again(december, smtp):
    assert len(run_due(december.config, AT_THE_HOUR)) == 2
    # the server restarts: the same day, later the same day, later in the month
    for now in (AT_THE_HOUR, AT_THE_HOUR + timedelta(hours=3), vn(2027, 1, 20, 10)):
        assert run_due(dict(december.config), now) == []
    assert len(smtp.messages) == 2


def test_two_server_processes_send_the_report_once(december, smtp):
    """Each process claims the report in a write transaction before sending: one wins."""
    code = ("import sys; from datetime import datetime; from kiosk import create_app; "
            "from kiosk.domain.scheduled_reports import run_due; "
            "app = create_app({'INSTANCE': sys.argv[1], **__import__('json').loads(sys.argv[2])}); "
            "print(len(run_due(app.config, datetime.fromisoformat(sys.argv[3]))))")
    args = [december.instance_path, json.dumps({**smtp_settings(december.config["SMTP_PORT"]),
                                                "REPORT_AUTO_PERIODS": ["month"]}), AT_THE_HOUR.isoformat()]
    procs = [subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    tried = sorted(int(p.communicate(timeout=120)[0].strip()) for p in procs)
    assert tried == [0, 1] and len(smtp.messages) == 1


def test_a_refusing_mail_server_is_tried_again_later_and_shown_to_the_admin(december, db, client, login):
    port = free_port()  # nothing listens here yet
    december.config.update(smtp_settings(port), REPORT_AUTO_PERIODS=["month"])
    (failed,) = run_due(december.config, AT_THE_HOUR)
    assert not failed["ok"] and "did not take the report" in failed["detail"]
    page = login(client, "admin").get("/admin/").get_data(as_text=True)
    assert 'data-testid="report-send-failed"' in page and "did not take the report" in page
    assert "Sẽ thử lại lúc 04/01/2027 08:15" in page  # REPORT_RETRY_MINUTES = 15
    assert run_due(december.config, AT_THE_HOUR + timedelta(minutes=10)) == []  # not yet
    (again,) = run_due(december.config, AT_THE_HOUR + timedelta(minutes=16))
    assert not again["ok"]  # the second failure waits twice as long
    status = db.execute("SELECT status, attempts, next_attempt_at FROM report_sends").fetchone()
    assert status == ("failed", 2, clock.iso(AT_THE_HOUR + timedelta(minutes=16 + 30)))
    with mail_server(port) as (_, inbox):
        assert run_due(december.config, AT_THE_HOUR + timedelta(minutes=40)) == []
        (sent,) = run_due(december.config, AT_THE_HOUR + timedelta(minutes=47))
        assert sent["ok"] and len(inbox.messages) == 1
    assert db.execute("SELECT status, attempts FROM report_sends").fetchone() == ("sent", 3)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="report-send-sent"' in page and "chutich@xamau.gov.vn, vanphong@xamau.gov.vn" in page
    assert "Tháng 12/2026" in page
    assert 'data-testid="report-send-failed"' not in page


def test_without_a_mail_server_nothing_is_scheduled(app):
    assert app.config["SMTP_HOST"] == "" and run_due(app.config, AT_THE_HOUR) == []
    assert [name for name, _ in mail_schedule.jobs(app.config)] == ["alert"]  # alerts still shown on the overview


@pytest.mark.parametrize("now, expected", [
    (vn(2026, 12, 1, 7, 59), []),                                   # Tuesday 1 December, before 8:00
    (vn(2026, 12, 1, 8, 0), [("month", "2026-11")]),
    (vn(2026, 12, 31, 16), [("month", "2026-11")]),                 # the server was off on the 1st
    (vn(2027, 1, 4, 8), [("month", "2026-12"), ("quarter", "2026-Q4")]),
    (vn(2027, 2, 10, 8), [("month", "2027-01")]),                   # Q4's report is not sent in February
    (vn(2026, 11, 1, 9), []),                                       # Sunday: Monday the 2nd is the day
    (vn(2026, 11, 2, 9), [("month", "2026-10")]),
    (vn(2026, 9, 3, 8), [("month", "2026-08")]),                    # 1 and 2 September are holidays
])
def test_which_reports_are_due(app, now, expected):
    assert [(r["kind"], r["period"]) for r in due_reports(app.config, now)] == expected


def test_holidays_move_the_day(app):
    assert due_reports(app.config, vn(2026, 9, 1, 9)) == []  # today's report waits for the 3rd
    assert due_reports(app.config, vn(2026, 9, 2, 9)) == []


def test_back_off_doubles_up_to_a_day(app):
    assert [backoff(app.config, n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (15, 30, 60)]
    assert backoff(app.config, 30) == timedelta(hours=24)


def test_the_server_itself_sends_the_due_report_once_across_a_restart(live_server_factory, app, tmp_path):
    """``python -m kiosk serve`` runs the mail thread; the report due today (by the real clock)
    goes out at start, and a restarted server finds it sent."""
    config = {**app.config, "REPORT_SEND_HOUR": 0}
    expected = due_reports(config, clock.utcnow())
    if not expected:
        pytest.skip("today is before this month's first working day: no report is due")
    with mail_server() as (controller, inbox):
        env = {f"KIOSK_{k}": v if isinstance(v, str) else json.dumps(v)
               for k, v in {**smtp_settings(controller.port), "REPORT_SEND_HOUR": 0}.items()}
        for _ in range(2):
            server = live_server_factory(env=env, instance=tmp_path / "served")
            deadline = time.time() + 30
            while time.time() < deadline and len(inbox.messages) < len(expected):
                time.sleep(0.2)
            time.sleep(3)  # time enough for a restarted server to send it again, if it would
            server.stop()
        assert len(inbox.messages) == len(expected)
    assert "Mail: sent report month" in server.log_path.read_text(encoding="utf-8")


def test_each_unit_gets_its_own_report_with_its_own_figures_and_recipients(december, smtp, db, rating_body,
                                                                           monkeypatch):
    """On a province server every commune's chairman receives that commune's report only."""
    from kiosk import store
    from kiosk.web.auth import DEVICE_COOKIE, hash_token
    store.create_unit(db, "27002", "Xã Hai", settings={"REPORT_RECIPIENTS": ["chutich@xahai.gov.vn"]})
    store.enrol_kiosk(db, "Quầy 1", hash_token("xa-hai"), "admin", counter="Quầy 1", unit="27002")
    db.execute("UPDATE kiosks SET enrolled_at = '2020-01-01T00:00:00.000Z' WHERE unit = '27002'")  # long before
    other = december.test_client()
    other.set_cookie(DEVICE_COOKIE, "xa-hai")
    other.environ_base["HTTP_X_KIOSK_REQUEST"] = "1"
    monkeypatch.setattr(clock, "utcnow", lambda: vn(2026, 12, 10, 9))
    for _ in range(2):
        body = rating_body(overall=1, created_at=vn(2026, 12, 10, 9).isoformat())
        assert other.post("/api/v1/responses", json=body).status_code == 201
    monkeypatch.undo()
    december.config["REPORT_AUTO_PERIODS"] = ["month"]
    done = run_due(december.config, AT_THE_HOUR)
    assert sorted((r["unit"], r["ok"]) for r in done) == [("00001", True), ("27002", True)]
    by_unit = {m["Subject"].rpartition("– ")[2]: (to, m.get_body(("plain",)).get_content())
               for _, to, m in smtp.messages}
    assert by_unit["Xã Mẫu"][0] == ["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]
    assert "80,0% người dân hài lòng với việc giải quyết thủ tục (10 ý kiến)" in by_unit["Xã Mẫu"][1]
    assert by_unit["Xã Hai"][0] == ["chutich@xahai.gov.vn"]
    assert "0,0% người dân hài lòng với việc giải quyết thủ tục (2 ý kiến)" in by_unit["Xã Hai"][1]
    assert run_due(december.config, AT_THE_HOUR + timedelta(hours=1)) == []
    assert db.execute("SELECT unit, status FROM report_sends ORDER BY unit").fetchall() == [
        ("00001", "sent"), ("27002", "sent")]


def test_send_report_by_hand_takes_a_unit(december, smtp, db):
    from kiosk import store
    store.create_unit(db, "27002", "Xã Hai", settings={"REPORT_RECIPIENTS": ["chutich@xahai.gov.vn"]})
    env = {**__import__("os").environ, "KIOSK_INSTANCE": december.instance_path,
           **{f"KIOSK_{k}": v if isinstance(v, str) else json.dumps(v)
              for k, v in smtp_settings(december.config["SMTP_PORT"]).items()}}

    def send(*args):
        return subprocess.run([sys.executable, "-m", "kiosk", "send-report", "--period", "month", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)
    r = send()
    assert r.returncode == 2 and "--unit CODE" in r.stderr and "27002" in r.stderr and smtp.messages == []
    assert send("--unit", "27002").returncode == 0
    (_, to, msg), = smtp.messages
    assert to == ["chutich@xahai.gov.vn"] and msg["Subject"].endswith("– Xã Hai")
