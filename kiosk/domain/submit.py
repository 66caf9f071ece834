"""The one path by which a citizen's rating is written, for every channel.

parse (the questionnaire's rules) → attribute to the credential (which tablet, which
counter) → bind the receipt → flag (the integrity rules) → save once (the hash chain).
The API, the phone form and anything later (imports, a one-stop integration) call
``submit`` and translate its ``Outcome`` into their own answer; none of them repeats a step.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import partial

from kiosk import store
from kiosk.domain import codes, intake, integrity, text
from kiosk.domain.conflict_log import without_phone
from kiosk.domain.principals import Principal
from kiosk.domain.units import unit_settings


class Status(Enum):
    CREATED = "created"            # stored now
    DUPLICATE = "duplicate"        # the same id and body again: a retry, stored once
    CONFLICT = "conflict"          # the same id with another body: logged, the first kept
    INVALID = "invalid"            # the body breaks the questionnaire's rules (see fields)
    WRONG_CHANNEL = "wrong_channel"  # a channel this credential may not send
    RECEIPT_UNKNOWN = "unknown"    # no such receipt code
    RECEIPT_EXPIRED = "expired"    # the code's time is over
    RECEIPT_USED = "used"          # another response rated that dossier first


@dataclass(frozen=True)
class Outcome:
    status: Status
    row: dict | None = None                      # the stored response (created, duplicate, conflict)
    fields: dict = field(default_factory=dict)   # {field: problem} for INVALID
    complaint_code: str | None = None            # the citizen's own code of a complaint made with it

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
    if text.json_problem(body):
        return Outcome(Status.INVALID, fields={"body": text.json_problem(body)})
    body = text.deep_clean(body)  # the one normaliser: NFC, no control characters
    channel_default = "phone" if principal.kind == "phone" else "kiosk"
    refused = _channel_refused(body, channel_default)
    if refused:
        return Outcome(Status.WRONG_CHANNEL, fields=refused)
    unit = _unit_of(db, body, principal)
    known = principal.unit_row if principal.unit_row and principal.unit_row["code"] == unit else None
    settings = unit_settings(settings, known or store.get_unit(db, unit))  # its opening hours, holidays
    try:
        sub = intake.parse(body, channel_default=channel_default, forms=forms,
                           window_days=settings["OFFLINE_WINDOW_DAYS"], holidays=settings["HOLIDAYS"])
    except intake.Invalid as exc:
        return Outcome(Status.INVALID, fields=exc.fields)
    _attribute(db, sub, principal, unit)
    if settings["DEMO_MODE"]:  # a training server's ratings are demo data, whoever sends them
        sub.row["demo"] = 1
    try:
        intake.bind_receipt(db, sub)
    except intake.ReceiptRefused as exc:
        return Outcome(_REFUSED[exc.state], fields={"receipt": exc.state})
    credential = (store.contact_key(db, principal.kind, principal.name, principal.unit)
                  if principal.kind in ("kiosk", "token") else None)
    flagger = integrity.make_flagger(settings, len(sub.answers), sub.clock_rejected, credential)
    flagger.before(db, sub.row)  # the rules that count nothing, before the write lock
    try:
        status, row = store.save_response(db, sub.row, sub.answers, complaint=sub.complaint,
                                          conflict_body=partial(without_phone, body), flagger=flagger)
    except store.ReceiptAlreadyUsed:
        return Outcome(Status.RECEIPT_USED, fields={"receipt": "used"})
    code = None
    if status == "created" and sub.complaint:
        code = sub.complaint["code"]
    elif status == "duplicate":
        code = store.complaint_code_of(db, row["id"])
    return Outcome(Status(status), row=row, complaint_code=code)


def _channel_refused(body, channel: str) -> dict | None:
    """The channel follows the credential: a tablet or a kiosk token sends counter ratings
    (kiosk) only, the phone form phone ratings only. A body claiming another channel would
    skip the counter's rules (cooldown, burst, unenrolled, over_returned)."""
    claimed = body.get("channel", channel) if isinstance(body, dict) else channel
    if claimed == channel or claimed not in intake.CHANNELS:  # unknown names: the intake says so
        return None
    if channel == "kiosk":
        return {"channel": "a tablet or kiosk token sends counter ratings only (channel 'kiosk'); "
                           "phone ratings come only through the phone form"}
    return {"channel": "the phone form sends phone ratings only"}


def _unit_of(db, body: dict, principal: Principal) -> str | None:
    """The unit a rating belongs to: the tablet's or token's; for the phone form (or a
    province-wide credential) the receipt's; else the only unit, if there is one."""
    if principal.unit:
        return principal.unit
    code = body.get("receipt") if isinstance(body.get("receipt"), str) else None
    receipt = store.get_receipt(db, codes.normalize(code)) if code and codes.normalize(code) else None
    return (receipt or {}).get("unit") or store.only_unit(db)


def _attribute(db, sub: intake.Submission, principal: Principal, unit: str | None) -> None:
    """Which tablet, counter and unit a rating comes from: an enrolled tablet names itself,
    its counter and its unit (and is marked as heard from); a kiosk token names itself and
    its unit. The phone form's unit is its receipt's (``intake.bind_receipt``); a rating
    with neither goes to the only unit, if there is one."""
    sub.row["unit"] = unit
    if principal.kiosk:
        sub.row["kiosk"] = principal.kiosk["name"]
        sub.row["counter"] = principal.kiosk["counter"]
        store.touch_kiosk(db, principal.kiosk)
    elif sub.row["channel"] == "kiosk" and principal.kind != "phone":
        sub.row["kiosk"] = principal.name
