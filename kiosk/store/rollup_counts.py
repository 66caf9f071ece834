"""Adding counts to the rollup tables (``kiosk.store.rollups``), in the caller's
transaction: each table's key and count columns, and the statements that add to them.

A batch of ratings adds to a few rows of each table and a bulk insert to hundreds: several
rows of a table are counted in one statement (an UPDATE … FROM a VALUES list, then an INSERT
of the keys that had no row), because each statement is a turn of the GIL for the one thread
that writes; a single row, or an SQLite older than 3.33, takes a plain UPDATE (and INSERT)
per row.
"""
from __future__ import annotations

import functools
import sqlite3

TABLES = {
    "rollup_responses": (("local_date", "local_month", "unit", "field", "procedure_code", "officer", "counter",
                          "channel", "flags", "demo", "complete"),
                         ("responses", "rated", "satisfied", "dislikes")),
    "rollup_months": (("local_month", "unit", "field", "procedure_code", "officer", "counter", "channel", "flags",
                       "demo", "complete"), ("responses", "rated", "satisfied", "dislikes")),
    "rollup_clock": (("local_date", "local_month", "unit", "local_weekday", "local_hour", "flags"),
                     ("rated", "satisfied")),
    "rollup_clock_months": (("local_month", "unit", "local_weekday", "local_hour", "flags"), ("rated", "satisfied")),
    "rollup_answers": (("local_date", "unit", "question_id", "value", "flagged"), ("answers",)),
    "rollup_answer_months": (("local_month", "unit", "question_id", "value", "flagged"), ("answers",)),
}


# Dossiers returned per local date of return (Asia/Ho_Chi_Minh, UTC+7) and unit: returned,
# rated (a response bound), with an appointment date, overdue (returned after its local end).
RECEIPTS = ("rollup_receipts", ("returned_date", "unit"), ("returned", "rated", "with_appointment", "overdue"))


@functools.cache
def _statements(table: str) -> tuple[str, str, tuple]:
    """(UPDATE adding to a row, INSERT of a new row, measure columns) of a rollup table."""
    keys, measures = RECEIPTS[1:] if table == RECEIPTS[0] else TABLES[table]
    match = " AND ".join(f"[{k}] IS ?" for k in keys)
    update = (f"UPDATE [{table}] SET " + ", ".join(f"[{m}] = [{m}] + ?" for m in measures)
              + f" WHERE {match}")
    insert = (f"INSERT INTO [{table}] ({', '.join(keys + measures)}) "
              f"VALUES ({', '.join('?' * (len(keys) + len(measures)))})")
    return update, insert, tuple(measures)


# SQLite 3.33 (2020) and later update many rows from a VALUES list in one statement.
UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33, 0)
# the fewest '?' any SQLite build allows in one statement (responses._insert uses it too; this
# module imports nothing of the store, so that the schema's migrations may import it)
MAX_VARIABLES = 999


@functools.cache
def _together(table: str, rows: int) -> tuple[str, str]:
    """(UPDATE adding ``rows`` keys' counts to their rows, INSERT of those of them that have
    no row yet) of a rollup table, both over one VALUES list of keys then counts."""
    keys, measures = RECEIPTS[1:] if table == RECEIPTS[0] else TABLES[table]
    n = len(keys) + len(measures)
    values = ", ".join(["(" + ", ".join("?" * n) + ")"] * rows)
    sets = ", ".join(f"[{m}] = [{table}].[{m}] + v.column{len(keys) + i + 1}" for i, m in enumerate(measures))
    match = " AND ".join(f"[{table}].[{k}] IS v.column{i + 1}" for i, k in enumerate(keys))
    update = f"UPDATE [{table}] SET {sets} FROM (VALUES {values}) AS v WHERE {match}"
    exists = " AND ".join(f"t.[{k}] IS v.column{i + 1}" for i, k in enumerate(keys))
    insert = (f"INSERT INTO [{table}] ({', '.join(keys + measures)}) SELECT * FROM (VALUES {values}) AS v "
              f"WHERE NOT EXISTS (SELECT 1 FROM [{table}] t WHERE {exists})")
    return update, insert


def apply(db, deltas: dict[str, dict[tuple, list[int]]], sign: int = 1) -> None:
    """Add (``sign`` 1) or subtract (-1) ``deltas`` from the rollups, in the caller's
    transaction; a row whose counts all reach 0 is removed. Several rows of a table are
    counted in one statement (a batch of ratings adds to a few rows of each table, and each
    statement is a turn of the GIL for the writer), one row with a plain UPDATE."""
    for table, items in deltas.items():
        counted = [(key, [sign * v for v in values]) for key, values in items.items()
                   if any(values)]  # nothing to count: a response without a main rating, on the clock
        if not counted:
            continue
        update, insert, measures = _statements(table)
        execute = db.conn.execute
        if UPDATE_FROM and len(counted) > 1:
            per = MAX_VARIABLES // (len(counted[0][0]) + len(measures))
            for start in range(0, len(counted), per):
                chunk = counted[start:start + per]
                together, missing = _together(table, len(chunk))
                params = [x for key, signed in chunk for x in (*key, *signed)]
                if execute(together, params).rowcount < len(chunk):  # some keys have no row yet
                    execute(missing, params)
        else:
            for key, signed in counted:
                if execute(update, [*signed, *key]).rowcount == 0:
                    execute(insert, [*key, *signed])
        if sign < 0:
            execute(f"DELETE FROM [{table}] WHERE " + " AND ".join(f"[{m}] = 0" for m in measures))
