"""The report by e-mail: which period, the message (PDF and Excel attached, a short plain
Vietnamese body) and sending it through the configured mail server.

``send-report`` calls ``send_report``; the automatic monthly sending (issue 17) will call the
same function. Settings: SMTP_HOST, SMTP_PORT, SMTP_TLS (starttls / ssl / none), SMTP_USER,
SMTP_PASSWORD, SMTP_FROM, REPORT_RECIPIENTS.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

PERIODS = ("month", "quarter", "year", "last-month", "last-quarter")
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class MailError(RuntimeError):
    """The report cannot be sent; the message says why, in words an administrator can act on."""


def report_period(name: str, today: date) -> tuple[date, date]:
    """[from, to] of a named period, local dates: this month/quarter/year to date, or the
    last whole month or quarter."""
    if name == "month":
        return today.replace(day=1), today
    if name == "quarter":
        return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
    if name == "year":
        return today.replace(month=1, day=1), today
    if name == "last-month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if name == "last-quarter":
        first = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        end = first - timedelta(days=1)
        return end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end
    raise ValueError(f"period must be one of {', '.join(PERIODS)}")


def build_message(summary: dict, meta: dict, pdf: bytes, xlsx: bytes, sender: str,
                  recipients: list[str], label: str) -> EmailMessage:
    """The e-mail: subject with the period and commune, plain body, PDF and Excel attached."""
    from analysis import plain
    msg = EmailMessage()
    msg["Subject"] = f"Báo cáo mức độ hài lòng của người dân – {label} – {meta['commune']}"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(plain.email_body(summary, meta, label))
    name = f"bao-cao-hai-long_{summary['period']['from']}_{summary['period']['to']}"
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{name}.pdf")
    msg.add_attachment(xlsx, maintype=XLSX[0], subtype=XLSX[1], filename=f"{name}.xlsx")
    return msg


def deliver(msg: EmailMessage, config) -> None:
    """Send through SMTP_HOST:SMTP_PORT with SMTP_TLS; MailError with the reason on failure."""
    host, port, mode = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TLS"]
    if not host:
        raise MailError("SMTP_HOST is not set: put the mail server in instance/config.py")
    context = ssl.create_default_context()
    try:
        if mode == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=30, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=30)
        with server:
            if mode == "starttls":
                server.starttls(context=context)
            if config["SMTP_USER"]:
                server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            refused = server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"the mail server {host}:{port} did not take the report: {exc}") from exc
    if refused:
        raise MailError(f"the mail server refused: {', '.join(sorted(refused))}")


def send_report(config, db_path, period: str, today: date, to: list[str] | None = None,
                unit: str | None = None) -> dict:
    """Compute, write and send the report of ``period``; returns what was sent (recipients,
    subject, period, chain head, unit). ``unit``: a units.code, whose names and
    REPORT_RECIPIENTS (``unit_settings``) the report takes, and whose figures alone it counts
    when the installation has several units. Recipients: ``to`` or REPORT_RECIPIENTS."""
    from analysis import plain, summarize
    from analysis.reports.apart import render
    from analysis.reports.xlsx import xlsx_report
    config, by_unit = _unit_config(config, db_path, unit)
    recipients = list(to or config["REPORT_RECIPIENTS"])
    if not recipients:
        raise MailError("nobody to send to: set REPORT_RECIPIENTS or give --to ADDRESS")
    sender = config["SMTP_FROM"] or (config["SMTP_USER"] if "@" in config["SMTP_USER"] else "")
    if not sender:
        raise MailError("SMTP_FROM is not set: the sender address of the reports")
    start, end = report_period(period, today)
    # one unit of several: only its figures; the only unit holds every row, so no filter
    summary = summarize(db_path, start, end, exclude_flagged=True, today=today, **({"unit": unit} if by_unit else {}))
    meta = {"commune": config["COMMUNE_NAME"], "unit": config["UNIT_NAME"],
            "province": config["PROVINCE_NAME"], "place": config["PLACE_NAME"]}
    label = plain.period_label(start, end)
    document = render("pdf:pdf_report", summary, meta, issued=today)  # in a process of its own
    msg = build_message(summary, meta, document, xlsx_report(summary, meta=meta), sender, recipients, label)
    deliver(msg, config)
    return {"recipients": recipients, "subject": msg["Subject"], "period": summary["period"],
            "chain": summary.get("chain") or {"seq": 0, "hash": ""}, "unit": unit}


def _unit_config(config, db_path, unit: str | None) -> tuple[dict, bool]:
    """(the settings for ``unit``, whether the installation has several units)."""
    if unit is None:
        return dict(config), False
    from kiosk.domain.units import unit_settings
    from kiosk.store.db import connect
    from kiosk.store.units import get_unit, list_units
    db = connect(db_path)
    try:
        row = get_unit(db, unit)
        if row is None:
            raise MailError(f"there is no unit {unit!r} (see: python -m kiosk list-units)")
        return unit_settings(config, row), len(list_units(db)) > 1
    finally:
        db.conn.close()
