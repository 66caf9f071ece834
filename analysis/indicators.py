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
            tally = complaint_tally(complaint_rows, exclude_flagged)
            row = indicator_row(ind, tally["counted"], tally["on_time"])
            row["received"] = tally["received"]
            row["answered"] = tally["answered"]
            row["answered_share"] = tally["answered"] / tally["received"] if tally["received"] else None
        elif ind.questions[0] == OVERALL:
            row = indicator_row(ind, *overall_tally(overall_counts, exclude_flagged))
        else:
            row = indicator_row(ind, *answer_tally(ind, answer_counts.get(ind.id, ()), scales,
                                                   exclude_flagged))
        rows.append(row)
    return rows
