"""The request's database connection: one per request, on ``flask.g``.

waitress serves from several threads and a SQLite connection belongs to its thread, so
the connection lives on ``g`` and is closed when the request ends. Opening it (pragmas,
migrations) is the store's business: ``kiosk.store.db``.
"""
from __future__ import annotations

import sqlite_utils
from flask import current_app, g

from kiosk.store.db import connect, init_db


def get_db() -> sqlite_utils.Database:
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def init_app(app) -> None:
    init_db(app.config["DATABASE"], app.config)
    app.teardown_appcontext(close_db)
