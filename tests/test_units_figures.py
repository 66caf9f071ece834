"""Figures per unit and for the province (issue 15 point 4): each commune's summary counts
only its own ratings, answers, receipts and complaints; without a unit, the whole."""
from __future__ import annotations

from analysis.summary import monthly_trend, summarize
from kiosk import store
from tests.analysis_helpers import add


def _indicator(summary, ind_id="tthc_satisfaction"):
    return next(i for i in summary["indicators"] if i["id"] == ind_id)


def test_a_units_summary_counts_only_its_own_ratings(fresh_db):
    store.create_unit(fresh_db, "27001", "Xã Đông Hòa")
    store.create_unit(fresh_db, "27002", "Xã Tây Hòa")
    for _ in range(3):
        add(fresh_db, "2026-11-05 09:00", 5, {"on_time": "yes"}, unit="27001")
    add(fresh_db, "2026-11-05 10:00", 1, {"on_time": "no", "reasons": ["fees"]}, unit="27002")

    east = summarize(fresh_db, "2026-11-01", "2026-11-30", unit="27001")
    west = summarize(fresh_db, "2026-11-01", "2026-11-30", unit="27002")
    whole = summarize(fresh_db, "2026-11-01", "2026-11-30")
    assert (east["responses"]["all"], west["responses"]["all"], whole["responses"]["all"]) == (3, 1, 4)
    assert _indicator(east)["rate"] == 1.0 and _indicator(west)["rate"] == 0.0
    assert east["reasons"]["total"] == 0 and west["reasons"]["total"] == 1
    assert east["unit"] == "27001" and whole["unit"] is None
    assert east["chain"]["seq"] == 3 and west["chain"]["seq"] == 4 and whole["chain"]["seq"] == 4
    trend = {r["key"]: r["n"] for r in monthly_trend(fresh_db, "2026-11-30", 2, unit="27002")}
    assert trend == {"2026-10": 0, "2026-11": 1}
