"""From grouped counts to the indicator figures judged against their targets.

Pure functions over the named rows of ``queries`` (any object with the same fields will do),
so the arithmetic is tested without a database and the same counts give the same figures in
the API, the dashboard and every download.
"""
from __future__ import annotations

from .stats import rate_block
from .targets import Indicator, Targets

# Question ids whose figure is read from responses.overall, not from answers rows.
OVERALL = "overall"


def satisfied_values(indicator: Indicator, question_id: str, scales: dict[str, int]) -> set[str]:
    """Stored answer values that count as satisfied for ``question_id`` of ``indicator``:
    the top two levels of its scale for "top2", else the values listed in the file."""
    if indicator.satisfied == "top2":
        scale = scales.get(question_id, 5)
        return {str(scale), str(scale - 1)}
    return set(indicator.satisfied)


def answer_tally(indicator: Indicator, counts, scales, exclude_flagged: bool) -> tuple[int, int]:
    """(n, satisfied) of an answers-fed indicator from ``queries.AnswerCount`` rows already
    reduced to one observation per response."""
    n = sat = 0
    for row in counts:
        if row.question_id not in indicator.questions or (exclude_flagged and row.flagged):
            continue
        n += row.n
        if row.value in satisfied_values(indicator, row.question_id, scales):
            sat += row.n
    return n, sat


def overall_tally(overall_counts: dict, exclude_flagged: bool) -> tuple[int, int]:
    """(n, satisfied) of the main rating from {flagged: rollup.Tally}."""
    n = sat = 0
    for flagged, tally in overall_counts.items():
        if exclude_flagged and flagged:
            continue
        n, sat = n + tally.rated, sat + tally.satisfied
    return n, sat


def complaint_tally(rows, exclude_flagged: bool) -> dict:
    """Totals from ``queries.ComplaintRow`` rows (None: no complaints table)."""
    out = {"received": 0, "counted": 0, "on_time": 0, "answered": 0}
    for row in rows or ():
        if exclude_flagged and row.flagged:
            continue
        for name in out:
            out[name] += getattr(row, name) or 0
    return out


def census_row(indicator: Indicator, tally: dict) -> dict:
    """Complaints handled is a census, not a sample: every complaint counts, so there is no
    interval. ``met`` when every complaint that has fallen due (or was decided) was answered,
    or refused with a reason, on time; ``not_met`` when one was not; ``no_data`` when none
    is due yet. Complaints not yet due are ``pending`` ("đang trong hạn"), never on time."""
    n, on_time = tally["counted"], tally["on_time"]
    verdict = "no_data" if n == 0 else ("met" if on_time == n else "not_met")
    received = tally["received"]
    return {
        "id": indicator.id, "name_vi": indicator.name_vi, "name_en": indicator.name_en,
        "n": n, "satisfied": on_time, "rate": on_time / n if n else None, "ci_low": None, "ci_high": None,
        "verdict": verdict, "more_needed": None, "census": True,
        "target": indicator.target, "target_2030": indicator.target_2030,
        "received": received, "answered": tally["answered"], "pending": received - n,
        "answered_share": tally["answered"] / received if received else None,
    }


def indicator_row(indicator: Indicator, n: int, satisfied: int) -> dict:
    """One indicator in the API's shape; shares 0–1, None where there is no data."""
    figures = rate_block(satisfied, n, indicator.target)
    return {
        "id": indicator.id, "name_vi": indicator.name_vi, "name_en": indicator.name_en,
        **figures, "target": indicator.target, "target_2030": indicator.target_2030,
    }


def compute(targets: Targets, overall_counts: dict, answer_counts: dict, complaint_rows,
            scales: dict, exclude_flagged: bool) -> list[dict]:
    """All indicators in the targets file's order.

    ``answer_counts`` maps indicator id → ``queries.AnswerCount`` rows (one observation per
    response); ``overall_counts`` is {flagged: ``rollup.Tally``}."""
    rows = []
    for ind in targets.indicators:
        if ind.source == "complaints":
            row = census_row(ind, complaint_tally(complaint_rows, exclude_flagged))
        elif ind.questions[0] == OVERALL:
            row = indicator_row(ind, *overall_tally(overall_counts, exclude_flagged))
        else:
            row = indicator_row(ind, *answer_tally(ind, answer_counts.get(ind.id, ()), scales,
                                                   exclude_flagged))
        rows.append(row)
    return rows
