"""The chairman gets the month's report by e-mail without opening a dashboard: the PDF and
the Excel file attached, each indicator's figure, n and verdict in the body. Sent through a
local SMTP server (aiosmtpd) that the test reads."""
import email
import email.policy
import io
import os
import subprocess
import sys
from datetime import date

import pytest
from pypdf import PdfReader

from kiosk.domain.report_mail import report_period
from tests.helpers import ROOT, free_port

aiosmtpd = pytest.importorskip("aiosmtpd")


class Inbox:
    """Keeps every message the server accepts, and who signed in."""

    def __init__(self):
        self.messages, self.logins = [], []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, data):
        inbox.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"mat-khau-thu")

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    yield controller, inbox
    controller.stop()


def send(app, controller, *args, **env):
    environ = {**os.environ, "KIOSK_INSTANCE": app.instance_path, "KIOSK_SMTP_HOST": "127.0.0.1",
               "KIOSK_SMTP_PORT": str(controller.port), "KIOSK_SMTP_TLS": "none",
               "KIOSK_SMTP_FROM": "baocao@xamau.gov.vn", "KIOSK_SMTP_USER": "baocao",
               "KIOSK_SMTP_PASSWORD": "mat-khau-thu",
               "KIOSK_REPORT_RECIPIENTS": '["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]', **env}
    return subprocess.run([sys.executable, "-m", "kiosk", "send-report", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def rated(app, tablet, rating_body):
    """Ten ratings made now (no burst flag: a busy counter), 8 satisfied, one with a comment
    that must not reach the e-mail."""
    app.config["BURST_COUNT"] = 1000
    for i, overall in enumerate([5, 5, 4, 4, 5, 4, 5, 4, 2, 1]):
        body = rating_body(overall=overall, comment="Chị Lan ở thôn Đông" if i == 9 else "")
        assert tablet.post("/api/v1/responses", json=body).status_code == 201


def test_leader_receives_the_months_report_with_pdf_and_excel(app, db, smtp, rated):
    controller, inbox = smtp
    r = send(app, controller, "--period", "month")
    assert r.returncode == 0, r.stderr
    (sender, recipients, msg), = inbox.messages
    assert sender == "baocao@xamau.gov.vn"
    assert recipients == ["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]
    assert inbox.logins == [("baocao", "mat-khau-thu")]
    assert msg["Subject"].startswith("Báo cáo mức độ hài lòng của người dân – Tháng ")
    assert msg["Subject"].endswith("– Xã Mẫu")
    body = msg.get_body(("plain",)).get_content()
    assert "80,0% người dân hài lòng với việc giải quyết thủ tục (10 ý kiến)" in body
    assert ("- Mức độ hài lòng của người dân, doanh nghiệp về giải quyết thủ tục hành chính: 80,0%; n = 10; "
            in body)
    assert "Chưa đủ dữ liệu để kết luận" in body and "Chị Lan" not in body
    attachments = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    pdf = next(v for k, v in attachments.items() if k.endswith(".pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "BÁO CÁO" in text and "80,0%" in text
    assert any(k.endswith(".xlsx") and v.startswith(b"PK") for k, v in attachments.items())
    assert db.execute("SELECT actor, kind, seq FROM report_heads").fetchall() == [("send-report", "report.pdf", 10)]


def test_to_sends_to_that_address_only(app, smtp, rated):
    controller, inbox = smtp
    r = send(app, controller, "--period", "month", "--to", "pho-chu-tich@xamau.gov.vn")
    assert r.returncode == 0, r.stderr
    assert inbox.messages[0][1] == ["pho-chu-tich@xamau.gov.vn"]


def test_a_wrong_password_or_no_server_says_so_without_a_traceback(app, smtp, rated):
    controller, inbox = smtp
    r = send(app, controller, KIOSK_SMTP_PASSWORD="sai")
    assert r.returncode == 1 and "the report was not sent" in r.stderr and "Traceback" not in r.stderr
    r = send(app, controller, KIOSK_SMTP_PORT=str(free_port()))
    assert r.returncode == 1 and "did not take the report" in r.stderr and "Traceback" not in r.stderr
    assert inbox.messages == []


def test_without_recipients_nothing_is_sent(app, smtp, rated):
    controller, inbox = smtp
    r = send(app, controller, KIOSK_REPORT_RECIPIENTS="[]")
    assert r.returncode == 1 and "REPORT_RECIPIENTS" in r.stderr and inbox.messages == []


@pytest.mark.parametrize("name, today, expected", [
    ("month", date(2026, 11, 20), (date(2026, 11, 1), date(2026, 11, 20))),
    ("last-month", date(2026, 1, 3), (date(2025, 12, 1), date(2025, 12, 31))),
    ("quarter", date(2026, 11, 20), (date(2026, 10, 1), date(2026, 11, 20))),
    ("last-quarter", date(2026, 1, 2), (date(2025, 10, 1), date(2025, 12, 31))),
    ("last-quarter", date(2026, 5, 31), (date(2026, 1, 1), date(2026, 3, 31))),
    ("year", date(2026, 11, 20), (date(2026, 1, 1), date(2026, 11, 20))),
])
def test_report_periods(name, today, expected):
    assert report_period(name, today) == expected
