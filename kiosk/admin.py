"""Pages for the commune's staff: overview, tablets."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from . import store
from .integrity import silent_kiosks
from .timeutil import utcnow
from .auth import login_required
from .db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@login_required()
def home():
    """Overview: how many ratings, which tablets and when each was last heard from."""
    db = get_db()
    kiosks = store.list_kiosks(db)
    return render_template("admin/home.html", total=store.count_responses(db), kiosks=kiosks,
                           silent=silent_kiosks(kiosks, utcnow(), current_app.config))
