"""What a citizen's complaint must contain, and which texts need a second look.

Pure functions, shared by the API, the tablet and the phone form.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from kiosk.domain import codes
from kiosk.domain.workdays import add_working_days, parse_holidays
from survey_forms import vocabulary

TOPICS = tuple(vocabulary.TOPICS)
KINDS = tuple(vocabulary.COMPLAINT_KINDS)
DUE_WORKING_DAYS = vocabulary.DUE_WORKING_DAYS
_PHONE = re.compile(r"^(?:\+?84|0)(?:\d{9}|\d{10})$")
# A short list of common Vietnamese and English insults, compared without diacritics.
_PROFANITY = {"dm", "dmm", "dcm", "vcl", "vkl", "clm", "cut", "dit", "lon", "buoi", "cac",
              "fuck", "shit", "ngu", "oc cho", "do ngu", "khon nan", "mat day"}


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đồ ngu' → 'do ngu'."""
    text = text.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def text_flags(text: str) -> list[str]:
    """``empty``, ``profanity`` or ``gibberish``: for an official to review, never to drop."""
    stripped = (text or "").strip()
    if len(stripped) < 3:
        return ["empty"]
    flags = []
    folded = fold(stripped)
    words = re.findall(r"[a-z]+", folded)
    joined = " ".join(words)
    if any(w in _PROFANITY for w in words) or any(
            " " in p and f" {p} " in f" {joined} " for p in _PROFANITY):
        flags.append("profanity")
    letters = [c for c in folded if c.isalpha()]
    vowels = sum(c in "aeiouy" for c in letters)
    if (len(letters) < len(stripped) * 0.5
            or (len(letters) >= 6 and vowels / len(letters) < 0.15)
            or re.search(r"(.)\1{5,}", folded)
            or any(len(w) > 25 for w in words)):
        flags.append("gibberish")
    return flags


def normalise_phone(value: str) -> str | None:
    """A Vietnamese phone number as digits ('0912 345 678' → '0912345678'), or None."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    return digits if _PHONE.match(digits) else None


def parse_complaint(value, comment, *, received: date, holidays) -> tuple[dict | None, dict]:
    """Validate the ``complaint`` object of a response body.

    Returns (complaint, errors). A phone number without ``consent: true`` is an error: no
    number is ever stored without consent. The text defaults to the response's comment and
    is required. The complaint gets its own short code (``code``): the citizen who filed it
    holds it, and only that code shows the reply.
    """
    if value is None:
        return None, {}
    if not isinstance(value, dict):
        return None, {"complaint": "must be an object"}
    errors = {}
    unknown = set(value) - {"topic", "text", "phone", "consent", "kind"}
    for name in sorted(unknown)[:5]:
        errors[f"complaint.{str(name)[:40]}"] = "unknown field"
    topic = value.get("topic", "other")
    if topic not in TOPICS:
        errors["complaint.topic"] = f"must be one of {', '.join(TOPICS)}"
    kind = value.get("kind", "complaint")
    if kind not in KINDS:
        errors["complaint.kind"] = "must be 'complaint' or 'suggestion'"
    text = value.get("text", comment)
    if text is None:
        text = comment or ""
    if not isinstance(text, str):
        errors["complaint.text"] = "must be text"
    elif not text.strip():
        errors["complaint.text"] = "is required: a complaint says what it is about"
    elif len(text) > 2000:
        errors["complaint.text"] = f"is too long ({len(text)} characters; at most 2000)"
    consent = value.get("consent", False)
    if not isinstance(consent, bool):
        errors["complaint.consent"] = "must be true or false"
    phone = value.get("phone")
    clean_phone = None
    if phone not in (None, ""):
        if consent is not True:
            errors["complaint.phone"] = "consent_required"
        elif not isinstance(phone, str) or normalise_phone(phone) is None:
            errors["complaint.phone"] = "must be a Vietnamese phone number, e.g. 0912 345 678"
        else:
            clean_phone = normalise_phone(phone)
    if errors:
        return None, errors
    text = text.strip()
    due = add_working_days(received, DUE_WORKING_DAYS, parse_holidays(holidays))
    return {"topic": topic, "kind": kind, "text": text, "phone": clean_phone,
            "flags": " ".join(text_flags(text)), "due_date": due.isoformat(),
            "code": codes.new_code()}, {}
