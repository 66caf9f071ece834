"""Figures read the way officials write them, in Vietnamese first and English second, and
every page, chart and file writes a share the same way."""
from __future__ import annotations

from datetime import date

import pytest

from analysis import fmt


@pytest.mark.parametrize("call, vi, en", [
    (lambda lang: fmt.percent(0.853, lang=lang), "85,3%", "85.3%"),
    (lambda lang: fmt.percent(0.90, lang=lang), "90,0%", "90.0%"),
    (lambda lang: fmt.percent(1, lang=lang), "100,0%", "100.0%"),
    (lambda lang: fmt.percent(12.3456, digits=2, lang=lang), "1.234,56%", "1,234.56%"),
    (lambda lang: fmt.percent(0.5, digits=0, lang=lang), "50%", "50%"),
    (lambda lang: fmt.percent(None, lang=lang), "–", "–"),
    (lambda lang: fmt.number(12345, lang=lang), "12.345", "12,345"),
    (lambda lang: fmt.number(1234567, lang=lang), "1.234.567", "1,234,567"),
    (lambda lang: fmt.number(0, lang=lang), "0", "0"),
    (lambda lang: fmt.number(None, lang=lang), "–", "–"),
    # as Babel wrote them (CLDR's separators) before the module wrote them itself
    (lambda lang: fmt.number(-12345, lang=lang), "-12.345", "-12,345"),
    (lambda lang: fmt.number(1234.5678, lang=lang), "1.234,568", "1,234.568"),
    (lambda lang: fmt.number(2.5, lang=lang), "2,5", "2.5"),
    (lambda lang: fmt.percent(0.9995, lang=lang), "100,0%", "100.0%"),
    (lambda lang: fmt.percent(0.9995, digits=2, lang=lang), "99,95%", "99.95%"),
    (lambda lang: fmt.day("2026-11-28", lang), "28/11/2026", "28/11/2026"),
    (lambda lang: fmt.day(date(2026, 5, 1), lang), "01/05/2026", "01/05/2026"),
    (lambda lang: fmt.interval(0.826, 0.945, lang), "82,6% – 94,5%", "82.6% – 94.5%"),
    (lambda lang: fmt.targets({"target": 0.85, "target_2030": 0.9}, lang),
     "≥ 85,0% (2030: ≥ 90,0%)", "≥ 85.0% (2030: ≥ 90.0%)"),
    (lambda lang: fmt.period({"period": {"from": "2026-11-01", "to": "2026-11-28"}}, lang),
     "từ 01/11/2026 đến 28/11/2026", "from 01/11/2026 to 28/11/2026"),
])
def test_figures_are_written_the_vietnamese_way_and_the_english_way(call, vi, en):
    assert (call("vi"), call("en")) == (vi, en)
    assert call("fr") == vi                       # an unknown language reads as Vietnamese


@pytest.mark.parametrize("satisfied, n, shown", [
    (853, 1000, "85,3%"), (1, 3, "33,3%"), (2, 3, "66,7%"), (23, 80, "28,7%"), (1, 8, "12,5%"),
])
def test_a_share_prints_as_the_reports_always_printed_it(satisfied, n, shown):
    # No space of any kind before the sign, whatever CLDR's own pattern says.
    assert fmt.percent(satisfied / n) == shown == f"{satisfied / n * 100:.1f}".replace(".", ",") + "%"


def test_dashboard_chart_writes_shares_as_the_reports_do():
    from kiosk.web.charts import ci_bar
    svg = str(ci_bar({"rate": 0.853, "ci_low": 0.801, "ci_high": 0.899, "target": 0.9}))
    assert "<title>85,3% (95%: 80,1%–89,9%), chỉ tiêu 90,0%</title>" in svg
