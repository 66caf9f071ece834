"""The one path by which a citizen's rating is written, for every channel.

parse (the questionnaire's rules) → attribute to the credential (which tablet, which
counter) → bind the receipt → flag (the integrity rules) → save once (the hash chain).
The API, the phone form and anything later (imports, a one-stop integration) call
``submit`` and translate its ``Outcome`` into their own answer; none of them repeats a step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping

from kiosk import store
from kiosk.domain import integrity, intake
from kiosk.domain.principals import Principal


class Status(Enum):
    CREATED = "created"            # stored now
    DUPLICATE = "duplicate"        # the same id and body again: a retry, stored once
    CONFLICT = "conflict"          # the same id with another body: logged, the first kept
    INVALID = "invalid"            # the body breaks the questionnaire's rules (see fields)
    RECEIPT_UNKNOWN = "unknown"    # no such receipt code
    RECEIPT_EXPIRED = "expired"    # the code's time is over
    RECEIPT_USED = "used"          # another response rated that dossier first


@dataclass(frozen=True)
class Outcome:
    status: Status
    row: dict | None = None                      # the stored response (created, duplicate, conflict)
    fields: dict = field(default_factory=dict)   # {field: problem} for INVALID

    @property
    def stored(self) -> bool:
        """The citizen's rating is safely in the database (now or before)."""
        return self.status in (Status.CREATED, Status.DUPLICATE)


_REFUSED = {"unknown": Status.RECEIPT_UNKNOWN, "expired": Status.RECEIPT_EXPIRED,
            "used": Status.RECEIPT_USED}


def submit(db, body, *, principal: Principal, settings: Mapping, forms: intake.Forms) -> Outcome:
    """Check and store one response ``body`` sent by ``principal``; never raises for bad
    input. ``settings``: the installation's settings (app.config); ``forms``: its
    questionnaires."""
    channel_default = "phone" if principal.kind == "phone" else "kiosk"
    try:
        sub = intake.parse(body, channel_default=channel_default, forms=forms,
                           window_days=settings["OFFLINE_WINDOW_DAYS"], holidays=settings["HOLIDAYS"])
    except intake.Invalid as exc:
        return Outcome(Status.INVALID, fields=exc.fields)
    _attribute(db, sub, principal)
    try:
        intake.bind_receipt(db, sub)
    except intake.ReceiptRefused as exc:
        return Outcome(_REFUSED[exc.state], fields={"receipt": exc.state})
    flagger = integrity.make_flagger(settings, len(sub.answers), sub.clock_rejected)
    try:
        status, row = store.save_response(db, sub.row, sub.answers, complaint=sub.complaint,
                                          conflict_body=sub.body_json, flagger=flagger)
    except store.ReceiptAlreadyUsed:
        return Outcome(Status.RECEIPT_USED, fields={"receipt": "used"})
    return Outcome(Status(status), row=row)


def _attribute(db, sub: intake.Submission, principal: Principal) -> None:
    """Which tablet and counter a rating comes from: an enrolled tablet names itself and
    its counter (and is marked as heard from); a kiosk token names itself."""
    if principal.kiosk:
        sub.row["kiosk"] = principal.kiosk["name"]
        sub.row["counter"] = principal.kiosk["counter"]
        store.touch_kiosk(db, principal.kiosk)
    elif sub.row["channel"] == "kiosk" and principal.kind != "phone":
        sub.row["kiosk"] = principal.name
