"""Hài lòng: the satisfaction kiosk of a commune's one-stop counter.

``create_app`` follows Flask's tutorial: the defaults of ``kiosk.settings``, then
``instance/config.py``, then ``KIOSK_*`` environment variables, then the test mapping;
every setting is checked before the app is made. The instance folder, its secret key
and the database are created on first run.

Rooms by layer, arrows down only: ``web`` (blueprints, templates, static) → ``domain``
(rules, the one submission service) → ``store`` (the only code that touches tables).
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import settings

if TYPE_CHECKING:
    from flask import Flask


def instance_path() -> Path:
    return Path(os.environ.get("KIOSK_INSTANCE", "instance")).resolve()


def _secret_key(folder: Path) -> str:
    """Read the instance's secret key, generating it on first run (never committed)."""
    path = folder / "secret_key"
    if not path.exists():  # created 0600: never readable by others, not even for a moment
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32))
    _private(path, 0o600)
    return path.read_text(encoding="ascii").strip()


def _private(path: Path, mode: int) -> None:
    """The instance holds phone numbers, password hashes and the secret key: 0700/0600."""
    try:
        path.chmod(mode)
    except OSError:
        pass


DEMO_DATABASE = "demo.db"  # python -m kiosk demo-data writes here, and only here

# Flask's own settings that an installation has no reason to change.
FIXED = {
    "WTF_CSRF_TIME_LIMIT": None,  # a tablet page stays open all day
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "JSON_AS_ASCII": False,
}


def create_app(test_config: dict | None = None) -> Flask:
    """The app for the instance folder (``KIOSK_INSTANCE``, or ``INSTANCE`` in tests).
    Raises settings.SettingsError naming every malformed setting."""
    folder = Path(test_config.get("INSTANCE", instance_path())) if test_config else instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    _private(folder, 0o700)
    here = Path(__file__).parent / "web"
    from flask import Flask  # here: the writer process (kiosk.store.writer) needs no Flask
    app = Flask(__name__, instance_path=str(folder), instance_relative_config=True,
                template_folder=str(here / "templates"), static_folder=str(here / "static"))
    app.config.from_mapping(DATABASE=str(folder / "kiosk.db"), **FIXED, **settings.defaults())
    config_file = folder / "config.py"
    if not config_file.exists():
        config_file.write_text(settings.config_template(), encoding="utf-8")
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment(os.environ))
    if test_config:
        app.config.update(test_config)
    app.config.update(settings.check(app.config))
    if app.config["DEMO_MODE"] and not (test_config and "DATABASE" in test_config):
        app.config["DATABASE"] = str(folder / DEMO_DATABASE)  # demo data never in kiosk.db
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(folder)
    elif app.config["SECRET_KEY"] in ("dev", "change-me") and not app.testing:
        print("WARNING: a default SECRET_KEY is in use; remove it from config.py", file=sys.stderr)

    from kiosk import web
    web.init_app(app)
    return app
