"""Numbers, dates and verdicts written the Vietnamese way: 85,3% ; 28/11/2026 ; "Đạt".

Reports are read by officials who paste them into documents, so formatting lives in one
place and every writer (text, CSV, Excel, PDF) says the same thing the same way.
"""
from __future__ import annotations

from datetime import date

VERDICT_VI = {"met": "Đạt", "not_met": "Chưa đạt", "uncertain": "Chưa đủ dữ liệu để kết luận",
              "no_data": "Không có dữ liệu"}
VERDICT_EN = {"met": "Met", "not_met": "Not met", "uncertain": "Uncertain", "no_data": "No data"}
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
FLAG_VI = {"clock": "giờ thiết bị không hợp lệ", "burst": "đánh giá dồn dập",
           "cooldown": "chạm trong thời gian chờ", "hours": "ngoài giờ làm việc",
           "fast": "hoàn thành quá nhanh", "unenrolled": "thiết bị chưa đăng ký",
           "over_returned": "nhiều đánh giá hơn số hồ sơ trả"}


def percent(share: float | None, digits: int = 1) -> str:
    """0.853 → '85,3%'; None → '–' (no data is not 0%)."""
    if share is None:
        return "–"
    return f"{share * 100:.{digits}f}".replace(".", ",") + "%"


def number(n: int | None) -> str:
    """12345 → '12.345' (Vietnamese thousands separator)."""
    if n is None:
        return "–"
    return f"{n:,}".replace(",", ".")


def day(value) -> str:
    """'2026-11-28' or a date → '28/11/2026'."""
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return d.strftime("%d/%m/%Y")


def interval(low: float | None, high: float | None) -> str:
    """'82,6% – 94,5%' or '–'."""
    if low is None or high is None:
        return "–"
    return f"{percent(low)} – {percent(high)}"


def targets(row: dict) -> str:
    """'≥ 85,0% (2030: ≥ 90,0%)' from an indicator row."""
    text = f"≥ {percent(row['target'])}"
    if row.get("target_2030") is not None and row["target_2030"] != row["target"]:
        text += f" (2030: ≥ {percent(row['target_2030'])})"
    return text


def verdict(code: str, lang: str = "vi") -> str:
    return (VERDICT_EN if lang == "en" else VERDICT_VI).get(code, code)


def period(summary: dict) -> str:
    """'từ 01/11/2026 đến 28/11/2026'."""
    return f"từ {day(summary['period']['from'])} đến {day(summary['period']['to'])}"


def filtered_line(summary: dict) -> str:
    """What was counted and what was filtered, in one sentence for every report."""
    r = summary["responses"]
    parts = [f"Tổng số phiếu trong kỳ: {number(r['all'])} (hoàn thành {number(r['complete'])}, "
             f"dở dang {number(r['incomplete'])})"]
    if r["flagged"]:
        names = ", ".join(f"{FLAG_VI.get(k, k)}: {number(v)}" for k, v in r["by_flag"].items())
        action = "đã loại khỏi số liệu" if summary["exclude_flagged"] else "vẫn được tính, xem cột loại trừ"
        parts.append(f"phiếu bị đánh dấu nghi vấn: {number(r['flagged'])} ({names}) – {action}")
    else:
        parts.append("không có phiếu bị đánh dấu nghi vấn")
    if r["demo"]:
        parts.append(f"CẢNH BÁO: {number(r['demo'])} phiếu là DỮ LIỆU MẪU (demo), không phải ý kiến thật")
    return "; ".join(parts) + "."


def chain_line(summary: dict) -> str:
    """Where the data came from, checkably: the last response of the hash chain."""
    chain = summary.get("chain") or {}
    if not chain.get("seq"):
        return "Mã kiểm tra dữ liệu: chưa có phiếu nào."
    return (f"Mã kiểm tra dữ liệu: tính trên cơ sở dữ liệu đến phiếu số {number(chain['seq'])}, "
            f"mã chuỗi băm {chain['hash']} (đối chiếu bằng lệnh: python -m kiosk verify).")
