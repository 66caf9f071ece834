"""Hài lòng: the satisfaction kiosk of a commune's one-stop counter.

``create_app`` follows Flask's tutorial: defaults, then ``instance/config.py``, then
``KIOSK_*`` environment variables, then the test mapping. The instance folder, its
secret key and the database are created on first run.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONFIG_TEMPLATE = '''\
# Hài lòng: settings of this installation. Uncomment and edit; restart to apply.
# COMMUNE_NAME = "Xã Mẫu"
# UNIT_NAME = "Trung tâm Phục vụ hành chính công xã"
# PROVINCE_NAME = "Tỉnh Mẫu"
# PLACE_NAME = "Mẫu"                 # for "Mẫu, ngày … tháng … năm …" on reports
# PUBLIC_BASE_URL = "http://192.168.1.10:8080"   # what the printed QR codes point to
# IDLE_SECONDS = 60                  # tablet returns to the welcome screen after this
# THANKS_SECONDS = 5                 # how long "Cảm ơn Ông/Bà" stays
# TABLET_QUESTIONNAIRE = "counter"
# PHONE_QUESTIONNAIRE = "phone"
# RECEIPT_EXPIRY_DAYS = 30
# OFFLINE_WINDOW_DAYS = 30           # a queued rating older than this gets the server's time
#
# Integrity flags (responses are flagged, never deleted):
# OPENING_HOURS = {"0": ["07:00-17:30"], "1": ["07:00-17:30"], "2": ["07:00-17:30"],
#                  "3": ["07:00-17:30"], "4": ["07:00-17:30"], "5": ["07:00-11:30"]}  # 0 = Monday
# OPENING_GRACE_MINUTES = 30
# COOLDOWN_SECONDS = 10              # taps closer than this on one tablet
# BURST_COUNT = 6                    # this many unbound ratings ...
# BURST_WINDOW_SECONDS = 180         # ... within this window on one tablet
# MIN_MS_PER_ANSWER = 500            # faster than this per answer is not humanly plausible
# KIOSK_SILENCE_MINUTES = 90         # warn when a tablet is silent this long while open
#
# Complaints:
# HOLIDAYS = ["2026-01-01", ...]     # public holidays skipped by the 15-working-day deadline
# CONTACT_RETENTION_DAYS = 30        # phone numbers erased this long after closure
'''


def instance_path() -> Path:
    return Path(os.environ.get("KIOSK_INSTANCE", "instance")).resolve()


def _secret_key(folder: Path) -> str:
    """Read the instance's secret key, generating it on first run (never committed)."""
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        try:
            path.chmod(0o600)
        except OSError:
            pass
    return path.read_text(encoding="ascii").strip()


from .workdays import DEFAULT_HOLIDAYS  # noqa: E402


def integrity_defaults() -> dict:
    from .integrity import DEFAULTS
    return dict(DEFAULTS)


def create_app(test_config: dict | None = None) -> Flask:
    folder = Path(test_config.get("INSTANCE", instance_path())) if test_config else instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(folder), instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=str(folder / "kiosk.db"),
        COMMUNE_NAME="Xã Mẫu",
        UNIT_NAME="Trung tâm Phục vụ hành chính công xã",
        PROVINCE_NAME="Tỉnh Mẫu",
        PLACE_NAME="Mẫu",
        PUBLIC_BASE_URL="http://127.0.0.1:8080",
        IDLE_SECONDS=60,
        THANKS_SECONDS=5,
        TABLET_QUESTIONNAIRE="counter",
        PHONE_QUESTIONNAIRE="phone",
        RECEIPT_EXPIRY_DAYS=30,
        OFFLINE_WINDOW_DAYS=30,
        MAX_CONTENT_LENGTH=256 * 1024,
        **integrity_defaults(),
        HOLIDAYS=list(DEFAULT_HOLIDAYS),
        CONTACT_RETENTION_DAYS=30,
        WTF_CSRF_TIME_LIMIT=None,  # a tablet page stays open all day
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
    )
    config_file = folder / "config.py"
    if not config_file.exists():
        config_file.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KIOSK")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(folder)
    elif app.config["SECRET_KEY"] in ("dev", "change-me") and not app.testing:
        print("WARNING: a default SECRET_KEY is in use; remove it from config.py", file=sys.stderr)

    from . import admin, api, auth, complaints, dashboard, db, errors, i18n, questionnaires, reports, tablet
    db.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    questionnaires.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(tablet.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.health)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(reports.bp)
    csrf.exempt(api.bp)  # token or enrolled-device authenticated; see auth.api_principal
    csrf.exempt(reports.bp)  # GET only
    from . import catalogue, catalogue_seed, phone, receipts
    catalogue_seed.init_app(app)  # the default procedures, only into an empty catalogue
    app.register_blueprint(receipts.bp)
    app.register_blueprint(catalogue.bp)
    app.register_blueprint(phone.bp)
    csrf.exempt(phone.bp)  # its form checks its own CSRF token, to answer a citizen kindly
    app.after_request(_security_headers)
    app.before_request(_forms_take_form_data)
    return app


def _forms_take_form_data():
    """Pages outside /api/ take HTML form posts only. Flask-WTF would otherwise read a JSON
    body as form data and fail on anything but an object."""
    from flask import abort, request
    if request.method == "POST" and request.is_json and not request.path.startswith("/api/"):
        abort(400)


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _security_headers(response):
    """Only the app's own assets, no framing, no sniffing: the counter has no CDN anyway."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response
