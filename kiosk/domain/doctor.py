"""What would break in production, found before a citizen meets it (``python -m kiosk
doctor`` and the banner on the staff pages: one list, made here).

Each check is a named function returning problems; a problem is a Vietnamese text with
``{name}`` values (English in ``kiosk/web/translations/en.toml``, like every other text) and
what to do about it. The checks: the public address (localhost, a LAN address, plain http;
https without a trusted proxy),
the unit's names still the examples, no administrator, a default secret key, a stale or
failed backup, little free disk space, a tablet whose clock is off, reports and alerts by
e-mail that would reach nobody.
"""
from __future__ import annotations

import ipaddress
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from kiosk import clock, settings
from kiosk.domain import backups
from kiosk.store import health

WEAK_SECRETS = {"", "dev", "change-me", "changeme", "secret", "test", "hailong"}


def _(text: str) -> str:
    """Marks a text for translation; it is translated where it is shown."""
    return text


@dataclass
class Problem:
    check: str
    text: str  # Vietnamese, with {name} placeholders
    values: dict = field(default_factory=dict)

    def render(self, catalog: dict | None = None) -> str:
        template = (catalog or {}).get(self.text, self.text)
        return template.format(**self.values)


def public_address(config, **_ignored) -> list[Problem]:
    url = config["PUBLIC_BASE_URL"]
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if host == "localhost" or host.endswith(".localhost") or (ip is not None and ip.is_loopback):
        return [Problem("public_address", _("Địa chỉ công khai {url} là máy chủ tự gọi chính nó (localhost): mã QR trên phiếu không mở được trên điện thoại nào. Đặt PUBLIC_BASE_URL là địa chỉ https công khai (xem mục “Đưa lên Internet” trong README)."), {"url": url})]  # noqa: E501 (a translated message stays on one line)
    on_lan = ip is not None and (ip.is_private or ip.is_link_local)
    if on_lan or "." not in host or host.endswith((".lan", ".local", ".home", ".internal")):
        return [Problem("public_address", _("Địa chỉ công khai {url} là địa chỉ trong mạng nội bộ: điện thoại dùng dữ liệu di động ở nhà không mở được mã QR. Đặt PUBLIC_BASE_URL là địa chỉ https công khai."), {"url": url})]  # noqa: E501 (a translated message stays on one line)
    if parts.scheme != "https":
        return [Problem("public_address", _("Địa chỉ công khai {url} dùng http không mã hóa: đặt máy chủ sau Caddy (deploy/Caddyfile) và đặt PUBLIC_BASE_URL bắt đầu bằng https://."), {"url": url})]  # noqa: E501 (a translated message stays on one line)
    return []


def trusted_proxies(config, **_ignored) -> list[Problem]:
    """waitress speaks no TLS, so an https public address means a proxy stands in front; with
    TRUSTED_PROXIES 0 every citizen then shares the proxy's address (one guesser pauses all
    phones) and cookies are not marked Secure."""
    if urlsplit(config["PUBLIC_BASE_URL"]).scheme == "https" and not int(config["TRUSTED_PROXIES"]):
        return [Problem("trusted_proxies", _("Địa chỉ công khai dùng https nên máy chủ đứng sau một proxy (Caddy), nhưng TRUSTED_PROXIES = 0: mọi người dân bị coi là cùng một địa chỉ (một người đoán mã làm tạm khóa tất cả) và cookie không được đánh dấu Secure. Đặt TRUSTED_PROXIES = 1 trong instance/config.py."))]  # noqa: E501 (a translated message stays on one line)
    return []


def unit_names(config, **_ignored) -> list[Problem]:
    left = [name for name in ("COMMUNE_NAME", "UNIT_NAME", "PROVINCE_NAME", "PLACE_NAME")
            if config[name] == settings.BY_NAME[name].default]
    if not left:
        return []
    return [Problem("unit_names", _("Tên đơn vị vẫn là tên mẫu ({names}): “{commune}” sẽ in trên phiếu và báo cáo. Sửa trong instance/config.py rồi khởi động lại."), {"names": ", ".join(left), "commune": config["COMMUNE_NAME"]})]  # noqa: E501 (a translated message stays on one line)


def admin_account(config, db=None, **_ignored) -> list[Problem]:
    if health.active_admins(db):
        return []
    return [Problem("admin_account", _("Chưa có tài khoản quản trị viên: chạy python -m kiosk create-user admin --role admin."))]  # noqa: E501 (a translated message stays on one line)


def secret_key(config, **_ignored) -> list[Problem]:
    key = str(config.get("SECRET_KEY") or "")
    if key.lower() in WEAK_SECRETS or len(key) < 16:
        return [Problem("secret_key", _("Khóa bí mật (SECRET_KEY) là giá trị mặc định hoặc quá ngắn: ai biết nó có thể giả phiên đăng nhập. Xóa dòng SECRET_KEY trong instance/config.py; máy chủ sẽ tự tạo khóa mới."))]  # noqa: E501 (a translated message stays on one line)
    return []


def backup(config, db=None, now=None, instance_path=None, **_ignored) -> list[Problem]:
    state = backups.status(db, config, now)
    out = []
    if state["last"] is None:
        out.append(Problem("backup", _("Chưa có bản sao lưu nào đã kiểm tra. Chạy máy chủ bằng python -m kiosk serve (tự sao lưu theo BACKUP_EVERY_HOURS) hoặc chạy python -m kiosk backup.")))  # noqa: E501 (a translated message stays on one line)
    elif state["stale"]:
        out.append(Problem("backup", _("Bản sao lưu tốt gần nhất lúc {at} đã cũ hơn {hours} giờ."), {"at": _local(state["last"]["at"]), "hours": state["stale_hours"]}))  # noqa: E501 (a translated message stays on one line)
    if state["failed"]:
        out.append(Problem("backup", _("Lần sao lưu lúc {at} bị lỗi: {detail}"), {"at": _local(state["failed"]["at"]), "detail": state["failed"]["detail"]}))  # noqa: E501 (a translated message stays on one line)
    return out


def disk_space(config, instance_path=None, **_ignored) -> list[Problem]:
    need_mb = int(config["MIN_FREE_DISK_MB"])
    out = []
    places = {Path(instance_path): "instance", backups.folder(config, instance_path): "BACKUP_DIR"}
    for path, label in places.items():
        probe = path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        free_mb = shutil.disk_usage(probe).free // (1024 * 1024)
        if free_mb < need_mb:
            out.append(Problem("disk_space", _("Đĩa chứa {place} ({path}) chỉ còn {free} MB trống (cần ít nhất {need} MB, MIN_FREE_DISK_MB): khi đĩa đầy, đánh giá không lưu được."), {"place": label, "path": str(path), "free": free_mb, "need": need_mb}))  # noqa: E501 (a translated message stays on one line)
    return out


def tablet_clocks(config, db=None, **_ignored) -> list[Problem]:
    """A tablet's clock offset from its latest ratings: created_at (its clock) − submitted_at
    (ours). A rating queued offline makes that difference more negative, never positive, so
    the largest difference among the latest ratings is the best reading of the clock; only
    when even that one is off by more than CLOCK_TOLERANCE_MINUTES is the clock off."""
    limit = timedelta(minutes=int(config["CLOCK_TOLERANCE_MINUTES"]))
    out = []
    for name, readings in health.recent_clock_readings(db).items():
        offsets = []
        for created, submitted in readings:
            c, s = clock.parse_iso(created), clock.parse_iso(submitted)
            if c and s:
                offsets.append(c - s)
        if not offsets:
            continue
        best = max(offsets)
        if abs(best) > limit:
            minutes = round(best.total_seconds() / 60)
            out.append(Problem("tablet_clock", _("Đồng hồ của máy tính bảng “{name}” lệch khoảng {minutes} phút so với máy chủ (cho phép {limit} phút): đánh giá sẽ bị gắn cờ giờ. Bật “Ngày giờ tự động” trên máy."), {"name": name, "minutes": f"{minutes:+d}", "limit": int(config["CLOCK_TOLERANCE_MINUTES"])}))  # noqa: E501 (a translated message stays on one line)
    return out


def demo_mode(config, **_ignored) -> list[Problem]:
    if config["DEMO_MODE"]:
        return [Problem("demo_mode", _("DEMO_MODE đang bật: máy chủ đọc và ghi cơ sở dữ liệu demo, không phải dữ liệu thật. Tắt DEMO_MODE (hoặc bỏ --demo) trước khi dùng thật."))]  # noqa: E501 (a translated message stays on one line)
    return []


def mail(config, db=None, **_ignored) -> list[Problem]:
    """With a mail server set, reports and alerts must reach someone: a unit without report
    recipients, or no leader or admin with an e-mail address, is said here, not discovered
    when a report or an alert goes nowhere."""
    if not config["SMTP_HOST"]:
        return []
    from kiosk.domain.alerts import unit_configs
    from kiosk.store.alerts import alert_recipients
    out = []
    if not config["SMTP_FROM"]:
        out.append(Problem("mail", _("Đã đặt máy chủ thư (SMTP_HOST) nhưng chưa có địa chỉ gửi (SMTP_FROM): báo cáo và cảnh báo không gửi được.")))  # noqa: E501 (a translated message stays on one line)
    if config["REPORT_AUTO_PERIODS"]:
        missing = [config_u["COMMUNE_NAME"] for config_u in unit_configs(db, config).values()
                   if not config_u["REPORT_RECIPIENTS"]]
        if missing:
            out.append(Problem("mail", _("Báo cáo tự gửi hằng tháng nhưng chưa có người nhận (REPORT_RECIPIENTS) cho: {names}."), {"names": ", ".join(missing)}))  # noqa: E501 (a translated message stays on one line)
    if config["ALERTS_ENABLED"] and not alert_recipients(db):
        out.append(Problem("mail", _("Chưa lãnh đạo hay quản trị viên nào có địa chỉ thư điện tử: cảnh báo chỉ hiện trên trang Tổng quan. Thêm địa chỉ tại trang Tài khoản.")))  # noqa: E501 (a translated message stays on one line)
    return out


CHECKS = (demo_mode, public_address, trusted_proxies, unit_names, admin_account, secret_key, backup, disk_space,
          tablet_clocks, mail)


def _local(at: str) -> str:
    dt = clock.parse_iso(at)
    return clock.local(dt).strftime("%d/%m/%Y %H:%M") if dt else at


def examine(config, db, instance_path, now: datetime | None = None) -> list[Problem]:
    """Every problem found, in the order of CHECKS (an empty list: all is well)."""
    now = now or clock.utcnow()
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(config, db=db, now=now, instance_path=instance_path)
    return problems
