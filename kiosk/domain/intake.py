"""Turn a submitted response body into a typed ``Submission``, or into field errors.

Every channel (the tablet's API call, the phone form, other systems) goes through
``parse`` by way of ``kiosk.domain.submit``, so every channel accepts exactly the same
things and records the same columns.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from kiosk import clock, store
from kiosk.domain import codes
from kiosk.domain.complaints import parse_complaint
from survey_forms import Questionnaire, clean_answers
from survey_forms.model import TEXT_MAX

FIELDS = {"id", "channel", "questionnaire", "questionnaire_version", "overall", "answers",
          "comment", "complete", "created_at", "duration_ms", "receipt", "complaint"}
CHANNELS = ("kiosk", "phone")
MAX_DURATION_MS = 7 * 24 * 3600 * 1000


class Invalid(Exception):
    def __init__(self, fields: dict):
        super().__init__("invalid response")
        self.fields = fields


@dataclass(frozen=True)
class Forms:
    """The questionnaires this installation uses: the tablet's, the phone form's, by id."""

    tablet: Questionnaire
    phone: Questionnaire

    def get(self, name: str) -> Questionnaire | None:
        return {q.id: q for q in (self.tablet, self.phone)}.get(name)

    def default_for(self, channel: str) -> Questionnaire:
        return self.tablet if channel == "kiosk" else self.phone


@dataclass
class Submission:
    """One response, checked: ``row`` holds the ``responses`` columns to store, ``answers``
    the clean answers by question id, ``complaint`` the checked complaint (or None). The
    body as logged with a conflicting resend is ``conflict_log.without_phone``'s."""

    row: dict
    answers: dict
    complaint: dict | None = None
    clock_rejected: bool = False
    flags: list[str] = field(default_factory=list)


def parse(body, *, channel_default: str, forms: Forms, window_days: int, holidays=()) -> Submission:
    """Check ``body`` against its questionnaire; raises Invalid with {field: message}."""
    if not isinstance(body, dict):
        raise Invalid({"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    for name in sorted(set(body) - FIELDS)[:10]:
        errors[str(name)[:60]] = "unknown field"
    response_id = _uuid(body.get("id"), errors)
    channel = body.get("channel", channel_default)
    if channel not in CHANNELS:
        errors["channel"] = "must be 'kiosk' or 'phone'"
        channel = channel_default
    q = _questionnaire(body, forms.default_for(channel), forms, errors)
    answers, answer_errors = clean_answers(q, body.get("overall"), body.get("answers"))
    errors.update(answer_errors)
    comment = _comment(body.get("comment"), q, errors)
    complete, duration, client_time, receipt = _meta(body, errors)
    now = clock.utcnow()
    complaint, complaint_errors = parse_complaint(
        body.get("complaint"), comment, received=date.fromisoformat(clock.local_fields(now)["local_date"]),
        holidays=holidays)
    errors.update(complaint_errors)
    if errors:
        raise Invalid(errors)
    rated_at, clock_rejected = clock.choose_rated_at(client_time, now, window_days)
    row = {
        "id": response_id, "questionnaire": q.id, "questionnaire_version": q.version,
        "channel": channel, "overall": answers[q.overall], "scale": q.scale,
        "comment": (comment or "").strip() or None, "complete": 1 if complete else 0,
        "created_at": body.get("created_at"), "submitted_at": clock.iso(now),
        "rated_at": clock.iso(rated_at), **clock.local_fields(rated_at),
        "receipt": receipt, "duration_ms": duration, "demo": 0, "flags": "",
        "body_hash": store.canonical_hash(body),
    }
    return Submission(row=row, answers=answers, complaint=complaint, clock_rejected=clock_rejected)


def _uuid(value, errors) -> str | None:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else _missing(errors)
    except ValueError:
        return _missing(errors)


def _missing(errors) -> None:
    errors["id"] = "must be a UUID made by the client"
    return None


def _questionnaire(body, default: Questionnaire, forms: Forms, errors) -> Questionnaire:
    name = body.get("questionnaire", default.id)
    q = forms.get(name) if isinstance(name, str) else None
    if q is None:
        raise Invalid({**errors, "questionnaire": "unknown questionnaire"})
    version = body.get("questionnaire_version", q.version)
    if version != q.version or isinstance(version, bool):
        errors["questionnaire_version"] = f"this server has {q.id} version {q.version}"
    return q


def _comment(comment, q: Questionnaire, errors) -> str | None:
    comment_q = q.question("comment")
    limit = comment_q.max_length if comment_q else TEXT_MAX
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = "must be text"
        return None
    if comment is not None and len(comment) > limit:
        errors["comment"] = f"is too long ({len(comment)} characters; at most {limit})"
    return comment


def _meta(body, errors):
    """(complete, duration_ms, the client's own time, receipt code as sent)."""
    complete = body.get("complete", True)
    if not isinstance(complete, bool):
        errors["complete"] = "must be true or false"
    duration = body.get("duration_ms")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)
                                 or not 0 <= duration <= MAX_DURATION_MS):
        errors["duration_ms"] = "must be a whole number of milliseconds"
    created_at, client_time = body.get("created_at"), None
    if created_at is not None:
        client_time = clock.parse_iso(created_at)
        if client_time is None:
            errors["created_at"] = "must be an ISO 8601 time with a UTC offset"
    receipt = body.get("receipt")
    if receipt is not None and (not isinstance(receipt, str) or not 4 <= len(receipt) <= 40):
        errors["receipt"] = "must be a receipt code"
    return complete, duration, client_time, receipt


class ReceiptRefused(Exception):
    """The receipt code cannot be rated: ``state`` is unknown, expired or used."""

    def __init__(self, state: str, code: str | None):
        super().__init__(state)
        self.state, self.code = state, code


def bind_receipt(db, submission: Submission) -> None:
    """Bind the submission to its receipt: copy dossier_code, procedure_code, field, officer
    and unit (and the counter, when the row has none) from the receipt.

    Raises ReceiptRefused for an unknown or expired code, or for a code another response
    used (a retry of the very response that used it passes, so that the store can answer
    "duplicate"). The final, atomic check is in store.save_response.
    """
    row = submission.row
    if not row.get("receipt"):
        return
    code = codes.normalize(row["receipt"])
    receipt = store.get_receipt(db, code) if code else None
    if receipt and row.get("unit") and receipt.get("unit") and receipt["unit"] != row["unit"]:
        receipt = None  # another commune's receipt is no receipt to this tablet
    state = store.receipt_state(receipt, clock.utcnow())
    if state == "used" and receipt["response_id"] == row["id"]:
        state = "open"
    if state != "open":
        raise ReceiptRefused(state, code)
    row.update(receipt=code, unit=receipt.get("unit") or row.get("unit"), dossier_code=receipt["dossier_code"],
               procedure_code=receipt["procedure_code"], field=receipt["field"], officer=receipt["officer"])
    if not row.get("counter"):
        row["counter"] = receipt["counter"]
