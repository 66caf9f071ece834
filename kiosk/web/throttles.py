"""The app's throttles, one per kind of guessing, shared by every view that meets it.

Sign-in failures count per address and user name; unknown receipt codes per client
address (the phone form) or per credential (the API), so guessing codes is as slow on
one path as on the other.
"""
from __future__ import annotations

from flask import current_app

from kiosk.domain.throttle import Throttle


def _get(name: str, limit: int, window: int) -> Throttle:
    made = current_app.extensions.get(name)  # made once, not on every request that asks
    return made if made is not None else current_app.extensions.setdefault(name, Throttle(limit=limit, window=window))


def login_throttle() -> Throttle:
    cfg = current_app.config
    return _get("login_throttle", int(cfg["LOGIN_FAIL_LIMIT"]), int(cfg["LOGIN_FAIL_WINDOW"]))


def guess_throttle() -> Throttle:
    """Unknown codes per client address (phone) or per device (API): the guessing limit."""
    cfg = current_app.config
    return _get("receipt_guess_throttle", int(cfg["RECEIPT_GUESS_LIMIT"]), int(cfg["RECEIPT_GUESS_WINDOW"]))
