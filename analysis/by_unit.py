"""Every unit's indicators for one period, side by side: the data of the province's league
table (``GET /api/v1/summary/units``) and of its page and downloads.

Each unit's figures are the very ones its own summary shows (``summarize(..., unit=code)``),
so a commune never reads one number on its dashboard and another in the province's table.
That is one summary per unit; at a hundred communes the rollup tables make each one cheap.
"""
from __future__ import annotations

from .stats import FORMULA
from .summary import parse_date, summarize
from .targets import Targets, load_targets


def units_summary(conn_or_path, date_from, date_to, units: list[dict], exclude_flagged: bool = True,
                  targets: Targets | str | None = None, today=None) -> dict:
    """{"period", "exclude_flagged", "units": [{"code", "name", "indicators", "responses",
    "chain"}], "targets_version", "formula"} for ``units`` ([{"code", "name"}], in the order
    given). ``indicators`` as in ``summarize``; ``responses`` the unit's count of responses in
    the period (all, flagged included); ``chain`` the head of the unit's own chain."""
    start, end = parse_date(date_from), parse_date(date_to)
    if not isinstance(targets, Targets):
        targets = load_targets() if targets is None else load_targets(targets)
    out = []
    for unit in units:
        s = summarize(conn_or_path, start, end, exclude_flagged=exclude_flagged, targets=targets,
                      today=today, unit=unit["code"])
        out.append({"code": unit["code"], "name": unit.get("name") or unit["code"],
                    "indicators": s["indicators"], "responses": s["responses"]["all"],
                    "chain": s.get("chain")})
    return {"period": {"from": start.isoformat(), "to": end.isoformat()}, "exclude_flagged": exclude_flagged,
            "units": out, "targets_version": targets.version, "formula": dict(FORMULA)}
