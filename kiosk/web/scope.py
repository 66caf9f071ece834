"""Which unit a request may see and change (issue 15 points 4 and 8).

A unit's staff, tablets and tokens see only their own unit: without ``?unit=`` they get
it, with another unit's code they get 403, and a row of another unit (a receipt, a
complaint, a tablet, an account) is "not found". Province staff (users and tokens of every
unit) see any unit with ``?unit=CODE`` and the whole installation without it. A single
commune has one unit and notices none of this.

Every view that reads or changes rows of a unit goes through ``requested_unit`` (figures)
or ``own_or_404`` (one row); ``tests/test_units_isolation.py`` walks the URL map and fails
on a route nobody classified.
"""
from __future__ import annotations

from flask import abort, current_app, g, request

from kiosk import store
from kiosk.domain.units import unit_settings
from kiosk.web.db import get_db
from kiosk.web.errors import Refused
from kiosk.web.i18n import _

OTHER_UNIT = "Ông/Bà chỉ được xem và thay đổi dữ liệu của đơn vị mình."
NO_SUCH_UNIT = "Không có đơn vị này."


def caller_unit(principal=None) -> str | None:
    """The unit of the caller (``principal``, else the signed-in user), None for province staff."""
    if principal is not None:
        return principal.unit
    user = g.get("user")
    return user.get("unit") if user else None


def requested_unit(principal=None) -> str | None:
    """The unit whose figures this request is about: ``?unit=CODE`` checked against the
    caller. A unit's caller gets its own unit (another code → 403); a province caller gets
    the unit asked for (unknown → 404), or None for the whole installation."""
    wanted = (request.args.get("unit") or "").strip() or None
    mine = caller_unit(principal)
    if mine is not None:
        if wanted is not None and wanted != mine:
            raise Refused(403, _(OTHER_UNIT), "other_unit")
        return mine
    if wanted is not None and store.get_unit(get_db(), wanted) is None:
        raise Refused(404, _(NO_SUCH_UNIT), "unknown_unit")
    return wanted


def sees(row: dict | None, principal=None) -> bool:
    """Whether the caller may see ``row`` (anything with a ``unit``)."""
    if row is None:
        return False
    mine = caller_unit(principal)
    return mine is None or row.get("unit") == mine


def own_or_404(row: dict | None, principal=None) -> dict:
    """``row`` when the caller may see it; another unit's row is not found (404)."""
    if not sees(row, principal):
        abort(404)
    return row


def list_unit(principal=None) -> str | None:
    """The unit a staff list (receipts, complaints, tablets, accounts) is limited to: the
    caller's own, or for province staff ``?unit=`` (None: every unit)."""
    return requested_unit(principal)


def writing_unit(principal=None) -> str | None:
    """The unit a new row made by the caller belongs to: the caller's, or for province staff
    the unit asked for (``?unit=`` or a form's ``unit``), else the only unit."""
    mine = caller_unit(principal)
    if mine is not None:
        return mine
    wanted = (request.values.get("unit") or "").strip()
    if wanted and store.get_unit(get_db(), wanted) is not None:
        return wanted
    return store.only_unit(get_db())


def config_for(unit: str | None) -> dict:
    """The settings as ``unit`` sees them (its names, hours, holidays). For the whole
    installation: the only unit's when there is one (a single commune notices nothing),
    else the province's own (``PROVINCE_BODY_NAME`` heads its reports)."""
    db = get_db()
    code = unit or store.only_unit(db)
    if code is not None:
        return unit_settings(current_app.config, store.get_unit(db, code))
    cfg = unit_settings(current_app.config, None)
    cfg["COMMUNE_NAME"] = cfg["PROVINCE_NAME"]
    cfg["UNIT_NAME"] = cfg["PROVINCE_BODY_NAME"]
    return cfg


def report_meta(unit: str | None) -> dict:
    """The heading of a report about ``unit`` (None: the whole installation)."""
    cfg = config_for(unit)
    return {"commune": cfg["COMMUNE_NAME"], "unit": cfg["UNIT_NAME"],
            "province": cfg["PROVINCE_NAME"], "place": cfg["PLACE_NAME"]}


def units_for_picker() -> list[dict]:
    """The units a province caller may pick on a page (none for a unit's own staff, or a
    single commune)."""
    if caller_unit() is not None:
        return []
    units = store.list_units(get_db())
    return units if len(units) > 1 else []


def silent_kiosks(unit: str | None, now) -> list[dict]:
    """The tablets of ``unit`` (None: every unit) silent while their own unit is open."""
    from kiosk.domain.integrity import silent_kiosks as silent
    kiosks = store.list_kiosks(get_db(), unit)
    out = []
    for code in dict.fromkeys(k.get("unit") for k in kiosks):
        out += silent([k for k in kiosks if k.get("unit") == code], now, config_for(code))
    return out


def init_app(app) -> None:
    """Pages of a unit's staff or tablet show that unit's names (``config`` in templates);
    province staff on a server of several units see the province's."""
    @app.context_processor
    def _unit_config():
        unit_cfg = g.get("unit_config")
        if unit_cfg is None and g.get("user"):  # province staff: the province's names on a shared server
            unit_cfg = g.unit_config = config_for(g.user.get("unit"))
        return {"config": unit_cfg} if unit_cfg is not None else {}
