"""The questionnaires this installation uses, loaded and validated once at start.

A broken questionnaire file stops the server at start with the file, line and field,
rather than failing in front of a citizen.
"""
from __future__ import annotations

from flask import current_app

import survey_forms


def init_app(app) -> None:
    loaded = {}
    for key in ("TABLET_QUESTIONNAIRE", "PHONE_QUESTIONNAIRE"):
        name = app.config[key]
        loaded[name] = survey_forms.load(name)
    app.extensions["questionnaires"] = loaded


def get(name: str):
    """The loaded questionnaire ``name`` (None if this installation does not use it)."""
    return current_app.extensions["questionnaires"].get(name)


def tablet():
    return get(current_app.config["TABLET_QUESTIONNAIRE"])


def phone():
    return get(current_app.config["PHONE_QUESTIONNAIRE"])
