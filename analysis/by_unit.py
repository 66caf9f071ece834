"""Every unit's indicators for one period, side by side: the data of the province's league
table (``GET /api/v1/summary/units``) and of its page and downloads.

Each unit's indicators come from the same counts and the same arithmetic as its own
summary's headline (``indicators.compute`` over the main-rating tallies, the answer counts
and the complaint figures, filtered to the unit), so a commune never reads one number on
its dashboard and another in the province's table (a test holds the two equal). Only the
indicators are computed, not the breakdowns, heat map and previous period a full summary
adds: a third of the work per unit. At a hundred communes that is still a hundred passes;
the rollup tables are what make it cheap.
"""
from __future__ import annotations

from . import forms, indicators, queries, rollup
from .stats import FORMULA
from .summary import _indicator_counts, parse_date
from .targets import Targets, load_targets


def unit_indicators(conn, targets: Targets, d_from: str, d_to: str, today: str, exclude_flagged: bool,
                    unit: str | None) -> list[dict]:
    """The headline indicators of ``unit`` (None: the whole installation) as ``summarize``
    gives them under ``indicators``."""
    overall = rollup.overall_counts(queries.hour_weekday(conn, d_from, d_to, unit))
    return indicators.compute(targets, overall, _indicator_counts(conn, targets, d_from, d_to, unit),
                              queries.complaint_figures(conn, d_from, d_to, today, unit),
                              forms.question_scales(), exclude_flagged)


def units_summary(conn_or_path, date_from, date_to, units: list[dict], exclude_flagged: bool = True,
                  targets: Targets | str | None = None, today=None) -> dict:
    """{"period", "exclude_flagged", "units": [{"code", "name", "indicators", "chain"}],
    "demo", "targets_version", "formula"} for ``units`` ([{"code", "name"}], in the order
    given). ``indicators`` as in ``summarize``; ``chain`` the head of the unit's own chain;
    ``demo`` how many of the period's responses (all units) are demo data."""
    start, end = parse_date(date_from), parse_date(date_to)
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    if not isinstance(targets, Targets):
        targets = load_targets() if targets is None else load_targets(targets)
    today = (parse_date(today) if today is not None else queries.local_today()).isoformat()
    d_from, d_to = start.isoformat(), end.isoformat()
    with queries.opened(conn_or_path) as conn:
        out = [{"code": u["code"], "name": u.get("name") or u["code"],
                "indicators": unit_indicators(conn, targets, d_from, d_to, today, exclude_flagged, u["code"]),
                "chain": queries.chain_head(conn, u["code"])} for u in units]
        demo = conn.execute("SELECT count(*) FROM responses WHERE local_date BETWEEN ? AND ? AND demo = 1",
                            [d_from, d_to]).fetchone()[0]
    return {"period": {"from": d_from, "to": d_to}, "exclude_flagged": exclude_flagged, "units": out,
            "demo": demo, "targets_version": targets.version, "formula": dict(FORMULA)}
