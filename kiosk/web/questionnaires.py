"""The questionnaires this installation uses, loaded and validated once at start.

A broken questionnaire file stops the server at start with the file, line and field,
rather than failing in front of a citizen.
"""
from __future__ import annotations

from flask import current_app

import survey_forms
from kiosk.domain.intake import Forms


def init_app(app) -> None:
    app.extensions["questionnaires"] = Forms(tablet=survey_forms.load(app.config["TABLET_QUESTIONNAIRE"]),
                                             phone=survey_forms.load(app.config["PHONE_QUESTIONNAIRE"]))


def forms() -> Forms:
    """This installation's questionnaires (the tablet's and the phone form's)."""
    return current_app.extensions["questionnaires"]


def tablet():
    return forms().tablet


def phone():
    return forms().phone
