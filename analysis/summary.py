"""``summarize``: every figure of a period in one dict, the shape of GET /api/v1/summary.

The dashboard, the API, the CLI and every download render this one dict, so the same
period always shows the same numbers everywhere. Shares are 0–1; None means no data.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from survey_forms import vocabulary

from . import connection, forms, indicators, queries, rollup
from .imported import imported_count
from .stats import FORMULA
from .targets import Targets, load_targets

REASON_GROUPS = tuple(vocabulary.TOPICS)  # the groups of the low-rating reasons


def parse_date(value) -> date:
    """A date from a date or ISO text (YYYY-MM-DD); ValueError names the bad value."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period just before [date_from, date_to], for comparison.

    Whole calendar months (a month, a quarter, a year) compare with the same number of
    whole months before (Q3 with Q2, November with October); a month, quarter or year to
    date with the same span one unit back; any other period with the same number of days
    just before it."""
    if date_from.day == 1 and (date_to + timedelta(days=1)).day == 1:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        index = date_from.year * 12 + date_from.month - 1 - months
        return date(index // 12, index % 12 + 1, 1), date_from - timedelta(days=1)
    if date_from.day == 1 and date_to.year == date_from.year:
        # Month, quarter or year to date: the same span one month, quarter or year back
        # (1-28 November with 1-28 October; 1 January-28 November with the year before).
        span = date_to.month - date_from.month + 1
        back = 1 if span == 1 else 3 if span <= 3 and date_from.month in (1, 4, 7, 10) else 12
        return _months_back(date_from, back), _months_back(date_to, back)
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)


def _months_back(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months back, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def summarize(conn_or_path, date_from, date_to, exclude_flagged: bool = True,
              targets: Targets | str | None = None, today=None, unit: str | None = None) -> dict:
    """All figures for local dates ``date_from``..``date_to`` inclusive (Asia/Ho_Chi_Minh).

    ``conn_or_path``: a sqlite3 connection, a sqlite_utils.Database or a database path
    (opened read-only). ``targets``: a Targets, a path to a targets file, or None for the
    shipped file. ``today`` (local date) decides which complaints are past due; default
    today in Vietnam. Top-level ``indicators`` and the breakdowns follow ``exclude_flagged``: by
    default the headline leaves flagged (suspicious) ratings out; both variants of the
    indicators are under ``all`` (raw) and ``excluding_flagged``, and ``beside`` names the
    variant a report shows next to the headline. ``unit``: one unit's figures (a
    units.code; its responses, receipts and complaints), None for the whole installation.
    """
    start, end = parse_date(date_from), parse_date(date_to)
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    if not isinstance(targets, Targets):
        targets = load_targets() if targets is None else load_targets(targets)
    today = parse_date(today) if today is not None else queries.local_today()
    with connection.opened(conn_or_path) as conn:
        return _summarize(conn, start, end, exclude_flagged, targets, today, unit)


def _summarize(conn, start: date, end: date, exclude_flagged: bool, targets: Targets,
               today: date, unit: str | None = None) -> dict:
    scales = forms.question_scales()
    d_from, d_to = start.isoformat(), end.isoformat()

    def side(c) -> dict:
        """The other half: run on a second connection while the breakdowns are counted."""
        p_from, p_to = previous_period(start, end)
        return {
            "clock": queries.hour_weekday(c, d_from, d_to, unit),
            "counts": _indicator_counts(c, targets, d_from, d_to, unit),
            "complaints": queries.complaint_figures(c, d_from, d_to, today.isoformat(), unit),
            "reasons": queries.answer_counts(c, ["reasons"], d_from, d_to, unit),
            "previous": _previous(c, targets, scales, p_from, p_to, today, exclude_flagged, unit),
            "receipts": queries.receipt_figures(c, d_from, d_to, unit),
        }

    def main(c) -> tuple[list, list]:
        """The breakdowns' and the totals' counts: the longest query, about half the work.
        The main rating's figure comes from the same statement as the breakdowns and
        totals, so they always add up even while ratings arrive."""
        return queries.response_counts(c, d_from, d_to, unit, exclude_flagged)

    (dimensions, groups), got = _in_parallel(conn, main, side)
    receipts = got["receipts"]
    overall = rollup.overall_counts(groups)
    both = {mode: indicators.compute(targets, overall, got["counts"], got["complaints"], scales, flag)
            for mode, flag in (("all", False), ("excluding_flagged", True))}
    totals = {**rollup.response_totals(groups), "imported": imported_count(conn, d_from, d_to, unit)}
    chosen = "excluding_flagged" if exclude_flagged else "all"
    procedure_names = queries.labels(conn, "procedures", "code", "name")
    return {
        "period": {"from": d_from, "to": d_to},
        "unit": unit,
        "exclude_flagged": exclude_flagged,
        "indicators": both[chosen],
        "all": {"indicators": both["all"]},
        "excluding_flagged": {"indicators": both["excluding_flagged"]},
        "beside": "all" if exclude_flagged else "excluding_flagged",
        "flagged": {"responses": totals["flagged"], "by_flag": totals["by_flag"],
                    "excluded": exclude_flagged},
        "responses": totals,
        "breakdowns": rollup.breakdowns(dimensions, procedure_names),
        "hour_weekday": rollup.heatmap(got["clock"], exclude_flagged),
        "reasons": reasons(got["reasons"], exclude_flagged),
        "response_rate": response_rate(receipts),
        "portal_figure": portal_figure(receipts, groups, exclude_flagged),
        "previous": got["previous"],
        "targets_version": targets.version,
        "chain": queries.chain_head(conn, unit),
        "formula": dict(FORMULA),
    }


def _in_parallel(conn, main, side):
    """(main(conn), side(other)) with ``side`` on a second read-only connection in a worker
    thread when the database is a file: sqlite3 releases the GIL while it steps, so the two
    halves use both cores of a small office PC. In-memory databases run one after the
    other. The two connections may see snapshots a few writes apart; a summary is a
    report, not a ledger."""
    path = connection.database_file(conn)
    if not path or conn.in_transaction:  # a second connection would not see uncommitted rows
        return main(conn), side(conn)

    def run_side():
        other = connection.open_reader(path)
        try:
            return side(other)
        finally:
            other.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run_side)
        first = main(conn)
        return first, future.result()


def _indicator_counts(conn, targets: Targets, d_from: str, d_to: str, unit: str | None = None) -> dict:
    """{indicator id: ``queries.AnswerCount`` rows}, one observation per response:
    single-question indicators read the covering index directly; several questions go
    through the first-answered query."""
    single = [i for i in targets.indicators if i.source == "answers" and i.questions != ("overall",)
              and (len(i.questions) == 1 or not forms.asked_together(tuple(i.questions)))]
    rows = queries.answer_counts(conn, sorted({q for i in single for q in i.questions}), d_from, d_to, unit)
    out = {i.id: [r for r in rows if r.question_id in i.questions] for i in single}
    for ind in targets.indicators:
        if ind.source == "answers" and len(ind.questions) > 1 and ind.id not in out:
            out[ind.id] = queries.first_answer_counts(conn, list(ind.questions), d_from, d_to, unit)
    return out


def _previous(conn, targets, scales, p_from: date, p_to: date, today: date, exclude_flagged,
              unit: str | None = None) -> dict:
    """Indicator figures of the previous period of equal length, for comparison."""
    a, b = p_from.isoformat(), p_to.isoformat()
    overall = rollup.overall_counts(queries.hour_weekday(conn, a, b, unit))
    rows = indicators.compute(targets, overall, _indicator_counts(conn, targets, a, b, unit),
                              queries.complaint_figures(conn, a, b, today.isoformat(), unit), scales,
                              exclude_flagged)
    keep = ("id", "n", "satisfied", "rate", "ci_low", "ci_high", "verdict")
    return {"period": {"from": a, "to": b},
            "indicators": [{k: r[k] for k in keep} for r in rows]}


def reasons(rows, exclude_flagged: bool) -> dict:
    """Low-rating reasons counted, and split into procedure / officer / place / other by
    the group the questionnaire gives each choice (so officers are not blamed for rules)."""
    labels, groups = forms.reason_choices()
    counts: dict[str, int] = {}
    for row in rows:
        if exclude_flagged and row.flagged:
            continue
        counts[row.value] = counts.get(row.value, 0) + row.n
    items = [{"value": v, "label_vi": labels.get(v, (v, v))[0], "label_en": labels.get(v, (v, v))[1],
              "group": groups.get(v, "other"), "count": c}
             for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    by_group = {g: sum(i["count"] for i in items if i["group"] == g) for g in REASON_GROUPS}
    return {"total": sum(counts.values()), "items": items, "groups": by_group}


def response_rate(figures: queries.ReceiptFigures | None) -> dict | None:
    """Rated dossiers ÷ dossiers returned in the period; None without receipts."""
    if not figures or not figures.returned:
        return None
    return {"returned": figures.returned, "rated": figures.rated,
            "rate": figures.rated / figures.returned}


def portal_figure(figures: queries.ReceiptFigures | None, groups, exclude_flagged: bool) -> dict | None:
    """The national portal's style of figure: 100% − overdue share − share of dossiers with
    a complaint or a "dislike" rating, over dossiers returned in the period with an
    appointment date. None without such receipts. Dislikes are main ratings of "Không hài
    lòng" or worse bound to a receipt and given in the period (they may overlap complaints)."""
    if not figures or not figures.with_appointment:
        return None
    base, overdue, complained = figures.with_appointment, figures.overdue or 0, figures.complained or 0
    dislikes = sum(r.dislikes or 0 for r in groups if not (exclude_flagged and r.flags))
    overdue_share = overdue / base
    complaint_share = min(1.0, (complained + dislikes) / base)
    return {"dossiers": base, "overdue": overdue, "complaints": complained, "dislikes": dislikes,
            "overdue_share": overdue_share, "complaint_share": complaint_share,
            "rate": max(0.0, 1.0 - overdue_share - complaint_share)}


def monthly_trend(conn_or_path, end, months: int = 12, exclude_flagged: bool = False,
                  unit: str | None = None) -> list[dict]:
    """The main rating month by month for the ``months`` calendar months ending with the
    month of ``end`` (local dates): [{key "YYYY-MM", label "MM/YYYY", n, satisfied, rate,
    ci_low, ci_high}], one row per month, empty months with n = 0 and rate None.

    A period of one month still gets a year of context on the dashboard; one grouped pass
    over the (local_month, ..., flags, overall, scale) index, no sort."""
    from .stats import wilson
    end = parse_date(end)
    keys = []
    year, month = end.year, end.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    keys.reverse()
    conn = connection.connect(conn_or_path)
    sums = {k: [0, 0] for k in keys}
    for row in queries.monthly_counts(conn, keys[0], keys[-1], unit):
        if exclude_flagged and row.flagged:
            continue
        sums[row.month][0] += row.rated
        sums[row.month][1] += row.satisfied or 0
    rows = []
    for key in keys:
        n, satisfied = sums[key]
        low, high = wilson(satisfied, n)
        rows.append({"key": key, "label": f"{key[5:7]}/{key[:4]}", "n": n, "satisfied": satisfied,
                     "rate": satisfied / n if n else None, "ci_low": low, "ci_high": high})
    return rows
