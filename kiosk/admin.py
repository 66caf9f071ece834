"""Pages for the commune's staff: overview, tablets."""
from __future__ import annotations

from flask import Blueprint, render_template

from . import store
from .auth import login_required
from .db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@login_required()
def home():
    """Overview: how many ratings, which tablets and when each was last heard from."""
    db = get_db()
    return render_template("admin/home.html", total=store.count_responses(db),
                           kiosks=store.list_kiosks(db), recent=store.list_responses(db, 0))
