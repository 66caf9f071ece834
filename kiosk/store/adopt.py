"""The first start with units: every row written before units existed joins the first unit.

``db.init_db`` runs this right after the migrations, with the settings that name the unit
(a migration cannot know them); it lives apart from ``units`` because ``db`` needs it and
``units`` needs ``db``.
"""
from __future__ import annotations

from kiosk.store.migrations import UNIT_TABLES

# The tables whose existing rows join the first unit. report_heads is append-only (its
# triggers refuse UPDATE) and its old rows were heads of the whole installation: NULL.
ADOPTED = tuple(t for t in UNIT_TABLES if t != "report_heads")


def adopt_first_unit(db, config) -> str | None:
    """On the first start with units: make the first unit from the settings (``UNIT_CODE``,
    ``COMMUNE_NAME``, ``PROVINCE_NAME``) and put every existing row into it. Idempotent: once
    a unit exists this only keeps the first unit's name and province as the settings say
    (a commune that renames itself in instance/config.py is renamed in ``list-units`` too).
    Returns the code made, or None."""
    if db.execute("SELECT 1 FROM units LIMIT 1").fetchone() is not None:
        db.execute("UPDATE units SET name = ?, province = ? WHERE code = ? AND (name IS NOT ? OR province IS NOT ?)",
                   [config["COMMUNE_NAME"], config["PROVINCE_NAME"], config["UNIT_CODE"],
                    config["COMMUNE_NAME"], config["PROVINCE_NAME"]])
        return None
    from kiosk.clock import iso, utcnow
    code = config["UNIT_CODE"]
    now = iso(utcnow())
    with db.atomic():
        db.execute("INSERT INTO units (code, name, province, created_at, settings, hidden_procedures) "
                   "VALUES (?, ?, ?, ?, '{}', '[]')",
                   [code, config["COMMUNE_NAME"], config["PROVINCE_NAME"], now])
        for table in ADOPTED:
            db.execute(f"UPDATE [{table}] SET unit = ? WHERE unit IS NULL", [code])
    return code
