"""Numbers, dates and verdicts written the Vietnamese way: 85,3% ; 12.345 ; 28/11/2026 ; "Đạt".

Reports are read by officials who paste them into documents, so formatting lives in one
place and every writer (text, CSV, Excel, PDF) and every page says the same thing the same
way. The separators are CLDR's for the two languages (``vi``: decimal comma, dot between
thousands; ``en``: the other way round), written here: Babel, which read them from CLDR,
held some 5.5 MB of locale data in every server and PDF process for these four characters,
and the patterns were ours already, for the reasons given at each function (the outputs are
the same: tests/test_analysis_fmt.py). ``lang`` is "vi" (default) or "en"; anything else is
read as "vi".
"""
from __future__ import annotations

import decimal
from datetime import date

from survey_forms import vocabulary

VERDICT_VI = {"met": "Đạt", "not_met": "Chưa đạt", "uncertain": "Chưa đủ dữ liệu để kết luận",
              "no_data": "Không có dữ liệu"}
VERDICT_EN = {"met": "Met", "not_met": "Not met", "uncertain": "Uncertain", "no_data": "No data"}
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
FLAG_VI = {name: label.vi for name, label in vocabulary.FLAGS.items()}  # the one vocabulary
NO_DATA = "–"
# (decimal sign, thousands separator) as CLDR writes them for each language
SEPARATORS = {"vi": (",", "."), "en": (".", ",")}


def _written(value: decimal.Decimal, digits: int, lang: str) -> str:
    """``value`` (already rounded) with ``digits`` decimals, in ``lang``'s separators."""
    point, group = SEPARATORS["en" if lang == "en" else "vi"]
    whole, _, fraction = f"{abs(value):.{digits}f}".partition(".")
    sign = "-" if value < 0 else ""
    return sign + f"{int(whole):,}".replace(",", group) + (point + fraction if fraction else "")


def percent(share: float | None, digits: int = 1, lang: str = "vi") -> str:
    """A share 0–1 as a percentage: 0.853 → '85,3%' (vi), '85.3%' (en); None → '–' (no data
    is not 0%).

    The pattern is ours, the symbols CLDR's. CLDR's own percent pattern for both ``vi``
    and ``en`` is ``#,##0%`` (no decimals; no space, no-break or otherwise, before the
    sign in the CLDR that Babel 2.17–2.19 ships), and some locales and CLDR releases put a
    no-break space before "%". Reports, tests and officials' documents write one decimal
    and "85,3%" with nothing between, so the pattern is fixed here with ``digits``
    decimals and stays the same whatever CLDR release the pin allows.

    Rounding is that of the exact binary value of ``share × 100``, half to even, which is
    what these reports have always printed (23/80 → 28,7%, as Python's own formatting
    gives); Excel, rounding the decimal digits half up, shows the same cell as 28,8%."""
    if share is None:
        return NO_DATA
    exact = decimal.Decimal(share * 100)  # the binary value, exactly
    return _written(exact.quantize(decimal.Decimal(1).scaleb(-digits), decimal.ROUND_HALF_EVEN), digits, lang) + "%"


def number(n: int | None, lang: str = "vi") -> str:
    """A count: 12345 → '12.345' (vi), '12,345' (en), with CLDR's separators (a fraction, which
    a count should not have, to at most three decimals: 2.5 → '2,5')."""
    if n is None:
        return NO_DATA
    value = decimal.Decimal(str(n)).quantize(decimal.Decimal("0.001"), decimal.ROUND_HALF_EVEN)
    digits = max(0, -value.normalize().as_tuple().exponent)  # its decimals, trailing zeros dropped
    return _written(value, digits, lang)


def day(value, lang: str = "vi") -> str:
    """'2026-11-28' or a date → '28/11/2026', in both languages.

    An explicit pattern, not CLDR's: ``vi``'s short date is d/M/yy (28/11/26) and its
    medium "28 thg 11, 2026", while Decree 30 documents write dd/mm/yyyy; ``en``'s short
    date is the American M/d/yy, which would turn 05/11 into May beside a Vietnamese copy
    of the same report (CLDR's en_GB gives dd/MM/y, the same as here)."""
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def interval(low: float | None, high: float | None, lang: str = "vi") -> str:
    """'82,6% – 94,5%' or '–'."""
    if low is None or high is None:
        return NO_DATA
    return f"{percent(low, lang=lang)} – {percent(high, lang=lang)}"


def targets(row: dict, lang: str = "vi") -> str:
    """'≥ 85,0% (2030: ≥ 90,0%)' from an indicator row."""
    text = f"≥ {percent(row['target'], lang=lang)}"
    if row.get("target_2030") is not None and row["target_2030"] != row["target"]:
        text += f" (2030: ≥ {percent(row['target_2030'], lang=lang)})"
    return text


def verdict(code: str, lang: str = "vi") -> str:
    return (VERDICT_EN if lang == "en" else VERDICT_VI).get(code, code)


def period(summary: dict, lang: str = "vi") -> str:
    """'từ 01/11/2026 đến 28/11/2026' ('from 01/11/2026 to 28/11/2026' in English)."""
    words = ("from", "to") if lang == "en" else ("từ", "đến")
    return (f"{words[0]} {day(summary['period']['from'], lang)} "
            f"{words[1]} {day(summary['period']['to'], lang)}")


def filtered_line(summary: dict) -> str:
    """What was counted and what was filtered, in one sentence for every report."""
    r = summary["responses"]
    parts = [f"Tổng số phiếu trong kỳ: {number(r['all'])} (hoàn thành {number(r['complete'])}, "
             f"dở dang {number(r['incomplete'])})"]
    if r["flagged"]:
        names = ", ".join(f"{FLAG_VI.get(k, k)}: {number(v)}" for k, v in r["by_flag"].items())
        action = ("không được tính vào số liệu chính; số liệu tính cả các phiếu này được ghi kèm"
                  if summary["exclude_flagged"] else "vẫn được tính (số liệu thô); xem cột loại trừ")
        parts.append(f"phiếu bị đánh dấu nghi vấn: {number(r['flagged'])} ({names}) – {action}")
    else:
        parts.append("không có phiếu bị đánh dấu nghi vấn")
    if r.get("imported"):
        parts.append(f"trong đó {number(r['imported'])} phiếu nhập từ dữ liệu riêng của xã trước khi dùng chung "
                     "máy chủ (đã kiểm tra chuỗi băm của xã trước khi nhập)")
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


def beside(summary: dict) -> tuple[str, list[dict]]:
    """(heading, indicator rows) of the variant shown next to the headline: the raw figures
    (flagged ratings counted) beside a headline that leaves them out, or the reverse."""
    if summary.get("exclude_flagged", True):
        return "tính cả phiếu nghi vấn", summary["all"]["indicators"]
    return "không tính phiếu nghi vấn", summary["excluding_flagged"]["indicators"]
