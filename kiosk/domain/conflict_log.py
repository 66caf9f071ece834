"""The body logged beside a conflicting resend (``conflicts.body``).

Everything but the complaint's phone number, which lives only in ``complaint_contacts``
(where erasure can reach it), cut at ``BODY_LOG_LIMIT``. A module of its own that imports
nothing of the kiosk: each rating hands the server's writer process a reference to
``without_phone``, and unpickling it imports this module there, not the questionnaires.
"""
from __future__ import annotations

import json

BODY_LOG_LIMIT = 50_000


def without_phone(body) -> str:
    """The body as logged with a conflicting resend, without the complaint's phone number."""
    logged = dict(body)
    if isinstance(logged.get("complaint"), dict):
        logged["complaint"] = {k: v for k, v in logged["complaint"].items() if k != "phone"}
    return json.dumps(logged, ensure_ascii=False)[:BODY_LOG_LIMIT]
