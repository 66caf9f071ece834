"""Reporting periods from query parameters: presets (this month, quarter, year) or a
custom from/to, in local dates. Shared by the dashboard and the API so both read a
period the same way."""
from __future__ import annotations

from datetime import date, timedelta

PRESETS = ("month", "last_month", "quarter", "year", "custom")
PRESET_LABELS = {"month": "Tháng này", "last_month": "Tháng trước", "quarter": "Quý này",
                 "year": "Năm nay", "custom": "Tùy chọn"}


class BadPeriod(ValueError):
    """A period a person asked for that cannot be read; the message says why."""


def preset_range(name: str, today: date) -> tuple[date, date]:
    if name == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if name == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return today.replace(month=first_month, day=1), today
    if name == "year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadPeriod(f"'{name}' phải là ngày dạng YYYY-MM-DD") from None


def from_args(args, today: date) -> tuple[date, date, str]:
    """(from, to, preset) from ``?period=`` or ``?from=&to=``; default this month to date."""
    if args.get("from") or args.get("to"):
        start = _date(args.get("from") or "", "from") if args.get("from") else today.replace(day=1)
        end = _date(args.get("to") or "", "to") if args.get("to") else today
        if start > end:
            raise BadPeriod("ngày bắt đầu sau ngày kết thúc")
        if (end - start).days > 366 * 5:
            raise BadPeriod("kỳ báo cáo dài quá 5 năm")
        return start, end, "custom"
    preset = args.get("period", "month")
    if preset not in PRESETS or preset == "custom":
        preset = "month"
    start, end = preset_range(preset, today)
    return start, end, preset
