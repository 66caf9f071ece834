"""Receipt rules (mã phiếu đánh giá): issuing a code for a dossier, the return, expiry.

Expiry (``RECEIPT_EXPIRY_DAYS``, default 30): a code stops working that many days after
the result was returned. Until it is returned it works until that many days after the
later of its issue and the appointment date (ngày hẹn trả), so a slow dossier's code does
not die before the citizen collects the result. ``receipts.expires_at`` holds the moment.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk import clock, store
from kiosk.domain import codes, text
from kiosk.domain.catalogue import parse_date

ISSUE_FIELDS = {"dossier_code", "procedure_code", "officer", "received_date", "appointment_date",
                "counter"}


class Invalid(Exception):
    def __init__(self, fields: dict):
        super().__init__("invalid receipt")
        self.fields = fields


def expiry_at_issue(issued_at: datetime, appointment_date: str | None, days: int) -> datetime:
    start = issued_at
    if appointment_date:
        end_of_day = datetime.combine(date.fromisoformat(appointment_date) + timedelta(days=1),
                                      time(), tzinfo=clock.LOCAL_TZ)
        start = max(start, end_of_day)
    return start + timedelta(days=days)


def _text(body, name, errors, required=False, limit=100):
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "is required"
        return None
    if not isinstance(value, str):
        errors[name] = "must be text"
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        errors[name] = f"is too long (at most {limit} characters)"
        return None
    return value


def _date(body, name, errors):
    value = body.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            pass
    errors[name] = "must be a date YYYY-MM-DD"
    return None


def validate_issue(db, body, unit: str | None = None) -> dict:
    """Check an issue request (API body or form data); returns the clean values or raises
    Invalid with {field: message}. The procedure must be in the catalogue, in force, and
    not hidden by ``unit`` (the shared catalogue minus what that commune does not handle)."""
    if not isinstance(body, dict):
        raise Invalid({"body": "must be a JSON object"})
    errors = {str(k)[:60]: "unknown field" for k in list(set(body) - ISSUE_FIELDS)[:10]}
    clean = {
        "dossier_code": _text(body, "dossier_code", errors, required=True, limit=60),
        "procedure_code": _text(body, "procedure_code", errors, required=True, limit=60),
        "officer": _text(body, "officer", errors, required=True),
        "counter": _text(body, "counter", errors, limit=60),
        "received_date": _date(body, "received_date", errors) or clock.local_today().isoformat(),
        "appointment_date": _date(body, "appointment_date", errors),
    }
    code = clean["procedure_code"]
    if code and "procedure_code" not in errors:
        proc = store.get_procedure(db, code.upper())
        if proc is None:
            errors["procedure_code"] = "unknown procedure: not in this commune's catalogue"
        else:
            clean["procedure_code"] = proc["code"]
            day = clean["received_date"]
            if proc["code"] in hidden_procedures(db, unit):
                errors["procedure_code"] = "procedure not handled by this unit"
            if (proc["valid_to"] and proc["valid_to"] < day) or (proc["valid_from"] and proc["valid_from"] > day):
                errors["procedure_code"] = "procedure not in force on the received date"
    if clean["appointment_date"] and clean["appointment_date"] < clean["received_date"]:
        errors["appointment_date"] = "is before the received date"
    if errors:
        raise Invalid(errors)
    return clean


def hidden_procedures(db, unit: str | None) -> set[str]:
    """The procedure codes ``unit`` (or the only unit) does not handle."""
    row = store.get_unit(db, unit or store.only_unit(db))
    return set(row["hidden_procedures"]) if row else set()


def issue(db, clean: dict, actor: str, expiry_days: int, unit: str | None = None) -> tuple[dict, bool]:
    """Issue a code for a dossier (or give back its open one). Returns (receipt, created).
    ``unit``: the issuing officer's unit (a province-wide officer's: the only unit)."""
    now = clock.utcnow()
    unit = unit or store.only_unit(db)
    existing = store.open_receipt_for_dossier(db, clean["dossier_code"], clean["procedure_code"], now, unit)
    if existing:
        return existing, False
    row = dict(clean, issued_at=clock.iso(now), issued_by=actor, unit=unit,
               expires_at=clock.iso(expiry_at_issue(now, clean["appointment_date"], expiry_days)))
    return store.create_receipt(db, row, codes.new_code), True


def mark_returned(db, code: str, counter: str | None, actor: str, expiry_days: int) -> bool:
    """"Trả kết quả": the code now expires ``expiry_days`` after this moment."""
    now = clock.utcnow()
    expires = now + timedelta(days=expiry_days)
    return store.mark_returned(db, code, counter, now, expires, actor)


def counters(db, unit: str | None = None) -> list[dict]:
    """The counters "Trả kết quả" offers in ``unit``: first those an enrolled tablet stands
    at (that tablet then invites the citizen), then the catalogue's other counters, marked as
    having no tablet. ``[{"name", "tablet"}]``."""
    with_tablet = {k["counter"] for k in store.list_kiosks(db, unit) if k["counter"] and not k["revoked"]}
    others = {c["name"] for c in store.list_counters(db, active_only=True, unit=unit)} - with_tablet
    return ([{"name": n, "tablet": True} for n in sorted(with_tablet)]
            + [{"name": n, "tablet": False} for n in sorted(others)])


def match_counter(db, typed: str | None, unit: str | None = None) -> tuple[str | None, bool]:
    """(the counter as the list spells it, whether a tablet stands there) for a counter
    typed or chosen at "Trả kết quả" in ``unit``; NFC and case do not matter ("quầy 1" is
    "Quầy 1")."""
    name = text.line(typed)
    if not name:
        return None, False
    for c in counters(db, unit):
        if c["name"].casefold() == name.casefold():
            return c["name"], c["tablet"]
    return name, False


def state(row) -> str:
    return store.receipt_state(row, clock.utcnow())
