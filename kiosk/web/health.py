"""The doctor's findings on the staff pages: the banner in ``base.html``.

Administrators see every problem on every staff page (they can fix them); officers see
what prints on the slips (the QR codes' address, the unit's names) on the receipt pages. The list is
``kiosk.domain.doctor.examine``, the same that ``python -m kiosk doctor`` prints.
"""
from __future__ import annotations

from flask import current_app, g, request

from kiosk.clock import utcnow
from kiosk.domain import doctor
from kiosk.web.db import get_db
from kiosk.web.i18n import get_locale


def staff_warnings() -> list[dict]:
    """[{"check", "text"}] for the signed-in staff member, in the page's language."""
    user = g.get("user")
    if not user or request.blueprint in (None, "phone", "tablet", "api", "health"):
        return []
    if user["role"] == "admin":
        wanted = None
    elif user["role"] == "officer" and request.blueprint in ("admin", "receipts"):
        wanted = {"public_address", "unit_names"}  # both print on the slips
    else:
        return []
    problems = doctor.examine(current_app.config, get_db(), current_app.instance_path, utcnow())
    lang = get_locale()
    catalog = current_app.extensions["i18n"].get(lang, {}) if lang != "vi" else {}
    if request.endpoint == "admin.home":  # the overview's backup card says it already
        problems = [p for p in problems if p.check != "backup"]
    return [{"check": p.check, "text": p.render(catalog)} for p in problems
            if wanted is None or p.check in wanted]


def init_app(app) -> None:
    app.jinja_env.globals["staff_warnings"] = staff_warnings
