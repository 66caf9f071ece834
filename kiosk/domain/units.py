"""Per-unit settings: each commune on a province server has its own names for screens and
reports, its own opening hours and holidays, its own report recipients; everything it does
not set comes from the installation's settings."""
from __future__ import annotations

from collections.abc import Mapping

# The settings a unit may override (``units.settings``); the rest are the installation's.
PER_UNIT = ("COMMUNE_NAME", "UNIT_NAME", "PLACE_NAME", "OPENING_HOURS", "HOLIDAYS", "REPORT_RECIPIENTS")


def unit_settings(settings: Mapping, unit_row: Mapping | None) -> dict:
    """The installation's ``settings`` overlaid with ``unit_row``'s overrides (its
    ``settings`` dict, or that dict as JSON text); ``unit_row`` None gives the installation's
    own. A unit without its own COMMUNE_NAME is named by its ``name`` and ``province``,
    except the first unit (``UNIT_CODE``): a single commune keeps naming itself in
    instance/config.py as before. Adds ``UNIT`` (the unit's code, or None) so that whoever
    reads the result knows whose settings these are."""
    out = dict(settings)
    out["UNIT"] = None
    if not unit_row:
        return out
    overrides = unit_row.get("settings") or {}
    if isinstance(overrides, str):
        import json
        overrides = json.loads(overrides or "{}")
    if unit_row.get("code") != settings.get("UNIT_CODE"):
        if unit_row.get("name"):
            out["COMMUNE_NAME"] = unit_row["name"]
        if unit_row.get("province"):
            out["PROVINCE_NAME"] = unit_row["province"]
    out.update({k: v for k, v in overrides.items() if k in PER_UNIT})
    out["UNIT"] = unit_row.get("code")
    return out
