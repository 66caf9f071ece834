"""Every setting of an installation in one table: name, default, check, one-line comment.

The table makes the app's defaults, the commented ``instance/config.py`` written on first
run, the ``KIOSK_<NAME>`` environment overrides, and the check at start-up: a malformed
value stops the server with a message naming the setting, before any citizen meets it.
Order of precedence: default < ``instance/config.py`` < environment < test mapping.
Nothing else in the code reads a setting with a default of its own.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from kiosk.domain.workdays import DEFAULT_HOLIDAYS

ENV_PREFIX = "KIOSK_"


class SettingsError(ValueError):
    """One or more settings cannot be used; the message names each and says why."""


# --- checks: each returns the clean value or raises ValueError with a short reason -------

def integer(low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    def check(value):
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int):
            raise ValueError("must be a whole number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"must be between {low} and {high}" if high is not None
                             else f"must be at least {low}")
        return value
    check.hint = f"a whole number{f' from {low}' if low is not None else ''}{f' to {high}' if high is not None else ''}"
    return check


def text(max_length: int = 200, allow_empty: bool = False) -> Callable[[Any], str]:
    def check(value):
        if not isinstance(value, str):
            raise ValueError("must be text in quotes")
        value = value.strip()
        if not value and not allow_empty:
            raise ValueError("must not be empty")
        if len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return value
    check.hint = "text"
    return check


def boolean(value):
    """True or False (also "true"/"false", "1"/"0" from the environment)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be True or False")


boolean.hint = "True or False"


def base_url(value):
    """An absolute http(s) address without query or fragment: what QR codes point to."""
    if not isinstance(value, str):
        raise ValueError("must be an address in quotes, e.g. \"https://hailong.example.gov.vn\"")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must start with http:// or https:// and name a host")
    if parts.query or parts.fragment:
        raise ValueError("must not have a ? query or # fragment")
    try:
        _ = parts.port  # urlsplit checks the port only when it is read
    except ValueError:
        raise ValueError("has a port that is not a number") from None
    return value.strip().rstrip("/")


base_url.hint = "an http(s) address"


_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def opening_hours(value):
    """{"0": ["07:00-17:30"], ...}: weekday 0 = Monday → spans "HH:MM-HH:MM", start < end."""
    if not isinstance(value, dict):
        raise ValueError('must be a table like {"0": ["07:00-17:30"], "5": ["07:00-11:30"]}')
    clean = {}
    for day, spans in value.items():
        if str(day) not in {str(d) for d in range(7)}:
            raise ValueError(f"weekday {day!r} is not 0 (Monday) to 6 (Sunday)")
        if not isinstance(spans, (list, tuple)):
            raise ValueError(f"weekday {day}: spans must be a list such as [\"07:00-11:30\", \"13:30-17:00\"]")
        for span in spans:
            m = _SPAN.match(span) if isinstance(span, str) else None
            if not m or int(m[1]) * 60 + int(m[2]) >= int(m[3]) * 60 + int(m[4]):
                raise ValueError(f"weekday {day}: {span!r} is not a span like \"07:00-17:30\"")
        clean[str(day)] = list(spans)
    return clean


opening_hours.hint = "weekday → list of \"HH:MM-HH:MM\""


def dates(value):
    """A list of ISO dates (public holidays)."""
    if not isinstance(value, (list, tuple)):
        raise ValueError('must be a list like ["2026-01-01", "2026-04-30"]')
    for v in value:
        try:
            date.fromisoformat(v)
        except (TypeError, ValueError):
            raise ValueError(f"{v!r} is not a date YYYY-MM-DD") from None
    return list(value)


dates.hint = "a list of dates YYYY-MM-DD"


UNIT_CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def unit_code(value):
    """A unit's code: its administrative code ("00001", five digits) or a short slug."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # KIOSK_UNIT_CODE=12345 parses as JSON: a number
    if not isinstance(value, str) or not UNIT_CODE_PATTERN.fullmatch(value.strip()):
        raise ValueError('must be a code of letters, digits, "-" or "_" (at most 32), e.g. "00001"')
    return value.strip()


unit_code.hint = "a unit code such as \"00001\""


def name_of_questionnaire(value):
    """The id of a file in survey_forms/questionnaires (checked again when it is loaded)."""
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise ValueError("must be a questionnaire id such as \"counter\"")
    return value


name_of_questionnaire.hint = "a questionnaire id"


def number(low: float, high: float) -> Callable[[Any], float]:
    """A number (fractions allowed, e.g. 0.5 hours) between ``low`` and ``high``."""
    def check(value):
        if isinstance(value, bool):
            raise ValueError("must be a number")
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError("must be a number") from None
        if not isinstance(value, (int, float)) or value != value:
            raise ValueError("must be a number")
        if value < low or value > high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    check.hint = f"a number from {low} to {high}"
    return check


def boolean(value):
    """True or False (also "1"/"0", "true"/"false" from an environment variable)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "0", "false", "no", ""):
        return value.strip().lower() in ("1", "true", "yes")
    raise ValueError("must be True or False")


boolean.hint = "True or False"


def folder(value):
    """A folder path: absolute, or relative to the instance folder."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a folder path in quotes, e.g. \"backups\" or \"/srv/backups\"")
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value.strip()


folder.hint = "a folder path (relative to the instance folder, or absolute)"


def one_of(*choices: str) -> Callable[[Any], str]:
    def check(value):
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value
    check.hint = " or ".join(choices)
    return check


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def email_or_empty(value):
    """One e-mail address, or "" (not set)."""
    if not isinstance(value, str) or (value.strip() and not _EMAIL.fullmatch(value.strip())):
        raise ValueError("must be an e-mail address such as \"baocao@xamau.gov.vn\" (or \"\")")
    return value.strip()


email_or_empty.hint = "an e-mail address"


def emails(value):
    """A list of e-mail addresses (an environment variable may give them as "a@x, b@y")."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[,;\s]+", value) if v]
    if not isinstance(value, (list, tuple)):
        raise ValueError('must be a list like ["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]')
    for v in value:
        if not isinstance(v, str) or not _EMAIL.fullmatch(v.strip()):
            raise ValueError(f"{v!r} is not an e-mail address")
    return [v.strip() for v in value]


emails.hint = "a list of e-mail addresses"


def subset_of(*choices: str) -> Callable[[Any], list]:
    """A list drawn from ``choices`` (an environment variable may give "a, b"); [] = none."""
    def check(value):
        if isinstance(value, str):
            value = [v for v in re.split(r"[,;\s]+", value) if v]
        if not isinstance(value, (list, tuple)) or any(v not in choices for v in value):
            raise ValueError(f"must be a list of {', '.join(choices)} (or [])")
        return list(dict.fromkeys(value))
    check.hint = f"a list of {', '.join(choices)}"
    return check


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    check: Callable[[Any], Any]
    comment: str
    section: str = "Đơn vị / The unit"


_HOURS = {str(d): ["07:00-17:30"] for d in range(5)} | {"5": ["07:00-11:30"]}
UNIT, TABLET, RECEIPTS, FLAGS, COMPLAINTS, LIMITS, DEPLOY, BACKUPS, PUBLIC, MAIL = (
    "Đơn vị / The unit", "Máy tính bảng / The counter tablet", "Phiếu hẹn và mã QR / Receipts",
    "Cờ nghi vấn / Integrity flags (ratings are flagged, never deleted)",
    "Phản ánh, kiến nghị / Complaints", "Giới hạn / Limits",
    "Đưa lên Internet / Behind a reverse proxy (see deploy/)", "Sao lưu / Backups",
    "Bảng công khai / Public results board", "Gửi báo cáo qua thư điện tử / The report by e-mail")
ALERTS = "Cảnh báo qua thư điện tử / Alerts (to leaders and admins with an e-mail address)"
PROVINCE = "Bảng so sánh các đơn vị / The province's league table"

SETTINGS: tuple[Setting, ...] = (
    Setting("COMMUNE_NAME", "Xã Mẫu", text(), "the commune, as printed on slips and reports", UNIT),
    Setting("UNIT_NAME", "Trung tâm Phục vụ hành chính công xã", text(),
            "the unit that receives dossiers", UNIT),
    Setting("PROVINCE_NAME", "Tỉnh Mẫu", text(), "the province", UNIT),
    Setting("PROVINCE_BODY_NAME", "Trung tâm Phục vụ hành chính công tỉnh", text(),
            "on a server of several communes: the province body whose name heads the reports of the whole", UNIT),
    Setting("UNIT_CODE", "00001", unit_code,
            "the code of the first unit (the commune's administrative code, or a short slug): every "
            "row written before units existed belongs to it; other units: python -m kiosk create-unit", UNIT),
    Setting("PLACE_NAME", "Mẫu", text(), "for \"Mẫu, ngày … tháng … năm …\" on reports", UNIT),
    Setting("DEMO_MODE", False, boolean,
            "serve and report from the demo database instance/demo.db (python -m kiosk demo-data) "
            "instead of the real instance/kiosk.db; every staff page then says so", UNIT),
    Setting("PUBLIC_BASE_URL", "http://127.0.0.1:8080", base_url,
            "the address citizens' phones reach: the printed QR codes point here", RECEIPTS),
    Setting("RECEIPT_EXPIRY_DAYS", 30, integer(1, 3650),
            "a receipt code stops working this many days after the result is returned", RECEIPTS),
    Setting("RETURN_BINDING_MINUTES", 10, integer(1, 240),
            "after \"Trả kết quả\", the counter's tablet rates that dossier for this long", RECEIPTS),
    Setting("IDLE_SECONDS", 20, integer(1, 600),
            "a follow-up question left untouched this long goes back to the welcome screen "
            "(short, so the next citizen's taps never join this citizen's answers)", TABLET),
    Setting("THANKS_SECONDS", 8, integer(1, 120),
            "how long \"Cảm ơn Ông/Bà, đã ghi nhận\" stays after a face tap before the welcome "
            "screen comes back by itself", TABLET),
    Setting("TABLET_VOICE", False, boolean,
            "a speaker button reads the question and the faces aloud in Vietnamese (only where "
            "the tablet has a vi-VN voice)", TABLET),
    Setting("TABLET_QUESTIONNAIRE", "counter", name_of_questionnaire,
            "the questionnaire of the counter tablet", TABLET),
    Setting("PHONE_QUESTIONNAIRE", "phone", name_of_questionnaire,
            "the questionnaire of the phone form (QR code)", TABLET),
    Setting("OFFLINE_WINDOW_DAYS", 30, integer(1, 365),
            "a queued rating older than this gets the server's time (flag clock)", FLAGS),
    Setting("OPENING_HOURS", _HOURS, opening_hours,
            "weekday (0 = Monday) → opening spans, local time; ratings outside are flagged", FLAGS),
    Setting("OPENING_GRACE_MINUTES", 30, integer(0, 240), "grace around the opening hours", FLAGS),
    Setting("COOLDOWN_SECONDS", 10, integer(0, 3600), "taps closer than this on one tablet", FLAGS),
    Setting("BURST_COUNT", 6, integer(2, 1000), "this many unbound ratings …", FLAGS),
    Setting("BURST_WINDOW_SECONDS", 180, integer(1, 86400), "… within this window on one tablet", FLAGS),
    Setting("MIN_MS_PER_ANSWER", 500, integer(0, 60000),
            "faster than this per answer is not humanly plausible", FLAGS),
    Setting("LATE_MINUTES", 20, integer(1, 1440),
            "a rating that arrives this long after its own time from a tablet or token that was in "
            "contact meanwhile is flagged late (an honest offline queue is not)", FLAGS),
    Setting("KIOSK_SILENCE_MINUTES", 90, integer(1, 10080),
            "warn when a tablet is silent this long while the counter is open", FLAGS),
    Setting("HOLIDAYS", list(DEFAULT_HOLIDAYS), dates,
            "public holidays skipped by the 15-working-day deadline (check Tết each year)", COMPLAINTS),
    Setting("CONTACT_RETENTION_DAYS", 30, integer(0, 3650),
            "phone numbers are erased this long after the complaint is closed", COMPLAINTS),
    Setting("PUBLIC_BOARD_ENABLED", True, boolean,
            "the results board at /cong-khai (no sign-in, no personal data) and its poster PDF", PUBLIC),
    Setting("PUBLIC_BOARD_OFFICERS", False, boolean,
            "also show each officer's figures on the public board (names of officers become public)", PUBLIC),
    Setting("PUBLIC_BOARD_MONTHS", 6, integer(2, 24), "months shown in the board's trend", PUBLIC),
    Setting("PUBLIC_BOARD_REFRESH_SECONDS", 300, integer(30, 86400),
            "the TV mode (/cong-khai?tv=1) reloads itself this often", PUBLIC),
    Setting("SMTP_HOST", "", text(allow_empty=True),
            "the mail server that sends reports, e.g. \"smtp.xamau.gov.vn\" (\"\": no e-mail)", MAIL),
    Setting("SMTP_PORT", 587, integer(1, 65535), "its port: 587 with starttls, 465 with ssl, 25 with none", MAIL),
    Setting("SMTP_TLS", "starttls", one_of("starttls", "ssl", "none"),
            "how the connection is encrypted: starttls, ssl, or none (only on a trusted local network)", MAIL),
    Setting("SMTP_USER", "", text(allow_empty=True), "the sign-in name at the mail server (\"\": none)", MAIL),
    Setting("SMTP_PASSWORD", "", text(allow_empty=True),
            "its password (better given as the environment variable KIOSK_SMTP_PASSWORD)", MAIL),
    Setting("SMTP_FROM", "", email_or_empty, "the sender address of the reports", MAIL),
    Setting("REPORT_RECIPIENTS", [], emails, "who receives the report (send-report --to overrides)", MAIL),
    Setting("REPORT_AUTO_PERIODS", ["month", "quarter"], subset_of("month", "quarter"),
            "the server e-mails last month's report on the first working day of each month, and last "
            "quarter's on the first working day after each quarter ([] = never; needs SMTP_HOST)", MAIL),
    Setting("REPORT_SEND_HOUR", 8, integer(0, 23), "… from this hour (Vietnam time) of that day", MAIL),
    Setting("REPORT_RETRY_MINUTES", 15, integer(1, 1440),
            "a report the mail server did not take is tried again after this long, then twice as long "
            "each time (at most a day); the admin overview shows why", MAIL),
    Setting("ALERTS_ENABLED", True, boolean,
            "alerts on the admin overview and by e-mail (needs SMTP_HOST) to every leader and admin "
            "with an e-mail address; never a citizen's name, comment or complaint text", ALERTS),
    Setting("ALERT_UNHAPPY_SHARE", 0.5, number(0.05, 1),
            "alert when at least this share of a counter's ratings are unhappy …", ALERTS),
    Setting("ALERT_UNHAPPY_MINUTES", 15, integer(1, 1440), "… within this many minutes …", ALERTS),
    Setting("ALERT_UNHAPPY_MIN_RATINGS", 4, integer(1, 1000), "… and there are at least this many", ALERTS),
    Setting("ALERT_COMPLAINT_WORKING_DAYS", 2, integer(0, 15),
            "alert when an open complaint is this many working days or less from its due date "
            "(a tablet's silence alerts after KIOSK_SILENCE_MINUTES of opening hours)", ALERTS),
    Setting("LOGIN_FAIL_LIMIT", 5, integer(1, 1000), "wrong passwords per address and name …", LIMITS),
    Setting("LOGIN_FAIL_WINDOW", 300, integer(1, 86400), "… within this many seconds, then a pause", LIMITS),
    Setting("RECEIPT_GUESS_LIMIT", 10, integer(1, 10000), "unknown receipt codes per phone or device …", LIMITS),
    Setting("RECEIPT_GUESS_WINDOW", 600, integer(1, 86400), "… within this many seconds, then a pause", LIMITS),
    Setting("SESSION_IDLE_HOURS", 8, integer(1, 24 * 30),
            "a staff sign-in ends after this many hours without a request (the tablet is not affected)", LIMITS),
    Setting("SERVER_CONNECTION_LIMIT", 1000, integer(10, 10000),
            "open connections the server keeps (slow clients each hold one; "
            "a reverse proxy is the real defence)", LIMITS),
    Setting("SERVER_CHANNEL_TIMEOUT", 30, integer(5, 3600),
            "seconds a connection may stay silent before the server closes it", LIMITS),
    Setting("SERVER_WRITER_PROCESS", True, boolean,
            "ratings are written by a process of the server's own (kiosk/store/writer.py): many "
            "tablets at once are served about 1.4 times as fast, for about 11-14 MB more memory; "
            "False: written by the serving threads, in one process", LIMITS),
    Setting("MAX_CONTENT_LENGTH", 256 * 1024, integer(1024, 64 * 1024 * 1024),
            "the largest request body accepted, in bytes", LIMITS),
    Setting("TRUSTED_PROXIES", 0, integer(0, 5),
            "how many reverse proxies (Caddy, nginx) stand in front and add X-Forwarded-For/Proto/Host; "
            "0 = none, forwarded headers are ignored. Set 1 behind deploy/Caddyfile, never when "
            "the server is reachable directly", DEPLOY),
    Setting("HSTS_SECONDS", 31536000, integer(0, 63072000),
            "over HTTPS, browsers are told to use only HTTPS for this long (Strict-Transport-Security); 0 = off",
            DEPLOY),
    Setting("BACKUP_DIR", "backups", folder,
            "where the server keeps its scheduled backups (relative to the instance folder, or absolute); "
            "best on another disk", BACKUPS),
    Setting("BACKUP_EVERY_HOURS", 24, number(0, 24 * 31),
            "the server makes and checks a backup this often (0 = never; then back up by hand)", BACKUPS),
    Setting("BACKUP_KEEP", 14, integer(1, 10000), "how many scheduled backups are kept (oldest removed)",
            BACKUPS),
    Setting("MIN_FREE_DISK_MB", 1024, integer(0, 10_000_000),
            "doctor and the staff pages warn when the database's or the backups' disk has less free space (MB)",
            BACKUPS),
    Setting("CLOCK_TOLERANCE_MINUTES", 5, integer(1, 1440),
            "doctor and the staff pages warn when a tablet's clock is off by more than this", TABLET),
    Setting("LEAGUE_MIN_RATINGS", 30, integer(1, 100000),
            "the province's league table ranks only units with at least this many ratings in the period", PROVINCE),
    Setting("LEAGUE_PRIOR_WEIGHT", 30, integer(0, 100000),
            "W of the shrunk rate RS = (WAI·W + I·R) / (W + R) shown beside each unit's own rate", PROVINCE),
)
BY_NAME = {s.name: s for s in SETTINGS}


def defaults() -> dict:
    """{name: default} of every setting (lists and tables copied, so nobody edits the table)."""
    return {s.name: json.loads(json.dumps(s.default)) for s in SETTINGS}


def from_environment(environ) -> dict:
    """``KIOSK_<NAME>`` overrides of known settings: JSON where it parses, else the text."""
    out = {}
    for s in SETTINGS:
        raw = environ.get(ENV_PREFIX + s.name)
        if raw is None:
            continue
        try:
            out[s.name] = json.loads(raw)
        except ValueError:
            out[s.name] = raw
    return out


def check(config) -> dict:
    """The clean value of every setting in ``config``; SettingsError naming each bad one."""
    clean, problems = {}, []
    for s in SETTINGS:
        try:
            clean[s.name] = s.check(config.get(s.name, s.default))
        except ValueError as exc:
            hint = getattr(s.check, "hint", "a valid value")
            problems.append(f"{s.name} = {config.get(s.name)!r}: {exc} (expected {hint})")
    if problems:
        raise SettingsError("; ".join(problems))
    return clean


def config_template() -> str:
    """The commented ``instance/config.py`` written on first run: every setting, its default
    and what it does, commented out so the defaults apply until someone edits a line."""
    lines = ["# Hài lòng: settings of this installation. Uncomment and edit a line; restart to apply.",
             "# Any setting can also be given as an environment variable: KIOSK_<NAME>=value.",
             "# A malformed value stops the server at start with a message naming it."]
    section = None
    for s in SETTINGS:
        if s.section != section:
            section = s.section
            lines += ["", f"# --- {section}"]
        # Python literals: True/False, not JSON's true/false, so an uncommented line runs
        value = repr(s.default) if isinstance(s.default, bool) else json.dumps(s.default, ensure_ascii=False)
        lines.append(f"# {s.name} = {value}")
        lines.append(f"#     {s.comment}")
    return "\n".join(lines) + "\n"
