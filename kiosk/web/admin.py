"""Pages for the commune's staff: overview and tablets; staff accounts for the admin."""
from __future__ import annotations

from ipaddress import ip_address

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from kiosk import store
from kiosk.clock import utcnow
from kiosk.domain import backups
from kiosk.settings import email_or_empty
from kiosk.store import alerts as alert_store
from kiosk.store import report_sends
from kiosk.web import scope
from kiosk.web.auth import ROLES, hash_password, login_required
from kiosk.web.db import get_db
from kiosk.web.i18n import ROLE_LABELS, _
from survey_forms.forms import choice_list

bp = Blueprint("admin", __name__, url_prefix="/admin")


BAD_EMAIL = "Địa chỉ thư điện tử không hợp lệ, ví dụ: chutich@xamau.gov.vn."


def email_address(form, field):
    """One e-mail address or nothing, checked as the settings check REPORT_RECIPIENTS."""
    try:
        field.data = email_or_empty(field.data or "")
    except ValueError:
        raise ValidationError(BAD_EMAIL) from None


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[
        DataRequired("Vui lòng điền mục này."), Length(3, 40),
        Regexp(r"^[A-Za-z0-9._-]+$", message="Chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang.")])
    full_name = StringField("Họ tên", validators=[Length(max=100)])
    email = StringField("Thư điện tử", validators=[Length(max=200), email_address])
    role = SelectField("Vai trò", choices=choice_list((r, r) for r in ROLES))
    unit = SelectField("Đơn vị", choices=[], validate_choice=False)  # province admins only
    password = PasswordField("Mật khẩu", validators=[
        DataRequired("Vui lòng điền mục này."), Length(8, 200, message="Mật khẩu cần ít nhất 8 ký tự.")])


class EmailForm(FlaskForm):
    email = StringField("Thư điện tử", validators=[Length(max=200), email_address])


class PasswordForm(FlaskForm):
    password = PasswordField("Mật khẩu mới", validators=[
        DataRequired("Vui lòng điền mục này."), Length(8, 200, message="Mật khẩu cần ít nhất 8 ký tự.")])


class FullNameForm(FlaskForm):
    full_name = StringField("Họ tên", validators=[Length(max=100)])


class ActionForm(FlaskForm):
    """CSRF only: for buttons that change one thing."""


def offline_copy_possible(scheme: str, host: str) -> bool:
    """Can a tablet opening this address keep an offline copy (a service worker)? Browsers
    allow one only on HTTPS or on the machine itself (localhost, 127.0.0.1, ::1)."""
    if scheme == "https":
        return True
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


@bp.route("/")
@login_required()
def home():
    """Overview: how many ratings, which tablets and when each was last heard from."""
    from kiosk.domain import health
    db = get_db()
    unit = scope.list_unit()
    kiosks = store.list_kiosks(db, unit)
    now = utcnow()
    total = store.count_responses(db, unit=unit) if unit else store.count_responses(db)
    return render_template("admin/home.html", total=total, kiosks=kiosks,
                           silent=scope.silent_kiosks(unit, now),
                           offline_copy=offline_copy_possible(request.scheme, request.host),
                           storage_problem=health.problem(current_app.config["DATABASE"]),
                           backup=backups.status(db, current_app.config, now),
                           heads=store.report_heads(db, limit=10, unit=unit), chain=store.chain_head(db, unit),
                           sends=_labelled(report_sends.list_sends(db, limit=12, unit=unit)),
                           several_units=unit is None and len(store.list_units(db)) > 1,
                           alerts=(alert_store.list_alerts(db, unit=unit)
                                   if g.user["role"] in ("leader", "admin") else []),
                           action=ActionForm())


def _labelled(sends: list[dict]) -> list[dict]:
    """Each scheduled report named as its e-mail names it: "Tháng 11/2026", "Quý IV/2026"."""
    from analysis.plain import period_label
    return [dict(s, label=period_label(s["period_from"], s["period_to"])) for s in sends]


@bp.route("/kiosks/<int:kiosk_id>/revoke", methods=["POST"])
@login_required("admin")
def revoke_kiosk(kiosk_id: int):
    """Stop a lost or replaced tablet from submitting (its queued ratings wait for re-enrolment)."""
    scope.own_or_404(next((k for k in store.list_kiosks(get_db()) if k["id"] == kiosk_id), None))
    if ActionForm().validate_on_submit():
        store.revoke_kiosk(get_db(), kiosk_id, g.user["username"])
        flash(_("Đã thu hồi máy tính bảng. Đăng ký lại máy tại trang /enrol nếu cần."), "ok")
    return redirect(url_for(".home"))


@bp.route("/users", methods=["GET", "POST"])
@login_required("admin")
def users():
    """Staff accounts: add one, reset a password, switch one off."""
    db = get_db()
    form = UserForm()
    form.role.choices = choice_list((r, _(ROLE_LABELS[r])) for r in ("officer", "leader", "admin"))
    units = scope.units_for_picker()  # a province admin on a server of several units picks one
    form.unit.choices = choice_list([("", _("Mọi đơn vị (cán bộ cấp tỉnh)"))] +
                                    [(u["code"], f"{u['name']} ({u['code']})") for u in units])
    if form.validate_on_submit():
        name = form.username.data.strip()
        unit = _new_users_unit(form.unit.data, units)
        if store.get_user(db, username=name) or any(u["username"] == name for u in store.list_users(db)):
            flash(_("Tên đăng nhập này đã có."), "error")
        else:
            store.create_user(db, name, hash_password(form.password.data), form.role.data,
                              (form.full_name.data or "").strip() or None, unit=unit,
                              email=form.email.data or None)
            store.audit(db, g.user["username"], "create_user", f"{name} ({form.role.data})", unit=unit)
            flash(_("Đã tạo tài khoản {name}.", name=name), "ok")
            return redirect(url_for(".users"))
    unit = scope.list_unit()
    return render_template("admin/users.html", form=form, users=store.list_users(db, unit),
                           tokens=store.list_tokens(db, unit), roles=ROLES, units=units,
                           password_form=PasswordForm(), name_form=FullNameForm(), email_form=EmailForm(),
                           action=ActionForm(),
                           ROLE_LABELS=ROLE_LABELS)


def _new_users_unit(chosen: str | None, units: list[dict]) -> str | None:
    """A unit admin's new accounts are of their unit; a province admin's of the unit picked
    ("" = every unit), or of the only unit on a single commune's server."""
    mine = scope.caller_unit()
    if mine is not None:
        return mine
    if units:
        return chosen if chosen in {u["code"] for u in units} else None
    return store.only_unit(get_db())


def _user_or_404(user_id: int) -> dict:
    """The account ``user_id``, if it is of the admin's unit (a province admin: any)."""
    return scope.own_or_404(next((u for u in store.list_users(get_db()) if u["id"] == user_id), None))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@login_required("admin")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        store.set_password(get_db(), user["username"], hash_password(form.password.data))
        store.audit(get_db(), g.user["username"], "reset_password", user["username"])
        flash(_("Đã đặt lại mật khẩu cho {name}.", name=user["username"]), "ok")
    else:
        flash(_("Mật khẩu cần ít nhất 8 ký tự."), "error")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@login_required("admin")
def toggle_user(user_id: int):
    user = _user_or_404(user_id)
    if ActionForm().validate_on_submit():
        if user["id"] == g.user["id"]:
            flash(_("Không thể tự khóa tài khoản đang dùng."), "error")
        else:
            store.set_user_active(get_db(), user_id, not user["active"], g.user["username"])
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@login_required("admin")
def change_role(user_id: int):
    """A new role for a staff account; every session of that user ends (signed in with the old one)."""
    user = _user_or_404(user_id)
    role = request.form.get("role")
    if ActionForm().validate_on_submit() and role in ROLES and role != user["role"]:
        if user["id"] == g.user["id"]:
            flash(_("Không thể tự đổi vai trò của tài khoản đang dùng."), "error")
        else:
            store.set_role(get_db(), user_id, role, g.user["username"])
            flash(_("Đã đổi vai trò của {name}; các phiên đăng nhập của tài khoản này đã kết thúc.",
                    name=user["username"]), "ok")
    return redirect(url_for(".users"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required("admin")
def revoke_token(token_id: int):
    """Revoke an API token (a leaked leader token downloads everything): it stops at once."""
    scope.own_or_404(next((t for t in store.list_tokens(get_db()) if t["id"] == token_id), None))
    if ActionForm().validate_on_submit() and store.revoke_tokens(get_db(), g.user["username"], token_id=token_id):
        flash(_("Đã thu hồi mã truy cập."), "ok")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/full-name", methods=["POST"])
@login_required("admin")
def set_full_name(user_id: int):
    """The person's name (họ tên) shown on receipts, in the inbox and in reports."""
    user = _user_or_404(user_id)
    form = FullNameForm()
    if form.validate_on_submit():
        name = (form.full_name.data or "").strip()
        store.set_full_name(get_db(), user["username"], name)
        store.audit(get_db(), g.user["username"], "set_full_name", f"{user['username']}: {name}")
        flash(_("Đã lưu họ tên của {name}.", name=user["username"]), "ok")
    else:
        flash(_("Họ tên dài quá 100 ký tự."), "error")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/email", methods=["POST"])
@login_required("admin")
def set_email(user_id: int):
    """Where a leader's or an admin's alerts go; empty: no alerts by e-mail."""
    user = _user_or_404(user_id)
    form = EmailForm()
    if form.validate_on_submit():
        store.set_email(get_db(), user["username"], form.email.data)
        store.audit(get_db(), g.user["username"], "set_email", f"{user['username']}: {form.email.data}")
        flash(_("Đã lưu địa chỉ thư điện tử của {name}.", name=user["username"]), "ok")
    else:
        flash(_("Địa chỉ thư điện tử không hợp lệ, ví dụ: chutich@xamau.gov.vn."), "error")
    return redirect(url_for(".users"))


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@login_required("leader")
def acknowledge_alert(alert_id: int):
    """A leader or admin has seen to an alert: it leaves the overview, who and when are kept."""
    if ActionForm().validate_on_submit():
        if alert_store.acknowledge(get_db(), alert_id, g.user["username"], utcnow(), unit=scope.caller_unit()):
            store.audit(get_db(), g.user["username"], "acknowledge_alert", str(alert_id))
            flash(_("Đã xác nhận cảnh báo."), "ok")
    return redirect(url_for(".home"))
