"""The alert e-mails: short Vietnamese messages that say where, when and how many, and
``run`` (the mail thread's job): detect new events, then mail each waiting alert once to the
active leaders and admins who have an e-mail address.

Sending works like the scheduled report: the alert's e-mail is claimed in a write
transaction first; a refusal is recorded and tried again with the same back-off
(``REPORT_RETRY_MINUTES``, doubling, at most a day) until it goes or someone acknowledges
the alert. Without a mail server (``SMTP_HOST``) alerts are still recorded and listed on the
admin overview, marked as not mailed (``off``), and not mailed later either.
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from analysis import fmt
from kiosk import clock
from kiosk.domain import alerts
from kiosk.domain.report_mail import MailError, deliver
from kiosk.domain.scheduled_reports import backoff
from kiosk.store import alerts as alert_store
from kiosk.store.db import connect
from survey_forms import vocabulary

PRIVACY = "Thư này không chứa tên, số điện thoại hay nội dung ý kiến, phản ánh của người dân."


def _time(value: str) -> str:
    loc = clock.local(clock.parse_iso(value))
    return f"{loc:%H:%M} ngày {fmt.day(loc.date())}"


def texts(alert: dict, settings) -> tuple[str, str]:
    """(subject, body) of an alert's e-mail, in Vietnamese."""
    f, name, commune = alert["facts"], alert["subject"], settings["COMMUNE_NAME"]
    if alert["kind"] == "unhappy_counter":
        subject = f"Cảnh báo: nhiều người dân không hài lòng tại {name} – {commune}"
        body = (f"Từ {_time(f['window_from'])} đến {_time(f['window_to'])}, tại {name} có {f['unhappy']} trên "
                f"{f['n']} lượt đánh giá không hài lòng ({fmt.percent(f['unhappy'] / f['n'])}).\n"
                f"Ngưỡng cảnh báo: từ {fmt.percent(settings['ALERT_UNHAPPY_SHARE'], 0)} số lượt đánh giá "
                f"trong {settings['ALERT_UNHAPPY_MINUTES']} phút, khi có ít nhất "
                f"{settings['ALERT_UNHAPPY_MIN_RATINGS']} lượt.")
    elif alert["kind"] == "silent_kiosk":
        subject = f"Cảnh báo: máy tính bảng “{name}” không gửi tín hiệu – {commune}"
        body = (f"Máy tính bảng “{name}” không liên lạc với máy chủ từ {_time(f['since'])} "
                f"({f['opening_minutes']} phút trong giờ làm việc). Kiểm tra nguồn điện và mạng của máy: "
                "im lặng không có nghĩa là người dân hài lòng.")
    else:
        topic = vocabulary.TOPICS[f["topic"]].vi if f["topic"] in vocabulary.TOPICS else f["topic"]
        left = f["working_days_left"]
        when = (f"còn {left} ngày làm việc" if left > 0 else "hạn là hôm nay" if left == 0
                else f"đã quá hạn {-left} ngày làm việc")
        subject = f"Nhắc hạn: phản ánh số {f['id']} đến hạn trả lời ngày {fmt.day(f['due_date'])} – {commune}"
        body = (f"Phản ánh, kiến nghị số {f['id']} (nhận ngày {fmt.day(f['received_date'])}, chủ đề: {topic}) "
                f"đến hạn trả lời ngày {fmt.day(f['due_date'])}: {when}.\n"
                f"Trả lời tại: {settings['PUBLIC_BASE_URL']}/admin/complaints/{f['id']}")
    body += (f"\n\nXem và xác nhận đã xử lý tại: {settings['PUBLIC_BASE_URL']}/admin/\n{PRIVACY}\n"
             f"-- \nHài lòng – {settings['UNIT_NAME']}, {commune}\n")
    return subject, body


def message(alert: dict, settings, recipients: list[str]) -> EmailMessage:
    subject, body = texts(alert, settings)
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, settings["SMTP_FROM"], ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings["SMTP_FROM"].rpartition("@")[2] or None)
    msg.set_content(body)
    return msg


def run(config, now: datetime | None = None) -> list[dict]:
    """Detect, record and mail; returns one ``{"kind", "period", "ok", "detail", "recipients"}``
    per e-mail tried, for the server's log."""
    now = now or clock.utcnow()
    if not config["ALERTS_ENABLED"]:
        return []
    db = connect(config["DATABASE"])
    try:
        alerts.detect(db, config, now)
        configs = alerts.unit_configs(db, config)
        return [r for a in alert_store.mail_waiting(db)
                if (r := _mail(db, configs.get(a["unit"], config), a, now, len(configs) == 1))]
    finally:
        db.conn.close()


def _mail(db, config, alert: dict, now: datetime, single_unit: bool) -> dict | None:
    """Mail one alert to its unit's leaders and admins (and, on a single-commune
    installation, to the accounts that belong to no unit)."""
    if alert["acknowledged_at"] or not alert_store.claim_mail(db, alert["id"], now):
        return None
    if not config["SMTP_HOST"]:  # shown on the overview only; not mailed later, when stale
        alert_store.mark_mail_off(db, alert["id"], "SMTP_HOST is not set: the alert is only shown here")
        return None
    out = {"kind": alert["kind"], "period": alert["subject"], "unit": alert["unit"]}
    recipients = alert_store.alert_recipients(db, alert["unit"], province_too=single_unit)
    try:
        if not recipients:
            raise MailError("no active leader or admin has an e-mail address (set one at /admin/users)")
        deliver(message(alert, config, recipients), config)
    except Exception as exc:  # recorded and tried again, never stuck as "sending"
        detail = str(exc) if isinstance(exc, MailError) else f"{type(exc).__name__}: {exc}"
        alert_store.mark_mail(db, alert["id"], False, now, recipients, detail,
                              now + backoff(config, alert["mail_attempts"] + 1))
        return {**out, "ok": False, "detail": detail, "recipients": recipients}
    alert_store.mark_mail(db, alert["id"], True, now, recipients)
    return {**out, "ok": True, "detail": "", "recipients": recipients}
