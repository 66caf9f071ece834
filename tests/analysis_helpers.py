"""Responses stored through the real schema and write path, for the analysis and report tests.

``add(fresh_db, "2026-11-05 09:00", 5, {...})`` writes one response exactly as the kiosk
writes it (``kiosk.store.insert_many``) into the ``fresh_db`` fixture's database, so every
figure a test checks is computed from data shaped like the real thing."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from kiosk import store
from kiosk.clock import LOCAL_TZ, iso, local_fields


def local(text: str) -> datetime:
    """'2026-11-27 23:59' in Vietnam time."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


def record(at: datetime, overall: int, *, channel="kiosk", scale=5, flags="", **extra) -> dict:
    rated = at.astimezone(UTC)
    rid = str(uuid.uuid4())
    body = {"id": rid, "overall": overall, "at": iso(rated)}
    row = {
        "id": rid, "questionnaire": "counter" if channel == "kiosk" else "phone",
        "questionnaire_version": 1, "channel": channel, "overall": overall, "scale": scale,
        "comment": None, "complete": 1, "created_at": at.isoformat(), "submitted_at": iso(rated),
        "rated_at": iso(rated), **local_fields(rated), "kiosk": None, "counter": None,
        "receipt": None, "dossier_code": None, "procedure_code": None, "field": None,
        "officer": None, "duration_ms": 4000, "flags": flags, "demo": 0,
        "body_hash": store.canonical_hash(body),
    }
    row.update(extra)
    return row


def add(db, at, overall, answers=None, **kw) -> dict:
    """Store one response (answers: question id → value, the overall rating added)."""
    rec = record(local(at) if isinstance(at, str) else at, overall, **kw)
    store.insert_many(db, [(rec, {"overall": overall, **(answers or {})})])
    return rec
