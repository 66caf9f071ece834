"""The counter tablet: one page whose script walks the citizen through the screens."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, render_template, url_for

from kiosk import clock, store
from kiosk.web import questionnaires
from kiosk.web.auth import current_kiosk
from kiosk.web.db import get_db
from survey_forms import vocabulary

bp = Blueprint("tablet", __name__)


@bp.route("/")
def index():
    """The welcome screen with the five faces (or the not-enrolled notice)."""
    kiosk = current_kiosk()
    cfg = current_app.config
    q = questionnaires.tablet()
    data = {
        "enrolled": kiosk is not None,
        "kiosk_name": kiosk["name"] if kiosk else None,
        "commune_name": cfg["COMMUNE_NAME"],
        "unit_name": cfg["UNIT_NAME"],
        "questionnaire": q.to_client(),
        "vocabulary": vocabulary.for_client(),
        "settings": {
            "idle_seconds": int(cfg["IDLE_SECONDS"]),
            "thanks_seconds": int(cfg["THANKS_SECONDS"]),
            "api_url": url_for("api.post_response"),
            "state_url": url_for("tablet.state"),
            "enrol_url": url_for("auth.enrol"),
        },
    }
    return render_template("tablet/index.html", data=data, **data)


@bp.route("/tablet/state")
def state():
    """What the tablet should show now: the dossier being returned at its counter, if any."""
    kiosk = current_kiosk()
    if kiosk is None:
        return jsonify({"error": {"code": "not_enrolled", "message": "not enrolled"}}), 401
    db = get_db()
    store.touch_kiosk(db, kiosk)
    pending = None
    if kiosk["counter"]:
        now = clock.utcnow()
        since = now - timedelta(minutes=current_app.config["RETURN_BINDING_MINUTES"])
        pending = store.pending_return(db, kiosk["counter"], since, now)
    if pending is None:
        return jsonify({"receipt": None, "procedure_name": None})
    # Only the procedure's name: never the dossier, the citizen or the officer.
    return jsonify({"receipt": pending["code"],
                    "procedure_name": pending["procedure_name"] or pending["procedure_code"]})
