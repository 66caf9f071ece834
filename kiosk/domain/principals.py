"""Who is asking: the credential behind a request, as the rules see it.

The web layer turns a bearer token, an enrolled tablet's cookie, a signed-in user or the
phone form into one of these; the domain decides from it what may be done.
"""
from __future__ import annotations

from dataclasses import dataclass

KINDS = ("token", "kiosk", "user", "phone")


@dataclass(frozen=True)
class Principal:
    """``kind``: token, kiosk (an enrolled tablet), user (signed in) or phone (the QR form,
    a citizen nobody knows); ``role``: kiosk, officer, leader, admin or citizen; ``name``: the
    token's, tablet's or user's name; ``kiosk``: the enrolled tablet's row, for a tablet;
    ``unit``: the code of the unit the credential belongs to, or None for a province-wide
    user or token (and for the phone form, whose unit is its receipt's); ``unit_row``: that
    unit's row, when it was read with the credential (``store.split_unit``)."""

    kind: str
    role: str
    name: str
    kiosk: dict | None = None
    unit: str | None = None
    unit_row: dict | None = None

    @property
    def key(self) -> str:
        """A stable key for per-credential limits (guessing, throttles)."""
        return f"{self.kind}:{self.name}"

    @property
    def province_wide(self) -> bool:
        """A user or token of every unit (province staff); never a tablet or the phone."""
        return self.unit is None and self.kind in ("user", "token")


PHONE = Principal(kind="phone", role="citizen", name="phone")
