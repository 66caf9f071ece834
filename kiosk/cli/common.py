"""What every command needs: the app (for commands that serve or read settings), and the
database path without the app (for commands that must work while the web layer is broken)."""
from __future__ import annotations


def _app():
    from kiosk import create_app
    return create_app()


def _database() -> str:
    """The database path, without building the app: ``backup`` and ``verify`` must work
    while a questionnaire file (or the web layer) is broken."""
    from flask import Config

    from kiosk import instance_path
    folder = instance_path()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = Config(str(folder))
    config["DATABASE"] = str(folder / "kiosk.db")
    config.from_pyfile("config.py", silent=True)
    return config["DATABASE"]


def _settings() -> dict | None:
    """The installation's checked settings without building the app (for the first unit's
    names when ``verify`` or ``backup`` is the first to open a database after an upgrade),
    or None when a setting is malformed (those commands must work all the same)."""
    import os

    from flask import Config

    from kiosk import instance_path, settings
    config = Config(str(instance_path()))
    config.from_mapping(settings.defaults())
    config.from_pyfile("config.py", silent=True)
    config.update(settings.from_environment(os.environ))
    try:
        return settings.check(config)
    except settings.SettingsError:
        return None
