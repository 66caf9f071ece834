"""The web layer: one blueprint per audience, templates, static assets, errors, i18n.

Views translate HTTP to a call into ``kiosk.domain`` or ``kiosk.store`` and back; no
rule lives here that another channel would need.
"""
from __future__ import annotations

import json

from flask import abort, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class OneEncoder(DefaultJSONProvider):
    """Flask's JSON answers, made by one encoder: with Flask's arguments ``json.dumps``
    builds a new encoder for every answer, a tenth of the time of a tablet's rating's
    answer (py-spy). The same text (the same arguments)."""

    _compact = None

    def dumps(self, obj, **kwargs) -> str:
        if kwargs != {"separators": (",", ":")}:  # indented (debug) or a caller's own arguments
            return super().dumps(obj, **kwargs)
        if self._compact is None:
            self._compact = json.JSONEncoder(default=self.default, ensure_ascii=self.ensure_ascii,
                                             sort_keys=self.sort_keys, separators=(",", ":"))
        return self._compact.encode(obj)


def init_app(app) -> None:
    """Register the database, CSRF, i18n, questionnaires, errors and every blueprint."""
    from kiosk.domain import catalogue
    from kiosk.store.db import connect
    from kiosk.web import (
        admin,
        api,
        auth,
        complaints,
        dashboard,
        db,
        errors,
        health,
        i18n,
        people,
        phone,
        province,
        proxy,
        public,
        questionnaires,
        receipts,
        reports,
        scope,
        tablet,
    )
    from kiosk.web import catalogue as catalogue_pages
    app.json = OneEncoder(app)
    proxy.init_app(app)
    from kiosk.web.clean_request import CleanRequest
    app.request_class = CleanRequest  # every form field and query argument normalised
    db.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    health.init_app(app)
    people.init_app(app)
    questionnaires.init_app(app)
    errors.init_app(app)
    scope.init_app(app)
    for module in (auth, tablet, admin, api, complaints, dashboard, reports, receipts,
                   catalogue_pages, phone, public, province):
        app.register_blueprint(module.bp)
    app.register_blueprint(api.health)
    csrf.exempt(api.bp)  # token or enrolled-device authenticated; see auth.api_principal
    csrf.exempt(reports.bp)  # GET only
    csrf.exempt(phone.bp)  # its form checks its own CSRF token, to answer a citizen kindly
    seed = connect(app.config["DATABASE"])
    try:
        catalogue.seed_if_empty(seed)  # the default procedures, only into an empty catalogue
    finally:
        seed.conn.close()
    app.after_request(_security_headers)
    app.before_request(_forms_take_form_data)


def _forms_take_form_data():
    """Pages outside /api/ take HTML form posts only. Flask-WTF would otherwise read a JSON
    body as form data and fail on anything but an object."""
    if request.method == "POST" and request.is_json and not request.path.startswith("/api/"):
        abort(400)


# same-origin, not no-referrer: over HTTPS Flask-WTF checks that a form post's Referer is
# this site (a forged post from elsewhere has another one); other sites get nothing.
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"))


def _security_headers(response):
    """Only the app's own assets, no framing, no sniffing: the counter has no CDN anyway.
    A header a view set itself is kept (one look at the answer's headers, not four)."""
    present = {key.lower() for key in response.headers.keys()}
    response.headers.extend([(k, v) for k, v in SECURITY_HEADERS if k.lower() not in present])
    return response
