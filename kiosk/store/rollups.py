"""Rollup tables: the summary's counts per local day, kept in step with every write.

A province's year is ten million responses; grouping them at every request took longer
than the goal. Every write of responses (a rating, a bulk insert by demo data or an
import, the removal of demo rows) adds or subtracts its counts here *in the same
transaction*, so the rollups can never disagree with the rows they count, and a summary
reads a few thousand rollup rows instead of the responses (``analysis.queries``).
``rebuild`` recomputes them from the rows (``python -m kiosk rebuild-rollups``; the
migration that creates them fills them the same way).

``rollup_responses``: per local date and unit, field, procedure, officer, counter, channel,
    flags, demo, complete: responses, rated (a main rating given), satisfied (top two
    levels of its scale), dislikes (a main rating "Không hài lòng" or worse, bound to a
    receipt).
``rollup_months``: the same per local month (a year's summary reads whole months here and
    only the days at its ends from ``rollup_responses``).
``rollup_clock``: per local date and unit, weekday, hour and flags: rated, satisfied.
``rollup_clock_months``: the same per local month (a province's year is some 20 rows per
    unit and day here, twelve times fewer by month).
``rollup_answers``: per local date and unit, question, value and flagged: answers.
``rollup_answer_months``: the same per local month (of the answer's local date), read like
    ``rollup_months``: for a small commune the daily table holds about a row per answer.
``rollup_receipts``: dossiers returned per local date of return and unit (``RECEIPTS``);
    every write of receipts goes through ``receipts_changing``.
A key column may be NULL (unknown); keys are matched with ``IS`` so NULL meets NULL. A
row whose counts are all 0 is never kept (it would count nothing).
"""
from __future__ import annotations

from contextlib import contextmanager

from kiosk.store.batch import current as current_batch
from kiosk.store.rollup_counts import RECEIPTS, TABLES, apply  # noqa: F401 (part of this module's interface)

SATISFIED = "(overall IS NOT NULL AND overall >= scale - 1)"
DISLIKED = "(receipt IS NOT NULL AND overall <= CASE WHEN scale = 3 THEN 1 ELSE 2 END)"


def create(db) -> None:
    """The rollup tables and their indexes (led by the local date or month, which every period filters)."""
    for table, (keys, measures) in {**TABLES, RECEIPTS[0]: RECEIPTS[1:]}.items():
        columns = ", ".join([f"[{k}]" for k in keys] + [f"[{m}] INTEGER NOT NULL DEFAULT 0" for m in measures])
        db.execute(f"CREATE TABLE IF NOT EXISTS [{table}] ({columns})")
        db.execute(f"CREATE INDEX IF NOT EXISTS [idx_{table}_key] ON [{table}] ({', '.join(keys)})")
    # a summary of every unit groups the monthly cube without the unit: this index holds it in
    # that order with its counts, so the grouping reads it in order instead of sorting it
    cube = [k for k in TABLES["rollup_months"][0] if k != "unit"] + list(TABLES["rollup_months"][1])
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_rollup_months_cube ON rollup_months ({', '.join(cube)})")


def _unit(db, table: str) -> str:
    """``unit`` where the rows have one (the units schema), else NULL."""
    return "unit" if any(r[1] == "unit" for r in db.execute(f"PRAGMA table_info([{table}])")) else "NULL"


def grouped_sql(db, where: str = "1") -> dict[str, str]:
    """{rollup table: SELECT of its keys and measures grouped from the responses matching
    ``where`` (answers joined to them)}. ``where`` names response columns with a ``__``
    prefix (``__demo = 1 AND __seq > ?``)."""
    unit = _unit(db, "responses")
    plain, joined = where.replace("__", ""), where.replace("__", "r.")
    answers_unit = "r.unit" if unit == "unit" else "NULL"
    return {
        "rollup_responses":
            f"SELECT local_date, local_month, {unit}, field, procedure_code, officer, counter, channel, "
            f"flags, demo, complete, count(*), count(overall), coalesce(sum({SATISFIED}), 0), "
            f"coalesce(sum({DISLIKED}), 0) FROM responses WHERE {plain} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
        "rollup_months":
            f"SELECT local_month, {unit}, field, procedure_code, officer, counter, channel, "
            f"flags, demo, complete, count(*), count(overall), coalesce(sum({SATISFIED}), 0), "
            f"coalesce(sum({DISLIKED}), 0) FROM responses WHERE {plain} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        "rollup_clock":
            f"SELECT local_date, local_month, {unit}, local_weekday, local_hour, flags, count(overall), "
            f"coalesce(sum({SATISFIED}), 0) FROM responses WHERE {plain} GROUP BY 1, 2, 3, 4, 5, 6 "
            f"HAVING count(overall) > 0",
        "rollup_clock_months":
            f"SELECT local_month, {unit}, local_weekday, local_hour, flags, count(overall), "
            f"coalesce(sum({SATISFIED}), 0) FROM responses WHERE {plain} GROUP BY 1, 2, 3, 4, 5 "
            f"HAVING count(overall) > 0",
        "rollup_answers":
            f"SELECT a.local_date, {answers_unit}, a.question_id, a.value, a.flagged, count(*) "
            f"FROM answers a JOIN responses r ON r.id = a.response_id WHERE {joined} GROUP BY 1, 2, 3, 4, 5",
        "rollup_answer_months":
            f"SELECT substr(a.local_date, 1, 7), {answers_unit}, a.question_id, a.value, a.flagged, count(*) "
            f"FROM answers a JOIN responses r ON r.id = a.response_id WHERE {joined} GROUP BY 1, 2, 3, 4, 5",
    }


def receipts_sql(db, where: str = "1") -> str:
    """The SELECT of ``rollup_receipts``' keys and measures from the receipts matching ``where``."""
    unit = _unit(db, "receipts")
    return (f"SELECT date(returned_at, '+7 hours'), {unit}, count(*), count(response_id), "
            f"count(appointment_date), coalesce(sum(returned_at >= appointment_date || 'T17:00:00.000Z'), 0) "
            f"FROM receipts WHERE returned_at IS NOT NULL AND ({where}) GROUP BY 1, 2")


def differing(db) -> list[str]:
    """The rollup tables whose counts are not what the rows give (a hand edit of a rollup, or
    of a row behind the store's back): the figures are read from the rollups, so ``verify``
    asks this after the chain, or a count could be bent without a trace. Empty when none."""
    if not db["rollup_responses"].exists():
        return []
    wanted = {**grouped_sql(db, "1"), RECEIPTS[0]: receipts_sql(db, "1")}
    shapes = {**TABLES, RECEIPTS[0]: RECEIPTS[1:]}
    out = []
    for table, select in wanted.items():
        keys, measures = shapes[table]
        cols, counted = ", ".join(keys + measures), f"NOT ({' AND '.join(f'{m} = 0' for m in measures)})"
        stored = f"SELECT {cols} FROM [{table}] WHERE {counted}"  # keys emptied by a removal stay as zeros
        recomputed = f"SELECT {cols} FROM recomputed WHERE {counted}"
        for a, b in ((stored, recomputed), (recomputed, stored)):
            if db.execute(f"WITH recomputed({cols}) AS ({select}) SELECT 1 FROM ({a} EXCEPT {b}) LIMIT 1").fetchone():
                out.append(table)
                break
    return out


def _receipt_deltas(db, where: str, params) -> dict:
    return {RECEIPTS[0]: {tuple(r[:2]): list(r[2:]) for r in db.execute(receipts_sql(db, where), list(params))}}


@contextmanager
def receipts_changing(db, where: str, params=()):
    """Around a write to the receipts matching ``where``: their counts come out before it and
    go back in, as they are then, after it (the caller's transaction)."""
    apply(db, _receipt_deltas(db, where, params), sign=-1)
    yield
    apply(db, _receipt_deltas(db, where, params))


def rebuild(db) -> dict[str, int]:
    """Recompute every rollup from the rows (in the caller's transaction, if any).
    Returns {table: rows}."""
    create(db)
    out = fill(db, TABLES)
    rebuild_receipts(db)
    out[RECEIPTS[0]] = db.execute(f"SELECT count(*) FROM [{RECEIPTS[0]}]").fetchone()[0]
    return out


# Each monthly rollup and the daily one it sums (a month's counts are the sum of its days').
MONTHLY = {"rollup_months": "rollup_responses", "rollup_clock_months": "rollup_clock",
           "rollup_answer_months": "rollup_answers"}


def _summed_from_daily(monthly: str) -> str:
    """The SELECT of ``monthly``'s keys and measures summed from its daily table."""
    keys, measures = TABLES[monthly]
    daily_keys = TABLES[MONTHLY[monthly]][0]
    picked = [k if k in daily_keys else "substr(local_date, 1, 7)" for k in keys]  # local_month
    return (f"SELECT {', '.join(picked)}, {', '.join(f'sum([{m}])' for m in measures)} FROM [{MONTHLY[monthly]}] "
            f"GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))} "
            f"HAVING NOT ({' AND '.join(f'sum([{m}]) = 0' for m in measures)})")


def fill(db, tables) -> dict[str, int]:
    """Recompute the rollups ``tables`` (of ``TABLES``): a daily one from the rows, a monthly
    one summed from its daily one, which is refilled first or was kept in step already (on
    ten million responses grouping the rows again, answers joined, takes many minutes; the
    daily rollup is a few hundred thousand rows). ``verify`` (``differing``) still checks
    every table against the rows. Returns {table: rows}."""
    out = {}
    grouped = grouped_sql(db, "1")
    for table in sorted(tables, key=lambda t: t in MONTHLY):  # the daily tables first
        keys, measures = TABLES[table]
        daily = MONTHLY.get(table)
        select = _summed_from_daily(table) if daily and (daily in tables or db[daily].exists()) else grouped[table]
        db.execute(f"DELETE FROM [{table}]")
        db.execute(f"INSERT INTO [{table}] ({', '.join(keys + measures)}) {select}")
        out[table] = db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    return out


def rebuild_receipts(db) -> None:
    """Recompute ``rollup_receipts`` from the receipts."""
    table, keys, measures = RECEIPTS
    db.execute(f"DELETE FROM [{table}]")
    db.execute(f"INSERT INTO [{table}] ({', '.join(keys + measures)}) {receipts_sql(db)}")


def _satisfied(row: dict) -> int:
    overall, scale = row.get("overall"), row.get("scale")
    return int(overall is not None and scale is not None and overall >= scale - 1)


def _disliked(row: dict) -> int:
    overall = row.get("overall")
    if row.get("receipt") is None or overall is None:
        return 0
    return int(overall <= (1 if row.get("scale") == 3 else 2))


def contributions(rows, answer_rows) -> dict[str, dict[tuple, list[int]]]:
    """{table: {key: measures}} that ``rows`` (response dicts as stored) and their
    ``answer_rows`` (answers dicts with response_id, local_date, question_id, value,
    flagged) add to the rollups."""
    out: dict[str, dict[tuple, list[int]]] = {t: {} for t in TABLES}
    units = {}
    for row in rows:
        unit = row.get("unit")
        units[row["id"]] = unit
        rated = int(row.get("overall") is not None)
        sat = _satisfied(row)
        key = (row["local_date"], row.get("local_month"), unit, row.get("field"), row.get("procedure_code"),
               row.get("officer"), row.get("counter"), row.get("channel"), row.get("flags", ""),
               row.get("demo", 0), row.get("complete", 1))
        measures = (1, rated, sat, _disliked(row))
        _add(out["rollup_responses"], key, measures)
        _add(out["rollup_months"], key[1:], measures)
        key = (row["local_date"], row.get("local_month"), unit, row.get("local_weekday"), row.get("local_hour"),
               row.get("flags", ""))
        _add(out["rollup_clock"], key, (rated, sat))
        _add(out["rollup_clock_months"], key[1:], (rated, sat))
    for a in answer_rows:
        key = (a["local_date"], units.get(a["response_id"]), a["question_id"], a["value"], a["flagged"])
        _add(out["rollup_answers"], key, (1,))
        _add(out["rollup_answer_months"], (key[0][:7], *key[1:]), (1,))
    return out


def add(db, deltas: dict[str, dict[tuple, list[int]]]) -> None:
    """Count ``deltas`` in: now, or with the rest of the batch being group-committed
    (``group_commit.Batch``), in the same transaction either way."""
    batch = current_batch()
    if batch is None:
        return apply(db, deltas)
    if _apply_batch not in batch.before_commit:
        batch.before_commit.append(_apply_batch)
    batch.stage(deltas)


def _apply_batch(db, staged: list) -> None:
    """The rollup counts of a group commit's kept ratings, summed per row, in one pass."""
    total: dict[str, dict[tuple, list[int]]] = {t: {} for t in TABLES}
    for deltas in staged:
        for table, items in deltas.items():
            for key, values in items.items():
                _add(total[table], key, values)
    apply(db, total)


def _add(table: dict, key: tuple, measures) -> None:
    acc = table.get(key)
    if acc is None:
        table[key] = list(measures)
    else:
        for i, m in enumerate(measures):
            acc[i] += m


def subtract_where(db, where: str, params) -> None:
    """Take out of the rollups the responses matching ``where`` (``grouped_sql``'s form),
    with their answers, before they are deleted."""
    deltas: dict[str, dict[tuple, list[int]]] = {}
    for table, select in grouped_sql(db, where).items():
        n = len(TABLES[table][0])
        deltas[table] = {tuple(r[:n]): list(r[n:]) for r in db.execute(select, list(params)).fetchall()}
    apply(db, deltas, sign=-1)
