"""Receipt codes (mã phiếu đánh giá): issued for a dossier, returned, used once.

A receipt's life: issued by the officer who received the dossier (``issued_at``), marked
returned at a counter ("Trả kết quả", ``returned_at`` and ``counter``), used by exactly
one response (``used_at``, ``response_id``; the atomic guard is in ``save_response``).
``expires_at`` is set at issue and moved on return; see ``kiosk.receipts.expiry``.
"""
from __future__ import annotations

import sqlite3

from kiosk.clock import iso
from kiosk.store.db import transaction

__all__ = ["create_receipt", "get_receipt", "list_receipts", "receipts_by_codes",
           "mark_returned", "pending_return", "open_receipt_for_dossier", "latest_receipt_of_dossier",
           "receipt_state"]

_SELECT = ("SELECT r.*, p.name AS procedure_name, p.field AS field FROM receipts r "
           "LEFT JOIN procedures p ON p.code = r.procedure_code")


def create_receipt(db, row: dict, new_code) -> dict:
    """Insert ``row`` under a fresh code from ``new_code()``; on the (astronomically rare)
    clash with an existing code, draw again."""
    for _ in range(10):
        code = new_code()
        try:
            with transaction(db):
                db["receipts"].insert(dict(row, code=code))
                db["audit_log"].insert({"at": row["issued_at"], "actor": row.get("issued_by") or "",
                                        "action": "issue_receipt", "detail": row["dossier_code"],
                                        "unit": row.get("unit")})
            return get_receipt(db, code)
        except sqlite3.IntegrityError:
            continue
    raise RuntimeError("could not draw an unused receipt code")


def get_receipt(db, code: str) -> dict | None:
    rows = list(db.query(_SELECT + " WHERE r.code = ?", [code]))
    return rows[0] if rows else None


def list_receipts(db, limit: int = 50, issued_by: str | None = None, unit: str | None = None) -> list[dict]:
    """Most recently issued first (by ``issued_by``, of ``unit``, when given)."""
    where, params = [], []
    for column, value in (("r.issued_by", issued_by), ("r.unit", unit)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.issued_at DESC LIMIT ?"
    return list(db.query(sql, [*params, limit]))


def receipts_by_codes(db, codes: list[str]) -> list[dict]:
    """The receipts with these codes, in the order given (unknown codes left out)."""
    found = {}
    for code in codes[:200]:
        row = get_receipt(db, code)
        if row:
            found[code] = row
    return [found[c] for c in codes if c in found]


def open_receipt_for_dossier(db, dossier_code: str, procedure_code: str, now,
                             unit: str | None = None) -> dict | None:
    """An unused, unexpired receipt already issued for this dossier and procedure in
    ``unit``, so that a retried request or a reprinted slip never makes a second code for
    one dossier (another commune's dossier of the same code is another dossier)."""
    rows = list(db.query(
        _SELECT + " WHERE r.dossier_code = ? AND r.procedure_code = ? AND r.used_at IS NULL "
        "AND r.expires_at > ? AND r.unit IS ? ORDER BY r.issued_at DESC LIMIT 1",
        [dossier_code, procedure_code, iso(now), unit]))
    return rows[0] if rows else None


def latest_receipt_of_dossier(db, dossier_code: str, unit: str | None = None) -> dict | None:
    """The most recently issued receipt of the dossier with this code (mã hồ sơ, as printed on
    the receipt and typed on the tablet's keypad; compared without regard to letter case) in
    ``unit`` (when given), or None. Whether it can still be rated is ``receipt_state``'s
    answer, as for a receipt code."""
    extra, params = (" AND r.unit = ?", [unit]) if unit else ("", [])
    rows = list(db.query(_SELECT + f" WHERE upper(r.dossier_code) = ?{extra} ORDER BY r.issued_at DESC LIMIT 1",
                         [dossier_code.upper(), *params]))
    return rows[0] if rows else None


def mark_returned(db, code: str, counter: str | None, at, expires_at, actor: str) -> bool:
    """"Trả kết quả": record the return time and counter. False if the code is already used."""
    with transaction(db):
        cur = db.execute(
            "UPDATE receipts SET returned_at = ?, counter = coalesce(?, counter), expires_at = ? "
            "WHERE code = ? AND used_at IS NULL", [iso(at), counter, iso(expires_at), code])
        if cur.rowcount == 1:
            unit = db.execute("SELECT unit FROM receipts WHERE code = ?", [code]).fetchone()[0]
            db["audit_log"].insert({"at": iso(at), "actor": actor, "action": "return_receipt",
                                    "detail": f"{code} {counter or ''}".strip(), "unit": unit})
    return cur.rowcount == 1


def pending_return(db, counter: str, since, now, unit: str | None = None) -> dict | None:
    """The receipt most recently returned at ``counter`` of ``unit`` since ``since`` that
    nobody has rated yet: what the tablet standing at that counter should ask about
    (another commune's "Quầy 1" is another counter)."""
    extra, params = (" AND r.unit = ?", [unit]) if unit else ("", [])
    rows = list(db.query(
        _SELECT + f" WHERE r.counter = ? AND r.returned_at >= ? AND r.used_at IS NULL "
        f"AND r.expires_at > ?{extra} ORDER BY r.returned_at DESC LIMIT 1",
        [counter, iso(since), iso(now), *params]))
    return rows[0] if rows else None


def receipt_state(row: dict | None, now) -> str:
    """``unknown``, ``used``, ``expired`` or ``open`` for a receipt row at time ``now``."""
    if row is None:
        return "unknown"
    if row["used_at"]:
        return "used"
    if row["expires_at"] and row["expires_at"] <= iso(now):
        return "expired"
    return "open"
