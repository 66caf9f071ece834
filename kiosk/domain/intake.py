"""Turn a submitted response body into a stored record, or into field errors.

Shared by the API (tablet, one-stop software) and the phone form, so every channel
accepts exactly the same things and records the same columns.
"""
from __future__ import annotations

import json
import uuid
from datetime import date

from survey_forms import clean_answers
from survey_forms.model import TEXT_MAX

from kiosk.web import questionnaires
from kiosk.domain.complaints import parse_complaint
from kiosk.store import canonical_hash
from kiosk.clock import choose_rated_at, iso, local_fields, parse_iso, utcnow

FIELDS = {"id", "channel", "questionnaire", "questionnaire_version", "overall", "answers",
          "comment", "complete", "created_at", "duration_ms", "receipt", "complaint"}
CHANNELS = ("kiosk", "phone")


class Invalid(Exception):
    def __init__(self, fields: dict):
        super().__init__("invalid response")
        self.fields = fields


def parse(body, *, channel_default: str, window_days: int, holidays=()) -> tuple[dict, dict]:
    """Validate ``body``; return (record for store.save_response, clean answers).

    Raises Invalid with {field: message} for anything outside the questionnaire.
    """
    if not isinstance(body, dict):
        raise Invalid({"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    unknown = sorted(set(body) - FIELDS)
    for name in unknown[:10]:
        errors[str(name)[:60]] = "unknown field"
    try:
        response_id = str(uuid.UUID(body.get("id"))) if isinstance(body.get("id"), str) else None
    except ValueError:
        response_id = None
    if response_id is None:
        errors["id"] = "must be a UUID made by the client"
    channel = body.get("channel", channel_default)
    if channel not in CHANNELS:
        errors["channel"] = "must be 'kiosk' or 'phone'"
        channel = channel_default
    default_q = questionnaires.tablet() if channel == "kiosk" else questionnaires.phone()
    qname = body.get("questionnaire", default_q.id)
    q = questionnaires.get(qname) if isinstance(qname, str) else None
    if q is None:
        raise Invalid({**errors, "questionnaire": "unknown questionnaire"})
    version = body.get("questionnaire_version", q.version)
    if version != q.version or isinstance(version, bool):
        errors["questionnaire_version"] = f"this server has {q.id} version {q.version}"
    answers, answer_errors = clean_answers(q, body.get("overall"), body.get("answers"))
    errors.update(answer_errors)
    comment = body.get("comment")
    comment_q = q.question("comment")
    limit = comment_q.max_length if comment_q else TEXT_MAX
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = "must be text"
    elif comment is not None and len(comment) > limit:
        errors["comment"] = f"is too long ({len(comment)} characters; at most {limit})"
    complete = body.get("complete", True)
    if not isinstance(complete, bool):
        errors["complete"] = "must be true or false"
    duration = body.get("duration_ms")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)
                                 or not 0 <= duration <= 7 * 24 * 3600 * 1000):
        errors["duration_ms"] = "must be a whole number of milliseconds"
    created_at = body.get("created_at")
    client_time = None
    if created_at is not None:
        client_time = parse_iso(created_at)
        if client_time is None:
            errors["created_at"] = "must be an ISO 8601 time with a UTC offset"
    receipt = body.get("receipt")
    if receipt is not None and (not isinstance(receipt, str) or not 4 <= len(receipt) <= 40):
        errors["receipt"] = "must be a receipt code"
    now = utcnow()
    complaint, complaint_errors = parse_complaint(
        body.get("complaint"), comment if isinstance(comment, str) else None,
        received=date.fromisoformat(local_fields(now)["local_date"]), holidays=holidays)
    errors.update(complaint_errors)
    if errors:
        raise Invalid(errors)

    rated_at, clock_flag = choose_rated_at(client_time, now, window_days)
    comment = (comment or "").strip() or None
    record = {
        "id": response_id, "questionnaire": q.id, "questionnaire_version": q.version,
        "channel": channel, "overall": answers[q.overall], "scale": q.scale,
        "comment": comment, "complete": 1 if complete else 0,
        "created_at": created_at, "submitted_at": iso(now), "rated_at": iso(rated_at),
        **local_fields(rated_at),
        "receipt": receipt, "duration_ms": duration, "demo": 0,
        "flags": "clock" if clock_flag else "",
        "body_hash": canonical_hash(body),
        "_body": json.dumps(body, ensure_ascii=False)[:50_000],
        "_complaint": complaint,
    }
    return record, answers


def bind_receipt(db, record: dict) -> None:
    """Bind ``record`` to its receipt: copy dossier_code, procedure_code, field, officer
    (and the counter, when the record has none) from the receipt.

    Raises Invalid for an unknown or expired code and store.ReceiptAlreadyUsed for a code
    another response used (a retry of the very response that used it passes, so that
    save_response can answer "duplicate"). The final, atomic check is in save_response.
    """
    raw = record.get("receipt")
    if not raw:
        return
    from kiosk.domain import codes
    from kiosk import clock, store
    code = codes.normalize(raw)
    row = store.get_receipt(db, code) if code else None
    state = store.receipt_state(row, clock.utcnow())
    if state == "unknown":
        raise Invalid({"receipt": "unknown receipt code"})
    if state == "used" and row["response_id"] != record.get("id"):
        raise store.ReceiptAlreadyUsed(code)
    if state == "expired":
        raise Invalid({"receipt": "receipt code has expired"})
    record.update(receipt=code, dossier_code=row["dossier_code"],
                  procedure_code=row["procedure_code"], field=row["field"], officer=row["officer"])
    if not record.get("counter"):
        record["counter"] = row["counter"]
