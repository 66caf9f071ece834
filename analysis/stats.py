"""The arithmetic behind every figure: a share, its 95% Wilson interval and a verdict.

Shares are 0–1 everywhere in this package (85.3% is 0.853); percentages only appear when
a report formats a number for people. Where there is no data the result is ``None``, never
0, so "nobody answered" cannot be read as "nobody was satisfied".
"""
from __future__ import annotations

from math import sqrt

Z95 = 1.959963984540054  # two-sided 95% quantile of the normal distribution
_SEARCH_CAP = 10**9      # beyond this many extra answers we say "never settles"

VERDICTS = ("met", "not_met", "uncertain", "no_data")

FORMULA = {
    "vi": ("Tỷ lệ hài lòng = số câu trả lời ở mức hài lòng (hai mức cao nhất của thang đo: "
           "“Rất hài lòng”, “Hài lòng”) ÷ số câu trả lời có đánh giá (bỏ qua câu không trả lời). "
           "Khoảng tin cậy 95% tính theo phương pháp Wilson. Kết luận “Đạt” khi cận dưới của "
           "khoảng tin cậy không thấp hơn chỉ tiêu, “Chưa đạt” khi cận trên thấp hơn chỉ tiêu, "
           "còn lại là “Chưa đủ dữ liệu để kết luận”. Đây là khảo sát nội bộ, không phải chỉ số "
           "SIPAS hay chỉ số theo Quyết định 766/QĐ-TTg."),
    "en": ("Satisfaction rate = answers in the top two levels of the question's scale "
           "(\"Very satisfied\", \"Satisfied\") ÷ answers given (unanswered questions left out). "
           "95% confidence interval by the Wilson score method. \"Met\" when the interval's lower "
           "bound is at or above the target, \"not met\" when its upper bound is below it, "
           "otherwise \"uncertain\". An internal survey, not the SIPAS index nor the "
           "Decision 766/QĐ-TTg index."),
}


def wilson(satisfied: float, n: float, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """The Wilson score interval (low, high) of ``satisfied`` out of ``n``, as shares 0–1.

    Unlike the textbook p ± z·√(p(1−p)/n) it stays inside [0, 1] and behaves at 0% and 100%,
    which small communes with a few dozen answers a month hit often. (None, None) when n = 0.
    ``satisfied`` may be fractional (used when projecting a rate onto a larger n).
    """
    if n <= 0:
        return None, None
    p = satisfied / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / denom
    low = 0.0 if satisfied <= 0 else max(0.0, centre - half)
    high = 1.0 if satisfied >= n else min(1.0, centre + half)
    return low, high


def verdict(ci_low: float | None, ci_high: float | None, target: float | None) -> str:
    """``met`` when the whole interval is at or above the target, ``not_met`` when it is
    wholly below, ``uncertain`` when it straddles, ``no_data`` without an interval.
    Without a target there is nothing to judge: ``uncertain`` is never claimed, ``no_data``."""
    if ci_low is None or ci_high is None or target is None:
        return "no_data"
    if ci_low >= target:
        return "met"
    if ci_high < target:
        return "not_met"
    return "uncertain"


def more_needed(satisfied: int, n: int, target: float | None) -> int | None:
    """Roughly how many more answers, at the current rate, would settle an uncertain verdict.

    The smallest extra count m such that the interval of the same rate over n + m answers no
    longer straddles the target (found by doubling, then bisection; the interval narrows as n
    grows). None when there is nothing to settle, or when it would never settle (the rate
    equals the target, or more than a billion answers would be needed).
    """
    if n <= 0 or target is None:
        return None
    p = satisfied / n
    if verdict(*wilson(satisfied, n), target) != "uncertain" or p == target:
        return None

    def settled(extra: int) -> bool:
        total = n + extra
        return verdict(*wilson(p * total, total), target) != "uncertain"

    high = 1
    while not settled(high):
        high *= 2
        if high > _SEARCH_CAP:
            return None
    low = high // 2  # not settled at low (or low == 0)
    while high - low > 1:
        mid = (low + high) // 2
        if settled(mid):
            high = mid
        else:
            low = mid
    return high


def rate_block(satisfied: int, n: int, target: float | None = None) -> dict:
    """n, satisfied, rate, ci_low, ci_high, verdict and more_needed for one figure."""
    low, high = wilson(satisfied, n)
    return {
        "n": n,
        "satisfied": satisfied,
        "rate": satisfied / n if n else None,
        "ci_low": low,
        "ci_high": high,
        "verdict": verdict(low, high, target),
        "more_needed": more_needed(satisfied, n, target),
    }
