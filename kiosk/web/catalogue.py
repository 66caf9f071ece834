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
from kiosk.web import scope
from kiosk.web.auth import login_required
from kiosk.web.db import get_db
from kiosk.web.errors import Refused
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
    return render_template("catalogue/procedures.html", rows=rows, q=q, errors=None, **_unit_view(db))


def _unit_view(db) -> dict:
    """What the procedure page needs about units: the codes the caller's unit hides, and
    whether the caller may change the shared catalogue."""
    from kiosk.domain.receipts import hidden_procedures
    unit = scope.caller_unit() or store.only_unit(db)
    return {"hidden": hidden_procedures(db, unit) if unit else set(), "hiding_unit": unit,
            "shared_editor": _may_edit_shared(db)}


def _may_edit_shared(db) -> bool:
    """The catalogue is shared by every unit: on a server of several units only province
    admins change it (a unit hides what it does not handle instead)."""
    return scope.caller_unit() is None or store.only_unit(db) is not None


def _shared_editors_only(db) -> None:
    if not _may_edit_shared(db):
        raise Refused(403, _(SHARED_ONLY), "shared_catalogue")


SHARED_ONLY = "Danh mục thủ tục dùng chung cho mọi đơn vị: chỉ quản trị viên cấp tỉnh sửa được; đơn vị có thể ẩn thủ tục mình không giải quyết."  # noqa: E501 (a translated message stays on one line)


@bp.route("/procedures/<code>/hidden", methods=["POST"])
@login_required("admin")
def hide_procedure(code):
    """Hide a procedure the admin's unit does not handle (or show it again): its officers
    are no longer offered it. The shared catalogue itself is unchanged."""
    db = get_db()
    if store.get_procedure(db, code) is None:
        abort(404)
    unit = scope.writing_unit()
    row = store.get_unit(db, unit) if unit else None
    if row is None:
        abort(404)
    hidden = set(row["hidden_procedures"])
    hidden ^= {code}
    store.update_unit(db, unit, hidden_procedures=sorted(hidden))
    store.audit(db, g.user["username"], "hide_procedure" if code in hidden else "show_procedure", code, unit=unit)
    flash(_("Đã ẩn thủ tục {code} ở đơn vị này.", code=code) if code in hidden
          else _("Đã hiện lại thủ tục {code} ở đơn vị này.", code=code), "ok")
    return redirect(url_for("catalogue.procedures"))


@bp.route("/procedures/new", methods=["GET", "POST"])
@bp.route("/procedures/<code>/edit", methods=["GET", "POST"])
@login_required("admin")
def edit_procedure(code=None):
    """Add a procedure, or edit the name, field and validity of one (its code stays)."""
    db = get_db()
    _shared_editors_only(db)
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
    _shared_editors_only(get_db())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Chọn một tệp CSV hoặc Excel (.xlsx)."), "error")
        return redirect(url_for("catalogue.procedures"))
    db = get_db()
    try:
        rows = read_procedures(upload.filename, upload.read())
    except BadFile as exc:
        return render_template("catalogue/procedures.html", rows=store.list_procedures(db), q="",
                               errors=exc.errors, filename=upload.filename, **_unit_view(db)), 400
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
        if officer_id is not None:  # another unit's officer is not found
            scope.own_or_404(store.get_officer(db, officer_id))
        if not name:
            flash(_("Vui lòng nhập họ tên cán bộ."), "error")
        else:
            try:
                store.save_officer(db, name, _name(request.form.get("username")) or None,
                                   active=request.form.get("active", "1") == "1",
                                   officer_id=officer_id, actor=g.user["username"],
                                   unit=scope.writing_unit())
                flash(_("Đã lưu."), "ok")
            except sqlite3.IntegrityError:
                flash(_("Tên này đã có trong danh sách."), "error")
        return redirect(url_for("catalogue.officers"))
    unit = scope.list_unit()
    return render_template("catalogue/officers.html", rows=store.list_officers(db, unit=unit),
                           users=store.list_users(db, unit))


@bp.route("/counters", methods=["GET", "POST"])
@login_required("admin")
def counters():
    """Counters (quầy), and at which counter each tablet stands."""
    db = get_db()
    if request.method == "POST":
        kiosk_id = request.form.get("kiosk_id", type=int)
        if kiosk_id is not None:  # another unit's tablet is not found
            scope.own_or_404(next((k for k in store.list_kiosks(db) if k["id"] == kiosk_id), None))
            store.set_kiosk_counter(db, kiosk_id, _name(request.form.get("counter"), 60) or None,
                                    actor=g.user["username"])
            flash(_("Đã lưu."), "ok")
            return redirect(url_for("catalogue.counters"))
        name = _name(request.form.get("name"), 60)
        counter_id = request.form.get("id", type=int)
        if counter_id is not None:
            scope.own_or_404(next((c for c in store.list_counters(db) if c["id"] == counter_id), None))
        if not name:
            flash(_("Vui lòng nhập tên quầy."), "error")
        else:
            try:
                store.save_counter(db, name, active=request.form.get("active", "1") == "1",
                                   counter_id=counter_id, actor=g.user["username"],
                                   unit=scope.writing_unit())
                flash(_("Đã lưu."), "ok")
            except sqlite3.IntegrityError:
                flash(_("Tên này đã có trong danh sách."), "error")
        return redirect(url_for("catalogue.counters"))
    unit = scope.list_unit()
    return render_template("catalogue/counters.html", rows=store.list_counters(db, unit=unit),
                           kiosks=[k for k in store.list_kiosks(db, unit) if not k["revoked"]])
