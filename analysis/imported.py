"""How many of a period's responses a commune brought with it (``import-unit``), so that
every report says which figures include ratings made on another server before it joined.

Imported ratings count like any other (they were citizens' ratings at that commune's
counter, checked against its own hash chain before they were copied); the reports only
say how many there are. ``responses.imported_from`` is NULL for a rating made here; the partial index of m015
holds only the imported rows, so the count costs nothing on a server that imported none.
"""
from __future__ import annotations

from . import queries


def imported_count(conn, date_from: str, date_to: str, unit: str | None = None) -> int:
    """Responses of local dates ``date_from``..``date_to`` (of ``unit``, or all) that came
    through ``import-unit``; 0 for a database from before imports existed."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(responses)")}
    if "imported_from" not in columns:
        return 0
    # "+unit": the unit is checked on the few imported rows; an index on unit would walk all of its rows
    where, params = queries.unit_filter(unit, column="+unit")
    return conn.execute("SELECT count(*) FROM responses WHERE local_date BETWEEN ? AND ? "
                        f"AND imported_from IS NOT NULL{where}", [date_from, date_to, *params]).fetchone()[0]
