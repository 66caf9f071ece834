"""Staff as people: the full name (họ tên) where a page shows who did something."""
from __future__ import annotations

from flask import g

from kiosk import store
from kiosk.web.db import get_db


def staff_name(username: str | None) -> str:
    """The full name of a staff account, else its user name ("—" for nobody)."""
    if not username:
        return "—"
    if "staff_names" not in g:
        g.staff_names = store.display_names(get_db())
    return g.staff_names.get(username, username)


def init_app(app) -> None:
    app.jinja_env.globals["staff_name"] = staff_name
