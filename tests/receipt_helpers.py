"""Helpers shared by the receipt, phone and catalogue tests."""
from __future__ import annotations

import uuid

from kiosk import store
from kiosk.web.auth import hash_token


def make_token(db, role, name=None) -> dict:
    """Headers with a fresh bearer token of ``role``."""
    token = f"{role}-token-" + uuid.uuid4().hex
    store.create_token(db, name or f"{role} system", role, hash_token(token))
    return {"Authorization": f"Bearer {token}"}


def issue(client, headers, **over) -> dict:
    """Issue a receipt through the API; returns the JSON answer."""
    body = {"dossier_code": "HS-" + uuid.uuid4().hex[:8], "procedure_code": "1.001193",
            "officer": "Nguyễn Thị Lan", "appointment_date": "2030-01-10", "counter": "Quầy 1"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post("/api/v1/receipts", json=body, headers=headers)
    assert r.status_code in (200, 201), r.get_data(as_text=True)
    return r.get_json()


def return_result(client, headers, code, counter="Quầy 1"):
    r = client.post(f"/api/v1/receipts/{code}/return", json={"counter": counter}, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()
