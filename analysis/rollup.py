"""Roll the grouped response counts up into breakdowns and the hour × weekday grid.

Every breakdown row carries the main rating's (tthc_satisfaction) n, satisfied, rate and
95% interval; shares 0–1, None where nobody rated.
"""
from __future__ import annotations

from typing import NamedTuple

from .queries import DimensionRow
from .stats import wilson

CHANNEL_LABELS = {"kiosk": "Tại quầy (máy tính bảng)", "phone": "Điện thoại (mã QR)"}
UNKNOWN_LABEL = "Không xác định"
BREAKDOWNS = ("month", "quarter", "year", "field", "procedure", "officer", "counter", "channel")


def _month_label(month: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def _quarter_label(key: str) -> str:
    return f"Quý {key[-1]}/{key[:4]}"


class Tally(NamedTuple):
    """Main ratings given and, of those, satisfied."""
    rated: int
    satisfied: int


def figure_row(key, label, n: int, satisfied: int) -> dict:
    low, high = wilson(satisfied, n)
    return {"key": key, "label": label, "n": n, "satisfied": satisfied,
            "rate": satisfied / n if n else None, "ci_low": low, "ci_high": high}


DIMENSIONS = DimensionRow._fields[:6]  # month, field, procedure, officer, counter, channel


def breakdowns(dimension_rows, procedure_names: dict) -> dict[str, list[dict]]:
    """{breakdown name: rows} from ``queries.DimensionRow`` rows (the flagged already left
    out, or not), summed by each dimension; quarters and years from the months.

    Time breakdowns are in time order; the others by n, largest first, then key."""
    sums: dict[str, dict] = {}
    for i, name in enumerate(DIMENSIONS):
        acc: dict = {}
        for row in dimension_rows:
            counts = acc.get(row[i])
            if counts is None:
                acc[row[i]] = [row.rated, row.satisfied or 0]
            else:
                counts[0] += row.rated
                counts[1] += row.satisfied or 0
        sums[name] = acc
    for name, keyer in (("quarter", _quarter), ("year", lambda month: month[:4])):
        acc = sums[name] = {}
        for month, counts in sums["month"].items():
            total = acc.setdefault(keyer(month), [0, 0])
            total[0] += counts[0]
            total[1] += counts[1]
    labelers = {
        "month": _month_label, "quarter": _quarter_label, "year": str,
        "procedure": lambda k: procedure_names.get(k, k), "channel": lambda k: CHANNEL_LABELS.get(k, k),
    }
    out = {}
    for name in BREAKDOWNS:
        label = labelers.get(name, str)
        rows = [figure_row(k, UNKNOWN_LABEL if k is None else label(k), n, s)
                for k, (n, s) in sums[name].items()]
        if name in ("month", "quarter", "year"):
            rows.sort(key=lambda r: r["key"])
        else:
            rows.sort(key=lambda r: (-r["n"], "" if r["key"] is None else str(r["key"])))
        out[name] = rows
    return out


def heatmap(clock_rows, exclude_flagged: bool) -> list[dict]:
    """Cells {weekday (0 = Monday), hour, n, satisfied, rate} that have ratings, from
    ``queries.ClockRow`` rows."""
    cells: dict = {}
    for row in clock_rows:
        if exclude_flagged and row.flags:
            continue
        acc = cells.setdefault((row.weekday, row.hour), [0, 0])
        acc[0] += row.rated
        acc[1] += row.satisfied or 0
    return [{"weekday": w, "hour": h, "n": n, "satisfied": s, "rate": s / n if n else None}
            for (w, h), (n, s) in sorted(cells.items(), key=lambda kv: (kv[0][0] is None, kv[0]))
            if n]


def overall_counts(rows) -> dict[bool, Tally]:
    """{flagged: Tally} of the main rating, from any rows with ``flags``, ``rated`` and
    ``satisfied`` (``queries.ClockRow`` or ``queries.GroupRow``)."""
    out = {False: [0, 0], True: [0, 0]}
    for row in rows:
        acc = out[bool(row.flags)]
        acc[0] += row.rated
        acc[1] += row.satisfied or 0
    return {k: Tally(*v) for k, v in out.items()}


def response_totals(groups) -> dict:
    """Counts of the period's responses: all, complete, incomplete, demo, flagged (and by
    flag name; one response may carry several flags)."""
    totals = {"all": 0, "complete": 0, "incomplete": 0, "demo": 0, "flagged": 0, "by_flag": {}}
    for row in groups:
        count = row.responses
        totals["all"] += count
        totals["complete" if row.complete != 0 else "incomplete"] += count
        totals["demo"] += count if row.demo else 0
        if row.flags:
            totals["flagged"] += count
            for name in row.flags.split():
                totals["by_flag"][name] = totals["by_flag"].get(name, 0) + count
    totals["by_flag"] = dict(sorted(totals["by_flag"].items()))
    return totals
