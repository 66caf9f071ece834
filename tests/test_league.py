"""The province's league table: a commune is ranked only as far as its data allows."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.league import league, pooled, rank_label, shrunk, sort_rows
from analysis.stats import rate_block

TARGET = 0.9


def unit(code, satisfied, n, name=None):
    """A unit as GET /api/v1/summary/units gives it, with the main rating only."""
    row = {"id": "tthc_satisfaction", "name_vi": "Hài lòng về giải quyết TTHC", "name_en": "Satisfaction",
           **rate_block(satisfied, n, TARGET), "target": TARGET, "target_2030": TARGET}
    return {"code": code, "name": name or f"Xã {code}", "indicators": [row]}


def rows_by_code(table):
    return {r["code"]: r for r in table["rows"]}


def test_a_commune_with_a_handful_of_perfect_ratings_is_not_first():
    table = league([unit("A", 8, 8), unit("B", 450, 500), unit("C", 300, 400)], min_n=30)
    by = rows_by_code(table)
    assert by["A"]["rate"] == 1.0 and not by["A"]["ranked"] and by["A"]["why_unranked"] == "few"
    assert [r["code"] for r in table["rows"]] == ["B", "C", "A"]
    assert by["B"]["position"] == 1 and table["ranked"] == 2


def test_a_commune_with_a_handful_of_bad_ratings_is_not_last():
    table = league([unit("A", 0, 5), unit("B", 450, 500), unit("C", 300, 400)], min_n=30)
    assert table["rows"][-1]["code"] == "A" and table["rows"][-1]["rank_best"] is None


def test_overlapping_intervals_share_places():
    # 91% of 300 and 89% of 300 overlap; 60% of 300 is clearly below both.
    table = league([unit("A", 273, 300), unit("B", 267, 300), unit("C", 180, 300)])
    by = rows_by_code(table)
    assert (by["A"]["rank_best"], by["A"]["rank_worst"]) == (1, 2)
    assert (by["B"]["rank_best"], by["B"]["rank_worst"]) == (1, 2)
    assert (by["C"]["rank_best"], by["C"]["rank_worst"]) == (3, 3)
    assert rank_label(by["A"]) == "1–2" and rank_label(by["C"]) == "3"
    assert not by["A"]["distinguishable"] and by["C"]["distinguishable"]


def test_shrunk_estimate_is_the_happyornot_formula():
    # WAI = (45 + 270) / (50 + 300) = 0.9; RS_A = (0.9·30 + 45) / (30 + 50)
    table = league([unit("A", 45, 50), unit("B", 270, 300)], weight=30)
    assert table["pooled"] == {"n": 350, "satisfied": 315, "rate": pytest.approx(0.9)}
    assert rows_by_code(table)["A"]["shrunk"] == pytest.approx((0.9 * 30 + 45) / 80)
    assert shrunk(0, 0, None) is None


def test_unit_without_ratings_is_listed_with_no_data_not_zero():
    table = league([unit("A", 0, 0), unit("B", 270, 300)])
    a = rows_by_code(table)["A"]
    assert a["rate"] is None and a["shrunk"] is None and a["why_unranked"] == "no_data"
    assert a["verdict"] == "no_data" and rank_label(a) == ""


def test_pooled_rate_weighs_big_communes_more():
    assert pooled([unit("A", 10, 10), unit("B", 0, 90)], "tthc_satisfaction")["rate"] == pytest.approx(0.1)
    assert pooled([], "tthc_satisfaction")["rate"] is None


@pytest.mark.parametrize("key, descending, expected", [
    ("rate", True, ["A", "B", "C"]),
    ("rate", False, ["C", "B", "A"]),
    ("n", True, ["C", "B", "A"]),
    ("name", False, ["B", "A", "C"]),
    ("code", True, ["C", "B", "A"]),
    ("verdict", False, ["A", "B", "C"]),  # uncertain (95% of 100), then not met (in league order)
])
def test_page_sorts_by_any_column(key, descending, expected):
    table = league([unit("A", 95, 100, "Xã Ơn"), unit("B", 160, 200, "Xã Ân"), unit("C", 150, 300, "Xã Yên")])
    assert [r["code"] for r in sort_rows(table["rows"], key, descending)] == expected


def test_no_data_is_last_whichever_way_a_column_is_sorted():
    table = league([unit("A", 0, 0), unit("B", 160, 200), unit("C", 150, 300)])
    for descending in (False, True):
        assert sort_rows(table["rows"], "rate", descending)[-1]["code"] == "A"
    with pytest.raises(ValueError):
        sort_rows(table["rows"], "password")


communes = st.lists(st.tuples(st.integers(0, 400), st.floats(0, 1)), min_size=1, max_size=12)


def _table(spec, min_n=30, weight=30):
    units = [unit(f"{i:05d}", round(n * share), n) for i, (n, share) in enumerate(spec)]
    return league(units, min_n=min_n, weight=weight)


@settings(max_examples=200, deadline=None)
@given(communes, st.integers(1, 60))
def test_no_commune_under_the_minimum_is_ever_ranked(spec, min_n):
    table = _table(spec, min_n=min_n)
    ranked = [r for r in table["rows"] if r["ranked"]]
    assert all(r["n"] >= min_n for r in ranked)
    assert all(r["n"] < min_n for r in table["rows"] if not r["ranked"])
    # ranked communes come first, so a small one is never first or last among the ranked
    assert table["rows"][:len(ranked)] == ranked


@settings(max_examples=200, deadline=None)
@given(communes)
def test_every_position_lies_within_its_rank_range_and_clear_winners_stay_above(spec):
    table = _table(spec)
    ranked = [r for r in table["rows"] if r["ranked"]]
    for r in ranked:
        assert r["rank_best"] <= r["position"] <= r["rank_worst"]
    for above in ranked:
        for below in ranked:
            if above["ci_low"] > below["ci_high"]:  # clearly better
                assert above["position"] < below["position"]
                assert above["rank_best"] < below["rank_best"] and above["rank_worst"] < below["rank_worst"]


@settings(max_examples=200, deadline=None)
@given(communes, st.integers(0, 200))
def test_shrunk_estimate_lies_between_the_commune_and_the_province(spec, weight):
    table = _table(spec, weight=weight)
    wai = table["pooled"]["rate"]
    for r in table["rows"]:
        if r["n"]:
            low, high = sorted((r["rate"], wai))
            assert low - 1e-12 <= r["shrunk"] <= high + 1e-12


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 500), st.floats(0.01, 0.99))
def test_more_ratings_pull_the_shrunk_estimate_toward_the_communes_own_rate(n, share):
    wai = 0.5
    small, big = shrunk(share * n, n, wai), shrunk(share * 4 * n, 4 * n, wai)
    assert abs(big - share) <= abs(small - share) + 1e-12


def test_names_sort_in_vietnamese_alphabetical_order():
    from analysis.league import vietnamese_key
    names = ["Xã Yên Bình", "Xã Ơn", "Xã Ân Thi", "Xã An Hòa", "Phường Đông", "Phường Dương", "xã ăn"]
    assert sorted(names, key=vietnamese_key) == [
        "Phường Dương", "Phường Đông", "Xã An Hòa", "xã ăn", "Xã Ân Thi", "Xã Ơn", "Xã Yên Bình"]
