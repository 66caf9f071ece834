"""The arithmetic: Wilson bounds checked against hand-computed values, every verdict."""
from __future__ import annotations

from math import sqrt

import pytest

from analysis.stats import FORMULA, Z95, more_needed, rate_block, verdict, wilson


# Expected bounds computed by hand as the roots of (x - p)^2 n = z^2 x (1 - x), to 4 decimals.
@pytest.mark.parametrize("satisfied, n, low, high", [
    (90, 100, 0.8256, 0.9448),
    (9, 10, 0.5958, 0.9821),
    (45, 50, 0.7864, 0.9565),
    (1, 1, 0.2065, 1.0),
    (0, 1, 0.0, 0.7935),
    (0, 20, 0.0, 0.1611),
    (20, 20, 0.8389, 1.0),
    (853, 1000, 0.8297, 0.8736),
    (3, 7, 0.1582, 0.7495),
    (170, 200, 0.7939, 0.8929),
])
def test_wilson_bounds_match_hand_computed_values(satisfied, n, low, high):
    got_low, got_high = wilson(satisfied, n)
    assert round(got_low, 4) == low
    assert round(got_high, 4) == high


def test_no_answers_gives_no_interval_not_zero():
    assert wilson(0, 0) == (None, None)
    block = rate_block(0, 0, 0.9)
    assert block["rate"] is None and block["ci_low"] is None and block["ci_high"] is None
    assert block["verdict"] == "no_data"
    assert block["more_needed"] is None


@pytest.mark.parametrize("satisfied, n, target, expected", [
    (95, 100, 0.85, "met"),          # low 0.888 >= 0.85
    (90, 100, 0.8256, "met"),        # low 0.82563 is just at or above
    (90, 100, 0.8257, "uncertain"),  # ... and just below
    (70, 100, 0.85, "not_met"),      # high 0.7769 < 0.85
    (90, 100, 0.85, "uncertain"),    # 0.8256 .. 0.9448 straddles
    (0, 0, 0.85, "no_data"),
    (20, 20, 0.80, "met"),           # low 0.8389 >= 0.80
    (20, 20, 1.0, "uncertain"),      # 100% of 20 cannot prove 100%
    (19, 20, 1.0, "not_met"),        # high 0.9911 < 1
])
def test_verdict_for_each_branch(satisfied, n, target, expected):
    assert rate_block(satisfied, n, target)["verdict"] == expected


def test_verdict_boundaries_are_inclusive_at_the_lower_bound():
    assert verdict(0.85, 0.95, 0.85) == "met"
    assert verdict(0.80, 0.85, 0.85) == "uncertain"
    assert verdict(0.80, 0.8499, 0.85) == "not_met"
    assert verdict(None, None, 0.85) == "no_data"


def _hand_low_high(p, n, z=1.959963984540054):
    a, b, c = n + z * z, -(2 * n * p + z * z), n * p * p
    d = sqrt(b * b - 4 * a * c)
    return (-b - d) / (2 * a), (-b + d) / (2 * a)


@pytest.mark.parametrize("satisfied, n, target", [(90, 100, 0.85), (45, 50, 0.85), (80, 100, 0.85),
                                                  (7, 10, 0.8), (95, 100, 0.9)])
def test_more_needed_is_the_first_count_that_settles_the_verdict(satisfied, n, target):
    extra = more_needed(satisfied, n, target)
    p = satisfied / n
    # Independent linear search with the quadratic form of the interval.
    m = 1
    while True:
        low, high = _hand_low_high(p, n + m)
        if low >= target or high < target:
            break
        m += 1
    assert extra == m


def test_more_needed_is_none_when_the_rate_equals_the_target_or_already_settled():
    assert more_needed(85, 100, 0.85) is None
    assert more_needed(99, 100, 0.5) is None
    assert more_needed(0, 0, 0.5) is None


def test_the_formula_is_written_in_both_languages():
    assert "Wilson" in FORMULA["vi"] and "Wilson" in FORMULA["en"]
    assert "hài lòng" in FORMULA["vi"]
    assert Z95 == pytest.approx(1.96, abs=1e-3)
