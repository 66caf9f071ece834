"""summarize(): the figures a leader sees, from responses stored the kiosk's way."""
from __future__ import annotations

import pytest

from analysis import load_targets, previous_period, summarize
from analysis.targets import loads_targets
from tests.analysis_helpers import add

IDS = ["tthc_satisfaction", "public_service_satisfaction", "admin_service_satisfaction",
       "online_service_satisfaction", "no_resubmission", "four_on_the_spot", "complaints_handled"]


def by_id(rows):
    return {r["id"]: r for r in rows}


def test_summary_has_the_api_shape(fresh_db):
    add(fresh_db, "2026-11-03 09:00", 5)
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    assert s["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert [r["id"] for r in s["indicators"]] == IDS
    for row in s["indicators"]:
        assert set(row) >= {"id", "name_vi", "name_en", "n", "satisfied", "rate", "ci_low", "ci_high",
                            "target", "target_2030", "verdict", "more_needed"}
    assert set(s) >= {"flagged", "responses", "all", "excluding_flagged", "breakdowns",
                      "hour_weekday", "reasons", "response_rate", "portal_figure", "previous",
                      "targets_version", "formula"}
    assert s["flagged"]["responses"] == 0
    assert set(s["breakdowns"]) == {"month", "quarter", "year", "field", "procedure", "officer",
                                    "counter", "channel"}


def test_empty_period_reports_no_data_not_zero(fresh_db):
    s = summarize(fresh_db, "2026-01-01", "2026-01-31", today="2026-02-01")
    for row in s["indicators"]:
        assert row["n"] == 0
        assert row["rate"] is None and row["ci_low"] is None and row["ci_high"] is None
        assert row["verdict"] == "no_data"
    assert s["response_rate"] is None and s["portal_figure"] is None
    assert s["breakdowns"]["month"] == [] and s["hour_weekday"] == []


def test_question_nobody_answered_has_no_data_while_others_do(fresh_db):
    add(fresh_db, "2026-11-03 09:00", 5, {"staff": 5, "resubmitted": "no"}, channel="phone")
    add(fresh_db, "2026-11-03 10:00", 2, {"staff": 2}, channel="phone")
    ind = by_id(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"])
    assert ind["online_service_satisfaction"]["n"] == 0
    assert ind["online_service_satisfaction"]["rate"] is None
    assert ind["online_service_satisfaction"]["verdict"] == "no_data"
    assert (ind["admin_service_satisfaction"]["n"], ind["admin_service_satisfaction"]["satisfied"]) == (2, 1)
    assert (ind["no_resubmission"]["n"], ind["no_resubmission"]["satisfied"]) == (1, 1)
    assert ind["tthc_satisfaction"]["rate"] == 0.5


def test_three_level_online_scale_counts_its_top_two(fresh_db):
    for value in (3, 2, 1, 1):
        add(fresh_db, "2026-11-04 09:00", 4, {"online_used": "yes", "online_satisfaction": value},
            channel="phone")
    ind = by_id(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"])
    online = ind["online_service_satisfaction"]
    assert (online["n"], online["satisfied"]) == (4, 2)


def test_online_answers_from_both_phone_versions_count_each_on_its_own_scale(fresh_db):
    """Phone v1 asked the online question on 3 levels ("online_satisfaction"), v2 on the
    five official levels ("online_rating"): a 3 is satisfied under v1 and neutral under v2."""
    for value in (3, 1):
        add(fresh_db, "2026-11-04 09:00", 4, {"online_used": "yes", "online_satisfaction": value}, channel="phone")
    for value in (5, 4, 3, 2):
        add(fresh_db, "2026-11-05 09:00", 4, {"online_used": "yes", "online_rating": value}, channel="phone")
    ind = by_id(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"])
    online = ind["online_service_satisfaction"]
    assert (online["n"], online["satisfied"]) == (6, 3)


def test_main_rating_on_a_three_level_scale_counts_its_top_two(fresh_db):
    for value in (3, 2, 1):
        add(fresh_db, "2026-11-04 09:00", value, scale=3)
    row = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"][0]
    assert (row["n"], row["satisfied"]) == (3, 2)


def test_flagged_responses_are_shown_both_ways(fresh_db):
    add(fresh_db, "2026-11-05 09:00", 5)
    add(fresh_db, "2026-11-05 09:00", 5, flags="burst")
    add(fresh_db, "2026-11-05 09:00", 1, flags="burst hours")
    add(fresh_db, "2026-11-05 09:00", 2)
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    assert s["flagged"]["responses"] == 2
    assert s["responses"]["by_flag"] == {"burst": 2, "hours": 1}
    assert s["all"]["indicators"][0]["n"] == 4
    assert s["excluding_flagged"]["indicators"][0]["n"] == 2
    # The headline leaves the flagged ratings out by default; the raw figures stand beside it.
    assert s["indicators"][0]["n"] == 2 and s["breakdowns"]["month"][0]["n"] == 2
    assert s["flagged"]["excluded"] is True and s["beside"] == "all"
    raw = summarize(fresh_db, "2026-11-01", "2026-11-30", exclude_flagged=False, today="2026-11-30")
    assert raw["indicators"][0]["n"] == 4 and raw["breakdowns"]["month"][0]["n"] == 4
    assert raw["flagged"]["excluded"] is False and raw["beside"] == "excluding_flagged"


def test_demo_and_incomplete_responses_are_counted_and_reported(fresh_db):
    add(fresh_db, "2026-11-05 09:00", 5, demo=1)
    add(fresh_db, "2026-11-05 09:00", 4, complete=0)
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    assert s["responses"]["demo"] == 1
    assert (s["responses"]["complete"], s["responses"]["incomplete"]) == (1, 1)
    assert s["indicators"][0]["n"] == 2


def test_breakdowns_split_the_main_rating(fresh_db):
    add(fresh_db, "2026-11-05 08:10", 5, officer="A", counter="Quầy 1", procedure_code="1.001193",
        field="Hộ tịch")
    add(fresh_db, "2026-11-05 08:20", 2, officer="A", counter="Quầy 1", procedure_code="1.001193",
        field="Hộ tịch")
    add(fresh_db, "2026-11-06 15:00", 4, officer="B", channel="phone")
    fresh_db["procedures"].insert({"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch"})
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    officers = {r["key"]: (r["n"], r["satisfied"]) for r in s["breakdowns"]["officer"]}
    assert officers == {"A": (2, 1), "B": (1, 1)}
    proc = s["breakdowns"]["procedure"]
    assert proc[0]["label"] == "Đăng ký khai sinh" and proc[0]["n"] == 2
    assert {r["key"] for r in s["breakdowns"]["channel"]} == {"kiosk", "phone"}
    assert s["breakdowns"]["quarter"][0]["key"] == "2026-Q4"
    cells = {(c["weekday"], c["hour"]): c["n"] for c in s["hour_weekday"]}
    assert cells == {(3, 8): 2, (4, 15): 1}  # 5 Nov 2026 is a Thursday


def test_low_rating_reasons_are_grouped_by_who_can_fix_them(fresh_db):
    add(fresh_db, "2026-11-05 09:00", 2, {"reasons": ["papers", "attitude"]})
    add(fresh_db, "2026-11-05 09:00", 1, {"reasons": ["waiting"]})
    add(fresh_db, "2026-11-05 09:00", 3, {"reasons": ["papers"]})
    r = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["reasons"]
    assert r["groups"] == {"procedure": 2, "officer": 1, "place": 1, "other": 0}
    assert r["items"][0]["value"] == "papers" and r["items"][0]["count"] == 2
    assert r["items"][0]["label_vi"] == "Giấy tờ, hồ sơ phức tạp"


def test_first_answered_question_feeds_a_multi_question_indicator(fresh_db):
    targets = loads_targets('''
version = 3
[[indicators]]
id = "service"
name_vi = "Dịch vụ"
name_en = "Service"
questions = ["service_result", "staff"]
target = 0.5
''')
    add(fresh_db, "2026-11-05 09:00", 5, {"service_result": 2, "staff": 5}, channel="phone")
    add(fresh_db, "2026-11-05 09:00", 5, {"staff": 5}, channel="phone")
    add(fresh_db, "2026-11-05 09:00", 5, {}, channel="phone")
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", targets=targets, today="2026-11-30")
    row = s["indicators"][0]
    assert (row["n"], row["satisfied"]) == (2, 1)
    assert s["targets_version"] == 3


def _complaint(db, received, due, status, answered=None, reason=None, receipt=None):
    db["complaints"].insert({"topic": "officer", "text": "x", "status": status,
                             "received_date": received, "due_date": due, "answered_date": answered,
                             "not_accepted_reason": reason, "receipt": receipt, "flags": "", "demo": 0})


def test_complaints_handled_counts_decided_or_overdue_complaints(fresh_db):
    _complaint(fresh_db, "2026-11-02", "2026-11-20", "answered", "2026-11-10")        # on time
    _complaint(fresh_db, "2026-11-02", "2026-11-20", "answered", "2026-11-25")        # late
    _complaint(fresh_db, "2026-11-03", "2026-11-21", "not_accepted", "2026-11-05", "Ngoài thẩm quyền")
    _complaint(fresh_db, "2026-11-04", "2026-11-22", "in_progress")                   # overdue
    _complaint(fresh_db, "2026-11-20", "2026-12-10", "new")                           # not yet due
    row = by_id(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"])[
        "complaints_handled"]
    assert (row["received"], row["n"], row["satisfied"], row["answered"]) == (5, 4, 2, 3)
    assert row["answered_share"] == pytest.approx(3 / 5)
    assert row["verdict"] == "not_met"
    assert row["pending"] == 1 and row["ci_low"] is None and row["census"] is True


def test_complaints_handled_is_a_census_met_when_every_due_one_was_on_time(fresh_db):
    """A target of 100 % can be met: the complaints are all of them, not a sample."""
    _complaint(fresh_db, "2026-11-02", "2026-11-20", "answered", "2026-11-10")
    _complaint(fresh_db, "2026-11-03", "2026-11-21", "not_accepted", "2026-11-05", "Ngoài thẩm quyền")
    _complaint(fresh_db, "2026-11-25", "2026-12-16", "new")  # not yet due: pending, not on time
    row = by_id(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"])[
        "complaints_handled"]
    assert (row["n"], row["satisfied"], row["pending"], row["verdict"]) == (2, 2, 1, "met")
    assert row["rate"] == 1.0 and row["ci_low"] is None and row["ci_high"] is None


def test_complaints_handled_with_none_due_yet_has_no_verdict(fresh_db):
    _complaint(fresh_db, "2026-11-25", "2026-12-16", "in_progress")
    row = by_id(summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")["indicators"])[
        "complaints_handled"]
    assert (row["n"], row["pending"], row["verdict"], row["rate"]) == (0, 1, "no_data", None)


def test_response_rate_and_portal_figure_come_from_receipts(fresh_db):
    rows = []
    for i, (returned, appointment, rated) in enumerate([
        ("2026-11-05T02:00:00.000Z", "2026-11-05", True),
        ("2026-11-05T18:00:00.000Z", "2026-11-05", False),   # 6 Nov local: overdue
        ("2026-11-06T03:00:00.000Z", "2026-11-10", True),
        ("2026-11-07T03:00:00.000Z", "2026-11-10", False),
    ]):
        rows.append({"code": f"R{i}", "dossier_code": f"HS{i}", "appointment_date": appointment,
                     "returned_at": returned, "response_id": f"resp{i}" if rated else None})
    fresh_db["receipts"].insert_all(rows)
    _complaint(fresh_db, "2026-11-07", "2026-11-28", "new", receipt="R3")
    add(fresh_db, "2026-11-05 09:00", 1, receipt="R0")
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    assert s["response_rate"] == {"returned": 4, "rated": 2, "rate": 0.5}
    pf = s["portal_figure"]
    assert (pf["dossiers"], pf["overdue"], pf["complaints"], pf["dislikes"]) == (4, 1, 1, 1)
    assert pf["rate"] == pytest.approx(1 - 0.25 - 0.5)


def test_previous_month_is_compared_with_this_month(fresh_db):
    add(fresh_db, "2026-10-31 09:00", 1)
    add(fresh_db, "2026-10-01 09:00", 5)
    add(fresh_db, "2026-09-30 09:00", 5)   # before October: outside
    add(fresh_db, "2026-11-02 09:00", 5)
    s = summarize(fresh_db, "2026-11-01", "2026-11-30", today="2026-11-30")
    assert s["previous"]["period"] == {"from": "2026-10-01", "to": "2026-10-31"}
    prev = s["previous"]["indicators"][0]
    assert (prev["n"], prev["satisfied"]) == (2, 1)


@pytest.mark.parametrize("period, previous", [
    (("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30")),    # quarter
    (("2026-01-01", "2026-12-31"), ("2025-01-01", "2025-12-31")),    # year
    (("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),    # month after February
    (("2026-01-01", "2026-01-31"), ("2025-12-01", "2025-12-31")),    # across a new year
    (("2026-11-10", "2026-11-16"), ("2026-11-03", "2026-11-09")),    # a week: same length
    (("2026-11-01", "2026-11-28"), ("2026-10-01", "2026-10-28")),    # month to date
    (("2026-03-01", "2026-03-30"), ("2026-02-01", "2026-02-28")),    # clamped to February
    (("2026-10-01", "2026-11-28"), ("2026-07-01", "2026-08-28")),    # quarter to date
    (("2026-01-01", "2026-11-28"), ("2025-01-01", "2025-11-28")),    # year to date
])
def test_previous_period_follows_the_calendar(period, previous):
    from datetime import date
    got = previous_period(*(date.fromisoformat(d) for d in period))
    assert tuple(d.isoformat() for d in got) == previous


def test_a_summary_needs_a_real_period(fresh_db):
    with pytest.raises(ValueError, match="after"):
        summarize(fresh_db, "2026-11-30", "2026-11-01")
    with pytest.raises(ValueError, match="2026-02-30"):
        summarize(fresh_db, "2026-02-30", "2026-03-01")


def test_a_missing_database_file_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        summarize(tmp_path / "nope.db", "2026-11-01", "2026-11-30")
    assert not (tmp_path / "nope.db").exists()


def test_the_shipped_targets_put_the_two_headline_indicators_first():
    t = load_targets()
    assert [i.id for i in t.indicators[:2]] == ["tthc_satisfaction", "public_service_satisfaction"]
    assert t.get("public_service_satisfaction").target_2030 == 0.90


def test_monthly_trend_gives_a_year_of_context_with_empty_months(fresh_db):
    from analysis import monthly_trend
    add(fresh_db, "2026-11-05 09:30", 5)
    add(fresh_db, "2026-11-06 09:30", 2)
    add(fresh_db, "2026-02-10 10:00", 4)
    rows = monthly_trend(fresh_db, "2026-11-28", 12)
    assert [r["key"] for r in rows][0] == "2025-12" and rows[-1]["key"] == "2026-11" and len(rows) == 12
    by = {r["key"]: r for r in rows}
    assert (by["2026-11"]["n"], by["2026-11"]["satisfied"], by["2026-11"]["rate"]) == (2, 1, 0.5)
    assert (by["2026-02"]["n"], by["2026-02"]["rate"]) == (1, 1.0)
    assert by["2026-05"]["n"] == 0 and by["2026-05"]["rate"] is None and by["2026-05"]["ci_low"] is None
