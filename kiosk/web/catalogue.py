"""The catalogue pages: procedures (thủ tục hành chính) with CSV/Excel import and export,
officers, counters, and which tablet stands at which counter.

Everyone on the staff may look up procedures; only an admin changes the catalogue.
Writes are POST forms protected by the app-wide CSRF check.
"""
from __future__ import annotations

import sqlite3

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from kiosk import store
from kiosk.domain.catalogue import BadFile, check_procedure, procedures_csv, procedures_xlsx, read_procedures
from kiosk.web.auth import login_required
from kiosk.web.db import get_db
from kiosk.web.i18n import _

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _name(value, limit=100) -> str:
    return " ".join((value or "").split())[:limit]


@bp.route("/")
@login_required("leader", "officer")
def home():
    return redirect(url_for("catalogue.procedures"))


@bp.route("/procedures")
@login_required("leader", "officer")
def procedures():
    """The procedure list, searchable by code or name (diacritics optional)."""
    db = get_db()
    q = (request.args.get("q") or "").strip()
    rows = store.search_procedures(db, q, limit=1000) if q else store.list_procedures(db)
    return render_template("catalogue/procedures.html", rows=rows, q=q, errors=None)


@bp.route("/procedures/new", methods=["GET", "POST"])
@bp.route("/procedures/<code>/edit", methods=["GET", "POST"])
@login_required("admin")
def edit_procedure(code=None):
    """Add a procedure, or edit the name, field and validity of one (its code stays)."""
    db = get_db()
    current = store.get_procedure(db, code) if code else {}
    if code and current is None:
        abort(404)
    values, errors = dict(current or {}), {}
    if request.method == "POST":
        raw = {k: request.form.get(k, "") for k in ("code", "name", "field", "valid_from", "valid_to")}
        if code:
            raw["code"] = code
        values, errors = check_procedure(raw)
        if not code and not errors and store.get_procedure(db, values["code"]):
            errors["code"] = _("Mã thủ tục này đã có trong danh mục.")
        if not errors:
            store.save_procedure(db, values, g.user["username"])
            flash(_("Đã lưu thủ tục {code}.", code=values["code"]), "ok")
            return redirect(url_for("catalogue.procedures"))
    return render_template("catalogue/procedure_form.html", values=values, errors=errors, code=code)


@bp.route("/procedures/import", methods=["POST"])
@login_required("admin")
def import_procedures():
    """Import a CSV or Excel list: every row is checked first; one bad row imports nothing."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Chọn một tệp CSV hoặc Excel (.xlsx)."), "error")
        return redirect(url_for("catalogue.procedures"))
    db = get_db()
    try:
        rows = read_procedures(upload.filename, upload.read())
    except BadFile as exc:
        return render_template("catalogue/procedures.html", rows=store.list_procedures(db), q="",
                               errors=exc.errors, filename=upload.filename), 400
    count = store.replace_procedures(db, rows, g.user["username"])
    flash(_("Đã nhập {n} thủ tục từ {file}.", n=count, file=upload.filename), "ok")
    return redirect(url_for("catalogue.procedures"))


@bp.route("/procedures.<fmt>")
@login_required("leader")
def export_procedures(fmt):
    """The procedure list as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    rows = store.list_procedures(get_db())
    if fmt == "csv":
        data, mimetype = procedures_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data, mimetype = procedures_xlsx(rows), XLSX
    else:
        abort(404)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=thu-tuc.{fmt}"})


@bp.route("/officers", methods=["GET", "POST"])
@login_required("admin")
def officers():
    """Officers (cán bộ) named on receipts, each optionally linked to a staff user name."""
    db = get_db()
    if request.method == "POST":
        name = _name(request.form.get("name"))
        officer_id = request.form.get("id", type=int)
        if not name:
            flash(_("Vui lòng nhập họ tên cán bộ."), "error")
        else:
            try:
                store.save_officer(db, name, _name(request.form.get("username")) or None,
                                   active=request.form.get("active", "1") == "1",
                                   officer_id=officer_id, actor=g.user["username"],
                                   unit=g.user.get("unit") or store.only_unit(db))
                flash(_("Đã lưu."), "ok")
            except sqlite3.IntegrityError:
                flash(_("Tên này đã có trong danh sách."), "error")
        return redirect(url_for("catalogue.officers"))
    return render_template("catalogue/officers.html", rows=store.list_officers(db),
                           users=store.list_users(db))


@bp.route("/counters", methods=["GET", "POST"])
@login_required("admin")
def counters():
    """Counters (quầy), and at which counter each tablet stands."""
    db = get_db()
    if request.method == "POST":
        kiosk_id = request.form.get("kiosk_id", type=int)
        if kiosk_id is not None:
            store.set_kiosk_counter(db, kiosk_id, _name(request.form.get("counter"), 60) or None,
                                    actor=g.user["username"])
            flash(_("Đã lưu."), "ok")
            return redirect(url_for("catalogue.counters"))
        name = _name(request.form.get("name"), 60)
        if not name:
            flash(_("Vui lòng nhập tên quầy."), "error")
        else:
            try:
                store.save_counter(db, name, active=request.form.get("active", "1") == "1",
                                   counter_id=request.form.get("id", type=int), actor=g.user["username"],
                                   unit=g.user.get("unit") or store.only_unit(db))
                flash(_("Đã lưu."), "ok")
            except sqlite3.IntegrityError:
                flash(_("Tên này đã có trong danh sách."), "error")
        return redirect(url_for("catalogue.counters"))
    return render_template("catalogue/counters.html", rows=store.list_counters(db),
                           kiosks=[k for k in store.list_kiosks(db) if not k["revoked"]])
