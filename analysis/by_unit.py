"""Every unit's indicators for one period, side by side: the data of the province's league
table (``GET /api/v1/summary/units``) and of its page and downloads.

Each unit's indicators come from the same counts and the same arithmetic as its own
summary's headline (``indicators.compute`` over the main-rating tallies, the answer counts
and the complaint figures of the unit), so a commune never reads one number on its
dashboard and another in the province's table (a test holds the two equal). Only the
indicators are computed, not the breakdowns, heat map and previous period of a full
summary. The answer counts, the costly part, are read for every unit in one grouped pass
(answers joined to their response's unit) instead of one pass per unit, which read every
unit's answers again for each unit (30 communes: 9 s → well under a second).
"""
from __future__ import annotations

from collections import defaultdict

from . import connection, forms, fromrollups, indicators, queries, rollup
from .queries import AnswerCount
from .stats import FORMULA
from .summary import parse_date
from .targets import Targets, load_targets

_JOINED = "FROM answers a JOIN responses r ON r.id = a.response_id"


def _single_counts(conn, question_ids, d_from: str, d_to: str) -> dict:
    """{unit: [AnswerCount]} as ``queries.answer_counts`` gives per unit, for every unit at once."""
    ids = sorted(set(question_ids))
    out: dict = defaultdict(list)
    if not ids:
        return out
    marks = ", ".join("?" * len(ids))
    if fromrollups.ready(conn):  # the rollups (kept in step with every write) hold these counts per unit
        rows, args = fromrollups.spans("rollup_answers", "rollup_answer_months", "unit, question_id, value, flagged",
                                       ("answers",), d_from, d_to, f" AND question_id IN ({marks})", ids)
        for unit, *row in conn.execute(
                f"SELECT unit, question_id, value, flagged, sum(answers) FROM ({rows}) "
                f"GROUP BY unit, question_id, value, flagged HAVING sum(answers) > 0", args):
            out[unit].append(AnswerCount(*row))
        return out
    for unit, *row in conn.execute(
            f"SELECT r.unit, a.question_id, a.value, a.flagged, count(*) {_JOINED} "
            f"WHERE a.question_id IN ({marks}) AND a.local_date BETWEEN ? AND ? "
            f"GROUP BY r.unit, a.question_id, a.value, a.flagged", [*ids, d_from, d_to]):
        out[unit].append(AnswerCount(*row))
    return out


def _first_counts(conn, question_ids, d_from: str, d_to: str) -> dict:
    """{unit: [AnswerCount]} as ``queries.first_answer_counts`` gives per unit (each response
    counted once, at the first of ``question_ids`` it answered), for every unit at once."""
    ranks = " ".join(f"WHEN ? THEN {i}" for i, _ in enumerate(question_ids))
    marks = ", ".join("?" * len(question_ids))
    out: dict = defaultdict(list)
    for unit, *row in conn.execute(
            f"SELECT unit, question_id, value, flagged, count(*) FROM ("
            f"SELECT unit, question_id, value, flagged, rank, min(rank) OVER (PARTITION BY response_id) AS first "
            f"FROM (SELECT a.response_id, r.unit, a.question_id, a.value, a.flagged, CASE a.question_id {ranks} "
            f"END AS rank {_JOINED} WHERE a.question_id IN ({marks}) AND a.local_date BETWEEN ? AND ?)) "
            f"WHERE rank = first GROUP BY 1, 2, 3, 4", [*question_ids, *question_ids, d_from, d_to]):
        out[unit].append(AnswerCount(*row))
    return out


def indicator_counts(conn, targets: Targets, d_from: str, d_to: str) -> dict:
    """{unit: {indicator id: [AnswerCount]}}, as ``summary._indicator_counts`` per unit."""
    single = [i for i in targets.indicators if i.source == "answers" and i.questions != ("overall",)
              and (len(i.questions) == 1 or not forms.asked_together(tuple(i.questions)))]
    rows = _single_counts(conn, sorted({q for i in single for q in i.questions}), d_from, d_to)
    out: dict = defaultdict(lambda: {i.id: [] for i in targets.indicators if i.source == "answers"})
    for unit, unit_rows in rows.items():
        for ind in single:
            out[unit][ind.id] = [r for r in unit_rows if r.question_id in ind.questions]
    for ind in targets.indicators:
        if ind.source == "answers" and len(ind.questions) > 1 and ind not in single:
            for unit, unit_rows in _first_counts(conn, list(ind.questions), d_from, d_to).items():
                out[unit][ind.id] = unit_rows
    return out


def _clock_by_unit(conn, d_from: str, d_to: str) -> dict | None:
    """{unit: [ClockRow]} of the main rating for every unit in one pass over the rollups
    (None without them): one query per unit scanned the whole period's rollup each time."""
    if not fromrollups.ready(conn):
        return None
    out: dict = defaultdict(list)
    rows, args = fromrollups.spans("rollup_clock", "rollup_clock_months", "unit, flags", ("rated", "satisfied"),
                                   d_from, d_to)
    for unit, flags, rated, satisfied in conn.execute(
            f"SELECT unit, flags, sum(rated), sum(satisfied) FROM ({rows}) GROUP BY unit, flags "
            f"HAVING sum(rated) > 0", args):
        out[unit].append(queries.ClockRow(None, None, None, flags, rated, satisfied))
    return out


def unit_indicators(conn, targets: Targets, d_from: str, d_to: str, today: str, exclude_flagged: bool,
                    unit: str, counts: dict, clock: dict | None = None) -> list[dict]:
    """The headline indicators of ``unit`` as ``summarize`` gives them under ``indicators``;
    ``counts``: that unit's answer counts (from ``indicator_counts``); ``clock``: every
    unit's main-rating rows (``_clock_by_unit``), else read for this unit."""
    rows = clock.get(unit, []) if clock is not None else queries.hour_weekday(conn, d_from, d_to, unit)
    overall = rollup.overall_counts(rows)
    return indicators.compute(targets, overall, counts, queries.complaint_figures(conn, d_from, d_to, today, unit),
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
    with connection.opened(conn_or_path) as conn:
        counts = indicator_counts(conn, targets, d_from, d_to)
        clock = _clock_by_unit(conn, d_from, d_to)
        out = [{"code": u["code"], "name": u.get("name") or u["code"],
                "indicators": unit_indicators(conn, targets, d_from, d_to, today, exclude_flagged, u["code"],
                                              counts[u["code"]], clock),
                "chain": queries.chain_head(conn, u["code"])} for u in units]
        if fromrollups.ready(conn):
            rows, args = fromrollups.spans("rollup_responses", "rollup_months", "", ("responses",), d_from, d_to,
                                           " AND demo = 1")
            demo = conn.execute(f"SELECT coalesce(sum(responses), 0) FROM ({rows})", args).fetchone()[0]
        else:
            demo = conn.execute("SELECT count(*) FROM responses WHERE local_date BETWEEN ? AND ? AND demo = 1",
                                [d_from, d_to]).fetchone()[0]
    return {"period": {"from": d_from, "to": d_to}, "exclude_flagged": exclude_flagged, "units": out,
            "demo": demo, "targets_version": targets.version, "formula": dict(FORMULA)}
