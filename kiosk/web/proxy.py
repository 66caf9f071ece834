"""Behind a reverse proxy: the real client address and scheme, Secure cookies, HSTS.

``TRUSTED_PROXIES`` says how many proxies stand in front of the app (Caddy in ``deploy/``
is one). With N > 0, Werkzeug's ``ProxyFix`` takes the client address, the scheme and the
host from the last N entries of ``X-Forwarded-For``/``-Proto``/``-Host``: the entries the
trusted proxies wrote themselves, never the ones a client made up in front of them. Every
throttle keys on ``request.remote_addr``, so after this each client behind the proxy is
counted on its own. With the default 0 the headers are ignored (waitress also drops them).

The session cookie is marked ``Secure`` whenever the citizen's or officer's request
arrived over HTTPS (directly or at the proxy), so it never travels over plain http once
it was set over https; HSTS tells the browser to stay on https.
"""
from __future__ import annotations

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


class SessionOverHttps(SecureCookieSessionInterface):
    """Flask's signed-cookie session, ``Secure`` when the original request was HTTPS."""

    def open_session(self, app, request):
        """No cookie, an empty session: without making the signing serializer first (every
        tablet rating and API call comes without one)."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def _hsts(response):
    """Over HTTPS only: a browser ignores HSTS on http, and a LAN on http must keep working."""
    seconds = int(current_app.config["HSTS_SECONDS"])
    if seconds and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response


def init_app(app) -> None:
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.session_interface = SessionOverHttps()
    app.after_request(_hsts)
