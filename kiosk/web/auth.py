"""Who is asking: staff users and roles, API tokens, and enrolled tablets.

Roles: ``admin`` (everything, enrols tablets), ``leader`` (dashboard, reports,
complaints), ``officer`` (receipts at the counter). Tablets are not users: an admin signs
in on the tablet once and names it; the tablet then holds a long-lived device credential
in an HttpOnly cookie, so no CSRF token can expire under a page left open all day.
"""
from __future__ import annotations

import functools
import re
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from kiosk import store
from kiosk.domain import text
from kiosk.domain.credentials import hash_password, hash_token, new_token, password_matches  # noqa: F401
from kiosk.domain.principals import Principal
from kiosk.web.db import get_db
from kiosk.web.i18n import _
from kiosk.web.throttles import login_throttle

ROLES = ("admin", "leader", "officer")
TOKEN_ROLES = ("officer", "leader", "kiosk")
DEVICE_COOKIE = "kiosk_device"
DEVICE_HEADER = "X-Kiosk-Request"
TEN_YEARS = 10 * 365 * 24 * 3600

bp = Blueprint("auth", __name__)


# --- login throttling --------------------------------------------------------------------

def check_login(username: str, password: str) -> dict | None:
    """The active user with this password, or None. Counts failures per address and name.
    An unknown name costs one password hash too, so timing does not tell which names exist."""
    key = f"{request.remote_addr}|{username.lower()}"
    if login_throttle().blocked(key):
        abort(429)
    user = store.get_user(get_db(), username=username)
    if user and password_matches(user["password_hash"], password):
        login_throttle().clear(key)
        return user
    if user is None:
        password_matches(_dummy_hash(), password)
    login_throttle().fail(key)
    return None


@functools.cache
def _dummy_hash() -> str:
    return hash_password(new_token())


# --- staff sessions -------------------------------------------------------------------

class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(), Length(max=200)])


@bp.before_app_request
def load_user():
    """The signed-in staff user, if the session is still alive: its generation matches the
    user's (logout, a password change or reset, deactivation and a role change move it on,
    ending every session of that user), and it was used within ``SESSION_IDLE_HOURS``."""
    g.user = None
    user_id = session.get("user_id")
    if not user_id:
        return
    user = store.get_user(get_db(), user_id=user_id)
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_HOURS"] * 3600
    if user is None or session.get("gen") != user["session_gen"] or now - session.get("seen", 0) > idle:
        session.clear()
        return
    if now - session["seen"] >= 60:  # a fresh cookie once a minute, not on every request
        session["seen"] = now
    g.user = user


def _start_session(user: dict) -> None:
    session.clear()
    session.update(user_id=user["id"], gen=user["session_gen"], seen=int(time.time()))


def login_required(*roles):
    """Let in a signed-in user with one of ``roles`` (any role when none is given)."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if roles and g.user["role"] not in roles and g.user["role"] != "admin":
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _safe_next(target: str | None) -> str:
    """A path on this site, or the overview. Browsers drop tabs and newlines from a
    Location and read a backslash as a slash, so "/%09/evil.example" (a tab once decoded)
    or "/%5Cevil.example"
    would leave the site: anything with those, or with a scheme or host, is refused."""
    if target and not re.search(r"[\x00-\x20\x7f\\]", target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("admin.home")


def _landing(user) -> str:
    """Where a role starts: an officer at the counter's receipts, everyone else on the overview."""
    return url_for("receipts.index") if user["role"] == "officer" else url_for("admin.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff sign-in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = check_login(text.line(form.username.data), form.password.data)
        if user:
            _start_session(user)
            target = request.args.get("next")
            return redirect(_safe_next(target) if target else _landing(user))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with CSRF, so a link elsewhere cannot sign anyone out): every session
    of this user ends, including a copy of the cookie taken earlier."""
    if g.user is not None:
        store.end_sessions(get_db(), g.user["id"])
    session.clear()
    return redirect(url_for("auth.login"))


# --- tablet enrolment ---------------------------------------------------------------

class EnrolForm(LoginForm):
    kiosk_name = StringField("Tên máy tính bảng", validators=[DataRequired(), Length(max=60)])
    counter = StringField("Quầy", validators=[Length(max=60)])
    unit = StringField("Mã đơn vị", validators=[Length(max=32)])  # a province admin, several units


def _tablet_unit(user: dict, typed: str | None) -> str | None:
    """The unit a tablet enrolled by ``user`` belongs to: the admin's own; for a province
    admin the unit code typed, or the only unit. None when it cannot be told."""
    db = get_db()
    if user.get("unit"):
        return user["unit"]
    code = text.line(typed)
    if code:
        return code if store.get_unit(db, code) else None
    return store.only_unit(db)


@bp.route("/enrol", methods=["GET", "POST"])
def enrol():
    """An admin signs in on the tablet once and names it; the tablet keeps a device cookie."""
    form = EnrolForm()
    if form.validate_on_submit():
        user = check_login(text.line(form.username.data), form.password.data)
        unit = _tablet_unit(user, form.unit.data) if user else None
        if not user or user["role"] != "admin":
            flash(_("Chỉ quản trị viên mới đăng ký được máy tính bảng."), "error")
        elif unit is None:
            flash(_("Máy chủ này phục vụ nhiều đơn vị: nhập mã đơn vị của máy tính bảng (xem python -m kiosk list-units)."), "error")  # noqa: E501 (a translated message stays on one line)
        else:
            token = new_token()
            name = text.line(form.kiosk_name.data)
            store.enrol_kiosk(get_db(), name, hash_token(token), user["username"],
                              text.line(form.counter.data) or None, unit)
            response = redirect(url_for("tablet.index"))
            response.set_cookie(DEVICE_COOKIE, token, max_age=TEN_YEARS, httponly=True,
                                samesite="Strict", secure=request.is_secure)
            return response
    return render_template("auth/enrol.html", form=form, several_units=store.only_unit(get_db()) is None)


def current_kiosk() -> dict | None:
    """The enrolled tablet this browser is, from its device cookie."""
    if "kiosk" not in g:
        token = request.cookies.get(DEVICE_COOKIE)
        g.kiosk = store.find_kiosk(get_db(), hash_token(token)) if token else None
    return g.kiosk


def api_principal() -> Principal | None:
    """Who calls the API, or None.

    A bearer token (stored hashed), or an enrolled tablet's cookie together with the
    ``X-Kiosk-Request`` header (a header no other site can make a browser send, which is
    what protects the cookie from cross-site use), or a signed-in user for GET requests.
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        row = store.find_token(get_db(), hash_token(header[7:].strip()))
        return Principal("token", row["role"], row["name"], unit=row.get("unit"),
                         unit_row=row.get("unit_row")) if row else None
    if request.headers.get(DEVICE_HEADER) == "1":
        kiosk = current_kiosk()
        return Principal("kiosk", "kiosk", kiosk["name"], kiosk=kiosk, unit=kiosk.get("unit"),
                         unit_row=kiosk.get("unit_row")) if kiosk else None
    if request.method == "GET" and g.get("user"):
        return Principal("user", g.user["role"], g.user["username"], unit=g.user.get("unit"))
    return None
