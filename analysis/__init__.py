"""Satisfaction figures against the resolution's targets, and the reports built on them.

A small library with no web framework: functions take a sqlite3 connection (or a
sqlite_utils.Database, or a database path) and return plain dicts; report writers turn
those dicts into bytes. Shares are 0–1 throughout; None means "no data", never 0.
"""
from .stats import FORMULA, more_needed, rate_block, verdict, wilson
from .summary import monthly_trend, previous_period, summarize
from .targets import Indicator, Targets, TargetsError, load_targets

__all__ = ["FORMULA", "Indicator", "Targets", "TargetsError", "load_targets", "more_needed",
           "monthly_trend", "previous_period", "rate_block", "summarize", "verdict", "wilson"]
